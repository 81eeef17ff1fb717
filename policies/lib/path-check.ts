/**
 * A Kafka event source mapping's network path, judged as EC2 evaluates it (Lambda/MSK "Network configuration", seed
 * 001 and "Using Lambda with Amazon MSK"):
 * - "Inbound rules – Allow all traffic on the Amazon MSK broker port (9092 for plaintext, 9094 for TLS, 9096 for SASL,
 *   9098 for IAM) for the security groups specified for your event source";
 * - "Outbound rules – Allow all traffic on port 443 for all destinations. Allow all traffic on the Amazon MSK broker
 *   port ... for the security groups specified for your event source";
 * - "deploy AWS PrivateLink VPC endpoints for Lambda and AWS Security Token Service (AWS STS) ... If you configured a
 *   secret in Secrets Manager ... also deploy a VPC endpoint for Secrets Manager", whose "security groups ... must
 *   allow all inbound traffic on port 443 from the event source's security groups"; "Alternatively, ensure that the
 *   VPC associated with your MSK cluster includes one NAT gateway per public subnet" ("Internet and service access for
 *   VPC-connected functions": private subnets route 0.0.0.0/0 to a NAT gateway in a public subnet, whose table routes
 *   0.0.0.0/0 to an internet gateway).
 * Each rule is the union of all groups on the interface, in every form a rule is written (lib/sg). What lies outside
 * the stack is reported as such (advisory), never passed silently; what is not known yet is a preview note.
 */
import type { PolicyResource } from "@pulumi/policy";
import { IPV4_ALL, type Range } from "./cidr";
import { StackIndex, T } from "./graph";
import { accessConfigs, clustersOf, CREDENTIAL_TYPES, isKafkaMapping, isSelfManagedMapping } from "./kafka";
import { groupName, interfaceOf, subnetRanges, type NetworkInterface } from "./netpath";
import { admitsPort, SecurityGroups, unionAdmits, type SgRule } from "./sg";
import { clip, endpointService, get, isUnknown, maybeArray, parseArn } from "./values";
import { DefaultRoutes, refsOf, RouteTables, vpcOf } from "./vpc";

export interface PathFinding {
    urn: string;
    message: string;
}

export interface PathReport {
    /** The path is certainly broken, every piece being in the stack. */
    broken: PathFinding[];
    /** A piece lies outside the stack: said, not passed silently. */
    outside: PathFinding[];
    /** Some piece is not known yet (preview). */
    undecided: boolean;
}

/** The broker port a mapping connects to (Amazon MSK "Port information"), with the authentication's name. */
function mskPort(m: PolicyResource, cluster: PolicyResource): { port: number; auth: string } | undefined {
    const types = new Set(accessConfigs(m).map((c) => c.type));
    if (types.has("CLIENT_CERTIFICATE_TLS_AUTH")) return { port: 9094, auth: "mTLS" };
    if (types.has("SASL_SCRAM_512_AUTH")) return { port: 9096, auth: "SASL/SCRAM" };
    if (cluster.type === T.mskServerless) return { port: 9098, auth: "IAM" };
    const iam = get(cluster.props, "clientAuthentication", "sasl", "iam");
    if (isUnknown(iam) || isUnknown(get(cluster.props, "clientAuthentication"))) return undefined;
    if (iam === true || iam === "true") return { port: 9098, auth: "IAM" };
    const cb = get(cluster.props, "encryptionInfo", "encryptionInTransit", "clientBroker");
    if (isUnknown(cb)) return undefined;
    return cb === "PLAINTEXT" ? { port: 9092, auth: "unauthenticated plaintext" } : { port: 9094, auth: "unauthenticated TLS" };
}

/** The broker ports of a self-managed mapping's bootstrap servers (`host:port`, comma-separated). */
function selfManagedPorts(m: PolicyResource): number[] | undefined {
    const servers = get(m.props, "selfManagedEventSource", "endpoints", "KAFKA_BOOTSTRAP_SERVERS");
    if (isUnknown(servers)) return undefined;
    const list = Array.isArray(servers) ? servers : typeof servers === "string" ? servers.split(",") : [];
    const ports = new Set<number>();
    for (const s of list) {
        if (typeof s !== "string" || isUnknown(s)) return undefined;
        const n = Number(s.slice(s.lastIndexOf(":") + 1).trim());
        if (Number.isInteger(n) && n > 0 && n < 65536) ports.add(n);
    }
    return [...ports];
}

