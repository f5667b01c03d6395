import { describe, expect, it } from 'vitest';
import { okValue, rejection } from './testing.ts';
import type { HitParams } from './types.ts';
import { validateHit } from './validate.ts';

describe('validateHit', () => {
  it('accepts t with cid, uid, or both, and keeps every other parameter', () => {
    expect(okValue(validateHit({ t: 'pageview', cid: 'c' }))).toEqual({ t: 'pageview', cid: 'c' });
    expect(okValue(validateHit({ t: 'event', uid: 'u', ec: 'x', cd1: 'y' }))).toEqual({
      t: 'event',
      uid: 'u',
      ec: 'x',
      cd1: 'y',
    });
    expect(okValue(validateHit({ t: 'event', cid: 0, uid: false }))).toEqual({
      t: 'event',
      cid: 0,
      uid: false,
    });
  });

  it("requires a non-blank 't'", () => {
    rejection(
      validateHit({ cid: 'c' }),
      400,
      'missing_hit_type',
      "missing required parameter 't' (hit type), e.g. t=pageview",
    );
    rejection(validateHit({ t: ' \t', cid: 'c' }), 400, 'missing_hit_type');
  });

  it("requires a non-blank 'cid' or 'uid'", () => {
    rejection(
      validateHit({ t: 'pageview' }),
      400,
      'missing_client_id',
      /'cid' \(client id\) or 'uid' \(user id\)/,
    );
    rejection(validateHit({ t: 'pageview', cid: '', uid: ' ' }), 400, 'missing_client_id');
  });

  it("checks 't' before 'cid'", () => {
    rejection(validateHit({}), 400, 'missing_hit_type');
  });

  it('refuses values that are not strings, finite numbers or booleans, naming the parameter', () => {
    const bad = [{ ev: Number.NaN }, { ev: Number.POSITIVE_INFINITY }, { pr: {} }, { pr: null }, { pr: [] }];
    for (const extra of bad) {
      rejection(
        validateHit({ t: 'event', cid: 'c', ...extra } as unknown as HitParams),
        400,
        'invalid_hit',
        /'(ev|pr)'/,
      );
    }
  });

  it('ignores inherited properties', () => {
    const params = Object.create({ t: 'pageview', cid: 'c' }) as HitParams;
    rejection(validateHit(params), 400, 'missing_hit_type');
  });
});
