/**
 * Compares two offline plans (`--json` documents) by URN: what `pulumi up` would create, delete, update in place or
 * replace when the stack moves from the base plan to this one, and what a replacement or deletion of a stateful
 * resource loses. Replacement follows the provider's create-only properties (`plan/replacements.ts`); a replaced
 * resource gets a new id, so every create-only input that refers to it replaces its dependant too (followed through
 * the plan's property dependencies). Linear in the size of both plans.
 */
import type { Operation, PlanDiff, PlanDocument, ResourceChange } from "./document";
import { topicChangeProblems } from "../lib/topics";
import { CREATE_ONLY, IN_USE_UNDELETABLE, MAPPING_TYPE, NAME_HELD_AFTER_DELETE, NAME_NAMESPACE, NAME_PROPERTY, nameNamespace, STATEFUL } from "./replacements";

export type { Operation, PlanDiff, ResourceChange };

type Resource = PlanDocument["resources"][number];

const isCustom = (r: Resource) => !r.type.startsWith("pulumi:") && !r.type.startsWith("msk-lambda:");

/** Leaf paths where two input trees differ; lists are compared whole. Linear in the size of both. */
export function changedPaths(a: unknown, b: unknown, prefix = "", out: string[] = []): string[] {
    const isObj = (v: unknown) => v !== null && typeof v === "object" && !Array.isArray(v);
    if (isObj(a) && isObj(b)) {
        const ao = a as Record<string, unknown>;
        const bo = b as Record<string, unknown>;
        for (const k of new Set([...Object.keys(ao), ...Object.keys(bo)])) {
            if (k === "__defaults") continue;
            changedPaths(ao[k], bo[k], prefix ? `${prefix}.${k}` : k, out);
        }
        return out;
    }
    if (JSON.stringify(a) !== JSON.stringify(b)) out.push(prefix);
    return out;
}

/** The create-only path a changed path touches (the same path, inside it, or a block that holds it), if any. */
function createOnlyHit(type: string, changed: string): string | undefined {
    const entry = CREATE_ONLY[type];
    if (!entry) return undefined;
    const strip = (p: string) => p.replace(/\[\d+\]/g, "");
    const c = strip(changed);
    return entry.paths.find((p) => c === p || c.startsWith(p + ".") || p.startsWith(c + "."));
}

function consumerGroup(r: Resource | undefined): string | undefined {
    const i = r?.inputs as any;
    return i?.amazonManagedKafkaEventSourceConfig?.consumerGroupId ?? i?.selfManagedKafkaEventSourceConfig?.consumerGroupId;
}

/**
 * What replacing or deleting a Kafka event source mapping does to its consumer group's position. Facts: AWS Lambda
 * documentation, "Customizable consumer group ID in Lambda": with an existing group Lambda ignores StartingPosition and
 * resumes from the group's committed offsets; a group Kafka does not know starts at StartingPosition.
 */
function mappingConsequence(
    before: Resource,
    after: Resource | undefined,
    clusterChanged: boolean,
    sameClusterBecause?: string,
): { danger?: string; note?: string } {
    const oldGroup = consumerGroup(before);
    if (!after) {
        return {
            danger: `the mapping is deleted: nothing consumes topic ${fmtTopics(before)} for consumer group ${oldGroup ?? "(generated)"}; records pile up until a consumer joins, and Kafka drops the group's offsets after offsets.retention.minutes`,
        };
    }
    const newGroup = consumerGroup(after);
    const start = String((after.inputs as any).startingPosition ?? "LATEST");
    const startWords =
        start === "TRIM_HORIZON"
            ? "TRIM_HORIZON: it re-reads the topic from its oldest retained record, so records the old group already processed are processed again"
            : start === "AT_TIMESTAMP"
              ? `AT_TIMESTAMP: it reads from ${(after.inputs as any).startingPositionTimestamp ?? "the given time"}, skipping or re-reading records around the old group's last commit`
              : "LATEST: records after the old group's last commit and before LATEST are skipped, with no failure record";
    if (oldGroup !== newGroup) {
        return {
            danger: `the consumer group changes (${oldGroup ?? "(generated)"} -> ${newGroup ?? "(generated)"}): the new group has no committed offsets and starts at ${startWords}`,
        };
    }
    if (clusterChanged) {
        return {
            danger: `the mapping moves to another (or a new) cluster: consumer group ${newGroup ?? "(generated)"} has no committed offsets there and starts at ${startWords}`,
        };
    }
    const oldTopics = fmtTopics(before);
    const newTopics = fmtTopics(after);
    if (oldTopics !== newTopics) {
        return {
            danger: `the topic changes (${oldTopics} -> ${newTopics}) under consumer group ${newGroup}: the group has no offsets on the new topic and starts at ${startWords}; the old topic's unread records are left behind`,
        };
    }
    if (oldGroup === undefined && newGroup === undefined) {
        // Without a consumerGroupId Lambda names the group after the mapping's UUID (Lambda developer guide, "Using
        // Amazon MSK as an event source": the group name matches the event source mapping's UUID); a new mapping has a
        // new UUID, so a new group.
        return {
            danger: `the consumer group is generated from the mapping's UUID, which the new mapping does not keep: the new group has no committed offsets and starts at ${startWords}; set consumerGroupId to keep the group across replacements`,
        };
    }
    return {
        note: `${sameClusterBecause ? `${sameClusterBecause}: ` : ""}consumer group ${newGroup ?? "(generated)"} is kept: the new mapping resumes from the group's committed offsets (Lambda ignores startingPosition for an existing group), after a pause while it is deleted and created`,
    };
}

