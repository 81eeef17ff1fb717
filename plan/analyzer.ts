/**
 * Runs a policy pack the way the Pulumi CLI does, and speaks the Analyzer gRPC protocol to it.
 *
 * The CLI's analyzer plugin starts `node <@pulumi/pulumi>/cmd/run-policy-pack <engine-address> .` in the pack's folder;
 * that entry registers ts-node (with type-checking) and loads the pack, whose `new PolicyPack(...)` serves gRPC on
 * 127.0.0.1 and prints its port as the first line of stdout. This module does the same, then calls
 * `GetAnalyzerInfo`, `Configure`, `Analyze` and `AnalyzeStack` with `@pulumi/pulumi`'s generated clients.
 */
import * as grpc from "@grpc/grpc-js";
import { ChildProcess, spawn } from "child_process";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import * as path from "path";
import { AnalyzerClient } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as pb from "@pulumi/pulumi/proto/analyzer_pb";

export const PACK_DIR = path.resolve(__dirname, "..", "policies");

export type EnforcementLevel = "advisory" | "mandatory" | "disabled" | "remediate";
const LEVELS: EnforcementLevel[] = ["advisory", "mandatory", "disabled", "remediate"];
const LEVEL_ENUM: Record<EnforcementLevel, number> = { advisory: 0, mandatory: 1, disabled: 2, remediate: 3 };

export interface Diagnostic {
    policy: string;
    enforcementLevel: EnforcementLevel;
    urn: string;
    message: string;
}

export interface AnalysisResult {
    diagnostics: Diagnostic[];
    notApplicable: { policy: string; reason: string }[];
}

export interface PolicyInfo {
    name: string;
    description: string;
    enforcementLevel: EnforcementLevel;
    configSchema?: Record<string, unknown>;
}

/** A resource as the engine describes it to an analyzer. `props` are serialized values (sentinels kept). */
export interface AnalyzerInput {
    type: string;
    name: string;
    urn: string;
    props: Record<string, unknown>;
    parent?: string;
    dependencies?: string[];
    propertyDependencies?: Record<string, string[]>;
    options?: { protect?: boolean; deleteBeforeReplace?: boolean; aliases?: string[] };
}

/** The CLI's policy config file: `{ "<policy>": { "enforcementLevel"?: ..., <property>: ... } }` (or a level string). */
export type PolicyConfigFile = Record<string, EnforcementLevel | ({ enforcementLevel?: EnforcementLevel } & Record<string, unknown>)>;

function call<Req, Res>(fn: (req: Req, cb: (err: grpc.ServiceError | null, res: Res) => void) => unknown, req: Req): Promise<Res> {
    return new Promise((resolve, reject) => fn(req, (err, res) => (err ? reject(err) : resolve(res))));
}

function options(o: AnalyzerInput["options"] = {}, parent = ""): pb.AnalyzerResourceOptions {
    // Always set: an AnalyzeRequest without options is refused by @pulumi/policy ("a more recent CLI is required").
    const opts = new pb.AnalyzerResourceOptions();
    opts.setProtect(!!o.protect);
    opts.setDeletebeforereplace(!!o.deleteBeforeReplace);
    opts.setDeletebeforereplacedefined(o.deleteBeforeReplace !== undefined);
    opts.setAliasesList(o.aliases ?? []);
    opts.setParent(parent);
    return opts;
}

export class PackServer {
    private constructor(
        private readonly child: ChildProcess,
        private readonly client: AnalyzerClient,
        public readonly port: number,
        private stderr: () => string,
    ) {}

