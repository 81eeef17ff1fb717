/**
 * `msk-lambda:topics`: the Kafka topics the stack creates through the MSK topic API (`aws.msk.Topic`), keyed by topic
 * name. Every consumer's topic is created unless its entry says `existing: true` (the default when the stack attaches
 * to an existing cluster); a topic with no entry gets the defaults. Several consumers may read one topic: it is one
 * resource, and each consumer keeps its own consumer group.
 *
 * Facts (AWS documentation):
 * - "Topic Operations" (Amazon MSK Developer Guide): the topic APIs need an MSK Provisioned cluster running Apache
 *   Kafka 3.6.0 or later, in the ACTIVE state.
 * - "Update a topic in an Amazon MSK cluster": UpdateTopic changes the partition count or the topic configurations;
 *   Kafka adds partitions and never removes them. `AWS::MSK::Topic` (CloudFormation): TopicName and ReplicationFactor
 *   require replacement, PartitionCount and Configs update in place; PartitionCount and ReplicationFactor minimum 1.
 * - "Apache Kafka event poller scaling modes in Lambda": to keep records in order within a partition, Lambda caps a
 *   mapping's MaximumPollers at the topic's partition count.
 * - Apache Kafka: topic names are 1-249 characters of [a-zA-Z0-9._-], not "." or ".."; names that differ only by "."
 *   versus "_" collide (Kafka refuses the second); a replication factor cannot exceed the broker count;
 *   `min.insync.replicas` at or above the replication factor leaves no broker to lose for `acks=all` producers.
 */
import { Issues, bool, int, parseObject, type Field, type Spec } from "./schema";
import { TOPIC, type ConsumerConfig } from "./consumer-config";

const NS = "msk-lambda:topics";

/** The MSK topic API needs Apache Kafka 3.6.0 or later ("Topic Operations"). */
export const TOPIC_API_MIN_KAFKA = [3, 6] as const;
/** Partitions of a created topic when its entry does not say: divisible by 2 and 3 brokers, room for 6 pollers. */
export const DEFAULT_PARTITIONS = 6;
/** Default replication: 3, or the broker count when there are fewer (the cluster's `default.replication.factor`). */
export function defaultReplicationFactor(brokers: number): number {
    return Math.min(3, brokers);
}

/**
 * "Best practices for Standard brokers" (Amazon MSK Developer Guide): partitions per broker, leader and follower
 * replicas included, that MSK recommends, and the most with which it still allows update operations, by broker size.
 */
export function partitionsPerBroker(instanceType: string): { recommended: number; updatesUpTo: number } | undefined {
    const m = /^kafka\.(t3|m5|m7g)\.([0-9]*x?large|small)$/.exec(instanceType);
    if (!m) return undefined;
    if (m[2] === "small") return { recommended: 300, updatesUpTo: 300 };
    if (m[2] === "large" || m[2] === "xlarge") return { recommended: 1000, updatesUpTo: 1500 };
    if (m[2] === "2xlarge") return { recommended: 2000, updatesUpTo: 3000 };
    return { recommended: 4000, updatesUpTo: 6000 };
}

/** A topic as the stack handles it. */
export interface TopicConfig {
    /** The topic's name (1-249 characters of a-z, A-Z, 0-9, '.', '_', '-'). A change replaces the topic. */
    name: string;
    /** True: the topic exists already (created outside the stack); nothing is created. */
    existing: boolean;
    /** Created topics: partitions (can only grow). */
    partitions?: number;
    /** Created topics: replication factor. A change replaces the topic and deletes its records. */
    replicationFactor?: number;
    /** Created topics: the topic configs sent to MSK (values as strings). */
    configs: { [key: string]: string };
    /** Names of the consumers that read it. */
    consumers: string[];
}

type Check = (v: unknown) => string | undefined;
const intAtLeast =
    (min: number): Check =>
    (v) => {
        const n = typeof v === "number" ? v : typeof v === "string" && /^-?[0-9]{1,19}$/.test(v) ? Number(v) : NaN;
        return Number.isInteger(n) && n >= min ? undefined : `must be an integer >= ${min}`;
    };
