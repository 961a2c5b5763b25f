// A load generator run inside a client namespace during crash tests: a steady storm of
// Connects (fresh WireGuard keys, from a logged-in device), session revokes, policy applies
// and user additions against the controller's API port. Each request the controller
// acknowledged is printed as one JSON line, so the test knows exactly which actions must
// survive a SIGKILL. Usage: node storm.js API_HOST:PORT ADMIN_CREDENTIALS_DIR CLIENT_STATE_DIR
//   TAG POLICY_FILE_A POLICY_FILE_B
import { readFileSync } from 'node:fs';
import { apiClients, call } from '../../common/grpc.js';
import { generatePrivateKey, publicKeyOf } from '../../common/wireguard/keys.js';
import { credentialFiles } from '../../controller/app/datadir.js';
import { StateDir } from '../../client/state.js';

const [api, adminDir, stateDir, tag, policyA, policyB] = process.argv.slice(2) as [string, string, string, string, string, string];
const files = credentialFiles(adminDir);
const admin = apiClients(api, { caPem: readFileSync(files.ca, 'utf8'), certPem: readFileSync(files.cert, 'utf8'), keyPem: readFileSync(files.key, 'utf8') });
const device = new StateDir(stateDir).credentials();
const client = apiClients(api, device);
const policies = [readFileSync(policyA, 'utf8'), readFileSync(policyB, 'utf8')];
const POSTURE = { os: 'linux', osVersion: '6.1', clientVersion: '0.1.0', diskEncryption: 'true', firewall: 'true', hostname: 'storm' };

const say = (o: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(o)}\n`);
const live: string[] = [];
let n = 0;

/** One worker: a mix of the four actions, forever (the test kills this process). */
async function worker(w: number): Promise<void> {
  for (;;) {
    const k = n++;
    try {
      const pick = k % 6;
      if (pick <= 2) {
        const r = await call(client.client, 'Connect', { wgPublicKey: publicKeyOf(generatePrivateKey()), posture: POSTURE, ackTimeoutMs: 5000 }, { deadlineMs: 8000 });
        live.push(r.session!.id);
        say({ ack: 'connect', id: r.session!.id, address: r.session!.overlayAddress });
      } else if (pick === 3 && live.length) {
        const id = live.splice(Math.floor(Math.random() * live.length), 1)[0]!;
        await call(admin.admin, 'RevokeSession', { id, reason: 'storm' }, { deadlineMs: 8000 });
        say({ ack: 'revoke', id });
      } else if (pick === 4) {
        const r = await call(admin.admin, 'ApplyPolicy', { yaml: policies[k % 2]! }, { deadlineMs: 8000 });
        if (r.version > 0) say({ ack: 'policy', version: r.version });
      } else {
        const name = `s${tag}w${w}n${k}`;
        await call(admin.admin, 'AddUser', { name, password: '', groups: ['storm'], admin: false }, { deadlineMs: 8000 });
        say({ ack: 'user', name });
      }
    } catch (err) {
      say({ error: (err as Error).message.slice(0, 200) });
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

say({ ready: true });
await Promise.all([0, 1, 2, 3].map(worker));
