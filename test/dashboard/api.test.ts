/**
 * The dashboard's JSON API on a warehouse built from a generated dataset (backfill, load, transform), each
 * figure checked against a count made here, straight from the dataset's rows: sessions by a 30-minute gap per
 * dataset session, products' actions, revenue from the catalogue's price of each bought product.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDashboardApp } from '../../src/dashboard/app.ts';
import type { BrowsingEvent } from '../../src/dataset/format.ts';
import { generateDataset } from '../../src/dataset/generator.ts';
import { readBrowsing, readSkuCatalog } from '../../src/dataset/reader.ts';
import { Warehouse } from '../../src/warehouse/index.ts';
import { runPdi, tempHome } from '../support/pdi.ts';

const SESSION_GAP_MS = 30 * 60_000;
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

interface Row {
  /** the session as the warehouse cuts it: the dataset's session and its 30-minute-gap segment */
  session: string;
  action: string | null;
  sku: string | null;
  at: number;
}

let warehouse: Warehouse;
let rows: Row[];
let prices: Map<string, number>;
let nowMs: number;
let app: ReturnType<typeof createDashboardApp>;

async function get(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await app.request(url);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  const dataset = await tempHome('pdi-api-data-');
  await generateDataset({ outDir: dataset, sessions: 300, seed: 5, days: 3 });
  const home = await tempHome('pdi-api-');
  for (const args of [['backfill', '--dataset', dataset, '--shift', 'none'], ['load'], ['transform']]) {
    const result = await runPdi([...args, '--home', home]);
    expect(result.code, `${args[0]}: ${result.stderr}`).toBe(0);
  }

  const bySession = new Map<string, BrowsingEvent[]>();
  for await (const event of readBrowsing(path.join(dataset, 'browsing_train.csv'))) {
    bySession.set(event.sessionIdHash, [...(bySession.get(event.sessionIdHash) ?? []), event]);
  }
  rows = [];
  for (const [session, list] of bySession) {
    list.sort((a, b) => a.timestampMs - b.timestampMs);
    let segment = 0;
    list.forEach((e, i) => {
      if (i > 0 && e.timestampMs - (list[i - 1]?.timestampMs as number) >= SESSION_GAP_MS) segment++;
      rows.push({
        session: `${session}#${segment}`,
        action: e.productAction,
        sku: e.productSkuHash,
        at: e.timestampMs,
      });
    });
  }
  prices = new Map();
  for (const [sku, content] of await readSkuCatalog(path.join(dataset, 'sku_to_content.csv'))) {
    if (content.priceBucket) prices.set(sku, Number(content.priceBucket));
  }
  nowMs = Math.max(...rows.map((r) => r.at)) + 1;

  warehouse = await Warehouse.open(path.join(home, 'warehouse.duckdb'), { readOnly: true });
  app = createDashboardApp(
    { query: (sql) => warehouse.query(sql), health: async () => ({}), busyReason: () => null },
    { now: () => nowMs, deadlineMs: 30_000 },
  );
}, 300_000);

afterAll(async () => {
  await warehouse?.close();
});

const within = (fromMs: number, toMs: number) => rows.filter((r) => r.at >= fromMs && r.at < toMs);
const count = (list: Row[], action: string | null) => list.filter((r) => r.action === action).length;
const sessions = (list: Row[]) => new Set(list.map((r) => r.session)).size;
const revenue = (list: Row[]) =>
  list.filter((r) => r.action === 'purchase').reduce((sum, r) => sum + (prices.get(r.sku ?? '') ?? 0), 0);
const iso = (ms: number) => new Date(ms).toISOString();

