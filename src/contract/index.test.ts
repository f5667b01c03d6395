import { describe, expect, it } from 'vitest';
import * as contract from './index.ts';

describe('index', () => {
  it('re-exports the public API', () => {
    expect(Object.keys(contract).sort()).toEqual(
      [
        'CREDENTIAL_HEADERS',
        'DEFAULT_RAW_LIMIT_BYTES',
        'MAX_BATCH_BYTES',
        'MAX_BATCH_HITS',
        'MAX_HIT_BYTES',
        'MAX_URL_QUERY_BYTES',
        'SERVICE_ID',
        'anonymizeIp',
        'anonymizeIpHeaders',
        'buildErrorRecord',
        'buildStreamRecord',
        'cleanHeaders',
        'firstForwardedFor',
        'isBotUserAgent',
        'parseBatch',
        'parseContentType',
        'parseHitBody',
        'parseHitQuery',
        'streamRecordBuilder',
        'uuidV5',
        'validateHit',
      ].sort(),
    );
    expect([
      contract.MAX_HIT_BYTES,
      contract.MAX_URL_QUERY_BYTES,
      contract.MAX_BATCH_BYTES,
      contract.MAX_BATCH_HITS,
    ]).toEqual([8192, 8000, 16384, 20]);
  });
});
