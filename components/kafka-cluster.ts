import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ConfigError, express, parseClusterSettings, type ClusterConfig, type Environment } from "../lib/config";
import type { StackEnvironment } from "../lib/destinations";
import { crossAccountClusterPolicy } from "../lib/iam";
import type { ClusterSettings } from "../lib/settings";
import { customerKey } from "./kms";
import { protectionOf, TYPES } from "../lib/retention";

export interface KafkaClusterArgs {
    /**
     * The cluster: the keys, defaults and checks of `msk-lambda:cluster` (README's config reference). Bad settings fail
     * with every problem named before anything is registered. Default: IAM authentication, one kafka.m7g.large broker per AZ.
     */
    settings?: ClusterSettings;
    /** The stack's environment: in prod the cluster and its key are protected and retained (lib/retention.ts), with PER_BROKER monitoring. */
    environment: StackEnvironment;
    /** Cluster name (MSK: 1-64 characters). A change replaces the cluster. */
    clusterName: string;
    /** Client subnets: 2 or 3, each in its own AZ (the `Network` component's `clusterSubnetIds`). Required unless `settings.existingClusterArn`. A change replaces the cluster. */
    subnetIds?: pulumi.Input<string>[];
    /** The cluster's security groups (the `Network` component's `clusterSecurityGroupIds`). A change replaces the cluster. */
    securityGroupIds?: pulumi.Input<string>[];
    /** Tags on every taggable resource. */
    tags?: { [key: string]: string };
}

/**
 * The MSK cluster, or a reference to an existing one (`config.existingClusterArn`).
 *
 * Created clusters: TLS client-broker and in-cluster encryption (plaintext only with `authentication: plaintext`),
 * encryption at rest with a customer-managed, rotating KMS key, client authentication per the config, broker logs to
 * CloudWatch with retention, a cluster configuration with topic auto-creation off, and PER_BROKER monitoring in prod.
 */
export class KafkaCluster extends pulumi.ComponentResource {
    public readonly clusterArn: pulumi.Output<string>;
    /** Bootstrap brokers for the configured authentication (IAM, SCRAM, TLS or plaintext listener). */
    public readonly bootstrapBrokers: pulumi.Output<string>;
    public readonly cluster?: aws.msk.Cluster;
    public readonly kmsKey?: aws.kms.Key;
    public readonly logGroup?: aws.cloudwatch.LogGroup;
    public readonly configuration?: aws.msk.Configuration;
    /** The owner side of cross-account consumers: the cluster policy naming their accounts. */
    public readonly clusterPolicy?: aws.msk.ClusterPolicy;
    /** Brokers of a created cluster (undefined for an existing one). */
    public readonly brokerCount?: number;

    constructor(name: string, args: KafkaClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        // The enum's values are the config's strings (a Python or YAML program sends those).
        const environment = `${args.environment}` as Environment;
        const subnetIds = args.subnetIds ?? [];
        // Validated before anything registers (the component resource included).
        const cfg = parseClusterSettings(args.settings, `${name}.settings`, environment, subnetIds.length);
        if (!cfg.existingClusterArn && (subnetIds.length < 2 || subnetIds.length > 3))
            throw new ConfigError([{ key: `${name}.subnetIds`, message: `needs 2 or 3 client subnets, one per AZ (got ${subnetIds.length})` }]);
        super("msk-lambda:index:KafkaCluster", name, {}, opts);
        const tags = args.tags ?? {};
        const prod = environment === "prod";

        if (cfg.existingClusterArn) {
            this.clusterArn = pulumi.output(cfg.existingClusterArn);
            const brokers = aws.msk.getBootstrapBrokersOutput({ clusterArn: cfg.existingClusterArn }, { parent: this });
            this.bootstrapBrokers = pickBrokers(cfg.authentication, brokers);
            this.registerOutputs({ clusterArn: this.clusterArn, bootstrapBrokers: this.bootstrapBrokers });
            return;
        }

        // Stateful resources are named from the cluster's physical name, not this component's name: renaming the
        // component leaves their URNs unchanged (a URN holds the parents' types, not their names).
        const id = args.clusterName;
        this.kmsKey = customerKey(`${id}-key`, { description: `MSK encryption at rest for ${args.clusterName}`, environment, tags }, this);
        new aws.kms.Alias(`${id}-key`, { name: `alias/${args.clusterName}-msk`, targetKeyId: this.kmsKey.keyId }, { parent: this });

        this.logGroup = new aws.cloudwatch.LogGroup(
            `${id}-broker-logs`,
            { name: `/aws/msk/${args.clusterName}`, retentionInDays: cfg.logRetentionDays, tags },
            { parent: this, ...protectionOf(TYPES.logGroup, environment) },
        );

        const brokerCount = cfg.brokersPerAz * subnetIds.length;
        this.brokerCount = brokerCount;
        this.configuration = brokerConfiguration(id, args.clusterName, cfg, brokerCount, this);

        this.cluster = new aws.msk.Cluster(
            id,
            clusterInputs({
                clusterName: args.clusterName,
                cfg,
                subnetIds,
                securityGroupIds: args.securityGroupIds ?? [],
                kmsKeyArn: this.kmsKey.arn,
                configuration: this.configuration,
                logGroupName: this.logGroup.name,
                brokerCount,
                prod,
                tags,
            }),
            // clusterName is the cluster's fixed physical name: a replacement (new subnets, security groups or key) must
            // delete the old cluster first, or MSK refuses the second cluster of that name. Everything a replacement
            // loses is lost either way (the new cluster starts empty); --against reports it as stateful.
            { parent: this, deleteBeforeReplace: true, ...protectionOf(TYPES.cluster, environment) },
        );
        this.clusterArn = this.cluster.arn;
        this.bootstrapBrokers = pickBrokers(cfg.authentication, this.cluster);
        if (cfg.crossAccountConsumers) {
            const accounts = cfg.crossAccountConsumers;
            // Amazon MSK, "Step 2: Attach a cluster policy to the MSK cluster" (multi-VPC private connectivity).
            this.clusterPolicy = new aws.msk.ClusterPolicy(
                `${id}-cross-account`,
                {
                    clusterArn: this.cluster.arn,
                    policy: this.cluster.arn.apply((arn) => JSON.stringify(crossAccountClusterPolicy(arn, accounts, cfg.authentication === "iam"))),
                },
                { parent: this },
            );
        }
        this.registerOutputs({ clusterArn: this.clusterArn, bootstrapBrokers: this.bootstrapBrokers });
    }
}

