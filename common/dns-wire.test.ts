import test from 'node:test';
import assert from 'node:assert/strict';
import { TcpFrames, tcpFrame } from './dns-wire.js';

const msg = (n: number, fill: number) => Buffer.alloc(n, fill);

test('frames carry the length in front and come back whole, however the stream is cut', () => {
  const stream = Buffer.concat([tcpFrame(msg(12, 1)), tcpFrame(msg(30, 2)), tcpFrame(msg(13, 3))]);
  for (const cut of [1, 2, 3, 7, 14, 15, 44, stream.length]) {
    const frames = new TcpFrames();
    const got = [...frames.push(stream.subarray(0, cut)), ...frames.push(stream.subarray(cut))];
    assert.deepEqual(got.map((m) => [m.length, m[0]]), [[12, 1], [30, 2], [13, 3]], `cut at ${cut}`);
  }
});

test('a frame shorter than a header or longer than the bound throws, so the connection is closed', () => {
  assert.throws(() => new TcpFrames().push(tcpFrame(msg(11, 0))), /11 bytes is out of bounds/);
  assert.throws(() => new TcpFrames(12, 512).push(Buffer.from([0x02, 0x01])), /513 bytes is out of bounds/);
  assert.deepEqual(new TcpFrames().push(Buffer.from([0x00])), [], 'half a length waits');
});
