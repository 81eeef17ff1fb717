/** The GitHub workflows name only scripts, stacks and paths that exist, and use OIDC rather than long-lived keys. */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { ROOT, SHIPPED_STACKS } from "./helpers/plan";

const DIR = path.join(ROOT, ".github", "workflows");
const files = fs.existsSync(DIR) ? fs.readdirSync(DIR).filter((f) => /\.ya?ml$/.test(f)) : [];

/** Every way `${{ matrix.NAME }}` can expand for a job (the text itself when it has no matrix reference). */
function expansions(text: string, matrix: Record<string, unknown[]>): string[] {
    const m = /\$\{\{\s*matrix\.([A-Za-z0-9_-]+)\s*\}\}/.exec(text);
    if (!m) return [text];
    const values = matrix[m[1]];
    assert.ok(Array.isArray(values), `matrix.${m[1]} is not defined`);
    return values.flatMap((v) => expansions(text.replace(m[0], String(v)), matrix));
}

function scriptsOf(dir: string): Record<string, string> {
    return JSON.parse(fs.readFileSync(path.join(ROOT, dir, "package.json"), "utf8")).scripts ?? {};
}

describe("GitHub workflows", () => {
    it("exist for pull requests, deploys and policy publishing", () => {
        assert.deepStrictEqual(files.sort(), ["deploy.yml", "policy-publish.yml", "pull-request.yml"]);
    });

    for (const file of files) {
        describe(file, () => {
            const wf = parse(fs.readFileSync(path.join(DIR, file), "utf8"));

            it("names only npm scripts, files, stacks, working directories and policy configs that exist", () => {
                let checked = 0;
                for (const [jobName, job] of Object.entries<any>(wf.jobs)) {
                    const matrix = job.strategy?.matrix ?? {};
                    // Folders a checkout step fills with another commit of this repository (e.g. the PR's base).
                    const checkouts = new Set<string>(
                        (job.steps ?? []).filter((s: any) => String(s.uses).startsWith("actions/checkout") && s.with?.path).map((s: any) => s.with.path),
                    );
                    for (const step of job.steps ?? []) {
                        const given = step["working-directory"] ?? ".";
                        const cwd = checkouts.has(given) ? "." : given;
                        assert.ok(fs.existsSync(path.join(ROOT, cwd)), `${jobName}: working-directory ${given}`);
                        for (const run of expansions(step.run ?? "", matrix)) {
                            for (const m of run.matchAll(/npm run (?:-s |--silent )?([a-z:-]+)/g)) {
                                assert.ok(m[1] in scriptsOf(cwd), `${jobName}: npm run ${m[1]} is not a script of ${given}/package.json`);
                                checked++;
                            }
                            for (const m of run.matchAll(/bash (\S+)/g)) {
                                assert.ok(fs.existsSync(path.join(ROOT, cwd, m[1])), `${jobName}: ${m[1]} does not exist`);
                                checked++;
                            }
                            for (const m of run.matchAll(/--stack (\S+)/g)) {
                                assert.ok(SHIPPED_STACKS.includes(m[1]), `${jobName}: stack ${m[1]} has no Pulumi.${m[1]}.yaml`);
                                checked++;
                            }
                            for (const m of run.matchAll(/--config (\S+\.json)/g)) {
                                assert.ok(fs.existsSync(path.join(ROOT, cwd, m[1])), `${jobName}: ${cwd}/${m[1]} does not exist`);
                                checked++;
                            }
                        }
                        const w = step.with ?? {};
                        for (const name of expansions(w["stack-name"] ?? "", matrix).filter(Boolean)) {
                            const stack = name.split("/").pop()!;
                            assert.ok(SHIPPED_STACKS.includes(stack), `${jobName}: stack-name ${name} has no Pulumi.${stack}.yaml`);
                            checked++;
                        }
                        for (const key of ["policyPacks", "policyPackConfigs", "work-dir"]) {
                            for (const p of expansions(w[key] ?? "", matrix).filter(Boolean)) {
                                assert.ok(fs.existsSync(path.join(ROOT, p)), `${jobName}: ${key} ${p} does not exist`);
                                checked++;
                            }
                        }
                    }
                }
                assert.ok(checked > 0, "the workflow names nothing to check");
            });

            it("pins every action to a major version and gets AWS credentials only through OIDC", () => {
                const text = fs.readFileSync(path.join(DIR, file), "utf8");
                for (const job of Object.values<any>(wf.jobs)) {
                    for (const step of job.steps ?? []) {
                        if (step.uses) assert.match(step.uses, /@v\d+$/, step.uses);
                        if (String(step.uses).startsWith("aws-actions/configure-aws-credentials")) {
                            assert.ok(step.with["role-to-assume"], "role-to-assume");
                            assert.strictEqual((job.permissions ?? wf.permissions)?.["id-token"], "write", "OIDC needs id-token: write");
                        }
                    }
                }
                assert.doesNotMatch(text, /aws-access-key-id|aws-secret-access-key|AWS_SECRET_ACCESS_KEY/);
            });
        });
    }

    it("builds the pack's compiled JavaScript before every step that loads or publishes the pack", () => {
        let checked = 0;
        for (const file of files) {
            const wf = parse(fs.readFileSync(path.join(DIR, file), "utf8"));
            for (const [jobName, job] of Object.entries<any>(wf.jobs)) {
                const steps: any[] = job.steps ?? [];
                steps.forEach((step, i) => {
                    const loads = step.with?.policyPacks !== undefined || /pulumi policy publish/.test(step.run ?? "");
                    if (!loads) return;
                    checked++;
                    const built = steps.slice(0, i).some((s) => /npm run build:policies/.test(s.run ?? ""));
                    assert.ok(built, `${file} ${jobName}: the pack is used before \`npm run build:policies\` (its main is policies/bin/index.js)`);
                });
            }
        }
        assert.ok(checked >= 4, `only ${checked} steps load or publish the pack`);
    });

    it("previews every shipped stack with its policy config on pull requests, and deploys dev before a protected prod", () => {
        const pr = parse(fs.readFileSync(path.join(DIR, "pull-request.yml"), "utf8"));
        assert.deepStrictEqual([...pr.jobs.preview.strategy.matrix.stack].sort(), [...SHIPPED_STACKS].sort());
        const preview = pr.jobs.preview.steps.find((s: any) => String(s.uses).startsWith("pulumi/actions"));
        assert.deepStrictEqual([preview.with.command, preview.with.policyPacks, preview.with["comment-on-pr"]], ["preview", "policies", true]);
        const deploy = parse(fs.readFileSync(path.join(DIR, "deploy.yml"), "utf8"));
        assert.strictEqual(deploy.jobs.prod.needs, "dev");
        assert.strictEqual(deploy.jobs.prod.environment, "prod");
    });

    it("compares each stack's offline plan with the PR's base commit, fork-safe, and prints the changes in the job summary", () => {
        const text = fs.readFileSync(path.join(DIR, "pull-request.yml"), "utf8");
        const pr = parse(text);
        assert.deepStrictEqual(Object.keys(pr.on), ["pull_request"], "pull_request only: never pull_request_target");
        assert.deepStrictEqual(pr.permissions, { contents: "read" });
        const plan = pr.jobs.plan;
        assert.deepStrictEqual(plan.permissions, { contents: "read" });
        assert.doesNotMatch(JSON.stringify([pr.jobs.test, plan]), /secrets\./, "the test and plan jobs use no secret");
        assert.deepStrictEqual([...plan.strategy.matrix.stack].sort(), [...SHIPPED_STACKS].sort());
        const base = plan.steps.find((s: any) => String(s.uses).startsWith("actions/checkout") && s.with?.path);
        assert.strictEqual(base.with.ref, "${{ github.event.pull_request.base.sha }}");
        assert.strictEqual(base.with["persist-credentials"], false);
        const basePlan = plan.steps.find((s: any) => s["working-directory"] === base.with.path);
        assert.match(basePlan.run, /npm ci[^\n]*\n[\s\S]*npm run --silent plan -- --stack \$\{\{ matrix\.stack \}\} --json > "\$RUNNER_TEMP\/base\.json"/);
        const compare = plan.steps.find((s: any) => /--against/.test(s.run ?? ""));
        assert.match(compare.run, /--against "\$RUNNER_TEMP\/base\.json"/);
        assert.match(compare.run, />> "\$GITHUB_STEP_SUMMARY"/);
        assert.match(compare.run, /exit "\$code"/, "the job fails with the plan's exit code (4: a stateful resource would be replaced)");
        // The preview needs secrets and OIDC: only for branches of this repository.
        assert.strictEqual(pr.jobs.preview.if, "github.event.pull_request.head.repo.full_name == github.repository");
        assert.strictEqual(pr.jobs.preview.permissions["id-token"], "write");
    });

    it("runs on the Node versions package.json supports", () => {
        const engines = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).engines.node;
        assert.strictEqual(engines, "^22.13.0 || >=24");
        const pr = parse(fs.readFileSync(path.join(DIR, "pull-request.yml"), "utf8"));
        assert.deepStrictEqual(pr.jobs.test.strategy.matrix.node, [22, 24]);
        for (const file of files) {
            for (const job of Object.values<any>(parse(fs.readFileSync(path.join(DIR, file), "utf8")).jobs)) {
                for (const step of job.steps ?? []) {
                    if (!String(step.uses).startsWith("actions/setup-node")) continue;
                    const v = String(step.with["node-version"]);
                    assert.ok(v === "22" || v === "${{ matrix.node }}", `${file}: node-version ${v}`);
                }
            }
        }
    });
});

