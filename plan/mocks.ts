/**
 * Pulumi mocks that answer like AWS would on a first `pulumi up` (or, with `preview`, like a first `pulumi preview`,
 * where computed attributes such as ids and ARNs are unknown). Values are deterministic: the same program gives the
 * same plan.
 */
import { createHash } from "crypto";
import type * as pulumi from "@pulumi/pulumi";

export const MOCK_ACCOUNT = "123456789012";

function hex(seed: string, n: number): string {
    return createHash("sha256").update(seed).digest("hex").slice(0, n);
}
function uuid(seed: string): string {
    const h = hex(seed, 32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Resource types whose provider fills `name` (auto-naming) when the program leaves it out, known even in preview. */
const AUTONAMED: Record<string, string> = {
    "aws:sqs/queue:Queue": "name",
    "aws:sns/topic:Topic": "name",
    "aws:iam/role:Role": "name",
    "aws:iam/policy:Policy": "name",
    "aws:iam/rolePolicy:RolePolicy": "name",
    "aws:lambda/function:Function": "name",
    "aws:s3/bucket:Bucket": "bucket",
    "aws:secretsmanager/secret:Secret": "name",
    "aws:cloudwatch/metricAlarm:MetricAlarm": "name",
    "aws:cloudwatch/eventBus:EventBus": "name",
    "aws:ec2/securityGroup:SecurityGroup": "name",
};

/** Computed attributes a real create returns, by type. */
function computed(type: string, name: string, inputs: Record<string, any>, region: string): Record<string, unknown> {
    const acct = MOCK_ACCOUNT;
    const id = (prefix: string) => `${prefix}-${hex(type + name, 17)}`;
    const n = (prop = "name") => inputs[prop] ?? `${name}-${hex(name, 7)}`;
    switch (type) {
        case "aws:ec2/vpc:Vpc":
            return { id: id("vpc"), arn: `arn:aws:ec2:${region}:${acct}:vpc/${id("vpc")}` };
        case "aws:ec2/subnet:Subnet":
            return { id: id("subnet"), arn: `arn:aws:ec2:${region}:${acct}:subnet/${id("subnet")}` };
        case "aws:ec2/securityGroup:SecurityGroup":
            return { id: id("sg"), arn: `arn:aws:ec2:${region}:${acct}:security-group/${id("sg")}`, name: n() };
        case "aws:ec2/routeTable:RouteTable":
            return { id: id("rtb") };
        case "aws:ec2/internetGateway:InternetGateway":
            return { id: id("igw") };
        case "aws:ec2/natGateway:NatGateway":
            return { id: id("nat") };
        case "aws:ec2/eip:Eip":
            return { id: id("eipalloc"), allocationId: id("eipalloc"), publicIp: "203.0.113.10" };
        case "aws:ec2/vpcEndpoint:VpcEndpoint":
            return { id: id("vpce"), arn: `arn:aws:ec2:${region}:${acct}:vpc-endpoint/${id("vpce")}` };
        case "aws:kms/key:Key": {
            const keyId = uuid(type + name);
            return { id: keyId, keyId, arn: `arn:aws:kms:${region}:${acct}:key/${keyId}` };
        }
        case "aws:msk/configuration:Configuration":
            return { arn: `arn:aws:kafka:${region}:${acct}:configuration/${n()}/${uuid(name)}-1`, latestRevision: 1 };
        case "aws:msk/cluster:Cluster": {
            const cn = inputs.clusterName ?? name;
            const host = (i: number) => `b-${i}.${cn}.${hex(name, 6)}.c2.kafka.${region}.amazonaws.com`;
            const list = (port: number) => [1, 2, 3].map((i) => `${host(i)}:${port}`).join(",");
            return {
                arn: `arn:aws:kafka:${region}:${acct}:cluster/${cn}/${uuid(name)}-2`,
                clusterUuid: `${uuid(name)}-2`,
                bootstrapBrokers: list(9092),
                bootstrapBrokersTls: list(9094),
                bootstrapBrokersSaslScram: list(9096),
                bootstrapBrokersSaslIam: list(9098),
                currentVersion: "K3AEGXETSR30VB",
            };
        }
        case "aws:msk/serverlessCluster:ServerlessCluster": {
            const cn = inputs.clusterName ?? name;
            return { arn: `arn:aws:kafka:${region}:${acct}:cluster/${cn}/${uuid(name)}-s1`, clusterUuid: `${uuid(name)}-s1` };
        }
        case "aws:cloudwatch/logGroup:LogGroup":
            return { arn: `arn:aws:logs:${region}:${acct}:log-group:${n()}` };
        case "aws:sqs/queue:Queue":
            return { arn: `arn:aws:sqs:${region}:${acct}:${n()}`, url: `https://sqs.${region}.amazonaws.com/${acct}/${n()}`, name: n() };
        case "aws:sns/topic:Topic":
            return { arn: `arn:aws:sns:${region}:${acct}:${n()}`, name: n() };
        case "aws:s3/bucket:Bucket":
            return { id: n("bucket"), bucket: n("bucket"), arn: `arn:aws:s3:::${n("bucket")}` };
        case "aws:iam/role:Role":
            return { arn: `arn:aws:iam::${acct}:role/${n()}`, name: n(), id: n(), uniqueId: `AROA${hex(name, 17).toUpperCase()}` };
        case "aws:iam/policy:Policy":
            return { arn: `arn:aws:iam::${acct}:policy/${n()}`, name: n() };
        case "aws:lambda/function:Function": {
            const fn = n();
            const arn = `arn:aws:lambda:${region}:${acct}:function:${fn}`;
            return {
                arn,
                name: fn,
                qualifiedArn: `${arn}:$LATEST`,
                invokeArn: `arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/${arn}/invocations`,
                version: "$LATEST",
            };
        }
        case "aws:lambda/eventSourceMapping:EventSourceMapping": {
            const u = uuid(type + name);
            return {
                id: u,
                uuid: u,
                arn: `arn:aws:lambda:${region}:${acct}:event-source-mapping:${u}`,
                state: inputs.enabled === false ? "Disabled" : "Enabled",
            };
        }
        case "aws:secretsmanager/secret:Secret": {
            const s = n();
            const arn = `arn:aws:secretsmanager:${region}:${acct}:secret:${s}-${hex(name, 6)}`;
            return { id: arn, arn, name: s };
        }
        case "aws:secretsmanager/secretVersion:SecretVersion":
            return { versionId: uuid(type + name), arn: inputs.secretId };
        case "aws:cloudwatch/metricAlarm:MetricAlarm":
            return { arn: `arn:aws:cloudwatch:${region}:${acct}:alarm:${n()}`, name: n() };
        case "aws:cloudwatch/eventBus:EventBus":
            return { arn: `arn:aws:events:${region}:${acct}:event-bus/${n()}`, name: n() };
        case "aws:dynamodb/table:Table":
            return { id: n(), arn: `arn:aws:dynamodb:${region}:${acct}:table/${n()}`, name: n() };
        case "aws:glue/registry:Registry":
            return { id: n("registryName"), arn: `arn:aws:glue:${region}:${acct}:registry/${n("registryName")}`, registryName: n("registryName") };
        case "random:index/randomPassword:RandomPassword":
            return { result: `mock-${hex(name, 24)}` };
        default:
            return {};
    }
}

export interface MockOptions {
    region: string;
    /** Behave like a first `pulumi preview`: computed attributes stay unknown. */
    preview: boolean;
}

export function awsMocks(opts: MockOptions): pulumi.runtime.Mocks {
    const { region, preview } = opts;
    return {
        newResource(args: pulumi.runtime.MockResourceArgs): { id: string | undefined; state: Record<string, unknown> } {
            const inputs = args.inputs as Record<string, any>;
            const state: Record<string, unknown> = { ...inputs };
            const nameProp = AUTONAMED[args.type];
            if (nameProp && state[nameProp] === undefined) {
                const prefix = inputs[`${nameProp}Prefix`] ?? `${args.name}-`;
                state[nameProp] = `${prefix}${hex(args.name, 7)}`;
                if (args.type === "aws:sqs/queue:Queue" && inputs.fifoQueue) state[nameProp] += ".fifo";
                if (args.type === "aws:sns/topic:Topic" && inputs.fifoTopic) state[nameProp] += ".fifo";
            }
            if (preview) {
                return { id: undefined, state };
            }
            const extra = computed(args.type, args.name, state, region);
            const id = (extra.id as string | undefined) ?? (state[nameProp ?? ""] as string | undefined) ?? `${args.name}-${hex(args.type + args.name, 8)}`;
            return { id, state: { ...state, ...extra } };
        },
        call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
            switch (args.token) {
                case "aws:index/getRegion:getRegion":
                    return { id: region, region, name: region, description: region, endpoint: `ec2.${region}.amazonaws.com` };
                case "aws:index/getCallerIdentity:getCallerIdentity":
                    return { id: MOCK_ACCOUNT, accountId: MOCK_ACCOUNT, arn: `arn:aws:iam::${MOCK_ACCOUNT}:user/plan`, userId: "AIDAPLAN" };
                case "aws:index/getPartition:getPartition":
                    return { id: "aws", partition: "aws", dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws" };
                case "aws:index/getAvailabilityZones:getAvailabilityZones": {
                    // The mock account has opted in to a Local Zone, which the API lists (first, by name) unless the
                    // call filters on opt-in-status = opt-in-not-required.
                    const filters = (args.inputs.filters ?? []) as { name: string; values: string[] }[];
                    const azOnly = filters.some((f) => f.name === "opt-in-status" && f.values.length === 1 && f.values[0] === "opt-in-not-required");
                    const names = [...(azOnly ? [] : [`${region}-bos-1a`]), ...["a", "b", "c", "d", "e", "f"].map((s) => `${region}${s}`)];
                    return { id: region, names, zoneIds: names.map((_, i) => `use1-az${i + 1}`), groupNames: [region] };
                }
                case "aws:msk/getBootstrapBrokers:getBootstrapBrokers": {
                    const base = "b-1.existing.abc123.c2.kafka." + region + ".amazonaws.com";
                    return {
                        clusterArn: args.inputs.clusterArn,
                        bootstrapBrokers: `${base}:9092`,
                        bootstrapBrokersTls: `${base}:9094`,
                        bootstrapBrokersSaslScram: `${base}:9096`,
                        bootstrapBrokersSaslIam: `${base}:9098`,
                    };
                }
                default:
                    throw new Error(`the offline plan has no mock for the provider function ${args.token}`);
            }
        },
    };
}
