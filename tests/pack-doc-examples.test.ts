/**
 * Issue 25, "What to build": the pack on the stacks teams copy from the providers' API documentation. Every TypeScript
 * example of every type the pack reads is extracted from the installed `@pulumi/aws` and `@pulumi/aws-native`
 * (scripts/doc-examples.ts). The Kafka ones are assembled into stacks as a team would copy them (each example's code
 * unchanged, its undeclared names bound to other examples' resources or to declarations written here) and run under
 * the plan's mock runtime; each stack's verdict is asserted: the mandatory policies that must fire, and those that must
 * not, each with the AWS fact behind it. Every other example is in the review ledger with the reason it is not
 * assembled. A provider upgrade that brings an example neither assembled nor in the ledger fails the first test.
 */
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import type { Diagnostic } from "../plan/analyzer";
import { docExamples, type DocExample } from "../scripts/doc-examples";
import { runStack, type Step } from "./helpers/doc-examples";
import { pack } from "./helpers/pack";
import * as aws from "@pulumi/aws";
import { REVIEWED } from "./fixtures/doc-examples-reviewed";

const EXAMPLES = new Map<string, DocExample>(docExamples().map((e) => [e.id, e]));

const MSK_BASIC = "aws:msk/cluster:Cluster :: Basic";
const ESM_MSK = "aws:lambda/eventSourceMapping:EventSourceMapping :: Amazon MSK";
const ESM_SELF = "aws:lambda/eventSourceMapping:EventSourceMapping :: Self-Managed Apache Kafka";
const SERVERLESS = "aws:msk/serverlessCluster:ServerlessCluster :: Example Usage";
const CONFIGURATION = "aws:msk/configuration:Configuration :: Example Usage";
const INVOKE_MULTIPLE = "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig :: Multiple Destination Types";

/** The consumer a team declares for the mapping examples: a function whose role has AWS's managed MSK execution policy. */
function consumer(name: string): Record<string, unknown> {
    const role = new aws.iam.Role(`${name}-role`, {
        assumeRolePolicy: JSON.stringify({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
        }),
        managedPolicyArns: ["arn:aws:iam::aws:policy/service-role/AWSLambdaMSKExecutionRole"],
    });
    const fn = new aws.lambda.Function(name, {
        role: role.arn,
        runtime: "nodejs20.x",
        handler: "index.handler",
        timeout: 60,
        code: new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset("exports.handler = async () => {};") }),
    });
    return { fn, role };
}

interface Verdict {
    /** Mandatory policies that must fire, each with the fact and the resource name it must point at. */
    fires: { policy: string; on: string; fact: string; says?: RegExp }[];
    /** Mandatory policies that must not fire (on resources of type `onType`, when given), each with the fact that makes the stack right there. */
    mustNot: { policy: string; fact: string; onType?: string }[];
}

interface CorpusStack {
    name: string;
    steps: Step[];
    verdict: Verdict;
}

