/**
 * The same verdict in three shapes: every shipped stack and its other modes (existing network, existing cluster,
 * mTLS), each with mutations that break one relation, and the pack's own generated test stacks, judged by the pack
 * over the protocol as preview inputs, as state (an audit policy group) and as discovered resources (an account scan:
 * no program URNs, parents, property dependencies or dependsOn). State and discovered must give the same mandatory
 * verdict (policy and resource); preview too, except where a policy's documented reason (PREVIEW_CANNOT_JUDGE,
 * policies/README.md "Three shapes") says a first preview cannot know the value, and then the preview says so.
 */
import * as assert from "assert";
import type { AnalyzerInput, Diagnostic } from "../plan/analyzer";
import { policyConfigFor } from "../plan/policy";
import type { SimulationResult } from "../plan/simulate";
import { pack } from "./helpers/pack";
import { pki } from "./helpers/pki";
import { resourceOf, templates, violatingTemplates } from "./helpers/generate";
import { discovered, SHAPES, shapes, simulateStack, verdict, type Shape, type ShapedStack } from "./helpers/shapes";

/**
 * Policies whose verdict a first preview cannot give, and why (the same reasons policies/README.md documents): the
 * values they compare exist only after creation. In preview they send @pulumi/policy's advisory "can't run during
 * preview" note for the resource instead.
 */
const PREVIEW_CANNOT_JUDGE: Record<string, string> = {
    "msk-mapping-role-permissions": "the cluster's, topic's and group's ARNs the role must name are computed at creation",
    "destination-kms-grants": "the destination's and its key's ARNs the role must name are computed at creation",
};

type Mutation = (rs: AnalyzerInput[]) => AnalyzerInput[];
const edit =
    (type: string, f: (p: Record<string, unknown>) => Record<string, unknown>): Mutation =>
    (rs) =>
        rs.map((r) => (r.type === type ? { ...r, props: f(structuredClone(r.props)) } : r));
const without =
    (prefix: string): Mutation =>
    (rs) =>
        rs.filter((r) => !r.type.startsWith(prefix));

/** Mutations that each break one relation or setting, applied alike to every shape. */
const MUTATIONS: Record<string, Mutation> = {
    "as shipped": (rs) => rs,
    "the cluster VPC's endpoints removed": without("aws:ec2/vpcEndpoint:"),
    "the roles' inline policies removed": without("aws:iam/rolePolicy:"),
    "functions time out after 900 s": edit("aws:lambda/function:Function", (p) => ({ ...p, timeout: 900 })),
    "keys do not rotate": edit("aws:kms/key:Key", (p) => ({ ...p, enableKeyRotation: false })),
    "every mapping in one consumer group": edit("aws:lambda/eventSourceMapping:EventSourceMapping", (p) => ({
        ...p,
        amazonManagedKafkaEventSourceConfig: { consumerGroupId: "same" },
    })),
    "keys trust another account only": edit("aws:kms/key:Key", (p) => ({
        ...p,
        policy: JSON.stringify({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::999999999999:root" }, Action: "kms:*", Resource: "*" }],
        }),
    })),
    "queues are FIFO": edit("aws:sqs/queue:Queue", (p) => ({ ...p, fifoQueue: true, name: `${p.name}.fifo` })),
    "bucket versioning removed": without("aws:s3/bucketVersioning"),
};

const CA = "arn:aws:acm-pca:us-east-1:111122223333:certificate-authority/11111111-2222-3333-4444-555555555555";

/** Shipped stacks and the other modes and authentications the tests plan (`--config` overrides). */
function variants(): [string, string, [string, string][]][] {
    const p = pki();
    return [
        ["dev", "dev", []],
        ["prod", "prod", []],
        [
            "dev, existing network",
            "dev",
            [
                [
                    "msk-lambda:network",
                    '{"mode":"existing","vpcId":"vpc-0123456789abcdef0","privateSubnetIds":["subnet-0123456789abcdef0","subnet-0123456789abcdef1"]}',
                ],
            ],
        ],
        [
            "dev, existing network and cluster",
            "dev",
            [
                [
                    "msk-lambda:network",
                    '{"mode":"existing","vpcId":"vpc-0123456789abcdef0","privateSubnetIds":["subnet-0123456789abcdef0","subnet-0123456789abcdef1"]}',
                ],
                [
                    "msk-lambda:cluster",
                    '{"existingClusterArn":"arn:aws:kafka:us-east-1:123456789012:cluster/shared/fc2f5bdf-fd1b-45ad-85dd-15b4a5a6247e-2","authentication":"iam"}',
                ],
            ],
        ],
        [
            "dev, mTLS",
            "dev",
            [
                ["msk-lambda:cluster.authentication", "mtls"],
                ["msk-lambda:cluster.certificateAuthorityArns", `["${CA}"]`],
                ["msk-lambda:mtlsCertificate", p.chain],
                ["msk-lambda:mtlsPrivateKey", p.clientKeyPbes1],
                ["msk-lambda:mtlsPrivateKeyPassword", p.keyPassword],
            ],
        ],
    ];
}

