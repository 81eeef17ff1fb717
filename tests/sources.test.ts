/**
 * Every Kafka source Lambda reads (issue 20 §1, `msk-lambda:source`): the config each kind takes (one refused problem
 * per test, each naming its key), the resources and inputs each kind produces, and each example stack planned
 * through the pack (exit 0, no mandatory violation).
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { ConfigError, parseStackConfig, type StackConfig } from "../lib/config";
import type { Statement } from "../lib/iam";
import { pack } from "./helpers/pack";
import { ROOT, runPlan } from "./helpers/plan";
import { mappingOf, rolePolicies, runStack } from "./helpers/stack";
import { diffPlans } from "../plan/diff";
import { planDoc } from "./helpers/plan-doc";

const OWNER_CLUSTER = "arn:aws:kafka:us-east-1:111122223333:cluster/shared/0b7c4e2a-8d4f-4c1a-9a3e-5f6d7e8f9a0b-2";
const SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:kafka/lambda-AbCdEf";
const ROOT_CA = "arn:aws:secretsmanager:us-east-1:123456789012:secret:kafka/root-ca-GhIjKl";
const KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const EXISTING_VPC = {
    mode: "existing",
    vpcId: "vpc-0123456789abcdef0",
    privateSubnetIds: ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"],
    clusterSecurityGroupIds: ["sg-0123456789abcdef0"],
    endpoints: true,
};
const SELF_MANAGED = {
    kind: "self-managed",
    bootstrapServers: ["kafka-1.example.com:9096", "kafka-2.example.com:9096"],
    authentication: "scram-512",
    secretArn: SECRET,
};
const CONSUMER = { name: "orders", topic: "orders", onFailure: { type: "sqs" } };

function parse(extra: Record<string, unknown>): StackConfig {
    const raw: Record<string, string> = { "aws:region": "us-east-1", "msk-lambda:environment": "dev" };
    for (const [k, v] of Object.entries(extra)) raw[`msk-lambda:${k}`] = JSON.stringify(v);
    return parseStackConfig(raw, { project: "msk-lambda", stack: "dev" });
}

/** The refusal's issues; the test names the one key (and words) it expects, and nothing else. */
function refused(extra: Record<string, unknown>): { key: string; message: string }[] {
    try {
        parse(extra);
    } catch (e) {
        assert.ok(e instanceof ConfigError, String(e));
        return e.issues;
    }
    return assert.fail("expected the config to be refused");
}

function onlyIssue(extra: Record<string, unknown>, key: string, words: RegExp): void {
    const issues = refused(extra);
    assert.deepStrictEqual(
        issues.map((i) => i.key),
        [`msk-lambda:${key}`],
        JSON.stringify(issues),
    );
    assert.match(issues[0].message, words);
}

/** Every action a set of statements allows, flattened. */
const actionsOf = (st: Statement[]) => st.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));

