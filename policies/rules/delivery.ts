/**
 * Failure records Lambda can deliver: destinations of a type Lambda sends to, a key policy that lets the execution
 * role use the destination's key, and a VPC endpoint for the destination's service in the Kafka cluster's VPC.
 */
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { CROSS_ACCOUNT_DESTINATION_KMS_ACTIONS, DESTINATION_KMS_ACTIONS, KAFKA_DESTINATION_PREFIX, KAFKA_TOPIC_NAME, type DestinationKind } from "../lib/facts";
import { destinationOfArn, factsOf, kindsAllowedIn, type DestinationPlace } from "../lib/destinations";
import { StackIndex, T } from "../lib/graph";
import { allows, asList, statementsOf, type Stmt } from "../lib/iam-eval";
import { accessConfigs, clustersOf, isKafkaMapping, isSelfManagedMapping } from "../lib/kafka";
import { accountOf, resolveKey } from "../lib/kms";
import { destinationRefs, functionsOf, rolesOf, type DestinationRef } from "../lib/refs";
import { endpointService, get, isUnknown, maybeArray, maybeString, notKnownYet, UNKNOWN } from "../lib/values";
import { endpointsBySubnetKey, pollerSubnetKeys, pollerSubnets, RouteTables, tableKeys, vpcOf, type EndpointCheck } from "../lib/vpc";
import { isAwsManaged, keyRef, kindOf } from "./destinations";
import { shown } from "../lib/shown";

/**
 * Where Lambda accepts each kind comes from the destination catalogue (lib/destinations.ts: "Capturing discarded
 * batches for Amazon MSK and self-managed Apache Kafka event sources", "Capturing records of Lambda asynchronous
 * invocations", dead-letter queues).
 */
const PLACE: Record<DestinationRef["what"], DestinationPlace> = {
    "on-failure destination": "kafkaOnFailure",
    "async on-failure destination": "asyncOnFailure",
    "async on-success destination": "asyncOnSuccess",
    "dead-letter target": "deadLetter",
};
const nameOf = (kind: string): string => factsOf(kind)?.name ?? kind;
function allowedKinds(ref: DestinationRef): DestinationKind[] {
    return kindsAllowedIn(PLACE[ref.what] ?? "deadLetter");
}

/**
 * "Using a Kafka topic as an on-failure destination" (Lambda docs): `kafka://<topic>` on a Kafka
 * event source mapping; requirements: provisioned mode, the topic in the same cluster, and a destination topic that
 * is not one of the source topics.
 */
function kafkaDestinationProblem(m: PolicyResource, value: string): string | "unknown" | undefined {
    const topic = value.slice(KAFKA_DESTINATION_PREFIX.length);
    if (!KAFKA_TOPIC_NAME.test(topic))
        return `names the Kafka topic ${shown(topic, 60)}, which is not a valid topic name (1-249 of a-z, A-Z, 0-9, '.', '_', '-', not '.' or '..')`;
    const pollers = get(m.props, "provisionedPollerConfig");
    if (isUnknown(pollers)) return "unknown";
    if (pollers === undefined || pollers === null)
        return "is a Kafka topic, which Lambda supports only for mappings in provisioned mode: set provisionedPollerConfig (minimumPollers, maximumPollers)";
    const topics = get(m.props, "topics");
    if (isUnknown(topics)) return "unknown";
    if (maybeArray(m.props, "topics").includes(topic))
        return `is the mapping's own source topic '${topic}': Lambda refuses a destination topic that is one of the source topics (recursion prevention)`;
    return undefined;
}