/**
 * Issue 24: where the Pulumi CLI runs the program, its Node.js language host loads index.ts through ts-node, which
 * type-checks it unless `PULUMI_NODEJS_TRANSPILE_ONLY=true` (@pulumi/pulumi/cmd/run/run.js). A step may skip that check
 * only where `.ci/run` (npm test: `tsc --noEmit` over the program) checked the same commit earlier in the workflow, and
 * where it did, the step skips it (the second check costs about 5 s per stack per run).
 */
type Workflow = { env?: Record<string, unknown>; jobs: Record<string, any> };

/** How a step runs the program: under the Pulumi CLI, or through `npm run plan` (ts-node transpile-only), or not. */
function programRun(step: any): "pulumi" | "plan" | undefined {
    if (String(step.uses).startsWith("pulumi/actions") && ["preview", "up", "refresh", "destroy"].includes(step.with?.command)) return "pulumi";
    if (/(^|[\s;&|])pulumi (preview|up|refresh|destroy)\b/m.test(step.run ?? "")) return "pulumi";
    if (/npm run (-s |--silent )?plan\b/.test(step.run ?? "")) return "plan";
    return undefined;
}

/** The commit a step works on: the workflow's own, or another one a checkout step with `ref` put in its folder. */
function onOwnCommit(job: any, step: any): boolean {
    const checkouts: any[] = (job.steps ?? []).filter((s: any) => String(s.uses).startsWith("actions/checkout"));
    const dir = step["working-directory"] ?? ".";
    const checkout = checkouts.find((s) => (s.with?.path ?? ".") === dir) ?? checkouts.find((s) => !s.with?.path);
    return !!checkout && checkout.with?.ref === undefined;
}

