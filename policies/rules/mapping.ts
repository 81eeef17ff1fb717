import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import * as F from "../lib/facts";
import { StackIndex, T } from "../lib/graph";
import { destinationRefs, sourceKindOfProps, type SourceKind } from "../lib/refs";
import { clip, get, isUnknown, knownArray, knownNumber, knownString, maybeString, notKnownYet, type Path } from "../lib/values";
import { mskAccessTypeProblem } from "../lib/kafka";
import { config, forTypes } from "./common";

/**
 * The source access configurations of a mapping; an unknown list or an unknown `type` is a preview note (a rule that
 * judges the authentication cannot pass what it cannot see).
 */
function accessTypes(props: unknown): { type: string; uri?: string }[] {
    return knownArray(props, "sourceAccessConfigurations")
        .map((c, i) => ({ type: knownString(props, "sourceAccessConfigurations", i, "type") ?? "", uri: maybeString(c, "uri") }))
        .filter((c) => c.type !== "");
}

/**
 * The mapping's source kind from its properties (lib/refs: MSK, self-managed Kafka, other, unknown). `unknown` is a
 * preview note for a rule that applies to the kinds in `applies`; `undefined` means the rule does not apply.
 */
function kindFor(props: unknown, applies: SourceKind[]): SourceKind | undefined {
    const kind = sourceKindOfProps(props);
    if (kind === "unknown") notKnownYet(["eventSourceArn"]);
    return applies.includes(kind) ? kind : undefined;
}

const KAFKA: SourceKind[] = ["msk", "self-managed"];
const MSK: SourceKind[] = ["msk"];

/** Lambda's limits for an MSK event source mapping (the parameter table of "Using Lambda with Amazon MSK" and the Lambda API). */
export const mskMappingLimits: ResourceValidationPolicy = {
    name: "msk-mapping-limits",
    description:
        "A Kafka event source mapping (Amazon MSK or self-managed Apache Kafka) stays within Lambda's limits: one topic, batch size, batching window, pollers, consumer group id and filters.",
    enforcementLevel: "mandatory",
    validateResource: forTypes([T.mapping], (args, report) => {
        const kind = kindFor(args.props, KAFKA);
        if (!kind) return;
        const p = args.props;
        const problems: string[] = [];
        const topics = knownArray(p, "topics");
        // "Using Lambda with Amazon MSK": the mapping takes the name of *the* Kafka topic (MSK and self-managed Kafka alike).
        if (topics.length !== 1) problems.push(`it lists ${topics.length} topics; a Kafka mapping reads exactly one topic`);
        const range = (value: number | undefined, what: string, r: { min: number; max: number }) => {
            if (value !== undefined && (!Number.isInteger(value) || value < r.min || value > r.max))
                problems.push(`${what} is ${value}; allowed ${r.min} to ${r.max}`);
        };
        range(knownNumber(p, "batchSize"), "batchSize", F.BATCH_SIZE);
        range(knownNumber(p, "maximumBatchingWindowInSeconds"), "maximumBatchingWindowInSeconds", F.BATCHING_WINDOW_SECONDS);
        const min = knownNumber(p, "provisionedPollerConfig", "minimumPollers");
        const max = knownNumber(p, "provisionedPollerConfig", "maximumPollers");
        range(min, "provisionedPollerConfig.minimumPollers", F.MIN_POLLERS);
        // Stryker disable next-line StringLiteral: message wording decides no verdict
        range(max, "provisionedPollerConfig.maximumPollers", F.MAX_POLLERS);
        if (min !== undefined && max !== undefined && min > max) problems.push(`minimumPollers ${min} is greater than maximumPollers ${max}`);
        const groupConfig = kind === "msk" ? "amazonManagedKafkaEventSourceConfig" : "selfManagedKafkaEventSourceConfig";
        const group = knownString(p, groupConfig, "consumerGroupId");
        if (group !== undefined && !F.CONSUMER_GROUP_ID.test(group))
            problems.push(`${groupConfig}.consumerGroupId must be 1-200 characters of a-z, A-Z, 0-9 and -/*:_+=.@`);
        const filters = knownArray(p, "filterCriteria", "filters");
        if (filters.length > F.MAX_FILTERS) problems.push(`it has ${filters.length} filters; at most ${F.MAX_FILTERS} are allowed`);
        filters.forEach((f, i) => {
            const pattern = knownString(f, "pattern");
            if (pattern !== undefined && pattern.length > F.MAX_FILTER_PATTERN_CHARS)
                problems.push(`filter ${i + 1} is ${pattern.length} characters; a pattern may be at most ${F.MAX_FILTER_PATTERN_CHARS}`);
        });
        const what = kind === "msk" ? "MSK" : "Self-managed Kafka";
        // Stryker disable next-line StringLiteral: message wording decides no verdict
        if (problems.length) report(`${what} event source mapping '${args.name}' is outside Lambda's limits: ${problems.join("; ")}.`);
    }),
};

