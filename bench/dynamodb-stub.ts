/**
 * A stand-in for DynamoDB that answers every call of the idempotency store as DynamoDB answers one that succeeds (the
 * lock's conditional `PutItem` accepted, a `BatchWriteItem` with nothing unprocessed, an `UpdateItem`), after the same
 * modelled round trip as the dynalite server, and stores nothing. With it the benchmark measures the handler's own
 * throughput at that latency without the local server's CPU on the same cores (in Lambda, DynamoDB's work is not on
 * the function's CPU). It proves nothing about exactly-once: that is dynalite's and the tests' part.
 *
 * Run as a script (`node -r ts-node/register/transpile-only bench/dynamodb-stub.ts [latencyMs]`) it serves in its own
 * process and prints its port.
 */
import * as http from "http";
import type { AddressInfo } from "net";
import { startServerProcess, type LocalDynamo } from "../tests/helpers/dynalite";

/** The answer to each operation (by the `X-Amz-Target` header's operation name); any other gets `{}`. */
const ANSWERS: Record<string, object> = {
    BatchWriteItem: { UnprocessedItems: {} },
    CreateTable: { TableDescription: { TableStatus: "ACTIVE" } },
};

function serve(latencyMs: number): Promise<number> {
    const server = http.createServer((req, res) => {
        req.resume();
        req.on("end", () =>
            setTimeout(() => {
                const operation = String(req.headers["x-amz-target"] ?? "").split(".")[1] ?? "";
                const body = JSON.stringify(ANSWERS[operation] ?? {});
                res.writeHead(200, { "content-type": "application/x-amz-json-1.0", "content-length": Buffer.byteLength(body) });
                res.end(body);
            }, latencyMs),
        );
    });
    return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)));
}

/** Starts the stub in a child process; resolves once it serves. */
export function startStubProcess(latencyMs: number): Promise<LocalDynamo> {
    return startServerProcess(__filename, latencyMs, "the DynamoDB stub");
}

if (require.main === module) {
    void serve(Number(process.argv[2] ?? 0)).then((port) => process.stdout.write(`${port}\n`));
}
