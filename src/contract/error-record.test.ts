import { describe, expect, it } from 'vitest';
import { buildErrorRecord } from './error-record.ts';
import type { HitRejection, RequestInfo } from './types.ts';

const REQUEST: RequestInfo = {
  id: '0190b3a4-5c6d-7e8f-9a0b-1c2d3e4f5a6b',
  timestamp: 1_700_000_000_000,
  hostname: 'collect.example',
  path: '/batch',
  method: 'POST',
  headers: { 'user-agent': 'UA', 'x-forwarded-for': '198.51.100.7', cookie: 'secret' },
  sourceIp: '203.0.113.9',
};
const MISSING_CID: HitRejection = {
  status: 400,
  reason: 'missing_client_id',
  message: "missing required parameter 'cid'",
};

describe('buildErrorRecord', () => {
  it('records the reason, the request and the raw hit', () => {
    expect(buildErrorRecord(MISSING_CID, REQUEST, 't=pageview', 3)).toEqual({
      service: { id: 'api.collect' },
      error: { reason: 'missing_client_id', message: "missing required parameter 'cid'", line: 3 },
      request: {
        id: REQUEST.id,
        timestamp: 1_700_000_000_000,
        hostname: 'collect.example',
        path: '/batch',
        method: 'POST',
        headers: { 'user-agent': 'UA', 'x-forwarded-for': '198.51.100.7' },
        source_ip: '203.0.113.9',
        raw: 't=pageview',
        raw_bytes: 10,
        raw_truncated: false,
      },
    });
  });

  it('takes bytes as well as text', () => {
    const record = buildErrorRecord(MISSING_CID, REQUEST, new TextEncoder().encode('dt=✓'), null);
    expect(record.request).toMatchObject({ raw: 'dt=✓', raw_bytes: 6, raw_truncated: false });
    expect(record.error.line).toBeNull();
  });

  it('keeps a raw of exactly the limit whole', () => {
    const record = buildErrorRecord(MISSING_CID, REQUEST, 'x'.repeat(16384), null);
    expect(record.request).toMatchObject({ raw_bytes: 16384, raw_truncated: false });
    expect(record.request.raw).toHaveLength(16384);
  });

  it('cuts a 1 MB raw at 16 KB by default', () => {
    const record = buildErrorRecord(MISSING_CID, REQUEST, new Uint8Array(1024 * 1024).fill(0x61), null);
    expect(record.request.raw).toBe('a'.repeat(16384));
    expect(record.request).toMatchObject({ raw_bytes: 1024 * 1024, raw_truncated: true });
  });

  it('cuts on a UTF-8 boundary', () => {
    // 'a' + 3-byte characters: a limit of 5 falls inside the second character
    const raw = 'a✓✓✓';
    expect(buildErrorRecord(MISSING_CID, REQUEST, raw, null, 5).request).toMatchObject({
      raw: 'a✓',
      raw_bytes: 10,
      raw_truncated: true,
    });
    expect(buildErrorRecord(MISSING_CID, REQUEST, raw, null, 4).request.raw).toBe('a✓');
    expect(buildErrorRecord(MISSING_CID, REQUEST, raw, null, 3).request.raw).toBe('a');
    expect(buildErrorRecord(MISSING_CID, REQUEST, raw, null, 0).request.raw).toBe('');
    // a 4-byte emoji
    expect(buildErrorRecord(MISSING_CID, REQUEST, '🎉🎉', null, 7).request.raw).toBe('🎉');
    for (let limit = 0; limit <= 10; limit++) {
      const { raw: cut } = buildErrorRecord(MISSING_CID, REQUEST, raw, null, limit).request;
      expect(cut).not.toContain('\ufffd');
      expect(raw.startsWith(cut)).toBe(true);
    }
  });

  it('shows invalid UTF-8 as replacement characters', () => {
    const raw = new Uint8Array([0x74, 0x3d, 0xff, 0xc3, 0x28, 0x61]);
    expect(buildErrorRecord(MISSING_CID, REQUEST, raw, null).request).toMatchObject({
      raw: 't=\ufffd\ufffd(a',
      raw_bytes: 6,
      raw_truncated: false,
    });
    // a run of continuation bytes longer than a character is cut at the limit
    const junk = new Uint8Array(10).fill(0x80);
    expect(buildErrorRecord(MISSING_CID, REQUEST, junk, null, 5).request.raw).toBe('\ufffd'.repeat(5));
  });

  it('never stores credentials', () => {
    expect(
      buildErrorRecord(MISSING_CID, { ...REQUEST, headers: { Authorization: 'x' } }, '', null).request
        .headers,
    ).toEqual({});
  });

  it('anonymizes the source address and the forwarding headers when asked', () => {
    const record = buildErrorRecord(MISSING_CID, REQUEST, 'uip=1.2.3.4', null, 16384, { anonymizeIp: true });
    expect(record.request.source_ip).toBe('203.0.113.0');
    expect(record.request.headers['x-forwarded-for']).toBe('198.51.100.0');
    expect(record.request.raw).toBe('uip=1.2.3.4');
    expect(
      buildErrorRecord(MISSING_CID, { ...REQUEST, sourceIp: null }, '', null, 10, { anonymizeIp: true })
        .request.source_ip,
    ).toBeNull();
  });
});
