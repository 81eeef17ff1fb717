/**
 * Following references through a stack: which destinations a mapping, an invoke config or a function sends records
 * to; which function a mapping invokes; which statements a function's role holds.
 */
import type { PolicyResource } from "@pulumi/policy";
import { destinationFacts } from "./destinations";
import { T, type StackIndex } from "./graph";
import { statementsOf, type Stmt } from "./iam-eval";
import { awsManagedPolicyRef, managedPolicyStatements } from "./iam-facts";
import { get, isAccountId, isKafkaClusterArn, isUnknown, maybeArray, UNKNOWN } from "./values";

/** The resource types that are destinations: every type of the destination catalogue (read at call time). */
export function destinationTypes(): string[] {
    return destinationFacts().flatMap((f) => f.resourceTypes);
}

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
    /**
     * The value is not known yet and the owner's property depends on destinations of several types (an on-failure
     * queue and an on-success topic): `targets` holds all of them, and which one this reference names is not known.
     */
    ambiguous?: boolean;
}

/** The destination references of each request's index, found once for the policies that read them (frozen). */
const refsMemo = new WeakMap<StackIndex, readonly DestinationRef[]>();

/** Every destination reference in the stack (shared by every caller of the same index: read only). */
export function destinationRefs(index: StackIndex): readonly DestinationRef[] {
    let refs = refsMemo.get(index);
    if (!refs) refsMemo.set(index, (refs = Object.freeze(findDestinationRefs(index))));
    return refs;
}

function findDestinationRefs(index: StackIndex): DestinationRef[] {
    const out: DestinationRef[] = [];
    const types = destinationTypes();
    const add = (owner: PolicyResource, what: DestinationRef["what"], prop: string, path: string[]) => {
        const arn = get(owner.props, prop, ...path);
        if (arn === undefined || arn === "" || arn === null) return;
        const targets = destinationTargets(index, owner, prop, arn, types);
        const ambiguous = isUnknown(arn) && new Set(targets.map((t) => t.type)).size > 1;
        out.push({ owner, what, prop, arn, targets, ...(ambiguous ? { ambiguous } : {}) });
    };
    for (const m of index.ofType(T.mapping)) add(m, "on-failure destination", "destinationConfig", ["onFailure", "destinationArn"]);
    for (const c of index.ofType(T.invokeConfig)) {
        // Both share the `destinationConfig` property's dependencies: destinationTargets keeps each one's own.
        add(c, "async on-failure destination", "destinationConfig", ["onFailure", "destination"]);
        add(c, "async on-success destination", "destinationConfig", ["onSuccess", "destination"]);
    }
    for (const f of index.ofType(T.fn)) add(f, "dead-letter target", "deadLetterConfig", ["targetArn"]);
    return out;
}

/** The destination resource types an ARN's service names (`sqs`, `sns`, `s3`, `events`, `lambda`), from the catalogue. */
function typesOfService(service: string): string[] {
    return destinationFacts()
        .filter((f) => f.arn.service === service)
        .flatMap((f) => f.resourceTypes);
}

/**
 * The resources one destination reference names. Property dependencies are recorded per top-level property, so an
 * invoke config whose `destinationConfig` holds an on-failure queue and an on-success topic depends on both: each
 * reference keeps only the dependencies its own value can name (a known ARN: the resource known by it, or a
 * dependency of the ARN's service whose ARN is not known). An unknown value keeps every dependency (`ambiguous`
 * when they are of several types).
 */
function destinationTargets(index: StackIndex, owner: PolicyResource, prop: string, arn: unknown, all: string[]): PolicyResource[] {
    const deps = index.propDeps(owner, prop, all);
    if (typeof arn === "string" && !isUnknown(arn)) {
        const byValue = index.resolve(owner, "", arn, all);
        const service = arn.startsWith("arn:") ? arn.split(":", 3)[2] : undefined;
        const types = service !== undefined ? typesOfService(service) : undefined;
        const out = new Set(byValue);
        for (const d of deps) {
            const own = get(d.props, "arn");
            if (types && types.includes(d.type) && (isUnknown(own) || own === undefined)) out.add(d);
        }
        return [...out];
    }
    return deps;
}

/**
 * Where a mapping reads from. Lambda takes Kafka from Amazon MSK (provisioned or serverless: `eventSourceArn` is the
 * cluster's ARN) or from a self-managed cluster (`selfManagedEventSource` with bootstrap servers, and no ARN); every
 * other source (SQS, Kinesis, DynamoDB, MQ, DocumentDB) is `other`. `unknown`: a first preview has not computed
 * enough to tell (the ARN and the topics are unknown and nothing in the stack says which resource the ARN is).
 */
