import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { Environment } from "../lib/config";
import { dashboardBody, type DashboardInput } from "../lib/dashboard";
import { customerKey } from "./kms";
import { protectionOf, TYPES } from "../lib/retention";

export interface AlertsArgs {
    environment: Environment;
    baseName: string;
    /** What the stack's dashboard shows. */
    dashboard: Omit<DashboardInput, "region">;
    tags?: Record<string, string>;
}

/**
 * The stack's alarm topic, encrypted with a customer-managed key whose policy lets CloudWatch use it (without that,
 * CloudWatch cannot publish alarm notifications to the encrypted topic and they are silently lost), and the stack's
 * CloudWatch dashboard.
 */
export class Alerts extends pulumi.ComponentResource {
    public readonly topicArn: pulumi.Output<string>;
    public readonly kmsKey: aws.kms.Key;
    public readonly dashboardName: pulumi.Output<string>;

    constructor(name: string, args: AlertsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("msk-lambda:index:Alerts", name, {}, opts);
        // Stateful resources are named from their physical names, not this component's name: renaming the component
        // leaves their URNs unchanged (a URN holds the parents' types, not their names).
        this.kmsKey = customerKey(
            `${args.baseName}-alarms-key`,
            {
                description: `Encrypts the alarm topic of ${args.baseName}`,
                environment: args.environment,
                statements: ({ account }) => [
                    {
                        Sid: "CloudWatchPublishesAlarms",
                        Effect: "Allow",
                        Principal: { Service: "cloudwatch.amazonaws.com" },
                        Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
                        Resource: "*",
                        Condition: { StringEquals: { "aws:SourceAccount": account } },
                    },
                ],
                tags: args.tags,
            },
            this,
        );
        const topic = new aws.sns.Topic(
            `${args.baseName}-alarms`,
            { name: `${args.baseName}-alarms`, kmsMasterKeyId: this.kmsKey.arn, fifoTopic: false, tags: args.tags },
            // Its subscriptions (your on-call) are set up outside the stack: kept in prod (lib/retention.ts).
            { parent: this, ...protectionOf(TYPES.snsTopic, args.environment) },
        );
        this.topicArn = topic.arn;
        const region = aws.getRegionOutput({}, { parent: this }).region;
        const dashboard = new aws.cloudwatch.Dashboard(
            `${name}-dashboard`,
            { dashboardName: args.baseName, dashboardBody: region.apply((r) => JSON.stringify(dashboardBody({ region: r, ...args.dashboard }))) },
            { parent: this },
        );
        this.dashboardName = dashboard.dashboardName;
        this.registerOutputs({ topicArn: this.topicArn, dashboardName: this.dashboardName });
    }
}