export const destinationTypes: StackValidationPolicy = {
    name: "destination-types",
    description:
        "A Kafka mapping's on-failure destination is an SQS queue, SNS topic or S3 bucket ARN, or kafka://<topic> in provisioned mode; an async destination is SQS, SNS, Lambda, EventBridge (or S3 on failure); a dead-letter target is SQS or SNS.",
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
        const index = new StackIndex(args.resources);
        let undecided = false;
        for (const ref of destinationRefs(index)) {
            if (ref.what === "on-failure destination" && !isKafkaMapping(ref.owner, index)) continue; // other event sources have other rules
            const allowed = allowedKinds(ref);
            const allowedText = allowed.map((k) => nameOf(k)).join(", ") + (ref.what === "on-failure destination" ? ", or kafka://<topic>" : "");
            const fail = (why: string) =>
                report(`The ${ref.what} of '${ref.owner.name}' (${ref.owner.type}) ${why}. Lambda accepts ${allowedText} here.`, ref.owner.urn);
            if (typeof ref.arn === "string" && !isUnknown(ref.arn)) {
                if (ref.what === "on-failure destination" && ref.arn.startsWith(KAFKA_DESTINATION_PREFIX)) {
                    const problem = kafkaDestinationProblem(ref.owner, ref.arn);
                    if (problem === "unknown") undecided = true;
                    else if (problem) fail(problem);
                    continue;
                }
                const d = destinationOfArn(ref.arn);
                if (d === "not-arn") fail(`is ${shown(ref.arn, 80)}, which is not an ARN: give the destination's ARN, not its name or URL`);
                else if (d === "other" || !allowed.includes(d.kind)) fail(`is ${d === "other" ? "a resource" : nameOf(d.kind)} (${shown(ref.arn, 200)})`);
                continue;
            }
            // Not known yet: judge by the resources the reference depends on.
            const kinds = ref.targets.map((t) => kindOf(ref, t)).filter((k): k is DestinationKind => !!k);
            // Ambiguous (several destinations of one property, not known yet which is this one): wrong only if none fits.
            const wrong = ref.ambiguous ? (kinds.some((k) => allowed.includes(k)) ? undefined : kinds[0]) : kinds.find((k) => !allowed.includes(k));
            if (!wrong && ref.ambiguous) undecided = true;
            else if (wrong) fail(`is ${nameOf(wrong)} ('${ref.targets.find((t) => kindOf(ref, t) === wrong)?.name}')`);
            else if (!kinds.length) undecided = true;
        }
        // Stryker disable next-line ArrayDeclaration,StringLiteral: a preview note's property path is message text (the note is raised either way)
        if (undecided) notKnownYet(["destinationConfig"]);
    },
};

/** Key policies (`aws:kms/keyPolicy:KeyPolicy`) by the key id or ARN they name, read once per policy run. */
function keyPoliciesById(index: StackIndex): Map<string, PolicyResource> {
    const out = new Map<string, PolicyResource>();
    for (const p of index.ofType(T.keyPolicy)) {
        const id = get(p.props, "keyId");
        if (typeof id === "string" && !isUnknown(id)) out.set(id, p);
    }
    return out;
}

/** A key's policy document: an `aws:kms/keyPolicy:KeyPolicy` for it, else the key's `policy`; undefined = AWS's default. */
function keyPolicyOf(index: StackIndex, byId: Map<string, PolicyResource>, key: PolicyResource): unknown {
    let separate: PolicyResource | undefined = index.dependentsOf(key, [T.keyPolicy], "keyId")[0];
    for (const id of [get(key.props, "keyId"), get(key.props, "arn"), get(key.props, "id")])
        if (!separate && typeof id === "string" && !isUnknown(id)) separate = byId.get(id);
    return separate ? get(separate.props, "policy") : get(key.props, "policy");
}

/** Statements of a key policy that apply to `principals` (an AWS principal listed, or "*"). */
function forPrincipals(statements: Stmt[], principals: string[]): Stmt[] {
    return statements.filter((s) => {
        const p = (s as { Principal?: unknown }).Principal;
        if (p === "*") return true;
        const aws = p && typeof p === "object" ? (p as Record<string, unknown>).AWS : undefined;
        const list = asList(aws);
        return list.includes("*") || list.some((x) => principals.includes(x));
    });
}

/**
 * "Capturing discarded batches for a self-managed Apache Kafka event source": the key must let the execution role use it; when key and role are in different accounts, the key trusts
 * the role for the cross-account actions. A key policy that names the account (`arn:aws:iam::ACCOUNT:root` or the
 * account id) delegates to IAM in that account, where `destination-kms-grants` judges the role's own policies.
 * Judged for keys in this stack; a key outside it is reported by `destination-delivery-outside-stack`.
 */
