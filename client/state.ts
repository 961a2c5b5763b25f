// The client's state directory (--state-dir, $WICKET_HOME, ~/.wicket): device identity,
// login and session files, each read through a zod schema and written atomically (secrets
// 0600). Nothing else in the client touches these paths.
import { createPublicKey } from 'node:crypto';
import { existsSync, readFileSync, rmSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { generateKeyPair, writePublicFile, writeSecretFile, type KeyPair } from '../common/pki.js';
import { describeFirstIssue } from '../common/zod-issue.js';
import type { Entitlement__Output } from '../proto/generated/wicket/v1/Entitlement.js';

/** The state directory: --state-dir, else $WICKET_HOME, else ~/.wicket. */
export function resolveStateDir(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return flag ?? env.WICKET_HOME ?? join(homedir(), '.wicket');
}

const loginSchema = z.object({
  /** The auth endpoint that answered the login (HOST:PORT). */
  controller: z.string().min(1),
  caFingerprint: z.string().regex(/^[0-9a-f]{64}$/),
  /** Where the API port of that controller is dialled (HOST:PORT). */
  apiEndpoint: z.string().min(1),
  /**
   * Every controller's auth endpoint as given to login, and its API endpoint (same order), the
   * order in which the client tries them. A login.json written before controller lists has
   * neither: it reads as the single controller it names.
   */
  controllers: z.array(z.string().min(1)).min(1).optional(),
  apiEndpoints: z.array(z.string().min(1)).min(1).optional(),
  username: z.string().min(1),
  deviceId: z.string().min(1),
  deviceName: z.string(),
  certExpiresAtMs: z.number().int(),
  admin: z.boolean(),
}).transform((l) => ({ ...l, controllers: l.controllers ?? [l.controller], apiEndpoints: l.apiEndpoints ?? [l.apiEndpoint] }))
  .refine((l) => l.controllers.length === l.apiEndpoints.length, { message: 'controllers and apiEndpoints differ in length' });
/** The login as stored; the lists may be left out (they then name the one controller). */
export type LoginState = z.input<typeof loginSchema>;
/** The login as read, with the lists always present. */
export type StoredLogin = z.output<typeof loginSchema>;

const entitlementSchema = z.object({
  resource: z.string(),
  gateway: z.string(),
  destination: z.string(),
  protocol: z.string(),
  portFrom: z.number().int(),
  portTo: z.number().int(),
  grant: z.string(),
  expiresAtMs: z.number().int(),
  http: z.object({ hostname: z.string(), methods: z.array(z.string()), paths: z.array(z.string()) }).nullable().default(null),
  standbyGateways: z.array(z.string()).default([]),
}) satisfies z.ZodType<Entitlement__Output>;

/**
 * A gateway as recorded on disk: everything but the preshared key (kept in session.key), and
 * what the agent made of it (its health, the CIDRs it carries now). Defaults read files written
 * before redundant gateways.
 */
const sessionGatewaySchema = z.object({
  gateway: z.string(),
  endpoint: z.string(),
  publicKey: z.string(),
  allowedIps: z.array(z.string()),
  standbyIps: z.array(z.string()).default([]),
  serviceAddresses: z.array(z.string()).default([]),
  dnsNames: z.array(z.string()).default([]),
  connected: z.boolean().default(true),
  healthy: z.boolean().default(true),
  carries: z.array(z.string()).default([]),
});
export type SessionGateway = z.infer<typeof sessionGatewaySchema>;

/** What was done to the system resolver for the session's names (client/system-resolver.ts). */
const dnsSetupSchema = z.object({
  resolver: z.enum(['resolvectl', 'none']),
  domains: z.array(z.string()),
  note: z.string(),
});

const sessionSchema = z.object({
  sessionId: z.string().min(1),
  interface: z.string().min(1).max(15),
  overlayAddress: z.string().min(1),
  /** The IPv6 overlay address ('' from a controller without IPv6). */
  overlayIpv6: z.string().default(''),
  wgPublicKey: z.string(),
  createdAtMs: z.number().int(),
  expiresAtMs: z.number().int(),
  /** "active" while up; otherwise how it ended ("revoked", "expired", "disconnected"). */
  state: z.string(),
  endReason: z.string(),
  endedAtMs: z.number().int(),
  gateways: z.array(sessionGatewaySchema),
  /** The routes currently installed through the interface (to diff on updates). */
  routes: z.array(z.string()),
  entitlements: z.array(entitlementSchema),
  /** The API endpoint of the controller the session uses now ('' before controller lists). */
  controller: z.string().default(''),
  /** The session agent's process id (0 while none runs). */
  agentPid: z.number().int(),
  /** Where the agent's DNS forwarder listens ('' while none runs). */
  dnsForwarder: z.string().default(''),
  dnsSetup: dnsSetupSchema.default({ resolver: 'none', domains: [], note: 'the session has no resource names' }),
});
/** The session as persisted in session.json (kept after it ends, so `status` can say why). */
export type SessionRecord = z.infer<typeof sessionSchema>;

const sessionSecretsSchema = z.object({
  privateKey: z.string().min(1),
  /** Preshared key per gateway name. */
  presharedKeys: z.record(z.string(), z.string()),
});
export type SessionSecrets = z.infer<typeof sessionSecretsSchema>;

/** Reads and validates a JSON file; undefined when it does not exist. */
function readJson<T>(path: string, schema: z.ZodType<T>): T | undefined {
  if (!existsSync(path)) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`${path} is not valid JSON (${(err as Error).message}); remove it or run wicket logout`);
  }
  const r = schema.safeParse(raw);
  if (!r.success) {
    throw new Error(`${path} is damaged (${describeFirstIssue(r.error, 'root')}); remove it or run wicket logout`);
  }
  return r.data;
}

