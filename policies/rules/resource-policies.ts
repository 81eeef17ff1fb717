/**
 * Resource-based policies open to anyone. IAM User Guide, "AWS JSON policy elements: Principal": `"Principal": "*"` or
 * `{"AWS": "*"}` names every principal of every account (and `NotPrincipal` with Allow, everyone but those listed);
 * only a condition on who calls (aws:SourceAccount, aws:SourceArn, aws:PrincipalOrgID, aws:PrincipalAccount, ...) with a
 * concrete value narrows it. Judged for what a Kafka → Lambda setup holds: every MSK cluster policy, KMS key policy,
 * Secrets Manager secret policy, SQS queue and SNS topic policy and role trust policy in the stack; the bucket policies
 * of failure and async destinations (records carry the batch: in S3, the whole batch); Lambda permissions on functions
 * that Kafka mappings invoke.
 */
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { StackIndex, T } from "../lib/graph";
import { asList, statementLabel, statementsOf, type Stmt } from "../lib/iam-eval";
import { destinationRefs, functionsOf } from "../lib/refs";
import { get, isAccountId, isUnknown, notKnownYet, UNKNOWN, type Path } from "../lib/values";
import { listed } from "./common";

/** Condition keys that narrow who may call (IAM User Guide, "AWS global condition context keys"; KMS's kms:CallerAccount). */
const NARROWING_KEYS = new Set(
    [
        "aws:SourceAccount",
        "aws:SourceArn",
        "aws:SourceOwner",
        "aws:SourceOrgID",
        "aws:SourceOrgPaths",
        "aws:PrincipalAccount",
        "aws:PrincipalArn",
        "aws:PrincipalOrgID",
        "aws:PrincipalOrgPaths",
        "aws:SourceVpc",
        "aws:SourceVpce",
        "kms:CallerAccount",
    ].map((k) => k.toLowerCase()),
);
const ARN_KEYS = new Set(["aws:sourcearn", "aws:principalarn"]);
const ORG_PATH_KEYS = new Set(["aws:principalorgpaths", "aws:sourceorgpaths"]);

type Verdict = "narrowed" | "open" | "unknown";

/** Is a condition value concrete: no wildcard (for ARNs: a concrete 12-digit account), known? */
function concrete(key: string, value: unknown): Verdict {
    if (isUnknown(value)) return "unknown";
    if (typeof value === "number") return "narrowed";
    if (typeof value !== "string" || value === "") return "open";
    if (ARN_KEYS.has(key)) {
        const account = value.split(":")[4] ?? "";
        return isAccountId(account) ? "narrowed" : "open";
    }
    if (ORG_PATH_KEYS.has(key)) {
        // `o-ORGID/r-ROOT/ou-.../*`: the organisation part must be concrete; a wildcard after it narrows to a subtree.
        const org = value.split("/")[0];
        return org.startsWith("o-") && org.length > 2 && !org.includes("*") && !org.includes("?") ? "narrowed" : "open";
    }
    return value.includes("*") || value.includes("?") ? "open" : "narrowed";
}

/** Does a statement's Condition narrow who may call? Negated, IfExists and ForAllValues operators do not narrow. */
function narrowing(condition: unknown): Verdict {
    if (isUnknown(condition)) return "unknown";
    if (!condition || typeof condition !== "object" || Array.isArray(condition)) return "open";
    let verdict: Verdict = "open";
    for (const [op, block] of Object.entries(condition as Record<string, unknown>)) {
        const o = op.toLowerCase();
        if (o.includes("not") || o.endsWith("ifexists") || o.startsWith("forallvalues:") || o === "null" || o === "bool") continue;
        if (isUnknown(block)) return "unknown";
        if (!block || typeof block !== "object" || Array.isArray(block)) continue;
        for (const [key, value] of Object.entries(block as Record<string, unknown>)) {
            const k = key.toLowerCase();
            if (!NARROWING_KEYS.has(k)) continue;
            const values = Array.isArray(value) ? value : [value];
            if (!values.length) continue;
            const each = values.map((v) => concrete(k, v));
            if (each.includes("unknown")) verdict = verdict === "narrowed" ? "narrowed" : "unknown";
            else if (each.every((v) => v === "narrowed")) return "narrowed";
        }
    }
    return verdict;
}

/** `"*"`, `{"AWS": "*"}`, `{"AWS": [..., "*"]}`, `{"CanonicalUser": "*"}`: every principal. */
function everyone(principal: unknown): Verdict {
    if (isUnknown(principal)) return "unknown";
    if (principal === "*") return "open";
    if (!principal || typeof principal !== "object" || Array.isArray(principal)) return "narrowed";
    for (const key of ["AWS", "CanonicalUser"]) {
        const v = (principal as Record<string, unknown>)[key];
        if (isUnknown(v)) return "unknown";
        if (asList(v).some((p) => p === "*" || isUnknown(p))) return asList(v).includes("*") ? "open" : "unknown";
    }
    return "narrowed";
}

