import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { CsvWriter } from './csv-writer.ts';
import {
  BROWSING_COLUMNS,
  BROWSING_FILE,
  SEARCH_COLUMNS,
  SEARCH_FILE,
  SKU_COLUMNS,
  SKU_FILE,
} from './format.ts';
import { Popularity } from './popularity.ts';
import { type Random, seededRandom } from './random.ts';
import { drawSession } from './session-model.ts';

export interface GenerateOptions {
  outDir: string;
  sessions: number;
  seed: number;
  /** First session start (default 2019-01-01, in the real dataset's season). */
  startMs?: number;
  /** Days the sessions spread over (default: about 40,000 sessions a day, at least one day). */
  days?: number;
  onProgress?: (sessionsDone: number) => void;
}

export interface GenerateSummary {
  sessions: number;
  browsingRows: number;
  skus: number;
  searchRows: number;
  firstTimestampMs: number;
  lastTimestampMs: number;
}

/** At the real dataset's scale: 4.9M sessions over 66k SKUs. */
export const FULL_SCALE = { sessions: 4_934_699, skus: 66_000 };
const DEFAULT_START_MS = Date.UTC(2019, 0, 1);
const SESSIONS_PER_DAY = 40_000;
const SEARCH_SESSION_SHARE = 0.08;
const VECTOR_SIZE = 50;

/** Fewer SKUs for smaller datasets, so that each is still seen often enough to be popular or not. */
export function skuCountFor(sessions: number): number {
  return Math.min(
    FULL_SCALE.skus,
    Math.max(200, Math.round(FULL_SCALE.skus * Math.sqrt(sessions / FULL_SCALE.sessions))),
  );
}

const hash = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * Writes browsing_train.csv, sku_to_content.csv and search_train.csv in the real dataset's format:
 * seeded (the same seed gives the same files), streaming (bounded memory at any size).
 */
export async function generateDataset(options: GenerateOptions): Promise<GenerateSummary> {
  const { outDir, sessions, seed } = options;
  if (!Number.isInteger(sessions) || sessions < 1)
    throw new RangeError('sessions must be a positive integer');
  await mkdir(outDir, { recursive: true });
  const random = seededRandom(seed);
  const skuCount = skuCountFor(sessions);
  const skus = Array.from({ length: skuCount }, (_, i) => hash(`sku:${seed}:${i}`));
  const productUrls = Array.from({ length: skuCount }, (_, i) => hash(`url:product:${seed}:${i}`));
  const pageCount = skuCount * 2;
  const pageUrls = Array.from({ length: pageCount }, (_, i) => hash(`url:page:${seed}:${i}`));
  const skuPopularity = new Popularity(skuCount);
  const pagePopularity = new Popularity(pageCount, 0.7);

  await writeCatalog(path.join(outDir, SKU_FILE), skus, random);

  const browsing = new CsvWriter(path.join(outDir, BROWSING_FILE), BROWSING_COLUMNS);
  const search = new CsvWriter(path.join(outDir, SEARCH_FILE), SEARCH_COLUMNS);
  const startMs = options.startMs ?? DEFAULT_START_MS;
  const spanMs = (options.days ?? Math.max(1, sessions / SESSIONS_PER_DAY)) * 86_400_000;
  const summary: GenerateSummary = {
    sessions,
    browsingRows: 0,
    skus: skuCount,
    searchRows: 0,
    firstTimestampMs: Number.POSITIVE_INFINITY,
    lastTimestampMs: 0,
  };

  let sessionStart = startMs;
  for (let s = 0; s < sessions; s++) {
    // exponential spacing: starts in order, uniformly spread over the span
    sessionStart += Math.round((-Math.log(1 - random.next()) * spanMs) / sessions);
    const session = hash(`session:${seed}:${s}`);
    const rows = drawSession(random, skuPopularity, pagePopularity);
    for (const row of rows) {
      const timestamp = sessionStart + row.offsetMs;
      const url = row.sku !== null ? productUrls[row.sku] : pageUrls[row.page ?? 0];
      const line =
        row.action === null
          ? `${session},pageview,,,${timestamp},${url}\n`
          : `${session},event_product,${row.action},${skus[row.sku ?? 0]},${timestamp},${url}\n`;
      await browsing.write(line);
      summary.lastTimestampMs = Math.max(summary.lastTimestampMs, timestamp);
    }
    summary.firstTimestampMs = Math.min(summary.firstTimestampMs, sessionStart);
    summary.browsingRows += rows.length;
    if (random.chance(SEARCH_SESSION_SHARE)) {
      const searches = 1 + random.poisson(0.5);
      for (let q = 0; q < searches; q++) {
        const at = sessionStart + (rows[random.int(rows.length)]?.offsetMs ?? 0);
        const shown = random.chance(0.7)
          ? pyList(
              Array.from({ length: 1 + random.int(12) }, () => skus[skuPopularity.draw(random)] as string),
            )
          : '';
        await search.write(`${session},"${vector(random, 0.15)}",,${csvQuote(shown)},${at}\n`);
        summary.searchRows++;
      }
    }
    if (s % 10_000 === 0) options.onProgress?.(s);
  }
  await Promise.all([browsing.end(), search.end()]);
  options.onProgress?.(sessions);
  return summary;
}

async function writeCatalog(file: string, skus: string[], random: Random): Promise<void> {
  const categories = Array.from({ length: 12 }, (_, i) => hash(`category:${i}`));
  const writer = new CsvWriter(file, SKU_COLUMNS);
  for (const [i, sku] of skus.entries()) {
    // about half the rows of the real file carry only the SKU
    if (random.chance(0.5)) {
      await writer.write(`${sku},,,,\n`);
      continue;
    }
    const top = categories[i % categories.length];
    const category = `${top}/${hash(`${top}/${i % 7}`)}/${hash(`${top}/${i % 7}/${i % 5}`)}`;
    await writer.write(
      `${sku},"${vector(random, 0.15)}",${category},"${vector(random, 90)}",${1 + random.int(10)}.0\n`,
    );
  }
  await writer.end();
}

function vector(random: Random, scale: number): string {
  return `[${Array.from({ length: VECTOR_SIZE }, () => ((random.next() * 2 - 1) * scale).toString()).join(', ')}]`;
}

/** Lists as the real files print them: Python's repr. */
function pyList(items: string[]): string {
  return `[${items.map((item) => `'${item}'`).join(', ')}]`;
}

function csvQuote(text: string): string {
  return text === '' ? '' : `"${text}"`;
}
