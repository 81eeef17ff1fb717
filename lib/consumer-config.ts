/**
 * `msk-lambda:consumers`: one Lambda function and one MSK event source mapping per item. Each field's range comes from
 * AWS's Lambda API limits or the seed documentation named next to it.
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
} from "../policies/lib/facts";
import type { Authentication } from "./layout";
import { Issues, bool, int, list, oneOf, parseObject, str, type Field, type Spec } from "./schema";

const NS = "msk-lambda:consumers";

export type StartingPosition = "LATEST" | "TRIM_HORIZON" | "AT_TIMESTAMP";
export type FailureDestinationType = "sqs" | "sns" | "s3";
export type AsyncDestinationType = "sqs" | "sns" | "eventbridge" | "lambda";

/** Either a destination the stack creates (`type`) or an existing one (`arn`) that the role is only granted. */
export type FailureDestination =
    { kind: "create"; type: FailureDestinationType } | { kind: "existing"; type: FailureDestinationType; arn: string; kmsKeyArn?: string };

export type AsyncDestination =
    { kind: "create"; type: Exclude<AsyncDestinationType, "lambda"> } | { kind: "existing"; type: AsyncDestinationType; arn: string; kmsKeyArn?: string };

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
    provisionedPollers?: { minimum?: number; maximum?: number };
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
    /** KMS key for the mapping's filter criteria: an existing key's ARN, or "create" for a key of the consumer's own. */
    filterKmsKeyArn?: string;
}

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
 * - DestinationDeliveryFailures (Sum): seed 004, Lambda could not deliver a record to a destination (FIFO target,
 *   permissions, size): any, at once, because the record is lost.
 */
export const ALARM_DEFAULTS = {
    offsetLagAlarm: { metric: "OffsetLag", statistic: "Maximum", enabled: true, threshold: 1000, evaluationMinutes: 5 },
    errorsAlarm: { metric: "Errors", statistic: "Sum", enabled: true, threshold: 4, evaluationMinutes: 5 },
    throttlesAlarm: { metric: "Throttles", statistic: "Sum", enabled: true, threshold: 0, evaluationMinutes: 3 },
    destinationDeliveryFailuresAlarm: { metric: "DestinationDeliveryFailures", statistic: "Sum", enabled: true, threshold: 0, evaluationMinutes: 1 },
} as const;
export type AlarmKey = keyof typeof ALARM_DEFAULTS;

// Lambda's limits and the seed's facts come from the policy pack (policies/lib/facts.ts), so the two always agree.
export { CONSUMER_GROUP_ID, MAX_MSK_FUNCTION_TIMEOUT_SECONDS };
/** Kafka topic names: 1-249 characters of `[a-zA-Z0-9._-]`, not "." or "..". */
export const TOPIC = /^(?!\.{1,2}$)[a-zA-Z0-9._-]{1,249}$/;

const SQS_ARN = /^arn:aws[a-z-]*:sqs:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,80}(\.fifo)?$/;
const SNS_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/;
const S3_ARN = /^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const LAMBDA_ARN = /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:[0-9]{12}:function:[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9$_-]+)?$/;
const EVENT_BUS_ARN = /^arn:aws[a-z-]*:events:[a-z0-9-]+:[0-9]{12}:event-bus\/[A-Za-z0-9._\-/]{1,256}$/;
export const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key\/[0-9a-f-]{36}$/;

