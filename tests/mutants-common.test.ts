/**
 * What policies/rules/common.ts guarantees every policy of the pack (bounded, deduplicated diagnostics; a crash as one
 * diagnostic; preview notes kept; config defaults; the canonical types a resource policy sees; limits a config can only
 * tighten), pinned where `npm run mutate:pack -- --mutate policies/rules/common.ts` found no test deciding (issue 21;
 * bench/mutation/rules-common.md). Called as the policy server calls a policy: the wrapped validate function and a
 * `report` that records what it is sent.
 */
import * as assert from "assert";
import { UnknownValueError, type ReportViolation, type ResourceValidationArgs, type StackValidationArgs } from "@pulumi/policy";
import {
    BOUNDED_REPORTS,
    config,
    forTypes,
    limitReports,
    listed,
    MAX_DIAGNOSTICS_PER_RESOURCE,
    MAX_MESSAGE_CHARS,
    reportAdvisory,
    stricterLimit,
    withBoundedReports,
    withExemptions,
} from "../policies/rules/common";
import { PLACEHOLDER_TYPE, STACK_ONCE } from "../policies/lib/stack-once";
import { UNKNOWN } from "../policies/lib/values";
import { ACCOUNT, check, CLUSTER_ARN, res, secret } from "./helpers/pack";

interface Sent {
    message: string;
    urn?: string;
    level?: string;
    args: number;
}

/** A `report` that records each call: a string with its URN (and how many arguments), or a leveled object. */
function recorder(): { report: ReportViolation; sent: Sent[] } {
    const sent: Sent[] = [];
    const report = ((m: string | { message: string; urn?: string; enforcementLevel: string }, urn?: string) => {
        if (typeof m === "object") sent.push({ message: m.message, urn: m.urn, level: m.enforcementLevel, args: 1 });
        else sent.push({ message: m, urn, args: urn === undefined ? 1 : 2 });
    }) as unknown as ReportViolation;
    return { report, sent };
}

const resourceArgs = (over: Partial<ResourceValidationArgs> = {}) =>
    ({ type: "aws:kms/key:Key", name: "k", urn: "urn:k", props: {}, getConfig: () => ({}), ...over }) as unknown as ResourceValidationArgs;

