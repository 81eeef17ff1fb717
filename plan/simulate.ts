/**
 * Runs a Pulumi program under Pulumi's mock runtime and records every registration exactly as the engine receives
 * it: type, name, parent, dependencies, property dependencies, the serialized inputs (with the protocol's unknown and
 * secret sentinels) and resource options.
 */
import * as pulumi from "@pulumi/pulumi";
import { awsMocks } from "./mocks";

export { UNKNOWN } from "./values";

export interface RecordedResource {
    urn: string;
    type: string;
    name: string;
    /** Parent URN, "" for the stack itself. */
    parent: string;
    custom: boolean;
    dependencies: string[];
    propertyDependencies: Record<string, string[]>;
    /** Inputs as serialized for the engine: unknowns are `UNKNOWN`, secrets are wrapped in the secret signature. */
    rawInputs: Record<string, unknown>;
    /** Outputs as the engine would hold them after the step (inputs plus computed values), serialized like inputs. */
    rawState: Record<string, unknown>;
    /** The provider's id after the step ("" in a preview, where it is not known yet). */
    id: string;
    options: { protect: boolean; deleteBeforeReplace: boolean; retainOnDelete: boolean };
}

export interface SimulationResult {
    project: string;
    stack: string;
    preview: boolean;
    resources: RecordedResource[];
    /** Stack outputs, serialized like inputs. */
    rawOutputs: Record<string, unknown>;
}

export interface SimulationOptions {
    project: string;
    stack: string;
    preview: boolean;
    /** Full config map with namespaces, values as Pulumi stores them (objects as JSON text). */
    config: Record<string, string>;
    /** Config keys (with namespace) that are secrets. */
    secretKeys: string[];
    /**
     * Keep stack traces while the program runs. The SDK captures one for every promise it creates (and ts-node's
     * source-map support makes each costly); off by default, which makes a run several times faster.
     */
    captureStacks?: boolean;
}

/**
 * Runs `program` as the body of the stack (like the Node.js language host does with the program's module) and
 * returns what was registered. Rejects with the program's error (e.g. a `ConfigError`) when it throws.
 */
export async function simulate(program: () => unknown, opts: SimulationOptions): Promise<SimulationResult> {
    const region = opts.config["aws:region"] ?? "us-east-1";
    await pulumi.runtime.setMocks(awsMocks({ region, preview: opts.preview }), opts.project, opts.stack, opts.preview);
    pulumi.runtime.setAllConfig(opts.config, opts.secretKeys);

    const resources: RecordedResource[] = [];
    let stackOutputs: Record<string, unknown> = {};
    let stackRecord: RecordedResource | undefined;
    const monitor = pulumi.runtime.getMonitor() as any;
    const originalRegister = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req: any, callback: (err: unknown, resp: any) => void) => {
        const propDeps: Record<string, string[]> = {};
        req.getPropertydependenciesMap().forEach((v: any, k: string) => {
            propDeps[k] = v.getUrnsList();
        });
        const rec: RecordedResource = {
            urn: "",
            type: req.getType(),
            name: req.getName(),
            parent: req.getParent(),
            custom: req.getCustom(),
            dependencies: req.getDependenciesList(),
            propertyDependencies: propDeps,
            rawInputs: req.getObject()?.toJavaScript() ?? {},
            rawState: {},
            id: "",
            options: {
                protect: req.getProtect() === true,
                deleteBeforeReplace: req.getDeletebeforereplace() === true,
                retainOnDelete: req.getRetainondelete() === true,
            },
        };
        resources.push(rec);
        if (rec.type === "pulumi:pulumi:Stack") stackRecord = rec;
        originalRegister(req, (err: unknown, resp: any) => {
            if (resp) {
                rec.urn = resp.getUrn();
                rec.rawState = resp.getObject()?.toJavaScript() ?? {};
                rec.id = resp.getId?.() ?? "";
            }
            callback(err, resp);
        });
    };
    const originalOutputs = monitor.registerResourceOutputs.bind(monitor);
    monitor.registerResourceOutputs = (req: any, callback: (err: unknown, resp: any) => void) => {
        if (stackRecord && req.getUrn() === stackRecord.urn) stackOutputs = req.getOutputs()?.toJavaScript() ?? {};
        originalOutputs(req, callback);
    };

    const stackTraceLimit = Error.stackTraceLimit;
    if (!opts.captureStacks) Error.stackTraceLimit = 0;
    try {
        await pulumi.runtime.runInPulumiStack(async () => program());
        // Registration is asynchronous: wait until every RPC the program started has finished.
        await require("@pulumi/pulumi/runtime/settings").waitForRPCs();
    } finally {
        Error.stackTraceLimit = stackTraceLimit;
        monitor.registerResource = originalRegister;
        monitor.registerResourceOutputs = originalOutputs;
    }
    return { project: opts.project, stack: opts.stack, preview: opts.preview, resources, rawOutputs: stackOutputs };
}
