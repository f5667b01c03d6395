import { constants } from 'node:fs';
import { copyFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { listLakeObjects, readLakeRecords } from '../lake-reader.ts';
import { StreamUnavailableError } from '../types.ts';
import {
  fileSegmentIo,
  intactPrefix,
  LocalStream,
  type LocalStreamOptions,
  type SegmentIo,
} from './local-stream.ts';

const homes: string[] = [];
afterAll(() => Promise.all(homes.map((home) => rm(home, { recursive: true, force: true }))));

async function setup(overrides: Partial<LocalStreamOptions> = {}) {
  const home = await mkdtemp(path.join(os.tmpdir(), 'pdi-stream-'));
  homes.push(home);
  const options: LocalStreamOptions = {
    lakeDir: path.join(home, 'lake'),
    walDir: path.join(home, 'wal'),
    prefix: 'stream_data',
    ...overrides,
  };
  return { home, options, stream: await LocalStream.open<{ n: number }>(options) };
}

async function records(lakeDir: string) {
  const out: { key: string; n: number }[] = [];
  for await (const { key, record } of readLakeRecords(lakeDir, 'stream_data'))
    out.push({ key, n: (record as { n: number }).n });
  return out;
}

const countingIo = () => {
  const calls = { writes: 0, segments: [] as boolean[] };
  const io: SegmentIo = {
    create(file, durable) {
      calls.segments.push(durable);
      return fileSegmentIo.create(file, durable);
    },
    write(file, data, position) {
      calls.writes++;
      return fileSegmentIo.write(file, data, position);
    },
  };
  return { io, calls };
};

/** The flags a file descriptor of this process was opened with (Linux). */
async function openFlags(fd: number): Promise<number> {
  const info = await readFile(`/proc/self/fdinfo/${fd}`, 'utf8');
  return Number.parseInt(/^flags:\s+([0-7]+)$/m.exec(info)?.[1] ?? 'x', 8);
}

describe('LocalStream', () => {
  it('acknowledges a put once it is in the log, and publishes it as a gzip NDJSON object on close', async () => {
    const { options, stream } = await setup();
    await stream.put([{ n: 1 }, { n: 2 }]);
    const wal = (await readdir(options.walDir)).filter((f) => f.endsWith('.ndjson'));
    expect(wal).toHaveLength(1);
    expect(await readFile(path.join(options.walDir, wal[0] as string), 'utf8')).toBe('{"n":1}\n{"n":2}\n');
    await stream.close();
    expect(await records(options.lakeDir)).toMatchObject([{ n: 1 }, { n: 2 }]);
    expect((await readdir(options.walDir)).filter((f) => f.endsWith('.ndjson'))).toEqual([]);
  });

  it('publishes a segment larger than a read chunk whole, and tells its records and sizes', async () => {
    const published: { key: string; records: number; bytes: number; compressedBytes: number }[] = [];
    const { options, stream } = await setup({
      observer: {
        onObject: ({ key, records, bytes, compressedBytes }) =>
          published.push({ key, records, bytes, compressedBytes }),
      },
    });
    // about 200 KB: the segment is read back in several chunks to be compressed
    const many = Array.from(
      { length: 2000 },
      (_, n) => ({ n, pad: 'x'.repeat(90) }) as unknown as { n: number },
    );
    for (let i = 0; i < many.length; i += 100) await stream.put(many.slice(i, i + 100));
    await stream.close();
    const text = many.map((r) => `${JSON.stringify(r)}\n`).join('');
    expect(published).toHaveLength(1);
    const [object] = published;
    const file = await readFile(path.join(options.lakeDir, object?.key as string));
    expect(gunzipSync(file).toString('utf8')).toBe(text);
    expect(object).toMatchObject({
      records: 2000,
      bytes: Buffer.byteLength(text),
      compressedBytes: file.length,
    });
  });

  it('names objects as Firehose does, under the UTC hour of their first record', async () => {
    const { options, stream } = await setup({ now: () => Date.UTC(2026, 10, 24, 23, 59, 58) });
    await stream.put([{ n: 1 }]);
    await stream.close();
    const [key] = await listLakeObjects(options.lakeDir, 'stream_data');
    expect(key).toMatch(
      /^stream_data\/2026\/11\/24\/23\/pdi-collect-1-2026-11-24-23-59-58-[0-9a-f]{32}\.gz$/,
    );
  });

  it('shares one durable write among the puts that wait together', async () => {
    const { io, calls } = countingIo();
    const { options, stream } = await setup({ io });
    await Promise.all(Array.from({ length: 500 }, (_, n) => stream.put([{ n }])));
    expect(calls.writes).toBeGreaterThan(0);
    expect(calls.writes).toBeLessThan(50);
    expect(calls.segments).toEqual([true]);
    await stream.close();
    expect((await records(options.lakeDir)).map((r) => r.n).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 500 }, (_, n) => n),
    );
  });

  it("writes without waiting for the disk in 'write' durability", async () => {
    const { io, calls } = countingIo();
    const { stream } = await setup({ io, durability: 'write' });
    await stream.put([{ n: 1 }]);
    expect(calls.segments).toEqual([false]);
    await stream.close();
  });

  it.runIf(process.platform === 'linux')(
    'opens a durable segment O_DSYNC, so that a write returns once on disk',
    async () => {
      const { home } = await setup();
      for (const durable of [true, false]) {
        const file = await fileSegmentIo.create(path.join(home, `segment-${durable}`), durable);
        try {
          expect((await openFlags(file.fd)) & constants.O_DSYNC).toBe(durable ? constants.O_DSYNC : 0);
        } finally {
          await file.close();
        }
      }
    },
  );

  it('rolls objects by size and by age, keeping every record once and in order', async () => {
    const { options, stream } = await setup({ maxObjectBytes: 200, maxObjectAgeMs: 100 });
    for (let n = 0; n < 60; n++) await stream.put([{ n }]);
    await new Promise((r) => setTimeout(r, 400));
    const keys = await listLakeObjects(options.lakeDir, 'stream_data');
    expect(keys.length).toBeGreaterThanOrEqual(3);
    await stream.put([{ n: 60 }]);
    await new Promise((r) => setTimeout(r, 400));
    expect((await listLakeObjects(options.lakeDir, 'stream_data')).length).toBe(keys.length + 1);
    await stream.close();
    const all = await records(options.lakeDir);
    expect(all.map((r) => r.n).sort((a, b) => a - b)).toEqual(Array.from({ length: 61 }, (_, n) => n));
  });

  it('publishes what is written when asked, long before the age roll, while puts keep coming', async () => {
    const { options, stream } = await setup({ maxObjectAgeMs: 60_000 });
    // the numbers in the lake, sorted (objects of the same second are listed in no particular order)
    const published = async () => (await records(options.lakeDir)).map((r) => r.n).sort((a, b) => a - b);
    const upTo = (count: number) => Array.from({ length: count }, (_, i) => i);
    await stream.put([{ n: 0 }, { n: 1 }]);
    await stream.publishNow();
    expect(await published()).toEqual([0, 1]);
    // asked in the middle of a stream of puts: what was acknowledged before it is published when it resolves
    let acknowledged = 1;
    const putting = (async () => {
      for (let n = 2; n < 200; n++) {
        await stream.put([{ n }]);
        acknowledged = n;
      }
    })();
    await new Promise((r) => setTimeout(r, 5));
    const askedAfter = acknowledged;
    await stream.publishNow();
    const first = await published();
    expect(first.length).toBeGreaterThan(askedAfter);
    expect(first).toEqual(upTo(first.length));
    await putting;
    // nothing written stays out of the lake, nothing is published twice
    await stream.publishNow();
    expect(await published()).toEqual(upTo(200));
    await stream.close();
  });

  it('never shows a half-written object under the prefix', async () => {
    const { options, stream } = await setup({ maxObjectBytes: 4096 });
    let done = false;
    const watcher = (async () => {
      let checked = 0;
      while (!done) {
        for (const key of await listLakeObjects(options.lakeDir, 'stream_data')) {
          const text = gunzipSync(await readFile(path.join(options.lakeDir, key))).toString();
          expect(text.endsWith('\n')).toBe(true);
          checked++;
        }
        await new Promise((r) => setImmediate(r));
      }
      return checked;
    })();
    for (let n = 0; n < 2000; n++) await stream.put([{ n, pad: 'x'.repeat(50) } as unknown as { n: number }]);
    await stream.close();
    done = true;
    expect(await watcher).toBeGreaterThan(0);
  });

  it('publishes on open what a previous run left in the log, cutting a torn last record', async () => {
    const { options } = await setup();
    const stream = await LocalStream.open<{ n: number }>({ ...options, walDir: `${options.walDir}-crashed` });
    await stream.put([{ n: 1 }, { n: 2 }]);
    // simulate kill -9: no close; the last write was torn halfway
    const segment = (await readdir(`${options.walDir}-crashed`)).find((f) => f.endsWith('.ndjson')) as string;
    await writeFile(path.join(`${options.walDir}-crashed`, segment), '{"n":1}\n{"n":2}\n{"n":3,"pa', {
      flag: 'w',
    });
    await writeFile(path.join(`${options.walDir}-crashed`, 'LOCK'), '999999');
    const reopened = await LocalStream.open<{ n: number }>({
      ...options,
      walDir: `${options.walDir}-crashed`,
    });
    await reopened.close();
    expect((await records(options.lakeDir)).map((r) => r.n)).toEqual([1, 2]);
  });

  it('does not publish a segment twice when the crash came after its object was published', async () => {
    const { options } = await setup();
    const walDir = `${options.walDir}-twice`;
    const first = await LocalStream.open<{ n: number }>({ ...options, walDir });
    await first.put([{ n: 7 }]);
    const segment = (await readdir(walDir)).find((f) => f.endsWith('.ndjson')) as string;
    await copyFile(path.join(walDir, segment), path.join(options.lakeDir, '..', `${segment}.bak`));
    await first.close();
    // the object is there; put the segment back as if the crash came before its deletion
    await copyFile(path.join(options.lakeDir, '..', `${segment}.bak`), path.join(walDir, segment));
    const second = await LocalStream.open<{ n: number }>({ ...options, walDir });
    await second.close();
    expect((await records(options.lakeDir)).map((r) => r.n)).toEqual([7]);
    expect((await readdir(walDir)).filter((f) => f.endsWith('.ndjson'))).toEqual([]);
  });

  it('refuses a second writer on the same log while the first is alive', async () => {
    const { options, stream } = await setup();
    await expect(LocalStream.open(options)).rejects.toThrow(/another collector is using .* \(pid \d+\)/);
    await stream.close();
    const again = await LocalStream.open(options);
    await again.close();
  });

  it('answers a full disk with disk_full, keeps no half record, and recovers when space is back', async () => {
    let full = false;
    const io: SegmentIo = {
      create: fileSegmentIo.create,
      async write(file, data, position) {
        if (full) {
          await file.write(data, 0, Math.floor(data.length / 2), position);
          throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
        }
        await fileSegmentIo.write(file, data, position);
      },
    };
    const { options, stream } = await setup({ io });
    await stream.put([{ n: 1 }]);
    full = true;
    const error = await stream.put([{ n: 2 }]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StreamUnavailableError);
    expect(error).toMatchObject({ reason: 'disk_full', retryAfterSeconds: 30 });
    full = false;
    await stream.put([{ n: 3 }]);
    await stream.close();
    expect((await records(options.lakeDir)).map((r) => r.n)).toEqual([1, 3]);
  });

  it('refuses puts beyond the pending limit instead of growing memory', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const io: SegmentIo = {
      create: fileSegmentIo.create,
      async write(file, data, position) {
        await gate;
        await fileSegmentIo.write(file, data, position);
      },
    };
    const { stream } = await setup({ io, maxPendingBytes: 4096 });
    const accepted: Promise<void>[] = [];
    let refused: unknown = null;
    for (let n = 0; n < 5000 && !refused; n++) {
      const put = stream.put([{ n }]);
      accepted.push(put);
      await Promise.race([put, new Promise((r) => setImmediate(r))]).catch((e: unknown) => {
        refused = e;
      });
    }
    expect(refused).toMatchObject({ reason: 'overloaded' });
    release();
    await Promise.allSettled(accepted);
    await stream.close();
  });

  it('refuses puts after close', async () => {
    const { stream } = await setup();
    await stream.close();
    await expect(stream.put([{ n: 1 }])).rejects.toMatchObject({ reason: 'closed' });
  });

  it('keeps the stream_errors prefix apart', async () => {
    const { options, stream } = await setup({ prefix: 'stream_errors' });
    await stream.put([{ n: 1 }]);
    await stream.close();
    expect(await listLakeObjects(options.lakeDir, 'stream_errors')).toHaveLength(1);
    expect(await listLakeObjects(options.lakeDir, 'stream_data')).toHaveLength(0);
  });
});

describe('intactPrefix', () => {
  it('keeps complete, parseable lines only', () => {
    expect(intactPrefix(Buffer.from('{"a":1}\n{"b":2}\n')).toString()).toBe('{"a":1}\n{"b":2}\n');
    expect(intactPrefix(Buffer.from('{"a":1}\n{"b":')).toString()).toBe('{"a":1}\n');
    expect(intactPrefix(Buffer.from('{"a":1}\n{"b":\n')).toString()).toBe('{"a":1}\n');
    expect(intactPrefix(Buffer.from('{"a"')).toString()).toBe('');
  });
});
