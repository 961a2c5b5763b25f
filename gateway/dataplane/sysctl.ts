// Kernel switches the gateway needs in its own network namespace: IPv4 forwarding.
import { readFile, writeFile } from 'node:fs/promises';

const IP_FORWARD = '/proc/sys/net/ipv4/ip_forward';

/**
 * Turns IPv4 forwarding on in this process's network namespace (the file is per namespace),
 * or throws saying why it cannot: without forwarding no tunnel packet reaches a resource.
 */
export async function enableIpv4Forwarding(path = IP_FORWARD): Promise<void> {
  try {
    if ((await readFile(path, 'utf8')).trim() === '1') return;
    await writeFile(path, '1\n');
    if ((await readFile(path, 'utf8')).trim() !== '1') throw new Error('the value did not stay at 1');
  } catch (e) {
    throw new Error(`cannot enable IPv4 forwarding (${path}): ${(e as Error).message}; the gateway must forward tunnel traffic to resources (run as root in the gateway's network namespace)`);
  }
}
