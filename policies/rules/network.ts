import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { parseCidr, worldOpen, type Range } from "../lib/cidr";
import { MSK_PORTS } from "../lib/facts";
import { StackIndex, T } from "../lib/graph";
import { isMskMapping } from "../lib/refs";
import { endpointService, get, isUnknown, maybeArray, maybeString, notKnownYet, type Path } from "../lib/values";

/** One ingress rule, in whichever resource form it was written. */
interface Ingress {
    /** The resource that holds the rule (a violation points at it). */
    owner: PolicyResource;
    /** The security group it belongs to: the group's URN when the group is in the stack, else its id, else the rule's own URN. */
    group: string;
    rule: unknown;
}

/** Every ingress rule in the stack, grouped by the security group it opens; `undecided` when some are not known yet. */
function ingressRules(index: StackIndex): { groups: Map<string, Ingress[]>; undecided?: Path } {
    const groups = new Map<string, Ingress[]>();
    let undecided: Path | undefined;
    const add = (i: Ingress) => {
        const l = groups.get(i.group) ?? [];
        l.push(i);
        groups.set(i.group, l);
    };
    for (const sg of index.ofType(T.securityGroup)) {
        if (isUnknown(get(sg.props, "ingress"))) undecided = ["ingress"];
        for (const rule of maybeArray(sg.props, "ingress")) add({ owner: sg, group: sg.urn, rule });
    }
    for (const r of index.ofType(T.securityGroupRule, T.ingressRule)) {
        if (r.type === T.securityGroupRule) {
            const type = get(r.props, "type");
            if (isUnknown(type)) undecided = ["type"];
            if (type !== "ingress") continue;
        }
        const id = get(r.props, "securityGroupId");
        const sg = index.resolve(r, "securityGroupId", id, [T.securityGroup])[0];
        add({ owner: r, group: sg ? sg.urn : typeof id === "string" && !isUnknown(id) ? `id:${id}` : r.urn, rule: r.props });
    }
    return { groups, undecided };
}

/** The MSK ports (facts: Amazon MSK "Port information") a rule admits; unknown protocol or ports → undefined. */
function mskPortsOpened(rule: unknown): number[] | undefined {
    const proto = get(rule, "protocol") ?? get(rule, "ipProtocol") ?? "tcp";
    const from = get(rule, "fromPort");
    const to = get(rule, "toPort");
    if (isUnknown(proto)) return undefined;
    const protocol = String(proto).toLowerCase();
    if (protocol === "-1" || protocol === "all") return [...MSK_PORTS];
    if (protocol !== "tcp" && protocol !== "6") return [];
    if (isUnknown(from) || isUnknown(to)) return undefined;
    const lo = from === undefined || from === null ? 0 : Number(from);
    const hi = to === undefined || to === null ? 65535 : Number(to);
    if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [];
    // EC2: -1 as a TCP port range means every port.
    if (lo === -1 || hi === -1) return [...MSK_PORTS];
    return MSK_PORTS.filter((p) => p >= lo && p <= hi);
}

interface Sources {
    cidrs: { text: string; range: Range }[];
    /** Prefix lists the stack does not define (their entries cannot be seen). */
    opaqueLists: string[];
    unknown: boolean;
}

