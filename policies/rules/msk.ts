import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { StackIndex, T } from "../lib/graph";
import { get, isUnknown, knownBool, knownString, notKnownYet, UNKNOWN, type Path } from "../lib/values";
import { parseProperties } from "../lib/properties";
import { shown } from "../lib/shown";
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
        // Amazon MSK "Port information": the mTLS (9094), SASL/SCRAM (9096) and IAM (9098) listeners are TLS listeners,
        // and with SASL/SCRAM "Amazon MSK turns on TLS encryption for all traffic between clients and brokers": client
        // authentication needs TLS, whatever this stack's allowPlaintext says (MSK refuses PLAINTEXT with it).
        const methods = clusterAuth(args.props).methods;
        if (clientBroker === "PLAINTEXT" && methods.length) {
            // Stryker disable next-line StringLiteral: message wording decides no verdict
            const names = methods.map((m) => (m === "iam" ? "IAM" : m === "scram" ? "SASL/SCRAM" : "mTLS")).join(" and ");
            report(
                // Stryker disable next-line StringLiteral: message wording decides no verdict
                `MSK cluster '${args.name}' authenticates clients with ${names} but sets client-broker traffic to PLAINTEXT: these authentications run over TLS only, and MSK refuses the cluster. ` +
                    // Stryker disable next-line StringLiteral: message wording decides no verdict
                    'Set encryptionInfo.encryptionInTransit.clientBroker to "TLS" (or "TLS_PLAINTEXT" where plaintext is allowed).',
            );
        } else if (clientBroker !== "TLS" && !allowPlaintext) {
            report(
                // Stryker disable next-line StringLiteral: message wording decides no verdict
                `MSK cluster '${args.name}' allows ${clientBroker} client-broker traffic: set encryptionInfo.encryptionInTransit.clientBroker to "TLS" (or allow plaintext for this stack with the policy's allowPlaintext config).`,
            );
        }
        if (knownBool(args.props, "encryptionInfo", "encryptionInTransit", "inCluster") === false) {
            // Stryker disable next-line StringLiteral: message wording decides no verdict
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
                // Stryker disable next-line StringLiteral: message wording decides no verdict
                `MSK cluster '${args.name}' allows unauthenticated clients: turn clientAuthentication.unauthenticated off and enable IAM (sasl.iam), SASL/SCRAM (sasl.scram) or mTLS (tls.certificateAuthorityArns).`,
            );
            return;
        }
        // What is not known yet could still turn authentication off: a preview note, not a pass.
        // Stryker disable next-line ArrayDeclaration,StringLiteral: a preview note's property path is message text (the note is raised either way)
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
                // Stryker disable next-line StringLiteral: message wording decides no verdict
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
        // Stryker disable next-line ArrayDeclaration,StringLiteral: a preview note's property path is message text (the note is raised either way)
        if (isUnknown(get(args.props, "encryptionInfo"))) notKnownYet(["encryptionInfo"]);
        if (isAwsManagedKafkaKey(key))
            report(
                // Stryker disable next-line StringLiteral: message wording decides no verdict
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
        // Stryker disable next-line ArrayDeclaration,StringLiteral: a preview note's property path is message text (the note is raised either way)
        if (isUnknown(logs)) notKnownYet(["loggingInfo"]);
        const states = ["cloudwatchLogs", "firehose", "s3"].map((k) => get(logs, k, "enabled"));
        if (states.some((v) => v === true || v === "true")) return;
        // Stryker disable next-line ArrayDeclaration,StringLiteral: a preview note's property path is message text (the note is raised either way)
        if (states.some(isUnknown)) notKnownYet(["loggingInfo", "brokerLogs"]);
        report(
            // Stryker disable next-line StringLiteral: message wording decides no verdict
            `MSK cluster '${args.name}' keeps no broker logs: enable loggingInfo.brokerLogs (e.g. cloudwatchLogs with a log group) to diagnose connection and authentication errors.`,
        );
    }),
};

/**
 * The properties a `serverProperties` text sets, read as Kafka reads them (`java.util.Properties`, lib/properties.ts):
 * `\r`, `\n` and `\r\n` line ends, `=`/`:`/white-space separators, continuations, escapes and comments.
 */
export function parseServerProperties(text: string): Map<string, string> {
    return parseProperties(text).values;
}

/** The Kafka setting that lets every authenticated principal use every resource without an ACL. */
export const ALLOW_EVERYONE = "allow.everyone.if.no.acl.found";

/** Kafka reads the setting as a boolean: `true` in any case, around white space (Java `Boolean.parseBoolean(trim)`). */
function isTrue(v: string | undefined): boolean {
    return v !== undefined && v.trim().toLowerCase() === "true";
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
            // Stryker disable next-line ArrayDeclaration,StringLiteral: a preview note's property path is message text (the note is raised either way)
            if (!configs.length && isUnknown(arn)) undecided = ["configurationInfo"];
            for (const c of configs) {
                const text = get(c.props, "serverProperties");
                if (isUnknown(text)) {
                    // Stryker disable next-line ArrayDeclaration,StringLiteral: a preview note's property path is message text (the note is raised either way)
                    undecided = ["serverProperties"];
                    continue;
                }
                if (typeof text !== "string") continue;
                const value = parseServerProperties(text).get(ALLOW_EVERYONE);
                if (!isTrue(value)) continue;
                if (!aclAuth.length) {
                    // Stryker disable next-line ArrayDeclaration,StringLiteral: a preview note's property path is message text (the note is raised either way)
                    undecided = ["clientAuthentication"];
                    continue;
                }
                report(
                    // Stryker disable next-line all: message wording (the authentications named) decides no verdict
                    `MSK cluster '${cluster.name}' authenticates with ${aclAuth.map((m) => (m === "scram" ? "SASL/SCRAM" : "mTLS")).join(" and ")} but its configuration '${c.name}' sets allow.everyone.if.no.acl.found=true: ` +
                        // Stryker disable next-line StringLiteral: message wording decides no verdict
                        "every authenticated client may read and write every topic without an ACL. Set it to false and grant access with ACLs.",
                    cluster.urn,
                );
            }
        }
        if (undecided) notKnownYet(undecided);
    },
};

