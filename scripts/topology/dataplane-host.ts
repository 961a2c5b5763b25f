// Serves a real WireGuardDataPlane over JSON lines on stdin/stdout, so tests, benchmarks
// and the demo can drive a gateway's data plane inside its network namespace without a
// controller (`ip netns exec NS node dataplane-host.js`; see remote-dataplane.ts). Requests
// are `{ id, op, ...args }`, replies `{ id, ok, result | error }`. Keys arrive on stdin only.
import { createInterface } from 'node:readline';
import { WireGuardDataPlane, type DesiredSession, type WireGuardDataPlaneOptions } from '../../gateway/dataplane/dataplane.js';

type Request =
  | { id: number; op: 'start'; options: WireGuardDataPlaneOptions }
  | { id: number; op: 'snapshot'; version: number; sessions: DesiredSession[] }
  | { id: number; op: 'delta'; version: number; upserts: DesiredSession[]; removes: string[] }
  | { id: number; op: 'denied' | 'close' | 'teardown' };

let dp: WireGuardDataPlane | null = null;
const plane = () => {
  if (!dp) throw new Error('start first');
  return dp;
};

async function handle(req: Request): Promise<unknown> {
  switch (req.op) {
    case 'start':
      dp = new WireGuardDataPlane(req.options);
      return dp.start();
    case 'snapshot': return plane().applySnapshot(req.version, req.sessions);
    case 'delta': return plane().applyDelta(req.version, req.upserts, req.removes);
    case 'denied': return plane().readDenied();
    case 'close': return plane().close();
    case 'teardown': return plane().teardown();
  }
}

// Requests are handled in arrival order (the data plane serialises applies itself).
createInterface({ input: process.stdin }).on('line', (line) => {
  const req = JSON.parse(line) as Request;
  handle(req).then(
    (result) => process.stdout.write(JSON.stringify({ id: req.id, ok: true, result: result ?? null }) + '\n'),
    (e: Error) => process.stdout.write(JSON.stringify({ id: req.id, ok: false, error: e.message }) + '\n'),
  );
}).on('close', () => process.exit(0));
