/**
 * One resource list per AnalyzeStack request (policies/lib/stack-once.ts, issue 17 section 2): the wrapper of
 * `@pulumi/policy`'s `AnalyzeStack` handler changes what the pack costs, never what it answers.
 *
 * - In-process, with the installed SDK's own handler (`makeAnalyzeStackRpcFun`): every stack policy of a request gets
 *   one list, whose resource objects are what the SDK builds without the wrapper (type, URN, name, properties,
 *   options, parent, provider, dependencies, property dependencies, `isType`/`asType`); concurrent requests keep
 *   their own lists; a request the SDK refuses gets the SDK's own error.
 * - Through the protocol: the pack with the wrapper and the pack without it (MSK_LAMBDA_NO_STACK_ONCE=1) give the same
 *   AnalyzeStack diagnostics on generated stacks (violations, preview notes), with the default config and with a
 *   config that disables a stack policy, lowers another to advisory and sets a policy's config value.
 */
import * as assert from "assert";
import type { PolicyResource } from "@pulumi/policy";
import { PackServer, type AnalyzerInput, type Diagnostic, type PolicyConfigFile } from "../plan/analyzer";
import { policies } from "../policies/policies";
import { canShareResources, PLACEHOLDER_TYPE, shareResourceList, stackOnce, stackOnceInstalled, STACK_ONCE, type Handler } from "../policies/lib/stack-once";
import { raw } from "../policies/lib/values";
import { withBoundedReports } from "../policies/rules/common";
import { resourceOf, TYPES, violatingTemplates } from "./helpers/generate";
import { pack, UNKNOWN } from "./helpers/pack";
import { pki } from "./helpers/pki";

type StackArgs = { resources: PolicyResource[] };
const sdkServer = require("@pulumi/policy/server") as { makeAnalyzeStackRpcFun(n: string, v: string, l: string, p: object[]): Handler };

/** Stack policies (wrapped as the pack wraps its own) that record the `resources` each is given, per call. */
function recorders(n: number): { policies: object[]; seen: PolicyResource[][][] } {
    const seen: PolicyResource[][][] = Array.from({ length: n }, () => []);
    const list = seen.map((s, k) =>
        withBoundedReports({
            name: `recorder-${k}`,
            description: "records its resources",
            enforcementLevel: "advisory",
            validateStack: (args: StackArgs) => void s.push(args.resources),
        }),
    );
    return { policies: list, seen };
}

/** Calls an AnalyzeStack handler as the gRPC server does; resolves with its error or response. */
function run(handler: Handler, request: unknown): Promise<{ err: unknown; res: unknown }> {
    return new Promise((resolve) => handler({ request }, (err, res) => resolve({ err, res })));
}

/** What a policy can read of a resource, with the linked resources by URN. */
function shape(r: PolicyResource) {
    return {
        type: r.type,
        urn: r.urn,
        name: r.name,
        props: raw(r.props),
        opts: r.opts,
        parent: r.parent?.urn,
        provider: r.provider ? { type: r.provider.type, urn: r.provider.urn, name: r.provider.name, props: raw(r.provider.props) } : undefined,
        dependencies: r.dependencies.map((d) => d.urn),
        propertyDependencies: Object.fromEntries(Object.entries(r.propertyDependencies).map(([k, v]) => [k, v.map((d) => d.urn)])),
    };
}

/** A small stack with a parent, dependencies, property dependencies, options and a provider reference. */
function linkedStack(tag: string): AnalyzerInput[] {
    const urn = (t: string, n: string) => `urn:pulumi:gen::other::${t}::${n}-${tag}`;
    const fn = resourceOf("aws:lambda/function:Function", `fn-${tag}`, { name: `fn-${tag}`, timeout: 60 });
    const esm: AnalyzerInput = {
        ...resourceOf("aws:lambda/eventSourceMapping:EventSourceMapping", `esm-${tag}`, { functionName: `fn-${tag}`, topics: ["orders"] }),
        parent: urn("my:component:Consumer", "c"),
        dependencies: [fn.urn],
        propertyDependencies: { functionName: [fn.urn] },
        options: { protect: true, deleteBeforeReplace: true, aliases: [`urn:pulumi:gen::other::old::esm-${tag}`] },
    };
    const component = { ...resourceOf("my:component:Consumer", `c-${tag}`, {}), urn: urn("my:component:Consumer", "c") };
    return [component, fn, esm];
}

