// Well-formed hostile input: messages generated from the proto descriptors (protobufjs
// reflection) with random values of the right type in every field — strings from a hostile
// and a plausible pool, extreme numbers, any enum value, nested messages, repeated fields
// and one member of each oneof — sent to every method of every service, the streams (Sync,
// Report, Watch) included, over real gRPC with mutual TLS to a controller running its real
// modules. Unlike the byte fuzz (fuzz.test.ts), every message decodes, so it reaches the
// handlers: none may answer INTERNAL or UNKNOWN, nothing may be counted as an internal error,
// and the controller keeps serving. WICKET_FUZZ_PER_SERVICE raises the count; WICKET_FUZZ_SEED
// replays a run.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import { apiClients, authClients, call, type ClientCredentials } from '../../common/grpc.js';
import { createCsr, generateKeyPair } from '../../common/pki.js';
import { generatePrivateKey, publicKeyOf } from '../../common/wireguard/keys.js';
import { PROTO_PATH } from '../../proto/load.js';
import { serviceModules } from '../../controller/app/modules.js';
import { HOSTILE_STRINGS } from '../reliability/mutate.js';
import { methodsOf, RawChannel, type ServiceName } from '../reliability/wire.js';
import { FakeGateway, addUser, codeAt, enrollGateway, login, rpcError, startTestController, type TestController } from './harness.js';
import { grantTo, policyYaml, WIKI } from '../support/policies.js';
import { mulberry32 } from '../support/prng.js';

const PER_SERVICE = Number(process.env.WICKET_FUZZ_PER_SERVICE ?? 2000);
const SEED = Number(process.env.WICKET_FUZZ_SEED ?? 15_015);
const WINDOW = 12;
const FRAMES_PER_STREAM = 4;

const POLICY = policyYaml({
  gateways: ['dc1'],
  groups: { eng: ['fuzzer'], leads: ['admin'] },
  resources: { wiki: WIKI },
  grants: [
    grantTo('eng', 'wiki'),
    { name: 'wiki-jit', to: ['group:eng'], resources: ['wiki'], requestable: '{ approvers: [group:leads], max_duration: 1h, reason_required: false }' },
  ],
});

/** Random values of each protobuf type, from pools that mix plausible values (which reach deep paths) and hostile ones. */
class Values {
  constructor(private readonly r: () => number, private readonly plausible: string[]) {}

  pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.r() * list.length)]!;
  }

  int(max: number): number {
    return Math.floor(this.r() * max);
  }

  string(): string {
    switch (this.int(6)) {
      case 0: return this.pick(HOSTILE_STRINGS);
      case 1: return Array.from({ length: this.int(24) }, () => String.fromCharCode(32 + this.int(95))).join('');
      case 2: return this.pick(['A', 'é', '\u0000', '9']).repeat(this.pick([63, 64, 65, 255, 256, 1025, 5000, 70_000]));
      default: return this.pick(this.plausible);
    }
  }

  number(type: string): number {
    const common = [0, 1, -1, 2, 60, 443, 65_535, 65_536, 3_600_000, Date.now(), this.int(1_000_000)];
    if (type === 'double' || type === 'float') return this.pick([...common, 0.5, -0.0, 1e300, -1e300, Number.NaN, Number.POSITIVE_INFINITY]);
    if (type.endsWith('32')) {
      const extremes = type.startsWith('u') || type === 'fixed32' ? [4_294_967_295] : [2_147_483_647, -2_147_483_648];
      return this.pick([...common.filter((n) => !type.startsWith('u') || n >= 0), ...extremes]);
    }
    return this.pick([...common.filter((n) => !type.startsWith('u') || n >= 0), Number.MAX_SAFE_INTEGER, ...(type.startsWith('u') ? [] : [-Number.MAX_SAFE_INTEGER])]);
  }

  /** A value for one field: undefined leaves it unset. */
  field(f: protobuf.Field, depth: number): unknown {
    // Elements of a repeated or map field cannot be absent; a singular message field can.
    if (f.repeated) return Array.from({ length: this.pick([0, 1, 2, 3, 3, 40]) }, () => this.single(f, depth, false));
    if (f instanceof protobuf.MapField) return Object.fromEntries(Array.from({ length: this.int(3) }, () => [this.string(), this.single(f, depth, false)]));
    return this.single(f, depth, true);
  }

  single(f: protobuf.Field, depth: number, optional: boolean): unknown {
    f.resolve();
    if (f.resolvedType instanceof protobuf.Enum) return this.pick(Object.keys(f.resolvedType.values));
    if (f.resolvedType instanceof protobuf.Type) return optional && (depth > 3 || this.r() < 0.15) ? null : this.message(f.resolvedType, depth + 1);
    switch (f.type) {
      case 'string': return this.string();
      case 'bool': return this.r() < 0.5;
      case 'bytes': return Buffer.from(Array.from({ length: this.int(64) }, () => this.int(256)));
      default: return this.number(f.type);
    }
  }

  /** A whole message: every field set (or left unset now and then), one member per oneof. */
  message(type: protobuf.Type, depth = 0): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const chosen = new Map(type.oneofsArray.map((o) => [o, this.r() < 0.1 ? undefined : this.pick(o.fieldsArray)]));
    for (const f of type.fieldsArray) {
      if (f.partOf && chosen.get(f.partOf) !== f) continue;
      if (this.r() < 0.1) continue;
      out[f.name] = this.field(f, depth);
    }
    return out;
  }
}

