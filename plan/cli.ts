/**
 * `npm run plan -- --stack NAME [--json] [--preview] [--config key=value ...] [--policy-config FILE]
 *  [--against BASE.json [--allow-replace URN|name ...]]`
 *
 * Runs the program for `Pulumi.NAME.yaml` under Pulumi's mock runtime, with no cloud account, prints what
 * `pulumi up` would create, and what the policy pack (served over the Analyzer protocol, as the CLI serves it) says
 * about it. With `--against`, also compares this plan with a base plan (`--json` output of the base branch) by URN:
 * what would be created, deleted, updated or replaced, and what a replacement or deletion of stateful resources loses.
 * Exit codes: 0 planned with no mandatory violation, 1 a mandatory policy violation, 2 bad configuration or usage,
 * 3 the program or the pack failed otherwise, 4 a stateful resource would be replaced or deleted and `--allow-replace`
 * does not name it, or a change would fail on apply (4 wins over 1).
 */
import * as fs from "fs";
import * as path from "path";
import { format } from "util";
import { parse as parseYaml } from "yaml";
import { NAMESPACE, parseStackConfig, SECRET_KEYS } from "../lib/config";
import { renderExemptions } from "./exemptions";
import { diffPlans, renderDiff } from "./diff";
import type { PlanDocument } from "./document";

export type { PlanDocument };
import type { SimulationResult } from "./simulate";
import { display } from "./values";

export const ROOT = path.resolve(__dirname, "..");

export interface PlanArgs {
    stack: string;
    json: boolean;
    preview: boolean;
    overrides: [string, string][];
    policyConfig?: string;
    /** Stack configuration file instead of `Pulumi.<stack>.yaml` (as `pulumi --config-file`). */
    configFile?: string;
    /** Base plan (`--json` document) to compare with. */
    against?: string;
    /** URNs or resource names whose replacement or deletion is intended. */
    allowReplace: string[];
    help: boolean;
}

export class UsageError extends Error {}

export const USAGE = `usage: npm run plan -- --stack NAME [options]

Plans stack NAME (Pulumi.NAME.yaml) offline, under Pulumi's mocks, and has the policy pack judge it.

options:
  --stack, -s NAME            the stack (default dev)
  --json                      print the plan as one JSON document
  --preview                   leave computed values unknown, as a first pulumi preview does
  --config, -c KEY=VALUE      override a config key (repeatable); paths such as msk-lambda:consumers[0].batchSize
  --config-file FILE          read the stack's config from FILE instead of Pulumi.NAME.yaml (as pulumi --config-file)
  --policy-config FILE        policy pack config (default policies/config/NAME.json when it exists)
  --against BASE.json         compare with a base plan (the --json output of the base branch): created, deleted,
                              updated and replaced resources, and what replacing or deleting stateful ones loses
  --allow-replace URN|NAME    a stateful resource whose replacement or deletion is intended (repeatable)
  --help, -h                  print this help

exit codes: 0 planned, 1 mandatory policy violation, 2 bad configuration or usage, 3 the program or the pack failed,
            4 a stateful resource would be replaced or deleted without --allow-replace, or a change would fail on apply`;

export function parseArgs(argv: string[]): PlanArgs {
    const args: PlanArgs = { stack: "dev", json: false, preview: false, overrides: [], allowReplace: [], help: false };
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        const next = () => {
            if (i + 1 >= argv.length) throw new UsageError(`${a} needs a value`);
            return argv[++i];
        };
        if (a === "--stack" || a === "-s") args.stack = next();
        else if (a.startsWith("--stack=")) args.stack = a.slice(8);
        else if (a === "--json") args.json = true;
        else if (a === "--preview") args.preview = true;
        else if (a === "--config" || a === "-c") args.overrides.push(splitOverride(next()));
        else if (a.startsWith("--config=")) args.overrides.push(splitOverride(a.slice(9)));
        else if (a === "--policy-config") args.policyConfig = next();
        else if (a.startsWith("--policy-config=")) args.policyConfig = a.slice(16);
        else if (a === "--config-file") args.configFile = next();
        else if (a.startsWith("--config-file=")) args.configFile = a.slice(14);
        else if (a === "--against") args.against = next();
        else if (a.startsWith("--against=")) args.against = a.slice(10);
        else if (a === "--allow-replace") args.allowReplace.push(next());
        else if (a.startsWith("--allow-replace=")) args.allowReplace.push(a.slice(16));
        else if (a === "--help" || a === "-h") args.help = true;
        else {
            // A forgotten --config (`msk-lambda:scramPassword=...`) must not echo the value.
            const eq = a.indexOf("=");
            const shown = eq >= 0 ? `${a.slice(0, Math.min(eq, 100))}=...` : a.length > 100 ? `${a.slice(0, 100)}...` : a;
            throw new UsageError(`unknown argument ${JSON.stringify(shown)}${eq > 0 && a.includes(":") ? " (a config value? use --config key=value)" : ""}`);
        }
    }
    if (args.allowReplace.length && !args.against) throw new UsageError("--allow-replace needs --against BASE.json (the plan to compare with)");
    if (!/^[A-Za-z0-9_.-]+$/.test(args.stack)) throw new UsageError(`--stack must be a stack name such as dev, got ${JSON.stringify(args.stack)}`);
    return args;
}

