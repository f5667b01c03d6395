import { DuckDBInstance } from '@duckdb/node-api';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizedId } from './mapping.ts';

describe('normalizedId', () => {
  let instance: DuckDBInstance;
  beforeAll(async () => {
    instance = await DuckDBInstance.create(':memory:');
  });
  afterAll(() => instance.closeSync());

  /** Each text's id by the shortcut and by the plain expression that it stands for. */
  async function bothWays(texts: (string | null)[], maxLength: number) {
    const c = await instance.connect();
    try {
      await c.run('create or replace temp table texts (i integer, text varchar)');
      const appender = await c.createAppender('texts', null, 'temp');
      texts.forEach((text, i) => {
        appender.appendInteger(i);
        if (text === null) appender.appendNull();
        else appender.appendVarchar(text);
        appender.endRow();
      });
      appender.closeSync();
      return (
        await c.runAndReadAll(`
          select ${normalizedId('text', maxLength)} as fast, nullif(left(lower(trim(text)), ${maxLength}), '') as plain
          from texts order by i`)
      ).getRowObjectsJson() as { fast: string | null; plain: string | null }[];
    } finally {
      c.closeSync();
    }
  }

  it('trims, lower-cases and cuts an id as the plain expression does', async () => {
    const texts = [
      '0192f1d2-0000-7000-8000-000000000001',
      '0192F1D2-0000-7000-8000-000000000001',
      '  Client-1 ',
      ' leading',
      'trailing ',
      '\u00a0nbsp\u00a0',
      '\u3000ideographic space\u2003',
      '\ttab\t',
      'É-upper-accented',
      'x'.repeat(37),
      ` ${'y'.repeat(36)} `,
      `${'é'.repeat(36)}`,
      `${'é'.repeat(37)}`,
      '',
      '   ',
      '\u00a0',
      null,
    ];
    const rows = await bothWays(texts, 36);
    for (const row of rows) expect(row.fast).toBe(row.plain);
    expect(rows.map((r) => r.fast).slice(0, 6)).toEqual([
      '0192f1d2-0000-7000-8000-000000000001',
      '0192f1d2-0000-7000-8000-000000000001',
      'client-1',
      'leading',
      'trailing',
      'nbsp',
    ]);
    expect(rows.slice(-4).map((r) => r.fast)).toEqual([null, null, null, null]);
  });

  it('agrees with the plain expression on any text', async () => {
    const edge = fc.constantFrom(' ', '\u00a0', '\u2009', '\u3000', '\t', 'A', 'é', '');
    const text = fc
      .tuple(edge, fc.string({ unit: 'grapheme', maxLength: 40 }), edge)
      .map(([a, middle, b]) => `${a}${middle}${b}`);
    const texts = fc.sample(text, { numRuns: 2000, seed: 7 });
    for (const maxLength of [1, 8, 36]) {
      const rows = await bothWays(texts, maxLength);
      rows.forEach((row, i) => {
        expect(row.fast, JSON.stringify(texts[i])).toBe(row.plain);
      });
    }
  });
});
