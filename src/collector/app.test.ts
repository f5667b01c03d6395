import { describe, expect, it } from 'vitest';
import type { ErrorRecord, StreamRecord } from '../contract/index.ts';
import { MemoryStream } from '../stream/memory-stream.ts';
import { StreamUnavailableError } from '../stream/types.ts';
import { type CollectorOptions, createCollectorApp } from './app.ts';
import { CollectorMetrics } from './metrics.ts';
import { PIXEL_GIF } from './pixel.ts';

function collector(options: Partial<CollectorOptions> = {}) {
  const records = new MemoryStream<StreamRecord>();
  const errors = new MemoryStream<ErrorRecord>();
  const metrics = new CollectorMetrics({ processMetrics: false });
  let id = 0;
  const app = createCollectorApp({
    records,
    errors,
    metrics,
    options: { anonymizeIp: false, divertBots: false, ...options },
    runtime: { sourceIp: () => '203.0.113.9' },
    newId: () => `id-${++id}`,
    now: () => 1_700_000_000_000,
  });
  return { app, records, errors, metrics };
}

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const HIT = 'v=1&t=pageview&cid=abc&dl=https%3A%2F%2Fshop.example%2F&z=42';

describe('POST /collect', () => {
  it('answers the pixel and stores one record with the contract fields', async () => {
    const { app, records, errors } = collector();
    const res = await app.request('http://collect.example/collect', {
      method: 'POST',
      headers: { ...FORM, 'user-agent': 'Mozilla/5.0 test', 'x-forwarded-for': '198.51.100.7, 10.0.0.1' },
      body: HIT,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/gif');
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(PIXEL_GIF);
    expect(errors.records).toHaveLength(0);
    expect(records.records).toHaveLength(1);
    const record = records.records[0];
    expect(record).toMatchObject({
      service: { id: 'api.collect' },
      context: {
        user_ip: '198.51.100.7',
        user_agent: 'Mozilla/5.0 test',
        document_location: 'https://shop.example/',
        client_id: 'abc',
        user_id: null,
      },
      request: {
        id: 'id-1',
        timestamp: 1_700_000_000_000,
        hostname: 'collect.example',
        path: '/collect',
        method: 'POST',
        body: { v: '1', t: 'pageview', cid: 'abc', dl: 'https://shop.example/', z: '42' },
      },
      response: { id: 'id-1', statusCode: 200 },
    });
  });

  it('accepts the original JSON body', async () => {
    const { app, records } = collector();
    const res = await app.request('/collect', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ t: 'event', cid: 'c1', pa: 'detail', pr1id: 'sku', tm: 1234 }),
    });
    expect(res.status).toBe(200);
    expect(records.records[0]?.request.body).toEqual({
      t: 'event',
      cid: 'c1',
      pa: 'detail',
      pr1id: 'sku',
      tm: 1234,
    });
    expect(records.records[0]?.context.user_ip).toBe('203.0.113.9');
  });

  it('refuses a hit without a client id with 400, a JSON reason, and an error record', async () => {
    const { app, records, errors, metrics } = collector();
    const res = await app.request('/collect', { method: 'POST', headers: FORM, body: 't=pageview' });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'missing_client_id' });
    expect(records.records).toHaveLength(0);
    expect(errors.records).toHaveLength(1);
    expect(errors.records[0]).toMatchObject({
      error: { reason: 'missing_client_id', line: null },
      request: { path: '/collect', raw: 't=pageview', raw_bytes: 10, raw_truncated: false },
    });
    expect(await metrics.registry.getSingleMetricAsString('pdi_hits_rejected_total')).toContain(
      'reason="missing_client_id"} 1',
    );
  });

  it('refuses a body over 8 KB with 413 and keeps its start in the error record', async () => {
    const { app, errors } = collector();
    const body = `t=pageview&cid=a&dt=${'x'.repeat(40_000)}`;
    const res = await app.request('/collect', { method: 'POST', headers: FORM, body });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: 'too_large' });
    expect(errors.records[0]?.request.raw_truncated).toBe(true);
    expect(errors.records[0]?.request.raw_bytes).toBe(body.length);
    expect(errors.records[0]?.request.raw.length).toBeLessThanOrEqual(16 * 1024);
  });

  it('refuses an unsupported content type with 415', async () => {
    const { app, errors } = collector();
    const res = await app.request('/collect', {
      method: 'POST',
      headers: { 'content-type': 'application/xml' },
      body: '<hit/>',
    });
    expect(res.status).toBe(415);
    expect(await res.json()).toMatchObject({ error: 'unsupported_content_type' });
    expect(errors.records).toHaveLength(1);
  });

  it('answers 503 with Retry-After, not 200, when the stream cannot take the hit', async () => {
    const { app, records } = collector();
    records.failWith = new StreamUnavailableError('disk_full', 'no space left on the lake disk', 30);
    const res = await app.request('/collect', { method: 'POST', headers: FORM, body: HIT });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('30');
    expect(await res.json()).toMatchObject({ error: 'unavailable' });
  });
});

