// Original file: proto/wicket.proto

import type { Long } from '@grpc/proto-loader';

/**
 * One controller process as it registered in the database (controller/controllers/).
 */
export interface ControllerInfo {
  /**
   * Random per process start: a restarted controller is a new entry.
   */
  'id'?: (string);
  'hostname'?: (string);
  /**
   * The API and auth addresses (HOST:PORT) it serves.
   */
  'apiAddress'?: (string);
  'authAddress'?: (string);
  'startedAtMs'?: (number | string | Long);
  'heartbeatAtMs'?: (number | string | Long);
  /**
   * Heartbeat recent (within three intervals) and not stopped.
   */
  'alive'?: (boolean);
  /**
   * When it stopped cleanly (0: it did not, or has not yet).
   */
  'stoppedAtMs'?: (number | string | Long);
  /**
   * The gateways whose Sync stream it held at its last heartbeat.
   */
  'gateways'?: (string)[];
  /**
   * Sessions followed by a client's Watch stream on it, at its last heartbeat.
   */
  'clients'?: (number);
  /**
   * The controller answering this call.
   */
  'self'?: (boolean);
}

/**
 * One controller process as it registered in the database (controller/controllers/).
 */
export interface ControllerInfo__Output {
  /**
   * Random per process start: a restarted controller is a new entry.
   */
  'id': (string);
  'hostname': (string);
  /**
   * The API and auth addresses (HOST:PORT) it serves.
   */
  'apiAddress': (string);
  'authAddress': (string);
  'startedAtMs': (number);
  'heartbeatAtMs': (number);
  /**
   * Heartbeat recent (within three intervals) and not stopped.
   */
  'alive': (boolean);
  /**
   * When it stopped cleanly (0: it did not, or has not yet).
   */
  'stoppedAtMs': (number);
  /**
   * The gateways whose Sync stream it held at its last heartbeat.
   */
  'gateways': (string)[];
  /**
   * Sessions followed by a client's Watch stream on it, at its last heartbeat.
   */
  'clients': (number);
  /**
   * The controller answering this call.
   */
  'self': (boolean);
}
