/**
 * IAM: what a policy document actually allows (lib/iam-eval.ts evaluates Action/NotAction, Resource/NotResource,
 * wildcards and Deny), judged against probe requests rather than by string equality with "*":
 * - iam-least-privilege: any IAM policy document in the stack allows every action, every kafka-cluster action, or
 *   kafka-cluster / secret-reading actions on any cluster's or any secret's resources;
 * - msk-mapping-role-permissions: an MSK or self-managed Kafka mapping's function role has what the Lambda docs list
 *   (issue: "Cluster failed to authorize Lambda"; for self-managed Kafka the ec2 actions in a VPC and its secret);
 * - msk-consumer-role-least-privilege: the same role has no more than a consumer needs on Kafka.
 */
import type { PolicyResource, ReportViolation, StackValidationPolicy } from "@pulumi/policy";
import { StackIndex, T } from "../lib/graph";
import {
    allowingIndex,
    allows,
    allowsActionIn,
    asList,
    coversAction,
    coversResource,
    isUnconditionalDeny,
    statementLabel,
    statementsOf,
    type Stmt,
} from "../lib/iam-eval";
import {
    CONSUMER_KAFKA_CLUSTER_ACTIONS,
    KAFKA_CLUSTER_ACTIONS,
    KAFKA_CLUSTER_ADMIN_ACTIONS,
    KAFKA_CONTROL_PLANE_WRITE_ACTIONS,
    MAPPING_CLUSTER_ACTIONS,
    MAPPING_DESCRIBE_CLUSTER_ACTIONS,
    MAPPING_EC2_ACTIONS,
} from "../lib/iam-facts";
import { boundaryOf, keyPolicyGate, refusalDetail, resourcePolicies, viaService, type Gate } from "../lib/iam-access";
import type { RequestContext } from "../lib/iam-conditions";
import { accessConfigs, isSelfManagedMapping, secretsOf } from "../lib/kafka";
import { resolveKey } from "../lib/kms";
import { probeFor, type Probe } from "../lib/iam-probe";
import { functionsOf, isMskMapping, isMskVpcConnectionArn, roleGrants, rolesOf, type RoleGrants } from "../lib/refs";
import { isAwsManaged } from "./destinations";
import { get, isUnknown, maybeArray, maybeString, notKnownYet, UNKNOWN, type Path } from "../lib/values";
import { listed, reportAdvisory } from "./common";
import { shown } from "../lib/shown";

const SERVERLESS_CLUSTER = "aws:msk/serverlessCluster:ServerlessCluster";

/** Names for what the pack asks about (not probes: breadth is probed with lib/iam-probe.ts, from each document). */
const PROBE = { name: "msk-lambda-probe" };

/** An MSK cluster ARN's parts (`arn:PARTITION:kafka:REGION:ACCOUNT:cluster/NAME/UUID`), or undefined. */
export function clusterParts(arn: string): { partition: string; region: string; account: string; name: string; uuid: string } | undefined {
    const f = arn.split(":");
    if (f.length !== 6 || f[0] !== "arn" || f[2] !== "kafka") return undefined;
    const r = f[5].split("/");
    if (r.length !== 3 || r[0] !== "cluster" || !r[1] || !r[2]) return undefined;
    return { partition: f[1], region: f[3], account: f[4], name: r[1], uuid: r[2] };
}

type KafkaType = "cluster" | "topic" | "group" | "transactional-id";

/** The ARN of a kafka-cluster resource: `cluster/NAME/UUID`, `topic/NAME/UUID/TOPIC`, `group/NAME/UUID/GROUP`. */
function kafkaArn(c: { partition: string; region: string; account: string; name: string; uuid: string }, type: KafkaType, leaf = ""): string {
    const base = `arn:${c.partition}:kafka:${c.region}:${c.account}:${type}/${c.name}/${c.uuid}`;
    return type === "cluster" ? base : `${base}/${leaf}`;
}

/** A cluster of any name, region and account, for one document's probe. */
function anyCluster(probe: Probe) {
    return { partition: "aws", region: probe.region, account: probe.account, name: probe.any, uuid: probe.any };
}

function kafkaAction(name: string): string {
    return `kafka-cluster:${name}`;
}

/** The resource type a `kafka-cluster:` action applies to. */
function resourceTypeOf(action: string): KafkaType {
    return KAFKA_CLUSTER_ACTIONS[action.slice("kafka-cluster:".length)].resource;
}

/** The label of the statement that allows `action` on `resource` (none when an unconditional Deny applies). */
function allowingStatement(statements: Stmt[], action: string, resource: string): string | undefined {
    const i = allowingIndex(statements, action, resource);
    return i < 0 ? undefined : statementLabel(statements[i], i);
}

