// A session's page follows its gateways' acknowledgements without a reload: the table
// marked data-live-acks="URL" opens an EventSource on URL (server-sent events relayed from
// Admin.WatchSession) and rewrites each gateway's row as its ack arrives. The stream ends by
// itself once every gateway has acknowledged; it is closed then, so the browser does not
// reconnect.
interface AckState { gateway: string; version: number; acked: boolean; text: string }
interface AcksEvent { state: string; acks: AckState[] }

export function followAcks(root: ParentNode): void {
  const table = root.querySelector<HTMLTableElement>('table[data-live-acks]');
  const url = table?.dataset.liveAcks;
  if (!table || !url) return;
  const status = document.getElementById('ack-status');
  const say = (text: string) => {
    if (status) status.textContent = text;
  };
  const events = new EventSource(url);
  events.addEventListener('acks', (e) => {
    const data = JSON.parse((e as MessageEvent<string>).data) as AcksEvent;
    for (const a of data.acks) {
      const row = [...table.tBodies[0]?.rows ?? []].find((r) => r.dataset.gateway === a.gateway);
      if (!row) continue;
      const version = row.querySelector('[data-field="version"]');
      if (version) version.textContent = String(a.version);
      const badge = row.querySelector('[data-field="ack"] .ack');
      if (badge) {
        badge.textContent = a.text;
        badge.className = `ack ${a.acked ? 'acked' : 'pending'}`;
      }
    }
    const state = document.getElementById('session-state');
    if (state && !state.textContent?.startsWith(data.state)) state.textContent = data.state;
    const waiting = data.acks.filter((a) => !a.acked).length;
    say(waiting ? `Waiting for ${waiting} ${waiting === 1 ? 'gateway' : 'gateways'} to acknowledge.` : 'Every gateway has acknowledged.');
  });
  events.addEventListener('end', () => events.close());
  events.addEventListener('failed', (e) => {
    events.close();
    say(`Live updates stopped: ${(JSON.parse((e as MessageEvent<string>).data) as { message: string }).message}`);
  });
}
