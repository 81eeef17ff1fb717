/**
 * Inspection of a Lambda mTLS secret (`CLIENT_CERTIFICATE_TLS_AUTH`): real X.509 parsing with Node's
 * `crypto.X509Certificate` and ASN.1 parsing of the private key's `EncryptedPrivateKeyInfo` with asn1js.
 *
 * Shared by the program's config validation and the policy pack, so both judge a secret the same way. Findings never
 * contain key material, PEM text or passwords: only certificate positions, subjects and algorithm names.
 *
 * "Using Lambda with Amazon MSK" ("Configuring the mTLS secret"):
 * - "The CLIENT_CERTIFICATE_TLS_AUTH secret requires a certificate field and a private key field. For an encrypted
 *   private key, the secret requires a private key password. Both the certificate and private key must be in PEM
 *   format."
 * - "Lambda supports the PBES1 (but not PBES2) private key encryption algorithms."
 * - "The certificate field must contain a list of certificates, beginning with the client certificate, followed by
 *   any intermediate certificates, and ending with the root certificate. Each certificate must start on a new line."
 * - "Secrets Manager supports secrets up to 65,536 bytes."
 * - "The private key must be in PKCS #8 format" (BEGIN PRIVATE KEY, or BEGIN ENCRYPTED PRIVATE KEY when encrypted).
 * - The client certificate must be signed by a CA in the brokers' trust store, so a self-signed client certificate
 *   is refused.
 */
import * as asn1js from "asn1js";
import { createPrivateKey, X509Certificate, type KeyObject } from "crypto";
import { parseJson } from "./json";

/** Secrets Manager's limit on a secret value. */
export const SECRET_MAX_BYTES = 65_536;

export type FindingCode =
    | "not-an-object"
    | "missing-certificate"
    | "bad-certificate-pem"
    | "certificate-not-on-new-line"
    | "chain-order"
    | "chain-signature"
    | "chain-not-ending-in-root"
    | "self-signed-client"
    | "expired"
    | "not-yet-valid"
    | "missing-private-key"
    | "not-pkcs8"
    | "bad-private-key"
    | "pbes2"
    | "unknown-encryption"
    | "missing-password"
    | "wrong-password"
    | "key-mismatch"
    | "too-large";

export interface Finding {
    code: FindingCode;
    message: string;
}

/** PBES1 schemes: PKCS#5 v1.5 (pbeWith...) and PKCS#12 password-based encryption (pbeWithSHAAnd...). */
const PBES1_OIDS: Record<string, string> = {
    "1.2.840.113549.1.5.1": "pbeWithMD2AndDES-CBC (PKCS#5 v1.5)",
    "1.2.840.113549.1.5.3": "pbeWithMD5AndDES-CBC (PKCS#5 v1.5)",
    "1.2.840.113549.1.5.4": "pbeWithMD2AndRC2-CBC (PKCS#5 v1.5)",
    "1.2.840.113549.1.5.6": "pbeWithMD5AndRC2-CBC (PKCS#5 v1.5)",
    "1.2.840.113549.1.5.10": "pbeWithSHA1AndDES-CBC (PKCS#5 v1.5)",
    "1.2.840.113549.1.5.11": "pbeWithSHA1AndRC2-CBC (PKCS#5 v1.5)",
    "1.2.840.113549.1.12.1.1": "pbeWithSHAAnd128BitRC4 (PKCS#12)",
    "1.2.840.113549.1.12.1.2": "pbeWithSHAAnd40BitRC4 (PKCS#12)",
    "1.2.840.113549.1.12.1.3": "pbeWithSHAAnd3-KeyTripleDES-CBC (PKCS#12)",
    "1.2.840.113549.1.12.1.4": "pbeWithSHAAnd2-KeyTripleDES-CBC (PKCS#12)",
    "1.2.840.113549.1.12.1.5": "pbeWithSHAAnd128BitRC2-CBC (PKCS#12)",
    "1.2.840.113549.1.12.1.6": "pbeWithSHAAnd40BitRC2-CBC (PKCS#12)",
};
export const PBES2_OID = "1.2.840.113549.1.5.13";

export interface PemBlock {
    label: string;
    der: Buffer;
    /** The block starts at the beginning of a line. */
    onNewLine: boolean;
}

const BEGIN = "-----BEGIN ";
const END = "-----END ";
const DASHES = "-----";

