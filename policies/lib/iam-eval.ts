/**
 * IAM policy evaluation for the pack's checks, after AWS's policy evaluation logic (IAM User Guide, "Policy evaluation
 * logic" and "IAM JSON policy elements"): a request (action, resource) is allowed when some Allow statement applies and
 * no Deny statement does. A statement applies when its `Action` matches (or its `NotAction` does not) and its
 * `Resource` matches (or its `NotResource` does not). Actions match case-insensitively, resources case-sensitively;
 * `*` and `?` are wildcards in both (policies/lib/wildcard.ts: linear-logarithmic whatever the input).
 *
 * Two questions, conservative in opposite directions (`Mode`):
 * - "could" ("is it broader than needed?"): every Allow that could apply counts (its conditions may hold, a policy
 *   variable `${...}` in a resource matches anything); only a Deny that certainly applies takes a grant back.
 * - "certain" ("can the mapping do what it needs?"): an Allow counts only when it certainly applies (its conditions
 *   hold for the request, no policy variable in the resource that matched); every Deny that could apply counts.
 * Conditions are decided from the request context where the pack knows the key (lib/iam-conditions.ts); any other
 * condition "may hold".
 */
import { isUnknown, jsonDocument, raw, UNKNOWN } from "./values";
import { conditionVerdict, type RequestContext } from "./iam-conditions";
import { wildcardMatch } from "./wildcard";

export type Mode = "could" | "certain";
export type { RequestContext };

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

/**
 * Documents already read: by JSON text (kept until they total `MAX_TEXT_CHARS`, then forgotten together) and by
 * decoded object (as long as the request's properties live). A document named by several resources, or read by
 * several policies of a request, is parsed once, and its statements array is the same one, so the prepared and
 * indexed forms memoised on it (`prepared`, `allowingIndex`) are built once too. Frozen: callers only read it.
 */
const byText = new Map<string, Stmt[] | typeof UNKNOWN>();
const byObject = new WeakMap<object, Stmt[] | typeof UNKNOWN>();
const MAX_TEXT_CHARS = 32 * 1024 * 1024;
let textChars = 0;

/** The statements of a policy document given as JSON text or an object; `UNKNOWN` when it is not known yet. */
export function statementsOf(policy: unknown): Stmt[] | typeof UNKNOWN {
    const r = raw(policy);
    if (typeof r === "string") {
        let s = byText.get(r);
        if (s === undefined) {
            if (textChars + r.length > MAX_TEXT_CHARS) {
                byText.clear();
                textChars = 0;
            }
            byText.set(r, (s = frozen(parseStatements(r))));
            textChars += r.length;
        }
        return s;
    }
    if (r === null || typeof r !== "object") return parseStatements(r);
    let s = byObject.get(r);
    if (s === undefined) byObject.set(r, (s = frozen(parseStatements(r))));
    return s;
}

function frozen(s: Stmt[] | typeof UNKNOWN): Stmt[] | typeof UNKNOWN {
    return s === UNKNOWN ? s : (Object.freeze(s) as Stmt[]);
}

function parseStatements(policy: unknown): Stmt[] | typeof UNKNOWN {
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

/**
 * A resource pattern with policy variables (IAM User Guide, "IAM policy elements: Variables and tags"): `${key}` is
 * replaced by the request's value, `${*}`, `${?}`, `${$}` by the character. Read as "could": each variable becomes `*`
 * (it may match anything). `variable` says whether the pattern had one (then it never certainly matches).
 */
function withVariables(pattern: string): { text: string; variable: boolean } {
    if (!pattern.includes("${")) return { text: pattern, variable: false };
    let out = "";
    let i = 0;
    let variable = false;
    while (i < pattern.length) {
        const start = pattern.indexOf("${", i);
        const end = start < 0 ? -1 : pattern.indexOf("}", start + 2);
        if (start < 0 || end < 0) {
            out += pattern.slice(i);
            break;
        }
        out += pattern.slice(i, start);
        const inner = pattern.slice(start + 2, end);
        if (inner === "*" || inner === "?" || inner === "$") out += "?";
        else out += "*";
        variable = true;
        i = end + 1;
    }
    return { text: out, variable };
}

function test(p: Pattern, text: string): boolean {
    return p.kind === 0 || (p.kind === 1 ? p.text === text : wildcardMatch(p.text, text));
}

/** One side of a statement (`Action`/`NotAction`, `Resource`/`NotResource`), prepared: does it cover a value? */
interface Side {
    negated: boolean;
    patterns: Pattern[];
    /** Patterns that hold a policy variable (read as `*`): they may match, never certainly. */
    variable: boolean[];
    /** Some pattern holds a policy variable. */
    anyVariable: boolean;
    /** Neither element is present: the statement covers nothing. */
    absent: boolean;
}

function side(positive: unknown, negative: unknown, lower: boolean): Side {
    const norm = (list: string[]) => {
        const patterns: Pattern[] = [];
        const variable: boolean[] = [];
        for (const x of list) {
            const v = lower ? { text: x, variable: false } : withVariables(x);
            patterns.push(prepare(lower ? v.text.toLowerCase() : v.text));
            variable.push(v.variable);
        }
        return { patterns, variable, anyVariable: variable.includes(true) };
    };
    if (positive !== undefined) return { negated: false, ...norm(asList(positive)), absent: false };
    if (negative !== undefined) return { negated: true, ...norm(asList(negative)), absent: false };
    return { negated: false, patterns: [], variable: [], anyVariable: false, absent: true };
}

/**
 * Does the side cover `value`? `sure`: only when it surely does; otherwise when it may (a pattern with a policy
 * variable may or may not match).
 */
function covers(sd: Side, value: string, sure = false): boolean {
    if (sd.absent) return false;
    if (!sd.anyVariable) {
        // The common case: no policy variable, so "may" and "surely" agree.
        const ps = sd.patterns;
        for (let i = 0; i < ps.length; i++) if (test(ps[i], value)) return !sd.negated;
        return sd.negated;
    }
    let hit = false;
    let maybe = false;
    for (let i = 0; i < sd.patterns.length; i++)
        if (test(sd.patterns[i], value)) {
            if (sd.variable[i]) maybe = true;
            else {
                hit = true;
                break;
            }
        }
    if (!sure) return sd.negated ? !hit : hit || maybe;
    return sd.negated ? !hit && !maybe : hit;
}

interface Prepared {
    index: number;
    allow: boolean;
    deny: boolean;
    condition: unknown;
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
            const deny = s.Effect === "Deny";
            if (!allow && !deny) return;
            const condition = hasCondition(s) ? s.Condition : undefined;
            p!.push({ index, allow, deny, condition, actions: side(s.Action, s.NotAction, true), resources: side(s.Resource, s.NotResource, false) });
        });
        preparedCache.set(statements, p);
    }
    return p;
}

