// @ts-check
/**
 * `npm run mutate:program`: mutation testing (StrykerJS) of the plan's diff and replacement rules and the program's
 * retention and consumer-config logic, each mutant run against the test files that cover them (MUTATE_TESTS, comma
 * separated, overrides the list). Incremental: results are kept in reports/stryker-incremental.json (git-ignored), so a
 * second run re-tests only mutants whose code or tests changed. Not part of `npm test`.
 *
 * Runner: Stryker's command runner (one mocha process per mutant, the mutant named in `__STRYKER_ACTIVE_MUTANT__`),
 * not @stryker-mutator/mocha-runner: its 10.1.1 release cannot load Mocha 12, whose CLI internals are now `.cjs`
 * ("Cannot find module mocha/lib/cli/run-helpers"; stryker-js pull request #6205, open). The pack needs the command
 * runner anyway (it runs in its own process): see stryker.pack.config.mjs. No per-test coverage with this runner.
 */
const TESTS = process.env.MUTATE_TESTS?.split(",") ?? [
    "tests/replacements.test.ts",
    "tests/retention.test.ts",
    "tests/consumer-config.test.ts",
    "tests/mutants-plan.test.ts",
];

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
    packageManager: "npm",
    testRunner: "command",
    commandRunner: { command: `node node_modules/mocha/bin/mocha.js --bail --reporter dot ${TESTS.join(" ")}` },
    // Mutants that do not compile are discarded before any test runs.
    checkers: ["typescript"],
    tsconfigFile: "tsconfig.json",
    typescriptChecker: { prioritizePerformanceOverAccuracy: true },
    coverageAnalysis: "off",
    mutate: ["plan/diff.ts", "plan/replacements.ts", "lib/retention.ts", "lib/consumer-config.ts"],
    ignorePatterns: ["bin", "policies/bin", "reports", ".stryker-tmp", "bench/results", "*.log"],
    incremental: true,
    incrementalFile: "reports/stryker-incremental.json",
    concurrency: 1,
    timeoutMS: 60000,
    reporters: ["clear-text", "progress-append-only", "json"],
    jsonReporter: { fileName: "reports/mutation/program.json" },
    thresholds: { high: 90, low: 80, break: null },
    tempDirName: ".stryker-tmp",
};
