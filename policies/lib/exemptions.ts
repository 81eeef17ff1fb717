/**
 * Exemptions: a team accepts one policy's finding on named resources, on purpose, visibly, for a limited time, in the
 * pack's config (the CLI's policy config JSON, `--policy-pack-config`), under the policy's own name:
 *
 *   "msk-network-path": { "exemptions": [{ "resources": [{ "urn": "urn:pulumi:prod::shop::aws:lambda/eventSourceMapping:EventSourceMapping::orders" }],
 *                                          "reason": "...", "approvedBy": "...", "expires": "2027-03-31" }] }
 *
 * A violation on a covered resource is sent as advisory (per diagnostic: `@pulumi/policy` sends a report given as an
 * object with its own `enforcementLevel`), its message naming the reason, approver and expiry. From the day after
 * `expires` the exemption stops applying: the violation is mandatory again and says the exemption expired. A policy
 * whose metadata says `notExemptable` accepts no exemption (its config schema allows none). No regular expressions:
 * URNs and dates are parsed by hand.
 */
import type { ReportViolation } from "@pulumi/policy";

export interface ExemptionTarget {
    /** A resource's URN; a `*` at the end matches any name of that stack, project and type (never wider). */
    urn?: string;
    /** A resource type (as registered, e.g. aws:sqs/queue:Queue) and name, in whatever stack the config is applied to. */
    type?: string;
    name?: string;
}

export interface Exemption {
    resources: ExemptionTarget[];
    reason: string;
    approvedBy: string;
    /** Last day the exemption applies, YYYY-MM-DD (UTC). */
    expires: string;
}

/** The longest an exemption may run from the day it is validated. */
export const MAX_EXEMPTION_DAYS = 366;
const MAX_TEXT = 500;
const MAX_ENTRIES = 100;
/** URN wildcards per policy: each violation is compared with every wildcard of its policy, so they stay few. */
export const MAX_WILDCARDS = 20;

const TARGET_SCHEMA = {
    type: "object",
    additionalProperties: false,
    properties: { urn: { type: "string", minLength: 1 }, type: { type: "string", minLength: 1 }, name: { type: "string", minLength: 1 } },
};

/** The `exemptions` property of every exemptable policy's config schema (the CLI validates config against it). */
export const EXEMPTIONS_SCHEMA = {
    type: "array",
    maxItems: MAX_ENTRIES,
    description:
        "Accepted findings: each entry names the resources (urn, or type and name), a reason, who approved it (approvedBy) and the last day it applies (expires, YYYY-MM-DD, at most 366 days ahead).",
    items: {
        type: "object",
        additionalProperties: false,
        required: ["resources", "reason", "approvedBy", "expires"],
        properties: {
            resources: { type: "array", minItems: 1, maxItems: MAX_ENTRIES, items: TARGET_SCHEMA },
            reason: { type: "string", minLength: 1, maxLength: MAX_TEXT },
            approvedBy: { type: "string", minLength: 1, maxLength: MAX_TEXT },
            expires: { type: "string", minLength: 10, maxLength: 10 },
        },
    },
};

/** The schema of a policy that accepts no exemption: an empty list at most. */
export function notExemptableSchema(why: string) {
    return { type: "array", maxItems: 0, description: `This policy cannot be exempted: ${why}.` };
}

/** Today as YYYY-MM-DD (UTC). */
export function today(now: number = Date.now()): string {
    return new Date(now).toISOString().slice(0, 10);
}

/** A YYYY-MM-DD date that exists in the calendar, as days since 1970-01-01; undefined otherwise. */
export function parseDay(text: unknown): number | undefined {
    if (typeof text !== "string" || text.length !== 10 || text[4] !== "-" || text[7] !== "-") return undefined;
    for (const i of [0, 1, 2, 3, 5, 6, 8, 9]) if (text[i] < "0" || text[i] > "9") return undefined;
    const [y, m, d] = [Number(text.slice(0, 4)), Number(text.slice(5, 7)), Number(text.slice(8, 10))];
    const ms = Date.UTC(y, m - 1, d);
    const back = new Date(ms);
    if (back.getUTCFullYear() !== y || back.getUTCMonth() !== m - 1 || back.getUTCDate() !== d) return undefined;
    return Math.round(ms / 86_400_000);
}

