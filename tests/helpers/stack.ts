import { buildStack } from "../../components/stack";
import { parseStackConfig, SECRET_KEYS } from "../../lib/config";
import type { Statement } from "../../lib/iam";
import { run, type Planned, type Run } from "./sim";

export interface StackInput {
    environment?: string;
    source?: object;
    network?: object;
    cluster?: object;
    consumers?: object[];
    topics?: object;
    secrets?: Partial<Record<(typeof SECRET_KEYS)[number], string>>;
}

/** The raw config map Pulumi would hand the program for these values (secrets marked as secret). */
export function rawConfig(input: StackInput): { config: Record<string, string>; secretKeys: string[] } {
    const config: Record<string, string> = { "aws:region": "us-east-1", "msk-lambda:environment": input.environment ?? "dev" };
    if (input.source) config["msk-lambda:source"] = JSON.stringify(input.source);
    if (input.network) config["msk-lambda:network"] = JSON.stringify(input.network);
    if (input.topics) config["msk-lambda:topics"] = JSON.stringify(input.topics);
    if (input.cluster) config["msk-lambda:cluster"] = JSON.stringify(input.cluster);
    if (input.consumers) config["msk-lambda:consumers"] = JSON.stringify(input.consumers);
    const secretKeys: string[] = [];
    for (const [k, v] of Object.entries(input.secrets ?? {})) {
        config[`msk-lambda:${k}`] = v!;
        secretKeys.push(`msk-lambda:${k}`);
    }
    return { config, secretKeys };
}

/** Validates the config and builds the whole stack under the mocks, as `index.ts` does. */
export function runStack(input: StackInput, opts: { preview?: boolean; stack?: string } = {}): Promise<Run> {
    const { config, secretKeys } = rawConfig(input);
    const stack = opts.stack ?? "test";
    return run(() => buildStack(parseStackConfig(config, { project: "msk-lambda", stack, secretKeys })), { config, secretKeys, preview: opts.preview, stack });
}

/** The role policies of a consumer, by concern (the RolePolicy's name suffix: kafka, destinations, ...). */
export function rolePolicies(r: Run, consumer = "orders"): Record<string, Statement[]> {
    const out: Record<string, Statement[]> = {};
    const prefix = `consumer-${consumer}-`;
    for (const p of r.ofType("aws:iam/rolePolicy:RolePolicy")) {
        if (p.name.startsWith(prefix)) out[p.name.slice(prefix.length)] = JSON.parse(p.inputs.policy).Statement;
    }
    return out;
}

/** A consumer's event source mapping. */
export function mappingOf(r: Run, consumer = "orders"): Planned {
    return r.one("aws:lambda/eventSourceMapping:EventSourceMapping", `consumer-${consumer}-mapping`);
}
