/**
 * The pack ships compiled JavaScript (`policies/bin/`, its package.json `main`) so the CLI boots it without
 * type-checking it. These tests hold the built pack to its sources: the output is exactly what the sources compile to
 * now, the served pack lists the policies of `policies.ts` with the package's version, and what `pulumi policy publish`
 * packs (npm's file list) holds the compiled pack.
 */
import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";
import { ensureBuilt, PACK_DIR } from "../plan/analyzer";
import { policies } from "../policies/policies";
import { decodeOnce } from "../policies/lib/decode-once";
import { BOUNDED_REPORTS } from "../policies/rules/common";
import { pack } from "./helpers/pack";

const pkg = JSON.parse(fs.readFileSync(path.join(PACK_DIR, "package.json"), "utf8"));

/** Every file under `dir`, as paths relative to it. */
function files(dir: string): string[] {
    const out: string[] = [];
    const walk = (d: string) => {
        for (const e of fs.readdirSync(d, { withFileTypes: true })) {
            const p = path.join(d, e.name);
            if (e.isDirectory()) walk(p);
            else out.push(path.relative(dir, p));
        }
    };
    walk(dir);
    return out.sort();
}

describe("the compiled policy pack", function () {
    this.timeout(60000);

    it("is the pack's main, and is exactly what the sources compile to now (no stale or missing file)", () => {
        assert.strictEqual(pkg.main, "bin/index.js");
        ensureBuilt(PACK_DIR); // as the plan and the tests start it
        const config = ts.getParsedCommandLineOfConfigFile(
            path.join(PACK_DIR, "tsconfig.json"),
            {},
            { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined },
        );
        assert.ok(config, "policies/tsconfig.json is readable");
        const outDir = config.options.outDir!;
        assert.strictEqual(path.resolve(outDir), path.join(PACK_DIR, "bin"));
        const emitted = new Map<string, string>();
        const program = ts.createProgram(config.fileNames, config.options);
        const result = program.emit(undefined, (name, text) => emitted.set(path.relative(outDir, name), text));
        const errors = ts.getPreEmitDiagnostics(program).concat(result.diagnostics);
        assert.deepStrictEqual(
            errors.map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n")),
            [],
        );
        const bin = path.join(PACK_DIR, "bin");
        assert.deepStrictEqual(files(bin), [...emitted.keys()].sort(), "policies/bin holds other files than the sources compile to");
        for (const [name, text] of emitted) assert.strictEqual(fs.readFileSync(path.join(bin, name), "utf8"), text, `policies/bin/${name} is stale`);
    });

    it("serves the policies of policies.ts, in order, with the package's name and version", async () => {
        const info = await (await pack()).info();
        assert.strictEqual(info.name, "msk-lambda");
        assert.strictEqual(info.version, pkg.version);
        assert.deepStrictEqual(
            info.policies.map((p) => [p.name, p.enforcementLevel]),
            policies.map((p) => [p.name, p.enforcementLevel]),
        );
    });

    it("decodes a resource's properties once per request with the installed @pulumi/policy, whatever the number of stack policies", () => {
        // The same patch the pack applies at start (policies/index.ts), on the same module the policy server uses.
        assert.strictEqual(decodeOnce(), true, "@pulumi/policy's deserialize module no longer has the expected shape");
        const { deserializeProperties } = require("@pulumi/policy/deserialize") as { deserializeProperties(s: object, proxySecrets?: boolean): unknown };
        const { Struct } = require("google-protobuf/google/protobuf/struct_pb") as typeof import("google-protobuf/google/protobuf/struct_pb");
        const message = Struct.fromJavaScript({ name: "orders", nested: { list: [1, "two", null] } });
        const first = deserializeProperties(message, false);
        assert.deepStrictEqual(first, { name: "orders", nested: { list: [1, "two", null] } });
        assert.strictEqual(deserializeProperties(message, false), first, "a second policy gets the decoded properties, not a new decoding");
        assert.notStrictEqual(deserializeProperties(Struct.fromJavaScript({ name: "orders" }), false), first, "another message is decoded on its own");
        assert.notStrictEqual(deserializeProperties(message, true), first, "the secret-preserving decoding (remediation) is not shared");
    });

    it("reports through the bounded, deduplicated report of rules/common.ts in every policy (withBoundedReports, applied in policies.ts)", () => {
        const unbounded = policies
            .filter((p) => {
                const fn = (p as { validateResource?: unknown; validateStack?: unknown }).validateResource ?? (p as { validateStack?: unknown }).validateStack;
                return !(fn as Record<symbol, unknown> | undefined)?.[BOUNDED_REPORTS];
            })
            .map((p) => p.name);
        assert.deepStrictEqual(unbounded, []);
    });

    it("is what npm packs for `pulumi policy publish`: the compiled main, the pack's yaml and configs, no TypeScript", () => {
        const npm = process.platform === "win32" ? "npm.cmd" : "npm";
        const out = execFileSync(npm, ["pack", "--dry-run", "--json", "--ignore-scripts"], {
            cwd: PACK_DIR,
            encoding: "utf8",
            stdio: ["ignore", "pipe", "ignore"],
        });
        const packed: string[] = JSON.parse(out)[0].files.map((f: { path: string }) => f.path);
        for (const f of ["package.json", "PulumiPolicy.yaml", "bin/index.js", "bin/policies.js", "bin/rules/common.js", "config/prod.json"])
            assert.ok(packed.includes(f), `npm pack leaves out ${f}: ${packed.join(", ")}`);
        assert.deepStrictEqual(
            packed.filter((f) => f.endsWith(".ts")),
            [],
        );
        // Only the runtime needs to be installed where the CLI runs the published pack.
        assert.deepStrictEqual(Object.keys(pkg.dependencies).sort(), ["@pulumi/policy", "@pulumi/pulumi", "asn1js"]);
    });
});
