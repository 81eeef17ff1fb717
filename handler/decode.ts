/**
 * Decoding of the MSK event Lambda sends (seed: "Using Lambda with Amazon MSK", example event): records grouped by
 * `topic-partition`, base64 `key` and `value`, headers as arrays of byte values.
 */
import type { MSKEvent, MSKRecord } from "aws-lambda";

export interface DecodedRecord {
    topic: string;
    partition: number;
    offset: number;
    timestamp: number;
    timestampType: MSKRecord["timestampType"];
    /** `undefined` for a record without a key. */
    key: Buffer | undefined;
    value: Buffer | undefined;
    headers: { key: string; value: Buffer }[];
    /** `topic/partition/offset`: the record's identity, for idempotent processing. */
    id: string;
}

/** The event does not have the shape Lambda documents. Messages name where, never record contents. */
export class MalformedEventError extends Error {
    constructor(where: string, problem: string) {
        super(`malformed MSK event at ${where}: ${problem}`);
        this.name = "MalformedEventError";
    }
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function bytes(value: unknown, where: string): Buffer | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== "string" || value.length % 4 !== 0 || !BASE64.test(value)) {
        throw new MalformedEventError(where, "is not base64 text");
    }
    return Buffer.from(value, "base64");
}

function int(value: unknown, where: string): number {
    if (typeof value !== "number" || !Number.isInteger(value) || value < 0) throw new MalformedEventError(where, "is not a non-negative integer");
    return value;
}

/** Validates and decodes every record, in partition order as Lambda delivers them. */
export function decodeEvent(event: MSKEvent | unknown): DecodedRecord[] {
    if (!event || typeof event !== "object") throw new MalformedEventError("event", "is not an object");
    const e = event as Partial<MSKEvent>;
    if (e.eventSource !== "aws:kafka") throw new MalformedEventError("eventSource", `is not "aws:kafka"`);
    if (!e.records || typeof e.records !== "object" || Array.isArray(e.records))
        throw new MalformedEventError("records", "is not an object keyed by topic-partition");
    const out: DecodedRecord[] = [];
    for (const [group, records] of Object.entries(e.records)) {
        if (!Array.isArray(records)) throw new MalformedEventError(`records["${group}"]`, "is not a list");
        records.forEach((r, i) => {
            const where = `records["${group}"][${i}]`;
            if (!r || typeof r !== "object") throw new MalformedEventError(where, "is not an object");
            if (typeof r.topic !== "string" || r.topic === "") throw new MalformedEventError(`${where}.topic`, "is not a topic name");
            const partition = int(r.partition, `${where}.partition`);
            if (group !== `${r.topic}-${partition}`) throw new MalformedEventError(where, `belongs to ${r.topic}-${partition}, not to its group "${group}"`);
            const offset = int(r.offset, `${where}.offset`);
            const headers: DecodedRecord["headers"] = [];
            if (r.headers !== undefined && !Array.isArray(r.headers)) throw new MalformedEventError(`${where}.headers`, "is not a list");
            (r.headers ?? []).forEach((h, j) => {
                if (!h || typeof h !== "object") throw new MalformedEventError(`${where}.headers[${j}]`, "is not an object");
                for (const [key, value] of Object.entries(h)) {
                    if (!Array.isArray(value) || !value.every((b) => Number.isInteger(b) && b >= 0 && b <= 255)) {
                        throw new MalformedEventError(`${where}.headers[${j}].${key}`, "is not a list of byte values");
                    }
                    headers.push({ key, value: Buffer.from(value) });
                }
            });
            out.push({
                topic: r.topic,
                partition,
                offset,
                timestamp: int(r.timestamp, `${where}.timestamp`),
                timestampType: r.timestampType,
                key: bytes(r.key, `${where}.key`),
                value: bytes(r.value, `${where}.value`),
                headers,
                id: `${r.topic}/${partition}/${offset}`,
            });
        });
    }
    return out;
}
