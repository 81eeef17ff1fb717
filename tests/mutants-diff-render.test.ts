/**
 * Surviving mutants of plan/diff.ts (bench/mutation/plan-diff.md) before `diffPlans` and in `renderDiff`: what a change
 * replaces and why, what a stateful replacement or deletion loses, and the text `npm run plan -- --against` prints. The
 * text is what the user reads, so each case asserts the rendered lines whole, built from a small base and head plan
 * and through `diffPlans` and `renderDiff` directly (no process). One change, or one fact, per case.
 */
import * as assert from "assert";
import { diffPlans, renderDiff } from "../plan/diff";
import type { PlanDiff, PlanDocument } from "../plan/document";
import { type DocResource, planDoc, planUrn } from "./helpers/plan-doc";

const MAPPING = "aws:lambda/eventSourceMapping:EventSourceMapping";
const CLUSTER = "aws:msk/cluster:Cluster";
const SERVERLESS = "aws:msk/serverlessCluster:ServerlessCluster";
const CONNECTION = "aws:msk/vpcConnection:VpcConnection";
const TOPIC = "aws:msk/topic:Topic";
const QUEUE = "aws:sqs/queue:Queue";
const SECRET = "aws:secretsmanager/secret:Secret";
const VPC = "aws:ec2/vpc:Vpc";
const SUBNET = "aws:ec2/subnet:Subnet";
const FUNCTION = "aws:lambda/function:Function";
const UNKNOWN = "aws:foo/bar:Bar";

type Options = PlanDocument["resources"][number]["options"];

interface Run {
    allow?: string[];
    /** Options to set on a base or head resource, by name. */
    baseOptions?: Record<string, Partial<Options>>;
    headOptions?: Record<string, Partial<Options>>;
}

function plan(resources: DocResource[], stack: string, options: Record<string, Partial<Options>> = {}): PlanDocument {
    const d = planDoc(resources);
    d.stack = stack;
    for (const r of d.resources) Object.assign(r.options, options[r.name] ?? {});
    return d;
}

/** The diff from the base plan (stack `base`) to the head plan. */
function diff(base: DocResource[], head: DocResource[], run: Run = {}): PlanDiff {
    return diffPlans(plan(base, "base", run.baseOptions), plan(head, "test", run.headOptions), run.allow);
}

/** The lines `--against` prints for it, the head plan's stack being `head`. */
function lines(base: DocResource[], head: DocResource[], run: Run = {}): string[] {
    return renderDiff(diff(base, head, run), "head");
}

const header = (replace: number, del: number, update: number, create: number) =>
    `Changes from the base plan (base) to this plan (head): ${replace} to replace, ${del} to delete, ${update} to update, ${create} to create`;
const FAILS = (n: number) => ["", `${n} change(s) would fail on apply (exit 4): change the program or the config as each says; --allow-replace does not apply`];
const STATEFUL = (...blocked: [string, string][]) => [
    "",
    `${blocked.length} stateful resource(s) would be replaced or deleted (exit 4). If this is intended, name each with --allow-replace URN|name:`,
    ...blocked.map(([type, name]) => `    --allow-replace ${JSON.stringify(planUrn(type, name))}`),
];
const LATEST = "LATEST: records after the old group's last commit and before LATEST are skipped, with no failure record";
const KEPT = (group: string) =>
    `consumer group ${group} is kept: the new mapping resumes from the group's committed offsets (Lambda ignores startingPosition for an existing group), after a pause while it is deleted and created`;
const CONFLICT = (prop: string, name: string) =>
    `        fails: the replacement keeps its name (${prop} ${JSON.stringify(name)}): Pulumi creates the new resource before deleting the old one and AWS refuses a second resource with that name ("ConflictException: A resource with this name already exists" for MSK); make ${prop} change with the create-only inputs, or set deleteBeforeReplace`;
const CLUSTER_LOST =
    "MSK cluster replaced: every topic and record on the brokers is deleted; the new cluster starts empty with new bootstrap brokers, and every mapping on it is replaced";
const QUEUE_LOST = (op: string) => `        failure destination (SQS queue) ${op}: failure records still in the queue are deleted with it`;
const TAKEN = (prop: string, name: string, owner: string, gone: string, space = "") =>
    `        fails: ${prop} ${JSON.stringify(name)} is the name of ${owner}${space}, which this update ${gone}: Pulumi creates new resources before it deletes old ones, so AWS refuses a second resource with that name; give the new resource another ${prop}, or delete the old one in an update of its own first`;
const TAKEN_NOTE = (prop: string, name: string, by: string) =>
    `        note: its ${prop} ${JSON.stringify(name)} is taken by ${by}, which this update creates first (that create fails on apply)`;

