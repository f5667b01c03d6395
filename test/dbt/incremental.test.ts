/**
 * The incremental models as a property: a stream of hits, with late hits (GA's queue time `qt`, up to its cap),
 * retries (the same `z` again: minutes later, days later, or saying they happened before the original) and
 * transactions sent twice, cut into lake objects, some delivered twice and
 * some hits repeated in another object; the objects loaded in any order (a random permutation, newest first:
 * history older than everything already loaded), in any grouping, transformed after each group, give every
 * EVENTS and STATS table row for row as a full refresh of it all, and STATS what an independent count of the
 * hits gives; before the last run, the live views already show what that run will make.
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
/** dbt_project.yml's max_queue_time_ms and session_gap_minutes. */
const MAX_QUEUE_MS = 4 * 60 * MINUTE;
const SESSION_GAP_MS = 30 * MINUTE;

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
      // up to GA's 4-hour cap (max_queue_time_ms), and a few beyond it, which count as the cap
      const qt = 1 + random.int(random.chance(0.9) ? MAX_QUEUE_MS : 2 * MAX_QUEUE_MS);
      hit.request.timestamp += qt;
      hit.response.timestamp += qt;
      hit.request.body.qt = String(qt);
    }
    out.push(hit);
    if (random.chance(0.03)) out.push(resent(hit, 1000 + random.int(10 * MINUTE)));
    // a retry whose queue time grew more than its delay: received after the original, yet it says it happened
    // earlier (often in another session, or alone in its hour)
    if (random.chance(0.02)) {
      const afterMs = 30 * MINUTE + random.int(3 * 60 * MINUTE);
      const qt = Number(hit.request.body.qt ?? 0) + afterMs + 1 + random.int(60 * MINUTE);
      out.push(resent(hit, afterMs, { ...hit.request.body, qt: String(qt) }));
    }
    // the same hit sent again a day or two later (a part of a dataset replayed twice)
    if (random.chance(0.01)) out.push(resent(hit, 24 * 60 * MINUTE + random.int(24 * 60 * MINUTE)));
    if (hit.request.body.pa === 'purchase' && random.chance(0.5)) {
      out.push(resent(hit, MINUTE + random.int(24 * 60 * MINUTE), { ...hit.request.body, z: randomUUID() }));
    }
  }
  return out.sort((a, b) => a.request.timestamp - b.request.timestamp);
}

interface LakeObject {
  name: string;
  hits: Hit[];
}

/**
 * The hits in arrival order cut into `count` objects at random points; then two objects delivered twice
 * (Firehose and S3 deliver at least once) and an object repeating a few hits of others.
 */
function lakeObjects(items: Hit[], count: number, seed: number): LakeObject[] {
  const random = seededRandom(seed);
  const cuts = new Set<number>();
  while (cuts.size < count - 1) cuts.add(1 + random.int(items.length - 1));
  const bounds = [0, ...[...cuts].sort((a, b) => a - b), items.length];
  const objects = bounds.slice(1).map((end, i) => ({ name: `part-${i}`, hits: items.slice(bounds[i], end) }));
  for (const i of [random.int(count), random.int(count)]) {
    objects.push({ name: `part-${i}-again-${objects.length}`, hits: (objects[i] as LakeObject).hits });
  }
  const repeated = Array.from({ length: 20 }, () => random.pick(items));
  objects.push({
    name: 'repeated-hits',
    hits: repeated.sort((a, b) => a.request.timestamp - b.request.timestamp),
  });
  return objects;
}

