import { Ajv2020 } from 'ajv/dist/2020.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseBatch } from './batch.ts';
import errorSchema from './error-record.schema.json' with { type: 'json' };
import { buildErrorRecord } from './error-record.ts';
import { parseHitBody, parseHitQuery } from './parse-hit.ts';
import streamSchema from './stream-record.schema.json' with { type: 'json' };
import { buildStreamRecord } from './stream-record.ts';
import { okValue, utf8 } from './testing.ts';
import type { HitParams, HitRejection, Parsed, RequestInfo, ResponseInfo } from './types.ts';

// Strict, but for two ajv-only checks: union types (`["string", "null"]`) and `required` inside the
// body's `anyOf: [{required: [cid]}, {required: [uid]}]`, both standard JSON Schema.
const ajv = new Ajv2020({ strict: true, allowUnionTypes: true, strictRequired: false, allErrors: true });
const validateStream = ajv.compile(streamSchema);
const validateError = ajv.compile(errorSchema);

function expectValid(validate: typeof validateStream, record: unknown) {
  const valid = validate(record);
  if (!valid) expect.fail(`${JSON.stringify(validate.errors, null, 2)}\n${JSON.stringify(record)}`);
}

const REQUEST: RequestInfo = {
  id: '0190b3a4-5c6d-7e8f-9a0b-1c2d3e4f5a6b',
  timestamp: 1_700_000_000_000,
  hostname: 'collect.example',
  path: '/collect',
  method: 'POST',
  headers: { 'user-agent': 'UA', 'x-forwarded-for': '198.51.100.7', cookie: 'c' },
  sourceIp: '203.0.113.9',
};
const RESPONSE: ResponseInfo = {
  timestamp: 1_700_000_000_001,
  statusCode: 200,
  headers: { 'content-type': 'image/gif' },
};

const HITS: Parsed<HitParams>[] = [
  parseHitBody(
    'application/json',
    utf8('{"t":"event","cid":7,"ni":true,"ev":1.5,"uip":"2001:db8::1","ua":"x"}'),
  ),
  parseHitBody(
    'application/x-www-form-urlencoded',
    utf8('v=1&t=pageview&cid=a&dl=https%3A%2F%2Fx%2F&dr=&uip=bad'),
  ),
  parseHitBody('text/plain', utf8('t=pageview&uid=u&dt=%E2%9C%93%20%F0%9F%8E%89')),
  parseHitBody(null, utf8('{"t":"pageview","cid":"c","__proto__":"x"}')),
  parseHitQuery('?t=pageview&cid=a&z=1'),
  ...okValue(
    parseBatch(null, utf8('t=pageview&cid=a\n{"t":"event","uid":"u","ev":3}\n\nt=x&cid=b&pr1id=sku')),
  ).map((l) => l.hit),
];

describe('stream-record.schema.json', () => {
  it.each([false, true])('validates records of every hit form (anonymizeIp %s)', (anonymizeIp) => {
    expect(HITS.every((h) => h.ok)).toBe(true);
    for (const hit of HITS)
      expectValid(validateStream, buildStreamRecord(okValue(hit), REQUEST, RESPONSE, { anonymizeIp }));
  });

  it('validates records built from arbitrary hits and requests', () => {
    const value = fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.integer(),
      fc.boolean(),
    );
    const hit = fc
      .tuple(
        fc.dictionary(fc.string({ unit: 'binary', minLength: 1 }), value),
        fc.string({ minLength: 1 }),
        fc.string({ minLength: 1 }),
      )
      .map(([params, t, cid]): HitParams => ({ ...params, t, cid }));
    const request = fc.record({
      id: fc.uuid(),
      timestamp: fc.nat(),
      hostname: fc.domain(),
      path: fc.constantFrom('/collect', '/batch'),
      method: fc.constantFrom('GET', 'POST'),
      headers: fc.dictionary(fc.string({ minLength: 1 }), fc.string()),
      sourceIp: fc.option(fc.oneof(fc.ipV4(), fc.ipV6(), fc.string())),
    });
    fc.assert(
      fc.property(hit, request, fc.boolean(), (h, r, anonymizeIp) => {
        expectValid(validateStream, buildStreamRecord(h, r, RESPONSE, { anonymizeIp }));
      }),
    );
  });

  it('refuses what is not ours', () => {
    const record = buildStreamRecord(okValue(HITS[0] as Parsed<HitParams>), REQUEST, RESPONSE, {
      anonymizeIp: false,
    });
    expect(validateStream(record)).toBe(true);
    expect(validateStream({ ...record, extra: 1 })).toBe(false);
    expect(validateStream({ ...record, context: { ...record.context, ip: 'x' } })).toBe(false);
    expect(
      validateStream({ ...record, request: { ...record.request, body: { t: 'x', cid: { a: 1 } } } }),
    ).toBe(false);
    expect(validateStream({ ...record, request: { ...record.request, body: { t: 'x' } } })).toBe(false);
    expect(validateStream({ ...record, service: { id: 'other' } })).toBe(false);
    const { user_id: _, ...context } = record.context;
    expect(validateStream({ ...record, context })).toBe(false);
  });

  it('describes every field and lists exactly the fields a record has', () => {
    const record = buildStreamRecord(okValue(HITS[1] as Parsed<HitParams>), REQUEST, RESPONSE, {
      anonymizeIp: false,
    });
    expectDescribed(streamSchema, record, '');
  });
});

