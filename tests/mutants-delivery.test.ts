/**
 * Verdicts of policies/rules/delivery.ts and policies/rules/destinations.ts that `npm run mutate:pack -- --mutate
 * policies/rules/delivery.ts,policies/rules/destinations.ts` found no test deciding (issue 21;
 * bench/mutation/rules-delivery.md and rules-destinations.md list each survivor and why the others are equivalent).
 * Each stack differs from its valid twin in one value; the assertion is the policy, its enforcement level and the
 * resources it names, never the message text.
 */
import * as assert from "assert";
import { ACCOUNT, check, CLUSTER_ARN, of, res, UNKNOWN, type Res } from "./helpers/pack";
import { LAMBDA_ENI_ACTIONS } from "./helpers/aws-docs";

const ESM = "aws:lambda/eventSourceMapping:EventSourceMapping";
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/consumer-role`;
const FN_ARN = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:consumer`;
const QUEUE_ARN = `arn:aws:sqs:us-east-1:${ACCOUNT}:failures`;
const KEY_ID = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";
const KEY_ARN = `arn:aws:kms:us-east-1:${ACCOUNT}:key/${KEY_ID}`;
const OTHER = "444455556666";
const FOREIGN_KEY_ARN = `arn:aws:kms:us-east-1:${OTHER}:key/12345678-1234-1234-1234-123456789012`;
const doc = (Statement: object[]) => JSON.stringify({ Version: "2012-10-17", Statement });
const UUID = "fc2f5bdf-fd1b-45ad-85dd-15b4a5a6247e-2";
const KAFKA = `arn:aws:kafka:us-east-1:${ACCOUNT}`;
const SEND = { Effect: "Allow", Action: "sqs:SendMessage", Resource: QUEUE_ARN };
const USE_KEY = { Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: KEY_ARN };
/** The Lambda docs' grants for an MSK consumer with IAM authentication (the destination's are SEND and USE_KEY). */
const KAFKA_GRANTS: object[] = [
    { Effect: "Allow", Action: [...LAMBDA_ENI_ACTIONS], Resource: "*" },
    { Effect: "Allow", Action: ["kafka:DescribeClusterV2", "kafka:GetBootstrapBrokers"], Resource: CLUSTER_ARN },
    { Effect: "Allow", Action: ["kafka-cluster:Connect", "kafka-cluster:DescribeClusterDynamicConfiguration"], Resource: CLUSTER_ARN },
    { Effect: "Allow", Action: ["kafka-cluster:DescribeTopic", "kafka-cluster:ReadData"], Resource: `${KAFKA}:topic/shared/${UUID}/orders` },
    { Effect: "Allow", Action: ["kafka-cluster:DescribeGroup", "kafka-cluster:AlterGroup"], Resource: `${KAFKA}:group/shared/${UUID}/orders-consumer` },
];

interface Opts {
    /** The role's inline policy statements besides the Kafka grants (default: send to the queue and use its key). */
    statements?: object[];
    role?: Record<string, unknown>;
    mapping?: Record<string, unknown>;
    key?: Record<string, unknown>;
    queue?: Record<string, unknown>;
}

/**
 * Another program's consumer: mapping → function → role → inline policy, an SQS on-failure queue encrypted with a
 * customer-managed key of the stack. The MSK cluster is outside the stack. With no options it draws no mandatory
 * violation (asserted below).
 */
