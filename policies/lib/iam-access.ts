/**
 * "Can the execution role do what the mapping needs?": IAM's policy evaluation logic (IAM User Guide, "Policy
 * evaluation logic"), conservative for this question: an action is possible only when an Allow certainly applies (in
 * the role's identity policies, or in a same-account resource policy naming the role), the role's permissions boundary (when the stack sets one) certainly allows it too
 * (boundaries intersect), and no Deny that could apply is written anywhere the request passes: the identity policies,
 * the boundary, the resource's policy (key policy, queue, topic, bucket or secret policy) or the VPC endpoint policy.
 */
import type { PolicyResource } from "@pulumi/policy";
import { T, type StackIndex } from "./graph";
import { roleRequestContext, type RequestContext } from "./iam-conditions";
import { allows, asList, certainly, couldDeny, statementLabel, statementsOf, surelyDenies, type Stmt } from "./iam-eval";
import { awsManagedPolicyRef, managedPolicyStatements } from "./iam-facts";
import { get, isUnknown, UNKNOWN } from "./values";

/** A policy document the request passes through, with a label for messages. */
export interface Gate {
    label: string;
    statements: Stmt[];
    /** A resource or endpoint policy: its statements apply to the role only through their Principal. */
    principals: boolean;
    /** The document must also allow (a permissions boundary, an endpoint policy): its Allow must certainly apply. */
    mustAllow: boolean;
}

/** The role's permissions boundary: its statements, "unknown" (not known yet), "external" (not readable), or none. */
export function boundaryOf(index: StackIndex, role: PolicyResource): Stmt[] | "unknown" | "external" | undefined {
    const value = get(role.props, "permissionsBoundary");
    if (value === undefined || value === null || value === "") return undefined;
    const found = [...index.propDeps(role, "permissionsBoundary", [T.policy]), ...index.withIdIn([value], [T.policy])];
    if (found.length) {
        const s = statementsOf(get(found[0].props, "policy"));
        return s === UNKNOWN ? "unknown" : s;
    }
    if (isUnknown(value)) return "unknown";
    const ref = typeof value === "string" ? awsManagedPolicyRef(value) : undefined;
    const managed = ref ? managedPolicyStatements(ref.name, ref.path) : undefined;
    if (managed) return managed;
    return "external";
}

/** Does a resource-policy statement name the role as its principal (`*`, the role's ARN, its account)? */
export function namesPrincipal(s: Stmt, roleArn: string | undefined, account: string | undefined): boolean {
    const ids = [roleArn, account, account ? `arn:aws:iam::${account}:root` : undefined].filter((x): x is string => !!x);
    const matches = (p: unknown): boolean => {
        if (p === "*") return true;
        if (!p || typeof p !== "object") return false;
        const list = asList((p as Record<string, unknown>).AWS);
        return (
            list.includes("*") ||
            list.some((x) => ids.includes(x) || (account !== undefined && x.startsWith(`arn:`) && x.split(":", 5)[4] === account && x.endsWith(":root")))
        );
    };
    if (s.Principal !== undefined) return matches(s.Principal);
    // IAM User Guide, "AWS JSON policy elements: NotPrincipal": a statement with NotPrincipal applies to every principal
    // it does not name, and naming the account does not name a role in it (to exempt a role, name the role, or its
    // assumed-role session). So only `*` or the role's own ARN takes the role out.
    if (s.NotPrincipal !== undefined) return !namesRoleItself(s.NotPrincipal, roleArn);
    return false;
}

/** Does a NotPrincipal name this very role (`*`, the role's ARN, or an assumed-role session of it)? */
function namesRoleItself(p: unknown, roleArn: string | undefined): boolean {
    if (p === "*") return true;
    if (!p || typeof p !== "object") return false;
    const list = asList((p as Record<string, unknown>).AWS);
    if (list.includes("*")) return true;
    if (!roleArn) return false;
    const f = roleArn.split(":");
    const roleName = f.length >= 6 ? f.slice(5).join(":").split("/").pop() : undefined;
    const session = roleName && f.length >= 6 ? `arn:${f[1]}:sts::${f[4]}:assumed-role/${roleName}/` : undefined;
    return list.some((x) => x === roleArn || (!!session && x.startsWith(session)));
}

