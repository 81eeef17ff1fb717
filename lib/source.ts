/**
 * `msk-lambda:source`: which Kafka the consumers read (AWS Lambda reads four kinds), and what each kind needs.
 *
 * - `msk` (default): an MSK provisioned cluster the stack creates, or one that exists (`cluster.*`), as before.
 * - `serverless`: an MSK Serverless cluster (`aws.msk.ServerlessCluster`) the stack creates in the network's cluster
 *   subnets, or one that exists (`clusterArn`). MSK Serverless supports IAM authentication only (Amazon MSK,
 *   "MSK Serverless": "MSK Serverless requires IAM access control for all clusters"); it has no brokers, storage,
 *   configuration or broker logs to set, and MSK's topic API is not available for it (Amazon MSK, "Topic
 *   Operations": "Your cluster must be an MSK Provisioned cluster. These APIs are not available for MSK Serverless
 *   clusters"), so its topics must exist.
 * - `msk-vpc-connection`: an MSK provisioned cluster of another account, read through an MSK managed VPC connection
 *   (`aws.msk.VpcConnection`) in this stack's VPC (AWS Lambda, "Creating cross-account event source mappings": "use
 *   the managed VPC connection ARN instead of the cluster ARN"; Amazon MSK, "Amazon MSK multi-VPC private connectivity
 *   in a single Region"). The cluster owner's stack turns on multi-VPC connectivity and names this account in
 *   `cluster.crossAccountConsumers`. Topics live on the other account's cluster: they must exist.
 * - `self-managed`: Apache Kafka you run, reached through its bootstrap servers, in a VPC (the subnets
 *   `network.privateSubnetIds` and the security groups `network.clusterSecurityGroupIds`, with the same endpoint or
 *   NAT needs as MSK) or over the internet (AWS Lambda, "Configuring your self-managed Apache Kafka cluster and network
 *   for Lambda"). No AWS API creates topics there: they must exist.
 *
 * Plain data only: no Pulumi here.
 */
import { Issues, list, oneOf, parseObject, str, type Spec } from "./schema";
import { MSK_SCRAM_SECRET_PREFIX } from "../policies/lib/public";

export type SourceKind = "msk" | "serverless" | "msk-vpc-connection" | "self-managed";
export const SOURCE_KINDS = ["msk", "serverless", "msk-vpc-connection", "self-managed"] as const;

/** `msk-vpc-connection`: how the connection authenticates (Amazon MSK multi-VPC: IAM, SASL/SCRAM or TLS). */
export type VpcConnectionAuth = "iam" | "scram" | "mtls";
/** `self-managed` (AWS Lambda, "Configuring cluster authentication methods in Lambda"). */
export type SelfManagedAuth = "scram-256" | "scram-512" | "plain" | "mtls";
export const SOURCE_AUTHENTICATIONS = ["iam", "scram", "mtls", "scram-256", "scram-512", "plain"] as const;
const VPC_CONNECTION_AUTH: readonly string[] = ["iam", "scram", "mtls"];
const SELF_MANAGED_AUTH: readonly string[] = ["scram-256", "scram-512", "plain", "mtls"];

/** The mapping's `sourceAccessConfigurations` type for each secret-based authentication (Lambda API, SourceAccessConfiguration). */
export const ACCESS_TYPE: Record<Exclude<(typeof SOURCE_AUTHENTICATIONS)[number], "iam">, string> = {
    // "Creating cross-account event source mappings": SASL_SCRAM_512_AUTH for a cluster with SASL/SCRAM (MSK supports SCRAM-SHA-512 only).
    scram: "SASL_SCRAM_512_AUTH",
    "scram-512": "SASL_SCRAM_512_AUTH",
    "scram-256": "SASL_SCRAM_256_AUTH",
    plain: "BASIC_AUTH",
    mtls: "CLIENT_CERTIFICATE_TLS_AUTH",
};

/** `aws.msk.VpcConnection.authentication` (MSK API CreateVpcConnection: SASL_IAM, SASL_SCRAM or TLS). */
export const VPC_CONNECTION_AUTHENTICATION: Record<VpcConnectionAuth, string> = { iam: "SASL_IAM", scram: "SASL_SCRAM", mtls: "TLS" };

