import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { Authentication } from "../lib/layout";
import { parseConsumerSettings, type ConsumerConfig } from "../lib/consumer-config";
import type { Environment } from "../lib/config";
import type { StackEnvironment } from "../lib/destinations";
import type { ClusterAuthentication, ConsumerSettings, SourceSettings } from "../lib/settings";
import { ACCESS_TYPE, kafkaFailureRefusal, parseSource, SOURCE_KINDS, type SourceConfig, type SourceKind } from "../lib/source";
import { ConfigError, Issues } from "../lib/schema";
import { handlerEnvironment } from "../lib/handler-env";
import {
    DESTINATION_SIDS,
    glueRegistryStatements,
    idempotencyStatements,
    kafkaStatements,
    LAMBDA_TRUST,
    logsStatements,
    policy,
    schemaRegistrySecretStatements,
    secretStatements,
    selfManagedStatements,
    sourceSecretStatements,
    vpcConnectionStatements,
    type Statement,
} from "../lib/iam";
import { REPORT_BATCH_ITEM_FAILURES } from "../policies/lib/public";
import { IDEMPOTENCY_TABLE_SCHEMA } from "../lib/handler-env";
import { durationOf, protectionOf, TYPES } from "../lib/retention";
import { handlerArchive } from "./bundle";
import { consumerAlarms } from "./consumer-alarms";
import { ACCESS_CONFIGURATION_TYPES } from "./credentials";
import { bindDestination, type DestinationBinding } from "./destination";
import { customerKey } from "./kms";
import { physicalName } from "./naming";

export { handlerEnvironment };

/**
 * A consumer's args: plain data (the component package's schema is inferred from them). What the mapping must wait
 * for (the network path, the secret's value and association, the topic) is `waitFor`, outputs of those resources:
 * only the mapping waits for them, not the function and the rest (the component's own `dependsOn` would hold up every
 * child until the cluster and its topic exist, some 25 minutes on a first `pulumi up`).
 */
export interface ConsumerArgs {
    /**
     * The consumer: the keys, defaults and checks of one `msk-lambda:consumers` item (lib/consumer-config.ts, the table
     * of README's config reference). Bad settings fail with every problem named before anything is registered.
     */
    settings: ConsumerSettings;
    /** The stack's environment: in prod the consumer's state (idempotency table, destinations, logs) is protected and retained (lib/retention.ts). */
    environment: StackEnvironment;
    /** Base of physical names, `<project>-<stack>` (e.g. `msk-lambda-dev`); the default consumer group is `<baseName>-<name>`. A change replaces the function, its state and (through the group) the mapping. */
    baseName: string;
    /**
     * The MSK cluster's ARN: required for source kinds `msk` and `serverless`; for `msk-vpc-connection` it defaults to
     * `source.clusterArn`; not used for `self-managed`. A change replaces the mapping.
     */
    clusterArn?: pulumi.Input<string>;
    /** The cluster's client authentication (the mapping's broker port and the role's kafka-cluster actions follow it). */
    authentication: ClusterAuthentication;
    /** `scram` or `mtls`: the Secrets Manager secret Lambda authenticates with (the `ClusterCredentials` component's `secretArn`). */
    credentialsSecretArn?: pulumi.Input<string>;
    /** `scram` or `mtls`: the KMS key of that secret, which the role may decrypt with (through Secrets Manager only). */
    credentialsKmsKeyArn?: pulumi.Input<string>;
    /**
     * What the mapping reads: `msk-lambda:source` (lib/source.ts). Default kind `msk`, the cluster `clusterArn`. For
     * `msk-vpc-connection`, `clusterArn` is the other account's cluster and `vpcConnectionArn` the mapping's event
     * source; for `self-managed`, the bootstrap servers, authentication and secrets come from here. Checked by the
     * stack's own parser (the keys, defaults and checks of `msk-lambda:source`), every problem named by `<name>.source.*`
     * before anything registers; the secrets and a VPC connection's cluster must be in `aws:region`.
     */
    source?: SourceSettings;
    /** `msk-vpc-connection`: the managed VPC connection's ARN (the `KafkaVpcConnection` component's `connectionArn`). A change replaces the mapping. */
    vpcConnectionArn?: pulumi.Input<string>;
    /** `self-managed` in a VPC: the pollers' subnets (VPC_SUBNET). */
    subnetIds?: pulumi.Input<string>[];
    /** `self-managed` in a VPC: the pollers' security groups (VPC_SECURITY_GROUP). */
    securityGroupIds?: pulumi.Input<string>[];
    /** Where the consumer's alarms notify (the `Alerts` component's `topicArn`); no alarms without it. */
    alarmTopicArn?: pulumi.Input<string>;
    /** Tags on every taggable resource (the consumer's name is added as tag `consumer`). */
    tags?: { [key: string]: string };
    /**
     * Outputs (ids, ARNs) of what the event source mapping must wait for, since Lambda checks them when it creates
     * it: the pollers' network path (the `Network` component's `pollerPathReady` and the failure destination's
     * endpoint id), the secret (`ClusterCredentials.secretReady`), the topic and a Kafka failure topic (their ARNs).
     * Only the mapping waits for them.
     */
    waitFor?: pulumi.Input<string>[];
}

