import type { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { MSK_SCRAM_SECRET_PREFIX } from "../lib/facts";
import { StackIndex, T } from "../lib/graph";
import { inspectMtlsSecret, SECRET_MAX_BYTES } from "../lib/mtls";
import { isMskMapping } from "../lib/refs";
import { clip, get, isAlphanumeric, isUnknown, jsonDocument, maybeArray, maybeString, notKnownYet, UNKNOWN } from "../lib/values";
import { forTypes, stackCheck } from "./common";

/** The secret value of a SecretVersion as an object when it is JSON, `UNKNOWN` when not known yet. */
function secretValue(props: unknown): { text?: string; value: unknown } {
    const key = props !== null && typeof props === "object" ? props : undefined;
    const cached = key && parsed.get(key);
    if (cached) return cached;
    const v = parseSecretValue(props);
    if (key) parsed.set(key, v);
    return v;
}

/** Secret values parsed once per resource (several mappings may name one secret). */
const parsed = new WeakMap<object, { text?: string; value: unknown }>();

function parseSecretValue(props: unknown): { text?: string; value: unknown } {
    const text = get(props, "secretString");
    if (isUnknown(text)) return { value: UNKNOWN };
    if (typeof text !== "string") return { value: undefined };
    return { text, value: jsonDocument(text) };
}

function hasMtlsFields(v: unknown): boolean {
    return !!v && typeof v === "object" && !Array.isArray(v) && ("certificate" in v || "privateKey" in v);
}

/**
 * Seed "Configuring the mTLS secret": certificate chain order (client, intermediates, root), PEM format, PKCS#8 keys,
 * PBES1 (not PBES2) encryption with a password, and Secrets Manager's 65,536-byte limit; a client certificate must
 * be signed by a CA the brokers trust (so not self-signed). Judged with real X.509/ASN.1 parsing.
 */
export const mtlsSecret: ResourceValidationPolicy = {
    name: "mtls-secret",
    description: "A secret holding an mTLS client certificate and key (certificate/privateKey fields) is one Lambda can use with Amazon MSK.",
    enforcementLevel: "mandatory",
    validateResource: forTypes([T.secretVersion], (args, report) => {
        const { text, value } = secretValue(args.props);
        if (value === UNKNOWN || text === undefined || !hasMtlsFields(value)) return;
        for (const f of inspectMtlsSecret(text)) report(`mTLS secret version '${args.name}': ${f.message}.`);
    }),
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
 * Seed: "The CLIENT_CERTIFICATE_TLS_AUTH secret requires a certificate field and a private key field." A mapping's
 * mTLS secret must have both (the chain and key themselves are judged by `mtls-secret`).
 */
export const mtlsSecretForMapping: StackValidationPolicy = {
    name: "mtls-secret-for-mapping",
    description: "The secret a mapping's CLIENT_CERTIFICATE_TLS_AUTH names holds certificate and privateKey fields within 65,536 bytes.",
    enforcementLevel: "mandatory",
    validateStack: stackCheck((args, report) => {
        const index = new StackIndex(args.resources);
        for (const m of index.ofType(T.mapping)) {
            const seen = new Set<string>();
            const judged = new Set<PolicyResource>();
            maybeArray(m.props, "sourceAccessConfigurations").forEach((c) => {
                if (maybeString(c, "type") !== "CLIENT_CERTIFICATE_TLS_AUTH") return;
                const secrets = secretsFor(index, m, "sourceAccessConfigurations", get(c, "uri"), seen).secrets.filter((s) => !judged.has(s));
                for (const s of secrets) judged.add(s);
                for (const v of versionsOf(index, secrets)) {
                    const { text, value } = secretValue(v.props);
                    if (value === UNKNOWN) notKnownYet(["secretString"]);
                    if (text === undefined) continue;
                    if (Buffer.byteLength(text, "utf8") > SECRET_MAX_BYTES) {
                        report(
                            `The mTLS secret of mapping '${m.name}' (secret version '${v.name}') is ${Buffer.byteLength(text, "utf8")} bytes; Secrets Manager allows at most ${SECRET_MAX_BYTES}.`,
                            v.urn,
                        );
                    }
                    const missing = ["certificate", "privateKey"].filter(
                        (f) => !value || typeof value !== "object" || typeof (value as Record<string, unknown>)[f] !== "string",
                    );
                    if (missing.length) {
                        report(
                            `Mapping '${m.name}' authenticates with CLIENT_CERTIFICATE_TLS_AUTH, but its secret version '${v.name}' has no ${missing.join(" or ")} field: ` +
                                'the secret must be JSON {"certificate": <PEM chain>, "privateKey": <PKCS#8 PEM>, "privateKeyPassword"?: ...}.',
                            v.urn,
                        );
                    }
                }
            });
        }
    }),
};

/**
 * The secret's name in a Secrets Manager ARN (`arn:...:secret:NAME-XXXXXX`, the six characters being the suffix Secrets
 * Manager appends), or what follows `:secret:` when there is no such suffix. Found with `indexOf` in time linear in
 * the ARN's length: a backtracking pattern took 15 s on a 400 KB ARN.
 */
export function secretNameOf(arn: string): string | undefined {
    const at = arn.indexOf(":secret:");
    if (at < 0) return undefined;
    const rest = arn.slice(at + ":secret:".length);
    const suffix = rest.length - 7;
    if (suffix > 0 && rest[suffix] === "-" && isAlphanumeric(rest.slice(suffix + 1))) return rest.slice(0, suffix);
    return rest === "" ? undefined : rest;
}

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
 * MSK associates only SASL/SCRAM secrets whose names start with `AmazonMSK_` and that are encrypted with a
 * customer-managed key (not the default `aws/secretsmanager` key).
 */
export const mskScramSecret: StackValidationPolicy = {
    name: "msk-scram-secret",
    description:
        "A SASL/SCRAM secret associated with an MSK cluster (or used by an MSK mapping) is named AmazonMSK_... and encrypted with a customer-managed KMS key.",
    enforcementLevel: "mandatory",
    validateStack: stackCheck((args, report) => {
        const index = new StackIndex(args.resources);
        const uses: { owner: PolicyResource; prop: string; arn: unknown }[] = [];
        for (const a of index.ofType(T.singleScramAssociation)) uses.push({ owner: a, prop: "secretArn", arn: get(a.props, "secretArn") });
        for (const a of index.ofType(T.scramAssociation)) {
            const list = get(a.props, "secretArnLists");
            if (isUnknown(list)) uses.push({ owner: a, prop: "secretArnLists", arn: UNKNOWN });
            else for (const arn of maybeArray(a.props, "secretArnLists")) uses.push({ owner: a, prop: "secretArnLists", arn });
        }
        for (const m of index.ofType(T.mapping)) {
            if (!isMskMapping(m, index)) continue;
            for (const c of maybeArray(m.props, "sourceAccessConfigurations")) {
                if (maybeString(c, "type") === "SASL_SCRAM_512_AUTH") uses.push({ owner: m, prop: "sourceAccessConfigurations", arn: get(c, "uri") });
            }
        }
        const done = new Set<string>();
        const seen = new Set<string>();
        for (const use of uses) {
            const { secrets, none } = secretsFor(index, use.owner, use.prop, use.arn, seen);
            if (typeof use.arn === "string" && !isUnknown(use.arn) && none) {
                // A secret outside this stack: its name is in the ARN (arn:...:secret:NAME-XXXXXX).
                const name = secretNameOf(use.arn);
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
                if (isUnknown(name)) notKnownYet(["name"]);
                if (typeof name === "string" && !name.startsWith(MSK_SCRAM_SECRET_PREFIX)) {
                    report(
                        `Secret '${s.name}' (named ${clip(name)}) is used for SASL/SCRAM with Amazon MSK, which only accepts secrets whose names start with ${MSK_SCRAM_SECRET_PREFIX}. Rename it.`,
                        s.urn,
                    );
                }
                const key = get(s.props, "kmsKeyId");
                if (!isUnknown(key) && isDefaultSecretsKey(key) && index.propDeps(s, "kmsKeyId", [T.kmsKey]).length === 0) {
                    report(
                        `Secret '${s.name}' is used for SASL/SCRAM with Amazon MSK but is encrypted with the default aws/secretsmanager key; MSK requires a customer-managed KMS key (set kmsKeyId).`,
                        s.urn,
                    );
                }
            }
        }
    }),
};
