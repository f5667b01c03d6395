import type { LambdaEvent } from 'hono/aws-lambda';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ErrorRecord, MAX_HIT_BYTES, type StreamRecord } from '../../contract/index.ts';
import type { FirehoseBatchClient } from '../../stream/firehose/firehose-stream.ts';
import { MemoryStream } from '../../stream/memory-stream.ts';
import { createCollectorApp, type RuntimeAccess } from '../app.ts';
import { createHitHandler } from '../hits.ts';
import { CollectorMetrics } from '../metrics.ts';
import { createCollectorFunction, createLambdaHandler, lambdaRuntime } from './aws-lambda.ts';
import { nodeRuntime, type RunningServer, startNodeServer } from './node-server.ts';

function collectorWith(runtime: RuntimeAccess) {
  const records = new MemoryStream<StreamRecord>();
  const errors = new MemoryStream<ErrorRecord>();
  const deps = {
    records,
    errors,
    metrics: new CollectorMetrics({ processMetrics: false }),
    options: { anonymizeIp: false, divertBots: false },
  };
  const app = createCollectorApp({ ...deps, runtime });
  return { app, records, errors, deps };
}

/** An API Gateway HTTP API (payload format 2.0) event, as the gateway sends it. */
function apiGatewayV2Event(request: {
  method: string;
  path: string;
  query?: string;
  headers: Record<string, string>;
  body?: string;
  base64?: boolean;
}): LambdaEvent {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: request.path,
    rawQueryString: request.query ?? '',
    headers: { host: 'collect.example.com', 'x-forwarded-proto': 'https', ...request.headers },
    requestContext: {
      accountId: '123456789012',
      apiId: 'abcdef1234',
      domainName: 'collect.example.com',
      domainPrefix: 'collect',
      http: {
        method: request.method,
        path: request.path,
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: request.headers['user-agent'] ?? '',
      },
      requestId: 'JKJaXmPLvHcESHA=',
      routeKey: '$default',
      stage: '$default',
      time: '24/Nov/2026:14:00:00 +0000',
      timeEpoch: 1795615200000,
    },
    ...(request.body === undefined
      ? {}
      : {
          body: request.base64 ? Buffer.from(request.body).toString('base64') : request.body,
          isBase64Encoded: request.base64 ?? false,
        }),
    ...(request.query
      ? { queryStringParameters: Object.fromEntries(new URLSearchParams(request.query)) }
      : {}),
  } as unknown as LambdaEvent;
}

