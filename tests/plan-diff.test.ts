/**
 * `npm run plan -- --against BASE.json`: the shipped stacks planned once as the base, then again with a config change
 * on each create-only field the program sets, compared as the pull-request check compares them.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { pack } from "./helpers/pack";
import { planOnce, runPlan, type PlanRun } from "./helpers/plan";

const MAPPING = "aws:lambda/eventSourceMapping:EventSourceMapping";

describe("offline plan against a base plan (--against, --allow-replace, exit 4)", function () {
    this.timeout(180000);
    const runs = new Map<string, PlanRun>();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-diff-"));
    const base = (stack: string) => path.join(dir, `${stack}.json`);
    let prodBase: any;

    before(async () => {
        const port = (await pack()).port;
        // Runs that reach the pack are grouped by stack: the pack's policy config (per stack) is process-wide.
        const plan = async (stack: string, variants: [string, string[]][]) => {
            const run = await planOnce(["--stack", stack, "--json"], port);
            assert.strictEqual(run.code, 0, run.stderr);
            fs.writeFileSync(base(stack), run.stdout);
            await Promise.all(variants.map(async ([k, a]) => runs.set(k, await runPlan(a, port))));
        };
        await plan("dev", [
            [
                "dev topic, version, destination",
                [
                    "--stack",
                    "dev",
                    "--against",
                    base("dev"),
                    "--config",
                    "msk-lambda:consumers[0].topic=orders-v2",
                    "--config",
                    "msk-lambda:cluster.kafkaVersion=3.9.x",
                    "--config",
                    'msk-lambda:consumers[0].onFailure={"type":"sns"}',
                ],
            ],
            // The shipped stacks pin cluster.azCount: an AZ added to the network adds subnets and keeps the cluster.
            ["dev third AZ", ["--stack", "dev", "--json", "--against", base("dev"), "--config", "msk-lambda:network.azCount=3"]],
            [
                "dev cluster AZs",
                ["--stack", "dev", "--json", "--against", base("dev"), "--config", "msk-lambda:network.azCount=3", "--config", "msk-lambda:cluster.azCount=3"],
            ],
            ["missing base", ["--stack", "dev", "--against", path.join(dir, "missing.json")]],
            ["allow without against", ["--stack", "dev", "--allow-replace", "x"]],
        ]);
        prodBase = JSON.parse((await planOnce(["--stack", "prod", "--json"], port)).stdout);
        const ordersMapping = prodBase.resources.find((r: any) => r.type === MAPPING && r.name === "consumer-orders-mapping").urn;
        await plan("prod", [
            [
                "prod network",
                [
                    "--stack",
                    "prod",
                    "--json",
                    "--against",
                    base("prod"),
                    "--config",
                    "msk-lambda:network.cidrBlock=10.31.0.0/16",
                    "--allow-replace",
                    "msk-lambda-prod",
                    "--allow-replace",
                    ordersMapping,
                ],
            ],
            [
                "prod group and position",
                [
                    "--stack",
                    "prod",
                    "--against",
                    base("prod"),
                    "--config",
                    "msk-lambda:consumers[1].consumerGroupId=payments-v2",
                    "--config",
                    "msk-lambda:consumers[0].startingPosition=AT_TIMESTAMP",
                    "--config",
                    "msk-lambda:consumers[0].startingPositionTimestamp=2026-11-01T00:00:00Z",
                    "--allow-replace",
                    "consumer-payments-mapping",
                ],
            ],
            ["prod fewer partitions", ["--stack", "prod", "--against", base("prod"), "--config", "msk-lambda:topics.orders.partitions=12"]],
            ["other stack", ["--stack", "dev", "--against", base("prod")]],
            ["preview mismatch", ["--stack", "prod", "--preview", "--against", base("prod")]],
        ]);
    });

    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("replaces the mapping when its topic changes, says which records LATEST skips, and exits 4", () => {
        const run = runs.get("dev topic, version, destination")!;
        assert.strictEqual(run.code, 4, run.stderr);
        const text = run.stdout;
        assert.match(
            text,
            /\+- replace aws:lambda\/eventSourceMapping:EventSourceMapping {2}consumer-orders-mapping {2}\[STATEFUL\]\n {8}because topics changed \(create-only\)/,
        );
        assert.match(
            text,
            /the topic changes \(orders -> orders-v2\) under consumer group msk-lambda-dev-orders: .* LATEST: records after the old group's last commit and before LATEST are skipped/,
        );
        // A new Kafka version: a new MSK configuration (create-only kafkaVersions, nothing stateful) under a new name, so that it
        // can exist next to the one the cluster uses; the cluster updated in place.
        assert.match(
            text,
            /\+- replace aws:msk\/configuration:Configuration {2}msk-lambda-dev-config\n {8}because kafkaVersions changed \(create-only\)\n {8}because name changed \(create-only\)\n/,
        );
        assert.match(text, /~ update aws:msk\/cluster:Cluster {2}msk-lambda-dev\n {8}inputs: .*kafkaVersion/);
        // SQS -> SNS destination: the queue and its failure records go.
        assert.match(
            text,
            /- delete aws:sqs\/queue:Queue {2}\S+ {2}\[STATEFUL\]\n {8}failure destination \(SQS queue\) deleted: failure records still in the queue are deleted with it/,
        );
        assert.match(text, /\+ create aws:sns\/topic:Topic/);
        assert.match(text, /stateful resource\(s\) would be replaced or deleted \(exit 4\)/);
    });

    it("adds an AZ to a shipped stack's network without replacing its cluster (cluster.azCount is pinned): exit 0", () => {
        const run = runs.get("dev third AZ")!;
        assert.strictEqual(run.code, 0, run.stderr);
        const changes = JSON.parse(run.stdout).diff.changes;
        assert.ok(!changes.some((c: any) => c.type === "aws:msk/cluster:Cluster" && c.op === "replace"), "the cluster is replaced");
        assert.ok(
            changes.some((c: any) => c.type === "aws:ec2/subnet:Subnet" && c.op === "create"),
            "no subnet added",
        );
    });

    it("names the key to pin when the cluster's client subnets change: msk-lambda:cluster.azCount and its current value", () => {
        const run = runs.get("dev cluster AZs")!;
        assert.strictEqual(run.code, 4, run.stderr);
        const cluster = JSON.parse(run.stdout).diff.changes.find((c: any) => c.type === "aws:msk/cluster:Cluster");
        assert.strictEqual(cluster.op, "replace");
        assert.ok(
            cluster.notes.some((n: string) => /pin msk-lambda:cluster\.azCount to 2 in the stack file/.test(n)),
            JSON.stringify(cluster.notes),
        );
    });

    it("flags a topic whose partitions would shrink (Kafka cannot remove partitions) and exits 4", () => {
        const run = runs.get("prod fewer partitions")!;
        assert.strictEqual(run.code, 4, run.stderr);
        assert.match(run.stdout, /~ update aws:msk\/topic:Topic {2}\S*orders\S* {2}\[FAILS ON APPLY\]/);
        assert.match(run.stdout, /fails: .*partitions 24 → 12: Kafka cannot remove partitions: the update would fail; keep 24 or more partitions/);
    });

    it("follows a VPC replacement to the subnets and the cluster, adds the diff to --json, and honours --allow-replace by name and URN", () => {
        const run = runs.get("prod network")!;
        assert.strictEqual(run.code, 4, run.stderr);
        const doc = JSON.parse(run.stdout);
        const byName = new Map<string, any>(doc.diff.changes.map((c: any) => [c.name, c]));
        assert.deepStrictEqual(byName.get("network-vpc").replaceBecause, ["cidrBlock changed (create-only)"]);
        assert.strictEqual(byName.get("network-private-0").op, "replace");
        const cluster = byName.get("msk-lambda-prod");
        assert.strictEqual(cluster.op, "replace");
        assert.match(
            cluster.replaceBecause.join("\n"),
            /brokerNodeGroupInfo refers to .*aws:ec2\/subnet:Subnet network-private-0.*which is replaced \(create-only: .*brokerNodeGroupInfo\.clientSubnets/,
        );
        assert.match(cluster.danger, /MSK cluster replaced: every topic and record on the brokers is deleted/);
        // The cluster and the orders mapping are allowed (by name, by URN); the payments mapping is not, and the
        // topics, which live on the cluster, are replaced with it.
        const payments = prodBase.resources.find((r: any) => r.type === MAPPING && r.name === "consumer-payments-mapping").urn;
        const topics = prodBase.resources.filter((r: any) => r.type === "aws:msk/topic:Topic").map((r: any) => r.urn);
        assert.strictEqual(topics.length, 2);
        assert.deepStrictEqual([...doc.diff.blocked].sort(), [payments, ...topics].sort());
        assert.deepStrictEqual(doc.diff.unusedAllowances, []);
        assert.ok(doc.diff.counts.replace >= 20, JSON.stringify(doc.diff.counts));
        // The document keeps its contract: the base members are unchanged, diff is added.
        assert.deepStrictEqual(Object.keys(doc).sort(), ["diff", "outputs", "policy", "preview", "project", "resources", "stack"]);
    });

    it("replaces mappings whose consumer group or starting position changes; a kept group resumes, a new one re-reads (TRIM_HORIZON)", () => {
        const run = runs.get("prod group and position")!;
        assert.strictEqual(run.code, 0, run.stderr);
        const text = run.stdout;
        assert.match(
            text,
            /\+- replace \S+ {2}consumer-payments-mapping {2}\[STATEFUL, allowed\]\n {8}because amazonManagedKafkaEventSourceConfig\.consumerGroupId changed \(create-only\)/,
        );
        assert.match(
            text,
            /the consumer group changes \(msk-lambda-prod-payments -> payments-v2\): .*TRIM_HORIZON: it re-reads the topic from its oldest retained record/,
        );
        assert.match(
            text,
            /\+- replace \S+ {2}consumer-orders-mapping\n {8}because startingPosition changed \(create-only\)\n {8}because startingPositionTimestamp changed \(create-only\)/,
        );
        assert.match(text, /note: consumer group msk-lambda-prod-orders is kept: the new mapping resumes from the group's committed offsets/);
        assert.doesNotMatch(text, /exit 4/);
    });

    it("refuses a base plan of another stack, a missing one, one planned with --preview against one without, and --allow-replace without --against (exit 2, no stack trace)", () => {
        const expect: [string, RegExp][] = [
            ["other stack", /--against \S+prod\.json is the plan of stack prod, not dev: URNs would not match/],
            ["missing base", /--against \S+missing\.json: cannot read it \(ENOENT\)/],
            ["preview mismatch", /was planned without --preview and this plan with it: compare plans made the same way/],
            ["allow without against", /--allow-replace needs --against BASE\.json/],
        ];
        for (const [k, message] of expect) {
            const run = runs.get(k)!;
            assert.strictEqual(run.code, 2, `${k}: ${run.stderr}`);
            assert.match(run.stderr, message);
            assert.doesNotMatch(run.stderr, /\n\s+at /);
        }
    });
});