function consumer(opts: Opts = {}) {
    const role = res("aws:iam/role:Role", "role", { name: "consumer-role", arn: ROLE_ARN, assumeRolePolicy: "{}", ...(opts.role ?? {}) });
    const policy = res(
        "aws:iam/rolePolicy:RolePolicy",
        "role-policy",
        { role: "consumer-role", policy: doc([...KAFKA_GRANTS, ...(opts.statements ?? [SEND, USE_KEY])]) },
        { role: [role] },
    );
    const fn = res("aws:lambda/function:Function", "fn", { name: "consumer", arn: FN_ARN, role: ROLE_ARN, timeout: 60 }, { role: [role] });
    const key = res("aws:kms/key:Key", "key", { arn: KEY_ARN, keyId: KEY_ID, id: KEY_ID, enableKeyRotation: true, ...(opts.key ?? {}) });
    const queue = res(
        "aws:sqs/queue:Queue",
        "failures",
        { name: "failures", arn: QUEUE_ARN, kmsMasterKeyId: KEY_ARN, ...(opts.queue ?? {}) },
        { kmsMasterKeyId: [key] },
    );
    const m = res(
        ESM,
        "mapping",
        {
            eventSourceArn: CLUSTER_ARN,
            topics: ["orders"],
            functionName: FN_ARN,
            startingPosition: "LATEST",
            amazonManagedKafkaEventSourceConfig: { consumerGroupId: "orders-consumer" },
            destinationConfig: { onFailure: { destinationArn: QUEUE_ARN } },
            ...(opts.mapping ?? {}),
        },
        { functionName: [fn] },
    );
    return { role, policy, fn, key, queue, m, all: [role, policy, fn, key, queue, m] as Res[] };
}

/** The mandatory verdicts of a stack: "policy urn", each once, sorted. */
async function mandatory(stack: Res[]): Promise<string[]> {
    const d = await check(stack);
    return [...new Set(d.filter((x) => x.enforcementLevel === "mandatory").map((x) => `${x.policy} ${x.urn}`))].sort();
}

/** The resources one policy names at one level. */
async function named(stack: Res | Res[], policy: string, level: "mandatory" | "advisory" = "mandatory"): Promise<string[]> {
    return [...new Set(of(await check(stack), policy, level).map((d) => d.urn))].sort();
}

describe("rules/delivery.ts and rules/destinations.ts: verdicts mutation testing found undecided (issue 21)", function () {
    this.timeout(60000);

    it("the clean consumer draws no mandatory violation", async () => {
        assert.deepStrictEqual(await mandatory(consumer().all), []);
    });

    describe("destination-types", () => {
        const P = "destination-types";
        const PROV = { provisionedPollerConfig: { minimumPollers: 1, maximumPollers: 3 } };
        const toKafka = (props: Record<string, unknown>) => consumer({ mapping: { destinationConfig: { onFailure: { destinationArn: "kafka://orders-dlt" } }, ...props } }).m;
        it("kafka:// with provisionedPollerConfig null (on demand): destination-types on the mapping", async () => {
            const m = toKafka({ provisionedPollerConfig: null });
            assert.deepStrictEqual(await named(m, P), [m.urn]);
        });
        for (const [what, props] of [
            ["provisionedPollerConfig", { provisionedPollerConfig: UNKNOWN }],
            ["topics", { ...PROV, topics: UNKNOWN }],
        ] as const) {
            it(`kafka:// with ${what} not known yet (first preview): a preview note, no violation`, async () => {
                const d = of(await check(toKafka(props)), P);
                assert.deepStrictEqual(
                    d.map((x) => x.enforcementLevel),
                    ["advisory"],
                );
            });
        }
        it("a Kinesis mapping's on-failure destination is not judged (an EventBridge bus passes); the same bus on a Kafka mapping is refused", async () => {
            const bus = `arn:aws:events:us-east-1:${ACCOUNT}:event-bus/failures`;
            const kinesis = res(ESM, "kinesis", {
                eventSourceArn: `arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/in`,
                functionName: "f",
                startingPosition: "LATEST",
                destinationConfig: { onFailure: { destinationArn: bus } },
            });
            assert.deepStrictEqual(await named(kinesis, P), []);
            const kafka = consumer({ mapping: { destinationConfig: { onFailure: { destinationArn: bus } } } }).m;
            assert.deepStrictEqual(await named(kafka, P), [kafka.urn]);
        });
        it("an ARN of a service that is no destination (DynamoDB): destination-types on the mapping", async () => {
            const m = consumer({ mapping: { destinationConfig: { onFailure: { destinationArn: `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/failures` } } } }).m;
            assert.deepStrictEqual(await named(m, P), [m.urn]);
        });
    });
});
