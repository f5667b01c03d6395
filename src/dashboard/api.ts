import { type Context, Hono } from 'hono';
import { type Answer, Figures, WarehouseBusyError } from './figures.ts';
import {
  DAY_MS,
  DEFAULT_SPAN_MS,
  type Grain,
  MAX_SPAN_MS,
  type Parsed,
  parseGrain,
  parseLimit,
  parseRange,
  parseTopBy,
  type Range,
  unknownParameters,
} from './params.ts';
import { funnelSql, liveFiguresSql, overviewSql, topProductsSql } from './queries.ts';

export type Row = Record<string, unknown>;

/** What the API reads: the warehouse (through its one owner), and the runtime's own view of the pipeline. */
export interface ApiSource {
  query(sql: string): Promise<Row[]>;
  health(): Promise<Row>;
  /** Why the warehouse may answer slowly right now, if it may (a dbt build under way). */
  busyReason(): string | null;
}

export interface ApiOptions {
  now?: () => number;
  /** How long a request waits for the warehouse before it is given the figures last read. */
  deadlineMs?: number;
}

const FIGURES = [
  'sessions',
  'users',
  'pageviews',
  'product_views',
  'add_to_carts',
  'transactions',
  'revenue',
];

/**
 * The read-only JSON API behind the dashboard (README, "The dashboard and its API"). Every figure says when it was
 * read (`as_of`, `age_seconds`): when the warehouse is slower than the deadline, the figures last read are
 * given instead of a wait.
 */
