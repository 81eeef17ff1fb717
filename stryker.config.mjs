// @ts-check
/**
 * `npm run mutate:program`: mutation testing (StrykerJS) of the plan's diff and replacement rules and the program's
 * retention and consumer-config logic, each mutant run against the tests that cover it (MUTATE_TESTS, comma
 * separated, overrides the test files). Incremental: results are kept in reports/stryker-incremental.json
 * (git-ignored), so a second run re-tests only mutants whose code or covering tests changed. Not part of `npm test`.
 *
 * Runner: @stryker-mutator/mocha-runner, in one long-lived mocha process: mutants are switched inside it, and per-test
 * coverage (`coverageAnalysis: "perTest"`) runs each mutant against only the tests that reach its code. Its 10.1.1
 * release cannot load Mocha 12 on its own (Mocha's CLI internals are now `.cjs`; stryker-js pull request #6205):
 * scripts/mocha12-cjs.cjs, preloaded below into Stryker and its workers, resolves those files. StrykerJS 10 needs
 * Node 22 or later (README, "Mutation testing", shows how to get one without root).
 */
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const shim = fileURLToPath(new URL("./scripts/mocha12-cjs.cjs", import.meta.url));
createRequire(import.meta.url)(shim);
// Stryker's test-runner and checker processes inherit the environment: the shim there too.
if (!process.env.NODE_OPTIONS?.includes(shim)) process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ""} --require ${shim}`.trim();

/** The test files of a run: MUTATE_TESTS (comma separated) or the given defaults. */
export function testFiles(/** @type {string[]} */ defaults) {
    return process.env.MUTATE_TESTS?.split(",") ?? defaults;
}

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
    packageManager: "npm",
    testRunner: "mocha",
    // .mocharc.json (ts-node, the pack helper's root hooks) with these spec files.
    mochaOptions: {
        spec: testFiles([
            "tests/mutants-consumer-config.test.ts",
            "tests/mutants-plan.test.ts",
            "tests/mutants-diff.test.ts",
            "tests/mutants-diff-render.test.ts",
            "tests/replacements.test.ts",
            "tests/retention.test.ts",
            "tests/consumer-config.test.ts",
            // The plan's CLI in this process (tests/helpers/plan.ts runPlan): base and head plans, exit 4.
            "tests/plan-diff.test.ts",
            "tests/brokers.test.ts",
        ]),
    },
    coverageAnalysis: "perTest",
    // A mutant in code that runs when a module loads (a top-level constant, a policy's name or description) needs a
    // fresh test process and every test: on this machine that is about a minute each. They are reported as ignored
    // and counted separately in README; `--ignoreStatic false` runs them.
    ignoreStatic: true,
    // Mutants that do not compile are discarded before any test runs.
    checkers: ["typescript"],
    // The files under test and what they import (not the whole project): the checker re-checks that per mutant.
    tsconfigFile: "tsconfig.mutate.json",
    typescriptChecker: { prioritizePerformanceOverAccuracy: true },
    mutate: ["plan/diff.ts", "plan/replacements.ts", "lib/retention.ts", "lib/consumer-config.ts"],
    // Stryker marks these files `// @ts-nocheck` in its sandbox (a mutant switch is not well-typed), not the generated
    // managed-policy table, whose bytes a test compares with its generator's output.
    disableTypeChecks: "{policies/rules,policies/lib,plan,lib}/**/!(aws-managed-policies).ts",
    ignorePatterns: ["bin", "policies/bin", "reports", ".stryker-tmp", "bench/results", "*.log"],
    incremental: true,
    incrementalFile: "reports/stryker-incremental.json",
    // A shared 2-vCPU machine: one test process (run Stryker under `nice -n 19`).
    concurrency: 1,
    timeoutMS: 20000,
    reporters: ["clear-text", "progress-append-only", "json"],
    jsonReporter: { fileName: "reports/mutation/program.json" },
    thresholds: { high: 90, low: 80, break: null },
    tempDirName: ".stryker-tmp",
};
