"use strict";
/**
 * A ts-node transpiler (ts-node's `transpiler` option: a CommonJS module exporting `create`) that strips types with
 * esbuild, a dependency the program already loads to bundle the handler. ts-node uses it only in transpile-only mode
 * (PULUMI_NODEJS_TRANSPILE_ONLY=true), where TypeScript's own transpileModule costs about 1 s of CPU for the
 * program's 24 files and esbuild under 0.1 s. tsconfig.transpile.json names it; the workflows' Pulumi steps use that
 * file (PULUMI_NODEJS_TSCONFIG_PATH) behind .ci/run's type-check. Output: CommonJS for Node 22 with a source map, as
 * tsconfig.json's `module: commonjs` and ts-node's source-map support expect.
 */
const esbuild = require("esbuild");

exports.create = function create() {
    return {
        transpile(input, { fileName }) {
            const out = esbuild.transformSync(input, {
                loader: fileName.endsWith(".tsx") ? "tsx" : "ts",
                format: "cjs",
                target: "node22",
                sourcemap: "external",
                sourcefile: fileName,
                // tsc's emit keeps class fields as assignments in the constructor for this target; so does this.
                tsconfigRaw: { compilerOptions: { useDefineForClassFields: false } },
            });
            return { outputText: out.code, sourceMapText: out.map };
        },
    };
};