const boolean: Check = (v) => (v === true || v === false || v === "true" || v === "false" ? undefined : "must be true or false");
const oneOfText =
    (values: string[]): Check =>
    (v) =>
        typeof v === "string" && values.includes(v) ? undefined : `must be one of ${values.join(", ")}`;
const ratio: Check = (v) => {
    const n = typeof v === "number" ? v : typeof v === "string" && /^[0-9]{1,3}(\.[0-9]{1,10})?$/.test(v) ? Number(v) : NaN;
    return n >= 0 && n <= 1 ? undefined : "must be a number from 0 to 1";
};
const text: Check = (v) => (typeof v === "string" || typeof v === "number" ? undefined : "must be a string");

/**
 * Apache Kafka's topic-level configurations (Kafka 3.x "Topic Configs"), each with the range Kafka accepts.
 * `retention.ms`/`retention.bytes` -1 means unlimited; `local.retention.*` -2 means "as retention.*".
 */
export const TOPIC_CONFIGS: Record<string, Check> = {
    "cleanup.policy": oneOfText(["delete", "compact", "compact,delete", "delete,compact"]),
    "compression.type": oneOfText(["producer", "uncompressed", "zstd", "lz4", "snappy", "gzip"]),
    "compression.gzip.level": intAtLeast(-1),
    "compression.lz4.level": intAtLeast(1),
    "compression.zstd.level": intAtLeast(-131072),
    "delete.retention.ms": intAtLeast(0),
    "file.delete.delay.ms": intAtLeast(0),
    "flush.messages": intAtLeast(1),
    "flush.ms": intAtLeast(0),
    "follower.replication.throttled.replicas": text,
    "index.interval.bytes": intAtLeast(0),
    "leader.replication.throttled.replicas": text,
    "local.retention.bytes": intAtLeast(-2),
    "local.retention.ms": intAtLeast(-2),
    "max.compaction.lag.ms": intAtLeast(1),
    "max.message.bytes": intAtLeast(0),
    "message.downconversion.enable": boolean,
    "message.format.version": text,
    "message.timestamp.after.max.ms": intAtLeast(0),
    "message.timestamp.before.max.ms": intAtLeast(0),
    "message.timestamp.difference.max.ms": intAtLeast(0),
    "message.timestamp.type": oneOfText(["CreateTime", "LogAppendTime"]),
    "min.cleanable.dirty.ratio": ratio,
    "min.compaction.lag.ms": intAtLeast(0),
    "min.insync.replicas": intAtLeast(1),
    preallocate: boolean,
    "remote.storage.enable": boolean,
    "retention.bytes": intAtLeast(-1),
    "retention.ms": intAtLeast(-1),
    "segment.bytes": intAtLeast(14),
    "segment.index.bytes": intAtLeast(4),
    "segment.jitter.ms": intAtLeast(0),
    "segment.ms": intAtLeast(1),
    "unclean.leader.election.enable": boolean,
};

const configsField: Field<Record<string, string>> = {
    type: "object",
    doc: "",
    allowed: "Kafka topic configs, e.g. retention.ms, retention.bytes, cleanup.policy, min.insync.replicas, max.message.bytes",
    parse(value, key, issues) {
        if (value === null || typeof value !== "object" || Array.isArray(value)) {
            return issues.add(key, 'must be an object of Kafka topic configs, e.g. { "retention.ms": 604800000 }');
        }
        const out: Record<string, string> = {};
        const before = issues.list.length;
        for (const [name, v] of Object.entries(value as Record<string, unknown>)) {
            const check = Object.hasOwn(TOPIC_CONFIGS, name) ? TOPIC_CONFIGS[name] : undefined;
            if (!check) {
                issues.add(`${key}.${name}`, `is not a Kafka topic config: allowed ${Object.keys(TOPIC_CONFIGS).join(", ")}`);
                continue;
            }
            const problem = check(v);
            if (problem) issues.add(`${key}.${name}`, `${problem}, got ${JSON.stringify(v)}`);
            else out[name] = String(v);
        }
        return issues.list.length > before ? undefined : out;
    },
};

