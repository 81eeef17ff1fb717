/**
 * What a change on a live stack replaces, and what a replacement or deletion loses: one table per fact.
 *
 * `CREATE_ONLY` lists, for every resource type the program registers (including `aws.msk.Topic`,
 * `aws.dynamodb.Table`), the input properties that `pulumi up` cannot change in place: a change replaces the resource.
 * `@pulumi/aws` bridges the Terraform AWS provider, and a property the provider marks `ForceNew` (SDKv2 resources) or
 * `RequiresReplace` (framework resources) is one Pulumi replaces (the bridged schema's `willReplaceOnChanges`). The
 * table was derived from those resource schemas in `hashicorp/terraform-provider-aws` (`internal/service/<service>/`);
 * `tests/fixtures/aws-create-only.json` keeps the extracts read from the provider's source with their commits, and
 * `tests/replacements.test.ts` holds the table to them and to `@pulumi/aws`'s own input types (every path must exist).
 *
 * Paths use the Pulumi input names (camelCase), `.` into nested objects; a list of objects is entered without an index.
 */

export interface CreateOnly {
    /** The provider's resource (its source file is named after it). */
    terraform: string;
    /** Input paths whose change replaces the resource. */
    paths: string[];
    /** Changes that replace only in one direction, in words (e.g. a downgrade). */
    notes?: string[];
}

