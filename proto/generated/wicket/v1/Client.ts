// Original file: proto/wicket.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { AccessRequest as _wicket_v1_AccessRequest, AccessRequest__Output as _wicket_v1_AccessRequest__Output } from '../../wicket/v1/AccessRequest.js';
import type { ConnectRequest as _wicket_v1_ConnectRequest, ConnectRequest__Output as _wicket_v1_ConnectRequest__Output } from '../../wicket/v1/ConnectRequest.js';
import type { ConnectResponse as _wicket_v1_ConnectResponse, ConnectResponse__Output as _wicket_v1_ConnectResponse__Output } from '../../wicket/v1/ConnectResponse.js';
import type { DisconnectRequest as _wicket_v1_DisconnectRequest, DisconnectRequest__Output as _wicket_v1_DisconnectRequest__Output } from '../../wicket/v1/DisconnectRequest.js';
import type { DisconnectResponse as _wicket_v1_DisconnectResponse, DisconnectResponse__Output as _wicket_v1_DisconnectResponse__Output } from '../../wicket/v1/DisconnectResponse.js';
import type { HeartbeatRequest as _wicket_v1_HeartbeatRequest, HeartbeatRequest__Output as _wicket_v1_HeartbeatRequest__Output } from '../../wicket/v1/HeartbeatRequest.js';
import type { HeartbeatResponse as _wicket_v1_HeartbeatResponse, HeartbeatResponse__Output as _wicket_v1_HeartbeatResponse__Output } from '../../wicket/v1/HeartbeatResponse.js';
import type { ListAccessRequestsResponse as _wicket_v1_ListAccessRequestsResponse, ListAccessRequestsResponse__Output as _wicket_v1_ListAccessRequestsResponse__Output } from '../../wicket/v1/ListAccessRequestsResponse.js';
import type { ListMyAccessRequestsRequest as _wicket_v1_ListMyAccessRequestsRequest, ListMyAccessRequestsRequest__Output as _wicket_v1_ListMyAccessRequestsRequest__Output } from '../../wicket/v1/ListMyAccessRequestsRequest.js';
import type { ListResourcesRequest as _wicket_v1_ListResourcesRequest, ListResourcesRequest__Output as _wicket_v1_ListResourcesRequest__Output } from '../../wicket/v1/ListResourcesRequest.js';
import type { ListResourcesResponse as _wicket_v1_ListResourcesResponse, ListResourcesResponse__Output as _wicket_v1_ListResourcesResponse__Output } from '../../wicket/v1/ListResourcesResponse.js';
import type { RequestAccessRequest as _wicket_v1_RequestAccessRequest, RequestAccessRequest__Output as _wicket_v1_RequestAccessRequest__Output } from '../../wicket/v1/RequestAccessRequest.js';
import type { SessionEvent as _wicket_v1_SessionEvent, SessionEvent__Output as _wicket_v1_SessionEvent__Output } from '../../wicket/v1/SessionEvent.js';
import type { WatchRequest as _wicket_v1_WatchRequest, WatchRequest__Output as _wicket_v1_WatchRequest__Output } from '../../wicket/v1/WatchRequest.js';

/**
 * ---------------------------------------------------------------------------------------
 * Client: a user-device certificate on the API port.
 * ---------------------------------------------------------------------------------------
 */
