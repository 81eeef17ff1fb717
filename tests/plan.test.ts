import * as assert from "assert";
import { parseArgs, renderText, UsageError } from "../plan/cli";
import { pki } from "./helpers/pki";
import { pack } from "./helpers/pack";
import { planOnce, runPlan, spawnPlan, SHIPPED_STACKS, type PlanRun } from "./helpers/plan";

const CA = "arn:aws:acm-pca:us-east-1:111122223333:certificate-authority/11111111-2222-3333-4444-555555555555";
/**
 * Every config key with a bad value, all in one plan run (the program reports every problem at once): `--config`
 * argument, then what the message must say about that key (the problem and the allowed values).
 */
const BAD_VALUES: [string, RegExp][] = [
    ["msk-lambda:environment=qa", /msk-lambda:environment: "qa" is not allowed: use one of "dev" \| "staging" \| "prod"/],
    ["msk-lambda:colour=blue", /msk-lambda:colour: is not a known key: allowed keys are msk-lambda:environment, msk-lambda:network/],
    ["msk-lambda:scramPassword=pw-7Qx", /msk-lambda:scramPassword: must be at least 8 characters long/],
    [
        'msk-lambda:network={"mode":"public","cidrBlock":"10.0.0/16","azCount":"three","vpcId":"vpc-zz","privateSubnetIds":"subnet-1","endpoints":"yes","privateRouteTableIds":["rt-1"],"clusterSecurityGroupIds":[],"cidr":1}',
        /msk-lambda:network\.mode: "public" is not allowed: use one of "privatelink" \| "nat" \| "existing"/,
    ],
    ["", /msk-lambda:network\.cidrBlock: "10\.0\.0\/16" is not an IPv4 CIDR block such as 10\.0\.0\.0\/16/],
    ["", /msk-lambda:network\.azCount: must be an integer from 2 to 6, got "three"/],
    ["", /msk-lambda:network\.vpcId: "vpc-zz" is not valid: allowed a VPC id such as vpc-0123456789abcdef0/],
    ["", /msk-lambda:network\.privateSubnetIds: must be a list \(2 to 6 items\), got "subnet-1"/],
    ["", /msk-lambda:network\.endpoints: must be true or false, got "yes"/],
    ["", /msk-lambda:network\.privateRouteTableIds\[0\]: "rt-1" is not valid: allowed a route table id such as rtb-0123456789abcdef0/],
    ["", /msk-lambda:network\.clusterSecurityGroupIds: has 0 item\(s\): must have 1 to 5 items/],
    ["", /msk-lambda:network\.cidr: is not a known key: allowed keys are mode, cidrBlock, azCount/],
    [
        'msk-lambda:cluster={"kafkaVersion":"latest","brokerInstanceType":"m5.large","brokersPerAz":0,"ebsVolumeGb":99999,"authentication":"sasl","certificateAuthorityArns":["arn:aws:acm:us-east-1:111122223333:certificate/x"],"existingClusterArn":"arn:aws:kafka:us-east-1:111122223333:topic/a/b","logRetentionDays":10}',
        /msk-lambda:cluster\.kafkaVersion: "latest" is not valid: allowed an MSK Kafka version such as 3\.8\.x/,
    ],
    ["", /msk-lambda:cluster\.brokerInstanceType: "m5\.large" is not valid: allowed an MSK broker type such as kafka\.m7g\.large/],
    ["", /msk-lambda:cluster\.brokersPerAz: 0 is out of range: must be an integer from 1 to 10/],
    ["", /msk-lambda:cluster\.ebsVolumeGb: 99999 is out of range: must be an integer from 1 to 16384/],
    ["", /msk-lambda:cluster\.authentication: "sasl" is not allowed: use one of "iam" \| "scram" \| "mtls" \| "tls" \| "plaintext"/],
    ["", /msk-lambda:cluster\.certificateAuthorityArns\[0\]: .* is not valid: allowed an ACM Private CA ARN/],
    ["", /msk-lambda:cluster\.existingClusterArn: .* is not valid: allowed an MSK cluster ARN such as/],
    ["", /msk-lambda:cluster\.logRetentionDays: 10 is not allowed: use one of 1, 3, 5, 7, 14/],
    [
        "msk-lambda:consumers=" +
            JSON.stringify([
                { name: "Bad_Name", topic: "t" },
                { name: "a", topic: "no spaces" },
                { name: "b", topic: "b", consumerGroupId: "g g" },
                { name: "c", topic: "c", startingPosition: "EARLIEST" },
                { name: "d", topic: "d", startingPositionTimestamp: "2026-01-01" },
                { name: "e", topic: "e", batchSize: 0 },
                { name: "f", topic: "f", maximumBatchingWindowSeconds: 900 },
                { name: "g", topic: "g", filters: ["{not json"] },
                { name: "h", topic: "h", provisionedPollers: { minimum: 500 } },
                { name: "i", topic: "i", enabled: "sometimes" },
                { name: "j", topic: "j", timeoutSeconds: 900 },
                { name: "k", topic: "k", memorySizeMb: 100 },
                { name: "l", topic: "l", reservedConcurrency: -1 },
                { name: "m", topic: "m", onFailure: { type: "kinesis" } },
                { name: "n", topic: "n", asyncDestinations: { onSuccess: { type: "lambda" } } },
                { name: "o", topic: "o", offsetLagAlarm: { evaluationMinutes: 0 } },
                { name: "p", topic: "p", onFailure: { arn: "arn:aws:sqs:us-east-1:111122223333:q", kmsKeyArn: "not-an-arn" } },
                { name: "q" },
            ]),
        /msk-lambda:consumers\[0\]\.name: "Bad_Name" is not valid: allowed 1-40 characters of a-z, 0-9 and -/,
    ],
    ["", /msk-lambda:consumers\[1\]\.topic: "no spaces" is not valid: allowed 1-249 characters/],
    ["", /msk-lambda:consumers\[2\]\.consumerGroupId: "g g" is not valid: allowed 1-200 characters of a-z, A-Z, 0-9 and -\/\*:_\+=\.@/],
    ["", /msk-lambda:consumers\[3\]\.startingPosition: "EARLIEST" is not allowed: use one of "LATEST" \| "TRIM_HORIZON" \| "AT_TIMESTAMP"/],
    ["", /msk-lambda:consumers\[4\]\.startingPositionTimestamp: "2026-01-01" is not valid: allowed an RFC 3339 time/],
    ["", /msk-lambda:consumers\[5\]\.batchSize: 0 is out of range: must be an integer from 1 to 10000/],
    ["", /msk-lambda:consumers\[6\]\.maximumBatchingWindowSeconds: 900 is out of range: must be an integer from 0 to 300/],
    ["", /msk-lambda:consumers\[7\]\.filters\[0\]: is not valid JSON/],
    ["", /msk-lambda:consumers\[8\]\.provisionedPollers\.minimum: 500 is out of range: must be an integer from 1 to 200/],
    ["", /msk-lambda:consumers\[9\]\.enabled: must be true or false, got "sometimes"/],
    ["", /msk-lambda:consumers\[10\]\.timeoutSeconds: 900 is out of range: must be an integer from 1 to 840/],
    ["", /msk-lambda:consumers\[11\]\.memorySizeMb: 100 is out of range: must be an integer from 128 to 10240/],
    ["", /msk-lambda:consumers\[12\]\.reservedConcurrency: -1 is out of range: must be an integer from 1 to 1000/],
    ["", /msk-lambda:consumers\[13\]\.onFailure\.type: "kinesis" is not allowed: use one of "sqs" \| "sns" \| "s3" \| "kafka"/],
    ["", /msk-lambda:consumers\[14\]\.asyncDestinations\.onSuccess\.type: "lambda" needs an existing function/],
    ["", /msk-lambda:consumers\[15\]\.offsetLagAlarm\.evaluationMinutes: 0 is out of range: must be an integer from 1 to 60/],
    ["", /msk-lambda:consumers\[16\]\.onFailure\.kmsKeyArn: "not-an-arn" is not valid: allowed a KMS key ARN/],
    ["", /msk-lambda:consumers\[17\]\.topic: is required/],
];

