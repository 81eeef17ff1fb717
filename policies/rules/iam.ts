import type { ResourceValidationPolicy } from "@pulumi/policy";
import { T } from "../lib/graph";
import { asList, statementsOf, type Stmt } from "../lib/iam-eval";
import { get, maybeArray, notKnownYet, UNKNOWN } from "../lib/values";
import { forTypes } from "./common";

function problems(statements: Stmt[]): string[] {
    const out: string[] = [];
    statements.forEach((s, i) => {
        if (s.Effect !== "Allow") return;
        const id = typeof s.Sid === "string" && s.Sid ? `statement ${s.Sid}` : `statement ${i + 1}`;
        const actions = asList(s.Action);
        const resources = asList(s.Resource);
        const onStar = resources.includes("*");
        if (actions.some((a) => a === "*" || a === "*:*")) out.push(`${id} allows every action ("*")`);
        const kafka = actions.filter((a) => /^kafka-cluster:/i.test(a));
        if (kafka.some((a) => a.toLowerCase() === "kafka-cluster:*"))
            out.push(`${id} allows kafka-cluster:*; name the actions AWS Lambda's "Using Lambda with Amazon MSK" lists`);
        if (onStar && kafka.length) out.push(`${id} allows ${kafka.join(", ")} on Resource "*"; name the cluster, topic and group ARNs`);
        if (onStar && actions.some((a) => /^secretsmanager:(GetSecretValue|\*)$/i.test(a)))
            out.push(`${id} allows secretsmanager:GetSecretValue on Resource "*"; name the secret's ARN`);
    });
    return out;
}

/** Least privilege for the roles this pack's setups use; the seed scopes kafka-cluster actions to exact ARNs. */
export const iamLeastPrivilege: ResourceValidationPolicy = {
    name: "iam-least-privilege",
    description: 'IAM policies allow no "*" action, no kafka-cluster actions on Resource "*", and no secretsmanager:GetSecretValue on Resource "*".',
    enforcementLevel: "mandatory",
    validateResource: forTypes([T.policy, T.rolePolicy, T.userPolicy, T.groupPolicy, T.role], (args, report) => {
        const docs: unknown[] = args.type === T.role ? maybeArray(args.props, "inlinePolicies").map((p) => get(p, "policy")) : [get(args.props, "policy")];
        const all: string[] = [];
        for (const d of docs) {
            const statements = statementsOf(d);
            if (statements === UNKNOWN) notKnownYet(["policy"]);
            all.push(...problems(statements));
        }
        if (all.length) report(`IAM policy '${args.name}' is broader than it must be: ${all.join("; ")}.`);
    }),
};
