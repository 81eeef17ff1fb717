import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { Consumer } from "../components/consumer";
import { KafkaCluster } from "../components/kafka-cluster";
import { Network } from "../components/network";
import { Stack } from "../components/whole-stack";
import { ConfigError } from "../lib/config";
import { parseConsumerSettings } from "../lib/consumer-config";
import { StackEnvironment } from "../lib/destinations";
import { ClusterAuthentication, type ClusterSettings, type ConsumerSettings, type NetworkSettings } from "../lib/settings";
import { settingsSource } from "../plan/component-args";
import { simulate } from "../plan/simulate";
import { run } from "./helpers/sim";

/**
 * The component package's args (lib/settings.ts) are generated from the config tables that validate the stack, so
 * the keys, defaults, allowed values and create-only notes a Python or YAML program sees are the stack file's.
 */
const ROOT = path.resolve(__dirname, "..");
const SETTINGS = fs.readFileSync(path.join(ROOT, "lib", "settings.ts"), "utf8");

/** The property names of an interface of lib/settings.ts. */
function keysOf(name: string): string[] {
    const start = SETTINGS.indexOf(`export interface ${name} {`);
    assert.ok(start >= 0, `lib/settings.ts has no interface ${name}`);
    const body = SETTINGS.slice(start, SETTINGS.indexOf("\n}", start));
    return [...body.matchAll(/^ {4}([A-Za-z]+)\??: /gm)].map((m) => m[1]);
}

const KMS = "arn:aws:kms:us-east-1:123456789012:key/0e2c2cd1-3b8b-4c0b-9b8e-1f3e4a5b6c7d";
const SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:registry-AbCdEf";
const QUEUE = "arn:aws:sqs:us-east-1:123456789012:shared-failures";

/** A value for every key of each nested interface, as a Python or YAML program would write it. */
const NESTED: Record<string, Record<string, unknown>[]> = {
    ProvisionedPollersSettings: [{ enabled: true, minimum: 1, maximum: 4, pollerGroupName: "group-a" }],
    SchemaRegistrySettings: [
        { glueRegistryArn: "create", eventRecordFormat: "SOURCE", validate: ["KEY", "VALUE"] },
        { uri: "https://registry.example.com", authentication: "BASIC_AUTH", secretArn: SECRET, secretKmsKeyArn: KMS, rootCaSecretArn: `${SECRET}x` },
    ],
    IdempotencySettings: [{ enabled: true, expiresAfterSeconds: 3600 }],
    FailureDestinationSettings: [{ type: "sns" }, { arn: QUEUE, kmsKeyArn: KMS }, { type: "kafka", topic: "orders-failures" }],
    AsyncDestinationsSettings: [{ onFailure: { type: "sqs" }, onSuccess: { type: "eventbridge" }, maximumRetryAttempts: 1, maximumEventAgeSeconds: 600 }],
    AsyncDestinationSettings: [{ arn: QUEUE, kmsKeyArn: KMS }, { type: "sns" }],
    AlarmSettings: [{ enabled: true, threshold: 10, evaluationMinutes: 2 }],
};
/** Where each nested interface sits in a consumer's settings. */
const AT: Record<string, (v: Record<string, unknown>) => Record<string, unknown>> = {
    ProvisionedPollersSettings: (v) => ({ provisionedPollers: v }),
    SchemaRegistrySettings: (v) => ({ schemaRegistry: v }),
    IdempotencySettings: (v) => ({ idempotency: v }),
    FailureDestinationSettings: (v) => ({ onFailure: v }),
    AsyncDestinationsSettings: (v) => ({ asyncDestinations: v }),
    AsyncDestinationSettings: (v) => ({ asyncDestinations: { onFailure: v } }),
    AlarmSettings: (v) => ({ errorsAlarm: v, offsetLagAlarm: v }),
};
const ctx = { baseName: "msk-lambda-dev", environment: "dev", authentication: "iam" as const };

