/**
 * The adapters read real property names: every path an adapter reads exists in `@pulumi/aws-native`'s published type
 * declarations (the resource's inputs or outputs, and the nested input types they name), so a rename upstream fails
 * here instead of silently turning a rule off. Also: every canonical type an adapter produces is one rules read.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { ADAPTERS, normalizeProps } from "../policies/lib/adapters";
import { recorder } from "../policies/lib/adapters/reader";
import { T } from "../policies/lib/types";
import { READS } from "../policies/policies";
import { check, res, UNKNOWN } from "./helpers/pack";
import { rng } from "./helpers/generate";

const ROOT = path.dirname(require.resolve("@pulumi/aws-native/package.json"));
const INPUTS = fs.readFileSync(path.join(ROOT, "types", "input.d.ts"), "utf8");

/** Properties of a declared interface body: `name?: type;` lines → name → type text. */
function members(body: string): Map<string, string> {
    const out = new Map<string, string>();
    for (const line of body.split("\n")) {
        const t = line.trim();
        const colon = t.indexOf(":");
        if (colon <= 0 || t.startsWith("*") || t.startsWith("/")) continue;
        let name = t.slice(0, colon);
        if (name.startsWith("readonly ")) name = name.slice("readonly ".length);
        if (name.endsWith("?")) name = name.slice(0, -1);
        if (/^[A-Za-z0-9_]+$/.test(name) && !out.has(name)) out.set(name, t.slice(colon + 1));
    }
    return out;
}

/** An interface of types/input.d.ts by name (e.g. `lambda.EventSourceMappingDestinationConfigArgs`). */
function inputInterface(qualified: string): Map<string, string> {
    const [ns, name] = qualified.split(".");
    const nsAt = INPUTS.indexOf(`export declare namespace ${ns} {`);
    const at = INPUTS.indexOf(`interface ${name} {`, nsAt);
    assert.ok(nsAt >= 0 && at >= 0, `no interface ${qualified} in @pulumi/aws-native's types`);
    return members(INPUTS.slice(at, INPUTS.indexOf("\n    }", at)));
}

/** The resource's own inputs (`XArgs`) and outputs (`readonly` members of the class). */
function resourceMembers(type: string): Map<string, string> {
    const [, mod, name] = type.split(":");
    const file = path.join(ROOT, mod, `${name[0].toLowerCase()}${name.slice(1)}.d.ts`);
    assert.ok(fs.existsSync(file), `${type}: no ${file}`);
    const text = fs.readFileSync(file, "utf8");
    const args = text.indexOf(`export interface ${name}Args {`);
    const cls = text.indexOf(`export declare class ${name} `);
    const out = members(text.slice(cls, text.indexOf("\n}", cls)));
    for (const [k, v] of members(text.slice(args, text.indexOf("\n}", args)))) out.set(k, v);
    return out;
}

/** Follows a recorded path (`a.b`, `list[].c`) through the declared types; returns the missing step, if any. */
function missingStep(type: string, p: string): string | undefined {
    let scope = resourceMembers(type);
    const steps = p.split(".");
    for (let i = 0; i < steps.length; i++) {
        const step = steps[i].replace(/\[\]$/, "");
        const t = scope.get(step);
        if (t === undefined) return steps.slice(0, i + 1).join(".");
        if (i === steps.length - 1) break;
        const ref = /inputs\.([a-z0-9]+\.[A-Za-z0-9]+)/i.exec(t);
        if (!ref) return `${steps.slice(0, i + 1).join(".")} (not an object type: ${t.slice(0, 60)})`;
        scope = inputInterface(ref[1]);
    }
    return undefined;
}

/** `a` with `b`'s fields set (objects merged, anything else replaced). */
function deepMerge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
    const out: Record<string, unknown> = { ...a };
    for (const [k, v] of Object.entries(b)) {
        const cur = out[k];
        out[k] =
            v && typeof v === "object" && !Array.isArray(v) && cur && typeof cur === "object" && !Array.isArray(cur)
                ? deepMerge(cur as Record<string, unknown>, v as Record<string, unknown>)
                : v;
    }
    return out;
}

const CLUSTER = "arn:aws:kafka:us-east-1:111122223333:cluster/shared/fc2f5bdf-fd1b-45ad-85dd-15b4a5a6247e-2";
const NATIVE_KEY = "arn:aws:kms:us-east-1:111122223333:key/11111111-2222-3333-4444-555555555555";

/**
 * One defect per aws-native resource a single-resource verdict exists for: a clean resource as aws-native registers it
 * (no mandatory violation) and one field changed, with the verdict that change must draw on that resource.
 */
