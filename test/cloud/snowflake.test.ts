import { copyFile, mkdir, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { homeLayout } from '../../src/config/home.ts';
import { generateDataset } from '../../src/dataset/generator.ts';
import { listLakeObjects } from '../../src/stream/lake-reader.ts';
import { runDbtUnitTests } from '../support/dbt-unit-tests.ts';
import { type Fakesnow, startFakesnow } from '../support/fakesnow.ts';
import { runPdi, tempHome } from '../support/pdi.ts';

/**
 * The same lake objects loaded and transformed on DuckDB (embedded) and on Snowflake (the fakesnow stand-in):
 * every EVENTS and STATS table the same, row for row, after a first build, an incremental one and a full refresh.
 */

/** What each engine may differ in: when things were loaded and built. */
const RUN_COLUMNS = new Set(['log_timestamp', 'built_at', 'created_at']);

const TABLES = [
  'EVENTS.LOGS',
  'EVENTS.EVENTS',
  'EVENTS.PAGEVIEWS',
  'EVENTS.PRODUCT_ACTIONS',
  'EVENTS.PURCHASES',
  'EVENTS.USER_AGENTS',
  'EVENTS_LIVE.LOGS',
  'STATS.OVERVIEW_1H',
  'STATS.OVERVIEW_1D',
];

let fakesnow: Fakesnow;
let home: string;
let lakeSource: string;
let keys: string[];

async function sql(target: 'duckdb' | 'snowflake', query: string): Promise<Record<string, unknown>[]> {
  const result = await runPdi(['sql', '--home', home, '--target', target, '--json', query], fakesnow.env);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout);
}

async function both(args: string[]): Promise<void> {
  for (const target of ['duckdb', 'snowflake']) {
    const result = await runPdi([...args, '--home', home, '--target', target], fakesnow.env);
    expect(
      result.code,
      `${args.join(' ')} --target ${target}:\n${result.stdout.slice(-3000)}${result.stderr}`,
    ).toBe(0);
  }
}

async function addObjects(batch: string[], rename: (key: string) => string = (key) => key) {
  for (const key of batch) {
    const target = path.join(home, 'lake', rename(key));
    await mkdir(path.dirname(target), { recursive: true });
    await copyFile(path.join(lakeSource, 'lake', key), target);
  }
}

/**
 * A value as both engines can agree on it: JSON text parsed (VARIANT, DuckDB's JSON), maps as objects, object keys sorted,
 * timestamps to the millisecond, numbers to 9 digits (DuckDB's BIGINTs come as text in JSON), and NULLs left out of lists (the stand-in keeps them in
 * an ARRAY_AGG, which Snowflake does not: see docs/dbt.md).
 */
function canonical(value: unknown): unknown {
  if (typeof value === 'string') {
    if (/^[[{]/.test(value)) {
      try {
        return canonical(JSON.parse(value));
      } catch {
        return value;
      }
    }
    const time = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(\.\d+)?$/.exec(value);
    if (time) return `${time[1]}T${time[2]}${(time[3] ?? '.').padEnd(4, '0').slice(0, 4)}`;
    if (/^-?\d+(\.\d+)?$/.test(value)) return canonical(Number(value));
    return value;
  }
  if (typeof value === 'number') return Number(value.toPrecision(9));
  if (Array.isArray(value) && value.length > 0 && value.every(isMapEntry))
    return canonical(Object.fromEntries(value.map((entry) => [entry.key, entry.value])));
  if (Array.isArray(value)) return value.filter((v) => v !== null).map(canonical);
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    return Object.fromEntries(
      entries.sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, canonical(v)]),
    );
  }
  return value;
}

/** DuckDB's MAP comes as [{key, value}, …], Snowflake's OBJECT as {key: value, …}: the same pairs. */
function isMapEntry(value: unknown): value is { key: string; value: unknown } {
  return (
    value !== null &&
    typeof value === 'object' &&
    Object.keys(value).sort().join() === 'key,value' &&
    typeof (value as { key: unknown }).key === 'string'
  );
}

async function rowsOf(target: 'duckdb' | 'snowflake', table: string): Promise<string[]> {
  const rows = await sql(target, `select * from ${table}`);
  return rows
    .map((row) =>
      JSON.stringify(
        canonical(
          Object.fromEntries(
            Object.entries(row)
              .map(([name, value]) => [name.toLowerCase(), value] as const)
              .filter(([name]) => !RUN_COLUMNS.has(name)),
          ),
        ),
      ),
    )
    .sort();
}

async function expectSameTables(): Promise<void> {
  for (const table of TABLES) {
    const [duckdb, snowflake] = [await rowsOf('duckdb', table), await rowsOf('snowflake', table)];
    expect(duckdb.length, table).toBeGreaterThan(0);
    expect(
      snowflake.filter((row) => !duckdb.includes(row)).slice(0, 3),
      `${table}: only on Snowflake`,
    ).toEqual([]);
    expect(duckdb.filter((row) => !snowflake.includes(row)).slice(0, 3), `${table}: only on DuckDB`).toEqual(
      [],
    );
    expect(snowflake.length, table).toBe(duckdb.length);
  }
}

