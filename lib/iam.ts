import {
    consumerActionsOn,
    factsOf,
    GLUE_REGISTRY_ACTIONS,
    GLUE_REGISTRY_ARN,
    IDEMPOTENCY_TABLE_ACTIONS,
    MAPPING_CLUSTER_ACTIONS,
    MAPPING_DESCRIBE_CLUSTER_ACTIONS,
    MAPPING_EC2_ACTIONS,
    type DestinationKind,
} from "../policies/lib/public";

/**
 * IAM and KMS policy document builders: plain functions over plain strings, so that tests can check the exact
 * statements without Pulumi. Components feed them resolved ARNs inside `pulumi.all(...).apply(...)`.
 */

export interface Statement {
    Sid?: string;
    Effect: "Allow" | "Deny";
    Principal?: Record<string, string | string[]>;
    Action: string | string[];
    /** Absent only in trust policies. */
    Resource?: string | string[];
    Condition?: Record<string, Record<string, string | string[] | boolean>>;
}

export interface PolicyDocument {
    Version: "2012-10-17";
    Statement: Statement[];
}

export function policy(statements: Statement[]): PolicyDocument {
    return { Version: "2012-10-17", Statement: statements };
}

/**
 * A KMS key policy: the account root administers the key (so IAM policies in the account can grant its use, AWS's
 * default), plus the given statements (key users such as an execution role or a service principal).
 */
export function keyPolicy(partition: string, accountId: string, extra: Statement[] = []): PolicyDocument {
    return policy([
        {
            Sid: "AccountAdministers",
            Effect: "Allow",
            Principal: { AWS: `arn:${partition}:iam::${accountId}:root` },
            Action: "kms:*",
            Resource: "*",
        },
        ...extra,
    ]);
}

/** Splits an MSK cluster ARN into the parts the kafka-cluster IAM resources are built from. */
export function parseClusterArn(arn: string): { prefix: string; clusterName: string; clusterUuid: string } {
    const m = /^(arn:[^:]+:kafka:[^:]+:[0-9]{12}):cluster\/([^/]+)\/(.+)$/.exec(arn);
    if (!m) throw new Error(`not an MSK cluster ARN: ${arn}`);
    return { prefix: m[1], clusterName: m[2], clusterUuid: m[3] };
}

/** "Using Lambda with Amazon MSK" (IAM role-based authentication): `arn:aws:kafka:region:account-id:topic/cluster-name/cluster-uuid/topic-name`. */
export function topicArn(clusterArn: string, topic: string): string {
    const c = parseClusterArn(clusterArn);
    return `${c.prefix}:topic/${c.clusterName}/${c.clusterUuid}/${topic}`;
}

/** "Using Lambda with Amazon MSK": `arn:aws:kafka:region:account-id:group/cluster-name/cluster-uuid/consumer-group-id`. */
export function groupArn(clusterArn: string, groupId: string): string {
    const c = parseClusterArn(clusterArn);
    return `${c.prefix}:group/${c.clusterName}/${c.clusterUuid}/${groupId}`;
}

/** A kind of the destination catalogue (policies/lib/destinations.ts). */
export type DestinationType = DestinationKind;

export interface DestinationGrant {
    type: DestinationType;
    arn: string;
    /** The destination's customer-managed key, when it has one. */
    kmsKeyArn?: string;
}

/** What the kafka statements are scoped to. */
export interface KafkaGrants {
    clusterArn: string;
    topic: string;
    consumerGroupId: string;
    authentication: "iam" | "scram" | "mtls" | "tls" | "plaintext";
}

/**
 * The send statements for a destination (the catalogue's send actions, shared with the policy pack). With several
 * actions, each statement's Sid gets the action's verb (`SendFailureRecordsPut`, `SendFailureRecordsList`).
 */
export function sendStatements(d: DestinationGrant, sid: string): Statement[] {
    const actions = factsOf(d.type)?.send ?? [];
    return actions.map(({ action, on }) => ({
        Sid: actions.length > 1 ? `${sid}${/:([A-Z][a-z]+)/.exec(action)![1]}` : sid,
        Effect: "Allow" as const,
        Action: action,
        Resource: on === "objects" ? `${d.arn}/*` : d.arn,
    }));
}