/** The statements that open a document to anyone; "unknown" when a value it needs is not known yet. */
export function openStatements(statements: Stmt[]): { open: string[]; unknown: boolean } {
    const open: string[] = [];
    let unknown = false;
    statements.forEach((s, i) => {
        if (s.Effect !== "Allow") return;
        const who: Verdict = s.NotPrincipal !== undefined ? "open" : everyone(s.Principal);
        if (who === "narrowed") return;
        const cond = narrowing(s.Condition);
        if (cond === "narrowed") return;
        if (who === "unknown" || cond === "unknown") {
            unknown = true;
            return;
        }
        // Stryker disable next-line all: builds only the message's action list; decides no verdict
        const actions = s.Action !== undefined ? listed(asList(s.Action), ", ", 5) : `every action but ${listed(asList(s.NotAction), ", ", 5)}`;
        // Stryker disable next-line all: the statement's label in the message; decides no verdict
        open.push(`${statementLabel(s, i)} (${actions || "no action"})`);
    });
    return { open, unknown };
}

interface Doc {
    owner: PolicyResource;
    prop: string;
    what: string;
    /** Why it matters, appended to the message. */
    why: string;
}

/**
 * The index key of a reference: `type`'s property `prop` holding the identifier `v`. Only a known, non-empty string
 * names a resource (a value not known yet could be any resource's, so it names none; AWS gives no resource an empty
 * identifier).
 */
function refKey(type: string, prop: string, v: unknown): string | undefined {
    return typeof v === "string" && v !== "" && !isUnknown(v) ? `${type}|${prop}|${v}` : undefined;
}

/** Resources of `types` whose property `prop` refers to `target` (by dependency or by one of its identifiers). */
class RefIndex {
    private readonly byValue = new Map<string, PolicyResource[]>();
    constructor(
        private readonly index: StackIndex,
        specs: { type: string; prop: string }[],
    ) {
        for (const { type, prop } of specs) {
            for (const r of index.ofType(type)) {
                const k = refKey(type, prop, get(r.props, prop));
                if (k === undefined) continue;
                const l = this.byValue.get(k) ?? [];
                l.push(r);
                this.byValue.set(k, l);
            }
        }
    }
    find(target: PolicyResource, type: string, prop: string): PolicyResource[] {
        const out = new Set<PolicyResource>(this.index.dependentsOf(target, [type], prop));
        for (const idProp of ["arn", "id", "name", "url", "bucket", "keyId"]) {
            const k = refKey(type, prop, get(target.props, idProp));
            if (k !== undefined) for (const r of this.byValue.get(k) ?? []) out.add(r);
        }
        return [...out];
    }
}

const RECORDS = "failure and async-invocation records carry the function's input";

/** The wording of each kind of document's violation: what it is, and why an open one matters (a queue's, topic's or
 * bucket's why depends on the destination it is, so it is not here). */
const GUARDS = {
    cluster: { what: "MSK cluster policy", why: "anyone could connect to the cluster's data" },
    key: { what: "key policy", why: "anyone could use or manage the key" },
    secret: { what: "secret policy", why: "anyone could read the Kafka credentials" },
    trust: { what: "trust policy", why: "anyone in any account could assume the role" },
    queue: { what: "queue policy" },
    topic: { what: "topic policy" },
    bucket: { what: "bucket policy" },
} as const;

