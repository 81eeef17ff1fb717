// ESLint flat config: TypeScript's recommended rules everywhere; Pulumi's rules (Outputs must not be interpolated in
// template strings: use pulumi.interpolate) with type information where the program handles Outputs.
import js from "@eslint/js";
import pulumi from "@pulumi/eslint-plugin";
import tseslint from "typescript-eslint";

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
        rules: {
            "no-restricted-syntax": [
                "error",
                { selector: "Literal[regex]", message: "No regular expressions in the policy pack: parse input with indexOf or a character loop." },
                {
                    selector: "NewExpression[callee.name='RegExp'], CallExpression[callee.name='RegExp']",
                    message: "No regular expressions in the policy pack.",
                },
                {
                    selector: "CallExpression[callee.property.name=/^(push|unshift|splice|concat|fromCharCode|max|min)$/] > SpreadElement",
                    message: "No spreading of a (possibly input-sized) array into call arguments: loop, or use a Set/array literal.",
                },
            ],
        },
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