/** What a document allows that no role in a Kafka → Lambda setup needs, as message fragments. */
export function broadGrants(statements: Stmt[]): string[] {
    const out: string[] = [];
    const PROBE = probeFor(statements);
    const ANY_CLUSTER = anyCluster(PROBE);
    // Every action: an Allow whose action part covers an action of a service that does not exist (Action "*", "*:*",
    // NotAction [...]), unless an unconditional Deny takes that back everywhere.
    const denyAll = statements.some((s) => isUnconditionalDeny(s) && coversAction(s, PROBE.action) && coversResource(s, PROBE.resource));
    if (!denyAll) {
        for (const i of allowsActionIn(statements, PROBE.action)) {
            const s = statements[i];
            out.push(
                `${statementLabel(s, i)} allows every action (${
                    // Stryker disable next-line ConditionalExpression,EqualityOperator: which fragment the message shows (Action or NotAction) decides no verdict
                    s.Action !== undefined
                        ? // Stryker disable next-line StringLiteral: message wording decides no verdict
                          `Action ${listed(
                              asList(s.Action).map((a) => shown(a)),
                              // Stryker disable next-line StringLiteral: message wording decides no verdict
                              ", ",
                              5,
                          )}`
                        : `NotAction ${listed(
                              asList(s.NotAction).map((a) => shown(a)),
                              // Stryker disable next-line StringLiteral: message wording decides no verdict
                              ", ",
                              5,
                          )}`
                })`,
            );
        }
        if (out.length) return out;
    }
    // Every kafka-cluster action (kafka-cluster:*, kafka-*:*, ...): all of the catalogue and actions AWS adds later.
    const denyKafka = statements.some((s) => isUnconditionalDeny(s) && coversAction(s, PROBE.futureKafkaAction) && coversResource(s, PROBE.resource));
    if (!denyKafka) {
        let every = allowsActionIn(statements, PROBE.futureKafkaAction);
        for (const a of Object.keys(KAFKA_CLUSTER_ACTIONS)) {
            if (!every.length) break;
            const covering = new Set(allowsActionIn(statements, kafkaAction(a)));
            every = every.filter((i) => covering.has(i));
        }
        for (const i of every)
            out.push(`${statementLabel(statements[i], i)} allows every kafka-cluster action (kafka-cluster:*); name the actions the Lambda/MSK docs list`);
    }
    // kafka-cluster actions on the resources of any cluster (Resource "*", "arn:aws:kafka:*", NotResource [...]).
    const onAny = new Map<string, string[]>();
    for (const [a, info] of Object.entries(KAFKA_CLUSTER_ACTIONS)) {
        const by = allowingStatement(statements, kafkaAction(a), kafkaArn(ANY_CLUSTER, info.resource, PROBE.any));
        if (by) onAny.set(by, [...(onAny.get(by) ?? []), kafkaAction(a)]);
    }
    for (const [by, actions] of onAny) out.push(`${by} allows ${actions.join(", ")} on the resources of any cluster; name the cluster, topic and group ARNs`);
    const secret = allowingStatement(statements, "secretsmanager:GetSecretValue", PROBE.secret);
    if (secret) out.push(`${secret} allows secretsmanager:GetSecretValue on any secret; name the secret's ARN`);
    return out;
}

const IAM_DOCUMENT_TYPES = [T.policy, T.rolePolicy, T.userPolicy, T.groupPolicy, T.role];

/** Least privilege for every IAM document in the stack, decided by what it allows. */
/** The documents a resource of `IAM_DOCUMENT_TYPES` holds: a role's inline policies, or its own `policy`. */
function documentsOf(r: PolicyResource): { doc: unknown; path: Path }[] | typeof UNKNOWN {
    if (r.type !== T.role)
        return [
            {
                doc: get(r.props, "policy"),
                // Stryker disable next-line ArrayDeclaration,StringLiteral: a preview note's property path is message text (the note is raised either way)
                path: ["policy"],
            },
        ];
    if (isUnknown(get(r.props, "inlinePolicies"))) return UNKNOWN;
    return maybeArray(r.props, "inlinePolicies").map((p, i) => ({
        doc: get(p, "policy"),
        // Stryker disable next-line ArrayDeclaration,StringLiteral: a preview note's property path is message text (the note is raised either way)
        path: ["inlinePolicies", i, "policy"],
    }));
}

/**
 * The managed policies of the stack that serve only as a role's permissions boundary (IAM User Guide, "Permissions
 * boundaries for IAM entities": a boundary "does not grant permissions on its own"): named by some role's
 * `permissionsBoundary` and attached to no role (no `RolePolicyAttachment`, `PolicyAttachment` or `managedPolicyArns`).
 */
function boundaryOnly(index: StackIndex): Set<PolicyResource> {
    const boundaries = new Set<PolicyResource>();
    const attached = new Set<PolicyResource>();
    const named = (owner: PolicyResource, prop: string, values: unknown[]) => [
        ...index.propDeps(owner, prop, [T.policy]),
        ...index.withIdIn(
            values.filter((v): v is string => typeof v === "string" && !isUnknown(v)),
            [T.policy],
        ),
    ];
    for (const role of index.ofType(T.role)) {
        for (const b of named(role, "permissionsBoundary", [get(role.props, "permissionsBoundary")])) boundaries.add(b);
        for (const a of named(role, "managedPolicyArns", maybeArray(role.props, "managedPolicyArns"))) attached.add(a);
    }
    for (const att of index.ofType(T.rolePolicyAttachment, T.policyAttachment))
        for (const a of named(att, "policyArn", [get(att.props, "policyArn")])) attached.add(a);
    for (const a of attached) boundaries.delete(a);
    return boundaries;
}

export const iamLeastPrivilege: StackValidationPolicy = {
    name: "iam-least-privilege",
    description:
        "IAM policies do not allow every action, every kafka-cluster action, kafka-cluster actions on any cluster's resources, or secretsmanager:GetSecretValue on any secret (judged by what the document allows: NotAction, NotResource, wildcards and Deny included). A managed policy used only as a permissions boundary grants nothing and is not judged.",
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
        const index = new StackIndex(args.resources);
        const skip = boundaryOnly(index);
        let unknown: Path | undefined;
        for (const r of index.ofType(...IAM_DOCUMENT_TYPES)) {
            if (skip.has(r)) continue;
            const docs = documentsOf(r);
            if (docs === UNKNOWN) {
                // Stryker disable next-line ArrayDeclaration,StringLiteral: a preview note's property path is message text (the note is raised either way)
                unknown = ["inlinePolicies"];
                continue;
            }
            const all: string[] = [];
            for (const d of docs) {
                const statements = statementsOf(d.doc);
                if (statements === UNKNOWN) unknown = d.path;
                else for (const p of broadGrants(statements)) all.push(p);
            }
            // Stryker disable next-line StringLiteral: message wording decides no verdict
            if (all.length) report(`IAM policy '${r.name}' is broader than it must be: ${listed(all, "; ")}.`, r.urn);
        }
        if (unknown) notKnownYet(unknown);
    },
};

