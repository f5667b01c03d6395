import type { Counter } from 'prom-client';
import type { CollectorMetrics } from '../collector/metrics.ts';
import { listLakeObjects } from '../stream/lake-reader.ts';

/** What the stack's loop knows of the pipe and of dbt, for the dashboard's health panel. */
export interface PipelineStatus {
  /** Objects in RAW.LOAD_HISTORY (read at start, counted since). */
  objectsInHistory: number;
  /** Lines the pipe could not load, since the start. */
  lineErrors: number;
  lastLoadAtMs: number | null;
  lastLoadSeconds: number | null;
  transforming: boolean;
  lastTransformAtMs: number | null;
  lastTransformSeconds: number | null;
  lastTransformOk: boolean | null;
}

/** Hits per second over the last half minute, from the accepted-hits counter sampled at each call. */
export class RateMeter {
  private samples: { atMs: number; total: number }[] = [];

  constructor(private readonly windowMs = 30_000) {}

  rate(total: number, atMs: number): number {
    this.samples.push({ atMs, total });
    // keep the newest sample older than the window as the base, so that a rate always spans some time
    while (this.samples.length > 2 && (this.samples[1]?.atMs ?? atMs) <= atMs - this.windowMs)
      this.samples.shift();
    const base = this.samples[0] as { atMs: number; total: number };
    const seconds = (atMs - base.atMs) / 1000;
    return seconds > 0 ? (total - base.total) / seconds : 0;
  }
}

async function counterTotals<Label extends string>(
  counter: Counter<Label>,
  label: Label,
): Promise<Record<string, number>> {
  const totals: Record<string, number> = {};
  for (const { value, labels } of (await counter.get()).values) {
    const key = String(labels[label] ?? 'all');
    totals[key] = (totals[key] ?? 0) + value;
  }
  return totals;
}

const sum = (totals: Record<string, number>) => Object.values(totals).reduce((a, b) => a + b, 0);
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** The health panel's figures: the collector's counters, the pipe's backlog, the last dbt run. */
export async function pipelineHealth(
  metrics: CollectorMetrics,
  status: PipelineStatus,
  lakeDir: string,
  meter: RateMeter,
  nowMs: number,
): Promise<Record<string, unknown>> {
  const accepted = sum(await counterTotals(metrics.hitsAccepted, 'route'));
  const inLake = (await listLakeObjects(lakeDir, 'stream_data')).length;
  return {
    collector: {
      hits_accepted: accepted,
      hits_per_second: Math.round(meter.rate(accepted, nowMs) * 10) / 10,
      hits_rejected: await counterTotals(metrics.hitsRejected, 'reason'),
      unavailable: await counterTotals(metrics.streamUnavailable, 'reason'),
      bytes_waiting: metrics.bufferedBytes(),
    },
    pipe: {
      lake_objects: inLake,
      lake_objects_waiting: Math.max(0, inLake - status.objectsInHistory),
      last_load_at: iso(status.lastLoadAtMs),
      last_load_seconds: status.lastLoadSeconds,
      seconds_since_last_load:
        status.lastLoadAtMs === null ? null : Math.round((nowMs - status.lastLoadAtMs) / 1000),
      line_errors: status.lineErrors,
    },
    dbt: {
      running: status.transforming,
      last_run_at: iso(status.lastTransformAtMs),
      last_run_seconds: status.lastTransformSeconds,
      last_run_ok: status.lastTransformOk,
    },
  };
}
