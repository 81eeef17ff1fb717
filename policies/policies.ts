/** The pack's policies in catalogue order, and the AWS fact or limit each one enforces (for the generated catalogue). */
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import { kafkaAuthMatchesCluster, kafkaServerRootCaSecret, scramSecretContent, selfManagedKafkaAuthentication } from "./rules/auth";
import { destinationDeliveryOutsideStack, destinationEndpointInClusterVpc, destinationKeyPolicy, destinationTypes } from "./rules/delivery";
import { destinationEncryption, destinationKmsGrants, s3DestinationProtection } from "./rules/destinations";
import { mskFunctionTimeout } from "./rules/function";
import { kafkaMappingErrorHandling, kafkaMappingPollerGroups, kafkaMappingSchemaRegistry, kafkaMappingUnboundedRetries } from "./rules/error-handling";
import { iamLeastPrivilege, mskConsumerRoleLeastPrivilege, mskMappingRolePermissions } from "./rules/iam";
import { kmsKeyRotation } from "./rules/kms";
import { mskMappingAuthMechanism, mskMappingLimits, mskMappingOnFailureDestination, mskNoCustomServerCa, noFifoDestinations } from "./rules/mapping";
import {
    mskAclDefaultAllow,
    mskAclDefaultDeny,
    mskBrokerLogs,
    mskConfigurationKafkaVersion,
    mskEncryptionAtRestCmk,
    mskEncryptionInTransit,
    mskNoPublicAccess,
    mskNoUnauthenticatedAccess,
} from "./rules/msk";
import { kafkaIngressPrefixLists, kafkaNetworkPath, mskNetworkPath, noPublicKafkaIngress } from "./rules/network";
import { consumerConfusedDeputy, noPublicResourcePolicies } from "./rules/resource-policies";
import { mappingSecretProtection, mskScramSecret, mtlsSecret, mtlsSecretForMapping } from "./rules/secrets";
import { kafkaConsumerGroupAcrossSources, kafkaConsumerGroupUnique, kafkaStartingPosition } from "./rules/settings";
import { T } from "./lib/types";
import { destinationFacts } from "./lib/destinations";
import { withBoundedReports, withExemptions } from "./rules/common";
import { EXEMPTIONS_SCHEMA, notExemptableSchema } from "./lib/exemptions";
import { METADATA } from "./metadata";

/** Every policy, in catalogue order, each with bounded, deduplicated diagnostics (rules/common.ts `withBoundedReports`). */
export const policies = [
    // Lambda/MSK facts from AWS's documentation
    mskFunctionTimeout,
    noFifoDestinations,
    mtlsSecret,
    mtlsSecretForMapping,
    mskNoCustomServerCa,
    mskScramSecret,
    mskMappingAuthMechanism,
    mskMappingLimits,
    mskMappingRolePermissions,
    kafkaAuthMatchesCluster,
    scramSecretContent,
    kafkaServerRootCaSecret,
    kafkaStartingPosition,
    kafkaConsumerGroupUnique,
    destinationTypes,
    destinationKeyPolicy,
    destinationEndpointInClusterVpc,
    destinationDeliveryOutsideStack,
    kafkaMappingErrorHandling,
    kafkaMappingPollerGroups,
    kafkaMappingSchemaRegistry,
    kafkaMappingUnboundedRetries,
    // Security baseline
    mskEncryptionInTransit,
    mskNoUnauthenticatedAccess,
    mskNoPublicAccess,
    mskEncryptionAtRestCmk,
    mskBrokerLogs,
    destinationEncryption,
    s3DestinationProtection,
    destinationKmsGrants,
    iamLeastPrivilege,
    mskConsumerRoleLeastPrivilege,
    noPublicResourcePolicies,
    kmsKeyRotation,
    noPublicKafkaIngress,
    mskMappingOnFailureDestination,
    mskNetworkPath,
    mskAclDefaultDeny,
    mappingSecretProtection,
    kafkaIngressPrefixLists,
    consumerConfusedDeputy,
    // The network path and settings of issue 25 (rules/network.ts, rules/msk.ts, rules/settings.ts)
    kafkaNetworkPath,
    mskConfigurationKafkaVersion,
    mskAclDefaultAllow,
    kafkaConsumerGroupAcrossSources,
    selfManagedKafkaAuthentication,
]
    .map(withBoundedReports)
    .map(withMetadata);

