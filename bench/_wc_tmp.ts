import { wildcardMatch } from "../policies/lib/wildcard";
const big = "*" + "a?".repeat(30000) + "*b";
const text = "arn:aws:kafka:" + "a".repeat(200000) + "b";
for (let i = 0; i < 3; i++) { const t0 = Date.now(); const r = wildcardMatch(big, text); console.log(r, Date.now() - t0, "ms"); }
const big4 = "*" + "x?".repeat(30000) + "*";
for (let i = 0; i < 2; i++) { const t0 = Date.now(); const r = wildcardMatch(big4, text); console.log(r, Date.now() - t0, "ms (no match)"); }