/**
 * On-demand or provisioned pollers. Lambda, "Configuring your self-managed Apache Kafka cluster and network for
 * Lambda": "AWS PrivateLink VPC endpoints are required for functions with event source mappings that use the default
 * (on-demand) mode for event pollers. If your event source mapping uses provisioned mode, you don't need to configure
 * AWS PrivateLink VPC endpoints"; "Configuring your Amazon MSK cluster and Amazon VPC network for Lambda": the network
 * requirements depend on the mode (in provisioned mode the event source mapping invokes the function from Lambda's own
 * VPC). So the Lambda/STS/Secrets Manager path through the cluster's subnets is required in on-demand mode only.
 */
function pollerMode(m: PolicyResource): "on-demand" | "provisioned" | "unknown" {
    const p = get(m.props, "provisionedPollerConfig");
    if (isUnknown(p)) return "unknown";
    if (p === undefined || p === null) return "on-demand";
    if (typeof p !== "object" || Array.isArray(p)) return "on-demand";
    for (const k of ["minimumPollers", "maximumPollers"]) if (isUnknown(get(p, k))) return "unknown";
    return "provisioned";
}

/** The services the pollers call ("Using Lambda with Amazon MSK"): Lambda, STS, and Secrets Manager when a secret authenticates. */
function servicesNeeded(m: PolicyResource): string[] {
    const secret = accessConfigs(m).some((c) => (CREDENTIAL_TYPES as readonly string[]).includes(c.type) || c.type === "SERVER_ROOT_CA_CERTIFICATE");
    return ["lambda", "sts", ...(secret ? ["secretsmanager"] : [])];
}

interface Ctx {
    index: StackIndex;
    model: SecurityGroups;
    tables: RouteTables;
    routes: DefaultRoutes;
    report: PathReport;
    /** The interface's groups are (partly) outside the stack: their rules cannot be judged. */
    groupsOutside: boolean;
    /** Verdicts shared by every mapping of one cluster (so many mappings cost one evaluation): key → result. */
    memo: Map<string, unknown>;
}

/** `compute()` once per key and request. */
function memo<R>(ctx: Ctx, key: string, compute: () => R): R {
    if (ctx.memo.has(key)) return ctx.memo.get(key) as R;
    const r = compute();
    ctx.memo.set(key, r);
    return r;
}

function egressRules(ctx: Ctx, nic: NetworkInterface): SgRule[] {
    return nic.groups.flatMap((k) => ctx.model.group(k).egress);
}

/** The first group of the interface that is in the stack: violations about the groups' rules point at it. */
function groupOwner(ctx: Ctx, nic: NetworkInterface): PolicyResource {
    for (const k of nic.groups) {
        const r = ctx.model.group(k).resource;
        if (r) return r;
    }
    return nic.owner;
}