/** Whether job `name` runs, after success, behind a job (itself included, before `index`) whose `.ci/run` checked the workflow's commit. */
function checkedBefore(wf: Workflow, name: string, index: number, seen = new Set<string>()): boolean {
    if (seen.has(name)) return false;
    seen.add(name);
    const job = wf.jobs[name];
    const steps: any[] = job.steps ?? [];
    const ran = steps.slice(0, index).some((s) => /(^|\s)bash \.ci\/run(\s|$)/.test(s.run ?? "") && !s["continue-on-error"] && !s.if && onOwnCommit(job, s));
    if (ran) return true;
    // `needs` runs a job only after the jobs it names succeeded, unless its `if` says otherwise.
    if (/always\(\)|failure\(\)|cancelled\(\)/.test(String(job.if ?? ""))) return false;
    const needs: string[] = job.needs === undefined ? [] : [job.needs].flat();
    return needs.some((n) => wf.jobs[n] && checkedBefore(wf, n, Infinity, seen));
}

function transpileOnly(wf: Workflow, job: any, step: any): boolean {
    const value = step.env?.PULUMI_NODEJS_TRANSPILE_ONLY ?? job.env?.PULUMI_NODEJS_TRANSPILE_ONLY ?? wf.env?.PULUMI_NODEJS_TRANSPILE_ONLY;
    return String(value) === "true";
}

/** Every step that runs the program, with what is wrong about its type-check (empty when nothing is). */
function typeCheckProblems(wf: Workflow): { at: string; problem?: string }[] {
    const out: { at: string; problem?: string }[] = [];
    for (const [name, job] of Object.entries<any>(wf.jobs)) {
        (job.steps ?? []).forEach((step: any, i: number) => {
            const kind = programRun(step);
            if (!kind) return;
            const at = `${name} step ${i + 1}`;
            const own = onOwnCommit(job, step);
            const checked = own && checkedBefore(wf, name, i);
            const skips = kind === "plan" || transpileOnly(wf, job, step);
            // The PR's base commit, checked out in its own folder beside the workflow's commit, is planned only as the
            // comparison base of --against: never previewed or deployed.
            const baseFolder = (job.steps ?? []).some(
                (s: any) => String(s.uses).startsWith("actions/checkout") && s.with?.path && s.with.path === step["working-directory"] && s.with.ref,
            );
            if (kind === "plan" && baseFolder && onOwnCommit(job, {})) return out.push({ at });
            if (skips && !checked) out.push({ at, problem: "skips the type-check but no .ci/run checked this commit before it" });
            else if (!skips && checked) out.push({ at, problem: 'type-checks again what .ci/run checked: set PULUMI_NODEJS_TRANSPILE_ONLY: "true"' });
            else out.push({ at });
        });
    }
    return out;
}

