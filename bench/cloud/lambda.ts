/**
 * The collector function, measured where it can be without AWS:
 * - in process: its handler answering API Gateway events for `/collect` (one hit) and `/batch` (20 hits), its
 *   Firehose client answering after a fixed latency (5 ms); one invocation at a time, as one Lambda container
 *   serves them, then 50 at once, which shows the CPU an invocation costs. The baseline is a handler that only
 *   answers the pixel, in the same loop: what the loop itself costs.
 * - the artifact: `npm run build:lambda`'s zip size, and the cold start: a fresh `node` importing the bundle
 *   and answering its first event (median of 7).
 *
 *   node --import tsx bench/cloud/lambda.ts [--seconds 5] [--latency-ms 5]
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { unzipSync } from 'fflate';
import pino from 'pino';
import { buildLambda } from '../../scripts/build-lambda.ts';
import { createCollectorFunction } from '../../src/collector/adapters/aws-lambda.ts';
import type { FirehoseBatchClient } from '../../src/stream/firehose/firehose-stream.ts';
import { makeBatches, makeHits, withZ } from '../collect/hits.ts';
import { machine } from '../support/steps.ts';

const { values } = parseArgs({
  options: { seconds: { type: 'string', default: '5' }, 'latency-ms': { type: 'string', default: '5' } },
});
const seconds = Number(values.seconds);
const latencyMs = Number(values['latency-ms']);

const firehose: FirehoseBatchClient = {
  putRecordBatch: (input) =>
    new Promise((resolve) =>
      setTimeout(
        () => resolve({ FailedPutCount: 0, RequestResponses: input.Records.map(() => ({ RecordId: 'r' })) }),
        latencyMs,
      ),
    ),
};
const handler = createCollectorFunction(
  { PDI_FIREHOSE_STREAM: 'data', PDI_FIREHOSE_ERRORS_STREAM: 'errors' },
  firehose,
  pino({ level: 'silent' }),
);
const PIXEL = {
  statusCode: 200,
  headers: { 'content-type': 'image/gif' },
  body: 'R0lGODlhAQABAAAAACw=',
  isBase64Encoded: true,
};
const baseline = async (_event: unknown) => {
  await new Promise((resolve) => setTimeout(resolve, latencyMs));
  return PIXEL;
};

const sample = makeHits(4000);
const event = (path: string, body: string) => ({
  version: '2.0',
  routeKey: '$default',
  rawPath: path,
  rawQueryString: '',
  headers: {
    host: 'abc.execute-api.eu-west-1.amazonaws.com',
    'content-type': 'text/plain',
    'user-agent': 'Mozilla/5.0',
  },
  requestContext: {
    http: { method: 'POST', path, protocol: 'HTTP/1.1', sourceIp: '198.51.100.7', userAgent: 'x' },
    stage: '$default',
  },
  body: Buffer.from(body).toString('base64'),
  isBase64Encoded: true,
});
const collectEvents = sample.map((hit, z) => event('/collect', withZ(hit.params, z)));
const batchEvents = makeBatches(sample).map((lines, b) =>
  event('/batch', lines.map((line, i) => withZ(line, b * 20 + i)).join('\n')),
);

/** Invocations for `seconds`, `concurrency` at a time; every answer must be 200. */
async function measure(
  invoke: (e: unknown) => Promise<{ statusCode: number }>,
  events: unknown[],
  concurrency: number,
) {
  const until = performance.now() + seconds * 1000;
  const cpu = process.cpuUsage();
  let count = 0;
  const worker = async () => {
    while (performance.now() < until) {
      const answer = await invoke(events[count % events.length]);
      if (answer.statusCode !== 200) throw new Error(`answered ${answer.statusCode}`);
      count++;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  return { perSecond: count / elapsed, cpuUsPerCall: (used.user + used.system) / count };
}

console.log(`machine: ${machine()}`);
console.log(`Firehose latency ${latencyMs} ms; ${seconds} s per line\n`);
console.log('| handler | route | at once | invocations/s | hits/s | CPU µs per invocation |');
console.log('|---|---|---:|---:|---:|---:|');
for (const concurrency of [1, 50]) {
  for (const [name, invoke] of [
    ['baseline (pixel only)', baseline],
    ['collector', handler],
  ] as const) {
    for (const [route, events, perCall] of [
      ['/collect', collectEvents, 1],
      ['/batch', batchEvents, 20],
    ] as const) {
      if (name.startsWith('baseline') && route === '/batch') continue;
      const r = await measure(invoke as (e: unknown) => Promise<{ statusCode: number }>, events, concurrency);
      console.log(
        `| ${name} | ${route} | ${concurrency} | ${r.perSecond.toFixed(0)} | ${(r.perSecond * perCall).toFixed(0)} | ${r.cpuUsPerCall.toFixed(0)} |`,
      );
    }
  }
}

const built = await buildLambda();
const zipBytes = (await stat(built.zipPath)).size;
const dir = await mkdtemp(path.join(os.tmpdir(), 'pdi-bench-lambda-'));
try {
  for (const [name, bytes] of Object.entries(unzipSync(new Uint8Array(await readFile(built.zipPath))))) {
    await writeFile(path.join(dir, name), bytes);
  }
  const script = `
    const started = performance.now();
    const { handler } = await import(process.env.LAMBDA_DIR + '/index.mjs');
    const firehose = (await import('node:http')).createServer((req, res) => {
      req.resume();
      req.on('end', () => res.end(JSON.stringify({ FailedPutCount: 0, RequestResponses: [{ RecordId: '1' }] })));
    });
    await new Promise((resolve) => firehose.listen(0, '127.0.0.1', resolve));
    process.env.AWS_ENDPOINT_URL_FIREHOSE = 'http://127.0.0.1:' + firehose.address().port;
    const answer = await handler(JSON.parse(process.env.EVENT), {});
    console.log(JSON.stringify({ status: answer.statusCode, ms: performance.now() - started }));
    firehose.close();
  `;
  const colds: number[] = [];
  for (let i = 0; i < 7; i++) {
    const wall = performance.now();
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      env: {
        PATH: process.env.PATH,
        LAMBDA_DIR: dir,
        EVENT: JSON.stringify(collectEvents[0]),
        PDI_FIREHOSE_STREAM: 'data',
        PDI_FIREHOSE_ERRORS_STREAM: 'errors',
        AWS_REGION: 'eu-west-1',
        AWS_ACCESS_KEY_ID: 'bench',
        AWS_SECRET_ACCESS_KEY: 'bench',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      },
      encoding: 'utf8',
    });
    const answer = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}');
    if (answer.status !== 200) throw new Error(`cold start answered ${answer.status}: ${run.stderr}`);
    colds.push(performance.now() - wall);
  }
  colds.sort((a, b) => a - b);
  console.log(`\nzip: ${(zipBytes / 1024).toFixed(0)} KiB (target <= 1536 KiB)`);
  console.log(
    `cold start, a fresh node process to its first answer: median ${colds[3]?.toFixed(0)} ms, min ${colds[0]?.toFixed(0)}, max ${colds[6]?.toFixed(0)} (target <= 200 ms)`,
  );
} finally {
  await rm(dir, { recursive: true, force: true });
}
