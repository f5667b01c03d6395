import type { HitParams } from '../contract/types.ts';
import type { BrowsingEvent, SkuContent } from '../dataset/format.ts';
import { readBrowsing } from '../dataset/reader.ts';
import { encodeHit, hitForEvent } from './hit-mapping.ts';
import { RowIdentifier } from './row-identity.ts';

/** GA's limits for one /batch request. */
const BATCH_HITS = 20;
const BATCH_BYTES = 16 * 1024;

export type Clock = 'now' | 'replay';

export interface PlanOptions {
  browsingFile: string;
  catalog: ReadonlyMap<string, SkuContent>;
  clock: Clock;
  /** Replay, and `now` with `rhythm`: dataset time runs this many times faster than the wall clock. */
  speed: number;
  /**
   * `now` only: send each hit when its turn comes in the dataset's time, sped up by `speed` (the dataset's
   * peaks and lulls, stamped when sent), instead of as fast as `rate` allows.
   */
  rhythm?: boolean;
  /** Hits per second at most, over the whole run. */
  rate: number | null;
  batch: boolean;
  limit: number | null;
  /** Wall time of the start. */
  startMs: number;
  /** Replay and rhythm: the dataset's first and last timestamps among the rows to send. */
  range: { firstMs: number; lastMs: number } | null;
}

/** One request to send: its hits, and the earliest wall time to send it at. */
export interface PlannedSend {
  path: '/collect' | '/batch';
  hits: PlannedHit[];
  dueMs: number;
}

export interface PlannedHit {
  params: HitParams;
  /** Replay: the event's time on the shifted clock; the send adds `qt` = send time − this. */
  eventTimeMs: number | null;
}

/**
 * Replay shifts the dataset so that it ends when the run ends: at speed N a span S of dataset time
 * takes S/N of wall time, each hit is sent when its turn comes, stamped with its shifted event time.
 */
export function replayShift(options: Pick<PlanOptions, 'startMs' | 'speed' | 'range'>): number {
  const { firstMs, lastMs } = options.range ?? { firstMs: 0, lastMs: 0 };
  return Math.round(options.startMs + (lastMs - firstMs) / options.speed - lastMs);
}

/** The dataset's time range among the first `limit` rows: replay needs it before the first send. */
export async function datasetTimeRange(
  file: string,
  limit: number | null,
): Promise<{ firstMs: number; lastMs: number }> {
  let firstMs = Number.POSITIVE_INFINITY;
  let lastMs = Number.NEGATIVE_INFINITY;
  let rows = 0;
  for await (const event of readBrowsing(file)) {
    if (limit !== null && rows++ >= limit) break;
    firstMs = Math.min(firstMs, event.timestampMs);
    lastMs = Math.max(lastMs, event.timestampMs);
  }
  if (!Number.isFinite(firstMs)) return { firstMs: 0, lastMs: 0 };
  return { firstMs, lastMs };
}

/** The requests of a run, in order. Rows are read lazily: memory stays bounded whatever the file. */
export async function* planSends(options: PlanOptions): AsyncGenerator<PlannedSend> {
  const shift = options.clock === 'replay' ? replayShift(options) : 0;
  const firstMs = options.range?.firstMs ?? 0;
  let index = 0;
  let pending: PlannedSend | null = null;
  let pendingBytes = 0;
  const identifier = new RowIdentifier();

  const due = (event: BrowsingEvent, hitIndex: number) => {
    const paced = options.rate ? options.startMs + (hitIndex * 1000) / options.rate : options.startMs;
    const replayed =
      options.clock === 'replay' || options.rhythm
        ? options.startMs + (event.timestampMs - firstMs) / options.speed
        : options.startMs;
    return Math.max(paced, replayed);
  };

  for await (const event of readBrowsing(options.browsingFile)) {
    if (options.limit !== null && index >= options.limit) break;
    const eventTimeMs = options.clock === 'replay' ? Math.round(event.timestampMs + shift) : null;
    // `tm` is the send time in the `now` clock: set at send; here a placeholder the sender overwrites
    const params = hitForEvent(event, identifier.identify(event), options.catalog, eventTimeMs ?? 0);
    const hit: PlannedHit = { params, eventTimeMs };
    const dueMs = due(event, index++);

    if (!options.batch) {
      yield { path: '/collect', hits: [hit], dueMs };
      continue;
    }
    const bytes = encodeHit(params).length + 1;
    if (pending && (pending.hits.length >= BATCH_HITS || pendingBytes + bytes > BATCH_BYTES - 512)) {
      yield pending;
      pending = null;
    }
    if (!pending) {
      pending = { path: '/batch', hits: [], dueMs };
      pendingBytes = 0;
    }
    pending.hits.push(hit);
    pendingBytes += bytes;
  }
  if (pending) yield pending;
}