export const TOPIC_SPEC = {
    partitions: int({
        doc:
            `Partitions. They cap the mapping's pollers: Lambda runs at most one poller per partition, ` +
            "so provisioned `maximum` pollers beyond it are never used. Grows in place; Kafka never removes partitions, so never lower it on a live stack " +
            "(adding partitions also moves keyed records to other partitions).",
        min: 1,
        max: 10_000,
        default: DEFAULT_PARTITIONS,
    }),
    replicationFactor: int({
        doc: "Copies of each partition (default 3, or the broker count when there are fewer). At most the cluster's broker count. Required when creating a topic on an existing cluster.",
        min: 1,
        max: 30,
        createOnly: "replaces the topic and deletes its records, which prod keeps (see Safety)",
    }),
    configs: {
        ...configsField,
        doc:
            "Kafka topic configs (values as Kafka takes them): retention (`retention.ms`, `retention.bytes`; broker default 7 days), " +
            "`cleanup.policy`, `max.message.bytes`, ... `min.insync.replicas` must be below the replication factor (with replication factor 1, only 1); default: one less than it (at least 1).",
    },
    existing: bool({
        doc: "The topic exists already (made outside this stack): nothing is created, and partitions, replicationFactor and configs are refused. Default true with `cluster.existingClusterArn` and for every `source.kind` but `msk` (no AWS API creates their topics: they must exist), else false.",
        createOnly: "from false to true removes the topic from the stack and deletes it with its records, which prod keeps (see Safety)",
    }),
} satisfies Spec;

/** The cluster facts topics are validated against. */
export interface TopicContext {
    consumers: ConsumerConfig[];
    /** Brokers of a created cluster; undefined for an existing cluster (its broker count is unknown here). */
    brokers?: number;
    existingCluster: boolean;
    /** Why no topic can be created for this source (lib/source.ts `noTopicApi`): its topics must exist. */
    noTopicApi?: string;
    /** The created cluster's Kafka version (`cluster.kafkaVersion`). */
    kafkaVersion?: string;
    /** The created cluster's broker type (`cluster.brokerInstanceType`). */
    brokerInstanceType?: string;
    issues: Issues;
    /** Advisory notes: reported, never fatal. */
    notes: Issues;
}

/** True when an MSK Kafka version (e.g. 3.8.x, 3.6.0, 3.7.x.kraft) is at least major.minor. */
export function kafkaAtLeast(version: string, [major, minor]: readonly [number, number]): boolean {
    const m = /^([0-9]+)\.([0-9]+)/.exec(version);
    if (!m) return false;
    const a = Number(m[1]);
    const b = Number(m[2]);
    return a > major || (a === major && b >= minor);
}

/**
 * Parses `msk-lambda:topics` and resolves every topic the stack handles: each entry, and each consumer's topic (with
 * defaults when it has no entry). Records issues (bad values, impossible combinations) and notes (advisory: pollers
 * beyond partitions). Linear in the number of topics and consumers.
 */
