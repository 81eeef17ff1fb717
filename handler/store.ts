/**
 * The handler's idempotency store: Powertools' DynamoDB persistence layer, with the same table, keys and item format,
 * made cheaper per record in two ways a CPU profile of the handler pointed at (the AWS SDK's work per request, not
 * Powertools', is most of the handler's CPU with the store):
 *
 * - Completions of records of different partitions share requests. A completion is a `PutRequest` in a
 *   `BatchWriteItem` ("BatchWriteItem", Amazon DynamoDB API Reference: up to 25 put or delete requests, items of one
 *   key at most once per request, unprocessed items returned in `UnprocessedItems`) instead of Powertools' own
 *   `UpdateItem`. The item written is the one Powertools' update leaves (key, status COMPLETED, expiry, data, the
 *   in-progress expiry the lock wrote, the validation hash when enabled), so tables written by either read the same.
 *   Batching changes nothing about when a completion is durable: `_updateRecord` resolves only once its item is
 *   stored, and the partition loop processes the next record only after that (handler/partitions.ts), so a crash
 *   leaves at most one processed-but-not-completed record per partition, as before. What it costs: a completion may
 *   wait for the request ahead of it (at most `maxInFlight` are in flight); with one partition nothing is ahead and a
 *   completion is sent at once.
 * - The client resolves its middleware once per command type (`cacheMiddleware`) and, when no SDK logger is
 *   configured, skips the logger middleware, which filters every request and response for a log that goes nowhere.
 *
 * The in-progress lock stays Powertools' conditional `PutItem`, one per record, taken before the record is processed:
 * a conditional write cannot go in a `BatchWriteItem`.
 */
import { BatchWriteItemCommand, DynamoDBClient, type AttributeValue, type DynamoDBClientConfig, type WriteRequest } from "@aws-sdk/client-dynamodb";
import { DEFAULT_PARTITION_CONCURRENCY } from "../lib/handler-env";
import { marshall } from "@aws-sdk/util-dynamodb";
import { PERSISTENCE_ATTRIBUTE_KEY_MAPPINGS } from "@aws-lambda-powertools/idempotency";
import { DynamoDBPersistenceLayer } from "@aws-lambda-powertools/idempotency/dynamodb";
import type { IdempotencyRecord } from "@aws-lambda-powertools/idempotency/persistence";

/** "BatchWriteItem" (Amazon DynamoDB API Reference): at most 25 put or delete requests in one call. */
export const BATCH_WRITE_MAX_ITEMS = 25;
/** Attempts for a completion DynamoDB returns unprocessed (throttling), with exponential backoff between them. */
export const UNPROCESSED_ATTEMPTS = 4;
/**
 * Completion requests in flight at a time: the default partition concurrency (lib/handler-env.ts), so with the default
 * settings a completion never waits for a request ahead of it, and completions share a request only when more
 * partitions than that run at once. Measured on a quiet machine (README, "The consumer handler's throughput"): 2,000
 * records over 10 partitions at 5 ms per call, 739 records/s with 10 in flight against 483 with 2 (2 was the fastest
 * only while other processes held both cores: a shared request saves CPU, a wait costs a round trip).
 */
export const DEFAULT_COMPLETIONS_IN_FLIGHT = DEFAULT_PARTITION_CONCURRENCY;

export interface TableStoreOptions {
    tableName: string;
    keyAttr?: string;
    expiryAttr?: string;
    /** The client (its middleware and config as given); else one is made from `clientConfig`. */
    awsSdkV3Client?: DynamoDBClient;
    clientConfig?: DynamoDBClientConfig;
    /** Completion requests in flight at a time (default 2): completions queued behind them share the next request. */
    maxInFlight?: number;
}

interface Completion {
    key: string;
    item: Record<string, AttributeValue>;
    attempts: number;
    resolve(): void;
    reject(e: unknown): void;
}

/** A client for the store: middleware resolved once per command type, no logger middleware without a logger. */
export function storeClient(config: DynamoDBClientConfig = {}): DynamoDBClient {
    const client = new DynamoDBClient({ cacheMiddleware: true, ...config });
    if (!config.logger) client.middlewareStack.remove("loggerMiddleware");
    return client;
}

/** Powertools' DynamoDB store whose completions of concurrent records share `BatchWriteItem` requests. */
export class TableStore extends DynamoDBPersistenceLayer {
    private readonly db: DynamoDBClient;
    private readonly table: string;
    private readonly attrs: typeof PERSISTENCE_ATTRIBUTE_KEY_MAPPINGS & { key: string };
    private readonly maxInFlight: number;
    /** The in-progress expiry each lock of this store wrote, until the record's completion (or release) carries it. */
    private readonly lockExpiry = new Map<string, string>();
    private queue: Completion[] = [];
    private inFlight = 0;
    /** Requests this store sent for completions, and completions they carried (for the benchmark and tests). */
    readonly completionStats = { requests: 0, items: 0 };

