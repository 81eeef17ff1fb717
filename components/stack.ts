import * as pulumi from "@pulumi/pulumi";
import { parseStackConfig, type StackConfig } from "../lib/config";
import type { StackEnvironment } from "../lib/destinations";
import { Alerts } from "./alerts";
import { handlerArchive } from "./bundle";
import { Consumer, consumerFunctionName, idempotencyTableName, type MappingSource } from "./consumer";
import { ClusterCredentials } from "./credentials";
import { KafkaCluster } from "./kafka-cluster";
import { Network } from "./network";
import { KafkaTopics } from "./topics";
import { KafkaVpcConnection, ServerlessKafka } from "./source";
import { BROKER_PORTS, type Authentication } from "../lib/layout";
import { ACCESS_TYPE, VPC_CONNECTION_PORTS } from "../lib/source";

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
    /** The network's; undefined for self-managed brokers reached over the internet (no VPC). */
    vpcId?: pulumi.Output<string>;
    privateSubnetIds?: pulumi.Output<string>[];
    clusterSecurityGroupIds?: pulumi.Output<string>[];
    /** The MSK cluster (for `msk-vpc-connection`: the other account's); undefined for self-managed Kafka. */
    clusterArn?: pulumi.Output<string>;
    /** The bootstrap brokers (self-managed: as configured); for `msk-vpc-connection` the connection's ARN. */
    bootstrapBrokers: pulumi.Output<string>;
    /** The broker port of a created security group; undefined when the port is not this stack's (self-managed). */
    brokerPort?: number;
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

/** Builds the whole stack from validated configuration. */
export function buildStack(cfg: StackConfig): StackOutputs {
    const base = `${cfg.project}-${cfg.stack}`;
    const tags = { project: cfg.project, stack: cfg.stack, environment: cfg.environment, "managed-by": "pulumi" };
    const kind = cfg.source.kind;

    const network = cfg.network
        ? new Network("network", {
              config: cfg.network,
              brokerPort: kind === "serverless" ? BROKER_PORTS.iam : cfg.cluster.brokerPort,
              brokerPortRange: kind === "msk-vpc-connection" ? VPC_CONNECTION_PORTS : undefined,
              createClusterSecurityGroup: createsGroup(cfg),
              clusterAzCount: cfg.cluster.azCount,
              tags,
          })
        : undefined;

    const kafka = buildSource(cfg, base, tags, network);

    // Every consumer's topic (and every topic listed in msk-lambda:topics) exists before its mapping is created.
    // Only an MSK provisioned cluster has the MSK topic API; the other sources' topics must exist (lib/source.ts).
    const topics =
        kind === "msk"
            ? new KafkaTopics(
                  "topics",
                  { topics: cfg.topics, clusterArn: kafka.clusterArn!, clusterName: base.slice(0, 64), environment: cfg.environment as StackEnvironment },
                  { dependsOn: kafka.cluster ? [kafka.cluster] : undefined },
              )
            : undefined;

    const auth = cfg.cluster.authentication;
    const credentials =
        kind === "msk" && (auth === "scram" || auth === "mtls")
            ? new ClusterCredentials("credentials", {
                  authentication: auth,
                  environment: cfg.environment,
                  baseName: base,
                  clusterArn: kafka.clusterArn!,
                  associate: true,
                  secrets: cfg.secrets,
                  tags,
              })
            : undefined;

    const alerts = new Alerts("alerts", { environment: cfg.environment as StackEnvironment, baseName: base, tags });

    const consumers = buildConsumers(cfg, { base, tags, kafka, credentials, network, topics, alarmTopicArn: alerts.topicArn });

    alerts.dashboard({
        // An existing cluster's broker count is not known here: its broker widgets are left out.
        cluster: kafka.brokerCount ? { name: base.slice(0, 64), brokers: kafka.brokerCount } : undefined,
        consumers: cfg.consumers.map((c) => ({
            name: c.name,
            topic: c.topic,
            functionName: consumerFunctionName(base, c.name),
            mappingUuid: consumers[c.name].mappingUuid,
            idempotencyTable: c.idempotency.enabled ? idempotencyTableName(base, c.name) : undefined,
        })),
    });

    return {
        vpcId: network?.vpcId,
        privateSubnetIds: network?.privateSubnetIds,
        clusterSecurityGroupIds: network?.clusterSecurityGroupIds,
        clusterArn: kafka.clusterArn,
        bootstrapBrokers: kafka.bootstrapBrokers,
        brokerPort: kind === "self-managed" ? undefined : kind === "serverless" ? BROKER_PORTS.iam : kind === "msk" ? cfg.cluster.brokerPort : undefined,
        authentication: kafka.authentication,
        alarmTopicArn: alerts.topicArn,
        dashboardName: alerts.dashboardName!,
        consumers,
    };
}

/** Whether the stack creates the security group the pollers (and a created cluster or VPC connection) use. */
function createsGroup(cfg: StackConfig): boolean {
    const s = cfg.source;
    if (s.kind === "self-managed") return false;
    if (s.kind === "serverless") return !s.clusterArn;
    if (s.kind === "msk-vpc-connection") return true;
    return !cfg.cluster.existingClusterArn;
}

