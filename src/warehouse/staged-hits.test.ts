import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { stageNewHits, unstageHits } from './staged-hits.ts';
import { Warehouse } from './warehouse.ts';

/**
 * dbt's relations reduced to their contract: RAW rows stamped by load, the staged hits since the last run
 * (NEW_HITS), and a "sessionizing" that counts each client's hits (LOGS_STAGING for every staged client,
 * LOGS_RESTAGING for those with hits newer than any staged).
 */
async function warehouse(): Promise<Warehouse> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'pdi-staged-'));
  const w = await Warehouse.open(path.join(dir, 'warehouse.duckdb'), { create: true });
  await w.run(`create schema EVENTS_LIVE;
    create table RAW_HITS (log_id varchar, client_id varchar, log_timestamp timestamp);
    create table EVENTS_LIVE.NEW_HITS as select * from RAW_HITS;
    create view EVENTS_LIVE.UNSTAGED_HITS as select * from RAW_HITS
      where log_timestamp > (select coalesce(max(log_timestamp), timestamp '1970-01-01') from EVENTS_LIVE.NEW_HITS);
    create view EVENTS_LIVE.LOGS_STAGING as
      select client_id, count(*)::int as hits, max(log_timestamp) as log_timestamp
      from EVENTS_LIVE.NEW_HITS group by client_id;
    create table EVENTS_LIVE.LOGS_STAGED as select * from EVENTS_LIVE.LOGS_STAGING;
    create view EVENTS_LIVE.LOGS_RESTAGING as select * from EVENTS_LIVE.LOGS_STAGING
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
    // before the first build: LOGS_STAGED does not exist yet
    const w = await warehouse();
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
      { client_id: 'a', hits: 1 },
      { client_id: 'b', hits: 1 },
      { client_id: 'untouched', hits: 99 },
    ]);
    // the next load: only its client is restaged, with all of its staged hits
    await load(w, '2026-12-01 10:00:01', [['a2', 'a']]);
    await w.withConnection(stageNewHits);
    expect(await staged(w)).toEqual([
      { client_id: 'a', hits: 2 },
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
      { client_id: 'a', hits: 2 },
      { client_id: 'b', hits: 2 },
      { client_id: 'c', hits: 1 },
      { client_id: 'untouched', hits: 99 },
    ]);
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
