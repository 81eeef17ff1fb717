/**
 * Regression tests for single-point changes the suite once let through (issue 21): each stack holds exactly one
 * problem, and the test asserts the verdict a user sees (the mandatory policy and the resource it names), never the
 * message text. Every stack's clean twin is asserted to draw no mandatory violation at all, so a verdict cannot come
 * from some other problem of the stack. Cases are generated where a fact has many spellings (ports, prefixes, charset).
 */
import * as assert from "assert";
import { parseStackConfig } from "../lib/config";
import { CONSUMER_GROUP_ID } from "../policies/lib/facts";
import { isKeyArn } from "../policies/lib/kms";
import { ACCOUNT, check, CLUSTER_ARN, of, res, UNKNOWN, type Res } from "./helpers/pack";
import { rawConfig } from "./helpers/stack";
import { LAMBDA_ENI_ACTIONS } from "./helpers/aws-docs";

const ESM = "aws:lambda/eventSourceMapping:EventSourceMapping";
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/consumer-role`;
const UUID = "fc2f5bdf-fd1b-45ad-85dd-15b4a5a6247e-2";
const KAFKA = `arn:aws:kafka:us-east-1:${ACCOUNT}`;
const TOPIC_ARN = `${KAFKA}:topic/shared/${UUID}/orders`;
const GROUP_ARN = `${KAFKA}:group/shared/${UUID}/orders-consumer`;
const QUEUE_ARN = `arn:aws:sqs:us-east-1:${ACCOUNT}:failures`;
const KEY_ID = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";
const KEY_ARN = `arn:aws:kms:us-east-1:${ACCOUNT}:key/${KEY_ID}`;
const doc = (Statement: object[]) => JSON.stringify({ Version: "2012-10-17", Statement });

/** The Lambda docs' grants for an MSK consumer with IAM authentication and an SQS on-failure destination. */
const GRANTS: object[] = [
    {
        Effect: "Allow",
        Action: [...LAMBDA_ENI_ACTIONS],
        Resource: "*",
    },
    { Effect: "Allow", Action: ["kafka:DescribeClusterV2", "kafka:GetBootstrapBrokers"], Resource: CLUSTER_ARN },
    { Effect: "Allow", Action: ["kafka-cluster:Connect", "kafka-cluster:DescribeClusterDynamicConfiguration"], Resource: CLUSTER_ARN },
    { Effect: "Allow", Action: ["kafka-cluster:DescribeTopic", "kafka-cluster:ReadData"], Resource: TOPIC_ARN },
    { Effect: "Allow", Action: ["kafka-cluster:DescribeGroup", "kafka-cluster:AlterGroup"], Resource: GROUP_ARN },
    { Effect: "Allow", Action: "sqs:SendMessage", Resource: QUEUE_ARN },
    { Effect: "Allow", Action: ["kms:GenerateDataKey", "kms:Decrypt"], Resource: KEY_ARN },
];

interface ConsumerOpts {
    /** Statements of the role's inline RolePolicy (none: no RolePolicy resource). */
    statements?: object[] | null;
    role?: Record<string, unknown>;
    mapping?: Record<string, unknown>;
    /** The queue's key as a value outside the stack (default: a key with rotation in the stack). */
    queueKey?: string;
}

/**
 * Another program's MSK consumer (IAM authentication, existing cluster): mapping → function → role → inline policy,
 * and a standard SQS failure queue. With no options it draws no mandatory violation (asserted below).
 */
function consumer(opts: ConsumerOpts = {}) {
    const role = res("aws:iam/role:Role", "role", {
        name: "consumer-role",
        arn: ROLE_ARN,
        assumeRolePolicy: doc([{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }]),
        ...(opts.role ?? {}),
    });
    const statements = opts.statements === undefined ? GRANTS : opts.statements;
    const policy = statements && res("aws:iam/rolePolicy:RolePolicy", "role-policy", { role: "consumer-role", policy: doc(statements) }, { role: [role] });
    const fn = res(
        "aws:lambda/function:Function",
        "fn",
        { name: "consumer", arn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:consumer`, role: ROLE_ARN, timeout: 60 },
        { role: [role] },
    );
    const key = opts.queueKey === undefined ? res("aws:kms/key:Key", "key", { arn: KEY_ARN, keyId: KEY_ID, enableKeyRotation: true }) : undefined;
    const queue = res(
        "aws:sqs/queue:Queue",
        "failures",
        { name: "failures", arn: QUEUE_ARN, fifoQueue: false, kmsMasterKeyId: opts.queueKey ?? KEY_ARN },
        key ? { kmsMasterKeyId: [key] } : {},
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
            destinationConfig: { onFailure: { destinationArn: QUEUE_ARN } },
            ...(opts.mapping ?? {}),
        },
        { functionName: [fn], destinationConfig: [queue] },
    );
    const all: Res[] = [role, ...(policy ? [policy] : []), fn, ...(key ? [key] : []), queue, m];
    return { role, fn, queue, m, all };
}

