// Original file: proto/wicket.proto

import type { Long } from '@grpc/proto-loader';

export interface RuleCounter {
  'sessionId'?: (string);
  'destination'?: (string);
  'protocol'?: (string);
  'portFrom'?: (number);
  'portTo'?: (number);
  'packets'?: (number | string | Long);
  'bytes'?: (number | string | Long);
}

export interface RuleCounter__Output {
  'sessionId': (string);
  'destination': (string);
  'protocol': (string);
  'portFrom': (number);
  'portTo': (number);
  'packets': (number);
  'bytes': (number);
}
