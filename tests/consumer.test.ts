import * as assert from "assert";
import type { Statement } from "../lib/iam";
import { isSecretValue } from "../plan/values";
import { pki } from "./helpers/pki";
import type { Run } from "./helpers/sim";
import { mappingOf as mapping, rolePolicies, runStack, type StackInput } from "./helpers/stack";
import { LAMBDA_ENI_ACTIONS } from "./helpers/aws-docs";

const ACCOUNT = "123456789012";
const CA = "arn:aws:acm-pca:us-east-1:111122223333:certificate-authority/11111111-2222-3333-4444-555555555555";
const orders = { name: "orders", topic: "orders" };

function clusterArn(r: Run): string {
    return r.outputs.clusterArn;
}

describe("Consumer component", () => {
    describe("IAM authentication, default SQS failure destination, privatelink network", () => {
        let r: Run;
        before(async () => {
            r = await runStack({ consumers: [orders] });
        });

        it("gives the role exactly the seed's kafka-cluster actions on the cluster, topic and group ARNs", () => {
            const arn = clusterArn(r);
            const m = /^arn:aws:kafka:us-east-1:123456789012:cluster\/msk-lambda-test\/([0-9a-f-]+)$/.exec(arn);
            assert.ok(m, arn);
            const uuid = m![1];
            const statements = rolePolicies(r).kafka;
            assert.deepStrictEqual(statements, [
                {
                    Sid: "PollerNetworkInterfaces",
                    Effect: "Allow",
                    Action: [...LAMBDA_ENI_ACTIONS],
                    Resource: "*",
                },
                {
                    Sid: "DescribeCluster",
                    Effect: "Allow",
                    Action: ["kafka:DescribeCluster", "kafka:DescribeClusterV2", "kafka:GetBootstrapBrokers"],
                    Resource: arn,
                },
                { Sid: "KafkaConnect", Effect: "Allow", Action: ["kafka-cluster:Connect", "kafka-cluster:DescribeClusterDynamicConfiguration"], Resource: arn },
                {
                    Sid: "KafkaReadTopic",
                    Effect: "Allow",
                    Action: ["kafka-cluster:DescribeTopic", "kafka-cluster:ReadData"],
                    Resource: `arn:aws:kafka:us-east-1:${ACCOUNT}:topic/msk-lambda-test/${uuid}/orders`,
                },
                {
                    Sid: "KafkaConsumerGroup",
                    Effect: "Allow",
                    Action: ["kafka-cluster:DescribeGroup", "kafka-cluster:AlterGroup"],
                    Resource: `arn:aws:kafka:us-east-1:${ACCOUNT}:group/msk-lambda-test/${uuid}/msk-lambda-test-orders`,
                },
            ]);
        });

        it("lets the role write only its own log group, send to its queue and use the queue's key (AWS: Capturing discarded batches for an Amazon MSK event source)", () => {
            const p = rolePolicies(r);
            assert.deepStrictEqual(Object.keys(p).sort(), ["destinations", "idempotency", "kafka", "logs"]);
            const logGroup = r.one("aws:cloudwatch/logGroup:LogGroup", "msk-lambda-test-orders-logs");
            assert.strictEqual(logGroup.inputs.name, "/aws/lambda/msk-lambda-test-orders");
            assert.deepStrictEqual(p.logs, [
                {
                    Sid: "WriteOwnLogs",
                    Effect: "Allow",
                    Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
                    Resource: `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/lambda/msk-lambda-test-orders:*`,
                },
            ]);
            const queue = r.one("aws:sqs/queue:Queue");
            const key = r.one("aws:kms/key:Key", "msk-lambda-test-orders-failures-key");
            const queueArn = `arn:aws:sqs:us-east-1:${ACCOUNT}:${queue.inputs.name}`;
            // The queue is encrypted with the key the role may use: both name the same key ARN.
            assert.match(queue.inputs.kmsMasterKeyId, /^arn:aws:kms:us-east-1:123456789012:key\/[0-9a-f-]{36}$/);
            assert.deepStrictEqual(p.destinations, [
                { Sid: "SendFailureRecords", Effect: "Allow", Action: "sqs:SendMessage", Resource: queueArn },
                { Sid: "EncryptFailureRecords", Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: queue.inputs.kmsMasterKeyId },
            ]);
            assert.deepStrictEqual(queue.propertyDependencies.kmsMasterKeyId, [key.urn]);
        });

        it("creates a standard queue, kept 14 days, encrypted with its own rotating key whose policy names the role", () => {
            const queue = r.one("aws:sqs/queue:Queue");
            assert.strictEqual(queue.inputs.fifoQueue, false);
            assert.ok(!queue.inputs.name.endsWith(".fifo"));
            assert.strictEqual(queue.inputs.messageRetentionSeconds, 1209600);
            const key = r.one("aws:kms/key:Key", "msk-lambda-test-orders-failures-key");
            assert.strictEqual(key.inputs.enableKeyRotation, true);
            const role = r.one("aws:iam/role:Role", "consumer-orders-role");
            const roleArn = r.one("aws:lambda/function:Function").inputs.role;
            assert.match(roleArn, /^arn:aws:iam::123456789012:role\/consumer-orders-role-/);
            const statements = JSON.parse(key.inputs.policy).Statement;
            assert.deepStrictEqual(statements[1], {
                Sid: "ExecutionRolesUseKey",
                Effect: "Allow",
                Principal: { AWS: roleArn },
                Action: ["kms:Decrypt", "kms:GenerateDataKey"],
                Resource: "*",
            });
            assert.ok(key.propertyDependencies.policy.includes(role.urn), "the key policy waits for the role");
        });

        it("runs the bundled handler on the current Node.js runtime, arm64, with its own log group", () => {
            const fn = r.one("aws:lambda/function:Function");
            assert.strictEqual(fn.inputs.runtime, "nodejs24.x");
            assert.deepStrictEqual(fn.inputs.architectures, ["arm64"]);
            assert.strictEqual(fn.inputs.handler, "index.handler");
            assert.strictEqual(fn.inputs.timeout, 60);
            assert.deepStrictEqual(fn.inputs.loggingConfig, { logFormat: "JSON", logGroup: "/aws/lambda/msk-lambda-test-orders" });
            assert.match(JSON.stringify(fn.inputs.code), /"index.js":"\[asset \d+ bytes, sha256 [0-9a-f]{16}\]"/);
            assert.strictEqual(r.one("aws:cloudwatch/logGroup:LogGroup", "msk-lambda-test-orders-logs").inputs.retentionInDays, 14);
        });

        it("maps the cluster to the function with the consumer group, topic and failure destination", () => {
            const m = mapping(r).inputs;
            const fn = r.one("aws:lambda/function:Function");
            assert.strictEqual(m.eventSourceArn, clusterArn(r));
            assert.match(m.functionName, /^arn:aws:lambda:us-east-1:123456789012:function:msk-lambda-test-orders$/);
            assert.deepStrictEqual(mapping(r).propertyDependencies.functionName, [fn.urn]);
            assert.deepStrictEqual(m.topics, ["orders"]);
            assert.strictEqual(m.startingPosition, "LATEST");
            assert.strictEqual(m.batchSize, 100);
            assert.deepStrictEqual(m.amazonManagedKafkaEventSourceConfig, { consumerGroupId: "msk-lambda-test-orders" });
            assert.strictEqual(m.sourceAccessConfigurations, undefined, "IAM needs no secret");
            assert.match(m.destinationConfig.onFailure.destinationArn, /^arn:aws:sqs:us-east-1:123456789012:msk-lambda-test-orders-failures$/);
            assert.strictEqual(m.enabled, true);
            assert.deepStrictEqual(m.metricsConfig, { metrics: ["EventCount", "ErrorCount", "KafkaMetrics"] });
        });

        it("deletes the mapping before replacing it, and waits for the role's policies and the network path", () => {
            const m = mapping(r);
            assert.strictEqual(m.options.deleteBeforeReplace, true);
            const deps = new Set(m.dependencies);
            for (const p of r.ofType("aws:iam/rolePolicy:RolePolicy")) assert.ok(deps.has(p.urn), `waits for ${p.name}`);
            const endpoints = r.ofType("aws:ec2/vpcEndpoint:VpcEndpoint");
            assert.deepStrictEqual(endpoints.map((e) => e.inputs.serviceName).sort(), [
                "com.amazonaws.us-east-1.lambda",
                "com.amazonaws.us-east-1.secretsmanager",
                "com.amazonaws.us-east-1.sqs",
                "com.amazonaws.us-east-1.sts",
            ]);
            for (const e of endpoints) assert.ok(deps.has(e.urn), `waits for endpoint ${e.name}`);
        });

        it("alarms on OffsetLag and notifies the stack's encrypted alarm topic, whose key CloudWatch may use", () => {
            const alarm = r.one("aws:cloudwatch/metricAlarm:MetricAlarm", "consumer-orders-offset-lag").inputs;
            assert.strictEqual(alarm.namespace, "AWS/Lambda");
            assert.strictEqual(alarm.metricName, "OffsetLag");
            assert.deepStrictEqual(alarm.dimensions, { FunctionName: "msk-lambda-test-orders" });
            assert.strictEqual(alarm.threshold, 1000);
            assert.strictEqual(alarm.evaluationPeriods, 5);
            const topic = r.one("aws:sns/topic:Topic", "msk-lambda-test-alarms");
            assert.deepStrictEqual(alarm.alarmActions, [`arn:aws:sns:us-east-1:${ACCOUNT}:msk-lambda-test-alarms`]);
            assert.ok(topic.inputs.kmsMasterKeyId);
            const keyPolicy = JSON.parse(r.one("aws:kms/key:Key", "msk-lambda-test-alarms-key").inputs.policy);
            assert.deepStrictEqual(keyPolicy.Statement[1].Principal, { Service: "cloudwatch.amazonaws.com" });
            assert.deepStrictEqual(keyPolicy.Statement[1].Action, ["kms:Decrypt", "kms:GenerateDataKey*"]);
        });

        it("exports each consumer's function, mapping, failure destination and alarm", () => {
            const c = r.outputs.consumers.orders;
            assert.strictEqual(c.functionName, "msk-lambda-test-orders");
            assert.match(c.functionArn, /:function:msk-lambda-test-orders$/);
            assert.match(c.mappingUuid, /^[0-9a-f-]{36}$/);
            assert.match(c.failureDestinationArn, /^arn:aws:sqs:/);
            assert.match(c.offsetLagAlarmArn, /:alarm:msk-lambda-test-orders-offset-lag$/);
        });
    });

    describe("every mapping knob", () => {
        it("passes starting position, timestamp, batching, filters, pollers and enabled to the mapping", async () => {
            const r = await runStack({
                consumers: [
                    {
                        ...orders,
                        consumerGroupId: "orders-v2",
                        startingPosition: "AT_TIMESTAMP",
                        startingPositionTimestamp: "2026-01-01T00:00:00Z",
                        batchSize: 500,
                        maximumBatchingWindowSeconds: 5,
                        filters: [{ value: { type: ["order"] } }],
                        provisionedPollers: { minimum: 2, maximum: 20 },
                        enabled: false,
                        timeoutSeconds: 840,
                        memorySizeMb: 1024,
                        reservedConcurrency: 10,
                    },
                ],
            });
            const m = mapping(r).inputs;
            assert.strictEqual(m.startingPosition, "AT_TIMESTAMP");
            assert.strictEqual(m.startingPositionTimestamp, "2026-01-01T00:00:00Z");
            assert.strictEqual(m.batchSize, 500);
            assert.strictEqual(m.maximumBatchingWindowInSeconds, 5);
            assert.deepStrictEqual(m.filterCriteria, { filters: [{ pattern: '{"value":{"type":["order"]}}' }] });
            assert.deepStrictEqual(m.provisionedPollerConfig, { minimumPollers: 2, maximumPollers: 20 });
            assert.strictEqual(m.enabled, false);
            assert.deepStrictEqual(m.amazonManagedKafkaEventSourceConfig, { consumerGroupId: "orders-v2" });
            const fn = r.one("aws:lambda/function:Function").inputs;
            assert.strictEqual(fn.timeout, 840);
            assert.strictEqual(fn.memorySize, 1024);
            assert.strictEqual(fn.reservedConcurrentExecutions, 10);
            const group = rolePolicies(r).kafka.find((s) => s.Sid === "KafkaConsumerGroup")!;
            assert.match(group.Resource as string, /:group\/msk-lambda-test\/[^/]+\/orders-v2$/);
        });
    });

    describe("SASL/SCRAM", () => {
        let r: Run;
        before(async () => {
            r = await runStack({ cluster: { authentication: "scram" }, consumers: [orders] });
        });

        it("stores {username, password} in an AmazonMSK_ secret with its own key, associated with the cluster", () => {
            const secret = r.one("aws:secretsmanager/secret:Secret");
            assert.strictEqual(secret.inputs.name, "AmazonMSK_msk-lambda-test");
            const key = r.one("aws:kms/key:Key", "msk-lambda-test-credentials-key");
            assert.deepStrictEqual(secret.propertyDependencies.kmsKeyId, [key.urn]);
            const version = r.one("aws:secretsmanager/secretVersion:SecretVersion");
            const raw = version.rawInputs.secretString as any;
            assert.ok(isSecretValue(raw), "the value is a Pulumi secret");
            const value = JSON.parse(version.inputs.secretString);
            assert.deepStrictEqual(Object.keys(value).sort(), ["password", "username"]);
            assert.strictEqual(value.username, "msk-lambda-test");
            const assoc = r.one("aws:msk/singleScramSecretAssociation:SingleScramSecretAssociation");
            assert.strictEqual(assoc.inputs.clusterArn, clusterArn(r));
            assert.strictEqual(
                assoc.inputs.secretArn,
                r.resources.find((x) => x.type === "aws:lambda/eventSourceMapping:EventSourceMapping")!.inputs.sourceAccessConfigurations[0].uri,
            );
            const policy = JSON.parse(r.one("aws:secretsmanager/secretPolicy:SecretPolicy").inputs.policy);
            assert.deepStrictEqual(policy.Statement[0].Principal, { Service: "kafka.amazonaws.com" });
        });

        it("uses SASL_SCRAM_512_AUTH and waits for the secret value and its association", () => {
            const m = mapping(r);
            const secretArn = m.inputs.sourceAccessConfigurations[0].uri;
            assert.deepStrictEqual(m.inputs.sourceAccessConfigurations, [{ type: "SASL_SCRAM_512_AUTH", uri: secretArn }]);
            assert.match(secretArn, /^arn:aws:secretsmanager:us-east-1:123456789012:secret:AmazonMSK_msk-lambda-test-/);
            assert.ok(m.dependencies.includes(r.one("aws:secretsmanager/secretVersion:SecretVersion").urn));
            assert.ok(m.dependencies.includes(r.one("aws:msk/singleScramSecretAssociation:SingleScramSecretAssociation").urn));
        });

        it("lets the role read only its secret and decrypt only with that secret's key, with no kafka-cluster actions", () => {
            const p = rolePolicies(r);
            const secretArn = mapping(r).inputs.sourceAccessConfigurations[0].uri;
            assert.deepStrictEqual(p.secret[0], { Sid: "ReadOwnSecret", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: secretArn });
            assert.deepStrictEqual(p.secret[1].Action, "kms:Decrypt");
            assert.match(p.secret[1].Resource as string, /^arn:aws:kms:us-east-1:123456789012:key\//);
            assert.deepStrictEqual(p.secret[1].Condition, { StringEquals: { "kms:ViaService": "secretsmanager.us-east-1.amazonaws.com" } });
            assert.ok(!JSON.stringify(p.kafka).includes("kafka-cluster:"));
        });

        it("takes the password from secret config when given", async () => {
            const r2 = await runStack({
                cluster: { authentication: "scram" },
                consumers: [orders],
                secrets: { scramPassword: "correct-horse-battery-staple" },
            });
            assert.strictEqual(
                JSON.parse(r2.one("aws:secretsmanager/secretVersion:SecretVersion").inputs.secretString).password,
                "correct-horse-battery-staple",
            );
            assert.strictEqual(r2.ofType("random:index/randomPassword:RandomPassword").length, 0);
        });
    });

    describe("mTLS", () => {
        it("stores certificate, key and password in a secret and maps with CLIENT_CERTIFICATE_TLS_AUTH", async () => {
            const p = pki();
            const r = await runStack({
                cluster: { authentication: "mtls", certificateAuthorityArns: [CA] },
                consumers: [orders],
                secrets: { mtlsCertificate: p.chain, mtlsPrivateKey: p.clientKeyPbes1, mtlsPrivateKeyPassword: p.keyPassword },
            });
            const value = JSON.parse(r.one("aws:secretsmanager/secretVersion:SecretVersion").inputs.secretString);
            assert.deepStrictEqual(value, { certificate: p.chain, privateKey: p.clientKeyPbes1, privateKeyPassword: p.keyPassword });
            const m = mapping(r).inputs;
            assert.strictEqual(m.sourceAccessConfigurations[0].type, "CLIENT_CERTIFICATE_TLS_AUTH");
            assert.strictEqual(r.ofType("aws:msk/singleScramSecretAssociation:SingleScramSecretAssociation").length, 0);
            assert.ok(rolePolicies(r).secret);
        });
    });

    for (const auth of ["tls", "plaintext"]) {
        it(`${auth}: no secret and no source access configuration`, async () => {
            const r = await runStack({ cluster: { authentication: auth }, consumers: [orders] });
            assert.strictEqual(mapping(r).inputs.sourceAccessConfigurations, undefined);
            assert.strictEqual(r.ofType("aws:secretsmanager/secret:Secret").length, 0);
            assert.strictEqual(rolePolicies(r).secret, undefined);
        });
    }

    describe("failure destination types", () => {
        it("SNS: a standard topic with its own key; sns:Publish, kms:Decrypt and kms:GenerateDataKey", async () => {
            const r = await runStack({ consumers: [{ ...orders, onFailure: { type: "sns" } }] });
            const topic = r.one("aws:sns/topic:Topic", "msk-lambda-test-orders-failures");
            assert.strictEqual(topic.inputs.fifoTopic, false);
            const d = rolePolicies(r).destinations;
            assert.deepStrictEqual(
                d.map((s) => s.Action),
                ["sns:Publish", ["kms:Decrypt", "kms:GenerateDataKey"]],
            );
            assert.strictEqual(d[0].Resource, `arn:aws:sns:us-east-1:${ACCOUNT}:msk-lambda-test-orders-failures`);
            assert.ok(r.ofType("aws:ec2/vpcEndpoint:VpcEndpoint").some((e) => e.inputs.serviceName === "com.amazonaws.us-east-1.sns"));
        });

        it("S3: versioned, SSE-KMS with a bucket key, public access blocked, TLS only; s3:PutObject, s3:ListBucket, kms:GenerateDataKey", async () => {
            const r = await runStack({ consumers: [{ ...orders, onFailure: { type: "s3" } }] });
            const bucket = r.one("aws:s3/bucket:Bucket");
            assert.strictEqual(r.one("aws:s3/bucketVersioning:BucketVersioning").inputs.versioningConfiguration.status, "Enabled");
            const sse = r.one("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").inputs.rules[0];
            assert.strictEqual(sse.applyServerSideEncryptionByDefault.sseAlgorithm, "aws:kms");
            assert.strictEqual(sse.bucketKeyEnabled, true);
            const pab = r.one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs;
            assert.deepStrictEqual([pab.blockPublicAcls, pab.blockPublicPolicy, pab.ignorePublicAcls, pab.restrictPublicBuckets], [true, true, true, true]);
            const tls = JSON.parse(r.one("aws:s3/bucketPolicy:BucketPolicy").inputs.policy).Statement[0];
            assert.deepStrictEqual([tls.Effect, tls.Condition], ["Deny", { Bool: { "aws:SecureTransport": false } }]);
            const arn = mapping(r).inputs.destinationConfig.onFailure.destinationArn;
            assert.match(arn, /^arn:aws:s3:::msk-lambda-test-orders-failures-/);
            assert.deepStrictEqual(r.one("aws:s3/bucketVersioning:BucketVersioning").propertyDependencies.bucket, [bucket.urn]);
            const d = rolePolicies(r).destinations;
            assert.deepStrictEqual(d.slice(0, 2), [
                { Sid: "SendFailureRecordsPut", Effect: "Allow", Action: "s3:PutObject", Resource: `${arn}/*` },
                { Sid: "SendFailureRecordsList", Effect: "Allow", Action: "s3:ListBucket", Resource: arn },
            ]);
            assert.deepStrictEqual(d[2].Action, ["kms:GenerateDataKey"]);
            const keyPolicy = JSON.parse(r.one("aws:kms/key:Key", "msk-lambda-test-orders-failures-key").inputs.policy);
            assert.deepStrictEqual(keyPolicy.Statement[1].Action, ["kms:GenerateDataKey"]);
            // Seed 002: the S3 endpoint in the cluster VPC is a gateway endpoint on the private route tables.
            const s3 = r.ofType("aws:ec2/vpcEndpoint:VpcEndpoint").find((e) => e.inputs.serviceName.endsWith(".s3"))!;
            assert.strictEqual(s3.inputs.vpcEndpointType, "Gateway");
        });

        it("an existing destination: creates nothing, grants send and KMS use on the given key", async () => {
            // In the role's account (the mocks' 123456789012): a key in another account also needs kms:DescribeKey and
            // kms:ReEncrypt* (tests/cli-input.test.ts).
            const arn = "arn:aws:sqs:us-east-1:123456789012:shared-failures";
            const kmsKeyArn = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555";
            const r = await runStack({ consumers: [{ ...orders, onFailure: { arn, kmsKeyArn } }] });
            assert.strictEqual(r.ofType("aws:sqs/queue:Queue").length, 0);
            assert.deepStrictEqual(rolePolicies(r).destinations, [
                { Sid: "SendFailureRecords", Effect: "Allow", Action: "sqs:SendMessage", Resource: arn },
                { Sid: "EncryptFailureRecords", Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: kmsKeyArn },
            ]);
            assert.strictEqual(mapping(r).inputs.destinationConfig.onFailure.destinationArn, arn);
        });

        it("with NAT gateways, still gets its destination's endpoint in the cluster's VPC, and waits for it and the NAT routes", async () => {
            const r = await runStack({ network: { mode: "nat", azCount: 2 }, consumers: [orders] });
            const eps = r.ofType("aws:ec2/vpcEndpoint:VpcEndpoint");
            assert.deepStrictEqual(
                eps.map((e) => e.inputs.serviceName),
                ["com.amazonaws.us-east-1.sqs"],
            );
            assert.ok(mapping(r).dependencies.includes(eps[0].urn));
            const routes = r.ofType("aws:ec2/route:Route").filter((x) => x.inputs.natGatewayId);
            assert.strictEqual(routes.length, 2);
            for (const route of routes) assert.ok(mapping(r).dependencies.includes(route.urn));
        });
    });

    describe("async invocation destinations (AWS: Capturing records of Lambda asynchronous invocations)", () => {
        it("configures onFailure and onSuccess with the seed's permission per destination type", async () => {
            const fnArn = "arn:aws:lambda:us-east-1:111122223333:function:audit";
            const r = await runStack({
                consumers: [
                    {
                        ...orders,
                        asyncDestinations: {
                            onFailure: { type: "eventbridge" },
                            onSuccess: { arn: fnArn },
                            maximumRetryAttempts: 1,
                            maximumEventAgeSeconds: 3600,
                        },
                    },
                ],
            });
            const cfg = r.one("aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig").inputs;
            assert.strictEqual(cfg.maximumRetryAttempts, 1);
            assert.strictEqual(cfg.maximumEventAgeInSeconds, 3600);
            assert.match(
                cfg.destinationConfig.onFailure.destination,
                /^arn:aws:events:us-east-1:123456789012:event-bus\/msk-lambda-test-orders-async-failures$/,
            );
            assert.strictEqual(cfg.destinationConfig.onSuccess.destination, fnArn);
            const d = rolePolicies(r).destinations;
            assert.deepStrictEqual(
                d.filter((s) => s.Sid!.startsWith("SendAsync")).map((s) => [s.Action, s.Resource]),
                [
                    ["events:PutEvents", cfg.destinationConfig.onFailure.destination],
                    ["lambda:InvokeFunction", fnArn],
                ],
            );
            const busKey = JSON.parse(r.one("aws:kms/key:Key", "msk-lambda-test-orders-async-failures-key").inputs.policy);
            const eb = busKey.Statement.find((s: Statement) => s.Sid === "EventBridgeUsesKeyForThisBus");
            assert.strictEqual(eb.Condition.StringEquals["kms:EncryptionContext:aws:events:event-bus:arn"], cfg.destinationConfig.onFailure.destination);
        });

        it("SQS and SNS async destinations get sqs:SendMessage and sns:Publish with their keys", async () => {
            const r = await runStack({ consumers: [{ ...orders, asyncDestinations: { onFailure: { type: "sqs" }, onSuccess: { type: "sns" } } }] });
            const d = rolePolicies(r).destinations.filter((s) => s.Sid!.includes("Async"));
            assert.deepStrictEqual(
                d.map((s) => s.Action),
                ["sqs:SendMessage", ["kms:Decrypt", "kms:GenerateDataKey"], "sns:Publish", ["kms:Decrypt", "kms:GenerateDataKey"]],
            );
        });
    });

    describe("across every authentication and destination type", () => {
        const variants: [string, StackInput][] = [
            ["iam/sqs", { consumers: [orders] }],
            ["scram/sns", { cluster: { authentication: "scram" }, consumers: [{ ...orders, onFailure: { type: "sns" } }] }],
            [
                "mtls/s3",
                {
                    cluster: { authentication: "mtls", certificateAuthorityArns: [CA] },
                    consumers: [{ ...orders, onFailure: { type: "s3" }, asyncDestinations: { onFailure: { type: "sqs" }, onSuccess: { type: "sns" } } }],
                },
            ],
            [
                "tls/nat",
                { network: { mode: "nat" }, cluster: { authentication: "tls" }, consumers: [orders, { name: "b", topic: "b", onFailure: { type: "sns" } }] },
            ],
        ];
        for (const [name, input] of variants) {
            it(`${name}: never creates a FIFO queue or topic, and no role statement has Action "*" or a needless Resource "*"`, async () => {
                if (name.startsWith("mtls")) input.secrets = { mtlsCertificate: pki().chain, mtlsPrivateKey: pki().clientKey };
                const r = await runStack(input);
                for (const q of r.ofType("aws:sqs/queue:Queue")) {
                    assert.notStrictEqual(q.inputs.fifoQueue, true);
                    assert.ok(!String(q.inputs.name).endsWith(".fifo"));
                }
                for (const t of r.ofType("aws:sns/topic:Topic")) {
                    assert.notStrictEqual(t.inputs.fifoTopic, true);
                    assert.ok(!String(t.inputs.name).endsWith(".fifo"));
                }
                for (const p of r.ofType("aws:iam/rolePolicy:RolePolicy")) {
                    for (const s of JSON.parse(p.inputs.policy).Statement as Statement[]) {
                        const actions = ([] as string[]).concat(s.Action);
                        assert.ok(!actions.some((a) => a === "*" || a.endsWith(":*")), `${p.name}: ${actions}`);
                        if (s.Resource === "*")
                            assert.ok(
                                actions.every((a) => a.startsWith("ec2:")),
                                `${p.name} ${s.Sid} uses Resource "*"`,
                            );
                    }
                }
                assert.ok(r.ofType("aws:lambda/eventSourceMapping:EventSourceMapping").every((m) => m.options.deleteBeforeReplace));
            });
        }
    });
});