describe('error-record.schema.json', () => {
  it('validates records of every rejection', () => {
    const rejections: [Parsed<unknown>, string | Uint8Array][] = [
      [parseHitBody('application/xml', utf8('<x/>')), '<x/>'],
      [parseHitBody(null, new Uint8Array(9000)), new Uint8Array(9000)],
      [parseHitBody(null, new Uint8Array([0xff])), new Uint8Array([0xff])],
      [parseHitQuery(''), ''],
      [parseHitQuery('cid=1'), 'cid=1'],
      [parseHitQuery('t=x'), 't=x'],
      [parseHitQuery('t=x&cid=1&cid=1'), 't=x&cid=1&cid=1'],
    ];
    const bot: HitRejection = { status: 400, reason: 'bot', message: 'user agent of a known bot' };
    for (const [parsed, raw] of rejections) {
      if (parsed.ok) expect.fail('expected a rejection');
      for (const anonymizeIp of [false, true]) {
        expectValid(
          validateError,
          buildErrorRecord(parsed.rejection, REQUEST, raw, null, 16384, { anonymizeIp }),
        );
        expectValid(
          validateError,
          buildErrorRecord(parsed.rejection, { ...REQUEST, sourceIp: null }, raw, 2, 4),
        );
      }
    }
    expectValid(validateError, buildErrorRecord(bot, REQUEST, '{"t":"pageview"}', 1));
  });

  it('validates records of arbitrary raw bodies', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.uint8Array({ maxLength: 40_000 })),
        fc.nat(20_000),
        (raw, limit) => {
          const parsed = parseHitBody(null, typeof raw === 'string' ? utf8(raw) : raw);
          const rejection = parsed.ok
            ? { status: 400 as const, reason: 'bot' as const, message: 'bot' }
            : parsed.rejection;
          expectValid(validateError, buildErrorRecord(rejection, REQUEST, raw, null, limit));
        },
      ),
    );
  });

  it('refuses what is not ours', () => {
    const record = buildErrorRecord({ status: 400, reason: 'invalid_hit', message: 'm' }, REQUEST, 'x', null);
    expect(validateError(record)).toBe(true);
    expect(validateError({ ...record, error: { ...record.error, reason: 'other' } })).toBe(false);
    expect(validateError({ ...record, error: { ...record.error, line: 0 } })).toBe(false);
    expect(validateError({ ...record, request: { ...record.request, raw: undefined } })).toBe(false);
  });

  it('describes every field and lists exactly the fields a record has', () => {
    const record = buildErrorRecord({ status: 400, reason: 'invalid_hit', message: 'm' }, REQUEST, 'x', 1);
    expectDescribed(errorSchema, record, '');
  });
});

type SchemaNode = {
  description?: string;
  properties?: Record<string, SchemaNode>;
  required?: string[];
  additionalProperties?: unknown;
};

/**
 * Every field is described; where the shape is ours (additionalProperties: false), every property of
 * the record is in the schema and required, and nothing more.
 */
function expectDescribed(schema: SchemaNode, value: unknown, path: string) {
  expect(schema.description, `description of ${path || 'the record'}`).toBeTruthy();
  for (const [name, child] of Object.entries(schema.properties ?? {})) {
    expect(child.description, `description of ${path}.${name}`).toBeTruthy();
  }
  if (schema.properties === undefined || schema.additionalProperties !== false) return;
  const keys = Object.keys(value as object).sort();
  expect(Object.keys(schema.properties).sort(), `properties of ${path}`).toEqual(keys);
  expect([...(schema.required ?? [])].sort(), `required of ${path}`).toEqual(keys);
  for (const [name, child] of Object.entries(schema.properties)) {
    expectDescribed(child, (value as Record<string, unknown>)[name], `${path}.${name}`);
  }
}
