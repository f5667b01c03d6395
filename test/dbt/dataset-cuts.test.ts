/**
 * A dataset delivered as several files cut by time, sessions running across every cut, backfilled file by
 * file in a random order and then once more as a whole: the same EVENTS and STATS tables as the whole file
 * backfilled once, and STATS what an independent count of the file's rows gives.
 */
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BROWSING_COLUMNS } from '../../src/dataset/format.ts';
import { generateDataset } from '../../src/dataset/generator.ts';
import { runPdi, tempHome } from '../support/pdi.ts';
import { seededRandom } from '../support/random.ts';

const SESSION_GAP_MS = 30 * 60_000;
const CUTS = 4;

/** Each table with what differs between two lakes of the same hits: object keys make LOG_IDs. */
const TABLES: Record<string, string[]> = {
  'EVENTS.LOGS': ['log_id', 'log_timestamp', 'built_at', 'created_at'],
  'EVENTS.PAGEVIEWS': ['id', 'log_id', 'built_at', 'created_at'],
  'EVENTS.EVENTS': ['id', 'log_id', 'built_at', 'created_at'],
  'EVENTS.PRODUCT_ACTIONS': ['id', 'log_id', 'built_at', 'created_at'],
  'EVENTS.PURCHASES': ['id', 'log_id', 'built_at', 'created_at'],
  'EVENTS.USER_AGENTS': ['created_at'],
  'STATS.OVERVIEW_1H': ['created_at'],
  'STATS.OVERVIEW_1D': ['created_at'],
};

interface Row {
  line: string;
  session: string;
  type: string;
  action: string;
  at: number;
}

let datasetDir: string;
let rows: Row[];
/** Folders of one file each, cut by time. */
let parts: string[];

async function sql(home: string, query: string): Promise<Record<string, unknown>[]> {
  const result = await runPdi(['sql', '--home', home, '--json', query]);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout);
}

async function step(home: string, ...args: string[]) {
  const result = await runPdi([...args, '--home', home]);
  expect(result.code, `${args.join(' ')}: ${result.stderr}${result.stdout.slice(-2000)}`).toBe(0);
}

async function backfill(home: string, dataset: string) {
  await step(home, 'backfill', '--dataset', dataset, '--shift', 'none');
  await step(home, 'load');
  await step(home, 'transform');
}

const snapshot = async (home: string, table: string) =>
  (await sql(home, `select * exclude (${TABLES[table]?.join(', ')}) from ${table}`))
    .map((row) => JSON.stringify(row))
    .sort();

beforeAll(async () => {
  datasetDir = await tempHome('pdi-cuts-data-');
  await generateDataset({ outDir: datasetDir, sessions: 250, seed: 9, days: 2 });
  const text = await readFile(path.join(datasetDir, 'browsing_train.csv'), 'utf8');
  rows = text
    .split('\n')
    .slice(1)
    .filter((line) => line !== '')
    .map((line) => {
      const [session = '', type = '', action = '', , at = ''] = line.split(',');
      return { line, session, type, action, at: Number(at) };
    });

  // cut times inside sessions spread over the dataset, so that a session runs across every cut
  const spans = new Map<string, { first: number; last: number }>();
  for (const row of rows) {
    const span = spans.get(row.session) ?? { first: row.at, last: row.at };
    spans.set(row.session, { first: Math.min(span.first, row.at), last: Math.max(span.last, row.at) });
  }
  const long = [...spans.values()].filter((s) => s.last - s.first > 1000).sort((a, b) => a.first - b.first);
  const cuts = Array.from({ length: CUTS }, (_, i) => {
    const span = long[Math.floor(((i + 1) * long.length) / (CUTS + 1))] as { first: number; last: number };
    return Math.floor((span.first + span.last) / 2);
  });
  for (const cut of cuts) {
    expect([...spans.values()].some((s) => s.first < cut && s.last >= cut)).toBe(true);
  }
  const bounds = [Number.NEGATIVE_INFINITY, ...cuts, Number.POSITIVE_INFINITY];
  parts = [];
  for (let i = 0; i < bounds.length - 1; i++) {
    const dir = path.join(await tempHome('pdi-cuts-part-'), `day-${i}`);
    await mkdir(dir);
    const lines = rows.filter((r) => r.at >= (bounds[i] as number) && r.at < (bounds[i + 1] as number));
    await writeFile(
      path.join(dir, 'browsing_train.csv'),
      `${BROWSING_COLUMNS.join(',')}\n${lines.map((r) => `${r.line}\n`).join('')}`,
    );
    await copyFile(path.join(datasetDir, 'sku_to_content.csv'), path.join(dir, 'sku_to_content.csv'));
    parts.push(dir);
  }
}, 120_000);

