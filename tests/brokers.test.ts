/**
 * Broker types (issue 20 §2) and replacements that fail on apply (§3): Express clusters built as MSK documents them,
 * tiered storage for Standard brokers, the MSK configuration named per Kafka version, and `--against` flagging every
 * type's kept-name replacement.
 */
import * as assert from "assert";
import type { StackEnvironment } from "../lib/destinations";
import type { ClusterSettings } from "../lib/settings";
import { configurationName, expressServerProperties, KafkaCluster } from "../components/kafka-cluster";
import { ConfigError, EXPRESS_INSTANCE_TYPES, EXPRESS_KAFKA_VERSIONS, parseStackConfig, type Environment } from "../lib/config";
import { diffPlans } from "../plan/diff";
import { CREATE_ONLY, IN_USE_UNDELETABLE, NAME_HELD_AFTER_DELETE, NAME_PROPERTY } from "../plan/replacements";
import { pack } from "./helpers/pack";
import { runPlan } from "./helpers/plan";
import { run } from "./helpers/sim";

const THREE_AZ = { mode: "privatelink", cidrBlock: "10.20.0.0/16", azCount: 3 };

function parse(cluster: object, network: object = THREE_AZ, environment: Environment = "dev") {
    return parseStackConfig(
        { "msk-lambda:environment": environment, "msk-lambda:cluster": JSON.stringify(cluster), "msk-lambda:network": JSON.stringify(network) },
        { project: "msk-lambda", stack: "t" },
    );
}

function refusal(cluster: object, network: object = THREE_AZ): { key: string; message: string }[] {
    try {
        parse(cluster, network);
    } catch (e) {
        if (e instanceof ConfigError) return e.issues;
        throw e;
    }
    return assert.fail(`expected ${JSON.stringify(cluster)} to be refused`);
}

async function build(cluster: object, environment: Environment = "dev") {
    parse(cluster, THREE_AZ, environment);
    const r = await run(() => {
        new KafkaCluster("kafka", {
            settings: cluster as ClusterSettings,
            environment: environment as StackEnvironment,
            clusterName: "msk-lambda-t",
            subnetIds: ["subnet-a", "subnet-b", "subnet-c"],
            securityGroupIds: ["sg-1"],
        });
    });
    return { msk: r.one("aws:msk/cluster:Cluster"), conf: r.one("aws:msk/configuration:Configuration") };
}

/** MSK, "Express brokers read-only configurations": keys a configuration cannot set on Express brokers. */
const EXPRESS_READ_ONLY = ["default.replication.factor", "min.insync.replicas", "broker.id", "broker.rack", "num.io.threads", "listeners"];

