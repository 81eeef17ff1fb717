/**
 * The pack's guarantees by construction (issue 17 sections 1 and 2), held by generated cases:
 *
 * - The property paths the rules read are recorded through the reading layer (`onRead` in policies/lib/values.ts sees
 *   every `get`, which every reader is built on) while every policy runs in-process on realistic groups of every type
 *   (plain, breaking one rule per type, an MSK mapping with a schema registry, a self-managed mapping, and the
 *   mapping, function and secret as aws-native registers them, read through the adapters).
 * - Never leak: a unique marker is planted as a secret, and as PEM text, in every string field any policy reads, and
 *   sent through the protocol: no diagnostic holds the marker, and some hold `[withheld]` (the marker did reach a
 *   message, so the test can fail).
 * - Never crash: every recorded path is replaced by each hostile value class and sent through the protocol
 *   (`Analyze` and `AnalyzeStack`): zero gRPC errors and no "could not judge" diagnostic (the catch-all in
 *   rules/common.ts did not have to act).
 * - Once per request: every stack policy of a request gets the same `StackIndex`; another request gets its own.
 * - The indexed IAM evaluation answers exactly as statement-by-statement evaluation, on generated statements.
 *
 * A case group carries one mutated path per resource (each resource of the group a different one), so every
 * (path, class) pair is sent while a run stays a few AnalyzeStack calls.
 */
import * as assert from "assert";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { unknownCheckingProxy, type PolicyResource } from "@pulumi/policy";
import type { AnalyzerInput, Diagnostic } from "../plan/analyzer";
import { decodeOnce } from "../policies/lib/decode-once";
import { StackIndex } from "../policies/lib/graph";
import { applies, allowingIndex, isAllow, isUnconditionalDeny, type Stmt } from "../policies/lib/iam-eval";
import { onRead, raw, type Path } from "../policies/lib/values";
import { policies } from "../policies/policies";
import { withBoundedReports } from "../policies/rules/common";
import { Redactor, shown } from "../policies/lib/shown";
import { UnknownValueError } from "@pulumi/policy";
import { resourceOf, rng, TYPES, UNKNOWNS, violatingTemplates } from "./helpers/generate";
import { pack, secret, UNKNOWN } from "./helpers/pack";
import { pki } from "./helpers/pki";

const ACCOUNT = "111122223333";
type Kind = "plain" | "violating" | "registry" | "self-managed" | "aws-native";
const KINDS: Kind[] = ["plain", "violating", "registry", "self-managed", "aws-native"];
const MAPPING = "aws:lambda/eventSourceMapping:EventSourceMapping";
/** The aws-native kind: the mapping, function and secret as aws-native registers them (the rest stays classic). */
const NATIVE: Record<string, string> = {
    [MAPPING]: "aws-native:lambda:EventSourceMapping",
    "aws:lambda/function:Function": "aws-native:lambda:Function",
    "aws:secretsmanager/secret:Secret": "aws-native:secretsmanager:Secret",
};

/** The resource types of a kind of group. */
function typesOf(kind: Kind): string[] {
    return kind === "aws-native" ? TYPES.map((t) => NATIVE[t] ?? t) : TYPES;
}

function pem() {
    const p = pki();
    return { chain: p.chain, key: p.clientKey, selfSigned: p.selfSigned, selfSignedKey: p.selfSignedKey };
}

