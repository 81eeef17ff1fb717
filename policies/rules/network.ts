import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { worldOpen, type Range } from "../lib/cidr";
import { MSK_PORTS } from "../lib/facts";
import { StackIndex } from "../lib/graph";
import { groupName, networkInterfaces } from "../lib/netpath";
import { checkNetworkPaths, type PathReport } from "../lib/path-check";
import { admitsPort, SecurityGroups, type SgRule } from "../lib/sg";
import { clip, notKnownYet } from "../lib/values";

/** The MSK ports (facts: Amazon MSK "Port information") a rule admits; unknown protocol or ports → undefined. */
function mskPortsOpened(rule: SgRule): number[] | undefined {
    const out: number[] = [];
    for (const p of MSK_PORTS) {
        const a = admitsPort(rule, p);
        if (a === undefined) return undefined;
        if (a) out.push(p);
    }
    return out;
}

/** The MSK ports on which a set of ingress rules, together, admits the internet; with the CIDRs that do it. */
function worldOpenPorts(model: SecurityGroups, rules: SgRule[]): { ports: number[]; cidrs: string[]; owner?: PolicyResource; undecided: boolean } {
    let undecided = false;
    const byPort = new Map<number, { rule: SgRule; ranges: Range[] }[]>();
    for (const rule of rules) {
        const ports = mskPortsOpened(rule);
        if (ports === undefined) {
            undecided = true;
            continue;
        }
        if (!ports.length) continue;
        const r = model.rangesOf(rule);
        if (r.unknown) undecided = true;
        for (const p of ports) {
            const l = byPort.get(p) ?? [];
            l.push({ rule, ranges: r.ranges });
            byPort.set(p, l);
        }
    }
    const ports: number[] = [];
    const cidrs = new Set<string>();
    let owner: PolicyResource | undefined;
    for (const [port, list] of byPort) {
        const verdict = worldOpen(list.flatMap((x) => x.ranges));
        if (!verdict.ipv4 && !verdict.ipv6) continue;
        ports.push(port);
        owner ??= list[0].rule.owner;
        // Stryker disable next-line all: builds only the CIDRs and ports the message shows; decides no verdict
        for (const x of list) for (const c of x.rule.cidrs) if (cidrs.size < 8) cidrs.add(c.text);
        // Stryker disable next-line all: builds only the CIDRs and ports the message shows; decides no verdict
        for (const x of list) if (!x.rule.cidrs.length && cidrs.size < 8) for (const l of x.rule.prefixLists) cidrs.add(`prefix list ${clip(l)}`);
    }
    // Stryker disable next-line all: builds only the CIDRs and ports the message shows; decides no verdict
    return { ports: ports.sort((a, b) => a - b), cidrs: [...cidrs], owner, undecided };
}

/**
 * Lambda/MSK networking: the broker ports admit only the event source's security groups. A group is world-open on a
 * port when the CIDRs its rules admit there, together, cover the internet (all public IPv4 addresses, or IPv6 global
 * unicast), however they are split across rules and resources and however the addresses are spelled. EC2 applies the
 * union of the rules of every group on a network interface (Amazon VPC User Guide, "Security group rules"), so the
 * groups of each cluster (and of each self-managed mapping's VPC_SECURITY_GROUP) are also judged together.
 */
export const noPublicKafkaIngress: StackValidationPolicy = {
    name: "no-public-kafka-ingress",
    description:
        "No security group, and no set of groups on one MSK cluster or mapping, admits the whole internet (0.0.0.0/0, ::/0, or ranges that add up to it) on a port Amazon MSK uses (brokers, public access, IPv6, ZooKeeper, open monitoring).",
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
        const index = new StackIndex(args.resources);
        const model = new SecurityGroups(index);
        let undecided = false;
        const alone = new Set<string>();
        for (const g of model.all()) {
            if (g.undecided) undecided = true;
            const open = worldOpenPorts(model, g.ingress);
            if (open.undecided) undecided = true;
            if (!open.owner || !open.ports.length) continue;
            alone.add(g.key);
            // A group outside the stack holds only standalone rule resources: the first world-open one is named.
            const sg = g.resource ?? open.owner;
            report(
                `'${sg.name}' admits the whole internet (${open.cidrs.join(", ")}) on Amazon MSK port(s) ${open.ports.join(", ")}: ` +
                    // Stryker disable next-line StringLiteral: message wording decides no verdict
                    "allow the broker ports only from the cluster's own security group (the event source mapping's pollers use it) or your clients' groups.",
                sg.urn,
            );
        }
        const judged = new Map<string, ReturnType<typeof worldOpenPorts>>();
        for (const nic of networkInterfaces(index, model)) {
            // Stryker disable next-line ConditionalExpression,EqualityOperator: a one-group interface's union is that group, already judged alone
            if (nic.groups.length < 2 || nic.groups.some((k) => alone.has(k))) continue;
            // Interfaces with the same groups are judged once (many clusters or mappings may share them), reported on each.
            // Stryker disable next-line all: a memo (the same result computed once); decides time, not a verdict
            const key = [...nic.groups].sort().join("\0");
            let open = judged.get(key);
            // Stryker disable next-line all: a memo (the same result computed once); decides time, not a verdict
            if (!open)
                judged.set(
                    key,
                    (open = worldOpenPorts(
                        model,
                        nic.groups.flatMap((k) => model.group(k).ingress),
                    )),
                );
            if (!open.ports.length) continue;
            report(
                // Stryker disable next-line StringLiteral: message wording decides no verdict
                `The security groups of ${nic.what} (${nic.groups.map((k) => groupName(index, k)).join(", ")}) together admit the whole internet (${open.cidrs.join(", ")}) on Amazon MSK port(s) ${open.ports.join(", ")}: ` +
                    // Stryker disable next-line StringLiteral: message wording decides no verdict
                    "EC2 applies the union of every group's rules on a network interface. Allow the broker ports only from the cluster's own security group or your clients' groups.",
                nic.owner.urn,
            );
        }
        if (undecided) notKnownYet(["ingress"]);
    },
};

