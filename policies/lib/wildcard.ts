/**
 * IAM wildcard matching (`*` any run of characters, `?` exactly one) in O((pattern + text) log(pattern + text)) time
 * whatever the input, without regular expressions.
 *
 * The pattern is split on `*` into segments. The first segment must match at the start of the text and the last at its
 * end; every middle segment is matched at its leftmost occurrence after the previous one (greedy leftmost matching is
 * optimal: a later occurrence can only leave less text for the segments that follow). Finding a segment:
 * - without `?`: Knuth-Morris-Pratt from the current position, O(distance advanced + segment length);
 * - with `?`, short (≤ 32 characters): checked in place at each position, O(32 × distance advanced);
 * - with `?`, long: matching with "don't care" positions by FFT (each character's rank written in bits; per bit, the
 *   mismatches are correlations of 0/1 vectors, exact in floating point once rounded), over windows of the text that double in
 *   size from 2 × the segment's length, so the work is O((distance advanced + segment length) log) per segment.
 * Summed over the segments, each part of the text and of the pattern is paid for a bounded number of times.
 */

const SHORT_WILDCARD_SEGMENT = 32;

/** Does `pattern` (with `*` and `?`) match the whole of `text`? */
export function wildcardMatch(pattern: string, text: string): boolean {
    if (pattern.indexOf("*") < 0) return pattern.length === text.length && atPosition(pattern, text, 0);
    const segments = pattern.split("*");
    const first = segments[0];
    const last = segments[segments.length - 1];
    if (first.length + last.length > text.length) return false;
    if (!atPosition(first, text, 0)) return false;
    if (!atPosition(last, text, text.length - last.length)) return false;
    let pos = first.length;
    const end = text.length - last.length;
    for (let i = 1; i < segments.length - 1; i++) {
        const s = segments[i];
        if (s.length === 0) continue;
        const at = find(s, text, pos, end);
        if (at < 0) return false;
        pos = at + s.length;
    }
    return pos <= end;
}

/** Does `segment` (no `*`, maybe `?`) match `text` at `at`? O(segment length). */
function atPosition(segment: string, text: string, at: number): boolean {
    if (at < 0 || at + segment.length > text.length) return false;
    for (let i = 0; i < segment.length; i++) {
        const c = segment.charCodeAt(i);
        if (c !== 63 /* ? */ && c !== text.charCodeAt(at + i)) return false;
    }
    return true;
}

/** Leftmost start `s` with `from <= s` and `s + segment.length <= end` where `segment` matches, or -1. */
function find(segment: string, text: string, from: number, end: number): number {
    if (segment.indexOf("?") < 0) return kmp(segment, text, from, end);
    if (segment.length <= SHORT_WILDCARD_SEGMENT) {
        for (let s = from; s + segment.length <= end; s++) if (atPosition(segment, text, s)) return s;
        return -1;
    }
    // Doubling windows: [from, from + w), w = 2L, 4L, ...; a window finds starts s with s + L <= window end.
    let w = 2 * segment.length;
    for (;;) {
        const windowEnd = Math.min(end, from + w);
        const hit = fftFind(segment, text, from, windowEnd);
        if (hit >= 0) return hit;
        if (windowEnd >= end) return -1;
        w *= 2;
    }
}

function kmp(p: string, text: string, from: number, end: number): number {
    const m = p.length;
    if (m === 0) return from <= end ? from : -1;
    const fail = new Int32Array(m);
    for (let i = 1, k = 0; i < m; i++) {
        while (k > 0 && p.charCodeAt(i) !== p.charCodeAt(k)) k = fail[k - 1];
        if (p.charCodeAt(i) === p.charCodeAt(k)) k++;
        fail[i] = k;
    }
    for (let i = from, k = 0; i < end; i++) {
        const c = text.charCodeAt(i);
        while (k > 0 && c !== p.charCodeAt(k)) k = fail[k - 1];
        if (c === p.charCodeAt(k)) k++;
        if (k === m) return i - m + 1;
    }
    return -1;
}

