/**
 * Issue 25 §1, generated: from a stack that connects (each source kind, each network mode, each provider, each way a
 * security group rule is written), remove or narrow each piece of the network path in turn. Every removal must be
 * caught by `kafka-network-path` on the resource that holds the piece (the security group for its rules, the mapping
 * for a service it cannot reach), and every intact form must pass. Only AnalyzeStack is called (the path is judged
 * by stack policies), against the shared pack process.
 */
import * as assert from "assert";
import { ACCOUNT, CLUSTER_ARN, pack, res, UNKNOWN, type Res } from "./helpers/pack";
import type { Diagnostic } from "../plan/analyzer";

type Source = "msk" | "serverless" | "self-managed";
type Mode = "endpoints" | "nat";
type Provider = "aws" | "aws-native";
type Form = "inline" | "sg-rule" | "vpc-rule" | "standalone";

const SECRET_ARN = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:AmazonMSK_orders-AbCdEf`;
const SERVERLESS_ARN = `arn:aws:kafka:us-east-1:${ACCOUNT}:cluster/serverless/aaaaaaaa-1111-2222-3333-444444444444-s1`;
const DEST = `arn:aws:sqs:us-east-1:${ACCOUNT}:failures`;
const SUBNETS = ["subnet-0000000000000000a", "subnet-0000000000000000b"];

/** One piece of the path a mutation removes or narrows; `on` names the resource the finding must point at. */
interface Piece {
    name: string;
    applies(o: Opts): boolean;
    on: "group" | "mapping";
    /** What the message must say. */
    why: RegExp;
    /** How many findings the removal gives (one unless it breaks two documented paths). */
    count?: (o: Opts) => number;
}

interface Opts {
    source: Source;
    mode: Mode;
    provider: Provider;
    form: Form;
    drop?: string;
}

const port = (o: Opts) => (o.source === "serverless" ? 9098 : 9096);
const secretUsed = (o: Opts) => o.source !== "serverless";

/** A rule in the canonical inline shape; converted per provider and form below. */
interface Rule {
    dir: "ingress" | "egress";
    proto: string;
    from: number;
    to: number;
    cidr?: string;
    group?: string;
}

function t(o: Opts, aws: string, native: string): string {
    return o.provider === "aws" ? aws : native;
}

/** A security group with `rules`, written in form `o.form` (inline, or one rule resource per rule). */
function group(o: Opts, name: string, id: string, rules: Rule[]): Res[] {
    if (o.provider === "aws-native") {
        const item = (r: Rule) => ({
            ipProtocol: r.proto,
            fromPort: r.from,
            toPort: r.to,
            ...(r.cidr ? { cidrIp: r.cidr } : {}),
            ...(r.group ? { [r.dir === "ingress" ? "sourceSecurityGroupId" : "destinationSecurityGroupId"]: r.group } : {}),
        });
        const ingress = rules.filter((r) => r.dir === "ingress");
        const egress = rules.filter((r) => r.dir === "egress");
        if (o.form === "inline") {
            const props: Record<string, unknown> = { groupId: id, vpcId: "vpc-1", groupDescription: name, securityGroupIngress: ingress.map(item) };
            // CloudFormation keeps the default allow-all egress when no egress rule is given: the intact stack relies on it.
            if (egress.length && !egress.every((r) => r.proto === "-1" && r.cidr === "0.0.0.0/0")) props.securityGroupEgress = egress.map(item);
            return [res("aws-native:ec2:SecurityGroup", name, props)];
        }
        const sg = res("aws-native:ec2:SecurityGroup", name, {
            groupId: id,
            vpcId: "vpc-1",
            groupDescription: name,
            // Standalone egress rules keep the default allow-all: narrow it explicitly so the standalone rules decide.
            securityGroupEgress: [{ ipProtocol: "icmp", fromPort: -1, toPort: -1, cidrIp: "10.255.255.255/32" }],
        });
        const out = [sg];
        rules.forEach((r, i) =>
            out.push(
                res(r.dir === "ingress" ? "aws-native:ec2:SecurityGroupIngress" : "aws-native:ec2:SecurityGroupEgress", `${name}-${r.dir}-${i}`, {
                    groupId: id,
                    ...item(r),
                }),
            ),
        );
        return out;
    }
    if (o.form === "inline") {
        const item = (r: Rule) => ({
            protocol: r.proto,
            fromPort: r.from,
            toPort: r.to,
            ...(r.cidr ? { cidrBlocks: [r.cidr] } : {}),
            ...(r.group ? { securityGroups: [r.group] } : {}),
        });
        return [
            res("aws:ec2/securityGroup:SecurityGroup", name, {
                id,
                vpcId: "vpc-1",
                ingress: rules.filter((r) => r.dir === "ingress").map(item),
                egress: rules.filter((r) => r.dir === "egress").map(item),
            }),
        ];
    }
    const out = [res("aws:ec2/securityGroup:SecurityGroup", name, { id, vpcId: "vpc-1" })];
    rules.forEach((r, i) => {
        if (o.form === "sg-rule")
            out.push(
                res("aws:ec2/securityGroupRule:SecurityGroupRule", `${name}-${r.dir}-${i}`, {
                    type: r.dir,
                    securityGroupId: id,
                    protocol: r.proto,
                    fromPort: r.from,
                    toPort: r.to,
                    ...(r.cidr ? { cidrBlocks: [r.cidr] } : {}),
                    ...(r.group ? (r.group === id ? { self: true } : { sourceSecurityGroupId: r.group }) : {}),
                }),
            );
        else
            out.push(
                res(
                    r.dir === "ingress"
                        ? "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
                        : "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
                    `${name}-${r.dir}-${i}`,
                    {
                        securityGroupId: id,
                        ipProtocol: r.proto,
                        ...(r.proto === "-1" ? {} : { fromPort: r.from, toPort: r.to }),
                        ...(r.cidr ? { cidrIpv4: r.cidr } : {}),
                        ...(r.group ? { referencedSecurityGroupId: r.group } : {}),
                    },
                ),
            );
    });
    return out;
}

/** The pollers' (cluster's) group: broker port in from itself, out to itself, 443 out. */
function kafkaGroup(o: Opts): Res[] {
    const p = port(o);
    const rules: Rule[] = [];
    if (o.drop !== "ingress")
        rules.push({
            dir: "ingress",
            proto: "tcp",
            from: o.drop === "ingress-port" ? p + 1 : p,
            to: o.drop === "ingress-port" ? p + 1 : p,
            group: "sg-00000000000000001",
        });
    if (o.drop !== "egress-broker") rules.push({ dir: "egress", proto: "tcp", from: p, to: p, group: "sg-00000000000000001" });
    if (o.drop !== "egress-443") rules.push({ dir: "egress", proto: "tcp", from: 443, to: 443, cidr: "0.0.0.0/0" });
    if (o.provider === "aws-native" && o.form === "inline" && o.drop !== "egress-broker" && o.drop !== "egress-443")
        // CloudFormation's default egress (allow all) stands in for both egress rules.
        return group(
            o,
            "kafka",
            "sg-00000000000000001",
            rules.filter((r) => r.dir === "ingress").concat([{ dir: "egress", proto: "-1", from: 0, to: 0, cidr: "0.0.0.0/0" }]),
        );
    return group(o, "kafka", "sg-00000000000000001", rules);
}

function network(o: Opts): Res[] {
    const out: Res[] = [
        res(
            t(o, "aws:ec2/vpc:Vpc", "aws-native:ec2:Vpc"),
            "vpc",
            o.provider === "aws" ? { id: "vpc-1", cidrBlock: "10.0.0.0/16" } : { vpcId: "vpc-1", cidrBlock: "10.0.0.0/16" },
        ),
    ];
    const subnet = (name: string, id: string, cidr: string) =>
        res(
            t(o, "aws:ec2/subnet:Subnet", "aws-native:ec2:Subnet"),
            name,
            o.provider === "aws" ? { id, vpcId: "vpc-1", cidrBlock: cidr } : { subnetId: id, vpcId: "vpc-1", cidrBlock: cidr },
        );
    out.push(subnet("a", "subnet-0000000000000000a", "10.0.1.0/24"), subnet("b", "subnet-0000000000000000b", "10.0.2.0/24"));
    const table = (name: string, id: string, routes: Record<string, string>[]) => {
        if (o.provider === "aws") return [res("aws:ec2/routeTable:RouteTable", name, { id, vpcId: "vpc-1", routes })];
        return [
            res("aws-native:ec2:RouteTable", name, { routeTableId: id, vpcId: "vpc-1" }),
            ...routes.map(({ cidrBlock, ...target }, i) =>
                res("aws-native:ec2:Route", `${name}-r${i}`, { routeTableId: id, destinationCidrBlock: cidrBlock, ...target }),
            ),
        ];
    };
    const assoc = (name: string, subnetId: string, routeTableId: string) =>
        res(t(o, "aws:ec2/routeTableAssociation:RouteTableAssociation", "aws-native:ec2:SubnetRouteTableAssociation"), name, { subnetId, routeTableId });
    const privateRoutes = o.mode === "nat" && o.drop !== "nat-route" ? [{ cidrBlock: "0.0.0.0/0", natGatewayId: "nat-1" }] : [];
    out.push(
        ...table("private", "rtb-private", privateRoutes),
        assoc("a-rt", "subnet-0000000000000000a", "rtb-private"),
        assoc("b-rt", "subnet-0000000000000000b", "rtb-private"),
    );
    if (o.mode === "nat") {
        out.push(subnet("public", "subnet-0000000000000000c", "10.0.100.0/24"));
        out.push(
            res(
                t(o, "aws:ec2/internetGateway:InternetGateway", "aws-native:ec2:InternetGateway"),
                "igw",
                o.provider === "aws" ? { id: "igw-1" } : { internetGatewayId: "igw-1" },
            ),
        );
        out.push(
            ...table("public", "rtb-public", o.drop === "igw-route" ? [] : [{ cidrBlock: "0.0.0.0/0", gatewayId: "igw-1" }]),
            assoc("p-rt", "subnet-0000000000000000c", "rtb-public"),
        );
        const nat: Record<string, unknown> = { subnetId: "subnet-0000000000000000c", ...(o.drop === "nat-private" ? { connectivityType: "private" } : {}) };
        out.push(
            res(
                t(o, "aws:ec2/natGateway:NatGateway", "aws-native:ec2:NatGateway"),
                "nat",
                o.provider === "aws" ? { id: "nat-1", ...nat } : { natGatewayId: "nat-1", ...nat },
            ),
        );
        return out;
    }
    out.push(
        ...group({ ...o, form: o.form === "standalone" || o.form === "inline" ? o.form : "inline" }, "vpce", "sg-00000000000000002", [
            { dir: "ingress", proto: "tcp", from: o.drop === "vpce-443" ? 80 : 443, to: o.drop === "vpce-443" ? 80 : 443, group: "sg-00000000000000001" },
        ]),
    );
    // The on-failure destination's endpoint (SQS); with "dest-443" its own group admits only port 80.
    if (o.drop === "dest-443")
        out.push(
            ...group({ ...o, form: "inline" }, "vpce-sqs", "sg-00000000000000004", [
                { dir: "ingress", proto: "tcp", from: 80, to: 80, group: "sg-00000000000000001" },
            ]),
        );
    for (const svc of ["lambda", "sts", ...(secretUsed(o) ? ["secretsmanager"] : []), "sqs"]) {
        if (o.drop === `endpoint-${svc}`) continue;
        const props = {
            vpcId: "vpc-1",
            serviceName: `com.amazonaws.us-east-1.${svc}`,
            vpcEndpointType: "Interface",
            privateDnsEnabled: o.drop !== `dns-${svc}`,
            securityGroupIds: [svc === "sqs" && o.drop === "dest-443" ? "sg-00000000000000004" : "sg-00000000000000002"],
            subnetIds: SUBNETS,
        };
        out.push(res(t(o, "aws:ec2/vpcEndpoint:VpcEndpoint", "aws-native:ec2:VpcEndpoint"), svc, props));
    }
    return out;
}

function source(o: Opts): { resources: Res[]; mapping: Res } {
    const scram = [{ type: "SASL_SCRAM_512_AUTH", uri: SECRET_ARN }];
    if (o.source === "self-managed") {
        const mapping = res("aws:lambda/eventSourceMapping:EventSourceMapping", "m", {
            functionName: "consumer",
            topics: ["orders"],
            startingPosition: "LATEST",
            ...(o.mode === "endpoints" ? { destinationConfig: { onFailure: { destinationArn: DEST } } } : {}),
            selfManagedEventSource: { endpoints: { KAFKA_BOOTSTRAP_SERVERS: "b-1.example.com:9096,b-2.example.com:9096" } },
            sourceAccessConfigurations: [
                ...scram,
                ...SUBNETS.map((s) => ({
                    type: "VPC_SUBNET",
                    uri: o.drop === "subnet-uri" ? "subnet:Calling [toString] on an [Output<T>] is not supported." : `subnet:${s}`,
                })),
                { type: "VPC_SECURITY_GROUP", uri: "security_group:sg-00000000000000001" },
            ],
        });
        return { resources: [mapping], mapping };
    }
    let cluster: Res;
    if (o.source === "serverless")
        cluster = res(t(o, "aws:msk/serverlessCluster:ServerlessCluster", "aws-native:msk:ServerlessCluster"), "cluster", {
            clusterName: "c",
            arn: SERVERLESS_ARN,
            vpcConfigs: [
                o.provider === "aws"
                    ? { subnetIds: SUBNETS, securityGroupIds: ["sg-00000000000000001"] }
                    : { subnetIds: SUBNETS, securityGroups: ["sg-00000000000000001"] },
            ],
            clientAuthentication: { sasl: { iam: { enabled: true } } },
        });
    else
        cluster = res(t(o, "aws:msk/cluster:Cluster", "aws-native:msk:Cluster"), "cluster", {
            clusterName: "c",
            arn: CLUSTER_ARN,
            kafkaVersion: "3.6.0",
            numberOfBrokerNodes: 2,
            brokerNodeGroupInfo: { instanceType: "kafka.m5.large", clientSubnets: SUBNETS, securityGroups: ["sg-00000000000000001"] },
            clientAuthentication: o.provider === "aws" ? { sasl: { scram: true } } : { sasl: { scram: { enabled: true } } },
        });
    const mapping = res("aws:lambda/eventSourceMapping:EventSourceMapping", "m", {
        functionName: "consumer",
        topics: ["orders"],
        startingPosition: "LATEST",
        eventSourceArn: o.source === "serverless" ? SERVERLESS_ARN : CLUSTER_ARN,
        ...(o.mode === "endpoints" ? { destinationConfig: { onFailure: { destinationArn: DEST } } } : {}),
        ...(secretUsed(o) ? { sourceAccessConfigurations: scram } : {}),
    });
    return { resources: [cluster, mapping], mapping };
}

function build(o: Opts): { resources: Res[]; mapping: Res; group: Res } {
    const kafka = kafkaGroup(o);
    const s = source(o);
    return { resources: [...network(o), ...kafka, ...s.resources], mapping: s.mapping, group: kafka[0] };
}

const PIECES: Piece[] = [
    { name: "ingress", on: "group", applies: (o) => o.source !== "self-managed", why: /admit no inbound TCP 909[68] \((the SASL\/SCRAM|the IAM) listener/ },
    { name: "ingress-port", on: "group", applies: (o) => o.source !== "self-managed", why: /admit no inbound TCP 909[68]/ },
    {
        name: "egress-broker",
        on: "group",
        applies: () => true,
        why: /allow no outbound TCP on the port of its bootstrap servers|allow no outbound TCP 909[68] \(the/,
    },
    {
        name: "egress-443",
        on: "mapping",
        applies: () => true,
        why: /has no path to lambda, sts.*allow no outbound TCP 443/,
        // With endpoints, the on-failure destination's SQS endpoint is cut off too.
        count: (o) => (o.mode === "endpoints" ? 2 : 1),
    },
    ...["lambda", "sts", "secretsmanager"].flatMap((svc): Piece[] => [
        {
            name: `endpoint-${svc}`,
            on: "mapping",
            applies: (o) => o.mode === "endpoints" && (svc !== "secretsmanager" || secretUsed(o)),
            why: new RegExp(`has no path to ${svc} from the subnets`),
        },
        {
            name: `dns-${svc}`,
            on: "mapping",
            applies: (o) => o.mode === "endpoints" && (svc !== "secretsmanager" || secretUsed(o)),
            why: new RegExp(`endpoint '${svc}' has privateDnsEnabled off`),
        },
    ]),
    {
        name: "dest-443",
        on: "mapping",
        applies: (o) => o.mode === "endpoints",
        why: /The on-failure destination of Kafka mapping 'm' is reached through the sqs interface endpoint .* admit no TCP 443/,
    },
    {
        name: "vpce-443",
        on: "mapping",
        applies: (o) => o.mode === "endpoints",
        why: /security groups of endpoint '\w+' admit no TCP 443/,
        // The SQS destination's endpoint shares the group: both paths are cut.
        count: () => 2,
    },
    {
        name: "subnet-uri",
        on: "mapping",
        applies: (o) => o.source === "self-managed",
        why: /has a VPC_SUBNET access configuration whose uri is "subnet:Calling \[toString\].*Lambda takes "subnet:<subnet id>"/,
    },
    { name: "nat-route", on: "mapping", applies: (o) => o.mode === "nat", why: /subnet 'a' routes 0\.0\.0\.0\/0 to nothing/ },
    { name: "nat-private", on: "mapping", applies: (o) => o.mode === "nat", why: /NAT gateway 'nat' is private/ },
    { name: "igw-route", on: "mapping", applies: (o) => o.mode === "nat", why: /no route to an internet gateway \(not a public subnet\)/ },
];

function cases(): Opts[] {
    const out: Opts[] = [];
    for (const src of ["msk", "serverless", "self-managed"] as Source[])
        for (const mode of ["endpoints", "nat"] as Mode[])
            for (const provider of ["aws", "aws-native"] as Provider[])
                for (const form of (provider === "aws" ? ["inline", "sg-rule", "vpc-rule"] : ["inline", "standalone"]) as Form[])
                    out.push({ source: src, mode, provider, form });
    return out;
}

const name = (o: Opts) => `${o.source}/${o.mode}/${o.provider}/${o.form}${o.drop ? ` without ${o.drop}` : ""}`;

async function judge(resources: Res[]): Promise<Diagnostic[]> {
    const s = await pack();
    return (await s.analyzeStack(resources)).diagnostics.filter((d) => d.policy === "kafka-network-path" || d.policy === "msk-network-path");
}

describe("policy pack: a Kafka mapping's network path, generated (issue 25 §1)", function () {
    this.timeout(120000);
    before(async () => (await pack()).configure({}));

    it("passes every intact form: each source kind, network mode, provider and rule form", async () => {
        const all = cases();
        assert.strictEqual(all.length, 30);
        for (const o of all) assert.deepStrictEqual(await judge(build(o).resources), [], name(o));
    });

    it("catches every removed or narrowed piece, on the resource that holds it, in every form", async () => {
        let checked = 0;
        for (const base of cases()) {
            for (const piece of PIECES) {
                if (!piece.applies(base)) continue;
                // Group-rule pieces in every rule form; the others (routes, endpoints) once per provider, in the inline form.
                if (piece.on === "mapping" && piece.name !== "egress-443" && base.form !== "inline") continue;
                const o = { ...base, drop: piece.name };
                const built = build(o);
                const d = await judge(built.resources);
                const want = piece.on === "group" ? built.group.urn : built.mapping.urn;
                assert.deepStrictEqual(
                    d.map((x) => [x.policy, x.enforcementLevel, x.urn]),
                    Array(piece.count?.(o) ?? 1).fill(["kafka-network-path", "mandatory", want]),
                    `${name(o)}: ${JSON.stringify(d.map((x) => x.message))}`,
                );
                assert.match(d[0].message, piece.why, name(o));
                checked++;
            }
        }
        assert.ok(checked > 100, String(checked));
    });

    it("says which pieces lie outside the stack (advisory), never a silent pass", async () => {
        const o: Opts = { source: "msk", mode: "endpoints", provider: "aws", form: "inline" };
        const built = build(o);
        // The cluster's group and subnets are not in the stack (ids only).
        const outside = built.resources.filter((r) => !["kafka", "a", "b"].includes(r.name));
        const d = await judge(outside);
        assert.deepStrictEqual(
            d.map((x) => [x.policy, x.enforcementLevel, x.urn]),
            [["msk-network-path", "advisory", built.mapping.urn]],
        );
        assert.match(d[0].message, /uses subnets and security group\(s\) sg-00000000000000001 defined outside this stack/);
        // The cluster itself outside the stack.
        const noCluster = built.resources.filter((r) => r.name !== "cluster");
        assert.match((await judge(noCluster))[0].message, /The MSK cluster of mapping 'm' is not in this stack/);
        // A subnet routing 0.0.0.0/0 to a transit gateway: the path beyond is not in the stack.
        const tgw = build({ ...o, mode: "nat" }).resources.map((r) =>
            r.name === "private" ? res(r.type, r.name, { ...r.props, routes: [{ cidrBlock: "0.0.0.0/0", transitGatewayId: "tgw-1" }] }) : r,
        );
        const viaTgw = await judge(tgw);
        // Endpoints shared from another VPC over a transit gateway (a narrower route): advisory, not a refusal.
        const shared = build({ ...o, drop: "endpoint-lambda" }).resources.map((r) =>
            r.name === "private" ? res(r.type, r.name, { ...r.props, routes: [{ cidrBlock: "10.0.0.0/8", transitGatewayId: "tgw-1" }] }) : r,
        );
        assert.deepStrictEqual(
            (await judge(shared)).map((x) => [x.policy, x.enforcementLevel]),
            [["msk-network-path", "advisory"]],
        );
        assert.deepStrictEqual(
            viaTgw.map((x) => [x.policy, x.enforcementLevel]),
            [["msk-network-path", "advisory"]],
        );
    });

    it("notes (preview) rather than passes a path whose pieces are not known yet", async () => {
        const o: Opts = { source: "msk", mode: "endpoints", provider: "aws", form: "inline" };
        const resources = build(o).resources.map((r) => (r.name === "lambda" ? res(r.type, r.name, { ...r.props, privateDnsEnabled: UNKNOWN }) : r));
        const d = await judge(resources);
        assert.deepStrictEqual(
            d.map((x) => [x.policy, x.enforcementLevel]),
            [["kafka-network-path", "advisory"]],
        );
        assert.match(d[0].message, /can't run|preview|not known/i);
    });

    it("judges the union of the cluster's groups: a rule in a second group admits the pollers", async () => {
        const o: Opts = { source: "msk", mode: "endpoints", provider: "aws", form: "inline", drop: "ingress" };
        const built = build(o);
        const second = res("aws:ec2/securityGroup:SecurityGroup", "kafka-in", {
            id: "sg-00000000000000003",
            vpcId: "vpc-1",
            ingress: [{ protocol: "tcp", fromPort: 9096, toPort: 9096, cidrBlocks: ["10.0.0.0/16"] }],
        });
        const resources = built.resources.map((r) =>
            r.name === "cluster"
                ? res(r.type, r.name, {
                      ...r.props,
                      brokerNodeGroupInfo: { ...(r.props.brokerNodeGroupInfo as object), securityGroups: ["sg-00000000000000001", "sg-00000000000000003"] },
                  })
                : r,
        );
        assert.deepStrictEqual(await judge([...resources, second]), []);
    });
});
