import * as pulumi from "@pulumi/pulumi";
import { parseStackConfig, type StackConfig } from "../lib/config";
import { KafkaCluster } from "./kafka-cluster";
import { Network } from "./network";

/**
 * Reads and validates this stack's configuration before any resource is registered. Throws `ConfigError` (a
 * `RunError`: the CLI prints the message without a stack trace).
 */
export function readStackConfig(): StackConfig {
    // `isConfigSecret` is how the SDK itself knows which keys were set with --secret.
    const { isConfigSecret } = require("@pulumi/pulumi/runtime/config") as { isConfigSecret(k: string): boolean };
    const raw = pulumi.runtime.allConfig();
    return parseStackConfig(raw, {
        project: pulumi.getProject(),
        stack: pulumi.getStack(),
        secretKeys: Object.keys(raw).filter((k) => isConfigSecret(k)),
    });
}

export interface StackOutputs {
    vpcId: pulumi.Output<string>;
    privateSubnetIds: pulumi.Output<string>[];
    clusterSecurityGroupIds: pulumi.Output<string>[];
    clusterArn: pulumi.Output<string>;
    bootstrapBrokers: pulumi.Output<string>;
    brokerPort: number;
    authentication: string;
}

/** Builds the whole stack from validated configuration. */
export function buildStack(cfg: StackConfig): StackOutputs {
    const base = `${cfg.project}-${cfg.stack}`;
    const tags = { project: cfg.project, stack: cfg.stack, environment: cfg.environment, "managed-by": "pulumi" };

    const network = new Network("network", {
        config: cfg.network,
        brokerPort: cfg.cluster.brokerPort,
        createClusterSecurityGroup: !cfg.cluster.existingClusterArn,
        tags,
    });

    const cluster = new KafkaCluster("kafka", {
        config: cfg.cluster,
        environment: cfg.environment,
        clusterName: base.slice(0, 64),
        subnetIds: network.clusterSubnetIds,
        securityGroupIds: network.clusterSecurityGroupIds,
        tags,
    });

    return {
        vpcId: network.vpcId,
        privateSubnetIds: network.privateSubnetIds,
        clusterSecurityGroupIds: network.clusterSecurityGroupIds,
        clusterArn: cluster.clusterArn,
        bootstrapBrokers: cluster.bootstrapBrokers,
        brokerPort: cfg.cluster.brokerPort,
        authentication: cfg.cluster.authentication,
    };
}
