import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempHome } from '../../test/support/pdi.ts';
import { type GenerateSummary, generateDataset } from './generator.ts';
import { readBrowsing, readSearch, readSkuCatalog } from './reader.ts';
import { browsingStats, DATASET_TARGETS, type DatasetStats } from './stats.ts';

/** Within `tolerance` (relative) of the real dataset's figure. */
function near(actual: number, target: number, tolerance: number) {
  expect(Math.abs(actual - target) / target, `${actual} vs ${target}`).toBeLessThanOrEqual(tolerance);
}

describe('the synthetic dataset generator', () => {
  let dir: string;
  let summary: GenerateSummary;
  let stats: DatasetStats;

  beforeAll(async () => {
    dir = await tempHome('pdi-generate-');
    summary = await generateDataset({ outDir: dir, sessions: 60_000, seed: 11 });
    stats = await browsingStats(path.join(dir, 'browsing_train.csv'));
  });

  it('writes the number of sessions asked for, readable by the reader', () => {
    expect(stats.sessions).toBe(60_000);
    expect(stats.rows).toBe(summary.browsingRows);
  });

  it('has the real event mix', () => {
    const t = DATASET_TARGETS.eventMix;
    near(stats.eventMix.pageview, t.pageview, 0.02);
    near(stats.eventMix.detail, t.detail, 0.03);
    near(stats.eventMix.add, t.add, 0.08);
    near(stats.eventMix.remove, t.remove, 0.08);
    near(stats.eventMix.purchase, t.purchase, 0.1);
  });

  it('has the real session lengths and durations', () => {
    expect(stats.rowsPerSession).toEqual(DATASET_TARGETS.rowsPerSession);
    near(stats.sessionMinutes.p50, DATASET_TARGETS.sessionMinutes.p50, 0.08);
    near(stats.sessionMinutes.p90, DATASET_TARGETS.sessionMinutes.p90, 0.05);
  });

  it('has the real share of sessions with a detail, an add, a purchase', () => {
    near(stats.sessionsWith.detail, DATASET_TARGETS.sessionsWith.detail, 0.03);
    near(stats.sessionsWith.add, DATASET_TARGETS.sessionsWith.add, 0.06);
    near(stats.sessionsWith.purchase, DATASET_TARGETS.sessionsWith.purchase, 0.1);
  });

  it('has skewed SKU popularity and paired product pages', () => {
    near(stats.topTenthSkuShare, DATASET_TARGETS.topTenthSkuShare, 0.05);
    expect(stats.pairedDetailShare).toBeGreaterThan(0.85);
  });

  it('uses 64-hex hashes and the price buckets 1.0 … 10.0, half the catalog SKU-only', async () => {
    let checked = 0;
    for await (const row of readBrowsing(path.join(dir, 'browsing_train.csv'))) {
      expect(row.sessionIdHash).toMatch(/^[0-9a-f]{64}$/);
      expect(row.hashedUrl).toMatch(/^[0-9a-f]{64}$/);
      if (row.productSkuHash) expect(row.productSkuHash).toMatch(/^[0-9a-f]{64}$/);
      if (++checked > 5000) break;
    }
    const catalog = await readSkuCatalog(path.join(dir, 'sku_to_content.csv'));
    expect(catalog.size).toBe(summary.skus);
    const skuOnly = [...catalog.values()].filter((c) => c.priceBucket === null).length / catalog.size;
    near(skuOnly, 0.5, 0.1);
    for (const c of catalog.values()) if (c.priceBucket) expect(c.priceBucket).toMatch(/^(10|[1-9])\.0$/);
    let searches = 0;
    for await (const _ of readSearch(path.join(dir, 'search_train.csv'))) searches++;
    expect(searches).toBe(summary.searchRows);
  });

  it('is reproducible: the same seed gives the same files, another seed others', async () => {
    const digest = async (d: string) =>
      createHash('sha256')
        .update(await readFile(path.join(d, 'browsing_train.csv')))
        .update(await readFile(path.join(d, 'sku_to_content.csv')))
        .digest('hex');
    const [a, b, c] = await Promise.all(
      [1, 1, 2].map(async (seed) => {
        const out = await tempHome('pdi-generate-');
        await generateDataset({ outDir: out, sessions: 500, seed });
        return digest(out);
      }),
    );
    expect(a).toBe(b);
    expect(a).not.toBe(c);
  });
});
