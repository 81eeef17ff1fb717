/**
 * Another program's Kafka consumer with an encrypted on-failure queue, shared by the mutation tests of
 * policies/rules/delivery.ts and destinations.ts (tests/mutants-delivery*.test.ts, tests/mutants-destinations.test.ts).
 */
import { ACCOUNT, CLUSTER_ARN, res, type Res } from "./pack";
import { LAMBDA_ENI_ACTIONS } from "./aws-docs";

const ESM = "aws:lambda/eventSourceMapping:EventSourceMapping";
const FN = "aws:lambda/function:Function";
const KEY = "aws:kms/key:Key";
const QUEUE = "aws:sqs/queue:Queue";
const doc = (Statement: object[]) => JSON.stringify({ Version: "2012-10-17", Statement });
export const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/consumer-role`;
export const FN_ARN = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:consumer`;
export const QUEUE_ARN = `arn:aws:sqs:us-east-1:${ACCOUNT}:failures`;
export const KEY_ID = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";
export const KEY_ARN = `arn:aws:kms:us-east-1:${ACCOUNT}:key/${KEY_ID}`;
export const UUID = "fc2f5bdf-fd1b-45ad-85dd-15b4a5a6247e-2";
export const KAFKA = `arn:aws:kafka:us-east-1:${ACCOUNT}`;
export const SEND = { Effect: "Allow", Action: "sqs:SendMessage", Resource: QUEUE_ARN };
export const USE_KEY = { Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: KEY_ARN };
/** The Lambda docs' grants for an MSK consumer with IAM authentication (the destination's are SEND and USE_KEY). */
export const KAFKA_GRANTS: object[] = [
    { Effect: "Allow", Action: [...LAMBDA_ENI_ACTIONS], Resource: "*" },
    { Effect: "Allow", Action: ["kafka:DescribeClusterV2", "kafka:GetBootstrapBrokers"], Resource: CLUSTER_ARN },
    { Effect: "Allow", Action: ["kafka-cluster:Connect", "kafka-cluster:DescribeClusterDynamicConfiguration"], Resource: CLUSTER_ARN },
    { Effect: "Allow", Action: ["kafka-cluster:DescribeTopic", "kafka-cluster:ReadData"], Resource: `${KAFKA}:topic/shared/${UUID}/orders` },
    { Effect: "Allow", Action: ["kafka-cluster:DescribeGroup", "kafka-cluster:AlterGroup"], Resource: `${KAFKA}:group/shared/${UUID}/orders-consumer` },
];

/** The properties without those set to undefined (left out, as a program that does not set them). */
export const defined = (props: Record<string, unknown>) => Object.fromEntries(Object.entries(props).filter(([, v]) => v !== undefined));

export interface ConsumerOpts {
    /** The role's inline policy statements besides the Kafka grants (default: send to the queue and use its key). */
    statements?: object[];
    role?: Record<string, unknown>;
    /** The key's properties (default: arn, keyId and id); those set to undefined are left out. */
    key?: Record<string, unknown>;
    queue?: Record<string, unknown>;
    queueDeps?: Record<string, Res[]>;
    mapping?: Record<string, unknown>;
    mappingDeps?: Record<string, Res[]>;
}

/**
 * Another program's consumer: mapping → function → role → inline policy, an SQS on-failure queue encrypted with a
 * customer-managed key of the stack (the MSK cluster is outside the stack). With no options it draws no mandatory
 * violation (asserted below). `mappingNamed` adds a second mapping of the same function (another topic).
 */
export function consumer(opts: ConsumerOpts = {}) {
    const role = res("aws:iam/role:Role", "role", defined({ name: "consumer-role", arn: ROLE_ARN, assumeRolePolicy: "{}", ...(opts.role ?? {}) }));
    const policy = res(
        "aws:iam/rolePolicy:RolePolicy",
        "role-policy",
        { role: "consumer-role", policy: doc([...KAFKA_GRANTS, ...(opts.statements ?? [SEND, USE_KEY])]) },
        { role: [role] },
    );
    const fn = res(FN, "fn", { name: "consumer", arn: FN_ARN, role: ROLE_ARN, timeout: 60 }, { role: [role] });
    const key = res(KEY, "key", defined({ arn: KEY_ARN, keyId: KEY_ID, id: KEY_ID, enableKeyRotation: true, ...(opts.key ?? {}) }));
    const queue = res(
        QUEUE,
        "failures",
        { name: "failures", arn: QUEUE_ARN, kmsMasterKeyId: KEY_ARN, ...(opts.queue ?? {}) },
        opts.queueDeps ?? { kmsMasterKeyId: [key] },
    );
    const mappingNamed = (name: string, topic: string, props: Record<string, unknown> = {}, deps: Record<string, Res[]> = {}) =>
        res(
            ESM,
            name,
            {
                eventSourceArn: CLUSTER_ARN,
                topics: [topic],
                functionName: FN_ARN,
                startingPosition: "LATEST",
                amazonManagedKafkaEventSourceConfig: { consumerGroupId: "orders-consumer" },
                destinationConfig: { onFailure: { destinationArn: QUEUE_ARN } },
                ...props,
            },
            { functionName: [fn], ...deps },
        );
    const m = mappingNamed("mapping", "orders", opts.mapping, opts.mappingDeps);
    return { role, policy, fn, key, queue, m, mappingNamed, all: [role, policy, fn, key, queue, m] as Res[] };
}
