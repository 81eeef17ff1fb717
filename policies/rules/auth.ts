/**
 * Authentication a Kafka event source mapping can complete: the mapping's access configuration agrees with an
 * authentication the cluster enables, and the secrets it names hold what Lambda reads from them. Each is an error
 * the Lambda/MSK documentation lists under "Authentication and authorization errors", caught before deploy.
 */
import type { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { X509Certificate } from "crypto";
import { StackIndex, T } from "../lib/graph";
import {
    accessConfigs,
    clustersOf,
    CREDENTIAL_TYPES,
    isKafkaMapping,
    isSelfManagedMapping,
    secretObject,
    secretsOf,
    secretText,
    versionsOf,
} from "../lib/kafka";
import { pemBlocks, SECRET_MAX_BYTES } from "../lib/mtls";
import { get, isUnknown, maybeArray, notKnownYet } from "../lib/values";
import { shown } from "../lib/shown";
import { config, forTypes } from "./common";

type Tri = boolean | "unknown";

/** A boolean setting: true, false, or not known yet. */
function tri(v: unknown): Tri {
    if (isUnknown(v)) return "unknown";
    return v === true || v === "true";
}

interface ClusterAuth {
    mtls: Tri;
    scram: Tri;
    iam: Tri;
    unauthenticated: Tri;
    plaintext: Tri;
    serverless: boolean;
}

/**
 * The client authentications an MSK cluster enables (`aws:msk/cluster:Cluster`): `clientAuthentication.tls` with
 * certificate authorities (mTLS), `sasl.scram`, `sasl.iam`, `unauthenticated`; without `clientAuthentication` MSK
 * enables unauthenticated access. A PLAINTEXT or TLS_PLAINTEXT client-broker setting opens the (unauthenticated)
 * plaintext listener. MSK Serverless supports IAM access control only.
 */
function clusterAuth(c: PolicyResource): ClusterAuth {
    if (c.type === T.mskServerless) return { mtls: false, scram: false, iam: true, unauthenticated: false, plaintext: false, serverless: true };
    const auth = get(c.props, "clientAuthentication");
    const clientBroker = get(c.props, "encryptionInfo", "encryptionInTransit", "clientBroker");
    const plaintext: Tri =
        isUnknown(clientBroker) || isUnknown(get(c.props, "encryptionInfo")) ? "unknown" : clientBroker === "PLAINTEXT" || clientBroker === "TLS_PLAINTEXT";
    if (isUnknown(auth)) return { mtls: "unknown", scram: "unknown", iam: "unknown", unauthenticated: "unknown", plaintext, serverless: false };
    if (auth === undefined || auth === null) return { mtls: false, scram: false, iam: false, unauthenticated: true, plaintext, serverless: false };
    const cas = get(auth, "tls", "certificateAuthorityArns");
    const mtls: Tri = isUnknown(cas) || isUnknown(get(auth, "tls")) ? "unknown" : Array.isArray(cas) && cas.length > 0;
    const sasl = get(auth, "sasl");
    return {
        mtls,
        scram: isUnknown(sasl) ? "unknown" : tri(get(sasl, "scram")),
        iam: isUnknown(sasl) ? "unknown" : tri(get(sasl, "iam")),
        unauthenticated: tri(get(auth, "unauthenticated")),
        plaintext,
        serverless: false,
    };
}

/**
 * Lambda/MSK, "How Lambda chooses a bootstrap broker": with a secret for mTLS or SASL/SCRAM, Lambda uses that method;
 * without one it uses IAM when the cluster enables it, else unauthenticated TLS, else plaintext; "If Lambda can't
 * connect to the most secure broker type, it doesn't try to connect to a different (weaker) broker type." The errors
 * when they disagree ("Server failed to authenticate Lambda": a client certificate but the brokers do not use mTLS;
 * "SASL authentication failed") are listed under "Authentication and authorization errors". The Korean page on
 * creating the mapping: with IAM authentication no SourceAccessConfiguration is needed.
 */
export const kafkaAuthMatchesCluster: StackValidationPolicy = {
    name: "kafka-auth-matches-cluster",
    description:
        "An MSK event source mapping authenticates the way its cluster allows: CLIENT_CERTIFICATE_TLS_AUTH needs the cluster's mTLS, SASL_SCRAM_512_AUTH its SASL/SCRAM, no secret its IAM access control (or unauthenticated access).",
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
        const index = new StackIndex(args.resources);
        const undecided: string[] = [];
        for (const m of index.ofType(T.mapping)) {
            if (isSelfManagedMapping(m) || !isKafkaMapping(m, index)) continue; // a self-managed cluster's settings are not in the stack
            const types = new Set(accessConfigs(m).map((c) => c.type));
            for (const c of clustersOf(index, m)) {
                const a = clusterAuth(c);
                const what = `${a.serverless ? "MSK Serverless cluster" : "MSK cluster"} '${c.name}'`;
                const fail = (msg: string) => report(`Event source mapping '${m.name}' reads ${what}, but ${msg}`, m.urn);
                if (types.has("CLIENT_CERTIFICATE_TLS_AUTH")) {
                    if (a.mtls === "unknown") {
                        // Stryker disable next-line StringLiteral: a preview note's property path is message text (the note is raised either way)
                        undecided.push("clientAuthentication");
                    } else if (!a.mtls)
                        fail(
                            `it authenticates with CLIENT_CERTIFICATE_TLS_AUTH (mTLS) and the cluster does not enable mTLS (clientAuthentication.tls with certificateAuthorityArns): ` +
                                'Lambda would report "Server failed to authenticate Lambda". Enable mTLS on the cluster or use the authentication it enables.',
                        );
                } else if (types.has("SASL_SCRAM_512_AUTH")) {
                    if (a.scram === "unknown") {
                        // Stryker disable next-line StringLiteral: a preview note's property path is message text (the note is raised either way)
                        undecided.push("clientAuthentication");
                    } else if (!a.scram)
                        fail(
                            `it authenticates with SASL_SCRAM_512_AUTH and the cluster does not enable SASL/SCRAM (clientAuthentication.sasl.scram): ` +
                                'Lambda would report "SASL authentication failed". Enable SASL/SCRAM on the cluster or use the authentication it enables.',
                        );
                } else if (!types.has("BASIC_AUTH") && !types.has("SASL_SCRAM_256_AUTH")) {
                    // No secret: IAM when enabled, else unauthenticated TLS, else plaintext.
                    const ways = [a.iam, a.unauthenticated, a.plaintext];
                    if (ways.includes(true)) continue;
                    if (ways.includes("unknown")) {
                        // Stryker disable next-line StringLiteral: a preview note's property path is message text (the note is raised either way)
                        undecided.push("clientAuthentication");
                    } else
                        fail(
                            // Stryker disable next-line StringLiteral: message wording decides no verdict
                            "it names no secret, so Lambda uses IAM access control (or unauthenticated access), and the cluster enables neither " +
                                // Stryker disable next-line StringLiteral: message wording decides no verdict
                                "(it enables only authentication that needs a secret): add a sourceAccessConfigurations entry with the cluster's SASL/SCRAM or mTLS secret, or enable clientAuthentication.sasl.iam.",
                        );
                }
            }
        }
        if (undecided.length) notKnownYet(undecided);
    },
};

