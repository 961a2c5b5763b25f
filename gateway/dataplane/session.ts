// The gateway's view of one session (what the controller's GatewaySession becomes), as a zod
// schema: the data plane validates every session before it can reach `wg` or `nft`.
import { z } from 'zod';
import { ipv4Format, wgKeySchema } from '../../common/formats.js';
import { ipv4Range } from '../../common/ipv4.js';

/** A dotted-quad IPv4 address, normalised (IPv4 only for now: the overlay and nft sets are IPv4). */
export const ipv4Schema = ipv4Format('not a dotted-quad IPv4 address');

/** Destinations made of digits, dots and slashes are IPv4 literals; anything else is a DNS name. */
export const IPV4_LITERAL = /^[0-9./]+$/;

function validLiteral(d: string): boolean {
  try {
    ipv4Range(d);
    return true;
  } catch {
    return false;
  }
}

/** A DNS name or wildcard "*.suffix" (addresses from the name source) or an IPv4 address or CIDR. */
const destinationSchema = z.string().min(1).max(253)
  .regex(/^(\*\.)?[A-Za-z0-9.\-/]+$/, 'not an address, CIDR, DNS name or wildcard')
  .refine((d) => !IPV4_LITERAL.test(d) || validLiteral(d), { message: 'not an IPv4 address or CIDR' });

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
  publicKey: wgKeySchema,
  presharedKey: wgKeySchema,
  expiresAtMs: z.number().int(),
  rules: z.array(desiredRuleSchema),
});

export type DesiredRule = z.infer<typeof desiredRuleSchema>;
export type DesiredSession = z.infer<typeof desiredSessionSchema>;
