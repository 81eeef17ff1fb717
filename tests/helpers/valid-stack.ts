/**
 * Realistic valid Kafka → Lambda stacks as other programs register them (plain `aws` resources, or `aws-native` for
 * the resources that provider has), built from choices: the source kind, the mapping's on-failure destination, and
 * the consumer's async destinations. Each stack is one AWS accepts and that is secure: every mandatory policy must
 * accept it (tests/pack-valid-corpus.test.ts). Tests of single problems start from one of these and change one thing.
 */
import { ACCOUNT, res, secret, type Res } from "./pack";
import { LAMBDA_ENI_ACTIONS } from "./aws-docs";

export type Source = "msk-iam" | "msk-scram" | "msk-mtls" | "serverless" | "self-managed" | "vpc-connection";
export type MappingDestination = "sqs" | "sns" | "s3" | "kafka";
export type AsyncDestination = "sqs" | "sns" | "s3" | "lambda" | "eventbridge" | "none";
export type Provider = "aws" | "aws-native";

export interface Choice {
    provider: Provider;
    source: Source;
    onFailure: MappingDestination;
    asyncFailure: AsyncDestination;
    asyncSuccess: AsyncDestination;
}

export const SOURCES: Source[] = ["msk-iam", "msk-scram", "msk-mtls", "serverless", "self-managed", "vpc-connection"];
export const MAPPING_DESTINATIONS: MappingDestination[] = ["sqs", "sns", "s3", "kafka"];
/** "Capturing records of Lambda asynchronous invocations": S3 is an on-failure destination only. */
export const ASYNC_FAILURE: AsyncDestination[] = ["sqs", "sns", "s3", "lambda", "eventbridge", "none"];
export const ASYNC_SUCCESS: AsyncDestination[] = ["sqs", "sns", "lambda", "eventbridge", "none"];

