/** Beyond this, an oversized body is cut off: the connection is reset rather than read on. */
const DRAIN_LIMIT_BYTES = 1024 * 1024;

export interface BodyRead {
  /** The bytes read: the whole body, or its first `keepBytes` when it is too large. */
  bytes: Uint8Array;
  /** Size of the whole body when known (Content-Length or bytes seen before giving up). */
  totalBytes: number;
  tooLarge: boolean;
}

/**
 * Reads a request body without ever holding more than `max(limit, keepBytes) + 1` bytes:
 * an oversized body is refused from its Content-Length, or as soon as the stream passes the limit.
 */
export async function readBodyWithLimit(
  request: Request,
  limit: number,
  keepBytes: number,
): Promise<BodyRead> {
  const declared = Number(request.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared <= limit) {
    const bytes = new Uint8Array(await request.arrayBuffer());
    return { bytes, totalBytes: bytes.byteLength, tooLarge: bytes.byteLength > limit };
  }
  if (!request.body) return { bytes: new Uint8Array(), totalBytes: 0, tooLarge: false };

  const cap = Math.max(limit, keepBytes) + 1;
  const chunks: Uint8Array[] = [];
  let seen = 0;
  const reader = request.body.getReader();
  let done = false;
  try {
    while (!done && seen < cap) {
      const chunk = await reader.read();
      done = chunk.done;
      if (chunk.value) {
        chunks.push(chunk.value);
        seen += chunk.value.byteLength;
      }
    }
    // read the rest (up to a bound) so that the client gets our 413 instead of a reset connection
    while (!done && seen < DRAIN_LIMIT_BYTES) {
      const chunk = await reader.read();
      done = chunk.done;
      seen += chunk.value?.byteLength ?? 0;
    }
  } finally {
    if (!done) await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
  const all = Buffer.concat(chunks);
  const totalBytes = Number.isFinite(declared) ? declared : seen;
  const tooLarge = totalBytes > limit;
  return { bytes: tooLarge ? all.subarray(0, keepBytes) : all, totalBytes, tooLarge };
}