export function parseTopics(value: unknown, ctx: TopicContext): TopicConfig[] | undefined {
    const { issues } = ctx;
    const before = issues.list.length;
    if (value !== undefined && (value === null || typeof value !== "object" || Array.isArray(value))) {
        return issues.add(NS, "must be a map of topic name to { partitions, replicationFactor, configs, existing }");
    }
    // A Map, not an object: a topic may be named like an Object.prototype property.
    const entries = new Map(Object.entries((value ?? {}) as Record<string, unknown>));
    const readers = new Map<string, string[]>();
    for (const c of ctx.consumers) readers.set(c.topic, [...(readers.get(c.topic) ?? []), c.name]);
    // A Kafka on-failure destination ("Using a Kafka topic as an on-failure destination") is a topic of the same
    // cluster that must exist: the stack creates it like the consumers' topics (nobody polls it through a mapping).
    const failureTopics = new Set<string>();
    for (const c of ctx.consumers) if (c.onFailure.kind === "kafka" && !readers.has(c.onFailure.topic)) failureTopics.add(c.onFailure.topic);

    const out: TopicConfig[] = [];
    const names = [...entries.keys(), ...[...readers.keys(), ...failureTopics].filter((t) => !entries.has(t))];
    for (const name of names) {
        const t = parseTopic(name, entries.get(name) ?? {}, readers.get(name) ?? [], ctx);
        if (t) out.push(t);
    }

    crossTopicChecks(out, ctx);
    return issues.list.length > before ? undefined : out;
}

/** One topic of `msk-lambda:topics` (or a consumer's topic without an entry): its settings, or undefined with issues. */
function parseTopic(name: string, given: unknown, consumers: string[], ctx: TopicContext): TopicConfig | undefined {
    const { issues } = ctx;
    const key = `${NS}.${name}`;
    if (!TOPIC.test(name)) {
        issues.add(key, "is not a Kafka topic name: 1-249 characters of a-z, A-Z, 0-9, '.', '_', '-', not '.' or '..'");
        return undefined;
    }
    const p = parseObject(TOPIC_SPEC, given, key, issues);
    if (!p) return undefined;
    const existing = p.existing ?? (ctx.existingCluster || ctx.noTopicApi !== undefined);
    if (!existing && ctx.noTopicApi) {
        issues.add(`${key}.existing`, `false is not possible for msk-lambda:source.kind's cluster: ${ctx.noTopicApi}`);
        return undefined;
    }
    if (existing) {
        const raw = given as Record<string, unknown>;
        for (const k of ["partitions", "replicationFactor", "configs"] as const) {
            if (raw[k] !== undefined && raw[k] !== null) issues.add(`${key}.${k}`, "has no effect on an existing topic (existing: true): remove it");
        }
        return { name, existing, configs: {}, consumers };
    }
    if (ctx.existingCluster && p.replicationFactor === undefined) {
        issues.add(`${key}.replicationFactor`, "is required to create a topic on an existing cluster (its broker count is not known here)");
        return undefined;
    }
    if (!ctx.existingCluster && ctx.kafkaVersion && !kafkaAtLeast(ctx.kafkaVersion, TOPIC_API_MIN_KAFKA)) {
        issues.add(
            key,
            `cannot be created: the MSK topic API needs Apache Kafka ${TOPIC_API_MIN_KAFKA.join(".")}.0 or later and msk-lambda:cluster.kafkaVersion is ${ctx.kafkaVersion}; upgrade, or create the topic yourself and set existing: true`,
        );
        return undefined;
    }
    const rf = p.replicationFactor ?? defaultReplicationFactor(ctx.brokers ?? 3);
    if (ctx.brokers !== undefined && rf > ctx.brokers) {
        issues.add(
            `${key}.replicationFactor`,
            `${rf} is more than the cluster's ${ctx.brokers} brokers (cluster.brokersPerAz × the cluster's AZs): use 1 to ${ctx.brokers}`,
        );
        return undefined;
    }
    const configs = { ...(p.configs ?? {}) };
    if (rf === 1) {
        ctx.notes.add(
            `${key}.replicationFactor`,
            "is 1: the topic is unavailable whenever its one broker is, and its records are lost with that broker's storage",
        );
    }
    if (configs["min.insync.replicas"] !== undefined) {
        const isr = Number(configs["min.insync.replicas"]);
        if (rf === 1 && isr > 1) {
            issues.add(`${key}.configs.min.insync.replicas`, `${isr} cannot be met with replication factor 1: it can only be 1`);
            return undefined;
        }
        if (rf > 1 && isr >= rf) {
            issues.add(
                `${key}.configs.min.insync.replicas`,
                `${isr} must be below the replication factor ${rf}: with ${isr} of ${rf} replicas required, producers using acks=all fail as soon as one broker is down`,
            );
            return undefined;
        }
    } else {
        // The cluster's own default (min.insync.replicas = default RF - 1) can exceed a smaller topic RF: set it per topic.
        configs["min.insync.replicas"] = String(Math.max(1, rf - 1));
    }
    if (configs["unclean.leader.election.enable"] === "true") {
        ctx.notes.add(`${key}.configs.unclean.leader.election.enable`, "true lets an out-of-sync replica become leader: acknowledged records can be lost");
    }
    return { name, existing, partitions: p.partitions ?? DEFAULT_PARTITIONS, replicationFactor: rf, configs, consumers };
}

