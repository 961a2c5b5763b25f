// `wicket-gateway start`: checks the host, brings up the data plane, serves metrics and keeps
// the Sync stream (which also drives the identity-aware proxy and the DNS service), until SIGTERM/SIGINT. Exiting leaves the data plane in place (sessions end
// by their kernel timeouts) unless --teardown-on-exit asks to remove interface and table.
import { readFileSync, statSync } from 'node:fs';
import type { Server } from 'node:http';
import { ApiChannels } from '../../common/api-channels.js';
import { CliError } from '../../common/cli.js';
import type { Logger } from '../../common/log.js';
import { splitHostPort } from '../../common/pki.js';
import { dump } from '../../common/wireguard/peers.js';
import { ifnameSchema } from '../../common/wireguard/interface.js';
import { publicKeyOf } from '../../common/wireguard/keys.js';
import { WireGuardDataPlane } from '../dataplane/dataplane.js';
import { createGatewayMetrics, serveMetrics, statusClass } from '../metrics.js';
import { formatPreflight, runPreflight } from '../agent/preflight.js';
import { loadGatewayState } from '../agent/state.js';
import { SyncAgent, type SyncStream } from '../agent/sync.js';
import { ProxyLink } from '../agent/proxy-link.js';
import { DnsLink } from '../agent/dns-link.js';
import { DnsResolver } from '../dns/resolver.js';
import { NameTable } from '../dns/name-table.js';
import { DnsService } from '../dns/dns-service.js';
import { IdentityProxy } from '../proxy/proxy.js';
import { PublicListener } from '../clientless/public-listener.js';
import { GatewayTelemetry } from '../telemetry/telemetry.js';
import type { ReportStream } from '../telemetry/reporter.js';

export interface StartOptions {
  stateDir: string;
  /** The controllers' API ports, "HOST:PORT" each, in order of preference (common/controller-list.ts). */
  controllers: string[];
  /** Where clients reach this gateway's WireGuard port, "HOST:PORT" (sent in the hello). */
  endpoint: string;
  interface: string;
  /** WireGuard listen port; defaults to the port of `endpoint`. */
  listenPort?: number;
  metricsListen?: string;
  overlayPool?: string;
  /** The controller's IPv6 overlay prefix (default DEFAULT_OVERLAY_IPV6). */
  overlayIpv6?: string;
  teardownOnExit?: boolean;
  /** How often telemetry is collected and reported (default 5 s). */
  reportIntervalMs?: number;
  /** Telemetry records kept while the controller does not ack (default 100,000). */
  telemetryBuffer?: number;
  /** Public HTTP resources for browsers without the tunnel (gateway/clientless/). */
  publicListener?: { listen: string; certFile: string; keyFile: string; sessionMs: number };
  /** Name destinations: the resolver's servers (default the system's), TTL bounds and grace (gateway/dns/). */
  dns?: { servers?: string[]; minTtlMs: number; maxTtlMs: number; graceMs: number };
}

export const DEFAULT_DNS = { minTtlMs: 5000, maxTtlMs: 300_000, graceMs: 30_000 };

/** The public listener's certificate and key; the key must be its owner's alone. */
function readPublicTls(o: { certFile: string; keyFile: string }): { certPem: string; keyPem: string } {
  try {
    if ((statSync(o.keyFile).mode & 0o077) !== 0) throw new CliError(`--public-key ${o.keyFile} is readable by others: chmod 600 it`);
    return { certPem: readFileSync(o.certFile, 'utf8'), keyPem: readFileSync(o.keyFile, 'utf8') };
  } catch (err) {
    if (err instanceof CliError) throw err;
    throw new CliError(`the public listener's certificate or key cannot be read: ${(err as Error).message}`);
  }
}

/** The agent's version, as the hello reports it (package.json at the repository root). */
function agentVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: string };
  return pkg.version ?? 'unknown';
}

