import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { refreshStagedHits } from './staged-hits.ts';
import { Warehouse } from './warehouse.ts';

describe('refreshStagedHits', () => {
  it('does nothing before the table is built, then makes it again from its view', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'pdi-staged-'));
    const w = await Warehouse.open(path.join(dir, 'warehouse.duckdb'), { create: true });
    await w.run(`create schema EVENTS_LIVE;
      create table HITS (n integer);
      create view EVENTS_LIVE.LOGS_STAGING as select n, n * 2 as twice from HITS`);
    expect(await w.withConnection(refreshStagedHits)).toBe(false);
    expect(
      await w.query("select count(*)::int as n from duckdb_tables() where table_name = 'LOGS_STAGED'"),
    ).toEqual([{ n: 0 }]);
    // as dbt builds it
    await w.run('create table EVENTS_LIVE.LOGS_STAGED as select * from EVENTS_LIVE.LOGS_STAGING');
    await w.run('insert into HITS values (1), (2)');
    expect(await w.query('select count(*)::int as n from EVENTS_LIVE.LOGS_STAGED')).toEqual([{ n: 0 }]);
    expect(await w.withConnection(refreshStagedHits)).toBe(true);
    expect(await w.query('select n, twice from EVENTS_LIVE.LOGS_STAGED order by n')).toEqual([
      { n: 1, twice: 2 },
      { n: 2, twice: 4 },
    ]);
    await w.close();
  });
});
