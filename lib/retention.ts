/**
 * What the stack keeps when a resource is deleted or the stack destroyed: one table, read by the components (each
 * stateful resource takes its options from here), rendered into README's Safety section by `npm run docs`, and held
 * to the planned stacks by tests/retention.test.ts.
 *
 * The rule behind it: whatever is retained, the key that encrypts it is retained too. A record kept after
 * `pulumi destroy` whose KMS key was scheduled for deletion becomes unreadable when the key's deletion window ends;
 * so every customer-managed key is retained wherever anything is (prod), and a key's own deletion stays a deliberate
 * act (`aws kms schedule-key-deletion`).
 */
import type { Environment } from "./config";

/** The Pulumi resource options this table decides. */
export interface Protection {
    /** `pulumi destroy` and replacements stop until the resource is unprotected (`pulumi state unprotect`). */
    protect: boolean;
    /** Deleting the resource from the stack (destroy, or removing it from config) leaves it in the account. */
    retainOnDelete: boolean;
}

export interface StatefulResource {
    /** What it is, as README's table names it. */
    resource: string;
    /** Pulumi type tokens this row governs (every resource of these types follows it). */
    types: string[];
    /** What it holds that a deletion loses. */
    holds: string;
    /** The key that encrypts what it holds. */
    encryptedBy: string;
    prod: Protection;
    /** dev and staging. */
    other: Protection;
    /** Deletion or recovery windows and other facts, shown in the table. */
    notes?: string;
}

/**
 * Per-environment durations of what the stack keeps: a KMS key's deletion window and a secret's recovery window (the
 * longest AWS allows, 30 days, in prod; 7, the shortest, elsewhere) and how long function logs are kept. The table's
 * notes below are written from these.
 */
export const DURATIONS = {
    keyDeletionWindowDays: { prod: 30, other: 7 },
    secretRecoveryWindowDays: { prod: 30, other: 7 },
    functionLogRetentionDays: { prod: 90, other: 14 },
} as const;

/** A duration of `DURATIONS` in this environment. */
export function durationOf(name: keyof typeof DURATIONS, environment: Environment): number {
    return environment === "prod" ? DURATIONS[name].prod : DURATIONS[name].other;
}

const NONE: Protection = { protect: false, retainOnDelete: false };
const GUARDED: Protection = { protect: true, retainOnDelete: true };
const RETAINED: Protection = { protect: false, retainOnDelete: true };

export const TYPES = {
    cluster: "aws:msk/cluster:Cluster",
    serverlessCluster: "aws:msk/serverlessCluster:ServerlessCluster",
    topic: "aws:msk/topic:Topic",
    key: "aws:kms/key:Key",
    secret: "aws:secretsmanager/secret:Secret",
    secretVersion: "aws:secretsmanager/secretVersion:SecretVersion",
    queue: "aws:sqs/queue:Queue",
    snsTopic: "aws:sns/topic:Topic",
    bucket: "aws:s3/bucket:Bucket",
    eventBus: "aws:cloudwatch/eventBus:EventBus",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
    idempotencyTable: "aws:dynamodb/table:Table",
    glueRegistry: "aws:glue/registry:Registry",
    bucketSettings: [
        "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
        "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
        "aws:s3/bucketVersioning:BucketVersioning",
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        "aws:s3/bucketPolicy:BucketPolicy",
    ],
} as const;

