/**
 * Issue 12: a mapping that cannot connect, authenticate or deliver its failure records is refused before deploy.
 * Each rule with a failing, a passing and a preview case, sent over the Analyzer protocol to the pack running as its
 * own process; resources are plain `aws` resources, registered the way another team's program would.
 */
import * as assert from "assert";
import { ACCOUNT, check, CLUSTER_ARN, of, pack, res, secret, UNKNOWN, type Res } from "./helpers/pack";
import { pki } from "./helpers/pki";

const ESM = "aws:lambda/eventSourceMapping:EventSourceMapping";
const CLUSTER = "aws:msk/cluster:Cluster";
const SECRET = "aws:secretsmanager/secret:Secret";
const VERSION = "aws:secretsmanager/secretVersion:SecretVersion";
const CA_ARN = `arn:aws:acm-pca:us-east-1:${ACCOUNT}:certificate-authority/11111111-2222-3333-4444-555555555555`;
const secretArn = (name: string) => `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:${name}-AbCdEf`;

function cluster(clientAuthentication: unknown, extra: Record<string, unknown> = {}, deps: Record<string, Res[]> = {}) {
    const props: Record<string, unknown> = { clusterName: "shared", arn: CLUSTER_ARN, ...extra };
    if (clientAuthentication !== undefined) props.clientAuthentication = clientAuthentication;
    return res(CLUSTER, "cluster", props, deps);
}
function mapping(name: string, props: Record<string, unknown> = {}, deps: Record<string, Res[]> = {}) {
    return res(ESM, name, { eventSourceArn: CLUSTER_ARN, topics: ["orders"], startingPosition: "LATEST", functionName: "consumer", ...props }, deps);
}
function selfManaged(name: string, props: Record<string, unknown> = {}, deps: Record<string, Res[]> = {}) {
    return res(
        ESM,
        name,
        {
            topics: ["orders"],
            startingPosition: "TRIM_HORIZON",
            functionName: "consumer",
            selfManagedEventSource: { endpoints: { KAFKA_BOOTSTRAP_SERVERS: "b-1.example.com:9096,b-2.example.com:9096" } },
            ...props,
        },
        deps,
    );
}
/** A Secret and one SecretVersion holding `value` (an object as JSON, or a string as is), stored as string or binary. */
function storedSecret(name: string, value: object | string, form: "string" | "binary" = "string") {
    const text = typeof value === "string" ? value : JSON.stringify(value);
    const s = res(SECRET, name, { name, arn: secretArn(name) });
    const v = res(
        VERSION,
        `${name}-v`,
        form === "string"
            ? { secretId: secretArn(name), secretString: secret(text) }
            : { secretId: secretArn(name), secretBinary: secret(Buffer.from(text).toString("base64")) },
        { secretId: [s] },
    );
    return { s, v, arn: secretArn(name) };
}

