/**
 * The `aws-native` provider (CloudFormation's resource model) into the canonical `aws` classic shapes. Property names
 * are `@pulumi/aws-native`'s (tests/pack-adapters.test.ts proves each one exists in its type declarations); the
 * canonical names are what rules read. Only what a rule reads is carried over.
 */
import { T } from "../types";
import { isUnknown, UNKNOWN } from "../values";
import type { Reader } from "./reader";
import type { Adapter, Extra } from "./types";

/** `{ enabled: true }` (aws-native) → `true` (aws classic); unknown stays unknown. */
const enabled = (r: Reader, path: string) => r.get(`${path}.enabled`);

/** A list of strings joined with commas (aws-native `kafkaBootstrapServers: [...]` → classic `"a:9092,b:9092"`). */
function joined(v: unknown): unknown {
    if (isUnknown(v)) return UNKNOWN;
    if (!Array.isArray(v)) return undefined;
    return v.some(isUnknown) ? UNKNOWN : v.filter((x) => typeof x === "string").join(",");
}

const lambdaEventSourceMapping: Adapter = {
    provider: "aws-native",
    from: "aws-native:lambda:EventSourceMapping",
    to: T.mapping,
    props: {
        eventSourceArn: (r) => r.get("eventSourceArn"),
        functionName: (r) => r.get("functionName"),
        topics: (r) => r.get("topics"),
        queues: (r) => r.get("queues"),
        batchSize: (r) => r.get("batchSize"),
        maximumBatchingWindowInSeconds: (r) => r.get("maximumBatchingWindowInSeconds"),
        startingPosition: (r) => r.get("startingPosition"),
        // aws-native takes epoch seconds where aws takes RFC 3339 text: the rules only ask whether it is set.
        startingPositionTimestamp: (r) => r.get("startingPositionTimestamp"),
        enabled: (r) => r.get("enabled"),
        maximumRetryAttempts: (r) => r.get("maximumRetryAttempts"),
        maximumRecordAgeInSeconds: (r) => r.get("maximumRecordAgeInSeconds"),
        bisectBatchOnFunctionError: (r) => r.get("bisectBatchOnFunctionError"),
        functionResponseTypes: (r) => r.get("functionResponseTypes"),
        kmsKeyArn: (r) => r.get("kmsKeyArn"),
        destinationConfig: (r) => r.obj("destinationConfig", (d) => ({ onFailure: d.obj("onFailure", (f) => ({ destinationArn: f.get("destination") })) })),
        sourceAccessConfigurations: (r) => r.list("sourceAccessConfigurations", (c) => ({ type: c.get("type"), uri: c.get("uri") })),
        selfManagedEventSource: (r) =>
            r.obj("selfManagedEventSource", (s) => ({
                endpoints: s.obj("endpoints", (e) => ({ KAFKA_BOOTSTRAP_SERVERS: joined(e.get("kafkaBootstrapServers")) })),
            })),
        // The schema registry config has the same shape in both providers (accessConfigs, eventRecordFormat,
        // schemaRegistryUri, schemaValidationConfigs).
        selfManagedKafkaEventSourceConfig: (r) =>
            r.obj("selfManagedKafkaEventSourceConfig", (c) => ({
                consumerGroupId: c.get("consumerGroupId"),
                schemaRegistryConfig: c.get("schemaRegistryConfig"),
            })),
        amazonManagedKafkaEventSourceConfig: (r) =>
            r.obj("amazonManagedKafkaEventSourceConfig", (c) => ({
                consumerGroupId: c.get("consumerGroupId"),
                schemaRegistryConfig: c.get("schemaRegistryConfig"),
            })),
        provisionedPollerConfig: (r) =>
            r.obj("provisionedPollerConfig", (c) => ({
                minimumPollers: c.get("minimumPollers"),
                maximumPollers: c.get("maximumPollers"),
                pollerGroupName: c.get("pollerGroupName"),
            })),
        filterCriteria: (r) => r.obj("filterCriteria", (c) => ({ filters: c.list("filters", (f) => ({ pattern: f.get("pattern") })) })),
    },
};

