/** Kafka event source mapping settings Lambda refuses or mishandles: starting position and consumer group ids. */
import type { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { StackIndex, T } from "../lib/graph";
import { clustersOf, isKafkaMapping, isSelfManagedMapping } from "../lib/kafka";
import { isMskMappingProps } from "../lib/refs";
import { get, isUnknown, maybeString, notKnownYet } from "../lib/values";
import { forTypes } from "./common";
import { shown } from "../lib/shown";

/**
 * The starting positions Lambda accepts for Kafka. Lambda API reference, CreateEventSourceMapping, StartingPosition:
 * TRIM_HORIZON | LATEST | AT_TIMESTAMP, "AT_TIMESTAMP is supported only for Amazon Kinesis streams, Amazon DocumentDB,
 * Amazon MSK, and self-managed Apache Kafka"; "Apache Kafka polling and stream starting positions in Lambda": at
 * timestamp reads from StartingPositionTimestamp (Unix time seconds). "Using Lambda with Amazon MSK" (parameters):
 * StartingPosition is required for Amazon MSK and can only be set on create.
 */
export const KAFKA_STARTING_POSITIONS = ["TRIM_HORIZON", "LATEST", "AT_TIMESTAMP"] as const;

function isKafkaProps(props: unknown): boolean {
    const s = get(props, "selfManagedEventSource");
    return (s !== undefined && s !== null) || isMskMappingProps(props);
}

export const kafkaStartingPosition: ResourceValidationPolicy = {
    name: "kafka-starting-position",
    description: "A Kafka event source mapping sets startingPosition to TRIM_HORIZON, LATEST or AT_TIMESTAMP (with startingPositionTimestamp).",
    enforcementLevel: "mandatory",
    validateResource: forTypes([T.mapping], (args, report) => {
        if (!isKafkaProps(args.props)) return;
        const position = get(args.props, "startingPosition");
        if (isUnknown(position)) notKnownYet(["startingPosition"]);
        const allowed = `one of ${KAFKA_STARTING_POSITIONS.join(", ")}`;
        if (position === undefined || position === null || position === "") {
            report(
                `Kafka event source mapping '${args.name}' has no startingPosition: Lambda requires it for Kafka sources (${allowed}); it can only be set when the mapping is created.`,
            );
            return;
        }
        if (typeof position !== "string" || !(KAFKA_STARTING_POSITIONS as readonly string[]).includes(position)) {
            report(`Kafka event source mapping '${args.name}' has startingPosition ${shown(position, 40)}; Lambda accepts ${allowed}.`);
            return;
        }
        if (position === "AT_TIMESTAMP") {
            const ts = get(args.props, "startingPositionTimestamp");
            if (isUnknown(ts)) notKnownYet(["startingPositionTimestamp"]);
            if (ts === undefined || ts === null || ts === "")
                report(
                    `Kafka event source mapping '${args.name}' starts AT_TIMESTAMP without startingPositionTimestamp: set the time to start reading from (RFC 3339, e.g. 2026-01-01T00:00:00Z).`,
                );
        }
    }),
};

/** The consumer group id a Kafka mapping sets, or undefined (Lambda then uses the mapping's UUID, unique by nature). */
function groupIdOf(m: PolicyResource): unknown {
    const managed = get(m.props, "amazonManagedKafkaEventSourceConfig", "consumerGroupId");
    return managed !== undefined ? managed : get(m.props, "selfManagedKafkaEventSourceConfig", "consumerGroupId");
}

/** What identifies the Kafka cluster a mapping reads: its cluster resource, its cluster ARN, or its bootstrap servers. */
function sourceKeyOf(index: StackIndex, m: PolicyResource): string | undefined {
    if (isSelfManagedMapping(m)) {
        const servers = get(m.props, "selfManagedEventSource", "endpoints", "KAFKA_BOOTSTRAP_SERVERS");
        const list = Array.isArray(servers) ? servers : typeof servers === "string" ? servers.split(",") : [];
        if (isUnknown(servers) || list.some(isUnknown)) return undefined;
        return `servers:${list
            .map((s) => String(s).trim().toLowerCase())
            .sort()
            .join(",")}`;
    }
    const cluster = clustersOf(index, m)[0];
    if (cluster) return `cluster:${cluster.urn}`;
    const arn = maybeString(m.props, "eventSourceArn");
    return arn ? `arn:${arn}` : undefined;
}

/**
 * "Using Lambda with Amazon MSK" ("Customizable consumer group ID"): "The consumer group ID that you specify must be unique among
 * all your Kafka event sources"; a second mapping joining the same group on the same cluster splits the topic's
 * messages between them, so neither function sees every record. Without a consumer group id Lambda uses the
 * mapping's UUID, which never collides.
 */
export const kafkaConsumerGroupUnique: StackValidationPolicy = {
    name: "kafka-consumer-group-unique",
    description: "No two Kafka event source mappings on the same cluster set the same consumer group id.",
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
        const index = new StackIndex(args.resources);
        const seen = new Map<string, PolicyResource>();
        const seenGroups = new Set<string>();
        const unknownSource = new Set<string>();
        let undecided = false;
        const kafka = index.ofType(T.mapping).filter((m) => isKafkaMapping(m, index));
        for (const m of kafka) {
            const group = groupIdOf(m);
            if (group === undefined || group === null || group === "") continue;
            if (isUnknown(group)) {
                if (kafka.length > 1) undecided = true;
                continue;
            }
            const source = sourceKeyOf(index, m);
            if (source === undefined) {
                if (unknownSource.has(String(group))) undecided = true;
                unknownSource.add(String(group));
                continue;
            }
            const key = source + "\n" + String(group);
            const first = seen.get(key);
            if (first) {
                report(
                    `Event source mappings '${first.name}' and '${m.name}' read the same Kafka cluster with the same consumer group id ${shown(group, 200)}: ` +
                        // Stryker disable next-line StringLiteral: message wording decides no verdict
                        "Kafka would split the topic's messages between them. Give each mapping its own consumer group id (it can only be set when the mapping is created).",
                    m.urn,
                );
            } else seen.set(key, m);
            seenGroups.add(String(group));
        }
        for (const group of unknownSource) if (seenGroups.has(group)) undecided = true;
        if (undecided) notKnownYet(["consumerGroupId"]);
    },
};

