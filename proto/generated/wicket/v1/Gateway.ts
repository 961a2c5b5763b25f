// Original file: proto/wicket.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { ReportAck as _wicket_v1_ReportAck, ReportAck__Output as _wicket_v1_ReportAck__Output } from '../../wicket/v1/ReportAck.js';
import type { SyncDown as _wicket_v1_SyncDown, SyncDown__Output as _wicket_v1_SyncDown__Output } from '../../wicket/v1/SyncDown.js';
import type { SyncUp as _wicket_v1_SyncUp, SyncUp__Output as _wicket_v1_SyncUp__Output } from '../../wicket/v1/SyncUp.js';
import type { TelemetryBatch as _wicket_v1_TelemetryBatch, TelemetryBatch__Output as _wicket_v1_TelemetryBatch__Output } from '../../wicket/v1/TelemetryBatch.js';

/**
 * ---------------------------------------------------------------------------------------
 * Gateway: a gateway certificate on the API port.
 * ---------------------------------------------------------------------------------------
 */
export interface GatewayClient extends grpc.Client {
  /**
   * Telemetry batches from the gateway; each is acknowledged by sequence number so the
   * gateway can drop it from its buffer. Resent batches (same sequence) are not stored twice.
   */
  Report(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_wicket_v1_TelemetryBatch, _wicket_v1_ReportAck__Output>;
  Report(options?: grpc.CallOptions): grpc.ClientDuplexStream<_wicket_v1_TelemetryBatch, _wicket_v1_ReportAck__Output>;
  /**
   * Telemetry batches from the gateway; each is acknowledged by sequence number so the
   * gateway can drop it from its buffer. Resent batches (same sequence) are not stored twice.
   */
  report(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_wicket_v1_TelemetryBatch, _wicket_v1_ReportAck__Output>;
  report(options?: grpc.CallOptions): grpc.ClientDuplexStream<_wicket_v1_TelemetryBatch, _wicket_v1_ReportAck__Output>;
  
  /**
   * The gateway's desired state. The gateway opens the stream and sends Hello; the
   * controller answers with a full Snapshot (version N) and then ordered Deltas
   * (N+1, N+2, ...). The gateway applies each in order and acks its version. After a
   * reconnect the controller starts again with a fresh Snapshot, which replaces everything.
   */
  Sync(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_wicket_v1_SyncUp, _wicket_v1_SyncDown__Output>;
  Sync(options?: grpc.CallOptions): grpc.ClientDuplexStream<_wicket_v1_SyncUp, _wicket_v1_SyncDown__Output>;
  /**
   * The gateway's desired state. The gateway opens the stream and sends Hello; the
   * controller answers with a full Snapshot (version N) and then ordered Deltas
   * (N+1, N+2, ...). The gateway applies each in order and acks its version. After a
   * reconnect the controller starts again with a fresh Snapshot, which replaces everything.
   */
  sync(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_wicket_v1_SyncUp, _wicket_v1_SyncDown__Output>;
  sync(options?: grpc.CallOptions): grpc.ClientDuplexStream<_wicket_v1_SyncUp, _wicket_v1_SyncDown__Output>;
  
}

/**
 * ---------------------------------------------------------------------------------------
 * Gateway: a gateway certificate on the API port.
 * ---------------------------------------------------------------------------------------
 */
export interface GatewayHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Telemetry batches from the gateway; each is acknowledged by sequence number so the
   * gateway can drop it from its buffer. Resent batches (same sequence) are not stored twice.
   */
  Report: grpc.handleBidiStreamingCall<_wicket_v1_TelemetryBatch__Output, _wicket_v1_ReportAck>;
  
  /**
   * The gateway's desired state. The gateway opens the stream and sends Hello; the
   * controller answers with a full Snapshot (version N) and then ordered Deltas
   * (N+1, N+2, ...). The gateway applies each in order and acks its version. After a
   * reconnect the controller starts again with a fresh Snapshot, which replaces everything.
   */
  Sync: grpc.handleBidiStreamingCall<_wicket_v1_SyncUp__Output, _wicket_v1_SyncDown>;
  
}

export interface GatewayDefinition extends grpc.ServiceDefinition {
  Report: MethodDefinition<_wicket_v1_TelemetryBatch, _wicket_v1_ReportAck, _wicket_v1_TelemetryBatch__Output, _wicket_v1_ReportAck__Output>
  Sync: MethodDefinition<_wicket_v1_SyncUp, _wicket_v1_SyncDown, _wicket_v1_SyncUp__Output, _wicket_v1_SyncDown__Output>
}
