// wicketctl device list | block
import type { Command } from 'commander';
import { output, formatTime } from '../../../common/cli.js';
import { adminCall } from '../admin-client.js';

export function registerDeviceCommands(program: Command): void {
  const device = program.command('device').description('devices users logged in from: list and block');

  device.command('list')
    .description('devices with their user, posture and state')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      const r = await adminCall(program, 'ListDevices', {});
      output(o.json, r.devices, (list) => ({
        headers: ['ID', 'USER', 'NAME', 'BLOCKED', 'OS', 'LAST SEEN'],
        rows: list.map((d) => [d.id, d.username, d.name, d.blocked ? 'yes' : 'no', d.posture ? `${d.posture.os} ${d.posture.osVersion}`.trim() : '', formatTime(d.lastSeenMs)]),
      }));
    });

  device.command('block <id>')
    .description("block a device: its sessions end now and its certificate stops working")
    .option('--reason <text>', 'why (recorded in the audit log)', '')
    .option('--json', 'print JSON')
    .action(async (id: string, o: { reason: string; json?: boolean }) => {
      const d = await adminCall(program, 'BlockDevice', { id, reason: o.reason });
      output(o.json, d, () => `blocked device ${d.id} of ${d.username}`);
    });
}
