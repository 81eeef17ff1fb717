import type { StackValidationPolicy } from "@pulumi/policy";
import { DEFAULT_FUNCTION_TIMEOUT_SECONDS, MAX_MSK_FUNCTION_TIMEOUT_SECONDS } from "../lib/facts";
import { StackIndex, T } from "../lib/graph";
import { functionTargets, isKafkaKind, mappingSource } from "../lib/refs";
import { get, isUnknown, knownNumber, notKnownYet, type Path } from "../lib/values";
import { config, stricterLimit } from "./common";

/**
 * "Using Lambda with Amazon MSK": "Lambda can run the function for a maximum of 14 minutes. Set the function timeout to 14 minutes
 * or less (the default timeout value is 3 seconds). Lambda may retry invocations that exceed 14 minutes." The Lambda
 * page on self-managed Apache Kafka states the same limit, so the rule covers MSK (provisioned and serverless) and
 * self-managed Kafka mappings, whichever way the mapping names its function (name, partial or full ARN, qualifier,
 * alias).
 */
export const mskFunctionTimeout: StackValidationPolicy = {
    name: "msk-function-timeout",
    description:
        "A function invoked by a Kafka event source mapping (Amazon MSK, MSK Serverless or self-managed Apache Kafka) must time out within 14 minutes (840 s).",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            maxTimeoutSeconds: {
                type: "integer",
                minimum: 1,
                // A config can make the pack stricter, never looser than AWS's documented 14 minutes.
                maximum: MAX_MSK_FUNCTION_TIMEOUT_SECONDS,
                default: MAX_MSK_FUNCTION_TIMEOUT_SECONDS,
                description: "The longest timeout allowed, in seconds: at most 840 (AWS's limit); lower it to be stricter.",
            },
        },
    },
    validateStack: (args, report) => {
        // Enforced here too, for configs that reach the pack without the CLI's schema validation.
        const maxTimeoutSeconds = stricterLimit(
            config(args, { maxTimeoutSeconds: MAX_MSK_FUNCTION_TIMEOUT_SECONDS }).maxTimeoutSeconds,
            MAX_MSK_FUNCTION_TIMEOUT_SECONDS,
        );
        const index = new StackIndex(args.resources);
        const reported = new Set<string>();
        let undecided: Path | undefined;
        for (const m of index.ofType(T.mapping)) {
            const source = mappingSource(m, index);
            if (source.kind === "unknown") {
                // Stryker disable next-line ArrayDeclaration,StringLiteral: a preview note's property path is message text (the note is raised either way)
                undecided = ["eventSourceArn"];
            }
            if (!isKafkaKind(source.kind)) continue;
            const targets = functionTargets(index, m, "functionName");
            // Stryker disable next-line ArrayDeclaration,StringLiteral: a preview note's property path is message text (the note is raised either way)
            if (targets.unknown) undecided = ["functionName"];
            for (const fn of targets.fns) {
                if (reported.has(fn.urn)) continue;
                if (isUnknown(get(fn.props, "timeout"))) {
                    // Stryker disable next-line ArrayDeclaration,StringLiteral: a preview note's property path is message text (the note is raised either way)
                    undecided = ["timeout"];
                    continue;
                }
                // An absent timeout is Lambda's default of 3 seconds.
                const timeout = knownNumber(fn.props, "timeout") ?? DEFAULT_FUNCTION_TIMEOUT_SECONDS;
                if (timeout > maxTimeoutSeconds) {
                    reported.add(fn.urn);
                    const what = source.kind === "self-managed" ? "self-managed Apache Kafka" : "Amazon MSK";
                    report(
                        `Function '${fn.name}' has a timeout of ${timeout} s but is invoked by the ${what} event source mapping '${m.name}': ` +
                            `Lambda runs such a function for at most 14 minutes and may retry longer invocations. Set its timeout to ${maxTimeoutSeconds} s or less.`,
                        fn.urn,
                    );
                }
            }
        }
        // Violations found so far stand; what could not be seen yet is reported as a preview note.
        if (undecided) notKnownYet(undecided);
    },
};
