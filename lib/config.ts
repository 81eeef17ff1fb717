/**
 * The stack configuration contract: every key in namespace `msk-lambda`, its type, default and allowed values, in
 * one table (`STACK_CONFIG`). `parseStackConfig` turns the raw config map into typed, validated plain data before any
 * resource is registered, or throws a `ConfigError` naming every bad key.
 */
import { AWS_REGIONS } from "./regions";
import { BROKER_PORTS, checkVpcCidr, clusterSubnetCount, LAYOUT_MAX_VPC_PREFIX, planSubnets, type Authentication, type NetworkMode } from "./layout";
import { ConfigError, Issues, bool, didYouMean, int, intIn, list, oneOf, parseObject, str, type Field, type Spec } from "./schema";
import { parseConsumers, type ConsumerConfig } from "./consumer-config";
import { parseTopics, type TopicConfig } from "./topics";
import { kafkaFailureRefusal, noTopicApi, parseSource, SOURCE_KINDS, SOURCE_SPEC, type SourceConfig, type SourceKind } from "./source";
import type { ClusterSettings, ConsumerSettings, NetworkSettings, SourceSettings } from "./settings";
import type { ConfigIssue } from "./schema";
import { factsOf, inspectMtlsSecret, type FindingCode } from "../policies/lib/public";

export const NAMESPACE = "msk-lambda";
export type Environment = "dev" | "staging" | "prod";

const VPC_ID = /^vpc-[0-9a-f]{8}([0-9a-f]{9})?$/;
const SUBNET_ID = /^subnet-[0-9a-f]{8}([0-9a-f]{9})?$/;
const SG_ID = /^sg-[0-9a-f]{8}([0-9a-f]{9})?$/;
/** An MSK cluster ARN, e.g. "Using Lambda with Amazon MSK"'s `arn:aws:kafka:us-east-1:111122223333:cluster/my-cluster/fc2f5bdf-...-2`. */
export const MSK_CLUSTER_ARN = /^arn:aws[a-z-]*:kafka:[a-z0-9-]+:[0-9]{12}:cluster\/[A-Za-z0-9-]{1,64}\/[0-9a-f-]{36}(-[0-9]+)?$/;
const ACM_PCA_ARN = /^arn:aws[a-z-]*:acm-pca:[a-z0-9-]+:[0-9]{12}:certificate-authority\/[0-9a-f-]{36}$/;

export const NETWORK_SPEC = {
    mode: oneOf(["privatelink", "nat", "existing"] as const, {
        doc:
            "How Lambda's pollers reach STS, Lambda and Secrets Manager from the cluster's subnets: `privatelink` " +
            "(interface endpoints, no internet path), `nat` (one NAT gateway per public subnet), or `existing` (your VPC). " +
            "Failure destinations' endpoints (SQS or SNS interface, S3 gateway) are created in every mode that creates endpoints: `privatelink`, `nat`, and `existing` with `endpoints`. " +
            "Between `privatelink` and `nat` a change adds or removes NAT gateways and endpoints and moves no subnet.",
        default: "privatelink",
        createOnly: "between `existing` and a created VPC: replaces the VPC, the subnets and the cluster",
    }),
    cidrBlock: str({
        doc:
            "VPC CIDR block (create modes only). Stable layout: each subnet is 1/16 of the block, placed by tier and AZ index only " +
            "(private subnets in slots 0-5, public ones in 8-13), so adding AZs or switching to `nat` moves no subnet.",
        default: "10.0.0.0/16",
        allowed: `an IPv4 CIDR block from /16 to /${LAYOUT_MAX_VPC_PREFIX} with no host bits set`,
        createOnly: "replaces the VPC, its subnets and the cluster",
        check: checkVpcCidr,
    }),
    azCount: int({
        doc:
            "Number of Availability Zones (create modes only), the first N of the region's AZs in name order. Adding AZs adds subnets and moves none; " +
            "the cluster keeps its `cluster.azCount` subnets, whose default follows this key: pin `cluster.azCount` before changing it on a live stack.",
        min: 2,
        max: 6,
        default: 3,
    }),
    vpcId: str({ doc: "Existing VPC id (`existing` mode only).", pattern: VPC_ID, allowed: "a VPC id such as vpc-0123456789abcdef0" }),
    privateSubnetIds: list(str({ doc: "", pattern: SUBNET_ID, allowed: "a subnet id such as subnet-0123456789abcdef0" }), {
        doc: "Existing private subnets, one per AZ (`existing` mode only). The first `cluster.azCount` are the cluster's client subnets: changing, reordering or removing those replaces the cluster.",
        minItems: 2,
        maxItems: 6,
        unique: true,
    }),
    endpoints: bool({
        doc: "`existing` mode: also create the Lambda, STS and Secrets Manager interface endpoints in `privateSubnetIds`.",
        default: false,
    }),
    privateRouteTableIds: list(str({ doc: "", pattern: /^rtb-[0-9a-f]{8}([0-9a-f]{9})?$/, allowed: "a route table id such as rtb-0123456789abcdef0" }), {
        doc: "`existing` mode with endpoints: the private subnets' route tables, for the S3 gateway endpoint an S3 failure destination needs (required then).",
        minItems: 1,
        maxItems: 6,
        unique: true,
    }),
    clusterSecurityGroupIds: list(str({ doc: "", pattern: SG_ID, allowed: "a security group id such as sg-0123456789abcdef0" }), {
        doc: "`existing` mode with `cluster.existingClusterArn`: the existing cluster's security groups (the source the endpoints' security group allows 443 from).",
        minItems: 1,
        maxItems: 5,
        unique: true,
    }),
} satisfies Spec;

