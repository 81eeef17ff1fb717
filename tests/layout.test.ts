import * as assert from "assert";
import { checkVpcCidr, cidrsOverlap, clusterSubnetCount, formatCidr, parseCidr, planSubnets, subnetCidr } from "../lib/layout";

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

    it("gives each AZ one private subnet of 1/16 of the VPC in privatelink mode, from the first slot", () => {
        assert.deepStrictEqual(planSubnets("10.0.0.0/16", 3, "privatelink"), [
            { az: 0, tier: "private", cidrBlock: "10.0.0.0/20" },
            { az: 1, tier: "private", cidrBlock: "10.0.16.0/20" },
            { az: 2, tier: "private", cidrBlock: "10.0.32.0/20" },
        ]);
    });

    it("adds one public subnet per AZ in nat mode, in the second half of the VPC", () => {
        const plan = planSubnets("10.30.0.0/16", 3, "nat");
        assert.deepStrictEqual(
            plan.map((p) => `${p.tier}-${p.az} ${p.cidrBlock}`),
            [
                "private-0 10.30.0.0/20",
                "private-1 10.30.16.0/20",
                "private-2 10.30.32.0/20",
                "public-0 10.30.128.0/20",
                "public-1 10.30.144.0/20",
                "public-2 10.30.160.0/20",
            ],
        );
    });

    it("keeps every subnet's CIDR when AZs are added or the mode changes: a CIDR depends on tier and AZ index only", () => {
        for (const vpc of ["10.20.0.0/16", "172.16.0.0/20", "192.168.4.0/24"]) {
            const layouts = [];
            for (const mode of ["privatelink", "nat"] as const) for (let az = 2; az <= 6; az++) layouts.push(planSubnets(vpc, az, mode));
            const seen = new Map<string, string>();
            for (const layout of layouts) {
                for (const s of layout) {
                    const key = `${s.tier}-${s.az}`;
                    assert.strictEqual(seen.get(key) ?? s.cidrBlock, s.cidrBlock, `${vpc}: ${key} moved`);
                    seen.set(key, s.cidrBlock);
                    assert.strictEqual(subnetCidr(vpc, s.tier, s.az), s.cidrBlock);
                }
            }
            // 2 AZs privatelink -> 3 AZs nat: the old subnets are all still there, unchanged.
            const before = planSubnets(vpc, 2, "privatelink").map((s) => s.cidrBlock);
            const after = planSubnets(vpc, 3, "nat").map((s) => s.cidrBlock);
            assert.deepStrictEqual(
                before.filter((c) => !after.includes(c)),
                [],
            );
            assert.strictEqual(after.length - before.length, 4);
        }
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
        assert.throws(
            () => planSubnets("10.0.0.0/25", 2, "privatelink"),
            /10\.0\.0\.0\/25 is too small: each subnet is 1\/16 of the VPC block.*here \/29.*use a \/24 or larger block/,
        );
        assert.doesNotThrow(() => planSubnets("10.0.0.0/24", 6, "nat"));
        assert.deepStrictEqual(
            planSubnets("10.0.0.0/24", 6, "nat")
                .map((s) => s.cidrBlock)
                .slice(5, 7),
            ["10.0.0.80/28", "10.0.0.128/28"],
        );
    });

    it("detects overlapping blocks", () => {
        assert.ok(cidrsOverlap("10.0.0.0/16", "10.0.255.0/24"));
        assert.ok(!cidrsOverlap("10.0.0.0/16", "10.1.0.0/16"));
    });

    it("places the cluster in at most 3 subnets (MSK supports 2 or 3 client subnets)", () => {
        assert.deepStrictEqual([2, 3, 4, 6].map(clusterSubnetCount), [2, 3, 3, 3]);
    });
});
