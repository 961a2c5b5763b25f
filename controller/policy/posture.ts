// Device posture requirements ("postures" in the policy file) and checking a device's
// reported posture against them. Pure.
import type { Posture__Output } from '../../proto/generated/wicket/v1/Posture.js';
import { compareVersions, parseVersion } from './version.js';

/** What a device reports (the proto Posture): booleans are "true", "false" or "" (unknown). */
export type Posture = Posture__Output;

/** A named posture as the policy declares it (already validated). */
export interface PostureRequirement {
  name: string;
  os?: string[];
  minClientVersion?: string;
  minOsVersion?: string;
  diskEncryption?: boolean;
  firewall?: boolean;
}

export const EMPTY_POSTURE: Posture = { os: '', osVersion: '', clientVersion: '', diskEncryption: '', firewall: '', hostname: '' };

function shown(value: string): string {
  return value === '' ? 'unknown' : `"${value}"`;
}

function versionFailure(field: string, actual: string, minimum: string, semver: boolean): string | undefined {
  const have = parseVersion(actual);
  const need = parseVersion(minimum)!;
  if (have && compareVersions(have, need, semver) >= 0) return undefined;
  return `${field} is ${shown(actual)} (requires at least ${minimum})`;
}

/**
 * Every requirement of `req` that `posture` fails, as "posture NAME: FIELD is X (requires Y)";
 * empty when the device satisfies it. Unknown values fail every requirement on them.
 */
export function postureFailures(req: PostureRequirement, posture: Posture): string[] {
  const failures: (string | undefined)[] = [];
  if (req.os && !req.os.includes(posture.os.toLowerCase())) {
    failures.push(`os is ${shown(posture.os)} (requires one of ${req.os.join(', ')})`);
  }
  if (req.minClientVersion !== undefined) {
    failures.push(versionFailure('client_version', posture.clientVersion, req.minClientVersion, true));
  }
  if (req.minOsVersion !== undefined) {
    failures.push(versionFailure('os_version', posture.osVersion, req.minOsVersion, false));
  }
  if (req.diskEncryption && posture.diskEncryption !== 'true') {
    failures.push(`disk_encryption is ${shown(posture.diskEncryption)} (requires true)`);
  }
  if (req.firewall && posture.firewall !== 'true') {
    failures.push(`firewall is ${shown(posture.firewall)} (requires true)`);
  }
  return failures.filter((f): f is string => f !== undefined).map((f) => `posture ${req.name}: ${f}`);
}