export const destinationKeyPolicy: StackValidationPolicy = {
    name: "destination-key-policy",
    description:
        "The key policy of a destination's customer-managed KMS key delegates to IAM in the execution role's account or allows the role the KMS actions Lambda needs (the cross-account set for a key in another account).",
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
        const index = new StackIndex(args.resources);
        const policiesById = keyPoliciesById(index);
        let undecided = false;
        const done = new Set<string>();
        for (const ref of destinationRefs(index)) {
            const target = ref.targets.find((t) => t.type !== T.fn);
            const kind = target ? kindOf(ref, target) : undefined;
            if (!target || !kind || !DESTINATION_KMS_ACTIONS[kind].length) continue;
            const kr = keyRef(index, target);
            if (!kr || isAwsManaged(kr.value)) continue;
            const k = resolveKey(index, kr.owner, kr.prop, kr.value);
            if (k.state !== "resource") continue;
            const doc = keyPolicyOf(index, policiesById, k.key);
            const statements = doc === undefined || doc === null || doc === "" ? undefined : statementsOf(doc);
            if (statements === UNKNOWN) {
                undecided = true;
                continue;
            }
            const keyAccount = accountOf(k.arn);
            const fns = ref.owner.type === T.fn ? [ref.owner] : functionsOf(index, ref.owner, "functionName");
            for (const fn of fns) {
                for (const role of rolesOf(index, fn)) {
                    const roleArn = get(role.props, "arn");
                    if (isUnknown(roleArn)) {
                        undecided = true;
                        continue;
                    }
                    const roleAccount = accountOf(roleArn) ?? keyAccount;
                    const cross = !!keyAccount && !!roleAccount && keyAccount !== roleAccount;
                    const actions = (cross ? CROSS_ACCOUNT_DESTINATION_KMS_ACTIONS : DESTINATION_KMS_ACTIONS)[kind];
                    // No policy in the stack: AWS's default key policy delegates to IAM in the key's account.
                    if (statements === undefined) {
                        if (!cross) continue;
                    } else {
                        const accountPrincipals = roleAccount
                            ? [
                                  roleAccount,
                                  `arn:aws:iam::${roleAccount}:root`,
                                  `arn:aws-us-gov:iam::${roleAccount}:root`,
                                  `arn:aws-cn:iam::${roleAccount}:root`,
                              ]
                            : [];
                        const delegated = forPrincipals(statements, accountPrincipals);
                        const direct = forPrincipals(statements, typeof roleArn === "string" ? [roleArn, ...accountPrincipals] : accountPrincipals);
                        const keyResource = typeof k.arn === "string" && !isUnknown(k.arn) ? k.arn : "*";
                        const missing = actions.filter((a) => !allows(delegated, a, keyResource) && !allows(direct, a, keyResource));
                        if (!missing.length) continue;
                        const key = `${k.key.urn}\n${role.urn}`;
                        if (done.has(key)) continue;
                        done.add(key);
                        report(
                            // Stryker disable next-line StringLiteral: message wording decides no verdict
                            `The key policy of KMS key '${k.key.name}', which encrypts the ${ref.what} of '${ref.owner.name}', neither delegates to IAM in account ${roleAccount ?? "(the role's)"} ` +
                                // Stryker disable next-line StringLiteral: message wording decides no verdict
                                `nor allows role '${role.name}' ${missing.join(", ")}${cross ? " (the key is in another account, so the cross-account actions are needed)" : ""}: ` +
                                // Stryker disable next-line StringLiteral: message wording decides no verdict
                                `Lambda could not deliver failure records (DestinationDeliveryFailures). Add a statement allowing the role these actions, or the account root principal.`,
                            k.key.urn,
                        );
                        continue;
                    }
                    // Cross-account key with AWS's default policy: it trusts only its own account.
                    report(
                        // Stryker disable next-line StringLiteral: message wording decides no verdict
                        `KMS key '${k.key.name}' (account ${keyAccount}), which encrypts the ${ref.what} of '${ref.owner.name}', has no key policy in the stack, and AWS's default policy trusts only its own account: ` +
                            // Stryker disable next-line StringLiteral: message wording decides no verdict
                            `allow role '${role.name}' (account ${roleAccount}) ${actions.join(", ")}.`,
                        k.key.urn,
                    );
                }
            }
        }
        // Stryker disable next-line ArrayDeclaration,StringLiteral: a preview note's property path is message text (the note is raised either way)
        if (undecided) notKnownYet(["policy"]);
    },
};

