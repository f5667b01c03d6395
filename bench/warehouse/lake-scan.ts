/**
 * What a cycle of the pipe costs before it loads anything, on a lake of `--objects` objects all loaded (a day
 * of `./pdi up` at 500 hits/s makes ~170k, two a second, 7,200 an hour): the whole lake listed and checked
 * against the whole load history (`./pdi load`), against the lake scanner of `up`, with the newest hour's
 * folder just written to, as it always is in `up`. Same run, same files:
 *
 *   node --import tsx bench/warehouse/lake-scan.ts [--objects 170000] [--cycles 5]
 */
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ensureRawSchema, lakeScanner, loadNewObjects } from '../../src/pipe/index.ts';
import { Warehouse } from '../../src/warehouse/index.ts';
import { describeMachine } from '../collect/machine.ts';

const { values } = parseArgs({
  options: { objects: { type: 'string', default: '170000' }, cycles: { type: 'string', default: '5' } },
});
const objects = Number(values.objects);
const cycles = Number(values.cycles);
const PER_HOUR = 7200;

const work = await mkdtemp(path.join(os.tmpdir(), 'pdi-bench-lake-scan-'));
try {
  const lake = path.join(work, 'lake');
  const keys: string[] = [];
  for (let i = 0; i < objects; i++) {
    const hour = Math.floor(i / PER_HOUR);
    const day = String(1 + Math.floor(hour / 24)).padStart(2, '0');
    const folder = `stream_data/2026/12/${day}/${String(hour % 24).padStart(2, '0')}`;
    if (i % PER_HOUR === 0) await mkdir(path.join(lake, folder), { recursive: true });
    const key = `${folder}/pdi-stream-1-2026-12-${day}-00-00-00-${String(i).padStart(8, '0')}.gz`;
    keys.push(key);
    await writeFile(path.join(lake, key), 'x');
  }
  const warehouse = await Warehouse.open(path.join(work, 'warehouse.duckdb'), { create: true });
  await ensureRawSchema(warehouse);
  await warehouse.withConnection(async (c) => {
    const appender = await c.createAppender('LOAD_HISTORY', 'RAW');
    for (const key of keys) {
      appender.appendVarchar(key);
      appender.appendBigInt(1n);
      appender.appendBigInt(1n);
      appender.appendBigInt(0n);
      appender.appendNull();
      appender.appendVarchar('LOADED');
      appender.endRow();
    }
    appender.flushSync();
    appender.closeSync();
  });
  const newestHour = path.join(lake, path.posix.dirname(keys.at(-1) as string));
  const scanner = lakeScanner(warehouse, lake);
  const started = performance.now();
  await loadNewObjects(warehouse, lake, { scanner });
  const firstScan = performance.now() - started;

  const timed = async (work: () => Promise<unknown>) => {
    const t = performance.now();
    await work();
    return performance.now() - t;
  };
  const whole: number[] = [];
  const scanned: number[] = [];
  for (let i = 0; i < cycles; i++) {
    whole.push(await timed(() => loadNewObjects(warehouse, lake)));
    await utimes(newestHour, new Date(), new Date());
    scanned.push(await timed(() => loadNewObjects(warehouse, lake, { scanner })));
  }
  await warehouse.close();
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
  const result = {
    machine: describeMachine(),
    command: `node --import tsx bench/warehouse/lake-scan.ts --objects ${objects} --cycles ${cycles}`,
    objects,
    wholeListingMs: Math.round(median(whole)),
    scannerMs: Math.round(median(scanned)),
    scannerFirstPassMs: Math.round(firstScan),
  };
  console.log(JSON.stringify(result, null, 2));
  console.log(
    `a cycle with nothing new, ${objects} objects: whole listing ${result.wholeListingMs} ms, scanner ${result.scannerMs} ms ` +
      `(${(result.wholeListingMs / result.scannerMs).toFixed(0)}x less; its first pass ${result.scannerFirstPassMs} ms)`,
  );
} finally {
  await rm(work, { recursive: true, force: true });
}
