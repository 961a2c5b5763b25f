// Reading and probing our `inet wicket` table through an NftRunner: the allow sets' elements
// as the kernel holds them, the denied attempts, the spoofed counter, and whether this kernel
// can expire an element on request. The runner defaults to one `nft` process per call.
import { parseCounterJson, parseDeniedJson, parseSetJson, type ActualElement, type DeniedAttempt } from './listing.js';
import { nftTool, type NftRunner } from './nft-runner.js';
import { ALLOW_SETS, PROBE_SET, SPOOFED, probeCleanupText, probeExpireText, probeSetupText, type RemovalMode } from './ruleset.js';

/** Every element of the allow sets (IPv4 and IPv6) as the kernel holds it now. */
export async function listElements(nft: NftRunner = nftTool): Promise<ActualElement[]> {
  const sets = ALLOW_SETS;
  const startMs = Date.now();
  const jsons = await Promise.all(sets.map((s) => nft.listSet(s)));
  const endMs = Date.now();
  return sets.flatMap((s, i) => parseSetJson(jsons[i], s, startMs, endMs));
}

/**
 * Whether this kernel expires an element when asked to (`add` of an existing element with a
 * new timeout, Linux 6.10+): tried on a scratch set of our table, which it removes again.
 * An older kernel keeps the element, so removal must stay `delete` there.
 */
export async function probeRemovalMode(nft: NftRunner = nftTool): Promise<RemovalMode> {
  await nft.apply(probeSetupText());
  try {
    await nft.apply(probeExpireText());
    await new Promise((r) => setTimeout(r, 20));
    const listing = await nft.listSet(PROBE_SET);
    return listing.includes('"127.0.0.1"') ? 'delete' : 'expire';
  } finally {
    await nft.apply(probeCleanupText());
  }
}

/** Packets dropped so far for an overlay source that did not come out of the tunnel. */
export async function readSpoofed(nft: NftRunner = nftTool): Promise<number> {
  return parseCounterJson(await nft.listCounter(SPOOFED), SPOOFED);
}

/** The denied attempts (IPv4 and IPv6) recorded since they last timed out (for telemetry). */
export async function readDenied(nft: NftRunner = nftTool): Promise<DeniedAttempt[]> {
  const [v4, v6] = await Promise.all([nft.listSet('denied'), nft.listSet('denied6')]);
  return [...parseDeniedJson(v4), ...parseDeniedJson(v6, 'denied6')];
}