/** Prefix lists the stack does not define may hold any address: an advisory to review them. */
export const kafkaIngressPrefixLists: StackValidationPolicy = {
    name: "kafka-ingress-prefix-lists",
    description: "Security group rules that admit a managed prefix list the stack does not define on an Amazon MSK port are flagged for review.",
    enforcementLevel: "advisory",
    validateStack: (args, report) => {
        const index = new StackIndex(args.resources);
        const model = new SecurityGroups(index);
        for (const g of model.all()) {
            for (const rule of g.ingress) {
                const ports = mskPortsOpened(rule);
                if (!ports?.length) continue;
                const opaque = model.rangesOf(rule).opaque;
                if (!opaque.length) continue;
                report(
                    // Stryker disable next-line all: message wording and the prefix lists it shows; decides no verdict
                    `'${rule.owner.name}' admits prefix list(s) ${opaque.slice(0, 5).map(clip).join(", ")} on Amazon MSK port(s) ${ports.join(", ")}: ` +
                        // Stryker disable next-line StringLiteral: message wording decides no verdict
                        "the pack cannot see their entries (they are not defined in this stack). Make sure they hold only your clients' addresses.",
                    rule.owner.urn,
                );
            }
        }
    },
};

/**
 * The two path policies judge the same request: when the policy server hands both the same resource list, the path
 * is evaluated once (keyed by the list itself, so nothing outlives the request).
 */
const pathsOf = new WeakMap<object, PathReport>();
function networkPaths(resources: PolicyResource[]): PathReport {
    let r = pathsOf.get(resources);
    // Stryker disable next-line all: a memo (the same result computed once); decides time, not a verdict
    if (!r) pathsOf.set(resources, (r = checkNetworkPaths(new StackIndex(resources))));
    return r;
}

/**
 * Lambda, "Configuring your Amazon MSK cluster and Amazon VPC network for Lambda": a Kafka mapping's pollers reach the brokers on the port of their
 * authentication, and Lambda, STS (and Secrets Manager with a secret) through endpoints or a NAT gateway; each piece
 * judged as EC2 evaluates it (lib/path-check.ts). Mandatory where every piece is in the stack and the path is broken.
 */
export const kafkaNetworkPath: StackValidationPolicy = {
    name: "kafka-network-path",
    description:
        "A Kafka event source mapping's pollers can connect: the cluster's security groups admit the broker port of the mapping's authentication from themselves (in and out), and, for on-demand pollers, Lambda, STS and (with a secret) Secrets Manager are reachable through private-DNS interface endpoints admitting 443, or through a NAT gateway in a public subnet (provisioned pollers invoke from Lambda's own VPC).",
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
        const result = networkPaths(args.resources);
        for (const f of result.broken) report(f.message, f.urn);
        if (result.undecided) notKnownYet(["vpcConfig"]);
    },
};

/**
 * The same path where a piece of it (cluster, subnets, groups, route tables, NAT gateways, endpoint groups) is defined
 * outside the stack: said as an advisory, never passed silently.
 */
export const mskNetworkPath: StackValidationPolicy = {
    name: "msk-network-path",
    description:
        "Says which parts of a Kafka mapping's network path (cluster, subnets, security groups, routes, endpoints) lie outside the stack, so they cannot be checked.",
    enforcementLevel: "advisory",
    validateStack: (args, report) => {
        for (const f of networkPaths(args.resources).outside) report(f.message, f.urn);
    },
};
