/**
 * `msk-lambda:consumers`: one Lambda function and one MSK event source mapping per item. Each field's range comes from
 * AWS's Lambda API limits or the AWS documentation page named next to it.
 */
import {
    BATCH_SIZE,
    BATCHING_WINDOW_SECONDS,
    CONSUMER_GROUP_ID,
    MAX_FILTER_PATTERN_CHARS,
    MAX_FILTERS,
    MAX_MSK_FUNCTION_TIMEOUT_SECONDS,
    MAX_POLLERS,
    MIN_POLLERS,
    ERROR_HANDLING_NEEDS_PROVISIONED,
    EVENT_RECORD_FORMATS,
    GLUE_REGISTRY_ARN,
    KAFKA_TOPIC_NAME,
    KAFKA_RECORD_AGE_SECONDS,
    KAFKA_RETRY_ATTEMPTS,
    KAFKA_IMPLICIT_RETRIES_WITH_DESTINATION,
    POLLER_GROUP,
    POLLER_GROUP_NAME,
    SCHEMA_REGISTRY_NEEDS_PROVISIONED,
    SCHEMA_VALIDATION_ATTRIBUTES,
    SECRETS_MANAGER_ARN,
    kindOfArn,
} from "../policies/lib/public";
import {
    creatableKindsAt,
    kindNames,
    kindOfDestinationArn,
    kindsAt,
    takesKey,
    type CreatableKind,
    type DestinationKind,
    type DestinationPlace,
    type DestinationSpec,
} from "./destinations";
import type { Authentication } from "./layout";
import { Issues, bool, int, list, oneOf, parseObject, str, type Field, type Spec } from "./schema";

const NS = "msk-lambda:consumers";

export type StartingPosition = "LATEST" | "TRIM_HORIZON" | "AT_TIMESTAMP";
/** Kinds from the destination catalogue (policies/lib/destinations.ts): where each is allowed is a catalogue fact. */
export type FailureDestinationType = DestinationKind;
export type AsyncDestinationType = DestinationKind;

/**
 * Either a destination the stack creates (`type`), an existing one (`arn`) that the role is only granted, or a Kafka
 * topic on the same cluster (`{ type: kafka, topic }`, the mapping's `kafka://<topic>` destination).
 */
export type FailureDestination = DestinationSpec;

export type AsyncDestination = Exclude<DestinationSpec, { kind: "kafka" }>;

export interface ConsumerConfig {
    name: string;
    topic: string;
    consumerGroupId: string;
    startingPosition: StartingPosition;
    startingPositionTimestamp?: string;
    batchSize: number;
    maximumBatchingWindowSeconds?: number;
    /** Filter patterns, each normalised to compact JSON text. */
    filters: string[];
    /** Provisioned mode; `undefined` is on-demand mode (config `provisionedPollers: false`). */
    provisionedPollers?: ProvisionedPollers;
    /** Error handling controls: set (to the defaults or the given values) in provisioned mode, absent on demand. */
    maximumRetryAttempts?: number;
    maximumRecordAgeSeconds?: number;
    bisectBatchOnFunctionError?: boolean;
    reportBatchItemFailures?: boolean;
    schemaRegistry?: SchemaRegistryConfig;
    idempotency: IdempotencyConfig;
    enabled: boolean;
    timeoutSeconds: number;
    memorySizeMb: number;
    reservedConcurrency?: number;
    onFailure: FailureDestination;
    asyncDestinations?: {
        onFailure?: AsyncDestination;
        onSuccess?: AsyncDestination;
        maximumRetryAttempts?: number;
        maximumEventAgeSeconds?: number;
    };
    offsetLagAlarm: AlarmConfig;
    errorsAlarm: AlarmConfig;
    throttlesAlarm: AlarmConfig;
    destinationDeliveryFailuresAlarm: AlarmConfig;
    failureRecordsAlarm: AlarmConfig;
    idempotencyThrottlesAlarm: AlarmConfig;
    /** KMS key for the mapping's filter criteria: an existing key's ARN, or "create" for a key of the consumer's own. */
    filterKmsKeyArn?: string;
}

export interface ProvisionedPollers {
    minimum?: number;
    maximum?: number;
    pollerGroupName?: string;
}

/** A Kafka schema registry: an AWS Glue registry (existing, or created by the stack) or a Confluent-compatible one. */
export type SchemaRegistryConfig = (
    | { kind: "glue"; glueRegistryArn: string }
    | { kind: "glue-create" }
    | {
          kind: "confluent";
          uri: string;
          authentication: "BASIC_AUTH" | "CLIENT_CERTIFICATE_TLS_AUTH";
          secretArn: string;
          secretKmsKeyArn?: string;
          rootCaSecretArn?: string;
      }
) & { eventRecordFormat: "JSON" | "SOURCE"; validate: ("KEY" | "VALUE")[] };

export interface IdempotencyConfig {
    enabled: boolean;
    /** How long a processed record's entry is kept (the table's TTL attribute). */
    expiresAfterSeconds: number;
}

/**
 * Defaults of the error handling controls in provisioned mode (see README, "Poison records"): a record the function
 * keeps failing on goes to the failure destination after 10 retries (what Lambda itself applies to infinite retries
 * with an on-failure destination) instead of blocking its partition; records are never dropped for their age (a
 * backlog after an outage is processed, not discarded); the batch is split on a function error, and the handler
 * reports only the records that failed.
 */
export const ERROR_HANDLING_DEFAULTS = {
    maximumRetryAttempts: KAFKA_IMPLICIT_RETRIES_WITH_DESTINATION,
    maximumRecordAgeSeconds: KAFKA_RECORD_AGE_SECONDS.infinite,
    bisectBatchOnFunctionError: true,
    reportBatchItemFailures: true,
} as const;
/**
 * Provisioned mode by default: one poller at least (billed, see README), six at most: the partitions of a topic the
 * stack creates with defaults (lib/topics.ts), since Lambda runs at most one poller per partition.
 */
