import { parseContentType } from './content-type.ts';
import { parseForm } from './form.ts';
import { parseJsonHit } from './json-hit.ts';
import { MAX_HIT_BYTES, MAX_URL_QUERY_BYTES } from './limits.ts';
import { hasLoneSurrogate, invalid, tooLarge, unsupportedType } from './rejection.ts';
import type { HitParams, Parsed } from './types.ts';
import { decodeUtf8, utf8Length } from './utf8.ts';
import { validateHit } from './validate.ts';

/** How a body's text is read. `sniff`: JSON when it starts with `{`, else URL-encoded. */
export type BodyForm = 'json' | 'form' | 'sniff';

const FORM_EXAMPLE = 'v=1&t=pageview&cid=…';

/**
 * A `POST /collect` body: a JSON object (`application/json`), URL-encoded parameters
 * (`application/x-www-form-urlencoded`), or either one sniffed from its first character
 * (`text/plain`, as GA's clients send, or no Content-Type). A valid result is a complete hit.
 */
export function parseHitBody(contentType: string | null, body: Uint8Array): Parsed<HitParams> {
  const type = parseContentType(contentType);
  if (!type.ok) return type;
  const form = bodyForm(type.value?.mime ?? null);
  if (form === null) {
    return unsupportedType(
      `content type '${type.value?.mime.slice(0, 60)}' is not supported; send application/x-www-form-urlencoded, text/plain or application/json`,
    );
  }
  if (body.byteLength > MAX_HIT_BYTES) {
    return tooLarge(
      `hit is ${body.byteLength} bytes, over the limit of ${MAX_HIT_BYTES} bytes for a /collect body`,
    );
  }
  const text = decodeUtf8(body);
  if (text === null) return invalid('body is not valid UTF-8; send UTF-8 text');
  return parseHitText(text, form, 'body');
}

/** The body forms of a Content-Type (null: unsupported). */
export function bodyForm(mime: string | null): BodyForm | null {
  if (mime === null || mime === 'text/plain') return 'sniff';
  if (mime === 'application/json') return 'json';
  if (mime === 'application/x-www-form-urlencoded') return 'form';
  return null;
}

/** The query string of a `GET /collect` (an `<img>` pixel), with or without its leading `?`. */
export function parseHitQuery(rawQuery: string): Parsed<HitParams> {
  const query = rawQuery.startsWith('?') ? rawQuery.slice(1) : rawQuery;
  const bytes = utf8Length(query);
  if (bytes > MAX_URL_QUERY_BYTES) {
    return tooLarge(
      `query string is ${bytes} bytes, over the limit of ${MAX_URL_QUERY_BYTES} bytes for GET /collect; POST the hit instead`,
    );
  }
  if (hasLoneSurrogate(query)) return invalid('query string is not valid Unicode; percent-encode UTF-8 text');
  if (query.trim() === '')
    return invalid(`empty query string: send the hit's parameters, e.g. /collect?${FORM_EXAMPLE}`);
  const params = parseForm(query);
  return params.ok ? validateHit(params.value) : params;
}

/**
 * One hit's text (a `/collect` body or a `/batch` line), surrounding whitespace ignored, read as
 * JSON or URL-encoded parameters, then validated.
 */
export function parseHitText(text: string, form: BodyForm, what: 'body' | 'line'): Parsed<HitParams> {
  const trimmed = trimLineSpace(text);
  if (trimmed === '') {
    return invalid(`empty ${what}: send the hit's parameters, e.g. ${FORM_EXAMPLE}`);
  }
  const json = form === 'json' || (form === 'sniff' && trimmed.startsWith('{'));
  if (!json && (trimmed.includes('\n') || trimmed.includes('\r'))) {
    return invalid(
      what === 'body'
        ? 'body has several lines; send one hit per /collect request, or several hits to /batch'
        : 'line contains a bare carriage return; end lines with LF or CRLF',
    );
  }
  const params = json ? parseJsonHit(trimmed) : parseForm(trimmed);
  return params.ok ? validateHit(params.value) : params;
}

/** The text without the spaces, tabs, CRs and LFs around it (a hit's text rarely has any: no copy then). */
function trimLineSpace(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && isLineSpace(text.charCodeAt(start))) start++;
  while (end > start && isLineSpace(text.charCodeAt(end - 1))) end--;
  return start === 0 && end === text.length ? text : text.slice(start, end);
}

function isLineSpace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0d || code === 0x0a;
}