/**
 * The statements of a gate that apply to the role (all of them for an identity-like gate; those whose principal names
 * the role for a resource policy), memoised per document and role ARN: the same array for the same question, so the
 * prepared and indexed forms memoised on it (lib/iam-eval.ts) are built once per request, not once per request made.
 */
const forPrincipal = new WeakMap<Stmt[], Map<string, Stmt[]>>();

function gateStatements(g: Gate, arn: string | undefined, account: string | undefined): Stmt[] {
    if (!g.principals) return g.statements;
    let byArn = forPrincipal.get(g.statements);
    if (!byArn) forPrincipal.set(g.statements, (byArn = new Map()));
    const key = arn ?? "";
    let st = byArn.get(key);
    if (!st) byArn.set(key, (st = g.statements.filter((s) => namesPrincipal(s, arn, account))));
    return st;
}

export interface Refusal {
    action: string;
    resource: string;
    why: string;
}

/**
 * Whether the role can make the request: undefined when it can, else why not ("not allowed by ...", "denied by ...").
 * `identity`: the role's identity statements; `gates`: the other documents the request passes; `extra`: context keys
 * the caller knows (`kms:ViaService` for a key used through a service).
 */
export function refusal(identity: Stmt[], roleArn: unknown, gates: Gate[], action: string, resource: string, extra: RequestContext = {}): string | undefined {
    const arn = typeof roleArn === "string" && !isUnknown(roleArn) ? roleArn : undefined;
    const ctx: RequestContext = { ...roleRequestContext(arn), ...extra };
    const account = arn ? arn.split(":", 5)[4] : undefined;
    const own = certainly(identity, action, resource, ctx);
    if (own.deny >= 0) return `denied by ${statementLabel(identity[own.deny], own.deny)} of the role's policies`;
    for (const g of gates) {
        const st = gateStatements(g, arn, account);
        const i = couldDeny(st, action, resource, ctx);
        if (i >= 0) return `denied by ${statementLabel(st[i], g.statements.indexOf(st[i]))} of ${g.label}`;
        if (g.mustAllow && !allows(st, action, resource, "certain", ctx)) return `not allowed by ${g.label}`;
    }
    if (own.allow < 0 && !grantedByResourcePolicy(gates, arn, account, action, resource, ctx)) return "not allowed by the role's policies";
    return undefined;
}

/**
 * IAM User Guide, "Policy evaluation logic" ("Evaluating policies within a single account"): a resource-based policy
 * that names the principal grants the request by itself, with no identity-based Allow; a KMS key policy that names the
 * role does too (AWS KMS, "Key policies in AWS KMS"). Only a statement naming this role (or `*`) counts: one naming the
 * account root delegates to the account's IAM policies and grants nothing alone. Only in the role's own account
 * (across accounts both sides must allow), and never an endpoint policy (it only narrows). A permissions boundary in
 * the stack still has to allow the request (a `mustAllow` gate, checked before): an implicit deny there limits what a
 * resource policy grants to a role.
 */
function grantedByResourcePolicy(
    gates: Gate[],
    arn: string | undefined,
    account: string | undefined,
    action: string,
    resource: string,
    ctx: RequestContext,
): boolean {
    if (!arn || !account) return false;
    const resourceAccount = resource.split(":", 5)[4];
    if (resourceAccount !== undefined && resourceAccount !== "" && resourceAccount !== account) return false;
    return gates.some(
        (g) =>
            g.principals &&
            !g.mustAllow &&
            allows(
                g.statements.filter((st) => namesRoleOnly(st, arn)),
                action,
                resource,
                "certain",
                ctx,
            ),
    );
}

