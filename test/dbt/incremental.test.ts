/**
 * The incremental models as a property: a stream of hits, with late hits (GA's queue time `qt`), retries
 * (the same `z` again) and transactions sent twice, split in arrival order into K load batches, loaded and
 * transformed after each batch, gives every EVENTS and STATS table row for row as a full refresh of it all;
 * and before the last run, the live views already show what that run will make.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateDataset } from '../../src/dataset/generator.ts';
import { hourFolder, publishLakeObject } from '../../src/stream/lake-objects.ts';
import { readLakeRecords } from '../../src/stream/lake-reader.ts';
import { runPdi, tempHome } from '../support/pdi.ts';
import { seededRandom } from '../support/random.ts';

/** Every table the transform builds, with what identifies a row, minus the columns that record when. */
const TABLES: Record<string, { key: string; drop: string[] }> = {
  'EVENTS.LOGS': { key: 'log_id', drop: ['created_at', 'built_at', 'log_timestamp'] },
  'EVENTS.PAGEVIEWS': { key: 'id', drop: ['created_at', 'built_at'] },
  'EVENTS.EVENTS': { key: 'id', drop: ['created_at', 'built_at'] },
  'EVENTS.PRODUCT_ACTIONS': { key: 'id', drop: ['created_at', 'built_at'] },
  'EVENTS.PURCHASES': { key: 'id', drop: ['created_at', 'built_at'] },
  'EVENTS.USER_AGENTS': { key: 'id', drop: ['created_at'] },
  'STATS.OVERVIEW_1H': { key: 'timestamp', drop: ['created_at'] },
  'STATS.OVERVIEW_1D': { key: 'timestamp', drop: ['created_at'] },
};

/** The live views, and the table each must equal once everything is transformed. */
const LIVE: [string, string][] = [
  ['EVENTS_LIVE.LOGS', 'EVENTS.LOGS'],
  ['EVENTS_LIVE.PAGEVIEWS', 'EVENTS.PAGEVIEWS'],
  ['EVENTS_LIVE.EVENTS', 'EVENTS.EVENTS'],
  ['EVENTS_LIVE.PRODUCT_ACTIONS', 'EVENTS.PRODUCT_ACTIONS'],
  ['EVENTS_LIVE.PURCHASES', 'EVENTS.PURCHASES'],
  ['EVENTS_LIVE.USER_AGENTS', 'EVENTS.USER_AGENTS'],
  ['STATS.OVERVIEW_1H_LIVE', 'STATS.OVERVIEW_1H'],
  ['STATS.OVERVIEW_1D_LIVE', 'STATS.OVERVIEW_1D'],
];

interface Hit {
  request: { id: string; timestamp: number; body: Record<string, string> };
  response: { id: string; timestamp: number };
}

const MINUTE = 60_000;

/**
 * The backfilled records made messier, then put in arrival order: a tenth of the hits arrive late (up to
 * 3 hours, with `qt` saying so), some are sent twice with the same `z` (a retry, up to 10 minutes later),
 * and some purchases twice with a new `z` (a reload of the confirmation page, up to a day later).
 */
function messUp(records: Hit[], seed: number): Hit[] {
  const random = seededRandom(seed);
  const resent = (hit: Hit, afterMs: number, body = hit.request.body): Hit => {
    const copy = structuredClone(hit);
    const id = randomUUID();
    copy.request = { ...copy.request, id, timestamp: hit.request.timestamp + afterMs, body };
    copy.response = { id, timestamp: copy.request.timestamp };
    return copy;
  };
  const out: Hit[] = [];
  for (const hit of records) {
    if (random.chance(0.1)) {
      const qt = 1 + random.int(180 * MINUTE);
      hit.request.timestamp += qt;
      hit.response.timestamp += qt;
      hit.request.body.qt = String(qt);
    }
    out.push(hit);
    if (random.chance(0.03)) out.push(resent(hit, 1000 + random.int(10 * MINUTE)));
    if (hit.request.body.pa === 'purchase' && random.chance(0.5)) {
      out.push(resent(hit, MINUTE + random.int(24 * 60 * MINUTE), { ...hit.request.body, z: randomUUID() }));
    }
  }
  return out.sort((a, b) => a.request.timestamp - b.request.timestamp);
}

/** Random cut points: K contiguous batches of the arrival order, none empty. */
function split<T>(items: T[], batches: number, seed: number): T[][] {
  const random = seededRandom(seed);
  const cuts = new Set<number>();
  while (cuts.size < batches - 1) cuts.add(1 + random.int(items.length - 1));
  const bounds = [0, ...[...cuts].sort((a, b) => a - b), items.length];
  return bounds.slice(1).map((end, i) => items.slice(bounds[i], end));
}

/** One lake object per batch, in the folder of its first hit's arrival hour, as the stream would. */
async function addBatch(home: string, batch: Hit[], name: string): Promise<void> {
  const key = `${hourFolder('stream_data', (batch[0] as Hit).request.timestamp)}/${name}.gz`;
  await publishLakeObject(
    path.join(home, 'lake'),
    key,
    batch.map((hit) => `${JSON.stringify(hit)}\n`).join(''),
  );
}

