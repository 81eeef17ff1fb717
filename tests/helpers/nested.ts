/**
 * Protobuf bytes of a `Struct` nested `depth` levels (`{"a": {"a": ... "x"}}`), encoded without recursion, so a test
 * can send nesting deeper than google-protobuf's own (recursive) encoder reaches.
 */
function varint(n: number): number[] {
    const out: number[] = [];
    while (n > 0x7f) {
        out.push((n & 0x7f) | 0x80);
        n >>>= 7;
    }
    out.push(n);
    return out;
}

/** The encoded `AnalyzeRequest.properties` field (field 2) holding `{ [key]: <value nested depth levels> }`. */
export function nestedPropertiesField(key: string, depth: number): Uint8Array {
    // Lengths from the innermost value out. Value{string_value: "x"} = 0x1a 0x01 'x'.
    const valueLen: number[] = [3];
    for (let i = 1; i <= depth; i++) {
        const entry = 3 + 1 + varint(valueLen[i - 1]).length + valueLen[i - 1]; // key "a", then field 2 (the inner Value)
        const struct = 1 + varint(entry).length + entry; // Struct.fields, one map entry
        valueLen.push(1 + varint(struct).length + struct); // Value.struct_value (field 5)
    }
    const head: number[] = [];
    const keyBytes = [...Buffer.from(key, "utf8")];
    const topEntry = 1 + varint(keyBytes.length).length + keyBytes.length + 1 + varint(valueLen[depth]).length + valueLen[depth];
    const topStruct = 1 + varint(topEntry).length + topEntry;
    head.push(0x12, ...varint(topStruct), 0x0a, ...varint(topEntry), 0x0a, ...varint(keyBytes.length), ...keyBytes, 0x12, ...varint(valueLen[depth]));
    const parts: number[][] = [head];
    for (let i = depth; i >= 1; i--) {
        const entry = 3 + 1 + varint(valueLen[i - 1]).length + valueLen[i - 1];
        const struct = 1 + varint(entry).length + entry;
        parts.push([0x2a, ...varint(struct), 0x0a, ...varint(entry), 0x0a, 0x01, 0x61, 0x12, ...varint(valueLen[i - 1])]);
    }
    parts.push([0x1a, 0x01, 0x78]);
    const total = parts.reduce((n, p) => n + p.length, 0);
    const out = new Uint8Array(total);
    let at = 0;
    for (const p of parts) {
        out.set(p, at);
        at += p.length;
    }
    return out;
}