/** The mandatory verdicts of a stack: "policy resource-urn", each once. */
async function mandatory(stack: Res[]): Promise<string[]> {
    const d = await check(stack);
    return [...new Set(d.filter((x) => x.enforcementLevel === "mandatory").map((x) => `${x.policy} ${x.urn}`))].sort();
}

describe("regressions the suite once missed (issue 21): one problem per stack, the verdict asserted", function () {
    this.timeout(120000);

    it("the clean consumer draws no mandatory violation (every stack below differs from it in one value)", async () => {
        assert.deepStrictEqual(await mandatory(consumer().all), []);
    });

    describe("msk-mapping-limits (rules/mapping.ts)", () => {
        const cases: [string, Record<string, unknown>, boolean][] = [
            // maximumPollers: Lambda's range is 1..2000 (provisioned mode).
            ["maximumPollers 2000", { provisionedPollerConfig: { minimumPollers: 1, maximumPollers: 2000 } }, false],
            ["maximumPollers 2001", { provisionedPollerConfig: { minimumPollers: 1, maximumPollers: 2001 } }, true],
            ["maximumPollers 5000", { provisionedPollerConfig: { minimumPollers: 1, maximumPollers: 5000 } }, true],
            ["maximumPollers 0", { provisionedPollerConfig: { maximumPollers: 0 } }, true],
            // min > max alone (each within its own range).
            ["minimumPollers 3 = maximumPollers 3", { provisionedPollerConfig: { minimumPollers: 3, maximumPollers: 3 } }, false],
            ["minimumPollers 4 > maximumPollers 3", { provisionedPollerConfig: { minimumPollers: 4, maximumPollers: 3 } }, true],
            // Exactly one topic.
            ["no topic", { topics: [] }, true],
            ["two topics", { topics: ["orders", "payments"] }, true],
        ];
        for (const [what, mapping, fires] of cases) {
            it(`${what}: ${fires ? "msk-mapping-limits on the mapping, and nothing else" : "passes"}`, async () => {
                const c = consumer({ mapping });
                assert.deepStrictEqual(await mandatory(c.all), fires ? [`msk-mapping-limits ${c.m.urn}`] : []);
            });
        }
    });

    describe("msk-mapping-limits: what `npm run mutate:pack` found surviving in rules/mapping.ts", () => {
        it("a filter pattern of exactly 4,096 characters passes; 4,097 draws msk-mapping-limits on the mapping", async () => {
            for (const [n, fires] of [
                [4096, false],
                [4097, true],
            ] as const) {
                const pattern = `{"value":{"k":["${"x".repeat(n - 20)}"]}}`;
                assert.strictEqual(pattern.length, n);
                const c = consumer({ mapping: { filterCriteria: { filters: [{ pattern }] } } });
                assert.deepStrictEqual(await mandatory(c.all), fires ? [`msk-mapping-limits ${c.m.urn}`] : [], `${n} characters`);
            }
        });
        it("a mapping whose source is not known yet (first preview) gets msk-mapping-limits' preview note, not a pass", async () => {
            const m = res(ESM, "m", { eventSourceArn: UNKNOWN, topics: UNKNOWN, functionName: "consumer", batchSize: 20000 });
            const d = of(await check(m), "msk-mapping-limits");
            assert.deepStrictEqual(
                d.map((x) => [x.enforcementLevel, x.urn]),
                [["advisory", m.urn]],
            );
        });
        it("a non-Kafka mapping (SQS, no topic, batch size 10,000) is not judged by msk-mapping-limits", async () => {
            const m = res(ESM, "m", { eventSourceArn: `arn:aws:sqs:us-east-1:${ACCOUNT}:jobs`, functionName: "consumer", batchSize: 10000 });
            assert.deepStrictEqual(of(await check(m), "msk-mapping-limits"), []);
        });
    });

    describe("consumer group ids: the pack and the program's validation share one charset (policies/lib/facts.ts)", () => {
        // Generated: every printable ASCII character, inside an otherwise valid id.
        const allowed = new Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-/*:_+=.@");
        const chars = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i));
        it("the shared fact accepts exactly a-z, A-Z, 0-9 and -/*:_+=.@ (every printable ASCII character tried)", () => {
            for (const ch of chars) assert.strictEqual(CONSUMER_GROUP_ID.test(`g${ch}1`), allowed.has(ch), JSON.stringify(ch));
            for (const ch of ["\t", "\n", "é", "\u0000"]) assert.strictEqual(CONSUMER_GROUP_ID.test(`g${ch}1`), false, JSON.stringify(ch));
        });
        it("the pack refuses each disallowed character with msk-mapping-limits on the mapping, and passes each allowed one", async () => {
            // One stack per character class member would be 95 round trips; the verdict is per mapping, so each
            // mapping holds one character and the mappings share nothing but the cluster ARN.
            const stack: Res[] = [];
            const want: string[] = [];
            chars.forEach((ch, i) => {
                const m = res(ESM, `m${i}`, {
                    eventSourceArn: CLUSTER_ARN,
                    topics: ["orders"],
                    amazonManagedKafkaEventSourceConfig: { consumerGroupId: `g${ch}1` },
                });
                stack.push(m);
                if (!allowed.has(ch)) want.push(`msk-mapping-limits ${m.urn}`);
            });
            const d = await check(stack);
            const got = [...new Set(of(d, "msk-mapping-limits", "mandatory").map((x) => `${x.policy} ${x.urn}`))].sort();
            assert.deepStrictEqual(got, want.sort());
        });
        it("g#1 alone: msk-mapping-limits on the mapping of the clean consumer", async () => {
            // The role is granted that group, so the id is the stack's only problem.
            const statements = JSON.parse(JSON.stringify(GRANTS).split(GROUP_ARN).join(`${KAFKA}:group/shared/${UUID}/g#1`));
            const c = consumer({ statements, mapping: { amazonManagedKafkaEventSourceConfig: { consumerGroupId: "g#1" } } });
            assert.deepStrictEqual(await mandatory(c.all), [`msk-mapping-limits ${c.m.urn}`]);
        });
        it("the program refuses g#1 (and every other disallowed character) naming the consumer's key", () => {
            for (const ch of chars) {
                const { config, secretKeys } = rawConfig({ consumers: [{ name: "orders", topic: "orders", consumerGroupId: `g${ch}1` }] });
                let error: Error | undefined;
                try {
                    parseStackConfig(config, { project: "msk-lambda", stack: "test", secretKeys });
                } catch (e) {
                    error = e as Error;
                }
                if (allowed.has(ch)) assert.strictEqual(error, undefined, `${JSON.stringify(ch)}: ${error?.message}`);
                else assert.ok(error && error.message.includes("consumers[0].consumerGroupId"), `${JSON.stringify(ch)} accepted`);
            }
        });
    });

    describe("msk-scram-secret: the AmazonMSK_ prefix is a prefix (rules/secrets.ts, both sites)", () => {
        const KEY = `arn:aws:kms:us-east-1:${ACCOUNT}:key/11111111-2222-3333-4444-555555555555`;
        const names: [string, boolean][] = [
            ["AmazonMSK_orders", true],
            ["AmazonMSK_", true],
            ["x-AmazonMSK_y", false],
            ["orders-AmazonMSK_", false],
            ["amazonmsk_orders", false],
            ["AmazonMSK-orders", false],
        ];
        for (const [name, ok] of names) {
            it(`a secret outside the stack named ${name} (by ARN): ${ok ? "passes" : "msk-scram-secret on the association"}`, async () => {
                const a = res("aws:msk/singleScramSecretAssociation:SingleScramSecretAssociation", "assoc", {
                    clusterArn: CLUSTER_ARN,
                    secretArn: `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:${name}-AbCdEf`,
                });
                assert.deepStrictEqual(await mandatory([a]), ok ? [] : [`msk-scram-secret ${a.urn}`]);
            });
            it(`a secret in the stack named ${name}: ${ok ? "passes" : "msk-scram-secret on the secret"}`, async () => {
                const s = res("aws:secretsmanager/secret:Secret", "scram", {
                    name,
                    arn: `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:${name}-AbCdEf`,
                    kmsKeyId: KEY,
                    recoveryWindowInDays: 30,
                });
                const a = res(
                    "aws:msk/singleScramSecretAssociation:SingleScramSecretAssociation",
                    "assoc",
                    { clusterArn: CLUSTER_ARN, secretArn: s.props.arn },
                    { secretArn: [s] },
                );
                assert.deepStrictEqual(await mandatory([s, a]), ok ? [] : [`msk-scram-secret ${s.urn}`]);
            });
        }
    });

    describe("no-public-kafka-ingress: -1 as a TCP port means every port (rules/network.ts)", () => {
        // Generated: every spelling of "tcp" the rule reads, with -1 at either end of the range.
        const protocols = ["tcp", "TCP", "6"];
        const ranges: [number, number][] = [
            [-1, -1],
            [-1, 0],
            [0, -1],
        ];
        for (const protocol of protocols)
            for (const [fromPort, toPort] of ranges) {
                it(`an ingress rule ${protocol} ${fromPort}..${toPort} from 0.0.0.0/0: no-public-kafka-ingress on the security group`, async () => {
                    const sg = res("aws:ec2/securityGroup:SecurityGroup", "sg", {
                        vpcId: "vpc-1",
                        ingress: [{ protocol, fromPort, toPort, cidrBlocks: ["0.0.0.0/0"] }],
                    });
                    assert.deepStrictEqual(await mandatory([sg]), [`no-public-kafka-ingress ${sg.urn}`]);
                });
            }
        it("its clean twin (tcp 443..443 from 0.0.0.0/0, no MSK port) passes", async () => {
            const sg = res("aws:ec2/securityGroup:SecurityGroup", "sg", {
                vpcId: "vpc-1",
                ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] }],
            });
            assert.deepStrictEqual(await mandatory([sg]), []);
        });
    });

    describe("a destination key named by an alias ARN is not a key ARN (lib/kms.ts isKeyArn)", () => {
        it("isKeyArn: key ARNs only, in every partition; alias ARNs, aliases and key ids are not", () => {
            for (const p of ["aws", "aws-us-gov", "aws-cn"]) {
                assert.strictEqual(isKeyArn(`arn:${p}:kms:us-east-1:${ACCOUNT}:key/11111111-2222-3333-4444-555555555555`), true, p);
                assert.strictEqual(isKeyArn(`arn:${p}:kms:us-east-1:${ACCOUNT}:alias/failures`), false, p);
            }
            for (const v of ["alias/failures", "11111111-2222-3333-4444-555555555555", `arn:aws:sqs:us-east-1:${ACCOUNT}:key/x`])
                assert.strictEqual(isKeyArn(v), false, v);
        });
        it("a queue encrypted with an alias ARN outside the stack draws no mandatory violation (a grant on the alias would not authorise the key)", async () => {
            const c = consumer({ queueKey: `arn:aws:kms:us-east-1:${ACCOUNT}:alias/failures` });
            const d = await check(c.all);
            assert.deepStrictEqual(
                d.filter((x) => x.enforcementLevel === "mandatory").map((x) => `${x.policy} ${x.urn}`),
                [],
            );
            // The pack says what it cannot check instead (advisory, on the queue).
            assert.ok(of(d, "destination-delivery-outside-stack", "advisory").some((x) => x.urn === c.queue.urn));
        });
        it("its twin with the key's ARN outside the stack and no KMS grant: destination-kms-grants on the role", async () => {
            const c = consumer({
                queueKey: `arn:aws:kms:us-east-1:${ACCOUNT}:key/11111111-2222-3333-4444-555555555555`,
            });
            assert.deepStrictEqual(await mandatory(c.all), [`destination-kms-grants ${c.role.urn}`]);
        });
    });

    describe("msk-consumer-role-least-privilege", () => {
        it("kafka-cluster:DeleteTopic on the consumer's own topic alone: a violation on the role (lib/iam-facts.ts admin actions)", async () => {
            const c = consumer({ statements: [...GRANTS, { Effect: "Allow", Action: "kafka-cluster:DeleteTopic", Resource: TOPIC_ARN }] });
            assert.deepStrictEqual(await mandatory(c.all), [`msk-consumer-role-least-privilege ${c.role.urn}`]);
        });
        it("each cluster administration action alone, on the consumer's own resources (generated from the shared list)", async () => {
            const { KAFKA_CLUSTER_ADMIN_ACTIONS, KAFKA_CLUSTER_ACTIONS } = await import("../policies/lib/iam-facts");
            const own: Record<string, string> = { cluster: CLUSTER_ARN, topic: TOPIC_ARN, group: GROUP_ARN };
            for (const action of KAFKA_CLUSTER_ADMIN_ACTIONS) {
                const resource = own[KAFKA_CLUSTER_ACTIONS[action.split(":")[1]].resource] ?? CLUSTER_ARN;
                const c = consumer({ statements: [...GRANTS, { Effect: "Allow", Action: action, Resource: resource }] });
                assert.deepStrictEqual(await mandatory(c.all), [`msk-consumer-role-least-privilege ${c.role.urn}`], action);
            }
        });
        it("a role's own inlinePolicies are read (lib/refs.ts): Action * there alone is a violation on the role", async () => {
            const c = consumer({ role: { inlinePolicies: [{ name: "extra", policy: doc([{ Effect: "Allow", Action: "*", Resource: "*" }]) }] } });
            const got = await mandatory(c.all);
            assert.ok(got.includes(`msk-consumer-role-least-privilege ${c.role.urn}`), got.join("\n"));
            // Action "*" is also what iam-least-privilege refuses, on the same role: the one problem, two rules.
            assert.deepStrictEqual(
                got.filter((v) => !v.startsWith("msk-consumer-role-least-privilege ")).map((v) => v.split(" ")[1]),
                got.filter((v) => !v.startsWith("msk-consumer-role-least-privilege ")).map(() => c.role.urn),
            );
        });
        it("a role whose grants are all in its inlinePolicies (no RolePolicy) draws no mandatory violation", async () => {
            const c = consumer({ statements: null, role: { inlinePolicies: [{ name: "consumer", policy: doc(GRANTS) }] } });
            assert.deepStrictEqual(await mandatory(c.all), []);
        });
    });
});