export const CREATE_ONLY: Record<string, CreateOnly> = {
    "aws:msk/cluster:Cluster": {
        terraform: "aws_msk_cluster",
        paths: [
            "clusterName",
            "brokerNodeGroupInfo.azDistribution",
            "brokerNodeGroupInfo.clientSubnets",
            "brokerNodeGroupInfo.securityGroups",
            "encryptionInfo.encryptionAtRestKmsKeyArn",
            "encryptionInfo.encryptionInTransit.inCluster",
        ],
        notes: ["kafkaVersion: a downgrade replaces the cluster (the provider forces a new cluster when the new version is lower)"],
    },
    "aws:msk/configuration:Configuration": { terraform: "aws_msk_configuration", paths: ["name", "kafkaVersions"] },
    // Every argument but tags: MSK Serverless has no update API for them.
    "aws:msk/serverlessCluster:ServerlessCluster": {
        terraform: "aws_msk_serverless_cluster",
        paths: ["clientAuthentication.sasl.iam.enabled", "clusterName", "vpcConfigs.securityGroupIds", "vpcConfigs.subnetIds"],
    },
    "aws:msk/vpcConnection:VpcConnection": {
        terraform: "aws_msk_vpc_connection",
        paths: ["authentication", "clientSubnets", "securityGroups", "targetClusterArn", "vpcId"],
    },
    // PutClusterPolicy updates in place (with the current version); nothing forces a new policy.
    "aws:msk/clusterPolicy:ClusterPolicy": { terraform: "aws_msk_cluster_policy", paths: [] },
    "aws:msk/topic:Topic": {
        terraform: "aws_msk_topic",
        paths: ["clusterArn", "name", "replicationFactor"],
        notes: ["partitionCount: can grow in place; Kafka cannot shrink a topic's partitions, so a lower count fails"],
    },
    "aws:msk/singleScramSecretAssociation:SingleScramSecretAssociation": {
        terraform: "aws_msk_single_scram_secret_association",
        paths: ["clusterArn", "secretArn"],
    },
    "aws:lambda/eventSourceMapping:EventSourceMapping": {
        terraform: "aws_lambda_event_source_mapping",
        paths: [
            "eventSourceArn",
            "topics",
            "queues",
            "startingPosition",
            "startingPositionTimestamp",
            "selfManagedEventSource",
            "selfManagedKafkaEventSourceConfig.consumerGroupId",
            "amazonManagedKafkaEventSourceConfig.consumerGroupId",
        ],
    },
    "aws:lambda/function:Function": { terraform: "aws_lambda_function", paths: ["name", "packageType"] },
    "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig": {
        terraform: "aws_lambda_function_event_invoke_config",
        paths: ["functionName", "qualifier"],
    },
    "aws:kms/key:Key": {
        terraform: "aws_kms_key",
        paths: ["customerMasterKeySpec", "keyUsage", "multiRegion", "customKeyStoreId", "xksKeyId"],
    },
    "aws:kms/alias:Alias": { terraform: "aws_kms_alias", paths: ["name", "namePrefix"] },
    "aws:secretsmanager/secret:Secret": { terraform: "aws_secretsmanager_secret", paths: ["name", "namePrefix"] },
    "aws:secretsmanager/secretVersion:SecretVersion": {
        terraform: "aws_secretsmanager_secret_version",
        paths: ["secretId", "secretString", "secretBinary"],
    },
    "aws:secretsmanager/secretPolicy:SecretPolicy": { terraform: "aws_secretsmanager_secret_policy", paths: ["secretArn"] },
    "aws:sqs/queue:Queue": { terraform: "aws_sqs_queue", paths: ["name", "namePrefix", "fifoQueue"] },
    "aws:sns/topic:Topic": { terraform: "aws_sns_topic", paths: ["name", "namePrefix", "fifoTopic"] },
    "aws:s3/bucket:Bucket": { terraform: "aws_s3_bucket", paths: ["bucket", "bucketPrefix", "objectLockEnabled"] },
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": { terraform: "aws_s3_bucket_ownership_controls", paths: ["bucket"] },
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": { terraform: "aws_s3_bucket_public_access_block", paths: ["bucket"] },
    "aws:s3/bucketVersioning:BucketVersioning": { terraform: "aws_s3_bucket_versioning", paths: ["bucket", "expectedBucketOwner"] },
    "aws:s3/bucketPolicy:BucketPolicy": { terraform: "aws_s3_bucket_policy", paths: ["bucket"] },
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": {
        terraform: "aws_s3_bucket_server_side_encryption_configuration",
        paths: ["bucket", "expectedBucketOwner"],
    },
    "aws:cloudwatch/logGroup:LogGroup": { terraform: "aws_cloudwatch_log_group", paths: ["name", "namePrefix", "logGroupClass"] },
    "aws:cloudwatch/metricAlarm:MetricAlarm": { terraform: "aws_cloudwatch_metric_alarm", paths: ["name"] },
    "aws:cloudwatch/dashboard:Dashboard": { terraform: "aws_cloudwatch_dashboard", paths: ["dashboardName"] },
    "aws:cloudwatch/eventBus:EventBus": { terraform: "aws_cloudwatch_event_bus", paths: ["name", "eventSourceName"] },
    "aws:iam/role:Role": { terraform: "aws_iam_role", paths: ["name", "namePrefix", "path"] },
    "aws:iam/rolePolicy:RolePolicy": { terraform: "aws_iam_role_policy", paths: ["name", "namePrefix", "role"] },
    "aws:ec2/vpc:Vpc": { terraform: "aws_vpc", paths: ["cidrBlock", "ipv4IpamPoolId"] },
    "aws:ec2/subnet:Subnet": { terraform: "aws_subnet", paths: ["vpcId", "cidrBlock", "availabilityZone", "availabilityZoneId"] },
    "aws:ec2/routeTable:RouteTable": { terraform: "aws_route_table", paths: ["vpcId"] },
    "aws:ec2/routeTableAssociation:RouteTableAssociation": { terraform: "aws_route_table_association", paths: ["subnetId", "gatewayId"] },
    "aws:ec2/route:Route": {
        terraform: "aws_route",
        paths: ["routeTableId", "destinationCidrBlock", "destinationIpv6CidrBlock", "destinationPrefixListId"],
    },
    "aws:ec2/securityGroup:SecurityGroup": { terraform: "aws_security_group", paths: ["name", "namePrefix", "description", "vpcId"] },
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": { terraform: "aws_vpc_security_group_ingress_rule", paths: ["securityGroupId"] },
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": { terraform: "aws_vpc_security_group_egress_rule", paths: ["securityGroupId"] },
    "aws:ec2/vpcEndpoint:VpcEndpoint": { terraform: "aws_vpc_endpoint", paths: ["vpcId", "serviceName", "vpcEndpointType"] },
    "aws:ec2/eip:Eip": { terraform: "aws_eip", paths: ["domain", "address", "networkBorderGroup", "publicIpv4Pool", "customerOwnedIpv4Pool"] },
    "aws:ec2/internetGateway:InternetGateway": { terraform: "aws_internet_gateway", paths: [] },
    "aws:ec2/natGateway:NatGateway": { terraform: "aws_nat_gateway", paths: ["allocationId", "subnetId", "connectivityType", "privateIp"] },
    "aws:dynamodb/table:Table": { terraform: "aws_dynamodb_table", paths: ["name", "hashKey", "rangeKey", "localSecondaryIndexes"] },
    "random:index/randomPassword:RandomPassword": {
        terraform: "random_password (terraform-provider-random: every argument forces a new password)",
        paths: ["length", "special", "upper", "lower", "numeric", "minLower", "minUpper", "minNumeric", "minSpecial", "overrideSpecial", "keepers"],
    },
};

