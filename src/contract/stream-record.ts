import { cleanHeaders } from './headers.ts';
import { anonymizeIp, firstForwardedFor } from './ip.ts';
import { storedRequest } from './stored-request.ts';
import type { HitParams, HitValue, RecordOptions, RequestInfo, ResponseInfo, StreamRecord } from './types.ts';

/** `service.id` of every record the collector writes. */
export const SERVICE_ID = 'api.collect';

/**
 * One accepted hit as one stream record (spec §1). The context is taken from the hit, else from the
 * request: `user_ip` = `uip`, else the first X-Forwarded-For address, else the TCP peer; `user_agent`
 * = `ua`, else the User-Agent header; `document_location` = `dl`, `document_referrer` = `dr`,
 * `client_id` = `cid`, `user_id` = `uid`; each a string, null when missing or blank. The ids are the
 * server's (`request.id`, also `response.id`); the client's cache buster `z` stays in the body.
 *
 * With `anonymizeIp`, no full IP address is stored: `user_ip`, the body's `uip` and the forwarding
 * headers are anonymized (see `anonymizeIp`); an address that cannot be parsed becomes null in the
 * context, is removed from the body, and becomes `unknown` in the headers.
 */
export function buildStreamRecord(
  hit: HitParams,
  request: RequestInfo,
  response: ResponseInfo,
  options: RecordOptions,
): StreamRecord {
  return streamRecordBuilder(request, response, options)(hit, request.id);
}

/**
 * `buildStreamRecord` for the hits of one request (a `/batch` has up to 20), each with an id of its own: what
 * comes from the request (its headers cleaned and anonymized, their addresses) is worked out once. The
 * records share those parts: they are written as they are, never changed.
 */
export function streamRecordBuilder(
  request: RequestInfo,
  response: ResponseInfo,
  options: RecordOptions,
): (hit: HitParams, id: string) => StreamRecord {
  const headers = cleanHeaders(request.headers);
  const requestIp = firstForwardedFor(headers['x-forwarded-for']) ?? text(request.sourceIp ?? undefined);
  const headerUserAgent = text(headers['user-agent']);
  const stored = storedRequest(request, headers, options);
  const responseHeaders = { ...response.headers };
  return (hit, id) => {
    const ip = text(hit.uip) ?? requestIp;
    const body: HitParams = { ...hit };
    let userIp = ip;
    if (options.anonymizeIp) {
      userIp = ip === null ? null : anonymizeIp(ip);
      if (Object.hasOwn(body, 'uip')) {
        const uip = anonymizeIp(String(body.uip));
        if (uip === null) delete body.uip;
        else body.uip = uip;
      }
    }
    return {
      service: { id: SERVICE_ID },
      context: {
        user_ip: userIp,
        user_agent: text(hit.ua) ?? headerUserAgent,
        document_location: text(hit.dl),
        document_referrer: text(hit.dr),
        client_id: text(hit.cid),
        user_id: text(hit.uid),
      },
      request: { ...stored, id, body },
      response: {
        id,
        timestamp: response.timestamp,
        statusCode: response.statusCode,
        headers: responseHeaders,
      },
    };
  };
}

/** A parameter or header as a context string: null when missing or blank, else the value as sent. */
function text(value: HitValue | undefined): string | null {
  if (value === undefined) return null;
  const s = String(value);
  return s.trim() === '' ? null : s;
}
