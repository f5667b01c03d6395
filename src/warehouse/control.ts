import { rm } from 'node:fs/promises';
import { createServer, request } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import { Hono } from 'hono';
import type { Row, Warehouse } from './warehouse.ts';

/**
 * While a runtime owns the warehouse file, other processes query through it: a small HTTP server on a
 * Unix socket in the home folder (never on a network port), answering read-only queries, each on a connection
 * of its own (`Warehouse.read`): a query does not wait for the pipe's loads, nor they for it.
 */
export async function serveWarehouseControl(
  warehouse: Warehouse,
  socketPath: string,
): Promise<() => Promise<void>> {
  const app = new Hono();
  app.post('/sql', async (c) => {
    const { query } = await c.req.json<{ query: string }>();
    try {
      return c.json({ rows: await warehouse.read(query) });
    } catch (error) {
      return c.json({ error: (error as Error).message }, 400);
    }
  });
  await rm(socketPath, { force: true });
  const server = createServer(getRequestListener(app.fetch));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, resolve);
  });
  return async () => {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    await rm(socketPath, { force: true });
  };
}

/** Asks a running runtime for a query's rows; null when no runtime answers on the socket. */
export function queryThroughControl(socketPath: string, query: string): Promise<Row[] | null> {
  return new Promise((resolve, reject) => {
    const req = request(
      { socketPath, path: '/sql', method: 'POST', headers: { 'content-type': 'application/json' } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (text += d));
        res.on('end', () => {
          const body = JSON.parse(text) as { rows?: Row[]; error?: string };
          if (body.error) reject(new Error(body.error));
          else resolve(body.rows ?? []);
        });
      },
    );
    req.on('error', () => resolve(null));
    req.end(JSON.stringify({ query }));
  });
}
