// Original file: proto/wicket.proto


export interface GrantDecision {
  'grant'?: (string);
  'applies'?: (boolean);
  /**
   * Why the grant does or does not apply ("user alice is in group engineering",
   * "posture managed: disk_encryption is false", "outside schedule mon-fri 07:00-19:00 Europe/Berlin").
   */
  'reasons'?: (string)[];
  /**
   * When the grant gives access only on request (just-in-time), who may approve.
   */
  'requestable'?: (boolean);
  'approvers'?: (string)[];
}

export interface GrantDecision__Output {
  'grant': (string);
  'applies': (boolean);
  /**
   * Why the grant does or does not apply ("user alice is in group engineering",
   * "posture managed: disk_encryption is false", "outside schedule mon-fri 07:00-19:00 Europe/Berlin").
   */
  'reasons': (string)[];
  /**
   * When the grant gives access only on request (just-in-time), who may approve.
   */
  'requestable': (boolean);
  'approvers': (string)[];
}
