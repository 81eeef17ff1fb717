/**
 * Every provider resource type that carries a policy document or attaches policies to a role is classified
 * (policies/lib/iam-policy-types.ts), enumerated from the installed providers: a provider update that adds one fails
 * here until it is read or classified with its reason.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { POLICY_DOCUMENT_TYPES } from "../policies/lib/iam-policy-types";
import { READS } from "../policies/policies";
import { policyTypes } from "./helpers/policy-types";

describe("policy pack: every resource type that carries a policy document is classified", function () {
    this.timeout(60000);
    const found = { ...policyTypes("aws"), ...policyTypes("aws-native") };

    it("the enumeration finds the types the pack is known to read (it is not vacuous)", () => {
        for (const t of [
            "aws:iam/role:Role",
            "aws:iam/rolePolicy:RolePolicy",
            "aws:kms/keyPolicy:KeyPolicy",
            "aws:sqs/queuePolicy:QueuePolicy",
            "aws-native:iam:Role",
        ])
            assert.ok(found[t], t);
        assert.ok(Object.keys(found).length > 100);
    });

    it("the classification lists exactly the types the installed providers have", () => {
        assert.deepStrictEqual(Object.keys(POLICY_DOCUMENT_TYPES).sort(), Object.keys(found).sort());
    });

    it("each type classified as read is read: by a policy (its catalogue 'reads') or through an aws-native adapter", () => {
        const reads = new Set(Object.values(READS).flat());
        const adapters = fs.readFileSync(path.resolve(__dirname, "..", "policies", "lib", "adapters", "aws-native.ts"), "utf8");
        for (const [t, what] of Object.entries(POLICY_DOCUMENT_TYPES))
            if (what === "read") assert.ok(reads.has(t) || adapters.includes(`from: "${t}"`), `${t} is classified as read but no policy reads it`);
    });
});
