import { reject } from './rejection.ts';
import type { Parsed } from './types.ts';

export interface ContentType {
  /** `type/subtype`, lower-cased, without parameters. */
  mime: string;
  /** The `charset` parameter, lower-cased and unquoted, or null. */
  charset: string | null;
}

const UTF8_NAMES = new Set(['utf-8', 'utf8']);

/**
 * Reads a Content-Type header. Null when there is none (or it is blank). Refuses (415) a charset
 * other than UTF-8: every hit is read as UTF-8.
 */
export function parseContentType(header: string | null): Parsed<ContentType | null> {
  if (header === null) return { ok: true, value: null };
  // a client sends the same header with every hit: the last one's reading is kept (results are never changed)
  if (last?.header === header) return last.parsed;
  const parsed = Object.freeze(readContentType(header));
  last = { header, parsed };
  return parsed;
}

let last: { header: string; parsed: Parsed<ContentType | null> } | undefined;

function readContentType(header: string): Parsed<ContentType | null> {
  const [first = '', ...params] = header.split(';');
  const mime = first.trim().toLowerCase();
  let charset: string | null = null;
  for (const param of params) {
    const eq = param.indexOf('=');
    if (eq < 0) continue;
    if (param.slice(0, eq).trim().toLowerCase() !== 'charset') continue;
    charset = param
      .slice(eq + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1')
      .toLowerCase();
  }
  if (charset !== null && !UTF8_NAMES.has(charset)) {
    return reject(
      415,
      'unsupported_content_type',
      `charset '${charset.slice(0, 40)}' is not supported; send UTF-8`,
    );
  }
  if (mime === '') return { ok: true, value: null };
  return { ok: true, value: { mime, charset } };
}
