import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";

/**
 * The `// Stryker disable` comments that exclude mutants from `npm run mutate` (README, "Mutation testing") exclude
 * what they say and no more. StrykerJS reads a directive only as the leading comment of a syntax node
 * (`DirectiveBookkeeper.processStrykerDirectives`, called on each node it enters), and `next-line` applies to the line
 * that node starts on. So: only the `next-line` form (a block's `restore` before a `}` leads no node, is never read,
 * and the `disable` then runs to the end of the file, excluding verdict code unseen); in the leading trivia of a node
 * (not before `}`, `)`, `,`, `else`, `catch` or `finally`); with a reason. Every mutated file is read.
 */
const ROOT = path.join(__dirname, "..");
const MUTATED = ["policies/rules", "policies/lib", "plan", "lib"];
function sources(dir: string): string[] {
    return fs
        .readdirSync(path.join(ROOT, dir), { withFileTypes: true })
        .flatMap((e) => (e.isDirectory() ? sources(`${dir}/${e.name}`) : e.name.endsWith(".ts") ? [`${dir}/${e.name}`] : []));
}

/** Each Stryker directive of a file, and whether it is in the leading trivia of a syntax node (one walk of the tree). */
function directives(file: string): { line: number; text: string; leads: boolean }[] {
    const text = fs.readFileSync(path.join(ROOT, file), "utf8");
    const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
    const re = /\/\/ ?Stryker (disable|restore)[^\n]*/g;
    // Babel (which Stryker parses with) makes a comment the leading comment of the next node in the same parent,
    // whether or not a line break comes first: any comment in the trivia between a node's position and its first token.
    const leading = new Set<number>();
    const visit = (node: ts.Node): void => {
        const start = node.getStart(sf);
        const trivia = text.slice(node.pos, start);
        if (trivia.includes("Stryker")) for (const m of trivia.matchAll(re)) leading.add(node.pos + m.index);
        ts.forEachChild(node, visit);
    };
    ts.forEachChild(sf, visit);
    const out: { line: number; text: string; leads: boolean }[] = [];
    for (let m = re.exec(text); m; m = re.exec(text)) {
        out.push({ line: sf.getLineAndCharacterOfPosition(m.index).line + 1, text: m[0], leads: leading.has(m.index) });
    }
    return out;
}

describe("Stryker directives exclude only what they say (npm run mutate)", () => {
    const files = MUTATED.flatMap(sources);
    it("finds the mutated files and their directives", () => {
        assert.ok(files.length > 40, `${files.length} files`);
        assert.ok(files.flatMap(directives).length > 100);
    });
    for (const file of files) {
        const found = directives(file);
        if (!found.length) continue;
        it(`${file}: every directive is a next-line one with a reason, leading a node`, () => {
            const bad = found.flatMap((d) => [
                ...(/Stryker disable next-line [A-Za-z, ]+: \S/.test(d.text) ? [] : [`${d.line}: not "disable next-line <mutators>: <reason>"`]),
                ...(d.leads ? [] : [`${d.line}: leads no syntax node (it comes before a closing token, else, catch or finally), so Stryker never reads it`]),
            ]);
            assert.deepStrictEqual(bad, []);
        });
    }
});
