// @ts-check
/**
 * `npm run mutate:pack`: mutation testing (StrykerJS) of the policy pack's rules and shared facts, with the program's
 * settings (stryker.config.mjs: mocha runner, per-test coverage, TypeScript checker, incremental, reports).
 *
 * The pack runs inside the test process here (`MSK_LAMBDA_PACK_IN_PROCESS=1`, tests/helpers/pack.ts): the tests speak
 * to it over gRPC as to its own process, but Stryker switches the mutants in the same process and sees which tests
 * reach which rule. Each mutant runs only the tests that reach its code, so run a file at a time:
 *   npm run mutate:pack -- --mutate policies/rules/mapping.ts
 * `buildCommand` builds the (instrumented) pack once in the sandbox, for the tests that load its `bin/` or spawn a plan
 * against the in-process pack's port. Incremental (reports/stryker-pack-incremental.json, git-ignored).
 */
import program, { testFiles } from "./stryker.config.mjs";

process.env.MSK_LAMBDA_PACK_IN_PROCESS = "1";

/**
 * The pack's tests that speak to the pack without starting a process of their own (pack-build does), the most
 * targeted first: a mutant runs only the tests that reach its code, in this order, and stops at the first failure.
 * Left out for machine time (each runs every policy over many generated stacks; add them with MUTATE_TESTS):
 * pack-shapes, pack-guarantees, pack-valid-corpus, pack-doc-examples, pack-network-hostile and fuzz.
 */
const PACK_TESTS = [
    "mutants-kafka-lib",
    "mutants-iam",
    "mutants-iam-escalation",
    "mutants-iam-least-privilege",
    "mutants-common",
    "mutants-msk",
    "mutants-resource-policies",
    "mutants-delivery",
    "mutants-destinations",
    "mutants-delivery-endpoints",
    "mutants-error-handling",
    "mutants-pack",
    "mutants-mapping",
    "mutants-network",
    "mutants-settings",
    "mutants-secrets",
    "mutants-auth",
    "pack-facts",
    "pack-baseline",
    "pack-connect",
    "pack-providers",
    "pack-error-handling",
    "pack-iam",
    "pack-iam-access",
    "pack-network-settings",
    "pack-network-path",
    "pack-discovered-network",
    "pack-self-managed-role",
    "pack-exemptions",
    "pack-metadata",
    "pack-iam-managed",
    "pack-iam-policy-types",
    "pack-iam-probe",
    "pack-adapters",
].map((f) => `tests/${f}.test.ts`);

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
    ...program,
    mochaOptions: { spec: testFiles(PACK_TESTS) },
    buildCommand: "npm run build:policies",
    // Mutants that do not compile (the pack's own tsconfig) are discarded before any test runs.
    tsconfigFile: "policies/tsconfig.json",
    mutate: ["policies/rules/**/*.ts", "policies/lib/**/*.ts"],
    incrementalFile: "reports/stryker-pack-incremental.json",
    // MUTATE_REPORT names another JSON report (two runs of different files at once, each with its `--incrementalFile`).
    jsonReporter: { fileName: process.env.MUTATE_REPORT ?? "reports/mutation/pack.json" },
};
