/**
 * AWS facts the program and the policy pack both enforce, each with its source. The program imports these, so the two
 * can never disagree.
 */

/** Seed (networking): "9092 for plaintext, 9094 for TLS, 9096 for SASL, 9098 for IAM". mTLS uses the TLS listener. */
export const BROKER_PORTS = { plaintext: 9092, tls: 9094, mtls: 9094, scram: 9096, iam: 9098 } as const;
export const ALL_BROKER_PORTS = [9092, 9094, 9096, 9098] as const;
/**
 * Every port Amazon MSK listens on ("Port information"): brokers 9092 (plaintext), 9094 (TLS), 9096 (SASL/SCRAM), 9098
 * (IAM); public access 9194 (TLS), 9196 (SASL/SCRAM), 9198 (IAM); IPv6 20092, 20094, 20096, 20098; Apache ZooKeeper
 * 2181 (and 2182 with TLS); open monitoring with Prometheus 11001 (JMX exporter) and 11002 (node exporter).
 */
export const MSK_PORTS = [2181, 2182, 9092, 9094, 9096, 9098, 9194, 9196, 9198, 11001, 11002, 20092, 20094, 20096, 20098] as const;

/** Seed: "Lambda can run the function for at most 14 minutes. Set the function timeout to 14 minutes or less". */
export const MAX_MSK_FUNCTION_TIMEOUT_SECONDS = 840;
/** Seed: "(the default timeout value is 3 seconds)". */
export const DEFAULT_FUNCTION_TIMEOUT_SECONDS = 3;

/** Seed: batch size default 100, maximum 10,000. */
export const BATCH_SIZE = { min: 1, max: 10_000 } as const;
/** Lambda API: MaximumBatchingWindowInSeconds 0-300. */
export const BATCHING_WINDOW_SECONDS = { min: 0, max: 300 } as const;
/** Lambda API: MinimumPollers 1-200, MaximumPollers 1-2000. */
export const MIN_POLLERS = { min: 1, max: 200 } as const;
export const MAX_POLLERS = { min: 1, max: 2000 } as const;
/** Lambda API: at most 5 filters per mapping, each pattern at most 4096 characters. */
export const MAX_FILTERS = 5;
export const MAX_FILTER_PATTERN_CHARS = 4096;
/** Lambda API: ConsumerGroupId, 1-200 characters of `[a-zA-Z0-9-\/*:_+=.@-]`. */
// One anchored character class with a bounded count: at most 201 steps on any input, nothing to backtrack into. The
// program's config schema uses it as its pattern, so it stays a regular expression.
// eslint-disable-next-line no-restricted-syntax
export const CONSUMER_GROUP_ID = /^[a-zA-Z0-9\-/*:_+=.@]{1,200}$/;

/** Seed: "MSK does not support SASL/PLAIN" (BASIC_AUTH); MSK's SCRAM is SCRAM-SHA-512. */
export const MSK_UNSUPPORTED_ACCESS_TYPES: Record<string, string> = {
    BASIC_AUTH: "SASL/PLAIN (BASIC_AUTH), which Amazon MSK does not support",
    SASL_SCRAM_256_AUTH: "SASL/SCRAM-SHA-256, while Amazon MSK supports SCRAM-SHA-512 only (use SASL_SCRAM_512_AUTH)",
};

/** MSK only associates SASL/SCRAM secrets whose names start with this prefix. */
export const MSK_SCRAM_SECRET_PREFIX = "AmazonMSK_";

export type DestinationKind = "sqs" | "sns" | "s3" | "lambda" | "eventbridge";

/**
 * What the execution role needs to send records to each destination type: seed 002 (event source mapping failure
 * destinations: SQS `sqs:SendMessage`, SNS `sns:Publish`, S3 `s3:PutObject` and `s3:ListBucket`) and seed 004
 * (async invocation: also Lambda `lambda:InvokeFunction`, EventBridge `events:PutEvents`). `objects`: on the objects
 * in the bucket (`<arn>/*`), not on the bucket.
 */
export const SEND_ACTIONS: Record<DestinationKind, { action: string; on: "arn" | "objects" }[]> = {
    sqs: [{ action: "sqs:SendMessage", on: "arn" }],
    sns: [{ action: "sns:Publish", on: "arn" }],
    s3: [
        { action: "s3:PutObject", on: "objects" },
        { action: "s3:ListBucket", on: "arn" },
    ],
    lambda: [{ action: "lambda:InvokeFunction", on: "arn" }],
    eventbridge: [{ action: "events:PutEvents", on: "arn" }],
};

/**
 * Seed 002: with a customer-managed key on the destination, Lambda needs `kms:GenerateDataKey` for S3, and
 * `kms:Decrypt` and `kms:GenerateDataKey` for SQS and SNS. (An EventBridge bus's key is used by EventBridge itself.)
 */
export const DESTINATION_KMS_ACTIONS: Record<DestinationKind, string[]> = {
    sqs: ["kms:Decrypt", "kms:GenerateDataKey"],
    sns: ["kms:Decrypt", "kms:GenerateDataKey"],
    s3: ["kms:GenerateDataKey"],
    lambda: [],
    eventbridge: [],
};

/**
 * Seed 002 (and the current "Capturing discarded batches" page): when the KMS key and the destination are in another
 * account than the function's execution role, the key must trust the role for kms:GenerateDataKey (S3), or for
 * kms:Decrypt, kms:GenerateDataKey, kms:DescribeKey and kms:ReEncrypt* (SQS, SNS). `kms:ReEncrypt*` is both
 * ReEncrypt actions.
 */
export const CROSS_ACCOUNT_DESTINATION_KMS_ACTIONS: Record<DestinationKind, string[]> = {
    sqs: ["kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey", "kms:ReEncryptFrom", "kms:ReEncryptTo"],
    sns: ["kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey", "kms:ReEncryptFrom", "kms:ReEncryptTo"],
    s3: ["kms:GenerateDataKey"],
    lambda: [],
    eventbridge: [],
};
