import { setOwn } from './own-property.ts';
import { invalid, ok, quote } from './rejection.ts';
import type { HitParams, Parsed } from './types.ts';

/**
 * Parses `application/x-www-form-urlencoded` text (a body or a query string) into parameters,
 * strictly: `+` is a space, `%XX` must be well-formed and decode to UTF-8, a name must not be
 * empty nor repeated. Values are strings; a name without `=` has the value ''. Empty segments
 * (`a=1&&b=2`, a trailing `&`) are ignored. Does not check that the hit is complete.
 */
export function parseForm(text: string): Parsed<HitParams> {
  // one pass with indexOf, and a plain object filled as it goes: this runs for every hit, and splitting
  // into arrays and a Map first took most of a hit's parsing time
  const params: Record<string, string> = {};
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('&', start);
    if (end < 0) end = text.length;
    if (end > start) {
      const eq = text.indexOf('=', start);
      const hasValue = eq >= 0 && eq < end;
      const rawName = text.slice(start, hasValue ? eq : end);
      const name = decodeComponent(rawName);
      if (typeof name !== 'string') return invalid(`parameter name ${quote(rawName)} ${name.problem}`);
      if (name === '') {
        const segment = text.slice(start, end);
        return invalid(`parameter with an empty name (${quote(segment)}); every value needs a name`);
      }
      const value = hasValue ? decodeComponent(text.slice(eq + 1, end)) : '';
      if (typeof value !== 'string') return invalid(`parameter ${quote(name)} ${value.problem}`);
      if (Object.hasOwn(params, name))
        return invalid(`parameter ${quote(name)} appears more than once; send it once`);
      setOwn(params, name, value);
    }
    start = end + 1;
  }
  return ok(params);
}

const MALFORMED_PERCENT = /%(?![0-9a-fA-F]{2})/;

function decodeComponent(raw: string): string | { problem: string } {
  const text = raw.includes('+') ? raw.replaceAll('+', ' ') : raw;
  if (!text.includes('%')) return text;
  try {
    // it throws on a '%' without two hex digits as well as on bytes that are not UTF-8: the reason is looked
    // for only then, off the path of every valid hit
    return decodeURIComponent(text);
  } catch {
    const bad = MALFORMED_PERCENT.exec(text);
    if (bad) {
      return {
        problem: `has malformed percent-encoding (${quote(text.slice(bad.index, bad.index + 3))}); encode '%' as %25`,
      };
    }
    return { problem: 'has percent-encoded bytes that are not valid UTF-8; encode text as UTF-8' };
  }
}
