/**
 * Verdicts of policies/rules/resource-policies.ts that `npm run mutate:pack -- --mutate
 * policies/rules/resource-policies.ts` found no test deciding (issue 21; bench/mutation/rules-resource-policies.md lists
 * each survivor and why the others are equivalent). Each stack differs from its twin in one value; the assertion is the
 * policy, its level and the resource it names, or a preview note.
 */
import * as assert from "assert";
import { ACCOUNT, check, CLUSTER_ARN, res, UNKNOWN, type Res } from "./helpers/pack";

const KEY = "aws:kms/key:Key";
const ESM = "aws:lambda/eventSourceMapping:EventSourceMapping";
const FN = "aws:lambda/function:Function";
const PERMISSION = "aws:lambda/permission:Permission";
const ROOT = `arn:aws:iam::${ACCOUNT}:root`;
const PUBLIC = "no-public-resource-policies";
const DEPUTY = "consumer-confused-deputy";

/** What one policy says about a stack: "<level> <name>" per resource it names, "note" for a preview note, sorted. */
async function verdict(stack: Res | Res[], policy: string): Promise<string[]> {
    const list = Array.isArray(stack) ? stack : [stack];
    const names = new Map(list.map((r) => [r.urn, r.name]));
    const out = (await check(list))
        .filter((d) => d.policy === policy)
        .map((d) => (/can't run policy .* during preview/.test(d.message) ? "note" : `${d.enforcementLevel} ${names.get(d.urn) ?? d.urn}`));
    return [...new Set(out)].sort();
}

/** A key whose policy (an object document, so values not known yet stay in place) holds one statement. */
const key = (statement: Record<string, unknown>) =>
    res(KEY, "k", {
        enableKeyRotation: true,
        policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "kms:*", Resource: "*", ...statement }] },
    });
/** The same, open to everyone but for `Condition`. */
const conditioned = (Condition: unknown) => key({ Principal: { AWS: "*" }, Condition });

