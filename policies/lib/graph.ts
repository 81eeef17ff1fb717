/**
 * An index over the resources of a stack (AnalyzeStack), built once per request: by URN, by type, and by the
 * identifiers other resources use to refer to them (ARN, name, id). Lookups are map reads, never scans of the whole
 * list per resource, so a stack policy stays linear in the stack's size.
 *
 * Once per request, not once per policy: `@pulumi/policy` calls each of the pack's stack policies with its own
 * `resources` array, but (lib/decode-once.ts) the same decoded properties objects, so `new StackIndex(resources)`
 * returns the index a previous policy built from the same request (same first and last properties objects, URNs and
 * length), with every memo on it (a role's grants, lookups) shared by all the policies of the request.
 */
import type { PolicyResource } from "@pulumi/policy";
import { normalize, type Canonical } from "./adapters";
import { T } from "./types";
import { get, isAccountId, isUnknown, parseArn, raw } from "./values";

export { T };

/**
 * How many resources of one type the index keeps under one identifier (and how many referrers under one reference).
 * In AWS a name is unique per type, account and region, so more than one resource under an identifier happens only
 * across regions or accounts (or in a stack that cannot deploy). A crafted stack can give hundreds of resources one
 * name, and rules that follow references (mapping -> function -> role -> policies) would then multiply those lists:
 * 240 such resources took 31 s and gave 216,060 diagnostics. Keeping at most this many per identifier bounds every
 * lookup by a constant, so each rule stays linear in the stack's size.
 */
export const MAX_SAME_IDENTIFIER = 8;
/** A resource (a role, a bucket, a secret) legitimately has a few referrers (policies, settings, versions). */
export const MAX_REFERRERS = 32;

/** No resources (shared: frozen). */
const NONE: PolicyResource[] = Object.freeze([]) as unknown as PolicyResource[];

/** The identifiers a resource may be referred to by: ARN-like, name-like (and a queue's URL) properties that are known strings. */
const ID_PROPS = ["arn", "id", "name", "bucket", "keyId", "functionName", "qualifiedArn", "url"];
/** Properties by which resources refer to others (a role's policies, a secret's versions, a bucket's settings, a queue's or topic's policy). */
const REF_PROPS = ["role", "secretId", "secretArn", "bucket", "policyArn", "functionName", "targetKeyId", "queueUrl", "arn"];

/**
 * The index built for a request, keyed by the first resource's decoded properties object. Decoded objects are made per
 * request message (lib/decode-once.ts), so that object belongs to one request only; with the same length and the
 * same last resource, the list is that request's (the handler passes every resource to every stack policy). O(1).
 */
const built = new WeakMap<object, { length: number; last: unknown; firstUrn: string; lastUrn: string; index: StackIndex }>();

/** The index a previous policy built from the same request, if any. */
function builtFor(resources: PolicyResource[]): StackIndex | undefined {
    const n = resources.length;
    const first = n ? raw(resources[0]?.props) : undefined;
    if (first === null || typeof first !== "object") return undefined;
    const b = built.get(first);
    if (!b || b.length !== n || b.firstUrn !== resources[0].urn) return undefined;
    const last = resources[n - 1];
    return last && raw(last.props) === b.last && last.urn === b.lastUrn ? b.index : undefined;
}

function remember(resources: PolicyResource[], index: StackIndex): void {
    const n = resources.length;
    const first = n ? raw(resources[0]?.props) : undefined;
    if (first === null || typeof first !== "object") return;
    const last = resources[n - 1];
    built.set(first, { length: n, last: raw(last?.props), firstUrn: resources[0].urn, lastUrn: last?.urn, index });
}

export class StackIndex {
    private readonly byUrn = new Map<string, PolicyResource>();
    private readonly byType = new Map<string, PolicyResource[]>();
    /** `type` -> identifier -> resources of that type known by it (at most MAX_SAME_IDENTIFIER). */
    private readonly byId = new Map<string, Map<string, PolicyResource[]>>();
    /**
     * Memoised value lookups, by `types` then by value (two maps: a value is a string the request holds, hashed once,
     * where a key made of both would be a new string, hashed in full, at every lookup).
     */
    private readonly byValue = new Map<string, Map<string, PolicyResource[]>>();
    private readonly depsMemo = new Map<PolicyResource, Map<string, PolicyResource[]>>();
    private readonly referrersMemo = new Map<PolicyResource, Map<string, PolicyResource[]>>();
    /** Reverse property dependencies: URN of a dependency → resources (and the property) that depend on it. */
    private readonly dependents = new Map<string, { resource: PolicyResource; prop: string }[]>();
    /** `type` → `prop` → `value` → resources of that type whose reference property `prop` is the known string `value`. */
    private readonly byRef = new Map<string, Map<string, Map<string, PolicyResource[]>>>();

