// The gateway's state directory: which files enrollment writes, and loading them for `start`
// with a clear message when something is missing. The gateway holds no database: this
// directory is its identity (TLS key and certificate, CA, WireGuard key), nothing more.
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';

/** File names inside --state-dir. */
export const STATE_FILES = {
  key: 'key.pem', // TLS private key (0600)
  cert: 'cert.pem', // gateway certificate issued by the controller's CA
  ca: 'ca.crt', // the pinned controller CA
  wgKey: 'wg.key', // WireGuard private key (0600), made once
  info: 'gateway.json', // written last: its presence means "enrolled"
} as const;

export const gatewayInfoSchema = z.object({
  name: z.string().min(1),
  /** The controller's auth endpoint used for enrollment, "HOST:PORT". */
  controller: z.string().min(1),
  caFingerprint: z.string().regex(/^[0-9a-f]{64}$/),
  enrolledAtMs: z.number().int().positive(),
  certificateExpiresAtMs: z.number().int().nonnegative(),
});

export type GatewayInfo = z.infer<typeof gatewayInfoSchema>;

export interface GatewayState {
  info: GatewayInfo;
  keyPem: string;
  certPem: string;
  caPem: string;
  wgPrivateKey: string;
}

export function statePath(stateDir: string, file: keyof typeof STATE_FILES): string {
  return join(stateDir, STATE_FILES[file]);
}

/** True when the directory holds a completed enrollment. */
export async function isEnrolled(stateDir: string): Promise<boolean> {
  return stat(statePath(stateDir, 'info')).then(() => true, () => false);
}

/** Reads an enrolled state directory; throws a message naming the missing or bad file. */
export async function loadGatewayState(stateDir: string): Promise<GatewayState> {
  if (!(await isEnrolled(stateDir))) {
    throw new Error(`${stateDir} holds no enrollment (${STATE_FILES.info} missing): run \`wicket-gateway enroll\` first`);
  }
  const read = async (file: keyof typeof STATE_FILES, secret: boolean): Promise<string> => {
    const path = statePath(stateDir, file);
    const info = await stat(path).catch(() => {
      throw new Error(`${path} is missing: the enrollment in ${stateDir} is incomplete; enroll again with --force`);
    });
    // Refuse a key that others could have read: it may be compromised, and it says the
    // directory was not made by enroll.
    if (secret && (info.mode & 0o077) !== 0) {
      throw new Error(`${path} is readable by group or others (mode ${(info.mode & 0o777).toString(8)}): chmod 600 it`);
    }
    return readFile(path, 'utf8');
  };
  const [infoText, keyPem, certPem, caPem, wgKey] = await Promise.all([
    read('info', false), read('key', true), read('cert', false), read('ca', false), read('wgKey', true),
  ]);
  let raw: unknown;
  try {
    raw = JSON.parse(infoText);
  } catch (err) {
    throw new Error(`${statePath(stateDir, 'info')} is not valid JSON: ${(err as Error).message}`);
  }
  const info = gatewayInfoSchema.safeParse(raw);
  if (!info.success) throw new Error(`${statePath(stateDir, 'info')} is invalid: ${z.prettifyError(info.error)}`);
  return { info: info.data, keyPem, certPem, caPem, wgPrivateKey: wgKey.trim() };
}
