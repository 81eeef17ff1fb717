/**
 * Test helper for the policy pack: one pack process per test run (started on first use, as the CLI starts it, and
 * stopped by the root hook below), and builders for resources "as another program would register them".
 */
import { PackServer, type AnalyzerInput, type Diagnostic, type PolicyConfigFile } from "../../plan/analyzer";
import { secretValue } from "../../plan/values";

let server: Promise<PackServer> | undefined;

export function pack(): Promise<PackServer> {
    return (server ??= PackServer.start());
}

/** Root hooks (loaded through .mocharc's `require`): stop the pack after all tests. */
export const mochaHooks = {
    async afterAll() {
        if (server) await (await server).stop();
    },
};

/** The protocol's unknown sentinel, as a first `pulumi preview` sends computed values. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
/** A secret as the engine sends it (the pack's runtime unwraps it). */
export const secret = secretValue;

export const ACCOUNT = "111122223333";
export const CLUSTER_ARN = `arn:aws:kafka:us-east-1:${ACCOUNT}:cluster/shared/fc2f5bdf-fd1b-45ad-85dd-15b4a5a6247e-2`;

export interface Res extends AnalyzerInput {
    /** Property dependencies by resource object, turned into URNs. */
    deps?: Record<string, Res[]>;
}

/** A resource of another program (project `other`), with property dependencies on other test resources. */
export function res(type: string, name: string, props: Record<string, unknown>, deps: Record<string, Res[]> = {}): Res {
    const urn = `urn:pulumi:test::other::${type}::${name}`;
    const propertyDependencies: Record<string, string[]> = {};
    for (const [k, list] of Object.entries(deps)) propertyDependencies[k] = list.map((r) => r.urn);
    return { type, name, urn, props, parent: "", dependencies: [...new Set(Object.values(propertyDependencies).flat())], propertyDependencies };
}

/**
 * Sends the resources through `Analyze` (each) and `AnalyzeStack` (all), with the given policy config, and returns
 * every diagnostic (resource-policy diagnostics carry the analyzed resource's URN).
 */
export async function check(resources: Res | Res[], config: PolicyConfigFile = {}): Promise<Diagnostic[]> {
    const list = Array.isArray(resources) ? resources : [resources];
    const s = await pack();
    await s.configure(config);
    const out: Diagnostic[] = [];
    for (const r of list) {
        const a = await s.analyze(r);
        out.push(...a.diagnostics.map((d) => ({ ...d, urn: d.urn || r.urn })));
    }
    out.push(...(await s.analyzeStack(list)).diagnostics);
    return out;
}

/** Diagnostics of one policy. */
export function of(diags: Diagnostic[], policy: string, level?: Diagnostic["enforcementLevel"]): Diagnostic[] {
    return diags.filter((d) => d.policy === policy && (level === undefined || d.enforcementLevel === level));
}
