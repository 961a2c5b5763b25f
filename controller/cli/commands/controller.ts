// wicketctl controller list
import type { Command } from 'commander';
import { output, formatTime } from '../../../common/cli.js';
import { adminCall } from '../admin-client.js';

export function registerControllerCommands(program: Command): void {
  const controller = program.command('controller').description('inspect the controllers sharing the database');

  controller.command('list')
    .description('controllers, whether they are alive, their last heartbeat, and the gateways and clients each holds')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      const r = await adminCall(program, 'ListControllers', {});
      output(o.json, r.controllers, (cs) => ({
        headers: ['ID', 'STATE', 'HOST', 'API', 'AUTH', 'STARTED', 'HEARTBEAT', 'CLIENTS', 'GATEWAYS'],
        rows: cs.map((c) => [
          c.self ? `${c.id} *` : c.id,
          c.alive ? 'alive' : c.stoppedAtMs > 0 ? 'stopped' : 'dead',
          c.hostname, c.apiAddress, c.authAddress, formatTime(c.startedAtMs), formatTime(c.stoppedAtMs || c.heartbeatAtMs),
          c.clients, c.gateways.join(','),
        ]),
      }));
    });
}
