/**
 * Issue 17 §4 (network and serverProperties) and issue 25 §2: the union of every group on an interface, the default
 * security group, `serverProperties` read as `java.util.Properties`, TLS for authenticated clusters whatever
 * `allowPlaintext` says, MSK access configuration types from the Lambda API list, a configuration's kafkaVersions,
 * and MSK's default `allow.everyone.if.no.acl.found`. Sent through the protocol to the shared pack process.
 */
import * as assert from "assert";
import { parseProperties } from "../policies/lib/properties";
import { ACCOUNT, check, CLUSTER_ARN, of, res, UNKNOWN } from "./helpers/pack";

const CLUSTER = "aws:msk/cluster:Cluster";
const CONFIG = "aws:msk/configuration:Configuration";
const SG = "aws:ec2/securityGroup:SecurityGroup";
const ESM = "aws:lambda/eventSourceMapping:EventSourceMapping";
const CONFIG_ARN = `arn:aws:kafka:us-east-1:${ACCOUNT}:configuration/c/11111111-2222-3333-4444-555555555555-1`;

const cluster = (props: Record<string, unknown>) => res(CLUSTER, "cluster", { clusterName: "c", arn: CLUSTER_ARN, kafkaVersion: "3.6.0", ...props });
const configuration = (serverProperties: string, extra: Record<string, unknown> = {}) =>
    res(CONFIG, "config", { name: "config", arn: CONFIG_ARN, serverProperties, ...extra });
const SCRAM = { clientAuthentication: { sasl: { scram: true } }, configurationInfo: { arn: CONFIG_ARN, revision: 1 } };

