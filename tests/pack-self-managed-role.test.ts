/**
 * A self-managed Kafka mapping's execution role, judged as for MSK (issue 25 §3): Lambda, "Configuring self-managed
 * Apache Kafka event sources for Lambda" lists the ec2 network-interface actions (with VPC_SUBNET/VPC_SECURITY_GROUP)
 * and secretsmanager:GetSecretValue on the mapping's secret, with kms:Decrypt on its customer-managed key. Each case
 * starts from the valid self-managed stack (tests/helpers/valid-stack.ts) and takes one grant away.
 */
import * as assert from "assert";
import type { Diagnostic } from "../plan/analyzer";
import { check, UNKNOWN, type Res } from "./helpers/pack";
import { KEY_ARN, SECRET_ARN, validStack, type Choice, type Provider } from "./helpers/valid-stack";
import { LAMBDA_ENI_ACTIONS } from "./helpers/aws-docs";

const POLICY = "msk-mapping-role-permissions";
const PROVIDERS: Provider[] = ["aws", "aws-native"];
/** A Kafka topic as the on-failure destination: no other grant of kms:Decrypt on the stack's key. */
const base = (provider: Provider): Choice => ({ provider, source: "self-managed", onFailure: "kafka", asyncFailure: "none", asyncSuccess: "none" });
const mandatory = (d: Diagnostic[]) => d.filter((x) => x.enforcementLevel === "mandatory");
const verdict = (d: Diagnostic[]) => mandatory(d).map((x) => `${x.policy} ${x.urn.split("::").pop()}`);

const EC2_ACTIONS = LAMBDA_ENI_ACTIONS;
/** Every grant the valid self-managed stack's role holds for its mapping (SASL/SCRAM in a VPC). */
const NEEDED = [...EC2_ACTIONS, "secretsmanager:GetSecretValue", "kms:Decrypt"];

type Stmt = { Action?: string | string[]; [k: string]: unknown };

/** The role policy's statements, in either provider's form (aws: JSON text `policy`, aws-native: `policyDocument`). */
function statements(r: Res): Stmt[] {
    const p = r.props.policy ?? r.props.policyDocument;
    return (typeof p === "string" ? JSON.parse(p) : p).Statement;
}
function setStatements(r: Res, s: Stmt[]): void {
    const d = { Version: "2012-10-17", Statement: s };
    if (r.props.policy !== undefined) r.props.policy = JSON.stringify(d);
    else r.props.policyDocument = d;
}
/** The same statements without `action` (a statement left with no action is dropped). */
function without(s: Stmt[], action: string): Stmt[] {
    return s
        .map((x) => {
            const a = x.Action;
            if (a === action) return undefined;
            if (Array.isArray(a)) return a.includes(action) ? { ...x, Action: a.filter((y) => y !== action) } : x;
            return x;
        })
        .filter((x): x is Stmt => x !== undefined && (!Array.isArray(x.Action) || x.Action.length > 0));
}

describe("policy pack: a self-managed Kafka mapping's role has what Lambda needs (issue 25 §3)", function () {
    this.timeout(120000);

    for (const provider of PROVIDERS) {
        it(`${provider}: the valid self-managed stack gets no mandatory diagnostic`, async () => {
            assert.deepStrictEqual(verdict(await check(validStack(base(provider)).all)), []);
        });

        for (const action of NEEDED)
            it(`${provider}: without ${action} the role is refused, once, naming the mapping, SASL/SCRAM and the action`, async () => {
                const s = validStack(base(provider));
                const before = statements(s.rolePolicy);
                const after = without(before, action);
                assert.notDeepStrictEqual(after, before, `the valid stack grants ${action}`);
                setStatements(s.rolePolicy, after);
                const d = mandatory(await check(s.all));
                assert.deepStrictEqual(verdict(d), [`${POLICY} role`]);
                assert.strictEqual(d[0].urn, s.role.urn);
                assert.match(d[0].message, /self-managed Kafka mapping "mapping" \(SASL\/SCRAM, in a VPC\)/);
                assert.ok(d[0].message.includes(`lacks ${action}`), d[0].message);
                if (action === "secretsmanager:GetSecretValue") assert.ok(d[0].message.includes(JSON.stringify(SECRET_ARN)), d[0].message);
                if (action === "kms:Decrypt") assert.ok(d[0].message.includes(JSON.stringify(KEY_ARN)), d[0].message);
            });

        it(`${provider}: a role policy not known yet gives a preview note, not a violation`, async () => {
            const s = validStack(base(provider));
            if (s.rolePolicy.props.policy !== undefined) s.rolePolicy.props.policy = UNKNOWN;
            else s.rolePolicy.props.policyDocument = UNKNOWN;
            const d = await check(s.all);
            assert.deepStrictEqual(verdict(d), []);
            assert.ok(
                d.some((x) => x.policy === POLICY && /during preview/.test(x.message)),
                d.map((x) => `${x.policy}: ${x.message}`).join("\n"),
            );
        });
    }

    it("without VPC access configurations the ec2 actions are not asked", async () => {
        const s = validStack(base("aws"));
        s.mapping.props.sourceAccessConfigurations = [{ type: "SASL_SCRAM_512_AUTH", uri: SECRET_ARN }];
        setStatements(s.rolePolicy, without(statements(s.rolePolicy), "ec2:CreateNetworkInterface"));
        assert.deepStrictEqual(
            mandatory(await check(s.all)).filter((x) => x.policy === POLICY),
            [],
        );
    });

    it("the authentication is named as the docs name it: BASIC_AUTH is SASL/PLAIN, CLIENT_CERTIFICATE_TLS_AUTH is mTLS", async () => {
        for (const [type, label] of [
            ["BASIC_AUTH", "SASL/PLAIN"],
            ["CLIENT_CERTIFICATE_TLS_AUTH", "mTLS"],
        ]) {
            const s = validStack(base("aws"));
            const configs = s.mapping.props.sourceAccessConfigurations as { type: string; uri: string }[];
            s.mapping.props.sourceAccessConfigurations = configs.map((c) => (c.type === "SASL_SCRAM_512_AUTH" ? { ...c, type } : c));
            setStatements(s.rolePolicy, without(statements(s.rolePolicy), "secretsmanager:GetSecretValue"));
            const d = mandatory(await check(s.all)).filter((x) => x.policy === POLICY);
            assert.strictEqual(d.length, 1, type);
            assert.ok(d[0].message.includes(`(${label}, in a VPC)`), d[0].message);
        }
    });

    it("a role with policies outside the stack may hold what is missing: no violation", async () => {
        const s = validStack(base("aws"));
        setStatements(s.rolePolicy, without(statements(s.rolePolicy), "ec2:DescribeVpcs"));
        s.role.props.managedPolicyArns = ["arn:aws:iam::111122223333:policy/network-team"];
        assert.deepStrictEqual(
            mandatory(await check(s.all)).filter((x) => x.policy === POLICY),
            [],
        );
    });
});