const lambdaFunction: Adapter = {
    provider: "aws-native",
    from: "aws-native:lambda:Function",
    to: T.fn,
    props: {
        name: (r) => r.get("functionName"),
        arn: (r) => r.get("arn"),
        role: (r) => r.get("role"),
        timeout: (r) => r.get("timeout"),
        runtime: (r) => r.get("runtime"),
        handler: (r) => r.get("handler"),
        kmsKeyArn: (r) => r.get("kmsKeyArn"),
        deadLetterConfig: (r) => r.obj("deadLetterConfig", (d) => ({ targetArn: d.get("targetArn") })),
    },
};

const lambdaEventInvokeConfig: Adapter = {
    provider: "aws-native",
    from: "aws-native:lambda:EventInvokeConfig",
    to: T.invokeConfig,
    props: {
        functionName: (r) => r.get("functionName"),
        qualifier: (r) => r.get("qualifier"),
        destinationConfig: (r) =>
            r.obj("destinationConfig", (d) => ({
                onFailure: d.obj("onFailure", (f) => ({ destination: f.get("destination") })),
                onSuccess: d.obj("onSuccess", (s) => ({ destination: s.get("destination") })),
            })),
    },
};

const lambdaAlias: Adapter = {
    provider: "aws-native",
    from: "aws-native:lambda:Alias",
    to: T.alias,
    props: {
        name: (r) => r.get("name"),
        functionName: (r) => r.get("functionName"),
        functionVersion: (r) => r.get("functionVersion"),
        arn: (r) => r.get("aliasArn"),
    },
};

const lambdaPermission: Adapter = {
    provider: "aws-native",
    from: "aws-native:lambda:Permission",
    to: T.permission,
    props: {
        action: (r) => r.get("action"),
        function: (r) => r.get("functionName"),
        principal: (r) => r.get("principal"),
        sourceAccount: (r) => r.get("sourceAccount"),
        sourceArn: (r) => r.get("sourceArn"),
        principalOrgId: (r) => r.get("principalOrgId"),
    },
};

const mskCluster: Adapter = {
    provider: "aws-native",
    from: "aws-native:msk:Cluster",
    to: T.mskCluster,
    props: {
        clusterName: (r) => r.get("clusterName"),
        arn: (r) => r.get("arn"),
        kafkaVersion: (r) => r.get("kafkaVersion"),
        numberOfBrokerNodes: (r) => r.get("numberOfBrokerNodes"),
        brokerNodeGroupInfo: (r) =>
            r.obj("brokerNodeGroupInfo", (b) => ({
                instanceType: b.get("instanceType"),
                clientSubnets: b.get("clientSubnets"),
                securityGroups: b.get("securityGroups"),
                connectivityInfo: b.obj("connectivityInfo", (c) => ({ publicAccess: c.obj("publicAccess", (p) => ({ type: p.get("type") })) })),
            })),
        clientAuthentication: (r) =>
            r.obj("clientAuthentication", (a) => ({
                sasl: a.obj("sasl", (s) => ({ iam: enabled(s, "iam"), scram: enabled(s, "scram") })),
                tls: a.obj("tls", (t) => {
                    const on = t.get("enabled");
                    const cas = t.get("certificateAuthorityArnList");
                    // `enabled: false` turns mTLS off whatever the list says.
                    return { certificateAuthorityArns: on === false ? [] : cas };
                }),
                unauthenticated: enabled(a, "unauthenticated"),
            })),
        encryptionInfo: (r) =>
            r.obj("encryptionInfo", (e) => ({
                encryptionAtRestKmsKeyArn: e.get("encryptionAtRest.dataVolumeKmsKeyId"),
                encryptionInTransit: e.obj("encryptionInTransit", (t) => ({ clientBroker: t.get("clientBroker"), inCluster: t.get("inCluster") })),
            })),
        loggingInfo: (r) =>
            r.obj("loggingInfo", (l) => ({
                brokerLogs: l.obj("brokerLogs", (b) => ({
                    cloudwatchLogs: b.obj("cloudWatchLogs", (c) => ({ enabled: c.get("enabled"), logGroup: c.get("logGroup") })),
                    firehose: b.obj("firehose", (f) => ({ enabled: f.get("enabled"), deliveryStream: f.get("deliveryStream") })),
                    s3: b.obj("s3", (s) => ({ enabled: s.get("enabled"), bucket: s.get("bucket") })),
                })),
            })),
        configurationInfo: (r) => r.obj("configurationInfo", (c) => ({ arn: c.get("arn"), revision: c.get("revision") })),
    },
};

