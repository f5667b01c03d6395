import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context, Hono } from 'hono';

/** The client's address on a plain Node server: the TCP peer. */
export function nodeSourceIp(c: Context): string | null {
  return getConnInfo(c).remote.address ?? null;
}

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
