import * as assert from "assert";
import { StackEnvironment } from "../lib/destinations";
import type { ClusterSettings } from "../lib/settings";
import { KafkaCluster, serverProperties } from "../components/kafka-cluster";
import { parseStackConfig, type ClusterConfig, type Environment } from "../lib/config";
import { pki } from "./helpers/pki";
import { run } from "./helpers/sim";

const CA = "arn:aws:acm-pca:us-east-1:111122223333:certificate-authority/11111111-2222-3333-4444-555555555555";

function clusterConfig(cluster: object, environment: Environment = "dev"): ClusterConfig {
    const net = (cluster as any).existingClusterArn
        ? { mode: "existing", vpcId: "vpc-01234567", privateSubnetIds: ["subnet-01234567", "subnet-01234568"] }
        : {};
    const secrets: Record<string, string> =
        (cluster as any).authentication === "mtls" ? { "msk-lambda:mtlsCertificate": pki().chain, "msk-lambda:mtlsPrivateKey": pki().clientKey } : {};
    return parseStackConfig(
        { "msk-lambda:environment": environment, "msk-lambda:cluster": JSON.stringify(cluster), "msk-lambda:network": JSON.stringify(net), ...secrets },
        { project: "msk-lambda", stack: "t" },
    ).cluster;
}

async function cluster(cfg: object, environment: Environment = "dev", preview = false) {
    let c!: KafkaCluster;
    const r = await run(
        () => {
            clusterConfig(cfg, environment); // valid as a stack's cluster too
            c = new KafkaCluster("kafka", {
                settings: cfg as ClusterSettings,
                environment: environment as StackEnvironment,
                clusterName: "msk-lambda-t",
                subnetIds: ["subnet-a", "subnet-b", "subnet-c"],
                securityGroupIds: ["sg-1"],
            });
            return { brokers: c.bootstrapBrokers, arn: c.clusterArn };
        },
        { preview },
    );
    return { r, c, msk: r.ofType("aws:msk/cluster:Cluster")[0] };
}

