import * as assert from "assert";
import { checkVpcCidr, cidrsOverlap, clusterSubnetCount, formatCidr, parseCidr, planSubnets } from "../lib/layout";

describe("network layout", () => {
    it("parses and formats canonical CIDR blocks", () => {
        const c = parseCidr("10.20.0.0/16");
        assert.deepStrictEqual(c, { base: (10 << 24) + (20 << 16), prefix: 16 });
        assert.strictEqual(formatCidr(c as any), "10.20.0.0/16");
        assert.strictEqual(formatCidr(parseCidr("255.255.255.240/28") as any), "255.255.255.240/28");
    });

    it("explains what is wrong with a CIDR", () => {
        assert.match(parseCidr("10.0.0.0") as string, /not an IPv4 CIDR/);
        assert.match(parseCidr("10.0.0.1/24") as string, /host bits set: the network address is 10\.0\.0\.0\/24/);
        assert.match(parseCidr("10.0.0.0/33") as string, /above 32/);
        assert.match(checkVpcCidr("10.0.0.0/12")!, /from \/16 to \/28/);
        assert.strictEqual(checkVpcCidr("192.168.0.0/20"), undefined);
    });

    it("gives each AZ one private subnet in privatelink mode, splitting the VPC evenly", () => {
        assert.deepStrictEqual(planSubnets("10.0.0.0/16", 3, "privatelink"), [
            { az: 0, tier: "private", cidrBlock: "10.0.0.0/18" },
            { az: 1, tier: "private", cidrBlock: "10.0.64.0/18" },
            { az: 2, tier: "private", cidrBlock: "10.0.128.0/18" },
        ]);
    });

    it("adds one public subnet per AZ in nat mode, after the private ones", () => {
        const plan = planSubnets("10.30.0.0/16", 3, "nat");
        assert.deepStrictEqual(
            plan.map((p) => `${p.tier}-${p.az} ${p.cidrBlock}`),
            [
                "private-0 10.30.0.0/19",
                "private-1 10.30.32.0/19",
                "private-2 10.30.64.0/19",
                "public-0 10.30.96.0/19",
                "public-1 10.30.128.0/19",
                "public-2 10.30.160.0/19",
            ],
        );
    });

    it("never overlaps subnets and keeps them inside the VPC, for every AZ count and mode", () => {
        for (const mode of ["privatelink", "nat"] as const) {
            for (let az = 2; az <= 6; az++) {
                const plan = planSubnets("172.16.0.0/20", az, mode);
                assert.strictEqual(plan.length, mode === "nat" ? 2 * az : az);
                for (let i = 0; i < plan.length; i++) {
                    assert.ok(cidrsOverlap(plan[i].cidrBlock, "172.16.0.0/20"), `${plan[i].cidrBlock} is outside the VPC`);
                    for (let j = i + 1; j < plan.length; j++) {
                        assert.ok(!cidrsOverlap(plan[i].cidrBlock, plan[j].cidrBlock), `${plan[i].cidrBlock} overlaps ${plan[j].cidrBlock}`);
                    }
                }
            }
        }
    });

    it("refuses a block too small for the AZ count, naming the size that fits", () => {
        assert.throws(() => planSubnets("10.0.0.0/27", 3, "privatelink"), /too small for 3 subnets.*each would be \/29.*\/26 or larger/);
        assert.doesNotThrow(() => planSubnets("10.0.0.0/26", 3, "privatelink"));
    });

    it("detects overlapping blocks", () => {
        assert.ok(cidrsOverlap("10.0.0.0/16", "10.0.255.0/24"));
        assert.ok(!cidrsOverlap("10.0.0.0/16", "10.1.0.0/16"));
    });

    it("places the cluster in at most 3 subnets (MSK supports 2 or 3 client subnets)", () => {
        assert.deepStrictEqual([2, 3, 4, 6].map(clusterSubnetCount), [2, 3, 3, 3]);
    });
});
