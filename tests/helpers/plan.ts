import { execFile } from "child_process";
import * as fs from "fs";
import * as path from "path";

export const ROOT = path.resolve(__dirname, "..", "..");

/** Every stack shipped with the project (`Pulumi.<stack>.yaml`). */
export const SHIPPED_STACKS = fs
    .readdirSync(ROOT)
    .filter((f) => /^Pulumi\.[^.]+\.yaml$/.test(f))
    .map((f) => f.slice("Pulumi.".length, -".yaml".length));

export interface PlanRun {
    code: number;
    stdout: string;
    stderr: string;
}

/**
 * Runs the offline plan as `npm run plan` does (ts-node, transpile-only), as its own process: for the tests about the
 * process itself (its exit status, its own pack). With `packPort`, the plan speaks to that already-running pack.
 */
export function spawnPlan(args: string[], packPort?: number): Promise<PlanRun> {
    return new Promise((resolve) => {
        execFile(
            process.execPath,
            ["--max-semi-space-size=64", "-r", "ts-node/register/transpile-only", path.join(ROOT, "plan", "cli.ts"), ...args],
            {
                cwd: ROOT,
                maxBuffer: 64 * 1024 * 1024,
                env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "1", ...(packPort ? { MSK_LAMBDA_PACK_ADDRESS: `127.0.0.1:${packPort}` } : {}) },
            },
            (err, stdout, stderr) => resolve({ code: err ? ((err as any).code ?? 1) : 0, stdout, stderr }),
        );
    });
}

/** In-process plans run one at a time: the Pulumi runtime the program runs under, and the pack's config, are process-wide. */
let queue: Promise<unknown> = Promise.resolve();

/**
 * Runs the offline plan in this process (`main` of plan/cli.ts, the command's whole code path after the process
 * starts), with its output captured and its working directory the repository root. With `packPort`, the plan speaks
 * to that already-running pack; without, it starts its own pack process as `npm run plan` does.
 */
export function runPlan(args: string[], packPort?: number): Promise<PlanRun> {
    const run = queue.then(async () => {
        const { main } = await import("../../plan/cli");
        let stdout = "";
        let stderr = "";
        const code = await main(args, {
            stdout: (t) => void (stdout += t),
            stderr: (t) => void (stderr += t),
            cwd: ROOT,
            env: { MSK_LAMBDA_PACK_ADDRESS: packPort ? `127.0.0.1:${packPort}` : undefined },
        });
        return { code, stdout, stderr };
    });
    queue = run.catch(() => undefined);
    return run;
}

const once = new Map<string, Promise<PlanRun>>();

/**
 * `runPlan` for a run several test files need (e.g. the shipped stacks' `--json` plans): run once per test process,
 * the result shared. Only for runs whose output does not depend on anything but the arguments.
 */
export function planOnce(args: string[], packPort?: number): Promise<PlanRun> {
    const key = JSON.stringify(args);
    let run = once.get(key);
    if (!run) {
        run = runPlan(args, packPort);
        once.set(key, run);
    }
    return run;
}
