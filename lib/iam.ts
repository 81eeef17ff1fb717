/**
 * IAM and KMS policy document builders: plain functions over plain strings, so that tests can check the exact
 * statements without Pulumi. Components feed them resolved ARNs inside `pulumi.all(...).apply(...)`.
 */

export interface Statement {
    Sid?: string;
    Effect: "Allow" | "Deny";
    Principal?: Record<string, string | string[]>;
    Action: string | string[];
    Resource: string | string[];
    Condition?: Record<string, Record<string, string | string[] | boolean>>;
}

export interface PolicyDocument {
    Version: "2012-10-17";
    Statement: Statement[];
}

export function policy(statements: Statement[]): PolicyDocument {
    return { Version: "2012-10-17", Statement: statements };
}

/**
 * A KMS key policy: the account root administers the key (so IAM policies in the account can grant its use, AWS's
 * default), plus the given statements (key users such as an execution role or a service principal).
 */
export function keyPolicy(partition: string, accountId: string, extra: Statement[] = []): PolicyDocument {
    return policy([
        {
            Sid: "AccountAdministers",
            Effect: "Allow",
            Principal: { AWS: `arn:${partition}:iam::${accountId}:root` },
            Action: "kms:*",
            Resource: "*",
        },
        ...extra,
    ]);
}

/** Splits an MSK cluster ARN into the parts the kafka-cluster IAM resources are built from. */
export function parseClusterArn(arn: string): { prefix: string; clusterName: string; clusterUuid: string } {
    const m = /^(arn:[^:]+:kafka:[^:]+:[0-9]{12}):cluster\/([^/]+)\/(.+)$/.exec(arn);
    if (!m) throw new Error(`not an MSK cluster ARN: ${arn}`);
    return { prefix: m[1], clusterName: m[2], clusterUuid: m[3] };
}

/** Seed (IAM role-based authentication): `arn:aws:kafka:region:account-id:topic/cluster-name/cluster-uuid/topic-name`. */
export function topicArn(clusterArn: string, topic: string): string {
    const c = parseClusterArn(clusterArn);
    return `${c.prefix}:topic/${c.clusterName}/${c.clusterUuid}/${topic}`;
}

/** Seed: `arn:aws:kafka:region:account-id:group/cluster-name/cluster-uuid/consumer-group-id`. */
export function groupArn(clusterArn: string, groupId: string): string {
    const c = parseClusterArn(clusterArn);
    return `${c.prefix}:group/${c.clusterName}/${c.clusterUuid}/${groupId}`;
}
