export { parseBatch } from './batch.ts';
export { isBotUserAgent } from './bot.ts';
export { type ContentType, parseContentType } from './content-type.ts';
export { buildErrorRecord } from './error-record.ts';
export { anonymizeIpHeaders, CREDENTIAL_HEADERS, cleanHeaders } from './headers.ts';
export { anonymizeIp, firstForwardedFor } from './ip.ts';
export {
  DEFAULT_RAW_LIMIT_BYTES,
  MAX_BATCH_BYTES,
  MAX_BATCH_HITS,
  MAX_HIT_BYTES,
  MAX_URL_QUERY_BYTES,
} from './limits.ts';
export { parseHitBody, parseHitQuery } from './parse-hit.ts';
export { buildStreamRecord, SERVICE_ID, streamRecordBuilder } from './stream-record.ts';
export type {
  BatchLine,
  ErrorRecord,
  HitParams,
  HitRejection,
  HitValue,
  Parsed,
  RecordOptions,
  RejectReason,
  RequestInfo,
  ResponseInfo,
  StreamRecord,
} from './types.ts';
export { uuidV5 } from './uuid.ts';
export { validateHit } from './validate.ts';
