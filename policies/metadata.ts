/**
 * What Pulumi Cloud shows for each policy (`@pulumi/policy` 1.21 fields): display name, severity, remediation steps
 * (for the `aws` and `aws-native` providers), the AWS documentation page the rule comes from, and the standard control
 * it maps to, if any. One entry per policy name; policies.ts merges them into the policies, and a test requires an
 * entry for every policy and no entry without a policy (tests/pack-metadata.test.ts).
 *
 * `exemptable: false` marks the mandatory policies a team cannot exempt one resource from (lib/exemptions.ts): each
 * names, in `notExemptable`, why accepting the finding on purpose is not a team's call.
 */
import type { PolicyComplianceFramework, Severity } from "@pulumi/policy";

export interface PolicyMetadata {
    displayName: string;
    severity: Severity;
    /** What to change, in the user's terms, for `aws` (classic) and `aws-native` programs. */
    remediationSteps: string;
    /** The AWS documentation page the rule comes from. */
    url: string;
    framework?: PolicyComplianceFramework;
    /** Why this policy cannot be exempted (absent: exemptable). */
    notExemptable?: string;
}

const LAMBDA = "https://docs.aws.amazon.com/lambda/latest/dg";
const MSK = "https://docs.aws.amazon.com/msk/latest/developerguide";
const IAM = "https://docs.aws.amazon.com/IAM/latest/UserGuide";

/** AWS Security Hub's "AWS Foundational Security Best Practices" standard, control `id` titled `title`. */
function fsbp(id: string, title: string): PolicyComplianceFramework {
    return { name: "AWS Foundational Security Best Practices", version: "1.0.0", reference: id, specification: title };
}

