import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { Environment } from "../lib/config";
import {
    CREATABLE,
    DestinationType,
    kafkaDestinationArn,
    StackEnvironment,
    type CreatableKind,
    type DestinationKind,
    type DestinationSpec,
} from "../lib/destinations";
import { destinationKeyUsers, grantStatements, kafkaDestinationStatements, policy, type KafkaGrants, type Statement } from "../lib/iam";
import { factsOf } from "../policies/lib/public";
import type { DestinationEndpoint } from "./network";
import { customerKey } from "./kms";
import { protectionOf, TYPES } from "../lib/retention";

export interface DestinationArgs {
    /** What to create: sqs, sns, s3 or eventbridge (lib/destinations.ts). A change replaces the destination and its records. */
    type: DestinationType;
    /** The stack's environment: in prod the destination and its key are protected and retained (lib/retention.ts). */
    environment: StackEnvironment;
    /** Physical name (queue, topic, bus) or bucket name prefix. A change replaces the destination and its records. */
    physicalName: string;
    /** Execution roles that send records here: named as key users in the key policy ("Capturing records of Lambda asynchronous invocations"). */
    senderRoleArns: pulumi.Input<string>[];
    /** Tags on every taggable resource. */
    tags?: { [key: string]: string };
}

/**
 * Where Lambda sends records it could not process (or async invocation records): a **standard** SQS queue or SNS
 * topic, an S3 bucket, or an EventBridge bus, each encrypted with its own customer-managed, rotating KMS key.
 *
 * "Capturing records of Lambda asynchronous invocations": FIFO queues and topics are not supported as destinations,
 * so none is ever created here. One creator per creatable kind (lib/destinations.ts `CREATABLE`).
 */
export class Destination extends pulumi.ComponentResource {
    public readonly type: DestinationType;
    public readonly arn: pulumi.Output<string>;
    public readonly kmsKey: aws.kms.Key;
    public readonly kmsKeyArn: pulumi.Output<string>;

    constructor(name: string, args: DestinationArgs, opts?: pulumi.ComponentResourceOptions) {
        super("msk-lambda:index:Destination", name, {}, opts);
        this.type = args.type;
        // The enums' values are the config's strings (a Python or YAML program sends those).
        const environment = `${args.environment}` as Environment;
        const kind = `${args.type}` as CreatableKind;
        const tags = args.tags ?? {};
        // lib/retention.ts: in prod the records (and, through customerKey, their key) outlive the stack or the resource.
        const stateful = (type: string): pulumi.CustomResourceOptions => ({ parent: this, ...protectionOf(type, environment) });
        const identity = aws.getCallerIdentityOutput({}, { parent: this });
        const partition = aws.getPartitionOutput({}, { parent: this });
        const region = aws.getRegionOutput({}, { parent: this });
        const busArn = pulumi.interpolate`arn:${partition.partition}:events:${region.region}:${identity.accountId}:event-bus/${args.physicalName}`;

        // The key and the destination are named from the physical name, not this component's name: renaming the
        // component (or its consumer) leaves their URNs unchanged.
        const id = args.physicalName;
        this.kmsKey = customerKey(
            `${id}-key`,
            {
                description: `Encrypts ${args.type} destination ${args.physicalName}`,
                environment,
                statements: ({ account }) =>
                    pulumi
                        .all([pulumi.all(args.senderRoleArns), busArn])
                        .apply(([roles, bus]) => [...destinationKeyUsers(kind, roles), ...(kind === "eventbridge" ? eventBridgeKeyUse(bus, account) : [])]),
                tags,
            },
            this,
        );
        this.kmsKeyArn = this.kmsKey.arn;

        const made = CREATORS[kind]({ id, name, physicalName: args.physicalName, key: this.kmsKey, tags, stateful });
        this.arn = made.arn;
        this.registerOutputs({ arn: this.arn, kmsKeyArn: this.kmsKeyArn });
    }
}

/** What a creator gets: the physical name, the destination's key, and the options of a stateful resource. */
interface CreatorContext {
    id: string;
    name: string;
    physicalName: string;
    key: aws.kms.Key;
    tags: Record<string, string>;
    stateful: (type: string) => pulumi.CustomResourceOptions;
}
type Creator = (c: CreatorContext) => { resource: pulumi.CustomResource; arn: pulumi.Output<string> };

