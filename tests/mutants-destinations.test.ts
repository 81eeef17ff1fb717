/**
 * Verdicts of policies/rules/destinations.ts that `npm run mutate:pack -- --mutate policies/rules/destinations.ts`
 * found no test deciding (issue 21; bench/mutation/rules-destinations.md lists each survivor, and why the others are
 * equivalent). tests/mutants-delivery.test.ts holds the earlier ones. Each stack differs from its valid twin in one
 * value; the assertion is the policy, its enforcement level and the resources it names, never the message text.
 */
import * as assert from "assert";
import { ACCOUNT, check, CLUSTER_ARN, of, res, UNKNOWN, type Res } from "./helpers/pack";
import { consumer, KAFKA_GRANTS, KEY_ARN, KEY_ID, QUEUE_ARN, ROLE_ARN, SEND, USE_KEY } from "./helpers/destination-consumer";
import { DEST_ARN, doc, validStack, type Choice } from "./helpers/valid-stack";

const ESM = "aws:lambda/eventSourceMapping:EventSourceMapping";
const FN = "aws:lambda/function:Function";
const KEY = "aws:kms/key:Key";
const INVOKE = "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig";
const BUCKET_ARN = "arn:aws:s3:::failures-bucket";
/** `enforcement urn` of one policy's diagnostics, in the order sent (a duplicate shows twice; a stack note's urn is ""). */
async function verdicts(stack: Res[], policy: string): Promise<string[]> {
    return of(await check(stack), policy).map((d) => `${d.enforcementLevel} ${d.enforcementLevel === "mandatory" ? d.urn : ""}`.trim());
}

const GRANTS = "destination-kms-grants";
const NOTE = ["advisory"];

