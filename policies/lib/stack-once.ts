/**
 * One resource list per `AnalyzeStack` request, built by `@pulumi/policy`'s own code, for every stack policy.
 *
 * `@pulumi/policy`'s `AnalyzeStack` handler (server.js, `makeAnalyzeStackRpcFun`) builds, for each stack policy, a
 * resource object per resource of the request: the properties' proxy, the options read from the protobuf message,
 * the provider, the parent, the dependencies and a URN map. With the pack's 31 stack policies that is 31 times the
 * stack (310,000 objects for 10,000 resources): in a profile of the pack's process, about 45% of the handler's time
 * before the garbage it made (repository README, "Benchmarks"). The rules read the same values each time.
 *
 * This module wraps the `AnalyzeStack` handler when the policy server is created (`serve`, called by `PolicyPack`):
 *
 * 1. the request's resources are built once, by the SDK's exported `makeAnalyzeStackRpcFun` itself, run with a
 *    single policy that keeps the `resources` it is given (so each resource object is exactly what the SDK makes);
 * 2. the SDK's real handler, with the pack's policies, then runs on the same request in which the resource list is
 *    one placeholder resource naming the request: enforcement levels (from the policy config the engine sent), the
 *    `disabled` level, `getConfig`, preview notes, not-applicable answers and the diagnostics stay the SDK's;
 * 3. every stack policy of the pack (`withStackResources`, rules/common.ts) swaps the placeholder for the list of
 *    step 1, so all the policies of a request share one list.
 *
 * It is installed only when every stack policy of the pack swaps the placeholder (marked `STACK_ONCE`) and none
 * carries a type filter (the SDK would look for that type in the one-placeholder list); when the SDK's shape is not
 * the expected one, or building the list fails, the SDK's handler runs on the request as sent. The pack's package.json
 * pins `@pulumi/policy` to the range this was written against (^1.21); `tests/pack-stack-once.test.ts` checks that
 * the wrapper installs with the installed version, that the SDK's own handler gives every policy the same resource
 * objects as without it, and that the served pack answers as it does without it; `npm run bench -- --pack-only`
 * measures the pack with and without it (MSK_LAMBDA_NO_STACK_ONCE=1).
 */
import type { PolicyResource } from "@pulumi/policy";
import * as path from "path";

/** Marks a stack validation function that replaces the placeholder with the request's resources. */
export const STACK_ONCE = Symbol.for("msk-lambda.stackOnce");
const INSTALLED = Symbol.for("msk-lambda.stackOnce.installed");

/** The placeholder's type and URN prefix: the pack's own names, never a type a provider registers. */
export const PLACEHOLDER_TYPE = "msk-lambda:internal:AnalyzeStackRequest";
const PLACEHOLDER_URN = "urn:pulumi:msk-lambda::msk-lambda::msk-lambda:internal:AnalyzeStackRequest::request-";
/** The policy name the building handler runs under (never sent to the engine: its response is dropped). */
const BUILDER = "msk-lambda-internal-resource-list";

/** Requests in flight: the placeholder's URN -> the request's resources, as the SDK built them. */
const inFlight = new Map<string, readonly PolicyResource[]>();
let requests = 0;

type Callback = (err: unknown, res?: unknown) => void;
type PolicyLike = { name?: string; validateStack?: unknown };
type ServerModule = {
    serve?: (name: string, version: string, level: unknown, args: { policies?: PolicyLike[] }, initialConfig?: unknown) => void;
    makeAnalyzeStackRpcFun?: (name: string, version: string, level: unknown, policies: PolicyLike[]) => Handler;
};
export type Handler = (call: { request: unknown }, callback: Callback) => unknown;
type Message = { setType(t: string): void; setUrn(u: string): void; setName(n: string): void; setProperties(s: unknown): void; setOptions(o: unknown): void };

/**
 * The arguments a stack policy should judge: the same arguments, with the request's resources when the SDK passed
 * the placeholder. Undefined for a placeholder of no request in flight (a defect: the caller reports that it could
 * not judge the stack rather than judging an empty one).
 */
export function withStackResources<A extends { resources: PolicyResource[] }>(args: A): A | undefined {
    const list = args.resources;
    if (!Array.isArray(list) || list.length !== 1 || list[0]?.type !== PLACEHOLDER_TYPE) return args;
    const resources = inFlight.get(list[0].urn);
    return resources ? { ...args, resources: resources as PolicyResource[] } : undefined;
}

/**
 * Whether every stack policy of `policies` takes the placeholder: each is marked `STACK_ONCE` and carries no type
 * filter (see the module's comment). With no stack policy, or one only, there is nothing to share.
 */
export function canShareResources(policies: PolicyLike[]): boolean {
    const stack = policies.filter((p) => typeof p?.validateStack === "function");
    return (
        stack.length > 1 &&
        stack.every((p) => {
            const v = p.validateStack as { [STACK_ONCE]?: unknown; __pulumiType?: unknown };
            return v[STACK_ONCE] === true && (typeof v.__pulumiType !== "string" || v.__pulumiType === "");
        })
    );
}

