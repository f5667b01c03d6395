import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { type BodySource, RequestAbortedError, readBodyWithLimit } from './read-body.ts';

const text = (bytes: Uint8Array) => Buffer.from(bytes).toString();

describe('readBodyWithLimit', () => {
  it('takes a body that has arrived as it is, without reading the stream', async () => {
    const stream = Readable.from([Buffer.from('never read')]);
    const source: BodySource = {
      chunks: stream,
      declaredBytes: 5,
      arrived: async () => Buffer.from('v=1&t'),
    };
    const body = await readBodyWithLimit(source, 4, 2);
    expect(text(body.bytes)).toBe('v=');
    expect(body).toMatchObject({ totalBytes: 5, tooLarge: true });
    expect(stream.readableEnded).toBe(false);
  });

  it('reads the stream when the body has not all arrived', async () => {
    const source: BodySource = {
      chunks: Readable.from([Buffer.from('v=1&'), Buffer.from('t=event')]),
      declaredBytes: null,
      arrived: async () => null,
    };
    const body = await readBodyWithLimit(source, 100, 100);
    expect(text(body.bytes)).toBe('v=1&t=event');
    expect(body).toMatchObject({ totalBytes: 11, tooLarge: false });
  });

  it('refuses a stream already gone by the time it is read, rather than waiting for its events', async () => {
    const stream = new Readable({ read() {} });
    stream.destroy();
    await new Promise((resolve) => setImmediate(resolve));
    const read = readBodyWithLimit(
      { chunks: stream, declaredBytes: 10, arrived: async () => null },
      100,
      100,
    );
    await expect(read).rejects.toBeInstanceOf(RequestAbortedError);
  });
});
