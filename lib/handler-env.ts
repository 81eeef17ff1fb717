/**
 * The handler's environment variables, named once: components/consumer.ts writes them on the function and
 * handler/index.ts reads them. Pure (no Pulumi, no AWS SDK), so the esbuild bundle of the handler can import it.
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
} as const;

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
    };
    if (idempotencyTable !== undefined) {
        env[HANDLER_ENV.idempotencyTable] = idempotencyTable;
        env[HANDLER_ENV.idempotencyExpiresAfterSeconds] = String(c.idempotency.expiresAfterSeconds);
    }
    return env;
}