/**
 * A policy with what Pulumi Cloud shows (metadata.ts: display name, severity, remediation, documentation page,
 * framework) and its exemptions (lib/exemptions.ts): an `exemptions` config property, applied to its diagnostics.
 */
function withMetadata<P extends ResourceValidationPolicy | StackValidationPolicy>(policy: P): P {
    const meta = METADATA[policy.name];
    if (!meta) return policy; // tests/pack-metadata.test.ts requires an entry for every policy
    const { notExemptable, ...shown } = meta;
    const exemptions = notExemptable ? notExemptableSchema(notExemptable) : EXEMPTIONS_SCHEMA;
    const configSchema = { ...policy.configSchema, properties: { ...policy.configSchema?.properties, exemptions: exemptions as PolicyConfigJSONSchema } };
    return withExemptions({ ...policy, ...shown, configSchema } as P, notExemptable);
}

/** The documentation fact or API limit behind each policy, as the catalogue prints it. */
export const SOURCES: Record<string, string> = {
    "msk-function-timeout": 'Lambda/MSK: "Lambda can run the function for a maximum of 14 minutes ... the default timeout value is 3 seconds"',
    "no-fifo-destinations":
        'AWS Lambda docs "Capturing discarded batches for a self-managed Apache Kafka event source" and "Capturing records of Lambda asynchronous invocations": destinations are standard SQS queues and standard SNS topics; FIFO queues and topics are not supported',
    "mtls-secret":
        'Lambda/MSK "Configuring the mTLS secret": PEM chain client first, root last; PKCS#8; "Lambda supports the PBES1 (but not PBES2)"; 65,536-byte secrets',
    "mtls-secret-for-mapping": 'Lambda/MSK: "The CLIENT_CERTIFICATE_TLS_AUTH secret requires a certificate field and a private key field"',
    "msk-no-custom-server-ca": 'Lambda/MSK: "Amazon MSK doesn\'t support self-signed server certificates" (Amazon Trust Services CAs)',
    "msk-scram-secret": "Amazon MSK SASL/SCRAM: secrets named AmazonMSK_..., encrypted with a customer-managed key",
    "msk-mapping-auth-mechanism": 'Lambda/MSK: "Amazon MSK does not support SASL/PLAIN authentication"; MSK uses SCRAM-SHA-512',
    "msk-mapping-limits":
        "Lambda API: BatchSize <= 10,000; MaximumBatchingWindowInSeconds 0-300; MinimumPollers 1-200, MaximumPollers 1-2000; ConsumerGroupId format; 5 filters of 4096 characters",
    "kafka-auth-matches-cluster":
        'Lambda/MSK "How Lambda chooses a bootstrap broker" and "Authentication and authorization errors" ("Server failed to authenticate Lambda", "SASL authentication failed"); MSK Serverless supports IAM only',
    "scram-secret-content":
        'Amazon MSK "Sign-in credentials authentication with AWS Secrets Manager": the secret holds {"username", "password"}; otherwise "SASL authentication failed"',
    "kafka-server-root-ca-secret": 'Lambda self-managed Apache Kafka: SERVER_ROOT_CA_CERTIFICATE names a secret {"certificate": <root CA PEM>}',
    "kafka-starting-position":
        'Lambda API "CreateEventSourceMapping" (StartingPosition: TRIM_HORIZON, LATEST, AT_TIMESTAMP for Amazon MSK and self-managed Kafka) and "Apache Kafka polling and stream starting positions in Lambda"; Lambda/MSK parameter table: required',
    "kafka-consumer-group-unique": 'Lambda/MSK "Customizable consumer group ID": the consumer group ID must be unique among your Kafka event sources',
    "destination-types":
        '"Capturing discarded batches for Amazon MSK and self-managed Apache Kafka event sources", "Using a Kafka topic as an on-failure destination" (provisioned mode, not a source topic), "Capturing records of Lambda asynchronous invocations" (S3 on failure only)',
    "destination-key-policy":
        '"Capturing discarded batches for Amazon MSK and self-managed Apache Kafka event sources": the key trusts the execution role; cross-account kms:Decrypt, kms:GenerateDataKey, kms:DescribeKey, kms:ReEncrypt*',
    "destination-endpoint-in-cluster-vpc":
        '"Capturing discarded batches for Amazon MSK and self-managed Apache Kafka event sources": "You must deploy a VPC endpoint for your on-failure destination service inside your Kafka cluster VPC"',
    "destination-delivery-outside-stack": "What the delivery rules cannot check from the stack: keys, key policies and cluster VPCs defined elsewhere",
    "kafka-mapping-error-handling":
        'Lambda docs "Configuring error handling controls for Kafka event sources": retry attempts 0-10000 or -1, maximum record age 60-604800 or -1, ReportBatchItemFailures; "select provisioned mode to configure error handling controls"',
    "kafka-mapping-poller-groups":
        'Lambda API ProvisionedPollerConfig.PollerGroupName, "(Amazon MSK and self-managed Apache Kafka)": "up to 100 ESMs per poller group and aggregate maximum pollers across all ESMs in a group cannot exceed 2000"',
    "kafka-mapping-schema-registry":
        'Lambda docs "Using schema registries with Kafka event sources in Lambda" (provisioned mode only) and KafkaSchemaRegistryConfig: JSON | SOURCE, KEY | VALUE, at most 2 access configs naming Secrets Manager secrets, none for AWS Glue',
    "kafka-mapping-unbounded-retries":
        'Lambda docs "Configuring error handling controls for Kafka event sources": retries and record age default to -1 (infinite), so a failing record is retried until it expires',
    "msk-encryption-in-transit": "Security baseline: TLS client-broker and in-cluster encryption",
    "msk-no-unauthenticated-access": "Security baseline: IAM, SASL/SCRAM or mTLS client authentication",
    "msk-no-public-access": "Security baseline: brokers stay inside the VPC (the mapping's pollers use the cluster's subnets)",
    "msk-encryption-at-rest-cmk": "Security baseline: customer-managed KMS key at rest",
    "msk-broker-logs": "Operations: broker logs to diagnose authentication and connection errors",
    "destination-encryption": "Security baseline: failure and async records encrypted with a customer-managed key",
    "s3-destination-protection":
        'AWS Lambda docs "Capturing discarded batches for a self-managed Apache Kafka event source": "We recommend enabling S3 versioning on your destination bucket"; public access blocked',
    "destination-kms-grants":
        'AWS Lambda docs "Capturing discarded batches for a self-managed Apache Kafka event source" and "Capturing records of Lambda asynchronous invocations": the execution role needs the send permission per destination type, and kms:GenerateDataKey (S3) or kms:Decrypt and kms:GenerateDataKey (SQS, SNS) on a customer-managed key',
    "msk-mapping-role-permissions":
        'Lambda "Configuring Lambda execution role permissions" (kafka:DescribeCluster or DescribeClusterV2, kafka:GetBootstrapBrokers, six ec2 network-interface actions) and Lambda/MSK "IAM role-based authentication" (six kafka-cluster actions on the cluster, topic and group ARNs); Lambda "Configuring self-managed Apache Kafka event sources for Lambda" (six ec2 network-interface actions with VPC_SUBNET/VPC_SECURITY_GROUP, secretsmanager:GetSecretValue on its secret, kms:Decrypt on the secret\'s customer-managed key)',
    "iam-least-privilege":
        'Lambda/MSK "IAM role-based authentication": kafka-cluster actions scoped to the cluster, topic and group; IAM User Guide "Policy evaluation logic" (NotAction, NotResource, wildcards, explicit Deny)',
    "msk-consumer-role-least-privilege":
        'Lambda/MSK "IAM role-based authentication" (a consumer needs six kafka-cluster actions on its cluster, topic and group); AWS Managed Policy Reference for AdministratorAccess, PowerUserAccess, AmazonMSKFullAccess',
    "no-public-resource-policies":
        'IAM User Guide "AWS JSON policy elements: Principal" (Principal "*" is every account) and "AWS global condition context keys" (aws:SourceAccount, aws:SourceArn, aws:PrincipalOrgID narrow it)',
    "kms-key-rotation": "Security baseline: symmetric customer-managed keys rotate",
    "no-public-kafka-ingress": "Lambda/MSK networking: broker ports only from the event source's security groups",
    "msk-mapping-on-failure-destination":
        'AWS Lambda docs "Capturing discarded batches for a self-managed Apache Kafka event source": keep records of failed invocations with an on-failure destination',
    "msk-network-path": "Lambda/MSK networking: PrivateLink endpoints for Lambda and STS (and Secrets Manager), or a NAT gateway per public subnet",
    "msk-acl-default-deny":
        'Amazon MSK "Apache Kafka ACLs": with allow.everyone.if.no.acl.found=true, a resource without ACLs is open to every authenticated client',
    "mapping-secret-protection":
        'Amazon MSK SASL/SCRAM: secrets need a customer-managed key; Secrets Manager "Delete a secret": a recovery window of 7-30 days, 0 (force delete) cannot be undone',
    "kafka-ingress-prefix-lists": 'Amazon MSK "Port information"; a prefix list outside the stack may hold any address',
    "consumer-confused-deputy":
        'Lambda docs "Granting function access to AWS services" (SourceArn, SourceAccount) and IAM User Guide "The confused deputy problem"',
    "kafka-network-path":
        'Lambda "Configuring your Amazon MSK cluster and Amazon VPC network for Lambda": inbound and outbound on the broker port for the event source\'s security groups, outbound 443; PrivateLink endpoints for Lambda, STS (and Secrets Manager) whose groups allow 443, or one NAT gateway per public subnet, for on-demand pollers ("Configuring your self-managed Apache Kafka cluster and network for Lambda": "If your event source mapping uses provisioned mode, you don\'t need to configure AWS PrivateLink VPC endpoints")',
    "msk-configuration-kafka-version":
        'Amazon MSK API reference, Configuration: "You can use this configuration for an MSK cluster only if the Apache Kafka version specified for the cluster appears in this array"',
    "msk-acl-default-allow": 'Amazon MSK "Apache Kafka ACLs": allow.everyone.if.no.acl.found is true by default',
    "self-managed-kafka-authentication":
        'Lambda "Configuring cluster authentication methods in Lambda" (SASL/SCRAM, SASL/PLAIN, mTLS for self-managed Apache Kafka); the pack refuses unauthenticated MSK clusters alike',
    "kafka-consumer-group-across-sources": 'Lambda/MSK "Customizable consumer group ID": "must be unique among all your Kafka event sources"',
};

