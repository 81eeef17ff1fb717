/**
 * The pack's Kafka error handling, poller group and schema registry rules, over the Analyzer protocol, on mappings
 * registered as plain `aws` resources by another program: Amazon MSK and self-managed Kafka, good, bad and preview.
 */
import * as assert from "assert";
import { ACCOUNT, check, CLUSTER_ARN, of, res, UNKNOWN } from "./helpers/pack";

const ESM = "aws:lambda/eventSourceMapping:EventSourceMapping";
const QUEUE_ARN = `arn:aws:sqs:us-east-1:${ACCOUNT}:failures`;
const SECRET = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:registry-AbCdEf`;
const GLUE = `arn:aws:glue:us-east-1:${ACCOUNT}:registry/orders`;
const PROVISIONED = { provisionedPollerConfig: { minimumPollers: 1, maximumPollers: 10 } };

const msk = (name: string, props: Record<string, unknown>) =>
    res(ESM, name, { eventSourceArn: CLUSTER_ARN, functionName: "f", topics: ["orders"], startingPosition: "LATEST", ...props });
const selfManaged = (name: string, props: Record<string, unknown>) =>
    res(ESM, name, {
        functionName: "f",
        topics: ["orders"],
        startingPosition: "LATEST",
        selfManagedEventSource: { endpoints: { KAFKA_BOOTSTRAP_SERVERS: "b-1.example.com:9092" } },
        ...props,
    });
const sqs = (name: string, props: Record<string, unknown>) =>
    res(ESM, name, { eventSourceArn: `arn:aws:sqs:us-east-1:${ACCOUNT}:in`, functionName: "f", ...props });

describe("policy pack: Kafka error handling, poller groups, schema registry", function () {
    this.timeout(60000);

    describe("aws-native mappings (the same rules, read through the provider adapter)", () => {
        const NATIVE = "aws-native:lambda:EventSourceMapping";
        const native = (name: string, props: Record<string, unknown>) =>
            res(NATIVE, name, { eventSourceArn: CLUSTER_ARN, functionName: "f", topics: ["orders"], startingPosition: "LATEST", ...props });

        it("refuses out-of-range controls and controls on demand, and accepts them in provisioned mode", async () => {
            const bad = of(await check(native("bad", { ...PROVISIONED, maximumRetryAttempts: 10001 })), "kafka-mapping-error-handling");
            assert.strictEqual(bad.length, 1);
            assert.match(bad[0].message, /maximumRetryAttempts/);
            assert.strictEqual(of(await check(native("on-demand", { bisectBatchOnFunctionError: true })), "kafka-mapping-error-handling").length, 1);
            assert.deepStrictEqual(
                of(
                    await check(native("good", { ...PROVISIONED, maximumRetryAttempts: 10, functionResponseTypes: ["ReportBatchItemFailures"] })),
                    "kafka-mapping-error-handling",
                ),
                [],
            );
        });

        it("judges the schema registry and poller group an aws-native mapping configures", async () => {
            const registry = (schemaRegistryConfig: unknown, extra: Record<string, unknown> = {}) =>
                native("r", { amazonManagedKafkaEventSourceConfig: { consumerGroupId: "g", schemaRegistryConfig }, ...extra });
            const glue = { schemaRegistryUri: GLUE, eventRecordFormat: "JSON", schemaValidationConfigs: [{ attribute: "VALUE" }] };
            assert.deepStrictEqual(of(await check(registry(glue, PROVISIONED)), "kafka-mapping-schema-registry"), []);
            assert.strictEqual(of(await check(registry(glue)), "kafka-mapping-schema-registry").length, 1, "on demand");
            assert.strictEqual(of(await check(registry({ ...glue, eventRecordFormat: "AVRO" }, PROVISIONED)), "kafka-mapping-schema-registry").length, 1);
        });
    });

    describe("kafka-mapping-error-handling", () => {
        const good = {
            ...PROVISIONED,
            maximumRetryAttempts: 10,
            maximumRecordAgeInSeconds: 3600,
            bisectBatchOnFunctionError: true,
            functionResponseTypes: ["ReportBatchItemFailures"],
        };
        for (const [kind, make] of [
            ["MSK", msk],
            ["self-managed", selfManaged],
        ] as const) {
            it(`${kind}: accepts the controls in provisioned mode, and the infinite values (-1)`, async () => {
                assert.deepStrictEqual(of(await check(make("m", good)), "kafka-mapping-error-handling"), []);
                assert.deepStrictEqual(
                    of(await check(make("m", { ...PROVISIONED, maximumRetryAttempts: -1, maximumRecordAgeInSeconds: -1 })), "kafka-mapping-error-handling"),
                    [],
                );
                assert.deepStrictEqual(
                    of(await check(make("m", { ...PROVISIONED, maximumRetryAttempts: 0, maximumRecordAgeInSeconds: 60 })), "kafka-mapping-error-handling"),
                    [],
                );
            });
            it(`${kind}: refuses out-of-range values and unknown response types, naming each`, async () => {
                const d = of(
                    await check(
                        make("bad", {
                            ...PROVISIONED,
                            maximumRetryAttempts: 10001,
                            maximumRecordAgeInSeconds: 59,
                            functionResponseTypes: ["ReportBatchItemFailures", "Partial"],
                        }),
                    ),
                    "kafka-mapping-error-handling",
                    "mandatory",
                );
                assert.strictEqual(d.length, 1);
                assert.match(d[0].message, /Kafka event source mapping 'bad'/);
                assert.match(d[0].message, /maximumRetryAttempts is 10001; allowed -1 \(infinite\) or 0 to 10000/);
                assert.match(d[0].message, /maximumRecordAgeInSeconds is 59; allowed -1 \(infinite\) or 60 to 604800/);
                assert.match(d[0].message, /functionResponseTypes lists "Partial"/);
                const zero = of(
                    await check(make("zero", { ...PROVISIONED, maximumRecordAgeInSeconds: 0, maximumRetryAttempts: -2 })),
                    "kafka-mapping-error-handling",
                );
                assert.match(zero[0].message, /maximumRetryAttempts is -2.*maximumRecordAgeInSeconds is 0/);
            });
            it(`${kind}: refuses controls on an on-demand mapping, in the docs' words`, async () => {
                const d = of(
                    await check(make("ondemand", { maximumRetryAttempts: 3, functionResponseTypes: ["ReportBatchItemFailures"] })),
                    "kafka-mapping-error-handling",
                );
                assert.strictEqual(d.length, 1);
                assert.match(
                    d[0].message,
                    /sets maximumRetryAttempts, functionResponseTypes without provisionedPollerConfig: .*"Under Event poller configuration, select provisioned mode to configure error handling controls"/,
                );
                // Lambda's own defaults on demand are no controls at all.
                assert.deepStrictEqual(
                    of(await check(make("dflt", { maximumRetryAttempts: -1, bisectBatchOnFunctionError: false })), "kafka-mapping-error-handling"),
                    [],
                );
            });
        }
        it("refuses a Kafka failure topic on demand, or one that is a source topic; accepts it in provisioned mode", async () => {
            const kafka = (topic: string) => ({ destinationConfig: { onFailure: { destinationArn: `kafka://${topic}` } } });
            const od = of(await check(msk("od", kafka("orders-failures"))), "kafka-mapping-error-handling");
            assert.match(od[0].message, /"A Kafka on-failure destination is only available for event source mappings with provisioned mode enabled"/);
            const loop = of(await check(selfManaged("loop", { ...PROVISIONED, ...kafka("orders") })), "kafka-mapping-error-handling");
            assert.match(loop[0].message, /kafka:\/\/orders is one of its source topics/);
            assert.deepStrictEqual(of(await check(msk("ok", { ...PROVISIONED, ...kafka("orders-failures") })), "kafka-mapping-error-handling"), []);
        });
        it("ignores non-Kafka mappings (SQS has its own rules)", async () => {
            assert.deepStrictEqual(
                of(await check(sqs("q", { maximumRetryAttempts: 20000, functionResponseTypes: ["ReportBatchItemFailures"] })), "kafka-mapping-error-handling"),
                [],
            );
        });
        it("preview: an unknown value is a can't-run note, not a violation; an unknown provisioned config is not judged", async () => {
            const d = of(await check(msk("p", { ...PROVISIONED, maximumRetryAttempts: UNKNOWN })), "kafka-mapping-error-handling");
            assert.strictEqual(d.length, 1, JSON.stringify(d));
            assert.strictEqual(d[0].enforcementLevel, "advisory");
            assert.deepStrictEqual(
                of(await check(msk("p", { provisionedPollerConfig: UNKNOWN, maximumRetryAttempts: 3 })), "kafka-mapping-error-handling", "mandatory"),
                [],
            );
        });
    });

    describe("kafka-mapping-poller-groups", () => {
        const grouped = (i: number, max?: number) =>
            msk(`m${i}`, { provisionedPollerConfig: { minimumPollers: 1, ...(max === undefined ? {} : { maximumPollers: max }), pollerGroupName: "shared" } });
        it("accepts 10 mappings at Lambda's default maximum (2000 pollers)", async () => {
            assert.deepStrictEqual(of(await check(Array.from({ length: 10 }, (_, i) => grouped(i))), "kafka-mapping-poller-groups"), []);
        });
        it("refuses a poller group on a non-Kafka (SQS) mapping", async () => {
            const d = of(await check(sqs("q", { provisionedPollerConfig: { minimumPollers: 2, pollerGroupName: "shared" } })), "kafka-mapping-poller-groups");
            assert.strictEqual(d.length, 1);
            assert.match(d[0].message, /'q' sets pollerGroupName "shared", which Lambda takes only for Amazon MSK and self-managed Kafka mappings/);
        });
        it("refuses 11 mappings at the default maximum, and 101 mappings of one poller each", async () => {
            const d = of(await check(Array.from({ length: 11 }, (_, i) => grouped(i))), "kafka-mapping-poller-groups", "mandatory");
            assert.strictEqual(d.length, 1);
            assert.match(
                d[0].message,
                /Poller group "shared" adds up to 2200 maximum pollers \(a mapping without maximumPollers counts 200\); Lambda allows at most 2000/,
            );
            const many = of(await check(Array.from({ length: 101 }, (_, i) => grouped(i, 1))), "kafka-mapping-poller-groups");
            assert.strictEqual(many.length, 1);
            assert.match(many[0].message, /has 101 event source mappings; Lambda allows at most 100 per group/);
        });
    });

    describe("kafka-mapping-schema-registry", () => {
        const glue = { schemaRegistryUri: GLUE, eventRecordFormat: "JSON", schemaValidationConfigs: [{ attribute: "VALUE" }] };
        it("accepts AWS Glue and Confluent registries in provisioned mode, MSK and self-managed", async () => {
            assert.deepStrictEqual(
                of(
                    await check(msk("g", { ...PROVISIONED, amazonManagedKafkaEventSourceConfig: { consumerGroupId: "g", schemaRegistryConfig: glue } })),
                    "kafka-mapping-schema-registry",
                ),
                [],
            );
            const confluent = {
                schemaRegistryUri: "https://registry.example.com",
                eventRecordFormat: "SOURCE",
                schemaValidationConfigs: [{ attribute: "KEY" }, { attribute: "VALUE" }],
                accessConfigs: [
                    { type: "BASIC_AUTH", uri: SECRET },
                    { type: "SERVER_ROOT_CA_CERTIFICATE", uri: SECRET },
                ],
            };
            assert.deepStrictEqual(
                of(
                    await check(selfManaged("c", { ...PROVISIONED, selfManagedKafkaEventSourceConfig: { schemaRegistryConfig: confluent } })),
                    "kafka-mapping-schema-registry",
                ),
                [],
            );
        });
        it("refuses a schema registry on demand, in the docs' words", async () => {
            const d = of(
                await check(msk("od", { amazonManagedKafkaEventSourceConfig: { schemaRegistryConfig: glue } })),
                "kafka-mapping-schema-registry",
                "mandatory",
            );
            assert.strictEqual(d.length, 1);
            assert.match(d[0].message, /"This feature is only available for event source mappings using provisioned mode"/);
        });
        it("refuses bad formats, attributes, access configs, Glue credentials and credentials over plain HTTP", async () => {
            const bad = (cfg: Record<string, unknown>) =>
                check(selfManaged("bad", { ...PROVISIONED, selfManagedKafkaEventSourceConfig: { schemaRegistryConfig: cfg } })).then((d) =>
                    of(d, "kafka-mapping-schema-registry").map((x) => x.message),
                );
            assert.match((await bad({ ...glue, eventRecordFormat: "AVRO" }))[0], /eventRecordFormat is "AVRO"; allowed JSON or SOURCE/);
            assert.match((await bad({ ...glue, schemaValidationConfigs: [{ attribute: "HEADERS" }] }))[0], /attribute "HEADERS"; allowed KEY or VALUE/);
            assert.match((await bad({ ...glue, schemaValidationConfigs: [{ attribute: "KEY" }, { attribute: "KEY" }] }))[0], /lists KEY twice/);
            assert.match(
                (await bad({ ...glue, accessConfigs: [{ type: "BASIC_AUTH", uri: SECRET }] }))[0],
                /accessConfigs for an AWS Glue registry, which takes none/,
            );
            const tooMany = await bad({
                schemaRegistryUri: "https://r",
                accessConfigs: [
                    { type: "BASIC_AUTH", uri: SECRET },
                    { type: "SERVER_ROOT_CA_CERTIFICATE", uri: SECRET },
                    { type: "SASL_SCRAM_512_AUTH", uri: "my-password" },
                ],
            });
            assert.match(tooMany[0], /3 accessConfigs; at most 2/);
            assert.match(tooMany[0], /type "SASL_SCRAM_512_AUTH"; allowed BASIC_AUTH, CLIENT_CERTIFICATE_TLS_AUTH, SERVER_ROOT_CA_CERTIFICATE/);
            assert.match(tooMany[0], /names "my-password", which is not a Secrets Manager secret ARN/);
            assert.match(
                (await bad({ schemaRegistryUri: "http://registry:8081", accessConfigs: [{ type: "BASIC_AUTH", uri: SECRET }] }))[0],
                /plain http:\/\/ and the mapping authenticates to it/,
            );
            assert.match((await bad({ schemaRegistryUri: "registry:8081" }))[0], /neither an AWS Glue registry ARN nor a registry URL/);
        });
        it("preview: a registry created in the same run (unknown ARN) is judged on what is known", async () => {
            const d = of(
                await check(
                    msk("p", { ...PROVISIONED, amazonManagedKafkaEventSourceConfig: { schemaRegistryConfig: { ...glue, schemaRegistryUri: UNKNOWN } } }),
                ),
                "kafka-mapping-schema-registry",
                "mandatory",
            );
            assert.deepStrictEqual(d, []);
        });
    });

    describe("kafka-mapping-unbounded-retries (advisory)", () => {
        it("warns about a mapping with infinite retries and no age limit, MSK or self-managed", async () => {
            for (const m of [msk("forever", {}), selfManaged("forever", { ...PROVISIONED, maximumRetryAttempts: -1, maximumRecordAgeInSeconds: -1 })]) {
                const d = of(await check(m), "kafka-mapping-unbounded-retries");
                assert.strictEqual(d.length, 1);
                assert.strictEqual(d[0].enforcementLevel, "advisory");
                assert.match(d[0].message, /retries a failing batch forever and has no record age limit: one record .* blocks its partition/);
            }
            // On demand, a failure destination does not bound the retries.
            assert.strictEqual(
                of(await check(msk("od", { destinationConfig: { onFailure: { destinationArn: QUEUE_ARN } } })), "kafka-mapping-unbounded-retries").length,
                1,
            );
        });
        it("is quiet with bounded retries, an age limit, or a failure destination in provisioned mode (Lambda applies 10 retries)", async () => {
            for (const props of [
                { ...PROVISIONED, maximumRetryAttempts: 5 },
                { ...PROVISIONED, maximumRecordAgeInSeconds: 3600 },
                { ...PROVISIONED, destinationConfig: { onFailure: { destinationArn: QUEUE_ARN } } },
                { ...PROVISIONED, maximumRetryAttempts: UNKNOWN },
            ])
                assert.deepStrictEqual(of(await check(msk("ok", props)), "kafka-mapping-unbounded-retries"), [], JSON.stringify(props));
            assert.deepStrictEqual(of(await check(sqs("q", {})), "kafka-mapping-unbounded-retries"), []);
        });
    });
});
