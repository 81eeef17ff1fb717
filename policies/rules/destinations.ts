import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { CROSS_ACCOUNT_DESTINATION_KMS_ACTIONS, DESTINATION_KMS_ACTIONS, SEND_ACTIONS, type DestinationKind } from "../lib/facts";
import { kindOfArn, kindOfResourceType } from "../lib/destinations";
import { StackIndex, T } from "../lib/graph";
import { boundaryOf, endpointGates, keyPolicyGate, refusalDetail, resourcePolicies, viaService, type Gate } from "../lib/iam-access";
import type { RequestContext } from "../lib/iam-conditions";
import { accountOf, isKeyArn, resolveKey } from "../lib/kms";
import { destinationRefs, functionsOf, isKafkaMapping, roleGrants, rolesOf, type DestinationRef } from "../lib/refs";
import { pollerSubnets, vpcOf } from "../lib/vpc";
import { clip, get, isUnknown, maybeArray, notKnownYet, type Path } from "../lib/values";
import { reportAdvisory } from "./common";

type Kind = DestinationKind;

/** The destination kind of a resource in the stack (by its type) or of an ARN (by service and resource), from the catalogue. */
export function kindOf(ref: DestinationRef, target?: PolicyResource): Kind | undefined {
    // A known ARN of a catalogue kind decides; otherwise the target's type (possibly a sibling's, for a reference whose
    // ARN is unknown: rules treat `ref.ambiguous` targets as candidates).
    const byArn = typeof ref.arn === "string" && !isUnknown(ref.arn) ? kindOfArn(ref.arn) : undefined;
    return byArn ?? (target ? kindOfResourceType(target.type) : undefined);
}

/** The key reference of a destination resource (queue, topic, bucket's default encryption, bus), if any. */
export function keyRef(index: StackIndex, t: PolicyResource): { owner: PolicyResource; prop: string; value: unknown } | undefined {
    if (t.type === T.queue || t.type === T.topic) return { owner: t, prop: "kmsMasterKeyId", value: get(t.props, "kmsMasterKeyId") };
    if (t.type === T.eventBus) return { owner: t, prop: "kmsKeyIdentifier", value: get(t.props, "kmsKeyIdentifier") };
    if (t.type === T.bucket || t.type === T.bucketV2) {
        for (const sse of index.referrers(t, "bucket", [T.bucketSse, T.bucketSseV2])) {
            for (const rule of maybeArray(sse.props, "rules")) {
                const algorithm = get(rule, "applyServerSideEncryptionByDefault", "sseAlgorithm");
                if (algorithm === "aws:kms" || algorithm === "aws:kms:dsse" || isUnknown(algorithm))
                    return { owner: sse, prop: "rules", value: get(rule, "applyServerSideEncryptionByDefault", "kmsMasterKeyId") };
            }
        }
        const inline = get(t.props, "serverSideEncryptionConfiguration", "rule", "applyServerSideEncryptionByDefault");
        const sse = get(inline, "sseAlgorithm");
        if (sse === "aws:kms" || sse === "aws:kms:dsse" || isUnknown(sse))
            return { owner: t, prop: "serverSideEncryptionConfiguration", value: get(inline, "kmsMasterKeyId") };
    }
    return undefined;
}

/** An AWS-managed key (alias/aws/...) or no key. */
export function isAwsManaged(value: unknown): boolean {
    return (
        value === undefined ||
        value === null ||
        value === "" ||
        (typeof value === "string" && (value.startsWith("alias/aws/") || value.includes(":alias/aws/")))
    );
}

const SEED_KMS =
    'AWS Lambda docs, "Capturing discarded batches for a self-managed Apache Kafka event source": with a customer-managed key on the destination, Lambda needs kms:GenerateDataKey for S3, and kms:Decrypt and kms:GenerateDataKey for SQS and SNS';

