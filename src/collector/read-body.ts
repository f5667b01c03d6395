/** Beyond this, an oversized body is cut off: the connection is reset rather than read on. */
const DRAIN_LIMIT_BYTES = 1024 * 1024;

export interface BodyRead {
  /** The bytes read: the whole body, or its first `keepBytes` when it is too large. */
  bytes: Uint8Array;
  /** Size of the whole body when known (Content-Length or bytes seen). */
  totalBytes: number;
  tooLarge: boolean;
}

/** A request body as a runtime hands it over: its chunks and its declared length, if any. */
export interface BodySource {
  chunks: AsyncIterable<Uint8Array> | null;
  declaredBytes: number | null;
}

/**
 * Reads a body without ever holding more than `max(limit, keepBytes) + 1` bytes. An oversized body
 * is still read on (and dropped) up to 1 MiB, so that the client gets our 413 rather than a reset.
 */
export async function readBodyWithLimit(
  source: BodySource,
  limit: number,
  keepBytes: number,
): Promise<BodyRead> {
  if (!source.chunks) return { bytes: new Uint8Array(), totalBytes: 0, tooLarge: false };
  const cap = Math.max(limit, keepBytes) + 1;
  const kept: Uint8Array[] = [];
  let seen = 0;
  for await (const chunk of source.chunks) {
    if (seen < cap) kept.push(chunk);
    seen += chunk.byteLength;
    if (seen > DRAIN_LIMIT_BYTES) break;
  }
  const all = kept.length === 1 ? (kept[0] as Uint8Array) : Buffer.concat(kept);
  const totalBytes = Math.max(seen, source.declaredBytes ?? 0);
  const tooLarge = totalBytes > limit;
  return { bytes: tooLarge ? all.subarray(0, keepBytes) : all, totalBytes, tooLarge };
}

/** The web-standard way, for runtimes that hand over a `Request` (Lambda, tests). */
export function webBodySource(request: Request): BodySource {
  const length = request.headers.get('content-length');
  return { chunks: request.body, declaredBytes: length === null ? null : Number(length) };
}
