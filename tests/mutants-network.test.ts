/**
 * Verdicts of policies/rules/network.ts that `npm run mutate:pack -- --mutate policies/rules/network.ts` found no test
 * deciding (issue 21; bench/mutation.md). Each stack differs from its twin in one value; the assertion is the policy
 * and the resources it names.
 */
import * as assert from "assert";
import { CLUSTER_ARN, check, of, res } from "./helpers/pack";

const SG = "aws:ec2/securityGroup:SecurityGroup";
const CLUSTER = "aws:msk/cluster:Cluster";

const group = (name: string, port: number, cidr: string) =>
    res(SG, name, { id: `sg-${name}`, vpcId: "vpc-1", ingress: [{ protocol: "tcp", fromPort: port, toPort: port, cidrBlocks: [cidr] }] });
const cluster = (groups: string[]) =>
    res(CLUSTER, "cluster", {
        clusterName: "c",
        arn: CLUSTER_ARN,
        kafkaVersion: "3.6.0",
        brokerNodeGroupInfo: { clientSubnets: ["subnet-1"], securityGroups: groups },
    });

async function named(stack: ReturnType<typeof res>[]): Promise<string[]> {
    return [...new Set(of(await check(stack), "no-public-kafka-ingress", "mandatory").map((d) => d.urn))].sort();
}

describe("rules/network.ts: verdicts mutation testing found undecided (issue 21)", function () {
    this.timeout(60000);

    it("a group open to the world alone is named, not again the cluster whose groups include it", async () => {
        const open = group("a", 9096, "0.0.0.0/0");
        const closed = group("b", 9096, "10.0.0.0/8");
        const c = cluster(["sg-a", "sg-b"]);
        assert.deepStrictEqual(await named([open, closed, c]), [open.urn]);
    });

    it("two groups that together admit the world on a port MSK does not use (443): no violation; on 9096: the cluster", async () => {
        const on = (port: number) => [group("a", port, "0.0.0.0/1"), group("b", port, "128.0.0.0/1"), cluster(["sg-a", "sg-b"])];
        assert.deepStrictEqual(await named(on(443)), []);
        const msk = on(9096);
        assert.deepStrictEqual(await named(msk), [msk[2].urn]);
    });
});