describe("rules/destinations.ts: verdicts mutation testing found undecided (issue 21)", function () {
    this.timeout(60000);

    it("the clean consumer draws no mandatory violation", async () => {
        const d = await check(consumer().all);
        assert.deepStrictEqual(
            d.filter((x) => x.enforcementLevel === "mandatory").map((x) => x.policy),
            [],
        );
    });

    describe("destination-encryption and s3-destination-protection", () => {
        const sseRes = (b: Res, sseAlgorithm: string, deps: Res[]) =>
            res(
                "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
                "sse",
                { bucket: "failures-bucket", rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm, kmsMasterKeyId: KEY_ARN } }] },
                { bucket: [b], rules: deps },
            );
        const toBucket = (b: Res) =>
            res(
                ESM,
                "m",
                { eventSourceArn: CLUSTER_ARN, topics: ["orders"], functionName: "f", destinationConfig: { onFailure: { destinationArn: BUCKET_ARN } } },
                { destinationConfig: [b] },
            );
        // AES256 (S3-managed keys) with a kmsMasterKeyId left in: the key is not used, the bucket is not encrypted with it.
        it("a bucket whose SSE resource says AES256 but names a KMS key: destination-encryption on the bucket", async () => {
            const k = res(KEY, "key", { arn: KEY_ARN, keyId: KEY_ID, enableKeyRotation: true });
            const b = res("aws:s3/bucket:Bucket", "bucket", { bucket: "failures-bucket", arn: BUCKET_ARN });
            assert.deepStrictEqual(await verdicts([k, b, sseRes(b, "AES256", [k]), toBucket(b)], "destination-encryption"), [`mandatory ${b.urn}`]);
        });
        it("a bucket whose own SSE says AES256 but names a KMS key: destination-encryption on the bucket", async () => {
            const k = res(KEY, "key", { arn: KEY_ARN, keyId: KEY_ID, enableKeyRotation: true });
            const b = res("aws:s3/bucket:Bucket", "bucket", {
                bucket: "failures-bucket",
                arn: BUCKET_ARN,
                serverSideEncryptionConfiguration: { rule: { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256", kmsMasterKeyId: KEY_ARN } } },
            });
            assert.deepStrictEqual(await verdicts([k, b, toBucket(b)], "destination-encryption"), [`mandatory ${b.urn}`]);
        });
        it("an unencrypted queue named by two mappings: destination-encryption on it once", async () => {
            const c = consumer({ queue: { kmsMasterKeyId: undefined }, queueDeps: {} });
            const stack = [...c.all.filter((r) => r !== c.key), c.mappingNamed("mapping-2", "payments")];
            assert.deepStrictEqual(await verdicts(stack, "destination-encryption"), [`mandatory ${c.queue.urn}`]);
        });
        it("an unversioned bucket named by two mappings: s3-destination-protection on it once", async () => {
            const b = res("aws:s3/bucket:Bucket", "bucket", { bucket: "failures-bucket", arn: BUCKET_ARN });
            const pab = res(
                "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
                "pab",
                { bucket: "failures-bucket", blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
                { bucket: [b] },
            );
            const second = res(ESM, "m2", { ...toBucket(b).props, topics: ["payments"] }, { destinationConfig: [b] });
            assert.deepStrictEqual(await verdicts([b, pab, toBucket(b), second], "s3-destination-protection"), [`mandatory ${b.urn}`]);
        });
    });

    describe("destination-kms-grants: which requests, which key", () => {
        it("a function async destination that shares its name with a bucket encrypted by a disabled key: nothing (the key is the bucket's, not the function's)", async () => {
            const c = consumer();
            const archiveArn = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:archive`;
            const archive = res(FN, "archive", { name: "archive", arn: archiveArn, role: `arn:aws:iam::${ACCOUNT}:role/archive-role`, timeout: 30 });
            const other = res(KEY, "other-key", {
                arn: `arn:aws:kms:us-east-1:${ACCOUNT}:key/bbbbbbbb-bbbb-cccc-dddd-eeeeeeeeeeee`,
                keyId: "bbbbbbbb-bbbb-cccc-dddd-eeeeeeeeeeee",
                enableKeyRotation: true,
                isEnabled: false,
            });
            const bucket = res("aws:s3/bucket:Bucket", "archive-bucket", { bucket: "archive", arn: "arn:aws:s3:::archive" });
            const sse = res(
                "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
                "archive-sse",
                { bucket: "archive", rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: other.props.arn } }] },
                { bucket: [bucket], rules: [other] },
            );
            const invoke = res(
                INVOKE,
                "async",
                { functionName: "consumer", destinationConfig: { onFailure: { destination: archiveArn } } },
                { functionName: [c.fn] },
            );
            const policy = res(
                "aws:iam/rolePolicy:RolePolicy",
                "role-policy",
                {
                    role: "consumer-role",
                    policy: doc([...KAFKA_GRANTS, SEND, USE_KEY, { Effect: "Allow", Action: "lambda:InvokeFunction", Resource: archiveArn }]),
                },
                { role: [c.role] },
            );
            const stack = [...c.all.map((r) => (r === c.policy ? policy : r)), archive, other, bucket, sse, invoke];
            assert.deepStrictEqual(await verdicts(stack, GRANTS), []);
        });
        it("a dead-letter queue the role cannot send to: destination-kms-grants on the role", async () => {
            const c = consumer({ statements: [USE_KEY] });
            const fn = res(FN, "fn", { ...c.fn.props, deadLetterConfig: { targetArn: QUEUE_ARN } }, { role: [c.role] });
            assert.deepStrictEqual(await verdicts([c.role, c.policy, fn, c.key, c.queue], GRANTS), [`mandatory ${c.role.urn}`]);
        });
        it("an on-failure ARN not known yet that depends on a queue the role cannot send to: destination-kms-grants on the role (the queue's ARN is judged)", async () => {
            const c = consumer({ statements: [USE_KEY] });
            const m = c.mappingNamed("mapping", "orders", { destinationConfig: { onFailure: { destinationArn: UNKNOWN } } }, { destinationConfig: [c.queue] });
            assert.deepStrictEqual(await verdicts([...c.all.filter((r) => r !== c.m), m], GRANTS), [`mandatory ${c.role.urn}`]);
        });
        it("two functions of one role, each a mapping's, sending to one queue the role cannot send to: destination-kms-grants on the role once", async () => {
            const c = consumer({ statements: [USE_KEY] });
            const fn2Arn = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:consumer-2`;
            const fn2 = res(FN, "fn-2", { name: "consumer-2", arn: fn2Arn, role: ROLE_ARN, timeout: 60 }, { role: [c.role] });
            const m2 = res(ESM, "mapping-2", { ...c.m.props, functionName: fn2Arn, topics: ["payments"] }, { functionName: [fn2] });
            assert.deepStrictEqual(await verdicts([...c.all, fn2, m2], GRANTS), [`mandatory ${c.role.urn}`]);
        });
        it("a bare name (not an ARN) that a function and an event bus both carry: the bus is judged, not the function", async () => {
            // destination-types refuses the name; destination-kms-grants judges the destination that is not a function.
            const c = consumer({ statements: [{ Effect: "Allow", Action: "events:PutEvents", Resource: "*" }] });
            const fn2 = res(FN, "fn-2", { name: "failures", arn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:failures`, role: ROLE_ARN, timeout: 60 });
            const bus = res("aws:cloudwatch/eventBus:EventBus", "bus", { name: "failures", arn: `arn:aws:events:us-east-1:${ACCOUNT}:event-bus/failures` });
            const m = c.mappingNamed("mapping", "orders", { destinationConfig: { onFailure: { destinationArn: "failures" } } });
            assert.deepStrictEqual(await verdicts([c.role, c.policy, c.fn, fn2, bus, m], GRANTS), []);
        });
    });

    describe("destination-kms-grants: the destination's key", () => {
        it("a queue key not known yet, with no dependency: a preview note", async () => {
            const c = consumer({ queue: { kmsMasterKeyId: UNKNOWN }, queueDeps: {} });
            assert.deepStrictEqual(await verdicts(c.all, GRANTS), NOTE);
        });
        it("a queue key of the stack whose ARN is not known yet: a preview note", async () => {
            const c = consumer({ key: { arn: UNKNOWN }, queue: { kmsMasterKeyId: UNKNOWN } });
            assert.deepStrictEqual(await verdicts(c.all, GRANTS), NOTE);
        });
        it("a queue key of the stack with no ARN at all, named by its id: nothing, not even a note", async () => {
            const c = consumer({ key: { arn: undefined }, queue: { kmsMasterKeyId: KEY_ID } });
            assert.deepStrictEqual(await verdicts(c.all, GRANTS), []);
        });
        it("a queue key whose isEnabled is not known yet: a preview note", async () => {
            assert.deepStrictEqual(await verdicts(consumer({ key: { isEnabled: UNKNOWN } }).all, GRANTS), NOTE);
        });
        it('a queue key with isEnabled "false" (a string): destination-kms-grants on the key', async () => {
            const c = consumer({ key: { isEnabled: "false" } });
            assert.deepStrictEqual(await verdicts(c.all, GRANTS), [`mandatory ${c.key.urn}`]);
        });
        it("a disabled key of a queue named by two mappings: destination-kms-grants on the key once", async () => {
            const c = consumer({ key: { isEnabled: false } });
            assert.deepStrictEqual(await verdicts([...c.all, c.mappingNamed("mapping-2", "payments")], GRANTS), [`mandatory ${c.key.urn}`]);
        });
        // kms:ViaService is the service that uses the key for the role, in the destination's region (AWS KMS Developer
        // Guide, "kms:ViaService"); an S3 bucket's ARN has no region, so the key's is taken.
        const via = (service: string, resource: string) => ({
            ...USE_KEY,
            Resource: resource,
            Condition: { StringEquals: { "kms:ViaService": `${service}.us-east-1.amazonaws.com` } },
        });
        it("a role that may use the queue's key only through SQS: passes", async () => {
            assert.deepStrictEqual(await verdicts(consumer({ statements: [SEND, via("sqs", KEY_ARN)] }).all, GRANTS), []);
        });
        it("a role that may use the queue's key (of another region) only through SQS in the queue's region: passes", async () => {
            const west = `arn:aws:kms:us-west-2:${ACCOUNT}:key/${KEY_ID}`;
            const c = consumer({ key: { arn: west }, queue: { kmsMasterKeyId: west }, statements: [SEND, via("sqs", west)] });
            assert.deepStrictEqual(await verdicts(c.all, GRANTS), []);
        });
        it("a role that may use the bucket's key only through S3 (in the key's region): passes", async () => {
            const c = consumer({
                statements: [
                    { Effect: "Allow", Action: "s3:PutObject", Resource: `${BUCKET_ARN}/*` },
                    { Effect: "Allow", Action: "s3:ListBucket", Resource: BUCKET_ARN },
                    via("s3", KEY_ARN),
                ],
            });
            const b = res("aws:s3/bucket:Bucket", "bucket", { bucket: "failures-bucket", arn: BUCKET_ARN });
            const sse = res(
                "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
                "sse",
                { bucket: "failures-bucket", rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: KEY_ARN } }] },
                { bucket: [b], rules: [c.key] },
            );
            const m = c.mappingNamed("mapping", "orders", { destinationConfig: { onFailure: { destinationArn: BUCKET_ARN } } }, { destinationConfig: [b] });
            assert.deepStrictEqual(await verdicts([c.role, c.policy, c.fn, c.key, b, sse, m], GRANTS), []);
        });
    });

    describe("destination-kms-grants: the role's boundary and policies", () => {
        const POLICY = "aws:iam/policy:Policy";
        const BOUNDARY_ARN = `arn:aws:iam::${ACCOUNT}:policy/boundary`;
        it("a permissions boundary not known yet: a preview note", async () => {
            assert.deepStrictEqual(await verdicts(consumer({ role: { permissionsBoundary: UNKNOWN } }).all, GRANTS), NOTE);
        });
        it("a permissions boundary in the stack that does not allow sqs:SendMessage: destination-kms-grants on the role", async () => {
            const boundary = res(POLICY, "boundary", {
                arn: BOUNDARY_ARN,
                policy: doc([{ Effect: "Allow", Action: ["ec2:*", "kafka:*", "kafka-cluster:*", "kms:*"], Resource: "*" }]),
            });
            const c = consumer({ role: { permissionsBoundary: BOUNDARY_ARN } });
            assert.deepStrictEqual(await verdicts([...c.all, boundary], GRANTS), [`mandatory ${c.role.urn}`]);
        });
        describe("a resource policy that names the role grants by itself (IAM: evaluating policies within a single account)", () => {
            const ROOT = { Sid: "root", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "kms:*", Resource: "*" };
            const toRole = (principal: unknown) => ({ Effect: "Allow", Principal: principal, Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: "*" });
            const policy = (...st: object[]) => JSON.stringify({ Version: "2012-10-17", Statement: st });
            it("the key policy names the role, the role's policies lack the key: passes", async () => {
                const c = consumer({ statements: [SEND], key: { policy: policy(ROOT, toRole({ AWS: ROLE_ARN })) } });
                assert.deepStrictEqual(await verdicts(c.all, GRANTS), []);
            });
            it("the same with a permissions boundary outside the stack: passes", async () => {
                const c = consumer({
                    statements: [SEND],
                    key: { policy: policy(ROOT, toRole({ AWS: ROLE_ARN })) },
                    role: { permissionsBoundary: `arn:aws:iam::${ACCOUNT}:policy/central-boundary` },
                });
                assert.deepStrictEqual(await verdicts(c.all, GRANTS), []);
            });
            it("the key policy names only the account root (it delegates to IAM policies): refused on the role", async () => {
                const c = consumer({ statements: [SEND], key: { policy: policy(ROOT) } });
                assert.deepStrictEqual(await verdicts(c.all, GRANTS), [`mandatory ${c.role.urn}`]);
            });
            it("the key policy names another role: refused on the role", async () => {
                const c = consumer({ statements: [SEND], key: { policy: policy(ROOT, toRole({ AWS: `arn:aws:iam::${ACCOUNT}:role/other` })) } });
                assert.deepStrictEqual(await verdicts(c.all, GRANTS), [`mandatory ${c.role.urn}`]);
            });
        });
        it("a permissions boundary in the stack that allows what the role needs: passes (a boundary has no Principal to match)", async () => {
            const boundary = res(POLICY, "boundary", {
                arn: BOUNDARY_ARN,
                policy: doc([{ Effect: "Allow", Action: ["ec2:*", "kafka:*", "kafka-cluster:*", "kms:*", "sqs:SendMessage"], Resource: "*" }]),
            });
            const c = consumer({ role: { permissionsBoundary: BOUNDARY_ARN } });
            assert.deepStrictEqual(await verdicts([...c.all, boundary], GRANTS), []);
        });
        it("a permissions boundary outside the stack grants nothing: what the role's policies lack is still refused (as msk-mapping-role-permissions)", async () => {
            const c = consumer({ statements: [USE_KEY], role: { permissionsBoundary: `arn:aws:iam::${ACCOUNT}:policy/central-boundary` } });
            assert.deepStrictEqual(await verdicts(c.all, GRANTS), [`mandatory ${c.role.urn}`]);
        });
        it("a permissions boundary outside the stack, the role's policies granting what it needs: passes (the boundary is not read)", async () => {
            const c = consumer({ role: { permissionsBoundary: `arn:aws:iam::${ACCOUNT}:policy/central-boundary` } });
            assert.deepStrictEqual(await verdicts(c.all, GRANTS), []);
        });
        it("a role policy not known yet, lacking sqs:SendMessage as far as known: a preview note", async () => {
            const c = consumer({ statements: [USE_KEY] });
            const later = res("aws:iam/rolePolicy:RolePolicy", "later-policy", { role: "consumer-role", policy: UNKNOWN }, { role: [c.role] });
            assert.deepStrictEqual(await verdicts([...c.all, later], GRANTS), NOTE);
        });
    });

    describe("destination-kms-grants: VPC endpoint policies (the Kafka cluster's VPC)", () => {
        const BASE: Choice = { provider: "aws", source: "msk-iam", onFailure: "sqs", asyncFailure: "none", asyncSuccess: "none" };
        const deny = (action: string, resource: string | string[] = "*") =>
            doc([
                { Effect: "Allow", Principal: "*", Action: "*", Resource: "*" },
                { Effect: "Deny", Principal: "*", Action: action, Resource: resource },
            ]);
        for (const [onFailure, action] of [
            ["sns", "sns:Publish"],
            ["s3", "s3:PutObject"],
        ] as const) {
            it(`an ${onFailure} endpoint policy denying ${action}: destination-kms-grants on the role`, async () => {
                const s = validStack({ ...BASE, onFailure });
                s.byName.get(`${onFailure}-endpoint`)!.props.policy = deny(action);
                assert.deepStrictEqual(await verdicts(s.all, GRANTS), [`mandatory ${s.role.urn}`]);
            });
        }
        it("an SQS endpoint denying sqs:SendMessage in a VPC that is not the cluster's: passes", async () => {
            const s = validStack(BASE);
            const vpc = res("aws:ec2/vpc:Vpc", "other-vpc", { id: "vpc-0fedcba9876543210", cidrBlock: "10.1.0.0/16" });
            const ep = res(
                "aws:ec2/vpcEndpoint:VpcEndpoint",
                "other-sqs-endpoint",
                { vpcId: "vpc-0fedcba9876543210", serviceName: "com.amazonaws.us-east-1.sqs", vpcEndpointType: "Interface", policy: deny("sqs:SendMessage") },
                { vpcId: [vpc] },
            );
            assert.deepStrictEqual(await verdicts([...s.all, vpc, ep], GRANTS), []);
        });
        it("an async on-failure queue denied by the cluster VPC's SQS endpoint: passes (async records do not leave through it)", async () => {
            const s = validStack({ ...BASE, asyncFailure: "sqs" });
            s.byName.get("sqs-endpoint")!.props.policy = deny("sqs:SendMessage", DEST_ARN.sqs("async-failures"));
            assert.deepStrictEqual(await verdicts(s.all, GRANTS), []);
        });
        it("a Kafka mapping whose on-failure destination is a Lambda function, with the Lambda endpoint denying lambda:InvokeFunction: destination-types only", async () => {
            const s = validStack(BASE);
            const target = res(FN, "failure-fn", { name: "failure-fn", arn: DEST_ARN.lambda("failure-fn"), role: ROLE_ARN, timeout: 30 });
            s.mapping.props.destinationConfig = { onFailure: { destinationArn: DEST_ARN.lambda("failure-fn") } };
            const policy = JSON.parse(s.rolePolicy.props.policy as string);
            policy.Statement.push({ Effect: "Allow", Action: "lambda:InvokeFunction", Resource: DEST_ARN.lambda("failure-fn") });
            s.rolePolicy.props.policy = JSON.stringify(policy);
            s.byName.get("lambda-endpoint")!.props.policy = deny("lambda:InvokeFunction", DEST_ARN.lambda("failure-fn"));
            const d = await check([...s.all, target]);
            assert.deepStrictEqual(
                of(d, "destination-types").map((x) => `${x.enforcementLevel} ${x.urn}`),
                [`mandatory ${s.mapping.urn}`],
            );
            assert.deepStrictEqual(of(d, GRANTS), []);
        });
    });
});
