import * as assert from "assert";
import type { MSKEvent } from "aws-lambda";
import { bundle } from "../components/bundle";
import { decodeEvent, MalformedEventError, type DecodedRecord } from "../handler/decode";
import { createHandler, MemoryStore } from "../handler/index";

/** The example event from the seed page "Using Lambda with Amazon MSK", as printed there. */
const SEED_EVENT_TEXT = `{ "eventSource":"aws:kafka", "eventSourceArn":"arn:aws:kafka:us-east-1:123456789012:cluster/vpc-2priv-2pub/751d2973-a626-431c-9d4e-d7975eb44dd7-2", "bootstrapServers":"b-2.demo-cluster-1.a1bcde.c1.kafka.us-east-1.amazonaws.com:9092,b-1.demo-cluster-1.a1bcde.c1.kafka.us-east-1.amazonaws.com:9092", "records":{ "mytopic-0":[ { "topic":"mytopic", "partition":0, "offset":15, "timestamp":1545084650987, "timestampType":"CREATE_TIME", "key":"abcDEFghiJKLmnoPQRstuVWXyz1234==", "value":"SGVsbG8sIHRoaXMgaXMgYSB0ZXN0Lg==", "headers":[ { "headerKey":[ 104, 101, 97, 100, 101, 114, 86, 97, 108, 117, 101 ] } ] } ] } }`;

const seedEvent = (): MSKEvent => JSON.parse(SEED_EVENT_TEXT);

function event(records: Record<string, object[]>): MSKEvent {
    return { ...seedEvent(), records } as MSKEvent;
}

function record(topic: string, partition: number, offset: number, value = "aGk=") {
    return { topic, partition, offset, timestamp: 1545084650987, timestampType: "CREATE_TIME", key: null, value, headers: [] };
}

describe("consumer handler", () => {
    it("decodes the seed's example event: base64 value, header bytes, record identity", () => {
        const [r] = decodeEvent(seedEvent());
        assert.strictEqual(r.topic, "mytopic");
        assert.strictEqual(r.partition, 0);
        assert.strictEqual(r.offset, 15);
        assert.strictEqual(r.value!.toString("utf8"), "Hello, this is a test.");
        assert.deepStrictEqual(
            r.headers.map((h) => [h.key, h.value.toString("utf8")]),
            [["headerKey", "headerValue"]],
        );
        assert.strictEqual(r.id, "mytopic/0/15");
        assert.strictEqual(r.key!.length, 22);
    });

    it("keeps partition order and handles records without a key", () => {
        const records = decodeEvent(event({ "t-1": [record("t", 1, 7), record("t", 1, 8)], "t-0": [record("t", 0, 3)] }));
        assert.deepStrictEqual(
            records.map((r) => r.id),
            ["t/1/7", "t/1/8", "t/0/3"],
        );
        assert.strictEqual(records[0].key, undefined);
    });

    const malformed: [string, unknown, RegExp][] = [
        ["a non-object event", "event", /at event: is not an object/],
        ["another event source", { ...seedEvent(), eventSource: "aws:sqs" }, /eventSource: is not "aws:kafka"/],
        ["records as a list", { ...seedEvent(), records: [] }, /records: is not an object keyed by topic-partition/],
        ["a group that is not a list", event({ "t-0": {} as any }), /records\["t-0"\]: is not a list/],
        ["a record in the wrong group", event({ "t-1": [record("t", 0, 1)] }), /belongs to t-0, not to its group "t-1"/],
        ["a negative offset", event({ "t-0": [record("t", 0, -1)] }), /\.offset: is not a non-negative integer/],
        ["a value that is not base64", event({ "t-0": [record("t", 0, 1, "not base64!")] }), /\.value: is not base64 text/],
        ["a header that is not bytes", event({ "t-0": [{ ...record("t", 0, 1), headers: [{ h: [300] }] }] }), /headers\[0\]\.h: is not a list of byte values/],
        ["a missing topic", event({ "t-0": [{ ...record("t", 0, 1), topic: undefined }] }), /\.topic: is not a topic name/],
    ];
    for (const [what, e, message] of malformed) {
        it(`refuses ${what} with an error naming where, not what`, async () => {
            const handler = createHandler(async () => undefined);
            await assert.rejects(
                handler(e as MSKEvent),
                (err: Error) => err instanceof MalformedEventError && message.test(err.message) && !/not base64!|headerKey|Hello/.test(err.message),
            );
        });
    }

    it("processes each record once even when Lambda redelivers the batch (at-least-once delivery)", async () => {
        const seen: string[] = [];
        const handler = createHandler(async (r: DecodedRecord) => void seen.push(r.id), new MemoryStore());
        const batch = event({ "t-0": [record("t", 0, 1), record("t", 0, 2)] });
        assert.deepStrictEqual(await handler(batch), { processed: 2, skipped: 0 });
        assert.deepStrictEqual(await handler(batch), { processed: 0, skipped: 2 });
        assert.deepStrictEqual(seen, ["t/0/1", "t/0/2"]);
    });

    it("throws when a record fails so Lambda retries the batch, and skips the records already done on the retry", async () => {
        let failOn: string | undefined = "t/0/2";
        const seen: string[] = [];
        const handler = createHandler(async (r: DecodedRecord) => {
            if (r.id === failOn) throw new Error("downstream unavailable");
            seen.push(r.id);
        });
        const batch = event({ "t-0": [record("t", 0, 1), record("t", 0, 2), record("t", 0, 3)] });
        await assert.rejects(handler(batch), /downstream unavailable/);
        assert.deepStrictEqual(seen, ["t/0/1"]);
        failOn = undefined;
        assert.deepStrictEqual(await handler(batch), { processed: 2, skipped: 1 });
        assert.deepStrictEqual(seen, ["t/0/1", "t/0/2", "t/0/3"]);
    });

    it("bounds the in-memory idempotency store", async () => {
        const store = new MemoryStore(2);
        for (const id of ["a", "b", "c"]) await store.add(id);
        assert.deepStrictEqual([await store.has("a"), await store.has("b"), await store.has("c")], [false, true, true]);
    });

    it("bundles into one CommonJS file that exports the handler and runs the seed event", async () => {
        const { code } = bundle();
        const mod: any = { exports: {} };
        new Function("module", "exports", "require", code)(mod, mod.exports, require);
        assert.strictEqual(typeof mod.exports.handler, "function");
        const logs: string[] = [];
        const original = console.log;
        console.log = (line: string) => void logs.push(line);
        try {
            await mod.exports.handler(seedEvent(), {} as any, () => undefined);
        } finally {
            console.log = original;
        }
        assert.deepStrictEqual(JSON.parse(logs[0]), {
            msg: "record",
            topic: "mytopic",
            partition: 0,
            offset: 15,
            keyBytes: 22,
            valueBytes: 22,
            headers: ["headerKey"],
        });
        assert.deepStrictEqual(JSON.parse(logs[1]), { msg: "batch", processed: 1, skipped: 0 });
    });
});
