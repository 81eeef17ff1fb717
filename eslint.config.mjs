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

export default tseslint.config(
    { ignores: ["node_modules/**", "policies/node_modules/**", "bin/**", "**/*.js", "**/*.mjs"] },
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
);
