/**
 * Generated resources for the pack: realistic shapes of every type the pack inspects (for benchmarks), and hostile
 * variations of them (for the fuzz test). Seeded, so every run sends the same resources.
 */
import type { AnalyzerInput } from "../../plan/analyzer";
import { isSecretValue, secretValue } from "../../plan/values";
import { UNKNOWN_SENTINELS } from "../../policies/lib/values";
import { LAMBDA_ENI_ACTIONS } from "./aws-docs";

/** mulberry32: a small, fast, seeded PRNG. */
export function rng(seed: number): () => number {
    let a = seed >>> 0;
    return () => {
        a = (a + 0x6d2b79f5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}

const ACCOUNT = "111122223333";
const CLUSTER_ARN = `arn:aws:kafka:us-east-1:${ACCOUNT}:cluster/c/fc2f5bdf-fd1b-45ad-85dd-15b4a5a6247e-2`;

/** The protocol's unknown sentinels: string, boolean, number, array, asset, archive, object. */
export const UNKNOWNS = [...UNKNOWN_SENTINELS];

function doc(statements: object[]) {
    return JSON.stringify({ Version: "2012-10-17", Statement: statements });
}

/** A realistic resource of each type the pack inspects, parameterised by an index `i`. */
export function templates(i: number, pem: { chain: string; key: string }): Record<string, Record<string, unknown>> {
    const q = `arn:aws:sqs:us-east-1:${ACCOUNT}:failures-${i}`;
    const k = `arn:aws:kms:us-east-1:${ACCOUNT}:key/0000000${i % 10}-bbbb-cccc-dddd-eeeeeeeeeeee`;
    const fn = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:consumer-${i}`;
    const secret = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:AmazonMSK_${i}-AbCdEf`;
    const topic = `arn:aws:sns:us-east-1:${ACCOUNT}:ok-${i}`;
    // The cluster's SCRAM associations: the group's secret when it holds SCRAM credentials, else one outside the stack.
    const scram = i % 2 ? secret : `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:AmazonMSK_scram-${i}-AbCdEf`;
    return {
        "aws:msk/cluster:Cluster": {
            clusterName: `c-${i}`,
            kafkaVersion: "3.8.x",
            numberOfBrokerNodes: 3,
            brokerNodeGroupInfo: {
                instanceType: "kafka.m7g.large",
                clientSubnets: ["subnet-1", "subnet-2", "subnet-3"],
                securityGroups: ["sg-1"],
                connectivityInfo: { publicAccess: { type: "DISABLED" } },
            },
            encryptionInfo: { encryptionAtRestKmsKeyArn: k, encryptionInTransit: { clientBroker: "TLS", inCluster: true } },
            clientAuthentication: { sasl: { iam: true, scram: false }, unauthenticated: false },
            loggingInfo: { brokerLogs: { cloudwatchLogs: { enabled: true, logGroup: "/aws/msk/c" } } },
        },
        "aws:lambda/eventSourceMapping:EventSourceMapping": {
            eventSourceArn: CLUSTER_ARN,
            functionName: fn,
            topics: [`topic-${i}`],
            startingPosition: "LATEST",
            batchSize: 100,
            maximumBatchingWindowInSeconds: 1,
            amazonManagedKafkaEventSourceConfig: { consumerGroupId: `group-${i}` },
            filterCriteria: { filters: [{ pattern: '{"value":{"type":["order"]}}' }] },
            provisionedPollerConfig: { minimumPollers: 1, maximumPollers: 10 },
            // The group's own secret: SASL/SCRAM credentials for odd i, an mTLS client certificate for even i.
            sourceAccessConfigurations: [{ type: i % 2 ? "SASL_SCRAM_512_AUTH" : "CLIENT_CERTIFICATE_TLS_AUTH", uri: secret }],
            destinationConfig: { onFailure: { destinationArn: q } },
        },
        "aws:lambda/function:Function": {
            name: `consumer-${i}`,
            arn: fn,
            role: `arn:aws:iam::${ACCOUNT}:role/consumer-${i}`,
            runtime: "nodejs24.x",
            handler: "index.handler",
            timeout: 60,
            memorySize: 256,
            deadLetterConfig: { targetArn: q },
        },
        "aws:lambda/alias:Alias": { name: "live", functionName: `consumer-${i}`, arn: `${fn}:live`, functionVersion: "1" },
        "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig": {
            functionName: fn,
            destinationConfig: { onFailure: { destination: q }, onSuccess: { destination: `arn:aws:sns:us-east-1:${ACCOUNT}:ok-${i}` } },
            maximumRetryAttempts: 2,
        },
        "aws:sqs/queue:Queue": { name: `failures-${i}`, arn: q, kmsMasterKeyId: k, fifoQueue: false, messageRetentionSeconds: 1209600 },
        "aws:sns/topic:Topic": { name: `ok-${i}`, arn: `arn:aws:sns:us-east-1:${ACCOUNT}:ok-${i}`, kmsMasterKeyId: k, fifoTopic: false },
        "aws:s3/bucket:Bucket": { bucket: `failures-${i}`, arn: `arn:aws:s3:::failures-${i}` },
        "aws:s3/bucketVersioning:BucketVersioning": { bucket: `failures-${i}`, versioningConfiguration: { status: "Enabled" } },
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": {
            bucket: `failures-${i}`,
            rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: k }, bucketKeyEnabled: true }],
        },
        "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": {
            bucket: `failures-${i}`,
            blockPublicAcls: true,
            blockPublicPolicy: true,
            ignorePublicAcls: true,
            restrictPublicBuckets: true,
        },
        "aws:cloudwatch/eventBus:EventBus": { name: `bus-${i}`, arn: `arn:aws:events:us-east-1:${ACCOUNT}:event-bus/bus-${i}`, kmsKeyIdentifier: k },
        "aws:secretsmanager/secret:Secret": {
            name: `AmazonMSK_${i}`,
            arn: `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:AmazonMSK_${i}-AbCdEf`,
            kmsKeyId: k,
        },
        "aws:secretsmanager/secretVersion:SecretVersion": {
            secretId: `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:AmazonMSK_${i}-AbCdEf`,
            secretString: secretValue(
                i % 2 ? JSON.stringify({ username: "u", password: `p-${i}` }) : JSON.stringify({ certificate: pem.chain, privateKey: pem.key }),
            ),
        },
        "aws:kms/key:Key": {
            arn: k,
            keyId: k.split("/")[1],
            enableKeyRotation: true,
            deletionWindowInDays: 30,
            policy: doc([{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "kms:*", Resource: "*" }]),
        },
        "aws:kms/alias:Alias": { name: `alias/k-${i}`, targetKeyId: k },
        "aws:iam/role:Role": {
            name: `consumer-${i}`,
            arn: `arn:aws:iam::${ACCOUNT}:role/consumer-${i}`,
            assumeRolePolicy: doc([{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }]),
        },
        "aws:iam/rolePolicy:RolePolicy": {
            role: `consumer-${i}`,
            // What the Lambda docs list for an MSK mapping with a secret, and delivery to its two destinations.
            policy: doc([
                {
                    Effect: "Allow",
                    Action: [...LAMBDA_ENI_ACTIONS],
                    Resource: "*",
                },
                { Effect: "Allow", Action: ["kafka:DescribeClusterV2", "kafka:GetBootstrapBrokers"], Resource: CLUSTER_ARN },
                { Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: secret },
                { Effect: "Allow", Action: "sqs:SendMessage", Resource: q },
                { Effect: "Allow", Action: "sns:Publish", Resource: topic },
                { Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: k },
            ]),
        },
        "aws:iam/policy:Policy": {
            arn: `arn:aws:iam::${ACCOUNT}:policy/p-${i}`,
            policy: doc([{ Effect: "Allow", Action: "kafka-cluster:Connect", Resource: CLUSTER_ARN }]),
        },
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment": { role: `consumer-${i}`, policyArn: `arn:aws:iam::${ACCOUNT}:policy/p-${i}` },
        "aws:msk/scramSecretAssociation:ScramSecretAssociation": {
            clusterArn: CLUSTER_ARN,
            secretArnLists: [scram],
        },
        "aws:msk/singleScramSecretAssociation:SingleScramSecretAssociation": {
            clusterArn: CLUSTER_ARN,
            secretArn: scram,
        },
        "aws:ec2/securityGroup:SecurityGroup": {
            vpcId: "vpc-1",
            ingress: [{ protocol: "tcp", fromPort: 9098, toPort: 9098, securityGroups: ["sg-1"] }],
            egress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] }],
        },
        "aws:ec2/securityGroupRule:SecurityGroupRule": {
            type: "ingress",
            protocol: "tcp",
            fromPort: 9098,
            toPort: 9098,
            sourceSecurityGroupId: "sg-1",
            securityGroupId: "sg-1",
        },
        "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": {
            ipProtocol: "tcp",
            fromPort: 9098,
            toPort: 9098,
            referencedSecurityGroupId: "sg-1",
            securityGroupId: "sg-1",
        },
        "aws:ec2/vpc:Vpc": { cidrBlock: "10.0.0.0/16", enableDnsHostnames: true },
        "aws:ec2/subnet:Subnet": { vpcId: "vpc-1", cidrBlock: `10.0.${i % 256}.0/24` },
        "aws:ec2/natGateway:NatGateway": { subnetId: "subnet-1", allocationId: "eipalloc-1" },
        "aws:ec2/vpcEndpoint:VpcEndpoint": {
            vpcId: "vpc-1",
            serviceName: "com.amazonaws.us-east-1.sts",
            vpcEndpointType: "Interface",
            privateDnsEnabled: true,
        },
    };
}

