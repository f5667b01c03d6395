/**
 * The cloud deployment, AWS half: the lake bucket, the two Firehose delivery streams, the collector function
 * and the HTTP API in front of it (docs/deploy-aws.md). `npm run build:lambda` first: the function's code is
 * dist/lambda/collector.zip.
 */
import path from 'node:path';
import { Api } from './aws/api.ts';
import { Collector } from './aws/collector.ts';
import { Lake } from './aws/lake.ts';
import { Stream } from './aws/stream.ts';
import { readConfig } from './config.ts';

const config = readConfig();
const ZIP = path.join(import.meta.dirname, '..', 'dist', 'lambda', 'collector.zip');

const lake = new Lake('lake', {
  bucketName: config.bucketName,
  errorsRetentionDays: config.errorsRetentionDays,
  forceDestroy: config.forceDestroyBucket,
});
const stream = new Stream('stream', {
  bucket: lake.bucket,
  bufferSeconds: config.bufferSeconds,
  bufferMegabytes: config.bufferMegabytes,
});
const collector = new Collector('collector', {
  zipPath: ZIP,
  dataStream: stream.data,
  errorsStream: stream.errors,
  config,
});
const api = new Api('api', {
  function: collector.function,
  throttlingRateLimit: config.throttlingRateLimit,
  throttlingBurstLimit: config.throttlingBurstLimit,
  logRetentionDays: config.logRetentionDays,
});

export const collectUrl = api.url;
export const bucketName = lake.bucket.bucket;
export const dataStreamName = stream.data.name;
export const errorsStreamName = stream.errors.name;