export const PROVISIONED_POLLERS_DEFAULT: ProvisionedPollers = { minimum: 1, maximum: 6 };

export interface AlarmConfig {
    enabled: boolean;
    /** The alarm fires when the metric is above this value in every evaluated minute. */
    threshold: number;
    evaluationMinutes: number;
}

/**
 * Default alarm settings per metric (all in namespace AWS/Lambda, dimension FunctionName):
 * - OffsetLag (Maximum): records the consumer group is behind; 1000 for 5 minutes.
 * - Errors (Sum): failed invocations; each failed batch is retried, so 5 or more a minute for 5 minutes.
 * - Throttles (Sum): any throttled invocation, 3 minutes running (reserved concurrency too low).
 * - DestinationDeliveryFailures (Sum): "Capturing records of Lambda asynchronous invocations", Lambda could not deliver a record to a destination (FIFO target,
 *   permissions, size): any, at once, because the record is lost.
 * - OnFailureDestinationDeliveredEventCount (Sum, dimension EventSourceMappingUUID; the mapping's EventCount metrics,
 *   Lambda docs "Event source mapping metrics"): records sent to the failure destination, any: a poison record.
 * - ReadThrottleEvents + WriteThrottleEvents (Sum, AWS/DynamoDB, dimension TableName): the idempotency table
 *   throttled (each throttled call fails a record), any, 3 minutes running. Only with idempotency enabled.
 */
export const ALARM_DEFAULTS = {
    offsetLagAlarm: { metric: "OffsetLag", statistic: "Maximum", enabled: true, threshold: 1000, evaluationMinutes: 5, on: "function" },
    errorsAlarm: { metric: "Errors", statistic: "Sum", enabled: true, threshold: 4, evaluationMinutes: 5, on: "function" },
    throttlesAlarm: { metric: "Throttles", statistic: "Sum", enabled: true, threshold: 0, evaluationMinutes: 3, on: "function" },
    destinationDeliveryFailuresAlarm: {
        metric: "DestinationDeliveryFailures",
        statistic: "Sum",
        enabled: true,
        threshold: 0,
        evaluationMinutes: 1,
        on: "function",
    },
    failureRecordsAlarm: {
        metric: "OnFailureDestinationDeliveredEventCount",
        statistic: "Sum",
        enabled: true,
        threshold: 0,
        evaluationMinutes: 1,
        on: "mapping",
    },
    idempotencyThrottlesAlarm: {
        metric: "ReadThrottleEvents+WriteThrottleEvents",
        statistic: "Sum",
        enabled: true,
        threshold: 0,
        evaluationMinutes: 3,
        on: "table",
    },
} as const;
export type AlarmKey = keyof typeof ALARM_DEFAULTS;

// Lambda's limits and the AWS documentation's facts come from the policy pack (policies/lib/facts.ts), so the two always agree.
export { CONSUMER_GROUP_ID, MAX_MSK_FUNCTION_TIMEOUT_SECONDS };
/** Kafka topic names (policies/lib/facts.ts). */
export const TOPIC = KAFKA_TOPIC_NAME;

export const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key\/[0-9a-f-]{36}$/;