function fmtTopics(r: Resource): string {
    const t = (r.inputs as any).topics;
    return Array.isArray(t) ? t.join(",") : "(none)";
}

/** Whether `--allow-replace` names this change: its URN or its resource name. */
function allowed(c: ResourceChange, allow: string[]): string | undefined {
    return allow.find((a) => a === c.urn || a === c.name);
}

const TOPIC_TYPE = "aws:msk/topic:Topic";

type Changes = Map<string, ResourceChange>;
type Dependants = Map<string, { r: Resource; prop: string }[]>;

function mk(r: Resource, op: Operation): ResourceChange {
    return { urn: r.urn, type: r.type, name: r.name, op, changed: [], replaceBecause: [], notes: [] };
}

/** Each resource's own change: created, or updated and replaced when a create-only input changed. */
function directChanges(before: Map<string, Resource>, after: Resource[]): Changes {
    const changes: Changes = new Map();
    for (const r of after) {
        const old = before.get(r.urn);
        if (!old) {
            changes.set(r.urn, mk(r, "create"));
            continue;
        }
        const changed = changedPaths(old.inputs, r.inputs);
        if (!changed.length) continue;
        const c = mk(r, "update");
        c.changed = changed;
        c.unknownType = !(r.type in CREATE_ONLY);
        for (const p of changed) {
            const hit = createOnlyHit(r.type, p);
            if (hit) c.replaceBecause.push(hit === p ? `${p} changed (create-only)` : `${p} changed (create-only: ${hit})`);
        }
        if (c.replaceBecause.length) c.op = "replace";
        // The cluster's client subnets are the first `cluster.azCount` private subnets, and that key's default follows
        // network.azCount: adding an AZ to the network then replaces the cluster unless the key is pinned.
        if (r.type === CLUSTER_TYPE && changed.some((p) => p.startsWith("brokerNodeGroupInfo.clientSubnets"))) {
            const was = (old.inputs as { brokerNodeGroupInfo?: { clientSubnets?: unknown[] } }).brokerNodeGroupInfo?.clientSubnets;
            c.notes.push(
                `the client subnets follow msk-lambda:cluster.azCount (default: the network's AZ count when it is 2, else 3): to keep this cluster, pin msk-lambda:cluster.azCount${Array.isArray(was) ? ` to ${was.length}` : ""} in the stack file`,
            );
        }
        changes.set(r.urn, c);
    }
    return changes;
}

/** Who refers to whom, by input: each dependency edge of the head plan once. */
function dependantsOf(after: Resource[]): Dependants {
    const dependants: Dependants = new Map();
    for (const r of after)
        for (const [prop, deps] of Object.entries(r.propertyDependencies))
            for (const d of deps) {
                const list = dependants.get(d) ?? [];
                list.push({ r, prop });
                dependants.set(d, list);
            }
    return dependants;
}

/**
 * A replaced resource gets a new id and ARN: dependants whose create-only inputs refer to it are replaced too, and
 * their other inputs that refer to it are updated. A worklist visits each dependency edge once.
 */