/**
 * Whether the VPC has an endpoint Lambda's pollers can use for `service`: an interface endpoint with private DNS
 * (Lambda calls the service's regional name), or for S3 a gateway endpoint whose route tables include every
 * poller subnet's route table (a subnet without an explicit association uses the VPC's main route table).
 */
function endpointFor(
    index: StackIndex,
    tables: RouteTables,
    vpc: string,
    { service, type: endpointType }: { service: string; type: "Interface" | "Gateway" },
    subnets: PolicyResource[],
): EndpointCheck {
    let unknown = tables.endpointVpcUnknown;
    // Stryker disable next-line ArrayDeclaration: the reasons only word the message (`why`), never the verdict
    const reasons: string[] = [];
    for (const e of tables.endpointsIn(vpc)) {
        const name = get(e.props, "serviceName");
        if (isUnknown(name)) {
            unknown = true;
            continue;
        }
        if (typeof name !== "string" || endpointService(name) !== service) continue;
        const type = get(e.props, "vpcEndpointType");
        if (isUnknown(type)) {
            unknown = true;
            continue;
        }
        // Pulumi's AWS provider defaults vpcEndpointType to Gateway.
        if (type === "Interface") {
            const dns = get(e.props, "privateDnsEnabled");
            if (dns === true) return { ok: true, unknown: false };
            if (isUnknown(dns)) unknown = true;
            else reasons.push(`the ${service} interface endpoint '${e.name}' has privateDnsEnabled off, so the service's regional name does not resolve to it`);
            continue;
        }
        if (endpointType !== "Gateway") continue;
        const own = tableKeys(index, e, "routeTableIds", maybeArray(e.props, "routeTableIds"));
        if (own.unknown || (isUnknown(get(e.props, "routeTableIds")) && own.keys.length === 0)) unknown = true;
        const mine = new Set(own.keys);
        for (const t of tables.ofEndpoint(e)) mine.add(t);
        const uncovered: string[] = [];
        for (const s of subnets) {
            const keys = tables.of(s, vpc);
            if (keys === undefined) unknown = true;
            else if (!keys.some((k) => mine.has(k))) uncovered.push(s.name);
        }
        // Stryker disable next-line MethodExpression: message wording decides no verdict
        if (mine.size === 0 && !unknown) reasons.push(`the ${service.toUpperCase()} gateway endpoint '${e.name}' is associated with no route table`);
        else if (uncovered.length)
            // Stryker disable next-line MethodExpression: message wording decides no verdict
            reasons.push(`the ${service.toUpperCase()} gateway endpoint '${e.name}' is not on the route tables of subnet(s) ${uncovered.join(", ")}`);
        else if (mine.size > 0 && !unknown) return { ok: true, unknown: false };
    }
    // Stryker disable next-line StringLiteral: message wording decides no verdict
    return { ok: false, unknown, why: reasons.join("; ") };
}

/**
 * "Capturing discarded batches for Amazon MSK and self-managed Apache Kafka event sources" (and "Capturing discarded batches for a self-managed Apache Kafka event source"): "You must
 * deploy a VPC endpoint for your on-failure destination service inside your Kafka cluster VPC." The page states it
 * without condition (a NAT gateway or provisioned mode does not lift it), so it is judged for every mapping whose
 * cluster VPC is in the stack. A `kafka://` destination is the cluster itself and needs none.
 */
