import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readLakeRecords } from '../src/stream/index.ts';
import { PDI, runPdi, tempHome } from './support/pdi.ts';

describe('./pdi demo', () => {
  it('without history: generates a dataset, pumps it into the collector, and stops cleanly on Ctrl-C with every row in the lake', async () => {
    const home = await tempHome('pdi-demo-');
    const child = spawn(
      PDI,
      [
        'demo',
        '--home',
        home,
        '--port',
        '0',
        '--sessions',
        '80',
        '--history-days',
        '0',
        '--rate',
        '5000',
        '--transform-every',
        '600',
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d) => {
        stdout += d;
        if (stdout.includes('the dataset is sent')) resolve();
      });
      child.once('exit', () => reject(new Error(`demo exited early:\n${stdout}\n${stderr}`)));
      setTimeout(() => reject(new Error(`demo did not finish pumping:\n${stdout}\n${stderr}`)), 60_000);
    });
    expect(stdout).toMatch(/collector listening on http:\/\/127\.0\.0\.1:\d+/);
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(stdout).toContain('stopped:');

    // an independent count, straight from the generated file
    const csv = await readFile(path.join(home, 'demo-dataset', 'browsing_train.csv'), 'utf8');
    const rows = csv.split('\n').filter((line, i) => i > 0 && line !== '').length;
    let landed = 0;
    for await (const _ of readLakeRecords(path.join(home, 'lake'), 'stream_data')) landed++;
    expect(landed).toBe(rows);
    expect(stdout).toContain(`the dataset is sent (${rows} hits)`);

    // the pipe loaded everything on the way out; the stats agree with the file once dbt has run
    const transform = await runPdi(['transform', '--home', home]);
    expect(transform.code, transform.stdout.slice(-2000)).toBe(0);
    const pageviews = csv.split('\n').filter((line) => line.includes(',pageview,')).length;
    const stats = await runPdi([
      'sql',
      '--home',
      home,
      '--json',
      'select sum(pageviews) as pv, count(*) as days from STATS.OVERVIEW_1D',
    ]);
    expect(JSON.parse(stats.stdout)[0].pv).toBe(String(pageviews));
  }, 90_000);

  it('backfills the history so that it ends now, builds it before serving, then pumps the last day live', async () => {
    const home = await tempHome('pdi-demo-history-');
    const child = spawn(
      PDI,
      [
        'demo',
        ...['--home', home, '--port', '0', '--sessions', '300', '--history-days', '2'],
        ...['--speed', '100000', '--rate', '5000', '--transform-every', '600'],
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const startedMs = Date.now();
    const waitFor = (text: string) =>
      new Promise<void>((resolve, reject) => {
        const check = () => stdout.includes(text) && resolve();
        child.stdout.on('data', (d) => {
          stdout += d;
          check();
        });
        check();
        child.once('exit', () => reject(new Error(`demo exited early:\n${stdout}\n${stderr}`)));
        setTimeout(() => reject(new Error(`no "${text}" from the demo:\n${stdout}\n${stderr}`)), 120_000);
      });
    await waitFor('collector listening on');
    expect(stdout).toMatch(/history: backfilling 2 days of the dataset, ending now/);
    expect(stdout).toMatch(/history: \d+ hits in \d+ lake objects/);
    expect(stdout).toMatch(/history: built/);

    // the first screen already has days: the API answers from the first dbt run (retrying while dbt runs)
    const url = /collector listening on (http:\/\/[\d.:]+)/.exec(stdout)?.[1] as string;
    let days: { timestamp: string; pageviews: number }[] = [];
    for (let tries = 0; tries < 60 && days.length === 0; tries++) {
      const res = await fetch(`${url}/api/overview?grain=day`);
      if (res.status === 200) days = ((await res.json()) as { rows: typeof days }).rows;
      else await new Promise((r) => setTimeout(r, 1000));
    }
    expect(days.length).toBeGreaterThanOrEqual(2);
    expect(days.at(-1)?.timestamp.slice(0, 10)).toBe(new Date().toISOString().slice(0, 10));

    await waitFor('the dataset is sent');
    child.kill('SIGINT');
    expect(await exited).toBe(0);

    // every row of the dataset once: the history backfilled, the last day pumped
    const csv = await readFile(path.join(home, 'demo-dataset', 'browsing_train.csv'), 'utf8');
    const rows = csv.split('\n').filter((line, i) => i > 0 && line !== '').length;
    const live = await readFile(path.join(home, 'demo-live', 'browsing_train.csv'), 'utf8');
    const liveRows = live.split('\n').filter((line, i) => i > 0 && line !== '').length;
    expect(liveRows).toBeGreaterThan(0);
    expect(stdout).toContain(`the dataset is sent (${liveRows} hits)`);
    let landed = 0;
    for await (const _ of readLakeRecords(path.join(home, 'lake'), 'stream_data')) landed++;
    expect(landed).toBe(rows);

    const transform = await runPdi(['transform', '--home', home]);
    expect(transform.code, transform.stdout.slice(-2000)).toBe(0);
    const stats = await runPdi([
      'sql',
      ...['--home', home, '--json'],
      `select sum(pageviews)::int as pv, min(timestamp)::varchar as first, max(timestamp)::varchar as last
       from STATS.OVERVIEW_1D`,
    ]);
    const [{ pv, first, last }] = JSON.parse(stats.stdout);
    expect(pv).toBe(csv.split('\n').filter((line) => line.includes(',pageview,')).length);
    // two days of history that end now, and the live day stamped now
    const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    expect(String(last).slice(0, 10)).toBe(day(Date.now()));
    expect(String(first).slice(0, 10) >= day(startedMs - 3 * 86_400_000)).toBe(true);
  }, 240_000);
});
