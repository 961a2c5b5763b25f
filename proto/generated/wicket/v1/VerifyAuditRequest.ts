// Original file: proto/wicket.proto


export interface VerifyAuditRequest {
  /**
   * A signed head shipped off the controller host earlier (the audit.head file, or a line of
   * the --audit-log sink), to check the chain against instead of DATA_DIR/audit.head; empty =
   * the head file. At most 4 KiB.
   */
  'head'?: (string);
}

export interface VerifyAuditRequest__Output {
  /**
   * A signed head shipped off the controller host earlier (the audit.head file, or a line of
   * the --audit-log sink), to check the chain against instead of DATA_DIR/audit.head; empty =
   * the head file. At most 4 KiB.
   */
  'head': (string);
}
