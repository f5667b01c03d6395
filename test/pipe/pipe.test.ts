import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { uuidV5 } from '../../src/contract/uuid.ts';
import { copyNewLoads, LOG_ID_NAMESPACE, lakeScanner, loadNewObjects } from '../../src/pipe/index.ts';
import { publishLakeObject } from '../../src/stream/index.ts';
import { Warehouse } from '../../src/warehouse/index.ts';
import { PDI, runPdi, tempHome } from '../support/pdi.ts';

function record(i: number, overrides: Record<string, unknown> = {}) {
  return {
    service: { id: '  API.Collect ' },
    context: {
      user_ip: '203.0.113.7',
      user_agent: `Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${100 + (i % 3)}.0 Safari/537.36`,
      document_location: 'https://shop.example/',
      document_referrer: null,
      client_id: ` Client-${i % 7} `,
      user_id: null,
    },
    request: {
      id: `0192F1D2-0000-7000-8000-${String(i).padStart(12, '0')}`,
      timestamp: 1_795_500_000_000 + i * 1000,
      hostname: 'shop.example',
      path: '/collect',
      method: 'POST',
      headers: {},
      body: { t: 'pageview', cid: `client-${i % 7}`, z: String(i) },
    },
    response: {
      id: `0192f1d2-0000-7000-8000-${String(i).padStart(12, '0')}`,
      timestamp: 1_795_500_000_005 + i * 1000,
      statusCode: 200,
      headers: {},
    },
    ...overrides,
  };
}

async function lakeWith(objects: Record<string, string>): Promise<string> {
  const home = await tempHome('pdi-pipe-');
  for (const [key, text] of Object.entries(objects))
    await publishLakeObject(path.join(home, 'lake'), key, text);
  return home;
}

const lines = (from: number, count: number) =>
  Array.from({ length: count }, (_, k) => `${JSON.stringify(record(from + k))}\n`).join('');

async function sql<T = Record<string, string>>(home: string, query: string): Promise<T[]> {
  const result = await runPdi(['sql', '--home', home, '--json', query]);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as T[];
}

const KEY_A = 'stream_data/2026/11/24/10/pdi-collect-1-2026-11-24-10-00-00-a.gz';
const KEY_B = 'stream_data/2026/11/24/11/pdi-collect-1-2026-11-24-11-00-00-b.gz';

