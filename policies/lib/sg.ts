/**
 * Security groups as EC2 evaluates them: every rule of a group, from every form it can be written in (inline `ingress`
 * / `egress` of `aws.ec2.SecurityGroup` and `aws.ec2.DefaultSecurityGroup`, `aws.ec2.SecurityGroupRule`,
 * `aws.vpc.SecurityGroupIngressRule` / `EgressRule`, and aws-native `SecurityGroup` / `SecurityGroupIngress` /
 * `SecurityGroupEgress` through lib/adapters), gathered per group; and an interface's permissions are the union of the
 * rules of all its groups (Amazon VPC User Guide, "Security group rules": "the rules from all the security groups that
 * are associated with the network interface are aggregated"). Built once per request: linear in the number of rules.
 */
import type { PolicyResource } from "@pulumi/policy";
import { covers, parseCidr, type Range } from "./cidr";
import { StackIndex, T } from "./graph";
import { get, isUnknown, maybeArray } from "./values";
import { refsOf, vpcOf } from "./vpc";

export const GROUP_TYPES = [T.securityGroup, T.defaultSecurityGroup] as const;

export type Direction = "ingress" | "egress";

/** One rule, in canonical form. */
export interface SgRule {
    /** The resource that holds the rule (a violation about it points there). */
    owner: PolicyResource;
    direction: Direction;
    /** "all", "tcp" or another protocol; undefined when not known yet. */
    protocol?: string;
    /** Port range (inclusive); undefined when not known yet. */
    from?: number;
    to?: number;
    cidrs: { text: string; range: Range }[];
    /** Keys (lib/sg `keyOf`) of the groups the rule admits (ingress: sources; egress: destinations). */
    groups: string[];
    /** Prefix lists the rule names (ids or URNs); their entries are read when defined in the stack. */
    prefixLists: string[];
    /** Some CIDR or prefix list of the rule is not known yet. */
    unknownAddr: boolean;
    /** Some group the rule names is not known yet (and cannot be told from the rule's dependencies). */
    unknownGroup: boolean;
}

export interface SgGroup {
    key: string;
    /** The group resource, when in the stack. */
    resource?: PolicyResource;
    ingress: SgRule[];
    egress: SgRule[];
    /** Some rule of the group (or the group's rule list) is not known yet. */
    undecided: boolean;
}

/** A rule's protocol: a string or number only (any other JSON value is no protocol EC2 accepts: nothing is admitted). */
function protocolOf(v: unknown): string | undefined {
    if (v === undefined || v === null) return "tcp";
    if (isUnknown(v)) return undefined;
    if (typeof v !== "string" && typeof v !== "number") return "none";
    const p = String(v).toLowerCase();
    if (p === "-1" || p === "all") return "all";
    if (p === "6") return "tcp";
    return p;
}

/** A port: a number or numeric string; any other value is none (-2, which admits no port). */
function portOf(v: unknown, dflt: number): number | undefined {
    if (v === undefined || v === null) return dflt;
    if (isUnknown(v)) return undefined;
    if (typeof v !== "string" && typeof v !== "number") return -2;
    const n = Number(v);
    return Number.isFinite(n) ? n : -2;
}

/** Whether a rule admits TCP traffic to `port` (EC2: protocol -1 is every port; a TCP range of -1 is every port). */
export function admitsPort(rule: SgRule, port: number): boolean | undefined {
    if (rule.protocol === undefined) return undefined;
    if (rule.protocol === "all") return true;
    if (rule.protocol !== "tcp") return false;
    if (rule.from === undefined || rule.to === undefined) return undefined;
    if (rule.from === -1 || rule.to === -1) return true;
    return rule.from <= port && port <= rule.to;
}

/** The security groups of a stack and all their rules, keyed by group. */
export class SecurityGroups {
    private readonly groups = new Map<string, SgGroup>();
    /** VPC key (lib/vpc `vpcOf`) → its aws.ec2.DefaultSecurityGroup's URN. */
    private readonly defaults = new Map<string, string>();

