import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { Environment } from "../lib/config";
import type { StackEnvironment } from "../lib/destinations";
import type { SourceAuthentication } from "../lib/settings";
import { protectionOf, TYPES } from "../lib/retention";
import { Issues } from "../lib/schema";
import { VPC_CONNECTION_AUTHENTICATION, type VpcConnectionAuth } from "../lib/source";

export interface ServerlessKafkaArgs {
    /** The stack's environment: `dev`, `staging` or `prod`. In prod the created cluster is protected (lib/retention.ts); a change replaces nothing. */
    environment: StackEnvironment;
    /** Cluster name (MSK: 1-64 characters). A change replaces the cluster (AWS CloudFormation, "AWS::MSK::ServerlessCluster": update requires replacement), deleting the old one first. */
    clusterName: string;
    /** An existing MSK Serverless cluster to read instead of creating one. Default: none (the component creates one). Allowed: an MSK cluster ARN. Setting it deletes a cluster this component created (in prod, protected: the update fails). */
    existingClusterArn?: string;
    /** The cluster's client subnets, in at least two AZs (the `Network` component's `clusterSubnetIds`); the pollers use them too. Ignored with `existingClusterArn`. A change replaces the cluster. */
    subnetIds: pulumi.Input<string>[];
    /** The cluster's security groups (the `Network` component's `clusterSecurityGroupIds`); the pollers use them too. Ignored with `existingClusterArn`. A change replaces the cluster. */
    securityGroupIds: pulumi.Input<string>[];
    /** Tags on the cluster. Default: none. A change updates them in place. */
    tags?: { [key: string]: string };
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
    /** The other account's MSK provisioned cluster, whose owner turned on multi-VPC connectivity and named this account. Allowed: an MSK cluster ARN. A change replaces the connection. */
    targetClusterArn: string;
    /** How the connection authenticates: `iam` (SASL_IAM), `scram` (SASL_SCRAM) or `mtls` (TLS), one the cluster allows on its multi-VPC connectivity; the other `SourceAuthentication` values are refused. A change replaces the connection. */
    authentication: SourceAuthentication;
    /** This account's VPC (the `Network` component's `vpcId`). A change replaces the connection. */
    vpcId: pulumi.Input<string>;
    /** Subnets in the cluster's AZs (by AZ id), in `vpcId` (the `Network` component's `clusterSubnetIds`): the connection's endpoints, which the pollers use too. A change replaces the connection. */
    subnetIds: pulumi.Input<string>[];
    /** The connection's security groups (the `Network` component's `clusterSecurityGroupIds`), open to the pollers on 14001-14100. A change replaces the connection. */
    securityGroupIds: pulumi.Input<string>[];
    /** Tags on the connection. Default: none. A change updates them in place. */
    tags?: { [key: string]: string };
}

/** Checks the args before anything registers: an authentication multi-VPC connectivity offers. */
function vpcConnectionAuth(name: string, args: KafkaVpcConnectionArgs): VpcConnectionAuth {
    const auth = `${args.authentication}`;
    const issues = new Issues();
    if (!Object.prototype.hasOwnProperty.call(VPC_CONNECTION_AUTHENTICATION, auth))
        issues.add(`${name}.authentication`, `${JSON.stringify(auth)} is not offered by a managed VPC connection: use "iam", "scram" or "mtls"`);
    issues.throwIfAny();
    return auth as VpcConnectionAuth;
}

/**
 * An MSK managed VPC connection in this stack's VPC to another account's cluster (Amazon MSK, "Step 3: Cross-account
 * user actions to configure a client-managed VPC connection"; AWS Lambda, "Creating cross-account event source
 * mappings": the mapping's event source is the connection's ARN). Every input but `tags` is create-only (AWS
 * CloudFormation, "AWS::MSK::VpcConnection"); an authentication the connection does not offer fails before anything registers.
 */
export class KafkaVpcConnection extends pulumi.ComponentResource {
    public readonly connectionArn: pulumi.Output<string>;
    public readonly connection: aws.msk.VpcConnection;

    constructor(name: string, args: KafkaVpcConnectionArgs, opts?: pulumi.ComponentResourceOptions) {
        const authentication = vpcConnectionAuth(name, args);
        super("msk-lambda:index:KafkaVpcConnection", name, {}, opts);
        this.connection = new aws.msk.VpcConnection(
            `${name}-connection`,
            {
                targetClusterArn: args.targetClusterArn,
                authentication: VPC_CONNECTION_AUTHENTICATION[authentication],
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
