/**
 * The pack's rules from AWS's Lambda/MSK documentation, each with a failing and a passing case, sent over the
 * Analyzer protocol to the pack running as its own process; resources are crafted the way another program would
 * register them.
 */
import * as assert from "assert";
import { ACCOUNT, check, CLUSTER_ARN, of, res, secret, UNKNOWN, type Res } from "./helpers/pack";
import { pki } from "./helpers/pki";

const FN = "aws:lambda/function:Function";
const ESM = "aws:lambda/eventSourceMapping:EventSourceMapping";
const QUEUE = "aws:sqs/queue:Queue";
const TOPIC = "aws:sns/topic:Topic";
const fnArn = (name: string) => `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${name}`;

function fn(name: string, props: Record<string, unknown> = {}) {
    return res(FN, name, { name, arn: fnArn(name), runtime: "nodejs22.x", handler: "index.handler", role: `arn:aws:iam::${ACCOUNT}:role/r`, ...props });
}
function mapping(name: string, props: Record<string, unknown>, deps: Record<string, Res[]> = {}) {
    return res(ESM, name, { eventSourceArn: CLUSTER_ARN, topics: ["orders"], startingPosition: "LATEST", ...props }, deps);
}

describe("policy pack: Lambda/MSK facts", function () {
    this.timeout(60000);

    describe("msk-function-timeout (seed: at most 14 minutes)", () => {
        it("refuses a 900 s function behind an MSK mapping, naming the function, the mapping and the limit", async () => {
            const f = fn("slow", { timeout: 900 });
            const d = of(await check([f, mapping("m", { functionName: fnArn("slow") })]), "msk-function-timeout");
            assert.strictEqual(d.length, 1);
            assert.strictEqual(d[0].enforcementLevel, "mandatory");
            assert.strictEqual(d[0].urn, f.urn);
            assert.match(d[0].message, /Function 'slow' has a timeout of 900 s but is invoked by the Amazon MSK event source mapping 'm'.*840 s or less/);
        });
        it("accepts 840 s, and a function without a timeout (Lambda's default is 3 s)", async () => {
            assert.deepStrictEqual(of(await check([fn("ok", { timeout: 840 }), mapping("m", { functionName: "ok" })]), "msk-function-timeout"), []);
            assert.deepStrictEqual(of(await check([fn("dflt"), mapping("m", { functionName: fnArn("dflt") })]), "msk-function-timeout"), []);
        });
        it("follows property dependencies when the mapping's ARNs are unknown (first preview)", async () => {
            const f = fn("slow", { timeout: 901, arn: UNKNOWN });
            const cluster = res("aws:msk/cluster:Cluster", "c", { clusterName: "c" });
            const d = of(
                await check([f, cluster, mapping("m", { functionName: UNKNOWN, eventSourceArn: UNKNOWN }, { functionName: [f], eventSourceArn: [cluster] })]),
                "msk-function-timeout",
            );
            assert.strictEqual(d.length, 1);
        });
        it("resolves a mapping that targets an alias", async () => {
            const f = fn("slow", { timeout: 900 });
            const alias = res("aws:lambda/alias:Alias", "live", { name: "live", functionName: "slow", arn: `${fnArn("slow")}:live` });
            assert.strictEqual(of(await check([f, alias, mapping("m", { functionName: `${fnArn("slow")}:live` })]), "msk-function-timeout").length, 1);
        });
        it("honours maxTimeoutSeconds, and ignores non-Kafka mappings", async () => {
            assert.strictEqual(
                of(
                    await check([fn("f", { timeout: 600 }), mapping("m", { functionName: "f" })], { "msk-function-timeout": { maxTimeoutSeconds: 300 } }),
                    "msk-function-timeout",
                ).length,
                1,
            );
            const sqs = res(ESM, "sqs", { eventSourceArn: `arn:aws:sqs:us-east-1:${ACCOUNT}:q`, functionName: "f" });
            assert.deepStrictEqual(of(await check([fn("f", { timeout: 900 }), sqs]), "msk-function-timeout"), []);
        });
        it("reports an unknown timeout as a preview note, not a violation", async () => {
            const d = of(await check([fn("f", { timeout: UNKNOWN }), mapping("m", { functionName: "f" })]), "msk-function-timeout");
            assert.strictEqual(d.length, 1);
            assert.strictEqual(d[0].enforcementLevel, "advisory");
            assert.match(d[0].message, /can't run policy 'msk-function-timeout'.*during preview/);
        });
    });

    describe("no-fifo-destinations (seeds 002/004: standard queues and topics only)", () => {
        const fifoQueue = `arn:aws:sqs:us-east-1:${ACCOUNT}:failures.fifo`;
        it("refuses a FIFO queue as a mapping's on-failure destination", async () => {
            const m = mapping("m", { functionName: "f", destinationConfig: { onFailure: { destinationArn: fifoQueue } } });
            const d = of(await check([m]), "no-fifo-destinations");
            assert.strictEqual(d.length, 1);
            assert.strictEqual(d[0].urn, m.urn);
            assert.match(
                d[0].message,
                /uses the FIFO SQS queue arn:aws:sqs:us-east-1:111122223333:failures\.fifo as its on-failure destination: Lambda delivers only to standard/,
            );
        });
        it("refuses FIFO async destinations and a FIFO dead-letter topic", async () => {
            const cfg = res("aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig", "async", {
                functionName: "f",
                destinationConfig: { onSuccess: { destination: `arn:aws:sns:us-east-1:${ACCOUNT}:done.fifo` } },
            });
            const f = fn("f", { deadLetterConfig: { targetArn: fifoQueue } });
            const d = of(await check([cfg, f]), "no-fifo-destinations");
            assert.deepStrictEqual(d.map((x) => x.urn).sort(), [cfg.urn, f.urn].sort());
            assert.ok(d.some((x) => /FIFO SNS topic .* as its async on-success destination/.test(x.message)));
            assert.ok(d.some((x) => /as its dead-letter target/.test(x.message)));
        });
        it("catches a FIFO queue in a first preview, where the ARN is unknown, by following the dependency", async () => {
            const q = res(QUEUE, "failures", { fifoQueue: true, name: UNKNOWN });
            const d = of(
                await check([
                    q,
                    mapping("m", { functionName: "f", destinationConfig: { onFailure: { destinationArn: UNKNOWN } } }, { destinationConfig: [q] }),
                ]),
                "no-fifo-destinations",
            );
            assert.strictEqual(d.length, 1);
            assert.match(d[0].message, /FIFO SQS queue 'failures'/);
            const t = res(TOPIC, "t", { fifoTopic: true });
            const cfg = res(
                "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig",
                "async",
                { functionName: "f", destinationConfig: { onFailure: { destination: UNKNOWN } } },
                { destinationConfig: [t] },
            );
            assert.strictEqual(of(await check([t, cfg]), "no-fifo-destinations").length, 1);
        });
        it("accepts standard queues and topics, known or not", async () => {
            const q = res(QUEUE, "failures", { fifoQueue: false });
            const ok = [
                q,
                mapping("m", { destinationConfig: { onFailure: { destinationArn: UNKNOWN } } }, { destinationConfig: [q] }),
                mapping("m2", { destinationConfig: { onFailure: { destinationArn: `arn:aws:sqs:us-east-1:${ACCOUNT}:standard` } } }),
            ];
            assert.deepStrictEqual(of(await check(ok), "no-fifo-destinations"), []);
        });
    });

    describe("mtls-secret (seed: mTLS secret format; real X.509/ASN.1 parsing)", () => {
        const version = (value: object | string, name = "mtls") =>
            res("aws:secretsmanager/secretVersion:SecretVersion", name, {
                secretId: "arn:aws:secretsmanager:us-east-1:111122223333:secret:mtls-AbCdEf",
                secretString: secret(typeof value === "string" ? value : JSON.stringify(value)),
            });
        const p = () => pki();
        it("accepts a correct chain with a plain or PBES1-encrypted PKCS#8 key", async () => {
            assert.deepStrictEqual(of(await check(version({ certificate: p().chain, privateKey: p().clientKey })), "mtls-secret"), []);
            assert.deepStrictEqual(
                of(await check(version({ certificate: p().chain, privateKey: p().clientKeyPbes1, privateKeyPassword: p().keyPassword })), "mtls-secret"),
                [],
            );
        });
        const bad: [string, () => object | string, RegExp][] = [
            [
                "a PBES2-encrypted key",
                () => ({ certificate: p().chain, privateKey: p().clientKeyPbes2, privateKeyPassword: p().keyPassword }),
                /encrypted with PBES2; Lambda supports only PBES1/,
            ],
            [
                "a traditional BEGIN RSA PRIVATE KEY",
                () => ({ certificate: p().chain, privateKey: p().clientKeyRsa }),
                /"RSA PRIVATE KEY" PEM block; Lambda needs PKCS#8/,
            ],
            [
                "an encrypted key without privateKeyPassword",
                () => ({ certificate: p().chain, privateKey: p().clientKeyPbes1 }),
                /encrypted but the secret has no privateKeyPassword/,
            ],
            [
                "a self-signed client certificate",
                () => ({ certificate: p().selfSigned, privateKey: p().selfSignedKey }),
                /client certificate \(CN=self-signed-consumer\) is self-signed/,
            ],
            [
                "a chain with the root first",
                () => ({ certificate: p().root + p().intermediate + p().client, privateKey: p().clientKey }),
                /is not issued by certificate 2/,
            ],
            [
                "a chain without its root",
                () => ({ certificate: p().client + p().intermediate, privateKey: p().clientKey }),
                /the last certificate \(CN=Test Intermediate CA\) is not a root CA certificate/,
            ],
            [
                "an expired client certificate",
                () => ({ certificate: p().expiredChain, privateKey: p().expiredKey }),
                /certificate 1 \(CN=expired-consumer\) expired/,
            ],
            [
                "a key that belongs to another certificate",
                () => ({ certificate: p().chain, privateKey: p().otherKey }),
                /private key does not belong to the client certificate/,
            ],
            [
                "a secret over 65,536 bytes",
                () => ({ certificate: p().chain, privateKey: p().clientKey, padding: "x".repeat(70_000) }),
                /bytes; Secrets Manager allows at most 65536/,
            ],
            [
                "garbage in the certificate field",
                () => ({ certificate: "-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----", privateKey: p().clientKey }),
                /not a valid X\.509 certificate/,
            ],
        ];
        for (const [what, value, message] of bad) {
            it(`refuses ${what}, without quoting secret material`, async () => {
                const v = value();
                const d = of(await check(version(v)), "mtls-secret");
                assert.ok(d.length >= 1, "no violation");
                assert.ok(d.every((x) => x.enforcementLevel === "mandatory"));
                assert.ok(
                    d.some((x) => message.test(x.message)),
                    d.map((x) => x.message).join("\n"),
                );
                const text = d.map((x) => x.message).join("\n");
                const material = Object.values(v).filter((x): x is string => typeof x === "string" && x.length < 60_000);
                for (const m of material)
                    for (const line of m.split("\n").filter((l) => l.length >= 16 && !l.startsWith("-----")))
                        assert.ok(!text.includes(line), "a PEM body line leaked into a violation");
                assert.ok(!text.includes(p().keyPassword));
            });
        }
        it("ignores secrets that are not mTLS secrets", async () => {
            assert.deepStrictEqual(of(await check(version({ username: "u", password: "p" })), "mtls-secret"), []);
            assert.deepStrictEqual(of(await check(version("not json at all")), "mtls-secret"), []);
        });
        it("requires certificate and privateKey in the secret a CLIENT_CERTIFICATE_TLS_AUTH mapping names", async () => {
            const s = res("aws:secretsmanager/secret:Secret", "s", { name: "mtls", arn: UNKNOWN });
            const v = res(
                "aws:secretsmanager/secretVersion:SecretVersion",
                "v",
                { secretId: UNKNOWN, secretString: secret(JSON.stringify({ username: "u", password: "p" })) },
                { secretId: [s] },
            );
            const m = mapping(
                "m",
                { sourceAccessConfigurations: [{ type: "CLIENT_CERTIFICATE_TLS_AUTH", uri: UNKNOWN }] },
                { sourceAccessConfigurations: [s] },
            );
            const d = of(await check([s, v, m]), "mtls-secret-for-mapping");
            assert.strictEqual(d.length, 1);
            assert.strictEqual(d[0].urn, v.urn);
            assert.match(d[0].message, /has no certificate or privateKey field/);
            assert.ok(!d[0].message.includes('"p"'));
        });
    });

    describe("msk-no-custom-server-ca (seed: MSK brokers use Amazon Trust Services certificates)", () => {
        it("refuses SERVER_ROOT_CA_CERTIFICATE on an MSK mapping, and allows it for self-managed Kafka", async () => {
            const sac = [{ type: "SERVER_ROOT_CA_CERTIFICATE", uri: "arn:aws:secretsmanager:us-east-1:111122223333:secret:ca-AbCdEf" }];
            const d = of(await check(mapping("m", { sourceAccessConfigurations: sac })), "msk-no-custom-server-ca");
            assert.strictEqual(d.length, 1);
            assert.match(d[0].message, /does not support self-signed or private server certificates/);
            const selfManaged = res(ESM, "sm", {
                topics: ["t"],
                selfManagedEventSource: { endpoints: { KAFKA_BOOTSTRAP_SERVERS: "b:9092" } },
                sourceAccessConfigurations: sac,
            });
            assert.deepStrictEqual(of(await check(selfManaged), "msk-no-custom-server-ca"), []);
        });
        it("judges a mapping whose cluster ARN is unknown by its Kafka shape", async () => {
            const d = of(
                await check(mapping("m", { eventSourceArn: UNKNOWN, sourceAccessConfigurations: [{ type: "SERVER_ROOT_CA_CERTIFICATE", uri: "x" }] })),
                "msk-no-custom-server-ca",
            );
            assert.strictEqual(d.length, 1);
        });
    });

    describe("msk-mapping-auth-mechanism and msk-scram-secret (seed: no SASL/PLAIN; AmazonMSK_ secrets with a customer key)", () => {
        it("refuses BASIC_AUTH and SASL_SCRAM_256_AUTH on MSK, accepts SASL_SCRAM_512_AUTH", async () => {
            for (const [type, why] of [
                ["BASIC_AUTH", /SASL\/PLAIN \(BASIC_AUTH\), which Amazon MSK does not support/],
                ["SASL_SCRAM_256_AUTH", /supports SCRAM-SHA-512 only/],
            ] as const) {
                const d = of(
                    await check(
                        mapping("m", {
                            sourceAccessConfigurations: [{ type, uri: "arn:aws:secretsmanager:us-east-1:111122223333:secret:AmazonMSK_x-AbCdEf" }],
                        }),
                    ),
                    "msk-mapping-auth-mechanism",
                );
                assert.strictEqual(d.length, 1, type);
                assert.match(d[0].message, why);
            }
            assert.deepStrictEqual(
                of(
                    await check(
                        mapping("m", {
                            sourceAccessConfigurations: [
                                { type: "SASL_SCRAM_512_AUTH", uri: "arn:aws:secretsmanager:us-east-1:111122223333:secret:AmazonMSK_x-AbCdEf" },
                            ],
                        }),
                    ),
                    "msk-mapping-auth-mechanism",
                ),
                [],
            );
        });
        it("refuses an associated secret without the AmazonMSK_ prefix or with the default key, even when its ARN is unknown", async () => {
            const s = res("aws:secretsmanager/secret:Secret", "creds", { name: "kafka-creds", arn: UNKNOWN });
            const assoc = res(
                "aws:msk/singleScramSecretAssociation:SingleScramSecretAssociation",
                "a",
                { clusterArn: CLUSTER_ARN, secretArn: UNKNOWN },
                { secretArn: [s] },
            );
            const d = of(await check([s, assoc]), "msk-scram-secret");
            assert.strictEqual(d.length, 2);
            assert.ok(d.every((x) => x.urn === s.urn));
            assert.ok(d.some((x) => /only accepts secrets whose names start with AmazonMSK_/.test(x.message)));
            assert.ok(d.some((x) => /default aws\/secretsmanager key; MSK requires a customer-managed KMS key/.test(x.message)));
        });
        it("accepts an AmazonMSK_ secret with a customer-managed key, and checks secrets outside the stack by ARN", async () => {
            const key = res("aws:kms/key:Key", "k", { enableKeyRotation: true });
            const s = res("aws:secretsmanager/secret:Secret", "creds", { name: "AmazonMSK_app", kmsKeyId: UNKNOWN }, { kmsKeyId: [key] });
            const assoc = res(
                "aws:msk/scramSecretAssociation:ScramSecretAssociation",
                "a",
                { clusterArn: CLUSTER_ARN, secretArnLists: [UNKNOWN] },
                { secretArnLists: [s] },
            );
            assert.deepStrictEqual(of(await check([key, s, assoc]), "msk-scram-secret"), []);
            const external = res("aws:msk/singleScramSecretAssociation:SingleScramSecretAssociation", "x", {
                clusterArn: CLUSTER_ARN,
                secretArn: "arn:aws:secretsmanager:us-east-1:111122223333:secret:app-creds-AbCdEf",
            });
            const d = of(await check(external), "msk-scram-secret");
            assert.strictEqual(d.length, 1);
            assert.match(d[0].message, /uses the SASL\/SCRAM secret app-creds/);
        });
    });

    describe('msk-scram-secret over a VPC connection (review finding 6; Lambda, "Creating cross-account event source mappings")', () => {
        const SYNCED = "arn:aws:secretsmanager:us-east-1:444455556666:secret:kafka/synced-AbCdEf";
        const scram = [{ type: "SASL_SCRAM_512_AUTH", uri: SYNCED }];
        it("accepts a mapping on a VPC connection ARN whose SCRAM secret is not AmazonMSK_ (a synced secret MSK never reads)", async () => {
            const eventSourceArn = "arn:aws:kafka:us-east-1:444455556666:vpc-connection/111122223333/shared/51jn98b4-0a61-46cc-b0a6-61g9a3d797d5-7";
            assert.deepStrictEqual(of(await check(mapping("m", { eventSourceArn, sourceAccessConfigurations: scram })), "msk-scram-secret"), []);
        });
        it("accepts it when the ARN is not known yet and the mapping depends on the stack's VPC connection", async () => {
            const vc = res("aws:msk/vpcConnection:VpcConnection", "vc", { targetClusterArn: CLUSTER_ARN, arn: UNKNOWN });
            const m = mapping("m", { eventSourceArn: UNKNOWN, sourceAccessConfigurations: scram }, { eventSourceArn: [vc] });
            assert.deepStrictEqual(of(await check([vc, m]), "msk-scram-secret"), []);
        });
        it("still refuses the same secret on a mapping that names the cluster itself (MSK checks it against the cluster's associations)", async () => {
            const d = of(await check(mapping("m", { sourceAccessConfigurations: scram })), "msk-scram-secret");
            assert.strictEqual(d.length, 1);
            assert.match(d[0].message, /uses the SASL\/SCRAM secret kafka\/synced: Amazon MSK only accepts secrets whose names start with AmazonMSK_/);
        });
    });

    describe("msk-mapping-limits (Lambda API limits)", () => {
        it("refuses every out-of-range knob in one message", async () => {
            const d = of(
                await check(
                    mapping("m", {
                        topics: ["a", "b"],
                        batchSize: 10001,
                        maximumBatchingWindowInSeconds: 301,
                        provisionedPollerConfig: { minimumPollers: 201, maximumPollers: 100 },
                        amazonManagedKafkaEventSourceConfig: { consumerGroupId: "has space" },
                        filterCriteria: { filters: [...Array(5).fill({ pattern: "{}" }), { pattern: JSON.stringify({ v: ["x".repeat(4100)] }) }] },
                    }),
                ),
                "msk-mapping-limits",
            );
            assert.strictEqual(d.length, 1);
            for (const part of [
                /lists 2 topics/,
                /batchSize is 10001; allowed 1 to 10000/,
                /maximumBatchingWindowInSeconds is 301; allowed 0 to 300/,
                /minimumPollers is 201; allowed 1 to 200/,
                /minimumPollers 201 is greater than maximumPollers 100/,
                /consumerGroupId must be 1-200 characters/,
                /6 filters; at most 5/,
                /filter 6 is \d+ characters; a pattern may be at most 4096/,
            ]) {
                assert.match(d[0].message, part);
            }
        });
        it("accepts the limits themselves", async () => {
            const ok = mapping("m", {
                batchSize: 10000,
                maximumBatchingWindowInSeconds: 300,
                provisionedPollerConfig: { minimumPollers: 200, maximumPollers: 2000 },
                amazonManagedKafkaEventSourceConfig: { consumerGroupId: "g/1:a+b=c.d@e" },
                filterCriteria: { filters: Array(5).fill({ pattern: "{}" }) },
            });
            assert.deepStrictEqual(of(await check(ok), "msk-mapping-limits"), []);
        });
    });
});

describe("policy pack: catalogue", () => {
    it("serves every policy with a kebab-case name, a description, an enforcement level, and a schema for each knob", async () => {
        const info = await (await (await import("./helpers/pack")).pack()).info();
        assert.strictEqual(info.name, "msk-lambda");
        assert.strictEqual(info.version, require("../policies/package.json").version);
        assert.ok(info.policies.length >= 20);
        for (const p of info.policies) {
            assert.match(p.name, /^[a-z0-9]+(-[a-z0-9]+)*$/);
            assert.ok(p.description.length > 20, p.name);
            assert.ok(["advisory", "mandatory"].includes(p.enforcementLevel), p.name);
        }
        // Every policy also has `exemptions` (tests/pack-metadata.test.ts): the knobs are the rest.
        const own = (p: (typeof info.policies)[number]) => Object.keys(p.configSchema ?? {}).filter((k) => k !== "exemptions");
        const knobs = Object.fromEntries(info.policies.filter((p) => own(p).length).map((p) => [p.name, own(p).sort()]));
        assert.deepStrictEqual(knobs, {
            "msk-function-timeout": ["maxTimeoutSeconds"],
            "msk-encryption-in-transit": ["allowPlaintext"],
            "msk-no-unauthenticated-access": ["allowUnauthenticated"],
            "msk-mapping-on-failure-destination": ["requireOnFailureDestination"],
            "mapping-secret-protection": ["production"],
            "self-managed-kafka-authentication": ["allowUnauthenticated"],
        });
        const advisory = info.policies
            .filter((p) => p.enforcementLevel === "advisory")
            .map((p) => p.name)
            .sort();
        assert.deepStrictEqual(advisory, [
            "consumer-confused-deputy",
            "destination-delivery-outside-stack",
            "kafka-consumer-group-across-sources",
            "kafka-ingress-prefix-lists",
            "kafka-mapping-unbounded-retries",
            "msk-acl-default-allow",
            "msk-broker-logs",
            "msk-encryption-at-rest-cmk",
            "msk-network-path",
        ]);
    });

    it("refuses a policy config naming an unknown policy, and keeps declared levels for entries without one", async () => {
        const s = await (await import("./helpers/pack")).pack();
        await assert.rejects(s.configure({ "no-such-policy": "mandatory" }), /"no-such-policy", which is not a policy of this pack/);
        // An entry without enforcementLevel (e.g. only knobs) keeps the policy mandatory.
        const d = await check(res("aws:kms/key:Key", "k", { enableKeyRotation: false }), { "kms-key-rotation": {} });
        assert.strictEqual(of(d, "kms-key-rotation", "mandatory").length, 1);
    });
});
