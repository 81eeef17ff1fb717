import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { MSK_SCRAM_SECRET_PREFIX } from "../lib/facts";
import { StackIndex, T } from "../lib/graph";
import { inspectMtlsSecret, SECRET_MAX_BYTES } from "../lib/mtls";
import { secretObject, secretRoles, secretText } from "../lib/kafka";
import { isMskVpcConnectionArn, mappingSource, type SourceKind } from "../lib/refs";
import { clip, get, isAlphanumeric, isUnknown, jsonDocument, maybeArray, notKnownYet, UNKNOWN, type Path } from "../lib/values";
import { config } from "./common";

/** The secret value of a SecretVersion as an object when it is JSON, `UNKNOWN` when not known yet. */
function secretValue(props: unknown): { text?: string; value: unknown } {
    const t = secretText(props);
    if (t.unknown) return { value: UNKNOWN };
    if (t.text === undefined) return { value: undefined };
    return { text: t.text, value: jsonDocument(t.text) };
}

function hasMtlsFields(v: unknown): boolean {
    return !!v && typeof v === "object" && !Array.isArray(v) && ("certificate" in v || "privateKey" in v);
}

/**
 * "Using Lambda with Amazon MSK", "Configuring the mTLS secret": certificate chain order (client, intermediates, root), PEM format, PKCS#8 keys,
 * PBES1 (not PBES2) encryption with a password, and Secrets Manager's 65,536-byte limit; a client certificate must
 * be signed by a CA the brokers trust (so not self-signed). Judged with real X.509/ASN.1 parsing.
 *
 * A secret's role comes from how mappings use it: one named by CLIENT_CERTIFICATE_TLS_AUTH is a client secret; one
 * named only by SERVER_ROOT_CA_CERTIFICATE (self-managed Kafka: {"certificate": <root CA PEM>}) is not, and is judged
 * by `kafka-server-root-ca-secret`. A secret no mapping names is judged as a client secret when it holds a private
 * key (a lone certificate is not a client secret). The value may be `secretString` or base64 `secretBinary`.
 */
export const mtlsSecret: StackValidationPolicy = {
    name: "mtls-secret",
    description: "A secret holding an mTLS client certificate and key (certificate/privateKey fields) is one Lambda can use with Amazon MSK.",
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
        const index = new StackIndex(args.resources);
        const roles = secretRoles(index);
        let undecided = false;
        for (const v of index.ofType(T.secretVersion)) {
            const secrets = index.resolve(v, "secretId", get(v.props, "secretId"), [T.secret]);
            const used = new Set(secrets.flatMap((s) => [...(roles.get(s.urn) ?? [])]));
            const value = secretText(v.props);
            if (value.unknown) {
                if (used.has("CLIENT_CERTIFICATE_TLS_AUTH")) undecided = true;
                continue;
            }
            const obj = secretObject(value.text);
            const hasKey = !!obj && "privateKey" in obj;
            const client = used.has("CLIENT_CERTIFICATE_TLS_AUTH") ? !used.has("SERVER_ROOT_CA_CERTIFICATE") || hasKey : used.size === 0 && hasKey;
            if (!client || value.text === undefined || !hasMtlsFields(obj)) continue;
            for (const f of inspectMtlsSecret(value.text)) report(`mTLS secret version '${v.name}': ${f.message}.`, v.urn);
        }
        // Stryker disable next-line ArrayDeclaration,StringLiteral: a preview note's property path is message text (the note is raised either way)
        if (undecided) notKnownYet(["secretString"]);
    },
};

/** Secret versions of a secret, found by property dependency or by `secretId` naming the secret's ARN or id. */
function versionsOf(index: StackIndex, secrets: PolicyResource[]): PolicyResource[] {
    return secrets.flatMap((s) => index.referrers(s, "secretId", [T.secretVersion]));
}

/**
 * The Secret resources a reference (ARN) in a list property points at: those its value names, and the property's
 * dependencies. Every entry of a list property shares those dependencies, so they are returned with the first entry
 * of each (owner, property) only (`seen` remembers): a list of n entries costs n lookups, not n x its dependencies.
 * `none`: the reference points at no secret of this stack.
 */
