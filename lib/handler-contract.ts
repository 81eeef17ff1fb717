/**
 * What the consumer function and the stack agree on, in one place: the environment variables the component writes and
 * the handler reads, and the idempotency table's key schema and TTL attribute (the component creates the table from
 * it, the handler's store reads and writes those attribute names, and the tests create their local table from it).
 * Pure data: the handler's bundle includes this module.
 */

/** Environment variables of the consumer function. */
export const HANDLER_ENV = {
    keyFormat: "KAFKA_KEY_FORMAT",
    valueFormat: "KAFKA_VALUE_FORMAT",
    reportBatchItemFailures: "REPORT_BATCH_ITEM_FAILURES",
    idempotencyTable: "IDEMPOTENCY_TABLE",
    idempotencyExpiresAfterSeconds: "IDEMPOTENCY_EXPIRES_AFTER_SECONDS",
    /** How many partitions of one batch the handler processes at the same time. */
    partitionConcurrency: "PARTITION_CONCURRENCY",
} as const;

/**
 * Partitions processed at the same time, by default. Kafka orders records only within a partition, so partitions are
 * independent; 10 in flight, each with at most one store call outstanding, stays well inside the AWS SDK's default of
 * 50 sockets per client and the default topic's partitions (6) are all processed at once.
 */
export const DEFAULT_PARTITION_CONCURRENCY = 10;
/** The accepted range of PARTITION_CONCURRENCY (1: one partition at a time, as the handler did before). */
export const PARTITION_CONCURRENCY_RANGE = { min: 1, max: 100 } as const;

/**
 * The idempotency table, in the shape of `aws.dynamodb.Table`'s arguments: a string hash key `id` (Powertools'
 * DynamoDB store keys on it) and TTL on `expiration` (the store writes the entry's expiry there, in epoch seconds).
 */
export const IDEMPOTENCY_TABLE_SCHEMA: {
    hashKey: string;
    attributes: { name: string; type: "S" }[];
    ttl: { attributeName: string; enabled: boolean };
} = {
    hashKey: "id",
    attributes: [{ name: "id", type: "S" }],
    ttl: { attributeName: "expiration", enabled: true },
};