/** Does a prepared statement apply to the request: surely (`sure`) or possibly? */
function appliesTo(p: Prepared, action: string, resource: string, sure: boolean, ctx: RequestContext): boolean {
    if (!covers(p.actions, action, sure) || !covers(p.resources, resource, sure)) return false;
    if (p.condition === undefined) return true;
    const v = conditionVerdict(p.condition, ctx);
    return sure ? v === true : v !== false;
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
    /**
     * Statements with a pattern `<prefix>*` (`*` at the root) and no condition or policy variable: they cover every
     * resource that reaches this node, surely, so their answer depends on the action alone (memoised).
     */
    tail?: Prepared[];
    /** Per action: the first allowing index among `tail` (or -1), and whether a Deny among them covers it. */
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
            const pure = p.condition === undefined && !p.resources.anyVariable;
            if (pure && literal <= TRIE_DEPTH && literal === pat.text.length - 1 && pat.text[literal] === "*") node.tail = push(node.tail, p);
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
            if (p.deny) r.deny = true;
            else if (r.allow < 0 || p.index < r.allow) r.allow = p.index;
        }
        node.memo.set(a, r);
    }
    return r;
}

/**
 * The index of the first Allow statement that allows `action` on `resource`, or -1 when none does or a Deny takes it
 * back. "could" (the default): an Allow that could apply, unless a Deny surely applies. "certain": an Allow that surely
 * applies, unless a Deny could apply. Statements are prepared and indexed once per array (cached): a request looks
 * only at the statements whose `Resource` patterns may match it, so many requests against one set cost what may apply
 * to each, not the whole set.
 */
export function allowingIndex(statements: Stmt[], action: string, resource: string, mode: Mode = "could", ctx: RequestContext = {}): number {
    const a = action.toLowerCase();
    const certain = mode === "certain";
    const ix = indexed(prepared(statements));
    let found = -1;
    let denied = false;
    const consider = (p: Prepared) => {
        if (p.deny) {
            if (!denied && appliesTo(p, a, resource, !certain, ctx)) denied = true;
        } else if ((found < 0 || p.index < found) && appliesTo(p, a, resource, certain, ctx)) found = p.index;
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

/** The indexes of the Allow statements whose action part could cover `action` (whatever their resources). */
export function allowsActionIn(statements: Stmt[], action: string): number[] {
    const a = action.toLowerCase();
    const out: number[] = [];
    for (const p of prepared(statements)) if (p.allow && covers(p.actions, a)) out.push(p.index);
    return out;
}

/** Is `action` on `resource` allowed by these statements ("could" by default; see `allowingIndex`)? */
export function allows(statements: Stmt[], action: string, resource: string, mode: Mode = "could", ctx: RequestContext = {}): boolean {
    return allowingIndex(statements, action, resource, mode, ctx) >= 0;
}

/**
 * "Can it do it?" in one pass: the first Deny that could apply (`deny`) and the first Allow that certainly applies
 * (`allow`), -1 when none. The request is allowed when `deny < 0 && allow >= 0`.
 */
export function certainly(statements: Stmt[], action: string, resource: string, ctx: RequestContext = {}): { deny: number; allow: number } {
    const a = action.toLowerCase();
    let allow = -1;
    for (const p of prepared(statements)) {
        if (p.deny) {
            if (appliesTo(p, a, resource, false, ctx)) return { deny: p.index, allow };
        } else if (allow < 0 && appliesTo(p, a, resource, true, ctx)) allow = p.index;
    }
    return { deny: -1, allow };
}

/** The index of a Deny among these statements that surely applies to the request (its conditions hold), or -1. */
export function surelyDenies(statements: Stmt[], action: string, resource: string, ctx: RequestContext = {}): number {
    const a = action.toLowerCase();
    for (const p of prepared(statements)) if (p.deny && appliesTo(p, a, resource, true, ctx)) return p.index;
    return -1;
}

/** Could a Deny among these statements apply to the request (its conditions decided from `ctx` where known)? */
export function couldDeny(statements: Stmt[], action: string, resource: string, ctx: RequestContext = {}): number {
    const a = action.toLowerCase();
    for (const p of prepared(statements)) if (p.deny && appliesTo(p, a, resource, false, ctx)) return p.index;
    return -1;
}

/** A statement's label in messages: its Sid, or its position. */
export function statementLabel(s: Stmt, i: number): string {
    return typeof s.Sid === "string" && s.Sid ? `statement ${s.Sid}` : `statement ${i + 1}`;
}
