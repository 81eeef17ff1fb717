/**
 * How the pack reads a request's properties: decoded once per request, made safe to read, and with the secrets the
 * engine marked remembered.
 *
 * `@pulumi/policy`'s handlers (server.js) decode every resource's properties with `deserializeProperties(struct,
 * false)`, once per policy in `AnalyzeStack`, and that decoding unwraps secrets: a rule sees a secret's plain value
 * and nothing says it was secret. This module replaces that internal function (the only entry the handlers use) with
 * one that, per request message:
 *
 * 1. decodes it once, memoised per `Struct` object (google-protobuf hands out the same object on every
 *    `getProperties()` call; a WeakMap lets the request's messages go), so 25 stack policies pay one decoding; a
 *    value with no secret in it is not copied a second time by the SDK's decoder (its copy would be equal);
 * 2. remembers every string inside a value the engine marked secret (`secretStrings`), so the report path
 *    (rules/common.ts) can withhold any part of it from a diagnostic, whatever field it was read from;
 * 3. makes the value total to read: keys that name a member of `Object.prototype` (`toString`, `valueOf`,
 *    `__proto__`, `constructor`, ...; legal Struct keys, no AWS property's name) are dropped, so `String(v)` or a
 *    template literal can never throw ("Cannot convert object to primitive value"); a malformed special value (an
 *    unknown signature, an asset without a path, a secret without a value), on which the SDK's decoder throws, is read
 *    as a plain object.
 *
 * This patches an internal module of `@pulumi/policy` (pinned by the pack's `package.json` range): when its shape is
 * not the expected one, nothing is patched and the pack works as before, slower and with only the key-material
 * check guarding messages. `tests/pack-build.test.ts` checks that the patch is in place for the installed version;
 * `npm run bench` measures the pack with and without it (MSK_LAMBDA_NO_DECODE_ONCE=1).
 */
type Deserialize = (outputsStruct: object, proxySecrets?: boolean) => Record<string, unknown>;

export const DECODE_ONCE = Symbol.for("msk-lambda.decodeOnce");

/** The protocol's signature key and the signatures `@pulumi/pulumi/runtime/rpc` defines. */
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** Decoded properties object → the strings inside its secret-marked values. */
const secretsByProps = new WeakMap<object, string[]>();

/** The strings inside the secret-marked values of a resource's decoded properties (empty when none or unknown). */
export function secretStrings(decodedProps: unknown): readonly string[] {
    return decodedProps !== null && typeof decodedProps === "object" ? (secretsByProps.get(decodedProps) ?? []) : [];
}

/** Whether a key names a member of `Object.prototype` (and would shadow it, or set the prototype, in a plain object). */
export function isPrototypeKey(key: string): boolean {
    return key in Object.prototype;
}

/**
 * Walks the plain JavaScript of a request's properties (`Struct.toJavaScript()`), in place and without recursion:
 * drops prototype-member keys, turns malformed special values into plain objects, and collects every string (values
 * and keys) inside a secret-marked value.
 */
export function prepareOutputs(outputs: Record<string, unknown>, seen: { secret: boolean } = { secret: false }): string[] {
    const secrets: string[] = [];
    const stack: { v: unknown; secret: boolean }[] = [{ v: outputs, secret: false }];
    while (stack.length) {
        const { v, secret } = stack.pop()!;
        if (typeof v === "string") {
            if (secret) secrets.push(v);
            continue;
        }
        if (v === null || typeof v !== "object") continue;
        if (Array.isArray(v)) {
            for (const x of v) stack.push({ v: x, secret });
            continue;
        }
        const o = v as Record<string, unknown>;
        if (Object.getPrototypeOf(o) !== Object.prototype) Object.setPrototypeOf(o, Object.prototype);
        let inner = secret;
        if (Object.prototype.hasOwnProperty.call(o, SIG_KEY)) {
            if (o[SIG_KEY] === SECRET_SIG) {
                inner = true;
                seen.secret = true;
                if (o.value === undefined) o.value = null;
            } else delete o[SIG_KEY]; // assets, archives, references, unknown signatures: read as plain objects
        }
        for (const k of Object.keys(o)) {
            if (isPrototypeKey(k)) {
                delete o[k];
                continue;
            }
            if (inner && k !== SIG_KEY && k !== "value") secrets.push(k);
            if (k !== SIG_KEY) stack.push({ v: o[k], secret: inner });
        }
    }
    return secrets;
}

export function decodeOnce(): boolean {
    if (process.env.MSK_LAMBDA_NO_DECODE_ONCE === "1") return false;
    let mod: { deserializeProperties?: Deserialize & { [DECODE_ONCE]?: true } };
    try {
        mod = require("@pulumi/policy/deserialize");
    } catch {
        return false;
    }
    const original = mod.deserializeProperties;
    if (typeof original !== "function") return false;
    if (original[DECODE_ONCE]) return true;
    const cache = new WeakMap<object, Record<string, unknown>>();
    const memoised: Deserialize = (outputsStruct, proxySecrets) => {
        if (proxySecrets || outputsStruct === null || typeof outputsStruct !== "object") return original(outputsStruct, proxySecrets);
        let decoded = cache.get(outputsStruct);
        if (decoded === undefined) {
            const toJavaScript = (outputsStruct as { toJavaScript?: () => Record<string, unknown> }).toJavaScript;
            if (typeof toJavaScript !== "function") return original(outputsStruct, proxySecrets);
            const outputs = toJavaScript.call(outputsStruct);
            const seen = { secret: false };
            const secrets = prepareOutputs(outputs, seen);
            // The SDK's own decoding, on the prepared plain value (it calls `toJavaScript()` and nothing else). With no
            // secret left to unwrap (other special values are plain objects now), that decoding is a deep copy of
            // plain JSON (`toJavaScript` gives no undefined value): the prepared value itself is used instead.
            decoded = seen.secret ? original({ toJavaScript: () => outputs }, false) : outputs;
            if (secrets.length) secretsByProps.set(decoded, secrets);
            cache.set(outputsStruct, decoded);
        }
        return decoded;
    };
    mod.deserializeProperties = Object.assign(memoised, { [DECODE_ONCE]: true as const });
    return true;
}
