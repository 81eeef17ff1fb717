import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { dashboardBody } from "../lib/dashboard";
import { FailureRecordError, parseFailureRecord } from "../lib/failure-records";
import { runStack } from "./helpers/stack";

const fixture = (name: string) => fs.readFileSync(path.join(__dirname, "fixtures", name), "utf8");
const orders = { name: "orders", topic: "orders" };

describe("failure records (seeds 002 and 004)", () => {
    it("reads a Kafka on-failure record for SQS/SNS: for each topic-partition, the offsets and times to look up", () => {
        const r = parseFailureRecord(fixture("esm-failure-sqs-sns.json"));
        assert.strictEqual(r.kind, "kafka");
        if (r.kind !== "kafka") return;
        assert.strictEqual(r.condition, "RetryAttemptsExhausted");
        assert.strictEqual(r.functionError, "Unhandled");
        assert.strictEqual(r.eventSourceArn, "arn:aws:kafka:us-east-1:123456789012:cluster/vpc-2priv-2pub/751d2973-a626-431c-9d4e-d7975eb44dd7-2");
        assert.deepStrictEqual(
            r.ranges.map((x) => [x.topic, x.partition, x.firstOffset, x.lastOffset, x.firstTimestamp, x.lastTimestamp]),
            [
                [
                    "Topic",
                    0,
                    "49601189658422359378836298521827638475320189012309704722",
                    "49601189658422359378836298522902373528957594348623495186",
                    "2019-11-14T00:38:04.835Z",
                    "2019-11-14T00:38:05.580Z",
                ],
                [
                    "Topic",
                    1,
                    "49601189658422359378836298521827638475320189012309704722",
                    "49601189658422359378836298522902373528957594348623495186",
                    "2019-11-14T00:38:04.835Z",
                    "2019-11-14T00:38:05.580Z",
                ],
            ],
        );
        // Offsets beyond 2^53 survive as exact strings.
        assert.strictEqual(BigInt(r.ranges[0].lastOffset) - BigInt(r.ranges[0].firstOffset), 1074735053637405336313790464n);
        assert.strictEqual(r.payload, undefined);
    });

    it("reads the S3 form: a null responseContext and the original record in payload", () => {
        const r = parseFailureRecord(fixture("esm-failure-s3.json"));
        assert.ok(r.kind === "kafka");
        assert.strictEqual(r.condition, "MaximumPayloadSizeExceeded");
        assert.strictEqual(r.functionError, undefined);
        assert.deepStrictEqual((r.payload as any).records["Topic-0"][0].offset, 15);
    });

    it("reads an async invocation record", () => {
        const r = parseFailureRecord(fixture("async-invocation.json"));
        assert.ok(r.kind === "async");
        assert.strictEqual(r.condition, "RetriesExhausted");
        assert.strictEqual(r.approximateInvokeCount, 3);
        assert.deepStrictEqual((r.requestPayload as any).ORDER_IDS.length, 3);
    });

    it("unwraps an SNS notification and an SQS message, and splits topic names that contain dashes", () => {
        const doc = JSON.parse(fixture("esm-failure-sqs-sns.json"));
        doc.KafkaBatchInfo.recordsInfo = { "orders-eu-12": doc.KafkaBatchInfo.recordsInfo["Topic-0"] };
        const sns = { Type: "Notification", MessageId: "m", Message: JSON.stringify(doc) };
        const sqs = { messageId: "x", body: JSON.stringify(sns) };
        for (const input of [sns, sqs, JSON.stringify(sqs)]) {
            const r = parseFailureRecord(input);
            assert.ok(r.kind === "kafka");
            assert.deepStrictEqual([r.ranges[0].topic, r.ranges[0].partition], ["orders-eu", 12]);
        }
    });

    const malformed: [string, unknown, RegExp][] = [
        [
            "the seed's text as printed (comments, trailing commas)",
            `{ "requestContext": { "condition": "RetryAttemptsExhausted" | "MaximumPayloadSizeExceeded", }, // note\n}`,
            /the text is not JSON/,
        ],
        ["a list", [], /the record is not an object/],
        ["no requestContext", { version: "1.0" }, /requestContext is not an object/],
        [
            "a record of neither kind",
            { requestContext: { condition: "x", functionArn: "f", requestId: "r" }, timestamp: "t" },
            /neither KafkaBatchInfo .* nor requestPayload/,
        ],
        [
            "a bad topic-partition key",
            { ...JSON.parse(fixture("esm-failure-sqs-sns.json")), KafkaBatchInfo: { eventSourceArn: "a", recordsInfo: { nopartition: {} } } },
            /"nopartition" is not "topic-partition"/,
        ],
        [
            "a non-numeric offset",
            {
                ...JSON.parse(fixture("esm-failure-sqs-sns.json")),
                KafkaBatchInfo: {
                    eventSourceArn: "a",
                    recordsInfo: { "t-0": { firstRecordOffset: "12a", lastRecordOffset: "13", firstRecordTimestamp: "x", lastRecordTimestamp: "y" } },
                },
            },
            /firstRecordOffset is not an offset/,
        ],
        ["a payload that is not JSON", { ...JSON.parse(fixture("esm-failure-s3.json")), payload: "{broken" }, /payload is not the escaped JSON/],
    ];
    for (const [what, input, message] of malformed) {
        it(`refuses ${what}`, () => {
            assert.throws(
                () => parseFailureRecord(input),
                (e: Error) => e instanceof FailureRecordError && message.test(e.message),
            );
        });
    }
});

