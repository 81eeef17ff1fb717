/**
 * The program's start as the Pulumi CLI's Node.js language host loads it (issue 24): a fresh process that loads
 * `@pulumi/pulumi`, registers ts-node with the options `@pulumi/pulumi/cmd/run` (run.js) gives it — the compiler
 * options of tsconfig.json over its defaults (ES2020, nodenext), `transpileOnly` from `PULUMI_NODEJS_TRANSPILE_ONLY`,
 * else from the tsconfig's `noCheck`, else ts-node's default (type-check) — then requires `index.ts` and waits until
 * every resource is registered. The engine is replaced by the plan's mocks (plan/mocks.ts, transpiled to JavaScript
 * before timing, so the mocks add nothing to what ts-node transpiles or checks).
 *
 * Each figure is split into phases, measured from the process's time origin: `node` (Node's own start, before the
 * first line of the harness), `sdk` (`@pulumi/pulumi` loaded, as run.js has before it registers ts-node),
 * `program` (index.ts required: ts-node, TypeScript, `@pulumi/aws`, transpiling or checking the program and the pack's
 * shared facts, and the program's body) and `registered` (every registration answered).
 */
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as ts from "typescript";
import { loadConfig, ROOT } from "../plan/cli";

export interface StartPhases {
    /** Milliseconds from the process's time origin to the end of each phase. */
    sdk: number;
    program: number;
    registered: number;
    /** Wall time from spawning the process to its exit. */
    wall: number;
    /** CPU time (user + system) of the process until every registration was answered: steadier than wall time on a busy machine. */
    cpu: number;
    resources: number;
}

/** What the child runs: the language host's registration of ts-node (run.js), then the program under the mocks. */
const CHILD = `
const t = () => performance.now();
const out = {};
(async () => {
    const [root, mocksJs, configFile, stack] = process.argv.slice(1);
    process.chdir(root);
    const pulumi = require(require.resolve("@pulumi/pulumi", { paths: [root] }));
    const tsutils = require(require.resolve("@pulumi/pulumi/tsutils", { paths: [root] }));
    out.sdk = t();
    const tsconfig = process.env.PULUMI_NODEJS_TSCONFIG_PATH ?? "tsconfig.json";
    const compilerOptions = tsutils.loadTypeScriptCompilerOptions(tsconfig);
    const env = process.env.PULUMI_NODEJS_TRANSPILE_ONLY;
    const transpileOnly = env ? env === "true" : compilerOptions.noCheck;
    const { tsnodeRequire, typescriptRequire } = tsutils.typeScriptRequireStrings();
    require(tsnodeRequire).register({
        compiler: typescriptRequire,
        transpileOnly,
        project: tsconfig,
        skipProject: false,
        compilerOptions: { target: "ES2020", module: "nodenext", moduleResolution: "nodenext", sourceMap: "true", ...compilerOptions },
    });
    const { config, secretKeys } = JSON.parse(require("fs").readFileSync(configFile, "utf8"));
    const { awsMocks } = require(mocksJs);
    await pulumi.runtime.setMocks(awsMocks({ region: config["aws:region"] ?? "us-east-1", preview: false }), "msk-lambda", stack, false);
    pulumi.runtime.setAllConfig(config, secretKeys);
    const monitor = pulumi.runtime.getMonitor();
    const register = monitor.registerResource.bind(monitor);
    let resources = 0;
    const registered = [];
    monitor.registerResource = (req, cb) => {
        resources++;
        if (process.env.START_BENCH_RECORD === "1") registered.push({ type: req.getType(), name: req.getName(), inputs: req.getObject()?.toJavaScript() ?? {} });
        return register(req, cb);
    };
    await pulumi.runtime.runInPulumiStack(async () => {
        require(root + "/index.ts");
        out.program = t();
    });
    await require(require.resolve("@pulumi/pulumi/runtime/settings", { paths: [root] })).waitForRPCs();
    out.registered = t();
    out.resources = resources;
    if (registered.length) out.registered_ = registered;
    const cpu = process.cpuUsage();
    out.cpu = (cpu.user + cpu.system) / 1000;
    process.stdout.write(JSON.stringify(out) + "\\n");
})().catch((e) => { console.error(e); process.exit(3); });
`;

export function child(
    args: string[],
    env: Record<string, string | undefined>,
): Promise<StartPhases & { registered_?: { type: string; name: string; inputs: unknown }[] }> {
    const t0 = performance.now();
    return new Promise((resolve, reject) => {
        execFile(process.execPath, ["-e", CHILD, ...args], { cwd: ROOT, env, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
            if (err) return reject(new Error(`start bench child failed: ${stderr.slice(-2000)}`));
            const last = stdout.trim().split("\n").pop()!;
            resolve({ ...JSON.parse(last), wall: performance.now() - t0 });
        });
    });
}

/** The stacks measured: the shipped dev stack, and the dev stack with `n` consumers in place of its own. */
function stackConfigs(consumers10: object[]): Record<string, { config: Record<string, string>; secretKeys: string[] }> {
    const dev = loadConfig(ROOT, "dev", []);
    return {
        dev: { config: dev.config, secretKeys: dev.secretKeys },
        "dev, 10 consumers": { config: { ...dev.config, "msk-lambda:consumers": JSON.stringify(consumers10) }, secretKeys: dev.secretKeys },
    };
}