const mskServerlessCluster: Adapter = {
    provider: "aws-native",
    from: "aws-native:msk:ServerlessCluster",
    to: T.mskServerless,
    props: {
        clusterName: (r) => r.get("clusterName"),
        arn: (r) => r.get("arn"),
        clientAuthentication: (r) =>
            r.obj("clientAuthentication", (a) => ({ sasl: a.obj("sasl", (s) => ({ iam: s.obj("iam", (i) => ({ enabled: i.get("enabled") })) })) })),
        vpcConfigs: (r) => r.list("vpcConfigs", (v) => ({ subnetIds: v.get("subnetIds"), securityGroupIds: v.get("securityGroups") })),
    },
};

const mskConfiguration: Adapter = {
    provider: "aws-native",
    from: "aws-native:msk:Configuration",
    to: T.mskConfiguration,
    props: {
        name: (r) => r.get("name"),
        arn: (r) => r.get("arn"),
        serverProperties: (r) => r.get("serverProperties"),
        kafkaVersions: (r) => r.get("kafkaVersionsList"),
    },
};

const mskClusterPolicy: Adapter = {
    provider: "aws-native",
    from: "aws-native:msk:ClusterPolicy",
    to: T.mskClusterPolicy,
    props: { clusterArn: (r) => r.get("clusterArn"), policy: (r) => r.get("policy") },
};

const sqsQueue: Adapter = {
    provider: "aws-native",
    from: "aws-native:sqs:Queue",
    to: T.queue,
    props: {
        name: (r) => r.get("queueName"),
        arn: (r) => r.get("arn"),
        url: (r) => r.get("queueUrl"),
        fifoQueue: (r) => r.get("fifoQueue"),
        kmsMasterKeyId: (r) => r.get("kmsMasterKeyId"),
        sqsManagedSseEnabled: (r) => r.get("sqsManagedSseEnabled"),
    },
};

const sqsQueueInlinePolicy: Adapter = {
    provider: "aws-native",
    from: "aws-native:sqs:QueueInlinePolicy",
    to: T.queuePolicy,
    props: { queueUrl: (r) => r.get("queue"), policy: (r) => r.get("policyDocument") },
};

const snsTopic: Adapter = {
    provider: "aws-native",
    from: "aws-native:sns:Topic",
    to: T.topic,
    props: {
        name: (r) => r.get("topicName"),
        arn: (r) => r.get("topicArn"),
        fifoTopic: (r) => r.get("fifoTopic"),
        kmsMasterKeyId: (r) => r.get("kmsMasterKeyId"),
    },
};

const snsTopicInlinePolicy: Adapter = {
    provider: "aws-native",
    from: "aws-native:sns:TopicInlinePolicy",
    to: T.topicPolicy,
    props: { arn: (r) => r.get("topicArn"), policy: (r) => r.get("policyDocument") },
};

const s3Bucket: Adapter = {
    provider: "aws-native",
    from: "aws-native:s3:Bucket",
    to: T.bucket,
    props: {
        bucket: (r) => r.get("bucketName"),
        arn: (r) => r.get("arn"),
        versioning: (r) =>
            r.obj("versioningConfiguration", (v) => {
                const status = v.get("status");
                return { enabled: isUnknown(status) ? UNKNOWN : status === "Enabled" };
            }),
        serverSideEncryptionConfiguration: (r) =>
            r.obj("bucketEncryption", (e) => {
                const rules = e.list("serverSideEncryptionConfiguration", (x) => ({
                    applyServerSideEncryptionByDefault: x.obj("serverSideEncryptionByDefault", (d) => ({
                        sseAlgorithm: d.get("sseAlgorithm"),
                        kmsMasterKeyId: d.get("kmsMasterKeyId"),
                    })),
                }));
                // The classic inline shape holds one rule; S3 applies the first default-encryption rule.
                return { rule: Array.isArray(rules) ? rules[0] : rules };
            }),
    },
    extraTypes: [T.bucketPab],
    extras(r) {
        const flags = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"];
        const pab = r.obj("publicAccessBlockConfiguration", (p) => Object.fromEntries(flags.map((f) => [f, p.get(f)])));
        if (pab === undefined) return [];
        const props = isUnknown(pab) ? Object.fromEntries(flags.map((f) => [f, UNKNOWN])) : (pab as Record<string, unknown>);
        return [{ type: T.bucketPab, props: { bucket: r.get("bucketName") ?? UNKNOWN, ...props }, deps: { bucket: ["self"] } }];
    },
};

