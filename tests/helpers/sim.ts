import { simulate, type RecordedResource } from "../../plan/simulate";
import { forAnalyzer } from "../../plan/values";

export interface Planned extends RecordedResource {
    /** Inputs as plain values (secrets unwrapped, unknowns as the protocol sentinel). */
    inputs: Record<string, any>;
}

export interface Run {
    resources: Planned[];
    outputs: Record<string, any>;
    ofType(type: string): Planned[];
    one(type: string, name?: string): Planned;
    byUrn(urn: string): Planned;
}

/**
 * Runs `program` under the mocks (a first `pulumi up`, or with `preview` a first `pulumi preview`) and waits for
 * every registration before returning.
 */
export async function run(
    program: () => unknown,
    opts: { preview?: boolean; stack?: string; config?: Record<string, string>; secretKeys?: string[] } = {},
): Promise<Run> {
    const sim = await simulate(program, {
        project: "msk-lambda",
        stack: opts.stack ?? "test",
        preview: opts.preview ?? false,
        config: opts.config ?? { "aws:region": "us-east-1" },
        secretKeys: opts.secretKeys ?? [],
    });
    const resources = sim.resources.map((r) => ({ ...r, inputs: forAnalyzer(r.rawInputs) as Record<string, any> }));
    const ofType = (type: string) => resources.filter((r) => r.type === type);
    return {
        resources,
        outputs: forAnalyzer(sim.rawOutputs) as Record<string, any>,
        ofType,
        one(type, name) {
            const found = ofType(type).filter((r) => name === undefined || r.name === name);
            if (found.length !== 1)
                throw new Error(`expected one ${type}${name ? ` named ${name}` : ""}, found ${found.length}: ${found.map((r) => r.name).join(", ")}`);
            return found[0];
        },
        byUrn(urn) {
            const r = resources.find((x) => x.urn === urn);
            if (!r) throw new Error(`no resource ${urn}`);
            return r;
        },
    };
}
