/**
 * What the consumer function and the stack agree on, in one place: the environment variables components/consumer.ts
 * writes on the function and handler/index.ts reads, and the idempotency table's key schema and TTL attribute (the
 * component creates the table from it, the handler's store reads and writes those attribute names, and the tests create
 * their local table from it). Pure (no Pulumi, no AWS SDK), so the esbuild bundle of the handler can import it.
 */
export const HANDLER_ENV = {
    /** How record keys are encoded: JSON, SOURCE (bytes) or STRING. */
    keyFormat: "KAFKA_KEY_FORMAT",
    /** How record values are encoded: JSON, SOURCE or STRING. */
    valueFormat: "KAFKA_VALUE_FORMAT",
    /** "true" when the mapping takes partial batch responses (ReportBatchItemFailures). */
    reportBatchItemFailures: "REPORT_BATCH_ITEM_FAILURES",
    /** The DynamoDB idempotency table; absent when idempotency is off. */
    idempotencyTable: "IDEMPOTENCY_TABLE",
    /** How long a processed record's idempotency entry is kept, in seconds. */
    idempotencyExpiresAfterSeconds: "IDEMPOTENCY_EXPIRES_AFTER_SECONDS",
    /** Powertools' service name in every log line (the function name). */
    serviceName: "POWERTOOLS_SERVICE_NAME",
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

/** How long the handler remembers a processed record when the variable is absent: one day. */
export const DEFAULT_IDEMPOTENCY_EXPIRES_AFTER_SECONDS = 86_400;

export type RecordFormat = "JSON" | "SOURCE" | "STRING";

/** What the environment is built from (a validated consumer's fields). */
export interface HandlerSettings {
    schemaRegistry?: { validate: readonly ("KEY" | "VALUE")[]; eventRecordFormat: "JSON" | "SOURCE" };
    reportBatchItemFailures?: boolean;
    idempotency: { enabled: boolean; expiresAfterSeconds: number };
}

/**
 * The function's environment: how keys and values are encoded (a schema registry's record format for the attributes
 * it validates, else JSON values and STRING keys), whether the mapping takes partial batch responses, the idempotency
 * table, and Powertools' service name. `T` is the table name's type (a Pulumi Input in the component).
 */
export function handlerEnvironment<T>(c: HandlerSettings, functionName: string, idempotencyTable?: T): Record<string, string | T> {
    const format = (attr: "KEY" | "VALUE"): RecordFormat =>
        !c.schemaRegistry ? (attr === "VALUE" ? "JSON" : "STRING") : c.schemaRegistry.validate.includes(attr) ? c.schemaRegistry.eventRecordFormat : "STRING";
    const env: Record<string, string | T> = {
        [HANDLER_ENV.keyFormat]: format("KEY"),
        [HANDLER_ENV.valueFormat]: format("VALUE"),
        [HANDLER_ENV.reportBatchItemFailures]: String(c.reportBatchItemFailures === true),
        [HANDLER_ENV.serviceName]: functionName,
        [HANDLER_ENV.partitionConcurrency]: String(DEFAULT_PARTITION_CONCURRENCY),
    };
    if (idempotencyTable !== undefined) {
        env[HANDLER_ENV.idempotencyTable] = idempotencyTable;
        env[HANDLER_ENV.idempotencyExpiresAfterSeconds] = String(c.idempotency.expiresAfterSeconds);
    }
    return env;
}