const MAPPING_CHAIN = [T.mapping, T.fn, T.alias];
/** What names destinations, and every destination resource type of the catalogue (lib/destinations.ts). */
const DESTINATIONS = [T.mapping, T.invokeConfig, T.fn, ...destinationFacts().flatMap((f) => f.resourceTypes.filter((t) => t !== T.fn))];
const MSK_CLUSTERS = [T.mskCluster, T.mskServerless];
const NETWORK_PATH = [
    T.mapping,
    ...MSK_CLUSTERS,
    T.subnet,
    T.vpc,
    T.natGateway,
    T.vpcEndpoint,
    T.securityGroup,
    T.defaultSecurityGroup,
    T.securityGroupRule,
    T.ingressRule,
    T.egressRule,
    T.prefixList,
    T.routeTable,
    T.defaultRouteTable,
    T.route,
    T.routeTableAssociation,
    T.mainRouteTableAssociation,
    T.internetGateway,
];

/** The canonical resource types each policy reads (the catalogue lists them with every provider type that feeds them). */
export const READS: Record<string, string[]> = {
    "msk-function-timeout": [...MAPPING_CHAIN, ...MSK_CLUSTERS],
    "no-fifo-destinations": DESTINATIONS,
    "mtls-secret": [T.secretVersion],
    "mtls-secret-for-mapping": [T.mapping, T.secret, T.secretVersion],
    "msk-no-custom-server-ca": [T.mapping],
    "msk-scram-secret": [T.mapping, ...MSK_CLUSTERS, T.scramAssociation, T.singleScramAssociation, T.secret, T.kmsKey, T.kmsAlias],
    "msk-mapping-auth-mechanism": [T.mapping],
    "msk-mapping-limits": [T.mapping],
    "msk-encryption-in-transit": [T.mskCluster],
    "msk-no-unauthenticated-access": [T.mskCluster],
    "msk-no-public-access": [T.mskCluster],
    "msk-encryption-at-rest-cmk": [T.mskCluster],
    "msk-broker-logs": [T.mskCluster],
    "destination-encryption": [...DESTINATIONS, T.bucketSse, T.bucketSseV2, T.kmsKey, T.kmsAlias],
    "s3-destination-protection": [...DESTINATIONS, T.bucketVersioning, T.bucketVersioningV2, T.bucketPab],
    "destination-kms-grants": [
        ...DESTINATIONS,
        T.bucketSse,
        T.bucketSseV2,
        T.kmsKey,
        T.kmsAlias,
        T.keyPolicy,
        T.role,
        T.rolePolicy,
        T.rolePolicyAttachment,
        T.policyAttachment,
        T.policy,
        T.queuePolicy,
        T.topicPolicy,
        T.bucketPolicy,
        T.vpcEndpoint,
    ],
    "iam-least-privilege": [T.policy, T.rolePolicy, T.userPolicy, T.groupPolicy, T.role],
    "msk-mapping-role-permissions": [
        ...MAPPING_CHAIN,
        ...MSK_CLUSTERS,
        T.role,
        T.rolePolicy,
        T.rolePolicyAttachment,
        T.policyAttachment,
        T.policy,
        T.secret,
        T.secretPolicy,
        T.kmsKey,
        T.kmsAlias,
        T.keyPolicy,
    ],
    "msk-consumer-role-least-privilege": [...MAPPING_CHAIN, ...MSK_CLUSTERS, T.role, T.rolePolicy, T.rolePolicyAttachment, T.policyAttachment, T.policy],
    "no-public-resource-policies": [
        ...DESTINATIONS,
        T.mskClusterPolicy,
        T.queuePolicy,
        T.topicPolicy,
        T.bucketPolicy,
        T.kmsKey,
        T.keyPolicy,
        T.secret,
        T.secretPolicy,
        T.role,
        T.permission,
    ],
    "kms-key-rotation": [T.kmsKey],
    "no-public-kafka-ingress": [T.securityGroup, T.defaultSecurityGroup, T.securityGroupRule, T.ingressRule, T.prefixList, T.mapping, ...MSK_CLUSTERS],
    "msk-mapping-on-failure-destination": [T.mapping],
    "msk-network-path": NETWORK_PATH,
    "msk-acl-default-deny": [T.mskCluster, T.mskConfiguration],
    "mapping-secret-protection": [T.mapping, ...MSK_CLUSTERS, T.scramAssociation, T.singleScramAssociation, T.secret, T.kmsKey, T.kmsAlias],
    "kafka-ingress-prefix-lists": [T.securityGroup, T.defaultSecurityGroup, T.securityGroupRule, T.ingressRule, T.prefixList],
    "kafka-auth-matches-cluster": [T.mapping, ...MSK_CLUSTERS],
    "scram-secret-content": [T.mapping, ...MSK_CLUSTERS, T.scramAssociation, T.singleScramAssociation, T.secret, T.secretVersion],
    "kafka-server-root-ca-secret": [T.mapping, T.secret, T.secretVersion],
    "kafka-starting-position": [T.mapping],
    "kafka-consumer-group-unique": [T.mapping, ...MSK_CLUSTERS],
    "destination-types": [...DESTINATIONS],
    "destination-key-policy": [...DESTINATIONS, T.bucketSse, T.bucketSseV2, T.kmsKey, T.kmsAlias, T.keyPolicy, T.role],
    "destination-endpoint-in-cluster-vpc": [T.mapping, ...MSK_CLUSTERS, T.subnet, T.vpc, T.vpcEndpoint],
    "destination-delivery-outside-stack": [...DESTINATIONS, T.kmsKey, T.kmsAlias, ...MSK_CLUSTERS, T.mskVpcConnection, T.subnet, T.vpcEndpoint],
    "kafka-mapping-error-handling": [T.mapping],
    "kafka-mapping-poller-groups": [T.mapping],
    "kafka-mapping-schema-registry": [T.mapping],
    "kafka-mapping-unbounded-retries": [T.mapping],
    "consumer-confused-deputy": [T.mapping, T.fn, T.alias, T.permission],
    "kafka-network-path": NETWORK_PATH,
    "msk-configuration-kafka-version": [T.mskCluster, T.mskConfiguration],
    "msk-acl-default-allow": [T.mskCluster, T.mskConfiguration],
    "kafka-consumer-group-across-sources": [T.mapping, ...MSK_CLUSTERS],
    "self-managed-kafka-authentication": [T.mapping],
};
