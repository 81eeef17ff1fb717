import * as pulumi from "@pulumi/pulumi";
import { parseStackConfig, type SecretConfig, type StackConfig } from "../lib/config";
import type { StackEnvironment } from "../lib/destinations";
import type { ClusterAuthentication, FailureDestinationType } from "../lib/settings";
import { factsOf } from "../policies/lib/public";
import { Alerts } from "./alerts";
import { Consumer, consumerFunctionName, idempotencyTableName } from "./consumer";
import { ClusterCredentials } from "./credentials";
import { KafkaCluster } from "./kafka-cluster";
import { Network } from "./network";
import { KafkaTopics } from "./topics";

/**
 * Reads and validates this stack's configuration before any resource is registered. Throws `ConfigError` (a
 * `RunError`: the CLI prints the message without a stack trace).
 */
export function readStackConfig(): StackConfig {
    // `isConfigSecret` is how the SDK itself knows which keys were set with --secret.
    const { isConfigSecret } = require("@pulumi/pulumi/runtime/config") as { isConfigSecret(k: string): boolean };
    const raw = pulumi.runtime.allConfig();
    return parseStackConfig(raw, {
        project: pulumi.getProject(),
        stack: pulumi.getStack(),
        secretKeys: Object.keys(raw).filter((k) => isConfigSecret(k)),
    });
}

export interface StackOutputs {
    vpcId: pulumi.Output<string>;
    privateSubnetIds: pulumi.Output<string>[];
    clusterSecurityGroupIds: pulumi.Output<string>[];
    clusterArn: pulumi.Output<string>;
    bootstrapBrokers: pulumi.Output<string>;
    brokerPort: number;
    authentication: string;
    alarmTopicArn: pulumi.Output<string>;
    dashboardName: pulumi.Output<string>;
    consumers: Record<string, ConsumerOutputs>;
}

export interface ConsumerOutputs {
    functionName: pulumi.Output<string>;
    functionArn: pulumi.Output<string>;
    mappingUuid: pulumi.Output<string>;
    failureDestinationArn: pulumi.Output<string>;
    offsetLagAlarmArn?: pulumi.Output<string>;
    /** Every alarm by config key (offsetLagAlarm, errorsAlarm, throttlesAlarm, destinationDeliveryFailuresAlarm). */
    alarmArns: Record<string, pulumi.Output<string>>;
}

/** Where the stack's components go, and the secret inputs that replace `cfg.secrets` (the `Stack` component's). */
export interface BuildOptions {
    /** The parent of every component (the `Stack` component); none in index.ts, whose URNs must not change. */
    parent?: pulumi.Resource;
    secrets?: { [K in keyof SecretConfig]?: pulumi.Input<string> };
}

/**
 * Builds the whole stack from validated configuration, through the components' plain-data args (the same args a
 * Python, Go, C# or YAML program gives them).
 */
export function buildStack(cfg: StackConfig, opts: BuildOptions = {}): StackOutputs {
    const base = `${cfg.project}-${cfg.stack}`;
    const tags = { project: cfg.project, stack: cfg.stack, environment: cfg.environment, "managed-by": "pulumi" };
    const child: pulumi.ComponentResourceOptions = opts.parent ? { parent: opts.parent } : {};
    const { network, cluster, topics, credentials } = buildCore(cfg, { base, tags, child, secrets: opts.secrets ?? cfg.secrets });

    const alerts = new Alerts("alerts", { environment: cfg.environment as StackEnvironment, baseName: base, tags }, child);
    const auth = cfg.cluster.authentication;
    const consumers = buildConsumers(cfg, {
        base,
        tags,
        child,
        clusterArn: cluster.clusterArn,
        auth,
        credentials,
        network,
        topics,
        alarmTopicArn: alerts.topicArn,
    });

    alerts.dashboard({
        // An existing cluster's broker count is not known here: its broker widgets are left out.
        cluster: cluster.brokerCount ? { name: base.slice(0, 64), brokers: cluster.brokerCount } : undefined,
        consumers: cfg.consumers.map((c) => ({
            name: c.name,
            topic: c.topic,
            functionName: consumerFunctionName(base, c.name),
            mappingUuid: consumers[c.name].mappingUuid,
            idempotencyTable: c.idempotency.enabled ? idempotencyTableName(base, c.name) : undefined,
        })),
    });

    return {
        vpcId: network.vpcId,
        privateSubnetIds: network.privateSubnetIds,
        clusterSecurityGroupIds: network.clusterSecurityGroupIds,
        clusterArn: cluster.clusterArn,
        bootstrapBrokers: cluster.bootstrapBrokers,
        brokerPort: cfg.cluster.brokerPort,
        authentication: cfg.cluster.authentication,
        alarmTopicArn: alerts.topicArn,
        dashboardName: alerts.dashboardName!,
        consumers,
    };
}