/** Secret resources used for SASL/SCRAM (or SASL/PLAIN): by mappings, and by MSK SCRAM secret associations. */
/** How messages name the SASL mechanism of an access type (Lambda: BASIC_AUTH is SASL/PLAIN). */
const SASL_NAMES: Record<string, string> = {
    SASL_SCRAM_512_AUTH: "SASL/SCRAM-SHA-512",
    SASL_SCRAM_256_AUTH: "SASL/SCRAM-SHA-256",
    BASIC_AUTH: "SASL/PLAIN (BASIC_AUTH)",
};

function saslSecrets(index: StackIndex): { secret: PolicyResource; by: PolicyResource; mechanism: string }[] {
    const out: { secret: PolicyResource; by: PolicyResource; mechanism: string }[] = [];
    for (const m of index.ofType(T.mapping)) {
        for (const c of accessConfigs(m)) {
            const mechanism = SASL_NAMES[c.type];
            if (!mechanism || !Object.prototype.hasOwnProperty.call(SASL_NAMES, c.type)) continue;
            for (const s of secretsOf(index, m, c)) out.push({ secret: s, by: m, mechanism });
        }
    }
    for (const a of index.ofType(T.singleScramAssociation)) {
        for (const s of index.resolve(a, "secretArn", get(a.props, "secretArn"), [T.secret])) out.push({ secret: s, by: a, mechanism: "SASL/SCRAM" });
    }
    for (const a of index.ofType(T.scramAssociation)) {
        const found = new Set(index.propDeps(a, "secretArnLists", [T.secret]));
        for (const s of index.withIdIn(maybeArray(a.props, "secretArnLists"), [T.secret])) found.add(s);
        for (const s of found) out.push({ secret: s, by: a, mechanism: "SASL/SCRAM" });
    }
    return out;
}