/** Values that are fine alone but wrong together, in one plan run over the prod stack switched to mTLS. */
const BAD_COMBINATIONS: [string, RegExp][] = [
    [
        'msk-lambda:network={"mode":"nat","cidrBlock":"10.0.0.0/26","azCount":6}',
        /msk-lambda:network\.cidrBlock: 10\.0\.0\.0\/26 is too small: each subnet is 1\/16 of the VPC block \(a stable layout: adding an AZ or public subnets moves no subnet\), here \/30, smaller than AWS's minimum \/28; use a \/24 or larger block/,
    ],
    [
        "msk-lambda:consumers=" +
            JSON.stringify([
                { name: "orders", topic: "orders", consumerGroupId: "shared" },
                { name: "orders", topic: "again" },
                { name: "audit", topic: "audit", consumerGroupId: "shared" },
                { name: "late", topic: "late", startingPosition: "AT_TIMESTAMP" },
                { name: "pollers", topic: "p", provisionedPollers: { minimum: 9, maximum: 3 } },
                { name: "fifo", topic: "f", onFailure: { arn: "arn:aws:sns:us-east-1:111122223333:alerts.fifo" } },
            ]),
        /msk-lambda:consumers\[1\]\.name: "orders" is already used by msk-lambda:consumers\[0\]: each consumer needs a unique name/,
    ],
    ["", /msk-lambda:consumers\[2\]\.consumerGroupId: "shared" is already used by msk-lambda:consumers\[0\]: each consumer needs a unique consumerGroupId/],
    ["", /msk-lambda:consumers\[3\]\.startingPositionTimestamp: is required with startingPosition AT_TIMESTAMP/],
    ["", /msk-lambda:consumers\[4\]\.provisionedPollers: minimum 9 is greater than maximum 3/],
    ["", /msk-lambda:consumers\[5\]\.onFailure\.arn: names a FIFO topic: Lambda delivers only to standard SQS queues and SNS topics/],
    [
        "",
        /msk-lambda:mtlsCertificate: certificate 1 \(CN=Test Intermediate CA\) is not issued by certificate 2 \(CN=lambda-consumer\); its issuer is certificate 3/,
    ],
];