const R = "us-east-1";
export const KEY_ARN = `arn:aws:kms:${R}:${ACCOUNT}:key/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee`;
export const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/consumer-role`;
export const CLUSTER = { name: "orders", uuid: "fc2f5bdf-fd1b-45ad-85dd-15b4a5a6247e-2" };
export const CLUSTER_ARN = `arn:aws:kafka:${R}:${ACCOUNT}:cluster/${CLUSTER.name}/${CLUSTER.uuid}`;
export const VPC_CONNECTION_ARN = `arn:aws:kafka:${R}:${ACCOUNT}:vpc-connection/444455556666/orders/0b0b0b0b-0000-4000-8000-000000000000-3`;
const TOPIC_ARN = `arn:aws:kafka:${R}:${ACCOUNT}:topic/${CLUSTER.name}/${CLUSTER.uuid}/orders`;
const GROUP_ARN = `arn:aws:kafka:${R}:${ACCOUNT}:group/${CLUSTER.name}/${CLUSTER.uuid}/orders-consumer`;
export const SECRET_ARN = `arn:aws:secretsmanager:${R}:${ACCOUNT}:secret:AmazonMSK_orders-AbCdEf`;

export const doc = (Statement: object[]) => JSON.stringify({ Version: "2012-10-17", Statement });

export const DEST_ARN: Record<Exclude<AsyncDestination, "none">, (what: string) => string> = {
    sqs: (w) => `arn:aws:sqs:${R}:${ACCOUNT}:${w}`,
    sns: (w) => `arn:aws:sns:${R}:${ACCOUNT}:${w}`,
    s3: (w) => `arn:aws:s3:::${w}-bucket`,
    lambda: (w) => `arn:aws:lambda:${R}:${ACCOUNT}:function:${w}`,
    eventbridge: (w) => `arn:aws:events:${R}:${ACCOUNT}:event-bus/${w}`,
};

/** The actions the execution role needs to deliver to a destination (Lambda docs), with its key's. */
function sendStatements(kind: Exclude<AsyncDestination, "none">, arn: string): object[] {
    const kms = { Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: KEY_ARN };
    if (kind === "sqs") return [{ Effect: "Allow", Action: "sqs:SendMessage", Resource: arn }, kms];
    if (kind === "sns") return [{ Effect: "Allow", Action: "sns:Publish", Resource: arn }, kms];
    if (kind === "s3")
        return [{ Effect: "Allow", Action: "s3:PutObject", Resource: `${arn}/*` }, { Effect: "Allow", Action: "s3:ListBucket", Resource: arn }, kms];
    if (kind === "lambda") return [{ Effect: "Allow", Action: "lambda:InvokeFunction", Resource: arn }];
    return [{ Effect: "Allow", Action: "events:PutEvents", Resource: arn }, kms];
}

export interface Built {
    all: Res[];
    key: Res;
    role: Res;
    rolePolicy: Res;
    fn: Res;
    mapping: Res;
    byName: Map<string, Res>;
}

/** The destination resource(s) of one kind, encrypted with the stack's key (and an S3 bucket's settings). */
function destination(kind: Exclude<AsyncDestination, "none">, what: string, key: Res): Res[] {
    const arn = DEST_ARN[kind](what);
    if (kind === "sqs")
        return [
            res(
                "aws:sqs/queue:Queue",
                what,
                { name: what, arn, url: `https://sqs.${R}.amazonaws.com/${ACCOUNT}/${what}`, kmsMasterKeyId: KEY_ARN },
                { kmsMasterKeyId: [key] },
            ),
        ];
    if (kind === "sns") return [res("aws:sns/topic:Topic", what, { name: what, arn, kmsMasterKeyId: KEY_ARN }, { kmsMasterKeyId: [key] })];
    if (kind === "eventbridge")
        return [res("aws:cloudwatch/eventBus:EventBus", what, { name: what, arn, kmsKeyIdentifier: KEY_ARN }, { kmsKeyIdentifier: [key] })];
    if (kind === "lambda")
        return [
            res("aws:lambda/function:Function", what, {
                name: what,
                arn,
                role: `arn:aws:iam::${ACCOUNT}:role/${what}-role`,
                runtime: "nodejs22.x",
                timeout: 30,
            }),
        ];
    const bucket = res("aws:s3/bucketV2:BucketV2", what, { bucket: `${what}-bucket`, arn });
    return [
        bucket,
        res(
            "aws:s3/bucketVersioningV2:BucketVersioningV2",
            `${what}-versioning`,
            { bucket: `${what}-bucket`, versioningConfiguration: { status: "Enabled" } },
            { bucket: [bucket] },
        ),
        res(
            "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
            `${what}-pab`,
            { bucket: `${what}-bucket`, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
            { bucket: [bucket] },
        ),
        res(
            "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
            `${what}-sse`,
            {
                bucket: `${what}-bucket`,
                rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: KEY_ARN }, bucketKeyEnabled: true }],
            },
            { bucket: [bucket], rules: [key] },
        ),
        // Failure records stay in TLS: a common bucket policy that a "can it deliver?" check must not count against Lambda.
        res(
            "aws:s3/bucketPolicy:BucketPolicy",
            `${what}-tls-only`,
            {
                bucket: `${what}-bucket`,
                policy: doc([
                    { Effect: "Deny", Principal: "*", Action: "s3:*", Resource: [arn, `${arn}/*`], Condition: { Bool: { "aws:SecureTransport": "false" } } },
                ]),
            },
            { bucket: [bucket] },
        ),
    ];
}

/** The broker port of each MSK source's authentication (Amazon MSK "Port information"): IAM 9098, SASL/SCRAM 9096, TLS 9094. */
const BROKER_PORT: Partial<Record<Source, number>> = { "msk-iam": 9098, serverless: 9098, "msk-scram": 9096, "msk-mtls": 9094 };

/**
 * The network of an MSK cluster as "Configuring your Amazon MSK cluster and Amazon VPC network for Lambda" asks: a VPC,
 * two private subnets with a route table (no 0.0.0.0/0 route: the pollers reach AWS services through endpoints), the
 * cluster's group admitting the broker port of the source's authentication from itself ("Inbound rules – Allow all
 * traffic on the Amazon MSK broker port ... for the security groups specified for your event source"; its egress is
 * allow-all, which holds "Outbound rules – Allow all traffic on port 443 for all destinations" and the broker port),
 * and interface endpoints for Lambda, STS, Secrets Manager and the on-failure service, with private DNS, in a group
 * that admits 443 from the cluster's group ("must allow all inbound traffic on port 443 from the event source's
 * security groups").
 */