describe('GET /collect', () => {
  it('takes the hit from the query string (an <img> pixel)', async () => {
    const { app, records } = collector();
    const res = await app.request(`/collect?${HIT}&dt=%E2%9C%93%20caf%C3%A9`, {
      headers: { 'user-agent': 'UA-header', referer: 'https://shop.example/p' },
    });
    expect(res.status).toBe(200);
    expect(records.records[0]?.request.method).toBe('GET');
    expect(records.records[0]?.request.body.dt).toBe('✓ café');
    expect(records.records[0]?.context.user_agent).toBe('UA-header');
  });

  it('refuses an empty query with 400', async () => {
    const { app } = collector();
    const res = await app.request('/collect');
    expect(res.status).toBe(400);
  });
});

describe('POST /batch', () => {
  it('stores every hit of a batch as its own record with its own id', async () => {
    const { app, records } = collector();
    const body = ['t=pageview&cid=a&z=1', 't=event&cid=a&ec=x&z=2', '{"t":"pageview","cid":"b","z":3}'].join(
      '\n',
    );
    const res = await app.request('/batch', {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body,
    });
    expect(res.status).toBe(200);
    expect(records.records.map((r) => r.request.body.z)).toEqual(['1', '2', 3]);
    expect(new Set(records.records.map((r) => r.request.id)).size).toBe(3);
    expect(records.records.every((r) => r.request.path === '/batch')).toBe(true);
  });

  it('keeps the valid hits and reports the refused lines with 400', async () => {
    const { app, records, errors } = collector();
    const body = ['t=pageview&cid=a', 'cid=a', 't=pageview&cid=c'].join('\n');
    const res = await app.request('/batch', { method: 'POST', body });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      error: 'invalid_hit',
      accepted: 2,
      rejected: [{ line: 2, reason: 'missing_hit_type' }],
    });
    expect(records.records).toHaveLength(2);
    expect(errors.records).toMatchObject([
      { error: { line: 2, reason: 'missing_hit_type' }, request: { raw: 'cid=a' } },
    ]);
  });

  it('refuses a batch of 21 hits whole', async () => {
    const { app, records, errors } = collector();
    const body = Array.from({ length: 21 }, (_, i) => `t=pageview&cid=a&z=${i}`).join('\n');
    const res = await app.request('/batch', { method: 'POST', body });
    expect(res.status).toBe(413);
    expect(records.records).toHaveLength(0);
    expect(errors.records).toHaveLength(1);
  });

  it('refuses a batch over 16 KB whole', async () => {
    const { app, records } = collector();
    const body = Array.from({ length: 5 }, () => `t=pageview&cid=a&dt=${'y'.repeat(4000)}`).join('\n');
    const res = await app.request('/batch', { method: 'POST', body });
    expect(res.status).toBe(413);
    expect(records.records).toHaveLength(0);
  });
});

describe('privacy options', () => {
  it('anonymizes the client address when configured', async () => {
    const { app, records } = collector({ anonymizeIp: true });
    await app.request('/collect', { method: 'POST', headers: FORM, body: `${HIT}&uip=192.0.2.123` });
    expect(records.records[0]?.context.user_ip).toBe('192.0.2.0');
    expect(JSON.stringify(records.records[0])).not.toContain('192.0.2.123');
  });

  it('diverts known bots to the error prefix with the reason bot', async () => {
    const { app, records, errors, metrics } = collector({ divertBots: true });
    const res = await app.request('/collect', {
      method: 'POST',
      headers: {
        ...FORM,
        'user-agent': 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
      },
      body: HIT,
    });
    expect(res.status).toBe(200);
    expect(records.records).toHaveLength(0);
    expect(errors.records[0]?.error.reason).toBe('bot');
    expect(await metrics.registry.getSingleMetricAsString('pdi_hits_rejected_total')).toContain(
      'reason="bot"} 1',
    );
  });

  it('keeps bots when not configured', async () => {
    const { app, records } = collector();
    await app.request('/collect', {
      method: 'POST',
      headers: { ...FORM, 'user-agent': 'Googlebot/2.1' },
      body: HIT,
    });
    expect(records.records).toHaveLength(1);
  });
});

describe('other routes', () => {
  it('answers a CORS preflight', async () => {
    const { app } = collector();
    const res = await app.request('/collect', {
      method: 'OPTIONS',
      headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-methods')).toContain('POST');
  });

  it('reports health and metrics', async () => {
    const { app } = collector();
    await app.request('/collect', { method: 'POST', headers: FORM, body: HIT });
    expect((await app.request('/healthz')).status).toBe(200);
    const text = await (await app.request('/metrics')).text();
    expect(text).toContain('pdi_http_requests_total{route="/collect",status="200"} 1');
    expect(text).toContain('pdi_hits_accepted_total{route="/collect"} 1');
    expect(text).toContain('pdi_lake_buffer_bytes');

    // counts are totals, whether read once or again after more requests
    await app.request('/collect', { method: 'POST', headers: FORM, body: HIT });
    await app.request('/collect', { method: 'POST', headers: FORM, body: 'v=1' });
    const again = await (await app.request('/metrics')).text();
    expect(again).toContain('pdi_http_requests_total{route="/collect",status="200"} 2');
    expect(again).toContain('pdi_http_requests_total{route="/collect",status="400"} 1');
    expect(again).toContain('pdi_hits_accepted_total{route="/collect"} 2');
    expect(again).toContain('pdi_http_requests_total{route="/metrics",status="200"} 1');
  });

  it('answers unknown routes with a JSON 404', async () => {
    const { app } = collector();
    const res = await app.request('/nope');
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: 'not_found' });
  });
});