describe("broker types: Express and Standard", function () {
    this.timeout(60000);

    // Every Express size with every Express version at least once (sizes cycle through the versions).
    for (const [i, type] of EXPRESS_INSTANCE_TYPES.entries()) {
        const version = EXPRESS_KAFKA_VERSIONS[i % EXPRESS_KAFKA_VERSIONS.length];
        it(`${type} on Kafka ${version}: no storageInfo, no read-only broker keys, 3 AZs`, async () => {
            const { msk, conf } = await build({ brokerInstanceType: type, kafkaVersion: version });
            assert.strictEqual(msk.inputs.brokerNodeGroupInfo.instanceType, type);
            assert.strictEqual(msk.inputs.brokerNodeGroupInfo.storageInfo, undefined);
            assert.strictEqual(msk.inputs.storageMode, undefined);
            assert.strictEqual(msk.inputs.numberOfBrokerNodes, 3);
            const keys = String(conf.inputs.serverProperties)
                .split("\n")
                .map((l) => l.split("=")[0]);
            for (const ro of EXPRESS_READ_ONLY) assert.ok(!keys.includes(ro), `${ro} is read-only on Express: ${conf.inputs.serverProperties}`);
            assert.strictEqual(conf.inputs.serverProperties, expressServerProperties());
            assert.deepStrictEqual(conf.inputs.kafkaVersions, [version]);
        });
    }

    it("Standard brokers keep their EBS volume and broker properties, and tiered storage is off by default", async () => {
        const { msk, conf } = await build({ brokerInstanceType: "kafka.m7g.large" });
        assert.deepStrictEqual(msk.inputs.brokerNodeGroupInfo.storageInfo, { ebsStorageInfo: { volumeSize: 100 } });
        assert.strictEqual(msk.inputs.storageMode, undefined);
        assert.match(conf.inputs.serverProperties, /^default\.replication\.factor=3$/m);
    });

    for (const version of ["3.6.0", "3.8.x", "2.8.2.tiered"]) {
        it(`tiered storage on kafka.m7g.large with Kafka ${version}: storageMode TIERED on the cluster`, async () => {
            const { msk } = await build({ brokerInstanceType: "kafka.m7g.large", kafkaVersion: version, storageMode: "TIERED" });
            assert.strictEqual(msk.inputs.storageMode, "TIERED");
            assert.ok(msk.inputs.brokerNodeGroupInfo.storageInfo.ebsStorageInfo.volumeSize > 0);
        });
    }

    const refused: [string, object, object, string, RegExp][] = [
        ["Express with an EBS volume", { brokerInstanceType: "express.m7g.large", ebsVolumeGb: 100 }, THREE_AZ, "cluster.ebsVolumeGb", /storageInfo/],
        ["Express with tiered storage", { brokerInstanceType: "express.m7g.large", storageMode: "TIERED" }, THREE_AZ, "cluster.storageMode", /Standard/],
        ["Express on Kafka 3.5.1", { brokerInstanceType: "express.m7g.large", kafkaVersion: "3.5.1" }, THREE_AZ, "cluster.kafkaVersion", /3\.6\.x/],
        ["Express on a KRaft build", { brokerInstanceType: "express.m7g.large", kafkaVersion: "3.7.x.kraft" }, THREE_AZ, "cluster.kafkaVersion", /3\.6\.x/],
        ["an Express size that does not exist", { brokerInstanceType: "express.m5.large" }, THREE_AZ, "cluster.brokerInstanceType", /express\.m7g\.large/],
        ["Express in 2 AZs", { brokerInstanceType: "express.m7g.large" }, { ...THREE_AZ, azCount: 2 }, "cluster.azCount", /3 AZs/],
        ["tiered storage on kafka.t3.small", { brokerInstanceType: "kafka.t3.small", storageMode: "TIERED" }, THREE_AZ, "cluster.storageMode", /t3\.small/],
        ["tiered storage on Kafka 3.5.1", { kafkaVersion: "3.5.1", storageMode: "TIERED" }, THREE_AZ, "cluster.kafkaVersion", /2\.8\.2\.tiered or 3\.6\.0/],
        ["an unknown storage mode", { storageMode: "tiered" }, THREE_AZ, "cluster.storageMode", /"LOCAL" \| "TIERED"/],
    ];
    for (const [what, cluster, network, key, message] of refused) {
        it(`refuses ${what}, naming msk-lambda:${key}`, () => {
            const issues = refusal(cluster, network);
            assert.deepStrictEqual(
                issues.map((i) => i.key),
                [`msk-lambda:${key}`],
            );
            assert.match(issues[0].message, message);
        });
    }

    it("reports every Express problem at once", () => {
        const issues = refusal({ brokerInstanceType: "express.m7g.large", kafkaVersion: "3.5.1", ebsVolumeGb: 50 }, { ...THREE_AZ, azCount: 2 });
        assert.deepStrictEqual(issues.map((i) => i.key).sort(), [
            "msk-lambda:cluster.azCount",
            "msk-lambda:cluster.ebsVolumeGb",
            "msk-lambda:cluster.kafkaVersion",
        ]);
    });

    it("an Express stack plans with exit 0 and no mandatory violation, in full and --preview", async () => {
        const port = (await pack()).port;
        for (const preview of [false, true]) {
            const res = await runPlan(
                [
                    "--stack",
                    "dev",
                    "--json",
                    ...(preview ? ["--preview"] : []),
                    "--config",
                    `msk-lambda:network=${JSON.stringify(THREE_AZ)}`,
                    "--config",
                    'msk-lambda:cluster={"brokerInstanceType":"express.m7g.large","kafkaVersion":"3.8.x"}',
                ],
                port,
            );
            assert.strictEqual(res.code, 0, res.stderr + res.stdout.slice(0, 2000));
            const doc = JSON.parse(res.stdout);
            assert.deepStrictEqual(
                doc.policy.violations.filter((v: any) => v.enforcementLevel === "mandatory"),
                [],
            );
            const msk = doc.resources.find((r: any) => r.type === "aws:msk/cluster:Cluster");
            assert.strictEqual(msk.inputs.brokerNodeGroupInfo.storageInfo, undefined);
        }
    });
});

