/**
 * The network modules are total (issue 17 §2, for the code of issue 25): every property path of a stack that connects
 * (groups in every rule form, routes, NAT, endpoints, both cluster kinds, both source kinds) is replaced in turn by each
 * hostile value class (unknown, null, numbers out of range, empty and huge strings, arrays where strings are expected,
 * objects with toString/valueOf members, deep arrays), and the path check must return, never throw anything but the
 * preview note. In-process (the lib the policies call), so the ~2,000 cases take about a second.
 */
import * as assert from "assert";
import { StackIndex } from "../policies/lib/graph";
import { checkNetworkPaths } from "../policies/lib/path-check";
import { parseProperties } from "../policies/lib/properties";
import { SecurityGroups } from "../policies/lib/sg";
const U = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const r = (type: string, name: string, props: Record<string, unknown>, deps: Record<string, unknown> = {}) => ({
    type,
    name,
    urn: `urn:pulumi:s::p::${type}::${name}`,
    props,
    propertyDependencies: deps,
    dependencies: [],
});
const base = () => [
    r("aws:ec2/vpc:Vpc", "vpc", { id: "vpc-1", cidrBlock: "10.0.0.0/16" }),
    r("aws:ec2/subnet:Subnet", "a", { id: "subnet-0000000000000000a", vpcId: "vpc-1", cidrBlock: "10.0.1.0/24" }),
    r("aws:ec2/securityGroup:SecurityGroup", "sg", {
        id: "sg-1",
        vpcId: "vpc-1",
        ingress: [{ protocol: "tcp", fromPort: 9098, toPort: 9098, self: true, cidrBlocks: ["0.0.0.0/1"], prefixListIds: ["pl-1"] }],
        egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }],
    }),
    r("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", "d", { vpcId: "vpc-1", ingress: [{ protocol: "-1", self: true }] }),
    r("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", "e", {
        securityGroupId: "sg-1",
        ipProtocol: "tcp",
        fromPort: 443,
        toPort: 443,
        cidrIpv4: "0.0.0.0/0",
        referencedSecurityGroupId: "sg-1",
        prefixListId: "pl-1",
    }),
    r("aws:ec2/securityGroupRule:SecurityGroupRule", "sr", {
        type: "ingress",
        securityGroupId: "sg-1",
        protocol: "tcp",
        fromPort: 1,
        toPort: 2,
        sourceSecurityGroupId: "sg-1",
    }),
    r("aws:ec2/routeTable:RouteTable", "rt", {
        id: "rtb-1",
        vpcId: "vpc-1",
        routes: [{ cidrBlock: "0.0.0.0/0", natGatewayId: "nat-1", gatewayId: "igw-1", transitGatewayId: "x" }],
    }),
    r("aws:ec2/route:Route", "ro", { routeTableId: "rtb-1", destinationCidrBlock: "0.0.0.0/0", gatewayId: "igw-1" }),
    r("aws:ec2/routeTableAssociation:RouteTableAssociation", "as", { subnetId: "subnet-0000000000000000a", routeTableId: "rtb-1" }),
    r("aws:ec2/natGateway:NatGateway", "nat", { id: "nat-1", subnetId: "subnet-0000000000000000a", connectivityType: "public" }),
    r("aws:ec2/vpcEndpoint:VpcEndpoint", "ep", {
        vpcId: "vpc-1",
        serviceName: "com.amazonaws.us-east-1.sts",
        vpcEndpointType: "Interface",
        privateDnsEnabled: true,
        securityGroupIds: ["sg-1"],
        subnetIds: ["subnet-0000000000000000a"],
    }),
    r("aws:msk/cluster:Cluster", "c", {
        arn: "arn:aws:kafka:us-east-1:111122223333:cluster/c/x",
        brokerNodeGroupInfo: { clientSubnets: ["subnet-0000000000000000a"], securityGroups: ["sg-1"] },
        clientAuthentication: { sasl: { iam: true } },
        encryptionInfo: { encryptionInTransit: { clientBroker: "TLS" } },
    }),
    r("aws:msk/serverlessCluster:ServerlessCluster", "sl", {
        arn: "arn:aws:kafka:us-east-1:111122223333:cluster/s/y",
        vpcConfigs: [{ subnetIds: ["subnet-0000000000000000a"], securityGroupIds: ["sg-1"] }],
    }),
    r("aws:lambda/eventSourceMapping:EventSourceMapping", "m", {
        eventSourceArn: "arn:aws:kafka:us-east-1:111122223333:cluster/c/x",
        sourceAccessConfigurations: [{ type: "SASL_SCRAM_512_AUTH", uri: "arn:x" }],
        destinationConfig: { onFailure: { destinationArn: "arn:aws:sqs:us-east-1:111122223333:q" } },
    }),
    r("aws:lambda/eventSourceMapping:EventSourceMapping", "sm", {
        selfManagedEventSource: { endpoints: { KAFKA_BOOTSTRAP_SERVERS: "a:9092" } },
        sourceAccessConfigurations: [
            { type: "VPC_SUBNET", uri: "subnet:subnet-0000000000000000a" },
            { type: "VPC_SECURITY_GROUP", uri: "security_group:sg-1" },
        ],
    }),
];
const hostile: unknown[] = [
    U,
    null,
    0,
    -1,
    1e308,
    NaN,
    "",
    "x".repeat(200000),
    [],
    [U],
    [{}],
    { toString: { a: 1 }, valueOf: 1 },
    [[[[[[]]]]]],
    true,
    "0.0.0.0/0",
    "::/0",
    "-1",
];
function paths(o: unknown, pre: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
    if (o && typeof o === "object")
        for (const [k, v] of Object.entries(o)) {
            const key = Array.isArray(o) ? Number(k) : k;
            out.push([...pre, key]);
            paths(v, [...pre, key], out);
        }
    return out;
}

describe("network path modules: total on hostile values (issue 17 §2 for issue 25's code)", () => {
    it("never throws, whatever value any property of any network resource holds", () => {
        let cases = 0;
        const failures: string[] = [];
        for (let i = 0; i < base().length; i++) {
            for (const p of paths(base()[i].props))
                for (const h of hostile) {
                    const res = base();
                    let cur = res[i].props as Record<string | number, unknown>;
                    for (const k of p.slice(0, -1)) cur = cur[k] as Record<string | number, unknown>;
                    cur[p[p.length - 1]] = h;
                    try {
                        const idx = new StackIndex(res as never);
                        new SecurityGroups(idx);
                        checkNetworkPaths(idx);
                    } catch (e) {
                        if ((e as Error)?.constructor?.name !== "UnknownValueError") failures.push(`${res[i].name} ${p.join(".")}: ${(e as Error).message}`);
                    }
                    cases++;
                }
        }
        assert.deepStrictEqual(failures, []);
        assert.ok(cases > 1500, String(cases));
        for (const text of ["a\\", "\\u", "\\uzzzz", "k=\\\n", "=\\\r\n\\", "\r\r\n\n", "#\\\nk=v", "x".repeat(100000)]) parseProperties(text);
    });
});
