/**
 * Verdicts of policies/rules/secrets.ts that `npm run mutate:pack -- --mutate policies/rules/secrets.ts,...` found no
 * test deciding (issue 21; bench/mutation/rules-secrets.md lists each survivor and why the others are equivalent).
 * Each stack has one problem (or none, for the valid twin); the assertion is the policy, its level and the resource it
 * names ("note": a preview note, advisory, naming no resource), never the message text.
 */
import * as assert from "assert";
import { ACCOUNT, check, CLUSTER_ARN, of, res, secret, UNKNOWN, type Res } from "./helpers/pack";
import type { PolicyConfigFile } from "../plan/analyzer";
import { mskMapping, sac, secretArn, selfManagedMapping } from "./helpers/mappings";
import { pki } from "./helpers/pki";

const SECRET = "aws:secretsmanager/secret:Secret";
const VERSION = "aws:secretsmanager/secretVersion:SecretVersion";
const SINGLE = "aws:msk/singleScramSecretAssociation:SingleScramSecretAssociation";
const MULTI = "aws:msk/scramSecretAssociation:ScramSecretAssociation";
const KEY_ARN = `arn:aws:kms:us-east-1:${ACCOUNT}:key/11111111-2222-3333-4444-555555555555`;

const mapping = mskMapping;
const selfManaged = selfManagedMapping;

/** A Secret (by known ARN, customer-managed key unless given) and one SecretVersion holding `value` (JSON unless a string). */
function stored(name: string, value: unknown, props: Record<string, unknown> = {}) {
    const s = res(SECRET, name, { name, arn: secretArn(name), kmsKeyId: KEY_ARN, ...props });
    const v = res(
        VERSION,
        `${name}-v`,
        { secretId: secretArn(name), secretString: secret(typeof value === "string" ? value : JSON.stringify(value)) },
        { secretId: [s] },
    );
    return { s, v, arn: secretArn(name) };
}
/** A Secret and its version as a first preview sends them: ARNs not known yet, related by property dependencies. */
function previewed(name: string, secretString: unknown, props: Record<string, unknown> = {}) {
    const s = res(SECRET, name, { name, arn: UNKNOWN, kmsKeyId: KEY_ARN, ...props });
    const text = secretString === UNKNOWN ? UNKNOWN : secret(typeof secretString === "string" ? secretString : JSON.stringify(secretString));
    const v = res(VERSION, `${name}-v`, { secretId: UNKNOWN, secretString: text }, { secretId: [s] });
    return { s, v };
}

/**
 * One policy's verdict: "<level> <urn>" per diagnostic, "note" for a preview note; sorted. `once`: each resource is
 * named by one diagnostic only (duplicates kept, to see a resource reported twice); otherwise duplicates are merged.
 */
async function verdict(stack: Res[], policy: string, config: PolicyConfigFile = {}, once = false): Promise<string[]> {
    const all = of(await check(stack, config), policy).map((d) => (d.enforcementLevel === "advisory" ? "note" : `${d.enforcementLevel} ${d.urn}`));
    return (once ? all : [...new Set(all)]).sort();
}

