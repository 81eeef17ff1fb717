import * as assert from "assert";
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { creatableKindsAt } from "../lib/destinations";
import { ConfigError } from "../lib/schema";
import { forAnalyzer } from "../plan/values";
import { policies } from "../policies/policies";
import { DESTINATIONS, type DestinationFacts } from "../policies/lib/public";
import { mappingOf, rolePolicies, runStack } from "./helpers/stack";
import type { Run } from "./helpers/sim";

/**
 * The destination catalogue (policies/lib/destinations.ts) is the only place a destination fact lives: a kind added
 * to it, and to nothing else, is accepted by the config where the catalogue allows it, granted to the execution role
 * with the catalogue's actions, given the catalogue's VPC endpoint, and judged by the policy pack with the same facts.
 * The kind here is made up for the test (a Firehose stream is not a Lambda destination), so nothing else in the
 * repository can know it.
 */
const NEW_KIND: DestinationFacts = {
    kind: "firehose",
    name: "a Firehose stream",
    arn: { service: "firehose", resourcePrefix: "deliverystream/", regional: true, example: "arn:aws:firehose:us-east-1:111122223333:deliverystream/s" },
    fifoSuffix: false,
    allowedIn: ["kafkaOnFailure", "asyncOnFailure"],
    send: [{ action: "firehose:PutRecordBatch", on: "arn" }],
    kms: ["kms:GenerateDataKey"],
    crossAccountKms: ["kms:GenerateDataKey"],
    endpoint: { service: "firehose", type: "Interface" },
    resourceTypes: ["aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream"],
};
const STREAM = "arn:aws:firehose:us-east-1:111122223333:deliverystream/orders-failures";
const KEY = "arn:aws:kms:us-east-1:111122223333:key/11111111-2222-3333-4444-555555555555";
const consumer = (extra: object) => ({ name: "orders", topic: "orders", ...extra });

/** The stack's resources as the pack receives them in AnalyzeStack (state, secrets plain, dependencies as resources). */
function policyResources(r: Run): PolicyResource[] {
    const byUrn = new Map<string, PolicyResource>();
    const out = r.resources.map((x) => {
        const state = Object.keys(x.rawState).length ? x.rawState : x.rawInputs;
        const p = { type: x.type, name: x.name, urn: x.urn, props: forAnalyzer(state) as Record<string, unknown>, propertyDependencies: {}, dependencies: [] };
        byUrn.set(x.urn, p as unknown as PolicyResource);
        return p as unknown as PolicyResource;
    });
    r.resources.forEach((x, i) => {
        const deps: Record<string, PolicyResource[]> = {};
        for (const [k, urns] of Object.entries(x.propertyDependencies)) deps[k] = urns.map((u) => byUrn.get(u)).filter((d): d is PolicyResource => !!d);
        (out[i] as unknown as { propertyDependencies: Record<string, PolicyResource[]> }).propertyDependencies = deps;
    });
    return out;
}

/** Every stack policy of the pack, run in this process (so it reads the catalogue as this test changed it). */
function judge(resources: PolicyResource[]): { policy: string; message: string }[] {
    const found: { policy: string; message: string }[] = [];
    for (const p of policies as unknown as StackValidationPolicy[]) {
        if (!p.validateStack || p.enforcementLevel !== "mandatory") continue;
        const args = { resources, getConfig: () => ({}) } as unknown as Parameters<NonNullable<StackValidationPolicy["validateStack"]>>[0];
        try {
            void p.validateStack(args, (message: string) => found.push({ policy: p.name, message }));
        } catch (e) {
            // A policy that cannot decide says so (unknown values); the planned stack has none.
            found.push({ policy: p.name, message: `threw ${(e as Error).message}` });
        }
    }
    return found;
}

