/**
 * Generated sweep (issue 20 §3) over network mode × authentication × broker type × failure destination × Kafka
 * version × plan kind (full or --preview), for an MSK provisioned cluster the stack creates (other source kinds are
 * issue 20 §1). The product is sampled with a pairwise covering array: every value of every axis appears with every
 * value of every other axis at least once. Each row the validator accepts is planned in-process through the pack and
 * must exit 0 with no mandatory violation; each row it refuses must exit 2 and name the key of the axis at fault.
 */
import * as assert from "assert";
import { ConfigError, parseStackConfig } from "../lib/config";
import { pack } from "./helpers/pack";
import { pki } from "./helpers/pki";
import { runPlan } from "./helpers/plan";

const CA = "arn:aws:acm-pca:us-east-1:111122223333:certificate-authority/11111111-2222-3333-4444-555555555555";

/** Each axis: its values, and the config each value contributes (merged per key). */
const AXES = {
    network: {
        privatelink: { network: { mode: "privatelink", cidrBlock: "10.20.0.0/16", azCount: 3 } },
        nat: { network: { mode: "nat", cidrBlock: "10.20.0.0/16", azCount: 3 } },
        existing: {
            network: {
                mode: "existing",
                vpcId: "vpc-0123456789abcdef0",
                privateSubnetIds: ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1", "subnet-0123456789abcdef2"],
                privateRouteTableIds: ["rtb-0123456789abcdef0"],
            },
        },
    },
    authentication: {
        iam: { cluster: { authentication: "iam" } },
        scram: { cluster: { authentication: "scram" } },
        mtls: { cluster: { authentication: "mtls", certificateAuthorityArns: [CA] } },
        tls: { cluster: { authentication: "tls" } },
        plaintext: { cluster: { authentication: "plaintext" } },
    },
    broker: {
        "kafka.t3.small": { cluster: { brokerInstanceType: "kafka.t3.small", ebsVolumeGb: 20 } },
        "kafka.m7g.large": { cluster: { brokerInstanceType: "kafka.m7g.large" } },
        "kafka.m7g.large tiered": { cluster: { brokerInstanceType: "kafka.m7g.large", storageMode: "TIERED" } },
        "express.m7g.large": { cluster: { brokerInstanceType: "express.m7g.large" } },
    },
    destination: {
        sqs: { onFailure: { type: "sqs" } },
        sns: { onFailure: { type: "sns" } },
        s3: { onFailure: { type: "s3" } },
        kafka: { onFailure: { type: "kafka", topic: "orders-failures" } },
    },
    kafkaVersion: {
        "3.6.0": { cluster: { kafkaVersion: "3.6.0" } },
        "3.8.x": { cluster: { kafkaVersion: "3.8.x" } },
        "3.9.x": { cluster: { kafkaVersion: "3.9.x" } },
        "3.7.x.kraft": { cluster: { kafkaVersion: "3.7.x.kraft" } },
    },
    plan: { full: {}, preview: {} },
} as const;

type Axis = keyof typeof AXES;
type Row = Record<Axis, string>;
const NAMES = Object.keys(AXES) as Axis[];
const values = (a: Axis) => Object.keys(AXES[a]);

/**
 * A pairwise covering array, built greedily and deterministically: while a pair of values is uncovered, start a row
 * from it and give every other axis the value that covers the most uncovered pairs with the values chosen so far.
 * O(rows × axes² × values) — a few milliseconds here.
 */
export function coveringArray(): Row[] {
    const key = (a: Axis, x: string, b: Axis, y: string) => (NAMES.indexOf(a) < NAMES.indexOf(b) ? `${a}=${x}|${b}=${y}` : `${b}=${y}|${a}=${x}`);
    const uncovered = new Set<string>();
    for (const [i, a] of NAMES.entries())
        for (const b of NAMES.slice(i + 1)) for (const x of values(a)) for (const y of values(b)) uncovered.add(key(a, x, b, y));
    const rows: Row[] = [];
    while (uncovered.size) {
        const [first] = uncovered;
        const [[a, x], [b, y]] = first.split("|").map((p) => p.split("=") as [Axis, string]);
        const row: Partial<Row> = { [a]: x, [b]: y };
        for (const axis of NAMES) {
            if (row[axis] !== undefined) continue;
            let best = values(axis)[0];
            let gain = -1;
            for (const v of values(axis)) {
                let g = 0;
                for (const [other, ov] of Object.entries(row) as [Axis, string][]) if (uncovered.has(key(axis, v, other, ov))) g++;
                if (g > gain) [best, gain] = [v, g];
            }
            row[axis] = best;
        }
        for (const [i, p] of NAMES.entries()) for (const q of NAMES.slice(i + 1)) uncovered.delete(key(p, row[p]!, q, row[q]!));
        rows.push(row as Row);
    }
    return rows;
}

