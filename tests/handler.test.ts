import * as assert from "assert";
import Module from "module";
import * as path from "path";
import { Logger } from "@aws-lambda-powertools/logger";
import type { MSKEvent } from "aws-lambda";
import { bundle } from "../components/bundle";
import { createHandler, type HandlerOptions, type KafkaRecord } from "../handler/index";
import { memoryTable, type MemoryTable } from "./helpers/dynamodb";

/** The example event from the seed page "Using Lambda with Amazon MSK", as printed there. */
const SEED_EVENT_TEXT = `{ "eventSource":"aws:kafka", "eventSourceArn":"arn:aws:kafka:us-east-1:123456789012:cluster/vpc-2priv-2pub/751d2973-a626-431c-9d4e-d7975eb44dd7-2", "bootstrapServers":"b-2.demo-cluster-1.a1bcde.c1.kafka.us-east-1.amazonaws.com:9092,b-1.demo-cluster-1.a1bcde.c1.kafka.us-east-1.amazonaws.com:9092", "records":{ "mytopic-0":[ { "topic":"mytopic", "partition":0, "offset":15, "timestamp":1545084650987, "timestampType":"CREATE_TIME", "key":"abcDEFghiJKLmnoPQRstuVWXyz1234==", "value":"SGVsbG8sIHRoaXMgaXMgYSB0ZXN0Lg==", "headers":[ { "headerKey":[ 104, 101, 97, 100, 101, 114, 86, 97, 108, 117, 101 ] } ] } ] } }`;

const seedEvent = (): MSKEvent => JSON.parse(SEED_EVENT_TEXT);
const b64 = (text: string | Buffer) => Buffer.from(text).toString("base64");

function event(...records: object[]): MSKEvent {
    const groups: Record<string, object[]> = {};
    for (const r of records as { topic: string; partition: number }[]) (groups[`${r.topic}-${r.partition}`] ??= []).push(r);
    return { ...seedEvent(), records: groups } as MSKEvent;
}

/** A record as Lambda delivers it: base64 key and value, header values as byte arrays. */
function record(partition: number, offset: number, value: unknown, extra: object = {}) {
    return {
        topic: "orders",
        partition,
        offset,
        timestamp: 1_700_000_000_000,
        timestampType: "CREATE_TIME",
        key: b64(`order-${offset}`),
        value: b64(typeof value === "string" ? value : JSON.stringify(value)),
        headers: [{ "content-type": [...Buffer.from("application/json")] }],
        ...extra,
    };
}

/** Captures what the handler logs (Powertools writes to the global console in dev mode). */
function captureLogs(): { lines: string[]; restore(): void } {
    const lines: string[] = [];
    const saved = { info: console.info, error: console.error, warn: console.warn, log: console.log, debug: console.debug };
    for (const k of Object.keys(saved) as (keyof typeof saved)[]) console[k] = (...a: unknown[]) => void lines.push(a.map(String).join(" "));
    return { lines, restore: () => Object.assign(console, saved) };
}

