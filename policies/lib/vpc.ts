/**
 * The VPC a Kafka mapping's pollers sit in, read once per request: each resource's VPC, the subnets the pollers use
 * (the MSK cluster's, or a self-managed mapping's VPC_SUBNET), and each subnet's route tables (its explicit
 * association, else the VPC's main table) with their routes, from every form a route takes (inline `routes` of
 * RouteTable/DefaultRouteTable, `aws.ec2.Route`, aws-native through lib/adapters). Lookups are map reads: linear.
 */
import type { PolicyResource } from "@pulumi/policy";
import { StackIndex, T } from "./graph";
import { accessConfigs, clustersOf, isSelfManagedMapping } from "./kafka";
import { get, isUnknown, maybeArray } from "./values";

/** A VPC identity for a resource: the VPC resource its `vpcId` depends on or names, else the `vpcId` string. */
export function vpcOf(index: StackIndex, r: PolicyResource): string | undefined {
    const deps = index.propDeps(r, "vpcId", [T.vpc]);
    if (deps.length) return deps[0].urn;
    const id = get(r.props, "vpcId");
    if (typeof id !== "string" || isUnknown(id)) return undefined;
    return index.withIdIn([id], [T.vpc])[0]?.urn ?? `id:${id}`;
}

/** The subnets (resources in this stack) a Kafka mapping's pollers use: the MSK cluster's, or the mapping's VPC_SUBNET. */
export function pollerSubnets(index: StackIndex, m: PolicyResource): PolicyResource[] {
    const out = new Set<PolicyResource>();
    if (isSelfManagedMapping(m)) {
        const ids = accessConfigs(m)
            .filter((c) => c.type === "VPC_SUBNET")
            .map((c) => (typeof c.uri === "string" && c.uri.startsWith("subnet:") ? c.uri.slice("subnet:".length) : c.uri));
        for (const s of index.withIdIn(ids, [T.subnet])) out.add(s);
        if (ids.some(isUnknown)) for (const s of index.propDeps(m, "sourceAccessConfigurations", [T.subnet])) out.add(s);
        return [...out];
    }
    for (const c of clustersOf(index, m)) {
        if (c.type === T.mskServerless) {
            for (const s of index.propDeps(c, "vpcConfigs", [T.subnet])) out.add(s);
            for (const v of maybeArray(c.props, "vpcConfigs")) for (const s of index.withIdIn(maybeArray(v, "subnetIds"), [T.subnet])) out.add(s);
        } else {
            for (const s of index.propDeps(c, "brokerNodeGroupInfo", [T.subnet])) out.add(s);
            for (const s of index.withIdIn(maybeArray(c.props, "brokerNodeGroupInfo", "clientSubnets"), [T.subnet])) out.add(s);
        }
    }
    return [...out];
}

/** Subnet keys for `values` of `owner`'s property `prop`: the URN of each subnet of the stack it names, else `id:<id>`. */
function subnetKeys(index: StackIndex, owner: PolicyResource, prop: string, values: unknown[]): string[] {
    const r = refsOf(index, owner, prop, values, [T.subnet]);
    return [...r.found.map((s) => s.urn), ...r.outside.map((id) => `id:${id}`)];
}

/**
 * Keys (subnet URN, else `id:<id>`) of the subnets a Kafka mapping's pollers use where the rules have no cluster to read
 * them from: a self-managed mapping's VPC_SUBNET ids, or the `clientSubnets` of the MSK VPC connection (in the stack)
 * whose ARN is the mapping's event source.
 */
export function pollerSubnetKeys(index: StackIndex, m: PolicyResource): string[] {
    if (isSelfManagedMapping(m)) {
        const ids = accessConfigs(m)
            .filter((c) => c.type === "VPC_SUBNET")
            .map((c) => (typeof c.uri === "string" && c.uri.startsWith("subnet:") ? c.uri.slice("subnet:".length) : c.uri));
        return subnetKeys(index, m, "sourceAccessConfigurations", ids);
    }
    const out: string[] = [];
    for (const c of index.resolve(m, "eventSourceArn", get(m.props, "eventSourceArn"), [T.mskVpcConnection]))
        for (const k of subnetKeys(index, c, "clientSubnets", maybeArray(c.props, "clientSubnets"))) out.push(k);
    return out;
}