/** `--config` arguments that switch a stack to mTLS with the given chain and key. */
function mtlsArgs(certificate: string, key: string, password?: string): string[] {
    return [
        "--config",
        "msk-lambda:cluster.authentication=mtls",
        "--config",
        `msk-lambda:cluster.certificateAuthorityArns=["${CA}"]`,
        "--config",
        `msk-lambda:mtlsCertificate=${certificate}`,
        "--config",
        `msk-lambda:mtlsPrivateKey=${key}`,
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
            ["dependencies", "inputs", "name", "options", "outputs", "parent", "propertyDependencies", "type", "urn"],
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
        // Simulated state: every input (auto-names filled in) plus what the provider computes (id, ARN, ...).
        assert.strictEqual(typeof r.outputs, "object");
        for (const k of Object.keys(r.inputs)) if (k !== "__defaults") assert.ok(k in r.outputs, `${r.urn} outputs lack input ${k}`);
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

/** The mandatory violations of a plan. */
function mandatoryOf(doc: any): any[] {
    return doc.policy.violations.filter((v: any) => v.enforcementLevel === "mandatory");
}

describe("offline plan (npm run plan)", function () {
    this.timeout(120000);
    const runs = new Map<string, PlanRun>();
    before(async () => {
        assert.deepStrictEqual([...SHIPPED_STACKS].sort(), ["dev", "prod"]);
        const p = pki();
        const port = (await pack()).port;
        // Plans run in this process (plan/cli.ts's main) and share the test run's pack process; "prod plaintext" is
        // the one run as its own process (npm run plan's command line), starting its own pack as a user's does.
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
            [
                "prod plaintext",
                [
                    "--stack",
                    "prod",
                    "--json",
                    "--config",
                    "msk-lambda:cluster.authentication=plaintext",
                    "--config",
                    "msk-lambda:network.azCount=2",
                    "--config",
                    "msk-lambda:cluster.azCount=2",
                ],
            ],
            [
                "prod fifo",
                ["--stack", "prod", "--config", 'msk-lambda:consumers[1].onFailure={"arn":"arn:aws:sqs:us-east-1:111122223333:shared-failures.fifo"}'],
            ],
            ["prod self-signed pbes2", ["--stack", "prod", ...mtlsArgs(p.selfSigned, p.clientKeyPbes2, p.keyPassword)]],
            ["bad values", ["--stack", "dev", ...BAD_VALUES.flatMap(([arg]) => (arg ? ["--config", arg] : []))]],
            [
                "bad combinations",
                [
                    "--stack",
                    "prod",
                    ...mtlsArgs(p.intermediate + p.client + p.root, p.clientKey),
                    ...BAD_COMBINATIONS.flatMap(([arg]) => (arg ? ["--config", arg] : [])),
                ],
            ],
            ["config error", ["--stack", "dev", "--json", "--config", "msk-lambda:cluster.authentication=sasl-plain"]],
            ["unknown stack", ["--stack", "qa"]],
        ];
        const alone = Promise.all(standalone.map(async ([k, a]) => runs.set(k, await (k === "prod plaintext" ? spawnPlan(a) : runPlan(a, port)))));
        // The shipped stacks' plain --json plans are shared with the other test files that compare against them.
        const run = (k: string, a: string[]) => (k === "dev" || k === "prod" ? planOnce(a, port) : runPlan(a, port));
        for (const group of shared) await Promise.all(group.map(async ([k, a]) => runs.set(k, await run(k, a))));
        await alone;
    });

    for (const stack of ["dev", "prod"]) {
        for (const mode of ["", " preview"]) {
            it(`plans the shipped ${stack} stack${mode} as one JSON document that holds the contract`, () => {
                const run = runs.get(stack + mode)!;
                const doc = JSON.parse(run.stdout);
                // Every network mode creates the failure destination's endpoint, so destination-endpoint-in-cluster-vpc
                // (like every other mandatory policy) has nothing to say about the shipped stacks.
                assert.deepStrictEqual(mandatoryOf(doc), []);
                assert.strictEqual(run.code, 0, run.stderr);
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
            assert.deepStrictEqual(
                Object.keys(doc.outputs.consumers).sort(),
                mappings.map((m: any) => m.name.replace(/^consumer-/, "").replace(/-mapping$/, "")).sort(),
            );
        }
    });

    it("shows which resources each stack protects: in prod the cluster, every KMS key, the secret, topics, destinations, idempotency tables and log groups; in dev nothing", () => {
        const guarded = (stack: string) => {
            const doc = JSON.parse(runs.get(stack)!.stdout);
            const out: Record<string, string[]> = {};
            for (const r of doc.resources) {
                const flags = [r.options.protect && "protect", r.options.retainOnDelete && "retainOnDelete"].filter(Boolean).join("+");
                if (flags) (out[flags] ??= []).push(r.type);
            }
            for (const k of Object.keys(out)) out[k].sort();
            return out;
        };
        assert.deepStrictEqual(guarded("dev"), {});
        assert.deepStrictEqual(guarded("prod"), {
            protect: ["aws:msk/cluster:Cluster"],
            "protect+retainOnDelete": [
                "aws:dynamodb/table:Table",
                "aws:dynamodb/table:Table",
                ...Array(8).fill("aws:kms/key:Key"),
                "aws:msk/topic:Topic",
                "aws:msk/topic:Topic",
                "aws:s3/bucket:Bucket",
                "aws:secretsmanager/secret:Secret",
                "aws:sns/topic:Topic",
                "aws:sns/topic:Topic",
                "aws:sqs/queue:Queue",
            ],
            retainOnDelete: [
                ...Array(3).fill("aws:cloudwatch/logGroup:LogGroup"),
                "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
                "aws:s3/bucketPolicy:BucketPolicy",
                "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
                "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
                "aws:s3/bucketVersioning:BucketVersioning",
                "aws:secretsmanager/secretVersion:SecretVersion",
            ],
        });
        const keys = JSON.parse(runs.get("prod")!.stdout).resources.filter((r: any) => r.type === "aws:kms/key:Key");
        assert.ok(keys.every((k: any) => k.inputs.deletionWindowInDays === 30));
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
        // The cluster (fixed clusterName) is replaced delete-first: the plan shows the option.
        assert.match(text, /\n {8}\+ aws:msk\/cluster:Cluster {2}msk-lambda-dev {2}\[deleteBeforeReplace\]\n/);
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
        const mandatory = mandatoryOf(doc);
        assert.deepStrictEqual(mandatory.map((v: any) => v.policy).sort(), ["msk-encryption-in-transit", "msk-no-unauthenticated-access"]);
        assert.ok(mandatory.every((v: any) => v.urn === msk.urn));
        assert.strictEqual(doc.policy.pack, "msk-lambda@0.1.0");
    });

    it("refuses variants of the shipped stacks with exit 2, naming the problem: a FIFO destination, a PBES2 key, a self-signed certificate", () => {
        const expect: [string, RegExp][] = [
            ["prod fifo", /msk-lambda:consumers\[1\]\.onFailure\.arn: names a FIFO queue/],
            ["prod self-signed pbes2", /msk-lambda:mtlsPrivateKey: the privateKey is encrypted with PBES2; Lambda supports only PBES1/],
            ["prod self-signed pbes2", /msk-lambda:mtlsCertificate: the client certificate \(CN=self-signed-consumer\) is self-signed/],
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
        const doc = JSON.parse(run.stdout);
        assert.strictEqual(run.code, 0, run.stderr + run.stdout.slice(-3000));
        const version = doc.resources.find((r: any) => r.type === "aws:secretsmanager/secretVersion:SecretVersion");
        assert.strictEqual(version.inputs.secretString, "[secret]");
        assert.deepStrictEqual(mandatoryOf(doc), []);
        const p = pki();
        for (const material of [p.chain, p.clientKeyPbes1]) {
            for (const line of material.split("\n").filter((l) => l.length >= 16 && !l.startsWith("-----")))
                assert.ok(!run.stdout.includes(line), "PEM material in the plan");
        }
        assert.ok(!run.stdout.includes(p.keyPassword));
    });

    for (const [run, table] of [
        ["bad values", BAD_VALUES],
        ["bad combinations", BAD_COMBINATIONS],
    ] as const) {
        it(`exits 2 for ${run}, naming every key with its problem and allowed values, without a stack trace`, () => {
            const r = runs.get(run)!;
            assert.strictEqual(r.code, 2, r.stderr);
            assert.strictEqual(r.stdout, "");
            const missing = table.filter(([, message]) => !message.test(r.stderr)).map(([, m]) => m.source);
            assert.deepStrictEqual(missing, [], r.stderr);
            assert.doesNotMatch(r.stderr, /\n\s+at /);
        });
    }

    it("never prints a secret: no PEM body line, key password or SCRAM password in any plan output (text or JSON) or error", () => {
        const p = pki();
        const secrets = [
            p.keyPassword,
            "pw-7Qx",
            ...[p.chain, p.clientKey, p.clientKeyPbes1, p.clientKeyPbes2, p.selfSigned, p.intermediate].flatMap((pem) =>
                pem.split("\n").filter((l) => l.length >= 16 && !l.startsWith("-----")),
            ),
        ];
        let checked = 0;
        for (const [name, run] of runs) {
            const texts = [run.stdout, run.stderr];
            if (run.stdout.startsWith("{")) texts.push(renderText(JSON.parse(run.stdout)));
            for (const text of texts) {
                checked++;
                for (const s of secrets) assert.ok(!text.includes(s), `${name}: a secret value appears in the output`);
            }
        }
        assert.ok(checked >= 20, `only ${checked} outputs checked`);
    });

    it("exits 2 on a config error with the key, the problem and the allowed values on stderr, and no stack trace", () => {
        const run = runs.get("config error")!;
        assert.strictEqual(run.code, 2);
        assert.strictEqual(run.stdout, "");
        assert.match(
            run.stderr,
            /msk-lambda:cluster\.authentication: "sasl-plain" is not allowed: use one of "iam" \| "scram" \| "mtls" \| "tls" \| "plaintext"/,
        );
        assert.doesNotMatch(run.stderr, /\n\s+at /);
    });

    it("exits 2 for an unknown stack or argument", () => {
        const stack = runs.get("unknown stack")!;
        assert.throws(
            () => parseArgs(["--stack", "dev", "--yes"]),
            (e: Error) => e instanceof UsageError && /unknown argument "--yes"/.test(e.message),
        );
        assert.throws(() => parseArgs(["--config", "novalue"]), /--config takes key=value/);
        assert.strictEqual(stack.code, 2);
        assert.match(stack.stderr, /no stack file Pulumi\.qa\.yaml: known stacks are dev, prod/);
    });
});