/** The row's stack config: the dev stack's keys, replaced by the row's network and cluster, one consumer. */
function configOf(row: Row): Record<string, any> {
    const cfg: Record<string, any> = { network: {}, cluster: {}, onFailure: {} };
    for (const axis of NAMES) {
        const part = (AXES[axis] as Record<string, Record<string, object>>)[row[axis]];
        for (const [k, v] of Object.entries(part)) cfg[k] = { ...cfg[k], ...v };
    }
    return cfg;
}

function rawConfig(row: Row): Record<string, string> {
    const cfg = configOf(row);
    const consumers = [{ name: "orders", topic: "orders", onFailure: cfg.onFailure }];
    const raw: Record<string, string> = {
        "msk-lambda:network": JSON.stringify(cfg.network),
        "msk-lambda:cluster": JSON.stringify(cfg.cluster),
        "msk-lambda:consumers": JSON.stringify(consumers),
    };
    if (row.authentication === "mtls") {
        raw["msk-lambda:mtlsCertificate"] = pki().chain;
        raw["msk-lambda:mtlsPrivateKey"] = pki().clientKey;
    }
    return raw;
}

/** The validator's verdict on a row: undefined when accepted, else the keys it names. */
function verdict(row: Row): string[] | undefined {
    try {
        parseStackConfig({ "msk-lambda:environment": "dev", ...rawConfig(row) }, { project: "msk-lambda", stack: "dev" });
        return undefined;
    } catch (e) {
        if (e instanceof ConfigError) return e.issues.map((i) => i.key);
        throw e;
    }
}

/** The keys a refusal of this row may name: the axes' keys, which every message must be about. */
const AXIS_KEYS = ["msk-lambda:network.", "msk-lambda:cluster.", "msk-lambda:consumers[0].onFailure"];

describe("sweep: network × authentication × broker type × destination × Kafka version × plan kind (pairwise)", function () {
    this.timeout(120000);
    const rows = coveringArray();

    it("covers every pair of values of every two axes", () => {
        for (const [i, a] of NAMES.entries())
            for (const b of NAMES.slice(i + 1))
                for (const x of values(a))
                    for (const y of values(b))
                        assert.ok(
                            rows.some((r) => r[a] === x && r[b] === y),
                            `${a}=${x} with ${b}=${y}`,
                        );
        // Well below the full product (3 × 5 × 4 × 4 × 4 × 2 = 1920 stacks).
        assert.ok(rows.length <= 30, `${rows.length} rows`);
    });

    it("refused rows exist and accepted rows exist (the sweep tests both verdicts)", () => {
        const refused = rows.filter((r) => verdict(r));
        assert.ok(refused.length > 0 && refused.length < rows.length, `${refused.length} of ${rows.length} refused`);
    });

    for (const row of rows) {
        const label = `${NAMES.map((a) => row[a]).join(" × ")}: ${verdict(row) ? "refused, naming the key (exit 2)" : "plans clean (exit 0)"}`;
        it(label, async () => {
            const refused = verdict(row);
            const raw = rawConfig(row);
            const args = ["--stack", "dev", "--json", ...(row.plan === "preview" ? ["--preview"] : [])];
            for (const [k, v] of Object.entries(raw)) args.push("--config", `${k}=${v}`);
            if (refused) {
                assert.ok(
                    refused.every((k) => AXIS_KEYS.some((p) => k.startsWith(p))),
                    refused.join(", "),
                );
                // The plan refuses it too, naming the key (exit 2), without planning anything.
                const res = await runPlan(args);
                assert.strictEqual(res.code, 2, res.stderr);
                for (const k of refused) assert.ok(res.stderr.includes(k), `${k} in ${res.stderr}`);
                return;
            }
            const res = await runPlan(args, (await pack()).port);
            assert.strictEqual(res.code, 0, res.stderr + res.stdout.slice(0, 3000));
            const doc = JSON.parse(res.stdout);
            const mandatory = doc.policy.violations.filter((v: any) => v.enforcementLevel === "mandatory");
            assert.deepStrictEqual(mandatory, [], JSON.stringify(mandatory, null, 1));
            const msk = doc.resources.find((r: any) => r.type === "aws:msk/cluster:Cluster");
            assert.strictEqual(msk.inputs.brokerNodeGroupInfo.instanceType, row.broker.split(" ")[0]);
        });
    }
});