const STACKS: CorpusStack[] = [
    {
        name: "MSK cluster 'Basic' + mapping 'Amazon MSK' (+ a consumer function)",
        steps: [
            { example: MSK_BASIC },
            {
                example: ESM_MSK,
                bind: (s) => ({ exampleAwsMskCluster: s[MSK_BASIC].example, exampleAwsLambdaFunction: consumer("consumer").fn }),
            },
        ],
        verdict: {
            fires: [
                {
                    policy: "kafka-network-path",
                    on: "sg",
                    fact: "Lambda/MSK \"Network configuration\": inbound and outbound on the broker port for the event source's groups; the example's group has no rule at all",
                },
                { policy: "msk-no-unauthenticated-access", on: "example", fact: "no clientAuthentication: MSK enables unauthenticated access" },
                { policy: "msk-mapping-limits", on: "example", fact: 'Lambda API, Topics: "Maximum number of 1 item" (the example lists 2)' },
                {
                    policy: "msk-mapping-on-failure-destination",
                    on: "example",
                    fact: '"Capturing discarded batches": without an on-failure destination discarded batches leave no record',
                },
            ],
            mustNot: [
                { policy: "msk-encryption-in-transit", fact: "encryptionInTransit absent: MSK's defaults are TLS and in-cluster encryption" },
                { policy: "msk-no-public-access", fact: "no connectivityInfo: public access is DISABLED by default" },
                { policy: "msk-mapping-auth-mechanism", fact: "no access configuration: IAM (none is a valid MSK choice)" },
                { policy: "kafka-starting-position", fact: "TRIM_HORIZON is a starting position Lambda accepts for Kafka" },
                { policy: "msk-function-timeout", fact: "the declared function's 60 s timeout is under Lambda/MSK's 14 minutes" },
                { policy: "no-public-kafka-ingress", fact: "the example's group admits nothing" },
            ],
        },
    },
    {
        name: "mapping 'Self-Managed Apache Kafka' in the 'Basic' example's subnets and group",
        steps: [
            { example: MSK_BASIC },
            {
                example: ESM_SELF,
                bind: (s) => ({
                    example1: s[MSK_BASIC].subnetAz1,
                    example2: s[MSK_BASIC].subnetAz2,
                    exampleAwsSecurityGroup: s[MSK_BASIC].sg,
                    exampleAwsLambdaFunction: consumer("consumer").fn,
                }),
            },
        ],
        verdict: {
            fires: [
                {
                    policy: "self-managed-kafka-authentication",
                    on: "example",
                    fact: "no SASL/SCRAM, SASL/PLAIN or mTLS access configuration: the brokers admit any client (refused for MSK alike)",
                },
                {
                    policy: "kafka-network-path",
                    on: "example",
                    fact: 'Lambda API, SourceAccessConfiguration: URI "subnet:<subnet id>"; the example writes `subnet:${example1.id}` around an Output, which gives its toString warning text, not the id',
                },
            ],
            mustNot: [
                { policy: "msk-mapping-auth-mechanism", fact: "VPC_SUBNET and VPC_SECURITY_GROUP are self-managed Kafka's access types" },
                { policy: "kafka-starting-position", fact: "TRIM_HORIZON is valid" },
                { policy: "kafka-mapping-poller-groups", fact: "provisioned mode 10-100 pollers with a poller group name is within Lambda's limits" },
            ],
        },
    },
    {
        name: "'ServerlessCluster' in the 'Basic' example's VPC + mapping 'Amazon MSK'",
        steps: [
            { example: MSK_BASIC },
            {
                example: SERVERLESS,
                bind: (s) => ({
                    exampleAwsSubnet: [s[MSK_BASIC].subnetAz1, s[MSK_BASIC].subnetAz2, s[MSK_BASIC].subnetAz3],
                    exampleAwsSecurityGroup: s[MSK_BASIC].sg,
                }),
            },
            { example: ESM_MSK, bind: (s) => ({ exampleAwsMskCluster: s[SERVERLESS].example, exampleAwsLambdaFunction: consumer("consumer").fn }) },
        ],
        verdict: {
            fires: [
                { policy: "kafka-network-path", on: "sg", fact: "MSK Serverless listens for IAM on 9098: the group admits nothing" },
                { policy: "msk-mapping-limits", on: "example", fact: "two topics where Lambda reads one" },
            ],
            mustNot: [
                { policy: "kafka-auth-matches-cluster", fact: "no secret on a Serverless (IAM-only) cluster: Lambda uses IAM" },
                {
                    policy: "msk-no-unauthenticated-access",
                    fact: "MSK Serverless has IAM access control only",
                    onType: "aws:msk/serverlessCluster:ServerlessCluster",
                },
            ],
        },
    },
    {
        name: "'Configuration' (kafkaVersions 2.1.0) used by the 'Basic' example's 3.8 cluster settings",
        steps: [
            { example: MSK_BASIC },
            {
                example: CONFIGURATION,
                // A team points a cluster like 'Basic' (kafkaVersion 3.8.x, SASL/SCRAM) at the configuration.
                after: (s) => {
                    const basic = s[MSK_BASIC];
                    const config = s[CONFIGURATION].example as { arn: unknown; latestRevision: unknown };
                    new aws.msk.Cluster("team", {
                        clusterName: "team",
                        kafkaVersion: "3.8.x",
                        numberOfBrokerNodes: 3,
                        brokerNodeGroupInfo: {
                            instanceType: "kafka.m5.large",
                            clientSubnets: [basic.subnetAz1, basic.subnetAz2, basic.subnetAz3].map((x) => (x as { id: pulumi.Output<string> }).id),
                            securityGroups: [(basic.sg as { id: pulumi.Output<string> }).id],
                        },
                        clientAuthentication: { sasl: { scram: true } },
                        configurationInfo: { arn: config.arn as pulumi.Output<string>, revision: config.latestRevision as pulumi.Output<number> },
                    });
                },
            },
        ],
        verdict: {
            fires: [
                {
                    policy: "msk-configuration-kafka-version",
                    on: "team",
                    fact: 'MSK API reference, Configuration: "You can use this configuration for an MSK cluster only if the Apache Kafka version specified for the cluster appears in this array"',
                },
            ],
            mustNot: [
                {
                    policy: "msk-acl-default-deny",
                    fact: "the example's properties do not set allow.everyone.if.no.acl.found=true (MSK's default is only advised)",
                },
            ],
        },
    },
    {
        name: "'Multiple Destination Types' (EventBridge on failure, S3 on success) for a declared function",
        steps: [
            {
                example: INVOKE_MULTIPLE,
                // The example reads `functionName` (a data source's attribute): the declared function's name.
                bind: () => ({
                    bucketSuffix: { hex: "a1b2c3d4" },
                    exampleAwsLambdaFunction: { functionName: (consumer("consumer").fn as { name: unknown }).name },
                }),
            },
        ],
        verdict: {
            fires: [
                {
                    policy: "destination-types",
                    on: "example",
                    fact: 'Lambda "Capturing records of Lambda asynchronous invocations": an S3 bucket is a destination for failed invocations only',
                    // Issue 25 §4: the message names the destination's role (on success), not "on-failure".
                    says: /The async on-success destination of 'example'/,
                },
            ],
            mustNot: [{ policy: "no-fifo-destinations", fact: "neither destination is FIFO" }],
        },
    },
];