/**
 * Amazon MSK "Sign-in credentials authentication with AWS Secrets Manager" and the Lambda/MSK page: Lambda reads
 * the user name and password from the secret, stored as {"username": ..., "password": ...}; any other shape (other
 * field names, a bare string) makes every connection fail with "SASL authentication failed". Messages name fields,
 * never values.
 */
export const scramSecretContent: StackValidationPolicy = {
    name: "scram-secret-content",
    description: 'A secret used for SASL/SCRAM (by a mapping or an MSK SCRAM secret association) holds {"username": ..., "password": ...} as JSON strings.',
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
        const index = new StackIndex(args.resources);
        const done = new Set<string>();
        let undecided = false;
        for (const { secret, by, mechanism } of saslSecrets(index)) {
            for (const v of versionsOf(index, secret)) {
                if (done.has(v.urn)) continue;
                done.add(v.urn);
                const t = secretText(v.props);
                if (t.unknown) {
                    undecided = true;
                    continue;
                }
                if (t.text === undefined) continue;
                const obj = secretObject(t.text);
                const where = `Secret version '${v.name}' of secret '${secret.name}' (used for ${mechanism} by '${by.name}')`;
                if (!obj) {
                    report(
                        `${where} is not a JSON object: Lambda reads ${mechanism} credentials as {"username": "...", "password": "..."} and would fail with "SASL authentication failed".`,
                        v.urn,
                    );
                    continue;
                }
                const missing = ["username", "password"].filter((f) => typeof obj[f] !== "string" || obj[f] === "");
                if (missing.length) {
                    const others = Object.keys(obj)
                        .filter((k) => k !== "username" && k !== "password")
                        .slice(0, 5)
                        .map((k) => shown(k, 40));
                    report(
                        // Stryker disable next-line StringLiteral: message wording decides no verdict
                        `${where} has no non-empty string ${missing.join(" or ")} field${others.length ? ` (it has ${others.join(", ")})` : ""}: ` +
                            // Stryker disable next-line StringLiteral: message wording decides no verdict
                            'the secret must be {"username": "...", "password": "..."}, or Lambda fails with "SASL authentication failed".',
                        v.urn,
                    );
                }
            }
        }
        // Stryker disable next-line ArrayDeclaration,StringLiteral: a preview note's property path is message text (the note is raised either way)
        if (undecided) notKnownYet(["secretString"]);
    },
};

/** Why a root CA secret's certificate field is unusable, or undefined when it is a CA certificate chain. */
function rootCaProblem(text: string): string | undefined {
    // Secrets Manager quotas: a secret value is at most 65,536 bytes (the whole SecretString, in UTF-8).
    if (Buffer.byteLength(text, "utf8") > SECRET_MAX_BYTES) return `is over ${SECRET_MAX_BYTES} bytes`;
    const obj = secretObject(text);
    if (!obj) return 'is not a JSON object: it must be {"certificate": "<root CA certificate PEM>"}';
    if ("privateKey" in obj) return "holds a privateKey field: a server root CA secret holds only the CA certificate; keep the CA's key out of it";
    const field = obj.certificate;
    if (typeof field !== "string" || field.trim() === "") return "has no certificate field with the root CA certificate in PEM";
    const blocks = pemBlocks(field);
    if (blocks.length === 0 || blocks.some((b) => b.label !== "CERTIFICATE")) return "has a certificate field that does not hold only PEM certificates";
    for (let i = 0; i < blocks.length; i++) {
        let c: X509Certificate;
        try {
            c = new X509Certificate(blocks[i].der);
        } catch {
            return `has a certificate ${i + 1} that is not a valid X.509 certificate`;
        }
        if (!c.ca) return `has a certificate ${i + 1} that is not a CA certificate (basicConstraints CA:FALSE): it must hold the brokers' root CA`;
    }
    return undefined;
}

/**
 * Self-managed Apache Kafka (the Lambda docs' "custom server root CA"): with brokers whose certificates are signed by
 * a private CA, SERVER_ROOT_CA_CERTIFICATE names a secret {"certificate": <root CA PEM>}. Such a secret is not a
 * client secret (no private key); it must hold CA certificates Lambda can use to trust the brokers.
 */