/** One creator per kind the stack creates: a standard queue or topic, a private versioned bucket, an event bus. */
const CREATORS: Record<CreatableKind, Creator> = {
    sqs: ({ id, physicalName, key, tags, stateful }) => {
        const q = new aws.sqs.Queue(
            id,
            {
                name: physicalName,
                fifoQueue: false,
                // The longest SQS allows: time to inspect and replay failed batches.
                messageRetentionSeconds: 1_209_600,
                kmsMasterKeyId: key.arn,
                kmsDataKeyReusePeriodSeconds: 300,
                tags,
            },
            stateful(TYPES.queue),
        );
        return { resource: q, arn: q.arn };
    },
    sns: ({ id, physicalName, key, tags, stateful }) => {
        const t = new aws.sns.Topic(id, { name: physicalName, fifoTopic: false, kmsMasterKeyId: key.arn, tags }, stateful(TYPES.snsTopic));
        return { resource: t, arn: t.arn };
    },
    s3: createBucket,
    eventbridge: ({ id, physicalName, key, tags, stateful }) => {
        const bus = new aws.cloudwatch.EventBus(id, { name: physicalName, kmsKeyIdentifier: key.arn, tags }, stateful(TYPES.eventBus));
        return { resource: bus, arn: bus.arn };
    },
};
// Every creatable kind has a creator (checked by the Record type; this keeps the list and the table one).
void CREATABLE;

/** A private, versioned, KMS-encrypted bucket that refuses plain HTTP. */
function createBucket({ id, name, physicalName, key, tags, stateful }: CreatorContext): ReturnType<Creator> {
    const b = new aws.s3.Bucket(id, { bucketPrefix: `${physicalName.slice(0, 36)}-`, forceDestroy: false, tags }, stateful(TYPES.bucket));
    new aws.s3.BucketOwnershipControls(
        `${name}-ownership`,
        { bucket: b.id, rule: { objectOwnership: "BucketOwnerEnforced" } },
        stateful(TYPES.bucketSettings[0]),
    );
    new aws.s3.BucketPublicAccessBlock(
        `${name}-public-access`,
        { bucket: b.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
        stateful(TYPES.bucketSettings[1]),
    );
    // "Capturing discarded batches for Amazon MSK and self-managed Apache Kafka event sources", tip: "We recommend
    // enabling S3 versioning on your destination bucket."
    new aws.s3.BucketVersioning(`${name}-versioning`, { bucket: b.id, versioningConfiguration: { status: "Enabled" } }, stateful(TYPES.bucketSettings[2]));
    new aws.s3.BucketServerSideEncryptionConfiguration(
        `${name}-encryption`,
        { bucket: b.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: key.arn }, bucketKeyEnabled: true }] },
        stateful(TYPES.bucketSettings[3]),
    );
    const tlsOnly = (arn: string): Statement => ({
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: { AWS: "*" },
        Action: "s3:*",
        Resource: [arn, `${arn}/*`],
        Condition: { Bool: { "aws:SecureTransport": false } },
    });
    new aws.s3.BucketPolicy(
        `${name}-tls-only`,
        { bucket: b.id, policy: b.arn.apply((arn) => JSON.stringify(policy([tlsOnly(arn)]))) },
        stateful(TYPES.bucketSettings[4]),
    );
    return { resource: b, arn: b.arn };
}

/**
 * EventBridge encrypts a bus's events itself: its service principal may use the key, for this bus only. DescribeKey
 * carries no encryption context, so it is limited by source only.
 */
function eventBridgeKeyUse(busArn: string, account: string): Statement[] {
    const source = { "aws:SourceAccount": account, "aws:SourceArn": busArn };
    return [
        {
            Sid: "EventBridgeDescribesKey",
            Effect: "Allow",
            Principal: { Service: "events.amazonaws.com" },
            Action: "kms:DescribeKey",
            Resource: "*",
            Condition: { StringEquals: source },
        },
        {
            Sid: "EventBridgeUsesKeyForThisBus",
            Effect: "Allow",
            Principal: { Service: "events.amazonaws.com" },
            Action: ["kms:GenerateDataKey", "kms:Decrypt"],
            Resource: "*",
            Condition: { StringEquals: { ...source, "kms:EncryptionContext:aws:events:event-bus:arn": busArn } },
        },
    ];
}