    /** Property dependencies pointed at canonical forms (a dependency on an aws-native resource is one on its canonical form). */
    private readonly deps = new Map<PolicyResource, Record<string, PolicyResource[]>>();

    /** Every resource in canonical form (lib/adapters), with the resources derived from inline parts after it. */
    constructor(resources: PolicyResource[]) {
        const previous = builtFor(resources);
        if (previous) return previous;
        remember(resources, this);
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
            let refs = this.byRef.get(r.type);
            if (!refs) this.byRef.set(r.type, (refs = new Map()));
            for (const p of REF_PROPS) {
                const v = get(props, p);
                if (typeof v === "string" && v !== "" && !isUnknown(v)) {
                    let byValue = refs.get(p);
                    if (!byValue) refs.set(p, (byValue = new Map()));
                    const l = byValue.get(v) ?? [];
                    if (l.length < MAX_REFERRERS) l.push(r);
                    byValue.set(v, l);
                }
            }
            let ids = this.byId.get(r.type);
            if (!ids) this.byId.set(r.type, (ids = new Map()));
            const addId = (v: unknown) => {
                if (typeof v !== "string" || v === "" || isUnknown(v)) return;
                const l = ids.get(v) ?? [];
                if (l.length < MAX_SAME_IDENTIFIER && !l.includes(r)) l.push(r);
                ids.set(v, l);
            };
            for (const p of ID_PROPS) addId(get(props, p));
            // An EC2 resource's id is also the end of its ARN (`arn:aws:ec2:r:a:subnet/subnet-0abc`): discovered
            // resources and state may carry the ARN without an `id` property (tests/pack-shapes.test.ts).
            addId(ec2IdOf(get(props, "arn")));
            addId(ec2IdName(r, props));
        }
        // Shared with every caller of `ofType` (which only read them).
        for (const list of this.byType.values()) Object.freeze(list);
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

    /** The resources of the given types (a shared, frozen array for a single type). */
    ofType(...types: string[]): PolicyResource[] {
        if (types.length === 1) return this.byType.get(types[0]) ?? NONE;
        return types.flatMap((t) => this.byType.get(t) ?? []);
    }

    urn(urn: string): PolicyResource | undefined {
        return this.byUrn.get(urn);
    }

    /** Resources of the given types that `r`'s property `prop` depends on (a shared array: do not modify). */
    propDeps(r: PolicyResource, prop: string, types: readonly string[]): PolicyResource[] {
        const deps = (this.deps.get(r) ?? r.propertyDependencies ?? {})[prop];
        if (!Array.isArray(deps) || !deps.length) return [];
        // Memoised per resource, property and types: a rule that walks a list property (one entry per access
        // configuration or policy ARN) asks for the same dependencies once per entry.
        let byProp = this.depsMemo.get(r);
        if (!byProp) this.depsMemo.set(r, (byProp = new Map()));
        const key = `${prop}\u0000${types.join(",")}`;
        let found = byProp.get(key);
        if (!found) byProp.set(key, (found = [...new Set(deps.filter((d) => d && types.includes(d.type)))]));
        return found;
    }

    /**
     * Resources of the given types that a reference (a property value such as an ARN or name) points at: through the
     * property's dependencies, and through the value when it is known. An ARN with a qualifier
     * (`...:function:name:alias`) also matches the unqualified resource. The array may be shared: do not modify it.
     */
    resolve(r: PolicyResource, prop: string, value: unknown, types: readonly string[]): PolicyResource[] {
        const deps = this.propDeps(r, prop, types);
        const byValue = typeof value === "string" && value !== "" && !isUnknown(value) ? this.withValue(value, types) : [];
        if (!deps.length) return byValue;
        if (!byValue.length) return deps;
        return [...new Set([...deps, ...byValue])];
    }

