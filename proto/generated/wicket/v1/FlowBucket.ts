// Original file: proto/wicket.proto

import type { Long } from '@grpc/proto-loader';

/**
 * One time bucket of ListFlowsResponse.histogram: flow records that ended in it, and denied
 * attempts (the sum of the attempt counts) of tuples last seen in it.
 */
export interface FlowBucket {
  'startMs'?: (number | string | Long);
  'flows'?: (number | string | Long);
  'denied'?: (number | string | Long);
}

/**
 * One time bucket of ListFlowsResponse.histogram: flow records that ended in it, and denied
 * attempts (the sum of the attempt counts) of tuples last seen in it.
 */
export interface FlowBucket__Output {
  'startMs': (number);
  'flows': (number);
  'denied': (number);
}
