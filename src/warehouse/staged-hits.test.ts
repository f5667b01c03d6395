import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { rowRanges, stageNewHits, unstageHits } from './staged-hits.ts';
import { Warehouse } from './warehouse.ts';

/**
 * dbt's relations reduced to their contract: RAW rows stamped by load, the last run's EVENTS.LOGS, the staged
 * hits since the last run (NEW_HITS) and their clients' rows of EVENTS.LOGS (KEPT_LOGS), and a "sessionizing"
 * that counts each client's hits, new and kept (LOGS_STAGING for every staged client, reading EVENTS.LOGS, as at
 * a run; LOGS_RESTAGING for those with hits newer than any staged, reading KEPT_LOGS, as after a load).
 */
async function warehouse(kept: [string, string][] = []): Promise<Warehouse> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'pdi-staged-'));
  const w = await Warehouse.open(path.join(dir, 'warehouse.duckdb'), { create: true });
  await w.run(`create schema EVENTS; create schema EVENTS_LIVE;
    create table RAW_HITS (log_id varchar, client_id varchar, log_timestamp timestamp);
    create table EVENTS.LOGS as select * from RAW_HITS;
    ${kept.map(([id, client]) => `insert into EVENTS.LOGS values ('${id}', '${client}', timestamp '2026-11-30 10:00:00');`).join('\n')}
    create table EVENTS_LIVE.NEW_HITS as select * from RAW_HITS;
    create view EVENTS_LIVE.UNSTAGED_HITS as select * from RAW_HITS
      where log_timestamp > (select coalesce(max(log_timestamp), timestamp '1970-01-01') from EVENTS_LIVE.NEW_HITS);
    create table EVENTS_LIVE.KEPT_LOGS as select * from EVENTS.LOGS
      where client_id in (select client_id from EVENTS_LIVE.NEW_HITS);
    create macro EVENTS_LIVE.sessionized(new_hits, kept_logs) as table
      select client_id, count(*)::int as hits, max(log_timestamp) as log_timestamp
      from (
        from query_table(new_hits)
        union all
        from query_table(kept_logs) where client_id in (select client_id from query_table(new_hits))
      )
      group by client_id;
    create view EVENTS_LIVE.LOGS_STAGING as from EVENTS_LIVE.sessionized('EVENTS_LIVE.NEW_HITS', 'EVENTS.LOGS');
    create table EVENTS_LIVE.LOGS_STAGED as select * from EVENTS_LIVE.LOGS_STAGING;
    create view EVENTS_LIVE.LOGS_RESTAGING as
      from EVENTS_LIVE.sessionized('EVENTS_LIVE.NEW_HITS', 'EVENTS_LIVE.KEPT_LOGS')
      where client_id in (select client_id from EVENTS_LIVE.NEW_HITS where log_timestamp >
        (select coalesce(max(log_timestamp), timestamp '1970-01-01') from EVENTS_LIVE.LOGS_STAGED))`);
  return w;
}

const load = (w: Warehouse, at: string, hits: [string, string][]) =>
  w.run(
    `insert into RAW_HITS values ${hits.map(([id, client]) => `('${id}', '${client}', timestamp '${at}')`).join(', ')}`,
  );
const staged = (w: Warehouse) =>
  w.query('select client_id, hits from EVENTS_LIVE.LOGS_STAGED order by client_id');