/** What the pack must know about an MSK mapping to judge its role. */
interface MappingIam {
    mapping: PolicyResource;
    cluster: { partition: string; region: string; account: string; name: string; uuid: string; arn: string };
    topic: string;
    /** The consumer group id; undefined when Lambda generates it (no consumerGroupId) and it is not known yet. */
    group?: string;
    serverless: boolean;
    /**
     * The mapping reads through an MSK VPC connection to a cluster in another account (Lambda "Creating cross-account
     * event source mappings"): the cluster's ARN is not in the stack, so only the connection's needs are judged.
     */
    vpcConnection: boolean;
    /** The mapping authenticates with IAM (no SASL/SCRAM, SASL/PLAIN or mTLS secret, and IAM on the cluster). */
    iam: boolean;
    /** The secrets Lambda reads for the mapping (SASL/SCRAM, SASL/PLAIN, mTLS, server root CA): ARN and resource. */
    secrets: { arn: string; resource?: PolicyResource }[];
    roles: { fn: PolicyResource; role: PolicyResource; grants: RoleGrants }[];
}

const SECRET_ACCESS_TYPES = new Set(["SASL_SCRAM_512_AUTH", "SASL_SCRAM_256_AUTH", "BASIC_AUTH", "CLIENT_CERTIFICATE_TLS_AUTH"]);

/** A role's grants, collected (and prepared) once per role: one role often serves many mappings. */
function grantsMemo(index: StackIndex): (role: PolicyResource) => RoleGrants {
    const grants = new Map<string, RoleGrants>();
    return (role) => {
        let g = grants.get(role.urn);
        if (!g) grants.set(role.urn, (g = roleGrants(index, role)));
        return g;
    };
}

/** Every MSK mapping with its cluster, topic, group and roles; `undecided` is set when a value is not known yet. */
function mappingsWithRoles(index: StackIndex): { list: MappingIam[]; undecided?: Path } {
    const list: MappingIam[] = [];
    let undecided: Path | undefined;
    const grantsOf = grantsMemo(index);
    for (const m of index.ofType(T.mapping)) {
        if (!isMskMapping(m, index)) continue;
        const fns = functionsOf(index, m, "functionName");
        const roles = fns.flatMap((fn) => rolesOf(index, fn).map((role) => ({ fn, role, grants: grantsOf(role) })));
        if (!roles.length) continue; // function or role outside this stack: nothing to judge here
        // The cluster: the mapping's eventSourceArn, or the ARN of the cluster resource it depends on.
        const clusters = index.propDeps(m, "eventSourceArn", [T.mskCluster, SERVERLESS_CLUSTER]);
        let arn = get(m.props, "eventSourceArn");
        if ((typeof arn !== "string" || isUnknown(arn)) && clusters.length) arn = get(clusters[0].props, "arn");
        if (typeof arn !== "string" || isUnknown(arn)) {
            // Stryker disable next-line ArrayDeclaration,StringLiteral: a preview note's property path is message text (the note is raised either way)
            undecided = ["eventSourceArn"];
            continue;
        }
        const vpcConnection = isMskVpcConnectionArn(arn);
        const parts = clusterParts(arn) ?? (vpcConnection ? connectionParts(arn) : undefined);
        if (!parts) continue;
        const clusterRes = clusters[0] ?? index.withIdIn([arn], [T.mskCluster, SERVERLESS_CLUSTER])[0];
        const topics = get(m.props, "topics");
        const topic = Array.isArray(topics) ? topics[0] : topics;
        if (isUnknown(topics) || isUnknown(topic)) {
            // Stryker disable next-line ArrayDeclaration,StringLiteral: a preview note's property path is message text (the note is raised either way)
            undecided = ["topics"];
            continue;
        }
        if (typeof topic !== "string") continue; // msk-mapping-limits reports a mapping without a topic
        const groupValue = get(m.props, "amazonManagedKafkaEventSourceConfig", "consumerGroupId");
        if (isUnknown(groupValue)) {
            // Stryker disable next-line ArrayDeclaration,StringLiteral: a preview note's property path is message text (the note is raised either way)
            undecided = ["amazonManagedKafkaEventSourceConfig", "consumerGroupId"];
            continue;
        }
        // Without a consumerGroupId Lambda names the group itself; once the mapping exists its uuid is known.
        const group = typeof groupValue === "string" && groupValue ? groupValue : maybeString(m.props, "uuid");
        const access = get(m.props, "sourceAccessConfigurations");
        if (isUnknown(access)) {
            // Stryker disable next-line ArrayDeclaration,StringLiteral: a preview note's property path is message text (the note is raised either way)
            undecided = ["sourceAccessConfigurations"];
            continue;
        }
        const types = maybeArray(access).map((c) => get(c, "type"));
        if (types.some(isUnknown)) {
            // Stryker disable next-line ArrayDeclaration,StringLiteral: a preview note's property path is message text (the note is raised either way)
            undecided = ["sourceAccessConfigurations"];
            continue;
        }
        const serverless = clusterRes?.type === SERVERLESS_CLUSTER;
        // Lambda/MSK: "If IAM auth is active on your MSK cluster, and you don't provide a secret for auth, Lambda
        // automatically defaults to using IAM auth." MSK Serverless supports IAM only.
        let iam = !types.some((t) => typeof t === "string" && SECRET_ACCESS_TYPES.has(t));
        if (iam && clusterRes && !serverless) {
            const enabled = get(clusterRes.props, "clientAuthentication", "sasl", "iam");
            if (isUnknown(enabled) || isUnknown(get(clusterRes.props, "clientAuthentication"))) {
                // Stryker disable next-line ArrayDeclaration,StringLiteral: a preview note's property path is message text (the note is raised either way)
                undecided = ["clientAuthentication"];
                continue;
            }
            iam = enabled === true || enabled === "true";
        }
        const named = mappingSecrets(index, m, false);
        const secrets = named.secrets;
        if (named.undecided) undecided = named.undecided;
        list.push({ mapping: m, cluster: { ...parts, arn }, topic, group, serverless, iam, vpcConnection, secrets, roles });
    }
    return { list, undecided };
}