/**
 * Splits `key=value`. A malformed argument is never echoed whole: it may be `msk-lambda:scramPassword:hunter2`, a
 * secret typed with the wrong separator. Only what looks like a key (`namespace:name`, letters, digits, `-_.[]`)
 * is shown, and nothing after a secret key's name.
 */
function splitOverride(text: string): [string, string] {
    const eq = text.indexOf("=");
    if (eq <= 0) {
        const m = /^[A-Za-z0-9_-]{1,100}(:[A-Za-z0-9_]{1,100})?/.exec(text);
        const shown = m ? m[0] : "";
        const rest = text.length > shown.length ? " followed by more text (not shown: it may be a secret)" : "";
        throw new UsageError(
            `--config takes key=value (e.g. msk-lambda:cluster.kafkaVersion=3.8.x), got ${shown ? JSON.stringify(shown) : "an argument"}${rest}`,
        );
    }
    return [text.slice(0, eq), text.slice(eq + 1)];
}

/**
 * Parses a YAML file; a syntax error (bad indent, tab, duplicate key) becomes a `StackFileError` naming the file, line
 * and column. The YAML library's message quotes the offending lines, which may hold a secret: only its first line,
 * without the quote, is kept.
 */
export function readYaml(file: string, shownAs: string): unknown {
    const text = fs.readFileSync(file, "utf8");
    try {
        return parseYaml(text);
    } catch (e) {
        const err = e as { linePos?: { line: number; col: number }[]; code?: string; message?: string };
        if (!err.linePos && !err.code) throw e;
        const first = String(err.message ?? "").split("\n")[0];
        const problem = first.replace(/ at line \d+, column \d+:?$/, "");
        const at = err.linePos?.[0];
        throw new StackFileError(`${shownAs}${at ? `:${at.line}:${at.col}` : ""}: YAML syntax error: ${problem}${err.code ? ` (${err.code})` : ""}`);
    }
}

/** Thrown for stack files the plan cannot use; reported like a config error (exit 2). */
export class StackFileError extends Error {}

export interface LoadedConfig {
    project: string;
    config: Record<string, string>;
    secretKeys: string[];
}