/** Destination type of an ARN, or undefined when it is none of the supported services. */
export function destinationTypeOfArn(arn: string): AsyncDestinationType | "s3" | undefined {
    if (SQS_ARN.test(arn)) return "sqs";
    if (SNS_ARN.test(arn)) return "sns";
    if (S3_ARN.test(arn)) return "s3";
    if (LAMBDA_ARN.test(arn)) return "lambda";
    if (EVENT_BUS_ARN.test(arn)) return "eventbridge";
    return undefined;
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
                if (!text.startsWith("{")) return issues.add(key, "must be a JSON object, not a scalar or list");
                if (text.length > MAX_FILTER_PATTERN_CHARS)
                    return issues.add(key, `is ${text.length} characters long: a filter pattern may be at most ${MAX_FILTER_PATTERN_CHARS} characters`);
                return text;
            },
        } satisfies Field<string>,
        { doc: "Event filter patterns (Lambda: at most 5 per mapping, each at most 4096 characters).", maxItems: MAX_FILTERS, default: [] },
    ),
    provisionedPollers: {
        type: "object",
        doc: "Provisioned mode: `{ minimum: 1-200, maximum: 1-2000 }`, minimum <= maximum. Lambda runs at most one poller per partition of the topic, so a `maximum` above the topic's partitions is never reached (a note, not an error).",
        parse(v, key, issues) {
            const p = parseObject(
                {
                    minimum: int({ doc: "", ...MIN_POLLERS }),
                    maximum: int({ doc: "", ...MAX_POLLERS }),
                },
                v,
                key,
                issues,
            );
            if (!p) return undefined;
            if (p.minimum === undefined && p.maximum === undefined) return issues.add(key, "needs minimum (1-200), maximum (1-2000) or both");
            if (p.minimum !== undefined && p.maximum !== undefined && p.minimum > p.maximum) {
                return issues.add(key, `minimum ${p.minimum} is greater than maximum ${p.maximum}: minimum must be <= maximum`);
            }
            return p as { minimum?: number; maximum?: number };
        },
    } satisfies Field<{ minimum?: number; maximum?: number }>,
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
        doc: "Failure destination for discarded batches: `{ type: sqs | sns | s3 }` (created, KMS-encrypted) or `{ arn, kmsKeyArn? }` (existing; only permissions are granted). FIFO queues and topics are refused.",
        default: { kind: "create", type: "sqs" },
        parse: (v, key, issues) => parseDestination(v, key, issues, ["sqs", "sns", "s3"]) as FailureDestination | undefined,
    } satisfies Field<FailureDestination>,
    asyncDestinations: {
        type: "object",
        doc: "The function's async-invocation destinations: `{ onFailure?, onSuccess?, maximumRetryAttempts? (0-2), maximumEventAgeSeconds? (60-21600) }`, each destination `{ type: sqs | sns | eventbridge }` or `{ arn }` (sqs, sns, lambda or event bus).",
        parse(v, key, issues) {
            const p = parseObject(
                {
                    onFailure: { type: "object", doc: "", parse: (d, kk, ii) => parseDestination(d, kk, ii, ["sqs", "sns", "eventbridge", "lambda"]) },
                    onSuccess: { type: "object", doc: "", parse: (d, kk, ii) => parseDestination(d, kk, ii, ["sqs", "sns", "eventbridge", "lambda"]) },
                    maximumRetryAttempts: int({ doc: "", min: 0, max: 2 }),
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
        doc: `Alarm on the function's ${d.metric} metric (${d.statistic}), notifying the stack's alarm topic: \`{ enabled (default true), threshold (${unit}, default ${d.threshold}), evaluationMinutes (1-60, default ${d.evaluationMinutes}) }\`.`,
        default: { enabled: d.enabled, threshold: d.threshold, evaluationMinutes: d.evaluationMinutes },
        parse(v, k, issues) {
            const p = parseObject(
                {
                    enabled: bool({ doc: "", default: d.enabled }),
                    threshold: int({ doc: "", min: key === "offsetLagAlarm" ? 1 : 0, max: 1_000_000_000, default: d.threshold }),
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

function parseDestination(v: unknown, key: string, issues: Issues, types: readonly string[]): FailureDestination | AsyncDestination | undefined {
    if (v === null || typeof v !== "object" || Array.isArray(v)) {
        return issues.add(key, `must be { type: ${types.join(" | ")} } or { arn, kmsKeyArn? }`);
    }
    const o = v as Record<string, unknown>;
    if (o.arn !== undefined && o.type !== undefined) {
        // `type` creates a destination and `arn` names an existing one: together one of them would be ignored.
        return issues.add(
            key,
            `has both type and arn: give { type: ${types.filter((t) => t !== "lambda").join(" | ")} } for a destination the stack creates, or { arn, kmsKeyArn? } for an existing one`,
        );
    }
    if (o.arn !== undefined) {
        const p = parseObject(
            {
                arn: str({ doc: "", allowed: `an ${types.join(", ")} ARN` }),
                kmsKeyArn: str({ doc: "", pattern: KMS_KEY_ARN, allowed: "a KMS key ARN such as arn:aws:kms:us-east-1:111122223333:key/<uuid>" }),
            },
            v,
            key,
            issues,
        );
        if (!p) return undefined;
        const arn = p.arn!;
        // Seeds 002/004: Lambda sends records to *standard* SQS queues and SNS topics; FIFO ones are not supported.
        if (/^arn:aws[a-z-]*:(sqs|sns):.*\.fifo$/.test(arn)) {
            return issues.add(
                `${key}.arn`,
                `names a FIFO ${arn.includes(":sqs:") ? "queue" : "topic"}: Lambda delivers only to standard SQS queues and SNS topics`,
            );
        }
        const type = destinationTypeOfArn(arn);
        if (!type || !types.includes(type)) {
            return issues.add(`${key}.arn`, `${JSON.stringify(arn)} is not allowed here: use the ARN of ${types.map(articleFor).join(", ")}`);
        }
        if (p.kmsKeyArn && (type === "lambda" || type === "eventbridge")) {
            return issues.add(`${key}.kmsKeyArn`, `is only for SQS, SNS and S3 destinations`);
        }
        return { kind: "existing", type, arn, kmsKeyArn: p.kmsKeyArn } as FailureDestination | AsyncDestination;
    }
    const p = parseObject({ type: oneOf(types as string[], { doc: "", required: true }) }, v, key, issues);
    if (!p) return undefined;
    if (p.type === "lambda") return issues.add(`${key}.type`, `"lambda" needs an existing function: give { arn: <function ARN> }`);
    return { kind: "create", type: p.type } as FailureDestination | AsyncDestination;
}

function articleFor(t: string): string {
    return { sqs: "an SQS queue", sns: "an SNS topic", s3: "an S3 bucket", lambda: "a Lambda function", eventbridge: "an EventBridge event bus" }[t] ?? t;
}

/** Parses and cross-checks the consumer list; records issues and returns undefined when any item is bad. */
export function parseConsumers(
    value: unknown,
    ctx: { project: string; stack: string; environment: string; authentication: Authentication; issues: Issues },
): ConsumerConfig[] | undefined {
    const { issues } = ctx;
    if (!Array.isArray(value)) {
        return issues.add(NS, `must be a list of consumers, got ${value === null ? "null" : typeof value}`);
    }
    const before = issues.list.length;
    const out: ConsumerConfig[] = [];
    /** Original index of each parsed consumer, for messages. */
    const at: number[] = [];
    value.forEach((item, i) => {
        const key = `${NS}[${i}]`;
        const p = parseObject(CONSUMER_SPEC, item, key, issues);
        if (!p) return;
        const startingPositionTimestamp = p.startingPositionTimestamp;
        if (p.startingPosition === "AT_TIMESTAMP" && !startingPositionTimestamp) {
            issues.add(`${key}.startingPositionTimestamp`, "is required with startingPosition AT_TIMESTAMP (an RFC 3339 time)");
            return;
        }
        if (p.startingPosition !== "AT_TIMESTAMP" && startingPositionTimestamp) {
            issues.add(`${key}.startingPositionTimestamp`, `is only allowed with startingPosition AT_TIMESTAMP, got ${p.startingPosition}`);
            return;
        }
        if (p.filterKmsKeyArn && !(p.filters ?? []).length) {
            issues.add(`${key}.filterKmsKeyArn`, "encrypts filter criteria, but this consumer has no filters: remove it or add filters");
            return;
        }
        const consumerGroupId = p.consumerGroupId ?? `${ctx.project}-${ctx.stack}-${p.name}`;
        if (!CONSUMER_GROUP_ID.test(consumerGroupId)) {
            issues.add(`${key}.consumerGroupId`, `the default "${consumerGroupId}" is not a valid group id; set consumerGroupId explicitly`);
            return;
        }
        out.push({ ...(p as unknown as ConsumerConfig), consumerGroupId, filters: p.filters ?? [] });
        at.push(i);
    });
    // Names and group ids are unique (checked among the items that parsed, so every problem is reported at once):
    // names derive resource names; seed: "The consumer group ID that you specify must be unique among all your Kafka
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
    return issues.list.length > before ? undefined : out;
}
