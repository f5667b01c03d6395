import { type Context, Hono } from 'hono';
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
import { PIXEL_GIF, PIXEL_HEADERS, PREFLIGHT_HEADERS } from './pixel.ts';
import { type BodySource, readBodyWithLimit, webBodySource } from './read-body.ts';

export interface CollectorOptions {
  anonymizeIp: boolean;
  divertBots: boolean;
}

export interface CollectorDeps {
  /** Accepted hits: a 200 is answered only once `put` resolves. */
  records: StreamSink<StreamRecord>;
  /** Refused hits, with their reason: `stream_errors/`. */
  errors: StreamSink<ErrorRecord>;
  metrics: CollectorMetrics;
  options: CollectorOptions;
  /** What only the runtime knows, or knows faster than through the web-standard `Request`. */
  runtime: RuntimeAccess;
  /** Unexpected failures (bugs) are reported here; bad input never is. */
  onUnexpectedError?: (error: unknown) => void;
  newId?: () => string;
  now?: () => number;
}

/** The request as a runtime hands it over; the Node server reads its own objects, skipping web streams. */
export interface RuntimeAccess {
  /** The client's address (TCP peer, or API Gateway's sourceIp). */
  sourceIp(c: Context): string | null;
  headers?(c: Context): Record<string, string | string[] | undefined>;
  body?(c: Context): BodySource;
}

/** Keep this much of a refused body in its error record. */
const RAW_KEEP_BYTES = 16 * 1024;

/**
 * The collector as one HTTP application (`fetch(Request) -> Response`); the Node server and the
 * Lambda handler only translate to and from it.
 */