/** The request's resources, built by the SDK's handler for one policy that keeps them; undefined when that fails. */
function buildResources(server: ServerModule, pack: [string, string, unknown], call: { request: unknown }): Promise<PolicyResource[] | undefined> {
    let kept: PolicyResource[] | undefined;
    const keep = {
        name: BUILDER,
        description: BUILDER,
        enforcementLevel: "mandatory",
        validateStack: (a: { resources: PolicyResource[] }) => void (kept = a.resources),
    };
    const build = server.makeAnalyzeStackRpcFun!(...pack, [keep]);
    return new Promise((resolve) => {
        try {
            build(call, (err) => resolve(err || !Array.isArray(kept) ? undefined : kept));
        } catch {
            resolve(undefined);
        }
    });
}

/** The SDK's modules the wrapper uses, as the SDK's server loads them; undefined when their shape is not the expected one. */
interface Sdk {
    server: ServerModule & { [INSTALLED]?: true };
    addServiceOf: { addService: (service: unknown, impl: Record<string, unknown>) => unknown };
    newPlaceholder: () => Message;
}
let sdkCache: Sdk | null | undefined;

function sdk(): Sdk | undefined {
    if (sdkCache !== undefined) return sdkCache ?? undefined;
    sdkCache = null;
    let server: Sdk["server"];
    let proto: { addService?: unknown } | undefined;
    let pb: { AnalyzerResource?: new () => Message; AnalyzerResourceOptions?: new () => object };
    let Struct: (new () => object) | undefined;
    try {
        server = require("@pulumi/policy/server");
        // The modules the SDK's server itself loads (its own dependencies, wherever npm put them).
        const from = { paths: [path.dirname(require.resolve("@pulumi/policy/server"))] };
        proto = require(require.resolve("@grpc/grpc-js", from)).Server?.prototype;
        pb = require(require.resolve("@pulumi/pulumi/proto/analyzer_pb", from));
        Struct = require(require.resolve("google-protobuf/google/protobuf/struct_pb", from)).Struct;
    } catch {
        return undefined;
    }
    const { AnalyzerResource, AnalyzerResourceOptions } = pb;
    if (typeof server.serve !== "function" || typeof server.makeAnalyzeStackRpcFun !== "function" || typeof proto?.addService !== "function") return undefined;
    if (typeof AnalyzerResource !== "function" || typeof AnalyzerResourceOptions !== "function" || typeof Struct !== "function") return undefined;
    const newPlaceholder = (): Message => {
        const m = new AnalyzerResource();
        m.setType(PLACEHOLDER_TYPE);
        m.setName("request");
        m.setProperties(new Struct!());
        m.setOptions(new AnalyzerResourceOptions());
        return m;
    };
    sdkCache = { server, addServiceOf: proto as Sdk["addServiceOf"], newPlaceholder };
    return sdkCache;
}

/**
 * The SDK's `AnalyzeStack` handler `original` (made by `makeAnalyzeStackRpcFun(...pack, policies)`), fed one resource
 * list per request (steps 1-3 of the module's comment); `original` itself when the SDK's shape is not the expected one.
 */
export function shareResourceList(original: Handler, pack: [name: string, version: string, level: unknown]): Handler {
    const s = sdk();
    if (!s) return original;
    return (call, callback) => {
        const req = call?.request as { getResourcesList?: () => unknown[] } | undefined;
        const list = typeof req?.getResourcesList === "function" ? req.getResourcesList() : undefined;
        if (!Array.isArray(list) || list.length < 2) return original(call, callback);
        void buildResources(s.server, pack, call).then((resources) => {
            if (!resources) return original(call, callback);
            const urn = `${PLACEHOLDER_URN}${++requests}`;
            inFlight.set(urn, Object.freeze(resources));
            const placeholder = s.newPlaceholder();
            placeholder.setUrn(urn);
            const request = Object.create(req as object, { getResourcesList: { value: () => [placeholder] } });
            const done: Callback = (err, res) => {
                inFlight.delete(urn);
                callback(err, res);
            };
            try {
                original(Object.create(call, { request: { value: request } }), done);
            } catch (e) {
                done(e);
            }
        });
    };
}

/**
 * Wraps `@pulumi/policy`'s `serve` so that the `AnalyzeStack` handler of the server it creates builds each request's
 * resources once (see the module's comment), when the pack's policies can take it (`canShareResources`). Call before
 * `new PolicyPack(...)`. Returns whether it is installed.
 */
export function stackOnce(): boolean {
    if (process.env.MSK_LAMBDA_NO_STACK_ONCE === "1") return false;
    const s = sdk();
    if (!s) return false;
    const { server, addServiceOf } = s;
    if (server[INSTALLED]) return true;
    const serve = server.serve!;
    server.serve = function (this: unknown, name, version, level, args, initialConfig) {
        if (!canShareResources(args?.policies ?? [])) return serve.call(this, name, version, level, args, initialConfig);
        const addService = addServiceOf.addService;
        // Only while `serve` runs (synchronously): the analyzer service it registers gets the wrapped handler.
        addServiceOf.addService = function (this: unknown, service, impl) {
            const analyzeStack = impl?.analyzeStack;
            const wrapped =
                typeof analyzeStack === "function" ? { ...impl, analyzeStack: shareResourceList(analyzeStack as Handler, [name, version, level]) } : impl;
            return addService.call(this, service, wrapped);
        };
        try {
            return serve.call(this, name, version, level, args, initialConfig);
        } finally {
            addServiceOf.addService = addService;
        }
    };
    server[INSTALLED] = true;
    return true;
}

/** Whether `@pulumi/policy`'s `serve` carries the wrapper (`stackOnce` was called and succeeded). */
export function stackOnceInstalled(): boolean {
    return sdk()?.server[INSTALLED] === true;
}
