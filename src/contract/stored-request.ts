import { anonymizeIpHeaders } from './headers.ts';
import type { RecordOptions, RequestInfo } from './types.ts';

/** The request fields both records store, headers already cleaned (and anonymized when configured). */
export function storedRequest(request: RequestInfo, headers: Record<string, string>, options: RecordOptions) {
  return {
    id: request.id,
    timestamp: request.timestamp,
    hostname: request.hostname,
    path: request.path,
    method: request.method,
    headers: options.anonymizeIp ? anonymizeIpHeaders(headers) : headers,
  };
}