function secretsFor(index: StackIndex, owner: PolicyResource, prop: string, value: unknown, seen: Set<string>): { secrets: PolicyResource[]; none: boolean } {
    const byValue = index.withIdIn([value], [T.secret]);
    const deps = index.propDeps(owner, prop, [T.secret]);
    const key = `${owner.urn}\u0000${prop}`;
    const first = !seen.has(key);
    seen.add(key);
    return { secrets: first && deps.length ? [...new Set([...deps, ...byValue])] : byValue, none: deps.length === 0 && byValue.length === 0 };
}

/**
 * "Using Lambda with Amazon MSK": "The CLIENT_CERTIFICATE_TLS_AUTH secret requires a certificate field and a private key field." A mapping's
 * mTLS secret must have both (the chain and key themselves are judged by `mtls-secret`).
 */
export const mtlsSecretForMapping: StackValidationPolicy = {
    name: "mtls-secret-for-mapping",
    description: "The secret a mapping's CLIENT_CERTIFICATE_TLS_AUTH names holds certificate and privateKey fields within 65,536 bytes.",
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
        const index = new StackIndex(args.resources);
        let undecided: Path | undefined;
        const seen = new Set<string>();
        const judged = new Set<PolicyResource>();
        for (const m of index.ofType(T.mapping)) {
            if (isUnknown(get(m.props, "sourceAccessConfigurations"))) {
                // Stryker disable next-line ArrayDeclaration,StringLiteral: a preview note's property path is message text (the note is raised either way)
                undecided = ["sourceAccessConfigurations"];
            }
            maybeArray(m.props, "sourceAccessConfigurations").forEach((c) => {
                const type = get(c, "type");
                // Stryker disable next-line ArrayDeclaration,StringLiteral: a preview note's property path is message text (the note is raised either way)
                if (isUnknown(type)) undecided = ["sourceAccessConfigurations"];
                if (type !== "CLIENT_CERTIFICATE_TLS_AUTH") return;
                const found = secretsFor(index, m, "sourceAccessConfigurations", get(c, "uri"), seen);
                if (found.none && isUnknown(get(c, "uri"))) {
                    // Stryker disable next-line ArrayDeclaration,StringLiteral: a preview note's property path is message text (the note is raised either way)
                    undecided = ["sourceAccessConfigurations"];
                }
                const secrets = found.secrets.filter((x) => !judged.has(x));
                for (const x of secrets) judged.add(x);
                for (const v of versionsOf(index, secrets)) {
                    const { text, value } = secretValue(v.props);
                    if (value === UNKNOWN) {
                        // Stryker disable next-line ArrayDeclaration,StringLiteral: a preview note's property path is message text (the note is raised either way)
                        undecided = ["secretString"];
                        continue;
                    }
                    if (text === undefined) continue;
                    if (Buffer.byteLength(text, "utf8") > SECRET_MAX_BYTES) {
                        report(
                            // Stryker disable next-line StringLiteral: message wording decides no verdict
                            `The mTLS secret of mapping '${m.name}' (secret version '${v.name}') is ${Buffer.byteLength(text, "utf8")} bytes; Secrets Manager allows at most ${SECRET_MAX_BYTES}.`,
                            v.urn,
                        );
                    }
                    const missing = ["certificate", "privateKey"].filter(
                        (f) => !value || typeof value !== "object" || typeof (value as Record<string, unknown>)[f] !== "string",
                    );
                    if (missing.length) {
                        report(
                            // Stryker disable next-line StringLiteral: message wording decides no verdict
                            `Mapping '${m.name}' authenticates with CLIENT_CERTIFICATE_TLS_AUTH, but its secret version '${v.name}' has no ${missing.join(" or ")} field: ` +
                                // Stryker disable next-line StringLiteral: message wording decides no verdict
                                'the secret must be JSON {"certificate": <PEM chain>, "privateKey": <PKCS#8 PEM>, "privateKeyPassword"?: ...}.',
                            v.urn,
                        );
                    }
                }
            });
        }
        if (undecided) notKnownYet(undecided);
    },
};

