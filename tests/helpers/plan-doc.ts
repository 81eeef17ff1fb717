/** Plan documents (`npm run plan -- --json`'s shape) built from a few resources, for the diff and exit-code tests. */
import type { PlanDocument } from "../../plan/document";
import type { PolicyReport } from "../../plan/policy";

export const planUrn = (type: string, name: string) => `urn:pulumi:test::msk-lambda::${type}::${name}`;

export interface DocResource {
    type: string;
    name: string;
    /** Default: `{ name }`. */
    inputs?: Record<string, unknown>;
    /** Property dependencies, each dependency written `type|name`. */
    deps?: Record<string, string[]>;
    retain?: boolean;
}

/** One resource per entry, stack `test` of project `msk-lambda`, with the policy report given (if any). */
export function planDoc(resources: DocResource[], policy?: PolicyReport): PlanDocument {
    return {
        stack: "test",
        project: "msk-lambda",
        preview: false,
        outputs: {},
        resources: resources.map((r) => ({
            urn: planUrn(r.type, r.name),
            type: r.type,
            name: r.name,
            parent: "",
            dependencies: [],
            propertyDependencies: Object.fromEntries(
                Object.entries(r.deps ?? {}).map(([k, v]) => [k, v.map((n) => planUrn(...(n.split("|") as [string, string])))]),
            ),
            inputs: r.inputs ?? { name: r.name },
            options: { protect: false, deleteBeforeReplace: false, retainOnDelete: !!r.retain },
        })),
        ...(policy ? { policy } : {}),
    };
}