/** `[A-Z0-9 ]` */
function isLabelChar(c: string): boolean {
    return (c >= "A" && c <= "Z") || (c >= "0" && c <= "9") || c === " ";
}

/** The label of a `-----BEGIN LABEL-----` / `-----END LABEL-----` line starting at `from` (after the keyword), and where it ends. */
function labelAt(text: string, from: number): { label: string; end: number } | undefined {
    let i = from;
    while (i < text.length && isLabelChar(text[i])) i++;
    if (i === from || !text.startsWith(DASHES, i)) return undefined;
    return { label: text.slice(from, i), end: i + DASHES.length };
}

/** Whitespace as base64 bodies use it (PEM lines), which is dropped before decoding. */
function isSpace(c: string): boolean {
    return c === " " || c === "\n" || c === "\r" || c === "\t" || c === "\v" || c === "\f";
}

/** Strict base64: `[A-Za-z0-9+/]*` then at most two `=`. */
function isBase64(s: string): boolean {
    let i = 0;
    while (i < s.length) {
        const c = s[i];
        if (!((c >= "A" && c <= "Z") || (c >= "a" && c <= "z") || (c >= "0" && c <= "9") || c === "+" || c === "/")) break;
        i++;
    }
    const pad = s.length - i;
    return pad <= 2 && s.slice(i) === "=".repeat(pad);
}

/**
 * Splits PEM text into its blocks (`-----BEGIN L-----` ... the next `-----END L-----` with the same label). Bodies that
 * are not base64 make the block's `der` empty. Text over Secrets Manager's limit is not parsed (callers report it as
 * too large). No regular expression: every END marker is indexed once, then each BEGIN finds its END by a pointer per
 * label, so any input (thousands of unmatched BEGIN lines included) is parsed in linear time.
 */
export function pemBlocks(text: string): PemBlock[] {
    const out: PemBlock[] = [];
    if (text.length > SECRET_MAX_BYTES) return out;
    // Every END marker, by label, in text order.
    const ends = new Map<string, { at: number; after: number }[]>();
    for (let at = text.indexOf(END); at >= 0; at = text.indexOf(END, at + 1)) {
        const l = labelAt(text, at + END.length);
        if (!l) continue;
        const list = ends.get(l.label) ?? [];
        list.push({ at, after: l.end });
        ends.set(l.label, list);
    }
    const next = new Map<string, number>(); // per label: the first END not yet passed
    let from = 0;
    while (true) {
        const start = text.indexOf(BEGIN, from);
        if (start < 0) break;
        const header = labelAt(text, start + BEGIN.length);
        const list = header ? ends.get(header.label) : undefined;
        let k = header ? (next.get(header.label) ?? 0) : 0;
        while (list && header && k < list.length && list[k].at < header.end) k++;
        if (!header || !list || k >= list.length) {
            if (header) next.set(header.label, k);
            from = start + 1;
            continue;
        }
        next.set(header.label, k);
        const end = list[k];
        let body = "";
        for (let i = header.end; i < end.at; i++) if (!isSpace(text[i])) body += text[i];
        const der = isBase64(body) ? Buffer.from(body, "base64") : Buffer.alloc(0);
        out.push({ label: header.label, der, onNewLine: start === 0 || text[start - 1] === "\n" });
        from = end.after;
    }
    return out;
}

export type KeyEncryption =
    { kind: "none" } | { kind: "pbes1"; scheme: string; oid: string } | { kind: "pbes2"; oid: string } | { kind: "unknown"; oid: string } | { kind: "invalid" };

/** Reads the encryption algorithm of a PKCS#8 `EncryptedPrivateKeyInfo` (DER). */
export function keyEncryption(der: Buffer): KeyEncryption {
    let parsed: ReturnType<typeof asn1js.fromBER>;
    try {
        parsed = asn1js.fromBER(new Uint8Array(der));
    } catch {
        return { kind: "invalid" };
    }
    if (parsed.offset === -1 || !(parsed.result instanceof asn1js.Sequence)) return { kind: "invalid" };
    // EncryptedPrivateKeyInfo ::= SEQUENCE { encryptionAlgorithm AlgorithmIdentifier, encryptedData OCTET STRING }
    const [algorithm, data] = parsed.result.valueBlock.value;
    if (!(algorithm instanceof asn1js.Sequence) || !(data instanceof asn1js.OctetString)) return { kind: "invalid" };
    const oidNode = algorithm.valueBlock.value[0];
    if (!(oidNode instanceof asn1js.ObjectIdentifier)) return { kind: "invalid" };
    const oid = oidNode.valueBlock.toString();
    if (oid === PBES2_OID) return { kind: "pbes2", oid };
    if (PBES1_OIDS[oid]) return { kind: "pbes1", scheme: PBES1_OIDS[oid], oid };
    return { kind: "unknown", oid };
}

