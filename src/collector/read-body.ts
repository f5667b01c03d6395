import { Readable } from 'node:stream';

/** Beyond this, an oversized body is not read on: the answer closes the connection. */
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
  /**
   * The whole body once what has come in is parsed, if that is all of it, else null (it is then read from
   * `chunks`). On Node, taking a body that came with its headers (a hit's usually does) at once costs far
   * less than the stream's events.
   */
  arrived?: () => Promise<Uint8Array | null>;
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
  if (source.arrived) {
    const whole = await source.arrived();
    if (whole) return bodyRead([whole], whole.byteLength, source.declaredBytes, limit, keepBytes);
  }
  const cap = Math.max(limit, keepBytes) + 1;
  const { kept, seen } = isNodeStream(source.chunks)
    ? await readEvents(source.chunks, cap)
    : await readIterable(source.chunks, cap);
  return bodyRead(kept, seen, source.declaredBytes, limit, keepBytes);
}

function bodyRead(
  kept: Uint8Array[],
  seen: number,
  declaredBytes: number | null,
  limit: number,
  keepBytes: number,
): BodyRead {
  const all = kept.length === 1 ? (kept[0] as Uint8Array) : Buffer.concat(kept);
  const totalBytes = Math.max(seen, declaredBytes ?? 0);
  const tooLarge = totalBytes > limit;
  return { bytes: tooLarge ? all.subarray(0, keepBytes) : all, totalBytes, tooLarge };
}

/** The client went away before the end of its body: nothing to answer, and nothing wrong with the server. */
export class RequestAbortedError extends Error {
  constructor(cause?: unknown) {
    super('the request ended before its body did (the client went away)', { cause });
  }
}

interface Chunks {
  /** The chunks kept, up to `cap` bytes (the last one may go beyond). */
  kept: Uint8Array[];
  /** Bytes seen in all. */
  seen: number;
}

async function readIterable(chunks: AsyncIterable<Uint8Array>, cap: number): Promise<Chunks> {
  const kept: Uint8Array[] = [];
  let seen = 0;
  try {
    for await (const chunk of chunks) {
      if (seen < cap) kept.push(chunk);
      seen += chunk.byteLength;
      if (seen > DRAIN_LIMIT_BYTES) break;
    }
  } catch (error) {
    throw new RequestAbortedError(error);
  }
  return { kept, seen };
}

/**
 * The same from a Node stream through its events: an async iterator costs several promises and listeners per
 * request, a fifth of reading a hit's body. Past the drain limit the stream is paused, for the server to
 * answer and close the connection; a request that ends without its `end` (the client gone) is an error, as
 * it is through the iterator.
 */
function readEvents(stream: Readable, cap: number): Promise<Chunks> {
  return new Promise((resolve, reject) => {
    // gone before it was read from (a body looked for on a later turn of the event loop): no event is coming
    if (stream.destroyed) {
      reject(new RequestAbortedError());
      return;
    }
    const kept: Uint8Array[] = [];
    let seen = 0;
    const done = (error?: Error) => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
      stream.off('close', onClose);
      if (error) reject(error);
      else resolve({ kept, seen });
    };
    const onData = (chunk: Uint8Array) => {
      if (seen < cap) kept.push(chunk);
      seen += chunk.byteLength;
      if (seen > DRAIN_LIMIT_BYTES) {
        // read no more: the server answers, then closes the connection
        stream.pause();
        done();
      }
    };
    const onEnd = () => done();
    const onError = (error: Error) => done(new RequestAbortedError(error));
    const onClose = () => done(new RequestAbortedError());
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
    stream.on('close', onClose);
  });
}

function isNodeStream(chunks: AsyncIterable<Uint8Array>): chunks is Readable {
  return chunks instanceof Readable;
}

/** The web-standard way, for runtimes that hand over a `Request` (Lambda, tests). */
export function webBodySource(request: Request): BodySource {
  const length = request.headers.get('content-length');
  return { chunks: request.body, declaredBytes: length === null ? null : Number(length) };
}