function propagateReplacements(before: Map<string, Resource>, changes: Changes, dependants: Dependants): void {
    const work = [...changes.values()].filter((c) => c.op === "replace").map((c) => c.urn);
    /** Per dependant and input: the replaced resources it refers to. */
    const via = new Map<string, Map<string, string[]>>();
    while (work.length) {
        const urn = work.pop()!;
        const replaced = changes.get(urn)!;
        for (const { r, prop } of dependants.get(urn) ?? []) {
            if (!before.has(r.urn)) continue;
            let c = changes.get(r.urn);
            if (!c) {
                c = mk(r, "update");
                c.unknownType = !(r.type in CREATE_ONLY);
                changes.set(r.urn, c);
            }
            if (!c.changed.includes(prop)) c.changed.push(prop);
            const props = via.get(r.urn) ?? new Map<string, string[]>();
            via.set(r.urn, props);
            props.set(prop, [...(props.get(prop) ?? []), `${replaced.type} ${replaced.name}`]);
            if (createOnlyHit(r.type, prop) && c.op !== "replace") {
                c.op = "replace";
                work.push(r.urn);
            }
        }
    }
    for (const [urn, props] of via) {
        const c = changes.get(urn)!;
        for (const [prop, refs] of props) {
            const paths = CREATE_ONLY[c.type]?.paths.filter((p) => p === prop || p.startsWith(prop + ".")) ?? [];
            if (!paths.length) continue;
            c.replaceBecause.push(`${prop} refers to ${refs.join(", ")}, which is replaced (create-only: ${paths.join(", ")})`);
        }
    }
}

const VPC_CONNECTION_TYPE = "aws:msk/vpcConnection:VpcConnection";

/** The MSK VPC connection a mapping reads through (its eventSourceArn refers to one), if any. */
function connectionOf(mapping: Resource, plan: Map<string, Resource>): Resource | undefined {
    for (const urn of mapping.propertyDependencies.eventSourceArn ?? []) {
        const r = plan.get(urn);
        if (r?.type === VPC_CONNECTION_TYPE) return r;
    }
    return undefined;
}

/**
 * A mapping on an MSK VPC connection whose eventSourceArn changes only because the connection is replaced still reads
 * the same cluster: the connection's targetClusterArn is the same string in both plans and is not itself replaced. A
 * consumer group's committed offsets live on the cluster (Lambda, "Customizable consumer group ID in Lambda": an
 * existing group resumes from them), so the group keeps its position. Returns why, or undefined when the cluster may differ.
 */
function sameTargetCluster(old: Resource, now: Resource, before: Map<string, Resource>, head: Map<string, Resource>, changes: Changes): string | undefined {
    const [was, is] = [connectionOf(old, before), connectionOf(now, head)];
    if (!was || !is) return undefined;
    const target = (r: Resource) => (r.inputs as { targetClusterArn?: unknown }).targetClusterArn;
    const arn = target(is);
    if (typeof arn !== "string" || arn === "[unknown]" || arn !== target(was)) return undefined;
    if (changes.get(is.urn)?.changed.includes("targetClusterArn")) return undefined;
    return `the VPC connection it reads through is replaced, but its target cluster (targetClusterArn ${arn === "[secret]" ? "[secret]" : JSON.stringify(arn)}) is the same`;
}

/** Consequences for stateful resources replaced or deleted, and for protected or retained ones. */
function statefulConsequences(changes: Changes, before: Map<string, Resource>, headByUrn: Map<string, Resource>): void {
    for (const c of changes.values()) {
        if (c.op !== "replace" && c.op !== "delete") continue;
        if (c.type === MAPPING_TYPE) {
            const now = c.op === "delete" ? undefined : headByUrn.get(c.urn);
            const same = now && c.changed.includes("eventSourceArn") ? sameTargetCluster(before.get(c.urn)!, now, before, headByUrn, changes) : undefined;
            const m = mappingConsequence(before.get(c.urn)!, now, c.changed.includes("eventSourceArn") && !same, same);
            if (m.danger) c.danger = m.danger;
            if (m.note) c.notes.push(m.note);
            continue;
        }
        const s = STATEFUL[c.type];
        if (s) c.danger = `${s.kind} ${c.op === "delete" ? "deleted" : "replaced"}: ${s.lost}`;
        const old = before.get(c.urn)!;
        if (c.op === "delete" && old.options.retainOnDelete) {
            c.danger = undefined;
            c.notes.push("retainOnDelete: the resource leaves the stack but is kept in AWS");
        }
        if (old.options.protect) c.notes.push("protect is set: pulumi up refuses this until protection is lifted (pulumi state unprotect)");
    }
}

