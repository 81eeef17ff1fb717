/**
 * Extracts every TypeScript example from the API documentation of each resource type the policy pack reads, as the
 * installed providers ship it: the doc comment above `export declare class` in `@pulumi/aws` and `@pulumi/aws-native`
 * type declarations (the same text as the Pulumi Registry's "Example Usage"). tests/pack-doc-examples.test.ts judges
 * each one, and fails when a provider upgrade brings an example it has not judged.
 *
 *   npx ts-node --transpile-only scripts/doc-examples.ts        # one line per example: id and size
 */
import * as fs from "fs";
import * as path from "path";
import { providerTypesFor } from "../policies/lib/adapters";
import { READS } from "../policies/policies";

export interface DocExample {
    /** `<provider type> :: <title>` (with ` #n` when a title repeats). */
    id: string;
    type: string;
    title: string;
    code: string;
}

const ROOT = path.resolve(__dirname, "..");

/** `aws:msk/cluster:Cluster` → node_modules/@pulumi/aws/msk/cluster.d.ts; `aws-native:msk:Cluster` → …/aws-native/msk/cluster.d.ts. */
export function declarationFile(type: string): string {
    const [provider, mod, cls] = type.split(":");
    const dir = provider === "aws" ? mod.split("/")[0] : mod;
    const file = provider === "aws" ? mod.split("/")[1] : cls[0].toLowerCase() + cls.slice(1);
    return path.join(ROOT, "node_modules", "@pulumi", provider, dir, `${file}.d.ts`);
}

/** Every provider type that feeds a type the pack reads. */
export function typesRead(): string[] {
    const canonical = new Set(Object.values(READS).flat());
    return [...new Set([...canonical].flatMap((t) => providerTypesFor(t)))].sort();
}

/** The examples in one declaration file's class comment. */
export function examplesIn(type: string, text: string): DocExample[] {
    const end = text.indexOf("export declare class");
    if (end < 0) return [];
    const start = text.lastIndexOf("/**", end);
    const lines = text
        .slice(start, end)
        .split("\n")
        .map((l) => {
            const t = l.trimStart();
            return t.startsWith("* ") ? t.slice(2) : t.startsWith("*") ? t.slice(1) : t;
        });
    const out: DocExample[] = [];
    const seen = new Map<string, number>();
    let title = "Example";
    for (let i = 0; i < lines.length; i++) {
        const l = lines[i];
        if (l.startsWith("### ") || l.startsWith("## ")) title = l.slice(l.indexOf(" ") + 1).trim();
        if (l.trim() !== "```typescript") continue;
        const code: string[] = [];
        for (i++; i < lines.length && lines[i].trim() !== "```"; i++) code.push(lines[i]);
        const n = (seen.get(title) ?? 0) + 1;
        seen.set(title, n);
        out.push({ id: `${type} :: ${title}${n > 1 ? ` #${n}` : ""}`, type, title, code: code.join("\n") });
    }
    return out;
}

/** Every example of every type the pack reads, from the installed providers. */
export function docExamples(): DocExample[] {
    const out: DocExample[] = [];
    for (const type of typesRead()) {
        const file = declarationFile(type);
        if (!fs.existsSync(file)) throw new Error(`${type}: no declaration file ${file}`);
        out.push(...examplesIn(type, fs.readFileSync(file, "utf8")));
    }
    return out;
}

if (require.main === module) {
    for (const e of docExamples()) console.log(`${e.id}\t${e.code.length}`);
}
