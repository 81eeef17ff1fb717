/**
 * The pack survives any input: a seeded fuzz test sends thousands of generated resources of every type the pack
 * inspects, with missing fields, wrong types, nulls, unknowns at every depth, huge strings, malformed JSON, garbage
 * PEM, binary data, duplicate URNs and dependencies on absent resources, through `Analyze` and `AnalyzeStack`. Every
 * call must answer (violation, preview note, not-applicable or pass): zero gRPC errors.
 *
 * Then the hostile shapes that once stalled or broke it (tests/helpers/hostile.ts: a long IAM pattern, long ARNs,
 * 130,000 statements, 240 groups with colliding names, deep nesting): every call answers, each policy sends at most
 * MAX_DIAGNOSTICS_PER_RESOURCE diagnostics per resource plus one summary line, messages stay short, and the
 * violations each shape contains are still reported.
 */
import * as assert from "assert";
import { PackServer, type AnalysisResult, type AnalyzerInput, type Diagnostic } from "../plan/analyzer";
import { DEFECTS, Mutator, resourceOf, rng, templates, TYPES, withDefect, type Defect } from "./helpers/generate";
import { hostileShapes } from "./helpers/hostile";
import { nestedPropertiesField } from "./helpers/nested";
import { pack } from "./helpers/pack";
import { pki } from "./helpers/pki";
import { policies } from "../policies/policies";
import { MAX_DIAGNOSTICS_PER_RESOURCE, MAX_MESSAGE_CHARS } from "../policies/rules/common";

const SEED = 20261122;
/** Policies that judge one resource (Analyze); the others judge the stack (AnalyzeStack). */
const RESOURCE_POLICIES = new Set(policies.filter((p) => "validateResource" in p).map((p) => p.name));
const PER_TYPE = 70; // x 29 types = 2,030 Analyze cases
const STACKS = 40;
const GROUPS_PER_STACK = 2; // whole consumer groups (every type, one index) so references resolve

