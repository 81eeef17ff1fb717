/**
 * The network interfaces Lambda's pollers use for a Kafka event source and the groups and subnets they sit in.
 * Lambda/MSK "Network configuration": the pollers' interfaces use the MSK cluster's subnets and security groups ("The
 * Amazon VPC configuration is discoverable through the Amazon MSK API"); a self-managed Apache Kafka mapping names
 * them itself (`VPC_SUBNET`, `VPC_SECURITY_GROUP` access configurations: "subnet:<id>", "security_group:<id>").
 */
import type { PolicyResource } from "@pulumi/policy";
import { parseCidr, type Range } from "./cidr";
import { StackIndex, T } from "./graph";
import { accessConfigs, CLUSTER_TYPES, clustersOf, isSelfManagedMapping } from "./kafka";
import { SecurityGroups } from "./sg";
import { clip, get, isUnknown, maybeArray } from "./values";
import { refsOf, vpcOf } from "./vpc";

export interface NetworkInterface {
    /** The resource that places the interfaces: an MSK cluster, or a self-managed mapping. */
    owner: PolicyResource;
    /** How messages name it. */
    what: string;
    /** Keys (lib/sg) of the groups on the interface. */
    groups: string[];
    /** A group reference that could not be resolved (not known yet). */
    groupsUnknown: boolean;
    /** The subnets in the stack; `subnetsOutside` when some are not. */
    subnets: PolicyResource[];
    subnetsOutside: boolean;
    /** A self-managed mapping's VPC_SUBNET / VPC_SECURITY_GROUP URIs that are not `subnet:<subnet id>` / `security_group:<group id>`. */
    badUris?: { type: string; uri: string }[];
}

/** A group's name for messages: its resource name, else its id. */
export function groupName(index: StackIndex, key: string): string {
    const r = index.urn(key);
    if (r) return `'${r.name}'`;
    return clip(key.startsWith("id:") ? key.slice(3) : key);
}

/** The subnet resources that `values` (ids, maybe unknown) of `r`'s property `prop` name. */
function subnetsOf(index: StackIndex, r: PolicyResource, prop: string, values: unknown[]): { subnets: PolicyResource[]; outside: boolean } {
    const refs = refsOf(index, r, prop, values, [T.subnet]);
    return { subnets: refs.found, outside: refs.outside.length > 0 || (!values.length && !refs.found.length) };
}

/** The VPC default security group of the subnets' VPC (lib/sg `defaultOf`). */
function defaultGroupKey(index: StackIndex, model: SecurityGroups, subnets: PolicyResource[]): string {
    for (const s of subnets) {
        const v = vpcOf(index, s);
        if (v) return model.defaultOf(v);
    }
    return model.defaultOf(undefined);
}

function clusterInterface(index: StackIndex, model: SecurityGroups, c: PolicyResource): NetworkInterface {
    if (c.type === T.mskServerless) {
        const configs = maybeArray(c.props, "vpcConfigs");
        const sn = subnetsOf(
            index,
            c,
            "vpcConfigs",
            configs.flatMap((v) => maybeArray(v, "subnetIds")),
        );
        const ids = configs.flatMap((v) => maybeArray(v, "securityGroupIds"));
        // MSK Serverless, VpcConfig.SecurityGroupIds: "If you don't specify a security group, Amazon MSK uses the default
        // security group associated with the VPC."
        const g = ids.length ? model.keysOf(c, "vpcConfigs", ids) : { keys: [defaultGroupKey(index, model, sn.subnets)], unknown: false };
        return {
            owner: c,
            what: `MSK Serverless cluster '${c.name}'`,
            groups: g.keys,
            groupsUnknown: g.unknown || isUnknown(get(c.props, "vpcConfigs")),
            subnets: sn.subnets,
            subnetsOutside: sn.outside,
        };
    }
    const info = get(c.props, "brokerNodeGroupInfo");
    const sn = subnetsOf(index, c, "brokerNodeGroupInfo", maybeArray(info, "clientSubnets"));
    const ids = maybeArray(info, "securityGroups");
    // MSK BrokerNodeGroupInfo.SecurityGroups: "If you don't specify a security group, Amazon MSK uses the default
    // security group associated with the VPC."
    const g = ids.length ? model.keysOf(c, "brokerNodeGroupInfo", ids) : { keys: [defaultGroupKey(index, model, sn.subnets)], unknown: false };
    const unknown = g.unknown || isUnknown(info) || isUnknown(get(info, "securityGroups"));
    return { owner: c, what: `MSK cluster '${c.name}'`, groups: g.keys, groupsUnknown: unknown, subnets: sn.subnets, subnetsOutside: sn.outside };
}

