// The gateway's view of one session (what the controller's GatewaySession becomes), as a zod
// schema: the data plane validates every session before it can reach `wg` or `nft`.
import { z } from 'zod';
import { ipv4Format, wgKeySchema } from '../../common/formats.js';
import { ipv4Range } from '../../common/ipv4.js';
import { bigIntToIpv6, ipv6Range, ipv6ToBigInt } from '../../common/ipv6.js';
import { isDnsName, isDnsWildcard } from '../../common/dns-names.js';

/** A dotted-quad IPv4 address, normalised. */
export const ipv4Schema = ipv4Format('not a dotted-quad IPv4 address');

/** Destinations made of digits, dots and slashes are IPv4 literals. */
export const IPV4_LITERAL = /^[0-9./]+$/;
/** Destinations with a colon are IPv6 literals (a DNS name never has one). */
export const IPV6_LITERAL = /:/;

/** True for an address literal (IPv4 or IPv6, address or CIDR); anything else is a DNS name. */
export const isAddressLiteral = (d: string): boolean => IPV4_LITERAL.test(d) || IPV6_LITERAL.test(d);

function validLiteral(d: string, range: (d: string) => unknown): boolean {
  try {
    range(d);
    return true;
  } catch {
    return false;
  }
}

/**
 * A DNS name or wildcard "*.suffix" in canonical form (addresses from the name source), an
 * IPv4 or an IPv6 address or CIDR. Names are held to the policy's own rules, so a controller
 * gone wrong cannot make "*.com" (or an upper-case name no query ever matches) a destination.
 */
const destinationSchema = z.string().min(1).max(253)
  .refine((d) => isAddressLiteral(d) || isDnsName(d) || isDnsWildcard(d), { message: 'not an address, CIDR, DNS name or wildcard' })
  .refine((d) => !IPV4_LITERAL.test(d) || validLiteral(d, ipv4Range), { message: 'not an IPv4 address or CIDR' })
  .refine((d) => !IPV6_LITERAL.test(d) || validLiteral(d, ipv6Range), { message: 'not an IPv6 address or CIDR' });

/**
 * A session's IPv6 overlay address, RFC 5952 text (what nft lists back), or '' for none (an
 * older controller sends none; such a session gets no IPv6).
 */
export const overlayIpv6Schema = z.string().max(64).transform((a, ctx) => {
  if (a === '') return '';
  if (!IPV6_LITERAL.test(a) || a.includes('/') || !validLiteral(a, ipv6Range)) {
    ctx.addIssue({ code: 'custom', message: 'not an IPv6 address' });
    return z.NEVER;
  }
  return bigIntToIpv6(ipv6ToBigInt(a));
});

const portSchema = z.number().int().min(0).max(65535);

export const desiredRuleSchema = z.object({
  destination: destinationSchema,
  protocol: z.enum(['tcp', 'udp', 'icmp']),
  portFrom: portSchema,
  portTo: portSchema,
  expiresAtMs: z.number().int(),
}).refine((r) => r.portFrom <= r.portTo, { message: 'portFrom is above portTo' });

export const desiredSessionSchema = z.object({
  id: z.string().min(1).max(128),
  overlayAddress: ipv4Schema,
  overlayIpv6: overlayIpv6Schema.optional(),
  publicKey: wgKeySchema,
  presharedKey: wgKeySchema,
  expiresAtMs: z.number().int(),
  rules: z.array(desiredRuleSchema),
});

export type DesiredRule = z.infer<typeof desiredRuleSchema>;
export type DesiredSession = z.infer<typeof desiredSessionSchema>;
