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

/** What a computed-attribute function is given: the resource and helpers for deterministic ids, names and ARNs. */
interface Ctx {
    type: string;
    name: string;
    inputs: Record<string, any>;
    region: string;
    acct: string;
    /** A deterministic EC2-style id with this prefix. */
    id(prefix: string): string;
    /** The input name property (default `name`), or the auto-name the provider would give. */
    n(prop?: string): string;
}

type Computed = (c: Ctx) => Record<string, unknown>;

/** EC2 networking: ids (and ARNs where EC2 has them). */
const NETWORK: Record<string, Computed> = {
    "aws:ec2/vpc:Vpc": (c) => ({ id: c.id("vpc"), arn: `arn:aws:ec2:${c.region}:${c.acct}:vpc/${c.id("vpc")}` }),
    "aws:ec2/subnet:Subnet": (c) => ({ id: c.id("subnet"), arn: `arn:aws:ec2:${c.region}:${c.acct}:subnet/${c.id("subnet")}` }),
    "aws:ec2/securityGroup:SecurityGroup": (c) => ({ id: c.id("sg"), arn: `arn:aws:ec2:${c.region}:${c.acct}:security-group/${c.id("sg")}`, name: c.n() }),
    "aws:ec2/routeTable:RouteTable": (c) => ({ id: c.id("rtb") }),
    "aws:ec2/internetGateway:InternetGateway": (c) => ({ id: c.id("igw") }),
    "aws:ec2/natGateway:NatGateway": (c) => ({ id: c.id("nat") }),
    "aws:ec2/eip:Eip": (c) => ({ id: c.id("eipalloc"), allocationId: c.id("eipalloc"), publicIp: "203.0.113.10" }),
    "aws:ec2/vpcEndpoint:VpcEndpoint": (c) => ({ id: c.id("vpce"), arn: `arn:aws:ec2:${c.region}:${c.acct}:vpc-endpoint/${c.id("vpce")}` }),
};

/** Amazon MSK: cluster ARNs and bootstrap broker strings per listener. */
const KAFKA: Record<string, Computed> = {
    "aws:msk/configuration:Configuration": (c) => ({ arn: `arn:aws:kafka:${c.region}:${c.acct}:configuration/${c.n()}/${uuid(c.name)}-1`, latestRevision: 1 }),
    "aws:msk/cluster:Cluster": (c) => {
        const cn = c.inputs.clusterName ?? c.name;
        const host = (i: number) => `b-${i}.${cn}.${hex(c.name, 6)}.c2.kafka.${c.region}.amazonaws.com`;
        const list = (port: number) => [1, 2, 3].map((i) => `${host(i)}:${port}`).join(",");
        return {
            arn: `arn:aws:kafka:${c.region}:${c.acct}:cluster/${cn}/${uuid(c.name)}-2`,
            clusterUuid: `${uuid(c.name)}-2`,
            bootstrapBrokers: list(9092),
            bootstrapBrokersTls: list(9094),
            bootstrapBrokersSaslScram: list(9096),
            bootstrapBrokersSaslIam: list(9098),
            currentVersion: "K3AEGXETSR30VB",
        };
    },
    "aws:msk/serverlessCluster:ServerlessCluster": (c) => {
        const cn = c.inputs.clusterName ?? c.name;
        const host = `boot-${hex(c.name, 8)}.c1.kafka-serverless.${c.region}.amazonaws.com`;
        return {
            arn: `arn:aws:kafka:${c.region}:${c.acct}:cluster/${cn}/${uuid(c.name)}-s1`,
            clusterUuid: `${uuid(c.name)}-s1`,
            bootstrapBrokersSaslIam: `${host}:9098`,
        };
    },
    // "Creating cross-account event source mappings": arn:aws:kafka:<region>:<account>:vpc-connection/<cluster account>/<cluster name>/<uuid>.
    "aws:msk/vpcConnection:VpcConnection": (c) => {
        const target = String(c.inputs.targetClusterArn ?? "");
        const [, , , , owner = c.acct, rest = ""] = target.split(":");
        const clusterName = rest.split("/")[1] ?? "cluster";
        return { arn: `arn:aws:kafka:${c.region}:${c.acct}:vpc-connection/${owner}/${clusterName}/${uuid(c.name)}-7` };
    },
    "aws:msk/clusterPolicy:ClusterPolicy": (c) => ({ id: c.inputs.clusterArn, currentVersion: "K3AEGXETSR30VB" }),
};

