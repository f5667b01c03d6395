import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { StreamRecord } from '../../src/contract/index.ts';
import type { BrowsingEvent, SkuContent } from '../../src/dataset/format.ts';
import { generateDataset } from '../../src/dataset/generator.ts';
import { locateDataset, readBrowsing, readSkuCatalog } from '../../src/dataset/reader.ts';
import { SITE_URL, sessionDevice } from '../../src/replay/hit-mapping.ts';
import { Pumper } from '../../src/replay/pumper.ts';
import { RowIdentifier, type RowIdentity, transactionIdOf } from '../../src/replay/row-identity.ts';
import { readLakeRecords } from '../../src/stream/index.ts';
import { runPdi, startCollectorProcess, tempHome } from '../support/pdi.ts';

let datasetDir: string;
let rows: BrowsingEvent[];
/** Each row's identity, as a reader of the whole file gives it. */
const identities = new Map<BrowsingEvent, RowIdentity>();
const rowId = (row: BrowsingEvent) => (identities.get(row) as RowIdentity).z;
let catalog: Map<string, SkuContent>;

beforeAll(async () => {
  datasetDir = await tempHome('pdi-pump-data-');
  await generateDataset({ outDir: datasetDir, sessions: 150, seed: 5 });
  rows = [];
  const identifier = new RowIdentifier();
  for await (const row of readBrowsing(path.join(datasetDir, 'browsing_train.csv'))) {
    rows.push(row);
    identities.set(row, identifier.identify(row));
  }
  catalog = await readSkuCatalog(path.join(datasetDir, 'sku_to_content.csv'));
});

async function lakeHits(home: string): Promise<StreamRecord[]> {
  const out: StreamRecord[] = [];
  for await (const { record } of readLakeRecords(path.join(home, 'lake'), 'stream_data'))
    out.push(record as StreamRecord);
  return out;
}

/** What spec §4 says a row becomes, computed here from the row itself. */
function expectMapping(row: BrowsingEvent, body: Record<string, unknown>) {
  const device = sessionDevice(row.sessionIdHash);
  expect(body.cid).toBe(device.clientId);
  expect(body.dl).toBe(`${SITE_URL}?page=${row.hashedUrl}`);
  for (const key of ['sr', 'ul', 'ua', 'tid', 'sd', 'de'] as const) expect(body[key]).toBe(device[key]);
  if (row.productAction === null) {
    expect(body.t).toBe('pageview');
    expect(body.pa).toBeUndefined();
    return;
  }
  const product = catalog.get(row.productSkuHash ?? '');
  expect(body).toMatchObject({ t: 'event', pa: row.productAction, pr1id: row.productSkuHash });
  expect(body.pr1pr).toBe(product?.priceBucket ?? undefined);
  expect(body.pr1ca).toBe(product?.categoryHash ?? undefined);
  if (row.productAction === 'purchase') {
    expect(body.ti).toBe(transactionIdOf(identities.get(row) as RowIdentity));
    expect(body.tr).toBe(product?.priceBucket ?? undefined);
  }
}