export const CLUSTER_SPEC = {
    kafkaVersion: str({
        doc: "Apache Kafka version of the MSK cluster (3.6.0 or later for the topics the stack creates). Upgrades in place; MSK does not downgrade.",
        default: "3.8.x",
        pattern: /^[0-9]+\.[0-9]+\.([0-9]+|x)(\.(kraft|tiered))?$/,
        allowed: "an MSK Kafka version such as 3.8.x, 3.6.0 or 3.7.x.kraft",
    }),
    brokerInstanceType: str({
        doc:
            'Broker instance type: a Standard broker (`kafka.*`) or an Express broker (`express.m7g.*`; MSK, "Amazon MSK Express brokers": ' +
            "MSK-managed storage, so no `ebsVolumeGb` or `storageMode`, Kafka 3.6 or later, 3 AZs). MSK cannot switch a cluster between Standard and Express.",
        default: "kafka.m7g.large",
        pattern: /^(kafka|express)\.[a-z0-9]+\.[a-z0-9]+$/,
        allowed: "an MSK broker type such as kafka.m7g.large, kafka.t3.small or express.m7g.large",
    }),
    azCount: int({
        doc:
            "The cluster's AZs: its client subnets are the first N private subnets. MSK fixes a cluster's AZs (client subnets) at creation. " +
            "Default: 3, or the network's AZ count when it has 2.",
        min: 2,
        max: 3,
        createOnly: "replaces the cluster",
    }),
    brokersPerAz: int({
        doc: "Brokers in each of the cluster's AZs (MSK requires a broker count that is a multiple of the AZ count; 30 brokers per cluster is MSK's default quota). An increase adds brokers in place.",
        min: 1,
        max: 10,
        default: 1,
    }),
    ebsVolumeGb: int({
        doc: "Standard brokers: EBS storage per broker in GiB (MSK: 1 to 16384). MSK only grows broker storage: never lower it on a live stack. Default 100. Express brokers have no EBS storage.",
        min: 1,
        max: 16384,
    }),
    storageMode: oneOf(["LOCAL", "TIERED"] as const, {
        doc:
            'Standard brokers: `TIERED` adds MSK tiered storage (MSK, "Tiered storage requirements and limitations for Amazon MSK clusters": ' +
            "Kafka 2.8.2.tiered or 3.6.0 and later, not on kafka.t3.small). Off (`LOCAL`) by default.",
        default: "LOCAL",
    }),
    authentication: oneOf(["iam", "scram", "mtls", "tls", "plaintext"] as const, {
        doc: "Client authentication and the broker port the mapping uses: `iam` (9098), `scram` (9096), `mtls` (9094), `tls` (unauthenticated TLS, 9094), `plaintext` (9092; the policy pack rejects it outside dev).",
        default: "iam",
    }),
    certificateAuthorityArns: list(str({ doc: "", pattern: ACM_PCA_ARN, allowed: "an ACM Private CA ARN" }), {
        doc: "`mtls` only: ACM Private CAs whose client certificates the brokers trust.",
        minItems: 1,
        maxItems: 5,
        unique: true,
    }),
    existingClusterArn: str({
        doc: "Attach to this existing MSK cluster instead of creating one (requires `network.mode: existing`). Its topics default to `existing: true`.",
        pattern: MSK_CLUSTER_ARN,
        allowed: "an MSK cluster ARN such as arn:aws:kafka:us-east-1:111122223333:cluster/my-cluster/<uuid>",
        createOnly: "replaces the cluster reference and every mapping",
    }),
    crossAccountConsumers: list(str({ doc: "", pattern: /^[0-9]{12}$/, allowed: "a 12-digit AWS account id" }), {
        doc:
            'Owner side of a cross-account consumer (AWS Lambda, "Creating cross-account event source mappings"): turns on the cluster\'s multi-VPC private connectivity ' +
            "for its authentication and attaches a cluster policy (`aws.msk.ClusterPolicy`) letting these accounts create a managed VPC connection, read the bootstrap " +
            "brokers and describe the cluster (and, with IAM, read topics and use consumer groups). MSK: Kafka 2.7.1 or later, not kafka.t3.small, IAM, SCRAM or mTLS; " +
            "MSK refuses multi-VPC connectivity when it creates a cluster: add this key once the cluster exists (an in-place update). " +
            'With SCRAM or mTLS it also sets `allow.everyone.if.no.acl.found=false` in the cluster\'s configuration (MSK, "Amazon MSK multi-VPC private connectivity in a single Region": ' +
            "set Kafka ACLs, then this property): Kafka ACLs have no AWS API, so before adding this key create ACLs for every client, this stack's own consumers too, or they lose access.",
        minItems: 1,
        maxItems: 20,
        unique: true,
    }),
    logRetentionDays: intIn([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], {
        doc: "Retention of the broker log group, in days (CloudWatch Logs' allowed values). Default 14 in dev, 90 elsewhere.",
    }),
} satisfies Spec;

/** Secret keys (set with `pulumi config set --secret`). Their values never appear in messages, logs or plans. */
export const SECRET_KEYS = ["scramPassword", "mtlsCertificate", "mtlsPrivateKey", "mtlsPrivateKeyPassword"] as const;

export const STACK_CONFIG = {
    environment: oneOf(["dev", "staging", "prod"] as const, { doc: "Deployment environment; prod turns on protection and stricter defaults.", required: true }),
    network: { ...field("object", "Network layout; see the network table."), spec: NETWORK_SPEC },
    source: {
        ...field("object", "Which Kafka the consumers read (MSK, MSK Serverless, MSK in another account, self-managed Apache Kafka); see the source table."),
        spec: SOURCE_SPEC,
    },
    cluster: { ...field("object", "MSK cluster (source kind `msk`); see the cluster table."), spec: CLUSTER_SPEC },
    consumers: { ...field("list of object", "Consumers: one Lambda function and one event source mapping each; see the consumer table.") },
    topics: {
        ...field(
            "map of topic name to object",
            "Kafka topics the stack creates (`aws.msk.Topic`, through the MSK API): each consumer's topic, plus any listed here; a topic with no entry gets the defaults. See the topic table.",
        ),
    },
    scramPassword: str({
        doc: "`scram`: the SASL/SCRAM password (secret). Default: generated by `@pulumi/random`.",
        secret: true,
        minLength: 8,
        maxLength: 128,
    }),
    mtlsCertificate: str({ doc: "`mtls`: PEM chain, client certificate first, then intermediates, root last.", secret: true }),
    mtlsPrivateKey: str({ doc: "`mtls`: the client's PKCS#8 private key, PEM, plain or PBES1-encrypted.", secret: true }),
    mtlsPrivateKeyPassword: str({ doc: "`mtls`: password of an encrypted private key.", secret: true }),
};