describe("consumer handler (Powertools)", () => {
    let logs: ReturnType<typeof captureLogs>;
    let table: MemoryTable;
    const saved = { ...process.env };
    beforeEach(() => {
        process.env.POWERTOOLS_DEV = "true";
        // The AWS SDK's one-time notice about Node 20 (this machine's version) is not the handler's output.
        process.env.AWS_SDK_JS_SUPPRESS_NODE_VERSION_WARNING = "1";
        process.env.AWS_LAMBDA_FUNCTION_NAME = "msk-lambda-dev-orders";
        process.env.AWS_REGION = "us-east-1";
        process.env.AWS_ACCESS_KEY_ID = "test";
        process.env.AWS_SECRET_ACCESS_KEY = "test";
        table = memoryTable();
        logs = captureLogs();
    });
    afterEach(() => {
        logs.restore();
        table.restore();
        process.env = { ...saved };
    });

    /** A handler invoked as Lambda invokes it, with a context (Powertools reads the remaining time from it). */
    const withContext = (options: HandlerOptions) => {
        const h = createHandler(options);
        return (e: MSKEvent) => h(e, { getRemainingTimeInMillis: () => 60_000 } as never);
    };

    /** A handler with the stack's defaults: JSON values, string keys, the DynamoDB store, partial batch responses. */
    function handler(seen: KafkaRecord[], options: HandlerOptions = {}) {
        process.env.IDEMPOTENCY_TABLE = "msk-lambda-dev-orders-idempotency";
        return withContext({
            reportBatchItemFailures: true,
            logger: new Logger({ serviceName: "msk-lambda-dev-orders" }),
            process: async (r) => {
                if ((r.value as { poison?: boolean })?.poison) throw new Error(`cannot process ${JSON.stringify(r.value)}`);
                seen.push(r);
            },
            ...options,
        });
    }

    it("decodes the seed's example event: base64 key and value, header bytes, record identity", async () => {
        const seen: KafkaRecord[] = [];
        const res = await handler(seen, { valueFormat: "STRING" })(seedEvent());
        assert.deepStrictEqual(res, { batchItemFailures: [] });
        assert.strictEqual(seen.length, 1);
        const r = seen[0];
        assert.deepStrictEqual([r.topic, r.partition, r.offset, r.timestamp], ["mytopic", 0, 15, 1545084650987]);
        assert.strictEqual(r.value, "Hello, this is a test.");
        assert.deepStrictEqual(r.headers, [{ headerKey: "headerValue" }]);
        assert.strictEqual(typeof r.key, "string");
    });

    it("decodes each record format: JSON, a schema registry's JSON, text, and source bytes", async () => {
        const order = { id: "o-1", items: [{ sku: "a", quantity: 2 }], total: 12.5 };
        const seen: KafkaRecord[] = [];
        // A plain JSON record, and the record Lambda delivers from a schema registry with eventRecordFormat JSON: the
        // Avro payload already turned into JSON, the schema's id in valueSchemaMetadata.
        await handler(seen)(
            event(record(0, 1, order), record(0, 2, order, { valueSchemaMetadata: { dataFormat: "AVRO", schemaId: "a9e4f1c2-0000-4000-8000-000000000001" } })),
        );
        assert.deepStrictEqual(seen[0].value, order);
        assert.deepStrictEqual(seen[1].value, seen[0].value, "a JSON record and a schema-registry record decode to the same object");
        assert.deepStrictEqual(seen[1].valueSchema, { dataFormat: "AVRO", schemaId: "a9e4f1c2-0000-4000-8000-000000000001" });
        assert.strictEqual(seen[0].valueSchema, undefined);
        assert.strictEqual(seen[0].key, "order-1");

        // eventRecordFormat SOURCE: the bytes as produced (schema metadata removed), for the processor's own schema.
        const bytes = Buffer.from([0x02, 0x06, 0x6f, 0x2d, 0x31, 0xff]);
        const source: KafkaRecord[] = [];
        await handler(source, { valueFormat: "SOURCE" })(event({ ...record(1, 9, ""), value: b64(bytes) }));
        assert.ok(Buffer.isBuffer(source[0].value));
        assert.deepStrictEqual([...(source[0].value as Buffer)], [...bytes]);

        // A record without a key, and a JSON key when the registry validates keys.
        const keyed: KafkaRecord[] = [];
        await handler(keyed, { keyFormat: "JSON" })(
            event({ ...record(0, 3, order), key: b64(JSON.stringify({ tenant: "t1" })) }, { ...record(0, 4, order), key: null }),
        );
        assert.deepStrictEqual(keyed[0].key, { tenant: "t1" });
        assert.strictEqual(keyed[1].key, null);
    });

    it("reports a poison record by topic-partition and offset, and processes the rest of the batch", async () => {
        const seen: KafkaRecord[] = [];
        const res = await handler(seen)(event(record(0, 10, { n: 1 }), record(0, 11, { poison: true }), record(0, 12, { n: 3 }), record(1, 4, { n: 4 })));
        // Configuring error handling controls for Kafka event sources: { partition: "<topic>-<partition>", offset }.
        assert.deepStrictEqual(res, { batchItemFailures: [{ itemIdentifier: { partition: "orders-0", offset: 11 } }] });
        assert.deepStrictEqual(
            seen.map((r) => `${r.partition}/${r.offset}`),
            ["0/10", "0/12", "1/4"],
        );
        const failure = logs.lines
            .filter((l) => l.startsWith("{"))
            .map((l) => JSON.parse(l))
            .find((l) => l.message === "record failed");
        assert.deepStrictEqual([failure.topic, failure.partition, failure.offset, failure.level], ["orders", 0, 11, "ERROR"]);
        assert.ok(!logs.lines.some((l) => l.includes("poison")), "the record's contents are not logged");
    });

    it("fails a value that is not the JSON its format promises, without logging its contents", async () => {
        const seen: KafkaRecord[] = [];
        const res = await handler(seen)(event(record(0, 1, "card=4111111111111111; not json"), record(0, 2, { ok: true })));
        assert.deepStrictEqual(res, { batchItemFailures: [{ itemIdentifier: { partition: "orders-0", offset: 1 } }] });
        assert.deepStrictEqual(
            seen.map((r) => r.offset),
            [2],
        );
        const text = logs.lines.join("\n");
        assert.ok(!text.includes("4111") && !text.includes(b64("card=4111111111111111; not json").slice(0, 12)), text);
        assert.match(text, /UndecodableRecordError/);
    });

    it("does not process a redelivered batch twice, across containers (the DynamoDB store)", async () => {
        const seen: KafkaRecord[] = [];
        const batch = event(record(0, 1, { n: 1 }), record(0, 2, { n: 2 }));
        assert.deepStrictEqual(await handler(seen)(batch), { batchItemFailures: [] });
        // Per record: a conditional put (in progress), then an update (completed).
        assert.deepStrictEqual(table.calls, ["PutItem", "UpdateItem", "PutItem", "UpdateItem"]);
        // A new container: a new handler, nothing in memory; only the table remembers.
        assert.deepStrictEqual(await handler(seen)(batch), { batchItemFailures: [] });
        // A redelivered record costs one refused put (the refusal returns the stored record).
        assert.deepStrictEqual(table.calls.slice(4), ["PutItem", "PutItem"]);
        assert.deepStrictEqual(
            seen.map((r) => r.offset),
            [1, 2],
        );
        assert.strictEqual(table.items.size, 2, "one item per topic/partition/offset");
        for (const item of table.items.values()) assert.strictEqual(item.status.S, "COMPLETED");
        assert.ok(!table.calls.includes("DeleteItem"));
    });

    it("keys idempotency on topic/partition/offset, not contents: equal values at two offsets are both processed", async () => {
        const seen: KafkaRecord[] = [];
        await handler(seen)(event(record(0, 1, { same: true }), record(0, 2, { same: true })));
        assert.strictEqual(seen.length, 2);
    });

    it("retries a failed record: the store forgets it, so the retry processes it; done records are skipped", async () => {
        let fail = true;
        const seen: number[] = [];
        const make = () =>
            handler([], {
                process: async (r) => {
                    if (r.offset === 2 && fail) throw new Error("downstream unavailable");
                    seen.push(r.offset);
                },
            });
        const batch = event(record(0, 1, {}), record(0, 2, {}), record(0, 3, {}));
        assert.deepStrictEqual(await make()(batch), { batchItemFailures: [{ itemIdentifier: { partition: "orders-0", offset: 2 } }] });
        // The failed record's in-progress entry is deleted, so its retry is not taken for a duplicate.
        assert.deepStrictEqual(
            table.calls.filter((c) => c === "DeleteItem"),
            ["DeleteItem"],
        );
        fail = false;
        assert.deepStrictEqual(await make()(batch), { batchItemFailures: [] });
        assert.deepStrictEqual(seen, [1, 3, 2]);
    });

    it("without partial batch responses, throws on the first failure so Lambda retries the whole batch", async () => {
        let fail = true;
        const seen: number[] = [];
        const make = () =>
            handler([], {
                reportBatchItemFailures: false,
                process: async (r) => {
                    if (r.offset === 2 && fail) throw new Error("downstream unavailable");
                    seen.push(r.offset);
                },
            });
        const batch = event(record(0, 1, {}), record(0, 2, {}), record(0, 3, {}));
        await assert.rejects(make()(batch), /record orders-0@2 failed/);
        assert.deepStrictEqual(seen, [1]);
        fail = false;
        assert.strictEqual(await make()(batch), undefined);
        assert.deepStrictEqual(seen, [1, 2, 3], "offset 1 is not processed again");
    });

    it("runs without a store when idempotency is disabled (no IDEMPOTENCY_TABLE)", async () => {
        const seen: number[] = [];
        const h = withContext({ reportBatchItemFailures: true, process: async (r) => void seen.push(r.offset) });
        const batch = event(record(0, 1, {}));
        await h(batch);
        await h(batch);
        assert.deepStrictEqual(seen, [1, 1]);
        assert.deepStrictEqual(table.calls, []);
    });

    it("refuses an event that is not an MSK event", async () => {
        await assert.rejects(withContext({})({ records: [] } as unknown as MSKEvent), /not a valid MSKEvent/);
    });

    it("bundles into one CommonJS file (AWS SDK left to the runtime) that runs a batch with the stack's environment", async () => {
        const { code } = bundle();
        assert.ok(!/DynamoDBClient\s*=\s*class/.test(code), "the AWS SDK is not bundled");
        Object.assign(process.env, {
            KAFKA_VALUE_FORMAT: "JSON",
            KAFKA_KEY_FORMAT: "STRING",
            REPORT_BATCH_ITEM_FAILURES: "true",
            IDEMPOTENCY_TABLE: "msk-lambda-dev-orders-idempotency",
            IDEMPOTENCY_EXPIRES_AFTER_SECONDS: "3600",
        });
        // Loaded as Lambda loads index.js, resolving @aws-sdk/* from node_modules as the runtime provides it.
        const file = path.join(__dirname, "..", "index.js");
        const mod = new Module(file) as Module & { _compile(code: string, file: string): void; paths: string[] };
        mod.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(path.dirname(file));
        mod.filename = file;
        mod._compile(code, file);
        const res = await (mod.exports as { handler: (e: MSKEvent, c: object) => Promise<unknown> }).handler(event(record(0, 7, { n: 1 })), {
            getRemainingTimeInMillis: () => 60_000,
        });
        assert.deepStrictEqual(res, { batchItemFailures: [] });
        assert.strictEqual(table.items.size, 1);
        const expiry = Number([...table.items.values()][0].expiration.N);
        assert.ok(Math.abs(expiry - (Date.now() / 1000 + 3600)) < 60, "the TTL attribute is set from IDEMPOTENCY_EXPIRES_AFTER_SECONDS");
    });
});
