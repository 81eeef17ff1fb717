/**
 * "Broader than needed" follows from the patterns, not from fixed probe names (issue 17 §3): generated resource
 * patterns for a secret (wildcards, `?` runs, literals, policy variables, NotResource lists naming any fixed name) are
 * judged "any secret" exactly when they allow every one of many random secret ARNs (random names long enough for the
 * patterns' `?` runs, in regions and accounts the patterns do not name; for NotResource, when any is left allowed),
 * and an author who names the pack's own probe
 * gains nothing. (A set of patterns that covers every name but those starting with one character is not "any secret":
 * policies/README.md lists it as a limit.)
 */
import * as assert from "assert";
import { allows, type Stmt } from "../policies/lib/iam-eval";
import { probeFor } from "../policies/lib/iam-probe";
import { broadGrants } from "../policies/rules/iam";
import { rng } from "./helpers/generate";

const NAME_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/_+=.@-";

function pick<T>(r: () => number, list: T[]): T {
    return list[Math.floor(r() * list.length)];
}

function word(r: () => number, min: number, max: number): string {
    const n = min + Math.floor(r() * (max - min + 1));
    let s = "";
    for (let i = 0; i < n; i++) s += pick(r, [...NAME_CHARS]);
    return s;
}

/** A generated Resource pattern for secrets, and the longest `?` run it needs. */
function pattern(r: () => number): string {
    const region = pick(r, ["*", "*", "us-east-1"]);
    const account = pick(r, ["*", "*", "111122223333"]);
    const lit = word(r, 1, 3);
    const name = pick(r, ["*", "?*", "???*", `${lit}*`, `*${lit}*`, `*${lit}`, lit, "${aws:username}*", "*${aws:PrincipalTag/team}", "??????", "*?"]);
    return `arn:aws:secretsmanager:${region}:${account}:secret:${name}`;
}

/** Random secret ARNs (random regions, accounts and names long enough for every `?` run of the patterns). */
function samples(r: () => number, n: number): string[] {
    const out: string[] = [];
    for (let i = 0; i < n; i++) {
        // A region and account the patterns never name: "any secret" means any name, in any region and account.
        const region = pick(r, ["eu-central-2", "ap-southeast-4"]);
        const account = pick(r, ["999900001111", "444455556666"]);
        out.push(`arn:aws:secretsmanager:${region}:${account}:secret:${word(r, 8, 40)}`);
    }
    return out;
}

const anySecret = (st: Stmt[]) => broadGrants(st).some((m) => m.includes("GetSecretValue on any secret"));

describe("policy pack: breadth follows from the patterns (generated)", () => {
    it("a pattern is 'any secret' exactly when it allows every one of many random secret ARNs", () => {
        const r = rng(17);
        let flagged = 0;
        for (let i = 0; i < 400; i++) {
            const resources = [pattern(r), ...(r() < 0.3 ? [pattern(r)] : [])];
            const negated = r() < 0.25;
            const st: Stmt[] = [
                { Effect: "Allow", Action: "secretsmanager:GetSecretValue", ...(negated ? { NotResource: resources } : { Resource: resources }) },
            ];
            // Resource: broad when it allows every name; NotResource: when it leaves any name allowed (a complement
            // of patterns that do not cover every name is unbounded).
            const list = samples(r, 60);
            const ok = (arn: string) => allows(st, "secretsmanager:GetSecretValue", arn);
            const broad = negated ? list.some(ok) : list.every(ok);
            assert.strictEqual(anySecret(st), broad, JSON.stringify(st));
            if (broad) flagged++;
        }
        // Both verdicts occur: the generated cases exercise the rule.
        assert.ok(flagged > 20 && flagged < 380, `${flagged}`);
    });

    it("naming the probe the pack would use in NotResource does not hide a broad grant", () => {
        const broad: Stmt[] = [{ Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: "*" }];
        const probe = probeFor(broad).secret;
        const evading: Stmt[] = [{ Effect: "Allow", Action: "secretsmanager:GetSecretValue", NotResource: [probe] }];
        assert.ok(anySecret(evading));
    });
});
