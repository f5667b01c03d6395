import { v7 as uuidv7 } from 'uuid';
import {
  buildErrorRecord,
  cleanHeaders,
  type ErrorRecord,
  type HitParams,
  type HitRejection,
  isBotUserAgent,
  MAX_BATCH_BYTES,
  MAX_HIT_BYTES,
  parseBatch,
  parseHitBody,
  parseHitQuery,
  type RequestInfo,
  type StreamRecord,
  streamRecordBuilder,
} from '../contract/index.ts';
import { type StreamSink, StreamUnavailableError } from '../stream/types.ts';
import type { CollectorMetrics } from './metrics.ts';
import { PIXEL_GIF, PIXEL_HEADERS } from './pixel.ts';
import { type BodySource, RequestAbortedError, readBodyWithLimit } from './read-body.ts';

export interface CollectorOptions {
  anonymizeIp: boolean;
  divertBots: boolean;
}

export interface HitDeps {
  /** Accepted hits: a 200 is answered only once `put` resolves. */
  records: StreamSink<StreamRecord>;
  /** Refused hits, with their reason: `stream_errors/`. */
  errors: StreamSink<ErrorRecord>;
  metrics: CollectorMetrics;
  options: CollectorOptions;
  /** Unexpected failures (bugs) are reported here; bad input never is. */
  onUnexpectedError?: (error: unknown) => void;
  newId?: () => string;
  now?: () => number;
}

/** The routes that take hits; every other route is the HTTP app's alone. */
export type HitRoute = 'GET /collect' | 'POST /collect' | 'POST /batch';

/** A request to a hit route, as any runtime can describe it. */
export interface HitRequest {
  /** As received: names in any case, credentials included (they are dropped here). */
  headers: Iterable<[string, string]> | Record<string, string | string[] | undefined>;
  /** The host name of the request's URL, where no Host header names one. */
  urlHostname(): string;
  path: string;
  method: string;
  sourceIp: string | null;
  /** The query string, without its `?` (GET /collect). */
  query: string;
  body: BodySource;
}

/** An answer, for the runtime to write in its own way. */
export interface Reply {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array | string;
}

export type HitHandler = (route: HitRoute, request: HitRequest) => Promise<Reply>;

/** Keep this much of a refused body in its error record. */
const RAW_KEEP_BYTES = 16 * 1024;

const CORS_ONLY = { 'access-control-allow-origin': '*' };
const JSON_HEADERS = { ...CORS_ONLY, 'content-type': 'application/json' };
const PIXEL: Reply = { status: 200, headers: PIXEL_HEADERS, body: PIXEL_GIF };

const BOT: HitRejection = { status: 400, reason: 'bot', message: 'user agent of a known bot' };

/**
 * The collector's work on a hit, whatever the runtime: parse and validate it, build its stream record, store
 * it, and say what to answer. The HTTP app serves it on every runtime; the Node server also calls it
 * directly, skipping the web framework for the routes that take the traffic.
 */