/**
 * `checked`: ts-node's default, what `pulumi up` does without the variable (a local run); `transpileOnly`:
 * `PULUMI_NODEJS_TRANSPILE_ONLY=true` alone; `workflows`: what the workflows' Pulumi steps set (tests/workflows.test.ts
 * holds the two equal): that, `PULUMI_NODEJS_TSCONFIG_PATH=tsconfig.transpile.json` (ts-node's transpiler set to
 * esbuild) and `NODE_OPTIONS=--stack-trace-limit=0` (no stack trace per SDK promise).
 */
export const MODES = ["checked", "transpileOnly", "workflows"] as const;
export type Mode = (typeof MODES)[number];
export const MODE_ENV: Record<Mode, Record<string, string | undefined>> = {
    checked: { PULUMI_NODEJS_TRANSPILE_ONLY: undefined, PULUMI_NODEJS_TSCONFIG_PATH: undefined, NODE_OPTIONS: undefined },
    transpileOnly: { PULUMI_NODEJS_TRANSPILE_ONLY: "true", PULUMI_NODEJS_TSCONFIG_PATH: undefined, NODE_OPTIONS: undefined },
    workflows: { PULUMI_NODEJS_TRANSPILE_ONLY: "true", PULUMI_NODEJS_TSCONFIG_PATH: "tsconfig.transpile.json", NODE_OPTIONS: "--stack-trace-limit=0" },
};
const LABELS: Record<Mode, string> = {
    checked: "yes (ts-node's default: a local `pulumi up`)",
    transpileOnly: "no (`PULUMI_NODEJS_TRANSPILE_ONLY=true`)",
    workflows: "no, esbuild transpiles, no stack trace per promise (the workflows' environment)",
};

/** plan/mocks.ts as JavaScript in `dir` (the child loads it without ts-node). */
export function mocksAsJs(dir: string): string {
    const mocksJs = path.join(dir, "mocks.js");
    const source = fs.readFileSync(path.join(ROOT, "plan", "mocks.ts"), "utf8");
    fs.writeFileSync(mocksJs, ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText);
    return mocksJs;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * Median of `runs` fresh processes per stack and mode: `checked` (ts-node's default, what `pulumi up` does today
 * without the variable) and `transpileOnly` (`PULUMI_NODEJS_TRANSPILE_ONLY=true`, what the workflows set).
 */
export async function startTimes(consumers10: object[], runs = Number(process.env.START_BENCH_RUNS ?? 3)): Promise<Record<string, Record<Mode, StartPhases>>> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "start-bench-"));
    try {
        const mocksJs = mocksAsJs(dir);
        const out: Record<string, Record<Mode, StartPhases>> = {};
        for (const [name, cfg] of Object.entries(stackConfigs(consumers10))) {
            const configFile = path.join(dir, `${name.replace(/\W+/g, "-")}.json`);
            fs.writeFileSync(configFile, JSON.stringify(cfg));
            const row = {} as Record<Mode, StartPhases>;
            for (const mode of MODES) {
                const env = { ...process.env, ...MODE_ENV[mode], TS_NODE_TRANSPILE_ONLY: undefined };
                const samples: StartPhases[] = [];
                for (let i = 0; i < runs; i++) samples.push(await child([ROOT, mocksJs, configFile, "bench"], env));
                const pick = (k: keyof StartPhases) => Math.round(median(samples.map((s) => s[k])));
                row[mode] = {
                    sdk: pick("sdk"),
                    program: pick("program"),
                    registered: pick("registered"),
                    wall: pick("wall"),
                    cpu: pick("cpu"),
                    resources: samples[0].resources,
                };
            }
            out[name] = row;
        }
        return out;
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

/** The start figures as a Markdown table (one row per stack and mode). */
export function startTable(start: Awaited<ReturnType<typeof startTimes>>): string[] {
    const lines = [
        "Program start as the language host loads it (fresh process: ts-node with `@pulumi/pulumi/cmd/run`'s options, `index.ts`, every registration answered; median of START_BENCH_RUNS runs, default 3):",
        "",
        "| stack | type-check | wall to last registration | CPU | `@pulumi/pulumi` loaded | `index.ts` loaded and run | resources |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ];
    for (const [stack, row] of Object.entries(start)) {
        for (const [mode, p] of Object.entries(row)) {
            const label = LABELS[mode as Mode];
            lines.push(`| ${stack} | ${label} | ${p.registered} ms | ${p.cpu} ms | ${p.sdk} ms | ${p.program} ms | ${p.resources} |`);
        }
        lines.push(
            `| ${stack} | workflows / checked | ${Math.round((100 * row.workflows.registered) / row.checked.registered)}% (wall) | ${Math.round((100 * row.workflows.cpu) / row.checked.cpu)}% (CPU) | | | |`,
        );
    }
    return lines;
}