/** The address ranges a rule admits: its CIDRs and the entries of prefix lists defined in the stack. */
function sourcesOf(index: StackIndex, owner: PolicyResource, rule: unknown): Sources {
    const out: Sources = { cidrs: [], opaqueLists: [], unknown: false };
    const texts: unknown[] = [];
    for (const k of ["cidrBlocks", "ipv6CidrBlocks"]) {
        const v = get(rule, k);
        if (isUnknown(v)) out.unknown = true;
        else for (const t of maybeArray(rule, k)) texts.push(t);
    }
    texts.push(get(rule, "cidrIpv4"), get(rule, "cidrIpv6"));
    const lists: unknown[] = [get(rule, "prefixListId")];
    const ids = get(rule, "prefixListIds");
    if (isUnknown(ids)) out.unknown = true;
    else for (const l of maybeArray(rule, "prefixListIds")) lists.push(l);
    for (const list of lists) {
        if (list === undefined || list === null || list === "") continue;
        const prop = owner.type === T.securityGroup ? "ingress" : get(rule, "prefixListId") !== undefined ? "prefixListId" : "prefixListIds";
        const found = index.resolve(owner, prop, list, [T.prefixList]).filter((pl) => isUnknown(list) || get(pl.props, "id") === list || !get(pl.props, "id"));
        if (!found.length) {
            if (isUnknown(list)) out.unknown = true;
            else out.opaqueLists.push(String(list));
            continue;
        }
        for (const pl of found) {
            const entries = get(pl.props, "entries");
            if (isUnknown(entries)) out.unknown = true;
            for (const e of maybeArray(pl.props, "entries")) texts.push(get(e, "cidr"));
        }
    }
    for (const t of texts) {
        if (isUnknown(t)) out.unknown = true;
        if (typeof t !== "string" || isUnknown(t)) continue;
        const range = parseCidr(t);
        if (range) out.cidrs.push({ text: t, range });
    }
    return out;
}

/**
 * Lambda/MSK networking: the broker ports admit only the event source's security groups. A group is world-open on a
 * port when the CIDRs its rules admit there, together, cover the internet (all public IPv4 addresses, or IPv6 global
 * unicast), however they are split across rules and resources and however the addresses are spelled.
 */
export const noPublicKafkaIngress: StackValidationPolicy = {
    name: "no-public-kafka-ingress",
    description:
        "No security group admits the whole internet (0.0.0.0/0, ::/0, or ranges that add up to it) on a port Amazon MSK uses (brokers, public access, IPv6, ZooKeeper, open monitoring).",
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
        const index = new StackIndex(args.resources);
        const { groups, undecided: groupsUndecided } = ingressRules(index);
        let undecided = groupsUndecided;
        for (const rules of groups.values()) {
            const byPort = new Map<number, { rule: Ingress; src: Sources }[]>();
            for (const rule of rules) {
                const ports = mskPortsOpened(rule.rule);
                if (ports === undefined) {
                    undecided = ["fromPort"];
                    continue;
                }
                if (!ports.length) continue;
                const src = sourcesOf(index, rule.owner, rule.rule);
                if (src.unknown) undecided = ["cidrBlocks"];
                for (const p of ports) {
                    const l = byPort.get(p) ?? [];
                    l.push({ rule, src });
                    byPort.set(p, l);
                }
            }
            const open: number[] = [];
            const cidrs = new Set<string>();
            let owner: PolicyResource | undefined;
            for (const [port, list] of byPort) {
                const verdict = worldOpen(list.flatMap((x) => x.src.cidrs.map((c) => c.range)));
                if (!verdict.ipv4 && !verdict.ipv6) continue;
                open.push(port);
                owner ??= list[0].rule.owner;
                for (const x of list) for (const c of x.src.cidrs) if (cidrs.size < 8) cidrs.add(c.text);
            }
            if (owner && open.length) {
                const sg = rules.find((r) => r.owner.type === T.securityGroup)?.owner ?? owner;
                report(
                    `'${sg.name}' admits the whole internet (${[...cidrs].join(", ")}) on Amazon MSK port(s) ${open.sort((a, b) => a - b).join(", ")}: ` +
                        "allow the broker ports only from the cluster's own security group (the event source mapping's pollers use it) or your clients' groups.",
                    sg.urn,
                );
            }
        }
        if (undecided) notKnownYet(undecided);
    },
};

/** Prefix lists the stack does not define may hold any address: an advisory to review them. */
export const kafkaIngressPrefixLists: StackValidationPolicy = {
    name: "kafka-ingress-prefix-lists",
    description: "Security group rules that admit a managed prefix list the stack does not define on an Amazon MSK port are flagged for review.",
    enforcementLevel: "advisory",
    validateStack: (args, report) => {
        const index = new StackIndex(args.resources);
        for (const rules of ingressRules(index).groups.values()) {
            for (const rule of rules) {
                const ports = mskPortsOpened(rule.rule);
                if (!ports?.length) continue;
                const src = sourcesOf(index, rule.owner, rule.rule);
                if (!src.opaqueLists.length) continue;
                report(
                    `'${rule.owner.name}' admits prefix list(s) ${src.opaqueLists.slice(0, 5).join(", ")} on Amazon MSK port(s) ${ports.join(", ")}: ` +
                        "the pack cannot see their entries (they are not defined in this stack). Make sure they hold only your clients' addresses.",
                    rule.owner.urn,
                );
            }
        }
    },
};

