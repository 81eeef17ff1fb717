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
    const out = list.filter((x): x is Stmt => !!x && typeof x === "object" && !Array.isArray(x));
    // A statement whose effect, actions or resources are not known yet makes the whole document not known yet.
    for (const st of out) for (const k of ["Effect", "Action", "NotAction", "Resource", "NotResource"] as const) if (partlyUnknown(st[k])) return UNKNOWN;
    return out;
}

function partlyUnknown(v: unknown): boolean {
    return isUnknown(v) || (Array.isArray(v) && v.some(isUnknown));
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

/** A pattern prepared once: 0 = "*" (anything), 1 = no wildcard (equality), 2 = wildcards. */
interface Pattern {
    kind: 0 | 1 | 2;
    text: string;
}

function prepare(pattern: string): Pattern {
    if (pattern === "*") return { kind: 0, text: pattern };
    return { kind: pattern.includes("*") || pattern.includes("?") ? 2 : 1, text: pattern };
}

function test(p: Pattern, text: string): boolean {
    return p.kind === 0 || (p.kind === 1 ? p.text === text : wildcardMatch(p.text, text));
}

/** One side of a statement (`Action`/`NotAction`, `Resource`/`NotResource`), prepared: does it cover a value? */
interface Side {
    negated: boolean;
    patterns: Pattern[];
    /** Neither element is present: the statement covers nothing. */
    absent: boolean;
}

function side(positive: unknown, negative: unknown, lower: boolean): Side {
    const norm = (list: string[]) => list.map((x) => prepare(lower ? x.toLowerCase() : x));
    if (positive !== undefined) return { negated: false, patterns: norm(asList(positive)), absent: false };
    if (negative !== undefined) return { negated: true, patterns: norm(asList(negative)), absent: false };
    return { negated: false, patterns: [], absent: true };
}

function covers(sd: Side, value: string): boolean {
    if (sd.absent) return false;
    let hit = false;
    for (const p of sd.patterns)
        if (test(p, value)) {
            hit = true;
            break;
        }
    return sd.negated ? !hit : hit;
}

interface Prepared {
    index: number;
    allow: boolean;
    unconditionalDeny: boolean;
    actions: Side;
    resources: Side;
}

/** Statements prepared for many requests: patterns lowercased and classified once. */
const preparedCache = new WeakMap<Stmt[], Prepared[]>();

function prepared(statements: Stmt[]): Prepared[] {
    let p = preparedCache.get(statements);
    if (!p) {
        p = [];
        statements.forEach((s, index) => {
            const allow = isAllow(s);
            const unconditionalDeny = isUnconditionalDeny(s);
            if (!allow && !unconditionalDeny) return;
            p!.push({ index, allow, unconditionalDeny, actions: side(s.Action, s.NotAction, true), resources: side(s.Resource, s.NotResource, false) });
        });
        preparedCache.set(statements, p);
    }
    return p;
}

/** Does the statement's action part (`Action` or `NotAction`) cover `action`? */
export function coversAction(s: Stmt, action: string): boolean {
    return covers(side(s.Action, s.NotAction, true), action.toLowerCase());
}

/** Does the statement's resource part (`Resource` or `NotResource`) cover `resource`? */
export function coversResource(s: Stmt, resource: string): boolean {
    return covers(side(s.Resource, s.NotResource, false), resource);
}

export function applies(s: Stmt, action: string, resource: string): boolean {
    return coversAction(s, action) && coversResource(s, resource);
}

function hasCondition(s: Stmt): boolean {
    return s.Condition !== undefined && s.Condition !== null && !(typeof s.Condition === "object" && Object.keys(s.Condition as object).length === 0);
}

export function isAllow(s: Stmt): boolean {
    return s.Effect === "Allow";
}

export function isUnconditionalDeny(s: Stmt): boolean {
    return s.Effect === "Deny" && !hasCondition(s);
}

/**
 * Statements indexed by what their `Resource` patterns can match, built once per statements array (a role's grants
 * are one array per request), so a request looks only at statements that may apply to its resource: one map read for
 * literal ARNs, a walk of at most `TRIE_DEPTH` characters down a trie of the patterns' literal prefixes, and, for
 * `prefix*` patterns (and `*`), one answer per trie node and action, memoised. Many mappings sharing a role with
 * thousands of statements then cost the sum, not the product, of the two (issue 17: 1,000 mappings x 2,000
 * statements took 20 s). Statements with `NotResource`, or a wildcard before the end, are checked one by one.
 */
const TRIE_DEPTH = 64;

interface Node {
    next?: Map<string, Node>;
    /** Statements with a pattern whose literal prefix ends here, to check against the whole resource. */
    check?: Prepared[];
    /** Statements with a pattern `<prefix>*` (`*` at the root): they cover every resource that reaches this node. */
    tail?: Prepared[];
    /** Per action: the first allowing index among `tail` (or -1), and whether an unconditional Deny among them covers it. */
    memo?: Map<string, { allow: number; deny: boolean }>;
}

interface Indexed {
    exact: Map<string, Prepared[]>;
    root: Node;
}

const indexedCache = new WeakMap<Prepared[], Indexed>();

function push<T>(list: T[] | undefined, x: T): T[] {
    if (!list) return [x];
    list.push(x);
    return list;
}

function indexed(prep: Prepared[]): Indexed {
    let ix = indexedCache.get(prep);
    if (ix) return ix;
    ix = { exact: new Map(), root: {} };
    for (const p of prep) {
        if (p.resources.absent) continue;
        if (p.resources.negated) {
            ix.root.check = push(ix.root.check, p);
            continue;
        }
        for (const pat of p.resources.patterns) {
            if (pat.kind === 1) {
                ix.exact.set(pat.text, push(ix.exact.get(pat.text), p));
                continue;
            }
            let literal = 0;
            while (literal < pat.text.length && pat.text[literal] !== "*" && pat.text[literal] !== "?") literal++;
            const depth = Math.min(literal, TRIE_DEPTH);
            let node = ix.root;
            for (let i = 0; i < depth; i++) {
                node.next ??= new Map();
                let child = node.next.get(pat.text[i]);
                if (!child) node.next.set(pat.text[i], (child = {}));
                node = child;
            }
            if (literal <= TRIE_DEPTH && literal === pat.text.length - 1 && pat.text[literal] === "*") node.tail = push(node.tail, p);
            else node.check = push(node.check, p);
        }
    }
    indexedCache.set(prep, ix);
    return ix;
}

function tailAnswer(node: Node, a: string): { allow: number; deny: boolean } {
    node.memo ??= new Map();
    let r = node.memo.get(a);
    if (!r) {
        r = { allow: -1, deny: false };
        for (const p of node.tail!) {
            if (!covers(p.actions, a)) continue;
            if (p.unconditionalDeny) r.deny = true;
            else if (r.allow < 0 || p.index < r.allow) r.allow = p.index;
        }
        node.memo.set(a, r);
    }
    return r;
}

/**
 * The index of the first Allow statement that allows `action` on `resource`, or -1 when none does or an unconditional
 * explicit Deny applies. Statements are prepared and indexed once per array (cached), so many requests against one
 * set cost what may apply to each, not the whole set.
 */
export function allowingIndex(statements: Stmt[], action: string, resource: string): number {
    const a = action.toLowerCase();
    const ix = indexed(prepared(statements));
    let found = -1;
    let denied = false;
    const consider = (p: Prepared) => {
        if (p.unconditionalDeny) {
            if (!denied && covers(p.actions, a) && covers(p.resources, resource)) denied = true;
        } else if ((found < 0 || p.index < found) && covers(p.actions, a) && covers(p.resources, resource)) found = p.index;
    };
    const visit = (node: Node) => {
        if (node.tail) {
            const t = tailAnswer(node, a);
            if (t.deny) denied = true;
            if (t.allow >= 0 && (found < 0 || t.allow < found)) found = t.allow;
        }
        if (node.check) for (const p of node.check) consider(p);
    };
    for (const p of ix.exact.get(resource) ?? []) consider(p);
    let node: Node | undefined = ix.root;
    visit(node);
    for (let i = 0; i < resource.length && i < TRIE_DEPTH && !denied; i++) {
        node = node.next?.get(resource[i]);
        if (!node) break;
        visit(node);
    }
    return denied ? -1 : found;
}

/** The indexes of the Allow statements whose action part covers `action` (whatever their resources). */
export function allowsActionIn(statements: Stmt[], action: string): number[] {
    const a = action.toLowerCase();
    const out: number[] = [];
    for (const p of prepared(statements)) if (p.allow && covers(p.actions, a)) out.push(p.index);
    return out;
}

/** Is `action` on `resource` allowed by these statements (an unconditional explicit Deny wins)? */
export function allows(statements: Stmt[], action: string, resource: string): boolean {
    return allowingIndex(statements, action, resource) >= 0;
}

/** A statement's label in messages: its Sid, or its position. */
export function statementLabel(s: Stmt, i: number): string {
    return typeof s.Sid === "string" && s.Sid ? `statement ${s.Sid}` : `statement ${i + 1}`;
}
