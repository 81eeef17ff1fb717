/** What an adapter is: how one provider's resource type becomes the canonical (`aws` classic) shape rules read. */
import type { Reader } from "./reader";

/** Builders of canonical top-level properties, keyed by canonical name. */
export type PropTable = Record<string, (r: Reader) => unknown>;

/**
 * A canonical resource an adapter derives from an inline part of the provider's resource (a bucket's inline public
 * access block, a secret's inline value, a managed policy's role attachments). It keeps the resource's URN, so a
 * violation about it points at the resource the program registered.
 */
export interface Extra {
    type: string;
    props: Record<string, unknown>;
    /**
     * Property dependencies of the derived resource: canonical property → `"self"` (the canonical form of the resource
     * itself) or the provider's top-level property whose dependencies it takes over.
     */
    deps: Record<string, string[]>;
}

export interface Adapter {
    provider: "aws" | "aws-native";
    /** The provider's type token. */
    from: string;
    /** The canonical type the resource becomes. */
    to: string;
    props: PropTable;
    /** Canonical types `extras` may yield (so a rule on those types knows this provider type feeds it). */
    extraTypes?: string[];
    extras?: (r: Reader) => Extra[];
}
