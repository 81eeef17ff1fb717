import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { buildStack } from "../components/stack";
import { parseStackConfig, STACK_CONFIG } from "../lib/config";
import { loadConfig } from "../plan/cli";
import { simulate } from "../plan/simulate";
import { renderPackReadme, renderReadme } from "../plan/docs";
import { ROOT, SHIPPED_STACKS } from "./helpers/plan";

/** Pulumi's own JSON schema for Pulumi.yaml, vendored in schemas/ (see schemas/README.md). */
const SCHEMA = path.resolve(ROOT, "schemas", "pulumi-project.schema.json");

describe("Pulumi.yaml", () => {
    const project = parse(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8"));

    it("validates against Pulumi's project JSON schema", function () {
        const Ajv2020 = require("ajv/dist/2020").default;
        const ajv = new Ajv2020({ strict: false, allErrors: true });
        const validate = ajv.compile(JSON.parse(fs.readFileSync(SCHEMA, "utf8")));
        assert.ok(validate(project), JSON.stringify(validate.errors, null, 2));
    });

    it("is the nodejs msk-lambda project", () => {
        assert.strictEqual(project.name, "msk-lambda");
        assert.strictEqual(project.runtime.name, "nodejs");
    });

    // The CLI's semantic checks (sdk/go/common/workspace/project.go Validate and config.go mergeConfig), which the
    // JSON schema does not express.
    it("declares only keys the CLI accepts: project keys typed, no defaults on other namespaces", () => {
        for (const [key, decl] of Object.entries<any>(project.config ?? {})) {
            const own = !key.includes(":") || key.startsWith(`${project.name}:`);
            if (!own) {
                assert.ok(
                    decl.type === undefined && decl.default === undefined && decl.value !== undefined,
                    `${key}: a key of another namespace may only set 'value'`,
                );
                continue;
            }
            assert.ok(!(decl.default !== undefined && decl.value !== undefined), `${key}: both default and value`);
            assert.ok(["string", "integer", "boolean", "array"].includes(decl.type), `${key}: type ${decl.type}`);
            const name = key.replace(`${project.name}:`, "");
            assert.ok(name in STACK_CONFIG, `${key} is declared but the program does not read it`);
        }
    });

    for (const stack of SHIPPED_STACKS) {
        it(`Pulumi.${stack}.yaml sets every required declared key with the declared type`, () => {
            const doc = parse(fs.readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8"));
            for (const [key, decl] of Object.entries<any>(project.config ?? {})) {
                const full = key.includes(":") ? key : `${project.name}:${key}`;
                const value = doc.config?.[full];
                if (decl.default === undefined && decl.value === undefined)
                    assert.ok(value !== undefined, `Pulumi.${stack}.yaml is missing ${full}, which Pulumi.yaml requires`);
                if (value !== undefined && decl.type === "string") assert.strictEqual(typeof value, "string", full);
            }
        });
    }
});

describe("README", () => {
    it("has the config reference generated from the validator's spec (run npm run docs after changing a key)", () => {
        const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
        assert.strictEqual(readme, renderReadme(readme), "README.md's config reference is stale: run npm run docs");
    });

    it("policies/README.md has the policy catalogue generated from the pack (run npm run docs after changing a policy)", () => {
        const readme = fs.readFileSync(path.join(ROOT, "policies", "README.md"), "utf8");
        assert.strictEqual(readme, renderPackReadme(readme), "policies/README.md's catalogue is stale: run npm run docs");
        const { policies, SOURCES } = require("../policies/policies");
        for (const p of policies) assert.ok(SOURCES[p.name], `no source fact for ${p.name}`);
    });

    it("states the pack's current size: its policies and stack policies", () => {
        const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
        const { policies } = require("../policies/policies");
        const stack = policies.filter((p: any) => typeof p.validateStack === "function").length;
        const stated = [...readme.matchAll(/The pack now holds (\d+) policies, (\d+) of them stack policies/g)].map((m) => [Number(m[1]), Number(m[2])]);
        assert.ok(stated.length > 0, "README states the pack's size");
        for (const s of stated) assert.deepStrictEqual(s, [policies.length, stack], "README's policy count is stale");
    });

    it("shows the two commands and the real-cloud workflow", () => {
        const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
        for (const text of [
            "npm ci && npm run plan",
            "npm test",
            "pulumi stack select",
            "pulumi preview --policy-pack policies",
            "pulumi up",
            // Quick start: npm test makes certificates with openssl; the --against recipe works on the checked-out branch.
            "`npm test` needs `openssl`",
            "git worktree add --detach",
        ]) {
            assert.ok(readme.includes(text), `README lacks ${text}`);
        }
    });
});

describe("the program's type-check under the Pulumi CLI (issue 24)", () => {
    const project = parse(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8"));

    // @pulumi/pulumi/cmd/run/run.js: transpileOnly = PULUMI_NODEJS_TRANSPILE_ONLY when set, else the `noCheck` of the
    // tsconfig the language host reads (the `tsconfig` runtime option, else tsconfig.json), else ts-node's default.
    it("a local pulumi preview/up type-checks by default: no runtime option or tsconfig turns the check off", () => {
        const options = project.runtime.options ?? {};
        assert.strictEqual(options.typescript, true, "runtime.options.typescript: the host loads index.ts through ts-node");
        const tsconfig = options.tsconfig ?? "tsconfig.json";
        assert.ok(fs.existsSync(path.join(ROOT, tsconfig)), `${tsconfig} does not exist`);
        const { loadTypeScriptCompilerOptions } = require("@pulumi/pulumi/tsutils");
        assert.notStrictEqual(loadTypeScriptCompilerOptions(path.join(ROOT, tsconfig)).noCheck, true, `${tsconfig} sets noCheck`);
    });

    it("the language host reads the compiler options the type-check uses", () => {
        const { loadTypeScriptCompilerOptions } = require("@pulumi/pulumi/tsutils");
        const options = loadTypeScriptCompilerOptions(path.join(ROOT, "tsconfig.json"));
        assert.strictEqual(options.strict, true);
        assert.strictEqual(options.module, "commonjs");
    });
});

describe("tsconfig.transpile.json: the workflows' start (issue 24)", function () {
    this.timeout(120000);
    const { loadTypeScriptCompilerOptions } = require("@pulumi/pulumi/tsutils");
    const ts = require("typescript");
    const read = (f: string) => ts.parseConfigFileTextToJson(f, fs.readFileSync(path.join(ROOT, f), "utf8")).config;

    it("has tsconfig.json's compiler options as the language host reads them (it does not follow extends), its files, and the esbuild transpiler", () => {
        assert.deepStrictEqual(
            loadTypeScriptCompilerOptions(path.join(ROOT, "tsconfig.transpile.json")),
            loadTypeScriptCompilerOptions(path.join(ROOT, "tsconfig.json")),
        );
        const [base, ci] = [read("tsconfig.json"), read("tsconfig.transpile.json")];
        assert.deepStrictEqual([ci.include, ci.exclude], [base.include, base.exclude]);
        // Only the transpiler: the file itself never turns the type-check off (PULUMI_NODEJS_TRANSPILE_ONLY does).
        assert.deepStrictEqual(ci["ts-node"], { transpiler: "./plan/ts-node-esbuild.js" });
        assert.ok(fs.existsSync(path.join(ROOT, "plan", "ts-node-esbuild.js")));
    });

    it("the program transpiled by esbuild, loaded as the language host loads it, registers what the TypeScript-transpiled program does", async () => {
        const { child, mocksAsJs, MODE_ENV } = await import("../bench/start");
        const dir = fs.mkdtempSync(path.join(require("os").tmpdir(), "start-"));
        try {
            const loaded = loadConfig(ROOT, "prod", []);
            const configFile = path.join(dir, "config.json");
            fs.writeFileSync(configFile, JSON.stringify({ config: loaded.config, secretKeys: loaded.secretKeys }));
            const out = await child([ROOT, mocksAsJs(dir), configFile, "bench"], {
                ...process.env,
                ...MODE_ENV.workflows,
                START_BENCH_RECORD: "1",
                TS_NODE_TRANSPILE_ONLY: undefined,
            });
            const sim = await simulate(
                () => buildStack(parseStackConfig(loaded.config, { project: "msk-lambda", stack: "bench", secretKeys: loaded.secretKeys })),
                {
                    project: "msk-lambda",
                    stack: "bench",
                    preview: false,
                    config: loaded.config,
                    secretKeys: loaded.secretKeys,
                },
            );
            const mine = sim.resources.map((r) => ({ type: r.type, name: r.name, inputs: r.rawInputs }));
            // Same resources in the same order with the same inputs (the stack resource itself aside: the child's comes from runInPulumiStack).
            const strip = (list: { type: string; name: string; inputs: unknown }[]) => list.filter((r) => r.type !== "pulumi:pulumi:Stack");
            assert.ok(out.registered_ && out.registered_.length > 50, "the child recorded its registrations");
            assert.deepStrictEqual(strip(out.registered_!), strip(mine));
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
