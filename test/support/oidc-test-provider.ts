// Test support, never imported by the controller: a real OpenID provider (the certified
// `oidc-provider` package, a dev dependency) listening on a given address with the device
// authorization grant enabled (and the authorization code flow for clients with redirect
// URIs: the console), test accounts with passwords, groups and `amr`, a
// non-interactive "browser" that completes the device verification page over HTTP, and a
// hook that rewrites ID tokens on their way out of the token endpoint (to show that forged
// tokens are refused by the controller).
import { generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type Grant, type KoaContextWithOIDC } from 'oidc-provider';

export interface TestAccount {
  password: string;
  email: string;
  /** The `email_verified` claim (default true); null leaves the claim out, as some providers do. */
  emailVerified?: boolean | null;
  groups: string[];
  /** Authentication methods the provider reports for a login of this account. */
  amr: string[];
  acr?: string;
}

/** A client of the provider; with `redirectUris` it may also use the authorization code flow (the console). */
export interface TestClient { clientId: string; clientSecret: string; redirectUris?: string[] }

export interface TestProviderOptions {
  host?: string;
  port?: number;
  clients: TestClient[];
  accounts: Record<string, TestAccount>;
  /** Lifetime of ID tokens (seconds). */
  idTokenTtl?: number;
}

/** An RSA signing key: the private key object and its public JWK (with `kid`). */
export interface SigningKey { privateKey: KeyObject; kid: string; jwk: Record<string, unknown> }

export function signingKey(): SigningKey {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = randomBytes(8).toString('hex');
  return { privateKey, kid, jwk: { ...privateKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' } };
}

export interface TestProvider {
  issuer: string;
  key: SigningKey;
  accounts: Record<string, TestAccount>;
  /** When set, every ID token the token endpoint returns is replaced by `rewrite(token)`. */
  rewriteIdToken: ((idToken: string) => string) | undefined;
  close(): Promise<void>;
}

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

function readBody(req: IncomingMessage): Promise<URLSearchParams> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(new URLSearchParams(Buffer.concat(chunks).toString('utf8'))));
    req.on('error', reject);
  });
}

/** Replaces the response body of the token endpoint, rewriting its `id_token`. */
function rewriteTokenResponse(res: ServerResponse, rewrite: (token: string) => string): void {
  const end = res.end.bind(res) as (chunk?: unknown) => ServerResponse;
  res.end = ((chunk?: unknown) => {
    if (typeof chunk !== 'string' && !Buffer.isBuffer(chunk)) return end(chunk);
    const body = JSON.parse(chunk.toString()) as { id_token?: string };
    if (body.id_token) body.id_token = rewrite(body.id_token);
    const text = JSON.stringify(body);
    res.setHeader('content-length', Buffer.byteLength(text));
    return end(text);
  }) as ServerResponse['end'];
}

/** Starts a provider; its issuer is `http://HOST:PORT`. */
/**
 * The `corp` provider entry of an --oidc-config file for a test provider at `issuer`
 * (plain http on loopback, auto-provisioning, example.com addresses only, the client secret
 * in corp.secret beside the file).
 */
export function testProviderConfig(issuer: string, clientId: string): string {
  return `  - name: corp
    issuer: ${issuer}
    client_id: ${clientId}
    client_secret_file: corp.secret
    scopes: [openid, email, groups]
    allowed_email_domains: [example.com]
    provisioning: auto
    allow_insecure_http: true
`;
}

