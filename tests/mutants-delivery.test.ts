/**
 * Verdicts of policies/rules/delivery.ts and policies/rules/destinations.ts that `npm run mutate:pack -- --mutate
 * policies/rules/delivery.ts,policies/rules/destinations.ts` found no test deciding (issue 21;
 * bench/mutation/rules-delivery.md and rules-destinations.md list each survivor and why the others are equivalent).
 * Each stack differs from its valid twin in one value; the assertion is the policy, its enforcement level and the
 * resources it names, never the message text.
 */
import * as assert from "assert";
import { ACCOUNT, check, CLUSTER_ARN, of, res, UNKNOWN, type Res } from "./helpers/pack";
import { consumer, FN_ARN, KEY_ARN, KEY_ID, QUEUE_ARN, ROLE_ARN, SEND, USE_KEY } from "./helpers/destination-consumer";

const ESM = "aws:lambda/eventSourceMapping:EventSourceMapping";
const OTHER = "444455556666";
const FOREIGN_KEY_ARN = `arn:aws:kms:us-east-1:${OTHER}:key/12345678-1234-1234-1234-123456789012`;
const doc = (Statement: object[]) => JSON.stringify({ Version: "2012-10-17", Statement });

/** The mandatory verdicts of a stack: "policy urn", each once, sorted. */
async function mandatory(stack: Res[]): Promise<string[]> {
    const d = await check(stack);
    return [...new Set(d.filter((x) => x.enforcementLevel === "mandatory").map((x) => `${x.policy} ${x.urn}`))].sort();
}

/** The resources one policy names at one level. */
async function named(stack: Res | Res[], policy: string, level: "mandatory" | "advisory" = "mandatory"): Promise<string[]> {
    return [...new Set(of(await check(stack), policy, level).map((d) => d.urn))].sort();
}

