import { describe, expect, it } from 'vitest';
import { nextBuildAtMs } from './stack.ts';

describe('nextBuildAtMs', () => {
  it('waits the interval after a short build, and as long as a build took after a long one', () => {
    // a 10 s build, every 30 s: 30 s after it started
    expect(nextBuildAtMs(0, 10_000, 30)).toBe(30_000);
    // a 25 s build: as long again as it took, 50 s after it started
    expect(nextBuildAtMs(0, 25_000, 30)).toBe(50_000);
    // a 40 s build, longer than the interval: 40 s of rest after it
    expect(nextBuildAtMs(0, 40_000, 30)).toBe(80_000);
    // exactly half: both rules agree
    expect(nextBuildAtMs(0, 15_000, 30)).toBe(30_000);
  });
});
