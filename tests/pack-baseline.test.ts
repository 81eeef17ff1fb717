/** The pack's security baseline, each rule with failing and passing cases, over the Analyzer protocol. */
import * as assert from "assert";
import { ACCOUNT, check, CLUSTER_ARN, of, res, UNKNOWN, type Res } from "./helpers/pack";

const CLUSTER = "aws:msk/cluster:Cluster";
const ESM = "aws:lambda/eventSourceMapping:EventSourceMapping";

function cluster(props: Record<string, unknown> = {}) {
    return res(CLUSTER, "c", {
        clusterName: "c",
        kafkaVersion: "3.8.x",
        numberOfBrokerNodes: 3,
        brokerNodeGroupInfo: { instanceType: "kafka.m7g.large", clientSubnets: ["subnet-1", "subnet-2", "subnet-3"], securityGroups: ["sg-1"] },
        encryptionInfo: {
            encryptionAtRestKmsKeyArn: `arn:aws:kms:us-east-1:${ACCOUNT}:key/11111111-2222-3333-4444-555555555555`,
            encryptionInTransit: { clientBroker: "TLS", inCluster: true },
        },
        clientAuthentication: { sasl: { iam: true }, unauthenticated: false },
        loggingInfo: { brokerLogs: { cloudwatchLogs: { enabled: true, logGroup: "/aws/msk/c" } } },
        ...props,
    });
}

