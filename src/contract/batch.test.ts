import { describe, expect, it } from 'vitest';
import { parseBatch } from './batch.ts';
import { MAX_BATCH_BYTES, MAX_BATCH_HITS, MAX_HIT_BYTES } from './limits.ts';
import { okValue, rejection, utf8 } from './testing.ts';
import type { BatchLine } from './types.ts';

const hit = (n: number) => `v=1&t=pageview&cid=c${n}&z=${n}`;

function summary(lines: BatchLine[]) {
  return lines.map((l) =>
    l.hit.ok ? { line: l.line, hit: l.hit.value } : { line: l.line, reason: l.hit.rejection.reason },
  );
}

/** A valid URL-encoded hit of exactly `bytes` bytes. */
function hitOf(bytes: number, n = 0): string {
  const head = `t=pageview&cid=c${n}&dt=`;
  return head + 'x'.repeat(bytes - head.length);
}

describe('parseBatch: forms', () => {
  it('reads URL-encoded lines', () => {
    const lines = okValue(parseBatch('text/plain', utf8([hit(1), hit(2), hit(3)].join('\n'))));
    expect(summary(lines)).toEqual([
      { line: 1, hit: { v: '1', t: 'pageview', cid: 'c1', z: '1' } },
      { line: 2, hit: { v: '1', t: 'pageview', cid: 'c2', z: '2' } },
      { line: 3, hit: { v: '1', t: 'pageview', cid: 'c3', z: '3' } },
    ]);
    expect(lines.map((l) => l.raw)).toEqual([hit(1), hit(2), hit(3)]);
  });

  it('reads JSON lines', () => {
    const body = ['{"t":"pageview","cid":"a","tm":1}', ' {"t":"event","uid":"u","ni":true} '].join('\n');
    expect(summary(okValue(parseBatch('application/x-ndjson', utf8(body))))).toEqual([
      { line: 1, hit: { t: 'pageview', cid: 'a', tm: 1 } },
      { line: 2, hit: { t: 'event', uid: 'u', ni: true } },
    ]);
  });

  it('reads mixed lines, CRLF endings, and skips blank lines while keeping line numbers', () => {
    const body = `\r\n${hit(1)}\r\n   \r\n{"t":"pageview","cid":"b"}\r\n\t\n${hit(2)}\n\n`;
    expect(summary(okValue(parseBatch(null, utf8(body))))).toEqual([
      { line: 2, hit: { v: '1', t: 'pageview', cid: 'c1', z: '1' } },
      { line: 4, hit: { t: 'pageview', cid: 'b' } },
      { line: 6, hit: { v: '1', t: 'pageview', cid: 'c2', z: '2' } },
    ]);
  });

  it.each([
    null,
    'text/plain',
    'text/plain; charset=utf-8',
    'application/x-www-form-urlencoded',
    'application/json',
    'application/jsonl',
  ])('accepts content type %s', (type) => {
    expect(okValue(parseBatch(type, utf8(hit(1))))).toHaveLength(1);
  });

  it.each(['multipart/form-data; boundary=b', 'application/xml', 'application/octet-stream', 'image/png'])(
    'refuses content type %s with 415',
    (type) => {
      rejection(parseBatch(type, utf8(hit(1))), 415, 'unsupported_content_type', /not supported for \/batch/);
    },
  );

  it('refuses a charset other than UTF-8 with 415', () => {
    rejection(parseBatch('text/plain; charset=latin1', utf8(hit(1))), 415, 'unsupported_content_type');
  });
});