    constructor(o: TableStoreOptions) {
        const db = o.awsSdkV3Client ?? storeClient(o.clientConfig);
        const attrs = {
            ...PERSISTENCE_ATTRIBUTE_KEY_MAPPINGS,
            key: o.keyAttr ?? "id",
            expiryAttr: o.expiryAttr ?? PERSISTENCE_ATTRIBUTE_KEY_MAPPINGS.expiryAttr,
        };
        super({ tableName: o.tableName, awsSdkV3Client: db, ...attrs, keyAttr: attrs.key });
        this.db = db;
        this.table = o.tableName;
        this.attrs = attrs;
        this.maxInFlight = Math.max(1, o.maxInFlight ?? DEFAULT_COMPLETIONS_IN_FLIGHT);
    }

    protected override async _putRecord(record: IdempotencyRecord): Promise<void> {
        await super._putRecord(record);
        if (record.inProgressExpiryTimestamp !== undefined) this.lockExpiry.set(record.idempotencyKey, String(record.inProgressExpiryTimestamp));
    }

    protected override async _deleteRecord(record: IdempotencyRecord): Promise<void> {
        this.lockExpiry.delete(record.idempotencyKey);
        await super._deleteRecord(record);
    }

    /** The completion: the item Powertools' `UpdateItem` would leave, written in the next shared request. */
    protected override _updateRecord(record: IdempotencyRecord): Promise<void> {
        const a = this.attrs;
        const item: Record<string, AttributeValue> = {
            ...this.getKey(record.idempotencyKey),
            ...marshall({ [a.expiryAttr]: record.expiryTimestamp, [a.statusAttr]: record.getStatus() }),
        };
        const lock = this.lockExpiry.get(record.idempotencyKey);
        if (lock !== undefined) item[a.inProgressExpiryAttr] = { N: lock };
        if (record.responseData !== undefined) Object.assign(item, marshall({ [a.dataAttr]: record.responseData }));
        if (this.isPayloadValidationEnabled()) Object.assign(item, marshall({ [a.validationKeyAttr]: record.payloadHash }));
        return new Promise<void>((resolve, reject) => {
            this.queue.push({ key: record.idempotencyKey, item, attempts: 0, resolve, reject });
            this.pump();
        }).finally(() => this.lockExpiry.delete(record.idempotencyKey));
    }

    /** Sends queued completions while fewer than `maxInFlight` requests are out, each with up to 25 distinct keys. */
    private pump(): void {
        while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
            const batch: Completion[] = [];
            const rest: Completion[] = [];
            const keys = new Set<string>();
            for (const c of this.queue) {
                if (batch.length < BATCH_WRITE_MAX_ITEMS && !keys.has(c.key)) {
                    keys.add(c.key);
                    batch.push(c);
                } else rest.push(c);
            }
            this.queue = rest;
            this.inFlight++;
            void this.send(batch).finally(() => {
                this.inFlight--;
                this.pump();
            });
        }
    }

    /** One `BatchWriteItem`; its unprocessed items go back to the queue after a backoff, up to UNPROCESSED_ATTEMPTS. */
    private async send(batch: Completion[]): Promise<void> {
        this.completionStats.requests++;
        this.completionStats.items += batch.length;
        let unprocessed: WriteRequest[];
        try {
            const out = await this.db.send(new BatchWriteItemCommand({ RequestItems: { [this.table]: batch.map((c) => ({ PutRequest: { Item: c.item } })) } }));
            unprocessed = out.UnprocessedItems?.[this.table] ?? [];
        } catch (e) {
            for (const c of batch) c.reject(e);
            return;
        }
        const left = new Set(unprocessed.map((w) => this.keyOf(w.PutRequest?.Item)));
        const again: Completion[] = [];
        for (const c of batch) {
            if (!left.has(c.key)) c.resolve();
            else if (++c.attempts >= UNPROCESSED_ATTEMPTS)
                c.reject(new Error(`DynamoDB left the completion unprocessed ${c.attempts} times (BatchWriteItem UnprocessedItems)`));
            else again.push(c);
        }
        if (again.length === 0) return;
        // "BatchWriteItem": retry unprocessed items with exponential backoff.
        const delay = 10 * 2 ** (again[0].attempts - 1);
        setTimeout(() => {
            this.queue.unshift(...again);
            this.pump();
        }, delay);
    }

    /** The idempotency key of a stored item (the table's hash key). */
    private keyOf(item: Record<string, AttributeValue> | undefined): string | undefined {
        return item?.[this.attrs.key]?.S;
    }
}