describe('well-formed messages with random field values to every method', { timeout: 600_000 }, () => {
  let t: TestController;
  let gateway: FakeGateway;
  let userCreds: ClientCredentials;
  let gatewayCreds: ClientCredentials;
  let plausible: string[] = [];
  const root = protobuf.loadSync(PROTO_PATH);
  root.resolveAll();

  const internalErrors = async () => {
    const text = await t.controller.ctx.metrics.registry.metrics();
    return text.split('\n').filter((l) => l.startsWith('wicket_internal_errors_total{')).map((l) => `${l}`);
  };

  before(async () => {
    t = await startTestController({ modules: serviceModules() });
    const secret = await addUser(t, 'fuzzer', 'fuzzer-password-long', { groups: ['eng'] });
    const applied = await call(t.admin.admin, 'ApplyPolicy', { yaml: POLICY });
    assert.ok(applied.version > 0, JSON.stringify(applied.check));
    gateway = new FakeGateway(t, await enrollGateway(t, 'dc1'));
    gateway.connect();
    await gateway.next((m) => Boolean(m.snapshot));
    // The fuzzer speaks Gateway as dc2, which serves nothing.
    gatewayCreds = await enrollGateway(t, 'dc2');
    userCreds = (await login(t, { username: 'fuzzer', password: 'fuzzer-password-long', totpCode: await codeAt(t, secret) })).creds;
    const u = apiClients(t.api, userCreds);
    const s = await call(u.client, 'Connect', { wgPublicKey: publicKeyOf(generatePrivateKey()), posture: null, ackTimeoutMs: 5000 });
    u.close();
    // Not the bootstrap admin's name: the fuzzer would disable the identity it fuzzes with.
    plausible = ['', 'fuzzer', 'leads', 'dc1', 'dc2', 'wiki', 'eng', 'eng-wiki', 'wiki-jit', 'group:eng', 'tcp', 'udp', 'icmp', 'true', 'false',
      '10.20.0.10', '10.20.0.0/16', '100.64.0.1', '192.0.2.1:51820', '[::1]:443', 'wiki.example.com', '1h', '30m', '123456', '0'.repeat(32),
      s.session!.id, publicKeyOf(generatePrivateKey()), createCsr(generateKeyPair(), 'fuzz'), POLICY, 'gateways: [', 'linux', '6.1', '0.1.0'];
  });

  after(async () => {
    gateway?.close();
    await t?.stop();
  });

  const fuzz = (service: ServiceName, creds: () => { channel: RawChannel }, seed: number) => void test(`${service}: ${PER_SERVICE} well-formed random messages, no INTERNAL or UNKNOWN`, async () => {
    const { channel } = creds();
    const values = new Values(mulberry32(seed), plausible);
    const methods = methodsOf(service);
    const problems: string[] = [];
    const byCode: Record<string, number> = {};
    const before = await internalErrors();
    try {
      const jobs = Array.from({ length: PER_SERVICE }, (_v, i) => {
        const m = methods[i % methods.length]!;
        const type = root.lookupService(`wicket.v1.${service}`).methods[m.name]!.resolvedRequestType!;
        const objects = Array.from({ length: m.requestStream ? FRAMES_PER_STREAM : 1 }, () => values.message(type));
        return { m, objects };
      });
      for (let i = 0; i < jobs.length; i += WINDOW) {
        const window = jobs.slice(i, i + WINDOW);
        const outcomes = await Promise.all(window.map((j) => channel.send(j.m, j.objects.map((o) => j.m.encode(o)))));
        outcomes.forEach((o, k) => {
          const code = grpc.status[o.code] ?? String(o.code);
          byCode[code] = (byCode[code] ?? 0) + 1;
          if ((o.code === grpc.status.INTERNAL || o.code === grpc.status.UNKNOWN) && problems.length < 10) {
            problems.push(`${window[k]!.m.name} -> ${code} ${o.details}: ${JSON.stringify(window[k]!.objects[0]).slice(0, 600)}`);
          }
        });
      }
    } finally {
      channel.close();
    }
    console.log(JSON.stringify({ service, seed, byCode }));
    assert.deepEqual(problems, [], `${service}: handlers failed on well-formed input`);
    assert.deepEqual(await internalErrors(), before, `${service}: internal errors were counted`);
    const auth = authClients(t.auth, t.caPem);
    try {
      const err = await rpcError(call(auth.auth, 'Login', { username: '', password: '', totpCode: '', csrPem: '', deviceName: '' }));
      assert.equal(err.code, grpc.status.INVALID_ARGUMENT, 'the controller still serves');
    } finally {
      auth.close();
    }
  });

  fuzz('Auth', () => ({ channel: RawChannel.tls(t.auth, t.caPem) }), SEED);
  fuzz('Client', () => ({ channel: RawChannel.mtls(t.api, userCreds) }), SEED + 1);
  fuzz('Gateway', () => ({ channel: RawChannel.mtls(t.api, gatewayCreds) }), SEED + 2);
  fuzz('Admin', () => ({ channel: RawChannel.mtls(t.api, t.adminCreds) }), SEED + 3);
});
