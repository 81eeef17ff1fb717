/**
 * Probe requests for "is it broader than needed?", derived from the document being judged, never fixed names an author
 * could read in the pack's source and leave out (`NotResource: [<the probe>]`, or `secret:a*` ... `secret:z*` around
 * a fixed probe's first letter).
 *
 * Every variable part of a probe (service, action, region, account, names) is one filler character repeated, where the
 * filler appears in no pattern of the document (in either case) and the run is longer than any pattern's count of `?`
 * (up to a name longer than AWS allows).
 * A pattern's literal characters can then match no part of the run: a pattern that matches the probe covers that part
 * with wildcards, including a `*`, so it matches every value there (of at least some length). The verdict follows
 * from the patterns, is the same for the same document, and costs one pass over the document's patterns.
 */
import type { Stmt } from "./iam-eval";

export interface Probe {
    /** A run of the filler: an arbitrary name. */
    any: string;
    /** An action of a service no pattern names. */
    action: string;
    /** A resource of no real service, region or account. */
    resource: string;
    /** A kafka-cluster action no pattern names. */
    futureKafkaAction: string;
    region: string;
    account: string;
    /** A secret, key and bucket of any name, region and account. */
    secret: string;
    key: string;
    bucket: string;
}

const memo = new WeakMap<Stmt[], Probe>();

/** The longest run: longer than any name in an ARN AWS accepts (secret names: 512 characters). */
const MAX_RUN = 513;

/** Candidate fillers: name characters first, then any code point (a document cannot hold them all). */
const FIRST = "zqxjkvwybfghmpcdlntrsoeuia9876543210";

function patternsOf(s: Stmt): unknown[] {
    return [s.Action, s.NotAction, s.Resource, s.NotResource];
}

export function probeFor(statements: Stmt[]): Probe {
    const cached = memo.get(statements);
    if (cached) return cached;
    // Characters the patterns use: ASCII in a table (one pass of charCodeAt, no allocation), others in a set.
    const ascii = new Uint8Array(128);
    const other = new Set<string>();
    let questions = 0;
    const scan = (p: string) => {
        let q = 0;
        for (let i = 0; i < p.length; i++) {
            const c = p.charCodeAt(i);
            if (c === 63) q++;
            else if (c < 128) ascii[c] = 1;
            else other.add(String.fromCharCode(c));
        }
        if (q > questions) questions = q;
    };
    for (const s of statements)
        for (const v of patternsOf(s)) {
            if (typeof v === "string") scan(v);
            else if (Array.isArray(v)) for (const x of v) if (typeof x === "string") scan(x);
        }
    // A candidate is free when no code unit of it, in either case, appears in a pattern.
    const unitUsed = (c: number) => (c < 128 ? ascii[c] === 1 : other.has(String.fromCharCode(c)));
    const used = (ch: string) => {
        for (const x of [ch, ch.toLowerCase(), ch.toUpperCase()]) for (let i = 0; i < x.length; i++) if (unitUsed(x.charCodeAt(i))) return true;
        return false;
    };
    let filler = "";
    for (const ch of FIRST)
        if (!used(ch)) {
            filler = ch;
            break;
        }
    // Then any BMP code unit that is not a surrogate; a document that uses every one of them (over 60,000 distinct
    // characters) gets the first name character: its verdicts stay deterministic.
    for (let cp = 0x4e00; !filler && cp <= 0xffff; cp = cp === 0xd7ff ? 0xe000 : cp + 1) {
        const ch = String.fromCharCode(cp);
        if (!used(ch)) filler = ch;
    }
    for (let cp = 0x80; !filler && cp < 0x4e00; cp++) {
        const ch = String.fromCharCode(cp);
        if (!used(ch)) filler = ch;
    }
    if (!filler) filler = FIRST[0];
    // Capped: a pattern needing more than MAX_RUN characters there covers only names longer than AWS allows (and IAM
    // refuses documents that long), and an uncapped run would make every pattern's match cost its length.
    const any = filler.repeat(Math.min(questions + 1, MAX_RUN));
    const p: Probe = {
        any,
        action: `${any}:${any}`,
        resource: `arn:aws:${any}:${any}:${any}:${any}/${any}`,
        futureKafkaAction: `kafka-cluster:${any}`,
        region: any,
        account: any,
        secret: `arn:aws:secretsmanager:${any}:${any}:secret:${any}`,
        key: `arn:aws:kms:${any}:${any}:key/${any}`,
        bucket: `arn:aws:s3:::${any}/${any}`,
    };
    memo.set(statements, p);
    return p;
}