/** The interface's ingress and egress on the broker port (MSK), or egress to the brokers (self-managed). */
function checkBrokerPort(ctx: Ctx, m: PolicyResource, nic: NetworkInterface, ranges: Range[]): void {
    const self = new Set(nic.groups);
    const names = nic.groups.map((k) => groupName(ctx.index, k)).join(", ");
    if (isSelfManagedMapping(m)) {
        const ports = selfManagedPorts(m);
        if (!ports) return void (ctx.report.undecided = true);
        for (const port of ports) {
            const rules = egressRules(ctx, nic);
            const any = rules.map((r) => admitsPort(r, port));
            if (any.some((a) => a === true)) continue;
            if (any.some((a) => a === undefined)) ctx.report.undecided = true;
            else
                ctx.report.broken.push({
                    urn: groupOwner(ctx, nic).urn,
                    // The port comes from the bootstrap servers, which a team may keep secret: it is not quoted (issue 17, never leak).
                    message: `The security groups of self-managed Kafka mapping '${m.name}' (${names}) allow no outbound TCP on the port of its bootstrap servers: Lambda's pollers cannot reach the brokers. Add an egress rule on that port to the brokers.`,
                });
        }
        return;
    }
    const cluster = clustersOf(ctx.index, m)[0];
    const p = cluster ? mskPort(m, cluster) : undefined;
    if (!p) return void (ctx.report.undecided = true);
    const what = `TCP ${p.port} (the ${p.auth} listener mapping '${m.name}' uses)`;
    for (const direction of ["ingress", "egress"] as const) {
        const rules = memo(ctx, `rules\0${direction}\0${nic.owner.urn}`, () => nic.groups.flatMap((k) => ctx.model.group(k)[direction]));
        const reach = memo(ctx, `${direction}\0${nic.owner.urn}\0${p.port}`, () => unionAdmits(ctx.model, rules, p.port, self, ranges));
        if (reach.ok) continue;
        if (reach.unknown) {
            ctx.report.undecided = true;
            continue;
        }
        ctx.report.broken.push({
            urn: groupOwner(ctx, nic).urn,
            message:
                direction === "ingress"
                    ? `The security groups of ${nic.what} (${names}) admit no inbound ${what} from themselves or from the cluster's subnets: Lambda's pollers sit in those subnets with those groups and cannot reach the brokers. ` +
                      'AWS: "Inbound rules – Allow all traffic on the Amazon MSK broker port ... for the security groups specified for your event source".'
                    : `The security groups of ${nic.what} (${names}) allow no outbound ${what} to themselves or to the cluster's subnets: Lambda's pollers cannot reach the brokers. ` +
                      'AWS: "Outbound rules – ... Allow all traffic on the Amazon MSK broker port ... for the security groups specified for your event source". (The AWS provider removes a new group\'s default allow-all egress.)',
        });
    }
}

/** Whether the interface may send 443 to `groups` or to addresses covering `ranges` (world: every IPv4 address). */
function egress443(ctx: Ctx, nic: NetworkInterface, groups: string[], ranges: Range[]): { ok: boolean; unknown: boolean } {
    if (ctx.groupsOutside) return { ok: true, unknown: false };
    return unionAdmits(ctx.model, egressRules(ctx, nic), 443, new Set(groups), ranges);
}

interface ServicePath {
    ok: boolean;
    unknown: boolean;
    outside: boolean;
    why: string[];
    /** An interface endpoint with private DNS exists, but security groups keep the pollers from it. */
    blocked?: boolean;
}