/** Every resource-based policy document of the Kafka → Lambda setup in this stack, with what it guards. */
function documents(index: StackIndex): Doc[] {
    const refs = new RefIndex(index, [
        { type: T.queuePolicy, prop: "queueUrl" },
        { type: T.topicPolicy, prop: "arn" },
        { type: T.bucketPolicy, prop: "bucket" },
    ]);
    const docs: Doc[] = [];
    for (const p of index.ofType(T.mskClusterPolicy)) docs.push({ owner: p, prop: "policy", ...GUARDS.cluster });
    for (const k of index.ofType(T.kmsKey)) docs.push({ owner: k, prop: "policy", ...GUARDS.key });
    for (const k of index.ofType(T.keyPolicy)) docs.push({ owner: k, prop: "policy", ...GUARDS.key });
    for (const s of index.ofType(T.secret)) docs.push({ owner: s, prop: "policy", ...GUARDS.secret });
    for (const s of index.ofType(T.secretPolicy)) docs.push({ owner: s, prop: "policy", ...GUARDS.secret });
    for (const r of index.ofType(T.role)) docs.push({ owner: r, prop: "assumeRolePolicy", ...GUARDS.trust });
    // Queues and topics: every one (a queue or topic open to anyone is never what a Kafka consumer setup needs); the
    // message says when it is a destination. Buckets: only destinations (public buckets have other legitimate uses).
    const roleOf = new Map<string, string>();
    // Stryker disable next-line all: which destination role the message names a target by; decides no verdict
    for (const ref of destinationRefs(index)) for (const t of ref.targets) if (!roleOf.has(t.urn)) roleOf.set(t.urn, `the ${ref.what} of '${ref.owner.name}'`);
    const queueWhy = (t: PolicyResource | undefined) =>
        // Stryker disable next-line StringLiteral: message wording decides no verdict
        t && roleOf.has(t.urn) ? `it is ${roleOf.get(t.urn)} (${RECORDS})` : "anyone could send, read or subscribe to its messages";
    const judged = new Set<string>();
    const add = (owner: PolicyResource, what: string, why: string) => {
        if (judged.has(owner.urn)) return;
        judged.add(owner.urn);
        docs.push({ owner, prop: "policy", what, why });
    };
    for (const q of index.ofType(T.queue)) {
        add(q, GUARDS.queue.what, queueWhy(q));
        for (const p of refs.find(q, T.queuePolicy, "queueUrl")) add(p, GUARDS.queue.what, queueWhy(q));
    }
    for (const t of index.ofType(T.topic)) {
        add(t, GUARDS.topic.what, queueWhy(t));
        for (const p of refs.find(t, T.topicPolicy, "arn")) add(p, GUARDS.topic.what, queueWhy(t));
    }
    for (const p of index.ofType(T.queuePolicy)) add(p, GUARDS.queue.what, queueWhy(undefined));
    for (const p of index.ofType(T.topicPolicy)) add(p, GUARDS.topic.what, queueWhy(undefined));
    for (const ref of destinationRefs(index)) {
        for (const b of ref.targets) {
            if (b.type !== T.bucket && b.type !== T.bucketV2) continue;
            // Stryker disable next-line StringLiteral: message wording decides no verdict
            const why = `it is the ${ref.what} of '${ref.owner.name}' (${RECORDS}; S3 failure records hold the whole batch)`;
            add(b, GUARDS.bucket.what, why);
            for (const p of refs.find(b, T.bucketPolicy, "bucket")) add(p, GUARDS.bucket.what, why);
        }
    }
    return docs;
}

/** Functions that Kafka mappings invoke (MSK or self-managed). */
function consumerFunctions(index: StackIndex): Set<PolicyResource> {
    const out = new Set<PolicyResource>();
    for (const m of index.ofType(T.mapping)) {
        const kafka = get(m.props, "topics") !== undefined || get(m.props, "selfManagedEventSource") !== undefined;
        if (kafka) for (const f of functionsOf(index, m, "functionName")) out.add(f);
    }
    return out;
}

export const noPublicResourcePolicies: StackValidationPolicy = {
    name: "no-public-resource-policies",
    description:
        'Resource policies of a Kafka → Lambda setup (MSK cluster, KMS key, secret, SQS queue, SNS topic and role trust policies; failure and async destination buckets\' policies; Lambda permissions on consumer functions) do not allow Principal "*" without a condition that narrows the caller (aws:SourceAccount, aws:SourceArn, aws:PrincipalOrgID, ...).',
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
        const index = new StackIndex(args.resources);
        let undecided: Path | undefined;
        for (const d of documents(index)) {
            // An absent, null or empty document has no statements (AWS then applies its default, which is not public).
            const statements = statementsOf(get(d.owner.props, d.prop));
            if (statements === UNKNOWN) {
                // Stryker disable next-line ArrayDeclaration,StringLiteral: the preview note's property path is message text (an empty path still raises the note)
                undecided = [d.prop];
                continue;
            }
            const { open, unknown } = openStatements(statements);
            // Stryker disable next-line ArrayDeclaration,StringLiteral: the preview note's property path is message text (an empty path still raises the note)
            if (unknown) undecided = [d.prop];
            if (open.length)
                report(
                    // Stryker disable next-line StringLiteral: message wording decides no verdict
                    `The ${d.what} of '${d.owner.name}' (${d.owner.type}) is open to anyone: ${listed(open, "; ")} allow Principal "*" with no condition that narrows the caller to an account, organisation or source; ${d.why}. ` +
                        // Stryker disable next-line StringLiteral: message wording decides no verdict
                        "Name the principals, or add a condition such as aws:SourceAccount, aws:SourceArn or aws:PrincipalOrgID with a concrete value.",
                    d.owner.urn,
                );
        }
        for (const { p, fns, principal } of consumerPermissions(index)) {
            if (isUnknown(principal)) {
                // Stryker disable next-line ArrayDeclaration,StringLiteral: the preview note's property path is message text (an empty path still raises the note)
                undecided = ["principal"];
                continue;
            }
            if (principal !== "*") continue;
            const n = callerNamed(p, ["sourceAccount", "sourceArn", "principalOrgId"], false);
            if (n === "narrowed") continue;
            if (n === "unknown") {
                // Stryker disable next-line ArrayDeclaration,StringLiteral: the preview note's property path is message text (an empty path still raises the note)
                undecided = ["sourceArn"];
                continue;
            }
            report(
                // Stryker disable next-line StringLiteral: message wording decides no verdict
                `Lambda permission '${p.name}' lets anyone (principal "*") call ${maybeAction(p)} on Kafka consumer function '${fns[0].name}' with no sourceAccount, sourceArn or principalOrgId: ` +
                    // Stryker disable next-line StringLiteral: message wording decides no verdict
                    "any AWS account could invoke it with records of its choosing. Name the calling service or account, or set sourceArn/sourceAccount.",
                p.urn,
            );
        }
        if (undecided) notKnownYet(undecided);
    },
};

