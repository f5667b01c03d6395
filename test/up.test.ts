import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { PDI, runPdi, tempHome } from './support/pdi.ts';

/** Column `n` of the first row of `./pdi sql --json`, as a user asks a running stack; undefined when it fails. */
async function sqlN(home: string, query: string): Promise<unknown> {
  const result = await runPdi(['sql', '--home', home, '--json', query]);
  return result.code === 0 ? JSON.parse(result.stdout)[0]?.n : undefined;
}

describe('./pdi up', () => {
  it('serves hits and the dashboard on one port, loads and transforms them, and answers sql while it owns the file', async () => {
    const home = await tempHome('pdi-up-');
    const child = spawn(
      PDI,
      [
        'up',
        '--home',
        home,
        '--port',
        '0',
        '--load-every',
        '1',
        '--transform-every',
        '2',
        '--buffer-seconds',
        '1',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    try {
      const url = await new Promise<string>((resolve) =>
        createInterface({ input: child.stdout }).once('line', resolve),
      );
      for (let i = 0; i < 5; i++) {
        const res = await fetch(`${url}/collect`, { method: 'POST', body: `t=pageview&cid=up-${i}&z=${i}` });
        expect(res.status).toBe(200);
      }
      expect((await fetch(`${url}/dashboard`)).status).toBe(200);
      expect((await fetch(`${url}/`)).status).toBe(200);
      expect((await fetch(`${url}/dashboard/page.js`)).headers.get('content-type')).toMatch(/javascript/);

      // the stats show the hits within seconds: the pipe loads them, dbt runs, the live view follows
      let pageviews = '0';
      for (let tries = 0; tries < 60 && pageviews !== '5'; tries++) {
        await new Promise((r) => setTimeout(r, 1000));
        const n = await sqlN(home, 'select sum(pageviews) as n from STATS.OVERVIEW_1D_LIVE');
        if (n !== undefined) pageviews = String(n ?? '0');
      }
      expect(pageviews).toBe('5');

      // the API: today's live counters, and the pipeline's health (503 until the first dbt run: retry)
      const json = async (route: string) => {
        for (let tries = 0; ; tries++) {
          const res = await fetch(`${url}${route}`);
          if (res.status === 200 || tries === 30)
            return {
              status: res.status,
              body: (await res.json()) as Record<string, Record<string, unknown>>,
            };
          await new Promise((r) => setTimeout(r, 1000));
        }
      };
      const live = await json('/api/live');
      expect(live.status).toBe(200);
      expect(live.body.today).toMatchObject({ pageviews: 5, sessions: 5, users: null });
      const health = await json('/api/health');
      expect(health.status).toBe(200);
      expect(health.body.collector).toMatchObject({ hits_accepted: 5, hits_rejected: {} });
      expect(health.body.pipe?.lake_objects).toBeGreaterThan(0);
      expect(health.body.dbt?.last_run_ok).toBe(true);
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
  }, 120_000);

  it('loads a hit as soon as it is written, without waiting for its lake object to age or for the next scan', async () => {
    const home = await tempHome('pdi-up-wake-');
    const child = spawn(
      PDI,
      [
        'up',
        ...['--home', home, '--port', '0', '--load-every', '600', '--transform-every', '600'],
        // an object would roll a minute after its first hit: the pipe asks for the hits before that
        ...['--buffer-seconds', '60'],
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    try {
      const url = await new Promise<string>((resolve) =>
        createInterface({ input: child.stdout }).once('line', resolve),
      );
      // the first scan happens at start; the next one would be 10 minutes later
      await new Promise((r) => setTimeout(r, 1500));
      const sent = Date.now();
      expect(
        (await fetch(`${url}/collect`, { method: 'POST', body: 't=pageview&cid=wake&z=1' })).status,
      ).toBe(200);
      let rows = 0;
      while (rows === 0 && Date.now() - sent < 20_000) {
        await new Promise((r) => setTimeout(r, 250));
        const n = await sqlN(home, 'select count(*)::int as n from RAW.LOGS');
        if (n !== undefined) rows = Number(n ?? 0);
      }
      expect(rows).toBe(1);
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
  }, 60_000);
});