/** Failure and async destinations are encrypted with a customer-managed key. */
export const destinationEncryption: StackValidationPolicy = {
    name: "destination-encryption",
    description: "Queues, topics, buckets and event buses that receive failure or async-invocation records are encrypted with a customer-managed KMS key.",
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
        const index = new StackIndex(args.resources);
        const done = new Set<string>();
        let undecided: Path | undefined;
        for (const ref of destinationRefs(index)) {
            // Named by an ARN not known yet, with no dependency: the destination cannot be seen yet.
            // Stryker disable next-line ArrayDeclaration: a preview note's property path is message text (the note is raised either way)
            if (isUnknown(ref.arn) && !ref.targets.length) undecided = [ref.prop];
            for (const t of ref.targets) {
                if (t.type === T.fn || done.has(t.urn)) continue;
                done.add(t.urn);
                const key = keyRef(index, t);
                const cmkResource = key ? index.propDeps(key.owner, key.prop, [T.kmsKey, T.kmsAlias]).length > 0 : false;
                if (key && isUnknown(key.value) && !cmkResource) {
                    // Stryker disable next-line ArrayDeclaration: a preview note's property path is message text (the note is raised either way)
                    undecided = [key.prop];
                    continue;
                }
                if (!key || (isAwsManaged(key.value) && !cmkResource)) {
                    report(
                        `'${t.name}' (${t.type}), the ${ref.what} of '${ref.owner.name}', is not encrypted with a customer-managed KMS key: create a key with rotation on and set it as the destination's encryption key.`,
                        t.urn,
                    );
                }
            }
        }
        if (undecided) notKnownYet(undecided);
    },
};

/** "Capturing discarded batches for a self-managed Apache Kafka event source", tip: "We recommend enabling S3 versioning on your destination bucket"; failure records stay private. */
export const s3DestinationProtection: StackValidationPolicy = {
    name: "s3-destination-protection",
    description: "S3 buckets that receive failure records are versioned and block all public access.",
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
        const index = new StackIndex(args.resources);
        const done = new Set<string>();
        let undecided: Path | undefined;
        for (const ref of destinationRefs(index)) {
            for (const b of ref.targets) {
                if ((b.type !== T.bucket && b.type !== T.bucketV2) || done.has(b.urn)) continue;
                done.add(b.urn);
                const versioning = index.referrers(b, "bucket", [T.bucketVersioning, T.bucketVersioningV2]);
                const statuses = [
                    ...versioning.map((v) => get(v.props, "versioningConfiguration", "status")),
                    ...[get(b.props, "versioning", "enabled")].map((e) => (e === true ? "Enabled" : e)),
                ];
                const versioned = statuses.includes("Enabled");
                // Stryker disable next-line ArrayDeclaration,StringLiteral: a preview note's property path is message text (the note is raised either way)
                if (!versioned && statuses.some(isUnknown)) undecided = ["versioningConfiguration"];
                else if (!versioned)
                    report(
                        `Bucket '${b.name}', the ${ref.what} of '${ref.owner.name}', is not versioned: enable versioning (aws.s3.BucketVersioning with status "Enabled") so failure records cannot be overwritten or lost.`,
                        b.urn,
                    );
                const flags = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"];
                const blocks = index.referrers(b, "bucket", [T.bucketPab]);
                const blocked = blocks.some((p) => flags.every((k) => get(p.props, k) === true));
                const maybe = blocks.some((p) => flags.every((k) => get(p.props, k) === true || isUnknown(get(p.props, k))));
                // Stryker disable next-line ArrayDeclaration,StringLiteral: a preview note's property path is message text (the note is raised either way)
                if (!blocked && maybe) undecided = ["blockPublicAcls"];
                else if (!blocked)
                    report(
                        `Bucket '${b.name}', the ${ref.what} of '${ref.owner.name}', does not block public access: add an aws.s3.BucketPublicAccessBlock with all four settings true.`,
                        b.urn,
                    );
            }
        }
        if (undecided) notKnownYet(undecided);
    },
};

/** The send checks for a destination (an S3 object action is tested on an object in the bucket). */
const OBJECT = "/failure-record";
function sendChecks(kind: Kind, arn: string): { action: string; resource: string }[] {
    return SEND_ACTIONS[kind].map(({ action, on }) => ({ action, resource: on === "objects" ? `${arn}${OBJECT}` : arn }));
}

