/**
 * IAM policy evaluation for the pack's checks, after AWS's policy evaluation logic (IAM User Guide, "Policy evaluation
 * logic" and "IAM JSON policy elements"): a request (action, resource) is allowed when some Allow statement applies and
 * no Deny statement does. A statement applies when its `Action` matches (or its `NotAction` does not) and its
 * `Resource` matches (or its `NotResource` does not). Actions match case-insensitively, resources case-sensitively;
 * `*` and `?` are wildcards in both (policies/lib/wildcard.ts: linear-logarithmic whatever the input).
 *
 * Conditions are not evaluated: an Allow with a condition counts as an allow (the checks that need a grant give it the
 * benefit of the doubt, and a broad grant stays broad), and a Deny with a condition is not counted (it may not apply).
 * Only an unconditional Deny wins.
 */
import { isUnknown, jsonDocument, UNKNOWN } from "./values";
import { wildcardMatch } from "./wildcard";

export { wildcardMatch };

export interface Stmt {
    Sid?: unknown;
    Effect?: unknown;
    Principal?: unknown;
    NotPrincipal?: unknown;
    Action?: unknown;
    NotAction?: unknown;
    Resource?: unknown;
    NotResource?: unknown;
    Condition?: unknown;
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

export function actionMatches(pattern: string, action: string): boolean {
    return wildcardMatch(pattern.toLowerCase(), action.toLowerCase());
}

export function resourceMatches(pattern: string, resource: string): boolean {
    return wildcardMatch(pattern, resource);
}

/** Does the statement's action part (`Action` or `NotAction`) cover `action`? */
export function coversAction(s: Stmt, action: string): boolean {
    if (s.Action !== undefined) return asList(s.Action).some((a) => actionMatches(a, action));
    if (s.NotAction !== undefined) return !asList(s.NotAction).some((a) => actionMatches(a, action));
    return false;
}

/** Does the statement's resource part (`Resource` or `NotResource`) cover `resource`? */
export function coversResource(s: Stmt, resource: string): boolean {
    if (s.Resource !== undefined) return asList(s.Resource).some((r) => resourceMatches(r, resource));
    if (s.NotResource !== undefined) return !asList(s.NotResource).some((r) => resourceMatches(r, resource));
    return false;
}

export function applies(s: Stmt, action: string, resource: string): boolean {
    return coversAction(s, action) && coversResource(s, resource);
}

function hasCondition(s: Stmt): boolean {
    return s.Condition !== undefined && s.Condition !== null && !(typeof s.Condition === "object" && Object.keys(s.Condition as object).length === 0);
}

export const isAllow = (s: Stmt): boolean => s.Effect === "Allow";
export const isUnconditionalDeny = (s: Stmt): boolean => s.Effect === "Deny" && !hasCondition(s);

/** Is `action` on `resource` allowed by these statements (an unconditional explicit Deny wins)? */
export function allows(statements: Stmt[], action: string, resource: string): boolean {
    let allowed = false;
    for (const s of statements) {
        if (isUnconditionalDeny(s) && applies(s, action, resource)) return false;
        if (!allowed && isAllow(s) && applies(s, action, resource)) allowed = true;
    }
    return allowed;
}

/** A statement's label in messages: its Sid, or its position. */
export function statementLabel(s: Stmt, i: number): string {
    return typeof s.Sid === "string" && s.Sid ? `statement ${s.Sid}` : `statement ${i + 1}`;
}
