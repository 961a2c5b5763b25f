// The controller's Client service as the wicket client uses it, over the mutual-TLS API
// channel built from the state directory's certificate. A narrow interface, so the session
// logic and the agent can be tested against an in-memory stand-in.
import { status } from '@grpc/grpc-js';
import { apiClients, call, grpcErrorMessage, isServiceError } from '../common/grpc.js';
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
  watch(sessionId: string): EventStream;
  heartbeat(sessionId: string, posture: Posture__Output): Promise<HeartbeatResponse__Output>;
}

export interface ControllerApi extends AgentApi {
  /** Where the API port is dialled (for messages). */
  endpoint: string;
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
  if (isServiceError(err) && err.code === status.UNAVAILABLE && /^No connection established/.test(err.details)) {
    const cause = /Last error: (?:Error: )?(.*?)\.?\s*(?:Resolution note:.*)?$/s.exec(err.details)?.[1]?.trim();
    return `the controller at ${endpoint} cannot be reached${cause ? ` (${cause})` : ''}`;
  }
  return grpcErrorMessage(err);
}

/** How long unary calls other than Connect may take. */
const DEADLINE_MS = 15_000;

/** The real API over gRPC with the device certificate from `state`. */
export function controllerApi(state: StateDir): ControllerApi {
  const { login, caPem, certPem, keyPem } = state.credentials();
  const { client, close } = apiClients(login.apiEndpoint, { caPem, certPem, keyPem });
  return {
    endpoint: login.apiEndpoint,
    // Connect waits for the gateways' acks: give it the ack timeout plus room for the rest.
    connect: (wgPublicKey, posture, ackTimeoutMs) =>
      call(client, 'Connect', { wgPublicKey, posture, ackTimeoutMs }, { deadlineMs: (ackTimeoutMs || 10_000) + DEADLINE_MS }),
    disconnect: async (sessionId) => { await call(client, 'Disconnect', { sessionId }, { deadlineMs: DEADLINE_MS }); },
    listResources: (posture) => call(client, 'ListResources', { posture }, { deadlineMs: DEADLINE_MS }),
    heartbeat: (sessionId, posture) => call(client, 'Heartbeat', { sessionId, posture }, { deadlineMs: DEADLINE_MS }),
    watch: (sessionId) => client.Watch({ sessionId }),
    close,
  };
}