export type SourceKind = "msk" | "self-managed" | "other" | "unknown";

export interface MappingSource {
    kind: SourceKind;
    /** The MSK cluster resource (provisioned or serverless) in this stack, when found. */
    cluster?: PolicyResource;
    serverless?: boolean;
}

/** A mapping's source kind from its properties alone (resource policies). */
export function sourceKindOfProps(props: unknown): SourceKind {
    const selfManaged = get(props, "selfManagedEventSource");
    if (selfManaged !== undefined && selfManaged !== null) return "self-managed";
    const arn = get(props, "eventSourceArn");
    if (typeof arn === "string" && !isUnknown(arn)) return isKafkaClusterArn(arn) || isMskVpcConnectionArn(arn) ? "msk" : "other";
    const topics = get(props, "topics");
    if (!isUnknown(arn)) return "other"; // no source at all: not a mapping Lambda accepts, and not Kafka's
    // Kafka mappings name their topic; an MSK mapping is a Kafka mapping without a self-managed source.
    if (Array.isArray(topics) && topics.length > 0) return get(props, "queues") !== undefined ? "other" : "msk";
    return isUnknown(topics) ? "unknown" : "other";
}

/**
 * An MSK VPC connection's ARN (`arn:PARTITION:kafka:REGION:ACCOUNT:vpc-connection/...`): Lambda docs "Creating
 * cross-account event source mappings" name it as the `eventSourceArn` of a mapping that consumes a cluster in
 * another account, so the mapping reads from Amazon MSK. Split on ':' (linear).
 */
export function isMskVpcConnectionArn(arn: string): boolean {
    const f = arn.split(":", 7);
    return f.length === 6 && f[0] === "arn" && f[1] !== "" && f[2] === "kafka" && f[3] !== "" && isAccountId(f[4]) && f[5].startsWith("vpc-connection/");
}

/** A mapping's source in a stack: its properties, and the cluster its `eventSourceArn` depends on or names. */
export function mappingSource(m: PolicyResource, index: StackIndex): MappingSource {
    const clusters = index.resolve(m, "eventSourceArn", get(m.props, "eventSourceArn"), [T.mskCluster, T.mskServerless]);
    let kind = sourceKindOfProps(m.props);
    if (clusters.length && kind !== "self-managed") kind = "msk";
    const cluster = clusters[0];
    return { kind, cluster, serverless: cluster ? cluster.type === T.mskServerless : undefined };
}

export function isKafkaKind(kind: SourceKind): boolean {
    return kind === "msk" || kind === "self-managed";
}

/** Whether a mapping's properties say it reads from Amazon MSK (provisioned or serverless). */
export function isMskMappingProps(props: unknown): boolean {
    return sourceKindOfProps(props) === "msk";
}

/** The same in a stack, where a mapping whose source ARN is not known (or not sent yet) may depend on an MSK cluster. */
export function isMskMapping(m: PolicyResource, index: StackIndex): boolean {
    return mappingSource(m, index).kind === "msk";
}

/** A Kafka mapping (MSK or self-managed) in a stack. */
export function isKafkaMapping(m: PolicyResource, index: StackIndex): boolean {
    return isKafkaKind(mappingSource(m, index).kind);
}

/**
 * How Lambda lets a caller name a function (Lambda API `FunctionName`): `name`, `name:qualifier` (alias or version),
 * `account:function:name[:qualifier]` (partial ARN) or `arn:partition:lambda:region:account:function:name[:qualifier]`.
 * Parsed by splitting on `:` (linear, no regular expression).
 */
export interface FunctionRef {
    name: string;
    qualifier?: string;
    account?: string;
}

export function parseFunctionRef(value: string): FunctionRef | undefined {
    const parts = value.split(":");
    let ref: FunctionRef | undefined;
    if (parts[0] === "arn") {
        if ((parts.length === 7 || parts.length === 8) && parts[2] === "lambda" && parts[5] === "function")
            ref = { name: parts[6], qualifier: parts[7], account: parts[4] };
    } else if (parts.length >= 3 && parts[1] === "function") {
        if (parts.length <= 4) ref = { account: parts[0], name: parts[2], qualifier: parts[3] };
    } else if (parts.length <= 2) {
        ref = { name: parts[0], qualifier: parts[1] };
    }
    return ref && ref.name !== "" ? ref : undefined;
}

function accountOf(fn: PolicyResource): string | undefined {
    const arn = get(fn.props, "arn");
    if (typeof arn !== "string" || isUnknown(arn)) return undefined;
    const parts = arn.split(":");
    return parts[0] === "arn" && parts.length >= 5 ? parts[4] : undefined;
}

