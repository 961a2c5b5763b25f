// Original file: proto/wicket.proto


/**
 * What the client can tell about its device. Empty/unknown values fail any posture check
 * that requires them.
 */
export interface Posture {
  /**
   * "linux", "macos", "windows", ...
   */
  'os'?: (string);
  /**
   * kernel release on Linux
   */
  'osVersion'?: (string);
  /**
   * semver of the wicket client
   */
  'clientVersion'?: (string);
  /**
   * "true"/"false"/"" (unknown) for checks the client could or could not determine.
   */
  'diskEncryption'?: (string);
  'firewall'?: (string);
  'hostname'?: (string);
}

/**
 * What the client can tell about its device. Empty/unknown values fail any posture check
 * that requires them.
 */
export interface Posture__Output {
  /**
   * "linux", "macos", "windows", ...
   */
  'os': (string);
  /**
   * kernel release on Linux
   */
  'osVersion': (string);
  /**
   * semver of the wicket client
   */
  'clientVersion': (string);
  /**
   * "true"/"false"/"" (unknown) for checks the client could or could not determine.
   */
  'diskEncryption': (string);
  'firewall': (string);
  'hostname': (string);
}
