import { describe, expect, it } from 'vitest';
import { MAX_HIT_BYTES, MAX_URL_QUERY_BYTES } from './limits.ts';
import { parseHitBody, parseHitQuery } from './parse-hit.ts';
import { okValue, rejection, utf8 } from './testing.ts';

const FORM = 'application/x-www-form-urlencoded';
const HIT = 'v=1&t=pageview&cid=555&dl=https%3A%2F%2Fshop.example%2Fp%3Fa%3D1%26b%3D2&z=42';
const HIT_PARAMS = { v: '1', t: 'pageview', cid: '555', dl: 'https://shop.example/p?a=1&b=2', z: '42' };

/** A valid URL-encoded hit of exactly `bytes` bytes. */
function formHitOf(bytes: number): string {
  const head = 't=pageview&cid=1&dt=';
  return head + 'x'.repeat(bytes - head.length);
}

describe('parseHitBody: forms', () => {
  it('reads an application/x-www-form-urlencoded body', () => {
    expect(okValue(parseHitBody(FORM, utf8(HIT)))).toEqual(HIT_PARAMS);
  });

  it('reads text/plain as URL-encoded (what GA clients send), with a charset parameter', () => {
    expect(okValue(parseHitBody('text/plain;charset=UTF-8', utf8(HIT)))).toEqual(HIT_PARAMS);
    expect(okValue(parseHitBody('Text/Plain; Charset="utf8"', utf8(HIT)))).toEqual(HIT_PARAMS);
  });

  it('reads the original JSON body, keeping numbers and booleans', () => {
    const body = JSON.stringify({
      t: 'event',
      cid: 'c1',
      pa: 'detail',
      pr1id: 'sku',
      tm: 1234,
      ni: true,
      pr1pr: 9.5,
    });
    expect(okValue(parseHitBody('application/json', utf8(body)))).toEqual({
      t: 'event',
      cid: 'c1',
      pa: 'detail',
      pr1id: 'sku',
      tm: 1234,
      ni: true,
      pr1pr: 9.5,
    });
  });

  it('reads JSON sent as text/plain', () => {
    expect(okValue(parseHitBody('text/plain', utf8('{"t":"pageview","cid":"a"}')))).toEqual({
      t: 'pageview',
      cid: 'a',
    });
  });

  it('sniffs the form when there is no content type', () => {
    expect(okValue(parseHitBody(null, utf8(HIT)))).toEqual(HIT_PARAMS);
    expect(okValue(parseHitBody(null, utf8('  \n {"t":"pageview","uid":"u"}\n')))).toEqual({
      t: 'pageview',
      uid: 'u',
    });
    expect(okValue(parseHitBody('', utf8(HIT)))).toEqual(HIT_PARAMS);
  });

  it('does not sniff an explicit form content type', () => {
    rejection(parseHitBody(FORM, utf8('{"t":"pageview","cid":"a"}')), 400, 'missing_hit_type');
    rejection(parseHitBody('application/json', utf8(HIT)), 400, 'invalid_hit', /JSON body must be an object/);
  });

  it('ignores surrounding whitespace and a trailing newline', () => {
    expect(okValue(parseHitBody(FORM, utf8(`\r\n ${HIT}\r\n`)))).toEqual(HIT_PARAMS);
  });

  it('ignores a UTF-8 byte order mark', () => {
    expect(okValue(parseHitBody(null, new Uint8Array([0xef, 0xbb, 0xbf, ...utf8(HIT)])))).toEqual(HIT_PARAMS);
  });

  it('keeps unknown parameters as they are', () => {
    expect(okValue(parseHitBody(FORM, utf8('t=x&cid=1&foo_bar=baz&cd12=%20&empty=&flag')))).toEqual({
      t: 'x',
      cid: '1',
      foo_bar: 'baz',
      cd12: ' ',
      empty: '',
      flag: '',
    });
  });

  it('takes a uid without a cid', () => {
    expect(okValue(parseHitBody(FORM, utf8('t=pageview&uid=42')))).toEqual({ t: 'pageview', uid: '42' });
  });
});

describe('parseHitBody: content types', () => {
  it.each([
    'multipart/form-data; boundary=x',
    'application/xml',
    'application/octet-stream',
    'text/html',
    'image/gif',
  ])('refuses %s with 415', (type) => {
    rejection(parseHitBody(type, utf8(HIT)), 415, 'unsupported_content_type', /not supported/);
  });

  it('refuses a charset other than UTF-8 with 415', () => {
    rejection(
      parseHitBody('text/plain; charset=ISO-8859-1', utf8(HIT)),
      415,
      'unsupported_content_type',
      /iso-8859-1.*UTF-8/,
    );
    rejection(parseHitBody('application/json;charset=utf-16', utf8('{}')), 415, 'unsupported_content_type');
  });
});