/** `subnet:subnet-1` → `subnet-1` (the unknown sentinel and other values unchanged). */
function uriValue(uri: unknown, prefix: string): unknown {
    return typeof uri === "string" && uri.startsWith(prefix) ? uri.slice(prefix.length) : uri;
}

function mappingInterface(index: StackIndex, model: SecurityGroups, m: PolicyResource): NetworkInterface | undefined {
    const configs = accessConfigs(m);
    const subnetIds = configs.filter((c) => c.type === "VPC_SUBNET").map((c) => uriValue(c.uri, "subnet:"));
    const groupIds = configs.filter((c) => c.type === "VPC_SECURITY_GROUP").map((c) => uriValue(c.uri, "security_group:"));
    if (!subnetIds.length && !groupIds.length) return undefined;
    // Lambda API reference, SourceAccessConfiguration: "subnet:<subnet id>" and "security_group:<security group id>".
    const badUris: { type: string; uri: string }[] = [];
    for (const c of configs) {
        if (typeof c.uri !== "string" || isUnknown(c.uri)) continue;
        if (c.type === "VPC_SUBNET" && !isId(c.uri, "subnet:", "subnet-")) badUris.push({ type: c.type, uri: c.uri });
        if (c.type === "VPC_SECURITY_GROUP" && !isId(c.uri, "security_group:", "sg-")) badUris.push({ type: c.type, uri: c.uri });
    }
    const sn = subnetsOf(index, m, "sourceAccessConfigurations", subnetIds);
    const g = model.keysOf(m, "sourceAccessConfigurations", groupIds);
    return {
        owner: m,
        what: `self-managed Kafka mapping '${m.name}'`,
        groups: g.keys,
        groupsUnknown: g.unknown,
        subnets: sn.subnets,
        subnetsOutside: sn.outside,
        badUris,
    };
}

/** `prefix` + an EC2 id (`subnet-` or `sg-` and hexadecimal digits). */
function isId(uri: string, prefix: string, idPrefix: string): boolean {
    if (!uri.startsWith(prefix + idPrefix)) return false;
    const hex = uri.slice(prefix.length + idPrefix.length);
    if (hex.length < 8 || hex.length > 17) return false;
    for (const c of hex) if (!((c >= "0" && c <= "9") || (c >= "a" && c <= "f"))) return false;
    return true;
}

/** Every interface set of the stack: one per MSK cluster, one per self-managed mapping in a VPC. */
export function networkInterfaces(index: StackIndex, model: SecurityGroups): NetworkInterface[] {
    const out: NetworkInterface[] = [];
    for (const c of index.ofType(...CLUSTER_TYPES)) out.push(clusterInterface(index, model, c));
    for (const m of index.ofType(T.mapping)) {
        if (!isSelfManagedMapping(m)) continue;
        const nic = mappingInterface(index, model, m);
        if (nic) out.push(nic);
    }
    return out;
}

/** The interface set a Kafka mapping's pollers use: its cluster's, or its own (self-managed). */
export function interfaceOf(
    index: StackIndex,
    model: SecurityGroups,
    m: PolicyResource,
    memo?: Map<PolicyResource, NetworkInterface>,
): NetworkInterface | undefined {
    if (isSelfManagedMapping(m)) return mappingInterface(index, model, m);
    const c = clustersOf(index, m)[0];
    if (!c) return undefined;
    // Many mappings read one cluster: its interface is read once.
    let nic = memo?.get(c);
    if (!nic) memo?.set(c, (nic = clusterInterface(index, model, c)));
    return nic;
}

/** The address ranges of subnets (undefined when a subnet's CIDR is not known). */
export function subnetRanges(subnets: PolicyResource[]): Range[] | undefined {
    const out: Range[] = [];
    for (const s of subnets) {
        const c = get(s.props, "cidrBlock");
        const r = typeof c === "string" ? parseCidr(c) : undefined;
        if (!r) return undefined;
        out.push(r);
    }
    return out;
}
