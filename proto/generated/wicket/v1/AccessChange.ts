// Original file: proto/wicket.proto


export interface AccessChange {
  'user'?: (string);
  /**
   * "wiki:tcp/443" style items.
   */
  'gained'?: (string)[];
  'lost'?: (string)[];
}

export interface AccessChange__Output {
  'user': (string);
  /**
   * "wiki:tcp/443" style items.
   */
  'gained': (string)[];
  'lost': (string)[];
}
