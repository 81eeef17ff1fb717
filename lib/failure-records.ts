/**
 * Failure records: what Lambda sends to a destination when it gives up, parsed into what an operator needs to look
 * the records up again. Formats: AWS Lambda documentation, "Capturing discarded batches for Amazon MSK event sources"
 * (the Kafka on-failure record) and "Capturing records of Lambda asynchronous invocations" (the invocation record).
 *
 * - Kafka event source mappings: a JSON document with `requestContext`, `responseContext` (null when the condition
 *   is MaximumPayloadSizeExceeded), `version`, `timestamp` and `KafkaBatchInfo`, whose `recordsInfo` keys are
 *   "topic-partition" (e.g. "Topic-0") with first/last offsets and timestamps. S3 destinations also get `payload`,
 *   the whole original invocation record as an escaped JSON string. Offsets are strings: they may exceed 2^53.
 * - Lambda docs, "Using a Kafka topic as an on-failure destination": the message value on the failure topic has the same
 *   `requestContext`/`responseContext`, and `KafkaBatchInfo.recordInfo` (one record's offset and time) with `payload`,
 *   the failed invocation's event as an object (its `records` keyed by "topic-partition").
 * - Asynchronous invocations: `requestContext`, `requestPayload`, `responseContext`, `responsePayload` (on failure or,
 *   for an on-success destination, on success).
 *
 * Inputs may arrive as the record itself (an S3 object, a Kafka message, a Lambda destination's event) or its JSON
 * text, wrapped as the destinations deliver it: an SNS notification (`{ "Type": "Notification", "Message" }`), an SQS
 * message (`{ "body" }` in a Lambda event, `{ "Body" }` from the SQS API, `{ "Messages": [one] }` as
 * `aws sqs receive-message` prints it), a Lambda event from an SQS or SNS trigger (`{ "Records": [one] }`), or an
 * EventBridge event (`{ "detail-type": "Lambda Function Invocation Result - Failure" | "... - Success", "detail" }`).
 */

export interface PartitionRange {
    topic: string;
    partition: number;
    firstOffset: string;
    lastOffset: string;
    firstTimestamp: string;
    lastTimestamp: string;
}

/** What both kinds of record say about the failed invocation. */
interface RecordCommon {
    condition: string;
    functionArn: string;
    requestId: string;
    timestamp: string;
    approximateInvokeCount?: number;
    functionError?: string;
}

export type FailureRecord =
    | (RecordCommon & {
          kind: "kafka";
          eventSourceArn: string;
          batchSize?: number;
          payloadSize?: number;
          /** One entry per topic-partition: the offsets and times to look up again. */
          ranges: PartitionRange[];
          /** S3 destinations only: the original invocation record. */
          payload?: unknown;
      })
    | (RecordCommon & { kind: "async"; requestPayload: unknown; responsePayload: unknown });

export class FailureRecordError extends Error {
    constructor(problem: string) {
        super(`not a Lambda failure record: ${problem}`);
        this.name = "FailureRecordError";
    }
}

function obj(v: unknown, what: string): Record<string, unknown> {
    if (!v || typeof v !== "object" || Array.isArray(v)) throw new FailureRecordError(`${what} is not an object`);
    return v as Record<string, unknown>;
}

function str(o: Record<string, unknown>, key: string, what: string): string {
    const v = o[key];
    if (typeof v !== "string" || v === "") throw new FailureRecordError(`${what}.${key} is not a string`);
    return v;
}

function optNum(o: Record<string, unknown> | null, key: string): number | undefined {
    const v = o?.[key];
    return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}

/** Unwraps JSON text, SNS notifications and SQS messages down to the record object. */
function unwrap(input: unknown, depth = 0): Record<string, unknown> {
    if (depth > 6) throw new FailureRecordError("too deeply wrapped");
    if (typeof input === "string") {
        let parsed: unknown;
        try {
            parsed = JSON.parse(input);
        } catch {
            throw new FailureRecordError("the text is not JSON");
        }
        return unwrap(parsed, depth + 1);
    }
    const o = obj(input, "the record");
    if ("requestContext" in o) return o;
    if (o.Type === "Notification" && typeof o.Message === "string") return unwrap(o.Message, depth + 1);
    if (typeof o.body === "string") return unwrap(o.body, depth + 1);
    if (typeof o.Body === "string") return unwrap(o.Body, depth + 1);
    if (o.Sns && typeof o.Sns === "object") return unwrap(o.Sns, depth + 1);
    for (const list of ["Messages", "Records"] as const) {
        const v = o[list];
        if (!Array.isArray(v)) continue;
        if (v.length !== 1) throw new FailureRecordError(`${list} holds ${v.length} messages: pass one message at a time`);
        return unwrap(v[0], depth + 1);
    }
    if (typeof o["detail-type"] === "string") {
        // EventBridge: an async invocation record is the event's detail.
        if (!o["detail-type"].startsWith("Lambda Function Invocation Result")) {
            throw new FailureRecordError(
                `an EventBridge event of detail-type ${JSON.stringify(o["detail-type"].slice(0, 80))}, not a Lambda invocation result`,
            );
        }
        return unwrap(o.detail, depth + 1);
    }
    return o;
}

