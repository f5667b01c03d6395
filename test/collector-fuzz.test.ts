import net from 'node:net';
import { describe, expect, it } from 'vitest';
import type { StreamRecord } from '../src/contract/index.ts';
import { readLakeRecords } from '../src/stream/index.ts';
import { startCollectorProcess, tempHome } from './support/pdi.ts';
import { seededRandom } from './support/random.ts';

const REQUESTS = 10_000;
const CONCURRENCY = 32;
const SEED = Number(process.env.FUZZ_SEED ?? 20261124);

interface FuzzRequest {
  path: string;
  method: string;
  contentType: string | undefined;
  body: Uint8Array | undefined;
  /** Set for requests sent unmutated: they must be accepted and land. */
  validZ: string[];
}

const CONTENT_TYPES = [
  undefined,
  'text/plain',
  'text/plain;charset=UTF-8',
  'application/x-www-form-urlencoded',
  'application/json',
  'multipart/form-data; boundary=xyz',
  'application/octet-stream',
  'text/plain; charset=latin1',
  ';;==',
  'application/json; charset=utf-16',
];

function makeRequests(random: ReturnType<typeof seededRandom>): FuzzRequest[] {
  const pieces = [
    '&',
    '=',
    '%',
    '%zz',
    '%E2%9C',
    '\u0000',
    '\n',
    '{',
    '}',
    '"',
    'é',
    '🛒',
    't=',
    'cid=',
    '\uFFFF',
    '+',
  ];
  const validHit = (z: string) =>
    `v=1&t=${random.pick(['pageview', 'event', 'transaction'])}&cid=${random.hex(8)}&z=${z}&dl=https%3A%2F%2Fshop.example%2F${random.hex(4)}&dt=${encodeURIComponent(random.pick(['café', 'ok', '🛒 cart', 'Ω']))}`;
  const mutate = (text: string): Uint8Array => {
    let bytes = Buffer.from(text);
    const rounds = 1 + random.int(4);
    for (let r = 0; r < rounds; r++) {
      const at = random.int(bytes.length + 1);
      switch (random.int(5)) {
        case 0: // flip a byte
          if (bytes.length) bytes[Math.min(at, bytes.length - 1)] = random.int(256);
          break;
        case 1: // truncate
          bytes = bytes.subarray(0, at);
          break;
        case 2: // insert a tricky piece
          bytes = Buffer.concat([
            bytes.subarray(0, at),
            Buffer.from(random.pick(pieces)),
            bytes.subarray(at),
          ]);
          break;
        case 3: // random bytes
          bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from(random.bytes(1 + random.int(64)))]);
          break;
        default: // blow up the size
          bytes = Buffer.concat([bytes, Buffer.alloc(random.pick([10, 9000, 20_000, 100_000]), 'a')]);
      }
    }
    return bytes;
  };

  const requests: FuzzRequest[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    const z = `f${i}`;
    const kind = random.int(10);
    if (kind < 3) {
      // unmutated valid hits in every form
      const form = random.int(4);
      if (form === 0)
        requests.push({
          path: '/collect',
          method: 'POST',
          contentType: 'text/plain',
          body: Buffer.from(validHit(z)),
          validZ: [z],
        });
      else if (form === 1)
        requests.push({
          path: '/collect',
          method: 'POST',
          contentType: 'application/json',
          body: Buffer.from(JSON.stringify(Object.fromEntries(new URLSearchParams(validHit(z))))),
          validZ: [z],
        });
      else if (form === 2)
        requests.push({
          path: `/collect?${validHit(z)}`,
          method: 'GET',
          contentType: undefined,
          body: undefined,
          validZ: [z],
        });
      else {
        const zs = Array.from({ length: 1 + random.int(20) }, (_, k) => `${z}.${k}`);
        requests.push({
          path: '/batch',
          method: 'POST',
          contentType: 'text/plain',
          body: Buffer.from(zs.map(validHit).join('\n')),
          validZ: zs,
        });
      }
    } else if (kind < 8) {
      const batch = random.int(3) === 0;
      const text = batch
        ? Array.from({ length: 1 + random.int(25) }, (_, k) => validHit(`${z}.${k}`)).join('\n')
        : validHit(z);
      const asJson = !batch && random.int(3) === 0;
      const source = asJson ? JSON.stringify(Object.fromEntries(new URLSearchParams(text))) : text;
      if (!batch && random.int(4) === 0) {
        requests.push({
          path: `/collect?${Buffer.from(mutate(source)).toString('latin1')}`,
          method: 'GET',
          contentType: undefined,
          body: undefined,
          validZ: [],
        });
      } else {
        requests.push({
          path: batch ? '/batch' : '/collect',
          method: 'POST',
          contentType: random.pick(CONTENT_TYPES),
          body: mutate(source),
          validZ: [],
        });
      }
    } else if (kind < 9) {
      requests.push({
        path: random.pick(['/collect', '/batch']),
        method: 'POST',
        contentType: random.pick(CONTENT_TYPES),
        body: random.bytes(random.int(2000)),
        validZ: [],
      });
    } else {
      requests.push({
        path: random.pick(['/', '/collect/x', '/batch?x', '/metrics', '/healthz', '/%zz', '/collect?']),
        method: random.pick(['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD']),
        contentType: random.pick(CONTENT_TYPES),
        body: undefined,
        validZ: [],
      });
    }
  }
  return requests;
}