/** The group of every type for case `i` (i % 4 === 1, so "violating" breaks one rule per type). */
function group(kind: Kind, i: number): Record<string, Record<string, unknown>> {
    const t = violatingTemplates(kind === "violating" ? i : i + 2, pem()); // i + 2: not a violating index
    const m = t[MAPPING];
    const registry = {
        schemaRegistryUri: "https://registry.example.com",
        eventRecordFormat: "JSON",
        accessConfigs: [{ type: "BASIC_AUTH", uri: `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:registry-${i}-AbCdEf` }],
        schemaValidationConfigs: [{ attribute: "VALUE" }],
    };
    if (kind === "registry") t[MAPPING] = { ...m, amazonManagedKafkaEventSourceConfig: { consumerGroupId: `group-${i}`, schemaRegistryConfig: registry } };
    if (kind === "self-managed") {
        const { eventSourceArn: _arn, amazonManagedKafkaEventSourceConfig: _cfg, ...rest } = m;
        t[MAPPING] = {
            ...rest,
            selfManagedEventSource: { endpoints: { KAFKA_BOOTSTRAP_SERVERS: "b-1.example.com:9096,b-2.example.com:9096" } },
            selfManagedKafkaEventSourceConfig: { consumerGroupId: `group-${i}`, schemaRegistryConfig: registry },
            sourceAccessConfigurations: [
                { type: "VPC_SUBNET", uri: "subnet:subnet-1" },
                { type: "VPC_SECURITY_GROUP", uri: "security_group:sg-1" },
                { type: "SASL_SCRAM_512_AUTH", uri: `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:AmazonMSK_${i}-AbCdEf` },
                { type: "SERVER_ROOT_CA_CERTIFICATE", uri: `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:ca-${i}-AbCdEf` },
            ],
        };
    }
    if (kind === "aws-native") {
        const fn = t["aws:lambda/function:Function"];
        const sec = t["aws:secretsmanager/secret:Secret"];
        const version = t["aws:secretsmanager/secretVersion:SecretVersion"];
        t[NATIVE[MAPPING]] = {
            eventSourceArn: m.eventSourceArn,
            functionName: m.functionName,
            topics: m.topics,
            startingPosition: "LATEST",
            batchSize: 100,
            amazonManagedKafkaEventSourceConfig: { consumerGroupId: `group-${i}`, schemaRegistryConfig: registry },
            provisionedPollerConfig: { minimumPollers: 1, maximumPollers: 10 },
            filterCriteria: { filters: [{ pattern: '{"value":{"type":["order"]}}' }] },
            sourceAccessConfigurations: m.sourceAccessConfigurations,
            destinationConfig: { onFailure: { destination: (m.destinationConfig as any).onFailure.destinationArn } },
        };
        t[NATIVE["aws:lambda/function:Function"]] = {
            functionName: fn.name,
            arn: fn.arn,
            role: fn.role,
            timeout: fn.timeout,
            runtime: fn.runtime,
            handler: fn.handler,
        };
        t[NATIVE["aws:secretsmanager/secret:Secret"]] = { name: sec.name, awsId: sec.arn, kmsKeyId: sec.kmsKeyId, secretString: version.secretString };
    }
    return t;
}

function inputs(kind: Kind, i: number, name: string, patch?: { type: string; props: Record<string, unknown> }): AnalyzerInput[] {
    const t = group(kind, i);
    return typesOf(kind).map((type) => resourceOf(type, name, patch?.type === type ? patch.props : t[type]));
}

/** Resources as @pulumi/policy's AnalyzeStack handler builds them (decoded through the same, patched, decoder). */
function asPolicyResources(list: AnalyzerInput[]): PolicyResource[] {
    const { deserializeProperties } = require("@pulumi/policy/deserialize") as { deserializeProperties(s: object, p: boolean): Record<string, unknown> };
    return list.map((r) => {
        const props = unknownCheckingProxy(deserializeProperties(Struct.fromJavaScript(r.props as never), false));
        return { type: r.type, name: r.name, urn: r.urn, props, opts: {}, dependencies: [], propertyDependencies: {} } as unknown as PolicyResource;
    });
}

/** Runs every policy in-process on `resources` (resource policies on each, stack policies on all); errors ignored. */
function runAll(resources: PolicyResource[]): void {
    const common = { getConfig: () => ({}), stackTags: new Map(), notApplicable: () => undefined };
    for (const p of policies as any[]) {
        try {
            if (p.validateStack) p.validateStack({ ...common, resources }, () => undefined);
            else {
                const checks = Array.isArray(p.validateResource) ? p.validateResource : [p.validateResource];
                for (const r of resources) for (const c of checks) c({ ...common, ...r, opts: {} }, () => undefined);
            }
        } catch {
            // preview notes and the like: only the reads matter here
        }
    }
}

interface Read {
    kind: Kind;
    type: string;
    path: Path;
}

