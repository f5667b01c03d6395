import { describe, expect, it } from 'vitest';
import { buildStreamRecord, SERVICE_ID, streamRecordBuilder } from './stream-record.ts';
import type { HitParams, RequestInfo, ResponseInfo } from './types.ts';

const REQUEST: RequestInfo = {
  id: '0190b3a4-5c6d-7e8f-9a0b-1c2d3e4f5a6b',
  timestamp: 1_700_000_000_000,
  hostname: 'collect.example',
  path: '/collect',
  method: 'POST',
  headers: {
    'user-agent': 'Header UA',
    'x-forwarded-for': '198.51.100.7, 10.0.0.1',
    'content-type': 'text/plain',
  },
  sourceIp: '10.0.0.2',
};
const RESPONSE: ResponseInfo = {
  timestamp: 1_700_000_000_005,
  statusCode: 200,
  headers: { 'content-type': 'image/gif', 'access-control-allow-origin': '*' },
};
const PLAIN = { anonymizeIp: false };
const ANON = { anonymizeIp: true };

const HIT: HitParams = {
  v: '1',
  t: 'pageview',
  cid: 'c-1',
  uid: 'u-1',
  dl: 'https://shop.example/p',
  dr: 'https://search.example/?q=x',
  z: '42',
};

function request(overrides: Partial<RequestInfo> = {}): RequestInfo {
  return { ...REQUEST, ...overrides };
}

