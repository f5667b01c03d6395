import { setTimeout as sleep } from 'node:timers/promises';
import type { CollectorConfig } from '../config/collector-config.ts';
import { controlSocketPath } from '../config/runtime-paths.ts';
import { createDashboardApp } from '../dashboard/app.ts';
import { copyNewLoads, ensureRawSchema, lakeScanner, loadNewObjects } from '../pipe/index.ts';
import { dbtBuildArgs, runDbt } from '../warehouse/dbt/index.ts';
import { serveWarehouseControl, stageNewHits, Warehouse } from '../warehouse/index.ts';
import { type RunningCollector, startCollector } from './collector.ts';
import { type PipelineStatus, pipelineHealth, RateMeter } from './health.ts';
import type { Logger } from './log.ts';

/** The shortest time between the starts of two loads: each has a fixed cost, whatever it brings. */
const PIPE_CYCLE_MS = 500;

export interface StackOptions {
  config: CollectorConfig;
  log: Logger;
  /** Seconds between two scans of the lake by the pipe. */
  loadEverySeconds: number;
  /** Seconds between two dbt builds. */
  transformEverySeconds: number;
}

export interface RunningStack {
  url: string;
  collector: RunningCollector;
  warehouse: Warehouse;
  stop(): Promise<void>;
}

/**
 * The embedded stack as one process, one port: the collector (and the dashboard) on the Node server,
 * the pipe loading the lake every few seconds, dbt every few minutes; this process owns the warehouse
 * file, and `./pdi sql` queries through it (a Unix socket in the home folder).
 */
export async function startStack(options: StackOptions): Promise<RunningStack> {
  const { config, log } = options;
  // a load's commit that reaches DuckDB's checkpoint threshold would merge the small row groups that the loads
  // leave (0.5 s to 3 s, the next hits waiting); the builds' copies merge them instead, dbt's checkpoints
  const warehouse = await Warehouse.open(config.warehousePath, { create: true, mergeRowGroups: false });
  await ensureRawSchema(warehouse);
  const closeControl = await serveWarehouseControl(warehouse, controlSocketPath(config.home));

  // objects loaded since the last build started: dbt builds only when there is something new
  let loadedSinceBuild = 0;
  const pipeline: PipelineStatus = {
    objectsInHistory: Number(
      (await warehouse.query('select count(*)::double as n from RAW.LOAD_HISTORY'))[0]?.n ?? 0,
    ),
    lineErrors: 0,
    lastLoadAtMs: null,
    lastLoadSeconds: null,
    transforming: false,
    lastTransformAtMs: null,
    lastTransformSeconds: null,
    lastTransformOk: null,
  };
  const meter = new RateMeter();
  let collector: RunningCollector | undefined;
  const dashboard = createDashboardApp({
    query: (sql) => warehouse.read(sql),
    busyReason: () => (pipeline.transforming ? 'dbt is building the models' : null),
    health: async () =>
      collector
        ? pipelineHealth(collector.metrics, pipeline, config.lakeDir, meter, Date.now())
        : { starting: true },
  });
  // a write of hits wakes an idle pipe (`loadEverySeconds` is the longest it sleeps); a wake that comes while
  // the loop is busy is kept for when it is done
  let woken = false;
  let wake = () => {
    woken = true;
  };
  collector = await startCollector(config, log, dashboard, () => wake());
  const running = collector;

  // the lake's folders read again only once written to: a cycle costs the same after days of traffic
  const scanner = lakeScanner(warehouse, config.lakeDir);
  const load = async () => {
    const summary = await loadNewObjects(warehouse, config.lakeDir, { scanner });
    loadedSinceBuild += summary.objects;
    pipeline.objectsInHistory += summary.objects;
    pipeline.lineErrors += summary.errors;
    pipeline.lastLoadAtMs = Date.now();
    pipeline.lastLoadSeconds = summary.seconds;
    if (summary.objects > 0) log.info({ ...summary }, 'pipe: loaded lake objects');
    // the next load that finds objects, or the next build, stages them
    if (summary.stagedError)
      log.error({ error: summary.stagedError }, 'pipe: hits not staged for the live views');
  };
  // dbt builds a copy of the warehouse while the pipe goes on loading the original and the dashboard reads it;
  // the copy, caught up with what was loaded meanwhile, then takes the original's place
  const build = async () => {
    pipeline.transforming = true;
    const started = Date.now();
    const steps: Record<string, number> = {};
    const result = await warehouse
      .buildOnCopy((copyPath) => runDbt(dbtBuildArgs(), { warehousePath: copyPath, background: true }), {
        // dbt's code 1: some models or tests failed, and the others were built, as a build in place leaves them
        keep: (run) => run.code === 0 || run.code === 1,
        catchUp: copyNewLoads,
        // the hits loaded while dbt built are staged before the first read of the new file
        beforeReads: stageNewHits,
        onStep: (step, seconds) => {
          steps[`${step}_seconds`] = Math.round(seconds * 1000) / 1000;
        },
      })
      .finally(() => {
        pipeline.transforming = false;
      });
    pipeline.lastTransformAtMs = Date.now();
    pipeline.lastTransformSeconds = (pipeline.lastTransformAtMs - started) / 1000;
    pipeline.lastTransformOk = result.code === 0;
    // the figures the page shows, read again now that the models are new
    dashboard.refreshFigures(10 * 60_000).catch(() => {});
    if (result.code === 0) log.info(steps, 'dbt build done');
    else log.error({ ...steps, output: result.output.slice(-4000) }, 'dbt build failed');
  };
  // the pipe takes the hits written so far as soon as it is ready for them (`publishHits`), rather than when
  // their lake object is old enough to roll: a hit waits for the load under way, not for a timer. It cycles at
  // most every PIPE_CYCLE_MS (a load has a fixed cost), on every wake, or every `loadEverySeconds` (objects of
  // other writers); dbt builds beside it, one build at a time (`build` marks itself as transforming before its
  // first await)
  let building: Promise<void> = Promise.resolve();
  let stopping = false;
  let nextTransform = 0;
  const loop = (async () => {
    while (!stopping) {
      woken = false;
      const cycleStarted = Date.now();
      await running
        .publishHits()
        .then(load)
        .catch((error: unknown) => log.error({ err: error }, 'pipe: load failed'));
      if (Date.now() >= nextTransform && loadedSinceBuild > 0 && !pipeline.transforming) {
        nextTransform = Date.now() + options.transformEverySeconds * 1000;
        loadedSinceBuild = 0;
        // a failure is logged and the build tried again next time
        building = build().catch((error: unknown) => log.error({ err: error }, 'dbt build failed'));
      }
      if (stopping) break;
      if (!woken) {
        await new Promise<void>((resolve) => {
          wake = () => {
            woken = true;
            resolve();
          };
          setTimeout(resolve, options.loadEverySeconds * 1000).unref();
        });
      }
      await sleep(cycleStarted + PIPE_CYCLE_MS - Date.now());
    }
  })();

  return {
    url: running.url,
    collector: running,
    warehouse,
    async stop() {
      stopping = true;
      wake();
      await loop;
      await building;
      await running.stop();
      // what the collector flushed on stop goes in too
      await load().catch((error: unknown) => log.error({ err: error }, 'pipe: final load failed'));
      await closeControl();
      await warehouse.close();
    },
  };
}
