/**
 * msk-lambda: an Amazon MSK cluster (or an existing one) consumed by AWS Lambda functions.
 *
 * Reads and validates the stack configuration (namespace `msk-lambda`, see README), builds the stack, and exports
 * what a user needs: network ids, the cluster ARN and bootstrap brokers, and each consumer's function, mapping,
 * failure destination and alarm.
 */
import * as pulumi from "@pulumi/pulumi";
import { buildStack, readStackConfig } from "./components/stack";

const config = readStackConfig();
// Advisory findings (e.g. provisioned pollers beyond a topic's partitions): shown by `pulumi preview`/`up` as warnings.
for (const note of config.notes) void pulumi.log.warn(`${note.key}: ${note.message}`);
const out = buildStack(config);

// null where the source has none (self-managed brokers over the internet: no VPC, no MSK cluster, no stack-owned port).
export const vpcId = out.vpcId ?? null;
export const privateSubnetIds = out.privateSubnetIds ?? null;
export const clusterSecurityGroupIds = out.clusterSecurityGroupIds ?? null;
export const clusterArn = out.clusterArn ?? null;
export const bootstrapBrokers = out.bootstrapBrokers;
export const brokerPort = out.brokerPort ?? null;
export const authentication = out.authentication;
export const alarmTopicArn = out.alarmTopicArn;
export const dashboardName = out.dashboardName;
/** Per consumer: function name and ARN, mapping UUID, failure destination ARN and OffsetLag alarm ARN. */
export const consumers = out.consumers;
