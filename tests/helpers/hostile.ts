/**
 * Hostile inputs a reviewer used to stall or break the pack, as stacks another program could register: long IAM
 * patterns, long ARNs, many statements, colliding names and deep nesting. The fuzz test sends them at "test" size
 * (through `Analyze` and `AnalyzeStack`, asserting zero gRPC errors, bounded diagnostics and the expected verdicts);
 * `npm run bench` times them at the sizes the reviewer reported ("bench") against the empty pack.
 */
import type { AnalyzerInput } from "../../plan/analyzer";
import { resourceOf, templates, TYPES } from "./generate";

const ACCOUNT = "111122223333";
const CLUSTER_ARN = `arn:aws:kafka:us-east-1:${ACCOUNT}:cluster/c/fc2f5bdf-fd1b-45ad-85dd-15b4a5a6247e-2`;

export type HostileSize = "test" | "bench";

export interface HostileShape {
    /** A short name for tables and assertion messages. */
    name: string;
    /** What the shape holds, at this size. */
    detail: string;
    /** Sent all together through `AnalyzeStack`. */
    resources: AnalyzerInput[];
    /** Sent one by one through `Analyze` (all of `resources` unless given). */
    analyze?: AnalyzerInput[];
    /** Violations (policy and resource) the pack must still report: the verdict is right, not only fast. */
    expect: { policy: string; urn: string }[];
}

function doc(statements: unknown[]): string {
    return JSON.stringify({ Version: "2012-10-17", Statement: statements });
}

/** `r` with property dependencies on `deps` (by property). */
function withDeps(r: AnalyzerInput, deps: Record<string, AnalyzerInput[]>): AnalyzerInput {
    const propertyDependencies: Record<string, string[]> = {};
    for (const [k, list] of Object.entries(deps)) propertyDependencies[k] = list.map((d) => d.urn);
    return { ...r, propertyDependencies, dependencies: [...new Set(Object.values(propertyDependencies).flat())] };
}

/**
 * A consumer as another program registers it: an MSK mapping naming its function by name, the function, its role,
 * one inline role policy holding `statements`, and a standard SQS failure queue with ARN `queueArn` (no KMS key).
 */