/**
 * The secrets a mapping names (SASL/SCRAM, SASL/PLAIN, mTLS, and with `rootCa` a server root CA): ARN and resource when
 * in the stack. An MSK mapping's server root CA is refused by msk-no-custom-server-ca (MSK brokers use Amazon Trust
 * Services certificates), so its role is not also asked to read it.
 */
function mappingSecrets(index: StackIndex, m: PolicyResource, rootCa: boolean): { secrets: MappingIam["secrets"]; undecided?: Path } {
    const secrets: MappingIam["secrets"] = [];
    let undecided: Path | undefined;
    for (const c of accessConfigs(m)) {
        if (!SECRET_ACCESS_TYPES.has(c.type) && !(rootCa && c.type === "SERVER_ROOT_CA_CERTIFICATE")) continue;
        const resource = secretsOf(index, m, c)[0];
        const secretArn = typeof c.uri === "string" && !isUnknown(c.uri) ? c.uri : resource ? get(resource.props, "arn") : undefined;
        if (typeof secretArn === "string" && !isUnknown(secretArn)) secrets.push({ arn: secretArn, resource });
        else
            // Stryker disable next-line ArrayDeclaration,StringLiteral: a preview note's property path is message text (the note is raised either way)
            undecided = ["sourceAccessConfigurations"];
    }
    return { secrets, undecided };
}

/** What the pack must know about a self-managed Kafka mapping to judge its role. */
interface SelfManagedIam {
    mapping: PolicyResource;
    /** The authentication, as messages name it (SASL/SCRAM, SASL/PLAIN for BASIC_AUTH, mTLS, or none). */
    auth: string;
    /** The mapping reaches its brokers through the VPC (VPC_SUBNET / VPC_SECURITY_GROUP access configurations). */
    vpc: boolean;
    secrets: MappingIam["secrets"];
    roles: { fn: PolicyResource; role: PolicyResource; grants: RoleGrants }[];
}

/** The authentication a mapping's access configuration types select, as the Lambda docs name it. */
function authOf(types: string[]): string {
    if (types.includes("CLIENT_CERTIFICATE_TLS_AUTH")) return "mTLS";
    // Stryker disable next-line ConditionalExpression,LogicalOperator,StringLiteral: authOf only names the authentication in the message (decides no verdict)
    if (types.includes("SASL_SCRAM_512_AUTH") || types.includes("SASL_SCRAM_256_AUTH")) return "SASL/SCRAM";
    // Stryker disable next-line ConditionalExpression,StringLiteral: authOf only names the authentication in the message (decides no verdict)
    if (types.includes("BASIC_AUTH")) return "SASL/PLAIN";
    // Stryker disable next-line StringLiteral: authOf only names the authentication in the message (decides no verdict)
    return "no authentication";
}

/** Every self-managed Kafka mapping whose function's role is in the stack; `undecided` when a value is not known yet. */
function selfManagedWithRoles(index: StackIndex): { list: SelfManagedIam[]; undecided?: Path } {
    const list: SelfManagedIam[] = [];
    let undecided: Path | undefined;
    const grantsOf = grantsMemo(index);
    for (const m of index.ofType(T.mapping)) {
        if (!isSelfManagedMapping(m)) continue;
        const roles = functionsOf(index, m, "functionName").flatMap((fn) => rolesOf(index, fn).map((role) => ({ fn, role, grants: grantsOf(role) })));
        if (!roles.length) continue; // function or role outside this stack: nothing to judge here
        const access = get(m.props, "sourceAccessConfigurations");
        const types = maybeArray(access).map((c) => get(c, "type"));
        if (isUnknown(access) || types.some(isUnknown)) {
            // Stryker disable next-line ArrayDeclaration,StringLiteral: a preview note's property path is message text (the note is raised either way)
            undecided = ["sourceAccessConfigurations"];
            continue;
        }
        const known = types.filter((t): t is string => typeof t === "string");
        const named = mappingSecrets(index, m, true);
        if (named.undecided) undecided = named.undecided;
        const vpc = known.includes("VPC_SUBNET") || known.includes("VPC_SECURITY_GROUP");
        list.push({ mapping: m, auth: authOf(known), vpc, secrets: named.secrets, roles });
    }
    return { list, undecided };
}

/**
 * What a self-managed Kafka mapping needs from its role (Lambda, "Configuring self-managed Apache Kafka event sources
 * for Lambda", execution role permissions): the six ec2 network-interface actions when it reaches its brokers through
 * a VPC, in the function's account and region; the secret and its key as for MSK.
 */
function selfManagedNeeds(index: StackIndex, sm: SelfManagedIam, fn: PolicyResource): { needs: Need[]; unknown: boolean } {
    const needs: Need[] = [];
    let unknown = false;
    if (sm.vpc) {
        const fnArn = get(fn.props, "arn");
        const f = typeof fnArn === "string" && !isUnknown(fnArn) ? fnArn.split(":") : [];
        if (f.length >= 7 && f[0] === "arn" && f[2] === "lambda" && f[3] && f[4]) ec2Needs({ partition: f[1], region: f[3], account: f[4] }, needs);
        else unknown = true; // the function's ARN (its account and region) is computed at creation
    }
    const secretsUnknown = secretNeeds(index, sm.secrets, needs);
    return { needs, unknown: unknown || secretsUnknown };
}

