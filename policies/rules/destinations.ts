import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { CROSS_ACCOUNT_DESTINATION_KMS_ACTIONS, DESTINATION_KMS_ACTIONS, SEND_ACTIONS, type DestinationKind } from "../lib/facts";
import { kindOfArn, kindOfResourceType } from "../lib/destinations";
import { StackIndex, T } from "../lib/graph";
import { allows } from "../lib/iam-eval";
import { accountOf, isKeyArn, resolveKey } from "../lib/kms";
import { destinationRefs, functionsOf, roleGrants, rolesOf, type DestinationRef } from "../lib/refs";
import { clip, get, isUnknown, maybeArray, notKnownYet, type Path } from "../lib/values";

type Kind = DestinationKind;

/** The destination kind of a resource in the stack (by its type) or of an ARN (by service and resource), from the catalogue. */
export function kindOf(ref: DestinationRef, target?: PolicyResource): Kind | undefined {
    // A known ARN of a catalogue kind decides; otherwise the target's type (a sibling's, for a shared reference whose
    // ARN is unknown: rules treat `ref.shared` targets as candidates).
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
            if (isUnknown(ref.arn) && !ref.targets.length) undecided = [ref.prop];
            for (const t of ref.targets) {
                if (t.type === T.fn || done.has(t.urn)) continue;
                done.add(t.urn);
                const key = keyRef(index, t);
                const cmkResource = key ? index.propDeps(key.owner, key.prop, [T.kmsKey, T.kmsAlias]).length > 0 : false;
                if (key && isUnknown(key.value) && !cmkResource) {
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

/**
 * "Capturing discarded batches for a self-managed Apache Kafka event source" and "Capturing records of Lambda asynchronous invocations": the execution role needs permission to send to its destinations, and, when a destination uses a
 * customer-managed key, the KMS actions for that key. Found by following mapping (or invoke config, or function) →
 * function → role → the role's policies.
 */
export const destinationKmsGrants: StackValidationPolicy = {
    name: "destination-kms-grants",
    description: "A function's execution role may send to each of its destinations and use each destination's customer-managed KMS key.",
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
        const index = new StackIndex(args.resources);
        let undecided: string[] | undefined;
        // Each (role, action, resource) question is answered once: many references may lead to the same roles.
        const answers = new Map<PolicyResource, Map<string, boolean>>();
        const allowed = (role: PolicyResource, statements: Parameters<typeof allows>[0], action: string, resource: string): boolean => {
            let byRole = answers.get(role);
            if (!byRole) answers.set(role, (byRole = new Map()));
            const key = `${action}\u0000${resource}`;
            let answer = byRole.get(key);
            if (answer === undefined) byRole.set(key, (answer = allows(statements, action, resource)));
            return answer;
        };
        const askedFns = new Map<PolicyResource, Set<string>>();
        const askedRoles = new Map<PolicyResource, Set<string>>();
        for (const ref of destinationRefs(index)) {
            const target = ref.targets.find((t) => t.type !== T.fn) ?? ref.targets[0];
            const kind = kindOf(ref, target);
            if (!kind) continue;
            const arnValue = typeof ref.arn === "string" && !isUnknown(ref.arn) ? ref.arn : target ? get(target.props, "arn") : undefined;
            if (typeof arnValue !== "string" || isUnknown(arnValue)) {
                undecided = [ref.prop, "(destination ARN)"];
                continue;
            }
            // The key: a key ARN, key id, alias name or alias ARN, resolved through the stack (alias → target key).
            // An alias or key id naming nothing in this stack cannot be judged (destination-delivery-outside-stack says so).
            let keyArn: string | undefined;
            const key = target ? keyRef(index, target) : undefined;
            if (key && !isAwsManaged(key.value)) {
                const k = resolveKey(index, key.owner, key.prop, key.value);
                const arn = k.state === "resource" || k.state === "arn" ? k.arn : undefined;
                if (typeof arn === "string" && isKeyArn(arn)) keyArn = arn;
                else if (k.state === "unknown" || (k.state === "resource" && isUnknown(arn))) undecided = [key.prop, "(key ARN)"];
            }
            const fns = ref.owner.type === T.fn ? [ref.owner] : functionsOf(index, ref.owner, "functionName");
            // The same question (destination kind, ARN and key) for the same function or role is asked once: many
            // references (colliding names, shared destinations) may lead to the same ones.
            const question = `${kind}\u0000${arnValue}\u0000${keyArn ?? ""}`;
            for (const fn of fns) {
                if (asked(askedFns, fn, question)) continue;
                for (const role of rolesOf(index, fn)) {
                    if (asked(askedRoles, role, question)) continue;
                    const grants = roleGrants(index, role);
                    const missing: string[] = [];
                    for (const c of sendChecks(kind, arnValue))
                        if (!allowed(role, grants.statements, c.action, c.resource))
                            missing.push(`${c.action} on ${clip(c.resource.endsWith(OBJECT) ? `${c.resource.slice(0, -OBJECT.length)}/*` : c.resource)}`);
                    // "Capturing discarded batches for a self-managed Apache Kafka event source": a key in another account needs the cross-account actions (in the role and in the key's policy).
                    const roleAccount = accountOf(get(role.props, "arn"));
                    const cross = !!keyArn && !!roleAccount && accountOf(keyArn) !== roleAccount;
                    const kmsActions = (cross ? CROSS_ACCOUNT_DESTINATION_KMS_ACTIONS : DESTINATION_KMS_ACTIONS)[kind];
                    if (keyArn) for (const a of kmsActions) if (!allowed(role, grants.statements, a, keyArn)) missing.push(`${a} on ${clip(keyArn)}`);
                    if (!missing.length) continue;
                    if (grants.unknown) {
                        undecided = ["policy"];
                        continue;
                    }
                    if (grants.external.length) continue; // policies outside this stack may grant it; the pack cannot see them
                    report(
                        `Role '${role.name}' of function '${fn.name}' cannot deliver to its ${ref.what} (${clip(arnValue)}) named by '${ref.owner.name}': it lacks ${missing.join(", ")}. ` +
                            `Add these to the role's policy (${SEED_KMS}; Lambda records a DestinationDeliveryFailures metric when delivery fails).`,
                        role.urn,
                    );
                }
            }
        }
        // Violations found so far stand; what could not be decided yet is reported as a preview note.
        if (undecided) notKnownYet(undecided);
    },
};