const HEADERS = { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0', 'accept-language': 'it-IT' };
const FORM_HIT = 'v=1&t=event&cid=7d4f&pa=add&pr1id=sku%201&pr1pr=9.5&dt=caf%C3%A9&z=11';
const JSON_HIT = JSON.stringify({ t: 'pageview', cid: '7d4f', dl: 'https://shop.example/?page=1', z: 12 });
const QUERY_HIT = 'v=1&t=pageview&cid=7d4f&dr=https%3A%2F%2Fsearch.example%2F&z=13';

const CASES = [
  {
    name: 'a base64 form body',
    method: 'POST',
    path: '/collect',
    type: 'application/x-www-form-urlencoded',
    body: FORM_HIT,
    base64: true,
  },
  {
    name: 'a plain form body',
    method: 'POST',
    path: '/collect',
    type: 'text/plain;charset=UTF-8',
    body: FORM_HIT,
    base64: false,
  },
  {
    name: 'a JSON body',
    method: 'POST',
    path: '/collect',
    type: 'application/json',
    body: JSON_HIT,
    base64: false,
  },
  { name: 'a GET pixel', method: 'GET', path: '/collect', query: QUERY_HIT },
  {
    name: 'a batch',
    method: 'POST',
    path: '/batch',
    type: 'text/plain',
    body: `${FORM_HIT}\n${QUERY_HIT}`,
    base64: true,
  },
] as const;

/** What must not depend on the runtime: all but generated ids, clocks, transport headers and the host name. */
function comparable(record: StreamRecord) {
  return {
    service: record.service,
    context: record.context,
    request: {
      path: record.request.path,
      method: record.request.method,
      body: record.request.body,
    },
    response: { statusCode: record.response.statusCode, headers: record.response.headers },
    userAgentHeader: record.request.headers['user-agent'],
  };
}

describe('the Lambda handler (API Gateway HTTP API, payload v2)', () => {
  const node = collectorWith(nodeRuntime);
  let server: RunningServer;

  beforeAll(async () => {
    server = await startNodeServer(node.app, { host: '127.0.0.1', port: 0 });
  });
  afterAll(() => server.close());

  for (const c of CASES) {
    it(`turns ${c.name} into the same records as the Node server`, async () => {
      const lambda = collectorWith(lambdaRuntime);
      const handler = createLambdaHandler(lambda.app);
      const headers: Record<string, string> = {
        ...HEADERS,
        ...('type' in c ? { 'content-type': c.type } : {}),
      };
      const result = await handler(
        apiGatewayV2Event({
          method: c.method,
          path: c.path,
          query: 'query' in c ? c.query : undefined,
          headers,
          body: 'body' in c ? c.body : undefined,
          base64: 'base64' in c ? c.base64 : undefined,
        }),
      );
      expect(result.statusCode).toBe(200);
      expect(result.headers?.['content-type']).toBe('image/gif');
      expect(result.isBase64Encoded).toBe(true);
      expect(Buffer.from(result.body, 'base64').subarray(0, 6).toString()).toBe('GIF89a');

      node.records.records.length = 0;
      const url = `${server.url}${c.path}${'query' in c ? `?${c.query}` : ''}`;
      const res = await fetch(url, {
        method: c.method,
        headers,
        body: 'body' in c ? c.body : undefined,
      });
      expect(res.status).toBe(200);

      expect(lambda.records.records.length).toBeGreaterThan(0);
      expect(lambda.records.records.map(comparable)).toEqual(node.records.records.map(comparable));
      expect(lambda.records.records[0]?.context.user_ip).toBe('127.0.0.1');
      expect(lambda.records.records[0]?.request.hostname).toBe('collect.example.com');
    });
  }

  it('refuses a bad hit with 400 and a JSON reason, as the Node server does', async () => {
    const lambda = collectorWith(lambdaRuntime);
    const result = await createLambdaHandler(lambda.app)(
      apiGatewayV2Event({
        method: 'POST',
        path: '/collect',
        headers: { 'content-type': 'text/plain' },
        body: 'cid=1',
      }),
    );
    expect(result.statusCode).toBe(400);
    expect(JSON.parse(result.body)).toMatchObject({ error: 'missing_hit_type' });
    expect(lambda.errors.records).toHaveLength(1);
  });
});

/** Every other form of request, and every refusal: the answer must not depend on the runtime either. */
const ANSWERS = [
  { name: 'a hit without a type', method: 'POST', path: '/collect', type: 'text/plain', body: 'cid=1&z=1' },
  {
    name: 'a hit without a client',
    method: 'POST',
    path: '/collect',
    type: 'text/plain',
    body: 't=pageview',
  },
  { name: 'an empty GET', method: 'GET', path: '/collect' },
  { name: 'a GET without a client', method: 'GET', path: '/collect', query: 't=pageview&z=1' },
  {
    name: 'a hit over the size limit',
    method: 'POST',
    path: '/collect',
    type: 'text/plain',
    body: `t=pageview&cid=1&dt=${'x'.repeat(MAX_HIT_BYTES)}`,
  },
  {
    name: 'a JSON body that is not an object',
    method: 'POST',
    path: '/collect',
    type: 'application/json',
    body: '[1]',
  },
  { name: 'malformed JSON', method: 'POST', path: '/collect', type: 'application/json', body: '{"t":' },
  {
    name: 'a batch with a refused line',
    method: 'POST',
    path: '/batch',
    type: 'text/plain',
    body: `${FORM_HIT}\ncid=2\n\n${QUERY_HIT}`,
  },
  { name: 'an empty batch', method: 'POST', path: '/batch', type: 'text/plain', body: '' },
  { name: 'a preflight', method: 'OPTIONS', path: '/collect' },
  { name: 'a health check', method: 'GET', path: '/healthz' },
  { name: 'an unknown route', method: 'GET', path: '/nope' },
  {
    name: 'a method the route does not take',
    method: 'PUT',
    path: '/collect',
    type: 'text/plain',
    body: FORM_HIT,
  },
] as const;

/**
 * The headers that belong to the answer, not to the transport. The Node server (@hono/node-server) gives every
 * response a content-type, even a 204 without a body, where it means nothing: left out there.
 */
function answerHeaders(headers: Record<string, string | string[] | undefined>, status: number) {
  const transport = new Set(['date', 'connection', 'keep-alive', 'content-length', 'transfer-encoding']);
  if (status === 204) transport.add('content-type');
  return Object.fromEntries(
    Object.entries(headers)
      .filter(([name]) => !transport.has(name.toLowerCase()))
      .map(([name, value]) => [name.toLowerCase(), value]),
  );
}

/** An error record without what each runtime decides for itself: ids, clocks, transport headers, host. */
function comparableError(record: ErrorRecord) {
  const { id: _id, timestamp: _t, headers: _h, hostname: _host, ...request } = record.request;
  return { ...record, request };
}

/** The Node server through the app, and with the hit routes served straight from Node's request. */
const NODE_SERVERS = [
  { name: 'the Node server', direct: false },
  { name: 'the Node server serving hits directly', direct: true },
] as const;

for (const variant of NODE_SERVERS) {
  describe(`the Lambda handler and ${variant.name} answer the same`, () => {
    const node = collectorWith(nodeRuntime);
    let server: RunningServer;
    let servedDirectly = 0;

    beforeAll(async () => {
      const hits = variant.direct
        ? {
            handle: createHitHandler(node.deps),
            countRequest: () => {
              servedDirectly++;
            },
          }
        : undefined;
      server = await startNodeServer(node.app, { host: '127.0.0.1', port: 0 }, hits);
    });
    afterAll(() => server.close());

    for (const c of ANSWERS) {
      it(`to ${c.name}: status, headers, body and records`, async () => {
        const lambda = collectorWith(lambdaRuntime);
        const headers: Record<string, string> = {
          ...HEADERS,
          ...('type' in c ? { 'content-type': c.type } : {}),
        };
        const body = 'body' in c ? c.body : undefined;
        const query = 'query' in c ? c.query : undefined;
        const result = await createLambdaHandler(lambda.app)(
          apiGatewayV2Event({ method: c.method, path: c.path, query, headers, body, base64: true }),
        );

        node.records.records.length = 0;
        node.errors.records.length = 0;
        const directBefore = servedDirectly;
        const res = await fetch(`${server.url}${c.path}${query ? `?${query}` : ''}`, {
          method: c.method,
          headers,
          body,
        });

        expect(result.statusCode).toBe(res.status);
        expect(answerHeaders(result.headers ?? {}, result.statusCode)).toEqual(
          answerHeaders(Object.fromEntries(res.headers), res.status),
        );
        const lambdaBody = result.isBase64Encoded
          ? Buffer.from(result.body, 'base64')
          : Buffer.from(result.body);
        expect(lambdaBody.toString('latin1')).toBe(Buffer.from(await res.arrayBuffer()).toString('latin1'));
        expect(lambda.records.records.map(comparable)).toEqual(node.records.records.map(comparable));
        expect(lambda.errors.records.map(comparableError)).toEqual(node.errors.records.map(comparableError));
        const hitRoute = c.path === '/collect' ? ['GET', 'POST'] : c.path === '/batch' ? ['POST'] : [];
        const direct = variant.direct && hitRoute.includes(c.method);
        expect(servedDirectly - directBefore).toBe(direct ? 1 : 0);
      });
    }
  });
}

describe('the collector function (settings from the environment, Firehose behind)', () => {
  const ENV = {
    PDI_FIREHOSE_STREAM: 'pdi-data',
    PDI_FIREHOSE_ERRORS_STREAM: 'pdi-errors',
    PDI_FIREHOSE_DEADLINE_MS: '200',
  };

  /** A Firehose that takes everything (or refuses everything), and the JSON lines the function logged. */
  function deployed(env: Record<string, string>, refuse = false) {
    const streams: Record<string, unknown[]> = {};
    const client: FirehoseBatchClient = {
      async putRecordBatch(input) {
        if (refuse) {
          return {
            FailedPutCount: input.Records.length,
            RequestResponses: input.Records.map(() => ({
              ErrorCode: 'ServiceUnavailableException',
              ErrorMessage: 'slow down',
            })),
          };
        }
        streams[input.DeliveryStreamName] ??= [];
        for (const r of input.Records) {
          const line = Buffer.from(r.Data).toString();
          expect(line.endsWith('\n')).toBe(true);
          streams[input.DeliveryStreamName]?.push(JSON.parse(line));
        }
        return { FailedPutCount: 0, RequestResponses: input.Records.map(() => ({ RecordId: 'r' })) };
      },
    };
    const logs: Record<string, unknown>[] = [];
    const log = pino({ level: 'info' }, { write: (line: string) => logs.push(JSON.parse(line)) });
    return { handler: createCollectorFunction(env, client, log), streams, logs };
  }

  const hit = (body: string) =>
    apiGatewayV2Event({
      method: 'POST',
      path: '/collect',
      headers: { ...HEADERS, 'content-type': 'text/plain' },
      body,
    });

  it('puts accepted hits on the data stream and refused ones on the errors stream', async () => {
    const fn = deployed(ENV);
    expect((await fn.handler(hit(FORM_HIT))).statusCode).toBe(200);
    expect((await fn.handler(hit('cid=1'))).statusCode).toBe(400);
    expect(fn.streams['pdi-data']).toHaveLength(1);
    expect(fn.streams['pdi-data']?.[0]).toMatchObject({
      context: { user_ip: '127.0.0.1' },
      request: { path: '/collect' },
    });
    expect(fn.streams['pdi-errors']).toMatchObject([{ error: { reason: 'missing_hit_type' } }]);
  });

  it('answers 503 with Retry-After when Firehose keeps refusing, and nothing is acknowledged', async () => {
    const fn = deployed(ENV, true);
    const result = await fn.handler(hit(FORM_HIT));
    expect(result.statusCode).toBe(503);
    expect(result.headers?.['retry-after']).toBe('1');
    expect(JSON.parse(result.body)).toMatchObject({ error: 'unavailable' });
    expect(fn.streams).toEqual({});
  });

  it('says which setting is missing, in the log at start and at every request', async () => {
    const fn = deployed({ PDI_FIREHOSE_STREAM: 'pdi-data' });
    expect(fn.logs.at(-1)?.msg).toMatch(/PDI_FIREHOSE_ERRORS_STREAM/);
    const result = await fn.handler(hit(FORM_HIT));
    expect(result.statusCode).toBe(500);
    expect(JSON.parse(result.body)).toMatchObject({
      error: 'misconfigured',
      message: expect.stringMatching(/PDI_FIREHOSE_ERRORS_STREAM/),
    });
    expect(fn.logs).toHaveLength(2);
  });

  it('refuses a bad setting the same way', async () => {
    for (const [name, value] of [
      ['PDI_ANONYMIZE_IP', 'perhaps'],
      ['PDI_LOG_LEVEL', 'loud'],
      ['PDI_FIREHOSE_DEADLINE_MS', 'soon'],
    ]) {
      const fn = deployed({ ...ENV, [name as string]: value as string });
      const result = await fn.handler(hit(FORM_HIT));
      expect(result.statusCode).toBe(500);
      expect(result.body).toMatch(new RegExp(name as string));
    }
  });
});