/** Whether `question` was already asked about `r` (and records it). */
function asked(memo: Map<PolicyResource, Set<string>>, r: PolicyResource, question: string): boolean {
    let set = memo.get(r);
    if (!set) memo.set(r, (set = new Set()));
    if (set.has(question)) return true;
    set.add(question);
    return false;
}

/** The VPCs of a Kafka mapping's pollers (its cluster's subnets), as `vpcOf` names them; undefined when none is known. */
function pollerVpcs(index: StackIndex, m: PolicyResource): Set<string> | undefined {
    const out = new Set<string>();
    for (const sn of pollerSubnets(index, m)) {
        const v = vpcOf(index, sn);
        if (v) out.add(v);
    }
    return out.size ? out : undefined;
}

/** What the role needs for one destination: the send actions (through the resource's and endpoint's policies) and the key's actions. */
interface Need {
    action: string;
    resource: string;
    gates: Gate[];
    ctx?: RequestContext;
}

/** The requests a role makes to deliver to a destination, each with the documents (besides its own) it passes. */
function needsFor(
    index: StackIndex,
    ref: DestinationRef,
    target: PolicyResource | undefined,
    kind: Kind,
    arn: string,
    key: { arn: string; gate?: Gate },
    cross: boolean,
): Need[] {
    const send: Gate[] = [];
    if (target) for (const g of resourcePolicies(index, target).gates) send.push(g);
    // Kafka on-failure records leave through the cluster VPC's endpoint for the destination's service.
    if (ref.what === "on-failure destination" && (kind === "sqs" || kind === "sns" || kind === "s3") && isKafkaMapping(ref.owner, index))
        for (const g of endpointGates(index, kind, pollerVpcs(index, ref.owner)).gates) send.push(g);
    const needs: Need[] = sendChecks(kind, arn).map((c) => ({ ...c, gates: send }));
    if (key.arn) {
        const kmsActions = (cross ? CROSS_ACCOUNT_DESTINATION_KMS_ACTIONS : DESTINATION_KMS_ACTIONS)[kind];
        const service = kind === "eventbridge" ? "events" : kind;
        for (const a of kmsActions)
            needs.push({
                action: a,
                resource: key.arn,
                gates: key.gate ? [key.gate] : [],
                ctx: viaService(service, arn.startsWith("arn:aws:s3:") ? key.arn : arn),
            });
    }
    return needs;
}

/**
 * "Capturing discarded batches for a self-managed Apache Kafka event source" and "Capturing records of Lambda asynchronous invocations": the execution role needs permission to send to its destinations, and, when a destination uses a
 * customer-managed key, the KMS actions for that key. Found by following mapping (or invoke config, or function) →
 * function → role → the role's policies. "Can it deliver?" is asked as IAM evaluates it, conservatively
 * (lib/iam-access.ts): an Allow of the role that certainly applies, the permissions boundary's too, and no Deny that
 * could apply in the role's policies, the boundary, the destination's resource policy, the key policy or the VPC
 * endpoint policy (IAM User Guide, "Policy evaluation logic"). A destination key that is disabled cannot be used at all
 * (AWS KMS Developer Guide, "Enable and disable keys": a disabled key cannot be used in cryptographic operations).
 */
/** State of one `destination-kms-grants` run. */
interface GrantsRun {
    index: StackIndex;
    report: (message: string, urn?: string) => void;
    undecided?: string[];
    askedFns: Map<PolicyResource, Set<string>>;
    askedRoles: Map<PolicyResource, Set<string>>;
    disabledReported: Set<string>;
}

