import * as assert from "assert";
import { Network } from "../components/network";
import { DESTINATIONS } from "../policies/lib/public";
import type { NetworkConfig } from "../lib/config";
import type { NetworkSettings } from "../lib/settings";
import { run, type Run } from "./helpers/sim";

/** The component takes the settings as written in the stack file: absent keys get the table's defaults. */
const defaults = {} as NetworkSettings;

function network(config: Partial<NetworkConfig>, brokerPort = 9098, createClusterSecurityGroup = true) {
    let net!: Network;
    return run(() => {
        net = new Network("net", { settings: { ...defaults, ...config } as NetworkSettings, brokerPort, createClusterSecurityGroup });
    }).then((r) => ({ r, net }));
}

function rules(r: Run, direction: "Ingress" | "Egress") {
    return r.ofType(`aws:vpc/securityGroup${direction}Rule:SecurityGroup${direction}Rule`).map((x) => x.inputs);
}

describe("Network component", () => {
    describe("privatelink mode", () => {
        let r: Run;
        let net: Network;
        before(async () => ({ r, net } = await network({ mode: "privatelink", azCount: 3 })));

        it("creates a VPC with DNS support and one private subnet per AZ, and no internet path", () => {
            assert.strictEqual(r.one("aws:ec2/vpc:Vpc").inputs.enableDnsHostnames, true);
            const subnets = r.ofType("aws:ec2/subnet:Subnet").map((s) => s.inputs);
            assert.deepStrictEqual(
                subnets.map((s) => s.availabilityZone),
                ["us-east-1a", "us-east-1b", "us-east-1c"],
            );
            assert.ok(subnets.every((s) => s.mapPublicIpOnLaunch === false));
            assert.strictEqual(r.ofType("aws:ec2/internetGateway:InternetGateway").length, 0);
            assert.strictEqual(r.ofType("aws:ec2/natGateway:NatGateway").length, 0);
            assert.strictEqual(r.ofType("aws:ec2/route:Route").length, 0);
            assert.strictEqual(r.ofType("aws:ec2/routeTable:RouteTable").length, 3);
        });

        it("creates Lambda, STS and Secrets Manager interface endpoints with private DNS in every private subnet", async () => {
            const eps = r.ofType("aws:ec2/vpcEndpoint:VpcEndpoint").map((e) => e.inputs);
            assert.deepStrictEqual(eps.map((e) => e.serviceName).sort(), [
                "com.amazonaws.us-east-1.lambda",
                "com.amazonaws.us-east-1.secretsmanager",
                "com.amazonaws.us-east-1.sts",
            ]);
            const subnetIds = r.ofType("aws:ec2/subnet:Subnet").map((s) => s.urn);
            for (const ep of eps) {
                assert.strictEqual(ep.vpcEndpointType, "Interface");
                assert.strictEqual(ep.privateDnsEnabled, true);
                assert.strictEqual(ep.subnetIds.length, 3);
            }
            assert.strictEqual(subnetIds.length, 3);
            assert.strictEqual(net.pathResources.length, 3);
        });

        it("lets the endpoints' security group take 443 only from the cluster's security group", () => {
            const sgs = r.ofType("aws:ec2/securityGroup:SecurityGroup");
            const endpointSg = sgs.find((s) => s.name === "net-endpoints")!;
            const ingress = r
                .ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
                .filter((x) => x.propertyDependencies.securityGroupId?.includes(endpointSg.urn));
            assert.strictEqual(ingress.length, 1);
            assert.strictEqual(ingress[0].inputs.fromPort, 443);
            assert.strictEqual(ingress[0].inputs.toPort, 443);
            const clusterSg = sgs.find((s) => s.name === "net-cluster")!;
            assert.deepStrictEqual(ingress[0].propertyDependencies.referencedSecurityGroupId, [clusterSg.urn]);
            assert.strictEqual(ingress[0].inputs.cidrIpv4, undefined);
        });

        it("adds an SQS or SNS interface endpoint and an S3 gateway endpoint for failure destinations, once each", async () => {
            let n!: Network;
            const r2 = await run(() => {
                n = new Network("net", { settings: defaults, brokerPort: 9098, createClusterSecurityGroup: true });
                n.ensureDestinationEndpoint(DESTINATIONS.sqs.endpoint);
                n.ensureDestinationEndpoint(DESTINATIONS.sqs.endpoint);
                n.ensureDestinationEndpoint(DESTINATIONS.s3.endpoint);
            });
            const eps = r2.ofType("aws:ec2/vpcEndpoint:VpcEndpoint").map((e) => e.inputs);
            assert.strictEqual(eps.filter((e) => e.serviceName.endsWith(".sqs")).length, 1);
            const s3 = eps.find((e) => e.serviceName.endsWith(".s3"))!;
            assert.strictEqual(s3.vpcEndpointType, "Gateway");
            assert.strictEqual(s3.routeTableIds.length, 3);
        });
    });

    describe("nat mode", () => {
        let r: Run;
        let net: Network;
        before(async () => ({ r, net } = await network({ mode: "nat", azCount: 3 })));

        it("creates public and private subnets per AZ and one NAT gateway per public subnet", () => {
            const subnets = r.ofType("aws:ec2/subnet:Subnet");
            assert.strictEqual(subnets.filter((s) => s.inputs.tags.tier === "public").length, 3);
            assert.strictEqual(subnets.filter((s) => s.inputs.tags.tier === "private").length, 3);
            const nats = r.ofType("aws:ec2/natGateway:NatGateway");
            assert.strictEqual(nats.length, 3);
            const publicIds = subnets.filter((s) => s.inputs.tags.tier === "public").map((s) => s.urn);
            for (const nat of nats) assert.ok(publicIds.includes(nat.propertyDependencies.subnetId[0]));
            assert.strictEqual(r.ofType("aws:ec2/internetGateway:InternetGateway").length, 1);
            assert.strictEqual(r.ofType("aws:ec2/vpcEndpoint:VpcEndpoint").length, 0);
        });

        it("routes each private subnet through the NAT gateway of its own AZ", () => {
            const routes = r.ofType("aws:ec2/route:Route").filter((x) => x.inputs.natGatewayId);
            assert.strictEqual(routes.length, 3);
            const nats = r.ofType("aws:ec2/natGateway:NatGateway");
            for (let az = 0; az < 3; az++) {
                const route = routes.find((x) => x.name === `net-private-${az}-default`)!;
                assert.strictEqual(route.inputs.destinationCidrBlock, "0.0.0.0/0");
                assert.deepStrictEqual(route.propertyDependencies.natGatewayId, [nats.find((n) => n.name === `net-nat-${az}`)!.urn]);
                assert.deepStrictEqual(route.propertyDependencies.routeTableId, [r.one("aws:ec2/routeTable:RouteTable", `net-private-${az}`).urn]);
            }
            assert.strictEqual(net.pathResources.length, 3);
        });

        it("still creates the failure destinations' endpoints in the cluster's VPC (SNS interface, S3 gateway on every private route table)", async () => {
            let n!: Network;
            const r2 = await run(() => {
                n = new Network("net", { settings: { ...defaults, mode: "nat" } as NetworkSettings, brokerPort: 9098, createClusterSecurityGroup: true });
                n.ensureDestinationEndpoint(DESTINATIONS.sns.endpoint);
                n.ensureDestinationEndpoint(DESTINATIONS.s3.endpoint);
            });
            const eps = r2.ofType("aws:ec2/vpcEndpoint:VpcEndpoint");
            assert.deepStrictEqual(eps.map((e) => e.inputs.serviceName).sort(), ["com.amazonaws.us-east-1.s3", "com.amazonaws.us-east-1.sns"]);
            const sns = eps.find((e) => e.inputs.serviceName.endsWith(".sns"))!;
            assert.strictEqual(sns.inputs.vpcEndpointType, "Interface");
            assert.strictEqual(sns.inputs.privateDnsEnabled, true);
            // Its security group takes 443 from the cluster's security group only.
            const sg = r2.one("aws:ec2/securityGroup:SecurityGroup", "net-endpoints");
            assert.deepStrictEqual(sns.propertyDependencies.securityGroupIds, [sg.urn]);
            const ingress = r2
                .ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
                .filter((x) => x.propertyDependencies.securityGroupId?.[0] === sg.urn);
            assert.deepStrictEqual(
                ingress.map((i) => [i.inputs.fromPort, i.propertyDependencies.referencedSecurityGroupId]),
                [[443, [r2.one("aws:ec2/securityGroup:SecurityGroup", "net-cluster").urn]]],
            );
            const s3 = eps.find((e) => e.inputs.serviceName.endsWith(".s3"))!;
            assert.strictEqual(s3.inputs.vpcEndpointType, "Gateway");
            assert.deepStrictEqual(
                [...s3.propertyDependencies.routeTableIds].sort(),
                r2
                    .ofType("aws:ec2/routeTable:RouteTable")
                    .filter((t) => t.name.startsWith("net-private-"))
                    .map((t) => t.urn)
                    .sort(),
            );
            // The NAT path itself needs no Lambda/STS/Secrets Manager endpoint.
            assert.strictEqual(n.pathResources.length, 3);
            assert.deepStrictEqual(Object.keys(n.endpoints).sort(), ["s3", "sns"]);
        });
    });

    describe("existing mode", () => {
        const existing = {
            mode: "existing" as const,
            vpcId: "vpc-0123456789abcdef0",
            privateSubnetIds: ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1", "subnet-0123456789abcdef2", "subnet-0123456789abcdef3"],
        };

        it("creates only the security groups, and places the cluster in the first 3 given subnets", async () => {
            const { r, net } = await network(existing);
            const types = new Set(r.resources.filter((x) => x.custom).map((x) => x.type));
            assert.deepStrictEqual([...types].sort(), [
                "aws:ec2/securityGroup:SecurityGroup",
                "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
                "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
            ]);
            assert.strictEqual(r.one("aws:ec2/securityGroup:SecurityGroup").inputs.vpcId, "vpc-0123456789abcdef0");
            const ids = await new Promise<string[]>((resolve) => require("@pulumi/pulumi").all(net.clusterSubnetIds).apply(resolve));
            assert.deepStrictEqual(ids, existing.privateSubnetIds.slice(0, 3));
        });

        it("creates no destination endpoint in your VPC unless asked for endpoints", async () => {
            let n!: Network;
            const r2 = await run(() => {
                n = new Network("net", { settings: { ...defaults, ...existing } as NetworkSettings, brokerPort: 9098, createClusterSecurityGroup: true });
                assert.strictEqual(n.ensureDestinationEndpoint(DESTINATIONS.sqs.endpoint), undefined);
                assert.strictEqual(n.ensureDestinationEndpoint(DESTINATIONS.s3.endpoint), undefined);
            });
            assert.strictEqual(r2.ofType("aws:ec2/vpcEndpoint:VpcEndpoint").length, 0);
        });

        it("with endpoints, puts the S3 gateway endpoint on the given private route tables", async () => {
            const routeTables = ["rtb-0123456789abcdef0", "rtb-0123456789abcdef1"];
            const r2 = await run(() => {
                new Network("net", {
                    settings: { ...defaults, ...existing, endpoints: true, privateRouteTableIds: routeTables } as NetworkSettings,
                    brokerPort: 9098,
                    createClusterSecurityGroup: true,
                }).ensureDestinationEndpoint(DESTINATIONS.s3.endpoint);
            });
            const s3 = r2.ofType("aws:ec2/vpcEndpoint:VpcEndpoint").find((e) => e.inputs.serviceName.endsWith(".s3"))!;
            assert.deepStrictEqual(s3.inputs.routeTableIds, routeTables);
        });

        it("creates the endpoints when asked", async () => {
            const { r } = await network({ ...existing, endpoints: true });
            const eps = r.ofType("aws:ec2/vpcEndpoint:VpcEndpoint");
            assert.strictEqual(eps.length, 3);
            assert.deepStrictEqual(eps[0].inputs.subnetIds, existing.privateSubnetIds);
        });

        it("with an existing cluster, lets the endpoints take 443 from that cluster's security groups", async () => {
            const { r } = await network({ ...existing, endpoints: true, clusterSecurityGroupIds: ["sg-0123456789abcdef0"] }, 9098, false);
            assert.strictEqual(r.ofType("aws:ec2/securityGroup:SecurityGroup").length, 1);
            const ingress = rules(r, "Ingress");
            assert.deepStrictEqual(
                ingress.map((i) => [i.referencedSecurityGroupId, i.fromPort]),
                [["sg-0123456789abcdef0", 443]],
            );
        });
    });

    describe("cluster security group (seed: minimum rules)", () => {
        for (const [auth, port] of [
            ["plaintext", 9092],
            ["tls", 9094],
            ["scram", 9096],
            ["iam", 9098],
        ] as const) {
            it(`${auth}: allows ${port} from and to itself, 443 out, and nothing from 0.0.0.0/0`, async () => {
                const { r } = await network({ mode: "nat" }, port);
                const sg = r.one("aws:ec2/securityGroup:SecurityGroup", "net-cluster");
                const mine = (dir: "Ingress" | "Egress") =>
                    r.ofType(`aws:vpc/securityGroup${dir}Rule:SecurityGroup${dir}Rule`).filter((x) => x.propertyDependencies.securityGroupId?.[0] === sg.urn);
                const ingress = mine("Ingress");
                assert.strictEqual(ingress.length, 1);
                assert.strictEqual(ingress[0].inputs.fromPort, port);
                assert.strictEqual(ingress[0].inputs.toPort, port);
                assert.deepStrictEqual(ingress[0].propertyDependencies.referencedSecurityGroupId, [sg.urn]);
                const egress = mine("Egress")
                    .map((x) => [x.inputs.fromPort, x.inputs.cidrIpv4 ?? "self"])
                    .sort();
                assert.deepStrictEqual(egress, [
                    [443, "0.0.0.0/0"],
                    [port, "self"],
                ]);
                for (const rule of rules(r, "Ingress")) {
                    assert.notStrictEqual(rule.cidrIpv4, "0.0.0.0/0");
                    assert.notStrictEqual(rule.cidrIpv6, "::/0");
                }
            });
        }
    });
});