describe('parseHitBody: limits', () => {
  it('accepts a body of exactly 8192 bytes', () => {
    const body = formHitOf(MAX_HIT_BYTES);
    expect(utf8(body).byteLength).toBe(8192);
    expect(okValue(parseHitBody(FORM, utf8(body))).t).toBe('pageview');
  });

  it('refuses a body one byte over with 413 naming the limit', () => {
    rejection(
      parseHitBody(FORM, utf8(formHitOf(MAX_HIT_BYTES + 1))),
      413,
      'too_large',
      /8193 bytes.*limit of 8192/,
    );
  });

  it('counts bytes, not characters', () => {
    const head = 't=pageview&cid=1&dt=';
    const body = head + '✓'.repeat(Math.floor((MAX_HIT_BYTES - head.length) / 3) + 1);
    expect(body.length).toBeLessThan(MAX_HIT_BYTES);
    rejection(parseHitBody(FORM, utf8(body)), 413, 'too_large');
  });

  it('refuses a 1 MB body with 413, JSON or not', () => {
    const huge = new Uint8Array(1024 * 1024).fill(0x61);
    rejection(parseHitBody(FORM, huge), 413, 'too_large', /1048576 bytes/);
    rejection(parseHitBody('application/json', huge), 413, 'too_large');
    rejection(parseHitBody(null, huge), 413, 'too_large');
  });

  it('refuses an empty or blank body with 400', () => {
    rejection(parseHitBody(FORM, new Uint8Array()), 400, 'invalid_hit', /empty body/);
    rejection(parseHitBody(null, utf8(' \r\n\t ')), 400, 'invalid_hit', /empty body/);
    rejection(parseHitBody('application/json', new Uint8Array()), 400, 'invalid_hit', /empty body/);
  });
});

describe('parseHitBody: required and malformed parameters', () => {
  it("refuses a hit without 't'", () => {
    rejection(
      parseHitBody(FORM, utf8('cid=1&dl=x')),
      400,
      'missing_hit_type',
      "missing required parameter 't' (hit type)",
    );
    rejection(parseHitBody(FORM, utf8('t=&cid=1')), 400, 'missing_hit_type');
    rejection(parseHitBody(FORM, utf8('t=%20%20&cid=1')), 400, 'missing_hit_type');
  });

  it("refuses a hit without 'cid' or 'uid'", () => {
    rejection(
      parseHitBody(FORM, utf8('t=pageview')),
      400,
      'missing_client_id',
      /'cid' \(client id\) or 'uid'/,
    );
    rejection(parseHitBody(FORM, utf8('t=pageview&cid=&uid=')), 400, 'missing_client_id');
    rejection(parseHitBody('application/json', utf8('{"t":"pageview","cid":""}')), 400, 'missing_client_id');
  });

  it('refuses malformed percent-encoding, naming the parameter', () => {
    rejection(
      parseHitBody(FORM, utf8('t=pageview&cid=1&dt=100%zz')),
      400,
      'invalid_hit',
      /'dt'.*malformed percent-encoding.*'%zz'/,
    );
    rejection(parseHitBody(FORM, utf8('t=pageview&cid=1&dt=50%')), 400, 'invalid_hit', /'dt'.*malformed/);
    rejection(
      parseHitBody(FORM, utf8('t=pageview&cid=1&d%g1=1')),
      400,
      'invalid_hit',
      /parameter name 'd%g1'/,
    );
  });

  it('refuses percent-encoded bytes that are not UTF-8, naming the parameter', () => {
    rejection(
      parseHitBody(FORM, utf8('t=pageview&cid=1&dt=caf%E9')),
      400,
      'invalid_hit',
      /'dt'.*not valid UTF-8/,
    );
  });

  it('refuses a repeated parameter, naming it', () => {
    rejection(
      parseHitBody(FORM, utf8('t=pageview&cid=1&cid=2')),
      400,
      'invalid_hit',
      /'cid' appears more than once/,
    );
    rejection(
      parseHitBody(FORM, utf8('t=pageview&cid=1&%74=event')),
      400,
      'invalid_hit',
      /'t' appears more than once/,
    );
    rejection(
      parseHitBody('application/json', utf8('{"t":"a","cid":"1","t":"b"}')),
      400,
      'invalid_hit',
      /'t' appears/,
    );
    rejection(
      parseHitBody('application/json', utf8('{"t":"a","cid":"1","\\u0074":"b"}')),
      400,
      'invalid_hit',
      /'t' appears/,
    );
  });

  it('refuses a parameter with an empty name', () => {
    rejection(parseHitBody(FORM, utf8('t=pageview&cid=1&=x')), 400, 'invalid_hit', /empty name/);
  });

  it('ignores empty segments', () => {
    expect(okValue(parseHitBody(FORM, utf8('&t=pageview&&cid=1&')))).toEqual({ t: 'pageview', cid: '1' });
  });

  it('refuses a URL-encoded body of several lines, pointing to /batch', () => {
    rejection(parseHitBody(FORM, utf8('t=pageview&cid=1\nt=pageview&cid=2')), 400, 'invalid_hit', /\/batch/);
  });

  it('refuses invalid UTF-8', () => {
    const body = new Uint8Array([...utf8('t=pageview&cid=1&dt='), 0xc3, 0x28]);
    rejection(parseHitBody(FORM, body), 400, 'invalid_hit', /not valid UTF-8/);
    rejection(parseHitBody(null, new Uint8Array([0xff, 0xfe, 0x74])), 400, 'invalid_hit', /not valid UTF-8/);
  });
});