/** Every (kind, type, property path) some policy reads through `get`, from the decoded properties of each group. */
function recordReads(): Read[] {
    const owner = new WeakMap<object, { kind: Kind; type: string; path: Path }>();
    const found = new Map<string, Read>();
    const own = (v: unknown, at: { kind: Kind; type: string; path: Path }) => {
        const stack: { v: unknown; path: Path }[] = [{ v, path: at.path }];
        while (stack.length) {
            const { v: x, path } = stack.pop()!;
            if (x === null || typeof x !== "object") continue;
            owner.set(x, { ...at, path });
            if (Array.isArray(x)) x.forEach((y, k) => stack.push({ v: y, path: [...path, k] }));
            else for (const [k, y] of Object.entries(x)) stack.push({ v: y, path: [...path, k] });
        }
    };
    for (const kind of KINDS) {
        const resources = asPolicyResources(inputs(kind, 1, `rec-${kind}`));
        for (const r of resources) own(raw(r.props), { kind, type: r.type, path: [] });
        onRead((obj, path) => {
            const o = owner.get(raw(obj) as object);
            if (!o || !path.length) return;
            const full = [...o.path, ...path];
            found.set(JSON.stringify([o.kind, o.type, full]), { kind: o.kind, type: o.type, path: full });
        });
        try {
            runAll(resources);
        } finally {
            onRead(undefined);
        }
    }
    // A path read in several kinds of group is mutated in the first kind that reads it (the others add no path).
    const seen = new Set<string>();
    return [...found.values()].filter((r) => {
        const key = JSON.stringify([r.type, r.path]);
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
    });
}

/** `props` with the value at `path` replaced (containers created where the path leads through nothing). */
function setAt(props: Record<string, unknown>, path: Path, value: unknown): Record<string, unknown> {
    const out = structuredClone(props);
    let cur: any = out;
    for (let k = 0; k < path.length - 1; k++) {
        const key = path[k];
        if (cur[key] === null || typeof cur[key] !== "object" || Array.isArray(cur[key]) !== (typeof path[k + 1] === "number"))
            cur[key] = typeof path[k + 1] === "number" ? [] : {};
        cur = cur[key];
    }
    cur[path[path.length - 1]] = value;
    return out;
}

function valueAt(props: unknown, path: Path): unknown {
    let cur: any = props;
    for (const p of path) cur = cur === null || typeof cur !== "object" ? undefined : cur[p];
    return cur;
}

/**
 * Case groups: every read path of every (kind, type), each group mutating one path per resource, `value(j)` giving
 * the value planted for the j-th case. Returns the stack and the mutated resources.
 */
function caseGroups(
    reads: Read[],
    label: string,
    value: (j: number, original: unknown) => unknown | undefined,
): { stack: AnalyzerInput[]; mutated: AnalyzerInput[] } {
    const byKindType = new Map<string, Read[]>();
    for (const r of reads) {
        const key = `${r.kind}\u0000${r.type}`;
        byKindType.set(key, [...(byKindType.get(key) ?? []), r]);
    }
    const stack: AnalyzerInput[] = [];
    const mutated: AnalyzerInput[] = [];
    let j = 0;
    for (const kind of KINDS) {
        const types = typesOf(kind);
        const lists = types.map((type) => byKindType.get(`${kind}\u0000${type}`) ?? []);
        const rounds = Math.max(0, ...lists.map((l) => l.length));
        for (let round = 0; round < rounds; round++) {
            const i = 4 * (stack.length / TYPES.length) + 1;
            const t = group(kind, i);
            for (let k = 0; k < types.length; k++) {
                const type = types[k];
                const read = lists[k][round];
                let props = t[type];
                if (read) {
                    const v = value(j++, valueAt(props, read.path));
                    if (v !== undefined) props = setAt(props, read.path, v);
                }
                const r = resourceOf(type, `${label}-${kind}-${round}`, props);
                stack.push(r);
                if (read) mutated.push(r);
            }
        }
    }
    return { stack, mutated };
}

/** Sends the resources through Analyze (each mutated one) and AnalyzeStack (all): diagnostics and gRPC errors. */
async function send(c: { stack: AnalyzerInput[]; mutated: AnalyzerInput[] }): Promise<{ diagnostics: Diagnostic[]; errors: string[] }> {
    const server = await pack();

    const diagnostics: Diagnostic[] = [];
    const errors: string[] = [];
    for (let k = 0; k < c.mutated.length; k += 16) {
        await Promise.all(
            c.mutated.slice(k, k + 16).map(async (r) => {
                try {
                    diagnostics.push(...(await server.analyze(r)).diagnostics.map((d) => ({ ...d, urn: d.urn || r.urn })));
                } catch (e) {
                    errors.push(`Analyze ${r.urn}: ${(e as Error).message.slice(0, 300)}`);
                }
            }),
        );
    }
    try {
        diagnostics.push(...(await server.analyzeStack(c.stack)).diagnostics);
    } catch (e) {
        errors.push(`AnalyzeStack: ${(e as Error).message.slice(0, 300)}`);
    }
    return { diagnostics, errors };
}