/** A destination's customer-managed key: its ARN and key policy (a disabled key in the stack is reported). */
function destinationKey(run: GrantsRun, ref: DestinationRef, target: PolicyResource | undefined): { arn?: string; gate?: Gate } {
    const key = target ? keyRef(run.index, target) : undefined;
    if (!key || isAwsManaged(key.value)) return {};
    // A key ARN, key id, alias name or alias ARN, resolved through the stack (alias → target key). An alias or key id
    // naming nothing in this stack cannot be judged (destination-delivery-outside-stack says so).
    const k = resolveKey(run.index, key.owner, key.prop, key.value);
    const arn = k.state === "resource" || k.state === "arn" ? k.arn : undefined;
    const out: { arn?: string; gate?: Gate } = {};
    if (typeof arn === "string" && isKeyArn(arn)) out.arn = arn;
    else if (k.state === "unknown" || (k.state === "resource" && isUnknown(arn)))
        // Stryker disable next-line ArrayDeclaration,StringLiteral: a preview note's property path is message text (the note is raised either way)
        run.undecided = [key.prop, "(key ARN)"];
    if (k.state !== "resource") return out;
    const enabled = get(k.key.props, "isEnabled");
    // Stryker disable next-line ArrayDeclaration,StringLiteral: a preview note's property path is message text (the note is raised either way)
    if (isUnknown(enabled)) run.undecided = ["isEnabled"];
    else if ((enabled === false || enabled === "false") && !run.disabledReported.has(k.key.urn)) {
        run.disabledReported.add(k.key.urn);
        run.report(
            `KMS key '${k.key.name}', which encrypts the ${ref.what} of '${ref.owner.name}', is disabled (isEnabled: false): a disabled key cannot be used, so Lambda cannot deliver records there. Enable the key.`,
            k.key.urn,
        );
    }
    const g = keyPolicyGate(run.index, k.key);
    if (g === "unknown")
        // Stryker disable next-line ArrayDeclaration,StringLiteral: a preview note's property path is message text (the note is raised either way)
        run.undecided = ["policy", "(key policy)"];
    else out.gate = g;
    return out;
}

/** Judges one destination (a reference and one of its targets) for every role of the functions that send to it. */
function judgeDestination(run: GrantsRun, ref: DestinationRef, target: PolicyResource | undefined): void {
    const kind = kindOf(ref, target);
    if (!kind) return;
    const arnValue = typeof ref.arn === "string" && !isUnknown(ref.arn) ? ref.arn : target ? get(target.props, "arn") : undefined;
    if (typeof arnValue !== "string" || isUnknown(arnValue)) {
        // Stryker disable next-line ArrayDeclaration,StringLiteral: a preview note's property path is message text (the note is raised either way)
        run.undecided = [ref.prop, "(destination ARN)"];
        return;
    }
    const key = destinationKey(run, ref, target);
    const fns = ref.owner.type === T.fn ? [ref.owner] : functionsOf(run.index, ref.owner, "functionName");
    // The same question (destination kind, ARN and key) for the same function or role is asked once: many
    // references (colliding names, shared destinations) may lead to the same ones.
    const question = `${kind}\u0000${arnValue}\u0000${key.arn ?? ""}\u0000${ref.what}`;
    for (const fn of fns) {
        if (asked(run.askedFns, fn, question)) continue;
        for (const role of rolesOf(run.index, fn)) {
            if (asked(run.askedRoles, role, question)) continue;
            const { problems, conditional } = roleProblems(run, role, needs(role));
            if (problems.length)
                run.report(
                    // Stryker disable next-line StringLiteral: message wording decides no verdict
                    `Role '${role.name}' of function '${fn.name}' cannot deliver to its ${ref.what} (${clip(arnValue)}) named by '${ref.owner.name}': ${problems.join("; ")}. ` +
                        // Stryker disable next-line StringLiteral: message wording decides no verdict
                        `Grant these and remove the Deny (${SEED_KMS}; Lambda records a DestinationDeliveryFailures metric when delivery fails).`,
                    role.urn,
                );
            else if (conditional.length)
                reportAdvisory(
                    run.report,
                    // Stryker disable next-line StringLiteral: message wording decides no verdict
                    `Role '${role.name}' of function '${fn.name}' may be refused delivery to its ${ref.what} (${clip(arnValue)}) named by '${ref.owner.name}': ${conditional.join("; ")}. ` +
                        // Stryker disable next-line StringLiteral: message wording decides no verdict
                        'Check that the condition holds for Lambda\'s requests with the role (IAM User Guide, "Policy evaluation logic").',
                    role.urn,
                );
        }
    }

    function needs(role: PolicyResource): Need[] {
        // Seed 002: a key in another account needs the cross-account actions (in the role and in the key's policy).
        const roleAccount = accountOf(get(role.props, "arn"));
        const cross = !!key.arn && !!roleAccount && accountOf(key.arn) !== roleAccount;
        return needsFor(run.index, ref, target, kind!, arnValue as string, { arn: key.arn ?? "", gate: key.gate }, cross);
    }
}

