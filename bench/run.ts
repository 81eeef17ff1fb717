/**
 * `npm run bench`: how the program, the plan and the pack scale, and how close the pack is to the protocol's floor.
 * Prints a Markdown table and, as its last line, one JSON object with every figure. Not a test: nothing here asserts.
 *
 * 1. Program: the program under Pulumi's mocks for 1, 10 and 100 generated consumers (median of 3 warm runs), and a
 *    cold `npm run plan` of 100 consumers as its own process (pack included).
 * 2. Pack throughput: a sequential stream of `Analyze` calls over 1,000 and 10,000 generated resources of realistic
 *    shapes (every type the pack inspects; requests built before timing, as the Go engine hands them over), and
 *    `AnalyzeStack` on stacks of 1,000 and 10,000 resources (request building included).
 * 3. Floor: the same against a pack with no policies (bench/empty-pack), in the same run.
 * 4. Modeled deploy time: the critical path of a first `pulumi up` of each shipped stack (plan/deploy-model.ts).
 * 5. Hostile input: each shape of tests/helpers/hostile.ts at the sizes that once stalled or broke the pack (a
 *    60,000-character IAM pattern, an 800 KB ARN, 130,000 statements, 480 groups with colliding names, properties
 *    1,000 levels deep): the slowest `Analyze` and the `AnalyzeStack` of each, against the empty pack, with gRPC errors
 *    and diagnostics counted (requests built before timing).
 * 6. Boot: time from starting the CLI's entry (`@pulumi/pulumi/cmd/run-policy-pack`) to the served port, for this pack
 *    (compiled JavaScript) and for a one-policy JavaScript pack from the same node_modules (bench/one-policy-pack).
 * 7. Consumer handler: records/s of one MSK event without a store and with the DynamoDB store on a local server at a
 *    modelled per-call latency (bench/handler.ts; `--handler-only [--records N --partitions P --latency MS --rounds R]`), the store as shipped
 *    and Powertools' own store (before) interleaved, medians of the rounds.
 * 8. Start: the program's start as the Pulumi CLI's language host loads it, with and without ts-node's type-check,
 *    for the dev stack and the dev stack with 10 consumers (bench/start.ts; alone: `npm run bench -- --start-only`).
 */
import { execFile, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { buildStack } from "../components/stack";
import { parseStackConfig } from "../lib/config";
import { ensureBuilt, PACK_DIR, PackServer, type AnalyzerInput } from "../plan/analyzer";
import { loadConfig, ROOT } from "../plan/cli";
import { deployModel } from "../plan/deploy-model";
import { simulate } from "../plan/simulate";
import { resourceOf, TYPES, templates } from "../tests/helpers/generate";
import { hostileShapes, sharedRole } from "../tests/helpers/hostile";
import { handlerArgs, handlerBench, handlerMain, handlerRows } from "./handler";
import { startTable, startTimes } from "./start";

const now = () => Number(process.hrtime.bigint()) / 1e6; // ms

function median(xs: number[]): number {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}
function percentile(xs: number[], p: number): number {
    const s = [...xs].sort((a, b) => a - b);
    return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}
const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

/** n consumers of varied shapes: destination types, async destinations, filters, pollers. */
function consumers(n: number): object[] {
    const types = ["sqs", "sns", "s3"];
    return Array.from({ length: n }, (_, i) => ({
        name: `c${i}`,
        topic: `topic-${i}`,
        batchSize: 100 + i,
        onFailure: { type: types[i % 3] },
        ...(i % 4 === 0 ? { asyncDestinations: { onFailure: { type: "sqs" } } } : {}),
        ...(i % 5 === 0 ? { filters: [{ value: { type: ["order"] } }] } : {}),
        ...(i % 7 === 0 ? { provisionedPollers: { minimum: 1, maximum: 10 } } : {}),
    }));
}

async function runProgram(n: number): Promise<{ ms: number; resources: number }> {
    const config = { "aws:region": "us-east-1", "msk-lambda:environment": "dev", "msk-lambda:consumers": JSON.stringify(consumers(n)) };
    const t0 = now();
    const sim = await simulate(() => buildStack(parseStackConfig(config, { project: "msk-lambda", stack: "bench" })), {
        project: "msk-lambda",
        stack: "bench",
        preview: false,
        config,
        secretKeys: [],
    });
    return { ms: now() - t0, resources: sim.resources.length };
}

function planProcess(n: number): Promise<{ ms: number; code: number }> {
    const t0 = now();
    return new Promise((resolve) => {
        execFile(
            process.execPath,
            [
                "--max-semi-space-size=64",
                "-r",
                "ts-node/register/transpile-only",
                path.join(ROOT, "plan", "cli.ts"),
                "--stack",
                "dev",
                "--json",
                "--config",
                `msk-lambda:consumers=${JSON.stringify(consumers(n))}`,
            ],
            { cwd: ROOT, maxBuffer: 512 * 1024 * 1024, env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "1" } },
            (err) => resolve({ ms: now() - t0, code: err ? ((err as { code?: number }).code ?? 1) : 0 }),
        );
    });
}