/** One request the role must be able to make, with the documents besides its own that it passes. */
interface Need {
    action: string;
    resource: string;
    gates: Gate[];
    ctx?: RequestContext;
    /** Alternatives: any one of these actions will do (kafka:DescribeCluster or DescribeClusterV2). */
    anyOf?: string[];
}

/** What an MSK mapping needs from its role (Lambda, "Configuring Lambda execution role permissions"). */
function needsOf(index: StackIndex, mi: MappingIam): { needs: Need[]; unknown: boolean } {
    const needs: Need[] = [];
    if (mi.vpcConnection) {
        // "kafka:DescribeVpcConnection: Only required for cross-account event source mappings."
        needs.push({ action: "kafka:DescribeVpcConnection", resource: mi.cluster.arn, gates: [] });
    } else {
        const describe = mi.serverless ? ["kafka:DescribeClusterV2"] : [...MAPPING_DESCRIBE_CLUSTER_ACTIONS];
        needs.push({ action: describe[0], anyOf: describe, resource: mi.cluster.arn, gates: [] });
        for (const a of MAPPING_CLUSTER_ACTIONS) needs.push({ action: a, resource: mi.cluster.arn, gates: [] });
    }
    ec2Needs(mi.cluster, needs);
    if (mi.iam && !mi.vpcConnection) {
        const group = mi.group ?? `${PROBE.name}-generated-group-id`;
        for (const a of CONSUMER_KAFKA_CLUSTER_ACTIONS) {
            const type = resourceTypeOf(a);
            needs.push({ action: a, resource: kafkaArn(mi.cluster, type, type === "topic" ? mi.topic : group), gates: [] });
        }
    }
    const unknown = secretNeeds(index, mi.secrets, needs);
    return { needs, unknown };
}

/**
 * The ec2 network-interface requests Lambda makes as the role (Lambda, "Configuring Lambda execution role
 * permissions"). The describe actions support no resource-level permissions ("*"); creating a network interface is
 * authorised on the interface, the subnet and the security group, deleting it on the interface (Service Authorization
 * Reference, Amazon EC2): probed with ARNs in the given account and region, so `arn:aws:ec2:*:*:*`-style grants count.
 */
function ec2Needs(at: { partition: string; region: string; account: string }, needs: Need[]): void {
    const ec2 = (type: string) =>
        `arn:${at.partition}:ec2:${at.region}:${at.account}:${type}/${type === "subnet" ? "subnet" : type === "security-group" ? "sg" : "eni"}-0123456789abcdef0`;
    for (const a of MAPPING_EC2_ACTIONS) {
        const on =
            a === "ec2:CreateNetworkInterface"
                ? [ec2("network-interface"), ec2("subnet"), ec2("security-group")]
                : a === "ec2:DeleteNetworkInterface"
                  ? [ec2("network-interface")]
                  : ["*"];
        for (const r of on) needs.push({ action: a, resource: r, gates: [] });
    }
}

/**
 * "Configuring Lambda execution role permissions" (MSK and self-managed Kafka alike): secretsmanager:GetSecretValue on
 * each secret the mapping names, and kms:Decrypt on the secret's customer-managed key when that key is known
 * (Secrets Manager decrypts through KMS for the role).
 */
function secretNeeds(index: StackIndex, secrets: MappingIam["secrets"], needs: Need[]): boolean {
    let unknown = false;
    for (const sec of secrets) {
        const policies = sec.resource ? resourcePolicies(index, sec.resource) : { gates: [], unknown: false };
        unknown ||= policies.unknown;
        needs.push({ action: "secretsmanager:GetSecretValue", resource: sec.arn, gates: policies.gates });
        if (!sec.resource) continue;
        const keyValue = get(sec.resource.props, "kmsKeyId");
        if (isAwsManaged(keyValue)) continue;
        const k = resolveKey(index, sec.resource, "kmsKeyId", keyValue);
        const keyArn = k.state === "resource" || k.state === "arn" ? k.arn : undefined;
        if (typeof keyArn !== "string" || isUnknown(keyArn)) {
            if (k.state !== "unresolved") unknown = true;
            continue;
        }
        const gate = k.state === "resource" ? keyPolicyGate(index, k.key) : undefined;
        if (gate === "unknown") unknown = true;
        needs.push({ action: "kms:Decrypt", resource: keyArn, gates: gate && gate !== "unknown" ? [gate] : [], ctx: viaService("secretsmanager", sec.arn) });
    }
    return unknown;
}

/**
 * What the role cannot do for the mapping: `missing` (no Allow that certainly applies in its own policies: policies
 * outside the stack may still grant it) and `refused` (a Deny that could apply, or the boundary or a resource policy:
 * nothing outside the stack undoes that).
 */