const endpointsBySubnet = new WeakMap<StackIndex, Map<string, PolicyResource[]>>();

/**
 * The stack's VPC endpoints by the key (as `pollerSubnetKeys`) of each subnet in their `subnetIds`, built once per
 * request's index. An interface endpoint's subnets are subnets of its VPC (Amazon VPC, "Access an AWS service using an
 * interface VPC endpoint"), so an endpoint in a poller subnet is in the pollers' VPC even when that VPC is not in the stack.
 */
export function endpointsBySubnetKey(index: StackIndex): Map<string, PolicyResource[]> {
    const memo = endpointsBySubnet.get(index);
    if (memo) return memo;
    const out = new Map<string, PolicyResource[]>();
    for (const e of index.ofType(T.vpcEndpoint))
        for (const k of new Set(subnetKeys(index, e, "subnetIds", maybeArray(e.props, "subnetIds")))) {
            const list = out.get(k) ?? [];
            list.push(e);
            out.set(k, list);
        }
    endpointsBySubnet.set(index, out);
    return out;
}

/** Route-table identity: the RouteTable resource's URN, else the id string; undefined when unknown. */
export function tableKeys(index: StackIndex, owner: PolicyResource, prop: string, values: unknown[]): { keys: string[]; unknown: boolean } {
    const r = refsOf(index, owner, prop, values, [T.routeTable]);
    return { keys: [...r.found.map((x) => x.urn), ...r.outside.map((id) => `id:${id}`)], unknown: r.unknown };
}

/**
 * The resources of `types` that `values` (ids, ARNs or names, maybe unknown) of `owner`'s property `prop` name. The
 * engine sends a resource's inputs, which hold no `id`: a value that no resource is known by is matched to the
 * property's dependencies of those types first (a program that writes `vpcId: vpc.id` depends on `vpc`); only values
 * beyond the dependencies are outside the stack (`outside`) or not known yet (`unknown`).
 */
export function refsOf(
    index: StackIndex,
    owner: PolicyResource,
    prop: string,
    values: unknown[],
    types: readonly string[],
): { found: PolicyResource[]; outside: string[]; unknown: boolean } {
    const found = new Set<PolicyResource>();
    const known: string[] = [];
    let unknownCount = 0;
    for (const v of values) {
        if (isUnknown(v)) unknownCount++;
        else if (typeof v === "string" && v !== "") {
            const hit = index.withIdIn([v], types);
            if (hit.length) found.add(hit[0]);
            else known.push(v);
        }
    }
    const left = index.propDeps(owner, prop, types).filter((d) => !found.has(d));
    for (const d of left) found.add(d);
    if (known.length + unknownCount <= left.length) return { found: [...found], outside: [], unknown: false };
    return { found: [...found], outside: known, unknown: unknownCount > 0 };
}

export interface EndpointCheck {
    ok: boolean;
    unknown: boolean;
    why?: string;
}

/** Route tables of the stack, read once per policy run: each subnet's explicit tables, each VPC's main tables. */
export class RouteTables {
    private readonly bySubnet = new Map<string, string[]>();
    private readonly mainByVpc = new Map<string, string[]>();
    /** VpcEndpointRouteTableAssociation tables by the endpoint they name (its URN, or `id:<vpce-...>`). */
    private readonly byEndpoint = new Map<string, string[]>();
    private readonly endpointsByVpc = new Map<string, PolicyResource[]>();
    /** Some endpoint's VPC is not known yet. */
    readonly endpointVpcUnknown: boolean = false;

