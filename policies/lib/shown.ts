/**
 * The one path for input text in diagnostics. Two layers:
 *
 * - `shown(value)`: how a rule quotes a value read from a stack in a message: total (any JSON value, never throws),
 *   quoted and cut to `MAX_QUOTED_CHARS`, and never key material (PEM armour, a long base64 run): such a value is
 *   described, not quoted. ESLint refuses the other ways of turning input into message text in `rules/`
 *   (`JSON.stringify(...)` and `String(...)` inside a template literal).
 * - `Redactor`: what every diagnostic goes through before it leaves the pack (rules/common.ts `limitReports`, applied
 *   to every policy): any run of 8 or more characters that also occurs in a value the engine marked secret (in that
 *   request, lib/decode-once.ts), any whole secret of 4 or more characters, any PEM block and any base64 run that
 *   looks like a key is replaced by `[withheld]`, whatever field the value came from and however the rule built the
 *   message.
 *
 * Everything here is linear in the text's length (no regular expressions: lint forbids them in the pack).
 */
import { parseJson } from "./json";

/** The longest text a message quotes from input (names, ARNs): longer values are cut, with their length. */
export const MAX_QUOTED_CHARS = 256;
/** A run of this many characters shared with a secret is withheld. */
export const SECRET_RUN = 8;
/** Whole secrets shorter than this are not looked for (a one-letter secret would withhold every message). */
export const MIN_SECRET_CHARS = 4;
/** A run of base64 characters this long, with upper case, lower case and digits, is taken for key material. */
export const BASE64_RUN = 40;
export const WITHHELD = "[withheld]";

function isBase64Char(c: string): boolean {
    return (c >= "A" && c <= "Z") || (c >= "a" && c <= "z") || (c >= "0" && c <= "9") || c === "+" || c === "/" || c === "=";
}

/** [start, end) spans of `text` that look like key material: PEM blocks (or their remains) and long base64 runs. */
function keyMaterialSpans(text: string): [number, number][] {
    const spans: [number, number][] = [];
    // PEM: from "-----BEGIN" to the end of its "-----END ...-----" line; without an END line, through the body that
    // follows the armour line (base64, line ends, escaped line ends). Armour with no body (a message naming the
    // format) is not key material.
    let from = 0;
    for (;;) {
        const begin = text.indexOf("-----BEGIN", from);
        if (begin < 0) break;
        const labelEnd = text.indexOf("-----", begin + 10);
        const afterArmour = labelEnd >= 0 ? labelEnd + 5 : text.length;
        const end = text.indexOf("-----END", afterArmour);
        let stop: number;
        if (end >= 0) {
            const close = text.indexOf("-----", end + 8);
            stop = close >= 0 ? close + 5 : text.length;
        } else {
            stop = afterArmour;
            while (stop < text.length && (isBase64Char(text[stop]) || text[stop] === "\n" || text[stop] === "\r" || text[stop] === "\\")) stop++;
            if (stop === afterArmour) {
                from = afterArmour;
                continue;
            }
        }
        spans.push([begin, stop]);
        from = stop;
    }
    // Base64 runs (a PEM body without its armour, a raw key).
    let i = 0;
    while (i < text.length) {
        if (!isBase64Char(text[i])) {
            i++;
            continue;
        }
        const start = i;
        let upper = false;
        let lower = false;
        let digit = false;
        while (i < text.length && isBase64Char(text[i])) {
            const c = text[i];
            if (c >= "A" && c <= "Z") upper = true;
            else if (c >= "a" && c <= "z") lower = true;
            else if (c >= "0" && c <= "9") digit = true;
            i++;
        }
        if (i - start >= BASE64_RUN && upper && lower && digit) spans.push([start, i]);
    }
    return spans;
}

/** Whether a value looks like key material (PEM armour or a long base64 run). */
export function looksLikeKeyMaterial(text: string): boolean {
    return keyMaterialSpans(text).length > 0;
}

/** `text` with the given spans replaced by `WITHHELD` (overlapping spans merged). */
function withhold(text: string, spans: [number, number][]): string {
    if (!spans.length) return text;
    spans.sort((a, b) => a[0] - b[0]);
    let out = "";
    let at = 0;
    let i = 0;
    while (i < spans.length) {
        let [start, end] = spans[i++];
        while (i < spans.length && spans[i][0] <= end) end = Math.max(end, spans[i++][1]);
        if (start < at) start = at;
        out += text.slice(at, start) + WITHHELD;
        at = Math.max(at, end);
    }
    return out + text.slice(at);
}

