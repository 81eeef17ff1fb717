/**
 * Regression tests for single-point changes in the plan the suite once let through (issue 21): the exit code a PR
 * gate reads, and secrets in what the plan shows. In-process (no `npm run plan` process): the exit code is decided by
 * `exitCodeOf` from the plan document, the same function the CLI returns from.
 */
import * as assert from "assert";
import type { Diagnostic } from "../plan/analyzer";
import { exitCodeOf, type PlanDocument } from "../plan/cli";
import { diffPlans } from "../plan/diff";
import { STATEFUL } from "../plan/replacements";
import { display, forAnalyzer, secretValue, UNKNOWN } from "../plan/values";
import { planDoc, planUrn } from "./helpers/plan-doc";

const urn = planUrn;

function doc(resources: { type: string; name: string; inputs?: Record<string, unknown> }[], violations: Diagnostic[] = []): PlanDocument {
    return planDoc(resources, { pack: "msk-lambda-policies", violations, exemptions: [], guidance: {} });
}

const violation = (level: Diagnostic["enforcementLevel"]): Diagnostic => ({
    policy: "some-policy",
    urn: urn("aws:lambda/function:Function", "f"),
    message: "m",
    enforcementLevel: level,
});

describe("regressions the suite once missed (issue 21): the plan", () => {
    describe("exit codes (plan/cli.ts exitCodeOf)", () => {
        // Generated: every stateful type deleted (blocked) or kept, under every mix of policy verdicts.
        const verdicts: [string, Diagnostic[], number][] = [
            ["no violation", [], 0],
            ["an advisory violation", [violation("advisory")], 0],
            ["a mandatory violation", [violation("mandatory")], 1],
            ["advisory and mandatory violations", [violation("advisory"), violation("mandatory")], 1],
            ["a disabled-level diagnostic", [violation("disabled")], 0],
        ];
        for (const [what, violations, withoutBlock] of verdicts) {
            it(`with ${what}: exit 4 when a stateful resource would be deleted, else ${withoutBlock}`, () => {
                for (const type of Object.keys(STATEFUL)) {
                    const base = doc([{ type, name: "s" }]);
                    const after = doc([], violations);
                    after.diff = diffPlans(base, after);
                    assert.strictEqual(after.diff.blocked.length, 1, type);
                    assert.strictEqual(exitCodeOf(after), 4, `${type} deleted, ${what}`);
                    // Allowed by name: the gate falls back to the policy verdict.
                    after.diff = diffPlans(base, after, ["s"]);
                    assert.strictEqual(exitCodeOf(after), withoutBlock, `${type} deletion allowed, ${what}`);
                }
                // No --against: the policy verdict alone.
                assert.strictEqual(exitCodeOf(doc([], violations)), withoutBlock);
            });
        }
    });

    describe("what `npm run mutate:program` found surviving in plan/diff.ts", () => {
        it("an in-place update of every stateful type (a tag changed) is not blocked: exit 0", () => {
            for (const type of Object.keys(STATEFUL)) {
                const base = doc([{ type, name: "s", inputs: { tags: { team: "a" } } }]);
                const after = doc([{ type, name: "s", inputs: { tags: { team: "b" } } }]);
                after.diff = diffPlans(base, after);
                assert.deepStrictEqual([after.diff.changes[0].op, after.diff.blocked, exitCodeOf(after)], ["update", [], 0], type);
            }
        });
        it("a topic whose partitions would shrink is blocked (exit 4); one that grows is not (exit 0)", () => {
            const topic = (partitionCount: number) => doc([{ type: "aws:msk/topic:Topic", name: "orders", inputs: { partitionCount, replicationFactor: 3 } }]);
            for (const [from, to, code] of [
                [24, 12, 4],
                [24, 23, 4],
                [12, 24, 0],
                [12, 12, 0],
            ] as const) {
                const after = topic(to);
                after.diff = diffPlans(topic(from), after);
                assert.strictEqual(exitCodeOf(after), code, `${from} -> ${to}`);
            }
        });
        it("--allow-replace values that name nothing dangerous are reported unused; the ones that do are not", () => {
            const base = doc([
                { type: Object.keys(STATEFUL)[0], name: "s" },
                { type: "aws:lambda/function:Function", name: "f" },
            ]);
            const after = doc([]);
            const d = diffPlans(base, after, ["s", "f", "nothing", urn(Object.keys(STATEFUL)[0], "s")]);
            assert.deepStrictEqual([d.blocked, d.unusedAllowances], [[], ["f", "nothing"]]);
        });
    });

    describe("secrets never shown (plan/values.ts display)", () => {
        const SIG = "4dabf18193072939515e22adb298388d";
        const OUTPUT_SIG = "d0e6a833031e9bbcd3f4e8bde6ca49a4";
        const PLAIN = "s3cr3t-value-7f1c";
        // Generated: the secret's value as every JSON kind, wrapped as a secret Output or a secret value, at depth 0-2.
        const values: unknown[] = [PLAIN, { password: PLAIN }, [PLAIN], { nested: { list: [PLAIN] } }, `${PLAIN}\n${PLAIN}`];
        const wrappers: [string, (v: unknown) => unknown][] = [
            ["a secret Output", (v) => ({ [SIG]: OUTPUT_SIG, secret: true, value: v, dependencies: [] })],
            ["a secret Output inside a plain Output", (v) => ({ [SIG]: OUTPUT_SIG, value: { [SIG]: OUTPUT_SIG, secret: true, value: v } })],
            ["a secret value", (v) => secretValue(v)],
            ["a secret value inside an Output", (v) => ({ [SIG]: OUTPUT_SIG, value: secretValue(v) })],
        ];
        const places: [string, (x: unknown) => unknown][] = [
            ["at the top", (x) => x],
            ["in an object", (x) => ({ config: { password: x } })],
            ["in an array", (x) => [1, [x]]],
        ];
        it("shows '[secret]' for every secret, however wrapped and wherever it is", () => {
            for (const [wrapper, wrap] of wrappers)
                for (const [place, put] of places)
                    for (const v of values) {
                        const shown = JSON.stringify(display(put(wrap(v))));
                        assert.ok(!shown.includes(PLAIN), `${wrapper} ${place}: ${shown}`);
                        assert.ok(shown.includes("[secret]"), `${wrapper} ${place}: ${shown}`);
                    }
        });
        it("shows plain Output values and unknowns as such (the secret handling is not a blanket redaction)", () => {
            assert.deepStrictEqual(display({ [SIG]: OUTPUT_SIG, value: { a: "x" } }), { a: "x" });
            assert.strictEqual(display({ [SIG]: OUTPUT_SIG }), "[unknown]");
            assert.strictEqual(display(UNKNOWN), "[unknown]");
        });
        it("keeps a secret Output wrapped as a secret for the analyzer when secrets are not unwrapped", () => {
            const out = forAnalyzer({ p: { [SIG]: OUTPUT_SIG, secret: true, value: PLAIN } }, false) as Record<string, unknown>;
            assert.deepStrictEqual(out.p, secretValue(PLAIN));
        });
    });
});
