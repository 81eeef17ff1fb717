import { BROKER_PORTS as FACT_BROKER_PORTS } from "../policies/lib/public";

/**
 * Pure network layout: CIDR arithmetic, subnet plans per AZ, and broker ports per authentication mode.
 * No Pulumi here; components turn these plans into resources.
 */

export type NetworkMode = "privatelink" | "nat" | "existing";
export type Authentication = "iam" | "scram" | "mtls" | "tls" | "plaintext";

/**
 * The broker port Lambda's pollers use for each authentication mode ("Using Lambda with Amazon MSK": "9092 for plaintext, 9094 for TLS, 9096 for
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

/** Validates a VPC CIDR: canonical IPv4, size /16 (AWS's largest VPC) to the layout's smallest block (a /28 subnet per 1/16). */
export function checkVpcCidr(text: string): string | undefined {
    const c = parseCidr(text);
    if (typeof c === "string") return c;
    if (c.prefix < VPC_MIN_PREFIX || c.prefix > SUBNET_MAX_PREFIX) {
        return `"${text}" is /${c.prefix}: use a block from /${VPC_MIN_PREFIX} to /${LAYOUT_MAX_VPC_PREFIX} (AWS allows a VPC from /${VPC_MIN_PREFIX} to /${SUBNET_MAX_PREFIX}; each subnet of this layout is 1/16 of the block, and AWS's smallest subnet is /${SUBNET_MAX_PREFIX})`;
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
 * The stable subnet layout. The VPC is cut into 16 equal slots (each subnet is 1/16 of the VPC block): private subnets
 * take slots 0-5 (one per AZ index), public subnets slots 8-13; slots 6, 7, 14 and 15 are spare. A subnet's CIDR thus
 * depends only on the VPC block, its tier and its AZ index, never on how many AZs or tiers exist: going from 2 to 3 AZs,
 * or from `privatelink` to `nat`, adds subnets and moves none. (An equal split by the current subnet count would
 * re-cut every subnet, and a subnet's CIDR is create-only: the subnets, and through its client subnets the MSK cluster,
 * would be replaced.)
 */
export const SUBNET_SLOT_BITS = 4;
/** The most AZs a stack's VPC spans (the `network.azCount` bound). */
export const MAX_AZS = 6;
const TIER_SLOT: Record<SubnetPlan["tier"], number> = { private: 0, public: 8 };

/** The largest VPC prefix the stable layout fits: its 1/16 subnets may be no smaller than /28. */
export const LAYOUT_MAX_VPC_PREFIX = SUBNET_MAX_PREFIX - SUBNET_SLOT_BITS;

/** One subnet's CIDR: a function of the VPC block, the tier and the AZ index only. Throws when it cannot fit. */
export function subnetCidr(cidrBlock: string, tier: SubnetPlan["tier"], az: number): string {
    const vpc = parseCidr(cidrBlock);
    if (typeof vpc === "string") throw new Error(vpc);
    if (!Number.isInteger(az) || az < 0 || az >= MAX_AZS) throw new Error(`AZ index must be an integer from 0 to ${MAX_AZS - 1}, got ${az}`);
    const prefix = vpc.prefix + SUBNET_SLOT_BITS;
    if (prefix > SUBNET_MAX_PREFIX) {
        throw new Error(
            `${cidrBlock} is too small: each subnet is 1/16 of the VPC block (a stable layout: adding an AZ or public subnets moves no subnet), ` +
                `here /${prefix}, smaller than AWS's minimum /${SUBNET_MAX_PREFIX}; use a /${LAYOUT_MAX_VPC_PREFIX} or larger block`,
        );
    }
    const size = 2 ** (32 - prefix);
    return formatCidr({ base: (vpc.base + (TIER_SLOT[tier] + az) * size) >>> 0, prefix });
}

/**
 * The subnets of a created VPC: one private subnet per AZ, plus one public subnet per AZ in `nat` mode (for its NAT
 * gateway). Private subnets come first (AZ order), then public ones. Each CIDR comes from `subnetCidr` (stable layout).
 */
export function planSubnets(cidrBlock: string, azCount: number, mode: Exclude<NetworkMode, "existing">): SubnetPlan[] {
    if (!Number.isInteger(azCount) || azCount < 1 || azCount > MAX_AZS) throw new Error(`azCount must be an integer from 1 to ${MAX_AZS}, got ${azCount}`);
    const tiers: SubnetPlan["tier"][] = mode === "nat" ? ["private", "public"] : ["private"];
    const plans: SubnetPlan[] = [];
    for (const tier of tiers) {
        for (let az = 0; az < azCount; az++) plans.push({ az, tier, cidrBlock: subnetCidr(cidrBlock, tier, az) });
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
