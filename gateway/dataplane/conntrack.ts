// Flushing connection-tracking entries of removed sessions. Enforcement does not wait for
// it (the rules cut both directions at the next packet); it frees the entries of cut flows,
// so a recycled overlay address inherits none. Sources are coalesced into as few CIDR blocks
// as possible, each free of any session that stays, so a large removal is a few processes,
// not one per session.
import { runTool } from '../../common/exec.js';
import { ipv4Range, numberToIpv4 } from '../../common/ipv4.js';
import { bigIntToIpv6, ipv6Range } from '../../common/ipv6.js';

/**
 * The fewest aligned blocks inside `pool` covering every address of `flush` and none of
 * `keep` (both numeric IPv4, any order). Pure.
 */
export function flushBlocks(pool: string, flush: readonly number[], keep: readonly number[]): string[] {
  const f = [...flush].sort((a, b) => a - b);
  const k = [...keep].sort((a, b) => a - b);
  const any = (sorted: number[], lo: number, hi: number) => {
    let l = 0;
    let h = sorted.length;
    while (l < h) {
      const m = (l + h) >> 1;
      if (sorted[m] < lo) l = m + 1;
      else h = m;
    }
    return l < sorted.length && sorted[l] <= hi;
  };
  const out: string[] = [];
  const visit = (first: number, len: number) => {
    const last = first + 2 ** (32 - len) - 1;
    if (!any(f, first, last)) return;
    if (!any(k, first, last)) {
      out.push(`${numberToIpv4(first)}/${len}`);
      return;
    }
    if (len === 32) return; // an address both flushed and kept: keeping wins
    const half = 2 ** (31 - len);
    visit(first, len + 1);
    visit(first + half, len + 1);
  };
  const [first, last] = ipv4Range(pool);
  visit(first, 32 - Math.log2(last - first + 1));
  // Addresses outside the pool (should not happen) are flushed one by one.
  for (const a of f) if (a < first || a > last) out.push(`${numberToIpv4(a)}/32`);
  return out;
}

/**
 * The same for IPv6 overlay addresses (bigints), which the controller derives from the IPv4
 * ones at the same offset into `prefix` (common/ipv6.ts overlayIpv6): the blocks of `pool`
 * moved to `prefix`, their length grown by 96. An address outside that image of the pool (a
 * controller with another prefix) is flushed alone. Pure.
 */
export function flushBlocks6(pool: string, prefix: string, flush: readonly bigint[], keep: readonly bigint[]): string[] {
  const [poolFirst, poolLast] = ipv4Range(pool);
  const [first, last] = ipv6Range(prefix);
  const size = BigInt(poolLast - poolFirst);
  const inPool = (a: bigint) => a >= first && a - first <= size && a <= last;
  const toV4 = (a: bigint) => poolFirst + Number(a - first);
  const blocks = last - first < size ? [] : flushBlocks(pool, flush.filter(inPool).map(toV4), keep.filter(inPool).map(toV4));
  const out = blocks.map((b) => {
    const [network, len] = b.split('/');
    return `${bigIntToIpv6(first + BigInt(ipv4Range(network)[0] - poolFirst))}/${Number(len) + 96}`;
  });
  for (const a of flush) if (last - first < size || !inPool(a)) out.push(`${bigIntToIpv6(a)}/128`);
  return out;
}

/**
 * Deletes the conntrack entries whose original source lies in each block: an IPv4 CIDR, or
 * an IPv6 CIDR (`-f ipv6`).
 */
export async function flushConntrack(blocks: readonly string[]): Promise<void> {
  for (const block of blocks) {
    try {
      await runTool('conntrack', block.includes(':') ? ['-D', '-f', 'ipv6', '-s', block] : ['-D', '-s', block]);
    } catch (e) {
      // conntrack exits 1 when there was nothing to delete.
      if (!/0 flow entries have been deleted/.test((e as Error).message)) throw e;
    }
  }
}