function field(type: string, doc: string) {
    return { type, doc };
}

export interface NetworkConfig {
    mode: NetworkMode;
    cidrBlock: string;
    azCount: number;
    vpcId?: string;
    privateSubnetIds?: string[];
    endpoints: boolean;
    privateRouteTableIds?: string[];
    clusterSecurityGroupIds?: string[];
}

export interface ClusterConfig {
    /** The cluster's AZs (client subnets): 2 or 3. */
    azCount: number;
    /** Brokers of a created cluster: brokersPerAz × azCount. */
    brokerCount: number;
    kafkaVersion: string;
    brokerInstanceType: string;
    brokersPerAz: number;
    /** Standard brokers' EBS volume; undefined for Express brokers (MSK-managed storage). */
    ebsVolumeGb?: number;
    storageMode: "LOCAL" | "TIERED";
    authentication: Authentication;
    brokerPort: number;
    certificateAuthorityArns?: string[];
    existingClusterArn?: string;
    /** Accounts whose consumers may connect through multi-VPC private connectivity (the owner side). */
    crossAccountConsumers?: string[];
    logRetentionDays: number;
}

export interface SecretConfig {
    scramPassword?: string;
    mtlsCertificate?: string;
    mtlsPrivateKey?: string;
    mtlsPrivateKeyPassword?: string;
}

export interface StackConfig {
    project: string;
    stack: string;
    environment: Environment;
    /** What the consumers read (`msk-lambda:source`; kind `msk` by default). */
    source: SourceConfig;
    /** Undefined only for self-managed brokers reached over the internet (no VPC). */
    network?: NetworkConfig;
    cluster: ClusterConfig;
    consumers: ConsumerConfig[];
    /** Each consumer as written in the stack file (what the `Consumer` component takes), in the order of `consumers`. */
    consumerSettings: ConsumerSettings[];
    /** `msk-lambda:source`, validated, with its defaults (the `Consumer` component's `source`). */
    sourceSettings: SourceSettings;
    /** `network` and `cluster` as written in the stack file (what the `Network` and `KafkaCluster` components take). */
    networkSettings: NetworkSettings;
    clusterSettings: ClusterSettings;
    /** Every topic the stack handles (created or existing), consumers' topics included. */
    topics: TopicConfig[];
    secrets: SecretConfig;
    /** Advisory notes (never fatal): the program logs them as warnings, the plan prints them. */
    notes: ConfigIssue[];
}

/** Key path in messages: `msk-lambda:network.azCount`. */
const k = (path: string) => `${NAMESPACE}:${path}`;

