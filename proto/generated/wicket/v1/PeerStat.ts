// Original file: proto/wicket.proto

import type { Long } from '@grpc/proto-loader';

/**
 * From `wg show <if> dump`, with the key fields removed.
 */
export interface PeerStat {
  'sessionId'?: (string);
  'endpoint'?: (string);
  'lastHandshakeMs'?: (number | string | Long);
  'rxBytes'?: (number | string | Long);
  'txBytes'?: (number | string | Long);
}

/**
 * From `wg show <if> dump`, with the key fields removed.
 */
export interface PeerStat__Output {
  'sessionId': (string);
  'endpoint': (string);
  'lastHandshakeMs': (number);
  'rxBytes': (number);
  'txBytes': (number);
}
