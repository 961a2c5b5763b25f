// Original file: proto/wicket.proto

import type { Long } from '@grpc/proto-loader';

export interface ReportAck {
  'seq'?: (number | string | Long);
}

export interface ReportAck__Output {
  'seq': (number);
}
