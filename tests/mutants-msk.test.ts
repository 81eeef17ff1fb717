/**
 * Verdicts of policies/rules/msk.ts that `npm run mutate:pack -- --mutate policies/rules/msk.ts` found no test deciding
 * (issue 21; bench/mutation/rules-msk.md lists each survivor and why the others are equivalent). Each stack differs
 * from its twin in one value; the assertion is the policy, its level and the resource it names, or a preview note.
 */
import * as assert from "assert";
import type { PolicyConfigFile } from "../plan/analyzer";
import { ACCOUNT, check, CLUSTER_ARN, res, UNKNOWN, type Res } from "./helpers/pack";

const CLUSTER = "aws:msk/cluster:Cluster";
const CONFIG = "aws:msk/configuration:Configuration";
const CONFIG_ARN = `arn:aws:kafka:us-east-1:${ACCOUNT}:configuration/c/11111111-2222-3333-4444-555555555555-1`;
const CA = `arn:aws:acm-pca:us-east-1:${ACCOUNT}:certificate-authority/x`;

const cluster = (props: Record<string, unknown>, deps: Record<string, Res[]> = {}) =>
    res(CLUSTER, "cluster", { clusterName: "c", arn: CLUSTER_ARN, kafkaVersion: "3.6.0", ...props }, deps);
const configuration = (props: Record<string, unknown>) => res(CONFIG, "config", { name: "config", arn: CONFIG_ARN, ...props });

const SCRAM = { sasl: { scram: true } };
const MTLS = { tls: { certificateAuthorityArns: [CA] } };
const IAM = { sasl: { iam: true } };
const WITH_CONFIG = { configurationInfo: { arn: CONFIG_ARN, revision: 1 } };

/**
 * What one policy says about a stack: "mandatory <name>" / "advisory <name>" per resource it names, "note" for a
 * preview note (the SDK's "can't run policy ... during preview"), sorted.
 */
