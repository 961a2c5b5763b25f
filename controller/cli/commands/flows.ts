// wicketctl flows: flow records and denied attempts reported by gateways, attributed to
// user and device, newest first; with --http also the requests through the gateways' HTTP proxies.
import type { Command } from 'commander';
import { CliError, formatTable, formatTime, nonNegativeInt, output } from '../../../common/cli.js';
import { parseDuration } from '../../../common/duration.js';
import { adminCall } from '../admin-client.js';
import type { HttpRequestView__Output as HttpRequestView } from '../../../proto/generated/wicket/v1/HttpRequestView.js';

function sinceMs(text: string | undefined): number {
  if (text === undefined) return 0;
  try {
    return Math.max(0, Date.now() - parseDuration(text));
  } catch (e) {
    throw new CliError(`--since: ${(e as Error).message}`);
  }
}

/**
 * Where a flow or denied attempt went, for the table: "10.0.1.10:tcp/443", an IPv6 address in
 * brackets ("[fd20::10]:udp/53") so its colons cannot be read as the separator, a queried name
 * as it is ("db.corp.internal:dns/53").
 */
export function destinationText(destination: string, protocol: string, port: number): string {
  return `${destination.includes(':') ? `[${destination}]` : destination}:${protocol}/${port}`;
}

/** A request's duration for the table: milliseconds, to a tenth. */
const durationText = (us: number) => `${(us / 1000).toFixed(1)} ms`;

/** The HTTP requests section of the table: a refused request shows why. */
function httpTable(requests: HttpRequestView[]): string {
  return formatTable(['STARTED', 'USER', 'DEVICE', 'METHOD', 'HOSTNAME', 'PATH', 'STATUS', 'BYTES IN', 'BYTES OUT', 'DURATION', 'DENIED REASON'],
    requests.map(({ request: r }) => [formatTime(r!.startedAtMs), r!.username, r!.deviceId.slice(0, 12), r!.method, r!.hostname, r!.path, r!.status,
      r!.bytesIn, r!.bytesOut, durationText(r!.durationUs), r!.deniedReason]));
}

export function registerFlowCommands(program: Command): void {
  program.command('flows')
    .description('flows and denied attempts seen by gateways, attributed to user and device')
    .option('--session <id>', 'only this session')
    .option('--user <name>', 'only this user')
    .option('--device <id>', 'only this device')
    .option('--since <duration>', 'only records of the last DURATION (e.g. 15m, 1h)')
    .option('--limit <n>', 'at most this many of each kind (default 1000)', nonNegativeInt('--limit'), 0)
    .option('--http', 'also the requests through the gateways\' HTTP proxies, allowed and refused')
    .option('--json', 'print JSON: { flows: [...], denied: [...] }, and httpRequests: [...] with --http')
    .action(async (o: { session?: string; user?: string; device?: string; since?: string; limit: number; http?: boolean; json?: boolean }) => {
      const request = { sessionId: o.session ?? '', user: o.user ?? '', deviceId: o.device ?? '', sinceMs: sinceMs(o.since), limit: o.limit, http: o.http ?? false };
      const r = await adminCall(program, 'ListFlows', request);
      const listed: Pick<typeof r, 'flows' | 'denied'> & { httpRequests?: HttpRequestView[] } = o.http ? { flows: r.flows, denied: r.denied, httpRequests: r.httpRequests } : { flows: r.flows, denied: r.denied };
      output(o.json, listed, (v) => [
        'FLOWS',
        formatTable(['ENDED', 'USER', 'DEVICE', 'SESSION', 'GATEWAY', 'SOURCE', 'DESTINATION', 'BYTES OUT', 'BYTES IN'],
          v.flows.map((f) => [formatTime(f.flow!.endedAtMs), f.username, f.deviceId.slice(0, 12), f.flow!.sessionId, f.gateway, f.flow!.source,
            destinationText(f.flow!.destination, f.flow!.protocol, f.flow!.port), f.flow!.bytesOut, f.flow!.bytesIn])),
        '',
        'DENIED',
        formatTable(['LAST SEEN', 'USER', 'DEVICE', 'SESSION', 'GATEWAY', 'SOURCE', 'DESTINATION', 'COUNT', 'FIRST SEEN'],
          v.denied.map((d) => [formatTime(d.attempt!.lastSeenMs), d.username, d.deviceId.slice(0, 12), d.attempt!.sessionId, d.gateway, d.attempt!.source,
            destinationText(d.attempt!.destination, d.attempt!.protocol, d.attempt!.port), d.attempt!.count, formatTime(d.attempt!.firstSeenMs)])),
        ...(v.httpRequests ? ['', 'HTTP REQUESTS', httpTable(v.httpRequests)] : []),
      ].join('\n'));
    });
}
