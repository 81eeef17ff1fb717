import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { parseNetworkSettings, type NetworkConfig } from "../lib/config";
import type { FailureDestinationType, NetworkSettings } from "../lib/settings";
import { factsOf } from "../policies/lib/public";
import { clusterSubnetCount, planSubnets } from "../lib/layout";

/** AWS services the event source mapping's pollers call from the cluster's subnets. */
export type InterfaceService = "lambda" | "sts" | "secretsmanager" | "sqs" | "sns";

/** A destination's VPC endpoint, as the destination catalogue describes it (policies/lib/destinations.ts). */
export interface DestinationEndpoint {
    service: string;
    type: "Interface" | "Gateway";
}

export interface NetworkArgs {
    /**
     * The network: the keys, defaults and checks of `msk-lambda:network` (README's config reference). Bad settings fail
     * with every problem named before anything is registered. Default: a created VPC in `privatelink` mode.
     */
    settings?: NetworkSettings;
    /** Broker port of the cluster's authentication ("Using Lambda with Amazon MSK": 9092 plaintext, 9094 TLS, 9096 SASL/SCRAM, 9098 IAM). */
    brokerPort: number;
    /**
     * The last port of a range from `brokerPort`, for the security group of an MSK managed VPC connection (multi-VPC
     * private connectivity: brokers on 14001-14100, lib/source.ts `VPC_CONNECTION_PORTS`). Default: `brokerPort` alone.
     */
    brokerPortTo?: number;
    /**
     * Create the cluster's security group. False when attaching to an existing cluster, whose groups are
     * `settings.clusterSecurityGroupIds`.
     */
    createClusterSecurityGroup: boolean;
    /** The cluster's AZs (`cluster.azCount`): its client subnets are the first this many private subnets. Default min(3, subnets). A change replaces the cluster. */
    clusterAzCount?: number;
    /**
     * The kinds of the consumers' failure destinations: each gets its VPC endpoint in the cluster's VPC (SQS or SNS
     * interface, S3 gateway; none for a Kafka topic), in every mode that creates endpoints ("Capturing discarded
     * batches for an Amazon MSK event source").
     */
    failureDestinationTypes?: FailureDestinationType[];
    /** Tags for every taggable resource. */
    tags?: { [key: string]: string };
}

/**
 * The cluster's network: a VPC with private subnets (or an existing VPC), the cluster security group, and the path
 * Lambda's pollers need to STS, Lambda and Secrets Manager (interface endpoints or NAT gateways).
 *
 * "Using Lambda with Amazon MSK" (networking): the event source mapping's hyperplane ENIs use **the cluster's** subnets and security
 * groups, not the function's, so every rule here is about the cluster's subnets.
 */
export class Network extends pulumi.ComponentResource {
    public readonly vpcId: pulumi.Output<string>;
    /** One private subnet per AZ. */
    public readonly privateSubnetIds: pulumi.Output<string>[];
    /** The subnets the cluster (and so the mapping's pollers) use: the first 2 or 3 private subnets. */
    public readonly clusterSubnetIds: pulumi.Output<string>[];
    public readonly publicSubnetIds: pulumi.Output<string>[] = [];
    /** The cluster's security group(s): the mapping's pollers use these. */
    public readonly clusterSecurityGroupIds: pulumi.Output<string>[];
    public readonly clusterSecurityGroup?: aws.ec2.SecurityGroup;
    /** The interface endpoints' security group, created with the first interface endpoint. */
    public endpointSecurityGroup?: aws.ec2.SecurityGroup;
    public readonly natGateways: aws.ec2.NatGateway[] = [];
    public readonly privateRouteTables: aws.ec2.RouteTable[] = [];
    /** Every VPC endpoint, by service (`lambda`, `sts`, `secretsmanager`, and the failure destinations' `sqs`, `sns`, `s3`). */
    public readonly endpoints: { [service: string]: aws.ec2.VpcEndpoint } = {};
    /** The pollers' Lambda, STS and Secrets Manager interface endpoints (`privatelink`, or `existing` with endpoints). */
    public readonly pathEndpoints: aws.ec2.VpcEndpoint[] = [];
    /** The private subnets' default routes through the NAT gateways (`nat`). */
    public readonly natRoutes: aws.ec2.Route[] = [];
    /**
     * Known when the pollers' path to STS, Lambda and Secrets Manager exists (its endpoints or NAT routes): what a
     * `Consumer`'s `waitFor` takes.
     */
    public readonly pollerPathReady: pulumi.Output<string>;