function subject(c: X509Certificate): string {
    const lines = c.subject.split("\n");
    return lines.find((l) => l.startsWith("CN=")) ?? lines.join(", ");
}

/** A crypto check that counts as failed when it throws. */
function safely(check: () => boolean): boolean {
    try {
        return check();
    } catch {
        return false;
    }
}

function isSelfSigned(c: X509Certificate): boolean {
    return safely(() => c.checkIssued(c) && c.verify(c.publicKey));
}

export interface MtlsSecretValue {
    certificate?: unknown;
    privateKey?: unknown;
    privateKeyPassword?: unknown;
}

/**
 * Judges an mTLS secret value (the parsed JSON object, or the JSON text) against every rule above.
 * @param now the time certificates must be valid at (tests pass a fixed time)
 */
export function inspectMtlsSecret(value: MtlsSecretValue | string, now: Date = new Date()): Finding[] {
    const findings: Finding[] = [];
    const add = (code: FindingCode, message: string) => findings.push({ code, message });
    let secret: MtlsSecretValue;
    if (typeof value === "string") {
        if (Buffer.byteLength(value, "utf8") > SECRET_MAX_BYTES)
            add("too-large", `the secret is ${Buffer.byteLength(value, "utf8")} bytes; Secrets Manager allows at most ${SECRET_MAX_BYTES}`);
        try {
            secret = parseJson(value) as MtlsSecretValue;
        } catch {
            add("not-an-object", 'the secret value is not JSON: it must be {"certificate": ..., "privateKey": ..., "privateKeyPassword"?: ...}');
            return findings;
        }
    } else {
        secret = value;
        const size = Buffer.byteLength(JSON.stringify(value ?? null), "utf8");
        if (size > SECRET_MAX_BYTES) add("too-large", `the secret is ${size} bytes; Secrets Manager allows at most ${SECRET_MAX_BYTES}`);
    }
    if (!secret || typeof secret !== "object" || Array.isArray(secret)) {
        add("not-an-object", "the secret value must be a JSON object with certificate and privateKey fields");
        return findings;
    }

    const certs = checkChain(secret.certificate, now, add);
    const key = checkKey(secret.privateKey, secret.privateKeyPassword, add);
    if (certs.length > 0 && key) {
        if (!safely(() => certs[0].checkPrivateKey(key)))
            add("key-mismatch", `the private key does not belong to the client certificate (${subject(certs[0])}), the first in the chain`);
    }
    return findings;
}

