/**
 * The consumer handler's throughput: one MSK event of N records over P partitions, processed by `createHandler` as
 * shipped, without a store (the floor: decoding and the loop) and with its DynamoDB store on a local dynalite
 * server in its own process whose every request is delayed by a modelled round trip to DynamoDB (5 ms by default).
 * Each run checks that every record was processed once and each partition in offset order.
 *
 * `npm run bench -- --handler-only [--records N] [--partitions P] [--latency MS] [--rounds R]`, or as part of
 * `npm run bench`. The store's runs alternate between the store as shipped (handler/store.ts) and Powertools' own
 * DynamoDB store (the handler before it), and each figure is the median of its rounds.
 * The figures are for one container: Lambda runs one invocation per container at a time.
 */
import * as fs from "fs";
import * as os from "os";
import type { MSKEvent } from "aws-lambda";
import { Logger } from "@aws-lambda-powertools/logger";
import { DynamoDBPersistenceLayer } from "@aws-lambda-powertools/idempotency/dynamodb";
import type { BasePersistenceLayer } from "@aws-lambda-powertools/idempotency/persistence";
import { createHandler, tableStore, type KafkaRecord } from "../handler/index";
import { TableStore } from "../handler/store";
import { DEFAULT_PARTITION_CONCURRENCY } from "../lib/handler-env";
import { createIdempotencyTable, localClientConfig, startDynaliteProcess, type LocalDynamo } from "../tests/helpers/dynalite";
import { startStubProcess } from "./dynamodb-stub";

export interface HandlerRun {
    records: number;
    partitions: number;
    latencyMs: number | null;
    partitionConcurrency: number;
    ms: number;
    recordsPerSecond: number;
    /** CPU time of this process (the handler, Powertools and the AWS SDK; not the server) per record, in ms. */
    cpuMsPerRecord: number;
    /** CPU time of the local server's process per record, in ms (Linux; 10 ms resolution over the run). */
    serverCpuMsPerRecord?: number;
    /** The machine's 1-minute load average when the run ended (2 cores: above 2, other work competes). */
    loadAverage: number;
    orderOk: boolean;
    /** The shipped store: completions per `BatchWriteItem` request, on average. */
    completionsPerRequest?: number;
}

/** One event of `n` records spread round-robin over `p` partitions of topic `orders`, offsets ascending. */
export function benchEvent(n: number, p: number): MSKEvent {
    const records: Record<string, object[]> = {};
    const value = Buffer.from(JSON.stringify({ id: "o-1", items: [{ sku: "a", quantity: 2 }], total: 12.5 })).toString("base64");
    for (let i = 0; i < n; i++) {
        const partition = i % p;
        (records[`orders-${partition}`] ??= []).push({
            topic: "orders",
            partition,
            offset: 1_000 + Math.floor(i / p),
            timestamp: 1_700_000_000_000,
            timestampType: "CREATE_TIME",
            key: Buffer.from(`order-${i}`).toString("base64"),
            value,
            headers: [],
        });
    }
    return {
        eventSource: "aws:kafka",
        eventSourceArn: "arn:aws:kafka:us-east-1:111122223333:cluster/bench/x",
        bootstrapServers: "b-1:9098",
        records,
    } as MSKEvent;
}

/** Every record seen once, and each partition's offsets strictly ascending in processing order. */
function inOrder(seen: KafkaRecord[], n: number): boolean {
    const last = new Map<number, number>();
    for (const r of seen) {
        if ((last.get(r.partition) ?? -1) >= r.offset) return false;
        last.set(r.partition, r.offset);
    }
    return seen.length === n;
}

/** CPU milliseconds the server's process has used (user + system, from /proc), when it runs in its own process. */
function serverCpuMs(store: LocalDynamo | undefined): number | undefined {
    if (!store?.pid) return undefined;
    try {
        const fields = fs.readFileSync(`/proc/${store.pid}/stat`, "utf8").split(") ")[1].split(" ");
        // utime and stime are the 14th and 15th fields of the line, in clock ticks (100 per second on Linux).
        return (Number(fields[11]) + Number(fields[12])) * 10;
    } catch {
        return undefined;
    }
}

