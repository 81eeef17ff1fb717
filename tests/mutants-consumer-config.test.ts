/**
 * Validations of lib/consumer-config.ts and lib/retention.ts that `npm run mutate:program` found no test deciding
 * (issue 21; bench/mutation/lib-consumer-config.md and lib-retention.md list each survivor and why the others are
 * equivalent). Each config differs from its valid twin in one value; the assertion is what a user sees: accepted (and
 * the resolved value) or refused, and the keys named. Never the message text.
 */
import * as assert from "assert";
import { ConfigError, Issues } from "../lib/schema";
import { parseConsumers, parseConsumerSettings, type ConsumerConfig } from "../lib/consumer-config";
import { durationOf, protectionOf, safetyTable, STATEFUL_RESOURCES, TYPES } from "../lib/retention";

const NS = "msk-lambda:consumers";
const C0 = `${NS}[0]`;
const ok = { name: "orders", topic: "orders" };
const SECRET = "arn:aws:secretsmanager:us-east-1:111122223333:secret:registry-basic-AbCdEf";
const OTHER_SECRET = "arn:aws:secretsmanager:us-east-1:111122223333:secret:registry-ca-AbCdEf";
const KMS = "arn:aws:kms:us-east-1:111122223333:key/11111111-2222-3333-4444-555555555555";
const LAMBDA = "arn:aws:lambda:us-east-1:111122223333:function:f";

/** Parses a consumer list: the consumers (undefined when refused), the keys refused and the keys noted. */
function run(items: unknown, project = "msk-lambda") {
    const issues = new Issues();
    const notes = new Issues();
    const out = parseConsumers(items, { project, stack: "dev", environment: "dev", authentication: "iam", issues, notes });
    return { out, keys: issues.list.map((i) => i.key), notes: notes.list.map((n) => n.key) };
}

/** One consumer, which must be accepted: its resolved config. */
function accepted(item: Record<string, unknown>): ConsumerConfig {
    const r = run([item]);
    assert.deepStrictEqual(r.keys, [], `${JSON.stringify(item)} is refused`);
    return r.out![0];
}

/** The keys one consumer is refused for (sorted; it must be refused). */
function refused(item: unknown): string[] {
    const r = run([item]);
    assert.strictEqual(r.out, undefined, `${JSON.stringify(item)} is accepted`);
    return [...r.keys].sort();
}

