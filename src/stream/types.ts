/**
 * Where accepted records go. Firehose semantics: `put` resolves only once the
 * records are durable, so the collector may acknowledge them.
 */
export interface StreamSink<T = unknown> {
  put(records: readonly T[]): Promise<void>;
  /** Bytes accepted but not yet in a lake object (a metric). */
  bufferedBytes(): number;
  /** Stops taking records and flushes everything still buffered into objects. */
  close(): Promise<void>;
}

/** The sink cannot take records now; the collector answers 503 with Retry-After. */
export class StreamUnavailableError extends Error {
  constructor(
    readonly reason: 'overloaded' | 'disk_full' | 'closed' | 'io_error',
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
    this.name = 'StreamUnavailableError';
  }
}