describe("policy pack: network unions and Kafka settings (issue 17 §4, issue 25 §2)", function () {
    this.timeout(60000);

    describe("no-public-kafka-ingress judges the union of every group on the cluster", () => {
        const half = (name: string, id: string, cidr: string) =>
            res(SG, name, { id, vpcId: "vpc-1", ingress: [{ protocol: "tcp", fromPort: 9096, toPort: 9096, cidrBlocks: [cidr] }] });
        it("refuses two groups that each admit half the internet on one cluster, on the cluster", async () => {
            const a = half("a", "sg-a", "0.0.0.0/1");
            const b = half("b", "sg-b", "128.0.0.0/1");
            const c = cluster({ brokerNodeGroupInfo: { clientSubnets: ["subnet-1"], securityGroups: ["sg-a", "sg-b"] } });
            const d = of(await check([a, b, c]), "no-public-kafka-ingress", "mandatory");
            assert.deepStrictEqual(
                d.map((x) => x.urn),
                [c.urn],
            );
            assert.match(
                d[0].message,
                /The security groups of MSK cluster 'cluster' \('a', 'b'\) together admit the whole internet \(0\.0\.0\.0\/1, 128\.0\.0\.0\/1\) on Amazon MSK port\(s\) 9096/,
            );
            // The same groups on different clusters, or on none, are each half: no finding.
            assert.deepStrictEqual(of(await check([a, b]), "no-public-kafka-ingress"), []);
        });
        it("reads every form of the halves: vpc rules, SecurityGroupRule, aws-native, and a serverless cluster's groups", async () => {
            const forms = [
                res("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "r", {
                    securityGroupId: "sg-b",
                    ipProtocol: "tcp",
                    fromPort: 9098,
                    toPort: 9098,
                    cidrIpv4: "128.0.0.0/1",
                }),
                res("aws:ec2/securityGroupRule:SecurityGroupRule", "r", {
                    type: "ingress",
                    securityGroupId: "sg-b",
                    protocol: "tcp",
                    fromPort: 9098,
                    toPort: 9098,
                    cidrBlocks: ["128.0.0.0/1"],
                }),
                res("aws-native:ec2:SecurityGroupIngress", "r", { groupId: "sg-b", ipProtocol: "tcp", fromPort: 9098, toPort: 9098, cidrIp: "128.0.0.0/1" }),
            ];
            const a = res(SG, "a", { id: "sg-a", ingress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/1"] }] });
            const b = res("aws-native:ec2:SecurityGroup", "b", { groupId: "sg-b", groupDescription: "b" });
            const sl = res("aws:msk/serverlessCluster:ServerlessCluster", "sl", {
                clusterName: "sl",
                vpcConfigs: [{ subnetIds: ["subnet-1"], securityGroupIds: ["sg-a", "sg-b"] }],
            });
            for (const f of forms) {
                const d = of(await check([a, b, f, sl]), "no-public-kafka-ingress", "mandatory");
                assert.deepStrictEqual(
                    d.map((x) => x.urn),
                    [sl.urn],
                    f.type,
                );
            }
        });
        it("reads aws.ec2.DefaultSecurityGroup", async () => {
            const dflt = res("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", "default", {
                vpcId: "vpc-1",
                ingress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }],
            });
            const d = of(await check(dflt), "no-public-kafka-ingress", "mandatory");
            assert.deepStrictEqual(
                d.map((x) => x.urn),
                [dflt.urn],
            );
            const closed = res("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", "default", {
                vpcId: "vpc-1",
                ingress: [{ protocol: "-1", fromPort: 0, toPort: 0, self: true }],
            });
            assert.deepStrictEqual(of(await check(closed), "no-public-kafka-ingress"), []);
        });
    });

    describe("serverProperties read as java.util.Properties (issue 17 §4)", () => {
        /** Every spelling of `allow.everyone.if.no.acl.found=true` that Java's Properties.load reads as that key and value. */
        function spellings(): string[] {
            const out: string[] = [];
            const seps = ["=", ":", " ", "\t", " = ", "\t:\t", "\f"];
            const ends = ["\n", "\r", "\r\n"];
            const values = ["true", "TRUE", "True", " true", "tr\\\n    ue", "\\u0074rue"];
            const keys = ["allow.everyone.if.no.acl.found", "allow.everyone.if.no\\\n  .acl.found", "allow.everyone.if.no.acl.\\u0066ound"];
            for (const end of ends)
                for (const sep of seps)
                    for (const value of values)
                        for (const key of keys) {
                            const v = value.split("\n").join(end);
                            const k = key.split("\n").join(end);
                            out.push(`# MSK configuration${end}auto.create.topics.enable=false${end}${k}${sep}${v}${end}log.retention.hours=168`);
                        }
            return out;
        }
        it("parses every spelling (line ends, separators, continuations, escapes) to the same key and value", () => {
            const all = spellings();
            assert.strictEqual(all.length, 378);
            for (const text of all) {
                const p = parseProperties(text);
                assert.strictEqual(p.values.get("allow.everyone.if.no.acl.found")?.trim().toLowerCase(), "true", JSON.stringify(text));
                assert.strictEqual(p.values.get("log.retention.hours"), "168", JSON.stringify(text));
            }
            // Comments, a commented-out key, an escaped separator in the key, and the last value winning.
            const p = parseProperties("! allow.everyone.if.no.acl.found=true\r  # allow.everyone.if.no.acl.found=true\ra\\=b=c\rk=1\rk=2\\\r");
            assert.deepStrictEqual(
                [...p.values],
                [
                    ["a=b", "c"],
                    ["k", "2"],
                ],
            );
            // A comment does not continue; a continued line starting with # is not a comment.
            assert.deepStrictEqual(
                [...parseProperties("# x \\\nk=v\nm=a\\\n#b").values],
                [
                    ["k", "v"],
                    ["m", "a#b"],
                ],
            );
            assert.strictEqual(parseProperties("k=\\u00zz").malformed, true);
        });
        it("refuses allow.everyone.if.no.acl.found=true written with \\r or \\r\\n line ends on a SCRAM cluster", async () => {
            for (const end of ["\r", "\r\n", "\n"]) {
                const d = of(
                    await check([cluster(SCRAM), configuration(`auto.create.topics.enable=false${end}allow.everyone.if.no.acl.found = true${end}`)]),
                    "msk-acl-default-deny",
                    "mandatory",
                );
                assert.strictEqual(d.length, 1, JSON.stringify(end));
            }
            // Java ends a continued line at an empty next line: "true\\" + "\n" + "\r" + "false" is true, then a key "false".
            const ended = await check([cluster(SCRAM), configuration("allow.everyone.if.no.acl.found=true\\\n\rfalse")]);
            assert.strictEqual(of(ended, "msk-acl-default-deny", "mandatory").length, 1);
            // A continuation that makes the value false, and a commented-out true, pass.
            for (const text of ["allow.everyone.if.no.acl.found=\\\r\n   false", "#allow.everyone.if.no.acl.found=true\rallow.everyone.if.no.acl.found=false"])
                assert.deepStrictEqual(of(await check([cluster(SCRAM), configuration(text)]), "msk-acl-default-deny"), [], JSON.stringify(text));
        });
        it("advises (not refuses) MSK's default true when a SCRAM or mTLS cluster does not set it", async () => {
            const unset = await check([cluster(SCRAM), configuration("auto.create.topics.enable=false")]);
            const d = of(unset, "msk-acl-default-allow");
            assert.deepStrictEqual(
                d.map((x) => x.enforcementLevel),
                ["advisory"],
            );
            assert.match(d[0].message, /does not set allow.everyone.if.no.acl.found, so MSK's default \(true\) applies/);
            const none = of(await check(cluster({ clientAuthentication: { sasl: { scram: true } } })), "msk-acl-default-allow");
            assert.match(none[0].message, /uses no MSK configuration/);
            assert.deepStrictEqual(of(await check([cluster(SCRAM), configuration("allow.everyone.if.no.acl.found=false")]), "msk-acl-default-allow"), []);
            assert.deepStrictEqual(of(await check(cluster({ clientAuthentication: { sasl: { iam: true } } })), "msk-acl-default-allow"), []);
        });
    });

    describe("msk-encryption-in-transit: SASL and mTLS need TLS whatever allowPlaintext says (issue 25 §2)", () => {
        const dev = { "msk-encryption-in-transit": { allowPlaintext: true } };
        const cases: [string, Record<string, unknown>][] = [
            ["SASL/SCRAM", { sasl: { scram: true } }],
            ["IAM", { sasl: { iam: true } }],
            ["mTLS", { tls: { certificateAuthorityArns: [`arn:aws:acm-pca:us-east-1:${ACCOUNT}:certificate-authority/x`] } }],
        ];
        it("refuses PLAINTEXT with each authentication, even with allowPlaintext", async () => {
            for (const [name, auth] of cases) {
                const c = cluster({ clientAuthentication: auth, encryptionInfo: { encryptionInTransit: { clientBroker: "PLAINTEXT" } } });
                const d = of(await check(c, dev), "msk-encryption-in-transit", "mandatory");
                assert.strictEqual(d.length, 1, name);
                assert.match(d[0].message, new RegExp(`authenticates clients with ${name.replace("/", "\\/")} but sets client-broker traffic to PLAINTEXT`));
            }
        });
        it("accepts TLS_PLAINTEXT with authentication under allowPlaintext, and PLAINTEXT without authentication under it", async () => {
            for (const [name, auth] of cases) {
                const c = cluster({ clientAuthentication: auth, encryptionInfo: { encryptionInTransit: { clientBroker: "TLS_PLAINTEXT" } } });
                assert.deepStrictEqual(of(await check(c, dev), "msk-encryption-in-transit"), [], name);
            }
            const open = cluster({ clientAuthentication: { unauthenticated: true }, encryptionInfo: { encryptionInTransit: { clientBroker: "PLAINTEXT" } } });
            assert.deepStrictEqual(of(await check(open, dev), "msk-encryption-in-transit"), []);
        });
    });

    describe("msk-mapping-auth-mechanism: every SourceAccessConfiguration type of the Lambda API", () => {
        // Lambda API reference, SourceAccessConfiguration, Type, "Valid Values".
        const API_TYPES = [
            "BASIC_AUTH",
            "VPC_SUBNET",
            "VPC_SECURITY_GROUP",
            "SASL_SCRAM_512_AUTH",
            "SASL_SCRAM_256_AUTH",
            "VIRTUAL_HOST",
            "CLIENT_CERTIFICATE_TLS_AUTH",
            "SERVER_ROOT_CA_CERTIFICATE",
        ];
        const ALLOWED = ["SASL_SCRAM_512_AUTH", "CLIENT_CERTIFICATE_TLS_AUTH"];
        it("accepts only SASL_SCRAM_512_AUTH and CLIENT_CERTIFICATE_TLS_AUTH on an MSK mapping; refuses every other type, listed or not", async () => {
            for (const type of [...API_TYPES, "SASL_SCRAM_512", "sasl_scram_512_auth"]) {
                const m = res(ESM, "m", { eventSourceArn: CLUSTER_ARN, topics: ["t"], functionName: "f", sourceAccessConfigurations: [{ type, uri: "x" }] });
                const d = of(await check(m), "msk-mapping-auth-mechanism", "mandatory");
                // SERVER_ROOT_CA_CERTIFICATE has its own policy (msk-no-custom-server-ca).
                const expected = ALLOWED.includes(type) || type === "SERVER_ROOT_CA_CERTIFICATE" ? 0 : 1;
                assert.strictEqual(d.length, expected, type);
                if (expected) assert.match(d[0].message, new RegExp(`MSK event source mapping 'm' has a sourceAccessConfigurations entry for .*${type}`), type);
            }
        });
    });

    describe("msk-configuration-kafka-version (MSK API reference, Configuration.KafkaVersions)", () => {
        it("refuses a configuration whose kafkaVersions exclude the cluster's version (the documentation example's 2.1.0 on 3.x)", async () => {
            const d = of(await check([cluster(SCRAM), configuration("x=1", { kafkaVersions: ["2.1.0"] })]), "msk-configuration-kafka-version", "mandatory");
            assert.strictEqual(d.length, 1);
            assert.match(d[0].message, /runs Apache Kafka "3.6.0" but its configuration 'config' lists kafkaVersions \["2.1.0"\]/);
            const native = res("aws-native:msk:Configuration", "config", {
                name: "config",
                arn: CONFIG_ARN,
                serverProperties: "x=1",
                kafkaVersionsList: ["2.8.1"],
            });
            assert.strictEqual(of(await check([cluster(SCRAM), native]), "msk-configuration-kafka-version", "mandatory").length, 1);
        });
        it("accepts a list with the version, no list, and notes unknown versions", async () => {
            assert.deepStrictEqual(
                of(await check([cluster(SCRAM), configuration("x=1", { kafkaVersions: ["2.8.1", "3.6.0"] })]), "msk-configuration-kafka-version"),
                [],
            );
            assert.deepStrictEqual(of(await check([cluster(SCRAM), configuration("x=1")]), "msk-configuration-kafka-version"), []);
            const d = of(
                await check([cluster({ ...SCRAM, kafkaVersion: UNKNOWN }), configuration("x=1", { kafkaVersions: ["3.6.0"] })]),
                "msk-configuration-kafka-version",
            );
            assert.deepStrictEqual(
                d.map((x) => x.enforcementLevel),
                ["advisory"],
            );
        });
    });

    describe("self-managed Kafka held to MSK's level (issue 25 §3) and messages naming the mechanism (§4)", () => {
        const selfManaged = (types: string[]) =>
            res(ESM, "sm", {
                functionName: "f",
                topics: ["t"],
                startingPosition: "LATEST",
                selfManagedEventSource: { endpoints: { KAFKA_BOOTSTRAP_SERVERS: "b-1.example.com:9092" } },
                sourceAccessConfigurations: types.map((type) => ({
                    type,
                    uri: type === "VPC_SUBNET" ? "subnet:subnet-1" : `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:s-AbCdEf`,
                })),
            });
        it("refuses a self-managed mapping with no authentication, unless the stack allows it; accepts each authentication", async () => {
            for (const types of [[], ["VPC_SUBNET"], ["SERVER_ROOT_CA_CERTIFICATE"]]) {
                const d = of(await check(selfManaged(types)), "self-managed-kafka-authentication", "mandatory");
                assert.strictEqual(d.length, 1, types.join());
                assert.match(d[0].message, /Self-managed Kafka mapping 'sm' names no authentication/);
                assert.deepStrictEqual(
                    of(
                        await check(selfManaged(types), { "self-managed-kafka-authentication": { allowUnauthenticated: true } }),
                        "self-managed-kafka-authentication",
                    ),
                    [],
                );
            }
            for (const t of ["SASL_SCRAM_512_AUTH", "SASL_SCRAM_256_AUTH", "BASIC_AUTH", "CLIENT_CERTIFICATE_TLS_AUTH"]) {
                assert.deepStrictEqual(of(await check(selfManaged([t, "VPC_SUBNET"])), "self-managed-kafka-authentication"), [], t);
                // A credential entry without a secret to read authenticates nothing.
                const empty = selfManaged([t]);
                (empty.props.sourceAccessConfigurations as { uri: string }[])[0].uri = "";
                assert.strictEqual(of(await check(empty), "self-managed-kafka-authentication", "mandatory").length, 1, `${t} with an empty uri`);
            }
            // An MSK mapping is not this rule's (msk-no-unauthenticated-access judges the cluster).
            assert.deepStrictEqual(
                of(await check(res(ESM, "m", { eventSourceArn: CLUSTER_ARN, topics: ["t"], functionName: "f" })), "self-managed-kafka-authentication"),
                [],
            );
        });
        it("names SASL/PLAIN for a BASIC_AUTH secret, not SASL/SCRAM", async () => {
            const arn = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:s-AbCdEf`;
            const s = res("aws:secretsmanager/secret:Secret", "s", { name: "s", arn });
            const v = res("aws:secretsmanager/secretVersion:SecretVersion", "v", { secretId: arn, secretString: "not json" }, { secretId: [s] });
            const d = of(await check([s, v, selfManaged(["BASIC_AUTH"])]), "scram-secret-content", "mandatory");
            assert.strictEqual(d.length, 1);
            assert.match(
                d[0].message,
                /used for SASL\/PLAIN \(BASIC_AUTH\) by 'sm'\) is not a JSON object: Lambda reads SASL\/PLAIN \(BASIC_AUTH\) credentials/,
            );
        });
    });
});
