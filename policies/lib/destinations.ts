/**
 * The destination catalogue: every fact about a place Lambda sends records to, written once. The policy pack's rules
 * and the program (through policies/lib/public.ts) both read it, so adding a kind here is all it takes for the
 * config to accept it, the execution role to be granted it and the pack to judge it.
 *
 * Sources (AWS Lambda documentation, by page title):
 * - "Capturing discarded batches for Amazon MSK and self-managed Apache Kafka event sources": an on-failure
 *   destination of a Kafka mapping is an SQS queue, an SNS topic, an S3 bucket (or a Kafka topic, `kafka://<topic>`,
 *   see facts.ts); the role needs `sqs:SendMessage`, `sns:Publish`, or `s3:PutObject` and `s3:ListBucket`; with a
 *   customer-managed key, `kms:Decrypt` and `kms:GenerateDataKey` (SQS, SNS) or `kms:GenerateDataKey` (S3), and in
 *   another account also `kms:DescribeKey` and `kms:ReEncrypt*` (SQS, SNS); "You must deploy a VPC endpoint for your
 *   on-failure destination service inside your Kafka cluster VPC".
 * - "Capturing records of Lambda asynchronous invocations": async destinations are SQS, SNS, S3 (on failure only),
 *   Lambda (`lambda:InvokeFunction`) and EventBridge (`events:PutEvents`); FIFO queues and topics are not supported.
 * - Dead-letter queues ("Adding a dead-letter queue"): a standard SQS queue or SNS topic.
 *
 * No regular expressions (the pack's lint): ARNs are split with indexOf. Every lookup iterates the catalogue at call
 * time, so an entry added at run time (tests/destination-catalogue.test.ts) is seen everywhere.
 */
import { T } from "./types";

/** Where a destination is named: a Kafka mapping's on-failure destination, a function's async destinations, a DLQ. */
export type DestinationPlace = "kafkaOnFailure" | "asyncOnFailure" | "asyncOnSuccess" | "deadLetter";

/** What the role may do to send, on the destination's ARN or on the objects under it (`<arn>/*`). */
export interface SendAction {
    action: string;
    on: "arn" | "objects";
}

export interface DestinationFacts {
    /** The kind's name in config and messages ("sqs"). */
    kind: string;
    /** With an article, for messages ("an SQS queue"). */
    name: string;
    /** ARN form: `arn:<partition>:<service>:<region>:<account>:<resourcePrefix><name>`; S3 has no region or account. */
    arn: { service: string; resourcePrefix: string; regional: boolean; example: string };
    /** Whether names may end in `.fifo` (a FIFO queue or topic), which Lambda refuses everywhere. */
    fifoSuffix: boolean;
    /** The places Lambda accepts this kind. */
    allowedIn: readonly DestinationPlace[];
    /** The execution role's send actions. */
    send: readonly SendAction[];
    /** The role's actions on the destination's customer-managed key (none: the service uses the key itself). */
    kms: readonly string[];
    /** The actions the key must allow the role when key and role are in different accounts. */
    crossAccountKms: readonly string[];
    /** The VPC endpoint Lambda's pollers need to reach the service from the Kafka cluster's VPC, if it can be one. */
    endpoint?: { service: string; type: "Interface" | "Gateway" };
    /** The canonical (aws classic) resource types that are destinations of this kind. */
    resourceTypes: readonly string[];
}

const SQS_SNS_CROSS_ACCOUNT_KMS = ["kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey", "kms:ReEncryptFrom", "kms:ReEncryptTo"] as const;