/** The cluster's MSK configuration, named after its Kafka version (a version upgrade creates the next one beside it). */
function brokerConfiguration(id: string, clusterName: string, cfg: ClusterConfig, brokerCount: number, parent: pulumi.Resource): aws.msk.Configuration {
    const acls = aclsRequired(cfg);
    return new aws.msk.Configuration(
        `${id}-config`,
        {
            name: configurationName(clusterName, cfg.kafkaVersion),
            kafkaVersions: [cfg.kafkaVersion],
            serverProperties: express(cfg.brokerInstanceType) ? expressServerProperties(acls) : serverProperties(brokerCount, acls),
            description: `Broker settings for ${clusterName}`,
        },
        { parent },
    );
}

/** What a created cluster's `aws.msk.Cluster` takes. */
interface ClusterInputs {
    clusterName: string;
    cfg: ClusterConfig;
    subnetIds: pulumi.Input<string>[];
    securityGroupIds: pulumi.Input<string>[];
    kmsKeyArn: pulumi.Input<string>;
    configuration: aws.msk.Configuration;
    logGroupName: pulumi.Input<string>;
    brokerCount: number;
    prod: boolean;
    tags: Record<string, string>;
}

/** The cluster's inputs: brokers, storage (Standard only), encryption, authentication, configuration, logs. */
function clusterInputs(a: ClusterInputs): aws.msk.ClusterArgs {
    return {
        clusterName: a.clusterName,
        kafkaVersion: a.cfg.kafkaVersion,
        // MSK: the broker count must be a multiple of the number of client subnets.
        numberOfBrokerNodes: a.brokerCount,
        brokerNodeGroupInfo: {
            instanceType: a.cfg.brokerInstanceType,
            clientSubnets: a.subnetIds,
            securityGroups: a.securityGroupIds,
            // MSK, "Amazon MSK Express brokers": storage is MSK-managed, and AWS refuses storageInfo for them.
            ...(express(a.cfg.brokerInstanceType) ? {} : { storageInfo: { ebsStorageInfo: { volumeSize: a.cfg.ebsVolumeGb } } }),
            connectivityInfo: { publicAccess: { type: "DISABLED" }, ...vpcConnectivity(a.cfg) },
        },
        encryptionInfo: {
            encryptionAtRestKmsKeyArn: a.kmsKeyArn,
            encryptionInTransit: { clientBroker: a.cfg.authentication === "plaintext" ? "PLAINTEXT" : "TLS", inCluster: true },
        },
        clientAuthentication: clientAuthentication(a.cfg),
        configurationInfo: { arn: a.configuration.arn, revision: a.configuration.latestRevision },
        // Express brokers take broker logs too since February 2026 (AWS What's New, "Amazon MSK Express brokers
        // support broker logs"; before, CreateCluster refused them: hashicorp/terraform-provider-aws#40357, #46680).
        loggingInfo: { brokerLogs: { cloudwatchLogs: { enabled: true, logGroup: a.logGroupName } } },
        // DEFAULT and PER_BROKER exist for Standard and Express brokers alike (MSK, "Monitor an Amazon MSK Provisioned cluster").
        enhancedMonitoring: a.prod ? "PER_BROKER" : "DEFAULT",
        ...(a.cfg.storageMode === "TIERED" ? { storageMode: "TIERED" } : {}),
        tags: a.tags,
    };
}