/** Lambda: the function's ARNs and the event source mapping's UUID. */
const LAMBDA: Record<string, Computed> = {
    "aws:lambda/function:Function": (c) => {
        const fn = c.n();
        const arn = `arn:aws:lambda:${c.region}:${c.acct}:function:${fn}`;
        return {
            arn,
            name: fn,
            qualifiedArn: `${arn}:$LATEST`,
            invokeArn: `arn:aws:apigateway:${c.region}:lambda:path/2015-03-31/functions/${arn}/invocations`,
            version: "$LATEST",
        };
    },
    "aws:lambda/eventSourceMapping:EventSourceMapping": (c) => {
        const u = uuid(c.type + c.name);
        return {
            id: u,
            uuid: u,
            arn: `arn:aws:lambda:${c.region}:${c.acct}:event-source-mapping:${u}`,
            state: c.inputs.enabled === false ? "Disabled" : "Enabled",
        };
    },
};

/** Keys, secrets and IAM. */
const SECURITY: Record<string, Computed> = {
    "aws:kms/key:Key": (c) => {
        const keyId = uuid(c.type + c.name);
        return { id: keyId, keyId, arn: `arn:aws:kms:${c.region}:${c.acct}:key/${keyId}` };
    },
    "aws:iam/role:Role": (c) => ({ arn: `arn:aws:iam::${c.acct}:role/${c.n()}`, name: c.n(), id: c.n(), uniqueId: `AROA${hex(c.name, 17).toUpperCase()}` }),
    "aws:iam/policy:Policy": (c) => ({ arn: `arn:aws:iam::${c.acct}:policy/${c.n()}`, name: c.n() }),
    "aws:secretsmanager/secret:Secret": (c) => {
        const arn = `arn:aws:secretsmanager:${c.region}:${c.acct}:secret:${c.n()}-${hex(c.name, 6)}`;
        return { id: arn, arn, name: c.n() };
    },
    "aws:secretsmanager/secretVersion:SecretVersion": (c) => ({ versionId: uuid(c.type + c.name), arn: c.inputs.secretId }),
    "random:index/randomPassword:RandomPassword": (c) => ({ result: `mock-${hex(c.name, 24)}` }),
};

/** Destinations, stores and monitoring. */
const DATA: Record<string, Computed> = {
    "aws:cloudwatch/logGroup:LogGroup": (c) => ({ arn: `arn:aws:logs:${c.region}:${c.acct}:log-group:${c.n()}` }),
    "aws:sqs/queue:Queue": (c) => ({
        arn: `arn:aws:sqs:${c.region}:${c.acct}:${c.n()}`,
        url: `https://sqs.${c.region}.amazonaws.com/${c.acct}/${c.n()}`,
        name: c.n(),
    }),
    "aws:sns/topic:Topic": (c) => ({ arn: `arn:aws:sns:${c.region}:${c.acct}:${c.n()}`, name: c.n() }),
    "aws:s3/bucket:Bucket": (c) => ({ id: c.n("bucket"), bucket: c.n("bucket"), arn: `arn:aws:s3:::${c.n("bucket")}` }),
    "aws:cloudwatch/metricAlarm:MetricAlarm": (c) => ({ arn: `arn:aws:cloudwatch:${c.region}:${c.acct}:alarm:${c.n()}`, name: c.n() }),
    "aws:cloudwatch/eventBus:EventBus": (c) => ({ arn: `arn:aws:events:${c.region}:${c.acct}:event-bus/${c.n()}`, name: c.n() }),
    "aws:dynamodb/table:Table": (c) => ({ id: c.n(), arn: `arn:aws:dynamodb:${c.region}:${c.acct}:table/${c.n()}`, name: c.n() }),
    "aws:glue/registry:Registry": (c) => ({
        id: c.n("registryName"),
        arn: `arn:aws:glue:${c.region}:${c.acct}:registry/${c.n("registryName")}`,
        registryName: c.n("registryName"),
    }),
};

const COMPUTED: Record<string, Computed> = { ...NETWORK, ...KAFKA, ...LAMBDA, ...SECURITY, ...DATA };

/** Computed attributes a real create returns, by type. */
function computed(type: string, name: string, inputs: Record<string, any>, region: string): Record<string, unknown> {
    const f = COMPUTED[type];
    if (!f) return {};
    const id = (prefix: string) => `${prefix}-${hex(type + name, 17)}`;
    const n = (prop = "name") => inputs[prop] ?? `${name}-${hex(name, 7)}`;
    return f({ type, name, inputs, region, acct: MOCK_ACCOUNT, id, n });
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