describe("sources: config (msk-lambda:source)", () => {
    it("defaults to kind msk, with the cluster keys as before", () => {
        const c = parse({ consumers: [CONSUMER] });
        assert.deepStrictEqual(c.source, { kind: "msk" });
        assert.strictEqual(c.topics[0].existing, false);
    });

    it("refuses an unknown kind, naming the allowed ones", () => {
        onlyIssue({ source: { kind: "kinesis" } }, "source.kind", /"msk" \| "serverless" \| "msk-vpc-connection" \| "self-managed"/);
    });

    it("serverless: refuses broker settings that do not apply", () => {
        onlyIssue({ source: { kind: "serverless" }, cluster: { brokerInstanceType: "kafka.m7g.large" } }, "cluster.brokerInstanceType", /MSK Serverless/);
    });

    it("serverless: refuses an authentication other than IAM", () => {
        onlyIssue({ source: { kind: "serverless" }, cluster: { authentication: "scram" } }, "cluster.authentication", /IAM authentication only/);
    });

    it("serverless: topics default to existing, and creating one is refused with the reason", () => {
        assert.strictEqual(parse({ source: { kind: "serverless" }, consumers: [CONSUMER] }).topics[0].existing, true);
        onlyIssue(
            { source: { kind: "serverless" }, consumers: [CONSUMER], topics: { orders: { existing: false } } },
            "topics.orders.existing",
            /not available for MSK Serverless/,
        );
    });

    it("serverless: an existing cluster by ARN needs an existing network", () => {
        onlyIssue({ source: { kind: "serverless", clusterArn: OWNER_CLUSTER } }, "source.clusterArn", /network\.mode "existing"/);
    });

    it("msk-vpc-connection: requires the other account's cluster ARN", () => {
        onlyIssue({ source: { kind: "msk-vpc-connection" } }, "source.clusterArn", /required/);
    });

    it("msk-vpc-connection: refuses an authentication multi-VPC connectivity does not offer", () => {
        onlyIssue(
            { source: { kind: "msk-vpc-connection", clusterArn: OWNER_CLUSTER, authentication: "plain" } },
            "source.authentication",
            /"iam", "scram" or "mtls"/,
        );
    });

    it("msk-vpc-connection: SASL/SCRAM needs a secret", () => {
        onlyIssue({ source: { kind: "msk-vpc-connection", clusterArn: OWNER_CLUSTER, authentication: "scram" } }, "source.secretArn", /required/);
    });

    it("msk-vpc-connection: refuses the other account's cluster settings", () => {
        onlyIssue(
            { source: { kind: "msk-vpc-connection", clusterArn: OWNER_CLUSTER }, cluster: { kafkaVersion: "3.8.x" } },
            "cluster.kafkaVersion",
            /other account's/,
        );
    });

    it("self-managed: requires bootstrap servers", () => {
        const { bootstrapServers, ...rest } = SELF_MANAGED;
        void bootstrapServers;
        onlyIssue({ source: { ...rest, brokersIn: "internet" } }, "source.bootstrapServers", /required/);
    });

    it("self-managed: requires an authentication, naming the four", () => {
        onlyIssue(
            { source: { kind: "self-managed", bootstrapServers: ["k:9092"], brokersIn: "internet" } },
            "source.authentication",
            /"scram-256", "scram-512", "plain" or "mtls"/,
        );
    });

    it("self-managed: refuses a bootstrap server that is not host:port", () => {
        onlyIssue({ source: { ...SELF_MANAGED, brokersIn: "internet", bootstrapServers: ["kafka.example.com"] } }, "source.bootstrapServers[0]", /host:port/);
    });

    it("self-managed over the internet: refuses a network", () => {
        onlyIssue({ source: { ...SELF_MANAGED, brokersIn: "internet" }, network: EXISTING_VPC }, "network", /over the internet/);
    });

    it("self-managed in a VPC: needs the VPC (existing mode)", () => {
        onlyIssue({ source: SELF_MANAGED }, "source.brokersIn", /network\.mode "existing"/);
    });

    it("self-managed in a VPC: needs the pollers' security groups", () => {
        const { clusterSecurityGroupIds, ...network } = EXISTING_VPC;
        void clusterSecurityGroupIds;
        onlyIssue({ source: SELF_MANAGED, network }, "network.clusterSecurityGroupIds", /self-managed brokers in a VPC/);
    });

    it("refuses a key the kind does not take, naming the kinds that do", () => {
        onlyIssue({ source: { kind: "serverless", bootstrapServers: ["k:9092"] } }, "source.bootstrapServers", /only "self-managed"/);
    });

    it("reports every problem at once", () => {
        const keys = refused({ source: { kind: "self-managed", brokersIn: "internet" }, cluster: { brokersPerAz: 2 } }).map((i) => i.key);
        assert.deepStrictEqual(keys.sort(), ["msk-lambda:cluster.brokersPerAz", "msk-lambda:source.authentication", "msk-lambda:source.bootstrapServers"]);
    });

    it("cluster.crossAccountConsumers: refuses an unauthenticated cluster (multi-VPC connectivity needs IAM, SCRAM or mTLS)", () => {
        onlyIssue({ cluster: { authentication: "tls", crossAccountConsumers: ["444455556666"] } }, "cluster.crossAccountConsumers", /unauthenticated/);
    });

    it("cluster.crossAccountConsumers: refuses kafka.t3.small", () => {
        onlyIssue({ cluster: { brokerInstanceType: "kafka.t3.small", crossAccountConsumers: ["444455556666"] } }, "cluster.crossAccountConsumers", /t3.small/);
    });

    it("cluster.crossAccountConsumers: refuses an account id that is not 12 digits", () => {
        onlyIssue({ cluster: { crossAccountConsumers: ["4444"] } }, "cluster.crossAccountConsumers[0]", /12-digit/);
    });

    it("cluster.crossAccountConsumers: notes that MSK refuses multi-VPC connectivity while it creates the cluster", () => {
        const c = parse({ cluster: { crossAccountConsumers: ["444455556666"] } });
        assert.deepStrictEqual(
            c.notes.map((n) => n.key),
            ["msk-lambda:cluster.crossAccountConsumers"],
        );
        assert.match(c.notes[0].message, /pulumi up` without this key first/);
    });
});

describe("sources: Region, ports, failure topics and refused sources (review findings 3, 4, 5, 9)", () => {
    const VPC_CONNECTION = { kind: "msk-vpc-connection", clusterArn: OWNER_CLUSTER };

    it("msk-vpc-connection: refuses a cluster in another Region (multi-VPC connectivity is single-Region)", () => {
        onlyIssue(
            { source: { ...VPC_CONNECTION, clusterArn: OWNER_CLUSTER.replace("us-east-1", "us-west-2") } },
            "source.clusterArn",
            /Region "us-west-2".*"us-east-1".*single Region/,
        );
    });

    it("self-managed: refuses a secret in another Region (Lambda reads it in its own Region)", () => {
        onlyIssue(
            { source: { ...SELF_MANAGED, brokersIn: "internet", secretArn: SECRET.replace("us-east-1", "eu-west-1") } },
            "source.secretArn",
            /Region "eu-west-1".*same AWS region/,
        );
    });

    it("self-managed: refuses a root CA secret in another Region", () => {
        onlyIssue(
            { source: { ...SELF_MANAGED, brokersIn: "internet", rootCaSecretArn: ROOT_CA.replace("us-east-1", "eu-west-1") } },
            "source.rootCaSecretArn",
            /Region "eu-west-1"/,
        );
    });

    it("self-managed: refuses the secret's KMS key in another Region", () => {
        onlyIssue(
            { source: { ...SELF_MANAGED, brokersIn: "internet", secretKmsKeyArn: KEY.replace("us-east-1", "eu-west-1") } },
            "source.secretKmsKeyArn",
            /Region "eu-west-1"/,
        );
    });

    it("refuses a secret ARN of another partition than aws:region's", () => {
        const raw: Record<string, string> = {
            "aws:region": "cn-north-1",
            "msk-lambda:environment": "dev",
            "msk-lambda:source": JSON.stringify({ ...SELF_MANAGED, brokersIn: "internet", secretArn: SECRET.replace("us-east-1", "cn-north-1") }),
        };
        const e = (() => {
            try {
                parseStackConfig(raw, { project: "msk-lambda", stack: "dev" });
            } catch (err) {
                return err as ConfigError;
            }
            return assert.fail("expected the config to be refused");
        })();
        assert.deepStrictEqual(
            e.issues.map((i) => i.key),
            ["msk-lambda:source.secretArn"],
        );
        assert.match(e.issues[0].message, /partition "aws", not "aws-cn"/);
    });

    for (const port of ["0", "99999"])
        it(`self-managed: refuses bootstrap port ${port} (a TCP port is 1 to 65535)`, () => {
            onlyIssue(
                { source: { ...SELF_MANAGED, brokersIn: "internet", bootstrapServers: [`kafka.example.com:${port}`] } },
                "source.bootstrapServers[0]",
                /1 to 65535/,
            );
        });

    it("msk-vpc-connection: refuses a Kafka failure topic (the owner's cluster policy grants reads only), naming the consumer's key", () => {
        onlyIssue(
            { source: VPC_CONNECTION, consumers: [{ ...CONSUMER, onFailure: { type: "kafka", topic: "orders-failures" } }] },
            "consumers[0].onFailure.type",
            /other account's cluster.*grants reads only.*WriteData/,
        );
    });

    it("a refused source hides no network or topic error (examples/self-managed-internet.yaml with three mistakes: three errors at once)", () => {
        const source = { kind: "self-managed", bootstrapServers: null, brokersIn: "internet", authentication: "mtls", secretArn: SECRET };
        const keys = refused({ source, network: { mode: "privatelink" }, topics: { orders: { partitions: 3 } }, consumers: [CONSUMER] }).map((i) => i.key);
        assert.deepStrictEqual(keys, ["msk-lambda:source.bootstrapServers", "msk-lambda:network", "msk-lambda:topics.orders.partitions"]);
    });
});

describe("sources: SASL/SCRAM over a VPC connection takes a synced secret or the cluster's own (review finding 6)", function () {
    this.timeout(180000);
    const SYNCED = "arn:aws:secretsmanager:us-east-1:123456789012:secret:kafka/synced-AbCdEf";
    const OWNER_SECRET = "arn:aws:secretsmanager:us-east-1:111122223333:secret:AmazonMSK_lambda-AbCdEf";
    const OWNER_KEY = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    const scram = (extra: Record<string, unknown>) => ({
        source: { kind: "msk-vpc-connection", clusterArn: OWNER_CLUSTER, authentication: "scram", ...extra },
    });

    it("accepts a secret of this account with any name and no KMS key (synced with the cluster's)", () => {
        const c = parse(scram({ secretArn: SYNCED }));
        assert.strictEqual(c.source.secretArn, SYNCED);
        assert.strictEqual(c.source.secretKmsKeyArn, undefined);
    });

    it("accepts the cluster's own AmazonMSK_ secret of the owner's account, with its customer-managed key", () => {
        const c = parse(scram({ secretArn: OWNER_SECRET, secretKmsKeyArn: OWNER_KEY }));
        assert.strictEqual(c.source.secretArn, OWNER_SECRET);
    });

    it("refuses a secret of the owner's account not named AmazonMSK_ (MSK reads that one itself)", () => {
        onlyIssue(
            scram({ secretArn: OWNER_SECRET.replace("AmazonMSK_lambda", "lambda"), secretKmsKeyArn: OWNER_KEY }),
            "source.secretArn",
            /cluster owner's account 111122223333: .*AmazonMSK_\.\.\./,
        );
    });

    it("requires the key of a secret of the owner's account (a secret shared across accounts has a customer-managed key)", () => {
        onlyIssue(scram({ secretArn: OWNER_SECRET }), "source.secretKmsKeyArn", /cluster owner's account 111122223333/);
    });

    it("cross-account-consumer.yaml with a synced secret: exit 0, no mandatory violation, the mapping and the role use it", async () => {
        const res = await runPlan(
            [
                ...["--stack", "dev", "--json", "--config-file", "examples/cross-account-consumer.yaml"],
                ...["--config", "msk-lambda:source.authentication=scram", "--config", `msk-lambda:source.secretArn=${SYNCED}`],
            ],
            (await pack()).port,
        );
        assert.strictEqual(res.code, 0, res.stderr + res.stdout.slice(0, 2000));
        const doc = JSON.parse(res.stdout);
        assert.deepStrictEqual(
            doc.policy.violations.filter((v: any) => v.enforcementLevel === "mandatory"),
            [],
        );
        const r = await runStack({
            source: { kind: "msk-vpc-connection", clusterArn: OWNER_CLUSTER, authentication: "scram", secretArn: SYNCED },
            network: { azCount: 3 },
            consumers: [CONSUMER],
        });
        assert.deepStrictEqual(mappingOf(r).inputs.sourceAccessConfigurations, [{ type: "SASL_SCRAM_512_AUTH", uri: SYNCED }]);
        const read = Object.values(rolePolicies(r))
            .flat()
            .filter((st) => actionsOf([st]).includes("secretsmanager:GetSecretValue"));
        assert.deepStrictEqual(
            read.map((st) => st.Resource),
            [SYNCED],
        );
    });
});

describe("sources: a key set with --secret is never echoed (review finding 10)", () => {
    const PASSWORD = "MyS3cretPassw0rd!";
    const LONG = "x".repeat(40) + "-the-rest-of-a-long-secret-value-" + "y".repeat(40);
    const BASES: Record<string, unknown>[] = [
        { ...SELF_MANAGED, brokersIn: "internet", rootCaSecretArn: ROOT_CA, secretKmsKeyArn: KEY },
        { kind: "msk-vpc-connection", clusterArn: OWNER_CLUSTER, authentication: "scram", secretArn: SECRET, secretKmsKeyArn: KEY },
        { kind: "serverless", clusterArn: OWNER_CLUSTER },
    ];
    /** Every string leaf of a value, with its path under the source. */
    const leaves = (v: unknown, at = ""): [string, string][] =>
        typeof v === "string"
            ? [[at, v]]
            : Array.isArray(v)
              ? v.flatMap((x, i) => leaves(x, `${at}[${i}]`))
              : v !== null && typeof v === "object"
                ? Object.entries(v).flatMap(([k, x]) => leaves(x, at ? `${at}.${k}` : k))
                : [];
    /** The source with the leaf at `at` replaced by `value`. */
    const withLeaf = (base: Record<string, unknown>, at: string, value: string) => {
        const copy = JSON.parse(JSON.stringify(base));
        const parts = at.split(/[.[\]]+/).filter(Boolean);
        let o = copy;
        for (const p of parts.slice(0, -1)) o = o[p];
        o[parts[parts.length - 1]] = value;
        return copy;
    };

    // One case per string leaf of each base source and per bad value: the leaf holds a value the parser refuses.
    for (const base of BASES)
        for (const [at] of leaves(base))
            // An ARN in another Region is refused for a VPC connection's cluster and the secrets, not a serverless cluster.
            for (const bad of [PASSWORD, LONG, ...(base.kind === "serverless" ? [] : [OWNER_CLUSTER.replace("us-east-1", "eu-west-1")])])
                it(`${base.kind}: source.${at} = ${bad.slice(0, 24)}...: the error names the key, and no string of the secret source shows`, () => {
                    const source = withLeaf(base, at, bad);
                    const raw: Record<string, string> = {
                        "aws:region": "us-east-1",
                        "msk-lambda:environment": "dev",
                        "msk-lambda:source": JSON.stringify(source),
                        "msk-lambda:network": JSON.stringify(source.kind === "serverless" ? EXISTING_VPC : { mode: "privatelink" }),
                    };
                    let messages: string[];
                    let keys: string[] = [];
                    try {
                        messages = parseStackConfig(raw, { project: "msk-lambda", stack: "dev", secretKeys: ["msk-lambda:source"] }).notes.map(
                            (n) => n.message,
                        );
                    } catch (e) {
                        assert.ok(e instanceof ConfigError, String(e));
                        messages = [e.message, ...e.issues.map((i) => i.message)];
                        keys = e.issues.map((i) => i.key);
                    }
                    assert.ok(keys.includes(`msk-lambda:source.${at}`), `the error names msk-lambda:source.${at}: ${JSON.stringify(keys)}`);
                    for (const [path, leaf] of leaves(source))
                        if (leaf.length >= 3)
                            for (const m of messages) assert.ok(!m.includes(leaf) && !m.includes(leaf.slice(0, 57)), `source.${path} shows in: ${m}`);
                });

    it("a key not set as secret still shows its value (so that the user sees what is wrong)", () => {
        onlyIssue({ source: { ...SELF_MANAGED, brokersIn: "internet", secretArn: PASSWORD } }, "source.secretArn", /MyS3cretPassw0rd!/);
    });
});

describe("sources: resources and inputs", function () {
    this.timeout(60000);

    it("serverless: an IAM-only ServerlessCluster in the cluster subnets and group, no topic, configuration or broker logs; the mapping reads it", async () => {
        const r = await runStack({ source: { kind: "serverless" }, network: { azCount: 2 }, consumers: [CONSUMER] });
        const sc = r.one("aws:msk/serverlessCluster:ServerlessCluster");
        assert.deepStrictEqual(sc.inputs.clientAuthentication, { sasl: { iam: { enabled: true } } });
        const subnets = r.ofType("aws:ec2/subnet:Subnet").map((s) => s.id);
        const sg = r.one("aws:ec2/securityGroup:SecurityGroup", "network-cluster");
        assert.deepStrictEqual(sc.inputs.vpcConfigs, [{ subnetIds: subnets, securityGroupIds: [sg.id] }]);
        for (const t of ["aws:msk/cluster:Cluster", "aws:msk/topic:Topic", "aws:msk/configuration:Configuration", "aws:cloudwatch/logGroup:LogGroup"])
            assert.deepStrictEqual(
                r.ofType(t).filter((x) => !x.name.includes("orders")),
                [],
                t,
            );
        const rule = r.one("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "network-cluster-in-broker");
        assert.deepStrictEqual([rule.inputs.fromPort, rule.inputs.toPort], [9098, 9098]);
        const m = mappingOf(r);
        assert.strictEqual(m.inputs.eventSourceArn, sc.rawState.arn as string);
        assert.strictEqual(m.inputs.sourceAccessConfigurations, undefined);
        const kafka = rolePolicies(r).kafka;
        const readTopic = kafka.find((s) => s.Sid === "KafkaReadTopic")!;
        assert.strictEqual(readTopic.Resource, (sc.rawState.arn as string).replace(":cluster/", ":topic/") + "/orders");
    });

    it("serverless in prod: the cluster is protected, and a replacement deletes it first (its name is fixed)", async () => {
        const r = await runStack({ environment: "prod", source: { kind: "serverless" }, network: { azCount: 2 }, consumers: [CONSUMER] });
        const sc = r.one("aws:msk/serverlessCluster:ServerlessCluster");
        assert.deepStrictEqual([sc.options.protect, sc.options.deleteBeforeReplace], [true, true]);
    });

    it("cross-account owner: multi-VPC connectivity for the cluster's authentication and a cluster policy naming the accounts", async () => {
        const r = await runStack({ cluster: { brokerInstanceType: "kafka.m7g.large", crossAccountConsumers: ["444455556666"] }, consumers: [] });
        const cluster = r.one("aws:msk/cluster:Cluster");
        assert.deepStrictEqual(cluster.inputs.brokerNodeGroupInfo.connectivityInfo.vpcConnectivity, {
            clientAuthentication: { sasl: { iam: true, scram: false } },
        });
        const policy = r.one("aws:msk/clusterPolicy:ClusterPolicy");
        assert.strictEqual(policy.inputs.clusterArn, cluster.rawState.arn as string);
        const doc = JSON.parse(policy.inputs.policy);
        assert.deepStrictEqual(doc.Statement[0].Principal, { AWS: "444455556666" });
        assert.deepStrictEqual(doc.Statement[0].Action, [
            "kafka:CreateVpcConnection",
            "kafka:GetBootstrapBrokers",
            "kafka:DescribeCluster",
            "kafka:DescribeClusterV2",
        ]);
        assert.ok(!actionsOf(doc.Statement).includes("kafka-cluster:*"), "no kafka-cluster:*");
    });

    it("a cluster without cross-account consumers has no multi-VPC connectivity and no cluster policy (the default plans as before)", async () => {
        const r = await runStack({ consumers: [] });
        assert.deepStrictEqual(r.one("aws:msk/cluster:Cluster").inputs.brokerNodeGroupInfo.connectivityInfo, { publicAccess: { type: "DISABLED" } });
        assert.deepStrictEqual(r.ofType("aws:msk/clusterPolicy:ClusterPolicy"), []);
    });

    it("cross-account consumer: a VPC connection in this VPC, its group on 14001-14100, the mapping on its ARN, the role scoped to it", async () => {
        const r = await runStack({ source: { kind: "msk-vpc-connection", clusterArn: OWNER_CLUSTER }, network: { azCount: 3 }, consumers: [CONSUMER] });
        const vc = r.one("aws:msk/vpcConnection:VpcConnection");
        const vpc = r.one("aws:ec2/vpc:Vpc");
        const sg = r.one("aws:ec2/securityGroup:SecurityGroup", "network-cluster");
        assert.strictEqual(vc.inputs.targetClusterArn, OWNER_CLUSTER);
        assert.strictEqual(vc.inputs.authentication, "SASL_IAM");
        assert.strictEqual(vc.inputs.vpcId, vpc.id);
        assert.deepStrictEqual(vc.inputs.securityGroups, [sg.id]);
        assert.strictEqual(vc.inputs.clientSubnets.length, 3);
        const rule = r.one("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "network-cluster-in-broker");
        assert.deepStrictEqual([rule.inputs.fromPort, rule.inputs.toPort], [14001, 14100]);
        assert.deepStrictEqual(r.ofType("aws:msk/cluster:Cluster"), []);
        const m = mappingOf(r);
        assert.strictEqual(m.inputs.eventSourceArn, vc.rawState.arn as string);
        assert.match(vc.rawState.arn as string, /:vpc-connection\/111122223333\/shared\//);
        const kafka = rolePolicies(r).kafka;
        assert.deepStrictEqual(kafka.find((s) => s.Sid === "DescribeVpcConnection")!.Resource, vc.rawState.arn as string);
        assert.strictEqual(kafka.find((s) => s.Sid === "KafkaReadTopic")!.Resource, OWNER_CLUSTER.replace(":cluster/", ":topic/") + "/orders");
    });

    it("self-managed in a VPC: bootstrap servers, the secret, root CA, subnets and groups in the mapping; the role has no kafka action", async () => {
        const r = await runStack({
            source: { ...SELF_MANAGED, rootCaSecretArn: ROOT_CA, secretKmsKeyArn: KEY },
            network: EXISTING_VPC,
            consumers: [{ ...CONSUMER, onFailure: { type: "kafka", topic: "orders-failures" } }],
        });
        const m = mappingOf(r);
        assert.strictEqual(m.inputs.eventSourceArn, undefined);
        assert.deepStrictEqual(m.inputs.selfManagedEventSource, {
            endpoints: { KAFKA_BOOTSTRAP_SERVERS: "kafka-1.example.com:9096,kafka-2.example.com:9096" },
        });
        assert.strictEqual(m.inputs.selfManagedKafkaEventSourceConfig.consumerGroupId, "msk-lambda-test-orders");
        assert.strictEqual(m.inputs.amazonManagedKafkaEventSourceConfig, undefined);
        assert.deepStrictEqual(m.inputs.sourceAccessConfigurations, [
            { type: "SASL_SCRAM_512_AUTH", uri: SECRET },
            { type: "SERVER_ROOT_CA_CERTIFICATE", uri: ROOT_CA },
            { type: "VPC_SUBNET", uri: "subnet:subnet-0123456789abcdef0" },
            { type: "VPC_SUBNET", uri: "subnet:subnet-0123456789abcdef1" },
            { type: "VPC_SECURITY_GROUP", uri: "security_group:sg-0123456789abcdef0" },
        ]);
        assert.deepStrictEqual(m.inputs.destinationConfig, { onFailure: { destinationArn: "kafka://orders-failures" } });
        const policies = rolePolicies(r);
        const all = Object.values(policies).flat();
        assert.deepStrictEqual(
            actionsOf(all).filter((a) => a.startsWith("kafka")),
            [],
        );
        assert.deepStrictEqual(
            policies.kafka.map((s) => s.Sid),
            ["PollerNetworkInterfaces"],
        );
        assert.deepStrictEqual(policies.secret[0].Resource, [SECRET, ROOT_CA]);
        assert.deepStrictEqual([policies.secret[1].Action, policies.secret[1].Resource], ["kms:Decrypt", KEY]);
        // No topic or cluster is created, and no group for the pollers (only the endpoints' group): the brokers and their groups are the user's.
        for (const t of ["aws:msk/topic:Topic", "aws:msk/cluster:Cluster"]) assert.deepStrictEqual(r.ofType(t), [], t);
        assert.deepStrictEqual(
            r.ofType("aws:ec2/securityGroup:SecurityGroup").map((g) => g.name),
            ["network-endpoints"],
        );
    });

    it("self-managed over the internet: no VPC resource, no kafka or ec2 grant, only the secret", async () => {
        const r = await runStack({ source: { ...SELF_MANAGED, brokersIn: "internet", authentication: "mtls" }, consumers: [CONSUMER] });
        assert.deepStrictEqual(
            r.resources.filter((x) => x.type.startsWith("aws:ec2/") || x.type.startsWith("aws:msk/")).map((x) => x.type),
            [],
        );
        const m = mappingOf(r);
        assert.deepStrictEqual(m.inputs.sourceAccessConfigurations, [{ type: "CLIENT_CERTIFICATE_TLS_AUTH", uri: SECRET }]);
        const policies = rolePolicies(r);
        assert.strictEqual(policies.kafka, undefined);
        assert.deepStrictEqual(policies.secret, [{ Sid: "ReadSourceSecrets", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: SECRET }]);
    });
});

describe("sources: the example stacks plan clean through the pack", function () {
    this.timeout(180000);
    const examples = fs.readdirSync(path.join(ROOT, "examples")).filter((f) => f.endsWith(".yaml"));

    it("ship one for each source kind and each side of a cross-account consumer", () => {
        for (const prefix of ["serverless", "cross-account-owner", "cross-account-consumer", "self-managed-"])
            assert.ok(
                examples.some((f) => f.startsWith(prefix)),
                prefix,
            );
    });

    for (const file of examples) {
        it(`examples/${file}: exit 0, no mandatory violation`, async () => {
            const res = await runPlan(["--stack", "dev", "--json", "--config-file", `examples/${file}`], (await pack()).port);
            assert.strictEqual(res.code, 0, res.stderr + res.stdout.slice(0, 2000));
            const doc = JSON.parse(res.stdout);
            const mandatory = doc.policy.violations.filter((v: any) => v.enforcementLevel === "mandatory");
            assert.deepStrictEqual(mandatory, []);
            assert.strictEqual(
                doc.resources.filter((r: any) => r.type === "aws:lambda/eventSourceMapping:EventSourceMapping").length,
                file.includes("owner") ? 0 : 1,
            );
        });
    }
});

describe("sources: a SCRAM or mTLS owner denies clients without ACLs (review finding 7)", function () {
    this.timeout(60_000);
    const CONFIG = "aws:msk/configuration:Configuration";
    const owner = (authentication: string, crossAccountConsumers?: string[]) => ({
        cluster: { brokerInstanceType: "kafka.m7g.large", authentication, ...(crossAccountConsumers ? { crossAccountConsumers } : {}) },
        consumers: [],
        ...(authentication === "scram" ? { secrets: { scramPassword: "correct-horse-battery" } } : {}),
    });

    it("SCRAM with cross-account consumers: the configuration sets allow.everyone.if.no.acl.found=false", async () => {
        const r = await runStack(owner("scram", ["444455556666"]));
        assert.match(r.one(CONFIG).inputs.serverProperties, /^allow\.everyone\.if\.no\.acl\.found=false$/m);
    });

    it("IAM with cross-account consumers, and SCRAM without them, leave the property out (IAM access control ignores Kafka ACLs)", async () => {
        for (const input of [owner("iam", ["444455556666"]), owner("scram")]) {
            const r = await runStack(input);
            assert.doesNotMatch(r.one(CONFIG).inputs.serverProperties, /allow\.everyone/, JSON.stringify(input.cluster));
        }
    });

    it("the config notes that the owner must create Kafka ACLs for every client first (no AWS API creates them)", () => {
        const c = parse({ cluster: { authentication: "scram", crossAccountConsumers: ["444455556666"] } });
        const acl = c.notes.filter((n) => /allow\.everyone\.if\.no\.acl\.found=false/.test(n.message));
        assert.deepStrictEqual(
            acl.map((n) => n.key),
            ["msk-lambda:cluster.crossAccountConsumers"],
        );
        assert.match(acl[0].message, /cannot be created through an AWS API: before adding this key, create ACLs .* this stack's own consumers included/);
    });

    it("day two: adding the property is an in-place update of the configuration (a new revision), not a replacement", () => {
        const conf = (serverProperties: string) => [
            { type: CONFIG, name: "c-config", inputs: { name: "c-config-3-8-x", kafkaVersions: ["3.8.x"], serverProperties } },
        ];
        const d = diffPlans(
            planDoc(conf("auto.create.topics.enable=false")),
            planDoc(conf("auto.create.topics.enable=false\nallow.everyone.if.no.acl.found=false")),
        );
        assert.deepStrictEqual([d.changes[0].op, d.changes[0].fails, d.blocked], ["update", undefined, []]);
    });
});

describe("sources: messages name the key the user set, or the default they did not (review finding 11)", () => {
    it("a SCRAM password on a self-managed stack names the source kind, not cluster.authentication", () => {
        const issues = refused({ source: SELF_MANAGED, network: EXISTING_VPC, scramPassword: "correct-horse-battery" });
        assert.deepStrictEqual(
            issues.map((i) => i.key),
            ["msk-lambda:scramPassword"],
        );
        assert.match(issues[0].message, /only for source kind "msk" .*not "self-managed".*msk-lambda:source\.secretArn/);
        assert.doesNotMatch(issues[0].message, /"iam"/);
    });

    it("an existing serverless cluster with cluster.azCount says why azCount is for a created cluster", () => {
        const serverless = { kind: "serverless", clusterArn: "arn:aws:kafka:us-east-1:123456789012:cluster/sl/0b7c4e2a-8d4f-4c1a-9a3e-5f6d7e8f9a0b-s1" };
        onlyIssue(
            { source: serverless, network: EXISTING_VPC, cluster: { azCount: 2 } },
            "cluster.azCount",
            /serverless cluster this stack creates.*source\.clusterArn names an existing one/,
        );
    });

    it('self-managed with no network says both defaults are defaults (brokersIn "vpc", network.mode "privatelink")', () => {
        onlyIssue(
            { source: SELF_MANAGED },
            "source.brokersIn",
            /^is not set, and its default "vpc" .*needs msk-lambda:network\.mode "existing".*; msk-lambda:network\.mode is not set, and its default "privatelink" creates a new VPC$/,
        );
    });

    it("a network.mode the user wrote is named as written", () => {
        onlyIssue(
            { source: { ...SELF_MANAGED, brokersIn: "vpc" }, network: { mode: "nat" } },
            "source.brokersIn",
            /^needs msk-lambda:network\.mode "existing".*; msk-lambda:network\.mode is "nat"$/,
        );
    });
});

describe("sources: --against flags what MSK refuses on apply", () => {
    const CLUSTER = "aws:msk/cluster:Cluster";
    const withConnectivity = (on: boolean) => ({
        clusterName: "c",
        brokerNodeGroupInfo: {
            connectivityInfo: {
                publicAccess: { type: "DISABLED" },
                ...(on ? { vpcConnectivity: { clientAuthentication: { sasl: { iam: true, scram: false } } } } : {}),
            },
        },
    });

    it("a cluster created with multi-VPC connectivity fails on apply (MSK turns it on only on an existing cluster)", () => {
        const d = diffPlans(planDoc([]), planDoc([{ type: CLUSTER, name: "c", inputs: withConnectivity(true) }]));
        assert.strictEqual(d.changes[0].op, "create");
        assert.match(d.changes[0].fails ?? "", /MSK refuses while it creates a cluster/);
        assert.deepStrictEqual(d.blocked, [d.changes[0].urn]);
    });

    it("turning it on for an existing cluster is an in-place update that does not fail, and a cluster without it is created fine", () => {
        const update = diffPlans(
            planDoc([{ type: CLUSTER, name: "c", inputs: withConnectivity(false) }]),
            planDoc([{ type: CLUSTER, name: "c", inputs: withConnectivity(true) }]),
        );
        assert.deepStrictEqual([update.changes[0].op, update.changes[0].fails, update.blocked], ["update", undefined, []]);
        const create = diffPlans(planDoc([]), planDoc([{ type: CLUSTER, name: "c", inputs: withConnectivity(false) }]));
        assert.deepStrictEqual([create.changes[0].op, create.changes[0].fails], ["create", undefined]);
    });
});