function shuffled<T>(items: T[], seed: number): T[] {
  const random = seededRandom(seed);
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = random.int(i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/** K contiguous groups of items, cut at random points, none empty. */
function grouped<T>(items: T[], groups: number, seed: number): T[][] {
  const random = seededRandom(seed);
  const cuts = new Set<number>();
  while (cuts.size < groups - 1) cuts.add(1 + random.int(items.length - 1));
  const bounds = [0, ...[...cuts].sort((a, b) => a - b), items.length];
  return bounds.slice(1).map((end, i) => items.slice(bounds[i], end));
}

/** One lake object, in the folder of its first hit's arrival hour, as the stream would. */
async function addObject(home: string, object: LakeObject): Promise<void> {
  const key = `${hourFolder('stream_data', (object.hits[0] as Hit).request.timestamp)}/${object.name}.gz`;
  await publishLakeObject(
    path.join(home, 'lake'),
    key,
    object.hits.map((hit) => `${JSON.stringify(hit)}\n`).join(''),
  );
}

/**
 * What STATS.OVERVIEW_1D should say, counted here from the hits: the first received of each (client, z),
 * then the first purchase of each (client, transaction); event time = received − qt (capped); sessions by
 * a 30-minute gap per client.
 */
interface DayCounts {
  pageviews: number;
  product_details: number;
  transactions: number;
  sessions: number;
  clients: number;
}

function expectedStats(items: Hit[]): { kept: number; days: Map<string, DayCounts> } {
  const byArrival = [...items].sort((a, b) => a.request.timestamp - b.request.timestamp);
  const seen = new Set<string>();
  const kept: { cid: string; t: string; pa?: string; at: number }[] = [];
  for (const hit of byArrival) {
    const { cid, z, pa, ti, t, qt } = hit.request.body;
    if (seen.has(`z ${cid} ${z}`)) continue;
    seen.add(`z ${cid} ${z}`);
    if (pa === 'purchase' && ti) {
      if (seen.has(`ti ${cid} ${ti}`)) continue;
      seen.add(`ti ${cid} ${ti}`);
    }
    const queued = Math.min(Math.max(Number(qt ?? 0), 0), MAX_QUEUE_MS);
    kept.push({ cid: cid as string, t: t as string, pa, at: hit.request.timestamp - queued });
  }
  const days = new Map<string, DayCounts>();
  const day = (at: number) => {
    const key = new Date(at).toISOString().slice(0, 10);
    let counts = days.get(key);
    if (!counts) {
      counts = { pageviews: 0, product_details: 0, transactions: 0, sessions: 0, clients: 0 };
      days.set(key, counts);
    }
    return counts;
  };
  const byClient = new Map<string, number[]>();
  for (const hit of kept) {
    if (hit.t === 'pageview') day(hit.at).pageviews++;
    if (hit.pa === 'detail') day(hit.at).product_details++;
    if (hit.pa === 'purchase') day(hit.at).transactions++;
    byClient.set(hit.cid, [...(byClient.get(hit.cid) ?? []), hit.at]);
  }
  for (const times of byClient.values()) {
    times.sort((a, b) => a - b);
    const clientDays = new Set<string>();
    let sessionDays = new Set<string>();
    times.forEach((at, i) => {
      if (i > 0 && at - (times[i - 1] as number) >= SESSION_GAP_MS) {
        for (const d of sessionDays) (days.get(d) as DayCounts).sessions++;
        sessionDays = new Set();
      }
      const key = new Date(at).toISOString().slice(0, 10);
      day(at);
      sessionDays.add(key);
      clientDays.add(key);
    });
    for (const d of sessionDays) (days.get(d) as DayCounts).sessions++;
    for (const d of clientDays) (days.get(d) as DayCounts).clients++;
  }
  return { kept: kept.length, days };
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

/** Loads the new objects; once the models are built, their hits are staged for the live views too. */
async function load(home: string, built: boolean) {
  const result = await runPdi(['load', '--home', home]);
  expect(result.code, result.stderr).toBe(0);
  expect(result.stdout.includes('staged for EVENTS_LIVE'), result.stdout).toBe(built);
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
let objects: LakeObject[];

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
  objects = lakeObjects(hits, 12, 6);
}, 300_000);

/** Every hit of every object, as delivered (duplicates included). */
const delivered = () => objects.flatMap((object) => object.hits);

describe('incremental runs', () => {
  it('start from messy data: late hits, retries, transactions sent twice, objects delivered twice', async () => {
    const full = await tempHome('pdi-incremental-full-');
    for (const object of objects) await addObject(full, object);
    await load(full, false);
    await transform(full, true);
    const late = hits.filter((hit) => hit.request.body.qt !== undefined).length;
    const z = hits.map((hit) => hit.request.body.z);
    expect(late).toBeGreaterThan(hits.length / 20);
    expect(hits.some((hit) => Number(hit.request.body.qt) > MAX_QUEUE_MS)).toBe(true);
    expect(new Set(z).size).toBeLessThan(z.length);

    const expected = expectedStats(delivered());
    const [counts] = await sql(
      full,
      'select (select count(*) from RAW.LOGS) as raw, (select count(*) from EVENTS.LOGS) as logs',
    );
    expect(Number(counts?.raw)).toBe(delivered().length);
    expect(Number(counts?.logs)).toBe(expected.kept);
    expect(expected.kept).toBeLessThan(hits.length);
    // STATS.OVERVIEW_1D against the independent count, day by day
    const rows = await sql(
      full,
      `select strftime(timestamp, '%Y-%m-%d') as day, pageviews, sum_of_product_details as product_details,
              transactions, count_active_sessions as sessions, count_active_clients as clients
       from STATS.OVERVIEW_1D order by 1`,
    );
    const actual = Object.fromEntries(
      rows.map(({ day, ...counts }) => [
        day,
        Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, Number(v)])),
      ]),
    );
    expect(actual).toEqual(Object.fromEntries([...expected.days.entries()].sort()));
  }, 120_000);

  const orders: [string, (all: LakeObject[]) => LakeObject[], number][] = [
    ['in arrival order, in 1 group', (all) => all, 1],
    ['in arrival order, in 3 groups', (all) => all, 3],
    ['newest first (history older than everything loaded), in 4 groups', (all) => [...all].reverse(), 4],
    ['in a random order, in 5 groups', (all) => shuffled(all, 7), 5],
    ['in another random order, in 6 groups', (all) => shuffled(all, 8), 6],
  ];
  for (const [name, order, groupCount] of orders) {
    const what = groupCount > 1 ? ', and live views before the last run' : '';
    it(`give the same tables as a full refresh, objects loaded ${name}${what}`, async () => {
      const home = await tempHome('pdi-incremental-');
      const groups = grouped(order(objects), groupCount, groupCount);
      for (const [i, group] of groups.entries()) {
        const last = i === groups.length - 1;
        // after a run, the last group arrives one object a load: each load restages its clients on top of the
        // hits already staged, as in ./pdi up
        const oneByOne = last && groupCount > 1;
        for (const object of group) {
          await addObject(home, object);
          if (oneByOne) await load(home, true);
        }
        if (!oneByOne) await load(home, i > 0);
        if (!last) await transform(home);
      }
      // the last group loaded but not transformed: the live views already show what the run will make
      // (with one group there was no run before: the views have nothing to read yet)
      const live = new Map<string, string[]>();
      if (groupCount > 1) {
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