/**
 * The role's use of a destination's key (the catalogue's actions). AWS, "Capturing discarded batches for Amazon MSK
 * and self-managed Apache Kafka event sources": a key in another account than the execution role needs kms:DescribeKey
 * and kms:ReEncrypt* as well (SQS, SNS), granted by the role's policy and trusted by the key's policy.
 */
function kmsStatements(d: DestinationGrant, sid: string, roleAccount?: string): Statement[] {
    const keyAccount = d.kmsKeyArn?.split(":")[4];
    const cross = !!roleAccount && !!keyAccount && keyAccount !== roleAccount;
    const facts = factsOf(d.type);
    const actions = (cross ? facts?.crossAccountKms : facts?.kms) ?? [];
    if (!d.kmsKeyArn || actions.length === 0) return [];
    return [{ Sid: sid, Effect: "Allow", Action: [...actions], Resource: d.kmsKeyArn }];
}

/** Writing the function's own log group, nothing else. */
export function logsStatements(logGroupArn: string): Statement[] {
    return [{ Sid: "WriteOwnLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: `${logGroupArn}:*` }];
}

/**
 * Execution role statements, one builder per concern (one inline policy each). Least privilege: no `*` action, and
 * `*` resources only for the EC2 network-interface and describe actions that AWS requires on `*`.
 *
 * The actions of AWS's managed AWSLambdaMSKExecutionRole, scoped (the EC2 ones only work on "*"; the kafka ones name
 * the cluster), plus, for IAM authentication, the kafka-cluster actions of "Using Lambda with Amazon MSK".
 */
export function kafkaStatements(g: KafkaGrants): Statement[] {
    const kafka: Statement[] = [
        {
            Sid: "PollerNetworkInterfaces",
            Effect: "Allow",
            Action: [...MAPPING_EC2_ACTIONS],
            Resource: "*",
        },
        {
            Sid: "DescribeCluster",
            Effect: "Allow",
            Action: [...MAPPING_DESCRIBE_CLUSTER_ACTIONS, ...MAPPING_CLUSTER_ACTIONS],
            Resource: g.clusterArn,
        },
    ];
    if (g.authentication === "iam") {
        // "Using Lambda with Amazon MSK" (IAM role-based authentication): Connect, DescribeGroup, AlterGroup, DescribeTopic, ReadData and
        // DescribeClusterDynamicConfiguration on the cluster, topic and group ARNs; each action here on the one
        // resource type it applies to. The group is the mapping's consumer group id.
        kafka.push(
            {
                Sid: "KafkaConnect",
                Effect: "Allow",
                Action: consumerActionsOn("cluster"),
                Resource: g.clusterArn,
            },
            {
                Sid: "KafkaReadTopic",
                Effect: "Allow",
                Action: consumerActionsOn("topic"),
                Resource: topicArn(g.clusterArn, g.topic),
            },
            {
                Sid: "KafkaConsumerGroup",
                Effect: "Allow",
                Action: consumerActionsOn("group"),
                Resource: groupArn(g.clusterArn, g.consumerGroupId),
            },
        );
    }
    return kafka;
}

/**
 * Writing failed records to a Kafka topic of the same cluster (Lambda docs, "Using a Kafka topic as an on-failure
 * destination": the mapping needs write permission on the destination topic): with IAM authentication,
 * `kafka-cluster:DescribeTopic` and `kafka-cluster:WriteData` on exactly that topic's ARN (Connect on the cluster is in
 * the kafka statements). SCRAM and mTLS users need the matching Kafka ACLs instead.
 */
export function kafkaDestinationStatements(g: { clusterArn: string; topic: string; authentication: KafkaGrants["authentication"] }): Statement[] {
    if (g.authentication !== "iam") return [];
    return [
        {
            Sid: "WriteFailureTopic",
            Effect: "Allow",
            Action: ["kafka-cluster:DescribeTopic", "kafka-cluster:WriteData"],
            Resource: topicArn(g.clusterArn, g.topic),
        },
    ];
}

/** Reading the stack's SCRAM or mTLS secret, and decrypting it only through Secrets Manager. */
export function secretStatements(region: string, secret: { arn: string; kmsKeyArn: string }): Statement[] {
    return [
        { Sid: "ReadOwnSecret", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: secret.arn },
        {
            Sid: "DecryptOwnSecret",
            Effect: "Allow",
            Action: "kms:Decrypt",
            Resource: secret.kmsKeyArn,
            Condition: { StringEquals: { "kms:ViaService": `secretsmanager.${region}.amazonaws.com` } },
        },
    ];
}

/**
 * An AWS Glue schema registry (Using schema registries with Kafka event sources in Lambda): `glue:GetRegistry` on the
 * registry, `glue:GetSchemaVersion` on the registry and its schemas (`schema/<registry>/*` in the same account and
 * Region), nothing else.
 */
export function glueRegistryStatements(registryArn: string): Statement[] {
    const m = GLUE_REGISTRY_ARN.exec(registryArn);
    if (!m) throw new Error(`not an AWS Glue registry ARN: ${registryArn}`);
    const schemas = registryArn.replace(/:registry\/[^/]+$/, `:schema/${m[1]}/*`);
    const onRegistryOnly = GLUE_REGISTRY_ACTIONS.registry.filter((a) => !(GLUE_REGISTRY_ACTIONS.schemas as readonly string[]).includes(a));
    const one = (actions: readonly string[]): string | string[] => (actions.length === 1 ? actions[0] : [...actions]);
    return [
        // GLUE_REGISTRY_ACTIONS (shared with the pack): those only on the registry, then those on it and its schemas.
        { Sid: "ReadSchemaRegistry", Effect: "Allow", Action: one(onRegistryOnly), Resource: registryArn },
        { Sid: "ReadSchemaVersions", Effect: "Allow", Action: one(GLUE_REGISTRY_ACTIONS.schemas), Resource: [registryArn, schemas] },
    ];
}

/** A Confluent-compatible registry's secrets: reading exactly them, decrypting only through Secrets Manager. */
export function schemaRegistrySecretStatements(region: string, r: { secretArn: string; rootCaSecretArn?: string; kmsKeyArn?: string }): Statement[] {
    const secrets = r.rootCaSecretArn ? [r.secretArn, r.rootCaSecretArn] : r.secretArn;
    const out: Statement[] = [{ Sid: "ReadSchemaRegistrySecrets", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: secrets }];
    if (r.kmsKeyArn)
        out.push({
            Sid: "DecryptSchemaRegistrySecrets",
            Effect: "Allow",
            Action: "kms:Decrypt",
            Resource: r.kmsKeyArn,
            Condition: { StringEquals: { "kms:ViaService": `secretsmanager.${region}.amazonaws.com` } },
        });
    return out;
}

/**
 * The idempotency table: exactly the item actions the handler's store calls (IDEMPOTENCY_TABLE_ACTIONS), on that
 * table, and its key used only through DynamoDB.
 */
export function idempotencyStatements(region: string, t: { tableArn: string; kmsKeyArn: string }): Statement[] {
    return [
        { Sid: "IdempotencyRecords", Effect: "Allow", Action: [...IDEMPOTENCY_TABLE_ACTIONS], Resource: t.tableArn },
        {
            Sid: "IdempotencyTableKey",
            Effect: "Allow",
            Action: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"],
            Resource: t.kmsKeyArn,
            Condition: { StringEquals: { "kms:ViaService": `dynamodb.${region}.amazonaws.com` } },
        },
    ];
}

/**
 * Sending to one destination and using its key (the catalogue's actions), with the Sids given. `roleAccount` is the
 * execution role's account: a key in another account gets the cross-account actions.
 */
export function grantStatements(d: DestinationGrant, sendSid: string, keySid: string, roleAccount?: string): Statement[] {
    return [...sendStatements(d, sendSid), ...kmsStatements(d, keySid, roleAccount)];
}

/** The Sids of the failure destination's and the i-th async destination's statements. */
export const DESTINATION_SIDS = {
    failure: { send: "SendFailureRecords", key: "EncryptFailureRecords" },
    async: (i: number) => ({ send: `SendAsyncRecords${i}`, key: `EncryptAsyncRecords${i}` }),
} as const;

/** Sending to the failure destination and the async destinations, and using their keys. */
export function destinationStatements(failure: DestinationGrant | undefined, async: DestinationGrant[] = [], roleAccount?: string): Statement[] {
    const dest: Statement[] = [];
    if (failure) dest.push(...grantStatements(failure, DESTINATION_SIDS.failure.send, DESTINATION_SIDS.failure.key, roleAccount));
    async.forEach((d, i) => dest.push(...grantStatements(d, DESTINATION_SIDS.async(i).send, DESTINATION_SIDS.async(i).key, roleAccount)));
    return dest;
}

/**
 * "Capturing records of Lambda asynchronous invocations": "If the destination queue or topic is encrypted with a customer managed key, the execution role must be
 * a user in the key's resource-based policy." Key policy statements naming each sending role with the destination
 * type's KMS actions ("Capturing discarded batches for a self-managed Apache Kafka event source").
 */
export function destinationKeyUsers(type: DestinationType, userRoleArns: string[]): Statement[] {
    const actions = [...(factsOf(type)?.kms ?? [])];
    return actions.length && userRoleArns.length
        ? [
              {
                  Sid: "ExecutionRolesUseKey",
                  Effect: "Allow",
                  Principal: { AWS: userRoleArns.length === 1 ? userRoleArns[0] : userRoleArns },
                  Action: actions,
                  Resource: "*",
              },
          ]
        : [];
}

/** Trust policy: only the Lambda service assumes the execution role. */
export const LAMBDA_TRUST: PolicyDocument = policy([{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }]);

/**
 * A self-managed Apache Kafka mapping's role (AWS Lambda, "Configuring Lambda execution role permissions" for
 * self-managed Apache Kafka): no kafka or kafka-cluster action (the brokers are not MSK's), and the EC2
 * network-interface actions only when the pollers run in a VPC (VPC_SUBNET / VPC_SECURITY_GROUP); over the internet
 * nothing at all. The secrets are granted by `sourceSecretStatements`.
 */
export function selfManagedStatements(inVpc: boolean): Statement[] {
    return inVpc ? [{ Sid: "PollerNetworkInterfaces", Effect: "Allow", Action: [...MAPPING_EC2_ACTIONS], Resource: "*" }] : [];
}

/** What a mapping on an MSK managed VPC connection reads: the connection, and the other account's cluster. */
export interface VpcConnectionGrants {
    connectionArn: string;
    /** The other account's cluster (its cluster policy must allow the same for this account). */
    clusterArn: string;
    topic: string;
    consumerGroupId: string;
    iam: boolean;
}

/**
 * A cross-account mapping's role (AWS Lambda, "Creating cross-account event source mappings" and "Configuring Lambda
 * execution role permissions": "kafka:DescribeVpcConnection: Only required for cross-account event source mappings"):
 * describing the VPC connection, the EC2 network-interface actions, describing the other account's cluster and its
 * bootstrap brokers, and with IAM the consumer's kafka-cluster actions on that cluster's topic and group ARNs. The
 * cluster's owner grants the same to this account in its cluster policy (`crossAccountClusterPolicy`).
 */
export function vpcConnectionStatements(g: VpcConnectionGrants): Statement[] {
    const out: Statement[] = [
        { Sid: "PollerNetworkInterfaces", Effect: "Allow", Action: [...MAPPING_EC2_ACTIONS], Resource: "*" },
        { Sid: "DescribeVpcConnection", Effect: "Allow", Action: "kafka:DescribeVpcConnection", Resource: g.connectionArn },
        { Sid: "DescribeCluster", Effect: "Allow", Action: [...MAPPING_DESCRIBE_CLUSTER_ACTIONS, ...MAPPING_CLUSTER_ACTIONS], Resource: g.clusterArn },
    ];
    if (g.iam) {
        out.push(
            { Sid: "KafkaConnect", Effect: "Allow", Action: consumerActionsOn("cluster"), Resource: g.clusterArn },
            { Sid: "KafkaReadTopic", Effect: "Allow", Action: consumerActionsOn("topic"), Resource: topicArn(g.clusterArn, g.topic) },
            { Sid: "KafkaConsumerGroup", Effect: "Allow", Action: consumerActionsOn("group"), Resource: groupArn(g.clusterArn, g.consumerGroupId) },
        );
    }
    return out;
}

/**
 * The secrets of a cross-account or self-managed source (SASL/SCRAM, SASL/PLAIN or mTLS, and a server root CA):
 * reading exactly them, and decrypting with their customer-managed key only through Secrets Manager (AWS Lambda,
 * "Configuring Lambda execution role permissions": secretsmanager:GetSecretValue, and kms:Decrypt for a customer
 * managed key).
 */
export function sourceSecretStatements(region: string, s: { secretArns: string[]; kmsKeyArn?: string }): Statement[] {
    const out: Statement[] = [
        {
            Sid: "ReadSourceSecrets",
            Effect: "Allow",
            Action: "secretsmanager:GetSecretValue",
            Resource: s.secretArns.length === 1 ? s.secretArns[0] : s.secretArns,
        },
    ];
    if (s.kmsKeyArn)
        out.push({
            Sid: "DecryptSourceSecrets",
            Effect: "Allow",
            Action: "kms:Decrypt",
            Resource: s.kmsKeyArn,
            Condition: { StringEquals: { "kms:ViaService": `secretsmanager.${region}.amazonaws.com` } },
        });
    return out;
}

/** The control-plane actions a cross-account client needs on the cluster (Amazon MSK, "Step 2: Attach a cluster policy to the MSK cluster"). */
export const CROSS_ACCOUNT_CLUSTER_ACTIONS = [
    "kafka:CreateVpcConnection",
    "kafka:GetBootstrapBrokers",
    "kafka:DescribeCluster",
    "kafka:DescribeClusterV2",
] as const;

/**
 * The owner's cluster policy (Amazon MSK, "Step 2: Attach a cluster policy to the MSK cluster"): the consumer accounts
 * may create a managed VPC connection, get the bootstrap brokers and describe the cluster; with IAM authentication they
 * may also do what a Lambda consumer does on the data plane (Connect and DescribeClusterDynamicConfiguration on the
 * cluster, DescribeTopic and ReadData on its topics, DescribeGroup and AlterGroup on its groups), narrower than the
 * page's example `kafka-cluster:*`. Each account still grants its own roles (`vpcConnectionStatements`).
 */
export function crossAccountClusterPolicy(clusterArn: string, accounts: string[], iam: boolean): PolicyDocument {
    const c = parseClusterArn(clusterArn);
    const principal = { AWS: accounts.length === 1 ? accounts[0] : accounts };
    const statements: Statement[] = [
        { Sid: "CrossAccountConnect", Effect: "Allow", Principal: principal, Action: [...CROSS_ACCOUNT_CLUSTER_ACTIONS], Resource: clusterArn },
    ];
    if (iam) {
        statements.push(
            { Sid: "CrossAccountKafkaCluster", Effect: "Allow", Principal: principal, Action: consumerActionsOn("cluster"), Resource: clusterArn },
            {
                Sid: "CrossAccountKafkaTopics",
                Effect: "Allow",
                Principal: principal,
                Action: consumerActionsOn("topic"),
                Resource: `${c.prefix}:topic/${c.clusterName}/${c.clusterUuid}/*`,
            },
            {
                Sid: "CrossAccountKafkaGroups",
                Effect: "Allow",
                Principal: principal,
                Action: consumerActionsOn("group"),
                Resource: `${c.prefix}:group/${c.clusterName}/${c.clusterUuid}/*`,
            },
        );
    }
    return policy(statements);
}
