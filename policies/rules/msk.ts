import type { ResourceValidationPolicy } from "@pulumi/policy";
import { T } from "../lib/graph";
import { get, isUnknown, knownBool, knownString } from "../lib/values";
import { config, forTypes } from "./common";

/** Client-broker traffic TLS only, and TLS between brokers (MSK's defaults are TLS and true when absent). */
export const mskEncryptionInTransit: ResourceValidationPolicy = {
    name: "msk-encryption-in-transit",
    description: "An MSK cluster encrypts client-broker traffic with TLS only, and traffic between brokers.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            allowPlaintext: { type: "boolean", default: false, description: "Allow PLAINTEXT or TLS_PLAINTEXT client-broker traffic (for example in dev)." },
        },
    },
    validateResource: forTypes([T.mskCluster], (args, report) => {
        const { allowPlaintext } = config(args, { allowPlaintext: false });
        const clientBroker = knownString(args.props, "encryptionInfo", "encryptionInTransit", "clientBroker") ?? "TLS";
        if (clientBroker !== "TLS" && !allowPlaintext) {
            report(
                `MSK cluster '${args.name}' allows ${clientBroker} client-broker traffic: set encryptionInfo.encryptionInTransit.clientBroker to "TLS" (or allow plaintext for this stack with the policy's allowPlaintext config).`,
            );
        }
        if (knownBool(args.props, "encryptionInfo", "encryptionInTransit", "inCluster") === false) {
            report(`MSK cluster '${args.name}' does not encrypt traffic between brokers: set encryptionInfo.encryptionInTransit.inCluster to true.`);
        }
    }),
};

/**
 * Unauthenticated access off. MSK enables unauthenticated access when a cluster has no client authentication; seed:
 * "If no clients access the cluster through the internet, you can use unauthenticated access" is a choice this
 * policy makes explicit per stack (config `allowUnauthenticated`).
 */
export const mskNoUnauthenticatedAccess: ResourceValidationPolicy = {
    name: "msk-no-unauthenticated-access",
    description: "An MSK cluster requires client authentication (IAM, SASL/SCRAM or mTLS).",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: { allowUnauthenticated: { type: "boolean", default: false, description: "Allow unauthenticated access (for example in dev)." } },
    },
    validateResource: forTypes([T.mskCluster], (args, report) => {
        if (config(args, { allowUnauthenticated: false }).allowUnauthenticated) return;
        const auth = get(args.props, "clientAuthentication");
        if (isUnknown(auth)) return;
        const unauthenticated = knownBool(args.props, "clientAuthentication", "unauthenticated");
        const iam = knownBool(args.props, "clientAuthentication", "sasl", "iam") === true;
        const scram = knownBool(args.props, "clientAuthentication", "sasl", "scram") === true;
        const tlsCas = get(args.props, "clientAuthentication", "tls", "certificateAuthorityArns");
        const mtls = isUnknown(tlsCas) || (Array.isArray(tlsCas) && tlsCas.length > 0);
        if (unauthenticated === true || !(iam || scram || mtls)) {
            report(
                `MSK cluster '${args.name}' allows unauthenticated clients: turn clientAuthentication.unauthenticated off and enable IAM (sasl.iam), SASL/SCRAM (sasl.scram) or mTLS (tls.certificateAuthorityArns).`,
            );
        }
    }),
};

export const mskNoPublicAccess: ResourceValidationPolicy = {
    name: "msk-no-public-access",
    description: "An MSK cluster's brokers are not publicly accessible.",
    enforcementLevel: "mandatory",
    validateResource: forTypes([T.mskCluster], (args, report) => {
        const type = knownString(args.props, "brokerNodeGroupInfo", "connectivityInfo", "publicAccess", "type");
        if (type !== undefined && type !== "DISABLED") {
            report(
                `MSK cluster '${args.name}' has public access ${type}: set brokerNodeGroupInfo.connectivityInfo.publicAccess.type to "DISABLED"; Lambda reaches the brokers inside the VPC.`,
            );
        }
    }),
};

export const mskEncryptionAtRestCmk: ResourceValidationPolicy = {
    name: "msk-encryption-at-rest-cmk",
    description: "An MSK cluster encrypts data at rest with a customer-managed KMS key.",
    enforcementLevel: "advisory",
    validateResource: forTypes([T.mskCluster], (args, report) => {
        const key = get(args.props, "encryptionInfo", "encryptionAtRestKmsKeyArn");
        if (key === undefined || key === "")
            report(
                `MSK cluster '${args.name}' encrypts at rest with an AWS-managed key: set encryptionInfo.encryptionAtRestKmsKeyArn to a customer-managed key you can audit and revoke.`,
            );
    }),
};

export const mskBrokerLogs: ResourceValidationPolicy = {
    name: "msk-broker-logs",
    description: "An MSK cluster delivers broker logs (CloudWatch Logs, Firehose or S3).",
    enforcementLevel: "advisory",
    validateResource: forTypes([T.mskCluster], (args, report) => {
        const logs = get(args.props, "loggingInfo", "brokerLogs");
        if (isUnknown(logs)) return;
        const on = ["cloudwatchLogs", "firehose", "s3"].some((k) => get(logs, k, "enabled") === true || isUnknown(get(logs, k, "enabled")));
        if (!on)
            report(
                `MSK cluster '${args.name}' keeps no broker logs: enable loggingInfo.brokerLogs (e.g. cloudwatchLogs with a log group) to diagnose connection and authentication errors.`,
            );
    }),
};