describe("regressions the suite once missed (issue 21): plan/diff.ts, what --against prints", () => {
    describe("a Kafka event source mapping replaced or deleted: its consumer group's position", () => {
        const group = (g: string) => ({ amazonManagedKafkaEventSourceConfig: { consumerGroupId: g } });
        const mapping = (inputs: Record<string, unknown>): DocResource => ({
            type: MAPPING,
            name: "m",
            inputs: { functionName: "f", eventSourceArn: "arn:c1", topics: ["orders"], ...inputs },
        });
        const replaced = (flag: string, ...rest: string[]) => [header(1, 0, 0, 0), `    +- replace ${MAPPING}  m${flag}`, ...rest];

        it("deleted: nothing consumes its topic for its group, and Kafka drops the group's offsets", () => {
            assert.deepStrictEqual(lines([mapping(group("g1"))], []), [
                header(0, 1, 0, 0),
                `    - delete ${MAPPING}  m  [STATEFUL]`,
                "        the mapping is deleted: nothing consumes topic orders for consumer group g1; records pile up until a consumer joins, and Kafka drops the group's offsets after offsets.retention.minutes",
                ...STATEFUL([MAPPING, "m"]),
            ]);
        });
        it("deleted, with no group and no topics in the plan: (generated), (none)", () => {
            assert.deepStrictEqual(lines([mapping({ topics: undefined })], []).slice(2, 3), [
                "        the mapping is deleted: nothing consumes topic (none) for consumer group (generated); records pile up until a consumer joins, and Kafka drops the group's offsets after offsets.retention.minutes",
            ]);
        });
        it("a new group starts at LATEST (the default): records since the old group's commit are skipped", () => {
            assert.deepStrictEqual(
                lines([mapping(group("g1"))], [mapping(group("g2"))]),
                replaced(
                    "  [STATEFUL]",
                    "        because amazonManagedKafkaEventSourceConfig.consumerGroupId changed (create-only)",
                    "        inputs: amazonManagedKafkaEventSourceConfig.consumerGroupId",
                    `        the consumer group changes (g1 -> g2): the new group has no committed offsets and starts at ${LATEST}`,
                    ...STATEFUL([MAPPING, "m"]),
                ),
            );
        });
        it("a self-managed group set where there was none, at TRIM_HORIZON: records are processed again", () => {
            const head = mapping({ selfManagedKafkaEventSourceConfig: { consumerGroupId: "g2" }, startingPosition: "TRIM_HORIZON" });
            assert.deepStrictEqual(
                lines([mapping({})], [head]),
                replaced(
                    "  [STATEFUL]",
                    "        because selfManagedKafkaEventSourceConfig changed (create-only: selfManagedKafkaEventSourceConfig.consumerGroupId)",
                    "        because startingPosition changed (create-only)",
                    "        inputs: selfManagedKafkaEventSourceConfig, startingPosition",
                    "        the consumer group changes ((generated) -> g2): the new group has no committed offsets and starts at TRIM_HORIZON: it re-reads the topic from its oldest retained record, so records the old group already processed are processed again",
                    ...STATEFUL([MAPPING, "m"]),
                ),
            );
        });
        it("a group dropped, at AT_TIMESTAMP: the timestamp it reads from", () => {
            const head = mapping({ startingPosition: "AT_TIMESTAMP", startingPositionTimestamp: "2026-01-01T00:00:00Z" });
            assert.deepStrictEqual(lines([mapping(group("g1"))], [head]).slice(6, 7), [
                "        the consumer group changes (g1 -> (generated)): the new group has no committed offsets and starts at AT_TIMESTAMP: it reads from 2026-01-01T00:00:00Z, skipping or re-reading records around the old group's last commit",
            ]);
        });
        it("AT_TIMESTAMP with no timestamp in the plan: the given time", () => {
            const head = mapping({ ...group("g2"), startingPosition: "AT_TIMESTAMP" });
            assert.deepStrictEqual(lines([mapping(group("g1"))], [head]).slice(5, 6), [
                "        the consumer group changes (g1 -> g2): the new group has no committed offsets and starts at AT_TIMESTAMP: it reads from the given time, skipping or re-reading records around the old group's last commit",
            ]);
        });
        it("the same group on another cluster has no offsets there", () => {
            assert.deepStrictEqual(
                lines([mapping(group("g1"))], [mapping({ ...group("g1"), eventSourceArn: "arn:c2" })]),
                replaced(
                    "  [STATEFUL]",
                    "        because eventSourceArn changed (create-only)",
                    "        inputs: eventSourceArn",
                    `        the mapping moves to another (or a new) cluster: consumer group g1 has no committed offsets there and starts at ${LATEST}`,
                    ...STATEFUL([MAPPING, "m"]),
                ),
            );
        });
        it("replaced with no consumerGroupId on either side: the group is named after the mapping's UUID, so it is new", () => {
            assert.deepStrictEqual(
                lines([mapping({})], [mapping({ startingPosition: "TRIM_HORIZON" })])
                    .slice(1, 2)
                    .concat(lines([mapping({})], [mapping({ startingPosition: "TRIM_HORIZON" })]).slice(4, 5)),
                [
                    `    +- replace ${MAPPING}  m  [STATEFUL]`,
                    "        the consumer group is generated from the mapping's UUID, which the new mapping does not keep: the new group has no committed offsets and starts at TRIM_HORIZON: it re-reads the topic from its oldest retained record, so records the old group already processed are processed again; set consumerGroupId to keep the group across replacements",
                ],
            );
        });
        it("another cluster with no group in the plan: (generated)", () => {
            assert.deepStrictEqual(lines([mapping({})], [mapping({ eventSourceArn: "arn:c2" })]).slice(4, 5), [
                `        the mapping moves to another (or a new) cluster: consumer group (generated) has no committed offsets there and starts at ${LATEST}`,
            ]);
        });
        it("the same group on another topic: the old topic's unread records are left behind", () => {
            assert.deepStrictEqual(
                lines([mapping(group("g1"))], [mapping({ ...group("g1"), topics: ["payments"] })]),
                replaced(
                    "  [STATEFUL]",
                    "        because topics changed (create-only)",
                    "        inputs: topics",
                    `        the topic changes (orders -> payments) under consumer group g1: the group has no offsets on the new topic and starts at ${LATEST}; the old topic's unread records are left behind`,
                    ...STATEFUL([MAPPING, "m"]),
                ),
            );
        });
        it("the same group, cluster and topic: a note that the group resumes, nothing blocked", () => {
            assert.deepStrictEqual(
                lines([mapping(group("g1"))], [mapping({ ...group("g1"), startingPosition: "TRIM_HORIZON" })]),
                replaced("", "        because startingPosition changed (create-only)", "        inputs: startingPosition", `        note: ${KEPT("g1")}`),
            );
        });
        it("several topics are listed with commas", () => {
            const out = lines([mapping({ ...group("g1"), topics: ["a", "b"] })], [mapping({ ...group("g1"), topics: ["a", "c"] })]);
            assert.deepStrictEqual(out.slice(4, 5), [
                `        the topic changes (a,b -> a,c) under consumer group g1: the group has no offsets on the new topic and starts at ${LATEST}; the old topic's unread records are left behind`,
            ]);
        });
        it("an event source ARN that comes from a component's output: another cluster", () => {
            const via = (arn: string): DocResource => ({
                ...mapping({ ...group("g1"), eventSourceArn: arn }),
                deps: { eventSourceArn: ["msk-lambda:index:KafkaCluster|kafka"] },
            });
            assert.deepStrictEqual(lines([via("arn:c1")], [via("arn:c2")]).slice(1, 5), [
                `    +- replace ${MAPPING}  m  [STATEFUL]`,
                "        because eventSourceArn changed (create-only)",
                "        inputs: eventSourceArn",
                `        the mapping moves to another (or a new) cluster: consumer group g1 has no committed offsets there and starts at ${LATEST}`,
            ]);
        });
    });

    describe("a mapping on an MSK VPC connection that is replaced (sameTargetCluster)", () => {
        const group = { amazonManagedKafkaEventSourceConfig: { consumerGroupId: "g1" } };
        const conn = (name: string, targetClusterArn: unknown, vpcId = "vpc-1"): DocResource => ({
            type: CONNECTION,
            name,
            inputs: { targetClusterArn, vpcId, clientSubnets: ["s"], securityGroups: ["sg"], authentication: "SASL_IAM" },
        });
        const on = (c: string, arn: string): DocResource => ({
            type: MAPPING,
            name: "m",
            inputs: { functionName: "f", eventSourceArn: arn, topics: ["orders"], ...group },
            deps: { eventSourceArn: [`${CONNECTION}|${c}`] },
        });
        const because = [
            "        because eventSourceArn changed (create-only)",
            `        because eventSourceArn refers to ${CONNECTION} c, which is replaced (create-only: eventSourceArn)`,
            "        inputs: eventSourceArn",
        ];
        const SAME = (shown: string) =>
            `        note: the VPC connection it reads through is replaced, but its target cluster (targetClusterArn ${shown}) is the same: ${KEPT("g1")}`;

        it("the connection replaced in another VPC, to the same cluster: the group is kept, with the cluster's ARN", () => {
            assert.deepStrictEqual(lines([conn("c", "arn:k/1"), on("c", "arn:conn/1")], [conn("c", "arn:k/1", "vpc-2"), on("c", "arn:conn/2")]), [
                header(2, 0, 0, 0),
                `    +- replace ${MAPPING}  m`,
                ...because,
                SAME('"arn:k/1"'),
                `    +- replace ${CONNECTION}  c`,
                "        because vpcId changed (create-only)",
                "        inputs: vpcId",
            ]);
        });
        it("a secret target cluster ARN is shown as [secret], unquoted", () => {
            const out = lines([conn("c", "[secret]"), on("c", "arn:conn/1")], [conn("c", "[secret]", "vpc-2"), on("c", "arn:conn/2")]);
            assert.deepStrictEqual(out.slice(1, 6), [`    +- replace ${MAPPING}  m`, ...because, SAME("[secret]")]);
        });
        it("a target not known yet ([unknown]) may be another cluster: stateful, blocked", () => {
            const out = lines([conn("c", "[unknown]"), on("c", "arn:conn/1")], [conn("c", "[unknown]", "vpc-2"), on("c", "arn:conn/2")]);
            assert.deepStrictEqual(out.slice(1, 6), [
                `    +- replace ${MAPPING}  m  [STATEFUL]`,
                ...because,
                `        the mapping moves to another (or a new) cluster: consumer group g1 has no committed offsets there and starts at ${LATEST}`,
            ]);
        });
        it("another connection (a new resource) to the same cluster: the group is kept", () => {
            assert.deepStrictEqual(lines([conn("c", "arn:k/1"), on("c", "arn:conn/1")], [conn("d", "arn:k/1"), on("d", "arn:conn/2")]), [
                header(1, 1, 0, 1),
                `    +- replace ${MAPPING}  m`,
                "        because eventSourceArn changed (create-only)",
                "        inputs: eventSourceArn",
                SAME('"arn:k/1"'),
                `    - delete ${CONNECTION}  c`,
                `    + create ${CONNECTION}  d`,
            ]);
        });
        it("the connection kept, the starting position changed: the group is kept, with no word of a connection replaced", () => {
            const at = (startingPosition: string): DocResource => ({ ...on("c", "arn:conn/1"), inputs: { ...on("c", "arn:conn/1").inputs, startingPosition } });
            assert.deepStrictEqual(lines([conn("c", "arn:k/1"), at("LATEST")], [conn("c", "arn:k/1"), at("TRIM_HORIZON")]), [
                header(1, 0, 0, 0),
                `    +- replace ${MAPPING}  m`,
                "        because startingPosition changed (create-only)",
                "        inputs: startingPosition",
                `        note: ${KEPT("g1")}`,
            ]);
        });
        it("a mapping moved from the cluster's own ARN to a new connection: another cluster, as far as the plan tells", () => {
            const direct: DocResource = { ...on("c", "arn:k/1"), deps: { eventSourceArn: [`${CLUSTER}|k`] } };
            const cluster: DocResource = { type: CLUSTER, name: "k", inputs: { clusterName: "kafka" } };
            const out = lines([cluster, direct], [cluster, conn("c", "arn:k/1"), on("c", "arn:conn/1")]);
            assert.deepStrictEqual(out.slice(1, 5), [
                `    +- replace ${MAPPING}  m  [STATEFUL]`,
                "        because eventSourceArn changed (create-only)",
                "        inputs: eventSourceArn",
                `        the mapping moves to another (or a new) cluster: consumer group g1 has no committed offsets there and starts at ${LATEST}`,
            ]);
        });
        it("the connection replaced because its cluster is (the same ARN string in both plans): another cluster", () => {
            const cluster = (groups: string[]): DocResource => ({ type: CLUSTER, name: "k", inputs: { brokerNodeGroupInfo: { securityGroups: groups } } });
            const target: DocResource = { ...conn("c", "arn:k/1"), deps: { targetClusterArn: [`${CLUSTER}|k`] } };
            const out = lines([cluster(["sg-1"]), target, on("c", "arn:conn/1")], [cluster(["sg-2"]), target, on("c", "arn:conn/1")]);
            assert.deepStrictEqual(out.slice(1, 5), [
                `    +- replace ${MAPPING}  m  [STATEFUL]`,
                `        because eventSourceArn refers to ${CONNECTION} c, which is replaced (create-only: eventSourceArn)`,
                "        inputs: eventSourceArn",
                `        the mapping moves to another (or a new) cluster: consumer group g1 has no committed offsets there and starts at ${LATEST}`,
            ]);
        });
    });

    describe("each resource's own change (directChanges) and the header", () => {
        const cluster = (info: Record<string, unknown>, more: Record<string, unknown> = {}): DocResource => ({
            type: CLUSTER,
            name: "k",
            inputs: { clusterName: "kafka", brokerNodeGroupInfo: { instanceType: "kafka.m7g.large", ...info }, ...more },
        });

        it("identical plans: no changes", () => {
            const same = cluster({ clientSubnets: ["a", "b"] });
            assert.deepStrictEqual(lines([same], [same]), [header(0, 0, 0, 0), "    no changes"]);
        });
        it("a type with no create-only table: updated, with the warning; the provider's __defaults are not inputs", () => {
            const bar = (b: number, defaults: string[]): DocResource => ({ type: UNKNOWN, name: "x", inputs: { a: { b, __defaults: defaults } } });
            assert.deepStrictEqual(lines([bar(1, [])], [bar(2, ["x"])]), [
                header(0, 0, 1, 0),
                `    ~ update ${UNKNOWN}  x`,
                "        inputs: a.b",
                "        (no create-only table for this type: a changed input may replace it)",
            ]);
        });
        it("an input that was null: the input itself changed", () => {
            const bar = (a: unknown): DocResource => ({ type: UNKNOWN, name: "x", inputs: { a } });
            assert.deepStrictEqual(lines([bar(null)], [bar({ b: 1 })]).slice(2, 3), ["        inputs: a"]);
        });
        it("a change inside a create-only block: replaced, naming the block", () => {
            const source = (servers: string): DocResource => ({
                type: MAPPING,
                name: "m",
                inputs: { functionName: "f", topics: ["orders"], selfManagedEventSource: { endpoints: { KAFKA_BOOTSTRAP_SERVERS: servers } } },
            });
            assert.deepStrictEqual(lines([source("a:9092")], [source("b:9092")]).slice(1, 4), [
                `    +- replace ${MAPPING}  m  [STATEFUL]`,
                "        because selfManagedEventSource.endpoints.KAFKA_BOOTSTRAP_SERVERS changed (create-only: selfManagedEventSource)",
                "        inputs: selfManagedEventSource.endpoints.KAFKA_BOOTSTRAP_SERVERS",
            ]);
        });
        it("a name prefix that changes is its own create-only input, not the name's", () => {
            const s = (namePrefix: string): DocResource => ({ type: SECRET, name: "s", inputs: { namePrefix } });
            assert.deepStrictEqual(lines([s("a")], [s("b")]).slice(2, 3), ["        because namePrefix changed (create-only)"]);
        });
        it("a stateful resource updated in place (an SQS queue's visibility timeout): no consequence", () => {
            const q = (visibilityTimeoutSeconds: number): DocResource => ({ type: QUEUE, name: "q", inputs: { name: "dlq", visibilityTimeoutSeconds } });
            assert.deepStrictEqual(lines([q(30)], [q(60)]), [header(0, 0, 1, 0), `    ~ update ${QUEUE}  q`, "        inputs: visibilityTimeoutSeconds"]);
        });
        it("the cluster's client subnets change: replaced, and the key to pin with its current value", () => {
            assert.deepStrictEqual(lines([cluster({ clientSubnets: ["a", "b"] })], [cluster({ clientSubnets: ["a", "b", "c"] })]), [
                header(1, 0, 0, 0),
                `    +- replace ${CLUSTER}  k  [FAILS ON APPLY]  [STATEFUL]`,
                "        because brokerNodeGroupInfo.clientSubnets changed (create-only)",
                "        inputs: brokerNodeGroupInfo.clientSubnets",
                CONFLICT("clusterName", "kafka"),
                `        ${CLUSTER_LOST}`,
                "        note: the client subnets follow msk-lambda:cluster.azCount (default: the network's AZ count when it is 2, else 3): to keep this cluster, pin msk-lambda:cluster.azCount to 2 in the stack file",
                ...FAILS(1),
            ]);
        });
        it("the client subnets among other changes: the note too", () => {
            const out = lines(
                [cluster({ clientSubnets: ["a", "b"] }, { kafkaVersion: "3.6.0" })],
                [cluster({ clientSubnets: ["a", "b", "c"] }, { kafkaVersion: "3.7.x" })],
            );
            assert.deepStrictEqual(out.slice(3, 4), ["        inputs: brokerNodeGroupInfo.clientSubnets, kafkaVersion"]);
            assert.strictEqual(out.filter((l) => l.includes("pin msk-lambda:cluster.azCount to 2 in the stack file")).length, 1);
        });
        it("client subnets where the base had none: the key to pin, with no value", () => {
            assert.deepStrictEqual(lines([cluster({})], [cluster({ clientSubnets: ["a", "b", "c"] })]).slice(6, 7), [
                "        note: the client subnets follow msk-lambda:cluster.azCount (default: the network's AZ count when it is 2, else 3): to keep this cluster, pin msk-lambda:cluster.azCount in the stack file",
            ]);
        });
        it("a block that holds a create-only input appears: replaced, naming the create-only path inside it", () => {
            const out = lines([cluster({})], [cluster({}, { encryptionInfo: { encryptionInTransit: { inCluster: true } } })]);
            assert.deepStrictEqual(out.slice(1, 4), [
                `    +- replace ${CLUSTER}  k  [FAILS ON APPLY]  [STATEFUL]`,
                "        because encryptionInfo changed (create-only: encryptionInfo.encryptionAtRestKmsKeyArn)",
                "        inputs: encryptionInfo",
            ]);
        });
        it("a deleteBeforeReplace cluster replaced keeping its name: stateful only, not a conflict", () => {
            const out = lines([cluster({})], [cluster({ securityGroups: ["sg-2"] })], { headOptions: { k: { deleteBeforeReplace: true } } });
            assert.deepStrictEqual(out, [
                header(1, 0, 0, 0),
                `    +- replace ${CLUSTER}  k  [STATEFUL]`,
                "        because brokerNodeGroupInfo.securityGroups changed (create-only)",
                "        inputs: brokerNodeGroupInfo.securityGroups",
                `        ${CLUSTER_LOST}`,
                ...STATEFUL([CLUSTER, "k"]),
            ]);
        });
        it("a cluster created with multi-VPC connectivity fails on apply", () => {
            const on = cluster({ connectivityInfo: { vpcConnectivity: { clientAuthentication: { tls: true } } } });
            assert.deepStrictEqual(lines([], [on]), [
                header(0, 0, 0, 1),
                `    + create ${CLUSTER}  k  [FAILS ON APPLY]`,
                "        fails: the cluster is created with multi-VPC connectivity (brokerNodeGroupInfo.connectivityInfo.vpcConnectivity), which MSK refuses while it creates a cluster: deploy it without msk-lambda:cluster.crossAccountConsumers first, then add them (an in-place update)",
                ...FAILS(1),
            ]);
        });
        it("multi-VPC connectivity with SASL/IAM or SASL/SCRAM fails on create too; with every scheme off it does not", () => {
            const created = (clientAuthentication: unknown) =>
                lines([], [cluster({ connectivityInfo: { vpcConnectivity: { clientAuthentication } } })]).slice(1, 2);
            const fails = [`    + create ${CLUSTER}  k  [FAILS ON APPLY]`];
            assert.deepStrictEqual(created({ sasl: { iam: true } }), fails);
            assert.deepStrictEqual(created({ sasl: { scram: true } }), fails);
            assert.deepStrictEqual(created({ tls: false }), [`    + create ${CLUSTER}  k`]);
            assert.deepStrictEqual(created({ tls: false, sasl: { iam: false, scram: false } }), [`    + create ${CLUSTER}  k`]);
        });
        it("a cluster replaced first-deleted with multi-VPC connectivity on fails as a create does", () => {
            const on = (groups: string[]) =>
                cluster({ securityGroups: groups, connectivityInfo: { vpcConnectivity: { clientAuthentication: { tls: true } } } });
            const out = lines([on(["sg-1"])], [on(["sg-2"])], { headOptions: { k: { deleteBeforeReplace: true } } });
            assert.deepStrictEqual(out.slice(1, 2), [`    +- replace ${CLUSTER}  k  [FAILS ON APPLY]  [STATEFUL]`]);
            assert.match(out[4], /^ {8}fails: the cluster is created with multi-VPC connectivity/);
        });
    });

    describe("a replacement followed to its dependants (propagateReplacements)", () => {
        const vpc = (cidrBlock: string): DocResource => ({ type: VPC, name: "vpc", inputs: { cidrBlock } });
        const subnet = (name: string, cidrBlock: string): DocResource => ({
            type: SUBNET,
            name,
            inputs: { vpcId: "vpc-1", cidrBlock },
            deps: { vpcId: [`${VPC}|vpc`] },
        });
        const cluster: DocResource = {
            type: CLUSTER,
            name: "k",
            inputs: { brokerNodeGroupInfo: { clientSubnets: ["a", "b"] } },
            deps: { brokerNodeGroupInfo: [`${SUBNET}|a`, `${SUBNET}|b`] },
        };
        const fn = (name: string): DocResource => ({
            type: FUNCTION,
            name,
            inputs: { name, vpcConfig: { subnetIds: ["a"] } },
            deps: { vpcConfig: [`${SUBNET}|a`] },
        });
        const other: DocResource = { type: UNKNOWN, name: "u", inputs: { vpc: "vpc-1" }, deps: { vpc: [`${VPC}|vpc`] } };
        const stack = (cidr: string) => [vpc(cidr), subnet("a", "10.0.1.0/24"), subnet("b", "10.0.2.0/24"), cluster, fn("f"), other];

        it("a new VPC replaces its subnets and, through them, the cluster; inputs that refer to them are updated; a new function is only created", () => {
            assert.deepStrictEqual(lines(stack("10.0.0.0/16"), [...stack("10.1.0.0/16"), fn("g")]), [
                header(4, 0, 2, 1),
                `    +- replace ${CLUSTER}  k  [STATEFUL]`,
                `        because brokerNodeGroupInfo refers to ${SUBNET} b, ${SUBNET} a, which is replaced (create-only: brokerNodeGroupInfo.azDistribution, brokerNodeGroupInfo.clientSubnets, brokerNodeGroupInfo.securityGroups)`,
                "        inputs: brokerNodeGroupInfo",
                `        ${CLUSTER_LOST}`,
                `    +- replace ${SUBNET}  a`,
                `        because vpcId refers to ${VPC} vpc, which is replaced (create-only: vpcId)`,
                "        inputs: vpcId",
                `    +- replace ${SUBNET}  b`,
                `        because vpcId refers to ${VPC} vpc, which is replaced (create-only: vpcId)`,
                "        inputs: vpcId",
                `    +- replace ${VPC}  vpc`,
                "        because cidrBlock changed (create-only)",
                "        inputs: cidrBlock",
                `    ~ update ${UNKNOWN}  u`,
                "        inputs: vpc",
                "        (no create-only table for this type: a changed input may replace it)",
                `    ~ update ${FUNCTION}  f`,
                "        inputs: vpcConfig",
                `    + create ${FUNCTION}  g`,
                ...STATEFUL([CLUSTER, "k"]),
            ]);
        });
        it("the inputs updated because of a replacement carry no reason to replace (the --json diff)", () => {
            const d = diff(stack("10.0.0.0/16"), stack("10.1.0.0/16"));
            const updated = d.changes.filter((c) => c.op === "update").map((c) => [c.name, c.changed, c.replaceBecause]);
            assert.deepStrictEqual(updated, [
                ["u", ["vpc"], []],
                ["f", ["vpcConfig"], []],
            ]);
        });
        it("a new subnet in the replaced VPC is created, not replaced", () => {
            const out = lines([vpc("10.0.0.0/16")], [vpc("10.1.0.0/16"), subnet("c", "10.1.3.0/24")]);
            assert.deepStrictEqual(out.slice(0, 1).concat(out.slice(4)), [header(1, 0, 0, 1), `    + create ${SUBNET}  c`]);
        });
        it("a subnet updated in place (not replaced) replaces nothing that refers to it", () => {
            const tagged = (name: string): DocResource => ({
                ...subnet("a", "10.0.1.0/24"),
                inputs: { ...subnet("a", "10.0.1.0/24").inputs, tags: { Name: name } },
            });
            assert.deepStrictEqual(lines([vpc("10.0.0.0/16"), tagged("x"), cluster], [vpc("10.0.0.0/16"), tagged("y"), cluster]), [
                header(0, 0, 1, 0),
                `    ~ update ${SUBNET}  a`,
                "        inputs: tags.Name",
            ]);
        });
        it("a subnet replaced for its own change and for its VPC's: the cluster names it once", () => {
            const out = lines([vpc("10.0.0.0/16"), subnet("a", "10.0.1.0/24"), cluster], [vpc("10.1.0.0/16"), subnet("a", "10.1.1.0/24"), cluster]);
            assert.deepStrictEqual(out.slice(1, 3), [
                `    +- replace ${CLUSTER}  k  [STATEFUL]`,
                `        because brokerNodeGroupInfo refers to ${SUBNET} a, which is replaced (create-only: brokerNodeGroupInfo.azDistribution, brokerNodeGroupInfo.clientSubnets, brokerNodeGroupInfo.securityGroups)`,
            ]);
        });
    });

    describe("stateful resources: what is lost, retainOnDelete, protect", () => {
        const key = (keyUsage: string): DocResource => ({ type: "aws:kms/key:Key", name: "key", inputs: { keyUsage } });
        const table: DocResource = { type: "aws:dynamodb/table:Table", name: "tbl", inputs: { name: "t" }, retain: true };

        it("a protected key replaced and allowed by name; a retained table deleted: neither blocks", () => {
            const out = lines([table, key("ENCRYPT_DECRYPT")], [key("SIGN_VERIFY")], { allow: ["key"], baseOptions: { key: { protect: true } } });
            assert.deepStrictEqual(out, [
                header(1, 1, 0, 0),
                "    +- replace aws:kms/key:Key  key  [STATEFUL, allowed]",
                "        because keyUsage changed (create-only)",
                "        inputs: keyUsage",
                "        KMS key replaced: the old key is scheduled for deletion: after its waiting period, whatever it encrypted (retained records, secrets, the cluster's data at rest) can no longer be decrypted",
                "        note: protect is set: pulumi up refuses this until protection is lifted (pulumi state unprotect)",
                "    - delete aws:dynamodb/table:Table  tbl",
                "        note: retainOnDelete: the resource leaves the stack but is kept in AWS",
            ]);
        });
        it("a retained table replaced (not deleted) still loses its items", () => {
            const t = (hashKey: string): DocResource => ({ type: "aws:dynamodb/table:Table", name: "tbl", inputs: { name: "t", hashKey }, retain: true });
            assert.deepStrictEqual(lines([t("a")], [t("b")]).slice(1, 5), [
                "    +- replace aws:dynamodb/table:Table  tbl  [STATEFUL]",
                "        because hashKey changed (create-only)",
                "        inputs: hashKey",
                "        DynamoDB table replaced: the table and every item in it are deleted",
            ]);
        });
        it("a --allow-replace that names nothing stateful is a note; one by URN that does is used", () => {
            const out = lines([key("ENCRYPT_DECRYPT")], [key("SIGN_VERIFY")], { allow: [planUrn("aws:kms/key:Key", "key"), "nothing"] });
            assert.deepStrictEqual(out.slice(1, 2), ["    +- replace aws:kms/key:Key  key  [STATEFUL, allowed]"]);
            assert.deepStrictEqual(out.slice(5), ['note: --allow-replace "nothing" names no resource that would be replaced or deleted']);
        });
    });

    describe("a topic's partitions (topicShrinks)", () => {
        const topic = (partitionCount: number, replicationFactor?: number): DocResource => ({
            type: TOPIC,
            name: "t",
            inputs: { name: "orders", clusterArn: "arn:k", partitionCount, ...(replicationFactor ? { replicationFactor } : {}) },
        });
        const shrunk = [
            header(0, 0, 1, 0),
            `    ~ update ${TOPIC}  t  [FAILS ON APPLY]`,
            "        inputs: partitionCount",
            "        fails: topic t: partitions 6 → 3: Kafka cannot remove partitions: the update would fail; keep 6 or more partitions",
            ...FAILS(1),
        ];
        it("6 → 3 partitions: the update would fail, keep 6 or more", () => {
            assert.deepStrictEqual(lines([topic(6, 3)], [topic(3, 3)]), shrunk);
        });
        it("6 → 3 partitions named by --allow-replace: still blocked (an update that fails is not a loss to accept)", () => {
            assert.deepStrictEqual(diff([topic(6, 3)], [topic(3, 3)], { allow: ["t"] }).blocked, [planUrn(TOPIC, "t")]);
        });
        it("a topic replaced on another cluster with fewer partitions: what the replacement loses, not a shrink", () => {
            const t = (clusterArn: string, partitionCount: number): DocResource => ({
                type: TOPIC,
                name: "t",
                inputs: { name: "orders", clusterArn, partitionCount },
            });
            assert.deepStrictEqual(lines([t("arn:k1", 6)], [t("arn:k2", 3)]).slice(4, 5), [
                "        Kafka topic replaced: the topic and all its records are deleted; consumer groups' committed offsets no longer match the new topic's",
            ]);
        });
        it("6 → 3 partitions with no replication factor in the plan: the same, no replication change", () => {
            assert.deepStrictEqual(lines([topic(6)], [topic(3)]), shrunk);
        });
    });

    describe("a replacement that keeps its name (replacementFailure)", () => {
        const topic = (clusterArn: string, replicationFactor: number): DocResource => ({
            type: TOPIC,
            name: "t",
            inputs: { name: "orders", clusterArn, partitionCount: 3, replicationFactor },
        });
        it("a topic replaced in its cluster under the same name fails on apply", () => {
            assert.deepStrictEqual(lines([topic("arn:k1", 3)], [topic("arn:k1", 2)]), [
                header(1, 0, 0, 0),
                `    +- replace ${TOPIC}  t  [FAILS ON APPLY]  [STATEFUL]`,
                "        because replicationFactor changed (create-only)",
                "        inputs: replicationFactor",
                CONFLICT("name", "orders"),
                "        Kafka topic replaced: the topic and all its records are deleted; consumer groups' committed offsets no longer match the new topic's",
                ...FAILS(1),
            ]);
        });
        it("the same name on another cluster (its scope) does not collide", () => {
            assert.deepStrictEqual(lines([topic("arn:k1", 3)], [topic("arn:k2", 2)]).slice(1, 2), [`    +- replace ${TOPIC}  t  [STATEFUL]`]);
        });
        it("a name over 120 characters is cut to 117 and ...", () => {
            const long = "x".repeat(130);
            const c = (info: Record<string, unknown>): DocResource => ({ type: CLUSTER, name: "k", inputs: { clusterName: long, ...info } });
            const out = lines([c({})], [c({ brokerNodeGroupInfo: { securityGroups: ["x"] } })]);
            assert.deepStrictEqual(out.slice(4, 5), [CONFLICT("clusterName", `${"x".repeat(117)}...`)]);
        });
        it("a queue replaced first-deleted keeping its name: no failure (the provider retries the create through SQS's 60 seconds)", () => {
            const q = (fifoQueue: boolean): DocResource => ({ type: QUEUE, name: "q", inputs: { name: "dlq", fifoQueue } });
            assert.deepStrictEqual(lines([q(false)], [q(true)], { allow: ["q"] }).slice(1, 2), [`    +- replace ${QUEUE}  q  [STATEFUL, allowed]`]);
        });
        it("a secret with no recovery window is free to be replaced first-deleted under its name; with one it is not", () => {
            const s = (namePrefix: string, recoveryWindowInDays: number): DocResource => ({
                type: SECRET,
                name: "s",
                inputs: { name: "creds", namePrefix, recoveryWindowInDays },
            });
            const flag = (w: number) => lines([s("a", w)], [s("b", w)]).slice(1, 2);
            assert.deepStrictEqual(flag(0), [`    +- replace ${SECRET}  s  [STATEFUL]`]);
            assert.deepStrictEqual(flag(7), [`    +- replace ${SECRET}  s  [FAILS ON APPLY]  [STATEFUL]`]);
        });
        it("the recovery window that holds the name is the old secret's (the delete reads it), not the new one's", () => {
            const s = (namePrefix: string, recoveryWindowInDays: number): DocResource => ({
                type: SECRET,
                name: "s",
                inputs: { name: "creds", namePrefix, recoveryWindowInDays },
            });
            assert.deepStrictEqual(lines([s("a", 7)], [s("b", 0)]).slice(1, 2), [`    +- replace ${SECRET}  s  [FAILS ON APPLY]  [STATEFUL]`]);
            assert.deepStrictEqual(lines([s("a", 0)], [s("b", 7)]).slice(1, 2), [`    +- replace ${SECRET}  s  [STATEFUL]`]);
        });
        it("a name not known yet ([unknown]) or hidden ([secret]) is no verdict", () => {
            for (const name of ["[unknown]", "[secret]"]) {
                const t = (replicationFactor: number): DocResource => ({ type: TOPIC, name: "t", inputs: { name, clusterArn: "arn:k1", replicationFactor } });
                assert.deepStrictEqual(lines([t(3)], [t(2)]).slice(1, 2), [`    +- replace ${TOPIC}  t  [STATEFUL]`], name);
            }
        });
        it("a security group renamed is created before the old one is deleted: the function that stays on it does not stop that", () => {
            const sg = (name: string): DocResource => ({ type: "aws:ec2/securityGroup:SecurityGroup", name: "sg", inputs: { name, vpcId: "vpc-1" } });
            const f: DocResource = {
                type: FUNCTION,
                name: "f",
                inputs: { name: "f", vpcConfig: { securityGroupIds: ["sg"] } },
                deps: { vpcConfig: ["aws:ec2/securityGroup:SecurityGroup|sg"] },
            };
            assert.deepStrictEqual(lines([sg("a"), f], [sg("b"), f]).slice(1, 2), ["    +- replace aws:ec2/securityGroup:SecurityGroup  sg"]);
        });
        it("a queue renamed and deleted first: its old name is no matter", () => {
            const q = (name: string, fifoQueue: boolean): DocResource => ({ type: QUEUE, name: "q", inputs: { name, fifoQueue } });
            const out = lines([q("dlq", false)], [q("dlq2", true)], { headOptions: { q: { deleteBeforeReplace: true } } });
            assert.deepStrictEqual(out.slice(1, 2), [`    +- replace ${QUEUE}  q  [STATEFUL]`]);
        });
    });

    describe("a name a resource this update deletes still holds (nameTakenFromDeleted)", () => {
        const q = (resource: string, name: string, fifoQueue = false): DocResource => ({ type: QUEUE, name: resource, inputs: { name, fifoQueue } });

        it("a queue deleted and another created under its name: the create fails, the old one is noted", () => {
            assert.deepStrictEqual(lines([q("a", "dlq")], [q("b", "dlq")]), [
                header(0, 1, 0, 1),
                `    - delete ${QUEUE}  a  [STATEFUL]`,
                QUEUE_LOST("deleted"),
                TAKEN_NOTE("name", "dlq", `${QUEUE} b`),
                `    + create ${QUEUE}  b  [FAILS ON APPLY]`,
                TAKEN("name", "dlq", `${QUEUE} a`, "deletes"),
                ...FAILS(1),
                ...STATEFUL([QUEUE, "a"]),
            ]);
        });
        it("the old queue retained on delete: it keeps the name in AWS", () => {
            assert.deepStrictEqual(lines([{ ...q("a", "dlq"), retain: true }], [q("b", "dlq")]), [
                header(0, 1, 0, 1),
                `    + create ${QUEUE}  b  [FAILS ON APPLY]`,
                TAKEN("name", "dlq", `${QUEUE} a`, "removes from the stack but keeps in AWS (retainOnDelete)"),
                `    - delete ${QUEUE}  a`,
                "        note: retainOnDelete: the resource leaves the stack but is kept in AWS",
                TAKEN_NOTE("name", "dlq", `${QUEUE} b`),
                ...FAILS(1),
            ]);
        });
        it("the old queue replaced under another name, another replaced into its name", () => {
            assert.deepStrictEqual(lines([q("a", "dlq"), q("b", "other")], [q("a", "dlq2", true), q("b", "dlq")]), [
                header(2, 0, 0, 0),
                `    +- replace ${QUEUE}  b  [FAILS ON APPLY]  [STATEFUL]`,
                "        because name changed (create-only)",
                "        inputs: name",
                TAKEN("name", "dlq", `${QUEUE} a`, "replaces under another name"),
                QUEUE_LOST("replaced"),
                `    +- replace ${QUEUE}  a  [STATEFUL]`,
                "        because name changed (create-only)",
                "        because fifoQueue changed (create-only)",
                "        inputs: name, fifoQueue",
                QUEUE_LOST("replaced"),
                TAKEN_NOTE("name", "dlq", `${QUEUE} b`),
                ...FAILS(1),
                ...STATEFUL([QUEUE, "a"]),
            ]);
        });
        it("a name over 120 characters is cut to 117 and ...", () => {
            const long = "y".repeat(130);
            const out = lines([q("a", long)], [q("b", long)]);
            const shown = `${"y".repeat(117)}...`;
            assert.deepStrictEqual([out[3], out[5]], [TAKEN_NOTE("name", shown, `${QUEUE} b`), TAKEN("name", shown, `${QUEUE} a`, "deletes")]);
        });
        it("a queue deleted and another created under another name: no collision", () => {
            assert.deepStrictEqual(lines([q("a", "dlq")], [q("b", "other")]).slice(3), [`    + create ${QUEUE}  b`, ...STATEFUL([QUEUE, "a"])]);
        });
        it("names not known yet or hidden are no collision", () => {
            for (const name of ["[unknown]", "[secret]"])
                assert.deepStrictEqual(lines([q("a", name)], [q("b", name)]).slice(3, 4), [`    + create ${QUEUE}  b`], name);
        });
        it("a topic deleted and one of its name created: a collision on its cluster, not on another cluster nor on a cluster this update replaces", () => {
            const cluster = (groups: string[]): DocResource => ({ type: CLUSTER, name: "k", inputs: { brokerNodeGroupInfo: { securityGroups: groups } } });
            const t = (name: string, clusterArn: string): DocResource => ({
                type: TOPIC,
                name,
                inputs: { name: "orders", clusterArn },
                deps: { clusterArn: [`${CLUSTER}|k`] },
            });
            const created = (base: DocResource[], head: DocResource[]) => lines(base, head).find((l) => l.includes(`create ${TOPIC}`));
            assert.strictEqual(created([cluster(["sg"]), t("a", "arn:k1")], [cluster(["sg"]), t("b", "arn:k1")]), `    + create ${TOPIC}  b  [FAILS ON APPLY]`);
            assert.strictEqual(created([cluster(["sg"]), t("a", "arn:k1")], [cluster(["sg"]), t("b", "arn:k2")]), `    + create ${TOPIC}  b`);
            assert.strictEqual(created([cluster(["sg"]), t("a", "arn:k1")], [cluster(["sg-2"]), t("b", "arn:k1")]), `    + create ${TOPIC}  b`);
        });
        it("a provisioned cluster deleted and another created under its name: the same type, no word of namespaces", () => {
            const k = (name: string): DocResource => ({ type: CLUSTER, name, inputs: { clusterName: "kafka" } });
            assert.deepStrictEqual(lines([k("a")], [k("b")]).slice(5, 6), [TAKEN("clusterName", "kafka", `${CLUSTER} a`, "deletes")]);
        });
        it("an MSK Serverless cluster deleted and a provisioned one created under its name: one namespace", () => {
            const out = lines(
                [{ type: SERVERLESS, name: "s", inputs: { clusterName: "kafka" } }],
                [{ type: CLUSTER, name: "k", inputs: { clusterName: "kafka" } }],
            );
            assert.deepStrictEqual(out.slice(3, 6), [
                TAKEN_NOTE("clusterName", "kafka", `${CLUSTER} k`),
                `    + create ${CLUSTER}  k  [FAILS ON APPLY]`,
                TAKEN("clusterName", "kafka", `${SERVERLESS} s`, "deletes", " (MSK cluster names are one namespace, whatever the type)"),
            ]);
        });
    });

    // Kept after the cases above so that Stryker's incremental run re-tests only what these reach.
    describe("what the first measured run left (bench/mutation/plan-diff.md)", () => {
        const SG_TYPE = "aws:ec2/securityGroup:SecurityGroup";

        it("the stack, providers and components are not resources: adding them changes nothing", () => {
            const f: DocResource = { type: FUNCTION, name: "f" };
            const head: DocResource[] = [{ type: "pulumi:providers:aws", name: "default" }, { type: "msk-lambda:index:Alerts", name: "alerts" }, f];
            assert.deepStrictEqual(lines([f], head), [header(0, 0, 0, 0), "    no changes"]);
        });
        it("an --allow-replace that names another resource does not allow this one", () => {
            const key = (keyUsage: string): DocResource => ({ type: "aws:kms/key:Key", name: "key", inputs: { keyUsage } });
            const out = lines([key("ENCRYPT_DECRYPT")], [key("SIGN_VERIFY")], { allow: ["other"] });
            assert.deepStrictEqual(out.slice(1, 2), ["    +- replace aws:kms/key:Key  key  [STATEFUL]"]);
            assert.deepStrictEqual(out.slice(5), [
                ...STATEFUL(["aws:kms/key:Key", "key"]),
                'note: --allow-replace "other" names no resource that would be replaced or deleted',
            ]);
        });
        it("a mapping moved to a new VPC connection to another cluster: another cluster", () => {
            const conn = (name: string, targetClusterArn: string): DocResource => ({ type: CONNECTION, name, inputs: { targetClusterArn, vpcId: "vpc-1" } });
            const on = (c: string, arn: string): DocResource => ({
                type: MAPPING,
                name: "m",
                inputs: { eventSourceArn: arn, topics: ["orders"], amazonManagedKafkaEventSourceConfig: { consumerGroupId: "g1" } },
                deps: { eventSourceArn: [`${CONNECTION}|${c}`] },
            });
            assert.deepStrictEqual(lines([conn("c", "arn:k/1"), on("c", "arn:conn/1")], [conn("d", "arn:k/2"), on("d", "arn:conn/2")]).slice(1, 2), [
                `    +- replace ${MAPPING}  m  [STATEFUL]`,
            ]);
        });
        it("a cluster created with connectivity settings but no multi-VPC block does not fail", () => {
            const k: DocResource = { type: CLUSTER, name: "k", inputs: { brokerNodeGroupInfo: { connectivityInfo: { publicAccess: { type: "DISABLED" } } } } };
            assert.deepStrictEqual(lines([], [k]), [header(0, 0, 0, 1), `    + create ${CLUSTER}  k`]);
        });
        it("a name of exactly 120 characters is shown whole", () => {
            const name = "z".repeat(120);
            const c = (info: Record<string, unknown>): DocResource => ({ type: CLUSTER, name: "k", inputs: { clusterName: name, ...info } });
            assert.deepStrictEqual(lines([c({})], [c({ brokerNodeGroupInfo: { securityGroups: ["x"] } })]).slice(4, 5), [CONFLICT("clusterName", name)]);
            const q = (resource: string): DocResource => ({ type: QUEUE, name: resource, inputs: { name } });
            assert.deepStrictEqual(lines([q("a")], [q("b")]).slice(5, 6), [TAKEN("name", name, `${QUEUE} a`, "deletes")]);
        });
        it("queues the provider names (no name in the plan) do not collide", () => {
            const q = (resource: string): DocResource => ({ type: QUEUE, name: resource, inputs: { fifoQueue: false } });
            assert.deepStrictEqual(lines([q("a")], [q("b")]).slice(3, 4), [`    + create ${QUEUE}  b`]);
        });
        it("topics on a cluster not known yet do not collide", () => {
            const t = (name: string): DocResource => ({ type: TOPIC, name, inputs: { name: "orders", clusterArn: "[unknown]" } });
            assert.deepStrictEqual(lines([t("a")], [t("b")]).slice(3, 4), [`    + create ${TOPIC}  b`]);
        });
        it("a topic given its cluster's ARN as a string collides; one on a cluster this update creates does not", () => {
            const t = (name: string, deps?: Record<string, string[]>): DocResource => ({
                type: TOPIC,
                name,
                inputs: { name: "orders", clusterArn: "arn:k" },
                deps,
            });
            const created = (base: DocResource[], head: DocResource[]) => lines(base, head).find((l) => l.includes(`create ${TOPIC}`));
            assert.strictEqual(created([t("a")], [t("b")]), `    + create ${TOPIC}  b  [FAILS ON APPLY]`);
            const cluster = (name: string): DocResource => ({ type: CLUSTER, name, inputs: {} });
            const on = (name: string, c: string) => t(name, { clusterArn: [`${CLUSTER}|${c}`] });
            assert.strictEqual(created([cluster("k1"), on("a", "k1")], [cluster("k2"), on("b", "k2")]), `    + create ${TOPIC}  b`);
        });
        it("a secret replaced first-deleted under a new name, with a recovery window: another secret cannot take its old name", () => {
            const sec = (resource: string, name: string): DocResource => ({ type: SECRET, name: resource, inputs: { name, recoveryWindowInDays: 7 } });
            const out = lines([sec("a", "creds")], [sec("a", "creds2"), sec("b", "creds")], { headOptions: { a: { deleteBeforeReplace: true } } });
            assert.ok(out.includes(`    + create ${SECRET}  b  [FAILS ON APPLY]`), out.join("\n"));
            assert.ok(
                out.some((l) => l.startsWith(`        fails: name "creds" is the name of ${SECRET} a, which this update deletes first (deleteBeforeReplace)`)),
                out.join("\n"),
            );
        });
        it("a secret replaced first-deleted under a new name with no recovery window: its old name is free, ordered by a dependency", () => {
            const s = (resource: string, name: string, deps?: Record<string, string[]>): DocResource => ({
                type: SECRET,
                name: resource,
                inputs: { name, recoveryWindowInDays: 0 },
                deps,
            });
            const run = { headOptions: { a: { deleteBeforeReplace: true } } };
            const after = lines([s("a", "creds")], [s("a", "creds2"), s("b", "creds", { description: [`${SECRET}|a`] })], run);
            assert.ok(after.includes(`    + create ${SECRET}  b`), after.join("\n"));
            assert.ok(!after.some((l) => l.includes("fails:") || l.includes("add dependsOn")), after.join("\n"));
        });
        it("a cluster replaced first-deleted under a new name, its old name taken by a new cluster that does not depend on it: a note, not a failure", () => {
            const k = (resource: string, clusterName: string, deps?: Record<string, string[]>): DocResource => ({
                type: CLUSTER,
                name: resource,
                inputs: { clusterName },
                deps,
            });
            const run = { headOptions: { a: { deleteBeforeReplace: true } } };
            const out = lines([k("a", "orders")], [k("a", "orders-2"), k("b", "orders")], run);
            assert.ok(out.includes(`    + create ${CLUSTER}  b`), out.join("\n"));
            assert.ok(
                out.includes(
                    `        note: clusterName "orders" is the name of ${CLUSTER} a, which this update deletes first (deleteBeforeReplace) and replaces under another name; this create does not depend on it, so Pulumi may run it before that delete and AWS would refuse the name: add dependsOn a`,
                ),
                out.join("\n"),
            );
            const ordered = lines([k("a", "orders")], [k("a", "orders-2"), k("b", "orders", { tags: [`${CLUSTER}|a`] })], run);
            assert.ok(!ordered.some((l) => l.includes("add dependsOn")), ordered.join("\n"));
        });
        it("a security group replaced first-deleted while two functions stay on it: both named", () => {
            const sg = (description: string): DocResource => ({ type: SG_TYPE, name: "sg", inputs: { name: "kafka-sg", vpcId: "vpc-1", description } });
            const fn = (name: string): DocResource => ({
                type: FUNCTION,
                name,
                inputs: { name, vpcConfig: { securityGroupIds: ["sg"] } },
                deps: { vpcConfig: [`${SG_TYPE}|sg`] },
            });
            const out = lines([sg("a"), fn("f"), fn("g")], [sg("b"), fn("f"), fn("g")]);
            assert.deepStrictEqual(out.slice(4, 5), [
                `        fails: the old resource is deleted first, but EC2 does not delete a security group a network interface uses (DependencyViolation): ${FUNCTION} f, ${FUNCTION} g still refers to it; give it a name that changes with the create-only inputs`,
            ]);
        });
    });
});
