// Package log gives every Wicket process the same structured JSON logger (pino), with the
// fields that could carry secrets redacted before a line is written.
import { pino, type Logger } from 'pino';

/** Field names whose values are never written to a log, wherever they appear. */
export const REDACTED_KEYS = [
  'password', 'privateKey', 'private_key', 'presharedKey', 'preshared_key', 'psk',
  'totpSecret', 'totp_secret', 'totpCode', 'totp_code', 'token', 'key', 'keyPem', 'masterKey',
];

const paths = REDACTED_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`, `*[*].${k}`]);

export type { Logger };

/**
 * A logger named after its component. Level from WICKET_LOG_LEVEL (default info); lines go
 * to the given destination (stderr by default, so command output on stdout stays clean).
 */
export function createLogger(component: string, destination: NodeJS.WritableStream = process.stderr): Logger {
  return pino(
    {
      name: component,
      level: process.env.WICKET_LOG_LEVEL ?? 'info',
      redact: { paths, censor: '[redacted]' },
      base: { component, pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination as pino.DestinationStream,
  );
}
