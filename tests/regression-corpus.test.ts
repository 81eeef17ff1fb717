/**
 * Regression corpus (issue 20 §3): what users of peer tools hit on apply, each an offline case that the config
 * (exit 2), the pack (a mandatory violation, exit 1) or `--against` (exit 4) catches before `pulumi up`. Each case
 * names the issue it comes from.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { check, CLUSTER_ARN, of, res, UNKNOWN } from "./helpers/pack";
import { pack } from "./helpers/pack";
import { planOnce, runPlan } from "./helpers/plan";

describe("regression corpus: failures peers' users hit on apply", function () {
    this.timeout(120000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "corpus-"));
    let port: number;
    const base: Record<string, any> = {};

    before(async () => {
        port = (await pack()).port;
        for (const stack of ["dev", "prod"]) {
            const run = await planOnce(["--stack", stack, "--json"], port);
            assert.strictEqual(run.code, 0, run.stderr);
            base[stack] = JSON.parse(run.stdout);
        }
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    const write = (name: string, doc: unknown) => {
        const file = path.join(dir, name);
        fs.writeFileSync(file, JSON.stringify(doc));
        return file;
    };
    const configuration = (doc: any) => doc.resources.find((r: any) => r.type === "aws:msk/configuration:Configuration");

    describe("hashicorp/terraform-provider-aws#15795, #12724, angelabad/terraform-aws-msk-cluster#22: a Kafka version upgrade replaces a fixed-name MSK configuration (ConflictException)", () => {
        it("the program names the configuration per version: the upgrade plans with exit 0 and nothing fails on apply", async () => {
            const run = await runPlan(
                ["--stack", "dev", "--json", "--against", write("dev.json", base.dev), "--config", "msk-lambda:cluster.kafkaVersion=3.9.x"],
                port,
            );
            assert.strictEqual(run.code, 0, run.stderr);
            const diff = JSON.parse(run.stdout).diff;
            const c = diff.changes.find((x: any) => x.type === "aws:msk/configuration:Configuration");
            assert.strictEqual(c.op, "replace");
            assert.strictEqual(c.fails, undefined);
            assert.ok(diff.changes.every((x: any) => !x.fails));
        });

        it("--against catches the fixed-name shape (the same name across the version change): exit 4, fails on apply", async () => {
            const head = await runPlan(["--stack", "dev", "--json", "--config", "msk-lambda:cluster.kafkaVersion=3.9.x"], port);
            assert.strictEqual(head.code, 0, head.stderr);
            // The base a fixed-name program would have left: the new name, on the old version.
            const fixed = JSON.parse(head.stdout);
            const conf = configuration(fixed);
            conf.inputs.kafkaVersions = ["3.8.x"];
            delete fixed.diff;
            delete fixed.policy;
            const run = await runPlan(["--stack", "dev", "--against", write("fixed.json", fixed), "--config", "msk-lambda:cluster.kafkaVersion=3.9.x"], port);
            assert.strictEqual(run.code, 4, run.stdout + run.stderr);
            assert.match(run.stdout, /\+- replace aws:msk\/configuration:Configuration {2}msk-lambda-dev-config {2}\[FAILS ON APPLY\]/);
            // The provider deletes a configuration the program names first (the bridge's delete-before-replace for a set name),
            // and MSK refuses to delete a configuration its cluster uses.
            assert.match(run.stdout, /fails: the old resource is deleted first, but MSK does not delete a configuration a cluster uses/);
        });
    });

    it("hashicorp/terraform-provider-aws#46680 (PR #46702): storageInfo with an Express instance type is refused by the config, exit 2", async () => {
        const run = await runPlan([
            "--stack",
            "prod",
            "--config",
            'msk-lambda:cluster={"brokerInstanceType":"express.m7g.large","ebsVolumeGb":500,"authentication":"scram"}',
        ]);
        assert.strictEqual(run.code, 2, run.stderr);
        assert.match(run.stderr, /msk-lambda:cluster\.ebsVolumeGb: is not for Express brokers .*storageInfo/);
    });

    it("boto/boto3#4356: switching a live cluster from Standard to Express brokers is caught by --against, exit 4", async () => {
        const run = await runPlan(
            [
                "--stack",
                "prod",
                "--against",
                write("prod.json", base.prod),
                "--config",
                'msk-lambda:cluster={"kafkaVersion":"3.8.x","brokerInstanceType":"express.m7g.large","brokersPerAz":1,"authentication":"scram"}',
            ],
            port,
        );
        assert.strictEqual(run.code, 4, run.stdout + run.stderr);
        assert.match(run.stdout, /~ update aws:msk\/cluster:Cluster {2}msk-lambda-prod {2}\[FAILS ON APPLY\]/);
        assert.match(run.stdout, /MSK cannot switch a cluster between Standard and Express brokers/);
    });

    it("hashicorp/terraform-provider-aws#9714: lowering broker storage on a live cluster is caught by --against, exit 4", async () => {
        const run = await runPlan(["--stack", "prod", "--against", write("prod.json", base.prod), "--config", "msk-lambda:cluster.ebsVolumeGb=200"], port);
        assert.strictEqual(run.code, 4, run.stdout + run.stderr);
        assert.match(run.stdout, /broker storage 500 → 200 GiB: MSK only grows broker storage/);
    });

    it("aws/aws-cdk#18571: an MSK SASL/SCRAM secret without the AmazonMSK_ name or a customer-managed key is a mandatory violation of the pack", async () => {
        const s = res("aws:secretsmanager/secret:Secret", "creds", { name: "kafka-creds", arn: UNKNOWN });
        const assoc = res(
            "aws:msk/singleScramSecretAssociation:SingleScramSecretAssociation",
            "a",
            { clusterArn: CLUSTER_ARN, secretArn: UNKNOWN },
            { secretArn: [s] },
        );
        const d = of(await check([s, assoc]), "msk-scram-secret");
        assert.ok(d.length >= 1);
        assert.ok(d.every((x) => x.enforcementLevel === "mandatory"));
    });
});