/** Does a statement's Principal name this role itself (its ARN, or `*`), not only its account? */
function namesRoleOnly(s: Stmt, roleArn: string): boolean {
    if (s.Principal === "*") return true;
    if (!s.Principal || typeof s.Principal !== "object") return false;
    const list = asList((s.Principal as Record<string, unknown>).AWS);
    return list.includes("*") || list.includes(roleArn);
}

/**
 * `refusal`, and whether it holds only on conditions the pack cannot decide (`conditional`): a Deny whose condition may
 * or may not hold (aws:PrincipalOrgID, aws:SourceVpc, aws:RequestedRegion, ...), or an Allow whose condition may not.
 * "Can it do it?" counts every Deny that could apply and only Allows that surely do (issue 17), so such a request may
 * be refused; but AWS may as well allow it (the account is in the organization, the region matches), so a rule says
 * it as advisory, never as a mandatory violation that would block a valid stack.
 */
export function refusalDetail(
    identity: Stmt[],
    roleArn: unknown,
    gates: Gate[],
    action: string,
    resource: string,
    extra: RequestContext = {},
): { why: string; conditional: boolean } | undefined {
    const why = refusal(identity, roleArn, gates, action, resource, extra);
    if (!why) return undefined;
    const arn = typeof roleArn === "string" && !isUnknown(roleArn) ? roleArn : undefined;
    const ctx: RequestContext = { ...roleRequestContext(arn), ...extra };
    const account = arn ? arn.split(":", 5)[4] : undefined;
    const sure = (): boolean => {
        if (surelyDenies(identity, action, resource, ctx) >= 0) return true;
        for (const g of gates) {
            const st = gateStatements(g, arn, account);
            if (surelyDenies(st, action, resource, ctx) >= 0) return true;
            if (g.mustAllow && !allows(st, action, resource, "could", ctx)) return true;
        }
        return !allows(identity, action, resource, "could", ctx);
    };
    return { why, conditional: !sure() };
}

/** The policy documents written on a destination or secret resource in the stack (its own `policy` and policy resources). */
export function resourcePolicies(index: StackIndex, target: PolicyResource): { gates: Gate[]; unknown: boolean } {
    const gates: Gate[] = [];
    let unknown = false;
    const add = (owner: PolicyResource, doc: unknown, what: string) => {
        if (doc === undefined || doc === null || doc === "") return;
        const s = statementsOf(doc);
        if (s === UNKNOWN) unknown = true;
        else gates.push({ label: `${what} '${owner.name}'`, statements: s, principals: true, mustAllow: false });
    };
    const via: Record<string, { type: string; prop: string; what: string } | undefined> = {
        [T.queue]: { type: T.queuePolicy, prop: "queueUrl", what: "queue policy" },
        [T.topic]: { type: T.topicPolicy, prop: "arn", what: "topic policy" },
        [T.bucket]: { type: T.bucketPolicy, prop: "bucket", what: "bucket policy" },
        [T.bucketV2]: { type: T.bucketPolicy, prop: "bucket", what: "bucket policy" },
        [T.secret]: { type: T.secretPolicy, prop: "secretArn", what: "secret policy" },
    };
    add(target, get(target.props, "policy"), "the resource policy of");
    const v = via[target.type];
    if (v) for (const p of index.referrers(target, v.prop, [v.type])) add(p, get(p.props, "policy"), v.what);
    return { gates, unknown };
}

/** A KMS key's policy: a separate `KeyPolicy` resource for it, else the key's own `policy` (absent: AWS's default). */
export function keyPolicyGate(index: StackIndex, key: PolicyResource): Gate | "unknown" | undefined {
    const separate = index.referrers(key, "keyId", [T.keyPolicy])[0];
    const doc = separate ? get(separate.props, "policy") : get(key.props, "policy");
    if (doc === undefined || doc === null || doc === "") return undefined;
    const s = statementsOf(doc);
    if (s === UNKNOWN) return "unknown";
    return { label: `the key policy of '${key.name}'`, statements: s, principals: true, mustAllow: false };
}

