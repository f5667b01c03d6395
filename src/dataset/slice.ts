import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import { BROWSING_COLUMNS, type BrowsingEvent } from './format.ts';
import { type DatasetFiles, locateDataset, readBrowsing } from './reader.ts';

/** A time slice of a dataset to write: browsing rows with `fromMs <= time < toMs`. */
export interface DatasetSlice {
  dir: string;
  fromMs: number;
  toMs: number;
}

function browsingLine(e: BrowsingEvent): string {
  return [
    e.sessionIdHash,
    e.eventType,
    e.productAction ?? '',
    e.productSkuHash ?? '',
    e.timestampMs,
    e.hashedUrl,
  ].join(',');
}

/**
 * Writes time slices of a dataset as datasets of their own (the same catalogue), in one read of its browsing
 * file: the demo's history, backfilled, and its live part, pumped. A row keeps its fields, so it keeps its ids.
 */
export async function sliceDataset(dataset: DatasetFiles, slices: DatasetSlice[]): Promise<DatasetFiles[]> {
  const outputs = await Promise.all(
    slices.map(async (slice) => {
      await mkdir(slice.dir, { recursive: true });
      await copyFile(dataset.sku, path.join(slice.dir, path.basename(dataset.sku)));
      const out = createWriteStream(path.join(slice.dir, path.basename(dataset.browsing)));
      out.write(`${BROWSING_COLUMNS.join(',')}\n`);
      return out;
    }),
  );
  for await (const event of readBrowsing(dataset.browsing)) {
    for (const [i, slice] of slices.entries()) {
      if (event.timestampMs < slice.fromMs || event.timestampMs >= slice.toMs) continue;
      const out = outputs[i] as WriteStream;
      // a slow disk: wait for the stream to drain rather than hold the file in memory
      if (!out.write(`${browsingLine(event)}\n`)) await once(out, 'drain');
    }
  }
  for (const out of outputs) out.end();
  await Promise.all(outputs.map((out) => finished(out)));
  return Promise.all(slices.map((slice) => locateDataset(slice.dir)));
}
