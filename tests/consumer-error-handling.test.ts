import * as assert from "assert";
import { execFile } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { parseFailureRecord } from "../lib/failure-records";
import type { Run } from "./helpers/sim";
import { mappingOf as mapping, rolePolicies, runStack } from "./helpers/stack";

const ACCOUNT = "123456789012";
const orders = { name: "orders", topic: "orders" };

const env = (r: Run): Record<string, string> => r.one("aws:lambda/function:Function").inputs.environment.variables;

describe("Consumer: error handling controls, poller groups, schema registry, durable idempotency", () => {
    describe("defaults (provisioned mode)", () => {
        let r: Run;
        before(async () => {
            r = await runStack({ consumers: [orders] });
        });

        it("maps a poison record to the failure destination: 10 retries, no age limit, bisect, partial batch responses", () => {
            const m = mapping(r).inputs;
            assert.deepStrictEqual(m.provisionedPollerConfig, { minimumPollers: 1, maximumPollers: 6 });
            assert.deepStrictEqual(
                [m.maximumRetryAttempts, m.maximumRecordAgeInSeconds, m.bisectBatchOnFunctionError, m.functionResponseTypes],
                [10, -1, true, ["ReportBatchItemFailures"]],
            );
            assert.match(m.destinationConfig.onFailure.destinationArn, /^arn:aws:sqs:/);
            // The mapping's EventCount metrics carry OnFailureDestinationDeliveredEventCount, which an alarm watches.
            assert.ok(m.metricsConfig.metrics.includes("EventCount"));
        });

        it("tells the handler the record formats, that partial batch responses are on, and its idempotency table", () => {
            const e = env(r);
            assert.deepStrictEqual(
                [e.KAFKA_KEY_FORMAT, e.KAFKA_VALUE_FORMAT, e.REPORT_BATCH_ITEM_FAILURES, e.IDEMPOTENCY_TABLE, e.IDEMPOTENCY_EXPIRES_AFTER_SECONDS],
                ["STRING", "JSON", "true", "msk-lambda-test-orders-idempotency", "86400"],
            );
        });

        it("creates the idempotency table: on demand, customer-managed key, TTL on the expiry attribute, keyed on id", () => {
            const t = r.one("aws:dynamodb/table:Table").inputs;
            const key = r.one("aws:kms/key:Key", "msk-lambda-test-orders-idempotency-key");
            assert.deepStrictEqual(
                [t.name, t.billingMode, t.hashKey, t.attributes, t.ttl],
                ["msk-lambda-test-orders-idempotency", "PAY_PER_REQUEST", "id", [{ name: "id", type: "S" }], { attributeName: "expiration", enabled: true }],
            );
            assert.deepStrictEqual(t.serverSideEncryption, { enabled: true, kmsKeyArn: `arn:aws:kms:us-east-1:${ACCOUNT}:key/${key.rawState.keyId}` });
            assert.strictEqual(key.inputs.enableKeyRotation, true);
            // dev: no point-in-time recovery, not protected.
            assert.deepStrictEqual([t.pointInTimeRecovery, t.deletionProtectionEnabled], [{ enabled: false }, false]);
            const planned = r.one("aws:dynamodb/table:Table");
            assert.deepStrictEqual([planned.options.protect, planned.options.retainOnDelete], [false, false]);
        });

        it("lets the role get, put, update, batch-write and delete items of exactly that table, and use its key only through DynamoDB", () => {
            const t = r.one("aws:dynamodb/table:Table");
            const key = r.one("aws:kms/key:Key", "msk-lambda-test-orders-idempotency-key");
            assert.deepStrictEqual(rolePolicies(r).idempotency, [
                {
                    Sid: "IdempotencyRecords",
                    Effect: "Allow",
                    Action: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:BatchWriteItem", "dynamodb:DeleteItem"],
                    Resource: `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/${t.inputs.name}`,
                },
                {
                    Sid: "IdempotencyTableKey",
                    Effect: "Allow",
                    Action: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"],
                    Resource: `arn:aws:kms:us-east-1:${ACCOUNT}:key/${key.rawState.keyId}`,
                    Condition: { StringEquals: { "kms:ViaService": "dynamodb.us-east-1.amazonaws.com" } },
                },
            ]);
            // The function waits for its idempotency grant (its first batch would fail without it).
            const fn = r.one("aws:lambda/function:Function");
            const policy = r.one("aws:iam/rolePolicy:RolePolicy", "consumer-orders-idempotency");
            assert.ok(fn.dependencies.includes(policy.urn));
        });

        it("alarms on records sent to the failure destination (by mapping) and on idempotency table throttles", () => {
            const alarms = Object.fromEntries(r.ofType("aws:cloudwatch/metricAlarm:MetricAlarm").map((a) => [a.name, a.inputs]));
            const sent = alarms["consumer-orders-failure-records"];
            assert.deepStrictEqual(
                [sent.namespace, sent.metricName, sent.statistic, sent.threshold, sent.evaluationPeriods, sent.dimensions],
                ["AWS/Lambda", "OnFailureDestinationDeliveredEventCount", "Sum", 0, 1, { EventSourceMappingUUID: mapping(r).rawState.uuid }],
            );
            const throttles = alarms["consumer-orders-idempotency-throttles"];
            assert.deepStrictEqual(
                throttles.metricQueries.map((q: any) => q.metric?.metricName ?? q.expression),
                ["ReadThrottleEvents", "WriteThrottleEvents", "t0 + t1"],
            );
            assert.deepStrictEqual(throttles.metricQueries[0].metric.dimensions, { TableName: "msk-lambda-test-orders-idempotency" });
            assert.deepStrictEqual(Object.keys(r.outputs.consumers.orders.alarmArns).sort(), [
                "destinationDeliveryFailuresAlarm",
                "errorsAlarm",
                "failureRecordsAlarm",
                "idempotencyThrottlesAlarm",
                "offsetLagAlarm",
                "throttlesAlarm",
            ]);
        });

        it("shows the mapping's failure-destination and dropped records and the table's throttles on the dashboard", () => {
            const widgets = JSON.parse(r.one("aws:cloudwatch/dashboard:Dashboard").inputs.dashboardBody).widgets;
            const metrics = JSON.stringify(widgets.map((w: any) => w.properties.metrics ?? []));
            assert.ok(
                metrics.includes(`"AWS/Lambda","OnFailureDestinationDeliveredEventCount","EventSourceMappingUUID","${mapping(r).rawState.uuid}"`),
                metrics,
            );
            assert.ok(metrics.includes(`"AWS/Lambda","DroppedEventCount","EventSourceMappingUUID"`));
            assert.ok(metrics.includes(`"AWS/DynamoDB","WriteThrottleEvents","TableName","msk-lambda-test-orders-idempotency"`));
        });
    });

    it("prod: the idempotency table has point-in-time recovery, deletion protection, protect and retain", async () => {
        const r = await runStack({ environment: "prod", network: { mode: "nat", azCount: 3 }, cluster: { authentication: "iam" }, consumers: [orders] });
        const t = r.one("aws:dynamodb/table:Table");
        assert.deepStrictEqual([t.inputs.pointInTimeRecovery, t.inputs.deletionProtectionEnabled], [{ enabled: true }, true]);
        assert.deepStrictEqual([t.options.protect, t.options.retainOnDelete], [true, true]);
    });

    it("on demand: no error handling controls on the mapping, and the handler throws instead of reporting failures", async () => {
        const r = await runStack({ consumers: [{ ...orders, provisionedPollers: false }] });
        const m = mapping(r).inputs;
        for (const k of ["provisionedPollerConfig", "maximumRetryAttempts", "maximumRecordAgeInSeconds", "bisectBatchOnFunctionError", "functionResponseTypes"])
            assert.strictEqual(m[k], undefined, k);
        assert.strictEqual(env(r).REPORT_BATCH_ITEM_FAILURES, "false");
    });

    it("passes a poller group and explicit controls to the mapping", async () => {
        const r = await runStack({
            consumers: [
                {
                    ...orders,
                    provisionedPollers: { minimum: 2, maximum: 4, pollerGroupName: "team-a" },
                    maximumRetryAttempts: 2,
                    maximumRecordAgeSeconds: 3600,
                    reportBatchItemFailures: false,
                },
            ],
        });
        const m = mapping(r).inputs;
        assert.deepStrictEqual(m.provisionedPollerConfig, { minimumPollers: 2, maximumPollers: 4, pollerGroupName: "team-a" });
        assert.deepStrictEqual([m.maximumRetryAttempts, m.maximumRecordAgeInSeconds, m.functionResponseTypes], [2, 3600, undefined]);
        assert.strictEqual(env(r).REPORT_BATCH_ITEM_FAILURES, "false");
    });

    it("idempotency opt-out: no table, key, grant, variable or throttle alarm", async () => {
        const r = await runStack({ consumers: [{ ...orders, idempotency: { enabled: false } }] });
        assert.strictEqual(r.ofType("aws:dynamodb/table:Table").length, 0);
        assert.strictEqual(r.ofType("aws:kms/key:Key").filter((k) => k.name.includes("idempotency")).length, 0);
        assert.strictEqual(rolePolicies(r).idempotency, undefined);
        assert.strictEqual(env(r).IDEMPOTENCY_TABLE, undefined);
        assert.ok(!r.ofType("aws:cloudwatch/metricAlarm:MetricAlarm").some((a) => a.name.includes("idempotency")));
    });

    describe("schema registry", () => {
        it("creates an AWS Glue registry and lets the role read exactly it and its schemas", async () => {
            const r = await runStack({ consumers: [{ ...orders, schemaRegistry: { glueRegistryArn: "create", validate: ["KEY", "VALUE"] } }] });
            const registry = r.one("aws:glue/registry:Registry");
            const arn = `arn:aws:glue:us-east-1:${ACCOUNT}:registry/${registry.inputs.registryName}`;
            const m = mapping(r);
            assert.deepStrictEqual(m.inputs.amazonManagedKafkaEventSourceConfig, {
                consumerGroupId: "msk-lambda-test-orders",
                schemaRegistryConfig: {
                    schemaRegistryUri: arn,
                    eventRecordFormat: "JSON",
                    schemaValidationConfigs: [{ attribute: "KEY" }, { attribute: "VALUE" }],
                },
            });
            assert.deepStrictEqual(m.propertyDependencies.amazonManagedKafkaEventSourceConfig, [registry.urn]);
            assert.deepStrictEqual(rolePolicies(r)["schema-registry"], [
                { Sid: "ReadSchemaRegistry", Effect: "Allow", Action: "glue:GetRegistry", Resource: arn },
                {
                    Sid: "ReadSchemaVersions",
                    Effect: "Allow",
                    Action: "glue:GetSchemaVersion",
                    Resource: [arn, `arn:aws:glue:us-east-1:${ACCOUNT}:schema/${registry.inputs.registryName}/*`],
                },
            ]);
            // Keys and values validated by the registry arrive as JSON.
            assert.deepStrictEqual([env(r).KAFKA_KEY_FORMAT, env(r).KAFKA_VALUE_FORMAT], ["JSON", "JSON"]);
        });

        it("uses an existing AWS Glue registry without creating one; SOURCE records reach the handler as bytes", async () => {
            const arn = "arn:aws:glue:us-east-1:111122223333:registry/shared-schemas";
            const r = await runStack({ consumers: [{ ...orders, schemaRegistry: { glueRegistryArn: arn, eventRecordFormat: "SOURCE" } }] });
            assert.strictEqual(r.ofType("aws:glue/registry:Registry").length, 0);
            assert.strictEqual(mapping(r).inputs.amazonManagedKafkaEventSourceConfig.schemaRegistryConfig.schemaRegistryUri, arn);
            assert.deepStrictEqual(rolePolicies(r)["schema-registry"][1].Resource, [arn, "arn:aws:glue:us-east-1:111122223333:schema/shared-schemas/*"]);
            assert.deepStrictEqual([env(r).KAFKA_KEY_FORMAT, env(r).KAFKA_VALUE_FORMAT], ["STRING", "SOURCE"]);
        });

        it("authenticates to a Confluent registry with its secrets, which the role may read (and decrypt only via Secrets Manager)", async () => {
            const secretArn = "arn:aws:secretsmanager:us-east-1:111122223333:secret:registry-mtls-AbCdEf";
            const rootCaSecretArn = "arn:aws:secretsmanager:us-east-1:111122223333:secret:registry-ca-AbCdEf";
            const secretKmsKeyArn = "arn:aws:kms:us-east-1:111122223333:key/11111111-2222-3333-4444-555555555555";
            const r = await runStack({
                consumers: [
                    {
                        ...orders,
                        schemaRegistry: {
                            uri: "https://registry.example.com",
                            authentication: "CLIENT_CERTIFICATE_TLS_AUTH",
                            secretArn,
                            rootCaSecretArn,
                            secretKmsKeyArn,
                        },
                    },
                ],
            });
            assert.deepStrictEqual(mapping(r).inputs.amazonManagedKafkaEventSourceConfig.schemaRegistryConfig, {
                schemaRegistryUri: "https://registry.example.com",
                eventRecordFormat: "JSON",
                schemaValidationConfigs: [{ attribute: "VALUE" }],
                accessConfigs: [
                    { type: "CLIENT_CERTIFICATE_TLS_AUTH", uri: secretArn },
                    { type: "SERVER_ROOT_CA_CERTIFICATE", uri: rootCaSecretArn },
                ],
            });
            assert.deepStrictEqual(rolePolicies(r)["schema-registry"], [
                { Sid: "ReadSchemaRegistrySecrets", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: [secretArn, rootCaSecretArn] },
                {
                    Sid: "DecryptSchemaRegistrySecrets",
                    Effect: "Allow",
                    Action: "kms:Decrypt",
                    Resource: secretKmsKeyArn,
                    Condition: { StringEquals: { "kms:ViaService": "secretsmanager.us-east-1.amazonaws.com" } },
                },
            ]);
        });
    });
});