describe("one resource list per AnalyzeStack request (policies/lib/stack-once.ts)", function () {
    this.timeout(120000);

    it("is installed with the installed @pulumi/policy, and every stack policy of the pack takes the shared list", () => {
        assert.strictEqual(stackOnce(), true, "@pulumi/policy's server module no longer has the expected shape");
        assert.strictEqual(stackOnceInstalled(), true);
        assert.strictEqual(canShareResources(policies), true);
        // A stack policy that does not swap the placeholder, or one the SDK filters by type, keeps the SDK's own handler.
        const plain = { name: "plain", description: "", validateStack: () => undefined };
        assert.strictEqual(canShareResources([...policies, plain]), false);
        const typed = Object.assign(() => undefined, { [STACK_ONCE]: true, __pulumiType: "aws:sqs/queue:Queue" });
        assert.strictEqual(canShareResources([...policies, { name: "typed", description: "", validateStack: typed }]), false);
    });

    it("gives every stack policy of a request one list, of the resource objects the SDK's handler builds", async () => {
        const request = PackServer.prepareAnalyzeStack(linkedStack("a"));
        const provider = request.getResourcesList()[1];
        const { AnalyzerProviderResource } = require("@pulumi/pulumi/proto/analyzer_pb");
        const p = new AnalyzerProviderResource();
        p.setType("pulumi:providers:aws");
        p.setName("eu");
        p.setUrn("urn:pulumi:gen::other::pulumi:providers:aws::eu");
        p.setProperties(require("google-protobuf/google/protobuf/struct_pb").Struct.fromJavaScript({ region: "eu-west-1" }));
        provider.setProvider(p);

        const plain = recorders(3);
        const r1 = await run(sdkServer.makeAnalyzeStackRpcFun("t", "1.0.0", "advisory", plain.policies), request);
        const shared = recorders(3);
        const r2 = await run(
            shareResourceList(sdkServer.makeAnalyzeStackRpcFun("t", "1.0.0", "advisory", shared.policies), ["t", "1.0.0", "advisory"]),
            request,
        );
        assert.deepStrictEqual([r1.err ?? undefined, r2.err ?? undefined], [undefined, undefined]);

        const [first, ...others] = shared.seen.map((s) => s[0]);
        for (const o of others) assert.strictEqual(o, first, "one list per request");
        assert.strictEqual(first.length, 3);
        assert.ok(!first.some((r) => r.type === PLACEHOLDER_TYPE));
        assert.notStrictEqual(plain.seen[0][0], plain.seen[1][0], "without the wrapper, the SDK builds a list per policy");
        assert.deepStrictEqual(first.map(shape), plain.seen[0][0].map(shape));
        const esm = first[2];
        assert.strictEqual(esm.parent, first[0], "the parent is the resource object of the same list");
        assert.strictEqual(esm.propertyDependencies.functionName[0], first[1]);
        assert.deepStrictEqual(esm.opts.aliases, ["urn:pulumi:gen::other::old::esm-a"]);
        assert.strictEqual(esm.opts.protect, true);
        assert.strictEqual(first[1].provider?.urn, "urn:pulumi:gen::other::pulumi:providers:aws::eu");
        assert.strictEqual(esm.isType({ __pulumiType: "aws:lambda/eventSourceMapping:EventSourceMapping" } as never), true);
        assert.strictEqual(esm.asType({ __pulumiType: "aws:sqs/queue:Queue" } as never), undefined);
        assert.ok(Object.isFrozen(first), "rules cannot change the list the next policy reads");
    });

    it("keeps concurrent requests apart", async () => {
        const rec = recorders(2);
        const handler = shareResourceList(sdkServer.makeAnalyzeStackRpcFun("t", "1.0.0", "advisory", rec.policies), ["t", "1.0.0", "advisory"]);
        await Promise.all(["x", "y", "z"].map((tag) => run(handler, PackServer.prepareAnalyzeStack(linkedStack(tag)))));
        for (const s of rec.seen) {
            assert.strictEqual(s.length, 3);
            const tags = s.map((list) => [...new Set(list.map((r) => r.urn.slice(-1)))]);
            assert.deepStrictEqual(
                tags.map((t) => t.length),
                [1, 1, 1],
                "each list holds one request's resources",
            );
            assert.deepStrictEqual(tags.flat().sort(), ["x", "y", "z"]);
        }
    });

    it("answers a request the SDK refuses with the SDK's own error", async () => {
        const request = PackServer.prepareAnalyzeStack(linkedStack("b"));
        request.getResourcesList()[1].clearOptions(); // no options: "A more recent version of the Pulumi CLI is required"
        const plain = await run(sdkServer.makeAnalyzeStackRpcFun("t", "1.0.0", "advisory", recorders(2).policies), request);
        const rec = recorders(2);
        const shared = await run(
            shareResourceList(sdkServer.makeAnalyzeStackRpcFun("t", "1.0.0", "advisory", rec.policies), ["t", "1.0.0", "advisory"]),
            request,
        );
        // The message and the error's first lines (the call stack below them differs: the wrapper is on it).
        const text = (e: unknown) => String((e as Error)?.message).split("\n    at ")[0];
        assert.match(text(plain.err), /more recent version of the Pulumi CLI/);
        assert.strictEqual(text(shared.err), text(plain.err));
        assert.deepStrictEqual(rec.seen, [[], []], "no policy judged a stack it could not read");
    });

    it("reports that it could not judge, rather than judging an empty stack, for a placeholder of no request", () => {
        const [policy] = recorders(1).policies as { validateStack(a: object, r: (m: string) => void): void }[];
        const messages: string[] = [];
        const placeholder = { type: PLACEHOLDER_TYPE, urn: "urn:pulumi:msk-lambda::msk-lambda::x::gone", props: {} };
        policy.validateStack({ resources: [placeholder], getConfig: () => ({}) }, (m) => messages.push(m));
        assert.strictEqual(messages.length, 1);
        assert.match(messages[0], /could not judge this stack/);
    });

    describe("through the protocol, against the pack without it (MSK_LAMBDA_NO_STACK_ONCE=1)", () => {
        let without: PackServer | undefined;
        before(async () => {
            process.env.MSK_LAMBDA_NO_STACK_ONCE = "1";
            try {
                without = await PackServer.start();
            } finally {
                delete process.env.MSK_LAMBDA_NO_STACK_ONCE;
            }
        });
        after(async () => without?.stop());

        const sorted = (ds: Diagnostic[]) => ds.map((d) => JSON.stringify([d.policy, d.urn, d.enforcementLevel, d.message])).sort();

        function stack(): AnalyzerInput[] {
            const p = pki();
            const pem = { chain: p.chain, key: p.clientKey, selfSigned: p.selfSigned, selfSignedKey: p.selfSignedKey };
            const groups = [0, 1, 2, 5].flatMap((i) => TYPES.map((type) => resourceOf(type, `g${i}`, violatingTemplates(i, pem)[type])));
            // A preview: a mapping whose function is not known yet, and a function whose timeout is not.
            const preview = TYPES.map((type) => {
                const t = violatingTemplates(3, pem)[type];
                if (type === "aws:lambda/eventSourceMapping:EventSourceMapping") return resourceOf(type, "u3", { ...t, functionName: UNKNOWN });
                if (type === "aws:lambda/function:Function") return resourceOf(type, "u3", { ...t, timeout: UNKNOWN });
                return resourceOf(type, "u3", t);
            });
            return [...groups, ...preview, ...linkedStack("c")];
        }

        for (const [name, config] of [
            ["the default config", {}],
            [
                "a config that disables a stack policy, lowers one to advisory and sets a value",
                {
                    "no-public-kafka-ingress": "disabled",
                    "msk-network-path": "advisory",
                    "msk-function-timeout": { enforcementLevel: "mandatory", maxTimeoutSeconds: 30 },
                },
            ],
        ] as [string, PolicyConfigFile][]) {
            it(`answers as the SDK's handler alone does, with ${name}`, async () => {
                const ours = await pack();
                await ours.configure(config);
                await without!.configure(config);
                const resources = stack();
                const a = (await ours.analyzeStack(resources)).diagnostics;
                const b = (await without!.analyzeStack(resources)).diagnostics;
                assert.deepStrictEqual(sorted(a), sorted(b));
                const policiesSeen = new Set(a.map((d) => d.policy));
                assert.ok(policiesSeen.size >= 6, `the stack draws diagnostics from many policies (${[...policiesSeen].join(", ")})`);
                assert.ok(
                    a.some((d) => /during preview/.test(d.message)),
                    "and preview notes",
                );
                if (name !== "the default config") {
                    assert.ok(!policiesSeen.has("no-public-kafka-ingress"));
                    assert.ok(a.some((d) => d.policy === "msk-network-path" && d.enforcementLevel === "advisory"));
                    assert.ok(a.some((d) => d.policy === "msk-function-timeout" && /30 s or less/.test(d.message)));
                }
            });
        }
    });
});
