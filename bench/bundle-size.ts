/**
 * `npm run bench:bundle [entry.ts]`: the size of the handler bundle as the program builds it (components/bundle.ts:
 * esbuild, minified CommonJS, the AWS SDK left to the Lambda runtime), raw and gzip-compressed (about what the
 * deployment zip holds), and the largest inputs. A script, not a test: it measures, it asserts nothing.
 */
import * as esbuild from "esbuild";
import * as path from "path";
import { gzipSync } from "zlib";
import { buildOptions, bundle, HANDLER_ENTRY } from "../components/bundle";

const entry = path.resolve(process.argv[2] ?? HANDLER_ENTRY);
const { code } = bundle(entry);
const raw = Buffer.byteLength(code);
const gzip = gzipSync(code, { level: 9 }).length;
// The same build with a metafile, to show where the bytes come from (by package).
const meta = esbuild.buildSync({ ...buildOptions(entry), metafile: true }).metafile!;
const byPackage = new Map<string, number>();
for (const [file, info] of Object.entries(Object.values(meta.outputs)[0].inputs)) {
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
    const key = m ? m[1] : path.dirname(file);
    byPackage.set(key, (byPackage.get(key) ?? 0) + info.bytesInOutput);
}
console.log(
    `| measure | bytes |\n| --- | --- |\n| handler bundle (${path.relative(process.cwd(), entry)}) | ${raw.toLocaleString("en")} |\n| gzip -9 | ${gzip.toLocaleString("en")} |`,
);
for (const [k, v] of [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 8)) console.log(`| of which ${k} | ${v.toLocaleString("en")} |`);
console.log(JSON.stringify({ entry: path.relative(process.cwd(), entry), bytes: raw, gzipBytes: gzip, byPackage: Object.fromEntries(byPackage) }));
