import * as assert from "assert";
import { ConfigError, parseStackConfig, type StackConfig } from "../lib/config";
import { kafkaAtLeast, partitionsPerBroker, topicChangeProblems } from "../lib/topics";
import { pack } from "./helpers/pack";
import { runPlan } from "./helpers/plan";
import { runStack } from "./helpers/stack";

const EXISTING_CLUSTER = "arn:aws:kafka:us-east-1:111122223333:cluster/shared/fc2f5bdf-fd1b-45ad-85dd-15b4a5a6247e-2";
const EXISTING_NETWORK = {
    mode: "existing",
    vpcId: "vpc-0123456789abcdef0",
    privateSubnetIds: ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"],
};

function parse(extra: Record<string, unknown>): StackConfig {
    const raw: Record<string, string> = { "aws:region": "us-east-1", "msk-lambda:environment": "dev" };
    for (const [k, v] of Object.entries(extra)) raw[k] = typeof v === "string" ? v : JSON.stringify(v);
    return parseStackConfig(raw, { project: "msk-lambda", stack: "dev" });
}

function issuesOf(extra: Record<string, unknown>) {
    try {
        parse(extra);
    } catch (e) {
        assert.ok(e instanceof ConfigError, `expected ConfigError, got ${e}`);
        return (e as ConfigError).issues;
    }
    assert.fail("expected the config to be refused");
}

const consumers = (...topics: string[]) => topics.map((topic, i) => ({ name: `c${i}`, topic }));

