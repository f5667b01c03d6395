import { describe, expect, it } from 'vitest';
import { createApi } from './api.ts';
import { Figures, WarehouseBusyError } from './figures.ts';

/** A read that answers when told to. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('Figures', () => {
  it('answers fresh when the warehouse answers within the deadline', async () => {
    let clock = 1_000;
    const figures = new Figures(50, () => clock);
    const answer = await figures.get('q', async () => 42);
    expect(answer).toEqual({ value: 42, readAtMs: 1_000, fresh: true });
    clock = 2_000;
    expect((await figures.get('q', async () => 43)).value).toBe(43);
  });

  it('gives the last answer, with its time, when the warehouse is slower than the deadline, then the new one', async () => {
    let clock = 1_000;
    const figures = new Figures(20, () => clock);
    await figures.get('q', async () => 1);
    clock = 5_000;
    const slow = deferred<number>();
    const stale = await figures.get('q', () => slow.promise);
    expect(stale).toEqual({ value: 1, readAtMs: 1_000, fresh: false });
    // the answer holds what was committed when its read began, not when it came
    clock = 6_000;
    slow.resolve(2);
    await slow.promise;
    await new Promise((r) => setTimeout(r, 0));
    // the late answer replaced the old one: the next slow read is answered with it
    const slower = deferred<number>();
    expect(await figures.get('q', () => slower.promise)).toEqual({ value: 2, readAtMs: 5_000, fresh: false });
    slower.resolve(3);
  });

  it('says the warehouse is busy, and why, when a question was never answered', async () => {
    const figures = new Figures(20, Date.now, () => 'dbt is building the models');
    const never = deferred<number>();
    await expect(figures.get('q', () => never.promise)).rejects.toThrow(
      new WarehouseBusyError(
        'the warehouse is busy (dbt is building the models): try again in a few seconds',
      ),
    );
  });

  it('shares one read among the requests that arrive while it runs', async () => {
    const figures = new Figures(1_000);
    let reads = 0;
    const pending = deferred<number>();
    const read = () => {
      reads++;
      return pending.promise;
    };
    const answers = Promise.all([figures.get('q', read), figures.get('q', read), figures.get('q', read)]);
    pending.resolve(7);
    expect((await answers).map((a) => a.value)).toEqual([7, 7, 7]);
    expect(reads).toBe(1);
  });

  it('passes a failure on when there is nothing to fall back on, and falls back when there is', async () => {
    const figures = new Figures(1_000);
    await expect(figures.get('q', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await figures.get('q', async () => 5);
    expect(await figures.get('q', async () => Promise.reject(new Error('boom')))).toMatchObject({
      value: 5,
      fresh: false,
    });
  });

  it('reads again the questions asked lately, and forgets the others', async () => {
    let clock = 0;
    const figures = new Figures(1_000, () => clock);
    let a = 0;
    let b = 0;
    await figures.get('a', async () => ++a);
    clock = 60_000;
    await figures.get('b', async () => ++b);
    await figures.refreshRecent(30_000);
    expect([a, b]).toEqual([1, 2]);
  });
});

describe('the API while the warehouse is busy', () => {
  it('answers 503 busy, then the figures last read with their age, within its deadline', async () => {
    let clock = Date.parse('2026-11-30T12:00:00Z');
    // a warehouse slower than the deadline (a dbt build beside it, a heavy query): reads wait until `dbt` resolves
    let dbt: ReturnType<typeof deferred<void>> | null = null;
    let reads = 0;
    const api = createApi(
      {
        query: async () => {
          await dbt?.promise;
          reads++;
          return [{ detail_sessions: 10 * reads, add_sessions: 2, purchase_sessions: 1 }];
        },
        health: async () => ({}),
        busyReason: () => (dbt ? 'dbt is building the models' : null),
      },
      { now: () => clock, deadlineMs: 50 },
    );
    // the default range ends now: the question stays the same as the clock moves
    const url = '/funnel';
    dbt = deferred<void>();
    const busy = await api.request(url);
    expect(busy.status).toBe(503);
    expect(busy.headers.get('retry-after')).toBe('5');
    expect(await busy.json()).toEqual({
      error: 'busy',
      message: 'the warehouse is busy (dbt is building the models): try again in a few seconds',
    });
    dbt.resolve();
    dbt = null;
    expect(await (await api.request(url)).json()).toMatchObject({
      detail_sessions: 10,
      fresh: true,
      age_seconds: 0,
    });

    dbt = deferred<void>();
    clock += 90_000;
    const started = Date.now();
    const stale = await api.request(url);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(await stale.json()).toMatchObject({
      detail_sessions: 10,
      detail_to_add: 0.2,
      fresh: false,
      age_seconds: 90,
      as_of: '2026-11-30T12:00:00.000Z',
    });
    dbt.resolve();
    dbt = null;
    const after = (await (await api.request(url)).json()) as { detail_sessions: number; fresh: boolean };
    expect(after.fresh).toBe(true);
    expect(after.detail_sessions).toBeGreaterThan(10);
  });

  it('says there are no figures yet before the first dbt run', async () => {
    const api = createApi({
      query: () => Promise.reject(new Error('Catalog Error: Table with name OVERVIEW_1D does not exist!')),
      health: async () => ({}),
      busyReason: () => null,
    });
    const res = await api.request('/overview?grain=day');
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({
      error: 'no_data',
      message: 'no figures yet: the first dbt run has not finished',
    });
  });
});