describe('stageNewHits', () => {
  it('does nothing before dbt built the tables, then restages the clients of each load', async () => {
    // before the first build: LOGS_STAGED does not exist yet; a and c have hits of the last run
    const w = await warehouse([
      ['k1', 'a'],
      ['k2', 'a'],
      ['k3', 'c'],
    ]);
    await w.run('drop table EVENTS_LIVE.LOGS_STAGED');
    expect(await w.withConnection(stageNewHits)).toBe(false);
    // as dbt builds them; a row of another client, which a load of others must leave alone
    await w.run(`create table EVENTS_LIVE.LOGS_STAGED as select * from EVENTS_LIVE.LOGS_STAGING;
      insert into EVENTS_LIVE.LOGS_STAGED values ('untouched', 99, timestamp '2026-12-01 09:00:00')`);
    await load(w, '2026-12-01 10:00:00', [
      ['a1', 'a'],
      ['b1', 'b'],
    ]);
    expect(await w.withConnection(stageNewHits)).toBe(true);
    expect(await staged(w)).toEqual([
      { client_id: 'a', hits: 3 },
      { client_id: 'b', hits: 1 },
      { client_id: 'untouched', hits: 99 },
    ]);
    // the next load: only its client is restaged, with all of its staged and kept hits (kept once)
    await load(w, '2026-12-01 10:00:01', [['a2', 'a']]);
    await w.withConnection(stageNewHits);
    expect(await staged(w)).toEqual([
      { client_id: 'a', hits: 4 },
      { client_id: 'b', hits: 1 },
      { client_id: 'untouched', hits: 99 },
    ]);
    expect(await w.query('select count(*)::int as n from EVENTS_LIVE.NEW_HITS')).toEqual([{ n: 3 }]);
    // nothing new: nothing changes
    await w.withConnection(stageNewHits);
    expect(await w.query('select count(*)::int as n from EVENTS_LIVE.NEW_HITS')).toEqual([{ n: 3 }]);
    // two loads staged at once (a build's catch-up): the clients of both
    await load(w, '2026-12-01 10:00:02', [['c1', 'c']]);
    await load(w, '2026-12-01 10:00:03', [['b2', 'b']]);
    await w.withConnection(stageNewHits);
    expect(await staged(w)).toEqual([
      { client_id: 'a', hits: 4 },
      { client_id: 'b', hits: 2 },
      { client_id: 'c', hits: 2 },
      { client_id: 'untouched', hits: 99 },
    ]);
    expect(await w.query('select log_id from EVENTS_LIVE.KEPT_LOGS order by log_id')).toEqual([
      { log_id: 'k1' },
      { log_id: 'k2' },
      { log_id: 'k3' },
    ]);
    await w.close();
  });

  it("keeps every EVENTS.LOGS row of a load's clients, wherever they are in the table, and no other", async () => {
    // 300 clients over 60,000 rows: some with hits all over the table, most in a stretch of it
    const w = await warehouse();
    await w.run(`insert into EVENTS.LOGS
      select 'k' || i, case when i % 7 = 0 then 'c' || (i % 300) else 'c' || (i // 200) end,
        timestamp '2026-11-30 10:00:00'
      from range(60000) t(i)`);
    const clients = Array.from({ length: 300 }, (_, i) => `c${i}`).filter((_, i) => i % 3 === 0);
    await load(
      w,
      '2026-12-01 10:00:00',
      clients.map((client, i) => [`n${i}`, client]),
    );
    await w.withConnection(stageNewHits);
    const expected = await w.query(
      `select log_id from EVENTS.LOGS where client_id in (${clients.map((c) => `'${c}'`).join(', ')}) order by log_id`,
    );
    expect(expected.length).toBeGreaterThan(5000);
    expect(await w.query('select log_id from EVENTS_LIVE.KEPT_LOGS order by log_id')).toEqual(expected);
    await w.close();
  });
  it('takes the staged rows of deleted raw rows out (a replay), and leaves a warehouse without them alone', async () => {
    const bare = await Warehouse.open(
      path.join(await mkdtemp(path.join(os.tmpdir(), 'pdi-staged-')), 'w.duckdb'),
      {
        create: true,
      },
    );
    await bare.withConnection((c) => unstageHits(c, "select 'x'"));
    await bare.close();
    const w = await warehouse();
    await load(w, '2026-12-01 10:00:00', [
      ['a1', 'a'],
      ['b1', 'b'],
    ]);
    await w.run('insert into EVENTS_LIVE.NEW_HITS select * from RAW_HITS');
    await w.withConnection((c) => unstageHits(c, "select log_id from RAW_HITS where client_id = 'a'"));
    expect(await w.query('select log_id from EVENTS_LIVE.NEW_HITS')).toEqual([{ log_id: 'b1' }]);
    await w.close();
  });
});

describe('rowRanges', () => {
  it('covers every row with ranges of rows less than a vector apart, at most as many as asked', () => {
    expect(rowRanges([])).toEqual([]);
    expect(rowRanges([5, 6, 2000, 5000, 5001])).toEqual([
      [5, 2000],
      [5000, 5001],
    ]);
    const rows = Array.from({ length: 1000 }, (_, i) => i * 3000);
    const few = rowRanges(rows, 10);
    expect(few.length).toBeLessThanOrEqual(10);
    expect(few[0]?.[0]).toBe(0);
    expect(few.at(-1)?.[1]).toBe(999 * 3000);
    for (const row of rows) expect(few.some(([first, last]) => first <= row && row <= last)).toBe(true);
  });
});
