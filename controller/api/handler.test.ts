// The stream wrappers over real gRPC calls: a stream cancelled while its caller is still being
// authorized never reaches its handler (whose cleanup listeners would never fire).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { wicketV1 } from '../../proto/load.js';
import { createLogger } from '../../common/log.js';
import { duplex, serverStream } from './handler.js';
import type { AuthenticatedCall } from './authz.js';

const log = createLogger('test', { write: () => true } as unknown as NodeJS.WritableStream);

async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  assert.ok(cond(), 'condition not reached in time');
}

/** An authorizer held until `release`, reporting the server call it was asked about. */
function heldAuthorizer() {
  let release!: () => void;
  const released = new Promise<void>((resolve) => { release = resolve; });
  const seen: { call?: AuthenticatedCall & { cancelled: boolean } } = {};
  const caller = async (call: AuthenticatedCall) => {
    seen.call = call as AuthenticatedCall & { cancelled: boolean };
    await released;
    return 'someone';
  };
  return { caller, release, seen };
}

async function serve(t: { after: (fn: () => void) => void }, add: (server: grpc.Server) => void) {
  const server = new grpc.Server();
  add(server);
  const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))));
  t.after(() => server.forceShutdown());
  return `127.0.0.1:${port}`;
}

test('a server stream cancelled during authorization does not run its handler', async (t) => {
  const auth = heldAuthorizer();
  let ran = false;
  const address = await serve(t, (server) => server.addService(wicketV1().Client.service, {
    Watch: serverStream(log, { method: 'Client.Watch', caller: auth.caller, request: 'WatchRequest' }, () => {
      ran = true;
    }),
  }));
  const client = new (wicketV1().Client)(address, grpc.credentials.createInsecure());
  t.after(() => client.close());
  const call = client.Watch({ sessionId: 's1' });
  call.on('error', () => undefined);
  await until(() => auth.seen.call !== undefined);
  call.cancel();
  await until(() => auth.seen.call!.cancelled);
  auth.release();
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(ran, false);
});

test('a bidirectional stream cancelled during authorization does not open its handler', async (t) => {
  const auth = heldAuthorizer();
  let opened = false;
  const address = await serve(t, (server) => server.addService(wicketV1().Gateway.service, {
    Sync: duplex(log, { method: 'Gateway.Sync', caller: auth.caller, request: 'SyncUp' }, () => {
      opened = true;
      return { message: () => undefined, invalid: () => undefined };
    }),
  }));
  const client = new (wicketV1().Gateway)(address, grpc.credentials.createInsecure());
  t.after(() => client.close());
  const call = client.Sync();
  call.on('error', () => undefined);
  await until(() => auth.seen.call !== undefined);
  call.cancel();
  await until(() => auth.seen.call!.cancelled);
  auth.release();
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(opened, false);
});
