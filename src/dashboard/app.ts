import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Hono } from 'hono';
import { type ApiOptions, type ApiSource, createApi } from './api.ts';

const PAGE = readFileSync(new URL('./page.html', import.meta.url), 'utf8');
const PAGE_SCRIPT = readFileSync(new URL('./page.js', import.meta.url), 'utf8');
// the browser build sits beside the package's main file (its `exports` do not list it)
const CHART_JS = readFileSync(
  path.join(path.dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.min.js'),
  'utf8',
);
const SCRIPT = { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'max-age=60' };

/**
 * The dashboard: one page (at `/` and `/dashboard`), its script, its chart library from npm (no CDN: it works
 * offline), and the read-only API it polls (`/api/…`: api.ts).
 */
export function createDashboardApp(
  source: ApiSource,
  options: ApiOptions = {},
): Hono & { refreshFigures(withinMs: number): Promise<void> } {
  const api = createApi(source, options);
  const app = new Hono();
  app.get('/', (c) => c.html(PAGE));
  app.get('/dashboard', (c) => c.html(PAGE));
  app.get('/dashboard/page.js', (c) => c.body(PAGE_SCRIPT, 200, SCRIPT));
  app.get('/dashboard/chart.js', (c) => c.body(CHART_JS, 200, SCRIPT));
  app.route('/api', api);
  return Object.assign(app, { refreshFigures: api.refreshFigures });
}