describe("GitHub workflows: the program's second type-check (issue 24)", () => {
    const workflows = files.map((f) => [f, parse(fs.readFileSync(path.join(DIR, f), "utf8")) as Workflow] as const);

    it(".ci/run type-checks the program: npm test runs tsc over index.ts, components/, lib/ and the pack", () => {
        assert.match(fs.readFileSync(path.join(ROOT, ".ci", "run"), "utf8"), /^npm test /m);
        const scripts = scriptsOf(".");
        assert.match(scripts.test, /^npm run typecheck && /);
        assert.strictEqual(scripts.typecheck, "tsc --noEmit -p .");
        assert.match(scripts.plan, /ts-node\/register\/transpile-only/, "npm run plan never type-checks: it runs only behind .ci/run");
        const include: string[] = require("../tsconfig.json").include;
        for (const p of ["index.ts", "components/**/*.ts", "lib/**/*.ts", "policies/**/*.ts"])
            assert.ok(include.includes(p), `tsconfig.json include lacks ${p}`);
    });

    for (const [file, wf] of workflows) {
        it(`${file}: every step that runs the program skips the type-check exactly where .ci/run checked its commit before`, () => {
            const found = typeCheckProblems(wf);
            assert.deepStrictEqual(
                found.filter((f) => f.problem),
                [],
            );
            if (file !== "policy-publish.yml") assert.ok(found.length > 0, `${file} runs the program nowhere`);
        });

        it(`${file}: every Pulumi step that skips the check has the environment npm run bench measures as the workflows' start`, async () => {
            const { MODE_ENV } = await import("../bench/start");
            for (const job of Object.values<any>(wf.jobs)) {
                for (const step of job.steps ?? []) {
                    if (programRun(step) !== "pulumi" || !transpileOnly(wf, job, step)) continue;
                    const env = { ...wf.env, ...job.env, ...step.env };
                    for (const [k, v] of Object.entries(MODE_ENV.workflows)) assert.strictEqual(String(env[k]), v, `${k} of a Pulumi step`);
                }
            }
        });

        it(`${file}: a tsconfig a Pulumi step names (PULUMI_NODEJS_TSCONFIG_PATH) exists, and only where the check is skipped`, () => {
            for (const job of Object.values<any>(wf.jobs)) {
                for (const step of job.steps ?? []) {
                    const tsconfig = step.env?.PULUMI_NODEJS_TSCONFIG_PATH ?? job.env?.PULUMI_NODEJS_TSCONFIG_PATH ?? wf.env?.PULUMI_NODEJS_TSCONFIG_PATH;
                    if (tsconfig === undefined) continue;
                    assert.strictEqual(programRun(step), "pulumi", "PULUMI_NODEJS_TSCONFIG_PATH on a step that does not run the program");
                    assert.ok(fs.existsSync(path.join(ROOT, step["working-directory"] ?? ".", tsconfig)), `${tsconfig} does not exist`);
                    assert.ok(transpileOnly(wf, job, step), `${tsconfig} without PULUMI_NODEJS_TRANSPILE_ONLY: its esbuild transpiler would not be used`);
                }
            }
        });

        // The check above can fail: each change that breaks the rule for a step is caught (generated per step).
        for (const { at } of typeCheckProblems(wf)) {
            const [job, , n] = at.split(" ");
            const index = Number(n) - 1;
            const step = wf.jobs[job].steps[index];
            if (!onOwnCommit(wf.jobs[job], step)) continue;
            const variants: [string, (w: any) => void][] = [
                ["without .ci/run", (w) => Object.values<any>(w.jobs).forEach((j) => (j.steps = j.steps?.filter((s: any) => !/\.ci\/run/.test(s.run ?? ""))))],
                [
                    "on another commit",
                    (w) =>
                        w.jobs[job].steps
                            .filter((s: any) => String(s.uses).startsWith("actions/checkout") && !s.with?.path)
                            .forEach((s: any) => (s.with = { ...s.with, ref: "other" })),
                ],
                ["behind a job that may have failed", (w) => Object.values<any>(w.jobs).forEach((j) => (j.if = "always()"))],
            ];
            if (programRun(step) === "pulumi")
                variants.push([
                    "type-checking again",
                    (w) => (w.jobs[job].steps[index].env = { ...w.jobs[job].steps[index].env, PULUMI_NODEJS_TRANSPILE_ONLY: "false" }),
                ]);
            it(`${file}: ${at} is refused ${variants.map(([v]) => v).join(", or ")}`, () => {
                for (const [what, change] of variants) {
                    const copy = structuredClone(wf);
                    change(copy);
                    const problems = typeCheckProblems(copy).filter((f) => f.at === at && f.problem);
                    assert.strictEqual(problems.length, 1, `${at} ${what}: not caught`);
                }
            });
        }
    }
});
