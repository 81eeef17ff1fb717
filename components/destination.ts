import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { Environment } from "../lib/config";
import { destinationKeyUsers, policy, type DestinationType, type Statement } from "../lib/iam";
import { customerKey } from "./kms";
import { protectionOf, TYPES } from "../lib/retention";

export interface DestinationArgs {
    type: Exclude<DestinationType, "lambda">;
    environment: Environment;
    /** Physical name (queue, topic, bus) or bucket name prefix. */
    physicalName: string;
    /** Execution roles that send records here: named as key users in the key policy (seed 004). */
    senderRoleArns: pulumi.Input<string>[];
    tags?: Record<string, string>;
}

/**
 * Where Lambda sends records it could not process (or async invocation records): a **standard** SQS queue or SNS
 * topic, an S3 bucket, or an EventBridge bus, each encrypted with its own customer-managed, rotating KMS key.
 *
 * Seeds 002/004: FIFO queues and topics are not supported as destinations, so none is ever created here.
 */
export class Destination extends pulumi.ComponentResource {
    public readonly type: DestinationArgs["type"];
    public readonly arn: pulumi.Output<string>;
    public readonly kmsKey: aws.kms.Key;
    public readonly kmsKeyArn: pulumi.Output<string>;
    /** The stateful resource itself (queue, topic, bucket or bus). */
    public readonly resource: pulumi.CustomResource;

    constructor(name: string, args: DestinationArgs, opts?: pulumi.ComponentResourceOptions) {
        super("msk-lambda:index:Destination", name, {}, opts);
        this.type = args.type;
        const tags = args.tags ?? {};
        // lib/retention.ts: in prod the records (and, through customerKey, their key) outlive the stack or the resource.
        const stateful = (type: string): pulumi.CustomResourceOptions => ({ parent: this, ...protectionOf(type, args.environment) });
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
                environment: args.environment,
                statements: ({ account }) =>
                    pulumi
                        .all([pulumi.all(args.senderRoleArns), busArn])
                        .apply(([roles, bus]) => [
                            ...destinationKeyUsers(args.type, roles),
                            ...(args.type === "eventbridge" ? eventBridgeKeyUse(bus, account) : []),
                        ]),
                tags,
            },
            this,
        );
        this.kmsKeyArn = this.kmsKey.arn;

        switch (args.type) {
            case "sqs": {
                const q = new aws.sqs.Queue(
                    id,
                    {
                        name: args.physicalName,
                        fifoQueue: false,
                        // The longest SQS allows: time to inspect and replay failed batches.
                        messageRetentionSeconds: 1_209_600,
                        kmsMasterKeyId: this.kmsKey.arn,
                        kmsDataKeyReusePeriodSeconds: 300,
                        tags,
                    },
                    stateful(TYPES.queue),
                );
                this.resource = q;
                this.arn = q.arn;
                break;
            }
            case "sns": {
                const t = new aws.sns.Topic(id, { name: args.physicalName, fifoTopic: false, kmsMasterKeyId: this.kmsKey.arn, tags }, stateful(TYPES.snsTopic));
                this.resource = t;
                this.arn = t.arn;
                break;
            }
            case "s3": {
                const b = new aws.s3.Bucket(id, { bucketPrefix: `${args.physicalName.slice(0, 36)}-`, forceDestroy: false, tags }, stateful(TYPES.bucket));
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
                // Seed 002 tip: "We recommend enabling S3 versioning on your destination bucket."
                new aws.s3.BucketVersioning(
                    `${name}-versioning`,
                    { bucket: b.id, versioningConfiguration: { status: "Enabled" } },
                    stateful(TYPES.bucketSettings[2]),
                );
                new aws.s3.BucketServerSideEncryptionConfiguration(
                    `${name}-encryption`,
                    {
                        bucket: b.id,
                        rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: this.kmsKey.arn }, bucketKeyEnabled: true }],
                    },
                    stateful(TYPES.bucketSettings[3]),
                );
                new aws.s3.BucketPolicy(
                    `${name}-tls-only`,
                    {
                        bucket: b.id,
                        policy: b.arn.apply((arn) =>
                            JSON.stringify(
                                policy([
                                    {
                                        Sid: "DenyInsecureTransport",
                                        Effect: "Deny",
                                        Principal: { AWS: "*" },
                                        Action: "s3:*",
                                        Resource: [arn, `${arn}/*`],
                                        Condition: { Bool: { "aws:SecureTransport": false } },
                                    },
                                ]),
                            ),
                        ),
                    },
                    stateful(TYPES.bucketSettings[4]),
                );
                this.resource = b;
                this.arn = b.arn;
                break;
            }
            case "eventbridge": {
                const bus = new aws.cloudwatch.EventBus(id, { name: args.physicalName, kmsKeyIdentifier: this.kmsKey.arn, tags }, stateful(TYPES.eventBus));
                this.resource = bus;
                this.arn = bus.arn;
                break;
            }
        }
        this.registerOutputs({ arn: this.arn, kmsKeyArn: this.kmsKeyArn });
    }
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