    constructor(private readonly index: StackIndex) {
        const subnetKey = (a: PolicyResource): string | undefined => {
            const dep = index.propDeps(a, "subnetId", [T.subnet])[0];
            if (dep) return dep.urn;
            const id = get(a.props, "subnetId");
            return typeof id === "string" && !isUnknown(id) ? (index.withIdIn([id], [T.subnet])[0]?.urn ?? `id:${id}`) : undefined;
        };
        for (const a of index.ofType(T.routeTableAssociation)) {
            const s = subnetKey(a);
            if (!s) continue;
            const list = this.bySubnet.get(s) ?? [];
            for (const k of tableKeys(index, a, "routeTableId", [get(a.props, "routeTableId")]).keys) list.push(k);
            this.bySubnet.set(s, list);
        }
        for (const e of index.ofType(T.vpcEndpoint)) {
            const v = vpcOf(index, e);
            if (v === undefined) {
                if (isUnknown(get(e.props, "vpcId"))) this.endpointVpcUnknown = true;
                continue;
            }
            const list = this.endpointsByVpc.get(v) ?? [];
            list.push(e);
            this.endpointsByVpc.set(v, list);
        }
        for (const a of index.ofType(T.endpointRouteTableAssociation)) {
            const dep = index.propDeps(a, "vpcEndpointId", [T.vpcEndpoint])[0];
            const id = get(a.props, "vpcEndpointId");
            const key = dep ? dep.urn : typeof id === "string" && !isUnknown(id) ? `id:${id}` : undefined;
            if (!key) continue;
            const list = this.byEndpoint.get(key) ?? [];
            for (const k of tableKeys(index, a, "routeTableId", [get(a.props, "routeTableId")]).keys) list.push(k);
            this.byEndpoint.set(key, list);
        }
        // aws.ec2.DefaultRouteTable adopts a VPC's main table (`defaultRouteTableId: vpc.defaultRouteTableId`): by that
        // dependency, or by the id, which the VPC's `defaultRouteTableId` / `mainRouteTableId` outputs hold.
        const vpcByMainTable = new Map<string, string>();
        for (const v of index.ofType(T.vpc))
            for (const p of ["defaultRouteTableId", "mainRouteTableId"]) {
                const id = get(v.props, p);
                if (typeof id === "string" && id !== "" && !isUnknown(id) && !vpcByMainTable.has(id)) vpcByMainTable.set(id, v.urn);
            }
        for (const d of index.ofType(T.defaultRouteTable)) {
            const id = get(d.props, "defaultRouteTableId");
            const v = index.propDeps(d, "defaultRouteTableId", [T.vpc])[0]?.urn ?? (typeof id === "string" ? vpcByMainTable.get(id) : undefined);
            if (!v) continue;
            const list = this.mainByVpc.get(v) ?? [];
            list.push(d.urn);
            this.mainByVpc.set(v, list);
        }
        for (const a of index.ofType(T.mainRouteTableAssociation)) {
            const v = vpcOf(index, a);
            if (!v) continue;
            const list = this.mainByVpc.get(v) ?? [];
            for (const k of tableKeys(index, a, "routeTableId", [get(a.props, "routeTableId")]).keys) list.push(k);
            this.mainByVpc.set(v, list);
        }
    }

    endpointsIn(vpc: string): PolicyResource[] {
        return this.endpointsByVpc.get(vpc) ?? [];
    }

    /** The route tables associated with an endpoint through VpcEndpointRouteTableAssociation resources. */
    ofEndpoint(e: PolicyResource): string[] {
        return [...(this.byEndpoint.get(e.urn) ?? []), ...(this.byEndpoint.get(`id:${String(get(e.props, "id"))}`) ?? [])];
    }

    /** The route tables of a subnet (undefined: not known yet): its explicit association, else the VPC's main table. */
    of(subnet: PolicyResource, vpc: string): string[] | undefined {
        const explicit = this.bySubnet.get(subnet.urn) ?? this.bySubnet.get(`id:${String(get(subnet.props, "id"))}`);
        if (explicit?.length) return explicit;
        const main = [...(this.mainByVpc.get(vpc) ?? [])];
        const vpcRes = this.index.urn(vpc);
        const id = vpcRes ? get(vpcRes.props, "mainRouteTableId") : undefined;
        // The VPC's main table is the DefaultRouteTable that adopts it when one does (pushed above), else a RouteTable.
        if (typeof id === "string" && !isUnknown(id) && !main.length)
            main.push(this.index.withIdIn([id], [T.routeTable, T.defaultRouteTable])[0]?.urn ?? `id:${id}`);
        return main.length ? main : undefined;
    }
}

/** Where a route sends traffic: a NAT gateway, an internet gateway, elsewhere (transit gateway, peering, appliance), or not known yet. */
export type RouteTarget = { kind: "nat"; nat?: PolicyResource; id?: string } | { kind: "igw" } | { kind: "other"; what: string } | { kind: "unknown" };

