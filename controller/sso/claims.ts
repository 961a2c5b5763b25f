// Maps the claims of a validated ID token to a Wicket login: the user name, the provider's
// groups (as policy groups `idp:NAME`), whether MFA happened (per `amr`/`acr` and the
// provider's settings), whether the provider verified the e-mail address (only an explicit
// `email_verified: true` counts) and the e-mail domain check. Pure; a refusal is an SsoRefusal whose
// reason goes to the audit log.
import { NAME_PATTERN, IDP_GROUP_PATTERN, IDP_GROUP_PREFIX } from '../policy/schema.js';
import type { ProviderSettings } from './config.js';

export class SsoRefusal extends Error {}

export interface MappedLogin {
  subject: string;
  username: string;
  /** The provider's group names (without the `idp:` prefix). */
  groups: string[];
  /** Group names that are not valid policy group names (ignored). */
  ignoredGroups: string[];
  mfa: boolean;
  /** The provider said `email_verified: true` for the token's e-mail address. */
  emailVerified: boolean;
}

const MAX_GROUPS = 256;

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : []);

/** Whether `amr` or `acr` says more than one factor was used, by the provider's settings. */
export function mfaFromClaims(p: Pick<ProviderSettings, 'mfa'>, claims: Record<string, unknown>): boolean {
  return strings(claims.amr).some((m) => p.mfa.amr.includes(m)) || (typeof claims.acr === 'string' && p.mfa.acr.includes(claims.acr));
}

export function mapClaims(p: ProviderSettings, claims: Record<string, unknown>): MappedLogin {
  const subject = claims.sub;
  if (typeof subject !== 'string' || !subject) throw new SsoRefusal('the ID token has no subject');
  const email = typeof claims.email === 'string' ? claims.email.toLowerCase() : undefined;
  // Only an address the provider says it verified names anybody: a missing claim is no
  // promise (some providers leave it out, some let users type any address).
  const emailUsable = email !== undefined && claims.email_verified === true;
  if (p.allowed_email_domains.length > 0) {
    if (!emailUsable) throw new SsoRefusal('no verified e-mail address, and this provider only admits listed e-mail domains');
    const domain = email.slice(email.lastIndexOf('@') + 1);
    if (!p.allowed_email_domains.includes(domain)) throw new SsoRefusal(`e-mail domain ${domain} is not allowed for this provider`);
  }
  let username: string;
  if (p.username_claim === 'email') {
    if (!emailUsable) throw new SsoRefusal('the ID token has no verified e-mail address to use as the user name');
    username = email;
  } else {
    const value = claims[p.username_claim];
    if (typeof value !== 'string') throw new SsoRefusal(`the ID token has no ${p.username_claim} claim for the user name`);
    username = value;
  }
  if (!NAME_PATTERN.test(username)) throw new SsoRefusal(`"${username}" (claim ${p.username_claim}) is not a valid Wicket user name`);
  const all = [...new Set(strings(claims[p.groups_claim]))];
  const groups = all.filter((g) => IDP_GROUP_PATTERN.test(g)).slice(0, MAX_GROUPS);
  return { subject, username, groups, ignoredGroups: all.filter((g) => !groups.includes(g)), mfa: mfaFromClaims(p, claims), emailVerified: emailUsable };
}

/** The policy groups of a provider's groups. */
export const policyGroups = (groups: readonly string[]) => groups.map((g) => `${IDP_GROUP_PREFIX}${g}`);
