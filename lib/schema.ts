/**
 * A tiny declarative schema for stack configuration.
 *
 * Every field carries its documentation (default, range, allowed values) next to its validator, so the same table
 * validates config, writes error messages and can generate the README's config reference. Nothing here imports
 * Pulumi: the functions are plain and unit-testable.
 */

/** A config problem: the full key path (e.g. `msk-lambda:consumers[0].batchSize`) and what is wrong with it. */
export interface ConfigIssue {
    key: string;
    message: string;
}

/**
 * Thrown for invalid stack configuration, before any resource is registered.
 *
 * It carries Pulumi's `RunError` marker, so the Pulumi CLI prints only the message (no stack trace), and the offline
 * plan exits 2 with the message on stderr. Messages never include the offending value of a secret key.
 */
export class ConfigError extends Error {
    /** Marker read by `pulumi.RunError.isInstance`: a clean exit without the program's stack trace. */
    public readonly __pulumiRunError = true;
    constructor(public readonly issues: ConfigIssue[]) {
        super("Invalid stack configuration:\n" + issues.map((i) => `  - ${i.key}: ${i.message}`).join("\n"));
        this.name = "ConfigError";
    }
}

/** Collects issues while a config tree is parsed, so that every problem is reported at once. */
export class Issues {
    readonly list: ConfigIssue[] = [];
    add(key: string, message: string): undefined {
        this.list.push({ key, message });
        return undefined;
    }
    throwIfAny(): void {
        if (this.list.length > 0) {
            throw new ConfigError(this.list);
        }
    }
}

/**
 * The closest candidate to a misspelled word, if one is close enough to be meant: edit distance (case and `-`/`_`
 * ignored) of at most a third of the word's length, and at least 1 allowed; ties go to the first candidate. Each
 * comparison is O(word x candidate) with candidates of bounded length, and words over 100 characters are not compared,
 * so the cost is linear in the input.
 */
export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
    if (word.length > 100) return undefined;
    const norm = (w: string) => w.toLowerCase().replace(/[-_]/g, "");
    const w = norm(word);
    let best: string | undefined;
    let bestDistance = Math.max(1, Math.floor(w.length / 3)) + 1;
    for (const c of candidates) {
        const d = editDistance(w, norm(c));
        if (d < bestDistance) {
            best = c;
            bestDistance = d;
        }
    }
    // A truncated key (`cidr` for `cidrBlock`).
    return best ?? (w.length >= 3 ? candidates.find((c) => norm(c).startsWith(w)) : undefined);
}

/** Levenshtein distance with one row of memory. */
export function editDistance(a: string, b: string): number {
    let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        const cur = [i];
        for (let j = 1; j <= b.length; j++) {
            cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
        }
        prev = cur;
    }
    return prev[b.length];
}

/** `; did you mean X?` for a misspelled key, or nothing. */
export function suggestion(word: string, candidates: readonly string[]): string {
    const m = didYouMean(word, candidates);
    return m ? `; did you mean ${m}?` : "";
}

/** Describes one config field: documentation plus a parser that returns the value or records an issue. */
export interface Field<T> {
    /** Type as shown in docs, e.g. `integer`, `string`, `"a" | "b"`. */
    type: string;
    doc: string;
    /** The default, as shown in docs; `undefined` means none (optional or required). */
    default?: T;
    required?: boolean;
    /** The allowed values or range, as shown in docs and error messages. */
    allowed?: string;
    /**
     * Set only when the resource is created: a change on a live stack replaces it. A string says what is replaced
     * (e.g. "replaces the cluster"), shown in the config reference.
     */
    createOnly?: boolean | string;
    /** The value is sensitive: never echo it. */
    secret?: boolean;
    parse(value: unknown, key: string, issues: Issues): T | undefined;
}

function describe(value: unknown): string {
    if (value === null) return "null";
    if (Array.isArray(value)) return "an array";
    if (typeof value === "object") return "an object";
    if (typeof value === "string") {
        const shown = value.length > 60 ? value.slice(0, 57) + "..." : value;
        return JSON.stringify(shown);
    }
    return String(value);
}