    /**
     * Starts the pack in `dir` as its own process and waits for its port.
     * @param timeoutMs how long loading (and type-checking) may take
     */
    static start(dir: string = PACK_DIR, timeoutMs = 60_000): Promise<PackServer> {
        const entry = path.join(path.dirname(require.resolve("@pulumi/pulumi/package.json")), "cmd", "run-policy-pack");
        // The engine address is unused unless the pack logs through the engine.
        const child = spawn(process.execPath, [entry, "127.0.0.1:1", "."], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
        let out = "";
        let err = "";
        child.stderr!.on("data", (d) => (err += d));
        return new Promise((resolve, reject) => {
            const timer = setTimeout(() => {
                child.kill();
                reject(new Error(`the policy pack in ${dir} did not print its port within ${timeoutMs} ms; stderr: ${err.slice(-2000)}`));
            }, timeoutMs);
            child.on("exit", (code) => {
                clearTimeout(timer);
                reject(new Error(`the policy pack in ${dir} exited with code ${code} before serving; stderr: ${err.slice(-4000)}`));
            });
            child.stdout!.on("data", (d) => {
                out += d;
                const line = out.split("\n")[0];
                if (out.includes("\n") && /^\d+$/.test(line.trim())) {
                    clearTimeout(timer);
                    child.removeAllListeners("exit");
                    const port = Number(line.trim());
                    const client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), { "grpc.max_receive_message_length": 256 * 1024 * 1024, "grpc.max_send_message_length": 256 * 1024 * 1024 });
                    resolve(new PackServer(child, client, port, () => err));
                }
            });
        });
    }

    /** What the pack's process wrote to stderr so far. */
    get errors(): string {
        return this.stderr();
    }

    async info(): Promise<{ name: string; version: string; policies: PolicyInfo[] }> {
        const res = await call<Empty, pb.AnalyzerInfo>(this.client.getAnalyzerInfo.bind(this.client), new Empty());
        return {
            name: res.getName(),
            version: res.getVersion(),
            policies: res.getPoliciesList().map((p) => ({
                name: p.getName(),
                description: p.getDescription(),
                enforcementLevel: LEVELS[p.getEnforcementlevel()],
                configSchema: p.getConfigschema()?.getProperties()?.toJavaScript() as Record<string, unknown> | undefined,
            })),
        };
    }

    /** Sends the policy config, as the CLI does with `--policy-pack-config`. */
    async configure(config: PolicyConfigFile): Promise<void> {
        const req = new pb.ConfigureAnalyzerRequest();
        const map = req.getPolicyconfigMap();
        for (const [policy, value] of Object.entries(config)) {
            const pc = new pb.PolicyConfig();
            const { enforcementLevel, ...props } = typeof value === "string" ? { enforcementLevel: value } : value;
            if (enforcementLevel) pc.setEnforcementlevel(LEVEL_ENUM[enforcementLevel] as pb.EnforcementLevel);
            pc.setProperties(Struct.fromJavaScript(props as Record<string, any>));
            map.set(policy, pc);
        }
        await call<pb.ConfigureAnalyzerRequest, Empty>(this.client.configure.bind(this.client), req);
    }

    /** `Analyze`: one resource, as during a preview step. */
    async analyze(r: AnalyzerInput): Promise<AnalysisResult> {
        const req = new pb.AnalyzeRequest();
        req.setType(r.type);
        req.setName(r.name);
        req.setUrn(r.urn);
        req.setProperties(Struct.fromJavaScript(r.props as Record<string, any>));
        req.setOptions(options(r.options, r.parent));
        return result(await call<pb.AnalyzeRequest, pb.AnalyzeResponse>(this.client.analyze.bind(this.client), req));
    }

    /** `AnalyzeStack`: every resource with parents and (property) dependencies, as at the end of a preview or update. */
    async analyzeStack(resources: AnalyzerInput[]): Promise<AnalysisResult> {
        const req = new pb.AnalyzeStackRequest();
        req.setResourcesList(
            resources.map((r) => {
                const a = new pb.AnalyzerResource();
                a.setType(r.type);
                a.setName(r.name);
                a.setUrn(r.urn);
                a.setProperties(Struct.fromJavaScript(r.props as Record<string, any>));
                a.setOptions(options(r.options, r.parent));
                a.setParent(r.parent ?? "");
                a.setDependenciesList(r.dependencies ?? []);
                const deps = a.getPropertydependenciesMap();
                for (const [k, urns] of Object.entries(r.propertyDependencies ?? {})) {
                    const d = new pb.AnalyzerPropertyDependencies();
                    d.setUrnsList(urns);
                    deps.set(k, d);
                }
                return a;
            }),
        );
        return result(await call<pb.AnalyzeStackRequest, pb.AnalyzeResponse>(this.client.analyzeStack.bind(this.client), req));
    }

    async stop(): Promise<void> {
        this.client.close();
        if (this.child.exitCode === null) {
            await new Promise<void>((resolve) => {
                this.child.once("exit", () => resolve());
                this.child.kill();
            });
        }
    }
}

function result(res: pb.AnalyzeResponse): AnalysisResult {
    return {
        diagnostics: res.getDiagnosticsList().map((d) => ({
            policy: d.getPolicyname(),
            enforcementLevel: LEVELS[d.getEnforcementlevel()],
            urn: d.getUrn(),
            message: d.getMessage(),
        })),
        notApplicable: res.getNotApplicableList().map((n) => ({ policy: n.getPolicyName(), reason: n.getReason() })),
    };
}
