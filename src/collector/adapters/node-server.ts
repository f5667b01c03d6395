import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import type { Context, Hono } from 'hono';
import type { RuntimeAccess } from '../app.ts';
import type { HitHandler, HitRoute } from '../hits.ts';
import type { BodySource } from '../read-body.ts';

type NodeContext = Context<{ Bindings: { incoming: IncomingMessage } }>;

/**
 * A plain Node server hands over its IncomingMessage: the client's address is the TCP peer, and the
 * body and headers are read from it directly, skipping the web-standard Request and its streams
 * (a quarter of the collector's CPU time went there).
 */
export const nodeRuntime: RuntimeAccess = {
  sourceIp: (c) => (c as NodeContext).env.incoming.socket.remoteAddress ?? null,
  headers: (c) => (c as NodeContext).env.incoming.headers,
  body(c) {
    const incoming = (c as NodeContext).env.incoming;
    return bodySource(incoming);
  },
};

/** The hit routes served straight from Node's request, and the request counter they report to. */
export interface DirectHits {
  handle: HitHandler;
  countRequest(route: string, status: number): void;
  onUnexpectedError?: (error: unknown) => void;
}

export interface RunningServer {
  url: string;
  /** Stops taking connections and waits for the requests in flight (at most `graceMs`). */
  close(graceMs?: number): Promise<void>;
}

/**
 * Serves the app on a Node server. With `hits`, the hit routes skip the web framework: a Hono app on Node
 * builds a web-standard Request and Response for every request, which alone took 40% of a bare Node server's
 * throughput here; what a hit route does is the same either way (`createHitHandler`).
 */
export function startNodeServer(
  app: Hono,
  listen: { host: string; port: number },
  hits?: DirectHits,
): Promise<RunningServer> {
  const viaApp = getRequestListener(app.fetch);
  const server = createServer((req, res) => {
    const direct = hits ? directRequest(req) : null;
    if (direct && hits) {
      serveHit(hits, direct, req, res).catch((error: unknown) => {
        // the handler answers every failure of its own: this is the answer's writing failing
        hits.onUnexpectedError?.(error);
        res.destroy();
      });
    } else void viaApp(req, res);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => {
      const info = server.address() as AddressInfo;
      const host = info.family === 'IPv6' ? `[${info.address}]` : info.address;
      resolve({
        url: `http://${host}:${info.port}`,
        close: (graceMs = 10_000) =>
          new Promise<void>((done) => {
            const force = setTimeout(() => server.closeAllConnections(), graceMs);
            server.close(() => {
              clearTimeout(force);
              done();
            });
            server.closeIdleConnections();
          }),
      });
    });
  });
}

/** A Host header the app would take as it is (anything else goes through the app, which judges it). */
const PLAIN_HOST = /^(?:[a-z0-9.-]+|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i;

/** A request to a hit route, its URL split once: what the direct path serves (null: the app's). */
interface DirectRequest {
  route: HitRoute;
  path: string;
  query: string;
}

function directRequest(req: IncomingMessage): DirectRequest | null {
  const host = req.headers.host;
  if (host === undefined || !PLAIN_HOST.test(host)) return null;
  const url = req.url ?? '';
  const at = url.indexOf('?');
  const path = at < 0 ? url : url.slice(0, at);
  const query = at < 0 ? '' : url.slice(at + 1);
  if (path === '/collect') {
    if (req.method === 'POST') return { route: 'POST /collect', path, query };
    if (req.method === 'GET') return { route: 'GET /collect', path, query };
  } else if (path === '/batch' && req.method === 'POST') {
    return { route: 'POST /batch', path, query };
  }
  return null;
}

async function serveHit(
  hits: DirectHits,
  { route, path, query }: DirectRequest,
  req: IncomingMessage,
  res: ServerResponse,
) {
  const reply = await hits.handle(route, {
    headers: req.headers,
    urlHostname: () => '',
    path,
    method: route === 'GET /collect' ? 'GET' : 'POST',
    sourceIp: req.socket.remoteAddress ?? null,
    query,
    body: route === 'GET /collect' ? { chunks: null, declaredBytes: null } : bodySource(req),
  });
  const body = typeof reply.body === 'string' ? Buffer.from(reply.body) : reply.body;
  const headers = withLength(reply.headers, body.byteLength);
  // a body left unread (over the drain limit) is not read on: the connection closes after the answer
  const closing = !req.complete && route !== 'GET /collect';
  res.writeHead(reply.status, closing ? { ...headers, connection: 'close' } : headers);
  res.end(body);
  hits.countRequest(route === 'POST /batch' ? '/batch' : '/collect', reply.status);
}

/** Each reply's headers with the last length they were sent with: every pixel's are the same, made once. */
const lastWithLength = new WeakMap<
  Record<string, string>,
  { bytes: number; headers: Record<string, string> }
>();

function withLength(replyHeaders: Record<string, string>, bytes: number): Record<string, string> {
  const last = lastWithLength.get(replyHeaders);
  if (last?.bytes === bytes) return last.headers;
  const headers = { ...replyHeaders, 'content-length': String(bytes) };
  lastWithLength.set(replyHeaders, { bytes, headers });
  return headers;
}

function bodySource(req: IncomingMessage): BodySource {
  return {
    chunks: req,
    declaredBytes: declaredBytes(req),
    arrived: () => new Promise((resolve) => setImmediate(() => resolve(arrivedBody(req)))),
  };
}

/**
 * The body, if the message is complete. Node parses a packet's body after handing the request over (and after
 * the microtasks that follow), so this is asked on the next turn of the event loop; by then a complete
 * message's body is all in the stream's buffer, and `read()` hands it over at once.
 */
function arrivedBody(req: IncomingMessage): Uint8Array | null {
  if (!req.complete) return null;
  return (req.read() as Buffer | null) ?? EMPTY;
}

const EMPTY = new Uint8Array();

function declaredBytes(req: IncomingMessage): number | null {
  const length = req.headers['content-length'];
  return length === undefined ? null : Number(length);
}