/**
 * Amazon MSK "Apache Kafka ACLs": "If you don't set allow.everyone.if.no.acl.found, or you set it to true, ... Amazon
 * MSK sets it to true by default": a SASL/SCRAM or mTLS cluster whose configuration leaves the setting out (or that has
 * no configuration) lets every authenticated principal use every topic that has no ACL. Advisory, not mandatory:
 * `false` also needs an ACL for every client, Lambda's principal included, which the pack cannot see (ACLs are set
 * through Kafka's admin API, not in the stack), so refusing the default would block stacks that grant ACLs correctly.
 */
export const mskAclDefaultAllow: StackValidationPolicy = {
    name: "msk-acl-default-allow",
    description:
        "An MSK cluster that authenticates with SASL/SCRAM or mTLS and leaves allow.everyone.if.no.acl.found at MSK's default (true) is flagged: every authenticated client may use every topic without an ACL.",
    enforcementLevel: "advisory",
    validateStack: (args, report) => {
        const index = new StackIndex(args.resources);
        for (const cluster of index.ofType(T.mskCluster)) {
            const aclAuth = clusterAuth(cluster.props).methods.filter((m) => m === "scram" || m === "mtls");
            if (!aclAuth.length) continue;
            const info = get(cluster.props, "configurationInfo");
            const arn = get(info, "arn");
            const configs = index.resolve(cluster, "configurationInfo", arn, [T.mskConfiguration]);
            // A configuration outside the stack (or not known yet) cannot be read: nothing to say.
            const given = isUnknown(info) || isUnknown(arn) || (typeof arn === "string" && arn !== "");
            if (given && !configs.length) continue;
            const unset = configs.filter((c) => {
                const text = get(c.props, "serverProperties");
                return typeof text === "string" && !isUnknown(text) && !parseServerProperties(text).has(ALLOW_EVERYONE);
            });
            if (configs.length && !unset.length) continue;
            // Stryker disable next-line StringLiteral: message wording decides no verdict
            const how = configs.length ? `its configuration '${unset[0].name}' does not set ${ALLOW_EVERYONE}` : "it uses no MSK configuration";
            report(
                // Stryker disable next-line all: message wording (the authentications named) decides no verdict
                `MSK cluster '${cluster.name}' authenticates with ${aclAuth.map((m) => (m === "scram" ? "SASL/SCRAM" : "mTLS")).join(" and ")} and ${how}, so MSK's default (true) applies: ` +
                    // Stryker disable next-line StringLiteral: message wording decides no verdict
                    `every authenticated client may read and write every topic that has no ACL. Set ${ALLOW_EVERYONE}=false and grant each client (the mapping's principal included) ACLs.`,
                cluster.urn,
            );
        }
    },
};

/**
 * Amazon MSK API reference, Configuration, KafkaVersions: "You can use this configuration for an MSK cluster only if
 * the Apache Kafka version specified for the cluster appears in this array" (CreateCluster refuses it). A
 * configuration without `kafkaVersions` is not tied to versions.
 */
export const mskConfigurationKafkaVersion: StackValidationPolicy = {
    name: "msk-configuration-kafka-version",
    description: "An MSK cluster uses a configuration whose kafkaVersions include the cluster's kafkaVersion (MSK refuses any other).",
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
        const index = new StackIndex(args.resources);
        let undecided: Path | undefined;
        for (const cluster of index.ofType(T.mskCluster)) {
            const version = get(cluster.props, "kafkaVersion");
            const arn = get(cluster.props, "configurationInfo", "arn");
            for (const c of index.resolve(cluster, "configurationInfo", arn, [T.mskConfiguration])) {
                const versions = get(c.props, "kafkaVersions");
                if (versions === undefined || versions === null) continue;
                if (isUnknown(version) || isUnknown(versions) || (Array.isArray(versions) && versions.some(isUnknown))) {
                    // Stryker disable next-line ArrayDeclaration,StringLiteral: a preview note's property path is message text (the note is raised either way)
                    undecided = ["kafkaVersions"];
                    continue;
                }
                if (typeof version !== "string" || !Array.isArray(versions) || !versions.length) continue;
                if (versions.includes(version)) continue;
                // Stryker disable next-line all: the versions the message lists; decides no verdict
                const listed = versions.filter((v): v is string => typeof v === "string").slice(0, 10);
                report(
                    // Stryker disable next-line StringLiteral: message wording decides no verdict
                    `MSK cluster '${cluster.name}' runs Apache Kafka ${shown(version, 40)} but its configuration '${c.name}' lists kafkaVersions [${listed.map((v) => shown(v, 40)).join(", ")}]: ` +
                        // Stryker disable next-line StringLiteral: message wording decides no verdict
                        "MSK uses a configuration only for a cluster whose version appears in that list, and refuses to create the cluster. Add the cluster's version to kafkaVersions.",
                    cluster.urn,
                );
            }
        }
        if (undecided) notKnownYet(undecided);
    },
};
