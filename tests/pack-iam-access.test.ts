/**
 * "Can the mapping do what it needs?" as IAM evaluates it (issue 17 §3, §4, §5): each case starts from a valid stack
 * (tests/helpers/valid-stack.ts, which the pack accepts: tests/pack-valid-corpus.test.ts) and changes one thing; the
 * verdict is the policy and resource a user sees.
 */
import * as assert from "assert";
import type { Diagnostic } from "../plan/analyzer";
import { ACCOUNT, check, res, secret, UNKNOWN, type Res } from "./helpers/pack";
import { DEST_ARN, doc, KEY_ARN, ROLE_ARN, SECRET_ARN, validStack, type Choice } from "./helpers/valid-stack";

const BASE: Choice = { provider: "aws", source: "msk-iam", onFailure: "sqs", asyncFailure: "none", asyncSuccess: "none" };
const mandatory = (d: Diagnostic[]) => d.filter((x) => x.enforcementLevel === "mandatory");
const verdict = (d: Diagnostic[]) => mandatory(d).map((x) => `${x.policy} ${x.urn.split("::").pop()}`);

/** The role's policy document, to edit. */
function statementsOf(r: Res): object[] {
    return JSON.parse(r.props.policy as string).Statement;
}
function setStatements(r: Res, s: object[]): void {
    r.props.policy = doc(s);
}

