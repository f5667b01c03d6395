import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BROWSING_COLUMNS } from '../dataset/format.ts';
import { datasetTimeRange, type PlannedSend, planSends } from './pump-plan.ts';

async function browsingFile(times: number[]): Promise<string> {
  const file = path.join(await mkdtemp(path.join(os.tmpdir(), 'pdi-plan-')), 'browsing_train.csv');
  const lines = times.map((at, i) => `s${i},pageview,,,${at},u${i}`);
  await writeFile(file, `${BROWSING_COLUMNS.join(',')}\n${lines.join('\n')}\n`);
  return file;
}

async function plan(file: string, options: { rhythm?: boolean; rate?: number | null; speed: number }) {
  const sends: PlannedSend[] = [];
  for await (const send of planSends({
    browsingFile: file,
    catalog: new Map(),
    clock: 'now',
    speed: options.speed,
    rhythm: options.rhythm,
    rate: options.rate ?? null,
    batch: false,
    limit: null,
    startMs: 1_000_000,
    range: await datasetTimeRange(file, null),
  })) {
    sends.push(send);
  }
  return sends;
}

describe('planSends on the now clock', () => {
  it('with rhythm: each hit when its turn comes in the dataset, sped up, stamped when sent', async () => {
    const file = await browsingFile([0, 60_000, 60_000, 600_000]);
    const sends = await plan(file, { rhythm: true, speed: 60 });
    expect(sends.map((s) => s.dueMs - 1_000_000)).toEqual([0, 1_000, 1_000, 10_000]);
    expect(sends.every((s) => s.hits[0]?.eventTimeMs === null)).toBe(true);
  });

  it('with rhythm and a rate: never faster than the rate', async () => {
    const file = await browsingFile([0, 0, 0, 0]);
    const sends = await plan(file, { rhythm: true, speed: 60, rate: 2 });
    expect(sends.map((s) => s.dueMs - 1_000_000)).toEqual([0, 500, 1_000, 1_500]);
  });

  it('without rhythm: as fast as the rate allows, whatever the dataset’s gaps', async () => {
    const file = await browsingFile([0, 60_000, 600_000]);
    const sends = await plan(file, { speed: 60 });
    expect(sends.map((s) => s.dueMs - 1_000_000)).toEqual([0, 0, 0]);
  });
});