/** The parts of a Pulumi URN `urn:pulumi:<stack>::<project>::<qualified type>::<name>`, or undefined. */
export function urnParts(urn: string): { stack: string; project: string; type: string; name: string } | undefined {
    const prefix = "urn:pulumi:";
    if (!urn.startsWith(prefix)) return undefined;
    const parts = urn.slice(prefix.length).split("::");
    if (parts.length < 4 || !parts[0] || !parts[1] || !parts[2]) return undefined;
    const qualified = parts[2];
    return { stack: parts[0], project: parts[1], type: qualified.slice(qualified.lastIndexOf("$") + 1), name: parts.slice(3).join("::") };
}

function text(v: unknown): v is string {
    return typeof v === "string" && v.trim().length > 0 && v.length <= MAX_TEXT;
}

/** What is wrong with one resource target (empty when fine). */
function targetProblems(t: unknown, at: string): string[] {
    if (!t || typeof t !== "object" || Array.isArray(t)) return [`${at}: must be {"urn": ...} or {"type": ..., "name": ...}`];
    const { urn, type, name, ...rest } = t as Record<string, unknown>;
    const out: string[] = Object.keys(rest).map((k) => `${at}.${k}: is not a known key: allowed keys are urn, or type and name`);
    if (urn !== undefined) {
        if (type !== undefined || name !== undefined) out.push(`${at}: give either urn, or type and name, not both`);
        const parts = typeof urn === "string" ? urnParts(urn) : undefined;
        if (!parts) out.push(`${at}.urn: must be a Pulumi URN such as urn:pulumi:prod::my-project::aws:sqs/queue:Queue::failures`);
        else {
            const star = (urn as string).indexOf("*");
            if (star >= 0 && (star !== (urn as string).length - 1 || parts.name.indexOf("*") !== parts.name.length - 1))
                out.push(`${at}.urn: a wildcard is allowed only as the last character of the resource name (stack, project and type stay fixed)`);
        }
    } else if (type !== undefined || name !== undefined) {
        if (!text(type) || (type as string).indexOf(":") < 0) out.push(`${at}.type: must be a resource type such as aws:sqs/queue:Queue`);
        if (!text(name)) out.push(`${at}.name: must be the resource's name`);
        for (const [k, v] of [
            ["type", type],
            ["name", name],
        ] as const)
            if (typeof v === "string" && v.indexOf("*") >= 0)
                out.push(`${at}.${k}: no wildcard with type and name (it would match that name in every stack the config applies to): use a URN`);
    } else out.push(`${at}: must name a resource by urn, or by type and name`);
    return out;
}

/** What is wrong with one exemption entry (`at` names it, e.g. `msk-network-path.exemptions[0]`). */
function entryProblems(e: unknown, at: string, todayDays: number): string[] {
    if (!e || typeof e !== "object" || Array.isArray(e)) return [`${at}: must be an object with resources, reason, approvedBy and expires`];
    const { resources, reason, approvedBy, expires, ...rest } = e as Record<string, unknown>;
    const out: string[] = Object.keys(rest).map((k) => `${at}.${k}: is not a known key: allowed keys are resources, reason, approvedBy, expires`);
    if (!Array.isArray(resources) || resources.length === 0 || resources.length > MAX_ENTRIES)
        out.push(`${at}.resources: must be a list of 1 to ${MAX_ENTRIES} resources`);
    else
        resources.forEach((t, i) => {
            for (const p of targetProblems(t, `${at}.resources[${i}]`)) out.push(p);
        });
    if (!text(reason)) out.push(`${at}.reason: is required: why the finding is accepted (1-${MAX_TEXT} characters)`);
    if (!text(approvedBy)) out.push(`${at}.approvedBy: is required: who approved the exemption (1-${MAX_TEXT} characters)`);
    const day = parseDay(expires);
    if (day === undefined) out.push(`${at}.expires: must be a date YYYY-MM-DD (the last day the exemption applies)`);
    else if (day > todayDays + MAX_EXEMPTION_DAYS)
        out.push(`${at}.expires: ${expires} is more than ${MAX_EXEMPTION_DAYS} days ahead: exemptions are for a limited time`);
    return out;
}