const s3BucketPolicy: Adapter = {
    provider: "aws-native",
    from: "aws-native:s3:BucketPolicy",
    to: T.bucketPolicy,
    props: { bucket: (r) => r.get("bucket"), policy: (r) => r.get("policyDocument") },
};

const kmsKey: Adapter = {
    provider: "aws-native",
    from: "aws-native:kms:Key",
    to: T.kmsKey,
    props: {
        arn: (r) => r.get("arn"),
        keyId: (r) => r.get("keyId"),
        enableKeyRotation: (r) => r.get("enableKeyRotation"),
        keySpec: (r) => r.get("keySpec"),
        keyUsage: (r) => r.get("keyUsage"),
        policy: (r) => r.get("keyPolicy"),
        isEnabled: (r) => r.get("enabled"),
        origin: (r) => r.get("origin"),
    },
};

const iamRole: Adapter = {
    provider: "aws-native",
    from: "aws-native:iam:Role",
    to: T.role,
    props: {
        name: (r) => r.get("roleName"),
        arn: (r) => r.get("arn"),
        assumeRolePolicy: (r) => r.get("assumeRolePolicyDocument"),
        managedPolicyArns: (r) => r.get("managedPolicyArns"),
        permissionsBoundary: (r) => r.get("permissionsBoundary"),
        inlinePolicies: (r) => r.list("policies", (p) => ({ name: p.get("policyName"), policy: p.get("policyDocument") })),
    },
};

const iamRolePolicy: Adapter = {
    provider: "aws-native",
    from: "aws-native:iam:RolePolicy",
    to: T.rolePolicy,
    props: { role: (r) => r.get("roleName"), name: (r) => r.get("policyName"), policy: (r) => r.get("policyDocument") },
};

const iamManagedPolicy: Adapter = {
    provider: "aws-native",
    from: "aws-native:iam:ManagedPolicy",
    to: T.policy,
    props: { name: (r) => r.get("managedPolicyName"), arn: (r) => r.get("policyArn"), policy: (r) => r.get("policyDocument") },
    extraTypes: [T.rolePolicyAttachment],
    /** `roles: [...]` attaches the policy to each role: one canonical RolePolicyAttachment per role. */
    extras(r) {
        const roles = r.get("roles");
        const policyArn = r.get("policyArn") ?? UNKNOWN;
        const deps = { role: ["roles"], policyArn: ["self"] };
        if (isUnknown(roles)) return [{ type: T.rolePolicyAttachment, props: { role: UNKNOWN, policyArn }, deps }];
        if (!Array.isArray(roles)) return [];
        return roles.map((role): Extra => ({ type: T.rolePolicyAttachment, props: { role, policyArn }, deps }));
    },
};

const secretsManagerSecret: Adapter = {
    provider: "aws-native",
    from: "aws-native:secretsmanager:Secret",
    to: T.secret,
    props: {
        name: (r) => r.get("name"),
        // aws-native's identifier of a secret is its ARN.
        arn: (r) => r.get("awsId"),
        kmsKeyId: (r) => r.get("kmsKeyId"),
    },
    extraTypes: [T.secretVersion],
    /** An inline `secretString` is the secret's first version. */
    extras(r) {
        const secretString = r.get("secretString");
        if (secretString === undefined) return [];
        return [{ type: T.secretVersion, props: { secretId: r.get("awsId") ?? UNKNOWN, secretString }, deps: { secretId: ["self"] } }];
    },
};