const COULD_NOT_JUDGE = "could not judge";

/** The hostile value classes of issue 17 section 2. */
function hostileClasses(): { name: string; value: (j: number) => unknown }[] {
    let deep: unknown = { toString: 1 };
    for (let d = 0; d < 32; d++) deep = { a: deep, valueOf: "v" };
    return [
        { name: "an object with toString and valueOf members", value: () => ({ toString: "x", valueOf: "y", hasOwnProperty: 1 }) },
        {
            name: "an object with __proto__ and constructor members",
            value: () => JSON.parse('{"__proto__":{"toString":1},"constructor":{"prototype":1},"a":"b"}'),
        },
        { name: "an array where a scalar is expected", value: () => ["a", { toString: 1 }, ["b"]] },
        { name: "a huge number", value: () => 1.7976931348623157e308 },
        { name: "an empty string", value: () => "" },
        { name: "an enormous string (66,000 characters: past Secrets Manager's 65,536)", value: () => "x".repeat(66_000) },
        { name: "nesting 32 levels deep", value: () => deep },
        { name: "a secret object with a toString member", value: () => secret({ toString: "x" }) },
        { name: "a secret unknown", value: () => secret(UNKNOWN) },
        { name: "the unknown string sentinel", value: () => UNKNOWN },
        { name: "every other unknown sentinel", value: (j) => UNKNOWNS[1 + (j % (UNKNOWNS.length - 1))] },
        { name: "null", value: () => null },
        { name: "a malformed special value", value: () => ({ "4dabf18193072939515e22adb298388d": "not-a-signature", value: 1 }) },
    ];
}