/**
 * Multi-VPC private connectivity: "the multi-VPC network load balancer is listening on the 14001-14100 port ranges"
 * (each broker on its own port from 14001; terraform-aws-modules/terraform-aws-msk-kafka-cluster, examples/
 * vpc-connection); the managed VPC connection's security groups admit the clients on these ports.
 */
export const VPC_CONNECTION_PORTS = { from: 14001, to: 14100 } as const;

const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:[A-Za-z0-9/_+=.@-]{1,512}$/;
const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key\/[A-Za-z0-9-]{1,64}$/;
/** host:port, as Lambda's KAFKA_BOOTSTRAP_SERVERS takes them ("abc.xyz.com:xxxx"); the port is checked by `checkPort`. */
const BOOTSTRAP_SERVER = /^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?:[0-9]{1,5}$/;

/** A TCP port is 1 to 65535 (RFC 793's 16-bit port field; port 0 is reserved): `:0` or `:99999` reaches no broker. */
function checkPort(server: string): string | undefined {
    const port = Number(server.slice(server.lastIndexOf(":") + 1));
    return port >= 1 && port <= 65535 ? undefined : `has port ${port}: a TCP port is 1 to 65535 (host:port)`;
}
/** MSK cluster ARN (provisioned or serverless): arn:aws:kafka:<region>:<account>:cluster/<name>/<uuid>[-n]. */
const CLUSTER_ARN = /^arn:aws[a-z-]*:kafka:[a-z0-9-]+:[0-9]{12}:cluster\/[A-Za-z0-9-]{1,64}\/[0-9a-f-]{36}(-[a-z0-9]+)?$/;

export const SOURCE_SPEC = {
    kind: oneOf<SourceKind>(SOURCE_KINDS, {
        doc:
            "Which Kafka the consumers read: `msk` (an MSK provisioned cluster, `cluster.*`), `serverless` (MSK Serverless, IAM only), " +
            "`msk-vpc-connection` (an MSK cluster of another account through a managed VPC connection in this stack's VPC), or " +
            "`self-managed` (your Apache Kafka, by bootstrap servers). Topics are created only for `msk`; the other kinds need existing topics.",
        default: "msk",
        createOnly: "replaces the cluster (or connection) and every mapping",
    }),
    clusterArn: str({
        doc:
            "`serverless`: an existing MSK Serverless cluster to read (none: the stack creates one in the network's cluster subnets). " +
            "`msk-vpc-connection` (required): the other account's MSK provisioned cluster, whose owner turned on multi-VPC connectivity and named this account.",
        pattern: CLUSTER_ARN,
        allowed: "an MSK cluster ARN such as arn:aws:kafka:us-east-1:111122223333:cluster/my-cluster/<uuid>",
        createOnly: "replaces the cluster reference (or the VPC connection) and every mapping",
    }),
    authentication: oneOf(SOURCE_AUTHENTICATIONS, {
        doc:
            "`msk-vpc-connection`: `iam` (default), `scram` (SASL/SCRAM-512) or `mtls`, one the owner's cluster allows on its VPC connectivity. " +
            "`self-managed` (required): `scram-256`, `scram-512`, `plain` (SASL/PLAIN) or `mtls`. Every kind but `iam` needs `secretArn`.",
        createOnly: "`msk-vpc-connection`: replaces the VPC connection and every mapping",
    }),
    secretArn: str({
        doc:
            "The Secrets Manager secret Lambda authenticates with (`{username, password}` for SASL, `{certificate, privateKey}` for mTLS); the role may read exactly it. " +
            "`msk-vpc-connection` with `scram`: a secret of this account kept in sync with the cluster's (any name), or the cluster's own `AmazonMSK_...` secret in the owner's account, shared with this one (then `secretKmsKeyArn` is required).",
        pattern: SECRET_ARN,
        allowed: "a Secrets Manager secret ARN",
    }),
    secretKmsKeyArn: str({
        doc: "The customer-managed KMS key of `secretArn` (and `rootCaSecretArn`): the role may decrypt with it through Secrets Manager only. Omit for the AWS-managed key.",
        pattern: KMS_KEY_ARN,
        allowed: "a KMS key ARN",
    }),
    rootCaSecretArn: str({
        doc: "`self-managed`: a secret `{certificate: <root CA PEM>}` for brokers whose TLS certificates a private CA signed (SERVER_ROOT_CA_CERTIFICATE).",
        pattern: SECRET_ARN,
        allowed: "a Secrets Manager secret ARN",
    }),
    bootstrapServers: list(str({ doc: "", pattern: BOOTSTRAP_SERVER, allowed: "host:port", check: checkPort }), {
        doc: "`self-managed` (required): the brokers' bootstrap servers, host:port each.",
        minItems: 1,
        maxItems: 30,
        unique: true,
        createOnly: "replaces every mapping (Lambda's self-managed event source is create-only)",
    }),
    brokersIn: oneOf(["vpc", "internet"] as const, {
        doc:
            "`self-managed`: where the brokers are. `vpc` (default): in `network.privateSubnetIds` (network.mode existing), the pollers in those subnets with " +
            "`network.clusterSecurityGroupIds`, and Lambda, STS and Secrets Manager reachable as for MSK (`network.endpoints` or your NAT). " +
            "`internet`: reachable on public addresses; no `network` then.",
    }),
} satisfies Spec;

