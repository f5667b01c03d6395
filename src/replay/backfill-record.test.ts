import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDataset } from '../dataset/generator.ts';
import { locateDataset, readBrowsing, readSkuCatalog } from '../dataset/reader.ts';
import { BackfillSerializer, backfillRecord } from './backfill-record.ts';
import { sessionDevice } from './hit-mapping.ts';
import { RowIdentifier } from './row-identity.ts';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'pdi-backfill-record-'));
  await generateDataset({ outDir: dir, sessions: 400, seed: 4 });
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('BackfillSerializer', () => {
  it('writes exactly the JSON text of backfillRecord, for every kind of row', async () => {
    const files = await locateDataset(dir);
    const catalog = await readSkuCatalog(files.sku);
    const shiftMs = 123_456_789;
    const serializer = new BackfillSerializer(catalog, shiftMs);
    const actions = new Set<string | null>();
    const identifier = new RowIdentifier();
    let rows = 0;
    for await (const event of readBrowsing(files.browsing)) {
      const device = sessionDevice(event.sessionIdHash);
      const identity = identifier.identify(event);
      const record = backfillRecord(event, identity, catalog, shiftMs, device);
      const { text, timeMs } = serializer.line(event, identity, device);
      expect(text).toBe(JSON.stringify(record));
      expect(timeMs).toBe(record.request.timestamp);
      actions.add(event.productAction);
      rows++;
    }
    expect(rows).toBeGreaterThan(1000);
    expect([...actions].sort()).toEqual(['add', 'detail', 'purchase', 'remove', null].sort());
  });
});