export interface ClientClient extends grpc.Client {
  /**
   * Opens a session: evaluates policy for this user, device and posture, allocates an
   * overlay address, creates a preshared key per gateway, pushes the session to the
   * gateways and returns once they have acknowledged it (bounded wait; DEADLINE_EXCEEDED
   * when one does not ack in time, UNAVAILABLE when a needed gateway is not connected,
   * PERMISSION_DENIED with the reasons when the policy grants nothing).
   */
  Connect(argument: _wicket_v1_ConnectRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_ConnectResponse__Output>): grpc.ClientUnaryCall;
  Connect(argument: _wicket_v1_ConnectRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_wicket_v1_ConnectResponse__Output>): grpc.ClientUnaryCall;
  Connect(argument: _wicket_v1_ConnectRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_ConnectResponse__Output>): grpc.ClientUnaryCall;
  Connect(argument: _wicket_v1_ConnectRequest, callback: grpc.requestCallback<_wicket_v1_ConnectResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Opens a session: evaluates policy for this user, device and posture, allocates an
   * overlay address, creates a preshared key per gateway, pushes the session to the
   * gateways and returns once they have acknowledged it (bounded wait; DEADLINE_EXCEEDED
   * when one does not ack in time, UNAVAILABLE when a needed gateway is not connected,
   * PERMISSION_DENIED with the reasons when the policy grants nothing).
   */
  connect(argument: _wicket_v1_ConnectRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_ConnectResponse__Output>): grpc.ClientUnaryCall;
  connect(argument: _wicket_v1_ConnectRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_wicket_v1_ConnectResponse__Output>): grpc.ClientUnaryCall;
  connect(argument: _wicket_v1_ConnectRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_ConnectResponse__Output>): grpc.ClientUnaryCall;
  connect(argument: _wicket_v1_ConnectRequest, callback: grpc.requestCallback<_wicket_v1_ConnectResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Ends a session at the client's request.
   */
  Disconnect(argument: _wicket_v1_DisconnectRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_DisconnectResponse__Output>): grpc.ClientUnaryCall;
  Disconnect(argument: _wicket_v1_DisconnectRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_wicket_v1_DisconnectResponse__Output>): grpc.ClientUnaryCall;
  Disconnect(argument: _wicket_v1_DisconnectRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_DisconnectResponse__Output>): grpc.ClientUnaryCall;
  Disconnect(argument: _wicket_v1_DisconnectRequest, callback: grpc.requestCallback<_wicket_v1_DisconnectResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Ends a session at the client's request.
   */
  disconnect(argument: _wicket_v1_DisconnectRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_DisconnectResponse__Output>): grpc.ClientUnaryCall;
  disconnect(argument: _wicket_v1_DisconnectRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_wicket_v1_DisconnectResponse__Output>): grpc.ClientUnaryCall;
  disconnect(argument: _wicket_v1_DisconnectRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_DisconnectResponse__Output>): grpc.ClientUnaryCall;
  disconnect(argument: _wicket_v1_DisconnectRequest, callback: grpc.requestCallback<_wicket_v1_DisconnectResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Reports fresh posture for a session. A session whose posture no longer satisfies a
   * grant loses that grant; a session without a heartbeat for its window is ended.
   */
  Heartbeat(argument: _wicket_v1_HeartbeatRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  Heartbeat(argument: _wicket_v1_HeartbeatRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_wicket_v1_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  Heartbeat(argument: _wicket_v1_HeartbeatRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  Heartbeat(argument: _wicket_v1_HeartbeatRequest, callback: grpc.requestCallback<_wicket_v1_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Reports fresh posture for a session. A session whose posture no longer satisfies a
   * grant loses that grant; a session without a heartbeat for its window is ended.
   */
  heartbeat(argument: _wicket_v1_HeartbeatRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  heartbeat(argument: _wicket_v1_HeartbeatRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_wicket_v1_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  heartbeat(argument: _wicket_v1_HeartbeatRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  heartbeat(argument: _wicket_v1_HeartbeatRequest, callback: grpc.requestCallback<_wicket_v1_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * The caller's own access requests, newest first.
   */
  ListMyAccessRequests(argument: _wicket_v1_ListMyAccessRequestsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_ListAccessRequestsResponse__Output>): grpc.ClientUnaryCall;
  ListMyAccessRequests(argument: _wicket_v1_ListMyAccessRequestsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_wicket_v1_ListAccessRequestsResponse__Output>): grpc.ClientUnaryCall;
  ListMyAccessRequests(argument: _wicket_v1_ListMyAccessRequestsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_ListAccessRequestsResponse__Output>): grpc.ClientUnaryCall;
  ListMyAccessRequests(argument: _wicket_v1_ListMyAccessRequestsRequest, callback: grpc.requestCallback<_wicket_v1_ListAccessRequestsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * The caller's own access requests, newest first.
   */
  listMyAccessRequests(argument: _wicket_v1_ListMyAccessRequestsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_ListAccessRequestsResponse__Output>): grpc.ClientUnaryCall;
  listMyAccessRequests(argument: _wicket_v1_ListMyAccessRequestsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_wicket_v1_ListAccessRequestsResponse__Output>): grpc.ClientUnaryCall;
  listMyAccessRequests(argument: _wicket_v1_ListMyAccessRequestsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_ListAccessRequestsResponse__Output>): grpc.ClientUnaryCall;
  listMyAccessRequests(argument: _wicket_v1_ListMyAccessRequestsRequest, callback: grpc.requestCallback<_wicket_v1_ListAccessRequestsResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * What this user could reach now, resource by resource, with the reason for each.
   */
  ListResources(argument: _wicket_v1_ListResourcesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_ListResourcesResponse__Output>): grpc.ClientUnaryCall;
  ListResources(argument: _wicket_v1_ListResourcesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_wicket_v1_ListResourcesResponse__Output>): grpc.ClientUnaryCall;
  ListResources(argument: _wicket_v1_ListResourcesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_ListResourcesResponse__Output>): grpc.ClientUnaryCall;
  ListResources(argument: _wicket_v1_ListResourcesRequest, callback: grpc.requestCallback<_wicket_v1_ListResourcesResponse__Output>): grpc.ClientUnaryCall;
  /**
   * What this user could reach now, resource by resource, with the reason for each.
   */
  listResources(argument: _wicket_v1_ListResourcesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_ListResourcesResponse__Output>): grpc.ClientUnaryCall;
  listResources(argument: _wicket_v1_ListResourcesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_wicket_v1_ListResourcesResponse__Output>): grpc.ClientUnaryCall;
  listResources(argument: _wicket_v1_ListResourcesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_ListResourcesResponse__Output>): grpc.ClientUnaryCall;
  listResources(argument: _wicket_v1_ListResourcesRequest, callback: grpc.requestCallback<_wicket_v1_ListResourcesResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * --- Just-in-time access (docs/access.md): the worker's side. ---
   * Asks for a requestable grant's resource for a while. INVALID_ARGUMENT beyond the
   * grant's max_duration or without a required reason, NOT_FOUND when no requestable grant
   * gives the resource to the caller, FAILED_PRECONDITION when several do and `grant` is empty.
   */
  RequestAccess(argument: _wicket_v1_RequestAccessRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_AccessRequest__Output>): grpc.ClientUnaryCall;
  RequestAccess(argument: _wicket_v1_RequestAccessRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_wicket_v1_AccessRequest__Output>): grpc.ClientUnaryCall;
  RequestAccess(argument: _wicket_v1_RequestAccessRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_AccessRequest__Output>): grpc.ClientUnaryCall;
  RequestAccess(argument: _wicket_v1_RequestAccessRequest, callback: grpc.requestCallback<_wicket_v1_AccessRequest__Output>): grpc.ClientUnaryCall;
  /**
   * --- Just-in-time access (docs/access.md): the worker's side. ---
   * Asks for a requestable grant's resource for a while. INVALID_ARGUMENT beyond the
   * grant's max_duration or without a required reason, NOT_FOUND when no requestable grant
   * gives the resource to the caller, FAILED_PRECONDITION when several do and `grant` is empty.
   */
  requestAccess(argument: _wicket_v1_RequestAccessRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_AccessRequest__Output>): grpc.ClientUnaryCall;
  requestAccess(argument: _wicket_v1_RequestAccessRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_wicket_v1_AccessRequest__Output>): grpc.ClientUnaryCall;
  requestAccess(argument: _wicket_v1_RequestAccessRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_AccessRequest__Output>): grpc.ClientUnaryCall;
  requestAccess(argument: _wicket_v1_RequestAccessRequest, callback: grpc.requestCallback<_wicket_v1_AccessRequest__Output>): grpc.ClientUnaryCall;
  
  /**
   * Follows one session: sends its current state at once, then every change (entitlements
   * added or removed, gateway acks, revocation, expiry warnings) until the session ends.
   */
  Watch(argument: _wicket_v1_WatchRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_wicket_v1_SessionEvent__Output>;
  Watch(argument: _wicket_v1_WatchRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_wicket_v1_SessionEvent__Output>;
  /**
   * Follows one session: sends its current state at once, then every change (entitlements
   * added or removed, gateway acks, revocation, expiry warnings) until the session ends.
   */
  watch(argument: _wicket_v1_WatchRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_wicket_v1_SessionEvent__Output>;
  watch(argument: _wicket_v1_WatchRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_wicket_v1_SessionEvent__Output>;
  
}

/**
 * ---------------------------------------------------------------------------------------
 * Client: a user-device certificate on the API port.
 * ---------------------------------------------------------------------------------------
 */
export interface ClientHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Opens a session: evaluates policy for this user, device and posture, allocates an
   * overlay address, creates a preshared key per gateway, pushes the session to the
   * gateways and returns once they have acknowledged it (bounded wait; DEADLINE_EXCEEDED
   * when one does not ack in time, UNAVAILABLE when a needed gateway is not connected,
   * PERMISSION_DENIED with the reasons when the policy grants nothing).
   */
  Connect: grpc.handleUnaryCall<_wicket_v1_ConnectRequest__Output, _wicket_v1_ConnectResponse>;
  
  /**
   * Ends a session at the client's request.
   */
  Disconnect: grpc.handleUnaryCall<_wicket_v1_DisconnectRequest__Output, _wicket_v1_DisconnectResponse>;
  
  /**
   * Reports fresh posture for a session. A session whose posture no longer satisfies a
   * grant loses that grant; a session without a heartbeat for its window is ended.
   */
  Heartbeat: grpc.handleUnaryCall<_wicket_v1_HeartbeatRequest__Output, _wicket_v1_HeartbeatResponse>;
  
  /**
   * The caller's own access requests, newest first.
   */
  ListMyAccessRequests: grpc.handleUnaryCall<_wicket_v1_ListMyAccessRequestsRequest__Output, _wicket_v1_ListAccessRequestsResponse>;
  
  /**
   * What this user could reach now, resource by resource, with the reason for each.
   */
  ListResources: grpc.handleUnaryCall<_wicket_v1_ListResourcesRequest__Output, _wicket_v1_ListResourcesResponse>;
  
  /**
   * --- Just-in-time access (docs/access.md): the worker's side. ---
   * Asks for a requestable grant's resource for a while. INVALID_ARGUMENT beyond the
   * grant's max_duration or without a required reason, NOT_FOUND when no requestable grant
   * gives the resource to the caller, FAILED_PRECONDITION when several do and `grant` is empty.
   */
  RequestAccess: grpc.handleUnaryCall<_wicket_v1_RequestAccessRequest__Output, _wicket_v1_AccessRequest>;
  
  /**
   * Follows one session: sends its current state at once, then every change (entitlements
   * added or removed, gateway acks, revocation, expiry warnings) until the session ends.
   */
  Watch: grpc.handleServerStreamingCall<_wicket_v1_WatchRequest__Output, _wicket_v1_SessionEvent>;
  
}

export interface ClientDefinition extends grpc.ServiceDefinition {
  Connect: MethodDefinition<_wicket_v1_ConnectRequest, _wicket_v1_ConnectResponse, _wicket_v1_ConnectRequest__Output, _wicket_v1_ConnectResponse__Output>
  Disconnect: MethodDefinition<_wicket_v1_DisconnectRequest, _wicket_v1_DisconnectResponse, _wicket_v1_DisconnectRequest__Output, _wicket_v1_DisconnectResponse__Output>
  Heartbeat: MethodDefinition<_wicket_v1_HeartbeatRequest, _wicket_v1_HeartbeatResponse, _wicket_v1_HeartbeatRequest__Output, _wicket_v1_HeartbeatResponse__Output>
  ListMyAccessRequests: MethodDefinition<_wicket_v1_ListMyAccessRequestsRequest, _wicket_v1_ListAccessRequestsResponse, _wicket_v1_ListMyAccessRequestsRequest__Output, _wicket_v1_ListAccessRequestsResponse__Output>
  ListResources: MethodDefinition<_wicket_v1_ListResourcesRequest, _wicket_v1_ListResourcesResponse, _wicket_v1_ListResourcesRequest__Output, _wicket_v1_ListResourcesResponse__Output>
  RequestAccess: MethodDefinition<_wicket_v1_RequestAccessRequest, _wicket_v1_AccessRequest, _wicket_v1_RequestAccessRequest__Output, _wicket_v1_AccessRequest__Output>
  Watch: MethodDefinition<_wicket_v1_WatchRequest, _wicket_v1_SessionEvent, _wicket_v1_WatchRequest__Output, _wicket_v1_SessionEvent__Output>
}
