/**
 * Verdicts of policies/rules/network.ts that `npm run mutate:pack -- --mutate policies/rules/network.ts` found no test
 * deciding (issue 21; bench/mutation.md). Each stack differs from its twin in one value; the assertion is the policy
 * and the resources it names.
 */
import * as assert from "assert";
import { CLUSTER_ARN, check, of, res, UNKNOWN, type Res } from "./helpers/pack";

const SG = "aws:ec2/securityGroup:SecurityGroup";
const CLUSTER = "aws:msk/cluster:Cluster";
const RULE = "aws:ec2/securityGroupRule:SecurityGroupRule";

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

/** `[enforcement, urn]` of one policy's diagnostics (a stack policy's preview note names no resource: its urn is ""). */
async function verdict(stack: Res[], policy: string): Promise<[string, string][]> {
    return of(await check(stack), policy).map((d) => [d.enforcementLevel, d.urn]);
}

/** A standalone ingress rule on a group outside the stack (EC2 id `sg`). */
const rule = (name: string, sg: string, cidr: string, port = 9096) =>
    res(RULE, name, { type: "ingress", securityGroupId: sg, protocol: "tcp", fromPort: port, toPort: port, cidrBlocks: [cidr] });

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

    it("a rule on an MSK port whose protocol is not known yet: a preview note, no violation", async () => {
        const g = res(SG, "a", { id: "sg-a", vpcId: "vpc-1", ingress: [{ protocol: UNKNOWN, fromPort: 9096, toPort: 9096, cidrBlocks: ["10.0.0.0/8"] }] });
        assert.deepStrictEqual(await verdict([g], "no-public-kafka-ingress"), [["advisory", ""]]);
    });

    it("a group whose ingress list is not known yet: a preview note, no violation", async () => {
        const g = res(SG, "a", { id: "sg-a", vpcId: "vpc-1", ingress: UNKNOWN });
        assert.deepStrictEqual(await verdict([g], "no-public-kafka-ingress"), [["advisory", ""]]);
    });

    it("a rule on 443 (no MSK port) whose CIDRs are not known yet: nothing to note", async () => {
        const g = res(SG, "a", { id: "sg-a", vpcId: "vpc-1", ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: UNKNOWN }] });
        assert.deepStrictEqual(await verdict([g], "no-public-kafka-ingress"), []);
    });

    it("a group outside the stack open to the world through one rule: the rule is named", async () => {
        const r = rule("r", "sg-outside", "0.0.0.0/0");
        assert.deepStrictEqual(await named([r]), [r.urn]);
    });

    it("clusters whose group ids concatenate alike ('a' + 'bid:c', 'aid:b' + 'c') are judged apart: only the open one", async () => {
        const open = [rule("r1", "a", "0.0.0.0/1"), rule("r2", "bid:c", "128.0.0.0/1")];
        const c1 = res(CLUSTER, "c1", {
            clusterName: "c1",
            kafkaVersion: "3.6.0",
            brokerNodeGroupInfo: { clientSubnets: ["subnet-1"], securityGroups: ["a", "bid:c"] },
        });
        const c2 = res(CLUSTER, "c2", {
            clusterName: "c2",
            kafkaVersion: "3.6.0",
            brokerNodeGroupInfo: { clientSubnets: ["subnet-1"], securityGroups: ["aid:b", "c"] },
        });
        assert.deepStrictEqual(await named([...open, c1, c2]), [c1.urn]);
    });

    describe("kafka-ingress-prefix-lists", () => {
        it("a group admitting a private CIDR on an MSK port, no prefix list: nothing to review", async () => {
            assert.deepStrictEqual(await verdict([group("a", 9096, "10.0.0.0/8")], "kafka-ingress-prefix-lists"), []);
        });
        it("a prefix list outside the stack on an MSK port: the advisory on the group; on 443: nothing", async () => {
            const on = (port: number) =>
                res(SG, "a", {
                    id: "sg-a",
                    vpcId: "vpc-1",
                    ingress: [{ protocol: "tcp", fromPort: port, toPort: port, prefixListIds: ["pl-0123456789abcdef0"] }],
                });
            const g = on(9096);
            assert.deepStrictEqual(await verdict([g], "kafka-ingress-prefix-lists"), [["advisory", g.urn]]);
            assert.deepStrictEqual(await verdict([on(443)], "kafka-ingress-prefix-lists"), []);
        });
    });
});
