/**
 * Normalising at the edge: every resource a rule sees is in the canonical (`aws` classic) form, whichever provider
 * registered it. `StackIndex` (stack policies) and `forTypes` (resource policies) call `normalize`; rules are written
 * once, against `T` and the classic property names, and violations still point at the URN the program registered.
 */
import type { PolicyResource } from "@pulumi/policy";
import { raw } from "../values";
import { AWS_CANONICAL_TYPES } from "./aws";
import { AWS_NATIVE_ADAPTERS } from "./aws-native";
import { build, reader, sourcesOf } from "./reader";
import type { Adapter } from "./types";

export type { Adapter } from "./types";
export const ADAPTERS: readonly Adapter[] = AWS_NATIVE_ADAPTERS;

const byType = new Map<string, Adapter>(ADAPTERS.map((a) => [a.from, a]));
/** Per adapter: canonical top-level property → the provider's top-level properties it is read from. */
const sources = new Map<Adapter, Record<string, string[]>>(ADAPTERS.map((a) => [a, sourcesOf(a.props)]));

/** A resource in canonical form; `sourceType` is the type token the program registered. */
export type Canonical = PolicyResource & { sourceType: string };

/** The provider types (including `aws` itself) that become the canonical type `t`, primary or derived. */
export function providerTypesFor(t: string): string[] {
    const out = AWS_CANONICAL_TYPES.has(t) ? [t] : [];
    for (const a of ADAPTERS) if (a.to === t || a.extraTypes?.includes(t)) out.push(a.from);
    return out;
}

/** Whether any non-`aws` provider type feeds the canonical type `t`. */
export function hasAdapters(t: string): boolean {
    return ADAPTERS.some((a) => a.to === t || a.extraTypes?.includes(t));
}

/** The canonical types and props of a resource given as a type and raw props (resource policies). */
export function normalizeProps(type: string, props: unknown): { type: string; props: Record<string, unknown> }[] {
    const a = byType.get(type);
    if (!a) return [{ type, props: props as Record<string, unknown> }];
    const r = reader(raw(props));
    const out = [{ type: a.to, props: build(r, a.props) }];
    for (const e of a.extras?.(r) ?? []) out.push({ type: e.type, props: e.props });
    return out;
}

/**
 * The canonical resources a stack resource stands for: the resource itself for `aws`, otherwise its canonical form
 * first and any derived resources after it. Property dependencies still name the program's resources; `StackIndex`
 * points them at canonical forms.
 */
export function normalize(res: PolicyResource): Canonical[] {
    const a = byType.get(res.type);
    if (!a) return [Object.assign(res, { sourceType: res.type }) as Canonical];
    const r = reader(raw(res.props));
    const given = res.propertyDependencies ?? {};
    const depsFrom = (names: string[]): PolicyResource[] => names.flatMap((n) => (Array.isArray(given[n]) ? given[n] : []));
    const propertyDependencies: Record<string, PolicyResource[]> = {};
    for (const [k, from] of Object.entries(sources.get(a) ?? {})) {
        const d = depsFrom(from);
        if (d.length) propertyDependencies[k] = d;
    }
    const primary: Canonical = { ...res, type: a.to, props: build(r, a.props), propertyDependencies, sourceType: res.type };
    const out = [primary];
    for (const e of a.extras?.(r) ?? []) {
        const deps: Record<string, PolicyResource[]> = {};
        for (const [k, from] of Object.entries(e.deps)) deps[k] = from.flatMap((f) => (f === "self" ? [primary] : depsFrom([f])));
        out.push({ ...res, type: e.type, props: e.props, propertyDependencies: deps, sourceType: res.type });
    }
    return out;
}