export const TYPES = Object.keys(templates(0, { chain: "", key: "" }));

/**
 * Templates where index `i` also breaks one rule per type (i % 4 === 1): a long timeout, a FIFO name, a custom server
 * CA, public Kafka ingress, a self-signed mTLS secret, a role without KMS grants, no NAT or endpoints... so the fuzz
 * test drives every rule's deeper paths, not only its first checks.
 */
export function violatingTemplates(
    i: number,
    pem: { chain: string; key: string; selfSigned: string; selfSignedKey: string },
): Record<string, Record<string, unknown>> {
    const t = templates(i, pem);
    if (i % 4 !== 1) return t;
    const set = (type: string, patch: Record<string, unknown>) => (t[type] = { ...t[type], ...patch });
    set("aws:lambda/function:Function", { timeout: 900, deadLetterConfig: { targetArn: `arn:aws:sqs:us-east-1:${ACCOUNT}:dlq.fifo` } });
    set("aws:lambda/eventSourceMapping:EventSourceMapping", {
        sourceAccessConfigurations: [
            { type: "SERVER_ROOT_CA_CERTIFICATE", uri: "arn:aws:secretsmanager:us-east-1:111122223333:secret:ca-AbCdEf" },
            { type: "CLIENT_CERTIFICATE_TLS_AUTH", uri: `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:AmazonMSK_${i}-AbCdEf` },
        ],
    });
    set("aws:ec2/securityGroup:SecurityGroup", { ingress: [{ protocol: "tcp", fromPort: 9092, toPort: 9098, cidrBlocks: ["0.0.0.0/0"] }] });
    set("aws:secretsmanager/secretVersion:SecretVersion", {
        secretString: secretValue(JSON.stringify({ certificate: pem.selfSigned, privateKey: pem.selfSignedKey, note: "x" })),
    });
    set("aws:iam/rolePolicy:RolePolicy", {
        policy: doc([{ Effect: "Allow", Action: "sqs:SendMessage", Resource: `arn:aws:sqs:us-east-1:${ACCOUNT}:failures-${i}` }]),
    });
    set("aws:iam/rolePolicyAttachment:RolePolicyAttachment", { policyArn: `arn:aws:iam::${ACCOUNT}:policy/other` });
    set("aws:ec2/natGateway:NatGateway", { subnetId: "subnet-elsewhere" });
    set("aws:ec2/vpcEndpoint:VpcEndpoint", { vpcId: "vpc-elsewhere" });
    set("aws:msk/cluster:Cluster", { brokerNodeGroupInfo: { instanceType: "kafka.m7g.large", clientSubnets: ["subnet-a"], securityGroups: ["sg-1"] } });
    set("aws:ec2/subnet:Subnet", { id: "subnet-a", vpcId: "vpc-1" });
    set("aws:ec2/vpc:Vpc", { id: "vpc-1" });
    return t;
}