describe("KafkaCluster component", () => {
    const cases: [string, object, object, string, number][] = [
        ["iam", {}, { sasl: { iam: true, scram: false }, unauthenticated: false }, "TLS", 9098],
        ["scram", { authentication: "scram" }, { sasl: { iam: false, scram: true }, unauthenticated: false }, "TLS", 9096],
        ["mtls", { authentication: "mtls", certificateAuthorityArns: [CA] }, { tls: { certificateAuthorityArns: [CA] }, unauthenticated: false }, "TLS", 9094],
        ["tls", { authentication: "tls" }, { unauthenticated: true }, "TLS", 9094],
        ["plaintext", { authentication: "plaintext" }, { unauthenticated: true }, "PLAINTEXT", 9092],
    ];
    for (const [auth, cfg, clientAuthentication, clientBroker, port] of cases) {
        it(`${auth}: client authentication, in-transit encryption and the ${port} bootstrap brokers`, async () => {
            const { r, msk } = await cluster(cfg);
            assert.deepStrictEqual(msk.inputs.clientAuthentication, clientAuthentication);
            assert.deepStrictEqual(msk.inputs.encryptionInfo.encryptionInTransit, { clientBroker, inCluster: true });
            const brokers: string = r.outputs.brokers;
            assert.ok(
                brokers.split(",").every((b) => b.endsWith(`:${port}`)),
                brokers,
            );
        });
    }

    it("encrypts at rest with its own rotating customer-managed key", async () => {
        const { r, msk } = await cluster({});
        const key = r.one("aws:kms/key:Key");
        assert.strictEqual(key.inputs.enableKeyRotation, true);
        assert.deepStrictEqual(msk.propertyDependencies.encryptionInfo, [key.urn]);
        assert.match(msk.inputs.encryptionInfo.encryptionAtRestKmsKeyArn, /^arn:aws:kms:us-east-1:123456789012:key\//);
        const policy = JSON.parse(key.inputs.policy);
        assert.deepStrictEqual(policy.Statement[0].Principal, { AWS: "arn:aws:iam::123456789012:root" });
    });

    it("logs brokers to a log group with retention and uses a configuration without topic auto-creation", async () => {
        const { r, msk } = await cluster({});
        const logs = r.one("aws:cloudwatch/logGroup:LogGroup");
        assert.strictEqual(logs.inputs.retentionInDays, 14);
        assert.deepStrictEqual(msk.inputs.loggingInfo, { brokerLogs: { cloudwatchLogs: { enabled: true, logGroup: "/aws/msk/msk-lambda-t" } } });
        const conf = r.one("aws:msk/configuration:Configuration");
        assert.match(conf.inputs.serverProperties, /^auto\.create\.topics\.enable=false$/m);
        assert.deepStrictEqual(conf.inputs.kafkaVersions, ["3.8.x"]);
        assert.deepStrictEqual(msk.inputs.configurationInfo.revision, 1);
    });

    it("places brokersPerAz brokers in each client subnet, with public access disabled", async () => {
        const { msk } = await cluster({ brokersPerAz: 2 });
        assert.strictEqual(msk.inputs.numberOfBrokerNodes, 6);
        assert.deepStrictEqual(msk.inputs.brokerNodeGroupInfo.clientSubnets, ["subnet-a", "subnet-b", "subnet-c"]);
        assert.deepStrictEqual(msk.inputs.brokerNodeGroupInfo.connectivityInfo, { publicAccess: { type: "DISABLED" } });
    });

    it("monitors PER_BROKER, protects the cluster and key, and keeps the key 30 days in prod", async () => {
        const { r, msk } = await cluster({}, "prod");
        assert.strictEqual(msk.inputs.enhancedMonitoring, "PER_BROKER");
        assert.strictEqual(msk.options.protect, true);
        const key = r.one("aws:kms/key:Key");
        assert.strictEqual(key.options.protect, true);
        assert.strictEqual(key.inputs.deletionWindowInDays, 30);
        assert.strictEqual(r.one("aws:cloudwatch/logGroup:LogGroup").inputs.retentionInDays, 90);
    });

    it("attaches to an existing cluster without creating one", async () => {
        const arn = "arn:aws:kafka:us-east-1:111122223333:cluster/shared/fc2f5bdf-fd1b-45ad-85dd-15b4a5a6247e-2";
        const { r } = await cluster({ existingClusterArn: arn, authentication: "scram" });
        assert.strictEqual(r.resources.filter((x) => x.custom).length, 0);
        assert.strictEqual(r.outputs.arn, arn);
        assert.match(r.outputs.brokers, /:9096$/);
    });

    it("leaves the ARN and brokers unknown in a first preview", async () => {
        const { r, msk } = await cluster({}, "dev", true);
        assert.strictEqual(msk.inputs.encryptionInfo.encryptionAtRestKmsKeyArn, "04da6b54-80e4-46f7-96ec-b56ff0331ba9");
        assert.strictEqual(r.outputs.arn, "04da6b54-80e4-46f7-96ec-b56ff0331ba9");
    });

    it("sizes replication to the broker count", () => {
        assert.match(serverProperties(2), /default\.replication\.factor=2\nmin\.insync\.replicas=1/);
        assert.match(serverProperties(6), /default\.replication\.factor=3\nmin\.insync\.replicas=2/);
    });

    it("keeps the URNs of the cluster, its key and configuration when the component is renamed (no replacement)", async () => {
        const urns = async (componentName: string) => {
            const r = await run(() => {
                new KafkaCluster(
                    componentName,
                    {
                        settings: {},
                        environment: StackEnvironment.Prod,
                        clusterName: "msk-lambda-t",
                        subnetIds: ["subnet-a", "subnet-b"],
                        securityGroupIds: ["sg-1"],
                    },
                    componentName === "kafka" ? {} : { aliases: [{ name: "kafka" }] },
                );
            });
            return r.resources
                .filter((x) =>
                    ["aws:msk/cluster:Cluster", "aws:kms/key:Key", "aws:msk/configuration:Configuration", "aws:cloudwatch/logGroup:LogGroup"].includes(x.type),
                )
                .map((x) => x.urn)
                .sort();
        };
        const before = await urns("kafka");
        assert.strictEqual(before.length, 4);
        assert.deepStrictEqual(await urns("msk"), before);
    });
});
