/**
 * The consumer function. Lambda polls the topic and invokes this handler synchronously with a batch of records.
 *
 * Seed facts it follows:
 * - "Lambda event source mappings process each event at least once, and duplicate processing of records can occur":
 *   records are processed idempotently, keyed by topic/partition/offset.
 * - "If your function returns an error for any of the messages in a batch, Lambda retries the whole batch of
 *   messages until processing succeeds or the messages expire": any failure is thrown, never swallowed; records
 *   already done in this batch are skipped on the retry.
 */
import type { MSKEvent, MSKHandler } from "aws-lambda";
import { decodeEvent, type DecodedRecord } from "./decode";

/** Remembers processed record ids. Replace the in-memory default with a durable store (e.g. DynamoDB) in production. */
export interface IdempotencyStore {
    has(id: string): Promise<boolean>;
    add(id: string): Promise<void>;
}

/** Per-container memory of processed ids, bounded (oldest forgotten first). */
export class MemoryStore implements IdempotencyStore {
    private readonly ids = new Set<string>();
    constructor(private readonly limit = 100_000) {}
    async has(id: string) {
        return this.ids.has(id);
    }
    async add(id: string) {
        this.ids.add(id);
        if (this.ids.size > this.limit) this.ids.delete(this.ids.values().next().value!);
    }
}

export type RecordProcessor = (record: DecodedRecord) => Promise<void>;

/** The default processing: one structured log line per record, without its contents (which may be sensitive). */
export const logRecord: RecordProcessor = async (r) => {
    console.log(
        JSON.stringify({
            msg: "record",
            topic: r.topic,
            partition: r.partition,
            offset: r.offset,
            keyBytes: r.key?.length ?? 0,
            valueBytes: r.value?.length ?? 0,
            headers: r.headers.map((h) => h.key),
        }),
    );
};

export interface BatchResult {
    processed: number;
    skipped: number;
}

export function createHandler(process: RecordProcessor = logRecord, store: IdempotencyStore = new MemoryStore()) {
    return async (event: MSKEvent): Promise<BatchResult> => {
        const records = decodeEvent(event);
        let processed = 0;
        let skipped = 0;
        for (const record of records) {
            if (await store.has(record.id)) {
                skipped++;
                continue;
            }
            await process(record); // throws: Lambda retries the whole batch
            await store.add(record.id);
            processed++;
        }
        return { processed, skipped };
    };
}

const run = createHandler();
export const handler: MSKHandler = async (event) => {
    const result = await run(event);
    console.log(JSON.stringify({ msg: "batch", ...result }));
};
