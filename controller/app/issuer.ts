// The `iss` of identity assertions and where browsers sign in: given with --issuer, or made
// from the listener a browser reaches (the console's, else the API's). A given issuer must be
// an https URL naming only an origin and path: verifiers compare it byte for byte.
export function validateIssuer(issuer: string): string {
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    throw new Error(`--issuer ${JSON.stringify(issuer)} is not a URL`);
  }
  if (url.protocol !== 'https:') throw new Error(`--issuer ${issuer} must be an https URL`);
  if (url.username || url.password || url.search || url.hash) throw new Error(`--issuer ${issuer} must not carry credentials, a query or a fragment`);
  return issuer;
}

/** "https://HOST:PORT" of a listener ("host:port" as bound; IPv6 hosts bracketed). */
export function httpsOrigin(host: string, port: number): string {
  return `https://${host.includes(':') ? `[${host}]` : host}:${port}`;
}
