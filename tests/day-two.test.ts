import * as assert from "assert";
import { ConfigError, parseStackConfig } from "../lib/config";
import { runStack } from "./helpers/stack";
import type { Run } from "./helpers/sim";

/** URN -> CIDR of every subnet in a plan. */
function subnets(r: Run): Map<string, string> {
    return new Map(r.ofType("aws:ec2/subnet:Subnet").map((s) => [s.urn, s.inputs.cidrBlock]));
}

function issuesOf(raw: Record<string, unknown>) {
    const config: Record<string, string> = { "msk-lambda:environment": "dev" };
    for (const [k, v] of Object.entries(raw)) config[k] = typeof v === "string" ? v : JSON.stringify(v);
    try {
        parseStackConfig(config, { project: "msk-lambda", stack: "dev" });
    } catch (e) {
        assert.ok(e instanceof ConfigError);
        return e.issues;
    }
    assert.fail("expected the config to be refused");
}

describe("day two: changing config on a live stack", () => {
    describe("subnets stay where they are", () => {
        let first: Run;
        let after: Run;
        before(async () => {
            // 2 AZs with PrivateLink, then 3 AZs with NAT gateways; the cluster's AZs pinned to 2 (cluster.azCount).
            const consumers = [{ name: "orders", topic: "orders" }];
            first = await runStack({ network: { mode: "privatelink", cidrBlock: "10.20.0.0/16", azCount: 2 }, cluster: { azCount: 2 }, consumers });
            after = await runStack({ network: { mode: "nat", cidrBlock: "10.20.0.0/16", azCount: 3 }, cluster: { azCount: 2 }, consumers });
        });

        it("keeps every existing subnet's URN and CIDR, and only adds subnets", () => {
            const a = subnets(first);
            const b = subnets(after);
            assert.strictEqual(a.size, 2);
            assert.strictEqual(b.size, 6);
            for (const [urn, cidr] of a) assert.strictEqual(b.get(urn), cidr, `${urn} moved or disappeared`);
            assert.deepStrictEqual([...a.values()], ["10.20.0.0/20", "10.20.16.0/20"]);
        });

        it("keeps the cluster on the same client subnets, so MSK does not replace it", () => {
            const clientSubnets = (r: Run) => r.one("aws:msk/cluster:Cluster").propertyDependencies["brokerNodeGroupInfo"];
            assert.deepStrictEqual(
                after.one("aws:msk/cluster:Cluster").inputs.brokerNodeGroupInfo.clientSubnets,
                first.one("aws:msk/cluster:Cluster").inputs.brokerNodeGroupInfo.clientSubnets,
            );
            assert.deepStrictEqual(clientSubnets(after), clientSubnets(first));
            assert.strictEqual(after.one("aws:msk/cluster:Cluster").inputs.numberOfBrokerNodes, 2);
        });
    });

    describe("create-only cluster settings are refused or pinned", () => {
        it("refuses a cluster spanning more AZs than the network has", () => {
            const issues = issuesOf({ "msk-lambda:network": { azCount: 2 }, "msk-lambda:cluster": { azCount: 3 } });
            assert.deepStrictEqual(
                issues.map((i) => [i.key, i.message]),
                [["msk-lambda:cluster.azCount", "3 is more than the network's 2 private subnets: use 2"]],
            );
        });

        it("defaults the cluster's AZs to 3, or 2 in a 2-AZ network; brokers = brokersPerAz × cluster AZs", async () => {
            const r = await runStack({ network: { azCount: 6 }, cluster: { brokersPerAz: 2 }, consumers: [] });
            const msk = r.one("aws:msk/cluster:Cluster");
            assert.strictEqual(msk.inputs.brokerNodeGroupInfo.clientSubnets.length, 3);
            assert.strictEqual(msk.inputs.numberOfBrokerNodes, 6);
        });
    });

    describe("failure destinations are reachable from the cluster's VPC", () => {
        it("creates the SNS interface and S3 gateway endpoints in nat mode (the prod shape)", async () => {
            const r = await runStack({
                environment: "prod",
                network: { mode: "nat", azCount: 3 },
                consumers: [
                    { name: "a", topic: "a", onFailure: { type: "s3" } },
                    { name: "b", topic: "b", onFailure: { type: "sns" } },
                ],
            });
            const eps = r.ofType("aws:ec2/vpcEndpoint:VpcEndpoint");
            assert.deepStrictEqual(eps.map((e) => e.inputs.serviceName).sort(), ["com.amazonaws.us-east-1.s3", "com.amazonaws.us-east-1.sns"]);
            // Each mapping waits for its destination's endpoint: Lambda checks the path when it creates the mapping.
            for (const [consumer, service] of [
                ["a", "s3"],
                ["b", "sns"],
            ]) {
                const mapping = r.one("aws:lambda/eventSourceMapping:EventSourceMapping", `consumer-${consumer}-mapping`);
                assert.ok(mapping.dependencies.includes(eps.find((e) => e.inputs.serviceName.endsWith(`.${service}`))!.urn));
            }
        });

        it("refuses an S3 destination in existing mode with endpoints but no privateRouteTableIds", () => {
            const issues = issuesOf({
                "msk-lambda:network": {
                    mode: "existing",
                    vpcId: "vpc-0123456789abcdef0",
                    privateSubnetIds: ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"],
                    endpoints: true,
                },
                "msk-lambda:consumers": [
                    { name: "a", topic: "a" },
                    { name: "b", topic: "b", onFailure: { type: "s3" } },
                ],
            });
            assert.deepStrictEqual(
                issues.map((i) => i.key),
                ["msk-lambda:network.privateRouteTableIds"],
            );
            assert.match(
                issues[0].message,
                /is required: msk-lambda:consumers\[1\]\.onFailure is an S3 bucket, .*S3 gateway endpoint on the private subnets' route tables/,
            );
        });
    });

    describe("the default consumer group id", () => {
        it("depends only on project, stack and consumer name: not on the consumer's position, topic or other settings", async () => {
            const one = await runStack({ consumers: [{ name: "orders", topic: "orders" }] }, { stack: "dev" });
            const two = await runStack(
                {
                    consumers: [
                        { name: "audit", topic: "audit" },
                        { name: "orders", topic: "orders", batchSize: 500, startingPosition: "TRIM_HORIZON" },
                    ],
                },
                { stack: "dev" },
            );
            const group = (r: Run) =>
                r.one("aws:lambda/eventSourceMapping:EventSourceMapping", "consumer-orders-mapping").inputs.amazonManagedKafkaEventSourceConfig.consumerGroupId;
            assert.strictEqual(group(one), "msk-lambda-dev-orders");
            assert.strictEqual(group(two), "msk-lambda-dev-orders");
            const otherStack = await runStack({ consumers: [{ name: "orders", topic: "orders" }] }, { stack: "prod" });
            assert.strictEqual(group(otherStack), "msk-lambda-prod-orders");
        });
    });
});
