/**
 * The consumer function, built on Powertools for AWS Lambda (TypeScript). Lambda polls the topic and invokes this
 * handler synchronously with a batch of records.
 *
 * - Records are deserialised by `@aws-lambda-powertools/kafka` (base64 keys and values, header bytes, and the payloads
 *   a schema registry delivers: with `eventRecordFormat: JSON` Lambda has already turned Avro, Protobuf or JSON Schema
 *   records into JSON; with `SOURCE` the processor gets the source bytes, or gives its own schema).
 * - Each record is processed once per topic/partition/offset: Lambda's docs warn that "event source mappings process
 *   each event at least once", so `@aws-lambda-powertools/idempotency` keeps a record of every processed offset in the
 *   stack's DynamoDB table, which survives containers (a redelivered batch skips what is done). The store is
 *   Powertools' DynamoDB store whose completions of concurrent records share `BatchWriteItem` requests (`store.ts`).
 * - With the mapping's `ReportBatchItemFailures`, the handler returns only the failed records (and the later records of
 *   their partitions, which it did not start), each identified the way
 *   "Configuring error handling controls for Kafka event sources" specifies, `{ partition: "<topic>-<partition>",
 *   offset }`, so Lambda retries just those. Without it, any failure is thrown and Lambda retries the whole batch
 *   (returning failures then would be taken as success and lose the records).
 * - Logs are structured (`@aws-lambda-powertools/logger`), one line per failed record and one per batch, with topic,
 *   partition and offset, never a record's contents.
 * - The batch's partitions are processed at the same time (PARTITION_CONCURRENCY, 10 by default), each partition's
 *   records in offset order; a failed record stops its partition (`partitions.ts` says how, and what overlaps).
 *
 * Powertools' batch utility supports SQS, Kinesis and DynamoDB streams only (not Kafka), so the per-partition loop and
 * the Kafka failure shape are written here.
 */
import type { Context, MSKEvent } from "aws-lambda";
import { kafkaConsumer, SchemaType } from "@aws-lambda-powertools/kafka";
import type { ConsumerRecord, SchemaConfig } from "@aws-lambda-powertools/kafka/types";
import { Logger } from "@aws-lambda-powertools/logger";
import { IdempotencyConfig, makeIdempotent } from "@aws-lambda-powertools/idempotency";
import type { BasePersistenceLayer } from "@aws-lambda-powertools/idempotency/persistence";
import {
    DEFAULT_IDEMPOTENCY_EXPIRES_AFTER_SECONDS,
    DEFAULT_PARTITION_CONCURRENCY,
    HANDLER_ENV,
    IDEMPOTENCY_TABLE_SCHEMA,
    PARTITION_CONCURRENCY_RANGE,
} from "../lib/handler-env";
import { runBatch, type Outcome, type RecordId } from "./partitions";
import { TableStore } from "./store";

/** A record as the processor sees it: decoded key, value and headers, and its identity. */
export interface KafkaRecord {
    topic: string;
    partition: number;
    offset: number;
    timestamp: number;
    /** Decoded per the key format: a JSON value, a UTF-8 string, source bytes, or undefined/null without a key. */
    key: unknown;
    value: unknown;
    headers: Record<string, string>[];
    /** What a schema registry told Lambda about the value (its data format and schema id), when one is configured. */
    valueSchema?: { dataFormat: string; schemaId?: string };
}

export type RecordProcessor = (record: KafkaRecord) => Promise<void>;

/** The Kafka partial batch response (Configuring error handling controls for Kafka event sources). */
export interface KafkaBatchResponse {
    batchItemFailures: { itemIdentifier: { partition: string; offset: number } }[];
}

export type Format = "JSON" | "SOURCE" | "STRING";

export interface HandlerOptions {
    /** The business logic, once per record; throw to fail the record. Default: nothing (the batch line is logged). */
    process?: RecordProcessor;
    /** How keys and values are encoded. Default: KAFKA_KEY_FORMAT / KAFKA_VALUE_FORMAT, else STRING keys, JSON values. */
    keyFormat?: Format;
    valueFormat?: Format;
    /** A Powertools schema config (Avro or Protobuf schemas for SOURCE records); overrides the formats. */
    schema?: SchemaConfig;
    /** Whether the mapping takes partial batch responses. Default: REPORT_BATCH_ITEM_FAILURES. */
    reportBatchItemFailures?: boolean;
    /** The idempotency store. Default: Powertools' DynamoDB store on IDEMPOTENCY_TABLE; none without that variable. */
    persistenceStore?: BasePersistenceLayer;
    /** How long a processed offset is remembered. Default: IDEMPOTENCY_EXPIRES_AFTER_SECONDS, else one day. */
    expiresAfterSeconds?: number;
    /** Partitions processed at the same time (1-100). Default: PARTITION_CONCURRENCY, else 10. */
    partitionConcurrency?: number;
    logger?: Logger;
}