function checkChain(field: unknown, now: Date, add: (c: FindingCode, m: string) => void): X509Certificate[] {
    if (typeof field !== "string" || field.trim() === "") {
        add("missing-certificate", "the secret has no certificate field: it needs the PEM chain, client certificate first, then intermediates, root last");
        return [];
    }
    if (field.length > SECRET_MAX_BYTES) return []; // reported as too-large
    const blocks = pemBlocks(field);
    const certBlocks = blocks.filter((b) => b.label === "CERTIFICATE");
    if (certBlocks.length === 0) {
        add("bad-certificate-pem", "the certificate field holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
        return [];
    }
    if (certBlocks.length !== blocks.length)
        add("bad-certificate-pem", "the certificate field holds PEM blocks that are not certificates; it must hold only the certificate chain");
    const certs: X509Certificate[] = [];
    certBlocks.forEach((b, i) => {
        if (!b.onNewLine) add("certificate-not-on-new-line", `certificate ${i + 1} does not start on a new line; each certificate must start on its own line`);
        try {
            certs.push(new X509Certificate(b.der));
        } catch {
            add("bad-certificate-pem", `certificate ${i + 1} is not a valid X.509 certificate`);
        }
    });
    if (certs.length !== certBlocks.length) return [];

    certs.forEach((c, i) => {
        const from = Date.parse(c.validFrom);
        const to = Date.parse(c.validTo);
        if (to < now.getTime()) add("expired", `certificate ${i + 1} (${subject(c)}) expired on ${new Date(to).toISOString()}`);
        else if (from > now.getTime()) add("not-yet-valid", `certificate ${i + 1} (${subject(c)}) is not valid before ${new Date(from).toISOString()}`);
    });

    if (isSelfSigned(certs[0])) {
        add("self-signed-client", `the client certificate (${subject(certs[0])}) is self-signed: it must be signed by a CA the brokers trust`);
    }
    for (let i = 0; i + 1 < certs.length; i++) {
        const child = certs[i];
        const parent = certs[i + 1];
        if (!child.checkIssued(parent)) {
            // Say whether the chain is merely out of order: is the issuer elsewhere in the list?
            const elsewhere = certs.findIndex((c, j) => j !== i && j !== i + 1 && child.checkIssued(c));
            add(
                "chain-order",
                `certificate ${i + 1} (${subject(child)}) is not issued by certificate ${i + 2} (${subject(parent)})` +
                    (elsewhere >= 0
                        ? `; its issuer is certificate ${elsewhere + 1}: order the chain client first, then intermediates, root last`
                        : "; the chain must go client first, then intermediates, root last"),
            );
        } else {
            if (!safely(() => child.verify(parent.publicKey)))
                add(
                    "chain-signature",
                    `the signature of certificate ${i + 1} (${subject(child)}) does not verify with the key of certificate ${i + 2} (${subject(parent)})`,
                );
        }
    }
    if (certs.length > 1 && !isSelfSigned(certs[certs.length - 1])) {
        add(
            "chain-not-ending-in-root",
            `the last certificate (${subject(certs[certs.length - 1])}) is not a root CA certificate: the chain must end with the root`,
        );
    } else if (certs.length === 1 && !isSelfSigned(certs[0])) {
        add("chain-not-ending-in-root", "the certificate field holds only the client certificate: add the intermediates and end with the root certificate");
    }
    return certs;
}

function checkKey(field: unknown, password: unknown, add: (c: FindingCode, m: string) => void): KeyObject | undefined {
    if (typeof field !== "string" || field.trim() === "") {
        add("missing-private-key", "the secret has no privateKey field: it needs the client's PKCS#8 private key in PEM");
        return undefined;
    }
    if (field.length > SECRET_MAX_BYTES) return undefined; // reported as too-large
    const blocks = pemBlocks(field);
    if (blocks.length !== 1) {
        add("bad-private-key", `the privateKey field must hold exactly one PEM private key, found ${blocks.length} PEM blocks`);
        return undefined;
    }
    const [b] = blocks;
    if (b.label === "PRIVATE KEY") {
        try {
            return createPrivateKey({ key: b.der, format: "der", type: "pkcs8" });
        } catch {
            add("bad-private-key", "the privateKey is not a valid PKCS#8 private key");
            return undefined;
        }
    }
    if (b.label === "ENCRYPTED PRIVATE KEY") {
        const enc = keyEncryption(b.der);
        if (enc.kind === "invalid") {
            add("bad-private-key", "the encrypted privateKey is not a valid PKCS#8 EncryptedPrivateKeyInfo");
            return undefined;
        }
        if (enc.kind === "pbes2") {
            add(
                "pbes2",
                "the privateKey is encrypted with PBES2; Lambda supports only PBES1 schemes: re-encrypt it, e.g. openssl pkcs8 -topk8 -v1 PBE-SHA1-3DES",
            );
        } else if (enc.kind === "unknown") {
            add("unknown-encryption", `the privateKey is encrypted with an unknown algorithm (${enc.oid}); Lambda supports PBES1 schemes only`);
        }
        if (typeof password !== "string" || password === "") {
            add("missing-password", "the privateKey is encrypted but the secret has no privateKeyPassword");
            return undefined;
        }
        try {
            return createPrivateKey({ key: b.der, format: "der", type: "pkcs8", passphrase: password });
        } catch {
            // OpenSSL 3 cannot read some legacy PBES1 schemes; only report a wrong password for schemes it reads.
            if (enc.kind === "pbes1" && ["DES-CBC (PKCS#5", "RC2", "RC4", "MD2"].some((x) => enc.scheme.includes(x))) return undefined;
            add("wrong-password", "the privateKeyPassword does not decrypt the privateKey");
            return undefined;
        }
    }
    add(
        "not-pkcs8",
        `the privateKey is a "${b.label}" PEM block; Lambda needs PKCS#8 (BEGIN PRIVATE KEY or BEGIN ENCRYPTED PRIVATE KEY): convert it with openssl pkcs8 -topk8`,
    );
    return undefined;
}