describe('parseHitBody: JSON', () => {
  const json = (text: string) => parseHitBody('application/json', utf8(text));

  it('refuses malformed JSON, naming the parameter it follows', () => {
    rejection(json('{"t":"pageview","cid":"1"'), 400, 'invalid_hit', /malformed JSON after parameter 'cid'/);
    rejection(json('{"t":"pageview",,"cid":"1"}'), 400, 'invalid_hit', /malformed JSON after parameter 't'/);
    rejection(json('{"t":pageview}'), 400, 'invalid_hit', /malformed JSON after parameter 't'.*value of 't'/);
    rejection(json("{'t':'pageview'}"), 400, 'invalid_hit', /malformed JSON at the start/);
    rejection(json('{"t":"pageview","cid":"1"} x'), 400, 'invalid_hit', /nothing after/);
    rejection(json('{"t":"a\u0001","cid":"1"}'), 400, 'invalid_hit', /malformed JSON/);
    rejection(json('{"t":"\\x","cid":"1"}'), 400, 'invalid_hit', /malformed JSON/);
    rejection(json('{"t":01,"cid":"1"}'), 400, 'invalid_hit', /malformed JSON/);
  });

  it('refuses a JSON value that is not an object', () => {
    for (const text of ['[]', '"t=pageview"', '42', 'null', 'true', '[{"t":"pageview","cid":"1"}]']) {
      rejection(json(text), 400, 'invalid_hit', /JSON body must be an object of parameters/);
    }
  });

  it('refuses nested objects, arrays and null, naming the parameter', () => {
    rejection(
      json('{"t":"event","cid":"1","pr":{"id":"x"}}'),
      400,
      'invalid_hit',
      /'pr' must be a string, number or boolean, not an object/,
    );
    rejection(json('{"t":"event","cid":"1","pr":["x"]}'), 400, 'invalid_hit', /'pr' .*not an array/);
    rejection(json('{"t":"event","cid":"1","uid":null}'), 400, 'invalid_hit', /'uid' is null/);
  });

  it('refuses numbers out of range and unpaired surrogates', () => {
    rejection(
      json('{"t":"event","cid":"1","ev":1e400}'),
      400,
      'invalid_hit',
      /'ev' is a number out of range/,
    );
    rejection(
      json('{"t":"event","cid":"1","dt":"\\ud800"}'),
      400,
      'invalid_hit',
      /'dt' has an unpaired surrogate/,
    );
  });

  it('keeps numbers as numbers, including negative and exponent forms', () => {
    expect(okValue(json('{ "t" : "event" , "cid" : 7 , "ev" : -1.5e2 , "ni" : false }'))).toEqual({
      t: 'event',
      cid: 7,
      ev: -150,
      ni: false,
    });
  });

  it('refuses an empty object as a hit without a type', () => {
    rejection(json('{}'), 400, 'missing_hit_type');
    rejection(json('{ }'), 400, 'missing_hit_type');
  });

  it('keeps names that are Object.prototype properties as plain parameters', () => {
    const hit = okValue(json('{"t":"event","cid":"1","__proto__":"p","constructor":"c","toString":"s"}'));
    expect(Object.keys(hit)).toEqual(['t', 'cid', '__proto__', 'constructor', 'toString']);
    expect(Object.getPrototypeOf(hit)).toBe(Object.prototype);
    expect(JSON.parse(JSON.stringify(hit))).toMatchObject({ constructor: 'c' });
  });

  it('does the same in URL-encoded parameters, where a repeated one is still refused', () => {
    const hit = okValue(parseHitBody(FORM, utf8('t=event&cid=1&__proto__=p&constructor=c&toString=s')));
    expect(Object.keys(hit)).toEqual(['t', 'cid', '__proto__', 'constructor', 'toString']);
    expect(Object.getPrototypeOf(hit)).toBe(Object.prototype);
    expect(JSON.parse(JSON.stringify(hit))).toEqual({
      t: 'event',
      cid: '1',
      ['__proto__']: 'p',
      constructor: 'c',
      toString: 's',
    });
    rejection(parseHitBody(FORM, utf8('t=event&cid=1&__proto__=p&__proto__=q')), 400, 'invalid_hit');
    rejection(parseHitBody(FORM, utf8('t=event&cid=1&constructor=a&constructor=b')), 400, 'invalid_hit');
  });
});

