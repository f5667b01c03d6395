import { stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempHome } from '../../test/support/pdi.ts';
import {
  DatasetError,
  locateDataset,
  readBrowsing,
  readSearch,
  readSkuCatalog,
  splitLines,
} from './reader.ts';

/** The real sample files, when present: read, never copied (their licence forbids it). */
const SAMPLE_DIR = path.resolve(import.meta.dirname, '../../../shared/data/coveo-sample');
const sample = (name: string) => path.join(SAMPLE_DIR, name);
const hasSample = await import('node:fs').then((fs) => fs.existsSync(sample('browsing_train_sample.csv')));

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

async function tempFile(name: string, text: string): Promise<string> {
  const dir = await tempHome('pdi-dataset-');
  const file = path.join(dir, name);
  await writeFile(file, text);
  return file;
}

const HEADER =
  'session_id_hash,event_type,product_action,product_sku_hash,server_timestamp_epoch_ms,hashed_url\n';

describe.runIf(hasSample)('the reader, on the real sample files', () => {
  it('reads browsing_train: 34 rows, 2 sessions, 24 pageviews and 10 details', async () => {
    const rows = await collect(readBrowsing(sample('browsing_train_sample.csv')));
    expect(rows).toHaveLength(34);
    expect(new Set(rows.map((r) => r.sessionIdHash)).size).toBe(2);
    expect(rows.filter((r) => r.eventType === 'pageview')).toHaveLength(24);
    expect(rows.filter((r) => r.productAction === 'detail')).toHaveLength(10);
    expect(rows[0]).toMatchObject({
      sessionIdHash: '20c458b802f6ea9374783bfc528b19421be977a6769785ec2b357915dd6fda84',
      eventType: 'event_product',
      productAction: 'detail',
      productSkuHash: 'd5157f8bc52965390fa21ad5842a8502bc3eb8b0930f3f8eafbc503f4012f69c',
      timestampMs: 1550885210881,
      line: 2,
    });
    expect(rows[2]).toMatchObject({ eventType: 'pageview', productAction: null, productSkuHash: null });
  });

  it('reads sku_to_content: 4 SKUs, 2 of them SKU-only', async () => {
    const catalog = await readSkuCatalog(sample('sku_to_content_sample.csv'));
    expect(catalog.size).toBe(4);
    expect(catalog.get('a2c3e2430c6ef9770b903ad08fa067a6b2b9db28f06e1bc303547cbdb166c433')).toMatchObject({
      priceBucket: '7.0',
    });
    expect([...catalog.values()].filter((c) => c.priceBucket === null)).toHaveLength(2);
  });

  it('reads search_train: 10 rows', async () => {
    const rows = await collect(readSearch(sample('search_train_sample.csv')));
    expect(rows).toHaveLength(10);
    expect(rows.every((r) => r.clickedSkusHash === null)).toBe(true);
    expect(rows.filter((r) => r.productSkusHash === null)).toHaveLength(3);
  });
});

describe('the reader, on malformed files', () => {
  const cases: [string, string, RegExp][] = [
    ['a wrong header', 'a,b,c\n', /browsing_train\.csv:1: unexpected header/],
    ['a missing column', `${HEADER}s1,pageview,,,1550885210881\n`, /:2: expected 6 columns, found 5/],
    ['an unknown event type', `${HEADER}s1,click,,,1550885210881,u\n`, /:2: event_type "click"/],
    [
      'an unknown product action',
      `${HEADER}s1,pageview,,,1,u\ns1,event_product,buy,k,1,u\n`,
      /:3: product_action "buy"/,
    ],
    ['a bad timestamp', `${HEADER}s1,pageview,,,12:00,u\n`, /:2: server_timestamp_epoch_ms "12:00"/],
    ['an unclosed quote', `${HEADER}s1,pageview,,,1,u\n"s2,pageview,,,1,u\n`, /browsing_train\.csv:\d+: /],
    ['an empty file', '', /empty file/],
  ];
  for (const [name, text, message] of cases) {
    it(`names the file and line of ${name}`, async () => {
      const file = await tempFile('browsing_train.csv', text);
      await expect(collect(readBrowsing(file))).rejects.toThrow(message);
      await expect(collect(readBrowsing(file))).rejects.toBeInstanceOf(DatasetError);
    });
  }

  it('says which file is missing from a dataset folder', async () => {
    const dir = await tempHome('pdi-dataset-');
    await expect(locateDataset(dir)).rejects.toThrow(/browsing_train\.csv: missing/);
  });

  it('refuses a price bucket outside 1.0 … 10.0', async () => {
    const file = await tempFile(
      'sku_to_content.csv',
      'product_sku_hash,description_vector,category_hash,image_vector,price_bucket\nk,,c,,11.0\n',
    );
    await expect(readSkuCatalog(file)).rejects.toThrow(/:2: price_bucket "11.0"/);
  });
});

describe('splitLines', () => {
  it('shares a file out in ranges of whole lines whose readers give every row once, with its line number', async () => {
    const rows = Array.from(
      { length: 500 },
      (_, i) =>
        `s${i % 37},pageview,,,${1550885210881 + i},${'u'.repeat(1 + (i % 50))}${i % 9 === 0 ? '\r' : ''}\n`,
    );
    // a blank line and a last line without its newline, as files in the wild have
    const file = await tempFile(
      'browsing_train.csv',
      `${HEADER}${rows.slice(0, 200).join('')}\n${rows.slice(200).join('').trimEnd()}`,
    );
    const whole = await collect(readBrowsing(file));
    for (const parts of [1, 2, 3, 7, 1000]) {
      const ranges = await splitLines(file, parts);
      expect(ranges[0]?.start).toBe(0);
      expect(ranges.at(-1)?.end).toBe((await stat(file)).size);
      for (const [i, range] of ranges.entries()) {
        if (i > 0) expect(range.start).toBe(ranges[i - 1]?.end);
      }
      const shared = (await Promise.all(ranges.map((range) => collect(readBrowsing(file, range))))).flat();
      expect(shared, `${parts} parts`).toEqual(whole);
    }
    expect(whole).toHaveLength(500);
    expect(whole.at(-1)?.line).toBe(502);
  });
});
