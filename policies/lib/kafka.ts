/**
 * What the Kafka rules share: which mappings read Kafka (Amazon MSK, MSK Serverless or self-managed Apache Kafka),
 * the cluster a mapping reads, its access configurations, the secrets they name and those secrets' values (as text,
 * from `secretString` or base64 `secretBinary`). Lookups go through the StackIndex, so every helper is linear.
 */
import type { PolicyResource } from "@pulumi/policy";
import { T, type StackIndex } from "./graph";
import { isKafkaMapping, sourceKindOfProps } from "./refs";
import { get, isUnknown, maybeArray, maybeString, parseJson } from "./values";

export const CLUSTER_TYPES = [T.mskCluster, T.mskServerless] as const;

/** A mapping that reads self-managed Apache Kafka. */
export function isSelfManagedMapping(m: PolicyResource): boolean {
    return sourceKindOfProps(m.props) === "self-managed";
}

/** A mapping that reads Kafka (Amazon MSK, provisioned or Serverless, or self-managed Apache Kafka): lib/refs.ts. */
export { isKafkaMapping };

/** The MSK cluster resources (provisioned or Serverless) in this stack that a mapping reads. */
export function clustersOf(index: StackIndex, m: PolicyResource): PolicyResource[] {
    return index.resolve(m, "eventSourceArn", get(m.props, "eventSourceArn"), CLUSTER_TYPES);
}

export interface AccessConfig {
    type: string;
    /** The `uri` as given: a string, the unknown sentinel, or undefined. */
    uri: unknown;
}

/** A mapping's `sourceAccessConfigurations` with a known type. */
export function accessConfigs(m: PolicyResource): AccessConfig[] {
    return maybeArray(m.props, "sourceAccessConfigurations")
        .map((c) => ({ type: maybeString(c, "type") ?? "", uri: get(c, "uri") }))
        .filter((c) => c.type !== "");
}

/** The access types that name a secret holding credentials Lambda presents to the brokers. */
export const CREDENTIAL_TYPES = ["CLIENT_CERTIFICATE_TLS_AUTH", "SASL_SCRAM_512_AUTH", "SASL_SCRAM_256_AUTH", "BASIC_AUTH"] as const;

/** The Secret resources (in this stack) an access configuration names. */
export function secretsOf(index: StackIndex, m: PolicyResource, c: AccessConfig): PolicyResource[] {
    return index.resolve(m, "sourceAccessConfigurations", c.uri, [T.secret]).filter((s) => {
        // A mapping's property dependencies cover every access configuration at once: with several secrets, keep
        // the one this configuration names when its ARN is known.
        if (typeof c.uri !== "string" || isUnknown(c.uri)) return true;
        const arn = get(s.props, "arn");
        const id = get(s.props, "id");
        return typeof arn !== "string" || isUnknown(arn) || arn === c.uri || id === c.uri || get(s.props, "name") === c.uri;
    });
}

/** The secret versions of a Secret resource. */
export function versionsOf(index: StackIndex, secret: PolicyResource): PolicyResource[] {
    return index.referrers(secret, "secretId", [T.secretVersion]);
}

export interface SecretText {
    /** The value is not known yet (preview). */
    unknown: boolean;
    /** The secret's text: `secretString`, or `secretBinary` decoded from base64 as UTF-8. */
    text?: string;
    /** Where the text came from. */
    from?: "secretString" | "secretBinary";
}

/** Standard base64 (whitespace already removed): letters, digits, '+', '/', then at most two '=' at the end. */
function isBase64(s: string): boolean {
    if (s.length % 4 !== 0) return false;
    let end = s.length;
    if (s.endsWith("==")) end -= 2;
    else if (s.endsWith("=")) end -= 1;
    for (let i = 0; i < end; i++) {
        const c = s[i];
        if (!((c >= "A" && c <= "Z") || (c >= "a" && c <= "z") || (c >= "0" && c <= "9") || c === "+" || c === "/")) return false;
    }
    return true;
}

/** `s` without whitespace (base64 in secrets is often wrapped at 64 or 76 characters). */
function withoutWhitespace(s: string): string {
    let out = "";
    for (const c of s) if (c !== " " && c !== "\n" && c !== "\r" && c !== "\t" && c !== "\f" && c !== "\v") out += c;
    return out;
}

