// A recording NftRunner for unit tests of the data plane's apply paths (no root, no nft):
// it keeps every applied text, serves canned `nft -j` listings, and can fail the next apply.
import type { NftRunner } from './nft-runner.js';

/** An empty set as `nft -j list set` prints it. */
const emptySet = (name: string) => JSON.stringify({ nftables: [{ metainfo: { version: '1.0.6' } }, { set: { family: 'inet', name, table: 'wicket' } }] });

export class NftRunnerFake implements NftRunner {
  /** Every text applied, in order (empty texts are not applied, as with the real runners). */
  readonly applied: string[] = [];
  /** Canned `nft -j list set` output by set name (default: the set, empty). */
  readonly sets = new Map<string, string>();
  /** Canned `nft -j list counter` output by counter name (default: no counter). */
  readonly counters = new Map<string, string>();
  /** The next apply rejects with this error, and is not recorded. */
  failNext: Error | null = null;

  /** @param log a call log shared with other fakes, to check the order of OS calls */
  constructor(private readonly log: string[] = []) {}

  async apply(text: string): Promise<void> {
    if (text.length === 0) return;
    this.log.push('nft apply');
    const failure = this.failNext;
    this.failNext = null;
    if (failure) throw failure;
    this.applied.push(text);
  }

  async listSet(name: string): Promise<string> {
    return this.sets.get(name) ?? emptySet(name);
  }

  async listCounter(name: string): Promise<string> {
    return this.counters.get(name) ?? JSON.stringify({ nftables: [] });
  }
}
