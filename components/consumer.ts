import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { Authentication } from "../lib/layout";
import { ALARM_DEFAULTS, type AlarmKey, type AsyncDestination, type ConsumerConfig, type FailureDestination } from "../lib/consumer-config";
import type { Environment } from "../lib/config";
import {
    destinationStatements,
    glueRegistryStatements,
    idempotencyStatements,
    kafkaDestinationStatements,
    kafkaStatements,
    LAMBDA_TRUST,
    logsStatements,
    policy,
    schemaRegistrySecretStatements,
    secretStatements,
    type DestinationGrant,
    type Statement,
} from "../lib/iam";
import { REPORT_BATCH_ITEM_FAILURES } from "../policies/lib/facts";
import { DEFAULT_PARTITION_CONCURRENCY, HANDLER_ENV, IDEMPOTENCY_TABLE_SCHEMA } from "../lib/handler-contract";
import type { ClusterCredentials } from "./credentials";
import { Destination } from "./destination";
import { customerKey } from "./kms";
import { physicalName } from "./naming";
import { protectionOf, TYPES } from "../lib/retention";
import type { Network } from "./network";

export interface ConsumerArgs {
    /** Validated `msk-lambda:consumers[i]`. */
    config: ConsumerConfig;
    environment: Environment;
    /** Base of physical names, e.g. `msk-lambda-dev`. */
    baseName: string;
    clusterArn: pulumi.Input<string>;
    authentication: Authentication;
    /** The SCRAM or mTLS secret, for those authentications. */
    credentials?: ClusterCredentials;
    /** The cluster's network: the mapping waits for its path to AWS services, and failure destinations get endpoints. */
    network: Network;
    /** The topic resource, when the stack creates the topic: the mapping waits for it. */
    topic?: pulumi.Resource;
    /** The Kafka on-failure destination topic, when the stack creates it: the mapping waits for it too. */
    failureTopic?: pulumi.Resource;
    /** Where alarms notify. */
    alarmTopicArn?: pulumi.Input<string>;
    /** The bundled handler. */
    code: pulumi.asset.Archive;
    tags?: Record<string, string>;
}

/**
 * What the handler reads from its environment: the topic and group, how records are encoded (a schema registry's
 * JSON record format, or the source bytes), whether the mapping takes partial batch responses, and the idempotency
 * table. Powertools reads POWERTOOLS_SERVICE_NAME for its logs.
 */
export function handlerEnvironment(c: ConsumerConfig, functionName: string, idempotencyTable?: pulumi.Input<string>): Record<string, pulumi.Input<string>> {
    const format = (attr: "KEY" | "VALUE") =>
        !c.schemaRegistry ? (attr === "VALUE" ? "JSON" : "STRING") : c.schemaRegistry.validate.includes(attr) ? c.schemaRegistry.eventRecordFormat : "STRING";
    const env: Record<string, pulumi.Input<string>> = {
        KAFKA_TOPIC: c.topic,
        KAFKA_CONSUMER_GROUP_ID: c.consumerGroupId,
        KAFKA_KEY_FORMAT: format("KEY"),
        KAFKA_VALUE_FORMAT: format("VALUE"),
        REPORT_BATCH_ITEM_FAILURES: String(c.reportBatchItemFailures === true),
        POWERTOOLS_SERVICE_NAME: functionName,
        [HANDLER_ENV.partitionConcurrency]: String(DEFAULT_PARTITION_CONCURRENCY),
    };
    if (idempotencyTable) {
        env.IDEMPOTENCY_TABLE = idempotencyTable;
        env.IDEMPOTENCY_EXPIRES_AFTER_SECONDS = String(c.idempotency.expiresAfterSeconds);
    }
    return env;
}

/** The consumer's idempotency table (DynamoDB: at most 255 characters). */
export function idempotencyTableName(baseName: string, consumer: string): string {
    return `${consumerFunctionName(baseName, consumer)}-idempotency`;
}

