/**
 * kafka-network-path finds every piece of a mapping's path by reference (ids, ARNs) as well as by property dependency:
 * each stack, given and as an account scan reports it (tests/helpers/shapes `discovered`: no URNs, parents, property
 * dependencies or `id` property, named by its cloud identifier), gets the same mandatory verdict, and the expected one.
 * Generated: every provider, every MSK source kind, and each path the pollers can take or lose (interface endpoints,
 * a NAT gateway in a public subnet, a NAT gateway in a private subnet, no path, a broker port the cluster's group
 * does not admit).
 */
import * as assert from "assert";
import { pack, res, type Res } from "./helpers/pack";
import { discovered, verdict } from "./helpers/shapes";
import { validStack, type Provider, type Source } from "./helpers/valid-stack";

const PROVIDERS: Provider[] = ["aws", "aws-native"];
const SOURCES: Source[] = ["msk-iam", "msk-scram", "msk-mtls", "serverless"];
const VPC = "vpc-0123456789abcdef0";
const PRIVATE_RT = "rtb-0123456789abcdef0";
/** Without the Lambda, STS and Secrets Manager endpoints (an on-failure queue's endpoint stays: it is not the path under test). */
const withoutEndpoints = (all: Res[]) =>
    all.filter((r) => r.name === "sqs-endpoint" || (r.type !== "aws:ec2/vpcEndpoint:VpcEndpoint" && r.type !== "aws-native:ec2:VpcEndpoint"));

/**
 * A public subnet with a route to an internet gateway (a separate `aws.ec2.Route`), a NAT gateway in it or in a private
 * subnet, and the private subnets' 0.0.0.0/0 to the NAT gateway: on their route table (an `aws.ec2.Route`), or (`main`)
 * on the VPC's main table adopted as a `DefaultRouteTable`, the private subnets having no explicit association.
 */
function nat(all: Res[], natIn: "public" | "private", on: "table" | "main" = "table"): Res[] {
    const vpc = all.find((r) => r.name === "vpc")!;
    const igw = res("aws:ec2/internetGateway:InternetGateway", "igw", { id: "igw-0123456789abcdef0", vpcId: VPC }, { vpcId: [vpc] });
    const pub = res("aws:ec2/subnet:Subnet", "public-0", { id: "subnet-0f23456789abcdef0", vpcId: VPC, cidrBlock: "10.0.100.0/24" }, { vpcId: [vpc] });
    const pubRt = res("aws:ec2/routeTable:RouteTable", "public-rt", { id: "rtb-0f23456789abcdef0", vpcId: VPC }, { vpcId: [vpc] });
    const toIgw = res(
        "aws:ec2/route:Route",
        "public-default",
        { routeTableId: "rtb-0f23456789abcdef0", destinationCidrBlock: "0.0.0.0/0", gatewayId: "igw-0123456789abcdef0" },
        { routeTableId: [pubRt], gatewayId: [igw] },
    );
    const assoc = res(
        "aws:ec2/routeTableAssociation:RouteTableAssociation",
        "public-rta",
        { subnetId: "subnet-0f23456789abcdef0", routeTableId: "rtb-0f23456789abcdef0" },
        { subnetId: [pub], routeTableId: [pubRt] },
    );
    const natSubnet = natIn === "public" ? pub : all.find((r) => r.name === "private-0")!;
    const gw = res(
        "aws:ec2/natGateway:NatGateway",
        "nat",
        {
            id: "nat-0123456789abcdef0",
            subnetId: natSubnet.props.id ?? natSubnet.props.subnetId,
            connectivityType: "public",
            allocationId: "eipalloc-0123456789abcdef0",
        },
        { subnetId: [natSubnet] },
    );
    const privateRt = all.find((r) => r.name === "private-rt")!;
    const toNat = res(
        "aws:ec2/route:Route",
        "private-default",
        { routeTableId: PRIVATE_RT, destinationCidrBlock: "0.0.0.0/0", natGatewayId: "nat-0123456789abcdef0" },
        { routeTableId: [privateRt], natGatewayId: [gw] },
    );
    if (on === "table") return [...withoutEndpoints(all), igw, pub, pubRt, toIgw, assoc, gw, toNat];
    const MAIN = "rtb-0d23456789abcdef0";
    const main = res(
        "aws:ec2/defaultRouteTable:DefaultRouteTable",
        "main-rt",
        { id: MAIN, defaultRouteTableId: MAIN, routes: [{ cidrBlock: "0.0.0.0/0", natGatewayId: "nat-0123456789abcdef0" }] },
        { defaultRouteTableId: [vpc], routes: [gw] },
    );
    const adopted = withoutEndpoints(all)
        .filter((r) => r.type !== "aws:ec2/routeTableAssociation:RouteTableAssociation" && r.type !== "aws-native:ec2:SubnetRouteTableAssociation")
        .map((r) => (r === vpc ? { ...r, props: { ...r.props, defaultRouteTableId: MAIN, mainRouteTableId: MAIN } } : r));
    return [...adopted, main, igw, pub, pubRt, toIgw, assoc, gw];
}

