/**
 * The create-only table (plan/replacements.ts) against the provider's own definitions, and the plan diff's rules on
 * small hand-made plans (every create-only path, every stateful type).
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import type { PlanDocument } from "../plan/document";
import { changedPaths, diffPlans } from "../plan/diff";
import { CREATE_ONLY, MAPPING_TYPE, STATEFUL } from "../plan/replacements";
import { ROOT } from "./helpers/plan";
import { planDoc } from "./helpers/plan-doc";

/** Strips `/* ... *\/` comments (the provider's doc comments hold braces). Trusted package files only. */
const stripComments = (text: string) => text.replace(/\/\*[\s\S]*?\*\//g, "");

/** The body of `interface NAME {` at or after `from`, braces matched. */
function interfaceBody(text: string, name: string, from = 0): string | undefined {
    const m = new RegExp(`interface ${name} \\{`).exec(text.slice(from));
    if (!m) return undefined;
    let i = from + m.index + m[0].length;
    const start = i;
    for (let depth = 1; depth > 0 && i < text.length; i++) {
        if (text[i] === "{") depth++;
        else if (text[i] === "}") depth--;
    }
    return text.slice(start, i - 1);
}

/** Property name -> type text of an interface body (top level only). */
function properties(body: string): Map<string, string> {
    const out = new Map<string, string>();
    let depth = 0;
    for (const line of body.split("\n")) {
        if (depth === 0) {
            const m = /^\s*(?:readonly\s+)?([A-Za-z0-9_]+)\??:\s*(.*)$/.exec(line);
            if (m) out.set(m[1], m[2]);
        }
        for (const ch of line) depth += ch === "{" ? 1 : ch === "}" ? -1 : 0;
    }
    return out;
}

const AWS = path.join(ROOT, "node_modules", "@pulumi", "aws");
let inputTypes: string | undefined;

/** Checks that an input path exists in @pulumi/aws (or @pulumi/random) types; returns a problem or undefined. */
function checkPath(type: string, p: string): string | undefined {
    const [pkg, mod] = type.split(":");
    const [dir, file] = mod.split("/");
    const cls = type.split(":")[2];
    const dts = pkg === "random" ? path.join(ROOT, "node_modules", "@pulumi", "random", `${file}.d.ts`) : path.join(AWS, dir, `${file}.d.ts`);
    if (!fs.existsSync(dts)) return `${dts} does not exist`;
    let body = interfaceBody(stripComments(fs.readFileSync(dts, "utf8")), `${cls}Args`);
    if (!body) return `no ${cls}Args in ${dts}`;
    const parts = p.split(".");
    for (let i = 0; i < parts.length; i++) {
        const props = properties(body);
        const t = props.get(parts[i]);
        if (t === undefined) return `${parts.slice(0, i + 1).join(".")} is not an input of ${type} (has ${[...props.keys()].join(", ")})`;
        if (i === parts.length - 1) break;
        const ref = /inputs\.([A-Za-z0-9]+)\.([A-Za-z0-9]+)/.exec(t);
        if (!ref) return `${parts.slice(0, i + 1).join(".")} is not an object type in ${type}`;
        inputTypes ??= stripComments(fs.readFileSync(path.join(AWS, "types", "input.d.ts"), "utf8"));
        const ns = inputTypes.indexOf(`export declare namespace ${ref[1]} {`);
        body = interfaceBody(inputTypes, ref[2], ns);
        if (!body) return `no inputs.${ref[1]}.${ref[2]}`;
    }
    return undefined;
}

const camel = (snake: string) => snake.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

describe("create-only table (plan/replacements.ts)", () => {
    it("names only input properties that exist in @pulumi/aws's (and @pulumi/random's) input types", () => {
        const problems: string[] = [];
        let checked = 0;
        for (const [type, entry] of Object.entries(CREATE_ONLY)) {
            for (const p of entry.paths) {
                const problem = checkPath(type, p);
                if (problem) problems.push(problem);
                checked++;
            }
        }
        assert.deepStrictEqual(problems, []);
        assert.ok(checked >= 90, `only ${checked} paths`);
    });

    it("matches the create-only attributes read from the provider's resource schemas (tests/fixtures/aws-create-only.json)", () => {
        const fixture = JSON.parse(fs.readFileSync(path.join(ROOT, "tests", "fixtures", "aws-create-only.json"), "utf8"));
        for (const [type, x] of Object.entries<any>(fixture.extracts)) {
            assert.match(x.commit, /^[0-9a-f]{40}$/);
            // `pulumiNames`: a block Pulumi names differently (the bridge pluralizes a repeated block: vpc_config -> vpcConfigs).
            const renamed = (p: string) =>
                Object.entries<string>(x.pulumiNames ?? {}).reduce((q, [tf, pu]) => (q.startsWith(`${tf}.`) ? `${pu}${q.slice(tf.length)}` : q), p);
            const expected = [...(x.forceNew as string[]).map((p) => renamed(p).split(".").map(camel).join(".")), ...Object.keys(x.fromDocs ?? {})].sort();
            // The provider names the topic `name`; Pulumi keeps it.
            assert.deepStrictEqual([...CREATE_ONLY[type].paths].sort(), expected, type);
        }
    });

    it("covers the topic and idempotency table types and every stateful type", () => {
        for (const t of ["aws:msk/topic:Topic", "aws:dynamodb/table:Table", "aws:kms/key:Key", ...Object.keys(STATEFUL), MAPPING_TYPE]) {
            assert.ok(CREATE_ONLY[t], `${t} has no create-only entry`);
        }
    });
});

/** A one-resource-per-entry plan document for diff tests. */
function doc(resources: { type: string; name: string; inputs: Record<string, unknown>; deps?: Record<string, string[]>; retain?: boolean }[]): PlanDocument {
    return planDoc(resources);
}

/** An input tree holding `value` at `p` (a.b.c). */
function at(p: string, value: unknown): Record<string, unknown> {
    return p
        .split(".")
        .reverse()
        .reduce<unknown>((v, k) => ({ [k]: v }), value) as Record<string, unknown>;
}

describe("plan diff (plan/diff.ts)", () => {
    it("replaces a resource when any of its create-only inputs changes, and only updates it otherwise", () => {
        for (const [type, entry] of Object.entries(CREATE_ONLY)) {
            for (const p of entry.paths) {
                const d = diffPlans(doc([{ type, name: "r", inputs: at(p, "a") }]), doc([{ type, name: "r", inputs: at(p, "b") }]));
                assert.strictEqual(d.changes[0]?.op, "replace", `${type} ${p}`);
            }
            const d = diffPlans(doc([{ type, name: "r", inputs: { tags: { a: "1" } } }]), doc([{ type, name: "r", inputs: { tags: { a: "2" } } }]));
            assert.deepStrictEqual([d.changes[0].op, d.changes[0].changed], ["update", ["tags.a"]], type);
        }
    });

    it("flags the replacement or deletion of every stateful type, except a retained deletion", () => {
        for (const type of Object.keys(STATEFUL)) {
            const name = CREATE_ONLY[type].paths[0];
            const base = doc([{ type, name: "s", inputs: at(name, "a") }]);
            const replaced = diffPlans(base, doc([{ type, name: "s", inputs: at(name, "b") }]));
            assert.ok(replaced.changes[0].danger && replaced.blocked.length === 1, type);
            assert.deepStrictEqual(diffPlans(base, doc([]), ["s"]).blocked, [], "allowed by name");
            assert.strictEqual(diffPlans(base, doc([])).blocked.length, 1, `${type} deleted`);
            const retained = doc([{ type, name: "s", inputs: at(name, "a"), retain: true }]);
            assert.deepStrictEqual(diffPlans(retained, doc([])).blocked, [], `${type} retained`);
        }
    });

    it("replaces dependants whose create-only inputs refer to a replaced resource, transitively", () => {
        const SUBNET = "aws:ec2/subnet:Subnet";
        const CLUSTER = "aws:msk/cluster:Cluster";
        const mk = (cidr: string) =>
            doc([
                { type: "aws:ec2/vpc:Vpc", name: "vpc", inputs: { cidrBlock: cidr } },
                { type: SUBNET, name: "sn", inputs: { vpcId: "vpc-1", cidrBlock: "x" }, deps: { vpcId: ["aws:ec2/vpc:Vpc|vpc"] } },
                { type: CLUSTER, name: "c", inputs: { brokerNodeGroupInfo: { clientSubnets: ["subnet-1"] } }, deps: { brokerNodeGroupInfo: [`${SUBNET}|sn`] } },
                { type: MAPPING_TYPE, name: "m", inputs: { eventSourceArn: "arn", topics: ["t"] }, deps: { eventSourceArn: [`${CLUSTER}|c`] } },
                { type: "aws:cloudwatch/dashboard:Dashboard", name: "d", inputs: { dashboardBody: "{}" }, deps: { dashboardBody: [`${CLUSTER}|c`] } },
            ]);
        const d = diffPlans(mk("10.0.0.0/16"), mk("10.1.0.0/16"));
        const op = Object.fromEntries(d.changes.map((c) => [c.name, c.op]));
        assert.deepStrictEqual(op, { vpc: "replace", sn: "replace", c: "replace", m: "replace", d: "update" });
        const mapping = d.changes.find((c) => c.name === "m")!;
        assert.match(mapping.danger!, /another \(or a new\) cluster: consumer group \(generated\) has no committed offsets there and starts at LATEST/);
    });

    it("compares nested inputs leaf by leaf and lists whole", () => {
        assert.deepStrictEqual(changedPaths({ a: { b: 1, c: [1, 2] }, d: 1 }, { a: { b: 2, c: [1, 2] }, e: 1 }), ["a.b", "d", "e"]);
    });
});
