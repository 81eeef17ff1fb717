/**
 * Decode each resource's properties once per request, not once per stack policy.
 *
 * `@pulumi/policy`'s `AnalyzeStack` handler (server.js, `makeAnalyzeStackRpcFun`) decodes every resource's properties
 * again for every stack policy: `deserializeProperties(r.getProperties(), false)` inside its loop over policies. With
 * this pack's 25 stack policies that decoding, not the rules, was most of a stack's cost (10,000 resources: 5.8 s
 * against 1.2 s for a pack with no policies). The decoded value depends only on the request's `Struct` message, which
 * google-protobuf hands out as the same object on every `getProperties()` call (it caches wrapper fields), and nothing
 * writes to it (the handler wraps it in a read-only-in-practice proxy; the pack's rules only read). So the plain
 * decoding (`proxySecrets` false) is memoised per message object, in a WeakMap that lets the request's messages go.
 *
 * This patches an internal module of `@pulumi/policy` (pinned by the pack's `package.json` range): when its shape is
 * not the expected one, nothing is patched and the pack works as before, only slower. `tests/pack-build.test.ts` checks
 * that the patch is in place for the installed version.
 */
type Deserialize = (outputsStruct: object, proxySecrets?: boolean) => Record<string, unknown>;

export const DECODE_ONCE = Symbol.for("msk-lambda.decodeOnce");

export function decodeOnce(): boolean {
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
            decoded = original(outputsStruct, proxySecrets);
            cache.set(outputsStruct, decoded);
        }
        return decoded;
    };
    mod.deserializeProperties = Object.assign(memoised, { [DECODE_ONCE]: true as const });
    return true;
}
