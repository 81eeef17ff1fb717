/**
 * The stack's CloudWatch dashboard body, as plain data: per consumer, offset lag, invocations, errors, throttles,
 * concurrency and destination delivery failures; the mapping's records sent to the failure destination and dropped
 * (Lambda docs, "Event source mapping metrics", EventCount group); the idempotency table's throttles; for the cluster, each broker's CPU and data-disk use.
 */

export interface DashboardInput {
    region: string;
    /** MSK cluster name (the `Cluster Name` dimension) and its broker count, when the stack knows them. */
    cluster?: { name: string; brokers: number };
    /** Per consumer; `mappingUuid` (the mapping's metrics' dimension) once known, `idempotencyTable` when it has one. */
    consumers: { name: string; functionName: string; topic: string; mappingUuid?: string; idempotencyTable?: string }[];
}

type Metric = (string | { stat?: string; label?: string })[];

function widget(title: string, metrics: Metric[], x: number, y: number, width = 8): object {
    return { type: "metric", x, y, width, height: 6, properties: { title, metrics, period: 60, view: "timeSeries", stacked: false } };
}

export function dashboardBody(input: DashboardInput): { widgets: object[] } {
    const widgets: object[] = [];
    let y = 0;
    const lambda = (metric: string, stat: string, fn: string): Metric => ["AWS/Lambda", metric, "FunctionName", fn, { stat, label: metric }];
    for (const c of input.consumers) {
        widgets.push({
            type: "text",
            x: 0,
            y,
            width: 24,
            height: 1,
            properties: { markdown: `### ${c.name}: topic \`${c.topic}\`, function \`${c.functionName}\`` },
        });
        y += 1;
        widgets.push(
            widget(`${c.name}: offset lag (records behind)`, [lambda("OffsetLag", "Maximum", c.functionName)], 0, y),
            widget(`${c.name}: invocations and errors`, [lambda("Invocations", "Sum", c.functionName), lambda("Errors", "Sum", c.functionName)], 8, y),
            widget(
                `${c.name}: throttles and concurrency`,
                [lambda("Throttles", "Sum", c.functionName), lambda("ConcurrentExecutions", "Maximum", c.functionName)],
                16,
                y,
            ),
        );
        y += 6;
        const row: object[] = [widget(`${c.name}: destination delivery failures`, [lambda("DestinationDeliveryFailures", "Sum", c.functionName)], 0, y)];
        if (c.mappingUuid) {
            const esm = (metric: string, label: string): Metric => ["AWS/Lambda", metric, "EventSourceMappingUUID", c.mappingUuid!, { stat: "Sum", label }];
            row.push(
                widget(
                    `${c.name}: records sent to the failure destination`,
                    [esm("OnFailureDestinationDeliveredEventCount", "sent to failure destination"), esm("DroppedEventCount", "dropped")],
                    8,
                    y,
                ),
            );
        }
        if (c.idempotencyTable) {
            const ddb = (metric: string): Metric => ["AWS/DynamoDB", metric, "TableName", c.idempotencyTable!, { stat: "Sum", label: metric }];
            row.push(widget(`${c.name}: idempotency table throttles`, [ddb("ReadThrottleEvents"), ddb("WriteThrottleEvents")], 16, y));
        }
        widgets.push(...row);
        y += 6;
    }
    if (input.cluster) {
        const brokers = Array.from({ length: input.cluster.brokers }, (_, i) => String(i + 1));
        const kafka = (metric: string, b: string): Metric => [
            "AWS/Kafka",
            metric,
            "Cluster Name",
            input.cluster!.name,
            "Broker ID",
            b,
            { stat: "Maximum", label: `broker ${b}` },
        ];
        widgets.push(
            widget(
                "brokers: CPU (user %)",
                brokers.map((b) => kafka("CpuUser", b)),
                0,
                y,
                12,
            ),
            widget(
                "brokers: data disk used (%)",
                brokers.map((b) => kafka("KafkaDataLogsDiskUsed", b)),
                12,
                y,
                12,
            ),
        );
    }
    return { widgets };
}