/**
 * Resources that hold data or identity a replacement or deletion loses, with the consequence in words. The event
 * source mapping is judged separately (its consumer group): see `mappingConsequence` in `plan/diff.ts`.
 */
export const STATEFUL: Record<string, { kind: string; lost: string }> = {
    "aws:msk/cluster:Cluster": {
        kind: "MSK cluster",
        lost: "every topic and record on the brokers is deleted; the new cluster starts empty with new bootstrap brokers, and every mapping on it is replaced",
    },
    "aws:msk/serverlessCluster:ServerlessCluster": {
        kind: "MSK Serverless cluster",
        lost: "every topic and record is deleted; the new cluster starts empty (its topics must be created again) with new bootstrap brokers, and every mapping on it is replaced",
    },
    "aws:msk/topic:Topic": {
        kind: "Kafka topic",
        lost: "the topic and all its records are deleted; consumer groups' committed offsets no longer match the new topic's",
    },
    "aws:kms/key:Key": {
        kind: "KMS key",
        lost: "the old key is scheduled for deletion: after its waiting period, whatever it encrypted (retained records, secrets, the cluster's data at rest) can no longer be decrypted",
    },
    "aws:secretsmanager/secret:Secret": {
        kind: "credentials secret",
        lost: "the secret is deleted after its recovery window and a new one created: the cluster's SCRAM association and every mapping's credentials change",
    },
    "aws:sqs/queue:Queue": { kind: "failure destination (SQS queue)", lost: "failure records still in the queue are deleted with it" },
    "aws:sns/topic:Topic": {
        kind: "destination or alarm topic (SNS)",
        lost: "its subscriptions are deleted: notifications and failure records published while they are recreated reach nobody",
    },
    "aws:s3/bucket:Bucket": {
        kind: "failure destination (S3 bucket)",
        lost: "the failure records and their batches are deleted with the bucket (a non-empty bucket cannot be deleted: the update fails half-way)",
    },
    "aws:cloudwatch/eventBus:EventBus": { kind: "destination (EventBridge bus)", lost: "its rules and archives are deleted; events sent meanwhile are lost" },
    "aws:dynamodb/table:Table": { kind: "DynamoDB table", lost: "the table and every item in it are deleted" },
    "aws:cloudwatch/logGroup:LogGroup": { kind: "log group", lost: "the log group and its retained logs are deleted" },
};

export const MAPPING_TYPE = "aws:lambda/eventSourceMapping:EventSourceMapping";

/**
 * The input that holds each type's physical name (unique per account and region, or per parent for the S3 bucket
 * settings keyed on their bucket). When a replacement keeps it unchanged, Pulumi's default create-before-delete makes
 * a second resource with the same name, which AWS refuses (for a configuration: "ConflictException: A resource with this
 * name already exists"): the replacement needs `deleteBeforeReplace`, or a name that changes with the create-only inputs.
 * A name Pulumi generates (auto-naming) is absent from the plan's inputs and never collides. `scope` is the input a name
 * is unique within (a topic's cluster): when it changes too, the new resource lives elsewhere and the name is free. Types whose identity is
 * only an id AWS assigns (subnets, routes, mappings, …) are not listed.
 */
