import type { ReportViolation, ResourceValidationArgs } from "@pulumi/policy";
import { hasAdapters, normalizeProps } from "../lib/adapters";

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