describe('parseBatch: invalid lines are reported one by one', () => {
  it('returns each invalid line as a failed entry with its line number and raw text', () => {
    const body = [
      hit(1),
      't=pageview',
      'cid=1',
      '{"t":"event","cid":',
      't=x&cid=1&dt=%zz',
      't=x&cid=1&cid=2',
      hit(2),
    ].join('\n');
    const lines = okValue(parseBatch('text/plain', utf8(body)));
    expect(summary(lines)).toEqual([
      { line: 1, hit: { v: '1', t: 'pageview', cid: 'c1', z: '1' } },
      { line: 2, reason: 'missing_client_id' },
      { line: 3, reason: 'missing_hit_type' },
      { line: 4, reason: 'invalid_hit' },
      { line: 5, reason: 'invalid_hit' },
      { line: 6, reason: 'invalid_hit' },
      { line: 7, hit: { v: '1', t: 'pageview', cid: 'c2', z: '2' } },
    ]);
    expect(lines[3]?.raw).toBe('{"t":"event","cid":');
    const failed = lines[4]?.hit;
    expect(failed?.ok === false && failed.rejection.message).toMatch(/'dt'/);
  });

  it('refuses an invalid UTF-8 line alone, showing it with replacement characters', () => {
    const body = new Uint8Array([...utf8(`${hit(1)}\nt=x&cid=1&dt=`), 0xff, 0xc3, ...utf8(`\n${hit(2)}`)]);
    const lines = okValue(parseBatch(null, body));
    expect(summary(lines).map((l) => ('reason' in l ? l.reason : 'ok'))).toEqual(['ok', 'invalid_hit', 'ok']);
    expect(lines[1]?.raw).toBe('t=x&cid=1&dt=\ufffd\ufffd');
  });

  it('refuses a line with a bare carriage return', () => {
    const [line] = okValue(parseBatch(null, utf8('t=x&cid=1\rt=y&cid=2')));
    expect(line?.hit).toMatchObject({ ok: false, rejection: { status: 400, message: /carriage return/ } });
  });
});

describe('parseBatch: limits', () => {
  it('accepts 20 hits and refuses 21 with 413', () => {
    const twenty = Array.from({ length: MAX_BATCH_HITS }, (_, i) => hit(i)).join('\n');
    expect(okValue(parseBatch(null, utf8(twenty)))).toHaveLength(20);
    const twentyOne = `${twenty}\n${hit(21)}`;
    rejection(parseBatch(null, utf8(twentyOne)), 413, 'too_large', /21 hits, over the limit of 20/);
  });

  it('does not count blank lines as hits', () => {
    const body = Array.from({ length: MAX_BATCH_HITS }, (_, i) => `${hit(i)}\n\n`).join('');
    expect(okValue(parseBatch(null, utf8(body)))).toHaveLength(20);
  });

  it('counts invalid lines as hits', () => {
    const body = Array.from({ length: MAX_BATCH_HITS + 1 }, () => 'garbage').join('\n');
    rejection(parseBatch(null, utf8(body)), 413, 'too_large', /21 hits/);
  });

  it('accepts a body of exactly 16384 bytes and refuses 16385 with 413', () => {
    // two hits of 8191 bytes + LF each = 16384
    const exact = `${hitOf(8191, 1)}\n${hitOf(8191, 2)}\n`;
    expect(utf8(exact).byteLength).toBe(MAX_BATCH_BYTES);
    expect(okValue(parseBatch(null, utf8(exact)))).toHaveLength(2);
    rejection(parseBatch(null, utf8(`${exact} `)), 413, 'too_large', /16385 bytes, over the limit of 16384/);
  });

  it('accepts a hit of exactly 8192 bytes and refuses the batch for a hit of 8193', () => {
    const exact = `${hit(1)}\n${hitOf(MAX_HIT_BYTES, 2)}\r\n${hit(3)}`;
    expect(summary(okValue(parseBatch(null, utf8(exact)))).map((l) => l.line)).toEqual([1, 2, 3]);
    const over = `${hit(1)}\n${hitOf(MAX_HIT_BYTES + 1, 2)}\n${hit(3)}`;
    rejection(parseBatch(null, utf8(over)), 413, 'too_large', /line 2 is 8193 bytes, over the limit of 8192/);
  });

  it('refuses a 1 MB body with 413', () => {
    rejection(parseBatch(null, new Uint8Array(1024 * 1024).fill(0x0a)), 413, 'too_large');
  });

  it('refuses an empty or blank batch with 400', () => {
    rejection(parseBatch(null, new Uint8Array()), 400, 'invalid_hit', /empty batch/);
    rejection(parseBatch('text/plain', utf8('\n \r\n\t\n')), 400, 'invalid_hit', /empty batch/);
  });
});
