import { type Context, Hono } from 'hono';
import { createHitHandler, type HitDeps, type HitRoute, type Reply } from './hits.ts';
import { PREFLIGHT_HEADERS } from './pixel.ts';
import { type BodySource, webBodySource } from './read-body.ts';

export type { CollectorOptions } from './hits.ts';

export interface CollectorDeps extends HitDeps {
  /** What only the runtime knows, or knows faster than through the web-standard `Request`. */
  runtime: RuntimeAccess;
}

/** The request as a runtime hands it over; the Node server reads its own objects, skipping web streams. */
export interface RuntimeAccess {
  /** The client's address (TCP peer, or API Gateway's sourceIp). */
  sourceIp(c: Context): string | null;
  headers?(c: Context): Record<string, string | string[] | undefined>;
  body?(c: Context): BodySource;
}

/**
 * The collector as one HTTP application (`fetch(Request) -> Response`); the Node server and the
 * Lambda handler only translate to and from it. The hit routes are `createHitHandler`'s.
 */
export function createCollectorApp(deps: CollectorDeps): Hono {
  const { metrics, runtime } = deps;
  const handleHit = createHitHandler(deps);
  const app = new Hono();

  app.use(async (c, next) => {
    await next();
    metrics.countRequest(routeLabel(c.req.path), c.res.status);
  });

  app.options('*', () => new Response(null, { status: 204, headers: PREFLIGHT_HEADERS }));

  app.get('/healthz', (c) => c.json({ status: 'ok', bufferedBytes: deps.records.bufferedBytes() }));

  app.get('/metrics', async (c) =>
    c.body(await metrics.registry.metrics(), 200, { 'content-type': metrics.registry.contentType }),
  );

  const hitRoute = (route: HitRoute) => async (c: Context) => {
    const reply = await handleHit(route, {
      headers: runtime.headers?.(c) ?? c.req.raw.headers,
      urlHostname: () => hostnameOf(c.req.url),
      path: c.req.path,
      method: c.req.method,
      sourceIp: runtime.sourceIp(c),
      query: queryOf(c.req.url),
      body: runtime.body?.(c) ?? webBodySource(c.req.raw),
    });
    return toResponse(reply);
  };
  app.get('/collect', hitRoute('GET /collect'));
  app.post('/collect', hitRoute('POST /collect'));
  app.post('/batch', hitRoute('POST /batch'));

  app.notFound((c) => c.json({ error: 'not_found', message: `no route ${c.req.method} ${c.req.path}` }, 404));

  app.onError((error, c) => {
    deps.onUnexpectedError?.(error);
    return c.json({ error: 'internal', message: 'unexpected error; the hit was not acknowledged' }, 500);
  });

  return app;
}

function toResponse(reply: Reply): Response {
  // a copy: the Node adapter adds to the headers object it is given, and replies share theirs
  return new Response(reply.body, { status: reply.status, headers: { ...reply.headers } });
}

function queryOf(url: string): string {
  const at = url.indexOf('?');
  return at < 0 ? '' : url.slice(at + 1);
}

function hostnameOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
}

const KNOWN_ROUTES = new Set(['/collect', '/batch', '/healthz', '/metrics']);

/** The route label of the request metrics: unknown paths are counted together. */
function routeLabel(path: string): string {
  return KNOWN_ROUTES.has(path) ? path : 'other';
}
