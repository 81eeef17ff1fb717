/**
 * Runs a policy pack the way the Pulumi CLI does, and speaks the Analyzer gRPC protocol to it.
 *
 * The CLI's analyzer plugin starts `node <@pulumi/pulumi>/cmd/run-policy-pack <engine-address> .` in the pack's folder;
 * that entry registers ts-node (with type-checking) and loads the pack's `main`, whose `new PolicyPack(...)` serves gRPC
 * on 127.0.0.1 and prints its port as the first line of stdout. This module does the same, then calls
 * `GetAnalyzerInfo`, `Configure`, `Analyze` and `AnalyzeStack` with `@pulumi/pulumi`'s generated clients.
 *
 * Our pack's `main` is compiled JavaScript (`policies/bin/`, built by `npm run build -w policies`), so the CLI boots it
 * without type-checking it; `PackServer.start` builds it first when the output is missing or older than a source,
 * so a fresh clone's `npm ci && npm run plan` and the tests always serve the sources as they are.
 */
import * as grpc from "@grpc/grpc-js";
import { ChildProcess, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import * as path from "path";
import { AnalyzerClient } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as pb from "@pulumi/pulumi/proto/analyzer_pb";

export const PACK_DIR = path.resolve(__dirname, "..", "policies");

/** The newest modification time of a pack's sources: its TypeScript files, tsconfig.json and package.json. */
function newestSource(dir: string): number {
    let newest = 0;
    const walk = (d: string) => {
        for (const e of fs.readdirSync(d, { withFileTypes: true })) {
            if (e.name === "node_modules" || e.name === "bin" || e.name.startsWith(".")) continue;
            const p = path.join(d, e.name);
            if (e.isDirectory()) walk(p);
            else if (e.name.endsWith(".ts") || e.name === "tsconfig.json" || e.name === "package.json") newest = Math.max(newest, fs.statSync(p).mtimeMs);
        }
    };
    walk(dir);
    return newest;
}

/**
 * Builds a pack whose `main` is compiled JavaScript from TypeScript sources (a `tsconfig.json` next to it) when the
 * compiled `main` is missing or older than a source, with the TypeScript the repository pins. Other packs (plain
 * JavaScript, or a TypeScript `main` the CLI compiles itself) are left alone. Throws with tsc's output on a failure.
 */
export function ensureBuilt(dir: string): void {
    let pkg: { main?: unknown };
    try {
        pkg = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
    } catch {
        return;
    }
    const tsconfig = path.join(dir, "tsconfig.json");
    if (typeof pkg.main !== "string" || !pkg.main.endsWith(".js") || !fs.existsSync(tsconfig)) return;
    const built = fs.statSync(path.join(dir, pkg.main), { throwIfNoEntry: false })?.mtimeMs;
    if (built !== undefined && built >= newestSource(dir)) return;
    const tsc = require.resolve("typescript/bin/tsc");
    const r = spawnSync(process.execPath, [tsc, "-p", tsconfig], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`building the policy pack in ${dir} (tsc -p ${tsconfig}) failed:\n${r.stdout}${r.stderr}`);
}

/** What is wrong with a policy's config values against its config schema's properties (JSON Schema, as the CLI checks). */
function schemaProblems(properties: Record<string, unknown>, values: Record<string, unknown>): string[] {
    const Ajv = require("ajv").default as typeof import("ajv").default;
    const validate = new Ajv({ strict: false, allErrors: true }).compile({ type: "object", properties });
    if (validate(values)) return [];
    return (validate.errors ?? []).map((e) => `${e.instancePath.replace(/^\//, "").replace(/\//g, ".") || "(config)"} ${e.message ?? "is invalid"}`);
}

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

export type Severity = "low" | "medium" | "high" | "critical";
const SEVERITIES: (Severity | undefined)[] = [undefined, "low", "medium", "high", "critical"];

export interface PolicyInfo {
    name: string;
    description: string;
    enforcementLevel: EnforcementLevel;
    configSchema?: Record<string, unknown>;
    /** What Pulumi Cloud shows (GetAnalyzerInfo): absent when the pack does not set it. */
    displayName?: string;
    severity?: Severity;
    remediationSteps?: string;
    url?: string;
    framework?: { name: string; version: string; reference: string; specification: string };
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

/** Properties as plain JSON, as the engine sends them (no undefined values: those are dropped). */
function struct(props: Record<string, unknown>): Struct {
    try {
        return Struct.fromJavaScript((props ?? {}) as Record<string, any>);
    } catch {
        return Struct.fromJavaScript(JSON.parse(JSON.stringify(props ?? {})));
    }
}

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
        private readonly child: ChildProcess | undefined,
        private readonly client: AnalyzerClient,
        public readonly port: number,
        private stderr: () => string,
    ) {}

    /**
     * Starts the pack in `dir` as its own process and waits for its port.
     * @param timeoutMs how long loading (and, for a TypeScript `main`, type-checking) may take
     */
    static start(dir: string = PACK_DIR, timeoutMs = 60_000): Promise<PackServer> {
        try {
            ensureBuilt(dir);
        } catch (e) {
            return Promise.reject(e);
        }
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
                    const client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
                        "grpc.max_receive_message_length": 256 * 1024 * 1024,
                        "grpc.max_send_message_length": 256 * 1024 * 1024,
                    });
                    resolve(new PackServer(child, client, port, () => err));
                }
            });
        });
    }

    /**
     * Connects to a pack that is already serving (started by `start` in another process). The caller must not share
     * it between runs that configure it differently at the same time: `Configure` sets the pack's process-wide config.
     */
    static connect(address: string): PackServer {
        const m = /^(?:127\.0\.0\.1|localhost)?:?(\d+)$/.exec(address.trim());
        if (!m) throw new Error(`pack address must be a local port such as 127.0.0.1:40105, got ${JSON.stringify(address)}`);
        const port = Number(m[1]);
        const client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
            "grpc.max_receive_message_length": 256 * 1024 * 1024,
            "grpc.max_send_message_length": 256 * 1024 * 1024,
        });
        return new PackServer(undefined, client, port, () => "");
    }

    /** The pack process's id (undefined for a pack this object did not start). */
    get pid(): number | undefined {
        return this.child?.pid;
    }

    /** What the pack's process wrote to stderr so far. */
    get errors(): string {
        return this.stderr();
    }

    private infoCache?: { name: string; version: string; policies: PolicyInfo[] };

    async info(): Promise<{ name: string; version: string; policies: PolicyInfo[] }> {
        if (this.infoCache) return this.infoCache;
        const res = await call<Empty, pb.AnalyzerInfo>(this.client.getAnalyzerInfo.bind(this.client), new Empty());
        return (this.infoCache = {
            name: res.getName(),
            version: res.getVersion(),
            policies: res.getPoliciesList().map((p) => {
                const f = p.getFramework();
                return {
                    name: p.getName(),
                    description: p.getDescription(),
                    enforcementLevel: LEVELS[p.getEnforcementlevel()],
                    configSchema: p.getConfigschema()?.getProperties()?.toJavaScript() as Record<string, unknown> | undefined,
                    displayName: p.getDisplayname() || undefined,
                    severity: SEVERITIES[p.getSeverity()],
                    remediationSteps: p.getRemediationSteps() || undefined,
                    url: p.getUrl() || undefined,
                    framework: f ? { name: f.getName(), version: f.getVersion(), reference: f.getReference(), specification: f.getSpecification() } : undefined,
                };
            }),
        });
    }

    /**
     * Sends the policy config as the CLI does with `--policy-pack-config`: every policy gets an entry with its
     * enforcement level (the file's, else the policy's own) and its config schema's defaults overlaid with the file's
     * values. (A Configure entry without a level would read as "advisory", silently weakening a mandatory policy.)
     * Throws for a policy name the pack does not have, or a level that does not exist.
     */
    async configure(config: PolicyConfigFile, opts: { validate?: boolean } = {}): Promise<void> {
        const { policies } = await this.info();
        const known = new Map(policies.map((p) => [p.name, p]));
        // Every problem of the file at once, one line each.
        const problems: string[] = [];
        for (const [name, value] of Object.entries(config)) {
            if (!known.has(name)) {
                problems.push(`policy config names "${name}", which is not a policy of this pack (policies: ${[...known.keys()].join(", ")})`);
                continue;
            }
            const level = typeof value === "string" ? value : value?.enforcementLevel;
            if (level !== undefined && !LEVELS.includes(level))
                problems.push(`policy config for "${name}": enforcement level "${level}" is not one of ${LEVELS.join(", ")}`);
            // The CLI validates each policy's config against the policy's config schema before it configures the pack.
            // (`validate: false` sends the config as a client that skips this would, to test the pack's own checks.)
            if (opts.validate !== false && typeof value === "object" && value !== null) {
                const { enforcementLevel: _level, ...props } = value;
                const schema = known.get(name)!.configSchema ?? {};
                // The protocol's config schema carries no `additionalProperties`, so the CLI would ignore a misspelled
                // setting and the policy would run with its default: refused here, naming the settings it has.
                const allowed = Object.keys(schema);
                for (const setting of Object.keys(props).filter((k) => !Object.hasOwn(schema, k)))
                    problems.push(
                        `policy config for "${name}": unknown setting "${setting}": ${allowed.length ? `allowed settings are ${allowed.join(", ")}` : "this policy has no settings"} (and enforcementLevel)`,
                    );
                const invalid = schemaProblems(schema, props);
                if (invalid.length) problems.push(`policy config for "${name}": ${invalid.join("; ")}`);
            }
        }
        if (problems.length) throw new Error(problems.join("\n"));
        const req = new pb.ConfigureAnalyzerRequest();
        const map = req.getPolicyconfigMap();
        for (const policy of policies) {
            const given = config[policy.name];
            const { enforcementLevel, ...props } = typeof given === "string" ? { enforcementLevel: given } : (given ?? {});
            const defaults: Record<string, unknown> = {};
            for (const [k, schema] of Object.entries(policy.configSchema ?? {})) {
                const d = (schema as { default?: unknown })?.default;
                if (d !== undefined) defaults[k] = d;
            }
            const pc = new pb.PolicyConfig();
            pc.setEnforcementlevel(LEVEL_ENUM[(enforcementLevel as EnforcementLevel) ?? policy.enforcementLevel] as pb.EnforcementLevel);
            pc.setProperties(Struct.fromJavaScript({ ...defaults, ...props } as Record<string, any>));
            map.set(policy.name, pc);
        }
        await call<pb.ConfigureAnalyzerRequest, Empty>(this.client.configure.bind(this.client), req);
    }

    /** `Analyze`: one resource, as during a preview step. */
    async analyze(r: AnalyzerInput): Promise<AnalysisResult> {
        return this.analyzePrepared(PackServer.prepareAnalyze(r));
    }

    /** Builds an `AnalyzeRequest` ahead of time (benchmarks time the pack and the protocol, not this client). */
    static prepareAnalyze(r: AnalyzerInput): pb.AnalyzeRequest {
        const req = new pb.AnalyzeRequest();
        req.setType(r.type);
        req.setName(r.name);
        req.setUrn(r.urn);
        req.setProperties(struct(r.props));
        req.setOptions(options(r.options, r.parent));
        return req;
    }

    /**
     * `Analyze` with a request already encoded (protocol tests send messages this client's own encoder, which recurses
     * per nesting level, could not build).
     */
    analyzeEncoded(bytes: Uint8Array): Promise<AnalysisResult> {
        return new Promise((resolve, reject) =>
            this.client.makeUnaryRequest(
                "/pulumirpc.Analyzer/Analyze",
                (b: Uint8Array) => Buffer.from(b),
                (b: Buffer) => pb.AnalyzeResponse.deserializeBinary(new Uint8Array(b)),
                bytes,
                (err, res) => (err || !res ? reject(err ?? new Error("no response")) : resolve(result(res))),
            ),
        );
    }

    async analyzePrepared(req: pb.AnalyzeRequest): Promise<AnalysisResult> {
        return result(await call<pb.AnalyzeRequest, pb.AnalyzeResponse>(this.client.analyze.bind(this.client), req));
    }

    /** `AnalyzeStack`: every resource with parents and (property) dependencies, as at the end of a preview or update. */
    async analyzeStack(resources: AnalyzerInput[]): Promise<AnalysisResult> {
        return this.analyzeStackPrepared(PackServer.prepareAnalyzeStack(resources));
    }

    async analyzeStackPrepared(req: pb.AnalyzeStackRequest): Promise<AnalysisResult> {
        return result(await call<pb.AnalyzeStackRequest, pb.AnalyzeResponse>(this.client.analyzeStack.bind(this.client), req));
    }

    /** Builds an `AnalyzeStackRequest` ahead of time (benchmarks time the pack and the protocol, not this client). */
    static prepareAnalyzeStack(resources: AnalyzerInput[]): pb.AnalyzeStackRequest {
        const req = new pb.AnalyzeStackRequest();
        req.setResourcesList(
            resources.map((r) => {
                const a = new pb.AnalyzerResource();
                a.setType(r.type);
                a.setName(r.name);
                a.setUrn(r.urn);
                a.setProperties(struct(r.props));
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
        return req;
    }

    async stop(): Promise<void> {
        this.client.close();
        const child = this.child;
        if (child && child.exitCode === null) {
            await new Promise<void>((resolve) => {
                child.once("exit", () => resolve());
                child.kill();
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