async function verdict(stack: Res | Res[], policy: string, config: PolicyConfigFile = {}): Promise<string[]> {
    const list = Array.isArray(stack) ? stack : [stack];
    const names = new Map(list.map((r) => [r.urn, r.name]));
    const out = (await check(list, config))
        .filter((d) => d.policy === policy)
        .map((d) => (/can't run policy .* during preview/.test(d.message) ? "note" : `${d.enforcementLevel} ${names.get(d.urn) ?? d.urn}`));
    return [...new Set(out)].sort();
}

describe("rules/msk.ts: verdicts mutation testing found undecided (issue 21)", function () {
    this.timeout(60000);

    describe("msk-encryption-in-transit", () => {
        const P = "msk-encryption-in-transit";
        const transit = (encryptionInTransit: Record<string, unknown>, auth: object = IAM) =>
            cluster({ clientAuthentication: auth, encryptionInfo: { encryptionInTransit } });
        it("inCluster false is refused; inCluster true, or absent, passes", async () => {
            assert.deepStrictEqual(await verdict(transit({ clientBroker: "TLS", inCluster: false }), P), ["mandatory cluster"]);
            assert.deepStrictEqual(await verdict(transit({ clientBroker: "TLS", inCluster: true }), P), []);
            assert.deepStrictEqual(await verdict(transit({ clientBroker: "TLS" }), P), []);
        });
        it("clientBroker absent is TLS (MSK's default): passes; TLS_PLAINTEXT is refused without allowPlaintext", async () => {
            assert.deepStrictEqual(await verdict(transit({}), P), []);
            assert.deepStrictEqual(await verdict(transit({ clientBroker: "TLS_PLAINTEXT" }), P), ["mandatory cluster"]);
            assert.deepStrictEqual(await verdict(transit({ clientBroker: "TLS_PLAINTEXT" }), P, { [P]: { allowPlaintext: true } }), []);
        });
        it("PLAINTEXT on a cluster without authentication is refused without allowPlaintext", async () => {
            assert.deepStrictEqual(await verdict(transit({ clientBroker: "PLAINTEXT" }, { unauthenticated: true }), P), ["mandatory cluster"]);
        });
    });

    describe("msk-no-unauthenticated-access (and clusterAuth)", () => {
        const P = "msk-no-unauthenticated-access";
        const cases: [string, Record<string, unknown>, string[]][] = [
            ['sasl.iam "true" (a string, as some engines send it)', { sasl: { iam: "true" } }, []],
            ['sasl.scram "true"', { sasl: { scram: "true" } }, []],
            ["sasl.iam false, nothing else", { sasl: { iam: false } }, ["mandatory cluster"]],
            ["an empty certificateAuthorityArns list", { tls: { certificateAuthorityArns: [] } }, ["mandatory cluster"]],
            ["one certificate authority", MTLS, []],
            ["IAM with unauthenticated true", { ...IAM, unauthenticated: true }, ["mandatory cluster"]],
            ['IAM with unauthenticated "true"', { ...IAM, unauthenticated: "true" }, ["mandatory cluster"]],
            ["IAM with unauthenticated false", { ...IAM, unauthenticated: false }, []],
            ["sasl.iam not known yet", { sasl: { iam: UNKNOWN } }, ["note"]],
            ["sasl.scram not known yet", { sasl: { scram: UNKNOWN } }, ["note"]],
            ["certificateAuthorityArns not known yet", { tls: { certificateAuthorityArns: UNKNOWN } }, ["note"]],
            ["IAM on, sasl.scram not known yet", { sasl: { iam: true, scram: UNKNOWN } }, []],
            ["IAM on, unauthenticated not known yet", { ...IAM, unauthenticated: UNKNOWN }, ["note"]],
        ];
        for (const [what, auth, expected] of cases) {
            it(`${what}: ${expected.join(", ") || "passes"}`, async () => {
                assert.deepStrictEqual(await verdict(cluster({ clientAuthentication: auth }), P), expected);
            });
        }
        it("allowUnauthenticated quiets it", async () => {
            assert.deepStrictEqual(await verdict(cluster({}), P, { [P]: { allowUnauthenticated: true } }), []);
        });
    });

    describe("msk-no-public-access", () => {
        const P = "msk-no-public-access";
        const pub = (type?: string) =>
            cluster({ clientAuthentication: IAM, brokerNodeGroupInfo: { connectivityInfo: { publicAccess: type ? { type } : {} } } });
        it("SERVICE_PROVIDED_EIPS is refused; DISABLED, or no type, passes", async () => {
            assert.deepStrictEqual(await verdict(pub("SERVICE_PROVIDED_EIPS"), P), ["mandatory cluster"]);
            assert.deepStrictEqual(await verdict(pub("DISABLED"), P), []);
            assert.deepStrictEqual(await verdict(pub(), P), []);
        });
    });

    describe("msk-encryption-at-rest-cmk (isAwsManagedKafkaKey)", () => {
        const P = "msk-encryption-at-rest-cmk";
        const cases: [string, unknown, string[]][] = [
            ["no key", undefined, ["advisory cluster"]],
            ['an empty key ("")', "", ["advisory cluster"]],
            ["a null key", null, ["advisory cluster"]],
            ["alias/aws/kafka", "alias/aws/kafka", ["advisory cluster"]],
            ["the alias by ARN", `arn:aws:kms:us-east-1:${ACCOUNT}:alias/aws/kafka`, ["advisory cluster"]],
            ["a customer key ARN", `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`, []],
            ["another alias by ARN", `arn:aws:kms:us-east-1:${ACCOUNT}:alias/aws/kafka-mine`, []],
            ["a name ending like the alias's ARN but no ARN", "mine:alias/aws/kafka", []],
            ["a key not known yet (a key the program creates)", UNKNOWN, []],
        ];
        for (const [what, key, expected] of cases) {
            it(`${what}: ${expected.join(", ") || "passes"}`, async () => {
                const info = key === undefined ? {} : { encryptionAtRestKmsKeyArn: key };
                assert.deepStrictEqual(await verdict(cluster({ clientAuthentication: IAM, encryptionInfo: info }), P), expected);
            });
        }
        it("encryptionInfo not known yet: a note", async () => {
            assert.deepStrictEqual(await verdict(cluster({ clientAuthentication: IAM, encryptionInfo: UNKNOWN }), P), ["note"]);
        });
    });

    describe("msk-broker-logs", () => {
        const P = "msk-broker-logs";
        const logs = (brokerLogs: unknown) => cluster({ clientAuthentication: IAM, loggingInfo: { brokerLogs } });
        const cases: [string, unknown, string[]][] = [
            ["CloudWatch Logs on", { cloudwatchLogs: { enabled: true, logGroup: "g" } }, []],
            ['Firehose on ("true")', { firehose: { enabled: "true", deliveryStream: "s" } }, []],
            ["S3 on", { s3: { enabled: true, bucket: "b" } }, []],
            ["S3 off", { s3: { enabled: false, bucket: "b" } }, ["advisory cluster"]],
            ["S3 not known yet", { s3: { enabled: UNKNOWN, bucket: "b" } }, ["note"]],
            ["brokerLogs not known yet", UNKNOWN, ["note"]],
        ];
        for (const [what, value, expected] of cases) {
            it(`${what}: ${expected.join(", ") || "passes"}`, async () => {
                assert.deepStrictEqual(await verdict(logs(value), P), expected);
            });
        }
    });

    describe("msk-acl-default-deny", () => {
        const P = "msk-acl-default-deny";
        const everyone = (serverProperties: unknown) => configuration({ serverProperties });
        const cases: [string, Record<string, unknown>, unknown, string[]][] = [
            ["SCRAM, true", SCRAM, "allow.everyone.if.no.acl.found=true", ["mandatory cluster"]],
            ["mTLS, true", MTLS, "allow.everyone.if.no.acl.found=true", ["mandatory cluster"]],
            ["IAM only, true (IAM does not use ACLs)", IAM, "allow.everyone.if.no.acl.found=true", []],
            ["SCRAM, false", SCRAM, "allow.everyone.if.no.acl.found=false", []],
            ["SCRAM, unset", SCRAM, "auto.create.topics.enable=false", []],
            ['SCRAM, " TRUE " (Kafka trims and ignores case)', SCRAM, "allow.everyone.if.no.acl.found= TRUE ", ["mandatory cluster"]],
            ["SCRAM, serverProperties not known yet", SCRAM, UNKNOWN, ["note"]],
            ["SCRAM, serverProperties not a string", SCRAM, 42, []],
            ["SCRAM not known yet, true", { sasl: { scram: UNKNOWN } }, "allow.everyone.if.no.acl.found=true", ["note"]],
            ["SCRAM not known yet, false", { sasl: { scram: UNKNOWN } }, "allow.everyone.if.no.acl.found=false", []],
        ];
        for (const [what, auth, text, expected] of cases) {
            it(`${what}: ${expected.join(", ") || "passes"}`, async () => {
                assert.deepStrictEqual(await verdict([cluster({ clientAuthentication: auth, ...WITH_CONFIG }), everyone(text)], P), expected);
            });
        }
        it("a configuration outside the stack: passes (nothing to read)", async () => {
            assert.deepStrictEqual(await verdict(cluster({ clientAuthentication: SCRAM, ...WITH_CONFIG }), P), []);
        });
        it("a configuration ARN not known yet and no dependency: a note; with the configuration as a dependency: judged", async () => {
            const c = everyone("allow.everyone.if.no.acl.found=true");
            assert.deepStrictEqual(await verdict([cluster({ clientAuthentication: SCRAM, configurationInfo: { arn: UNKNOWN, revision: 1 } }), c], P), ["note"]);
            const dep = cluster({ clientAuthentication: SCRAM, configurationInfo: { arn: UNKNOWN, revision: 1 } }, { configurationInfo: [c] });
            assert.deepStrictEqual(await verdict([dep, c], P), ["mandatory cluster"]);
        });
    });

    describe("msk-acl-default-allow", () => {
        const P = "msk-acl-default-allow";
        const cases: [string, Record<string, unknown>, Res[], string[]][] = [
            ["mTLS, no configuration", { clientAuthentication: MTLS }, [], ["advisory cluster"]],
            ["SCRAM, configurationInfo with an empty ARN", { clientAuthentication: SCRAM, configurationInfo: { arn: "" } }, [], ["advisory cluster"]],
            ["SCRAM, a configuration outside the stack", { clientAuthentication: SCRAM, ...WITH_CONFIG }, [], []],
            ["SCRAM, configurationInfo not known yet", { clientAuthentication: SCRAM, configurationInfo: UNKNOWN }, [], []],
            ["SCRAM, a configuration ARN not known yet", { clientAuthentication: SCRAM, configurationInfo: { arn: UNKNOWN } }, [], []],
            [
                "SCRAM, a configuration that does not set it",
                { clientAuthentication: SCRAM, ...WITH_CONFIG },
                [configuration({ serverProperties: "x=1" })],
                ["advisory cluster"],
            ],
            [
                "SCRAM, a configuration whose serverProperties are not known yet",
                { clientAuthentication: SCRAM, ...WITH_CONFIG },
                [configuration({ serverProperties: UNKNOWN })],
                [],
            ],
            [
                "SCRAM, a configuration whose serverProperties are not a string",
                { clientAuthentication: SCRAM, ...WITH_CONFIG },
                [configuration({ serverProperties: 42 })],
                [],
            ],
            ["IAM only, no configuration", { clientAuthentication: IAM }, [], []],
        ];
        for (const [what, props, more, expected] of cases) {
            it(`${what}: ${expected.join(", ") || "passes"}`, async () => {
                assert.deepStrictEqual(await verdict([cluster(props), ...more], P), expected);
            });
        }
        it("SCRAM, a configuration ARN not known yet that comes from a configuration of the stack not setting it: advisory cluster", async () => {
            const c = configuration({ serverProperties: "x=1" });
            const dep = cluster({ clientAuthentication: SCRAM, configurationInfo: { arn: UNKNOWN, revision: 1 } }, { configurationInfo: [c] });
            assert.deepStrictEqual(await verdict([dep, c], P), ["advisory cluster"]);
        });
    });

    describe("msk-configuration-kafka-version", () => {
        const P = "msk-configuration-kafka-version";
        const cases: [string, unknown, unknown, string[]][] = [
            ["kafkaVersions null", "3.6.0", null, []],
            ["kafkaVersions empty", "3.6.0", [], []],
            ["kafkaVersions a string, not a list", "3.6.0", "2.8.1", []],
            ["the cluster's version not a string", 3.6, ["2.8.1"], []],
            ["one of kafkaVersions not known yet", "3.6.0", ["2.8.1", UNKNOWN], ["note"]],
            ["kafkaVersions not known yet", "3.6.0", UNKNOWN, ["note"]],
            ["kafkaVersions without the version", "3.6.0", ["2.8.1", "3.5.1"], ["mandatory cluster"]],
        ];
        for (const [what, version, versions, expected] of cases) {
            it(`${what}: ${expected.join(", ") || "passes"}`, async () => {
                const stack = [
                    cluster({ clientAuthentication: IAM, kafkaVersion: version, ...WITH_CONFIG }),
                    configuration({ serverProperties: "x=1", kafkaVersions: versions }),
                ];
                assert.deepStrictEqual(await verdict(stack, P), expected);
            });
        }
        it("a configuration ARN not known yet that comes from a configuration of the stack without the version: mandatory cluster", async () => {
            const c = configuration({ serverProperties: "x=1", kafkaVersions: ["2.8.1"] });
            const dep = cluster({ clientAuthentication: IAM, configurationInfo: { arn: UNKNOWN, revision: 1 } }, { configurationInfo: [c] });
            assert.deepStrictEqual(await verdict([dep, c], P), ["mandatory cluster"]);
        });
    });
});
