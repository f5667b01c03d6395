import { randomBytes } from 'node:crypto';
import { rm, stat } from 'node:fs/promises';
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { SETTINGS } from '../config/settings.ts';
import { type DatasetFiles, type LineRange, splitLines } from '../dataset/reader.ts';
import { lakeTmpDir } from '../stream/lake-objects.ts';
import { type BackfillPart, backfillPart, type PartSummary } from './backfill-part.ts';
import { datasetTimeRange } from './pump-plan.ts';

export interface BackfillOptions {
  dataset: DatasetFiles;
  lakeDir: string;
  /** 'now': shift every time so that the dataset ends now; 'none': keep the dataset's own calendar. */
  shift: 'now' | 'none';
  limit: number | null;
  /** Uncompressed NDJSON bytes per object, as the stream's buffer limit (default 10 MiB). */
  maxObjectBytes?: number;
  nowMs?: number;
  onProgress?: (rows: number) => void;
  /** Worker threads sharing the browsing file (default: one per core, up to 4, for files of 16 MiB or more). */
  workers?: number;
}

export interface BackfillSummary {
  runId: string;
  rows: number;
  objects: number;
  compressedBytes: number;
  shiftMs: number;
  seconds: number;
}

/** Below this size a dataset is backfilled in this thread: starting workers would cost more. */
const PARALLEL_FROM_BYTES = 16 * 2 ** 20;
const MAX_WORKERS = 4;

/**
 * Writes a dataset straight into lake objects: the records the HTTP path would have produced, under
 * `stream_data/YYYY/MM/DD/HH/` by (shifted) event hour, bypassing HTTP. The browsing file is shared out
 * by line ranges among worker threads (one per core). Each run names its objects after a fresh run id, so
 * a run never overwrites an earlier run's objects.
 */
export async function backfill(options: BackfillOptions): Promise<BackfillSummary> {
  const started = Date.now();
  const runId = `${new Date(started).toISOString().replace(/[-:]/g, '').slice(0, 15)}-${randomBytes(4).toString('hex')}`;
  const range =
    options.shift === 'now' ? await datasetTimeRange(options.dataset.browsing, options.limit) : null;
  const shiftMs = range ? (options.nowMs ?? Date.now()) - range.lastMs : 0;
  const part = (lines: LineRange | null, index: number): BackfillPart => ({
    browsingFile: options.dataset.browsing,
    skuFile: options.dataset.sku,
    range: lines,
    lakeDir: options.lakeDir,
    keyPrefix: index === 0 ? runId : `${runId}-${index}`,
    tmpName: `backfill-${runId}-${index}`,
    shiftMs,
    limit: options.limit,
    maxObjectBytes: options.maxObjectBytes ?? Number(SETTINGS.bufferBytes.default),
  });

  const workers =
    options.workers ??
    ((await stat(options.dataset.browsing)).size >= PARALLEL_FROM_BYTES
      ? Math.min(os.availableParallelism(), MAX_WORKERS)
      : 1);
  // the first N rows are one part: the limit counts rows in file order
  const plan =
    workers <= 1 || options.limit !== null
      ? [part(null, 0)]
      : (await splitLines(options.dataset.browsing, workers)).map(part);
  let parts: PartSummary[];
  try {
    if (plan.length === 1) {
      parts = [await backfillPart(plan[0] as BackfillPart, (rows) => options.onProgress?.(rows))];
    } else {
      const progress = plan.map(() => 0);
      parts = await inWorkers(plan, (i, rows) => {
        progress[i] = rows;
        options.onProgress?.(progress.reduce((a, b) => a + b, 0));
      });
    }
  } finally {
    for (const { tmpName } of plan) {
      await rm(lakeTmpDir(options.lakeDir, tmpName), { recursive: true, force: true });
    }
  }
  return {
    runId,
    rows: sum(parts, 'rows'),
    objects: sum(parts, 'objects'),
    compressedBytes: sum(parts, 'compressedBytes'),
    shiftMs,
    seconds: (Date.now() - started) / 1000,
  };
}

function sum(parts: PartSummary[], field: keyof PartSummary): number {
  return parts.reduce((total, part) => total + part[field], 0);
}

/**
 * Runs each part in a worker thread. A dataset error there is thrown here, with its message, once the
 * other workers are stopped (none keeps writing objects after the backfill has failed).
 */
async function inWorkers(
  plan: BackfillPart[],
  onProgress: (part: number, rows: number) => void,
): Promise<PartSummary[]> {
  const workers: Worker[] = [];
  try {
    return await Promise.all(
      plan.map((part, i) => {
        const worker = new Worker(new URL('./backfill-worker.mjs', import.meta.url), { workerData: part });
        workers.push(worker);
        return partDone(worker, (rows) => onProgress(i, rows));
      }),
    );
  } catch (error) {
    await Promise.all(workers.map((worker) => worker.terminate()));
    throw error;
  }
}

function partDone(worker: Worker, onProgress: (rows: number) => void): Promise<PartSummary> {
  return new Promise((resolve, reject) => {
    let settled = false;
    worker.on('message', (message: { progress?: number; done?: PartSummary; error?: Error }) => {
      if (message.progress !== undefined) onProgress(message.progress);
      if (message.done) {
        settled = true;
        resolve(message.done);
      }
      if (message.error) {
        settled = true;
        reject(Object.assign(new Error(message.error.message), { name: message.error.name }));
      }
    });
    worker.once('error', (error) => {
      settled = true;
      reject(error);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`a backfill worker stopped (exit code ${code})`));
    });
  });
}
