/**
 * `--against` across a source change: a new resource that takes the physical name of one the update deletes (same
 * type, or one name namespace such as MSK provisioned and Serverless clusters) fails on apply, since Pulumi creates
 * before it deletes; a mapping whose MSK VPC connection is replaced, on the same target cluster, keeps its consumer
 * group's offsets.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { diffPlans } from "../plan/diff";
import { NAME_NAMESPACE, NAME_PROPERTY } from "../plan/replacements";
import { pack } from "./helpers/pack";
import { planDoc } from "./helpers/plan-doc";
import { runPlan, type PlanRun } from "./helpers/plan";

const MAPPING = "aws:lambda/eventSourceMapping:EventSourceMapping";
const PROVISIONED = "aws:msk/cluster:Cluster";
const SERVERLESS = "aws:msk/serverlessCluster:ServerlessCluster";

describe("--against: a created resource takes the name of a deleted one (generated over every named type)", () => {
    const inputs = (type: string, name: string, scope = "scope-1") => {
        const n = NAME_PROPERTY[type];
        return { [n.name]: name, ...(n.scope ? { [n.scope]: scope } : {}) };
    };

    for (const type of Object.keys(NAME_PROPERTY)) {
        const prop = NAME_PROPERTY[type].name;
        it(`${type}: a new ${prop} equal to a deleted resource's fails on apply, naming both; another name does not`, () => {
            const d = diffPlans(
                planDoc([{ type, name: "old", inputs: inputs(type, "fixed") }]),
                planDoc([{ type, name: "new", inputs: inputs(type, "fixed") }]),
            );
            const created = d.changes.find((c) => c.op === "create")!;
            const deleted = d.changes.find((c) => c.op === "delete")!;
            assert.match(
                created.fails ?? "",
                new RegExp(
                    `^${prop} "fixed" is the name of ${type.replace(/\//g, "\\/")} old, which this update deletes: Pulumi creates new resources before it deletes old ones`,
                ),
            );
            assert.ok(d.blocked.includes(created.urn));
            assert.ok(deleted.notes.some((n) => n.includes(`is taken by ${type} new`)));
            // --allow-replace cannot make it work.
            assert.ok(
                diffPlans(planDoc([{ type, name: "old", inputs: inputs(type, "fixed") }]), planDoc([{ type, name: "new", inputs: inputs(type, "fixed") }]), [
                    "old",
                    "new",
                ]).blocked.includes(created.urn),
            );

            const other = diffPlans(
                planDoc([{ type, name: "old", inputs: inputs(type, "fixed") }]),
                planDoc([{ type, name: "new", inputs: inputs(type, "fixed-2") }]),
            );
            assert.deepStrictEqual(
                other.changes.map((c) => c.fails),
                [undefined, undefined],
            );
        });
    }

    for (const type of Object.keys(NAME_PROPERTY).filter((t) => NAME_PROPERTY[t].scope)) {
        it(`${type}: the same name in another scope (${NAME_PROPERTY[type].scope}), or in a scope created by this update, does not collide`, () => {
            const scope = NAME_PROPERTY[type].scope!;
            const other = diffPlans(
                planDoc([{ type, name: "old", inputs: inputs(type, "fixed", "a") }]),
                planDoc([{ type, name: "new", inputs: inputs(type, "fixed", "b") }]),
            );
            assert.strictEqual(other.changes.find((c) => c.op === "create")!.fails, undefined);
            const created = diffPlans(
                planDoc([{ type, name: "old", inputs: inputs(type, "fixed", "a") }]),
                planDoc([
                    { type: "aws:ec2/vpc:Vpc", name: "holder", inputs: { cidrBlock: "10.0.0.0/16" } },
                    { type, name: "new", inputs: inputs(type, "fixed", "a"), deps: { [scope]: ["aws:ec2/vpc:Vpc|holder"] } },
                ]),
            );
            assert.strictEqual(created.changes.find((c) => c.name === "new")!.fails, undefined);
        });
    }

    it("MSK provisioned and Serverless clusters share one name namespace, both ways; other types do not", () => {
        assert.strictEqual(NAME_NAMESPACE[PROVISIONED], NAME_NAMESPACE[SERVERLESS]);
        for (const [from, to] of [
            [PROVISIONED, SERVERLESS],
            [SERVERLESS, PROVISIONED],
        ]) {
            const d = diffPlans(
                planDoc([{ type: from, name: "c", inputs: { clusterName: "msk-lambda-dev" } }]),
                planDoc([{ type: to, name: "c", inputs: { clusterName: "msk-lambda-dev" } }]),
            );
            const created = d.changes.find((c) => c.op === "create")!;
            assert.match(
                created.fails ?? "",
                new RegExp(
                    `is the name of ${from.replace(/\//g, "\\/")} c \\(MSK cluster names are one namespace, whatever the type\\), which this update deletes`,
                ),
            );
        }
        const sqsSns = diffPlans(
            planDoc([{ type: "aws:sqs/queue:Queue", name: "q", inputs: { name: "x" } }]),
            planDoc([{ type: "aws:sns/topic:Topic", name: "t", inputs: { name: "x" } }]),
        );
        assert.deepStrictEqual(
            sqsSns.changes.map((c) => c.fails),
            [undefined, undefined],
        );
    });

    it("a resource replaced under a new name frees its old name only at the end: a new resource taking it fails; with deleteBeforeReplace no verdict", () => {
        const t = "aws:msk/configuration:Configuration";
        const base = planDoc([{ type: t, name: "a", inputs: { name: "conf-1", kafkaVersions: ["3.8.x"] } }]);
        const head = planDoc([
            { type: t, name: "a", inputs: { name: "conf-2", kafkaVersions: ["3.9.x"] } },
            { type: t, name: "b", inputs: { name: "conf-1", kafkaVersions: ["3.8.x"] } },
        ]);
        const d = diffPlans(base, head);
        assert.match(
            d.changes.find((c) => c.name === "b")!.fails ?? "",
            /is the name of aws:msk\/configuration:Configuration a, which this update replaces under another name/,
        );
        head.resources[0].options.deleteBeforeReplace = true;
        assert.strictEqual(diffPlans(base, head).changes.find((c) => c.name === "b")!.fails, undefined);
    });

    it("a name not known yet (--preview) or hidden gives no verdict", () => {
        for (const name of ["[unknown]", "[secret]"]) {
            const d = diffPlans(
                planDoc([{ type: SERVERLESS, name: "a", inputs: { clusterName: name } }]),
                planDoc([{ type: PROVISIONED, name: "b", inputs: { clusterName: name } }]),
            );
            assert.deepStrictEqual(
                d.changes.map((c) => c.fails),
                [undefined, undefined],
                name,
            );
        }
    });
});

describe("--against across a source change (the program, planned in-process)", function () {
    this.timeout(240000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-diff-sources-"));
    const file = (n: string) => path.join(dir, n);
    const runs = new Map<string, PlanRun>();

    before(async () => {
        const port = (await pack()).port;
        const plan = (args: string[]) => runPlan(["--stack", "dev", ...args], port);
        const serverless = await plan(["--json", "--config-file", "examples/serverless.yaml"]);
        assert.strictEqual(serverless.code, 0, serverless.stderr);
        fs.writeFileSync(file("serverless.json"), serverless.stdout);
        // The same stack as the component package lets one build it: the Serverless cluster named as a provisioned one.
        const doc = JSON.parse(serverless.stdout);
        const sc = doc.resources.find((r: any) => r.type === SERVERLESS);
        sc.inputs.clusterName = "msk-lambda-dev";
        fs.writeFileSync(file("serverless-same-name.json"), JSON.stringify(doc));
        const consumer = await plan(["--json", "--config-file", "examples/cross-account-consumer.yaml"]);
        assert.strictEqual(consumer.code, 0, consumer.stderr);
        fs.writeFileSync(file("consumer.json"), consumer.stdout);

        const toMsk = ["--config-file", "examples/serverless.yaml", "--config", "msk-lambda:source.kind=msk"];
        runs.set("to msk", await plan([...toMsk, "--against", file("serverless.json")]));
        runs.set("to msk, same name", await plan([...toMsk, "--against", file("serverless-same-name.json")]));
        runs.set(
            "connection replaced",
            await plan([
                "--json",
                "--config-file",
                "examples/cross-account-consumer.yaml",
                "--config",
                "msk-lambda:cluster.azCount=2",
                "--against",
                file("consumer.json"),
            ]),
        );
    });

    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("the program names the Serverless cluster apart from the provisioned one: switching source.kind is stateful (exit 4), not a name collision", () => {
        const run = runs.get("to msk")!;
        assert.strictEqual(run.code, 4, run.stderr);
        assert.match(run.stdout, /- delete aws:msk\/serverlessCluster:ServerlessCluster {2}msk-lambda-dev-serverless {2}\[STATEFUL\]/);
        assert.match(run.stdout, /\+ create aws:msk\/cluster:Cluster {2}msk-lambda-dev\n/);
        assert.doesNotMatch(run.stdout, /FAILS ON APPLY/);
    });

    it("a Serverless cluster with the provisioned cluster's name: the create fails on apply (exit 4), naming both and the name's key", () => {
        const run = runs.get("to msk, same name")!;
        assert.strictEqual(run.code, 4, run.stderr);
        assert.match(
            run.stdout,
            /\+ create aws:msk\/cluster:Cluster {2}msk-lambda-dev {2}\[FAILS ON APPLY\]\n {8}fails: clusterName "msk-lambda-dev" is the name of aws:msk\/serverlessCluster:ServerlessCluster msk-lambda-dev-serverless \(MSK cluster names are one namespace, whatever the type\), which this update deletes/,
        );
        assert.match(run.stdout, /note: its clusterName "msk-lambda-dev" is taken by aws:msk\/cluster:Cluster msk-lambda-dev, which this update creates first/);
        assert.match(run.stdout, /1 change\(s\) would fail on apply \(exit 4\)/);
    });

    it("a mapping whose VPC connection is replaced (same targetClusterArn) keeps its consumer group's offsets: not stateful, exit 0", () => {
        const run = runs.get("connection replaced")!;
        assert.strictEqual(run.code, 0, run.stderr + run.stdout.slice(0, 3000));
        const changes = JSON.parse(run.stdout).diff.changes;
        const conn = changes.find((c: any) => c.type === "aws:msk/vpcConnection:VpcConnection");
        assert.strictEqual(conn.op, "replace");
        const mapping = changes.find((c: any) => c.type === MAPPING);
        assert.deepStrictEqual([mapping.op, mapping.danger, mapping.fails], ["replace", undefined, undefined]);
        assert.match(
            mapping.notes.join("\n"),
            /the VPC connection it reads through is replaced, but its target cluster \(targetClusterArn "arn:aws:kafka:us-east-1:111122223333:cluster\/msk-lambda-dev\/[^"]+"\) is the same: consumer group \S+ is kept: the new mapping resumes from the group's committed offsets/,
        );
    });
});
