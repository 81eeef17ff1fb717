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

/**
 * All statements attached to a role that the stack defines: inline `RolePolicy` resources, the role's own
 * `inlinePolicies`, and managed policies attached through `RolePolicyAttachment` or `managedPolicyArns`.
 */
export function roleGrants(index: StackIndex, role: PolicyResource): RoleGrants {
    const g: RoleGrants = { statements: [], unknown: false, external: [] };
    const addDoc = (doc: unknown) => {
        const s = statementsOf(doc);
        if (s === UNKNOWN) g.unknown = true;
        else g.statements.push(...s);
    };
    for (const rp of index.referrers(role, "role", [T.rolePolicy])) addDoc(get(rp.props, "policy"));
    for (const ip of maybeArray(role.props, "inlinePolicies")) addDoc(get(ip, "policy"));
    const policyRefs: { owner: PolicyResource; prop: string; value: unknown }[] = [];
    for (const a of index.referrers(role, "role", [T.rolePolicyAttachment])) policyRefs.push({ owner: a, prop: "policyArn", value: get(a.props, "policyArn") });
    for (const arn of maybeArray(role.props, "managedPolicyArns")) policyRefs.push({ owner: role, prop: "managedPolicyArns", value: arn });
    for (const ref of policyRefs) {
        const found = index.resolve(ref.owner, ref.prop, ref.value, [T.policy]);
        if (found.length) for (const p of found) addDoc(get(p.props, "policy"));
        else if (isUnknown(ref.value)) g.unknown = true;
        else if (typeof ref.value === "string") g.external.push(ref.value);
    }
    return g;
}
