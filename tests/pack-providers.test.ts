/**
 * The pack judges stacks other programs register: self-managed Kafka, MSK Serverless, the aws-native provider, every
 * way of naming a function, MSK settings, the secrets mappings use, and first previews with unknown values. Each case
 * is raw resource properties as `aws` or `aws-native` would send them over the Analyzer protocol, with a good and a bad
 * variant.
 */
import * as assert from "assert";
import { ACCOUNT, check, CLUSTER_ARN, of, res, secret, UNKNOWN, type Res } from "./helpers/pack";
import type { Diagnostic } from "../plan/analyzer";

const ESM = "aws:lambda/eventSourceMapping:EventSourceMapping";
const FN = "aws:lambda/function:Function";
const N_ESM = "aws-native:lambda:EventSourceMapping";
const N_FN = "aws-native:lambda:Function";
const fnArn = (name: string) => `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${name}`;
const SECRET_ARN = (name: string) => `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:${name}-AbCdEf`;
const KEY_ARN = `arn:aws:kms:us-east-1:${ACCOUNT}:key/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee`;

/** Preview notes (`notKnownYet`) of one policy. */
function notes(d: Diagnostic[], policy: string): Diagnostic[] {
    return d.filter((x) => x.policy === policy && x.enforcementLevel === "advisory" && /can't run policy .* during preview/.test(x.message));
}
function mandatory(d: Diagnostic[], policy: string): Diagnostic[] {
    return of(d, policy, "mandatory");
}

const fn = (name: string, timeout: number, props: Record<string, unknown> = {}) =>
    res(FN, name, { name, arn: fnArn(name), role: `arn:aws:iam::${ACCOUNT}:role/r`, runtime: "nodejs22.x", timeout, ...props });

/** A self-managed Apache Kafka mapping as the aws provider sends it. */
const selfManaged = (name: string, props: Record<string, unknown> = {}, deps: Record<string, Res[]> = {}) =>
    res(
        ESM,
        name,
        {
            functionName: "consumer",
            topics: ["orders"],
            startingPosition: "LATEST",
            selfManagedEventSource: { endpoints: { KAFKA_BOOTSTRAP_SERVERS: "b-1.example.com:9096,b-2.example.com:9096" } },
            selfManagedKafkaEventSourceConfig: { consumerGroupId: "orders-consumer" },
            destinationConfig: { onFailure: { destinationArn: `arn:aws:sqs:us-east-1:${ACCOUNT}:failures` } },
            sourceAccessConfigurations: [{ type: "SASL_SCRAM_512_AUTH", uri: SECRET_ARN("kafka") }],
            ...props,
        },
        deps,
    );

describe("policy pack: other programs' stacks (issue 11)", function () {
    this.timeout(60000);

    describe("1. self-managed Apache Kafka mappings get every mapping rule that applies", () => {
        it("refuses a 900 s function, two topics, out-of-range knobs, a FIFO destination and no destination", async () => {
            const slow = fn("consumer", 900);
            const d = await check([
                slow,
                selfManaged("m", {
                    topics: ["a", "b"],
                    batchSize: 10001,
                    maximumBatchingWindowInSeconds: 301,
                    selfManagedKafkaEventSourceConfig: { consumerGroupId: "has space" },
                    destinationConfig: { onFailure: { destinationArn: `arn:aws:sqs:us-east-1:${ACCOUNT}:failures.fifo` } },
                }),
                selfManaged("none", { destinationConfig: undefined }),
            ]);
            const t = mandatory(d, "msk-function-timeout");
            assert.strictEqual(t.length, 1);
            assert.match(t[0].message, /invoked by the self-managed Apache Kafka event source mapping/);
            const limits = mandatory(d, "msk-mapping-limits");
            assert.strictEqual(limits.length, 1);
            for (const part of [
                /Self-managed Kafka event source mapping 'm'/,
                /lists 2 topics/,
                /batchSize is 10001/,
                /selfManagedKafkaEventSourceConfig.consumerGroupId/,
            ])
                assert.match(limits[0].message, part);
            assert.strictEqual(mandatory(d, "no-fifo-destinations").length, 1);
            const dest = mandatory(d, "msk-mapping-on-failure-destination");
            assert.strictEqual(dest.length, 1);
            assert.match(dest[0].message, /Self-managed Kafka event source mapping 'none' has no on-failure destination/);
        });

        it("accepts SASL/PLAIN (BASIC_AUTH), SCRAM-SHA-256 and a custom server root CA, which are legal for self-managed Kafka", async () => {
            const ok = selfManaged("m", {
                sourceAccessConfigurations: [
                    { type: "BASIC_AUTH", uri: SECRET_ARN("plain") },
                    { type: "SERVER_ROOT_CA_CERTIFICATE", uri: SECRET_ARN("root-ca") },
                ],
            });
            const scram256 = selfManaged("m256", { sourceAccessConfigurations: [{ type: "SASL_SCRAM_256_AUTH", uri: SECRET_ARN("scram") }] });
            const d = await check([fn("consumer", 840), ok, scram256]);
            for (const p of ["msk-mapping-auth-mechanism", "msk-no-custom-server-ca", "msk-function-timeout", "msk-mapping-limits", "msk-scram-secret"])
                assert.deepStrictEqual(of(d, p), [], p);
            // The same access configurations on an MSK mapping are refused.
            const msk = res(ESM, "msk", {
                eventSourceArn: CLUSTER_ARN,
                topics: ["t"],
                functionName: "consumer",
                sourceAccessConfigurations: ok.props.sourceAccessConfigurations,
            });
            const bad = await check(msk);
            assert.strictEqual(mandatory(bad, "msk-mapping-auth-mechanism").length, 1);
            assert.strictEqual(mandatory(bad, "msk-no-custom-server-ca").length, 1);
        });

        it("checks the mTLS secret and the destination's KMS grants of a self-managed mapping", async () => {
            const s = res("aws:secretsmanager/secret:Secret", "mtls", { name: "mtls", arn: SECRET_ARN("mtls") });
            const v = res(
                "aws:secretsmanager/secretVersion:SecretVersion",
                "mtls-v",
                { secretId: SECRET_ARN("mtls"), secretString: secret(JSON.stringify({ certificate: "x" })) },
                { secretId: [s] },
            );
            const key = res("aws:kms/key:Key", "k", { arn: KEY_ARN, enableKeyRotation: true });
            const qArn = `arn:aws:sqs:us-east-1:${ACCOUNT}:failures`;
            const q = res("aws:sqs/queue:Queue", "q", { name: "failures", arn: qArn, kmsMasterKeyId: KEY_ARN }, { kmsMasterKeyId: [key] });
            const role = res("aws:iam/role:Role", "role", { name: "r", arn: `arn:aws:iam::${ACCOUNT}:role/r`, assumeRolePolicy: "{}" });
            const rp = res(
                "aws:iam/rolePolicy:RolePolicy",
                "rp",
                { role: "r", policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "sqs:SendMessage", Resource: qArn }] }) },
                { role: [role] },
            );
            const m = selfManaged(
                "m",
                { sourceAccessConfigurations: [{ type: "CLIENT_CERTIFICATE_TLS_AUTH", uri: SECRET_ARN("mtls") }] },
                { destinationConfig: [q] },
            );
            const d = await check([s, v, key, q, role, rp, fn("consumer", 60), m]);
            assert.match(mandatory(d, "mtls-secret-for-mapping")[0].message, /has no privateKey field/);
            assert.match(mandatory(d, "destination-kms-grants")[0].message, /lacks kms:Decrypt on .*kms:GenerateDataKey/);
        });

        it("in a first preview, notes what it cannot see instead of passing", async () => {
            const m = selfManaged("m", { functionName: UNKNOWN });
            assert.strictEqual(notes(await check([fn("consumer", 900), m]), "msk-function-timeout").length, 1);
            const unknownDest = selfManaged("m", { destinationConfig: UNKNOWN });
            assert.strictEqual(notes(await check(unknownDest), "msk-mapping-on-failure-destination").length, 1);
        });
    });

    describe("2. MSK Serverless as the event source", () => {
        for (const [provider, type, props] of [
            [
                "aws",
                "aws:msk/serverlessCluster:ServerlessCluster",
                { clusterName: "sl", clientAuthentication: { sasl: { iam: { enabled: true } } }, vpcConfigs: [] },
            ],
            [
                "aws-native",
                "aws-native:msk:ServerlessCluster",
                { clusterName: "sl", clientAuthentication: { sasl: { iam: { enabled: true } } }, vpcConfigs: [] },
            ],
        ] as const) {
            it(`applies the mapping and function rules to a mapping on an ${provider} serverless cluster`, async () => {
                const c = res(type, "sl", { ...props, arn: UNKNOWN });
                const mapping = (timeoutFn: Res) =>
                    res(
                        ESM,
                        "m",
                        { eventSourceArn: UNKNOWN, topics: ["t"], functionName: UNKNOWN, batchSize: 20000 },
                        { eventSourceArn: [c], functionName: [timeoutFn] },
                    );
                const slow = fn("slow", 900);
                const d = await check([c, slow, mapping(slow)]);
                assert.strictEqual(mandatory(d, "msk-function-timeout").length, 1);
                assert.match(mandatory(d, "msk-mapping-limits")[0].message, /batchSize is 20000/);
                assert.strictEqual(mandatory(d, "msk-mapping-on-failure-destination").length, 1);
                const fast = fn("fast", 60);
                assert.deepStrictEqual(of(await check([c, fast, mapping(fast)]), "msk-function-timeout"), []);
            });
        }
    });

    it("2. advises a network path for a serverless cluster's VPC too", async () => {
        const vpc = res("aws:ec2/vpc:Vpc", "vpc", { cidrBlock: "10.0.0.0/16" });
        const subnet = res("aws:ec2/subnet:Subnet", "s", { vpcId: UNKNOWN, cidrBlock: "10.0.0.0/24" }, { vpcId: [vpc] });
        const c = res(
            "aws:msk/serverlessCluster:ServerlessCluster",
            "sl",
            { clusterName: "sl", vpcConfigs: [{ subnetIds: [UNKNOWN] }] },
            { vpcConfigs: [subnet] },
        );
        const m = res(ESM, "m", { eventSourceArn: UNKNOWN, topics: ["t"], functionName: "f" }, { eventSourceArn: [c] });
        const d = of(await check([vpc, subnet, c, m]), "msk-network-path", "advisory");
        // Issue 25: the VPC's default group (no securityGroupIds) and the subnet's route table are outside the stack.
        assert.strictEqual(d.length, 2);
        assert.match(d[0].message, /uses security group\(s\) the default security group of VPC 'vpc' defined outside this stack/);
        assert.match(d[1].message, /has no path to lambda, sts from the subnets of MSK Serverless cluster 'sl'.*defined outside the stack/);
        // A NAT gateway somewhere in the VPC is not a path: the subnet's route to it is what counts (tests/pack-network-path.test.ts).
        const nat = res("aws:ec2/natGateway:NatGateway", "nat", { subnetId: UNKNOWN }, { subnetId: [subnet] });
        assert.strictEqual(of(await check([vpc, subnet, c, m, nat]), "msk-network-path").length, 2);
        assert.deepStrictEqual(of(await check([vpc, subnet, c, m, nat]), "kafka-network-path"), []);
    });

    describe("3. the aws-native provider", () => {
        const nativeFn = (name: string, timeout: number) =>
            res(N_FN, name, { functionName: name, arn: fnArn(name), role: `arn:aws:iam::${ACCOUNT}:role/r`, timeout, code: { zipFile: "x" } });

        it("judges an aws-native mapping and function like aws ones, with violations on the program's URNs", async () => {
            const f = nativeFn("slow", 900);
            const m = res(N_ESM, "m", {
                eventSourceArn: CLUSTER_ARN,
                functionName: "slow",
                topics: ["orders", "more"],
                sourceAccessConfigurations: [{ type: "BASIC_AUTH", uri: SECRET_ARN("AmazonMSK_x") }],
                destinationConfig: { onFailure: { destination: `arn:aws:sns:us-east-1:${ACCOUNT}:fails.fifo` } },
            });
            const d = await check([f, m]);
            assert.strictEqual(mandatory(d, "msk-function-timeout")[0].urn, f.urn);
            assert.strictEqual(mandatory(d, "msk-mapping-limits")[0].urn, m.urn);
            assert.strictEqual(mandatory(d, "msk-mapping-auth-mechanism")[0].urn, m.urn);
            assert.match(mandatory(d, "no-fifo-destinations")[0].message, /'m' \(aws-native:lambda:EventSourceMapping\) uses the FIFO SNS topic/);
            const good = res(N_ESM, "m", {
                ...m.props,
                topics: ["orders"],
                sourceAccessConfigurations: [],
                destinationConfig: { onFailure: { destination: `arn:aws:sqs:us-east-1:${ACCOUNT}:q` } },
            });
            const ok = await check([nativeFn("slow", 840), good]);
            for (const p of [
                "msk-function-timeout",
                "msk-mapping-limits",
                "msk-mapping-auth-mechanism",
                "no-fifo-destinations",
                "msk-mapping-on-failure-destination",
            ])
                assert.deepStrictEqual(of(ok, p), [], p);
        });

        it("judges an aws-native MSK cluster: authentication, encryption, public access, logs", async () => {
            const cluster = (props: Record<string, unknown>) =>
                res("aws-native:msk:Cluster", "c", {
                    clusterName: "c",
                    kafkaVersion: "3.8.x",
                    numberOfBrokerNodes: 3,
                    brokerNodeGroupInfo: {
                        instanceType: "kafka.m7g.large",
                        clientSubnets: ["s1", "s2", "s3"],
                        connectivityInfo: { publicAccess: { type: "DISABLED" } },
                    },
                    clientAuthentication: { sasl: { iam: { enabled: true } }, unauthenticated: { enabled: false } },
                    encryptionInfo: { encryptionAtRest: { dataVolumeKmsKeyId: KEY_ARN }, encryptionInTransit: { clientBroker: "TLS", inCluster: true } },
                    loggingInfo: { brokerLogs: { cloudWatchLogs: { enabled: true, logGroup: "/msk" } } },
                    ...props,
                });
            const good = await check(cluster({}));
            assert.deepStrictEqual(
                good.filter((x) => x.policy.startsWith("msk-")),
                [],
            );
            const bad = await check(
                cluster({
                    clientAuthentication: { sasl: { iam: { enabled: false } }, unauthenticated: { enabled: true } },
                    encryptionInfo: { encryptionAtRest: { dataVolumeKmsKeyId: "alias/aws/kafka" }, encryptionInTransit: { clientBroker: "PLAINTEXT" } },
                    brokerNodeGroupInfo: {
                        instanceType: "kafka.m7g.large",
                        clientSubnets: [],
                        connectivityInfo: { publicAccess: { type: "SERVICE_PROVIDED_EIPS" } },
                    },
                    loggingInfo: { brokerLogs: { cloudWatchLogs: { enabled: false } } },
                }),
            );
            for (const p of ["msk-no-unauthenticated-access", "msk-encryption-in-transit", "msk-no-public-access"])
                assert.strictEqual(mandatory(bad, p).length, 1, p);
            assert.match(of(bad, "msk-encryption-at-rest-cmk", "advisory")[0].message, /AWS-managed key \(alias\/aws\/kafka\)/);
            assert.strictEqual(of(bad, "msk-broker-logs", "advisory").length, 1);
            // mTLS switched off with enabled: false is no authentication.
            const tlsOff = await check(cluster({ clientAuthentication: { tls: { enabled: false, certificateAuthorityArnList: ["arn:aws:acm-pca:x"] } } }));
            assert.strictEqual(mandatory(tlsOff, "msk-no-unauthenticated-access").length, 1);
        });

        it("follows aws-native roles, inline and managed policies, queues and keys for destination grants", async () => {
            const qArn = `arn:aws:sqs:us-east-1:${ACCOUNT}:failures`;
            const key = res("aws-native:kms:Key", "k", { arn: KEY_ARN, keyId: "k", enableKeyRotation: true, keyPolicy: {} });
            const q = res("aws-native:sqs:Queue", "q", { queueName: "failures", arn: qArn, kmsMasterKeyId: KEY_ARN }, { kmsMasterKeyId: [key] });
            const role = res("aws-native:iam:Role", "role", {
                roleName: "r",
                arn: `arn:aws:iam::${ACCOUNT}:role/r`,
                assumeRolePolicyDocument: {},
                policies: [
                    {
                        policyName: "send",
                        policyDocument: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "sqs:SendMessage", Resource: qArn }] },
                    },
                ],
            });
            const f = res(N_FN, "f", { functionName: "consumer", arn: fnArn("consumer"), role: role.props.arn, timeout: 60 }, { role: [role] });
            const m = res(N_ESM, "m", {
                eventSourceArn: CLUSTER_ARN,
                topics: ["t"],
                functionName: "consumer",
                destinationConfig: { onFailure: { destination: qArn } },
            });
            const bad = await check([key, q, role, f, m]);
            assert.match(mandatory(bad, "destination-kms-grants")[0].message, /Role 'role' of function 'f' .* lacks kms:Decrypt/);
            assert.strictEqual(mandatory(bad, "destination-kms-grants")[0].urn, role.urn);
            const managed = res(
                "aws-native:iam:ManagedPolicy",
                "kms",
                {
                    policyArn: UNKNOWN,
                    roles: ["r"],
                    policyDocument: {
                        Version: "2012-10-17",
                        Statement: [{ Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: KEY_ARN }],
                    },
                },
                { roles: [role] },
            );
            assert.deepStrictEqual(of(await check([key, q, role, f, m, managed]), "destination-kms-grants"), []);
            const rolePolicy = res("aws-native:iam:RolePolicy", "rp", {
                roleName: "r",
                policyName: "kms",
                policyDocument: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "kms:*", Resource: KEY_ARN }] },
            });
            assert.deepStrictEqual(of(await check([key, q, role, f, m, rolePolicy]), "destination-kms-grants"), []);
        });

        it("judges aws-native FIFO queues, unencrypted topics, unprotected buckets and unrotated keys", async () => {
            const fifo = res("aws-native:sqs:Queue", "fifo", { queueName: UNKNOWN, fifoQueue: true });
            const topic = res("aws-native:sns:Topic", "t", { topicName: "t", topicArn: `arn:aws:sns:us-east-1:${ACCOUNT}:t` });
            const bucket = res("aws-native:s3:Bucket", "b", { bucketName: "b", arn: "arn:aws:s3:::b" });
            const cfg = res(
                "aws-native:lambda:EventInvokeConfig",
                "async",
                { functionName: "f", qualifier: "$LATEST", destinationConfig: { onFailure: { destination: UNKNOWN }, onSuccess: { destination: UNKNOWN } } },
                { destinationConfig: [fifo, topic] },
            );
            const m = res(N_ESM, "m", {
                eventSourceArn: CLUSTER_ARN,
                topics: ["t"],
                functionName: "f",
                destinationConfig: { onFailure: { destination: "arn:aws:s3:::b" } },
            });
            const d = await check([fifo, topic, bucket, cfg, m, res("aws-native:kms:Key", "k", { enableKeyRotation: false })]);
            assert.match(mandatory(d, "no-fifo-destinations")[0].message, /FIFO SQS queue 'fifo'/);
            assert.ok(mandatory(d, "destination-encryption").some((x) => x.urn === topic.urn));
            assert.deepStrictEqual(
                mandatory(d, "s3-destination-protection").map((x) => x.urn),
                [bucket.urn, bucket.urn],
            );
            assert.strictEqual(mandatory(d, "kms-key-rotation").length, 1);
            const safe = res("aws-native:s3:Bucket", "b", {
                bucketName: "b",
                arn: "arn:aws:s3:::b",
                versioningConfiguration: { status: "Enabled" },
                publicAccessBlockConfiguration: { blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
                bucketEncryption: {
                    serverSideEncryptionConfiguration: [{ serverSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: KEY_ARN } }],
                },
            });
            const ok = await check([safe, m]);
            assert.deepStrictEqual([...of(ok, "s3-destination-protection"), ...of(ok, "destination-encryption")], []);
        });

        it("judges aws-native secrets (inline mTLS value, SCRAM naming and key) and security groups", async () => {
            const s = res("aws-native:secretsmanager:Secret", "creds", {
                name: "kafka-creds",
                awsId: SECRET_ARN("kafka-creds"),
                secretString: secret(JSON.stringify({ certificate: "x" })),
            });
            const m = res(N_ESM, "m", {
                eventSourceArn: CLUSTER_ARN,
                topics: ["t"],
                functionName: "f",
                sourceAccessConfigurations: [
                    { type: "SASL_SCRAM_512_AUTH", uri: SECRET_ARN("kafka-creds") },
                    { type: "CLIENT_CERTIFICATE_TLS_AUTH", uri: SECRET_ARN("kafka-creds") },
                ],
            });
            const d = await check([s, m]);
            assert.strictEqual(mandatory(d, "msk-scram-secret").length, 2);
            assert.match(mandatory(d, "mtls-secret-for-mapping")[0].message, /has no privateKey field/);
            assert.strictEqual(mandatory(d, "mapping-secret-protection").length, 1);
            const sg = res("aws-native:ec2:SecurityGroup", "sg", {
                groupDescription: "brokers",
                securityGroupIngress: [{ ipProtocol: "tcp", fromPort: 9098, toPort: 9098, cidrIpv6: "::/0" }],
            });
            const ing = res("aws-native:ec2:SecurityGroupIngress", "in", { groupId: "sg-2", ipProtocol: "-1", cidrIp: "0.0.0.0/0" });
            const net = await check([sg, ing]);
            assert.deepStrictEqual(
                mandatory(net, "no-public-kafka-ingress")
                    .map((x) => x.urn)
                    .sort(),
                [ing.urn, sg.urn].sort(),
            );
            const fine = res("aws-native:ec2:SecurityGroup", "sg", {
                groupDescription: "brokers",
                securityGroupIngress: [{ ipProtocol: "tcp", fromPort: 9098, toPort: 9098, sourceSecurityGroupId: "sg-1" }],
            });
            assert.deepStrictEqual(of(await check(fine), "no-public-kafka-ingress"), []);
        });
    });

    describe("4. every way a mapping names its function", () => {
        const forms: [string, (extra: Res[]) => { functionName: string; deps?: Record<string, Res[]> }][] = [
            ["plain name", () => ({ functionName: "slow" })],
            ["full ARN", () => ({ functionName: fnArn("slow") })],
            ["qualified ARN", () => ({ functionName: `${fnArn("slow")}:live` })],
            ["partial ARN", () => ({ functionName: `${ACCOUNT}:function:slow` })],
            ["qualified partial ARN", () => ({ functionName: `${ACCOUNT}:function:slow:3` })],
            ["name:alias", () => ({ functionName: "slow:live" })],
            ["name:version", () => ({ functionName: "slow:7" })],
        ];
        for (const [what, form] of forms) {
            it(`follows ${what}`, async () => {
                const f = form([]);
                const m = res(ESM, "m", { eventSourceArn: CLUSTER_ARN, topics: ["t"], functionName: f.functionName });
                const d = mandatory(await check([fn("slow", 900), m]), "msk-function-timeout");
                assert.strictEqual(d.length, 1, what);
                assert.deepStrictEqual(of(await check([fn("slow", 840), m]), "msk-function-timeout"), [], what);
            });
        }
        it("follows an aws or aws-native alias resource in between, and ignores another account's function", async () => {
            const slow = res(N_FN, "slow", { functionName: "slow", arn: UNKNOWN, role: "r", timeout: 900 });
            const alias = res(
                "aws-native:lambda:Alias",
                "live",
                { functionName: UNKNOWN, functionVersion: "1", name: "live", aliasArn: UNKNOWN },
                { functionName: [slow] },
            );
            const m = res(ESM, "m", { eventSourceArn: CLUSTER_ARN, topics: ["t"], functionName: UNKNOWN }, { functionName: [alias] });
            assert.strictEqual(mandatory(await check([slow, alias, m]), "msk-function-timeout").length, 1);
            const classicAlias = res("aws:lambda/alias:Alias", "live", { name: "live", functionName: `${ACCOUNT}:function:slow`, arn: UNKNOWN });
            const m2 = res(ESM, "m2", { eventSourceArn: CLUSTER_ARN, topics: ["t"], functionName: UNKNOWN }, { functionName: [classicAlias] });
            assert.strictEqual(mandatory(await check([fn("slow", 900), classicAlias, m2]), "msk-function-timeout").length, 1);
            const other = res(ESM, "m3", { eventSourceArn: CLUSTER_ARN, topics: ["t"], functionName: "999999999999:function:slow" });
            assert.deepStrictEqual(of(await check([fn("slow", 900), other]), "msk-function-timeout"), []);
        });
    });

    describe("7. MSK settings", () => {
        const cluster = (auth: Record<string, unknown>, configurationInfo: unknown) =>
            res("aws:msk/cluster:Cluster", "c", { clusterName: "c", clientAuthentication: auth, configurationInfo }, { configurationInfo: [] });
        const configuration = (serverProperties: string, type = "aws:msk/configuration:Configuration") =>
            res(type, "cfg", { name: "cfg", arn: `arn:aws:kafka:us-east-1:${ACCOUNT}:configuration/cfg/1`, serverProperties });
        const cfgArn = `arn:aws:kafka:us-east-1:${ACCOUNT}:configuration/cfg/1`;

        it("refuses allow.everyone.if.no.acl.found=true on a SCRAM or mTLS cluster (aws and aws-native configurations)", async () => {
            for (const type of ["aws:msk/configuration:Configuration", "aws-native:msk:Configuration"]) {
                const props = "auto.create.topics.enable=false\n  allow.everyone.if.no.acl.found = true\n";
                const d = await check([configuration(props, type), cluster({ sasl: { scram: true } }, { arn: cfgArn, revision: 1 })]);
                assert.match(
                    mandatory(d, "msk-acl-default-deny")[0].message,
                    /authenticates with SASL\/SCRAM but its configuration 'cfg' sets allow\.everyone\.if\.no\.acl\.found=true/,
                );
            }
            const mtls = await check([
                configuration("allow.everyone.if.no.acl.found:TRUE"),
                cluster({ tls: { certificateAuthorityArns: ["arn:aws:acm-pca:x"] } }, { arn: cfgArn, revision: 1 }),
            ]);
            assert.strictEqual(mandatory(mtls, "msk-acl-default-deny").length, 1);
        });
        it("accepts false, and an IAM-only cluster (IAM access control uses no ACLs); notes an unknown configuration", async () => {
            const off = await check([configuration("allow.everyone.if.no.acl.found=false"), cluster({ sasl: { scram: true } }, { arn: cfgArn, revision: 1 })]);
            assert.deepStrictEqual(of(off, "msk-acl-default-deny"), []);
            const iam = await check([configuration("allow.everyone.if.no.acl.found=true"), cluster({ sasl: { iam: true } }, { arn: cfgArn, revision: 1 })]);
            assert.deepStrictEqual(of(iam, "msk-acl-default-deny"), []);
            const unknown = await check([configuration(UNKNOWN), cluster({ sasl: { scram: true } }, { arn: cfgArn, revision: 1 })]);
            assert.strictEqual(notes(unknown, "msk-acl-default-deny").length, 1);
        });

        const rule = (name: string, props: Record<string, unknown>) =>
            res("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", name, {
                securityGroupId: "sg-1",
                ipProtocol: "tcp",
                fromPort: 9092,
                toPort: 9098,
                ...props,
            });
        it("refuses the internet split into pieces across rules of one group, on every MSK port, in every IPv6 spelling", async () => {
            const split = await check([rule("a", { cidrIpv4: "0.0.0.0/1" }), rule("b", { cidrIpv4: "128.0.0.0/1" })]);
            assert.strictEqual(mandatory(split, "no-public-kafka-ingress").length, 1);
            assert.match(
                mandatory(split, "no-public-kafka-ingress")[0].message,
                /0\.0\.0\.0\/1, 128\.0\.0\.0\/1\) on Amazon MSK port\(s\) 9092, 9094, 9096, 9098/,
            );
            // Everything but the private ranges is the internet too.
            const publicOnly = ["0.0.0.0/5", "8.0.0.0/7", "11.0.0.0/8", "12.0.0.0/6", "16.0.0.0/4", "32.0.0.0/3", "64.0.0.0/2", "128.0.0.0/1"];
            assert.strictEqual(mandatory(await check(publicOnly.map((c, i) => rule(`p${i}`, { cidrIpv4: c }))), "no-public-kafka-ingress").length, 1);
            for (const v6 of ["::/0", "0::/0", "::0/0", "0:0:0:0:0:0:0:0/0", "0000::/0", "2000::/3"])
                assert.strictEqual(mandatory(await check(rule("v6", { cidrIpv4: undefined, cidrIpv6: v6 })), "no-public-kafka-ingress").length, 1, v6);
            for (const port of [2181, 2182, 9194, 9196, 9198, 11001, 20098])
                assert.strictEqual(
                    mandatory(await check(rule("p", { fromPort: port, toPort: port, cidrIpv4: "0.0.0.0/0" })), "no-public-kafka-ingress").length,
                    1,
                    String(port),
                );
        });
        it("accepts private ranges, one half of the internet, other ports and other groups", async () => {
            const d = await check([
                rule("a", { cidrIpv4: "10.0.0.0/8" }),
                rule("b", { cidrIpv4: "0.0.0.0/1", securityGroupId: "sg-2" }),
                rule("c", { cidrIpv4: "128.0.0.0/1", securityGroupId: "sg-3" }),
                rule("d", { cidrIpv4: "0.0.0.0/0", fromPort: 443, toPort: 443, securityGroupId: "sg-4" }),
            ]);
            assert.deepStrictEqual(of(d, "no-public-kafka-ingress"), []);
        });
        it("reads prefix lists defined in the stack, flags unknown ones for review, and notes unknown CIDRs", async () => {
            const pl = res("aws:ec2/managedPrefixList:ManagedPrefixList", "pl", {
                id: "pl-1",
                name: "open",
                addressFamily: "IPv4",
                entries: [{ cidr: "0.0.0.0/0" }],
            });
            assert.strictEqual(mandatory(await check([pl, rule("r", { prefixListId: "pl-1" })]), "no-public-kafka-ingress").length, 1);
            const external = await check(rule("r", { prefixListId: "pl-0123456789abcdef0" }));
            assert.strictEqual(of(external, "kafka-ingress-prefix-lists", "advisory").length, 1);
            assert.deepStrictEqual(mandatory(external, "no-public-kafka-ingress"), []);
            assert.strictEqual(notes(await check(rule("r", { cidrIpv4: UNKNOWN })), "no-public-kafka-ingress").length, 1);
        });
        it("counts alias/aws/kafka (by name or ARN) as the AWS-managed key at rest", async () => {
            for (const key of ["alias/aws/kafka", `arn:aws:kms:us-east-1:${ACCOUNT}:alias/aws/kafka`]) {
                const c = res("aws:msk/cluster:Cluster", "c", { clusterName: "c", encryptionInfo: { encryptionAtRestKmsKeyArn: key } });
                assert.strictEqual(of(await check(c), "msk-encryption-at-rest-cmk", "advisory").length, 1, key);
            }
        });
    });

    describe("8. secrets used by mappings", () => {
        const secretRes = (props: Record<string, unknown>, deps: Record<string, Res[]> = {}) =>
            res("aws:secretsmanager/secret:Secret", "plain", { name: "plain", arn: SECRET_ARN("plain"), ...props }, deps);
        const m = selfManaged("m", { sourceAccessConfigurations: [{ type: "BASIC_AUTH", uri: SECRET_ARN("plain") }] });
        it("refuses the default aws/secretsmanager key, accepts a customer-managed key", async () => {
            for (const kmsKeyId of [undefined, "alias/aws/secretsmanager"]) {
                const d = mandatory(await check([secretRes({ kmsKeyId }), m]), "mapping-secret-protection");
                assert.strictEqual(d.length, 1, String(kmsKeyId));
                assert.match(d[0].message, /encrypted with the default aws\/secretsmanager key/);
            }
            assert.deepStrictEqual(of(await check([secretRes({ kmsKeyId: KEY_ARN }), m]), "mapping-secret-protection"), []);
            const k = res("aws:kms/key:Key", "k", { enableKeyRotation: true });
            assert.strictEqual(notes(await check([secretRes({ kmsKeyId: UNKNOWN }), m]), "mapping-secret-protection").length, 1);
            assert.deepStrictEqual(of(await check([k, secretRes({ kmsKeyId: UNKNOWN }, { kmsKeyId: [k] }), m]), "mapping-secret-protection"), []);
        });
        it("refuses recoveryWindowInDays 0 only where the policy config marks the stack production", async () => {
            const s = secretRes({ kmsKeyId: KEY_ARN, recoveryWindowInDays: 0 });
            assert.deepStrictEqual(of(await check([s, m]), "mapping-secret-protection"), []);
            const prod = mandatory(await check([s, m], { "mapping-secret-protection": { production: true } }), "mapping-secret-protection");
            assert.strictEqual(prod.length, 1);
            assert.match(prod[0].message, /recoveryWindowInDays 0 in a production stack/);
            const kept = secretRes({ kmsKeyId: KEY_ARN, recoveryWindowInDays: 7 });
            assert.deepStrictEqual(of(await check([kept, m], { "mapping-secret-protection": { production: true } }), "mapping-secret-protection"), []);
        });
    });

    describe("9. a rule never passes silently because it could not see", () => {
        it("notes unknown client authentication, broker logs and destinations named by unknown ARNs", async () => {
            const c = res("aws:msk/cluster:Cluster", "c", {
                clusterName: "c",
                clientAuthentication: UNKNOWN,
                loggingInfo: UNKNOWN,
                encryptionInfo: { encryptionAtRestKmsKeyArn: KEY_ARN },
            });
            const d = await check(c);
            assert.strictEqual(notes(d, "msk-no-unauthenticated-access").length, 1);
            assert.strictEqual(notes(d, "msk-broker-logs").length, 1);
            const m = res(ESM, "m", {
                eventSourceArn: CLUSTER_ARN,
                topics: ["t"],
                functionName: "f",
                destinationConfig: { onFailure: { destinationArn: UNKNOWN } },
            });
            const dest = await check(m);
            assert.strictEqual(notes(dest, "no-fifo-destinations").length, 1);
            assert.strictEqual(notes(dest, "destination-encryption").length, 1);
            const sac = res(ESM, "m", { eventSourceArn: CLUSTER_ARN, topics: ["t"], functionName: "f", sourceAccessConfigurations: UNKNOWN });
            const s = await check(sac);
            assert.strictEqual(notes(s, "msk-mapping-auth-mechanism").length, 1);
            assert.strictEqual(notes(s, "msk-no-custom-server-ca").length, 1);
            const kind = res(ESM, "k", { eventSourceArn: UNKNOWN, topics: UNKNOWN, functionName: "f" });
            assert.strictEqual(notes(await check([fn("f", 900), kind]), "msk-function-timeout").length, 1);
        });
        it("notes an unknown key spec on an unrotated key, and an unknown mapping source for the secret rules", async () => {
            const k = await check(res("aws-native:kms:Key", "k", { keySpec: UNKNOWN, enableKeyRotation: false }));
            assert.strictEqual(notes(k, "kms-key-rotation").length, 1);
            assert.deepStrictEqual(mandatory(k, "kms-key-rotation"), []);
            const m = res(ESM, "m", {
                eventSourceArn: UNKNOWN,
                topics: UNKNOWN,
                functionName: "f",
                sourceAccessConfigurations: [{ type: "BASIC_AUTH", uri: SECRET_ARN("x") }],
            });
            const d = await check(m);
            assert.strictEqual(notes(d, "mapping-secret-protection").length, 1);
            assert.strictEqual(notes(d, "msk-scram-secret").length, 1);
        });
        it("stays silent on what is known to be fine: an SQS mapping, a destination set but not computed yet", async () => {
            const sqs = res(ESM, "sqs", { eventSourceArn: UNKNOWN, functionName: "f", batchSize: 10 });
            const k = res("aws:kms/key:Key", "k", { enableKeyRotation: true });
            const q = res("aws:sqs/queue:Queue", "q", { name: "q", arn: UNKNOWN, fifoQueue: false, kmsMasterKeyId: UNKNOWN }, { kmsMasterKeyId: [k] });
            const d = await check([
                fn("f", 900),
                sqs,
                k,
                q,
                res(
                    ESM,
                    "m",
                    { eventSourceArn: CLUSTER_ARN, topics: ["t"], functionName: "f2", destinationConfig: { onFailure: { destinationArn: UNKNOWN } } },
                    { destinationConfig: [q] },
                ),
            ]);
            for (const p of ["msk-function-timeout", "no-fifo-destinations", "destination-encryption", "msk-mapping-on-failure-destination"])
                assert.deepStrictEqual(of(d, p), [], p);
        });
    });
});
