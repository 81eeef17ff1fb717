/**
 * AWS facts the program and the policy pack both enforce, each with its source. The program imports these, so the two
 * can never disagree.
 */
import { destinationFacts, factsOf, type DestinationFacts, type DestinationKind } from "./destinations";

/** "Using Lambda with Amazon MSK" (networking): "9092 for plaintext, 9094 for TLS, 9096 for SASL, 9098 for IAM". mTLS uses the TLS listener. */
export const BROKER_PORTS = { plaintext: 9092, tls: 9094, mtls: 9094, scram: 9096, iam: 9098 } as const;
/**
 * Every port Amazon MSK listens on ("Port information"): brokers 9092 (plaintext), 9094 (TLS), 9096 (SASL/SCRAM), 9098
 * (IAM); public access 9194 (TLS), 9196 (SASL/SCRAM), 9198 (IAM); IPv6 20092, 20094, 20096, 20098; Apache ZooKeeper
 * 2181 (and 2182 with TLS); open monitoring with Prometheus 11001 (JMX exporter) and 11002 (node exporter).
 */
export const MSK_PORTS = [2181, 2182, 9092, 9094, 9096, 9098, 9194, 9196, 9198, 11001, 11002, 20092, 20094, 20096, 20098] as const;

/** "Using Lambda with Amazon MSK": "Lambda can run the function for at most 14 minutes. Set the function timeout to 14 minutes or less". */
export const MAX_MSK_FUNCTION_TIMEOUT_SECONDS = 840;
/** "Using Lambda with Amazon MSK": "(the default timeout value is 3 seconds)". */
export const DEFAULT_FUNCTION_TIMEOUT_SECONDS = 3;

