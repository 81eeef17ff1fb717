/**
 * Resolving a KMS key reference the way AWS does: a key ARN, a key id, an alias name (`alias/x`) or an alias ARN.
 * Through the stack, an alias leads to its target key (`aws:kms/alias:Alias` `name`, `arn`, `targetKeyId`) and a key
 * id to the key (`keyId`, `id`, `arn`).
 */
import type { PolicyResource } from "@pulumi/policy";
import { T, type StackIndex } from "./graph";
import { get, isAccountId, isUnknown, parseArn } from "./values";

export type KeyResolution =
    /** The key resource in this stack (its `arn` may be unknown in a preview). */
    | { state: "resource"; key: PolicyResource; arn: unknown }
    /** A key ARN for a key this stack does not define. */
    | { state: "arn"; arn: string }
    /** Not known yet (preview). */
    | { state: "unknown" }
    /** An alias or key id that names nothing in this stack: the pack cannot tell which key it is. */
    | { state: "unresolved"; value: string };

export function isKeyArn(v: string): boolean {
    const p = parseArn(v);
    return !!p && p.service === "kms" && p.resource.startsWith("key/");
}

/** Resolves `owner`'s property `prop` (whose value is `value`) to a KMS key. */
export function resolveKey(index: StackIndex, owner: PolicyResource, prop: string, value: unknown): KeyResolution {
    const found = index.resolve(owner, prop, value, [T.kmsKey, T.kmsAlias]);
    const keys = found.filter((r) => r.type === T.kmsKey);
    // A known value picks the key or alias it names; a dependency alone (value unknown) picks what the property depends on.
    for (const alias of found.filter((r) => r.type === T.kmsAlias)) {
        for (const k of index.resolve(alias, "targetKeyId", get(alias.props, "targetKeyId"), [T.kmsKey])) if (!keys.includes(k)) keys.push(k);
    }
    if (keys.length) return { state: "resource", key: keys[0], arn: get(keys[0].props, "arn") };
    if (typeof value !== "string" || isUnknown(value))
        return isUnknown(value) || found.length ? { state: "unknown" } : { state: "unresolved", value: String(value) };
    if (isKeyArn(value)) return { state: "arn", arn: value };
    return { state: "unresolved", value };
}

/** The account in an ARN, or undefined. */
export function accountOf(arn: unknown): string | undefined {
    if (typeof arn !== "string" || isUnknown(arn)) return undefined;
    const a = parseArn(arn)?.account;
    return a && isAccountId(a) ? a : undefined;
}

/**
 * Whether AWS forbids automatic rotation for a key (AWS KMS Developer Guide, "Rotate AWS KMS keys": only symmetric
 * encryption keys whose material AWS KMS generates rotate; not asymmetric or HMAC keys (`keySpec` /
 * `customerMasterKeySpec` other than SYMMETRIC_DEFAULT, `keyUsage` other than ENCRYPT_DECRYPT), keys with imported
 * material (`origin: EXTERNAL`) or keys in a custom key store (`customKeyStoreId`, `origin: AWS_CLOUDHSM` or
 * `EXTERNAL_KEY_STORE`)). `"unknown"`: a value that decides it is not known yet.
 */
export function rotationForbidden(props: unknown): boolean | "unknown" {
    const specs = [get(props, "customerMasterKeySpec"), get(props, "keySpec")];
    const spec = specs.find((v) => typeof v === "string" && !isUnknown(v)) ?? "SYMMETRIC_DEFAULT";
    if (spec !== "SYMMETRIC_DEFAULT") return true;
    const usage = get(props, "keyUsage");
    if (typeof usage === "string" && !isUnknown(usage) && usage !== "ENCRYPT_DECRYPT") return true;
    const origin = get(props, "origin");
    if (typeof origin === "string" && !isUnknown(origin) && origin !== "AWS_KMS") return true;
    const store = get(props, "customKeyStoreId");
    if (typeof store === "string" && store !== "" && !isUnknown(store)) return true;
    return [...specs, usage, origin, store].some(isUnknown) ? "unknown" : false;
}