    /** Lambda, STS and Secrets Manager interface endpoints (the pollers' path without NAT). */
    private readonly endpointsEnabled: boolean;
    /** Endpoints for failure destinations: in every mode where the program owns the VPC's endpoints. */
    private readonly destinationEndpointsEnabled: boolean;
    private readonly region: pulumi.Output<string>;
    private readonly tags: Record<string, string>;
    private readonly name: string;
    private readonly existingRouteTableIds: string[];

    constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
        // Validated before anything registers (the component resource included).
        const cfg = parseNetworkSettings(args.settings, `${name}.settings`);
        super("msk-lambda:index:Network", name, {}, opts);
        this.name = name;
        this.tags = args.tags ?? {};
        this.existingRouteTableIds = cfg.privateRouteTableIds ?? [];
        this.region = aws.getRegionOutput({}, { parent: this }).region;
        this.endpointsEnabled = cfg.mode === "privatelink" || (cfg.mode === "existing" && cfg.endpoints);
        this.destinationEndpointsEnabled = cfg.mode !== "existing" || cfg.endpoints;

        if (cfg.mode === "existing") {
            this.vpcId = pulumi.output(cfg.vpcId!);
            this.privateSubnetIds = cfg.privateSubnetIds!.map((id) => pulumi.output(id));
        } else {
            const created = this.createVpc(cfg);
            this.vpcId = created.vpcId;
            this.privateSubnetIds = created.privateSubnetIds;
        }
        this.clusterSubnetIds = this.privateSubnetIds.slice(0, args.clusterAzCount ?? clusterSubnetCount(this.privateSubnetIds.length));

        if (args.createClusterSecurityGroup) {
            this.clusterSecurityGroup = this.createClusterSecurityGroup({ from: args.brokerPort, to: args.brokerPortTo ?? args.brokerPort });
            this.clusterSecurityGroupIds = [this.clusterSecurityGroup.id];
        } else {
            this.clusterSecurityGroupIds = (cfg.clusterSecurityGroupIds ?? []).map((id) => pulumi.output(id));
        }

        if (this.endpointsEnabled) {
            // "Using Lambda with Amazon MSK": "deploy AWS PrivateLink VPC endpoints for Lambda and AWS STS. The poller needs access to AWS STS to
            // assume the execution role ... Lambda must have access to the Lambda VPC endpoint to invoke the function.
            // If you configured a secret in Secrets Manager ..., also deploy a VPC endpoint for Secrets Manager."
            for (const service of ["lambda", "sts", "secretsmanager"] as const) {
                this.pathEndpoints.push(this.interfaceEndpoint(service));
            }
        }

        this.pollerPathReady = pulumi.all(this.pathResources.map((r) => (r as aws.ec2.VpcEndpoint | aws.ec2.Route).id)).apply((ids) => ids.join(","));

        for (const type of new Set(args.failureDestinationTypes ?? [])) {
            const endpoint = factsOf(`${type}`)?.endpoint;
            if (endpoint) this.ensureDestinationEndpoint(endpoint);
        }

