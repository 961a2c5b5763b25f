// Load generator run inside a client namespace by bench/sessions.ts: opens COUNT sessions
// through Client.Connect with the logged-in device certificate of STATE_DIR, CONCURRENCY at a
// time, each with a fresh WireGuard key, and prints {count, ms, perSecond, early, late} as
// JSON (early and late: the rate over sessions SLICE+1..2*SLICE, after a slice of warm-up, and
// over the last SLICE, SLICE = min(1,000, COUNT / 10): how the cost grows as sessions pile up). Every
// Connect returns only after the gateway acknowledged the session, so the rate includes the
// gateway's real apply (wg + nft). An optional API_ENDPOINT (HOST:PORT) sends the load to that
// controller instead of the one the login names, to spread it over controllers sharing one
// database. Usage: node connect-load.js STATE_DIR COUNT CONCURRENCY [API_ENDPOINT]
import { apiClients, call } from '../common/grpc.js';
import { generatePrivateKey, publicKeyOf } from '../common/wireguard/keys.js';
import { StateDir } from '../client/state.js';

const [stateDir, countText, concurrencyText, endpoint] = process.argv.slice(2);
const count = Number(countText);
const concurrency = Number(concurrencyText);
const { login, caPem, certPem, keyPem } = new StateDir(stateDir!).credentials();
const { client, close } = apiClients(endpoint ?? login.apiEndpoint, { caPem, certPem, keyPem });
const posture = { os: 'linux', osVersion: '', clientVersion: 'bench', diskEncryption: '', firewall: '', hostname: 'bench' };
const keys = Array.from({ length: count }, () => publicKeyOf(generatePrivateKey()));

const slice = Math.max(1, Math.min(1000, Math.floor(count / 10)));
const doneAt: number[] = [];
let next = 0;
const started = performance.now();
await Promise.all(Array.from({ length: concurrency }, async () => {
  while (next < count) {
    const key = keys[next++]!;
    await call(client, 'Connect', { wgPublicKey: key, posture, ackTimeoutMs: 60_000 }, { deadlineMs: 120_000 });
    doneAt.push(performance.now());
  }
}));
const ms = performance.now() - started;
close();
const rate = (from: number, to: number) => ((to - from) / (doneAt[to - 1]! - (from === 0 ? started : doneAt[from - 1]!))) * 1000;
process.stdout.write(`${JSON.stringify({ count, ms, perSecond: (count / ms) * 1000, slice, early: rate(slice, 2 * slice), late: rate(count - slice, count) })}\n`);