describe("rules/resource-policies.ts: verdicts mutation testing found undecided (issue 21)", function () {
    this.timeout(60000);

    describe("no-public-resource-policies: who a statement names", () => {
        const cases: [string, Record<string, unknown>, string[]][] = [
            ['Principal "*"', { Principal: "*" }, ["mandatory k"]],
            ["Principal an account root (a string)", { Principal: ROOT }, []],
            ["Principal a service", { Principal: { Service: "lambda.amazonaws.com" } }, []],
            ['Principal {CanonicalUser: "*"}', { Principal: { CanonicalUser: "*" } }, ["mandatory k"]],
            ['Principal {AWS: [root, "*"]}', { Principal: { AWS: [ROOT, "*"] } }, ["mandatory k"]],
            ["Principal not known yet", { Principal: UNKNOWN }, ["note"]],
            ["Principal {AWS: not known yet}", { Principal: { AWS: UNKNOWN } }, ["note"]],
            ["Principal {CanonicalUser: not known yet}", { Principal: { CanonicalUser: UNKNOWN } }, ["note"]],
            ["Principal {AWS: [root, not known yet]}", { Principal: { AWS: [ROOT, UNKNOWN] } }, ["note"]],
            ['Principal {AWS: ["*", not known yet]}', { Principal: { AWS: ["*", UNKNOWN] } }, ["mandatory k"]],
            ["Principal null", { Principal: null }, []],
            ['Effect Deny with Principal "*"', { Effect: "Deny", Principal: "*" }, []],
            ["Principal not known yet, with a narrowing condition", { Principal: UNKNOWN, Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT } } }, []],
        ];
        for (const [what, statement, expected] of cases) {
            it(`${what}: ${expected.join(", ") || "passes"}`, async () => {
                assert.deepStrictEqual(await verdict(key(statement), PUBLIC), expected);
            });
        }
    });

    describe("no-public-resource-policies: which conditions narrow the caller", () => {
        const cases: [string, unknown, string[]][] = [
            ["Condition not known yet", UNKNOWN, ["note"]],
            ["Condition a list", [{ StringEquals: { "aws:SourceAccount": ACCOUNT } }], ["mandatory k"]],
            ["operator and key in other cases (stringequals, AWS:SOURCEACCOUNT)", { stringequals: { "AWS:SOURCEACCOUNT": ACCOUNT } }, []],
            ["ForAllValues:StringEquals", { "ForAllValues:StringEquals": { "aws:SourceAccount": ACCOUNT } }, ["mandatory k"]],
            ["ForAnyValue:StringEquals", { "ForAnyValue:StringEquals": { "aws:SourceAccount": ACCOUNT } }, []],
            ["ArnNotLike", { ArnNotLike: { "aws:SourceArn": `arn:aws:sns:us-east-1:${ACCOUNT}:t` } }, ["mandatory k"]],
            ["Null", { Null: { "aws:SourceAccount": "false" } }, ["mandatory k"]],
            ["Bool", { Bool: { "aws:SourceAccount": "true" } }, ["mandatory k"]],
            ["an operator's block not known yet", { StringEquals: UNKNOWN }, ["note"]],
            [
                // Operators are read in name order (the protocol's Struct sorts keys): the null block comes first.
                "an operator's block null (ArnEquals), then a concrete account (StringEquals)",
                { ArnEquals: null, StringEquals: { "aws:SourceAccount": ACCOUNT } },
                [],
            ],
            ["an operator's block a string", { StringEquals: "aws:SourceAccount" }, ["mandatory k"]],
            ["a key that does not name the caller (aws:UserAgent)", { StringEquals: { "aws:UserAgent": "x" } }, ["mandatory k"]],
            ["an empty list of accounts", { StringEquals: { "aws:SourceAccount": [] } }, ["mandatory k"]],
            ["an account not known yet", { StringEquals: { "aws:SourceAccount": UNKNOWN } }, ["note"]],
            ["an account and one not known yet", { StringEquals: { "aws:SourceAccount": [ACCOUNT, UNKNOWN] } }, ["note"]],
            [
                "an account not known yet, then a concrete organisation",
                { StringEquals: { "aws:SourceAccount": UNKNOWN, "aws:PrincipalOrgID": "o-abc123" } },
                [],
            ],
            ["an account and a wildcard", { StringEquals: { "aws:SourceAccount": [ACCOUNT, "*"] } }, ["mandatory k"]],
            ["an account with a ? wildcard", { StringLike: { "aws:SourceAccount": "11112222333?" } }, ["mandatory k"]],
            ["an account given as a number", { NumericEquals: { "aws:SourceAccount": Number(ACCOUNT) } }, []],
            ['an empty account ("")', { StringEquals: { "aws:SourceAccount": "" } }, ["mandatory k"]],
            ["an account given as a boolean", { StringEquals: { "aws:SourceAccount": true } }, ["mandatory k"]],
            ["aws:SourceArn with a concrete account", { ArnLike: { "aws:SourceArn": `arn:aws:sns:us-east-1:${ACCOUNT}:t*` } }, []],
            ["aws:SourceArn with no account part", { ArnLike: { "aws:SourceArn": "arn:aws:sns" } }, ["mandatory k"]],
            ["aws:SourceArn with a short account", { ArnLike: { "aws:SourceArn": "arn:aws:sns:us-east-1:1111:t" } }, ["mandatory k"]],
            ["aws:PrincipalArn with a concrete account", { ArnLike: { "aws:PrincipalArn": `arn:aws:iam::${ACCOUNT}:role/*` } }, []],
            ["aws:PrincipalArn with a wildcard account", { ArnLike: { "aws:PrincipalArn": "arn:aws:iam::*:role/x" } }, ["mandatory k"]],
            ["aws:SourceOrgPaths under a concrete organisation", { StringLike: { "aws:SourceOrgPaths": "o-abc123/r-ab12/*" } }, []],
            ['aws:SourceOrgPaths with an empty organisation ("o-")', { StringLike: { "aws:SourceOrgPaths": "o-/r-ab12/*" } }, ["mandatory k"]],
            ["aws:PrincipalOrgPaths with a ? in the organisation", { StringLike: { "aws:PrincipalOrgPaths": "o-abc12?/r-ab12/*" } }, ["mandatory k"]],
            ["aws:PrincipalOrgPaths with no o- prefix", { StringLike: { "aws:PrincipalOrgPaths": "r-ab12/*" } }, ["mandatory k"]],
        ];
        for (const [what, condition, expected] of cases) {
            it(`${what}: ${expected.join(", ") || "passes"}`, async () => {
                assert.deepStrictEqual(await verdict(conditioned(condition), PUBLIC), expected);
            });
        }
    });

    describe("no-public-resource-policies: which documents are judged", () => {
        const open = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: "*", Action: "*", Resource: "*" }] });
        const failureTo = (arn: string, deps: Res[] = []) =>
            res(
                ESM,
                "m",
                { eventSourceArn: CLUSTER_ARN, topics: ["t"], functionName: "f", destinationConfig: { onFailure: { destinationArn: arn } } },
                deps.length ? { destinationConfig: deps } : {},
            );
        it("an SNS topic's own open policy, and a lone TopicPolicy: refused", async () => {
            assert.deepStrictEqual(await verdict(res("aws:sns/topic:Topic", "t", { name: "t", policy: open }), PUBLIC), ["mandatory t"]);
            const tp = res("aws:sns/topicPolicy:TopicPolicy", "tp", { arn: `arn:aws:sns:us-east-1:${ACCOUNT}:elsewhere`, policy: open });
            assert.deepStrictEqual(await verdict(tp, PUBLIC), ["mandatory tp"]);
        });
        it("a queue's own open policy, not a destination: refused", async () => {
            assert.deepStrictEqual(await verdict(res("aws:sqs/queue:Queue", "q", { name: "q", policy: open }), PUBLIC), ["mandatory q"]);
        });
        it("an aws:s3/bucket:Bucket destination's own open policy: refused; the same bucket not a destination: passes", async () => {
            const b = res("aws:s3/bucket:Bucket", "b", { bucket: "failures", arn: "arn:aws:s3:::failures", policy: open });
            assert.deepStrictEqual(await verdict([b, failureTo("arn:aws:s3:::failures")], PUBLIC), ["mandatory b"]);
            assert.deepStrictEqual(await verdict([b], PUBLIC), []);
        });
        it("a BucketPolicy that names a destination bucket known only by its id: refused", async () => {
            const b = res("aws:s3/bucketV2:BucketV2", "b", { id: "failures", arn: "arn:aws:s3:::failures" });
            const bp = res("aws:s3/bucketPolicy:BucketPolicy", "bp", { bucket: "failures", policy: open });
            assert.deepStrictEqual(await verdict([b, bp, failureTo("arn:aws:s3:::failures")], PUBLIC), ["mandatory bp"]);
        });
        it("a BucketPolicy whose bucket is not known yet but depends on the destination bucket: refused", async () => {
            const b = res("aws:s3/bucketV2:BucketV2", "b", { bucket: "failures", arn: "arn:aws:s3:::failures" });
            const bp = res("aws:s3/bucketPolicy:BucketPolicy", "bp", { bucket: UNKNOWN, policy: open }, { bucket: [b] });
            assert.deepStrictEqual(await verdict([b, bp, failureTo("arn:aws:s3:::failures")], PUBLIC), ["mandatory bp"]);
        });
        it("a BucketPolicy whose bucket is not known yet, with no dependency on the destination bucket (its name not known yet either): not judged", async () => {
            // Two values not known yet are not the same value: the policy may be any bucket's.
            const b = res("aws:s3/bucketV2:BucketV2", "b", { bucket: UNKNOWN, arn: UNKNOWN });
            const bp = res("aws:s3/bucketPolicy:BucketPolicy", "bp", { bucket: UNKNOWN, policy: open });
            assert.deepStrictEqual(await verdict([b, bp, failureTo(UNKNOWN, [b])], PUBLIC), []);
        });
        it("a BucketPolicy of another bucket: passes", async () => {
            const b = res("aws:s3/bucketV2:BucketV2", "b", { bucket: "failures", arn: "arn:aws:s3:::failures" });
            const bp = res("aws:s3/bucketPolicy:BucketPolicy", "bp", { bucket: "website", policy: open });
            assert.deepStrictEqual(await verdict([b, bp, failureTo("arn:aws:s3:::failures")], PUBLIC), []);
        });
    });

    describe("Lambda permissions on Kafka consumer functions", () => {
        const fn = res(FN, "fn", { name: "consumer", arn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:consumer`, role: `arn:aws:iam::${ACCOUNT}:role/r` });
        const kafka = res(
            ESM,
            "m",
            { eventSourceArn: CLUSTER_ARN, topics: ["t"], functionName: "consumer", startingPosition: "LATEST" },
            { functionName: [fn] },
        );
        const selfManaged = res(
            ESM,
            "m",
            {
                selfManagedEventSource: { endpoints: { KAFKA_BOOTSTRAP_SERVERS: "b-1.example.com:9092" } },
                functionName: "consumer",
                startingPosition: "LATEST",
            },
            { functionName: [fn] },
        );
        const sqs = res(ESM, "m", { eventSourceArn: `arn:aws:sqs:us-east-1:${ACCOUNT}:q`, functionName: "consumer" }, { functionName: [fn] });
        const permission = (props: Record<string, unknown>) =>
            res(PERMISSION, "perm", { action: "lambda:InvokeFunction", function: "consumer", ...props }, { function: [fn] });

        const publicCases: [string, Res, Record<string, unknown>, string[]][] = [
            ["principal * on a self-managed Kafka consumer", selfManaged, { principal: "*" }, ["mandatory perm"]],
            ["principal * on an SQS consumer", sqs, { principal: "*" }, []],
            ["principal * with a sourceArn", kafka, { principal: "*", sourceArn: "arn:aws:s3:::b" }, []],
            ["principal * with a wildcard sourceArn", kafka, { principal: "*", sourceArn: "arn:aws:s3:::b*" }, ["mandatory perm"]],
            ["principal * with a principalOrgId", kafka, { principal: "*", principalOrgId: "o-abc123" }, []],
            ['principal * with sourceAccount ""', kafka, { principal: "*", sourceAccount: "" }, ["mandatory perm"]],
            ["principal * with sourceArn not known yet", kafka, { principal: "*", sourceArn: UNKNOWN }, ["note"]],
            ["principal not known yet", kafka, { principal: UNKNOWN }, ["note"]],
            ["principal an account", kafka, { principal: ACCOUNT }, []],
        ];
        for (const [what, m, props, expected] of publicCases) {
            it(`${PUBLIC}: ${what}: ${expected.join(", ") || "passes"}`, async () => {
                assert.deepStrictEqual(await verdict([fn, m, permission(props)], PUBLIC), expected);
            });
        }

        const deputyCases: [string, Record<string, unknown>, string[]][] = [
            ["s3.amazonaws.com with nothing naming the caller", { principal: "s3.amazonaws.com" }, ["advisory perm"]],
            ["s3.amazonaws.com with a wildcard sourceArn", { principal: "s3.amazonaws.com", sourceArn: "arn:aws:s3:::b*" }, []],
            ["s3.amazonaws.com with a sourceAccount", { principal: "s3.amazonaws.com", sourceAccount: ACCOUNT }, []],
            ["s3.amazonaws.com with a principalOrgId only", { principal: "s3.amazonaws.com", principalOrgId: "o-abc123" }, ["advisory perm"]],
            ["s3.amazonaws.com with sourceAccount not known yet", { principal: "s3.amazonaws.com", sourceAccount: UNKNOWN }, ["note"]],
            ["principal not known yet", { principal: UNKNOWN }, ["note"]],
            ["principal an account", { principal: ACCOUNT }, []],
            ["principal an account given as a number", { principal: Number(ACCOUNT) }, []],
        ];
        for (const [what, props, expected] of deputyCases) {
            it(`${DEPUTY}: ${what}: ${expected.join(", ") || "passes"}`, async () => {
                assert.deepStrictEqual(await verdict([fn, kafka, permission(props)], DEPUTY), expected);
            });
        }
        it(`${DEPUTY}: s3.amazonaws.com on an SQS consumer: passes`, async () => {
            assert.deepStrictEqual(await verdict([fn, sqs, permission({ principal: "s3.amazonaws.com" })], DEPUTY), []);
        });
    });
});