/** A key reference that is AWS's default Secrets Manager key (or no key at all, which means the same). */
function isDefaultSecretsKey(kmsKeyId: unknown): boolean {
    return (
        kmsKeyId === undefined ||
        kmsKeyId === null ||
        kmsKeyId === "" ||
        kmsKeyId === "alias/aws/secretsmanager" ||
        (typeof kmsKeyId === "string" && kmsKeyId.endsWith(":alias/aws/secretsmanager"))
    );
}

/**
 * Adds to `uses` the secrets the mappings of the given source kinds name with one of `types`; returns a preview path
 * when a mapping's kind, access configurations or a configuration's type are not known yet.
 */
function mappingSecretUses(
    index: StackIndex,
    kinds: SourceKind[],
    types: ReadonlySet<string>,
    uses: { owner: PolicyResource; prop: string; arn: unknown }[],
    skip?: (m: PolicyResource) => boolean,
): Path | undefined {
    let undecided: Path | undefined;
    for (const m of index.ofType(T.mapping)) {
        const kind = mappingSource(m, index).kind;
        if (kind === "unknown") {
            // Stryker disable next-line ArrayDeclaration,StringLiteral: a preview note's property path is message text (the note is raised either way)
            undecided = ["eventSourceArn"];
        }
        if (!kinds.includes(kind) || skip?.(m)) continue;
        if (isUnknown(get(m.props, "sourceAccessConfigurations"))) {
            // Stryker disable next-line ArrayDeclaration,StringLiteral: a preview note's property path is message text (the note is raised either way)
            undecided = ["sourceAccessConfigurations"];
        }
        for (const c of maybeArray(m.props, "sourceAccessConfigurations")) {
            const type = get(c, "type");
            // Stryker disable next-line ArrayDeclaration,StringLiteral: a preview note's property path is message text (the note is raised either way)
            if (isUnknown(type)) undecided = ["sourceAccessConfigurations"];
            if (typeof type === "string" && types.has(type)) uses.push({ owner: m, prop: "sourceAccessConfigurations", arn: get(c, "uri") });
        }
    }
    return undecided;
}

/** The secret name inside a Secrets Manager ARN (`arn:...:secret:NAME-XXXXXX`), split on `:` without a regex. */
function secretNameOfArn(arn: string): string | undefined {
    const parts = arn.split(":");
    if (parts[0] !== "arn" || parts[2] !== "secretsmanager" || parts[5] !== "secret" || parts.length < 7) return undefined;
    const full = parts.slice(6).join(":");
    // Secrets Manager appends a hyphen and six random characters to the name.
    const dash = full.length - 7;
    return dash > 0 && full[dash] === "-" && isAlphanumeric(full.slice(dash + 1)) ? full.slice(0, dash) : full;
}

/**
 * The key a secret in the stack is encrypted with: `cmk` (a customer-managed key: named, or a key or alias resource of
 * this stack), `default` (none, or aws/secretsmanager) or `unknown` (not known yet and no dependency says).
 */
function secretKey(index: StackIndex, s: PolicyResource): "cmk" | "default" | "unknown" {
    if (index.propDeps(s, "kmsKeyId", [T.kmsKey, T.kmsAlias]).length > 0) return "cmk";
    const key = get(s.props, "kmsKeyId");
    if (isUnknown(key)) return "unknown";
    return isDefaultSecretsKey(key) ? "default" : "cmk";
}

const VPC_CONNECTION = "aws:msk/vpcConnection:VpcConnection";

/**
 * Whether an MSK mapping reads through a managed VPC connection (its `eventSourceArn` is a VPC connection's ARN, or
 * depends on a VPC connection of this stack): AWS Lambda, "Creating cross-account event source mappings".
 */
function readsOverVpcConnection(index: StackIndex, m: PolicyResource): boolean {
    const arn = get(m.props, "eventSourceArn");
    if (typeof arn === "string" && !isUnknown(arn)) return isMskVpcConnectionArn(arn);
    return index.propDeps(m, "eventSourceArn", [VPC_CONNECTION]).length > 0;
}

