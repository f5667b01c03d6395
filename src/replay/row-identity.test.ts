import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tempHome } from '../../test/support/pdi.ts';
import { BROWSING_COLUMNS, type BrowsingEvent } from '../dataset/format.ts';
import { generateDataset } from '../dataset/generator.ts';
import { readBrowsing, splitLines } from '../dataset/reader.ts';
import { RowIdentifier, rowIdentity, transactionIdOf } from './row-identity.ts';

type Row = [session: number, offsetMs: number, kind: number, sku: number, url: number];
const KINDS = [
  ['pageview', ''],
  ['event_product', 'detail'],
  ['event_product', 'add'],
  ['event_product', 'purchase'],
] as const;

/** CSV lines of rows: few sessions, times, SKUs and URLs, so that identical rows are common. */
function csvLine([session, offsetMs, kind, sku, url]: Row): string {
  const [type, action] = KINDS[kind] as readonly [string, string];
  return [
    `s${session}`,
    type,
    action,
    action ? `sku${sku}` : '',
    String(1_550_000_000_000 + offsetMs),
    `u${url}`,
  ].join(',');
}

const rowsArbitrary = fc.array(
  fc.tuple(
    fc.integer({ min: 0, max: 5 }),
    fc.integer({ min: 0, max: 6 }),
    fc.integer({ min: 0, max: 3 }),
    fc.integer({ min: 0, max: 1 }),
    fc.integer({ min: 0, max: 1 }),
  ),
  { minLength: 1, maxLength: 120 },
);

async function writeCsv(dir: string, name: string, lines: string[]): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, `${BROWSING_COLUMNS.join(',')}\n${lines.map((l) => `${l}\n`).join('')}`);
  return file;
}

/** The `z` of every row of a file (or of a range of it), read by one identifier, in file order. */
async function idsOf(file: string, range?: Awaited<ReturnType<typeof splitLines>>[number]) {
  const identifier = new RowIdentifier();
  const ids: { row: BrowsingEvent; z: string }[] = [];
  for await (const row of readBrowsing(file, range)) ids.push({ row, z: identifier.identify(row).z });
  return ids;
}

const sorted = (ids: { z: string }[]) => ids.map((id) => id.z).sort();

describe('row identity', () => {
  it('is a function of what a row says: the same for the same row, different for different rows', () => {
    const row = {
      sessionIdHash: 'abc',
      timestampMs: 1_550_000_000_000,
      eventType: 'event_product' as const,
      productAction: 'add' as const,
      productSkuHash: 'sku',
      hashedUrl: 'url',
    };
    const id = rowIdentity(row);
    expect(rowIdentity({ ...row }).z).toBe(id.z);
    const changes = [
      { sessionIdHash: 'abd' },
      { timestampMs: row.timestampMs + 1 },
      { productAction: 'remove' as const },
      { productSkuHash: 'sku2' },
      { hashedUrl: 'url2' },
      { eventType: 'pageview' as const, productAction: null, productSkuHash: null },
    ];
    for (const change of changes)
      expect(rowIdentity({ ...row, ...change }).z, JSON.stringify(change)).not.toBe(id.z);
    expect(rowIdentity(row, 1).z).not.toBe(id.z);
    expect(transactionIdOf(id)).not.toBe(id.z);
    expect(id.z).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('does not depend on the file, the split into parts, the first N rows or the order the rows come in', async () => {
    const dir = await tempHome('pdi-row-ids-');
    let run = 0;
    await fc.assert(
      fc.asyncProperty(rowsArbitrary, fc.integer({ min: 2, max: 6 }), async (rows, parts) => {
        run++;
        // sorted by session, then time, as the Coveo file is
        const lines = [...rows].sort((a, b) => a[0] - b[0] || a[1] - b[1]).map(csvLine);
        const file = await writeCsv(dir, `whole-${run}.csv`, lines);
        const whole = await idsOf(file);
        // two different rows never share a z; identical rows are numbered apart
        expect(new Set(whole.map((id) => id.z)).size).toBe(lines.length);

        // shared out among readers, as the backfill's workers share a file
        const ranges = await splitLines(file, parts);
        const shared = (await Promise.all(ranges.map((range) => idsOf(file, range)))).flat();
        expect(shared.map((id) => id.z)).toEqual(whole.map((id) => id.z));

        // the first N rows (`--limit`): the same ids as in the whole file
        const limit = Math.ceil(lines.length / 2);
        const first = await idsOf(await writeCsv(dir, `first-${run}.csv`, lines.slice(0, limit)));
        expect(first.map((id) => id.z)).toEqual(whole.slice(0, limit).map((id) => id.z));

        // cut by time into files (sessions run across the cuts): the same ids, file by file
        const cut = 1_550_000_000_000 + 3;
        const before = lines.filter((line) => Number(line.split(',')[4]) < cut);
        const after = lines.filter((line) => Number(line.split(',')[4]) >= cut);
        const byFile = [
          ...(await idsOf(await writeCsv(dir, `day1-${run}.csv`, before))),
          ...(await idsOf(await writeCsv(dir, `day2-${run}.csv`, after))),
        ];
        expect(sorted(byFile)).toEqual(sorted(whole));

        // sorted by time instead (sessions interleaved), or in reverse: the same ids
        const byTime = [...lines].sort((a, b) => Number(a.split(',')[4]) - Number(b.split(',')[4]));
        const timeFile = await writeCsv(dir, `time-${run}.csv`, byTime);
        expect(sorted(await idsOf(timeFile))).toEqual(sorted(whole));
        const timeRanges = await splitLines(timeFile, parts);
        const timeShared = (await Promise.all(timeRanges.map((range) => idsOf(timeFile, range)))).flat();
        expect(sorted(timeShared)).toEqual(sorted(whole));
        const reversed = [...lines].reverse();
        expect(sorted(await idsOf(await writeCsv(dir, `rev-${run}.csv`, reversed)))).toEqual(sorted(whole));
      }),
      { numRuns: 60 },
    );
  });

  it('gives distinct rows of a generated 1M-row dataset distinct z', async () => {
    const dir = await tempHome('pdi-row-ids-1m-');
    const summary = await generateDataset({ outDir: dir, sessions: 130_000, seed: 11 });
    expect(summary.browsingRows).toBeGreaterThanOrEqual(1_000_000);
    const identifier = new RowIdentifier();
    const seen = new Set<string>();
    let rows = 0;
    for await (const row of readBrowsing(path.join(dir, 'browsing_train.csv'))) {
      seen.add(identifier.identify(row).z);
      rows++;
    }
    expect(rows).toBe(summary.browsingRows);
    expect(seen.size).toBe(rows);
  }, 180_000);
});