/** What STATS.OVERVIEW_1D says, counted from the file: sessions by a 30-minute gap per dataset session. */
interface DayCounts {
  pageviews: number;
  details: number;
  adds: number;
  transactions: number;
  sessions: number;
  clients: number;
}

function expectedDays() {
  const days = new Map<string, DayCounts>();
  const day = (at: number) => {
    const key = new Date(at).toISOString().slice(0, 10);
    const counts = days.get(key) ?? {
      pageviews: 0,
      details: 0,
      adds: 0,
      transactions: 0,
      sessions: 0,
      clients: 0,
    };
    days.set(key, counts);
    return counts;
  };
  const bySession = new Map<string, number[]>();
  for (const row of rows) {
    const counts = day(row.at);
    if (row.type === 'pageview') counts.pageviews++;
    if (row.action === 'detail') counts.details++;
    if (row.action === 'add') counts.adds++;
    if (row.action === 'purchase') counts.transactions++;
    bySession.set(row.session, [...(bySession.get(row.session) ?? []), row.at]);
  }
  for (const times of bySession.values()) {
    times.sort((a, b) => a - b);
    const key = (at: number) => new Date(at).toISOString().slice(0, 10);
    const clientDays = new Set(times.map(key));
    let sessionDays = new Set<string>();
    const close = () => {
      for (const d of sessionDays) (days.get(d) as DayCounts).sessions++;
      sessionDays = new Set();
    };
    times.forEach((at, i) => {
      if (i > 0 && at - (times[i - 1] as number) >= SESSION_GAP_MS) close();
      sessionDays.add(key(at));
    });
    close();
    for (const d of clientDays) (days.get(d) as DayCounts).clients++;
  }
  return Object.fromEntries([...days.entries()].sort());
}

describe('a dataset cut by time into files', () => {
  it('backfilled file by file in a random order, then whole, gives the tables of the whole file backfilled once', async () => {
    const whole = await tempHome('pdi-cuts-whole-');
    await backfill(whole, datasetDir);

    const cut = await tempHome('pdi-cuts-parts-');
    const random = seededRandom(3);
    const order = [...parts].sort(() => random.next() - 0.5);
    for (const part of order) await backfill(cut, part);
    await backfill(cut, datasetDir);

    const [raw] = await sql(cut, 'select count(*) as n from RAW.LOGS');
    expect(Number(raw?.n)).toBe(2 * rows.length);
    for (const table of Object.keys(TABLES)) {
      const expected = await snapshot(whole, table);
      expect(expected.length, table).toBeGreaterThan(0);
      expect(await snapshot(cut, table), table).toEqual(expected);
    }
    const [logs] = await sql(cut, 'select count(*) as n from EVENTS.LOGS');
    expect(Number(logs?.n)).toBe(rows.length);

    // STATS against an independent count of the file's rows
    const stats = await sql(
      cut,
      `select strftime(timestamp, '%Y-%m-%d') as day, pageviews, sum_of_product_details as details,
              sum_of_add_to_cart as adds, transactions, count_active_sessions as sessions,
              count_active_clients as clients
       from STATS.OVERVIEW_1D order by 1`,
    );
    const actual = Object.fromEntries(
      stats.map(({ day, ...counts }) => [
        day,
        Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, Number(v)])),
      ]),
    );
    expect(actual).toEqual(expectedDays());
  }, 600_000);
});
