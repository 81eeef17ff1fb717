/**
 * Verdicts of policies/rules/iam.ts that `npm run mutate:pack -- --mutate policies/rules/iam.ts` found no test
 * deciding (issue 21; bench/mutation/rules-iam.md lists each survivor and why the others are equivalent). Each stack
 * differs from its valid twin in one value; the assertion is the verdict of the file's three policies (policy,
 * enforcement level, the resource named), never the message text.
 */
import * as assert from "assert";
import { ACCOUNT, check, CLUSTER_ARN, res, UNKNOWN, type Res } from "./helpers/pack";
import { LAMBDA_ENI_ACTIONS } from "./helpers/aws-docs";

const ESM = "aws:lambda/eventSourceMapping:EventSourceMapping";
const POLICY = "aws:iam/policy:Policy";
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/consumer-role`;
const FN_ARN = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:consumer`;
const UUID = "fc2f5bdf-fd1b-45ad-85dd-15b4a5a6247e-2";
const KAFKA = `arn:aws:kafka:us-east-1:${ACCOUNT}`;
const TOPIC_ARN = `${KAFKA}:topic/shared/${UUID}/orders`;
const GROUP_ARN = `${KAFKA}:group/shared/${UUID}/orders-consumer`;
const SECRET_ARN = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:AmazonMSK_orders-AbCdEf`;
const VPC_CONNECTION_ARN = `${KAFKA}:vpc-connection/444455556666/orders/0b0b0b0b-0000-4000-8000-000000000000-3`;
const doc = (Statement: object[]) => JSON.stringify({ Version: "2012-10-17", Statement });
const allow = (Action: string | string[], Resource: string | string[]) => ({ Effect: "Allow", Action, Resource });

const ENI = allow([...LAMBDA_ENI_ACTIONS], "*");
const DESCRIBE = allow(["kafka:DescribeClusterV2", "kafka:GetBootstrapBrokers"], CLUSTER_ARN);
const KAFKA_CLUSTER = [
    allow(["kafka-cluster:Connect", "kafka-cluster:DescribeClusterDynamicConfiguration"], CLUSTER_ARN),
    allow(["kafka-cluster:DescribeTopic", "kafka-cluster:ReadData"], TOPIC_ARN),
];
const GROUP = allow(["kafka-cluster:DescribeGroup", "kafka-cluster:AlterGroup"], GROUP_ARN);
/** What the Lambda/MSK docs list for an MSK consumer with IAM authentication, on exactly its ARNs. */
const GRANTS: object[] = [ENI, DESCRIBE, ...KAFKA_CLUSTER, GROUP];

interface ConsumerOpts {
    statements?: object[];
    role?: Record<string, unknown>;
    mapping?: Record<string, unknown>;
    mappingDeps?: Record<string, Res[]>;
    fn?: Record<string, unknown>;
}

/** Another program's MSK consumer (IAM authentication): mapping → function → role → inline RolePolicy. */
function consumer(opts: ConsumerOpts = {}) {
    const role = res("aws:iam/role:Role", "role", {
        name: "consumer-role",
        arn: ROLE_ARN,
        assumeRolePolicy: doc([{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }]),
        ...(opts.role ?? {}),
    });
    const policy = res("aws:iam/rolePolicy:RolePolicy", "role-policy", { role: "consumer-role", policy: doc(opts.statements ?? GRANTS) }, { role: [role] });
    const fn = res("aws:lambda/function:Function", "fn", { name: "consumer", arn: FN_ARN, role: ROLE_ARN, timeout: 60, ...(opts.fn ?? {}) }, { role: [role] });
    const m = mapping("mapping", fn, opts.mapping, opts.mappingDeps);
    return { role, policy, fn, m, all: [role, policy, fn, m] };
}

function mapping(name: string, fn: Res, props: Record<string, unknown> = {}, deps: Record<string, Res[]> = {}): Res {
    return res(
        ESM,
        name,
        {
            eventSourceArn: CLUSTER_ARN,
            topics: ["orders"],
            functionName: "consumer",
            startingPosition: "LATEST",
            amazonManagedKafkaEventSourceConfig: { consumerGroupId: "orders-consumer" },
            ...props,
        },
        { functionName: [fn], ...deps },
    );
}

const IAM_RULES = new Set(["iam-least-privilege", "msk-mapping-role-permissions", "msk-consumer-role-least-privilege"]);

/** The verdicts of this file's policies: "policy level resource-name" (a preview note names no resource: "note"), each once. */
async function verdicts(stack: Res[]): Promise<string[]> {
    const d = (await check(stack)).filter((x) => IAM_RULES.has(x.policy));
    const name = (urn: string) => urn.split("::").pop() || "-";
    return [...new Set(d.map((x) => `${x.policy} ${x.enforcementLevel} ${/during preview/.test(x.message) ? "note" : name(x.urn)}`))].sort();
}

const LACKS = "msk-mapping-role-permissions mandatory role";
const BROAD = "msk-consumer-role-least-privilege mandatory role";

describe("rules/iam.ts: verdicts mutation testing found undecided (issue 21)", function () {
    this.timeout(60000);

    it("the valid consumer draws no verdict of the IAM rules (every stack below differs from it in one value)", async () => {
        assert.deepStrictEqual(await verdicts(consumer().all), []);
    });

    describe("iam-least-privilege", () => {
        const policy = (statements: object[]) => res(POLICY, "p", { policy: doc(statements) });
        it("kafka-cluster:* on one cluster: a violation on the policy; with a Deny of kafka-cluster:* everywhere: none", async () => {
            const grant = allow("kafka-cluster:*", CLUSTER_ARN);
            assert.deepStrictEqual(await verdicts([policy([grant])]), ["iam-least-privilege mandatory p"]);
            assert.deepStrictEqual(await verdicts([policy([grant, { Effect: "Deny", Action: "kafka-cluster:*", Resource: "*" }])]), []);
        });
        it("every action but kafka-cluster and secretsmanager (Deny of those): a violation on the policy", async () => {
            const deny = (Action: string) => ({ Effect: "Deny", Action, Resource: "*" });
            assert.deepStrictEqual(await verdicts([policy([allow("*", "*"), deny("kafka-cluster:*"), deny("secretsmanager:*")])]), [
                "iam-least-privilege mandatory p",
            ]);
        });
        it("kafka-cluster:* on one cluster with a Deny of kafka-cluster:* on other clusters only: a violation on the policy", async () => {
            const deny = { Effect: "Deny", Action: "kafka-cluster:*", Resource: "arn:aws:kafka:*:*:cluster/other/*" };
            assert.deepStrictEqual(await verdicts([policy([allow("kafka-cluster:*", CLUSTER_ARN), deny])]), ["iam-least-privilege mandatory p"]);
        });
        it("kafka-cluster:* on one cluster beside ec2:Describe* on every resource: a violation on the policy", async () => {
            assert.deepStrictEqual(await verdicts([policy([allow("kafka-cluster:*", CLUSTER_ARN), allow("ec2:Describe*", "*")])]), [
                "iam-least-privilege mandatory p",
            ]);
        });
        it("an action pattern that covers a future kafka-cluster action but not Connect (7 letters) is not every kafka-cluster action", async () => {
            // `????????*` needs at least 8 letters: kafka-cluster:Connect is not covered, so the catalogue is not.
            assert.deepStrictEqual(await verdicts([policy([allow("kafka-cluster:????????*", CLUSTER_ARN)])]), []);
        });
        it("a role's inline policies not known yet: a preview note, no violation", async () => {
            const role = res("aws:iam/role:Role", "r", { name: "r", inlinePolicies: UNKNOWN });
            assert.deepStrictEqual(await verdicts([role]), ["iam-least-privilege advisory note"]);
        });
        it("a role's inline policy allowing every action: a violation on the role", async () => {
            const role = res("aws:iam/role:Role", "r", { name: "r", inlinePolicies: [{ name: "all", policy: doc([allow("*", "*")]) }] });
            assert.deepStrictEqual(await verdicts([role]), ["iam-least-privilege mandatory r"]);
        });

        describe("a managed policy used only as a permissions boundary is not judged; attached to a role in any way, it is", () => {
            const P_ARN = `arn:aws:iam::${ACCOUNT}:policy/boundary`;
            const boundary = () => res(POLICY, "boundary", { arn: P_ARN, policy: doc([allow("*", "*")]) });
            const role = (props: Record<string, unknown> = {}) =>
                res("aws:iam/role:Role", "r", { name: "r", arn: `arn:aws:iam::${ACCOUNT}:role/r`, permissionsBoundary: P_ARN, ...props });
            it("boundary only (named by ARN): no verdict", async () => {
                assert.deepStrictEqual(await verdicts([boundary(), role()]), []);
            });
            it("boundary only, named through a property dependency on the policy (a first preview): no verdict", async () => {
                const b = boundary();
                const r = res("aws:iam/role:Role", "r", { name: "r", permissionsBoundary: UNKNOWN }, { permissionsBoundary: [b] });
                assert.deepStrictEqual(await verdicts([b, r]), []);
            });
            const attachments: [string, (b: Res) => Res[]][] = [
                ["in the role's managedPolicyArns", () => [role({ managedPolicyArns: [P_ARN] })]],
                ["by a RolePolicyAttachment", () => [role(), res("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "att", { role: "r", policyArn: P_ARN })]],
                ["by a PolicyAttachment", () => [role(), res("aws:iam/policyAttachment:PolicyAttachment", "att", { roles: ["r"], policyArn: P_ARN })]],
            ];
            // A first preview: the policy's ARN is not known yet, each reference is a property dependency.
            const later = () => res(POLICY, "boundary", { arn: UNKNOWN, policy: doc([allow("*", "*")]) });
            const dependent: [string, (b: Res) => Res[]][] = [
                [
                    "in the role's managedPolicyArns",
                    (b) => [
                        res(
                            "aws:iam/role:Role",
                            "r",
                            { name: "r", permissionsBoundary: UNKNOWN, managedPolicyArns: [UNKNOWN] },
                            { permissionsBoundary: [b], managedPolicyArns: [b] },
                        ),
                    ],
                ],
                [
                    "by a RolePolicyAttachment",
                    (b) => [
                        res("aws:iam/role:Role", "r", { name: "r", permissionsBoundary: UNKNOWN }, { permissionsBoundary: [b] }),
                        res("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "att", { role: "r", policyArn: UNKNOWN }, { policyArn: [b] }),
                    ],
                ],
            ];
            for (const [how, more] of dependent)
                it(`a first preview, also attached ${how} (property dependencies): a violation on the policy`, async () => {
                    const b = later();
                    assert.deepStrictEqual(await verdicts([b, ...more(b)]), ["iam-least-privilege mandatory boundary"]);
                });
            for (const [how, more] of attachments)
                it(`also attached ${how}: a violation on the policy`, async () => {
                    const b = boundary();
                    assert.deepStrictEqual(await verdicts([b, ...more(b)]), ["iam-least-privilege mandatory boundary"]);
                });
        });
    });

    describe("msk-mapping-role-permissions: what the mapping needs", () => {
        const unknowns: [string, Record<string, unknown>][] = [
            ["a topic", { topics: [UNKNOWN] }],
            ["the consumer group id", { amazonManagedKafkaEventSourceConfig: { consumerGroupId: UNKNOWN } }],
            ["the access configurations", { sourceAccessConfigurations: UNKNOWN }],
            ["an access configuration's type", { sourceAccessConfigurations: [{ type: UNKNOWN, uri: SECRET_ARN }] }],
            ["the SCRAM secret's ARN", { sourceAccessConfigurations: [{ type: "SASL_SCRAM_512_AUTH", uri: UNKNOWN }] }],
        ];
        for (const [what, props] of unknowns)
            it(`${what} not known yet (first preview): preview notes, no violation`, async () => {
                const v = await verdicts(consumer({ mapping: props }).all);
                assert.ok(v.includes("msk-mapping-role-permissions advisory note"), v.join("\n"));
                assert.deepStrictEqual(
                    v.filter((x) => x.includes(" mandatory ")),
                    [],
                );
            });

        it("a mapping not known yet beside a known one (same role): the preview note stays", async () => {
            const c = consumer({ mapping: { topics: [UNKNOWN] } });
            const known = mapping("mapping-2", c.fn);
            assert.deepStrictEqual(await verdicts([...c.all, known]), [
                "msk-consumer-role-least-privilege advisory note",
                "msk-mapping-role-permissions advisory note",
            ]);
        });

        it("a mapping without a topic is not judged here (msk-mapping-limits reports it)", async () => {
            assert.deepStrictEqual(await verdicts(consumer({ mapping: { topics: [] } }).all), []);
        });

        it("without a consumerGroupId, the mapping's uuid names the group Lambda generated: a grant on that group suffices", async () => {
            const uuid = "0c0c0c0c-0000-4000-8000-00000000000c";
            const statements = [
                ENI,
                DESCRIBE,
                ...KAFKA_CLUSTER,
                allow(["kafka-cluster:DescribeGroup", "kafka-cluster:AlterGroup"], `${KAFKA}:group/shared/${UUID}/${uuid}`),
            ];
            assert.deepStrictEqual(await verdicts(consumer({ statements, mapping: { amazonManagedKafkaEventSourceConfig: undefined, uuid } }).all), []);
            // Its twin: the same grant with the consumer group named otherwise lacks the group.
            assert.deepStrictEqual(await verdicts(consumer({ statements }).all), [LACKS]);
        });

        it("the eventSourceArn not known yet, the cluster it depends on names it: judged on that cluster", async () => {
            const cluster = res("aws:msk/cluster:Cluster", "cluster", {
                arn: CLUSTER_ARN,
                clusterName: "shared",
                clientAuthentication: { sasl: { iam: true } },
            });
            const c = consumer({ statements: [ENI, DESCRIBE, GROUP], mapping: { eventSourceArn: UNKNOWN }, mappingDeps: { eventSourceArn: [cluster] } });
            assert.deepStrictEqual(await verdicts([...c.all, cluster]), [LACKS]);
        });

        it("a known eventSourceArn is the cluster judged, not another cluster the mapping depends on", async () => {
            const other = res("aws:msk/cluster:Cluster", "other", {
                arn: `${KAFKA}:cluster/other/${UUID}`,
                clusterName: "other",
                clientAuthentication: { sasl: { iam: true } },
            });
            const c = consumer({ mappingDeps: { eventSourceArn: [other] } });
            assert.deepStrictEqual(await verdicts([...c.all, other]), []);
        });

        describe("IAM authentication is read from the cluster in the stack", () => {
            const cluster = (clientAuthentication: unknown) =>
                res("aws:msk/cluster:Cluster", "cluster", { arn: CLUSTER_ARN, clusterName: "shared", clientAuthentication });
            const noKafkaCluster = [ENI, DESCRIBE];
            it("sasl.iam false: no kafka-cluster action is needed", async () => {
                const c = consumer({ statements: noKafkaCluster });
                assert.deepStrictEqual(await verdicts([...c.all, cluster({ sasl: { iam: false, scram: true } })]), []);
            });
            for (const iam of [true, "true"])
                it(`sasl.iam ${JSON.stringify(iam)}: the kafka-cluster actions are needed`, async () => {
                    const c = consumer({ statements: noKafkaCluster });
                    assert.deepStrictEqual(await verdicts([...c.all, cluster({ sasl: { iam } })]), [LACKS]);
                });
            it("sasl.iam not known yet: a preview note", async () => {
                const c = consumer({ statements: noKafkaCluster });
                assert.deepStrictEqual(await verdicts([...c.all, cluster({ sasl: { iam: UNKNOWN } })]), [
                    "msk-consumer-role-least-privilege advisory note",
                    "msk-mapping-role-permissions advisory note",
                ]);
            });
            it("clientAuthentication not known yet: a preview note", async () => {
                const c = consumer({ statements: noKafkaCluster });
                assert.deepStrictEqual(await verdicts([...c.all, cluster(UNKNOWN)]), [
                    "msk-consumer-role-least-privilege advisory note",
                    "msk-mapping-role-permissions advisory note",
                ]);
            });
        });

        describe("MSK Serverless", () => {
            const serverless = () => res("aws:msk/serverlessCluster:ServerlessCluster", "cluster", { arn: CLUSTER_ARN, clusterName: "shared" });
            it("kafka:DescribeCluster does not serve a serverless cluster (kafka:DescribeClusterV2 does)", async () => {
                const statements = [ENI, allow(["kafka:DescribeCluster", "kafka:GetBootstrapBrokers"], CLUSTER_ARN), ...KAFKA_CLUSTER, GROUP];
                const c = consumer({ statements });
                assert.deepStrictEqual(await verdicts([...c.all, serverless()]), [LACKS]);
                assert.deepStrictEqual(await verdicts(c.all), [], "a provisioned cluster accepts kafka:DescribeCluster");
            });
        });

        it("MSK Serverless is always IAM authentication: the kafka-cluster actions are needed", async () => {
            const serverless = res("aws:msk/serverlessCluster:ServerlessCluster", "cluster", { arn: CLUSTER_ARN, clusterName: "shared" });
            assert.deepStrictEqual(await verdicts([...consumer({ statements: [ENI, DESCRIBE] }).all, serverless]), [LACKS]);
        });

        it("an Allow of kafka-cluster:ReadData on a condition the pack cannot evaluate: advisory on the role, not mandatory", async () => {
            const conditional = { ...KAFKA_CLUSTER[1], Condition: { StringEquals: { "aws:RequestTag/team": "orders" } } };
            const statements = [ENI, DESCRIBE, KAFKA_CLUSTER[0], conditional, GROUP];
            assert.deepStrictEqual(await verdicts(consumer({ statements }).all), ["msk-mapping-role-permissions advisory role"]);
        });

        it("another role policy not known yet, with every need granted: the consumer rules' notes, none from this rule", async () => {
            const c = consumer();
            const later = res("aws:iam/rolePolicy:RolePolicy", "later", { role: "consumer-role", policy: UNKNOWN }, { role: [c.role] });
            assert.deepStrictEqual(await verdicts([...c.all, later]), ["iam-least-privilege advisory note", "msk-consumer-role-least-privilege advisory note"]);
        });

        describe("the SCRAM secret and its key", () => {
            const SECRET_GRANT = allow("secretsmanager:GetSecretValue", SECRET_ARN);
            const scram = (kmsKeyId: unknown, statements: object[]) => {
                const secret = res("aws:secretsmanager/secret:Secret", "secret", { name: "AmazonMSK_orders", arn: SECRET_ARN, kmsKeyId });
                const c = consumer({ statements, mapping: { sourceAccessConfigurations: [{ type: "SASL_SCRAM_512_AUTH", uri: SECRET_ARN }] } });
                return [...c.all, secret];
            };
            it("an AWS-managed key (alias/aws/secretsmanager) needs no kms:Decrypt grant", async () => {
                assert.deepStrictEqual(await verdicts(scram("alias/aws/secretsmanager", [ENI, DESCRIBE, SECRET_GRANT])), []);
            });
            const KEY = `arn:aws:kms:us-east-1:${ACCOUNT}:key/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee`;
            it("a customer-managed key outside the stack needs kms:Decrypt on it", async () => {
                assert.deepStrictEqual(await verdicts(scram(KEY, [ENI, DESCRIBE, SECRET_GRANT])), [LACKS]);
                assert.deepStrictEqual(await verdicts(scram(KEY, [ENI, DESCRIBE, SECRET_GRANT, allow("kms:Decrypt", KEY)])), []);
            });
            it("the secret's ARN not known yet in the access configuration, the secret it depends on names it", async () => {
                const secret = res("aws:secretsmanager/secret:Secret", "secret", { name: "AmazonMSK_orders", arn: SECRET_ARN });
                const access = { sourceAccessConfigurations: [{ type: "SASL_SCRAM_512_AUTH", uri: UNKNOWN }] };
                const without = consumer({ statements: [ENI, DESCRIBE], mapping: access, mappingDeps: { sourceAccessConfigurations: [secret] } });
                assert.deepStrictEqual(await verdicts([...without.all, secret]), [LACKS]);
                const granted = consumer({ statements: [ENI, DESCRIBE, SECRET_GRANT], mapping: access, mappingDeps: { sourceAccessConfigurations: [secret] } });
                assert.deepStrictEqual(await verdicts([...granted.all, secret]), []);
            });
            it("a customer alias outside the stack names no key the pack can see: no kms:Decrypt asked", async () => {
                assert.deepStrictEqual(await verdicts(scram("alias/other-team", [ENI, DESCRIBE, SECRET_GRANT])), []);
            });
            const keyIn = (policy: unknown) =>
                res("aws:kms/key:Key", "key", { arn: KEY, keyId: "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee", enableKeyRotation: true, policy });
            const delegating = doc([{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "kms:*", Resource: "*" }]);
            it("a key in the stack: kms:Decrypt on it is needed, and a Deny of it in its key policy refuses it", async () => {
                assert.deepStrictEqual(await verdicts([...scram(KEY, [ENI, DESCRIBE, SECRET_GRANT]), keyIn(delegating)]), [LACKS]);
                assert.deepStrictEqual(await verdicts([...scram(KEY, [ENI, DESCRIBE, SECRET_GRANT, allow("kms:Decrypt", KEY)]), keyIn(delegating)]), []);
                const denying = doc([
                    { Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "kms:*", Resource: "*" },
                    { Effect: "Deny", Principal: { AWS: ROLE_ARN }, Action: "kms:Decrypt", Resource: "*" },
                ]);
                assert.deepStrictEqual(await verdicts([...scram(KEY, [ENI, DESCRIBE, SECRET_GRANT, allow("kms:Decrypt", KEY)]), keyIn(denying)]), [LACKS]);
            });
            it("the secret's key ARN not known yet, the key it depends on names it: kms:Decrypt on it is needed", async () => {
                const key = keyIn(delegating);
                const secret = res(
                    "aws:secretsmanager/secret:Secret",
                    "secret",
                    { name: "AmazonMSK_orders", arn: SECRET_ARN, kmsKeyId: UNKNOWN },
                    { kmsKeyId: [key] },
                );
                const c = consumer({
                    statements: [ENI, DESCRIBE, SECRET_GRANT],
                    mapping: { sourceAccessConfigurations: [{ type: "SASL_SCRAM_512_AUTH", uri: SECRET_ARN }] },
                });
                assert.deepStrictEqual(await verdicts([...c.all, secret, key]), [LACKS]);
            });
            it("a key in the stack whose key policy is not known yet: a preview note", async () => {
                assert.deepStrictEqual(await verdicts([...scram(KEY, [ENI, DESCRIBE, SECRET_GRANT, allow("kms:Decrypt", KEY)]), keyIn(UNKNOWN)]), [
                    "msk-mapping-role-permissions advisory note",
                ]);
            });
            it("a secret policy not known yet: a preview note", async () => {
                const stack = scram(undefined, [ENI, DESCRIBE, SECRET_GRANT]);
                (stack[stack.length - 1].props as Record<string, unknown>).policy = UNKNOWN;
                assert.deepStrictEqual(await verdicts(stack), ["msk-mapping-role-permissions advisory note"]);
            });
            it("a key not known yet: a preview note", async () => {
                assert.deepStrictEqual(await verdicts(scram(UNKNOWN, [ENI, DESCRIBE, SECRET_GRANT])), ["msk-mapping-role-permissions advisory note"]);
            });
        });

        const malformed: [string, string][] = [
            ["a seventh ARN field", `${CLUSTER_ARN}:x`],
            ["a fourth resource part", `${CLUSTER_ARN}/extra`],
            ["no cluster name", `${KAFKA}:cluster//${UUID}`],
            ["no cluster uuid", `${KAFKA}:cluster/shared/`],
        ];
        for (const [what, arn] of malformed)
            it(`an eventSourceArn with ${what} names no cluster whose topic and group ARNs the pack could build: not judged`, async () => {
                assert.deepStrictEqual(await verdicts(consumer({ mapping: { eventSourceArn: arn } }).all), []);
            });

        for (const arn of [`x${CLUSTER_ARN}`, CLUSTER_ARN.replace(":kafka:", ":kafkax:"), CLUSTER_ARN.replace(":cluster/", ":topic/")])
            it(`an eventSourceArn ${arn.slice(0, 20)}... that depends on an MSK cluster but is no kafka cluster ARN: not judged`, async () => {
                const cluster = res("aws:msk/cluster:Cluster", "cluster", { arn: CLUSTER_ARN, clusterName: "shared" });
                const c = consumer({ mapping: { eventSourceArn: arn }, mappingDeps: { eventSourceArn: [cluster] } });
                assert.deepStrictEqual(await verdicts([...c.all, cluster]), []);
            });

        it("topics given as one string (not a list) names that topic", async () => {
            assert.deepStrictEqual(await verdicts(consumer({ mapping: { topics: "orders" } }).all), []);
        });

        it("a mapping whose function is outside the stack is not judged, even in a first preview", async () => {
            const cluster = res("aws:msk/cluster:Cluster", "cluster", { arn: UNKNOWN, clusterName: "shared" });
            const m = res(ESM, "mapping", { eventSourceArn: UNKNOWN, topics: ["orders"], functionName: "elsewhere" }, { eventSourceArn: [cluster] });
            assert.deepStrictEqual(await verdicts([cluster, m]), []);
        });

        it("without a consumerGroupId or uuid (Lambda generates the group): a grant on that one group does not serve it", async () => {
            assert.deepStrictEqual(await verdicts(consumer({ mapping: { amazonManagedKafkaEventSourceConfig: undefined } }).all), [LACKS]);
        });

        it("a permissions boundary in the stack without kafka-cluster actions refuses them: a violation on the role", async () => {
            const boundary = res(POLICY, "boundary", { arn: `arn:aws:iam::${ACCOUNT}:policy/boundary`, policy: doc([allow(["ec2:*", "kafka:*"], "*")]) });
            const c = consumer({ role: { permissionsBoundary: boundary.props.arn } });
            assert.deepStrictEqual(await verdicts([...c.all, boundary]), [LACKS]);
        });
        it("a permissions boundary not known yet: a preview note", async () => {
            assert.deepStrictEqual(await verdicts(consumer({ role: { permissionsBoundary: UNKNOWN } }).all), ["msk-mapping-role-permissions advisory note"]);
        });
        it("a permissions boundary outside the stack grants nothing: what the role's policies lack is still refused", async () => {
            const c = consumer({ statements: [ENI, DESCRIBE], role: { permissionsBoundary: `arn:aws:iam::${ACCOUNT}:policy/central-boundary` } });
            assert.deepStrictEqual(await verdicts(c.all), [LACKS]);
        });
        it("a permissions boundary outside the stack, the role's policies granting what it needs: passes (the boundary is not read)", async () => {
            const c = consumer({ role: { permissionsBoundary: `arn:aws:iam::${ACCOUNT}:policy/central-boundary` } });
            assert.deepStrictEqual(await verdicts(c.all), []);
        });

        it("one role serving two mappings of one topic in different consumer groups: each group is its own need", async () => {
            const c = consumer();
            const other = mapping("mapping-2", c.fn, { amazonManagedKafkaEventSourceConfig: { consumerGroupId: "audit" } });
            assert.deepStrictEqual(await verdicts([...c.all, other]), [LACKS]);
        });
        describe("kafka:DescribeCluster or kafka:DescribeClusterV2: either serves a provisioned cluster", () => {
            const GET = allow("kafka:GetBootstrapBrokers", CLUSTER_ARN);
            const deny = (Action: string[]) => ({ Effect: "Deny", Action, Resource: "*" });
            const external = { managedPolicyArns: [`arn:aws:iam::${ACCOUNT}:policy/central-team`] };
            it("DescribeCluster denied, DescribeClusterV2 only missing, a policy from outside the stack attached (it may grant V2): no violation", async () => {
                const c = consumer({ statements: [ENI, GET, ...KAFKA_CLUSTER, GROUP, deny(["kafka:DescribeCluster"])], role: external });
                assert.deepStrictEqual(await verdicts(c.all), []);
            });
            it("both denied: a violation on the role, whatever policies outside the stack grant", async () => {
                const c = consumer({
                    statements: [ENI, GET, ...KAFKA_CLUSTER, GROUP, deny(["kafka:DescribeCluster", "kafka:DescribeClusterV2"])],
                    role: external,
                });
                assert.deepStrictEqual(await verdicts(c.all), [LACKS]);
            });
            it("DescribeClusterV2 allowed only on a condition the pack cannot evaluate, DescribeCluster not at all: advisory on the role", async () => {
                const v2 = { ...allow("kafka:DescribeClusterV2", CLUSTER_ARN), Condition: { StringEquals: { "aws:RequestTag/team": "orders" } } };
                const c = consumer({ statements: [ENI, GET, v2, ...KAFKA_CLUSTER, GROUP] });
                assert.deepStrictEqual(await verdicts(c.all), ["msk-mapping-role-permissions advisory role"]);
            });
        });

        it("one role, two SCRAM mappings of one topic and group with different secrets: each secret is its own need", async () => {
            const scram = (arn: string) => ({ sourceAccessConfigurations: [{ type: "SASL_SCRAM_512_AUTH", uri: arn }] });
            const other = SECRET_ARN.replace("orders", "audit");
            const c = consumer({ statements: [ENI, DESCRIBE, allow("secretsmanager:GetSecretValue", SECRET_ARN)], mapping: scram(SECRET_ARN) });
            assert.deepStrictEqual(await verdicts(c.all), []);
            assert.deepStrictEqual(await verdicts([...c.all, mapping("mapping-2", c.fn, scram(other))]), [LACKS]);
        });

        it("one role, two mappings whose topic and group run together the same (orders + orders-consumer, ordersorders- + consumer): each is judged", async () => {
            const c = consumer();
            const other = mapping("mapping-2", c.fn, { topics: ["ordersorders-"], amazonManagedKafkaEventSourceConfig: { consumerGroupId: "consumer" } });
            assert.deepStrictEqual(await verdicts([...c.all, other]), [LACKS]);
        });

        it("one role serving two mappings on different topics: each mapping's needs are its own", async () => {
            const c = consumer();
            const other = mapping("mapping-2", c.fn, { topics: ["payments"] });
            assert.deepStrictEqual(await verdicts([...c.all, other]), [LACKS]);
        });

        it("CreateNetworkInterface needs the subnet, the security group and the interface: scoped grants serve; without the subnet, not", async () => {
            const scoped = (types: string[]) => [
                allow(
                    "ec2:CreateNetworkInterface",
                    types.map((t) => `arn:aws:ec2:us-east-1:${ACCOUNT}:${t}`),
                ),
                allow("ec2:DeleteNetworkInterface", `arn:aws:ec2:us-east-1:${ACCOUNT}:network-interface/eni-*`),
                allow(
                    LAMBDA_ENI_ACTIONS.filter((a) => a.startsWith("ec2:Describe")),
                    "*",
                ),
                DESCRIBE,
                ...KAFKA_CLUSTER,
                GROUP,
            ];
            const all = ["network-interface/eni-*", "subnet/subnet-*", "security-group/sg-*"];
            assert.deepStrictEqual(await verdicts(consumer({ statements: scoped(all) }).all), []);
            for (const left of all) assert.deepStrictEqual(await verdicts(consumer({ statements: scoped(all.filter((t) => t !== left)) }).all), [LACKS], left);
            const noDescribeVpcs = [
                allow(
                    LAMBDA_ENI_ACTIONS.filter((a) => a !== "ec2:DescribeVpcs"),
                    "*",
                ),
                DESCRIBE,
                ...KAFKA_CLUSTER,
                GROUP,
            ];
            assert.deepStrictEqual(await verdicts(consumer({ statements: noDescribeVpcs }).all), [LACKS], "ec2:DescribeVpcs (on *)");
        });
    });

    describe("msk-mapping-role-permissions: a self-managed Kafka mapping", () => {
        const SUBNET = { type: "VPC_SUBNET", uri: "subnet:subnet-0a23456789abcdef0" };
        const GROUP_SG = { type: "VPC_SECURITY_GROUP", uri: "security_group:sg-0a23456789abcdef0" };
        const CA_ARN = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:broker-ca-AbCdEf`;
        const selfManaged = (access: unknown, statements: object[], fn: Record<string, unknown> = {}) => {
            const c = consumer({
                statements,
                fn,
                mapping: {
                    eventSourceArn: undefined,
                    amazonManagedKafkaEventSourceConfig: undefined,
                    selfManagedEventSource: { endpoints: { KAFKA_BOOTSTRAP_SERVERS: "b-1.kafka.example.com:9092" } },
                    selfManagedKafkaEventSourceConfig: { consumerGroupId: "orders-consumer" },
                    sourceAccessConfigurations: access,
                },
            });
            return c.all;
        };
        it("in a VPC with the ec2 grants: no verdict; without them: a violation on the role", async () => {
            assert.deepStrictEqual(await verdicts(selfManaged([SUBNET, GROUP_SG], [ENI])), []);
            assert.deepStrictEqual(await verdicts(selfManaged([SUBNET, GROUP_SG], [])), [LACKS]);
        });
        for (const one of [SUBNET, GROUP_SG])
            it(`${one.type} alone is in a VPC: without the ec2 grants, a violation on the role`, async () => {
                assert.deepStrictEqual(await verdicts(selfManaged([one], [])), [LACKS]);
            });
        it("the function's ARN not known yet (its account and region): a preview note", async () => {
            assert.deepStrictEqual(await verdicts(selfManaged([SUBNET, GROUP_SG], [ENI], { arn: UNKNOWN })), ["msk-mapping-role-permissions advisory note"]);
        });
        it("the access configurations not known yet: a preview note", async () => {
            assert.deepStrictEqual(await verdicts(selfManaged(UNKNOWN, [ENI])), ["msk-mapping-role-permissions advisory note"]);
        });
        it("the SCRAM secret's ARN not known yet: a preview note", async () => {
            assert.deepStrictEqual(await verdicts(selfManaged([SUBNET, GROUP_SG, { type: "SASL_SCRAM_512_AUTH", uri: UNKNOWN }], [ENI])), [
                "msk-mapping-role-permissions advisory note",
            ]);
        });
        it("a mapping not known yet beside a known one (same function): the preview note stays", async () => {
            const stack = selfManaged(UNKNOWN, [ENI]);
            const first = stack[stack.length - 1];
            const second = res(ESM, "mapping-2", { ...first.props, sourceAccessConfigurations: [SUBNET, GROUP_SG] }, { functionName: [stack[2]] });
            assert.deepStrictEqual(await verdicts([...stack, second]), ["msk-mapping-role-permissions advisory note"]);
        });
        it("a role with a policy from outside the stack, lacking the ec2 grants here: not judged, and no note", async () => {
            const stack = selfManaged([SUBNET, GROUP_SG], []);
            stack[0].props.managedPolicyArns = [`arn:aws:iam::${ACCOUNT}:policy/network-team`];
            assert.deepStrictEqual(await verdicts(stack), []);
        });
        it("an access configuration's type not known yet: a preview note", async () => {
            assert.deepStrictEqual(await verdicts(selfManaged([SUBNET, { type: UNKNOWN, uri: "x" }], [ENI])), ["msk-mapping-role-permissions advisory note"]);
        });
        const badArns: [string, string][] = [
            ["six fields", `arn:aws:lambda:us-east-1:${ACCOUNT}:function`],
            ["no arn prefix", `xarn:aws:lambda:us-east-1:${ACCOUNT}:function:consumer`],
            ["another service", `arn:aws:s3:us-east-1:${ACCOUNT}:function:consumer`],
            ["no region", `arn:aws:lambda::${ACCOUNT}:function:consumer`],
            ["no account", "arn:aws:lambda:us-east-1::function:consumer"],
        ];
        for (const [what, arn] of badArns)
            it(`a function ARN with ${what} gives no account and region for the ec2 requests: a note, not a pass`, async () => {
                assert.deepStrictEqual(await verdicts(selfManaged([SUBNET, GROUP_SG], [ENI], { arn })), ["msk-mapping-role-permissions advisory note"]);
            });
        it("ec2:CreateNetworkInterface scoped to the function's region and account serves it", async () => {
            const scoped = [
                allow(
                    LAMBDA_ENI_ACTIONS.filter((a) => a !== "ec2:CreateNetworkInterface"),
                    "*",
                ),
                allow("ec2:CreateNetworkInterface", `arn:aws:ec2:us-east-1:${ACCOUNT}:*`),
            ];
            assert.deepStrictEqual(await verdicts(selfManaged([SUBNET, GROUP_SG], scoped)), []);
            assert.deepStrictEqual(await verdicts(selfManaged([SUBNET, GROUP_SG], scoped, { arn: `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:consumer` })), [
                LACKS,
            ]);
        });
        it("a self-managed mapping whose function is outside the stack is not judged, even in a first preview", async () => {
            const m = res(ESM, "mapping", {
                selfManagedEventSource: { endpoints: { KAFKA_BOOTSTRAP_SERVERS: "b-1.kafka.example.com:9092" } },
                topics: ["orders"],
                functionName: "elsewhere",
                sourceAccessConfigurations: UNKNOWN,
            });
            assert.deepStrictEqual(await verdicts([m]), []);
        });
        it("a server root CA secret is read by Lambda for a self-managed mapping: secretsmanager:GetSecretValue on it is needed", async () => {
            const ca = { type: "SERVER_ROOT_CA_CERTIFICATE", uri: CA_ARN };
            assert.deepStrictEqual(await verdicts(selfManaged([SUBNET, GROUP_SG, ca], [ENI])), [LACKS]);
            assert.deepStrictEqual(await verdicts(selfManaged([SUBNET, GROUP_SG, ca], [ENI, allow("secretsmanager:GetSecretValue", CA_ARN)])), []);
        });
        it("an Allow of ec2:CreateNetworkInterface on a condition the pack cannot evaluate: advisory on the role", async () => {
            const statements = [
                allow(
                    LAMBDA_ENI_ACTIONS.filter((a) => a !== "ec2:CreateNetworkInterface"),
                    "*",
                ),
                { ...allow("ec2:CreateNetworkInterface", "*"), Condition: { StringEquals: { "aws:RequestTag/team": "orders" } } },
            ];
            assert.deepStrictEqual(await verdicts(selfManaged([SUBNET, GROUP_SG], statements)), ["msk-mapping-role-permissions advisory role"]);
        });
    });

    it("an MSK mapping's server root CA is not asked of its role (msk-no-custom-server-ca refuses it)", async () => {
        const ca = { type: "SERVER_ROOT_CA_CERTIFICATE", uri: `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:broker-ca-AbCdEf` };
        assert.deepStrictEqual(await verdicts(consumer({ mapping: { sourceAccessConfigurations: [ca] } }).all), []);
    });

    describe("msk-consumer-role-least-privilege: what a consumer's role may reach beyond its needs", () => {
        const beyond: [string, object[]][] = [
            ["iam:PutRolePolicy on its own role", [allow("iam:PutRolePolicy", ROLE_ARN)]],
            ["iam:CreatePolicyVersion on the account's policies", [allow("iam:CreatePolicyVersion", `arn:aws:iam::${ACCOUNT}:policy/*`)]],
            [
                "iam:PassRole on the account's roles with lambda:CreateFunction",
                [allow("iam:PassRole", `arn:aws:iam::${ACCOUNT}:role/*`), allow("lambda:CreateFunction", `arn:aws:lambda:*:${ACCOUNT}:function:*`)],
            ],
            [
                "iam:PassRole on the account's roles with lambda:CreateFunction in one Region only (us-east-1)",
                [allow("iam:PassRole", `arn:aws:iam::${ACCOUNT}:role/*`), allow("lambda:CreateFunction", `arn:aws:lambda:us-east-1:${ACCOUNT}:function:*`)],
            ],
            [
                "iam:PassRole on the account's roles with lambda:UpdateFunctionConfiguration",
                [
                    allow("iam:PassRole", `arn:aws:iam::${ACCOUNT}:role/*`),
                    allow("lambda:UpdateFunctionConfiguration", `arn:aws:lambda:*:${ACCOUNT}:function:*`),
                ],
            ],
            ["kms:Decrypt on any key", [allow("kms:Decrypt", "*")]],
            ["s3:GetObject on any bucket", [allow("s3:GetObject", "*")]],
        ];
        for (const [what, extra] of beyond)
            it(`${what}: a violation on the role`, async () => {
                assert.deepStrictEqual(await verdicts(consumer({ statements: [...GRANTS, ...extra] }).all), [BROAD]);
            });
        it("iam:PutRolePolicy on every role, the role's own ARN not known yet: a violation on the role", async () => {
            const c = consumer({ statements: [...GRANTS, allow("iam:PutRolePolicy", "arn:aws:iam::*:role/*")], role: { arn: UNKNOWN }, fn: { role: UNKNOWN } });
            assert.deepStrictEqual(await verdicts(c.all), [BROAD]);
        });
        it("iam:PassRole with lambda:CreateFunction on one named function only: no violation", async () => {
            const statements = [
                ...GRANTS,
                allow("iam:PassRole", `arn:aws:iam::${ACCOUNT}:role/*`),
                allow("lambda:CreateFunction", `arn:aws:lambda:us-east-1:${ACCOUNT}:function:deployer-canary`),
            ];
            assert.deepStrictEqual(await verdicts(consumer({ statements }).all), []);
        });
        it("iam:PassRole alone (no function it could create or change): no violation", async () => {
            assert.deepStrictEqual(await verdicts(consumer({ statements: [...GRANTS, allow("iam:PassRole", `arn:aws:iam::${ACCOUNT}:role/*`)] }).all), []);
        });
        it("iam:PutRolePolicy on another role only: no violation", async () => {
            assert.deepStrictEqual(
                await verdicts(consumer({ statements: [...GRANTS, allow("iam:PutRolePolicy", `arn:aws:iam::${ACCOUNT}:role/other`)] }).all),
                [],
            );
        });
        it("secretsmanager:GetSecretValue on any secret: a violation on the role (and iam-least-privilege on its policy)", async () => {
            assert.deepStrictEqual(await verdicts(consumer({ statements: [...GRANTS, allow("secretsmanager:GetSecretValue", "*")] }).all), [
                "iam-least-privilege mandatory role-policy",
                BROAD,
            ]);
        });

        it("kafka-cluster:Connect (a cluster action) on every topic or every group ARN grants nothing there: no violation", async () => {
            for (const r of [`${KAFKA}:topic/shared/${UUID}/*`, `${KAFKA}:group/shared/${UUID}/*`])
                assert.deepStrictEqual(await verdicts(consumer({ statements: [...GRANTS, allow("kafka-cluster:Connect", r)] }).all), [], r);
        });
        it("kafka-cluster grants on the account's other clusters: a violation on the role", async () => {
            const statements = [...GRANTS, allow("kafka-cluster:Connect", `${KAFKA}:cluster/*`)];
            assert.deepStrictEqual(await verdicts(consumer({ statements }).all), [BROAD]);
        });

        it("a grant on every group of the cluster: a violation when the mapping names its group, none when Lambda generates it", async () => {
            const anyGroup = allow(["kafka-cluster:DescribeGroup", "kafka-cluster:AlterGroup"], `${KAFKA}:group/shared/${UUID}/*`);
            const statements = [ENI, DESCRIBE, ...KAFKA_CLUSTER, anyGroup];
            assert.deepStrictEqual(await verdicts(consumer({ statements }).all), [BROAD]);
            assert.deepStrictEqual(await verdicts(consumer({ statements, mapping: { amazonManagedKafkaEventSourceConfig: undefined } }).all), []);
            // Lambda generated the group and the mapping exists (its uuid names the group): still Lambda's to name.
            assert.deepStrictEqual(await verdicts(consumer({ statements, mapping: { amazonManagedKafkaEventSourceConfig: undefined, uuid: "u-1" } }).all), []);
        });
        it("a grant on every group with a non-empty name (`?*`) serves a group Lambda generates", async () => {
            const anyNamed = allow(["kafka-cluster:DescribeGroup", "kafka-cluster:AlterGroup"], `${KAFKA}:group/shared/${UUID}/?*`);
            const statements = [ENI, DESCRIBE, ...KAFKA_CLUSTER, anyNamed];
            assert.deepStrictEqual(await verdicts(consumer({ statements, mapping: { amazonManagedKafkaEventSourceConfig: undefined } }).all), []);
        });

        it("one role, two mappings: the second mapping's broader grant is judged too", async () => {
            // The first mapping lets Lambda name its group (a grant on any group is needed); the second names its own.
            const anyGroup = allow(["kafka-cluster:DescribeGroup", "kafka-cluster:AlterGroup"], `${KAFKA}:group/shared/${UUID}/*`);
            const c = consumer({ statements: [ENI, DESCRIBE, ...KAFKA_CLUSTER, anyGroup], mapping: { amazonManagedKafkaEventSourceConfig: undefined } });
            const named = mapping("mapping-2", c.fn);
            assert.deepStrictEqual(await verdicts(c.all), []);
            assert.deepStrictEqual(await verdicts([...c.all, named]), [BROAD]);
        });

        describe("a mapping through an MSK VPC connection (the cluster is another account's)", () => {
            const VPC_GRANTS = [
                ENI,
                allow("kafka:DescribeVpcConnection", VPC_CONNECTION_ARN),
                allow(["kafka-cluster:Connect", "kafka-cluster:DescribeCluster"], `${KAFKA}:cluster/*`),
            ];
            const vpc = (statements: object[]) => consumer({ statements, mapping: { eventSourceArn: VPC_CONNECTION_ARN } }).all;
            it("kafka-cluster grants are not judged against a cluster the stack cannot name: no violation", async () => {
                assert.deepStrictEqual(await verdicts(vpc(VPC_GRANTS)), []);
            });
            it("ec2:CreateNetworkInterface scoped to the connection's region and account serves it (msk-mapping-role-permissions)", async () => {
                const scoped = [
                    allow(
                        LAMBDA_ENI_ACTIONS.filter((a) => a !== "ec2:CreateNetworkInterface"),
                        "*",
                    ),
                    allow("ec2:CreateNetworkInterface", `arn:aws:ec2:us-east-1:${ACCOUNT}:*`),
                    ...VPC_GRANTS.slice(1),
                ];
                assert.deepStrictEqual(await verdicts(vpc(scoped)), []);
            });
            it("kms:Decrypt on any key is still judged: a violation on the role", async () => {
                assert.deepStrictEqual(await verdicts(vpc([...VPC_GRANTS, allow("kms:Decrypt", "*")])), [BROAD]);
            });
        });
    });
});
