// `wicket`, the remote worker's command line: login/logout, up/down (with the session agent
// detached or in the foreground), status, resources, request/requests (just-in-time access)
// and config --wg-quick. Each command loads what it runs when it runs (`import()` in its
// action): `status` reads local files and should not wait for gRPC, the policy of a session
// agent or the key code of a login to load.
import { spawn } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, Option } from 'commander';
import { CliError, formatTime, output, readStdin, runProgram } from '../../common/cli.js';
import type { ControllerApi } from '../api.js';
import type { StateDir } from '../state.js';

const program = new Command('wicket')
  .description('Wicket client: log in, bring up a least-privilege WireGuard session, inspect it')
  .option('--state-dir <dir>', 'state directory (default $WICKET_HOME or ~/.wicket)');

async function stateDir(): Promise<StateDir> {
  const { StateDir, resolveStateDir } = await import('../state.js');
  return new StateDir(resolveStateDir(program.opts<{ stateDir?: string }>().stateDir));
}

/** Runs `fn` with an API client that is closed afterwards. */
async function withApi<T>(state: StateDir, fn: (api: ControllerApi) => Promise<T>): Promise<T> {
  const { controllerApi } = await import('../api.js');
  const api = controllerApi(state);
  try {
    return await fn(api);
  } finally {
    api.close();
  }
}

program.command('login')
  .description('log in with password and TOTP code; stores a short-lived device certificate')
  .requiredOption('--controller <host:port,...>', "the controller's auth endpoint; with several controllers a comma-separated list (the first that answers takes the login, sessions fail over in this order)")
  .requiredOption('--ca-fingerprint <sha256>', "the controller CA's SHA-256 fingerprint (printed by wicket-controller init)")
  .option('--user <name>', 'your Wicket user name (password login)')
  .option('--sso [provider]', 'single sign-on with an identity provider configured on the controller (its only one when not named)')
  .option('--password-stdin', 'read the password from standard input')
  .option('--totp <code>', 'the current code from your authenticator app')
  .option('--device-name <name>', 'a name for this device shown to admins (default: hostname)')
  .option('--api-endpoint <host:port,...>', 'dial the API port here instead of where the controller says (with several controllers, one per controller, same order)')
  .action(async (o: { controller: string; caFingerprint: string; user?: string; sso?: string | true; passwordStdin?: boolean; totp?: string; deviceName?: string; apiEndpoint?: string }) => {
    const [{ normalizeFingerprint }, { login, loginEndpoints }] = await Promise.all([import('../../common/pki.js'), import('../login.js')]);
    normalizeFingerprint(o.caFingerprint); // a typo fails before anything is asked or sent
    try {
      loginEndpoints(o);
    } catch (err) {
      throw new CliError((err as Error).message);
    }
    if (o.sso !== undefined) {
      if (o.user || o.passwordStdin || o.totp) throw new CliError('--sso does not take --user, --password-stdin or --totp: the identity provider asks for them');
      const [{ ssoLogin }, { formatSsoPrompt, openBrowser }] = await Promise.all([import('../sso-login.js'), import('../../common/device-flow-prompt.js')]);
      const r = await ssoLogin(await stateDir(), {
        controller: o.controller, caFingerprint: o.caFingerprint, provider: o.sso === true ? '' : o.sso, deviceName: o.deviceName, apiEndpoint: o.apiEndpoint,
        prompt: (p) => {
          process.stdout.write(formatSsoPrompt(p));
          if (openBrowser(p.verificationUriComplete || p.verificationUri)) process.stdout.write('(opened in your browser)\n');
          process.stdout.write('waiting for the identity provider...\n');
        },
      });
      process.stdout.write(`logged in as ${r.username} on device ${r.deviceId}; certificate valid until ${formatTime(r.certExpiresAtMs)}\n`);
      return;
    }
    if (!o.user) throw new CliError('pass --user NAME (password login) or --sso [PROVIDER]');
    const { canPrompt, prompt, promptSecret } = await import('./prompt.js');
    const interactive = canPrompt();
    let password: string;
    if (o.passwordStdin) password = await readStdin();
    else if (interactive) password = await promptSecret(`Password for ${o.user}: `);
    else throw new CliError('no password: pass --password-stdin (standard input is not a terminal)');
    const totpCode = o.totp ?? (interactive && !o.passwordStdin ? await prompt('TOTP code: ') : undefined);
    if (!totpCode) throw new CliError('no TOTP code: pass --totp CODE');
    const r = await login(await stateDir(), {
      controller: o.controller, caFingerprint: o.caFingerprint, username: o.user, password, totpCode,
      deviceName: o.deviceName, apiEndpoint: o.apiEndpoint,
    });
    process.stdout.write(`logged in as ${r.username} on device ${r.deviceId}; certificate valid until ${formatTime(r.certExpiresAtMs)}\n`);
  });

program.command('logout')
  .description('end any session and forget the login (the device key stays)')
  .action(async () => {
    const state = await stateDir();
    if (state.session()) await takeDown(state);
    state.clearLogin();
    process.stdout.write('logged out\n');
  });