/** n realistic resources, cycling through every type the pack inspects. */
function analyzeInputs(n: number): AnalyzerInput[] {
    const out: AnalyzerInput[] = [];
    for (let i = 0; out.length < n; i++) {
        const t = templates(i, { chain: "", key: "" });
        for (const type of TYPES) if (out.length < n) out.push(resourceOf(type, `r${i}`, t[type]));
    }
    return out;
}

/** A stack of about n resources made of whole consumer groups (every type, one index), so references resolve. */
function stackInputs(n: number): AnalyzerInput[] {
    const out: AnalyzerInput[] = [];
    for (let i = 0; out.length < n; i++) {
        const t = templates(i, { chain: "", key: "" });
        for (const type of TYPES) out.push(resourceOf(type, `g${i}`, t[type]));
    }
    return out.slice(0, n);
}

/** A sequential stream of Analyze calls; requests are built beforehand, as the engine (in Go) hands them over. */
async function analyzeStream(s: PackServer, inputs: AnalyzerInput[]) {
    const requests = inputs.map((r) => PackServer.prepareAnalyze(r));
    const latencies: number[] = [];
    const t0 = now();
    for (const req of requests) {
        const a = now();
        await s.analyzePrepared(req);
        latencies.push(now() - a);
    }
    const total = now() - t0;
    return {
        medianMs: round(median(latencies), 3),
        p95Ms: round(percentile(latencies, 95), 3),
        perSecond: Math.round((inputs.length / total) * 1000),
        totalMs: Math.round(total),
    };
}

/** Median of three AnalyzeStack calls (request building included: the same for both packs). */
async function analyzeStackTime(s: PackServer, inputs: AnalyzerInput[]) {
    await s.analyzeStack(inputs.slice(0, 50)); // warm
    const times: number[] = [];
    for (let k = 0; k < 3; k++) {
        const t0 = now();
        await s.analyzeStack(inputs);
        times.push(now() - t0);
    }
    return Math.round(median(times));
}

/** One shape through a pack: the slowest Analyze, the median of three AnalyzeStack calls, errors and diagnostics. */
async function hostileRun(s: PackServer, analyze: ReturnType<typeof PackServer.prepareAnalyze>[], stack: ReturnType<typeof PackServer.prepareAnalyzeStack>) {
    let errors = 0;
    let diagnostics = 0;
    let worstAnalyzeMs = 0;
    for (const req of analyze) {
        const t0 = now();
        try {
            diagnostics += (await s.analyzePrepared(req)).diagnostics.length;
        } catch {
            errors++;
        }
        worstAnalyzeMs = Math.max(worstAnalyzeMs, now() - t0);
    }
    const times: number[] = [];
    for (let k = 0; k < 3; k++) {
        const t0 = now();
        try {
            const r = await s.analyzeStackPrepared(stack);
            if (k === 0) diagnostics += r.diagnostics.length;
        } catch {
            if (k === 0) errors++;
        }
        times.push(now() - t0);
    }
    return { worstAnalyzeMs: round(worstAnalyzeMs, 1), analyzeStackMs: Math.round(median(times)), errors, diagnostics };
}