describe("rules/common.ts: what every policy's wrapper guarantees (issue 21)", () => {
    describe("limitReports", () => {
        it("sends a message repeated on one resource once", () => {
            const { report, sent } = recorder();
            const l = limitReports(report);
            l.report("a", "u");
            l.report("a", "u");
            l.report("a", "v");
            l.flush();
            assert.deepStrictEqual(
                sent.map((s) => `${s.urn}:${s.message}`),
                ["u:a", "v:a"],
            );
        });
        it(`sends at most ${MAX_DIAGNOSTICS_PER_RESOURCE} per resource, then one summary on that resource (once), and counts resources apart`, () => {
            const { report, sent } = recorder();
            const l = limitReports(report);
            for (let i = 0; i < MAX_DIAGNOSTICS_PER_RESOURCE + 2; i++) l.report(`m${i}`, "u");
            l.report(`m${MAX_DIAGNOSTICS_PER_RESOURCE + 1}`, "u");
            l.report("other", "v");
            l.flush();
            l.flush();
            assert.strictEqual(sent.filter((s) => s.urn === "u").length, MAX_DIAGNOSTICS_PER_RESOURCE + 1);
            assert.deepStrictEqual(
                sent.filter((s) => s.urn === "v").map((s) => s.message),
                ["other"],
            );
            assert.match(sent.filter((s) => s.urn === "u").pop()!.message, /^\.\.\. and 2 more violation/);
            assert.ok(!sent.some((s) => s.urn === "u" && s.message === `m${MAX_DIAGNOSTICS_PER_RESOURCE}`));
        });
        it("exactly the limit: no summary; a stack diagnostic (no URN) keeps no URN in its summary", () => {
            const { report, sent } = recorder();
            const l = limitReports(report);
            for (let i = 0; i < MAX_DIAGNOSTICS_PER_RESOURCE; i++) l.report(`m${i}`, "u");
            l.flush();
            assert.strictEqual(sent.length, MAX_DIAGNOSTICS_PER_RESOURCE);
            const stack = recorder();
            const s = limitReports(stack.report);
            for (let i = 0; i <= MAX_DIAGNOSTICS_PER_RESOURCE; i++) s.report(`m${i}`);
            s.flush();
            assert.strictEqual(stack.sent.length, MAX_DIAGNOSTICS_PER_RESOURCE + 1);
            assert.ok(stack.sent.every((x) => x.urn === undefined && x.args === 1));
        });
        it(`cuts a message past ${MAX_MESSAGE_CHARS} characters, not one of exactly that length`, () => {
            const { report, sent } = recorder();
            const l = limitReports(report);
            l.report("x".repeat(MAX_MESSAGE_CHARS), "u");
            l.report("y".repeat(MAX_MESSAGE_CHARS + 1), "u");
            assert.strictEqual(sent[0].message.length, MAX_MESSAGE_CHARS);
            assert.ok(sent[1].message.startsWith("y".repeat(MAX_MESSAGE_CHARS)) && !sent[1].message.includes("y".repeat(MAX_MESSAGE_CHARS + 1)));
            // Two long messages that differ past the cut are still two diagnostics (each cut, each sent).
            l.report("y".repeat(MAX_MESSAGE_CHARS + 2), "u");
            l.report(`z${"y".repeat(MAX_MESSAGE_CHARS + 1)}`, "u");
            assert.strictEqual(sent.length, 4);
        });
        it("passes a leveled (advisory) report on as an object with its level, bounded and deduplicated too", () => {
            const { report, sent } = recorder();
            const l = limitReports(report);
            reportAdvisory(l.report, "z".repeat(MAX_MESSAGE_CHARS + 5), "u");
            reportAdvisory(l.report, "z".repeat(MAX_MESSAGE_CHARS + 5), "u");
            assert.strictEqual(sent.length, 1);
            assert.strictEqual(sent[0].level, "advisory");
            assert.strictEqual(sent[0].urn, "u");
            assert.ok(!sent[0].message.includes("z".repeat(MAX_MESSAGE_CHARS + 1)));
        });
    });

    describe("withBoundedReports", () => {
        const policy = (check: (args: never, report: ReportViolation) => void) =>
            withBoundedReports({ name: "t", description: "d", enforcementLevel: "mandatory", validateResource: check as never });
        const run = (check: (args: never, report: ReportViolation) => void, args = resourceArgs()) => {
            const { report, sent } = recorder();
            (policy(check).validateResource as (a: unknown, r: ReportViolation) => void)(args, report);
            return sent;
        };
        it("a rule's crash (an Error or not) is one diagnostic of its policy on the resource", () => {
            for (const thrown of [new TypeError("boom"), "boom"]) {
                const sent = run(() => {
                    throw thrown;
                });
                assert.strictEqual(sent.length, 1, String(thrown));
                assert.match(sent[0].message, /could not judge this resource/);
            }
        });
        it("a preview note is thrown on with its path (numbers kept, other parts as ?)", () => {
            assert.throws(
                () =>
                    run(() => {
                        throw new UnknownValueError(UNKNOWN, ["a", 1, {}] as never);
                    }),
                (e: unknown) => e instanceof UnknownValueError && JSON.stringify((e as { props?: unknown }).props) === '["a","1","?"]',
            );
        });
        it("a NotApplicableError is thrown on, not reported", () => {
            class NotApplicableError extends Error {}
            const sent: Sent[] = [];
            assert.throws(
                () =>
                    run(() => {
                        throw new NotApplicableError("n/a");
                    }).forEach((s) => sent.push(s)),
                NotApplicableError,
            );
            assert.deepStrictEqual(sent, []);
        });
        it("the summary of dropped diagnostics is sent even when the rule then ends with a preview note", () => {
            const { report, sent } = recorder();
            const p = policy((_args, r) => {
                for (let i = 0; i <= MAX_DIAGNOSTICS_PER_RESOURCE; i++) r(`m${i}`, "u");
                throw new UnknownValueError(UNKNOWN, ["x"]);
            });
            assert.throws(() => (p.validateResource as (a: unknown, r: ReportViolation) => void)(resourceArgs(), report), UnknownValueError);
            assert.strictEqual(sent.length, MAX_DIAGNOSTICS_PER_RESOURCE + 1);
        });
        it("a leveled report keeps its level; a plain one its URN", () => {
            const sent = run((_args, r) => {
                reportAdvisory(r, "adv", "u1");
                r("plain", "u2");
                r("stack-wide");
            });
            assert.deepStrictEqual(
                sent.map((s) => [s.message, s.urn, s.level, s.args]),
                [
                    ["adv", "u1", "advisory", 1],
                    ["plain", "u2", undefined, 2],
                    ["stack-wide", undefined, undefined, 1],
                ],
            );
        });
        it("wraps each check of a list, and keeps a check's type tag", () => {
            const tagged = Object.assign(() => undefined, { __pulumiType: "aws:kms/key:Key" });
            const p = withBoundedReports({ name: "t", description: "d", enforcementLevel: "mandatory", validateResource: [tagged, tagged] });
            assert.ok(Array.isArray(p.validateResource) && p.validateResource.length === 2);
            assert.strictEqual((p.validateResource[0] as { __pulumiType?: string }).__pulumiType, "aws:kms/key:Key");
            // The mark tests/pack-build.test.ts requires of every policy of the pack.
            assert.strictEqual((p.validateResource[1] as { [BOUNDED_REPORTS]?: boolean })[BOUNDED_REPORTS], true);
            const single = withBoundedReports({ name: "t", description: "d", enforcementLevel: "mandatory", validateResource: tagged });
            assert.strictEqual((single.validateResource as { __pulumiType?: string }).__pulumiType, "aws:kms/key:Key");
        });
        it("a stack policy judges the resources it is given; the placeholder of no request in flight is a diagnostic, not an empty stack", () => {
            const seen: number[] = [];
            const p = withBoundedReports({
                name: "t",
                description: "d",
                enforcementLevel: "mandatory",
                validateStack: (args) => {
                    seen.push(args.resources.length);
                },
            });
            const given = recorder();
            const one = { type: "aws:kms/key:Key", urn: "urn:k", name: "k", props: {} };
            const validate = p.validateStack as ((a: unknown, r: ReportViolation) => void) & { [BOUNDED_REPORTS]?: boolean; [STACK_ONCE]?: boolean };
            // Marked bounded (tests/pack-build.test.ts) and able to take the request's shared resources (lib/stack-once.ts).
            assert.ok(validate[BOUNDED_REPORTS] === true && validate[STACK_ONCE] === true);
            validate({ resources: [one, one], getConfig: () => ({}) } as unknown as StackValidationArgs, given.report);
            assert.deepStrictEqual(seen, [2]);
            assert.deepStrictEqual(given.sent, []);
            const orphan = recorder();
            const placeholder = { type: PLACEHOLDER_TYPE, urn: "urn:none", name: "none", props: {} };
            validate({ resources: [placeholder], getConfig: () => ({}) } as unknown as StackValidationArgs, orphan.report);
            assert.deepStrictEqual(seen, [2]);
            assert.strictEqual(orphan.sent.length, 1);
            assert.match(orphan.sent[0].message, /could not judge this stack/);
        });
    });

    describe("forTypes", () => {
        const seen: { type: string; props: unknown }[] = [];
        const fn = forTypes(["aws:msk/cluster:Cluster"], (args) => void seen.push({ type: args.type, props: args.props }));
        beforeEach(() => (seen.length = 0));
        it("runs the check on its type, not on another", () => {
            fn(resourceArgs({ type: "aws:msk/cluster:Cluster", props: { a: 1 } }), () => undefined);
            fn(resourceArgs({ type: "aws:kms/key:Key" }), () => undefined);
            assert.deepStrictEqual(seen, [{ type: "aws:msk/cluster:Cluster", props: { a: 1 } }]);
        });
        it("runs it on another provider's resource of that type, as the canonical type", () => {
            fn(resourceArgs({ type: "aws-native:msk:Cluster", props: { clusterName: "c" } }), () => undefined);
            assert.deepStrictEqual(
                seen.map((s) => s.type),
                ["aws:msk/cluster:Cluster"],
            );
        });
        it("tags a single type no adapter feeds (the server skips other types), not one that adapters feed or several", () => {
            const tag = (f: unknown) => (f as { __pulumiType?: string }).__pulumiType;
            assert.strictEqual(tag(forTypes(["aws:kms/alias:Alias"], () => undefined)), "aws:kms/alias:Alias");
            // Created here, not when the file loads: a mutant is switched on only while a test runs.
            assert.strictEqual(tag(forTypes(["aws:msk/cluster:Cluster"], () => undefined)), undefined);
            assert.strictEqual(tag(forTypes(["aws:kms/alias:Alias", "aws:msk/vpcConnection:VpcConnection"], () => undefined)), undefined);
            assert.strictEqual(tag(forTypes(["aws:lambda/permission:Permission", "aws:kms/key:Key"], () => undefined)), undefined);
        });
    });

    describe("config", () => {
        it("applies defaults for what is not given, null, undefined, not known to the policy, or when getConfig throws", () => {
            const defaults = { a: 1, b: false };
            assert.deepStrictEqual(config({ getConfig: <C>() => ({ a: 2 }) as C }, defaults), { a: 2, b: false });
            assert.deepStrictEqual(config({ getConfig: <C>() => ({ a: null, b: undefined, c: 3 }) as C }, defaults), { a: 1, b: false });
            assert.deepStrictEqual(config({ getConfig: <C>() => null as C }, defaults), { a: 1, b: false });
            assert.deepStrictEqual(
                config(
                    {
                        getConfig: () => {
                            throw new Error("no config");
                        },
                    },
                    defaults,
                ),
                { a: 1, b: false },
            );
            assert.deepStrictEqual(defaults, { a: 1, b: false });
        });
    });

    describe("listed and stricterLimit", () => {
        it("lists up to max items (10 by default, comma separated), then how many more", () => {
            const ten = Array.from({ length: 10 }, (_, i) => `i${i}`);
            assert.strictEqual(listed(ten), ten.join(", "));
            assert.strictEqual(listed([...ten, "i10", "i11"]), `${ten.join(", ")}, and 2 more`);
            assert.strictEqual(listed(["a", "b", "c"], "; ", 2), "a; b; and 1 more");
        });
        const cases: [unknown, number][] = [
            [5, 5],
            [2.7, 2],
            [30, 30],
            [31, 30],
            [0, 30],
            [-1, 30],
            ["5", 5],
            ["x", 30],
            [Infinity, 30],
            [true, 30],
            [undefined, 30],
        ];
        for (const [given, expected] of cases) {
            it(`stricterLimit(${JSON.stringify(given) ?? String(given)}, 30) is ${expected}`, () => {
                assert.strictEqual(stricterLimit(given, 30), expected);
            });
        }
    });

    describe("withExemptions", () => {
        const exemption = (urn: string) => ({
            resources: [{ urn }],
            reason: "r",
            approvedBy: "a@example.com",
            expires: new Date(Date.now() + 30 * 86400000).toISOString().slice(0, 10),
        });
        it("an exemption naming the analyzed resource makes its violation advisory; a policy whose getConfig throws still reports", () => {
            const base = { name: "t", description: "d", enforcementLevel: "mandatory" as const };
            const p = withExemptions({ ...base, validateResource: (_a: ResourceValidationArgs, r: ReportViolation) => r("bad") });
            const exempt = recorder();
            (p.validateResource as (a: unknown, r: ReportViolation) => void)(
                resourceArgs({
                    urn: "urn:pulumi:s::p::aws:kms/key:Key::k",
                    getConfig: <C>() => ({ exemptions: [exemption("urn:pulumi:s::p::aws:kms/key:Key::k")] }) as C,
                }),
                exempt.report,
            );
            assert.deepStrictEqual(
                exempt.sent.map((s) => s.level),
                ["advisory"],
            );
            const throwing = recorder();
            (p.validateResource as (a: unknown, r: ReportViolation) => void)(
                resourceArgs({
                    getConfig: () => {
                        throw new Error("x");
                    },
                }),
                throwing.report,
            );
            assert.deepStrictEqual(
                throwing.sent.map((s) => [s.message, s.level]),
                [["bad", undefined]],
            );
        });
        it("a policy that is not exemptable applies no exemption; the wrapped check keeps its type tag", () => {
            const urn = "urn:pulumi:s::p::aws:kms/key:Key::k";
            const check = Object.assign((_a: ResourceValidationArgs, r: ReportViolation) => r("bad"), { __pulumiType: "aws:kms/key:Key" });
            const p = withExemptions({ name: "t", description: "d", enforcementLevel: "mandatory", validateResource: check }, "it guards a secret");
            assert.strictEqual((p.validateResource as { __pulumiType?: string }).__pulumiType, "aws:kms/key:Key");
            const { report, sent } = recorder();
            (p.validateResource as (a: unknown, r: ReportViolation) => void)(
                resourceArgs({ urn, getConfig: <C>() => ({ exemptions: [exemption(urn)] }) as C }),
                report,
            );
            assert.deepStrictEqual(
                sent.map((s) => s.level),
                [undefined],
            );
        });
        it("wraps each check of a list, and a stack policy (exemptions by the URN a diagnostic names)", () => {
            const base = { name: "t", description: "d", enforcementLevel: "mandatory" as const };
            const check = (_a: ResourceValidationArgs, r: ReportViolation) => r("bad");
            const list = withExemptions({ ...base, validateResource: [check, check] });
            assert.ok(Array.isArray(list.validateResource) && list.validateResource.length === 2);
            const urn = "urn:pulumi:s::p::aws:kms/key:Key::k";
            const stack = withExemptions({ ...base, validateStack: (_a: StackValidationArgs, r: ReportViolation) => r("bad", urn) });
            const { report, sent } = recorder();
            stack.validateStack({ resources: [], getConfig: <C>() => ({ exemptions: [exemption(urn)] }) as C } as unknown as StackValidationArgs, report);
            assert.deepStrictEqual(
                sent.map((s) => [s.urn, s.level]),
                [[urn, "advisory"]],
            );
        });
    });

    describe("no part of a secret in a message (the request's redactor)", function () {
        this.timeout(60000);
        const PLANTED = "hunter2-planted-secret";
        it("a resource policy quoting a secret property: the violation, without the secret", async () => {
            const c = res("aws:msk/cluster:Cluster", "cluster", {
                clusterName: "c",
                arn: CLUSTER_ARN,
                clientAuthentication: { sasl: { iam: true } },
                brokerNodeGroupInfo: { connectivityInfo: { publicAccess: { type: secret(`PUBLIC-${PLANTED}`) } } },
            });
            const d = (await check(c)).filter((x) => x.policy === "msk-no-public-access");
            assert.deepStrictEqual(
                d.map((x) => [x.enforcementLevel, x.urn]),
                [["mandatory", c.urn]],
            );
            assert.ok(!d[0].message.includes("hunter2"), d[0].message);
        });
        it("a stack policy quoting a secret of the stack's second resource: the violation, without the secret", async () => {
            const arn = `arn:aws:kafka:us-east-1:${ACCOUNT}:configuration/c/11111111-2222-3333-4444-555555555555-1`;
            const c = res("aws:msk/cluster:Cluster", "cluster", {
                clusterName: "c",
                arn: CLUSTER_ARN,
                kafkaVersion: "3.6.0",
                clientAuthentication: { sasl: { iam: true } },
                configurationInfo: { arn, revision: 1 },
            });
            const conf = res("aws:msk/configuration:Configuration", "config", {
                name: "config",
                arn,
                serverProperties: "x=1",
                kafkaVersions: [secret(`2.8.1-${PLANTED}`)],
            });
            const d = (await check([c, conf])).filter((x) => x.policy === "msk-configuration-kafka-version");
            assert.deepStrictEqual(
                d.map((x) => [x.enforcementLevel, x.urn]),
                [["mandatory", c.urn]],
            );
            assert.ok(!d[0].message.includes("hunter2"), d[0].message);
        });
    });
});