const ADAPTER_DEFECTS: { type: string; name: string; clean: Record<string, unknown>; defect: Record<string, unknown>; policy: string }[] = [
    ...(
        [
            ["no topic", { topics: [] }],
            ["5000 pollers", { provisionedPollerConfig: { minimumPollers: 1, maximumPollers: 5000 } }],
            ["consumer group g#1", { amazonManagedKafkaEventSourceConfig: { consumerGroupId: "g#1" } }],
        ] as const
    ).map(([name, defect]) => ({
        type: "aws-native:lambda:EventSourceMapping",
        name,
        clean: {
            eventSourceArn: CLUSTER,
            functionName: "f",
            topics: ["orders"],
            startingPosition: "LATEST",
            amazonManagedKafkaEventSourceConfig: { consumerGroupId: "orders" },
            sourceAccessConfigurations: [{ type: "SASL_SCRAM_512_AUTH", uri: "arn:aws:secretsmanager:us-east-1:111122223333:secret:AmazonMSK_o-AbCdEf" }],
            destinationConfig: { onFailure: { destination: "arn:aws:sqs:us-east-1:111122223333:failures" } },
        },
        defect: defect as Record<string, unknown>,
        policy: "msk-mapping-limits",
    })),
    {
        type: "aws-native:msk:Cluster",
        name: "unauthenticated access",
        clean: {
            clusterName: "c",
            kafkaVersion: "3.8.x",
            numberOfBrokerNodes: 3,
            brokerNodeGroupInfo: { instanceType: "kafka.m7g.large", clientSubnets: ["subnet-1", "subnet-2", "subnet-3"], securityGroups: ["sg-1"] },
            clientAuthentication: { sasl: { iam: { enabled: true } }, unauthenticated: { enabled: false } },
            encryptionInfo: { encryptionAtRest: { dataVolumeKmsKeyId: NATIVE_KEY }, encryptionInTransit: { clientBroker: "TLS", inCluster: true } },
            loggingInfo: { brokerLogs: { cloudWatchLogs: { enabled: true, logGroup: "/aws/msk/c" } } },
        },
        defect: { clientAuthentication: { unauthenticated: { enabled: true } } },
        policy: "msk-no-unauthenticated-access",
    },
    {
        type: "aws-native:kms:Key",
        name: "rotation off",
        clean: { arn: NATIVE_KEY, keyId: "11111111-2222-3333-4444-555555555555", enableKeyRotation: true },
        defect: { enableKeyRotation: false },
        policy: "kms-key-rotation",
    },
    {
        type: "aws-native:ec2:SecurityGroup",
        name: "tcp -1..-1 from 0.0.0.0/0",
        clean: { groupDescription: "brokers", securityGroupIngress: [{ ipProtocol: "tcp", fromPort: 9098, toPort: 9098, sourceSecurityGroupId: "sg-1" }] },
        defect: { securityGroupIngress: [{ ipProtocol: "tcp", fromPort: -1, toPort: -1, cidrIp: "0.0.0.0/0" }] },
        policy: "no-public-kafka-ingress",
    },
    {
        type: "aws-native:ec2:SecurityGroupIngress",
        name: "tcp -1..-1 from 0.0.0.0/0",
        clean: { groupId: "sg-2", ipProtocol: "tcp", fromPort: 9098, toPort: 9098, sourceSecurityGroupId: "sg-1" },
        defect: { fromPort: -1, toPort: -1, sourceSecurityGroupId: undefined, cidrIp: "0.0.0.0/0" },
        policy: "no-public-kafka-ingress",
    },
];