function network(source: Source, onFailure: MappingDestination): { all: Res[]; subnets: Res[]; sg: Res } {
    const vpc = res("aws:ec2/vpc:Vpc", "vpc", { id: "vpc-0123456789abcdef0", cidrBlock: "10.0.0.0/16" });
    const subnets = [0, 1].map((i) =>
        res(
            "aws:ec2/subnet:Subnet",
            `private-${i}`,
            { id: `subnet-0${i}23456789abcdef0`, vpcId: "vpc-0123456789abcdef0", cidrBlock: `10.0.${i}.0/24` },
            { vpcId: [vpc] },
        ),
    );
    const rt = res("aws:ec2/routeTable:RouteTable", "private-rt", { id: "rtb-0123456789abcdef0", vpcId: "vpc-0123456789abcdef0" }, { vpcId: [vpc] });
    const assoc = subnets.map((s, i) =>
        res(
            "aws:ec2/routeTableAssociation:RouteTableAssociation",
            `rta-${i}`,
            { subnetId: s.props.id, routeTableId: "rtb-0123456789abcdef0" },
            { subnetId: [s], routeTableId: [rt] },
        ),
    );
    const sg = res("aws:ec2/securityGroup:SecurityGroup", "kafka-sg", {
        id: "sg-0123456789abcdef0",
        vpcId: "vpc-0123456789abcdef0",
        egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }],
    });
    // The self-reference as its own rule resource (aws-native, as CloudFormation, cannot write it inline).
    const broker = res(
        "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
        "kafka-sg-broker",
        {
            securityGroupId: "sg-0123456789abcdef0",
            ipProtocol: "tcp",
            fromPort: BROKER_PORT[source],
            toPort: BROKER_PORT[source],
            referencedSecurityGroupId: "sg-0123456789abcdef0",
        },
        { securityGroupId: [sg], referencedSecurityGroupId: [sg] },
    );
    const endpointSg = res(
        "aws:ec2/securityGroup:SecurityGroup",
        "endpoint-sg",
        {
            id: "sg-0fedcba9876543210",
            vpcId: "vpc-0123456789abcdef0",
            ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, securityGroups: ["sg-0123456789abcdef0"], cidrBlocks: [] }],
            egress: [],
        },
        { vpcId: [vpc], ingress: [sg] },
    );
    const endpoint = (service: string, props: Record<string, unknown>, deps: Record<string, Res[]> = {}) =>
        res(
            "aws:ec2/vpcEndpoint:VpcEndpoint",
            `${service}-endpoint`,
            { vpcId: "vpc-0123456789abcdef0", serviceName: `com.amazonaws.${R}.${service}`, ...props },
            { vpcId: [vpc], ...deps },
        );
    const iface = {
        vpcEndpointType: "Interface",
        privateDnsEnabled: true,
        subnetIds: subnets.map((s) => s.props.id),
        securityGroupIds: ["sg-0fedcba9876543210"],
    };
    const ifaceDeps = { subnetIds: subnets, securityGroupIds: [endpointSg] };
    const endpoints = [endpoint("lambda", iface, ifaceDeps), endpoint("sts", iface, ifaceDeps), endpoint("secretsmanager", iface, ifaceDeps)];
    if (onFailure === "sqs" || onFailure === "sns") endpoints.push(endpoint(onFailure, iface, ifaceDeps));
    if (onFailure === "s3") endpoints.push(endpoint("s3", { vpcEndpointType: "Gateway", routeTableIds: ["rtb-0123456789abcdef0"] }, { routeTableIds: [rt] }));
    return { all: [vpc, ...subnets, rt, ...assoc, sg, broker, endpointSg, ...endpoints], subnets, sg };
}

