import { type StreamSink, StreamUnavailableError } from '../types.ts';

/** What the sink needs of Firehose: one `PutRecordBatch` call (see `sdkBatchClient` for the AWS SDK's). */
export interface FirehoseBatchClient {
  putRecordBatch(
    input: { DeliveryStreamName: string; Records: { Data: Uint8Array }[] },
    signal: AbortSignal,
  ): Promise<PutRecordBatchResult>;
}

/** Firehose's answer: one response per record, in order, with an `ErrorCode` on those it refused. */
export interface PutRecordBatchResult {
  FailedPutCount?: number;
  RequestResponses?: { RecordId?: string; ErrorCode?: string; ErrorMessage?: string }[];
}

export interface FirehoseStreamOptions {
  client: FirehoseBatchClient;
  streamName: string;
  /** How long a `put` may retry before it gives up (ms): keep it below the function's timeout. */
  deadlineMs?: number;
  /** Backoff before the n-th retry: a random wait up to min(max, base * 2^n) ms ("full jitter"). */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** What a 503 tells the client to wait (s). */
  retryAfterSeconds?: number;
  now?: () => number;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** Firehose's limits for one PutRecordBatch call, and for one record. */
export const MAX_BATCH_RECORDS = 500;
export const MAX_BATCH_BYTES = 4 * 1024 * 1024;
export const MAX_RECORD_BYTES = 1000 * 1024;

/**
 * Errors that no retry cures (a wrong stream name, no permission, a malformed call): `put` gives up at once
 * rather than hold the request until the deadline. Anything else (throttling, Firehose's internal failures,
 * the network) is retried.
 */
const PERMANENT_ERRORS = new Set([
  'ResourceNotFoundException',
  'AccessDeniedException',
  'InvalidArgumentException',
  'ValidationException',
  'InvalidKMSResourceException',
  'UnrecognizedClientException',
]);

/**
 * A stream sink onto a Kinesis Data Firehose delivery stream: each record one JSON line ending in `\n`
 * (Firehose concatenates records as given, so the lake objects are NDJSON), sent with PutRecordBatch in
 * calls of at most 500 records and 4 MiB. Only the entries Firehose refused are sent again, with backoff and
 * jitter, until the deadline; then `put` rejects with StreamUnavailableError and the collector answers 503:
 * nothing answered 200 is lost. An entry may reach Firehose twice (it is at-least-once anyway): the warehouse
 * keeps one hit per client and `z`.
 */
export class FirehoseStream<T> implements StreamSink<T> {
  private readonly client: FirehoseBatchClient;
  private readonly streamName: string;
  private readonly deadlineMs: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly retryAfterSeconds: number;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly pending = new Set<Promise<void>>();
  private inFlightBytes = 0;
  private closed = false;

  constructor(options: FirehoseStreamOptions) {
    this.client = options.client;
    this.streamName = options.streamName;
    this.deadlineMs = options.deadlineMs ?? 5000;
    this.baseDelayMs = options.baseDelayMs ?? 50;
    this.maxDelayMs = options.maxDelayMs ?? 1000;
    this.retryAfterSeconds = options.retryAfterSeconds ?? 1;
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  async put(records: readonly T[]): Promise<void> {
    if (this.closed) throw new StreamUnavailableError('closed', 'stream is closed', this.retryAfterSeconds);
    if (records.length === 0) return;
    const lines = records.map((record) => Buffer.from(`${JSON.stringify(record)}\n`));
    const bytes = lines.reduce((total, line) => total + line.length, 0);
    const deadline = this.now() + this.deadlineMs;
    const sent = Promise.all(batchesOf(lines).map((batch) => this.send(batch, deadline))).then(() => {});
    this.pending.add(sent);
    this.inFlightBytes += bytes;
    try {
      await sent;
    } finally {
      this.pending.delete(sent);
      this.inFlightBytes -= bytes;
    }
  }

  /** Bytes sent but not yet taken by Firehose. */
  bufferedBytes(): number {
    return this.inFlightBytes;
  }

  /** Takes no more records and waits for those being sent. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.pending]);
  }

  /** Sends one batch, then again the entries Firehose refused, until none is left or the deadline passes. */
  private async send(batch: Buffer[], deadline: number): Promise<void> {
    let entries = batch;
    let lastFailure = 'no answer before the deadline';
    for (let retry = 0; ; retry++) {
      const remaining = deadline - this.now();
      if (remaining <= 0) break;
      let failure: string;
      try {
        const result = await this.call(entries, remaining);
        const refused = entries.filter((_, i) => result.RequestResponses?.[i]?.ErrorCode);
        // a count without the per-entry answers (not what Firehose does): send them all again
        if (refused.length === 0 && (result.FailedPutCount ?? 0) > 0) failure = 'unknown refusal';
        else if (refused.length === 0) return;
        else {
          const first = result.RequestResponses?.find((r) => r.ErrorCode);
          failure = `${refused.length} of ${entries.length} records refused (${first?.ErrorCode}: ${first?.ErrorMessage})`;
          entries = refused;
        }
      } catch (error) {
        const name = (error as { name?: string }).name ?? 'Error';
        failure = `${name}: ${(error as Error).message}`;
        if (PERMANENT_ERRORS.has(name)) throw this.unavailable('io_error', failure);
      }
      lastFailure = failure;
      const wait = this.random() * Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** retry);
      await this.sleep(Math.min(wait, Math.max(0, deadline - this.now())));
    }
    const overloaded = /ServiceUnavailable|Throttl|SlowDown/i.test(lastFailure);
    throw this.unavailable(overloaded ? 'overloaded' : 'io_error', lastFailure);
  }

  /** One PutRecordBatch call, abandoned when it outlasts the time left. */
  private async call(entries: Buffer[], timeoutMs: number): Promise<PutRecordBatchResult> {
    const abort = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        abort.abort();
        reject(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { name: 'TimeoutError' }));
      }, timeoutMs);
    });
    const call = this.client.putRecordBatch(
      { DeliveryStreamName: this.streamName, Records: entries.map((Data) => ({ Data })) },
      abort.signal,
    );
    // a call that fails after its timeout has already been answered for: not an unhandled rejection
    call.catch(() => {});
    try {
      return await Promise.race([call, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private unavailable(reason: 'overloaded' | 'io_error', failure: string): StreamUnavailableError {
    return new StreamUnavailableError(
      reason,
      `Firehose stream ${this.streamName} did not take the records: ${failure}`,
      this.retryAfterSeconds,
    );
  }
}

/** Lines grouped into PutRecordBatch calls: at most MAX_BATCH_RECORDS records and MAX_BATCH_BYTES each. */
export function batchesOf(lines: Buffer[]): Buffer[][] {
  const batches: Buffer[][] = [];
  let batch: Buffer[] = [];
  let bytes = 0;
  for (const line of lines) {
    if (line.length > MAX_RECORD_BYTES) {
      throw new RangeError(
        `a record of ${line.length} bytes is over Firehose's limit of ${MAX_RECORD_BYTES}`,
      );
    }
    if (batch.length === MAX_BATCH_RECORDS || bytes + line.length > MAX_BATCH_BYTES) {
      batches.push(batch);
      batch = [];
      bytes = 0;
    }
    batch.push(line);
    bytes += line.length;
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}