describe("rules/secrets.ts: verdicts mutation testing found undecided (issue 21)", function () {
    this.timeout(60000);

    describe("mtls-secret", () => {
        it("an mTLS mapping's secret whose value is not known yet: a preview note (mtls-secret and mtls-secret-for-mapping)", async () => {
            const { s, v } = previewed("mtls", UNKNOWN);
            const m = mapping("m", sac("CLIENT_CERTIFICATE_TLS_AUTH", UNKNOWN), { sourceAccessConfigurations: [s] });
            const d = await check([s, v, m]);
            assert.deepStrictEqual(
                of(d, "mtls-secret").map((x) => x.enforcementLevel),
                ["advisory"],
            );
            assert.deepStrictEqual(
                of(d, "mtls-secret-for-mapping").map((x) => x.enforcementLevel),
                ["advisory"],
            );
        });
        it("a secret whose value is not known yet and that no mapping uses: nothing", async () => {
            const { s, v } = previewed("mtls", UNKNOWN);
            assert.deepStrictEqual(await verdict([s, v], "mtls-secret"), []);
        });
        it("a secret no mapping uses holding only a privateKey is judged as a client secret", async () => {
            const { s, v } = stored("lone-key", { privateKey: pki().clientKey });
            assert.deepStrictEqual(await verdict([s, v], "mtls-secret"), [`mandatory ${v.urn}`]);
        });
        it("an mTLS mapping's secret holding username and password: mtls-secret-for-mapping names it, mtls-secret does not", async () => {
            const { s, v, arn } = stored("creds", { username: "u", password: "p" });
            const stack = [s, v, mapping("m", sac("CLIENT_CERTIFICATE_TLS_AUTH", arn))];
            assert.deepStrictEqual(await verdict(stack, "mtls-secret"), []);
            assert.deepStrictEqual(await verdict(stack, "mtls-secret-for-mapping"), [`mandatory ${v.urn}`]);
        });
        it("a lone certificate an mTLS mapping names through dependencies only (first preview) is a client secret", async () => {
            const { s, v } = previewed("lonely", { certificate: pki().root });
            const m = mapping("m", sac("CLIENT_CERTIFICATE_TLS_AUTH", UNKNOWN), { sourceAccessConfigurations: [s] });
            assert.deepStrictEqual(await verdict([s, v, m], "mtls-secret"), [`mandatory ${v.urn}`]);
        });
        it("a lone root certificate used both as an MSK client secret and a self-managed server root CA is not judged as a client secret", async () => {
            const { s, v, arn } = stored("ca", { certificate: pki().root });
            const stack = [s, v, mapping("m", sac("CLIENT_CERTIFICATE_TLS_AUTH", arn)), selfManaged("sm", sac("SERVER_ROOT_CA_CERTIFICATE", arn))];
            assert.deepStrictEqual(await verdict(stack, "mtls-secret"), []);
        });
        it("a server root CA secret that holds a private key is not judged as a client secret (kafka-server-root-ca-secret judges it)", async () => {
            const { s, v, arn } = stored("ca", { certificate: pki().root, privateKey: pki().clientKey });
            assert.deepStrictEqual(await verdict([s, v, selfManaged("sm", sac("SERVER_ROOT_CA_CERTIFICATE", arn))], "mtls-secret"), []);
        });
    });

    describe("mtls-secret-for-mapping", () => {
        const good = () => stored("mtls", { certificate: "c", privateKey: "k" });
        it("access configurations not known yet: a note", async () => {
            assert.deepStrictEqual(await verdict([mapping("m", { sourceAccessConfigurations: UNKNOWN })], "mtls-secret-for-mapping"), ["note"]);
        });
        it("an access configuration type not known yet: a note", async () => {
            const { s, v, arn } = good();
            assert.deepStrictEqual(await verdict([s, v, mapping("m", sac(UNKNOWN, arn))], "mtls-secret-for-mapping"), ["note"]);
        });
        it("a CLIENT_CERTIFICATE_TLS_AUTH uri not known yet, with no dependency on a secret: a note", async () => {
            assert.deepStrictEqual(await verdict([mapping("m", sac("CLIENT_CERTIFICATE_TLS_AUTH", UNKNOWN))], "mtls-secret-for-mapping"), ["note"]);
        });
        it("a secret two mappings name is judged once", async () => {
            const { s, v, arn } = stored("creds", { username: "u", password: "p" });
            const stack = [s, v, mapping("a", sac("CLIENT_CERTIFICATE_TLS_AUTH", arn)), mapping("b", sac("CLIENT_CERTIFICATE_TLS_AUTH", arn))];
            assert.deepStrictEqual(await verdict(stack, "mtls-secret-for-mapping", {}, true), [`mandatory ${v.urn}`]);
        });
        /** {"certificate": "xx...", "privateKey": "k"} of exactly `bytes` bytes. */
        const sized = (bytes: number) => {
            const frame = JSON.stringify({ certificate: "", privateKey: "k" }).length;
            return stored("big", { certificate: "x".repeat(bytes - frame), privateKey: "k" });
        };
        it("a secret of exactly 65,536 bytes passes; one of 65,537 bytes is named", async () => {
            const ok = sized(65536);
            assert.deepStrictEqual(await verdict([ok.s, ok.v, mapping("m", sac("CLIENT_CERTIFICATE_TLS_AUTH", ok.arn))], "mtls-secret-for-mapping"), []);
            const over = sized(65537);
            assert.deepStrictEqual(await verdict([over.s, over.v, mapping("m", sac("CLIENT_CERTIFICATE_TLS_AUTH", over.arn))], "mtls-secret-for-mapping"), [
                `mandatory ${over.v.urn}`,
            ]);
        });
        it("a secret holding JSON null is named (no certificate or privateKey field)", async () => {
            const { s, v, arn } = stored("nul", "null");
            assert.deepStrictEqual(await verdict([s, v, mapping("m", sac("CLIENT_CERTIFICATE_TLS_AUTH", arn))], "mtls-secret-for-mapping"), [
                `mandatory ${v.urn}`,
            ]);
        });
    });

    describe("msk-scram-secret", () => {
        const single = (name: string, secretArn: unknown, deps: Res[] = []) =>
            res(SINGLE, name, { clusterArn: CLUSTER_ARN, secretArn }, deps.length ? { secretArn: deps } : {});
        const multi = (name: string, secretArnLists: unknown, deps: Res[] = []) =>
            res(MULTI, name, { clusterArn: CLUSTER_ARN, secretArnLists }, deps.length ? { secretArnLists: deps } : {});

        it("two associations, each depending on its own wrongly named secret (ARNs unknown): both secrets named", async () => {
            const a = previewed("creds-a", { username: "u", password: "p" }).s;
            const b = previewed("creds-b", { username: "u", password: "p" }).s;
            assert.deepStrictEqual(
                await verdict([a, b, single("x", UNKNOWN, [a]), single("y", UNKNOWN, [b])], "msk-scram-secret"),
                [`mandatory ${a.urn}`, `mandatory ${b.urn}`].sort(),
            );
        });
        for (const arn of [
            `urn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:kafka-AbCdEf`,
            `arn:aws:ssm:us-east-1:${ACCOUNT}:secret:kafka-AbCdEf`,
            `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:parameter:kafka-AbCdEf`,
        ]) {
            it(`a reference that is no Secrets Manager secret ARN (${arn.split(":").slice(0, 3).join(":")}...${arn.split(":")[5]}) is not judged by name`, async () => {
                assert.deepStrictEqual(await verdict([single("x", arn)], "msk-scram-secret"), []);
            });
        }
        it("an ARN without the random suffix, named AmazonMSK_abcdef, passes (the name is not cut)", async () => {
            const arn = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:AmazonMSK_abcdef`;
            assert.deepStrictEqual(await verdict([single("x", arn)], "msk-scram-secret"), []);
        });
        it("an ARN that is only the random suffix (-AbCdEf) is named", async () => {
            const a = single("x", `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:-AbCdEf`);
            assert.deepStrictEqual(await verdict([a], "msk-scram-secret"), [`mandatory ${a.urn}`]);
        });
        it("a mapping whose cluster ARN is unknown but that depends on the cluster is judged (not taken as over a VPC connection)", async () => {
            const cluster = res("aws:msk/cluster:Cluster", "cluster", { clusterName: "c", arn: UNKNOWN });
            const m = mapping("m", { eventSourceArn: UNKNOWN, ...sac("SASL_SCRAM_512_AUTH", secretArn("kafka-creds")) }, { eventSourceArn: [cluster] });
            assert.deepStrictEqual(await verdict([cluster, m], "msk-scram-secret"), [`mandatory ${m.urn}`]);
        });
        it("a ScramSecretAssociation listing a wrongly named secret outside the stack: the association named", async () => {
            const a = multi("x", [secretArn("kafka-creds")]);
            assert.deepStrictEqual(await verdict([a], "msk-scram-secret"), [`mandatory ${a.urn}`]);
        });
        it("a ScramSecretAssociation whose list is not known yet, depending on a wrongly named secret: the secret named", async () => {
            const s = previewed("kafka-creds", { username: "u", password: "p" }).s;
            assert.deepStrictEqual(await verdict([s, multi("x", UNKNOWN, [s])], "msk-scram-secret"), [`mandatory ${s.urn}`]);
        });
        it("a ScramSecretAssociation listing one unknown ARN, depending on a wrongly named secret: the secret named", async () => {
            const s = previewed("kafka-creds", { username: "u", password: "p" }).s;
            assert.deepStrictEqual(await verdict([s, multi("x", [UNKNOWN], [s])], "msk-scram-secret"), [`mandatory ${s.urn}`]);
        });
        it("an association whose secret ARN is not known yet, with no dependency: a note", async () => {
            assert.deepStrictEqual(await verdict([single("x", UNKNOWN)], "msk-scram-secret"), ["note"]);
        });
        it("two associations naming one wrongly named secret outside the stack: named once", async () => {
            const a = single("a", secretArn("kafka-creds"));
            assert.deepStrictEqual(await verdict([a, single("b", secretArn("kafka-creds"))], "msk-scram-secret", {}, true), [`mandatory ${a.urn}`]);
        });
        it("two associations depending on one wrongly named secret of the stack: named once", async () => {
            const s = previewed("kafka-creds", { username: "u", password: "p" }).s;
            assert.deepStrictEqual(await verdict([s, single("a", UNKNOWN, [s]), single("b", UNKNOWN, [s])], "msk-scram-secret", {}, true), [
                `mandatory ${s.urn}`,
            ]);
        });
        it("a secret whose name is not known yet: a note", async () => {
            const s = previewed("AmazonMSK_x", { username: "u", password: "p" }, { name: UNKNOWN }).s;
            assert.deepStrictEqual(await verdict([s, single("a", UNKNOWN, [s])], "msk-scram-secret"), ["note"]);
        });
        it("a secret whose key is not known yet, with no dependency on a key: a note", async () => {
            const s = previewed("AmazonMSK_x", { username: "u", password: "p" }, { kmsKeyId: UNKNOWN }).s;
            assert.deepStrictEqual(await verdict([s, single("a", UNKNOWN, [s])], "msk-scram-secret"), ["note"]);
        });
    });

    describe("mapping-secret-protection", () => {
        const scram = (arn: unknown) => sac("SASL_SCRAM_512_AUTH", arn);
        for (const [what, kmsKeyId] of [
            ["null", null],
            ['""', ""],
            ["alias/aws/secretsmanager", "alias/aws/secretsmanager"],
            ["the aws/secretsmanager alias ARN", `arn:aws:kms:us-east-1:${ACCOUNT}:alias/aws/secretsmanager`],
        ] as const) {
            it(`a mapping's secret with kmsKeyId ${what} is on the default key: the secret named`, async () => {
                const { s, v, arn } = stored("AmazonMSK_x", { username: "u", password: "p" }, { kmsKeyId });
                assert.deepStrictEqual(await verdict([s, v, mapping("m", scram(arn))], "mapping-secret-protection"), [`mandatory ${s.urn}`]);
            });
        }
        it("a mapping's access configurations, or one's type, not known yet: a note", async () => {
            assert.deepStrictEqual(await verdict([mapping("m", { sourceAccessConfigurations: UNKNOWN })], "mapping-secret-protection"), ["note"]);
            assert.deepStrictEqual(await verdict([mapping("m", sac(UNKNOWN, secretArn("AmazonMSK_x")))], "mapping-secret-protection"), ["note"]);
        });
        it("a default-key secret a mapping names through a dependency only (first preview): the secret named", async () => {
            const s = previewed("AmazonMSK_x", { username: "u", password: "p" }, { kmsKeyId: undefined }).s;
            assert.deepStrictEqual(await verdict([s, mapping("m", scram(UNKNOWN), { sourceAccessConfigurations: [s] })], "mapping-secret-protection"), [
                `mandatory ${s.urn}`,
            ]);
        });
        it("a default-key secret of a SingleScramSecretAssociation, by ARN or by dependency: the secret named", async () => {
            const { s, v, arn } = stored("AmazonMSK_x", { username: "u", password: "p" }, { kmsKeyId: undefined });
            assert.deepStrictEqual(await verdict([s, v, res(SINGLE, "a", { clusterArn: CLUSTER_ARN, secretArn: arn })], "mapping-secret-protection"), [
                `mandatory ${s.urn}`,
            ]);
            const p = previewed("AmazonMSK_y", { username: "u", password: "p" }, { kmsKeyId: undefined }).s;
            const a = res(SINGLE, "a", { clusterArn: CLUSTER_ARN, secretArn: UNKNOWN }, { secretArn: [p] });
            assert.deepStrictEqual(await verdict([p, a], "mapping-secret-protection"), [`mandatory ${p.urn}`]);
        });
        it("a default-key secret of a ScramSecretAssociation, by ARN, by a list not known yet, or by an unknown entry: the secret named", async () => {
            const { s, v, arn } = stored("AmazonMSK_x", { username: "u", password: "p" }, { kmsKeyId: undefined });
            assert.deepStrictEqual(await verdict([s, v, res(MULTI, "a", { clusterArn: CLUSTER_ARN, secretArnLists: [arn] })], "mapping-secret-protection"), [
                `mandatory ${s.urn}`,
            ]);
            for (const secretArnLists of [UNKNOWN, [UNKNOWN]]) {
                const p = previewed("AmazonMSK_y", { username: "u", password: "p" }, { kmsKeyId: undefined }).s;
                const a = res(MULTI, "a", { clusterArn: CLUSTER_ARN, secretArnLists }, { secretArnLists: [p] });
                assert.deepStrictEqual(await verdict([p, a], "mapping-secret-protection"), [`mandatory ${p.urn}`], JSON.stringify(secretArnLists));
            }
        });
        it("an association whose secret ARN is not known yet, with no dependency: a note; one outside the stack: nothing", async () => {
            assert.deepStrictEqual(await verdict([res(SINGLE, "a", { clusterArn: CLUSTER_ARN, secretArn: UNKNOWN })], "mapping-secret-protection"), ["note"]);
            const outside = res(SINGLE, "a", { clusterArn: CLUSTER_ARN, secretArn: secretArn("AmazonMSK_elsewhere") });
            assert.deepStrictEqual(await verdict([outside], "mapping-secret-protection"), []);
        });
        it("a default-key secret two mappings name: named once", async () => {
            const { s, v, arn } = stored("AmazonMSK_x", { username: "u", password: "p" }, { kmsKeyId: undefined });
            assert.deepStrictEqual(await verdict([s, v, mapping("a", scram(arn)), mapping("b", scram(arn))], "mapping-secret-protection", {}, true), [
                `mandatory ${s.urn}`,
            ]);
        });
        const production = { "mapping-secret-protection": { production: true } };
        it('in production, recoveryWindowInDays "0" (a string) is named; not known yet, a note', async () => {
            const zero = stored("AmazonMSK_x", { username: "u", password: "p" }, { recoveryWindowInDays: "0" });
            assert.deepStrictEqual(await verdict([zero.s, zero.v, mapping("m", scram(zero.arn))], "mapping-secret-protection", production), [
                `mandatory ${zero.s.urn}`,
            ]);
            const unknown = stored("AmazonMSK_x", { username: "u", password: "p" }, { recoveryWindowInDays: UNKNOWN });
            assert.deepStrictEqual(await verdict([unknown.s, unknown.v, mapping("m", scram(unknown.arn))], "mapping-secret-protection", production), ["note"]);
        });
    });
});