describe('Unicode survives', () => {
  const texts = [
    '✓ café',
    'naïve 🎉👩‍👩‍👧',
    'Привет мир',
    '東京タワー',
    'مرحبا',
    'עברית',
    'हिन्दी',
    '\u00a0 e\u0301',
  ];

  it.each(texts)('%s in a URL-encoded body, a query and JSON', (text) => {
    const encoded = `t=pageview&cid=1&dt=${encodeURIComponent(text)}`;
    expect(okValue(parseHitBody(FORM, utf8(encoded))).dt).toBe(text);
    expect(okValue(parseHitQuery(encoded)).dt).toBe(text);
    expect(
      okValue(parseHitBody('application/json', utf8(JSON.stringify({ t: 'pageview', cid: '1', dt: text }))))
        .dt,
    ).toBe(text);
  });

  it('reads dt=%E2%9C%93 as a check mark', () => {
    expect(okValue(parseHitQuery('t=pageview&cid=1&dt=%E2%9C%93')).dt).toBe('✓');
  });

  it('keeps raw (unencoded) UTF-8 in a text/plain body', () => {
    expect(okValue(parseHitBody('text/plain', utf8('t=pageview&cid=1&dt=東京 🎉'))).dt).toBe('東京 🎉');
  });
});

describe('parseHitQuery', () => {
  it('reads a query string, with or without its ?', () => {
    expect(okValue(parseHitQuery(HIT))).toEqual(HIT_PARAMS);
    expect(okValue(parseHitQuery(`?${HIT}`))).toEqual(HIT_PARAMS);
  });

  it("reads '+' as a space", () => {
    expect(okValue(parseHitQuery('t=pageview&cid=1&dt=a+b%2Bc')).dt).toBe('a b+c');
  });

  it('refuses an empty query with 400', () => {
    rejection(parseHitQuery(''), 400, 'invalid_hit', /empty query string/);
    rejection(parseHitQuery('?'), 400, 'invalid_hit', /empty query string/);
  });

  it('accepts a query of exactly 8000 bytes and refuses 8001 with 413', () => {
    expect(okValue(parseHitQuery(formHitOf(MAX_URL_QUERY_BYTES))).t).toBe('pageview');
    expect(okValue(parseHitQuery(`?${formHitOf(MAX_URL_QUERY_BYTES)}`)).t).toBe('pageview');
    rejection(
      parseHitQuery(formHitOf(MAX_URL_QUERY_BYTES + 1)),
      413,
      'too_large',
      /8001 bytes.*limit of 8000.*POST/,
    );
  });

  it('refuses a 1 MB query with 413', () => {
    rejection(parseHitQuery(`t=pageview&cid=1&dt=${'x'.repeat(1024 * 1024)}`), 413, 'too_large');
  });

  it('refuses missing and malformed parameters like a body', () => {
    rejection(parseHitQuery('cid=1'), 400, 'missing_hit_type');
    rejection(parseHitQuery('t=pageview'), 400, 'missing_client_id');
    rejection(parseHitQuery('t=pageview&cid=1&dl=%zz'), 400, 'invalid_hit', /'dl'/);
    rejection(parseHitQuery('t=pageview&cid=1&t=event'), 400, 'invalid_hit', /'t' appears more than once/);
  });

  it('refuses unpaired surrogates', () => {
    rejection(parseHitQuery('t=pageview&cid=1&dt=\ud800'), 400, 'invalid_hit', /not valid Unicode/);
  });
});
