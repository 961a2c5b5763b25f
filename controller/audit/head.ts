// The audit chain's signed head, anchored outside the database: the id and hash of the
// newest committed record with an HMAC-SHA256 over them, keyed by a key derived from the
// master key. It is rewritten (0600, atomically) after every commit to DATA_DIR/audit.head
// and carried on every line of the JSON-lines sink, so an operator can ship it elsewhere.
// A database whose chain no longer reaches the head lost its newest records (or had them
// rewritten): the chain alone cannot show that, since what remains still links.
//
// HMAC rather than a public-key signature: the controller already holds one secret (the
// master key) and verification happens in the controller (`wicketctl audit verify`), so a
// second key pair would add a key to manage and nothing to check. Whoever can read
// master.key can forge a head; a copy shipped off the host before the attack still names
// the true end of the chain.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';

export interface Head { id: number; hash: string }
export interface SignedHead extends Head { mac: string }

const SignedHeadSchema = z.object({
  id: z.number().int().nonnegative(),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  mac: z.string().regex(/^[0-9a-f]{64}$/),
});

function mac(key: Buffer, h: Head): string {
  return createHmac('sha256', key).update(`wicket-audit-head:v1:${h.id}:${h.hash}`).digest('hex');
}

export function signHead(key: Buffer, h: Head): SignedHead {
  return { id: h.id, hash: h.hash, mac: mac(key, h) };
}

export function headSignatureValid(key: Buffer, h: SignedHead): boolean {
  return timingSafeEqual(Buffer.from(mac(key, h), 'hex'), Buffer.from(h.mac, 'hex'));
}

/** Parses a head from its JSON text (the head file, or a sink line whose `head` field it is). */
export function parseHead(text: string): SignedHead {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error('the audit head is not JSON');
  }
  const candidate = (value as { head?: unknown } | null)?.head ?? value;
  const parsed = SignedHeadSchema.safeParse(candidate);
  if (!parsed.success) throw new Error('the audit head is malformed: expected {"id": N, "hash": "<64 hex>", "mac": "<64 hex>"}');
  return parsed.data;
}

export function readHeadFile(path: string): SignedHead | undefined {
  return existsSync(path) ? parseHead(readFileSync(path, 'utf8')) : undefined;
}

/**
 * Replaces the head file atomically (temporary file, rename). No fsync: a head lost in a
 * power cut only lags the database, which verify accepts.
 */
export function writeHeadFile(path: string, head: SignedHead): void {
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    writeFileSync(tmp, `${JSON.stringify(head)}\n`, { mode: 0o600, flag: 'wx' });
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

/**
 * Why the database's chain does not reach a head, or undefined when it does. `hashAt` gives
 * the stored hash of a record id; `last` is the newest stored record. Records after the
 * head are fine (the head may lag: it is written after the commit).
 */
export function headMismatch(key: Buffer, head: SignedHead, last: Head | undefined, hashAt: (id: number) => string | undefined): string | undefined {
  if (!headSignatureValid(key, head)) return 'the audit head\'s signature is invalid: it was forged, altered or made by another controller';
  if (head.id === 0) return undefined;
  const lastId = last?.id ?? 0;
  if (lastId < head.id) {
    return `the audit log was truncated: the signed head names record ${head.id} but the database ends at record ${lastId} (the newest ${head.id - lastId} records or more are missing)`;
  }
  const stored = hashAt(head.id);
  if (stored === undefined) return `the audit log lost record ${head.id}, which the signed head names`;
  if (stored !== head.hash) return `audit record ${head.id} differs from the signed head: the log was rewritten from there on`;
  return undefined;
}