/** Milliseconds from starting the CLI's policy-pack entry in `dir` to the port it prints (then the process is ended). */
function bootOnce(dir: string): Promise<number> {
    const entry = path.join(path.dirname(require.resolve("@pulumi/pulumi/package.json")), "cmd", "run-policy-pack");
    return new Promise((resolve, reject) => {
        const t0 = now();
        const child = spawn(process.execPath, [entry, "127.0.0.1:1", "."], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
        let out = "";
        let err = "";
        child.stderr.on("data", (d) => (err += d));
        child.on("exit", (code) => reject(new Error(`the pack in ${dir} exited with ${code} before serving: ${err.slice(-2000)}`)));
        child.stdout.on("data", (d) => {
            out += d;
            if (!out.includes("\n")) return;
            const ms = now() - t0;
            child.removeAllListeners("exit");
            child.once("exit", () => resolve(ms));
            child.kill();
        });
    });
}

/** Median of 5 boots of each pack, alternating so both see the same machine load. */
async function bootTimes(dirs: string[]): Promise<number[]> {
    const runs: number[][] = dirs.map(() => []);
    for (let k = 0; k < 5; k++) for (let i = 0; i < dirs.length; i++) runs[i].push(await bootOnce(dirs[i]));
    return runs.map((r) => Math.round(median(r)));
}

/** CPU time (user + system) a process has used so far, in ms, from /proc (Linux); NaN elsewhere. */
function processCpuMs(pid: number | undefined): number {
    try {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        // utime and stime are fields 14 and 15 of the file (11 and 12 after the command), in clock ticks (100 per second).
        return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
    } catch {
        return NaN;
    }
}

/** Starts the pack with the given environment switches set (each pack reads them once, at start). */
async function startWith(env: Record<string, string>): Promise<PackServer> {
    const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
    Object.assign(process.env, env);
    try {
        return await PackServer.start();
    } finally {
        for (const [k, v] of Object.entries(saved))
            if (v === undefined) delete process.env[k];
            else process.env[k] = v;
    }
}

/**
 * `npm run bench -- --pack-only` (about a minute): AnalyzeStack of 10,000 resources against the empty pack, with the
 * pack as it ships, without the shared resource list of policies/lib/stack-once.ts (MSK_LAMBDA_NO_STACK_ONCE=1: the
 * pack before it) and without the request decoding of policies/lib/decode-once.ts too (MSK_LAMBDA_NO_DECODE_ONCE=1),
 * interleaved (one call of each pack per round, 5 rounds, medians), and the shared-role shape (1,000 mappings,
 * 2,000 statements). Issue 17 section 2 and issue 18 section 4.
 */
async function packOnly(figures: Record<string, unknown>) {
    const stack = PackServer.prepareAnalyzeStack(stackInputs(10000));
    const shape = sharedRole(1000, 2000);
    const shapeReq = PackServer.prepareAnalyzeStack(shape.resources);
    const servers = {
        floor: await PackServer.start(path.join(ROOT, "bench", "empty-pack")),
        ours: await PackServer.start(),
        withoutStackOnce: await startWith({ MSK_LAMBDA_NO_STACK_ONCE: "1" }),
        withoutEither: await startWith({ MSK_LAMBDA_NO_STACK_ONCE: "1", MSK_LAMBDA_NO_DECODE_ONCE: "1" }),
    };
    type Name = keyof typeof servers;
    const cpuTimes: Partial<Record<Name, number>> = {};
    /**
     * Median per pack of `rounds` rounds, each calling every pack once in turn (so all see the same machine load): the
     * wall time of the call, and the CPU time the pack's process spent on it (steadier on a busy machine).
     */
    const interleaved = async (names: Name[], req: typeof stack, rounds: number) => {
        const times = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<Name, number[]>;
        const cpu = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<Name, number[]>;
        for (let k = 0; k < rounds; k++)
            for (const n of names) {
                const c0 = processCpuMs(servers[n].pid);
                const t0 = now();
                await servers[n].analyzeStackPrepared(req);
                times[n].push(now() - t0);
                cpu[n].push(processCpuMs(servers[n].pid) - c0);
            }
        for (const n of names) cpuTimes[n] = Math.round(median(cpu[n]));
        return Object.fromEntries(names.map((n) => [n, Math.round(median(times[n]))])) as Record<Name, number>;
    };
    try {
        const names = Object.keys(servers) as Name[];
        for (const s of Object.values(servers)) await s.configure({});
        for (const n of names) await servers[n].analyzeStackPrepared(PackServer.prepareAnalyzeStack(stackInputs(50))); // warm
        const t = await interleaved(names, stack, 5);
        const cpu = { ...cpuTimes } as Record<Name, number>;
        const shapeT = await interleaved(["floor", "ours"], shapeReq, 3);
        const ratio = (n: Name) => round(t[n] / t.floor);
        figures.packOnly = {
            analyzeStack10k: {
                oursMs: t.ours,
                floorMs: t.floor,
                ratio: ratio("ours"),
                withoutStackOnceMs: t.withoutStackOnce,
                ratioWithoutStackOnce: ratio("withoutStackOnce"),
                withoutEitherMs: t.withoutEither,
                ratioWithoutEither: ratio("withoutEither"),
                packProcessCpuMs: cpu,
                cpuRatio: round(cpu.ours / cpu.floor),
                cpuRatioWithoutStackOnce: round(cpu.withoutStackOnce / cpu.floor),
            },
            sharedRole: { detail: shape.detail, oursMs: shapeT.ours, floorMs: shapeT.floor },
            loadAverage: os.loadavg().map((x) => round(x, 1)),
        };
        console.log(
            `AnalyzeStack, 10,000 resources (median of 5, interleaved): ours ${t.ours} ms, empty pack ${t.floor} ms, ratio ${ratio("ours")} (target <= 2)`,
        );
        console.log(`  without the shared resource list (MSK_LAMBDA_NO_STACK_ONCE=1): ${t.withoutStackOnce} ms, ratio ${ratio("withoutStackOnce")}`);
        console.log(`  without it and without the request decoding (MSK_LAMBDA_NO_DECODE_ONCE=1 too): ${t.withoutEither} ms, ratio ${ratio("withoutEither")}`);
        console.log(
            `  CPU time of the pack's process per call (median): ours ${cpu.ours} ms, empty pack ${cpu.floor} ms (ratio ${round(cpu.ours / cpu.floor)}), without the shared list ${cpu.withoutStackOnce} ms, without either ${cpu.withoutEither} ms`,
        );
        console.log(`${shape.detail}: ours ${shapeT.ours} ms, empty pack ${shapeT.floor} ms (target < 2 s)`);
        console.log(
            `load average ${os
                .loadavg()
                .map((x) => x.toFixed(1))
                .join(" / ")} (1 / 5 / 15 min)`,
        );
    } finally {
        await Promise.all(Object.values(servers).map((s) => s.stop()));
    }
}

async function main() {
    // `npm run bench -- --hostile-only`: only the hostile-input table and the boot time.
    const hostileOnly = process.argv.includes("--hostile-only");
    if (process.argv.includes("--handler-only")) return handlerMain();
    // `npm run bench -- --start-only`: only the program's start under the language host (bench/start.ts).
    if (process.argv.includes("--start-only")) {
        const start = await startTimes(consumers(10));
        console.log(startTable(start).join("\n") + "\n");
        console.log(JSON.stringify({ start }));
        return;
    }
    if (process.argv.includes("--pack-only")) {
        const figures: Record<string, unknown> = { date: new Date().toISOString().slice(0, 10) };
        await packOnly(figures);
        ensureBuilt(PACK_DIR);
        const [packBootMs, onePolicyBootMs] = await bootTimes([PACK_DIR, path.join(ROOT, "bench", "one-policy-pack")]);
        figures.boot = { packMs: packBootMs, onePolicyJsMs: onePolicyBootMs, ratio: round(packBootMs / onePolicyBootMs) };
        console.log(
            `Boot (median of 5): this pack ${packBootMs} ms, one-policy JavaScript pack ${onePolicyBootMs} ms, ratio ${round(packBootMs / onePolicyBootMs)} (target <= 1.2)`,
        );
        console.log(JSON.stringify(figures));
        return;
    }
    const figures: Record<string, unknown> = {
        machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version },
        date: new Date().toISOString().slice(0, 10),
    };

    if (!hostileOnly) {
        // 1. Program
        await runProgram(1); // load modules once
        const program: Record<string, { medianMs: number; resources: number }> = {};
        for (const n of [1, 10, 100]) {
            const runs = [];
            for (let k = 0; k < 3; k++) runs.push(await runProgram(n));
            program[n] = { medianMs: Math.round(median(runs.map((r) => r.ms))), resources: runs[0].resources };
        }
        // Median of three cold plan processes (this machine's timings vary by about 15% from run to run).
        const plans = [await planProcess(100), await planProcess(100), await planProcess(100)];
        const plan100 = { ms: median(plans.map((p) => p.ms)), code: Math.max(...plans.map((p) => p.code)) };
        figures.program = {
            ...program,
            ratio100to10: round(program[100].medianMs / program[10].medianMs),
            planProcess100: { ms: Math.round(plan100.ms), exitCode: plan100.code },
        };

        // 2 and 3. Pack and floor
        const ours = await PackServer.start();
        const floor = await PackServer.start(path.join(ROOT, "bench", "empty-pack"));
        const pack: Record<string, unknown> = {};
        try {
            await ours.configure({});
            await floor.configure({});
            for (const n of [1000, 10000]) {
                const inputs = analyzeInputs(n);
                await analyzeStream(ours, analyzeInputs(2000)); // warm both (JIT)
                await analyzeStream(floor, analyzeInputs(2000));
                const a = await analyzeStream(ours, inputs);
                const f = await analyzeStream(floor, inputs);
                const stack = stackInputs(n);
                const sOurs = await analyzeStackTime(ours, stack);
                const sFloor = await analyzeStackTime(floor, stack);
                pack[n] = {
                    analyze: a,
                    analyzeFloor: f,
                    analyzeRatioToFloor: round(a.totalMs / f.totalMs),
                    analyzeStackMs: sOurs,
                    analyzeStackFloorMs: sFloor,
                    analyzeStackRatioToFloor: round(sOurs / Math.max(1, sFloor)),
                };
            }
        } finally {
            await ours.stop();
            await floor.stop();
        }
        const p1 = pack[1000] as { analyzeStackMs: number };
        const p10 = pack[10000] as { analyzeStackMs: number };
        figures.pack = { ...pack, analyzeStackScaling10kTo1k: round(p10.analyzeStackMs / Math.max(1, p1.analyzeStackMs)) };

        // 4. Modeled deploy time of the shipped stacks
        const deploy: Record<string, unknown> = {};
        for (const stack of ["dev", "prod"]) {
            const loaded = loadConfig(ROOT, stack, []);
            const sim = await simulate(() => buildStack(parseStackConfig(loaded.config, { project: loaded.project, stack, secretKeys: loaded.secretKeys })), {
                project: loaded.project,
                stack,
                preview: false,
                config: loaded.config,
                secretKeys: loaded.secretKeys,
            });
            const model = deployModel(sim.resources);
            deploy[stack] = {
                minutes: round(model.totalSeconds / 60, 1),
                criticalPath: model.path.map((p) => `${p.type.split(":").pop()} ${p.name} (${p.seconds}s)`),
            };
        }
        figures.deploy = deploy;

        // 7. Consumer handler
        figures.handler = await handlerBench(handlerArgs());
    }
    // 5. Hostile input, against the floor
    const hostile: Record<string, unknown> = {};
    const oursH = await PackServer.start();
    const floorH = await PackServer.start(path.join(ROOT, "bench", "empty-pack"));
    try {
        await oursH.configure({});
        await floorH.configure({});
        for (const shape of [...hostileShapes("bench"), sharedRole(1000, 2000)]) {
            const analyze = (shape.analyze ?? shape.resources).map((r) => PackServer.prepareAnalyze(r));
            const stack = PackServer.prepareAnalyzeStack(shape.resources);
            const o = await hostileRun(oursH, analyze, stack);
            const f = await hostileRun(floorH, analyze, stack);
            hostile[shape.name] = { detail: shape.detail, resources: shape.resources.length, ours: o, floor: f };
        }
    } finally {
        await oursH.stop();
        await floorH.stop();
    }
    figures.hostile = hostile;

    // 6. Boot through the CLI's entry: this pack (compiled first, as CI and publish do) and a one-policy JS pack
    ensureBuilt(PACK_DIR);
    const [packBootMs, onePolicyBootMs] = await bootTimes([PACK_DIR, path.join(ROOT, "bench", "one-policy-pack")]);
    figures.boot = { packMs: packBootMs, onePolicyJsMs: onePolicyBootMs, ratio: round(packBootMs / onePolicyBootMs) };

    if (!hostileOnly) {
        // Report
        const P = figures.program as any;
        const K = figures.pack as any;
        const D = figures.deploy as any;
        const rows = [
            ["program, 1 consumer (mocks)", `${P[1].medianMs} ms`, `${P[1].resources} resources`],
            ["program, 10 consumers", `${P[10].medianMs} ms`, `${P[10].resources} resources`],
            ["program, 100 consumers", `${P[100].medianMs} ms`, `${P[100].resources} resources; time(100)/time(10) = ${P.ratio100to10} (target < 12)`],
            [
                "`npm run plan`, 100 consumers, own process, pack included (median of 3)",
                `${(P.planProcess100.ms / 1000).toFixed(1)} s`,
                `exit ${P.planProcess100.exitCode} (target < 15 s)`,
            ],
            ...[1000, 10000].flatMap((n) => [
                [
                    `Analyze x ${n} (sequential)`,
                    `${K[n].analyze.perSecond}/s`,
                    `median ${K[n].analyze.medianMs} ms, p95 ${K[n].analyze.p95Ms} ms; empty pack ${K[n].analyzeFloor.perSecond}/s; ratio to floor ${K[n].analyzeRatioToFloor} (target >= 1000/s, < 3x)`,
                ],
                [
                    `AnalyzeStack, ${n} resources`,
                    `${K[n].analyzeStackMs} ms`,
                    `empty pack ${K[n].analyzeStackFloorMs} ms; ratio to floor ${K[n].analyzeStackRatioToFloor}${n === 10000 ? ` (target < 3 s); 10k/1k = ${K.analyzeStackScaling10kTo1k}` : ""}`,
                ],
            ]),
            ...["dev", "prod"].map((s) => [`modeled first \`pulumi up\`, ${s}`, `${D[s].minutes} min`, D[s].criticalPath.join(" -> ")]),
            ...handlerRows(figures.handler as any),
        ];
        console.log(`Benchmarks on ${os.cpus().length} x ${os.cpus()[0]?.model ?? "cpu"}, Node ${process.version}, ${figures.date}\n`);
        console.log("| measure | figure | detail |\n| --- | --- | --- |");
        for (const r of rows) console.log(`| ${r.join(" | ")} |`);
    }
    console.log("");
    const B = figures.boot as any;
    console.log(
        `Boot through \`@pulumi/pulumi/cmd/run-policy-pack\` to the served port (median of 5): this pack ${B.packMs} ms, a one-policy JavaScript pack ${B.onePolicyJsMs} ms; ratio ${B.ratio} (target <= 1.2)\n`,
    );
    console.log(
        "| hostile shape | our pack: slowest Analyze / AnalyzeStack | empty pack: slowest Analyze / AnalyzeStack | gRPC errors (ours / empty) | diagnostics |",
    );
    console.log("| --- | --- | --- | --- | --- |");
    for (const [name, h] of Object.entries<any>(figures.hostile as object)) {
        console.log(
            `| ${name}: ${h.detail} | ${h.ours.worstAnalyzeMs} ms / ${h.ours.analyzeStackMs} ms | ${h.floor.worstAnalyzeMs} ms / ${h.floor.analyzeStackMs} ms | ${h.ours.errors} / ${h.floor.errors} | ${h.ours.diagnostics} |`,
        );
    }
    // 8. The program's start as the language host loads it, with and without the type-check (bench/start.ts)
    if (!hostileOnly) {
        figures.start = await startTimes(consumers(10));
        console.log("\n" + startTable(figures.start as Awaited<ReturnType<typeof startTimes>>).join("\n"));
    }
    console.log("");
    console.log(JSON.stringify(figures));
}

main().catch((e) => {
    console.error(e);
    process.exit(1);
});
