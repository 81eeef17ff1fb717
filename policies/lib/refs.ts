/**
 * Following references through a stack: which destinations a mapping, an invoke config or a function sends records
 * to; which function a mapping invokes; which statements a function's role holds.
 */
import type { PolicyResource } from "@pulumi/policy";
import { T, type StackIndex } from "./graph";
import { statementsOf, type Stmt } from "./iam-eval";
import { get, isKafkaClusterArn, isUnknown, maybeArray, UNKNOWN } from "./values";

export const DESTINATION_TYPES = [T.queue, T.topic, T.bucket, T.bucketV2, T.eventBus, T.fn] as const;

export interface DestinationRef {
    /** The resource that names the destination (mapping, invoke config or function). */
    owner: PolicyResource;
    what: "on-failure destination" | "async on-failure destination" | "async on-success destination" | "dead-letter target";
    /** Top-level property holding the reference. */
    prop: string;
    /** The ARN as given: a string, the unknown sentinel, or undefined. */
    arn: unknown;
    /** The destination resources in this stack the reference points at. */
    targets: PolicyResource[];
}

/** Every destination reference in the stack. */
export function destinationRefs(index: StackIndex): DestinationRef[] {
    const out: DestinationRef[] = [];
    const add = (owner: PolicyResource, what: DestinationRef["what"], prop: string, path: string[]) => {
        const arn = get(owner.props, prop, ...path);
        if (arn === undefined || arn === "" || arn === null) return;
        out.push({ owner, what, prop, arn, targets: index.resolve(owner, prop, arn, DESTINATION_TYPES) });
    };
    for (const m of index.ofType(T.mapping)) add(m, "on-failure destination", "destinationConfig", ["onFailure", "destinationArn"]);
    for (const c of index.ofType(T.invokeConfig)) {
        add(c, "async on-failure destination", "destinationConfig", ["onFailure", "destination"]);
        add(c, "async on-success destination", "destinationConfig", ["onSuccess", "destination"]);
    }
    for (const f of index.ofType(T.fn)) add(f, "dead-letter target", "deadLetterConfig", ["targetArn"]);
    return out;
}

/**
 * Whether a mapping's properties say it reads from Amazon MSK: its event source is an MSK cluster ARN; or, when that is
 * not known yet, it has Kafka topics and no self-managed or MQ source.
 */
export function isMskMappingProps(props: unknown): boolean {
    const arn = get(props, "eventSourceArn");
    if (typeof arn === "string" && !isUnknown(arn)) return isKafkaClusterArn(arn);
    return isUnknown(arn) && get(props, "topics") !== undefined && get(props, "selfManagedEventSource") === undefined && get(props, "queues") === undefined;
}

/** The same in a stack, where a mapping whose source ARN is not known (or not sent yet) may depend on an MSK cluster. */
export function isMskMapping(m: PolicyResource, index: StackIndex): boolean {
    const arn = get(m.props, "eventSourceArn");
    const known = typeof arn === "string" && !isUnknown(arn);
    if (!known && index.propDeps(m, "eventSourceArn", [T.mskCluster]).length > 0) return true;
    return isMskMappingProps(m.props);
}

/** The function resources a resource's property names (directly, or through a Lambda alias). */
export function functionsOf(index: StackIndex, r: PolicyResource, prop: string): PolicyResource[] {
    const value = get(r.props, prop);
    const direct = index.resolve(r, prop, value, [T.fn, T.alias]);
    const fns = new Set<PolicyResource>();
    for (const d of direct) {
        if (d.type === T.fn) fns.add(d);
        else for (const f of index.resolve(d, "functionName", get(d.props, "functionName"), [T.fn])) fns.add(f);
    }
    return [...fns];
}

/** The roles a function runs as. */
export function rolesOf(index: StackIndex, fn: PolicyResource): PolicyResource[] {
    return index.resolve(fn, "role", get(fn.props, "role"), [T.role]);
}

export interface RoleGrants {
    statements: Stmt[];
    /** Some policy document is not known yet (preview). */
    unknown: boolean;
    /** The role has policies this stack does not define (attached by ARN): the pack cannot see what they allow. */
    external: string[];
}

/** Per stack index: the grants of each role, and the statements of each policy document, computed once. */
const grantsMemo = new WeakMap<StackIndex, Map<PolicyResource, RoleGrants>>();
const statementsMemo = new WeakMap<object, Stmt[] | typeof UNKNOWN>();

/** The statements of a resource's policy document property, parsed once per resource. */
function documentStatements(owner: PolicyResource, doc: unknown): Stmt[] | typeof UNKNOWN {
    const key = owner as object;
    const cached = statementsMemo.get(key);
    if (cached) return cached;
    const s = statementsOf(doc);
    statementsMemo.set(key, s);
    return s;
}

/**
 * All statements attached to a role that the stack defines: inline `RolePolicy` resources, the role's own
 * `inlinePolicies`, and managed policies attached through `RolePolicyAttachment` or `managedPolicyArns`. Computed once
 * per role and stack index; statements are appended one by one (never spread as arguments: a policy may hold more
 * statements than a call can take arguments).
 */
export function roleGrants(index: StackIndex, role: PolicyResource): RoleGrants {
    let memo = grantsMemo.get(index);
    if (!memo) grantsMemo.set(index, (memo = new Map()));
    const cached = memo.get(role);
    if (cached) return cached;
    const g: RoleGrants = { statements: [], unknown: false, external: [] };
    const add = (s: Stmt[] | typeof UNKNOWN) => {
        if (s === UNKNOWN) g.unknown = true;
        else for (const x of s) g.statements.push(x);
    };
    for (const rp of index.referrers(role, "role", [T.rolePolicy])) add(documentStatements(rp, get(rp.props, "policy")));
    for (const ip of maybeArray(role.props, "inlinePolicies")) add(statementsOf(get(ip, "policy")));
    const seen = new Set<PolicyResource>();
    const attach = (policies: PolicyResource[]) => {
        for (const p of policies) {
            if (seen.has(p)) continue; // a policy attached twice (or named by several ARNs) counts once
            seen.add(p);
            add(documentStatements(p, get(p.props, "policy")));
        }
    };
    const byArn = (value: unknown, foundByDependency: boolean) => {
        const found = index.withIdIn([value], [T.policy]);
        attach(found);
        if (found.length || foundByDependency) return;
        if (isUnknown(value)) g.unknown = true;
        else if (typeof value === "string") g.external.push(value);
    };
    for (const a of index.referrers(role, "role", [T.rolePolicyAttachment])) {
        const deps = index.propDeps(a, "policyArn", [T.policy]);
        attach(deps);
        byArn(get(a.props, "policyArn"), deps.length > 0);
    }
    // The role's own list: its dependencies are looked up once, not once per ARN (the list may be long).
    const managedDeps = index.propDeps(role, "managedPolicyArns", [T.policy]);
    attach(managedDeps);
    for (const arn of maybeArray(role.props, "managedPolicyArns")) byArn(arn, managedDeps.length > 0);
    memo.set(role, g);
    return g;
}
