import { copyFile, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateDataset } from '../../src/dataset/generator.ts';
import { listLakeObjects } from '../../src/stream/lake-reader.ts';
import { runPdi, tempHome } from '../support/pdi.ts';

let datasetDir: string;
let lakeSource: string;
let keys: string[];

async function sql(home: string, query: string): Promise<Record<string, unknown>[]> {
  const result = await runPdi(['sql', '--home', home, '--json', query]);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout);
}

async function addObjects(home: string, batch: string[]) {
  for (const key of batch) {
    const target = path.join(home, 'lake', key);
    await mkdir(path.dirname(target), { recursive: true });
    await copyFile(path.join(lakeSource, 'lake', key), target);
  }
}

async function loadAndTransform(home: string, fullRefresh = false) {
  const load = await runPdi(['load', '--home', home]);
  expect(load.code, load.stderr).toBe(0);
  const transform = await runPdi(['transform', '--home', home, ...(fullRefresh ? ['--full-refresh'] : [])]);
  expect(transform.code, transform.stdout.slice(-3000)).toBe(0);
}

beforeAll(async () => {
  datasetDir = await tempHome('pdi-dbt-data-');
  await generateDataset({ outDir: datasetDir, sessions: 400, seed: 21, days: 2 });
  lakeSource = await tempHome('pdi-dbt-lake-');
  const backfill = await runPdi([
    'backfill',
    '--home',
    lakeSource,
    '--dataset',
    datasetDir,
    '--shift',
    'none',
  ]);
  expect(backfill.code, backfill.stderr).toBe(0);
  keys = await listLakeObjects(path.join(lakeSource, 'lake'), 'stream_data');
}, 300_000);

describe('./pdi transform (dbt build)', () => {
  let full: string;

  beforeAll(async () => {
    full = await tempHome('pdi-dbt-full-');
    await addObjects(full, keys);
    await loadAndTransform(full, true);
  }, 300_000);

  it('gives the daily stats an independent count of the dataset file gives', async () => {
    const csv = (await readFile(path.join(datasetDir, 'browsing_train.csv'), 'utf8'))
      .trim()
      .split('\n')
      .slice(1);
    const prices = new Map(
      (await readFile(path.join(datasetDir, 'sku_to_content.csv'), 'utf8'))
        .trim()
        .split('\n')
        .slice(1)
        .map((line) => [line.slice(0, 64), line.match(/,(\d+\.0)$/)?.[1]]),
    );
    const days = new Map<
      string,
      {
        pageviews: number;
        transactions: number;
        details: number;
        revenue: number;
        sessions: Set<string>;
        adds: Set<string>;
      }
    >();
    for (const line of csv) {
      const [session, type, action, sku, ts] = line.split(',') as [string, string, string, string, string];
      const day = new Date(Number(ts)).toISOString().slice(0, 10);
      const d = days.get(day) ?? {
        pageviews: 0,
        transactions: 0,
        details: 0,
        revenue: 0,
        sessions: new Set(),
        adds: new Set(),
      };
      days.set(day, d);
      d.sessions.add(session);
      if (type === 'pageview') d.pageviews++;
      if (action === 'detail') d.details++;
      if (action === 'add') d.adds.add(`${session}|${sku}`);
      if (action === 'purchase') {
        d.transactions++;
        d.revenue += Number(prices.get(sku) ?? 0);
      }
    }
    const stats = await sql(
      full,
      `select strftime(timestamp, '%Y-%m-%d') as day, count_active_sessions, pageviews, sum_of_product_details,
              add_to_cart, transactions, transaction_revenue from STATS.OVERVIEW_1D order by 1`,
    );
    expect(stats.map((s) => s.day)).toEqual([...days.keys()].sort());
    for (const row of stats) {
      const d = days.get(String(row.day));
      expect(row).toEqual({
        day: row.day,
        count_active_sessions: String(d?.sessions.size),
        pageviews: String(d?.pageviews),
        sum_of_product_details: String(d?.details),
        add_to_cart: String(d?.adds.size),
        transactions: String(d?.transactions),
        transaction_revenue: d?.revenue,
      });
    }
  });
});