describe("the MSK configuration across a Kafka version change", () => {
    it("is named per version (letters, digits and '-', as MSK's CreateConfiguration allows)", () => {
        const names = ["3.6.0", "3.8.x", "3.9.x", "3.7.x.kraft", "2.8.2.tiered"].map((v) => configurationName("msk-lambda-dev", v));
        assert.strictEqual(new Set(names).size, names.length);
        for (const n of names)
            assert.ok(
                [...n].every((ch) => /[0-9A-Za-z-]/.test(ch)),
                n,
            );
        assert.strictEqual(configurationName("msk-lambda-dev", "3.8.x"), "msk-lambda-dev-config-3-8-x");
    });
});

type Res = Parameters<typeof diffPlans>[0]["resources"][number];

function doc(resources: Res[]): Parameters<typeof diffPlans>[0] {
    return { stack: "dev", resources } as unknown as Parameters<typeof diffPlans>[0];
}

function resource(type: string, inputs: Record<string, unknown>, deleteBeforeReplace = false, propertyDependencies: Record<string, string[]> = {}): Res {
    return {
        urn: `urn:pulumi:dev::msk-lambda::${type}::r-${type.split(":")[1]}`,
        type,
        name: `r-${type.split(":")[1]}`,
        inputs,
        propertyDependencies,
        options: { protect: false, deleteBeforeReplace, retainOnDelete: false },
    } as unknown as Res;
}

/** A create-only path of the type other than its name (and its name's scope), set as a nested value. */
function otherCreateOnly(type: string): string | undefined {
    const { name, scope } = NAME_PROPERTY[type];
    return CREATE_ONLY[type].paths.find((p) => p !== name && p !== scope && !p.includes("Prefix"));
}

function set(obj: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
    const [head, ...rest] = path.split(".");
    return { ...obj, [head]: rest.length ? set((obj[head] as Record<string, unknown>) ?? {}, rest.join("."), value) : value };
}

