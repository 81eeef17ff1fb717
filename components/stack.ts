import * as pulumi from "@pulumi/pulumi";
import { parseStackConfig, type SecretConfig, type StackConfig } from "../lib/config";
import type { StackEnvironment } from "../lib/destinations";
import type { ClusterAuthentication, FailureDestinationType, SourceAuthentication } from "../lib/settings";
import { BROKER_PORTS, type Authentication } from "../lib/layout";
import { VPC_CONNECTION_PORTS } from "../lib/source";
import { factsOf } from "../policies/lib/public";
import { Alerts } from "./alerts";
import { Consumer, consumerFunctionName, idempotencyTableName } from "./consumer";
import { ClusterCredentials } from "./credentials";
import { KafkaCluster } from "./kafka-cluster";
import { Network } from "./network";
import { KafkaTopics } from "./topics";
import { KafkaVpcConnection, ServerlessKafka } from "./source";

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
    const { network, kafka, topics, credentials } = buildCore(cfg, { base, tags, child, secrets: opts.secrets ?? cfg.secrets });

    const alerts = new Alerts("alerts", { environment: cfg.environment as StackEnvironment, baseName: base, tags }, child);
    const consumers = buildConsumers(cfg, { base, tags, child, kafka, credentials, network, topics, alarmTopicArn: alerts.topicArn });

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
        brokerPort: cfg.source.kind === "serverless" ? BROKER_PORTS.iam : cfg.source.kind === "msk" ? cfg.cluster.brokerPort : undefined,
        authentication: kafka.authentication,
        alarmTopicArn: alerts.topicArn,
        dashboardName: alerts.dashboardName!,
        consumers,
    };
}

type Child = pulumi.ComponentResourceOptions;

/** The network (none for self-managed brokers over the internet), the source, its topics and (SCRAM, mTLS) its credentials. */
function buildCore(cfg: StackConfig, s: { base: string; tags: Record<string, string>; child: Child; secrets: BuildOptions["secrets"] }) {
    const { base, tags, child } = s;
    const environment = cfg.environment as StackEnvironment;
    const kind = cfg.source.kind;
    const network = cfg.network
        ? new Network(
              "network",
              {
                  settings: cfg.networkSettings,
                  brokerPort: kind === "msk-vpc-connection" ? VPC_CONNECTION_PORTS.from : kind === "serverless" ? BROKER_PORTS.iam : cfg.cluster.brokerPort,
                  brokerPortTo: kind === "msk-vpc-connection" ? VPC_CONNECTION_PORTS.to : undefined,
                  createClusterSecurityGroup: createsGroup(cfg),
                  clusterAzCount: cfg.cluster.azCount,
                  failureDestinationTypes: cfg.consumers.map((c) => c.onFailure.type as FailureDestinationType),
                  tags,
              },
              child,
          )
        : undefined;

    const kafka = buildSource(cfg, { base, tags, child }, network);

    // Every consumer's topic (and every topic listed in msk-lambda:topics) exists before its mapping is created.
    // Only an MSK provisioned cluster has the MSK topic API; the other sources' topics must exist (lib/source.ts).
    const topics =
        kind === "msk"
            ? new KafkaTopics(
                  "topics",
                  { topics: cfg.topics, clusterArn: kafka.clusterArn!, clusterName: base.slice(0, 64), environment },
                  { ...child, dependsOn: kafka.cluster ? [kafka.cluster] : undefined },
              )
            : undefined;

    const auth = cfg.cluster.authentication;
    const credentials =
        kind === "msk" && (auth === "scram" || auth === "mtls")
            ? new ClusterCredentials(
                  "credentials",
                  {
                      authentication: auth as ClusterAuthentication,
                      environment,
                      baseName: base,
                      clusterArn: kafka.clusterArn!,
                      associate: true,
                      ...s.secrets,
                      tags,
                  },
                  child,
              )
            : undefined;
    return { network, kafka, topics, credentials };
}

/** Whether the stack creates the security group the pollers (and a created cluster or VPC connection) use. */
function createsGroup(cfg: StackConfig): boolean {
    const s = cfg.source;
    if (s.kind === "self-managed") return false;
    if (s.kind === "serverless") return !s.clusterArn;
    if (s.kind === "msk-vpc-connection") return true;
    return !cfg.cluster.existingClusterArn;
}