/** The cluster's broker-port rule admits the plaintext port only (not the port of any of these sources' authentication). */
function wrongPort(all: Res[]): Res[] {
    return all.map((r) => (r.name === "kafka-sg-broker" ? { ...r, props: { ...r.props, fromPort: 9092, toPort: 9092 } } : r));
}

/** The cluster's group sends 443 only to the VPC's addresses (the endpoints' subnets) and the broker port only to itself. */
function narrowEgress(all: Res[]): Res[] {
    const port = all.find((r) => r.name === "kafka-sg-broker")!.props.fromPort;
    return all.map((r) => {
        if (r.name !== "kafka-sg") return r;
        if (r.type.startsWith("aws-native:")) {
            const securityGroupEgress = [
                { ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIp: "10.0.0.0/16" },
                { ipProtocol: "tcp", fromPort: port, toPort: port, destinationSecurityGroupId: "sg-0123456789abcdef0" },
            ];
            return { ...r, props: { ...r.props, securityGroupEgress } };
        }
        const egress = [
            { protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["10.0.0.0/16"] },
            { protocol: "tcp", fromPort: port, toPort: port, self: true, cidrBlocks: [] },
        ];
        return { ...r, props: { ...r.props, egress } };
    });
}

/**
 * The poller modes: on demand (an SQS on-failure queue), where the pollers reach Lambda, STS and Secrets Manager through
 * the cluster's subnets, and provisioned (a Kafka topic on failure, which needs provisioned mode), where they do not
 * (Lambda, "Configuring your self-managed Apache Kafka cluster and network for Lambda": "If your event source mapping
 * uses provisioned mode, you don't need to configure AWS PrivateLink VPC endpoints"): a lost service path is caught in
 * on-demand mode only.
 */
const MODES = { "on-demand": "sqs", provisioned: "kafka" } as const;

/**
 * Each path, and the kafka-network-path verdict it must get (resource names). The adopted main table only with the
 * `aws` VPC: CloudFormation's AWS::EC2::VPC returns no main route table id, so a scan of an aws-native VPC cannot tell
 * which table is its main one (the pack says so, as an advisory).
 */
const PATHS: Record<string, { build: (all: Res[]) => Res[]; expect: string[]; providers?: Provider[]; servicePath?: boolean }> = {
    "interface endpoints": { build: (all) => all, expect: [] },
    "interface endpoints, 443 allowed out to the VPC's addresses only": { build: narrowEgress, expect: [] },
    "a NAT gateway in a public subnet": { build: (all) => nat(all, "public"), expect: [] },
    "a NAT gateway in a private subnet": { build: (all) => nat(all, "private"), expect: ["mapping"], servicePath: true },
    "the VPC's main table to a NAT gateway in a public subnet": { build: (all) => nat(all, "public", "main"), expect: [], providers: ["aws"] },
    "the VPC's main table to a NAT gateway in a private subnet": {
        build: (all) => nat(all, "private", "main"),
        expect: ["mapping"],
        providers: ["aws"],
        servicePath: true,
    },
    "no endpoint and no NAT gateway": { build: withoutEndpoints, expect: ["mapping"], servicePath: true },
    "the cluster's group does not admit the broker port": { build: wrongPort, expect: ["kafka-sg"] },
};

describe("policy pack: kafka-network-path by reference (given and discovered resources agree)", function () {
    this.timeout(120000);

    it("every provider, MSK source, poller mode and path: the expected verdict, the same on the discovered shape", async () => {
        const server = await pack();
        await server.configure({});
        let cases = 0;
        for (const provider of PROVIDERS)
            for (const source of SOURCES)
                for (const [mode, onFailure] of Object.entries(MODES))
                    for (const [path, { build, expect: expected, providers, servicePath }] of Object.entries(PATHS)) {
                        if (providers && !providers.includes(provider)) continue;
                        const where = `${provider}, ${source}, ${mode}, ${path}`;
                        const expect = servicePath && mode === "provisioned" ? [] : expected;
                        const given = build(validStack({ provider, source, onFailure, asyncFailure: "none", asyncSuccess: "none" }).all);
                        const asGiven = verdict((await server.analyzeStack(given)).diagnostics);
                        const paths = asGiven.filter((l) => l.startsWith("kafka-network-path @ ")).map((l) => l.slice(l.lastIndexOf("::") + 2));
                        assert.deepStrictEqual(paths, expect, `${where}: kafka-network-path`);
                        assert.deepStrictEqual(
                            asGiven.filter((l) => !l.startsWith("kafka-network-path @ ")),
                            [],
                            `${where}: no other mandatory finding`,
                        );
                        const disc = given.map(discovered);
                        assert.deepStrictEqual(verdict((await server.analyzeStack(disc)).diagnostics), asGiven, `${where}: discovered and given disagree`);
                        cases++;
                    }
        const paths = Object.values(PATHS).reduce((n, p) => n + (p.providers ?? PROVIDERS).length, 0);
        assert.strictEqual(cases, SOURCES.length * paths * Object.keys(MODES).length);
    });
});