/** FFT-based matching with `?` as "don't care" in text[from, end): leftmost start, or -1. */
function fftFind(segment: string, text: string, from: number, end: number): number {
    const L = segment.length;
    const W = end - from;
    if (W < L) return -1;
    // Ranks 1..σ for the segment's characters; every other text character gets σ + 1.
    const rank = new Map<number, number>();
    for (let i = 0; i < L; i++) {
        const c = segment.charCodeAt(i);
        if (c !== 63 && !rank.has(c)) rank.set(c, rank.size + 1);
    }
    const other = rank.size + 1;
    let bits = 1;
    while (1 << bits <= other) bits++;
    let n = 1;
    while (n < W + L) n <<= 1;
    const segRank = new Int32Array(L);
    for (let i = 0; i < L; i++) {
        const c = segment.charCodeAt(i);
        segRank[i] = c === 63 ? 0 : (rank.get(c) as number);
    }
    const textRank = new Int32Array(W);
    for (let j = 0; j < W; j++) textRank[j] = rank.get(text.charCodeAt(from + j)) ?? other;
    // Per bit b, with P1 = pattern positions (reversed, for correlation) whose bit is 1, N = non-"?" pattern positions,
    // T1 = text positions whose bit is 1 and M = the window: mismatches = P1·(M - T1) + (N - P1)·T1
    // = P1·M + N·T1 - 2·P1·T1 (products of transforms). P1 and T1 share one complex FFT (real and imaginary parts).
    const re = new Float64Array(n);
    const im = new Float64Array(n);
    for (let i = 0; i < L; i++) if (segRank[i] !== 0) re[L - 1 - i] = 1;
    for (let j = 0; j < W; j++) im[j] = 1;
    fft(re, im, false);
    const [nRe, nIm, mRe, mIm] = split(re, im);
    const accRe = new Float64Array(n);
    const accIm = new Float64Array(n);
    for (let b = 0; b < bits; b++) {
        re.fill(0);
        im.fill(0);
        for (let i = 0; i < L; i++) if ((segRank[i] >> b) & 1) re[L - 1 - i] = 1;
        for (let j = 0; j < W; j++) if ((textRank[j] >> b) & 1) im[j] = 1;
        fft(re, im, false);
        const [pRe, pIm, tRe, tIm] = split(re, im);
        for (let k = 0; k < n; k++) {
            accRe[k] += pRe[k] * mRe[k] - pIm[k] * mIm[k] + nRe[k] * tRe[k] - nIm[k] * tIm[k] - 2 * (pRe[k] * tRe[k] - pIm[k] * tIm[k]);
            accIm[k] += pRe[k] * mIm[k] + pIm[k] * mRe[k] + nRe[k] * tIm[k] + nIm[k] * tRe[k] - 2 * (pRe[k] * tIm[k] + pIm[k] * tRe[k]);
        }
    }
    fft(accRe, accIm, true);
    // Correlation at start s lands at index s + L - 1.
    for (let s = 0; s + L <= W; s++) if (Math.round(accRe[s + L - 1]) === 0 && atPosition(segment, text, from + s)) return from + s;
    return -1;
}

/** The transforms of x and y from the transform of x + iy (x, y real): X[k] = (Z[k] + conj Z[-k]) / 2, Y[k] = (Z[k] - conj Z[-k]) / 2i. */
function split(zRe: Float64Array, zIm: Float64Array): [Float64Array, Float64Array, Float64Array, Float64Array] {
    const n = zRe.length;
    const xRe = new Float64Array(n);
    const xIm = new Float64Array(n);
    const yRe = new Float64Array(n);
    const yIm = new Float64Array(n);
    for (let k = 0; k < n; k++) {
        const j = (n - k) & (n - 1);
        xRe[k] = (zRe[k] + zRe[j]) / 2;
        xIm[k] = (zIm[k] - zIm[j]) / 2;
        yRe[k] = (zIm[k] + zIm[j]) / 2;
        yIm[k] = (zRe[j] - zRe[k]) / 2;
    }
    return [xRe, xIm, yRe, yIm];
}

/** In-place iterative radix-2 FFT (n a power of two); `inverse` scales by 1/n. */
function fft(re: Float64Array, im: Float64Array, inverse: boolean): void {
    const n = re.length;
    for (let i = 1, j = 0; i < n; i++) {
        let bit = n >> 1;
        for (; j & bit; bit >>= 1) j ^= bit;
        j ^= bit;
        if (i < j) {
            let t = re[i];
            re[i] = re[j];
            re[j] = t;
            t = im[i];
            im[i] = im[j];
            im[j] = t;
        }
    }
    for (let len = 2; len <= n; len <<= 1) {
        const ang = ((inverse ? 2 : -2) * Math.PI) / len;
        const wr = Math.cos(ang);
        const wi = Math.sin(ang);
        for (let i = 0; i < n; i += len) {
            let cr = 1;
            let ci = 0;
            const half = len >> 1;
            for (let k = 0; k < half; k++) {
                const a = i + k;
                const b = a + half;
                const xr = re[b] * cr - im[b] * ci;
                const xi = re[b] * ci + im[b] * cr;
                re[b] = re[a] - xr;
                im[b] = im[a] - xi;
                re[a] += xr;
                im[a] += xi;
                const ncr = cr * wr - ci * wi;
                ci = cr * wi + ci * wr;
                cr = ncr;
            }
        }
    }
    if (inverse) {
        for (let i = 0; i < n; i++) {
            re[i] /= n;
            im[i] /= n;
        }
    }
}
