/**
 * Safe access to the raw resource properties a policy receives. `@pulumi/policy` wraps properties in a proxy that
 * throws `UnknownValueError` on any unknown value; rules here read the raw data instead, decide themselves what an
 * unknown means, and raise `UnknownValueError` only when a value they must judge is not known yet (which
 * `@pulumi/policy` reports as an advisory "can't run during preview" note). Nothing here throws anything else, whatever
 * shape the data has.
 */
import { UnknownValueError } from "@pulumi/policy";
import { parseJson } from "./json";

export { parseJson };

/** The protocol's unknown sentinels (string, boolean, number, array, asset, archive, object). */
export const UNKNOWN_SENTINELS = new Set([
    "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
    "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
    "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
    "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
    "030794c1-ac77-496b-92df-f27374a8bd58",
    "e48ece36-62e2-4504-bad9-02848725956a",
    "5916d2e3-5d25-4e50-a8d0-fca3ec7e9b1c",
]);
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export function isUnknown(v: unknown): boolean {
    return typeof v === "string" && UNKNOWN_SENTINELS.has(v);
}

/** The raw object behind `@pulumi/policy`'s unknown-checking proxy (or the value itself). */
export function raw(props: unknown): unknown {
    if (props !== null && typeof props === "object") {
        try {
            const target = (props as Record<string, unknown>)["__getSpecialProxyTarget"];
            if (target !== undefined && target !== null && typeof target === "object") return target;
        } catch {
            return props;
        }
    }
    return props;
}

export type Path = (string | number)[];

/** Sees every read through `get` (and so every reader built on it): tests record the property paths rules read. */
export type ReadHook = (obj: unknown, path: Path) => void;
let readHook: ReadHook | undefined;

/** Installs (or, with undefined, removes) the hook that sees every read; for tests (tests/pack-guarantees.test.ts). */
export function onRead(hook: ReadHook | undefined): void {
    readHook = hook;
}

/**
 * Walks `path` into `obj`. Returns `undefined` when any step is missing or not a container, and the unknown sentinel
 * when a step is unknown (so callers can tell "absent" from "not known yet").
 */
export function get(obj: unknown, ...path: Path): unknown {
    if (readHook) readHook(obj, path);
    let cur = raw(obj);
    for (const p of path) {
        if (isUnknown(cur)) return UNKNOWN;
        if (cur === null || typeof cur !== "object") return undefined;
        if (Array.isArray(cur)) {
            if (typeof p !== "number") return undefined;
            cur = cur[p];
        } else {
            if (!Object.prototype.hasOwnProperty.call(cur, p)) return undefined;
            cur = (cur as Record<string, unknown>)[String(p)];
        }
    }
    return cur;
}

/** Throws the error `@pulumi/policy` turns into an advisory "can't run during preview" note. */
export function notKnownYet(path: Path): never {
    throw new UnknownValueError(UNKNOWN, path.map(String));
}

/** A string at `path`; unknown → preview note; anything else that is not a string → undefined. */
export function knownString(obj: unknown, ...path: Path): string | undefined {
    const v = get(obj, ...path);
    if (isUnknown(v)) notKnownYet(path);
    return typeof v === "string" ? v : undefined;
}

/** A string at `path`, or undefined when absent, unknown or not a string (never throws). */
export function maybeString(obj: unknown, ...path: Path): string | undefined {
    const v = get(obj, ...path);
    return typeof v === "string" && !isUnknown(v) ? v : undefined;
}

/** A number at `path` (numeric strings accepted); unknown → preview note; absent or garbage → undefined. */
export function knownNumber(obj: unknown, ...path: Path): number | undefined {
    const v = get(obj, ...path);
    if (isUnknown(v)) notKnownYet(path);
    if (typeof v === "number" && Number.isFinite(v)) return v;
    if (typeof v === "string" && isDecimal(v.trim())) return Number(v);
    return undefined;
}

/** A boolean at `path` ("true"/"false" accepted); unknown → preview note. */
export function knownBool(obj: unknown, ...path: Path): boolean | undefined {
    const v = get(obj, ...path);
    if (isUnknown(v)) notKnownYet(path);
    if (v === true || v === "true") return true;
    if (v === false || v === "false") return false;
    return undefined;
}

