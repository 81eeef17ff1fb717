import type { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { ALL_BROKER_PORTS } from "../lib/facts";
import { StackIndex, T } from "../lib/graph";
import { isMskMapping } from "../lib/refs";
import { get, isUnknown, maybeArray, maybeString } from "../lib/values";
import { forTypes, stackCheck } from "./common";

const OPEN = ["0.0.0.0/0", "::/0"];

/** The broker ports a rule opens, given its protocol and port range ("-1"/"all" protocol opens every port). */
function brokerPortsOpened(rule: unknown): number[] {
    const protocol = String(get(rule, "protocol") ?? get(rule, "ipProtocol") ?? "tcp").toLowerCase();
    if (protocol === "-1" || protocol === "all") return [...ALL_BROKER_PORTS];
    if (protocol !== "tcp" && protocol !== "6") return [];
    const from = Number(get(rule, "fromPort"));
    const to = Number(get(rule, "toPort"));
    if (!Number.isFinite(from) || !Number.isFinite(to)) return [];
    return ALL_BROKER_PORTS.filter((p) => p >= from && p <= to);
}

function openSources(rule: unknown): string[] {
    const cidrs = [...maybeArray(rule, "cidrBlocks"), ...maybeArray(rule, "ipv6CidrBlocks"), get(rule, "cidrIpv4"), get(rule, "cidrIpv6")];
    return cidrs.filter((c): c is string => typeof c === "string" && OPEN.includes(c));
}

/** Kafka brokers are reached from inside the VPC (seed: the mapping's pollers use the cluster's security groups). */
export const noPublicKafkaIngress: ResourceValidationPolicy = {
    name: "no-public-kafka-ingress",
    description: "No security group rule admits 0.0.0.0/0 or ::/0 on a Kafka broker port (9092, 9094, 9096, 9098).",
    enforcementLevel: "mandatory",
    validateResource: forTypes([T.securityGroup, T.securityGroupRule, T.ingressRule], (args, report) => {
        const rules =
            args.type === T.securityGroup
                ? maybeArray(args.props, "ingress")
                : args.type === T.securityGroupRule && maybeString(args.props, "type") !== "ingress"
                  ? []
                  : [args.props];
        for (const rule of rules) {
            const sources = openSources(rule);
            const ports = brokerPortsOpened(rule);
            if (sources.length && ports.length) {
                report(
                    `'${args.name}' admits ${sources.join(" and ")} on Kafka broker port(s) ${ports.join(", ")}: allow the broker port only from the cluster's own security group (the event source mapping's pollers use it).`,
                );
            }
        }
    }),
};

/** The service of an endpoint's service name (`com.amazonaws.us-east-1.sts` -> `sts`): its last dot-separated label. */
function endpointService(serviceName: string): string {
    const label = serviceName.slice(serviceName.lastIndexOf(".") + 1);
    for (const c of label) if (!((c >= "a" && c <= "z") || (c >= "0" && c <= "9") || c === "-")) return "";
    return serviceName.includes(".") ? label : "";
}

/** A VPC identity for a resource: its `vpcId` value, or the VPC resource it depends on. */
function vpcOf(index: StackIndex, r: PolicyResource): string | undefined {
    const deps = index.propDeps(r, "vpcId", [T.vpc]);
    if (deps.length) return deps[0].urn;
    const id = get(r.props, "vpcId");
    if (typeof id !== "string" || isUnknown(id)) return undefined;
    return index.withIdIn([id], [T.vpc])[0]?.urn ?? id;
}

/**
 * Seed (networking): deploy PrivateLink endpoints for Lambda and STS (and Secrets Manager when a secret
 * authenticates), or make sure the cluster's VPC has a NAT gateway per public subnet.
 */
export const mskNetworkPath: StackValidationPolicy = {
    name: "msk-network-path",
    description: "A VPC with an MSK cluster consumed by Lambda has NAT gateways, or Lambda and STS (and, with a secret, Secrets Manager) interface endpoints.",
    enforcementLevel: "advisory",
    validateStack: stackCheck((args, report) => {
        const index = new StackIndex(args.resources);
        // Each mapping, NAT gateway and endpoint is visited once (not once per cluster), so the policy stays linear.
        const users = new Map<PolicyResource, PolicyResource[]>();
        for (const m of index.ofType(T.mapping)) {
            if (!isMskMapping(m, index)) continue;
            for (const cluster of index.resolve(m, "eventSourceArn", get(m.props, "eventSourceArn"), [T.mskCluster])) {
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
            const subnets = index.resolve(cluster, "brokerNodeGroupInfo", undefined, [T.subnet]);
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
    }),
};