describe("destination catalogue: a kind added there alone", function () {
    this.timeout(120_000);
    let planned: Run;

    before(async () => {
        (DESTINATIONS as Record<string, DestinationFacts>).firehose = NEW_KIND;
        planned = await runStack({ consumers: [consumer({ onFailure: { arn: STREAM, kmsKeyArn: KEY } })] });
    });
    after(() => {
        delete (DESTINATIONS as Record<string, DestinationFacts>).firehose;
    });

    it("is accepted by the config where the catalogue allows it, and named in the messages where it does not", async () => {
        assert.strictEqual(mappingOf(planned).inputs.destinationConfig.onFailure.destinationArn, STREAM);
        await assert.rejects(
            runStack({ consumers: [consumer({ asyncDestinations: { onSuccess: { arn: STREAM } } })] }),
            (e: Error) =>
                e instanceof ConfigError && /asyncDestinations\.onSuccess\.arn: .* is not allowed here/.test(e.message) && !/Firehose/.test(e.message),
        );
        await assert.rejects(runStack({ consumers: [consumer({ onFailure: { arn: "arn:aws:lambda:us-east-1:111122223333:function:f" } })] }), (e: Error) =>
            /onFailure\.arn: .*an S3 bucket or a Firehose stream/.test(e.message),
        );
    });

    it("is granted to the execution role with the catalogue's send and key actions", () => {
        assert.deepStrictEqual(rolePolicies(planned).destinations, [
            { Sid: "SendFailureRecords", Effect: "Allow", Action: "firehose:PutRecordBatch", Resource: STREAM },
            { Sid: "EncryptFailureRecords", Effect: "Allow", Action: ["kms:GenerateDataKey"], Resource: KEY },
        ]);
    });

    it("gets the catalogue's VPC endpoint in the cluster's VPC", () => {
        const endpoint = planned.ofType("aws:ec2/vpcEndpoint:VpcEndpoint").find((e) => e.inputs.serviceName === "com.amazonaws.us-east-1.firehose");
        assert.ok(endpoint, "no firehose endpoint");
        assert.strictEqual(endpoint.inputs.vpcEndpointType, "Interface");
        assert.ok(mappingOf(planned).dependencies.includes(endpoint.urn), "the mapping does not wait for the endpoint");
    });

    it("is judged clean by the pack as planned, and each missing fact is reported with the catalogue's words", () => {
        const resources = policyResources(planned);
        assert.deepStrictEqual(judge(resources), []);

        // Without the endpoint: destination-endpoint-in-cluster-vpc names the kind's service.
        const noEndpoint = resources.filter(
            (x) => !(x.type === "aws:ec2/vpcEndpoint:VpcEndpoint" && x.props.serviceName === "com.amazonaws.us-east-1.firehose"),
        );
        const endpointProblems = judge(noEndpoint);
        assert.deepStrictEqual(
            endpointProblems.map((p) => p.policy),
            ["destination-endpoint-in-cluster-vpc"],
        );
        assert.match(endpointProblems[0].message, /is a Firehose stream, .* no usable firehose endpoint.*com\.amazonaws\.<region>\.firehose/);

        // Without the send grant: destination-kms-grants names the catalogue's action.
        const noGrant = resources.map((x) =>
            x.type === "aws:iam/rolePolicy:RolePolicy" && x.name.endsWith("-destinations")
                ? ({
                      ...x,
                      props: {
                          ...x.props,
                          policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "kms:GenerateDataKey", Resource: KEY }] }),
                      },
                  } as PolicyResource)
                : x,
        );
        const grantProblems = judge(noGrant);
        assert.deepStrictEqual([...new Set(grantProblems.map((p) => p.policy))], ["destination-kms-grants"]);
        assert.match(grantProblems[0].message, /firehose:PutRecordBatch/);
    });

    it("is refused by the pack where the catalogue does not allow it (an async on-success destination)", () => {
        const resources = policyResources(planned);
        const fn = resources.find((x) => x.type === "aws:lambda/function:Function")!;
        const invoke = {
            type: "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig",
            name: "invoke",
            urn: "urn:pulumi:test::msk-lambda::aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig::invoke",
            props: { functionName: fn.props.name, destinationConfig: { onSuccess: { destination: STREAM } } },
            propertyDependencies: { functionName: [fn] },
            dependencies: [],
        } as unknown as PolicyResource;
        const problems = judge([...resources, invoke]).filter((p) => p.policy === "destination-types");
        assert.strictEqual(problems.length, 1, JSON.stringify(problems));
        assert.match(problems[0].message, /is a Firehose stream \("arn:aws:firehose/);
        assert.ok(!/Firehose stream/.test(problems[0].message.slice(problems[0].message.indexOf("Lambda accepts"))));
    });
});

/**
 * Every pair of async destinations the stack can create (each catalogue kind Lambda accepts on failure × each on
 * success), planned as a first preview (ARNs unknown) and as an up: the pack judges each clean. An invoke config's
 * onFailure and onSuccess share one property's dependencies, so a rule reading the resources behind it must not judge
 * one destination by its sibling's type (a mandatory false positive once S3 became an async on-failure kind).
 */
describe("destination catalogue: every async destination pair", function () {
    this.timeout(240_000);
    const pairs = creatableKindsAt("asyncOnFailure").flatMap((f) => creatableKindsAt("asyncOnSuccess").map((s) => [f, s] as const));
    const consumers = pairs.map(([f, s], i) =>
        consumer({ name: `c${i}`, topic: "orders", idempotency: { enabled: false }, asyncDestinations: { onFailure: { type: f }, onSuccess: { type: s } } }),
    );

    for (const preview of [true, false]) {
        it(`plans ${pairs.length} pairs ${preview ? "in a first preview" : "on up"} with no mandatory violation`, async () => {
            const r = await runStack({ consumers }, { preview });
            const found = judge(policyResources(r)).filter((p) => !p.message.startsWith("threw "));
            assert.deepStrictEqual(found, []);
        });
    }
});
