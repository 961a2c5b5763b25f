// Version comparison for posture checks: semantic versions of the wicket client
// ("1.4.2", "1.5.0-rc.1") and OS/kernel releases ("6.1.0-18-amd64", "14.2"). Pure.

const VERSION = /^v?([0-9]+(?:\.[0-9]+)*)(.*)$/;

interface Version {
  numbers: number[];
  suffix: string;
}

/** The leading dotted numbers of a version and what follows them; undefined when there are none. */
export function parseVersion(text: string): Version | undefined {
  const m = VERSION.exec(text.trim());
  if (!m) return undefined;
  return { numbers: m[1]!.split('.').map(Number), suffix: m[2]! };
}

/**
 * Compares `actual` with `minimum` (negative, 0, positive). Missing components count as 0.
 * With `semver`, a pre-release suffix ("-rc.1") ranks below the same version without one, as
 * in SemVer; without it (kernel releases) anything after the numbers is ignored.
 */
export function compareVersions(actual: Version, minimum: Version, semver: boolean): number {
  const len = Math.max(actual.numbers.length, minimum.numbers.length);
  for (let i = 0; i < len; i++) {
    const d = (actual.numbers[i] ?? 0) - (minimum.numbers[i] ?? 0);
    if (d !== 0) return d;
  }
  if (!semver) return 0;
  const pre = (v: Version) => (v.suffix.startsWith('-') ? 1 : 0);
  return pre(minimum) - pre(actual);
}
