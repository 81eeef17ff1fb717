import * as assert from "assert";
import Module from "module";
import * as path from "path";
import { Logger } from "@aws-lambda-powertools/logger";
import { DynamoDBPersistenceLayer } from "@aws-lambda-powertools/idempotency/dynamodb";
import { ConditionalCheckFailedException, DynamoDBClient, PutItemCommand, type BatchWriteItemCommandInput } from "@aws-sdk/client-dynamodb";
import type { MSKEvent } from "aws-lambda";
import { bundle } from "../components/bundle";
import { createHandler, type HandlerOptions, type KafkaRecord } from "../handler/index";
import { TableStore, UNPROCESSED_ATTEMPTS } from "../handler/store";
import { HANDLER_ENV, IDEMPOTENCY_TABLE_SCHEMA, PARTITION_CONCURRENCY_RANGE } from "../lib/handler-env";
import { createIdempotencyTable, localClientConfig, returnOldItemOnConditionFailure, startDynalite, tableItems, type LocalDynamo } from "./helpers/dynalite";
import { runStack } from "./helpers/stack";

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

const jsonLines = (lines: string[]) => lines.filter((l) => l.startsWith("{")).map((l) => JSON.parse(l));
const byPartition = (seen: KafkaRecord[]) => {
    const out: Record<number, number[]> = {};
    for (const r of seen) (out[r.partition] ??= []).push(r.offset);
    return out;
};
/** A promise and its resolver. */
function deferred<T = void>(): { promise: Promise<T>; resolve: (v: T) => void } {
    let resolve!: (v: T) => void;
    const promise = new Promise<T>((r) => (resolve = r));
    return { promise, resolve };
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** The handler's store as shipped (handler/store.ts), and Powertools' own DynamoDB store, which it replaces. */
const STORE_KINDS = ["shipped", "powertools"] as const;
type StoreKind = (typeof STORE_KINDS)[number];
const COMPLETION_COMMAND: Record<StoreKind, string> = { shipped: "BatchWriteItemCommand", powertools: "UpdateItemCommand" };
function storeOf(kind: StoreKind, tableName: string, client: DynamoDBClient) {
    return kind === "shipped" ? new TableStore({ tableName, awsSdkV3Client: client }) : new DynamoDBPersistenceLayer({ tableName, awsSdkV3Client: client });
}
/** How many records' completions one request carries (a BatchWriteItem's puts, else one). */
const completionsIn = (input: unknown) => Object.values((input as BatchWriteItemCommandInput).RequestItems ?? { one: [0] }).reduce((n, l) => n + l.length, 0);
/** The item of one record (Powertools hashes the key; the tests find an item by what they know of the table). */
const statuses = (items: Map<string, Record<string, any>>) => [...items.values()].map((i) => i.status).sort();

// The handler's Powertools DynamoDB store runs against dynalite (tests/helpers/dynalite.ts says how it differs from
// DynamoDB), one server for this file, a table per test created from the stack's key schema.
describe("consumer handler (Powertools)", function () {
    let dynamo: LocalDynamo;
    let tableName: string;
    let tables = 0;
    let logs: ReturnType<typeof captureLogs>;
    const saved = { ...process.env };
    before(async () => {
        // The AWS SDK's one-time notice about Node 20 (this machine's version) is not the handler's output.
        process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
        dynamo = await startDynalite();
    });
    after(async () => {
        await dynamo.stop();
    });
    beforeEach(async () => {
        process.env.POWERTOOLS_DEV = "true";
        process.env.AWS_LAMBDA_FUNCTION_NAME = "msk-lambda-dev-orders";
        process.env.AWS_REGION = "us-east-1";
        process.env.AWS_ACCESS_KEY_ID = "test";
        process.env.AWS_SECRET_ACCESS_KEY = "test";
        // Every DynamoDB client the handler makes (its default store) talks to the local server.
        process.env.AWS_ENDPOINT_URL_DYNAMODB = dynamo.endpoint;
        tableName = `msk-lambda-dev-orders-idempotency-${++tables}`;
        await createIdempotencyTable(dynamo, tableName);
        logs = captureLogs();
    });
    afterEach(() => {
        logs.restore();
        process.env = { ...saved };
    });
    const items = () => tableItems(dynamo, tableName);

    /** A handler invoked as Lambda invokes it, with a context (Powertools reads the remaining time from it). */
    const withContext = (options: HandlerOptions, remainingMs = 60_000) => {
        const h = createHandler(options);
        return (e: MSKEvent) => h(e, { getRemainingTimeInMillis: () => remainingMs } as never);
    };

    /** A handler with the stack's defaults: JSON values, string keys, the DynamoDB store, partial batch responses. */
    function handler(seen: KafkaRecord[], options: HandlerOptions = {}, remainingMs?: number) {
        process.env[HANDLER_ENV.idempotencyTable] = tableName;
        return withContext(
            {
                reportBatchItemFailures: true,
                logger: new Logger({ serviceName: "msk-lambda-dev-orders" }),
                process: async (r) => {
                    if ((r.value as { poison?: boolean })?.poison) throw new Error(`cannot process ${JSON.stringify(r.value)}`);
                    seen.push(r);
                },
                ...options,
            },
            remainingMs,
        );
    }

    describe("decoding and failures", () => {
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
            // A plain JSON record, and the record Lambda delivers from a schema registry with eventRecordFormat JSON:
            // the Avro payload already turned into JSON, the schema's id in valueSchemaMetadata.
            await handler(seen)(
                event(
                    record(0, 1, order),
                    record(0, 2, order, { valueSchemaMetadata: { dataFormat: "AVRO", schemaId: "a9e4f1c2-0000-4000-8000-000000000001" } }),
                ),
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

        it("reports a poison record by topic-partition and offset, stops its partition there, and processes the other partitions", async () => {
            const seen: KafkaRecord[] = [];
            const res = await handler(seen)(event(record(0, 10, { n: 1 }), record(0, 11, { poison: true }), record(0, 12, { n: 3 }), record(1, 4, { n: 4 })));
            // Configuring error handling controls for Kafka event sources: { partition: "<topic>-<partition>", offset }.
            // Offset 12 was not started (Kafka orders a partition's records): it is reported with the failure.
            assert.deepStrictEqual(res, {
                batchItemFailures: [{ itemIdentifier: { partition: "orders-0", offset: 11 } }, { itemIdentifier: { partition: "orders-0", offset: 12 } }],
            });
            assert.deepStrictEqual(byPartition(seen), { 0: [10], 1: [4] });
            const lines = jsonLines(logs.lines);
            const failed = lines.filter((l) => l.message === "record failed");
            assert.deepStrictEqual(
                failed.map((l) => [l.topic, l.partition, l.offset, l.level]),
                [["orders", 0, 11, "ERROR"]],
            );
            const batch = lines.find((l) => l.message === "batch");
            assert.deepStrictEqual([batch.records, batch.processed, batch.failed, batch.notStarted], [4, 2, 1, 1]);
            assert.ok(!logs.lines.some((l) => l.includes("poison")), "the record's contents are not logged");
        });

        it("fails a value that is not the JSON its format promises, without logging its contents", async () => {
            const seen: KafkaRecord[] = [];
            const res = await handler(seen)(event(record(0, 1, "card=4111111111111111; not json"), record(1, 2, { ok: true })));
            assert.deepStrictEqual(res, { batchItemFailures: [{ itemIdentifier: { partition: "orders-0", offset: 1 } }] });
            assert.deepStrictEqual(
                seen.map((r) => r.offset),
                [2],
            );
            const text = logs.lines.join("\n");
            assert.ok(!text.includes("4111") && !text.includes(b64("card=4111111111111111; not json").slice(0, 12)), text);
            assert.match(text, /UndecodableRecordError/);
        });

        it("processes a record given twice in one batch once, and its partition in offset order whatever the event's order", async () => {
            const seen: KafkaRecord[] = [];
            const res = await handler(seen)(event(record(0, 3, {}), record(0, 1, {}), record(0, 3, {}), record(0, 2, {})));
            assert.deepStrictEqual(res, { batchItemFailures: [] });
            assert.deepStrictEqual(byPartition(seen), { 0: [1, 2, 3] });
            assert.strictEqual((await items()).size, 3);
        });

        it("keys idempotency on topic/partition/offset, not contents: equal values at two offsets are both processed", async () => {
            const seen: KafkaRecord[] = [];
            await handler(seen)(event(record(0, 1, { same: true }), record(0, 2, { same: true })));
            assert.strictEqual(seen.length, 2);
            assert.strictEqual((await items()).size, 2);
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
            assert.strictEqual((await items()).size, 0);
        });

        it("refuses an event that is not an MSK event", async () => {
            await assert.rejects(withContext({})({ records: [] } as unknown as MSKEvent), /not a valid MSKEvent/);
        });
    });

    describe("exactly once, against a DynamoDB server (dynalite)", () => {
        it("does not process a batch redelivered to a new container twice", async () => {
            const seen: KafkaRecord[] = [];
            const batch = event(record(0, 1, { n: 1 }), record(0, 2, { n: 2 }), record(1, 7, { n: 3 }));
            assert.deepStrictEqual(await handler(seen)(batch), { batchItemFailures: [] });
            const first = await items();
            assert.deepStrictEqual(statuses(first), ["COMPLETED", "COMPLETED", "COMPLETED"], "one completed entry per topic/partition/offset");
            // A new container: a new handler, nothing in memory; only the table remembers.
            assert.deepStrictEqual(await handler(seen)(batch), { batchItemFailures: [] });
            assert.deepStrictEqual(byPartition(seen), { 0: [1, 2], 1: [7] });
            assert.deepStrictEqual(await items(), first, "the redelivery changed nothing in the table");
        });

        it("two containers handed the same record at once: one processes it, the other reports it in progress, then skips it", async () => {
            const seen: KafkaRecord[] = [];
            const started = deferred();
            const release = deferred();
            const batch = event(record(0, 5, { n: 1 }));
            const a = handler(seen, {
                process: async (r) => {
                    started.resolve();
                    await release.promise;
                    seen.push(r);
                },
            })(batch);
            await started.promise;
            assert.deepStrictEqual(statuses(await items()), ["INPROGRESS"]);
            const b = handler(seen);
            assert.deepStrictEqual(await b(batch), { batchItemFailures: [{ itemIdentifier: { partition: "orders-0", offset: 5 } }] });
            assert.ok(jsonLines(logs.lines).some((l) => l.message === "record failed" && l.error === "IdempotencyAlreadyInProgressError"));
            release.resolve();
            assert.deepStrictEqual(await a, { batchItemFailures: [] });
            assert.deepStrictEqual(statuses(await items()), ["COMPLETED"]);
            // Lambda retries the record on the second container: done, so skipped.
            assert.deepStrictEqual(await b(batch), { batchItemFailures: [] });
            assert.strictEqual(seen.length, 1, "processed exactly once");
        });

        it("a container that died mid-record does not block it for ever: after its in-progress expiry the next delivery processes it", async () => {
            const seen: KafkaRecord[] = [];
            const started = deferred();
            const batch = event(record(0, 5, { n: 1 }), record(0, 6, { n: 2 }));
            // The first container takes the lock with 50 ms left, then never returns (killed at its timeout).
            void handler([], { process: () => (started.resolve(), new Promise<void>(() => undefined)) }, 50)(batch);
            await started.promise;
            const [dead] = [...(await items()).values()];
            assert.strictEqual(dead.status, "INPROGRESS");
            await sleep(Math.max(0, dead.in_progress_expiration - Date.now()) + 5);
            assert.deepStrictEqual(await handler(seen)(batch), { batchItemFailures: [] });
            assert.deepStrictEqual(byPartition(seen), { 0: [5, 6] });
            assert.deepStrictEqual(statuses(await items()), ["COMPLETED", "COMPLETED"]);
        });

        it("forgets a failed record so its retry runs, and skips what was done", async () => {
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
            assert.deepStrictEqual(await make()(batch), {
                batchItemFailures: [{ itemIdentifier: { partition: "orders-0", offset: 2 } }, { itemIdentifier: { partition: "orders-0", offset: 3 } }],
            });
            // Only offset 1's entry: the failed record's in-progress entry was deleted, offset 3 was not started.
            assert.deepStrictEqual(statuses(await items()), ["COMPLETED"]);
            fail = false;
            assert.deepStrictEqual(await make()(batch), { batchItemFailures: [] });
            assert.deepStrictEqual(seen, [1, 2, 3]);
            assert.deepStrictEqual(statuses(await items()), ["COMPLETED", "COMPLETED", "COMPLETED"]);
        });

        it("with the store unreachable, reports the records as failed, processes nothing without the guard, and logs no contents", async () => {
            const gone = await startDynalite();
            await createIdempotencyTable(gone, tableName);
            await gone.stop();
            process.env.AWS_ENDPOINT_URL_DYNAMODB = gone.endpoint;
            process.env.AWS_MAX_ATTEMPTS = "2";
            const seen: KafkaRecord[] = [];
            const secretValue = { card: "4111111111111111" };
            const res = await handler(seen)(event(record(0, 1, secretValue), record(0, 2, secretValue), record(3, 9, secretValue)));
            assert.deepStrictEqual(
                res?.batchItemFailures.map((f) => `${f.itemIdentifier.partition}@${f.itemIdentifier.offset}`),
                ["orders-0@1", "orders-0@2", "orders-3@9"],
            );
            assert.deepStrictEqual(seen, []);
            const failed = jsonLines(logs.lines).filter((l) => l.message === "record failed");
            assert.deepStrictEqual(
                failed.map((l) => [l.partition, l.offset, l.error]),
                [
                    [0, 1, "IdempotencyPersistenceLayerError"],
                    [3, 9, "IdempotencyPersistenceLayerError"],
                ],
            );
            const text = logs.lines.join("\n");
            assert.ok(!text.includes("4111") && !text.includes(b64(JSON.stringify(secretValue)).slice(0, 12)) && !text.includes("order-1"), text);
        });

        it("dynalite omits the old item from a refused conditional put, so these tests run Powertools' fallback read", async () => {
            const put = new PutItemCommand({
                TableName: tableName,
                Item: { [IDEMPOTENCY_TABLE_SCHEMA.hashKey]: { S: "k" } },
                ConditionExpression: "attribute_not_exists(#id)",
                ExpressionAttributeNames: { "#id": IDEMPOTENCY_TABLE_SCHEMA.hashKey },
                ReturnValuesOnConditionCheckFailure: "ALL_OLD",
            });
            await dynamo.client.send(put);
            const refusal = await dynamo.client.send(put).then(
                () => undefined,
                (e: unknown) => e,
            );
            assert.ok(refusal instanceof ConditionalCheckFailedException);
            assert.strictEqual(refusal.Item, undefined, "if dynalite returns the item now, the helper's emulation can go");
        });

        it("on the path DynamoDB takes (the refusal carries the stored entry, no read), duplicates and in-progress records are still caught", async () => {
            const client = new DynamoDBClient(localClientConfig(dynamo.endpoint));
            const dynamoLike = returnOldItemOnConditionFailure(client);
            const store = () => new DynamoDBPersistenceLayer({ tableName, awsSdkV3Client: client });
            const seen: KafkaRecord[] = [];
            const batch = event(record(0, 1, {}), record(1, 2, {}));
            assert.deepStrictEqual(await handler(seen, { persistenceStore: store() })(batch), { batchItemFailures: [] });
            assert.deepStrictEqual(await handler(seen, { persistenceStore: store() })(batch), { batchItemFailures: [] });
            assert.strictEqual(seen.length, 2);
            assert.strictEqual(dynamoLike.added, 2, "both refusals carried the stored entry");
            // An in-progress entry, seen through the refusal's item.
            const started = deferred();
            const release = deferred();
            const one = event(record(0, 3, {}));
            const a = handler(seen, { persistenceStore: store(), process: async () => (started.resolve(), release.promise) })(one);
            await started.promise;
            assert.deepStrictEqual(await handler(seen, { persistenceStore: store() })(one), {
                batchItemFailures: [{ itemIdentifier: { partition: "orders-0", offset: 3 } }],
            });
            assert.strictEqual(dynamoLike.added, 3);
            release.resolve();
            await a;
            assert.deepStrictEqual(statuses(await items()), ["COMPLETED", "COMPLETED", "COMPLETED"]);
            client.destroy();
        });

        it("the bundle, with the stack's environment and table, writes entries that expire after the stack's expiresAfterSeconds", async () => {
            const r = await runStack({ consumers: [{ name: "orders", topic: "orders", idempotency: { expiresAfterSeconds: 3600 } }] });
            const fn = r.one("aws:lambda/function:Function").inputs;
            const table = r.one("aws:dynamodb/table:Table").inputs;
            assert.deepStrictEqual(
                [fn.environment.variables[HANDLER_ENV.idempotencyExpiresAfterSeconds], fn.environment.variables[HANDLER_ENV.partitionConcurrency]],
                ["3600", "10"],
            );
            // The table as the stack declares it (name, key schema), on the local server.
            tableName = table.name;
            await createIdempotencyTable(dynamo, tableName, { hashKey: table.hashKey, attributes: table.attributes });
            Object.assign(process.env, fn.environment.variables);

            const { code } = bundle();
            assert.ok(!/DynamoDBClient\s*=\s*class/.test(code), "the AWS SDK is not bundled");
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
            const [entry, ...more] = [...(await items()).values()];
            assert.strictEqual(more.length, 0);
            assert.strictEqual(entry.status, "COMPLETED");
            // Epoch seconds (an integer), as DynamoDB's TTL reads the attribute the table's ttl names.
            const expiry = entry[table.ttl.attributeName];
            assert.ok(Number.isInteger(expiry) && Math.abs(expiry - (Date.now() / 1000 + 3600)) < 60, `expiry ${expiry}`);
        });
    });

    describe("the handler's store: Powertools' DynamoDB store, completions sharing requests (handler/store.ts)", () => {
        /** A client whose BatchWriteItem requests are counted: requests, and completions they carried. */
        function countingClient() {
            const client = new DynamoDBClient(localClientConfig(dynamo.endpoint));
            const counted = { requests: 0, completions: 0 };
            client.middlewareStack.add(
                (next, context) => async (args) => {
                    if (context.commandName === "BatchWriteItemCommand") {
                        counted.requests++;
                        counted.completions += completionsIn(args.input);
                    }
                    return next(args);
                },
                { step: "initialize", name: "countCompletions" },
            );
            return { client, counted };
        }
        const batchOf = (partitions: number, perPartition: number) => {
            const recs: ReturnType<typeof record>[] = [];
            for (let p = 0; p < partitions; p++) for (let o = 0; o < perPartition; o++) recs.push(record(p, o, { p, o }));
            return event(...recs);
        };

        it("writes the entries Powertools' store writes, and each store skips what the other completed", async () => {
            const batch = batchOf(2, 2);
            const tables: Record<StoreKind, string> = { shipped: tableName, powertools: `${tableName}-powertools` };
            await createIdempotencyTable(dynamo, tables.powertools);
            const client = new DynamoDBClient(localClientConfig(dynamo.endpoint));
            const written: Partial<Record<StoreKind, Map<string, Record<string, any>>>> = {};
            for (const kind of STORE_KINDS) {
                assert.deepStrictEqual(await handler([], { persistenceStore: storeOf(kind, tables[kind], client) })(batch), { batchItemFailures: [] });
                written[kind] = await tableItems(dynamo, tables[kind]);
            }
            const [shipped, powertools] = [written.shipped!, written.powertools!];
            assert.deepStrictEqual([...shipped.keys()].sort(), [...powertools.keys()].sort(), "the same keys (the record's identity, hashed)");
            for (const [key, theirs] of powertools) {
                const ours = shipped.get(key)!;
                assert.deepStrictEqual(Object.keys(ours).sort(), Object.keys(theirs).sort(), key);
                assert.deepStrictEqual([ours.status, ours.data], [theirs.status, theirs.data], key);
                assert.ok(
                    Math.abs(ours.expiration - theirs.expiration) <= 2 && Math.abs(ours.in_progress_expiration - theirs.in_progress_expiration) < 2_000,
                    key,
                );
            }
            // A container with the other store (a deployment between two deliveries) skips every record.
            const seen: KafkaRecord[] = [];
            for (const kind of STORE_KINDS) {
                const other = kind === "shipped" ? "powertools" : "shipped";
                assert.deepStrictEqual(await handler(seen, { persistenceStore: storeOf(other, tables[kind], client) })(batch), { batchItemFailures: [] });
            }
            assert.deepStrictEqual(seen, []);
            client.destroy();
        });

        it("completions of concurrent partitions share requests; a lone partition's completion is sent at once", async () => {
            const many = countingClient();
            const seen: KafkaRecord[] = [];
            // Two requests in flight for ten partitions: completions queue and share requests.
            const sharing = new TableStore({ tableName, awsSdkV3Client: many.client, maxInFlight: 2 });
            assert.deepStrictEqual(await handler(seen, { persistenceStore: sharing })(batchOf(10, 6)), {
                batchItemFailures: [],
            });
            assert.strictEqual(seen.length, 60);
            assert.strictEqual(many.counted.completions, 60);
            assert.ok(many.counted.requests < 60, `${many.counted.requests} requests for 60 completions`);
            assert.deepStrictEqual(statuses(await items()), new Array(60).fill("COMPLETED"));
            // One partition: one completion outstanding at a time, never waiting for a request to fill.
            await createIdempotencyTable(dynamo, (tableName = `${tableName}-one`));
            const one = countingClient();
            assert.deepStrictEqual(await handler([], { persistenceStore: storeOf("shipped", tableName, one.client) })(batchOf(1, 6)), {
                batchItemFailures: [],
            });
            assert.deepStrictEqual(one.counted, { requests: 6, completions: 6 });
            many.client.destroy();
            one.client.destroy();
        });

        /** A client on which DynamoDB leaves the first completion's item unprocessed `times` times (as when throttled). */
        function unprocessedClient(times: number) {
            const client = new DynamoDBClient(localClientConfig(dynamo.endpoint));
            let key: string | undefined;
            let left = 0;
            client.middlewareStack.add(
                (next, context) => async (args) => {
                    if (context.commandName !== "BatchWriteItemCommand") return next(args);
                    const input = args.input as BatchWriteItemCommandInput;
                    const [table, writes] = Object.entries(input.RequestItems!)[0];
                    key ??= writes[0].PutRequest!.Item!.id.S;
                    const held = writes.filter((w) => w.PutRequest!.Item!.id.S === key && left < times);
                    if (held.length === 0) return next(args);
                    left++;
                    const rest = writes.filter((w) => !held.includes(w));
                    const out = rest.length
                        ? await next({ ...args, input: { ...input, RequestItems: { [table]: rest } } })
                        : { response: {}, output: { $metadata: {} } };
                    (out.output as { UnprocessedItems?: object }).UnprocessedItems = { [table]: held };
                    return out;
                },
                { step: "initialize", name: "unprocessed" },
            );
            return { client, held: () => left };
        }

        it("retries a completion DynamoDB leaves unprocessed; one left every time fails its record, which runs again after its in-progress expiry", async () => {
            const batch = event(record(0, 1, {}), record(0, 2, {}), record(0, 3, {}));
            const seen: KafkaRecord[] = [];
            const once = unprocessedClient(UNPROCESSED_ATTEMPTS - 1);
            assert.deepStrictEqual(await handler(seen, { persistenceStore: storeOf("shipped", tableName, once.client) })(batch), { batchItemFailures: [] });
            assert.strictEqual(once.held(), UNPROCESSED_ATTEMPTS - 1);
            assert.deepStrictEqual(byPartition(seen), { 0: [1, 2, 3] });
            assert.deepStrictEqual(statuses(await items()), ["COMPLETED", "COMPLETED", "COMPLETED"]);

            await createIdempotencyTable(dynamo, (tableName = `${tableName}-always`));
            const always = unprocessedClient(Number.MAX_SAFE_INTEGER);
            const first: KafkaRecord[] = [];
            const res = await handler(first, { persistenceStore: storeOf("shipped", tableName, always.client) }, 50)(batch);
            assert.strictEqual(always.held(), UNPROCESSED_ATTEMPTS);
            assert.deepStrictEqual(
                res?.batchItemFailures.map((f) => `${f.itemIdentifier.partition}@${f.itemIdentifier.offset}`),
                ["orders-0@1", "orders-0@2", "orders-0@3"],
            );
            assert.deepStrictEqual(
                jsonLines(logs.lines)
                    .filter((l) => l.message === "record failed")
                    .map((l) => [l.offset, l.error]),
                [[1, "IdempotencyPersistenceLayerError"]],
            );
            // Offset 1 was processed and is not known as completed; offset 2's lock was released.
            assert.deepStrictEqual(byPartition(first), { 0: [1] });
            const [entry, ...more] = [...(await items()).values()];
            assert.deepStrictEqual([entry.status, more.length], ["INPROGRESS", 0]);
            await sleep(Math.max(0, entry.in_progress_expiration - Date.now()) + 5);
            const retried: KafkaRecord[] = [];
            assert.deepStrictEqual(await handler(retried, {})(batch), { batchItemFailures: [] });
            assert.deepStrictEqual(byPartition(retried), { 0: [1, 2, 3] }, "offset 1 runs again: its completion was lost");
            assert.deepStrictEqual(statuses(await items()), ["COMPLETED", "COMPLETED", "COMPLETED"]);
            always.client.destroy();
            once.client.destroy();
        });
    });

    describe("partitions processed concurrently", () => {
        /** A small deterministic generator (the cases are the same on every run). */
        const rng = (seed: number) => () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;

        it("keeps offset order within every partition, at most PARTITION_CONCURRENCY partitions at a time, for generated batches", async () => {
            const random = rng(7);
            for (const [partitions, concurrency] of [
                [1, 10],
                [3, 1],
                [4, 2],
                [9, 4],
            ]) {
                await createIdempotencyTable(dynamo, (tableName = `orders-concurrency-${partitions}-${concurrency}-${++tables}`));
                // Partitions of different lengths, records interleaved in the event as Lambda may group them.
                const recs: ReturnType<typeof record>[] = [];
                for (let p = 0; p < partitions; p++) for (let o = 0, n = 1 + Math.floor(random() * 3); o < n; o++) recs.push(record(p, 100 + o, { p, o }));
                const delays = recs.map(() => Math.floor(random() * 3));
                const seen: KafkaRecord[] = [];
                let inFlight = 0;
                let most = 0;
                const res = await handler([], {
                    partitionConcurrency: concurrency,
                    process: async (r) => {
                        most = Math.max(most, ++inFlight);
                        await sleep(delays[recs.findIndex((x) => x.partition === r.partition && x.offset === r.offset)]);
                        inFlight--;
                        seen.push(r);
                    },
                })(event(...recs));
                const label = `${partitions} partitions, concurrency ${concurrency}`;
                assert.deepStrictEqual(res, { batchItemFailures: [] }, label);
                const expected: Record<number, number[]> = {};
                for (const r of recs) (expected[r.partition] ??= []).push(r.offset);
                assert.deepStrictEqual(byPartition(seen), expected, `${label}: every record once, each partition in offset order`);
                assert.ok(most <= Math.min(concurrency, partitions), `${label}: ${most} partitions at once`);
                if (Math.min(concurrency, partitions) > 1) assert.ok(most > 1, `${label}: partitions ran one at a time`);
                assert.strictEqual((await items()).size, recs.length, label);
            }
        });

        it("a failure in one partition stops only that partition, reported from its offset; the others complete", async () => {
            const seen: KafkaRecord[] = [];
            const recs: ReturnType<typeof record>[] = [];
            for (let p = 0; p < 4; p++) for (let o = 0; o < 5; o++) recs.push(record(p, o, p === 2 && o === 1 ? { poison: true } : { p, o }));
            const res = await handler(seen, { partitionConcurrency: 4 })(event(...recs));
            assert.deepStrictEqual(
                res?.batchItemFailures.map((f) => `${f.itemIdentifier.partition}@${f.itemIdentifier.offset}`),
                ["orders-2@1", "orders-2@2", "orders-2@3", "orders-2@4"],
            );
            assert.deepStrictEqual(byPartition(seen), { 0: [0, 1, 2, 3, 4], 1: [0, 1, 2, 3, 4], 2: [0], 3: [0, 1, 2, 3, 4] });
            const failed = jsonLines(logs.lines).filter((l) => l.message === "record failed");
            assert.deepStrictEqual(
                failed.map((l) => `${l.partition}@${l.offset}`),
                ["2@1"],
            );
            assert.deepStrictEqual(statuses(await items()), new Array(16).fill("COMPLETED"), "the failed and unstarted records have no entry");
        });

        it("without partial batch responses, the first failure stops every partition from starting another record", async () => {
            const seen: KafkaRecord[] = [];
            const recs: ReturnType<typeof record>[] = [];
            for (let p = 0; p < 3; p++) for (let o = 0; o < 6; o++) recs.push(record(p, o, p === 0 && o === 0 ? { poison: true } : {}));
            // Partitions 1 and 2 are in the middle of their first record when partition 0's first record fails; they
            // finish it once the handler knows of the failure (the failed record's lock released, and the promise
            // chain after it run: a timer fires only after it).
            const client = new DynamoDBClient(localClientConfig(dynamo.endpoint));
            const released = deferred();
            client.middlewareStack.add(
                (next, context) => async (args) => {
                    const out = await next(args);
                    if (context.commandName === "DeleteItemCommand") released.resolve();
                    return out;
                },
                { step: "initialize", name: "released" },
            );
            const process = async (r: KafkaRecord) => {
                if ((r.value as { poison?: boolean }).poison) throw new Error("poison");
                if (r.offset === 0) await released.promise.then(() => sleep(10));
                seen.push(r);
            };
            const persistenceStore = new DynamoDBPersistenceLayer({ tableName, awsSdkV3Client: client });
            await assert.rejects(handler(seen, { reportBatchItemFailures: false, process, persistenceStore })(event(...recs)), /record orders-0@0 failed/);
            // They finish the record they had started, and start no other.
            assert.deepStrictEqual(byPartition(seen), { 1: [0], 2: [0] });
            client.destroy();
            const again: KafkaRecord[] = [];
            assert.strictEqual(await handler(again, { reportBatchItemFailures: false, process: async (r) => void again.push(r) })(event(...recs)), undefined);
            assert.strictEqual(seen.length + again.length, 18, "every record processed once over the two deliveries");
        });

        it("two containers on the same batch, partitions concurrent: every record processed exactly once, the rest reported", async () => {
            const recs: ReturnType<typeof record>[] = [];
            for (let p = 0; p < 4; p++) for (let o = 0; o < 3; o++) recs.push(record(p, o, {}));
            const batch = event(...recs);
            const seen: string[] = [];
            const proc = async (r: KafkaRecord) => {
                await sleep(2);
                seen.push(`${r.partition}@${r.offset}`);
            };
            const [a, b] = await Promise.all([handler([], { process: proc })(batch), handler([], { process: proc })(batch)]);
            assert.strictEqual(new Set(seen).size, seen.length, `a record was processed twice: ${seen}`);
            const reported = [...a!.batchItemFailures, ...b!.batchItemFailures].map((f) => `${f.itemIdentifier.partition.slice(7)}@${f.itemIdentifier.offset}`);
            // What neither processed was reported by one of them (Lambda retries it).
            for (const r of recs) {
                const id = `${r.partition}@${r.offset}`;
                assert.ok(seen.includes(id) || reported.includes(id), `${id} neither processed nor reported`);
            }
            // The retries of both, after both finished: whatever is left is processed, once.
            await handler([], { process: proc })(batch);
            await handler([], { process: proc })(batch);
            assert.deepStrictEqual([...seen].sort(), recs.map((r) => `${r.partition}@${r.offset}`).sort());
        });

        it("a container that died with partitions in flight: the next delivery processes exactly what was not completed", async () => {
            const recs: ReturnType<typeof record>[] = [];
            for (let p = 0; p < 3; p++) for (let o = 0; o < 3; o++) recs.push(record(p, o, {}));
            const batch = event(...recs);
            const done: string[] = [];
            const hung = deferred();
            // Partition 1 hangs at offset 1 (the container is killed there); the others complete.
            void handler(
                [],
                {
                    process: async (r) => {
                        if (r.partition === 1 && r.offset === 1) return (hung.resolve(), new Promise<void>(() => undefined));
                        done.push(`${r.partition}@${r.offset}`);
                    },
                },
                50,
            )(batch);
            await hung.promise;
            while (statuses(await items()).filter((s) => s === "COMPLETED").length < 7) await sleep(5);
            const inProgress = [...(await items()).values()].find((i) => i.status === "INPROGRESS")!;
            await sleep(Math.max(0, inProgress.in_progress_expiration - Date.now()) + 5);
            const retried: string[] = [];
            assert.deepStrictEqual(await handler([], { process: async (r) => void retried.push(`${r.partition}@${r.offset}`) })(batch), {
                batchItemFailures: [],
            });
            assert.deepStrictEqual(retried, ["1@1", "1@2"]);
            assert.strictEqual(done.length, 7);
            assert.deepStrictEqual(statuses(await items()), new Array(9).fill("COMPLETED"));
        });

        for (const kind of STORE_KINDS) {
            it(`a completion write that fails (${kind}): that record is reported and the next one, already locked, is released unprocessed`, async () => {
                // The next record's lock overlaps this completion; its processing waits for it.
                const client = new DynamoDBClient(localClientConfig(dynamo.endpoint));
                let completions = 0;
                client.middlewareStack.add(
                    (next, context) => async (args) => {
                        if (context.commandName === COMPLETION_COMMAND[kind] && ++completions === 2)
                            throw Object.assign(new Error("socket hang up"), { name: "TimeoutError" });
                        return next(args);
                    },
                    { step: "initialize", name: "failSecondCompletion" },
                );
                const seen: KafkaRecord[] = [];
                // One partition at a time, so that the second completion is offset 2's (alone in its request).
                const res = await handler(seen, { persistenceStore: storeOf(kind, tableName, client), partitionConcurrency: 1 })(
                    event(record(0, 1, {}), record(0, 2, {}), record(0, 3, {}), record(0, 4, {}), record(1, 1, {})),
                );
                assert.deepStrictEqual(
                    res?.batchItemFailures.map((f) => `${f.itemIdentifier.partition}@${f.itemIdentifier.offset}`),
                    ["orders-0@2", "orders-0@3", "orders-0@4"],
                );
                assert.deepStrictEqual(byPartition(seen), { 0: [1, 2], 1: [1] });
                assert.deepStrictEqual(
                    jsonLines(logs.lines)
                        .filter((l) => l.message === "record failed")
                        .map((l) => [l.offset, l.error]),
                    [[2, "IdempotencyPersistenceLayerError"]],
                );
                // Offset 2 keeps its in-progress entry (processed, not known as completed: it runs again after its
                // in-progress expiry, as without the overlap); offset 3's lock was released, offset 4 never locked.
                assert.deepStrictEqual(statuses(await items()), ["COMPLETED", "COMPLETED", "INPROGRESS"]);
                client.destroy();
            });
        }

        it("generated batches and failures, no store: each partition runs up to its first failure, which is reported with the rest", async () => {
            const random = rng(11);
            for (let k = 0; k < 40; k++) {
                const partitions = 1 + Math.floor(random() * 6);
                const recs: ReturnType<typeof record>[] = [];
                const poison = new Set<string>();
                for (let p = 0; p < partitions; p++) {
                    for (let o = 0, n = 1 + Math.floor(random() * 5); o < n; o++) {
                        if (random() < 0.15) poison.add(`${p}@${o}`);
                        recs.push(record(p, o, {}));
                    }
                }
                const seen: KafkaRecord[] = [];
                const concurrency = 1 + Math.floor(random() * 4);
                const res = await withContext({
                    reportBatchItemFailures: true,
                    partitionConcurrency: concurrency,
                    process: async (r) => {
                        if (random() < 0.5) await sleep(0);
                        if (poison.has(`${r.partition}@${r.offset}`)) throw new Error("poison");
                        seen.push(r);
                    },
                })(event(...recs));
                // Expected: per partition, the records before its first poison are processed, the rest reported.
                const processed: Record<number, number[]> = {};
                const reported: string[] = [];
                for (let p = 0; p < partitions; p++) {
                    const offsets = recs.filter((r) => r.partition === p).map((r) => r.offset);
                    const stop = offsets.findIndex((o) => poison.has(`${p}@${o}`));
                    if (stop !== 0) processed[p] = stop < 0 ? offsets : offsets.slice(0, stop);
                    if (stop >= 0) reported.push(...offsets.slice(stop).map((o) => `orders-${p}@${o}`));
                }
                const label = `case ${k}: ${partitions} partitions, concurrency ${concurrency}, poison ${[...poison]}`;
                assert.deepStrictEqual(byPartition(seen), processed, label);
                assert.deepStrictEqual(
                    res?.batchItemFailures.map((f) => `${f.itemIdentifier.partition}@${f.itemIdentifier.offset}`),
                    reported,
                    label,
                );
            }
        });

        for (const kind of STORE_KINDS) {
            it(`with store faults injected at random (${kind}; before or after the server acts), every record ends processed, in order, re-run only after a lost completion`, async () => {
                const random = rng(5);
                for (let round = 0; round < 3; round++) {
                    await createIdempotencyTable(dynamo, (tableName = `orders-faults-${round}-${++tables}`));
                    const client = new DynamoDBClient({ ...localClientConfig(dynamo.endpoint), maxAttempts: 1 });
                    // Completions that failed (not written, or written and the answer lost): the only cause of a re-run.
                    let completionFaults = 0;
                    client.middlewareStack.add(
                        (next, context) => async (args) => {
                            const fault = random() < 0.12 ? (random() < 0.5 ? "before" : "after") : undefined;
                            // A shared completion request carries several records' completions.
                            if (fault && context.commandName === COMPLETION_COMMAND[kind]) completionFaults += completionsIn(args.input);
                            if (fault === "before") throw Object.assign(new Error("connect ECONNRESET"), { name: "TimeoutError" });
                            const out = await next(args);
                            if (fault === "after") throw Object.assign(new Error("socket hang up"), { name: "TimeoutError" });
                            return out;
                        },
                        { step: "initialize", name: "faults" },
                    );
                    const recs: ReturnType<typeof record>[] = [];
                    for (let p = 0; p < 3; p++) for (let o = 0; o < 4; o++) recs.push(record(p, o, {}));
                    const log: Record<number, number[]> = {};
                    let deliveries = 0;
                    // Lambda delivers the batch, then again what the handler reported, until nothing is.
                    for (let pending = recs; pending.length && deliveries < 40; deliveries++) {
                        const persistenceStore = storeOf(kind, tableName, client);
                        // 30 ms left: an entry left in progress by a fault expires before the next delivery.
                        const res = await handler(
                            [],
                            { persistenceStore, process: async (r) => void (log[r.partition] ??= []).push(r.offset) },
                            30,
                        )(event(...pending));
                        const reported = new Set(res!.batchItemFailures.map((f) => `${f.itemIdentifier.partition}@${f.itemIdentifier.offset}`));
                        pending = recs.filter((r) => reported.has(`orders-${r.partition}@${r.offset}`));
                        if (pending.length) await sleep(35);
                    }
                    const label = `round ${round}: ${deliveries} deliveries, logs ${JSON.stringify(log)}`;
                    assert.ok(deliveries < 40, label);
                    let reruns = 0;
                    for (let p = 0; p < 3; p++) {
                        // A re-run is of the partition's latest record (its completion was lost), never of an earlier one.
                        const collapsed = log[p].filter((o, i) => i === 0 || o !== log[p][i - 1]);
                        reruns += log[p].length - collapsed.length;
                        assert.deepStrictEqual(collapsed, [0, 1, 2, 3], label);
                    }
                    assert.ok(reruns <= completionFaults, `${label}: ${reruns} re-runs, ${completionFaults} failed completions`);
                    assert.deepStrictEqual(statuses(await items()), new Array(12).fill("COMPLETED"), label);
                    client.destroy();
                }
            });
        }

        it("reads PARTITION_CONCURRENCY from the environment the stack writes, and refuses values outside 1-100 by name", () => {
            const { min, max } = PARTITION_CONCURRENCY_RANGE;
            for (const ok of [String(min), "7", String(max)]) {
                process.env[HANDLER_ENV.partitionConcurrency] = ok;
                assert.doesNotThrow(() => createHandler({}), ok);
            }
            for (const bad of ["0", String(max + 1), "-3", "2.5", "ten", "1e1", " 4x", "Infinity"]) {
                process.env[HANDLER_ENV.partitionConcurrency] = bad;
                assert.throws(
                    () => createHandler({}),
                    (e: Error) =>
                        e.message.startsWith(`PARTITION_CONCURRENCY must be an integer from ${min} to ${max} `) &&
                        e.message.endsWith(`got ${JSON.stringify(bad)}`),
                    bad,
                );
            }
            delete process.env[HANDLER_ENV.partitionConcurrency];
            for (const bad of [0, max + 1, 1.5, NaN])
                assert.throws(() => createHandler({ partitionConcurrency: bad }), /partitionConcurrency must be an integer/);
        });
    });
});