/** A topic's partitions only grow: an update that lowers them fails in Kafka (and would leave the stack half-applied). */
function topicShrinks(changes: Changes, before: Map<string, Resource>, headByUrn: Map<string, Resource>): void {
    for (const c of changes.values()) {
        if (c.type !== TOPIC_TYPE || c.op !== "update" || !c.changed.includes("partitionCount")) continue;
        const old = before.get(c.urn)!.inputs as { partitionCount?: unknown; replicationFactor?: unknown };
        const now = headByUrn.get(c.urn)!.inputs as { partitionCount?: unknown; replicationFactor?: unknown };
        if (typeof old.partitionCount !== "number" || typeof now.partitionCount !== "number") continue;
        const rf = typeof now.replicationFactor === "number" ? now.replicationFactor : 0;
        const problems = topicChangeProblems(
            c.name,
            { partitionCount: old.partitionCount, replicationFactor: rf },
            { partitionCount: now.partitionCount, replicationFactor: rf },
        );
        // Kafka cannot remove partitions (MSK API Reference, UpdateTopic): the update fails, whatever --allow-replace says.
        if (problems.length) c.fails ??= `${problems.join("; ")}: the update would fail; keep ${old.partitionCount} or more partitions`;
    }
}

export function diffPlans(base: PlanDocument, head: PlanDocument, allow: string[] = []): PlanDiff {
    const before = new Map(base.resources.filter(isCustom).map((r) => [r.urn, r]));
    const after = head.resources.filter(isCustom);
    const changes = directChanges(before, after);
    const dependants = dependantsOf(after);
    propagateReplacements(before, changes, dependants);
    const inHead = new Set(after.map((r) => r.urn));
    for (const [urn, r] of before) if (!inHead.has(urn)) changes.set(urn, mk(r, "delete"));

    const headByUrn = new Map(after.map((r) => [r.urn, r]));
    statefulConsequences(changes, before, headByUrn);
    for (const c of changes.values()) {
        if (c.op === "update" && c.type === CLUSTER_TYPE) c.fails = clusterUpdateFailure(before.get(c.urn)!, headByUrn.get(c.urn)!);
        if (c.op === "replace") c.fails = replacementFailure(before.get(c.urn)!, headByUrn.get(c.urn)!, dependants.get(c.urn) ?? [], changes);
        if ((c.op === "create" || c.op === "replace") && c.type === CLUSTER_TYPE) c.fails ??= clusterCreateFailure(headByUrn.get(c.urn)!);
    }
    topicShrinks(changes, before, headByUrn);
    nameTakenFromDeleted(changes, before, headByUrn);

    const list = [...changes.values()].sort((a, b) => order(a) - order(b) || a.urn.localeCompare(b.urn));
    const counts: Record<Operation, number> = { create: 0, delete: 0, update: 0, replace: 0 };
    for (const c of list) counts[c.op]++;
    // A replacement that fails on apply is not something --allow-replace can make work: it always blocks.
    const blocked = list.filter((c) => c.fails || (c.danger && !allowed(c, allow))).map((c) => c.urn);
    const unusedAllowances = allow.filter((a) => !list.some((c) => c.danger && (a === c.urn || a === c.name)));
    return { base: base.stack, changes: list, counts, blocked, unusedAllowances };
}

const CLUSTER_TYPE = "aws:msk/cluster:Cluster";

/**
 * Why creating an MSK cluster (a new one, or a replacement) fails on apply, if it does: MSK refuses multi-VPC
 * connectivity while it creates a cluster ("When creating a cluster, all vpcConnectivity auth schemes must be
 * disabled ('enabled' : false). You can enable auth schemes after the cluster is created.",
 * aws-cloudformation/cloudformation-coverage-roadmap#1775).
 */
function clusterCreateFailure(now: Resource): string | undefined {
    const auth = (now.inputs as any).brokerNodeGroupInfo?.connectivityInfo?.vpcConnectivity?.clientAuthentication;
    const on = auth && (auth.tls === true || auth.sasl?.iam === true || auth.sasl?.scram === true);
    if (!on) return undefined;
    return "the cluster is created with multi-VPC connectivity (brokerNodeGroupInfo.connectivityInfo.vpcConnectivity), which MSK refuses while it creates a cluster: deploy it without msk-lambda:cluster.crossAccountConsumers first, then add them (an in-place update)";
}