/**
 * Seed (Lambda/MSK, "Customizable consumer group ID"): "The consumer group ID that you specify must be unique among
 * all your Kafka event sources". The mandatory rule above refuses a shared id on one cluster (the records would be
 * split); the same id on different clusters breaks no delivery the pack can see, but breaks the documentation's rule
 * (and any ACL or quota keyed by group), so it is reported as advisory.
 */
export const kafkaConsumerGroupAcrossSources: StackValidationPolicy = {
    name: "kafka-consumer-group-across-sources",
    description:
        "No two Kafka event source mappings, on any clusters, set the same consumer group id (the documentation asks it be unique among all Kafka event sources).",
    enforcementLevel: "advisory",
    validateStack: (args, report) => {
        const index = new StackIndex(args.resources);
        const byGroup = new Map<string, { m: PolicyResource; source: string | undefined }>();
        for (const m of index.ofType(T.mapping)) {
            if (!isKafkaMapping(m, index)) continue;
            const group = groupIdOf(m);
            if (typeof group !== "string" || group === "" || isUnknown(group)) continue;
            const source = sourceKeyOf(index, m);
            const first = byGroup.get(group);
            if (!first) {
                byGroup.set(group, { m, source });
                continue;
            }
            // The same source with the same id is the mandatory rule's finding: not repeated here.
            if (first.source !== undefined && first.source === source) continue;
            report(
                `Event source mappings '${first.m.name}' and '${m.name}' set the same consumer group id ${shown(group, 200)} on different Kafka sources: ` +
                    'Lambda\'s documentation asks that "the consumer group ID that you specify must be unique among all your Kafka event sources". Give each mapping its own id.',
                m.urn,
            );
        }
    },
};