describe("policy pack: provider adapters", () => {
    it("read only property names @pulumi/aws-native declares (a rename upstream fails here)", () => {
        const problems: string[] = [];
        let checked = 0;
        for (const a of ADAPTERS) {
            const paths = new Set<string>();
            for (const f of Object.values(a.props)) f(recorder(paths));
            a.extras?.(recorder(paths));
            for (const p of paths) {
                checked++;
                const missing = missingStep(a.from, p);
                if (missing) problems.push(`${a.from}: ${missing}`);
            }
        }
        assert.deepStrictEqual(problems, []);
        assert.ok(checked > 100, `only ${checked} paths checked`);
    });

    it("cover every aws-native type the issue names, each into a canonical type some policy reads", () => {
        const from = new Set(ADAPTERS.map((a) => a.from));
        for (const t of [
            "lambda:EventSourceMapping",
            "lambda:Function",
            "lambda:EventInvokeConfig",
            "msk:Cluster",
            "msk:ServerlessCluster",
            "msk:Configuration",
            "msk:ClusterPolicy",
            "sqs:Queue",
            "sns:Topic",
            "s3:Bucket",
            "kms:Key",
            "iam:Role",
            "iam:RolePolicy",
            "iam:ManagedPolicy",
            "secretsmanager:Secret",
            "ec2:SecurityGroup",
            "ec2:SecurityGroupIngress",
        ])
            assert.ok(from.has(`aws-native:${t}`), t);
        const read = new Set(Object.values(READS).flat());
        // Policy documents (cluster, queue, topic, bucket, secret policies, permissions) are mapped for the IAM rules.
        const forIam = new Set<string>([T.mskClusterPolicy, T.queuePolicy, T.topicPolicy, T.bucketPolicy, T.secretPolicy, T.permission]);
        for (const a of ADAPTERS) assert.ok(read.has(a.to) || forIam.has(a.to), `${a.from} → ${a.to} is read by no policy`);
    });

    it("keep unknown values unknown and carry inline parts as canonical resources", () => {
        const U = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
        const [esm] = normalizeProps("aws-native:lambda:EventSourceMapping", {
            functionName: "f",
            destinationConfig: U,
            selfManagedEventSource: { endpoints: { kafkaBootstrapServers: ["b1:9092", "b2:9092"] } },
        });
        assert.deepStrictEqual(esm, {
            type: T.mapping,
            props: { functionName: "f", destinationConfig: U, selfManagedEventSource: { endpoints: { KAFKA_BOOTSTRAP_SERVERS: "b1:9092,b2:9092" } } },
        });
        const bucket = normalizeProps("aws-native:s3:Bucket", {
            bucketName: "b",
            publicAccessBlockConfiguration: { blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: U },
        });
        assert.deepStrictEqual(
            bucket.map((b) => b.type),
            [T.bucket, T.bucketPab],
        );
        assert.strictEqual(bucket[1].props.restrictPublicBuckets, U);
        // aws resources pass through untouched.
        const props = { name: "x" };
        assert.strictEqual(normalizeProps(T.fn, props)[0].props, props);
    });

    it("turn any shape at any adapter path into canonical props without throwing; the pack's verdicts land on the right resources and planted defects are judged right", async function () {
        this.timeout(60000);
        const random = rng(11);
        const pick = <X>(xs: X[]): X => xs[Math.floor(random() * xs.length)];
        const garbage = (depth: number): unknown =>
            pick([
                UNKNOWN,
                null,
                42,
                -1,
                "0.0.0.0/0",
                "::/0",
                "x".repeat(3),
                true,
                depth > 0 ? [garbage(depth - 1), UNKNOWN] : [],
                depth > 0 ? { enabled: garbage(depth - 1) } : {},
            ]);
        /** Props with a random value at each recorded path (array steps hold one-item arrays). */
        const shaped = (paths: Set<string>): Record<string, unknown> => {
            const root: Record<string, unknown> = {};
            for (const p of paths) {
                let cur: Record<string, unknown> = root;
                const steps = p.split(".");
                steps.forEach((step, i) => {
                    const key = step.replace(/\[\]$/, "");
                    if (i === steps.length - 1) {
                        if (random() < 0.7) cur[key] = garbage(2);
                        return;
                    }
                    if (step.endsWith("[]")) {
                        const item: Record<string, unknown> = {};
                        if (!Array.isArray(cur[key])) cur[key] = [item];
                        const list = cur[key] as unknown[];
                        cur = (list[0] && typeof list[0] === "object" ? list[0] : item) as Record<string, unknown>;
                    } else {
                        if (!cur[key] || typeof cur[key] !== "object" || Array.isArray(cur[key])) cur[key] = {};
                        cur = cur[key] as Record<string, unknown>;
                    }
                });
            }
            return root;
        };
        const sent: ReturnType<typeof res>[] = [];
        for (const a of ADAPTERS) {
            const paths = new Set<string>();
            for (const f of Object.values(a.props)) f(recorder(paths));
            a.extras?.(recorder(paths));
            for (let n = 0; n < 40; n++) {
                const props =
                    n % 10 === 0
                        ? {
                              [pick([...paths])
                                  .split(".")[0]
                                  .replace("[]", "")]: UNKNOWN,
                          }
                        : shaped(paths);
                assert.doesNotThrow(() => normalizeProps(a.from, props), a.from);
                if (n < 2) sent.push(res(a.from, `${a.from.split(":").pop()}-${n}`, props));
            }
        }
        // Through the Analyzer protocol (a gRPC error would throw here): each diagnostic names the resource it judges,
        // from a policy that reads that resource's canonical type.
        const d = await check(sent);
        const canonical = new Map(sent.map((r) => [r.urn, normalizeProps(r.type, r.props).map((c) => c.type)]));
        const misplaced = d
            .filter((x) => x.enforcementLevel === "mandatory")
            .filter((x) => !canonical.has(x.urn) || !canonical.get(x.urn)!.some((t) => (READS[x.policy] ?? []).includes(t)))
            .map((x) => `${x.policy} on ${x.urn}`);
        assert.deepStrictEqual(misplaced, []);
        // Each adapter's planted defects (below) are judged right wherever garbage surrounds them.
        for (const c of ADAPTER_DEFECTS) {
            const clean = res(c.type, "clean", c.clean);
            const bad = res(c.type, "bad", deepMerge(c.clean, c.defect));
            const got = [clean, bad].map(async (r) => [
                ...new Set((await check(r)).filter((x) => x.enforcementLevel === "mandatory").map((x) => `${x.policy} ${x.urn}`)),
            ]);
            assert.deepStrictEqual(await got[0], [], `${c.type} clean`);
            assert.deepStrictEqual(await got[1], [`${c.policy} ${bad.urn}`], `${c.type} ${c.name}`);
        }
    });
});