const secretsManagerResourcePolicy: Adapter = {
    provider: "aws-native",
    from: "aws-native:secretsmanager:ResourcePolicy",
    to: T.secretPolicy,
    props: { secretArn: (r) => r.get("secretId"), policy: (r) => r.get("resourcePolicy"), blockPublicPolicy: (r) => r.get("blockPublicPolicy") },
};

/** An aws-native ingress rule (inline or standalone) in the classic inline `ingress` item shape. */
const ingressItem = (i: Reader) => ({
    protocol: i.get("ipProtocol"),
    fromPort: i.get("fromPort"),
    toPort: i.get("toPort"),
    cidrBlocks: i.one("cidrIp"),
    ipv6CidrBlocks: i.one("cidrIpv6"),
    prefixListIds: i.one("sourcePrefixListId"),
    securityGroups: i.one("sourceSecurityGroupId"),
});

/** An aws-native egress rule (inline or standalone) in the classic inline `egress` item shape. */
const egressItem = (i: Reader) => ({
    protocol: i.get("ipProtocol"),
    fromPort: i.get("fromPort"),
    toPort: i.get("toPort"),
    cidrBlocks: i.one("cidrIp"),
    ipv6CidrBlocks: i.one("cidrIpv6"),
    prefixListIds: i.one("destinationPrefixListId"),
    securityGroups: i.one("destinationSecurityGroupId"),
});

/**
 * CloudFormation `AWS::EC2::SecurityGroup`, SecurityGroupEgress: "When you specify a VPC security group, Amazon EC2
 * creates a default egress rule that allows egress traffic on all ports and IP protocols to any location. The default
 * rule is removed only when you specify one or more egress rules." (The `aws` provider removes it instead.)
 */
const DEFAULT_EGRESS = [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }];

const ec2SecurityGroup: Adapter = {
    provider: "aws-native",
    from: "aws-native:ec2:SecurityGroup",
    to: T.securityGroup,
    props: {
        name: (r) => r.get("groupName"),
        id: (r) => r.get("groupId"),
        vpcId: (r) => r.get("vpcId"),
        description: (r) => r.get("groupDescription"),
        ingress: (r) => r.list("securityGroupIngress", ingressItem),
        egress: (r) => {
            const given = r.list("securityGroupEgress", egressItem);
            return given === undefined || (Array.isArray(given) && given.length === 0) ? DEFAULT_EGRESS : given;
        },
    },
};

const ec2SecurityGroupEgress: Adapter = {
    provider: "aws-native",
    from: "aws-native:ec2:SecurityGroupEgress",
    to: T.egressRule,
    props: {
        securityGroupId: (r) => r.get("groupId"),
        ipProtocol: (r) => r.get("ipProtocol"),
        fromPort: (r) => r.get("fromPort"),
        toPort: (r) => r.get("toPort"),
        cidrIpv4: (r) => r.get("cidrIp"),
        cidrIpv6: (r) => r.get("cidrIpv6"),
        prefixListId: (r) => r.get("destinationPrefixListId"),
        referencedSecurityGroupId: (r) => r.get("destinationSecurityGroupId"),
    },
};

const ec2Vpc: Adapter = {
    provider: "aws-native",
    from: "aws-native:ec2:Vpc",
    to: T.vpc,
    props: { id: (r) => r.get("vpcId"), cidrBlock: (r) => r.get("cidrBlock") },
};

const ec2Subnet: Adapter = {
    provider: "aws-native",
    from: "aws-native:ec2:Subnet",
    to: T.subnet,
    props: { id: (r) => r.get("subnetId"), vpcId: (r) => r.get("vpcId"), cidrBlock: (r) => r.get("cidrBlock") },
};

const ec2NatGateway: Adapter = {
    provider: "aws-native",
    from: "aws-native:ec2:NatGateway",
    to: T.natGateway,
    props: { id: (r) => r.get("natGatewayId"), subnetId: (r) => r.get("subnetId"), connectivityType: (r) => r.get("connectivityType") },
};

const ec2InternetGateway: Adapter = {
    provider: "aws-native",
    from: "aws-native:ec2:InternetGateway",
    to: T.internetGateway,
    props: { id: (r) => r.get("internetGatewayId") },
};

const ec2RouteTable: Adapter = {
    provider: "aws-native",
    from: "aws-native:ec2:RouteTable",
    to: T.routeTable,
    props: { id: (r) => r.get("routeTableId"), vpcId: (r) => r.get("vpcId") },
};

