// wicketctl audit [--json] | audit verify [--head FILE]
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { output, formatTime, CliError, nonNegativeInt } from '../../../common/cli.js';
import { adminCall } from '../admin-client.js';

/** The last non-empty line: a whole sink file can be given as the head. */
function lastLine(text: string): string {
  return text.trim().split('\n').at(-1) ?? '';
}

export function registerAuditCommands(program: Command): void {
  const audit = program.command('audit').description('the hash-chained audit log')
    .option('--after <id>', 'only records after this id', nonNegativeInt('--after'), 0)
    .option('--limit <n>', 'at most this many records', nonNegativeInt('--limit'), 1000)
    .option('--action <prefix>', 'only actions starting with this ("login.", "policy.")', '')
    .option('--json', 'print JSON')
    .action(async (o: { after: number; limit: number; action: string; json?: boolean }) => {
      const r = await adminCall(program, 'ListAudit', { afterId: o.after, limit: o.limit, actionPrefix: o.action });
      output(o.json, r.records, (records) => ({
        headers: ['ID', 'TIME', 'ACTOR', 'ACTION', 'TARGET', 'DETAILS'],
        rows: records.map((x) => [x.id, formatTime(x.atMs), x.actor, x.action, x.target, x.detailsJson === '{}' ? '' : x.detailsJson]),
      }));
    });

  audit.command('verify')
    .description('check the hash chain and that it reaches the signed head; fails naming the first altered or missing record')
    .option('--head <file>', 'check against a head shipped elsewhere earlier (a copy of DATA_DIR/audit.head, or the last line of the --audit-log sink)')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean; head?: string }) => {
      const head = o.head ? lastLine(readFileSync(o.head, 'utf8')) : '';
      const r = await adminCall(program, 'VerifyAudit', { head });
      output(o.json, r, () => r.message);
      if (!r.ok) throw new CliError(`audit log broken at record ${r.firstBadId}: ${r.message}`, 2);
    });
}