/**
 * "Using Lambda with Amazon MSK": "Amazon MSK does not support SASL/PLAIN authentication"; MSK's SASL/SCRAM is SCRAM-SHA-512. For self-managed
 * Apache Kafka, Lambda supports SASL/PLAIN (BASIC_AUTH) and SCRAM-SHA-256 (Lambda: "Configuring cluster
 * authentication methods in Lambda"), so this rule does not apply there.
 */
export const mskMappingAuthMechanism: ResourceValidationPolicy = {
    name: "msk-mapping-auth-mechanism",
    description:
        "An MSK event source mapping's access configurations are SASL_SCRAM_512_AUTH or CLIENT_CERTIFICATE_TLS_AUTH only (BASIC_AUTH, SASL_SCRAM_256_AUTH, VPC_SUBNET, VPC_SECURITY_GROUP and VIRTUAL_HOST are for other sources).",
    enforcementLevel: "mandatory",
    validateResource: forTypes([T.mapping], (args, report) => {
        if (!kindFor(args.props, MSK)) return;
        for (const c of accessTypes(args.props)) {
            const why = mskAccessTypeProblem(c.type);
            if (why)
                report(
                    `MSK event source mapping '${args.name}' has a sourceAccessConfigurations entry for ${why}. An MSK mapping accepts SASL_SCRAM_512_AUTH, CLIENT_CERTIFICATE_TLS_AUTH, or none (IAM).`,
                );
        }
    }),
};

/**
 * "Using Lambda with Amazon MSK": "Amazon MSK doesn't support self-signed server certificates, because all brokers in Amazon MSK use public
 * certificates signed by Amazon Trust Services CAs, which Lambda trusts by default." For self-managed Apache Kafka a
 * private CA or self-signed server certificate is legal: "you can configure the server root CA certificate (as a secret
 * in Secrets Manager)" (Lambda: "Configuring cluster authentication methods in Lambda").
 */
export const mskNoCustomServerCa: ResourceValidationPolicy = {
    name: "msk-no-custom-server-ca",
    description:
        "An MSK event source mapping does not configure a SERVER_ROOT_CA_CERTIFICATE: MSK brokers use Amazon Trust Services certificates (self-managed Apache Kafka may).",
    enforcementLevel: "mandatory",
    validateResource: forTypes([T.mapping], (args, report) => {
        if (!kindFor(args.props, MSK)) return;
        if (accessTypes(args.props).some((c) => c.type === "SERVER_ROOT_CA_CERTIFICATE")) {
            report(
                `MSK event source mapping '${args.name}' sets a SERVER_ROOT_CA_CERTIFICATE: Amazon MSK does not support self-signed or private server certificates ` +
                    // Stryker disable next-line StringLiteral: message wording decides no verdict
                    "(its brokers use Amazon Trust Services certificates, which Lambda trusts by default). Remove that access configuration.",
            );
        }
    }),
};

/**
 * "Capturing discarded batches for a self-managed Apache Kafka event source" (the same holds for MSK): keep
 * records of failed invocations by adding a destination; otherwise discarded batches are lost.
 */
