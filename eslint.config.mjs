// ESLint flat config: TypeScript's recommended rules everywhere; Pulumi's rules (Outputs must not be interpolated in
// template strings: use pulumi.interpolate) with type information where the program handles Outputs.
import js from "@eslint/js";
import pulumi from "@pulumi/eslint-plugin";
import tseslint from "typescript-eslint";

/** What the policy pack's sources may not contain (issues 11 and 17). */
const PACK_SYNTAX = [
    { selector: "Literal[regex]", message: "No regular expressions in the policy pack: parse input with indexOf or a character loop." },
    {
        selector: "NewExpression[callee.name='RegExp'], CallExpression[callee.name='RegExp']",
        message: "No regular expressions in the policy pack.",
    },
    {
        selector: "CallExpression[callee.property.name=/^(push|unshift|splice|concat|fromCharCode|max|min)$/] > SpreadElement",
        message: "No spreading of a (possibly input-sized) array into call arguments: loop, or use a Set/array literal.",
    },
];
/** What rules may not do with input: quote it other than through shown(), or parse JSON other than with parseJson(). */
const RULE_SYNTAX = [
    {
        selector: "TemplateLiteral > CallExpression[callee.object.name='JSON'][callee.property.name='stringify']",
        message: "Quote input in messages with shown() (policies/lib/shown.ts), not JSON.stringify.",
    },
    {
        selector: "TemplateLiteral > CallExpression[callee.name='String']",
        message: "Quote input in messages with shown() (policies/lib/shown.ts), not String().",
    },
    {
        selector: "CallExpression[callee.object.name='JSON'][callee.property.name='parse']",
        message: "Parse JSON with parseJson() (policies/lib/json.ts): it drops keys that would shadow Object.prototype.",
    },
];
// Layering (issue 19): index.ts -> components/ -> lib/ -> the pack's shared facts (policies/lib/public.ts) ; the pack
// imports nothing outside policies/; lib/ creates no Pulumi resources; handler/ (bundled into the Lambda function)
// no infrastructure. A wrong import fails `npm run lint` (tests/layering.test.ts proves each rule refuses one).
// `require()` calls are not covered by the rule: the program uses them only for @pulumi/pulumi internals.
const PROGRAM_PATTERNS = [
    {
        regex: "(^|/)policies/(?!lib/public$)",
        message: "The program reads the policy pack's facts only through policies/lib/public.ts (its one public entry).",
    },
    { regex: "^(\\./|(\\.\\./)+)(plan|bench|tests)(/|$)", message: "The program (index.ts, components/, lib/) imports nothing of plan/, bench/ or tests/." },
];
const LIB_PATTERNS = [
    ...PROGRAM_PATTERNS,
    { regex: "^(\\.\\./)+(components|handler)(/|$)|^\\.\\./index$", message: "lib/ is pure logic: it imports nothing of components/, handler/ or index.ts." },
    {
        regex: "^@pulumi/(?!pulumi$)",
        message: "lib/ creates no Pulumi resources: provider packages (@pulumi/aws, ...) belong in components/.",
    },
    { regex: "^@pulumi/pulumi$", allowTypeImports: true, message: "lib/ creates no Pulumi resources: import Pulumi's types only (import type)." },
];
const HANDLER_PATTERNS = [
    { regex: "^@pulumi/", message: "handler/ is the Lambda function's code: no infrastructure (Pulumi) in its bundle." },
    {
        regex: "^(\\.\\./)+(components|plan|bench|tests|policies)(/|$)|^\\.\\./index$|^\\.\\./lib/(?!handler-env$)",
        message: "handler/ imports only lib/handler-env.ts (the environment variable names) from this repository.",
    },
];
/** The pack ships alone: from a file `depth` folders below policies/, `depth + 1` levels up leaves it. */
const packEscapes = (depth) => [{ regex: `^(\\.\\./){${depth + 1},}`, message: "The policy pack ships alone: it imports nothing outside policies/." }];

export default tseslint.config(
    { ignores: ["node_modules/**", "policies/node_modules/**", "bin/**", "**/*.js", "**/*.mjs", ".stryker-tmp/**", "reports/**"] },
    js.configs.recommended,
    ...tseslint.configs.recommended,
    {
        rules: {
            // `require` is used deliberately for lazy loading and the SDK's internal modules.
            "@typescript-eslint/no-require-imports": "off",
            // Tests and the protocol code handle untyped JSON.
            "@typescript-eslint/no-explicit-any": "off",
            "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
        },
    },
    {
        // The policy pack reads stacks written by anyone, attackers included (issue 11): no regular expression on input
        // (one that can backtrack held a preview for 66 s on an 800 KB ARN; parse with indexOf and character loops),
        // and no input-sized array spread into a call's arguments (130,000 statements overflowed push(...)).
        files: ["policies/**/*.ts"],
        rules: { "no-restricted-syntax": ["error", ...PACK_SYNTAX] },
    },
    {
        // Rules quote input only through shown() (policies/lib/shown.ts: total, cut, never key material); every
        // message is also redacted on its way out (rules/common.ts). Issue 17 section 1.
        files: ["policies/rules/**/*.ts"],
        rules: { "no-restricted-syntax": ["error", ...PACK_SYNTAX, ...RULE_SYNTAX] },
    },
    {
        files: ["index.ts", "components/**/*.ts"],
        languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
        plugins: { pulumi },
        rules: {
            "pulumi/no-output-in-template-literal": "error",
            "pulumi/no-output-instance-in-template-literal": "error",
        },
    },
    {
        // Issue 19: no function in components/ or lib/ needs more than about 80 lines (blank lines and comments aside).
        files: ["components/**/*.ts", "lib/**/*.ts"],
        rules: { "max-lines-per-function": ["error", { max: 80, skipBlankLines: true, skipComments: true }] },
    },
    { files: ["index.ts", "component/**/*.ts", "components/**/*.ts"], rules: { "no-restricted-imports": ["error", { patterns: PROGRAM_PATTERNS }] } },
    { files: ["lib/**/*.ts"], rules: { "no-restricted-imports": ["error", { patterns: LIB_PATTERNS }] } },
    { files: ["handler/**/*.ts"], rules: { "no-restricted-imports": ["error", { patterns: HANDLER_PATTERNS }] } },
    { files: ["policies/*.ts"], rules: { "no-restricted-imports": ["error", { patterns: packEscapes(0) }] } },
    { files: ["policies/*/*.ts"], rules: { "no-restricted-imports": ["error", { patterns: packEscapes(1) }] } },
    { files: ["policies/*/*/*.ts"], rules: { "no-restricted-imports": ["error", { patterns: packEscapes(2) }] } },
    { files: ["policies/*/*/*/*.ts"], rules: { "no-restricted-imports": ["error", { patterns: packEscapes(3) }] } },
);