export interface FunctionTargets {
    fns: PolicyResource[];
    /** The reference is not known yet and no dependency says which function it is (preview). */
    unknown: boolean;
}

/**
 * The function resources a resource's property names, in any form Lambda accepts (see `FunctionRef`), directly, by
 * property dependency, or through a Lambda alias (whose own `functionName` is followed the same way).
 */
export function functionTargets(index: StackIndex, r: PolicyResource, prop: string, depth = 0): FunctionTargets {
    const value = get(r.props, prop);
    const fns = new Set<PolicyResource>();
    const direct = index.resolve(r, prop, value, [T.fn, T.alias]);
    if (typeof value === "string" && !isUnknown(value)) {
        const ref = parseFunctionRef(value);
        if (ref) {
            for (const f of index.withIdIn([ref.name], [T.fn])) {
                const account = accountOf(f);
                if (ref.account === undefined || account === undefined || account === ref.account) fns.add(f);
            }
        }
    }
    let unknown = isUnknown(value) && direct.length === 0;
    for (const d of direct) {
        if (d.type === T.fn) fns.add(d);
        else if (depth < 2) {
            const via = functionTargets(index, d, "functionName", depth + 1);
            for (const f of via.fns) fns.add(f);
            unknown ||= via.unknown;
        }
    }
    return { fns: [...fns], unknown };
}

/** The function resources a resource's property names (directly, or through a Lambda alias). */
export function functionsOf(index: StackIndex, r: PolicyResource, prop: string): PolicyResource[] {
    return functionTargets(index, r, prop).fns;
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

/** `aws:iam/policyAttachment:PolicyAttachment` resources by the role they name (a list property), built once per index. */
const attachmentsByRole = new WeakMap<StackIndex, Map<string, PolicyResource[]>>();

function policyAttachmentsOf(index: StackIndex, role: PolicyResource): PolicyResource[] {
    let byRole = attachmentsByRole.get(index);
    if (!byRole) {
        byRole = new Map();
        for (const a of index.ofType(T.policyAttachment)) {
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
 * Every statement a role's identity policies hold: inline `RolePolicy` resources, the role's own `inlinePolicies`, and
 * managed policies attached through `RolePolicyAttachment`, `PolicyAttachment` or `managedPolicyArns`: customer-managed
 * ones (`aws:iam/policy:Policy`) read from the stack, AWS-managed ones from the generated table of every one's document
 * (lib/iam-facts.ts). A role's permissions boundary and the organisation's SCPs can only narrow this.
 * Computed once per role and stack index; statements are appended one by one (never spread as arguments: a policy
 * may hold more statements than a call can take arguments).
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
    if (isUnknown(get(role.props, "inlinePolicies"))) g.unknown = true;
    for (const ip of maybeArray(role.props, "inlinePolicies")) add(statementsOf(get(ip, "policy")));
    const seen = new Set<PolicyResource>();
    const attach = (policies: PolicyResource[]) => {
        for (const p of policies) {
            if (seen.has(p)) continue; // a policy attached twice (or named by several ARNs) counts once
            seen.add(p);
            add(documentStatements(p, get(p.props, "policy")));
        }
    };
    const managedNames = new Set<string>();
    const byArn = (value: unknown, foundByDependency: boolean) => {
        const found = index.withIdIn([value], [T.policy]);
        attach(found);
        if (found.length || foundByDependency) return;
        const ref = typeof value === "string" && !isUnknown(value) ? awsManagedPolicyRef(value) : undefined;
        const managed = ref ? managedPolicyStatements(ref.name, ref.path) : undefined;
        if (ref && managed) {
            if (managedNames.has(ref.name)) return;
            managedNames.add(ref.name);
            for (const st of managed) g.statements.push(st);
        } else if (isUnknown(value)) g.unknown = true;
        else if (typeof value === "string") g.external.push(value);
    };
    for (const a of [...index.referrers(role, "role", [T.rolePolicyAttachment]), ...policyAttachmentsOf(index, role)]) {
        const deps = index.propDeps(a, "policyArn", [T.policy]);
        attach(deps);
        byArn(get(a.props, "policyArn"), deps.length > 0);
    }
    // The role's own list: its dependencies are looked up once, not once per ARN (the list may be long).
    if (isUnknown(get(role.props, "managedPolicyArns"))) g.unknown = true;
    const managedDeps = index.propDeps(role, "managedPolicyArns", [T.policy]);
    attach(managedDeps);
    for (const arn of maybeArray(role.props, "managedPolicyArns")) byArn(arn, managedDeps.length > 0);
    memo.set(role, g);
    return g;
}
