import { cleanHeaders } from './headers.ts';
import { anonymizeIp } from './ip.ts';
import { DEFAULT_RAW_LIMIT_BYTES } from './limits.ts';
import { storedRequest } from './stored-request.ts';
import { SERVICE_ID } from './stream-record.ts';
import type { ErrorRecord, HitRejection, RecordOptions, RequestInfo } from './types.ts';
import { decodeUtf8Lossy, encodeUtf8, utf8CutPoint } from './utf8.ts';

/**
 * One refused hit (or request) as one error record, so that nothing sent is dropped silently.
 * `raw` is what was received (query string, body or batch line), cut at `rawLimitBytes` without
 * splitting a UTF-8 character; invalid UTF-8 shows as U+FFFD. `raw_bytes` is the size received.
 * `line` is the hit's line in a `/batch` body (1-based), else null.
 *
 * With `options.anonymizeIp`, `source_ip` and the forwarding headers are anonymized like in stream
 * records; `raw` is kept as received (it may hold a `uip`).
 */
export function buildErrorRecord(
  rejection: HitRejection,
  request: RequestInfo,
  raw: string | Uint8Array,
  line: number | null,
  rawLimitBytes: number = DEFAULT_RAW_LIMIT_BYTES,
  options: RecordOptions = { anonymizeIp: false },
): ErrorRecord {
  const bytes = typeof raw === 'string' ? encodeUtf8(raw) : raw;
  const limit = Math.max(0, Math.floor(rawLimitBytes));
  const cut = utf8CutPoint(bytes, limit);
  const headers = cleanHeaders(request.headers);
  const sourceIp = request.sourceIp;
  return {
    service: { id: SERVICE_ID },
    error: { reason: rejection.reason, message: rejection.message, line },
    request: {
      ...storedRequest(request, headers, options),
      source_ip: options.anonymizeIp && sourceIp !== null ? anonymizeIp(sourceIp) : sourceIp,
      raw: decodeUtf8Lossy(bytes.subarray(0, cut)),
      raw_bytes: bytes.byteLength,
      raw_truncated: cut < bytes.byteLength,
    },
  };
}