/** The consumer's function name (Lambda: at most 64 characters), also what its alarms and the dashboard name. */
export function consumerFunctionName(baseName: string, consumer: string): string {
    return physicalName([baseName, consumer], 64);
}

/**
 * One consumer: a Lambda function with its log group and least-privilege execution role, the MSK event source
 * mapping that feeds it, its failure destination, optional async-invocation destinations, and an OffsetLag alarm.
 */
export class Consumer extends pulumi.ComponentResource {
    public readonly function: aws.lambda.Function;
    public readonly role: aws.iam.Role;
    public readonly rolePolicies: aws.iam.RolePolicy[] = [];
    public readonly mapping: aws.lambda.EventSourceMapping;
    public readonly failureDestinationArn: pulumi.Output<string>;
    public readonly invokeConfig?: aws.lambda.FunctionEventInvokeConfig;
    public readonly offsetLagAlarm?: aws.cloudwatch.MetricAlarm;
    /** Every alarm of this consumer, by config key (offsetLagAlarm, errorsAlarm, ...). */
    public readonly alarms: Partial<Record<AlarmKey, aws.cloudwatch.MetricAlarm>> = {};
    /** The key encrypting the mapping's filter criteria, when the consumer asked for one to be created. */
    public readonly filterKey?: aws.kms.Key;
    /** The durable idempotency store and its key, unless the consumer opted out. */
    public readonly idempotencyTable?: aws.dynamodb.Table;
    public readonly idempotencyKey?: aws.kms.Key;
    /** The AWS Glue schema registry this consumer created (`schemaRegistry: { glueRegistryArn: create }`). */
    public readonly glueRegistry?: aws.glue.Registry;

