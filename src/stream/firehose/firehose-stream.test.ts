import { describe, expect, it } from 'vitest';
import { StreamUnavailableError } from '../types.ts';
import {
  batchesOf,
  type FirehoseBatchClient,
  FirehoseStream,
  MAX_BATCH_BYTES,
  MAX_BATCH_RECORDS,
  type PutRecordBatchResult,
} from './firehose-stream.ts';

type Call = { stream: string; lines: string[]; signal: AbortSignal };

/**
 * A Firehose that records every call and answers as `answer` says: per-entry error codes (null: taken), a
 * thrown error, or never.
 */
function fakeFirehose(answer: (call: Call, index: number) => Promise<(string | null)[]> | 'hang') {
  const calls: Call[] = [];
  const delivered: string[] = [];
  const client: FirehoseBatchClient = {
    async putRecordBatch(input, signal) {
      const call = {
        stream: input.DeliveryStreamName,
        lines: input.Records.map((r) => Buffer.from(r.Data).toString()),
        signal,
      };
      calls.push(call);
      const answered = answer(call, calls.length - 1);
      if (answered === 'hang') return new Promise<PutRecordBatchResult>(() => {});
      const codes = await answered;
      call.lines.forEach((line, i) => {
        if (!codes[i]) delivered.push(line);
      });
      return {
        FailedPutCount: codes.filter(Boolean).length,
        RequestResponses: codes.map((code) =>
          code ? { ErrorCode: code, ErrorMessage: 'try again' } : { RecordId: 'r' },
        ),
      };
    },
  };
  return { client, calls, delivered };
}

const taken = async (call: Call) => call.lines.map(() => null);
const records = (n: number) => Array.from({ length: n }, (_, i) => ({ hit: i }));

describe('FirehoseStream', () => {
  it('sends each record as one JSON line, in calls of at most 500 records', async () => {
    const firehose = fakeFirehose(taken);
    const stream = new FirehoseStream({ client: firehose.client, streamName: 'data' });
    await stream.put(records(1200));
    expect(firehose.calls.map((c) => c.lines.length)).toEqual([500, 500, 200]);
    expect(firehose.calls.every((c) => c.stream === 'data')).toBe(true);
    expect(firehose.delivered).toEqual(records(1200).map((r) => `${JSON.stringify(r)}\n`));
    expect(stream.bufferedBytes()).toBe(0);
  });

  it('keeps each call under 4 MiB and refuses a record over 1,000 KiB', () => {
    const line = Buffer.alloc(900 * 1024, 'x');
    const batches = batchesOf(Array.from({ length: 10 }, () => line));
    expect(batches.map((b) => b.length)).toEqual([4, 4, 2]);
    for (const batch of batches) {
      expect(batch.reduce((n, l) => n + l.length, 0)).toBeLessThanOrEqual(MAX_BATCH_BYTES);
    }
    expect(batchesOf(Array.from({ length: 501 }, () => Buffer.from('x\n'))).map((b) => b.length)).toEqual([
      MAX_BATCH_RECORDS,
      1,
    ]);
    expect(() => batchesOf([Buffer.alloc(1001 * 1024)])).toThrow(RangeError);
  });

  it('sends again only the entries Firehose refused, until every one is taken', async () => {
    // the first call refuses every third entry, the second the first of those left
    const firehose = fakeFirehose(async (call, index) =>
      call.lines.map((_, i) =>
        (index === 0 && i % 3 === 0) || (index === 1 && i === 0) ? 'ServiceUnavailableException' : null,
      ),
    );
    const stream = new FirehoseStream({ client: firehose.client, streamName: 'data', baseDelayMs: 1 });
    await stream.put(records(30));
    expect(firehose.calls.map((c) => c.lines.length)).toEqual([30, 10, 1]);
    // each record exactly once
    expect([...firehose.delivered].sort()).toEqual(
      records(30)
        .map((r) => `${JSON.stringify(r)}\n`)
        .sort(),
    );
  });

  it('retries a call that failed whole (throttled), then delivers', async () => {
    const firehose = fakeFirehose(async (call, index) => {
      if (index < 2) throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
      return call.lines.map(() => null);
    });
    const stream = new FirehoseStream({ client: firehose.client, streamName: 'data', baseDelayMs: 1 });
    await stream.put(records(3));
    expect(firehose.calls).toHaveLength(3);
    expect(firehose.delivered).toHaveLength(3);
  });

  it('gives up at the deadline with StreamUnavailableError when Firehose keeps refusing', async () => {
    const firehose = fakeFirehose(async (call) => call.lines.map(() => 'ServiceUnavailableException'));
    const stream = new FirehoseStream({
      client: firehose.client,
      streamName: 'data',
      deadlineMs: 150,
      baseDelayMs: 5,
      retryAfterSeconds: 2,
    });
    const started = Date.now();
    const error = await stream.put(records(2)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StreamUnavailableError);
    expect(error).toMatchObject({ reason: 'overloaded', retryAfterSeconds: 2 });
    expect((error as Error).message).toMatch(/Firehose stream data did not take the records: 2 of 2/);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(firehose.calls.length).toBeGreaterThan(1);
    expect(firehose.delivered).toEqual([]);
  });

  it('abandons a call that hangs at the deadline, aborting it, without an unhandled rejection', async () => {
    const firehose = fakeFirehose(() => 'hang');
    const stream = new FirehoseStream({ client: firehose.client, streamName: 'data', deadlineMs: 100 });
    const error = await stream.put(records(1)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StreamUnavailableError);
    expect((error as Error).message).toMatch(/no answer within/);
    expect(firehose.calls[0]?.signal.aborted).toBe(true);
  });

  it('gives up at once on an error no retry cures (no such stream)', async () => {
    const firehose = fakeFirehose(async () => {
      throw Object.assign(new Error('Firehose data not found'), { name: 'ResourceNotFoundException' });
    });
    const stream = new FirehoseStream({ client: firehose.client, streamName: 'data', deadlineMs: 10_000 });
    const error = await stream.put(records(1)).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'StreamUnavailableError', reason: 'io_error' });
    expect(firehose.calls).toHaveLength(1);
  });

  it('counts the bytes being sent, waits for them at close, and takes nothing after', async () => {
    let release = () => {};
    const firehose = fakeFirehose(
      (call) =>
        new Promise((resolve) => {
          release = () => resolve(call.lines.map(() => null));
        }),
    );
    const stream = new FirehoseStream({ client: firehose.client, streamName: 'data' });
    const put = stream.put(records(2));
    await new Promise((resolve) => setImmediate(resolve));
    expect(stream.bufferedBytes()).toBe(records(2).reduce((n, r) => n + JSON.stringify(r).length + 1, 0));
    const closed = stream.close();
    await expect(stream.put(records(1))).rejects.toMatchObject({ reason: 'closed' });
    release();
    await Promise.all([put, closed]);
    expect(firehose.delivered).toHaveLength(2);
    expect(stream.bufferedBytes()).toBe(0);
  });
});