/**
 * Validates a policy's `exemptions` config value: every problem, each naming its entry. `notExemptable` (the reason
 * from the policy's metadata) refuses any entry.
 */
export function exemptionProblems(policy: string, value: unknown, opts: { notExemptable?: string; now?: number } = {}): string[] {
    if (value === undefined || value === null) return [];
    const at = `${policy}.exemptions`;
    if (!Array.isArray(value)) return [`${at}: must be a list of exemptions`];
    if (value.length && opts.notExemptable) return [`${at}: ${policy} cannot be exempted: ${opts.notExemptable}`];
    if (value.length > MAX_ENTRIES) return [`${at}: at most ${MAX_ENTRIES} exemptions per policy`];
    const todayDays = parseDay(today(opts.now))!;
    const out = value.flatMap((e, i) => entryProblems(e, `${at}[${i}]`, todayDays));
    let wildcards = 0;
    for (const e of value as Partial<Exemption>[])
        for (const t of Array.isArray(e?.resources) ? e.resources : []) if (typeof t?.urn === "string" && t.urn.endsWith("*")) wildcards++;
    if (wildcards > MAX_WILDCARDS) out.push(`${at}: ${wildcards} URN wildcards: at most ${MAX_WILDCARDS} per policy (name the resources instead)`);
    return out;
}

/** A policy's exemptions indexed for lookups in constant time per violation (exact URNs, type and name, few wildcards). */
interface ExemptionIndex {
    problems: string[];
    exact: Map<string, Exemption[]>;
    wildcards: { prefix: string; exemption: Exemption }[];
}

const indexes = new WeakMap<object, { day: string; index: ExemptionIndex }>();

/**
 * The index of one config's exemptions, built once per config value and day (the SDK hands each check a fresh copy of
 * the policy's config, but the same `exemptions` array).
 */
function indexOf(list: unknown[], policy: { name: string; notExemptable?: string }, now: number): ExemptionIndex {
    const day = today(now);
    const cached = indexes.get(list);
    if (cached && cached.day === day) return cached.index;
    const problems = exemptionProblems(policy.name, list, { notExemptable: policy.notExemptable, now });
    const index: ExemptionIndex = { problems, exact: new Map(), wildcards: [] };
    if (!problems.length) {
        for (const e of list as Exemption[]) {
            for (const t of e.resources) {
                if (t.urn?.endsWith("*")) index.wildcards.push({ prefix: t.urn.slice(0, -1), exemption: e });
                else {
                    const key = t.urn !== undefined ? t.urn : `${t.type}\u0000${t.name}`;
                    const l = index.exact.get(key) ?? [];
                    if (!l.includes(e)) l.push(e);
                    index.exact.set(key, l);
                }
            }
        }
    }
    indexes.set(list, { day, index });
    return index;
}

/** The exemptions covering `urn`, in config order, through the index. */
function covering(index: ExemptionIndex, urn: string): Exemption[] {
    const parts = urnParts(urn);
    const found = new Set<Exemption>([...(index.exact.get(urn) ?? []), ...(parts ? (index.exact.get(`${parts.type}\u0000${parts.name}`) ?? []) : [])]);
    for (const w of index.wildcards) if (urn.startsWith(w.prefix)) found.add(w.exemption);
    return [...found];
}

