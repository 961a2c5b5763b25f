// Original file: proto/wicket.proto

import type { Long } from '@grpc/proto-loader';

export interface User {
  'name'?: (string);
  'groups'?: (string)[];
  'admin'?: (boolean);
  'disabled'?: (boolean);
  'createdAtMs'?: (number | string | Long);
  /**
   * While > now, logins are refused because of repeated failures.
   */
  'lockedUntilMs'?: (number | string | Long);
}

export interface User__Output {
  'name': (string);
  'groups': (string)[];
  'admin': (boolean);
  'disabled': (boolean);
  'createdAtMs': (number);
  /**
   * While > now, logins are refused because of repeated failures.
   */
  'lockedUntilMs': (number);
}
