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