describe("--against: replacements that fail on apply (generated over every named type)", () => {
    it("every named type has a create-only table that lists its name and its name's scope", () => {
        for (const [type, { name, scope }] of Object.entries(NAME_PROPERTY)) {
            assert.ok(CREATE_ONLY[type], type);
            assert.ok(CREATE_ONLY[type].paths.includes(name), `${type}: ${name}`);
            // The scope a name is unique in is create-only too (a new scope is a new resource elsewhere).
            if (scope) assert.ok(CREATE_ONLY[type].paths.includes(scope), `${type}: ${scope}`);
        }
    });

    for (const type of Object.keys(NAME_PROPERTY)) {
        const { name, providerDeletesFirst } = NAME_PROPERTY[type];
        const path = otherCreateOnly(type);
        if (!path) continue;
        const held = NAME_HELD_AFTER_DELETE[type];
        const title = providerDeletesFirst
            ? `the provider deletes first for a name the program sets: ${held ? "AWS holds the name after the delete, so it fails" : "no collision"}`
            : "fails unless deleteBeforeReplace";
        it(`${type}: a replacement (${path} changed) that keeps ${name}: ${title}; a new name does not fail`, () => {
            const before = resource(type, { [name]: "fixed", ...set({}, path, "a") });
            const kept = resource(type, { [name]: "fixed", ...set({}, path, "b") });
            const d = diffPlans(doc([before]), doc([kept]));
            assert.strictEqual(d.changes[0].op, "replace");
            if (!providerDeletesFirst || held) {
                const expected = providerDeletesFirst
                    ? `deletes the old resource first and keeps its name \\(${name}\\)`
                    : `keeps its name \\(${name} "fixed"\\)`;
                assert.match(d.changes[0].fails ?? "", new RegExp(expected));
                assert.ok(d.blocked.includes(before.urn));
                // --allow-replace cannot make it work.
                assert.ok(diffPlans(doc([before]), doc([kept]), [before.name]).blocked.includes(before.urn));
            } else assert.strictEqual(d.changes[0].fails, undefined);

            const renamed = resource(type, { [name]: "fixed-2", ...set({}, path, "b") });
            assert.strictEqual(diffPlans(doc([before]), doc([renamed])).changes[0].fails, undefined);

            const dbr = resource(type, { [name]: "fixed", ...set({}, path, "b") }, true);
            const withDbr = diffPlans(doc([before]), doc([dbr])).changes[0].fails;
            if (held) assert.match(withDbr ?? "", /deletes the old resource first and keeps its name/);
            else assert.strictEqual(withDbr, undefined);
        });
    }

    for (const type of Object.keys(IN_USE_UNDELETABLE)) {
        it(`${type}: deleteBeforeReplace fails while a resource that stays refers to it`, () => {
            const path = CREATE_ONLY[type].paths[CREATE_ONLY[type].paths.length - 1];
            const before = resource(type, set({}, path, "a"), true);
            const now = resource(type, set({}, path, "b"), true);
            const user = resource("aws:msk/cluster:Cluster", { clusterName: "c", configurationInfo: { arn: "x" } }, false, { configurationInfo: [before.urn] });
            const d = diffPlans(doc([before, user]), doc([now, user]));
            const c = d.changes.find((x) => x.type === type)!;
            assert.strictEqual(c.op, "replace");
            assert.match(c.fails ?? "", /the old resource is deleted first/);
            assert.match(c.fails ?? "", /aws:msk\/cluster:Cluster r-msk\/cluster/);
        });
    }

    it("a name not known yet (--preview) or hidden gives no verdict, and a long name is clipped in the message", () => {
        const t = "aws:msk/topic:Topic";
        for (const name of ["[unknown]", "[secret]"]) {
            const before = resource(t, { name, clusterArn: "arn-1", replicationFactor: 2 });
            const now = resource(t, { name, clusterArn: "arn-1", replicationFactor: 3 });
            const c = diffPlans(doc([before]), doc([now])).changes[0];
            assert.strictEqual(c.op, "replace");
            assert.strictEqual(c.fails, undefined, name);
        }
        const long = "r".repeat(100000);
        const c = diffPlans(
            doc([resource(t, { name: long, clusterArn: "arn-1", replicationFactor: 2 })]),
            doc([resource(t, { name: long, clusterArn: "arn-1", replicationFactor: 3 })]),
        ).changes[0];
        assert.ok(c.fails && c.fails.length < 1000, String(c.fails?.length));
    });

    it("a topic whose cluster is replaced keeps its name without a collision (its name is unique per cluster)", () => {
        const t = "aws:msk/topic:Topic";
        const before = resource(t, { name: "orders", clusterArn: "arn-1", replicationFactor: 3 });
        const now = resource(t, { name: "orders", clusterArn: "arn-2", replicationFactor: 3 });
        const c = diffPlans(doc([before]), doc([now])).changes[0];
        assert.strictEqual(c.op, "replace");
        assert.strictEqual(c.fails, undefined);
    });
});
