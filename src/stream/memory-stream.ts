import { type StreamSink, StreamUnavailableError } from './types.ts';

/** A sink that keeps records in memory: for tests, and to see what a collector would send. */
export class MemoryStream<T> implements StreamSink<T> {
  readonly records: T[] = [];
  private closed = false;
  /** Set to make the next puts fail as a full disk would. */
  failWith: StreamUnavailableError | null = null;

  async put(records: readonly T[]): Promise<void> {
    if (this.closed) throw new StreamUnavailableError('closed', 'stream is closed', 1);
    if (this.failWith) throw this.failWith;
    this.records.push(...records);
  }

  bufferedBytes(): number {
    return 0;
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