function missingFor(
    index: StackIndex,
    asked: { needs: Need[]; unknown: boolean },
    role: PolicyResource,
    statements: Stmt[],
    quote: (resource: string) => string = (r) => r,
): { missing: string[]; refused: string[]; conditional: string[]; unknown: boolean } {
    const missing: string[] = [];
    const refused: string[] = [];
    // Refusals that hold only on conditions the pack cannot decide: an advisory (lib/iam-access.ts refusalDetail).
    const conditional: string[] = [];
    const needs = asked.needs;
    let unknown = asked.unknown;
    const roleArn = get(role.props, "arn");
    const boundary = boundaryOf(index, role);
    if (boundary === "unknown") unknown = true;
    const boundaryGate: Gate[] = Array.isArray(boundary)
        ? // Stryker disable next-line StringLiteral: message wording decides no verdict
          [{ label: "the role's permissions boundary", statements: boundary, principals: false, mustAllow: true }]
        : [];
    for (const n of needs) {
        const rs = (n.anyOf ?? [n.action]).map((a) => refusalDetail(statements, roleArn, [...boundaryGate, ...n.gates], a, n.resource, n.ctx));
        if (rs.some((r) => r === undefined)) continue;
        const whys = rs.map((r) => r!.why);
        const what = `${(n.anyOf ?? [n.action]).join(" or ")} on ${quote(n.resource)}`;
        // Stryker disable next-line StringLiteral: message wording decides no verdict
        if (rs.some((r) => r!.conditional)) conditional.push(`${what} (${whys[0]}, on a condition the pack cannot evaluate)`);
        // Missing when any alternative is only not granted (a policy outside the stack may grant it); refused when every
        // alternative is refused by a Deny, the boundary or a resource policy.
        else if (whys.some((w) => w === "not allowed by the role's policies")) missing.push(what);
        else
            // Stryker disable next-line StringLiteral,ArrowFunction,ConditionalExpression,EqualityOperator: the refusal reason quoted is message text (the need is refused either way)
            refused.push(`${what} (${whys.find((w) => w !== "not allowed by the role's policies")})`);
    }
    return { missing, refused, conditional, unknown };
}

/**
 * Lambda/MSK, "IAM role-based authentication" and Lambda, "Configuring Lambda execution role permissions": the
 * function's execution role needs kafka:DescribeCluster(V2) and kafka:GetBootstrapBrokers on the cluster and the six
 * ec2: network-interface actions; with IAM authentication also the six kafka-cluster actions on that cluster's, topic's
 * and group's ARNs (without them the mapping reports "Cluster failed to authorize Lambda"). Lambda, "Configuring
 * self-managed Apache Kafka event sources for Lambda": a self-managed mapping's role needs the ec2 network-interface
 * actions when the mapping names VPC_SUBNET/VPC_SECURITY_GROUP, and (either kind) the secret it names and its key.
 */
/** A refusal that holds only on conditions the pack cannot evaluate: said as advisory (lib/iam-access.ts refusalDetail). */
function reportConditional(report: ReportViolation, role: PolicyResource, fn: PolicyResource, what: string, conditional: string[]): void {
    reportAdvisory(
        report,
        // Stryker disable next-line StringLiteral: message wording decides no verdict
        `Role ${shown(role.name)} of function ${shown(fn.name)} may be refused what ${what} needs: ${conditional.join("; ")}. ` +
            // Stryker disable next-line StringLiteral: message wording decides no verdict
            'Check that the condition holds for Lambda\'s requests with the role (IAM User Guide, "Policy evaluation logic").',
        role.urn,
    );
}