/**
 * One defect a generated group can carry: a patch to one resource of `templates(i)` (a valid group: no mandatory
 * violation, held by tests/fuzz.test.ts) and the verdicts it must draw: the mandatory `policy` on the resource of each
 * type in `on`, and nothing else mandatory. `only` limits it to the indices where it applies (e.g. a SCRAM secret exists only for odd i).
 */
export interface Defect {
    name: string;
    type: string;
    patch: (t: Record<string, unknown>, i: number, pem: Pem) => Record<string, unknown>;
    policy: string;
    on: string[];
    only?: (i: number) => boolean;
}

type Pem = { chain: string; key: string; selfSigned: string; selfSignedKey: string };

const ESM = "aws:lambda/eventSourceMapping:EventSourceMapping";
const FN = "aws:lambda/function:Function";
const SG = "aws:ec2/securityGroup:SecurityGroup";
const CLUSTER = "aws:msk/cluster:Cluster";
const pollers = (minimumPollers: number, maximumPollers: number) => ({ provisionedPollerConfig: { minimumPollers, maximumPollers } });

export const DEFECTS: Defect[] = [
    { name: "function timeout 900 s", type: FN, patch: (t) => ({ ...t, timeout: 900 }), policy: "msk-function-timeout", on: [FN] },
    {
        name: "FIFO failure queue",
        type: "aws:sqs/queue:Queue",
        patch: (t) => ({ ...t, fifoQueue: true }),
        policy: "no-fifo-destinations",
        // The queue is the mapping's on-failure destination, the invoke config's and the function's dead-letter queue.
        on: [ESM, "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig", FN],
    },
    { name: "5000 pollers", type: ESM, patch: (t) => ({ ...t, ...pollers(1, 5000) }), policy: "msk-mapping-limits", on: [ESM] },
    { name: "minimum pollers above maximum", type: ESM, patch: (t) => ({ ...t, ...pollers(8, 4) }), policy: "msk-mapping-limits", on: [ESM] },
    { name: "no topic", type: ESM, patch: (t) => ({ ...t, topics: [] }), policy: "msk-mapping-limits", on: [ESM] },
    { name: "batch size 0", type: ESM, patch: (t) => ({ ...t, batchSize: 0 }), policy: "msk-mapping-limits", on: [ESM] },
    {
        name: "consumer group g#1",
        type: ESM,
        patch: (t) => ({ ...t, amazonManagedKafkaEventSourceConfig: { consumerGroupId: "g#1" } }),
        policy: "msk-mapping-limits",
        on: [ESM],
    },
    {
        name: "custom server root CA",
        type: ESM,
        patch: (t) => ({
            ...t,
            sourceAccessConfigurations: [
                ...(t.sourceAccessConfigurations as object[]),
                { type: "SERVER_ROOT_CA_CERTIFICATE", uri: `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:ca-AbCdEf` },
            ],
        }),
        policy: "msk-no-custom-server-ca",
        on: [ESM],
    },
    {
        name: "public Kafka ingress 9092-9098",
        type: SG,
        patch: (t) => ({ ...t, ingress: [{ protocol: "tcp", fromPort: 9092, toPort: 9098, cidrBlocks: ["0.0.0.0/0"] }] }),
        policy: "no-public-kafka-ingress",
        on: [SG],
    },
    {
        name: "public Kafka ingress tcp -1",
        type: SG,
        patch: (t) => ({ ...t, ingress: [{ protocol: "tcp", fromPort: -1, toPort: -1, cidrBlocks: ["0.0.0.0/0"] }] }),
        policy: "no-public-kafka-ingress",
        on: [SG],
    },
    {
        name: "self-signed mTLS client certificate",
        type: "aws:secretsmanager/secretVersion:SecretVersion",
        patch: (t, _i, pem) => ({ ...t, secretString: secretValue(JSON.stringify({ certificate: pem.selfSigned, privateKey: pem.selfSignedKey })) }),
        policy: "mtls-secret",
        on: ["aws:secretsmanager/secretVersion:SecretVersion"],
        only: (i) => i % 2 === 0,
    },
    {
        name: "SCRAM secret named x-AmazonMSK_",
        type: "aws:secretsmanager/secret:Secret",
        patch: (t, i) => ({ ...t, name: `x-AmazonMSK_${i}` }),
        policy: "msk-scram-secret",
        on: ["aws:secretsmanager/secret:Secret"],
        only: (i) => i % 2 === 1,
    },
    {
        // The key also encrypts the mapping's secret, which needs only kms:Decrypt: the role keeps that, so only the
        // destination's kms:GenerateDataKey is missing (one problem, one policy).
        name: "role without the destination key's grant",
        type: "aws:iam/rolePolicy:RolePolicy",
        patch: (t) => {
            const d = JSON.parse(t.policy as string);
            for (const x of d.Statement as { Action: unknown }[])
                if (JSON.stringify(x.Action) === JSON.stringify(["kms:Decrypt", "kms:GenerateDataKey"])) x.Action = ["kms:Decrypt"];
            return { ...t, policy: JSON.stringify(d) };
        },
        policy: "destination-kms-grants",
        on: ["aws:iam/role:Role"],
    },
    {
        name: "key rotation off",
        type: "aws:kms/key:Key",
        patch: (t) => ({ ...t, enableKeyRotation: false }),
        policy: "kms-key-rotation",
        on: ["aws:kms/key:Key"],
    },
    {
        name: "plaintext client-broker traffic",
        type: CLUSTER,
        patch: (t) => ({ ...t, encryptionInfo: { ...(t.encryptionInfo as object), encryptionInTransit: { clientBroker: "TLS_PLAINTEXT", inCluster: true } } }),
        policy: "msk-encryption-in-transit",
        on: [CLUSTER],
    },
    {
        name: "unauthenticated access",
        type: CLUSTER,
        patch: (t) => ({ ...t, clientAuthentication: { sasl: { iam: true }, unauthenticated: true } }),
        policy: "msk-no-unauthenticated-access",
        on: [CLUSTER],
    },
];

