import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";

/**
 * The `// Stryker disable` comments that exclude mutants from `npm run mutate` (README, "Mutation testing") exclude
 * what they say and no more. StrykerJS reads a directive only as the leading comment of a syntax node
 * (`DirectiveBookkeeper.processStrykerDirectives`, called on each node it enters), and `next-line` applies to the line
 * that node starts on. So: only the `next-line` form (a block's `restore` before a `}` leads no node, is never read,
 * and the `disable` then runs to the end of the file, excluding verdict code unseen), exactly spelled (Stryker ignores
 * `//  Stryker` or `stryker`), with mutator names Stryker has, a reason, and in the leading trivia of a node that
 * starts on the next line. Every comment that mentions Stryker in a mutated file is checked.
 */
const ROOT = path.join(__dirname, "..");
const MUTATED = ["policies/rules", "policies/lib", "plan", "lib"];
function sources(dir: string): string[] {
    return fs
        .readdirSync(path.join(ROOT, dir), { withFileTypes: true })
        .flatMap((e) => (e.isDirectory() ? sources(`${dir}/${e.name}`) : e.name.endsWith(".ts") ? [`${dir}/${e.name}`] : []));
}

/** StrykerJS 10's mutator names (Stryker docs, "Supported mutators"), and `all`. */
const MUTATORS = new Set([
    "all",
    "ArithmeticOperator",
    "ArrayDeclaration",
    "ArrowFunction",
    "AssignmentOperator",
    "BlockStatement",
    "BooleanLiteral",
    "CallExpression",
    "ConditionalExpression",
    "EqualityOperator",
    "LogicalOperator",
    "MethodExpression",
    "ObjectLiteral",
    "OptionalChaining",
    "Regex",
    "StringLiteral",
    "UnaryOperator",
    "UpdateOperator",
]);

interface Directive {
    line: number;
    text: string;
    /** The line of the (non-token) node whose leading trivia holds it, if any. */
    leads?: number;
}

/**
 * Every comment of a file that mentions Stryker (any case, line or block form), and the line of the node it leads:
 * Babel (which Stryker parses with) makes a comment the leading comment of the next node in the same parent, whether
 * or not a line break comes first, i.e. any comment in the trivia between a node's position and its first token. Token
 * punctuation (an operator, `?`, `,`) is no node to Babel: a comment before `|| b` leads `b`, not the expression.
 */
function directives(file: string): Directive[] {
    const text = fs.readFileSync(path.join(ROOT, file), "utf8");
    const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
    const lineOf = (pos: number) => sf.getLineAndCharacterOfPosition(pos).line + 1;
    // Every comment is in the trivia at some node's start or end (before a closing token: the last child's end).
    const comments = new Map<number, string>();
    const leading = new Map<number, number>();
    const collect = (at: number) => {
        for (const r of [...(ts.getLeadingCommentRanges(text, at) ?? []), ...(ts.getTrailingCommentRanges(text, at) ?? [])]) {
            const c = text.slice(r.pos, r.end);
            if (/stryker/i.test(c)) comments.set(r.pos, c);
        }
    };
    const visit = (node: ts.Node): void => {
        collect(node.pos);
        collect(node.end);
        if (node.kind < ts.SyntaxKind.FirstPunctuation || node.kind > ts.SyntaxKind.LastPunctuation) {
            const start = node.getStart(sf);
            for (const [pos] of comments) if (pos >= node.pos && pos < start && !leading.has(pos)) leading.set(pos, lineOf(start));
        }
        ts.forEachChild(node, visit);
    };
    ts.forEachChild(sf, visit);
    return [...comments].sort(([a], [b]) => a - b).map(([pos, c]) => ({ line: lineOf(pos), text: c, leads: leading.get(pos) }));
}

/** What is wrong with a directive, if anything. */
function problems(d: Directive): string[] {
    const form = /^\/\/ Stryker disable next-line ([A-Za-z]+(?:, ?[A-Za-z]+)*): \S/.exec(d.text);
    if (!form) return [`${d.line}: not "// Stryker disable next-line <mutators>: <reason>" (another form leaks, or is not read)`];
    const unknown = form[1]
        .split(",")
        .map((n) => n.trim())
        .filter((n) => !MUTATORS.has(n));
    return [
        ...(unknown.length ? [`${d.line}: no mutator named ${unknown.join(", ")} (Stryker excludes nothing for it)`] : []),
        ...(d.leads === undefined ? [`${d.line}: leads no syntax node (before a closing token, an operator, else, catch or finally): never read`] : []),
        ...(d.leads !== undefined && d.leads !== d.line + 1 ? [`${d.line}: the node it leads starts on line ${d.leads}, not the next line`] : []),
    ];
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
        it(`${file}: every directive is a next-line one with known mutators and a reason, leading the next line's node`, () => {
            assert.deepStrictEqual(found.flatMap(problems), []);
        });
    }
});
