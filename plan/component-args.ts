/**
 * Writes `lib/settings.ts` (part of `npm run docs`): the plain-data args of the component package (Pulumi docs,
 * "Authoring a Source-Based Plugin Package": the schema is inferred from the components' TypeScript args), generated
 * from the spec tables that validate the stack (`STACK_CONFIG`, `NETWORK_SPEC`, `CLUSTER_SPEC`, `CONSUMER_SPEC`,
 * `TOPIC_SPEC`), so a key, its default, its allowed values and what a change replaces cannot differ between the stack
 * file and a Python, Go, C# or YAML program. `tests/component-args.test.ts` fails when the committed file differs.
 *
 * The analyzer refuses string unions: a `oneOf` field becomes a TypeScript enum whose values are the config's strings.
 * Object-valued fields whose keys are parsed inside the field (destinations, alarms, ...) get the nested interfaces
 * below; the test holds every nested key to the parser (a key the parser refuses fails it).
 */
import { CLUSTER_SPEC, NETWORK_SPEC, STACK_CONFIG } from "../lib/config";
import { CONSUMER_SPEC } from "../lib/consumer-config";
import { creatableKindsAt } from "../lib/destinations";
import { TOPIC_SPEC } from "../lib/topics";
import { SOURCE_SPEC } from "../lib/source";

type AnyField = { type: string; doc: string; default?: unknown; required?: boolean; allowed?: string; createOnly?: boolean | string; secret?: boolean };
type Table = Record<string, AnyField>;

/** One generated property: name, TypeScript type, optional, doc comment. */
interface Prop {
    name: string;
    type: string;
    optional: boolean;
    doc: string;
}

/** Enums already defined in lib/destinations.ts (imported, not generated again), by their values. */
const IMPORTED_ENUMS: Record<string, string> = { "dev|staging|prod": "StackEnvironment", "sqs|sns|s3|eventbridge": "DestinationType" };

/** Enum names of the `oneOf` fields, by table and key (the default is the key, capitalised). */
const ENUM_NAMES: Record<string, string> = {
    "network.mode": "NetworkMode",
    "cluster.authentication": "ClusterAuthentication",
    "cluster.storageMode": "StorageMode",
    "consumer.startingPosition": "StartingPosition",
    "source.kind": "SourceKind",
    "source.authentication": "SourceAuthentication",
    "source.brokersIn": "BrokersIn",
};

/** The TypeScript types of fields whose keys are parsed inside the field (nested interfaces below). */
const NESTED_FIELDS: Record<string, string> = {
    "consumer.filters": "string[]",
    "consumer.provisionedPollers": "ProvisionedPollersSettings",
    "consumer.schemaRegistry": "SchemaRegistrySettings",
    "consumer.idempotency": "IdempotencySettings",
    "consumer.onFailure": "FailureDestinationSettings",
    "consumer.asyncDestinations": "AsyncDestinationsSettings",
    "consumer.*Alarm": "AlarmSettings",
    "topic.configs": "{ [key: string]: string }",
    "stack.source": "SourceSettings",
    "stack.network": "NetworkSettings",
    "stack.cluster": "ClusterSettings",
    "stack.consumers": "ConsumerSettings[]",
    "stack.topics": "{ [topic: string]: TopicSettings }",
};

function pascal(value: string): string {
    return value
        .split(/[^A-Za-z0-9]+/)
        .filter(Boolean)
        .map((w) => w[0].toUpperCase() + w.slice(1).toLowerCase())
        .join("");
}

/** The values of a `oneOf` type as the table shows it (`"a" | "b"`), or undefined. */
function enumValues(type: string): string[] | undefined {
    const values = [...type.matchAll(/"([^"]*)"/g)].map((m) => m[1]);
    return values.length && type.replace(/"[^"]*"|\s|\|/g, "") === "" ? values : undefined;
}

/** Doc comment text: the table's meaning, then its default, allowed values, what a change replaces, and secrecy. */
function docOf(f: AnyField): string {
    const parts = [f.doc.trim()];
    if (f.default !== undefined) parts.push(`Default: \`${defaultText(f.default)}\`.`);
    if (f.allowed) parts.push(`Allowed: ${f.allowed}.`);
    if (f.createOnly) parts.push(typeof f.createOnly === "string" ? `A change replaces: ${f.createOnly.replace(/^replaces /, "")}.` : "Create-only.");
    if (f.secret) parts.push("Secret: pass it as a secret (never shown in errors or plans).");
    return parts.join(" ");
}