/** `templates(i)` with one defect applied. */
export function withDefect(i: number, pem: Pem, d: Defect): Record<string, Record<string, unknown>> {
    const t = templates(i, pem);
    t[d.type] = d.patch(t[d.type], i, pem);
    return t;
}

/** Hostile variations of a value, recursively: the fuzz test's mutations. */
export class Mutator {
    constructor(
        private readonly random: () => number,
        private readonly pem: string[],
    ) {}

    private pick<T>(xs: readonly T[]): T {
        return xs[Math.floor(this.random() * xs.length)];
    }

    /** A value of a kind the pack does not expect here. */
    hostile(): unknown {
        const r = this.random;
        switch (Math.floor(r() * 14)) {
            case 0:
                return this.pick(UNKNOWNS);
            case 1:
                return null;
            case 2:
                return String(Math.floor(r() * 100000)); // a number as a string
            case 3:
                return Math.floor(r() * 2e6) - 1e6;
            case 4:
                return { 0: "a", 1: "b", length: 2 }; // an array as an object
            case 5:
                return [["nested"], { deep: [this.pick(UNKNOWNS)] }];
            case 6:
                // Huge strings: mostly past Secrets Manager's 64 KiB limit now and then, otherwise merely long.
                return r() < 0.25 ? "x".repeat(66_000 + Math.floor(r() * 40_000)) : "y".repeat(2_000 + Math.floor(r() * 6_000));
            case 7: {
                const p = this.pick(this.pem);
                return p.slice(0, Math.floor(r() * p.length)); // truncated PEM
            }
            case 8:
                return `-----BEGIN ${this.pick(["CERTIFICATE", "PRIVATE KEY", "ENCRYPTED PRIVATE KEY", "RSA PRIVATE KEY", "FOO"])}-----\n${Buffer.from(Array.from({ length: 64 }, () => Math.floor(r() * 256))).toString("base64")}\n-----END ${this.pick(["CERTIFICATE", "PRIVATE KEY", "BAR"])}-----`;
            case 9:
                return Buffer.from(Array.from({ length: 256 }, () => Math.floor(r() * 256))).toString("latin1"); // binary
            case 10:
                return this.pick([
                    '{"Statement": [',
                    '{"certificate": 1',
                    "[[[",
                    "{",
                    '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*"}}',
                    "null",
                ]); // malformed JSON
            case 11:
                return secretValue(this.pick([this.pick(UNKNOWNS), "s3cr3t", { certificate: this.pick(this.pem), privateKey: 7 }]));
            case 12:
                return this.random() < 0.5;
            default:
                return { unexpected: { shape: [1, "two", null] } };
        }
    }

