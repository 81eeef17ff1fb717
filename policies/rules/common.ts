import type { ReportViolation, ResourceValidationArgs } from "@pulumi/policy";

/** Runs `check` only for resources of the given types (a cheap filter before any property is read). */
export function forTypes(types: readonly string[], check: (args: ResourceValidationArgs, report: ReportViolation) => void) {
    return (args: ResourceValidationArgs, report: ReportViolation): void => {
        if (types.includes(args.type)) check(args, report);
    };
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