    constructor(name: string, args: ConsumerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("msk-lambda:index:Consumer", name, {}, opts);
        const c = args.config;
        const tags = { ...(args.tags ?? {}), consumer: c.name };
        const prod = args.environment === "prod";
        const child = { parent: this };
        const functionName = consumerFunctionName(args.baseName, c.name);
        const region = aws.getRegionOutput({}, child).region;

        const logGroup = new aws.cloudwatch.LogGroup(
            `${functionName}-logs`,
            { name: `/aws/lambda/${functionName}`, retentionInDays: prod ? 90 : 14, tags },
            { ...child, ...protectionOf(TYPES.logGroup, args.environment) },
        );

        this.role = new aws.iam.Role(
            `${name}-role`,
            { description: `Execution role of ${functionName}, consumer of ${c.topic}`, assumeRolePolicy: JSON.stringify(LAMBDA_TRUST), tags },
            child,
        );

        // Failure destination for discarded batches (seed 002).
        const failure = this.destination(`${name}-failure`, c.onFailure, physicalName([args.baseName, c.name, "failures"], 80), args, tags);
        this.failureDestinationArn = failure.arn;
        const failureEndpoint = failure.type === "kafka" ? undefined : args.network.ensureDestinationEndpoint(failure.type as "sqs" | "sns" | "s3");

        // The function's async-invocation destinations (seed 004).
        const asyncDests: { on: "onFailure" | "onSuccess"; grant: ReturnType<Consumer["destination"]> }[] = [];
        for (const on of ["onFailure", "onSuccess"] as const) {
            const d = c.asyncDestinations?.[on];
            if (d)
                asyncDests.push({
                    on,
                    grant: this.destination(
                        `${name}-async-${on === "onFailure" ? "failure" : "success"}`,
                        d,
                        physicalName([args.baseName, c.name, on === "onFailure" ? "async-failures" : "async-successes"], 80),
                        args,
                        tags,
                    ),
                });
        }

        // Execution role policies, one per concern, each built only from the ARNs it names: only the kafka policy
        // waits for the cluster, so nothing else in the consumer is held up by the cluster's ~25-minute creation.
        const rolePolicy = (concern: string, statements: pulumi.Output<Statement[]>) => {
            const p = new aws.iam.RolePolicy(`${name}-${concern}`, { role: this.role.id, policy: statements.apply((st) => JSON.stringify(policy(st))) }, child);
            this.rolePolicies.push(p);
            return p;
        };
        const logsPolicy = rolePolicy("logs", logGroup.arn.apply(logsStatements));
        rolePolicy(
            "kafka",
            pulumi
                .output(args.clusterArn)
                .apply((clusterArn) => [
                    ...kafkaStatements({ clusterArn, topic: c.topic, consumerGroupId: c.consumerGroupId, authentication: args.authentication }),
                    ...(c.onFailure.kind === "kafka"
                        ? kafkaDestinationStatements({ clusterArn, topic: c.onFailure.topic, authentication: args.authentication })
                        : []),
                ]),
        );
        if (args.credentials) {
            const creds = args.credentials;
            rolePolicy(
                "secret",
                pulumi.all([region, creds.secretArn, creds.kmsKeyArn]).apply(([reg, arn, kmsKeyArn]) => secretStatements(reg, { arn, kmsKeyArn })),
            );
        }
        // No statements (and no policy: IAM refuses an empty one) with a Kafka failure topic and no async destinations.
        const destinationsPolicy =
            failure.type === "kafka" && !asyncDests.length
                ? undefined
                : rolePolicy(
                      "destinations",
                      pulumi
                          .all([failure.arn, failure.kmsKeyArn, pulumi.all(asyncDests.map((d) => pulumi.all([d.grant.arn, d.grant.kmsKeyArn]))), this.role.arn])
                          .apply(([failureArn, failureKeyArn, asyncArns, roleArn]) =>
                              destinationStatements(
                                  failure.type === "kafka" ? undefined : { type: failure.type, arn: failureArn, kmsKeyArn: failureKeyArn },
                                  asyncDests.map((d, i): DestinationGrant => ({
                                      type: d.grant.type as DestinationGrant["type"],
                                      arn: asyncArns[i][0],
                                      kmsKeyArn: asyncArns[i][1],
                                  })),
                                  roleArn.split(":")[4],
                              ),
                          ),
                  );

        // Schema registry (Using schema registries with Kafka event sources in Lambda): an AWS Glue registry, created
        // here or existing, whose exact ARN the role may read; or a Confluent-compatible registry whose secrets it may read.
        const registry = c.schemaRegistry;
        let registryUri: pulumi.Input<string> | undefined;
        if (registry?.kind === "glue-create") {
            // A registry holds the schemas producers registered: state, kept like other state in prod.
            this.glueRegistry = new aws.glue.Registry(
                `${functionName}-schemas`,
                { registryName: physicalName([args.baseName, c.name], 255), description: `Schemas of topic ${c.topic} (consumer ${c.name})`, tags },
                { parent: this, ...protectionOf(TYPES.glueRegistry, args.environment) },
            );
            registryUri = this.glueRegistry.arn;
        } else if (registry?.kind === "glue") registryUri = registry.glueRegistryArn;
        else if (registry?.kind === "confluent") registryUri = registry.uri;
        if (registry && registry.kind !== "confluent") {
            rolePolicy("schema-registry", pulumi.output(registryUri!).apply(glueRegistryStatements));
        } else if (registry?.kind === "confluent") {
            const r = registry;
            rolePolicy(
                "schema-registry",
                region.apply((reg) =>
                    schemaRegistrySecretStatements(reg, { secretArn: r.secretArn, rootCaSecretArn: r.rootCaSecretArn, kmsKeyArn: r.secretKmsKeyArn }),
                ),
            );
        }

        // Durable idempotency (Powertools' DynamoDB store): a table keyed on the hash of topic/partition/offset, on
        // demand, encrypted with a key of its own, expired by TTL; point-in-time recovery, protect and retain in prod.
        let idempotencyPolicy: aws.iam.RolePolicy | undefined;
        if (c.idempotency.enabled) {
            this.idempotencyKey = customerKey(
                `${functionName}-idempotency-key`,
                { description: `Encrypts the idempotency table of ${functionName}`, environment: args.environment, tags },
                this,
            );
            this.idempotencyTable = new aws.dynamodb.Table(
                idempotencyTableName(args.baseName, c.name),
                {
                    name: idempotencyTableName(args.baseName, c.name),
                    billingMode: "PAY_PER_REQUEST",
                    ...IDEMPOTENCY_TABLE_SCHEMA,
                    serverSideEncryption: { enabled: true, kmsKeyArn: this.idempotencyKey.arn },
                    pointInTimeRecovery: { enabled: prod },
                    deletionProtectionEnabled: prod,
                    tags,
                },
                { parent: this, ...protectionOf(TYPES.idempotencyTable, args.environment) },
            );
            const table = this.idempotencyTable;
            idempotencyPolicy = rolePolicy(
                "idempotency",
                pulumi
                    .all([region, table.arn, this.idempotencyKey.arn])
                    .apply(([reg, tableArn, kmsKeyArn]) => idempotencyStatements(reg, { tableArn, kmsKeyArn })),
            );
        }

        this.function = new aws.lambda.Function(
            `${name}-function`,
            {
                name: functionName,
                description: `Consumes ${c.topic} (consumer group ${c.consumerGroupId})`,
                role: this.role.arn,
                runtime: aws.lambda.Runtime.NodeJS24dX,
                architectures: ["arm64"],
                handler: "index.handler",
                code: args.code,
                // Seed: "Lambda can run the function for at most 14 minutes" (validated <= 840 s).
                timeout: c.timeoutSeconds,
                memorySize: c.memorySizeMb,
                reservedConcurrentExecutions: c.reservedConcurrency,
                loggingConfig: { logFormat: "JSON", logGroup: logGroup.name },
                environment: {
                    variables: handlerEnvironment(c, functionName, this.idempotencyTable?.name),
                },
                tags,
            },
            // The function needs its role and log group, not the cluster: it does not wait for the kafka policy.
            { parent: this, dependsOn: [logGroup, logsPolicy, ...(idempotencyPolicy ? [idempotencyPolicy] : [])] },
        );

        if (asyncDests.length) {
            const dest = (on: "onFailure" | "onSuccess") => {
                const d = asyncDests.find((x) => x.on === on);
                return d ? { destination: d.grant.arn } : undefined;
            };
            this.invokeConfig = new aws.lambda.FunctionEventInvokeConfig(
                `${name}-async`,
                {
                    functionName: this.function.name,
                    destinationConfig: { onFailure: dest("onFailure"), onSuccess: dest("onSuccess") },
                    maximumRetryAttempts: c.asyncDestinations?.maximumRetryAttempts,
                    maximumEventAgeInSeconds: c.asyncDestinations?.maximumEventAgeSeconds,
                },
                // Lambda checks the role may send to the destinations when the config is created.
                { parent: this, dependsOn: [destinationsPolicy!] },
            );
        }

        // Filter criteria encryption: an existing key, or a key of this consumer's own that Lambda may decrypt with.
        let filterKmsKeyArn: pulumi.Input<string> | undefined = c.filterKmsKeyArn;
        if (c.filterKmsKeyArn === "create") {
            this.filterKey = customerKey(
                `${functionName}-filters-key`,
                {
                    description: `Encrypts the filter criteria of ${functionName}'s event source mapping`,
                    environment: args.environment,
                    statements: ({ account }) => [
                        {
                            Sid: "LambdaDecryptsFilterCriteria",
                            Effect: "Allow",
                            Principal: { Service: "lambda.amazonaws.com" },
                            Action: "kms:Decrypt",
                            Resource: "*",
                            Condition: { StringEquals: { "aws:SourceAccount": account } },
                        },
                    ],
                    tags,
                },
                this,
            );
            filterKmsKeyArn = this.filterKey.arn;
        }

        // Lambda checks the role, the network path and the secret when it creates the mapping, so the mapping waits
        // for all of them. Topic, starting position, consumer group and cluster are create-only, and a consumer group
        // id must be unique: a replacement must delete the old mapping first.
        this.mapping = new aws.lambda.EventSourceMapping(
            `${name}-mapping`,
            {
                eventSourceArn: args.clusterArn,
                functionName: this.function.arn,
                topics: [c.topic],
                startingPosition: c.startingPosition,
                startingPositionTimestamp: c.startingPositionTimestamp,
                batchSize: c.batchSize,
                maximumBatchingWindowInSeconds: c.maximumBatchingWindowSeconds,
                amazonManagedKafkaEventSourceConfig: {
                    consumerGroupId: c.consumerGroupId,
                    schemaRegistryConfig: registry
                        ? {
                              schemaRegistryUri: registryUri,
                              eventRecordFormat: registry.eventRecordFormat,
                              schemaValidationConfigs: registry.validate.map((attribute) => ({ attribute })),
                              accessConfigs:
                                  registry.kind === "confluent"
                                      ? [
                                            { type: registry.authentication, uri: registry.secretArn },
                                            ...(registry.rootCaSecretArn ? [{ type: "SERVER_ROOT_CA_CERTIFICATE", uri: registry.rootCaSecretArn }] : []),
                                        ]
                                      : undefined,
                          }
                        : undefined,
                },
                filterCriteria: c.filters.length ? { filters: c.filters.map((pattern) => ({ pattern })) } : undefined,
                kmsKeyArn: filterKmsKeyArn,
                provisionedPollerConfig: c.provisionedPollers
                    ? {
                          minimumPollers: c.provisionedPollers.minimum,
                          maximumPollers: c.provisionedPollers.maximum,
                          pollerGroupName: c.provisionedPollers.pollerGroupName,
                      }
                    : undefined,
                // Error handling controls (Configuring error handling controls for Kafka event sources), provisioned
                // mode only: parseConsumers leaves them undefined on demand.
                maximumRetryAttempts: c.maximumRetryAttempts,
                maximumRecordAgeInSeconds: c.maximumRecordAgeSeconds,
                bisectBatchOnFunctionError: c.bisectBatchOnFunctionError,
                functionResponseTypes: c.reportBatchItemFailures ? [REPORT_BATCH_ITEM_FAILURES] : undefined,
                sourceAccessConfigurations: args.credentials
                    ? [{ type: args.credentials.accessConfigurationType, uri: args.credentials.secretArn }]
                    : undefined,
                destinationConfig: { onFailure: { destinationArn: failure.arn } },
                metricsConfig: { metrics: ["EventCount", "ErrorCount", "KafkaMetrics"] },
                enabled: c.enabled,
                tags,
            },
            {
                parent: this,
                deleteBeforeReplace: true,
                dependsOn: [
                    ...this.rolePolicies,
                    ...args.network.pathResources,
                    ...(failureEndpoint ? [failureEndpoint] : []),
                    ...(failure.resource ? [failure.resource] : []),
                    ...(args.credentials?.ready ?? []),
                    ...(args.topic ? [args.topic] : []),
                    ...(args.failureTopic ? [args.failureTopic] : []),
                ],
            },
        );

        // Alarms, all notifying the stack's alarm topic. Seed: "Lambda emits the OffsetLag metric as your function
        // processes records"; seed 004: DestinationDeliveryFailures when Lambda cannot deliver to a destination.
        if (args.alarmTopicArn) {
            for (const key of Object.keys(ALARM_DEFAULTS) as AlarmKey[]) {
                const a = c[key];
                const d = ALARM_DEFAULTS[key];
                if (!a.enabled || (d.on === "table" && !this.idempotencyTable)) continue;
                const suffix = key
                    .replace(/Alarm$/, "")
                    .replace(/([a-z])([A-Z])/g, "$1-$2")
                    .toLowerCase();
                const legacy = d.on === "function" ? d.metric.replace(/([a-z])([A-Z])/g, "$1-$2").toLowerCase() : suffix;
                // The metric: the function's (AWS/Lambda, FunctionName), the mapping's (AWS/Lambda,
                // EventSourceMappingUUID; its EventCount metrics are enabled below) or the idempotency table's
                // read and write throttles added up (AWS/DynamoDB, TableName).
                const metric =
                    d.on === "table"
                        ? {
                              metricQueries: [
                                  ...["ReadThrottleEvents", "WriteThrottleEvents"].map((m, i) => ({
                                      id: `t${i}`,
                                      returnData: false,
                                      metric: {
                                          namespace: "AWS/DynamoDB",
                                          metricName: m,
                                          dimensions: { TableName: this.idempotencyTable!.name },
                                          stat: "Sum",
                                          period: 60,
                                      },
                                  })),
                                  { id: "throttles", expression: "t0 + t1", label: "idempotency table throttles", returnData: true },
                              ],
                          }
                        : {
                              namespace: "AWS/Lambda",
                              metricName: d.metric,
                              dimensions: (d.on === "mapping" ? { EventSourceMappingUUID: this.mapping.uuid } : { FunctionName: this.function.name }) as Record<
                                  string,
                                  pulumi.Input<string>
                              >,
                              statistic: d.statistic,
                              period: 60,
                          };
                this.alarms[key] = new aws.cloudwatch.MetricAlarm(
                    `${name}-${legacy}`,
                    {
                        name: `${functionName}-${legacy}`,
                        alarmDescription: `${functionName} (topic ${c.topic}, group ${c.consumerGroupId}): ${d.metric} ${d.statistic.toLowerCase()} above ${a.threshold} for ${a.evaluationMinutes} minute(s)`,
                        ...metric,
                        evaluationPeriods: a.evaluationMinutes,
                        threshold: a.threshold,
                        comparisonOperator: "GreaterThanThreshold",
                        treatMissingData: "notBreaching",
                        alarmActions: [args.alarmTopicArn],
                        okActions: [args.alarmTopicArn],
                        tags,
                    },
                    child,
                );
            }
            this.offsetLagAlarm = this.alarms.offsetLagAlarm;
        }

        this.registerOutputs({
            functionName: this.function.name,
            functionArn: this.function.arn,
            mappingUuid: this.mapping.uuid,
            failureDestinationArn: this.failureDestinationArn,
            idempotencyTableName: this.idempotencyTable?.name,
        });
    }

    /** A destination this consumer creates (with its own key, naming this role as key user) or an existing one. */
    private destination(
        name: string,
        d: FailureDestination | AsyncDestination,
        physical: string,
        args: ConsumerArgs,
        tags: Record<string, string>,
    ): { type: DestinationGrant["type"] | "kafka"; arn: pulumi.Output<string>; kmsKeyArn: pulumi.Output<string | undefined>; resource?: pulumi.Resource } {
        // A Kafka topic of the same cluster (`kafka://<topic>`); the topic itself is created with the cluster's topics.
        if (d.kind === "kafka") return { type: "kafka", arn: pulumi.output(`kafka://${d.topic}`), kmsKeyArn: pulumi.output(undefined) };
        if (d.kind === "existing") {
            // Teams often share one destination: the program only grants this role permission to use it.
            return { type: d.type, arn: pulumi.output(d.arn), kmsKeyArn: pulumi.output(d.kmsKeyArn) };
        }
        const dest = new Destination(
            name,
            { type: d.type, environment: args.environment, physicalName: physical, senderRoleArns: [this.role.arn], tags },
            { parent: this },
        );
        return { type: d.type, arn: dest.arn, kmsKeyArn: dest.kmsKeyArn, resource: dest };
    }
}