export const STATEFUL_RESOURCES: StatefulResource[] = [
    {
        resource: "MSK cluster (provisioned or Serverless)",
        types: [TYPES.cluster, TYPES.serverlessCluster],
        holds: "every topic's records",
        encryptedBy: "the cluster's key",
        prod: { protect: true, retainOnDelete: false },
        other: NONE,
        notes: "protected, not retained: a retained cluster would keep its subnets and security group in use and make `pulumi destroy` fail; deleting it is a deliberate act (unprotect, then destroy)",
    },
    {
        resource: "MSK configuration",
        types: ["aws:msk/configuration:Configuration"],
        holds: "nothing but the broker settings written in code (auto topic creation off, replication defaults)",
        encryptedBy: "",
        prod: NONE,
        other: NONE,
        notes: "recreated from code; the cluster that uses it is deleted before it",
    },
    {
        resource: "event source mappings",
        types: ["aws:lambda/eventSourceMapping:EventSourceMapping"],
        holds: "no records: a consumer group's committed offsets live in Kafka, under the group id",
        encryptedBy: "",
        prod: NONE,
        other: NONE,
        notes: "a replacement that keeps the group id resumes from its offsets; a new group id starts at `startingPosition` (see Changing a live stack)",
    },
    {
        resource: "Kafka topics the stack creates",
        types: [TYPES.topic],
        holds: "the topic's records",
        encryptedBy: "the cluster's key",
        prod: GUARDED,
        other: NONE,
        notes: "in prod, removing a topic (or its last consumer) or setting `existing: true` stops `pulumi up` until the topic is unprotected, and then leaves it on the cluster; elsewhere the topic and its records are deleted",
    },
    {
        resource: "failure and async destinations (SQS queue, SNS topic, S3 bucket, EventBridge bus) and the alarm topic",
        types: [TYPES.queue, TYPES.snsTopic, TYPES.bucket, TYPES.eventBus],
        holds: "failure and invocation records (the alarm topic: its subscriptions)",
        encryptedBy: "the destination's own key (the alarm topic: the alarms key)",
        prod: GUARDED,
        other: NONE,
    },
    {
        resource: "a destination bucket's settings (ownership, public access block, versioning, encryption, TLS-only policy)",
        types: [...TYPES.bucketSettings],
        holds: "what keeps a retained bucket private, versioned and KMS-encrypted",
        encryptedBy: "the bucket's key (its encryption setting)",
        prod: RETAINED,
        other: NONE,
    },
    {
        resource: "credentials secret (SCRAM or mTLS)",
        types: [TYPES.secret],
        holds: "the credentials the mappings authenticate with",
        encryptedBy: "the credentials key",
        prod: GUARDED,
        other: NONE,
        notes: `recovery window ${DURATIONS.secretRecoveryWindowDays.prod} days in prod, ${DURATIONS.secretRecoveryWindowDays.other} elsewhere`,
    },
    {
        resource: "the secret's value (its secret version)",
        types: [TYPES.secretVersion],
        holds: "the current credentials (deleting the version leaves a retained secret without a value)",
        encryptedBy: "the credentials key",
        prod: RETAINED,
        other: NONE,
    },
    {
        resource: "log groups (broker logs, function logs)",
        types: [TYPES.logGroup],
        holds: "broker and function logs",
        encryptedBy: "CloudWatch Logs (AWS-owned key)",
        prod: RETAINED,
        other: NONE,
        notes: `broker logs keep \`cluster.logRetentionDays\` (14 days in dev, 90 elsewhere), function logs ${DURATIONS.functionLogRetentionDays.prod} days in prod and ${DURATIONS.functionLogRetentionDays.other} elsewhere; a retained group still expires its events; re-adding a removed consumer in prod needs \`pulumi import\` of its retained log group (same name)`,
    },
    {
        resource: "customer-managed KMS keys (cluster, credentials, every destination, alarm topic, filter criteria)",
        types: [TYPES.key],
        holds: "the only way to read what they encrypt",
        encryptedBy: "",
        prod: GUARDED,
        other: NONE,
        notes: `deletion window ${DURATIONS.keyDeletionWindowDays.prod} days in prod, ${DURATIONS.keyDeletionWindowDays.other} elsewhere; a retained key costs $1 a month until you schedule its deletion`,
    },
    {
        resource: "idempotency tables (DynamoDB)",
        types: [TYPES.idempotencyTable],
        holds: "which records were processed: without it, records redelivered after the change are processed again",
        encryptedBy: "the table's key",
        prod: GUARDED,
        other: NONE,
        notes: "deletion protection and point-in-time recovery in prod; entries expire by TTL",
    },
    {
        resource: "AWS Glue schema registries the stack creates",
        types: [TYPES.glueRegistry],
        holds: "the schemas producers registered",
        encryptedBy: "",
        prod: GUARDED,
        other: NONE,
    },
];

const BY_TYPE = new Map<string, StatefulResource>();
for (const row of STATEFUL_RESOURCES) for (const t of row.types) BY_TYPE.set(t, row);

/** The options a resource of this type gets in this environment (none for types the table does not list). */
export function protectionOf(type: string, environment: Environment): Protection {
    const row = BY_TYPE.get(type);
    if (!row) return NONE;
    return { ...(environment === "prod" ? row.prod : row.other) };
}

/** README's Safety table, generated from `STATEFUL_RESOURCES`. */
export function safetyTable(): string {
    const flags = (p: Protection) => [p.protect && "`protect`", p.retainOnDelete && "`retainOnDelete`"].filter(Boolean).join(", ") || "deletable";
    const cell = (t: string) => t.replace(/\|/g, "\\|");
    return [
        "| resource | holds | dev, staging | prod | encrypted by | notes |",
        "| --- | --- | --- | --- | --- | --- |",
        ...STATEFUL_RESOURCES.map(
            (r) => `| ${cell(r.resource)} | ${cell(r.holds)} | ${flags(r.other)} | ${flags(r.prod)} | ${cell(r.encryptedBy || "-")} | ${cell(r.notes ?? "")} |`,
        ),
    ].join("\n");
}