const OTHER_TARGETS = [
    "transitGatewayId",
    "networkInterfaceId",
    "vpcPeeringConnectionId",
    "vpcEndpointId",
    "instanceId",
    "carrierGatewayId",
    "localGatewayId",
    "coreNetworkArn",
];

/** Whether a route's destination is the IPv4 default route (0.0.0.0/0, however spelled). */
function isDefaultRoute(dest: unknown): boolean | undefined {
    if (isUnknown(dest)) return undefined;
    if (typeof dest !== "string") return false;
    const slash = dest.indexOf("/");
    return slash > 0 && dest.slice(slash + 1).trim() === "0" && !dest.includes(":");
}

/**
 * The targets of the IPv4 default routes (0.0.0.0/0) of each route table, from inline `routes` and `aws.ec2.Route`
 * resources; `undecided` per table when a route's destination or target is not known yet.
 */
export class DefaultRoutes {
    private readonly byTable = new Map<string, RouteTarget[]>();
    /** Tables with a route (not the default one) to a transit gateway, peering connection or appliance. */
    readonly elsewhere = new Set<string>();

    constructor(private readonly index: StackIndex) {
        for (const t of index.ofType(T.routeTable, T.defaultRouteTable)) {
            const routes = get(t.props, "routes");
            if (isUnknown(routes)) this.push(t.urn, { kind: "unknown" });
            for (const r of maybeArray(t.props, "routes")) this.route(t.urn, t, "routes", r, "cidrBlock");
        }
        for (const r of index.ofType(T.route)) {
            const keys = tableKeys(index, r, "routeTableId", [get(r.props, "routeTableId")]);
            for (const k of keys.keys) this.route(k, r, "natGatewayId", r.props, "destinationCidrBlock");
        }
    }

    private push(table: string, target: RouteTarget): void {
        const l = this.byTable.get(table) ?? [];
        l.push(target);
        this.byTable.set(table, l);
    }

    private route(table: string, owner: PolicyResource, prop: string, r: unknown, destProp: string): void {
        const dflt = isDefaultRoute(get(r, destProp));
        if (dflt === false) {
            // A narrower route to a transit gateway, peering or appliance may reach centralised endpoints elsewhere.
            for (const k of OTHER_TARGETS) {
                const v = get(r, k);
                if (v !== undefined && v !== null && v !== "") this.elsewhere.add(table);
            }
            return;
        }
        if (dflt === undefined) return this.push(table, { kind: "unknown" });
        const nat = get(r, "natGatewayId");
        if (nat !== undefined && nat !== null && nat !== "") {
            const found = this.index.resolve(owner, prop, nat, [T.natGateway]);
            if (found.length === 1 || (found.length && prop === "natGatewayId")) return this.push(table, { kind: "nat", nat: found[0] });
            return this.push(table, isUnknown(nat) ? { kind: "unknown" } : { kind: "nat", id: typeof nat === "string" ? nat : "(not an id)" });
        }
        const gw = get(r, "gatewayId");
        if (gw !== undefined && gw !== null && gw !== "") {
            if (isUnknown(gw)) {
                const igw = this.index.propDeps(owner, prop === "natGatewayId" ? "gatewayId" : prop, [T.internetGateway]);
                return this.push(table, igw.length ? { kind: "igw" } : { kind: "unknown" });
            }
            const s = typeof gw === "string" ? gw : "(not an id)";
            const isIgw = s.startsWith("igw-") || this.index.withIdIn([s], [T.internetGateway]).length > 0;
            return this.push(table, isIgw ? { kind: "igw" } : { kind: "other", what: `gateway ${s.slice(0, 60)}` });
        }
        for (const k of OTHER_TARGETS) {
            const v = get(r, k);
            if (v !== undefined && v !== null && v !== "") return this.push(table, { kind: "other", what: k });
        }
        this.push(table, { kind: "unknown" });
    }

    /** The default-route targets of a table (by key: URN or `id:<rtb-...>`), or undefined when the table is not in the stack. */
    of(table: string): RouteTarget[] | undefined {
        if (table.startsWith("id:") && !this.byTable.has(table)) return undefined;
        return this.byTable.get(table) ?? (this.index.urn(table) ? [] : undefined);
    }
}
