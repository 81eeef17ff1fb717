/**
 * Test helper for the policy pack: one pack process per test run (started on first use, as the CLI starts it, and
 * stopped by the root hook below), and builders for resources "as another program would register them".
 */
import { PackServer, type AnalyzerInput, type Diagnostic, type PolicyConfigFile } from "../../plan/analyzer";
import { secretValue } from "../../plan/values";
import { UNKNOWN_SENTINELS } from "../../policies/lib/values";

/**
 * `MSK_LAMBDA_PACK_IN_PROCESS=1` (set by `npm run mutate:pack`): the pack is served from this test process instead of
 * its own, so a mutation-testing runner that switches mutants inside this process (Stryker's mocha runner) switches
 * them in the pack too, and sees which tests run which of the pack's code. It is loaded here, when the root hooks load
 * and before any test runs, so code that runs at the pack's load counts as such (not as covered by the first test).
 * The requests are the same gRPC calls over 127.0.0.1; only the process differs.
 */
let server: Promise<PackServer> | undefined = process.env.MSK_LAMBDA_PACK_IN_PROCESS === "1" ? serveInProcess() : undefined;

export function pack(): Promise<PackServer> {
    return (server ??= PackServer.start());
}

/** Loads the pack's sources into this process (`@pulumi/policy` serves on a free port and prints it) and connects. */
function serveInProcess(): Promise<PackServer> {
    const log = console.log;
    return new Promise((resolve, reject) => {
        console.log = (...args: unknown[]) => {
            const line = String(args[0]);
            if (!/^\d+$/.test(line)) return log(...args);
            console.log = log;
            resolve(PackServer.connect(`127.0.0.1:${line}`));
        };
        try {
            require("../../policies/index");
        } catch (e) {
            console.log = log;
            reject(e instanceof Error ? e : new Error(String(e)));
        }
    });
}

/**
 * Root hooks (loaded through .mocharc's `require`): stop the pack after all tests. A runner that runs the suite again
 * in the same process (Stryker's mocha runner, once per mutant) gets a fresh pack on its next `pack()`; the in-process
 * pack cannot be served twice, so only the connection to it is closed and reopened (it keeps the process alive: run
 * mocha by hand with `--exit` in that mode).
 */
export const mochaHooks = {
    async afterAll() {
        if (!server) return;
        const s = await server;
        await s.stop();
        server = process.env.MSK_LAMBDA_PACK_IN_PROCESS === "1" ? Promise.resolve(PackServer.connect(`127.0.0.1:${s.port}`)) : undefined;
    },
};

/** The protocol's unknown sentinel, as a first `pulumi preview` sends computed values. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
/** A secret as the engine sends it (the pack's runtime unwraps it). */
export const secret = secretValue;

export const ACCOUNT = "111122223333";
export const CLUSTER_ARN = `arn:aws:kafka:us-east-1:${ACCOUNT}:cluster/shared/fc2f5bdf-fd1b-45ad-85dd-15b4a5a6247e-2`;

export interface Res extends AnalyzerInput {
    /** Property dependencies by resource object, turned into URNs. */
    deps?: Record<string, Res[]>;
}

/** A resource of another program (project `other`), with property dependencies on other test resources. */
export function res(type: string, name: string, props: Record<string, unknown>, deps: Record<string, Res[]> = {}): Res {
    const urn = `urn:pulumi:test::other::${type}::${name}`;
    const propertyDependencies: Record<string, string[]> = {};
    for (const [k, list] of Object.entries(deps)) propertyDependencies[k] = list.map((r) => r.urn);
    return { type, name, urn, props, parent: "", dependencies: [...new Set(Object.values(propertyDependencies).flat())], propertyDependencies };
}

/**
 * Sends the resources through `Analyze` (each) and `AnalyzeStack` (all), with the given policy config, and returns
 * every diagnostic (resource-policy diagnostics carry the analyzed resource's URN). Throws when the stack policies'
 * mandatory verdict differs on the same resources as discovered (`sameVerdictDiscovered`).
 */
export async function check(resources: Res | Res[], config: PolicyConfigFile = {}): Promise<Diagnostic[]> {
    const list = Array.isArray(resources) ? resources : [resources];
    const s = await pack();
    await s.configure(config);
    const out: Diagnostic[] = [];
    for (const r of list) {
        const a = await s.analyze(r);
        out.push(...a.diagnostics.map((d) => ({ ...d, urn: d.urn || r.urn })));
    }
    const stack = (await s.analyzeStack(list)).diagnostics;
    out.push(...stack);
    // Exemptions name program URNs, which discovered resources do not have.
    if (!JSON.stringify(config).includes('"exemptions"')) await sameVerdictDiscovered(list, stack);
    return out;
}

/**
 * Every test stack is also judged as an account scan reports it (no program URNs, parents or property dependencies),
 * unless it holds values not known yet (a first preview, where only property dependencies can relate resources): the
 * stack policies' mandatory verdict must be the same (tests/pack-shapes.test.ts covers the shipped stacks).
 */
async function sameVerdictDiscovered(list: Res[], given: Diagnostic[]): Promise<void> {
    const text = JSON.stringify(list.map((r) => r.props));
    for (const u of UNKNOWN_SENTINELS) if (text.includes(u)) return;
    const back = new Map<string, string>();
    const disc = list.map((r) => {
        const urn = `urn:pulumi:discovered::aws-account::${r.type}::${r.name}`;
        back.set(urn, r.urn);
        return { type: r.type, name: r.name, urn, props: r.props, parent: "", dependencies: [], propertyDependencies: {} };
    });
    const verdict = (ds: Diagnostic[]) =>
        [...new Set(ds.filter((d) => d.enforcementLevel === "mandatory").map((d) => `${d.policy} @ ${back.get(d.urn) ?? d.urn}`))].sort();
    const a = verdict(given);
    const b = verdict((await (await pack()).analyzeStack(disc)).diagnostics);
    if (JSON.stringify(a) !== JSON.stringify(b))
        throw new Error(`the pack's verdict differs on this stack as discovered resources:\n  given ${JSON.stringify(a)}\n  discovered ${JSON.stringify(b)}`);
}

/** Diagnostics of one policy. */
export function of(diags: Diagnostic[], policy: string, level?: Diagnostic["enforcementLevel"]): Diagnostic[] {
    return diags.filter((d) => d.policy === policy && (level === undefined || d.enforcementLevel === level));
}