/** Runs the gateway; resolves once a signal has shut it down cleanly. */
export async function startGateway(options: StartOptions, log: Logger): Promise<void> {
  // Caught from the start, so a signal during setup still ends in the clean shutdown below.
  const stopSignal = new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  for (const c of options.controllers) splitHostPort(c);
  const endpointPort = splitHostPort(options.endpoint).port;
  const metricsAt = options.metricsListen === undefined ? undefined : splitHostPort(options.metricsListen);
  const publicAt = options.publicListener && { ...splitHostPort(options.publicListener.listen), ...readPublicTls(options.publicListener) };
  const ifname = ifnameSchema.parse(options.interface);

  const state = await loadGatewayState(options.stateDir);
  if (state.info.certificateExpiresAtMs > 0 && state.info.certificateExpiresAtMs <= Date.now()) {
    throw new CliError(`the gateway certificate expired at ${new Date(state.info.certificateExpiresAtMs).toISOString()}: enroll again with --force`);
  }
  const problems = await runPreflight();
  if (problems.length > 0) throw new CliError(formatPreflight(problems));

  // Names are resolved by the gateway itself; a change of addresses re-applies the sessions
  // holding the name (and the DNS service's answers wait for that).
  const dnsOptions = { ...DEFAULT_DNS, ...options.dns };
  const names = new NameTable({
    resolver: new DnsResolver(dnsOptions.servers), minTtlMs: dnsOptions.minTtlMs, maxTtlMs: dnsOptions.maxTtlMs, graceMs: dnsOptions.graceMs, log,
    onChange: async (destinations) => { await dataPlane.refreshNames(destinations); },
  });
  const dataPlane = new WireGuardDataPlane({
    names,
    interfaceName: ifname,
    privateKey: state.wgPrivateKey,
    listenPort: options.listenPort ?? endpointPort,
    overlayPool: options.overlayPool,
    overlayIpv6: options.overlayIpv6,
    stateDir: options.stateDir,
    logger: log,
  });
  const metrics = createGatewayMetrics({
    processMetrics: true,
    readers: {
      peers: async () => (await dump(ifname)).peers.length,
      deniedPackets: async () => (await dataPlane.readDenied()).reduce((sum, d) => sum + d.packets, 0),
      spoofedPackets: () => dataPlane.readSpoofed(),
    },
  });
  // Listen before touching the system, so a busy port changes nothing.
  const server: Server | undefined = metricsAt && (await serveMetrics(metrics.registry, metricsAt.host, metricsAt.port));
  await dataPlane.start();

  // Sync and Report each fail over on their own (gateway/agent/reconnect.ts), over shared channels.
  const clients = new ApiChannels(options.controllers, { caPem: state.caPem, certPem: state.certPem, keyPem: state.keyPem });
  const controllers = options.controllers.length;
  const telemetry = new GatewayTelemetry({
    ifname, dataPlane, stateDir: options.stateDir, log, metrics,
    open: (controller) => clients.get(controller).gateway.Report() as ReportStream, controllers,
    intervalMs: options.reportIntervalMs, bufferRecords: options.telemetryBuffer,
  });
  // The proxy listens only once the controller's configuration gives it a service address
  // and HTTP resources (proxy-link.ts); its records go into the telemetry buffer.
  const proxy = new IdentityProxy({
    log,
    onRecord: (record, source) => telemetry.addHttpRequest(record, source),
    onCount: (resource, status) => metrics.httpRequests.inc({ resource, status_class: statusClass(status) }),
  });
  // Browsers without the tunnel reach public resources here, through the same proxy.
  const publicListener = publicAt && new PublicListener({ proxy, certPem: publicAt.certPem, keyPem: publicAt.keyPem, cookieLifetimeS: options.publicListener!.sessionMs / 1000, log });
  if (publicListener) await publicListener.listen(publicAt!.host, publicAt!.port);
  const dnsService = new DnsService({
    names, log,
    sessionOf: (address) => dataPlane.sessionOwner('overlay', address),
    hasIpv6: (id) => dataPlane.sessionHasIpv6(id),
    destinationsOf: (id) => dataPlane.sessionNames(id),
    onDenied: (sessionId, source, name) => telemetry.addDnsDenied(sessionId, source, name),
  });
  const proxyLink = new ProxyLink({ proxy, log, setServiceAddress: (address) => dataPlane.setServiceAddress(address), clientless: publicListener });
  const dnsLink = new DnsLink({ service: dnsService, log, overlayIpv6: options.overlayIpv6 });
  const agent = new SyncAgent({
    open: (controller) => clients.get(controller).gateway.Sync() as SyncStream, controllers,
    dataPlane,
    hello: { publicKey: publicKeyOf(state.wgPrivateKey), endpoint: options.endpoint, agentVersion: agentVersion() },
    log,
    metrics,
    // The proxy link puts the service address on the interface; the DNS service binds to it after.
    observer: {
      applied: async (change) => {
        await proxyLink.applied(change);
        await dnsLink.applied(change);
      },
    },
  });
  agent.start();
  await telemetry.start();
  log.info({ gateway: state.info.name, controllers: options.controllers, interface: ifname, endpoint: options.endpoint, metrics: options.metricsListen ?? null }, 'gateway started');

  const signal = await stopSignal;
  log.info({ signal, teardown: Boolean(options.teardownOnExit) }, 'shutting down');
  await agent.stop();
  await dnsLink.close();
  names.close();
  await publicListener?.close();
  await proxy.close();
  await telemetry.stop();
  clients.close();
  if (options.teardownOnExit) await dataPlane.teardown();
  else await dataPlane.close();
  server?.close();
}
