/**
 * Kafka event source mappings as other programs register them, for the pack's targeted tests: an MSK one on the shared
 * cluster and a self-managed one, each a valid mapping until the test's props add its one problem.
 */
import { ACCOUNT, CLUSTER_ARN, res, type Res } from "./pack";

export const ESM = "aws:lambda/eventSourceMapping:EventSourceMapping";

/** A secret's ARN in the test account, with Secrets Manager's six-character suffix. */
export const secretArn = (name: string) => `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:${name}-AbCdEf`;

/** An MSK mapping on CLUSTER_ARN reading `orders` into function `f`. */
export function mskMapping(name: string, props: Record<string, unknown> = {}, deps: Record<string, Res[]> = {}): Res {
    return res(ESM, name, { eventSourceArn: CLUSTER_ARN, topics: ["orders"], startingPosition: "LATEST", functionName: "f", ...props }, deps);
}

/** A self-managed Kafka mapping reading `orders` from one bootstrap server into function `f`. */
export function selfManagedMapping(name: string, props: Record<string, unknown> = {}): Res {
    return res(ESM, name, {
        topics: ["orders"],
        startingPosition: "TRIM_HORIZON",
        functionName: "f",
        selfManagedEventSource: { endpoints: { KAFKA_BOOTSTRAP_SERVERS: "b-1.example.com:9096" } },
        ...props,
    });
}

/** One source access configuration. */
export const sac = (type: unknown, uri: unknown) => ({ sourceAccessConfigurations: [{ type, uri }] });