/**
 * What keeps a role from making the requests: "it lacks ..." (its own policies) and "it cannot use ... (why)"; those
 * that hold only on conditions the pack cannot decide are returned apart (`conditional`: an advisory, lib/iam-access.ts
 * `refusalDetail`).
 */
function roleProblems(run: GrantsRun, role: PolicyResource, needs: Need[]): { problems: string[]; conditional: string[] } {
    const grants = roleGrants(run.index, role);
    const roleArn = get(role.props, "arn");
    const boundary = boundaryOf(run.index, role);
    if (boundary === "unknown")
        // Stryker disable next-line ArrayDeclaration,StringLiteral: a preview note's property path is message text (the note is raised either way)
        run.undecided = ["permissionsBoundary"];
    const missing: string[] = [];
    const refused: string[] = [];
    const conditional: string[] = [];
    for (const n of needs) {
        const gates = Array.isArray(boundary)
            ? [{ label: "the role's permissions boundary", statements: boundary, principals: false, mustAllow: true }, ...n.gates]
            : n.gates;
        const r = refusalDetail(grants.statements, roleArn, gates, n.action, n.resource, n.ctx);
        if (!r) continue;
        // Stryker disable next-line MethodExpression,StringLiteral,UnaryOperator: `on` is message text (how a request is named), it decides no verdict
        const on = `${n.action} on ${clip(n.resource.endsWith(OBJECT) ? `${n.resource.slice(0, -OBJECT.length)}/*` : n.resource)}`;
        if (r.conditional) conditional.push(`${on} (${r.why}, on a condition the pack cannot evaluate)`);
        else if (r.why === "not allowed by the role's policies") missing.push(on);
        else refused.push(`${on} (${r.why})`);
    }
    // What the role's own policies lack may come from policies the pack cannot see; a Deny cannot be undone. A
    // permissions boundary outside the stack is not such a policy: it "does not grant permissions on its own" (IAM User
    // Guide, "Permissions boundaries for IAM entities"), so what the role's policies lack stays missing.
    const unseen = grants.unknown || grants.external.length > 0;
    // Stryker disable next-line ArrayDeclaration,StringLiteral: a preview note's property path is message text (the note is raised either way)
    if (missing.length && grants.unknown) run.undecided = ["policy"];
    return {
        problems: [...(unseen || !missing.length ? [] : [`it lacks ${missing.join(", ")}`]), ...refused.map((r) => `it cannot use ${r}`)],
        conditional,
    };
}

export const destinationKmsGrants: StackValidationPolicy = {
    name: "destination-kms-grants",
    description:
        "A function's execution role may send to each of its destinations and use each destination's customer-managed KMS key, which is enabled; no Deny in the role's policies, its permissions boundary, the destination's or key's policy or the VPC endpoint policy refuses it.",
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
        const run: GrantsRun = { index: new StackIndex(args.resources), report, askedFns: new Map(), askedRoles: new Map(), disabledReported: new Set() };
        for (const ref of destinationRefs(run.index)) {
            // Each destination is judged by its own type: an ambiguous reference (not known yet which of the owner's
            // destinations it names) is judged for each of them, each by its own type and ARN.
            const nonFn = ref.targets.filter((t) => t.type !== T.fn);
            const candidates: (PolicyResource | undefined)[] = ref.ambiguous ? ref.targets : [nonFn[0] ?? ref.targets[0]];
            for (const target of candidates) judgeDestination(run, ref, target);
        }
        // Violations found so far stand; what could not be decided yet is reported as a preview note.
        if (run.undecided) notKnownYet(run.undecided);
    },
};
