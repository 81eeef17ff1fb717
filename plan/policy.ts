/**
 * Evaluates the policy pack on a simulated plan over the Analyzer protocol, as `pulumi preview --policy-pack` does:
 * `Analyze` for each resource (its inputs), then `AnalyzeStack` for all of them (their outputs, parents and
 * dependencies).
 */
import * as fs from "fs";
import * as path from "path";
import { PACK_DIR, PackServer, type AnalyzerInput, type Diagnostic, type PolicyConfigFile } from "./analyzer";
import type { SimulationResult } from "./simulate";
import { forAnalyzer } from "./values";

export interface PolicyReport {
    /** `name@version` of the pack. */
    pack: string;
    violations: Diagnostic[];
}

/** The policy config a stack uses: `--policy-config FILE`, else `policies/config/<stack>.json` when it exists. */
export function policyConfigFor(stack: string, file?: string): { file?: string; config: PolicyConfigFile } {
    const chosen = file ?? path.join(PACK_DIR, "config", `${stack}.json`);
    if (!fs.existsSync(chosen)) {
        if (file) throw new PolicyConfigError(`--policy-config ${file}: no such file`);
        return { config: {} };
    }
    let parsed: unknown;
    try {
        parsed = JSON.parse(fs.readFileSync(chosen, "utf8"));
    } catch (e) {
        throw new PolicyConfigError(`${chosen} is not valid JSON: ${(e as Error).message}`);
    }
    if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw new PolicyConfigError(`${chosen} must be a JSON object keyed by policy name`);
    return { file: chosen, config: parsed as PolicyConfigFile };
}

export class PolicyConfigError extends Error {
    name = "PolicyConfigError";
}

export function analyzerInputs(sim: SimulationResult, use: "inputs" | "state"): AnalyzerInput[] {
    return sim.resources.map((r) => ({
        type: r.type,
        name: r.name,
        urn: r.urn,
        props: forAnalyzer(use === "state" && Object.keys(r.rawState).length ? r.rawState : r.rawInputs, false) as Record<string, unknown>,
        parent: r.parent,
        dependencies: r.dependencies,
        propertyDependencies: r.propertyDependencies,
        options: { protect: r.options.protect, deleteBeforeReplace: r.options.deleteBeforeReplace },
    }));
}

/**
 * The pack the plan speaks to: started as its own process, as the CLI does, unless `MSK_LAMBDA_PACK_ADDRESS` names a
 * pack already serving (tests and CI reuse one pack process that way). `stop` ends what `startPack` started.
 */
export function startPack(address = process.env.MSK_LAMBDA_PACK_ADDRESS): { server: Promise<PackServer>; stop(): Promise<void> } {
    const server = address ? Promise.resolve(PackServer.connect(address)) : PackServer.start();
    server.catch(() => undefined); // reported where it is awaited
    return {
        server,
        async stop() {
            const s = await server.catch(() => undefined);
            await s?.stop(); // for a connected pack this only closes the client
        },
    };
}

/**
 * Evaluates the pack on the plan: `Analyze` for each resource (its inputs), up to 16 calls in flight as the engine
 * analyzes the steps it runs in parallel, then `AnalyzeStack` for all of them (their outputs and dependencies).
 */
export async function evaluatePolicies(sim: SimulationResult, config: PolicyConfigFile, server: PackServer): Promise<PolicyReport> {
    const info = await server.info();
    try {
        await server.configure(config);
    } catch (e) {
        throw new PolicyConfigError((e as Error).message);
    }
    const inputs = analyzerInputs(sim, "inputs");
    const results: Diagnostic[][] = new Array(inputs.length);
    let next = 0;
    const worker = async () => {
        while (next < inputs.length) {
            const i = next++;
            const res = await server.analyze(inputs[i]);
            // A resource policy's violation is about the analyzed resource.
            results[i] = res.diagnostics.map((d) => ({ ...d, urn: d.urn || inputs[i].urn }));
        }
    };
    await Promise.all(Array.from({ length: Math.min(16, inputs.length) }, worker));
    const stack = await server.analyzeStack(analyzerInputs(sim, "state"));
    return { pack: `${info.name}@${info.version}`, violations: [...results.flat(), ...stack.diagnostics] };
}