describe('./pdi load', () => {
  it('maps every column as spec §2 says, with LOG_ID = uuid5(<key>:<row>)', async () => {
    const home = await lakeWith({ [KEY_A]: lines(0, 3) });
    const result = await runPdi(['load', '--home', home]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^loaded 1 objects, 3 rows, 0 damaged lines/);
    const rows = await sql(
      home,
      `select * exclude (DATA, LOG_TIMESTAMP, REQUEST_TIMESTAMP, RESPONSE_TIMESTAMP),
        epoch_ms(REQUEST_TIMESTAMP) as REQUEST_MS, epoch_ms(RESPONSE_TIMESTAMP) as RESPONSE_MS,
        json_extract_string(DATA, '$.request.body.z') as z
       from RAW.LOGS order by LOG_FILE_ROW_NUMBER`,
    );
    expect(rows).toHaveLength(3);
    rows.forEach((row, i) => {
      expect(row).toEqual({
        SERVICE_ID: 'api.collect',
        REQUEST_ID: `0192f1d2-0000-7000-8000-${String(i).padStart(12, '0')}`,
        REQUEST_MS: String(1_795_500_000_000 + i * 1000),
        RESPONSE_ID: `0192f1d2-0000-7000-8000-${String(i).padStart(12, '0')}`,
        RESPONSE_MS: String(1_795_500_000_005 + i * 1000),
        CLIENT_ID: `client-${i % 7}`,
        LOG_ID: uuidV5(`${KEY_A}:${i + 1}`, LOG_ID_NAMESPACE),
        LOG_FILENAME: KEY_A,
        LOG_FILE_ROW_NUMBER: String(i + 1),
        z: String(i),
      });
    });
    const [history] = await sql(home, 'select * exclude (LOADED_AT) from RAW.LOAD_HISTORY');
    expect(history).toMatchObject({ FILE_NAME: KEY_A, ROW_COUNT: '3', ERROR_COUNT: '0', STATUS: 'LOADED' });
    const agents = await sql(
      home,
      'select USER_AGENT, BROWSER_NAME, BROWSER_MAJOR, OS_NAME from RAW.USER_AGENT_LOOKUP order by 1',
    );
    expect(agents).toHaveLength(3);
    expect(agents[0]).toMatchObject({ BROWSER_NAME: 'Chrome', BROWSER_MAJOR: '100', OS_NAME: 'Windows' });
  });

  it('loads each object once, however often it runs', async () => {
    const home = await lakeWith({ [KEY_A]: lines(0, 50), [KEY_B]: lines(50, 20) });
    for (let run = 0; run < 3; run++) expect((await runPdi(['load', '--home', home])).code).toBe(0);
    const [counts] = await sql(
      home,
      'select count(*) n, count(distinct LOG_ID) ids, (select count(*) from RAW.LOAD_HISTORY) objects from RAW.LOGS',
    );
    expect(counts).toEqual({ n: '70', ids: '70', objects: '2' });
  });

  it('loads exactly once with two pipes at the same time', async () => {
    const objects: Record<string, string> = {};
    for (let k = 0; k < 12; k++) objects[`stream_data/2026/11/24/12/o-${k}.gz`] = lines(k * 100, 100);
    const home = await lakeWith(objects);
    const [first, second] = await Promise.all([
      runPdi(['load', '--home', home]),
      runPdi(['load', '--home', home]),
    ]);
    expect(first.code, first.stderr).toBe(0);
    expect(second.code, second.stderr).toBe(0);
    const [counts] = await sql(home, 'select count(*) n, count(distinct LOG_ID) ids from RAW.LOGS');
    expect(counts).toEqual({ n: '1200', ids: '1200' });
  });

  it('loads exactly once after a pipe is killed with SIGKILL mid-load', async () => {
    const objects: Record<string, string> = {};
    for (let k = 0; k < 40; k++)
      objects[`stream_data/2026/11/24/13/o-${String(k).padStart(2, '0')}.gz`] = lines(k * 10_000, 10_000);
    const home = await lakeWith(objects);
    const child = spawn(PDI, ['load', '--home', home], { stdio: 'ignore' });
    const exited = new Promise((r) => child.once('exit', (_code, signal) => r(signal)));
    // the load has begun once the warehouse exists; 400,000 lines keep it busy for seconds after that
    while (!existsSync(path.join(home, 'warehouse.duckdb'))) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 1000));
    child.kill('SIGKILL');
    // killed, not finished: the load was under way
    expect(await exited).toBe('SIGKILL');
    expect((await runPdi(['load', '--home', home])).code).toBe(0);
    const [counts] = await sql(
      home,
      'select count(*) n, count(distinct LOG_ID) ids, (select count(*) from RAW.LOAD_HISTORY) objects from RAW.LOGS',
    );
    expect(counts).toEqual({ n: '400000', ids: '400000', objects: '40' });
  });

  it('keeps loading an object around its damaged lines, and says where they are', async () => {
    const good = lines(0, 2);
    const damaged = `${good}{"not json\n${JSON.stringify(record(3, { request: { timestamp: 1 } }))}\n${lines(4, 1)}`;
    const truncatedKey = 'stream_data/2026/11/24/14/truncated.gz';
    const afterKey = 'stream_data/2026/11/24/15/after.gz';
    const home = await lakeWith({
      [KEY_A]: damaged,
      'stream_data/2026/11/24/14/empty.gz': '',
      [afterKey]: lines(300, 5),
    });
    // a truncated gzip: its first complete lines still load
    const full = gzipSync(lines(10, 200));
    await writeFile(path.join(home, 'lake', truncatedKey), full.subarray(0, Math.floor(full.length / 2)));
    const result = await runPdi(['load', '--home', home]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('(see RAW.LOAD_ERRORS)');
    const errors = await sql(
      home,
      `select FILE_NAME, LINE_NUMBER, REASON from RAW.LOAD_ERRORS order by FILE_NAME, LINE_NUMBER`,
    );
    expect(errors.filter((e) => e.FILE_NAME === KEY_A)).toEqual([
      { FILE_NAME: KEY_A, LINE_NUMBER: '3', REASON: 'invalid JSON' },
      { FILE_NAME: KEY_A, LINE_NUMBER: '4', REASON: 'missing request.id' },
    ]);
    const truncated = errors.filter((e) => e.FILE_NAME === truncatedKey);
    expect(truncated.at(-1)?.REASON).toMatch(/damaged gzip/);
    const [counts] = await sql(
      home,
      `select count(*) filter (where LOG_FILENAME = '${KEY_A}') a, count(*) filter (where LOG_FILENAME = '${truncatedKey}') t from RAW.LOGS`,
    );
    expect(counts?.a).toBe('3');
    expect(Number(counts?.t)).toBeGreaterThan(10);
    expect(Number(counts?.t)).toBeLessThan(200);
    // every object's rows are numbered 1, 2, 3… in it, the truncated one's (read again in Node) included
    const numbering = await sql(
      home,
      `select LOG_FILENAME f, count(*) n, count(distinct LOG_FILE_ROW_NUMBER) d, min(LOG_FILE_ROW_NUMBER) lo,
         max(LOG_FILE_ROW_NUMBER) hi from RAW.LOGS group by 1 order by 1`,
    );
    expect(numbering.map((r) => [r.f, r.n === r.d, r.lo, r.hi === r.n])).toEqual([
      [KEY_A, true, '1', false],
      [truncatedKey, true, '1', true],
      [afterKey, true, '1', true],
    ]);
    // the cut line after the complete ones, then the damage, after the last line read
    const t = Number(counts?.t);
    expect(truncated.map((e) => [e.LINE_NUMBER, e.REASON?.slice(0, 12)])).toEqual([
      [String(t + 1), 'invalid JSON'],
      [String(t + 2), 'damaged gzip'],
    ]);
    const history = await sql(home, 'select FILE_NAME, STATUS from RAW.LOAD_HISTORY order by 1');
    expect(history.map((h) => h.STATUS)).toEqual([
      'PARTIALLY_LOADED',
      'LOADED',
      'PARTIALLY_LOADED',
      'LOADED',
    ]);
  });

  it('loads the objects all the same when the live views cannot be staged, and says so with exit code 1', async () => {
    const home = await lakeWith({ [KEY_A]: lines(0, 3) });
    // staged-hits tables whose views are gone (a damaged build): the objects load, and the command says why not them
    const w = await Warehouse.open(path.join(home, 'warehouse.duckdb'), { create: true });
    await w.run(`create schema EVENTS_LIVE;
      create table EVENTS_LIVE.NEW_HITS (client_id varchar, log_timestamp timestamp);
      create table EVENTS_LIVE.KEPT_LOGS (client_id varchar);
      create table EVENTS_LIVE.LOGS_STAGED (client_id varchar)`);
    await w.close();
    const failed = await runPdi(['load', '--home', home]);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(/^loaded 1 objects, 3 rows/);
    expect(failed.stderr).toMatch(
      /NEW_HITS, KEPT_LOGS, LOGS_STAGED\) could not be brought up to date: .*UNSTAGED_HITS/,
    );
    expect(await sql(home, 'select count(*)::int as n from RAW.LOGS')).toEqual([{ n: 3 }]);
    // loaded once: nothing is left to load, nor to stage
    const again = await runPdi(['load', '--home', home]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/^loaded 0 objects/);
  });

  it('says clearly when the lake is missing', async () => {
    const home = await tempHome();
    const result = await runPdi(['load', '--home', home]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/no lake at .*: collect or backfill some hits first/);
  });
});

