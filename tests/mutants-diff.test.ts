/**
 * Surviving mutants of plan/diff.ts (bench/mutation.md) in the lines that decide exit 4 and the `[FAILS ON APPLY]`
 * verdict: the in-place cluster update checks, the in-use check of a replacement that deletes first, and which resources
 * `diffPlans` compares. One problem per case, through `diffPlans` and `exitCodeOf` (the function the plan CLI returns).
 */
import * as assert from "assert";
import { exitCodeOf, type PlanDocument } from "../plan/cli";
import { diffPlans } from "../plan/diff";
import { type DocResource, planDoc } from "./helpers/plan-doc";

const CLUSTER = "aws:msk/cluster:Cluster";
const SG = "aws:ec2/securityGroup:SecurityGroup";
const FUNCTION = "aws:lambda/function:Function";
const CONNECTION = "aws:msk/vpcConnection:VpcConnection";

function doc(resources: DocResource[]): PlanDocument {
    return planDoc(resources, { pack: "msk-lambda-policies", violations: [], exemptions: [], guidance: {} });
}

/** The head plan with its diff against the base, the failing changes' names, and the exit code. */
function verdict(base: DocResource[], head: DocResource[]): { failing: string[]; blocked: string[]; exit: number; doc: PlanDocument } {
    const after = doc(head);
    after.diff = diffPlans(doc(base), after);
    return {
        failing: after.diff.changes.filter((c) => c.fails).map((c) => c.name),
        blocked: after.diff.blocked,
        exit: exitCodeOf(after),
        doc: after,
    };
}

const ops = (d: PlanDocument) => Object.fromEntries(d.diff!.changes.map((c) => [c.name, c.op]));

describe("regressions the suite once missed (issue 21): plan/diff.ts failure checks", () => {
    describe("an in-place update of an MSK cluster (clusterUpdateFailure)", () => {
        const cluster = (instanceType: string, volumeSize?: number, storageInfo?: unknown): DocResource => ({
            type: CLUSTER,
            name: "cluster",
            inputs: {
                clusterName: "kafka",
                brokerNodeGroupInfo: {
                    instanceType,
                    clientSubnets: ["subnet-a", "subnet-b"],
                    securityGroups: ["sg-1"],
                    ...(storageInfo !== undefined ? { storageInfo } : volumeSize ? { storageInfo: { ebsStorageInfo: { volumeSize } } } : {}),
                },
            },
        });

        it("Standard to Express brokers fails on apply: exit 4", () => {
            const v = verdict([cluster("kafka.m7g.large")], [cluster("express.m7g.large")]);
            assert.deepStrictEqual([v.doc.diff!.changes[0].op, v.failing, v.exit], ["update", ["cluster"], 4]);
        });
        it("another Standard broker size (same family, same storage) updates in place: exit 0", () => {
            const v = verdict([cluster("kafka.m5.large", 1000)], [cluster("kafka.m7g.large", 1000)]);
            assert.deepStrictEqual([v.failing, v.exit], [[], 0]);
            assert.deepStrictEqual(v.doc.diff!.counts, { create: 0, delete: 0, update: 1, replace: 0 });
        });
        it("broker storage that shrinks fails on apply: exit 4", () => {
            const v = verdict([cluster("kafka.m7g.large", 1000)], [cluster("kafka.m7g.large", 500)]);
            assert.deepStrictEqual([v.doc.diff!.changes[0].op, v.failing, v.exit], ["update", ["cluster"], 4]);
        });
        it("broker storage that grows updates in place: exit 0", () => {
            const v = verdict([cluster("kafka.m7g.large", 500)], [cluster("kafka.m7g.large", 1000)]);
            assert.deepStrictEqual([v.failing, v.exit], [[], 0]);
        });
        it("a storageInfo without ebsStorageInfo is no storage change to judge: exit 0", () => {
            const v = verdict([cluster("kafka.m5.large", undefined, {})], [cluster("kafka.m7g.large", undefined, {})]);
            assert.deepStrictEqual([v.failing, v.exit], [[], 0]);
        });
    });

    describe("a replacement that deletes first, while something refers to it (inUseFailure)", () => {
        // The security group keeps its name and its VPC, so the provider deletes it first; its description is create-only.
        const sg = (description: string): DocResource => ({ type: SG, name: "sg", inputs: { name: "kafka-sg", vpcId: "vpc-1", description } });
        const fn: DocResource = {
            type: FUNCTION,
            name: "f",
            inputs: { name: "f", vpcConfig: { securityGroupIds: ["sg"] } },
            deps: { vpcConfig: [`${SG}|sg`] },
        };
        const conn = (subnet: string): DocResource => ({
            type: CONNECTION,
            name: "conn",
            inputs: { clientSubnets: [subnet], securityGroups: ["sg"], targetClusterArn: "arn:aws:kafka:eu-west-1:1:cluster/k/1", vpcId: "vpc-1" },
            deps: { securityGroups: [`${SG}|sg`] },
        });

        it("a function that stays (updated in place) still uses the group: fails on apply, exit 4", () => {
            const v = verdict([sg("a"), fn], [sg("b"), fn]);
            assert.deepStrictEqual([v.failing, v.exit], [["sg"], 4]);
        });
        it("its only user is replaced too (a VPC connection's create-only securityGroups): exit 0", () => {
            const v = verdict([sg("a"), conn("subnet-a")], [sg("b"), conn("subnet-a")]);
            assert.deepStrictEqual(ops(v.doc), { conn: "replace", sg: "replace" });
            assert.deepStrictEqual([v.failing, v.exit], [[], 0]);
        });
        it("its only user is created by this update: exit 0", () => {
            const v = verdict([sg("a")], [sg("b"), conn("subnet-a")]);
            assert.deepStrictEqual([v.failing, v.exit], [[], 0]);
        });
        it("a type AWS deletes while in use (an IAM role a function stays on) replaced first-deleted: exit 0", () => {
            const role = (path: string): DocResource => ({ type: "aws:iam/role:Role", name: "role", inputs: { name: "consumer", path } });
            const user: DocResource = { type: FUNCTION, name: "f", inputs: { name: "f", role: "arn" }, deps: { role: ["aws:iam/role:Role|role"] } };
            const v = verdict([role("/a/"), user], [role("/b/"), user]);
            assert.deepStrictEqual(ops(v.doc), { role: "replace", f: "update" });
            assert.deepStrictEqual([v.failing, v.exit], [[], 0]);
        });
    });

    describe("what diffPlans compares", () => {
        it("the stack and the program's components are not resources: identical plans with them have no changes", () => {
            const same: DocResource[] = [
                { type: "pulumi:pulumi:Stack", name: "msk-lambda-test" },
                { type: "msk-lambda:index:KafkaCluster", name: "kafka" },
                { type: FUNCTION, name: "f" },
            ];
            const d = diffPlans(doc(same), doc(same));
            assert.deepStrictEqual([d.changes, d.blocked], [[], []]);
        });
    });
});
