import * as assert from "assert";
import { renderText } from "../plan/cli";
import { pki } from "./helpers/pki";
import { pack } from "./helpers/pack";
import { runPlan, SHIPPED_STACKS, type PlanRun } from "./helpers/plan";

const CA = "arn:aws:acm-pca:us-east-1:111122223333:certificate-authority/11111111-2222-3333-4444-555555555555";
/** `--config` arguments that switch a stack to mTLS with the given chain and key. */
function mtlsArgs(certificate: string, key: string, password?: string): string[] {
    return [
        "--config", "msk-lambda:cluster.authentication=mtls",
        "--config", `msk-lambda:cluster.certificateAuthorityArns=["${CA}"]`,
        "--config", `msk-lambda:mtlsCertificate=${certificate}`,
        "--config", `msk-lambda:mtlsPrivateKey=${key}`,
        ...(password ? ["--config", `msk-lambda:mtlsPrivateKeyPassword=${password}`] : []),
    ];
}

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
    // The policy pack's verdict: the pack and each violation's policy, level, resource and message.
    assert.match(doc.policy.pack, /^msk-lambda@\d+\.\d+\.\d+$/);
    for (const v of doc.policy.violations) {
        assert.deepStrictEqual(Object.keys(v).sort(), ["enforcementLevel", "message", "policy", "urn"]);
        assert.ok(["advisory", "mandatory"].includes(v.enforcementLevel));
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
        const p = pki();
        const port = (await pack()).port;
        // Plan runs that reach the policy pack share the test run's pack process, in groups that use the same policy
        // config (Configure is process-wide); "prod plaintext" starts its own pack, as a user's `npm run plan` does.
        // Runs refused by config validation never reach the pack.
        const shared: [string, string[]][][] = [
            [
                ["dev", ["--stack", "dev", "--json"]],
                ["dev preview", ["--stack", "dev", "--json", "--preview"]],
            ],
            [
                ["prod", ["--stack", "prod", "--json"]],
                ["prod preview", ["--stack", "prod", "--json", "--preview"]],
                ["prod mtls", ["--stack", "prod", "--json", ...mtlsArgs(p.chain, p.clientKeyPbes1, p.keyPassword)]],
            ],
        ];
        const standalone: [string, string[]][] = [
            ["prod plaintext", ["--stack", "prod", "--json", "--config", "msk-lambda:cluster.authentication=plaintext", "--config", "msk-lambda:network.azCount=2"]],
            ["prod fifo", ["--stack", "prod", "--config", 'msk-lambda:consumers[1].onFailure={"arn":"arn:aws:sqs:us-east-1:111122223333:shared-failures.fifo"}']],
            ["prod pbes2", ["--stack", "prod", ...mtlsArgs(p.chain, p.clientKeyPbes2, p.keyPassword)]],
            ["prod self-signed", ["--stack", "prod", ...mtlsArgs(p.selfSigned, p.selfSignedKey)]],
            ["config error", ["--stack", "dev", "--json", "--config", "msk-lambda:cluster.authentication=sasl-plain"]],
            ["unknown stack", ["--stack", "qa"]],
            ["unknown argument", ["--stack", "dev", "--yes"]],
        ];
        const alone = Promise.all(standalone.map(async ([k, a]) => runs.set(k, await runPlan(a))));
        for (const group of shared) await Promise.all(group.map(async ([k, a]) => runs.set(k, await runPlan(a, port))));
        await alone;
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
    });

    it("shows computed values as unknown in --preview, and known after a first up", () => {
        const cluster = (k: string) => JSON.parse(runs.get(k)!.stdout).resources.find((r: any) => r.type === "aws:msk/cluster:Cluster");
        assert.strictEqual(cluster("prod preview").inputs.encryptionInfo.encryptionAtRestKmsKeyArn, "[unknown]");
        assert.match(cluster("prod").inputs.encryptionInfo.encryptionAtRestKmsKeyArn, /^arn:aws:kms:/);
    });

    it("prints a readable resource tree with the policy verdict by default", () => {
        const text = renderText(JSON.parse(runs.get("dev")!.stdout));
        assert.match(text, /^Plan for stack dev .*: \d+ resources would be created/);
        assert.match(text, /\n\+ pulumi:pulumi:Stack {2}msk-lambda-dev\n {4}\+ msk-lambda:index:Network {2}network\n/);
        assert.match(text, /\n {8}\+ aws:msk\/cluster:Cluster {2}kafka-cluster\n/);
        assert.match(text, /\+ aws:lambda\/eventSourceMapping:EventSourceMapping {2}consumer-orders-mapping {2}\[deleteBeforeReplace\]/);
        assert.match(text, /\nPolicy pack msk-lambda@0\.1\.0 \(config policies\/config\/dev\.json\): 0 mandatory, 0 advisory$/);
    });

    it("applies --config overrides, including paths into objects, and exits 1 naming the policy a variant breaks", () => {
        const run = runs.get("prod plaintext")!;
        assert.strictEqual(run.code, 1, run.stderr);
        const doc = JSON.parse(run.stdout);
        assert.strictEqual(doc.resources.filter((r: any) => r.type === "aws:ec2/subnet:Subnet").length, 4, "azCount=2 in nat mode: 2 private + 2 public");
        const msk = doc.resources.find((r: any) => r.type === "aws:msk/cluster:Cluster");
        assert.deepStrictEqual(msk.inputs.clientAuthentication, { unauthenticated: true });
        const mandatory = doc.policy.violations.filter((v: any) => v.enforcementLevel === "mandatory");
        assert.deepStrictEqual(mandatory.map((v: any) => v.policy).sort(), ["msk-encryption-in-transit", "msk-no-unauthenticated-access"]);
        assert.ok(mandatory.every((v: any) => v.urn === msk.urn));
        assert.strictEqual(doc.policy.pack, "msk-lambda@0.1.0");
    });

    it("refuses variants of the shipped stacks with exit 2, naming the problem: a FIFO destination, a PBES2 key, a self-signed certificate", () => {
        const expect: [string, RegExp][] = [
            ["prod fifo", /msk-lambda:consumers\[1\]\.onFailure\.arn: names a FIFO queue/],
            ["prod pbes2", /msk-lambda:mtlsPrivateKey: the privateKey is encrypted with PBES2; Lambda supports only PBES1/],
            ["prod self-signed", /msk-lambda:mtlsCertificate: the client certificate \(CN=self-signed-consumer\) is self-signed/],
        ];
        for (const [k, message] of expect) {
            const run = runs.get(k)!;
            assert.strictEqual(run.code, 2, `${k}: ${run.stderr}`);
            assert.match(run.stderr, message);
            assert.doesNotMatch(run.stderr, /\n\s+at /, "no stack trace");
        }
    });

    it("plans a valid mTLS variant, has the pack judge its stored secret, and prints no secret", () => {
        const run = runs.get("prod mtls")!;
        assert.strictEqual(run.code, 0, run.stderr + run.stdout.slice(-3000));
        const doc = JSON.parse(run.stdout);
        const version = doc.resources.find((r: any) => r.type === "aws:secretsmanager/secretVersion:SecretVersion");
        assert.strictEqual(version.inputs.secretString, "[secret]");
        assert.deepStrictEqual(doc.policy.violations.filter((v: any) => v.enforcementLevel === "mandatory"), []);
        const p = pki();
        for (const material of [p.chain, p.clientKeyPbes1]) {
            for (const line of material.split("\n").filter((l) => l.length >= 16 && !l.startsWith("-----"))) assert.ok(!run.stdout.includes(line), "PEM material in the plan");
        }
        assert.ok(!run.stdout.includes(p.keyPassword));
    });

    it("exits 2 on a config error with the key, the problem and the allowed values on stderr, and no stack trace", () => {
        const run = runs.get("config error")!;
        assert.strictEqual(run.code, 2);
        assert.strictEqual(run.stdout, "");
        assert.match(run.stderr, /msk-lambda:cluster\.authentication: "sasl-plain" is not allowed: use one of "iam" \| "scram" \| "mtls" \| "tls" \| "plaintext"/);
        assert.doesNotMatch(run.stderr, /\n\s+at /);
    });

    it("exits 2 for an unknown stack or argument", () => {
        const [stack, arg] = [runs.get("unknown stack")!, runs.get("unknown argument")!];
        assert.strictEqual(stack.code, 2);
        assert.match(stack.stderr, /no stack file Pulumi\.qa\.yaml: known stacks are dev, prod/);
        assert.strictEqual(arg.code, 2);
        assert.match(arg.stderr, /unknown argument "--yes"/);
    });
});