describe("alarms, dashboard and filter encryption", () => {
    it("alarms on OffsetLag, Errors, Throttles and DestinationDeliveryFailures with documented defaults, notifying the alarm topic", async () => {
        const r = await runStack({ consumers: [orders] });
        // The function's alarms (the mapping's and the idempotency table's: tests/consumer-error-handling.test.ts).
        const alarms: Record<string, any> = Object.fromEntries(
            r
                .ofType("aws:cloudwatch/metricAlarm:MetricAlarm")
                .filter((a) => a.inputs.dimensions?.FunctionName)
                .map((a) => [a.inputs.metricName, a.inputs]),
        );
        assert.deepStrictEqual(
            Object.entries(alarms)
                .map(([m, a]) => [m, a.statistic, a.threshold, a.evaluationPeriods, a.dimensions.FunctionName])
                .sort(),
            [
                ["DestinationDeliveryFailures", "Sum", 0, 1, "msk-lambda-test-orders"],
                ["Errors", "Sum", 4, 5, "msk-lambda-test-orders"],
                ["OffsetLag", "Maximum", 1000, 5, "msk-lambda-test-orders"],
                ["Throttles", "Sum", 0, 3, "msk-lambda-test-orders"],
            ],
        );
        const topic = `arn:aws:sns:us-east-1:123456789012:msk-lambda-test-alarms`;
        for (const a of Object.values(alarms)) {
            assert.deepStrictEqual(
                [a.namespace, a.period, a.comparisonOperator, a.alarmActions, a.okActions],
                ["AWS/Lambda", 60, "GreaterThanThreshold", [topic], [topic]],
            );
        }
        assert.deepStrictEqual(Object.keys(r.outputs.consumers.orders.alarmArns).sort(), [
            "destinationDeliveryFailuresAlarm",
            "errorsAlarm",
            "failureRecordsAlarm",
            "idempotencyThrottlesAlarm",
            "offsetLagAlarm",
            "throttlesAlarm",
        ]);
        // The topic's key lets CloudWatch use it; without that, notifications to the encrypted topic are dropped.
        const key = JSON.parse(r.one("aws:kms/key:Key", "msk-lambda-test-alarms-key").inputs.policy);
        const cw = key.Statement.find((s: any) => s.Principal?.Service === "cloudwatch.amazonaws.com");
        assert.deepStrictEqual([cw.Effect, cw.Action, cw.Resource], ["Allow", ["kms:Decrypt", "kms:GenerateDataKey*"], "*"]);
    });

    it("takes alarm overrides from config and leaves disabled alarms out", async () => {
        const r = await runStack({
            consumers: [
                {
                    ...orders,
                    errorsAlarm: { threshold: 20, evaluationMinutes: 10 },
                    throttlesAlarm: { enabled: false },
                    offsetLagAlarm: { threshold: 50000 },
                    idempotencyThrottlesAlarm: { enabled: false },
                },
            ],
        });
        const alarms: Record<string, any> = Object.fromEntries(r.ofType("aws:cloudwatch/metricAlarm:MetricAlarm").map((a) => [a.inputs.metricName, a.inputs]));
        assert.deepStrictEqual(Object.keys(alarms).sort(), ["DestinationDeliveryFailures", "Errors", "OffsetLag", "OnFailureDestinationDeliveredEventCount"]);
        assert.deepStrictEqual([alarms.Errors.threshold, alarms.Errors.evaluationPeriods], [20, 10]);
        assert.strictEqual(alarms.OffsetLag.threshold, 50000);
    });

    it("builds a dashboard per stack: per consumer lag, invocations, errors, throttles, concurrency, delivery failures; broker CPU and disk", async () => {
        const body = dashboardBody({
            region: "us-east-1",
            cluster: { name: "c", brokers: 3 },
            consumers: [{ name: "orders", functionName: "f-orders", topic: "orders" }],
        });
        const metrics = body.widgets.flatMap((w: any) => w.properties.metrics ?? []).map((m: any[]) => `${m[0]}/${m[1]}`);
        for (const m of [
            "AWS/Lambda/OffsetLag",
            "AWS/Lambda/Invocations",
            "AWS/Lambda/Errors",
            "AWS/Lambda/Throttles",
            "AWS/Lambda/ConcurrentExecutions",
            "AWS/Lambda/DestinationDeliveryFailures",
        ])
            assert.ok(metrics.includes(m), m);
        assert.strictEqual(metrics.filter((m) => m === "AWS/Kafka/CpuUser").length, 3);
        assert.strictEqual(metrics.filter((m) => m === "AWS/Kafka/KafkaDataLogsDiskUsed").length, 3);
        const r = await runStack({ consumers: [orders, { name: "audit", topic: "audit" }] });
        const dash = r.one("aws:cloudwatch/dashboard:Dashboard").inputs;
        assert.strictEqual(dash.dashboardName, "msk-lambda-test");
        const widgets = JSON.parse(dash.dashboardBody).widgets;
        assert.ok(widgets.some((w: any) => w.properties.title === "audit: offset lag (records behind)"));
        assert.ok(widgets.some((w: any) => JSON.stringify(w.properties.metrics ?? []).includes('"Cluster Name","msk-lambda-test","Broker ID","3"')));
        assert.strictEqual(r.outputs.dashboardName, "msk-lambda-test");
    });

    it("encrypts filter criteria with a created key Lambda may decrypt, or with a given key", async () => {
        const filters = [{ value: { type: ["order"] } }];
        const r = await runStack({ consumers: [{ ...orders, filters, filterKmsKeyArn: "create" }] });
        const key = r.one("aws:kms/key:Key", "msk-lambda-test-orders-filters-key");
        const mapping = r.one("aws:lambda/eventSourceMapping:EventSourceMapping");
        assert.deepStrictEqual(mapping.propertyDependencies.kmsKeyArn, [key.urn]);
        assert.match(mapping.inputs.kmsKeyArn, /^arn:aws:kms:us-east-1:123456789012:key\//);
        const lambda = JSON.parse(key.inputs.policy).Statement.find((s: any) => s.Principal?.Service === "lambda.amazonaws.com");
        assert.deepStrictEqual([lambda.Action, lambda.Condition], ["kms:Decrypt", { StringEquals: { "aws:SourceAccount": "123456789012" } }]);
        const given = "arn:aws:kms:us-east-1:111122223333:key/11111111-2222-3333-4444-555555555555";
        const r2 = await runStack({ consumers: [{ ...orders, filters, filterKmsKeyArn: given }] });
        assert.strictEqual(r2.one("aws:lambda/eventSourceMapping:EventSourceMapping").inputs.kmsKeyArn, given);
        assert.strictEqual(r2.ofType("aws:kms/key:Key").filter((k) => k.name.endsWith("-filters-key")).length, 0);
    });
});
