import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { Environment } from "../lib/config";
import { keyPolicy, type Statement } from "../lib/iam";
import { durationOf, protectionOf, TYPES } from "../lib/retention";

export interface CustomerKeyArgs {
    description: string;
    environment: Environment;
    /** Statements beyond the account's administration of the key (key users, service principals). */
    statements?: (ctx: { partition: string; account: string }) => pulumi.Input<Statement[]>;
    tags?: Record<string, string>;
}

/**
 * A customer-managed KMS key as every component of this project makes one: rotation on, a 30-day deletion window,
 * `protect` and `retainOnDelete` in prod (7 days and deletable elsewhere; lib/retention.ts: a key is kept wherever
 * what it encrypts is), and a key policy in which the account administers the key, plus the given statements.
 */
export function customerKey(name: string, args: CustomerKeyArgs, parent: pulumi.Resource): aws.kms.Key {
    const identity = aws.getCallerIdentityOutput({}, { parent });
    const partition = aws.getPartitionOutput({}, { parent });
    const policy = pulumi
        .all([partition.partition, identity.accountId])
        .apply(([p, account]) =>
            pulumi.output(args.statements?.({ partition: p, account }) ?? []).apply((extra) => JSON.stringify(keyPolicy(p, account, extra as Statement[]))),
        );
    return new aws.kms.Key(
        name,
        {
            description: args.description,
            enableKeyRotation: true,
            deletionWindowInDays: durationOf("keyDeletionWindowDays", args.environment),
            policy,
            tags: args.tags,
        },
        { parent, ...protectionOf(TYPES.key, args.environment) },
    );
}
