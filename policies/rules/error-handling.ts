/**
 * Kafka error handling, poller groups and schema registries on any program's event source mapping, Amazon MSK or
 * self-managed Apache Kafka (`selfManagedEventSource`). Facts: Lambda docs "Configuring error handling controls for
 * Kafka event sources", "Using schema registries with Kafka event sources in Lambda", and the Lambda API's
 * ProvisionedPollerConfig and KafkaSchemaRegistryConfig (policies/lib/facts.ts, shared with the program).
 */
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import * as F from "../lib/facts";
import { StackIndex, T } from "../lib/graph";
import { isKafkaKind, sourceKindOfProps } from "../lib/refs";
import { get, isUnknown, knownArray, knownBool, knownNumber, knownString, maybeString, parseArn } from "../lib/values";
import { forTypes } from "./common";
import { shown } from "../lib/shown";

/** A mapping that reads Kafka: Amazon MSK (by its source ARN or topics), or a self-managed cluster. */
function isKafkaMappingProps(props: unknown): boolean {
    return isKafkaKind(sourceKindOfProps(props));
}

/** Provisioned mode: true, false, or undefined when the setting is not known yet (preview). */
function provisionedMode(props: unknown): boolean | undefined {
    const p = get(props, "provisionedPollerConfig");
    if (isUnknown(p)) return undefined;
    return p !== undefined && p !== null;
}

/** The mapping's schema registry settings (MSK or self-managed), or undefined. */
function schemaRegistryOf(props: unknown): { path: string[]; value: unknown } | undefined {
    for (const root of ["amazonManagedKafkaEventSourceConfig", "selfManagedKafkaEventSourceConfig"]) {
        const v = get(props, root, "schemaRegistryConfig");
        if (v !== undefined && v !== null) return { path: [root, "schemaRegistryConfig"], value: v };
    }
    return undefined;
}

const inRange = (v: number, r: { min: number; max: number; infinite: number }) => Number.isInteger(v) && (v === r.infinite || (v >= r.min && v <= r.max));

/** Configuring error handling controls for Kafka event sources: ranges, values, and provisioned mode. */
export const kafkaMappingErrorHandling: ResourceValidationPolicy = {
    name: "kafka-mapping-error-handling",
    description:
        "A Kafka event source mapping (MSK or self-managed) keeps its error handling controls within Lambda's ranges, and sets them only in provisioned mode.",
    enforcementLevel: "mandatory",
    validateResource: forTypes([T.mapping], (args, report) => {
        const p = args.props;
        if (!isKafkaMappingProps(p)) return;
        const problems: string[] = [];
        const retries = knownNumber(p, "maximumRetryAttempts");
        const age = knownNumber(p, "maximumRecordAgeInSeconds");
        const bisect = knownBool(p, "bisectBatchOnFunctionError");
        const types = knownArray(p, "functionResponseTypes");
        if (retries !== undefined && !inRange(retries, F.KAFKA_RETRY_ATTEMPTS))
            problems.push(`maximumRetryAttempts is ${retries}; allowed -1 (infinite) or ${F.KAFKA_RETRY_ATTEMPTS.min} to ${F.KAFKA_RETRY_ATTEMPTS.max}`);
        if (age !== undefined && !inRange(age, F.KAFKA_RECORD_AGE_SECONDS))
            problems.push(
                `maximumRecordAgeInSeconds is ${age}; allowed -1 (infinite) or ${F.KAFKA_RECORD_AGE_SECONDS.min} to ${F.KAFKA_RECORD_AGE_SECONDS.max}`,
            );
        types.forEach((t) => {
            if (isUnknown(t) || t === F.REPORT_BATCH_ITEM_FAILURES) return;
            problems.push(`functionResponseTypes lists ${shown(t)}; the only response type is ${F.REPORT_BATCH_ITEM_FAILURES}`);
        });
        const set = [
            retries !== undefined && retries !== F.KAFKA_RETRY_ATTEMPTS.infinite ? "maximumRetryAttempts" : "",
            age !== undefined && age !== F.KAFKA_RECORD_AGE_SECONDS.infinite ? "maximumRecordAgeInSeconds" : "",
            bisect === true ? "bisectBatchOnFunctionError" : "",
            types.length ? "functionResponseTypes" : "",
        ].filter(Boolean);
        if (set.length && provisionedMode(p) === false)
            problems.push(`it sets ${set.join(", ")} without provisionedPollerConfig: ${F.ERROR_HANDLING_NEEDS_PROVISIONED}`);
        // Using a Kafka topic as an on-failure destination: provisioned mode only, and never a source topic.
        const destination = maybeString(p, "destinationConfig", "onFailure", "destinationArn");
        if (destination?.startsWith(F.KAFKA_DESTINATION_PREFIX)) {
            const topic = destination.slice(F.KAFKA_DESTINATION_PREFIX.length);
            if (provisionedMode(p) === false)
                problems.push(`its on-failure destination is a Kafka topic without provisionedPollerConfig: ${F.KAFKA_DESTINATION_NEEDS_PROVISIONED}`);
            if (knownArray(p, "topics").includes(topic))
                problems.push(`its on-failure destination ${destination} is one of its source topics, which Lambda refuses (a record would loop)`);
        }
        if (problems.length) report(`Kafka event source mapping '${args.name}' has error handling controls Lambda refuses: ${problems.join("; ")}.`);
    }),
};