    /**
     * The resources of the given types known by `value`, or, for a qualified Lambda ARN, by its unqualified form.
     * Memoised: the returned array is shared and must not be modified.
     */
    private withValue(value: string, types: readonly string[]): PolicyResource[] {
        const typesKey = types.length === 1 ? types[0] : types.join(",");
        let memo = this.byValue.get(typesKey);
        if (!memo) this.byValue.set(typesKey, (memo = new Map()));
        let found = memo.get(value);
        if (found) return found;
        const set = new Set<PolicyResource>();
        const base = unqualified(value);
        for (const t of types) {
            const ids = this.byId.get(t);
            if (!ids) continue;
            for (const hit of ids.get(value) ?? []) set.add(hit);
            if (base !== value) for (const hit of ids.get(base) ?? []) set.add(hit);
        }
        found = [...set];
        memo.set(value, found);
        return found;
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
        const key = `${prop}\u0000${types.join(",")}`;
        let memo = this.referrersMemo.get(target);
        if (!memo) this.referrersMemo.set(target, (memo = new Map()));
        const cached = memo.get(key);
        if (cached) return cached;
        const out = new Set<PolicyResource>(this.dependentsOf(target, types, prop));
        for (const idProp of ID_PROPS) {
            const v = get(target.props, idProp);
            if (typeof v !== "string" || v === "" || isUnknown(v)) continue;
            for (const t of types) for (const hit of this.byRef.get(t)?.get(prop)?.get(v) ?? []) out.add(hit);
        }
        const found = [...out];
        memo.set(key, found);
        return found;
    }

    /** Resources of the given types whose identifier equals one of `values` (known strings). */
    withIdIn(values: unknown[], types: readonly string[]): PolicyResource[] {
        const out = new Set<PolicyResource>();
        for (const v of values) {
            if (typeof v !== "string" || v === "" || isUnknown(v)) continue;
            for (const hit of this.withValue(v, types)) out.add(hit);
        }
        return [...out];
    }
}

/** The id prefix of each EC2 type whose resources rules look up by id (Amazon EC2 API reference, resource ids). */
const EC2_ID_PREFIX: Record<string, string> = {
    [T.vpc]: "vpc-",
    [T.subnet]: "subnet-",
    [T.securityGroup]: "sg-",
    [T.defaultSecurityGroup]: "sg-",
    [T.routeTable]: "rtb-",
    [T.defaultRouteTable]: "rtb-",
    [T.natGateway]: "nat-",
    [T.internetGateway]: "igw-",
    [T.vpcEndpoint]: "vpce-",
    [T.prefixList]: "pl-",
};

/**
 * A discovered EC2 resource's id when its properties hold none: an account scan names a resource by its cloud
 * identifier, and some EC2 resources have no ARN in the AWS provider (a NAT gateway) or a state without it (this
 * project's mocks give route tables and gateways none), so without this a route to `nat-0abc` or an association with `rtb-0abc`
 * would lead outside the stack. Only a name that is an id of the resource's own kind (`rtb-` and 8 or 17 hexadecimal
 * digits for a route table), and only when the properties hold no `id`.
 */
export function ec2IdName(r: { type: string; name: string }, props: unknown): string | undefined {
    const prefix = EC2_ID_PREFIX[r.type];
    if (!prefix || typeof r.name !== "string" || !r.name.startsWith(prefix) || get(props, "id") !== undefined) return undefined;
    const hex = r.name.slice(prefix.length);
    if (hex.length !== 8 && hex.length !== 17) return undefined;
    for (const c of hex) if (!((c >= "0" && c <= "9") || (c >= "a" && c <= "f"))) return undefined;
    return r.name;
}

/** The id at the end of an EC2 ARN (`arn:aws:ec2:<region>:<account>:<kind>/<id>`), or undefined. */
export function ec2IdOf(arn: unknown): string | undefined {
    if (typeof arn !== "string") return undefined;
    const a = parseArn(arn);
    if (!a || a.service !== "ec2") return undefined;
    const slash = a.resource.indexOf("/");
    return slash > 0 && slash < a.resource.length - 1 && a.resource.indexOf("/", slash + 1) < 0 ? a.resource.slice(slash + 1) : undefined;
}

/**
 * `arn:aws:lambda:r:a:function:name:qualifier` -> `arn:aws:lambda:r:a:function:name` (anything else unchanged). Parsed
 * with `indexOf`, in time linear in the ARN's length.
 */
export function unqualified(arn: string): string {
    const a = parseArn(arn);
    if (!a || a.service !== "lambda" || a.region === "" || !isAccountId(a.account) || !a.resource.startsWith("function:")) return arn;
    const rest = a.resource.slice("function:".length);
    const colon = rest.indexOf(":");
    if (colon <= 0 || colon === rest.length - 1 || rest.indexOf(":", colon + 1) >= 0) return arn;
    return arn.slice(0, arn.length - (rest.length - colon));
}
