/**
 * How one batch's records are run: partitions at the same time (at most `concurrency` of them), each partition's
 * records strictly one after another in offset order, as Kafka orders records only within a partition.
 *
 * Within a partition, a record's exactly-once guard costs two store calls, the in-progress lock before processing and
 * the completion after. The next record's lock is taken as soon as the current record is processed, while its
 * completion is being written; the next record is processed only once that completion is stored. So every record is
 * still locked before it is processed, processing stays strictly sequential, and no record is processed before its
 * predecessor's completion is durable; a partition's critical path is one store round trip per record instead of two.
 * What it costs: when a completion fails, the next record's lock was taken for nothing and is released (one more
 * store call), and that record is reported as not started.
 *
 * A failed record stops its partition: it and every later record of the partition are reported, so Lambda retries
 * from it whether it resumes from the lowest reported offset or retries exactly the reported records. Without
 * partial batch responses the first failure stops every partition from starting another record.
 */

/** A record's identity within the batch. */
export interface RecordId {
    topic: string;
    partition: number;
    offset: number;
}

/** What happened to one record. */
export type Outcome = { id: RecordId; status: "done" } | { id: RecordId; status: "failed"; error: unknown } | { id: RecordId; status: "skipped" };

/** Thrown by `ready` when the record must not be processed: its predecessor failed, or the batch stopped. */
export class PartitionStoppedError extends Error {
    constructor() {
        super("an earlier record of the partition failed, or the batch stopped");
        this.name = "PartitionStoppedError";
    }
}

/**
 * Runs one record: calls `ready` after taking the record's lock and before processing it (it waits for the previous
 * record's completion and throws PartitionStoppedError when the record must not be processed), `processed` as soon
 * as the processing has finished (before the completion is written); resolves when the whole run is over.
 */
export type RunRecord<R> = (record: R, ready: () => Promise<void>, processed: () => void) => Promise<unknown>;

/** The batch's records by topic-partition, each list in offset order, partitions in order of first appearance. */
export function byPartition<R extends RecordId>(records: readonly R[]): R[][] {
    const groups = new Map<string, R[]>();
    for (const r of records) {
        const key = `${r.topic}-${r.partition}`;
        let list = groups.get(key);
        if (!list) groups.set(key, (list = []));
        list.push(r);
    }
    // Lambda delivers a partition's records in offset order; sorting (stable, n log n) keeps that a guarantee. An
    // offset given twice is one record: it is run once (its second lock would find the first still in progress).
    return [...groups.values()].map((list) => list.sort((a, b) => a.offset - b.offset).filter((r, i, all) => i === 0 || r.offset !== all[i - 1].offset));
}

const settle = (p: Promise<unknown>): Promise<{ ok: true } | { ok: false; error: unknown }> =>
    p.then(
        () => ({ ok: true as const }),
        (error: unknown) => ({ ok: false as const, error }),
    );

/** One partition's records in order; stops at the first failure, or when `halted()` says the batch has failed. */
async function runPartition<R extends RecordId>(records: R[], run: RunRecord<R>, halted: () => boolean, onFailure: () => void): Promise<Outcome[]> {
    const out: Outcome[] = [];
    const idOf = (r: R): RecordId => ({ topic: r.topic, partition: r.partition, offset: r.offset });
    // The previous record, whose completion may still be being written.
    let pending: { record: R; done: ReturnType<typeof settle> } | undefined;
    let stopped = false;
    const finish = async (p: NonNullable<typeof pending>) => {
        const r = await p.done;
        if (!r.ok && r.error instanceof PartitionStoppedError) {
            out.push({ id: idOf(p.record), status: "skipped" });
            stopped = true;
            return;
        }
        out.push(r.ok ? { id: idOf(p.record), status: "done" } : { id: idOf(p.record), status: "failed", error: r.error });
        if (!r.ok) {
            stopped = true;
            onFailure();
        }
    };
    for (const record of records) {
        if (stopped || halted()) break;
        let wasProcessed = false;
        let processed!: () => void;
        const gate = new Promise<void>((resolve) => (processed = () => resolve(void (wasProcessed = true))));
        const previous = pending?.done;
        const ready = async () => {
            const r = await previous;
            if ((r && !r.ok) || halted()) throw new PartitionStoppedError();
        };
        const done = settle(run(record, ready, processed));
        // Wait for the record to be processed (its completion may go on), or for its run to end (a duplicate skipped,
        // the lock refused, the processing failed).
        await Promise.race([gate, done]);
        if (pending) await finish(pending);
        pending = { record, done };
        if (!wasProcessed) {
            // Not processed: its outcome decides whether the partition goes on, before the next record is locked.
            await finish(pending);
            pending = undefined;
        }
    }
    if (pending) await finish(pending);
    // A record after a failure that was not started: reported with the failure (it was not processed).
    for (const record of records.slice(out.length)) out.push({ id: idOf(record), status: "skipped" });
    return out;
}

/**
 * Runs every partition, at most `concurrency` at a time; returns each record's outcome, partitions in order of first
 * appearance and records in offset order (the same whatever the timing).
 */
export async function runBatch<R extends RecordId>(
    records: readonly R[],
    run: RunRecord<R>,
    options: { concurrency: number; stopBatchOnFailure: boolean },
): Promise<Outcome[]> {
    const partitions = byPartition(records);
    const results: Outcome[][] = new Array(partitions.length);
    let failed = false;
    const halted = () => failed && options.stopBatchOnFailure;
    let next = 0;
    const worker = async () => {
        while (next < partitions.length) {
            const i = next++;
            results[i] = await runPartition(partitions[i], run, halted, () => (failed = true));
        }
    };
    const workers = Math.max(1, Math.min(options.concurrency, partitions.length));
    await Promise.all(Array.from({ length: workers }, worker));
    return results.flat();
}