/**
 * ProvisionedPollerConfig.PollerGroupName: "You can group up to 100 ESMs per poller group and aggregate maximum pollers
 * across all ESMs in a group cannot exceed 2000." Mappings of one stack are counted (others sharing the group in the
 * same VPC are not visible to the pack).
 */
export const kafkaMappingPollerGroups: StackValidationPolicy = {
    name: "kafka-mapping-poller-groups",
    description:
        "Poller groups are used only by Kafka event source mappings (MSK or self-managed), at most 100 per group, adding up to at most 2000 maximum pollers.",
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
        const index = new StackIndex(args.resources);
        const groups = new Map<string, { urns: string[]; pollers: number }>();
        for (const m of index.ofType(T.mapping)) {
            const name = maybeString(m.props, "provisionedPollerConfig", "pollerGroupName");
            if (!name) continue;
            // "(Amazon MSK and self-managed Apache Kafka) The name of the provisioned poller group."
            if (!isKafkaMappingProps(m.props)) {
                report(
                    `Event source mapping '${m.name}' sets pollerGroupName "${name}", which Lambda takes only for Amazon MSK and self-managed Kafka mappings.`,
                    m.urn,
                );
                continue;
            }
            const max = get(m.props, "provisionedPollerConfig", "maximumPollers");
            const g = groups.get(name) ?? { urns: [], pollers: 0 };
            g.urns.push(m.urn);
            g.pollers += typeof max === "number" && Number.isFinite(max) ? max : F.POLLER_GROUP.defaultMaximumPollers;
            groups.set(name, g);
        }
        for (const [name, g] of groups) {
            const last = g.urns[g.urns.length - 1];
            if (g.urns.length > F.POLLER_GROUP.maxMappings)
                report(
                    `Poller group "${name}" has ${g.urns.length} event source mappings; Lambda allows at most ${F.POLLER_GROUP.maxMappings} per group.`,
                    last,
                );
            if (g.pollers > F.POLLER_GROUP.maxAggregatePollers)
                report(
                    `Poller group "${name}" adds up to ${g.pollers} maximum pollers (a mapping without maximumPollers counts ${F.POLLER_GROUP.defaultMaximumPollers}); Lambda allows at most ${F.POLLER_GROUP.maxAggregatePollers} per group.`,
                    last,
                );
        }
    },
};

