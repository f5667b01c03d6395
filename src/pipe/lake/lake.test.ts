import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { localLake } from './lake.ts';

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

describe('localLake', () => {
  it('lists the objects under a prefix in key order, with their sizes, but those it is told to skip', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'pdi-lake-'));
    dirs.push(dir);
    const hour = path.join(dir, 'stream_data', '2026', '12', '02', '18');
    await mkdir(hour, { recursive: true });
    await writeFile(path.join(hour, 'b.gz'), 'bb');
    await writeFile(path.join(hour, 'a.gz'), 'a');
    await writeFile(path.join(hour, 'c.gz'), 'ccc');
    await mkdir(path.join(dir, 'stream_errors'));
    await writeFile(path.join(dir, 'stream_errors', 'e.gz'), 'e');
    const lake = localLake(dir);
    const prefix = 'stream_data/2026/12/02/18/';
    expect(await lake.list('stream_data')).toEqual([
      { key: `${prefix}a.gz`, bytes: 1 },
      { key: `${prefix}b.gz`, bytes: 2 },
      { key: `${prefix}c.gz`, bytes: 3 },
    ]);
    expect(await lake.list('stream_data', (key) => key.endsWith('b.gz'))).toEqual([
      { key: `${prefix}a.gz`, bytes: 1 },
      { key: `${prefix}c.gz`, bytes: 3 },
    ]);
  });
});