export function createApi(
  source: ApiSource,
  options: ApiOptions = {},
): Hono & { refreshFigures(withinMs: number): Promise<void> } {
  const now = options.now ?? Date.now;
  const figures = new Figures(options.deadlineMs ?? 800, now, () => source.busyReason());
  const api = new Hono();

  const iso = (ms: number) => new Date(ms).toISOString();
  const answer = <T>(c: Context, body: Row, read: Answer<T>) =>
    c.json({
      ...body,
      as_of: iso(read.readAtMs),
      age_seconds: Math.max(0, Math.round((now() - read.readAtMs) / 1000)),
      fresh: read.fresh,
    });
  /**
   * The range a request asks for, checked now and computed again at each read: a range that ends now (no
   * `to`) moves with the clock, and the question stays the same (the figures last read answer it).
   */
  const rangeOf = (c: Context, known: string[], grain: Grain): Parsed<() => Range> => {
    const query = c.req.query();
    const unknown = unknownParameters(query, known);
    if (!unknown.ok) return unknown;
    const asked = parseRange(query, now(), DEFAULT_SPAN_MS[grain], MAX_SPAN_MS[grain]);
    if (!asked.ok) return asked;
    return {
      ok: true,
      value: () => {
        const range = parseRange(query, now(), DEFAULT_SPAN_MS[grain], MAX_SPAN_MS[grain]);
        return range.ok ? range.value : asked.value;
      },
    };
  };
  /** A question: the route and its parameters, in a stable order. */
  const questionOf = (c: Context) =>
    `${c.req.path}?${new URLSearchParams(Object.entries(c.req.query()).sort()).toString()}`;
  /** Reads the rows of a question's SQL for the range as it is at the time of the read. */
  const rowsIn = (c: Context, range: () => Range, sql: (range: Range) => string) =>
    figures.get(questionOf(c), async () => {
      const at = range();
      return { range: at, rows: await source.query(sql(at)) };
    });

  api.get('/overview', async (c) => {
    const grain = parseGrain(c.req.query('grain'));
    if (!grain.ok) return badRequest(c, grain.reason);
    const range = rangeOf(c, ['grain', 'from', 'to'], grain.value);
    if (!range.ok) return badRequest(c, range.reason);
    const read = await rowsIn(c, range.value, (at) => overviewSql(grain.value, at));
    return answer(c, { grain: grain.value, ...isoRange(read.value.range), rows: read.value.rows }, read);
  });

  api.get('/live', async (c) => {
    const unknown = unknownParameters(c.req.query(), []);
    if (!unknown.ok) return badRequest(c, unknown.reason);
    const read = await figures.get(questionOf(c), async () => {
      // today so far (UTC), and yesterday up to the same time of day
      const nowMs = now();
      const dayStartMs = Math.floor(nowMs / DAY_MS) * DAY_MS;
      const today = { fromMs: dayStartMs, toMs: nowMs };
      const yesterday = { fromMs: dayStartMs - DAY_MS, toMs: nowMs - DAY_MS };
      const rows = await source.query(liveFiguresSql(today, yesterday));
      const figuresOf = (period: string) => {
        const { period: _, ...figures } = rows.find((r) => r.period === period) ?? {};
        return figures;
      };
      return { dayStartMs, untilMs: nowMs, today: figuresOf('today'), yesterday: figuresOf('yesterday') };
    });
    const { dayStartMs, untilMs, today: t, yesterday: y } = read.value;
    const change = Object.fromEntries(FIGURES.map((name) => [name, ratioChange(t[name], y[name])]));
    return answer(
      c,
      {
        day: iso(dayStartMs).slice(0, 10),
        until: iso(untilMs),
        today: t,
        yesterday_same_time: y,
        change,
      },
      read,
    );
  });

  api.get('/funnel', async (c) => {
    const range = rangeOf(c, ['from', 'to'], 'day');
    if (!range.ok) return badRequest(c, range.reason);
    const read = await rowsIn(c, range.value, funnelSql);
    const row = read.value.rows[0] ?? {};
    const detail = Number(row.detail_sessions ?? 0);
    const add = Number(row.add_sessions ?? 0);
    const purchase = Number(row.purchase_sessions ?? 0);
    return answer(
      c,
      {
        ...isoRange(read.value.range),
        detail_sessions: detail,
        add_sessions: add,
        purchase_sessions: purchase,
        detail_to_add: rate(add, detail),
        add_to_purchase: rate(purchase, add),
        detail_to_purchase: rate(purchase, detail),
      },
      read,
    );
  });

  api.get('/top-products', async (c) => {
    const by = parseTopBy(c.req.query('by'));
    if (!by.ok) return badRequest(c, by.reason);
    const limit = parseLimit(c.req.query('limit'));
    if (!limit.ok) return badRequest(c, limit.reason);
    const range = rangeOf(c, ['by', 'from', 'to', 'limit'], 'day');
    if (!range.ok) return badRequest(c, range.reason);
    const read = await rowsIn(c, range.value, (at) => topProductsSql(by.value, at, limit.value));
    return answer(
      c,
      { by: by.value, limit: limit.value, ...isoRange(read.value.range), rows: read.value.rows },
      read,
    );
  });

  api.get('/health', async (c) => {
    const unknown = unknownParameters(c.req.query(), []);
    if (!unknown.ok) return badRequest(c, unknown.reason);
    return c.json({ now: iso(now()), ...(await source.health()) });
  });

  api.onError((error, c) => {
    if (error instanceof WarehouseBusyError) {
      return c.json({ error: 'busy', message: error.message }, 503, { 'retry-after': '5' });
    }
    const message = error.message.split('\n')[0] ?? '';
    if (/does not exist/i.test(message)) {
      return c.json(
        { error: 'no_data', message: 'no figures yet: the first dbt run has not finished' },
        503,
        { 'retry-after': '5' },
      );
    }
    return c.json({ error: 'unavailable', message }, 503, { 'retry-after': '5' });
  });

  return Object.assign(api, { refreshFigures: (withinMs: number) => figures.refreshRecent(withinMs) });
}

function badRequest(c: Context, reason: string) {
  return c.json({ error: 'bad_request', reason }, 400);
}

function isoRange(range: Range) {
  return { from: new Date(range.fromMs).toISOString(), to: new Date(range.toMs).toISOString() };
}

/** part / whole, or null where it does not apply (nothing to convert). */
function rate(part: number, whole: number): number | null {
  return whole > 0 ? part / whole : null;
}

/** The relative change from `before` to `after`, or null where it does not apply. */
function ratioChange(after: unknown, before: unknown): number | null {
  if (typeof after !== 'number' || typeof before !== 'number' || before === 0) return null;
  return (after - before) / before;
}