/** The network, the cluster, its topics and (SCRAM, mTLS) its credentials. */
function buildCore(
    cfg: StackConfig,
    s: { base: string; tags: Record<string, string>; child: pulumi.ComponentResourceOptions; secrets: BuildOptions["secrets"] },
) {
    const { base, tags, child } = s;
    const environment = cfg.environment as StackEnvironment;
    const network = new Network(
        "network",
        {
            settings: cfg.networkSettings,
            brokerPort: cfg.cluster.brokerPort,
            createClusterSecurityGroup: !cfg.cluster.existingClusterArn,
            clusterAzCount: cfg.cluster.azCount,
            failureDestinationTypes: cfg.consumers.map((c) => c.onFailure.type as FailureDestinationType),
            tags,
        },
        child,
    );

    const cluster = new KafkaCluster(
        "kafka",
        {
            settings: cfg.clusterSettings,
            environment,
            clusterName: base.slice(0, 64), // MSK: at most 64 characters
            subnetIds: network.clusterSubnetIds,
            securityGroupIds: network.clusterSecurityGroupIds,
            tags,
        },
        child,
    );

    // Every consumer's topic (and every topic listed in msk-lambda:topics) exists before its mapping is created.
    const topics = new KafkaTopics(
        "topics",
        { topics: cfg.topics, clusterArn: cluster.clusterArn, clusterName: base.slice(0, 64), environment },
        { ...child, dependsOn: cluster.cluster ? [cluster.cluster] : undefined },
    );

    const auth = cfg.cluster.authentication;
    const credentials =
        auth === "scram" || auth === "mtls"
            ? new ClusterCredentials(
                  "credentials",
                  {
                      authentication: auth as ClusterAuthentication,
                      environment,
                      baseName: base,
                      clusterArn: cluster.clusterArn,
                      associate: true,
                      ...s.secrets,
                      tags,
                  },
                  child,
              )
            : undefined;
    return { network, cluster, topics, credentials };
}

/** What every consumer of the stack shares. */
interface ConsumerSetting {
    base: string;
    tags: Record<string, string>;
    child: pulumi.ComponentResourceOptions;
    clusterArn: pulumi.Output<string>;
    auth: StackConfig["cluster"]["authentication"];
    credentials?: ClusterCredentials;
    network: Network;
    topics: KafkaTopics;
    alarmTopicArn: pulumi.Output<string>;
}

/**
 * One Consumer per `msk-lambda:consumers` item, through the same plain-data args a Python or YAML program gives it:
 * the item as written in the stack file, and what its mapping waits for as `waitFor` (the network path and the
 * failure destination's endpoint, the secret's value and association, its topic and Kafka failure topic).
 */
function buildConsumers(cfg: StackConfig, s: ConsumerSetting): Record<string, ConsumerOutputs> {
    const consumers: Record<string, ConsumerOutputs> = {};
    cfg.consumers.forEach((c, i) => {
        const endpoint = factsOf(c.onFailure.type)?.endpoint;
        const failureEndpoint = endpoint ? s.network.endpoints[endpoint.service] : undefined;
        const waitFor = [
            s.network.pollerPathReady,
            s.credentials?.secretReady,
            s.topics.topics[c.topic]?.arn,
            c.onFailure.kind === "kafka" ? s.topics.topics[c.onFailure.topic]?.arn : undefined,
            failureEndpoint?.id,
        ].filter((o): o is pulumi.Output<string> => o !== undefined);
        const consumer = new Consumer(
            `consumer-${c.name}`,
            {
                settings: cfg.consumerSettings[i],
                environment: cfg.environment as StackEnvironment,
                baseName: s.base,
                clusterArn: s.clusterArn,
                authentication: s.auth as ClusterAuthentication,
                credentialsSecretArn: s.credentials?.secretArn,
                credentialsKmsKeyArn: s.credentials?.kmsKeyArn,
                alarmTopicArn: s.alarmTopicArn,
                tags: s.tags,
                waitFor,
            },
            s.child,
        );
        consumers[c.name] = {
            functionName: consumer.function.name,
            functionArn: consumer.function.arn,
            mappingUuid: consumer.mapping.uuid,
            failureDestinationArn: consumer.failureDestinationArn,
            offsetLagAlarmArn: consumer.offsetLagAlarm?.arn,
            alarmArns: Object.fromEntries(Object.entries(consumer.alarms).map(([k, a]) => [k, a!.arn])),
        };
    });
    return consumers;
}
