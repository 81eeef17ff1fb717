/**
 * Just enough IAM policy evaluation for the pack's checks: does a set of statements allow an action on a resource?
 * Wildcards (`*`, `?`) in actions (case-insensitive) and resources are honoured and an explicit Deny wins. Conditions
 * are not evaluated (an Allow with a condition counts as an allow), and NotAction/NotResource allows are not counted,
 * so a check errs on the side of asking for an explicit grant.
 */
import { isUnknown, jsonDocument, UNKNOWN } from "./values";

export interface Stmt {
    Effect?: unknown;
    Action?: unknown;
    NotAction?: unknown;
    Resource?: unknown;
    NotResource?: unknown;
    Sid?: unknown;
}

/** The statements of a policy document given as JSON text or an object; `UNKNOWN` when it is not known yet. */
export function statementsOf(policy: unknown): Stmt[] | typeof UNKNOWN {
    const doc = jsonDocument(policy);
    if (doc === UNKNOWN) return UNKNOWN;
    if (!doc || typeof doc !== "object") return [];
    const s = (doc as Record<string, unknown>).Statement;
    if (isUnknown(s)) return UNKNOWN;
    const list = Array.isArray(s) ? s : s && typeof s === "object" ? [s] : [];
    return list.filter((x): x is Stmt => !!x && typeof x === "object" && !Array.isArray(x));
}

export function asList(v: unknown): string[] {
    if (typeof v === "string") return [v];
    if (Array.isArray(v)) return v.filter((x): x is string => typeof x === "string");
    return [];
}

/**
 * IAM wildcard matching (`*` any run, `?` one character) without regular expressions: the classic greedy matcher
 * that backtracks only to the last `*`, so it runs in O(pattern x text) whatever the pattern (a regex built from a
 * pattern such as `*a*a*a*a*b` can backtrack exponentially).
 */
export function wildcardMatch(pattern: string, text: string): boolean {
    let p = 0;
    let t = 0;
    let star = -1;
    let mark = 0;
    while (t < text.length) {
        if (p < pattern.length && (pattern[p] === "?" || pattern[p] === text[t])) {
            p++;
            t++;
        } else if (p < pattern.length && pattern[p] === "*") {
            star = p++;
            mark = t;
        } else if (star !== -1) {
            p = star + 1;
            t = ++mark;
        } else {
            return false;
        }
    }
    while (p < pattern.length && pattern[p] === "*") p++;
    return p === pattern.length;
}

export function actionMatches(pattern: string, action: string): boolean {
    return wildcardMatch(pattern.toLowerCase(), action.toLowerCase());
}

export function resourceMatches(pattern: string, resource: string): boolean {
    return wildcardMatch(pattern, resource);
}

function matches(s: Stmt, action: string, resource: string): boolean {
    return asList(s.Action).some((a) => actionMatches(a, action)) && asList(s.Resource).some((r) => resourceMatches(r, resource));
}

export function allows(statements: Stmt[], action: string, resource: string): boolean {
    if (statements.some((s) => s.Effect === "Deny" && matches(s, action, resource))) return false;
    return statements.some((s) => s.Effect === "Allow" && matches(s, action, resource));
}
