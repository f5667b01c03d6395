import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { CsvWriter } from './csv-writer.ts';
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
      return new CsvWriter(path.join(slice.dir, path.basename(dataset.browsing)), BROWSING_COLUMNS);
    }),
  );
  for await (const event of readBrowsing(dataset.browsing)) {
    for (const [i, slice] of slices.entries()) {
      if (event.timestampMs < slice.fromMs || event.timestampMs >= slice.toMs) continue;
      await (outputs[i] as CsvWriter).write(`${browsingLine(event)}\n`);
    }
  }
  await Promise.all(outputs.map((out) => out.end()));
  return Promise.all(slices.map((slice) => locateDataset(slice.dir)));
}
