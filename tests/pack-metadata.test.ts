/**
 * Findings people can act on: every policy the pack serves carries, through GetAnalyzerInfo, what Pulumi Cloud shows
 * (display name, severity, remediation steps for both providers, the AWS documentation page, a framework where it maps
 * to a standard control), and policies/metadata.ts has exactly one entry per policy (a new policy must add its own).
 */
import * as assert from "assert";
import { policies } from "../policies/policies";
import { METADATA } from "../policies/metadata";
import { renderViolations, type PlanDocument } from "../plan/cli";
import { pack } from "./helpers/pack";

const SEVERITIES = ["low", "medium", "high", "critical"];

describe("policy pack: metadata of every policy", function () {
    this.timeout(60000);

    it("has one metadata entry per policy of policies.ts, and no entry without a policy", () => {
        const names = policies.map((p) => p.name).sort();
        assert.deepStrictEqual(Object.keys(METADATA).sort(), names);
    });

    it("serves, for every policy, a display name, severity, remediation for aws and aws-native, an AWS documentation page, and the framework fields it has", async () => {
        const info = await (await pack()).info();
        assert.deepStrictEqual(info.policies.map((p) => p.name).sort(), Object.keys(METADATA).sort());
        for (const p of info.policies) {
            const m = METADATA[p.name];
            assert.strictEqual(p.displayName, m.displayName, p.name);
            assert.ok(p.displayName && p.displayName.length <= 80, `${p.name}: a short display name`);
            assert.ok(SEVERITIES.includes(p.severity!), `${p.name}: severity ${p.severity}`);
            assert.strictEqual(p.severity, m.severity, p.name);
            assert.strictEqual(p.remediationSteps, m.remediationSteps, p.name);
            assert.match(p.remediationSteps!, /aws-native/, `${p.name}: remediation for aws-native programs`);
            assert.match(p.remediationSteps!, /\baws[ .]/, `${p.name}: remediation for aws (classic) programs`);
            assert.match(p.url!, /^https:\/\/docs\.aws\.amazon\.com\/[a-zA-Z]+\/(latest|[0-9.]+)\/[a-zA-Z-]+\/[A-Za-z_-]+\.html$/, `${p.name}: url ${p.url}`);
            if (m.framework) {
                assert.deepStrictEqual(p.framework, m.framework, p.name);
                for (const v of Object.values(p.framework!)) assert.ok(v.length > 0, `${p.name}: every framework field set`);
            } else assert.strictEqual(p.framework, undefined, p.name);
        }
    });

    it("marks only mandatory policies not exemptable, each with its reason in the config schema", async () => {
        const info = await (await pack()).info();
        for (const p of info.policies) {
            const schema = p.configSchema?.exemptions as { maxItems?: number; description?: string } | undefined;
            assert.ok(schema, `${p.name}: an exemptions config property`);
            const reason = METADATA[p.name].notExemptable;
            if (reason) {
                assert.strictEqual(p.enforcementLevel, "mandatory", `${p.name}: only a mandatory policy needs to refuse exemptions`);
                assert.strictEqual(schema.maxItems, 0, p.name);
                assert.ok(schema.description!.includes(reason), p.name);
            } else assert.notStrictEqual(schema.maxItems, 0, p.name);
        }
    });

    it("shows the remediation and documentation page under each violation in the plan's text output", () => {
        const doc = {
            stack: "dev",
            project: "msk-lambda",
            preview: false,
            resources: [],
            outputs: {},
            policy: {
                pack: "msk-lambda@0.1.0",
                violations: policies.map((p, i) => ({
                    policy: p.name,
                    enforcementLevel: "mandatory" as const,
                    urn: `urn:pulumi:dev::x::t::r${i}`,
                    message: "m",
                })),
                exemptions: [],
                guidance: Object.fromEntries(Object.entries(METADATA).map(([k, m]) => [k, { remediationSteps: m.remediationSteps, url: m.url }])),
            },
        } as PlanDocument;
        const lines = renderViolations(doc);
        for (const p of policies) {
            const at = lines.findIndex((l) => l.includes(`] ${p.name}: m`));
            assert.ok(at > 0, p.name);
            assert.strictEqual(lines[at + 1], `            fix: ${METADATA[p.name].remediationSteps} (${METADATA[p.name].url})`);
        }
    });
});
