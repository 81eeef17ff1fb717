/**
 * Serialized Pulumi values (the wire form the engine and analyzers see) turned into display JSON or analyzer input.
 * No Pulumi runtime here, so the plan can render and validate without loading it.
 */
import { createHash } from "crypto";

/** The protocol's sentinel for a value that is not known yet (a computed output during preview). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const SIG = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** A secret as the wire carries it (the engine to an analyzer, the SDK to the engine). */
export function secretValue(value: unknown): Record<string, unknown> {
    return { [SIG]: SECRET_SIG, value };
}

/** Whether a serialized value is a wrapped secret. */
export function isSecretValue(v: unknown): boolean {
    return !!v && typeof v === "object" && (v as Record<string, unknown>)[SIG] === SECRET_SIG;
}
const RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";
const OUTPUT_SIG = "d0e6a833031e9bbcd3f4e8bde6ca49a4";
const ASSET_SIG = "c44067f5952c0a294b673a41bacd8c17";
const ARCHIVE_SIG = "0def7320c3a5731c473e5ecbe6d01bc7";

/** An asset or archive as a short description (its contents are code, not configuration). */
function describeAsset(o: Record<string, unknown>): unknown {
    if (o[SIG] === ARCHIVE_SIG) {
        if (o.assets && typeof o.assets === "object") {
            const out: Record<string, unknown> = {};
            for (const [k, v] of Object.entries(o.assets as Record<string, Record<string, unknown>>)) out[k] = describeAsset(v);
            return { archive: out };
        }
        return { archive: o.path ?? o.uri ?? "[archive]" };
    }
    if (typeof o.text === "string") {
        return `[asset ${Buffer.byteLength(o.text)} bytes, sha256 ${createHash("sha256").update(o.text).digest("hex").slice(0, 16)}]`;
    }
    return `[asset ${o.path ?? o.uri ?? ""}]`;
}

/**
 * Turns serialized values into plain JSON for display: secrets become "[secret]", unknowns "[unknown]", resource
 * references their URN. Nothing secret survives this function.
 */
export function display(value: unknown): unknown {
    if (value === UNKNOWN) return "[unknown]";
    if (Array.isArray(value)) return value.map(display);
    if (value !== null && typeof value === "object") {
        const o = value as Record<string, unknown>;
        if (o[SIG] === SECRET_SIG) return "[secret]";
        if (o[SIG] === RESOURCE_SIG) return o.urn;
        if (o[SIG] === OUTPUT_SIG) return o.secret ? "[secret]" : "value" in o ? display(o.value) : "[unknown]";
        if (o[SIG] === ASSET_SIG || o[SIG] === ARCHIVE_SIG) return describeAsset(o);
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(o)) out[k] = display(v);
        return out;
    }
    return value;
}

/**
 * Serialized value to what the engine sends an analyzer: unknowns stay the protocol's sentinel, secrets stay wrapped
 * (the pack's runtime unwraps them), resource references become URNs and output values their value. With
 * `unwrapSecrets`, secrets become their plain value (what a policy finally reads).
 */
export function forAnalyzer(value: unknown, unwrapSecrets = true): unknown {
    const walk = (v: unknown): unknown => {
        if (Array.isArray(v)) return v.map(walk);
        if (v !== null && typeof v === "object") {
            const o = v as Record<string, unknown>;
            if (o[SIG] === SECRET_SIG) return unwrapSecrets ? walk(o.value) : { [SIG]: SECRET_SIG, value: walk(o.value) };
            if (o[SIG] === RESOURCE_SIG) return o.urn;
            if (o[SIG] === OUTPUT_SIG) {
                const inner = "value" in o ? walk(o.value) : UNKNOWN;
                return o.secret && !unwrapSecrets ? { [SIG]: SECRET_SIG, value: inner } : inner;
            }
            if (o[SIG] === ASSET_SIG || o[SIG] === ARCHIVE_SIG) return describeAsset(o);
            const out: Record<string, unknown> = {};
            for (const [k, x] of Object.entries(o)) if (x !== undefined) out[k] = walk(x);
            return out;
        }
        return v;
    };
    return walk(value);
}