export interface SourceConfig {
    kind: SourceKind;
    clusterArn?: string;
    authentication?: VpcConnectionAuth | SelfManagedAuth;
    secretArn?: string;
    secretKmsKeyArn?: string;
    rootCaSecretArn?: string;
    bootstrapServers?: string[];
    brokersIn?: "vpc" | "internet";
}

const DEFAULT_KEY = "msk-lambda:source";

/** Where `parseSource` reports (the stack's `msk-lambda:source`, or a component's `<name>.source`) and the stack's Region. */
export interface SourceContext {
    /** The key issues are named by. Default `msk-lambda:source`. */
    key?: string;
    /** `aws:region`, when known: the source's secrets and a VPC connection's cluster must be in it. */
    region?: string;
}

/** The keys each kind takes (besides `kind`). */
const KEYS_OF: Record<SourceKind, readonly (keyof typeof SOURCE_SPEC)[]> = {
    msk: [],
    serverless: ["clusterArn"],
    "msk-vpc-connection": ["clusterArn", "authentication", "secretArn", "secretKmsKeyArn"],
    "self-managed": ["bootstrapServers", "brokersIn", "authentication", "secretArn", "secretKmsKeyArn", "rootCaSecretArn"],
};

/**
 * Parses `msk-lambda:source` (and the `Consumer` component's `source`, through the same checks): every key the kind
 * does not take, and every missing or mismatched one, is an issue.
 */
export function parseSource(value: unknown, issues: Issues, ctx: SourceContext = {}): SourceConfig | undefined {
    const K = ctx.key ?? DEFAULT_KEY;
    const p = parseObject(SOURCE_SPEC, value, K, issues);
    if (!p) return undefined;
    const before = issues.list.length;
    const kind = p.kind as SourceKind;
    const given = value as Record<string, unknown>;
    for (const key of Object.keys(SOURCE_SPEC) as (keyof typeof SOURCE_SPEC)[]) {
        if (key !== "kind" && given[key] !== undefined && given[key] !== null && !KEYS_OF[kind].includes(key)) {
            const takers = SOURCE_KINDS.filter((k) => KEYS_OF[k].includes(key));
            issues.add(`${K}.${key}`, `is not for kind "${kind}" (only ${takers.map((t) => `"${t}"`).join(", ")}): remove it`);
        }
    }
    if (kind === "msk-vpc-connection") checkVpcConnection(K, p, issues);
    if (kind === "self-managed") checkSelfManaged(K, p, issues);
    if (ctx.region) checkRegions(K, kind, p, ctx.region, issues);
    if (issues.list.length > before) return undefined;
    const out: SourceConfig = { kind };
    for (const key of KEYS_OF[kind]) if (p[key] !== undefined) Object.assign(out, { [key]: p[key] });
    if (kind === "msk-vpc-connection") out.authentication ??= "iam";
    if (kind === "self-managed") out.brokersIn ??= "vpc";
    return out;
}