/** A VPC identity for a resource: its `vpcId` value, or the VPC resource it depends on. */
function vpcOf(index: StackIndex, r: PolicyResource): string | undefined {
    const deps = index.propDeps(r, "vpcId", [T.vpc]);
    if (deps.length) return deps[0].urn;
    const id = get(r.props, "vpcId");
    if (typeof id !== "string" || isUnknown(id)) return undefined;
    return index.withIdIn([id], [T.vpc])[0]?.urn ?? id;
}

/**
 * "Using Lambda with Amazon MSK" (networking): deploy PrivateLink endpoints for Lambda and STS (and Secrets Manager when a secret
 * authenticates), or make sure the cluster's VPC has a NAT gateway per public subnet.
 */
export const mskNetworkPath: StackValidationPolicy = {
    name: "msk-network-path",
    description: "A VPC with an MSK cluster consumed by Lambda has NAT gateways, or Lambda and STS (and, with a secret, Secrets Manager) interface endpoints.",
    enforcementLevel: "advisory",
    validateStack: (args, report) => {
        const index = new StackIndex(args.resources);
        // Each mapping, NAT gateway and endpoint is visited once (not once per cluster), so the policy stays linear.
        const users = new Map<PolicyResource, PolicyResource[]>();
        for (const m of index.ofType(T.mapping)) {
            if (!isMskMapping(m, index)) continue;
            for (const cluster of index.resolve(m, "eventSourceArn", get(m.props, "eventSourceArn"), [T.mskCluster, T.mskServerless])) {
                const list = users.get(cluster) ?? [];
                list.push(m);
                users.set(cluster, list);
            }
        }
        const natVpcs = new Set<string>();
        for (const n of index.ofType(T.natGateway))
            for (const s of index.resolve(n, "subnetId", get(n.props, "subnetId"), [T.subnet])) natVpcs.add(vpcOf(index, s) ?? "");
        const endpoints = new Map<string, Set<string>>();
        for (const e of index.ofType(T.vpcEndpoint)) {
            const vpc = vpcOf(index, e) ?? "";
            const set = endpoints.get(vpc) ?? new Set<string>();
            set.add(endpointService(maybeString(e.props, "serviceName") ?? ""));
            endpoints.set(vpc, set);
        }
        for (const [cluster, mappings] of users) {
            // Provisioned clusters name their subnets in brokerNodeGroupInfo, serverless ones in vpcConfigs.
            const subnets = index.resolve(cluster, cluster.type === T.mskServerless ? "vpcConfigs" : "brokerNodeGroupInfo", undefined, [T.subnet]);
            const vpcs = new Set(subnets.map((s) => vpcOf(index, s)).filter((v): v is string => !!v));
            if (!vpcs.size) continue; // subnets outside this stack: the VPC is not ours to judge
            if ([...vpcs].some((v) => natVpcs.has(v))) continue;
            const services = new Set([...vpcs].flatMap((v) => [...(endpoints.get(v) ?? [])]));
            const needSecret = mappings.some((m) => maybeArray(m.props, "sourceAccessConfigurations").length > 0);
            const missing = ["lambda", "sts", ...(needSecret ? ["secretsmanager"] : [])].filter((s) => !services.has(s));
            if (missing.length) {
                report(
                    `The VPC of MSK cluster '${cluster.name}' has no NAT gateway and no ${missing.join(", ")} interface endpoint(s): Lambda's pollers need STS to assume the execution role, Lambda to invoke the function${needSecret ? " and Secrets Manager to read the secret" : ""}. Add the endpoints or a NAT gateway per public subnet.`,
                    cluster.urn,
                );
            }
        }
    },
};