/** MSK client authentication for each mode: IAM → sasl.iam; SCRAM → sasl.scram; mTLS → tls CAs; tls/plaintext → unauthenticated. */
export function clientAuthentication(cfg: Pick<ClusterConfig, "authentication" | "certificateAuthorityArns">): aws.types.input.msk.ClusterClientAuthentication {
    switch (cfg.authentication) {
        case "iam":
            return { sasl: { iam: true, scram: false }, unauthenticated: false };
        case "scram":
            return { sasl: { iam: false, scram: true }, unauthenticated: false };
        case "mtls":
            return { tls: { certificateAuthorityArns: cfg.certificateAuthorityArns ?? [] }, unauthenticated: false };
        case "tls":
        case "plaintext":
            return { unauthenticated: true };
    }
}

/**
 * Multi-VPC private connectivity for the cluster's authentication (Amazon MSK, "Step 1: Turn on multi-VPC private
 * connectivity"): on only when the stack names cross-account consumers. MSK refuses it while it creates a cluster
 * ("When creating a cluster, all vpcConnectivity auth schemes must be disabled", aws-cloudformation/
 * cloudformation-coverage-roadmap#1775): the config says to add the consumers once the cluster exists.
 */
function vpcConnectivity(cfg: ClusterConfig): { vpcConnectivity?: aws.types.input.msk.ClusterBrokerNodeGroupInfoConnectivityInfoVpcConnectivity } {
    if (!cfg.crossAccountConsumers) return {};
    const a = cfg.authentication;
    return { vpcConnectivity: { clientAuthentication: a === "mtls" ? { tls: true } : { sasl: { iam: a === "iam", scram: a === "scram" } } } };
}

/**
 * The configuration's name, which changes with its create-only `kafkaVersions`. A Kafka version change replaces an
 * `aws.msk.Configuration` (create-only `kafkaVersions`): with a fixed name, creating the replacement first fails
 * ("ConflictException: A resource with this name already exists"), and deleting the old one first fails while the
 * cluster uses it (MSK, "DeleteConfiguration": a configuration in use cannot be deleted). A name per version lets the
 * new configuration exist next to the old one; the cluster moves to it, then the old one is deleted. MSK configuration
 * names take letters, digits and `-` (MSK API, "CreateConfiguration": `^[0-9A-Za-z][0-9A-Za-z-]{0,}$`).
 */
export function configurationName(clusterName: string, kafkaVersion: string): string {
    let v = "";
    for (const ch of kafkaVersion) v += ch === "." ? "-" : ch;
    return `${clusterName}-config-${v}`;
}

/**
 * Express brokers' properties: only what MSK lets a configuration set on them (MSK, "Custom MSK Express broker
 * configurations (Read/Write access)": `auto.create.topics.enable`). `default.replication.factor` (3),
 * `min.insync.replicas` (2) and the rest are read-only (MSK, "Express brokers read-only configurations").
 */
export function expressServerProperties(denyWithoutAcl = false): string {
    // `allow.everyone.if.no.acl.found` is among the Express read/write properties (same page).
    return ["auto.create.topics.enable=false", ...(denyWithoutAcl ? [DENY_WITHOUT_ACL] : [])].join("\n");
}

/** Standard broker properties: no topic auto-creation; replication 3 (or the broker count) with one replica of slack. */
export function serverProperties(brokerCount: number, denyWithoutAcl = false): string {
    const replication = Math.min(3, brokerCount);
    return [
        "auto.create.topics.enable=false",
        `default.replication.factor=${replication}`,
        `min.insync.replicas=${Math.max(1, replication - 1)}`,
        "unclean.leader.election.enable=false",
        ...(denyWithoutAcl ? [DENY_WITHOUT_ACL] : []),
    ].join("\n");
}

const DENY_WITHOUT_ACL = "allow.everyone.if.no.acl.found=false";

/**
 * Whether the cluster must deny a resource without ACLs: Amazon MSK, "Amazon MSK multi-VPC private connectivity in a
 * single Region" (Requirements and limitations) and "Permissions for multi-VPC private connectivity": with SASL/SCRAM
 * or mTLS multi-VPC connectivity, set Kafka ACLs, then `allow.everyone.if.no.acl.found=false`. Kafka ACLs have no AWS
 * API, so the owner creates them (for every client, this stack's own consumers too) before adding the consumers; the
 * config's note says so. A change of this property is a new configuration revision (in-place; plan/replacements.ts
 * replaces a configuration only for `name` and `kafkaVersions`).
 */
export function aclsRequired(cfg: Pick<ClusterConfig, "crossAccountConsumers" | "authentication">): boolean {
    return !!cfg.crossAccountConsumers && (cfg.authentication === "scram" || cfg.authentication === "mtls");
}

type Brokers = {
    bootstrapBrokers: pulumi.Input<string>;
    bootstrapBrokersTls: pulumi.Input<string>;
    bootstrapBrokersSaslIam: pulumi.Input<string>;
    bootstrapBrokersSaslScram: pulumi.Input<string>;
};

function pickBrokers(auth: ClusterConfig["authentication"], b: { [K in keyof Brokers]: pulumi.Output<string> }): pulumi.Output<string> {
    switch (auth) {
        case "iam":
            return b.bootstrapBrokersSaslIam;
        case "scram":
            return b.bootstrapBrokersSaslScram;
        case "mtls":
        case "tls":
            return b.bootstrapBrokersTls;
        case "plaintext":
            return b.bootstrapBrokers;
    }
}