function checkVpcConnection(K: string, p: Partial<SourceConfig>, issues: Issues): void {
    if (!p.clusterArn) issues.add(`${K}.clusterArn`, 'is required with kind "msk-vpc-connection": the other account\'s MSK cluster ARN');
    const auth = p.authentication ?? "iam";
    if (!VPC_CONNECTION_AUTH.includes(auth)) {
        issues.add(
            `${K}.authentication`,
            `"${auth}" is not for kind "msk-vpc-connection": use "iam", "scram" or "mtls" (MSK multi-VPC connectivity: IAM, SASL/SCRAM or TLS)`,
        );
        return;
    }
    checkSecret(K, auth, p, issues);
    if (auth === "scram" && p.secretArn && p.clusterArn) checkScramSecret(K, p.secretArn, p.clusterArn, p.secretKmsKeyArn, issues);
}

/**
 * A SASL/SCRAM secret over a VPC connection. AWS Lambda, "Creating cross-account event source mappings" lists two
 * ways: a secret in the function's account synced with the cluster's secret (any name, any key: MSK never reads it,
 * and Lambda reads it in its own account), or the secret associated with the cluster, shared with the function's
 * account. Only the second, a secret in the cluster owner's account, is one MSK reads itself: it is named AmazonMSK_...
 * and encrypted with a customer-managed key (Amazon MSK, "Sign-in credentials authentication with AWS Secrets
 * Manager"), which the role must be allowed to decrypt with (Secrets Manager, "Access AWS Secrets Manager secrets from
 * a different account": a secret shared across accounts needs a customer-managed key).
 */
function checkScramSecret(K: string, secretArn: string, clusterArn: string, kmsKeyArn: string | undefined, issues: Issues): void {
    const owner = clusterArn.split(":")[4];
    if (secretArn.split(":")[4] !== owner) return; // the synced secret in this stack's account
    const name = secretArn.split(":secret:")[1] ?? "";
    if (!name.startsWith(MSK_SCRAM_SECRET_PREFIX))
        issues.add(
            `${K}.secretArn`,
            `names the secret "${name.slice(0, 60)}" of the cluster owner's account ${owner}: the secret associated with the cluster is named ${MSK_SCRAM_SECRET_PREFIX}... ` +
                '(Amazon MSK, "Sign-in credentials authentication with AWS Secrets Manager"); or use a secret of this account synced with it ' +
                '(AWS Lambda, "Creating cross-account event source mappings")',
        );
    if (!kmsKeyArn)
        issues.add(
            `${K}.secretKmsKeyArn`,
            `is required with authentication "scram" and a secret of the cluster owner's account ${owner}: the cluster's SASL/SCRAM secret is encrypted with a customer-managed key, which the role must be allowed to decrypt with`,
        );
}

function checkSelfManaged(K: string, p: Partial<SourceConfig>, issues: Issues): void {
    if (!p.bootstrapServers) issues.add(`${K}.bootstrapServers`, 'is required with kind "self-managed": the brokers\' host:port list');
    const auth = p.authentication;
    if (auth === undefined) {
        issues.add(`${K}.authentication`, `is required with kind "self-managed": "scram-256", "scram-512", "plain" or "mtls"`);
        return;
    }
    if (!SELF_MANAGED_AUTH.includes(auth)) {
        issues.add(`${K}.authentication`, `"${auth}" is not for kind "self-managed": use "scram-256", "scram-512", "plain" or "mtls"`);
        return;
    }
    checkSecret(K, auth, p, issues);
}

function checkSecret(K: string, auth: string, p: Partial<SourceConfig>, issues: Issues): void {
    if (auth === "iam") {
        if (p.secretArn) issues.add(`${K}.secretArn`, `is not used with authentication "iam" (Lambda authenticates with its execution role): remove it`);
        if (p.secretKmsKeyArn && !p.rootCaSecretArn) issues.add(`${K}.secretKmsKeyArn`, `is not used without a secret: remove it`);
        return;
    }
    if (!p.secretArn) issues.add(`${K}.secretArn`, `is required with authentication "${auth}": the Secrets Manager secret Lambda authenticates with`);
}

/**
 * The partition of a Region's ARNs (AWS General Reference, "Amazon Resource Names (ARNs)": `aws`, `aws-cn`,
 * `aws-us-gov`, and the ISO and European Sovereign Cloud partitions of the Regions in lib/regions.ts).
 */
