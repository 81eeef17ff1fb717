import type { StackValidationPolicy } from "@pulumi/policy";
import { DEFAULT_FUNCTION_TIMEOUT_SECONDS, MAX_MSK_FUNCTION_TIMEOUT_SECONDS } from "../lib/facts";
import { StackIndex, T } from "../lib/graph";
import { functionsOf, isMskMapping } from "../lib/refs";
import { knownNumber } from "../lib/values";
import { config, stackCheck } from "./common";

/**
 * Seed (Spanish page): "Lambda can run the function for a maximum of 14 minutes. Set the function timeout to 14 minutes
 * or less (the default timeout value is 3 seconds). Lambda may retry invocations that exceed 14 minutes."
 */
export const mskFunctionTimeout: StackValidationPolicy = {
    name: "msk-function-timeout",
    description: "A function invoked by an Amazon MSK event source mapping must time out within 14 minutes (840 s).",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: { maxTimeoutSeconds: { type: "integer", minimum: 1, maximum: 900, default: MAX_MSK_FUNCTION_TIMEOUT_SECONDS } },
    },
    validateStack: stackCheck((args, report) => {
        const { maxTimeoutSeconds } = config(args, { maxTimeoutSeconds: MAX_MSK_FUNCTION_TIMEOUT_SECONDS });
        const index = new StackIndex(args.resources);
        const reported = new Set<string>();
        for (const m of index.ofType(T.mapping)) {
            if (!isMskMapping(m, index)) continue;
            for (const fn of functionsOf(index, m, "functionName")) {
                if (reported.has(fn.urn)) continue;
                // An absent timeout is Lambda's default of 3 seconds.
                const timeout = knownNumber(fn.props, "timeout") ?? DEFAULT_FUNCTION_TIMEOUT_SECONDS;
                if (timeout > maxTimeoutSeconds) {
                    reported.add(fn.urn);
                    report(
                        `Function '${fn.name}' has a timeout of ${timeout} s but is invoked by the Amazon MSK event source mapping '${m.name}': ` +
                            `Lambda runs such a function for at most 14 minutes and may retry longer invocations. Set its timeout to ${maxTimeoutSeconds} s or less.`,
                        fn.urn,
                    );
                }
            }
        }
    }),
};