/** Whether `target` covers the resource `urn` (and, for type and name, the resource's registered type and name). */
export function covers(target: ExemptionTarget, urn: string): boolean {
    if (target.urn !== undefined) {
        const u = target.urn;
        return u.endsWith("*") ? urn.startsWith(u.slice(0, -1)) : urn === u;
    }
    const parts = urnParts(urn);
    return !!parts && parts.type === target.type && parts.name === target.name;
}

/** The first exemption covering `urn`, split by whether it still applies on `day`. */
export function findExemption(list: Exemption[], urn: string, day: string): { active?: Exemption; expired?: Exemption } {
    let expired: Exemption | undefined;
    for (const e of list) {
        if (!e.resources.some((t) => covers(t, urn))) continue;
        if (e.expires >= day) return { active: e };
        expired ??= e;
    }
    return { expired };
}

/**
 * A `report` that applies the policy's exemptions: a violation on a covered resource goes out as advisory, with the
 * exemption's reason; one covered by an expired exemption stays at the policy's level and says so. With malformed
 * exemptions (a client that skipped the CLI's schema check) none applies and each violation says why.
 */
export function exemptingReport(
    report: ReportViolation,
    policy: { name: string; description: string; notExemptable?: string },
    config: unknown,
    resourceUrn: string | undefined,
    now: number = Date.now(),
): ReportViolation {
    // A leveled report (an object: rules/common.ts `LeveledReport`) reaches the SDK as an object, which the SDK does not
    // prefix with the policy's description as it does a string: prefixed here, the last wrapper before the SDK.
    const send = (message: string, urn: string | undefined, level?: string) =>
        level
            ? (report as unknown as (v: object) => void)({ message: `${policy.description}\n${message}`, urn, enforcementLevel: level })
            : report(message, urn);
    const unpack = (m: unknown, u?: string): { message: string; urn?: string; level?: string } =>
        typeof m === "object" && m !== null
            ? {
                  message: String((m as { message?: unknown }).message ?? ""),
                  urn: (m as { urn?: string }).urn,
                  level: (m as { enforcementLevel?: string }).enforcementLevel,
              }
            : { message: m as string, urn: u };
    const value = (config as { exemptions?: unknown } | undefined)?.exemptions;
    if (value === undefined || value === null || (Array.isArray(value) && value.length === 0)) {
        return ((m: unknown, u?: string) => {
            const r = unpack(m, u);
            send(r.message, r.urn, r.level);
        }) as ReportViolation;
    }
    const index = Array.isArray(value) ? indexOf(value, policy, now) : undefined;
    const problems = index ? index.problems : exemptionProblems(policy.name, value, { notExemptable: policy.notExemptable, now });
    const day = today(now);
    return ((m: unknown, u?: string) => {
        const { message, urn, level } = unpack(m, u);
        const target = urn || resourceUrn;
        if (problems.length)
            return send(`${message} (exemptions not applied: ${problems[0]}${problems.length > 1 ? ` and ${problems.length - 1} more` : ""})`, urn, level);
        const found = target && index ? findExemption(covering(index, target), target, day) : {};
        if (found.active) {
            const e = found.active;
            const full = `${policy.description}\n${message} [exempted until ${e.expires}, approved by ${e.approvedBy}: ${e.reason}]`;
            // @pulumi/policy's runtime accepts a report object with its own enforcement level (server.js
            // makeReportViolationFun); the type declares only the string form.
            return (report as unknown as (v: object) => void)({ message: full, urn: target, enforcementLevel: "advisory" });
        }
        if (found.expired)
            return send(
                `${message} (the exemption approved by ${found.expired.approvedBy} expired on ${found.expired.expires}: it no longer applies)`,
                urn,
                level,
            );
        return send(message, urn, level);
    }) as ReportViolation;
}