/** Checks across the topics: names Kafka folds together, replicas per broker, pollers beyond partitions. */
function crossTopicChecks(out: TopicConfig[], ctx: TopicContext): void {
    const { issues } = ctx;
    // Kafka refuses a topic whose name differs from another's only by '.' versus '_' (their metric names collide).
    const folded = new Map<string, string>();
    for (const t of out) {
        const f = t.name.replace(/\./g, "_");
        const other = folded.get(f);
        if (other !== undefined)
            issues.add(`${NS}.${t.name}`, `collides with topic "${other}": Kafka treats '.' and '_' alike in topic names and refuses the second`);
        else folded.set(f, t.name);
    }

    // Replicas per broker of the topics the stack creates, against MSK's per-broker partition guidance.
    const limits = ctx.brokers && ctx.brokerInstanceType ? partitionsPerBroker(ctx.brokerInstanceType) : undefined;
    if (limits) {
        const replicas = out.reduce((n, t) => n + (t.partitions ?? 0) * (t.replicationFactor ?? 0), 0);
        const perBroker = Math.ceil(replicas / ctx.brokers!);
        if (perBroker > limits.recommended) {
            ctx.notes.add(
                NS,
                `the created topics put ${perBroker} partition replicas on each of the ${ctx.brokers} brokers: MSK recommends at most ${limits.recommended} for ${ctx.brokerInstanceType}` +
                    (perBroker > limits.updatesUpTo ? `, and above ${limits.updatesUpTo} it refuses update operations on the cluster` : "") +
                    " (Best practices for Standard brokers); use fewer partitions or larger brokers",
            );
        }
    }

    // "Apache Kafka event poller scaling modes in Lambda": Lambda caps MaximumPollers at the topic's partition count.
    const byName = new Map(out.map((t) => [t.name, t]));
    ctx.consumers.forEach((c, i) => {
        const t = byName.get(c.topic);
        const max = c.provisionedPollers?.maximum;
        if (t?.partitions !== undefined && max !== undefined && max > t.partitions) {
            ctx.notes.add(
                `msk-lambda:consumers[${i}].provisionedPollers.maximum`,
                `is ${max}, but topic "${t.name}" has ${t.partitions} partitions: Lambda runs at most one poller per partition, so at most ${t.partitions} pollers ever run (raise ${NS}.${t.name}.partitions, or lower maximum)`,
            );
        }
    });
}

/**
 * What a change of a created topic between two deployments would do, for a diff of two plans: Kafka cannot remove
 * partitions, and a new replication factor replaces the topic. Empty when the change is safe.
 */
export function topicChangeProblems(
    name: string,
    before: { partitionCount: number; replicationFactor: number },
    after: { partitionCount: number; replicationFactor: number },
): string[] {
    const out: string[] = [];
    if (after.partitionCount < before.partitionCount) {
        out.push(`topic ${name}: partitions ${before.partitionCount} → ${after.partitionCount}: Kafka cannot remove partitions`);
    }
    if (after.replicationFactor !== before.replicationFactor) {
        out.push(`topic ${name}: replication factor ${before.replicationFactor} → ${after.replicationFactor} replaces the topic, deleting its records`);
    }
    return out;
}
