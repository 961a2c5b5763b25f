// What a browser without the tunnel carries to a public HTTP resource: the claims of the
// controller's sign-in ticket and of the gateway's cookie made from it (both ES256 JWTs; iss,
// aud = the hostname, iat, exp besides these). Written once here, because the controller
// makes them and the gateway must read exactly the same shape (and refuse anything else).
import { z } from 'zod';

const text = (max: number) => z.string().min(1).max(max);

export const accessClaimsSchema = z.object({
  sub: text(128),
  groups: z.array(text(256)).max(1024),
  device: text(64),
  /** The browser's access session at the controller: the `sid` of its requests' records. */
  sid: text(64),
  /** The resource answering to the hostname. */
  res: text(64),
  /** One per grant giving the resource without the tunnel (empty lists: every method or path). */
  grants: z.array(z.object({ grant: text(64), methods: z.array(text(32)).max(64), paths: z.array(text(1024)).max(256) })).min(1).max(256),
});

export type AccessClaims = z.infer<typeof accessClaimsSchema>;

/** How long a ticket lives: only the redirect from the controller to the gateway has to fit. */
export const TICKET_LIFETIME_S = 60;

/** The JWT type (`typ`) of a ticket: no other token the controller or a gateway signs can pass for one. */
export const TICKET_TYPE = 'wicket-ticket';