describe("Consumer: a Kafka topic as the on-failure destination", () => {
    it("maps kafka://<topic>, lets the role write exactly that topic, and creates no queue, key or endpoint for it", async () => {
        const r = await runStack({ consumers: [{ ...orders, onFailure: { type: "kafka", topic: "orders-failures" } }] });
        assert.deepStrictEqual(mapping(r).inputs.destinationConfig, { onFailure: { destinationArn: "kafka://orders-failures" } });
        const uuid = /cluster\/msk-lambda-test\/([^/]+)$/.exec(r.outputs.clusterArn)![1];
        const p = rolePolicies(r);
        assert.deepStrictEqual(
            p.kafka.find((s) => s.Sid === "WriteFailureTopic"),
            {
                Sid: "WriteFailureTopic",
                Effect: "Allow",
                Action: ["kafka-cluster:DescribeTopic", "kafka-cluster:WriteData"],
                Resource: `arn:aws:kafka:us-east-1:${ACCOUNT}:topic/msk-lambda-test/${uuid}/orders-failures`,
            },
        );
        assert.strictEqual(p.destinations, undefined, "no empty destinations policy");
        assert.strictEqual(r.ofType("aws:sqs/queue:Queue").length, 0);
        assert.ok(!r.ofType("aws:ec2/vpcEndpoint:VpcEndpoint").some((e) => /sqs|sns/.test(String(e.inputs.serviceName))));
        assert.strictEqual(r.outputs.consumers.orders.failureDestinationArn, "kafka://orders-failures");
    });

    it("creates the failure topic with the consumers' topics, and the mapping waits for it", async () => {
        const r = await runStack({ consumers: [{ ...orders, onFailure: { type: "kafka", topic: "orders-failures" } }] });
        const failureTopic = r.ofType("aws:msk/topic:Topic").find((t) => t.inputs.name === "orders-failures");
        assert.ok(failureTopic, "the stack creates the failure topic");
        assert.ok(mapping(r).dependencies.includes(failureTopic.urn), "the mapping waits for its failure topic");
    });
});