export function createHitHandler(deps: HitDeps): HitHandler {
  const { metrics, options } = deps;
  const newId = deps.newId ?? uuidv7;
  const now = deps.now ?? Date.now;

  return async (route, request) => {
    try {
      const info = requestInfo(request);
      if (route === 'GET /collect') {
        const parsed = parseHitQuery(request.query);
        if (!parsed.ok) return refuse(info, parsed.rejection, request.query);
        return accept(info, [{ params: parsed.value, line: null }], [], '/collect');
      }
      const isBatch = route === 'POST /batch';
      const limit = isBatch ? MAX_BATCH_BYTES : MAX_HIT_BYTES;
      const body = await readBodyWithLimit(request.body, limit, RAW_KEEP_BYTES);
      if (body.tooLarge) {
        const what = isBatch ? 'batch' : 'hit';
        const rejection = tooLarge(`${what} is ${body.totalBytes} bytes, over the limit of ${limit}`);
        return refuse(info, rejection, body.bytes, body.totalBytes);
      }
      const contentType = info.headers['content-type'] ?? null;
      if (!isBatch) {
        const parsed = parseHitBody(contentType, body.bytes);
        if (!parsed.ok) return refuse(info, parsed.rejection, body.bytes);
        return accept(info, [{ params: parsed.value, line: null }], [], '/collect');
      }
      const parsed = parseBatch(contentType, body.bytes);
      if (!parsed.ok) return refuse(info, parsed.rejection, body.bytes);
      const hits: AcceptedHit[] = [];
      const refused: ErrorRecord[] = [];
      for (const line of parsed.value) {
        if (line.hit.ok) hits.push({ params: line.hit.value, line: line.line });
        // each refused line of a batch gets an id of its own
        else refused.push(errorRecord(line.hit.rejection, { ...info, id: newId() }, line.raw, line.line));
      }
      return accept(info, hits, refused, '/batch');
    } catch (error) {
      // no one is left to read the answer, and nothing was acknowledged
      if (error instanceof RequestAbortedError)
        return json(400, { error: 'aborted', message: error.message });
      deps.onUnexpectedError?.(error);
      return json(500, { error: 'internal', message: 'unexpected error; the hit was not acknowledged' });
    }
  };

  function requestInfo(request: HitRequest): RequestInfo {
    const headers = cleanHeaders(request.headers);
    return {
      id: newId(),
      timestamp: now(),
      hostname: headers.host ? hostOf(headers.host) : request.urlHostname(),
      path: request.path,
      method: request.method,
      headers,
      sourceIp: request.sourceIp,
    };
  }

  /**
   * Stores the valid hits (and the refused lines of a batch), then answers: the pixel when every
   * hit was accepted, else 400 with what was refused. Bots are diverted here when configured.
   */
  async function accept(
    info: RequestInfo,
    hits: AcceptedHit[],
    refused: ErrorRecord[],
    route: '/collect' | '/batch',
  ): Promise<Reply> {
    const response = { timestamp: now(), statusCode: 200, headers: PIXEL_HEADERS };
    const buildRecord = streamRecordBuilder(info, response, options);
    const records: StreamRecord[] = [];
    hits.forEach(({ params, line }, index) => {
      const id = index === 0 ? info.id : newId();
      const record = buildRecord(params, id);
      if (options.divertBots && isBotUserAgent(record.context.user_agent)) {
        // the record's body, not the raw hit: it is already anonymized when configured
        refused.push(errorRecord(BOT, { ...info, id }, JSON.stringify(record.request.body), line));
      } else {
        records.push(record);
      }
    });

    const unavailable = await store(records, refused);
    if (unavailable) return unavailable;
    if (records.length > 0) metrics.countAccepted(route, records.length);

    const invalid = refused.filter((r) => r.error.reason !== 'bot');
    if (invalid.length === 0) return PIXEL;
    return json(400, {
      error: 'invalid_hit',
      message: `${invalid.length} of ${hits.length + invalid.length} hits refused`,
      accepted: records.length,
      rejected: invalid.map((r) => ({
        line: r.error.line,
        reason: r.error.reason,
        message: r.error.message,
      })),
    });
  }

  function errorRecord(
    rejection: HitRejection,
    info: RequestInfo,
    raw: string | Uint8Array,
    line: number | null,
  ) {
    return buildErrorRecord(rejection, info, raw, line, RAW_KEEP_BYTES, options);
  }

  /** Records a refused request in stream_errors/ and answers its status with a JSON reason. */
  async function refuse(
    info: RequestInfo,
    rejection: HitRejection,
    raw: string | Uint8Array,
    rawBytes?: number,
  ): Promise<Reply> {
    const record = errorRecord(rejection, info, raw, null);
    if (rawBytes !== undefined && rawBytes > record.request.raw_bytes) {
      record.request.raw_bytes = rawBytes;
      record.request.raw_truncated = true;
    }
    const unavailable = await store([], [record]);
    if (unavailable) return unavailable;
    return json(rejection.status, { error: rejection.reason, message: rejection.message });
  }

  /** Refused records first: a 503 then never follows an acknowledged hit. Returns the 503, or nothing when stored. */
  async function store(records: StreamRecord[], refused: ErrorRecord[]): Promise<Reply | undefined> {
    try {
      if (refused.length > 0) {
        await deps.errors.put(refused);
        for (const r of refused) metrics.hitsRejected.inc({ reason: r.error.reason });
      }
      if (records.length > 0) await deps.records.put(records);
      return undefined;
    } catch (error) {
      if (!(error instanceof StreamUnavailableError)) throw error;
      metrics.streamUnavailable.inc({ reason: error.reason });
      return json(
        503,
        { error: 'unavailable', message: error.message },
        { 'retry-after': String(error.retryAfterSeconds) },
      );
    }
  }
}

/** A valid hit and, in a batch, its line. */
interface AcceptedHit {
  params: HitParams;
  line: number | null;
}

/** The name in a Host header: `[::1]:8080` -> `::1`, `shop.example:443` -> `shop.example`. */
function hostOf(host: string): string {
  if (host.startsWith('[')) return host.slice(1, host.indexOf(']') >>> 0 || undefined);
  const colon = host.indexOf(':');
  return (colon < 0 ? host : host.slice(0, colon)).toLowerCase();
}

function tooLarge(message: string): HitRejection {
  return { status: 413, reason: 'too_large', message };
}

function json(status: number, body: object, headers?: Record<string, string>): Reply {
  return {
    status,
    headers: headers ? { ...JSON_HEADERS, ...headers } : JSON_HEADERS,
    body: JSON.stringify(body),
  };
}
