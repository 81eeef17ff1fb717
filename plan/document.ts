/**
 * The plan document: what `npm run plan -- --json` prints (a contract: tools and `--against` read it), and the diff
 * between two of them that `--against` adds. Types only, so plan/cli.ts (which writes and reads documents) and
 * plan/diff.ts (which compares them) both import it and not each other.
 */
import type { PolicyReport } from "./policy";

export type Operation = "create" | "delete" | "update" | "replace";

export interface ResourceChange {
    urn: string;
    type: string;
    name: string;
    op: Operation;
    /** Input paths that differ (update and replace). */
    changed: string[];
    /** For a replacement: the create-only inputs that force it, with what changed them. */
    replaceBecause: string[];
    /** Set when the change loses data or a consumer group's position: the consequence in words. */
    danger?: string;
    /** Other facts worth reading (e.g. a mapping replaced with its consumer group intact). */
    notes: string[];
    /** Set when the change would fail on apply (a kept physical name, a delete-first of a resource in use, an update MSK refuses): why. */
    fails?: string;
    /** The resource type has no create-only table: a changed input may replace it. */
    unknownType?: boolean;
}

export interface PlanDiff {
    /** Stack of the base plan. */
    base: string;
    changes: ResourceChange[];
    counts: Record<Operation, number>;
    /** URNs of dangerous changes that `--allow-replace` did not name. */
    blocked: string[];
    /** `--allow-replace` values that named nothing dangerous. */
    unusedAllowances: string[];
}

export interface PlanDocument {
    stack: string;
    project: string;
    preview: boolean;
    resources: {
        urn: string;
        type: string;
        name: string;
        parent: string;
        dependencies: string[];
        propertyDependencies: Record<string, string[]>;
        inputs: Record<string, unknown>;
        /**
         * Simulated state after the step: inputs after Check (auto-names included) plus computed id, ARN and outputs.
         * Always present in this version's plans; optional for base plans (`--against`) made before it existed.
         */
        outputs?: Record<string, unknown>;
        options: { protect: boolean; deleteBeforeReplace: boolean; retainOnDelete: boolean };
    }[];
    outputs: Record<string, unknown>;
    policy?: PolicyReport & { config?: string };
    /** With `--against`: the changes from the base plan to this one. */
    diff?: PlanDiff;
}
