/**
 * Verdicts of policies/rules/settings.ts that `npm run mutate:pack -- --mutate policies/rules/settings.ts` found no test
 * deciding (issue 21; bench/mutation/rules-settings.md lists each survivor and why the others are equivalent). Each
 * stack differs from its twin in one value; the assertion is the policy, its enforcement and the resource it names.
 */
import * as assert from "assert";
import { ACCOUNT, check, CLUSTER_ARN, of, res, UNKNOWN, type Res } from "./helpers/pack";

const ESM = "aws:lambda/eventSourceMapping:EventSourceMapping";
const CLUSTER = "aws:msk/cluster:Cluster";
const OTHER_ARN = `arn:aws:kafka:us-east-1:${ACCOUNT}:cluster/other/aaaaaaaa-1111-2222-3333-444444444444-1`;

function mapping(name: string, props: Record<string, unknown> = {}, deps: Record<string, Res[]> = {}): Res {
    return res(ESM, name, { eventSourceArn: CLUSTER_ARN, topics: ["orders"], startingPosition: "LATEST", functionName: "f", ...props }, deps);
}
const group = (id: unknown) => ({ amazonManagedKafkaEventSourceConfig: { consumerGroupId: id } });
function selfManaged(name: string, servers: unknown, id: unknown = "g"): Res {
    return res(ESM, name, {
        topics: ["orders"],
        startingPosition: "LATEST",
        functionName: "f",
        selfManagedEventSource: { endpoints: { KAFKA_BOOTSTRAP_SERVERS: servers } },
        selfManagedKafkaEventSourceConfig: { consumerGroupId: id },
    });
}

/** `[enforcement, urn]` of one policy's diagnostics (a preview note names no resource: its urn is ""). */
async function verdict(stack: Res[], policy: string): Promise<[string, string][]> {
    return of(await check(stack), policy).map((d) => [d.enforcementLevel, d.urn]);
}