/**
 * Why an in-place update of an MSK cluster fails on apply, if it does: MSK does not switch a cluster between Standard
 * and Express brokers (MSK, "Amazon MSK broker types": create a new cluster), and only grows broker storage (MSK,
 * "Manual scaling for Standard brokers": storage cannot be decreased). The provider updates both in place.
 */
function clusterUpdateFailure(old: Resource, now: Resource): string | undefined {
    const info = (r: Resource) => ((r.inputs as any).brokerNodeGroupInfo ?? {}) as { instanceType?: unknown; storageInfo?: any };
    const family = (t: unknown) => (typeof t === "string" ? t.split(".")[0] : undefined);
    const [a, b] = [family(info(old).instanceType), family(info(now).instanceType)];
    if (a && b && a !== b) {
        return `brokerNodeGroupInfo.instanceType moves from ${a}.* to ${b}.* brokers: MSK cannot switch a cluster between Standard and Express brokers; create a new cluster (a new stack) and move the consumers`;
    }
    const size = (r: Resource) => info(r).storageInfo?.ebsStorageInfo?.volumeSize;
    const [from, to] = [size(old), size(now)];
    if (typeof from === "number" && typeof to === "number" && to < from) {
        return `broker storage ${from} → ${to} GiB: MSK only grows broker storage; keep ${from} GiB or more`;
    }
    return undefined;
}

/**
 * Why a replacement fails on apply, if it does: Pulumi creates the replacement before deleting the old resource unless
 * it deletes first (`deleteBeforeReplace`, or the provider's own answer for a name the program set:
 * `providerDeletesFirst`), so a physical name (`NAME_PROPERTY`) that stays the same collides with the old resource;
 * deleting first, a type AWS does not delete while in use (`IN_USE_UNDELETABLE`) fails when a resource that is neither
 * replaced nor deleted still refers to it, and a name AWS holds after a delete (`NAME_HELD_AFTER_DELETE`) is refused to
 * the new resource. Linear in the plan's dependency edges.
 */
function replacementFailure(old: Resource, now: Resource, refs: { r: Resource }[], changes: Map<string, ResourceChange>): string | undefined {
    const named = NAME_PROPERTY[now.type];
    const prop = named?.name;
    const oldName = prop ? (old.inputs as Record<string, unknown>)[prop] : undefined;
    const newName = prop ? (now.inputs as Record<string, unknown>)[prop] : undefined;
    // A name not known yet (--preview) or hidden ([secret]) cannot be compared: no verdict.
    const keepsName = typeof newName === "string" && newName === oldName && newName !== "[unknown]" && newName !== "[secret]";
    const sameScope = !named?.scope || !changes.get(now.urn)!.changed.includes(named.scope);
    const deletesFirst = now.options.deleteBeforeReplace || (keepsName && named?.providerDeletesFirst === true);
    if (!deletesFirst) {
        if (!keepsName || !sameScope) return undefined;
        return (
            `the replacement keeps its name (${prop} ${JSON.stringify(newName.length > 120 ? newName.slice(0, 117) + "..." : newName)}): Pulumi creates the new resource before deleting the old one and AWS ` +
            `refuses a second resource with that name ("ConflictException: A resource with this name already exists" for MSK); make ${prop} change ` +
            `with the create-only inputs${IN_USE_UNDELETABLE[now.type] ? "" : ", or set deleteBeforeReplace"}`
        );
    }
    const held = NAME_HELD_AFTER_DELETE[now.type];
    // The delete reads the old resource's settings (a secret's recovery window is the old one's).
    if (held && keepsName && sameScope && !held.unless?.(old.inputs as Record<string, unknown>)) {
        return `the replacement deletes the old resource first and keeps its name (${prop}), but ${held.why}: make ${prop} change with the create-only inputs`;
    }
    return inUseFailure(now, refs, changes);
}