const PARTITION_KEY = /^(.+)-(\d+)$/;

/** The Kafka-topic form: the offsets and times of the failed records, from the event in `payload`. */
function kafkaTopicForm(info: Record<string, unknown>, payload: unknown) {
    const event = obj(payload, "payload");
    const records = obj(event.records, "payload.records");
    const ranges: PartitionRange[] = [];
    for (const [key, list] of Object.entries(records)) {
        const m = PARTITION_KEY.exec(key);
        if (!m || !Array.isArray(list) || list.length === 0)
            throw new FailureRecordError(`payload.records["${key}"] is not a list of records of a topic-partition`);
        let first: { offset: bigint; timestamp: number } | undefined;
        let last: typeof first;
        list.forEach((rec, i) => {
            const o = obj(rec, `payload.records["${key}"][${i}]`);
            if (!(typeof o.offset === "number" && Number.isInteger(o.offset) && o.offset >= 0) && !(typeof o.offset === "string" && /^\d+$/.test(o.offset)))
                throw new FailureRecordError(`payload.records["${key}"][${i}].offset is not an offset`);
            const at = { offset: BigInt(o.offset as number | string), timestamp: typeof o.timestamp === "number" ? o.timestamp : NaN };
            if (!first || at.offset < first.offset) first = at;
            if (!last || at.offset > last.offset) last = at;
        });
        const iso = (t: number) => (Number.isFinite(t) ? new Date(t).toISOString() : "unknown");
        ranges.push({
            topic: m[1],
            partition: Number(m[2]),
            firstOffset: String(first!.offset),
            lastOffset: String(last!.offset),
            firstTimestamp: iso(first!.timestamp),
            lastTimestamp: iso(last!.timestamp),
        });
    }
    ranges.sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1));
    return {
        eventSourceArn: str(info, "eventSourceArn", "KafkaBatchInfo"),
        batchSize: optNum(info, "batchSize"),
        payloadSize: optNum(info, "payloadSize"),
        ranges,
        payload: event,
    };
}

export function parseFailureRecord(input: unknown): FailureRecord {
    const r = unwrap(input);
    const ctx = obj(r.requestContext, "requestContext");
    const response = r.responseContext === null || r.responseContext === undefined ? null : obj(r.responseContext, "responseContext");
    const common = {
        condition: str(ctx, "condition", "requestContext"),
        functionArn: str(ctx, "functionArn", "requestContext"),
        requestId: str(ctx, "requestId", "requestContext"),
        timestamp: str(r, "timestamp", "record"),
        approximateInvokeCount: optNum(ctx, "approximateInvokeCount"),
        functionError: typeof response?.functionError === "string" ? response.functionError : undefined,
    };
    if (r.KafkaBatchInfo !== undefined) {
        const info = obj(r.KafkaBatchInfo, "KafkaBatchInfo");
        if (info.recordsInfo === undefined && info.recordInfo !== undefined) {
            return { kind: "kafka", ...common, ...kafkaTopicForm(info, r.payload) };
        }
        const recordsInfo = obj(info.recordsInfo, "KafkaBatchInfo.recordsInfo");
        const ranges: PartitionRange[] = Object.entries(recordsInfo).map(([key, value]) => {
            // The key is "topic-partition"; topic names may contain "-", so the partition is after the last one.
            const m = PARTITION_KEY.exec(key);
            if (!m) throw new FailureRecordError(`recordsInfo key "${key}" is not "topic-partition"`);
            const v = obj(value, `recordsInfo["${key}"]`);
            const where = `recordsInfo["${key}"]`;
            const offset = (k: string) => {
                const o = str(v, k, where);
                if (!/^\d+$/.test(o)) throw new FailureRecordError(`${where}.${k} is not an offset`);
                return o;
            };
            return {
                topic: m[1],
                partition: Number(m[2]),
                firstOffset: offset("firstRecordOffset"),
                lastOffset: offset("lastRecordOffset"),
                firstTimestamp: str(v, "firstRecordTimestamp", where),
                lastTimestamp: str(v, "lastRecordTimestamp", where),
            };
        });
        ranges.sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1));
        let payload: unknown;
        if (typeof r.payload === "string") {
            try {
                payload = JSON.parse(r.payload);
            } catch {
                throw new FailureRecordError("payload is not the escaped JSON of the original invocation record");
            }
        }
        return {
            kind: "kafka",
            ...common,
            eventSourceArn: str(info, "eventSourceArn", "KafkaBatchInfo"),
            batchSize: optNum(info, "batchSize"),
            payloadSize: optNum(info, "payloadSize"),
            ranges,
            payload,
        };
    }
    if ("requestPayload" in r) {
        return { kind: "async", ...common, requestPayload: r.requestPayload, responsePayload: r.responsePayload };
    }
    throw new FailureRecordError("it has neither KafkaBatchInfo (event source mapping) nor requestPayload (async invocation)");
}
