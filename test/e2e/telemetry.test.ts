// Telemetry end to end with real packets: the real controller, gateway agent and client CLIs
// in network namespaces. Proves that a fetched page and a probed port show up as one flow
// (bytes each way) and one denied attempt attributed to the user and device, that no key
// appears in any report, log line, metric or database row, that a 30 s controller outage
// loses and duplicates nothing, that probing revokes the session with the reason audited,
// and that both /metrics endpoints parse and move.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ADDR, tcpConnect } from '../../scripts/topology/index.js';
import { eventually, PORTS, samplePolicy, Service, WicketSystem } from '../../scripts/topology/system.js';

interface MetricFamily { name: string; type: string; metrics: { value?: string; labels?: Record<string, string>; count?: string }[] }
const parsePrometheus = createRequire(import.meta.url)('parse-prometheus-text-format') as (text: string) => MetricFamily[];

interface Flow { flow: { sessionId: string; destination: string; protocol: string; port: number; startedAtMs: number; endedAtMs: number; bytesOut: number; bytesIn: number }; username: string; deviceId: string; gateway: string }
interface Denied { attempt: { sessionId: string; destination: string; port: number; count: number; firstSeenMs: number; lastSeenMs: number }; username: string; deviceId: string }
interface SessionView { id: string; state: string; endReason: string; deviceId: string }

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const REPORT_INTERVAL_MS = 1000;
const METRICS_PORT = 9464;
const PROBED_PORT = 22;

