import { randomBytes } from 'node:crypto';
import { constants, createReadStream } from 'node:fs';
import { type FileHandle, mkdir, open, readdir, readFile, rm, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { SETTINGS } from '../../config/settings.ts';
import { lakeTmpDir, publishLakeObject } from '../lake-objects.ts';
import { type StreamSink, StreamUnavailableError } from '../types.ts';
import { newSegmentName, objectKeyOf, parseSegmentName, type SegmentName } from './segment-name.ts';
import { lockFolder } from './wal-lock.ts';

export type Durability = 'fsync' | 'write';

/** The file calls of the log's hot path, replaceable in tests (to simulate a full disk). */
export interface SegmentIo {
  /** Creates a segment; when `durable`, a write to it returns only once its data is on disk. */
  create(file: string, durable: boolean): Promise<FileHandle>;
  write(file: FileHandle, data: Buffer, position: number): Promise<void>;
}

/** Durable segments where the platform has no O_DSYNC: synced after each write instead. */
const syncAfterWrite = new WeakSet<FileHandle>();

/**
 * The log's files. A durable segment is opened O_DSYNC, so that each write returns once on disk, as after
 * an fdatasync: one call to the thread pool per commit instead of a write and an fdatasync, between which
 * the commit waited for the busy main thread's turn.
 */
export const fileSegmentIo: SegmentIo = {
  async create(file, durable) {
    const dsync = durable ? (constants.O_DSYNC ?? 0) : 0;
    const handle = await open(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | dsync);
    if (durable && dsync === 0) syncAfterWrite.add(handle);
    return handle;
  },
  async write(file, data, position) {
    let written = 0;
    while (written < data.length) {
      const { bytesWritten } = await file.write(data, written, data.length - written, position + written);
      written += bytesWritten;
    }
    if (syncAfterWrite.has(file)) await file.datasync();
  },
};

export interface LocalStreamOptions {
  /** The lake's root folder. */
  lakeDir: string;
  prefix: 'stream_data' | 'stream_errors';
  /** The write-ahead log's folder, outside the lake. */
  walDir: string;
  /** Roll an object after this many bytes of NDJSON (default: SETTINGS.bufferBytes, as Firehose). */
  maxObjectBytes?: number;
  /** Roll an object this long after its first record (default: SETTINGS.bufferSeconds, as Firehose). */
  maxObjectAgeMs?: number;
  /** 'fsync' (default): a put resolves once its records are on disk (O_DSYNC); 'write': after write(2). */
  durability?: Durability;
  /** Bytes waiting for the log beyond which puts are refused at once (default: SETTINGS.maxPendingBytes). */
  maxPendingBytes?: number;
  /** Used in object names (default 'pdi-collect'). */
  streamName?: string;
  now?: () => number;
  io?: SegmentIo;
  observer?: {
    onCommit?(commit: { records: number; bytes: number; latencyMs: number }): void;
    onObject?(object: {
      key: string;
      records: number;
      bytes: number;
      compressedBytes: number;
      latencyMs: number;
    }): void;
    /** A failure off the request path (publishing an object): the data stays in the log and is retried. */
    onError?(error: unknown): void;
  };
}

interface Pending {
  data: string;
  records: number;
  resolve(): void;
  reject(error: Error): void;
}

interface OpenSegment {
  name: SegmentName;
  file: FileHandle;
  bytes: number;
}

/**
 * Kinesis Firehose on one machine. Records are appended to a write-ahead log with group commit (all
 * puts waiting while a write is in flight share the next durable write), then the log is rolled
 * into gzip NDJSON objects under `<lake>/<prefix>/YYYY/MM/DD/HH/`. After a crash, `open` publishes
 * what the log still holds: nothing acknowledged is lost, nothing is published twice.
 */
export class LocalStream<T = unknown> implements StreamSink<T> {
  private queue: Pending[] = [];
  private queuedBytes = 0;
  private segment: OpenSegment | null = null;
  private writing: Promise<void> | null = null;
  private rollRequested = false;
  /** Callers of `publishNow` waiting for the next roll. */
  private rollWaiters: (() => void)[] = [];
  private publishing: Promise<void> = Promise.resolve();
  /** Segments whose publication failed (a full disk): they stay in the log and are retried. */
  private unpublished: SegmentName[] = [];
  private closed = false;
  private readonly timer: NodeJS.Timeout;
  private readonly maxObjectBytes: number;
  private readonly maxObjectAgeMs: number;
  private readonly maxPendingBytes: number;
  private readonly streamName: string;
  private readonly now: () => number;
  private readonly io: SegmentIo;

  private constructor(
    private readonly options: LocalStreamOptions,
    private readonly unlock: () => Promise<void>,
  ) {
    this.maxObjectBytes = options.maxObjectBytes ?? Number(SETTINGS.bufferBytes.default);
    this.maxObjectAgeMs = options.maxObjectAgeMs ?? 1000 * Number(SETTINGS.bufferSeconds.default);
    this.maxPendingBytes = options.maxPendingBytes ?? Number(SETTINGS.maxPendingBytes.default);
    this.streamName = options.streamName ?? 'pdi-collect';
    this.now = options.now ?? Date.now;
    this.io = options.io ?? fileSegmentIo;
    this.timer = setInterval(() => this.rollIfOld(), Math.min(1000, Math.max(50, this.maxObjectAgeMs / 4)));
    this.timer.unref();
  }

  /** Locks the log folder, publishes what a previous run left in it, and opens the stream. */
  static async open<T>(options: LocalStreamOptions): Promise<LocalStream<T>> {
    await mkdir(options.walDir, { recursive: true });
    const unlock = await lockFolder(options.walDir);
    try {
      const stream = new LocalStream<T>(options, unlock);
      await stream.recover();
      return stream;
    } catch (error) {
      await unlock();
      throw error;
    }
  }

  put(records: readonly T[]): Promise<void> {
    if (this.closed) return Promise.reject(new StreamUnavailableError('closed', 'the stream is closed', 1));
    if (records.length === 0) return Promise.resolve();
    let data = '';
    for (const record of records) data += `${JSON.stringify(record)}\n`;
    if (this.queuedBytes + data.length > this.maxPendingBytes) {
      return Promise.reject(
        new StreamUnavailableError('overloaded', 'the write-ahead log cannot keep up; retry shortly', 1),
      );
    }
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ data, records: records.length, resolve, reject });
      this.queuedBytes += data.length;
      this.kick();
    });
  }

  bufferedBytes(): number {
    return (this.segment?.bytes ?? 0) + this.queuedBytes;
  }

  /** Publishes the open segment now, and waits for every publication in progress. */
  async flush(): Promise<void> {
    this.rollRequested = true;
    this.kick();
    while (this.writing) await this.writing;
    await this.publishing;
  }

  /**
   * Publishes what the log holds now, without waiting for the object's age or size: the open segment is rolled
   * after the write under way, and this resolves once its object is in the lake (records still waiting to be
   * written go to the next object). A reader ready for more records (the pipe, in `up`) asks for them.
   */
  async publishNow(): Promise<void> {
    if (this.closed) return;
    await new Promise<void>((resolve) => {
      this.rollWaiters.push(resolve);
      this.rollRequested = true;
      this.kick();
    });
    await this.publishing;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    await this.flush();
    await this.unlock();
  }

  private kick(): void {
    if (this.writing) return;
    this.writing = this.writeLoop()
      .catch((error: unknown) => this.options.observer?.onError?.(error))
      .finally(() => {
        this.writing = null;
        // puts that arrived during the last step
        if (this.queue.length > 0 || this.rollRequested) this.kick();
      });
  }

  /** The only writer of the log: one durable write per batch of waiting puts. */
  private async writeLoop(): Promise<void> {
    while (this.queue.length > 0 || this.rollRequested) {
      if (this.queue.length === 0) {
        await this.roll();
        continue;
      }
      const batch = this.queue;
      this.queue = [];
      const data = Buffer.from(batch.map((p) => p.data).join(''));
      const records = batch.reduce((n, p) => n + p.records, 0);
      const started = performance.now();
      try {
        const segment = await this.openSegment();
        try {
          await this.io.write(segment.file, data, segment.bytes);
        } catch (error) {
          // no half record may stay in the log
          await segment.file.truncate(segment.bytes).catch(() => {});
          throw error;
        }
        segment.bytes += data.length;
        this.options.observer?.onCommit?.({
          records,
          bytes: data.length,
          latencyMs: performance.now() - started,
        });
        for (const p of batch) p.resolve();
      } catch (error) {
        const failure = unavailable(error);
        for (const p of batch) p.reject(failure);
      } finally {
        for (const p of batch) this.queuedBytes -= p.data.length;
      }
      // a reader waiting in publishNow takes what is written now, not once the puts stop coming
      if (this.rollWaiters.length > 0 || (this.segment && this.segment.bytes >= this.maxObjectBytes)) {
        await this.roll();
      }
    }
  }

  private async openSegment(): Promise<OpenSegment> {
    if (this.segment) return this.segment;
    const name = newSegmentName(this.now(), randomBytes(16).toString('hex'));
    const durable = this.options.durability !== 'write';
    const file = await this.io.create(path.join(this.options.walDir, name.file), durable);
    this.segment = { name, file, bytes: 0 };
    return this.segment;
  }

  /** Closes the open segment and queues its publication; the next put opens a new one. */
  private async roll(): Promise<void> {
    this.rollRequested = false;
    const waiters = this.rollWaiters.splice(0);
    try {
      const segment = this.segment;
      if (!segment) return;
      this.segment = null;
      await segment.file.close();
      if (segment.bytes === 0) {
        await unlink(path.join(this.options.walDir, segment.name.file));
        return;
      }
      this.queuePublication(segment.name);
    } finally {
      for (const resolve of waiters) resolve();
    }
  }

  private queuePublication(name: SegmentName): void {
    this.publishing = this.publishing
      .then(() => this.publish(name))
      .catch((error: unknown) => {
        this.unpublished.push(name);
        this.options.observer?.onError?.(error);
      });
  }

  private rollIfOld(): void {
    for (const name of this.unpublished.splice(0)) this.queuePublication(name);
    if (
      this.segment &&
      this.segment.bytes > 0 &&
      this.now() - this.segment.name.createdMs >= this.maxObjectAgeMs
    ) {
      this.rollRequested = true;
      this.kick();
    }
  }

  /** gzip the segment into its object (unless already there), then forget the segment. */
  private async publish(name: SegmentName, knownData?: Buffer): Promise<void> {
    const started = performance.now();
    const file = path.join(this.options.walDir, name.file);
    const key = objectKeyOf(name, this.options.prefix, this.streamName);
    const exists = await stat(path.join(this.options.lakeDir, key)).then(
      () => true,
      () => false,
    );
    if (!exists) {
      // read in chunks, not whole: a segment is up to --buffer-bytes, and the collector's memory is bounded
      const counted = { records: 0, bytes: 0 };
      const compressedBytes = await publishLakeObject(
        this.options.lakeDir,
        key,
        countingLines(knownData ? [knownData] : createReadStream(file), counted),
        { tmpName: this.tmpName() },
      );
      this.options.observer?.onObject?.({
        key,
        records: counted.records,
        bytes: counted.bytes,
        compressedBytes,
        latencyMs: performance.now() - started,
      });
    }
    await unlink(file);
  }

  private tmpName(): string {
    return `${this.streamName}-${this.options.prefix}`;
  }

  /** Publishes the segments a previous run left, cutting a torn last record first. */
  private async recover(): Promise<void> {
    await rm(lakeTmpDir(this.options.lakeDir, this.tmpName()), { recursive: true, force: true });
    const segments = (await readdir(this.options.walDir))
      .map(parseSegmentName)
      .filter((s): s is SegmentName => s !== null)
      .sort((a, b) => a.file.localeCompare(b.file));
    for (const segment of segments) {
      const data = intactPrefix(await readFile(path.join(this.options.walDir, segment.file)));
      if (data.length === 0) await unlink(path.join(this.options.walDir, segment.file));
      else await this.publish(segment, data);
    }
  }
}

/** The bytes up to the last complete, parseable line: a crash may tear only the last write. */
export function intactPrefix(data: Buffer): Buffer {
  let end = data.lastIndexOf(10) + 1;
  while (end > 0) {
    const previous = data.lastIndexOf(10, end - 2) + 1;
    try {
      JSON.parse(data.subarray(previous, end - 1).toString('utf8'));
      return data.subarray(0, end);
    } catch {
      end = previous;
    }
  }
  return data.subarray(0, 0);
}

/** The chunks as they are, counting their lines (newlines) and bytes into `counted` as they pass. */
async function* countingLines(
  chunks: AsyncIterable<Buffer> | Iterable<Buffer>,
  counted: { records: number; bytes: number },
): AsyncGenerator<Buffer> {
  for await (const chunk of chunks) {
    for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) counted.records++;
    counted.bytes += chunk.length;
    yield chunk;
  }
}

function unavailable(error: unknown): StreamUnavailableError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new StreamUnavailableError('disk_full', 'no space left for the stream; retry later', 30);
  }
  return new StreamUnavailableError('io_error', `the stream could not write: ${(error as Error).message}`, 5);
}
