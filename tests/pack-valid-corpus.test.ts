/**
 * Never block a valid stack (issue 17 §5): a corpus of realistic valid Kafka → Lambda stacks, generated from choices
 * (every source kind, every on-failure destination the Lambda docs allow for a Kafka mapping, every pair of async
 * destinations "Capturing records of Lambda asynchronous invocations" allows), each sent through the Analyzer protocol:
 * zero mandatory diagnostics. The choices are covered pairwise (every source with every mapping destination, every
 * async pair), each in both providers (aws-native for every resource type the pack's adapters read), so the corpus
 * stays a few dozen stacks.
 */
import * as assert from "assert";
import type { Diagnostic } from "../plan/analyzer";
import { pack, type Res } from "./helpers/pack";
import { ASYNC_FAILURE, ASYNC_SUCCESS, MAPPING_DESTINATIONS, SOURCES, validStack, type Choice } from "./helpers/valid-stack";

/** Every source × mapping destination and every async (failure, success) pair, each in at least one stack. */
export function corpus(): Choice[] {
    const pairs = SOURCES.flatMap((source) => MAPPING_DESTINATIONS.map((onFailure) => ({ source, onFailure })));
    const asyncPairs = ASYNC_FAILURE.flatMap((asyncFailure) => ASYNC_SUCCESS.map((asyncSuccess) => ({ asyncFailure, asyncSuccess })));
    const n = Math.max(pairs.length, asyncPairs.length);
    const out: Choice[] = [];
    // Providers alternate (aws-native: every resource type the pack's adapters read), so each source kind and each
    // mapping destination is seen in both.
    for (let i = 0; i < n; i++)
        out.push({ provider: (i + Math.floor(i / 4)) % 2 ? "aws-native" : "aws", ...pairs[i % pairs.length], ...asyncPairs[i % asyncPairs.length] });
    return out;
}

/** Like helpers/pack `check` (Analyze of each resource, AnalyzeStack of all), with the Analyze calls in flight together. */
async function checkAll(resources: Res[]): Promise<Diagnostic[]> {
    const s = await pack();
    const each = await Promise.all(resources.map((r) => s.analyze(r)));
    const out = each.flatMap((a, i) => a.diagnostics.map((d) => ({ ...d, urn: d.urn || resources[i].urn })));
    return [...out, ...(await s.analyzeStack(resources)).diagnostics];
}

describe("policy pack: never block a valid stack (generated corpus)", function () {
    this.timeout(180000);
    it("covers every source kind, mapping destination and async destination pair, in both providers", () => {
        const c = corpus();
        assert.ok(validStack(c.find((x) => x.provider === "aws-native")!).all.some((r) => r.type === "aws-native:lambda:EventSourceMapping"));
        for (const s of SOURCES)
            for (const d of MAPPING_DESTINATIONS)
                assert.ok(
                    c.some((x) => x.source === s && x.onFailure === d),
                    `${s} × ${d}`,
                );
        for (const f of ASYNC_FAILURE)
            for (const s of ASYNC_SUCCESS)
                assert.ok(
                    c.some((x) => x.asyncFailure === f && x.asyncSuccess === s),
                    `${f} + ${s}`,
                );
        for (const p of ["aws", "aws-native"]) {
            for (const s of SOURCES)
                assert.ok(
                    c.some((x) => x.provider === p && x.source === s),
                    `${p} × ${s}`,
                );
            for (const d of MAPPING_DESTINATIONS)
                assert.ok(
                    c.some((x) => x.provider === p && x.onFailure === d),
                    `${p} × ${d}`,
                );
        }
    });
    it("gives no mandatory diagnostic on any stack of the corpus", async () => {
        const failures: string[] = [];
        await (await pack()).configure({});
        for (const choice of corpus()) {
            const stack = validStack(choice);
            const d = (await checkAll(stack.all)).filter((x) => x.enforcementLevel === "mandatory");
            for (const x of d) failures.push(`${JSON.stringify(choice)}: ${x.policy} on ${x.urn}: ${x.message.split("\n").slice(1).join(" ").slice(0, 400)}`);
        }
        assert.deepStrictEqual(failures, []);
    });
});
