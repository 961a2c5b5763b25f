// The controller's single sign-on configuration (`wicket-controller start --oidc-config
// FILE`): one or more OpenID providers, validated with zod. Client secrets live in their own
// 0600 files, never in the configuration file, argv or logs.
import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { describeFirstIssue } from '../../common/zod-issue.js';

/** RFC 8176 `amr` values that mean more than one factor (or a phishing-resistant one). */
export const DEFAULT_MFA_AMR = ['mfa', 'otp', 'hwk', 'sc', 'swk'];

const nameRule = z.string().regex(/^[A-Za-z0-9._@-]{1,64}$/, "1-64 letters, digits, '.', '_', '-' or '@'");
const claimName = z.string().regex(/^[A-Za-z0-9_:./-]{1,128}$/, 'a claim name');

export const providerSchema = z.strictObject({
  name: nameRule,
  issuer: z.url({ protocol: /^https?$/, error: 'issuer must be an http(s) URL' }),
  client_id: z.string().min(1).max(256),
  /** File holding the client secret (mode 0600); absent = public client. */
  client_secret_file: z.string().min(1).optional(),
  scopes: z.array(z.string().regex(/^[\x21\x23-\x5B\x5D-\x7E]+$/, 'a scope')).min(1).default(['openid', 'email', 'profile'])
    .refine((s) => s.includes('openid'), 'scopes must include openid'),
  /** The ID-token claim that becomes the Wicket user name. */
  username_claim: claimName.default('email'),
  /** The ID-token claim that carries the user's groups (a list of strings). */
  groups_claim: claimName.default('groups'),
  /** When non-empty, only verified e-mail addresses in these domains may log in. */
  allowed_email_domains: z.array(z.string().regex(/^[a-z0-9.-]+\.[a-z]{2,}$/, 'a lower-case domain name')).default([]),
  /** `auto`: a first login creates the Wicket user; `existing`: only pre-created users may log in. */
  provisioning: z.enum(['auto', 'existing']).default('existing'),
  /** Which `amr` values or `acr` values count as multi-factor authentication. */
  mfa: z.strictObject({ amr: z.array(z.string().min(1)).default(DEFAULT_MFA_AMR), acr: z.array(z.string().min(1)).default([]) })
    .default({ amr: DEFAULT_MFA_AMR, acr: [] }),
  /** Whose SSO logins must have used MFA (per `mfa`): `admins` (users with the admin role) or `all`. */
  require_mfa: z.enum(['admins', 'all']).default('admins'),
  /** Allows an http:// issuer (tests and labs only: tokens would cross the network in clear). */
  allow_insecure_http: z.boolean().default(false),
}).refine((p) => p.allow_insecure_http || p.issuer.startsWith('https:'), { message: 'issuer must be https (or set allow_insecure_http for a lab)', path: ['issuer'] });

export const ssoConfigSchema = z.strictObject({
  providers: z.array(providerSchema).min(1, 'at least one provider'),
}).refine((c) => new Set(c.providers.map((p) => p.name)).size === c.providers.length, { message: 'provider names must be unique', path: ['providers'] });

export type ProviderSettings = z.output<typeof providerSchema>;

/** A provider's settings with its client secret read in (undefined = public client). */
export interface ProviderConfig extends ProviderSettings { clientSecret: string | undefined }

/** Parses configuration text; errors name the field. Secret files are resolved against `baseDir`. */
export function parseSsoConfig(text: string, baseDir: string, readSecret: (path: string) => string = readSecretFile): ProviderConfig[] {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new Error(`SSO configuration is not valid YAML: ${(err as Error).message}`);
  }
  const parsed = ssoConfigSchema.safeParse(doc);
  if (!parsed.success) throw new Error(`SSO configuration: ${describeFirstIssue(parsed.error, '(top)')}`);
  return parsed.data.providers.map((p) => ({
    ...p, clientSecret: p.client_secret_file === undefined ? undefined : readSecret(resolve(baseDir, p.client_secret_file)),
  }));
}

/** Reads a client secret file, refusing one that others may read. */
export function readSecretFile(path: string): string {
  const mode = statSync(path).mode & 0o777;
  if (mode & 0o077) throw new Error(`client secret file ${path} is readable by others (mode ${mode.toString(8)}); chmod 600 it`);
  const secret = readFileSync(path, 'utf8').trim();
  if (!secret) throw new Error(`client secret file ${path} is empty`);
  return secret;
}

export function loadSsoConfig(path: string): ProviderConfig[] {
  return parseSsoConfig(readFileSync(path, 'utf8'), dirname(path));
}
