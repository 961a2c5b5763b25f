// Original file: proto/wicket.proto

import type { AuditRecord as _wicket_v1_AuditRecord, AuditRecord__Output as _wicket_v1_AuditRecord__Output } from '../../wicket/v1/AuditRecord.js';

export interface ListAuditResponse {
  'records'?: (_wicket_v1_AuditRecord)[];
}

export interface ListAuditResponse__Output {
  'records': (_wicket_v1_AuditRecord__Output)[];
}