export const NAME_PROPERTY: Record<string, { name: string; scope?: string; providerDeletesFirst?: boolean }> = {
    "aws:msk/cluster:Cluster": { name: "clusterName" },
    "aws:msk/serverlessCluster:ServerlessCluster": { name: "clusterName" },
    "aws:msk/configuration:Configuration": { name: "name", providerDeletesFirst: true },
    // A topic's name is unique in its cluster: on a new cluster (clusterArn changed) the same name does not collide.
    // aws.msk.Topic is a Plugin Framework resource: that bridge does not delete first for a user-set name.
    "aws:msk/topic:Topic": { name: "name", scope: "clusterArn" },
    "aws:lambda/function:Function": { name: "name", providerDeletesFirst: true },
    "aws:kms/alias:Alias": { name: "name", providerDeletesFirst: true },
    "aws:secretsmanager/secret:Secret": { name: "name", providerDeletesFirst: true },
    "aws:sqs/queue:Queue": { name: "name", providerDeletesFirst: true },
    "aws:sns/topic:Topic": { name: "name", providerDeletesFirst: true },
    "aws:s3/bucket:Bucket": { name: "bucket", providerDeletesFirst: true },
    "aws:cloudwatch/logGroup:LogGroup": { name: "name", providerDeletesFirst: true },
    "aws:cloudwatch/metricAlarm:MetricAlarm": { name: "name", providerDeletesFirst: true },
    "aws:cloudwatch/dashboard:Dashboard": { name: "dashboardName" },
    "aws:cloudwatch/eventBus:EventBus": { name: "name", providerDeletesFirst: true },
    "aws:iam/role:Role": { name: "name", providerDeletesFirst: true },
    "aws:iam/rolePolicy:RolePolicy": { name: "name", scope: "role", providerDeletesFirst: true },
    // A security group's name is unique in its VPC.
    "aws:ec2/securityGroup:SecurityGroup": { name: "name", scope: "vpcId", providerDeletesFirst: true },
    "aws:dynamodb/table:Table": { name: "name", providerDeletesFirst: true },
};

/**
 * Types whose physical names share one namespace with another type's (default: each type its own). Amazon MSK creates
 * provisioned and Serverless clusters with one API (Amazon MSK API Reference, "CreateClusterV2"; both are listed by
 * "ListClustersV2" and have the same `cluster/NAME/UUID` ARN form), and a cluster name is unique per account and
 * Region whatever the cluster's type. A resource created under a name that a deleted resource of the same namespace
 * holds collides with it: Pulumi creates new resources first and deletes the ones the program no longer declares at
 * the end of the update (Pulumi, "Resource option: deleteBeforeReplace": "Pulumi creates new instances of resources
 * before deleting old ones"; deleteBeforeReplace applies to a replacement, not to a create and a delete).
 */
export const NAME_NAMESPACE: Record<string, string> = {
    "aws:msk/cluster:Cluster": "MSK cluster names",
    "aws:msk/serverlessCluster:ServerlessCluster": "MSK cluster names",
};

/** The namespace a type's physical name lives in: its entry in `NAME_NAMESPACE`, else the type alone. */
export const nameNamespace = (type: string): string => NAME_NAMESPACE[type] ?? type;

/**
 * `providerDeletesFirst` above: the Terraform bridge behind `@pulumi/aws` auto-names every `name` input (and the S3
 * bucket's `bucket`), and when the program sets such a name itself its Diff answers `deleteBeforeReplace`
 * (pulumi-terraform-bridge, `nameRequiresDeleteBeforeReplace`: "the given set of resource inputs includes an
 * autonameable property with a value that was not populated by the autonamer"). Such a replacement never collides with
 * its old self; it deletes first, so it fails only where the delete fails (`IN_USE_UNDELETABLE`) or AWS keeps the name
 * for a while after a delete (`NAME_HELD_AFTER_DELETE`).
 */
/*
 * Not here: an SQS queue. SQS holds a deleted queue's name for 60 seconds (Amazon SQS, "DeleteQueue"), but the
 * provider retries CreateQueue on QueueDeletedRecently for half its create timeout (terraform-provider-aws,
 * internal/service/sqs/queue.go: 90 seconds by default), so the create waits; it does not fail.
 */
export const NAME_HELD_AFTER_DELETE: Record<string, { why: string; unless?: (inputs: Record<string, unknown>) => boolean }> = {
    "aws:secretsmanager/secret:Secret": {
        why: 'Secrets Manager "DeleteSecret": a secret scheduled for deletion keeps its name for its recovery window, so a new secret with that name is refused',
        unless: (inputs) => inputs.recoveryWindowInDays === 0,
    },
};

/**
 * Types that AWS will not delete while another resource uses them: with `deleteBeforeReplace`, the delete runs first
 * and fails if a resource that stays refers to them. MSK, "DeleteConfiguration": a configuration in use by a cluster
 * cannot be deleted; EC2: a security group or subnet in use by a network interface cannot be deleted (DependencyViolation).
 */
export const IN_USE_UNDELETABLE: Record<string, string> = {
    "aws:msk/configuration:Configuration": "MSK does not delete a configuration a cluster uses",
    "aws:ec2/securityGroup:SecurityGroup": "EC2 does not delete a security group a network interface uses (DependencyViolation)",
    "aws:ec2/subnet:Subnet": "EC2 does not delete a subnet with network interfaces in it (DependencyViolation)",
};
