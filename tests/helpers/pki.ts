/**
 * Real certificates and keys for tests, made with openssl in a temporary folder once per test run: a root CA, an
 * intermediate, a client certificate with its key (plain PKCS#8, PBES1- and PBES2-encrypted, traditional RSA), a
 * self-signed client certificate, an expired client certificate and a key that belongs to another certificate.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export interface Pki {
    dir: string;
    root: string;
    intermediate: string;
    client: string;
    /** client, intermediate, root: the order Lambda wants. */
    chain: string;
    clientKey: string;
    clientKeyPbes1: string;
    clientKeyPbes2: string;
    clientKeyRsa: string;
    keyPassword: string;
    selfSigned: string;
    selfSignedKey: string;
    expiredChain: string;
    expiredKey: string;
    otherKey: string;
}

let cached: Pki | undefined;

export function openssl(args: string[], cwd: string): void {
    execFileSync("openssl", args, { cwd, stdio: ["ignore", "ignore", "pipe"] });
}

export function pki(): Pki {
    if (cached) return cached;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "msk-lambda-pki-"));
    const o = (...args: string[]) => openssl(args, dir);
    const read = (f: string) => fs.readFileSync(path.join(dir, f), "utf8");
    const key = (name: string) => o("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", name);
    fs.writeFileSync(
        path.join(dir, "ca.ext"),
        "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n",
    );
    fs.writeFileSync(
        path.join(dir, "client.ext"),
        "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\nauthorityKeyIdentifier=keyid\n",
    );

    key("root.key");
    o(
        "req",
        "-x509",
        "-new",
        "-key",
        "root.key",
        "-subj",
        "/CN=Test Root CA",
        "-days",
        "3650",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign",
        "-out",
        "root.pem",
    );
    key("int.key");
    o("req", "-new", "-key", "int.key", "-subj", "/CN=Test Intermediate CA", "-out", "int.csr");
    o("x509", "-req", "-in", "int.csr", "-CA", "root.pem", "-CAkey", "root.key", "-CAcreateserial", "-days", "1825", "-extfile", "ca.ext", "-out", "int.pem");
    // The client key is RSA so that the traditional "BEGIN RSA PRIVATE KEY" form exists.
    o("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "client.key");
    o("req", "-new", "-key", "client.key", "-subj", "/CN=lambda-consumer", "-out", "client.csr");
    o(
        "x509",
        "-req",
        "-in",
        "client.csr",
        "-CA",
        "int.pem",
        "-CAkey",
        "int.key",
        "-CAcreateserial",
        "-days",
        "365",
        "-extfile",
        "client.ext",
        "-out",
        "client.pem",
    );
    o("pkcs8", "-topk8", "-v1", "PBE-SHA1-3DES", "-in", "client.key", "-out", "client-pbes1.key", "-passout", "pass:test-key-password");
    o("pkcs8", "-topk8", "-v2", "aes-256-cbc", "-in", "client.key", "-out", "client-pbes2.key", "-passout", "pass:test-key-password");
    o("pkey", "-in", "client.key", "-traditional", "-out", "client-rsa.key");

    key("self.key");
    o("req", "-x509", "-new", "-key", "self.key", "-subj", "/CN=self-signed-consumer", "-days", "365", "-out", "self.pem");

    // An expired client certificate: `openssl ca` can set validity dates in the past.
    key("expired.key");
    o("req", "-new", "-key", "expired.key", "-subj", "/CN=expired-consumer", "-out", "expired.csr");
    fs.writeFileSync(path.join(dir, "index.txt"), "");
    fs.writeFileSync(path.join(dir, "serial"), "1000\n");
    fs.writeFileSync(
        path.join(dir, "ca.cnf"),
        `[ca]\ndefault_ca=d\n[d]\ndir=${dir}\ndatabase=${dir}/index.txt\nnew_certs_dir=${dir}\nserial=${dir}/serial\ndefault_md=sha256\npolicy=p\nunique_subject=no\n[p]\ncommonName=supplied\n`,
    );
    o(
        "ca",
        "-batch",
        "-config",
        "ca.cnf",
        "-cert",
        "int.pem",
        "-keyfile",
        "int.key",
        "-in",
        "expired.csr",
        "-out",
        "expired.pem",
        "-startdate",
        "20200101000000Z",
        "-enddate",
        "20210101000000Z",
        "-notext",
        "-extfile",
        "client.ext",
    );

    key("other.key");
    o("pkcs8", "-topk8", "-nocrypt", "-in", "other.key", "-out", "other-pkcs8.key");
    o("pkcs8", "-topk8", "-nocrypt", "-in", "client.key", "-out", "client-pkcs8.key");
    o("pkcs8", "-topk8", "-nocrypt", "-in", "self.key", "-out", "self-pkcs8.key");
    o("pkcs8", "-topk8", "-nocrypt", "-in", "expired.key", "-out", "expired-pkcs8.key");

    const root = read("root.pem");
    const intermediate = read("int.pem");
    const client = read("client.pem");
    cached = {
        dir,
        root,
        intermediate,
        client,
        chain: client + intermediate + root,
        clientKey: read("client-pkcs8.key"),
        clientKeyPbes1: read("client-pbes1.key"),
        clientKeyPbes2: read("client-pbes2.key"),
        clientKeyRsa: read("client-rsa.key"),
        keyPassword: "test-key-password",
        selfSigned: read("self.pem"),
        selfSignedKey: read("self-pkcs8.key"),
        expiredChain: read("expired.pem") + intermediate + root,
        expiredKey: read("expired-pkcs8.key"),
        otherKey: read("other-pkcs8.key"),
    };
    return cached;
}