describe('the dashboard API on a generated dataset', () => {
  it('GET /api/overview?grain=day: STATS.OVERVIEW_1D rows, numbers as numbers, as counted from the file', async () => {
    const firstDay = Math.floor(Math.min(...rows.map((r) => r.at)) / DAY_MS) * DAY_MS;
    const { status, body } = await get(`/api/overview?grain=day&from=${iso(firstDay)}&to=${iso(nowMs)}`);
    expect(status).toBe(200);
    const days = body.rows as Record<string, unknown>[];
    expect(days.length).toBeGreaterThanOrEqual(3);
    for (const day of days) {
      const start = Date.parse(String(day.timestamp));
      const list = within(start, start + DAY_MS);
      expect(day, String(day.timestamp)).toMatchObject({
        pageviews: count(list, null),
        sum_of_product_details: count(list, 'detail'),
        sum_of_add_to_cart: count(list, 'add'),
        transactions: count(list, 'purchase'),
        count_active_sessions: sessions(list),
      });
      expect(day.transaction_revenue).toBeCloseTo(revenue(list), 6);
    }
    expect(days.reduce((n, d) => n + Number(d.pageviews), 0)).toBe(count(rows, null));
    expect(Object.keys(days[0] as object)).toContain('count_new_sessions');
    expect(body).toMatchObject({ grain: 'day', fresh: true, age_seconds: 0 });
  });

  it('GET /api/overview?grain=hour: the last 24 hours by default', async () => {
    const { status, body } = await get('/api/overview?grain=hour');
    expect(status).toBe(200);
    const hours = body.rows as Record<string, unknown>[];
    expect(body.from).toBe(iso(nowMs - DAY_MS));
    const expected = new Map<string, number>();
    for (const r of within(Math.floor((nowMs - DAY_MS) / HOUR_MS) * HOUR_MS, nowMs)) {
      if (r.action !== null) continue;
      const hour = iso(Math.floor(r.at / HOUR_MS) * HOUR_MS).replace('.000Z', 'Z');
      expected.set(hour, (expected.get(hour) ?? 0) + 1);
    }
    expect(
      Object.fromEntries(hours.filter((h) => Number(h.pageviews) > 0).map((h) => [h.timestamp, h.pageviews])),
    ).toEqual(Object.fromEntries(expected));
  });

  it('GET /api/live: today so far and yesterday at the same time, from the live views', async () => {
    const { status, body } = await get('/api/live');
    expect(status).toBe(200);
    const dayStart = Math.floor(nowMs / DAY_MS) * DAY_MS;
    const figures = (list: Row[]) => ({
      sessions: sessions(list),
      users: null,
      pageviews: count(list, null),
      product_views: count(list, 'detail'),
      add_to_carts: count(list, 'add'),
      transactions: count(list, 'purchase'),
    });
    const today = within(dayStart, nowMs);
    const yesterday = within(dayStart - DAY_MS, nowMs - DAY_MS);
    expect(today.length).toBeGreaterThan(0);
    expect(yesterday.length).toBeGreaterThan(0);
    expect(body.today).toMatchObject(figures(today));
    expect(body.yesterday_same_time).toMatchObject(figures(yesterday));
    expect((body.today as { revenue: number }).revenue).toBeCloseTo(revenue(today), 6);
    const change = body.change as Record<string, number | null>;
    expect(change.pageviews).toBeCloseTo(count(today, null) / count(yesterday, null) - 1, 9);
    // no hit carries a user id: the figure does not apply
    expect(change.users).toBeNull();
    expect(body.day).toBe(iso(dayStart).slice(0, 10));
  });

  it('GET /api/funnel: sessions from detail to add to purchase, with the rates', async () => {
    const from = nowMs - 2 * DAY_MS;
    const { status, body } = await get(`/api/funnel?from=${iso(from)}&to=${iso(nowMs)}`);
    expect(status).toBe(200);
    const list = within(from, nowMs);
    const withAction = (action: string) => sessions(list.filter((r) => r.action === action));
    const [detail, add, purchase] = [withAction('detail'), withAction('add'), withAction('purchase')];
    expect(purchase).toBeGreaterThan(0);
    expect(body).toMatchObject({ detail_sessions: detail, add_sessions: add, purchase_sessions: purchase });
    expect(body.detail_to_add).toBeCloseTo(add / detail, 9);
    expect(body.add_to_purchase).toBeCloseTo(purchase / add, 9);
  });

  it('GET /api/top-products: by views, adds and purchases, ties by product id', async () => {
    const list = within(nowMs - 30 * DAY_MS, nowMs);
    for (const [by, action] of [
      ['views', 'detail'],
      ['adds', 'add'],
      ['purchases', 'purchase'],
    ] as const) {
      const { status, body } = await get(`/api/top-products?by=${by}&limit=5`);
      expect(status).toBe(200);
      const counts = new Map<string, number>();
      for (const r of list) if (r.action === action && r.sku) counts.set(r.sku, (counts.get(r.sku) ?? 0) + 1);
      const expected = [...counts.entries()]
        .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
        .slice(0, 5)
        .map(([product_id, n]) => ({ product_id, [by]: n }));
      expect(
        (body.rows as Record<string, unknown>[]).map((r) => ({ product_id: r.product_id, [by]: r[by] })),
      ).toEqual(expected);
    }
  });

  it('answers 400 with a reason for bad parameters', async () => {
    for (const [url, reason] of [
      ['/api/overview', /grain is required/],
      ['/api/overview?grain=week', /grain must be hour or day/],
      ['/api/overview?grain=day&from=yesterday', /from must be an ISO 8601/],
      ['/api/overview?grain=day&from=2026-11-02&to=2026-11-01', /from must be before to/],
      ['/api/overview?grain=hour&from=2020-01-01&to=2026-01-01', /at most 93 days/],
      ['/api/overview?grain=day&grian=hour', /unknown parameter: grian/],
      ['/api/top-products?by=clicks', /by must be views, adds or purchases/],
      ['/api/top-products?limit=0', /limit must be a whole number from 1 to 100/],
      ['/api/top-products?limit=5.5', /limit must be a whole number/],
      ['/api/funnel?to=2026-13-45', /to (must be an ISO 8601|is not a valid date)/],
      ['/api/live?from=2026-11-01', /unknown parameter: from/],
    ] as const) {
      const { status, body } = await get(url);
      expect(status, url).toBe(400);
      expect(body.error, url).toBe('bad_request');
      expect(String(body.reason), url).toMatch(reason);
    }
  });
});
