/**
 * Verdicts of policies/rules/delivery.ts's endpoint half (`endpointFor`, `destination-endpoint-in-cluster-vpc`,
 * `endpointInPollerSubnets`, `destination-delivery-outside-stack`) and the key policy's resource, which `npm run
 * mutate:pack -- --mutate policies/rules/delivery.ts` found no test deciding (issue 21; bench/mutation/rules-delivery.md
 * lists each survivor and why the others are equivalent). Each stack has one problem (or none: the valid twin); the
 * assertion is the policy, its enforcement level and the resource it names, never the message text.
 */
import * as assert from "assert";
import { ACCOUNT, check, CLUSTER_ARN, of, res, UNKNOWN, type Res } from "./helpers/pack";
import { ESM, mskMapping, selfManagedMapping } from "./helpers/mappings";

const EP = "destination-endpoint-in-cluster-vpc";
const OUT = "destination-delivery-outside-stack";
const SUBNET = "aws:ec2/subnet:Subnet";
const RT = "aws:ec2/routeTable:RouteTable";
const QUEUE_ARN = `arn:aws:sqs:us-east-1:${ACCOUNT}:failures`;
const TOPIC_ARN = `arn:aws:sns:us-east-1:${ACCOUNT}:failures`;
const BUCKET_ARN = "arn:aws:s3:::failures-bucket";
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/consumer-role`;

/** A VPC `vpc-<n>` with the given subnets; each subnet on its own route table `rtb-<subnet>` unless `assoc` is false. */
function vpc(n: string, subnetIds: string[], assoc = true) {
    const v = res("aws:ec2/vpc:Vpc", `vpc-${n}`, { cidrBlock: "10.0.0.0/16", id: `vpc-${n}` });
    const subnets = subnetIds.map((id) => res(SUBNET, id, { vpcId: `vpc-${n}`, id }));
    const tables = subnetIds.map((id) => res(RT, `rt-${id}`, { vpcId: `vpc-${n}`, id: `rtb-${id}` }));
    const assocs = subnetIds.map((id) =>
        res("aws:ec2/routeTableAssociation:RouteTableAssociation", `assoc-${id}`, { subnetId: id, routeTableId: `rtb-${id}` }),
    );
    return { tables, all: [v, ...subnets, ...tables, ...(assoc ? assocs : [])] };
}

/** The MSK cluster CLUSTER_ARN, with brokers in `subnets`. */
const cluster = (subnets: string[]) =>
    res("aws:msk/cluster:Cluster", "cluster", {
        clusterName: "shared",
        arn: CLUSTER_ARN,
        clientAuthentication: { sasl: { iam: true } },
        brokerNodeGroupInfo: { clientSubnets: subnets, securityGroups: ["sg-1"] },
    });

/** A VPC endpoint for `service` in `vpcId` (default vpc-a); properties set to undefined are left out. */
const endpoint = (name: string, service: string, props: Record<string, unknown>, deps: Record<string, Res[]> = {}) =>
    res(
        "aws:ec2/vpcEndpoint:VpcEndpoint",
        name,
        Object.fromEntries(Object.entries({ vpcId: "vpc-a", serviceName: `com.amazonaws.us-east-1.${service}`, ...props }).filter(([, v]) => v !== undefined)),
        deps,
    );
const INTERFACE = { vpcEndpointType: "Interface", privateDnsEnabled: true };

const onFailure = (destinationArn: unknown) => ({ destinationConfig: { onFailure: { destinationArn } } });

/** The MSK mapping `m` (cluster in vpc-a's subnets a0, a1) with on-failure destination `dest`, and `extra` resources. */
function msk(extra: Res[], dest: unknown = QUEUE_ARN, deps: Res[] = []) {
    const m = mskMapping("m", onFailure(dest), deps.length ? { destinationConfig: deps } : {});
    return { m, all: [...vpc("a", ["subnet-a0", "subnet-a1"]).all, cluster(["subnet-a0", "subnet-a1"]), ...extra, ...deps, m] };
}

/** A self-managed mapping whose pollers use `subnets` (VPC_SUBNET), with on-failure destination `dest`. */
const selfManaged = (name: string, subnets: string[], dest: string) =>
    selfManagedMapping(name, {
        sourceAccessConfigurations: [
            ...subnets.map((s) => ({ type: "VPC_SUBNET", uri: `subnet:${s}` })),
            { type: "VPC_SECURITY_GROUP", uri: "security_group:sg-1" },
        ],
        ...onFailure(dest),
    });

/** One policy's diagnostics as "level urn" (a stack policy's preview note names no resource: "advisory "), sorted. */
async function verdict(stack: Res[], policy: string): Promise<string[]> {
    return [...new Set(of(await check(stack), policy).map((d) => `${d.enforcementLevel} ${d.urn}`))].sort();
}
const NOTE = ["advisory "];

describe("rules/delivery.ts: endpoint verdicts mutation testing found undecided (issue 21)", function () {
    this.timeout(60000);

    describe(`${EP}: endpointFor`, () => {
        it("the valid twin: an SQS interface endpoint with private DNS in the cluster's VPC passes", async () => {
            assert.deepStrictEqual(await verdict(msk([endpoint("sqs", "sqs", INTERFACE)]).all, EP), []);
        });
        it("an SQS interface endpoint whose serviceName is not known yet: a preview note, no violation", async () => {
            assert.deepStrictEqual(await verdict(msk([endpoint("sqs", "sqs", { ...INTERFACE, serviceName: UNKNOWN })]).all, EP), NOTE);
        });
        it("an SQS interface endpoint whose vpcEndpointType is not known yet: a preview note, no violation", async () => {
            assert.deepStrictEqual(await verdict(msk([endpoint("sqs", "sqs", { ...INTERFACE, vpcEndpointType: UNKNOWN })]).all, EP), NOTE);
        });
        it("an SQS interface endpoint whose privateDnsEnabled is not known yet: a preview note, no violation", async () => {
            assert.deepStrictEqual(await verdict(msk([endpoint("sqs", "sqs", { ...INTERFACE, privateDnsEnabled: UNKNOWN })]).all, EP), NOTE);
        });
        it(`an SNS interface endpoint with private DNS does not serve an SQS destination: ${EP} on the mapping`, async () => {
            const s = msk([endpoint("sns", "sns", INTERFACE)]);
            assert.deepStrictEqual(await verdict(s.all, EP), [`mandatory ${s.m.urn}`]);
        });
        it(`an interface endpoint with no serviceName is no SQS endpoint: ${EP} on the mapping`, async () => {
            const s = msk([endpoint("sqs", "sqs", { ...INTERFACE, serviceName: undefined })]);
            assert.deepStrictEqual(await verdict(s.all, EP), [`mandatory ${s.m.urn}`]);
        });
        it(`an SQS endpoint of type Gateway on the cluster subnets' route tables: ${EP} on the mapping (SQS needs an interface endpoint)`, async () => {
            const s = msk([endpoint("sqs", "sqs", { vpcEndpointType: "Gateway", routeTableIds: ["rtb-subnet-a0", "rtb-subnet-a1"] })]);
            assert.deepStrictEqual(await verdict(s.all, EP), [`mandatory ${s.m.urn}`]);
        });
        it("an S3 gateway endpoint whose routeTableIds is not known yet (no dependency): a preview note, no violation", async () => {
            assert.deepStrictEqual(
                await verdict(msk([endpoint("s3", "s3", { vpcEndpointType: "Gateway", routeTableIds: UNKNOWN })], BUCKET_ARN).all, EP),
                NOTE,
            );
        });
        it("an S3 gateway endpoint whose routeTableIds is not known yet but depends on the subnets' route tables: passes, no note", async () => {
            const tables = vpc("a", ["subnet-a0", "subnet-a1"]).tables;
            const s = msk([endpoint("s3", "s3", { vpcEndpointType: "Gateway", routeTableIds: UNKNOWN }, { routeTableIds: tables })], BUCKET_ARN);
            assert.deepStrictEqual(await verdict(s.all, EP), []);
        });
        it("an S3 gateway endpoint on a route table, where the subnets' route tables are not known (no association, no main table): a preview note", async () => {
            const e = endpoint("s3", "s3", { vpcEndpointType: "Gateway", routeTableIds: ["rtb-subnet-a0"] });
            const m = mskMapping("m", onFailure(BUCKET_ARN));
            const stack = [...vpc("a", ["subnet-a0"], false).all, cluster(["subnet-a0"]), e, m];
            assert.deepStrictEqual(await verdict(stack, EP), NOTE);
        });
        it("an S3 gateway endpoint on the table a MainRouteTableAssociation makes main (beside a DefaultRouteTable): passes", async () => {
            const v = res("aws:ec2/vpc:Vpc", "vpc-m", { cidrBlock: "10.0.0.0/16", id: "vpc-m", defaultRouteTableId: "rtb-default" });
            const stack = [
                v,
                res(SUBNET, "subnet-m0", { vpcId: "vpc-m", id: "subnet-m0" }),
                res("aws:ec2/defaultRouteTable:DefaultRouteTable", "default-rt", { defaultRouteTableId: "rtb-default" }),
                res(RT, "rt-x", { vpcId: "vpc-m", id: "rtb-x" }),
                res("aws:ec2/mainRouteTableAssociation:MainRouteTableAssociation", "main", { vpcId: "vpc-m", routeTableId: "rtb-x" }),
                cluster(["subnet-m0"]),
                endpoint("s3", "s3", { vpcId: "vpc-m", vpcEndpointType: "Gateway", routeTableIds: ["rtb-x"] }),
                mskMapping("m", onFailure(BUCKET_ARN)),
            ];
            assert.deepStrictEqual(await verdict(stack, EP), []);
        });
    });

    describe(`${EP}: which destinations, subnets and VPCs`, () => {
        it(`a destination not known yet depending on a function and a queue (the function first), no SQS endpoint: ${EP} on the mapping`, async () => {
            const fn = res("aws:lambda/function:Function", "next", { name: "next", arn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:next`, role: ROLE_ARN });
            const queue = res("aws:sqs/queue:Queue", "failures", { name: "failures", arn: QUEUE_ARN });
            const s = msk([], UNKNOWN, [fn, queue]);
            assert.deepStrictEqual(await verdict(s.all, EP), [`mandatory ${s.m.urn}`]);
        });
        it("a destination not known yet with no dependency: a preview note, no violation", async () => {
            assert.deepStrictEqual(await verdict(msk([], UNKNOWN).all, EP), NOTE);
        });
        it("a destination not known yet depending on an EventBridge bus (no endpoint to ask for; destination-types refuses it): nothing", async () => {
            const bus = res("aws:cloudwatch/eventBus:EventBus", "bus", { name: "failures", arn: `arn:aws:events:us-east-1:${ACCOUNT}:event-bus/failures` });
            assert.deepStrictEqual(await verdict(msk([], UNKNOWN, [bus]).all, EP), []);
        });
        it("a DynamoDB table ARN as destination (destination-types refuses it): nothing, not even a note", async () => {
            assert.deepStrictEqual(await verdict(msk([], `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/failures`).all, EP), []);
        });
        it("a Kinesis mapping's on-failure destination not known yet: nothing, not even a note", async () => {
            const kinesis = res(ESM, "kinesis", {
                eventSourceArn: `arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/in`,
                functionName: "f",
                startingPosition: "LATEST",
                ...onFailure(UNKNOWN),
            });
            assert.deepStrictEqual(await verdict([kinesis], EP), []);
        });
        it("cluster subnets whose VPC is not known yet: a preview note, no violation", async () => {
            const subnet = res(SUBNET, "subnet-u0", { vpcId: UNKNOWN, id: "subnet-u0" });
            assert.deepStrictEqual(await verdict([subnet, cluster(["subnet-u0"]), mskMapping("m", onFailure(QUEUE_ARN))], EP), NOTE);
        });
        it("pollers in two VPCs, each with an S3 gateway endpoint on its own subnet's route table: passes (each VPC judged by its subnets)", async () => {
            const a = vpc("a", ["subnet-a0"]);
            const b = vpc("b", ["subnet-b0"]);
            const stack = [
                ...a.all,
                ...b.all,
                endpoint("s3-a", "s3", { vpcEndpointType: "Gateway", routeTableIds: ["rtb-subnet-a0"] }),
                endpoint("s3-b", "s3", { vpcId: "vpc-b", vpcEndpointType: "Gateway", routeTableIds: ["rtb-subnet-b0"] }),
                selfManaged("sm", ["subnet-a0", "subnet-b0"], BUCKET_ARN),
            ];
            assert.deepStrictEqual(await verdict(stack, EP), []);
        });
        it(`two mappings in one VPC, the S3 gateway endpoint on the first one's subnet only: ${EP} on the second`, async () => {
            const first = selfManaged("first", ["subnet-a0"], BUCKET_ARN);
            const second = selfManaged("second", ["subnet-a1"], BUCKET_ARN);
            const e = endpoint("s3", "s3", { vpcEndpointType: "Gateway", routeTableIds: ["rtb-subnet-a0"] });
            assert.deepStrictEqual(await verdict([...vpc("a", ["subnet-a0", "subnet-a1"]).all, e, first, second], EP), [`mandatory ${second.urn}`]);
        });
    });

    describe(`${OUT}: cluster VPCs outside the stack, and endpointInPollerSubnets`, () => {
        it("an MSK cluster with its subnets in the stack and an SQS endpoint there: nothing to say", async () => {
            assert.deepStrictEqual(await verdict(msk([endpoint("sqs", "sqs", INTERFACE)]).all, OUT), []);
        });
        it("a self-managed mapping whose VPC_SUBNET subnets are in the stack, with an SNS endpoint there: nothing to say", async () => {
            const stack = [...vpc("a", ["subnet-a0"]).all, endpoint("sns", "sns", INTERFACE), selfManaged("sm", ["subnet-a0"], TOPIC_ARN)];
            assert.deepStrictEqual(await verdict(stack, OUT), []);
        });
        it("a Kinesis mapping's SQS on-failure destination: nothing to say (no Kafka cluster)", async () => {
            const kinesis = res(ESM, "kinesis", {
                eventSourceArn: `arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/in`,
                functionName: "f",
                startingPosition: "LATEST",
                ...onFailure(QUEUE_ARN),
            });
            assert.deepStrictEqual(await verdict([kinesis], OUT), []);
        });
        // The pollers' subnet subnet-0fff is outside the stack; an endpoint in it that serves SNS would quiet the advisory.
        const inOutsideSubnet: [string, Record<string, unknown>][] = [
            ["an SQS interface endpoint with private DNS (another service)", { serviceName: "com.amazonaws.us-east-1.sqs", ...INTERFACE }],
            ["an SNS endpoint with no vpcEndpointType (a Gateway by default)", { privateDnsEnabled: true }],
            ["an interface endpoint with no serviceName", { serviceName: undefined, ...INTERFACE }],
        ];
        for (const [what, props] of inOutsideSubnet) {
            it(`a self-managed mapping's subnet outside the stack holding ${what}: ${OUT} on the mapping`, async () => {
                const e = endpoint("ep", "sns", { vpcId: "vpc-0fff", subnetIds: ["subnet-0fff"], ...props });
                const sm = selfManaged("sm", ["subnet-0fff"], TOPIC_ARN);
                assert.deepStrictEqual(await verdict([e, sm], OUT), [`advisory ${sm.urn}`]);
            });
        }
        it(`a destination not known yet depending on a function and a queue whose key is an alias not in the stack: ${OUT} on the queue (and the mapping)`, async () => {
            const fn = res("aws:lambda/function:Function", "next", { name: "next", arn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:next`, role: ROLE_ARN });
            const queue = res("aws:sqs/queue:Queue", "failures", { name: "failures", arn: QUEUE_ARN, kmsMasterKeyId: "alias/failures-key" });
            const m = mskMapping("m", onFailure(UNKNOWN), { destinationConfig: [fn, queue] });
            assert.deepStrictEqual(await verdict([fn, queue, m], OUT), [`advisory ${queue.urn}`, `advisory ${m.urn}`].sort());
        });
    });

    describe("destination-key-policy: the resource a key policy is read for", () => {
        const KEY_ID = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";
        const KEY_ARN = `arn:aws:kms:us-east-1:${ACCOUNT}:key/${KEY_ID}`;
        /** mapping → function → role; an SQS destination with a key whose policy allows the role Decrypt and GenerateDataKey on `resource`. */
        function stack(resource: string): { key: Res; all: Res[] } {
            const role = res("aws:iam/role:Role", "role", { name: "consumer-role", arn: ROLE_ARN, assumeRolePolicy: "{}" });
            const fnArn = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:consumer`;
            const fn = res("aws:lambda/function:Function", "fn", { name: "consumer", arn: fnArn, role: ROLE_ARN }, { role: [role] });
            const policy = JSON.stringify({
                Version: "2012-10-17",
                Statement: [{ Effect: "Allow", Principal: { AWS: ROLE_ARN }, Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: resource }],
            });
            const key = res("aws:kms/key:Key", "key", { arn: KEY_ARN, keyId: KEY_ID, id: KEY_ID, enableKeyRotation: true, policy });
            const queue = res("aws:sqs/queue:Queue", "failures", { name: "failures", arn: QUEUE_ARN, kmsMasterKeyId: KEY_ARN }, { kmsMasterKeyId: [key] });
            const m = mskMapping("m", { functionName: fnArn, ...onFailure(QUEUE_ARN) }, { functionName: [fn] });
            return { key, all: [role, fn, key, queue, m] };
        }
        it("a statement whose Resource is the key's own ARN: passes", async () => {
            assert.deepStrictEqual(await verdict(stack(KEY_ARN).all, "destination-key-policy"), []);
        });
        it("a statement whose Resource is another key's ARN: destination-key-policy on the key", async () => {
            const s = stack(`arn:aws:kms:us-east-1:${ACCOUNT}:key/other`);
            assert.deepStrictEqual(await verdict(s.all, "destination-key-policy"), [`mandatory ${s.key.urn}`]);
        });
    });
});