const ec2Route: Adapter = {
    provider: "aws-native",
    from: "aws-native:ec2:Route",
    to: T.route,
    props: {
        routeTableId: (r) => r.get("routeTableId"),
        destinationCidrBlock: (r) => r.get("destinationCidrBlock"),
        gatewayId: (r) => r.get("gatewayId"),
        natGatewayId: (r) => r.get("natGatewayId"),
        transitGatewayId: (r) => r.get("transitGatewayId"),
        networkInterfaceId: (r) => r.get("networkInterfaceId"),
        vpcEndpointId: (r) => r.get("vpcEndpointId"),
        vpcPeeringConnectionId: (r) => r.get("vpcPeeringConnectionId"),
    },
};

const ec2SubnetRouteTableAssociation: Adapter = {
    provider: "aws-native",
    from: "aws-native:ec2:SubnetRouteTableAssociation",
    to: T.routeTableAssociation,
    props: { subnetId: (r) => r.get("subnetId"), routeTableId: (r) => r.get("routeTableId") },
};

const ec2VpcEndpoint: Adapter = {
    provider: "aws-native",
    from: "aws-native:ec2:VpcEndpoint",
    to: T.vpcEndpoint,
    props: {
        id: (r) => r.get("awsId"),
        vpcId: (r) => r.get("vpcId"),
        serviceName: (r) => r.get("serviceName"),
        vpcEndpointType: (r) => r.get("vpcEndpointType"),
        privateDnsEnabled: (r) => r.get("privateDnsEnabled"),
        securityGroupIds: (r) => r.get("securityGroupIds"),
        subnetIds: (r) => r.get("subnetIds"),
        routeTableIds: (r) => r.get("routeTableIds"),
        // CloudFormation's PolicyDocument (an object or JSON text), read like the aws provider's `policy`.
        policy: (r) => r.get("policyDocument"),
    },
};

const ec2SecurityGroupIngress: Adapter = {
    provider: "aws-native",
    from: "aws-native:ec2:SecurityGroupIngress",
    to: T.ingressRule,
    props: {
        securityGroupId: (r) => r.get("groupId"),
        ipProtocol: (r) => r.get("ipProtocol"),
        fromPort: (r) => r.get("fromPort"),
        toPort: (r) => r.get("toPort"),
        cidrIpv4: (r) => r.get("cidrIp"),
        cidrIpv6: (r) => r.get("cidrIpv6"),
        prefixListId: (r) => r.get("sourcePrefixListId"),
        referencedSecurityGroupId: (r) => r.get("sourceSecurityGroupId"),
    },
};

const ec2PrefixList: Adapter = {
    provider: "aws-native",
    from: "aws-native:ec2:PrefixList",
    to: T.prefixList,
    props: {
        name: (r) => r.get("prefixListName"),
        id: (r) => r.get("prefixListId"),
        arn: (r) => r.get("arn"),
        addressFamily: (r) => r.get("addressFamily"),
        entries: (r) => r.list("entries", (e) => ({ cidr: e.get("cidr") })),
    },
};

export const AWS_NATIVE_ADAPTERS: Adapter[] = [
    lambdaEventSourceMapping,
    lambdaFunction,
    lambdaEventInvokeConfig,
    lambdaAlias,
    lambdaPermission,
    mskCluster,
    mskServerlessCluster,
    mskConfiguration,
    mskClusterPolicy,
    sqsQueue,
    sqsQueueInlinePolicy,
    snsTopic,
    snsTopicInlinePolicy,
    s3Bucket,
    s3BucketPolicy,
    kmsKey,
    iamRole,
    iamRolePolicy,
    iamManagedPolicy,
    secretsManagerSecret,
    secretsManagerResourcePolicy,
    ec2SecurityGroup,
    ec2SecurityGroupIngress,
    ec2PrefixList,
    ec2SecurityGroupEgress,
    ec2Vpc,
    ec2Subnet,
    ec2NatGateway,
    ec2InternetGateway,
    ec2RouteTable,
    ec2Route,
    ec2SubnetRouteTableAssociation,
    ec2VpcEndpoint,
];
