/**
 * The `Condition` element, decided where the pack knows the request (IAM User Guide, "IAM JSON policy elements:
 * Condition" and "Condition operators"): every operator block must hold, every key in a block must hold, and a key
 * holds when the request's value matches any listed value (for the negated operators, none). The pack knows a few keys
 * of the requests it asks about (the execution role's `aws:PrincipalArn`, `aws:PrincipalAccount`, `aws:SecureTransport`
 * true for Lambda's TLS calls); any other key, operator or set operator (`ForAnyValue:`, `ForAllValues:`) makes the
 * condition "maybe". `...IfExists` holds when the key is known to be absent; `Null` tests presence.
 */
import { wildcardMatch } from "./wildcard";

/** Request context: lower-cased key → its value, or `null` when the request is known not to carry the key. */
export type RequestContext = Record<string, string | null>;

export type Verdict = true | false | "maybe";

type Compare = (pattern: string, value: string) => boolean;

const OPERATORS: Record<string, { compare: Compare; negated: boolean }> = {
    stringequals: { compare: (p, v) => p === v, negated: false },
    stringnotequals: { compare: (p, v) => p === v, negated: true },
    stringequalsignorecase: { compare: (p, v) => p.toLowerCase() === v.toLowerCase(), negated: false },
    stringnotequalsignorecase: { compare: (p, v) => p.toLowerCase() === v.toLowerCase(), negated: true },
    stringlike: { compare: (p, v) => wildcardMatch(p, v), negated: false },
    stringnotlike: { compare: (p, v) => wildcardMatch(p, v), negated: true },
    arnequals: { compare: (p, v) => wildcardMatch(p, v), negated: false },
    arnlike: { compare: (p, v) => wildcardMatch(p, v), negated: false },
    arnnotequals: { compare: (p, v) => wildcardMatch(p, v), negated: true },
    arnnotlike: { compare: (p, v) => wildcardMatch(p, v), negated: true },
    bool: { compare: (p, v) => p.toLowerCase() === v.toLowerCase(), negated: false },
};

function asList(v: unknown): string[] {
    if (typeof v === "string") return [v];
    if (Array.isArray(v)) return v.filter((x): x is string => typeof x === "string");
    return [];
}

function values(v: unknown): string[] {
    return asList(
        Array.isArray(v)
            ? v.map((x) => (typeof x === "boolean" || typeof x === "number" ? String(x) : x))
            : typeof v === "boolean" || typeof v === "number"
              ? String(v)
              : v,
    );
}

function keyVerdict(op: string, key: string, listed: unknown, ctx: RequestContext): Verdict {
    const ifExists = op.endsWith("ifexists");
    const base = ifExists ? op.slice(0, -"ifexists".length) : op;
    const k = key.toLowerCase();
    const known = Object.prototype.hasOwnProperty.call(ctx, k);
    const value = known ? ctx[k] : undefined;
    if (base === "null") {
        if (!known) return "maybe";
        const want = values(listed).map((x) => x.toLowerCase());
        if (!want.length) return "maybe";
        return want.includes(value === null ? "true" : "false");
    }
    const spec = OPERATORS[base];
    if (!spec || base.includes(":") || !known) return "maybe";
    if (value === null || value === undefined) return ifExists ? true : spec.negated; // absent key: positive fails, negated holds
    const patterns = values(listed);
    // Policy variables in condition values depend on the request: not decided here.
    if (patterns.some((p) => p.includes("${"))) return "maybe";
    const hit = patterns.some((p) => spec.compare(p, value));
    return spec.negated ? !hit : hit;
}

/** Whether a statement's `Condition` holds for a request with context `ctx`. */
export function conditionVerdict(condition: unknown, ctx: RequestContext): Verdict {
    if (!condition || typeof condition !== "object" || Array.isArray(condition)) return "maybe";
    let out: Verdict = true;
    for (const [op, block] of Object.entries(condition as Record<string, unknown>)) {
        const o = op.toLowerCase();
        if (o.startsWith("foranyvalue:") || o.startsWith("forallvalues:") || !block || typeof block !== "object" || Array.isArray(block)) {
            out = "maybe";
            continue;
        }
        for (const [key, listed] of Object.entries(block as Record<string, unknown>)) {
            const v = keyVerdict(o, key, listed, ctx);
            if (v === false) return false;
            if (v === "maybe") out = "maybe";
        }
    }
    return out;
}

/** The context of a request the execution role `roleArn` makes through Lambda (TLS; the role's ARN and account). */
export function roleRequestContext(roleArn: unknown): RequestContext {
    const ctx: RequestContext = { "aws:securetransport": "true" };
    if (typeof roleArn === "string" && roleArn.startsWith("arn:")) {
        ctx["aws:principalarn"] = roleArn;
        const account = roleArn.split(":", 5)[4];
        if (account) ctx["aws:principalaccount"] = account;
    }
    return ctx;
}