/** What a value is, for messages; secret values are never shown. */
export function shown(value: unknown, secret?: boolean): string {
    if (secret) return typeof value === "string" ? "a string (value hidden)" : "a value of the wrong type";
    return describe(value);
}

interface Common<T> {
    doc: string;
    default?: T;
    required?: boolean;
    createOnly?: boolean | string;
    secret?: boolean;
}

export function str(
    opts: Common<string> & {
        pattern?: RegExp;
        /** Human form of the pattern, used in messages and docs. */
        allowed?: string;
        minLength?: number;
        maxLength?: number;
        check?: (v: string) => string | undefined;
    },
): Field<string> {
    return {
        type: "string",
        allowed: opts.allowed,
        ...pick(opts),
        parse(value, key, issues) {
            if (typeof value !== "string") {
                return issues.add(key, `must be a string${opts.allowed ? ` (${opts.allowed})` : ""}, got ${shown(value, opts.secret)}`);
            }
            if (opts.minLength !== undefined && value.length < opts.minLength) {
                return issues.add(key, `must be at least ${opts.minLength} characters long${opts.allowed ? ` (${opts.allowed})` : ""}`);
            }
            if (opts.maxLength !== undefined && value.length > opts.maxLength) {
                return issues.add(key, `must be at most ${opts.maxLength} characters long, got ${value.length}`);
            }
            if (opts.pattern && !opts.pattern.test(value)) {
                return issues.add(key, `${shown(value, opts.secret)} is not valid: allowed ${opts.allowed ?? opts.pattern.source}`);
            }
            const problem = opts.check?.(value);
            if (problem) return issues.add(key, problem);
            return value;
        },
    };
}

export function oneOf<T extends string>(values: readonly T[], opts: Common<T>): Field<T> {
    const allowed = values.map((v) => `"${v}"`).join(" | ");
    return {
        type: allowed,
        allowed,
        ...pick(opts),
        parse(value, key, issues) {
            if (typeof value !== "string" || !(values as readonly string[]).includes(value)) {
                return issues.add(key, `${shown(value)} is not allowed: use one of ${allowed}`);
            }
            return value as T;
        },
    };
}

/**
 * An integer. Like the Pulumi CLI's own config type check, a string of digits is accepted as an integer
 * (`pulumi config set --path` stores numbers that way unless told otherwise).
 */
export function int(opts: Common<number> & { min: number; max: number }): Field<number> {
    const allowed = `an integer from ${opts.min} to ${opts.max}`;
    return {
        type: "integer",
        allowed,
        ...pick(opts),
        parse(value, key, issues) {
            let n: number | undefined;
            if (typeof value === "number") n = value;
            else if (typeof value === "string" && /^-?[0-9]+$/.test(value.trim())) n = Number(value.trim());
            if (n === undefined || !Number.isInteger(n)) {
                return issues.add(key, `must be ${allowed}, got ${shown(value)}`);
            }
            if (n < opts.min || n > opts.max) {
                return issues.add(key, `${n} is out of range: must be ${allowed}`);
            }
            return n;
        },
    };
}

/** An integer from a fixed set of values (e.g. CloudWatch Logs retention days). */
export function intIn(values: readonly number[], opts: Common<number>): Field<number> {
    const allowed = `one of ${values.join(", ")}`;
    const inner = int({ ...opts, min: Math.min(...values), max: Math.max(...values) });
    return {
        ...inner,
        allowed,
        parse(value, key, issues) {
            const before = issues.list.length;
            const n = inner.parse(value, key, issues);
            if (issues.list.length > before) {
                issues.list[issues.list.length - 1].message = `must be ${allowed}, got ${shown(value)}`;
                return undefined;
            }
            if (!values.includes(n!)) return issues.add(key, `${n} is not allowed: use ${allowed}`);
            return n;
        },
    };
}

