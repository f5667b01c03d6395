import { describe, expect, it } from 'vitest';
import type { StreamRecord } from '../src/contract/index.ts';
import { readLakeRecords } from '../src/stream/index.ts';
import { startCollectorProcess, tempHome } from './support/pdi.ts';

/**
 * kill -9 under load: every hit that got a 200 must be in the lake exactly once after a restart,
 * and no hit may appear twice, acknowledged or not.
 */
describe('a collector killed with SIGKILL under load', () => {
  it('loses no acknowledged hit and writes none twice', async () => {
    const home = await tempHome('pdi-crash-');
    const first = await startCollectorProcess(home, ['--buffer-bytes', '65536']);
    const acknowledged = new Set<string>();
    let sent = 0;
    let stop = false;

    const sender = async (worker: number) => {
      for (let i = 0; !stop; i++) {
        const z = `${worker}-${i}`;
        sent++;
        try {
          const body =
            i % 5 === 0
              ? batchOf(z)
              : `v=1&t=pageview&cid=crash-${worker}&z=${z}&dl=https%3A%2F%2Fshop.example%2F${i}`;
          const res = await fetch(`${first.url}${i % 5 === 0 ? '/batch' : '/collect'}`, {
            method: 'POST',
            body,
          });
          await res.arrayBuffer();
          if (res.status === 200) {
            if (i % 5 === 0) for (let k = 0; k < 3; k++) acknowledged.add(`${z}.${k}`);
            else acknowledged.add(z);
          }
        } catch {
          // the connection died with the collector: not acknowledged
        }
      }
    };
    const senders = Array.from({ length: 20 }, (_, w) => sender(w));
    await new Promise((r) => setTimeout(r, 2500));
    await first.kill();
    stop = true;
    await Promise.all(senders);
    expect(acknowledged.size).toBeGreaterThan(500);

    const second = await startCollectorProcess(home);
    expect(await second.stop()).toBe(0);

    const seen = new Map<string, number>();
    for await (const { record } of readLakeRecords(`${home}/lake`, 'stream_data')) {
      const z = String((record as StreamRecord).request.body.z);
      seen.set(z, (seen.get(z) ?? 0) + 1);
    }
    const missing = [...acknowledged].filter((z) => !seen.has(z));
    const doubled = [...seen].filter(([, n]) => n > 1);
    expect(missing).toEqual([]);
    expect(doubled).toEqual([]);
    expect(seen.size).toBeGreaterThanOrEqual(acknowledged.size);
    expect(sent).toBeGreaterThan(acknowledged.size / 3);
  }, 60_000);
});

function batchOf(z: string): string {
  return [0, 1, 2].map((k) => `v=1&t=pageview&cid=crash-batch&z=${z}.${k}`).join('\n');
}
