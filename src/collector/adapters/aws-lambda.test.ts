import type { LambdaEvent } from 'hono/aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorRecord, StreamRecord } from '../../contract/index.ts';
import { MemoryStream } from '../../stream/memory-stream.ts';
import { createCollectorApp, type RuntimeAccess } from '../app.ts';
import { CollectorMetrics } from '../metrics.ts';
import { createLambdaHandler, lambdaRuntime } from './aws-lambda.ts';
import { nodeRuntime, type RunningServer, startNodeServer } from './node-server.ts';

function collectorWith(runtime: RuntimeAccess) {
  const records = new MemoryStream<StreamRecord>();
  const errors = new MemoryStream<ErrorRecord>();
  const app = createCollectorApp({
    records,
    errors,
    metrics: new CollectorMetrics({ processMetrics: false }),
    options: { anonymizeIp: false, divertBots: false },
    runtime,
  });
  return { app, records, errors };
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
