/**
 * Verdicts of policies/rules/error-handling.ts that `npm run mutate:pack -- --mutate policies/rules/error-handling.ts`
 * found no test deciding (issue 21; bench/mutation/rules-error-handling.md lists each survivor and why the others are
 * equivalent). Each mapping differs from its valid twin in one value; the assertion is the policy, its enforcement
 * level and the resource it names, never the message text.
 */
import * as assert from "assert";
import { ACCOUNT, check, CLUSTER_ARN, of, res, UNKNOWN, type Res } from "./helpers/pack";

const ESM = "aws:lambda/eventSourceMapping:EventSourceMapping";
const PROVISIONED = { provisionedPollerConfig: { minimumPollers: 1, maximumPollers: 10 } };
const SECRET = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:registry-AbCdEf`;
const GLUE = `arn:aws:glue:us-east-1:${ACCOUNT}:registry/orders`;
const QUEUE_ARN = `arn:aws:sqs:us-east-1:${ACCOUNT}:failures`;

const msk = (props: Record<string, unknown>, name = "m"): Res =>
    res(ESM, name, { eventSourceArn: CLUSTER_ARN, functionName: "f", topics: ["orders"], startingPosition: "LATEST", ...props });

/** The resources one policy names at one level. */
async function named(stack: Res | Res[], policy: string, level: "mandatory" | "advisory" = "mandatory"): Promise<string[]> {
    return [...new Set(of(await check(stack), policy, level).map((d) => d.urn))];
}

describe("rules/error-handling.ts: verdicts mutation testing found undecided (issue 21)", function () {
    this.timeout(60000);

    describe("kafka-mapping-error-handling", () => {
        const P = "kafka-mapping-error-handling";
        // [what, the mapping's props, refused]
        const cases: [string, Record<string, unknown>, boolean][] = [
            ["maximumRetryAttempts 10000 (the maximum)", { ...PROVISIONED, maximumRetryAttempts: 10000 }, false],
            ["maximumRetryAttempts 2.5 (not an integer)", { ...PROVISIONED, maximumRetryAttempts: 2.5 }, true],
            ["maximumRecordAgeInSeconds 604800 (the maximum)", { ...PROVISIONED, maximumRecordAgeInSeconds: 604800 }, false],
            ["maximumRecordAgeInSeconds 604801", { ...PROVISIONED, maximumRecordAgeInSeconds: 604801 }, true],
            ["maximumRecordAgeInSeconds -1 on demand (Lambda's default: no control)", { maximumRecordAgeInSeconds: -1 }, false],
            ["maximumRecordAgeInSeconds 3600 alone on demand", { maximumRecordAgeInSeconds: 3600 }, true],
            ["maximumRetryAttempts 3 with provisionedPollerConfig null (on demand)", { provisionedPollerConfig: null, maximumRetryAttempts: 3 }, true],
            ["functionResponseTypes with one value not known yet", { ...PROVISIONED, functionResponseTypes: [UNKNOWN] }, false],
        ];
        for (const [what, props, refused] of cases) {
            it(`${what}: ${refused ? `${P} on the mapping` : "passes"}`, async () => {
                const m = msk(props);
                assert.deepStrictEqual(await named(m, P), refused ? [m.urn] : []);
            });
        }
    });

    describe("kafka-mapping-poller-groups", () => {
        const P = "kafka-mapping-poller-groups";
        const grouped = (i: number, max?: unknown) =>
            msk({ provisionedPollerConfig: { minimumPollers: 1, ...(max === undefined ? {} : { maximumPollers: max }), pollerGroupName: "shared" } }, `m${i}`);
        it("100 mappings of one poller each (the most a group takes) pass; 11 at the default maximum are named on the group's last mapping", async () => {
            assert.deepStrictEqual(
                await named(
                    Array.from({ length: 100 }, (_, i) => grouped(i, 1)),
                    P,
                ),
                [],
            );
            const eleven = Array.from({ length: 11 }, (_, i) => grouped(i));
            assert.deepStrictEqual(await named(eleven, P), [eleven[10].urn]);
        });
        it("a mapping whose maximumPollers is not a number counts the default (200): 10 such pass, 11 are refused", async () => {
            assert.deepStrictEqual(
                await named(
                    Array.from({ length: 10 }, (_, i) => grouped(i, "1")),
                    P,
                ),
                [],
            );
            const eleven = Array.from({ length: 11 }, (_, i) => grouped(i, "1"));
            assert.deepStrictEqual(await named(eleven, P), [eleven[10].urn]);
        });
    });

    describe("kafka-mapping-schema-registry", () => {
        const P = "kafka-mapping-schema-registry";
        const glue = { schemaRegistryUri: GLUE, eventRecordFormat: "JSON", schemaValidationConfigs: [{ attribute: "VALUE" }] };
        const registry = (schemaRegistryConfig: unknown, extra: Record<string, unknown> = PROVISIONED) =>
            msk({ amazonManagedKafkaEventSourceConfig: { consumerGroupId: "g", schemaRegistryConfig }, ...extra });
        const https = (accessConfigs: object[], schemaRegistryUri = "https://registry.example.com") => ({ schemaRegistryUri, accessConfigs });
        const cases: [string, unknown, Record<string, unknown> | undefined, boolean][] = [
            ["schemaRegistryConfig null on demand (no registry)", null, {}, false],
            ["a Glue registry with no eventRecordFormat", { schemaRegistryUri: GLUE }, undefined, false],
            ["a validation attribute not known yet", { ...glue, schemaValidationConfigs: [{ attribute: UNKNOWN }] }, undefined, false],
            ["an access config with no type", https([{ uri: SECRET }]), undefined, false],
            ["an access config with no uri", https([{ type: "BASIC_AUTH" }]), undefined, false],
            ["a Glue ARN that is not a registry's", { schemaRegistryUri: `arn:aws:glue:us-east-1:${ACCOUNT}:schema/orders/s` }, undefined, true],
            ["HTTPS:// in capitals", https([{ type: "BASIC_AUTH", uri: SECRET }], "HTTPS://registry.example.com"), undefined, false],
            ["HTTP:// in capitals with BASIC_AUTH", https([{ type: "BASIC_AUTH", uri: SECRET }], "HTTP://registry:8081"), undefined, true],
            ["plain http:// with a client certificate", https([{ type: "CLIENT_CERTIFICATE_TLS_AUTH", uri: SECRET }], "http://registry:8081"), undefined, true],
            [
                "plain http:// with only a root CA certificate (no credentials)",
                https([{ type: "SERVER_ROOT_CA_CERTIFICATE", uri: SECRET }], "http://registry:8081"),
                undefined,
                false,
            ],
        ];
        it("a non-Kafka (SQS) mapping is not judged, even with a registry on demand", async () => {
            const m = res(ESM, "q", {
                eventSourceArn: `arn:aws:sqs:us-east-1:${ACCOUNT}:in`,
                functionName: "f",
                amazonManagedKafkaEventSourceConfig: { schemaRegistryConfig: glue },
            });
            assert.deepStrictEqual(await named(m, P), []);
        });
        for (const [what, cfg, extra, refused] of cases) {
            it(`${what}: ${refused ? `${P} on the mapping` : "passes"}`, async () => {
                const m = registry(cfg, extra);
                assert.deepStrictEqual(await named(m, P), refused ? [m.urn] : []);
            });
        }
    });

    describe("kafka-mapping-unbounded-retries (advisory)", () => {
        const P = "kafka-mapping-unbounded-retries";
        const toQueue = { destinationConfig: { onFailure: { destinationArn: QUEUE_ARN } } };
        const cases: [string, Record<string, unknown>, boolean][] = [
            ['maximumRetryAttempts "-1" (a string) and null age', { maximumRetryAttempts: "-1", maximumRecordAgeInSeconds: null }, true],
            ["an empty on-failure destination in provisioned mode", { ...PROVISIONED, destinationConfig: { onFailure: { destinationArn: "" } } }, true],
            ["an on-failure destination with provisionedPollerConfig not known yet", { provisionedPollerConfig: UNKNOWN, ...toQueue }, true],
        ];
        for (const [what, props, warned] of cases) {
            it(`${what}: ${warned ? `${P} (advisory) on the mapping` : "quiet"}`, async () => {
                const m = msk(props);
                assert.deepStrictEqual(await named(m, P, "advisory"), warned ? [m.urn] : []);
            });
        }
    });
});
