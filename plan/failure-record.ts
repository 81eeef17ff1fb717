/**
 * `npm run failure-record -- FILE` (or standard input): reads a failure record from a destination (SQS message, SNS
 * notification, S3 object or the record itself) and prints, for each topic-partition, the offsets and times to read
 * again. Exit 2 when the input is not a failure record.
 */
import * as fs from "fs";
import { FailureRecordError, parseFailureRecord } from "../lib/failure-records";

function main(): number {
    const file = process.argv[2];
    const text = file && file !== "-" ? fs.readFileSync(file, "utf8") : fs.readFileSync(0, "utf8");
    try {
        const r = parseFailureRecord(text);
        console.log(
            `${r.kind === "kafka" ? "Event source mapping" : "Async invocation"} failure: ${r.condition} at ${r.timestamp}, function ${r.functionArn}, request ${r.requestId}${r.functionError ? `, error ${r.functionError}` : ""}`,
        );
        if (r.kind === "kafka") {
            console.log(`cluster ${r.eventSourceArn}${r.batchSize ? `, batch of ${r.batchSize}` : ""}${r.payloadSize ? `, ${r.payloadSize} bytes` : ""}`);
            for (const x of r.ranges)
                console.log(`  ${x.topic} partition ${x.partition}: offsets ${x.firstOffset}..${x.lastOffset}, ${x.firstTimestamp} .. ${x.lastTimestamp}`);
        }
        return 0;
    } catch (e) {
        if (e instanceof FailureRecordError) {
            console.error(e.message);
            return 2;
        }
        throw e;
    }
}

process.exitCode = main();