    /** Mutates an object in place-free fashion: each field may be kept, dropped, replaced or recursed into. */
    mutate(value: unknown, depth = 0): unknown {
        const r = this.random;
        if (depth > 6) return value;
        if (Array.isArray(value)) {
            if (r() < 0.15) return this.hostile();
            const out = value.map((v) => this.mutate(v, depth + 1));
            if (r() < 0.1) out.push(this.hostile());
            return out;
        }
        if (value !== null && typeof value === "object") {
            if (isSecretValue(value)) {
                return r() < 0.5 ? value : secretValue(this.mutate((value as { value: unknown }).value, depth + 1));
            }
            if (r() < 0.1) return this.hostile();
            const out: Record<string, unknown> = {};
            for (const [k, v] of Object.entries(value)) {
                const roll = r();
                if (roll < 0.1) continue; // missing field
                out[k] = roll < 0.3 ? this.hostile() : this.mutate(v, depth + 1);
            }
            if (r() < 0.1) out[`extra${Math.floor(r() * 10)}`] = this.hostile();
            return out;
        }
        if (r() < 0.25) return this.hostile();
        if (typeof value === "string" && r() < 0.2) {
            // Plausible-but-wrong strings: FIFO names, wildcard ARNs, odd access types.
            return this.pick([
                `${value}.fifo`,
                "*",
                "alias/aws/sqs",
                "SERVER_ROOT_CA_CERTIFICATE",
                "BASIC_AUTH",
                "0.0.0.0/0",
                "TLS_PLAINTEXT",
                "-1",
                `${value}:*`,
            ]);
        }
        return value;
    }
}

/** A generated resource; the engine always sends an object of properties, so anything else is wrapped in one. */
export function resourceOf(type: string, name: string, props: unknown): AnalyzerInput {
    const bag = props !== null && typeof props === "object" && !Array.isArray(props) ? (props as Record<string, unknown>) : { value: props };
    return { type, name, urn: `urn:pulumi:gen::other::${type}::${name}`, props: bag, parent: "", dependencies: [], propertyDependencies: {} };
}
