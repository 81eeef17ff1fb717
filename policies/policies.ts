/** The pack's policies in catalogue order, and the AWS fact or limit each one enforces (for the generated catalogue). */
import { destinationEncryption, destinationKmsGrants, s3DestinationProtection } from "./rules/destinations";
import { mskFunctionTimeout } from "./rules/function";
import { kafkaMappingErrorHandling, kafkaMappingPollerGroups, kafkaMappingSchemaRegistry, kafkaMappingUnboundedRetries } from "./rules/error-handling";
import { iamLeastPrivilege } from "./rules/iam";
import { kmsKeyRotation } from "./rules/kms";
import { mskMappingAuthMechanism, mskMappingLimits, mskMappingOnFailureDestination, mskNoCustomServerCa, noFifoDestinations } from "./rules/mapping";
import { mskBrokerLogs, mskEncryptionAtRestCmk, mskEncryptionInTransit, mskNoPublicAccess, mskNoUnauthenticatedAccess } from "./rules/msk";
import { mskNetworkPath, noPublicKafkaIngress } from "./rules/network";
import { mskScramSecret, mtlsSecret, mtlsSecretForMapping } from "./rules/secrets";

/** Every policy, in catalogue order. */
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
    kmsKeyRotation,
    noPublicKafkaIngress,
    mskMappingOnFailureDestination,
    mskNetworkPath,
];

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
    "iam-least-privilege": "Lambda/MSK IAM example: kafka-cluster actions on exact cluster, topic and group ARNs",
    "kms-key-rotation": "Security baseline: symmetric customer-managed keys rotate",
    "no-public-kafka-ingress": "Lambda/MSK networking: broker ports only from the event source's security groups",
    "msk-mapping-on-failure-destination":
        'AWS Lambda docs "Capturing discarded batches for a self-managed Apache Kafka event source": keep records of failed invocations with an on-failure destination',
    "msk-network-path": "Lambda/MSK networking: PrivateLink endpoints for Lambda and STS (and Secrets Manager), or a NAT gateway per public subnet",
};
