// The text formats Wicket's programs share, written once: a WireGuard key, HOST:PORT, a
// CIDR and a dotted-quad IPv4 address. Each comes as a pattern or predicate and as a zod
// schema builder taking the message, because each caller words its refusal its own way
// (the messages are part of what users and tests see).
import ipaddr from 'ipaddr.js';
import { z } from 'zod';

/** 32 bytes in base64: 43 characters, the last one carrying only 4 bits, then one '='. */
const WG_KEY = '[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=';
/** A whole string that is a WireGuard key. */
export const WG_KEY_PATTERN = new RegExp(`^${WG_KEY}$`);
/** Every WireGuard key inside a text (global: for `replace`, never `test`). */
export const WG_KEY_IN_TEXT = new RegExp(WG_KEY, 'g');

/** A host name, IPv4 address or bracketed IPv6 address, then a port. */
export const HOST_PORT_PATTERN = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/;

/** An IPv4 or IPv6 address/prefix. */
export const isCidr = (s: string): boolean => ipaddr.isValidCIDR(s);

/** Strict IPv4 dotted quad (no shorthand, octal or hex forms that ipaddr.js would also accept). */
export const isDottedQuad = (s: string): boolean => ipaddr.IPv4.isValidFourPartDecimal(s);

export const wgKeyFormat = (message: string) => z.string().regex(WG_KEY_PATTERN, message);
export const hostPortFormat = (message: string) => z.string().regex(HOST_PORT_PATTERN, message);
export const cidrFormat = (message: string) => z.string().refine(isCidr, { message });
/** A dotted-quad IPv4 address, normalised. */
export const ipv4Format = (message: string) => z.string().refine(isDottedQuad, { message }).transform((s) => ipaddr.IPv4.parse(s).toString());

/** A WireGuard key as the WireGuard code refuses a malformed one. */
export const wgKeySchema = wgKeyFormat('not a WireGuard key (32 bytes, base64)');