/** "Using Lambda with Amazon MSK": batch size default 100, maximum 10,000. */
export const BATCH_SIZE = { min: 1, max: 10_000 } as const;
/** Lambda API: MaximumBatchingWindowInSeconds 0-300. */
export const BATCHING_WINDOW_SECONDS = { min: 0, max: 300 } as const;
/** Lambda API: MinimumPollers 1-200, MaximumPollers 1-2000. */
export const MIN_POLLERS = { min: 1, max: 200 } as const;
export const MAX_POLLERS = { min: 1, max: 2000 } as const;
/** Lambda API: at most 5 filters per mapping, each pattern at most 4096 characters. */
export const MAX_FILTERS = 5;
export const MAX_FILTER_PATTERN_CHARS = 4096;
/** Lambda API: ConsumerGroupId, 1-200 characters of `[a-zA-Z0-9-\/*:_+=.@-]`. */
// One anchored character class with a bounded count: at most 201 steps on any input, nothing to backtrack into. The
// program's config schema uses it as its pattern, so it stays a regular expression.
// eslint-disable-next-line no-restricted-syntax
export const CONSUMER_GROUP_ID = /^[a-zA-Z0-9\-/*:_+=.@]{1,200}$/;

/**
 * Apache Kafka topic names: 1-249 characters of `[a-zA-Z0-9._-]`, not "." or "..". Anchored and bounded like
 * CONSUMER_GROUP_ID (the lookahead reads at most three characters): linear on any input. The program's config schema
 * and the pack's kafka:// destination check share it.
 */
// eslint-disable-next-line no-restricted-syntax
export const KAFKA_TOPIC_NAME = /^(?!\.{1,2}$)[a-zA-Z0-9._-]{1,249}$/;

/** "Using Lambda with Amazon MSK": "MSK does not support SASL/PLAIN" (BASIC_AUTH); MSK's SCRAM is SCRAM-SHA-512. */
export const MSK_UNSUPPORTED_ACCESS_TYPES: Record<string, string> = {
    BASIC_AUTH: "SASL/PLAIN (BASIC_AUTH), which Amazon MSK does not support",
    SASL_SCRAM_256_AUTH: "SASL/SCRAM-SHA-256, while Amazon MSK supports SCRAM-SHA-512 only (use SASL_SCRAM_512_AUTH)",
};

/** MSK only associates SASL/SCRAM secrets whose names start with this prefix. */
export const MSK_SCRAM_SECRET_PREFIX = "AmazonMSK_";

export type { DestinationKind } from "./destinations";

/**
 * Per-kind views of the destination catalogue (destinations.ts), read at access time: the send actions, the role's
 * actions on a destination's customer-managed key, and the cross-account set. Kept under these names for the rules
 * that index them by kind.
 */
function catalogueView<V>(pick: (f: DestinationFacts) => V): Record<DestinationKind, V> {
    return new Proxy({} as Record<DestinationKind, V>, {
        get: (_, kind) => (typeof kind === "string" && factsOf(kind) ? pick(factsOf(kind)!) : undefined),
        has: (_, kind) => typeof kind === "string" && factsOf(kind) !== undefined,
        ownKeys: () => destinationFacts().map((f) => f.kind),
        getOwnPropertyDescriptor: (_, kind) =>
            typeof kind === "string" && factsOf(kind) ? { enumerable: true, configurable: true, value: pick(factsOf(kind)!) } : undefined,
    });
}
export const SEND_ACTIONS = catalogueView((f) => f.send);
export const DESTINATION_KMS_ACTIONS = catalogueView((f) => f.kms);
export const CROSS_ACCOUNT_DESTINATION_KMS_ACTIONS = catalogueView((f) => f.crossAccountKms);

/**
 * Lambda docs, "Configuring error handling controls for Kafka event sources" (Amazon MSK and self-managed Kafka):
 * retry attempts 0-10000 or -1 (infinite, the default); maximum record age 60-604800 seconds or -1 (infinite, the
 * default). "Under Event poller configuration, select provisioned mode to configure error handling controls." With
 * infinite retries and an on-failure destination, "Lambda automatically applies a maximum of 10 retry attempts".
 */
export const KAFKA_RETRY_ATTEMPTS = { min: 0, max: 10_000, infinite: -1 } as const;
export const KAFKA_RECORD_AGE_SECONDS = { min: 60, max: 604_800, infinite: -1 } as const;
export const KAFKA_IMPLICIT_RETRIES_WITH_DESTINATION = 10;
/** The only `FunctionResponseTypes` value (partial batch response). */
export const REPORT_BATCH_ITEM_FAILURES = "ReportBatchItemFailures";
/** The docs' words for the provisioned-mode requirement, quoted in messages. */
export const ERROR_HANDLING_NEEDS_PROVISIONED =
    'provisioned mode is required ("Under Event poller configuration, select provisioned mode to configure error handling controls", Configuring error handling controls for Kafka event sources)';

/**
 * Lambda API, ProvisionedPollerConfig.PollerGroupName (Amazon MSK and self-managed Apache Kafka): "You can group up
 * to 100 ESMs per poller group and aggregate maximum pollers across all ESMs in a group cannot exceed 2000." A
 * mapping without MaximumPollers counts with Lambda's default, 200. The name pattern is a conservative subset (letters,
 * digits, '-' and '_', 1-128 characters).
 */
export const POLLER_GROUP = { maxMappings: 100, maxAggregatePollers: 2000, defaultMaximumPollers: 200 } as const;
// One anchored character class with a bounded count (shared with the program's config schema): linear on any input.
// eslint-disable-next-line no-restricted-syntax
export const POLLER_GROUP_NAME = /^[a-zA-Z0-9_-]{1,128}$/;

/**
 * Lambda docs, "Using schema registries with Kafka event sources in Lambda", and the API's KafkaSchemaRegistryConfig:
 * "only available for event source mappings using provisioned mode"; EventRecordFormat JSON | SOURCE; validation
 * attributes KEY | VALUE; at most 2 access configurations, of types BASIC_AUTH | CLIENT_CERTIFICATE_TLS_AUTH |
 * SERVER_ROOT_CA_CERTIFICATE, each naming a Secrets Manager secret ARN; for an AWS Glue registry "don't provide
 * authentication details" (the execution role's permissions are used).
 */
export const SCHEMA_REGISTRY_NEEDS_PROVISIONED =
    'provisioned mode is required ("This feature is only available for event source mappings using provisioned mode", Using schema registries with Kafka event sources in Lambda)';
export const EVENT_RECORD_FORMATS = ["JSON", "SOURCE"] as const;
export const SCHEMA_VALIDATION_ATTRIBUTES = ["KEY", "VALUE"] as const;
export const SCHEMA_REGISTRY_AUTH_TYPES = ["BASIC_AUTH", "CLIENT_CERTIFICATE_TLS_AUTH", "SERVER_ROOT_CA_CERTIFICATE"] as const;
export const MAX_SCHEMA_REGISTRY_ACCESS_CONFIGS = 2;
// Anchored character classes with bounded counts, adjacent classes disjoint (each ':' ends a class that cannot hold
// one): linear on any input, nothing to backtrack into. The program's config schema uses them as patterns.
// eslint-disable-next-line no-restricted-syntax
export const GLUE_REGISTRY_ARN = /^arn:aws[a-z-]*:glue:[a-z0-9-]+:[0-9]{12}:registry\/([A-Za-z0-9_$#.-]{1,255})$/;
// eslint-disable-next-line no-restricted-syntax
export const SECRETS_MANAGER_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:[A-Za-z0-9/_+=.@-]{1,512}$/;
/** What the execution role needs for an AWS Glue registry (the registry, and the schemas in it). */
export const GLUE_REGISTRY_ACTIONS = { registry: ["glue:GetRegistry", "glue:GetSchemaVersion"], schemas: ["glue:GetSchemaVersion"] } as const;

/**
 * The item actions the handler's idempotency store calls: Powertools' DynamoDB store's GetItem, PutItem and DeleteItem,
 * and BatchWriteItem for completions (handler/store.ts; "BatchWriteItem", Amazon DynamoDB API Reference). UpdateItem
 * is Powertools' own completion: kept for containers still running the handler before that store during a deploy,
 * and for `createHandler({ persistenceStore })` with Powertools' store on the stack's table.
 */
export const IDEMPOTENCY_TABLE_ACTIONS = [
    "dynamodb:GetItem",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:BatchWriteItem",
    "dynamodb:DeleteItem",
] as const;

/**
 * Lambda docs, "Using a Kafka topic as an on-failure destination": `kafka://<topic>`, on the same cluster, never a
 * source topic, and "A Kafka on-failure destination is only available for event source mappings with provisioned mode
 * enabled".
 */
export const KAFKA_DESTINATION_PREFIX = "kafka://";
export const KAFKA_DESTINATION_NEEDS_PROVISIONED =
    'provisioned mode is required ("A Kafka on-failure destination is only available for event source mappings with provisioned mode enabled", Using a Kafka topic as an on-failure destination)';
