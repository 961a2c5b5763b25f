// What every attack suite (test/e2e/attacks*.test.ts) shares: a scenario is an attack that
// must fail AND leave evidence — an audit count or a metric that grew while it ran — so no
// attack passes unseen; each suite prints the scenarios it tried as JSON at the end.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Registry } from 'prom-client';

/** The sum of a metric over every series carrying these labels (0 when there is none). */
export async function metricSum(registry: Registry, name: string, labels: Record<string, string> = {}): Promise<number> {
  const text = await registry.metrics();
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) sum += Number(line.split(' ').pop());
  }
  return sum;
}

export class AttackLog {
  private readonly tried: string[] = [];

  /** An attack that must fail (`fn` asserts that) and leave `evidence` grown. */
  scenario(name: string, evidence: () => number | Promise<number>, fn: () => Promise<void>): void {
    test(name, async () => {
      const before = await evidence();
      await fn();
      const after = await evidence();
      assert.ok(after > before, `the attack left no trace: evidence ${before} -> ${after}`);
      this.tried.push(name);
    });
  }

  /** How many scenarios passed so far. */
  get count(): number {
    return this.tried.length;
  }

  /** Prints `{"attacks": {"tried": N, "scenarios": [...]}}` (call it in the suite's `after`). */
  report(): void {
    console.log(JSON.stringify({ attacks: { tried: this.tried.length, scenarios: this.tried } }));
  }
}