export const mskMappingRolePermissions: StackValidationPolicy = {
    name: "msk-mapping-role-permissions",
    description:
        "The execution role of an MSK or self-managed Kafka mapping's function allows what Lambda needs: for MSK kafka:DescribeCluster(V2), kafka:GetBootstrapBrokers and the ec2 network-interface actions, and with IAM authentication the six kafka-cluster actions on that cluster's, topic's and group's ARNs; for self-managed Kafka the ec2 network-interface actions when it uses VPC_SUBNET/VPC_SECURITY_GROUP; for either, secretsmanager:GetSecretValue on the secret it names and kms:Decrypt on that secret's customer-managed key.",
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
        const index = new StackIndex(args.resources);
        const found = mappingsWithRoles(index);
        const list = found.list;
        let undecided = found.undecided;
        const answers = new Map<string, ReturnType<typeof missingFor>>();
        for (const mi of list) {
            for (const { fn, role, grants } of mi.roles) {
                // Many mappings of one role often ask the same (cluster, topic, group, secrets): answered once per request.
                const question = [role.urn, mi.cluster.arn, mi.topic, mi.group ?? "", mi.iam, mi.serverless, ...mi.secrets.map((x) => x.arn)].join("\u0000");
                let found = answers.get(question);
                if (!found) answers.set(question, (found = missingFor(index, needsOf(index, mi), role, grants.statements)));
                // Stryker disable next-line ArrayDeclaration,StringLiteral: a preview note's property path is message text (the note is raised either way)
                if (found.unknown) undecided = ["policy"];
                // Policies outside this stack (or not known yet) may grant what is missing; a refusal stands regardless.
                const missing = grants.unknown || grants.external.length ? [] : found.missing;
                if (!missing.length && !found.refused.length) {
                    // Stryker disable next-line ArrayDeclaration,StringLiteral: a preview note's property path is message text (the note is raised either way)
                    if (found.missing.length && grants.unknown) undecided = ["policy"];
                    // Stryker disable next-line StringLiteral: message wording decides no verdict
                    if (found.conditional.length) reportConditional(report, role, fn, `MSK mapping '${mi.mapping.name}'`, found.conditional);
                    continue;
                }
                // Stryker disable next-line StringLiteral: message wording decides no verdict
                const how = mi.iam ? "IAM authentication" : mi.secrets.length ? "its secret" : "no authentication";
                // Stryker disable next-line ArrayDeclaration,StringLiteral,ArrowFunction: the message's parts decide no verdict (the violation is reported either way)
                const parts = [...(missing.length ? [`it lacks ${missing.join(", ")}`] : []), ...found.refused.map((r) => `it cannot use ${r}`)];
                report(
                    // Stryker disable next-line StringLiteral: message wording decides no verdict
                    `Role '${role.name}' of function '${fn.name}' cannot serve MSK mapping '${mi.mapping.name}' (${how}): ${parts.join("; ")}. ` +
                        `Without these the mapping fails (e.g. "Cluster failed to authorize Lambda"); add them to the role's policy, scoped to these ARNs ` +
                        // Stryker disable next-line StringLiteral: message wording decides no verdict
                        '(Lambda docs: "Configuring Lambda execution role permissions", "IAM role-based authentication").',
                    role.urn,
                );
            }
        }
        const selfManaged = selfManagedWithRoles(index);
        if (selfManaged.undecided) undecided = selfManaged.undecided;
        for (const sm of selfManaged.list) {
            for (const { fn, role, grants } of sm.roles) {
                // Stryker disable next-line ArrowFunction,ConditionalExpression,EqualityOperator,StringLiteral: how the message quotes a resource decides no verdict
                const found = missingFor(index, selfManagedNeeds(index, sm, fn), role, grants.statements, (r) => (r === "*" ? r : shown(r)));
                // Stryker disable next-line ArrayDeclaration,StringLiteral: a preview note's property path is message text (the note is raised either way)
                if (found.unknown) undecided = ["policy"];
                const missing = grants.unknown || grants.external.length ? [] : found.missing;
                if (!missing.length && !found.refused.length) {
                    // Stryker disable next-line ArrayDeclaration,StringLiteral: a preview note's property path is message text (the note is raised either way)
                    if (found.missing.length && grants.unknown) undecided = ["policy"];
                    if (found.conditional.length)
                        // Stryker disable next-line StringLiteral: message wording decides no verdict
                        reportConditional(report, role, fn, `self-managed Kafka mapping ${shown(sm.mapping.name)}`, found.conditional);
                    continue;
                }
                // Stryker disable next-line StringLiteral: message wording decides no verdict
                const how = `${sm.auth}${sm.vpc ? ", in a VPC" : ""}`;
                // Stryker disable next-line ArrayDeclaration,StringLiteral,ArrowFunction: the message's parts decide no verdict (the violation is reported either way)
                const parts = [...(missing.length ? [`it lacks ${missing.join(", ")}`] : []), ...found.refused.map((r) => `it cannot use ${r}`)];
                report(
                    // Stryker disable next-line StringLiteral: message wording decides no verdict
                    `Role ${shown(role.name)} of function ${shown(fn.name)} cannot serve self-managed Kafka mapping ${shown(sm.mapping.name)} (${how}): ${parts.join("; ")}. ` +
                        // Stryker disable next-line StringLiteral: message wording decides no verdict
                        "Without these Lambda cannot create its network interfaces in the mapping's subnets or read the credentials it presents to the brokers; " +
                        // Stryker disable next-line StringLiteral: message wording decides no verdict
                        'add them to the role\'s policy, scoped to these ARNs (Lambda docs: "Configuring self-managed Apache Kafka event sources for Lambda", execution role permissions).',
                    role.urn,
                );
            }
        }
        if (undecided) notKnownYet(undecided);
    },
};

/** The message of msk-consumer-role-least-privilege for one role and mapping. */
function consumerMessage(role: PolicyResource, fn: PolicyResource, mi: MappingIam, problems: string[]): string {
    return (
        // Stryker disable next-line StringLiteral: message wording decides no verdict
        `Role '${role.name}' of function '${fn.name}', the consumer of MSK mapping '${mi.mapping.name}', is broader than a consumer needs: ${problems.join("; ")}. ` +
        // Stryker disable next-line StringLiteral: message wording decides no verdict
        `Grant the Lambda/MSK docs' actions on ${mi.cluster.arn}, its topic '${mi.topic}' and its consumer group only.`
    );
}

/** An MSK VPC connection ARN's partition, region and account (the connection's, for the ec2 requests). */
function connectionParts(arn: string): { partition: string; region: string; account: string; name: string; uuid: string } | undefined {
    const f = arn.split(":", 6);
    return f.length === 6 ? { partition: f[1], region: f[3], account: f[4], name: "", uuid: "" } : undefined;
}

/**
 * IAM actions that let a role change its own permissions (IAM User Guide, "Permissions required to access IAM
 * resources"; privilege escalation paths): with any of them on its own role (or its policies) the role's grants are
 * unlimited. `iam:PassRole` escalates together with creating or updating a function that runs as the passed role.
 */
const SELF_ESCALATION = [
    "iam:PutRolePolicy",
    "iam:AttachRolePolicy",
    "iam:UpdateAssumeRolePolicy",
    "iam:DeleteRolePermissionsBoundary",
    "iam:PutRolePermissionsBoundary",
    "iam:CreatePolicyVersion",
    "iam:SetDefaultPolicyVersion",
] as const;

/**
 * The Regions the statements' resource ARNs name (as written, wildcards kept), and the probe's own. Any service's:
 * a service written as a wildcard (`arn:aws:*:eu-west-1:ACCOUNT:*`) covers Lambda's functions there too, and a Region
 * probed in excess only asks whether a function could be created there. The probe's own stands for the Regions no ARN
 * names (a grant on `"*"` with a Deny in each Region named).
 */
function lambdaRegions(st: Stmt[], probe: Probe): Set<string> {
    const out = new Set<string>([probe.region]);
    for (const s of st)
        for (const r of asList(s.Resource)) {
            const region = r.split(":", 4)[3];
            if (region) out.add(region);
        }
    return out;
}

