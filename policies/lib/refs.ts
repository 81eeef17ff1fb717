/**
 * Following references through a stack: which destinations a mapping, an invoke config or a function sends records
 * to; which function a mapping invokes; which statements a function's role holds.
 */
import type { PolicyResource } from "@pulumi/policy";
import { T, type StackIndex } from "./graph";
import { statementsOf, type Stmt } from "./iam-eval";
import { AWS_MANAGED_POLICIES, awsManagedPolicyName } from "./iam-facts";
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
    /** Some policy document (or the list of policies) is not known yet (preview). */
    unknown: boolean;
    /** Policies attached by ARN that neither this stack nor the AWS-managed table defines: the pack cannot see them. */
    external: string[];
}

const POLICY_ATTACHMENT = "aws:iam/policyAttachment:PolicyAttachment";

/** `aws:iam/policyAttachment:PolicyAttachment` resources by the role they name (a list property), built once per index. */
const attachmentsByRole = new WeakMap<StackIndex, Map<string, PolicyResource[]>>();

function policyAttachmentsOf(index: StackIndex, role: PolicyResource): PolicyResource[] {
    let byRole = attachmentsByRole.get(index);
    if (!byRole) {
        byRole = new Map();
        for (const a of index.ofType(POLICY_ATTACHMENT)) {
            const keys = new Set<string>();
            for (const r of maybeArray(a.props, "roles")) if (typeof r === "string" && !isUnknown(r)) keys.add(`id:${r}`);
            for (const d of (a.propertyDependencies ?? {})["roles"] ?? []) if (d && typeof d.urn === "string") keys.add(`urn:${d.urn}`);
            for (const k of keys) {
                const list = byRole.get(k) ?? [];
                list.push(a);
                byRole.set(k, list);
            }
        }
        attachmentsByRole.set(index, byRole);
    }
    const out = new Set<PolicyResource>(byRole.get(`urn:${role.urn}`) ?? []);
    for (const p of ["name", "id", "arn"]) {
        const v = get(role.props, p);
        if (typeof v === "string" && !isUnknown(v)) for (const a of byRole.get(`id:${v}`) ?? []) out.add(a);
    }
    return [...out];
}

/**
 * Every statement a role's identity policies hold: inline `RolePolicy` resources, the role's own `inlinePolicies`, and
 * managed policies attached through `RolePolicyAttachment`, `PolicyAttachment` or `managedPolicyArns`: customer-managed
 * ones (`aws:iam/policy:Policy`) read from the stack, AWS-managed ones from the table of their documents
 * (lib/iam-facts.ts). A role's permissions boundary and the organisation's SCPs can only narrow this.
 */
export function roleGrants(index: StackIndex, role: PolicyResource): RoleGrants {
    const g: RoleGrants = { statements: [], unknown: false, external: [] };
    const addDoc = (doc: unknown) => {
        const s = statementsOf(doc);
        if (s === UNKNOWN) g.unknown = true;
        else for (const st of s) g.statements.push(st);
    };
    for (const rp of index.referrers(role, "role", [T.rolePolicy])) addDoc(get(rp.props, "policy"));
    if (isUnknown(get(role.props, "inlinePolicies"))) g.unknown = true;
    for (const ip of maybeArray(role.props, "inlinePolicies")) addDoc(get(ip, "policy"));
    const policyRefs: { owner: PolicyResource; prop: string; value: unknown }[] = [];
    for (const a of index.referrers(role, "role", [T.rolePolicyAttachment])) policyRefs.push({ owner: a, prop: "policyArn", value: get(a.props, "policyArn") });
    for (const a of policyAttachmentsOf(index, role)) policyRefs.push({ owner: a, prop: "policyArn", value: get(a.props, "policyArn") });
    if (isUnknown(get(role.props, "managedPolicyArns"))) g.unknown = true;
    for (const arn of maybeArray(role.props, "managedPolicyArns")) policyRefs.push({ owner: role, prop: "managedPolicyArns", value: arn });
    for (const ref of policyRefs) {
        const found = index.resolve(ref.owner, ref.prop, ref.value, [T.policy]);
        const managed = typeof ref.value === "string" && !isUnknown(ref.value) ? awsManagedPolicyName(ref.value) : undefined;
        if (found.length) for (const p of found) addDoc(get(p.props, "policy"));
        else if (managed !== undefined && AWS_MANAGED_POLICIES[managed]) for (const st of AWS_MANAGED_POLICIES[managed]) g.statements.push(st);
        else if (isUnknown(ref.value)) g.unknown = true;
        else if (typeof ref.value === "string") g.external.push(ref.value);
    }
    return g;
}
