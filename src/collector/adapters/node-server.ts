import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Context, Hono } from 'hono';
import type { RuntimeAccess } from '../app.ts';

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
    const length = incoming.headers['content-length'];
    return { chunks: incoming, declaredBytes: length === undefined ? null : Number(length) };
  },
};

export interface RunningServer {
  url: string;
  /** Stops taking connections and waits for the requests in flight (at most `graceMs`). */
  close(graceMs?: number): Promise<void>;
}

export function startNodeServer(app: Hono, listen: { host: string; port: number }): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const server = serve(
      { fetch: app.fetch, hostname: listen.host, port: listen.port },
      (info: AddressInfo) => {
        const host = info.family === 'IPv6' ? `[${info.address}]` : info.address;
        resolve({
          url: `http://${host}:${info.port}`,
          close: (graceMs = 10_000) =>
            new Promise<void>((done) => {
              const force = setTimeout(
                () => 'closeAllConnections' in server && server.closeAllConnections(),
                graceMs,
              );
              server.close(() => {
                clearTimeout(force);
                done();
              });
              if ('closeIdleConnections' in server) server.closeIdleConnections();
            }),
        });
      },
    );
    server.once('error', reject);
  });
}
