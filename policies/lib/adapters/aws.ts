/**
 * The `aws` (classic) provider. Its type tokens and property shapes are the canonical model every rule reads, so its
 * adapter is the identity: an `aws` resource reaches the rules exactly as the engine sent it (no copy, no cost).
 * A classic type with no entry in `T` is not read by any rule.
 */
import { T } from "../types";

export const AWS_CANONICAL_TYPES: ReadonlySet<string> = new Set(Object.values(T));
