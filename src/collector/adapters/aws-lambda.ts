import { type Context, Hono } from 'hono';
import { getConnInfo, handle } from 'hono/aws-lambda';
import { resolveLambdaConfig } from '../../config/collector-config.ts';
import type { ErrorRecord, StreamRecord } from '../../contract/index.ts';
import { createFunctionLogger, type Logger } from '../../runtime/log.ts';
import { type FirehoseBatchClient, FirehoseStream } from '../../stream/firehose/firehose-stream.ts';
import { createCollectorApp, type RuntimeAccess } from '../app.ts';
import { CollectorMetrics } from '../metrics.ts';

/** Behind API Gateway the client's address is the `requestContext` source IP; the rest is web-standard. */
export const lambdaRuntime: RuntimeAccess = {
  sourceIp: (c: Context) => getConnInfo(c).remote.address ?? null,
};

/** A Lambda handler for API Gateway HTTP APIs (payload v2, also v1 and ALB) around the collector app. */
export function createLambdaHandler(app: Hono) {
  return handle(app);
}

export type LambdaHandler = ReturnType<typeof createLambdaHandler>;

/**
 * The collector function as deployed: its settings from the environment (PDI_FIREHOSE_STREAM and
 * PDI_FIREHOSE_ERRORS_STREAM required), accepted hits onto the first delivery stream, refused ones onto the
 * second, logs as JSON lines. Called once per container, with the Firehose client it keeps. A missing or bad
 * setting is logged at once and answered at every request with a 500 naming it.
 */
export function createCollectorFunction(
  env: NodeJS.ProcessEnv,
  client: FirehoseBatchClient,
  // at `info` until PDI_LOG_LEVEL is checked: a bad level is reported like any bad setting
  log: Logger = createFunctionLogger('info'),
): LambdaHandler {
  let config: ReturnType<typeof resolveLambdaConfig>;
  try {
    config = resolveLambdaConfig(env);
  } catch (error) {
    const message = `the collector function is misconfigured: ${(error as Error).message}`;
    log.error(message);
    const misconfigured = new Hono().all('*', (c) => {
      log.error(message);
      return c.json({ error: 'misconfigured', message }, 500, { 'access-control-allow-origin': '*' });
    });
    return createLambdaHandler(misconfigured);
  }
  log.level = config.logLevel;
  const sink = { client, deadlineMs: config.firehoseDeadlineMs };
  const app = createCollectorApp({
    records: new FirehoseStream<StreamRecord>({ ...sink, streamName: config.firehoseStream }),
    errors: new FirehoseStream<ErrorRecord>({ ...sink, streamName: config.firehoseErrorsStream }),
    metrics: new CollectorMetrics({ processMetrics: false }),
    options: { anonymizeIp: config.anonymizeIp, divertBots: config.divertBots },
    runtime: lambdaRuntime,
    onUnexpectedError: (error) => log.error({ err: error }, 'unexpected error in the collector'),
  });
  return createLambdaHandler(app);
}
