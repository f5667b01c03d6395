import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseBatch } from './batch.ts';
import { buildErrorRecord } from './error-record.ts';
import { anonymizeIp, formatIpv6, parseIp } from './ip.ts';
import { parseHitBody, parseHitQuery } from './parse-hit.ts';
import { buildStreamRecord } from './stream-record.ts';
import { okValue, utf8 } from './testing.ts';
import type { HitParams, Parsed, RequestInfo } from './types.ts';

const RUNS = { numRuns: 500 };

const CONTENT_TYPES = [
  null,
  '',
  'text/plain',
  'text/plain;charset=UTF-8',
  'application/json',
  'application/x-www-form-urlencoded',
  'application/x-www-form-urlencoded; charset=latin1',
  'multipart/form-data; boundary=x',
  'application/xml',
  ';;;=',
  'text/plain; charset="',
];

/** Text made of the pieces hits are made of, so that the parsers' every branch is reached. */
const hitLikeText = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        't=',
        'cid=',
        'uid=',
        'pageview',
        '&',
        '=',
        '%',
        '%2',
        '%zz',
        '%E2%9C%93',
        '%FF',
        '+',
        '\n',
        '\r\n',
        ' ',
      ),
      fc.constantFrom(
        '{',
        '}',
        '"',
        ':',
        ',',
        '[',
        ']',
        'null',
        'true',
        '1e999',
        '-0.5',
        '\\u0074',
        '\\ud800',
        '"t":"x"',
      ),
      fc.string({ unit: 'binary', maxLength: 5 }),
    ),
    { maxLength: 40 },
  )
  .map((pieces) => pieces.join(''));

const anyBytes = fc.oneof(
  fc.uint8Array({ maxLength: 300 }),
  hitLikeText.map(utf8),
  fc.uint8Array({ minLength: 8180, maxLength: 8200 }),
  fc.uint8Array({ minLength: 16_370, maxLength: 16_400 }).map((b) => b.map((x) => (x % 7 === 0 ? 0x0a : x))),
);

/** Ok means a complete hit; otherwise a 400, 413 or 415 with a reason and a message. */
function expectWellFormed(parsed: Parsed<HitParams>) {
  if (parsed.ok) {
    expect(String(parsed.value.t ?? '').trim()).not.toBe('');
    expect(String(parsed.value.cid ?? '').trim() + String(parsed.value.uid ?? '').trim()).not.toBe('');
    for (const value of Object.values(parsed.value))
      expect(['string', 'number', 'boolean']).toContain(typeof value);
  } else {
    expect([400, 413, 415]).toContain(parsed.rejection.status);
    expect(parsed.rejection.reason).toBeTruthy();
    expect(parsed.rejection.message).toBeTruthy();
  }
}

describe('parsers never throw', () => {
  it('parseHitBody: any bytes, any content type', () => {
    fc.assert(
      fc.property(fc.constantFrom(...CONTENT_TYPES), anyBytes, (type, body) =>
        expectWellFormed(parseHitBody(type, body)),
      ),
      RUNS,
    );
  });

  it('parseHitQuery: any text', () => {
    fc.assert(
      fc.property(
        fc.oneof(hitLikeText, fc.string({ unit: 'binary' }), fc.string({ unit: 'binary-ascii' })),
        (query) => expectWellFormed(parseHitQuery(query)),
      ),
      RUNS,
    );
  });

  it('parseBatch: any bytes, any content type', () => {
    const batchText = fc.array(hitLikeText, { maxLength: 25 }).map((lines) => utf8(lines.join('\n')));
    fc.assert(
      fc.property(fc.constantFrom(...CONTENT_TYPES), fc.oneof(anyBytes, batchText), (type, body) => {
        const parsed = parseBatch(type, body);
        if (!parsed.ok) {
          expect([400, 413, 415]).toContain(parsed.rejection.status);
          return;
        }
        expect(parsed.value.length).toBeGreaterThan(0);
        expect(parsed.value.length).toBeLessThanOrEqual(20);
        for (const line of parsed.value) {
          expectWellFormed(line.hit);
          if (!line.hit.ok) expect(line.hit.rejection.status).toBe(400);
        }
      }),
      RUNS,
    );
  });
});

/** Parameters as a client would send them: unique non-empty names, string values, with t and cid. */
const params = fc
  .tuple(
    fc.dictionary(
      fc.string({ unit: 'binary', minLength: 1, maxLength: 12 }),
      fc.string({ unit: 'binary', maxLength: 30 }),
      {
        maxKeys: 12,
      },
    ),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }).filter((s) => s.trim() !== ''),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 36 }).filter((s) => s.trim() !== ''),
  )
  .map(([rest, t, cid]): HitParams => Object.fromEntries([...Object.entries(rest), ['t', t], ['cid', cid]]));

/** The encoding GA's clients use: encodeURIComponent, or + for spaces. */
function formEncode(hit: HitParams, plus: boolean): string {
  const encode = (s: string) => (plus ? encodeURIComponent(s).replaceAll('%20', '+') : encodeURIComponent(s));
  return Object.entries(hit)
    .map(([name, value]) => `${encode(name)}=${encode(String(value))}`)
    .join('&');
}

