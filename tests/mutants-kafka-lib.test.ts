/**
 * policies/lib/kafka.ts `secretText`: a secret stored as `secretBinary` (base64 in Pulumi's AWS provider) is judged by
 * its decoded text, and only standard base64 is decoded (issue 21: `npm run mutate:pack -- --mutate
 * policies/lib/kafka.ts` found the alphabet's edges, the padding and the whitespace untested; bench/mutation/lib-kafka.md).
 */
import * as assert from "assert";
import { secretText } from "../policies/lib/kafka";
import { UNKNOWN } from "./helpers/pack";

const decoded = (b64: string) => Buffer.from(b64.replace(/\s/g, ""), "base64").toString("utf8");

describe("policies/lib/kafka.ts secretText: which secretBinary values are base64 (issue 21)", () => {
    it("secretString is taken as is; not known yet is unknown", () => {
        assert.deepStrictEqual(secretText({ secretString: "x" }), { unknown: false, text: "x", from: "secretString" });
        assert.deepStrictEqual(secretText({ secretString: UNKNOWN }), { unknown: true });
        assert.deepStrictEqual(secretText({ secretBinary: UNKNOWN }), { unknown: true });
        assert.deepStrictEqual(secretText({ secretBinary: 42 }), { unknown: false });
    });

    // Each edge of the alphabet (A-Z, a-z, 0-9, '+', '/') in a valid 8-character group: decoded.
    for (const b64 of ["AZaz09+/", "QUJD", "QQ==", "QUI=", "/+90zaZA"]) {
        it(`${JSON.stringify(b64)} is base64: decoded`, () => {
            assert.deepStrictEqual(secretText({ secretBinary: b64 }), { unknown: false, text: decoded(b64), from: "secretBinary" });
        });
    }
    // The character just outside each edge, '=' inside, a wrong length: not base64, the text is kept as given.
    for (const raw of ["@Zaz09+/", "A[az09+/", "AZ`z09+/", "AZa{09+/", "AZaz/:+/", "AZaz09,/", "AZaz09+.", "Q=Q=", "QUJ", "QUJDR", "Q===", "AZaz09-_"]) {
        it(`${JSON.stringify(raw)} is not base64: kept as text`, () => {
            assert.deepStrictEqual(secretText({ secretBinary: raw }), { unknown: false, text: raw, from: "secretBinary" });
        });
    }
    it("whitespace of every kind (base64 wrapped at 64 or 76 characters) is removed before decoding", () => {
        for (const ws of [" ", "\n", "\r", "\t", "\f", "\v", "\r\n"]) {
            const b64 = `QU${ws}JD`;
            assert.deepStrictEqual(secretText({ secretBinary: b64 }), { unknown: false, text: "ABC", from: "secretBinary" }, JSON.stringify(ws));
        }
    });
    it("a JSON document stored as secretBinary reads as the same text as secretString", () => {
        const json = JSON.stringify({ username: "u", password: "p" });
        const b64 = Buffer.from(json).toString("base64");
        assert.strictEqual(secretText({ secretBinary: b64 }).text, json);
    });
});
