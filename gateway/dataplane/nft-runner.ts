// The data plane's one seam to nftables: an NftRunner applies a text as one transaction and
// lists a set or a counter of our table as nft's JSON. The real runners run `nft`; tests
// use the recording fake beside this file (nft-runner.fake.ts), so the apply paths need no
// root. Text builders live in ruleset.ts, parsers in listing.ts.
import { runTool } from '../../common/exec.js';
import { NftShell, SHELL_MAX_BYTES } from './nft-shell.js';
import { TABLE } from './ruleset.js';

export interface NftRunner {
  /** Runs `text` (nft commands, one per line) as ONE atomic transaction; empty text runs nothing. */
  apply(text: string): Promise<void>;
  /** `nft -j list set` of one of our table's sets. */
  listSet(name: string): Promise<string>;
  /** `nft -j list counter` of one of our table's named counters. */
  listCounter(name: string): Promise<string>;
}

const [FAMILY, NAME] = TABLE.split(' ');

/** One `nft` process per call: `nft -f -` for a transaction, `nft -j list` to read. */
export const nftTool: NftRunner = {
  async apply(text) {
    if (text.length === 0) return;
    await runTool('nft', ['-f', '-'], { stdin: text, timeoutMs: 120_000 });
  },
  listSet: (name) => runTool('nft', ['-j', 'list', 'set', FAMILY, NAME, name]),
  listCounter: (name) => runTool('nft', ['-j', 'list', 'counter', FAMILY, NAME, name]),
};

/**
 * The data plane's runner: small transactions (a delta's few elements) as a line to a
 * long-lived `nft -i` (nft-shell.ts), once `openShell` found it usable; everything else, and
 * everything before `openShell` and after `close`, one `nft` process per call (nftTool).
 */
export class ShellNftRunner implements NftRunner {
  private shell: NftShell | null = null;

  /** Starts the `nft -i`; rejects (and keeps using `nft -f -`) when this nft has none. */
  async openShell(): Promise<void> {
    const shell = new NftShell();
    try {
      await shell.run('');
      this.shell = shell;
    } catch (e) {
      shell.close();
      throw e;
    }
  }

  apply(text: string): Promise<void> {
    if (text.length === 0) return Promise.resolve();
    return this.shell && text.length <= SHELL_MAX_BYTES ? this.shell.run(text) : nftTool.apply(text);
  }

  listSet(name: string): Promise<string> {
    return nftTool.listSet(name);
  }

  listCounter(name: string): Promise<string> {
    return nftTool.listCounter(name);
  }

  /** Ends the `nft -i`; later transactions each run their own `nft -f -`. */
  close(): void {
    this.shell?.close();
    this.shell = null;
  }
}
