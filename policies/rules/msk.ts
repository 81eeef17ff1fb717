import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { StackIndex, T } from "../lib/graph";
import { get, isUnknown, knownBool, knownString, notKnownYet, UNKNOWN, type Path } from "../lib/values";
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
 * Unauthenticated access off. MSK enables unauthenticated access when a cluster has no client authentication; "Using Lambda with Amazon MSK":
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
        const auth = clusterAuth(args.props);
        if (auth.unauthenticated === true || (auth.methods.length === 0 && !auth.unknown)) {
            report(
                `MSK cluster '${args.name}' allows unauthenticated clients: turn clientAuthentication.unauthenticated off and enable IAM (sasl.iam), SASL/SCRAM (sasl.scram) or mTLS (tls.certificateAuthorityArns).`,
            );
            return;
        }
        // What is not known yet could still turn authentication off: a preview note, not a pass.
        if (auth.unknown || auth.unauthenticated === UNKNOWN) notKnownYet(["clientAuthentication"]);
    }),
};

export interface ClusterAuth {
    /** Client authentication methods known to be on. */
    methods: ("iam" | "scram" | "mtls")[];
    /** `clientAuthentication.unauthenticated`: true, false, undefined (absent) or UNKNOWN. */
    unauthenticated: unknown;
    /** Some method's setting is not known yet (and no other method is known to be on). */
    unknown: boolean;
}

/** A provisioned cluster's client authentication (canonical shape: sasl.iam, sasl.scram, tls.certificateAuthorityArns). */
export function clusterAuth(props: unknown): ClusterAuth {
    const methods: ClusterAuth["methods"] = [];
    let unknown = false;
    const flag = (v: unknown, m: "iam" | "scram") => {
        if (isUnknown(v)) unknown = true;
        else if (v === true || v === "true") methods.push(m);
    };
    flag(get(props, "clientAuthentication", "sasl", "iam"), "iam");
    flag(get(props, "clientAuthentication", "sasl", "scram"), "scram");
    const cas = get(props, "clientAuthentication", "tls", "certificateAuthorityArns");
    if (isUnknown(cas)) unknown = true;
    else if (Array.isArray(cas) && cas.length > 0) methods.push("mtls");
    let unauthenticated = get(props, "clientAuthentication", "unauthenticated");
    if (unauthenticated === "true") unauthenticated = true;
    return { methods, unauthenticated: isUnknown(unauthenticated) ? UNKNOWN : unauthenticated, unknown: unknown && methods.length === 0 };
}

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

/** `alias/aws/kafka` (by name or ARN) is the AWS-managed key MSK uses when no key is given. */
export function isAwsManagedKafkaKey(key: unknown): boolean {
    if (key === undefined || key === null || key === "") return true;
    return typeof key === "string" && (key === "alias/aws/kafka" || (key.startsWith("arn:") && key.endsWith(":alias/aws/kafka")));
}

export const mskEncryptionAtRestCmk: ResourceValidationPolicy = {
    name: "msk-encryption-at-rest-cmk",
    description: "An MSK cluster encrypts data at rest with a customer-managed KMS key (not the AWS-managed alias/aws/kafka).",
    enforcementLevel: "advisory",
    validateResource: forTypes([T.mskCluster], (args, report) => {
        // An unknown key ARN is computed by a resource of the program: a key it creates (AWS-managed keys are named
        // by a literal alias, and a data source resolves during preview), so it counts as customer-managed.
        const key = get(args.props, "encryptionInfo", "encryptionAtRestKmsKeyArn");
        if (isUnknown(get(args.props, "encryptionInfo"))) notKnownYet(["encryptionInfo"]);
        if (isAwsManagedKafkaKey(key))
            report(
                `MSK cluster '${args.name}' encrypts at rest with the AWS-managed key (alias/aws/kafka): set encryptionInfo.encryptionAtRestKmsKeyArn to a customer-managed key you can audit and revoke.`,
            );
    }),
};

