import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { Warehouse } from './warehouse.ts';

async function warehouse(): Promise<Warehouse> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'pdi-warehouse-'));
  const w = await Warehouse.open(path.join(dir, 'warehouse.duckdb'), { create: true });
  await w.run('create table T (n integer); insert into T values (1)');
  return w;
}

describe('Warehouse.read', () => {
  it('reads what was committed while a write transaction is open, without waiting for it', async () => {
    const w = await warehouse();
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const writing = w.withConnection(async (c) => {
      await c.run('begin transaction');
      await c.run('insert into T values (2)');
      await held;
      await c.run('commit');
    });
    // the write holds the owner's connection; a read answers meanwhile, with the committed rows only
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await w.read('select count(*)::int as n from T')).toEqual([{ n: 1 }]);
    release();
    await writing;
    expect(await w.read('select count(*)::int as n from T')).toEqual([{ n: 2 }]);
    await w.close();
  });

  it('runs reads beside each other: a quick one does not wait for a long one', async () => {
    const w = await warehouse();
    const order: string[] = [];
    const long = w
      .read('select count(*) as n from range(300000000) t(i) where i % 7 = 3')
      .then(() => order.push('long'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    await w.read('select count(*) as n from T').then(() => order.push('quick'));
    await long;
    expect(order).toEqual(['quick', 'long']);
    await w.close();
  });
});

/** What another process (dbt) does to the copy: a table of its own, from what the copy holds. */
async function buildInAnotherInstance(copyPath: string): Promise<number> {
  const instance = await DuckDBInstance.create(copyPath);
  const c = await instance.connect();
  await c.run('create or replace table BUILT as select count(*)::int as n from T');
  c.closeSync();
  instance.closeSync();
  return 0;
}

describe('Warehouse.buildOnCopy', () => {
  const catchUp = async (c: import('@duckdb/node-api').DuckDBConnection, copy: string) => {
    await c.run(`insert into ${copy}.T select n from T where n not in (select n from ${copy}.T)`);
  };

  it('lets writes and reads go on during the build, then puts the copy, caught up, in the place of the original', async () => {
    const w = await warehouse();
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let copy = '';
    const building = w.buildOnCopy(
      async (copyPath) => {
        copy = copyPath;
        await held;
        return buildInAnotherInstance(copyPath);
      },
      { keep: (code) => code === 0, catchUp },
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(path.dirname(copy)).not.toBe(path.dirname(w.path));
    expect(path.basename(copy)).toBe(path.basename(w.path));
    // the original answers and takes writes while the copy is being built
    await w.run('insert into T values (2)');
    expect(await w.read('select count(*)::int as n from T')).toEqual([{ n: 2 }]);
    release();
    await building;
    // the build counted the one row of the copy; the row written meanwhile was brought in
    expect(await w.read('select n from BUILT')).toEqual([{ n: 1 }]);
    expect(await w.read('select n from T order by n')).toEqual([{ n: 1 }, { n: 2 }]);
    expect(await w.query('select count(*)::int as n from T')).toEqual([{ n: 2 }]);
    expect(existsSync(path.dirname(copy))).toBe(false);
    await w.close();
    // and it is what the file holds
    const reopened = await Warehouse.open(w.path);
    expect(await reopened.query('select (select n from BUILT) as built, count(*)::int as n from T')).toEqual([
      { built: 1, n: 2 },
    ]);
    await reopened.close();
  });

  it('leaves the original as it was when the build is not kept or fails', async () => {
    const w = await warehouse();
    const copies: string[] = [];
    const result = await w.buildOnCopy(
      async (copyPath) => {
        copies.push(copyPath);
        await buildInAnotherInstance(copyPath);
        return 2;
      },
      { keep: (code) => code === 0, catchUp },
    );
    expect(result).toBe(2);
    await expect(
      w.buildOnCopy(
        async (copyPath) => {
          copies.push(copyPath);
          throw new Error('dbt could not start');
        },
        { keep: () => true, catchUp },
      ),
    ).rejects.toThrow('dbt could not start');
    expect(await w.read("select count(*)::int as n from duckdb_tables() where table_name = 'BUILT'")).toEqual(
      [{ n: 0 }],
    );
    expect(await w.read('select count(*)::int as n from T')).toEqual([{ n: 1 }]);
    for (const copy of copies) expect(existsSync(path.dirname(copy))).toBe(false);
    await w.close();
  });

  it('runs beforeReads on the copy before any read sees it, and reports its failure once the copy is in place', async () => {
    const w = await warehouse();
    const seen: number[] = [];
    // a read in flight during the swap sees the original or the prepared copy, never the copy unprepared
    const reading = (async () => {
      for (let i = 0; i < 200; i++) {
        const [row] = await w.read(
          `select count(*)::int as n from duckdb_tables()
           where database_name = current_database() and table_name in ('BUILT', 'PREPARED')`,
        );
        seen.push(Number(row?.n));
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
    })();
    // run twice: on the copy alone, beside the writes, then in place for what they added (nothing, here)
    const preparedIn: string[] = [];
    await w.buildOnCopy(buildInAnotherInstance, {
      keep: () => true,
      catchUp,
      beforeReads: async (c) => {
        preparedIn.push(String((await c.runAndReadAll('select current_database()')).getRows()[0]?.[0]));
        await c.run('create table if not exists PREPARED as select 1 as n');
      },
    });
    await reading;
    expect(seen).toContain(2);
    expect(seen).not.toContain(1);
    // both times in the copy's own catalog, the one its views name
    expect(preparedIn).toEqual(['warehouse', 'warehouse']);
    await expect(
      w.buildOnCopy(buildInAnotherInstance, {
        keep: () => true,
        catchUp,
        beforeReads: (c) => c.run('insert into MISSING values (1)'),
      }),
    ).rejects.toThrow(/MISSING/);
    // the copy took the place of the original all the same: writes go to the file
    await w.run('insert into T values (4)');
    await w.close();
    const reopened = await Warehouse.open(w.path);
    expect(await reopened.query('select count(*)::int as n from T where n = 4')).toEqual([{ n: 1 }]);
    await reopened.close();
  });

  it('catches up beside the loads again while a round is long, so that the swap has little left to bring', async () => {
    const w = await warehouse();
    // the first round is slow, and a row is written meanwhile: a second round beside the loads brings it
    const rounds: number[] = [];
    await w.buildOnCopy(buildInAnotherInstance, {
      keep: () => true,
      catchUp: async (c, copy) => {
        await catchUp(c, copy);
        const [row] = (await c.runAndReadAll(`select count(*)::int as n from ${copy}.T`)).getRowObjects();
        rounds.push(Number(row?.n));
        if (rounds.length === 1) {
          await w.run('insert into T values (5)');
          await new Promise((resolve) => setTimeout(resolve, 1100));
        }
      },
    });
    // round 1 (slow): the original's one row; round 2: the row written during round 1; then the swap
    expect(rounds).toEqual([1, 2, 2]);
    expect(await w.read('select n from T order by n')).toEqual([{ n: 1 }, { n: 5 }]);
    await w.close();
  });

  it('keeps the original when catching up fails', async () => {
    const w = await warehouse();
    await expect(
      w.buildOnCopy(buildInAnotherInstance, {
        keep: () => true,
        catchUp: async (c, copy) => {
          await c.run(`insert into ${copy}.MISSING values (1)`);
        },
      }),
    ).rejects.toThrow(/MISSING/);
    expect(await w.read("select count(*)::int as n from duckdb_tables() where table_name = 'BUILT'")).toEqual(
      [{ n: 0 }],
    );
    await w.run('insert into T values (3)');
    expect(await w.read('select count(*)::int as n from T')).toEqual([{ n: 2 }]);
    await w.close();
  });
});

describe('Warehouse.open mergeRowGroups', () => {
  /** The row groups of T after ten small commits, each checkpointed, then a write elsewhere and a checkpoint. */
  async function rowGroupsAfterSmallCommits(mergeRowGroups: boolean | undefined): Promise<number> {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'pdi-warehouse-'));
    const w = await Warehouse.open(path.join(dir, 'warehouse.duckdb'), { create: true, mergeRowGroups });
    await w.run('create table T (n integer)');
    for (let i = 0; i < 10; i++) {
      await w.run(`insert into T select ${i * 1000} + n from range(1000) r(n); checkpoint`);
    }
    await w.run('create table OTHER as select 1 as n; checkpoint');
    const [row] = await w.query(
      "select count(distinct row_group_id)::int as n from pragma_storage_info('T')",
    );
    await w.close();
    return Number(row?.n);
  }

  it('leaves the small row groups of small commits unmerged when false (a build merges them later)', async () => {
    expect(await rowGroupsAfterSmallCommits(false)).toBe(10);
    expect(await rowGroupsAfterSmallCommits(undefined)).toBeLessThan(5);
  });
});
