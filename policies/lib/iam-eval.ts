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

const globCache = new Map<string, RegExp>();
function glob(pattern: string, caseInsensitive: boolean): RegExp {
    const key = `${caseInsensitive ? "i" : "s"}:${pattern}`;
    let re = globCache.get(key);
    if (!re) {
        const body = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
        re = new RegExp(`^${body}$`, caseInsensitive ? "i" : "");
        if (globCache.size > 10_000) globCache.clear();
        globCache.set(key, re);
    }
    return re;
}

export function actionMatches(pattern: string, action: string): boolean {
    return glob(pattern, true).test(action);
}

export function resourceMatches(pattern: string, resource: string): boolean {
    return glob(pattern, false).test(resource);
}

function matches(s: Stmt, action: string, resource: string): boolean {
    return asList(s.Action).some((a) => actionMatches(a, action)) && asList(s.Resource).some((r) => resourceMatches(r, resource));
}

export function allows(statements: Stmt[], action: string, resource: string): boolean {
    if (statements.some((s) => s.Effect === "Deny" && matches(s, action, resource))) return false;
    return statements.some((s) => s.Effect === "Allow" && matches(s, action, resource));
}