function consumer(prefix: string, queueArn: string, statements: string): { resources: AnalyzerInput[]; role: AnalyzerInput } {
    const queue = resourceOf("aws:sqs/queue:Queue", `${prefix}-queue`, { name: `${prefix}-queue`, arn: queueArn, fifoQueue: false });
    const role = resourceOf("aws:iam/role:Role", `${prefix}-role`, {
        name: `${prefix}-role`,
        arn: `arn:aws:iam::${ACCOUNT}:role/${prefix}-role`,
        assumeRolePolicy: doc([{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }]),
    });
    const policy = withDeps(resourceOf("aws:iam/rolePolicy:RolePolicy", `${prefix}-policy`, { role: `${prefix}-role`, policy: statements }), { role: [role] });
    const fn = withDeps(
        resourceOf("aws:lambda/function:Function", `${prefix}-fn`, {
            name: `${prefix}-fn`,
            arn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${prefix}-fn`,
            role: role.props.arn,
            timeout: 60,
        }),
        { role: [role] },
    );
    const mapping = withDeps(
        resourceOf("aws:lambda/eventSourceMapping:EventSourceMapping", `${prefix}-mapping`, {
            eventSourceArn: CLUSTER_ARN,
            functionName: `${prefix}-fn`,
            topics: ["orders"],
            startingPosition: "LATEST",
            destinationConfig: { onFailure: { destinationArn: queueArn } },
        }),
        { functionName: [fn], destinationConfig: [queue] },
    );
    return { resources: [queue, role, policy, fn, mapping], role };
}

/**
 * A resource pattern of `n` characters that a matcher backtracking to its last `*` needs about n x n / 4 steps to
 * refuse against a queue ARN of the same length: `...:*` + n/2 `a` + `b` against `...:` + n `a`.
 */
function longIamPattern(n: number): HostileShape {
    const base = `arn:aws:sqs:us-east-1:${ACCOUNT}:`;
    const queueArn = base + "a".repeat(n);
    const pattern = `${base}*${"a".repeat(n / 2)}b${"*".repeat(n / 2 - 1)}`;
    const c = consumer("longpattern", queueArn, doc([{ Effect: "Allow", Action: "sqs:SendMessage", Resource: pattern }]));
    return {
        name: "long IAM pattern",
        detail: `a ${pattern.length.toLocaleString("en-US")}-character resource pattern against a ${queueArn.length.toLocaleString("en-US")}-character queue ARN`,
        resources: c.resources,
        // The pattern does not match the queue: the role cannot send to its failure destination.
        expect: [{ policy: "destination-kms-grants", urn: c.role.urn }],
    };
}

/** Long ARNs wherever the pack parses one: a SCRAM secret ARN, a mapping's source, function and destination. */
function longArns(bytes: number): HostileShape {
    const secretArn = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:` + ":secret:x".repeat(Math.floor(bytes / 9));
    const association = resourceOf("aws:msk/singleScramSecretAssociation:SingleScramSecretAssociation", "longarn-scram", {
        clusterArn: CLUSTER_ARN,
        secretArn,
    });
    const fifo = `arn:aws:sqs:us-east-1:${ACCOUNT}:` + "q:".repeat(Math.floor(bytes / 2)) + ".fifo";
    const mapping = resourceOf("aws:lambda/eventSourceMapping:EventSourceMapping", "longarn-mapping", {
        eventSourceArn: `${CLUSTER_ARN}${"/x:".repeat(Math.floor(bytes / 3))}`,
        functionName: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:` + "f:".repeat(Math.floor(bytes / 2)),
        topics: ["orders"],
        startingPosition: "LATEST",
        destinationConfig: { onFailure: { destinationArn: fifo } },
    });
    return {
        name: "long ARNs",
        detail: `a ${Math.round(secretArn.length / 1024)} KB SCRAM secret ARN of repeated ':secret:' parts; mapping source, function and FIFO destination ARNs of ${Math.round(bytes / 1024)} KB`,
        resources: [association, mapping],
        expect: [
            { policy: "msk-scram-secret", urn: association.urn },
            { policy: "no-fifo-destinations", urn: mapping.urn },
        ],
    };
}

/** One role policy with `n` statements; none grants what the role needs, so every one is looked at. */
function manyStatements(n: number): HostileShape {
    const queueArn = `arn:aws:sqs:us-east-1:${ACCOUNT}:many-failures`;
    const statements = Array.from({ length: n }, (_, i) => ({ Effect: "Deny", Action: "sqs:SendMessage", Resource: `${queueArn}-${i}` }));
    const c = consumer("many", queueArn, doc(statements));
    return {
        name: "many statements",
        detail: `one role policy of ${n.toLocaleString("en-US")} statements (none grants the role's destination)`,
        resources: c.resources,
        expect: [{ policy: "destination-kms-grants", urn: c.role.urn }],
    };
}

/** `n` statements that each break `iam-least-privilege` (`Action: "*"`). */
function manyOffendingStatements(n: number): HostileShape {
    const statements = Array.from({ length: n }, (_, i) => ({ Sid: `S${i}`, Effect: "Allow", Action: "*", Resource: "*" }));
    const policy = resourceOf("aws:iam/policy:Policy", "offending", { arn: `arn:aws:iam::${ACCOUNT}:policy/offending`, policy: doc(statements) });
    return {
        name: "many offending statements",
        detail: `one IAM policy of ${n.toLocaleString("en-US")} statements allowing "*"`,
        resources: [policy],
        expect: [{ policy: "iam-least-privilege", urn: policy.urn }],
    };
}

/**
 * `groups` whole consumer groups (every type the pack reads) that all use the same physical names and ARNs, each
 * function with a 900-second timeout: references by name or ARN match every group.
 */
function collidingNames(groups: number): HostileShape {
    const resources: AnalyzerInput[] = [];
    const t = templates(0, { chain: "", key: "" });
    t["aws:lambda/function:Function"] = { ...t["aws:lambda/function:Function"], timeout: 900 };
    for (let g = 0; g < groups; g++) for (const type of TYPES) resources.push(resourceOf(type, `collide-${g}`, structuredClone(t[type])));
    const fn = resources.find((r) => r.type === "aws:lambda/function:Function")!;
    return {
        name: "colliding names",
        detail: `${groups} consumer groups (${resources.length.toLocaleString("en-US")} resources) sharing every name and ARN`,
        resources,
        // Resource policies judge each resource alone: one group through Analyze says the same as all of them.
        analyze: resources.slice(0, TYPES.length),
        expect: [{ policy: "msk-function-timeout", urn: fn.urn }],
    };
}

/** Properties nested `depth` levels (protobuf Structs), and an IAM policy document nested `jsonDepth` levels as JSON. */
function deepNesting(depth: number, jsonDepth: number): HostileShape {
    let tags: unknown = "x";
    for (let i = 0; i < depth; i++) tags = { a: tags };
    const key = resourceOf("aws:kms/key:Key", "deep-key", {
        arn: `arn:aws:kms:us-east-1:${ACCOUNT}:key/00000000-bbbb-cccc-dddd-eeeeeeeeeeee`,
        enableKeyRotation: false,
        tags,
    });
    const condition = "[".repeat(jsonDepth) + "]".repeat(jsonDepth);
    const text = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Deep":${condition}}}]}`;
    const policy = resourceOf("aws:iam/policy:Policy", "deep-policy", { arn: `arn:aws:iam::${ACCOUNT}:policy/deep`, policy: text, tags });
    return {
        name: "deep nesting",
        detail: `properties nested ${depth} levels; a policy document nested ${jsonDepth.toLocaleString("en-US")} levels (JSON text)`,
        resources: [key, policy],
        expect: [
            { policy: "kms-key-rotation", urn: key.urn },
            { policy: "iam-least-privilege", urn: policy.urn },
        ],
    };
}

/**
 * Every hostile shape. "bench" sizes are the reviewer's (60,000-character pattern, 800 KB ARN, 130,000 statements,
 * 480 colliding groups, properties 1,000 levels deep: about the most the gRPC layer deserialises, see
 * policies/README.md); "test" sizes keep `npm test` fast while still crossing every limit that broke the pack (130,000
 * statements overflow an argument spread; 240 colliding groups took 31 s).
 */
export function hostileShapes(size: HostileSize): HostileShape[] {
    const bench = size === "bench";
    return [
        longIamPattern(bench ? 60_000 : 10_000),
        longArns(bench ? 800 * 1024 : 400 * 1024),
        manyStatements(130_000),
        manyOffendingStatements(130_000),
        collidingNames(bench ? 480 : 240),
        deepNesting(bench ? 1000 : 100, 100_000),
    ];
}

/**
 * `mappings` MSK mappings of one function whose role holds one inline policy of `statements` statements (none grants
 * the kafka actions the mappings need): evaluating the role once per mapping cost the product of the two (issue 17:
 * 1,000 x 2,000 took about 20 s). Timed by `npm run bench`; not part of `hostileShapes` (the fuzz test's list).
 */
export function sharedRole(mappings: number, statements: number): HostileShape {
    const st = Array.from({ length: statements }, (_, i) => ({
        Effect: "Allow",
        Action: ["kafka-cluster:Connect", "sqs:SendMessage"],
        Resource: `arn:aws:sqs:us-east-1:${ACCOUNT}:q-${i}`,
    }));
    const c = consumer("shared", `arn:aws:sqs:us-east-1:${ACCOUNT}:q-0`, doc(st));
    const fn = c.resources.find((r) => r.type === "aws:lambda/function:Function")!;
    const resources = c.resources.filter((r) => r.type !== "aws:lambda/eventSourceMapping:EventSourceMapping");
    for (let i = 0; i < mappings; i++)
        resources.push(
            withDeps(
                resourceOf("aws:lambda/eventSourceMapping:EventSourceMapping", `shared-mapping-${i}`, {
                    eventSourceArn: CLUSTER_ARN,
                    functionName: "shared-fn",
                    topics: [`topic-${i}`],
                    startingPosition: "LATEST",
                    amazonManagedKafkaEventSourceConfig: { consumerGroupId: `group-${i}` },
                    destinationConfig: { onFailure: { destinationArn: `arn:aws:sqs:us-east-1:${ACCOUNT}:q-${i % statements}` } },
                }),
                { functionName: [fn] },
            ),
        );
    return {
        name: "shared role",
        detail: `${mappings.toLocaleString("en-US")} MSK mappings of one function whose role has ${statements.toLocaleString("en-US")} statements`,
        resources,
        analyze: resources.slice(0, 8),
        expect: [{ policy: "msk-mapping-role-permissions", urn: c.role.urn }],
    };
}
