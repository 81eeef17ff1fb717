/**
 * CIDR blocks as address ranges, parsed by hand (no regular expression): every IPv4 and IPv6 spelling EC2 accepts
 * (`::/0`, `0::/0`, `::0/0`, `0:0:0:0:0:0:0:0/0`, `::ffff:1.2.3.4/128`, leading zeros, upper case) gives the same range.
 * `covers` decides whether a set of ranges covers a target range in O(n log n) (sort, then one sweep), so a group
 * split into pieces (`0.0.0.0/1` + `128.0.0.0/1`) is judged by what it admits, not by how it is spelled.
 */

export interface Range {
    family: 4 | 6;
    lo: bigint;
    hi: bigint;
}

function parseV4(text: string): bigint | undefined {
    const parts = text.split(".");
    if (parts.length !== 4) return undefined;
    let v = 0n;
    for (const p of parts) {
        if (p.length === 0 || p.length > 3) return undefined;
        let n = 0;
        for (const ch of p) {
            const d = ch.charCodeAt(0) - 48;
            if (d < 0 || d > 9) return undefined;
            n = n * 10 + d;
        }
        if (n > 255) return undefined;
        v = (v << 8n) | BigInt(n);
    }
    return v;
}

function parseHexGroup(g: string): number | undefined {
    if (g.length === 0 || g.length > 4) return undefined;
    let n = 0;
    for (const ch of g.toLowerCase()) {
        const c = ch.charCodeAt(0);
        const d = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : -1;
        if (d < 0) return undefined;
        n = n * 16 + d;
    }
    return n;
}

/** The 8 groups of an IPv6 address (with `::` and an optional trailing dotted IPv4), or undefined. */
function parseV6(text: string): bigint | undefined {
    if (text.length > 45) return undefined;
    const halves = text.split("::");
    if (halves.length > 2) return undefined;
    const groups = (s: string): number[] | undefined => {
        if (s === "") return [];
        const out: number[] = [];
        const parts = s.split(":");
        for (let i = 0; i < parts.length; i++) {
            const p = parts[i];
            if (i === parts.length - 1 && p.includes(".")) {
                const v4 = parseV4(p);
                if (v4 === undefined) return undefined;
                out.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
                continue;
            }
            const g = parseHexGroup(p);
            if (g === undefined) return undefined;
            out.push(g);
        }
        return out;
    };
    const head = groups(halves[0]);
    const tail = halves.length === 2 ? groups(halves[1]) : [];
    if (!head || !tail) return undefined;
    const missing = 8 - head.length - tail.length;
    if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
    const all = [...head, ...Array(halves.length === 2 ? missing : 0).fill(0), ...tail];
    let v = 0n;
    for (const g of all) v = (v << 16n) | BigInt(g);
    return v;
}

/** A CIDR block as the range of addresses it admits (host bits masked off, as EC2 does), or undefined. */
export function parseCidr(cidr: string): Range | undefined {
    const slash = cidr.indexOf("/");
    if (slash < 0 || cidr.length > 64) return undefined;
    const addr = cidr.slice(0, slash).trim();
    const lenText = cidr.slice(slash + 1).trim();
    if (lenText === "" || lenText.length > 3) return undefined;
    let len = 0;
    for (const ch of lenText) {
        const d = ch.charCodeAt(0) - 48;
        if (d < 0 || d > 9) return undefined;
        len = len * 10 + d;
    }
    const family: 4 | 6 = addr.includes(":") ? 6 : 4;
    const bits = family === 4 ? 32 : 128;
    if (len > bits) return undefined;
    const v = family === 4 ? parseV4(addr) : parseV6(addr);
    if (v === undefined) return undefined;
    const hostBits = BigInt(bits - len);
    const lo = (v >> hostBits) << hostBits;
    return { family, lo, hi: lo + (1n << hostBits) - 1n };
}

/** Whether the union of `ranges` covers every address of `target` (O(n log n)). */
export function covers(ranges: { lo: bigint; hi: bigint }[], target: { lo: bigint; hi: bigint }): boolean {
    const sorted = ranges.filter((r) => r.hi >= target.lo && r.lo <= target.hi).sort((a, b) => (a.lo < b.lo ? -1 : a.lo > b.lo ? 1 : 0));
    let next = target.lo;
    for (const r of sorted) {
        if (r.lo > next) return false;
        if (r.hi >= next) next = r.hi + 1n;
        if (next > target.hi) return true;
    }
    return next > target.hi;
}

const v4 = (c: string) => parseCidr(c)!;

/**
 * IPv4 addresses that are not reachable from the internet (RFC 6890 special-purpose: "this network", private, shared,
 * loopback, link-local, multicast and reserved). A rule set that, with these, covers the whole IPv4 space admits the
 * whole internet, however it is split (e.g. everything except 10.0.0.0/8).
 */
export const IPV4_NOT_INTERNET: Range[] = [
    "0.0.0.0/8",
    "10.0.0.0/8",
    "100.64.0.0/10",
    "127.0.0.0/8",
    "169.254.0.0/16",
    "172.16.0.0/12",
    "192.168.0.0/16",
    "224.0.0.0/4",
    "240.0.0.0/4",
].map(v4);

export const IPV4_ALL: Range = v4("0.0.0.0/0");
/** IPv6 global unicast (RFC 4291: 2000::/3): the IPv6 internet. */
export const IPV6_INTERNET: Range = parseCidr("2000::/3")!;

/**
 * Whether a set of admitted CIDR ranges opens the address space to the internet: all public IPv4 addresses, or all
 * IPv6 global unicast addresses.
 */
export function worldOpen(ranges: Range[]): { ipv4: boolean; ipv6: boolean } {
    const four = ranges.filter((r) => r.family === 4);
    const six = ranges.filter((r) => r.family === 6);
    return {
        ipv4: four.length > 0 && covers([...four, ...IPV4_NOT_INTERNET], IPV4_ALL),
        ipv6: six.length > 0 && covers(six, IPV6_INTERNET),
    };
}
