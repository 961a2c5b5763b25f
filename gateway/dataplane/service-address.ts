// The gateway's service address on its WireGuard interface: the overlay address the
// controller assigns to this gateway, where the identity-aware proxy listens. One `ip -batch`
// per change, whose text is built here (pure) and run by the data plane.
//
// The new address goes on before the old one comes off: deleting an interface's last IPv4
// address makes the kernel flush every route through it, the overlay pool's included, so the
// batch ends by putting that route back (a no-op while an address stays).

/** The `ip -batch` text moving the interface from `old` addresses to `next` (none: remove all). */
export function serviceAddressText(ifname: string, overlayPool: string, next: string | undefined, old: readonly string[]): string {
  const lines: string[] = [];
  if (next !== undefined) lines.push(`address replace ${next}/32 dev ${ifname}`);
  for (const o of old) if (o !== next) lines.push(`address del ${o}/32 dev ${ifname}`);
  lines.push(`route replace ${overlayPool} dev ${ifname}`);
  return lines.join('\n') + '\n';
}

/** The IPv4 addresses on an interface, from `ip -json -4 address show dev IF`. */
export function parseAddresses(json: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  const out: string[] = [];
  for (const link of parsed as { addr_info?: { family?: string; local?: string }[] }[]) {
    for (const a of link.addr_info ?? []) if (a.family === 'inet' && typeof a.local === 'string') out.push(a.local);
  }
  return out;
}