/**
 * MSK associates only SASL/SCRAM secrets whose names start with `AmazonMSK_` and that are encrypted with a
 * customer-managed key (not the default `aws/secretsmanager` key). The rule judges the secrets MSK reads itself: those of
 * the cluster's own associations, and those of mappings on a cluster of the same account (the mapping must use a secret
 * associated with the cluster). A mapping over a VPC connection to another account's cluster is not judged: AWS Lambda,
 * "Creating cross-account event source mappings", lets it use a secret of the function's account kept in sync with
 * the cluster's (any name; MSK never reads it), or the cluster's own secret shared across accounts (judged where it is
 * associated, in the owner's stack).
 */
export const mskScramSecret: StackValidationPolicy = {
    name: "msk-scram-secret",
    description:
        "A SASL/SCRAM secret associated with an MSK cluster (or used by a mapping on a cluster of its own account, not over a VPC connection) is named AmazonMSK_... and encrypted with a customer-managed KMS key.",
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
        const index = new StackIndex(args.resources);
        const uses: { owner: PolicyResource; prop: string; arn: unknown }[] = [];
        for (const a of index.ofType(T.singleScramAssociation)) uses.push({ owner: a, prop: "secretArn", arn: get(a.props, "secretArn") });
        for (const a of index.ofType(T.scramAssociation)) {
            const list = get(a.props, "secretArnLists");
            if (isUnknown(list)) uses.push({ owner: a, prop: "secretArnLists", arn: UNKNOWN });
            else for (const arn of maybeArray(a.props, "secretArnLists")) uses.push({ owner: a, prop: "secretArnLists", arn });
        }
        let undecided: Path | undefined = mappingSecretUses(index, ["msk"], new Set(["SASL_SCRAM_512_AUTH"]), uses, (m) => readsOverVpcConnection(index, m));
        const done = new Set<string>();
        const seen = new Set<string>();
        for (const use of uses) {
            const { secrets, none } = secretsFor(index, use.owner, use.prop, use.arn, seen);
            if (isUnknown(use.arn) && none) {
                // Stryker disable next-line ArrayDeclaration: a preview note's property path is message text (the note is raised either way)
                undecided = [use.prop]; // named by an ARN not known yet, with no dependency on a secret of this stack
                continue;
            }
            if (typeof use.arn === "string" && !isUnknown(use.arn) && none) {
                // A secret outside this stack: its name is in the ARN (arn:...:secret:NAME-XXXXXX).
                const name = secretNameOfArn(use.arn);
                if (name && !name.startsWith(MSK_SCRAM_SECRET_PREFIX) && !done.has(use.arn)) {
                    done.add(use.arn);
                    report(
                        `'${use.owner.name}' uses the SASL/SCRAM secret ${clip(name)}: Amazon MSK only accepts secrets whose names start with ${MSK_SCRAM_SECRET_PREFIX}.`,
                        use.owner.urn,
                    );
                }
                continue;
            }
            for (const s of secrets) {
                if (done.has(s.urn)) continue;
                done.add(s.urn);
                const name = get(s.props, "name");
                // Stryker disable next-line ArrayDeclaration,StringLiteral: a preview note's property path is message text (the note is raised either way)
                if (isUnknown(name)) undecided = ["name"];
                if (typeof name === "string" && !isUnknown(name) && !name.startsWith(MSK_SCRAM_SECRET_PREFIX)) {
                    report(
                        `Secret '${s.name}' (named ${clip(name)}) is used for SASL/SCRAM with Amazon MSK, which only accepts secrets whose names start with ${MSK_SCRAM_SECRET_PREFIX}. Rename it.`,
                        s.urn,
                    );
                }
                const key = secretKey(index, s);
                if (key === "unknown") {
                    // Stryker disable next-line ArrayDeclaration,StringLiteral: a preview note's property path is message text (the note is raised either way)
                    undecided = ["kmsKeyId"];
                }
                if (key === "default") {
                    report(
                        `Secret '${s.name}' is used for SASL/SCRAM with Amazon MSK but is encrypted with the default aws/secretsmanager key; MSK requires a customer-managed KMS key (set kmsKeyId).`,
                        s.urn,
                    );
                }
            }
        }
        if (undecided) notKnownYet(undecided);
    },
};