describe('fuzzing the collector with 10,000 random and mutated requests', () => {
  it('never crashes, never answers 5xx, and lands every accepted hit', async () => {
    const home = await tempHome('pdi-fuzz-');
    const collector = await startCollectorProcess(home);
    const random = seededRandom(SEED);
    const requests = makeRequests(random);
    const statuses = new Map<number, number>();
    const validNotAccepted: string[] = [];
    let acceptedSingles = 0;
    let next = 0;

    const worker = async () => {
      while (next < requests.length) {
        const request = requests[next++] as FuzzRequest;
        const headers: Record<string, string> = {};
        if (request.contentType !== undefined) headers['content-type'] = request.contentType;
        const res = await fetch(`${collector.url}${request.path}`, {
          method: request.method,
          headers,
          body: request.method === 'GET' || request.method === 'HEAD' ? undefined : request.body,
        });
        const text = await res.text();
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (
          res.status === 200 &&
          request.path.startsWith('/collect') &&
          ['GET', 'POST'].includes(request.method)
        ) {
          acceptedSingles++;
        }
        if (request.validZ.length > 0 && res.status !== 200)
          validNotAccepted.push(`${request.path} ${res.status} ${text}`);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    await sendRawGarbage(collector.url, random);

    const health = await fetch(`${collector.url}/healthz`);
    expect(health.status).toBe(200);
    const metrics = await (await fetch(`${collector.url}/metrics`)).text();
    const acceptedByRoute = (route: string) =>
      Number(new RegExp(`pdi_hits_accepted_total\\{route="${route}"\\} (\\d+)`).exec(metrics)?.[1] ?? 0);
    expect(await collector.stop()).toBe(0);

    const serverErrors = [...statuses].filter(([status]) => status >= 500);
    expect(serverErrors, `statuses: ${JSON.stringify([...statuses])}`).toEqual([]);
    expect(validNotAccepted).toEqual([]);

    const landed = new Set<string>();
    let records = 0;
    for await (const { record } of readLakeRecords(`${home}/lake`, 'stream_data')) {
      records++;
      landed.add(String((record as StreamRecord).request.body.z));
    }
    const validZ = requests.flatMap((r) => r.validZ);
    expect(validZ.length).toBeGreaterThan(2000);
    expect(validZ.filter((z) => !landed.has(z))).toEqual([]);
    // what the server acknowledged is what landed; single hits are also counted by the client
    expect(acceptedByRoute('/collect')).toBe(acceptedSingles);
    expect(records).toBe(acceptedByRoute('/collect') + acceptedByRoute('/batch'));

    let errorRecords = 0;
    for await (const _ of readLakeRecords(`${home}/lake`, 'stream_errors')) errorRecords++;
    const refusals = (statuses.get(400) ?? 0) + (statuses.get(413) ?? 0) + (statuses.get(415) ?? 0);
    expect(errorRecords).toBeGreaterThanOrEqual(refusals - (statuses.get(404) ?? 0));
  }, 180_000);
});

/** Bytes that are not even HTTP: the server must shrug them off. */
async function sendRawGarbage(url: string, random: ReturnType<typeof seededRandom>) {
  const { hostname, port } = new URL(url);
  const payloads = [
    'GARBAGE\r\n\r\n',
    'POST /collect HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
    'POST /collect HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nt=pageview',
    `GET /collect?${'a'.repeat(100_000)} HTTP/1.1\r\nHost: x\r\n\r\n`,
    Buffer.from(random.bytes(512)).toString('latin1'),
  ];
  for (const payload of payloads) {
    await new Promise<void>((resolve) => {
      const socket = net.connect(Number(port), hostname, () => socket.end(payload, 'latin1'));
      socket.on('data', () => {});
      socket.on('error', () => resolve());
      socket.on('close', () => resolve());
      socket.setTimeout(2000, () => socket.destroy());
    });
  }
}
