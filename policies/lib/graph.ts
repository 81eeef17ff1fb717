/**
 * An index over the resources of a stack (AnalyzeStack), built once per policy call: by URN, by type, and by the
 * identifiers other resources use to refer to them (ARN, name, id). Lookups are map reads, never scans of the whole
 * list per resource, so a stack policy stays linear in the stack's size.
 */
import type { PolicyResource } from "@pulumi/policy";
import { normalize, type Canonical } from "./adapters";
import { get, isUnknown, raw } from "./values";

export { T } from "./types";

/** The identifiers a resource may be referred to by: ARN-like and name-like properties that are known strings. */
const ID_PROPS = ["arn", "id", "name", "bucket", "keyId", "functionName", "qualifiedArn"];
/** Properties by which resources refer to others (a role's policies, a secret's versions, a bucket's settings). */
const REF_PROPS = ["role", "secretId", "secretArn", "bucket", "policyArn", "functionName", "targetKeyId"];

export class StackIndex {
    private readonly byUrn = new Map<string, PolicyResource>();
    private readonly byType = new Map<string, PolicyResource[]>();
    private readonly byId = new Map<string, PolicyResource[]>();
    /** Reverse property dependencies: URN of a dependency → resources (and the property) that depend on it. */
    private readonly dependents = new Map<string, { resource: PolicyResource; prop: string }[]>();
    /** `prop=value` → resources whose reference property `prop` is the known string `value`. */
    private readonly byRef = new Map<string, PolicyResource[]>();

    /** Property dependencies pointed at canonical forms (a dependency on an aws-native resource is one on its canonical form). */
    private readonly deps = new Map<PolicyResource, Record<string, PolicyResource[]>>();

    /** Every resource in canonical form (lib/adapters), with the resources derived from inline parts after it. */
    constructor(resources: PolicyResource[]) {
        const all: Canonical[] = [];
        for (const original of resources) {
            if (!original || typeof original.urn !== "string") continue;
            const forms = normalize(original);
            this.byUrn.set(original.urn, forms[0]);
            for (const r of forms) all.push(r);
        }
        for (const r of all) {
            const list = this.byType.get(r.type) ?? [];
            list.push(r);
            this.byType.set(r.type, list);
            // Unwrap the unknown-checking proxy once per resource, not once per property read.
            const props = raw(r.props);
            for (const p of REF_PROPS) {
                const v = get(props, p);
                if (typeof v === "string" && v !== "" && !isUnknown(v)) {
                    const l = this.byRef.get(`${p}=${v}`) ?? [];
                    l.push(r);
                    this.byRef.set(`${p}=${v}`, l);
                }
            }
            for (const p of ID_PROPS) {
                const v = get(props, p);
                if (typeof v === "string" && v !== "" && !isUnknown(v)) {
                    const l = this.byId.get(v) ?? [];
                    l.push(r);
                    this.byId.set(v, l);
                }
            }
        }
        for (const r of all) {
            const mapped: Record<string, PolicyResource[]> = {};
            for (const [prop, deps] of Object.entries(r.propertyDependencies ?? {})) {
                const list: PolicyResource[] = [];
                for (const d of Array.isArray(deps) ? deps : []) {
                    if (!d || typeof d.urn !== "string") continue;
                    const c = this.byUrn.get(d.urn) ?? d;
                    list.push(c);
                    const l = this.dependents.get(c.urn) ?? [];
                    l.push({ resource: r, prop });
                    this.dependents.set(c.urn, l);
                }
                mapped[prop] = list;
            }
            this.deps.set(r, mapped);
        }
    }

    /** Every resource of the stack, in canonical form. */
    all(): PolicyResource[] {
        return [...this.byType.values()].flat();
    }

    ofType(...types: string[]): PolicyResource[] {
        return types.flatMap((t) => this.byType.get(t) ?? []);
    }

    urn(urn: string): PolicyResource | undefined {
        return this.byUrn.get(urn);
    }

    /** Resources of the given types that `r`'s property `prop` depends on. */
    propDeps(r: PolicyResource, prop: string, types: readonly string[]): PolicyResource[] {
        const deps = (this.deps.get(r) ?? r.propertyDependencies ?? {})[prop];
        if (!Array.isArray(deps)) return [];
        return deps.filter((d) => d && types.includes(d.type));
    }

    /**
     * Resources of the given types that a reference (a property value such as an ARN or name) points at: through the
     * property's dependencies, and through the value when it is known. An ARN with a qualifier
     * (`...:function:name:alias`) also matches the unqualified resource.
     */
    resolve(r: PolicyResource, prop: string, value: unknown, types: readonly string[]): PolicyResource[] {
        const found = new Set<PolicyResource>(this.propDeps(r, prop, types));
        if (typeof value === "string" && value !== "" && !isUnknown(value)) {
            for (const candidate of [value, unqualified(value)]) {
                for (const hit of this.byId.get(candidate) ?? []) if (types.includes(hit.type)) found.add(hit);
            }
        }
        return [...found];
    }

    /** Resources of the given types whose property `prop` depends on `target`. */
    dependentsOf(target: PolicyResource, types: readonly string[], prop?: string): PolicyResource[] {
        return (this.dependents.get(target.urn) ?? [])
            .filter((d) => types.includes(d.resource.type) && (prop === undefined || d.prop === prop))
            .map((d) => d.resource);
    }

    /**
     * Resources of the given types that refer to `target` through property `prop`: by property dependency, or by the
     * property holding one of the target's identifiers.
     */
    referrers(target: PolicyResource, prop: string, types: readonly string[]): PolicyResource[] {
        const out = new Set<PolicyResource>(this.dependentsOf(target, types, prop));
        for (const idProp of ID_PROPS) {
            const v = get(target.props, idProp);
            if (typeof v !== "string" || v === "" || isUnknown(v)) continue;
            for (const hit of this.byRef.get(`${prop}=${v}`) ?? []) if (types.includes(hit.type)) out.add(hit);
        }
        return [...out];
    }

    /** Resources of the given types whose identifier equals one of `values` (known strings). */
    withIdIn(values: unknown[], types: readonly string[]): PolicyResource[] {
        const out = new Set<PolicyResource>();
        for (const v of values) {
            if (typeof v !== "string" || isUnknown(v)) continue;
            for (const hit of this.byId.get(v) ?? []) if (types.includes(hit.type)) out.add(hit);
        }
        return [...out];
    }
}

/** `arn:aws:lambda:r:a:function:name:qualifier` → `arn:aws:lambda:r:a:function:name` (split on `:`, no regular expression). */
export function unqualified(arn: string): string {
    const parts = arn.split(":");
    return parts.length === 8 && parts[0] === "arn" && parts[2] === "lambda" && parts[5] === "function" && parts[7] !== "" ? parts.slice(0, 7).join(":") : arn;
}
