import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import * as F from "../lib/facts";
import { StackIndex, T } from "../lib/graph";
import { destinationRefs, isMskMappingProps } from "../lib/refs";
import { get, isUnknown, knownArray, knownNumber, knownString, maybeArray, maybeString } from "../lib/values";
import { config, forTypes } from "./common";

function accessTypes(props: unknown): { type: string; uri?: string }[] {
    return maybeArray(props, "sourceAccessConfigurations")
        .map((c) => ({ type: maybeString(c, "type") ?? "", uri: maybeString(c, "uri") }))
        .filter((c) => c.type !== "");
}

/** Lambda's limits for an MSK event source mapping (seed parameter table and the Lambda API). */
export const mskMappingLimits: ResourceValidationPolicy = {
    name: "msk-mapping-limits",
    description: "An MSK event source mapping stays within Lambda's limits: one topic, batch size, batching window, pollers, consumer group id and filters.",
    enforcementLevel: "mandatory",
    validateResource: forTypes([T.mapping], (args, report) => {
        if (!isMskMappingProps(args.props)) return;
        const p = args.props;
        const problems: string[] = [];
        const topics = knownArray(p, "topics");
        // Seed: the MSK mapping takes the name of *the* Kafka topic.
        if (topics.length !== 1) problems.push(`it lists ${topics.length} topics; an MSK mapping reads exactly one topic`);
        const range = (value: number | undefined, what: string, r: { min: number; max: number }) => {
            if (value !== undefined && (!Number.isInteger(value) || value < r.min || value > r.max))
                problems.push(`${what} is ${value}; allowed ${r.min} to ${r.max}`);
        };
        range(knownNumber(p, "batchSize"), "batchSize", F.BATCH_SIZE);
        range(knownNumber(p, "maximumBatchingWindowInSeconds"), "maximumBatchingWindowInSeconds", F.BATCHING_WINDOW_SECONDS);
        const min = knownNumber(p, "provisionedPollerConfig", "minimumPollers");
        const max = knownNumber(p, "provisionedPollerConfig", "maximumPollers");
        range(min, "provisionedPollerConfig.minimumPollers", F.MIN_POLLERS);
        range(max, "provisionedPollerConfig.maximumPollers", F.MAX_POLLERS);
        if (min !== undefined && max !== undefined && min > max) problems.push(`minimumPollers ${min} is greater than maximumPollers ${max}`);
        const group = knownString(p, "amazonManagedKafkaEventSourceConfig", "consumerGroupId");
        if (group !== undefined && !F.CONSUMER_GROUP_ID.test(group))
            problems.push("amazonManagedKafkaEventSourceConfig.consumerGroupId must be 1-200 characters of a-z, A-Z, 0-9 and -/*:_+=.@");
        const filters = knownArray(p, "filterCriteria", "filters");
        if (filters.length > F.MAX_FILTERS) problems.push(`it has ${filters.length} filters; at most ${F.MAX_FILTERS} are allowed`);
        filters.forEach((f, i) => {
            const pattern = knownString(f, "pattern");
            if (pattern !== undefined && pattern.length > F.MAX_FILTER_PATTERN_CHARS)
                problems.push(`filter ${i + 1} is ${pattern.length} characters; a pattern may be at most ${F.MAX_FILTER_PATTERN_CHARS}`);
        });
        if (problems.length) report(`MSK event source mapping '${args.name}' is outside Lambda's limits: ${problems.join("; ")}.`);
    }),
};

/** Seed: "Amazon MSK does not support SASL/PLAIN authentication"; MSK's SASL/SCRAM is SCRAM-SHA-512. */
export const mskMappingAuthMechanism: ResourceValidationPolicy = {
    name: "msk-mapping-auth-mechanism",
    description: "An MSK event source mapping does not use BASIC_AUTH (SASL/PLAIN) or SASL_SCRAM_256_AUTH, which Amazon MSK does not support.",
    enforcementLevel: "mandatory",
    validateResource: forTypes([T.mapping], (args, report) => {
        if (!isMskMappingProps(args.props)) return;
        for (const c of accessTypes(args.props)) {
            const why = F.MSK_UNSUPPORTED_ACCESS_TYPES[c.type];
            if (why)
                report(
                    `MSK event source mapping '${args.name}' authenticates with ${why}. Use SASL_SCRAM_512_AUTH, CLIENT_CERTIFICATE_TLS_AUTH or IAM (no secret).`,
                );
        }
    }),
};