/** Source access configuration types whose `uri` is a Secrets Manager secret (Lambda API SourceAccessConfiguration). */
const SECRET_ACCESS_TYPES = new Set(["BASIC_AUTH", "SASL_SCRAM_256_AUTH", "SASL_SCRAM_512_AUTH", "CLIENT_CERTIFICATE_TLS_AUTH", "SERVER_ROOT_CA_CERTIFICATE"]);

/**
 * The secrets Kafka mappings (MSK or self-managed) and MSK SCRAM associations use hold the credentials to the
 * cluster: a customer-managed key makes who can read them auditable and revocable (Amazon MSK requires one for SCRAM
 * secrets: "Amazon MSK SASL/SCRAM"), and in production a deleted secret keeps Secrets Manager's recovery window
 * (`recoveryWindowInDays: 0` deletes it at once, and every mapping using it stops reading).
 */
export const mappingSecretProtection: StackValidationPolicy = {
    name: "mapping-secret-protection",
    description:
        "Secrets used by Kafka event source mappings (and MSK SCRAM associations) are encrypted with a customer-managed KMS key and, in production stacks, are not deleted without a recovery window.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            production: {
                type: "boolean",
                default: false,
                description: "This stack is production: refuse recoveryWindowInDays 0 (immediate deletion) on these secrets.",
            },
        },
    },
    validateStack: (args, report) => {
        const { production } = config(args, { production: false });
        const index = new StackIndex(args.resources);
        const uses: { owner: PolicyResource; prop: string; arn: unknown }[] = [];
        let undecided: Path | undefined = mappingSecretUses(index, ["msk", "self-managed"], SECRET_ACCESS_TYPES, uses);
        for (const a of index.ofType(T.singleScramAssociation)) uses.push({ owner: a, prop: "secretArn", arn: get(a.props, "secretArn") });
        for (const a of index.ofType(T.scramAssociation)) {
            const list = get(a.props, "secretArnLists");
            if (isUnknown(list)) uses.push({ owner: a, prop: "secretArnLists", arn: UNKNOWN });
            else for (const arn of maybeArray(a.props, "secretArnLists")) uses.push({ owner: a, prop: "secretArnLists", arn });
        }
        const done = new Set<string>();
        const seen = new Set<string>();
        for (const use of uses) {
            const { secrets, none } = secretsFor(index, use.owner, use.prop, use.arn, seen);
            // Stryker disable next-line ArrayDeclaration: a preview note's property path is message text (the note is raised either way)
            if (none && isUnknown(use.arn)) undecided = [use.prop];
            for (const s of secrets) {
                if (done.has(s.urn)) continue;
                done.add(s.urn);
                const key = secretKey(index, s);
                if (key === "unknown") {
                    // Stryker disable next-line ArrayDeclaration,StringLiteral: a preview note's property path is message text (the note is raised either way)
                    undecided = ["kmsKeyId"];
                }
                if (key === "default")
                    report(
                        `Secret '${s.name}', used by '${use.owner.name}', is encrypted with the default aws/secretsmanager key: set kmsKeyId to a customer-managed KMS key (with rotation) and grant the function's role kms:Decrypt on it.`,
                        s.urn,
                    );
                if (!production) continue;
                const window = get(s.props, "recoveryWindowInDays");
                // Stryker disable next-line ArrayDeclaration,StringLiteral: a preview note's property path is message text (the note is raised either way)
                if (isUnknown(window)) undecided = ["recoveryWindowInDays"];
                else if (window === 0 || window === "0")
                    report(
                        `Secret '${s.name}', used by '${use.owner.name}', has recoveryWindowInDays 0 in a production stack: deleting it would remove it at once, with no way back. Keep a recovery window (7-30 days).`,
                        s.urn,
                    );
            }
        }
        if (undecided) notKnownYet(undecided);
    },
};
