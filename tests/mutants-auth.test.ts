/**
 * Verdicts of policies/rules/auth.ts and policies/rules/function.ts that `npm run mutate:pack` found no test deciding
 * (issue 21; bench/mutation/rules-auth.md and rules-function.md list each survivor and why the others are equivalent).
 * Each stack has one problem (or none, for the valid twin); the assertion is the policy, its level and the resource it
 * names ("note": a preview note, advisory), never the message text.
 */
import * as assert from "assert";
import { check, CLUSTER_ARN, of, res, secret, UNKNOWN, type Res } from "./helpers/pack";
import { mskMapping, sac, secretArn, selfManagedMapping } from "./helpers/mappings";
import { pki } from "./helpers/pki";

const CLUSTER = "aws:msk/cluster:Cluster";
const SECRET = "aws:secretsmanager/secret:Secret";
const VERSION = "aws:secretsmanager/secretVersion:SecretVersion";

function cluster(props: Record<string, unknown>): Res {
    return res(CLUSTER, "cluster", { clusterName: "shared", arn: CLUSTER_ARN, ...props });
}
const mapping = mskMapping;
const selfManaged = selfManagedMapping;
const MTLS = sac("CLIENT_CERTIFICATE_TLS_AUTH", secretArn("orders-mtls"));
const SCRAM = sac("SASL_SCRAM_512_AUTH", secretArn("AmazonMSK_orders"));

/** A Secret and one SecretVersion holding `value` (JSON unless a string; no value when undefined). */
function stored(name: string, value: unknown) {
    const s = res(SECRET, name, { name, arn: secretArn(name) });
    const props: Record<string, unknown> = { secretId: secretArn(name) };
    if (value !== undefined) props.secretString = secret(typeof value === "string" ? value : JSON.stringify(value));
    const v = res(VERSION, `${name}-v`, props, { secretId: [s] });
    return { s, v, arn: secretArn(name) };
}

/**
 * One policy's verdict: "<level> <urn>" per diagnostic, "note" for a preview note; sorted. `once`: duplicates kept, to
 * see a resource named twice; otherwise merged.
 */
async function verdict(stack: Res[], policy: string, once = false): Promise<string[]> {
    const all = of(await check(stack), policy).map((d) => (d.enforcementLevel === "advisory" ? "note" : `${d.enforcementLevel} ${d.urn}`));
    return (once ? all : [...new Set(all)]).sort();
}