/** The consumer's idempotency table (DynamoDB: at most 255 characters). */
export function idempotencyTableName(baseName: string, consumer: string): string {
    return `${consumerFunctionName(baseName, consumer)}-idempotency`;
}

/** The consumer's function name (Lambda: at most 64 characters), also what its alarms and the dashboard name. */
export function consumerFunctionName(baseName: string, consumer: string): string {
    return physicalName([baseName, consumer], 64);
}

/** What every step of the constructor reads. */
interface Ctx {
    name: string;
    args: ConsumerArgs;
    /** The cluster the role and a Kafka destination name ("" for self-managed brokers). */
    clusterArn: pulumi.Input<string>;
    c: ConsumerConfig;
    environment: Environment;
    authentication: Authentication;
    /** What the mapping waits for: the resources behind these outputs. */
    waitFor: pulumi.Input<string>[];
    tags: Record<string, string>;
    child: pulumi.CustomResourceOptions;
    functionName: string;
    region: pulumi.Output<string>;
}

/** The async-invocation destinations, bound, by the invoke config's key. */
type AsyncBindings = { on: "onFailure" | "onSuccess"; binding: DestinationBinding }[];

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
    public readonly alarms: { [key: string]: aws.cloudwatch.MetricAlarm } = {};
    /** The key encrypting the mapping's filter criteria, when the consumer asked for one to be created. */
    public readonly filterKey?: aws.kms.Key;
    /** The durable idempotency store and its key, unless the consumer opted out. */
    public readonly idempotencyTable?: aws.dynamodb.Table;
    public readonly idempotencyKey?: aws.kms.Key;
    /** The AWS Glue schema registry this consumer created (`schemaRegistry: { glueRegistryArn: create }`). */
    public readonly glueRegistry?: aws.glue.Registry;

    constructor(name: string, args: ConsumerArgs, opts?: pulumi.ComponentResourceOptions) {
        // The enums' values are the config's strings (a Python or YAML program sends those).
        const environment = `${args.environment}` as Environment;
        const authentication = `${args.authentication}` as Authentication;
        // Validated before anything registers (the component resource included).
        const { c, source, clusterArn } = checkArgs(name, args, { baseName: args.baseName, environment, authentication });
        super("msk-lambda:index:Consumer", name, {}, opts);
        const child = { parent: this };
        const functionName = consumerFunctionName(args.baseName, c.name);
        const ctx: Ctx = {
            name,
            // The source as parsed, with its defaults (a VPC connection's authentication, self-managed brokersIn).
            args: { ...args, source: source as SourceSettings },
            clusterArn,
            c,
            environment,
            authentication,
            waitFor: args.waitFor ?? [],
            tags: { ...(args.tags ?? {}), consumer: c.name },
            child,
            functionName,
            region: aws.getRegionOutput({}, child).region,
        };

        const logGroup = new aws.cloudwatch.LogGroup(
            `${functionName}-logs`,
            { name: `/aws/lambda/${functionName}`, retentionInDays: durationOf("functionLogRetentionDays", environment), tags: ctx.tags },
            { ...child, ...protectionOf(TYPES.logGroup, environment) },
        );
        this.role = new aws.iam.Role(
            `${name}-role`,
            { description: `Execution role of ${functionName}, consumer of ${c.topic}`, assumeRolePolicy: JSON.stringify(LAMBDA_TRUST), tags: ctx.tags },
            child,
        );

        // Failure destination for discarded batches ("Capturing discarded batches for Amazon MSK and self-managed
        // Apache Kafka event sources"), and the function's async-invocation destinations ("Capturing records of
        // Lambda asynchronous invocations").
        const failure = this.bind(ctx, `${name}-failure`, c.onFailure, "failures");
        this.failureDestinationArn = failure.arn;
        const asyncs: AsyncBindings = [];
        for (const on of ["onFailure", "onSuccess"] as const) {
            const d = c.asyncDestinations?.[on];
            const kind = on === "onFailure" ? "failure" : "success";
            if (d) asyncs.push({ on, binding: this.bind(ctx, `${name}-async-${kind}`, d, on === "onFailure" ? "async-failures" : "async-successes") });
        }

        const { logsPolicy, destinationsPolicy } = this.rolePoliciesFor(ctx, logGroup, failure, asyncs);
        const registryUri = this.schemaRegistry(ctx);
        const idempotencyPolicy = this.idempotency(ctx);
        this.function = this.createFunction(ctx, logGroup, [logsPolicy, ...(idempotencyPolicy ? [idempotencyPolicy] : [])]);
        if (asyncs.length) this.invokeConfig = this.createInvokeConfig(ctx, asyncs, destinationsPolicy!);
        this.mapping = this.createMapping(ctx, failure, registryUri, this.filterKeyArn(ctx), failure.dependencies);

        if (args.alarmTopicArn) {
            this.alarms = consumerAlarms(this, name, {
                c,
                functionName,
                function: this.function,
                mapping: this.mapping,
                idempotencyTable: this.idempotencyTable,
                alarmTopicArn: args.alarmTopicArn,
                tags: ctx.tags,
            });
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

    /** Binds one configured destination (created with its own key, existing, or a Kafka topic). */
    private bind(ctx: Ctx, name: string, spec: ConsumerConfig["onFailure"], suffix: string): DestinationBinding {
        const { args, c } = ctx;
        return bindDestination(this, name, spec, {
            environment: ctx.environment,
            physicalName: physicalName([args.baseName, c.name, suffix], 80),
            roleArn: this.role.arn,
            tags: ctx.tags,
            clusterArn: ctx.clusterArn,
            authentication: ctx.authentication,
        });
    }

    /** One inline policy of the execution role, built only from the ARNs its statements name. */
    private rolePolicy(ctx: Ctx, concern: string, statements: pulumi.Output<Statement[]>): aws.iam.RolePolicy {
        const p = new aws.iam.RolePolicy(
            `${ctx.name}-${concern}`,
            { role: this.role.id, policy: statements.apply((st) => JSON.stringify(policy(st))) },
            ctx.child,
        );
        this.rolePolicies.push(p);
        return p;
    }

    /**
     * Execution role policies, one per concern: only the kafka policy waits for the cluster, so nothing else in the
     * consumer is held up by the cluster's ~25-minute creation. Each destination's grant goes where its binding says.
     */
    private rolePoliciesFor(ctx: Ctx, logGroup: aws.cloudwatch.LogGroup, failure: DestinationBinding, asyncs: AsyncBindings) {
        const { args } = ctx;
        const logsPolicy = this.rolePolicy(ctx, "logs", logGroup.arn.apply(logsStatements));
        const grants = [
            { binding: failure, sids: DESTINATION_SIDS.failure },
            ...asyncs.map((a, i) => ({ binding: a.binding, sids: DESTINATION_SIDS.async(i) })),
        ];
        const grantsIn = (where: DestinationBinding["policy"]) =>
            pulumi.all(grants.filter((g) => g.binding.policy === where).map((g) => g.binding.statements(g.sids))).apply((lists) => lists.flat());
        const kafka = sourceStatements(ctx);
        // A self-managed source over the internet needs no kafka, kafka-cluster or ec2 action: no policy (IAM refuses an empty one).
        if (kafka)
            this.rolePolicy(
                ctx,
                "kafka",
                pulumi.all([kafka, grantsIn("kafka")]).apply(([k, g]) => [...k, ...g]),
            );
        const src = args.source;
        if (!args.credentialsSecretArn && (src?.secretArn || src?.rootCaSecretArn)) {
            const secretArns = [src.secretArn, src.rootCaSecretArn].filter((a): a is string => !!a);
            this.rolePolicy(
                ctx,
                "secret",
                ctx.region.apply((reg) => sourceSecretStatements(reg, { secretArns, kmsKeyArn: src.secretKmsKeyArn })),
            );
        }
        if (args.credentialsSecretArn) {
            this.rolePolicy(
                ctx,
                "secret",
                pulumi
                    .all([ctx.region, args.credentialsSecretArn, args.credentialsKmsKeyArn])
                    .apply(([reg, arn, kmsKeyArn]) => secretStatements(reg, { arn, kmsKeyArn: kmsKeyArn! })),
            );
        }
        // No statements (and no policy: IAM refuses an empty one) when every destination is granted elsewhere.
        const destinationsPolicy = grants.some((g) => g.binding.policy === "destinations")
            ? this.rolePolicy(ctx, "destinations", grantsIn("destinations"))
            : undefined;
        return { logsPolicy, destinationsPolicy };
    }

    /**
     * Schema registry (Using schema registries with Kafka event sources in Lambda): an AWS Glue registry, created
     * here or existing, whose exact ARN the role may read; or a Confluent-compatible registry whose secrets it may read.
     */
    private schemaRegistry(ctx: Ctx): pulumi.Input<string> | undefined {
        const { args, c, functionName } = ctx;
        const registry = c.schemaRegistry;
        if (!registry) return undefined;
        if (registry.kind === "confluent") {
            const r = registry;
            this.rolePolicy(
                ctx,
                "schema-registry",
                ctx.region.apply((reg) =>
                    schemaRegistrySecretStatements(reg, { secretArn: r.secretArn, rootCaSecretArn: r.rootCaSecretArn, kmsKeyArn: r.secretKmsKeyArn }),
                ),
            );
            return registry.uri;
        }
        let uri: pulumi.Input<string>;
        if (registry.kind === "glue-create") {
            // A registry holds the schemas producers registered: state, kept like other state in prod.
            const created = new aws.glue.Registry(
                `${functionName}-schemas`,
                { registryName: physicalName([args.baseName, c.name], 255), description: `Schemas of topic ${c.topic} (consumer ${c.name})`, tags: ctx.tags },
                { parent: this, ...protectionOf(TYPES.glueRegistry, ctx.environment) },
            );
            Object.assign(this, { glueRegistry: created });
            uri = created.arn;
        } else uri = registry.glueRegistryArn;
        this.rolePolicy(ctx, "schema-registry", pulumi.output(uri).apply(glueRegistryStatements));
        return uri;
    }

    /**
     * Durable idempotency (Powertools' DynamoDB store): a table keyed on the hash of topic/partition/offset, on
     * demand, encrypted with a key of its own, expired by TTL; point-in-time recovery, protect and retain in prod.
     */
    private idempotency(ctx: Ctx): aws.iam.RolePolicy | undefined {
        const { args, c, functionName } = ctx;
        if (!c.idempotency.enabled) return undefined;
        const prod = ctx.environment === "prod";
        const key = customerKey(
            `${functionName}-idempotency-key`,
            { description: `Encrypts the idempotency table of ${functionName}`, environment: ctx.environment, tags: ctx.tags },
            this,
        );
        const table = new aws.dynamodb.Table(
            idempotencyTableName(args.baseName, c.name),
            {
                name: idempotencyTableName(args.baseName, c.name),
                billingMode: "PAY_PER_REQUEST",
                ...IDEMPOTENCY_TABLE_SCHEMA,
                serverSideEncryption: { enabled: true, kmsKeyArn: key.arn },
                pointInTimeRecovery: { enabled: prod },
                deletionProtectionEnabled: prod,
                tags: ctx.tags,
            },
            { parent: this, ...protectionOf(TYPES.idempotencyTable, ctx.environment) },
        );
        Object.assign(this, { idempotencyKey: key, idempotencyTable: table });
        return this.rolePolicy(
            ctx,
            "idempotency",
            pulumi.all([ctx.region, table.arn, key.arn]).apply(([reg, tableArn, kmsKeyArn]) => idempotencyStatements(reg, { tableArn, kmsKeyArn })),
        );
    }

    /** The function: it needs its role and log group, not the cluster, so it does not wait for the kafka policy. */
    private createFunction(ctx: Ctx, logGroup: aws.cloudwatch.LogGroup, policies: aws.iam.RolePolicy[]): aws.lambda.Function {
        const { c, functionName } = ctx;
        return new aws.lambda.Function(
            `${ctx.name}-function`,
            {
                name: functionName,
                description: `Consumes ${c.topic} (consumer group ${c.consumerGroupId})`,
                role: this.role.arn,
                runtime: aws.lambda.Runtime.NodeJS24dX,
                architectures: ["arm64"],
                handler: "index.handler",
                // The handler, bundled once per program (components/bundle.ts caches it for every consumer).
                code: handlerArchive(),
                // "Using Lambda with Amazon MSK": Lambda can run the function for at most 14 minutes (validated <= 840 s).
                timeout: c.timeoutSeconds,
                memorySize: c.memorySizeMb,
                reservedConcurrentExecutions: c.reservedConcurrency,
                loggingConfig: { logFormat: "JSON", logGroup: logGroup.name },
                environment: { variables: handlerEnvironment<pulumi.Input<string>>(c, functionName, this.idempotencyTable?.name) },
                tags: ctx.tags,
            },
            { parent: this, dependsOn: [logGroup, ...policies] },
        );
    }

    private createInvokeConfig(ctx: Ctx, asyncs: AsyncBindings, destinationsPolicy: aws.iam.RolePolicy): aws.lambda.FunctionEventInvokeConfig {
        const dest = (on: "onFailure" | "onSuccess") => {
            const d = asyncs.find((x) => x.on === on);
            return d ? { destination: d.binding.arn } : undefined;
        };
        return new aws.lambda.FunctionEventInvokeConfig(
            `${ctx.name}-async`,
            {
                functionName: this.function.name,
                destinationConfig: { onFailure: dest("onFailure"), onSuccess: dest("onSuccess") },
                maximumRetryAttempts: ctx.c.asyncDestinations?.maximumRetryAttempts,
                maximumEventAgeInSeconds: ctx.c.asyncDestinations?.maximumEventAgeSeconds,
            },
            // Lambda checks the role may send to the destinations when the config is created.
            { parent: this, dependsOn: [destinationsPolicy] },
        );
    }

    /** Filter criteria encryption: an existing key, or a key of this consumer's own that Lambda may decrypt with. */
    private filterKeyArn(ctx: Ctx): pulumi.Input<string> | undefined {
        const { c, functionName } = ctx;
        if (c.filterKmsKeyArn !== "create") return c.filterKmsKeyArn;
        const decrypts = (account: string): Statement => ({
            Sid: "LambdaDecryptsFilterCriteria",
            Effect: "Allow",
            Principal: { Service: "lambda.amazonaws.com" },
            Action: "kms:Decrypt",
            Resource: "*",
            Condition: { StringEquals: { "aws:SourceAccount": account } },
        });
        const key = customerKey(
            `${functionName}-filters-key`,
            {
                description: `Encrypts the filter criteria of ${functionName}'s event source mapping`,
                environment: ctx.environment,
                statements: ({ account }) => [decrypts(account)],
                tags: ctx.tags,
            },
            this,
        );
        Object.assign(this, { filterKey: key });
        return key.arn;
    }

    /**
     * Lambda checks the role, the network path and the secret when it creates the mapping, so the mapping waits for
     * all of them. Topic, starting position, consumer group and cluster are create-only, and a consumer group id must
     * be unique: a replacement must delete the old mapping first.
     */
    private createMapping(
        ctx: Ctx,
        failure: DestinationBinding,
        registryUri: pulumi.Input<string> | undefined,
        filterKmsKeyArn: pulumi.Input<string> | undefined,
        destinationDeps: pulumi.Resource[],
    ): aws.lambda.EventSourceMapping {
        const { c } = ctx;
        return new aws.lambda.EventSourceMapping(
            `${ctx.name}-mapping`,
            {
                ...mappingSourceInputs(ctx, schemaRegistryConfig(c, registryUri)),
                functionName: this.function.arn,
                topics: [c.topic],
                startingPosition: c.startingPosition,
                startingPositionTimestamp: c.startingPositionTimestamp,
                batchSize: c.batchSize,
                maximumBatchingWindowInSeconds: c.maximumBatchingWindowSeconds,
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
                destinationConfig: { onFailure: { destinationArn: failure.arn } },
                metricsConfig: { metrics: ["EventCount", "ErrorCount", "KafkaMetrics"] },
                enabled: c.enabled,
                tags: ctx.tags,
            },
            {
                parent: this,
                deleteBeforeReplace: true,
                // An output in dependsOn adds the resources behind it (Pulumi's gatherExplicitDependencies), known or not.
                dependsOn: [...this.rolePolicies, ...destinationDeps, pulumi.output(ctx.waitFor).apply(() => []) as unknown as pulumi.Resource],
            },
        );
    }
}

/** `aws:region` as the default provider reads it (its config, else the environment), when known. */
function stackRegion(): string | undefined {
    return new pulumi.Config("aws").get("region") ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
}

/**
 * The args, checked before anything registers, every problem at once: the settings (lib/consumer-config.ts), the
 * source through the stack's own parser (lib/source.ts `parseSource`), and what the source kind needs of the other
 * args (the cluster ARN, the VPC connection's ARN, a failure destination it can write to).
 */
function checkArgs(name: string, args: ConsumerArgs, ctx: Parameters<typeof parseConsumerSettings>[2]) {
    const issues = new Issues();
    let c: ConsumerConfig | undefined;
    try {
        c = parseConsumerSettings(args.settings, `${name}.settings`, ctx);
    } catch (e) {
        if (!(e instanceof ConfigError)) throw e;
        issues.list.push(...e.issues);
    }
    const source = parseSource(args.source ?? {}, issues, { key: `${name}.source`, region: stackRegion() });
    // A refused source still names its kind, so that the other args are checked too (every problem at once).
    const given = `${args.source?.kind ?? "msk"}`;
    const kind = source?.kind ?? ((SOURCE_KINDS as readonly string[]).includes(given) ? given : undefined);
    // The stack passes "" for a source without a cluster: "" is no ARN.
    let clusterArn = args.clusterArn === "" ? undefined : args.clusterArn;
    if (kind === "msk-vpc-connection") {
        clusterArn ??= source?.clusterArn;
        if (!args.vpcConnectionArn)
            issues.add(
                `${name}.vpcConnectionArn`,
                'is required with source kind "msk-vpc-connection": the managed VPC connection the mapping reads (the KafkaVpcConnection component\'s connectionArn)',
            );
        if (source && `${args.authentication}` !== source.authentication)
            issues.add(
                `${name}.authentication`,
                `"${args.authentication}" is not the VPC connection's authentication: use "${source.authentication}" (source.authentication)`,
            );
    }
    if ((kind === "msk" || kind === "serverless") && clusterArn === undefined)
        issues.add(`${name}.clusterArn`, `is required with source kind "${kind}": the MSK cluster's ARN`);
    const why = kind && kafkaFailureRefusal(kind as SourceKind);
    if (why && (args.settings as { onFailure?: { type?: unknown } } | undefined)?.onFailure?.type === "kafka")
        issues.add(`${name}.settings.onFailure.type`, why);
    issues.throwIfAny();
    return { c: c!, source: source as SourceConfig, clusterArn: clusterArn ?? "" };
}

/**
 * The role's statements for reading the source (one builder per kind, lib/iam.ts), or undefined when it needs none
 * (self-managed brokers over the internet).
 */
function sourceStatements(ctx: Ctx): pulumi.Output<Statement[]> | undefined {
    const { args, c } = ctx;
    const kind = `${args.source?.kind ?? "msk"}`;
    const topic = c.topic;
    const consumerGroupId = c.consumerGroupId;
    if (kind === "self-managed") return args.subnetIds?.length ? pulumi.output(selfManagedStatements(true)) : undefined;
    if (kind === "msk-vpc-connection") {
        const iam = ctx.authentication === "iam";
        return pulumi
            .all([args.vpcConnectionArn!, ctx.clusterArn])
            .apply(([connectionArn, clusterArn]) => vpcConnectionStatements({ connectionArn, clusterArn, topic, consumerGroupId, iam }));
    }
    return pulumi.output(ctx.clusterArn).apply((clusterArn) => kafkaStatements({ clusterArn, topic, consumerGroupId, authentication: ctx.authentication }));
}

/**
 * Where the mapping reads, by source kind (Lambda API, CreateEventSourceMapping): an MSK cluster's or VPC
 * connection's ARN with the MSK consumer settings, or a self-managed event source (bootstrap servers) with the
 * self-managed consumer settings. The access configurations: the stack's own secret (MSK SCRAM or mTLS), or the
 * source's secret, server root CA and (self-managed in a VPC) subnets and security groups.
 */
function mappingSourceInputs(ctx: Ctx, registry: ReturnType<typeof schemaRegistryConfig>) {
    const { args, c } = ctx;
    const src = args.source;
    const kind = `${src?.kind ?? "msk"}`;
    const kafkaConfig = { consumerGroupId: c.consumerGroupId, schemaRegistryConfig: registry };
    const access: { type: string; uri: pulumi.Input<string> }[] = [];
    if (args.credentialsSecretArn)
        access.push({ type: ACCESS_CONFIGURATION_TYPES[ctx.authentication as keyof typeof ACCESS_CONFIGURATION_TYPES], uri: args.credentialsSecretArn });
    const auth = src?.authentication ? (`${src.authentication}` as keyof typeof ACCESS_TYPE | "iam") : "iam";
    if (kind !== "msk" && auth !== "iam" && src?.secretArn) access.push({ type: ACCESS_TYPE[auth], uri: src.secretArn });
    if (src?.rootCaSecretArn) access.push({ type: "SERVER_ROOT_CA_CERTIFICATE", uri: src.rootCaSecretArn });
    for (const id of args.subnetIds ?? []) access.push({ type: "VPC_SUBNET", uri: pulumi.interpolate`subnet:${id}` });
    for (const id of args.securityGroupIds ?? []) access.push({ type: "VPC_SECURITY_GROUP", uri: pulumi.interpolate`security_group:${id}` });
    const sourceAccessConfigurations = access.length ? access : undefined;
    if (kind === "self-managed") {
        return {
            selfManagedEventSource: { endpoints: { KAFKA_BOOTSTRAP_SERVERS: (src?.bootstrapServers ?? []).join(",") } },
            selfManagedKafkaEventSourceConfig: kafkaConfig,
            sourceAccessConfigurations,
        };
    }
    const eventSourceArn = kind === "msk-vpc-connection" ? args.vpcConnectionArn! : ctx.clusterArn;
    return { eventSourceArn, amazonManagedKafkaEventSourceConfig: kafkaConfig, sourceAccessConfigurations };
}

/** The mapping's schema registry settings (KafkaSchemaRegistryConfig): a Confluent registry's access configs only. */
function schemaRegistryConfig(c: ConsumerConfig, uri: pulumi.Input<string> | undefined) {
    const registry = c.schemaRegistry;
    if (!registry) return undefined;
    return {
        schemaRegistryUri: uri,
        eventRecordFormat: registry.eventRecordFormat,
        schemaValidationConfigs: registry.validate.map((attribute) => ({ attribute })),
        accessConfigs:
            registry.kind === "confluent"
                ? [
                      { type: registry.authentication, uri: registry.secretArn },
                      ...(registry.rootCaSecretArn ? [{ type: "SERVER_ROOT_CA_CERTIFICATE", uri: registry.rootCaSecretArn }] : []),
                  ]
                : undefined,
    };
}
