/**
 * Bad input as a new user types it, through the real commands (`npm run plan`, `npm run failure-record`): each is
 * refused with exit 2 and one clear message (file, line and column; key; did-you-mean), no stack trace, and never a
 * secret value.
 */
import * as assert from "assert";
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseStackConfig } from "../lib/config";
import { ALARM_DEFAULTS, CONSUMER_SPEC } from "../lib/consumer-config";
import { parseFailureRecord, FailureRecordError } from "../lib/failure-records";
import { destinationStatements } from "../lib/iam";
import { AWS_REGIONS } from "../lib/regions";
import { parseArgs } from "../plan/cli";
import { ConfigError, didYouMean, type ConfigIssue } from "../lib/schema";
import { pack } from "./helpers/pack";
import { ROOT, runPlan, type PlanRun } from "./helpers/plan";

const SECRET = "hunter2-Sx9-never-printed";
const dev = fs.readFileSync(path.join(ROOT, "Pulumi.dev.yaml"), "utf8");

/** Stack files with one mistake each (written to a temporary folder, passed with --config-file). */
const FILES: Record<string, string> = {
    "bad-indent.yaml": dev.replace("    cidrBlock: 10.20.0.0/16", "     cidrBlock: 10.20.0.0/16"),
    "tab.yaml": dev.replace("    azCount: 2", "\tazCount: 2"),
    "duplicate.yaml": dev.replace("    azCount: 2", "    azCount: 2\n    azCount: 3"),
    "clear-secret.yaml": dev.replace("  msk-lambda:environment: dev", `  msk-lambda:environment: dev\n  msk-lambda:scramPassword: ${SECRET}`),
    "typos.yaml": dev
        .replace("  msk-lambda:environment: dev", "  msk-lambda:environment: dev\n  msk-lambda:enviroment: dev\n  msk_lambda:consumers: []")
        .replace("    azCount: 2", "    azCont: 2")
        .replace("      batchSize: 100", "      batchSzie: 100"),
};

function failureRecord(args: string[]): Promise<PlanRun> {
    return new Promise((resolve) => {
        execFile(
            process.execPath,
            ["-r", "ts-node/register/transpile-only", path.join(ROOT, "plan", "failure-record.ts"), ...args],
            { cwd: ROOT, env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "1" } },
            (err, stdout, stderr) => resolve({ code: err ? ((err as any).code ?? 1) : 0, stdout, stderr }),
        );
    });
}