/** Destination type of an ARN (any place Lambda accepts it), or undefined when it names no catalogue kind. */
export function destinationTypeOfArn(arn: string): DestinationKind | undefined {
    return kindOfArn(arn);
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

export const CONSUMER_SPEC = {
    name: str({
        doc: "Consumer name, unique in the stack; names the function and its resources.",
        required: true,
        pattern: /^[a-z0-9-]{1,40}$/,
        allowed: "1-40 characters of a-z, 0-9 and -",
    }),
    topic: str({
        doc: "The Kafka topic (Lambda's MSK mapping takes exactly one). The stack creates it unless `msk-lambda:topics.<topic>.existing` (see the topic table); several consumers may read one topic.",
        required: true,
        pattern: TOPIC,
        allowed: "1-249 characters of a-z, A-Z, 0-9, '.', '_', '-', not '.' or '..'",
        createOnly: "replaces the mapping; the group has no offsets on the new topic and starts at `startingPosition`",
    }),
    consumerGroupId: str({
        doc:
            "Kafka consumer group id, unique among your Kafka event sources. Default `<project>-<stack>-<name>`: it depends on the project, stack and consumer names only " +
            "(not on the consumer's position in the list or its other settings), so renaming any of the three changes the group: set it explicitly to the current value before renaming.",
        pattern: CONSUMER_GROUP_ID,
        allowed: "1-200 characters of a-z, A-Z, 0-9 and -/*:_+=.@",
        createOnly:
            "replaces the mapping; a new group has no committed offsets and starts at `startingPosition`: with LATEST, records the old group had not read are skipped",
    }),
    startingPosition: oneOf(["LATEST", "TRIM_HORIZON", "AT_TIMESTAMP"] as const, {
        doc: "Where a new consumer group starts reading. A group that already has committed offsets resumes from them and ignores it (Using Lambda with Amazon MSK).",
        default: "LATEST",
        createOnly: "replaces the mapping; an existing group resumes from its committed offsets",
    }),
    startingPositionTimestamp: str({
        doc: "With `AT_TIMESTAMP` only: RFC 3339 time to start from.",
        pattern: RFC3339,
        allowed: "an RFC 3339 time such as 2026-01-01T00:00:00Z",
        createOnly: "replaces the mapping",
    }),
    batchSize: int({
        doc: 'Maximum records per batch (AWS Lambda docs, "Using Lambda with Amazon MSK": default 100, maximum 10,000).',
        ...BATCH_SIZE,
        default: 100,
    }),
    maximumBatchingWindowSeconds: int({ doc: "Seconds Lambda gathers records before invoking (Lambda API: 0-300).", ...BATCHING_WINDOW_SECONDS }),
    filters: list(
        {
            type: "object | JSON string",
            doc: "",
            allowed: `a JSON filter pattern of at most ${MAX_FILTER_PATTERN_CHARS} characters`,
            parse(v, key, issues) {
                let text: string;
                if (typeof v === "string") {
                    try {
                        text = JSON.stringify(JSON.parse(v));
                    } catch {
                        return issues.add(key, 'is not valid JSON: a filter pattern is a JSON object such as {"value":{"type":["order"]}}');
                    }
                } else if (v !== null && typeof v === "object" && !Array.isArray(v)) {
                    text = JSON.stringify(v);
                } else {
                    return issues.add(key, 'must be a JSON object (or its text) such as {"value":{"type":["order"]}}');
                }
                if (!text.startsWith("{")) {
                    // Stryker disable next-line StringLiteral: message wording decides no verdict
                    return issues.add(key, "must be a JSON object, not a scalar or list");
                }
                if (text.length > MAX_FILTER_PATTERN_CHARS)
                    return issues.add(key, `is ${text.length} characters long: a filter pattern may be at most ${MAX_FILTER_PATTERN_CHARS} characters`);
                return text;
            },
        } satisfies Field<string>,
        { doc: "Event filter patterns (Lambda: at most 5 per mapping, each at most 4096 characters).", maxItems: MAX_FILTERS, default: [] },
    ),
    provisionedPollers: {
        type: "object | false",
        doc: 'Provisioned mode (billed per event poller unit, see README "Poison records"): `{ minimum: 1-200, maximum: 1-2000, pollerGroupName? }`, minimum <= maximum. Lambda runs at most one poller per partition of the topic, so a `maximum` above the topic\'s partitions is never reached (a note, not an error). `pollerGroupName` shares event poller capacity with the other mappings of the group (Lambda: at most 100 mappings and 2000 maximum pollers in total per group). `false` (or `{ enabled: false }`) is on-demand mode, without error handling controls or schema registry.',
        default: PROVISIONED_POLLERS_DEFAULT,
        allowed: "an object, or false",
        parse(v, key, issues) {
            if (v === false || v === "false") return undefined;
            if (v === null || typeof v !== "object" || Array.isArray(v))
                // Stryker disable next-line StringLiteral: message wording decides no verdict
                return issues.add(key, `must be false (on-demand mode) or an object with keys minimum, maximum, pollerGroupName; got ${JSON.stringify(v)}`);
            // `{ enabled: false }` is `false`, for the component package (its args take no `object | false`).
            const { enabled, ...rest } = v as Record<string, unknown>;
            if (enabled === false || enabled === "false") {
                if (Object.keys(rest).length)
                    return issues.add(
                        `${key}.${Object.keys(rest)[0]}`,
                        // Stryker disable next-line StringLiteral: message wording decides no verdict
                        "is not allowed with enabled: false (on-demand mode)",
                    );
                return undefined;
            }
            if (enabled !== undefined && enabled !== true && enabled !== "true")
                return issues.add(
                    `${key}.enabled`,
                    // Stryker disable next-line StringLiteral: message wording decides no verdict
                    "must be true or false",
                );
            const p = parseObject(
                {
                    // Stryker disable next-line StringLiteral: documentation text decides no verdict
                    minimum: int({ doc: "", ...MIN_POLLERS }),
                    // Stryker disable next-line StringLiteral: documentation text decides no verdict
                    maximum: int({ doc: "", ...MAX_POLLERS }),
                    // Stryker disable next-line StringLiteral: documentation and message text decide no verdict
                    pollerGroupName: str({ doc: "", pattern: POLLER_GROUP_NAME, allowed: "1-128 characters of a-z, A-Z, 0-9, - and _" }),
                },
                rest,
                key,
                issues,
            );
            if (!p) return undefined;
            if (p.minimum === undefined && p.maximum === undefined && p.pollerGroupName === undefined)
                return issues.add(key, "needs minimum (1-200), maximum (1-2000), pollerGroupName, or false for on-demand mode");
            if (p.minimum !== undefined && p.maximum !== undefined && p.minimum > p.maximum) {
                return issues.add(key, `minimum ${p.minimum} is greater than maximum ${p.maximum}: minimum must be <= maximum`);
            }
            return Object.fromEntries(Object.entries(p).filter(([, x]) => x !== undefined)) as ProvisionedPollers;
        },
    } satisfies Field<ProvisionedPollers>,
    maximumRetryAttempts: int({
        doc: `Error handling control (provisioned mode only): retries after a function error before the records go to the failure destination; -1 is infinite (Lambda then applies ${KAFKA_IMPLICIT_RETRIES_WITH_DESTINATION} with a failure destination); otherwise ${KAFKA_RETRY_ATTEMPTS.min}-${KAFKA_RETRY_ATTEMPTS.max}. Default ${ERROR_HANDLING_DEFAULTS.maximumRetryAttempts} in provisioned mode.`,
        min: KAFKA_RETRY_ATTEMPTS.infinite,
        max: KAFKA_RETRY_ATTEMPTS.max,
    }),
    maximumRecordAgeSeconds: {
        type: "integer",
        doc: "Error handling control (provisioned mode only): records older than this go to the failure destination instead of the function; -1 is no limit. Default -1 in provisioned mode (a backlog is processed, not discarded).",
        allowed: `-1, or an integer from ${KAFKA_RECORD_AGE_SECONDS.min} to ${KAFKA_RECORD_AGE_SECONDS.max}`,
        parse(v, key, issues) {
            // Stryker disable next-line StringLiteral: documentation text decides no verdict
            const n = int({ doc: "", min: KAFKA_RECORD_AGE_SECONDS.infinite, max: KAFKA_RECORD_AGE_SECONDS.max }).parse(v, key, issues);
            if (n === undefined) return undefined;
            if (n !== KAFKA_RECORD_AGE_SECONDS.infinite && n < KAFKA_RECORD_AGE_SECONDS.min)
                return issues.add(
                    key,
                    `${n} is out of range: must be -1 (no limit) or an integer from ${KAFKA_RECORD_AGE_SECONDS.min} to ${KAFKA_RECORD_AGE_SECONDS.max}`,
                );
            return n;
        },
    } satisfies Field<number>,
    bisectBatchOnFunctionError: bool({
        doc: "Error handling control (provisioned mode only): split a failed batch in two and retry each half, isolating a poison record. Default true in provisioned mode.",
    }),
    reportBatchItemFailures: bool({
        doc: "Error handling control (provisioned mode only): the mapping's `functionResponseTypes: [ReportBatchItemFailures]`; the handler returns only the failed records, so Lambda retries just those. Default true in provisioned mode.",
    }),
    schemaRegistry: {
        type: "object",
        doc: "Kafka schema registry (provisioned mode only): `{ glueRegistryArn: <ARN> | create }` (AWS Glue; the role gets glue:GetRegistry and glue:GetSchemaVersion on exactly that registry) or `{ uri: https://..., authentication: BASIC_AUTH | CLIENT_CERTIFICATE_TLS_AUTH, secretArn, secretKmsKeyArn?, rootCaSecretArn? }` (Confluent-compatible; the role may read exactly those secrets), plus `eventRecordFormat` (JSON | SOURCE, default JSON) and `validate` (KEY and/or VALUE, default [VALUE]).",
        parse: (v, key, issues) => parseSchemaRegistry(v, key, issues),
    } satisfies Field<SchemaRegistryConfig>,
    idempotency: {
        type: "object",
        doc: "Durable idempotency: `{ enabled (default true), expiresAfterSeconds (60-604800, default 86400) }`. Enabled, the stack creates a DynamoDB table (on demand, customer-managed key, TTL; point-in-time recovery, protect and retain in prod) keyed on topic/partition/offset, and the role may only get, put, update and delete its items. Disable it to bring your own store.",
        default: { enabled: true, expiresAfterSeconds: 86_400 },
        parse(v, key, issues) {
            return parseObject(
                {
                    enabled: bool({ doc: "", default: true }),
                    expiresAfterSeconds: int({ doc: "", min: 60, max: 604_800, default: 86_400 }),
                },
                v,
                key,
                issues,
            ) as IdempotencyConfig | undefined;
        },
    } satisfies Field<IdempotencyConfig>,
    enabled: bool({ doc: "Whether the mapping polls (create it disabled to test first).", default: true }),
    timeoutSeconds: int({
        doc: 'Function timeout (AWS Lambda docs, "Using Lambda with Amazon MSK": Lambda can run the function for at most 14 minutes).',
        min: 1,
        max: MAX_MSK_FUNCTION_TIMEOUT_SECONDS,
        default: 60,
    }),
    memorySizeMb: int({ doc: "Function memory in MB (Lambda: 128-10240).", min: 128, max: 10240, default: 256 }),
    reservedConcurrency: int({ doc: "Reserved concurrency (0 is refused: it throttles every batch until records expire).", min: 1, max: 1000 }),
    onFailure: {
        type: "object",
        doc: `Failure destination for discarded batches: \`{ type: ${creatableKindsAt("kafkaOnFailure").join(" | ")} }\` (created, KMS-encrypted), \`{ arn, kmsKeyArn? }\` (existing, ${kindNames(kindsAt("kafkaOnFailure"))}; only permissions are granted), or \`{ type: kafka, topic }\` (a topic on the same cluster, provisioned mode only; the role may write to exactly that topic). FIFO queues and topics are refused.`,
        default: { kind: "create", type: "sqs" },
        parse: (v, key, issues) =>
            v !== null && typeof v === "object" && (v as { type?: unknown }).type === "kafka"
                ? parseKafkaDestination(v, key, issues)
                : (parseDestination(v, key, issues, "kafkaOnFailure", ["kafka"]) as FailureDestination | undefined),
    } satisfies Field<FailureDestination>,
    asyncDestinations: {
        type: "object",
        doc: `The function's async-invocation destinations: \`{ onFailure?, onSuccess?, maximumRetryAttempts? (0-2), maximumEventAgeSeconds? (60-21600) }\`, each destination \`{ type }\` (created: ${creatableKindsAt("asyncOnFailure").join(" | ")} on failure, ${creatableKindsAt("asyncOnSuccess").join(" | ")} on success) or \`{ arn, kmsKeyArn? }\` (existing: ${kindNames(kindsAt("asyncOnFailure"))} on failure; ${kindNames(kindsAt("asyncOnSuccess"))} on success).`,
        parse(v, key, issues) {
            const p = parseObject(
                {
                    onFailure: {
                        // Stryker disable next-line StringLiteral: documentation text decides no verdict
                        type: "object",
                        // Stryker disable next-line StringLiteral: documentation text decides no verdict
                        doc: "",
                        parse: (d, kk, ii) => parseDestination(d, kk, ii, "asyncOnFailure"),
                    },
                    onSuccess: {
                        // Stryker disable next-line StringLiteral: documentation text decides no verdict
                        type: "object",
                        // Stryker disable next-line StringLiteral: documentation text decides no verdict
                        doc: "",
                        parse: (d, kk, ii) => parseDestination(d, kk, ii, "asyncOnSuccess"),
                    },
                    // Stryker disable next-line StringLiteral: documentation text decides no verdict
                    maximumRetryAttempts: int({ doc: "", min: 0, max: 2 }),
                    // Stryker disable next-line StringLiteral: documentation text decides no verdict
                    maximumEventAgeSeconds: int({ doc: "", min: 60, max: 21600 }),
                },
                v,
                key,
                issues,
            );
            if (!p) return undefined;
            if (!p.onFailure && !p.onSuccess) return issues.add(key, "needs onFailure, onSuccess or both");
            return p as ConsumerConfig["asyncDestinations"];
        },
    } satisfies Field<ConsumerConfig["asyncDestinations"]>,
    offsetLagAlarm: alarmField("offsetLagAlarm", "records behind"),
    errorsAlarm: alarmField("errorsAlarm", "failed invocations a minute"),
    throttlesAlarm: alarmField("throttlesAlarm", "throttled invocations a minute"),
    destinationDeliveryFailuresAlarm: alarmField("destinationDeliveryFailuresAlarm", "records not delivered to a destination a minute"),
    failureRecordsAlarm: alarmField("failureRecordsAlarm", "records sent to the failure destination a minute"),
    idempotencyThrottlesAlarm: alarmField("idempotencyThrottlesAlarm", "throttled idempotency-table requests a minute"),
    filterKmsKeyArn: str({
        doc: "Encrypts the mapping's filter criteria: an existing KMS key's ARN (its policy must let Lambda decrypt), or `create` for a key of the consumer's own. Only with `filters`.",
        pattern: /^(create|arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key\/[0-9a-f-]{36})$/,
        allowed: 'a KMS key ARN, or "create"',
    }),
} satisfies Spec;

function alarmField(key: AlarmKey, unit: string): Field<AlarmConfig> {
    const d = ALARM_DEFAULTS[key];
    return {
        type: "object",
        doc: `Alarm on the ${d.on === "function" ? "function's" : d.on === "mapping" ? "mapping's" : "idempotency table's"} ${d.metric} metric (${d.statistic}), notifying the stack's alarm topic: \`{ enabled (default true), threshold (${unit}, default ${d.threshold}), evaluationMinutes (1-60, default ${d.evaluationMinutes}) }\`.`,
        default: { enabled: d.enabled, threshold: d.threshold, evaluationMinutes: d.evaluationMinutes },
        parse(v, k, issues) {
            const p = parseObject(
                {
                    // Stryker disable next-line StringLiteral: documentation text decides no verdict
                    enabled: bool({ doc: "", default: d.enabled }),
                    threshold: int({
                        // Stryker disable next-line StringLiteral: documentation text decides no verdict
                        doc: "",
                        min: key === "offsetLagAlarm" ? 1 : 0,
                        max: 1_000_000_000,
                        default: d.threshold,
                    }),
                    // Stryker disable next-line StringLiteral: documentation text decides no verdict
                    evaluationMinutes: int({ doc: "", min: 1, max: 60, default: d.evaluationMinutes }),
                },
                v,
                k,
                issues,
            );
            return p as AlarmConfig | undefined;
        },
    };
}

/**
 * A destination at a place: `{ type }` (created) or `{ arn, kmsKeyArn? }` (existing), kinds from the catalogue.
 * `also`: further types the field takes, parsed elsewhere (a Kafka topic), named in messages.
 */
function parseDestination(
    v: unknown,
    key: string,
    issues: Issues,
    place: DestinationPlace,
    also: readonly string[] = [],
): FailureDestination | AsyncDestination | undefined {
    const types = kindsAt(place);
    const creatable = creatableKindsAt(place);
    if (v === null || typeof v !== "object" || Array.isArray(v)) {
        // Stryker disable next-line StringLiteral, ArrayDeclaration: message wording decides no verdict
        return issues.add(key, `must be { type: ${[...creatable, ...also].join(" | ")} } or { arn, kmsKeyArn? }`);
    }
    const o = v as Record<string, unknown>;
    if (o.arn !== undefined && o.type !== undefined) {
        // `type` creates a destination and `arn` names an existing one: together one of them would be ignored.
        return issues.add(
            key,
            `has both type and arn: give { type: ${creatable.join(" | ")} } for a destination the stack creates, or { arn, kmsKeyArn? } for an existing one`,
        );
    }
    if (o.arn !== undefined) {
        const p = parseObject(
            {
                // Stryker disable next-line StringLiteral: documentation and message text decide no verdict
                arn: str({ doc: "", allowed: `an ${types.join(", ")} ARN` }),
                // Stryker disable next-line StringLiteral: documentation and message text decide no verdict
                kmsKeyArn: str({ doc: "", pattern: KMS_KEY_ARN, allowed: "a KMS key ARN such as arn:aws:kms:us-east-1:111122223333:key/<uuid>" }),
            },
            v,
            key,
            issues,
        );
        if (!p) return undefined;
        const judged = kindOfDestinationArn(p.arn!, place);
        if ("problem" in judged) return issues.add(`${key}.arn`, judged.problem);
        if (p.kmsKeyArn && !takesKey(judged.kind)) {
            return issues.add(
                `${key}.kmsKeyArn`,
                // Stryker disable next-line StringLiteral, MethodExpression, ArrayDeclaration: message wording decides no verdict
                `is only for ${kindNames(types.filter(takesKey))} destinations (${kindNames([judged.kind])} takes no key grant)`,
            );
        }
        return { kind: "existing", type: judged.kind, arn: p.arn!, kmsKeyArn: p.kmsKeyArn };
    }
    // Stryker disable next-line StringLiteral: documentation text decides no verdict
    const p = parseObject({ type: oneOf([...types, ...also], { doc: "", required: true }) }, v, key, issues);
    if (!p) return undefined;
    if (!creatable.includes(p.type as DestinationKind))
        return issues.add(
            `${key}.type`,
            // Stryker disable next-line ArrayDeclaration: message wording decides no verdict
            `${JSON.stringify(p.type)} needs an existing ${lastWord(kindNames([p.type!]))}: give { arn: <${lastWord(kindNames([p.type!]))} ARN> }`,
        );
    return { kind: "create", type: p.type as CreatableKind };
}

const lastWord = (s: string): string => s.slice(s.lastIndexOf(" ") + 1);

/** Lambda docs, "Using a Kafka topic as an on-failure destination": `{ type: kafka, topic }`. */
function parseKafkaDestination(v: unknown, key: string, issues: Issues): FailureDestination | undefined {
    const p = parseObject(
        {
            type: oneOf(["kafka"] as const, {
                // Stryker disable next-line StringLiteral: documentation text decides no verdict
                doc: "",
                required: true,
            }),
            // Stryker disable next-line StringLiteral: documentation and message text decide no verdict
            topic: str({ doc: "", required: true, pattern: TOPIC, allowed: "1-249 characters of a-z, A-Z, 0-9, '.', '_', '-', not '.' or '..'" }),
        },
        v,
        key,
        issues,
    );
    return p ? { kind: "kafka", type: "kafka", topic: p.topic! } : undefined;
}

/** The keys of `schemaRegistry` (Lambda, KafkaSchemaRegistryConfig and KafkaSchemaRegistryAccessConfig). */
function schemaRegistryFields() {
    return {
        glueRegistryArn: str({
            // Stryker disable next-line StringLiteral: documentation text decides no verdict
            doc: "",
            pattern: new RegExp(`^create$|${GLUE_REGISTRY_ARN.source}`),
            // Stryker disable next-line StringLiteral: message wording decides no verdict
            allowed: 'an AWS Glue registry ARN, or "create"',
        }),
        uri: str({
            // Stryker disable next-line StringLiteral: documentation text decides no verdict
            doc: "",
            // The host (a name, or an IPv6 literal in brackets) holds no ':'; a port is a TCP port, 0 to 65535.
            pattern:
                /^https:\/\/(\[[0-9A-Fa-f:.]+\]|[^\s/?#:[\]]+)(:0*(6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[0-9]{1,4}))?(\/[^\s]*)?$/,
            allowed:
                "an https:// URL of a Confluent-compatible schema registry (host, optional port up to 65535, path; no user information: credentials go in secretArn)",
        }),
        authentication: oneOf(["BASIC_AUTH", "CLIENT_CERTIFICATE_TLS_AUTH"] as const, {
            // Stryker disable next-line StringLiteral: documentation text decides no verdict
            doc: "",
        }),
        // Stryker disable next-line StringLiteral: documentation and message text decide no verdict
        secretArn: str({ doc: "", pattern: SECRETS_MANAGER_ARN, allowed: "a Secrets Manager secret ARN" }),
        // Stryker disable next-line StringLiteral: documentation and message text decide no verdict
        secretKmsKeyArn: str({ doc: "", pattern: KMS_KEY_ARN, allowed: "a KMS key ARN" }),
        // Stryker disable next-line StringLiteral: documentation and message text decide no verdict
        rootCaSecretArn: str({ doc: "", pattern: SECRETS_MANAGER_ARN, allowed: "a Secrets Manager secret ARN" }),
        eventRecordFormat: oneOf(EVENT_RECORD_FORMATS, {
            // Stryker disable next-line StringLiteral: documentation text decides no verdict
            doc: "",
            default: "JSON",
        }),
        validate: list(
            // Stryker disable next-line StringLiteral: documentation text decides no verdict
            oneOf(SCHEMA_VALIDATION_ATTRIBUTES, { doc: "" }),
            {
                // Stryker disable next-line StringLiteral: documentation text decides no verdict
                doc: "",
                minItems: 1,
                maxItems: 2,
                unique: true,
                default: ["VALUE"],
            },
        ),
    };
}

function parseSchemaRegistry(v: unknown, key: string, issues: Issues): SchemaRegistryConfig | undefined {
    const p = parseObject(schemaRegistryFields(), v, key, issues);
    if (!p) return undefined;
    const common = { eventRecordFormat: p.eventRecordFormat as "JSON" | "SOURCE", validate: p.validate as ("KEY" | "VALUE")[] };
    const confluentKeys = (["uri", "authentication", "secretArn", "secretKmsKeyArn", "rootCaSecretArn"] as const).filter((k) => p[k] !== undefined);
    if (p.glueRegistryArn !== undefined) {
        // KafkaSchemaRegistryAccessConfig: "If you're working with an AWS Glue schema registry, don't provide
        // authentication details in this object."
        if (confluentKeys.length)
            return issues.add(
                `${key}.${confluentKeys[0]}`,
                "is for a Confluent registry: an AWS Glue registry takes no authentication details (Lambda uses the execution role), so give glueRegistryArn alone",
            );
        return p.glueRegistryArn === "create" ? { kind: "glue-create", ...common } : { kind: "glue", glueRegistryArn: p.glueRegistryArn, ...common };
    }
    return confluentRegistry(p, key, issues, common);
}

/** A Confluent-compatible registry's settings, once no Glue registry is given. */
function confluentRegistry(
    p: Parsed,
    key: string,
    issues: Issues,
    common: { eventRecordFormat: "JSON" | "SOURCE"; validate: ("KEY" | "VALUE")[] },
): SchemaRegistryConfig | undefined {
    if (p.uri === undefined) return issues.add(key, "needs glueRegistryArn (an AWS Glue registry ARN, or create) or uri (a Confluent-compatible registry)");
    // KafkaSchemaRegistryAccessConfig: for a Confluent registry, "choose the authentication method in the Type field,
    // and provide the AWS Secrets Manager secret ARN in the URI field".
    if (p.authentication === undefined) return issues.add(`${key}.authentication`, "is required with uri: BASIC_AUTH or CLIENT_CERTIFICATE_TLS_AUTH");
    if (p.secretArn === undefined)
        return issues.add(`${key}.secretArn`, `is required with authentication ${p.authentication}: the Secrets Manager secret Lambda authenticates with`);
    if (p.rootCaSecretArn !== undefined && p.rootCaSecretArn === p.secretArn)
        return issues.add(
            `${key}.rootCaSecretArn`,
            // Stryker disable next-line StringLiteral: message wording decides no verdict
            "names the same secret as secretArn: the server root CA certificate is a secret of its own",
        );
    return {
        kind: "confluent",
        uri: p.uri,
        authentication: p.authentication,
        secretArn: p.secretArn,
        secretKmsKeyArn: p.secretKmsKeyArn,
        rootCaSecretArn: p.rootCaSecretArn,
        ...common,
    };
}

type Parsed = Record<string, any>;
type ConsumersCtx = {
    project: string;
    stack: string;
    /** `<project>-<stack>`, for a component that knows only that: the default group id is `<baseName>-<name>`. */
    baseName?: string;
    environment: string;
    authentication: Authentication;
    issues: Issues;
    notes?: Issues;
};

/** `startingPositionTimestamp` goes with AT_TIMESTAMP only; `filterKmsKeyArn` with filters. Returns whether any failed. */
function checkPositionAndFilters(p: Parsed, key: string, issues: Issues): boolean {
    let bad = false;
    const startingPositionTimestamp = p.startingPositionTimestamp;
    if (p.startingPosition === "AT_TIMESTAMP" && !startingPositionTimestamp) {
        issues.add(`${key}.startingPositionTimestamp`, "is required with startingPosition AT_TIMESTAMP (an RFC 3339 time)");
        bad = true;
    }
    if (p.startingPosition !== "AT_TIMESTAMP" && startingPositionTimestamp) {
        issues.add(`${key}.startingPositionTimestamp`, `is only allowed with startingPosition AT_TIMESTAMP, got ${p.startingPosition}`);
        bad = true;
    }
    if (p.filterKmsKeyArn && !(p.filters ?? []).length) {
        issues.add(`${key}.filterKmsKeyArn`, "encrypts filter criteria, but this consumer has no filters: remove it or add filters");
        bad = true;
    }
    return bad;
}

/**
 * Using a Kafka topic as an on-failure destination: "Provisioned mode required" and "Recursion prevention – Lambda
 * prevents infinite loops by blocking configurations where the source and destination topics are the same".
 */
function checkKafkaDestination(p: Parsed, key: string, provisioned: boolean, issues: Issues): boolean {
    const onFailure = p.onFailure as FailureDestination;
    if (onFailure.kind !== "kafka") return false;
    let bad = false;
    if (!provisioned) {
        issues.add(
            `${key}.onFailure`,
            `is a Kafka topic, and this consumer is in on-demand mode: "A Kafka on-failure destination is only available for event source mappings with provisioned mode enabled"`,
        );
        bad = true;
    }
    if (onFailure.topic === p.topic) {
        issues.add(
            `${key}.onFailure.topic`,
            `"${onFailure.topic}" is the topic this consumer reads: Lambda refuses a destination topic that is a source topic (it would loop)`,
        );
        bad = true;
    }
    return bad;
}

/** Configuring error handling controls for Kafka event sources: the controls (and a schema registry) need provisioned mode. */
function checkProvisionedOnly(p: Parsed, key: string, issues: Issues): boolean {
    let bad = false;
    const set = (["maximumRetryAttempts", "maximumRecordAgeSeconds", "bisectBatchOnFunctionError", "reportBatchItemFailures"] as const).filter(
        (k) => p[k] !== undefined && p[k] !== false && p[k] !== -1,
    );
    if (set.length) {
        issues.add(
            `${key}.${set[0]}`,
            `is an error handling control, and this consumer is in on-demand mode (provisionedPollers: false): ${ERROR_HANDLING_NEEDS_PROVISIONED}`,
        );
        bad = true;
    }
    if (p.schemaRegistry) {
        issues.add(
            `${key}.schemaRegistry`,
            `needs provisioned mode, and this consumer is in on-demand mode (provisionedPollers: false): ${SCHEMA_REGISTRY_NEEDS_PROVISIONED}`,
        );
        bad = true;
    }
    return bad;
}

/** The error handling controls: their defaults in provisioned mode, none in on-demand mode. */
function errorHandlingOf(p: Parsed, provisioned: boolean) {
    return provisioned
        ? {
              maximumRetryAttempts: p.maximumRetryAttempts ?? ERROR_HANDLING_DEFAULTS.maximumRetryAttempts,
              maximumRecordAgeSeconds: p.maximumRecordAgeSeconds ?? ERROR_HANDLING_DEFAULTS.maximumRecordAgeSeconds,
              bisectBatchOnFunctionError: p.bisectBatchOnFunctionError ?? ERROR_HANDLING_DEFAULTS.bisectBatchOnFunctionError,
              reportBatchItemFailures: p.reportBatchItemFailures ?? ERROR_HANDLING_DEFAULTS.reportBatchItemFailures,
          }
        : { maximumRetryAttempts: undefined, maximumRecordAgeSeconds: undefined, bisectBatchOnFunctionError: undefined, reportBatchItemFailures: undefined };
}

/** One consumer: every problem of the item is recorded (none hides another); the item is returned only when it has none. */
function parseConsumer(item: unknown, key: string, ctx: ConsumersCtx): ConsumerConfig | undefined {
    const { issues } = ctx;
    const p = parseObject(CONSUMER_SPEC, item, key, issues) as Parsed | undefined;
    if (!p) return undefined;
    if (ctx.notes) noteIgnoredSettings(item as Record<string, unknown>, key, ctx.notes);
    const provisioned = p.provisionedPollers !== undefined;
    let bad = checkPositionAndFilters(p, key, issues);
    bad = checkKafkaDestination(p, key, provisioned, issues) || bad;
    if (!provisioned) bad = checkProvisionedOnly(p, key, issues) || bad;
    const consumerGroupId = p.consumerGroupId ?? `${ctx.baseName ?? `${ctx.project}-${ctx.stack}`}-${p.name}`;
    if (!CONSUMER_GROUP_ID.test(consumerGroupId)) {
        issues.add(
            `${key}.consumerGroupId`,
            // Stryker disable next-line StringLiteral: message wording decides no verdict
            `the default "${consumerGroupId}" is not a valid group id; set consumerGroupId explicitly`,
        );
        bad = true;
    }
    if (bad) return undefined;
    return { ...(p as unknown as ConsumerConfig), ...errorHandlingOf(p, provisioned), consumerGroupId, filters: p.filters ?? [] };
}

/**
 * One consumer's settings as the `Consumer` component takes them (a Python, Go, C# or YAML program sends the same
 * keys as a `msk-lambda:consumers` item): every problem at once, as a `ConfigError` naming `<key>.<field>`, before
 * the component registers anything. Checks across consumers (unique names, poller groups) belong to the stack.
 */
export function parseConsumerSettings(
    item: unknown,
    key: string,
    ctx: { baseName: string; environment: string; authentication: Authentication },
): ConsumerConfig {
    const issues = new Issues();
    const c = parseConsumer(item, key, { ...ctx, project: "", stack: "", issues });
    issues.throwIfAny();
    return c!;
}

/** Parses and cross-checks the consumer list; records issues and returns undefined when any item is bad. */
export function parseConsumers(value: unknown, ctx: ConsumersCtx): ConsumerConfig[] | undefined {
    const { issues } = ctx;
    if (!Array.isArray(value)) {
        // Stryker disable next-line StringLiteral, ConditionalExpression, EqualityOperator: message wording decides no verdict
        return issues.add(NS, `must be a list of consumers, got ${value === null ? "null" : typeof value}`);
    }
    const before = issues.list.length;
    const out: ConsumerConfig[] = [];
    /** Original index of each parsed consumer, for messages. */
    const at: number[] = [];
    value.forEach((item, i) => {
        const c = parseConsumer(item, `${NS}[${i}]`, ctx);
        if (!c) return;
        out.push(c);
        at.push(i);
    });
    // Names and group ids are unique (checked among the items that parsed, so every problem is reported at once):
    // names derive resource names; "Using Lambda with Amazon MSK": "The consumer group ID that you specify must be unique among all your Kafka
    // event sources."
    for (const field of ["name", "consumerGroupId"] as const) {
        const seen = new Map<string, number>();
        out.forEach((c, j) => {
            const prev = seen.get(c[field]);
            if (prev !== undefined)
                issues.add(`${NS}[${at[j]}].${field}`, `"${c[field]}" is already used by ${NS}[${prev}]: each consumer needs a unique ${field}`);
            else seen.set(c[field], at[j]);
        });
    }
    checkPollerGroups(out, at, issues);
    return issues.list.length > before ? undefined : out;
}

/**
 * Settings of a feature turned off (`idempotency`, an alarm: `{ enabled: false, ... }`) are accepted and have no
 * effect: each gets a note, so a user who meant to tune the feature learns that it is off.
 */
function noteIgnoredSettings(item: Record<string, unknown>, key: string, notes: Issues): void {
    for (const [field, value] of Object.entries(item)) {
        if (value === null || typeof value !== "object" || Array.isArray(value)) continue;
        const o = value as Record<string, unknown>;
        if (o.enabled !== false && o.enabled !== "false") continue;
        for (const setting of Object.keys(o).filter((s) => s !== "enabled"))
            notes.add(
                `${key}.${field}.${setting}`,
                // Stryker disable next-line StringLiteral: message wording decides no verdict
                `is ignored: ${field} is disabled (enabled: false), so this setting has no effect`,
            );
    }
}

/**
 * ProvisionedPollerConfig.PollerGroupName: "You can group up to 100 ESMs per poller group and aggregate maximum pollers
 * across all ESMs in a group cannot exceed 2000" (a mapping without a maximum counts with Lambda's default, 200).
 * Checked among this stack's consumers; mappings of other stacks in the same group are not visible here.
 */
function checkPollerGroups(consumers: ConsumerConfig[], at: number[], issues: Issues): void {
    const groups = new Map<string, { count: number; pollers: number; last: number }>();
    consumers.forEach((c, j) => {
        const name = c.provisionedPollers?.pollerGroupName;
        if (!name) return;
        const g = groups.get(name) ?? { count: 0, pollers: 0, last: j };
        g.count++;
        g.pollers += c.provisionedPollers?.maximum ?? POLLER_GROUP.defaultMaximumPollers;
        g.last = j;
        groups.set(name, g);
    });
    for (const [name, g] of groups) {
        const where = `${NS}[${at[g.last]}].provisionedPollers.pollerGroupName`;
        if (g.count > POLLER_GROUP.maxMappings)
            issues.add(where, `poller group "${name}" has ${g.count} consumers: Lambda allows at most ${POLLER_GROUP.maxMappings} mappings per poller group`);
        if (g.pollers > POLLER_GROUP.maxAggregatePollers)
            issues.add(
                where,
                `poller group "${name}" adds up to ${g.pollers} maximum pollers (a consumer without provisionedPollers.maximum counts ${POLLER_GROUP.defaultMaximumPollers}): Lambda allows at most ${POLLER_GROUP.maxAggregatePollers} per group`,
            );
    }
}
