import { hasLoneSurrogate, invalid, ok, quote } from './rejection.ts';
import type { HitParams, HitValue, Parsed } from './types.ts';

/** A JSON string token; raw control characters in it are refused by JSON.parse. */
const STRING = /"(?:[^"\\]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const WHITESPACE = /[ \t\n\r]*/y;

const EXAMPLE = '{"t":"pageview","cid":"…"}';

/**
 * Parses a JSON object of parameters (the original pumper's body), strictly: the text must be one
 * JSON object whose values are strings, numbers or booleans. Nested objects, arrays, null, numbers
 * out of range, unpaired surrogate escapes and repeated names are refused with a message naming
 * the parameter: nothing is silently dropped or overwritten. Values keep their JSON type. Does not
 * check that the hit is complete.
 */
export function parseJsonHit(text: string): Parsed<HitParams> {
  const params = new Map<string, HitValue>();
  let at = skipWhitespace(text, 0);
  if (text[at] !== '{') return invalid(`JSON body must be an object of parameters, like ${EXAMPLE}`);
  at = skipWhitespace(text, at + 1);
  let last: string | null = null;
  const malformed = (expected: string) => {
    const where = last === null ? 'at the start of the object' : `after parameter ${quote(last)}`;
    return invalid<HitParams>(`malformed JSON ${where} (character ${at + 1}): expected ${expected}`);
  };

  if (text[at] === '}') {
    at++;
  } else {
    for (;;) {
      const name = readString(text, at);
      if (name === null) return malformed('a parameter name in double quotes');
      if (hasLoneSurrogate(name.value))
        return invalid(`parameter name ${quote(name.value)} has an unpaired surrogate escape`);
      at = skipWhitespace(text, name.end);
      if (text[at] !== ':') return malformed(`':' after the name ${quote(name.value)}`);
      at = skipWhitespace(text, at + 1);
      last = name.value;

      const value = readValue(text, at);
      if ('problem' in value) {
        if (value.problem === 'syntax')
          return malformed(`a string, number or boolean as the value of ${quote(name.value)}`);
        return invalid(`parameter ${quote(name.value)} ${value.problem}`);
      }
      if (params.has(name.value))
        return invalid(`parameter ${quote(name.value)} appears more than once; send it once`);
      params.set(name.value, value.value);
      at = skipWhitespace(text, value.end);
      if (text[at] === ',') {
        at = skipWhitespace(text, at + 1);
        continue;
      }
      if (text[at] === '}') {
        at++;
        break;
      }
      return malformed("',' or '}'");
    }
  }
  at = skipWhitespace(text, at);
  if (at !== text.length) return malformed('nothing after the closing }');
  return ok(Object.fromEntries(params));
}

type Read<T> = { value: T; end: number };

function readValue(text: string, at: number): Read<HitValue> | { problem: string } {
  const c = text[at];
  if (c === '"') {
    const s = readString(text, at);
    if (s === null) return { problem: 'syntax' };
    if (hasLoneSurrogate(s.value)) return { problem: 'has an unpaired surrogate escape; send valid Unicode' };
    return s;
  }
  if (c === '{')
    return { problem: 'must be a string, number or boolean, not an object; flatten it (e.g. pr1id, pr1nm)' };
  if (c === '[')
    return { problem: 'must be a string, number or boolean, not an array; flatten it (e.g. pr1id, pr2id)' };
  if (text.startsWith('true', at)) return { value: true, end: at + 4 };
  if (text.startsWith('false', at)) return { value: false, end: at + 5 };
  if (text.startsWith('null', at)) return { problem: 'is null; omit it or send a string' };
  NUMBER.lastIndex = at;
  const number = NUMBER.exec(text);
  if (number === null) return { problem: 'syntax' };
  const value = Number(number[0]);
  if (!Number.isFinite(value))
    return { problem: `is a number out of range (${quote(number[0])}); send it as a string` };
  return { value, end: at + number[0].length };
}

function readString(text: string, at: number): Read<string> | null {
  STRING.lastIndex = at;
  const match = STRING.exec(text);
  if (match === null) return null;
  try {
    return { value: JSON.parse(match[0]) as string, end: at + match[0].length };
  } catch {
    return null;
  }
}

function skipWhitespace(text: string, at: number): number {
  if (at >= text.length) return at;
  WHITESPACE.lastIndex = at;
  WHITESPACE.exec(text);
  return WHITESPACE.lastIndex;
}
