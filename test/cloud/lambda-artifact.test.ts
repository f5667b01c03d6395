import { spawn } from 'node:child_process';
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildLambda } from '../../scripts/build-lambda.ts';

/**
 * The function as Lambda runs it: `npm run build:lambda`'s zip, unpacked, imported by a fresh `node` and
 * invoked with API Gateway events, its Firehose client pointed by AWS_ENDPOINT_URL_FIREHOSE at a local endpoint
 * that speaks Firehose's JSON protocol and keeps what it is sent.
 */
let dir: string;
let zipBytes: number;
let firehose: Server;
const received: { stream: string; lines: string[] }[] = [];

beforeAll(async () => {
  const built = await buildLambda();
  zipBytes = (await stat(built.zipPath)).size;
  const files = unzipSync(new Uint8Array(await readFile(built.zipPath)));
  dir = await mkdtemp(path.join(os.tmpdir(), 'pdi-lambda-'));
  for (const [name, bytes] of Object.entries(files)) await writeFile(path.join(dir, name), bytes);
  firehose = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      expect(req.headers['x-amz-target']).toBe('Firehose_20150804.PutRecordBatch');
      const input = JSON.parse(body) as { DeliveryStreamName: string; Records: { Data: string }[] };
      received.push({
        stream: input.DeliveryStreamName,
        lines: input.Records.map((r) => Buffer.from(r.Data, 'base64').toString()),
      });
      res.setHeader('content-type', 'application/x-amz-json-1.1');
      res.end(
        JSON.stringify({
          FailedPutCount: 0,
          RequestResponses: input.Records.map((_, i) => ({ RecordId: String(i) })),
        }),
      );
    });
  });
  await new Promise<void>((resolve) => firehose.listen(0, '127.0.0.1', resolve));
}, 120_000);

afterAll(() => firehose?.close());

/** Imports index.mjs in a fresh node, calls its handler with `event`, and gives back the answer and the logs. */
function invoke(event: unknown, env: Record<string, string>) {
  const script = `
    const started = performance.now();
    const { handler } = await import(process.env.LAMBDA_DIR + '/index.mjs');
    const answer = await handler(JSON.parse(process.env.EVENT), {});
    process.stderr.write('\\n@@result ' + JSON.stringify({ answer, ms: performance.now() - started }) + '\\n');
  `;
  return new Promise<{
    answer: { statusCode: number; headers: Record<string, string>; body: string };
    ms: number;
    logs: string[];
  }>((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      env: { PATH: process.env.PATH ?? '', LAMBDA_DIR: dir, EVENT: JSON.stringify(event), ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.once('close', (code) => {
      if (code !== 0) return reject(new Error(`node exited ${code}: ${stderr}`));
      const result = /^@@result (.*)$/m.exec(stderr);
      if (!result) return reject(new Error(`no answer: ${stderr}`));
      resolve({ ...JSON.parse(result[1] as string), stderr, logs: stdout.split('\n').filter(Boolean) });
    });
  });
}

const event = (body: string) => ({
  version: '2.0',
  routeKey: '$default',
  rawPath: '/collect',
  rawQueryString: '',
  headers: {
    host: 'abc.execute-api.eu-west-1.amazonaws.com',
    'content-type': 'text/plain',
    'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0',
  },
  requestContext: {
    http: {
      method: 'POST',
      path: '/collect',
      protocol: 'HTTP/1.1',
      sourceIp: '198.51.100.7',
      userAgent: 'x',
    },
    stage: '$default',
  },
  body: Buffer.from(body).toString('base64'),
  isBase64Encoded: true,
});

describe('the Lambda artifact (dist/lambda/collector.zip)', () => {
  const env = () => ({
    PDI_FIREHOSE_STREAM: 'pdi-data',
    PDI_FIREHOSE_ERRORS_STREAM: 'pdi-errors',
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_ENDPOINT_URL_FIREHOSE: `http://127.0.0.1:${(firehose.address() as AddressInfo).port}`,
  });

  it('is one index.mjs, at most 1.5 MB zipped', () => {
    expect(zipBytes).toBeLessThanOrEqual(1.5 * 1024 * 1024);
  });

  it('puts a hit on the data stream through the bundled AWS SDK, as one JSON line', async () => {
    received.length = 0;
    const { answer } = await invoke(event('v=1&t=pageview&cid=c1&z=1'), env());
    expect(answer.statusCode).toBe(200);
    expect(answer.headers['content-type']).toBe('image/gif');
    expect(received).toHaveLength(1);
    expect(received[0]?.stream).toBe('pdi-data');
    expect(received[0]?.lines[0]?.endsWith('\n')).toBe(true);
    expect(JSON.parse(received[0]?.lines[0] ?? '')).toMatchObject({
      context: { client_id: 'c1', user_ip: '198.51.100.7' },
      request: { body: { t: 'pageview', cid: 'c1', z: '1' } },
    });
  });

  it('puts a refused hit on the errors stream', async () => {
    received.length = 0;
    const { answer } = await invoke(event('cid=c1'), env());
    expect(answer.statusCode).toBe(400);
    expect(received.map((r) => r.stream)).toEqual(['pdi-errors']);
  });

  it('names a missing setting in its JSON log lines and its answer', async () => {
    const { PDI_FIREHOSE_STREAM: _, ...missing } = env();
    const { answer, logs } = await invoke(event('v=1&t=pageview&cid=c1'), missing);
    expect(answer.statusCode).toBe(500);
    expect(answer.body).toMatch(/PDI_FIREHOSE_STREAM/);
    expect(logs.length).toBeGreaterThanOrEqual(2);
    for (const line of logs)
      expect(JSON.parse(line)).toMatchObject({
        level: 50,
        msg: expect.stringMatching(/PDI_FIREHOSE_STREAM/),
      });
  });

  it('names a bad log level the same way, rather than failing to start', async () => {
    const { answer } = await invoke(event('v=1&t=pageview&cid=c1'), { ...env(), PDI_LOG_LEVEL: 'loud' });
    expect(answer.statusCode).toBe(500);
    expect(answer.body).toMatch(/PDI_LOG_LEVEL/);
  });
});
