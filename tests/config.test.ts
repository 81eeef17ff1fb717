import * as assert from "assert";
import { ConfigError, parseStackConfig, type StackConfig } from "../lib/config";

const base = {
    "aws:region": "us-east-1",
    "msk-lambda:environment": "dev",
};

function parse(extra: Record<string, unknown>, secretKeys?: string[]): StackConfig {
    const raw: Record<string, string> = { ...base };
    for (const [k, v] of Object.entries(extra)) {
        if (v === undefined) delete raw[k];
        else raw[k] = typeof v === "string" ? v : JSON.stringify(v);
    }
    return parseStackConfig(raw, { project: "msk-lambda", stack: "dev", secretKeys });
}

function issuesOf(extra: Record<string, unknown>, secretKeys?: string[]) {
    try {
        parse(extra, secretKeys);
    } catch (e) {
        assert.ok(e instanceof ConfigError, `expected ConfigError, got ${e}`);
        return (e as ConfigError).issues;
    }
    assert.fail("expected the config to be refused");
}

describe("stack config", () => {
    it("fills documented defaults from a minimal config", () => {
        const c = parse({});
        assert.deepStrictEqual(c.network, {
            mode: "privatelink",
            cidrBlock: "10.0.0.0/16",
            azCount: 3,
            endpoints: false,
            vpcId: undefined,
            privateSubnetIds: undefined,
            privateRouteTableIds: undefined,
            clusterSecurityGroupIds: undefined,
        });
        assert.strictEqual(c.cluster.authentication, "iam");
        assert.strictEqual(c.cluster.brokerPort, 9098);
        assert.strictEqual(c.cluster.brokersPerAz, 1);
        assert.strictEqual(c.cluster.logRetentionDays, 14);
        assert.deepStrictEqual(c.consumers, []);
    });

    it("derives the broker port from the authentication (seed: 9092 plaintext, 9094 TLS, 9096 SASL, 9098 IAM)", () => {
        const port = (authentication: string, more: object = {}) => parse({ "msk-lambda:cluster": { authentication, ...more } }).cluster.brokerPort;
        assert.strictEqual(port("plaintext"), 9092);
        assert.strictEqual(port("tls"), 9094);
        assert.strictEqual(port("scram"), 9096);
        assert.strictEqual(port("iam"), 9098);
    });

    it("accepts integers given as digit strings, like the Pulumi CLI's own type check", () => {
        assert.strictEqual(parse({ "msk-lambda:network": { azCount: "4" } }).network!.azCount, 4);
    });

    it("accepts an existing VPC with its subnets", () => {
        const c = parse({
            "msk-lambda:network": {
                mode: "existing",
                vpcId: "vpc-0123456789abcdef0",
                privateSubnetIds: ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"],
            },
        });
        assert.strictEqual(c.network!.mode, "existing");
        assert.deepStrictEqual(c.network!.privateSubnetIds, ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]);
    });

    it("reports every problem at once, each naming its key", () => {
        const issues = issuesOf({ "msk-lambda:environment": "qa", "msk-lambda:network": { azCount: 1 }, "msk-lambda:cluster": { ebsVolumeGb: 0 } });
        assert.deepStrictEqual(issues.map((i) => i.key).sort(), ["msk-lambda:cluster.ebsVolumeGb", "msk-lambda:environment", "msk-lambda:network.azCount"]);
    });

    // Each row: a bad value, the key the message must name, and words the message must contain (the problem and
    // the allowed values).
    const table: [string, Record<string, unknown>, string, RegExp][] = [
        ["missing environment", { "msk-lambda:environment": undefined }, "msk-lambda:environment", /required.*"dev" \| "staging" \| "prod"/],
        ["unknown environment", { "msk-lambda:environment": "qa" }, "msk-lambda:environment", /"qa" is not allowed.*"dev" \| "staging" \| "prod"/],
        ["unknown top-level key", { "msk-lambda:netwrok": "{}" }, "msk-lambda:netwrok", /not a known key.*msk-lambda:network/],
        ["network not an object", { "msk-lambda:network": "nat" }, "msk-lambda:network", /not JSON|must be an object/],
        ["network is a list", { "msk-lambda:network": [] }, "msk-lambda:network", /must be an object with keys mode/],
        ["unknown network key", { "msk-lambda:network": { azs: 2 } }, "msk-lambda:network.azs", /not a known key.*azCount/],
        ["bad mode", { "msk-lambda:network": { mode: "public" } }, "msk-lambda:network.mode", /"privatelink" \| "nat" \| "existing"/],
        ["azCount too low", { "msk-lambda:network": { azCount: 1 } }, "msk-lambda:network.azCount", /from 2 to 6/],
        ["azCount too high", { "msk-lambda:network": { azCount: 7 } }, "msk-lambda:network.azCount", /from 2 to 6/],
        ["azCount wrong type", { "msk-lambda:network": { azCount: true } }, "msk-lambda:network.azCount", /integer from 2 to 6, got true/],
        ["azCount not whole", { "msk-lambda:network": { azCount: 2.5 } }, "msk-lambda:network.azCount", /integer from 2 to 6/],
        ["bad CIDR text", { "msk-lambda:network": { cidrBlock: "10.0.0/16" } }, "msk-lambda:network.cidrBlock", /not an IPv4 CIDR/],
        ["CIDR octet > 255", { "msk-lambda:network": { cidrBlock: "10.300.0.0/16" } }, "msk-lambda:network.cidrBlock", /above 255/],
        ["CIDR host bits", { "msk-lambda:network": { cidrBlock: "10.0.1.0/16" } }, "msk-lambda:network.cidrBlock", /host bits set.*10\.0\.0\.0\/16/],
        ["CIDR too large", { "msk-lambda:network": { cidrBlock: "10.0.0.0/8" } }, "msk-lambda:network.cidrBlock", /from \/16 to \/28/],
        [
            "CIDR too small for the AZs",
            { "msk-lambda:network": { mode: "nat", cidrBlock: "10.0.0.0/26", azCount: 6 } },
            "msk-lambda:network.cidrBlock",
            /10\.0\.0\.0\/26 is too small: each subnet is 1\/16 of the VPC block.*use a \/24 or larger block/,
        ],
        [
            "vpcId in a create mode",
            { "msk-lambda:network": { mode: "nat", vpcId: "vpc-0123456789abcdef0" } },
            "msk-lambda:network.vpcId",
            /only for the "existing" mode/,
        ],
        [
            "existing without vpcId",
            { "msk-lambda:network": { mode: "existing", privateSubnetIds: ["subnet-01234567", "subnet-01234568"] } },
            "msk-lambda:network.vpcId",
            /required in "existing" mode/,
        ],
        [
            "existing without subnets",
            { "msk-lambda:network": { mode: "existing", vpcId: "vpc-01234567" } },
            "msk-lambda:network.privateSubnetIds",
            /at least 2/,
        ],
        [
            "existing with cidrBlock",
            {
                "msk-lambda:network": {
                    mode: "existing",
                    vpcId: "vpc-01234567",
                    privateSubnetIds: ["subnet-01234567", "subnet-01234568"],
                    cidrBlock: "10.0.0.0/16",
                },
            },
            "msk-lambda:network.cidrBlock",
            /only for the "privatelink" and "nat" modes/,
        ],
        [
            "one subnet",
            { "msk-lambda:network": { mode: "existing", vpcId: "vpc-01234567", privateSubnetIds: ["subnet-01234567"] } },
            "msk-lambda:network.privateSubnetIds",
            /must have 2 to 6 items/,
        ],
        [
            "duplicate subnets",
            { "msk-lambda:network": { mode: "existing", vpcId: "vpc-01234567", privateSubnetIds: ["subnet-01234567", "subnet-01234567"] } },
            "msk-lambda:network.privateSubnetIds",
            /twice/,
        ],
        [
            "bad subnet id",
            { "msk-lambda:network": { mode: "existing", vpcId: "vpc-01234567", privateSubnetIds: ["subnet-01234567", "sn-1"] } },
            "msk-lambda:network.privateSubnetIds[1]",
            /subnet id such as/,
        ],
        [
            "bad vpc id",
            { "msk-lambda:network": { mode: "existing", vpcId: "vpc-xyz", privateSubnetIds: ["subnet-01234567", "subnet-01234568"] } },
            "msk-lambda:network.vpcId",
            /VPC id such as/,
        ],
        ["cluster not an object", { "msk-lambda:cluster": [1] }, "msk-lambda:cluster", /must be an object/],
        ["unknown cluster key", { "msk-lambda:cluster": { auth: "iam" } }, "msk-lambda:cluster.auth", /not a known key.*authentication/],
        [
            "bad authentication",
            { "msk-lambda:cluster": { authentication: "sasl-plain" } },
            "msk-lambda:cluster.authentication",
            /"iam" \| "scram" \| "mtls" \| "tls" \| "plaintext"/,
        ],
        ["bad kafka version", { "msk-lambda:cluster": { kafkaVersion: "latest" } }, "msk-lambda:cluster.kafkaVersion", /MSK Kafka version such as 3\.8\.x/],
        ["bad instance type", { "msk-lambda:cluster": { brokerInstanceType: "m5.large" } }, "msk-lambda:cluster.brokerInstanceType", /kafka\.m7g\.large/],
        ["brokersPerAz 0", { "msk-lambda:cluster": { brokersPerAz: 0 } }, "msk-lambda:cluster.brokersPerAz", /from 1 to 10/],
        ["ebs too large", { "msk-lambda:cluster": { ebsVolumeGb: 20000 } }, "msk-lambda:cluster.ebsVolumeGb", /from 1 to 16384/],
        ["ebs as text", { "msk-lambda:cluster": { ebsVolumeGb: "big" } }, "msk-lambda:cluster.ebsVolumeGb", /integer from 1 to 16384, got "big"/],
        [
            "mtls without CAs",
            { "msk-lambda:cluster": { authentication: "mtls" } },
            "msk-lambda:cluster.certificateAuthorityArns",
            /required with authentication "mtls"/,
        ],
        [
            "CAs without mtls",
            {
                "msk-lambda:cluster": {
                    certificateAuthorityArns: ["arn:aws:acm-pca:us-east-1:111122223333:certificate-authority/11111111-2222-3333-4444-555555555555"],
                },
            },
            "msk-lambda:cluster.certificateAuthorityArns",
            /only for msk-lambda:cluster\.authentication "mtls"; msk-lambda:cluster\.authentication is not set, and its default is "iam"/,
        ],
        [
            "bad CA ARN",
            { "msk-lambda:cluster": { authentication: "mtls", certificateAuthorityArns: ["arn:aws:acm:us-east-1:111122223333:certificate/x"] } },
            "msk-lambda:cluster.certificateAuthorityArns[0]",
            /ACM Private CA ARN/,
        ],
        [
            "bad cluster ARN",
            { "msk-lambda:cluster": { existingClusterArn: "arn:aws:kafka:us-east-1:111122223333:topic/x/y" } },
            "msk-lambda:cluster.existingClusterArn",
            /MSK cluster ARN such as/,
        ],
        [
            "existing cluster in a created VPC",
            { "msk-lambda:cluster": { existingClusterArn: "arn:aws:kafka:us-east-1:111122223333:cluster/my-cluster/fc2f5bdf-fd1b-45ad-85dd-15b4a5a6247e-2" } },
            "msk-lambda:cluster.existingClusterArn",
            /needs msk-lambda:network.mode "existing"/,
        ],
        [
            "existing cluster with sizing",
            {
                "msk-lambda:network": { mode: "existing", vpcId: "vpc-01234567", privateSubnetIds: ["subnet-01234567", "subnet-01234568"] },
                "msk-lambda:cluster": {
                    existingClusterArn: "arn:aws:kafka:us-east-1:111122223333:cluster/my-cluster/fc2f5bdf-fd1b-45ad-85dd-15b4a5a6247e-2",
                    ebsVolumeGb: 10,
                },
            },
            "msk-lambda:cluster.ebsVolumeGb",
            /no effect with cluster.existingClusterArn/,
        ],
        [
            "bad log retention",
            { "msk-lambda:cluster": { logRetentionDays: 10 } },
            "msk-lambda:cluster.logRetentionDays",
            /10 is not allowed: use one of 1, 3, 5, 7, 14/,
        ],
        ["log retention as text", { "msk-lambda:cluster": { logRetentionDays: "long" } }, "msk-lambda:cluster.logRetentionDays", /must be one of 1, 3, 5/],
        ["consumers not a list", { "msk-lambda:consumers": { name: "a" } }, "msk-lambda:consumers", /must be a list/],
        [
            "scram password without scram",
            { "msk-lambda:scramPassword": "correct-horse-battery" },
            "msk-lambda:scramPassword",
            /only for msk-lambda:cluster\.authentication "scram"; msk-lambda:cluster\.authentication is not set, and its default is "iam"/,
        ],
        [
            "mtls secrets missing",
            {
                "msk-lambda:cluster": {
                    authentication: "mtls",
                    certificateAuthorityArns: ["arn:aws:acm-pca:us-east-1:111122223333:certificate-authority/11111111-2222-3333-4444-555555555555"],
                },
            },
            "msk-lambda:mtlsCertificate",
            /required with authentication "mtls"/,
        ],
    ];
    for (const [what, extra, key, message] of table) {
        it(`refuses ${what}, naming ${key}`, () => {
            const issues = issuesOf(extra);
            const hit = issues.find((i) => i.key === key);
            assert.ok(hit, `no issue for ${key}; got ${JSON.stringify(issues)}`);
            assert.match(hit!.message, message);
        });
    }

    it("requires secret keys to be set as secrets, without echoing the value", () => {
        const issues = issuesOf({ "msk-lambda:cluster": { authentication: "scram" }, "msk-lambda:scramPassword": "hunter2-hunter2" }, []);
        assert.strictEqual(issues[0].key, "msk-lambda:scramPassword");
        assert.match(issues[0].message, /set as a secret: pulumi config set --secret msk-lambda:scramPassword/);
        assert.ok(!JSON.stringify(issues).includes("hunter2"));
    });

    it("never echoes a secret value in a type error", () => {
        const issues = issuesOf({ "msk-lambda:cluster": { authentication: "scram" }, "msk-lambda:scramPassword": "short" }, ["msk-lambda:scramPassword"]);
        assert.match(issues[0].message, /at least 8 characters/);
        assert.ok(!JSON.stringify(issues).includes('short"'));
    });

    it("is a RunError, so the Pulumi CLI prints it without a stack trace", () => {
        const pulumi = require("@pulumi/pulumi");
        try {
            parse({ "msk-lambda:environment": "qa" });
            assert.fail("expected an error");
        } catch (e) {
            assert.ok(pulumi.RunError.isInstance(e));
        }
    });
});