/** What a consumer's role may reach beyond its needs: its own permissions, any secret, any key, any bucket. */
function reachBeyond(st: Stmt[], probe: Probe, role: PolicyResource): string[] {
    const out: string[] = [];
    const roleArn = get(role.props, "arn");
    const own = typeof roleArn === "string" && !isUnknown(roleArn) ? roleArn : `arn:aws:iam::${probe.account}:role/${probe.any}`;
    const account = own.split(":", 5)[4] || probe.account;
    const escalate: string[] = SELF_ESCALATION.filter((a) => allows(st, a, a.includes("PolicyVersion") ? `arn:aws:iam::${account}:policy/${probe.any}` : own));
    // A function created in any one Region escalates: every Region a grant names is tried, and the probe's for "*".
    const anyFunction = [...lambdaRegions(st, probe)].map((region) => `arn:aws:lambda:${region}:${account}:function:${probe.any}`);
    if (
        allows(st, "iam:PassRole", `arn:aws:iam::${account}:role/${probe.any}`) &&
        ["lambda:CreateFunction", "lambda:UpdateFunctionConfiguration"].some((a) => anyFunction.some((fn) => allows(st, a, fn)))
    )
        // Stryker disable next-line StringLiteral: message wording decides no verdict
        escalate.push("iam:PassRole on any role with lambda:CreateFunction");
    // Stryker disable next-line StringLiteral: message wording decides no verdict
    if (escalate.length) out.push(`it can change its own permissions (${escalate.join(", ")}), so its grants are unlimited`);
    if (allows(st, "secretsmanager:GetSecretValue", probe.secret)) out.push("it may read any secret (secretsmanager:GetSecretValue)");
    if (allows(st, "kms:Decrypt", probe.key))
        // Stryker disable next-line StringLiteral: message wording decides no verdict
        out.push("it may use any KMS key (kms:Decrypt)");
    if (allows(st, "s3:GetObject", probe.bucket))
        // Stryker disable next-line StringLiteral: message wording decides no verdict
        out.push("it may read any S3 bucket (s3:GetObject)");
    return out;
}

/**
 * Least privilege for the roles of MSK consumers, decided by what their effective policies (inline, attached,
 * AWS-managed) allow: no every-action grant, no cluster administration, and kafka-cluster actions only on the cluster,
 * topic and group the mapping names (the Lambda/MSK docs scope them to those ARNs).
 */
export const mskConsumerRoleLeastPrivilege: StackValidationPolicy = {
    name: "msk-consumer-role-least-privilege",
    description:
        "The execution role of an MSK mapping's function allows no more than a consumer needs: not every action, no cluster administration (kafka-cluster or kafka: control plane), and kafka-cluster actions only on its own cluster, topic and group.",
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
        const index = new StackIndex(args.resources);
        const found = mappingsWithRoles(index);
        const list = found.list;
        let undecided = found.undecided;
        const done = new Set<string>();
        for (const mi of list) {
            for (const { fn, role, grants } of mi.roles) {
                const key = `${role.urn}|${mi.mapping.urn}`;
                if (done.has(key)) continue;
                done.add(key);
                const st = grants.statements;
                const probe = probeFor(st);
                const problems: string[] = [];
                if (allows(st, probe.action, probe.resource))
                    problems.push('it allows every action on every resource (e.g. AdministratorAccess, PowerUserAccess or Action "*")');
                else {
                    for (const p of reachBeyond(st, probe, role)) problems.push(p);
                    if (mi.vpcConnection) {
                        // The cluster is another account's: its ARN is not known here, so kafka grants are not judged.
                        if (problems.length) report(consumerMessage(role, fn, mi, problems), role.urn);
                        continue;
                    }
                    const own = (type: KafkaType) => kafkaArn(mi.cluster, type, type === "topic" ? mi.topic : (mi.group ?? PROBE.name));
                    const admin = KAFKA_CLUSTER_ADMIN_ACTIONS.filter((a) => allows(st, a, own(resourceTypeOf(a))));
                    // Stryker disable next-line StringLiteral: message wording decides no verdict
                    if (admin.length) problems.push(`it may administer the cluster (${admin.join(", ")})`);
                    const control = KAFKA_CONTROL_PLANE_WRITE_ACTIONS.filter((a) => allows(st, a, mi.cluster.arn));
                    if (control.length)
                        // Stryker disable next-line StringLiteral: message wording decides no verdict
                        problems.push(`it may change or delete the MSK cluster (${control.join(", ")}, e.g. from kafka:* or AmazonMSKFullAccess)`);
                    const beyond = (label: string, arnOf: (type: KafkaType) => string | undefined) => {
                        const actions = Object.entries(KAFKA_CLUSTER_ACTIONS)
                            .filter(([a, info]) => {
                                const arn = arnOf(info.resource);
                                return arn !== undefined && allows(st, kafkaAction(a), arn);
                            })
                            .map(([a]) => kafkaAction(a));
                        if (actions.length) problems.push(`it allows ${actions.join(", ")} on ${label}`);
                    };
                    beyond("other clusters", (type) => kafkaArn({ ...mi.cluster, name: probe.any, uuid: probe.any }, type, probe.any));
                    beyond("topics other than its own", (type) => (type === "topic" ? kafkaArn(mi.cluster, "topic", probe.any) : undefined));
                    // Without a consumerGroupId the group's name is Lambda's to choose, so a grant on any group is needed.
                    if (mi.group !== undefined && get(mi.mapping.props, "amazonManagedKafkaEventSourceConfig", "consumerGroupId") !== undefined)
                        beyond(
                            // Stryker disable next-line StringLiteral: message wording decides no verdict
                            "consumer groups other than its own",
                            (type) => (type === "group" ? kafkaArn(mi.cluster, "group", probe.any) : undefined),
                        );
                }
                // Stryker disable next-line ArrayDeclaration,StringLiteral: a preview note's property path is message text (the note is raised either way)
                if (!problems.length && grants.unknown) undecided = ["policy"];
                if (problems.length) report(consumerMessage(role, fn, mi, problems), role.urn);
            }
        }
        if (undecided) notKnownYet(undecided);
    },
};