describe("policy pack: mappings that connect, authenticate and deliver (issue 12)", function () {
    this.timeout(60000);

    describe("kafka-auth-matches-cluster (Lambda/MSK: how Lambda chooses a bootstrap broker)", () => {
        const scram = storedSecret("AmazonMSK_orders", { username: "orders", password: "s3cret-value-123" });
        const mtls = storedSecret("orders-mtls", { certificate: "x", privateKey: "y" });
        it("refuses an mTLS mapping on an IAM-only cluster, and a mapping with no secret on a SCRAM-only cluster", async () => {
            const iamOnly = cluster({ sasl: { iam: true } });
            const m = mapping("m", { sourceAccessConfigurations: [{ type: "CLIENT_CERTIFICATE_TLS_AUTH", uri: mtls.arn }] });
            const d = of(await check([iamOnly, m]), "kafka-auth-matches-cluster", "mandatory");
            assert.strictEqual(d.length, 1);
            assert.strictEqual(d[0].urn, m.urn);
            assert.match(
                d[0].message,
                /'m' reads MSK cluster 'cluster', but it authenticates with CLIENT_CERTIFICATE_TLS_AUTH .*"Server failed to authenticate Lambda"/,
            );

            const scramOnly = cluster({ sasl: { scram: true }, unauthenticated: false });
            const none = of(await check([scramOnly, mapping("none")]), "kafka-auth-matches-cluster", "mandatory");
            assert.strictEqual(none.length, 1);
            assert.match(none[0].message, /names no secret, so Lambda uses IAM access control .* the cluster enables neither/);

            const scramOnIam = of(
                await check([iamOnly, mapping("s", { sourceAccessConfigurations: [{ type: "SASL_SCRAM_512_AUTH", uri: scram.arn }] })]),
                "kafka-auth-matches-cluster",
            );
            assert.match(scramOnIam[0].message, /SASL_SCRAM_512_AUTH and the cluster does not enable SASL\/SCRAM .*"SASL authentication failed"/);
        });
        it("refuses a secret on an MSK Serverless cluster (IAM only), found through the mapping's dependency", async () => {
            const sl = res("aws:msk/serverlessCluster:ServerlessCluster", "serverless", { clusterName: "sl", arn: UNKNOWN });
            const m = mapping(
                "m",
                { eventSourceArn: UNKNOWN, sourceAccessConfigurations: [{ type: "SASL_SCRAM_512_AUTH", uri: scram.arn }] },
                { eventSourceArn: [sl] },
            );
            const d = of(await check([sl, m]), "kafka-auth-matches-cluster", "mandatory");
            assert.strictEqual(d.length, 1);
            assert.match(d[0].message, /MSK Serverless cluster 'serverless'/);
            assert.deepStrictEqual(
                of(await check([sl, mapping("iam", { eventSourceArn: UNKNOWN }, { eventSourceArn: [sl] })]), "kafka-auth-matches-cluster"),
                [],
            );
        });
        it("accepts each mapping whose authentication the cluster enables", async () => {
            const ok: Res[][] = [
                [cluster({ sasl: { iam: true, scram: true } }), mapping("iam")],
                [cluster({ sasl: { scram: true } }), mapping("s", { sourceAccessConfigurations: [{ type: "SASL_SCRAM_512_AUTH", uri: scram.arn }] })],
                [
                    cluster({ tls: { certificateAuthorityArns: [CA_ARN] } }),
                    mapping("t", { sourceAccessConfigurations: [{ type: "CLIENT_CERTIFICATE_TLS_AUTH", uri: mtls.arn }] }),
                ],
                [cluster({ unauthenticated: true }), mapping("open")],
                [cluster(undefined), mapping("default-unauthenticated")],
                // A self-managed cluster's settings are not in the stack: not judged here.
                [cluster({ sasl: { iam: true } }), selfManaged("sm", { sourceAccessConfigurations: [{ type: "BASIC_AUTH", uri: scram.arn }] })],
            ];
            for (const rs of ok) assert.deepStrictEqual(of(await check(rs), "kafka-auth-matches-cluster"), [], rs[1].name);
        });
        it("says it cannot check yet when the cluster's authentication is unknown (first preview)", async () => {
            const d = of(await check([cluster(UNKNOWN), mapping("m")]), "kafka-auth-matches-cluster");
            assert.strictEqual(d.length, 1);
            assert.strictEqual(d[0].enforcementLevel, "advisory");
            assert.match(d[0].message, /can't run policy 'kafka-auth-matches-cluster'.*during preview/);
        });
    });

    describe("scram-secret-content (Amazon MSK: the secret holds username and password)", () => {
        const use = (arn: string) => mapping("m", { sourceAccessConfigurations: [{ type: "SASL_SCRAM_512_AUTH", uri: arn }] });
        it("refuses {user, pass}, a bare string, and the same in secretBinary, without echoing the values", async () => {
            const cases: [object | string, "string" | "binary", RegExp][] = [
                [{ user: "orders", pass: "hunter2-longer-value" }, "string", /has no non-empty string username or password field \(it has "user", "pass"\)/],
                ["hunter2-longer-value", "string", /is not a JSON object/],
                [{ user: "orders", pass: "hunter2-longer-value" }, "binary", /has no non-empty string username or password field/],
                [{ username: "orders", password: "" }, "string", /has no non-empty string password field/],
            ];
            for (const [value, form, message] of cases) {
                const s = storedSecret("AmazonMSK_orders", value, form);
                const d = of(await check([s.s, s.v, use(s.arn)]), "scram-secret-content", "mandatory");
                assert.strictEqual(d.length, 1, JSON.stringify(value));
                assert.strictEqual(d[0].urn, s.v.urn);
                assert.match(d[0].message, message);
                assert.ok(!d[0].message.includes("hunter2"), "a secret value leaked into a violation");
            }
        });
        it("judges secrets associated with a cluster through SCRAM secret associations too", async () => {
            const s = storedSecret("AmazonMSK_ops", { name: "ops", secret: "hunter2-longer-value" });
            const assoc = res(
                "aws:msk/scramSecretAssociation:ScramSecretAssociation",
                "assoc",
                { clusterArn: CLUSTER_ARN, secretArnLists: [UNKNOWN] },
                { secretArnLists: [s.s] },
            );
            assert.strictEqual(of(await check([s.s, s.v, assoc]), "scram-secret-content", "mandatory").length, 1);
        });
        it("accepts {username, password} as secretString or secretBinary", async () => {
            for (const form of ["string", "binary"] as const) {
                const s = storedSecret("AmazonMSK_orders", { username: "orders", password: "hunter2-longer-value" }, form);
                assert.deepStrictEqual(of(await check([s.s, s.v, use(s.arn)]), "scram-secret-content"), [], form);
            }
        });
        it("says it cannot check a secret value that is not known yet", async () => {
            const s = res(SECRET, "s", { name: "AmazonMSK_orders", arn: UNKNOWN });
            const v = res(VERSION, "v", { secretId: UNKNOWN, secretString: UNKNOWN }, { secretId: [s] });
            const m = mapping("m", { sourceAccessConfigurations: [{ type: "SASL_SCRAM_512_AUTH", uri: UNKNOWN }] }, { sourceAccessConfigurations: [s] });
            const d = of(await check([s, v, m]), "scram-secret-content");
            assert.deepStrictEqual(
                d.map((x) => x.enforcementLevel),
                ["advisory"],
            );
        });
    });

    describe("mTLS and server root CA secrets in any form (mtls-secret, kafka-server-root-ca-secret)", () => {
        const p = () => pki();
        const rootCa = (name: string, value: object, form: "string" | "binary" = "string") => {
            const s = storedSecret(name, value, form);
            const m = selfManaged("sm", { sourceAccessConfigurations: [{ type: "SERVER_ROOT_CA_CERTIFICATE", uri: s.arn }] });
            return [s.s, s.v, m];
        };
        it("does not mistake a self-managed Kafka server root CA secret for a client secret", async () => {
            const d = await check(rootCa("broker-ca", { certificate: p().root }));
            assert.deepStrictEqual([...of(d, "mtls-secret"), ...of(d, "kafka-server-root-ca-secret"), ...of(d, "mtls-secret-for-mapping")], []);
        });
        it("refuses a root CA secret that holds a leaf certificate or a private key", async () => {
            const leaf = of(await check(rootCa("broker-ca", { certificate: p().client })), "kafka-server-root-ca-secret", "mandatory");
            assert.strictEqual(leaf.length, 1);
            assert.match(leaf[0].message, /the server root CA of mapping 'sm', has a certificate 1 that is not a CA certificate/);
            const withKey = of(await check(rootCa("broker-ca", { certificate: p().root, privateKey: p().clientKey })), "kafka-server-root-ca-secret");
            assert.match(withKey[0].message, /holds a privateKey field/);
            assert.ok(!withKey[0].message.includes("PRIVATE KEY"));
        });
        it("judges an mTLS client secret stored as secretBinary like one stored as secretString", async () => {
            const bad = storedSecret("orders-mtls", { certificate: p().chain, privateKey: p().clientKeyPbes2, privateKeyPassword: p().keyPassword }, "binary");
            const m = mapping("m", { sourceAccessConfigurations: [{ type: "CLIENT_CERTIFICATE_TLS_AUTH", uri: bad.arn }] });
            const d = of(await check([bad.s, bad.v, m]), "mtls-secret", "mandatory");
            assert.ok(d.some((x) => /encrypted with PBES2/.test(x.message)));
            assert.ok(!d.some((x) => x.message.includes(p().keyPassword)));
            const good = storedSecret("orders-mtls", { certificate: p().chain, privateKey: p().clientKey }, "binary");
            const ok = await check([good.s, good.v, mapping("m", { sourceAccessConfigurations: [{ type: "CLIENT_CERTIFICATE_TLS_AUTH", uri: good.arn }] })]);
            assert.deepStrictEqual([...of(ok, "mtls-secret"), ...of(ok, "mtls-secret-for-mapping")], []);
        });
        it("judges a lone certificate as a client secret only when a mapping uses it for CLIENT_CERTIFICATE_TLS_AUTH", async () => {
            const lone = storedSecret("lonely", { certificate: p().root });
            assert.deepStrictEqual(of(await check([lone.s, lone.v]), "mtls-secret"), []);
            const m = mapping("m", { sourceAccessConfigurations: [{ type: "CLIENT_CERTIFICATE_TLS_AUTH", uri: lone.arn }] });
            const d = await check([lone.s, lone.v, m]);
            assert.ok(of(d, "mtls-secret", "mandatory").some((x) => /no privateKey field/.test(x.message)));
            assert.match(of(d, "mtls-secret-for-mapping")[0].message, /has no privateKey field/);
        });
        it("says it cannot check a root CA secret that is not known yet", async () => {
            const s = res(SECRET, "ca", { name: "ca", arn: UNKNOWN });
            const v = res(VERSION, "ca-v", { secretId: UNKNOWN, secretBinary: UNKNOWN }, { secretId: [s] });
            const m = selfManaged(
                "sm",
                { sourceAccessConfigurations: [{ type: "SERVER_ROOT_CA_CERTIFICATE", uri: UNKNOWN }] },
                { sourceAccessConfigurations: [s] },
            );
            assert.deepStrictEqual(
                of(await check([s, v, m]), "kafka-server-root-ca-secret").map((x) => x.enforcementLevel),
                ["advisory"],
            );
        });
    });

    describe("kafka-starting-position (Lambda API CreateEventSourceMapping: TRIM_HORIZON, LATEST, AT_TIMESTAMP)", () => {
        it("refuses a missing or unknown starting position, and AT_TIMESTAMP without a timestamp, on MSK and self-managed Kafka", async () => {
            const missing = mapping("m");
            delete (missing.props as Record<string, unknown>).startingPosition;
            const cases: [Res, RegExp][] = [
                [missing, /has no startingPosition: Lambda requires it for Kafka sources \(one of TRIM_HORIZON, LATEST, AT_TIMESTAMP\)/],
                [mapping("m", { startingPosition: "EARLIEST" }), /has startingPosition "EARLIEST"; Lambda accepts one of TRIM_HORIZON, LATEST, AT_TIMESTAMP/],
                [mapping("m", { startingPosition: "AT_TIMESTAMP" }), /starts AT_TIMESTAMP without startingPositionTimestamp/],
                [selfManaged("sm", { startingPosition: undefined }), /has no startingPosition/],
            ];
            for (const [m, message] of cases) {
                const d = of(await check(m), "kafka-starting-position", "mandatory");
                assert.strictEqual(d.length, 1, m.name);
                assert.match(d[0].message, message);
            }
        });
        it("accepts the three positions, and ignores non-Kafka mappings", async () => {
            for (const m of [
                mapping("a", { startingPosition: "TRIM_HORIZON" }),
                mapping("b", { startingPosition: "AT_TIMESTAMP", startingPositionTimestamp: "2026-01-01T00:00:00Z" }),
                selfManaged("c", { startingPosition: "LATEST" }),
                res(ESM, "sqs", { eventSourceArn: `arn:aws:sqs:us-east-1:${ACCOUNT}:q`, functionName: "f" }),
            ])
                assert.deepStrictEqual(of(await check(m), "kafka-starting-position"), [], m.name);
        });
        it("says it cannot check a starting position that is not known yet", async () => {
            assert.deepStrictEqual(
                of(await check(mapping("m", { startingPosition: UNKNOWN })), "kafka-starting-position").map((x) => x.enforcementLevel),
                ["advisory"],
            );
        });
    });

    describe("kafka-consumer-group-unique (Lambda/MSK: customizable consumer group ID)", () => {
        const group = (id: unknown) => ({ amazonManagedKafkaEventSourceConfig: { consumerGroupId: id } });
        it("refuses two mappings on one cluster with the same consumer group id, MSK or self-managed", async () => {
            const d = of(
                await check([mapping("a", group("orders")), mapping("b", { topics: ["payments"], ...group("orders") })]),
                "kafka-consumer-group-unique",
            );
            assert.strictEqual(d.length, 1);
            assert.strictEqual(d[0].enforcementLevel, "mandatory");
            assert.match(d[0].message, /'a' and 'b' read the same Kafka cluster with the same consumer group id "orders"/);
            const c = cluster({ sasl: { iam: true } }, { arn: UNKNOWN });
            const viaDeps = [
                mapping("a", { eventSourceArn: UNKNOWN, ...group("g") }, { eventSourceArn: [c] }),
                mapping("b", { eventSourceArn: UNKNOWN, ...group("g") }, { eventSourceArn: [c] }),
            ];
            assert.strictEqual(of(await check([c, ...viaDeps]), "kafka-consumer-group-unique").length, 1);
            const sm = (n: string, servers: string) =>
                selfManaged(n, {
                    selfManagedEventSource: { endpoints: { KAFKA_BOOTSTRAP_SERVERS: servers } },
                    selfManagedKafkaEventSourceConfig: { consumerGroupId: "g" },
                });
            assert.strictEqual(of(await check([sm("a", "b1:9092,b2:9092"), sm("b", "b2:9092, b1:9092")]), "kafka-consumer-group-unique").length, 1);
        });
        it("accepts different groups and mappings without a group id (Lambda uses the UUID); the same group on another cluster is advisory", async () => {
            const other = `arn:aws:kafka:us-east-1:${ACCOUNT}:cluster/other/aaaaaaaa-1111-2222-3333-444444444444-1`;
            const ok = [mapping("a", group("a")), mapping("b", group("b")), mapping("d"), mapping("e")];
            assert.deepStrictEqual(of(await check(ok), "kafka-consumer-group-unique"), []);
            assert.deepStrictEqual(of(await check(ok), "kafka-consumer-group-across-sources"), []);
            // Lambda/MSK "Customizable consumer group ID": "The consumer group ID that you specify must be unique among all
            // your Kafka event sources" -- not only on one cluster (issue 25 §2). Records are not split across clusters, so
            // the mandatory rule stays per cluster and this one is advisory.
            const c = mapping("c", { eventSourceArn: other, ...group("a") });
            const d = await check([...ok, c]);
            assert.deepStrictEqual(of(d, "kafka-consumer-group-unique"), []);
            const across = of(d, "kafka-consumer-group-across-sources");
            assert.deepStrictEqual(
                across.map((x) => [x.enforcementLevel, x.urn]),
                [["advisory", c.urn]],
            );
            assert.match(
                across[0].message,
                /'a' and 'c' set the same consumer group id "a" on different Kafka sources: .*"the consumer group ID that you specify must be unique among all your Kafka event sources"/,
            );
        });
        it("says it cannot check group ids that are not known yet", async () => {
            assert.deepStrictEqual(
                of(await check([mapping("a", group(UNKNOWN)), mapping("b", group("b"))]), "kafka-consumer-group-unique").map((x) => x.enforcementLevel),
                ["advisory"],
            );
        });
    });

    describe("destination-types (Lambda: destinations for Kafka mappings, async invocations and dead letters)", () => {
        const onFailure = (arn: unknown, extra: Record<string, unknown> = {}, deps: Record<string, Res[]> = {}) =>
            mapping("m", { destinationConfig: { onFailure: { destinationArn: arn } }, ...extra }, deps);
        const invokeConfig = (destinationConfig: object) =>
            res("aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig", "async", { functionName: "consumer", destinationConfig });
        it("refuses an EventBridge bus, a Lambda function or a bare name as a Kafka mapping's on-failure destination", async () => {
            const cases: [unknown, RegExp][] = [
                [`arn:aws:events:us-east-1:${ACCOUNT}:event-bus/failures`, /is an EventBridge event bus/],
                [`arn:aws:lambda:us-east-1:${ACCOUNT}:function:handler`, /is a Lambda function/],
                ["failures", /is "failures", which is not an ARN/],
                [`https://sqs.us-east-1.amazonaws.com/${ACCOUNT}/failures`, /which is not an ARN/],
            ];
            for (const [arn, message] of cases) {
                const d = of(await check(onFailure(arn)), "destination-types", "mandatory");
                assert.strictEqual(d.length, 1, String(arn));
                assert.match(d[0].message, message);
                assert.match(d[0].message, /Lambda accepts an SQS queue, an SNS topic, an S3 bucket, or kafka:\/\/<topic> here/);
            }
        });
        it("follows kafka:// rules: provisioned mode, a valid topic, not a source topic", async () => {
            const provisioned = { provisionedPollerConfig: { minimumPollers: 1, maximumPollers: 3 } };
            assert.match(of(await check(onFailure("kafka://orders-dlt")), "destination-types")[0].message, /only for mappings in provisioned mode/);
            assert.match(
                of(await check(onFailure("kafka://orders", provisioned)), "destination-types")[0].message,
                /is the mapping's own source topic 'orders'/,
            );
            assert.match(of(await check(onFailure("kafka://", provisioned)), "destination-types")[0].message, /not a valid topic name/);
            assert.deepStrictEqual(of(await check(onFailure("kafka://orders-dlt", provisioned)), "destination-types"), []);
            const sm = selfManaged("sm", { destinationConfig: { onFailure: { destinationArn: "kafka://orders-dlt" } }, ...provisioned });
            assert.deepStrictEqual(of(await check(sm), "destination-types"), []);
        });
        it("accepts SQS, SNS and S3 ARNs for mappings; for async invocations S3 on failure only", async () => {
            for (const arn of [`arn:aws:sqs:us-east-1:${ACCOUNT}:f`, `arn:aws:sns:us-east-1:${ACCOUNT}:f`, "arn:aws:s3:::failure-records"])
                assert.deepStrictEqual(of(await check(onFailure(arn)), "destination-types"), [], arn);
            const okAsync = invokeConfig({
                onFailure: { destination: "arn:aws:s3:::async-failures" },
                onSuccess: { destination: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:next` },
            });
            assert.deepStrictEqual(of(await check(okAsync), "destination-types"), []);
            const s3OnSuccess = of(await check(invokeConfig({ onSuccess: { destination: "arn:aws:s3:::async-ok" } })), "destination-types");
            assert.strictEqual(s3OnSuccess.length, 1);
            assert.match(s3OnSuccess[0].message, /The async on-success destination of 'async' .* is an S3 bucket/);
            const dlq = res("aws:lambda/function:Function", "fn", {
                name: "fn",
                deadLetterConfig: { targetArn: `arn:aws:events:us-east-1:${ACCOUNT}:event-bus/b` },
            });
            assert.match(of(await check(dlq), "destination-types")[0].message, /dead-letter target .* Lambda accepts an SQS queue, an SNS topic here/);
        });
        it("judges an unknown ARN by the resource it depends on (first preview), and notes what it cannot see", async () => {
            const bus = res("aws:cloudwatch/eventBus:EventBus", "bus", { name: "failures", arn: UNKNOWN });
            const d = of(await check([bus, onFailure(UNKNOWN, {}, { destinationConfig: [bus] })]), "destination-types", "mandatory");
            assert.match(d[0].message, /is an EventBridge event bus \('bus'\)/);
            const q = res("aws:sqs/queue:Queue", "q", { name: "failures", arn: UNKNOWN });
            assert.deepStrictEqual(of(await check([q, onFailure(UNKNOWN, {}, { destinationConfig: [q] })]), "destination-types"), []);
            assert.deepStrictEqual(
                of(await check(onFailure(UNKNOWN)), "destination-types").map((x) => x.enforcementLevel),
                ["advisory"],
            );
        });
        it("keeps refusing FIFO destinations in every reference form, and never calls kafka:// FIFO", async () => {
            const fifo = res("aws:sqs/queue:Queue", "fifo", { name: "failures.fifo", fifoQueue: true, arn: UNKNOWN });
            assert.strictEqual(of(await check([fifo, onFailure(UNKNOWN, {}, { destinationConfig: [fifo] })]), "no-fifo-destinations").length, 1);
            assert.strictEqual(of(await check(onFailure(`arn:aws:sqs:us-east-1:${ACCOUNT}:failures.fifo`)), "no-fifo-destinations").length, 1);
            // A bare name (refused by destination-types) that names a FIFO queue in the stack is FIFO too.
            const named = res("aws:sqs/queue:Queue", "named", { name: "failures.fifo", fifoQueue: true });
            const byName = await check([named, onFailure("failures.fifo")]);
            assert.strictEqual(of(byName, "no-fifo-destinations").length, 1);
            assert.strictEqual(of(byName, "destination-types").length, 1);
            assert.deepStrictEqual(
                of(await check(onFailure("kafka://orders.fifo", { provisionedPollerConfig: { minimumPollers: 1 } })), "no-fifo-destinations"),
                [],
            );
        });
    });

    /** A consumer chain of another program: role (with its inline policy), function, mapping, and an SQS destination. */
    function chain(opts: { queueKey: unknown; queueDeps?: Res[]; statements: object[]; roleArn?: string }) {
        const roleArn = opts.roleArn ?? `arn:aws:iam::${ACCOUNT}:role/consumer-role`;
        const role = res("aws:iam/role:Role", "role", { name: "consumer-role", arn: roleArn, assumeRolePolicy: "{}" });
        const policy = res(
            "aws:iam/rolePolicy:RolePolicy",
            "role-policy",
            { role: "consumer-role", policy: JSON.stringify({ Version: "2012-10-17", Statement: opts.statements }) },
            { role: [role] },
        );
        const fn = res(
            "aws:lambda/function:Function",
            "fn",
            { name: "consumer", arn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:consumer`, role: roleArn },
            { role: [role] },
        );
        const q = res(
            "aws:sqs/queue:Queue",
            "failures",
            { name: "failures", arn: QUEUE_ARN, kmsMasterKeyId: opts.queueKey },
            { kmsMasterKeyId: opts.queueDeps ?? [] },
        );
        const m = mapping("mapping", { functionName: fn.props.arn, destinationConfig: { onFailure: { destinationArn: QUEUE_ARN } } }, { functionName: [fn] });
        return { role, fn, q, m, all: [role, policy, fn, q, m] };
    }
    const KEY_ID = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";
    const KEY_ARN = `arn:aws:kms:us-east-1:${ACCOUNT}:key/${KEY_ID}`;
    const QUEUE_ARN = `arn:aws:sqs:us-east-1:${ACCOUNT}:failures`;
    const key = (props: Record<string, unknown> = {}) =>
        res("aws:kms/key:Key", "dest-key", { arn: KEY_ARN, keyId: KEY_ID, id: KEY_ID, enableKeyRotation: true, ...props });
    const alias = () =>
        res("aws:kms/alias:Alias", "dest-alias", { name: "alias/failures", arn: `arn:aws:kms:us-east-1:${ACCOUNT}:alias/failures`, targetKeyId: KEY_ID });
    const sendOnly = [{ Effect: "Allow", Action: "sqs:SendMessage", Resource: QUEUE_ARN }];

    describe("destination-kms-grants through aliases and key ids (a full run judges them, mandatory)", () => {
        for (const [form, value] of [
            ["an alias name", "alias/failures"],
            ["an alias ARN", `arn:aws:kms:us-east-1:${ACCOUNT}:alias/failures`],
            ["a key id", KEY_ID],
        ]) {
            it(`resolves a destination key given by ${form} and refuses a role without the KMS grants`, async () => {
                const c = chain({ queueKey: value, statements: sendOnly });
                const d = of(await check([...c.all, key(), alias()]), "destination-kms-grants");
                assert.strictEqual(d.length, 1);
                assert.strictEqual(d[0].enforcementLevel, "mandatory");
                assert.match(d[0].message, new RegExp(`lacks kms:Decrypt on ${KEY_ARN}, kms:GenerateDataKey on ${KEY_ARN}`));
                const granted = chain({
                    queueKey: value,
                    statements: [...sendOnly, { Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: KEY_ARN }],
                });
                assert.deepStrictEqual(of(await check([...granted.all, key(), alias()]), "destination-kms-grants"), []);
            });
        }
        it("asks for the cross-account actions when the key is in another account", async () => {
            const foreign = "arn:aws:kms:us-east-1:444455556666:key/12345678-1234-1234-1234-123456789012";
            const c = chain({
                queueKey: foreign,
                statements: [...sendOnly, { Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: foreign }],
            });
            const d = of(await check(c.all), "destination-kms-grants", "mandatory");
            assert.strictEqual(d.length, 1);
            assert.match(d[0].message, /lacks kms:DescribeKey on .*, kms:ReEncryptFrom on .*, kms:ReEncryptTo on/);
            const outside = of(await check(c.all), "destination-delivery-outside-stack", "advisory");
            assert.match(outside[0].message, /outside this stack: its key policy cannot be checked/);
        });
        it("notes an alias that names no key in the stack instead of passing or failing silently", async () => {
            const c = chain({ queueKey: "alias/elsewhere", statements: sendOnly });
            const d = await check(c.all);
            assert.deepStrictEqual(of(d, "destination-kms-grants"), []);
            assert.match(
                of(d, "destination-delivery-outside-stack", "advisory")[0].message,
                /"alias\/elsewhere", an alias or key id with no key in this stack/,
            );
        });
    });

    describe("destination-key-policy (the key trusts the execution role)", () => {
        const grants = [...sendOnly, { Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: KEY_ARN }];
        const doc = (Statement: object[]) => JSON.stringify({ Version: "2012-10-17", Statement });
        it("refuses a key policy that neither delegates to IAM nor names the role", async () => {
            const k = key({ policy: doc([{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/admin` }, Action: "kms:*", Resource: "*" }]) });
            const c = chain({ queueKey: KEY_ARN, queueDeps: [k], statements: grants });
            const d = of(await check([...c.all, k]), "destination-key-policy", "mandatory");
            assert.strictEqual(d.length, 1);
            assert.strictEqual(d[0].urn, k.urn);
            assert.match(d[0].message, /neither delegates to IAM in account 111122223333 nor allows role 'role' kms:Decrypt, kms:GenerateDataKey/);
        });
        it("accepts delegation to the account, a statement naming the role, a KeyPolicy resource, and AWS's default policy", async () => {
            const delegating = key({ policy: doc([{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "kms:*", Resource: "*" }]) });
            const naming = key({
                policy: doc([
                    {
                        Effect: "Allow",
                        Principal: { AWS: [`arn:aws:iam::${ACCOUNT}:role/consumer-role`] },
                        Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
                        Resource: "*",
                    },
                ]),
            });
            const plain = key();
            const separate = res("aws:kms/keyPolicy:KeyPolicy", "kp", {
                keyId: KEY_ID,
                policy: doc([{ Effect: "Allow", Principal: { AWS: ACCOUNT }, Action: "kms:*", Resource: "*" }]),
            });
            for (const extra of [[delegating], [naming], [plain], [plain, separate]]) {
                const c = chain({ queueKey: KEY_ARN, queueDeps: [extra[0]], statements: grants });
                assert.deepStrictEqual(of(await check([...c.all, ...extra]), "destination-key-policy"), [], extra.map((r) => r.name).join());
            }
        });
        it("requires the cross-account actions in the policy of a key in another account", async () => {
            const foreignArn = "arn:aws:kms:us-east-1:444455556666:key/12345678-1234-1234-1234-123456789012";
            const k = res("aws:kms/key:Key", "foreign-key", {
                arn: foreignArn,
                enableKeyRotation: true,
                policy: doc([
                    { Effect: "Allow", Principal: { AWS: "arn:aws:iam::444455556666:root" }, Action: "kms:*", Resource: "*" },
                    {
                        Effect: "Allow",
                        Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/consumer-role` },
                        Action: ["kms:Decrypt", "kms:GenerateDataKey"],
                        Resource: "*",
                    },
                ]),
            });
            const c = chain({ queueKey: foreignArn, queueDeps: [k], statements: grants });
            const d = of(await check([...c.all, k]), "destination-key-policy", "mandatory");
            assert.strictEqual(d.length, 1);
            assert.match(d[0].message, /kms:DescribeKey, kms:ReEncryptFrom, kms:ReEncryptTo \(the key is in another account/);
        });
        it("says it cannot check a key policy that is not known yet", async () => {
            const k = key({ policy: UNKNOWN });
            const c = chain({ queueKey: UNKNOWN, queueDeps: [k], statements: grants });
            assert.deepStrictEqual(
                of(await check([...c.all, k]), "destination-key-policy").map((x) => x.enforcementLevel),
                ["advisory"],
            );
        });
    });

    describe("destination-endpoint-in-cluster-vpc (AWS: a VPC endpoint for the destination's service in the cluster's VPC)", () => {
        function network() {
            const vpc = res("aws:ec2/vpc:Vpc", "vpc", { cidrBlock: "10.0.0.0/16", id: "vpc-0a", mainRouteTableId: "rtb-main" });
            const subnets = [0, 1].map((i) =>
                res("aws:ec2/subnet:Subnet", `private-${i}`, { vpcId: "vpc-0a", id: `subnet-0${i}`, cidrBlock: `10.0.${i}.0/24` }, { vpcId: [vpc] }),
            );
            const rt = res("aws:ec2/routeTable:RouteTable", "private-rt", { vpcId: "vpc-0a", id: "rtb-private" }, { vpcId: [vpc] });
            const assocs = subnets.map((s, i) =>
                res(
                    "aws:ec2/routeTableAssociation:RouteTableAssociation",
                    `assoc-${i}`,
                    { subnetId: UNKNOWN, routeTableId: UNKNOWN },
                    { subnetId: [s], routeTableId: [rt] },
                ),
            );
            const c = cluster({ sasl: { iam: true } }, { brokerNodeGroupInfo: { clientSubnets: ["subnet-00", "subnet-01"], securityGroups: ["sg-1"] } });
            return { vpc, subnets, rt, c, all: [vpc, ...subnets, rt, ...assocs, c] };
        }
        const endpoint = (name: string, props: Record<string, unknown>, deps: Record<string, Res[]> = {}) =>
            res("aws:ec2/vpcEndpoint:VpcEndpoint", name, { vpcId: "vpc-0a", serviceName: `com.amazonaws.us-east-1.${name}`, ...props }, deps);
        const toQueue = mapping("m", { destinationConfig: { onFailure: { destinationArn: QUEUE_ARN } } });
        const toBucket = mapping("m", { destinationConfig: { onFailure: { destinationArn: "arn:aws:s3:::failure-records" } } });
        it("refuses a mapping whose cluster VPC has no endpoint for its SQS destination, even with a NAT gateway", async () => {
            const n = network();
            const nat = res("aws:ec2/natGateway:NatGateway", "nat", { subnetId: "subnet-00" });
            const d = of(await check([...n.all, nat, toQueue]), "destination-endpoint-in-cluster-vpc", "mandatory");
            assert.strictEqual(d.length, 1);
            assert.strictEqual(d[0].urn, toQueue.urn);
            assert.match(
                d[0].message,
                /is an SQS queue, and the cluster's VPC 'vpc' has no usable sqs endpoint.*interface endpoint for com\.amazonaws\.<region>\.sqs/,
            );
            const noDns = endpoint("sqs", { vpcEndpointType: "Interface", privateDnsEnabled: false });
            assert.match(of(await check([...n.all, noDns, toQueue]), "destination-endpoint-in-cluster-vpc")[0].message, /privateDnsEnabled off/);
            const otherVpc = endpoint("sqs", { vpcId: "vpc-other", vpcEndpointType: "Interface", privateDnsEnabled: true });
            assert.strictEqual(of(await check([...n.all, otherVpc, toQueue]), "destination-endpoint-in-cluster-vpc").length, 1);
        });
        it("refuses an S3 gateway endpoint with no route tables, or not on the cluster subnets' route tables", async () => {
            const n = network();
            const none = endpoint("s3", { vpcEndpointType: "Gateway" });
            assert.match(of(await check([...n.all, none, toBucket]), "destination-endpoint-in-cluster-vpc")[0].message, /is associated with no route table/);
            const elsewhere = endpoint("s3", { vpcEndpointType: "Gateway", routeTableIds: ["rtb-public"] });
            assert.match(
                of(await check([...n.all, elsewhere, toBucket]), "destination-endpoint-in-cluster-vpc")[0].message,
                /not on the route tables of subnet\(s\) private-0, private-1/,
            );
        });
        it("accepts an SQS interface endpoint with private DNS, and S3 gateway endpoints on the right route tables", async () => {
            const n = network();
            const sqs = endpoint("sqs", { vpcEndpointType: "Interface", privateDnsEnabled: true });
            assert.deepStrictEqual(of(await check([...n.all, sqs, toQueue]), "destination-endpoint-in-cluster-vpc"), []);
            const s3 = endpoint("s3", { routeTableIds: [UNKNOWN] }, { routeTableIds: [n.rt] });
            assert.deepStrictEqual(of(await check([...n.all, s3, toBucket]), "destination-endpoint-in-cluster-vpc"), []);
            const bare = endpoint("s3", { vpcEndpointType: "Gateway", id: "vpce-1" });
            const assoc = res("aws:ec2/vpcEndpointRouteTableAssociation:VpcEndpointRouteTableAssociation", "ep-rt", {
                vpcEndpointId: "vpce-1",
                routeTableId: "rtb-private",
            });
            assert.deepStrictEqual(of(await check([...n.all, bare, assoc, toBucket]), "destination-endpoint-in-cluster-vpc"), []);
            // Subnets without an explicit association use the VPC's main route table.
            const vpc = res("aws:ec2/vpc:Vpc", "vpc", { cidrBlock: "10.0.0.0/16", id: "vpc-0a", mainRouteTableId: "rtb-main" });
            const subnets = [0, 1].map((i) => res("aws:ec2/subnet:Subnet", `private-${i}`, { vpcId: "vpc-0a", id: `subnet-0${i}` }, { vpcId: [vpc] }));
            const onMain = endpoint("s3", { vpcEndpointType: "Gateway", routeTableIds: ["rtb-main"] });
            assert.deepStrictEqual(of(await check([vpc, ...subnets, n.c, onMain, toBucket]), "destination-endpoint-in-cluster-vpc"), []);
            // A Kafka topic destination lives in the cluster itself.
            const dlt = mapping("m", { provisionedPollerConfig: { minimumPollers: 1 }, destinationConfig: { onFailure: { destinationArn: "kafka://dlt" } } });
            assert.deepStrictEqual(of(await check([...n.all, dlt]), "destination-endpoint-in-cluster-vpc"), []);
        });
        it("judges self-managed Kafka by the mapping's VPC_SUBNET subnets", async () => {
            const n = network();
            const sm = selfManaged("sm", {
                sourceAccessConfigurations: [
                    { type: "VPC_SUBNET", uri: "subnet:subnet-00" },
                    { type: "VPC_SECURITY_GROUP", uri: "security_group:sg-1" },
                ],
                destinationConfig: { onFailure: { destinationArn: `arn:aws:sns:us-east-1:${ACCOUNT}:failures` } },
            });
            assert.match(of(await check([...n.all, sm]), "destination-endpoint-in-cluster-vpc", "mandatory")[0].message, /is an SNS topic/);
            const sns = endpoint("sns", { vpcEndpointType: "Interface", privateDnsEnabled: true });
            assert.deepStrictEqual(of(await check([...n.all, sns, sm]), "destination-endpoint-in-cluster-vpc"), []);
        });
        it("asks for no endpoint for self-managed Kafka read over the internet (no VPC_SUBNET), and notes one whose subnets are outside the stack", async () => {
            const failures = { onFailure: { destinationArn: `arn:aws:sns:us-east-1:${ACCOUNT}:failures` } };
            const internet = selfManaged("sm", { sourceAccessConfigurations: [{ type: "BASIC_AUTH", uri: secretArn("kafka") }], destinationConfig: failures });
            const d = await check([internet]);
            assert.deepStrictEqual(of(d, "destination-delivery-outside-stack"), []);
            assert.deepStrictEqual(of(d, "destination-endpoint-in-cluster-vpc"), []);
            const elsewhere = selfManaged("sm", {
                sourceAccessConfigurations: [
                    { type: "BASIC_AUTH", uri: secretArn("kafka") },
                    { type: "VPC_SUBNET", uri: "subnet:subnet-0fff" },
                ],
                destinationConfig: failures,
            });
            assert.deepStrictEqual(
                of(await check([elsewhere]), "destination-delivery-outside-stack").map((x) => x.urn),
                [elsewhere.urn],
            );
        });
        it("takes an SNS interface endpoint with private DNS in the mapping's VPC_SUBNET subnets (given by id) as the VPC's endpoint", async () => {
            const sm = selfManaged("sm", {
                sourceAccessConfigurations: [
                    { type: "BASIC_AUTH", uri: secretArn("kafka") },
                    { type: "VPC_SUBNET", uri: "subnet:subnet-0fff" },
                ],
                destinationConfig: { onFailure: { destinationArn: `arn:aws:sns:us-east-1:${ACCOUNT}:failures` } },
            });
            const sns = (privateDnsEnabled: boolean) =>
                endpoint("sns", { vpcId: "vpc-0fff", vpcEndpointType: "Interface", privateDnsEnabled, subnetIds: ["subnet-0fff"] });
            const ok = await check([sns(true), sm]);
            assert.deepStrictEqual(of(ok, "destination-delivery-outside-stack"), []);
            assert.deepStrictEqual(of(ok, "destination-endpoint-in-cluster-vpc"), []);
            // Without private DNS the endpoint does not serve the regional name: still an advisory, never a mandatory verdict.
            const off = await check([sns(false), sm]);
            assert.deepStrictEqual(of(off, "destination-endpoint-in-cluster-vpc"), []);
            const notes = of(off, "destination-delivery-outside-stack", "advisory");
            assert.deepStrictEqual(
                notes.map((x) => x.urn),
                [sm.urn],
            );
            assert.match(notes[0].message, /the sns interface endpoint 'sns' has privateDnsEnabled off/);
        });
        it("takes an SQS interface endpoint in the clientSubnets of the MSK VPC connection a mapping reads through as the VPC's endpoint", async () => {
            const arn = `arn:aws:kafka:us-east-1:${ACCOUNT}:vpc-connection/111122223333/shared/abcd-1`;
            const conn = res("aws:msk/vpcConnection:VpcConnection", "conn", { arn, clientSubnets: ["subnet-0c1", "subnet-0c2"], vpcId: "vpc-0c" });
            const m = mapping("m", { eventSourceArn: arn, destinationConfig: { onFailure: { destinationArn: QUEUE_ARN } } }, { eventSourceArn: [conn] });
            const sqs = endpoint("sqs", { vpcId: "vpc-0c", vpcEndpointType: "Interface", privateDnsEnabled: true, subnetIds: ["subnet-0c2"] });
            assert.deepStrictEqual(of(await check([conn, sqs, m]), "destination-delivery-outside-stack"), []);
            const elsewhere = endpoint("sqs", { vpcId: "vpc-0d", vpcEndpointType: "Interface", privateDnsEnabled: true, subnetIds: ["subnet-0d1"] });
            assert.deepStrictEqual(
                of(await check([conn, elsewhere, m]), "destination-delivery-outside-stack", "advisory").map((x) => x.urn),
                [m.urn],
            );
        });
        it("says it cannot check yet when an endpoint's VPC is unknown, and notes a cluster VPC outside the stack", async () => {
            const n = network();
            const unknownEp = endpoint("sqs", { vpcId: UNKNOWN, vpcEndpointType: "Interface", privateDnsEnabled: true });
            assert.deepStrictEqual(
                of(await check([...n.all, unknownEp, toQueue]), "destination-endpoint-in-cluster-vpc").map((x) => x.enforcementLevel),
                ["advisory"],
            );
            const d = await check([toQueue]);
            assert.deepStrictEqual(of(d, "destination-endpoint-in-cluster-vpc"), []);
            assert.match(of(d, "destination-delivery-outside-stack", "advisory")[0].message, /make sure its VPC has a sqs endpoint/);
        });
    });

    describe("msk-function-timeout config cannot loosen AWS's 14 minutes (Configure through the protocol)", () => {
        const fn = (timeout: number) => res("aws:lambda/function:Function", "f", { name: "f", arn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:f`, timeout });
        it("declares maximum 840 in its config schema", async () => {
            const info = await (await pack()).info();
            const schema = info.policies.find((p) => p.name === "msk-function-timeout")!.configSchema as Record<string, { maximum?: number }>;
            assert.strictEqual(schema.maxTimeoutSeconds.maximum, 840);
        });
        it("is refused by the CLI's schema check when a config asks for more than 840 s", async () => {
            const s = await pack();
            await assert.rejects(
                s.configure({ "msk-function-timeout": { maxTimeoutSeconds: 900 } }),
                /policy config for "msk-function-timeout": maxTimeoutSeconds must be <= 840/,
            );
        });
        it("still refuses 900 s when a config that skipped the schema check asks for 900, and is stricter when a config asks for less", async () => {
            const s = await pack();
            await s.configure({ "msk-function-timeout": { maxTimeoutSeconds: 900 } }, { validate: false });
            const loose = of((await s.analyzeStack([fn(900), mapping("m", { functionName: "f" })])).diagnostics, "msk-function-timeout");
            assert.strictEqual(loose.length, 1);
            assert.strictEqual(loose[0].enforcementLevel, "mandatory");
            assert.match(loose[0].message, /Set its timeout to 840 s or less/);
            const strict = of(
                await check([fn(600), mapping("m", { functionName: "f" })], { "msk-function-timeout": { maxTimeoutSeconds: 300 } }),
                "msk-function-timeout",
            );
            assert.match(strict[0].message, /Set its timeout to 300 s or less/);
            assert.deepStrictEqual(
                of(await check([fn(840), mapping("m", { functionName: "f" })], { "msk-function-timeout": { maxTimeoutSeconds: 840 } }), "msk-function-timeout"),
                [],
            );
        });
    });
});