/** A resource's physical name (`NAME_PROPERTY`) keyed by its namespace and scope, when the plan knows it. */
function physicalName(r: Resource | undefined): { key: string; prop: string; name: string } | undefined {
    const named = r && NAME_PROPERTY[r.type];
    if (!r || !named) return undefined;
    const inputs = r.inputs as Record<string, unknown>;
    const name = inputs[named.name];
    const scope = named.scope ? inputs[named.scope] : "";
    const known = (v: unknown) => typeof v === "string" && v !== "[unknown]" && v !== "[secret]";
    if (!known(name) || (!known(scope) && !!named.scope)) return undefined;
    return { key: JSON.stringify([nameNamespace(r.type), scope, name]), prop: named.name, name: name as string };
}

/** A name this update frees: by a delete or a replacement under another name, at the end (`last`) or first. */
interface Freed {
    c: ResourceChange;
    prop: string;
    last: boolean;
}

/** The physical names (`physicalName` keys) this update frees, and when. Linear in the number of changes. */
function freedNames(changes: Changes, before: Map<string, Resource>, head: Map<string, Resource>): Map<string, Freed> {
    const freed = new Map<string, Freed>();
    for (const c of changes.values()) {
        const old = physicalName(before.get(c.urn));
        if (!old) continue;
        const now = head.get(c.urn);
        if (c.op === "delete") freed.set(old.key, { c, prop: old.prop, last: true });
        else if (c.op === "replace" && physicalName(now)?.key !== old.key) freed.set(old.key, { c, prop: old.prop, last: !now!.options.deleteBeforeReplace });
    }
    return freed;
}

/** Whether `r` depends on the resource `urn` (an input or an explicit dependsOn): Pulumi then runs `urn`'s steps first. */
function dependsOn(r: Resource, urn: string): boolean {
    return r.dependencies.includes(urn) || Object.values(r.propertyDependencies).some((us) => us.includes(urn));
}

/**
 * A new resource (created, or replaced under a new name) whose physical name a resource of the same namespace
 * (`NAME_NAMESPACE`: an MSK provisioned and a Serverless cluster share one) holds until this update deletes it, or
 * replaces it under another name: Pulumi creates first and deletes at the end, so AWS refuses the name. Replaced
 * with `deleteBeforeReplace`, the old resource is deleted just before its replacement is created, but Pulumi orders
 * another resource's create only after that resource's own dependencies: without a dependency on it the create may run
 * first (a note), and a name AWS holds after a delete (`NAME_HELD_AFTER_DELETE`) is refused either way. A new
 * resource whose name's scope (a topic's cluster) is itself new does not collide. Linear in the number of changes.
 */
function nameTakenFromDeleted(changes: Changes, before: Map<string, Resource>, head: Map<string, Resource>): void {
    const freed = freedNames(changes, before, head);
    if (!freed.size) return;
    for (const c of changes.values()) {
        if (c.op !== "create" && c.op !== "replace") continue;
        const now = head.get(c.urn)!;
        const n = physicalName(now);
        const owner = n && freed.get(n.key);
        if (!n || !owner || owner.c.urn === c.urn || (c.op === "replace" && physicalName(before.get(c.urn))?.key === n.key)) continue;
        const scope = NAME_PROPERTY[now.type].scope;
        if (scope && (now.propertyDependencies[scope] ?? []).some((u) => ["create", "replace"].includes(changes.get(u)?.op ?? ""))) continue;
        const shown = JSON.stringify(n.name.length > 120 ? n.name.slice(0, 117) + "..." : n.name);
        const space = NAME_NAMESPACE[now.type] && owner.c.type !== now.type ? ` (${NAME_NAMESPACE[now.type]} are one namespace, whatever the type)` : "";
        const was = `${n.prop} ${shown} is the name of ${owner.c.type} ${owner.c.name}${space}`;
        if (owner.last) nameTakenLast(c, owner, was, before, n.prop, shown);
        else nameTakenFirst(c, now, owner, was, before);
    }
}

/** `c` takes a name that `owner` holds until the end of the update: the create fails on apply. */
function nameTakenLast(c: ResourceChange, owner: Freed, was: string, before: Map<string, Resource>, prop: string, shown: string): void {
    const gone =
        owner.c.op !== "delete"
            ? "replaces under another name"
            : before.get(owner.c.urn)!.options.retainOnDelete
              ? "removes from the stack but keeps in AWS (retainOnDelete)"
              : "deletes";
    c.fails ??=
        `${was}, which this update ${gone}: ` +
        `Pulumi creates new resources before it deletes old ones, so AWS refuses a second resource with that name; give the new resource another ${prop}, or delete the old one in an update of its own first`;
    owner.c.notes.push(`its ${owner.prop} ${shown} is taken by ${c.type} ${c.name}, which this update creates first (that create fails on apply)`);
}