/** One valid stack for a choice. */
export function validStack(c: Choice): Built {
    const all: Res[] = [];
    const key = res("aws:kms/key:Key", "key", {
        arn: KEY_ARN,
        keyId: "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
        enableKeyRotation: true,
        policy: doc([{ Sid: "root", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "kms:*", Resource: "*" }]),
    });
    all.push(key);
    const msk = c.source !== "self-managed";
    const net = msk && c.source !== "vpc-connection" ? network(c.source, c.onFailure) : undefined;
    if (net) all.push(...net.all);
    // The cluster.
    let cluster: Res | undefined;
    if (c.source === "serverless")
        cluster = res(
            "aws:msk/serverlessCluster:ServerlessCluster",
            "cluster",
            {
                arn: CLUSTER_ARN,
                clusterName: CLUSTER.name,
                clientAuthentication: { sasl: { iam: { enabled: true } } },
                vpcConfigs: [{ subnetIds: net!.subnets.map((s) => s.props.id), securityGroupIds: ["sg-0123456789abcdef0"] }],
            },
            { vpcConfigs: [...net!.subnets, net!.sg] },
        );
    else if (net)
        cluster = res(
            "aws:msk/cluster:Cluster",
            "cluster",
            {
                arn: CLUSTER_ARN,
                clusterName: CLUSTER.name,
                kafkaVersion: "3.6.0",
                numberOfBrokerNodes: 2,
                brokerNodeGroupInfo: {
                    instanceType: "kafka.m7g.large",
                    clientSubnets: net.subnets.map((s) => s.props.id),
                    securityGroups: ["sg-0123456789abcdef0"],
                    connectivityInfo: { publicAccess: { type: "DISABLED" } },
                },
                clientAuthentication: {
                    sasl: { iam: c.source === "msk-iam", scram: c.source === "msk-scram" },
                    ...(c.source === "msk-mtls"
                        ? { tls: { certificateAuthorityArns: [`arn:aws:acm-pca:${R}:${ACCOUNT}:certificate-authority/11111111-2222-3333-4444-555555555555`] } }
                        : {}),
                    unauthenticated: false,
                },
                encryptionInfo: { encryptionAtRestKmsKeyArn: KEY_ARN, encryptionInTransit: { clientBroker: "TLS", inCluster: true } },
                loggingInfo: { brokerLogs: { cloudwatchLogs: { enabled: true, logGroup: "/msk/orders" } } },
            },
            { brokerNodeGroupInfo: [...net.subnets, net.sg], encryptionInfo: [key] },
        );
    if (cluster) all.push(cluster);
    // The secret, for secret-authenticated sources.
    const secretNeeded = c.source === "msk-scram" || c.source === "msk-mtls" || c.source === "self-managed";
    const secretArn = c.source === "msk-mtls" ? SECRET_ARN.replace("AmazonMSK_orders", "orders-mtls") : SECRET_ARN;
    const statements: object[] = [
        {
            Effect: "Allow",
            Action: [...LAMBDA_ENI_ACTIONS],
            Resource: "*",
        },
        { Effect: "Allow", Action: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"], Resource: `arn:aws:logs:${R}:${ACCOUNT}:*` },
    ];
    if (msk)
        statements.push({
            Effect: "Allow",
            Action: ["kafka:DescribeClusterV2", "kafka:GetBootstrapBrokers", "kafka:DescribeVpcConnection"],
            Resource: [CLUSTER_ARN, VPC_CONNECTION_ARN],
        });
    if (c.source === "msk-iam" || c.source === "serverless" || c.source === "vpc-connection")
        statements.push(
            { Effect: "Allow", Action: ["kafka-cluster:Connect", "kafka-cluster:DescribeClusterDynamicConfiguration"], Resource: CLUSTER_ARN },
            { Effect: "Allow", Action: ["kafka-cluster:DescribeTopic", "kafka-cluster:ReadData"], Resource: TOPIC_ARN },
            { Effect: "Allow", Action: ["kafka-cluster:DescribeGroup", "kafka-cluster:AlterGroup"], Resource: GROUP_ARN },
        );
    if (secretNeeded) {
        const secretRes = res(
            "aws:secretsmanager/secret:Secret",
            "kafka-secret",
            { name: secretArn.split(":")[6].slice(0, -7), arn: secretArn, kmsKeyId: KEY_ARN, recoveryWindowInDays: 7 },
            { kmsKeyId: [key] },
        );
        const value = c.source === "msk-mtls" ? undefined : secret(JSON.stringify({ username: "orders-consumer", password: "correct-horse-battery-staple" }));
        all.push(secretRes);
        if (value)
            all.push(
                res(
                    "aws:secretsmanager/secretVersion:SecretVersion",
                    "kafka-secret-v1",
                    { secretId: secretArn, secretString: value },
                    { secretId: [secretRes] },
                ),
            );
        if (c.source === "msk-scram")
            all.push(
                res(
                    "aws:msk/singleScramSecretAssociation:SingleScramSecretAssociation",
                    "scram-assoc",
                    { clusterArn: CLUSTER_ARN, secretArn },
                    { clusterArn: [cluster!], secretArn: [secretRes] },
                ),
            );
        statements.push(
            { Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: secretArn },
            // lib/iam.ts of this project writes the same: the secret's key only through Secrets Manager.
            {
                Effect: "Allow",
                Action: "kms:Decrypt",
                Resource: KEY_ARN,
                Condition: { StringEquals: { "kms:ViaService": `secretsmanager.${R}.amazonaws.com` } },
            },
        );
    }
    // Destinations.
    const mappingDest = c.onFailure === "kafka" ? "kafka://orders-failures" : DEST_ARN[c.onFailure]("mapping-failures");
    const dests: Res[] = c.onFailure === "kafka" ? [] : destination(c.onFailure, "mapping-failures", key);
    if (c.onFailure !== "kafka") statements.push(...sendStatements(c.onFailure, mappingDest));
    const asyncDest = (kind: AsyncDestination, what: string): Res[] => {
        if (kind === "none") return [];
        statements.push(...sendStatements(kind, DEST_ARN[kind](what)));
        return destination(kind, what, key);
    };
    const asyncFailure = asyncDest(c.asyncFailure, "async-failures");
    const asyncSuccess = asyncDest(c.asyncSuccess, "async-successes");
    all.push(...dests, ...asyncFailure, ...asyncSuccess);
    // Role, policy, function.
    const role = res("aws:iam/role:Role", "role", {
        name: "consumer-role",
        arn: ROLE_ARN,
        assumeRolePolicy: doc([{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }]),
    });
    const rolePolicy = res("aws:iam/rolePolicy:RolePolicy", "role-policy", { role: "consumer-role", policy: doc(statements) }, { role: [role] });
    const fn = res(
        "aws:lambda/function:Function",
        "consumer",
        { name: "consumer", arn: `arn:aws:lambda:${R}:${ACCOUNT}:function:consumer`, role: ROLE_ARN, runtime: "nodejs22.x", timeout: 60, memorySize: 512 },
        { role: [role] },
    );
    all.push(role, rolePolicy, fn);
    if (c.asyncFailure !== "none" || c.asyncSuccess !== "none") {
        const destinationConfig: Record<string, unknown> = {};
        if (c.asyncFailure !== "none") destinationConfig.onFailure = { destination: DEST_ARN[c.asyncFailure]("async-failures") };
        if (c.asyncSuccess !== "none") destinationConfig.onSuccess = { destination: DEST_ARN[c.asyncSuccess]("async-successes") };
        all.push(
            res(
                "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig",
                "async",
                { functionName: "consumer", qualifier: "$LATEST", maximumRetryAttempts: 2, destinationConfig },
                {
                    functionName: [fn],
                    destinationConfig: [...asyncFailure, ...asyncSuccess].filter(
                        (r) =>
                            !r.type.includes("Versioning") &&
                            !r.type.includes("PublicAccess") &&
                            !r.type.includes("ServerSide") &&
                            !r.type.includes("bucketPolicy"),
                    ),
                },
            ),
        );
    }
    // The mapping.
    const accessConfigs: object[] = [];
    if (c.source === "msk-scram" || c.source === "self-managed") accessConfigs.push({ type: "SASL_SCRAM_512_AUTH", uri: secretArn });
    if (c.source === "msk-mtls") accessConfigs.push({ type: "CLIENT_CERTIFICATE_TLS_AUTH", uri: secretArn });
    if (c.source === "self-managed")
        accessConfigs.push(
            { type: "VPC_SUBNET", uri: "subnet:subnet-0a23456789abcdef0" },
            { type: "VPC_SECURITY_GROUP", uri: "security_group:sg-0a23456789abcdef0" },
        );
    const kafkaDest = c.onFailure === "kafka";
    const mapping = res(
        "aws:lambda/eventSourceMapping:EventSourceMapping",
        "mapping",
        {
            ...(msk ? { eventSourceArn: c.source === "vpc-connection" ? VPC_CONNECTION_ARN : CLUSTER_ARN } : {}),
            ...(c.source === "self-managed"
                ? {
                      selfManagedEventSource: { endpoints: { KAFKA_BOOTSTRAP_SERVERS: "b-1.kafka.example.com:9096,b-2.kafka.example.com:9096" } },
                      selfManagedKafkaEventSourceConfig: { consumerGroupId: "orders-consumer" },
                  }
                : { amazonManagedKafkaEventSourceConfig: { consumerGroupId: "orders-consumer" } }),
            functionName: "consumer",
            topics: ["orders"],
            startingPosition: "TRIM_HORIZON",
            batchSize: 100,
            ...(accessConfigs.length ? { sourceAccessConfigurations: accessConfigs } : {}),
            destinationConfig: { onFailure: { destinationArn: mappingDest } },
            ...(kafkaDest ? { provisionedPollerConfig: { minimumPollers: 1, maximumPollers: 2 } } : {}),
            maximumRetryAttempts: kafkaDest ? 3 : undefined,
        },
        { functionName: [fn], ...(cluster ? { eventSourceArn: [cluster] } : {}), destinationConfig: dests.slice(0, 1) },
    );
    if (!kafkaDest) delete (mapping.props as Record<string, unknown>).maximumRetryAttempts;
    all.push(mapping);
    const out = c.provider === "aws-native" ? native(all) : all;
    const byName = new Map(out.map((r) => [r.name, r]));
    const named = (r: Res) => byName.get(r.name)!;
    return { all: out, key: named(key), role: named(role), rolePolicy: named(rolePolicy), fn: named(fn), mapping: named(mapping), byName };
}

type Props = Record<string, unknown>;
const obj = (v: unknown): Props => (v && typeof v === "object" ? (v as Props) : {});
const json = (v: unknown): unknown => (typeof v === "string" ? JSON.parse(v) : v);

/**
 * The aws-native form of a resource (its type and property names as `@pulumi/aws-native` sends them), for the types
 * the pack's adapters read; others stay `aws` (a program may mix providers). Property dependencies follow the names.
 */
const nativeRule = (dir: "ingress" | "egress") => (x: unknown) => {
    const r = obj(x);
    const cidr = (r.cidrBlocks as string[] | undefined)?.[0];
    const group = (r.securityGroups as string[] | undefined)?.[0];
    return {
        ipProtocol: r.protocol,
        fromPort: r.fromPort,
        toPort: r.toPort,
        ...(cidr ? { cidrIp: cidr } : {}),
        ...(group ? { [dir === "ingress" ? "sourceSecurityGroupId" : "destinationSecurityGroupId"]: group } : {}),
    };
};

const NATIVE: Record<string, { type: string; props: (p: Props) => Props; deps?: Record<string, string> }> = {
    "aws:ec2/vpc:Vpc": { type: "aws-native:ec2:Vpc", props: (p) => ({ vpcId: p.id, cidrBlock: p.cidrBlock }) },
    "aws:ec2/subnet:Subnet": { type: "aws-native:ec2:Subnet", props: (p) => ({ subnetId: p.id, vpcId: p.vpcId, cidrBlock: p.cidrBlock }) },
    "aws:ec2/routeTable:RouteTable": { type: "aws-native:ec2:RouteTable", props: (p) => ({ routeTableId: p.id, vpcId: p.vpcId }) },
    "aws:ec2/routeTableAssociation:RouteTableAssociation": {
        type: "aws-native:ec2:SubnetRouteTableAssociation",
        props: (p) => ({ subnetId: p.subnetId, routeTableId: p.routeTableId }),
    },
    "aws:ec2/securityGroup:SecurityGroup": {
        type: "aws-native:ec2:SecurityGroup",
        props: (p) => ({
            groupId: p.id,
            vpcId: p.vpcId,
            groupDescription: "managed by the consumer's stack",
            ...(Array.isArray(p.ingress) ? { securityGroupIngress: p.ingress.map(nativeRule("ingress")) } : {}),
            // An empty list is CloudFormation's default allow-all egress: leave it out.
            ...(Array.isArray(p.egress) && p.egress.length ? { securityGroupEgress: p.egress.map(nativeRule("egress")) } : {}),
        }),
        deps: { ingress: "securityGroupIngress", egress: "securityGroupEgress" },
    },
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": {
        type: "aws-native:ec2:SecurityGroupIngress",
        props: (p) => ({
            groupId: p.securityGroupId,
            ipProtocol: p.ipProtocol,
            fromPort: p.fromPort,
            toPort: p.toPort,
            sourceSecurityGroupId: p.referencedSecurityGroupId,
        }),
        deps: { securityGroupId: "groupId", referencedSecurityGroupId: "sourceSecurityGroupId" },
    },
    "aws:ec2/vpcEndpoint:VpcEndpoint": {
        type: "aws-native:ec2:VpcEndpoint",
        props: (p) => {
            const { policy, ...rest } = p;
            return { ...rest, ...(policy !== undefined ? { policyDocument: json(policy) } : {}) };
        },
    },
    "aws:kms/key:Key": {
        type: "aws-native:kms:Key",
        props: (p) => ({ arn: p.arn, keyId: p.keyId, enableKeyRotation: p.enableKeyRotation, keyPolicy: json(p.policy) }),
    },
    "aws:iam/role:Role": {
        type: "aws-native:iam:Role",
        props: (p) => ({ roleName: p.name, arn: p.arn, assumeRolePolicyDocument: json(p.assumeRolePolicy) }),
    },
    "aws:iam/rolePolicy:RolePolicy": {
        type: "aws-native:iam:RolePolicy",
        props: (p) => ({ roleName: p.role, policyName: "consumer", policyDocument: json(p.policy) }),
        deps: { role: "roleName" },
    },
    "aws:lambda/function:Function": {
        type: "aws-native:lambda:Function",
        props: (p) => ({ functionName: p.name, arn: p.arn, role: p.role, runtime: p.runtime, timeout: p.timeout, memorySize: p.memorySize }),
    },
    "aws:sqs/queue:Queue": {
        type: "aws-native:sqs:Queue",
        props: (p) => ({ queueName: p.name, arn: p.arn, queueUrl: p.url, kmsMasterKeyId: p.kmsMasterKeyId }),
    },
    "aws:sns/topic:Topic": { type: "aws-native:sns:Topic", props: (p) => ({ topicName: p.name, topicArn: p.arn, kmsMasterKeyId: p.kmsMasterKeyId }) },
    "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig": {
        type: "aws-native:lambda:EventInvokeConfig",
        props: (p) => ({
            functionName: p.functionName,
            qualifier: p.qualifier,
            maximumRetryAttempts: p.maximumRetryAttempts,
            destinationConfig: p.destinationConfig,
        }),
    },
    "aws:lambda/eventSourceMapping:EventSourceMapping": {
        type: "aws-native:lambda:EventSourceMapping",
        props: (p) => {
            const sm = obj(obj(p.selfManagedEventSource).endpoints).KAFKA_BOOTSTRAP_SERVERS;
            const out: Props = { ...p, destinationConfig: { onFailure: { destination: obj(obj(p.destinationConfig).onFailure).destinationArn } } };
            if (typeof sm === "string") out.selfManagedEventSource = { endpoints: { kafkaBootstrapServers: sm.split(",") } };
            return out;
        },
    },
};

