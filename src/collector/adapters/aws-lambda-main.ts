/**
 * The collector function's module: `npm run build:lambda` bundles it into dist/lambda/collector.zip as
 * index.mjs (handler `index.handler`). Lambda loads it once per container: the settings are read and the
 * Firehose client made here, then reused by every invocation. Region, credentials and endpoint come from the
 * SDK's standard environment (AWS_REGION, AWS_ENDPOINT_URL_FIREHOSE, …).
 */
import { FirehoseClient } from '@aws-sdk/client-firehose';
import { sdkBatchClient } from '../../stream/firehose/sdk-client.ts';
import { createCollectorFunction } from './aws-lambda.ts';

export const handler = createCollectorFunction(
  process.env,
  sdkBatchClient(new FirehoseClient({ maxAttempts: 1 })),
);
