import { describe, expect, it } from 'vitest';
import { parseLimit, parseRange, parseTime } from './params.ts';

const DAY = 86_400_000;

describe('the API parameters', () => {
  it('reads dates and times as UTC unless they carry an offset', () => {
    expect(parseTime('from', '2026-11-30')).toEqual({ ok: true, value: Date.parse('2026-11-30T00:00:00Z') });
    expect(parseTime('from', '2026-11-30T12:30')).toEqual({
      ok: true,
      value: Date.parse('2026-11-30T12:30:00Z'),
    });
    expect(parseTime('from', '2026-11-30T12:30:00+01:00')).toEqual({
      ok: true,
      value: Date.parse('2026-11-30T11:30:00Z'),
    });
    expect(parseTime('from', '2026-11-30T12:30:00.250Z')).toEqual({
      ok: true,
      value: Date.parse('2026-11-30T12:30:00.250Z'),
    });
    for (const bad of [
      '',
      'now',
      '1764500000000',
      '2026-11-30T25:00',
      '30/11/2026',
      '2026-11-30T12:30:00Zjunk',
    ]) {
      expect(parseTime('from', bad).ok, bad).toBe(false);
    }
  });

  it('fills a missing end with now and a missing start with the default span', () => {
    const now = Date.parse('2026-11-30T12:00:00Z');
    expect(parseRange({}, now, DAY, 10 * DAY)).toEqual({ ok: true, value: { fromMs: now - DAY, toMs: now } });
    expect(parseRange({ to: '2026-11-01' }, now, DAY, 10 * DAY)).toEqual({
      ok: true,
      value: { fromMs: Date.parse('2026-10-31T00:00:00Z'), toMs: Date.parse('2026-11-01T00:00:00Z') },
    });
    expect(parseRange({ from: '2026-11-30T12:00Z' }, now, DAY, 10 * DAY)).toEqual({
      ok: false,
      reason: 'from must be before to',
    });
  });

  it('takes limits from 1 to 100 only', () => {
    expect(parseLimit(undefined)).toEqual({ ok: true, value: 10 });
    expect(parseLimit('100')).toEqual({ ok: true, value: 100 });
    for (const bad of ['0', '101', '-1', '1e2', ' 5', '']) expect(parseLimit(bad).ok, bad).toBe(false);
  });
});