/** An interface endpoint for `service` in the VPC that the pollers can use. */
function endpointPath(ctx: Ctx, nic: NetworkInterface, vpc: string, service: string, ranges: Range[]): ServicePath {
    const out: ServicePath = { ok: false, unknown: false, outside: false, why: [] };
    for (const e of ctx.tables.endpointsIn(vpc)) {
        const name = get(e.props, "serviceName");
        if (isUnknown(name)) out.unknown = true;
        if (typeof name !== "string" || endpointService(name) !== service) continue;
        const type = get(e.props, "vpcEndpointType");
        if (isUnknown(type)) {
            out.unknown = true;
            continue;
        }
        // Pulumi's AWS provider and CloudFormation both default vpcEndpointType to Gateway, which these services lack.
        if (type !== "Interface") {
            if (!isUnknown(type)) out.why.push(`endpoint '${e.name}' is not of type Interface`);
            continue;
        }
        const dns = get(e.props, "privateDnsEnabled");
        if (isUnknown(dns)) {
            out.unknown = true;
            continue;
        }
        if (dns !== true && dns !== "true") {
            out.why.push(`endpoint '${e.name}' has privateDnsEnabled off, so ${service}'s regional name does not resolve to it`);
            continue;
        }
        const ids = maybeArray(e.props, "securityGroupIds");
        const g = ids.length
            ? ctx.model.keysOf(e, "securityGroupIds", ids)
            : { keys: [ctx.model.defaultOf(vpc)], unknown: isUnknown(get(e.props, "securityGroupIds")) };
        if (g.unknown) out.unknown = true;
        if (g.keys.some((k) => !ctx.model.group(k).resource)) {
            out.outside = true;
            continue;
        }
        const ingress = unionAdmits(
            ctx.model,
            g.keys.flatMap((k) => ctx.model.group(k).ingress),
            443,
            new Set(nic.groups),
            ranges,
        );
        // The endpoint's subnets by id as well as by dependency (a discovered endpoint has no dependencies).
        const where = subnetRanges(refsOf(ctx.index, e, "subnetIds", maybeArray(e.props, "subnetIds"), [T.subnet]).found);
        const egress = egress443(ctx, nic, g.keys, where?.length ? where : [IPV4_ALL]);
        if (ingress.ok && egress.ok) return { ok: true, unknown: false, outside: false, why: [] };
        if (ingress.unknown || egress.unknown) out.unknown = true;
        if (!ingress.ok && ctx.groupsOutside) out.outside = true;
        if (!ingress.ok && !ingress.unknown && !ctx.groupsOutside)
            out.why.push(`the security groups of endpoint '${e.name}' admit no TCP 443 from the pollers' groups or subnets`);
        else if (!egress.ok && !egress.unknown) out.why.push(`the pollers' groups allow no outbound TCP 443 to endpoint '${e.name}'`);
        if ((!ingress.ok && !ingress.unknown) || (!egress.ok && !egress.unknown)) out.blocked = true;
    }
    return out;
}

/** Every poller subnet routes 0.0.0.0/0 to a public NAT gateway whose own subnet routes 0.0.0.0/0 to an internet gateway. */
function natPath(ctx: Ctx, nic: NetworkInterface, vpc: string): ServicePath {
    const out: ServicePath = { ok: true, unknown: false, outside: false, why: [] };
    for (const s of nic.subnets) {
        const targets = defaultTargets(ctx, s, vpc);
        if (targets === undefined) {
            out.ok = false;
            out.outside = true;
            continue;
        }
        const nats = targets.filter((t) => t.kind === "nat");
        if (targets.some((t) => t.kind === "unknown" || t.kind === "other")) {
            out.ok = false;
            if (targets.some((t) => t.kind === "unknown")) out.unknown = true;
            else out.outside = true; // a transit gateway, peering or appliance: its path is not in the stack
            continue;
        }
        if (!nats.length) {
            out.ok = false;
            // Routes to a transit gateway or peering may lead to endpoints shared from another VPC: not in the stack.
            if ((ctx.tables.of(s, vpc) ?? []).some((t) => ctx.routes.elsewhere.has(t))) {
                out.outside = true;
                continue;
            }
            out.why.push(
                `subnet '${s.name}' routes 0.0.0.0/0 to ${targets.length ? "an internet gateway (Lambda's interfaces have no public address)" : "nothing"}`,
            );
            continue;
        }
        for (const t of nats) {
            if (t.kind !== "nat") continue;
            if (!t.nat) {
                out.ok = false;
                out.outside = true;
                continue;
            }
            const conn = get(t.nat.props, "connectivityType");
            if (isUnknown(conn)) out.unknown = true;
            if (conn === "private") {
                out.ok = false;
                out.why.push(`NAT gateway '${t.nat.name}' is private (connectivityType "private" cannot reach the internet)`);
                continue;
            }
            const natSubnet = ctx.index.resolve(t.nat, "subnetId", get(t.nat.props, "subnetId"), [T.subnet])[0];
            const up = natSubnet ? defaultTargets(ctx, natSubnet, vpc) : undefined;
            if (up === undefined) {
                out.ok = false;
                out.outside = true;
            } else if (!up.some((x) => x.kind === "igw")) {
                out.ok = false;
                if (up.some((x) => x.kind === "unknown")) out.unknown = true;
                else
                    out.why.push(
                        `NAT gateway '${t.nat.name}' sits in subnet '${natSubnet!.name}', which has no route to an internet gateway (not a public subnet)`,
                    );
            }
        }
    }
    if (out.ok) {
        const e = egress443(ctx, nic, [], [IPV4_ALL]);
        if (!e.ok) {
            out.ok = false;
            if (e.unknown) out.unknown = true;
            else out.why.push("the pollers' security groups allow no outbound TCP 443 to the internet (0.0.0.0/0) through the NAT gateway");
        }
    }
    return out;
}