/** Using schema registries with Kafka event sources in Lambda; the API's KafkaSchemaRegistryConfig. */
export const kafkaMappingSchemaRegistry: ResourceValidationPolicy = {
    name: "kafka-mapping-schema-registry",
    description:
        "A Kafka event source mapping's schema registry is used in provisioned mode, with a JSON or SOURCE record format, KEY/VALUE validation, Secrets Manager secrets for a Confluent registry's authentication, none for AWS Glue, and no credentials over plain HTTP.",
    enforcementLevel: "mandatory",
    validateResource: forTypes([T.mapping], (args, report) => {
        const p = args.props;
        if (!isKafkaMappingProps(p)) return;
        const registry = schemaRegistryOf(p);
        if (!registry) return;
        const at = registry.path;
        const problems: string[] = [];
        if (!isUnknown(registry.value) && provisionedMode(p) === false)
            problems.push(`it has a schema registry without provisionedPollerConfig: ${F.SCHEMA_REGISTRY_NEEDS_PROVISIONED}`);
        const format = knownString(p, ...at, "eventRecordFormat");
        if (format !== undefined && !(F.EVENT_RECORD_FORMATS as readonly string[]).includes(format))
            problems.push(`eventRecordFormat is ${shown(format)}; allowed ${F.EVENT_RECORD_FORMATS.join(" or ")}`);
        const attributes = knownArray(p, ...at, "schemaValidationConfigs").map((c) => get(c, "attribute"));
        const seen = new Set<unknown>();
        for (const a of attributes) {
            if (isUnknown(a)) continue;
            if (!(F.SCHEMA_VALIDATION_ATTRIBUTES as readonly unknown[]).includes(a))
                problems.push(`schemaValidationConfigs lists attribute ${shown(a)}; allowed ${F.SCHEMA_VALIDATION_ATTRIBUTES.join(" or ")}`);
            else if (seen.has(a)) problems.push(`schemaValidationConfigs lists ${a} twice`);
            seen.add(a);
        }
        const access = knownArray(p, ...at, "accessConfigs");
        if (access.length > F.MAX_SCHEMA_REGISTRY_ACCESS_CONFIGS)
            problems.push(`it has ${access.length} accessConfigs; at most ${F.MAX_SCHEMA_REGISTRY_ACCESS_CONFIGS} are allowed`);
        const types = new Set<string>();
        access.forEach((c, i) => {
            const type = maybeString(c, "type");
            const uri = maybeString(c, "uri");
            if (type !== undefined) {
                types.add(type);
                if (!(F.SCHEMA_REGISTRY_AUTH_TYPES as readonly string[]).includes(type))
                    problems.push(`accessConfigs[${i}] has type ${shown(type)}; allowed ${F.SCHEMA_REGISTRY_AUTH_TYPES.join(", ")}`);
            }
            if (uri !== undefined && !F.SECRETS_MANAGER_ARN.test(uri))
                problems.push(`accessConfigs[${i}] names ${shown(uri, 80)}, which is not a Secrets Manager secret ARN`);
        });
        const uri = knownString(p, ...at, "schemaRegistryUri");
        if (uri !== undefined) {
            if (parseArn(uri)?.service === "glue") {
                if (!F.GLUE_REGISTRY_ARN.test(uri)) problems.push(`schemaRegistryUri ${shown(uri)} is not an AWS Glue registry ARN`);
                // KafkaSchemaRegistryAccessConfig: "If you're working with an AWS Glue schema registry, don't provide
                // authentication details in this object."
                if (access.length) problems.push("it gives accessConfigs for an AWS Glue registry, which takes none (Lambda uses the execution role)");
            } else if (uri.slice(0, 7).toLowerCase() === "http://" && (types.has("BASIC_AUTH") || types.has("CLIENT_CERTIFICATE_TLS_AUTH"))) {
                // Security baseline: registry credentials never travel in clear text.
                problems.push(`schemaRegistryUri is plain http:// and the mapping authenticates to it; use https://`);
            } else if (uri.slice(0, 7).toLowerCase() !== "http://" && uri.slice(0, 8).toLowerCase() !== "https://") {
                problems.push(`schemaRegistryUri ${shown(uri, 80)} is neither an AWS Glue registry ARN nor a registry URL`);
            }
        }
        if (problems.length) report(`Kafka event source mapping '${args.name}' has a schema registry Lambda refuses: ${problems.join("; ")}.`);
    }),
};

/**
 * Advisory: with infinite retries and no record age limit (Lambda's defaults), "Lambda retries the whole batch of
 * messages until processing succeeds or the messages expire" — one poison record blocks its partition until it leaves
 * the topic. With an on-failure destination in provisioned mode, Lambda applies at most 10 retries itself.
 */
export const kafkaMappingUnboundedRetries: ResourceValidationPolicy = {
    name: "kafka-mapping-unbounded-retries",
    description: "A Kafka event source mapping bounds its retries or its record age, so one poison record cannot block its partition until the record expires.",
    enforcementLevel: "advisory",
    validateResource: forTypes([T.mapping], (args, report) => {
        const p = args.props;
        if (!isKafkaMappingProps(p)) return;
        const retries = get(p, "maximumRetryAttempts");
        const age = get(p, "maximumRecordAgeInSeconds");
        if (isUnknown(retries) || isUnknown(age)) return;
        const infinite = (v: unknown) => v === undefined || v === null || v === -1 || v === "-1";
        if (!infinite(retries) || !infinite(age)) return;
        const destination = get(p, "destinationConfig", "onFailure", "destinationArn");
        const provisioned = provisionedMode(p);
        if (provisioned === true && destination !== undefined && destination !== null && destination !== "") return;
        report(
            `Kafka event source mapping '${args.name}' retries a failing batch forever and has no record age limit: one record the function cannot process blocks its partition until it expires from the topic. ` +
                `In provisioned mode, set maximumRetryAttempts (${F.KAFKA_RETRY_ATTEMPTS.min}-${F.KAFKA_RETRY_ATTEMPTS.max}) or maximumRecordAgeInSeconds (${F.KAFKA_RECORD_AGE_SECONDS.min}-${F.KAFKA_RECORD_AGE_SECONDS.max}) with an on-failure destination, and ReportBatchItemFailures, so the record is set aside with its topic, partition and offset.`,
        );
    }),
};
