import type { ReportViolation, ResourceValidationArgs, StackValidationArgs } from "@pulumi/policy";

/** At most this many diagnostics per policy and resource; the rest are counted in one closing summary line. */
export const MAX_DIAGNOSTICS_PER_RESOURCE = 10;
/** The longest message a policy sends (a message quoting hostile input is cut, with its length). */
export const MAX_MESSAGE_CHARS = 4096;

/**
 * Wraps a policy's `report` so what it sends stays bounded whatever the input: identical diagnostics (same resource,
 * same message) are sent once; at most `MAX_DIAGNOSTICS_PER_RESOURCE` per resource, then, from `flush`, one summary
 * line per resource "... and K more"; messages longer than `MAX_MESSAGE_CHARS` are cut. Every policy goes through it
 * (`forTypes` for resource policies, `stackCheck` for stack policies).
 */
export function limitReports(report: ReportViolation): { report: ReportViolation; flush(): void } {
    const sent = new Map<string, { messages: Set<string>; dropped: Set<string> }>();
    const bounded: ReportViolation = (message: string, urn?: string) => {
        const key = urn ?? "";
        let s = sent.get(key);
        if (!s) sent.set(key, (s = { messages: new Set(), dropped: new Set() }));
        const text = message.length <= MAX_MESSAGE_CHARS ? message : `${message.slice(0, MAX_MESSAGE_CHARS)}... (message cut: ${message.length} characters)`;
        if (s.messages.has(text)) return;
        if (s.messages.size >= MAX_DIAGNOSTICS_PER_RESOURCE) {
            s.dropped.add(text);
            return;
        }
        s.messages.add(text);
        report(text, urn);
    };
    return {
        report: bounded,
        flush() {
            for (const [urn, s] of sent) {
                if (!s.dropped.size) continue;
                const more = `... and ${s.dropped.size} more violation(s) of this policy on this resource (the first ${MAX_DIAGNOSTICS_PER_RESOURCE} are shown).`;
                if (urn) report(more, urn);
                else report(more);
                s.dropped.clear();
            }
        },
    };
}

/** Runs `check` with a bounded `report`; the summary lines are sent even when `check` ends with a preview note. */
function bounded<A>(args: A, report: ReportViolation, check: (args: A, report: ReportViolation) => void): void {
    const limited = limitReports(report);
    try {
        check(args, limited.report);
    } finally {
        limited.flush();
    }
}

/** Marks a validation function whose `report` goes through `limitReports` (a test requires it of every policy). */
export const BOUNDED_REPORTS = Symbol.for("msk-lambda.boundedReports");

/** A stack policy's `validateStack` with bounded, deduplicated diagnostics (see `limitReports`). */
export function stackCheck(check: (args: StackValidationArgs, report: ReportViolation) => void) {
    const fn = (args: StackValidationArgs, report: ReportViolation): void => bounded(args, report, check);
    return Object.assign(fn, { [BOUNDED_REPORTS]: true });
}

/**
 * Runs `check` only for resources of the given types, with bounded, deduplicated diagnostics (see `limitReports`).
 * With a single type, the type is attached the way `@pulumi/policy`'s own `validateResourceOfType` does, so the policy
 * server skips other resources before it even deserializes their properties (it otherwise deserializes every resource
 * once per policy).
 */
export function forTypes(types: readonly string[], check: (args: ResourceValidationArgs, report: ReportViolation) => void) {
    const fn = (args: ResourceValidationArgs, report: ReportViolation): void => {
        if (types.includes(args.type)) bounded(args, report, check);
    };
    if (types.length === 1) (fn as { __pulumiType?: string }).__pulumiType = types[0];
    return Object.assign(fn, { [BOUNDED_REPORTS]: true });
}

/** Reads a policy's config with defaults applied (the CLI applies schema defaults; other callers may not). */
export function config<T extends object>(args: { getConfig<C extends object>(): C }, defaults: T): T {
    let given: Partial<T>;
    try {
        given = (args.getConfig<Partial<T>>() ?? {}) as Partial<T>;
    } catch {
        given = {};
    }
    const out = { ...defaults } as Record<string, unknown>;
    for (const [k, v] of Object.entries(given)) if (v !== undefined && v !== null && k in defaults) out[k] = v;
    return out as T;
}
