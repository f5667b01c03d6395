import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
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

  it('waits while another process has the file, and reads again once it is back', async () => {
    const w = await warehouse();
    const order: string[] = [];
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const away = w.exclusive(async () => {
      order.push('away');
      await held;
      order.push('back');
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const reading = w.read('select count(*)::int as n from T').then((rows) => {
      order.push('read');
      return rows;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(order).toEqual(['away']);
    release();
    expect(await reading).toEqual([{ n: 1 }]);
    await away;
    expect(order).toEqual(['away', 'back', 'read']);
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