/**
 * Judges shaped stacks, caching `Analyze` answers by resource (shape, URN, properties): a mutation changes a few
 * resources, and resource policies depend on nothing else, so only those are sent again.
 */
class Judge {
    private readonly cache = new Map<string, Diagnostic[]>();
    async run(s: ShapedStack, shape: Shape): Promise<Diagnostic[]> {
        const server = await pack();
        const out: Diagnostic[] = [];
        for (const r of s.analyze) {
            const key = `${shape}\u0000${r.urn}\u0000${JSON.stringify(r.props)}`;
            let d = this.cache.get(key);
            if (!d) {
                d = (await server.analyze(r)).diagnostics.map((x) => ({ ...x, urn: x.urn || r.urn }));
                this.cache.set(key, d);
            }
            out.push(...d);
        }
        out.push(...(await server.analyzeStack(s.analyzeStack)).diagnostics);
        return out;
    }
}

/** Documented policies a preview actually could not judge (each must be, or its entry is stale). */
const excused = new Set<string>();

/** The preview verdict must equal the state verdict, except documented policies, which must then say they could not run. */
function checkPreview(preview: Diagnostic[], state: string[], where: string) {
    const got = verdict(preview);
    const expected = state.filter((line) => !(line.split(" @ ")[0] in PREVIEW_CANNOT_JUDGE));
    assert.deepStrictEqual(
        got.filter((line) => !(line.split(" @ ")[0] in PREVIEW_CANNOT_JUDGE)),
        expected,
        `${where}: preview and state disagree`,
    );
    for (const line of state.filter((l) => l.split(" @ ")[0] in PREVIEW_CANNOT_JUDGE && !got.includes(l))) {
        const policy = line.split(" @ ")[0];
        excused.add(policy);
        assert.ok(
            preview.some((d) => d.policy === policy && d.enforcementLevel === "advisory" && d.message.includes("during preview")),
            `${where}: ${line} is missing in preview without a "can't run during preview" note`,
        );
    }
}

describe("policy pack: the same verdict on preview inputs, state and discovered resources", function () {
    this.timeout(300000);
    const judge = new Judge();
    /** Per mutation, how many mandatory findings it produced over all stacks (each must produce one somewhere). */
    const produced = new Map<string, number>();

    for (const [label, stack, overrides] of variants()) {
        it(`${label}: identical mandatory verdicts for every mutation`, async () => {
            const config = policyConfigFor(stack).config;
            await (await pack()).configure(config);
            const preview: SimulationResult = await simulateStack(stack, overrides, true);
            const update: SimulationResult = await simulateStack(stack, overrides, false);
            for (const [name, mutate] of Object.entries(MUTATIONS)) {
                const shaped = shapes(preview, update, mutate);
                const d = {} as Record<Shape, Diagnostic[]>;
                for (const s of SHAPES) d[s] = await judge.run(shaped[s], s);
                const where = `${label}, ${name}`;
                const state = verdict(d.state);
                assert.deepStrictEqual(verdict(d.discovered), state, `${where}: discovered and state disagree`);
                checkPreview(d.preview, state, where);
                if (name === "as shipped") assert.deepStrictEqual(state, [], `${where}: a shipped stack has no mandatory violation`);
                produced.set(name, (produced.get(name) ?? 0) + state.length);
            }
        });
    }

    it("every mutation breaks a mandatory policy in some stack (no mutation passes vacuously), and every documented preview exception occurs", () => {
        for (const name of Object.keys(MUTATIONS)) if (name !== "as shipped") assert.ok(produced.get(name)! > 0, `${name}: no mandatory finding`);
        assert.deepStrictEqual(
            [...excused].sort(),
            Object.keys(PREVIEW_CANNOT_JUDGE).sort(),
            "PREVIEW_CANNOT_JUDGE lists exactly the policies a preview could not judge",
        );
    });

    it("the pack's generated test stacks (every inspected type, good and breaking one rule per type): same verdict as given and as discovered", async () => {
        const p = pki();
        const pem = { chain: p.chain, key: p.clientKey, selfSigned: p.selfSigned, selfSignedKey: p.selfSignedKey };
        await (await pack()).configure({});
        for (const i of [0, 1]) {
            const given = Object.entries(violatingTemplates(i, pem)).map(([type, props]) => resourceOf(type, `r${i}-${type.split(":").pop()}`, props));
            const asGiven = verdict(await judge.run({ analyze: given, analyzeStack: given }, "state"));
            const disc = given.map(discovered);
            assert.deepStrictEqual(verdict(await judge.run({ analyze: disc, analyzeStack: disc }, "discovered")), asGiven, `templates ${i}`);
            if (i === 1) assert.ok(asGiven.length > 5, "the breaking templates break mandatory policies");
        }
        assert.ok(Object.keys(templates(0, pem)).length > 20);
    });
});