describe("policy pack: IAM as AWS evaluates it (can the mapping do what it needs?)", function () {
    this.timeout(120000);

    it("the starting stacks are accepted", async () => {
        for (const source of ["msk-iam", "msk-scram"] as const) assert.deepStrictEqual(verdict(await check(validStack({ ...BASE, source }).all)), []);
    });

    it("in the aws-native provider too: the same stack is accepted, and one change is caught", async () => {
        const native = { ...BASE, provider: "aws-native" as const, source: "msk-scram" as const, onFailure: "kafka" as const };
        assert.deepStrictEqual(verdict(await check(validStack(native).all)), []);
        const s = validStack(native);
        const doc = s.rolePolicy.props.policyDocument as { Statement: object[] };
        doc.Statement = doc.Statement.filter((x) => !JSON.stringify(x).includes("secretsmanager:GetSecretValue"));
        const d = mandatory(await check(s.all));
        assert.deepStrictEqual(verdict(d), ["msk-mapping-role-permissions role"]);
        assert.match(d[0].message, /lacks secretsmanager:GetSecretValue on /);
        const slow = validStack(native);
        slow.fn.props.timeout = 900;
        assert.deepStrictEqual(verdict(await check(slow.all)), ["msk-function-timeout consumer"]);
    });

    it("a destination key policy whose explicit Deny names the execution role stops delivery", async () => {
        const s = validStack(BASE);
        s.key.props.policy = doc([
            ...JSON.parse(s.key.props.policy as string).Statement,
            { Sid: "NoConsumer", Effect: "Deny", Principal: { AWS: ROLE_ARN }, Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: "*" },
        ]);
        const d = mandatory(await check(s.all));
        assert.deepStrictEqual(verdict(d), ["destination-kms-grants role"]);
        assert.match(d[0].message, /cannot use kms:Decrypt on .* \(denied by statement NoConsumer of the key policy of 'key'\)/);
    });

    it("a Deny in a key policy for another principal, or only over plain HTTP, does not count", async () => {
        const s = validStack(BASE);
        s.key.props.policy = doc([
            ...JSON.parse(s.key.props.policy as string).Statement,
            { Effect: "Deny", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/someone-else` }, Action: "kms:*", Resource: "*" },
            { Effect: "Deny", Principal: "*", Action: "kms:*", Resource: "*", Condition: { Bool: { "aws:SecureTransport": false } } },
        ]);
        assert.deepStrictEqual(verdict(await check(s.all)), []);
    });

    it("a SCRAM mapping whose role lacks secretsmanager:GetSecretValue and kms:Decrypt on its secret cannot authenticate", async () => {
        // A Kafka topic as the on-failure destination: no other grant on the key.
        const s = validStack({ ...BASE, source: "msk-scram", onFailure: "kafka" });
        setStatements(
            s.rolePolicy,
            statementsOf(s.rolePolicy).filter((x) => {
                const a = JSON.stringify((x as { Action: unknown }).Action);
                return !a.includes("secretsmanager:GetSecretValue") && !(a === '"kms:Decrypt"');
            }),
        );
        const d = mandatory(await check(s.all));
        assert.deepStrictEqual(verdict(d), ["msk-mapping-role-permissions role"]);
        assert.match(d[0].message, new RegExp(`lacks secretsmanager:GetSecretValue on ${SECRET_ARN}, kms:Decrypt on ${KEY_ARN}`));
    });

    it("kms:Decrypt with a kms:ViaService condition for another service does not count for the secret", async () => {
        const s = validStack({ ...BASE, source: "msk-scram", onFailure: "kafka" });
        setStatements(
            s.rolePolicy,
            statementsOf(s.rolePolicy).map((x) =>
                JSON.stringify(x).includes("kms:ViaService")
                    ? { ...x, Condition: { StringEquals: { "kms:ViaService": "dynamodb.us-east-1.amazonaws.com" } } }
                    : x,
            ),
        );
        const d = mandatory(await check(s.all));
        assert.deepStrictEqual(verdict(d), ["msk-mapping-role-permissions role"]);
        assert.match(d[0].message, /lacks kms:Decrypt on /);
    });

    it("an SQS endpoint policy denying sqs:SendMessage stops a Kafka mapping's failure records", async () => {
        const s = validStack(BASE);
        const ep = s.byName.get("sqs-endpoint")!;
        ep.props.policy = doc([
            { Effect: "Allow", Principal: "*", Action: "*", Resource: "*" },
            { Sid: "NoSend", Effect: "Deny", Principal: "*", Action: "sqs:SendMessage", Resource: "*" },
        ]);
        const d = mandatory(await check(s.all));
        assert.deepStrictEqual(verdict(d), ["destination-kms-grants role"]);
        assert.match(d[0].message, /cannot use sqs:SendMessage on .* \(denied by statement NoSend of the policy of VPC endpoint 'sqs-endpoint'\)/);
    });

    it("an aws-native endpoint's PolicyDocument denying sqs:SendMessage stops a Kafka mapping's failure records too", async () => {
        const s = validStack({ ...BASE, provider: "aws-native" });
        const ep = s.byName.get("sqs-endpoint")!;
        ep.props.policyDocument = JSON.parse(
            doc([
                { Effect: "Allow", Principal: "*", Action: "*", Resource: "*" },
                { Sid: "NoSend", Effect: "Deny", Principal: "*", Action: "sqs:SendMessage", Resource: "*" },
            ]),
        );
        const d = mandatory(await check(s.all));
        assert.deepStrictEqual(verdict(d), ["destination-kms-grants role"]);
        assert.match(d[0].message, /denied by statement NoSend of the policy of VPC endpoint 'sqs-endpoint'/);
    });

    it("an endpoint policy that allows only other actions stops delivery too (an endpoint policy is an allow-list)", async () => {
        const s = validStack(BASE);
        s.byName.get("sqs-endpoint")!.props.policy = doc([{ Effect: "Allow", Principal: "*", Action: "sqs:ReceiveMessage", Resource: "*" }]);
        const d = mandatory(await check(s.all));
        assert.deepStrictEqual(verdict(d), ["destination-kms-grants role"]);
        assert.match(d[0].message, /not allowed by the policy of VPC endpoint 'sqs-endpoint'/);
    });

    /**
     * A refusal that rests on a condition the pack cannot evaluate (data-perimeter keys such as aws:PrincipalOrgID,
     * aws:SourceVpc, aws:RequestedRegion, resource tags, policy variables) may not happen in AWS (the account is in
     * the organization, the region matches): it is said as advisory on the role, never as a mandatory violation that
     * would block a valid stack. Generated over where it is written and which condition.
     */
    const UNDECIDABLE: Record<string, object> = {
        "aws:PrincipalOrgID": { StringNotEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } },
        "aws:SourceVpc (IfExists)": { StringNotEqualsIfExists: { "aws:SourceVpc": "vpc-0123456789abcdef0" } },
        "aws:RequestedRegion": { StringNotEquals: { "aws:RequestedRegion": "us-east-1" } },
        "aws:SourceVpce": { StringNotEquals: { "aws:SourceVpce": "vpce-0123" } },
    };
    const queuePolicy = (s: ReturnType<typeof validStack>, statement: object) =>
        res(
            "aws:sqs/queuePolicy:QueuePolicy",
            "qp",
            { queueUrl: `https://sqs.us-east-1.amazonaws.com/${ACCOUNT}/mapping-failures`, policy: doc([statement]) },
            { queueUrl: [s.byName.get("mapping-failures")!] },
        );
    for (const [key, Condition] of Object.entries(UNDECIDABLE)) {
        it(`a Deny on ${key} in the queue policy or the key policy, or an Allow on it in the role's policy, is advisory on the role`, async () => {
            const places: [string, (s: ReturnType<typeof validStack>) => void][] = [
                ["queue policy", (s) => s.all.push(queuePolicy(s, { Effect: "Deny", Principal: "*", Action: "sqs:SendMessage", Resource: "*", Condition }))],
                [
                    "key policy",
                    (s) => {
                        const st = JSON.parse(s.key.props.policy as string).Statement as object[];
                        s.key.props.policy = doc([...st, { Sid: "perimeter", Effect: "Deny", Principal: "*", Action: "kms:*", Resource: "*", Condition }]);
                    },
                ],
                [
                    "role policy Allow",
                    (s) =>
                        setStatements(
                            s.rolePolicy,
                            statementsOf(s.rolePolicy).map((x) => (JSON.stringify(x).includes("sqs:SendMessage") ? { ...x, Condition } : x)),
                        ),
                ],
            ];
            for (const [where, change] of places) {
                const s = validStack(BASE);
                change(s);
                const d = await check(s.all);
                assert.deepStrictEqual(verdict(d), [], `${key} in the ${where}: no mandatory violation`);
                const advisory = d.filter((x) => x.policy === "destination-kms-grants" && x.enforcementLevel === "advisory");
                assert.deepStrictEqual(
                    advisory.map((x) => x.urn.split("::").pop()),
                    ["role"],
                    `${key} in the ${where}: one advisory on the role`,
                );
                assert.match(advisory[0].message, /may be refused delivery .* on a condition the pack cannot evaluate/);
            }
        });
    }

    it("a Deny whose condition the pack decides true for Lambda's requests stays mandatory (aws:SecureTransport)", async () => {
        const s = validStack(BASE);
        s.all.push(
            queuePolicy(s, {
                Effect: "Deny",
                Principal: "*",
                Action: "sqs:SendMessage",
                Resource: "*",
                Condition: { Bool: { "aws:SecureTransport": "true" } },
            }),
        );
        const d = mandatory(await check(s.all));
        assert.deepStrictEqual(verdict(d), ["destination-kms-grants role"]);
        assert.match(d[0].message, /denied by statement 1 of queue policy 'qp'/);
    });

    it("a permissions boundary in the stack intersects: what it does not allow the role cannot do", async () => {
        const s = validStack({ ...BASE, source: "msk-scram" });
        const boundary = res("aws:iam/policy:Policy", "boundary", {
            arn: `arn:aws:iam::${ACCOUNT}:policy/boundary`,
            policy: doc([
                { Effect: "Allow", Action: ["ec2:*", "kafka:*", "logs:*", "kms:*"], Resource: "*" },
                { Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: SECRET_ARN },
            ]),
        });
        s.role.props.permissionsBoundary = boundary.props.arn;
        s.all.push(boundary);
        const d = mandatory(await check(s.all));
        assert.deepStrictEqual(verdict(d), ["destination-kms-grants role"]);
        assert.match(d[0].message, /cannot use sqs:SendMessage on .* \(not allowed by the role's permissions boundary\)/);
    });

    it("an Allow with a condition the pack cannot decide, or a policy variable, does not make a grant certain: advisory, not mandatory", async () => {
        for (const change of [
            (x: Record<string, unknown>) => ({ ...x, Condition: { StringEquals: { "aws:RequestTag/team": "orders" } } }),
            (x: Record<string, unknown>) => ({ ...x, Resource: "arn:aws:sqs:us-east-1:111122223333:${aws:PrincipalTag/queue}" }),
        ]) {
            const s = validStack(BASE);
            setStatements(
                s.rolePolicy,
                statementsOf(s.rolePolicy).map((x) => (JSON.stringify(x).includes("sqs:SendMessage") ? change(x as Record<string, unknown>) : x)),
            );
            const d = await check(s.all);
            assert.deepStrictEqual(verdict(d), []);
            const advisory = d.filter((x) => x.policy === "destination-kms-grants" && x.enforcementLevel === "advisory");
            assert.strictEqual(advisory.length, 1);
            assert.match(advisory[0].message, /sqs:SendMessage on .*not allowed by the role's policies, on a condition the pack cannot evaluate/);
        }
        // Without the grant at all, it is mandatory.
        const s = validStack(BASE);
        setStatements(
            s.rolePolicy,
            statementsOf(s.rolePolicy).filter((x) => !JSON.stringify(x).includes("sqs:SendMessage")),
        );
        const d = mandatory(await check(s.all));
        assert.deepStrictEqual(verdict(d), ["destination-kms-grants role"]);
        assert.match(d[0].message, /lacks sqs:SendMessage on/);
    });

    it("a mapping of a cluster without authentication is not said to use 'its secret' (it names none)", async () => {
        const s = validStack(BASE);
        const cluster = s.byName.get("cluster")!;
        cluster.props.clientAuthentication = { sasl: { iam: false, scram: false }, unauthenticated: true };
        setStatements(
            s.rolePolicy,
            statementsOf(s.rolePolicy).filter((x) => !JSON.stringify(x).includes("kafka:DescribeCluster")),
        );
        const d = mandatory(await check(s.all)).filter((x) => x.policy === "msk-mapping-role-permissions");
        assert.strictEqual(d.length, 1);
        assert.match(d[0].message, /cannot serve MSK mapping 'mapping' \(no authentication\)/);
        assert.doesNotMatch(d[0].message, /its secret/);
    });

    it("a broad managed policy used only as a permissions boundary is not a grant; attached to a role, it is judged", async () => {
        const boundaryDoc = doc([{ Effect: "Allow", NotAction: ["iam:*", "organizations:*"], Resource: "*" }]);
        for (const attached of [false, true]) {
            const s = validStack(BASE);
            const boundary = res("aws:iam/policy:Policy", "boundary", { arn: `arn:aws:iam::${ACCOUNT}:policy/boundary`, policy: boundaryDoc });
            s.role.props.permissionsBoundary = `arn:aws:iam::${ACCOUNT}:policy/boundary`;
            s.all.push(boundary);
            if (attached)
                s.all.push(
                    res(
                        "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
                        "attach-boundary",
                        { role: s.role.props.name, policyArn: `arn:aws:iam::${ACCOUNT}:policy/boundary` },
                        { policyArn: [boundary] },
                    ),
                );
            const v = verdict(await check(s.all)).filter((x) => x.startsWith("iam-least-privilege"));
            assert.deepStrictEqual(v, attached ? ["iam-least-privilege boundary"] : [], attached ? "attached as a grant" : "boundary only");
        }
    });

    it("a key policy Deny with a NotPrincipal naming only the account still denies the role (naming the role exempts it)", async () => {
        for (const [notPrincipal, denied] of [
            [`arn:aws:iam::${ACCOUNT}:root`, true],
            [ROLE_ARN, false],
        ] as const) {
            const s = validStack(BASE);
            const st = JSON.parse(s.key.props.policy as string).Statement as object[];
            s.key.props.policy = doc([...st, { Sid: "OnlyUs", Effect: "Deny", NotPrincipal: { AWS: notPrincipal }, Action: "kms:*", Resource: "*" }]);
            const d = mandatory(await check(s.all));
            assert.deepStrictEqual(verdict(d), denied ? ["destination-kms-grants role"] : [], notPrincipal);
            if (denied) assert.match(d[0].message, /denied by statement OnlyUs of the key policy/);
        }
    });

    it("a self-managed mapping's secret bootstrap servers: no diagnostic quotes their port, even where the egress lacks it", async () => {
        const s = validStack({ ...BASE, source: "self-managed" });
        s.mapping.props.selfManagedEventSource = { endpoints: { KAFKA_BOOTSTRAP_SERVERS: secret("hidden-broker.example.com:19096") } };
        const vpc = "vpc-0a23456789abcdef0";
        s.all.push(
            res("aws:ec2/subnet:Subnet", "sm-subnet", { id: "subnet-0a23456789abcdef0", vpcId: vpc, cidrBlock: "10.1.0.0/24" }),
            res("aws:ec2/securityGroup:SecurityGroup", "sm-sg", { id: "sg-0a23456789abcdef0", vpcId: vpc, egress: [] }),
        );
        const d = await check(s.all);
        assert.ok(
            d.some((x) => x.policy === "kafka-network-path" && /no outbound TCP on the port of its bootstrap servers/.test(x.message)),
            "the missing egress is reported",
        );
        for (const x of d) assert.doesNotMatch(x.message, /19096|hidden-broker/, x.policy);
    });

    it("a disabled destination key is refused (isEnabled: false)", async () => {
        const s = validStack(BASE);
        s.key.props.isEnabled = false;
        const d = mandatory(await check(s.all));
        assert.deepStrictEqual(verdict(d), ["destination-kms-grants key"]);
        assert.match(d[0].message, /is disabled \(isEnabled: false\)/);
    });

    it("a mapping on an MSK VPC connection is an MSK mapping: a 900 s timeout is caught", async () => {
        const s = validStack({ ...BASE, source: "vpc-connection" });
        s.fn.props.timeout = 900;
        assert.deepStrictEqual(verdict(await check(s.all)), ["msk-function-timeout consumer"]);
    });

    it("a mapping on an MSK VPC connection needs kafka:DescribeVpcConnection on it (cross-account mappings)", async () => {
        const s = validStack({ ...BASE, source: "vpc-connection" });
        setStatements(
            s.rolePolicy,
            statementsOf(s.rolePolicy).map((x) =>
                JSON.stringify(x).includes("kafka:DescribeVpcConnection") ? { ...x, Action: ["kafka:DescribeClusterV2", "kafka:GetBootstrapBrokers"] } : x,
            ),
        );
        const d = mandatory(await check(s.all));
        assert.deepStrictEqual(verdict(d), ["msk-mapping-role-permissions role"]);
        assert.match(d[0].message, /lacks kafka:DescribeVpcConnection on arn:aws:kafka:us-east-1:111122223333:vpc-connection\//);
    });

    it("a consumer invocable by a service principal without sourceArn/sourceAccount gets an advisory (confused deputy)", async () => {
        const s = validStack(BASE);
        const p = res(
            "aws:lambda/permission:Permission",
            "from-s3",
            { function: "consumer", action: "lambda:InvokeFunction", principal: "s3.amazonaws.com" },
            { function: [s.fn] },
        );
        const d = await check([...s.all, p]);
        assert.deepStrictEqual(verdict(d), []);
        const a = d.filter((x) => x.policy === "consumer-confused-deputy");
        assert.strictEqual(a.length, 1);
        assert.strictEqual(a[0].enforcementLevel, "advisory");
        assert.strictEqual(a[0].urn, p.urn);
        p.props.sourceArn = "arn:aws:s3:::my-bucket";
        assert.deepStrictEqual(
            (await check([...s.all, p])).filter((x) => x.policy === "consumer-confused-deputy"),
            [],
        );
    });
});

describe("policy pack: never block a valid stack (mandatory rules AWS makes moot)", function () {
    this.timeout(120000);

    it("an invoke config with destinations of two types judges each by its own type (both ARNs known)", async () => {
        for (const [f, s] of [
            ["sqs", "sns"],
            ["eventbridge", "lambda"],
            ["s3", "sqs"],
        ] as const) {
            const stack = validStack({ ...BASE, asyncFailure: f, asyncSuccess: s });
            assert.deepStrictEqual(verdict(await check(stack.all)), [], `${f} + ${s}`);
        }
    });

    it("in a first preview, an invoke config whose two destinations are not known yet gets a note, not a violation", async () => {
        const stack = validStack({ ...BASE, asyncFailure: "s3", asyncSuccess: "sqs" });
        const cfg = stack.byName.get("async")!;
        cfg.props.destinationConfig = { onFailure: { destination: UNKNOWN }, onSuccess: { destination: UNKNOWN } };
        const d = await check(stack.all);
        assert.deepStrictEqual(verdict(d), []);
        assert.ok(d.some((x) => x.policy === "destination-types" && /during preview/.test(x.message)));
    });

    it("key rotation is not asked where AWS forbids it: imported material, custom key stores, asymmetric and HMAC keys", async () => {
        const cases: [string, Record<string, unknown>][] = [
            ["aws-native:kms:Key", { origin: "EXTERNAL", enableKeyRotation: false }],
            ["aws:kms/key:Key", { customKeyStoreId: "cks-1234567890abcdef0" }],
            ["aws:kms/key:Key", { customerMasterKeySpec: "RSA_2048", keyUsage: "SIGN_VERIFY" }],
            ["aws-native:kms:Key", { keySpec: "HMAC_256", keyUsage: "GENERATE_VERIFY_MAC" }],
        ];
        for (const [type, props] of cases) assert.deepStrictEqual(verdict(await check(res(type, "k", props))), [], JSON.stringify(props));
        // ... while a symmetric key whose material AWS KMS generates must rotate, in either provider.
        assert.deepStrictEqual(verdict(await check(res("aws-native:kms:Key", "k", { origin: "AWS_KMS" }))), ["kms-key-rotation k"]);
        assert.deepStrictEqual(verdict(await check(res("aws:kms/key:Key", "k", {}))), ["kms-key-rotation k"]);
    });
});

export { DEST_ARN };