/** The items of an array at `path` (an unknown array → preview note; anything else → []). */
export function knownArray(obj: unknown, ...path: Path): unknown[] {
    const v = get(obj, ...path);
    if (isUnknown(v)) notKnownYet(path);
    return Array.isArray(v) ? v : [];
}

/** The same, without preview notes: unknown arrays count as empty. */
export function maybeArray(obj: unknown, ...path: Path): unknown[] {
    const v = get(obj, ...path);
    return Array.isArray(v) ? v : [];
}

/**
 * Parses a JSON document that may arrive as text or as an object; undefined when it is neither. Keys naming a member
 * of `Object.prototype` are dropped from parsed text (no IAM or AWS document element has such a name).
 */
export function jsonDocument(v: unknown): unknown {
    const r = raw(v);
    if (typeof r === "string") {
        if (isUnknown(r)) return UNKNOWN;
        try {
            return parseJson(r);
        } catch {
            return undefined;
        }
    }
    return r !== null && typeof r === "object" ? r : undefined;
}

/** Whether `c` (a one-character string) is an ASCII digit. */
function isDigit(c: string): boolean {
    return c >= "0" && c <= "9";
}

/** `-?digits(.digits)?`, checked in one pass (no regular expression on input). */
export function isDecimal(s: string): boolean {
    let i = s.startsWith("-") ? 1 : 0;
    const start = i;
    while (i < s.length && isDigit(s[i])) i++;
    if (i === start) return false;
    if (i === s.length) return true;
    if (s[i] !== ".") return false;
    const frac = ++i;
    while (i < s.length && isDigit(s[i])) i++;
    return i > frac && i === s.length;
}

/** An AWS account id: exactly 12 digits. */
export function isAccountId(s: string): boolean {
    if (s.length !== 12) return false;
    for (const c of s) if (!isDigit(c)) return false;
    return true;
}

/** Whether every character of `s` is an ASCII letter or digit. */
export function isAlphanumeric(s: string): boolean {
    for (const c of s) if (!isDigit(c) && !((c >= "a" && c <= "z") || (c >= "A" && c <= "Z"))) return false;
    return true;
}

export interface Arn {
    partition: string;
    service: string;
    region: string;
    account: string;
    /** Everything after the fifth colon (may itself contain colons and slashes). */
    resource: string;
}

/**
 * `arn:partition:service:region:account:resource`, or undefined. Parsed with `indexOf` in one pass: input of any
 * length (ARNs arrive from other stacks, possibly hostile) costs time linear in its length.
 */
export function parseArn(arn: string): Arn | undefined {
    if (typeof arn !== "string" || !arn.startsWith("arn:")) return undefined;
    const parts: string[] = [];
    let from = 4;
    for (let k = 0; k < 4; k++) {
        const at = arn.indexOf(":", from);
        if (at < 0) return undefined;
        parts.push(arn.slice(from, at));
        from = at + 1;
    }
    const [partition, service, region, account] = parts;
    const resource = arn.slice(from);
    if (partition === "" || service === "" || resource === "") return undefined;
    return { partition, service, region, account, resource };
}

/** `arn:<partition>:kafka:<region>:<12 digits>:cluster/...` (an MSK cluster). */
export function isKafkaClusterArn(arn: string): boolean {
    const a = parseArn(arn);
    return !!a && a.service === "kafka" && a.region !== "" && isAccountId(a.account) && a.resource.startsWith("cluster/");
}

/** The longest text a message quotes from input (names, ARNs): longer values are cut, with their length. */
export const MAX_QUOTED_CHARS = 256;

/** A value quoted in a message, cut to `MAX_QUOTED_CHARS` so a hostile value cannot swell every diagnostic. */
export function clip(value: string): string {
    return value.length <= MAX_QUOTED_CHARS ? value : `${value.slice(0, MAX_QUOTED_CHARS)}... (${value.length} characters)`;
}

/** A short, safe label for a resource in messages: its name and type. */
export function label(name: string, type: string): string {
    return `'${name}' (${type})`;
}

/** The service of an endpoint's service name (`com.amazonaws.us-east-1.sts` -> `sts`): its last dot-separated label. */
export function endpointService(serviceName: string): string {
    const label = serviceName.slice(serviceName.lastIndexOf(".") + 1);
    for (const c of label) if (!((c >= "a" && c <= "z") || (c >= "0" && c <= "9") || c === "-")) return "";
    return serviceName.includes(".") ? label : "";
}