describe('telemetry end to end', { timeout: 600_000 }, () => {
  let sys: WicketSystem;
  let auditLog: string;
  let sessionId = '';
  let deviceId = '';
  let keys: string[] = [];
  const controllerArgs = () => ['--metrics-listen', `127.0.0.1:${METRICS_PORT}`, '--audit-log', auditLog];

  const startGateway = async () => {
    const child = sys.topo.spawn('gw', process.execPath, [join(ROOT, 'bin', 'wicket-gateway'), 'start', '--state-dir', sys.gatewayDir,
      '--controller', `${ADDR.ctl}:${PORTS.api}`, '--endpoint', `${ADDR.gw}:${PORTS.wg}`, '--interface', sys.gatewayIf,
      '--report-interval', `${REPORT_INTERVAL_MS}ms`, '--metrics-listen', `127.0.0.1:${METRICS_PORT}`]);
    sys.gateway = new Service('gateway', child);
    await sys.waitGatewayConnected('dc1', true);
  };
  const httpGet = (role: string, url: string) => sys.topo.exec(role, process.execPath, ['-e',
    `fetch(${JSON.stringify(url)}).then(async (r) => { if (!r.ok) throw new Error(String(r.status)); process.stdout.write(await r.text()); })`], { timeoutMs: 10_000 });
  const metrics = async (role: 'ctl' | 'gw') => parsePrometheus(await httpGet(role, `http://127.0.0.1:${METRICS_PORT}/metrics`));
  const value = (families: MetricFamily[], name: string, labels: Record<string, string> = {}) => {
    const f = families.find((x) => x.name === name);
    if (!f) return undefined;
    return f.metrics.filter((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v)).reduce((s, m) => s + Number(m.value ?? m.count ?? 0), 0);
  };
  const flows = () => sys.wicketctlJson<{ flows: Flow[]; denied: Denied[] }>(['flows', '--session', sessionId]);
  const webFlows = async () => (await flows()).flows.filter((f) => f.flow.destination === ADDR.r1 && f.flow.port === PORTS.web);

  before(async () => {
    sys = await WicketSystem.create();
    auditLog = join(sys.dir, 'audit.jsonl');
    await sys.startResources();
    await sys.initController();
    await sys.startController(controllerArgs());
    await sys.addUser('alice');
    await sys.addUser('bob');
    await sys.applyPolicy(samplePolicy());
    await sys.enrollGateway();
    await startGateway();
    await sys.login('c1', 'alice');
    const up = await sys.up('c1', 'alice', 'a');
    sessionId = up.session.id;
    const list = await sys.wicketctlJson<SessionView[]>(['session', 'list']);
    deviceId = list.find((s) => s.id === sessionId)!.deviceId;
    // The keys in use, read now: the client deletes session.key when its session ends.
    const secrets = JSON.parse(readFileSync(join(sys.stateDir('c1', 'alice'), 'session.key'), 'utf8')) as { privateKey: string; presharedKeys: Record<string, string> };
    keys = [secrets.privateKey, ...Object.values(secrets.presharedKeys), readFileSync(join(sys.gatewayDir, 'wg.key'), 'utf8').trim()];
  });

  after(() => sys?.cleanup());

  let initial: { ctl: MetricFamily[]; gw: MetricFamily[] };

  test('a fetched page and a probed port: one flow with bytes each way and one denied attempt, attributed', async () => {
    initial = { ctl: await metrics('ctl'), gw: await metrics('gw') };
    assert.match(await httpGet('c1', `http://${ADDR.r1}:${PORTS.web}/`), /webapp says hello/);
    // A non-entitled port of an entitled resource: routed into the tunnel, refused at the gateway.
    assert.notEqual(await tcpConnect(sys.topo, 'c1', ADDR.r1, PROBED_PORT, 500), 'connected');
    // Two report intervals, plus the time the CLI and the TIME_WAIT listing take.
    await eventually(async () => {
      const r = await flows();
      return r.flows.some((f) => f.flow.port === PORTS.web) && r.denied.some((d) => d.attempt.port === PROBED_PORT);
    }, 2 * REPORT_INTERVAL_MS + 5000, 'flow and denied attempt reported').catch(async (err: Error) => {
      throw new Error(`${err.message}\nflows: ${await sys.wicketctl(['flows', '--json'])}\ngateway: ${sys.gateway!.lines.filter((l) => /warn|error|telemetry/i.test(l)).slice(-10).join('\n')}`);
    });
    const r = await flows();
    const web = r.flows.filter((f) => f.flow.destination === ADDR.r1 && f.flow.port === PORTS.web);
    assert.equal(web.length, 1, JSON.stringify(r.flows));
    const [f] = web;
    assert.equal(f.username, 'alice');
    assert.equal(f.deviceId, deviceId);
    assert.equal(f.gateway, 'dc1');
    assert.equal(f.flow.protocol, 'tcp');
    assert.ok(f.flow.bytesOut > 0 && f.flow.bytesIn > 0, `bytes each way: ${f.flow.bytesOut}/${f.flow.bytesIn}`);
    assert.ok(f.flow.startedAtMs > 0 && f.flow.endedAtMs >= f.flow.startedAtMs);
    const denied = r.denied.filter((d) => d.attempt.destination === ADDR.r1 && d.attempt.port === PROBED_PORT);
    assert.equal(denied.length, 1, JSON.stringify(r.denied));
    assert.equal(denied[0].username, 'alice');
    assert.equal(denied[0].deviceId, deviceId);
    assert.ok(denied[0].attempt.count >= 1 && denied[0].attempt.lastSeenMs >= denied[0].attempt.firstSeenMs);
    // The session list shows live bytes from the same telemetry.
    const s = (await sys.wicketctl(['session', 'list', '--json']));
    assert.ok(s.includes(sessionId));
  });

  test('stopping the controller for 30 s loses no telemetry and duplicates none', async () => {
    const beforeOutage = (await webFlows()).length;
    await sys.controller!.stop();
    const downAt = Date.now();
    // Traffic while the controller is down: the gateway buffers what it sees.
    for (let i = 0; i < 3; i++) assert.match(await httpGet('c1', `http://${ADDR.r1}:${PORTS.web}/`), /webapp says hello/);
    await new Promise((r) => setTimeout(r, Math.max(0, 30_000 - (Date.now() - downAt))));
    await sys.startController(controllerArgs());
    await eventually(async () => (await webFlows()).length >= beforeOutage + 3, 30_000, 'buffered flows delivered');
    // A few more intervals: resends of batches whose acks were lost must not add rows.
    await new Promise((r) => setTimeout(r, 4 * REPORT_INTERVAL_MS));
    const after = await webFlows();
    assert.equal(after.length, beforeOutage + 3, JSON.stringify(after.map((f) => f.flow)));
    assert.equal(new Set(after.map((f) => `${f.flow.startedAtMs}|${f.flow.endedAtMs}`)).size, after.length, 'no flow stored twice');
    const gw = await metrics('gw');
    assert.equal(value(gw, 'wicket_gateway_telemetry_dropped_records_total'), 0);
    await eventually(async () => value(await metrics('gw'), 'wicket_gateway_telemetry_unacked_batches') === 0, 10_000, 'every batch acked');
  });

  test('a session probing 20 non-entitled ports in 10 s is revoked and the audit log says why', async () => {
    const ports = Array.from({ length: 20 }, (_, i) => 6000 + i);
    // Four probes at a time: twenty node processes at once overload a small machine.
    for (let i = 0; i < ports.length; i += 4) {
      const outcomes = await Promise.all(ports.slice(i, i + 4).map((p) => tcpConnect(sys.topo, 'c1', ADDR.r1, p, 300)));
      assert.ok(outcomes.every((o) => o !== 'connected'));
    }
    await eventually(async () => {
      const all = await sys.wicketctlJson<SessionView[]>(['session', 'list', '--all']);
      return all.find((s) => s.id === sessionId)?.state === 'revoked';
    }, 15_000, 'probing session revoked');
    const s = (await sys.wicketctlJson<SessionView[]>(['session', 'list', '--all'])).find((x) => x.id === sessionId)!;
    assert.match(s.endReason, /probing: \d+ denied attempts/);
    const audit = await sys.wicketctlJson<{ action: string; target: string; actor: string; detailsJson: string }[]>(['audit']);
    const probe = audit.find((a) => a.action === 'security.probe' && a.target === sessionId);
    assert.ok(probe, 'security.probe in the audit log');
    assert.equal(JSON.parse(probe.detailsJson).user, 'alice');
    assert.ok(audit.some((a) => a.action === 'session.revoke' && a.target === sessionId && a.actor === 'system'));
    // The SIEM sink got the same event.
    const lines = readFileSync(auditLog, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { action: string; target: string });
    assert.ok(lines.some((l) => l.action === 'security.probe' && l.target === sessionId));
  });

  test('/metrics on both parse as Prometheus text and the counters moved', async () => {
    const ctl = await metrics('ctl');
    const gw = await metrics('gw');
    const moved = (fam: MetricFamily[], old: MetricFamily[], name: string, labels: Record<string, string> = {}) => {
      const now = value(fam, name, labels);
      assert.notEqual(now, undefined, `${name} exported`);
      assert.ok(now! > (value(old, name, labels) ?? 0), `${name} ${JSON.stringify(labels)} moved: ${value(old, name, labels)} -> ${now}`);
    };
    // The controller restarted in between, so its counters are compared with zero.
    moved(ctl, [], 'wicket_telemetry_batches_total', { result: 'stored' });
    moved(ctl, [], 'wicket_denied_attempts_total');
    moved(ctl, [], 'wicket_security_events_total', { kind: 'probe' });
    moved(ctl, [], 'wicket_session_ends_total', { how: 'revoke' });
    moved(ctl, [], 'wicket_telemetry_lag_seconds');
    for (const name of ['wicket_sessions_active', 'wicket_gateways_connected', 'wicket_logins_total']) assert.ok(ctl.some((f) => f.name === name), name);
    moved(gw, initial.gw, 'wicket_gateway_telemetry_acked_batches_total');
    moved(gw, initial.gw, 'wicket_gateway_telemetry_batches_total');
    moved(gw, initial.gw, 'wicket_gateway_denied_packets');
  });

  test('no report, log line, metric or database row contains a private or preshared key', async () => {
    assert.ok(keys.length >= 3 && keys.every((k) => /^[A-Za-z0-9+/]{43}=$/.test(k)), 'the keys were read');
    const haystacks: [string, string][] = [
      ['controller log', sys.controller!.lines.join('\n')],
      ['gateway log', sys.gateway!.lines.join('\n')],
      ['flows', await sys.wicketctl(['flows', '--json'])],
      ['controller metrics', await httpGet('ctl', `http://127.0.0.1:${METRICS_PORT}/metrics`)],
      ['gateway metrics', await httpGet('gw', `http://127.0.0.1:${METRICS_PORT}/metrics`)],
      ['audit sink', readFileSync(auditLog, 'utf8')],
    ];
    // The database with its WAL: every row, as bytes.
    for (const f of readdirSync(sys.dataDir).filter((n) => /\.db(-wal)?$/.test(n))) haystacks.push([f, readFileSync(join(sys.dataDir, f)).toString('latin1')]);
    assert.ok(haystacks.some(([n]) => n.endsWith('.db')), 'the database was read');
    for (const [name, text] of haystacks) {
      for (const k of keys) assert.ok(!text.includes(k), `${name} contains a key`);
    }
  });
});