describe('round trip: encoded params parse back to the same params', () => {
  it('as a form body, a text/plain body, a query and a JSON body', () => {
    fc.assert(
      fc.property(params, fc.boolean(), (hit, plus) => {
        const form = formEncode(hit, plus);
        expect(okValue(parseHitBody('application/x-www-form-urlencoded', utf8(form)))).toEqual(hit);
        expect(okValue(parseHitBody('text/plain', utf8(form)))).toEqual(hit);
        expect(okValue(parseHitBody(null, utf8(form)))).toEqual(hit);
        expect(okValue(parseHitQuery(`?${form}`))).toEqual(hit);
        expect(okValue(parseHitBody('application/json', utf8(JSON.stringify(hit))))).toEqual(hit);
        expect(okValue(parseHitBody(null, utf8(JSON.stringify(hit, null, 2))))).toEqual(hit);
      }),
      RUNS,
    );
  });

  it('as batch lines, URL-encoded and JSON mixed', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(params, fc.boolean()), { minLength: 1, maxLength: 3 }), (hits) => {
        const body = hits
          .map(([hit, json]) => (json ? JSON.stringify(hit) : formEncode(hit, false)))
          .join('\r\n');
        const lines = okValue(parseBatch('text/plain', utf8(body)));
        expect(lines.map((l) => okValue(l.hit))).toEqual(hits.map(([hit]) => hit));
        expect(lines.map((l) => l.line)).toEqual(hits.map((_, i) => i + 1));
      }),
      RUNS,
    );
  });
});

const octet = fc.integer({ min: 0, max: 255 });
const group = fc.integer({ min: 0, max: 0xffff });

describe('IP anonymization', () => {
  it('IPv4 keeps the first three octets', () => {
    fc.assert(
      fc.property(fc.tuple(octet, octet, octet, octet), ([a, b, c, d]) => {
        expect(anonymizeIp(`${a}.${b}.${c}.${d}`)).toBe(`${a}.${b}.${c}.0`);
        expect(anonymizeIp(`::ffff:${a}.${b}.${c}.${d}`)).toBe(`${a}.${b}.${c}.0`);
      }),
      RUNS,
    );
  });

  it('IPv6 keeps the first 48 bits, in any input form, in canonical form', () => {
    fc.assert(
      fc.property(fc.array(group, { minLength: 8, maxLength: 8 }), (groups) => {
        fc.pre(!(groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff));
        const full = groups.map((g) => g.toString(16).padStart(4, '0')).join(':');
        const anonymized = anonymizeIp(full);
        expect(anonymizeIp(formatIpv6(groups))).toBe(anonymized);
        expect(anonymizeIp(full.toUpperCase())).toBe(anonymized);
        expect(parseIp(anonymized ?? '')).toEqual({
          kind: 'v6',
          groups: [...groups.slice(0, 3), 0, 0, 0, 0, 0],
        });
        expect(
          formatIpv6(parseIp(anonymized ?? '')?.kind === 'v6' ? [...groups.slice(0, 3), 0, 0, 0, 0, 0] : []),
        ).toBe(anonymized);
      }),
      RUNS,
    );
  });

  it('a record built with anonymizeIp holds no full address', () => {
    const hostV4 = fc.tuple(octet, octet, octet, fc.integer({ min: 1, max: 255 })).map((o) => o.join('.'));
    const hostV6 = fc
      .array(group, { minLength: 8, maxLength: 8 })
      .filter(
        (g) => g.slice(3).some((x) => x !== 0) && !(g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff),
      )
      .map(formatIpv6);
    const address = fc.oneof(hostV4, hostV6);
    fc.assert(
      fc.property(address, address, address, fc.boolean(), (uip, xff, source, withUip) => {
        const request: RequestInfo = {
          id: 'id',
          timestamp: 0,
          hostname: 'h',
          path: '/collect',
          method: 'GET',
          headers: { 'x-forwarded-for': `${xff}, ${source}` },
          sourceIp: source,
        };
        const hit: HitParams = withUip ? { t: 'pageview', cid: 'c', uip } : { t: 'pageview', cid: 'c' };
        const record = buildStreamRecord(
          hit,
          request,
          { timestamp: 0, statusCode: 200, headers: {} },
          { anonymizeIp: true },
        );
        const json = JSON.stringify(record);
        for (const full of [uip, xff, source]) expect(json).not.toContain(full);
        expect(record.context.user_ip).toBe(anonymizeIp(withUip ? uip : xff));
      }),
      RUNS,
    );
  });
});

describe('error record raw', () => {
  it('is a prefix of the raw text, cut on a character boundary within 3 bytes of the limit', () => {
    const request: RequestInfo = {
      id: 'i',
      timestamp: 0,
      hostname: '',
      path: '/',
      method: 'POST',
      headers: {},
      sourceIp: null,
    };
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), fc.nat(600), (raw, limit) => {
        const bytes = utf8(raw);
        const record = buildErrorRecord(
          { status: 400, reason: 'invalid_hit', message: 'm' },
          request,
          raw,
          null,
          limit,
        );
        const kept = utf8(record.request.raw);
        expect(raw.startsWith(record.request.raw)).toBe(true);
        expect(record.request.raw_bytes).toBe(bytes.byteLength);
        expect(record.request.raw_truncated).toBe(bytes.byteLength > limit);
        expect(kept.byteLength).toBeLessThanOrEqual(limit);
        expect(kept.byteLength).toBeGreaterThanOrEqual(Math.min(bytes.byteLength, limit - 3));
      }),
      RUNS,
    );
  });
});