/** A complete consumer chain of another program: mapping → function → role → inline policy, and its destination. */
function chain(opts: { dest: Res[]; destArn: string; statements: object[]; extraRole?: Record<string, unknown> }) {
    const role = res("aws:iam/role:Role", "role", {
        name: "consumer-role",
        arn: `arn:aws:iam::${ACCOUNT}:role/consumer-role`,
        assumeRolePolicy: "{}",
        ...(opts.extraRole ?? {}),
    });
    const policy = res(
        "aws:iam/rolePolicy:RolePolicy",
        "role-policy",
        { role: "consumer-role", policy: JSON.stringify({ Version: "2012-10-17", Statement: opts.statements }) },
        { role: [role] },
    );
    const fn = res(
        "aws:lambda/function:Function",
        "fn",
        { name: "consumer", arn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:consumer`, role: role.props.arn, timeout: 60 },
        { role: [role] },
    );
    const m = res(
        ESM,
        "mapping",
        { eventSourceArn: CLUSTER_ARN, topics: ["orders"], functionName: fn.props.arn, destinationConfig: { onFailure: { destinationArn: opts.destArn } } },
        { functionName: [fn], destinationConfig: opts.dest },
    );
    return { role, policy, fn, m, all: [role, policy, fn, m, ...opts.dest] };
}

const KEY_ARN = `arn:aws:kms:us-east-1:${ACCOUNT}:key/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee`;
const QUEUE_ARN = `arn:aws:sqs:us-east-1:${ACCOUNT}:failures`;
const key = () => res("aws:kms/key:Key", "dest-key", { arn: KEY_ARN, keyId: "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee", enableKeyRotation: true });
const queue = (k: Res, props: Record<string, unknown> = {}) =>
    res("aws:sqs/queue:Queue", "failures", { name: "failures", arn: QUEUE_ARN, kmsMasterKeyId: KEY_ARN, ...props }, { kmsMasterKeyId: [k] });

describe("policy pack: security baseline", function () {
    this.timeout(60000);

    describe("MSK cluster", () => {
        it("passes a TLS-only, authenticated, private, CMK-encrypted, logging cluster with no diagnostics", async () => {
            const d = (await check(cluster())).filter((x) => x.policy.startsWith("msk-"));
            assert.deepStrictEqual(d, []);
        });
        it("refuses plaintext client-broker traffic and unencrypted broker traffic, unless the stack allows plaintext", async () => {
            const c = cluster({ encryptionInfo: { encryptionInTransit: { clientBroker: "TLS_PLAINTEXT", inCluster: false } } });
            const d = of(await check(c), "msk-encryption-in-transit", "mandatory");
            assert.strictEqual(d.length, 2);
            assert.match(d[0].message, /allows TLS_PLAINTEXT client-broker traffic/);
            assert.match(d[1].message, /does not encrypt traffic between brokers/);
            const allowed = of(await check(c, { "msk-encryption-in-transit": { allowPlaintext: true } }), "msk-encryption-in-transit");
            assert.strictEqual(allowed.length, 1, "inCluster is still required");
        });
        it("refuses unauthenticated access, and a cluster with no client authentication at all", async () => {
            assert.strictEqual(
                of(await check(cluster({ clientAuthentication: { unauthenticated: true, sasl: { iam: true } } })), "msk-no-unauthenticated-access", "mandatory")
                    .length,
                1,
            );
            const none = cluster({ clientAuthentication: undefined });
            delete (none.props as Record<string, unknown>).clientAuthentication;
            assert.strictEqual(of(await check(none), "msk-no-unauthenticated-access").length, 1);
            assert.deepStrictEqual(
                of(await check(none, { "msk-no-unauthenticated-access": { allowUnauthenticated: true } }), "msk-no-unauthenticated-access"),
                [],
            );
            assert.deepStrictEqual(
                of(await check(cluster({ clientAuthentication: { tls: { certificateAuthorityArns: [UNKNOWN] } } })), "msk-no-unauthenticated-access"),
                [],
            );
        });
        it("refuses public broker access", async () => {
            const c = cluster({
                brokerNodeGroupInfo: {
                    instanceType: "kafka.m7g.large",
                    clientSubnets: [],
                    securityGroups: [],
                    connectivityInfo: { publicAccess: { type: "SERVICE_PROVIDED_EIPS" } },
                },
            });
            assert.match(of(await check(c), "msk-no-public-access", "mandatory")[0].message, /public access SERVICE_PROVIDED_EIPS/);
        });
        it("advises a customer-managed key at rest and broker logs (mandatory where the stack's config says so)", async () => {
            const c = cluster({ encryptionInfo: { encryptionInTransit: { clientBroker: "TLS" } }, loggingInfo: undefined });
            delete (c.props as Record<string, unknown>).loggingInfo;
            const d = await check(c);
            assert.strictEqual(of(d, "msk-encryption-at-rest-cmk", "advisory").length, 1);
            assert.strictEqual(of(d, "msk-broker-logs", "advisory").length, 1);
            const strict = await check(c, { "msk-encryption-at-rest-cmk": "mandatory", "msk-broker-logs": "mandatory" });
            assert.strictEqual(of(strict, "msk-broker-logs", "mandatory").length, 1);
        });
    });

    describe("destinations", () => {
        it("refuses a failure queue without a customer-managed key (none, or alias/aws/sqs)", async () => {
            for (const props of [{ kmsMasterKeyId: undefined }, { kmsMasterKeyId: "alias/aws/sqs" }]) {
                const q = res("aws:sqs/queue:Queue", "failures", { name: "failures", arn: QUEUE_ARN, ...props });
                const c = chain({ dest: [q], destArn: QUEUE_ARN, statements: [{ Effect: "Allow", Action: "sqs:SendMessage", Resource: QUEUE_ARN }] });
                const d = of(await check(c.all), "destination-encryption", "mandatory");
                assert.strictEqual(d.length, 1, JSON.stringify(props));
                assert.strictEqual(d[0].urn, q.urn);
                assert.match(d[0].message, /the on-failure destination of 'mapping', is not encrypted with a customer-managed KMS key/);
            }
        });
        it("requires S3 destinations to be versioned and to block public access, with SSE-KMS", async () => {
            const bucketArn = "arn:aws:s3:::failures-bucket";
            const b = res("aws:s3/bucket:Bucket", "bucket", { bucket: "failures-bucket", arn: bucketArn });
            const c = chain({
                dest: [b],
                destArn: bucketArn,
                statements: [
                    { Effect: "Allow", Action: ["s3:PutObject"], Resource: `${bucketArn}/*` },
                    { Effect: "Allow", Action: "s3:ListBucket", Resource: bucketArn },
                ],
            });
            const bad = await check(c.all);
            assert.deepStrictEqual(
                of(bad, "s3-destination-protection").map((x) => /not versioned/.test(x.message) || /does not block public access/.test(x.message)),
                [true, true],
            );
            assert.strictEqual(of(bad, "destination-encryption").length, 1);
            const k = key();
            const settings = [
                res(
                    "aws:s3/bucketVersioning:BucketVersioning",
                    "v",
                    { bucket: "failures-bucket", versioningConfiguration: { status: "Enabled" } },
                    { bucket: [b] },
                ),
                res(
                    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
                    "pab",
                    { bucket: UNKNOWN, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
                    { bucket: [b] },
                ),
                res(
                    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
                    "sse",
                    {
                        bucket: "failures-bucket",
                        rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: KEY_ARN }, bucketKeyEnabled: true }],
                    },
                    { rules: [k] },
                ),
            ];
            const withGrants = chain({
                dest: [b],
                destArn: bucketArn,
                statements: [
                    { Effect: "Allow", Action: ["s3:PutObject"], Resource: `${bucketArn}/*` },
                    { Effect: "Allow", Action: "s3:ListBucket", Resource: bucketArn },
                    { Effect: "Allow", Action: "kms:GenerateDataKey", Resource: KEY_ARN },
                ],
            });
            const good = await check([...withGrants.all, k, ...settings]);
            assert.deepStrictEqual(
                [...of(good, "s3-destination-protection"), ...of(good, "destination-encryption"), ...of(good, "destination-kms-grants")],
                [],
            );
        });
    });

    describe("destination-kms-grants (seeds 002/004, following mapping → function → role → policies)", () => {
        it("refuses a role that may send to its SQS destination but not use the queue's key", async () => {
            const k = key();
            const c = chain({ dest: [queue(k)], destArn: QUEUE_ARN, statements: [{ Effect: "Allow", Action: "sqs:SendMessage", Resource: QUEUE_ARN }] });
            const d = of(await check([...c.all, k]), "destination-kms-grants", "mandatory");
            assert.strictEqual(d.length, 1);
            assert.strictEqual(d[0].urn, c.role.urn);
            assert.match(
                d[0].message,
                new RegExp(
                    `Role 'role' of function 'fn' cannot deliver to its on-failure destination .* lacks kms:Decrypt on ${KEY_ARN}, kms:GenerateDataKey on ${KEY_ARN}`,
                ),
            );
        });
        it("refuses a role without the send permission", async () => {
            const k = key();
            const c = chain({
                dest: [queue(k)],
                destArn: QUEUE_ARN,
                statements: [{ Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: KEY_ARN }],
            });
            assert.match(of(await check([...c.all, k]), "destination-kms-grants")[0].message, /lacks sqs:SendMessage on arn:aws:sqs/);
        });
        it("accepts exact grants, wildcard grants and managed policies defined in the stack, and lets a Deny win", async () => {
            const k = key();
            const exact = chain({
                dest: [queue(k)],
                destArn: QUEUE_ARN,
                statements: [
                    { Effect: "Allow", Action: "sqs:SendMessage", Resource: QUEUE_ARN },
                    { Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: KEY_ARN },
                ],
            });
            assert.deepStrictEqual(of(await check([...exact.all, k]), "destination-kms-grants"), []);
            const wild = chain({
                dest: [queue(k)],
                destArn: QUEUE_ARN,
                statements: [{ Effect: "Allow", Action: ["sqs:Send*", "kms:*"], Resource: [`arn:aws:sqs:us-east-1:${ACCOUNT}:*`, KEY_ARN] }],
            });
            assert.deepStrictEqual(of(await check([...wild.all, k]), "destination-kms-grants"), []);
            const denied = chain({
                dest: [queue(k)],
                destArn: QUEUE_ARN,
                statements: [
                    { Effect: "Allow", Action: ["sqs:SendMessage", "kms:Decrypt", "kms:GenerateDataKey"], Resource: "*" },
                    { Effect: "Deny", Action: "kms:Decrypt", Resource: "*" },
                ],
            });
            assert.match(
                of(await check([...denied.all, k]), "destination-kms-grants")[0].message,
                /cannot use kms:Decrypt on .* \(denied by statement 2 of the role's policies\)/,
            );
            const managed = res("aws:iam/policy:Policy", "managed", {
                arn: `arn:aws:iam::${ACCOUNT}:policy/send`,
                policy: {
                    Version: "2012-10-17",
                    Statement: [{ Effect: "Allow", Action: ["sqs:SendMessage", "kms:Decrypt", "kms:GenerateDataKey"], Resource: [QUEUE_ARN, KEY_ARN] }],
                },
            });
            const viaAttachment = chain({ dest: [queue(k)], destArn: QUEUE_ARN, statements: [] });
            const attach = res("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "attach", {
                role: "consumer-role",
                policyArn: `arn:aws:iam::${ACCOUNT}:policy/send`,
            });
            assert.deepStrictEqual(of(await check([...viaAttachment.all, k, managed, attach]), "destination-kms-grants"), []);
        });
        it("does not judge roles with policies attached from outside the stack", async () => {
            const k = key();
            const c = chain({
                dest: [queue(k)],
                destArn: QUEUE_ARN,
                statements: [],
                extraRole: { managedPolicyArns: [`arn:aws:iam::${ACCOUNT}:policy/central-team-policy`] },
            });
            assert.deepStrictEqual(of(await check([...c.all, k]), "destination-kms-grants"), []);
        });
        it("covers async destinations: an SNS topic's key needs kms:Decrypt and kms:GenerateDataKey", async () => {
            const k = key();
            const topicArn = `arn:aws:sns:us-east-1:${ACCOUNT}:async-failures`;
            const t = res("aws:sns/topic:Topic", "topic", { name: "async-failures", arn: topicArn, kmsMasterKeyId: KEY_ARN }, { kmsMasterKeyId: [k] });
            const c = chain({
                dest: [],
                destArn: QUEUE_ARN,
                statements: [
                    { Effect: "Allow", Action: "sns:Publish", Resource: topicArn },
                    { Effect: "Allow", Action: "sqs:SendMessage", Resource: QUEUE_ARN },
                ],
            });
            const cfg = res("aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig", "async", {
                functionName: "consumer",
                destinationConfig: { onFailure: { destination: topicArn } },
            });
            const d = of(await check([...c.all, k, t, cfg]), "destination-kms-grants");
            assert.strictEqual(d.length, 1);
            assert.match(d[0].message, /async on-failure destination .* lacks kms:Decrypt on .*, kms:GenerateDataKey on/);
        });
        it("in a first preview, reports what it cannot decide yet as a note, not a violation", async () => {
            const k = res("aws:kms/key:Key", "dest-key", { arn: UNKNOWN, enableKeyRotation: true });
            const q = res("aws:sqs/queue:Queue", "failures", { name: "failures", arn: UNKNOWN, kmsMasterKeyId: UNKNOWN }, { kmsMasterKeyId: [k] });
            const c = chain({ dest: [q], destArn: UNKNOWN, statements: [] });
            (c.policy.props as Record<string, unknown>).policy = UNKNOWN;
            const d = of(await check([...c.all, k]), "destination-kms-grants");
            assert.strictEqual(d.length, 1);
            assert.strictEqual(d[0].enforcementLevel, "advisory");
            assert.match(d[0].message, /can't run policy 'destination-kms-grants'.*during preview/);
        });
    });

    describe("IAM, KMS and security groups", () => {
        it('refuses Action "*", kafka-cluster actions on Resource "*" and GetSecretValue on "*"', async () => {
            const doc = (Statement: object[]) => JSON.stringify({ Version: "2012-10-17", Statement });
            const cases: [object[], RegExp][] = [
                [[{ Effect: "Allow", Action: "*", Resource: "arn:aws:s3:::b" }], /allows every action/],
                [
                    [{ Sid: "K", Effect: "Allow", Action: ["kafka-cluster:Connect", "kafka-cluster:ReadData"], Resource: "*" }],
                    /statement K allows kafka-cluster:Connect, kafka-cluster:ReadData on the resources of any cluster/,
                ],
                [[{ Effect: "Allow", Action: "kafka-cluster:*", Resource: CLUSTER_ARN }], /allows every kafka-cluster action \(kafka-cluster:\*\)/],
                [[{ Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: "*" }], /secretsmanager:GetSecretValue on any secret/],
            ];
            for (const [statements, message] of cases) {
                const d = of(await check(res("aws:iam/policy:Policy", "p", { policy: doc(statements) })), "iam-least-privilege", "mandatory");
                assert.strictEqual(d.length, 1, JSON.stringify(statements));
                assert.match(d[0].message, message);
            }
            const inline = res("aws:iam/role:Role", "r", {
                assumeRolePolicy: "{}",
                inlinePolicies: [{ name: "x", policy: doc([{ Effect: "Allow", Action: "*", Resource: "*" }]) }],
            });
            assert.strictEqual(of(await check(inline), "iam-least-privilege").length, 1);
        });
        it('accepts the EC2 network-interface actions on "*" and scoped kafka-cluster actions', async () => {
            const doc = JSON.stringify({
                Version: "2012-10-17",
                Statement: [
                    { Effect: "Allow", Action: ["ec2:CreateNetworkInterface", "ec2:DescribeVpcs"], Resource: "*" },
                    { Effect: "Allow", Action: "kafka-cluster:Connect", Resource: CLUSTER_ARN },
                ],
            });
            assert.deepStrictEqual(of(await check(res("aws:iam/rolePolicy:RolePolicy", "p", { role: "r", policy: doc })), "iam-least-privilege"), []);
        });
        it("requires rotation on symmetric customer-managed keys only", async () => {
            assert.match(of(await check(res("aws:kms/key:Key", "k", { enableKeyRotation: false })), "kms-key-rotation")[0].message, /does not rotate/);
            assert.strictEqual(of(await check(res("aws:kms/key:Key", "k", {})), "kms-key-rotation").length, 1);
            assert.deepStrictEqual(of(await check(res("aws:kms/key:Key", "k", { customerMasterKeySpec: "RSA_2048" })), "kms-key-rotation"), []);
        });
        it("refuses 0.0.0.0/0 or ::/0 on a Kafka broker port, in every rule form", async () => {
            const forms: Res[] = [
                res("aws:ec2/securityGroup:SecurityGroup", "sg", { ingress: [{ protocol: "tcp", fromPort: 9092, toPort: 9098, cidrBlocks: ["0.0.0.0/0"] }] }),
                res("aws:ec2/securityGroupRule:SecurityGroupRule", "rule", {
                    type: "ingress",
                    protocol: "-1",
                    fromPort: 0,
                    toPort: 0,
                    ipv6CidrBlocks: ["::/0"],
                    securityGroupId: "sg-1",
                }),
                res("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "in", {
                    ipProtocol: "tcp",
                    fromPort: 9098,
                    toPort: 9098,
                    cidrIpv4: "0.0.0.0/0",
                    securityGroupId: "sg-1",
                }),
            ];
            for (const f of forms) assert.strictEqual(of(await check(f), "no-public-kafka-ingress", "mandatory").length, 1, f.type);
            const fine = [
                res("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "https", {
                    ipProtocol: "tcp",
                    fromPort: 443,
                    toPort: 443,
                    cidrIpv4: "0.0.0.0/0",
                    securityGroupId: "sg-1",
                }),
                res("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "self", {
                    ipProtocol: "tcp",
                    fromPort: 9098,
                    toPort: 9098,
                    referencedSecurityGroupId: "sg-1",
                    securityGroupId: "sg-1",
                }),
                res("aws:ec2/securityGroupRule:SecurityGroupRule", "egress", {
                    type: "egress",
                    protocol: "-1",
                    fromPort: 0,
                    toPort: 0,
                    cidrBlocks: ["0.0.0.0/0"],
                    securityGroupId: "sg-1",
                }),
            ];
            assert.deepStrictEqual(of(await check(fine), "no-public-kafka-ingress"), []);
        });
    });

    describe("mappings and networks", () => {
        it("requires an on-failure destination on MSK mappings (configurable)", async () => {
            const m = res(ESM, "m", { eventSourceArn: CLUSTER_ARN, topics: ["t"], functionName: "f" });
            assert.match(of(await check(m), "msk-mapping-on-failure-destination", "mandatory")[0].message, /has no on-failure destination/);
            assert.deepStrictEqual(
                of(await check(m, { "msk-mapping-on-failure-destination": { requireOnFailureDestination: false } }), "msk-mapping-on-failure-destination"),
                [],
            );
            const unknown = res(ESM, "m", {
                eventSourceArn: CLUSTER_ARN,
                topics: ["t"],
                functionName: "f",
                destinationConfig: { onFailure: { destinationArn: UNKNOWN } },
            });
            assert.deepStrictEqual(of(await check(unknown), "msk-mapping-on-failure-destination"), []);
        });
        it("advises NAT gateways or Lambda and STS endpoints in a cluster VPC used by a mapping", async () => {
            const vpc = res("aws:ec2/vpc:Vpc", "vpc", { cidrBlock: "10.0.0.0/16" });
            const subnet = res("aws:ec2/subnet:Subnet", "s", { vpcId: UNKNOWN, cidrBlock: "10.0.0.0/24" }, { vpcId: [vpc] });
            const c = res(CLUSTER, "c", { clusterName: "c", brokerNodeGroupInfo: { clientSubnets: [UNKNOWN] } }, { brokerNodeGroupInfo: [subnet] });
            const m = res(
                ESM,
                "m",
                { eventSourceArn: UNKNOWN, topics: ["t"], functionName: "f", sourceAccessConfigurations: [{ type: "SASL_SCRAM_512_AUTH", uri: "x" }] },
                { eventSourceArn: [c] },
            );
            const d = of(await check([vpc, subnet, c, m]), "msk-network-path");
            // Issue 25: the cluster uses the VPC's default group and the subnet's main route table, both outside the stack.
            assert.deepStrictEqual(
                d.map((x) => x.enforcementLevel),
                ["advisory", "advisory"],
            );
            assert.match(d[1].message, /has no path to lambda, sts, secretsmanager from the subnets of MSK cluster 'c'/);
            // Interface endpoints with private DNS whose groups admit 443 are a path (every other form: tests/pack-network-path.test.ts).
            const sg = res(
                "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
                "default",
                {
                    vpcId: UNKNOWN,
                    ingress: [{ protocol: "-1", fromPort: 0, toPort: 0, self: true }],
                    egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }],
                },
                { vpcId: [vpc] },
            );
            const eps = ["lambda", "sts", "secretsmanager"].map((svc) =>
                res(
                    "aws:ec2/vpcEndpoint:VpcEndpoint",
                    svc,
                    { vpcId: UNKNOWN, serviceName: `com.amazonaws.us-east-1.${svc}`, vpcEndpointType: "Interface", privateDnsEnabled: true },
                    { vpcId: [vpc] },
                ),
            );
            assert.deepStrictEqual(of(await check([vpc, subnet, sg, c, m, ...eps]), "msk-network-path"), []);
            assert.deepStrictEqual(of(await check([vpc, subnet, sg, c, m, ...eps]), "kafka-network-path"), []);
        });
    });
});
