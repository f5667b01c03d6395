import { describe, expect, it } from 'vitest';
import { anonymizeIpHeaders, cleanHeaders } from './headers.ts';

describe('cleanHeaders', () => {
  it('lower-cases names and drops credentials, from a record', () => {
    expect(
      cleanHeaders({
        'User-Agent': 'UA',
        Cookie: 'session=secret',
        Authorization: 'Bearer secret',
        'Proxy-Authorization': 'Basic secret',
        'X-Forwarded-For': '198.51.100.7',
        Accept: undefined,
      }),
    ).toEqual({ 'user-agent': 'UA', 'x-forwarded-for': '198.51.100.7' });
  });

  it("joins multi-values with ', '", () => {
    expect(cleanHeaders({ 'x-forwarded-for': ['198.51.100.7', '10.0.0.1'], 'set-x': [] })).toEqual({
      'x-forwarded-for': '198.51.100.7, 10.0.0.1',
    });
    expect(
      cleanHeaders([
        ['X-Test', 'a'],
        ['x-test', 'b'],
        ['Cookie', 'c'],
      ]),
    ).toEqual({ 'x-test': 'a, b' });
  });

  it('keeps a header named __proto__ as a header, not as the prototype', () => {
    const cleaned = cleanHeaders([
      ['__proto__', 'x'],
      ['Host', 'collect.example'],
    ]);
    expect(Object.getPrototypeOf(cleaned)).toBe(Object.prototype);
    expect(Object.keys(cleaned)).toEqual(['__proto__', 'host']);
    expect(JSON.stringify(cleaned)).toBe('{"__proto__":"x","host":"collect.example"}');
  });

  it('reads a Fetch Headers object', () => {
    const headers = new Headers({
      'Content-Type': 'text/plain',
      Cookie: 'a=b',
      Referer: 'https://shop.example/',
    });
    headers.append('X-Forwarded-For', '1.2.3.4');
    headers.append('X-Forwarded-For', '5.6.7.8');
    expect(cleanHeaders(headers)).toEqual({
      'content-type': 'text/plain',
      referer: 'https://shop.example/',
      'x-forwarded-for': '1.2.3.4, 5.6.7.8',
    });
  });

  it('reads a Map', () => {
    expect(
      cleanHeaders(
        new Map([
          ['AUTHORIZATION', 'x'],
          ['Host', 'collect.example'],
        ]),
      ),
    ).toEqual({ host: 'collect.example' });
  });
});

describe('anonymizeIpHeaders', () => {
  it('anonymizes every address of the forwarding headers', () => {
    expect(
      anonymizeIpHeaders({
        'x-forwarded-for': '198.51.100.7, 2001:db8:1:2::5, unknown',
        'x-real-ip': '203.0.113.9',
        'cf-connecting-ip': '::ffff:203.0.113.9',
        'user-agent': 'UA 1.2.3.4',
      }),
    ).toEqual({
      'x-forwarded-for': '198.51.100.0, 2001:db8:1::, unknown',
      'x-real-ip': '203.0.113.0',
      'cf-connecting-ip': '203.0.113.0',
      'user-agent': 'UA 1.2.3.4',
    });
  });

  it('anonymizes the for= of a Forwarded header (RFC 7239)', () => {
    expect(
      anonymizeIpHeaders({
        forwarded:
          'for=192.0.2.60;proto=http;by=203.0.113.43, For="[2001:db8:cafe::17]:4711", for=unknown, for=_hidden',
      }).forwarded,
    ).toBe('for=192.0.2.0;proto=http;by=203.0.113.43, For="[2001:db8:cafe::]", for=unknown, for=unknown');
  });

  it('does not change its input', () => {
    const headers = { 'x-forwarded-for': '198.51.100.7' };
    anonymizeIpHeaders(headers);
    expect(headers['x-forwarded-for']).toBe('198.51.100.7');
  });
});
