import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { Environment } from "../lib/config";
import type { StackEnvironment } from "../lib/destinations";
import type { SourceAuthentication } from "../lib/settings";
import { protectionOf, TYPES } from "../lib/retention";
import { VPC_CONNECTION_AUTHENTICATION, type VpcConnectionAuth } from "../lib/source";

export interface ServerlessKafkaArgs {
    /** The stack's environment: in prod the cluster is protected (lib/retention.ts). */
    environment: StackEnvironment;
    /** Cluster name (MSK: 1-64 characters). A change replaces the cluster. */
    clusterName: string;
    /** An existing MSK Serverless cluster to read instead of creating one. */
    existingClusterArn?: string;
    /** Subnets in at least two AZs: the cluster's VPC configuration, which the pollers use too. */
    subnetIds: pulumi.Input<string>[];
    securityGroupIds: pulumi.Input<string>[];
    tags?: Record<string, string>;
}

/**
 * An MSK Serverless cluster (`aws.msk.ServerlessCluster`), or a reference to one that exists. IAM authentication only
 * (Amazon MSK, "MSK Serverless"); its VPC configuration is the network's cluster subnets and security group, which
 * Lambda's pollers use too ("Configuring your Amazon MSK cluster and Amazon VPC network for Lambda"). Nothing else is
 * set: MSK Serverless has no broker type, storage, configuration or broker logs.
 */
export class ServerlessKafka extends pulumi.ComponentResource {
    public readonly clusterArn: pulumi.Output<string>;
    public readonly bootstrapBrokers: pulumi.Output<string>;
    public readonly cluster?: aws.msk.ServerlessCluster;

    constructor(name: string, args: ServerlessKafkaArgs, opts?: pulumi.ComponentResourceOptions) {
        super("msk-lambda:index:ServerlessKafka", name, {}, opts);
        if (args.existingClusterArn) {
            this.clusterArn = pulumi.output(args.existingClusterArn);
            this.bootstrapBrokers = aws.msk.getBootstrapBrokersOutput({ clusterArn: args.existingClusterArn }, { parent: this }).bootstrapBrokersSaslIam;
        } else {
            this.cluster = new aws.msk.ServerlessCluster(
                args.clusterName,
                {
                    clusterName: args.clusterName,
                    clientAuthentication: { sasl: { iam: { enabled: true } } },
                    vpcConfigs: [{ subnetIds: args.subnetIds, securityGroupIds: args.securityGroupIds }],
                    tags: args.tags,
                },
                // clusterName is fixed: a replacement (new subnets or groups) must delete the old cluster first.
                { parent: this, deleteBeforeReplace: true, ...protectionOf(TYPES.serverlessCluster, `${args.environment}` as Environment) },
            );
            this.clusterArn = this.cluster.arn;
            this.bootstrapBrokers = this.cluster.bootstrapBrokersSaslIam;
        }
        this.registerOutputs({ clusterArn: this.clusterArn, bootstrapBrokers: this.bootstrapBrokers });
    }
}

export interface KafkaVpcConnectionArgs {
    /** The other account's MSK cluster, whose owner turned on multi-VPC connectivity and named this account. */
    targetClusterArn: string;
    /** `iam`, `scram` or `mtls`: one the cluster allows on its multi-VPC connectivity. A change replaces the connection. */
    authentication: SourceAuthentication;
    vpcId: pulumi.Input<string>;
    /** Subnets in the cluster's AZs (by AZ id): the connection's endpoints, which the pollers use too. */
    subnetIds: pulumi.Input<string>[];
    securityGroupIds: pulumi.Input<string>[];
    tags?: Record<string, string>;
}

/**
 * An MSK managed VPC connection in this stack's VPC to another account's cluster (Amazon MSK, "Step 3: Cross-account
 * user actions to configure a client-managed VPC connection"; AWS Lambda, "Creating cross-account event source
 * mappings": the mapping's event source is the connection's ARN). Every input is create-only.
 */
export class KafkaVpcConnection extends pulumi.ComponentResource {
    public readonly connectionArn: pulumi.Output<string>;
    public readonly connection: aws.msk.VpcConnection;

    constructor(name: string, args: KafkaVpcConnectionArgs, opts?: pulumi.ComponentResourceOptions) {
        super("msk-lambda:index:KafkaVpcConnection", name, {}, opts);
        this.connection = new aws.msk.VpcConnection(
            `${name}-connection`,
            {
                targetClusterArn: args.targetClusterArn,
                authentication: VPC_CONNECTION_AUTHENTICATION[`${args.authentication}` as VpcConnectionAuth],
                vpcId: args.vpcId,
                clientSubnets: args.subnetIds,
                securityGroups: args.securityGroupIds,
                tags: args.tags,
            },
            { parent: this },
        );
        this.connectionArn = this.connection.arn;
        this.registerOutputs({ connectionArn: this.connectionArn });
    }
}
