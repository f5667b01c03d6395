import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { ErrorRecord, StreamRecord } from '../../contract/index.ts';
import { MemoryStream } from '../../stream/memory-stream.ts';
import { createCollectorApp } from '../app.ts';
import { createHitHandler } from '../hits.ts';
import { CollectorMetrics } from '../metrics.ts';
import { nodeRuntime, type RunningServer, startNodeServer } from './node-server.ts';

const HIT = 'v=1&t=pageview&cid=abc&z=1';

/** A collector on a Node server, its hit routes served directly or through the app. */
async function serveCollector(direct: boolean) {
  const unexpected: unknown[] = [];
  const answered: number[] = [];
  const deps = {
    records: new MemoryStream<StreamRecord>(),
    errors: new MemoryStream<ErrorRecord>(),
    metrics: new CollectorMetrics({ processMetrics: false }),
    options: { anonymizeIp: false, divertBots: false },
    onUnexpectedError: (error: unknown) => unexpected.push(error),
  };
  const app = createCollectorApp({ ...deps, runtime: nodeRuntime });
  const hits = direct
    ? {
        handle: createHitHandler(deps),
        countRequest: (_route: string, status: number) => answered.push(status),
        onUnexpectedError: deps.onUnexpectedError,
      }
    : undefined;
  const server = await startNodeServer(app, { host: '127.0.0.1', port: 0 }, hits);
  return { server, unexpected, answered, records: deps.records, errors: deps.errors };
}

/** Sends a request's head and part of its declared body, then goes away. */
async function sendHalfABody(url: string): Promise<void> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  socket.write(`POST /collect HTTP/1.1\r\nHost: ${hostname}\r\nContent-Length: 5000\r\n\r\n${HIT}`);
  await sleep(100);
  socket.destroy();
  await sleep(100);
}

/** Sends a request in two packets: its head and the start of its body, then the rest after `pauseMs`. */
async function sendInTwoPackets(url: string, pauseMs: number): Promise<string> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  const answer = new Promise<string>((resolve) => {
    let text = '';
    socket.on('data', (chunk) => {
      text += chunk.toString('latin1');
      if (text.includes('\r\n\r\n')) resolve(text.slice(0, text.indexOf('\r\n')));
    });
  });
  const head = `POST /collect HTTP/1.1\r\nHost: ${hostname}\r\nContent-Length: ${HIT.length}\r\n\r\n`;
  socket.write(`${head}${HIT.slice(0, 10)}`);
  await sleep(pauseMs);
  socket.write(HIT.slice(10));
  const statusLine = await answer;
  socket.destroy();
  return statusLine;
}

let server: RunningServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

for (const direct of [true, false]) {
  describe(direct ? 'the Node server, serving hits directly' : 'the Node server, through the app', () => {
    it('answers 413 to a body over the drain limit, without reading it all', async () => {
      const collector = await serveCollector(direct);
      server = collector.server;
      const res = await fetch(`${server.url}/collect`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body: `${HIT}&dt=${'x'.repeat(2_000_000)}`,
      });
      expect(res.status).toBe(413);
      expect(await res.json()).toMatchObject({ error: 'too_large' });
      expect(collector.errors.records.map((r) => r.error.reason)).toEqual(['too_large']);
      expect(collector.unexpected).toEqual([]);
    });

    it('takes a client gone in the middle of its body for what it is: not an error, nothing stored', async () => {
      const collector = await serveCollector(direct);
      server = collector.server;
      await sendHalfABody(server.url);
      expect(collector.unexpected).toEqual([]);
      expect(collector.records.records).toEqual([]);
      const res = await fetch(`${server.url}/collect`, { method: 'POST', body: HIT });
      expect(res.status).toBe(200);
      expect(collector.records.records).toHaveLength(1);
    });

    it('reads a body that comes in after its head, in a later packet', async () => {
      const collector = await serveCollector(direct);
      server = collector.server;
      expect(await sendInTwoPackets(server.url, 50)).toBe('HTTP/1.1 200 OK');
      expect(collector.records.records.map((r) => r.request.body)).toEqual([
        { v: '1', t: 'pageview', cid: 'abc', z: '1' },
      ]);
      expect(collector.unexpected).toEqual([]);
    });

    it('is done with a request whose client left in the packet that brought it', async () => {
      const collector = await serveCollector(direct);
      server = collector.server;
      const { hostname, port } = new URL(server.url);
      const socket = connect(Number(port), hostname);
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
      // the head, part of the body, and the end of the connection, all at once
      socket.end(`POST /collect HTTP/1.1\r\nHost: ${hostname}\r\nContent-Length: 5000\r\n\r\n${HIT}`);
      await sleep(200);
      expect(collector.records.records).toEqual([]);
      expect(collector.unexpected).toEqual([]);
      // served to the end (a 400 that no one reads), not left waiting for a body that will not come
      if (direct) expect(collector.answered).toEqual([400]);
    });
  });
}