    constructor(private readonly index: StackIndex) {
        for (const d of index.ofType(T.defaultSecurityGroup)) {
            const v = vpcOf(index, d);
            if (v && !this.defaults.has(v)) this.defaults.set(v, d.urn);
        }
        for (const g of index.ofType(...GROUP_TYPES)) {
            const group = this.group(g.urn, g);
            for (const direction of ["ingress", "egress"] as Direction[]) {
                const list = get(g.props, direction);
                if (isUnknown(list)) group.undecided = true;
                for (const item of maybeArray(g.props, direction)) {
                    if (isUnknown(item)) group.undecided = true;
                    else this.add(group, this.inline(g, direction, item));
                }
            }
        }
        for (const r of index.ofType(T.securityGroupRule, T.ingressRule, T.egressRule)) this.standalone(r);
    }

    /** The group known by `key`, created empty when first named. */
    group(key: string, resource?: PolicyResource): SgGroup {
        let g = this.groups.get(key);
        if (!g) this.groups.set(key, (g = { key, resource, ingress: [], egress: [], undecided: false }));
        if (resource && !g.resource) g.resource = resource;
        return g;
    }

    /**
     * The key of a VPC's default security group: its DefaultSecurityGroup resource, else `default-sg:<vpc>` (outside
     * the stack). MSK and VPC endpoints use it when no group is named.
     */
    defaultOf(vpc: string | undefined): string {
        return (vpc && this.defaults.get(vpc)) || `default-sg:${vpc ?? "unknown"}`;
    }

    all(): SgGroup[] {
        return [...this.groups.values()];
    }

    /**
     * The keys of the groups that `r`'s property `prop` names: the group's URN when it is in the stack (by value or by
     * property dependency), else `id:<id>`. `unknown` when some reference can be resolved to nothing.
     */
    keysOf(r: PolicyResource, prop: string, values: unknown[]): { keys: string[]; unknown: boolean } {
        const refs = refsOf(this.index, r, prop, values, GROUP_TYPES);
        return { keys: [...refs.found.map((g) => g.urn), ...refs.outside.map((id) => `id:${id}`)], unknown: refs.unknown };
    }

    private add(group: SgGroup, rule: SgRule): void {
        (rule.direction === "ingress" ? group.ingress : group.egress).push(rule);
    }

    private peers(
        owner: PolicyResource,
        prop: string,
        ownKey: string,
        rule: unknown,
        groupValues: unknown[],
    ): Omit<SgRule, "owner" | "direction" | "protocol" | "from" | "to"> {
        const out = { cidrs: [] as SgRule["cidrs"], groups: [] as string[], prefixLists: [] as string[], unknownAddr: false, unknownGroup: false };
        const texts: unknown[] = [];
        for (const k of ["cidrBlocks", "ipv6CidrBlocks"]) {
            const v = get(rule, k);
            if (isUnknown(v)) out.unknownAddr = true;
            else for (const t of maybeArray(rule, k)) texts.push(t);
        }
        texts.push(get(rule, "cidrIpv4"), get(rule, "cidrIpv6"));
        for (const t of texts) {
            if (isUnknown(t)) out.unknownAddr = true;
            if (typeof t !== "string" || isUnknown(t)) continue;
            const range = parseCidr(t);
            if (range) out.cidrs.push({ text: t, range });
        }
        const self = get(rule, "self");
        if (self === true || self === "true") out.groups.push(ownKey);
        const refs = this.keysOf(owner, prop, groupValues);
        for (const k of refs.keys) out.groups.push(k);
        if (refs.unknown) out.unknownGroup = true;
        const lists = [get(rule, "prefixListId"), ...maybeArray(rule, "prefixListIds")];
        if (isUnknown(get(rule, "prefixListIds"))) out.unknownAddr = true;
        for (const l of lists) {
            if (isUnknown(l)) out.unknownAddr = true;
            else if (typeof l === "string" && l !== "") out.prefixLists.push(l);
        }
        return out;
    }

    private inline(g: PolicyResource, direction: Direction, item: unknown): SgRule {
        const protocol = protocolOf(get(item, "protocol"));
        const groupValues = get(item, "securityGroups");
        const peers = this.peers(g, direction, g.urn, item, isUnknown(groupValues) ? [groupValues] : maybeArray(item, "securityGroups"));
        return { owner: g, direction, protocol, from: portOf(get(item, "fromPort"), 0), to: portOf(get(item, "toPort"), 65535), ...peers };
    }

