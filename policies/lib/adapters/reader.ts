/**
 * The small vocabulary adapters are written in: a `Reader` reads a provider's raw properties by dotted path and builds
 * the canonical (`aws` classic) shape. Unknown values stay unknown (the protocol's sentinel), so a rule reading the
 * canonical shape tells "absent" from "not known yet" exactly as it would on an `aws` resource.
 *
 * A Reader can also run in recording mode over no data: it then notes every provider path an adapter reads (array
 * items once, as `list[]`), which is how a test proves each path exists in the provider's published type declarations.
 */
import { get, isUnknown, UNKNOWN } from "../values";

export interface Reader {
    /** The value at a dotted path (`a.b.c`) of the provider's properties; unknown steps give the unknown sentinel. */
    get(path: string): unknown;
    /**
     * An object built from the value at `path`: `undefined` when absent, unknown when unknown, otherwise `build` run
     * with a Reader rooted at that value.
     */
    obj(path: string, build: (r: Reader) => Record<string, unknown>): unknown;
    /** The items of the array at `path`, each mapped with a Reader rooted at the item; unknown when unknown. */
    list(path: string, item: (r: Reader) => unknown): unknown;
    /** A single value at `path` as a one-item list (`cidrIp` → `cidrBlocks`), or undefined when absent. */
    one(path: string): unknown;
}

function split(path: string): string[] {
    return path === "" ? [] : path.split(".");
}

/** A Reader over real properties. */
export function reader(props: unknown): Reader {
    const self: Reader = {
        get: (path) => get(props, ...split(path)),
        obj(path, build) {
            const v = self.get(path);
            if (v === undefined || v === null) return undefined;
            if (isUnknown(v)) return UNKNOWN;
            if (typeof v !== "object" || Array.isArray(v)) return undefined;
            return drop(build(reader(v)));
        },
        list(path, item) {
            const v = self.get(path);
            if (isUnknown(v)) return UNKNOWN;
            if (!Array.isArray(v)) return undefined;
            return v.map((x) => (isUnknown(x) ? UNKNOWN : item(reader(x))));
        },
        one(path) {
            const v = self.get(path);
            return v === undefined || v === null || v === "" ? undefined : [v];
        },
    };
    return self;
}

/** Drops undefined members, so a canonical object holds only what the provider set. */
function drop(o: Record<string, unknown>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
    return out;
}

/** A Reader over nothing that records every path read under `prefix` (array items as `path[]`). */
export function recorder(paths: Set<string>, prefix = ""): Reader {
    const full = (path: string) => (prefix && path ? `${prefix}.${path}` : prefix || path);
    const self: Reader = {
        get(path) {
            paths.add(full(path));
            return undefined;
        },
        obj(path, build) {
            paths.add(full(path));
            build(recorder(paths, full(path)));
            return undefined;
        },
        list(path, item) {
            paths.add(full(path));
            item(recorder(paths, `${full(path)}[]`));
            return undefined;
        },
        one(path) {
            paths.add(full(path));
            return undefined;
        },
    };
    return self;
}

/** Canonical props from a table of canonical top-level key → builder; undefined results are left out. */
export function build(r: Reader, table: Record<string, (r: Reader) => unknown>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, f] of Object.entries(table)) {
        const v = f(r);
        if (v !== undefined) out[k] = v;
    }
    return out;
}

/** The top-level provider properties each canonical top-level key reads (for renaming property dependencies). */
export function sourcesOf(table: Record<string, (r: Reader) => unknown>): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const [k, f] of Object.entries(table)) {
        const paths = new Set<string>();
        f(recorder(paths));
        out[k] = [...new Set([...paths].map(topProperty))];
    }
    return out;
}

/** The top-level property of a recorded path (`a.b[0]` -> `a`), with a character loop. */
function topProperty(path: string): string {
    let i = 0;
    while (i < path.length && path[i] !== "." && path[i] !== "[") i++;
    return path.slice(0, i);
}