/** What the consumers read: the cluster or connection, and the mapping's source as plain data. */
interface KafkaSource {
    clusterArn?: pulumi.Output<string>;
    bootstrapBrokers: pulumi.Output<string>;
    /** The created cluster, which topics wait for. */
    cluster?: pulumi.Resource;
    brokerCount?: number;
    /** For IAM grants and kafka destinations: `iam`, or the MSK mode that stands for a secret. */
    authentication: Authentication;
    mapping?: MappingSource;
}

/** The source the stack's config names (lib/source.ts): an MSK cluster, MSK Serverless, a VPC connection, or self-managed brokers. */
function buildSource(cfg: StackConfig, base: string, tags: Record<string, string>, network: Network | undefined): KafkaSource {
    const s = cfg.source;
    const clusterName = base.slice(0, 64); // MSK: at most 64 characters
    if (s.kind === "serverless") {
        const k = new ServerlessKafka("kafka", {
            environment: cfg.environment,
            clusterName,
            existingClusterArn: s.clusterArn,
            subnetIds: network!.clusterSubnetIds,
            securityGroupIds: network!.clusterSecurityGroupIds,
            tags,
        });
        return { clusterArn: k.clusterArn, bootstrapBrokers: k.bootstrapBrokers, cluster: k.cluster, authentication: "iam", mapping: { kind: "serverless" } };
    }
    if (s.kind === "msk-vpc-connection") {
        const auth = s.authentication as "iam" | "scram" | "mtls";
        const c = new KafkaVpcConnection("kafka", {
            targetClusterArn: s.clusterArn!,
            authentication: auth,
            vpcId: network!.vpcId,
            subnetIds: network!.clusterSubnetIds,
            securityGroupIds: network!.clusterSecurityGroupIds,
            tags,
        });
        const secret = auth === "iam" ? {} : { accessType: ACCESS_TYPE[auth], secretArn: s.secretArn, secretKmsKeyArn: s.secretKmsKeyArn };
        return {
            clusterArn: pulumi.output(s.clusterArn!),
            bootstrapBrokers: c.connectionArn,
            authentication: auth,
            mapping: { kind: s.kind, vpcConnectionArn: c.connectionArn, ...secret },
        };
    }
    if (s.kind === "self-managed") {
        const auth = s.authentication as "scram-256" | "scram-512" | "plain" | "mtls";
        const inVpc = s.brokersIn === "vpc";
        return {
            bootstrapBrokers: pulumi.output(s.bootstrapServers!.join(",")),
            authentication: auth === "mtls" ? "mtls" : "scram",
            mapping: {
                kind: s.kind,
                bootstrapServers: s.bootstrapServers,
                subnetIds: inVpc ? network!.privateSubnetIds : undefined,
                securityGroupIds: inVpc ? network!.clusterSecurityGroupIds : undefined,
                accessType: ACCESS_TYPE[auth],
                secretArn: s.secretArn,
                secretKmsKeyArn: s.secretKmsKeyArn,
                rootCaSecretArn: s.rootCaSecretArn,
            },
        };
    }
    const cluster = new KafkaCluster("kafka", {
        config: cfg.cluster,
        environment: cfg.environment,
        clusterName,
        subnetIds: network!.clusterSubnetIds,
        securityGroupIds: network!.clusterSecurityGroupIds,
        tags,
    });
    return {
        clusterArn: cluster.clusterArn,
        bootstrapBrokers: cluster.bootstrapBrokers,
        cluster: cluster.cluster,
        brokerCount: cluster.brokerCount,
        authentication: cfg.cluster.authentication,
    };
}

/** What every consumer of the stack shares. */
interface ConsumerSetting {
    base: string;
    tags: Record<string, string>;
    kafka: KafkaSource;
    credentials?: ClusterCredentials;
    network?: Network;
    topics?: KafkaTopics;
    alarmTopicArn: pulumi.Output<string>;
}

/** One Consumer per `msk-lambda:consumers` item, sharing one handler bundle; their outputs by consumer name. */
function buildConsumers(cfg: StackConfig, s: ConsumerSetting): Record<string, ConsumerOutputs> {
    const code = cfg.consumers.length ? handlerArchive() : undefined;
    const consumers: Record<string, ConsumerOutputs> = {};
    for (const c of cfg.consumers) {
        const consumer = new Consumer(`consumer-${c.name}`, {
            config: c,
            environment: cfg.environment,
            baseName: s.base,
            clusterArn: s.kafka.clusterArn ?? "",
            authentication: s.kafka.authentication,
            credentials: s.credentials,
            network: s.network,
            source: s.kafka.mapping,
            topic: s.topics?.topics[c.topic],
            failureTopic: c.onFailure.kind === "kafka" ? s.topics?.topics[c.onFailure.topic] : undefined,
            alarmTopicArn: s.alarmTopicArn,
            code: code!,
            tags: s.tags,
        });
        consumers[c.name] = {
            functionName: consumer.function.name,
            functionArn: consumer.function.arn,
            mappingUuid: consumer.mapping.uuid,
            failureDestinationArn: consumer.failureDestinationArn,
            offsetLagAlarmArn: consumer.offsetLagAlarm?.arn,
            alarmArns: Object.fromEntries(Object.entries(consumer.alarms).map(([k, a]) => [k, a!.arn])),
        };
    }

    return consumers;
}
