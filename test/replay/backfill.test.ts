import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { StreamRecord } from '../../src/contract/index.ts';
import { generateDataset } from '../../src/dataset/generator.ts';
import { locateDataset } from '../../src/dataset/reader.ts';
import { backfill } from '../../src/replay/backfill.ts';
import { readLakeRecords } from '../../src/stream/index.ts';
import { runPdi, startCollectorProcess, tempHome } from '../support/pdi.ts';
import { validateStreamRecord } from '../support/schemas.ts';

let datasetDir: string;

beforeAll(async () => {
  datasetDir = await tempHome('pdi-backfill-data-');
  await generateDataset({ outDir: datasetDir, sessions: 120, seed: 9 });
});

async function lake(home: string) {
  const out: { key: string; record: StreamRecord }[] = [];
  for await (const { key, record } of readLakeRecords(path.join(home, 'lake'), 'stream_data')) {
    out.push({ key, record: record as StreamRecord });
  }
  return out;
}

/** A hit as the page sent it, but for the stamps that depend on when it was sent. */
const sentParams = ({ record }: { record: StreamRecord }) => {
  const { tm: _tm, qt: _qt, ...rest } = record.request.body;
  return rest;
};

describe('./pdi backfill', () => {
  it('writes the records the HTTP path writes, keeping the dataset calendar with --shift none', async () => {
    const home = await tempHome();
    const result = await runPdi(['backfill', '--home', home, '--dataset', datasetDir, '--shift', 'none']);
    expect(result.code, result.stderr).toBe(0);
    const backfilled = await lake(home);
    expect(result.stdout).toContain(`backfilled ${backfilled.length} rows`);
    for (const { key, record } of backfilled) {
      expect(validateStreamRecord(record), JSON.stringify(validateStreamRecord.errors)).toBe(true);
      // the dataset's own dates (2019), each record under its event hour
      const hour = new Date(record.request.timestamp).toISOString().slice(0, 13).replace(/[-T]/g, '/');
      expect(key.startsWith(`stream_data/${hour}/`)).toBe(true);
      expect(key).toMatch(/^stream_data\/2019\//);
    }

    const pumpedHome = await tempHome();
    const collector = await startCollectorProcess(pumpedHome);
    const pumped = await runPdi(['pump', '--dataset', datasetDir, '--url', collector.url]);
    expect(pumped.code, pumped.stderr).toBe(0);
    expect(await collector.stop()).toBe(0);
    const overHttp = await lake(pumpedHome);

    const byZ = (rows: { record: StreamRecord }[]) =>
      new Map(rows.map((r) => [String(r.record.request.body.z), r]));
    const http = byZ(overHttp);
    expect(http.size).toBe(backfilled.length);
    for (const row of backfilled) {
      const twin = http.get(String(row.record.request.body.z));
      expect(twin).toBeDefined();
      expect(sentParams(row)).toEqual(sentParams(twin as { record: StreamRecord }));
      expect({ ...row.record.context, user_ip: null }).toEqual({ ...twin?.record.context, user_ip: null });
    }
  });

  it('shifts the dataset to end now by default, and never overwrites an earlier run', async () => {
    const home = await tempHome();
    const before = Date.now();
    expect((await runPdi(['backfill', '--home', home, '--dataset', datasetDir])).code).toBe(0);
    const first = await lake(home);
    const latest = Math.max(...first.map((r) => r.record.request.timestamp));
    expect(latest).toBeGreaterThanOrEqual(before);
    expect(latest).toBeLessThanOrEqual(Date.now());

    expect(
      (await runPdi(['backfill', '--home', home, '--dataset', datasetDir, '--shift', 'none'])).code,
    ).toBe(0);
    const both = await lake(home);
    expect(both).toHaveLength(first.length * 2);
    expect(new Set(both.map((r) => r.key)).size).toBeGreaterThan(new Set(first.map((r) => r.key)).size);
  });

  it('gives the same records shared out among worker threads as in one thread', async () => {
    const [one, three] = await Promise.all([tempHome(), tempHome()]);
    const dataset = await locateDataset(datasetDir);
    const options = { dataset, shift: 'none', limit: null } as const;
    const alone = await backfill({ ...options, lakeDir: path.join(one, 'lake'), workers: 1 });
    const shared = await backfill({ ...options, lakeDir: path.join(three, 'lake'), workers: 3 });
    expect(shared.rows).toBe(alone.rows);
    expect(shared.objects).toBeGreaterThan(alone.objects);
    const records = async (home: string) =>
      (await lake(home))
        .map(({ key, record }) => `${key.split('/pdi-backfill-')[0]} ${JSON.stringify(record)}`)
        .sort();
    expect(await records(three)).toEqual(await records(one));
  });

  it('gives the same records when run twice on the same rows (replayable ids)', async () => {
    const [a, b] = await Promise.all([tempHome(), tempHome()]);
    for (const home of [a, b]) {
      expect(
        (await runPdi(['backfill', '--home', home, '--dataset', datasetDir, '--shift', 'none'])).code,
      ).toBe(0);
    }
    const ids = async (home: string) => (await lake(home)).map((r) => r.record.request.id).sort();
    expect(await ids(a)).toEqual(await ids(b));
  });
});
