import { mkdir, mkdtemp, rename, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LakeScanner } from './lake-scanner.ts';

const HOUR_3 = 'stream_data/2026/12/03/03';
const HOUR_4 = 'stream_data/2026/12/03/04';

async function lakeWith(keys: string[]): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'pdi-scanner-'));
  for (const key of keys) await put(dir, key);
  return dir;
}

/** Writes an object as the stream does: a dot file, renamed into place. */
async function put(dir: string, key: string): Promise<void> {
  const file = path.join(dir, key);
  await mkdir(path.dirname(file), { recursive: true });
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.tmp`);
  await writeFile(temporary, `content of ${key}`);
  await rename(temporary, file);
}

/** Makes a folder look as if it was last written to a minute ago (a folder settles a second after its last change). */
async function age(dir: string, folder: string): Promise<void> {
  const then = new Date(Date.now() - 60_000);
  await utimes(path.join(dir, folder), then, then);
}

/** A scanner whose load history starts as `history`, counting the folders it asks about; `load` loads objects. */
function scannerOf(dir: string, history: string[] = []) {
  const asked: string[] = [];
  const scanner = new LakeScanner(dir, async (folder) => {
    asked.push(folder);
    return history.filter((key) => key.startsWith(`${folder}/`));
  });
  const load = (keys: string[]) => {
    history.push(...keys);
    scanner.loaded(keys);
  };
  return { scanner, asked, load };
}

describe('LakeScanner', () => {
  it('lists the objects the load history does not hold, in key order, with their sizes, not the dot files', async () => {
    const dir = await lakeWith([`${HOUR_4}/b.gz`, `${HOUR_3}/a.gz`, `${HOUR_3}/c.gz`, `${HOUR_4}/a.gz`]);
    await writeFile(path.join(dir, HOUR_4, '.in-flight.gz'), 'x');
    const { scanner, asked } = scannerOf(dir, [`${HOUR_3}/c.gz`]);
    const listed = await scanner.listNew('stream_data');
    expect(listed.map((o) => o.key)).toEqual([`${HOUR_3}/a.gz`, `${HOUR_4}/a.gz`, `${HOUR_4}/b.gz`]);
    expect(listed[0]?.bytes).toBe(`content of ${HOUR_3}/a.gz`.length);
    // the history is asked about the folders that hold objects only, not about stream_data or a day
    expect(asked.sort()).toEqual([HOUR_3, HOUR_4]);
  });

  it('lists nothing for a lake not made yet', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'pdi-scanner-'));
    expect(await scannerOf(dir).scanner.listNew('stream_data')).toEqual([]);
  });

  it('leaves out what it is told is loaded, and reads the history of a folder once', async () => {
    const dir = await lakeWith([`${HOUR_3}/a.gz`, `${HOUR_3}/b.gz`]);
    const { scanner, asked, load } = scannerOf(dir);
    expect((await scanner.listNew('stream_data')).map((o) => o.key)).toEqual([
      `${HOUR_3}/a.gz`,
      `${HOUR_3}/b.gz`,
    ]);
    load([`${HOUR_3}/a.gz`]);
    await put(dir, `${HOUR_3}/c.gz`);
    expect((await scanner.listNew('stream_data')).map((o) => o.key)).toEqual([
      `${HOUR_3}/b.gz`,
      `${HOUR_3}/c.gz`,
    ]);
    expect(asked.filter((folder) => folder === HOUR_3)).toHaveLength(1);
  });

  it('finds an object written into a folder whose objects were all loaded, and only it', async () => {
    const dir = await lakeWith([`${HOUR_3}/a.gz`, `${HOUR_4}/a.gz`]);
    const { scanner, asked, load } = scannerOf(dir);
    await scanner.listNew('stream_data');
    load([`${HOUR_3}/a.gz`, `${HOUR_4}/a.gz`]);
    await age(dir, HOUR_3);
    await age(dir, HOUR_4);
    // the pass that finds every object loaded settles both folders
    expect(await scanner.listNew('stream_data')).toEqual([]);
    await put(dir, `${HOUR_3}/b.gz`);
    expect((await scanner.listNew('stream_data')).map((o) => o.key)).toEqual([`${HOUR_3}/b.gz`]);
    // a settled folder's history is read again when it changes: this one holds a.gz, loaded before
    expect(asked.filter((folder) => folder === HOUR_3)).toHaveLength(2);
    expect(asked.filter((folder) => folder === HOUR_4)).toHaveLength(1);
  });

  it('does not settle a folder changed within the last second (a file time is coarse)', async () => {
    const dir = await lakeWith([`${HOUR_3}/a.gz`]);
    const { scanner } = scannerOf(dir, [`${HOUR_3}/a.gz`]);
    expect(await scanner.listNew('stream_data')).toEqual([]);
    // written without changing the folder's mtime as the scanner saw it: found since the folder is not settled
    const mtime = new Date(Date.now());
    await put(dir, `${HOUR_3}/b.gz`);
    await utimes(path.join(dir, HOUR_3), mtime, mtime);
    expect((await scanner.listNew('stream_data')).map((o) => o.key)).toEqual([`${HOUR_3}/b.gz`]);
  });

  it('finds objects in a folder made after it was settled, at any depth', async () => {
    const dir = await lakeWith([`${HOUR_3}/a.gz`]);
    const { scanner } = scannerOf(dir, [`${HOUR_3}/a.gz`]);
    await age(dir, HOUR_3);
    expect(await scanner.listNew('stream_data')).toEqual([]);
    await put(dir, `${HOUR_4}/a.gz`);
    await put(dir, 'stream_data/other/deep/x.gz');
    expect((await scanner.listNew('stream_data')).map((o) => o.key)).toEqual([
      `${HOUR_4}/a.gz`,
      'stream_data/other/deep/x.gz',
    ]);
  });
});
