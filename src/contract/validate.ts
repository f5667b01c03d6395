import { invalid, ok, quote, reject } from './rejection.ts';
import type { HitParams, Parsed } from './types.ts';

/**
 * Checks that parameters make a hit: a hit type `t` and a client id `cid` or a user id `uid`, each
 * non-blank, and every value a string, a finite number or a boolean. Everything else is optional
 * and kept as it is.
 */
export function validateHit(params: HitParams): Parsed<HitParams> {
  // by key: Object.entries makes an array for each parameter of every hit
  for (const name of Object.keys(params)) {
    const value = params[name];
    const ok =
      typeof value === 'string' ||
      typeof value === 'boolean' ||
      (typeof value === 'number' && Number.isFinite(value));
    if (!ok) return invalid(`parameter ${quote(name)} must be a string, number or boolean`);
  }
  if (!present(params, 't')) {
    return reject(400, 'missing_hit_type', "missing required parameter 't' (hit type), e.g. t=pageview");
  }
  if (!present(params, 'cid') && !present(params, 'uid')) {
    return reject(
      400,
      'missing_client_id',
      "missing required parameter 'cid' (client id) or 'uid' (user id)",
    );
  }
  return ok(params);
}

function present(params: HitParams, name: string): boolean {
  return Object.hasOwn(params, name) && String(params[name]).trim() !== '';
}
