/**
 * Java properties text read exactly as Kafka reads `server.properties`: Kafka loads it with `java.util.Properties.load`
 * (Java SE API, `Properties.load(Reader)`), whose grammar is:
 * - lines end at `\n`, `\r` or `\r\n`;
 * - leading white space (space, `\t`, `\f`) of a line is skipped; a line that is then empty is blank, and one whose
 *   first character is `#` or `!` is a comment (a comment never continues onto the next line);
 * - a line ending in an odd number of backslashes continues on the next line, whose leading white space is skipped;
 * - the key runs to the first unescaped `=`, `:` or white space; then white space, at most one `=` or `:`, and white
 *   space again are skipped, and the rest is the value;
 * - in keys and values `\t`, `\n`, `\r`, `\f` and `\uXXXX` are escapes, and a backslash before any other character
 *   stands for that character (`\=` is `=`, `\#` is `#`);
 * - a later key replaces an earlier one.
 * One pass over the text, no regular expression: linear in its length whatever it holds.
 */

const isWhite = (c: string) => c === " " || c === "\t" || c === "\f";
const isEol = (c: string) => c === "\n" || c === "\r";

/** The logical lines of the text (continuations joined, comments and blank lines dropped), escapes still in place. */
function logicalLines(text: string): string[] {
    const out: string[] = [];
    let i = 0;
    const n = text.length;
    while (i < n) {
        while (i < n && isWhite(text[i])) i++;
        if (i >= n) break;
        if (isEol(text[i])) {
            i++;
            continue;
        }
        if (text[i] === "#" || text[i] === "!") {
            while (i < n && !isEol(text[i])) i++;
            continue;
        }
        let line = "";
        for (;;) {
            const start = i;
            while (i < n && !isEol(text[i])) i++;
            const piece = text.slice(start, i);
            let slashes = 0;
            while (slashes < piece.length && piece[piece.length - 1 - slashes] === "\\") slashes++;
            if (slashes % 2 === 0) {
                line += piece;
                break;
            }
            line += piece.slice(0, piece.length - 1);
            // Past the line end (`\r\n` counts as one), then the continuation line's leading white space.
            if (i < n && text[i] === "\r") i++;
            if (i < n && text[i] === "\n") i++;
            while (i < n && isWhite(text[i])) i++;
            if (i >= n) break;
        }
        out.push(line);
    }
    return out;
}

/** `s` with its escapes resolved; undefined for a malformed `\uXXXX` (Java throws IllegalArgumentException). */
function unescape(s: string): string | undefined {
    if (!s.includes("\\")) return s;
    let out = "";
    for (let i = 0; i < s.length; i++) {
        const c = s[i];
        if (c !== "\\") {
            out += c;
            continue;
        }
        const e = s[++i];
        if (e === undefined) break;
        if (e === "u") {
            const hex = s.slice(i + 1, i + 5);
            if (hex.length !== 4) return undefined;
            let code = 0;
            for (const h of hex) {
                const d = "0123456789abcdef".indexOf(h.toLowerCase());
                if (d < 0) return undefined;
                code = code * 16 + d;
            }
            out += String.fromCharCode(code);
            i += 4;
        } else out += e === "t" ? "\t" : e === "n" ? "\n" : e === "r" ? "\r" : e === "f" ? "\f" : e;
    }
    return out;
}

/** Splits one logical line into its (still escaped) key and value. */
function keyValue(line: string): [string, string] {
    let i = 0;
    let escaped = false;
    while (i < line.length) {
        const c = line[i];
        if (escaped) escaped = false;
        else if (c === "\\") escaped = true;
        else if (c === "=" || c === ":" || isWhite(c)) break;
        i++;
    }
    const key = line.slice(0, i);
    let j = i;
    while (j < line.length && isWhite(line[j])) j++;
    if (j < line.length && (line[j] === "=" || line[j] === ":")) j++;
    while (j < line.length && isWhite(line[j])) j++;
    return [key, line.slice(j)];
}

export interface ParsedProperties {
    values: Map<string, string>;
    /** Some line holds a malformed `\uXXXX` escape: Kafka (Java) cannot load the file at all. */
    malformed: boolean;
}

/** The properties a `server.properties` text sets, as `java.util.Properties.load` reads them. */
export function parseProperties(text: string): ParsedProperties {
    const values = new Map<string, string>();
    let malformed = false;
    for (const line of logicalLines(text)) {
        const [k, v] = keyValue(line);
        const key = unescape(k);
        const value = unescape(v);
        if (key === undefined || value === undefined) {
            malformed = true;
            continue;
        }
        values.set(key, value);
    }
    return { values, malformed };
}