/** The catalogue, by kind. */
export const DESTINATIONS = {
    sqs: {
        kind: "sqs",
        name: "an SQS queue",
        arn: { service: "sqs", resourcePrefix: "", regional: true, example: "arn:aws:sqs:us-east-1:111122223333:my-queue" },
        fifoSuffix: true,
        allowedIn: ["kafkaOnFailure", "asyncOnFailure", "asyncOnSuccess", "deadLetter"],
        send: [{ action: "sqs:SendMessage", on: "arn" }],
        kms: ["kms:Decrypt", "kms:GenerateDataKey"],
        crossAccountKms: SQS_SNS_CROSS_ACCOUNT_KMS,
        endpoint: { service: "sqs", type: "Interface" },
        resourceTypes: [T.queue],
    },
    sns: {
        kind: "sns",
        name: "an SNS topic",
        arn: { service: "sns", resourcePrefix: "", regional: true, example: "arn:aws:sns:us-east-1:111122223333:my-topic" },
        fifoSuffix: true,
        allowedIn: ["kafkaOnFailure", "asyncOnFailure", "asyncOnSuccess", "deadLetter"],
        send: [{ action: "sns:Publish", on: "arn" }],
        kms: ["kms:Decrypt", "kms:GenerateDataKey"],
        crossAccountKms: SQS_SNS_CROSS_ACCOUNT_KMS,
        endpoint: { service: "sns", type: "Interface" },
        resourceTypes: [T.topic],
    },
    s3: {
        kind: "s3",
        name: "an S3 bucket",
        arn: { service: "s3", resourcePrefix: "", regional: false, example: "arn:aws:s3:::my-bucket" },
        fifoSuffix: false,
        allowedIn: ["kafkaOnFailure", "asyncOnFailure"],
        send: [
            { action: "s3:PutObject", on: "objects" },
            { action: "s3:ListBucket", on: "arn" },
        ],
        kms: ["kms:GenerateDataKey"],
        crossAccountKms: ["kms:GenerateDataKey"],
        endpoint: { service: "s3", type: "Gateway" },
        resourceTypes: [T.bucket, T.bucketV2],
    },
    lambda: {
        kind: "lambda",
        name: "a Lambda function",
        arn: { service: "lambda", resourcePrefix: "function:", regional: true, example: "arn:aws:lambda:us-east-1:111122223333:function:my-function" },
        fifoSuffix: false,
        allowedIn: ["asyncOnFailure", "asyncOnSuccess"],
        send: [{ action: "lambda:InvokeFunction", on: "arn" }],
        kms: [],
        crossAccountKms: [],
        resourceTypes: [T.fn],
    },
    eventbridge: {
        kind: "eventbridge",
        name: "an EventBridge event bus",
        arn: { service: "events", resourcePrefix: "event-bus/", regional: true, example: "arn:aws:events:us-east-1:111122223333:event-bus/my-bus" },
        fifoSuffix: false,
        allowedIn: ["asyncOnFailure", "asyncOnSuccess"],
        send: [{ action: "events:PutEvents", on: "arn" }],
        // EventBridge encrypts a bus's events itself: the role needs no key actions.
        kms: [],
        crossAccountKms: [],
        resourceTypes: [T.eventBus],
    },
} satisfies Record<string, DestinationFacts>;

export type DestinationKind = keyof typeof DESTINATIONS;

/** The catalogue's entries (read at call time). */
export function destinationFacts(): DestinationFacts[] {
    return Object.values(DESTINATIONS as Record<string, DestinationFacts>);
}

/** The facts of one kind, or undefined for a name that is not in the catalogue. */
export function factsOf(kind: string): DestinationFacts | undefined {
    return Object.prototype.hasOwnProperty.call(DESTINATIONS, kind) ? (DESTINATIONS as Record<string, DestinationFacts>)[kind] : undefined;
}

/** The kinds Lambda accepts at a place, in catalogue order. */
export function kindsAllowedIn(place: DestinationPlace): DestinationKind[] {
    return destinationFacts()
        .filter((f) => f.allowedIn.includes(place))
        .map((f) => f.kind as DestinationKind);
}

/** "an SQS queue, an SNS topic or an S3 bucket". */
export function namesOf(kinds: readonly string[], last = "or"): string {
    const names = kinds.map((k) => factsOf(k)?.name ?? k);
    return names.length <= 1 ? names.join("") : `${names.slice(0, -1).join(", ")} ${last} ${names[names.length - 1]}`;
}

/** The kind a canonical resource type is a destination of. */
export function kindOfResourceType(type: string): DestinationKind | undefined {
    for (const f of destinationFacts()) if (f.resourceTypes.includes(type)) return f.kind as DestinationKind;
    return undefined;
}

export interface DestinationArn {
    kind: DestinationKind;
    /** The queue, topic, bucket, function or bus name (a function's qualifier included). */
    name: string;
    region: string;
    account: string;
    /** A FIFO queue or topic (Lambda refuses them). */
    fifo: boolean;
}

/**
 * The destination an ARN names: its kind by service and resource prefix, or "not-arn" (a name or URL given instead)
 * or "other" (an ARN of a resource that is no destination). Linear in the ARN's length.
 */
export function destinationOfArn(arn: string): DestinationArn | "other" | "not-arn" {
    if (typeof arn !== "string" || !arn.startsWith("arn:")) return "not-arn";
    const parts: string[] = [];
    let from = 4;
    for (let k = 0; k < 4; k++) {
        const at = arn.indexOf(":", from);
        if (at < 0) return "not-arn";
        parts.push(arn.slice(from, at));
        from = at + 1;
    }
    const [partition, service, region, account] = parts;
    const resource = arn.slice(from);
    if (partition === "" || service === "" || resource === "") return "not-arn";
    for (const f of destinationFacts()) {
        if (f.arn.service !== service || !resource.startsWith(f.arn.resourcePrefix)) continue;
        const name = resource.slice(f.arn.resourcePrefix.length);
        if (name === "") continue;
        return { kind: f.kind as DestinationKind, name, region, account, fifo: f.fifoSuffix && name.endsWith(".fifo") };
    }
    return "other";
}

/** The kind an ARN names, or undefined. */
export function kindOfArn(arn: string): DestinationKind | undefined {
    const d = destinationOfArn(arn);
    return typeof d === "string" ? undefined : d.kind;
}