/** The Lambda permissions of the stack on a Kafka consumer function, with the functions and the principal they name. */
function consumerPermissions(index: StackIndex): { p: PolicyResource; fns: PolicyResource[]; principal: unknown }[] {
    const consumers = consumerFunctions(index);
    const out: { p: PolicyResource; fns: PolicyResource[]; principal: unknown }[] = [];
    for (const p of index.ofType(T.permission)) {
        const fns = functionsOf(index, p, "function");
        if (fns.some((f) => consumers.has(f))) out.push({ p, fns, principal: get(p.props, "principal") });
    }
    return out;
}

/**
 * Whether a permission names its caller through one of `keys` (a non-empty known value; with `wildcards: false`, one
 * without `*`), cannot be told yet, or does not.
 */
function callerNamed(p: PolicyResource, keys: string[], wildcards: boolean): Verdict {
    const values = keys.map((k) => get(p.props, k));
    if (values.some((v) => typeof v === "string" && v !== "" && !isUnknown(v) && (wildcards || !v.includes("*")))) return "narrowed";
    return values.some(isUnknown) ? "unknown" : "open";
}

function maybeAction(p: PolicyResource): string {
    const a = get(p.props, "action");
    // Stryker disable next-line StringLiteral: message wording decides no verdict
    return typeof a === "string" && !isUnknown(a) ? a : "the function";
}

/**
 * Lambda docs, "Viewing resource-based IAM policies in Lambda" / "Granting function access to AWS services": when an
 * AWS service invokes a function, set `SourceArn` (and `SourceAccount` for S3) so that only your resource can make
 * the service call it; without them any account's resource of that service could (the confused deputy problem, IAM
 * User Guide "The confused deputy problem"). Advisory: the service principal itself is not public.
 */
export const consumerConfusedDeputy: StackValidationPolicy = {
    name: "consumer-confused-deputy",
    description:
        "A Lambda permission that lets an AWS service principal (*.amazonaws.com) invoke a Kafka consumer function names the calling resource or account (sourceArn or sourceAccount).",
    enforcementLevel: "advisory",
    validateStack: (args, report) => {
        const index = new StackIndex(args.resources);
        let undecided: Path | undefined;
        for (const { p, fns, principal } of consumerPermissions(index)) {
            if (isUnknown(principal)) {
                // Stryker disable next-line ArrayDeclaration,StringLiteral: the preview note's property path is message text (an empty path still raises the note)
                undecided = ["principal"];
                continue;
            }
            if (typeof principal !== "string" || !principal.endsWith(".amazonaws.com")) continue;
            const n = callerNamed(p, ["sourceAccount", "sourceArn"], true);
            if (n === "narrowed") continue;
            if (n === "unknown") {
                // Stryker disable next-line ArrayDeclaration,StringLiteral: the preview note's property path is message text (an empty path still raises the note)
                undecided = ["sourceArn"];
                continue;
            }
            report(
                // Stryker disable next-line StringLiteral: message wording decides no verdict
                `Lambda permission '${p.name}' lets the service principal ${principal.slice(0, 80)} invoke Kafka consumer function '${fns[0].name}' with no sourceArn or sourceAccount: ` +
                    // Stryker disable next-line StringLiteral: message wording decides no verdict
                    "a resource of that service in any account could make it call the function (confused deputy). Set sourceArn (and sourceAccount) to your resource.",
                p.urn,
            );
        }
        if (undecided) notKnownYet(undecided);
    },
};
