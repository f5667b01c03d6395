import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../support/pdi.ts';
import { ACCOUNT, arnOf, declared, ofType, one, policies, runProgram } from './mocks.ts';

/** The Pulumi program (infra/), AWS half alone (`pdi:snowflake` false), under Pulumi's mocks. */
let outputs: Record<string, unknown>;

beforeAll(async () => {
  outputs = await runProgram({ snowflake: 'false' });
});

describe('the Pulumi program, AWS half (under mocks)', () => {
  it('exports the collector URL, the bucket and the two streams, and declares nothing in Snowflake', () => {
    expect(declared.filter((d) => d.type.includes('snowflake'))).toEqual([]);
    expect(outputs).toEqual({
      snowflakeDatabase: undefined,
      snowflakeWarehouse: undefined,
      snowflakeReadWriteRole: undefined,
      snowflakeReadOnlyRole: undefined,
      snowpipe: undefined,
      collectUrl: 'https://abc123.execute-api.eu-west-1.amazonaws.com',
      bucketName: 'lake-4f2a',
      dataStreamName: 'stream-data-fh',
      errorsStreamName: 'stream-errors-fh',
    });
  });

  it('keeps the lake private and encrypted, and expires stream_errors/ only', () => {
    one('aws:s3/bucket:Bucket');
    expect(one('aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock').inputs).toMatchObject({
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    expect(one('aws:s3/bucketOwnershipControls:BucketOwnershipControls').inputs).toMatchObject({
      rule: { objectOwnership: 'BucketOwnerEnforced' },
    });
    expect(
      one('aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration').inputs,
    ).toMatchObject({ rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }] });
    const { rules } = one('aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration').inputs as {
      rules: unknown[];
    };
    expect(rules).toEqual([
      expect.objectContaining({
        status: 'Enabled',
        filter: { prefix: 'stream_errors/' },
        expiration: { days: 30 },
      }),
    ]);
    expect(ofType('aws:s3/bucketPolicy:BucketPolicy')).toEqual([]);
  });

  it('delivers GZIP objects into stream_data/ and stream_errors/, each stream with a role of its own', () => {
    const streams = ofType('aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream');
    expect(streams.map((s) => s.name).sort()).toEqual(['stream-data', 'stream-errors']);
    const roles = new Set<unknown>();
    for (const stream of streams) {
      const s3 = stream.inputs.extendedS3Configuration as Record<string, unknown>;
      expect(stream.inputs.destination).toBe('extended_s3');
      expect(s3).toMatchObject({
        prefix: stream.name === 'stream-data' ? 'stream_data/' : 'stream_errors/',
        compressionFormat: 'GZIP',
        bufferingInterval: 60,
        bufferingSize: 10,
        bucketArn: arnOf('aws:s3/bucket:Bucket', 'lake'),
      });
      expect(s3.roleArn).toBe(arnOf('aws:iam/role:Role', stream.name));
      roles.add(s3.roleArn);
    }
    expect(roles.size).toBe(2);
  });

  it('lets each role do only its job: no wildcard action, only this stack’s resources', () => {
    const bucket = arnOf('aws:s3/bucket:Bucket', 'lake');
    const expected: Record<string, { Action: string[]; Resource: string[] }[]> = {
      'stream-data-id': [
        {
          Action: ['s3:GetBucketLocation', 's3:ListBucket', 's3:ListBucketMultipartUploads'],
          Resource: [bucket],
        },
        {
          Action: ['s3:PutObject', 's3:GetObject', 's3:AbortMultipartUpload'],
          Resource: [`${bucket}/stream_data/*`],
        },
      ],
      'stream-errors-id': [
        {
          Action: ['s3:GetBucketLocation', 's3:ListBucket', 's3:ListBucketMultipartUploads'],
          Resource: [bucket],
        },
        {
          Action: ['s3:PutObject', 's3:GetObject', 's3:AbortMultipartUpload'],
          Resource: [`${bucket}/stream_errors/*`],
        },
      ],
      'collector-id': [
        {
          Action: ['firehose:PutRecordBatch', 'firehose:PutRecord'],
          Resource: [
            arnOf('aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream', 'stream-data'),
            arnOf('aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream', 'stream-errors'),
          ],
        },
        {
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          Resource: [`${arnOf('aws:cloudwatch/logGroup:LogGroup', 'collector')}:*`],
        },
      ],
    };
    const found = Object.fromEntries(
      policies().map((p) => [p.role, p.statements.map(({ Action, Resource }) => ({ Action, Resource }))]),
    );
    expect(found).toEqual(expected);
    for (const p of policies()) {
      for (const statement of p.statements) {
        expect(statement.Effect).toBe('Allow');
        expect(statement.Action.some((a) => a.includes('*'))).toBe(false);
      }
    }
    const trust = (name: string) =>
      JSON.parse(String(ofType('aws:iam/role:Role').find((r) => r.name === name)?.inputs.assumeRolePolicy));
    expect(trust('stream-data').Statement).toEqual([
      expect.objectContaining({
        Principal: { Service: 'firehose.amazonaws.com' },
        Condition: { StringEquals: { 'sts:ExternalId': ACCOUNT } },
      }),
    ]);
    expect(trust('collector').Statement).toEqual([
      expect.objectContaining({ Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }),
    ]);
  });

  it('runs the built zip on arm64, with the two streams and a Firehose deadline below its timeout', async () => {
    const fn = one('aws:lambda/function:Function');
    expect(fn.inputs).toMatchObject({
      handler: 'index.handler',
      runtime: 'nodejs22.x',
      architectures: ['arm64'],
      memorySize: 256,
      timeout: 10,
      role: arnOf('aws:iam/role:Role', 'collector'),
      loggingConfig: { logGroup: '/pdi/collector' },
      environment: {
        variables: {
          PDI_FIREHOSE_STREAM: 'stream-data-fh',
          PDI_FIREHOSE_ERRORS_STREAM: 'stream-errors-fh',
          PDI_FIREHOSE_DEADLINE_MS: '8000',
          PDI_ANONYMIZE_IP: 'false',
          PDI_DIVERT_BOTS: 'false',
          PDI_LOG_LEVEL: 'info',
        },
      },
    });
    const archive = fn.inputs.code as { path: Promise<string> | string };
    expect(await archive.path).toBe(path.join(ROOT, 'dist', 'lambda', 'collector.zip'));
  });

  it('routes exactly the collector’s routes to it through a throttled, logged $default stage', () => {
    expect(one('aws:apigatewayv2/api:Api').inputs).toMatchObject({ protocolType: 'HTTP' });
    expect(one('aws:apigatewayv2/api:Api').inputs.corsConfiguration).toBeUndefined();
    expect(one('aws:apigatewayv2/integration:Integration').inputs).toMatchObject({
      integrationType: 'AWS_PROXY',
      payloadFormatVersion: '2.0',
    });
    expect(
      ofType('aws:apigatewayv2/route:Route')
        .map((r) => r.inputs.routeKey)
        .sort(),
    ).toEqual([
      'GET /collect',
      'GET /healthz',
      'OPTIONS /batch',
      'OPTIONS /collect',
      'POST /batch',
      'POST /collect',
    ]);
    for (const route of ofType('aws:apigatewayv2/route:Route')) {
      expect(route.inputs.target).toBe('integrations/api-id');
    }
    expect(one('aws:apigatewayv2/stage:Stage').inputs).toMatchObject({
      name: '$default',
      autoDeploy: true,
      defaultRouteSettings: { throttlingRateLimit: 1000, throttlingBurstLimit: 2000 },
      accessLogSettings: { destinationArn: arnOf('aws:cloudwatch/logGroup:LogGroup', 'api-access') },
    });
    expect(one('aws:lambda/permission:Permission').inputs).toMatchObject({
      action: 'lambda:InvokeFunction',
      principal: 'apigateway.amazonaws.com',
      sourceArn: `arn:aws:execute-api:eu-west-1:${ACCOUNT}:abc123/*/*`,
    });
  });
});