describe("failure records from a Kafka failure topic", () => {
    const fixture = () => fs.readFileSync(path.join(__dirname, "fixtures", "esm-failure-kafka.json"), "utf8");

    it("reads the message value Lambda writes to the topic: condition, function, the failed records' offsets", () => {
        const r = parseFailureRecord(fixture());
        assert.ok(r.kind === "kafka");
        assert.deepStrictEqual([r.condition, r.approximateInvokeCount, r.functionError, r.batchSize], ["RetriesExhausted", 3, "Unhandled", 1]);
        assert.deepStrictEqual(r.ranges, [
            {
                topic: "my-topic",
                partition: 0,
                firstOffset: "100",
                lastOffset: "100",
                firstTimestamp: "2025-06-05T09:44:52.330Z",
                lastTimestamp: "2025-06-05T09:44:52.330Z",
            },
        ]);
        assert.strictEqual((r.payload as any).records["my-topic-0"][0].value, "dGVzdC12YWx1ZQ==");
    });

    it("refuses a Kafka-topic record whose payload has no records", () => {
        const doc = JSON.parse(fixture());
        assert.throws(
            () => parseFailureRecord({ ...doc, payload: { records: { "my-topic-0": [] } } }),
            /payload.records\["my-topic-0"\] is not a list of records/,
        );
    });

    it("npm run failure-record prints the topic, partition and offsets", async () => {
        const out = await new Promise<string>((resolve, reject) =>
            execFile(
                process.execPath,
                [
                    "-r",
                    "ts-node/register/transpile-only",
                    path.join(__dirname, "..", "plan", "failure-record.ts"),
                    path.join(__dirname, "fixtures", "esm-failure-kafka.json"),
                ],
                { env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "1" } },
                (err, stdout) => (err ? reject(err) : resolve(stdout)),
            ),
        );
        assert.match(out, /Event source mapping failure: RetriesExhausted/);
        assert.match(out, /my-topic partition 0: offsets 100\.\.100/);
    });
});