/**
 * A value from a stack, as a message quotes it: strings JSON-quoted and cut to `MAX_QUOTED_CHARS` (with their
 * length), numbers and booleans as written, anything else described by its kind; key material is described, never
 * quoted. Never throws, whatever the value.
 */
export function shown(value: unknown, max = MAX_QUOTED_CHARS): string {
    if (typeof value === "string") {
        if (looksLikeKeyMaterial(value)) return `(a value of ${value.length} characters that looks like key material, withheld)`;
        const cut = value.length <= max ? value : value.slice(0, max);
        const quoted = JSON.stringify(cut);
        return value.length <= max ? quoted : `${quoted}... (${value.length} characters)`;
    }
    if (typeof value === "number") return Number.isFinite(value) ? `${value}` : "a non-finite number";
    if (typeof value === "boolean") return value ? "true" : "false";
    if (value === null) return "null";
    if (value === undefined) return "nothing";
    if (Array.isArray(value)) return `a list of ${value.length} item(s)`;
    return "an object";
}

/**
 * The parts of a secret string that are secret: for a JSON document (a Secrets Manager secret's usual form), each of
 * its string values (its field names, such as "certificate" or "password", are the format, not the secret); in each,
 * the lines that are not PEM armour ("-----BEGIN CERTIFICATE-----" names a format). Parts shorter than
 * `MIN_SECRET_CHARS` are left out.
 */
export function secretPieces(secret: string): string[] {
    if (typeof secret !== "string") return [];
    const values: string[] = [];
    const t = secret.trimStart();
    let parsed: unknown = undefined;
    if (t.startsWith("{") || t.startsWith("[")) {
        try {
            parsed = parseJson(secret);
        } catch {
            parsed = undefined;
        }
    }
    if (parsed !== null && typeof parsed === "object") {
        const stack: unknown[] = [parsed];
        while (stack.length) {
            const v = stack.pop();
            if (typeof v === "string") values.push(v);
            else if (v !== null && typeof v === "object") for (const x of Object.values(v)) stack.push(x);
        }
    } else values.push(secret);
    const out: string[] = [];
    for (const v of values) {
        const kept = v.includes("-----") ? v.split("\n").filter((line) => !line.trim().startsWith("-----")) : [v];
        const text = kept.join("\n").trim();
        if (text.length >= MIN_SECRET_CHARS) out.push(text);
    }
    return out;
}

/** Withholds secrets (strings the engine marked secret in the request) and key material from diagnostic text. */
export class Redactor {
    private runs?: Set<string>;
    private whole?: string[];

    /** `secrets` is read on first use only: a request that reports nothing never collects them. */
    constructor(private readonly secrets: () => Iterable<string>) {}

    private prepare(): void {
        const runs = new Set<string>();
        const whole = new Set<string>();
        for (const s of this.secrets()) {
            for (const piece of secretPieces(s)) {
                // The value as written and as a JSON string's contents (a rule may quote it with JSON.stringify).
                for (const form of [piece, JSON.stringify(piece).slice(1, -1)]) {
                    if (form.length < SECRET_RUN) whole.add(form);
                    else for (let i = 0; i + SECRET_RUN <= form.length; i++) runs.add(form.slice(i, i + SECRET_RUN));
                }
            }
        }
        this.runs = runs;
        this.whole = [...whole];
    }

    /** `text` with every part of a secret and all key material replaced by `WITHHELD`. */
    redact(text: string): string {
        if (typeof text !== "string") return "";
        if (!this.runs) this.prepare();
        const spans = keyMaterialSpans(text);
        if (this.runs!.size) {
            let open = -1;
            let end = -1;
            for (let i = 0; i + SECRET_RUN <= text.length; i++) {
                if (!this.runs!.has(text.slice(i, i + SECRET_RUN))) continue;
                if (open >= 0 && i <= end) end = i + SECRET_RUN;
                else {
                    if (open >= 0) spans.push([open, end]);
                    open = i;
                    end = i + SECRET_RUN;
                }
            }
            if (open >= 0) spans.push([open, end]);
        }
        for (const w of this.whole!) for (let at = text.indexOf(w); at >= 0; at = text.indexOf(w, at + 1)) spans.push([at, at + w.length]);
        return withhold(text, spans);
    }
}
