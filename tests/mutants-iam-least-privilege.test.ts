/**
 * iam-least-privilege in policies/rules/iam.ts: what `npm run mutate:pack -- --mutate policies/rules/iam.ts` found no
 * test deciding after tests/mutants-iam.test.ts (issue 21, bench/mutation/rules-iam.md). One policy per test; the
 * assertion is the verdict (policy, enforcement level, the resource named), never the message text.
 */
import * as assert from "assert";
import { check, CLUSTER_ARN, res } from "./helpers/pack";

const doc = (Statement: object[]) => JSON.stringify({ Version: "2012-10-17", Statement });
const policy = (Statement: object[]) => res("aws:iam/policy:Policy", "p", { policy: doc(Statement) });

async function verdicts(statements: object[]): Promise<string[]> {
    const d = (await check([policy(statements)])).filter((x) => x.policy === "iam-least-privilege");
    return [...new Set(d.map((x) => `${x.policy} ${x.enforcementLevel} ${x.urn.split("::").pop() || "-"}`))].sort();
}

describe("rules/iam.ts: iam-least-privilege, what takes every kafka-cluster action back (issue 21)", () => {
    const grant = { Effect: "Allow", Action: "kafka-cluster:*", Resource: CLUSTER_ARN };
    it("kafka-cluster:* on one cluster with a Deny of kafka-cluster:* everywhere on a condition only: a violation on the policy", async () => {
        const deny = { Effect: "Deny", Action: "kafka-cluster:*", Resource: "*", Condition: { Bool: { "aws:SecureTransport": "false" } } };
        assert.deepStrictEqual(await verdicts([grant, deny]), ["iam-least-privilege mandatory p"]);
    });
});