export const destinationEndpointInClusterVpc: StackValidationPolicy = {
    name: "destination-endpoint-in-cluster-vpc",
    description:
        "The Kafka cluster's VPC has an endpoint for each on-failure destination's service: an SQS or SNS interface endpoint with private DNS, or an S3 gateway endpoint on the cluster subnets' route tables.",
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
        const index = new StackIndex(args.resources);
        const tables = new RouteTables(index);
        const checked = new Map<string, EndpointCheck>();
        let undecided = false;
        for (const ref of destinationRefs(index)) {
            if (ref.what !== "on-failure destination" || !isKafkaMapping(ref.owner, index)) continue;
            if (typeof ref.arn === "string" && ref.arn.startsWith(KAFKA_DESTINATION_PREFIX)) continue;
            const target = ref.targets.find((t) => t.type !== T.fn);
            const kind = kindOf(ref, target);
            const endpoint = kind ? factsOf(kind)?.endpoint : undefined;
            if (!kind || !endpoint) {
                if (!kind && (isUnknown(ref.arn) || ref.arn === undefined)) undecided = true;
                continue;
            }
            const subnets = pollerSubnets(index, ref.owner);
            const vpcs = new Set<string>();
            for (const s of subnets) {
                const v = vpcOf(index, s);
                if (v) vpcs.add(v);
                else undecided = true;
            }
            for (const vpc of vpcs) {
                const inVpc = subnets.filter((s) => vpcOf(index, s) === vpc);
                const memoKey = `${vpc}\n${kind}\n${inVpc.map((x) => x.urn).join("\n")}`;
                const check = checked.get(memoKey) ?? endpointFor(index, tables, vpc, endpoint, inVpc);
                checked.set(memoKey, check);
                if (check.ok) continue;
                if (check.unknown) {
                    undecided = true;
                    continue;
                }
                // Stryker disable next-line MethodExpression,StringLiteral: the VPC's name in the message decides no verdict
                const vpcName = index.urn(vpc)?.name ?? (vpc.startsWith("id:") ? vpc.slice(3) : vpc);
                report(
                    // Stryker disable next-line StringLiteral: message wording decides no verdict
                    `The on-failure destination of Kafka mapping '${ref.owner.name}' is ${nameOf(kind)}, and the cluster's VPC '${vpcName}' has no usable ${kind} endpoint` +
                        // Stryker disable next-line StringLiteral: message wording decides no verdict
                        `${check.why ? ` (${check.why})` : ""}. AWS: "You must deploy a VPC endpoint for your on-failure destination service inside your Kafka cluster VPC": ` +
                        (endpoint.type === "Gateway"
                            ? // Stryker disable next-line StringLiteral,MethodExpression: message wording decides no verdict
                              `add an ${endpoint.service.toUpperCase()} gateway endpoint on the route tables of the cluster's subnets (or an ${endpoint.service.toUpperCase()} interface endpoint with private DNS).`
                            : // Stryker disable next-line StringLiteral: message wording decides no verdict
                              `add an interface endpoint for com.amazonaws.<region>.${endpoint.service} with privateDnsEnabled, in the cluster's subnets, allowing 443 from the cluster's security group.`),
                    ref.owner.urn,
                );
            }
        }
        // Stryker disable next-line ArrayDeclaration,StringLiteral: a preview note's property path is message text (the note is raised either way)
        if (undecided) notKnownYet(["vpcId"]);
    },
};

/**
 * Whether an interface endpoint of the stack for `service`, in one of the mapping's poller subnets (given by id, or
 * the clientSubnets of its MSK VPC connection), has private DNS: the endpoint is then in the pollers' VPC (an interface endpoint's
 * subnets are subnets of its VPC; Amazon VPC, "Access an AWS service using an interface VPC endpoint"), and private DNS
 * makes the service's regional name resolve to it throughout that VPC. Used only to quiet the advisory below: a value
 * not known yet counts as no endpoint, and the mandatory `destination-endpoint-in-cluster-vpc` draws nothing from it.
 */
function endpointInPollerSubnets(index: StackIndex, m: PolicyResource, service: string): { ok: boolean; why?: string } {
    const bySubnet = endpointsBySubnetKey(index);
    const seen = new Set<PolicyResource>();
    // Stryker disable next-line ArrayDeclaration: the reasons only word the message (`why`), never the verdict
    const reasons: string[] = [];
    for (const key of pollerSubnetKeys(index, m))
        for (const e of bySubnet.get(key) ?? []) {
            if (seen.has(e)) continue;
            seen.add(e);
            const name = get(e.props, "serviceName");
            if (typeof name !== "string" || isUnknown(name) || endpointService(name) !== service) continue;
            if (get(e.props, "vpcEndpointType") !== "Interface") continue;
            const dns = get(e.props, "privateDnsEnabled");
            if (dns === true) return { ok: true };
            if (dns === false) reasons.push(`the ${service} interface endpoint '${e.name}' has privateDnsEnabled off`);
        }
    // Stryker disable next-line StringLiteral: message wording decides no verdict
    return { ok: false, why: reasons.join("; ") || undefined };
}

