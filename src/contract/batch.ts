import { parseContentType } from './content-type.ts';
import { MAX_BATCH_BYTES, MAX_BATCH_HITS, MAX_HIT_BYTES } from './limits.ts';
import { parseHitText } from './parse-hit.ts';
import { invalid, ok, tooLarge, unsupportedType } from './rejection.ts';
import type { BatchLine, Parsed } from './types.ts';
import { decodeUtf8, decodeUtf8Lossy } from './utf8.ts';

const LF = 0x0a;
const CR = 0x0d;

/** Content types a batch may be sent with: any text, URL-encoded, JSON (lines), or none. */
function isBatchType(mime: string): boolean {
  return (
    mime.startsWith('text/') ||
    mime === 'application/x-www-form-urlencoded' ||
    mime === 'application/json' ||
    mime === 'application/x-ndjson' ||
    mime === 'application/ndjson' ||
    mime === 'application/jsonl' ||
    mime === 'application/jsonlines'
  );
}

/**
 * A `POST /batch` body: one hit per line (LF or CRLF), each URL-encoded or, when it starts with `{`,
 * a JSON object. Blank lines are skipped and not counted. The whole batch is refused when it breaks
 * one of GA's limits (16 KB, 20 hits, 8 KB a hit), is empty, or has an unsupported content type;
 * otherwise every non-blank line is returned with its own result, so the valid hits can be kept
 * and the invalid ones reported by line number.
 */
export function parseBatch(contentType: string | null, body: Uint8Array): Parsed<BatchLine[]> {
  const type = parseContentType(contentType);
  if (!type.ok) return type;
  if (type.value !== null && !isBatchType(type.value.mime)) {
    return unsupportedType(
      `content type '${type.value.mime.slice(0, 60)}' is not supported for /batch; send one hit per line as text/plain`,
    );
  }
  if (body.byteLength > MAX_BATCH_BYTES) {
    return tooLarge(
      `batch is ${body.byteLength} bytes, over the limit of ${MAX_BATCH_BYTES} bytes for a /batch body`,
    );
  }

  const lines: { number: number; bytes: Uint8Array }[] = [];
  let start = 0;
  let number = 0;
  while (start <= body.byteLength) {
    const lf = body.indexOf(LF, start);
    const end = lf < 0 ? body.byteLength : lf;
    number++;
    let bytes = body.subarray(start, end);
    if (bytes[bytes.byteLength - 1] === CR) bytes = bytes.subarray(0, bytes.byteLength - 1);
    if (!isBlank(bytes)) {
      if (bytes.byteLength > MAX_HIT_BYTES) {
        return tooLarge(
          `batch line ${number} is ${bytes.byteLength} bytes, over the limit of ${MAX_HIT_BYTES} bytes for a hit`,
        );
      }
      lines.push({ number, bytes });
    }
    if (lf < 0) break;
    start = lf + 1;
  }

  if (lines.length > MAX_BATCH_HITS) {
    return tooLarge(
      `batch has ${lines.length} hits, over the limit of ${MAX_BATCH_HITS} hits for a /batch body`,
    );
  }
  if (lines.length === 0) return invalid('empty batch: send one hit per line, e.g. v=1&t=pageview&cid=…');

  return ok(
    lines.map(({ number, bytes }): BatchLine => {
      const text = decodeUtf8(bytes);
      if (text === null) {
        return {
          line: number,
          raw: decodeUtf8Lossy(bytes),
          hit: invalid('line is not valid UTF-8; send UTF-8 text'),
        };
      }
      return { line: number, raw: text, hit: parseHitText(text, 'sniff', 'line') };
    }),
  );
}

/** Only spaces, tabs, carriage returns, or a byte order mark. */
function isBlank(bytes: Uint8Array): boolean {
  let i = 0;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) i = 3;
  for (; i < bytes.byteLength; i++) {
    const b = bytes[i];
    if (b !== 0x20 && b !== 0x09 && b !== CR) return false;
  }
  return true;
}
