import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { DESTINATION_KMS_ACTIONS, SEND_ACTIONS, type DestinationKind } from "../lib/facts";
import { StackIndex, T } from "../lib/graph";
import { allows } from "../lib/iam-eval";
import { destinationRefs, functionsOf, roleGrants, rolesOf, type DestinationRef } from "../lib/refs";
import { get, isUnknown, maybeArray, notKnownYet, parseArn } from "../lib/values";

type Kind = DestinationKind;

function kindOf(ref: DestinationRef, target?: PolicyResource): Kind | undefined {
    if (target) {
        if (target.type === T.queue) return "sqs";
        if (target.type === T.topic) return "sns";
        if (target.type === T.bucket || target.type === T.bucketV2) return "s3";
        if (target.type === T.eventBus) return "eventbridge";
        if (target.type === T.fn) return "lambda";
    }
    if (typeof ref.arn !== "string" || isUnknown(ref.arn)) return undefined;
    const service = parseArn(ref.arn)?.service;
    return service === "sqs" || service === "sns" || service === "s3" || service === "lambda" ? service : service === "events" ? "eventbridge" : undefined;
}

/** The key reference of a destination resource (queue, topic, bucket's default encryption, bus), if any. */
function keyRef(index: StackIndex, t: PolicyResource): { owner: PolicyResource; prop: string; value: unknown } | undefined {
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
        if (get(inline, "sseAlgorithm") === "aws:kms") return { owner: t, prop: "serverSideEncryptionConfiguration", value: get(inline, "kmsMasterKeyId") };
    }
    return undefined;
}

/** An AWS-managed key (alias/aws/...) or no key. */
function isAwsManaged(value: unknown): boolean {
    return value === undefined || value === null || value === "" || (typeof value === "string" && /(^|:)alias\/aws\//.test(value));
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
        for (const ref of destinationRefs(index)) {
            for (const t of ref.targets) {
                if (t.type === T.fn || done.has(t.urn)) continue;
                done.add(t.urn);
                const key = keyRef(index, t);
                if (key && isUnknown(key.value)) continue;
                if (!key || (isAwsManaged(key.value) && index.propDeps(key.owner, key.prop, [T.kmsKey, T.kmsAlias]).length === 0)) {
                    report(
                        `'${t.name}' (${t.type}), the ${ref.what} of '${ref.owner.name}', is not encrypted with a customer-managed KMS key: create a key with rotation on and set it as the destination's encryption key.`,
                        t.urn,
                    );
                }
            }
        }
    },
};

/** Seed 002 tip: "We recommend enabling S3 versioning on your destination bucket"; failure records stay private. */
export const s3DestinationProtection: StackValidationPolicy = {
    name: "s3-destination-protection",
    description: "S3 buckets that receive failure records are versioned and block all public access.",
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
        const index = new StackIndex(args.resources);
        const done = new Set<string>();
        for (const ref of destinationRefs(index)) {
            for (const b of ref.targets) {
                if ((b.type !== T.bucket && b.type !== T.bucketV2) || done.has(b.urn)) continue;
                done.add(b.urn);
                const versioning = index.referrers(b, "bucket", [T.bucketVersioning, T.bucketVersioningV2]);
                const versioned =
                    versioning.some((v) => {
                        const status = get(v.props, "versioningConfiguration", "status");
                        return status === "Enabled" || isUnknown(status);
                    }) || get(b.props, "versioning", "enabled") === true;
                if (!versioned)
                    report(
                        `Bucket '${b.name}', the ${ref.what} of '${ref.owner.name}', is not versioned: enable versioning (aws.s3.BucketVersioning with status "Enabled") so failure records cannot be overwritten or lost.`,
                        b.urn,
                    );
                const blocks = index.referrers(b, "bucket", [T.bucketPab]);
                const blocked = blocks.some((p) =>
                    ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"].every(
                        (k) => get(p.props, k) === true || isUnknown(get(p.props, k)),
                    ),
                );
                if (!blocked)
                    report(
                        `Bucket '${b.name}', the ${ref.what} of '${ref.owner.name}', does not block public access: add an aws.s3.BucketPublicAccessBlock with all four settings true.`,
                        b.urn,
                    );
            }
        }
    },
};

/** The send checks for a destination (an S3 object action is tested on an object in the bucket). */
function sendChecks(kind: Kind, arn: string): { action: string; resource: string }[] {
    return SEND_ACTIONS[kind].map(({ action, on }) => ({ action, resource: on === "objects" ? `${arn}/failure-record` : arn }));
}

/**
 * Seeds 002/004: the execution role needs permission to send to its destinations, and, when a destination uses a
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
        for (const ref of destinationRefs(index)) {
            const target = ref.targets.find((t) => t.type !== T.fn) ?? ref.targets[0];
            const kind = kindOf(ref, target);
            if (!kind) continue;
            const arnValue = typeof ref.arn === "string" && !isUnknown(ref.arn) ? ref.arn : target ? get(target.props, "arn") : undefined;
            if (typeof arnValue !== "string" || isUnknown(arnValue)) {
                undecided = [ref.prop, "(destination ARN)"];
                continue;
            }
            // The key: resolved to the KMS key resource's ARN when the destination is in this stack.
            let keyArn: string | undefined;
            const key = target ? keyRef(index, target) : undefined;
            if (key && !isUnknown(key.value) && !isAwsManaged(key.value)) {
                const keyResource = index.resolve(key.owner, key.prop, key.value, [T.kmsKey])[0];
                const arn = keyResource ? get(keyResource.props, "arn") : key.value;
                if (typeof arn === "string" && !isUnknown(arn) && arn.startsWith("arn:")) keyArn = arn;
                else undecided = [key.prop, "(key ARN)"];
            } else if (key && isUnknown(key.value)) {
                undecided = [key.prop];
            }
            const fns = ref.owner.type === T.fn ? [ref.owner] : functionsOf(index, ref.owner, "functionName");
            for (const fn of fns) {
                for (const role of rolesOf(index, fn)) {
                    const grants = roleGrants(index, role);
                    const missing: string[] = [];
                    for (const c of sendChecks(kind, arnValue))
                        if (!allows(grants.statements, c.action, c.resource)) missing.push(`${c.action} on ${c.resource.replace(/\/failure-record$/, "/*")}`);
                    if (keyArn) for (const a of DESTINATION_KMS_ACTIONS[kind]) if (!allows(grants.statements, a, keyArn)) missing.push(`${a} on ${keyArn}`);
                    if (!missing.length) continue;
                    if (grants.unknown) {
                        undecided = ["policy"];
                        continue;
                    }
                    if (grants.external.length) continue; // policies outside this stack may grant it; the pack cannot see them
                    report(
                        `Role '${role.name}' of function '${fn.name}' cannot deliver to its ${ref.what} (${arnValue}) named by '${ref.owner.name}': it lacks ${missing.join(", ")}. ` +
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
