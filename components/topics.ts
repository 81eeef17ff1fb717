import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { Environment } from "../lib/config";
import type { StackEnvironment } from "../lib/destinations";
import { protectionOf, TYPES } from "../lib/retention";
import type { TopicConfig } from "../lib/topics";

export interface KafkaTopicsArgs {
    /** Validated topics (`StackConfig.topics`, see `msk-lambda:topics`): existing ones are skipped. */
    topics: TopicConfig[];
    /** The MSK cluster's ARN. A change replaces every topic. */
    clusterArn: pulumi.Input<string>;
    /** Physical cluster name: topic resources are named from it, so renaming this component keeps their URNs. */
    clusterName: string;
    /** The stack's environment: in prod topics are protected and retained (lib/retention.ts). */
    environment: StackEnvironment;
}

/**
 * The Kafka topics the stack creates, through the MSK topic API (`aws.msk.Topic`: no broker connectivity or Kafka
 * client needed). The cluster sets `auto.create.topics.enable=false`, so without these a fresh stack's mappings would
 * read topics that do not exist. Topics hold records: in prod they are protected and retained (lib/retention.ts).
 */
export class KafkaTopics extends pulumi.ComponentResource {
    /** Created topics by name; existing topics are absent. */
    public readonly topics: Record<string, aws.msk.Topic> = {};

    constructor(name: string, args: KafkaTopicsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("msk-lambda:index:KafkaTopics", name, {}, opts);
        // What must exist before the topic API can be called (the cluster, when the stack creates it): the component's
        // own dependsOn, given to each topic.
        const dependsOn = opts?.dependsOn;
        const environment = `${args.environment}` as Environment;
        for (const t of args.topics) {
            if (t.existing) continue;
            this.topics[t.name] = new aws.msk.Topic(
                `${args.clusterName}-topic-${t.name}`,
                {
                    clusterArn: args.clusterArn,
                    name: t.name,
                    partitionCount: t.partitions!,
                    replicationFactor: t.replicationFactor!,
                    configs: JSON.stringify(t.configs),
                },
                { parent: this, dependsOn, ...protectionOf(TYPES.topic, environment) },
            );
        }
        this.registerOutputs({ topicArns: Object.fromEntries(Object.entries(this.topics).map(([n, t]) => [n, t.arn])) });
    }
}
