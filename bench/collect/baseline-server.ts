/**
 * The baseline: a Node `http` server that does nothing but read the request body and answer the collector's
 * 1x1 GIF. What the collector does on top of this (parse, validate, build records, write-ahead log, fsync,
 * lake objects) is what the benchmark measures against it.
 *
 *   node --import tsx bench/collect/baseline-server.ts [--host 127.0.0.1] [--port 0]
 *
 * Prints its URL on stdout once ready; exits 0 on SIGTERM or SIGINT.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';

const PIXEL_GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');
const PIXEL_HEADERS = {
  'content-type': 'image/gif',
  'content-length': String(PIXEL_GIF.length),
  'cache-control': 'no-cache, no-store, must-revalidate',
  'access-control-allow-origin': '*',
};

const { values } = parseArgs({
  options: { host: { type: 'string', default: '127.0.0.1' }, port: { type: 'string', default: '0' } },
});

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    Buffer.concat(chunks); // the body, read in full as the collector reads it, then dropped
    res.writeHead(200, PIXEL_HEADERS);
    res.end(PIXEL_GIF);
  });
});

server.listen(Number(values.port), values.host, () => {
  const { address, port } = server.address() as AddressInfo;
  process.stdout.write(`http://${address}:${port}\n`);
});

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}