function defaultText(d: unknown): string {
    if (d && typeof d === "object" && (d as { kind?: string }).kind === "create") return JSON.stringify({ type: (d as { type: string }).type });
    return typeof d === "string" ? d : JSON.stringify(d);
}

class Writer {
    readonly enums = new Map<string, { values: string[]; doc: string }>();
    readonly imports = new Set<string>();

    typeOf(table: string, key: string, f: AnyField): string {
        const nested = NESTED_FIELDS[`${table}.${key}`] ?? (key.endsWith("Alarm") ? NESTED_FIELDS[`${table}.*Alarm`] : undefined);
        if (nested) return nested;
        const list = f.type.startsWith("list of ") ? f.type.slice("list of ".length) : undefined;
        const scalar = list ?? f.type;
        const values = enumValues(scalar);
        let t: string;
        if (values) t = this.enumFor(ENUM_NAMES[`${table}.${key}`] ?? pascal(key), values, f.doc);
        else if (scalar === "string") t = "string";
        else if (scalar === "integer") t = "number";
        else if (scalar === "boolean") t = "boolean";
        else throw new Error(`plan/component-args.ts: no TypeScript type for ${table}.${key} (${f.type}): add it to NESTED_FIELDS`);
        return list ? `${t}[]` : t;
    }

    enumFor(name: string, values: string[], doc: string): string {
        const imported = IMPORTED_ENUMS[values.join("|")];
        if (imported) {
            this.imports.add(imported);
            return imported;
        }
        this.enums.set(name, { values, doc });
        return name;
    }

    props(table: string, spec: Table): Prop[] {
        // Secret keys are not settings: a component takes them as secret inputs of their own (the `Stack` component).
        return Object.entries(spec)
            .filter(([, f]) => !f.secret)
            .map(([name, f]) => ({ name, type: this.typeOf(table, name, f), optional: !f.required, doc: docOf(f) }));
    }
}

function comment(text: string, indent: string): string {
    return `${indent}/** ${text.replace(/\*\//g, "*\\/")} */`;
}

function iface(name: string, doc: string, props: Prop[]): string {
    const body = props.map((p) => `${comment(p.doc, "    ")}\n    ${p.name}${p.optional ? "?" : ""}: ${p.type};`).join("\n");
    return `${comment(doc, "")}\nexport interface ${name} {\n${body}\n}`;
}

function enumDecl(name: string, values: string[], doc: string): string {
    const members = values.map((v) => `    ${pascal(v)} = ${JSON.stringify(v)},`).join("\n");
    return `${comment(doc, "")}\nexport enum ${name} {\n${members}\n}`;
}

const p = (name: string, type: string, doc: string): Prop => ({ name, type, optional: true, doc });
const destinationProps = (types: string): Prop[] => [
    p("type", types, "A destination the stack creates (with its own KMS key). Give `type` or `arn`, not both."),
    p("arn", "string", "An existing destination's ARN: the execution role is only granted permission to use it."),
    p("kmsKeyArn", "string", "With `arn`: the existing destination's customer-managed KMS key, which the role may use."),
];

