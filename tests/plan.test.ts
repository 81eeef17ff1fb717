import * as assert from "assert";
import { runPlan, SHIPPED_STACKS, type PlanRun } from "./helpers/plan";

const URN = /^urn:pulumi:[^:]+::msk-lambda::.+::.+$/;

/** Checks a `--json` plan document against the contract other tools rely on. */
function checkContract(doc: any, stack: string) {
    assert.strictEqual(doc.stack, stack);
    assert.ok(Array.isArray(doc.resources) && doc.resources.length > 0);
    const urns = new Set<string>();
    for (const r of doc.resources) {
        assert.deepStrictEqual(
            Object.keys(r).sort(),
            ["dependencies", "inputs", "name", "options", "parent", "propertyDependencies", "type", "urn"],
            `keys of ${r.urn}`,
        );
        assert.match(r.urn, URN);
        assert.ok(!urns.has(r.urn), `duplicate URN ${r.urn}`);
        urns.add(r.urn);
        assert.strictEqual(typeof r.type, "string");
        assert.strictEqual(typeof r.name, "string");
        assert.strictEqual(typeof r.parent, "string");
        assert.ok(r.urn.endsWith(`${r.type}::${r.name}`), `${r.urn} names ${r.type} ${r.name}`);
        assert.ok(Array.isArray(r.dependencies) && r.dependencies.every((d: unknown) => typeof d === "string"));
        for (const [prop, deps] of Object.entries(r.propertyDependencies)) {
            assert.ok(Array.isArray(deps), `${r.urn} propertyDependencies.${prop}`);
        }
        assert.strictEqual(typeof r.inputs, "object");
        assert.deepStrictEqual(Object.keys(r.options).sort(), ["deleteBeforeReplace", "protect", "retainOnDelete"]);
        for (const v of Object.values(r.options)) assert.strictEqual(typeof v, "boolean");
    }
    // Every parent and dependency names a resource in the plan; only the stack has no parent.
    for (const r of doc.resources) {
        if (r.type === "pulumi:pulumi:Stack") assert.strictEqual(r.parent, "");
        else assert.ok(urns.has(r.parent), `${r.urn} has unknown parent ${r.parent}`);
        for (const d of [...r.dependencies, ...Object.values<string[]>(r.propertyDependencies).flat()]) {
            assert.ok(urns.has(d), `${r.urn} depends on unknown ${d}`);
        }
    }
}

describe("offline plan (npm run plan)", function () {
    this.timeout(120000);
    const runs = new Map<string, PlanRun>();
    before(async () => {
        assert.deepStrictEqual([...SHIPPED_STACKS].sort(), ["dev", "prod"]);
        const jobs = SHIPPED_STACKS.flatMap((s) => [
            [`${s}`, ["--stack", s, "--json"]],
            [`${s} preview`, ["--stack", s, "--json", "--preview"]],
        ]) as [string, string[]][];
        jobs.push(["dev text", ["--stack", "dev"]]);
        const results = await Promise.all(jobs.map(([, a]) => runPlan(a)));
        jobs.forEach(([k], i) => runs.set(k, results[i]));
    });

    for (const stack of ["dev", "prod"]) {
        for (const mode of ["", " preview"]) {
            it(`plans the shipped ${stack} stack${mode} as one JSON document that holds the contract`, () => {
                const run = runs.get(stack + mode)!;
                assert.strictEqual(run.code, 0, run.stderr);
                const doc = JSON.parse(run.stdout);
                checkContract(doc, stack);
                assert.strictEqual(doc.preview, mode !== "");
            });
        }
    }

    it("shows each shipped stack's consumers: function, mapping (deleteBeforeReplace) and failure destination", () => {
        for (const stack of ["dev", "prod"]) {
            const doc = JSON.parse(runs.get(stack)!.stdout);
            const of = (t: string) => doc.resources.filter((r: any) => r.type === t);
            const mappings = of("aws:lambda/eventSourceMapping:EventSourceMapping");
            assert.ok(mappings.length >= 1, `${stack} has no consumer`);
            assert.strictEqual(of("aws:lambda/function:Function").length, mappings.length);
            assert.ok(mappings.every((m: any) => m.options.deleteBeforeReplace && m.inputs.destinationConfig.onFailure.destinationArn.startsWith("arn:aws:")));
            assert.deepStrictEqual(Object.keys(doc.outputs.consumers).sort(), mappings.map((m: any) => m.name.replace(/^consumer-/, "").replace(/-mapping$/, "")).sort());
        }
        assert.match(runs.get("dev text")!.stdout, /\+ aws:lambda\/eventSourceMapping:EventSourceMapping {2}consumer-orders-mapping {2}\[deleteBeforeReplace\]/);
    });

    it("shows computed values as unknown in --preview, and known after a first up", () => {
        const cluster = (k: string) => JSON.parse(runs.get(k)!.stdout).resources.find((r: any) => r.type === "aws:msk/cluster:Cluster");
        assert.strictEqual(cluster("prod preview").inputs.encryptionInfo.encryptionAtRestKmsKeyArn, "[unknown]");
        assert.match(cluster("prod").inputs.encryptionInfo.encryptionAtRestKmsKeyArn, /^arn:aws:kms:/);
    });

    it("prints a readable resource tree by default", () => {
        const run = runs.get("dev text")!;
        assert.strictEqual(run.code, 0, run.stderr);
        assert.match(run.stdout, /^Plan for stack dev .*: \d+ resources would be created/);
        assert.match(run.stdout, /\n\+ pulumi:pulumi:Stack {2}msk-lambda-dev\n {4}\+ msk-lambda:index:Network {2}network\n/);
        assert.match(run.stdout, /\n {8}\+ aws:msk\/cluster:Cluster {2}kafka-cluster\n/);
    });

    it("applies --config overrides, including paths into objects", async () => {
        const run = await runPlan(["--stack", "dev", "--json", "--config", "msk-lambda:network.azCount=3", "--config", "msk-lambda:cluster.authentication=tls"]);
        assert.strictEqual(run.code, 0, run.stderr);
        const doc = JSON.parse(run.stdout);
        assert.strictEqual(doc.resources.filter((r: any) => r.type === "aws:ec2/subnet:Subnet").length, 3);
        const msk = doc.resources.find((r: any) => r.type === "aws:msk/cluster:Cluster");
        assert.deepStrictEqual(msk.inputs.clientAuthentication, { unauthenticated: true });
    });

    it("exits 2 on a config error with the key, the problem and the allowed values on stderr, and no stack trace", async () => {
        const run = await runPlan(["--stack", "dev", "--json", "--config", "msk-lambda:cluster.authentication=sasl-plain"]);
        assert.strictEqual(run.code, 2);
        assert.strictEqual(run.stdout, "");
        assert.match(run.stderr, /msk-lambda:cluster\.authentication: "sasl-plain" is not allowed: use one of "iam" \| "scram" \| "mtls" \| "tls" \| "plaintext"/);
        assert.doesNotMatch(run.stderr, /\n\s+at /);
    });

    it("exits 2 for an unknown stack or argument", async () => {
        const [stack, arg] = await Promise.all([runPlan(["--stack", "qa"]), runPlan(["--stack", "dev", "--yes"])]);
        assert.strictEqual(stack.code, 2);
        assert.match(stack.stderr, /no stack file Pulumi\.qa\.yaml: known stacks are dev, prod/);
        assert.strictEqual(arg.code, 2);
        assert.match(arg.stderr, /unknown argument "--yes"/);
    });
});