/** `down` with an API client when logged in, without one otherwise. */
async function takeDown(state: StateDir): Promise<void> {
  const [{ controllerApi }, { down }, { systemTunnel }, { systemResolverHost }] = await Promise.all([
    import('../api.js'), import('../session-lifecycle.js'), import('../tunnel.js'), import('../system-resolver.js'),
  ]);
  const api = state.login() ? controllerApi(state) : undefined;
  try {
    const r = await down(state, api, systemTunnel({ stateDir: state.dir }), systemResolverHost);
    for (const n of r.notes) process.stderr.write(`warning: ${n}\n`);
    if (r.sessionId) process.stdout.write(`session ${r.sessionId} down\n`);
  } finally {
    api?.close();
  }
}

/** Runs the session agent in this process until the session ends or a signal stops it. */
async function runAgent(state: StateDir, foreground: boolean): Promise<void> {
  const [{ SessionAgent }, { controllerApi }, { createLogger }, { collectPosture }, { systemTunnel }, { dnsProbe }, { DNS_PORT }, { systemResolverHost }] = await Promise.all([
    import('../agent.js'), import('../api.js'), import('../../common/log.js'), import('../posture.js'), import('../tunnel.js'),
    import('../gateway-health.js'), import('../../common/dns-names.js'), import('../system-resolver.js'),
  ]);
  state.updateSession((s) => ({ ...s, agentPid: process.pid }));
  const log = createLogger('wicket-agent');
  const tunnel = systemTunnel({ stateDir: state.dir });
  const api = controllerApi(state);
  const agent = new SessionAgent({
    state, api, tunnel, posture: () => collectPosture(), log, probe: dnsProbe, dns: { port: DNS_PORT }, resolver: systemResolverHost,
  });
  let interrupted = false;
  process.once('SIGTERM', () => agent.stop());
  process.once('SIGINT', () => { interrupted = true; agent.stop(); });
  const result = await agent.run();
  api.close();
  if (interrupted && foreground) return takeDown(state);
  if (result.state !== 'stopped') {
    if (foreground) process.stderr.write(`session ${result.state}: ${result.reason}\n`);
    process.exitCode = 2;
  }
}

/** Starts the agent as a detached process logging to DIR/agent.log; resolves once it runs. */
async function detachAgent(state: StateDir): Promise<number> {
  const fd = openSync(state.agentLogPath, 'a', 0o600);
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--state-dir', state.dir, 'agent'], {
    detached: true, stdio: ['ignore', fd, fd], env: process.env,
  });
  closeSync(fd);
  let exited: number | null = null;
  child.once('exit', (code) => { exited = code ?? 1; });
  const pid = child.pid;
  const until = Date.now() + 10_000;
  while (pid !== undefined && exited === null && Date.now() < until) {
    if (state.session()?.agentPid === pid) {
      child.unref();
      return pid;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`the session agent did not start (${exited !== null ? `exited with ${exited}` : 'no sign of life in 10 s'}); see ${state.agentLogPath}`);
}

program.command('up')
  .description('start a session: fresh WireGuard keys, Connect, local split-tunnel interface')
  .option('--interface <ifname>', 'WireGuard interface name (at most 15 characters; default wicket0)')
  .option('--foreground', 'keep the session agent in this terminal instead of detaching it')
  .option('--ack-timeout <duration>', 'how long the controller may wait for gateway acknowledgements')
  .option('--json', 'print the session as JSON')
  .action(async (o: { interface?: string; foreground?: boolean; ackTimeout?: string; json?: boolean }) => {
    const [{ up }, { systemTunnel }, { collectPosture }, { parseDuration }] = await Promise.all([
      import('../session-lifecycle.js'), import('../tunnel.js'), import('../posture.js'), import('../../common/duration.js'),
    ]);
    const state = await stateDir();
    const tunnel = systemTunnel({ stateDir: state.dir });
    const r = await withApi(state, async (api) => up(state, api, tunnel, {
      interface: o.interface, ackTimeoutMs: o.ackTimeout ? parseDuration(o.ackTimeout) : 0, posture: await collectPosture(),
    }));
    try {
      if (!o.foreground) await detachAgent(state);
    } catch (err) {
      await takeDown(state);
      throw err;
    }
    const s = state.session()!;
    output(o.json, { session: s, denials: r.denials }, ({ session, denials }) => [
      `session ${session.sessionId} up on ${session.interface}`,
      `address ${session.overlayAddress}${session.overlayIpv6 ? `, ${session.overlayIpv6}` : ''}, expires ${formatTime(session.expiresAtMs)}`,
      ...session.entitlements.map((e) => `  ${e.resource} via ${e.gateway}: ${e.destination} ${e.protocol}${e.protocol === 'icmp' ? '' : `/${e.portFrom}${e.portTo !== e.portFrom ? `-${e.portTo}` : ''}`}`),
      ...denials.map((d) => `  not available: ${d.resource}: ${d.message}`),
      o.foreground ? 'session agent running in the foreground (Ctrl-C ends the session)' : `session agent pid ${s.agentPid}, log ${state.agentLogPath}`,
    ].join('\n'));
    if (o.foreground) await runAgent(state, true);
  });