/** `c` takes a name that `owner`, replaced with deleteBeforeReplace under another name, frees before its own create. */
function nameTakenFirst(c: ResourceChange, now: Resource, owner: Freed, was: string, before: Map<string, Resource>): void {
    const held = NAME_HELD_AFTER_DELETE[owner.c.type];
    if (held && !held.unless?.(before.get(owner.c.urn)!.inputs as Record<string, unknown>)) {
        c.fails ??= `${was}, which this update deletes first (deleteBeforeReplace) and replaces under another name, but ${held.why}: give the new resource another name`;
        return;
    }
    if (dependsOn(now, owner.c.urn)) return;
    c.notes.push(
        `${was}, which this update deletes first (deleteBeforeReplace) and replaces under another name; this create does not depend on it, so Pulumi may run it before that delete and AWS would refuse the name: add dependsOn ${owner.c.name}`,
    );
}

/** With the delete first: a type AWS does not delete while a resource that stays refers to it. */
function inUseFailure(now: Resource, refs: { r: Resource }[], changes: Map<string, ResourceChange>): string | undefined {
    const why = IN_USE_UNDELETABLE[now.type];
    if (!why) return undefined;
    const users = new Set<string>();
    for (const { r } of refs) {
        const op = changes.get(r.urn)?.op;
        if (r.urn !== now.urn && op !== "replace" && op !== "delete" && op !== "create") users.add(`${r.type} ${r.name}`);
    }
    if (!users.size) return undefined;
    return `the old resource is deleted first, but ${why}: ${[...users].join(", ")} still refers to it; give it a name that changes with the create-only inputs`;
}

function order(c: ResourceChange): number {
    return (c.fails ? -10 : 0) + (c.danger ? 0 : 10) + { replace: 0, delete: 1, update: 2, create: 3 }[c.op];
}

const SIGN: Record<Operation, string> = { create: "+", delete: "-", update: "~", replace: "+-" };

/** The diff as text (also Markdown-friendly for a job summary). */
export function renderDiff(d: PlanDiff, stack: string): string[] {
    const lines = [
        `Changes from the base plan (${d.base}) to this plan (${stack}): ${d.counts.replace} to replace, ${d.counts.delete} to delete, ${d.counts.update} to update, ${d.counts.create} to create`,
    ];
    if (!d.changes.length) lines.push("    no changes");
    for (const c of d.changes) {
        const flag = (c.fails ? "  [FAILS ON APPLY]" : "") + (c.danger ? (d.blocked.includes(c.urn) ? "  [STATEFUL]" : "  [STATEFUL, allowed]") : "");
        lines.push(`    ${SIGN[c.op]} ${c.op} ${c.type}  ${c.name}${flag}`);
        if (c.op === "replace") for (const r of c.replaceBecause) lines.push(`        because ${r}`);
        if (c.op === "update" || (c.op === "replace" && c.changed.length)) {
            lines.push(`        inputs: ${c.changed.join(", ")}`);
            if (c.unknownType) lines.push("        (no create-only table for this type: a changed input may replace it)");
        }
        if (c.fails) lines.push(`        fails: ${c.fails}`);
        if (c.danger) lines.push(`        ${c.danger}`);
        for (const n of c.notes) lines.push(`        note: ${n}`);
    }
    const failing = d.changes.filter((c) => c.fails).map((c) => c.urn);
    const stateful = d.blocked.filter((u) => !failing.includes(u));
    if (failing.length)
        lines.push(
            "",
            `${failing.length} change(s) would fail on apply (exit 4): change the program or the config as each says; --allow-replace does not apply`,
        );
    if (stateful.length) {
        lines.push(
            "",
            `${stateful.length} stateful resource(s) would be replaced or deleted (exit 4). If this is intended, name each with --allow-replace URN|name:`,
            ...stateful.map((u) => `    --allow-replace ${JSON.stringify(u)}`),
        );
    }
    for (const a of d.unusedAllowances) lines.push(`note: --allow-replace ${JSON.stringify(a)} names no resource that would be replaced or deleted`);
    return lines;
}
