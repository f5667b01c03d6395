import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readLakeRecords } from '../src/stream/index.ts';
import { PDI, runPdi, tempHome } from './support/pdi.ts';

describe('./pdi demo', () => {
  it('generates a dataset, pumps it into the collector, and stops cleanly on Ctrl-C with every row in the lake', async () => {
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
});