program.command('agent', { hidden: true })
  .description('run the session agent (started by wicket up)')
  .action(async () => runAgent(await stateDir(), false));

program.command('down')
  .description('end the session: stop the agent, tell the controller, remove the interface')
  .action(async () => {
    const state = await stateDir();
    if (!state.session()) throw new CliError('no session is up');
    await takeDown(state);
  });

program.command('status')
  .description('login, session, resources with their gateway, gateway health and what each carries, DNS')
  .option('--json', 'print JSON')
  .action(async (o: { json?: boolean }) => {
    const [{ buildStatus, renderStatus }, { processAlive }] = await Promise.all([import('../status.js'), import('../../common/process.js')]);
    const state = await stateDir();
    const session = state.session();
    const active = session?.state === 'active';
    const { systemTunnel } = active ? await import('../tunnel.js') : { systemTunnel: undefined };
    const stats = active && systemTunnel ? await systemTunnel({ stateDir: state.dir }).stats(session.interface).catch(() => undefined) : undefined;
    const now = Date.now();
    const report = buildStatus(state.login(), session, stats, active && processAlive(session.agentPid), now);
    output(o.json, report, (r) => renderStatus(r, now));
  });

program.command('resources')
  .description('what you could reach now, resource by resource, with the reason')
  .option('--json', 'print JSON')
  .action(async (o: { json?: boolean }) => {
    const { collectPosture } = await import('../posture.js');
    const state = await stateDir();
    const res = await withApi(state, async (api) => api.listResources(await collectPosture()));
    output(o.json, res.resources, (rows) => ({
      headers: ['RESOURCE', 'GATEWAY', 'ADDRESS', 'PORTS', 'ACCESS', 'WHY'],
      rows: rows.map((r) => [r.resource, [r.gateway, ...r.standbyGateways].join(','), r.address, r.ports.join(','), r.allowed ? 'allowed' : 'denied',
        r.allowed ? r.grants.join(', ') : (r.denial?.message ?? r.denial?.code ?? '')]),
    }));
  });

program.command('request <resource>')
  .description('ask for just-in-time access to a requestable resource; an approver must approve it')
  .requiredOption('--for <duration>', 'how long you need it (e.g. 20m, 2h; at most the grant\'s max_duration)')
  .option('--reason <text>', 'why (some grants require one)', '')
  .option('--grant <name>', 'the requestable grant to ask through, when several give the resource')
  .option('--json', 'print JSON')
  .action(async (resource: string, o: { for: string; reason: string; grant?: string; json?: boolean }) => {
    const [{ parseDuration }, { accessApi, describeRequest }] = await Promise.all([import('../../common/duration.js'), import('../request.js')]);
    let durationMs: number;
    try {
      durationMs = parseDuration(o.for);
    } catch (err) {
      throw new CliError(`--for: ${(err as Error).message}`);
    }
    const api = accessApi(await stateDir());
    try {
      const r = await api.request({ resource, durationMs, reason: o.reason, grant: o.grant ?? '' });
      output(o.json, r, describeRequest);
    } finally {
      api.close();
    }
  });

program.command('requests')
  .description('your just-in-time access requests and what became of them')
  .option('--json', 'print JSON')
  .action(async (o: { json?: boolean }) => {
    const { accessApi, requestsTable } = await import('../request.js');
    const api = accessApi(await stateDir());
    try {
      output(o.json, await api.list(), requestsTable);
    } finally {
      api.close();
    }
  });

program.command('config')
  .description('print the current session as a configuration file')
  .addOption(new Option('--wg-quick', 'as a wg-quick(8) file, private key included').makeOptionMandatory())
  .action(async () => {
    const [{ renderWgQuick }, { PERSISTENT_KEEPALIVE_SECONDS }] = await Promise.all([import('../wgquick.js'), import('../plan.js')]);
    const state = await stateDir();
    const s = state.session();
    const secrets = state.sessionSecrets();
    if (!s || s.state !== 'active' || !secrets) throw new CliError('no active session: run wicket up first');
    process.stdout.write(renderWgQuick({
      sessionId: s.sessionId, expiresAtMs: s.expiresAtMs, privateKey: secrets.privateKey, address: s.overlayAddress, addressIpv6: s.overlayIpv6,
      // What each gateway carries now: a static file has no health checks, so no failover either.
      peers: s.gateways.map((g) => ({ ...g, allowedIps: g.carries.length > 0 ? g.carries : g.allowedIps })).filter((g) => g.allowedIps.length > 0).map((g) => {
        const presharedKey = secrets.presharedKeys[g.gateway];
        if (!presharedKey) throw new CliError(`no preshared key stored for gateway ${g.gateway}: run wicket down and up`);
        return { gateway: g.gateway, publicKey: g.publicKey, endpoint: g.endpoint, allowedIps: g.allowedIps, presharedKey, persistentKeepalive: PERSISTENT_KEEPALIVE_SECONDS };
      }),
    }));
  });

await runProgram(program);
