// @ts-check
/**
 * `npm run mutate:pack`: mutation testing (StrykerJS) of the policy pack's rules and shared facts. The pack runs in its
 * own process, started by the tests as the Pulumi CLI starts it, so Stryker's in-process mocha runner cannot switch its
 * mutants on: the command runner runs mocha once per mutant with `__STRYKER_ACTIVE_MUTANT__` in the environment, which
 * the pack process inherits (the instrumented code reads it at start). No per-test coverage either (the pack's code
 * runs outside the test process): each mutant runs the pack test files below (MUTATE_TESTS, comma separated, overrides
 * them), so run it on the files you changed:
 *   npm run mutate:pack -- --mutate policies/rules/mapping.ts
 * Incremental (reports/stryker-pack-incremental.json, git-ignored). Not part of `npm test`.
 */
import program from "./stryker.config.mjs";

const TESTS = process.env.MUTATE_TESTS?.split(",") ?? [
    "tests/mutants-pack.test.ts",
    "tests/pack-baseline.test.ts",
    "tests/pack-iam.test.ts",
    "tests/pack-connect.test.ts",
    "tests/pack-error-handling.test.ts",
    "tests/pack-facts.test.ts",
    "tests/pack-providers.test.ts",
    "tests/network.test.ts",
];

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
    // The program's settings (command runner, TypeScript checker, incremental, reports, thresholds), with the pack's
    // tests, tsconfig, files and reports.
    ...program,
    // --bail: the first failing test kills the mutant; the pack is built once in the sandbox (the harness rebuilds it
    // from the instrumented sources during the dry run, then finds it fresh).
    commandRunner: { command: `node node_modules/mocha/bin/mocha.js --bail --reporter dot ${TESTS.join(" ")}` },
    // Mutants that do not compile (the pack's own tsconfig) are discarded before any test runs.
    tsconfigFile: "policies/tsconfig.json",
    mutate: ["policies/rules/**/*.ts", "policies/lib/**/*.ts"],
    incrementalFile: "reports/stryker-pack-incremental.json",
    timeoutMS: 120000,
    jsonReporter: { fileName: "reports/mutation/pack.json" },
};