export const mskMappingOnFailureDestination: ResourceValidationPolicy = {
    name: "msk-mapping-on-failure-destination",
    description: "A Kafka event source mapping (Amazon MSK or self-managed Apache Kafka) has an on-failure destination, so discarded batches are recorded.",
    enforcementLevel: "mandatory",
    configSchema: { properties: { requireOnFailureDestination: { type: "boolean", default: true } } },
    validateResource: forTypes([T.mapping], (args, report) => {
        if (!config(args, { requireOnFailureDestination: true }).requireOnFailureDestination) return;
        const kind = kindFor(args.props, KAFKA);
        if (!kind) return;
        // A whole unknown destinationConfig or onFailure may or may not name a destination: a preview note.
        for (const path of [["destinationConfig"], ["destinationConfig", "onFailure"]]) if (isUnknown(get(args.props, ...path))) notKnownYet(path);
        const dest = get(args.props, "destinationConfig", "onFailure", "destinationArn");
        if (isUnknown(dest)) return; // set, just not known yet: a destination exists
        if (typeof dest !== "string" || dest === "") {
            report(
                // Stryker disable next-line StringLiteral: message wording decides no verdict
                `${kind === "msk" ? "MSK" : "Self-managed Kafka"} event source mapping '${args.name}' has no on-failure destination: batches Lambda gives up on are lost without a record. Set destinationConfig.onFailure.destinationArn to a standard SQS queue, a standard SNS topic or an S3 bucket.`,
            );
        }
    }),
};

/**
 * "Capturing discarded batches for a self-managed Apache Kafka event source" and "Capturing records of Lambda asynchronous invocations": Lambda sends records to standard SQS queues and standard SNS topics; "FIFO queues and Amazon SNS FIFO
 * topics are not supported" (and a FIFO destination makes every delivery fail with DestinationDeliveryFailures).
 * Decided from the ARN (`.fifo`) when known, and otherwise by following the reference to the queue or topic resource,
 * so a first preview, where ARNs are unknown, is caught too.
 */
/** An SQS or SNS ARN whose name ends in `.fifo` (split on `:`, no regular expression). */
function isFifoArn(arn: string): boolean {
    const parts = arn.split(":");
    return parts[0] === "arn" && (parts[2] === "sqs" || parts[2] === "sns") && arn.endsWith(".fifo");
}

export const noFifoDestinations: StackValidationPolicy = {
    name: "no-fifo-destinations",
    description: "On-failure destinations, async-invocation destinations and dead-letter targets are standard (not FIFO) SQS queues or SNS topics.",
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
        const index = new StackIndex(args.resources);
        let undecided: Path | undefined;
        for (const ref of destinationRefs(index)) {
            let fifo: string | undefined;
            if (typeof ref.arn === "string" && !isUnknown(ref.arn)) {
                if (isFifoArn(ref.arn)) fifo = `${ref.arn.includes(":sqs:") ? "SQS queue" : "SNS topic"} ${clip(ref.arn)}`;
            } else if (!ref.targets.length) {
                // Unknown ARN and no dependency: the destination cannot be seen yet.
                undecided = [ref.prop];
            }
            // Whatever form the reference takes (ARN, name, dependency), the queue or topic it resolves to decides too.
            if (!fifo) {
                for (const t of ref.targets) {
                    const flag = t.type === T.queue ? "fifoQueue" : t.type === T.topic ? "fifoTopic" : undefined;
                    if (!flag) continue;
                    const on = get(t.props, flag);
                    const name = get(t.props, "name");
                    if (isUnknown(on)) undecided = [flag];
                    if (on === true || on === "true" || (typeof name === "string" && !isUnknown(name) && name.endsWith(".fifo")))
                        fifo = `${t.type === T.queue ? "SQS queue" : "SNS topic"} '${t.name}'`;
                }
            }
            if (fifo) {
                report(
                    `'${ref.owner.name}' (${(ref.owner as { sourceType?: string }).sourceType ?? ref.owner.type}) uses the FIFO ${fifo} as its ${ref.what}: Lambda delivers only to standard SQS queues and standard SNS topics, ` +
                        // Stryker disable next-line StringLiteral: message wording decides no verdict
                        "so every record would fail (DestinationDeliveryFailures). Use a standard queue or topic.",
                    ref.owner.urn,
                );
            }
        }
        if (undecided) notKnownYet(undecided);
    },
};