/** A record whose value is not what its format promises (for example JSON that does not parse): a poison record. */
export class UndecodableRecordError extends Error {
    constructor(what: "key" | "value", format: Format) {
        super(`the record's ${what} is not ${format}`);
        this.name = "UndecodableRecordError";
    }
}

const env = (name: string): string | undefined => process.env[name] || undefined;

/** The partition concurrency: the option, else the variable, else the default; a clear error outside 1-100. */
function partitionConcurrencyOf(option: number | undefined): number {
    const { min, max } = PARTITION_CONCURRENCY_RANGE;
    const raw = option ?? env(HANDLER_ENV.partitionConcurrency);
    if (raw === undefined) return DEFAULT_PARTITION_CONCURRENCY;
    const n = typeof raw === "number" ? raw : Number(raw);
    if (!Number.isInteger(n) || n < min || n > max || (typeof raw === "string" && String(n) !== raw.trim())) {
        const from = option === undefined ? HANDLER_ENV.partitionConcurrency : "partitionConcurrency";
        throw new Error(`${from} must be an integer from ${min} to ${max} (partitions processed at the same time), got ${JSON.stringify(raw)}`);
    }
    return n;
}

function formatOf(name: string, fallback: Format): Format {
    const v = env(name);
    return v === "JSON" || v === "SOURCE" || v === "STRING" ? v : fallback;
}

/**
 * Reads a decoded field. Powertools' JSON deserialiser returns the plain text when the text is not JSON, and prints
 * the base64 payload to stderr while doing so: the print is suppressed (a record's contents never reach the logs) and
 * the record is failed instead, as a JSON consumer cannot process it.
 */
function decoded(r: ConsumerRecord<unknown, unknown>, what: "key" | "value", format: Format, custom: boolean): unknown {
    const original = what === "key" ? r.originalKey : r.originalValue;
    if (format === "SOURCE" && !custom) return original === undefined || original === null ? original : Buffer.from(original, "base64");
    const error = console.error;
    console.error = () => undefined;
    let v: unknown;
    try {
        v = what === "key" ? r.key : r.value;
    } catch {
        throw new UndecodableRecordError(what, format);
    } finally {
        console.error = error;
    }
    // JSON.parse of a JSON string literal never returns its own text (the quotes are gone): equal text means the
    // payload did not parse.
    if (format === "JSON" && !custom && typeof v === "string" && typeof original === "string" && v === Buffer.from(original, "base64").toString("utf8")) {
        throw new UndecodableRecordError(what, format);
    }
    return v;
}

/** Powertools' schema config for the formats (STRING and SOURCE: no deserialiser, the text or bytes are used). */
function schemaFor(keyFormat: Format, valueFormat: Format): SchemaConfig {
    const json = { type: SchemaType.JSON };
    return { value: valueFormat === "JSON" ? json : undefined, key: keyFormat === "JSON" ? json : undefined } as unknown as SchemaConfig;
}

/** The record as the processor sees it; throws UndecodableRecordError for a payload that is not its format. */
function toRecord(r: ConsumerRecord<unknown, unknown>, keyFormat: Format, valueFormat: Format, custom: boolean): KafkaRecord {
    return {
        topic: r.topic,
        partition: r.partition,
        offset: r.offset,
        timestamp: r.timestamp,
        key: decoded(r, "key", keyFormat, custom),
        value: decoded(r, "value", valueFormat, custom),
        headers: r.headers ?? [],
        valueSchema: r.valueSchemaMetadata?.dataFormat ? r.valueSchemaMetadata : undefined,
    };
}

/**
 * The store on the stack's table, with the attribute names the table was created with: Powertools' DynamoDB store
 * whose completions share requests (handler/store.ts).
 */
