/**
 * The program's side of the destination catalogue (policies/lib/destinations.ts, read through policies/lib/public.ts):
 * which kinds the stack can create, how a config value names a destination, and what the execution role needs for
 * one. Pure: no Pulumi resources (components/destination.ts creates them).
 */
import {
    destinationOfArn,
    factsOf,
    kindsAllowedIn,
    KAFKA_DESTINATION_PREFIX,
    namesOf,
    type DestinationKind,
    type DestinationPlace,
} from "../policies/lib/public";

export type { DestinationKind, DestinationPlace };

/**
 * The kinds the stack creates (each encrypted with its own key; components/destination.ts has one creator per kind
 * listed here). Not a Lambda function: that is code the stack does not write. An existing destination of any kind the
 * catalogue allows at a place can be named by ARN, created or not.
 */
export enum DestinationType {
    /** A standard SQS queue (messages kept 14 days). */
    Sqs = "sqs",
    /** A standard SNS topic. */
    Sns = "sns",
    /** A private, versioned S3 bucket that refuses plain HTTP. */
    S3 = "s3",
    /** An EventBridge event bus (Lambda accepts it for async invocation records only). */
    EventBridge = "eventbridge",
}
/** The kinds the stack creates, as values of the `DestinationType` enum (the component package's enum). */
export const CREATABLE = Object.values(DestinationType) as CreatableKind[];
export type CreatableKind = `${DestinationType}` & DestinationKind;

/**
 * The stack's environment as the component package's enum (Pulumi's schema inference takes enums, not string
 * unions): the same values as `msk-lambda:environment`.
 */
export enum StackEnvironment {
    Dev = "dev",
    Staging = "staging",
    Prod = "prod",
}

/** The kinds Lambda accepts at a place (from the catalogue). */
export function kindsAt(place: DestinationPlace): DestinationKind[] {
    return kindsAllowedIn(place);
}

/** The kinds the stack can create at a place. */
export function creatableKindsAt(place: DestinationPlace): DestinationKind[] {
    return kindsAt(place).filter((k) => (CREATABLE as readonly string[]).includes(k));
}

/** The article-and-name of each kind, as the catalogue spells them ("an SQS queue, an SNS topic or an S3 bucket"). */
export function kindNames(kinds: readonly string[]): string {
    return namesOf(kinds);
}

/** A destination as the validated config holds it. */
export type DestinationSpec =
    | { kind: "create"; type: CreatableKind }
    | { kind: "existing"; type: DestinationKind; arn: string; kmsKeyArn?: string }
    | { kind: "kafka"; type: "kafka"; topic: string };

function isDigits(s: string, n: number): boolean {
    if (s.length !== n) return false;
    for (const c of s) if (c < "0" || c > "9") return false;
    return true;
}

/**
 * The kind of an existing destination's ARN at a place, or the problem (for the config's message): not an ARN, an ARN
 * of another service, a kind Lambda does not accept here, a FIFO queue or topic, or a regional ARN without a region
 * and 12-digit account.
 */
export function kindOfDestinationArn(arn: string, place: DestinationPlace): { kind: DestinationKind } | { problem: string } {
    const allowed = kindsAt(place);
    const d = destinationOfArn(arn);
    const useInstead = `use the ARN of ${kindNames(allowed)}`;
    if (d === "not-arn" || d === "other" || !allowed.includes(d.kind)) return { problem: `${JSON.stringify(arn)} is not allowed here: ${useInstead}` };
    const f = factsOf(d.kind)!;
    // "Capturing records of Lambda asynchronous invocations": FIFO queues and topics are not supported.
    if (d.fifo) return { problem: `names a FIFO ${f.name.slice(f.name.lastIndexOf(" ") + 1)}: Lambda delivers only to standard SQS queues and SNS topics` };
    if (f.arn.regional && (d.region === "" || !isDigits(d.account, 12)))
        return { problem: `${JSON.stringify(arn)} has no region or 12-digit account: an ARN of ${f.name} looks like ${f.arn.example}` };
    if (!f.arn.regional && (d.region !== "" || d.account !== ""))
        return { problem: `${JSON.stringify(arn)} is not ${f.name}'s ARN form: it has no region or account, like ${f.arn.example}` };
    return { kind: d.kind };
}

/** The destination ARN of a Kafka topic on the mapping's own cluster ("Using a Kafka topic as an on-failure destination"). */
export function kafkaDestinationArn(topic: string): string {
    return `${KAFKA_DESTINATION_PREFIX}${topic}`;
}

/** Whether a destination of this kind can carry a customer-managed key the role must use. */
export function takesKey(kind: string): boolean {
    return (factsOf(kind)?.kms.length ?? 0) > 0;
}
