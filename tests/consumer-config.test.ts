import * as assert from "assert";
import { ConfigError, parseStackConfig } from "../lib/config";
import { destinationTypeOfArn } from "../lib/consumer-config";
import { pki } from "./helpers/pki";
import { rawConfig, type StackInput } from "./helpers/stack";

const ok = { name: "orders", topic: "orders" };

function parse(input: StackInput) {
    const { config, secretKeys } = rawConfig(input);
    return parseStackConfig(config, { project: "msk-lambda", stack: "dev", secretKeys });
}

function issues(input: StackInput) {
    try {
        parse(input);
    } catch (e) {
        assert.ok(e instanceof ConfigError, String(e));
        return (e as ConfigError).issues;
    }
    assert.fail("expected the config to be refused");
}

const CA = "arn:aws:acm-pca:us-east-1:111122223333:certificate-authority/11111111-2222-3333-4444-555555555555";

describe("consumer config", () => {
    it("fills every default", () => {
        const [c] = parse({ consumers: [ok] }).consumers;
        assert.deepStrictEqual(c, {
            name: "orders",
            topic: "orders",
            consumerGroupId: "msk-lambda-dev-orders",
            startingPosition: "LATEST",
            startingPositionTimestamp: undefined,
            batchSize: 100,
            maximumBatchingWindowSeconds: undefined,
            filters: [],
            // Provisioned mode with the error handling controls on (see README, "Poison records").
            provisionedPollers: { minimum: 1, maximum: 6 },
            maximumRetryAttempts: 10,
            maximumRecordAgeSeconds: -1,
            bisectBatchOnFunctionError: true,
            reportBatchItemFailures: true,
            schemaRegistry: undefined,
            idempotency: { enabled: true, expiresAfterSeconds: 86_400 },
            enabled: true,
            timeoutSeconds: 60,
            memorySizeMb: 256,
            reservedConcurrency: undefined,
            onFailure: { kind: "create", type: "sqs" },
            asyncDestinations: undefined,
            offsetLagAlarm: { enabled: true, threshold: 1000, evaluationMinutes: 5 },
            errorsAlarm: { enabled: true, threshold: 4, evaluationMinutes: 5 },
            throttlesAlarm: { enabled: true, threshold: 0, evaluationMinutes: 3 },
            destinationDeliveryFailuresAlarm: { enabled: true, threshold: 0, evaluationMinutes: 1 },
            failureRecordsAlarm: { enabled: true, threshold: 0, evaluationMinutes: 1 },
            idempotencyThrottlesAlarm: { enabled: true, threshold: 0, evaluationMinutes: 3 },
            filterKmsKeyArn: undefined,
        });
    });

    it("on demand (provisionedPollers: false) leaves the error handling controls to Lambda's defaults", () => {
        const [c] = parse({ consumers: [{ ...ok, provisionedPollers: false }] }).consumers;
        assert.deepStrictEqual(
            [c.provisionedPollers, c.maximumRetryAttempts, c.maximumRecordAgeSeconds, c.bisectBatchOnFunctionError, c.reportBatchItemFailures],
            [undefined, undefined, undefined, undefined, undefined],
        );
        // Values equal to Lambda's on-demand behaviour are accepted as no-ops.
        parse({ consumers: [{ ...ok, provisionedPollers: false, maximumRetryAttempts: -1, bisectBatchOnFunctionError: false }] });
    });

    it("takes error handling controls and a poller group in provisioned mode", () => {
        const [c] = parse({
            consumers: [
                {
                    ...ok,
                    provisionedPollers: { minimum: 2, maximum: 20, pollerGroupName: "team-a" },
                    maximumRetryAttempts: 0,
                    maximumRecordAgeSeconds: 3600,
                    bisectBatchOnFunctionError: false,
                    reportBatchItemFailures: false,
                },
            ],
        }).consumers;
        assert.deepStrictEqual(c.provisionedPollers, { minimum: 2, maximum: 20, pollerGroupName: "team-a" });
        assert.deepStrictEqual(
            [c.maximumRetryAttempts, c.maximumRecordAgeSeconds, c.bisectBatchOnFunctionError, c.reportBatchItemFailures],
            [0, 3600, false, false],
        );
        const [g] = parse({ consumers: [{ ...ok, provisionedPollers: { pollerGroupName: "team-a" } }] }).consumers;
        assert.deepStrictEqual(g.provisionedPollers, { pollerGroupName: "team-a" });
    });

    it("takes a schema registry: AWS Glue (existing or created) or Confluent with its secrets", () => {
        const glue = "arn:aws:glue:us-east-1:111122223333:registry/orders-schemas";
        const [a] = parse({ consumers: [{ ...ok, schemaRegistry: { glueRegistryArn: glue } }] }).consumers;
        assert.deepStrictEqual(a.schemaRegistry, { kind: "glue", glueRegistryArn: glue, eventRecordFormat: "JSON", validate: ["VALUE"] });
        const [b] = parse({
            consumers: [{ ...ok, schemaRegistry: { glueRegistryArn: "create", eventRecordFormat: "SOURCE", validate: ["KEY", "VALUE"] } }],
        }).consumers;
        assert.deepStrictEqual(b.schemaRegistry, { kind: "glue-create", eventRecordFormat: "SOURCE", validate: ["KEY", "VALUE"] });
        const secretArn = "arn:aws:secretsmanager:us-east-1:111122223333:secret:registry-basic-AbCdEf";
        const [c] = parse({
            consumers: [{ ...ok, schemaRegistry: { uri: "https://registry.example.com:8081", authentication: "BASIC_AUTH", secretArn } }],
        }).consumers;
        assert.deepStrictEqual(c.schemaRegistry, {
            kind: "confluent",
            uri: "https://registry.example.com:8081",
            authentication: "BASIC_AUTH",
            secretArn,
            secretKmsKeyArn: undefined,
            rootCaSecretArn: undefined,
            eventRecordFormat: "JSON",
            validate: ["VALUE"],
        });
    });

    it("takes a Kafka topic as the failure destination", () => {
        const [c] = parse({ consumers: [{ ...ok, onFailure: { type: "kafka", topic: "orders-failures" } }] }).consumers;
        assert.deepStrictEqual(c.onFailure, { kind: "kafka", type: "kafka", topic: "orders-failures" });
    });

    it("takes an idempotency opt-out and a retention", () => {
        const [c] = parse({ consumers: [{ ...ok, idempotency: { enabled: false } }] }).consumers;
        assert.deepStrictEqual(c.idempotency, { enabled: false, expiresAfterSeconds: 86_400 });
        const [d] = parse({ consumers: [{ ...ok, idempotency: { expiresAfterSeconds: 3600 } }] }).consumers;
        assert.deepStrictEqual(d.idempotency, { enabled: true, expiresAfterSeconds: 3600 });
    });

    it("normalises filter patterns given as objects or JSON text to compact JSON", () => {
        const [c] = parse({ consumers: [{ ...ok, filters: [{ value: { type: ["order"] } }, '{ "key": [ "a" ] }'] }] }).consumers;
        assert.deepStrictEqual(c.filters, ['{"value":{"type":["order"]}}', '{"key":["a"]}']);
    });

    it("accepts an existing destination and works out its type from the ARN", () => {
        const [c] = parse({
            consumers: [
                {
                    ...ok,
                    onFailure: {
                        arn: "arn:aws:sns:us-east-1:111122223333:shared-failures",
                        kmsKeyArn: "arn:aws:kms:us-east-1:111122223333:key/11111111-2222-3333-4444-555555555555",
                    },
                },
            ],
        }).consumers;
        assert.deepStrictEqual(c.onFailure, {
            kind: "existing",
            type: "sns",
            arn: "arn:aws:sns:us-east-1:111122223333:shared-failures",
            kmsKeyArn: "arn:aws:kms:us-east-1:111122223333:key/11111111-2222-3333-4444-555555555555",
        });
        assert.strictEqual(destinationTypeOfArn("arn:aws:s3:::bucket-name"), "s3");
        assert.strictEqual(destinationTypeOfArn("arn:aws:events:us-east-1:111122223333:event-bus/b"), "eventbridge");
        assert.strictEqual(destinationTypeOfArn("arn:aws:lambda:us-east-1:111122223333:function:f"), "lambda");
    });

    const c0 = "msk-lambda:consumers[0]";
    const table: [string, object | object[], string, RegExp][] = [
        ["a consumer that is not an object", ["orders"], c0, /must be an object/],
        ["a missing name", { topic: "t" }, `${c0}.name`, /required.*1-40 characters of a-z, 0-9 and -/],
        ["an upper-case name", { ...ok, name: "Orders" }, `${c0}.name`, /1-40 characters of a-z, 0-9 and -/],
        ["a 41-character name", { ...ok, name: "a".repeat(41) }, `${c0}.name`, /1-40 characters/],
        ["a missing topic", { name: "a" }, `${c0}.topic`, /required/],
        ["a topic list", { ...ok, topic: ["a", "b"] }, `${c0}.topic`, /must be a string/],
        ["a topic with a space", { ...ok, topic: "my topic" }, `${c0}.topic`, /1-249 characters of a-z/],
        ["the topic '..'", { ...ok, topic: ".." }, `${c0}.topic`, /not '\.' or '\.\.'/],
        ["a too-long consumer group id", { ...ok, consumerGroupId: "g".repeat(201) }, `${c0}.consumerGroupId`, /1-200 characters/],
        ["a consumer group id with a space", { ...ok, consumerGroupId: "my group" }, `${c0}.consumerGroupId`, /-\/\*:_\+=\.@/],
        ["an unknown starting position", { ...ok, startingPosition: "EARLIEST" }, `${c0}.startingPosition`, /"LATEST" \| "TRIM_HORIZON" \| "AT_TIMESTAMP"/],
        [
            "AT_TIMESTAMP without a timestamp",
            { ...ok, startingPosition: "AT_TIMESTAMP" },
            `${c0}.startingPositionTimestamp`,
            /required with startingPosition AT_TIMESTAMP/,
        ],
        [
            "a timestamp without AT_TIMESTAMP",
            { ...ok, startingPositionTimestamp: "2026-01-01T00:00:00Z" },
            `${c0}.startingPositionTimestamp`,
            /only allowed with startingPosition AT_TIMESTAMP/,
        ],
        [
            "a timestamp that is not RFC 3339",
            { ...ok, startingPosition: "AT_TIMESTAMP", startingPositionTimestamp: "yesterday" },
            `${c0}.startingPositionTimestamp`,
            /RFC 3339/,
        ],
        ["batch size 0", { ...ok, batchSize: 0 }, `${c0}.batchSize`, /from 1 to 10000/],
        ["batch size 10001", { ...ok, batchSize: 10001 }, `${c0}.batchSize`, /from 1 to 10000/],
        ["batching window 301", { ...ok, maximumBatchingWindowSeconds: 301 }, `${c0}.maximumBatchingWindowSeconds`, /from 0 to 300/],
        ["six filters", { ...ok, filters: Array(6).fill({ value: { a: [1] } }) }, `${c0}.filters`, /has 6 items: must have at most 5 items/],
        ["a filter that is not JSON", { ...ok, filters: ["{value"] }, `${c0}.filters[0]`, /not valid JSON/],
        ["a filter that is a list", { ...ok, filters: [[1]] }, `${c0}.filters[0]`, /must be a JSON object/],
        ["a filter over 4096 characters", { ...ok, filters: [{ value: { v: ["x".repeat(4100)] } }] }, `${c0}.filters[0]`, /at most 4096 characters/],
        ["pollers minimum 0", { ...ok, provisionedPollers: { minimum: 0 } }, `${c0}.provisionedPollers.minimum`, /from 1 to 200/],
        ["pollers maximum 2001", { ...ok, provisionedPollers: { maximum: 2001 } }, `${c0}.provisionedPollers.maximum`, /from 1 to 2000/],
        [
            "pollers minimum above maximum",
            { ...ok, provisionedPollers: { minimum: 10, maximum: 5 } },
            `${c0}.provisionedPollers`,
            /minimum 10 is greater than maximum 5/,
        ],
        ["empty pollers", { ...ok, provisionedPollers: {} }, `${c0}.provisionedPollers`, /needs minimum .* or false for on-demand mode/],
        ["retries -2", { ...ok, maximumRetryAttempts: -2 }, `${c0}.maximumRetryAttempts`, /from -1 to 10000/],
        ["retries 10001", { ...ok, maximumRetryAttempts: 10001 }, `${c0}.maximumRetryAttempts`, /from -1 to 10000/],
        ["record age 59", { ...ok, maximumRecordAgeSeconds: 59 }, `${c0}.maximumRecordAgeSeconds`, /must be -1 \(no limit\) or an integer from 60 to 604800/],
        ["record age 0", { ...ok, maximumRecordAgeSeconds: 0 }, `${c0}.maximumRecordAgeSeconds`, /must be -1 \(no limit\) or an integer from 60 to 604800/],
        ["record age 604801", { ...ok, maximumRecordAgeSeconds: 604801 }, `${c0}.maximumRecordAgeSeconds`, /from -1 to 604800/],
        [
            "retries on demand",
            { ...ok, provisionedPollers: false, maximumRetryAttempts: 3 },
            `${c0}.maximumRetryAttempts`,
            /on-demand mode .*Under Event poller configuration, select provisioned mode to configure error handling controls/,
        ],
        [
            "partial batch responses on demand",
            { ...ok, provisionedPollers: false, reportBatchItemFailures: true },
            `${c0}.reportBatchItemFailures`,
            /Configuring error handling controls for Kafka event sources/,
        ],
        [
            "a schema registry on demand",
            { ...ok, provisionedPollers: false, schemaRegistry: { glueRegistryArn: "create" } },
            `${c0}.schemaRegistry`,
            /This feature is only available for event source mappings using provisioned mode/,
        ],
        [
            "a bad poller group name",
            { ...ok, provisionedPollers: { pollerGroupName: "team a!" } },
            `${c0}.provisionedPollers.pollerGroupName`,
            /1-128 characters/,
        ],
        [
            "a Glue registry with a secret",
            { ...ok, schemaRegistry: { glueRegistryArn: "create", secretArn: "arn:aws:secretsmanager:us-east-1:111122223333:secret:x-AbCdEf" } },
            `${c0}.schemaRegistry.secretArn`,
            /AWS Glue registry takes no authentication details/,
        ],
        ["a registry that is neither", { ...ok, schemaRegistry: { eventRecordFormat: "JSON" } }, `${c0}.schemaRegistry`, /needs glueRegistryArn .* or uri/],
        [
            "a plain-http Confluent registry",
            { ...ok, schemaRegistry: { uri: "http://registry:8081", authentication: "BASIC_AUTH" } },
            `${c0}.schemaRegistry.uri`,
            /https:\/\//,
        ],
        [
            "a Confluent registry without authentication",
            { ...ok, schemaRegistry: { uri: "https://registry" } },
            `${c0}.schemaRegistry.authentication`,
            /is required with uri/,
        ],
        [
            "a Confluent registry without its secret",
            { ...ok, schemaRegistry: { uri: "https://registry", authentication: "CLIENT_CERTIFICATE_TLS_AUTH" } },
            `${c0}.schemaRegistry.secretArn`,
            /is required with authentication CLIENT_CERTIFICATE_TLS_AUTH/,
        ],
        [
            "a secret that is not an ARN",
            { ...ok, schemaRegistry: { uri: "https://registry", authentication: "BASIC_AUTH", secretArn: "my-secret" } },
            `${c0}.schemaRegistry.secretArn`,
            /Secrets Manager secret ARN/,
        ],
        [
            "an unknown record format",
            { ...ok, schemaRegistry: { glueRegistryArn: "create", eventRecordFormat: "AVRO" } },
            `${c0}.schemaRegistry.eventRecordFormat`,
            /"JSON" \| "SOURCE"/,
        ],
        [
            "a duplicate validation attribute",
            { ...ok, schemaRegistry: { glueRegistryArn: "create", validate: ["KEY", "KEY"] } },
            `${c0}.schemaRegistry.validate`,
            /twice/,
        ],
        [
            "an unknown validation attribute",
            { ...ok, schemaRegistry: { glueRegistryArn: "create", validate: ["HEADERS"] } },
            `${c0}.schemaRegistry.validate[0]`,
            /"KEY" \| "VALUE"/,
        ],
        [
            "a poller group over 2000 maximum pollers",
            [0, 1, 2].map((i) => ({ name: `c${i}`, topic: "t", provisionedPollers: { pollerGroupName: "shared", maximum: 700 } })),
            "msk-lambda:consumers[2].provisionedPollers.pollerGroupName",
            /poller group "shared" adds up to 2100 maximum pollers .*at most 2000 per group/,
        ],
        [
            "a poller group counting Lambda's default maximum",
            Array.from({ length: 11 }, (_, i) => ({ name: `c${i}`, topic: "t", provisionedPollers: { pollerGroupName: "shared" } })),
            "msk-lambda:consumers[10].provisionedPollers.pollerGroupName",
            /adds up to 2200 maximum pollers \(a consumer without provisionedPollers.maximum counts 200\)/,
        ],
        [
            "a poller group of 101 mappings",
            Array.from({ length: 101 }, (_, i) => ({ name: `c${i}`, topic: "t", provisionedPollers: { pollerGroupName: "shared", maximum: 1 } })),
            "msk-lambda:consumers[100].provisionedPollers.pollerGroupName",
            /has 101 consumers: Lambda allows at most 100 mappings per poller group/,
        ],
        [
            "a Kafka failure topic on demand",
            { ...ok, provisionedPollers: false, onFailure: { type: "kafka", topic: "orders-failures" } },
            `${c0}.onFailure`,
            /"A Kafka on-failure destination is only available for event source mappings with provisioned mode enabled"/,
        ],
        [
            "a Kafka failure topic that is the source topic",
            { ...ok, onFailure: { type: "kafka", topic: "orders" } },
            `${c0}.onFailure.topic`,
            /is the topic this consumer reads/,
        ],
        ["a Kafka failure topic without a topic", { ...ok, onFailure: { type: "kafka" } }, `${c0}.onFailure.topic`, /is required/],
        ["an idempotency retention of 30 s", { ...ok, idempotency: { expiresAfterSeconds: 30 } }, `${c0}.idempotency.expiresAfterSeconds`, /from 60 to 604800/],
        ["enabled as text", { ...ok, enabled: "yes" }, `${c0}.enabled`, /true or false/],
        ["a timeout over 14 minutes", { ...ok, timeoutSeconds: 841 }, `${c0}.timeoutSeconds`, /from 1 to 840/],
        ["memory below 128 MB", { ...ok, memorySizeMb: 64 }, `${c0}.memorySizeMb`, /from 128 to 10240/],
        ["reserved concurrency 0", { ...ok, reservedConcurrency: 0 }, `${c0}.reservedConcurrency`, /from 1 to 1000/],
        ["an unknown destination type", { ...ok, onFailure: { type: "kinesis" } }, `${c0}.onFailure.type`, /"sqs" \| "sns" \| "s3"/],
        ["an eventbridge failure destination", { ...ok, onFailure: { type: "eventbridge" } }, `${c0}.onFailure.type`, /"sqs" \| "sns" \| "s3"/],
        [
            "a FIFO queue ARN",
            { ...ok, onFailure: { arn: "arn:aws:sqs:us-east-1:111122223333:failures.fifo" } },
            `${c0}.onFailure.arn`,
            /FIFO queue: Lambda delivers only to standard SQS queues and SNS topics/,
        ],
        ["a FIFO topic ARN", { ...ok, onFailure: { arn: "arn:aws:sns:us-east-1:111122223333:failures.fifo" } }, `${c0}.onFailure.arn`, /FIFO topic/],
        [
            "a function ARN as failure destination",
            { ...ok, onFailure: { arn: "arn:aws:lambda:us-east-1:111122223333:function:f" } },
            `${c0}.onFailure.arn`,
            /an SQS queue, an SNS topic or an S3 bucket/,
        ],
        [
            "a bad KMS key ARN",
            { ...ok, onFailure: { arn: "arn:aws:sqs:us-east-1:111122223333:q", kmsKeyArn: "alias/aws/sqs" } },
            `${c0}.onFailure.kmsKeyArn`,
            /KMS key ARN/,
        ],
        [
            "type and arn together, even when they agree (one of them would be ignored)",
            { ...ok, onFailure: { arn: "arn:aws:sqs:us-east-1:111122223333:q", type: "sqs" } },
            `${c0}.onFailure`,
            /has both type and arn: give \{ type: sqs \| sns \| s3 \} for a destination the stack creates, or \{ arn, kmsKeyArn\? \} for an existing one/,
        ],
        ["empty async destinations", { ...ok, asyncDestinations: {} }, `${c0}.asyncDestinations`, /needs onFailure, onSuccess or both/],
        [
            "a lambda async destination without ARN",
            { ...ok, asyncDestinations: { onSuccess: { type: "lambda" } } },
            `${c0}.asyncDestinations.onSuccess.type`,
            /needs an existing function/,
        ],
        [
            "a FIFO async destination",
            { ...ok, asyncDestinations: { onFailure: { arn: "arn:aws:sqs:us-east-1:111122223333:q.fifo" } } },
            `${c0}.asyncDestinations.onFailure.arn`,
            /FIFO queue/,
        ],
        [
            "async retries 3",
            { ...ok, asyncDestinations: { onFailure: { type: "sqs" }, maximumRetryAttempts: 3 } },
            `${c0}.asyncDestinations.maximumRetryAttempts`,
            /from 0 to 2/,
        ],
        [
            "async event age 30",
            { ...ok, asyncDestinations: { onFailure: { type: "sqs" }, maximumEventAgeSeconds: 30 } },
            `${c0}.asyncDestinations.maximumEventAgeSeconds`,
            /from 60 to 21600/,
        ],
        ["an alarm threshold of 0", { ...ok, offsetLagAlarm: { threshold: 0 } }, `${c0}.offsetLagAlarm.threshold`, /from 1 to/],
        ["a negative errors threshold", { ...ok, errorsAlarm: { threshold: -1 } }, `${c0}.errorsAlarm.threshold`, /from 0 to/],
        ["a 61-minute throttles alarm", { ...ok, throttlesAlarm: { evaluationMinutes: 61 } }, `${c0}.throttlesAlarm.evaluationMinutes`, /from 1 to 60/],
        ["an alarm that is not an object", { ...ok, destinationDeliveryFailuresAlarm: true }, `${c0}.destinationDeliveryFailuresAlarm`, /must be an object/],
        ["a filter key without filters", { ...ok, filterKmsKeyArn: "create" }, `${c0}.filterKmsKeyArn`, /has no filters/],
        [
            "a filter key that is not a KMS key ARN",
            { ...ok, filters: [{ a: [1] }], filterKmsKeyArn: "alias/mine" },
            `${c0}.filterKmsKeyArn`,
            /a KMS key ARN, or "create"/,
        ],
        ["an unknown consumer key", { ...ok, batch: 10 }, `${c0}.batch`, /not a known key.*batchSize/],
    ];
    for (const [what, consumer, key, message] of table) {
        it(`refuses ${what}, naming ${key}`, () => {
            const found = issues({ consumers: Array.isArray(consumer) ? consumer : [consumer] });
            const hit = found.find((i) => i.key === key);
            assert.ok(hit, `no issue for ${key}: ${JSON.stringify(found)}`);
            assert.match(hit!.message, message);
        });
    }

    it("refuses duplicate consumer names and duplicate consumer group ids", () => {
        const dupName = issues({ consumers: [ok, { ...ok, topic: "other" }] });
        // The default group id derives from the name, so it repeats too.
        assert.deepStrictEqual(
            dupName.map((i) => i.key),
            ["msk-lambda:consumers[1].name", "msk-lambda:consumers[1].consumerGroupId"],
        );
        assert.match(dupName[0].message, /"orders" is already used by msk-lambda:consumers\[0\]/);
        const dupGroup = issues({
            consumers: [
                { ...ok, consumerGroupId: "g" },
                { name: "b", topic: "b", consumerGroupId: "g" },
            ],
        });
        assert.strictEqual(dupGroup.length, 1);
        assert.strictEqual(dupGroup[0].key, "msk-lambda:consumers[1].consumerGroupId");
        assert.match(dupGroup[0].message, /unique consumerGroupId/);
    });

    describe("mTLS secrets (the same inspection as the policy pack)", () => {
        const cluster = { authentication: "mtls", certificateAuthorityArns: [CA] };
        it("accepts a correct chain with a plain or PBES1-encrypted PKCS#8 key", () => {
            const p = pki();
            assert.doesNotThrow(() => parse({ cluster, secrets: { mtlsCertificate: p.chain, mtlsPrivateKey: p.clientKey } }));
            assert.doesNotThrow(() =>
                parse({ cluster, secrets: { mtlsCertificate: p.chain, mtlsPrivateKey: p.clientKeyPbes1, mtlsPrivateKeyPassword: p.keyPassword } }),
            );
        });
        const cases: [string, () => StackInput["secrets"], string, RegExp][] = [
            [
                "a PBES2 key",
                () => ({ mtlsCertificate: pki().chain, mtlsPrivateKey: pki().clientKeyPbes2, mtlsPrivateKeyPassword: pki().keyPassword }),
                "msk-lambda:mtlsPrivateKey",
                /PBES2; Lambda supports only PBES1/,
            ],
            [
                "a traditional RSA key",
                () => ({ mtlsCertificate: pki().chain, mtlsPrivateKey: pki().clientKeyRsa }),
                "msk-lambda:mtlsPrivateKey",
                /"RSA PRIVATE KEY" PEM block; Lambda needs PKCS#8/,
            ],
            [
                "an encrypted key without password",
                () => ({ mtlsCertificate: pki().chain, mtlsPrivateKey: pki().clientKeyPbes1 }),
                "msk-lambda:mtlsPrivateKeyPassword",
                /encrypted but the secret has no privateKeyPassword/,
            ],
            [
                "a self-signed client certificate",
                () => ({ mtlsCertificate: pki().selfSigned, mtlsPrivateKey: pki().selfSignedKey }),
                "msk-lambda:mtlsCertificate",
                /self-signed/,
            ],
            [
                "a chain in the wrong order",
                () => ({ mtlsCertificate: pki().client + pki().root + pki().intermediate, mtlsPrivateKey: pki().clientKey }),
                "msk-lambda:mtlsCertificate",
                /not issued by certificate 2 .*its issuer is certificate 3/,
            ],
            [
                "an expired certificate",
                () => ({ mtlsCertificate: pki().expiredChain, mtlsPrivateKey: pki().expiredKey }),
                "msk-lambda:mtlsCertificate",
                /certificate 1 \(CN=expired-consumer\) expired on 2021-01-01/,
            ],
            [
                "a key of another certificate",
                () => ({ mtlsCertificate: pki().chain, mtlsPrivateKey: pki().otherKey }),
                "msk-lambda:mtlsPrivateKey",
                /does not belong to the client certificate \(CN=lambda-consumer\)/,
            ],
        ];
        for (const [what, secrets, key, message] of cases) {
            it(`refuses ${what}, without quoting any secret`, () => {
                const s = secrets()!;
                const found = issues({ cluster, secrets: s });
                const hit = found.find((i) => i.key === key);
                assert.ok(hit, JSON.stringify(found));
                assert.match(hit!.message, message);
                const text = JSON.stringify(found);
                for (const v of Object.values(s)) {
                    for (const line of v!.split("\n").filter((l) => l.length > 20 && !l.startsWith("-----")))
                        assert.ok(!text.includes(line), "a PEM body line leaked");
                }
                assert.ok(!text.includes(pki().keyPassword));
            });
        }
    });
});
