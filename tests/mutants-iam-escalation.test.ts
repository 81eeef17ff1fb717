/**
 * msk-consumer-role-least-privilege, self-escalation through iam:PassRole with lambda:CreateFunction: the Regions
 * policies/rules/iam.ts probes for a function the role could create (lambdaRegions; issue 21,
 * bench/mutation/rules-iam.md). One stack per test, differing from the valid consumer in one statement; the assertion
 * is the verdict (policy, enforcement level, the resource named), never the message text.
 */
import * as assert from "assert";
import { ACCOUNT, check, CLUSTER_ARN, res } from "./helpers/pack";
import { LAMBDA_ENI_ACTIONS } from "./helpers/aws-docs";
import { mskMapping } from "./helpers/mappings";

const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/consumer-role`;
const UUID = "fc2f5bdf-fd1b-45ad-85dd-15b4a5a6247e-2";
const KAFKA = `arn:aws:kafka:us-east-1:${ACCOUNT}`;
const doc = (Statement: object[]) => JSON.stringify({ Version: "2012-10-17", Statement });
const allow = (Action: string | string[], Resource: string | string[]) => ({ Effect: "Allow", Action, Resource });

/** What the Lambda/MSK docs list for an MSK consumer with IAM authentication, on exactly its ARNs. */
const GRANTS: object[] = [
    allow([...LAMBDA_ENI_ACTIONS], "*"),
    allow(["kafka:DescribeClusterV2", "kafka:GetBootstrapBrokers"], CLUSTER_ARN),
    allow(["kafka-cluster:Connect", "kafka-cluster:DescribeClusterDynamicConfiguration"], CLUSTER_ARN),
    allow(["kafka-cluster:DescribeTopic", "kafka-cluster:ReadData"], `${KAFKA}:topic/shared/${UUID}/orders`),
    allow(["kafka-cluster:DescribeGroup", "kafka-cluster:AlterGroup"], `${KAFKA}:group/shared/${UUID}/orders-consumer`),
];
const PASS_ROLE = allow("iam:PassRole", `arn:aws:iam::${ACCOUNT}:role/*`);

/** Another program's MSK consumer (IAM authentication): mapping → function → role → inline RolePolicy. */
function consumer(statements: object[]) {
    const role = res("aws:iam/role:Role", "role", {
        name: "consumer-role",
        arn: ROLE_ARN,
        assumeRolePolicy: doc([{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }]),
    });
    const policy = res("aws:iam/rolePolicy:RolePolicy", "role-policy", { role: "consumer-role", policy: doc(statements) }, { role: [role] });
    const fnArn = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:consumer`;
    const fn = res("aws:lambda/function:Function", "fn", { name: "consumer", arn: fnArn, role: ROLE_ARN, timeout: 60 }, { role: [role] });
    const m = mskMapping(
        "mapping",
        { functionName: "consumer", amazonManagedKafkaEventSourceConfig: { consumerGroupId: "orders-consumer" } },
        { functionName: [fn] },
    );
    return [role, policy, fn, m];
}

const IAM_RULES = new Set(["iam-least-privilege", "msk-mapping-role-permissions", "msk-consumer-role-least-privilege"]);
const BROAD = "msk-consumer-role-least-privilege mandatory role";

/** The verdicts of iam.ts's policies: "policy level resource-name", each once. */
async function verdicts(statements: object[]): Promise<string[]> {
    const d = (await check(consumer(statements))).filter((x) => IAM_RULES.has(x.policy));
    return [...new Set(d.map((x) => `${x.policy} ${x.enforcementLevel} ${x.urn.split("::").pop() || "-"}`))].sort();
}

describe("rules/iam.ts: self-escalation by creating a function as a passed role, in any Region (issue 21)", () => {
    it("the consumer's grants alone: no violation", async () => {
        assert.deepStrictEqual(await verdicts(GRANTS), []);
    });
    it('iam:PassRole with lambda:CreateFunction on "*", denied in the one Region its ARNs name (us-east-1): a violation on the role', async () => {
        const statements = [
            ...GRANTS,
            PASS_ROLE,
            allow("lambda:CreateFunction", "*"),
            { Effect: "Deny", Action: "lambda:CreateFunction", Resource: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:*` },
        ];
        assert.deepStrictEqual(await verdicts(statements), [BROAD]);
    });
    it("iam:PassRole with lambda:CreateFunction on every resource of one Region, any service (arn:aws:*:eu-west-1:...): a violation on the role", async () => {
        assert.deepStrictEqual(await verdicts([...GRANTS, PASS_ROLE, allow("lambda:CreateFunction", `arn:aws:*:eu-west-1:${ACCOUNT}:*`)]), [BROAD]);
    });
    it("iam:PassRole with lambda:CreateFunction on resources of no Region (arn:aws:*::ACCOUNT:*, no function's ARN): no violation", async () => {
        assert.deepStrictEqual(await verdicts([...GRANTS, PASS_ROLE, allow("lambda:CreateFunction", `arn:aws:*::${ACCOUNT}:*`)]), []);
    });
    it("iam:PassRole with lambda:CreateFunction on one Region's functions, a Deny there: no violation", async () => {
        const statements = [
            ...GRANTS,
            PASS_ROLE,
            allow("lambda:CreateFunction", `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:*`),
            { Effect: "Deny", Action: "lambda:CreateFunction", Resource: `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:*` },
        ];
        assert.deepStrictEqual(await verdicts(statements), []);
    });
});