export function tableStore(tableName: string, clientConfig?: ConstructorParameters<typeof TableStore>[0]["clientConfig"], maxInFlight?: number): TableStore {
    return new TableStore({
        tableName,
        keyAttr: IDEMPOTENCY_TABLE_SCHEMA.hashKey,
        expiryAttr: IDEMPOTENCY_TABLE_SCHEMA.ttl.attributeName,
        clientConfig,
        maxInFlight,
    });
}

/** The batch's response from each record's outcome: failed and skipped records are reported (or the batch fails). */
function respond(outcomes: Outcome[], total: number, reportFailures: boolean, logger: Logger): KafkaBatchResponse | undefined {
    const failures: KafkaBatchResponse["batchItemFailures"] = [];
    let processed = 0;
    let skipped = 0;
    for (const o of outcomes) {
        if (o.status === "done") processed++;
        else failures.push({ itemIdentifier: { partition: `${o.id.topic}-${o.id.partition}`, offset: o.id.offset } });
        if (o.status === "skipped") skipped++;
        // The error's name only: a message may quote the record.
        if (o.status === "failed") logger.error("record failed", { ...o.id, error: o.error instanceof Error ? o.error.name : typeof o.error });
    }
    logger.info("batch", { records: total, processed, failed: failures.length - skipped, notStarted: skipped });
    if (failures.length && !reportFailures) {
        const first = (outcomes.find((o) => o.status === "failed") ?? outcomes.find((o) => o.status !== "done"))!.id;
        throw new Error(`record ${first.topic}-${first.partition}@${first.offset} failed; Lambda retries the batch`);
    }
    return reportFailures ? { batchItemFailures: failures } : undefined;
}

export function createHandler(options: HandlerOptions = {}) {
    const logger = options.logger ?? new Logger();
    const keyFormat = options.keyFormat ?? formatOf(HANDLER_ENV.keyFormat, "STRING");
    const valueFormat = options.valueFormat ?? formatOf(HANDLER_ENV.valueFormat, "JSON");
    const custom = options.schema !== undefined;
    const reportFailures = options.reportBatchItemFailures ?? env(HANDLER_ENV.reportBatchItemFailures) === "true";
    const concurrency = partitionConcurrencyOf(options.partitionConcurrency);
    const table = env(HANDLER_ENV.idempotencyTable);
    // As many completion requests in flight as partitions run at once: a completion never waits for one ahead.
    const store = options.persistenceStore ?? (table ? tableStore(table, undefined, concurrency) : undefined);
    const processRecord = options.process ?? (async () => undefined);

    // The idempotency key is the record's identity, `{ topic, partition, offset }` (hashed by Powertools): the
    // record's contents play no part, so two equal messages at different offsets are both processed.
    const config = new IdempotencyConfig({
        expiresAfterSeconds:
            options.expiresAfterSeconds ?? Number(env(HANDLER_ENV.idempotencyExpiresAfterSeconds) ?? DEFAULT_IDEMPOTENCY_EXPIRES_AFTER_SECONDS),
    });
    const once = async (_id: RecordId, record: KafkaRecord, ready: () => Promise<void>, processed: () => void): Promise<true> => {
        await ready();
        await processRecord(record);
        processed();
        return true;
    };
    const run = store ? makeIdempotent(once, { persistenceStore: store, config, dataIndexArgument: 0 }) : once;

    const handle = kafkaConsumer<unknown, unknown>(
        async (event: { records: ConsumerRecord<unknown, unknown>[] }, context: Context) => {
            if (context) config.registerLambdaContext(context);
            const outcomes = await runBatch(
                event.records,
                async (r, ready, processed) => {
                    const record = toRecord(r, keyFormat, valueFormat, custom);
                    await run({ topic: r.topic, partition: r.partition, offset: r.offset }, record, ready, processed);
                },
                { concurrency, stopBatchOnFailure: !reportFailures },
            );
            return respond(outcomes, event.records.length, reportFailures, logger);
        },
        custom ? options.schema! : schemaFor(keyFormat, valueFormat),
    );
    return (event: MSKEvent, context?: Context) => handle(event as never, context as Context) as Promise<KafkaBatchResponse | undefined>;
}

let cached: ReturnType<typeof createHandler> | undefined;
/** The Lambda entry point (`index.handler`), configured from the environment the stack sets. */
export const handler = (event: MSKEvent, context: Context) => (cached ??= createHandler())(event, context);