describe("bad input through the commands a new user runs", function () {
    this.timeout(120000);
    const runs = new Map<string, PlanRun>();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cli-input-"));

    before(async () => {
        for (const [name, text] of Object.entries(FILES)) fs.writeFileSync(path.join(dir, name), text);
        const port = (await pack()).port;
        const plans: [string, string[]][] = [
            ...["bad-indent.yaml", "tab.yaml", "duplicate.yaml", "clear-secret.yaml"].map((f): [string, string[]] => [
                f,
                ["--stack", "dev", "--config-file", path.join(dir, f)],
            ]),
            [
                // Every config problem is reported at once: typos in the file, look-alike namespaces and a conflict on the command line.
                "typos and conflicts",
                [
                    "--stack",
                    "dev",
                    "--config-file",
                    path.join(dir, "typos.yaml"),
                    "--config",
                    "msk_lambda:network.azCount=3",
                    "--config",
                    "mks-lambda:clster.kafkaVersion=3.9.x",
                    "--config",
                    'msk-lambda:consumers[0].onFailure={"type":"sqs","arn":"arn:aws:sqs:us-east-1:111122223333:q"}',
                ],
            ],
            [
                "clear secret given on the command line",
                ["--stack", "dev", "--config-file", path.join(dir, "clear-secret.yaml"), "--config", `msk-lambda:scramPassword=${SECRET}`, "--json"],
            ],
            ["malformed secret argument", ["--stack", "dev", "--config", `msk-lambda:scramPassword:${SECRET}`]],
            ["h", ["-h", "--stack", "dev"]],
            ["no consumers", ["--stack", "dev", "--config", "msk-lambda:consumers=[]"]],
        ];
        await Promise.all(plans.map(async ([k, a]) => runs.set(k, await runPlan(a, port))));
        const records: [string, string[]][] = [
            ["record missing", ["missing.json"]],
            ["record help", ["--help"]],
            ["record eventbridge", [path.join(ROOT, "tests", "fixtures", "async-invocation-eventbridge.json")]],
            ["record not a record", [path.join(ROOT, "package.json")]],
        ];
        await Promise.all(records.map(async ([k, a]) => runs.set(k, await failureRecord(a))));
    });

    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    const refused = (k: string) => {
        const run = runs.get(k)!;
        assert.strictEqual(run.code, 2, `${k}: exit ${run.code}\n${run.stderr}`);
        assert.doesNotMatch(run.stderr, /\n\s+at /, `${k}: stack trace`);
        return run.stderr;
    };

    it("names the file, line and column of a YAML syntax error (bad indent, tab, duplicate key), exit 2", () => {
        // The over-indented line 7 turns line 6 (`mode: privatelink`) into a nested map: the parser stops there.
        assert.match(
            refused("bad-indent.yaml"),
            /bad-indent\.yaml:6:11: YAML syntax error: Nested mappings are not allowed in compact mappings \(BLOCK_AS_IMPLICIT_KEY\)\n$/,
        );
        assert.match(refused("tab.yaml"), /tab\.yaml:8:1: YAML syntax error: Tabs are not allowed as indentation \(TAB_AS_INDENT\)\n$/);
        assert.match(refused("duplicate.yaml"), /duplicate\.yaml:9:5: YAML syntax error: Map keys must be unique \(DUPLICATE_KEY\)\n$/);
    });

    it("refuses a clear-text secret in a stack file without echoing it, unless --config gives it", () => {
        const err = refused("clear-secret.yaml");
        assert.match(err, /msk-lambda:scramPassword is stored in clear text in \S+clear-secret\.yaml: secrets must be encrypted \(pulumi config set --secret/);
        const given = runs.get("clear secret given on the command line")!;
        // dev authenticates with IAM: the password is refused as not applicable, which proves the file was read.
        assert.doesNotMatch(given.stderr, /clear text/);
        assert.match(
            given.stderr,
            /msk-lambda:scramPassword: is only for msk-lambda:cluster\.authentication "scram"; msk-lambda:cluster\.authentication is "iam"/,
        );
        for (const run of runs.values()) assert.ok(!(run.stdout + run.stderr).includes(SECRET), "a secret value was printed");
    });

    it("suggests the key meant for misspelled keys and look-alike namespaces, in stack files and --config", () => {
        const err = refused("typos and conflicts");
        assert.match(err, /msk-lambda:enviroment: is not a known key: .*; did you mean msk-lambda:environment\?/);
        assert.match(
            err,
            /msk_lambda:consumers: namespace "msk_lambda" is not this program's, so the key would be ignored: did you mean msk-lambda:consumers\?/,
        );
        assert.match(err, /msk-lambda:network\.azCont: is not a known key: .*; did you mean azCount\?/);
        assert.match(err, /msk-lambda:consumers\[0\]\.batchSzie: is not a known key: .*; did you mean batchSize\?/);
        const ns = err;
        assert.match(ns, /msk_lambda:network: namespace "msk_lambda" is not this program's, so the key would be ignored: did you mean msk-lambda:network\?/);
        assert.match(ns, /mks-lambda:clster: namespace "mks-lambda" .* did you mean msk-lambda:cluster\?/);
    });

    it("never echoes a malformed --config argument past its key", () => {
        assert.throws(
            () => parseArgs(["--stack", "dev", `msk-lambda:scramPassword=${SECRET}`]),
            (e: Error) => e.message === 'unknown argument "msk-lambda:scramPassword=..." (a config value? use --config key=value)',
        );
        assert.match(
            refused("malformed secret argument"),
            /--config takes key=value .*got "msk-lambda:scramPassword" followed by more text \(not shown: it may be a secret\)/,
        );
        assert.throws(
            () => parseArgs(["--config", `msk-lambda:mtlsPrivateKey ${SECRET}`]),
            (e: Error) => /got "msk-lambda:mtlsPrivateKey" followed by more text/.test(e.message) && !e.message.includes(SECRET),
        );
    });

    it("refuses an on-failure destination with both type and arn", () => {
        assert.match(refused("typos and conflicts"), /msk-lambda:consumers\[0\]\.onFailure: has both type and arn/);
    });

    it("prints usage for --help and -h (exit 0)", () => {
        assert.strictEqual(parseArgs(["--stack", "dev", "--help"]).help, true);
        {
            const run = runs.get("h")!;
            assert.strictEqual(run.code, 0, run.stderr);
            assert.match(run.stdout, /^usage: npm run plan -- --stack NAME \[options\]/);
            assert.match(run.stdout, /--against BASE\.json[\s\S]*--allow-replace URN\|NAME[\s\S]*4 a stateful resource would be replaced or deleted/);
        }
        const r = runs.get("record help")!;
        assert.strictEqual(r.code, 0);
        assert.match(r.stdout, /^usage: npm run failure-record -- \[FILE \| -\]/);
    });

    it("plans a stack with no consumer, with a note that nothing reads the cluster (exit 0)", () => {
        const run = runs.get("no consumers")!;
        assert.strictEqual(run.code, 0, run.stderr);
        assert.match(run.stderr, /note: msk-lambda:consumers is empty: the stack has no consumer, so nothing reads the cluster/);
        assert.match(run.stdout, /\+ aws:msk\/cluster:Cluster/);
        assert.doesNotMatch(run.stdout, /EventSourceMapping/);
    });

    it("failure-record: a missing file or a non-record is one clear line (exit 2); an EventBridge event is read", () => {
        assert.strictEqual(refused("record missing").trim(), 'failure-record: cannot read "missing.json": no such file');
        assert.match(refused("record not a record"), /^failure-record: not a Lambda failure record: requestContext is not an object\n$/);
        const eb = runs.get("record eventbridge")!;
        assert.strictEqual(eb.code, 0, eb.stderr);
        assert.match(
            eb.stdout,
            /^Async invocation failure: RetriesExhausted at 2019-11-14T18:16:05\.568Z, function arn:aws:lambda:us-east-2:123456789012:function:my-function:\$LATEST/,
        );
    });
});

describe("failure records in every form the destinations deliver", () => {
    const record = JSON.parse(fs.readFileSync(path.join(ROOT, "tests", "fixtures", "async-invocation.json"), "utf8"));
    const text = JSON.stringify(record);
    const success = { ...record, requestContext: { ...record.requestContext, condition: "Success" } };
    const forms: [string, unknown][] = [
        ["an EventBridge failure event", JSON.parse(fs.readFileSync(path.join(ROOT, "tests", "fixtures", "async-invocation-eventbridge.json"), "utf8"))],
        ["aws sqs receive-message output", { Messages: [{ MessageId: "m", ReceiptHandle: "r", MD5OfBody: "x", Body: text }] }],
        ["an SQS message from the SQS API", { MessageId: "m", Body: text }],
        ["a Lambda event from an SQS trigger", { Records: [{ messageId: "m", eventSource: "aws:sqs", body: text }] }],
        ["a Lambda event from an SNS trigger", { Records: [{ EventSource: "aws:sns", Sns: { Type: "Notification", Message: text } }] }],
        ["the record a Lambda destination receives", record],
    ];
    for (const [what, input] of forms) {
        it(`reads ${what}`, () => {
            const r = parseFailureRecord(input);
            assert.ok(r.kind === "async");
            assert.deepStrictEqual([r.condition, r.requestId], ["RetriesExhausted", "e4b46cbf-b738-xmpl-8880-a18cdf61200e"]);
        });
    }

    it("reads an EventBridge success event", () => {
        const r = parseFailureRecord({ "detail-type": "Lambda Function Invocation Result - Success", source: "lambda", detail: success });
        assert.strictEqual(r.condition, "Success");
    });

    const refusedForms: [string, unknown, RegExp][] = [
        [
            "an EventBridge event of another kind",
            { "detail-type": "EC2 Instance State-change Notification", detail: {} },
            /detail-type "EC2 Instance State-change Notification", not a Lambda invocation result/,
        ],
        ["several SQS messages at once", { Messages: [{ Body: text }, { Body: text }] }, /Messages holds 2 messages: pass one message at a time/],
        ["an empty Lambda event", { Records: [] }, /Records holds 0 messages/],
    ];
    for (const [what, input, message] of refusedForms) {
        it(`refuses ${what}`, () => {
            assert.throws(
                () => parseFailureRecord(input),
                (e: Error) => e instanceof FailureRecordError && message.test(e.message),
            );
        });
    }

    it("suggests only close keys", () => {
        assert.strictEqual(didYouMean("azcont", ["mode", "cidrBlock", "azCount"]), "azCount");
        assert.strictEqual(didYouMean("cidr", ["mode", "cidrBlock", "azCount"]), "cidrBlock");
        assert.strictEqual(didYouMean("colour", ["environment", "network", "cluster", "consumers"]), undefined);
        assert.strictEqual(didYouMean("aws", ["msk-lambda"]), undefined);
        assert.strictEqual(didYouMean("x".repeat(10000), ["msk-lambda"]), undefined);
    });
});

/**
 * Issue 20, section 4: findings of a new user, one problem per run (plans run in-process through plan/cli.ts's main,
 * sharing the test run's pack), each asserting what the user sees: the exit code and the key or resource named.
 */
describe("new-user findings (issue 20, section 4)", function () {
    this.timeout(120000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "new-user-"));
    after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const plan = async (args: string[]) => runPlan(["--stack", "dev", ...args], (await pack()).port);
    const parse = (extra: Record<string, unknown>) => {
        const config: Record<string, string> = { "aws:region": "us-east-1", "msk-lambda:environment": "dev" };
        for (const [k, v] of Object.entries(extra)) config[k] = typeof v === "string" ? v : JSON.stringify(v);
        return parseStackConfig(config, { project: "msk-lambda", stack: "dev" });
    };
    const refusal = (extra: Record<string, unknown>): ConfigIssue[] => {
        try {
            parse(extra);
        } catch (e) {
            if (e instanceof ConfigError) return e.issues;
            throw e;
        }
        return [];
    };
    const exit2 = (run: PlanRun) => {
        assert.strictEqual(run.code, 2, run.stderr);
        assert.strictEqual(run.stdout, "");
        assert.doesNotMatch(run.stderr, /\n\s+at /, "no stack trace");
        return run.stderr;
    };

    it("--config-file naming a directory exits 2 naming it", async () => {
        assert.match(exit2(await plan(["--config-file", dir])), /--config-file \S+: is a directory; name a stack config file/);
    });

    it("an unknown setting in a policy config file is refused (exit 2), naming it and the settings allowed", async () => {
        const file = path.join(dir, "policy.json");
        fs.writeFileSync(file, JSON.stringify({ "msk-function-timeout": { maxTimeoutSecs: 600 } }));
        const err = exit2(await plan(["--policy-config", file]));
        assert.match(err, /policy config for "msk-function-timeout": unknown setting "maxTimeoutSecs": allowed settings are exemptions, maxTimeoutSeconds/);
    });

    it("a setting of every policy that has settings is checked by name: each misspelling is refused (generated per policy)", async () => {
        const { policies } = await (await pack()).info();
        const withSettings = policies.filter((p) => Object.keys(p.configSchema ?? {}).length);
        assert.ok(withSettings.length >= 2, "policies with settings");
        for (const p of withSettings) {
            const setting = Object.keys(p.configSchema!)[0];
            await assert.rejects((await pack()).configure({ [p.name]: { [`${setting}X`]: 1 } }), new RegExp(`"${p.name}": unknown setting "${setting}X"`));
        }
        await (await pack()).configure({});
    });

    it("aws:region outside AWS's Regions is refused (exit 2), naming the key and the Region meant", async () => {
        assert.match(
            exit2(await plan(["--config", "aws:region=us-east-9"])),
            /aws:region: "us-east-9" is not an AWS Region \(did you mean us-east-1\?\): use one of af-south-1/,
        );
    });

    it("the Region table is @pulumi/aws's aws.Region enum, and every Region in it is accepted", () => {
        const aws = require("@pulumi/aws");
        assert.deepStrictEqual([...AWS_REGIONS].sort(), (Object.values(aws.Region) as string[]).sort());
        for (const region of AWS_REGIONS) assert.deepStrictEqual(refusal({ "aws:region": region }), [], region);
    });

    it("a setting of a disabled idempotency store is noted in the plan's output (exit 0)", async () => {
        const run = await plan(["--config", 'msk-lambda:consumers[0].idempotency={"enabled":false,"expiresAfterSeconds":100}']);
        assert.strictEqual(run.code, 0, run.stderr);
        assert.match(run.stderr, /msk-lambda:consumers\[0\]\.idempotency\.expiresAfterSeconds: is ignored: idempotency is disabled/);
    });

    it("every setting of every feature that can be disabled is noted when the feature is off (generated per feature)", () => {
        const features = Object.keys(CONSUMER_SPEC).filter((k) => k === "idempotency" || k in ALARM_DEFAULTS);
        assert.ok(features.length >= 7, features.join(", "));
        for (const feature of features) {
            const setting = feature === "idempotency" ? { expiresAfterSeconds: 100 } : { threshold: 7 };
            const notes = parse({ "msk-lambda:consumers": [{ name: "a", topic: "a", [feature]: { enabled: false, ...setting } }] }).notes;
            const key = `msk-lambda:consumers[0].${feature}.${Object.keys(setting)[0]}`;
            assert.deepStrictEqual(
                notes.map((n) => n.key),
                [key],
                feature,
            );
            const on = parse({ "msk-lambda:consumers": [{ name: "a", topic: "a", [feature]: { enabled: true, ...setting } }] }).notes;
            assert.deepStrictEqual(on, [], `${feature} enabled: no note`);
        }
    });

    it("onFailure.type's allowed values include kafka", () => {
        const [issue] = refusal({ "msk-lambda:consumers": [{ name: "a", topic: "a", onFailure: { type: "kinesis" } }] });
        assert.strictEqual(issue.key, "msk-lambda:consumers[0].onFailure.type");
        assert.match(issue.message, /use one of "sqs" \| "sns" \| "s3" \| "kafka"/);
    });

    it("the cidrBlock message states the range the layout accepts, and exactly that range is accepted (every prefix)", () => {
        const [issue] = refusal({ "msk-lambda:network": { cidrBlock: "10.0.0.0/8" } });
        assert.match(issue.message, /use a block from \/16 to \/24 /);
        for (let prefix = 8; prefix <= 28; prefix++) {
            const issues = refusal({ "msk-lambda:network": { cidrBlock: `10.0.0.0/${prefix}`, azCount: 2 }, "msk-lambda:cluster": { azCount: 2 } });
            assert.strictEqual(issues.length === 0, prefix >= 16 && prefix <= 24, `/${prefix}: ${JSON.stringify(issues)}`);
        }
    });

    it("provisionedPollers: true says that false is allowed", () => {
        const [issue] = refusal({ "msk-lambda:consumers": [{ name: "a", topic: "a", provisionedPollers: true }] });
        assert.strictEqual(issue.key, "msk-lambda:consumers[0].provisionedPollers");
        assert.match(issue.message, /must be false \(on-demand mode\) or an object with keys minimum, maximum, pollerGroupName; got true/);
    });

    it("a --config list index past the end is refused naming the index, with no 'got null' entries for the items before it", async () => {
        const err = exit2(await plan(["--config", "msk-lambda:consumers[3].batchSize=5"]));
        assert.match(err, /msk-lambda:consumers\[3\]\.batchSize": index 3 is past the end of the list \(1 item\(s\)\): use an index from 0 to 1/);
        assert.doesNotMatch(err, /got null/);
    });

    it("reports every problem of one consumer at once, not one per run", () => {
        const issues = refusal({
            "msk-lambda:consumers": [
                { name: "a", topic: "a", startingPosition: "AT_TIMESTAMP", filterKmsKeyArn: "create", provisionedPollers: false, maximumRetryAttempts: 3 },
            ],
        });
        assert.deepStrictEqual(issues.map((i) => i.key).sort(), [
            "msk-lambda:consumers[0].filterKmsKeyArn",
            "msk-lambda:consumers[0].maximumRetryAttempts",
            "msk-lambda:consumers[0].startingPositionTimestamp",
        ]);
    });

    it("reports a topic problem together with a consumer problem", () => {
        const issues = refusal({ "msk-lambda:consumers": [{ name: "Bad_Name", topic: "a" }], "msk-lambda:topics": { a: { partitions: 0 } } });
        assert.deepStrictEqual(issues.map((i) => i.key).sort(), ["msk-lambda:consumers[0].name", "msk-lambda:topics.a.partitions"]);
    });

    it("reports a bad policy config file together with the stack config's problems", async () => {
        const file = path.join(dir, "not-json.json");
        fs.writeFileSync(file, "{");
        const err = exit2(await plan(["--config", "msk-lambda:consumers[0].batchSize=0", "--policy-config", file]));
        assert.match(err, /msk-lambda:consumers\[0\]\.batchSize: 0 is out of range/);
        assert.match(err, /not-json\.json is not valid JSON/);
    });

    it("reports an unreadable --against base together with the stack config's problems", async () => {
        const err = exit2(await plan(["--against", path.join(dir, "missing-base.json"), "--config", "msk-lambda:consumers[0].batchSize=0"]));
        assert.match(err, /--against \S+missing-base\.json: cannot read it \(ENOENT\)/);
        assert.match(err, /msk-lambda:consumers\[0\]\.batchSize: 0 is out of range/);
    });

    it("grants kms:DescribeKey and kms:ReEncrypt* on a destination key in another account, and not on the role's own", () => {
        const KEY = "arn:aws:kms:us-east-1:444455556666:key/11111111-2222-3333-4444-555555555555";
        const actionsOn = (roleAccount: string, type: "sqs" | "sns") =>
            destinationStatements({ type, arn: `arn:aws:${type}:us-east-1:444455556666:dest`, kmsKeyArn: KEY }, [], roleAccount)
                .filter((s) => s.Resource === KEY)
                .flatMap((s) => [s.Action].flat());
        for (const type of ["sqs", "sns"] as const) {
            assert.deepStrictEqual(actionsOn("111122223333", type).sort(), [
                "kms:Decrypt",
                "kms:DescribeKey",
                "kms:GenerateDataKey",
                "kms:ReEncryptFrom",
                "kms:ReEncryptTo",
            ]);
            assert.deepStrictEqual(actionsOn("444455556666", type).sort(), ["kms:Decrypt", "kms:GenerateDataKey"]);
        }
    });

    it("the plan of a consumer whose existing destination key is in another account grants the cross-account actions", async () => {
        const KEY = "arn:aws:kms:us-east-1:444455556666:key/11111111-2222-3333-4444-555555555555";
        const run = await plan([
            "--json",
            "--config",
            `msk-lambda:consumers[0].onFailure={"arn":"arn:aws:sqs:us-east-1:444455556666:failures","kmsKeyArn":"${KEY}"}`,
        ]);
        const doc = JSON.parse(run.stdout);
        const policy = doc.resources.find((r: any) => r.type === "aws:iam/rolePolicy:RolePolicy" && r.name === "consumer-orders-destinations");
        const actions = JSON.parse(policy.inputs.policy)
            .Statement.filter((s: any) => s.Resource === KEY)
            .flatMap((s: any) => [s.Action].flat());
        assert.ok(actions.includes("kms:DescribeKey") && actions.includes("kms:ReEncryptFrom") && actions.includes("kms:ReEncryptTo"), actions.join(", "));
        assert.deepStrictEqual(
            doc.policy.violations.filter((v: any) => v.enforcementLevel === "mandatory"),
            [],
            run.stderr,
        );
    });
});
