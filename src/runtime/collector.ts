import path from 'node:path';
import type { Hono } from 'hono';
import { nodeRuntime, startNodeServer } from '../collector/adapters/node-server.ts';
import { createCollectorApp } from '../collector/app.ts';
import { createHitHandler, type HitDeps } from '../collector/hits.ts';
import { CollectorMetrics } from '../collector/metrics.ts';
import type { CollectorConfig } from '../config/collector-config.ts';
import type { ErrorRecord, StreamRecord } from '../contract/index.ts';
import { LocalStream } from '../stream/index.ts';
import type { Logger } from './log.ts';

export interface RunningCollector {
  url: string;
  metrics: CollectorMetrics;
  /** Publishes the hits written so far as a lake object now (see `LocalStream.publishNow`). */
  publishHits(): Promise<void>;
  /** Stops taking requests, waits for those in flight, and flushes the streams into lake objects. */
  stop(): Promise<void>;
}

/** The embedded collector: the HTTP app on a Node server, writing to the local lake. */
export async function startCollector(
  config: CollectorConfig,
  log: Logger,
  /** More routes on the same server and port (the dashboard, in `up`). */
  extraRoutes?: Hono,
  /** Told of each write of hits to the log (the pipe, in `up`, asks for them when it is ready). */
  onHitsWritten?: () => void,
): Promise<RunningCollector> {
  const metrics = new CollectorMetrics();
  const openStream = <T>(prefix: 'stream_data' | 'stream_errors') =>
    LocalStream.open<T>({
      lakeDir: config.lakeDir,
      prefix,
      walDir: path.join(config.walDir, prefix),
      maxObjectBytes: config.bufferBytes,
      maxObjectAgeMs: config.bufferSeconds * 1000,
      durability: config.durability,
      maxPendingBytes: config.maxPendingBytes,
      observer: {
        onCommit: ({ latencyMs }) => {
          metrics.commitLatency.observe(latencyMs / 1000);
          if (prefix === 'stream_data') onHitsWritten?.();
        },
        onObject: ({ key, records, latencyMs }) => {
          metrics.objectLatency.observe(latencyMs / 1000);
          metrics.objectsPublished.inc({ prefix });
          log.debug({ key, records }, 'lake object published');
        },
        onError: (error) =>
          log.error({ err: error, prefix }, 'publishing a lake object failed; kept in the log, will retry'),
      },
    });

  const records = await openStream<StreamRecord>('stream_data');
  const errors = await openStream<ErrorRecord>('stream_errors').catch(async (error: unknown) => {
    await records.close();
    throw error;
  });
  metrics.bufferedBytes = () => records.bufferedBytes() + errors.bufferedBytes();

  const deps: HitDeps = {
    records,
    errors,
    metrics,
    options: { anonymizeIp: config.anonymizeIp, divertBots: config.divertBots },
    onUnexpectedError: (error) => log.error({ err: error }, 'unexpected error in the collector'),
  };
  const app = createCollectorApp({ ...deps, runtime: nodeRuntime });
  if (extraRoutes) app.route('/', extraRoutes);
  // the hit routes straight from Node's request: the same handler the app serves them with
  const hits = {
    handle: createHitHandler(deps),
    countRequest: (route: string, status: number) => metrics.countRequest(route, status),
    onUnexpectedError: deps.onUnexpectedError,
  };

  let server: Awaited<ReturnType<typeof startNodeServer>>;
  try {
    server = await startNodeServer(app, { host: config.host, port: config.port }, hits);
  } catch (error) {
    await Promise.all([records.close(), errors.close()]);
    throw error;
  }

  return {
    url: server.url,
    metrics,
    publishHits: () => records.publishNow(),
    async stop() {
      await server.close();
      await Promise.all([records.close(), errors.close()]);
    },
  };
}
