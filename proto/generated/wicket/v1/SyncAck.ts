// Original file: proto/wicket.proto

import type { Long } from '@grpc/proto-loader';

export interface SyncAck {
  'version'?: (number | string | Long);
  /**
   * How long applying that version took, in microseconds.
   */
  'applyUs'?: (number | string | Long);
  /**
   * Empty on success; otherwise why the version could not be applied (the controller
   * then sends a fresh snapshot).
   */
  'error'?: (string);
}

export interface SyncAck__Output {
  'version': (number);
  /**
   * How long applying that version took, in microseconds.
   */
  'applyUs': (number);
  /**
   * Empty on success; otherwise why the version could not be applied (the controller
   * then sends a fresh snapshot).
   */
  'error': (string);
}
