/**
 * A DynamoDB-compatible server for the handler's tests and benchmark: dynalite (npm, Apache-2.0; in memory, pure
 * JavaScript), started on 127.0.0.1 with an ephemeral port by the test file that needs it, and stopped by it.
 * Powertools' DynamoDB idempotency store runs against it unchanged (same SDK client, same requests).
 *
 * Where dynalite differs from DynamoDB in a way the handler can notice:
 * - `ReturnValuesOnConditionCheckFailure: ALL_OLD` is ignored: a refused conditional put carries no `Item`, so
 *   Powertools falls back to a consistent `GetItem` to read the existing entry. DynamoDB returns the old item with the
 *   refusal ("PutItem", API reference) and Powertools uses it without a read. `returnOldItemOnConditionFailure`
 *   below adds that item the way DynamoDB would, so one test runs the path DynamoDB takes.
 * - TTL is not implemented (`UpdateTimeToLive` is an unknown operation, and nothing expires): the table is created
 *   from the stack's key schema and the TTL attribute is checked on the items the store writes instead.
 *
 * Run as a script (`node -r ts-node/register/transpile-only tests/helpers/dynalite.ts [latencyMs]`) it serves in its
 * own process and prints its port, so a benchmark's client does not share an event loop with the server.
 */
import { spawn } from "child_process";
import type { AddressInfo } from "net";
import type { Server } from "http";
import * as path from "path";
import {
    ConditionalCheckFailedException,
    CreateTableCommand,
    DynamoDBClient,
    GetItemCommand,
    ScanCommand,
    type AttributeValue,
    type PutItemCommandInput,
} from "@aws-sdk/client-dynamodb";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import { IDEMPOTENCY_TABLE_SCHEMA } from "../../lib/handler-env";

export interface LocalDynamo {
    endpoint: string;
    /** The server's process id, when it runs in its own process. */
    pid?: number;
    /** A client of this server (fixed test credentials and region). */
    client: DynamoDBClient;
    stop(): Promise<void>;
}

/** Client settings for a local endpoint: test credentials, a region, no retries' worth of waiting on a dead server. */
export function localClientConfig(endpoint: string) {
    return { endpoint, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" } };
}

/** Delays every request by `latencyMs` before dynalite sees it: the modelled round trip to DynamoDB. */
function delayRequests(server: Server, latencyMs: number): void {
    if (latencyMs <= 0) return;
    const handlers = server.listeners("request") as ((...a: unknown[]) => void)[];
    server.removeAllListeners("request");
    // The request body stays buffered in the paused stream until dynalite reads it.
    server.on("request", (req, res) => setTimeout(() => handlers.forEach((h) => h(req, res)), latencyMs));
}

/** Starts dynalite in this process on 127.0.0.1, an ephemeral port. */
export async function startDynalite(options: { latencyMs?: number } = {}): Promise<LocalDynamo> {
    const dynalite = require("dynalite") as (o: object) => Server;
    const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
    delayRequests(server, options.latencyMs ?? 0);
    await new Promise<void>((resolve, reject) => server.once("error", reject).listen(0, "127.0.0.1", () => resolve()));
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const client = new DynamoDBClient(localClientConfig(endpoint));
    return {
        endpoint,
        client,
        stop: () =>
            new Promise<void>((resolve) => {
                client.destroy();
                server.close(() => resolve());
                server.closeAllConnections();
            }),
    };
}

/** Starts dynalite in a child process (for the benchmark); resolves once it serves. */
export function startDynaliteProcess(latencyMs: number): Promise<LocalDynamo> {
    return startServerProcess(__filename, latencyMs, "dynalite");
}

/**
 * Runs `script` (a TypeScript file that serves on 127.0.0.1 and prints its port, given the latency as its argument) in
 * a child process; resolves once it serves, with a client of it.
 */
export function startServerProcess(script: string, latencyMs: number, name: string): Promise<LocalDynamo> {
    const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", script, String(latencyMs)], {
        cwd: path.join(__dirname, "..", ".."),
        stdio: ["ignore", "pipe", "inherit"],
    });
    return new Promise((resolve, reject) => {
        child.once("error", reject);
        child.once("exit", (code) => reject(new Error(`${name} exited with ${code} before serving`)));
        child.stdout!.once("data", (d: Buffer) => {
            const endpoint = `http://127.0.0.1:${Number(String(d).trim())}`;
            const client = new DynamoDBClient(localClientConfig(endpoint));
            child.removeAllListeners("exit");
            resolve({
                endpoint,
                pid: child.pid,
                client,
                stop: () =>
                    new Promise<void>((done) => {
                        client.destroy();
                        child.once("exit", () => done()).kill();
                    }),
            });
        });
    });
}

/** Creates the idempotency table as the component creates it: the key schema and attributes of the one source. */
export async function createIdempotencyTable(
    d: LocalDynamo,
    tableName: string,
    s: Pick<typeof IDEMPOTENCY_TABLE_SCHEMA, "hashKey" | "attributes"> = IDEMPOTENCY_TABLE_SCHEMA,
): Promise<void> {
    await d.client.send(
        new CreateTableCommand({
            TableName: tableName,
            KeySchema: [{ AttributeName: s.hashKey, KeyType: "HASH" }],
            AttributeDefinitions: s.attributes.map((a) => ({ AttributeName: a.name, AttributeType: a.type })),
            BillingMode: "PAY_PER_REQUEST",
        }),
    );
}

/** Every item of the table, unmarshalled, keyed by the table's hash key. */
export async function tableItems(d: LocalDynamo, tableName: string): Promise<Map<string, Record<string, any>>> {
    const items = new Map<string, Record<string, any>>();
    let start: Record<string, AttributeValue> | undefined;
    do {
        const page = await d.client.send(new ScanCommand({ TableName: tableName, ConsistentRead: true, ExclusiveStartKey: start }));
        for (const i of page.Items ?? []) {
            const item = unmarshall(i);
            items.set(item[IDEMPOTENCY_TABLE_SCHEMA.hashKey], item);
        }
        start = page.LastEvaluatedKey;
    } while (start);
    return items;
}

/**
 * Makes `client` behave as DynamoDB does on a refused conditional put with `ReturnValuesOnConditionCheckFailure:
 * ALL_OLD`: the refusal carries the existing item. Returns the count of refusals that got one.
 */
export function returnOldItemOnConditionFailure(client: DynamoDBClient): { added: number } {
    const counter = { added: 0 };
    client.middlewareStack.add(
        (next, context) => async (args) => {
            try {
                return await next(args);
            } catch (e) {
                const input = args.input as PutItemCommandInput;
                if (
                    context.commandName !== "PutItemCommand" ||
                    !(e instanceof ConditionalCheckFailedException) ||
                    input.ReturnValuesOnConditionCheckFailure !== "ALL_OLD"
                )
                    throw e;
                const key = { [IDEMPOTENCY_TABLE_SCHEMA.hashKey]: input.Item![IDEMPOTENCY_TABLE_SCHEMA.hashKey] };
                const old = await client.send(new GetItemCommand({ TableName: input.TableName, Key: key, ConsistentRead: true }));
                if (old.Item) {
                    e.Item = old.Item;
                    counter.added++;
                }
                throw e;
            }
        },
        { step: "initialize", name: "returnOldItemOnConditionFailure" },
    );
    return counter;
}

if (require.main === module) {
    startDynalite({ latencyMs: Number(process.argv[2] ?? 0) }).then((d) => {
        process.stdout.write(`${new URL(d.endpoint).port}\n`);
        d.client.destroy();
    });
}