function defaultTargets(ctx: Ctx, subnet: PolicyResource, vpc: string) {
    const tables = ctx.tables.of(subnet, vpc);
    if (!tables) return undefined;
    const out = [];
    for (const t of tables) {
        const r = ctx.routes.of(t);
        if (r === undefined) return undefined;
        for (const x of r) out.push(x);
    }
    return out;
}

/** The services' path: each needs an endpoint, or the NAT path. */
function checkServices(ctx: Ctx, m: PolicyResource, nic: NetworkInterface, ranges: Range[]): void {
    const vpcs = new Set(nic.subnets.map((s) => vpcOf(ctx.index, s)));
    if (vpcs.has(undefined)) return void (ctx.report.undecided = true);
    for (const vpc of vpcs as Set<string>) {
        const nat = memo(ctx, `nat\0${nic.owner.urn}\0${vpc}\0${ctx.groupsOutside}`, () => natPath(ctx, nic, vpc));
        const missing: string[] = [];
        const why = new Set<string>(nat.why);
        let outside = nat.outside;
        let unknown = nat.unknown;
        for (const service of servicesNeeded(m)) {
            if (nat.ok) break;
            const e = memo(ctx, `endpoint\0${nic.owner.urn}\0${vpc}\0${service}\0${ctx.groupsOutside}`, () => endpointPath(ctx, nic, vpc, service, ranges));
            if (e.ok) continue;
            missing.push(service);
            e.why.forEach((w) => why.add(w));
            outside ||= e.outside;
            unknown ||= e.unknown;
        }
        if (nat.ok || !missing.length) continue;
        const vpcName = ctx.index.urn(vpc)?.name ?? clip(vpc.slice(vpc.indexOf(":") + 1));
        const text =
            `Kafka mapping '${m.name}' has no path to ${missing.join(", ")} from the subnets of ${nic.what} (VPC '${vpcName}'): ` +
            `its pollers need STS to assume the execution role, Lambda to invoke the function${missing.includes("secretsmanager") ? " and Secrets Manager to read the secret" : ""}. ` +
            (why.size ? `Found: ${[...why].slice(0, 6).join("; ")}. ` : "") +
            "Add interface endpoints with private DNS whose groups admit 443 from the pollers' groups, or route the subnets' 0.0.0.0/0 to a NAT gateway in a public subnet.";
        if (unknown) ctx.report.undecided = true;
        else if (outside) ctx.report.outside.push({ urn: m.urn, message: `${text} (Part of this path is defined outside the stack; check it there.)` });
        else ctx.report.broken.push({ urn: m.urn, message: text });
    }
}

/**
 * "Capturing discarded batches for Amazon MSK and self-managed Apache Kafka event sources": "You must deploy a VPC
 * endpoint for your on-failure destination service inside your Kafka cluster VPC"; "Using Lambda with Amazon MSK": the endpoints' groups
 * "must allow all inbound traffic on port 443 from the event source's security groups". Whether the endpoint exists
 * is destination-endpoint-in-cluster-vpc's; this says when its groups keep the pollers out.
 */