describe("component args (lib/settings.ts)", () => {
    it("is what npm run docs generates from the config tables (run npm run docs after changing a key)", () => {
        assert.strictEqual(SETTINGS, settingsSource(), "lib/settings.ts is stale: run npm run docs");
    });

    it("each settings interface has exactly the keys of its config table (secret keys aside: the Stack takes them as secret inputs)", () => {
        const { CONSUMER_SPEC } = require("../lib/consumer-config");
        const { CLUSTER_SPEC, NETWORK_SPEC, STACK_CONFIG } = require("../lib/config");
        const { TOPIC_SPEC } = require("../lib/topics");
        assert.deepStrictEqual(keysOf("ConsumerSettings"), Object.keys(CONSUMER_SPEC));
        assert.deepStrictEqual(keysOf("NetworkSettings"), Object.keys(NETWORK_SPEC));
        assert.deepStrictEqual(keysOf("ClusterSettings"), Object.keys(CLUSTER_SPEC));
        assert.deepStrictEqual(keysOf("TopicSettings"), Object.keys(TOPIC_SPEC));
        assert.deepStrictEqual(
            keysOf("StackSettings"),
            Object.keys(STACK_CONFIG).filter((k) => !(STACK_CONFIG as Record<string, { secret?: boolean }>)[k].secret),
        );
    });

    it("Network and KafkaCluster refuse bad settings by the component's key, every problem at once, before any resource registers", async () => {
        const errors: unknown[] = [];
        const sim = await simulate(
            () => {
                for (const make of [
                    () =>
                        new Network("net", {
                            settings: { mode: "bogus", azCount: 9 } as unknown as NetworkSettings,
                            brokerPort: 9098,
                            createClusterSecurityGroup: true,
                        }),
                    () =>
                        new KafkaCluster("kafka", {
                            settings: { brokersPerAz: 0, storageMode: "FAST" } as unknown as ClusterSettings,
                            environment: StackEnvironment.Dev,
                            clusterName: "c",
                            subnetIds: ["subnet-a", "subnet-b"],
                        }),
                ])
                    try {
                        make();
                    } catch (e) {
                        errors.push(e);
                    }
            },
            { project: "msk-lambda", stack: "dev", preview: false, config: { "aws:region": "us-east-1" }, secretKeys: [] },
        );
        assert.deepStrictEqual(
            errors.map((e) => (e instanceof ConfigError ? e.issues.map((i) => i.key) : String(e))),
            [
                ["net.settings.mode", "net.settings.azCount"],
                ["kafka.settings.brokersPerAz", "kafka.settings.storageMode"],
            ],
        );
        assert.deepStrictEqual(
            sim.resources.map((r) => r.type),
            ["pulumi:pulumi:Stack"],
        );
    });

    for (const [name, samples] of Object.entries(NESTED)) {
        it(`${name}: every key is one the consumer parser accepts`, () => {
            assert.deepStrictEqual(new Set(samples.flatMap((s) => Object.keys(s))), new Set(keysOf(name)), "a sample per key of the interface");
            for (const sample of samples) {
                const settings = { name: "orders", topic: "orders", ...AT[name](sample) };
                assert.doesNotThrow(() => parseConsumerSettings(settings, "it.settings", ctx), `${JSON.stringify(sample)} is refused`);
            }
        });
    }

    it("provisionedPollers { enabled: false } is on-demand mode, as false is in the stack file", () => {
        const off = parseConsumerSettings({ name: "orders", topic: "orders", provisionedPollers: { enabled: false } }, "it", ctx);
        assert.strictEqual(off.provisionedPollers, undefined);
        assert.strictEqual(off.maximumRetryAttempts, undefined);
        assert.throws(() => parseConsumerSettings({ name: "o", topic: "o", provisionedPollers: { enabled: false, maximum: 3 } }, "it", ctx), /maximum/);
    });

    it("the default consumer group is <baseName>-<name>, as the stack's <project>-<stack>-<name>", () => {
        assert.strictEqual(parseConsumerSettings({ name: "orders", topic: "orders" }, "it", ctx).consumerGroupId, "msk-lambda-dev-orders");
    });

    it("Consumer refuses bad settings with every problem named by key, before any resource registers", async () => {
        const settings = { name: "Orders!", topic: "orders", batchSize: 0, onFailure: { type: "eventbridge" } } as unknown as ConsumerSettings;
        let error: unknown;
        const sim = await simulate(
            () => {
                try {
                    new Consumer("c", {
                        settings,
                        environment: StackEnvironment.Dev,
                        baseName: "msk-lambda-dev",
                        clusterArn: "arn:aws:kafka:us-east-1:123456789012:cluster/c/fc2f5bdf-fd1b-45ad-85dd-15b4a5a6247e-2",
                        authentication: ClusterAuthentication.Iam,
                    });
                } catch (e) {
                    error = e;
                }
            },
            { project: "msk-lambda", stack: "dev", preview: false, config: { "aws:region": "us-east-1" }, secretKeys: [] },
        );
        assert.ok(error instanceof ConfigError, String(error));
        assert.deepStrictEqual(
            error.issues.map((i) => i.key),
            ["c.settings.name", "c.settings.batchSize", "c.settings.onFailure.type"],
        );
        assert.deepStrictEqual(
            sim.resources.map((r) => r.type),
            ["pulumi:pulumi:Stack"],
        );
    });

    describe("Consumer checks its source through the stack's parser (review finding 1), before any child registers", () => {
        const SM_SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:kafka/lambda-AbCdEf";
        const OWNER = "arn:aws:kafka:us-east-1:111122223333:cluster/shared/0b7c4e2a-8d4f-4c1a-9a3e-5f6d7e8f9a0b-2";
        /** The keys of the refusal, and the resources registered (the stack only, when refused). */
        async function consumerWith(args: Record<string, unknown>): Promise<{ keys: string[]; types: string[] }> {
            let error: unknown;
            const sim = await simulate(
                () => {
                    try {
                        new Consumer("c", {
                            settings: { name: "orders", topic: "orders" },
                            environment: StackEnvironment.Dev,
                            baseName: "msk-lambda-dev",
                            authentication: ClusterAuthentication.Scram,
                            ...args,
                        } as any);
                    } catch (e) {
                        error = e;
                    }
                },
                { project: "msk-lambda", stack: "dev", preview: false, config: { "aws:region": "us-east-1" }, secretKeys: [] },
            );
            return { keys: error instanceof ConfigError ? error.issues.map((i) => i.key) : [String(error)], types: sim.resources.map((r) => r.type) };
        }

        it("self-managed without bootstrap servers: c.source.bootstrapServers, nothing registered", async () => {
            const r = await consumerWith({ source: { kind: "self-managed", authentication: "scram-512", secretArn: SM_SECRET } });
            assert.deepStrictEqual(r, { keys: ["c.source.bootstrapServers"], types: ["pulumi:pulumi:Stack"] });
        });

        it("self-managed with authentication iam: c.source.authentication, nothing registered", async () => {
            const r = await consumerWith({ source: { kind: "self-managed", bootstrapServers: ["k.example.com:9096"], authentication: "iam" } });
            assert.deepStrictEqual(r, { keys: ["c.source.authentication"], types: ["pulumi:pulumi:Stack"] });
        });

        it("msk-vpc-connection without the connection's ARN: c.vpcConnectionArn, nothing registered", async () => {
            const r = await consumerWith({ authentication: ClusterAuthentication.Iam, source: { kind: "msk-vpc-connection", clusterArn: OWNER } });
            assert.deepStrictEqual(r, { keys: ["c.vpcConnectionArn"], types: ["pulumi:pulumi:Stack"] });
        });

        it("msk without a cluster ARN: c.clusterArn, nothing registered", async () => {
            const r = await consumerWith({});
            assert.deepStrictEqual(r, { keys: ["c.clusterArn"], types: ["pulumi:pulumi:Stack"] });
        });

        it("self-managed needs no cluster ARN: the mapping reads the bootstrap servers", async () => {
            const r = await run(() => {
                new Consumer("c", {
                    settings: { name: "orders", topic: "orders" },
                    environment: StackEnvironment.Dev,
                    baseName: "msk-lambda-dev",
                    authentication: ClusterAuthentication.Scram,
                    source: {
                        kind: "self-managed",
                        bootstrapServers: ["k.example.com:9096"],
                        authentication: "scram-512",
                        secretArn: SM_SECRET,
                        brokersIn: "internet",
                    } as any,
                });
            });
            const mapping = r.one("aws:lambda/eventSourceMapping:EventSourceMapping");
            assert.deepStrictEqual(mapping.inputs.selfManagedEventSource, { endpoints: { KAFKA_BOOTSTRAP_SERVERS: "k.example.com:9096" } });
            assert.strictEqual(mapping.inputs.eventSourceArn, undefined);
        });
    });

    describe("Stack: secrets another language's program passes as secret outputs", () => {
        const CA = "arn:aws:acm-pca:us-east-1:111122223333:certificate-authority/11111111-2222-3333-4444-555555555555";
        const settings = (authentication: string) => ({
            environment: StackEnvironment.Dev,
            cluster: { authentication, ...(authentication === "mtls" ? { certificateAuthorityArns: [CA] } : {}) },
            consumers: [{ name: "orders", topic: "orders" }],
        });

        it("are counted present (not inspected) and reach the secret's value, as secrets", async () => {
            const r = await run(() => {
                new Stack("it", {
                    settings: settings("mtls") as any,
                    mtlsCertificate: pulumi.secret("-----BEGIN CERTIFICATE-----..."),
                    mtlsPrivateKey: pulumi.secret("-----BEGIN PRIVATE KEY-----..."),
                });
            });
            const version = r.one("aws:secretsmanager/secretVersion:SecretVersion");
            assert.ok(JSON.stringify(version.rawInputs.secretString).includes("4dabf18193072939515e22adb298388d"), "the secret's value is a secret");
            const mapping = r.one("aws:lambda/eventSourceMapping:EventSourceMapping");
            assert.strictEqual(mapping.inputs.sourceAccessConfigurations[0].type, "CLIENT_CERTIFICATE_TLS_AUTH");
        });

        it("a missing one is still refused by its msk-lambda: key, before anything registers", async () => {
            let error: any;
            const r = await run(() => {
                try {
                    new Stack("it", { settings: settings("mtls") as any, mtlsCertificate: pulumi.secret("x") });
                } catch (e) {
                    error = e;
                }
            });
            assert.deepStrictEqual(
                error?.issues?.map((i: { key: string }) => i.key),
                ["msk-lambda:mtlsPrivateKey"],
            );
            assert.strictEqual(r.resources.length, 1);
        });
    });
});