function toNative(r: Res): Res {
    const n = NATIVE[r.type];
    if (!n) return r;
    const deps: Record<string, string[]> = {};
    for (const [k, v] of Object.entries(r.propertyDependencies ?? {})) deps[n.deps?.[k] ?? k] = v as string[];
    const urn = r.urn.replace(`::${r.type}::`, `::${n.type}::`);
    return { ...r, type: n.type, urn, props: n.props(r.props as Props), propertyDependencies: deps };
}

/** A stack in the aws-native provider (where the pack reads that type): URNs in dependencies follow the new types. */
function native(all: Res[]): Res[] {
    const converted = all.map(toNative);
    const urns = new Map(all.map((r, i) => [r.urn, converted[i].urn]));
    for (const r of converted) {
        const deps: Record<string, string[]> = {};
        for (const [k, v] of Object.entries(r.propertyDependencies ?? {})) deps[k] = (v as string[]).map((u) => urns.get(u) ?? u);
        r.propertyDependencies = deps;
        r.dependencies = [...new Set(Object.values(deps).flat())];
    }
    return converted;
}

/** Every choice (the cross product), for generated tests. */
export function everyChoice(providers: Provider[] = ["aws"]): Choice[] {
    const out: Choice[] = [];
    for (const provider of providers)
        for (const source of SOURCES)
            for (const onFailure of MAPPING_DESTINATIONS)
                for (const asyncFailure of ASYNC_FAILURE)
                    for (const asyncSuccess of ASYNC_SUCCESS) out.push({ provider, source, onFailure, asyncFailure, asyncSuccess });
    return out;
}