describe('a build on a copy of the warehouse (./pdi up)', () => {
  it('brings into the copy what was loaded meanwhile, each object once, damaged lines and user agents too', async () => {
    const home = await lakeWith({ [KEY_A]: lines(0, 30) });
    const lake = path.join(home, 'lake');
    const warehouse = await Warehouse.open(path.join(home, 'warehouse.duckdb'), { create: true });
    await loadNewObjects(warehouse, lake);
    const KEY_C = 'stream_data/2026/11/24/12/c.gz';
    await warehouse.buildOnCopy(
      async () => {
        // while dbt builds the copy, the pipe loads two more objects into the original, one of them damaged
        await publishLakeObject(lake, KEY_B, lines(30, 20));
        await publishLakeObject(lake, KEY_C, `${lines(50, 2)}{"not json\n`);
        await loadNewObjects(warehouse, lake);
        return 0;
      },
      { keep: () => true, catchUp: copyNewLoads },
    );
    const [counts] = await warehouse.query(
      `select count(*)::int as n, count(distinct LOG_ID)::int as ids,
        (select count(*)::int from RAW.LOAD_HISTORY) as objects,
        (select count(*)::int from RAW.LOAD_ERRORS) as errors,
        (select count(*)::int from RAW.USER_AGENT_LOOKUP) as user_agents
       from RAW.LOGS`,
    );
    expect(counts).toEqual({ n: 52, ids: 52, objects: 3, errors: 1, user_agents: 3 });
    // nothing is loaded twice afterwards
    expect((await loadNewObjects(warehouse, lake)).objects).toBe(0);
    await warehouse.close();
  });
});

