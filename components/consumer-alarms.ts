import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ALARM_DEFAULTS, type AlarmKey, type ConsumerConfig } from "../lib/consumer-config";

/** What a consumer's alarms watch and where they notify. */
export interface ConsumerAlarmsArgs {
    c: ConsumerConfig;
    functionName: string;
    function: aws.lambda.Function;
    mapping: aws.lambda.EventSourceMapping;
    idempotencyTable?: aws.dynamodb.Table;
    alarmTopicArn: pulumi.Input<string>;
    tags: Record<string, string>;
}

type Defaults = (typeof ALARM_DEFAULTS)[AlarmKey];

/**
 * The consumer's alarms, all notifying the stack's alarm topic ("Using Lambda with Amazon MSK": "Lambda emits the
 * OffsetLag metric as your function processes records"; "Capturing records of Lambda asynchronous invocations":
 * DestinationDeliveryFailures when Lambda cannot deliver to a destination). Names are kept from earlier versions.
 */
export function consumerAlarms(parent: pulumi.ComponentResource, name: string, a: ConsumerAlarmsArgs): Partial<Record<AlarmKey, aws.cloudwatch.MetricAlarm>> {
    const alarms: Partial<Record<AlarmKey, aws.cloudwatch.MetricAlarm>> = {};
    for (const key of Object.keys(ALARM_DEFAULTS) as AlarmKey[]) {
        const cfg = a.c[key];
        const d = ALARM_DEFAULTS[key];
        if (!cfg.enabled || (d.on === "table" && !a.idempotencyTable)) continue;
        const suffix = key
            .replace(/Alarm$/, "")
            .replace(/([a-z])([A-Z])/g, "$1-$2")
            .toLowerCase();
        const legacy = d.on === "function" ? d.metric.replace(/([a-z])([A-Z])/g, "$1-$2").toLowerCase() : suffix;
        const metric = metricOf(d, a);
        alarms[key] = new aws.cloudwatch.MetricAlarm(
            `${name}-${legacy}`,
            {
                name: `${a.functionName}-${legacy}`,
                alarmDescription: `${a.functionName} (topic ${a.c.topic}, group ${a.c.consumerGroupId}): ${d.metric} ${d.statistic.toLowerCase()} above ${cfg.threshold} for ${cfg.evaluationMinutes} minute(s)`,
                ...metric,
                evaluationPeriods: cfg.evaluationMinutes,
                threshold: cfg.threshold,
                comparisonOperator: "GreaterThanThreshold",
                treatMissingData: "notBreaching",
                alarmActions: [a.alarmTopicArn],
                okActions: [a.alarmTopicArn],
                tags: a.tags,
            },
            { parent },
        );
    }
    return alarms;
}

function metricOf(d: Defaults, a: ConsumerAlarmsArgs) {
    // The function's metric (AWS/Lambda, FunctionName), the mapping's (AWS/Lambda, EventSourceMappingUUID; its
    // EventCount metrics are enabled on the mapping) or the idempotency table's read and write throttles added up
    // (AWS/DynamoDB, TableName).
    return d.on === "table"
        ? {
              metricQueries: [
                  ...["ReadThrottleEvents", "WriteThrottleEvents"].map((m, i) => ({
                      id: `t${i}`,
                      returnData: false,
                      metric: {
                          namespace: "AWS/DynamoDB",
                          metricName: m,
                          dimensions: { TableName: a.idempotencyTable!.name },
                          stat: "Sum",
                          period: 60,
                      },
                  })),
                  { id: "throttles", expression: "t0 + t1", label: "idempotency table throttles", returnData: true },
              ],
          }
        : {
              namespace: "AWS/Lambda",
              metricName: d.metric,
              dimensions: (d.on === "mapping" ? { EventSourceMappingUUID: a.mapping.uuid } : { FunctionName: a.function.name }) as Record<
                  string,
                  pulumi.Input<string>
              >,
              statistic: d.statistic,
              period: 60,
          };
}