describe('./pdi pump into a real collector', () => {
  for (const batch of [false, true]) {
    it(`lands every row once with the original mapping${batch ? ' (/batch)' : ''}`, async () => {
      const home = await tempHome();
      const collector = await startCollectorProcess(home);
      const result = await runPdi([
        'pump',
        '--dataset',
        datasetDir,
        '--url',
        collector.url,
        '--concurrency',
        '8',
        ...(batch ? ['--batch'] : []),
      ]);
      expect(await collector.stop()).toBe(0);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(
        new RegExp(`sent ${rows.length} hits .* ${rows.length} accepted, 0 refused, 0 failed`),
      );

      const hits = await lakeHits(home);
      expect(hits).toHaveLength(rows.length);
      const byZ = new Map(hits.map((h) => [String(h.request.body.z), h]));
      expect(byZ.size).toBe(rows.length);
      for (const row of rows) {
        const hit = byZ.get(rowId(row));
        expect(hit, `row ${row.line}`).toBeDefined();
        expectMapping(row, hit?.request.body ?? {});
        expect(hit?.request.path).toBe(batch ? '/batch' : '/collect');
      }
      // the session's device never changes within a session (deterministic by session)
      const uaBySession = new Map<string, Set<unknown>>();
      for (const hit of hits) {
        const set = uaBySession.get(String(hit.request.body.cid)) ?? new Set();
        set.add(hit.request.body.ua);
        uaBySession.set(String(hit.request.body.cid), set);
      }
      expect([...uaBySession.values()].every((s) => s.size === 1)).toBe(true);
    });
  }

  it('refuses a wrong flag value or a missing dataset with a clear message', async () => {
    const badUrl = await runPdi(['pump', '--dataset', datasetDir, '--url', 'ftp://x']);
    expect(badUrl.code).toBe(2);
    expect(badUrl.stderr).toContain('is not an http(s) URL');
    const missing = await runPdi(['pump', '--dataset', '/nonexistent', '--url', 'http://127.0.0.1:9']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('browsing_train.csv: missing');
  });
});

describe('the pumper', () => {
  /** A collector stand-in that answers 503 to the first try of every third hit, and records what it got. */
  async function flakyServer() {
    const attempts = new Map<string, number>();
    const bodies: URLSearchParams[] = [];
    const server = createServer(async (req: IncomingMessage, res) => {
      let text = '';
      for await (const chunk of req) text += chunk;
      const params = new URLSearchParams(text.split('\n')[0]);
      const z = params.get('z') ?? '';
      const n = (attempts.get(z) ?? 0) + 1;
      attempts.set(z, n);
      if (n === 1 && [...z].reduce((a, c) => a + c.charCodeAt(0), 0) % 3 === 0) {
        res.writeHead(503, { 'retry-after': '0' }).end();
        return;
      }
      for (const line of text.split('\n')) bodies.push(new URLSearchParams(line));
      res.writeHead(200, { 'content-type': 'image/gif' }).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return { url, attempts, bodies, close: () => new Promise((r) => server.close(r)) };
  }

  it('retries refused sends with the same z until they are accepted', async () => {
    const server = await flakyServer();
    const summary = await new Pumper({
      dataset: await locateDataset(datasetDir),
      url: server.url,
      concurrency: 4,
      rate: null,
      batch: false,
      clock: 'now',
      speed: 1,
      limit: 200,
    }).run();
    await server.close();
    expect(summary.hitsAccepted).toBe(200);
    expect(summary.retries).toBeGreaterThan(20);
    const retried = [...server.attempts.values()].filter((n) => n > 1).length;
    expect(retried).toBe(summary.retries);
    expect(new Set(server.bodies.map((b) => b.get('z'))).size).toBe(200);
  });

  it('replays the dataset on its own clock: gaps kept, shifted to end now, with the queue time', async () => {
    const server = await flakyServer();
    const limit = 120;
    const speed = 1e7;
    const started = Date.now();
    await new Pumper({
      dataset: await locateDataset(datasetDir),
      url: server.url,
      concurrency: 1,
      rate: null,
      batch: false,
      clock: 'replay',
      speed,
      limit,
    }).run();
    await server.close();
    const sent = rows.slice(0, limit);
    const byZ = new Map(server.bodies.map((b) => [b.get('z'), b]));
    const first = sent[0] as BrowsingEvent;
    const last = sent.reduce((a, b) => (b.timestampMs > a.timestampMs ? b : a));
    const shifted = Number(byZ.get(rowId(last))?.get('tm'));
    // the last row of the dataset happens when the run ends
    expect(shifted).toBeGreaterThanOrEqual(started);
    expect(shifted).toBeLessThanOrEqual(Date.now());
    for (const row of sent) {
      const hit = byZ.get(rowId(row));
      expect(Number(hit?.get('tm')) - Number(byZ.get(rowId(first))?.get('tm'))).toBe(
        row.timestampMs - first.timestampMs,
      );
      expect(Number(hit?.get('qt'))).toBeGreaterThanOrEqual(0);
    }
  });
});
