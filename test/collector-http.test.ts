import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorRecord, StreamRecord } from '../src/contract/index.ts';
import { readLakeRecords } from '../src/stream/index.ts';
import { type CollectorProcess, startCollectorProcess, tempHome } from './support/pdi.ts';
import { validateErrorRecord, validateStreamRecord } from './support/schemas.ts';

async function readAll<T>(lakeDir: string, prefix: string) {
  const out: { key: string; record: T }[] = [];
  for await (const { key, record } of readLakeRecords(lakeDir, prefix))
    out.push({ key, record: record as T });
  return out;
}

describe('the collector over real HTTP, into a real lake', () => {
  let home: string;
  let collector: CollectorProcess;
  let exitCode: number | null;
  const statuses: number[] = [];

  beforeAll(async () => {
    home = await tempHome();
    collector = await startCollectorProcess(home, ['--buffer-seconds', '1']);
    const send = async (path: string, init?: RequestInit) => {
      const res = await fetch(`${collector.url}${path}`, init);
      await res.arrayBuffer();
      statuses.push(res.status);
    };
    await send('/collect', {
      method: 'POST',
      headers: { 'content-type': 'text/plain;charset=UTF-8', 'user-agent': 'it/1.0' },
      body: 'v=1&t=pageview&cid=c-form&z=1&dt=caf%C3%A9%20%F0%9F%9B%92',
    });
    await send('/collect', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ t: 'event', cid: 'c-json', pa: 'detail', pr1id: 'sku', z: 2 }),
    });
    await send('/collect?v=1&t=pageview&cid=c-get&z=3');
    await send('/batch', { method: 'POST', body: 't=pageview&cid=c-batch&z=4\nt=pageview&cid=c-batch&z=5' });
    await send('/collect', { method: 'POST', body: 't=pageview' });
    // wait for a time-based roll, so that at least one object is published while running
    await new Promise((r) => setTimeout(r, 1500));
    exitCode = await collector.stop();
  });

  afterAll(async () => {
    if (collector.child.exitCode === null) await collector.kill();
  });

  it('answers as the original pixel did and exits 0 on SIGTERM', () => {
    expect(statuses).toEqual([200, 200, 200, 200, 400]);
    expect(exitCode).toBe(0);
  });

  it('lands every accepted hit once, in gzip objects under stream_data/YYYY/MM/DD/HH/', async () => {
    const lake = await readAll<StreamRecord>(`${home}/lake`, 'stream_data');
    expect(lake.map((r) => String(r.record.request.body.z)).sort()).toEqual(['1', '2', '3', '4', '5']);
    for (const { key } of lake) expect(key).toMatch(/^stream_data\/\d{4}\/\d{2}\/\d{2}\/\d{2}\/[^/]+\.gz$/);
  });

  it('writes records with exactly the contract fields', async () => {
    const lake = await readAll<StreamRecord>(`${home}/lake`, 'stream_data');
    for (const { record } of lake) {
      expect(validateStreamRecord(record), JSON.stringify(validateStreamRecord.errors)).toBe(true);
      expect(Object.keys(record).sort()).toEqual(['context', 'request', 'response', 'service']);
    }
    const form = lake.find((r) => r.record.context.client_id === 'c-form')?.record;
    expect(form?.request.body.dt).toBe('café 🛒');
    expect(form?.context.user_agent).toBe('it/1.0');
    expect(form?.context.user_ip).toBe('127.0.0.1');
  });

  it('keeps the refused hit, with its reason, under stream_errors/', async () => {
    const errors = await readAll<ErrorRecord>(`${home}/lake`, 'stream_errors');
    expect(errors).toHaveLength(1);
    expect(validateErrorRecord(errors[0]?.record), JSON.stringify(validateErrorRecord.errors)).toBe(true);
    expect(errors[0]?.record.error.reason).toBe('missing_client_id');
  });
});