function checkDestinationEndpoint(ctx: Ctx, m: PolicyResource, nic: NetworkInterface, ranges: Range[]): void {
    const arn = get(m.props, "destinationConfig", "onFailure", "destinationArn");
    if (typeof arn !== "string" || isUnknown(arn) || ctx.groupsOutside) return;
    const service = parseArn(arn)?.service;
    if (service !== "sqs" && service !== "sns") return;
    for (const vpc of new Set(nic.subnets.map((s) => vpcOf(ctx.index, s)))) {
        if (!vpc) continue;
        const e = memo(ctx, `endpoint\0${nic.owner.urn}\0${vpc}\0${service}\0${ctx.groupsOutside}`, () => endpointPath(ctx, nic, vpc, service, ranges));
        if (e.ok || !e.blocked || e.unknown) continue;
        ctx.report.broken.push({
            urn: m.urn,
            message:
                `The on-failure destination of Kafka mapping '${m.name}' is reached through the ${service} interface endpoint of the cluster's VPC, but ${e.why.filter((w) => w.includes("443")).join("; ")}: ` +
                "Lambda could not deliver failure records. Admit TCP 443 from the pollers' (cluster's) security groups on the endpoint's groups, and allow it out of theirs.",
        });
    }
}

/** The network path of every Kafka mapping of the stack. */
export function checkNetworkPaths(index: StackIndex): PathReport {
    const model = new SecurityGroups(index);
    const report: PathReport = { broken: [], outside: [], undecided: false };
    const ctx: Ctx = { index, model, tables: new RouteTables(index), routes: new DefaultRoutes(index), report, groupsOutside: false, memo: new Map() };
    const nics = new Map<PolicyResource, NetworkInterface>();
    for (const m of index.ofType(T.mapping)) {
        if (!isKafkaMapping(m, index)) continue;
        const nic = interfaceOf(index, model, m, nics);
        if (!nic) {
            if (!isSelfManagedMapping(m))
                ctx.report.outside.push({
                    urn: m.urn,
                    message: `The MSK cluster of mapping '${m.name}' is not in this stack: its security groups, subnets and routes cannot be checked.`,
                });
            continue;
        }
        if (nic.badUris?.length) {
            const b = nic.badUris[0];
            ctx.report.broken.push({
                urn: m.urn,
                message:
                    `Self-managed Kafka mapping '${m.name}' has a ${b.type} access configuration whose uri is ${JSON.stringify(clip(b.uri.slice(0, 120)))}: ` +
                    `Lambda takes "${b.type === "VPC_SUBNET" ? "subnet:<subnet id>" : "security_group:<security group id>"}" (Lambda API reference, SourceAccessConfiguration) and cannot place its pollers. ` +
                    "(A template literal around an Output gives its toString text: use pulumi.interpolate.)",
            });
            continue;
        }
        if (nic.groupsUnknown) ctx.report.undecided = true;
        const outsideGroups = nic.groups.filter((k) => !model.group(k).resource);
        ctx.groupsOutside = outsideGroups.length > 0 || !nic.groups.length;
        if (nic.subnetsOutside || ctx.groupsOutside) {
            ctx.report.outside.push({
                urn: m.urn,
                message: `${nic.what[0].toUpperCase()}${nic.what.slice(1)}, read by mapping '${m.name}', uses ${nic.subnetsOutside ? "subnets" : ""}${nic.subnetsOutside && outsideGroups.length ? " and " : ""}${outsideGroups.length ? `security group(s) ${outsideGroups.map((k) => outsideName(index, k)).join(", ")}` : ""}${!nic.groups.length && !nic.subnetsOutside ? "no security group the stack names" : ""} defined outside this stack: the pollers' network path through them (broker port, 443) cannot be checked there.`,
            });
            if (nic.subnetsOutside) continue;
        }
        const ranges = subnetRanges(nic.subnets) ?? [];
        if (!ctx.groupsOutside) checkBrokerPort(ctx, m, nic, ranges);
        const mode = pollerMode(m);
        if (mode === "unknown") ctx.report.undecided = true;
        else if (mode === "on-demand") checkServices(ctx, m, nic, ranges);
        checkDestinationEndpoint(ctx, m, nic, ranges);
    }
    return ctx.report;
}

/** A group outside the stack, for messages: its id, or "the default security group of VPC '<name>'". */
function outsideName(index: StackIndex, key: string): string {
    if (!key.startsWith("default-sg:")) return groupName(index, key);
    const vpc = key.slice("default-sg:".length);
    return `the default security group of VPC '${index.urn(vpc)?.name ?? clip(vpc.slice(vpc.indexOf(":") + 1))}'`;
}