describe('the pipe of ./pdi up, with a lake scanner', () => {
  it('lists only what the load history lacks, from a restart on, and loads each object once', async () => {
    const home = await lakeWith({ [KEY_A]: lines(0, 3) });
    const lake = path.join(home, 'lake');
    const warehouse = await Warehouse.open(path.join(home, 'warehouse.duckdb'), { create: true });
    expect((await loadNewObjects(warehouse, lake)).objects).toBe(1);
    // a runtime started on a warehouse that holds KEY_A: its scanner reads that from the history
    const scanner = lakeScanner(warehouse, lake);
    expect(await scanner.listNew('stream_data')).toEqual([]);
    await publishLakeObject(lake, KEY_B, lines(3, 2));
    const KEY_A2 = KEY_A.replace('-a.gz', '-a2.gz');
    await publishLakeObject(lake, KEY_A2, lines(5, 4));
    expect((await scanner.listNew('stream_data')).map((o) => o.key)).toEqual([KEY_A2, KEY_B]);
    const loaded = await loadNewObjects(warehouse, lake, { scanner });
    expect({ objects: loaded.objects, rows: loaded.rows }).toEqual({ objects: 2, rows: 6 });
    expect(await scanner.listNew('stream_data')).toEqual([]);
    expect((await loadNewObjects(warehouse, lake, { scanner })).objects).toBe(0);
    const [counts] = await warehouse.query(
      'select count(*)::int as n, count(distinct LOG_ID)::int as ids, (select count(*)::int from RAW.LOAD_HISTORY) as objects from RAW.LOGS',
    );
    expect(counts).toEqual({ n: 9, ids: 9, objects: 3 });
    await warehouse.close();
  });
});

describe('./pdi replay', () => {
  it('rebuilds RAW.LOGS identical to the first load, all of it or a time range', async () => {
    const home = await lakeWith({ [KEY_A]: lines(0, 30), [KEY_B]: lines(30, 30) });
    expect((await runPdi(['load', '--home', home])).code).toBe(0);
    const snapshot = () => sql(home, 'select * exclude (LOG_TIMESTAMP) from RAW.LOGS order by LOG_ID');
    const before = await snapshot();
    const all = await runPdi(['replay', '--home', home]);
    expect(all.code, all.stderr).toBe(0);
    expect(all.stdout).toMatch(/^replayed 2 objects, 60 rows/);
    expect(await snapshot()).toEqual(before);
    const hour = await runPdi([
      'replay',
      '--home',
      home,
      '--from',
      '2026-11-24T11:00Z',
      '--to',
      '2026-11-24T12:00Z',
    ]);
    expect(hour.stdout).toMatch(/^replayed 1 objects, 30 rows/);
    expect(await snapshot()).toEqual(before);
    const bad = await runPdi(['replay', '--home', home, '--from', 'yesterday']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('is not an ISO date');
  });
});

describe('./pdi sql', () => {
  it('prints one JSON array on stdout, refuses writes, and explains a missing warehouse', async () => {
    const home = await lakeWith({ [KEY_A]: lines(0, 2) });
    const missing = await runPdi(['sql', '--home', home, 'select 1']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no warehouse at');
    await runPdi(['load', '--home', home]);
    const json = await runPdi([
      'sql',
      '--home',
      home,
      '--json',
      'select LOG_FILE_ROW_NUMBER as n from RAW.LOGS order by 1',
    ]);
    expect(JSON.parse(json.stdout)).toEqual([{ n: '1' }, { n: '2' }]);
    expect(json.stdout.trim().split('\n')).toHaveLength(1);
    const table = await runPdi(['sql', '--home', home, 'select count(*) as n from RAW.LOGS']);
    expect(table.stdout).toContain('(1 row)');
    const write = await runPdi(['sql', '--home', home, 'delete from RAW.LOGS']);
    expect(write.code).toBe(2);
    const wrong = await runPdi(['sql', '--home', home, 'select nope from RAW.LOGS']);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('nope');
    expect(await readFile(path.join(home, 'warehouse.duckdb')).then((b) => b.length)).toBeGreaterThan(0);
  });
});
