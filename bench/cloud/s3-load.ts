/**
 * `./pdi load --lake s3://…` against the AWS stand-in of the tests (ministack, S3 in memory on 127.0.0.1), next to
 * `./pdi load` of the same objects from the local lake, in the same run: a generated dataset is backfilled into
 * a lake, its objects are put in a bucket under the same keys, and each load fills a fresh warehouse.
 *
 *   node --import tsx bench/cloud/s3-load.ts [--events 200000]
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import pLimit from 'p-limit';
import { homeLayout } from '../../src/config/home.ts';
import { listLakeObjects } from '../../src/stream/lake-reader.ts';
import { startMinistack } from '../../test/support/ministack.ts';
import { machine, pdiStep, printSteps, rowsIn } from '../support/steps.ts';

const { values } = parseArgs({ options: { events: { type: 'string', default: '200000' } } });
const sessions = Math.round(Number(values.events) / 7.3);
const work = await mkdtemp(path.join(os.tmpdir(), 'pdi-bench-s3-'));
const aws = await startMinistack();
try {
  console.log(`machine: ${machine()}`);
  const dataset = path.join(work, 'dataset');
  const lake = homeLayout(path.join(work, 'source')).lakeDir;
  await pdiStep('generate', ['generate', '--out', dataset, '--sessions', String(sessions), '--seed', '1']);
  await pdiStep('backfill', [
    'backfill',
    '--home',
    path.join(work, 'source'),
    '--dataset',
    dataset,
    '--shift',
    'none',
  ]);

  const s3 = new S3Client({
    region: aws.env.AWS_REGION,
    endpoint: aws.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  await s3.send(new CreateBucketCommand({ Bucket: 'bench-lake' }));
  const keys = await listLakeObjects(lake, 'stream_data');
  const limit = pLimit(16);
  await Promise.all(
    keys.map((key) =>
      limit(async () =>
        s3.send(
          new PutObjectCommand({
            Bucket: 'bench-lake',
            Key: key,
            Body: await readFile(path.join(lake, key)),
          }),
        ),
      ),
    ),
  );
  console.log(`${keys.length} objects in s3://bench-lake`);

  const local = await pdiStep('load (local lake)', ['load', '--home', path.join(work, 'a'), '--lake', lake]);
  const remote = await pdiStep(
    'load --lake s3://',
    ['load', '--home', path.join(work, 'b'), '--lake', 's3://bench-lake'],
    aws.env,
  );
  printSteps([local, remote], rowsIn(local));
  const rate = (step: typeof local) => rowsIn(step) / step.seconds;
  console.log(`\nrows: ${rowsIn(local)} from the local lake, ${rowsIn(remote)} from S3`);
  console.log(
    `records/s: local ${rate(local).toFixed(0)}, S3 ${rate(remote).toFixed(0)} (${(rate(remote) / rate(local)).toFixed(2)}x)`,
  );
  if (rowsIn(local) !== rowsIn(remote))
    throw new Error(`loaded ${rowsIn(local)} rows locally, ${rowsIn(remote)} from S3`);
} finally {
  await aws.stop();
  await rm(work, { recursive: true, force: true });
}
