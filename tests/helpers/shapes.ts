/**
 * One stack in the three shapes a pack meets in an organisation: preview inputs (`pulumi preview`), state (an audit
 * policy group evaluating a stack after an update) and discovered resources (an account scan: no program URNs, parents,
 * property dependencies or dependsOn), and the pack's mandatory verdict on each, as (policy, type::name) pairs.
 */
import { buildStack } from "../../components/stack";
import { parseStackConfig } from "../../lib/config";
import type { AnalyzerInput, Diagnostic, PolicyConfigFile } from "../../plan/analyzer";
import { loadConfig } from "../../plan/cli";
import { analyzerInputs } from "../../plan/policy";
import { simulate, type SimulationResult } from "../../plan/simulate";
import { pack } from "./pack";
import { ROOT } from "./plan";

export type Shape = "preview" | "state" | "discovered";
export const SHAPES: Shape[] = ["preview", "state", "discovered"];

/** A stack's resources as the pack sees them per request kind: `Analyze` (one each) and `AnalyzeStack` (all). */
export interface ShapedStack {
    analyze: AnalyzerInput[];
    analyzeStack: AnalyzerInput[];
}

/** Simulates a shipped stack (`Pulumi.<stack>.yaml` with `--config` overrides) as a first preview or a first update. */
export async function simulateStack(stack: string, overrides: [string, string][], preview: boolean): Promise<SimulationResult> {
    const loaded = loadConfig(ROOT, stack, overrides);
    const parsed = parseStackConfig(loaded.config, { project: loaded.project, stack, secretKeys: loaded.secretKeys });
    return simulate(() => buildStack(parsed), { project: loaded.project, stack, preview, config: loaded.config, secretKeys: loaded.secretKeys });
}

/** Maps a discovered resource's URN back to the program's URN, so verdicts compare resource by resource. */
export const DISCOVERED_FROM = new Map<string, string>();

/**
 * A resource as an account scan reports it: its state, named by its cloud identifier (ARN, id or name: the program's
 * resource name is unknown to a scan), with no program relations.
 */
export function discovered(r: AnalyzerInput): AnalyzerInput {
    const p = r.props as Record<string, unknown>;
    const cloudId = [p.arn, p.id, p.name, p.bucket].find((v) => typeof v === "string" && v !== "" && !v.includes("04da6b54")) as string | undefined;
    const name = cloudId ?? `unnamed-${r.name}`;
    const urn = `urn:pulumi:discovered::aws-account::${r.type}::${name}`;
    DISCOVERED_FROM.set(urn, r.urn);
    // Without `id`: the engine keeps a resource's id apart from its outputs, so relations must hold through ARNs and
    // names alone (an EC2 id is also the end of its ARN).
    const { id: _id, ...props } = p;
    return {
        type: r.type,
        name,
        urn,
        props,
        parent: "",
        dependencies: [],
        propertyDependencies: {},
    };
}

/** Cloud resources only: an account holds no stack, component or provider resources. */
function cloud(r: AnalyzerInput): boolean {
    return !r.type.startsWith("pulumi:") && !r.type.startsWith("msk-lambda:");
}

/**
 * The three shapes of one stack: preview from a `preview` simulation (inputs, unknowns included), state and
 * discovered from an update's simulation (outputs, secrets still marked). `mutate` edits the resource list of every
 * shape the same way (e.g. removes the VPC endpoints).
 */
export function shapes(
    previewSim: SimulationResult,
    updateSim: SimulationResult,
    mutate: (rs: AnalyzerInput[]) => AnalyzerInput[] = (rs) => rs,
): Record<Shape, ShapedStack> {
    const previewIn = mutate(analyzerInputs(previewSim, "inputs"));
    const previewState = mutate(analyzerInputs(previewSim, "state"));
    const state = mutate(analyzerInputs(updateSim, "state"));
    const disc = state.filter(cloud).map(discovered);
    return {
        preview: { analyze: previewIn, analyzeStack: previewState },
        state: { analyze: state, analyzeStack: state },
        discovered: { analyze: disc, analyzeStack: disc },
    };
}

/** Every diagnostic of the pack on a shaped stack, each with the analyzed resource's URN. */
export async function judge(s: ShapedStack, config: PolicyConfigFile = {}): Promise<Diagnostic[]> {
    const server = await pack();
    await server.configure(config);
    const out: Diagnostic[] = [];
    for (const r of s.analyze) {
        const a = await server.analyze(r);
        for (const d of a.diagnostics) out.push({ ...d, urn: d.urn || r.urn });
    }
    for (const d of (await server.analyzeStack(s.analyzeStack)).diagnostics) out.push(d);
    return out;
}

/** The mandatory verdict as sorted `policy @ type::name` lines (the resource named the same way in every shape). */
export function verdict(diags: Diagnostic[]): string[] {
    const lines = new Set<string>();
    for (const d of diags) {
        if (d.enforcementLevel !== "mandatory") continue;
        const parts = (DISCOVERED_FROM.get(d.urn) ?? d.urn).split("::");
        const at = parts.length >= 4 ? `${parts[2].slice(parts[2].lastIndexOf("$") + 1)}::${parts.slice(3).join("::")}` : "(stack)";
        lines.add(`${d.policy} @ ${at}`);
    }
    return [...lines].sort();
}
