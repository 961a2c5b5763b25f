// The controller's Client service as the wicket client uses it, over mutual-TLS API channels
// built from the state directory's certificate, one per controller of the login's list: a
// call that cannot reach its controller is made on the next (common/failover-call.ts); the
// Watch stream goes where the agent says (it moves it on failures, client/agent.ts). A narrow
// interface, so the session logic and the agent can be tested against an in-memory stand-in.
import { status } from '@grpc/grpc-js';
import { ApiChannels } from '../common/api-channels.js';
import { callWithFailover, NoControllerReachable } from '../common/failover-call.js';
import { call, grpcErrorMessage, isServiceError } from '../common/grpc.js';
import type { ClientClient } from '../proto/generated/wicket/v1/Client.js';
import type { ConnectResponse__Output } from '../proto/generated/wicket/v1/ConnectResponse.js';
import type { HeartbeatResponse__Output } from '../proto/generated/wicket/v1/HeartbeatResponse.js';
import type { ListResourcesResponse__Output } from '../proto/generated/wicket/v1/ListResourcesResponse.js';
import type { Posture__Output } from '../proto/generated/wicket/v1/Posture.js';
import type { SessionEvent__Output } from '../proto/generated/wicket/v1/SessionEvent.js';
import type { StateDir } from './state.js';

/** The part of a gRPC server stream the session agent uses. */
export interface EventStream {
  on(event: 'data', listener: (e: SessionEvent__Output) => void): this;
  on(event: 'error', listener: (err: Error) => void): this;
  on(event: 'end', listener: () => void): this;
  cancel(): void;
}

/** The controller calls the session agent makes (a subset, so its tests need no full API). */
export interface AgentApi {
  /** The controllers' API endpoints, in order of preference. */
  readonly endpoints: readonly string[];
  /** The controller that watch() (and the next call) goes to, as an index into `endpoints`. */
  current(): number;
  /** Moves watch() and the calls after it to controller `index`. */
  use(index: number): void;
  /** Opens the session's event stream on the current controller. */
  watch(sessionId: string): EventStream;
  heartbeat(sessionId: string, posture: Posture__Output): Promise<HeartbeatResponse__Output>;
}

export interface ControllerApi extends AgentApi {
  /** Where the API port of the current controller is dialled (for messages). */
  readonly endpoint: string;
  connect(wgPublicKey: string, posture: Posture__Output, ackTimeoutMs: number): Promise<ConnectResponse__Output>;
  disconnect(sessionId: string): Promise<void>;
  listResources(posture: Posture__Output): Promise<ListResourcesResponse__Output>;
  close(): void;
}

/**
 * An API error as a sentence: grpc-js reports an unreachable server as UNAVAILABLE with a
 * long "No connection established. Last error: ..." text; say plainly which endpoint failed.
 */
export function describeApiError(err: unknown, endpoint: string): string {
  if (err instanceof NoControllerReachable) return err.reasons.map((r) => describeApiError(r.error, r.endpoint)).join('; ');
  if (isServiceError(err) && err.code === status.UNAVAILABLE && /^No connection established/.test(err.details)) {
    const cause = /Last error: (?:Error: )?(.*?)\.?\s*(?:Resolution note:.*)?$/s.exec(err.details)?.[1]?.trim();
    return `the controller at ${endpoint} cannot be reached${cause ? ` (${cause})` : ''}`;
  }
  return grpcErrorMessage(err);
}

/** How long unary calls other than Connect may take. */
const DEADLINE_MS = 15_000;

/**
 * The real API over gRPC with the device certificate from `state`, starting on the controller
 * the session last used (else the first of the list).
 */
export function controllerApi(state: StateDir): ControllerApi {
  const { login, caPem, certPem, keyPem } = state.credentials();
  const endpoints = login.apiEndpoints;
  const channels = new ApiChannels(endpoints, { caPem, certPem, keyPem });
  let current = Math.max(0, endpoints.indexOf(state.session()?.controller ?? ''));
  // A unary call moves on only when it reached no controller, and stays where it succeeded.
  const unary = async <T>(fn: (client: ClientClient) => Promise<T>): Promise<T> => {
    const { result, index } = await callWithFailover(endpoints, (_, i) => fn(channels.get(i).client), { start: current });
    current = index;
    return result;
  };
  return {
    get endpoint() { return endpoints[current]!; },
    endpoints,
    current: () => current,
    use: (index) => {
      if (!Number.isInteger(index) || index < 0 || index >= endpoints.length) throw new Error(`no controller number ${index}`);
      current = index;
    },
    // Connect waits for the gateways' acks: give it the ack timeout plus room for the rest.
    connect: (wgPublicKey, posture, ackTimeoutMs) =>
      unary((client) => call(client, 'Connect', { wgPublicKey, posture, ackTimeoutMs }, { deadlineMs: (ackTimeoutMs || 10_000) + DEADLINE_MS })),
    disconnect: async (sessionId) => { await unary((client) => call(client, 'Disconnect', { sessionId }, { deadlineMs: DEADLINE_MS })); },
    listResources: (posture) => unary((client) => call(client, 'ListResources', { posture }, { deadlineMs: DEADLINE_MS })),
    heartbeat: (sessionId, posture) => unary((client) => call(client, 'Heartbeat', { sessionId, posture }, { deadlineMs: DEADLINE_MS })),
    watch: (sessionId) => channels.get(current).client.Watch({ sessionId }),
    close: () => channels.close(),
  };
}