/** What the consumers read: the cluster or VPC connection, and what the mapping names. */
interface KafkaSource {
    clusterArn?: pulumi.Output<string>;
    bootstrapBrokers: pulumi.Output<string>;
    /** The created cluster, which topics wait for. */
    cluster?: pulumi.Resource;
    brokerCount?: number;
    /** For IAM grants and Kafka destinations: `iam`, or the MSK mode that stands for the secret. */
    authentication: Authentication;
    vpcConnectionArn?: pulumi.Output<string>;
    /** `self-managed` in a VPC: the pollers' subnets and groups. */
    subnetIds?: pulumi.Output<string>[];
    securityGroupIds?: pulumi.Output<string>[];
}

/**
 * The MSK Serverless cluster's name: not the provisioned cluster's. MSK cluster names are unique per account and Region
 * whatever the cluster's type, and switching `source.kind` between `msk` and `serverless` creates the new cluster before
 * Pulumi deletes the old one (plan/replacements.ts, NAME_NAMESPACE): with one name for both, the create would be refused.
 */
export function serverlessClusterName(base: string): string {
    const suffix = "-serverless";
    return `${base.slice(0, 64 - suffix.length)}${suffix}`; // MSK: at most 64 characters
}

/** The source the config names (lib/source.ts): an MSK cluster, MSK Serverless, a VPC connection, or self-managed brokers. */
function buildSource(cfg: StackConfig, o: { base: string; tags: Record<string, string>; child: Child }, network: Network | undefined): KafkaSource {
    const s = cfg.source;
    const { tags, child } = o;
    const clusterName = o.base.slice(0, 64); // MSK: at most 64 characters
    const environment = cfg.environment as StackEnvironment;
    if (s.kind === "serverless") {
        const k = new ServerlessKafka(
            "kafka",
            {
                environment,
                clusterName: serverlessClusterName(o.base),
                existingClusterArn: s.clusterArn,
                subnetIds: network!.clusterSubnetIds,
                securityGroupIds: network!.clusterSecurityGroupIds,
                tags,
            },
            child,
        );
        return { clusterArn: k.clusterArn, bootstrapBrokers: k.bootstrapBrokers, cluster: k.cluster, authentication: "iam" };
    }
    if (s.kind === "msk-vpc-connection") {
        const auth = s.authentication as "iam" | "scram" | "mtls";
        const c = new KafkaVpcConnection(
            "kafka",
            {
                targetClusterArn: s.clusterArn!,
                authentication: auth as SourceAuthentication,
                vpcId: network!.vpcId,
                subnetIds: network!.clusterSubnetIds,
                securityGroupIds: network!.clusterSecurityGroupIds,
                tags,
            },
            child,
        );
        return { clusterArn: pulumi.output(s.clusterArn!), bootstrapBrokers: c.connectionArn, authentication: auth, vpcConnectionArn: c.connectionArn };
    }
    if (s.kind === "self-managed") {
        const inVpc = s.brokersIn === "vpc";
        return {
            bootstrapBrokers: pulumi.output(s.bootstrapServers!.join(",")),
            authentication: s.authentication === "mtls" ? "mtls" : "scram",
            subnetIds: inVpc ? network!.privateSubnetIds : undefined,
            securityGroupIds: inVpc ? network!.clusterSecurityGroupIds : undefined,
        };
    }
    const cluster = new KafkaCluster(
        "kafka",
        {
            settings: cfg.clusterSettings,
            environment,
            clusterName,
            subnetIds: network!.clusterSubnetIds,
            securityGroupIds: network!.clusterSecurityGroupIds,
            tags,
        },
        child,
    );
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
    child: pulumi.ComponentResourceOptions;
    kafka: KafkaSource;
    credentials?: ClusterCredentials;
    network?: Network;
    topics?: KafkaTopics;
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
        const failureEndpoint = endpoint ? s.network?.endpoints[endpoint.service] : undefined;
        const waitFor = [
            s.network?.pollerPathReady,
            s.credentials?.secretReady,
            s.topics?.topics[c.topic]?.arn,
            c.onFailure.kind === "kafka" ? s.topics?.topics[c.onFailure.topic]?.arn : undefined,
            failureEndpoint?.id,
        ].filter((o): o is pulumi.Output<string> => o !== undefined);
        const consumer = new Consumer(
            `consumer-${c.name}`,
            {
                settings: cfg.consumerSettings[i],
                environment: cfg.environment as StackEnvironment,
                baseName: s.base,
                clusterArn: s.kafka.clusterArn ?? "",
                authentication: s.kafka.authentication as ClusterAuthentication,
                ...(cfg.source.kind === "msk" ? {} : { source: cfg.sourceSettings }),
                vpcConnectionArn: s.kafka.vpcConnectionArn,
                subnetIds: s.kafka.subnetIds,
                securityGroupIds: s.kafka.securityGroupIds,
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