/**
 * The value of a SecretVersion as text. Secrets Manager stores either a string or binary data; Lambda reads the
 * credentials the same way from both, so a JSON document stored as `secretBinary` (base64 in Pulumi's AWS provider)
 * is judged like one stored as `secretString`.
 */
export function secretText(props: unknown): SecretText {
    const s = get(props, "secretString");
    if (isUnknown(s)) return { unknown: true };
    if (typeof s === "string") return { unknown: false, text: s, from: "secretString" };
    const b = get(props, "secretBinary");
    if (isUnknown(b)) return { unknown: true };
    if (typeof b === "string") {
        const body = withoutWhitespace(b);
        if (isBase64(body)) return { unknown: false, text: Buffer.from(body, "base64").toString("utf8"), from: "secretBinary" };
        return { unknown: false, text: b, from: "secretBinary" };
    }
    return { unknown: false };
}

/** The JSON object a secret's text holds, or undefined (not JSON, or not an object). */
export function secretObject(text: string | undefined): Record<string, unknown> | undefined {
    if (text === undefined) return undefined;
    try {
        const v: unknown = parseJson(text);
        return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
    } catch {
        return undefined;
    }
}

/**
 * How mappings in the stack use each secret: secret URN → the access types that name it. Decides a secret's role
 * (client certificate, server root CA, SASL credentials) from its use rather than from its content.
 */
export function secretRoles(index: StackIndex): Map<string, Set<string>> {
    const roles = new Map<string, Set<string>>();
    for (const m of index.ofType(T.mapping)) {
        for (const c of accessConfigs(m)) {
            for (const s of secretsOf(index, m, c)) {
                const set = roles.get(s.urn) ?? new Set<string>();
                set.add(c.type);
                roles.set(s.urn, set);
            }
        }
    }
    return roles;
}

/**
 * Every `SourceAccessConfiguration` type of the Lambda API reference (`SourceAccessConfiguration`, Type, "Valid
 * Values"), with why each but SASL_SCRAM_512_AUTH and CLIENT_CERTIFICATE_TLS_AUTH does not apply to an Amazon MSK
 * source. Lambda/MSK: MSK supports SASL/SCRAM-SHA-512, mTLS and IAM ("MSK does not support SASL/PLAIN"); Lambda reads
 * an MSK cluster's subnets and security groups from MSK ("The Amazon VPC configuration is discoverable through the
 * Amazon MSK API"); VIRTUAL_HOST is Amazon MQ's RabbitMQ; SERVER_ROOT_CA_CERTIFICATE is its own policy
 * (msk-no-custom-server-ca).
 */
export const ACCESS_TYPES_FOR_MSK: Record<string, string | undefined> = {
    SASL_SCRAM_512_AUTH: undefined,
    CLIENT_CERTIFICATE_TLS_AUTH: undefined,
    SERVER_ROOT_CA_CERTIFICATE: undefined,
    BASIC_AUTH: "SASL/PLAIN (BASIC_AUTH), which Amazon MSK does not support",
    SASL_SCRAM_256_AUTH: "SASL/SCRAM-SHA-256 (SASL_SCRAM_256_AUTH), while Amazon MSK supports SCRAM-SHA-512 only (use SASL_SCRAM_512_AUTH)",
    VPC_SUBNET: "VPC_SUBNET, which is for self-managed Apache Kafka: Lambda uses the MSK cluster's own subnets",
    VPC_SECURITY_GROUP: "VPC_SECURITY_GROUP, which is for self-managed Apache Kafka: Lambda uses the MSK cluster's own security groups",
    VIRTUAL_HOST: "VIRTUAL_HOST, which is for Amazon MQ (RabbitMQ) sources",
};

/** Why an access type does not apply to an MSK mapping, or undefined when it does. */
export function mskAccessTypeProblem(type: string): string | undefined {
    if (Object.prototype.hasOwnProperty.call(ACCESS_TYPES_FOR_MSK, type)) return ACCESS_TYPES_FOR_MSK[type];
    return `${JSON.stringify(type.slice(0, 60))}, which is not a type the Lambda API accepts (${Object.keys(ACCESS_TYPES_FOR_MSK).join(", ")})`;
}
