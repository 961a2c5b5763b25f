// Whether a gateway's Sync Hello matches what is bound to it (pure). The WireGuard key is
// bound at enrollment and the endpoint by the join token (or by the first Hello when the
// admin gave none): a Hello announcing others is what a stolen certificate would send to
// receive every client key and preshared key and to point clients at itself.

export interface BoundGateway {
  /** '' = not bound yet (enrolled before keys were bound): this Hello binds it. */
  publicKey: string;
  /** '' = not bound yet: this Hello binds it. */
  endpoint: string;
}

export type HelloRefusal = { reason: 'key' | 'endpoint'; message: string };

/** Endpoints compare without regard to case ("GW.example.com:51820" is "gw.example.com:51820"). */
export const normalizeEndpoint = (endpoint: string): string => endpoint.toLowerCase();

/** Why this Hello is refused, or undefined when it matches (or binds what was not bound). */
export function helloRefusal(bound: BoundGateway, hello: { publicKey: string; endpoint: string }): HelloRefusal | undefined {
  if (bound.publicKey && bound.publicKey !== hello.publicKey) {
    return { reason: 'key', message: 'this WireGuard key is not the one enrolled for this gateway: a new key means enrolling again (wicket-gateway enroll --force)' };
  }
  if (bound.endpoint && bound.endpoint !== normalizeEndpoint(hello.endpoint)) {
    return { reason: 'endpoint', message: 'this endpoint is not the one allowed for this gateway: issue a join token with --endpoint and enroll again' };
  }
  return undefined;
}