export const METADATA: Record<string, PolicyMetadata> = {
    "msk-function-timeout": {
        displayName: "Kafka consumer function times out within 14 minutes",
        severity: "high",
        remediationSteps:
            "Set the function's timeout to 840 seconds or less: aws.lambda.Function `timeout`, aws-native lambda.Function `timeout` (the default is 3 seconds; size it to one batch).",
        url: `${LAMBDA}/with-msk.html`,
    },
    "no-fifo-destinations": {
        displayName: "Failure and async destinations are standard queues and topics",
        severity: "high",
        remediationSteps:
            "Point the destination at a standard SQS queue or SNS topic: aws.sqs.Queue without `fifoQueue`, aws.sns.Topic without `fifoTopic` (aws-native: sqs.Queue/sns.Topic without `fifoQueue`/`fifoTopic`), and use its ARN in the mapping's `destinationConfig.onFailure.destinationArn` or the invoke config's `destinationConfig`.",
        url: `${LAMBDA}/kafka-on-failure.html`,
    },
    "mtls-secret": {
        displayName: "mTLS client secret is one Lambda can use",
        severity: "high",
        remediationSteps:
            'Store {"certificate": <PEM chain, client first, root last>, "privateKey": <PKCS#8 PEM, unencrypted or PBES1>} in the secret: aws.secretsmanager.SecretVersion `secretString`, aws-native secretsmanager.Secret `secretString`; re-encrypt a PBES2 key with `openssl pkcs8 -topk8 -v1 PBE-SHA1-3DES`.',
        url: `${LAMBDA}/msk-cluster-auth.html`,
    },
    "mtls-secret-for-mapping": {
        displayName: "Mapping's mTLS secret holds a certificate and a private key",
        severity: "high",
        remediationSteps:
            "Make the secret named by the mapping's CLIENT_CERTIFICATE_TLS_AUTH source access configuration hold `certificate` and `privateKey` fields within 65,536 bytes (aws.secretsmanager.SecretVersion `secretString`, aws-native secretsmanager.Secret `secretString`).",
        url: `${LAMBDA}/msk-cluster-auth.html`,
    },
    "msk-no-custom-server-ca": {
        displayName: "No custom server root CA for Amazon MSK",
        severity: "medium",
        remediationSteps:
            "Remove the SERVER_ROOT_CA_CERTIFICATE entry from the mapping's `sourceAccessConfigurations` (aws and aws-native lambda EventSourceMapping): MSK brokers use Amazon Trust Services certificates.",
        url: `${LAMBDA}/msk-cluster-auth.html`,
    },
    "msk-scram-secret": {
        displayName: "MSK SASL/SCRAM secret named AmazonMSK_ and CMK-encrypted",
        severity: "high",
        remediationSteps:
            "Name the secret `AmazonMSK_...` and encrypt it with a customer-managed key: aws.secretsmanager.Secret `name` and `kmsKeyId` (aws-native secretsmanager.Secret `name`, `kmsKeyId`).",
        url: `${MSK}/msk-password.html`,
    },
    "msk-mapping-auth-mechanism": {
        displayName: "MSK mapping uses an authentication MSK supports",
        severity: "high",
        remediationSteps:
            "Use SASL_SCRAM_512_AUTH, CLIENT_CERTIFICATE_TLS_AUTH or IAM (no secret) in the mapping's `sourceAccessConfigurations` instead of BASIC_AUTH or SASL_SCRAM_256_AUTH (aws and aws-native lambda EventSourceMapping).",
        url: `${LAMBDA}/msk-cluster-auth.html`,
    },
    "msk-mapping-limits": {
        displayName: "Kafka mapping within Lambda's limits",
        severity: "high",
        remediationSteps:
            "Keep one topic, `batchSize` <= 10,000, `maximumBatchingWindowInSeconds` 0-300, `provisionedPollerConfig` minimum 1-200 and maximum 1-2000, a valid consumer group id and at most 5 filters of 4,096 characters (same property names in aws and aws-native lambda EventSourceMapping).",
        url: "https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html",
    },
    "msk-mapping-role-permissions": {
        displayName: "Execution role allows what the MSK or self-managed Kafka mapping needs",
        severity: "high",
        remediationSteps:
            "Add to the function's execution role (aws.iam.RolePolicy/aws.iam.Policy, aws-native iam.RolePolicy/iam.ManagedPolicy): kafka:DescribeClusterV2, kafka:GetBootstrapBrokers, the ec2 network-interface actions, and with IAM authentication kafka-cluster:Connect, DescribeGroup, AlterGroup, DescribeTopic, ReadData, DescribeClusterDynamicConfiguration on the cluster, topic and group ARNs. For a self-managed Kafka mapping: the six ec2 network-interface actions when it uses VPC_SUBNET/VPC_SECURITY_GROUP. For either, with a secret (SASL/SCRAM, SASL/PLAIN, mTLS, server root CA): secretsmanager:GetSecretValue on it and kms:Decrypt on its customer-managed key.",
        url: `${LAMBDA}/with-msk-permissions.html`,
    },
    "kafka-auth-matches-cluster": {
        displayName: "Mapping authenticates the way its cluster allows",
        severity: "high",
        remediationSteps:
            "Match the mapping's `sourceAccessConfigurations` to the cluster's `clientAuthentication`: CLIENT_CERTIFICATE_TLS_AUTH needs `tls`, SASL_SCRAM_512_AUTH needs `sasl.scram`, no secret needs `sasl.iam` (aws.msk.Cluster; aws-native msk.Cluster `clientAuthentication`); MSK Serverless supports IAM only.",
        url: `${LAMBDA}/msk-cluster-auth.html`,
    },
    "scram-secret-content": {
        displayName: "SASL/SCRAM secret holds username and password",
        severity: "high",
        remediationSteps:
            'Store {"username": "...", "password": "..."} as JSON strings in the secret (aws.secretsmanager.SecretVersion `secretString`, aws-native secretsmanager.Secret `secretString`).',
        url: `${MSK}/msk-password.html`,
    },
    "kafka-server-root-ca-secret": {
        displayName: "Server root CA secret holds a CA certificate only",
        severity: "high",
        remediationSteps:
            'Store {"certificate": <root CA PEM>} and no private key in the secret the mapping names as SERVER_ROOT_CA_CERTIFICATE (aws.secretsmanager.SecretVersion or aws-native secretsmanager.Secret `secretString`).',
        url: `${LAMBDA}/kafka-cluster-auth.html`,
    },
    "kafka-starting-position": {
        displayName: "Kafka mapping sets a starting position",
        severity: "medium",
        remediationSteps:
            "Set the mapping's `startingPosition` to TRIM_HORIZON, LATEST or AT_TIMESTAMP with `startingPositionTimestamp` (same names in aws and aws-native lambda EventSourceMapping).",
        url: "https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html",
    },
    "kafka-consumer-group-unique": {
        displayName: "Consumer group id unique per cluster",
        severity: "high",
        remediationSteps:
            "Give each mapping on the cluster its own consumer group id: `amazonManagedKafkaEventSourceConfig.consumerGroupId` (or `selfManagedKafkaEventSourceConfig.consumerGroupId`), same names in aws and aws-native lambda EventSourceMapping.",
        url: `${LAMBDA}/with-msk-process.html`,
    },
    "destination-types": {
        displayName: "Destinations of a supported type",
        severity: "high",
        remediationSteps:
            "Use an SQS queue, SNS topic or S3 bucket ARN (or kafka://<topic> in provisioned mode, not a source topic) in the mapping's `destinationConfig.onFailure.destinationArn`; for async invocation use SQS, SNS, Lambda, EventBridge (S3 on failure only) in aws.lambda.FunctionEventInvokeConfig or aws-native lambda.EventInvokeConfig `destinationConfig`.",
        url: `${LAMBDA}/kafka-on-failure.html`,
    },
    "destination-key-policy": {
        displayName: "Destination key trusts the execution role",
        severity: "high",
        remediationSteps:
            "In the destination key's policy (aws.kms.Key `policy` or aws.kms.KeyPolicy; aws-native kms.Key `keyPolicy`), delegate to IAM in the role's account or allow the execution role kms:Decrypt and kms:GenerateDataKey (cross-account: also kms:DescribeKey and kms:ReEncrypt*).",
        url: `${LAMBDA}/kafka-on-failure.html`,
    },
    "destination-endpoint-in-cluster-vpc": {
        displayName: "Destination service reachable from the cluster's VPC",
        severity: "high",
        remediationSteps:
            "Create a VPC endpoint for the destination's service in the Kafka cluster's VPC: an SQS or SNS interface endpoint with `privateDnsEnabled`, or an S3 gateway endpoint on the cluster subnets' route tables (aws.ec2.VpcEndpoint; aws-native ec2.VpcEndpoint).",
        url: `${LAMBDA}/kafka-on-failure.html`,
    },
    "destination-delivery-outside-stack": {
        displayName: "Delivery checks the stack cannot show",
        severity: "low",
        remediationSteps:
            "Check by hand what the stack does not hold: the destination key's policy, the role's KMS grants and the cluster VPC's endpoints; or bring those resources (aws or aws-native kms Key, iam Role and policies, ec2 VpcEndpoint) into the stack so the pack can judge them.",
        url: `${LAMBDA}/kafka-on-failure.html`,
    },
    "kafka-mapping-error-handling": {
        displayName: "Kafka error handling controls within Lambda's ranges",
        severity: "high",
        remediationSteps:
            'Use provisioned mode (`provisionedPollerConfig`) for error handling controls; `maximumRetryAttempts` 0-10000 or -1, `maximumRecordAgeInSeconds` 60-604800 or -1, `functionResponseTypes` ["ReportBatchItemFailures"] (same names in aws and aws-native lambda EventSourceMapping).',
        url: `${LAMBDA}/kafka-retry-configurations.html`,
    },
    "kafka-mapping-poller-groups": {
        displayName: "Poller groups within Lambda's limits",
        severity: "high",
        remediationSteps:
            "Keep at most 100 mappings per `provisionedPollerConfig.pollerGroupName` and at most 2,000 maximum pollers in total per group; split the mappings over more groups (same property names in aws and aws-native lambda EventSourceMapping).",
        url: "https://docs.aws.amazon.com/lambda/latest/api/API_ProvisionedPollerConfig.html",
    },
    "kafka-mapping-schema-registry": {
        displayName: "Schema registry configuration Lambda accepts",
        severity: "high",
        remediationSteps:
            "Use a schema registry only in provisioned mode, with `eventRecordFormat` JSON or SOURCE, validation attributes KEY or VALUE, at most 2 access configs naming Secrets Manager secrets, and none for AWS Glue (`amazonManagedKafkaEventSourceConfig.schemaRegistryConfig`, aws and aws-native).",
        url: `${LAMBDA}/services-consume-kafka-events.html`,
    },
    "kafka-mapping-unbounded-retries": {
        displayName: "Failing records are not retried forever",
        severity: "medium",
        remediationSteps:
            "Bound retries: set `maximumRetryAttempts` (0-10000) or `maximumRecordAgeInSeconds` (60-604800) on the mapping, with an on-failure destination to keep the failed records (same property names in aws and aws-native lambda EventSourceMapping).",
        url: `${LAMBDA}/kafka-retry-configurations.html`,
    },
    "msk-encryption-in-transit": {
        displayName: "MSK traffic encrypted in transit",
        severity: "high",
        remediationSteps:
            "Set `encryptionInfo.encryptionInTransit.clientBroker` to TLS and `inCluster` to true (aws.msk.Cluster; aws-native msk.Cluster `encryptionInfo.encryptionInTransit`); allowPlaintext in the policy config for dev stacks only.",
        url: `${MSK}/msk-encryption.html`,
        framework: fsbp("MSK.1", "MSK clusters should be encrypted in transit among broker nodes"),
    },
    "msk-no-unauthenticated-access": {
        displayName: "MSK clients authenticate",
        severity: "critical",
        remediationSteps:
            "Enable IAM, SASL/SCRAM or mTLS and set `clientAuthentication.unauthenticated` to false (aws.msk.Cluster; aws-native msk.Cluster `clientAuthentication.unauthenticated.enabled` false).",
        url: `${MSK}/kafka_apis_iam.html`,
        framework: fsbp("MSK.6", "MSK clusters should disable unauthenticated access"),
        notExemptable:
            "an unauthenticated cluster lets any client in the network read every topic, including other teams' data: disable the policy for a dev stack in its policy config (config/dev.json does) instead",
    },
    "msk-no-public-access": {
        displayName: "MSK brokers not publicly accessible",
        severity: "critical",
        remediationSteps:
            "Set `brokerNodeGroupInfo.connectivityInfo.publicAccess.type` to DISABLED (aws.msk.Cluster; aws-native msk.Cluster `brokerNodeGroupInfo.connectivityInfo.publicAccess.type`).",
        url: `${MSK}/public-access.html`,
        framework: fsbp("MSK.4", "MSK clusters should have public access disabled"),
        notExemptable: "public brokers expose the cluster, and every team's data on it, to the internet: no single team can accept that risk",
    },
    "msk-encryption-at-rest-cmk": {
        displayName: "MSK data encrypted with a customer-managed key",
        severity: "medium",
        remediationSteps:
            "Set `encryptionInfo.encryptionAtRestKmsKeyArn` to a customer-managed KMS key (aws.msk.Cluster; aws-native msk.Cluster `encryptionInfo.encryptionAtRest.dataVolumeKmsKeyId`).",
        url: `${MSK}/msk-encryption.html`,
    },
    "msk-broker-logs": {
        displayName: "MSK broker logs delivered",
        severity: "low",
        remediationSteps:
            "Enable `loggingInfo.brokerLogs` to CloudWatch Logs, Firehose or S3 (aws.msk.Cluster; aws-native msk.Cluster `loggingInfo.brokerLogs`).",
        url: `${MSK}/msk-logging.html`,
    },
    "destination-encryption": {
        displayName: "Failure records encrypted with a customer-managed key",
        severity: "medium",
        remediationSteps:
            "Encrypt the destination with a customer-managed KMS key: aws.sqs.Queue `kmsMasterKeyId`, aws.sns.Topic `kmsMasterKeyId`, aws.s3.BucketServerSideEncryptionConfiguration with aws:kms (aws-native: sqs.Queue/sns.Topic `kmsMasterKeyId`, s3.Bucket `bucketEncryption`).",
        url: `${LAMBDA}/kafka-on-failure.html`,
        framework: fsbp("SQS.1", "Amazon SQS queues should be encrypted at rest"),
    },
    "s3-destination-protection": {
        displayName: "S3 destination versioned and private",
        severity: "medium",
        remediationSteps:
            "Enable versioning (aws.s3.BucketVersioning; aws-native s3.Bucket `versioningConfiguration`) and block public access (aws.s3.BucketPublicAccessBlock; aws-native s3.Bucket `publicAccessBlockConfiguration`) on the destination bucket.",
        url: `${LAMBDA}/kafka-on-failure.html`,
        framework: fsbp("S3.14", "S3 general purpose buckets should have versioning enabled"),
    },
    "destination-kms-grants": {
        displayName: "Execution role may send to its destination",
        severity: "high",
        remediationSteps:
            "Allow the execution role sqs:SendMessage, sns:Publish or s3:PutObject and s3:ListBucket on the destination, and kms:GenerateDataKey (S3) or kms:Decrypt and kms:GenerateDataKey (SQS, SNS) on its key (aws.iam.RolePolicy/Policy; aws-native iam.RolePolicy/ManagedPolicy).",
        url: `${LAMBDA}/kafka-on-failure.html`,
    },
    "iam-least-privilege": {
        displayName: "IAM policies scoped to what the consumer uses",
        severity: "high",
        remediationSteps:
            "Replace `*` actions and resources, NotAction and NotResource with the kafka-cluster actions on the cluster, topic and group ARNs the consumer reads (aws.iam.Policy/RolePolicy `policy`; aws-native iam.ManagedPolicy/RolePolicy `policyDocument`).",
        url: `${LAMBDA}/msk-cluster-auth.html`,
        framework: fsbp("IAM.1", 'IAM policies should not allow full "*" administrative privileges'),
    },
    "msk-consumer-role-least-privilege": {
        displayName: "Consumer role holds no broad managed policy",
        severity: "high",
        remediationSteps:
            "Detach AdministratorAccess, PowerUserAccess and AmazonMSKFullAccess from the execution role (aws.iam.RolePolicyAttachment, aws.iam.Role `managedPolicyArns`; aws-native iam.Role `managedPolicyArns`) and grant the six kafka-cluster actions on the cluster, topic and group instead.",
        url: `${LAMBDA}/msk-cluster-auth.html`,
    },
    "no-public-resource-policies": {
        displayName: "No resource policy open to every account",
        severity: "critical",
        remediationSteps:
            'Replace Principal "*" with the accounts or services that need access, or narrow it with aws:SourceAccount, aws:SourceArn or aws:PrincipalOrgID conditions (queue, topic, bucket, key, secret, cluster policies and lambda Permission, in aws and aws-native).',
        url: `${IAM}/reference_policies_elements_principal.html`,
        framework: fsbp("Lambda.1", "Lambda function policies should prohibit public access"),
        notExemptable:
            "a resource policy open to every AWS account exposes data or invocation to anyone: it is never one team's finding to accept; narrow the principal or add a condition",
    },
    "kms-key-rotation": {
        displayName: "Customer-managed keys rotate",
        severity: "medium",
        remediationSteps: "Set `enableKeyRotation: true` on symmetric keys (aws.kms.Key; aws-native kms.Key `enableKeyRotation`).",
        url: "https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html",
        framework: fsbp("KMS.4", "AWS KMS key rotation should be enabled"),
    },
    "no-public-kafka-ingress": {
        displayName: "Broker ports not open to the internet",
        severity: "critical",
        remediationSteps:
            "Allow the broker ports only from the event source's security groups or private CIDR blocks: remove 0.0.0.0/0 and ::/0 from the cluster security group's ingress (aws.ec2.SecurityGroup, SecurityGroupRule, vpc.SecurityGroupIngressRule; aws-native ec2.SecurityGroup, SecurityGroupIngress).",
        url: `${MSK}/port-info.html`,
        notExemptable: "broker ports open to the internet let anyone attack the cluster and every team's topics: narrow the source instead",
    },
    "msk-mapping-on-failure-destination": {
        displayName: "Kafka mapping keeps failed records",
        severity: "medium",
        remediationSteps:
            "Set the mapping's `destinationConfig.onFailure.destinationArn` to an SQS queue, SNS topic, S3 bucket or kafka://<topic> (aws and aws-native lambda EventSourceMapping).",
        url: `${LAMBDA}/kafka-on-failure.html`,
    },
    "msk-network-path": {
        displayName: "Network path pieces outside the stack",
        severity: "low",
        remediationSteps:
            "Review the named pieces (cluster, subnets, security groups, routes, endpoints) where they are defined, or define them in this stack so kafka-network-path can check them (aws.ec2.VpcEndpoint / NatGateway / SecurityGroup; aws-native ec2.VpcEndpoint / NatGateway / SecurityGroup).",
        url: `${LAMBDA}/with-msk-cluster-network.html`,
    },
    "msk-acl-default-deny": {
        displayName: "Kafka ACLs deny by default",
        severity: "high",
        remediationSteps:
            "Set `allow.everyone.if.no.acl.found=false` in the cluster configuration's `serverProperties` (aws.msk.Configuration; aws-native msk.Configuration `serverProperties`) and grant topics and groups with ACLs.",
        url: `${MSK}/msk-acls.html`,
    },
    "mapping-secret-protection": {
        displayName: "Mapping secrets CMK-encrypted and recoverable",
        severity: "high",
        remediationSteps:
            "Encrypt the secret with a customer-managed key (`kmsKeyId`) and keep a recovery window of 7-30 days (aws.secretsmanager.Secret `recoveryWindowInDays`, never 0; aws-native secretsmanager.Secret `kmsKeyId`).",
        url: "https://docs.aws.amazon.com/secretsmanager/latest/userguide/manage_delete-secret.html",
    },
    "kafka-ingress-prefix-lists": {
        displayName: "Broker ingress from prefix lists the stack holds",
        severity: "low",
        remediationSteps:
            "Define the prefix lists used in broker-port ingress in the stack (aws.ec2.ManagedPrefixList; aws-native ec2.PrefixList) so their entries can be checked, or use security group references.",
        url: `${MSK}/port-info.html`,
    },
    "consumer-confused-deputy": {
        displayName: "Service principals invoke a consumer only for a named source",
        severity: "medium",
        remediationSteps:
            "Give the Lambda permission that lets an AWS service principal invoke the consumer a `sourceArn` (and `sourceAccount`): aws.lambda.Permission `sourceArn`/`sourceAccount`, aws-native lambda.Permission `sourceArn`/`sourceAccount`.",
        url: `${LAMBDA}/permissions-function-services.html`,
    },
    "kafka-network-path": {
        displayName: "Kafka mapping's pollers can connect",
        severity: "high",
        remediationSteps:
            "Allow the broker port of the mapping's authentication (9098 IAM, 9096 SASL/SCRAM, 9094 mTLS, 9092 plaintext; self-managed: your listener) in and out between the cluster's security groups (a self-referencing rule), outbound 443, and give the cluster subnets interface endpoints for lambda, sts (and secretsmanager with a secret) with private DNS whose groups admit 443, or a 0.0.0.0/0 route to a NAT gateway in a public subnet (aws.ec2.SecurityGroup / SecurityGroupRule / vpc.SecurityGroupIngressRule / VpcEndpoint / NatGateway / Route; aws-native ec2.SecurityGroup / SecurityGroupIngress / SecurityGroupEgress / VpcEndpoint / NatGateway / Route).",
        url: `${LAMBDA}/with-msk-cluster-network.html`,
    },
    "msk-configuration-kafka-version": {
        displayName: "Cluster configuration supports the cluster's Kafka version",
        severity: "high",
        remediationSteps:
            "Include the cluster's `kafkaVersion` in the configuration's `kafkaVersions` (aws.msk.Configuration `kafkaVersions`; aws-native msk.Configuration `kafkaVersionsList`), or use a configuration made for that version.",
        url: "https://docs.aws.amazon.com/msk/1.0/apireference/configurations.html",
    },
    "msk-acl-default-allow": {
        displayName: "Kafka ACLs left open by MSK's default",
        severity: "low",
        remediationSteps:
            "Set `allow.everyone.if.no.acl.found=false` in the cluster configuration's `serverProperties` (aws.msk.Configuration; aws-native msk.Configuration) once ACLs grant each consumer its topics and group.",
        url: `${MSK}/msk-acls.html`,
    },
    "kafka-consumer-group-across-sources": {
        displayName: "Consumer group ids unique across Kafka sources",
        severity: "low",
        remediationSteps:
            "Give each Kafka event source mapping its own consumer group id (aws.lambda.EventSourceMapping `amazonManagedKafkaEventSourceConfig.consumerGroupId` / `selfManagedKafkaEventSourceConfig.consumerGroupId`; aws-native lambda.EventSourceMapping the same fields).",
        url: `${LAMBDA}/with-msk-process.html`,
    },
    "self-managed-kafka-authentication": {
        displayName: "Self-managed Kafka mappings authenticate",
        severity: "high",
        remediationSteps:
            "Add a SASL_SCRAM_512_AUTH, SASL_SCRAM_256_AUTH, BASIC_AUTH or CLIENT_CERTIFICATE_TLS_AUTH entry naming a Secrets Manager secret to the mapping's `sourceAccessConfigurations` (aws and aws-native lambda EventSourceMapping), and require authentication on the brokers.",
        url: `${LAMBDA}/kafka-cluster-auth.html`,
    },
};
