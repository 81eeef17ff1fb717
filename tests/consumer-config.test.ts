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
            provisionedPollers: undefined,
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
            filterKmsKeyArn: undefined,
        });
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
        ["empty pollers", { ...ok, provisionedPollers: {} }, `${c0}.provisionedPollers`, /needs minimum/],
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
            /an SQS queue, an SNS topic, an S3 bucket/,
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