export const kafkaServerRootCaSecret: StackValidationPolicy = {
    name: "kafka-server-root-ca-secret",
    description: 'The secret a self-managed Kafka mapping names as SERVER_ROOT_CA_CERTIFICATE holds {"certificate": <CA certificate PEM>} and no private key.',
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
        const index = new StackIndex(args.resources);
        const done = new Set<string>();
        let undecided = false;
        for (const m of index.ofType(T.mapping)) {
            for (const c of accessConfigs(m)) {
                if (c.type !== "SERVER_ROOT_CA_CERTIFICATE") continue;
                for (const s of secretsOf(index, m, c)) {
                    for (const v of versionsOf(index, s)) {
                        if (done.has(v.urn)) continue;
                        done.add(v.urn);
                        const t = secretText(v.props);
                        if (t.unknown) undecided = true;
                        if (t.text === undefined) continue;
                        const problem = rootCaProblem(t.text);
                        if (problem) report(`Secret version '${v.name}', the server root CA of mapping '${m.name}', ${problem}.`, v.urn);
                    }
                }
            }
        }
        // Stryker disable next-line ArrayDeclaration,StringLiteral: a preview note's property path is message text (the note is raised either way)
        if (undecided) notKnownYet(["secretString"]);
    },
};

/**
 * Self-managed Apache Kafka held to MSK's level (msk-no-unauthenticated-access): Lambda ("Configuring cluster
 * authentication methods in Lambda") authenticates to self-managed brokers with SASL/SCRAM, SASL/PLAIN (BASIC_AUTH)
 * or mTLS (CLIENT_CERTIFICATE_TLS_AUTH), each from a secret; a mapping with none of them connects to a listener that
 * admits any client. Refused like an MSK cluster that admits unauthenticated clients, with the same config escape
 * (`allowUnauthenticated`, for example in dev).
 */
export const selfManagedKafkaAuthentication: ResourceValidationPolicy = {
    name: "self-managed-kafka-authentication",
    description:
        "A self-managed Apache Kafka event source mapping authenticates to its brokers (SASL/SCRAM, SASL/PLAIN or mTLS), as an MSK cluster must require.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            allowUnauthenticated: {
                type: "boolean",
                default: false,
                description: "Allow self-managed Kafka mappings without authentication (for example in dev).",
            },
        },
    },
    validateResource: forTypes([T.mapping], (args, report) => {
        if (!isSelfManagedProps(args.props)) return;
        if (config(args, { allowUnauthenticated: false }).allowUnauthenticated) return;
        const list = get(args.props, "sourceAccessConfigurations");
        // Stryker disable next-line ArrayDeclaration,StringLiteral: a preview note's property path is message text (the note is raised either way)
        if (isUnknown(list)) notKnownYet(["sourceAccessConfigurations"]);
        const configs = maybeArray(args.props, "sourceAccessConfigurations");
        if (configs.some((c) => isUnknown(get(c, "type")) || isUnknown(get(c, "uri")))) {
            // Stryker disable next-line ArrayDeclaration,StringLiteral: a preview note's property path is message text (the note is raised either way)
            notKnownYet(["sourceAccessConfigurations"]);
        }
        // A credential entry counts only with a secret to read (Lambda API, SourceAccessConfiguration: URI, the secret's ARN).
        const named = (c: unknown) => {
            const t = get(c, "type");
            const uri = get(c, "uri");
            return typeof t === "string" && (CREDENTIAL_TYPES as readonly string[]).includes(t) && typeof uri === "string" && uri.trim() !== "";
        };
        if (configs.some(named)) return;
        report(
            // Stryker disable next-line StringLiteral: message wording decides no verdict
            `Self-managed Kafka mapping '${args.name}' names no authentication (SASL_SCRAM_512_AUTH, SASL_SCRAM_256_AUTH, BASIC_AUTH or CLIENT_CERTIFICATE_TLS_AUTH): ` +
                // Stryker disable next-line StringLiteral: message wording decides no verdict
                "its brokers admit clients without authentication, which the pack refuses for Amazon MSK too. Add the secret of the authentication your brokers require (or allow it for this stack with the policy's allowUnauthenticated config).",
        );
    }),
};

function isSelfManagedProps(props: unknown): boolean {
    const s = get(props, "selfManagedEventSource");
    return s !== undefined && s !== null;
}