export function partitionOf(region: string): string {
    const prefixes: [string, string][] = [
        ["cn-", "aws-cn"],
        ["us-gov-", "aws-us-gov"],
        ["us-isob-", "aws-iso-b"],
        ["us-isof-", "aws-iso-f"],
        ["us-iso-", "aws-iso"],
        ["eu-isoe-", "aws-iso-e"],
        ["eusc-", "aws-eusc"],
    ];
    return prefixes.find(([prefix]) => region.startsWith(prefix))?.[1] ?? "aws";
}

/**
 * What must be in the stack's Region (and its partition): the source's secrets and their key (AWS Lambda,
 * "Configuring cluster authentication methods in Lambda": the secret "must be stored in the same AWS region as your
 * Lambda function"), and a VPC connection's cluster (Amazon MSK, "Amazon MSK multi-VPC private connectivity in a
 * single Region": the connection and the cluster are in one Region).
 */
function checkRegions(K: string, kind: SourceKind, p: Partial<SourceConfig>, region: string, issues: Issues): void {
    const secrets =
        'Lambda reads the secret in its own Region (AWS Lambda, "Configuring cluster authentication methods in Lambda": "same AWS region as your Lambda function")';
    const checks: [keyof SourceConfig, string][] = [
        ["secretArn", secrets],
        ["rootCaSecretArn", secrets],
        ["secretKmsKeyArn", "Secrets Manager decrypts the secret with a key in the secret's Region, which is the function's"],
    ];
    if (kind === "msk-vpc-connection")
        checks.push([
            "clusterArn",
            'a managed VPC connection reaches a cluster in its own Region only (Amazon MSK, "Amazon MSK multi-VPC private connectivity in a single Region")',
        ]);
    for (const [key, why] of checks) {
        const arn = p[key];
        if (typeof arn !== "string" || !KEYS_OF[kind].includes(key as keyof typeof SOURCE_SPEC)) continue;
        const [, partition, , arnRegion] = arn.split(":");
        if (arnRegion !== region) issues.add(`${K}.${key}`, `is in Region "${arnRegion}", not the stack's aws:region "${region}": ${why}`);
        else if (partition !== partitionOf(region))
            issues.add(`${K}.${key}`, `is in partition "${partition}", not "${partitionOf(region)}" of aws:region "${region}": use an ARN of that partition`);
    }
}

/**
 * Why a consumer of this source kind cannot send discarded batches to a Kafka topic (`onFailure: {type: kafka}`), or
 * undefined when it can. `msk-vpc-connection`: the topic is on the other account's cluster, and across accounts both
 * the consumer's role and the owner's cluster policy must allow an action (IAM User Guide, "Cross-account policy
 * evaluation logic"; Amazon MSK, "Amazon MSK resource-based policies": with IAM the cluster policy defines the data
 * plane permissions); the owner's policy (cluster.crossAccountConsumers) grants reads only (DescribeTopic, ReadData),
 * and the owner's stack does not know which topics its consumers would write, so Lambda could write no failed record.
 */
export function kafkaFailureRefusal(kind: SourceKind): string | undefined {
    if (kind !== "msk-vpc-connection") return undefined;
    return (
        'is not available with source kind "msk-vpc-connection": the topic would be on the other account\'s cluster, whose cluster policy ' +
        "(cluster.crossAccountConsumers) grants reads only, and across accounts the cluster policy must allow kafka-cluster:WriteData too: " +
        'use type "sqs", "sns" or "s3", or an existing destination { arn }'
    );
}

/** Whether the source has a Kafka cluster this stack creates or names in its own account (MSK provisioned or Serverless). */
export function ownsCluster(kind: SourceKind): boolean {
    return kind === "msk" || kind === "serverless";
}

/** Why topics cannot be created for a source kind (undefined for `msk`, where the MSK topic API creates them). */
export function noTopicApi(kind: SourceKind): string | undefined {
    switch (kind) {
        case "msk":
            return undefined;
        case "serverless":
            return 'MSK\'s topic API is not available for MSK Serverless (Amazon MSK, "Topic Operations"): create the topic with a Kafka client and set existing: true';
        case "msk-vpc-connection":
            return "the topic lives on the other account's cluster, which this stack does not manage: its owner creates it; set existing: true";
        case "self-managed":
            return "no AWS API creates topics on self-managed Apache Kafka: create it with your Kafka tools and set existing: true";
    }
}