describe("policy pack fuzz", function () {
    this.timeout(120000);

    /** The mandatory verdicts of a stack, Analyze (each resource) and AnalyzeStack together: "policy urn", each once. */
    async function mandatory(server: PackServer, stack: AnalyzerInput[]): Promise<string[]> {
        const out = new Set<string>();
        for (const d of (await server.analyzeStack(stack)).diagnostics) if (d.enforcementLevel === "mandatory") out.add(`${d.policy} ${d.urn}`);
        const each = await Promise.all(stack.map(async (r) => ({ r, a: await server.analyze(r) })));
        for (const { r, a } of each) for (const d of a.diagnostics) if (d.enforcementLevel === "mandatory") out.add(`${d.policy} ${r.urn}`);
        return [...out].sort();
    }
    const group = (t: Record<string, Record<string, unknown>>, name: string) => TYPES.map((type) => resourceOf(type, name, t[type]));
    const expected = (d: Defect, name: string) => d.on.map((type) => `${d.policy} ${resourceOf(type, name, {}).urn}`).sort();

    it("draws no mandatory violation on generated valid groups, alone or several in one stack", async () => {
        const p = pki();
        const pem = { chain: p.chain, key: p.clientKey };
        const server = await pack();
        await server.configure({});
        for (let i = 0; i < 4; i++) assert.deepStrictEqual(await mandatory(server, group(templates(i, pem), `v${i}`)), [], `group ${i}`);
        const several = [0, 1, 2].flatMap((i) => group(templates(10 + i, pem), `w${i}`));
        assert.deepStrictEqual(await mandatory(server, several), []);
    });

    it("reports each generated defect as its policy on its resource, and nothing else mandatory (every defect)", async () => {
        const p = pki();
        const pem = { chain: p.chain, key: p.clientKey, selfSigned: p.selfSigned, selfSignedKey: p.selfSignedKey };
        const server = await pack();
        await server.configure({});
        let cases = 0;
        // Even and odd groups differ (mTLS or SCRAM secret): defects alternate between them.
        for (const [k, d] of DEFECTS.entries()) {
            const i = d.only ? [4, 5].find((x) => d.only!(x))! : 4 + (k % 2);
            cases++;
            assert.deepStrictEqual(await mandatory(server, group(withDefect(i, pem, d), `d${i}`)), expected(d, `d${i}`), `${d.name} (group ${i})`);
        }
        assert.strictEqual(cases, DEFECTS.length);
    });

    it(`answers every generated resource without a gRPC error, and judges its intact cases right (seed ${SEED})`, async () => {
        const random = rng(SEED);
        const p = pki();
        const pem = { chain: p.chain, key: p.clientKey, selfSigned: p.selfSigned, selfSignedKey: p.selfSignedKey };
        const mutator = new Mutator(random, [p.chain, p.clientKey, p.clientKeyPbes2, p.clientKeyRsa, p.selfSigned]);
        const server = await pack();
        await server.configure({});

        const counts = { cases: 0, analyze: 0, analyzeStack: 0, violations: 0, notes: 0, notApplicable: 0, errors: 0 };
        const errors: string[] = [];
        const wrong: string[] = [];
        const tally = (r: AnalysisResult) => {
            for (const d of r.diagnostics) {
                if (/can't run policy .* during preview/.test(d.message)) counts.notes++;
                else counts.violations++;
            }
            counts.notApplicable += r.notApplicable.length;
        };
        /** Runs a call; `verdicts`, when given, is the exact set of mandatory "policy urn" the answer must hold. */
        const guard = async (what: string, f: () => Promise<AnalysisResult>, verdicts?: { urn?: string; want: string[] }) => {
            try {
                const r = await f();
                tally(r);
                if (verdicts) {
                    const got = [
                        ...new Set(r.diagnostics.filter((d) => d.enforcementLevel === "mandatory").map((d) => `${d.policy} ${d.urn || verdicts.urn}`)),
                    ].sort();
                    if (JSON.stringify(got) !== JSON.stringify(verdicts.want) && wrong.length < 5)
                        wrong.push(`${what}: got ${JSON.stringify(got)}, want ${JSON.stringify(verdicts.want)}`);
                }
            } catch (e) {
                counts.errors++;
                if (errors.length < 5) errors.push(`${what}: ${(e as Error).message.slice(0, 500)}`);
            }
        };

        // Analyze: every type, PER_TYPE variants each, sent in small concurrent batches. One index in four is sent
        // intact (a valid group's resource: no mandatory violation); the others are hostile variants.
        const analyzeCases: { input: AnalyzerInput; intact: boolean }[] = [];
        for (let i = 0; i < PER_TYPE; i++) {
            const t = templates(i, pem);
            for (const type of TYPES)
                analyzeCases.push(
                    i % 4 === 1
                        ? { input: resourceOf(type, `r${i}`, t[type]), intact: true }
                        : { input: resourceOf(type, `r${i}`, mutator.mutate(t[type])), intact: false },
                );
        }
        for (let i = 0; i < analyzeCases.length; i += 16) {
            await Promise.all(
                analyzeCases
                    .slice(i, i + 16)
                    .map((c) => guard(`Analyze ${c.input.type}`, () => server.analyze(c.input), c.intact ? { urn: c.input.urn, want: [] } : undefined)),
            );
        }
        counts.analyze = analyzeCases.length;

        // AnalyzeStack: even stacks are intact (one group carrying one generated defect, one valid group): exactly the
        // defect's verdicts. Odd stacks are mutated, with random (property) dependencies, some on absent URNs, some
        // duplicate URNs and missing parents.
        for (let s = 0; s < STACKS; s++) {
            const stack: AnalyzerInput[] = [];
            let want: string[] | undefined;
            if (s % 2 === 0) {
                const d = DEFECTS.filter((x) => !x.only || x.only(s))[(s / 2) % DEFECTS.length] ?? DEFECTS[0];
                const i = d.only && !d.only(s) ? s + 1 : s;
                stack.push(...group(withDefect(i, pem, d), `s${s}g0`), ...group(templates(s + 101, pem), `s${s}g1`));
                if (RESOURCE_POLICIES.has(d.policy)) {
                    // A resource policy answers in Analyze (AnalyzeStack runs the stack policies): each blamed resource.
                    want = [];
                    for (const r of stack.filter((x) => x.name === `s${s}g0` && d.on.includes(x.type)))
                        await guard(`Analyze ${r.type} (${d.name})`, () => server.analyze(r), { urn: r.urn, want: [`${d.policy} ${r.urn}`] });
                } else want = expected(d, `s${s}g0`);
            } else {
                for (let g = 0; g < GROUPS_PER_STACK; g++) {
                    const t = templates(s * GROUPS_PER_STACK + g, pem);
                    for (const type of TYPES) {
                        const name = random() < 0.03 && stack.length > 0 ? stack[0].name : `s${s}g${g}`; // some duplicate URNs
                        stack.push(resourceOf(type, name, mutator.mutate(t[type])));
                    }
                }
                for (const r of stack) {
                    const deps: Record<string, string[]> = {};
                    for (const prop of Object.keys(r.props).slice(0, 4)) {
                        if (random() < 0.3)
                            deps[prop] = [
                                random() < 0.2 ? "urn:pulumi:gen::other::aws:sqs/queue:Queue::absent" : stack[Math.floor(random() * stack.length)].urn,
                            ];
                    }
                    r.propertyDependencies = deps;
                    r.dependencies = [...new Set(Object.values(deps).flat())];
                    if (random() < 0.1) r.parent = "urn:pulumi:gen::other::msk-lambda:index:Missing::parent";
                }
            }
            counts.analyzeStack += stack.length;
            await guard(`AnalyzeStack #${s}`, () => server.analyzeStack(stack), want && { want: want.sort() });
        }
        counts.cases = counts.analyze + counts.analyzeStack;

        console.log(
            `\n      fuzz: ${counts.cases} cases (${counts.analyze} Analyze, ${counts.analyzeStack} in ${STACKS} AnalyzeStack calls), ${counts.violations} violations, ${counts.notes} preview notes, ${counts.notApplicable} not-applicable, ${counts.errors} errors`,
        );
        assert.ok(counts.analyze >= 2000, `only ${counts.analyze} Analyze cases`);
        assert.deepStrictEqual(errors, []);
        assert.strictEqual(counts.errors, 0);
        assert.deepStrictEqual(wrong, [], "intact cases judged wrong");
        // The mutations must reach the rules' unknown-value paths, or the test proves little.
        assert.ok(counts.notes > 0, "no preview note: unknowns never reached a rule");
        // The pack process is still serving.
        assert.ok((await server.info()).policies.length > 0);
    });

    for (const shape of hostileShapes("test")) {
        it(`answers the hostile shape "${shape.name}" (${shape.detail}) with bounded diagnostics and the right verdict`, async () => {
            const server = await pack();
            await server.configure({});
            const diagnostics: Diagnostic[] = [];
            const errors: string[] = [];
            for (const r of shape.analyze ?? shape.resources) {
                try {
                    diagnostics.push(...(await server.analyze(r)).diagnostics.map((d) => ({ ...d, urn: d.urn || r.urn })));
                } catch (e) {
                    errors.push(`Analyze ${r.type}: ${(e as Error).message.slice(0, 300)}`);
                }
            }
            try {
                diagnostics.push(...(await server.analyzeStack(shape.resources)).diagnostics);
            } catch (e) {
                errors.push(`AnalyzeStack: ${(e as Error).message.slice(0, 300)}`);
            }
            assert.deepStrictEqual(errors, [], "gRPC errors");
            // Bounded: per policy and resource, at most the cap plus one "... and K more" line; no message is huge.
            const perPolicyAndResource = new Map<string, number>();
            for (const d of diagnostics) {
                const key = `${d.policy} ${d.urn}`;
                perPolicyAndResource.set(key, (perPolicyAndResource.get(key) ?? 0) + 1);
                // @pulumi/policy sends the policy's description (at most a few hundred characters) before the message.
                assert.ok(d.message.length <= MAX_MESSAGE_CHARS + 512, `${d.policy}: a message of ${d.message.length} characters`);
            }
            // Analyze and AnalyzeStack are both sent, so a resource may be judged twice (once per call).
            for (const [key, n] of perPolicyAndResource) assert.ok(n <= 2 * (MAX_DIAGNOSTICS_PER_RESOURCE + 1), `${n} diagnostics for ${key}`);
            assert.ok(diagnostics.length <= 40 * shape.resources.length + 100, `${diagnostics.length} diagnostics for ${shape.resources.length} resources`);
            // Right verdict: the violations the shape holds are reported, as mandatory.
            for (const e of shape.expect) {
                assert.ok(
                    diagnostics.some((d) => d.policy === e.policy && d.urn === e.urn && d.enforcementLevel === "mandatory"),
                    `no mandatory ${e.policy} violation on ${e.urn}; got: ${[...new Set(diagnostics.map((d) => d.policy))].join(", ")}`,
                );
            }
            assert.ok(!diagnostics.some((d) => /can't run policy .* during preview/.test(d.message)), "a preview note for known values");
        });
    }

    it("sends at most MAX_DIAGNOSTICS_PER_RESOURCE distinct violations per policy and resource, then one line with the rest's count", async () => {
        // 200 rules on the IAM port, each through its own prefix list from outside the stack (one distinct finding
        // each), every rule sent twice: 400 rules, 200 distinct messages for one security group.
        const distinct = 200;
        const rules = Array.from({ length: distinct }, (_, i) => ({
            protocol: "tcp",
            fromPort: 9098,
            toPort: 9098,
            prefixListIds: [`pl-${String(i).padStart(8, "0")}`],
        }));
        const sg = resourceOf("aws:ec2/securityGroup:SecurityGroup", "many-prefix-lists", { vpcId: "vpc-1", ingress: [...rules, ...rules] });
        const server = await pack();
        await server.configure({});
        const diags = (await server.analyzeStack([sg])).diagnostics.filter((d) => d.policy === "kafka-ingress-prefix-lists");
        const messages = new Set(diags.map((d) => d.message));
        assert.strictEqual(messages.size, diags.length, "a diagnostic was sent twice");
        assert.strictEqual(diags.length, MAX_DIAGNOSTICS_PER_RESOURCE + 1);
        const summary = diags[diags.length - 1].message;
        assert.ok(summary.includes(`\n... and ${distinct - MAX_DIAGNOSTICS_PER_RESOURCE} more violation(s) of this policy on this resource`), summary);
    });

    it("past the protocol's nesting limit (3,000 levels), the request fails in the gRPC layer before any policy runs, and the pack keeps serving", async () => {
        // 3,000 levels: within what the engine forwards (protobuf-go: 10,000 nested messages, 3 per level), past what
        // the pack's google-protobuf decoder reads (about 1,050 levels cold, under 2,000 once optimised). Encoded
        // without recursion: google-protobuf's own encoder would overflow in this process first.
        const request = PackServer.prepareAnalyze(resourceOf("aws:kms/key:Key", "too-deep", { enableKeyRotation: false })).serializeBinary();
        const bytes = new Uint8Array([...request, ...nestedPropertiesField("tags", 3000)]);
        const server = await pack();
        await server.configure({});
        await assert.rejects(server.analyzeEncoded(bytes), /INTERNAL: Error deserializing request/);
        const ok = await server.analyze(resourceOf("aws:kms/key:Key", "after", { enableKeyRotation: false }));
        assert.ok(ok.diagnostics.some((d) => d.policy === "kms-key-rotation"));
        // Below the limit the same request is judged (the decoder, not the pack, sets the limit).
        const shallow = new Uint8Array([...request, ...nestedPropertiesField("tags", 100)]);
        assert.ok((await server.analyzeEncoded(shallow)).diagnostics.some((d) => d.policy === "kms-key-rotation"));
    });
});