const ASSEMBLED = new Set(STACKS.flatMap((s) => s.steps.map((x) => x.example)));

async function verdictOf(stack: CorpusStack, preview = false): Promise<{ diagnostics: Diagnostic[]; names: Map<string, string> }> {
    const { inputs, state } = await runStack(EXAMPLES, stack.steps, preview);
    const s = await pack();
    const diagnostics: Diagnostic[] = [];
    for (const r of inputs) diagnostics.push(...(await s.analyze(r)).diagnostics.map((d) => ({ ...d, urn: d.urn || r.urn })));
    diagnostics.push(...(await s.analyzeStack(state)).diagnostics);
    return { diagnostics, names: new Map(inputs.map((r) => [r.urn, r.name])) };
}

describe("policy pack: the providers' documentation examples, as teams copy them (issue 25)", function () {
    this.timeout(120000);
    before(async () => (await pack()).configure({}));

    it("judges every TypeScript example of every type the pack reads: assembled into a stack, or reviewed with a reason", () => {
        assert.ok(EXAMPLES.size > 150, String(EXAMPLES.size));
        const unjudged = [...EXAMPLES.keys()].filter((id) => !ASSEMBLED.has(id) && !(id in REVIEWED));
        assert.deepStrictEqual(unjudged, [], "new documentation examples to judge (assemble them into a stack, or add them to the ledger with a reason)");
        const gone = Object.keys(REVIEWED).filter((id) => !EXAMPLES.has(id));
        assert.deepStrictEqual(gone, [], "ledger entries whose example the installed providers no longer carry");
        for (const [id, reason] of Object.entries(REVIEWED)) assert.ok(reason.length > 20, id);
    });

    for (const stack of STACKS) {
        it(stack.name, async () => {
            const { diagnostics, names } = await verdictOf(stack);
            const mandatory = diagnostics.filter((d) => d.enforcementLevel === "mandatory");
            for (const f of stack.verdict.fires) {
                const hit = mandatory.filter((d) => d.policy === f.policy);
                assert.ok(hit.length > 0, `${f.policy} must fire (${f.fact}); got ${JSON.stringify(mandatory.map((d) => d.policy))}`);
                assert.ok(
                    hit.some((d) => names.get(d.urn) === f.on),
                    `${f.policy} must point at '${f.on}': ${JSON.stringify(hit.map((d) => names.get(d.urn)))}`,
                );
                if (f.says)
                    assert.ok(
                        hit.some((d) => f.says!.test(d.message)),
                        `${f.policy}: ${JSON.stringify(hit.map((d) => d.message))}`,
                    );
            }
            for (const n of stack.verdict.mustNot)
                assert.deepStrictEqual(
                    mandatory
                        .filter((d) => d.policy === n.policy && (!n.onType || d.urn.includes(`::${n.onType}::`) || d.urn.includes(`$${n.onType}::`)))
                        .map((d) => d.message),
                    [],
                    `${n.policy} must not fire: ${n.fact}`,
                );
        });
    }

    it("judges the first stack's network the same way in a first preview (ids unknown, references by dependency)", async () => {
        const { diagnostics, names } = await verdictOf(STACKS[0], true);
        const path = diagnostics.filter((d) => d.policy === "kafka-network-path");
        assert.deepStrictEqual(
            path.map((d) => [d.enforcementLevel, names.get(d.urn)]),
            [
                ["mandatory", "sg"],
                ["mandatory", "sg"],
            ],
        );
    });
});
