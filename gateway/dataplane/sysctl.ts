// Kernel switches the gateway needs in its own network namespace: IPv4 and IPv6 forwarding.
import { readFile, writeFile } from 'node:fs/promises';

const IP_FORWARD = '/proc/sys/net/ipv4/ip_forward';
const IPV6_FORWARD = '/proc/sys/net/ipv6/conf/all/forwarding';

async function enable(path: string, what: string): Promise<void> {
  try {
    if ((await readFile(path, 'utf8')).trim() === '1') return;
    await writeFile(path, '1\n');
    if ((await readFile(path, 'utf8')).trim() !== '1') throw new Error('the value did not stay at 1');
  } catch (e) {
    throw new Error(`cannot enable ${what} forwarding (${path}): ${(e as Error).message}; the gateway must forward tunnel traffic to resources (run as root in the gateway's network namespace${what === 'IPv6' ? ', with IPv6 enabled in the kernel' : ''})`);
  }
}

/**
 * Turns IPv4 forwarding on in this process's network namespace (the file is per namespace),
 * or throws saying why it cannot: without forwarding no tunnel packet reaches a resource.
 */
export const enableIpv4Forwarding = (path = IP_FORWARD): Promise<void> => enable(path, 'IPv4');

/** The same for IPv6 (net.ipv6.conf.all.forwarding): IPv6 resources need it. */
export const enableIpv6Forwarding = (path = IPV6_FORWARD): Promise<void> => enable(path, 'IPv6');