describe("consumer-config.ts: validations mutation testing found undecided (issue 21)", () => {
    describe("filters", () => {
        it("a filter whose text is a JSON list is refused; a pattern of exactly 4096 characters is accepted", () => {
            assert.deepStrictEqual(refused({ ...ok, filters: ["[1]"] }), [`${C0}.filters[0]`]);
            const pattern = `{"value":{"k":["${"x".repeat(4096 - 20)}"]}}`;
            assert.strictEqual(pattern.length, 4096);
            assert.deepStrictEqual(accepted({ ...ok, filters: [JSON.parse(pattern)] }).filters, [pattern]);
        });

        it("an undefined filter (a component argument) is refused naming it, not a crash", () => {
            assert.deepStrictEqual(refused({ ...ok, filters: [undefined] }), [`${C0}.filters[0]`]);
        });

        it("filterKmsKeyArn with filters is accepted", () => {
            assert.strictEqual(accepted({ ...ok, filters: [{ value: { type: ["order"] } }], filterKmsKeyArn: "create" }).filterKmsKeyArn, "create");
        });
    });

    describe("provisionedPollers", () => {
        const pollers = (v: unknown) => accepted({ ...ok, provisionedPollers: v }).provisionedPollers;

        it('"false" and { enabled: false } (boolean or text) are on-demand mode', () => {
            assert.strictEqual(pollers("false"), undefined);
            assert.strictEqual(pollers({ enabled: false }), undefined);
            assert.strictEqual(pollers({ enabled: "false" }), undefined);
        });

        it("{ enabled: false } with a setting is refused naming the setting", () => {
            assert.deepStrictEqual(refused({ ...ok, provisionedPollers: { enabled: false, maximum: 3 } }), [`${C0}.provisionedPollers.maximum`]);
        });

        it("enabled true (boolean or text) is provisioned mode; any other enabled is refused naming it", () => {
            assert.deepStrictEqual(pollers({ enabled: true, minimum: 2 }), { minimum: 2 });
            assert.deepStrictEqual(pollers({ enabled: "true", minimum: 2 }), { minimum: 2 });
            assert.deepStrictEqual(refused({ ...ok, provisionedPollers: { enabled: "yes", minimum: 2 } }), [`${C0}.provisionedPollers.enabled`]);
        });

        it("a text or a list is refused naming provisionedPollers itself", () => {
            assert.deepStrictEqual(refused({ ...ok, provisionedPollers: "yes" }), [`${C0}.provisionedPollers`]);
            assert.deepStrictEqual(refused({ ...ok, provisionedPollers: [3] }), [`${C0}.provisionedPollers`]);
        });

        it("minimum alone, maximum alone, and minimum = maximum are accepted", () => {
            assert.deepStrictEqual(pollers({ minimum: 2 }), { minimum: 2 });
            assert.deepStrictEqual(pollers({ maximum: 3 }), { maximum: 3 });
            assert.deepStrictEqual(pollers({ minimum: 3, maximum: 3 }), { minimum: 3, maximum: 3 });
        });
    });

    describe("error handling controls", () => {
        it("maximumRecordAgeSeconds -1 and 60 (the minimum) are accepted", () => {
            assert.strictEqual(accepted({ ...ok, maximumRecordAgeSeconds: -1 }).maximumRecordAgeSeconds, -1);
            assert.strictEqual(accepted({ ...ok, maximumRecordAgeSeconds: 60 }).maximumRecordAgeSeconds, 60);
        });

        it("on demand, the controls' off values (-1, false) are accepted and resolve to no control", () => {
            const c = accepted({ ...ok, provisionedPollers: false, maximumRetryAttempts: -1, bisectBatchOnFunctionError: false });
            assert.strictEqual(c.maximumRetryAttempts, undefined);
            assert.strictEqual(c.bisectBatchOnFunctionError, undefined);
        });
    });

    describe("destinations", () => {
        it("onFailure { type: sqs } is a queue the stack creates", () => {
            assert.deepStrictEqual(accepted({ ...ok, onFailure: { type: "sqs" } }).onFailure, { kind: "create", type: "sqs" });
        });

        it("onFailure { kmsKeyArn } alone is refused for the key and for the missing type", () => {
            assert.deepStrictEqual(refused({ ...ok, onFailure: { kmsKeyArn: KMS } }), [`${C0}.onFailure.kmsKeyArn`, `${C0}.onFailure.type`]);
        });

        it("asyncDestinations with onFailure only is accepted", () => {
            assert.deepStrictEqual(accepted({ ...ok, asyncDestinations: { onFailure: { type: "sqs" } } }).asyncDestinations, {
                onFailure: { kind: "create", type: "sqs" },
                onSuccess: undefined,
                maximumRetryAttempts: undefined,
                maximumEventAgeSeconds: undefined,
            });
        });

        it("a key for a Lambda function destination (which takes none) is refused naming kmsKeyArn", () => {
            const item = { ...ok, asyncDestinations: { onFailure: { arn: LAMBDA, kmsKeyArn: KMS } } };
            assert.deepStrictEqual(refused(item), [`${C0}.asyncDestinations.onFailure.kmsKeyArn`]);
            assert.strictEqual(accepted({ ...ok, asyncDestinations: { onFailure: { arn: LAMBDA } } }).asyncDestinations?.onFailure?.kind, "existing");
        });
    });

    describe("schemaRegistry", () => {
        const confluent = (more: Record<string, unknown>) => ({
            ...ok,
            schemaRegistry: { uri: "https://registry.example.com", authentication: "BASIC_AUTH", secretArn: SECRET, ...more },
        });

        it("a glueRegistryArn that is neither an ARN nor create is refused", () => {
            assert.deepStrictEqual(refused({ ...ok, schemaRegistry: { glueRegistryArn: "my-registry" } }), [`${C0}.schemaRegistry.glueRegistryArn`]);
        });

        it("a uri with a path is accepted; one not starting with https://, or with a space, is refused", () => {
            assert.strictEqual(accepted(confluent({ uri: "https://registry.example.com/apis/ccompat/v7" })).schemaRegistry?.kind, "confluent");
            assert.deepStrictEqual(refused(confluent({ uri: "xhttps://registry.example.com" })), [`${C0}.schemaRegistry.uri`]);
            assert.deepStrictEqual(refused(confluent({ uri: "https://registry.example.com bad" })), [`${C0}.schemaRegistry.uri`]);
        });

        it("a uri's port is a TCP port, 0 to 65535 (the host holds no ':'); an IPv6 literal host is accepted", () => {
            assert.strictEqual(accepted(confluent({ uri: "https://registry.example.com:8081" })).schemaRegistry?.kind, "confluent");
            for (const port of ["0", "443", "08081", "9999", "59999", "64999", "65499", "65529", "65535"])
                assert.strictEqual(accepted(confluent({ uri: `https://registry.example.com:${port}` })).schemaRegistry?.kind, "confluent", port);
            for (const port of ["65536", "65540", "65600", "66000", "70000", "99999"])
                assert.deepStrictEqual(refused(confluent({ uri: `https://registry.example.com:${port}` })), [`${C0}.schemaRegistry.uri`], port);
            assert.strictEqual(accepted(confluent({ uri: "https://[2001:db8::1]:8081/x" })).schemaRegistry?.kind, "confluent");
            assert.deepStrictEqual(refused(confluent({ uri: "https://registry.example.com:123456" })), [`${C0}.schemaRegistry.uri`]);
            assert.deepStrictEqual(refused(confluent({ uri: "https://registry.example.com:80a" })), [`${C0}.schemaRegistry.uri`]);
        });

        it("a root CA secret of its own is accepted; the authentication secret as root CA is refused naming rootCaSecretArn", () => {
            const c = accepted(confluent({ rootCaSecretArn: OTHER_SECRET })).schemaRegistry;
            assert.strictEqual(c?.kind === "confluent" && c.rootCaSecretArn, OTHER_SECRET);
            assert.deepStrictEqual(refused(confluent({ rootCaSecretArn: SECRET })), [`${C0}.schemaRegistry.rootCaSecretArn`]);
        });
    });

    describe("starting position", () => {
        it("AT_TIMESTAMP with a timestamp is accepted", () => {
            const c = accepted({ ...ok, startingPosition: "AT_TIMESTAMP", startingPositionTimestamp: "2026-01-01T00:00:00Z" });
            assert.strictEqual(c.startingPositionTimestamp, "2026-01-01T00:00:00Z");
        });
    });

    describe("a refused consumer takes no part in the checks across consumers (each problem reported once)", () => {
        // Each first item has exactly one problem and shares its name with a valid second item: only that problem is named.
        const cases: [string, Record<string, unknown>, string][] = [
            ["AT_TIMESTAMP without a timestamp", { startingPosition: "AT_TIMESTAMP" }, "startingPositionTimestamp"],
            ["a timestamp without AT_TIMESTAMP", { startingPositionTimestamp: "2026-01-01T00:00:00Z" }, "startingPositionTimestamp"],
            ["filterKmsKeyArn without filters", { filterKmsKeyArn: "create" }, "filterKmsKeyArn"],
            ["a Kafka destination on demand", { provisionedPollers: false, onFailure: { type: "kafka", topic: "dlq" } }, "onFailure"],
            ["a Kafka destination on the source topic", { onFailure: { type: "kafka", topic: "orders" } }, "onFailure.topic"],
            ["an error handling control on demand", { provisionedPollers: false, maximumRetryAttempts: 3 }, "maximumRetryAttempts"],
            ["a schema registry on demand", { provisionedPollers: false, schemaRegistry: { glueRegistryArn: "create" } }, "schemaRegistry"],
        ];
        for (const [what, more, field] of cases) {
            it(what, () => {
                const r = run([
                    { ...ok, ...more },
                    { ...ok, consumerGroupId: "other" },
                ]);
                assert.strictEqual(r.out, undefined);
                assert.deepStrictEqual(r.keys, [`${C0}.${field}`]);
            });
        }

        it("a default group id too long for Lambda is refused naming consumerGroupId, once", () => {
            const r = run([ok, { ...ok, consumerGroupId: "other" }], "p".repeat(190));
            assert.strictEqual(r.out, undefined);
            assert.deepStrictEqual(r.keys, [`${C0}.consumerGroupId`]);
        });
    });

    describe("the consumer list", () => {
        it("a value that is not a list is refused naming msk-lambda:consumers", () => {
            assert.deepStrictEqual(run("orders").keys, [NS]);
        });

        it("one refused consumer refuses the list (no partial list is returned)", () => {
            const r = run([ok, { ...ok, name: "BAD" }]);
            assert.strictEqual(r.out, undefined);
            assert.deepStrictEqual(r.keys, [`${NS}[1].name`]);
        });

        it("a poller group of 100 consumers and of 2000 maximum pollers is accepted", () => {
            const group = (i: number, maximum: number) => ({ name: `c${i}`, topic: "orders", provisionedPollers: { maximum, pollerGroupName: "g" } });
            assert.strictEqual(run(Array.from({ length: 100 }, (_, i) => group(i, 1))).out?.length, 100);
            assert.strictEqual(run([group(0, 1000), group(1, 1000)]).out?.length, 2);
        });
    });

    describe("the component's settings (parseConsumerSettings)", () => {
        it("a refused setting throws a ConfigError naming it", () => {
            const ctx = { baseName: "msk-lambda-dev", environment: "dev", authentication: "iam" as const };
            assert.throws(
                () => parseConsumerSettings({ ...ok, batchSize: 0 }, "it.settings", ctx),
                (e: unknown) => e instanceof ConfigError && e.issues.map((i) => i.key).join() === "it.settings.batchSize",
            );
        });
    });

    describe("settings of a disabled feature are noted as ignored", () => {
        it("each setting of idempotency { enabled: false } (boolean or text) gets a note, enabled itself none", () => {
            const settings = { expiresAfterSeconds: 100 };
            for (const enabled of [false, "false"]) {
                const r = run([{ ...ok, idempotency: { enabled, ...settings } }]);
                assert.deepStrictEqual([r.keys, r.notes], [[], [`${C0}.idempotency.expiresAfterSeconds`]]);
            }
        });

        it("an enabled feature's settings and a null setting get no note", () => {
            const r = run([{ ...ok, idempotency: { expiresAfterSeconds: 100 }, errorsAlarm: { enabled: true, threshold: 9 }, reservedConcurrency: null }]);
            assert.deepStrictEqual([r.keys, r.notes], [[], []]);
        });
    });
});

describe("retention.ts: what mutation testing found undecided (issue 21)", () => {
    it("durations are the longest in prod, the shortest elsewhere", () => {
        assert.deepStrictEqual(
            [durationOf("keyDeletionWindowDays", "prod"), durationOf("keyDeletionWindowDays", "dev"), durationOf("functionLogRetentionDays", "staging")],
            [30, 7, 14],
        );
    });

    it("a cluster is protected in prod, deletable elsewhere", () => {
        assert.deepStrictEqual(protectionOf(TYPES.cluster, "prod"), { protect: true, retainOnDelete: false });
        assert.deepStrictEqual(protectionOf(TYPES.cluster, "dev"), { protect: false, retainOnDelete: false });
    });

    it("the Safety table has its header and one row per resource", () => {
        const lines = safetyTable().split("\n");
        assert.match(lines[0], /^\| resource \| holds \|/);
        assert.strictEqual(lines.length, 2 + STATEFUL_RESOURCES.length);
    });
});
