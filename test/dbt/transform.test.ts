import { copyFile, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateDataset } from '../../src/dataset/generator.ts';
import { listLakeObjects } from '../../src/stream/lake-reader.ts';
import { runDbt } from '../../src/warehouse/dbt/index.ts';
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

describe('the key tests: primary_key_in_build on the hits, primary_key on the other tables', () => {
  /** Runs statements on the warehouse file directly (no runtime holds it). */
  async function write(home: string, statements: string) {
    const instance = await DuckDBInstance.create(path.join(home, 'warehouse.duckdb'));
    try {
      const connection = await instance.connect();
      await connection.run(statements);
      connection.closeSync();
    } finally {
      instance.closeSync();
    }
  }

  it('fail the build when it makes a row without an id, or a duplicate id: among its own rows, or of a row kept from before', async () => {
    const home = await tempHome('pdi-dbt-unique-');
    await addObjects(home, keys);
    await loadAndTransform(home, true);
    // rows that "the next build makes" (built after it starts): a copy of a kept row, and a new id twice
    const copyOfKept = `insert into EVENTS.PAGEVIEWS
      select * replace (timestamp '2999-01-01' as built_at) from EVENTS.PAGEVIEWS limit 1`;
    const twiceNew = `insert into EVENTS.PAGEVIEWS
      select p.* replace ('new-' || p.id as id, timestamp '2999-01-01' as built_at)
      from (select * from EVENTS.PAGEVIEWS limit 1) p, range(2)`;
    const withoutId = `insert into EVENTS.PAGEVIEWS
      select * replace (null as id, timestamp '2999-01-01' as built_at) from EVENTS.PAGEVIEWS limit 1`;
    for (const wrong of [copyOfKept, twiceNew, withoutId]) {
      await write(home, `delete from EVENTS.PAGEVIEWS where built_at = timestamp '2999-01-01'; ${wrong}`);
      const transform = await runPdi(['transform', '--home', home]);
      expect(transform.code).toBe(1);
      expect(transform.stdout).toMatch(/FAIL 1 primary_key_in_build_pageviews_id/);
    }
    await write(home, `delete from EVENTS.PAGEVIEWS where built_at = timestamp '2999-01-01'`);
    const clean = await runPdi(['transform', '--home', home]);
    expect(clean.code, clean.stdout.slice(-3000)).toBe(0);
  }, 300_000);

  it('fail when a row of STATS.OVERVIEW_1D has no timestamp, or shares one (primary_key)', async () => {
    const home = await tempHome('pdi-dbt-key-');
    await addObjects(home, keys);
    await loadAndTransform(home, true);
    const warehousePath = path.join(home, 'warehouse.duckdb');
    const targetPath = await tempHome('pdi-dbt-key-target-');
    // the table as a build leaves it, then a row that breaks its key; dbt's tests alone, no build to redo it
    const breaking = [
      'insert into STATS.OVERVIEW_1D select * from STATS.OVERVIEW_1D limit 1',
      'insert into STATS.OVERVIEW_1D select * replace (null as timestamp) from STATS.OVERVIEW_1D limit 1',
    ];
    for (const statement of ['', ...breaking]) {
      await write(
        home,
        `create or replace table STATS.OVERVIEW_1D as select distinct * from STATS.OVERVIEW_1D
        where timestamp is not null; ${statement}`,
      );
      const run = await runDbt(
        [
          'test',
          '--select',
          'overview_1d',
          '--exclude-resource-type',
          'unit_test',
          '--target-path',
          targetPath,
        ],
        { warehousePath },
      );
      if (statement === '') expect(run.code, run.output.slice(-3000)).toBe(0);
      else {
        expect(run.code).toBe(1);
        expect(run.output).toMatch(/FAIL 1 primary_key_overview_1d_timestamp/);
      }
    }
  }, 300_000);
});

describe('./pdi transform within a bounded spill', () => {
  it('fails at once, saying why, when a build needs more than its memory and --max-temp-size', async () => {
    const home = await tempHome('pdi-dbt-spill-');
    await addObjects(home, keys);
    const load = await runPdi(['load', '--home', home]);
    expect(load.code, load.stderr).toBe(0);
    // little memory and no room to spill: whether a build of this size spills first or runs out of memory
    // first depends on timing, so the memory shrinks until the build fails; it must fail saying why
    let squeezed: Awaited<ReturnType<typeof runPdi>> | undefined;
    for (const memory of ['80MB', '64MB', '56MB', '48MB', '40MB', '32MB']) {
      squeezed = await runPdi([
        'transform',
        '--home',
        home,
        '--full-refresh',
        '--memory-limit',
        memory,
        '--max-temp-size',
        '1KB',
      ]);
      if (squeezed.code !== 0) break;
    }
    expect(squeezed?.code).toBe(1);
    if (squeezed?.stdout.includes("'max_temp_directory_size'")) {
      expect(squeezed.stderr).toContain(
        'pdi transform: DuckDB spilled as much to disk as it may (--max-temp-size',
      );
    } else {
      expect(squeezed?.stdout).toContain('Out of Memory Error');
    }
    // with room, the same build completes
    const roomy = await runPdi(['transform', '--home', home, '--full-refresh']);
    expect(roomy.code, roomy.stdout.slice(-3000)).toBe(0);
  }, 300_000);
});
