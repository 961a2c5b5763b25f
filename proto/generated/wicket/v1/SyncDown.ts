// Original file: proto/wicket.proto

import type { SyncSnapshot as _wicket_v1_SyncSnapshot, SyncSnapshot__Output as _wicket_v1_SyncSnapshot__Output } from '../../wicket/v1/SyncSnapshot.js';
import type { SyncDelta as _wicket_v1_SyncDelta, SyncDelta__Output as _wicket_v1_SyncDelta__Output } from '../../wicket/v1/SyncDelta.js';

export interface SyncDown {
  'snapshot'?: (_wicket_v1_SyncSnapshot | null);
  'delta'?: (_wicket_v1_SyncDelta | null);
  'msg'?: "snapshot"|"delta";
}

export interface SyncDown__Output {
  'snapshot'?: (_wicket_v1_SyncSnapshot__Output | null);
  'delta'?: (_wicket_v1_SyncDelta__Output | null);
  'msg'?: "snapshot"|"delta";
}