/** The nested interfaces of NESTED_FIELDS (keys as the field's parser takes them). */
function nestedInterfaces(): string[] {
    return [
        iface("ProvisionedPollersSettings", CONSUMER_SPEC.provisionedPollers.doc, [
            p("enabled", "boolean", "false: on-demand mode (the stack file's `provisionedPollers: false`); the other keys are then refused. Default true."),
            p("minimum", "number", "Minimum event pollers (1-200)."),
            p("maximum", "number", "Maximum event pollers (1-2000), at least `minimum`."),
            p("pollerGroupName", "string", "Poller group sharing event poller capacity (1-128 characters of a-z, A-Z, 0-9, - and _)."),
        ]),
        iface("SchemaRegistrySettings", CONSUMER_SPEC.schemaRegistry.doc, [
            p("glueRegistryArn", "string", 'An AWS Glue registry ARN, or "create" (the stack creates one).'),
            p("uri", "string", "A Confluent-compatible registry's https:// URL."),
            p("authentication", "SchemaRegistryAuthentication", "With `uri`: how Lambda authenticates to the registry."),
            p("secretArn", "string", "With `uri`: the Secrets Manager secret Lambda authenticates with."),
            p("secretKmsKeyArn", "string", "The KMS key of `secretArn`, when customer-managed."),
            p("rootCaSecretArn", "string", "The Secrets Manager secret holding the registry's server root CA certificate."),
            p("eventRecordFormat", "EventRecordFormat", "The record format Lambda delivers. Default JSON."),
            p("validate", "SchemaValidationAttribute[]", "What Lambda validates against the schema. Default [VALUE]."),
        ]),
        iface("IdempotencySettings", CONSUMER_SPEC.idempotency.doc, [
            p("enabled", "boolean", "Default true."),
            p("expiresAfterSeconds", "number", "How long a processed record's entry is kept (60-604800). Default 86400."),
        ]),
        iface("FailureDestinationSettings", CONSUMER_SPEC.onFailure.doc, [
            ...destinationProps("FailureDestinationType"),
            p("topic", "string", "With `type: kafka`: the topic on the same cluster the failed records go to."),
        ]),
        iface(
            "AsyncDestinationSettings",
            "An async-invocation destination: `{ type }` (created) or `{ arn, kmsKeyArn? }` (existing).",
            destinationProps("DestinationType"),
        ),
        iface("AsyncDestinationsSettings", CONSUMER_SPEC.asyncDestinations.doc, [
            p("onFailure", "AsyncDestinationSettings", "Where failed async invocations' records go."),
            p("onSuccess", "AsyncDestinationSettings", "Where successful async invocations' records go."),
            p("maximumRetryAttempts", "number", "Retries of a failed async invocation (0-2)."),
            p("maximumEventAgeSeconds", "number", "Oldest age of an async event (60-21600)."),
        ]),
        iface("AlarmSettings", "A CloudWatch alarm notifying the stack's alarm topic (see each alarm key's doc for its metric and defaults).", [
            p("enabled", "boolean", "Default true."),
            p("threshold", "number", "The alarm fires when the metric is above this value in every evaluated minute."),
            p("evaluationMinutes", "number", "Minutes evaluated (1-60)."),
        ]),
    ];
}

/** The generated module's text. */
export function settingsSource(): string {
    const w = new Writer();
    const failureTypes = [...creatableKindsAt("kafkaOnFailure"), "kafka"];
    w.imports.add("DestinationType"); // AsyncDestinationSettings.type
    w.enums.set("FailureDestinationType", { values: failureTypes, doc: "A failure destination the stack creates, or a Kafka topic on the same cluster." });
    w.enums.set("SchemaRegistryAuthentication", {
        values: ["BASIC_AUTH", "CLIENT_CERTIFICATE_TLS_AUTH"],
        doc: "How Lambda authenticates to a Confluent-compatible registry.",
    });
    w.enums.set("EventRecordFormat", { values: ["JSON", "SOURCE"], doc: "The record format Lambda delivers with a schema registry." });
    w.enums.set("SchemaValidationAttribute", { values: ["KEY", "VALUE"], doc: "What Lambda validates against a schema." });
    const tables = [
        iface("SourceSettings", "`msk-lambda:source`: which Kafka the consumers read.", w.props("source", SOURCE_SPEC as unknown as Table)),
        iface("NetworkSettings", "`msk-lambda:network`: the network layout.", w.props("network", NETWORK_SPEC as unknown as Table)),
        iface("ClusterSettings", "`msk-lambda:cluster`: the MSK cluster.", w.props("cluster", CLUSTER_SPEC as unknown as Table)),
        iface(
            "ConsumerSettings",
            "One item of `msk-lambda:consumers`: a Lambda function and its event source mapping.",
            w.props("consumer", CONSUMER_SPEC as unknown as Table),
        ),
        iface("TopicSettings", "One entry of `msk-lambda:topics`.", w.props("topic", TOPIC_SPEC as unknown as Table)),
        iface(
            "StackSettings",
            "The whole stack configuration (namespace `msk-lambda`) but its secret keys, as plain data.",
            w.props("stack", STACK_CONFIG as unknown as Table),
        ),
    ];
    const imports = [...w.imports].sort();
    return [
        "// Generated by `npm run docs` (plan/component-args.ts) from the config tables; do not edit.",
        "// tests/component-args.test.ts fails when this file differs from what the tables generate.",
        ...(imports.length ? [`import { ${imports.join(", ")} } from "./destinations";`, "", `export { ${imports.join(", ")} };`] : []),
        "",
        [...w.enums].map(([name, e]) => enumDecl(name, e.values, e.doc)).join("\n\n"),
        "",
        [...tables, ...nestedInterfaces()].join("\n\n"),
        "",
    ].join("\n");
}