export const mskBrokerLogs: ResourceValidationPolicy = {
    name: "msk-broker-logs",
    description: "An MSK cluster delivers broker logs (CloudWatch Logs, Firehose or S3).",
    enforcementLevel: "advisory",
    validateResource: forTypes([T.mskCluster], (args, report) => {
        const logs = get(args.props, "loggingInfo", "brokerLogs");
        if (isUnknown(logs)) notKnownYet(["loggingInfo"]);
        const states = ["cloudwatchLogs", "firehose", "s3"].map((k) => get(logs, k, "enabled"));
        if (states.some((v) => v === true || v === "true")) return;
        if (states.some(isUnknown)) notKnownYet(["loggingInfo", "brokerLogs"]);
        report(
            `MSK cluster '${args.name}' keeps no broker logs: enable loggingInfo.brokerLogs (e.g. cloudwatchLogs with a log group) to diagnose connection and authentication errors.`,
        );
    }),
};

/** Java properties text (`key=value`, `key: value` or `key value` lines; `#`/`!` comments), parsed line by line. */
export function parseServerProperties(text: string): Map<string, string> {
    const out = new Map<string, string>();
    for (const rawLine of text.split("\n")) {
        const line = rawLine.trim();
        if (line === "" || line[0] === "#" || line[0] === "!") continue;
        let i = 0;
        while (i < line.length && line[i] !== "=" && line[i] !== ":" && line[i] !== " " && line[i] !== "\t") i++;
        const key = line.slice(0, i);
        let j = i;
        while (j < line.length && (line[j] === " " || line[j] === "\t")) j++;
        if (j < line.length && (line[j] === "=" || line[j] === ":")) j++;
        out.set(key, line.slice(j).trim());
    }
    return out;
}

/**
 * Amazon MSK "Apache Kafka ACLs": with SASL/SCRAM or mTLS, Kafka's authorizer decides who may read and write; with
 * `allow.everyone.if.no.acl.found=true` every authenticated client (any certificate the CA signed, any SCRAM user) may
 * use every topic that has no ACL. (IAM access control does not use ACLs, so a cluster with only IAM is not judged.)
 * MSK's own default is `true` ("Amazon MSK sets it to true by default"); only an explicit `true` is refused, because
 * `false` also needs an ACL for every client, Lambda's principal included, which the pack cannot see.
 */
export const mskAclDefaultDeny: StackValidationPolicy = {
    name: "msk-acl-default-deny",
    description:
        "An MSK cluster that authenticates with SASL/SCRAM or mTLS does not use a configuration with allow.everyone.if.no.acl.found=true (every client could use every topic without an ACL).",
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
        const index = new StackIndex(args.resources);
        let undecided: Path | undefined;
        for (const cluster of index.ofType(T.mskCluster)) {
            const auth = clusterAuth(cluster.props);
            const aclAuth = auth.methods.filter((m) => m === "scram" || m === "mtls");
            if (!aclAuth.length && !auth.unknown) continue;
            const arn = get(cluster.props, "configurationInfo", "arn");
            const configs = index.resolve(cluster, "configurationInfo", arn, [T.mskConfiguration]);
            if (!configs.length && isUnknown(arn)) undecided = ["configurationInfo"];
            for (const c of configs) {
                const text = get(c.props, "serverProperties");
                if (isUnknown(text)) {
                    undecided = ["serverProperties"];
                    continue;
                }
                if (typeof text !== "string") continue;
                const value = parseServerProperties(text).get("allow.everyone.if.no.acl.found");
                if (value?.toLowerCase() !== "true") continue;
                if (!aclAuth.length) {
                    undecided = ["clientAuthentication"];
                    continue;
                }
                report(
                    `MSK cluster '${cluster.name}' authenticates with ${aclAuth.map((m) => (m === "scram" ? "SASL/SCRAM" : "mTLS")).join(" and ")} but its configuration '${c.name}' sets allow.everyone.if.no.acl.found=true: ` +
                        "every authenticated client may read and write every topic without an ACL. Set it to false and grant access with ACLs.",
                    cluster.urn,
                );
            }
        }
        if (undecided) notKnownYet(undecided);
    },
};