export function bool(opts: Common<boolean>): Field<boolean> {
    return {
        type: "boolean",
        allowed: "true | false",
        ...pick(opts),
        parse(value, key, issues) {
            if (value === true || value === "true") return true;
            if (value === false || value === "false") return false;
            return issues.add(key, `must be true or false, got ${shown(value)}`);
        },
    };
}

export function list<T>(item: Field<T>, opts: Common<T[]> & { minItems?: number; maxItems?: number; unique?: boolean }): Field<T[]> {
    const bounds =
        opts.minItems !== undefined && opts.maxItems !== undefined
            ? `${opts.minItems} to ${opts.maxItems} items`
            : opts.minItems !== undefined
              ? `at least ${opts.minItems} item${opts.minItems === 1 ? "" : "s"}`
              : opts.maxItems !== undefined
                ? `at most ${opts.maxItems} items`
                : "a list";
    return {
        type: `list of ${item.type}`,
        allowed: `${bounds}${item.allowed ? `, each ${item.allowed}` : ""}`,
        ...pick(opts),
        parse(value, key, issues) {
            if (!Array.isArray(value)) {
                return issues.add(key, `must be a list (${bounds}), got ${shown(value, opts.secret)}`);
            }
            if (opts.minItems !== undefined && value.length < opts.minItems) {
                return issues.add(key, `has ${value.length} item(s): must have ${bounds}`);
            }
            if (opts.maxItems !== undefined && value.length > opts.maxItems) {
                return issues.add(key, `has ${value.length} items: must have ${bounds}`);
            }
            const before = issues.list.length;
            const out = value.map((v, i) => item.parse(v, `${key}[${i}]`, issues));
            if (issues.list.length > before) return undefined;
            if (opts.unique) {
                const seen = new Set<string>();
                for (const v of out) {
                    const k = JSON.stringify(v);
                    if (seen.has(k)) return issues.add(key, `lists ${k} twice: items must be unique`);
                    seen.add(k);
                }
            }
            return out as T[];
        },
    };
}

/** The fields of an object; each entry's key is the config key below its parent. */
export type Spec = Record<string, Field<unknown>>;

/** The parsed value of a spec: present fields typed, absent optional fields `undefined`. */
export type Parsed<S extends Spec> = { [K in keyof S]: S[K] extends Field<infer T> ? T | undefined : never };

/**
 * Parses an object against a spec: unknown keys are refused (naming the allowed keys), defaults fill absent fields,
 * required fields must be present.
 */
export function parseObject<S extends Spec>(spec: S, value: unknown, key: string, issues: Issues): Parsed<S> | undefined {
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
        return issues.add(key, `must be an object with keys ${Object.keys(spec).join(", ")}; got ${shown(value)}`);
    }
    const obj = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    const before = issues.list.length;
    for (const k of Object.keys(obj)) {
        if (!Object.hasOwn(spec, k)) {
            issues.add(`${key}.${k}`, `is not a known key: allowed keys are ${Object.keys(spec).join(", ")}${suggestion(k, Object.keys(spec))}`);
        }
    }
    for (const [k, field] of Object.entries(spec)) {
        const v = obj[k];
        if (v === undefined || v === null) {
            if (field.required) issues.add(`${key}.${k}`, `is required${field.allowed ? ` (${field.allowed})` : ""}`);
            out[k] = field.default;
            continue;
        }
        out[k] = field.parse(v, `${key}.${k}`, issues);
    }
    return issues.list.length > before ? undefined : (out as Parsed<S>);
}

/** Declares an object-valued field from a spec (for docs and nesting). */
export function object<S extends Spec>(spec: S, opts: Common<Parsed<S>>): Field<Parsed<S>> & { spec: S } {
    return {
        type: "object",
        spec,
        ...pick(opts),
        parse(value, key, issues) {
            return parseObject(spec, value, key, issues);
        },
    };
}

function pick<T>(opts: Common<T>): Pick<Field<T>, "doc" | "default" | "required" | "createOnly" | "secret"> {
    return {
        doc: opts.doc,
        default: opts.default,
        required: opts.required,
        createOnly: opts.createOnly,
        secret: opts.secret,
    };
}
