/**
 * A first `pulumi up` waits for the MSK cluster (~25-30 minutes) only where it must: the cluster waits only for what
 * it needs, and only what needs the cluster waits for it. Checked on the plan's real dependency graph.
 */
import * as assert from "assert";
import { deployModel, prerequisitesOf, waitersOn } from "../plan/deploy-model";
import type { Run } from "./helpers/sim";
import { runStack } from "./helpers/stack";

const CLUSTER = "aws:msk/cluster:Cluster";

/** What watches a mapping by its UUID (the metrics' dimension): the failure-records alarm and the dashboard. */
const WATCHES_MAPPING = (r: { type: string; name: string }) =>
    (r.type === "aws:cloudwatch/metricAlarm:MetricAlarm" && r.name.endsWith("-failure-records")) || r.type === "aws:cloudwatch/dashboard:Dashboard";

/**
 * What may wait for the cluster: things that name it (the mapping, the kafka policy, the SCRAM association), and what
 * watches the mapping.
 */
const MAY_WAIT_FOR_CLUSTER = (r: { type: string; name: string }) =>
    r.type === "aws:lambda/eventSourceMapping:EventSourceMapping" ||
    (r.type === "aws:iam/rolePolicy:RolePolicy" && r.name.endsWith("-kafka")) ||
    r.type === "aws:msk/singleScramSecretAssociation:SingleScramSecretAssociation" ||
    // Topics are created through the MSK API on the running cluster (their component names the cluster in dependsOn).
    r.type === "aws:msk/topic:Topic" ||
    r.type === "msk-lambda:index:KafkaTopics" ||
    WATCHES_MAPPING(r);

/** What the cluster may wait for: its network, key, log group and configuration. */
const CLUSTER_NEEDS = new Set([
    "aws:ec2/vpc:Vpc",
    "aws:ec2/subnet:Subnet",
    "aws:ec2/securityGroup:SecurityGroup",
    "aws:kms/key:Key",
    "aws:cloudwatch/logGroup:LogGroup",
    "aws:msk/configuration:Configuration",
]);

describe("deploy-time model", () => {
    const stacks: [string, Parameters<typeof runStack>[0]][] = [
        ["privatelink, IAM, SQS", { consumers: [{ name: "orders", topic: "orders", asyncDestinations: { onFailure: { type: "sqs" } } }] }],
        [
            "nat, SCRAM, S3 and SNS",
            {
                network: { mode: "nat" },
                cluster: { authentication: "scram" },
                consumers: [
                    { name: "orders", topic: "orders", onFailure: { type: "s3" } },
                    { name: "audit", topic: "audit", onFailure: { type: "sns" } },
                ],
            },
        ],
    ];
    for (const [name, input] of stacks) {
        describe(name, () => {
            let r: Run;
            before(async () => {
                r = await runStack(input);
            });

            it("lets only the mapping, the kafka policy and the SCRAM association wait for the cluster", () => {
                const cluster = r.one(CLUSTER);
                const waiting = waitersOn(r.resources, cluster.urn);
                assert.ok(waiting.some((w) => w.type === "aws:lambda/eventSourceMapping:EventSourceMapping"));
                assert.deepStrictEqual(
                    waiting.filter((w) => !MAY_WAIT_FOR_CLUSTER(w)).map((w) => `${w.type} ${w.name}`),
                    [],
                );
            });

            it("makes the cluster wait only for its network, key, log group and configuration", () => {
                const cluster = r.one(CLUSTER);
                const needs = prerequisitesOf(r.resources, cluster.urn).filter((x) => x.custom);
                assert.deepStrictEqual(
                    needs.filter((x) => !CLUSTER_NEEDS.has(x.type)).map((x) => `${x.type} ${x.name}`),
                    [],
                );
            });

            it("puts only the cluster's own chain and the mapping (then what watches it) on the critical path", () => {
                const model = deployModel(r.resources);
                const types = model.path.map((p) => p.type);
                assert.ok(types.includes(CLUSTER));
                // The path ends at the mapping, or at an alarm or dashboard that names the mapping's UUID right after it.
                const last = model.path[model.path.length - 1];
                if (WATCHES_MAPPING(last)) types.pop();
                assert.strictEqual(types[types.length - 1], "aws:lambda/eventSourceMapping:EventSourceMapping");
                const before = types.slice(0, types.indexOf(CLUSTER));
                assert.ok(
                    before.every((t) => CLUSTER_NEEDS.has(t)),
                    before.join(", "),
                );
                // ~27.5 minutes of cluster, plus its short prerequisites, the kafka policy/association and the mapping.
                assert.ok(model.totalSeconds > 1650 && model.totalSeconds < 1650 + 300, String(model.totalSeconds));
            });
        });
    }
});
