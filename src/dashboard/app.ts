import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Hono } from 'hono';
import { type ApiOptions, type ApiSource, createApi } from './api.ts';

/** One row of STATS.OVERVIEW_1H / _1D, columns as the warehouse names them. */
export type OverviewRow = Record<string, unknown> & { timestamp: string };

/** Where the dashboard reads the stats from: the warehouse, through its one owner. */
export interface StatsSource {
  hourly(sinceMs: number): Promise<OverviewRow[]>;
  daily(): Promise<OverviewRow[]>;
  /** Today's figures, including hits loaded since the last dbt run. */
  today(): Promise<OverviewRow | null>;
  /** One line on how fresh the figures are. */
  status(): string;
}

const PAGE = readFileSync(new URL('./page.html', import.meta.url), 'utf8');
// the browser build sits beside the package's main file (its `exports` do not list it)
const CHART_JS = readFileSync(
  path.join(path.dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.min.js'),
  'utf8',
);
const HOURS_SHOWN = 48;

/**
 * The stats dashboard: one page, its chart library, the JSON it polls (`/api/stats`), and the read-only API
 * (`/api/overview`, `/api/live`, `/api/funnel`, `/api/top-products`, `/api/health`: api.ts).
 */
export function createDashboardApp(
  source: StatsSource,
  apiSource: ApiSource,
  options: ApiOptions = {},
): Hono & { refreshFigures(withinMs: number): Promise<void> } {
  const now = options.now ?? Date.now;
  const api = createApi(apiSource, options);
  const app = new Hono();
  app.get('/', (c) => c.redirect('/dashboard'));
  app.get('/dashboard', (c) => c.html(PAGE));
  app.get('/dashboard/chart.js', (c) =>
    c.body(CHART_JS, 200, {
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': 'max-age=3600',
    }),
  );
  app.get('/api/stats', async (c) => {
    try {
      const [hourly, daily, today] = await Promise.all([
        source.hourly(now() - HOURS_SHOWN * 3_600_000),
        source.daily(),
        source.today(),
      ]);
      return c.json({ hourly, daily, today, status: source.status() });
    } catch (error) {
      return c.json({ error: 'unavailable', message: (error as Error).message }, 503, { 'retry-after': '5' });
    }
  });
  app.route('/api', api);
  return Object.assign(app, { refreshFigures: api.refreshFigures });
}