/**
 * Which store a run uses: the handler's as shipped (`tableStore`: completions share requests, handler/store.ts), or
 * Powertools' DynamoDB store as the handler used it before (one `UpdateItem` per completion, the SDK's defaults).
 */
export type StoreKind = "shipped" | "powertools";
const stores: Record<StoreKind, (tableName: string, endpoint: string) => BasePersistenceLayer> = {
    shipped: (tableName, endpoint) => tableStore(tableName, localClientConfig(endpoint)),
    powertools: (tableName, endpoint) => new DynamoDBPersistenceLayer({ tableName, clientConfig: localClientConfig(endpoint) }),
};

let tables = 0;
/** Runs one event through a fresh handler (a new container), on a new table of `store` when given. */
export async function handlerRun(
    n: number,
    p: number,
    store: LocalDynamo | undefined,
    latencyMs: number | null,
    options: { partitionConcurrency?: number; kind?: StoreKind } = {},
): Promise<HandlerRun> {
    const { partitionConcurrency, kind = "shipped" } = options;
    const seen: KafkaRecord[] = [];
    let persistenceStore: BasePersistenceLayer | undefined;
    if (store) {
        const tableName = `bench-${process.pid}-${tables++}`;
        await createIdempotencyTable(store, tableName);
        persistenceStore = stores[kind](tableName, store.endpoint);
    }
    const handler = createHandler({
        reportBatchItemFailures: true,
        persistenceStore,
        partitionConcurrency,
        logger: new Logger({ logLevel: "ERROR" }),
        process: async (r) => void seen.push(r),
    });
    const event = benchEvent(n, p);
    const server0 = serverCpuMs(store);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const res = await handler(event, { getRemainingTimeInMillis: () => 900_000 } as never);
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const server1 = serverCpuMs(store);
    const orderOk = inOrder(seen, n) && res?.batchItemFailures.length === 0;
    return {
        records: n,
        partitions: p,
        latencyMs,
        partitionConcurrency: partitionConcurrency ?? DEFAULT_PARTITION_CONCURRENCY,
        ms: Math.round(ms),
        recordsPerSecond: Math.round((n / ms) * 1000),
        cpuMsPerRecord: Math.round(((cpu.user + cpu.system) / 1000 / n) * 100) / 100,
        serverCpuMsPerRecord: server0 === undefined || server1 === undefined ? undefined : Math.round(((server1 - server0) / n) * 100) / 100,
        loadAverage: Math.round(os.loadavg()[0] * 10) / 10,
        orderOk,
        completionsPerRequest:
            persistenceStore instanceof TableStore
                ? Math.round((persistenceStore.completionStats.items / Math.max(1, persistenceStore.completionStats.requests)) * 10) / 10
                : undefined,
    };
}

/** The run with the median records/s (the upper median of an even count). */
function median(runs: HandlerRun[]): HandlerRun {
    return [...runs].sort((x, y) => x.recordsPerSecond - y.recordsPerSecond)[Math.floor(runs.length / 2)];
}

export interface HandlerBenchOptions {
    records?: number;
    partitions?: number;
    latencyMs?: number;
    /** Rounds of the interleaved store runs (default 3); each figure is the median of its rounds. */
    rounds?: number;
}

/**
 * The handler's table: the floor, then, at `latencyMs` per store call, P partitions and one partition with the store as
 * shipped and with Powertools' store as the handler used it before, interleaved round by round on one server (so that
 * both meet the same load), each figure the median of its rounds; then both again against a stub that answers every
 * call as DynamoDB answers a successful one after the same latency (bench/dynamodb-stub.ts: the handler's own
 * throughput, without the local server's CPU on the same cores).
 */
