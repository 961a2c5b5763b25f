// wicketctl gateway token [--endpoint] | list
import type { Command } from 'commander';
import { output, formatTime } from '../../../common/cli.js';
import { parseDuration } from '../../../common/duration.js';
import { adminCall } from '../admin-client.js';

export function registerGatewayCommands(program: Command): void {
  const gateway = program.command('gateway').description('enroll and inspect gateways');

  gateway.command('token <name>')
    .description('issue a one-time join token for gateway NAME')
    .option('--ttl <duration>', 'token lifetime (e.g. 15m, 1h, 7d; at most 30d)', '1h')
    .option('--endpoint <host:port>', 'the WireGuard endpoint the gateway may announce (default: the first one it announces)')
    .option('--json', 'print JSON')
    .action(async (name: string, o: { ttl: string; endpoint?: string; json?: boolean }) => {
      const ttlSeconds = Math.ceil(parseDuration(o.ttl) / 1000);
      const r = await adminCall(program, 'CreateJoinToken', { gatewayName: name, ttlSeconds, endpoint: o.endpoint ?? '' });
      output(o.json, r, () => r.token);
    });

  gateway.command('list')
    .description('gateways, whether they are connected, and their sync state')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      const r = await adminCall(program, 'ListGateways', {});
      output(o.json, r.gateways, (gws) => ({
        headers: ['NAME', 'CONNECTED', 'HEALTH', 'ENDPOINT', 'SERVICE ADDRESS', 'SERVICE IPV6', 'SESSIONS', 'VERSION', 'LAST ACK', 'APPLY'],
        rows: gws.map((g) => [g.name, g.connected ? 'yes' : 'no', g.health, g.endpoint, g.serviceAddress, g.serviceAddressIpv6, g.sessions, `${g.appliedVersion}/${g.desiredVersion}`, formatTime(g.lastAckMs), g.lastApplyUs ? `${g.lastApplyUs}µs` : '']),
      }));
    });
}
