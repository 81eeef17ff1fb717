/**
 * `npm run failure-record -- FILE` (or standard input): reads a failure record from a destination (SQS message, SNS
 * notification, S3 object, EventBridge event or the record itself) and prints, for each topic-partition, the offsets
 * and times to read again. Exit 0 read, 2 the input is not a failure record or cannot be read.
 */
import * as fs from "fs";
import * as path from "path";
import { FailureRecordError, parseFailureRecord } from "../lib/failure-records";

const USAGE = `usage: npm run failure-record -- [FILE | -]

Reads a record that Lambda sent to a failure (or success) destination and prints what failed and, for an event source
mapping, the offsets and times to read again per topic-partition. FILE may hold the record itself (an S3 object), an
SQS message (as a Lambda event or aws sqs receive-message prints it), an SNS notification or an EventBridge event;
without FILE, or with -, the record is read from standard input.`;

function main(argv: string[]): number {
    if (argv.includes("--help") || argv.includes("-h")) {
        console.log(USAGE);
        return 0;
    }
    if (argv.length > 1) {
        console.error(`failure-record: one file at a time, got ${argv.length} arguments\n${USAGE}`);
        return 2;
    }
    const file = argv[0];
    let text: string;
    try {
        text = file && file !== "-" ? fs.readFileSync(path.resolve(process.env.INIT_CWD ?? process.cwd(), file), "utf8") : fs.readFileSync(0, "utf8");
    } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a directory" : code === "EACCES" ? "permission denied" : String(code ?? e);
        console.error(`failure-record: cannot read ${file ? JSON.stringify(file) : "standard input"}: ${why}`);
        return 2;
    }
    try {
        const r = parseFailureRecord(text);
        const what = r.kind === "kafka" ? "Event source mapping failure" : r.condition === "Success" ? "Async invocation success" : "Async invocation failure";
        console.log(
            `${what}: ${r.condition} at ${r.timestamp}, function ${r.functionArn}, request ${r.requestId}${r.functionError ? `, error ${r.functionError}` : ""}`,
        );
        if (r.kind === "kafka") {
            console.log(`cluster ${r.eventSourceArn}${r.batchSize ? `, batch of ${r.batchSize}` : ""}${r.payloadSize ? `, ${r.payloadSize} bytes` : ""}`);
            for (const x of r.ranges)
                console.log(`  ${x.topic} partition ${x.partition}: offsets ${x.firstOffset}..${x.lastOffset}, ${x.firstTimestamp} .. ${x.lastTimestamp}`);
        }
        return 0;
    } catch (e) {
        if (e instanceof FailureRecordError) {
            console.error(`failure-record: ${e.message}`);
            return 2;
        }
        throw e;
    }
}

process.exitCode = main(process.argv.slice(2));