/** Reads `Pulumi.yaml` and `Pulumi.<stack>.yaml` as the CLI would, then applies `--config` overrides. */
export function loadConfig(root: string, stack: string, overrides: [string, string][], configFile?: string): LoadedConfig {
    const project = readYaml(path.join(root, "Pulumi.yaml"), "Pulumi.yaml") as { name: string; config?: Record<string, any> };
    const stackFile = configFile ? path.resolve(configFile) : path.join(root, `Pulumi.${stack}.yaml`);
    const fileName = configFile ?? `Pulumi.${stack}.yaml`;
    if (configFile && !fs.existsSync(stackFile)) throw new StackFileError(`--config-file ${configFile}: no such file`);
    if (configFile && fs.statSync(stackFile).isDirectory())
        throw new StackFileError(`--config-file ${configFile}: is a directory; name a stack config file such as Pulumi.dev.yaml`);
    if (!fs.existsSync(stackFile)) {
        const known = fs
            .readdirSync(root)
            .filter((f) => /^Pulumi\..+\.yaml$/.test(f))
            .map((f) => f.slice(7, -5));
        throw new StackFileError(`no stack file Pulumi.${stack}.yaml: known stacks are ${known.join(", ")}`);
    }
    const stackDoc = (readYaml(stackFile, fileName) ?? {}) as { config?: Record<string, unknown> };
    if (
        typeof stackDoc !== "object" ||
        Array.isArray(stackDoc) ||
        (stackDoc.config != null && (typeof stackDoc.config !== "object" || Array.isArray(stackDoc.config)))
    )
        throw new StackFileError(`${fileName}: must be a YAML map with a config: map of keys`);
    const qualify = (k: string) => (k.includes(":") ? k : `${project.name}:${k}`);
    const tree: Record<string, unknown> = {};
    // Project-level defaults first (typed declarations with `default`, or `value` for other namespaces).
    for (const [k, decl] of Object.entries(project.config ?? {})) {
        const v = decl && typeof decl === "object" && !Array.isArray(decl) ? (decl.default ?? decl.value) : decl;
        if (v !== undefined) tree[qualify(k)] = v;
    }
    const secretKeys = new Set<string>();
    for (const [k, v] of Object.entries(stackDoc.config ?? {})) {
        const key = qualify(k);
        if (v && typeof v === "object" && !Array.isArray(v) && "secure" in (v as object)) {
            const overridden = overrides.some(([ok]) => qualify(ok) === key);
            if (!overridden) {
                throw new StackFileError(
                    `${key} is encrypted in ${fileName} and the offline plan cannot decrypt it: pass --config ${key}=<value> (it is treated as a secret)`,
                );
            }
            continue;
        }
        // A secret in clear text in a file that is committed: refused, without its value, unless --config replaces it.
        if ((SECRET_KEYS as readonly string[]).some((sk) => key === `${NAMESPACE}:${sk}`) && !overrides.some(([ok]) => qualify(ok) === key)) {
            throw new StackFileError(
                `${key} is stored in clear text in ${fileName}: secrets must be encrypted (pulumi config set --secret ${key} <value>, which writes a secure: value), or given to the offline plan with --config ${key}=<value>`,
            );
        }
        tree[key] = v;
    }
    for (const [k, v] of overrides) {
        const m = /^([^.[]+)(.*)$/.exec(k)!;
        const key = qualify(m[1]);
        if (m[2]) {
            let base: unknown = tree[key];
            base = base === undefined ? (m[2].startsWith("[") ? [] : {}) : structuredClone(base);
            setPath(base, m[2], parseScalar(v), k);
            tree[key] = base;
        } else {
            tree[key] = v;
        }
    }
    // Secret keys reach the tree only from --config (which the plan treats as secret): a clear-text one in the stack
    // file was refused above.
    for (const s of SECRET_KEYS) {
        if (`${NAMESPACE}:${s}` in tree) secretKeys.add(`${NAMESPACE}:${s}`);
    }
    const config: Record<string, string> = {};
    for (const [k, v] of Object.entries(tree)) {
        config[k] = typeof v === "string" ? v : JSON.stringify(v);
    }
    return { project: project.name, config, secretKeys: [...secretKeys] };
}

/** A `--config` value set at a path is parsed as JSON when it is JSON (numbers, booleans, objects), else text. */
function parseScalar(v: string): unknown {
    try {
        return JSON.parse(v);
    } catch {
        return v;
    }
}

/** Sets `.a.b[0].c` inside `root` (the part of a `--config` key after the top-level name). */
export function setPath(root: unknown, pathText: string, value: unknown, whole: string): void {
    const parts: (string | number)[] = [];
    const re = /\.([A-Za-z0-9_-]+)|\[(\d+)\]/gy;
    let m: RegExpExecArray | null;
    let consumed = 0;
    while ((m = re.exec(pathText))) {
        parts.push(m[1] !== undefined ? m[1] : Number(m[2]));
        consumed = re.lastIndex;
    }
    if (consumed !== pathText.length || parts.length === 0)
        throw new UsageError(`--config key ${JSON.stringify(whole)} is not a path such as msk-lambda:network.azCount or msk-lambda:consumers[0].batchSize`);
    let cur: any = root;
    parts.forEach((p, i) => {
        const last = i === parts.length - 1;
        if (typeof cur !== "object" || cur === null)
            throw new UsageError(`--config key ${JSON.stringify(whole)} goes through a value that is not an object or list`);
        // A list index may name an item or append one; past the end it would leave holes (null items).
        if (typeof p === "number" && !Array.isArray(cur))
            throw new UsageError(`--config key ${JSON.stringify(whole)}: index [${p}] is used on a value that is not a list`);
        if (typeof p === "number" && p > cur.length)
            throw new UsageError(
                `--config key ${JSON.stringify(whole)}: index ${p} is past the end of the list (${cur.length} item(s)): use an index from 0 to ${cur.length} (${cur.length} appends an item)`,
            );
        if (last) cur[p] = value;
        else {
            if (cur[p] === undefined) cur[p] = typeof parts[i + 1] === "number" ? [] : {};
            cur = cur[p];
        }
    });
}

/** Reads a base plan for `--against`: a `--json` plan document of the same stack. */
export function readBasePlan(file: string, stack: string, cwd = process.cwd(), preview = false): PlanDocument {
    let text: string;
    try {
        text = fs.readFileSync(path.resolve(cwd, file), "utf8");
    } catch (e) {
        throw new UsageError(`--against ${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    let doc: PlanDocument;
    try {
        doc = JSON.parse(text);
    } catch {
        throw new UsageError(`--against ${file}: not JSON; make it with npm run -s plan -- --stack ${stack} --json > ${file}`);
    }
    if (!doc || typeof doc !== "object" || !Array.isArray(doc.resources) || typeof doc.stack !== "string")
        throw new UsageError(`--against ${file}: not a plan document (no stack and resources); make it with npm run -s plan -- --stack ${stack} --json`);
    if (doc.stack !== stack) throw new UsageError(`--against ${file} is the plan of stack ${doc.stack}, not ${stack}: URNs would not match`);
    if (!!doc.preview !== preview)
        throw new UsageError(
            `--against ${file} was planned ${doc.preview ? "with" : "without"} --preview and this plan ${preview ? "with" : "without"} it: compare plans made the same way (without --preview, ids and ARNs are known and changes show)`,
        );
    return doc;
}

export function planDocument(sim: SimulationResult): PlanDocument {
    return {
        stack: sim.stack,
        project: sim.project,
        preview: sim.preview,
        resources: sim.resources.map((r) => ({
            urn: r.urn,
            type: r.type,
            name: r.name,
            parent: r.parent,
            dependencies: r.dependencies,
            propertyDependencies: r.propertyDependencies,
            inputs: display(r.rawInputs) as Record<string, unknown>,
            outputs: { ...(r.custom ? { id: !sim.preview && r.id ? r.id : "[unknown]" } : {}), ...(display(r.rawState) as Record<string, unknown>) },
            options: r.options,
        })),
        outputs: display(sim.rawOutputs) as Record<string, unknown>,
    };
}

/** A tree of resources (type, name) with their inputs, children under parents. */
export function renderText(doc: PlanDocument): string {
    const lines: string[] = [];
    const custom = doc.resources.filter((r) => !r.type.startsWith("pulumi:") && !r.type.startsWith("msk-lambda:"));
    lines.push(
        `Plan for stack ${doc.stack} (${doc.preview ? "preview: computed values unknown" : "as on a first pulumi up"}): ${custom.length} resources would be created`,
    );
    const children = new Map<string, typeof doc.resources>();
    for (const r of doc.resources) {
        const list = children.get(r.parent) ?? [];
        list.push(r);
        children.set(r.parent, list);
    }
    const walk = (parent: string, indent: string) => {
        for (const r of children.get(parent) ?? []) {
            const flags = [
                r.options.protect && "protect",
                r.options.deleteBeforeReplace && "deleteBeforeReplace",
                r.options.retainOnDelete && "retainOnDelete",
            ].filter(Boolean);
            lines.push(`${indent}+ ${r.type}  ${r.name}${flags.length ? `  [${flags.join(", ")}]` : ""}`);
            for (const [k, v] of Object.entries(r.inputs)) {
                if (k === "__defaults") continue;
                let text = typeof v === "string" ? v : JSON.stringify(v);
                if (text.includes("\n")) text = JSON.stringify(text);
                if (text.length > 160) text = text.slice(0, 157) + "...";
                lines.push(`${indent}      ${k}: ${text}`);
            }
            walk(r.urn, indent + "    ");
        }
    };
    walk("", "");
    if (Object.keys(doc.outputs).length) {
        lines.push("", "Outputs:");
        for (const [k, v] of Object.entries(doc.outputs)) lines.push(`    ${k}: ${typeof v === "string" ? v : JSON.stringify(v)}`);
    }
    if (doc.policy) lines.push("", ...renderViolations(doc));
    if (doc.diff) lines.push("", ...renderDiff(doc.diff, doc.stack));
    return lines.join("\n");
}

/** Violations grouped by resource, mandatory first. */
export function renderViolations(doc: PlanDocument): string[] {
    const p = doc.policy!;
    const mandatory = p.violations.filter((v) => v.enforcementLevel === "mandatory").length;
    const lines = [
        `Policy pack ${p.pack}${p.config ? ` (config ${path.relative(ROOT, p.config)})` : ""}: ${mandatory} mandatory, ${p.violations.length - mandatory} advisory`,
    ];
    const byUrn = new Map<string, typeof p.violations>();
    for (const v of p.violations) byUrn.set(v.urn, [...(byUrn.get(v.urn) ?? []), v]);
    const names = new Map(doc.resources.map((r) => [r.urn, `${r.type}  ${r.name}`]));
    const order = [...byUrn.keys()].sort(
        (a, b) => Number(byUrn.get(b)!.some((v) => v.enforcementLevel === "mandatory")) - Number(byUrn.get(a)!.some((v) => v.enforcementLevel === "mandatory")),
    );
    for (const urn of order) {
        lines.push(`    ${names.get(urn) ?? (urn || "(stack)")}`);
        for (const v of byUrn.get(urn)!) {
            const [first, ...rest] = v.message.split("\n");
            lines.push(`        [${v.enforcementLevel}] ${v.policy}: ${rest.length ? rest.join(" ") : first}`);
            const g = p.guidance?.[v.policy];
            // A preview note ("can't run ... during preview", @pulumi/policy) is no finding: nothing to fix.
            const previewNote = v.message.startsWith("can't run ") && v.message.includes(" during preview: ");
            if (g?.remediationSteps && !previewNote) lines.push(`            fix: ${g.remediationSteps}${g.url ? ` (${g.url})` : ""}`);
        }
    }
    const exempted = renderExemptions(p.exemptions ?? []);
    if (exempted.length) lines.push("", ...exempted);
    return lines;
}

/**
 * A finished plan's exit code: 4 when a stateful resource would be replaced or deleted without --allow-replace,
 * whatever the policy verdicts (a gate on the exit code must see it); otherwise 1 on a mandatory violation; else 0.
 */
export function exitCodeOf(doc: Pick<PlanDocument, "policy" | "diff">): number {
    if (doc.diff?.blocked.length) return 4;
    return doc.policy?.violations.some((v) => v.enforcementLevel === "mandatory") ? 1 : 0;
}

export function isConfigError(e: unknown): boolean {
    return (
        !!e &&
        typeof e === "object" &&
        ((e as any).__pulumiRunError === true || e instanceof StackFileError || e instanceof UsageError || (e as Error).name === "PolicyConfigError")
    );
}

/** Where `main` writes and what it reads from its environment: the process's own, or a test's capture. */
export interface PlanIO {
    stdout(text: string): void;
    stderr(text: string): void;
    /** The directory relative paths in arguments are resolved against (npm's INIT_CWD: where the user typed the command). */
    cwd: string;
    /** `MSK_LAMBDA_PACK_ADDRESS` (a pack already serving) and `MSK_LAMBDA_PLAN_TRACES` are read from here. */
    env: Record<string, string | undefined>;
}

/** The process's own streams, working directory and environment. */
export function processIO(): PlanIO {
    return {
        stdout: (text) => process.stdout.write(text),
        stderr: (text) => process.stderr.write(text),
        cwd: process.env.INIT_CWD ?? process.cwd(),
        env: process.env,
    };
}

const PROGRAM = path.join(ROOT, "index.ts");

/**
 * The stack config, validated by the program's own validator. When it is refused, the policy config file is read too,
 * so that a bad file is reported in the same run (its settings are checked against the pack's schemas once the pack
 * runs).
 */
function validate(loaded: LoadedConfig, args: PlanArgs): ReturnType<typeof parseStackConfig> {
    try {
        return parseStackConfig(loaded.config, { project: loaded.project, stack: args.stack, secretKeys: loaded.secretKeys });
    } catch (e) {
        if (!isConfigError(e)) throw e;
        try {
            require("./policy").policyConfigFor(args.stack, args.policyConfig);
        } catch (p) {
            if (isConfigError(p)) (e as Error).message += `\n${(p as Error).message}`;
        }
        throw e;
    }
}

/**
 * Runs the program under the mocks. The program's module body is the program, so it is loaded afresh for each plan
 * made in this process; the runtime's warnings (`pulumi.log.warn` without an engine goes to `console.warn`) go to
 * `io`'s stderr.
 */
async function runProgram(io: PlanIO, opts: import("./simulate").SimulationOptions): Promise<SimulationResult> {
    const { simulate } = await import("./simulate");
    const { warn, error } = console;
    console.warn = console.error = (...parts: unknown[]) => io.stderr(format(...parts) + "\n");
    try {
        return await simulate(() => {
            delete require.cache[PROGRAM];
            return require(PROGRAM);
        }, opts);
    } finally {
        Object.assign(console, { warn, error });
    }
}

/**
 * The whole command: parses `argv`, plans, writes the plan and the verdict to `io`, and returns the exit code (see the
 * header). Runs in the caller's process, so tests call it without a process per plan; calls must not overlap (the
 * Pulumi runtime the program runs under is process-wide).
 */
export async function main(argv: string[], io: PlanIO = processIO()): Promise<number> {
    let args: PlanArgs;
    try {
        args = parseArgs(argv);
    } catch (e) {
        io.stderr(`plan: ${(e as Error).message}\n${USAGE}\n`);
        return 2;
    }
    if (args.help) {
        io.stdout(USAGE + "\n");
        return 0;
    }
    const traces = io.env.MSK_LAMBDA_PLAN_TRACES === "1";
    try {
        // Every input problem at once (the base plan, the stack files, the config, the policy config file), before
        // Pulumi is loaded: each is reported, then exit 2.
        const problems: string[] = [];
        const attempt = <T>(f: () => T): T | undefined => {
            try {
                return f();
            } catch (e) {
                if (!isConfigError(e)) throw e;
                problems.push((e as Error).message);
                return undefined;
            }
        };
        const base = args.against ? attempt(() => readBasePlan(args.against!, args.stack, io.cwd, args.preview)) : undefined;
        const loaded = attempt(() => loadConfig(ROOT, args.stack, args.overrides, args.configFile && path.resolve(io.cwd, args.configFile)));
        const parsed = loaded && attempt(() => validate(loaded, args));
        if (problems.length || !loaded || !parsed) {
            io.stderr(problems.join("\n") + "\n");
            return 2;
        }
        if (parsed.consumers.length === 0) {
            io.stderr(
                `note: ${NAMESPACE}:consumers is empty: the stack has no consumer, so nothing reads the cluster (no function, no event source mapping)\n`,
            );
        }
        const { evaluatePolicies, policyConfigFor, startPack } = await import("./policy");
        const policyConfig = policyConfigFor(args.stack, args.policyConfig);
        // Start the pack now: its start (loading and type-checking, in its own process) overlaps with the program.
        const pack = startPack(io.env.MSK_LAMBDA_PACK_ADDRESS);
        try {
            const sim = await runProgram(io, { ...loaded, stack: args.stack, preview: args.preview, captureStacks: traces });
            const doc = planDocument(sim);
            doc.policy = { ...(await evaluatePolicies(sim, policyConfig.config, await pack.server)), config: policyConfig.file };
            if (base) doc.diff = diffPlans(base, doc, args.allowReplace);
            io.stdout(args.json ? JSON.stringify(doc, null, 2) + "\n" : renderText(doc) + "\n");
            return exitCodeOf(doc);
        } finally {
            await pack.stop();
        }
    } catch (e) {
        if (isConfigError(e)) {
            io.stderr(`${(e as Error).message}\n`);
            return 2;
        }
        const hint = traces ? "" : "\n(run with MSK_LAMBDA_PLAN_TRACES=1 for full stack traces)";
        io.stderr(`plan: the program failed: ${(e as Error)?.stack ?? String(e)}${hint}\n`);
        return 3;
    }
}

if (require.main === module) {
    // Exit once stdout and stderr are flushed: a large --json document written to a slow pipe is otherwise cut short.
    main(process.argv.slice(2)).then((code) => process.stdout.write("", () => process.stderr.write("", () => process.exit(code))));
}