export async function handlerBench(opts: HandlerBenchOptions = {}): Promise<Record<string, HandlerRun>> {
    const n = opts.records ?? 2000;
    const p = opts.partitions ?? 10;
    const latency = opts.latencyMs ?? 5;
    const rounds = Math.max(1, opts.rounds ?? 3);
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
    await handlerRun(200, 4, undefined, null); // warm up (JIT, module loading)
    const out: Record<string, HandlerRun> = { floor: await handlerRun(n, p, undefined, null) };
    const runs: Record<string, HandlerRun[]> = { store: [], before: [], storeOnePartition: [], beforeOnePartition: [], stub: [], stubBefore: [] };
    const dynalite = await startDynaliteProcess(latency);
    const stub = await startStubProcess(latency).catch(async (e: unknown) => {
        await dynalite.stop();
        throw e;
    });
    try {
        for (const kind of ["shipped", "powertools"] as const) {
            for (const server of [dynalite, stub]) await handlerRun(50, 2, server, latency, { kind }); // warm clients and servers
        }
        const one = Math.min(n, 500);
        for (let round = 0; round < rounds; round++) {
            runs.store.push(await handlerRun(n, p, dynalite, latency));
            runs.before.push(await handlerRun(n, p, dynalite, latency, { kind: "powertools" }));
            runs.storeOnePartition.push(await handlerRun(one, 1, dynalite, latency));
            runs.beforeOnePartition.push(await handlerRun(one, 1, dynalite, latency, { kind: "powertools" }));
            runs.stub.push(await handlerRun(n, p, stub, latency));
            runs.stubBefore.push(await handlerRun(n, p, stub, latency, { kind: "powertools" }));
        }
    } finally {
        await Promise.all([dynalite.stop(), stub.stop()]);
    }
    for (const [name, list] of Object.entries(runs)) out[name] = median(list);
    return out;
}

export function handlerRows(h: Record<string, HandlerRun>): string[][] {
    const row = (label: string, r: HandlerRun) => [
        label,
        `${r.recordsPerSecond} records/s`,
        `${r.records} records over ${r.partitions} partition(s) in ${r.ms} ms${r.latencyMs === null ? ", no store" : `, store at ${r.latencyMs} ms per call`}; handler CPU ${r.cpuMsPerRecord} ms/record${r.serverCpuMsPerRecord === undefined ? "" : `, server CPU ${r.serverCpuMsPerRecord} ms/record`}${r.completionsPerRequest === undefined ? "" : `, ${r.completionsPerRequest} completions per request`}; load average ${r.loadAverage}; order per partition ${r.orderOk ? "ok" : "BROKEN"}`,
    ];
    return [
        row("handler, no store (floor)", h.floor),
        row("handler, DynamoDB store (median)", h.store),
        row("handler, Powertools' store as before, same rounds (median)", h.before),
        row("handler, DynamoDB store, one partition (median)", h.storeOnePartition),
        row("handler, Powertools' store as before, one partition (median)", h.beforeOnePartition),
        row("handler, DynamoDB store, answered by a stub (no server CPU; median)", h.stub),
        row("handler, Powertools' store as before, answered by the stub (median)", h.stubBefore),
    ];
}

/** `--records N --partitions P --latency MS --rounds R` from the command line. */
export function handlerArgs(argv = process.argv): HandlerBenchOptions {
    const arg = (name: string) => {
        const i = argv.indexOf(`--${name}`);
        return i > 0 ? Number(argv[i + 1]) : undefined;
    };
    return { records: arg("records"), partitions: arg("partitions"), latencyMs: arg("latency"), rounds: arg("rounds") };
}

/** Only the handler's table and figures (`npm run bench -- --handler-only`). */
export async function handlerMain(): Promise<void> {
    const h = await handlerBench(handlerArgs());
    console.log("| measure | figure | detail |\n| --- | --- | --- |");
    for (const r of handlerRows(h)) console.log(`| ${r.join(" | ")} |`);
    console.log(JSON.stringify({ handler: h }));
}