describe('buildStreamRecord', () => {
  it('follows spec §1', () => {
    expect(buildStreamRecord(HIT, REQUEST, RESPONSE, PLAIN)).toEqual({
      service: { id: 'api.collect' },
      context: {
        user_ip: '198.51.100.7',
        user_agent: 'Header UA',
        document_location: 'https://shop.example/p',
        document_referrer: 'https://search.example/?q=x',
        client_id: 'c-1',
        user_id: 'u-1',
      },
      request: {
        id: REQUEST.id,
        timestamp: 1_700_000_000_000,
        hostname: 'collect.example',
        path: '/collect',
        method: 'POST',
        headers: REQUEST.headers,
        body: HIT,
      },
      response: {
        id: REQUEST.id,
        timestamp: 1_700_000_000_005,
        statusCode: 200,
        headers: RESPONSE.headers,
      },
    });
    expect(SERVICE_ID).toBe('api.collect');
  });

  it('uses the server id, keeps z in the body, and does not need z', () => {
    const { z: _z, ...withoutZ } = HIT;
    const record = buildStreamRecord(withoutZ, REQUEST, RESPONSE, PLAIN);
    expect(record.request.id).toBe(REQUEST.id);
    expect(record.response.id).toBe(REQUEST.id);
    expect(buildStreamRecord(HIT, REQUEST, RESPONSE, PLAIN).request.body.z).toBe('42');
  });

  it('sets missing context fields to null', () => {
    const record = buildStreamRecord(
      { t: 'pageview', cid: 'c' },
      request({ headers: {}, sourceIp: null }),
      RESPONSE,
      PLAIN,
    );
    expect(record.context).toEqual({
      user_ip: null,
      user_agent: null,
      document_location: null,
      document_referrer: null,
      client_id: 'c',
      user_id: null,
    });
  });

  it('treats blank parameters as missing', () => {
    const record = buildStreamRecord(
      { t: 'pageview', cid: 'c', uid: ' ', dl: '', uip: '', ua: '' },
      REQUEST,
      RESPONSE,
      PLAIN,
    );
    expect(record.context).toMatchObject({
      user_id: null,
      document_location: null,
      user_ip: '198.51.100.7',
      user_agent: 'Header UA',
    });
  });

  it('converts JSON numbers and booleans to strings in the context, not in the body', () => {
    const hit = { t: 'pageview', cid: 12345, uid: true, dl: 0 };
    const record = buildStreamRecord(hit, REQUEST, RESPONSE, PLAIN);
    expect(record.context).toMatchObject({ client_id: '12345', user_id: 'true', document_location: '0' });
    expect(record.request.body).toEqual(hit);
  });

  describe('user_ip', () => {
    it('is uip first', () => {
      expect(
        buildStreamRecord({ ...HIT, uip: '203.0.113.5' }, REQUEST, RESPONSE, PLAIN).context.user_ip,
      ).toBe('203.0.113.5');
    });
    it('else the first X-Forwarded-For address', () => {
      expect(buildStreamRecord(HIT, REQUEST, RESPONSE, PLAIN).context.user_ip).toBe('198.51.100.7');
    });
    it('else the socket address', () => {
      expect(buildStreamRecord(HIT, request({ headers: {} }), RESPONSE, PLAIN).context.user_ip).toBe(
        '10.0.0.2',
      );
      expect(
        buildStreamRecord(HIT, request({ headers: { 'x-forwarded-for': ' ' } }), RESPONSE, PLAIN).context
          .user_ip,
      ).toBe('10.0.0.2');
    });
    it('keeps an invalid address as it is when not anonymizing', () => {
      expect(buildStreamRecord({ ...HIT, uip: 'not-an-ip' }, REQUEST, RESPONSE, PLAIN).context.user_ip).toBe(
        'not-an-ip',
      );
    });
  });

  describe('user_agent', () => {
    it('is ua first, else the User-Agent header', () => {
      expect(buildStreamRecord({ ...HIT, ua: 'Param UA' }, REQUEST, RESPONSE, PLAIN).context.user_agent).toBe(
        'Param UA',
      );
      expect(buildStreamRecord(HIT, REQUEST, RESPONSE, PLAIN).context.user_agent).toBe('Header UA');
    });
  });

  it('never stores credentials, even if the request info has them', () => {
    const record = buildStreamRecord(
      HIT,
      request({ headers: { Cookie: 'a=b', authorization: 'x', Host: 'h' } }),
      RESPONSE,
      PLAIN,
    );
    expect(record.request.headers).toEqual({ host: 'h' });
  });

  it('does not share objects with its inputs', () => {
    const hit = { ...HIT };
    const record = buildStreamRecord(hit, REQUEST, RESPONSE, PLAIN);
    record.request.body.t = 'changed';
    record.response.headers.x = 'y';
    expect(hit.t).toBe('pageview');
    expect(RESPONSE.headers.x).toBeUndefined();
  });

  describe('with anonymizeIp', () => {
    it('anonymizes uip in the context and in the body', () => {
      const record = buildStreamRecord({ ...HIT, uip: '203.0.113.5' }, REQUEST, RESPONSE, ANON);
      expect(record.context.user_ip).toBe('203.0.113.0');
      expect(record.request.body.uip).toBe('203.0.113.0');
    });

    it('anonymizes the X-Forwarded-For address and header', () => {
      const record = buildStreamRecord(HIT, REQUEST, RESPONSE, ANON);
      expect(record.context.user_ip).toBe('198.51.100.0');
      expect(record.request.headers['x-forwarded-for']).toBe('198.51.100.0, 10.0.0.0');
    });

    it('anonymizes the socket address and IPv6', () => {
      expect(buildStreamRecord(HIT, request({ headers: {} }), RESPONSE, ANON).context.user_ip).toBe(
        '10.0.0.0',
      );
      const v6 = buildStreamRecord(
        HIT,
        request({ headers: {}, sourceIp: '2001:db8:1:2:3:4:5:6' }),
        RESPONSE,
        ANON,
      );
      expect(v6.context.user_ip).toBe('2001:db8:1::');
      const mapped = buildStreamRecord(
        HIT,
        request({ headers: {}, sourceIp: '::ffff:192.0.2.128' }),
        RESPONSE,
        ANON,
      );
      expect(mapped.context.user_ip).toBe('192.0.2.0');
    });

    it('stores null for an invalid address, and removes an invalid uip from the body', () => {
      const record = buildStreamRecord({ ...HIT, uip: 'not-an-ip' }, REQUEST, RESPONSE, ANON);
      expect(record.context.user_ip).toBeNull();
      expect(record.request.body).not.toHaveProperty('uip');
    });

    it('stores no full address anywhere', () => {
      const record = buildStreamRecord(
        { ...HIT, uip: '203.0.113.55' },
        request({
          headers: {
            'x-forwarded-for': '198.51.100.77, 2001:db8:aa:bb:cc:dd:ee:ff',
            'x-real-ip': '198.51.100.77',
            forwarded: 'for=198.51.100.77',
          },
          sourceIp: '192.0.2.99',
        }),
        RESPONSE,
        ANON,
      );
      const json = JSON.stringify(record);
      for (const full of ['203.0.113.55', '198.51.100.77', '192.0.2.99', 'cc:dd', 'ee:ff'])
        expect(json).not.toContain(full);
    });
  });
});

describe('streamRecordBuilder', () => {
  it("makes each hit of a request the record buildStreamRecord makes of it, with the hit's own id", () => {
    const hits: HitParams[] = [
      HIT,
      { ...HIT, uip: '203.0.113.9', ua: 'Hit UA', z: '43' },
      { v: '1', t: 'event', uid: 'u-2', uip: 'not an address' },
    ];
    const ids = ['0190b3a4-0000-7000-8000-000000000001', '0190b3a4-0000-7000-8000-000000000002'];
    for (const options of [PLAIN, ANON]) {
      const headers = { ...REQUEST.headers, Cookie: 'a=b', forwarded: 'for=198.51.100.7' };
      const build = streamRecordBuilder(request({ headers }), RESPONSE, options);
      hits.forEach((hit, index) => {
        const id = ids[index % ids.length] as string;
        const record = build(hit, id);
        expect(record).toEqual(buildStreamRecord(hit, request({ id, headers }), RESPONSE, options));
        expect(JSON.stringify(record)).toBe(
          JSON.stringify(buildStreamRecord(hit, request({ id, headers }), RESPONSE, options)),
        );
        expect([record.request.id, record.response.id]).toEqual([id, id]);
      });
    }
  });
});