describe("topics (msk-lambda:topics)", () => {
    describe("config", () => {
        it("creates each consumer's topic with defaults: 6 partitions, replication 3 (or the broker count), min.insync.replicas one less", () => {
            const three = parse({ "msk-lambda:consumers": consumers("orders") });
            assert.deepStrictEqual(three.topics, [
                { name: "orders", existing: false, partitions: 6, replicationFactor: 3, configs: { "min.insync.replicas": "2" }, consumers: ["c0"] },
            ]);
            // 2 AZs × 1 broker: replication 2, min.insync.replicas 1.
            const two = parse({ "msk-lambda:network": { azCount: 2 }, "msk-lambda:consumers": consumers("orders") });
            assert.strictEqual(two.cluster.brokerCount, 2);
            assert.deepStrictEqual([two.topics[0].replicationFactor, two.topics[0].configs], [2, { "min.insync.replicas": "1" }]);
        });

        it("reads one topic for several consumers (one topic, their own groups) and creates listed topics no consumer reads", () => {
            const c = parse({
                "msk-lambda:consumers": [
                    { name: "a", topic: "orders" },
                    { name: "b", topic: "orders" },
                ],
                "msk-lambda:topics": { audit: { partitions: 1 } },
            });
            assert.deepStrictEqual(
                c.topics.map((t) => [t.name, t.partitions, t.consumers]),
                [
                    ["audit", 1, []],
                    ["orders", 6, ["a", "b"]],
                ],
            );
            assert.notStrictEqual(c.consumers[0].consumerGroupId, c.consumers[1].consumerGroupId);
        });

        it("takes partitions, replication factor and Kafka topic configs, as strings MSK accepts", () => {
            const c = parse({
                "msk-lambda:consumers": consumers("orders"),
                "msk-lambda:topics": {
                    orders: {
                        partitions: 24,
                        replicationFactor: 3,
                        configs: {
                            "retention.ms": 604800000,
                            "cleanup.policy": "compact,delete",
                            "min.insync.replicas": "1",
                            "unclean.leader.election.enable": false,
                        },
                    },
                },
            });
            assert.deepStrictEqual(c.topics[0].configs, {
                "retention.ms": "604800000",
                "cleanup.policy": "compact,delete",
                "min.insync.replicas": "1",
                "unclean.leader.election.enable": "false",
            });
            assert.strictEqual(c.topics[0].partitions, 24);
        });

        const bad: [string, Record<string, unknown>, string, RegExp][] = [
            ["no partitions", { orders: { partitions: 0 } }, "msk-lambda:topics.orders.partitions", /0 is out of range: must be an integer from 1 to 10000/],
            [
                "a replication factor above the broker count",
                { orders: { replicationFactor: 4 } },
                "msk-lambda:topics.orders.replicationFactor",
                /4 is more than the cluster's 3 brokers .*use 1 to 3/,
            ],
            [
                "min.insync.replicas at the replication factor",
                { orders: { replicationFactor: 2, configs: { "min.insync.replicas": 2 } } },
                "msk-lambda:topics.orders.configs.min.insync.replicas",
                /2 must be below the replication factor 2: .*acks=all fail as soon as one broker is down/,
            ],
            [
                "an unknown topic config",
                { orders: { configs: { "retention.hours": 1 } } },
                "msk-lambda:topics.orders.configs.retention.hours",
                /is not a Kafka topic config: allowed cleanup\.policy/,
            ],
            [
                "a prototype name as topic config",
                { orders: { configs: { constructor: 1 } } },
                "msk-lambda:topics.orders.configs.constructor",
                /is not a Kafka topic config/,
            ],
            [
                "a bad retention",
                { orders: { configs: { "retention.ms": "a week" } } },
                "msk-lambda:topics.orders.configs.retention.ms",
                /must be an integer >= -1, got "a week"/,
            ],
            [
                "a bad cleanup policy",
                { orders: { configs: { "cleanup.policy": "forever" } } },
                "msk-lambda:topics.orders.configs.cleanup.policy",
                /must be one of delete, compact/,
            ],
            ["a bad topic name", { "bad name": {} }, "msk-lambda:topics.bad name", /is not a Kafka topic name: 1-249 characters/],
            ["the topic '..'", { "..": {} }, "msk-lambda:topics...", /is not a Kafka topic name/],
            ["a name colliding by '.' and '_'", { "a.b": {}, a_b: {} }, "msk-lambda:topics.a_b", /collides with topic "a\.b"/],
            [
                "an unknown key",
                { orders: { partition: 3 } },
                "msk-lambda:topics.orders.partition",
                /is not a known key: allowed keys are partitions, replicationFactor, configs, existing/,
            ],
            [
                "settings on an existing topic",
                { orders: { existing: true, partitions: 3 } },
                "msk-lambda:topics.orders.partitions",
                /has no effect on an existing topic \(existing: true\): remove it/,
            ],
            ["a list instead of a map", [] as unknown as Record<string, unknown>, "msk-lambda:topics", /must be a map of topic name to/],
        ];
        for (const [what, topics, key, message] of bad) {
            it(`refuses ${what}, naming ${key}`, () => {
                const issues = issuesOf({ "msk-lambda:consumers": consumers("orders"), "msk-lambda:topics": topics });
                const hit = issues.find((i) => i.key === key);
                assert.ok(hit, `no issue for ${key}; got ${JSON.stringify(issues)}`);
                assert.match(hit!.message, message);
            });
        }

        it("refuses to create topics on a cluster older than Kafka 3.6 (the MSK topic API's requirement)", () => {
            const issues = issuesOf({ "msk-lambda:cluster": { kafkaVersion: "3.5.1" }, "msk-lambda:consumers": consumers("orders") });
            assert.deepStrictEqual(
                issues.map((i) => i.key),
                ["msk-lambda:topics.orders"],
            );
            assert.match(issues[0].message, /needs Apache Kafka 3\.6\.0 or later and msk-lambda:cluster\.kafkaVersion is 3\.5\.1; .*set existing: true/);
            assert.doesNotThrow(() =>
                parse({
                    "msk-lambda:cluster": { kafkaVersion: "3.5.1" },
                    "msk-lambda:consumers": consumers("orders"),
                    "msk-lambda:topics": { orders: { existing: true } },
                }),
            );
            assert.deepStrictEqual(
                ["3.6.0", "3.7.x.kraft", "4.0.x", "3.5.1", "2.8.2.tiered"].map((v) => kafkaAtLeast(v, [3, 6])),
                [true, true, true, false, false],
            );
        });

        it("treats an existing cluster's topics as existing, and needs a replication factor to create one there", () => {
            const cfg = {
                "msk-lambda:network": EXISTING_NETWORK,
                "msk-lambda:cluster": { existingClusterArn: EXISTING_CLUSTER },
                "msk-lambda:consumers": consumers("orders"),
            };
            assert.deepStrictEqual(parse(cfg).topics, [{ name: "orders", existing: true, configs: {}, consumers: ["c0"] }]);
            const issues = issuesOf({ ...cfg, "msk-lambda:topics": { orders: { existing: false } } });
            assert.strictEqual(issues[0].key, "msk-lambda:topics.orders.replicationFactor");
            assert.match(issues[0].message, /required to create a topic on an existing cluster/);
            const created = parse({ ...cfg, "msk-lambda:topics": { orders: { existing: false, replicationFactor: 3 } } }).topics[0];
            assert.deepStrictEqual([created.existing, created.partitions, created.replicationFactor], [false, 6, 3]);
        });

        it("allows replication factor 1 with a note, where min.insync.replicas can only be 1", () => {
            const c = parse({ "msk-lambda:consumers": consumers("scratch"), "msk-lambda:topics": { scratch: { replicationFactor: 1 } } });
            assert.deepStrictEqual(c.topics[0].configs, { "min.insync.replicas": "1" });
            assert.deepStrictEqual(
                c.notes.map((n) => n.key),
                ["msk-lambda:topics.scratch.replicationFactor"],
            );
            const issues = issuesOf({
                "msk-lambda:consumers": consumers("scratch"),
                "msk-lambda:topics": { scratch: { replicationFactor: 1, configs: { "min.insync.replicas": 2 } } },
            });
            assert.deepStrictEqual(
                issues.map((i) => [i.key, i.message]),
                [["msk-lambda:topics.scratch.configs.min.insync.replicas", "2 cannot be met with replication factor 1: it can only be 1"]],
            );
        });

        it("notes (does not refuse) provisioned maximum pollers beyond the topic's partitions: Lambda caps pollers at the partition count", () => {
            const c = parse({
                "msk-lambda:consumers": [
                    { name: "a", topic: "orders", provisionedPollers: { minimum: 1, maximum: 20 } },
                    { name: "b", topic: "payments", provisionedPollers: { maximum: 12 } },
                ],
                "msk-lambda:topics": { payments: { partitions: 12 } },
            });
            assert.deepStrictEqual(
                c.notes.map((n) => n.key),
                ["msk-lambda:consumers[0].provisionedPollers.maximum"],
            );
            assert.match(c.notes[0].message, /is 20, but topic "orders" has 6 partitions: .*at most 6 pollers ever run/);
        });

        it("notes partition replicas per broker above MSK's guidance for the broker size", () => {
            const small = parse({
                "msk-lambda:network": { azCount: 2 },
                "msk-lambda:cluster": { brokerInstanceType: "kafka.t3.small" },
                "msk-lambda:consumers": consumers("orders"),
                "msk-lambda:topics": { orders: { partitions: 301 } },
            });
            assert.deepStrictEqual(
                small.notes.map((n) => [n.key, n.message]),
                [
                    [
                        "msk-lambda:topics",
                        "the created topics put 301 partition replicas on each of the 2 brokers: MSK recommends at most 300 for kafka.t3.small, and above 300 it refuses update operations on the cluster (Best practices for Standard brokers); use fewer partitions or larger brokers",
                    ],
                ],
            );
            const fits = parse({
                "msk-lambda:cluster": { brokerInstanceType: "kafka.m7g.large" },
                "msk-lambda:consumers": consumers("orders"),
                "msk-lambda:topics": { orders: { partitions: 1000 } },
            });
            assert.deepStrictEqual(fits.notes, []);
            assert.deepStrictEqual(
                ["kafka.t3.small", "kafka.m5.xlarge", "kafka.m7g.2xlarge", "kafka.m5.24xlarge", "express.m7g.large"].map(partitionsPerBroker),
                [
                    { recommended: 300, updatesUpTo: 300 },
                    { recommended: 1000, updatesUpTo: 1500 },
                    { recommended: 2000, updatesUpTo: 3000 },
                    { recommended: 4000, updatesUpTo: 6000 },
                    undefined,
                ],
            );
        });

        it("tells a partition decrease and a replication change apart from safe changes", () => {
            assert.deepStrictEqual(topicChangeProblems("t", { partitionCount: 6, replicationFactor: 3 }, { partitionCount: 12, replicationFactor: 3 }), []);
            const problems = topicChangeProblems("t", { partitionCount: 6, replicationFactor: 3 }, { partitionCount: 3, replicationFactor: 2 });
            assert.match(problems[0], /partitions 6 → 3: Kafka cannot remove partitions/);
            assert.match(problems[1], /replication factor 3 → 2 replaces the topic, deleting its records/);
        });
    });

    describe("in the stack", () => {
        it("creates one aws.msk.Topic per topic on the created cluster, and each mapping waits for its topic", async () => {
            const r = await runStack({
                consumers: [
                    { name: "a", topic: "orders" },
                    { name: "b", topic: "orders" },
                    { name: "c", topic: "payments" },
                ],
            });
            const topics = r.ofType("aws:msk/topic:Topic");
            assert.deepStrictEqual(topics.map((t) => t.inputs.name).sort(), ["orders", "payments"]);
            const cluster = r.one("aws:msk/cluster:Cluster");
            const orders = topics.find((t) => t.inputs.name === "orders")!;
            assert.deepStrictEqual(orders.propertyDependencies.clusterArn, [cluster.urn]);
            assert.strictEqual(orders.inputs.partitionCount, 6);
            assert.strictEqual(orders.inputs.replicationFactor, 3);
            assert.deepStrictEqual(JSON.parse(orders.inputs.configs), { "min.insync.replicas": "2" });
            for (const [consumer, topic] of [
                ["a", "orders"],
                ["b", "orders"],
                ["c", "payments"],
            ]) {
                const mapping = r.one("aws:lambda/eventSourceMapping:EventSourceMapping", `consumer-${consumer}-mapping`);
                assert.deepStrictEqual(mapping.inputs.topics, [topic]);
                assert.ok(mapping.dependencies.includes(topics.find((t) => t.inputs.name === topic)!.urn), `${consumer}'s mapping does not wait for ${topic}`);
            }
            const groups = r
                .ofType("aws:lambda/eventSourceMapping:EventSourceMapping")
                .map((m) => m.inputs.amazonManagedKafkaEventSourceConfig.consumerGroupId);
            assert.strictEqual(new Set(groups).size, 3);
        });

        it("creates no topic for existing topics (the default on an existing cluster)", async () => {
            const r = await runStack({
                network: EXISTING_NETWORK,
                cluster: { existingClusterArn: EXISTING_CLUSTER },
                consumers: [{ name: "a", topic: "orders" }],
            });
            assert.strictEqual(r.ofType("aws:msk/topic:Topic").length, 0);
            assert.strictEqual(r.ofType("aws:lambda/eventSourceMapping:EventSourceMapping").length, 1);
        });

        it("npm run plan shows prod's topics, and warns (exit 0) when provisioned pollers exceed a topic's partitions", async () => {
            const plan = await runPlan(["--stack", "prod", "--json", "--config", "msk-lambda:topics={}"], (await pack()).port);
            assert.strictEqual(plan.code, 0, plan.stderr);
            assert.match(
                plan.stderr,
                /warning: .*msk-lambda:consumers\[0\]\.provisionedPollers\.maximum: is 20, but topic "orders" has 6 partitions: Lambda runs at most one poller per partition/,
            );
            const doc = JSON.parse(plan.stdout);
            const topics = doc.resources.filter((r: any) => r.type === "aws:msk/topic:Topic");
            assert.deepStrictEqual(
                topics
                    .map((t: any) => [t.inputs.name, t.inputs.partitionCount, t.inputs.replicationFactor, t.options.protect, t.options.retainOnDelete])
                    .sort(),
                [
                    ["orders", 6, 3, true, true],
                    ["payments", 6, 3, true, true],
                ],
            );
            assert.deepStrictEqual(
                doc.policy.violations.filter((v: any) => v.enforcementLevel === "mandatory"),
                [],
            );
        });

        it("protects and retains topics in prod (they hold records), and not in dev", async () => {
            const consumer = [{ name: "a", topic: "orders" }];
            const prod = (await runStack({ environment: "prod", consumers: consumer })).one("aws:msk/topic:Topic");
            assert.deepStrictEqual([prod.options.protect, prod.options.retainOnDelete], [true, true]);
            const dev = (await runStack({ consumers: consumer })).one("aws:msk/topic:Topic");
            assert.deepStrictEqual([dev.options.protect, dev.options.retainOnDelete], [false, false]);
        });
    });
});