describe("rules/settings.ts: verdicts mutation testing found undecided (issue 21)", function () {
    this.timeout(60000);

    describe("kafka-starting-position", () => {
        it("selfManagedEventSource null on an SQS mapping without startingPosition is not Kafka: passes", async () => {
            const m = res(ESM, "sqs", { eventSourceArn: `arn:aws:sqs:us-east-1:${ACCOUNT}:q`, functionName: "f", selfManagedEventSource: null });
            assert.deepStrictEqual(await verdict([m], "kafka-starting-position"), []);
        });
        for (const ts of ["", null]) {
            it(`AT_TIMESTAMP with startingPositionTimestamp ${JSON.stringify(ts)}: a violation on the mapping`, async () => {
                const m = mapping("m", { startingPosition: "AT_TIMESTAMP", startingPositionTimestamp: ts });
                assert.deepStrictEqual(await verdict([m], "kafka-starting-position"), [["mandatory", m.urn]]);
            });
        }
        it("AT_TIMESTAMP with a startingPositionTimestamp not known yet: a preview note, no violation", async () => {
            const m = mapping("m", { startingPosition: "AT_TIMESTAMP", startingPositionTimestamp: UNKNOWN });
            assert.deepStrictEqual(await verdict([m], "kafka-starting-position"), [["advisory", m.urn]]);
        });
    });

    describe("kafka-consumer-group-unique", () => {
        it("two mappings on one cluster with an empty consumer group id (Lambda uses each mapping's UUID): passes", async () => {
            assert.deepStrictEqual(await verdict([mapping("a", group("")), mapping("b", group(""))], "kafka-consumer-group-unique"), []);
        });
        it("one mapping whose group id is not known yet: nothing to compare, no preview note", async () => {
            assert.deepStrictEqual(await verdict([mapping("a", group(UNKNOWN))], "kafka-consumer-group-unique"), []);
        });
        it("bootstrap servers differing only in case are the same cluster: a violation on the second mapping", async () => {
            const b = selfManaged("b", "B1.EXAMPLE.COM:9096");
            assert.deepStrictEqual(await verdict([selfManaged("a", "b1.example.com:9096"), b], "kafka-consumer-group-unique"), [["mandatory", b.urn]]);
        });
        it("bootstrap servers as a list are read like the comma-separated string: a violation", async () => {
            const b = selfManaged("b", ["b2:9096", "b1:9096"]);
            assert.deepStrictEqual(await verdict([selfManaged("a", "b1:9096,b2:9096"), b], "kafka-consumer-group-unique"), [["mandatory", b.urn]]);
        });
        it("two mappings sharing a group id whose servers are not known yet: a preview note, no violation", async () => {
            const stack = [selfManaged("a", ["b1:9096", UNKNOWN]), selfManaged("b", ["b1:9096", UNKNOWN])];
            assert.deepStrictEqual(await verdict(stack, "kafka-consumer-group-unique"), [["advisory", ""]]);
        });
        it("a group id shared by a mapping whose servers are not known yet and one whose servers are: a preview note", async () => {
            const stack = [selfManaged("a", UNKNOWN), selfManaged("b", "b1:9096")];
            assert.deepStrictEqual(await verdict(stack, "kafka-consumer-group-unique"), [["advisory", ""]]);
        });
        it("different group ids with servers not known yet: passes", async () => {
            const stack = [selfManaged("a", UNKNOWN, "g1"), selfManaged("b", "b1:9096", "g2")];
            assert.deepStrictEqual(await verdict(stack, "kafka-consumer-group-unique"), []);
        });
        it("different bootstrap servers with the same group id are different clusters: passes", async () => {
            assert.deepStrictEqual(await verdict([selfManaged("a", "b1:9096"), selfManaged("b", "b2:9096")], "kafka-consumer-group-unique"), []);
        });
        it("servers 'a:1,b:2' and 'a:1b:2' are different lists: passes", async () => {
            assert.deepStrictEqual(await verdict([selfManaged("a", "a:1,b:2"), selfManaged("b", "a:1b:2")], "kafka-consumer-group-unique"), []);
        });
        it("two clusters of the stack, one mapping each with the same group id: no violation (the advisory rule's case)", async () => {
            const c = (name: string) => res(CLUSTER, name, { clusterName: name, arn: UNKNOWN, kafkaVersion: "3.6.0" });
            const [c1, c2] = [c("c1"), c("c2")];
            const m1 = mapping("m1", { eventSourceArn: UNKNOWN, ...group("g") }, { eventSourceArn: [c1] });
            const m2 = mapping("m2", { eventSourceArn: UNKNOWN, ...group("g") }, { eventSourceArn: [c2] });
            assert.deepStrictEqual(await verdict([c1, c2, m1, m2], "kafka-consumer-group-unique"), []);
        });
        it("a null consumer group id on two mappings of one cluster (no id: each mapping's UUID): passes", async () => {
            assert.deepStrictEqual(await verdict([mapping("a", group(null)), mapping("b", group(null))], "kafka-consumer-group-unique"), []);
        });
        it("one Kafka mapping whose group id is not known yet and an SQS mapping: nothing to compare, no preview note", async () => {
            const sqs = res(ESM, "sqs", { eventSourceArn: `arn:aws:sqs:us-east-1:${ACCOUNT}:q`, functionName: "f" });
            assert.deepStrictEqual(await verdict([mapping("a", group(UNKNOWN)), sqs], "kafka-consumer-group-unique"), []);
        });
        it("cluster 'a' with group 'bx' and cluster 'ab' with group 'x' are not one cluster and group: passes", async () => {
            const c = (name: string) => res(CLUSTER, name, { clusterName: name, arn: UNKNOWN, kafkaVersion: "3.6.0" });
            const [ca, cab] = [c("a"), c("ab")];
            const m1 = mapping("m1", { eventSourceArn: UNKNOWN, ...group("bx") }, { eventSourceArn: [ca] });
            const m2 = mapping("m2", { eventSourceArn: UNKNOWN, ...group("x") }, { eventSourceArn: [cab] });
            assert.deepStrictEqual(await verdict([ca, cab, m1, m2], "kafka-consumer-group-unique"), []);
        });
    });

    describe("kafka-consumer-group-across-sources", () => {
        it("an empty group id on two clusters: passes", async () => {
            const stack = [mapping("a", group("")), mapping("b", { eventSourceArn: OTHER_ARN, ...group("") })];
            assert.deepStrictEqual(await verdict(stack, "kafka-consumer-group-across-sources"), []);
        });
        it("the same group id on one cluster: the mandatory rule's finding, not repeated as the advisory", async () => {
            assert.deepStrictEqual(await verdict([mapping("a", group("g")), mapping("b", group("g"))], "kafka-consumer-group-across-sources"), []);
        });
        it("an SQS mapping carrying a Kafka consumer group id is no Kafka mapping: no advisory", async () => {
            const sqs = res(ESM, "sqs", { eventSourceArn: `arn:aws:sqs:us-east-1:${ACCOUNT}:q`, functionName: "f", ...group("g") });
            assert.deepStrictEqual(await verdict([mapping("a", group("g")), sqs], "kafka-consumer-group-across-sources"), []);
        });
        it("the same group id on two mappings whose sources are not known: the advisory on the second", async () => {
            const b = selfManaged("b", UNKNOWN);
            assert.deepStrictEqual(await verdict([selfManaged("a", UNKNOWN), b], "kafka-consumer-group-across-sources"), [["advisory", b.urn]]);
        });
    });
});
