/**
 * A model of a first `pulumi up`: the engine creates a resource once everything it depends on exists, so the time to
 * create the stack is the longest path through the dependency graph weighted by how long each resource takes to
 * create. The weights are typical AWS create times (documented below; they vary by region and load), so the figure is
 * a model, not a measurement.
 */

/** Typical create times in seconds, by resource type. Component resources and the stack take no time. */
export const CREATE_SECONDS: Record<string, number> = {
    "aws:msk/cluster:Cluster": 1650, // ~25-30 minutes
    "aws:msk/configuration:Configuration": 15,
    "aws:msk/singleScramSecretAssociation:SingleScramSecretAssociation": 60,
    "aws:msk/topic:Topic": 60, // "Topic Operations": the topic API reflects a change after about a minute
    "aws:ec2/natGateway:NatGateway": 120,
    "aws:ec2/vpcEndpoint:VpcEndpoint": 120, // interface endpoints; a gateway endpoint is quicker (below)
    "aws:ec2/vpc:Vpc": 15,
    "aws:ec2/subnet:Subnet": 10,
    "aws:ec2/internetGateway:InternetGateway": 10,
    "aws:ec2/eip:Eip": 5,
    "aws:ec2/routeTable:RouteTable": 5,
    "aws:ec2/route:Route": 5,
    "aws:ec2/routeTableAssociation:RouteTableAssociation": 3,
    "aws:ec2/securityGroup:SecurityGroup": 5,
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": 3,
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": 3,
    "aws:kms/key:Key": 10,
    "aws:kms/alias:Alias": 3,
    "aws:cloudwatch/logGroup:LogGroup": 3,
    "aws:cloudwatch/metricAlarm:MetricAlarm": 3,
    "aws:cloudwatch/dashboard:Dashboard": 3,
    "aws:cloudwatch/eventBus:EventBus": 5,
    "aws:secretsmanager/secret:Secret": 5,
    "aws:secretsmanager/secretVersion:SecretVersion": 3,
    "aws:secretsmanager/secretPolicy:SecretPolicy": 5,
    "aws:iam/role:Role": 10, // includes IAM's propagation delay
    "aws:iam/rolePolicy:RolePolicy": 5,
    "aws:lambda/function:Function": 30,
    "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig": 5,
    "aws:lambda/eventSourceMapping:EventSourceMapping": 120, // Creating -> Enabled for an MSK source
    "aws:sqs/queue:Queue": 30,
    "aws:sns/topic:Topic": 5,
    "aws:s3/bucket:Bucket": 5,
    "random:index/randomPassword:RandomPassword": 0,
};
const GATEWAY_ENDPOINT_SECONDS = 10;
const DEFAULT_SECONDS = 5;

export interface GraphResource {
    urn: string;
    type: string;
    name: string;
    custom?: boolean;
    dependencies: string[];
    propertyDependencies: Record<string, string[]>;
    inputs?: Record<string, unknown>;
}

export function createSeconds(r: GraphResource): number {
    if (r.type.startsWith("pulumi:") || r.custom === false || (/^[a-z-]+:index:[A-Z]/.test(r.type) && !r.type.startsWith("random:"))) return 0;
    if (r.type === "aws:ec2/vpcEndpoint:VpcEndpoint" && r.inputs?.vpcEndpointType === "Gateway") return GATEWAY_ENDPOINT_SECONDS;
    return CREATE_SECONDS[r.type] ?? DEFAULT_SECONDS;
}

function depsOf(r: GraphResource, known: Map<string, GraphResource>): string[] {
    return [...new Set([...r.dependencies, ...Object.values(r.propertyDependencies).flat()])].filter((u) => known.has(u) && u !== r.urn);
}

export interface DeployModel {
    /** Seconds until the last resource exists. */
    totalSeconds: number;
    /** The critical path, first resource first, with when each finishes. */
    path: { urn: string; type: string; name: string; seconds: number; finishesAt: number }[];
    /** When each resource finishes, by URN. */
    finishesAt: Map<string, number>;
}

/** The critical path of a first `pulumi up` over the plan's dependency graph (linear in resources and edges). */
export function deployModel(resources: GraphResource[]): DeployModel {
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const finishesAt = new Map<string, number>();
    const via = new Map<string, string | undefined>();
    const visiting = new Set<string>();
    const finish = (urn: string): number => {
        const done = finishesAt.get(urn);
        if (done !== undefined) return done;
        if (visiting.has(urn)) throw new Error(`dependency cycle through ${urn}`);
        visiting.add(urn);
        const r = byUrn.get(urn)!;
        let start = 0;
        let from: string | undefined;
        for (const d of depsOf(r, byUrn)) {
            const f = finish(d);
            if (f > start) {
                start = f;
                from = d;
            }
        }
        visiting.delete(urn);
        const end = start + createSeconds(r);
        finishesAt.set(urn, end);
        via.set(urn, from);
        return end;
    };
    let last: string | undefined;
    let total = 0;
    for (const r of resources) {
        const f = finish(r.urn);
        if (f > total) {
            total = f;
            last = r.urn;
        }
    }
    const path: DeployModel["path"] = [];
    for (let u = last; u; u = via.get(u)) {
        const r = byUrn.get(u)!;
        if (createSeconds(r) > 0) path.unshift({ urn: u, type: r.type, name: r.name, seconds: createSeconds(r), finishesAt: finishesAt.get(u)! });
    }
    return { totalSeconds: total, path, finishesAt };
}

/** Every resource that (transitively) waits for `urn` before it can be created. */
export function waitersOn(resources: GraphResource[], urn: string): GraphResource[] {
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const dependents = new Map<string, string[]>();
    for (const r of resources) for (const d of depsOf(r, byUrn)) dependents.set(d, [...(dependents.get(d) ?? []), r.urn]);
    const seen = new Set<string>();
    const queue = [urn];
    while (queue.length) {
        for (const n of dependents.get(queue.shift()!) ?? []) {
            if (!seen.has(n)) {
                seen.add(n);
                queue.push(n);
            }
        }
    }
    return [...seen].map((u) => byUrn.get(u)!);
}

/** Every resource `urn` (transitively) waits for. */
export function prerequisitesOf(resources: GraphResource[], urn: string): GraphResource[] {
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const seen = new Set<string>();
    const queue = [urn];
    while (queue.length) {
        for (const d of depsOf(byUrn.get(queue.shift()!)!, byUrn)) {
            if (!seen.has(d)) {
                seen.add(d);
                queue.push(d);
            }
        }
    }
    return [...seen].map((u) => byUrn.get(u)!);
}
