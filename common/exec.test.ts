// Unit tests of the subprocess runner: a failing tool's error never carries what was sent
// on stdin, and key-shaped text a tool echoes is scrubbed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runTool, scrubKeys } from './exec.js';
import { generatePrivateKey } from './wireguard/keys.js';

test('runTool errors name the command but never what was on stdin', async () => {
  const secret = generatePrivateKey();
  await assert.rejects(runTool('sh', ['-c', 'cat >/dev/null; echo failed >&2; exit 3'], { stdin: secret }), (e: Error) => {
    assert.match(e.message, /^sh -c .* exited with code 3: failed$/);
    assert.ok(!e.message.includes(secret));
    return true;
  });
  // A tool that echoes its input (as `wg` does for a malformed key) is scrubbed too.
  await assert.rejects(runTool('sh', ['-c', 'cat >&2; exit 1'], { stdin: `bad key: ${secret}` }), (e: Error) => {
    assert.ok(!e.message.includes(secret));
    assert.match(e.message, /\[key\]/);
    return true;
  });
  assert.equal(await runTool('sh', ['-c', 'cat'], { stdin: 'hello' }), 'hello');
  assert.equal(scrubKeys(`a ${secret} b`), 'a [key] b');
});