/** The files of one state directory. */
export class StateDir {
  readonly deviceKeyPath: string;
  readonly deviceCertPath: string;
  readonly caPath: string;
  readonly loginPath: string;
  readonly sessionPath: string;
  readonly sessionKeyPath: string;
  readonly agentLogPath: string;

  constructor(readonly dir: string) {
    this.deviceKeyPath = join(dir, 'device.key');
    this.deviceCertPath = join(dir, 'device.crt');
    this.caPath = join(dir, 'ca.crt');
    this.loginPath = join(dir, 'login.json');
    this.sessionPath = join(dir, 'session.json');
    this.sessionKeyPath = join(dir, 'session.key');
    this.agentLogPath = join(dir, 'agent.log');
  }

  /** The persistent device key pair, created (0600) on first use. */
  deviceKeys(): KeyPair {
    if (existsSync(this.deviceKeyPath)) {
      const privateKeyPem = readFileSync(this.deviceKeyPath, 'utf8');
      try {
        const publicKeyPem = createPublicKey(privateKeyPem).export({ type: 'spki', format: 'pem' }).toString();
        return { privateKeyPem, publicKeyPem };
      } catch (err) {
        throw new Error(`${this.deviceKeyPath} is not a private key (${(err as Error).message})`);
      }
    }
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const keys = generateKeyPair();
    writeSecretFile(this.deviceKeyPath, keys.privateKeyPem);
    return keys;
  }

  /** Stores what a successful login returned. */
  saveLogin(login: LoginState, certPem: string, caPem: string): void {
    writePublicFile(this.caPath, caPem);
    writePublicFile(this.deviceCertPath, certPem);
    writePublicFile(this.loginPath, `${JSON.stringify(loginSchema.parse(login), null, 2)}\n`);
  }

  /** The login state, or undefined when not logged in. */
  login(): StoredLogin | undefined {
    return readJson(this.loginPath, loginSchema);
  }

  /** The login state and the mutual-TLS credentials; throws "not logged in" without them. */
  credentials(): { login: StoredLogin; caPem: string; certPem: string; keyPem: string } {
    const login = this.login();
    if (!login || !existsSync(this.deviceCertPath) || !existsSync(this.caPath)) {
      throw new Error(`not logged in (no login in ${this.dir}): run wicket login first`);
    }
    return {
      login,
      caPem: readFileSync(this.caPath, 'utf8'),
      certPem: readFileSync(this.deviceCertPath, 'utf8'),
      keyPem: this.deviceKeys().privateKeyPem,
    };
  }

  /** Forgets the login (certificate, CA, login.json); the device key stays. */
  clearLogin(): void {
    for (const p of [this.loginPath, this.deviceCertPath, this.caPath]) rmSync(p, { force: true });
  }

  session(): SessionRecord | undefined {
    return readJson(this.sessionPath, sessionSchema);
  }

  saveSession(s: SessionRecord): void {
    writePublicFile(this.sessionPath, `${JSON.stringify(sessionSchema.parse(s), null, 2)}\n`);
  }

  /** Reads, changes and writes session.json; returns the new state (undefined if none). */
  updateSession(change: (s: SessionRecord) => SessionRecord): SessionRecord | undefined {
    const current = this.session();
    if (!current) return undefined;
    const next = change(current);
    this.saveSession(next);
    return next;
  }

  sessionSecrets(): SessionSecrets | undefined {
    return readJson(this.sessionKeyPath, sessionSecretsSchema);
  }

  saveSessionSecrets(s: SessionSecrets): void {
    writeSecretFile(this.sessionKeyPath, `${JSON.stringify(sessionSecretsSchema.parse(s))}\n`);
  }

  /** Deletes the session's private and preshared keys (the session can no longer be used). */
  deleteSessionSecrets(): void {
    rmSync(this.sessionKeyPath, { force: true });
  }

  /** Deletes every file of the session. */
  deleteSession(): void {
    this.deleteSessionSecrets();
    rmSync(this.sessionPath, { force: true });
  }
}
