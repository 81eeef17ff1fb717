/**
 * Exemptions: one finding accepted on one resource, on purpose, visibly, for a limited time, through the pack's config
 * (over the Analyzer protocol) and in the plan (validation with exit 2, applied / expired / stale in text and --json).
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { METADATA } from "../policies/metadata";
import { exemptionProblems } from "../policies/lib/exemptions";
import { renderViolations } from "../plan/cli";
import { validateExemptions } from "../plan/exemptions";
import { ACCOUNT, check, CLUSTER_ARN, of, pack, res } from "./helpers/pack";
import { runPlan } from "./helpers/plan";

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const FUTURE = day(30);
const PAST = day(-1);

/** A cluster that breaks msk-encryption-in-transit (mandatory) once, and nothing else mandatory. */
const cluster = (name = "c") =>
    res("aws:msk/cluster:Cluster", name, {
        clusterName: name,
        kafkaVersion: "3.8.x",
        numberOfBrokerNodes: 3,
        brokerNodeGroupInfo: { instanceType: "kafka.m7g.large", clientSubnets: ["subnet-1", "subnet-2", "subnet-3"], securityGroups: ["sg-1"] },
        encryptionInfo: {
            encryptionAtRestKmsKeyArn: `arn:aws:kms:us-east-1:${ACCOUNT}:key/11111111-2222-3333-4444-555555555555`,
            encryptionInTransit: { clientBroker: "TLS_PLAINTEXT", inCluster: true },
        },
        clientAuthentication: { sasl: { iam: true }, unauthenticated: false },
        loggingInfo: { brokerLogs: { cloudwatchLogs: { enabled: true, logGroup: "/aws/msk/c" } } },
    });

const entry = (resources: object[], expires = FUTURE) => ({
    resources,
    reason: "TLS migration of legacy clients, ticket SEC-42",
    approvedBy: "security@example.com",
    expires,
});
const POLICY = "msk-encryption-in-transit";