describe("policy pack guarantees by construction (issue 17 sections 1 and 2)", function () {
    this.timeout(180000);
    let reads: Read[] = [];

    before(() => {
        assert.strictEqual(decodeOnce(), true);
        reads = recordReads();
    });

    it("records the property paths the rules read, for every kind of group and type", () => {
        const types = new Set(reads.map((r) => r.type));
        for (const type of new Set([...TYPES, ...Object.values(NATIVE)])) assert.ok(types.has(type), `no policy read of ${type} was recorded`);
        const paths = new Set(reads.map((r) => `${r.type} ${r.path.join(".")}`));
        // The found cases are among them.
        assert.ok(paths.has(`${MAPPING} amazonManagedKafkaEventSourceConfig.schemaRegistryConfig.accessConfigs.0.uri`), "schema registry uri");
        assert.ok(paths.has(`${MAPPING} amazonManagedKafkaEventSourceConfig.consumerGroupId`), "consumerGroupId");
        assert.ok(
            paths.has(`${NATIVE[MAPPING]} amazonManagedKafkaEventSourceConfig.schemaRegistryConfig.accessConfigs.0.uri`),
            "aws-native schema registry uri",
        );
        assert.ok(reads.length >= 150, `only ${reads.length} reads`);
    });

    it("never leaks a secret-marked value planted in any string field a policy reads, in any message", async () => {
        const server = await pack();
        await server.configure({});
        const strings = reads.filter((r) => typeof valueAt(group(r.kind, 1)[r.type], r.path) === "string");
        const c = caseGroups(strings, "leak", (j, original) => (typeof original === "string" ? secret(`LEAKMARKER-${j}-Qz7${original}`) : undefined));
        const { diagnostics, errors } = await send(c);
        assert.deepStrictEqual(errors, []);
        const leaked = diagnostics.filter((d) => d.message.includes("LEAKMARK"));
        assert.deepStrictEqual(
            leaked.map((d) => `${d.policy}: ${d.message.slice(0, 300)}`),
            [],
        );
        // The planted values did reach messages (the redaction acted): the test can fail.
        assert.ok(
            diagnostics.some((d) => d.message.includes("[withheld]")),
            "no message quoted a planted value",
        );
    });

    it("never leaks PEM text planted (not marked secret) in any string field a policy reads, in any message", async () => {
        const server = await pack();
        await server.configure({});
        const strings = reads.filter((r) => typeof valueAt(group(r.kind, 1)[r.type], r.path) === "string");
        const body = (j: number) => `PEMMARKER${j}Qz7` + Buffer.from(`key material ${j}`.repeat(4)).toString("base64");
        const c = caseGroups(strings, "pem", (j, original) =>
            typeof original === "string"
                ? `-----BEGIN PRIVATE KEY-----\n${body(j).slice(0, 64)}\n${body(j).slice(64)}\n-----END PRIVATE KEY-----\n`
                : undefined,
        );
        const { diagnostics, errors } = await send(c);
        assert.deepStrictEqual(errors, []);
        assert.deepStrictEqual(
            diagnostics.filter((d) => d.message.includes("PEMMARKER")).map((d) => `${d.policy}: ${d.message.slice(0, 300)}`),
            [],
        );
        assert.ok(
            diagnostics.some((d) => d.message.includes("[withheld]") || d.message.includes("looks like key material")),
            "no message quoted a planted value",
        );
    });

    it("withholds a secret schema-registry access config uri (the found case), and still reports the mapping", async () => {
        const server = await pack();
        await server.configure({});
        for (const uri of [
            secret("https://user:hunter2-very-secret@registry.example.com"),
            "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\n",
        ]) {
            const t = group("registry", 5);
            const props = setAt(t[MAPPING], ["amazonManagedKafkaEventSourceConfig", "schemaRegistryConfig", "accessConfigs", 0, "uri"], uri);
            const r = resourceOf(MAPPING, "registry-secret-uri", props);
            const d = (await server.analyze(r)).diagnostics.filter((x) => x.policy === "kafka-mapping-schema-registry");
            assert.strictEqual(d.length, 1, JSON.stringify(d));
            assert.ok(d[0].message.includes("accessConfigs[0] names"), d[0].message);
            assert.ok(!d[0].message.includes("hunter2") && !d[0].message.includes("MIIEvQIBADANBgkqhkiG9w0BAQEFAASC"), d[0].message);
        }
    });

    for (const cls of hostileClasses()) {
        it(`answers every path the rules read replaced by ${cls.name}: no gRPC error, no "could not judge"`, async () => {
            const server = await pack();
            await server.configure({});
            const c = caseGroups(reads, "hostile", (j) => cls.value(j));
            const { diagnostics, errors } = await send(c);
            assert.deepStrictEqual(errors, []);
            assert.deepStrictEqual(
                diagnostics.filter((d) => d.message.includes(COULD_NOT_JUDGE)).map((d) => `${d.policy} ${d.urn}`),
                [],
            );
        });
    }

    it("answers a consumerGroupId that is an object with a toString member (the found case) without a crash", async () => {
        const server = await pack();
        await server.configure({});
        const t = group("plain", 9);
        const props = setAt(t[MAPPING], ["amazonManagedKafkaEventSourceConfig", "consumerGroupId"], { toString: "x" });
        const list = TYPES.map((type) => resourceOf(type, "group-object", type === MAPPING ? props : t[type]));
        const stack = await server.analyzeStack(list);
        const one = await server.analyze(list[TYPES.indexOf(MAPPING)]);
        const all = [...stack.diagnostics, ...one.diagnostics];
        assert.deepStrictEqual(
            all.filter((d) => d.message.includes(COULD_NOT_JUDGE)).map((d) => d.policy),
            [],
        );
        // The rest of the stack is still judged: the group's ordinary verdicts come back.
        assert.ok(stack.diagnostics.length > 0);
    });

    it("turns a rule's crash into one diagnostic of its policy without the error's text, and keeps preview notes", () => {
        const throwing = withBoundedReports({
            name: "t",
            description: "d",
            enforcementLevel: "mandatory",
            validateResource: () => {
                throw new TypeError("Cannot convert object to primitive value: hunter2-secret-text");
            },
        });
        const sent: string[] = [];
        (throwing.validateResource as any)({ type: "x", props: {}, urn: "u", name: "n" }, (m: string) => sent.push(m));
        assert.strictEqual(sent.length, 1);
        assert.ok(sent[0].includes("could not judge this resource") && sent[0].includes("(TypeError)"), sent[0]);
        assert.ok(!sent[0].includes("hunter2"), sent[0]);
        const noting = withBoundedReports({
            name: "t",
            description: "d",
            enforcementLevel: "mandatory",
            validateResource: () => {
                throw new UnknownValueError(UNKNOWN, ["policy"]);
            },
        });
        assert.throws(() => (noting.validateResource as any)({ type: "x", props: {}, urn: "u", name: "n" }, () => undefined), UnknownValueError);
    });

    it("redacts runs of a secret's values (as written and JSON-escaped), PEM text and base64 key runs, and nothing else", () => {
        const r = new Redactor(() => [JSON.stringify({ username: "consumer", password: 'pa"ss-w0rd-long' }), "short"]);
        const arn = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:AmazonMSK_orders-AbCdEf`;
        assert.strictEqual(r.redact(`names ${arn} for the certificate field`), `names ${arn} for the certificate field`);
        assert.strictEqual(r.redact('the password is pa"ss-w0rd-long.'), "the password is [withheld].");
        assert.strictEqual(r.redact(`quoted ${JSON.stringify('pa"ss-w0rd-long')}`), 'quoted "[withheld]"');
        assert.strictEqual(r.redact("user consumer and short"), "user [withheld] and [withheld]");
        assert.strictEqual(r.redact('uri "-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADAN" is bad'), 'uri "[withheld]" is bad');
        assert.strictEqual(r.redact("holds no PEM certificate (-----BEGIN CERTIFICATE-----)"), "holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
        assert.strictEqual(r.redact("key MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7 here"), "key [withheld] here");
        assert.strictEqual(shown({ toString: 1 }), "an object");
        assert.strictEqual(
            shown("-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\n"),
            "(a value of 81 characters that looks like key material, withheld)",
        );
        assert.strictEqual(shown("x".repeat(300), 10), '"xxxxxxxxxx"... (300 characters)');
    });

    it("builds one StackIndex per request, shared by every stack policy, and a new one for another request", () => {
        const list = inputs("plain", 3, "once");
        const structs = list.map((r) => Struct.fromJavaScript(r.props as never));
        const { deserializeProperties } = require("@pulumi/policy/deserialize") as { deserializeProperties(s: object, p: boolean): Record<string, unknown> };
        // As the handler does per policy: new resource objects and proxies over the (memoised) decoded properties.
        const perPolicy = () =>
            list.map(
                (r, k) =>
                    ({ ...r, props: unknownCheckingProxy(deserializeProperties(structs[k], false)), propertyDependencies: {} }) as unknown as PolicyResource,
            );
        const first = new StackIndex(perPolicy());
        assert.strictEqual(new StackIndex(perPolicy()), first);
        assert.notStrictEqual(new StackIndex(asPolicyResources(list)), first, "another request's decoded properties");
        const fewer = perPolicy().slice(1);
        assert.notStrictEqual(new StackIndex(fewer), first);
    });

    it("evaluates IAM through its resource index exactly as statement by statement, on generated statements", () => {
        const random = rng(1717);
        const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)];
        const parts = ["arn:aws:sqs:us-east-1:1:", "arn:aws:kafka:us-east-1:1:topic/c/u/", "q", "a", "*", "?", "orders", ""];
        const pattern = () => Array.from({ length: 1 + Math.floor(random() * 3) }, () => pick(parts)).join("");
        const resources = Array.from({ length: 60 }, () => pattern().split("*").join("x").split("?").join("y"));
        let compared = 0;
        for (let n = 0; n < 200; n++) {
            const statements: Stmt[] = Array.from({ length: 1 + Math.floor(random() * 12) }, () => {
                const list = Array.from({ length: 1 + Math.floor(random() * 3) }, pattern);
                const s: Stmt = { Effect: random() < 0.75 ? "Allow" : "Deny", Action: pick(["sqs:SendMessage", "sqs:*", "*", "kafka-cluster:Connect"]) };
                if (random() < 0.2) s.NotResource = list;
                else s.Resource = random() < 0.3 ? list[0] : list;
                if (random() < 0.1) s.Condition = { Bool: { "aws:SecureTransport": "true" } };
                return s;
            });
            for (const action of ["sqs:SendMessage", "kafka-cluster:Connect"])
                for (const resource of resources) {
                    let expected = -1;
                    let denied = false;
                    statements.forEach((s, i) => {
                        if (!applies(s, action, resource)) return;
                        if (isUnconditionalDeny(s)) denied = true;
                        else if (isAllow(s) && expected < 0) expected = i;
                    });
                    assert.strictEqual(
                        allowingIndex(statements, action, resource),
                        denied ? -1 : expected,
                        `${JSON.stringify(statements)} ${action} ${resource}`,
                    );
                    compared++;
                }
        }
        assert.ok(compared >= 20000);
    });
});
