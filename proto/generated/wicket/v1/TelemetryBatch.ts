// Original file: proto/wicket.proto

import type { PeerStat as _wicket_v1_PeerStat, PeerStat__Output as _wicket_v1_PeerStat__Output } from '../../wicket/v1/PeerStat.js';
import type { RuleCounter as _wicket_v1_RuleCounter, RuleCounter__Output as _wicket_v1_RuleCounter__Output } from '../../wicket/v1/RuleCounter.js';
import type { DeniedAttempt as _wicket_v1_DeniedAttempt, DeniedAttempt__Output as _wicket_v1_DeniedAttempt__Output } from '../../wicket/v1/DeniedAttempt.js';
import type { FlowRecord as _wicket_v1_FlowRecord, FlowRecord__Output as _wicket_v1_FlowRecord__Output } from '../../wicket/v1/FlowRecord.js';
import type { HttpRequestRecord as _wicket_v1_HttpRequestRecord, HttpRequestRecord__Output as _wicket_v1_HttpRequestRecord__Output } from '../../wicket/v1/HttpRequestRecord.js';
import type { Long } from '@grpc/proto-loader';

export interface TelemetryBatch {
  /**
   * Per-gateway, strictly increasing batch number. The controller acks it after storing.
   */
  'seq'?: (number | string | Long);
  'collectedAtMs'?: (number | string | Long);
  'peers'?: (_wicket_v1_PeerStat)[];
  'counters'?: (_wicket_v1_RuleCounter)[];
  'denied'?: (_wicket_v1_DeniedAttempt)[];
  'flows'?: (_wicket_v1_FlowRecord)[];
  /**
   * Records the gateway had to drop because its buffer was full (since the last batch).
   */
  'droppedRecords'?: (number | string | Long);
  'httpRequests'?: (_wicket_v1_HttpRequestRecord)[];
}

export interface TelemetryBatch__Output {
  /**
   * Per-gateway, strictly increasing batch number. The controller acks it after storing.
   */
  'seq': (number);
  'collectedAtMs': (number);
  'peers': (_wicket_v1_PeerStat__Output)[];
  'counters': (_wicket_v1_RuleCounter__Output)[];
  'denied': (_wicket_v1_DeniedAttempt__Output)[];
  'flows': (_wicket_v1_FlowRecord__Output)[];
  /**
   * Records the gateway had to drop because its buffer was full (since the last batch).
   */
  'droppedRecords': (number);
  'httpRequests': (_wicket_v1_HttpRequestRecord__Output)[];
}