/** A VPC endpoint of one service: its place in the stack, the keys of its VPC, and its policy as a gate. */
interface EndpointEntry {
    pos: number;
    /** The VPC by dependency (URN), by id (URN of the VPC resource known by it) and `id:<vpcId>`; empty when none is known. */
    keys: string[];
    gate?: Gate;
    unknown: boolean;
}

/** Per request's index, per service: the service's endpoints, and the same by VPC key (built once, read per destination). */
const endpointsMemo = new WeakMap<StackIndex, Map<string, { all: EndpointEntry[]; byKey: Map<string, EndpointEntry[]>; keyless: EndpointEntry[] }>>();

function endpointsOf(index: StackIndex, service: string) {
    let byService = endpointsMemo.get(index);
    if (!byService) endpointsMemo.set(index, (byService = new Map()));
    let found = byService.get(service);
    if (found) return found;
    found = { all: [], byKey: new Map(), keyless: [] };
    let pos = 0;
    for (const e of index.ofType(T.vpcEndpoint)) {
        pos++;
        const name = get(e.props, "serviceName");
        if (typeof name !== "string" || !name.endsWith(`.${service}`)) continue;
        const vpc = get(e.props, "vpcId");
        const dep = index.propDeps(e, "vpcId", [T.vpc])[0];
        // The VPC by dependency or by id (lib/vpc `vpcOf`: a discovered endpoint has no dependencies).
        const known = typeof vpc === "string" && !isUnknown(vpc);
        const byId = known ? index.withIdIn([vpc], [T.vpc])[0]?.urn : undefined;
        const keys = [dep?.urn, byId, known ? `id:${vpc}` : undefined].filter((x): x is string => !!x);
        const entry: EndpointEntry = { pos, keys, unknown: false };
        const doc = get(e.props, "policy");
        if (doc !== undefined && doc !== null && doc !== "") {
            const st = statementsOf(doc);
            if (st === UNKNOWN) entry.unknown = true;
            else entry.gate = { label: `the policy of VPC endpoint '${e.name}'`, statements: st, principals: true, mustAllow: true };
        }
        found.all.push(entry);
        if (!keys.length) found.keyless.push(entry);
        for (const k of new Set(keys)) {
            const list = found.byKey.get(k) ?? [];
            list.push(entry);
            found.byKey.set(k, list);
        }
    }
    byService.set(service, found);
    return found;
}

/**
 * The VPC endpoint policies of a service (`sqs`, `sns`, `s3`) in the stack: an endpoint policy is an allow-list
 * (AWS PrivateLink, "Control access to VPC endpoints using endpoint policies": absent, it allows everything), so the
 * request needs its Allow and no Deny. `vpcs`: only endpoints in these VPCs (by `vpcId`), when given; an endpoint
 * whose VPC is not known at all is kept. The endpoints are indexed once per request (by service and VPC key), so a
 * call costs the endpoints it returns, not the stack's endpoints; they come in the stack's order.
 */
export function endpointGates(index: StackIndex, service: string, vpcs?: Set<string>): { gates: Gate[]; unknown: boolean } {
    const { all, byKey, keyless } = endpointsOf(index, service);
    let entries = all;
    if (vpcs) {
        const picked = new Set<EndpointEntry>(keyless);
        for (const k of vpcs) for (const e of byKey.get(k) ?? []) picked.add(e);
        entries = [...picked].sort((a, b) => a.pos - b.pos);
    }
    const gates: Gate[] = [];
    let unknown = false;
    for (const e of entries) {
        if (e.unknown) unknown = true;
        else if (e.gate) gates.push(e.gate);
    }
    return { gates, unknown };
}

/**
 * The `kms:ViaService` of a KMS request a service makes for the role (AWS KMS Developer Guide, "kms:ViaService"):
 * `SERVICE.REGION.amazonaws.com`, with the region of the resource's ARN.
 */
export function viaService(service: string, resourceArn: string): RequestContext {
    const region = resourceArn.split(":", 4)[3];
    return region ? { "kms:viaservice": `${service}.${region}.amazonaws.com` } : {};
}
