import * as esbuild from "esbuild";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "crypto";

/** The consumer handler's entry point (TypeScript), bundled at program time: no build step to remember. */
export const HANDLER_ENTRY = path.resolve(__dirname, "..", "handler", "index.ts");

const cache = new Map<string, { code: string; sha256: string }>();

/** The esbuild options of the handler bundle (also used by `npm run bench:bundle`). */
export function buildOptions(entry: string): esbuild.BuildOptions & { write: false } {
    return {
        entryPoints: [entry],
        bundle: true,
        platform: "node",
        target: "node24",
        format: "cjs",
        write: false,
        // The Node.js runtime ships the AWS SDK for JavaScript v3: it stays out of the bundle (Powertools'
        // idempotency store loads @aws-sdk/client-dynamodb and @aws-sdk/util-dynamodb from the runtime). Powertools'
        // Avro and Protobuf deserialisers are loaded only for a custom Avro or Protobuf schema, which the stack's
        // handler does not use (a schema registry's JSON record format needs neither).
        external: ["@aws-sdk/*", "avro-js", "protobufjs", "protobufjs/*"],
        minify: true,
        keepNames: true,
        sourcemap: false,
        legalComments: "none",
        logLevel: "silent",
    };
}

/**
 * Bundles a TypeScript entry point with esbuild into one minified CommonJS file for the Node.js runtime on arm64. The result
 * is cached per entry for the life of the program, so many consumers share one bundle.
 */
export function bundle(entry: string = HANDLER_ENTRY): { code: string; sha256: string } {
    let hit = cache.get(entry);
    if (!hit) {
        const result = esbuild.buildSync(buildOptions(entry));
        const code = result.outputFiles[0].text;
        hit = { code, sha256: createHash("sha256").update(code).digest("hex") };
        cache.set(entry, hit);
    }
    return hit;
}

/** The handler as a Lambda deployment archive (`index.js`, handler `index.handler`). */
export function handlerArchive(entry?: string): pulumi.asset.AssetArchive {
    return new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset(bundle(entry).code) });
}