/** Queries the warehouse file directly (read-only): many snapshots, without a process each. */
async function sql(home: string, query: string): Promise<Record<string, unknown>[]> {
  const instance = await DuckDBInstance.create(path.join(home, 'warehouse.duckdb'), {
    access_mode: 'READ_ONLY',
  });
  try {
    const connection = await instance.connect();
    const rows = (await connection.runAndReadAll(query)).getRowObjectsJson() as Record<string, unknown>[];
    connection.closeSync();
    return rows;
  } finally {
    instance.closeSync();
  }
}

async function load(home: string) {
  const result = await runPdi(['load', '--home', home]);
  expect(result.code, result.stderr).toBe(0);
}

async function transform(home: string, fullRefresh = false) {
  const result = await runPdi(['transform', '--home', home, ...(fullRefresh ? ['--full-refresh'] : [])]);
  expect(result.code, result.stdout.slice(-3000)).toBe(0);
}

const snapshot = async (home: string, relation: string, like = relation) =>
  (
    await sql(
      home,
      `select * exclude (${TABLES[like]?.drop.join(', ')}) from ${relation} order by ${TABLES[like]?.key}`,
    )
  ).map((row) => JSON.stringify(row));

/** Row for row the same (as JSON lines); on a difference, a few rows of each side say what differs. */
function expectSameRows(actual: string[], expected: string[], label: string) {
  const want = new Set(expected);
  const got = new Set(actual);
  const extra = actual.filter((row) => !want.has(row));
  const missing = expected.filter((row) => !got.has(row));
  expect({ extra: extra.slice(0, 3), missing: missing.slice(0, 3), rows: actual.length }, label).toEqual({
    extra: [],
    missing: [],
    rows: expected.length,
  });
}

let hits: Hit[];

beforeAll(async () => {
  const datasetDir = await tempHome('pdi-incremental-data-');
  await generateDataset({ outDir: datasetDir, sessions: 300, seed: 5, days: 2 });
  const source = await tempHome('pdi-incremental-source-');
  const backfill = await runPdi(['backfill', '--home', source, '--dataset', datasetDir, '--shift', 'none']);
  expect(backfill.code, backfill.stderr).toBe(0);
  const records: Hit[] = [];
  for await (const { record } of readLakeRecords(path.join(source, 'lake'), 'stream_data')) {
    records.push(record as Hit);
  }
  hits = messUp(records, 5);
}, 300_000);

describe('incremental runs', () => {
  it('start from messy data: late hits, retries and transactions sent twice', async () => {
    const full = await tempHome('pdi-incremental-full-');
    await addBatch(full, hits, 'all');
    await load(full);
    await transform(full, true);
    const late = hits.filter((hit) => hit.request.body.qt !== undefined).length;
    const z = hits.map((hit) => hit.request.body.z);
    expect(late).toBeGreaterThan(hits.length / 20);
    expect(new Set(z).size).toBeLessThan(z.length);
    // independently: the first of each (client, z), then the first purchase of each (client, transaction)
    const seen = new Set<string>();
    let kept = 0;
    for (const hit of hits) {
      const { cid, z, pa, ti } = hit.request.body;
      if (seen.has(`z ${cid} ${z}`)) continue;
      seen.add(`z ${cid} ${z}`);
      if (pa === 'purchase' && ti) {
        if (seen.has(`ti ${cid} ${ti}`)) continue;
        seen.add(`ti ${cid} ${ti}`);
      }
      kept++;
    }
    const [counts] = await sql(
      full,
      'select (select count(*) from RAW.LOGS) as raw, (select count(*) from EVENTS.LOGS) as logs',
    );
    expect(Number(counts?.raw)).toBe(hits.length);
    expect(Number(counts?.logs)).toBe(kept);
    expect(kept).toBeLessThan(hits.length);
  }, 60_000);

  const splits: [string, number, number][] = [
    ['1 batch', 1, 1],
    ['3 batches', 3, 2],
    ['7 batches', 7, 3],
    ['5 batches cut at random', 5, 4],
    ['4 batches cut at random', 4, 5],
  ];
  for (const [name, batches, seed] of splits) {
    const what = batches > 1 ? ', and live views before the last run' : '';
    it(`give the same tables as a full refresh, in ${name}${what}`, async () => {
      const home = await tempHome('pdi-incremental-');
      const parts = split(hits, batches, seed);
      for (const [i, part] of parts.entries()) {
        await addBatch(home, part, `batch-${i}`);
        await load(home);
        if (i < parts.length - 1) await transform(home);
      }
      // the last batch loaded but not transformed: the live views already show what the run will make
      // (with one batch there was no run before: the views have nothing to read yet)
      const live = new Map<string, string[]>();
      if (batches > 1) {
        for (const [view, table] of LIVE) live.set(view, await snapshot(home, view, table));
      }
      await transform(home);
      const incremental = new Map<string, string[]>();
      for (const table of Object.keys(TABLES)) incremental.set(table, await snapshot(home, table));
      // the same lake objects, rebuilt from scratch
      await transform(home, true);
      for (const table of Object.keys(TABLES)) {
        const full = await snapshot(home, table);
        expect(full.length, table).toBeGreaterThan(0);
        expectSameRows(incremental.get(table) ?? [], full, table);
      }
      for (const [view, rows] of live) {
        const table = LIVE.find(([v]) => v === view)?.[1] as string;
        expectSameRows(rows, await snapshot(home, table), view);
      }
    }, 600_000);
  }
});
