import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { protectionOf, safetyTable, STATEFUL_RESOURCES, TYPES } from "../lib/retention";
import type { Planned, Run } from "./helpers/sim";
import { runStack, type StackInput } from "./helpers/stack";

/** A stack with every kind of stateful resource the program makes. */
const EVERYTHING: StackInput = {
    network: { mode: "nat", azCount: 3 },
    cluster: { authentication: "scram" },
    consumers: [
        { name: "a", topic: "orders", onFailure: { type: "sqs" }, asyncDestinations: { onFailure: { type: "eventbridge" }, onSuccess: { type: "sns" } } },
        {
            name: "b",
            topic: "payments",
            onFailure: { type: "s3" },
            filters: [{ value: { type: ["x"] } }],
            filterKmsKeyArn: "create",
            schemaRegistry: { glueRegistryArn: "create" },
        },
        { name: "c", topic: "orders", onFailure: { type: "sns" } },
    ],
    secrets: { scramPassword: "correct-horse-battery" },
};

/**
 * The customer-managed keys that encrypt what a resource holds: keys it references itself (a queue's
 * kmsMasterKeyId), keys of what it belongs to (a topic's cluster, a secret version's secret), and for a bucket the
 * key its encryption setting names.
 */
function keysOf(r: Run, res: Planned, seen = new Set<string>()): Set<string> {
    const out = new Set<string>();
    if (seen.has(res.urn)) return out;
    seen.add(res.urn);
    const isKey = (urn: string) => r.byUrn(urn).type === TYPES.key;
    for (const [prop, urns] of Object.entries(res.propertyDependencies)) {
        for (const urn of urns) {
            if (isKey(urn)) out.add(urn);
            else if (["clusterArn", "secretId"].includes(prop)) for (const k of keysOf(r, r.byUrn(urn), seen)) out.add(k);
        }
    }
    if (res.type === TYPES.bucket) {
        for (const other of r.resources) {
            if (other.propertyDependencies.bucket?.includes(res.urn))
                for (const k of Object.values(other.propertyDependencies).flat()) if (isKey(k)) out.add(k);
        }
    }
    return out;
}

describe("retention: keys never die before the records they encrypt", () => {
    const runs: Record<string, Run> = {};
    before(async () => {
        runs.prod = await runStack({ ...EVERYTHING, environment: "prod" });
        runs.dev = await runStack({ ...EVERYTHING, environment: "dev" });
    });

    it("in prod, retains the key of every retained resource", () => {
        const r = runs.prod;
        const edges: string[] = [];
        for (const res of r.resources.filter((x) => x.options.retainOnDelete)) {
            for (const key of keysOf(r, res)) {
                const k = r.byUrn(key);
                assert.ok(k.options.retainOnDelete && k.options.protect, `${res.type} ${res.name} is retained but its key ${k.name} is not`);
                edges.push(res.type);
            }
        }
        // The rule was checked on every kind of encrypted, retained resource.
        assert.deepStrictEqual(
            [...new Set(edges)].sort(),
            [
                TYPES.eventBus,
                TYPES.idempotencyTable,
                TYPES.topic,
                TYPES.bucket,
                ...TYPES.bucketSettings.filter((t) => t.endsWith("EncryptionConfiguration")),
                TYPES.secret,
                TYPES.secretVersion,
                TYPES.snsTopic,
                TYPES.queue,
            ].sort(),
        );
    });

    for (const env of ["dev", "prod"] as const) {
        it(`gives every ${env} resource exactly the options README's Safety table lists for its type`, () => {
            const listed = new Set(STATEFUL_RESOURCES.flatMap((row) => row.types));
            let checked = 0;
            for (const res of runs[env].resources.filter((x) => x.custom)) {
                const expected = protectionOf(res.type, env);
                assert.deepStrictEqual(
                    { protect: res.options.protect, retainOnDelete: res.options.retainOnDelete },
                    expected,
                    `${res.type} ${res.name} in ${env}${listed.has(res.type) ? "" : " is not in lib/retention.ts but is guarded"}`,
                );
                if (listed.has(res.type)) checked++;
            }
            assert.ok(checked >= 20, `only ${checked} stateful resources planned`);
            // Every row of the table governs something the program makes.
            for (const row of STATEFUL_RESOURCES) {
                assert.ok(
                    row.types.some((t) => runs[env].resources.some((x) => x.type === t)),
                    `${row.resource}: no planned resource`,
                );
            }
        });
    }

    it("is the table in README's Safety section", () => {
        const readme = fs.readFileSync(path.join(__dirname, "..", "README.md"), "utf8");
        assert.ok(readme.includes(safetyTable()), "README.md's Safety table is stale: run npm run docs");
    });
});