describe("rules/auth.ts: verdicts mutation testing found undecided (issue 21)", function () {
    this.timeout(60000);

    describe("kafka-auth-matches-cluster", () => {
        const P = "kafka-auth-matches-cluster";
        it('SASL/SCRAM on the cluster not known yet: a note; given as the string "true": passes', async () => {
            assert.deepStrictEqual(await verdict([cluster({ clientAuthentication: { sasl: { scram: UNKNOWN } } }), mapping("m", SCRAM)], P), ["note"]);
            assert.deepStrictEqual(await verdict([cluster({ clientAuthentication: { sasl: { scram: "true" } } }), mapping("m", SCRAM)], P), []);
        });
        it("an mTLS mapping on MSK Serverless (IAM only): the mapping named", async () => {
            const sl = res("aws:msk/serverlessCluster:ServerlessCluster", "serverless", { clusterName: "sl", arn: UNKNOWN });
            const m = mapping("m", { eventSourceArn: UNKNOWN, ...MTLS }, { eventSourceArn: [sl] });
            assert.deepStrictEqual(await verdict([sl, m], P), [`mandatory ${m.urn}`]);
        });
        for (const clientBroker of ["PLAINTEXT", "TLS_PLAINTEXT"]) {
            it(`a mapping with no secret on a SCRAM-only cluster whose clientBroker is ${clientBroker} (plaintext listener): passes`, async () => {
                const c = cluster({ clientAuthentication: { sasl: { scram: true } }, encryptionInfo: { encryptionInTransit: { clientBroker } } });
                assert.deepStrictEqual(await verdict([c, mapping("m")], P), []);
            });
        }
        it("a mapping with no secret on a SCRAM-only cluster whose clientBroker is not known yet: a note", async () => {
            const c = cluster({ clientAuthentication: { sasl: { scram: true } }, encryptionInfo: { encryptionInTransit: { clientBroker: UNKNOWN } } });
            assert.deepStrictEqual(await verdict([c, mapping("m")], P), ["note"]);
        });
        it("clientAuthentication null is MSK's default (unauthenticated): a mapping with no secret passes", async () => {
            assert.deepStrictEqual(await verdict([cluster({ clientAuthentication: null }), mapping("m")], P), []);
        });
        it("a cluster without clientAuthentication (unauthenticated only): an mTLS or a SCRAM mapping named", async () => {
            for (const auth of [MTLS, SCRAM]) {
                const m = mapping("m", auth);
                assert.deepStrictEqual(await verdict([cluster({}), m], P), [`mandatory ${m.urn}`], String(auth.sourceAccessConfigurations[0].type));
            }
        });
        it("an mTLS mapping on a cluster whose certificate authorities are not known yet: a note; none: the mapping named", async () => {
            const unknown = cluster({ clientAuthentication: { tls: { certificateAuthorityArns: UNKNOWN } } });
            assert.deepStrictEqual(await verdict([unknown, mapping("m", MTLS)], P), ["note"]);
            const m = mapping("m", MTLS);
            assert.deepStrictEqual(await verdict([cluster({ clientAuthentication: { tls: { certificateAuthorityArns: [] } } }), m], P), [`mandatory ${m.urn}`]);
        });
        for (const type of ["BASIC_AUTH", "SASL_SCRAM_256_AUTH"]) {
            it(`a ${type} mapping on a SCRAM-only cluster is not this policy's (msk-mapping-auth-mechanism refuses the type)`, async () => {
                const c = cluster({ clientAuthentication: { sasl: { scram: true } } });
                assert.deepStrictEqual(await verdict([c, mapping("m", sac(type, secretArn("AmazonMSK_orders")))], P), []);
            });
        }
    });

    describe("scram-secret-content", () => {
        const P = "scram-secret-content";
        const bad = { user: "orders", pass: "hunter2-longer-value" };
        it("an mTLS secret is not judged as SASL credentials", async () => {
            const { s, v, arn } = stored("orders-mtls", { certificate: "c", privateKey: "k" });
            assert.deepStrictEqual(await verdict([s, v, mapping("m", sac("CLIENT_CERTIFICATE_TLS_AUTH", arn))], P), []);
        });
        it('an access type named like an object\'s own property ("constructor") is no SASL mechanism', async () => {
            const { s, v, arn } = stored("weird", bad);
            assert.deepStrictEqual(await verdict([s, v, mapping("m", sac("constructor", arn))], P), []);
        });
        it("a SingleScramSecretAssociation's secret, by ARN or by dependency (ARN unknown): the version named", async () => {
            const byArn = stored("AmazonMSK_a", bad);
            const a = res("aws:msk/singleScramSecretAssociation:SingleScramSecretAssociation", "a", { clusterArn: CLUSTER_ARN, secretArn: byArn.arn });
            assert.deepStrictEqual(await verdict([byArn.s, byArn.v, a], P), [`mandatory ${byArn.v.urn}`]);
            const s = res(SECRET, "AmazonMSK_b", { name: "AmazonMSK_b", arn: UNKNOWN });
            const v = res(VERSION, "AmazonMSK_b-v", { secretId: UNKNOWN, secretString: secret(JSON.stringify(bad)) }, { secretId: [s] });
            const b = res(
                "aws:msk/singleScramSecretAssociation:SingleScramSecretAssociation",
                "b",
                { clusterArn: CLUSTER_ARN, secretArn: UNKNOWN },
                { secretArn: [s] },
            );
            assert.deepStrictEqual(await verdict([s, v, b], P), [`mandatory ${v.urn}`]);
        });
        it("a ScramSecretAssociation's secret by ARN only: the version named", async () => {
            const { s, v, arn } = stored("AmazonMSK_a", bad);
            const a = res("aws:msk/scramSecretAssociation:ScramSecretAssociation", "a", { clusterArn: CLUSTER_ARN, secretArnLists: [arn] });
            assert.deepStrictEqual(await verdict([s, v, a], P), [`mandatory ${v.urn}`]);
        });
        it("a secret two mappings use: its version named once", async () => {
            const { s, v, arn } = stored("AmazonMSK_a", bad);
            assert.deepStrictEqual(
                await verdict([s, v, mapping("a", sac("SASL_SCRAM_512_AUTH", arn)), mapping("b", sac("SASL_SCRAM_512_AUTH", arn))], P, true),
                [`mandatory ${v.urn}`],
            );
        });
        it("a version with neither secretString nor secretBinary: nothing to judge", async () => {
            const { s, v, arn } = stored("AmazonMSK_a", undefined);
            assert.deepStrictEqual(await verdict([s, v, mapping("m", sac("SASL_SCRAM_512_AUTH", arn))], P), []);
        });
    });

    describe("kafka-server-root-ca-secret", () => {
        const P = "kafka-server-root-ca-secret";
        const ca = (value: unknown) => {
            const { s, v, arn } = stored("broker-ca", value);
            return { stack: [s, v, selfManaged("sm", sac("SERVER_ROOT_CA_CERTIFICATE", arn))], v };
        };
        const cases: [string, unknown][] = [
            ["a number", 5],
            ["text that is no PEM", "not a certificate"],
            ["the root CA under another PEM label (TRUSTED CERTIFICATE)", ""],
        ];
        for (const [what, certificate] of cases) {
            it(`a certificate field holding ${what}: the version named`, async () => {
                const field = certificate === "" ? pki().root.replace(/-----(BEGIN|END) CERTIFICATE-----/g, "-----$1 TRUSTED CERTIFICATE-----") : certificate;
                const { stack, v } = ca({ certificate: field });
                assert.deepStrictEqual(await verdict(stack, P), [`mandatory ${v.urn}`]);
            });
        }
        it("a certificate field over 65,536 characters of valid root CA certificates: the version named", async () => {
            const { stack, v } = ca({ certificate: pki().root.repeat(Math.ceil(65537 / pki().root.length)) });
            assert.deepStrictEqual(await verdict(stack, P), [`mandatory ${v.urn}`]);
        });
        it("a secret of 65,537 bytes (fewer characters: a two-byte note) with a valid root CA: the version named; 65,536 bytes: none", async () => {
            // Secrets Manager counts the whole SecretString in UTF-8 bytes, not the certificate field's characters.
            const sized = (bytes: number) => {
                const base = Buffer.byteLength(JSON.stringify({ certificate: pki().root, note: "" }), "utf8");
                const left = bytes - base;
                return { certificate: pki().root, note: "\u00e9".repeat(Math.floor(left / 2)) + "x".repeat(left % 2) };
            };
            assert.strictEqual(Buffer.byteLength(JSON.stringify(sized(65537)), "utf8"), 65537);
            const over = ca(sized(65537));
            assert.deepStrictEqual(await verdict(over.stack, P), [`mandatory ${over.v.urn}`]);
            assert.deepStrictEqual(await verdict(ca(sized(65536)).stack, P), []);
        });
        it("the root CA followed by the same certificate under another PEM label: the version named", async () => {
            const relabelled = pki().root.replace(/-----(BEGIN|END) CERTIFICATE-----/g, "-----$1 TRUSTED CERTIFICATE-----");
            const { stack, v } = ca({ certificate: `${pki().root}\n${relabelled}` });
            assert.deepStrictEqual(await verdict(stack, P), [`mandatory ${v.urn}`]);
        });
        it("a CERTIFICATE block that is no X.509 certificate: the version named", async () => {
            const { stack, v } = ca({ certificate: "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n" });
            assert.deepStrictEqual(await verdict(stack, P), [`mandatory ${v.urn}`]);
        });
        it("a secret that is not a JSON object: the version named", async () => {
            const { stack, v } = ca("not json");
            assert.deepStrictEqual(await verdict(stack, P), [`mandatory ${v.urn}`]);
        });
        it("a root CA secret two mappings name: its version named once", async () => {
            const { s, v, arn } = stored("broker-ca", { certificate: pki().client });
            const stack = [s, v, selfManaged("a", sac("SERVER_ROOT_CA_CERTIFICATE", arn)), selfManaged("b", sac("SERVER_ROOT_CA_CERTIFICATE", arn))];
            assert.deepStrictEqual(await verdict(stack, P, true), [`mandatory ${v.urn}`]);
        });
    });

    describe("self-managed-kafka-authentication", () => {
        const P = "self-managed-kafka-authentication";
        it("access configurations not known yet, or an entry's type or uri not known yet: a note only", async () => {
            const variants: Record<string, unknown>[] = [
                { sourceAccessConfigurations: UNKNOWN },
                sac(UNKNOWN, secretArn("AmazonMSK_a")),
                sac("SASL_SCRAM_512_AUTH", UNKNOWN),
            ];
            for (const props of variants) assert.deepStrictEqual(await verdict([selfManaged("sm", props)], P), ["note"], JSON.stringify(props));
        });
        it("a credential entry whose uri is blank: the mapping named", async () => {
            const m = selfManaged("sm", sac("SASL_SCRAM_512_AUTH", "  "));
            assert.deepStrictEqual(await verdict([m], P), [`mandatory ${m.urn}`]);
        });
        it("selfManagedEventSource null is no self-managed source: not judged", async () => {
            assert.deepStrictEqual(await verdict([mapping("m", { selfManagedEventSource: null })], P), []);
        });
    });
});

describe("rules/function.ts: verdicts mutation testing found undecided (issue 21)", function () {
    this.timeout(60000);

    it("a function whose timeout is not known yet does not hide a later 900 s function: that one named, and a note", async () => {
        const fn = (name: string, timeout: unknown) => res("aws:lambda/function:Function", name, { name, timeout });
        const slow = fn("slow", 900);
        const stack = [fn("pending", UNKNOWN), slow, mapping("a", { functionName: "pending" }), mapping("b", { functionName: "slow" })];
        assert.deepStrictEqual(await verdict(stack, "msk-function-timeout"), [`mandatory ${slow.urn}`, "note"]);
    });
});
