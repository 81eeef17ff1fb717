/**
 * The plan's side of exemptions (the pack applies them, policies/lib/exemptions.ts): before `Configure`, every
 * exemption of the policy config is validated (exit 2 naming each bad entry); after the evaluation, each exemption is
 * reported as applied (it turned violations advisory), expired (it no longer applies: the violations are back at the
 * policy's level) or stale (it covers no resource of the plan, or no violation on the resources it covers).
 */
import type { Diagnostic, PolicyConfigFile, PolicyInfo } from "./analyzer";
import { covers, exemptionProblems, today, type Exemption, type ExemptionTarget } from "../policies/lib/exemptions";

export interface ExemptionStatus {
    policy: string;
    /** The entry, as `<policy>.exemptions[<i>]`. */
    entry: string;
    resources: ExemptionTarget[];
    reason: string;
    approvedBy: string;
    expires: string;
    status: "applied" | "expired" | "stale";
    /** URNs of the violations it made advisory (applied) or no longer covers (expired). */
    violations: string[];
    /** Why a stale exemption matches nothing. */
    note?: string;
}

function exemptionsOf(config: PolicyConfigFile): [string, unknown][] {
    const out: [string, unknown][] = [];
    for (const [policy, value] of Object.entries(config))
        if (value && typeof value === "object" && "exemptions" in value) out.push([policy, (value as { exemptions?: unknown }).exemptions]);
    return out;
}

/** Every problem of every exemption in the config (policies that are not exemptable say why, from their schema). */
export function validateExemptions(config: PolicyConfigFile, policies: PolicyInfo[], now = Date.now()): string[] {
    const byName = new Map(policies.map((p) => [p.name, p]));
    return exemptionsOf(config).flatMap(([policy, value]) => {
        const schema = byName.get(policy)?.configSchema?.exemptions as { maxItems?: number; description?: string } | undefined;
        const why = (schema?.description ?? "").replace(/^This policy cannot be exempted: /, "").replace(/\.$/, "");
        const notExemptable = schema?.maxItems === 0 ? why || "the policy accepts no exemption" : undefined;
        return exemptionProblems(policy, value, { notExemptable, now });
    });
}

/** What each exemption did in this plan. Linear in exemptions × (their resources + the plan's resources). */
export function exemptionStatuses(config: PolicyConfigFile, violations: Diagnostic[], urns: string[], now = Date.now()): ExemptionStatus[] {
    const day = today(now);
    const byPolicy = new Map<string, Diagnostic[]>();
    for (const v of violations) byPolicy.set(v.policy, [...(byPolicy.get(v.policy) ?? []), v]);
    const out: ExemptionStatus[] = [];
    for (const [policy, value] of exemptionsOf(config)) {
        if (!Array.isArray(value)) continue;
        (value as Exemption[]).forEach((e, i) => {
            const hits = (byPolicy.get(policy) ?? []).filter((v) => v.urn && e.resources.some((t) => covers(t, v.urn)));
            const expired = e.expires < day;
            const base = {
                policy,
                entry: `${policy}.exemptions[${i}]`,
                resources: e.resources,
                reason: e.reason,
                approvedBy: e.approvedBy,
                expires: e.expires,
            };
            const violationUrns = [...new Set(hits.map((v) => v.urn))];
            if (violationUrns.length) out.push({ ...base, status: expired ? "expired" : "applied", violations: violationUrns });
            else {
                const coversAny = urns.some((u) => e.resources.some((t) => covers(t, u)));
                out.push({
                    ...base,
                    status: expired ? "expired" : "stale",
                    violations: [],
                    note: coversAny ? "no violation of this policy on the resources it covers" : "covers no resource of this stack",
                });
            }
        });
    }
    return out;
}

/** Lines for the text plan: each exemption with what it did. */
export function renderExemptions(list: ExemptionStatus[]): string[] {
    if (!list.length) return [];
    const lines = [`Exemptions (${list.filter((e) => e.status === "applied").length} applied, ${list.filter((e) => e.status !== "applied").length} not):`];
    for (const e of list) {
        const what =
            e.status === "applied"
                ? `applied to ${e.violations.length} violation(s), until ${e.expires}`
                : e.status === "expired"
                  ? `EXPIRED on ${e.expires}: it no longer applies${e.violations.length ? ` (to ${e.violations.length} violation(s), at the policy's level unless another exemption covers them)` : ""}`
                  : `STALE: ${e.note}; remove it`;
        lines.push(`    ${e.entry} (approved by ${e.approvedBy}): ${what}`);
    }
    return lines;
}
