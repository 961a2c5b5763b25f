// Original file: proto/wicket.proto

import type { Long } from '@grpc/proto-loader';

export interface FlowRecord {
  'sessionId'?: (string);
  'source'?: (string);
  'destination'?: (string);
  'protocol'?: (string);
  'port'?: (number);
  'startedAtMs'?: (number | string | Long);
  'endedAtMs'?: (number | string | Long);
  /**
   * Client -> resource and resource -> client bytes.
   */
  'bytesOut'?: (number | string | Long);
  'bytesIn'?: (number | string | Long);
}

export interface FlowRecord__Output {
  'sessionId': (string);
  'source': (string);
  'destination': (string);
  'protocol': (string);
  'port': (number);
  'startedAtMs': (number);
  'endedAtMs': (number);
  /**
   * Client -> resource and resource -> client bytes.
   */
  'bytesOut': (number);
  'bytesIn': (number);
}
