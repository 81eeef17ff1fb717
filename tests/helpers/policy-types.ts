/**
 * Enumerates, from the installed providers' type declarations (`@pulumi/aws`, `@pulumi/aws-native`), every resource
 * type whose arguments carry an IAM or resource policy document, or attach policies to a role: a property named like a
 * policy (`policy`, `policyDocument`, `assumeRolePolicy`, `keyPolicy`, `inlinePolicies`, `managedPolicyArns`,
 * `permissionsBoundary`, ...) whose doc comment speaks of a policy document (JSON, IAM, resource-based, trust,
 * boundary, managed policies) or whose type is a PolicyDocument; or `policyArn(s)` next to `role(s)`.
 */
import * as fs from "fs";
import * as path from "path";

const NAMES = new Set([
    "policy",
    "policyDocument",
    "policyText",
    "accessPolicies",
    "assumeRolePolicy",
    "assumeRolePolicyDocument",
    "keyPolicy",
    "resourcePolicy",
    "inlinePolicy",
    "policyJson",
    "inlinePolicies",
    "managedPolicyArns",
    "policyArn",
    "policyArns",
    "permissionsBoundary",
    "policies",
    "resourceBasedPolicy",
]);
const DOC = [
    "policy document",
    "iam policy",
    "resource-based policy",
    "resource policy",
    "json policy",
    "access policy",
    "trust policy",
    "permissions boundary",
    "managed polic",
    "json",
];

function declarations(dir: string, out: string[] = []): string[] {
    for (const f of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, f.name);
        if (f.isDirectory()) {
            if (f.name !== "types" && f.name !== "node_modules") declarations(p, out);
        } else if (f.name.endsWith(".d.ts")) out.push(p);
    }
    return out;
}

/** Resource type token → the policy-carrying properties of its arguments. */
export function policyTypes(provider: "aws" | "aws-native"): Record<string, string[]> {
    const root = path.resolve(__dirname, "..", "..", "node_modules", "@pulumi", provider);
    const out: Record<string, string[]> = {};
    for (const f of declarations(root)) {
        const js = f.slice(0, -".d.ts".length) + ".js";
        if (!fs.existsSync(js)) continue;
        const jsText = fs.readFileSync(js, "utf8");
        const at = jsText.indexOf("__pulumiType = '");
        if (at < 0) continue;
        const token = jsText.slice(at + "__pulumiType = '".length, jsText.indexOf("'", at + "__pulumiType = '".length));
        const text = fs.readFileSync(f, "utf8");
        const start = text.search(/export interface \w+Args \{/);
        if (start < 0) continue;
        const body = text.slice(start, text.indexOf("\n}", start));
        const props: string[] = [];
        const all = new Set<string>();
        const re = /(\/\*\*([\s\S]*?)\*\/\s*)?^\s+(?:readonly )?([a-zA-Z0-9]+)\??:\s*([^;]+);/gm;
        for (let m = re.exec(body); m; m = re.exec(body)) {
            const doc = (m[2] ?? "").toLowerCase();
            const [name, type] = [m[3], m[4]];
            all.add(name);
            if (NAMES.has(name) && (DOC.some((d) => doc.includes(d)) || type.includes("PolicyDocument"))) props.push(name);
        }
        if ((all.has("role") || all.has("roles")) && (all.has("policyArn") || all.has("policyArns")))
            for (const p of ["policyArn", "policyArns"]) if (all.has(p) && !props.includes(p)) props.push(p);
        if (props.length) out[token] = props.sort();
    }
    return out;
}
