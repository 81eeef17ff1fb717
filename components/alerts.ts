import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { Environment } from "../lib/config";
import type { StackEnvironment } from "../lib/destinations";
import { dashboardBody, type DashboardInput } from "../lib/dashboard";
import { customerKey } from "./kms";
import { protectionOf, TYPES } from "../lib/retention";

export interface AlertsArgs {
    /** The stack's environment: in prod the alarm topic and its key are protected and retained (lib/retention.ts). */
    environment: StackEnvironment;
    /** Base of physical names (e.g. `msk-lambda-dev`): the topic is `<baseName>-alarms`. A change replaces the topic and its key. */
    baseName: string;
    /** Tags on the topic and its key. */
    tags?: { [key: string]: string };
}

/**
 * The stack's alarm topic, encrypted with a customer-managed key whose policy lets CloudWatch use it (without that,
 * CloudWatch cannot publish alarm notifications to the encrypted topic and they are silently lost), and the stack's
 * CloudWatch dashboard.
 */
export class Alerts extends pulumi.ComponentResource {
    public readonly topicArn: pulumi.Output<string>;
    public readonly kmsKey: aws.kms.Key;
    /** Set by `dashboard()` (the TypeScript program), which other languages do not call. */
    public dashboardName?: pulumi.Output<string>;
    private readonly baseName: string;
    private readonly name: string;

    constructor(name: string, args: AlertsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("msk-lambda:index:Alerts", name, {}, opts);
        this.name = name;
        // The enum's values are the config's strings (a Python or YAML program sends those).
        const environment = `${args.environment}` as Environment;
        // Stateful resources are named from their physical names, not this component's name: renaming the component
        // leaves their URNs unchanged (a URN holds the parents' types, not their names).
        this.kmsKey = customerKey(
            `${args.baseName}-alarms-key`,
            {
                description: `Encrypts the alarm topic of ${args.baseName}`,
                environment,
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
            { parent: this, ...protectionOf(TYPES.snsTopic, environment) },
        );
        this.topicArn = topic.arn;
        this.baseName = args.baseName;
    }

    /**
     * The stack's dashboard, made once the consumers exist: its event source mapping widgets name each mapping's UUID
     * (the dimension of the mapping's metrics). Completes the component.
     */
    dashboard(
        input: Omit<DashboardInput, "region" | "consumers"> & {
            consumers: (Omit<DashboardInput["consumers"][number], "mappingUuid"> & { mappingUuid?: pulumi.Input<string> })[];
        },
    ): void {
        const region = aws.getRegionOutput({}, { parent: this }).region;
        const uuids = pulumi.all(input.consumers.map((c) => pulumi.output(c.mappingUuid ?? "")));
        const dashboard = new aws.cloudwatch.Dashboard(
            `${this.name}-dashboard`,
            {
                dashboardName: this.baseName,
                dashboardBody: pulumi
                    .all([region, uuids])
                    .apply(([r, ids]) =>
                        JSON.stringify(
                            dashboardBody({ ...input, region: r, consumers: input.consumers.map((c, i) => ({ ...c, mappingUuid: ids[i] || undefined })) }),
                        ),
                    ),
            },
            { parent: this },
        );
        this.dashboardName = dashboard.dashboardName;
        this.registerOutputs({ topicArn: this.topicArn, dashboardName: this.dashboardName });
    }
}
