import * as assert from "assert";
import { ESLint } from "eslint";

/**
 * The layering lint (eslint.config.mjs, `no-restricted-imports` per folder): every forbidden edge, generated per
 * layer, fails `npm run lint` with the layer's message, and the edges the project relies on pass (the repository's own
 * files are held by `npm run lint` in CI). Only this rule runs, without type information, so the test is fast.
 */
const eslint = new ESLint({
    cwd: `${__dirname}/..`,
    ruleFilter: ({ ruleId }) => ruleId === "no-restricted-imports",
    overrideConfig: [{ languageOptions: { parserOptions: { projectService: false, project: null } } }],
});

async function problems(filePath: string, source: string): Promise<string[]> {
    const [r] = await eslint.lintText(`import ${JSON.stringify(source)};\n`, { filePath });
    return r.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

/** A probe file in each layer, and the path from it to the repository root. */
const PROBES = {
    components: { file: "components/zz-probe.ts", up: "../" },
    lib: { file: "lib/zz-probe.ts", up: "../" },
    handler: { file: "handler/zz-probe.ts", up: "../" },
    packRoot: { file: "policies/zz-probe.ts", up: "../" },
    packRules: { file: "policies/rules/zz-probe.ts", up: "../../" },
    packAdapters: { file: "policies/lib/adapters/zz-probe.ts", up: "../../../" },
} as const;
type Layer = keyof typeof PROBES;
const PROGRAM: Layer[] = ["components", "lib"];
const PACK: Layer[] = ["packRoot", "packRules", "packAdapters"];

/** [layer, import (relative to the root unless it is a package), message it must raise]. */
const FORBIDDEN: [Layer, string, RegExp][] = [
    ...PROGRAM.flatMap((l): [Layer, string, RegExp][] => [
        ...[
            "policies/lib/facts",
            "policies/lib/iam-facts",
            "policies/lib/mtls",
            "policies/lib/destinations",
            "policies/rules/delivery",
            "policies/policies",
        ].map((p): [Layer, string, RegExp] => [l, p, /only through policies\/lib\/public\.ts/]),
        ...["plan/cli", "plan/document", "bench/run", "tests/helpers/stack"].map((p): [Layer, string, RegExp] => [
            l,
            p,
            /nothing of plan\/, bench\/ or tests\//,
        ]),
    ]),
    ["lib", "@pulumi/aws", /no Pulumi resources/],
    ["lib", "@pulumi/random", /no Pulumi resources/],
    ["lib", "components/consumer", /imports nothing of components\//],
    ["lib", "handler/index", /imports nothing of components\/, handler\//],
    ["handler", "@pulumi/pulumi", /no infrastructure/],
    ["handler", "@pulumi/aws", /no infrastructure/],
    ["handler", "components/consumer", /only lib\/handler-env\.ts/],
    ["handler", "lib/config", /only lib\/handler-env\.ts/],
    ["handler", "policies/lib/public", /only lib\/handler-env\.ts/],
    ...PACK.flatMap((l): [Layer, string, RegExp][] =>
        ["lib/iam", "components/consumer", "plan/cli", "tests/helpers/pack"].map((p): [Layer, string, RegExp] => [l, p, /imports nothing outside policies\//]),
    ),
];

/** Edges the project relies on: none may be refused. */
const ALLOWED: [Layer, string][] = [
    ["components", "policies/lib/public"],
    ["components", "lib/iam"],
    ["components", "@pulumi/aws"],
    ["lib", "policies/lib/public"],
    ["handler", "lib/handler-env"],
    ["handler", "@aws-lambda-powertools/kafka"],
    ["packRules", "@pulumi/policy"],
];

const resolve = (layer: Layer, target: string) => (target.startsWith("@") ? target : `${PROBES[layer].up}${target}`);

describe("layering lint (no-restricted-imports)", function () {
    this.timeout(60_000);

    for (const [layer, target, message] of FORBIDDEN) {
        it(`refuses ${PROBES[layer].file} importing ${resolve(layer, target)}`, async () => {
            const found = await problems(PROBES[layer].file, resolve(layer, target));
            assert.ok(
                found.some((m) => m.startsWith("no-restricted-imports:") && message.test(m)),
                `expected ${message}, got ${JSON.stringify(found)}`,
            );
        });
    }

    // `import type` of Pulumi in lib/ is allowed (a type is not a resource); a value import is not.
    it("lets lib/ import Pulumi's types but not its values", async () => {
        const [typeOnly] = await eslint.lintText('import type { Input } from "@pulumi/pulumi";\nexport type X = Input<string>;\n', {
            filePath: PROBES.lib.file,
        });
        const [value] = await eslint.lintText('import * as pulumi from "@pulumi/pulumi";\nexport const x = pulumi.output(1);\n', { filePath: PROBES.lib.file });
        assert.deepStrictEqual(typeOnly.messages, []);
        assert.match(value.messages.map((m) => m.message).join("\n"), /import Pulumi's types only/);
    });

    for (const [layer, target] of ALLOWED) {
        it(`lets ${PROBES[layer].file} import ${resolve(layer, target)}`, async () => {
            assert.deepStrictEqual(await problems(PROBES[layer].file, resolve(layer, target)), []);
        });
    }
});
