import { type FirehoseClient, PutRecordBatchCommand } from '@aws-sdk/client-firehose';
import type { FirehoseBatchClient } from './firehose-stream.ts';

/**
 * The AWS SDK's Firehose client as the sink uses it. Make it with `maxAttempts: 1`: the sink retries the
 * entries Firehose refused under its own deadline, which the SDK's retries of whole calls would outlast.
 */
export function sdkBatchClient(client: FirehoseClient): FirehoseBatchClient {
  return {
    putRecordBatch: (input, signal) => client.send(new PutRecordBatchCommand(input), { abortSignal: signal }),
  };
}