describe("rules/delivery.ts and rules/destinations.ts: verdicts mutation testing found undecided (issue 21)", function () {
    this.timeout(60000);

    it("the clean consumer draws no mandatory violation", async () => {
        assert.deepStrictEqual(await mandatory(consumer().all), []);
    });

    describe("destination-types", () => {
        const P = "destination-types";
        const PROV = { provisionedPollerConfig: { minimumPollers: 1, maximumPollers: 3 } };
        const toKafka = (props: Record<string, unknown>) =>
            consumer({ mapping: { destinationConfig: { onFailure: { destinationArn: "kafka://orders-dlt" } }, ...props } }).m;
        it("kafka:// with provisionedPollerConfig null (on demand): destination-types on the mapping", async () => {
            const m = toKafka({ provisionedPollerConfig: null });
            assert.deepStrictEqual(await named(m, P), [m.urn]);
        });
        for (const [what, props] of [
            ["provisionedPollerConfig", { provisionedPollerConfig: UNKNOWN }],
            ["topics", { ...PROV, topics: UNKNOWN }],
        ] as const) {
            it(`kafka:// with ${what} not known yet (first preview): a preview note, no violation`, async () => {
                const d = of(await check(toKafka(props)), P);
                assert.deepStrictEqual(
                    d.map((x) => x.enforcementLevel),
                    ["advisory"],
                );
            });
        }
        it("a Kinesis mapping's on-failure destination is not judged (an EventBridge bus passes); the same bus on a Kafka mapping is refused", async () => {
            const bus = `arn:aws:events:us-east-1:${ACCOUNT}:event-bus/failures`;
            const kinesis = res(ESM, "kinesis", {
                eventSourceArn: `arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/in`,
                functionName: "f",
                startingPosition: "LATEST",
                destinationConfig: { onFailure: { destinationArn: bus } },
            });
            assert.deepStrictEqual(await named(kinesis, P), []);
            const kafka = consumer({ mapping: { destinationConfig: { onFailure: { destinationArn: bus } } } }).m;
            assert.deepStrictEqual(await named(kafka, P), [kafka.urn]);
        });
        it("an ARN of a service that is no destination (DynamoDB): destination-types on the mapping", async () => {
            const m = consumer({ mapping: { destinationConfig: { onFailure: { destinationArn: `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/failures` } } } }).m;
            assert.deepStrictEqual(await named(m, P), [m.urn]);
        });
    });

    describe("destination-key-policy", () => {
        const P = "destination-key-policy";
        const ADMIN_ONLY = doc([{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/admin` }, Action: "kms:*", Resource: "*" }]);
        const keyPolicy = (keyId: unknown, deps: Res[] = []) =>
            res("aws:kms/keyPolicy:KeyPolicy", "key-policy", { keyId, policy: ADMIN_ONLY }, deps.length ? { keyId: deps } : {});
        // The key's own policy is absent (AWS's default: delegates to IAM): only a KeyPolicy resource found for it refuses.
        // (The queue names a key without an ARN by its id.)
        const byId: [string, Record<string, unknown>, string][] = [
            ["its keyId (the key has arn, keyId and id)", {}, KEY_ID],
            ["its keyId alone", { arn: undefined, id: undefined }, KEY_ID],
            ["its ARN alone", { keyId: undefined, id: undefined }, KEY_ARN],
            ["its id alone", { arn: undefined, keyId: undefined }, KEY_ID],
        ];
        for (const [what, key, id] of byId) {
            it(`a KeyPolicy resource naming the key by ${what}, allowing only an admin role: ${P} on the key`, async () => {
                const c = consumer({ key, queue: "arn" in key ? { kmsMasterKeyId: KEY_ID } : {} });
                assert.deepStrictEqual(await named([...c.all, keyPolicy(id)], P), [c.key.urn]);
            });
        }
        it(`a KeyPolicy resource whose keyId is not known yet but depends on the key, allowing only an admin role: ${P} on the key`, async () => {
            const c = consumer();
            assert.deepStrictEqual(await named([...c.all, keyPolicy(UNKNOWN, [c.key])], P), [c.key.urn]);
        });
        const passing: [string, Record<string, unknown>][] = [
            ['Principal "*"', { policy: doc([{ Effect: "Allow", Principal: "*", Action: "kms:*", Resource: "*" }]) }],
            ['Principal { AWS: "*" }', { policy: doc([{ Effect: "Allow", Principal: { AWS: "*" }, Action: "kms:*", Resource: "*" }]) }],
            ['policy "" (AWS\'s default)', { policy: "" }],
            ["policy null (AWS's default)", { policy: null }],
        ];
        for (const [what, key] of passing) {
            it(`a key policy with ${what}: passes`, async () => {
                assert.deepStrictEqual(await named(consumer({ key }).all, P), []);
            });
        }
        it(`a dead-letter queue of a function, whose key policy allows only an admin role: ${P} on the key`, async () => {
            const c = consumer({ key: { policy: ADMIN_ONLY } });
            const fn = res("aws:lambda/function:Function", "fn", { ...c.fn.props, deadLetterConfig: { targetArn: QUEUE_ARN } }, { role: [c.role] });
            const stack = [c.role, c.policy, fn, c.key, c.queue];
            assert.deepStrictEqual(await named(stack, P), [c.key.urn]);
        });
        it(`an async destination not known yet among a function and the queue (the function first): ${P} on the queue's key`, async () => {
            const c = consumer({ key: { policy: ADMIN_ONLY } });
            const next = res("aws:lambda/function:Function", "next", { name: "next", arn: UNKNOWN, role: ROLE_ARN }, { role: [c.role] });
            const async = res(
                "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig",
                "async",
                { functionName: FN_ARN, destinationConfig: { onFailure: { destination: UNKNOWN } } },
                { functionName: [c.fn], destinationConfig: [next, c.queue] },
            );
            assert.deepStrictEqual(await named([c.role, c.policy, c.fn, next, c.key, c.queue, async], P), [c.key.urn]);
        });
        it(`a key of another account with no policy in the stack (AWS's default trusts only its own account): ${P} on the key; the same key in the role's account passes`, async () => {
            const foreign = consumer({ key: { arn: FOREIGN_KEY_ARN, keyId: undefined, id: undefined }, queue: { kmsMasterKeyId: FOREIGN_KEY_ARN } });
            assert.deepStrictEqual(await named(foreign.all, P), [foreign.key.urn]);
            assert.deepStrictEqual(await named(consumer({ key: { keyId: undefined, id: undefined } }).all, P), []);
        });
        it("a role with no ARN, and a key policy delegating to IAM in the key's account: passes (the role is taken to be in the key's account)", async () => {
            const root = doc([{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "kms:*", Resource: "*" }]);
            assert.deepStrictEqual(await named(consumer({ key: { policy: root }, role: { arn: undefined } }).all, P), []);
        });
        it("a key with no ARN (its account not known) whose policy allows the role exactly Decrypt and GenerateDataKey: passes (no cross-account actions asked)", async () => {
            const exact = doc([{ Effect: "Allow", Principal: { AWS: ROLE_ARN }, Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: "*" }]);
            const c = consumer({ key: { arn: undefined, policy: exact }, queue: { kmsMasterKeyId: KEY_ID } });
            assert.deepStrictEqual(await named(c.all, P), []);
        });
        for (const partition of ["aws-us-gov", "aws-cn"]) {
            it(`in the ${partition} partition, a key policy delegating to the account's root: passes`, async () => {
                const keyArn = `arn:${partition}:kms:us-east-1:${ACCOUNT}:key/${KEY_ID}`;
                const root = doc([{ Effect: "Allow", Principal: { AWS: `arn:${partition}:iam::${ACCOUNT}:root` }, Action: "kms:*", Resource: "*" }]);
                const c = consumer({
                    role: { arn: `arn:${partition}:iam::${ACCOUNT}:role/consumer-role` },
                    key: { arn: keyArn, policy: root },
                    queue: { kmsMasterKeyId: keyArn },
                    statements: [SEND, { ...USE_KEY, Resource: keyArn }],
                });
                assert.deepStrictEqual(await named(c.all, P), []);
            });
        }
        it("a role whose ARN is not known yet, with a key policy allowing only an admin role: a preview note, no violation", async () => {
            const c = consumer({ key: { policy: ADMIN_ONLY }, role: { arn: UNKNOWN } });
            const d = of(await check(c.all), P);
            assert.deepStrictEqual(
                d.map((x) => x.enforcementLevel),
                ["advisory"],
            );
        });
    });

    describe("destination-encryption (rules/destinations.ts)", () => {
        const P = "destination-encryption";
        const BUCKET_ARN = "arn:aws:s3:::failures-bucket";
        const key = () => res("aws:kms/key:Key", "key", { arn: KEY_ARN, keyId: KEY_ID, id: KEY_ID, enableKeyRotation: true });
        const toArn = (destinationArn: unknown, deps: Res[] = []) =>
            res(
                ESM,
                "m",
                { eventSourceArn: CLUSTER_ARN, topics: ["orders"], functionName: "f", destinationConfig: { onFailure: { destinationArn } } },
                deps.length ? { destinationConfig: deps } : {},
            );
        const invoke = (onFailure: unknown, deps: Res[] = []) =>
            res(
                "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig",
                "async",
                { functionName: "f", destinationConfig: { onFailure: { destination: onFailure } } },
                deps.length ? { destinationConfig: deps } : {},
            );
        const queue = (kmsMasterKeyId: unknown, deps: Res[] = []) =>
            res("aws:sqs/queue:Queue", "failures", { name: "failures", arn: QUEUE_ARN, kmsMasterKeyId }, deps.length ? { kmsMasterKeyId: deps } : {});
        const bucket = (type: string, props: Record<string, unknown> = {}) => res(type, "bucket", { bucket: "failures-bucket", arn: BUCKET_ARN, ...props });
        const sse = (type: string, b: Res, sseAlgorithm: unknown, kmsMasterKeyId: unknown, deps: Res[] = []) =>
            res(
                type,
                "sse",
                { bucket: "failures-bucket", rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm, kmsMasterKeyId } }] },
                { bucket: [b], ...(deps.length ? { rules: deps } : {}) },
            );
        // [what, the destination's resources (the first is the one named), the owner's destination value, refused]
        type Case = [string, () => { target: Res; rest: Res[]; owner: (t: Res) => Res }, boolean];
        const viaMapping = (arn: string) => (t: Res) => toArn(arn, [t]);
        const cases: Case[] = [
            [
                "an SNS topic with a customer-managed key",
                () => ({
                    target: res("aws:sns/topic:Topic", "topic", {
                        name: "failures",
                        arn: `arn:aws:sns:us-east-1:${ACCOUNT}:failures`,
                        kmsMasterKeyId: KEY_ARN,
                    }),
                    rest: [key()],
                    owner: viaMapping(`arn:aws:sns:us-east-1:${ACCOUNT}:failures`),
                }),
                false,
            ],
            [
                "an EventBridge bus with a customer-managed key (async on-failure)",
                () => ({
                    target: res("aws:cloudwatch/eventBus:EventBus", "bus", {
                        name: "failures",
                        arn: `arn:aws:events:us-east-1:${ACCOUNT}:event-bus/failures`,
                        kmsKeyIdentifier: KEY_ARN,
                    }),
                    rest: [key()],
                    owner: (t) => invoke(`arn:aws:events:us-east-1:${ACCOUNT}:event-bus/failures`, [t]),
                }),
                false,
            ],
            [
                "a Lambda function of the stack (async on-failure): no key to judge",
                () => ({
                    target: res("aws:lambda/function:Function", "next", {
                        name: "next",
                        arn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:next`,
                        role: ROLE_ARN,
                    }),
                    rest: [],
                    owner: (t) => invoke(`arn:aws:lambda:us-east-1:${ACCOUNT}:function:next`, [t]),
                }),
                false,
            ],
            ...(["aws:kms", "aws:kms:dsse"] as const).map((alg): Case => [
                `a BucketV2 with an ${alg} BucketServerSideEncryptionConfigurationV2`,
                () => {
                    const b = bucket("aws:s3/bucketV2:BucketV2");
                    return {
                        target: b,
                        rest: [key(), sse("aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2", b, alg, KEY_ARN)],
                        owner: viaMapping(BUCKET_ARN),
                    };
                },
                false,
            ]),
            ...(["aws:kms", "aws:kms:dsse"] as const).map((alg): Case => [
                `a Bucket with ${alg} in its own serverSideEncryptionConfiguration`,
                () => ({
                    target: bucket("aws:s3/bucket:Bucket", {
                        serverSideEncryptionConfiguration: { rule: { applyServerSideEncryptionByDefault: { sseAlgorithm: alg, kmsMasterKeyId: KEY_ARN } } },
                    }),
                    rest: [key()],
                    owner: viaMapping(BUCKET_ARN),
                }),
                false,
            ]),
            [
                "a Bucket whose SSE resource's algorithm is AES256",
                () => {
                    const b = bucket("aws:s3/bucket:Bucket");
                    return {
                        target: b,
                        rest: [sse("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", b, "AES256", undefined)],
                        owner: viaMapping(BUCKET_ARN),
                    };
                },
                true,
            ],
            ...[`arn:aws:kms:us-east-1:${ACCOUNT}:alias/aws/sqs`, "alias/aws/sqs", "", null].map((value): Case => [
                `a queue whose key is ${JSON.stringify(value)} (AWS-managed or none)`,
                () => ({ target: queue(value), rest: [], owner: viaMapping(QUEUE_ARN) }),
                true,
            ]),
            [
                "a queue whose key is not known yet but depends on a key of the stack",
                () => {
                    const k = key();
                    return { target: queue(UNKNOWN, [k]), rest: [k], owner: viaMapping(QUEUE_ARN) };
                },
                false,
            ],
        ];
        for (const [what, make, refused] of cases) {
            it(`${what}: ${refused ? `${P} on it` : "passes"}`, async () => {
                const { target, rest, owner } = make();
                const d = of(await check([target, ...rest, owner(target)]), P);
                // A pass is no diagnostic at all (not even a preview note).
                assert.deepStrictEqual(
                    d.map((x) => `${x.enforcementLevel} ${x.urn}`),
                    refused ? [`mandatory ${target.urn}`] : [],
                );
            });
        }
        const notes: [string, () => Res[]][] = [
            ["a destination ARN not known yet, with no dependency", () => [toArn(UNKNOWN)]],
            ["a queue whose key is not known yet, with no dependency", () => [queue(UNKNOWN), toArn(QUEUE_ARN)]],
            [
                "a bucket whose own SSE algorithm and key are not known yet",
                () => {
                    const b = bucket("aws:s3/bucket:Bucket", {
                        serverSideEncryptionConfiguration: { rule: { applyServerSideEncryptionByDefault: { sseAlgorithm: UNKNOWN, kmsMasterKeyId: UNKNOWN } } },
                    });
                    return [b, toArn(BUCKET_ARN)];
                },
            ],
            [
                "a bucket whose SSE algorithm and key are not known yet",
                () => {
                    const b = bucket("aws:s3/bucket:Bucket");
                    return [
                        b,
                        sse("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", b, UNKNOWN, UNKNOWN),
                        toArn(BUCKET_ARN),
                    ];
                },
            ],
        ];
        // A key not known yet but taken from a KMS key of the stack (the property's dependency) is a customer-managed
        // key: nothing to say, not even a note. The dependency is looked up under the property each kind keeps its key in.
        const fromStackKey: [string, () => Res[]][] = [
            [
                "an EventBridge bus (kmsKeyIdentifier)",
                () => {
                    const k = key();
                    const arn = `arn:aws:events:us-east-1:${ACCOUNT}:event-bus/failures`;
                    const bus = res("aws:cloudwatch/eventBus:EventBus", "bus", { name: "failures", arn, kmsKeyIdentifier: UNKNOWN }, { kmsKeyIdentifier: [k] });
                    return [k, bus, invoke(arn, [bus])];
                },
            ],
            [
                "a bucket's SSE configuration (rules)",
                () => {
                    const k = key();
                    const b = bucket("aws:s3/bucket:Bucket");
                    const conf = sse("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", b, "aws:kms", UNKNOWN, [k]);
                    return [k, b, conf, toArn(BUCKET_ARN, [b])];
                },
            ],
            [
                "a bucket's inline SSE (serverSideEncryptionConfiguration)",
                () => {
                    const k = key();
                    const b = res(
                        "aws:s3/bucket:Bucket",
                        "bucket",
                        {
                            bucket: "failures-bucket",
                            arn: BUCKET_ARN,
                            serverSideEncryptionConfiguration: {
                                rule: { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: UNKNOWN } },
                            },
                        },
                        { serverSideEncryptionConfiguration: [k] },
                    );
                    return [k, b, toArn(BUCKET_ARN, [b])];
                },
            ],
        ];
        for (const [what, stack] of fromStackKey) {
            it(`${what} whose key is not known yet but comes from a KMS key of the stack: nothing, not even a note`, async () => {
                assert.deepStrictEqual(of(await check(stack()), P), []);
            });
        }
        for (const [what, stack] of notes) {
            it(`${what}: a preview note, no violation`, async () => {
                assert.deepStrictEqual(
                    of(await check(stack()), P).map((x) => x.enforcementLevel),
                    ["advisory"],
                );
            });
        }
    });

    describe("s3-destination-protection (rules/destinations.ts)", () => {
        const P = "s3-destination-protection";
        const BUCKET_ARN = "arn:aws:s3:::failures-bucket";
        const ALL = { blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true };
        /** A bucket destination, versioned by a BucketVersioning resource (or as `versioning` says) and blocking public access (or as `pab` says). */
        function stack(opts: {
            type?: string;
            bucket?: Record<string, unknown>;
            versioning?: Res["type"] | null;
            status?: unknown;
            pab?: Record<string, unknown>;
        }) {
            const b = res(opts.type ?? "aws:s3/bucket:Bucket", "bucket", { bucket: "failures-bucket", arn: BUCKET_ARN, ...(opts.bucket ?? {}) });
            const out: Res[] = [b];
            if (opts.versioning !== null)
                out.push(
                    res(
                        opts.versioning ?? "aws:s3/bucketVersioning:BucketVersioning",
                        "v",
                        { bucket: "failures-bucket", versioningConfiguration: { status: opts.status ?? "Enabled" } },
                        { bucket: [b] },
                    ),
                );
            out.push(
                res(
                    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
                    "pab",
                    { bucket: "failures-bucket", ...ALL, ...(opts.pab ?? {}) },
                    { bucket: [b] },
                ),
            );
            out.push(
                res(ESM, "m", {
                    eventSourceArn: CLUSTER_ARN,
                    topics: ["orders"],
                    functionName: "f",
                    destinationConfig: { onFailure: { destinationArn: BUCKET_ARN } },
                }),
            );
            return { b, all: out };
        }
        const cases: [string, Parameters<typeof stack>[0], "passes" | "refused" | "note"][] = [
            ["a BucketV2 with no versioning", { type: "aws:s3/bucketV2:BucketV2", versioning: null }, "refused"],
            ["versioned by a BucketVersioningV2", { versioning: "aws:s3/bucketVersioningV2:BucketVersioningV2" }, "passes"],
            ["versioned by its own versioning.enabled", { versioning: null, bucket: { versioning: { enabled: true } } }, "passes"],
            ["a versioning status not known yet", { status: UNKNOWN }, "note"],
            ["a versioning status Suspended", { status: "Suspended" }, "refused"],
            ["restrictPublicBuckets false", { pab: { restrictPublicBuckets: false } }, "refused"],
            ["restrictPublicBuckets not known yet", { pab: { restrictPublicBuckets: UNKNOWN } }, "note"],
        ];
        for (const [what, opts, verdict] of cases) {
            it(`${what}: ${verdict === "refused" ? `${P} on the bucket` : verdict === "note" ? "a preview note, no violation" : "passes"}`, async () => {
                const s = stack(opts);
                assert.deepStrictEqual(
                    of(await check(s.all), P).map((x) => `${x.enforcementLevel} ${x.enforcementLevel === "mandatory" ? x.urn : ""}`),
                    verdict === "passes" ? [] : verdict === "refused" ? [`mandatory ${s.b.urn}`] : ["advisory "],
                );
            });
        }
    });
});
