/**
 * Runs documentation examples (scripts/doc-examples.ts) as a team copies them: each example's code, unchanged, in its
 * own scope under the plan's mock runtime (plan/simulate.ts), with the names it leaves undeclared bound to resources
 * of other examples or of declarations the corpus writes. Returns what was registered, as the pack receives it.
 */
import * as pulumi from "@pulumi/pulumi";
import * as ts from "typescript";
import type { AnalyzerInput } from "../../plan/analyzer";
import { analyzerInputs } from "../../plan/policy";
import { simulate } from "../../plan/simulate";
import type { DocExample } from "../../scripts/doc-examples";

/** One step of a stack: an example (by id), with its undeclared names bound to values of earlier steps. */
export interface Step {
    example: string;
    /** Undeclared name → value (a resource from an earlier step or a declaration). */
    bind?: (scope: Record<string, Record<string, unknown>>) => Record<string, unknown>;
    /** What a team declares after copying the example (resources that use it), with the steps' names in scope. */
    after?: (scope: Record<string, Record<string, unknown>>) => void;
}

/** The names an example declares at top level (its `const`s), which later steps may use. */
function declaredNames(code: string): string[] {
    const file = ts.createSourceFile("example.ts", code, ts.ScriptTarget.ES2020);
    const out: string[] = [];
    for (const s of file.statements)
        if (ts.isVariableStatement(s) && !s.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword))
            for (const d of s.declarationList.declarations) if (ts.isIdentifier(d.name)) out.push(d.name.text);
    return out;
}

/** `aws.iam.getPolicyDocument` computed locally (the plan's mocks have no provider function for it). */
function policyDocument(args: { statements?: Record<string, unknown>[] }): { json: string } {
    const statement = (args.statements ?? []).map((s) => {
        const out: Record<string, unknown> = { Effect: s.effect ?? "Allow" };
        if (s.actions) out.Action = s.actions;
        if (s.resources) out.Resource = s.resources;
        if (!s.resources && !s.principals) out.Resource = "*";
        const principals = (s.principals ?? []) as { type: string; identifiers: string[] }[];
        if (principals.length) out.Principal = Object.fromEntries(principals.map((p) => [p.type === "*" ? "AWS" : p.type, p.identifiers]));
        return out;
    });
    return { json: JSON.stringify({ Version: "2012-10-17", Statement: statement }) };
}

function withLocalData(aws: Record<string, unknown>): Record<string, unknown> {
    const iam = aws.iam as Record<string, unknown>;
    const patchedIam = {
        ...iam,
        getPolicyDocument: async (a: { statements?: Record<string, unknown>[] }) => policyDocument(a),
        getPolicyDocumentOutput: (a: { statements?: Record<string, unknown>[] }) => pulumi.output(a).apply((x) => policyDocument(x)),
    };
    return new Proxy(aws, { get: (t, k) => (k === "iam" ? patchedIam : (t as Record<string | symbol, unknown>)[k]) });
}

/** Runs one example's code in its own scope; returns its declared names' values. */
function runExample(example: DocExample, bound: Record<string, unknown>): Record<string, unknown> {
    const names = declaredNames(example.code);
    const js = ts.transpileModule(example.code, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020 } }).outputText;
    const body = js.split('"use strict";').join("");
    const modules: Record<string, unknown> = {
        "@pulumi/pulumi": pulumi,
        "@pulumi/aws": withLocalData(require("@pulumi/aws")),
        "@pulumi/aws-native": require("@pulumi/aws-native"),
    };
    const req = (m: string) => {
        if (!(m in modules)) throw new Error(`${example.id}: imports ${m}`);
        return modules[m];
    };
    const scope = new Proxy(bound, {
        has: (t, k) => typeof k === "string" && k in t,
        get: (t, k) => (t as Record<string | symbol, unknown>)[k],
    });
    const run = new Function("scope", "require", "exports", `with (scope) { ${body}\n return { ${names.join(", ")} }; }`);
    return run(scope, req, {}) as Record<string, unknown>;
}

/** Runs the steps of one stack under the mock runtime and returns its resources as the pack receives them. */
export async function runStack(
    examples: Map<string, DocExample>,
    steps: Step[],
    preview = false,
): Promise<{ inputs: AnalyzerInput[]; state: AnalyzerInput[] }> {
    const sim = await simulate(
        () => {
            const scope: Record<string, Record<string, unknown>> = {};
            for (const step of steps) {
                const e = examples.get(step.example);
                if (!e) throw new Error(`no example ${step.example} in the installed providers`);
                scope[step.example] = runExample(e, step.bind ? step.bind(scope) : {});
                step.after?.(scope);
            }
        },
        { project: "doc-examples", stack: "dev", preview, config: { "aws:region": "us-east-1" }, secretKeys: [] },
    );
    // As the plan sends them (plan/policy.ts): Analyze gets each resource's inputs, AnalyzeStack their state.
    return { inputs: analyzerInputs(sim, "inputs"), state: analyzerInputs(sim, "state") };
}