describe("policy pack: exemptions", function () {
    this.timeout(120000);

    describe("over the Analyzer protocol", () => {
        it("reports a violation on an exempted resource as advisory with the reason, approver and expiry; without the exemption it is mandatory", async () => {
            const c = cluster();
            assert.strictEqual(of(await check(c), POLICY, "mandatory").length, 1);
            for (const target of [{ urn: c.urn }, { type: c.type, name: c.name }, { urn: `${c.urn.slice(0, -1)}*` }]) {
                const d = of(await check(c, { [POLICY]: { exemptions: [entry([target])] } }), POLICY);
                assert.strictEqual(d.length, 1, JSON.stringify(target));
                assert.strictEqual(d[0].enforcementLevel, "advisory", JSON.stringify(target));
                assert.strictEqual(d[0].urn, c.urn);
                assert.match(
                    d[0].message,
                    new RegExp(`\\[exempted until ${FUTURE}, approved by security@example\\.com: TLS migration of legacy clients, ticket SEC-42\\]`),
                );
            }
        });

        it("does not exempt another resource, another stack's resource of the same name, or another policy's finding", async () => {
            const c = cluster();
            const other = { ...c, urn: c.urn.replace("urn:pulumi:test::", "urn:pulumi:prod::") };
            for (const [target, r] of [
                [{ urn: cluster("d").urn }, c],
                [{ urn: c.urn }, other],
                [{ urn: `urn:pulumi:test::other::aws:msk/cluster:Cluster::x*` }, c],
            ] as const) {
                assert.strictEqual(of(await check(r, { [POLICY]: { exemptions: [entry([target])] } }), POLICY, "mandatory").length, 1, JSON.stringify(target));
            }
            const noLogs = cluster();
            noLogs.props.loggingInfo = undefined;
            const d = await check(noLogs, { "msk-broker-logs": "mandatory", [POLICY]: { exemptions: [entry([{ urn: noLogs.urn }])] } });
            assert.strictEqual(of(d, "msk-broker-logs", "mandatory").length, 1);
        });

        it("stops applying an expired exemption: the violation is mandatory again and says the exemption expired", async () => {
            const c = cluster();
            const d = of(await check(c, { [POLICY]: { exemptions: [entry([{ urn: c.urn }], PAST)] } }), POLICY);
            assert.strictEqual(d.length, 1);
            assert.strictEqual(d[0].enforcementLevel, "mandatory");
            assert.match(d[0].message, new RegExp(`the exemption approved by security@example\\.com expired on ${PAST}: it no longer applies`));
        });

        it("exempts a stack policy's finding on the named resource (AnalyzeStack)", async () => {
            const fn = res("aws:lambda/function:Function", "fn", {
                name: "consumer",
                arn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:consumer`,
                timeout: 60,
            });
            const m = (n: string) =>
                res(
                    "aws:lambda/eventSourceMapping:EventSourceMapping",
                    n,
                    {
                        eventSourceArn: CLUSTER_ARN,
                        topics: [n],
                        functionName: fn.props.arn,
                        startingPosition: "LATEST",
                        amazonManagedKafkaEventSourceConfig: { consumerGroupId: "same" },
                    },
                    { functionName: [fn] },
                );
            const [a, b] = [m("a"), m("b")];
            const plain = of(await check([fn, a, b]), "kafka-consumer-group-unique", "mandatory");
            assert.ok(plain.length >= 1);
            const urns = [...new Set(plain.map((x) => x.urn))];
            const d = of(
                await check([fn, a, b], { "kafka-consumer-group-unique": { exemptions: [entry(urns.map((urn) => ({ urn })))] } }),
                "kafka-consumer-group-unique",
            );
            assert.strictEqual(d.length, plain.length);
            assert.ok(d.every((x) => x.enforcementLevel === "advisory"));
        });

        it("refuses exemptions of a policy that is not exemptable at config validation, and never applies them when a client skips it", async () => {
            const s = await pack();
            for (const [policy, meta] of Object.entries(METADATA).filter(([, m]) => m.notExemptable)) {
                await assert.rejects(
                    s.configure({ [policy]: { exemptions: [entry([{ urn: "urn:pulumi:test::other::t::n" }])] } }),
                    new RegExp(`policy config for "${policy}": exemptions`),
                );
                assert.deepStrictEqual(
                    validateExemptions({ [policy]: { exemptions: [entry([{ urn: "urn:pulumi:test::other::t::n" }])] } }, (await s.info()).policies),
                    [`${policy}.exemptions: ${policy} cannot be exempted: ${meta.notExemptable}`],
                );
            }
            const open = res("aws:msk/cluster:Cluster", "open", { ...cluster().props, clientAuthentication: { unauthenticated: true } });
            await s.configure({ "msk-no-unauthenticated-access": { exemptions: [entry([{ urn: open.urn }])] } }, { validate: false });
            const d = of((await s.analyze(open)).diagnostics, "msk-no-unauthenticated-access");
            assert.ok(d.length >= 1 && d.every((x) => x.enforcementLevel === "mandatory" && x.message.includes("exemptions not applied")));
        });

        it("accepts a valid exemption for every exemptable policy through the CLI's schema check (generated over the policy list)", async () => {
            const s = await pack();
            const config: Record<string, { exemptions: object[] }> = {};
            for (const [policy, meta] of Object.entries(METADATA))
                if (!meta.notExemptable) config[policy] = { exemptions: [entry([{ urn: "urn:pulumi:test::other::t::n" }])] };
            await s.configure(config);
            assert.deepStrictEqual(validateExemptions(config, (await s.info()).policies), []);
        });
    });

    describe("validation (every problem, each naming its entry)", () => {
        const BAD: [unknown, RegExp][] = [
            [{ reason: "r", approvedBy: "a", expires: FUTURE }, /exemptions\[0\]\.resources: must be a list of 1 to 100 resources/],
            [{ ...entry([{ urn: "not-a-urn" }]) }, /exemptions\[0\]\.resources\[0\]\.urn: must be a Pulumi URN/],
            [{ ...entry([{ urn: "urn:pulumi:*" }]) }, /exemptions\[0\]\.resources\[0\]\.urn: must be a Pulumi URN/],
            [{ ...entry([{ urn: "urn:pulumi:prod::p::aws:sqs/queue:Queue*::q" }]) }, /wildcard is allowed only as the last character of the resource name/],
            [{ ...entry([{ type: "aws:sqs/queue:Queue", name: "orders-*" }]) }, /\.name: no wildcard with type and name/],
            [{ ...entry([{ type: "Queue", name: "q" }]) }, /\.type: must be a resource type/],
            [{ ...entry([{ urn: "urn:pulumi:prod::p::t::n", name: "n" }]) }, /give either urn, or type and name, not both/],
            [{ ...entry([{ urn: "urn:pulumi:prod::p::t::n" }]), reason: "" }, /exemptions\[0\]\.reason: is required/],
            [{ ...entry([{ urn: "urn:pulumi:prod::p::t::n" }]), approvedBy: undefined }, /exemptions\[0\]\.approvedBy: is required/],
            [{ ...entry([{ urn: "urn:pulumi:prod::p::t::n" }]), expires: "2027-02-30" }, /exemptions\[0\]\.expires: must be a date YYYY-MM-DD/],
            [{ ...entry([{ urn: "urn:pulumi:prod::p::t::n" }]), expires: "31/12/2027" }, /exemptions\[0\]\.expires: must be a date YYYY-MM-DD/],
            [{ ...entry([{ urn: "urn:pulumi:prod::p::t::n" }]), expires: day(400) }, /is more than 366 days ahead/],
            [{ ...entry([{ urn: "urn:pulumi:prod::p::t::n" }]), approver: "x" }, /exemptions\[0\]\.approver: is not a known key/],
        ];
        for (const [bad, expected] of BAD) {
            it(`refuses ${JSON.stringify(bad).slice(0, 90)}`, () => {
                const problems = exemptionProblems(POLICY, [bad]);
                assert.ok(
                    problems.some((p) => expected.test(p) && p.startsWith(`${POLICY}.exemptions`)),
                    problems.join("\n"),
                );
            });
        }
        it("refuses more than 20 URN wildcards per policy (each violation is compared with each wildcard)", () => {
            const many = Array.from({ length: 21 }, (_, i) => ({ urn: `urn:pulumi:prod::p::aws:sqs/queue:Queue::q${i}-*` }));
            assert.deepStrictEqual(exemptionProblems(POLICY, [entry(many)]), [
                `${POLICY}.exemptions: 21 URN wildcards: at most 20 per policy (name the resources instead)`,
            ]);
            assert.deepStrictEqual(exemptionProblems(POLICY, [entry(many.slice(1))]), []);
        });
        it("reports every problem of every entry at once", () => {
            assert.strictEqual(
                exemptionProblems(
                    POLICY,
                    BAD.map(([b]) => b),
                ).length >= BAD.length,
                true,
            );
        });
    });

    describe("in the plan", () => {
        let dir: string;
        before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "exemptions-"))));
        after(() => fs.rmSync(dir, { recursive: true, force: true }));
        const plaintext = [
            "--stack",
            "prod",
            "--json",
            "--config",
            "msk-lambda:cluster.authentication=plaintext",
            "--config",
            "msk-lambda:network.azCount=2",
            "--config",
            "msk-lambda:cluster.azCount=2",
        ];
        const write = (name: string, config: object) => {
            const f = path.join(dir, name);
            fs.writeFileSync(f, JSON.stringify(config));
            return f;
        };

        it("exits 0 when the only mandatory violation is exempted, reports it advisory, and lists applied, expired and stale exemptions in --json and text", async () => {
            const file = write("ok.json", {
                "msk-no-unauthenticated-access": { allowUnauthenticated: true },
                [POLICY]: {
                    exemptions: [
                        entry([{ type: "aws:msk/cluster:Cluster", name: "msk-lambda-prod" }]),
                        entry([{ urn: "urn:pulumi:prod::msk-lambda::aws:sqs/queue:Queue::gone" }]),
                        entry([{ type: "aws:msk/cluster:Cluster", name: "msk-lambda-prod" }], PAST),
                    ],
                },
            });
            const run = await runPlan([...plaintext, "--policy-config", file], (await pack()).port);
            assert.strictEqual(run.code, 0, run.stderr);
            const doc = JSON.parse(run.stdout);
            const v = doc.policy.violations.filter((x: any) => x.policy === POLICY);
            assert.ok(v.length >= 1 && v.every((x: any) => x.enforcementLevel === "advisory" && x.message.includes("[exempted until")));
            const cluster = doc.resources.find((r: any) => r.type === "aws:msk/cluster:Cluster").urn;
            assert.deepStrictEqual(
                doc.policy.exemptions.map((e: any) => [e.entry, e.status, e.violations, e.note]),
                [
                    [`${POLICY}.exemptions[0]`, "applied", [cluster], undefined],
                    [`${POLICY}.exemptions[1]`, "stale", [], "covers no resource of this stack"],
                    [`${POLICY}.exemptions[2]`, "expired", [cluster], undefined],
                ],
            );
            // The text output says the same, under the violations.
            const text = renderViolations(doc).join("\n");
            assert.match(
                text,
                new RegExp(`${POLICY}\\.exemptions\\[0\\] \\(approved by security@example\\.com\\): applied to 1 violation\\(s\\), until ${FUTURE}`),
            );
            assert.match(text, new RegExp(`${POLICY}\\.exemptions\\[1\\] .*: STALE: covers no resource of this stack; remove it`));
            assert.match(text, new RegExp(`${POLICY}\\.exemptions\\[2\\] .*: EXPIRED on ${PAST}: it no longer applies`));
        });

        it("exits 2 naming every malformed exemption entry (and prints no plan)", async () => {
            const file = write("bad.json", {
                [POLICY]: {
                    exemptions: [entry([{ type: "aws:msk/cluster:Cluster", name: "*" }]), { ...entry([{ urn: "urn:pulumi:prod::p::t::n" }]), expires: "soon" }],
                },
            });
            const run = await runPlan(["--stack", "dev", "--policy-config", file], (await pack()).port);
            assert.strictEqual(run.code, 2, run.stdout);
            assert.match(run.stderr, new RegExp(`${POLICY}\\.exemptions\\[0\\]\\.resources\\[0\\]\\.name: no wildcard`));
            assert.match(run.stderr, new RegExp(`${POLICY}\\.exemptions\\[1\\]\\.expires: must be a date`));
        });
    });
});