/** This program's keys of the raw config map, parsed from Pulumi's text (objects and lists as JSON); typos reported. */
function ownKeys(raw: Record<string, string>, secretKeys: string[] | undefined, issues: Issues): Record<string, unknown> {
    const own: Record<string, unknown> = {};
    const names = Object.keys(STACK_CONFIG);
    for (const [key, text] of Object.entries(raw)) {
        if (!key.startsWith(`${NAMESPACE}:`)) {
            // Another namespace (aws:, pulumi:) is not ours; one that looks like ours is a typo that would be ignored.
            const colon = key.indexOf(":");
            const ns = colon > 0 ? key.slice(0, colon) : "";
            if (ns && didYouMean(ns, [NAMESPACE])) {
                const name = key.slice(colon + 1).split(/[.[]/)[0];
                const meant = name in STACK_CONFIG ? name : (didYouMean(name, names) ?? name);
                issues.add(key, `namespace "${ns}" is not this program's, so the key would be ignored: did you mean ${k(meant)}?`);
            }
            continue;
        }
        const name = key.slice(NAMESPACE.length + 1);
        if (!(name in STACK_CONFIG)) {
            const meant = didYouMean(name, names);
            issues.add(key, `is not a known key: allowed keys are ${names.map(k).join(", ")}${meant ? `; did you mean ${k(meant)}?` : ""}`);
            continue;
        }
        const f = (STACK_CONFIG as Record<string, { type: string; secret?: boolean }>)[name];
        if (f.secret && secretKeys && !secretKeys.includes(key)) {
            issues.add(key, `must be set as a secret: pulumi config set --secret ${key} <value>`);
            continue;
        }
        if (f.type === "object" || f.type.startsWith("list") || f.type.startsWith("map")) {
            try {
                own[name] = JSON.parse(text);
            } catch {
                issues.add(key, `must be ${f.type === "object" ? "an object" : "a list"} (YAML map or list in the stack file), got text that is not JSON`);
            }
        } else {
            own[name] = text;
        }
    }

    return own;
}

/** aws:region is the provider's key, read here because the network plans its AZs from it (`<region>a`, ...). */
function checkRegion(raw: Record<string, string>, issues: Issues): void {
    const region = raw["aws:region"];
    if (region !== undefined && !AWS_REGIONS.includes(region)) {
        const meant = didYouMean(region, [...AWS_REGIONS]);
        issues.add(
            "aws:region",
            `${JSON.stringify(region.slice(0, 40))} is not an AWS Region${meant ? ` (did you mean ${meant}?)` : ""}: use one of ${AWS_REGIONS.join(", ")}`,
        );
    }
}

/** Whether the user wrote `key` in a raw config object (an unset key takes its default). */
function wrote(raw: unknown, key: string): boolean {
    return raw !== null && typeof raw === "object" && !Array.isArray(raw) && (raw as Record<string, unknown>)[key] !== undefined;
}

/** What cluster.authentication is, saying when it is the default the user did not set. */
function authSaid(rawCluster: unknown, auth: Authentication): string {
    return wrote(rawCluster, "authentication")
        ? `${k("cluster.authentication")} is "${auth}"`
        : `${k("cluster.authentication")} is not set, and its default is "${auth}"`;
}

/** An existing cluster goes with an existing network, and its security groups with network.clusterSecurityGroupIds. */
function checkNetworkForCluster(
    network: ReturnType<typeof parseNetwork>,
    cluster: ReturnType<typeof parseCluster>,
    issues: Issues,
    given?: { key: string; required: boolean; defaulted?: string },
    rawNetwork?: unknown,
): void {
    given ??= cluster?.existingClusterArn ? { key: "cluster.existingClusterArn", required: false } : undefined;
    if (network && given && network.mode !== "existing") {
        // Name what the user wrote, or the default they did not write (source.brokersIn "vpc", network.mode "privatelink").
        const mode = wrote(rawNetwork, "mode")
            ? `${k("network.mode")} is "${network.mode}"`
            : `${k("network.mode")} is not set, and its default "${network.mode}" creates a new VPC`;
        const what = given.defaulted ? `is not set, and its default ${given.defaulted} ` : "";
        issues.add(k(given.key), `${what}needs ${k("network.mode")} "existing" (the VPC of that cluster or those brokers); ${mode}`);
    }
    if (network?.clusterSecurityGroupIds && !given) {
        issues.add(
            k("network.clusterSecurityGroupIds"),
            `is only for an existing cluster (${k("cluster.existingClusterArn")} or ${k("source.clusterArn")} of kind "serverless") or self-managed brokers in a VPC; this stack creates the cluster's security group`,
        );
    }
    if (network?.mode === "existing" && given && (given.required || network.endpoints) && !network.clusterSecurityGroupIds) {
        issues.add(
            k("network.clusterSecurityGroupIds"),
            given.required
                ? "is required with self-managed brokers in a VPC: the pollers' security groups (they must reach the brokers' port, and 443 for Lambda, STS and Secrets Manager)"
                : "is required with network.endpoints and an existing cluster: the endpoints' security group allows 443 from these groups",
        );
    }
}

/** The source whose security groups are given, not created: an existing cluster, or self-managed brokers in a VPC. */
function givenGroups(
    source: SourceConfig,
    cluster: ReturnType<typeof parseCluster>,
    rawSource?: unknown,
): { key: string; required: boolean; defaulted?: string } | undefined {
    if (source.kind === "self-managed")
        return source.brokersIn === "vpc"
            ? { key: "source.brokersIn", required: true, ...(wrote(rawSource, "brokersIn") ? {} : { defaulted: '"vpc" (brokers in a VPC)' }) }
            : undefined;
    if (source.kind === "serverless" && source.clusterArn) return { key: "source.clusterArn", required: false };
    if (source.kind === "msk" && cluster?.existingClusterArn) return { key: "cluster.existingClusterArn", required: false };
    return undefined;
}

/** `brokersIn` as a refused `msk-lambda:source` gives it (default `vpc`). */
function rawBrokersIn(raw: unknown): unknown {
    return ((raw ?? {}) as Record<string, unknown>).brokersIn ?? "vpc";
}

/** Consumers (as written, so that refused ones count too) whose failure topic the source kind cannot take. */
function checkKafkaFailures(kind: SourceKind, rawConsumers: unknown, issues: Issues): void {
    const why = kafkaFailureRefusal(kind);
    if (!why || !Array.isArray(rawConsumers)) return;
    rawConsumers.forEach((c, i) => {
        if ((c as { onFailure?: { type?: unknown } } | null)?.onFailure?.type === "kafka") issues.add(k(`consumers[${i}].onFailure.type`), why);
    });
}

/** The kind (and cluster ARN) a refused `msk-lambda:source` names, when it names a known kind. */
function rawSourceKind(raw: unknown): Pick<SourceConfig, "kind" | "clusterArn"> | undefined {
    const o = (raw ?? {}) as Record<string, unknown>;
    const kind = o.kind ?? "msk";
    if (typeof kind !== "string" || !(SOURCE_KINDS as readonly string[]).includes(kind)) return undefined;
    return { kind: kind as SourceKind, clusterArn: typeof o.clusterArn === "string" ? o.clusterArn : undefined };
}

/** Cluster keys that MSK Serverless takes: the AZs of its subnets, and IAM (its only authentication). */
const SERVERLESS_CLUSTER_KEYS = ["azCount", "authentication"];

/**
 * The cluster keys each source kind takes, and the owner side's multi-VPC requirements (Amazon MSK, "Amazon MSK
 * multi-VPC private connectivity in a single Region", requirements: Apache Kafka 2.7.1 or later, IAM, TLS or SASL/SCRAM
 * (unauthenticated clusters cannot), not the t3.small instance type).
 */
function checkSourceFits(
    source: Pick<SourceConfig, "kind" | "clusterArn">,
    rawCluster: unknown,
    cluster: ClusterConfig | undefined,
    issues: Issues,
    notes: Issues,
): void {
    const given = rawCluster !== null && typeof rawCluster === "object" && !Array.isArray(rawCluster) ? (rawCluster as Record<string, unknown>) : {};
    const set = Object.keys(given).filter((key) => given[key] !== undefined && given[key] !== null && key in CLUSTER_SPEC);
    if (source.kind === "serverless") {
        for (const key of set.filter((x) => !SERVERLESS_CLUSTER_KEYS.includes(x) || (x === "azCount" && source.clusterArn)))
            issues.add(
                k(`cluster.${key}`),
                key === "azCount"
                    ? `is for a serverless cluster this stack creates (how many AZs' subnets it gets); ${k("source.clusterArn")} names an existing one, whose subnets are its own: remove it`
                    : 'does not apply to MSK Serverless (Amazon MSK, "MSK Serverless": no brokers, storage, configuration or broker logs to set, IAM authentication only): remove it',
            );
        if (cluster && cluster.authentication !== "iam")
            issues.add(
                k("cluster.authentication"),
                `"${cluster.authentication}" is not available on MSK Serverless, which supports IAM authentication only: use "iam"`,
            );
    } else if (source.kind !== "msk") {
        // A VPC connection's subnets are the network's first cluster.azCount private subnets (in the cluster's AZs).
        for (const key of set.filter((x) => !(source.kind === "msk-vpc-connection" && x === "azCount")))
            issues.add(
                k(`cluster.${key}`),
                `does not apply to source kind "${source.kind}": ${source.kind === "self-managed" ? "the brokers are yours, not this stack's" : "the cluster is the other account's, not this stack's"}: remove it`,
            );
    }
    if (cluster?.crossAccountConsumers && source.kind === "msk") checkMultiVpc(cluster, issues, notes);
    if (cluster?.crossAccountConsumers && source.kind !== "msk")
        issues.add(
            k("cluster.crossAccountConsumers"),
            `is for the owner of an MSK provisioned cluster (source kind "msk"), not kind "${source.kind}": remove it`,
        );
}

/** The owner side of multi-VPC private connectivity: a cluster this stack creates, with an authentication MSK allows there. */
function checkMultiVpc(cluster: ClusterConfig, issues: Issues, notes: Issues): void {
    const key = k("cluster.crossAccountConsumers");
    if (cluster.existingClusterArn) {
        issues.add(
            key,
            "needs a cluster this stack creates (it turns on the cluster's multi-VPC connectivity): remove cluster.existingClusterArn, or set it on the stack that owns the cluster",
        );
        return;
    }
    if (!["iam", "scram", "mtls"].includes(cluster.authentication))
        issues.add(
            key,
            `needs authentication "iam", "scram" or "mtls": MSK multi-VPC private connectivity does not serve unauthenticated clusters (cluster.authentication is "${cluster.authentication}")`,
        );
    if (cluster.brokerInstanceType === "kafka.t3.small")
        issues.add(
            key,
            'needs a broker type other than kafka.t3.small (MSK multi-VPC private connectivity "doesn\'t support the t3.small instance type"): use kafka.m7g.large or larger',
        );
    const [major, minor, patch] = cluster.kafkaVersion.split(".").map((x) => (x === "x" ? 99 : Number(x)));
    if (major < 2 || (major === 2 && (minor < 7 || (minor === 7 && patch < 1))))
        issues.add(key, `needs Apache Kafka 2.7.1 or later for multi-VPC private connectivity; cluster.kafkaVersion is ${cluster.kafkaVersion}`);
    notes.add(
        key,
        'turns on the cluster\'s multi-VPC connectivity, which MSK refuses while it creates a cluster ("When creating a cluster, all vpcConnectivity auth schemes must be disabled"): on a stack whose cluster does not exist yet, run `pulumi up` without this key first, then add it (an in-place update)',
    );
    if (cluster.authentication === "scram" || cluster.authentication === "mtls")
        notes.add(
            key,
            `sets allow.everyone.if.no.acl.found=false in the cluster's configuration, as Amazon MSK requires for multi-VPC connectivity with ${cluster.authentication === "scram" ? "SASL/SCRAM" : "mTLS"} ("Amazon MSK multi-VPC private connectivity in a single Region": set Kafka ACLs, then this property): a client without an ACL loses access. Kafka ACLs cannot be created through an AWS API: before adding this key, create ACLs (kafka-acls.sh) for every client, this stack's own consumers included (their topics and consumer groups)`,
        );
}

/**
 * "Capturing discarded batches for an Amazon MSK event source": the pollers reach the failure destination through a
 * VPC endpoint in the cluster's VPC. For S3 that is a gateway endpoint on the private subnets' route tables.
 */
function checkGatewayRouteTables(network: ReturnType<typeof parseNetwork>, consumers: ConsumerConfig[] | undefined, issues: Issues): void {
    if (network?.mode === "existing" && network.endpoints && !network.privateRouteTableIds) {
        const gateway = (c: ConsumerConfig) => factsOf(c.onFailure.type)?.endpoint?.type === "Gateway";
        const i = (consumers ?? []).findIndex(gateway);
        if (i >= 0) {
            const f = factsOf(consumers![i].onFailure.type)!;
            const service = f.endpoint!.service.toUpperCase();
            issues.add(
                k("network.privateRouteTableIds"),
                `is required: ${k(`consumers[${i}].onFailure`)} is ${f.name}, which the pollers reach through an ${service} gateway endpoint on the private subnets' route tables (network.endpoints is true)`,
            );
        }
    }
}

/**
 * The source and the network it needs. A refused source still decides, by its raw kind, how the network (and later
 * the topics) are checked: every problem at once.
 */
function parseSourceAndNetwork(own: Record<string, unknown>, region: string | undefined, issues: Issues) {
    const source = parseSource(own.source ?? {}, issues, { region: region && AWS_REGIONS.includes(region) ? region : undefined });
    const raws = rawSourceKind(own.source);
    const noVpc = (source ?? raws)?.kind === "self-managed" && (source?.brokersIn ?? rawBrokersIn(own.source)) === "internet";
    if (noVpc && own.network !== undefined) {
        issues.add(
            k("network"),
            'is not used with self-managed brokers reached over the internet (source.brokersIn "internet"): remove it, or use brokersIn "vpc"',
        );
    }
    const network = noVpc ? undefined : parseNetwork(own.network ?? {}, issues);
    return { source, raws, network };
}

/** The secret keys that are set (`scramPassword`, `mtls*`), each checked by its table entry. */
function parseSecrets(own: Record<string, unknown>, issues: Issues): SecretConfig {
    const secrets: SecretConfig = {};
    for (const name of SECRET_KEYS) {
        if (own[name] === undefined) continue;
        const v = STACK_CONFIG[name].parse(own[name], k(name), issues);
        if (v !== undefined) secrets[name] = v;
    }
    return secrets;
}

/**
 * Parses the raw config map (as Pulumi stores it: `"msk-lambda:network"` -> JSON text for objects, plain text for
 * strings) into a validated `StackConfig`. Throws `ConfigError` listing every problem.
 *
 * @param raw       all config keys with their namespaces, e.g. from `pulumi.runtime.allConfig()`
 * @param secretKeys keys that were set as secrets (with namespace); secret-only keys must be among them
 */
export function parseStackConfig(
    raw: Record<string, string>,
    opts: {
        project: string;
        stack: string;
        secretKeys?: string[];
        /**
         * Secret keys (without namespace) whose values are not known while the config is checked (secret outputs a
         * Python, Go, C# or YAML program gives the `Stack` component): their presence counts; their content is not
         * inspected here (the policy pack inspects the stored mTLS secret with the same checks).
         */
        opaqueSecrets?: string[];
    },
): StackConfig {
    const issues = new Issues();
    const own = ownKeys(raw, opts.secretKeys, issues);
    checkRegion(raw, issues);
    const environment = STACK_CONFIG.environment.parse(own.environment ?? missing(issues, "environment"), k("environment"), issues);
    const { source, raws, network } = parseSourceAndNetwork(own, raw["aws:region"], issues);
    const cluster = parseCluster(own.cluster ?? {}, environment, network, issues);

    const notes = new Issues();
    // Checked with the raw kind too when the source itself was refused, so that every problem is reported at once.
    const kind = source ?? raws;
    if (kind) checkSourceFits(kind, own.cluster, cluster, issues, notes);
    if (kind) checkKafkaFailures(kind.kind, own.consumers, issues);
    checkNetworkForCluster(network, cluster, issues, source && givenGroups(source, cluster, own.source), own.network);

    const secrets = parseSecrets(own, issues);
    if (cluster) checkSecretsMatchAuth(cluster.authentication, secrets, issues, opts.opaqueSecrets ?? [], { kind: kind?.kind, rawCluster: own.cluster });

    const consumers = parseConsumers(own.consumers ?? [], {
        project: opts.project,
        stack: opts.stack,
        environment: environment ?? "dev",
        authentication: cluster?.authentication ?? "iam",
        issues,
        notes,
    });

    checkGatewayRouteTables(network, consumers, issues);

    // With a consumer refused, the topics are still checked (against the consumers that parsed), so that every
    // problem is reported at once.
    const topics = parseTopics(own.topics, {
        consumers: consumers ?? [],
        brokers: cluster && !cluster.existingClusterArn && kind?.kind === "msk" ? cluster.brokerCount : undefined,
        existingCluster: !!cluster?.existingClusterArn || !!(source ?? raws)?.clusterArn,
        noTopicApi: kind ? noTopicApi(kind.kind) : undefined,
        kafkaVersion: cluster?.kafkaVersion,
        brokerInstanceType: cluster?.brokerInstanceType,
        issues,
        notes,
    });

    hideSecretValues(raw, opts.secretKeys, [...issues.list, ...notes.list]);
    issues.throwIfAny();
    return {
        project: opts.project,
        stack: opts.stack,
        environment: environment!,
        source: source!,
        network,
        cluster: cluster!,
        consumers: consumers!,
        consumerSettings: (own.consumers ?? []) as ConsumerSettings[],
        sourceSettings: source as unknown as SourceSettings,
        networkSettings: (own.network ?? {}) as NetworkSettings,
        clusterSettings: (own.cluster ?? {}) as ClusterSettings,
        topics: topics!,
        secrets,
        notes: notes.list,
    };
}

/** Shorter values are not hidden: they reveal nothing, and hiding them would garble every message (a leaf "1"). */
const MIN_HIDDEN = 3;
/** What a hidden value reads as in a message. */
export const HIDDEN = "(secret value hidden)";

/**
 * A key set with `--secret` never shows its value: every string in it (each leaf of an object or list, and each map
 * key), as written, JSON-escaped, or cut where messages cut values (schema.ts `describe`: 57 characters; secret
 * names: 60), is replaced in every message and note. One pass per value over the messages: linear in their size.
 */
function hideSecretValues(raw: Record<string, string>, secretKeys: string[] | undefined, list: ConfigIssue[]): void {
    const values = new Set<string>();
    const collect = (v: unknown): void => {
        if (typeof v === "string") {
            for (const form of [v, JSON.stringify(v).slice(1, -1), v.slice(0, 57), v.slice(0, 60)]) if (form.length >= MIN_HIDDEN) values.add(form);
        } else if (Array.isArray(v)) v.forEach(collect);
        else if (v !== null && typeof v === "object")
            for (const [key, item] of Object.entries(v)) {
                collect(key);
                collect(item);
            }
    };
    for (const key of secretKeys ?? []) {
        const text = raw[key];
        if (text === undefined) continue;
        collect(text);
        try {
            collect(JSON.parse(text));
        } catch {
            // Plain text: collected as written.
        }
    }
    // Longest first, so that a value's cut form never leaves the rest of it showing.
    const ordered = [...values].sort((a, b) => b.length - a.length);
    for (const issue of list) {
        // A mark no value contains while replacing, so that a shorter value is never found inside HIDDEN itself.
        for (const v of ordered) if (issue.message.includes(v)) issue.message = issue.message.split(v).join("\u0000");
        issue.message = issue.message.split("\u0000").join(HIDDEN);
    }
}

function missing(issues: Issues, name: keyof typeof STACK_CONFIG): undefined {
    const f = STACK_CONFIG[name] as Field<unknown>;
    issues.add(k(name), `is required (${f.allowed}): pulumi config set ${k(name)} <value>`);
    return undefined;
}

/**
 * A component's settings, checked by the stack's own parser: every problem at once, as a `ConfigError` whose keys
 * name the component's arg (`network.settings.azCount`) instead of the stack's (`msk-lambda:network.azCount`).
 */
function asComponent<T>(table: "network" | "cluster", key: string, parse: (issues: Issues) => T | undefined): T {
    const issues = new Issues();
    const out = parse(issues);
    const prefix = k(table);
    for (const i of issues.list) if (i.key.startsWith(prefix)) i.key = key + i.key.slice(prefix.length);
    issues.throwIfAny();
    return out!;
}

/** The `Network` component's settings: the keys, defaults and checks of `msk-lambda:network`. */
export function parseNetworkSettings(value: unknown, key: string): NetworkConfig {
    return asComponent("network", key, (issues) => parseNetwork(value ?? {}, issues));
}

/**
 * The `KafkaCluster` component's settings: the keys, defaults and checks of `msk-lambda:cluster`, for a cluster in
 * `subnetCount` client subnets (its AZs).
 */
export function parseClusterSettings(value: unknown, key: string, environment: Environment, subnetCount: number): ClusterConfig {
    const subnets = { mode: "existing", privateSubnetIds: Array.from({ length: subnetCount }, () => "") } as unknown as NetworkConfig;
    return asComponent("cluster", key, (issues) => parseCluster(value ?? {}, environment, subnets, issues));
}

function parseNetwork(value: unknown, issues: Issues): NetworkConfig | undefined {
    const p = parseObject(NETWORK_SPEC, value, k("network"), issues);
    if (!p) return undefined;
    const given = value as Record<string, unknown>;
    const before = issues.list.length;
    if (p.mode === "existing") {
        for (const key of ["cidrBlock", "azCount"] as const) {
            if (given[key] !== undefined)
                issues.add(k(`network.${key}`), `is only for the "privatelink" and "nat" modes; "existing" uses network.vpcId and network.privateSubnetIds`);
        }
        if (!p.vpcId) issues.add(k("network.vpcId"), `is required in "existing" mode (a VPC id such as vpc-0123456789abcdef0)`);
        if (!p.privateSubnetIds) issues.add(k("network.privateSubnetIds"), `is required in "existing" mode: at least 2 private subnet ids, one per AZ`);
    } else {
        for (const key of ["vpcId", "privateSubnetIds", "endpoints", "privateRouteTableIds", "clusterSecurityGroupIds"] as const) {
            if (given[key] !== undefined) issues.add(k(`network.${key}`), `is only for the "existing" mode; "${p.mode}" creates its own VPC`);
        }
        try {
            // Throws when the block is too small for the AZ count.
            planSubnets(p.cidrBlock!, p.azCount!, p.mode as "privatelink" | "nat");
        } catch (e) {
            issues.add(k("network.cidrBlock"), (e as Error).message);
        }
    }
    if (issues.list.length > before) return undefined;
    return p as NetworkConfig;
}

function parseCluster(value: unknown, environment: Environment | undefined, network: NetworkConfig | undefined, issues: Issues): ClusterConfig | undefined {
    const p = parseObject(CLUSTER_SPEC, value, k("cluster"), issues);
    if (!p) return undefined;
    const given = value as Record<string, unknown>;
    const before = issues.list.length;
    const auth = p.authentication as Authentication;
    if (auth === "mtls" && !p.certificateAuthorityArns && !p.existingClusterArn) {
        issues.add(k("cluster.certificateAuthorityArns"), `is required with authentication "mtls": the ACM Private CA ARNs that sign client certificates`);
    }
    if (auth !== "mtls" && p.certificateAuthorityArns) {
        issues.add(k("cluster.certificateAuthorityArns"), `is only for ${k("cluster.authentication")} "mtls"; ${authSaid(value, auth)}`);
    }
    if (p.existingClusterArn) {
        for (const key of [
            "kafkaVersion",
            "brokerInstanceType",
            "azCount",
            "brokersPerAz",
            "ebsVolumeGb",
            "storageMode",
            "certificateAuthorityArns",
            "logRetentionDays",
        ] as const) {
            if (given[key] !== undefined)
                issues.add(k(`cluster.${key}`), "has no effect with cluster.existingClusterArn (the cluster is not managed by this stack): remove it");
        }
    }
    // MSK places the brokers in 2 or 3 client subnets: the first azCount private subnets.
    const subnets = network ? (network.mode === "existing" ? network.privateSubnetIds!.length : network.azCount) : undefined;
    if (p.azCount !== undefined && subnets !== undefined && p.azCount > subnets) {
        issues.add(k("cluster.azCount"), `${p.azCount} is more than the network's ${subnets} private subnets: use 2${subnets > 2 ? ` or ${subnets}` : ""}`);
    }
    const azCount = p.azCount ?? clusterSubnetCount(subnets ?? 3);
    if (!p.existingClusterArn) checkBrokerType(p, given, azCount, issues);
    if (issues.list.length > before) return undefined;
    return {
        azCount,
        brokerCount: p.brokersPerAz! * azCount,
        kafkaVersion: p.kafkaVersion!,
        brokerInstanceType: p.brokerInstanceType!,
        brokersPerAz: p.brokersPerAz!,
        ebsVolumeGb: express(p.brokerInstanceType!) ? undefined : (p.ebsVolumeGb ?? 100),
        storageMode: p.storageMode as "LOCAL" | "TIERED",
        authentication: auth,
        brokerPort: BROKER_PORTS[auth],
        certificateAuthorityArns: p.certificateAuthorityArns,
        existingClusterArn: p.existingClusterArn,
        crossAccountConsumers: p.crossAccountConsumers,
        logRetentionDays: p.logRetentionDays ?? (environment === "dev" ? 14 : 90),
    };
}

/** Whether a broker type is an Express broker (MSK, "Amazon MSK broker types": `express.m7g.*`). */
export function express(instanceType: string): boolean {
    return instanceType.startsWith("express.");
}

/**
 * Express broker sizes (MSK, "Amazon MSK broker types": Express brokers are M7g only, `express.m7g.large` to
 * `16xlarge`) and the Kafka versions MSK runs them on: "starts at version 3.6" (same page; AWS's CLI example in
 * aws-cloudformation/cloudformation-coverage-roadmap#2237 creates one with `3.6.0`), 3.8.x (MSK, "Document history for
 * Amazon MSK Developer Guide", 2025-06-05), 3.9.x (Express clusters on 3.9.x in terraform-aws-modules/
 * terraform-aws-msk-kafka-cluster#68). Not KRaft-suffixed or `.tiered` builds; 4.x is not listed until MSK documents it.
 */
export const EXPRESS_INSTANCE_TYPES = ["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge"].map((s) => `express.m7g.${s}`);
export const EXPRESS_KAFKA_VERSIONS = ["3.6.0", "3.6.x", "3.8.x", "3.9.x"];

/** Major and minor of a Kafka version string (`3.8.x` → [3, 8]). */
function majorMinor(version: string): [number, number] {
    const [a, b] = version.split(".");
    return [Number(a), Number(b)];
}

/**
 * What a broker type allows. Express (MSK, "Amazon MSK Express brokers"): storage is MSK-managed (no EBS, no tiered
 * storage: "The storageInfo parameter is not supported for Express instance types"), Kafka 3.6 or later, brokers
 * in 3 AZs. Tiered storage (MSK, "Tiered storage requirements and limitations for Amazon MSK clusters"): Standard
 * brokers other than kafka.t3.small, Kafka 2.8.2.tiered or 3.6.0 and later.
 */
function checkBrokerType(
    p: { brokerInstanceType?: string; kafkaVersion?: string; storageMode?: string },
    given: Record<string, unknown>,
    azCount: number,
    issues: Issues,
): void {
    const type = p.brokerInstanceType!;
    const version = p.kafkaVersion!;
    if (express(type)) {
        if (!EXPRESS_INSTANCE_TYPES.includes(type)) {
            issues.add(
                k("cluster.brokerInstanceType"),
                `${JSON.stringify(type)} is not an Express broker size: use one of ${EXPRESS_INSTANCE_TYPES.join(", ")}`,
            );
        }
        if (!EXPRESS_KAFKA_VERSIONS.includes(version)) {
            issues.add(
                k("cluster.kafkaVersion"),
                `${JSON.stringify(version)} does not run on Express brokers: use one of ${EXPRESS_KAFKA_VERSIONS.join(", ")}`,
            );
        }
        if (given.ebsVolumeGb !== undefined) {
            issues.add(
                k("cluster.ebsVolumeGb"),
                "is not for Express brokers (MSK manages their storage; AWS refuses storageInfo for Express instance types): remove it",
            );
        }
        if (given.storageMode !== undefined) {
            issues.add(
                k("cluster.storageMode"),
                "is not for Express brokers (MSK manages their storage; tiered storage is a Standard broker feature): remove it",
            );
        }
        if (azCount !== 3) {
            issues.add(k("cluster.azCount"), `${azCount} AZs: Express brokers run in 3 AZs; use 3 (and a network with 3 private subnets)`);
        }
        return;
    }
    if (p.storageMode !== "TIERED") return;
    if (type === "kafka.t3.small") {
        issues.add(
            k("cluster.storageMode"),
            `"TIERED" is not available on kafka.t3.small: use kafka.m5.large, kafka.m7g.large or larger, or storageMode "LOCAL"`,
        );
    }
    const [major, minor] = majorMinor(version);
    if (version !== "2.8.2.tiered" && (major < 3 || (major === 3 && minor < 6))) {
        issues.add(
            k("cluster.kafkaVersion"),
            `${JSON.stringify(version)} has no tiered storage: with storageMode "TIERED" use 2.8.2.tiered or 3.6.0 and later`,
        );
    }
}

function checkSecretsMatchAuth(
    auth: Authentication,
    s: SecretConfig,
    issues: Issues,
    opaque: string[],
    ctx: { kind?: SourceKind; rawCluster: unknown } = { rawCluster: undefined },
): void {
    // Each message names the key that decides: the source kind when it is not "msk" (these secrets are the credentials
    // of a cluster of kind "msk"), else cluster.authentication, saying when it is the default the user did not set.
    const misfit = (wanted: Authentication): string =>
        ctx.kind && ctx.kind !== "msk"
            ? `is only for source kind "msk" (with ${k("cluster.authentication")} "${wanted}"), not "${ctx.kind}": ${ctx.kind === "serverless" ? "MSK Serverless takes IAM only" : `this kind's credentials are the secret in ${k("source.secretArn")}`}; remove it`
            : `is only for ${k("cluster.authentication")} "${wanted}"; ${authSaid(ctx.rawCluster, auth)}`;
    if (s.scramPassword !== undefined && auth !== "scram") issues.add(k("scramPassword"), misfit("scram"));
    for (const name of ["mtlsCertificate", "mtlsPrivateKey", "mtlsPrivateKeyPassword"] as const) {
        if (s[name] !== undefined && auth !== "mtls") issues.add(k(name), misfit("mtls"));
    }
    if (auth === "mtls") {
        for (const name of ["mtlsCertificate", "mtlsPrivateKey"] as const) {
            if (s[name] === undefined) issues.add(k(name), `is required with authentication "mtls": pulumi config set --secret ${k(name)} < file.pem`);
        }
        if (s.mtlsCertificate === undefined || s.mtlsPrivateKey === undefined) return;
        if (opaque.some((name) => name.startsWith("mtls"))) return;
        // The same inspection the policy pack runs on the stored secret (its findings never quote secret material).
        const value = {
            certificate: s.mtlsCertificate,
            privateKey: s.mtlsPrivateKey,
            ...(s.mtlsPrivateKeyPassword ? { privateKeyPassword: s.mtlsPrivateKeyPassword } : {}),
        };
        for (const f of inspectMtlsSecret(value)) issues.add(k(MTLS_FINDING_KEY[f.code]), f.message);
    }
}

/** Which config key an mTLS finding is about. */
const MTLS_FINDING_KEY: Record<FindingCode, (typeof SECRET_KEYS)[number]> = {
    "not-an-object": "mtlsCertificate",
    "missing-certificate": "mtlsCertificate",
    "bad-certificate-pem": "mtlsCertificate",
    "certificate-not-on-new-line": "mtlsCertificate",
    "chain-order": "mtlsCertificate",
    "chain-signature": "mtlsCertificate",
    "chain-not-ending-in-root": "mtlsCertificate",
    "self-signed-client": "mtlsCertificate",
    expired: "mtlsCertificate",
    "not-yet-valid": "mtlsCertificate",
    "too-large": "mtlsCertificate",
    "missing-private-key": "mtlsPrivateKey",
    "not-pkcs8": "mtlsPrivateKey",
    "bad-private-key": "mtlsPrivateKey",
    pbes2: "mtlsPrivateKey",
    "unknown-encryption": "mtlsPrivateKey",
    "key-mismatch": "mtlsPrivateKey",
    "missing-password": "mtlsPrivateKeyPassword",
    "wrong-password": "mtlsPrivateKeyPassword",
};

export { ConfigError };