export function createCollectorApp(deps: CollectorDeps): Hono {
  const { metrics, options } = deps;
  const newId = deps.newId ?? uuidv7;
  const now = deps.now ?? Date.now;
  const app = new Hono();

  app.use(async (c, next) => {
    await next();
    metrics.countRequest(routeLabel(c), c.res.status);
  });

  app.options('*', () => new Response(null, { status: 204, headers: PREFLIGHT_HEADERS }));

  app.get('/healthz', (c) => c.json({ status: 'ok', bufferedBytes: deps.records.bufferedBytes() }));

  app.get('/metrics', async (c) =>
    c.body(await metrics.registry.metrics(), 200, { 'content-type': metrics.registry.contentType }),
  );

  app.get('/collect', async (c) => {
    const info = requestInfo(c);
    const rawQuery = queryOf(c.req.url);
    const parsed = parseHitQuery(rawQuery);
    if (!parsed.ok) return refuse(c, info, parsed.rejection, rawQuery);
    return accept(c, info, [{ params: parsed.value, line: null }], [], '/collect');
  });

  app.post('/collect', async (c) => {
    const info = requestInfo(c);
    const body = await readBody(c, info, MAX_HIT_BYTES, 'hit');
    if (body instanceof Response) return body;
    const parsed = parseHitBody(info.headers['content-type'] ?? null, body.bytes);
    if (!parsed.ok) return refuse(c, info, parsed.rejection, body.bytes);
    return accept(c, info, [{ params: parsed.value, line: null }], [], '/collect');
  });

  app.post('/batch', async (c) => {
    const info = requestInfo(c);
    const body = await readBody(c, info, MAX_BATCH_BYTES, 'batch');
    if (body instanceof Response) return body;
    const parsed = parseBatch(info.headers['content-type'] ?? null, body.bytes);
    if (!parsed.ok) return refuse(c, info, parsed.rejection, body.bytes);

    const hits: AcceptedHit[] = [];
    const refused: ErrorRecord[] = [];
    for (const line of parsed.value) {
      if (line.hit.ok) hits.push({ params: line.hit.value, line: line.line });
      else refused.push(errorRecord(line.hit.rejection, lineInfo(info), line.raw, line.line));
    }
    return accept(c, info, hits, refused, '/batch');
  });

  app.notFound((c) => c.json({ error: 'not_found', message: `no route ${c.req.method} ${c.req.path}` }, 404));

  app.onError((error, c) => {
    deps.onUnexpectedError?.(error);
    return c.json({ error: 'internal', message: 'unexpected error; the hit was not acknowledged' }, 500);
  });

  /** The body, or the 413 answered (and recorded in stream_errors/) when it is over `limit`. */
  async function readBody(c: Context, info: RequestInfo, limit: number, what: 'hit' | 'batch') {
    const source: BodySource = deps.runtime.body?.(c) ?? webBodySource(c.req.raw);
    const body = await readBodyWithLimit(source, limit, RAW_KEEP_BYTES);
    if (!body.tooLarge) return body;
    const rejection = tooLarge(`${what} is ${body.totalBytes} bytes, over the limit of ${limit}`);
    return refuse(c, info, rejection, body.bytes, body.totalBytes);
  }

  function requestInfo(c: Context): RequestInfo {
    const headers = cleanHeaders(deps.runtime.headers?.(c) ?? c.req.raw.headers);
    return {
      id: newId(),
      timestamp: now(),
      hostname: headers.host ? hostOf(headers.host) : hostnameOf(c.req.url),
      path: c.req.path,
      method: c.req.method,
      headers,
      sourceIp: deps.runtime.sourceIp(c),
    };
  }

  /** Each refused line of a batch gets an id of its own. */
  function lineInfo(info: RequestInfo): RequestInfo {
    return { ...info, id: newId() };
  }

  /**
   * Stores the valid hits (and the refused lines of a batch), then answers: the pixel when every
   * hit was accepted, else 400 with what was refused. Bots are diverted here when configured.
   */
  async function accept(
    c: Context,
    info: RequestInfo,
    hits: AcceptedHit[],
    refused: ErrorRecord[],
    route: string,
  ) {
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

    const stored = await store(c, records, refused);
    if (stored) return stored;
    if (records.length > 0) metrics.countAccepted(route, records.length);

    const invalid = refused.filter((r) => r.error.reason !== 'bot');
    if (invalid.length === 0) return c.body(PIXEL_GIF, 200, PIXEL_HEADERS);
    return c.json(
      {
        error: 'invalid_hit',
        message: `${invalid.length} of ${hits.length + invalid.length} hits refused`,
        accepted: records.length,
        rejected: invalid.map((r) => ({
          line: r.error.line,
          reason: r.error.reason,
          message: r.error.message,
        })),
      },
      400,
      PIXEL_HEADERS_CORS_ONLY,
    );
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
    c: Context,
    info: RequestInfo,
    rejection: HitRejection,
    raw: string | Uint8Array,
    rawBytes?: number,
  ) {
    const record = errorRecord(rejection, info, raw, null);
    if (rawBytes !== undefined && rawBytes > record.request.raw_bytes) {
      record.request.raw_bytes = rawBytes;
      record.request.raw_truncated = true;
    }
    const stored = await store(c, [], [record]);
    if (stored) return stored;
    return c.json(
      { error: rejection.reason, message: rejection.message },
      rejection.status,
      PIXEL_HEADERS_CORS_ONLY,
    );
  }

  /** Refused records first: a 503 then never follows an acknowledged hit. Returns a 503 response, or nothing when stored. */
  async function store(
    c: Context,
    records: StreamRecord[],
    refused: ErrorRecord[],
  ): Promise<Response | undefined> {
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
      return c.json({ error: 'unavailable', message: error.message }, 503, {
        ...PIXEL_HEADERS_CORS_ONLY,
        'retry-after': String(error.retryAfterSeconds),
      });
    }
  }

  return app;
}

const PIXEL_HEADERS_CORS_ONLY = { 'access-control-allow-origin': '*' };

const BOT: HitRejection = { status: 400, reason: 'bot', message: 'user agent of a known bot' };

/** A valid hit and, in a batch, its line. */
interface AcceptedHit {
  params: HitParams;
  line: number | null;
}

function tooLarge(message: string): HitRejection {
  return { status: 413, reason: 'too_large', message };
}

function queryOf(url: string): string {
  const at = url.indexOf('?');
  return at < 0 ? '' : url.slice(at + 1);
}

/** The name in a Host header: `[::1]:8080` -> `::1`, `shop.example:443` -> `shop.example`. */
function hostOf(host: string): string {
  if (host.startsWith('[')) return host.slice(1, host.indexOf(']') >>> 0 || undefined);
  const colon = host.indexOf(':');
  return (colon < 0 ? host : host.slice(0, colon)).toLowerCase();
}

function hostnameOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
}

const KNOWN_ROUTES = new Set(['/collect', '/batch', '/healthz', '/metrics']);

function routeLabel(c: Context): string {
  return KNOWN_ROUTES.has(c.req.path) ? c.req.path : 'other';
}