/** What a consumer needs from a destination, whatever its kind (in the spirit of aws-cdk's event source `bind()`). */
export interface DestinationBinding {
    /** The catalogue kind, or "kafka" for a topic on the mapping's own cluster. */
    kind: DestinationKind | "kafka";
    /** What the mapping or invoke config names: the destination's ARN, or `kafka://<topic>`. */
    arn: pulumi.Output<string>;
    kmsKeyArn: pulumi.Output<string | undefined>;
    /** The execution role's inline policy the grant belongs in: the destinations policy, or the kafka policy (a topic). */
    policy: "destinations" | "kafka";
    /** The execution role's statements: sending, and using the destination's key. */
    statements(sids: { send: string; key: string }): pulumi.Output<Statement[]>;
    /** The VPC endpoint the pollers need to reach it from the cluster's VPC (catalogue), if any. */
    endpoint?: DestinationEndpoint;
    /** What must exist before Lambda is told to send here (the created destination, the topic). */
    dependencies: pulumi.Resource[];
}

export interface BindContext {
    environment: Environment;
    /** Physical name of a destination the stack creates. */
    physicalName: string;
    /** The execution role that sends records (a key user of a created destination's key). */
    roleArn: pulumi.Input<string>;
    tags: Record<string, string>;
    /** For a Kafka topic destination: the cluster, its authentication and the topic resource the stack creates. */
    clusterArn: pulumi.Input<string>;
    authentication: KafkaGrants["authentication"];
    failureTopic?: pulumi.Resource;
}

/**
 * Binds a configured destination to a consumer: creates it (with its own key, the role a key user) when the config
 * says `{ type }`, or names an existing one (`{ arn }`: the role is only granted it), or a Kafka topic of the same
 * cluster ("Using a Kafka topic as an on-failure destination"). Every fact about the kind comes from the catalogue.
 */
export function bindDestination(scope: pulumi.Resource, name: string, spec: DestinationSpec, ctx: BindContext): DestinationBinding {
    if (spec.kind === "kafka") {
        const topic = spec.topic;
        return {
            kind: "kafka",
            arn: pulumi.output(kafkaDestinationArn(topic)),
            kmsKeyArn: pulumi.output(undefined),
            policy: "kafka",
            statements: () =>
                pulumi.output(ctx.clusterArn).apply((clusterArn) => kafkaDestinationStatements({ clusterArn, topic, authentication: ctx.authentication })),
            dependencies: ctx.failureTopic ? [ctx.failureTopic] : [],
        };
    }
    const facts = factsOf(spec.type)!;
    let arn: pulumi.Output<string>;
    let kmsKeyArn: pulumi.Output<string | undefined>;
    const dependencies: pulumi.Resource[] = [];
    if (spec.kind === "existing") {
        // Teams often share one destination: the program only grants this role permission to use it.
        arn = pulumi.output(spec.arn);
        kmsKeyArn = pulumi.output(spec.kmsKeyArn);
    } else {
        const dest = new Destination(
            name,
            {
                type: spec.type as DestinationType,
                environment: ctx.environment as StackEnvironment,
                physicalName: ctx.physicalName,
                senderRoleArns: [ctx.roleArn],
                tags: ctx.tags,
            },
            { parent: scope },
        );
        arn = dest.arn;
        kmsKeyArn = dest.kmsKeyArn;
        dependencies.push(dest);
    }
    const type = spec.type;
    return {
        kind: type,
        arn,
        kmsKeyArn,
        policy: "destinations",
        // A key in another account than the role gets the cross-account actions (lib/iam.ts kmsStatements).
        statements: (sids) =>
            pulumi
                .all([arn, kmsKeyArn, ctx.roleArn])
                .apply(([a, k, role]) => grantStatements({ type, arn: a, kmsKeyArn: k }, sids.send, sids.key, role.split(":")[4])),
        endpoint: facts.endpoint,
        dependencies,
    };
}