        this.registerOutputs({
            vpcId: this.vpcId,
            privateSubnetIds: this.privateSubnetIds,
            clusterSubnetIds: this.clusterSubnetIds,
            clusterSecurityGroupIds: this.clusterSecurityGroupIds,
        });
    }

    /**
     * What the pollers' path to AWS services consists of (NAT routes or interface endpoints): the event source mapping
     * depends on these, because Lambda checks the connection when it creates the mapping. (A getter: the component
     * package's schema lists the resources themselves, `pathEndpoints` and `natRoutes`.)
     */
    get pathResources(): pulumi.Resource[] {
        return [...this.pathEndpoints, ...this.natRoutes];
    }

    /**
     * Makes sure the pollers can reach a failure destination's service. "Capturing discarded batches for an Amazon MSK
     * event source": "You must deploy a VPC endpoint for the on-failure destination service inside your Apache Kafka
     * cluster VPC." So in every mode where the program owns the endpoints (`privatelink`, `nat`, and `existing` with
     * `endpoints`), SQS and SNS get interface endpoints and S3 a gateway endpoint on the private route tables (for an
     * existing VPC, `network.privateRouteTableIds`, which the config requires then). In `existing` mode without
     * `endpoints` the VPC is yours and nothing is created. Idempotent.
     */
    public ensureDestinationEndpoint(endpoint: DestinationEndpoint): pulumi.Resource | undefined {
        if (!this.destinationEndpointsEnabled) return undefined;
        const service = endpoint.service;
        const existing = this.endpoints[service];
        if (existing) return existing;
        if (endpoint.type === "Interface") return this.interfaceEndpoint(service);
        const routeTableIds = this.privateRouteTables.length > 0 ? this.privateRouteTables.map((rt) => rt.id) : this.existingRouteTableIds;
        if (routeTableIds.length === 0) {
            // Validated in lib/config.ts; a gateway endpoint on no route table would route nothing.
            throw new Error(`a ${service} failure destination needs network.privateRouteTableIds in existing mode with endpoints`);
        }
        const ep = new aws.ec2.VpcEndpoint(
            `${this.name}-${service}`,
            {
                vpcId: this.vpcId,
                serviceName: pulumi.interpolate`com.amazonaws.${this.region}.${service}`,
                vpcEndpointType: "Gateway",
                routeTableIds,
                tags: { ...this.tags, Name: `${this.name}-${service}` },
            },
            { parent: this },
        );
        this.endpoints[service] = ep;
        return ep;
    }

    private interfaceEndpoint(service: InterfaceService | (string & {})): aws.ec2.VpcEndpoint {
        const existing = this.endpoints[service];
        if (existing) return existing;
        const ep = new aws.ec2.VpcEndpoint(
            `${this.name}-${service}`,
            {
                vpcId: this.vpcId,
                serviceName: pulumi.interpolate`com.amazonaws.${this.region}.${service}`,
                vpcEndpointType: "Interface",
                privateDnsEnabled: true,
                subnetIds: this.privateSubnetIds,
                securityGroupIds: [(this.endpointSecurityGroup ??= this.createEndpointSecurityGroup()).id],
                tags: { ...this.tags, Name: `${this.name}-${service}` },
            },
            { parent: this },
        );
        this.endpoints[service] = ep;
        return ep;
    }

    /** The NAT path: public subnets routed to an internet gateway, and one NAT gateway per public subnet. */
    private createNatGateways(vpc: aws.ec2.Vpc, publicSubnets: aws.ec2.Subnet[]): void {
        const igw = new aws.ec2.InternetGateway(`${this.name}-igw`, { vpcId: vpc.id, tags: { ...this.tags, Name: `${this.name}-igw` } }, { parent: this });
        const publicRt = new aws.ec2.RouteTable(
            `${this.name}-public`,
            { vpcId: vpc.id, tags: { ...this.tags, Name: `${this.name}-public` } },
            { parent: this },
        );
        new aws.ec2.Route(`${this.name}-public-default`, { routeTableId: publicRt.id, destinationCidrBlock: "0.0.0.0/0", gatewayId: igw.id }, { parent: this });
        publicSubnets.forEach((s, az) => {
            new aws.ec2.RouteTableAssociation(`${this.name}-public-${az}`, { subnetId: s.id, routeTableId: publicRt.id }, { parent: this });
            // "Using Lambda with Amazon MSK": "make sure that the VPC associated to your MSK cluster includes one NAT gateway per public subnet."
            const eip = new aws.ec2.Eip(`${this.name}-nat-${az}`, { domain: "vpc", tags: { ...this.tags, Name: `${this.name}-nat-${az}` } }, { parent: this });
            this.natGateways.push(
                new aws.ec2.NatGateway(
                    `${this.name}-nat-${az}`,
                    { subnetId: s.id, allocationId: eip.allocationId, tags: { ...this.tags, Name: `${this.name}-nat-${az}` } },
                    { parent: this, dependsOn: [igw] },
                ),
            );
        });
    }

    private createVpc(cfg: NetworkConfig) {
        const mode = cfg.mode as "privatelink" | "nat";
        const plan = planSubnets(cfg.cidrBlock, cfg.azCount, mode);
        // The region's Availability Zones only (opt-in-not-required; Local and Wavelength Zones, which the API lists too
        // once opted in, are excluded) in name order, and not only those "available" right now: opting in to a Local Zone
        // or an AZ briefly impaired must not shift the index-to-AZ mapping, which would move every subnet after it.
        const azs = aws.getAvailabilityZonesOutput({ filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }] }, { parent: this });
        const vpc = new aws.ec2.Vpc(
            `${this.name}-vpc`,
            {
                cidrBlock: cfg.cidrBlock,
                // Interface endpoints with private DNS need both.
                enableDnsHostnames: true,
                enableDnsSupport: true,
                tags: { ...this.tags, Name: `${this.name}-vpc` },
            },
            { parent: this },
        );

        const subnets = plan.map(
            (p) =>
                new aws.ec2.Subnet(
                    `${this.name}-${p.tier}-${p.az}`,
                    {
                        vpcId: vpc.id,
                        cidrBlock: p.cidrBlock,
                        availabilityZone: azs.names.apply((names) => names[p.az]),
                        mapPublicIpOnLaunch: false,
                        tags: { ...this.tags, Name: `${this.name}-${p.tier}-${p.az}`, tier: p.tier },
                    },
                    { parent: this },
                ),
        );
        const privateSubnets = subnets.filter((_, i) => plan[i].tier === "private");
        const publicSubnets = subnets.filter((_, i) => plan[i].tier === "public");
        this.publicSubnetIds.push(...publicSubnets.map((s) => s.id));

        if (mode === "nat") this.createNatGateways(vpc, publicSubnets);

        privateSubnets.forEach((s, az) => {
            const rt = new aws.ec2.RouteTable(
                `${this.name}-private-${az}`,
                { vpcId: vpc.id, tags: { ...this.tags, Name: `${this.name}-private-${az}` } },
                { parent: this },
            );
            this.privateRouteTables.push(rt);
            new aws.ec2.RouteTableAssociation(`${this.name}-private-${az}`, { subnetId: s.id, routeTableId: rt.id }, { parent: this });
            if (mode === "nat") {
                // Each private subnet leaves through the NAT gateway of its own AZ.
                this.natRoutes.push(
                    new aws.ec2.Route(
                        `${this.name}-private-${az}-default`,
                        { routeTableId: rt.id, destinationCidrBlock: "0.0.0.0/0", natGatewayId: this.natGateways[az].id },
                        { parent: this },
                    ),
                );
            }
        });

        return { vpcId: vpc.id, privateSubnetIds: privateSubnets.map((s) => s.id) };
    }

    /**
     * "Using Lambda with Amazon MSK" (security group rules): inbound on the broker port from the event source's security groups (here: itself);
     * outbound 443 to all destinations and the broker port to the event source's security groups. Nothing from
     * 0.0.0.0/0.
     */
    private createClusterSecurityGroup(ports: { from: number; to: number }): aws.ec2.SecurityGroup {
        const port = ports.from === ports.to ? `${ports.from}` : `${ports.from}-${ports.to}`;
        const sg = new aws.ec2.SecurityGroup(
            `${this.name}-cluster`,
            {
                vpcId: this.vpcId,
                description: "MSK brokers and Lambda event source mapping pollers",
                tags: { ...this.tags, Name: `${this.name}-cluster` },
            },
            { parent: this },
        );
        new aws.vpc.SecurityGroupIngressRule(
            `${this.name}-cluster-in-broker`,
            {
                securityGroupId: sg.id,
                referencedSecurityGroupId: sg.id,
                ipProtocol: "tcp",
                fromPort: ports.from,
                toPort: ports.to,
                description: `Kafka ${port} from the mapping's pollers`,
            },
            { parent: this },
        );
        new aws.vpc.SecurityGroupEgressRule(
            `${this.name}-cluster-out-broker`,
            {
                securityGroupId: sg.id,
                referencedSecurityGroupId: sg.id,
                ipProtocol: "tcp",
                fromPort: ports.from,
                toPort: ports.to,
                description: `Kafka ${port} to the brokers`,
            },
            { parent: this },
        );
        new aws.vpc.SecurityGroupEgressRule(
            `${this.name}-cluster-out-https`,
            {
                securityGroupId: sg.id,
                cidrIpv4: "0.0.0.0/0",
                ipProtocol: "tcp",
                fromPort: 443,
                toPort: 443,
                description: "HTTPS to STS, Lambda, Secrets Manager and destinations",
            },
            { parent: this },
        );
        return sg;
    }

    /** "Using Lambda with Amazon MSK": "the security groups associated with your VPC endpoints must allow inbound traffic on port 443 from the event source's security groups." */
    private createEndpointSecurityGroup(): aws.ec2.SecurityGroup {
        const sg = new aws.ec2.SecurityGroup(
            `${this.name}-endpoints`,
            { vpcId: this.vpcId, description: "Interface endpoints used by Lambda's MSK pollers", tags: { ...this.tags, Name: `${this.name}-endpoints` } },
            { parent: this },
        );
        const sources = this.clusterSecurityGroupIds;
        sources.forEach((source, i) => {
            new aws.vpc.SecurityGroupIngressRule(
                `${this.name}-endpoints-in-https-${i}`,
                {
                    securityGroupId: sg.id,
                    referencedSecurityGroupId: source,
                    ipProtocol: "tcp",
                    fromPort: 443,
                    toPort: 443,
                    description: "HTTPS from the cluster's security group",
                },
                { parent: this },
            );
        });
        return sg;
    }
}
