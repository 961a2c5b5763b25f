// Single sign-on end to end with real packets: a real OpenID provider (oidc-provider, in the
// controller's namespace), the real controller started with --oidc-config, the gateway
// agent, and `wicket login --sso` on a client host. The worker's "browser" on that host
// approves the device code at the provider; the login ends with a device certificate, and
// `wicket up` gives a WireGuard tunnel reaching exactly what the IdP group `eng` is granted.
// A worker whose IdP groups carry no grant logs in but gets no session.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ADDR, probeTcp, tcpConnect } from '../../scripts/topology/index.js';
import { PORTS, Service, WicketSystem } from '../../scripts/topology/system.js';
import { testProviderConfig } from '../support/oidc-test-provider.js';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const WICKET = fileURLToPath(new URL('../../../bin/wicket', import.meta.url));
const HELPER = join(HERE, 'sso-provider.js');

const CLIENT = { clientId: 'wicket', clientSecret: 'e2e-device-flow-secret' };
const ACCOUNTS = {
  alice: { password: 'alice-idp-pw', email: 'alice@example.com', groups: ['eng'], amr: ['pwd', 'otp'] },
  bob: { password: 'bob-idp-pw', email: 'bob@example.com', groups: ['sales'], amr: ['pwd', 'otp'] },
};

/** The sample resources; the web app is granted to the IdP group eng, the database to nobody SSO knows. */
const POLICY = `gateways: [dc1]
groups:
  dba: [dbadmin]
resources:
  webapp: { address: ${ADDR.r1}, ports: [tcp/${PORTS.web}, tcp/${PORTS.echo}], gateway: dc1 }
  database: { address: ${ADDR.r2}, ports: [tcp/${PORTS.db}, tcp/${PORTS.dbEcho}], gateway: dc1 }
grants:
  - name: idp-eng-webapp
    to: [group:idp:eng]
    resources: [webapp]
  - name: dba-database
    to: [group:dba]
    resources: [database]
tests:
  - user: alice@example.com
    groups: [idp:eng]
    allow: [webapp:tcp/${PORTS.web}]
    deny: [database:tcp/${PORTS.db}]
`;

describe('single sign-on end to end', { timeout: 300_000 }, () => {
  let sys: WicketSystem;
  let provider: Service;
  let issuer = '';

  before(async () => {
    sys = await WicketSystem.create('wicket-e2e-sso-');
    await sys.startResources();
    await sys.initController();
    // The provider listens on the controller host's WAN address: the controller reaches it
    // locally, the worker's browser on a client host over the WAN.
    provider = new Service('oidc provider', sys.topo.spawn('ctl', process.execPath, [HELPER, 'serve', ADDR.ctl]));
    provider.child.stdin!.end(JSON.stringify({ clients: [CLIENT], accounts: ACCOUNTS }));
    await provider.waitFor(/^issuer http:\/\//, 20_000);
    issuer = provider.lines.find((l) => l.startsWith('issuer '))!.slice('issuer '.length);
    writeFileSync(join(sys.dir, 'corp.secret'), `${CLIENT.clientSecret}\n`, { mode: 0o600 });
    const config = join(sys.dir, 'sso.yaml');
    writeFileSync(config, `providers:\n${testProviderConfig(issuer, CLIENT.clientId)}`);
    await sys.startController(['--oidc-config', config]);
    await sys.applyPolicy(POLICY);
    await sys.enrollGateway();
    await sys.startGateway();
  });

  after(async () => {
    await provider?.stop().catch(() => undefined);
    sys?.cleanup();
  });

  /**
   * `wicket login --sso corp` on `role`, approved at the provider from the same host as
   * `account`; resolves with the CLI's output once it exited 0.
   */
  async function ssoLogin(role: string, account: keyof typeof ACCOUNTS): Promise<string> {
    const login = new Service(`wicket login --sso (${account})`, sys.topo.spawn(role, process.execPath, [WICKET, '--state-dir', sys.stateDir(role, account),
      'login', '--controller', `${ADDR.ctl}:${PORTS.auth}`, '--ca-fingerprint', sys.fingerprint, '--sso', 'corp', '--device-name', `${account}-laptop`]));
    const exited = new Promise<number | null>((resolve) => login.child.once('exit', (code) => resolve(code)));
    login.child.stdin!.end();
    try {
      await login.waitFor(/confirm the code [A-Z]{4}-[A-Z]{4}/, 30_000);
      const text = login.lines.join('\n');
      const url = new URL(/open (\S+)/.exec(text)![1]!);
      const code = /confirm the code ([A-Z]{4}-[A-Z]{4})/.exec(text)![1]!;
      assert.equal(url.origin, issuer, 'the verification URL is the provider\'s');
      url.search = '';
      const approved = await sys.topo.exec(role, process.execPath, [HELPER, 'approve', url.toString(), code, account], { stdin: ACCOUNTS[account].password, timeoutMs: 30_000 });
      assert.match(approved, /Sign-in Success/);
      let timer: NodeJS.Timeout | undefined;
      const status = await Promise.race([exited, new Promise<'timeout'>((r) => { timer = setTimeout(() => r('timeout'), 60_000); })]);
      clearTimeout(timer);
      assert.equal(status, 0, `wicket login --sso exit status:\n${login.lines.join('\n')}`);
      return login.lines.join('\n');
    } finally {
      await login.stop('SIGKILL');
    }
  }

  test('a worker logs in with SSO and gets a tunnel to exactly what the IdP group is granted', async () => {
    const out = await ssoLogin('c1', 'alice');
    assert.match(out, /logged in as alice@example\.com on device [0-9a-f]{32}/);
    const users = await sys.wicketctlJson<{ name: string }[]>(['user', 'list']);
    assert.ok(users.some((u) => u.name === 'alice@example.com'), `provisioned at first login: ${JSON.stringify(users)}`);

    const up = await sys.up('c1', 'alice', 'a');
    const sessions = await sys.wicketctlJson<{ id: string; username: string; state: string }[]>(['session', 'list']);
    const s = sessions.find((x) => x.id === up.session.id);
    assert.equal(s?.username, 'alice@example.com');
    assert.equal(s?.state, 'active');

    assert.ok(await probeTcp(sys.topo, 'c1', ADDR.r1, PORTS.web, 5000), 'alice reaches the web app through the tunnel');
    assert.ok(await probeTcp(sys.topo, 'c1', ADDR.r1, PORTS.echo), 'and its echo port');
    assert.notEqual(await tcpConnect(sys.topo, 'c1', ADDR.r2, PORTS.db), 'connected', 'alice does not reach the database');
    assert.notEqual(await tcpConnect(sys.topo, 'c1', ADDR.r1, 7002), 'connected', 'nor another port of the web app host');
  });

  test('a worker whose IdP groups carry no grant logs in but gets no tunnel', async () => {
    const out = await ssoLogin('c2', 'bob');
    assert.match(out, /logged in as bob@example\.com/);
    await assert.rejects(sys.up('c2', 'bob', 'b'), /no resources granted/);
    assert.notEqual(await tcpConnect(sys.topo, 'c2', ADDR.r1, PORTS.web), 'connected', 'bob does not reach the web app');
  });
});
