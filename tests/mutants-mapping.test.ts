/**
 * Verdicts of policies/rules/mapping.ts that `npm run mutate:pack -- --mutate policies/rules/mapping.ts` found no test
 * deciding (issue 21; bench/mutation.md lists each survivor and why the others are equivalent). Each stack differs from
 * its twin in one value; the assertion is the policy and the resource it names.
 */
import * as assert from "assert";
import { ACCOUNT, check, CLUSTER_ARN, of, res, UNKNOWN, type Res } from "./helpers/pack";

const ESM = "aws:lambda/eventSourceMapping:EventSourceMapping";
const QUEUE = "aws:sqs/queue:Queue";
const TOPIC = "aws:sns/topic:Topic";

function mapping(props: Record<string, unknown>, deps: Record<string, Res[]> = {}): Res {
    return res(ESM, "m", { eventSourceArn: CLUSTER_ARN, topics: ["orders"], startingPosition: "LATEST", functionName: "f", ...props }, deps);
}

/** The resources one policy names in a stack's diagnostics at one level. */
async function named(stack: Res[], policy: string, level: "mandatory" | "advisory" = "mandatory"): Promise<string[]> {
    return [...new Set(of(await check(stack), policy, level).map((d) => d.urn))];
}

describe("rules/mapping.ts: verdicts mutation testing found undecided (issue 21)", function () {
    this.timeout(60000);

    describe("no-fifo-destinations", () => {
        const onFailure = (destinationArn: string, deps: Res[] = []) =>
            mapping({ destinationConfig: { onFailure: { destinationArn } } }, deps.length ? { destinationConfig: deps } : {});

        it("an S3 bucket named failures.fifo is not a FIFO destination; an SQS queue of that name is (the ARN's service decides)", async () => {
            const s3 = onFailure("arn:aws:s3:::failures.fifo");
            assert.deepStrictEqual(await named([s3], "no-fifo-destinations"), []);
            const sqs = onFailure(`arn:aws:sqs:us-east-1:${ACCOUNT}:failures.fifo`);
            assert.deepStrictEqual(await named([sqs], "no-fifo-destinations"), [sqs.urn]);
        });

        it("a value that is not an ARN (foo:aws:sqs:...:failures.fifo) is not a FIFO destination (destination-types judges it)", async () => {
            const m = onFailure(`foo:aws:sqs:us-east-1:${ACCOUNT}:failures.fifo`);
            assert.deepStrictEqual(await named([m], "no-fifo-destinations"), []);
        });

        it("an EventBridge bus named failures.fifo behind an unknown ARN is no FIFO queue or topic: passes", async () => {
            const bus = res("aws:cloudwatch/eventBus:EventBus", "failures", { name: "failures.fifo" });
            const m = onFailure(UNKNOWN, [bus]);
            assert.deepStrictEqual(await named([bus, m], "no-fifo-destinations"), []);
        });

        // A first preview: the mapping's destination ARN is unknown, the queue or topic it depends on decides.
        const cases: [string, string, Record<string, unknown>, boolean][] = [
            ["a queue named failures.fifo (no fifoQueue flag)", QUEUE, { name: "failures.fifo" }, true],
            ["a queue named failures (no fifoQueue flag)", QUEUE, { name: "failures" }, false],
            ['a queue with fifoQueue "true" (a string, as some engines send it) and no name', QUEUE, { fifoQueue: "true" }, true],
            ['a queue with fifoQueue "false" and no name', QUEUE, { fifoQueue: "false" }, false],
            ["a topic with fifoTopic true and no name", TOPIC, { fifoTopic: true }, true],
            ["a topic with fifoTopic false and no name", TOPIC, { fifoTopic: false }, false],
        ];
        for (const [what, type, props, fifo] of cases) {
            it(`${what} behind an unknown ARN: ${fifo ? "no-fifo-destinations on the mapping" : "passes"}`, async () => {
                const target = res(type, "failures", props);
                const m = onFailure(UNKNOWN, [target]);
                assert.deepStrictEqual(await named([target, m], "no-fifo-destinations"), fifo ? [m.urn] : []);
            });
        }
    });

    describe("msk-mapping-on-failure-destination", () => {
        it('an empty destinationArn ("") is no destination: a violation on the mapping', async () => {
            const m = mapping({ destinationConfig: { onFailure: { destinationArn: "" } } });
            assert.deepStrictEqual(await named([m], "msk-mapping-on-failure-destination"), [m.urn]);
        });
        const unknown: [string, Record<string, unknown>][] = [
            ["destinationConfig", { destinationConfig: UNKNOWN }],
            ["destinationConfig.onFailure", { destinationConfig: { onFailure: UNKNOWN } }],
        ];
        for (const [what, props] of unknown) {
            it(`${what} not known yet (first preview): a preview note on the mapping, no violation`, async () => {
                const m = mapping(props);
                assert.deepStrictEqual(await named([m], "msk-mapping-on-failure-destination"), []);
                assert.deepStrictEqual(await named([m], "msk-mapping-on-failure-destination", "advisory"), [m.urn]);
            });
        }
    });

    describe("an access configuration entry with no type (Lambda API, SourceAccessConfiguration: Type not required)", () => {
        // The AWS provider requires `type`; CloudFormation-based providers and offline plans may send an entry without
        // one. It names no authentication, so the pack judges the mapping by its other entries (Lambda refuses it on
        // apply if it must): no mandatory verdict on an entry it cannot classify.
        const secret = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:AmazonMSK_creds-AbCdEf`;
        it("an MSK mapping whose only entry has a URI and no type: no msk-mapping-auth-mechanism; the same entry as BASIC_AUTH: refused", async () => {
            const untyped = mapping({ sourceAccessConfigurations: [{ uri: secret }] });
            assert.deepStrictEqual(await named([untyped], "msk-mapping-auth-mechanism"), []);
            const basic = mapping({ sourceAccessConfigurations: [{ type: "BASIC_AUTH", uri: secret }] });
            assert.deepStrictEqual(await named([basic], "msk-mapping-auth-mechanism"), [basic.urn]);
        });
    });
});
