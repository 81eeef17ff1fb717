import { createHash } from "crypto";

/**
 * A physical name of at most `max` characters: `parts` joined with "-", shortened with a stable hash suffix when too
 * long, so names stay unique and deterministic (Lambda function names: 64; SQS queue names: 80).
 */
export function physicalName(parts: string[], max: number): string {
    const full = parts.filter(Boolean).join("-");
    if (full.length <= max) return full;
    const hash = createHash("sha256").update(full).digest("hex").slice(0, 8);
    return `${full.slice(0, max - 9)}-${hash}`;
}