/**
 * Seed: "Amazon MSK doesn't support self-signed server certificates, because all brokers in Amazon MSK use public
 * certificates signed by Amazon Trust Services CAs, which Lambda trusts by default."
 */
export const mskNoCustomServerCa: ResourceValidationPolicy = {
    name: "msk-no-custom-server-ca",
    description: "An MSK event source mapping does not configure a SERVER_ROOT_CA_CERTIFICATE: MSK brokers use Amazon Trust Services certificates.",
    enforcementLevel: "mandatory",
    validateResource: forTypes([T.mapping], (args, report) => {
        if (!isMskMappingProps(args.props)) return;
        if (accessTypes(args.props).some((c) => c.type === "SERVER_ROOT_CA_CERTIFICATE")) {
            report(
                `MSK event source mapping '${args.name}' sets a SERVER_ROOT_CA_CERTIFICATE: Amazon MSK does not support self-signed or private server certificates ` +
                    "(its brokers use Amazon Trust Services certificates, which Lambda trusts by default). Remove that access configuration.",
            );
        }
    }),
};

/** Seed 002: keep records of failed invocations by adding a destination; otherwise discarded batches are lost. */
export const mskMappingOnFailureDestination: ResourceValidationPolicy = {
    name: "msk-mapping-on-failure-destination",
    description: "An MSK event source mapping has an on-failure destination, so discarded batches are recorded.",
    enforcementLevel: "mandatory",
    configSchema: { properties: { requireOnFailureDestination: { type: "boolean", default: true } } },
    validateResource: forTypes([T.mapping], (args, report) => {
        if (!config(args, { requireOnFailureDestination: true }).requireOnFailureDestination) return;
        if (!isMskMappingProps(args.props)) return;
        const dest = get(args.props, "destinationConfig", "onFailure", "destinationArn");
        if (isUnknown(dest)) return; // set, just not known yet
        if (typeof dest !== "string" || dest === "") {
            report(
                `MSK event source mapping '${args.name}' has no on-failure destination: batches Lambda gives up on are lost without a record. Set destinationConfig.onFailure.destinationArn to a standard SQS queue, a standard SNS topic or an S3 bucket.`,
            );
        }
    }),
};

/**
 * Seeds 002/004: Lambda sends records to standard SQS queues and standard SNS topics; "FIFO queues and Amazon SNS FIFO
 * topics are not supported" (and a FIFO destination makes every delivery fail with DestinationDeliveryFailures).
 * Decided from the ARN (`.fifo`) when known, and otherwise by following the reference to the queue or topic resource,
 * so a first preview, where ARNs are unknown, is caught too.
 */
export const noFifoDestinations: StackValidationPolicy = {
    name: "no-fifo-destinations",
    description: "On-failure destinations, async-invocation destinations and dead-letter targets are standard (not FIFO) SQS queues or SNS topics.",
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
        const index = new StackIndex(args.resources);
        for (const ref of destinationRefs(index)) {
            let fifo: string | undefined;
            if (typeof ref.arn === "string" && !isUnknown(ref.arn)) {
                if (/^arn:[^:]+:(sqs|sns):.*\.fifo$/.test(ref.arn)) fifo = `${ref.arn.includes(":sqs:") ? "SQS queue" : "SNS topic"} ${ref.arn}`;
            }
            // Whatever form the reference takes (ARN, name, dependency), the queue or topic it resolves to decides too.
            if (!fifo) {
                for (const t of ref.targets) {
                    const name = maybeString(t.props, "name") ?? "";
                    if (t.type === T.queue && (get(t.props, "fifoQueue") === true || name.endsWith(".fifo"))) fifo = `SQS queue '${t.name}'`;
                    if (t.type === T.topic && (get(t.props, "fifoTopic") === true || name.endsWith(".fifo"))) fifo = `SNS topic '${t.name}'`;
                }
            }
            if (fifo) {
                report(
                    `'${ref.owner.name}' (${ref.owner.type}) uses the FIFO ${fifo} as its ${ref.what}: Lambda delivers only to standard SQS queues and standard SNS topics, ` +
                        "so every record would fail (DestinationDeliveryFailures). Use a standard queue or topic.",
                    ref.owner.urn,
                );
            }
        }
    },
};