    private standalone(r: PolicyResource): void {
        let direction: Direction;
        if (r.type === T.securityGroupRule) {
            const type = get(r.props, "type");
            if (type !== "ingress" && type !== "egress") {
                if (isUnknown(type)) this.unresolved(r).undecided = true;
                return;
            }
            direction = type;
        } else direction = r.type === T.egressRule ? "egress" : "ingress";
        const target = this.keysOf(r, "securityGroupId", [get(r.props, "securityGroupId")]);
        const key = target.keys[0] ?? r.urn;
        const group = this.group(key);
        if (target.unknown) group.undecided = true;
        const classic = r.type === T.securityGroupRule;
        const peerProp = classic ? "sourceSecurityGroupId" : "referencedSecurityGroupId";
        const protocol = protocolOf(get(r.props, classic ? "protocol" : "ipProtocol"));
        const peers = this.peers(r, peerProp, key, r.props, [get(r.props, peerProp)]);
        // vpc.SecurityGroup*Rule with ipProtocol -1 has no ports; otherwise absent ports are not every port.
        const from = portOf(get(r.props, "fromPort"), protocol === "all" ? 0 : -2);
        const to = portOf(get(r.props, "toPort"), protocol === "all" ? 65535 : -2);
        this.add(group, { owner: r, direction, protocol, from, to, ...peers });
    }

    private unresolved(r: PolicyResource): SgGroup {
        const t = this.keysOf(r, "securityGroupId", [get(r.props, "securityGroupId")]);
        return this.group(t.keys[0] ?? r.urn);
    }

    /**
     * The CIDR ranges a rule admits, with the entries of prefix lists defined in the stack; `unknown` when an address
     * is not known yet, `opaque` the prefix lists outside the stack (their entries cannot be read).
     */
    rangesOf(rule: SgRule): { ranges: Range[]; unknown: boolean; opaque: string[] } {
        const ranges = rule.cidrs.map((c) => c.range);
        let unknown = rule.unknownAddr;
        const opaque: string[] = [];
        for (const l of rule.prefixLists) {
            const prop = rule.owner.type === T.securityGroup || rule.owner.type === T.defaultSecurityGroup ? rule.direction : "prefixListId";
            const found = this.index.resolve(rule.owner, prop, l, [T.prefixList]).filter((pl) => get(pl.props, "id") === l || !get(pl.props, "id"));
            if (!found.length) opaque.push(l);
            for (const pl of found)
                for (const e of maybeArray(pl.props, "entries")) {
                    const c = get(e, "cidr");
                    const r = typeof c === "string" ? parseCidr(c) : undefined;
                    if (r) ranges.push(r);
                    else if (isUnknown(c)) unknown = true;
                }
            if (found.some((pl) => isUnknown(get(pl.props, "entries")))) unknown = true;
        }
        return { ranges, unknown, opaque };
    }
}

export interface Reach {
    /** Every target is admitted. */
    ok: boolean;
    /** Not decided: a rule, a peer or a group is not known yet or lies outside the stack. */
    unknown: boolean;
}

/**
 * Whether the union of `rules` admits TCP `port` for a peer: one of the peer's groups is named, or the admitted CIDRs
 * together cover every one of the peer's address ranges.
 */
export function unionAdmits(model: SecurityGroups, rules: SgRule[], port: number, peerGroups: Set<string>, peerRanges: Range[]): Reach {
    let unknown = false;
    const ranges: Range[] = [];
    for (const rule of rules) {
        const admits = admitsPort(rule, port);
        if (admits === undefined) unknown = true;
        if (!admits) continue;
        if (rule.groups.some((g) => peerGroups.has(g))) return { ok: true, unknown: false };
        const r = model.rangesOf(rule);
        if (r.unknown || r.opaque.length || rule.unknownGroup) unknown = true;
        for (const x of r.ranges) ranges.push(x);
    }
    if (
        peerRanges.length &&
        peerRanges.every((p) =>
            covers(
                ranges.filter((r) => r.family === p.family),
                p,
            ),
        )
    )
        return { ok: true, unknown: false };
    return { ok: false, unknown };
}
