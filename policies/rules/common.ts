import { UnknownValueError } from "@pulumi/policy";
import type { ReportViolation, ResourceValidationArgs, ResourceValidationPolicy, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { hasAdapters, normalizeProps } from "../lib/adapters";
import { secretStrings } from "../lib/decode-once";
import { exemptingReport } from "../lib/exemptions";
import { Redactor } from "../lib/shown";
import { STACK_ONCE, withStackResources } from "../lib/stack-once";
import { raw, UNKNOWN } from "../lib/values";

/** At most this many diagnostics per policy and resource; the rest are counted in one closing summary line. */
export const MAX_DIAGNOSTICS_PER_RESOURCE = 10;
/** The longest message a policy sends (a message quoting hostile input is cut, with its length). */
export const MAX_MESSAGE_CHARS = 4096;

/**
 * A diagnostic at a level of its own (`@pulumi/policy`'s runtime accepts a report object with an `enforcementLevel`;
 * its type declares only the string form): how a mandatory policy says "advisory" for a finding that depends on what
 * the pack cannot decide (a condition it cannot evaluate). Every wrapper of the report (bounds, redaction, exemptions)
 * passes it on as an object; the exemptions wrapper, the last before the SDK, prefixes the policy's description.
 */
export interface LeveledReport {
    message: string;
    urn?: string;
    enforcementLevel: "advisory" | "mandatory";
}

export function sendLeveled(report: ReportViolation, r: LeveledReport): void {
    (report as unknown as (v: LeveledReport) => void)(r);
}

/** Reports `message` on `urn` as advisory, from a policy of any level. */
export function reportAdvisory(report: ReportViolation, message: string, urn?: string): void {
    sendLeveled(report, { message, urn, enforcementLevel: "advisory" });
}

/**
 * Wraps a policy's `report` so what it sends stays bounded whatever the input: identical diagnostics (same resource,
 * same message) are sent once; at most `MAX_DIAGNOSTICS_PER_RESOURCE` per resource, then, from `flush`, one summary
 * line per resource "... and K more"; messages longer than `MAX_MESSAGE_CHARS` are cut. Every policy of the pack goes
 * through it (`withBoundedReports`, applied in policies.ts).
 */
export function limitReports(report: ReportViolation): { report: ReportViolation; flush(): void } {
    const sent = new Map<string, { messages: Set<string>; dropped: Set<string> }>();
    const bounded = ((m: string | LeveledReport, u?: string) => {
        const leveled = typeof m === "object" && m !== null ? m : undefined;
        const message = leveled ? leveled.message : (m as string);
        const urn = leveled ? leveled.urn : u;
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
        if (leveled) sendLeveled(report, { ...leveled, message: text });
        else report(text, urn);
    }) as ReportViolation;
    return {
        report: bounded,
        flush() {
            for (const [urn, s] of sent) {
                if (!s.dropped.size) continue;
                // Stryker disable next-line StringLiteral: message wording decides no verdict
                const more = `... and ${s.dropped.size} more violation(s) of this policy on this resource (the first ${MAX_DIAGNOSTICS_PER_RESOURCE} are shown).`;
                if (urn) report(more, urn);
                else report(more);
                s.dropped.clear();
            }
        },
    };
}

/** One redactor per request: keyed by the decoded properties object of the resource (or the stack's first one). */
const redactors = new WeakMap<object, Redactor>();

/** The secrets of the request `args` belongs to: the secret strings of its resource, or of every resource of the stack. */
function redactorFor(args: unknown): Redactor {
    const a = args as { props?: unknown; resources?: { props?: unknown }[] };
    const resources = Array.isArray(a.resources) ? a.resources : undefined;
    const key = raw(resources ? resources[0]?.props : a.props);
    const cached = key !== null && typeof key === "object" ? redactors.get(key) : undefined;
    if (cached) return cached;
    // The secrets are gathered on the first message only: a request that reports nothing never walks its resources.
    const r = new Redactor(function* () {
        if (!resources) yield* secretStrings(key);
        else for (const x of resources) yield* secretStrings(raw(x?.props));
    });
    if (key !== null && typeof key === "object") redactors.set(key, r);
    return r;
}

/** A NotApplicableError thrown through `args.notApplicable` (the SDK's own class is not exported). */
function isNotApplicable(e: unknown): boolean {
    return e instanceof Error && e.constructor?.name === "NotApplicableError";
}

/**
 * Runs `check` with a bounded `report`; the summary lines are sent even when `check` ends with a preview note. Every
 * message goes through the request's `Redactor` (no part of a secret, no key material). Nothing a rule throws leaves
 * as a gRPC error: a preview note keeps its path (redacted), anything else becomes one diagnostic of this policy
 * saying the resource could not be judged, naming the error's class only (its text may quote input).
 */
function bounded<A>(args: A, report: ReportViolation, check: (args: A, report: ReportViolation) => void): void {
    const redactor = redactorFor(args);
    const redacting = ((m: string | LeveledReport, urn?: string) => {
        if (typeof m === "object" && m !== null) return sendLeveled(report, { ...m, message: redactor.redact(m.message) });
        return urn ? report(redactor.redact(m), urn) : report(redactor.redact(m));
    }) as ReportViolation;
    const limited = limitReports(redacting);
    try {
        check(args, limited.report);
    } catch (e) {
        if (e instanceof UnknownValueError) {
            const path = (e as { props?: unknown }).props;
            const parts = Array.isArray(path) ? path.map((p) => redactor.redact(typeof p === "string" || typeof p === "number" ? `${p}` : "?")) : [];
            throw new UnknownValueError(UNKNOWN, parts);
        }
        if (isNotApplicable(e)) throw e;
        // Stryker disable next-line all: the error class named in the message is wording; it decides no verdict
        const kind = e instanceof Error ? e.constructor?.name || "Error" : typeof e;
        limited.report(
            // Stryker disable next-line StringLiteral: message wording decides no verdict
            `The policy could not judge this ${"resources" in (args as object) ? "stack" : "resource"}: it stopped on a value it cannot read (${kind}). ` +
                // Stryker disable next-line StringLiteral: message wording decides no verdict
                "This is a defect of the policy pack: please report it with the resource's shape (not its secrets).",
        );
    } finally {
        limited.flush();
    }
}

/** Marks a validation function whose `report` goes through `limitReports` (a test requires it of every policy). */
export const BOUNDED_REPORTS = Symbol.for("msk-lambda.boundedReports");

type AnyPolicy = ResourceValidationPolicy | StackValidationPolicy;
type ResourceCheck = (args: ResourceValidationArgs, report: ReportViolation) => void;

/** A resource check whose diagnostics go through `limitReports`, keeping the type tag `forTypes` attaches. */
function boundedResourceCheck(check: ResourceCheck): ResourceCheck {
    const wrapped: ResourceCheck = Object.assign((args: ResourceValidationArgs, report: ReportViolation) => bounded(args, report, check), {
        [BOUNDED_REPORTS]: true,
    });
    const tag = (check as { __pulumiType?: string }).__pulumiType;
    if (tag) (wrapped as { __pulumiType?: string }).__pulumiType = tag;
    return wrapped;
}

/**
 * The same policy with every diagnostic going through `limitReports`. policies.ts applies it to every policy of the
 * pack, so no rule can flood a preview, whoever writes it.
 */
export function withBoundedReports<P extends AnyPolicy>(policy: P): P {
    if ("validateStack" in policy && typeof policy.validateStack === "function") {
        const check = policy.validateStack;
        return {
            ...policy,
            validateStack: Object.assign(
                (args: StackValidationArgs, report: ReportViolation) => {
                    // The request's resources (lib/stack-once.ts) before anything reads them, the redactor included.
                    const shared = withStackResources(args);
                    if (shared) return bounded(shared, report, check as (a: StackValidationArgs, r: ReportViolation) => void);
                    return bounded({ ...args, resources: [] }, report, () => {
                        throw new Error("the request's resources are not available");
                    });
                },
                { [BOUNDED_REPORTS]: true, [STACK_ONCE]: true },
            ),
        };
    }
    if ("validateResource" in policy && policy.validateResource) {
        const v = policy.validateResource;
        const checks = (Array.isArray(v) ? v : [v]) as ResourceCheck[];
        const wrapped = checks.map(boundedResourceCheck);
        return { ...policy, validateResource: Array.isArray(v) ? wrapped : wrapped[0] };
    }
    return policy;
}

/**
 * Runs `check` only for resources of the given canonical types (lib/types.ts), whichever provider registered them: a
 * resource of another provider is normalised first (lib/adapters), so `check` reads `aws` classic shapes, and its
 * violations still point at the resource the program registered. With a single type that no other provider feeds, the
 * type is attached the way `@pulumi/policy`'s own `validateResourceOfType` does, so the policy server skips other
 * resources before it even deserializes their properties.
 */
export function forTypes(types: readonly string[], check: (args: ResourceValidationArgs, report: ReportViolation) => void) {
    const fn = (args: ResourceValidationArgs, report: ReportViolation): void => {
        if (types.includes(args.type)) {
            check(args, report);
            return;
        }
        for (const form of normalizeProps(args.type, args.props)) {
            if (form.type !== args.type && types.includes(form.type)) check({ ...args, type: form.type, props: form.props }, report);
        }
    };
    if (types.length === 1 && !hasAdapters(types[0])) (fn as { __pulumiType?: string }).__pulumiType = types[0];
    return fn;
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

/** At most `max` items joined, then how many more: messages stay short whatever the input's size. */
export function listed(items: string[], separator = ", ", max = 10): string {
    return items.length <= max ? items.join(separator) : `${items.slice(0, max).join(separator)}${separator}and ${items.length - max} more`;
}

/**
 * A limit from a policy's config, never looser than AWS's documented `limit`: a value above it (or not a positive
 * number) falls back to `limit`, so a config can make the pack stricter but never looser.
 */
export function stricterLimit(configured: unknown, limit: number): number {
    const n = typeof configured === "number" ? configured : typeof configured === "string" ? Number(configured) : NaN;
    return Number.isFinite(n) && n > 0 && n <= limit ? Math.floor(n) : limit;
}

/**
 * The same policy with its exemptions applied (lib/exemptions.ts): each diagnostic goes through `exemptingReport`, fed
 * with the policy's own config (`exemptions`) and, for a resource policy, the analyzed resource's URN. policies.ts
 * applies it outside `withBoundedReports`, so the bounded diagnostics are what exemptions see.
 */
export function withExemptions<P extends AnyPolicy>(policy: P, notExemptable?: string): P {
    const info = { name: policy.name, description: policy.description, notExemptable };
    const wrap = <A extends { getConfig<C extends object>(): C }>(
        check: (args: A, report: ReportViolation) => unknown,
        urnOf: (args: A) => string | undefined,
    ) =>
        Object.assign((args: A, report: ReportViolation) => {
            let cfg: unknown;
            try {
                cfg = args.getConfig<object>();
            } catch {
                cfg = undefined;
            }
            return check(args, exemptingReport(report, info, cfg, urnOf(args)));
        }, check);
    if ("validateStack" in policy && typeof policy.validateStack === "function")
        return { ...policy, validateStack: wrap(policy.validateStack as (a: StackValidationArgs, r: ReportViolation) => unknown, () => undefined) };
    if ("validateResource" in policy && policy.validateResource) {
        const v = policy.validateResource;
        const checks = (Array.isArray(v) ? v : [v]).map((c) => wrap(c as ResourceCheck, (a: ResourceValidationArgs) => a.urn));
        return { ...policy, validateResource: Array.isArray(v) ? checks : checks[0] };
    }
    return policy;
}