/**
 * What the delivery rules cannot see, said rather than passed silently: a destination key named by an alias or key
 * id that is not in the stack; a key in another account whose policy is not in the stack; a Kafka cluster whose
 * VPC is not in the stack (so its endpoints cannot be checked). Not said when an interface endpoint of the stack with
 * private DNS for the destination's service is in the pollers' subnets given by id (`endpointInPollerSubnets`).
 */
export const destinationDeliveryOutsideStack: StackValidationPolicy = {
    name: "destination-delivery-outside-stack",
    description:
        "Says which delivery checks the stack cannot show: destination keys, key policies and cluster VPCs defined outside it (not said for a cluster VPC when an interface endpoint of the stack with private DNS for the destination's service is in the pollers' subnets: a self-managed mapping's VPC_SUBNET ids or an MSK VPC connection's clientSubnets).",
    enforcementLevel: "advisory",
    validateStack: (args, report) => {
        const index = new StackIndex(args.resources);
        for (const ref of destinationRefs(index)) {
            const target = ref.targets.find((t) => t.type !== T.fn);
            const kind = kindOf(ref, target);
            if (target && kind && DESTINATION_KMS_ACTIONS[kind].length) {
                const kr = keyRef(index, target);
                if (kr && !isAwsManaged(kr.value) && !isUnknown(kr.value)) {
                    const k = resolveKey(index, kr.owner, kr.prop, kr.value);
                    if (k.state === "unresolved")
                        report(
                            // Stryker disable next-line StringLiteral: message wording decides no verdict
                            `The key of '${target.name}' (${ref.what} of '${ref.owner.name}') is ${shown(k.value, 200)}, an alias or key id with no key in this stack: ` +
                                // Stryker disable next-line StringLiteral: message wording decides no verdict
                                "the role's KMS grants and the key policy cannot be checked; give the key ARN, or define the alias and key in the stack.",
                            target.urn,
                        );
                    else if (k.state === "arn") {
                        report(
                            // Stryker disable next-line StringLiteral: message wording decides no verdict
                            `The key of '${target.name}' (${ref.what} of '${ref.owner.name}') is ${k.arn}, outside this stack: its key policy cannot be checked (it must allow the execution role ` +
                                // Stryker disable next-line StringLiteral: message wording decides no verdict
                                `${CROSS_ACCOUNT_DESTINATION_KMS_ACTIONS[kind].join(", ")} when it is in another account).`,
                            target.urn,
                        );
                    }
                }
            }
            const endpoint = kind ? factsOf(kind)?.endpoint : undefined;
            if (ref.what === "on-failure destination" && isKafkaMapping(ref.owner, index) && kind && endpoint) {
                const selfManaged = isSelfManagedMapping(ref.owner);
                const managed = !selfManaged && clustersOf(index, ref.owner).length === 0;
                // "Configuring your self-managed Apache Kafka cluster and network for Lambda": a cluster with a public
                // endpoint is read with no VPC configuration; with no VPC there is no cluster VPC to hold an endpoint.
                const inVpc = !selfManaged || accessConfigs(ref.owner).some((c) => c.type === "VPC_SUBNET");
                if (inVpc && (managed || pollerSubnets(index, ref.owner).length === 0)) {
                    const via = endpointInPollerSubnets(index, ref.owner, endpoint.service);
                    if (via.ok) continue;
                    const source = maybeString(ref.owner.props, "eventSourceArn");
                    report(
                        // Stryker disable next-line StringLiteral: message wording decides no verdict
                        `The Kafka cluster of mapping '${ref.owner.name}'${source ? ` (${source})` : ""} or its subnets are not in this stack: make sure its VPC has a ${kind} endpoint for the on-failure destination` +
                            // Stryker disable next-line StringLiteral: message wording decides no verdict
                            `${via.why ? ` (${via.why})` : ""} (AWS: "You must deploy a VPC endpoint for your on-failure destination service inside your Kafka cluster VPC").`,
                        ref.owner.urn,
                    );
                }
            }
        }
    },
};
