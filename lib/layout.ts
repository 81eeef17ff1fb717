import { BROKER_PORTS as FACT_BROKER_PORTS } from "../policies/lib/facts";

/**
 * Pure network layout: CIDR arithmetic, subnet plans per AZ, and broker ports per authentication mode.
 * No Pulumi here; components turn these plans into resources.
 */

export type NetworkMode = "privatelink" | "nat" | "existing";
export type Authentication = "iam" | "scram" | "mtls" | "tls" | "plaintext";

/**
 * The broker port Lambda's pollers use for each authentication mode (seed: "9092 for plaintext, 9094 for TLS, 9096 for
 * SASL, 9098 for IAM"). Defined once, with the policy pack's other AWS facts.
 */
export const BROKER_PORTS: Record<Authentication, number> = FACT_BROKER_PORTS;

/** AWS limits a VPC's (and a subnet's) IPv4 CIDR to between /16 and /28. */
export const VPC_MIN_PREFIX = 16;
export const SUBNET_MAX_PREFIX = 28;

export interface Cidr {
    /** Network address as an unsigned 32-bit integer. */
    base: number;
    prefix: number;
}

const CIDR_RE = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Parses `a.b.c.d/n`; returns a message instead of throwing when it is not a canonical IPv4 CIDR. */
export function parseCidr(text: string): Cidr | string {
    const m = CIDR_RE.exec(text);
    if (!m) return `"${text}" is not an IPv4 CIDR block such as 10.0.0.0/16`;
    const octets = m.slice(1, 5).map(Number);
    if (octets.some((o) => o > 255)) return `"${text}" has an octet above 255`;
    const prefix = Number(m[5]);
    if (prefix > 32) return `"${text}" has a prefix length above 32`;
    const base = ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;
    const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
    if ((base & mask) >>> 0 !== base) {
        return `"${text}" has host bits set: the network address is ${formatCidr({ base: (base & mask) >>> 0, prefix })}`;
    }
    return { base, prefix };
}

export function formatCidr(c: Cidr): string {
    const b = c.base;
    return `${b >>> 24}.${(b >>> 16) & 255}.${(b >>> 8) & 255}.${b & 255}/${c.prefix}`;
}

/** Validates a VPC CIDR: canonical IPv4, size /16 to /28 (AWS's VPC limits). */
export function checkVpcCidr(text: string): string | undefined {
    const c = parseCidr(text);
    if (typeof c === "string") return c;
    if (c.prefix < VPC_MIN_PREFIX || c.prefix > SUBNET_MAX_PREFIX) {
        return `"${text}" is /${c.prefix}: a VPC CIDR block must be from /${VPC_MIN_PREFIX} to /${SUBNET_MAX_PREFIX}`;
    }
    return undefined;
}

export interface SubnetPlan {
    /** Index of the AZ (0-based) in the region's available AZs. */
    az: number;
    tier: "private" | "public";
    cidrBlock: string;
}

/**
 * Splits a VPC CIDR into equal subnets: one private subnet per AZ, plus one public subnet per AZ in `nat` mode (for its
 * NAT gateway). Private subnets come first (AZ order), then public ones. Throws a message naming the smallest VPC that
 * fits when the block is too small for the AZ count (a subnet may be no smaller than /28).
 */
export function planSubnets(cidrBlock: string, azCount: number, mode: Exclude<NetworkMode, "existing">): SubnetPlan[] {
    const vpc = parseCidr(cidrBlock);
    if (typeof vpc === "string") throw new Error(vpc);
    if (!Number.isInteger(azCount) || azCount < 1) throw new Error(`azCount must be a positive integer, got ${azCount}`);
    const tiers: SubnetPlan["tier"][] = mode === "nat" ? ["private", "public"] : ["private"];
    const count = azCount * tiers.length;
    const newBits = Math.ceil(Math.log2(count));
    const prefix = vpc.prefix + newBits;
    if (prefix > SUBNET_MAX_PREFIX) {
        throw new Error(
            `${cidrBlock} is too small for ${count} subnets (${azCount} AZs, ${mode} mode): each would be /${prefix}, ` +
                `smaller than AWS's minimum /${SUBNET_MAX_PREFIX}; use a /${SUBNET_MAX_PREFIX - newBits} or larger block`,
        );
    }
    const size = 2 ** (32 - prefix);
    const plans: SubnetPlan[] = [];
    let k = 0;
    for (const tier of tiers) {
        for (let az = 0; az < azCount; az++) {
            plans.push({ az, tier, cidrBlock: formatCidr({ base: (vpc.base + k * size) >>> 0, prefix }) });
            k++;
        }
    }
    return plans;
}

/** True when two CIDR blocks share any address. */
export function cidrsOverlap(a: string, b: string): boolean {
    const x = parseCidr(a);
    const y = parseCidr(b);
    if (typeof x === "string" || typeof y === "string") return false;
    const xEnd = x.base + 2 ** (32 - x.prefix) - 1;
    const yEnd = y.base + 2 ** (32 - y.prefix) - 1;
    return x.base <= yEnd && y.base <= xEnd;
}

/**
 * MSK places brokers in 2 or 3 client subnets, each in its own AZ, and the broker count must be a multiple of the
 * subnet count. The cluster uses the first min(3, subnets) private subnets.
 */
export const MSK_MAX_CLIENT_SUBNETS = 3;
export function clusterSubnetCount(privateSubnets: number): number {
    return Math.min(MSK_MAX_CLIENT_SUBNETS, privateSubnets);
}