export async function startTestProvider(opts: TestProviderOptions): Promise<TestProvider> {
  const host = opts.host ?? '127.0.0.1';
  const key = signingKey();
  const server: Server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, resolve);
  });
  const issuer = `http://${host}:${(server.address() as AddressInfo).port}`;
  const accounts = opts.accounts;

  const provider: Provider = new Provider(issuer, {
    clients: opts.clients.map((c) => ({
      client_id: c.clientId, client_secret: c.clientSecret,
      grant_types: c.redirectUris?.length ? [DEVICE_GRANT, 'authorization_code'] : [DEVICE_GRANT],
      response_types: c.redirectUris?.length ? ['code'] : [], redirect_uris: c.redirectUris ?? [],
      token_endpoint_auth_method: 'client_secret_basic',
    })),
    jwks: { keys: [key.jwk] },
    features: { deviceFlow: { enabled: true }, devInteractions: { enabled: false } },
    scopes: ['openid', 'email', 'groups', 'offline_access'],
    claims: { acr: null, amr: null, auth_time: null, sid: null, openid: ['sub', 'amr', 'acr', 'auth_time'], email: ['email', 'email_verified'], groups: ['groups'] },
    // Real IdPs are configured to put the group claim into the ID token; so is this one.
    conformIdTokenClaims: false,
    ttl: { IdToken: opts.idTokenTtl ?? 3600, AccessToken: 3600, DeviceCode: 600, Interaction: 600, Session: 3600, Grant: 3600 },
    cookies: { keys: [randomBytes(16).toString('hex')] },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    findAccount: (_ctx: unknown, id: string) => {
      const a = accounts[id];
      if (!a) return undefined;
      return { accountId: id, claims: () => ({ sub: id, email: a.email, ...(a.emailVerified === null ? {} : { email_verified: a.emailVerified ?? true }), groups: a.groups }) };
    },
    // First-party client: the grant covers whatever it asks for, so no consent page.
    loadExistingGrant: async (ctx: KoaContextWithOIDC): Promise<Grant | undefined> => {
      const { session, client, params } = ctx.oidc;
      // Only asked with a logged-in session and a known client; without them there is no grant.
      if (!session?.accountId || !client) return undefined;
      const grant = new provider.Grant({ accountId: session.accountId, clientId: client.clientId });
      grant.addOIDCScope(String(params?.scope ?? ''));
      grant.addOIDCClaims(['email', 'email_verified', 'groups']);
      await grant.save();
      return grant;
    },
  });
  const handle = provider.callback();
  const state: TestProvider = {
    issuer, key, accounts, rewriteIdToken: undefined,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', issuer);
    const interaction = /^\/interaction\/([\w-]+)$/.exec(url.pathname);
    if (interaction) {
      interact(provider, accounts, req, res).catch((err: Error) => {
        if (!res.headersSent) res.writeHead(400, { 'content-type': 'text/plain' });
        res.end(`interaction failed: ${err.message}\n`);
      });
      return;
    }
    if (url.pathname === '/token' && state.rewriteIdToken) rewriteTokenResponse(res, state.rewriteIdToken);
    void handle(req, res);
  });
  return state;
}

/** The provider's login page: GET shows the form, POST checks the test password. */
async function interact(provider: Provider, accounts: Record<string, TestAccount>, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const details = await provider.interactionDetails(req, res);
  if (details.prompt.name !== 'login') throw new Error(`unexpected prompt ${details.prompt.name}`);
  if (req.method === 'GET') {
    res.writeHead(200, { 'content-type': 'text/html' }).end(`<form method="post" action="/interaction/${details.uid}"><label>Login <input name="login"></label><label>Password <input name="password" type="password"></label><button type="submit">Sign in</button></form>`);
    return;
  }
  const body = await readBody(req);
  const id = body.get('login') ?? '';
  const account = accounts[id];
  if (!account || account.password !== body.get('password')) {
    res.writeHead(401, { 'content-type': 'text/plain' }).end('wrong user name or password\n');
    return;
  }
  await provider.interactionFinished(req, res, { login: { accountId: id, amr: account.amr, ...(account.acr ? { acr: account.acr } : {}) } }, { mergeWithLastSubmission: false });
}

/** Cookie-keeping HTTP client standing in for the user's browser. */
class Browser {
  private readonly cookies = new Map<string, string>();

  async request(url: string, form?: Record<string, string>): Promise<{ status: number; location: string | null; body: string; url: string }> {
    const res = await fetch(url, {
      method: form ? 'POST' : 'GET',
      redirect: 'manual',
      headers: {
        cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      body: form ? new URLSearchParams(form).toString() : undefined,
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const eq = pair!.indexOf('=');
      this.cookies.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1));
    }
    const location = res.headers.get('location');
    return { status: res.status, location: location && new URL(location, url).toString(), body: await res.text(), url };
  }

  /** Follows redirects from `url` and returns the final page. */
  async follow(url: string, form?: Record<string, string>) {
    let page = await this.request(url, form);
    for (let hops = 0; page.location && page.status >= 300 && page.status < 400; hops++) {
      if (hops > 10) throw new Error('too many redirects');
      page = await this.request(page.location);
    }
    return page;
  }
}

function xsrfOf(html: string): string {
  const m = /name="xsrf" value="([^"]+)"/.exec(html);
  if (!m) throw new Error(`no xsrf token in the device page: ${html.slice(0, 200)}`);
  return m[1]!;
}

/**
 * Does what the user does in a browser: opens the verification URL, enters the user code,
 * confirms, signs in as `account`. Resolves with the final page's text; throws when the
 * provider did not report success.
 */
export async function approveDevice(verificationUri: string, userCode: string, account: string, password: string): Promise<string> {
  const browser = new Browser();
  const entry = await browser.follow(verificationUri);
  const confirm = await browser.follow(verificationUri, { xsrf: xsrfOf(entry.body), user_code: userCode });
  const login = await browser.follow(verificationUri, { xsrf: xsrfOf(confirm.body), user_code: userCode, confirm: 'yes' });
  if (!/\/interaction\//.test(login.url)) throw new Error(`the provider did not ask for a login: ${login.body.slice(0, 300)}`);
  const done = await browser.follow(login.url, { login: account, password });
  if (!/Sign-in Success/.test(done.body)) throw new Error(`device approval failed (${done.status}): ${done.body.slice(0, 300)}`);
  return done.body;
}