beforeAll(async () => {
  fakesnow = await startFakesnow();
  const dataset = await tempHome('pdi-sf-data-');
  await generateDataset({ outDir: dataset, sessions: 300, seed: 17, days: 3 });
  lakeSource = await tempHome('pdi-sf-lake-');
  const backfill = await runPdi(['backfill', '--home', lakeSource, '--dataset', dataset, '--shift', 'none']);
  expect(backfill.code, backfill.stderr).toBe(0);
  keys = await listLakeObjects(path.join(lakeSource, 'lake'), 'stream_data');
  home = await tempHome('pdi-sf-home-');
}, 300_000);

afterAll(() => fakesnow?.stop());

describe('the models on Snowflake (fakesnow) and on DuckDB', () => {
  const firstPart = () => keys.slice(0, Math.floor(keys.length * 0.7));
  const rest = () => keys.slice(firstPart().length);

  it('load the same RAW.LOGS rows, with the same LOG_IDs, exactly once', async () => {
    await addObjects(firstPart());
    await both(['load']);
    const again = await runPdi(['load', '--home', home, '--target', 'snowflake'], fakesnow.env);
    expect(again.stdout).toMatch(/^loaded 0 objects, 0 rows/);
    const ids = 'select LOG_ID, LOG_FILENAME, LOG_FILE_ROW_NUMBER, REQUEST_ID, CLIENT_ID from RAW.LOGS';
    const [duckdb, snowflake] = [await sql('duckdb', ids), await sql('snowflake', ids)];
    const key = (r: Record<string, unknown>) => JSON.stringify(canonical(r));
    expect(snowflake.length).toBeGreaterThan(1000);
    expect(snowflake.map(key).sort()).toEqual(duckdb.map(key).sort());
  }, 300_000);

  it('build the same tables', async () => {
    await both(['transform']);
    await expectSameTables();
  }, 600_000);

  it('build the same tables incrementally, with an object delivered twice', async () => {
    await addObjects(rest());
    // a redelivered object: the same records under another key (retries, a transaction sent twice)
    await addObjects(rest().slice(0, 2), (key) => key.replace(/\.gz$/, '-again.gz'));
    await both(['load']);
    await both(['transform']);
    await expectSameTables();
  }, 600_000);

  it('rebuild the same tables from scratch', async () => {
    await both(['transform', '--full-refresh']);
    await expectSameTables();
  }, 600_000);

  it("pass the dbt project's unit tests on Snowflake too", async () => {
    const run = await runDbtUnitTests({
      warehousePath: homeLayout(home).warehousePath,
      target: 'snowflake',
      env: fakesnow.env,
    });
    expect(run.code, run.output.slice(-4000)).toBe(0);
    expect(run.results.map((r) => r.name).sort()).toEqual(run.declared);
    expect(run.results.every((r) => r.status === 'pass')).toBe(true);
  }, 300_000);
});

describe('the models compiled for Snowflake', () => {
  /** Functions and syntax of DuckDB's own that Snowflake does not have. */
  const DUCKDB_ONLY =
    /\b(list_\w+|list|from_json|json_extract_string|to_minutes|to_milliseconds|arg_max|arg_min|try|unnest|map_\w+|struct_pack|regexp_matches)\s*\(|filter\s*\(\s*where|::json\b|\bnow\(\)|RAW\.UUID_V5|\blambda\b|count\(distinct \(|\[\]/i;

  it('use none of DuckDB’s own functions, in full refreshes and incremental runs', async () => {
    const { runDbt } = await import('../../src/warehouse/dbt/index.ts');
    for (const fullRefresh of [false, true]) {
      const targetPath = await tempHome('pdi-sf-compiled-');
      const result = await runDbt(
        ['compile', '--target-path', targetPath, ...(fullRefresh ? ['--full-refresh'] : [])],
        {
          warehousePath: path.join(home, 'warehouse.duckdb'),
          target: 'snowflake',
          env: { ...fakesnow.env, PDI_SNOWFLAKE_USER_AGENTS: 'udf' },
        },
      );
      expect(result.code, result.output.slice(-3000)).toBe(0);
      const compiled = (await readdir(path.join(targetPath, 'compiled'), { recursive: true })).filter(
        (file) => file.endsWith('.sql'),
      );
      expect(compiled.length).toBeGreaterThan(30);
      for (const file of compiled) {
        const sql = await readFile(path.join(targetPath, 'compiled', file), 'utf8');
        expect(sql.match(DUCKDB_ONLY)?.[0], file).toBeUndefined();
      }
    }
  }, 300_000);
});

describe('./pdi --target snowflake without its settings', () => {
  it('says which variable is missing, exit 1', async () => {
    const result = await runPdi(['sql', '--home', home, '--target', 'snowflake', 'select 1'], {
      ...fakesnow.env,
      SNOWFLAKE_USER: '',
    });
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toMatch(/^pdi: SNOWFLAKE_USER is not set/);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('refuses an unknown target, exit 2', async () => {
    const result = await runPdi(['transform', '--home', home], { PDI_TARGET: 'bigquery' });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/PDI_TARGET must be one of duckdb, snowflake/);
  });
});
