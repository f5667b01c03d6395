/**
 * The dashboard in a real browser (Debian's chromium through playwright-core; scripts/ensure-chromium installs
 * it): `./pdi demo` with a small dataset and two days of history; today's counters rise to what the dataset's
 * rows say while its last day is pumped, the range picker redraws the charts, the funnel shows the API's
 * figures, and screenshots at desktop and phone widths go to test-artifacts/ (not committed).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PDI, ROOT, tempHome } from '../support/pdi.ts';

const CHROMIUM = process.env.PDI_CHROMIUM ?? '/usr/bin/chromium';
const ARTIFACTS = path.join(ROOT, 'test-artifacts', 'dashboard');
const DAY_MS = 86_400_000;

let demo: ChildProcess;
let exited: Promise<number | null>;
let stdout = '';
let home: string;
let url: string;
let historyEndsAtMs: number;
let pumpStartedAtMs: number;
let browser: Browser;
let page: Page;

function waitFor(text: string, timeoutMs = 120_000): Promise<number> {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (stdout.includes(text)) {
        clearInterval(timer);
        resolve(Date.now());
      }
    };
    const timer = setInterval(check, 50);
    check();
    setTimeout(() => {
      clearInterval(timer);
      reject(new Error(`no "${text}" from the demo:\n${stdout}`));
    }, timeoutMs);
  });
}

interface CsvRow {
  type: string;
  action: string;
  at: number;
}

async function csvRows(file: string): Promise<CsvRow[]> {
  return (await readFile(file, 'utf8'))
    .split('\n')
    .slice(1)
    .filter((line) => line !== '')
    .map((line) => {
      const [, type = '', action = '', , at = ''] = line.split(',');
      return { type, action, at: Number(at) };
    });
}

const number = (text: string | null) => Number((text ?? '').replace(/[^\d.]/g, ''));

beforeAll(async () => {
  home = await tempHome('pdi-browser-');
  demo = spawn(
    PDI,
    [
      'demo',
      ...['--home', home, '--port', '0', '--sessions', '400', '--history-days', '2'],
      ...['--speed', '3000', '--rate', '300', '--transform-every', '5'],
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  demo.stdout?.on('data', (d) => (stdout += d));
  demo.stderr?.on('data', (d) => (stdout += d));
  exited = new Promise((resolve) => demo.once('exit', resolve));
  await waitFor('history: backfilling');
  // the instant the demo moved the history's last hit to (the dataset shifted to end then)
  historyEndsAtMs = Date.parse(/ending now \((\S+)\)/.exec(stdout)?.[1] ?? '');
  expect(historyEndsAtMs).toBeGreaterThan(0);
  pumpStartedAtMs = await waitFor('collector listening on');
  url = /collector listening on (http:\/\/[\d.:]+)/.exec(stdout)?.[1] as string;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
  await mkdir(ARTIFACTS, { recursive: true });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  if (demo && demo.exitCode === null) {
    demo.kill('SIGINT');
    await exited;
  }
});

describe('the dashboard in a browser', () => {
  it('shows today’s counters rising to the dataset’s totals while its last day is pumped', async () => {
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    // a 503 is an answer the page expects (no data yet, or the warehouse busy): it says so
    page.on(
      'console',
      (message) =>
        message.type() === 'error' && !/status of 503/.test(message.text()) && errors.push(message.text()),
    );
    await page.goto(`${url}/`);
    await expect
      .poll(() => page.locator('[data-figure="pageviews"] .value').textContent(), { timeout: 60_000 })
      .toMatch(/\d/);
    const early = number(await page.locator('[data-figure="pageviews"] .value').textContent());

    // what today's tiles must reach, counted from the dataset's two slices: the history shifted so that its
    // last row is at the instant the demo printed, the live day stamped today as it is sent
    const history = await csvRows(path.join(home, 'demo-history', 'browsing_train.csv'));
    const live = await csvRows(path.join(home, 'demo-live', 'browsing_train.csv'));
    const shift = historyEndsAtMs - Math.max(...history.map((r) => r.at));
    await waitFor('the dataset is sent');
    const todayStart = Math.floor(Date.now() / DAY_MS) * DAY_MS;
    const today = [...history.filter((r) => r.at + shift >= todayStart), ...live];
    // a pump that began before midnight stamped some live rows yesterday: which ones, only its clock knew
    const crossedMidnight = pumpStartedAtMs < todayStart;
    const expected = {
      pageviews: today.filter((r) => r.type === 'pageview').length,
      product_views: today.filter((r) => r.action === 'detail').length,
      transactions: today.filter((r) => r.action === 'purchase').length,
    };
    expect(live.length).toBeGreaterThan(100);

    if (!crossedMidnight) {
      for (const [figure, total] of Object.entries(expected)) {
        const tile = page.locator(`[data-figure="${figure}"] .value`);
        await expect
          .poll(async () => number(await tile.textContent()), { timeout: 60_000, message: figure })
          .toBe(total);
      }
      // formatted for people: thousands separators
      expect(await page.locator('[data-figure="pageviews"] .value').textContent()).toBe(
        new Intl.NumberFormat('en').format(expected.pageviews),
      );
    }
    expect(expected.pageviews).toBeGreaterThan(early);
    // revenue with two decimals, users not applicable
    expect(await page.locator('[data-figure="revenue"] .value').textContent()).toMatch(/^[\d,]+\.\d\d$/);
    expect(await page.locator('[data-figure="users"] .value abbr').getAttribute('title')).toBe(
      'no hit carries a user id (uid)',
    );
    expect(await page.locator('[data-figure="pageviews"] .change').textContent()).toMatch(/vs yesterday/);
    expect(errors).toEqual([]);
    await page.screenshot({ path: path.join(ARTIFACTS, 'desktop.png'), fullPage: true });
  }, 240_000);

  it('redraws the charts for the range picked, and shows the funnel the API answers', async () => {
    const state = page.locator('#overview-state');
    await expect.poll(() => state.textContent(), { timeout: 30_000 }).toMatch(/^\d+ hours/);
    await page.getByRole('button', { name: '30 days' }).click();
    await expect.poll(() => state.textContent(), { timeout: 30_000 }).toMatch(/^[3-4] days/);
    expect(await page.getByRole('button', { name: '30 days' }).getAttribute('aria-pressed')).toBe('true');

    const from = new Date(Math.floor((Date.now() - 30 * DAY_MS) / 3_600_000) * 3_600_000).toISOString();
    const api = (await (await fetch(`${url}/api/funnel?from=${from}`)).json()) as Record<string, number>;
    const step = (name: string) => page.locator(`[data-step="${name}"] b`);
    await expect
      .poll(async () => number(await step('Viewed a product').textContent()), { timeout: 30_000 })
      .toBe(api.detail_sessions);
    expect(number(await step('Added to cart').textContent())).toBe(api.add_sessions);
    expect(number(await step('Purchased').textContent())).toBe(api.purchase_sessions);
    expect(await page.locator('[data-step="Added to cart"] .rate').textContent()).toBe(
      new Intl.NumberFormat('en', { style: 'percent', maximumFractionDigits: 1 }).format(
        api.detail_to_add as number,
      ),
    );

    await page.getByRole('tab', { name: 'Adds to cart' }).click();
    await expect.poll(() => page.locator('#top tbody tr').count(), { timeout: 30_000 }).toBeGreaterThan(0);

    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(500);
    // nothing wider than a phone's screen
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await page.screenshot({ path: path.join(ARTIFACTS, 'phone.png'), fullPage: true });
  }, 120_000);
});
