// Just-in-time access from the worker's side: `wicket request RESOURCE --for DURATION` asks
// for a requestable grant's resource, `wicket requests` shows what became of the requests.
// The calls go over the device certificate's mutual-TLS channel, to the first controller of
// the login's list that can be reached; the rendering is pure.
import { ApiChannels } from '../common/api-channels.js';
import { callWithFailover } from '../common/failover-call.js';
import { call } from '../common/grpc.js';
import { formatTime } from '../common/cli.js';
import { formatDuration } from '../common/duration.js';
import type { AccessRequest__Output as AccessRequest } from '../proto/generated/wicket/v1/AccessRequest.js';
import type { StateDir } from './state.js';

const DEADLINE_MS = 15_000;

export interface AccessAsk {
  resource: string;
  durationMs: number;
  reason: string;
  /** '' = the only requestable grant that gives the resource. */
  grant: string;
}

/** The request and list calls of the Client service, as the logged-in user of `state`. */
export function accessApi(state: StateDir): { request(ask: AccessAsk): Promise<AccessRequest>; list(): Promise<AccessRequest[]>; close(): void } {
  const { login, caPem, certPem, keyPem } = state.credentials();
  const channels = new ApiChannels(login.apiEndpoints, { caPem, certPem, keyPem });
  const onFirstReachable = async <T>(fn: (client: ReturnType<ApiChannels['get']>['client']) => Promise<T>): Promise<T> =>
    (await callWithFailover(login.apiEndpoints, (_, i) => fn(channels.get(i).client))).result;
  return {
    request: (ask) => onFirstReachable((client) => call(client, 'RequestAccess', ask, { deadlineMs: DEADLINE_MS })),
    list: async () => (await onFirstReachable((client) => call(client, 'ListMyAccessRequests', {}, { deadlineMs: DEADLINE_MS }))).requests,
    close: () => channels.close(),
  };
}

/** One line saying where a request stands. */
export function describeRequest(r: AccessRequest): string {
  const what = `request ${r.id} for ${r.resource} (grant ${r.grant}, ${formatDuration(r.durationMs)})`;
  switch (r.state) {
    case 'pending': return `${what} is pending; approvers: ${r.approvers.join(', ') || '(none under the applied policy)'}`;
    case 'approved': return `${what} was approved by ${r.decidedBy}; access until ${formatTime(r.expiresAtMs)}`;
    case 'denied': return `${what} was denied by ${r.decidedBy}: ${r.decisionReason}`;
    default: return `${what} is ${r.state} (${r.endedBy}${r.endReason ? `: ${r.endReason}` : ''})`;
  }
}

/** The requests as a table (newest first, as the controller lists them). */
export function requestsTable(list: AccessRequest[]) {
  return {
    headers: ['ID', 'RESOURCE', 'GRANT', 'FOR', 'STATE', 'REQUESTED', 'UNTIL', 'NOTE'],
    rows: list.map((r) => [r.id, r.resource, r.grant, formatDuration(r.durationMs), r.state, formatTime(r.createdAtMs),
      r.state === 'approved' ? formatTime(r.expiresAtMs) : '',
      r.state === 'pending' ? `approvers: ${r.approvers.join(', ')}` : r.state === 'denied' ? r.decisionReason : r.endReason]),
  };
}
