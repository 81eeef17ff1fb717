import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { Environment, SecretConfig } from "../lib/config";
import { policy } from "../lib/iam";
import { MSK_SCRAM_SECRET_PREFIX } from "../policies/lib/public";
import { customerKey } from "./kms";
import { durationOf, protectionOf, TYPES } from "../lib/retention";

/** The mapping's `sourceAccessConfigurations` type for each secret-based authentication. */
export const ACCESS_CONFIGURATION_TYPES = {
    // "Using Lambda with Amazon MSK": MSK supports SASL/SCRAM (SCRAM-SHA-512); it does not support SASL/PLAIN (BASIC_AUTH).
    scram: "SASL_SCRAM_512_AUTH",
    mtls: "CLIENT_CERTIFICATE_TLS_AUTH",
} as const;

export interface ClusterCredentialsArgs {
    authentication: "scram" | "mtls";
    environment: Environment;
    /** Base of physical names, e.g. `msk-lambda-dev`. */
    baseName: string;
    clusterArn: pulumi.Input<string>;
    /** Associate the SCRAM secret with the cluster (false when the cluster is not managed here and already has it). */
    associate: boolean;
    secrets: SecretConfig;
    tags?: Record<string, string>;
}

/**
 * The Secrets Manager secret Lambda authenticates with, encrypted with its own customer-managed key.
 *
 * - SCRAM: a secret named `AmazonMSK_...` (MSK only accepts those, encrypted with a customer-managed key), value
 *   `{"username","password"}`, associated with the cluster; the password comes from `scramPassword` or is generated.
 * - mTLS: value `{"certificate","privateKey","privateKeyPassword"?}` from secret config ("Using Lambda with Amazon MSK": "The
 *   CLIENT_CERTIFICATE_TLS_AUTH secret requires a certificate field and a private key field ... For an encrypted
 *   private key, the secret requires a private key password").
 *
 * One secret per stack: every consumer's role may read it (and nothing else), and decrypt only with its key.
 */
export class ClusterCredentials extends pulumi.ComponentResource {
    public readonly secretArn: pulumi.Output<string>;
    public readonly kmsKeyArn: pulumi.Output<string>;
    public readonly accessConfigurationType: (typeof ACCESS_CONFIGURATION_TYPES)[keyof typeof ACCESS_CONFIGURATION_TYPES];
    /** What must exist before a mapping can use the secret: its value and (SCRAM) the cluster association. */
    public readonly ready: pulumi.Resource[] = [];

    constructor(name: string, args: ClusterCredentialsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("msk-lambda:index:ClusterCredentials", name, {}, opts);
        const tags = args.tags ?? {};
        this.accessConfigurationType = ACCESS_CONFIGURATION_TYPES[args.authentication];

        // Named from the stack's base name, not this component's name, so a component rename keeps the URNs.
        const key = customerKey(
            `${args.baseName}-credentials-key`,
            { description: `Encrypts the ${args.authentication.toUpperCase()} secret of ${args.baseName}`, environment: args.environment, tags },
            this,
        );
        this.kmsKeyArn = key.arn;

        const secret = new aws.secretsmanager.Secret(
            `${args.baseName}-credentials`,
            {
                // MSK only associates secrets whose names start with AmazonMSK_.
                name: args.authentication === "scram" ? `${MSK_SCRAM_SECRET_PREFIX}${args.baseName}` : `${args.baseName}-mtls`,
                description: `${args.authentication === "scram" ? "SASL/SCRAM" : "mTLS"} credentials Lambda uses for ${args.baseName}`,
                kmsKeyId: key.arn,
                recoveryWindowInDays: durationOf("secretRecoveryWindowDays", args.environment),
                tags,
            },
            { parent: this, ...protectionOf(TYPES.secret, args.environment) },
        );
        this.secretArn = secret.arn;

        const value = secretValue(this, name, args);
        this.ready.push(
            new aws.secretsmanager.SecretVersion(
                `${name}-value`,
                { secretId: secret.id, secretString: value },
                { parent: this, ...protectionOf(TYPES.secretVersion, args.environment) },
            ),
        );

        if (args.authentication === "scram") this.scramAccess(name, args, secret);
        this.registerOutputs({ secretArn: this.secretArn, kmsKeyArn: this.kmsKeyArn });
    }

    /** SASL/SCRAM: MSK reads the secret when it is associated with the cluster (its resource policy lets it). */
    private scramAccess(name: string, args: ClusterCredentialsArgs, secret: aws.secretsmanager.Secret): void {
        new aws.secretsmanager.SecretPolicy(
            `${name}-policy`,
            {
                secretArn: secret.arn,
                policy: secret.arn.apply((arn) =>
                    JSON.stringify(
                        policy([
                            {
                                Sid: "AWSKafkaResourcePolicy",
                                Effect: "Allow",
                                Principal: { Service: "kafka.amazonaws.com" },
                                Action: "secretsmanager:getSecretValue",
                                Resource: arn,
                            },
                        ]),
                    ),
                ),
            },
            { parent: this },
        );
        if (args.associate) {
            this.ready.push(
                new aws.msk.SingleScramSecretAssociation(
                    `${name}-association`,
                    { clusterArn: args.clusterArn, secretArn: secret.arn },
                    { parent: this, dependsOn: this.ready },
                ),
            );
        }
    }
}

/** The secret's value: SCRAM {username, password} (a generated password unless one is given), or mTLS {certificate, privateKey[, privateKeyPassword]}. */
function secretValue(scope: pulumi.Resource, name: string, args: ClusterCredentialsArgs): pulumi.Output<string> {
    if (args.authentication === "scram") {
        const password = args.secrets.scramPassword
            ? pulumi.secret(args.secrets.scramPassword)
            : new random.RandomPassword(`${name}-password`, { length: 40, special: false }, { parent: scope }).result;
        return pulumi.secret(pulumi.jsonStringify({ username: args.baseName, password }));
    }
    const s = args.secrets;
    return pulumi.secret(
        JSON.stringify({
            certificate: s.mtlsCertificate,
            privateKey: s.mtlsPrivateKey,
            ...(s.mtlsPrivateKeyPassword ? { privateKeyPassword: s.mtlsPrivateKeyPassword } : {}),
        }),
    );
}
