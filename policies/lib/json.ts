/** The pack's one JSON parser (no dependencies: the program's config validation shares it through lib/mtls.ts). */

/** The names of `Object.prototype`'s members: as JSON keys they would shadow them (`{"toString": 1}`). */
const PROTOTYPE_KEYS = Object.getOwnPropertyNames(Object.prototype);

/**
 * Deletes, in place and without recursion, every key naming a member of `Object.prototype` from a parsed JSON value,
 * so the value is as total to read as the properties the engine sends (lib/decode-once.ts): `String(v)` and template
 * literals cannot throw on it.
 */
export function dropPrototypeKeys(doc: unknown): void {
    const stack: unknown[] = [doc];
    while (stack.length) {
        const v = stack.pop();
        if (v === null || typeof v !== "object") continue;
        if (Array.isArray(v)) {
            for (const x of v) stack.push(x);
            continue;
        }
        const o = v as Record<string, unknown>;
        for (const k of Object.keys(o)) {
            if (k in Object.prototype) delete o[k];
            else stack.push(o[k]);
        }
    }
}

/** Whether JSON text may hold a key naming a member of `Object.prototype` (written plainly or with escapes). */
function mayHavePrototypeKeys(text: string): boolean {
    if (text.includes("\\u")) return true;
    for (const k of PROTOTYPE_KEYS) if (text.includes(`"${k}"`)) return true;
    return false;
}

/**
 * `JSON.parse`, with keys naming a member of `Object.prototype` dropped (the pack's only JSON parser: lint refuses
 * `JSON.parse` elsewhere in `policies/`). Throws as `JSON.parse` does on text that is not JSON.
 */
export function parseJson(text: string): unknown {
    const doc: unknown = JSON.parse(text);
    if (mayHavePrototypeKeys(text)) dropPrototypeKeys(doc);
    return doc;
}
