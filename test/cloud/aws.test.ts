/**
 * The cloud path end to end on an AWS stand-in (ministack): hits sent through API Gateway reach the collector
 * function built by `npm run build:lambda`, which puts them on Firehose, which lands them in S3; `./pdi load
 * --lake s3://…` loads them into the embedded warehouse, and dbt makes of them what it makes of the same hits
 * sent to `./pdi collect`. The stand-in is set up with the settings the Pulumi program declares (infra/).
 */
import { readFile } from 'node:fs/promises';
import {
  ApiGatewayV2Client,
  CreateApiCommand,
  CreateIntegrationCommand,
  CreateRouteCommand,
  CreateStageCommand,
} from '@aws-sdk/client-apigatewayv2';
import { CreateDeliveryStreamCommand, FirehoseClient } from '@aws-sdk/client-firehose';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateFunctionCommand, LambdaClient, type Runtime } from '@aws-sdk/client-lambda';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  COLLECTOR_ROUTES,
  collectorVariables,
  DATA_PREFIX,
  DEFAULTS,
  ERRORS_PREFIX,
} from '../../infra/settings.ts';
import { buildLambda } from '../../scripts/build-lambda.ts';
import { type Ministack, startMinistack } from '../support/ministack.ts';
import { runPdi, startCollectorProcess, tempHome } from '../support/pdi.ts';

const BUCKET = 'pdi-lake';
let aws: Ministack;
let collectUrl: string;
let s3: S3Client;

/** Every form of hit, and refused ones: each request as a client would send it. */
const UA = 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0';
const REQUESTS: { path: string; method: 'GET' | 'POST'; body?: string; type?: string; status: number }[] = [
  {
    method: 'POST',
    path: '/collect',
    type: 'text/plain',
    body: 'v=1&t=pageview&cid=c1&z=1&dl=https%3A%2F%2Fshop.example%2F',
    status: 200,
  },
  {
    method: 'POST',
    path: '/collect',
    type: 'application/x-www-form-urlencoded',
    body: 'v=1&t=event&cid=c1&z=2&ec=ui&ea=click',
    status: 200,
  },
  {
    method: 'POST',
    path: '/collect',
    type: 'application/json',
    body: JSON.stringify({
      t: 'event',
      cid: 'c2',
      z: '3',
      pa: 'purchase',
      ti: 'T-9',
      tr: '42.5',
      pr1id: 'sku-1',
      pr1qt: '2',
    }),
    status: 200,
  },
  {
    method: 'GET',
    path: '/collect?v=1&t=pageview&cid=c3&z=4&dl=https%3A%2F%2Fshop.example%2Fa',
    status: 200,
  },
  {
    method: 'POST',
    path: '/batch',
    type: 'text/plain',
    body: 'v=1&t=pageview&cid=c4&z=5\nv=1&t=event&cid=c4&z=6&pa=detail&pr1id=sku-2\nv=1&cid=c4&z=7',
    status: 400,
  },
  { method: 'POST', path: '/collect', type: 'text/plain', body: 'cid=c5&z=8', status: 400 },
  { method: 'GET', path: '/collect?t=pageview', status: 400 },
];
/** The hits (client, z) the requests above carry that must be accepted. */
const ACCEPTED = ['c1:1', 'c1:2', 'c2:3', 'c3:4', 'c4:5', 'c4:6'];

async function send(baseUrl: string) {
  const statuses: number[] = [];
  for (const r of REQUESTS) {
    const res = await fetch(`${baseUrl}${r.path}`, {
      method: r.method,
      headers: { 'user-agent': UA, ...(r.type ? { 'content-type': r.type } : {}) },
      body: r.body,
    });
    await res.arrayBuffer();
    statuses.push(res.status);
  }
  return statuses;
}

async function objectsUnder(prefix: string): Promise<string[]> {
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }));
  return (listed.Contents ?? []).map((o) => o.Key as string);
}

async function sql(home: string, query: string): Promise<Record<string, unknown>[]> {
  const result = await runPdi(['sql', '--home', home, '--json', query]);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout);
}

beforeAll(async () => {
  const [{ zipPath }, stand_in] = await Promise.all([buildLambda(), startMinistack()]);
  aws = stand_in;
  const client = {
    region: aws.env.AWS_REGION,
    endpoint: aws.endpoint,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  };
  s3 = new S3Client({ ...client, forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  const role = await new IAMClient(client).send(
    new CreateRoleCommand({
      RoleName: 'pdi-stand-in',
      AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [] }),
    }),
  );
  const roleArn = role.Role?.Arn as string;
  const firehose = new FirehoseClient(client);
  for (const [name, prefix] of [
    ['pdi-data', DATA_PREFIX],
    ['pdi-errors', ERRORS_PREFIX],
  ] as const) {
    await firehose.send(
      new CreateDeliveryStreamCommand({
        DeliveryStreamName: name,
        DeliveryStreamType: 'DirectPut',
        ExtendedS3DestinationConfiguration: {
          RoleARN: roleArn,
          BucketARN: `arn:aws:s3:::${BUCKET}`,
          Prefix: prefix,
          CompressionFormat: 'GZIP',
          BufferingHints: { IntervalInSeconds: DEFAULTS.bufferSeconds, SizeInMBs: DEFAULTS.bufferMegabytes },
        },
      }),
    );
  }
  const fn = await new LambdaClient(client).send(
    new CreateFunctionCommand({
      FunctionName: 'pdi-collector',
      Runtime: DEFAULTS.collectorRuntime as Runtime,
      Handler: 'index.handler',
      Role: roleArn,
      Code: { ZipFile: await readFile(zipPath) },
      Timeout: DEFAULTS.collectorTimeoutSeconds,
      MemorySize: DEFAULTS.collectorMemoryMb,
      Environment: { Variables: collectorVariables({ data: 'pdi-data', errors: 'pdi-errors' }, DEFAULTS) },
    }),
  );
  const gateway = new ApiGatewayV2Client(client);
  const api = await gateway.send(new CreateApiCommand({ Name: 'pdi-collector', ProtocolType: 'HTTP' }));
  const integration = await gateway.send(
    new CreateIntegrationCommand({
      ApiId: api.ApiId,
      IntegrationType: 'AWS_PROXY',
      IntegrationMethod: 'POST',
      IntegrationUri: fn.FunctionArn,
      PayloadFormatVersion: '2.0',
    }),
  );
  for (const routeKey of COLLECTOR_ROUTES) {
    await gateway.send(
      new CreateRouteCommand({
        ApiId: api.ApiId,
        RouteKey: routeKey,
        Target: `integrations/${integration.IntegrationId}`,
      }),
    );
  }
  await gateway.send(new CreateStageCommand({ ApiId: api.ApiId, StageName: '$default', AutoDeploy: true }));
  collectUrl = aws.apiUrl(api.ApiId as string);
}, 300_000);

afterAll(() => aws?.stop());

describe('the collector on AWS (ministack): API Gateway -> Lambda -> Firehose -> S3 -> ./pdi load --lake s3://', () => {
  let cloudHome: string;

  it('answers every form of hit through the gateway as the Node server does', async () => {
    expect(await send(collectUrl)).toEqual(REQUESTS.map((r) => r.status));
    const health = await fetch(`${collectUrl}/healthz`);
    expect(health.status).toBe(200);
    // no route, no function: the gateway answers itself
    expect((await fetch(`${collectUrl}/metrics`)).status).toBe(404);
  });

  it('lands the accepted hits under stream_data/ and the refused ones under stream_errors/', async () => {
    const data = await objectsUnder(DATA_PREFIX);
    expect(data.length).toBeGreaterThan(0);
    for (const key of data) expect(key).toMatch(/^stream_data\/\d{4}\/\d{2}\/\d{2}\/\d{2}\//);
    const errors = await objectsUnder(ERRORS_PREFIX);
    const reasons: string[] = [];
    for (const key of errors) {
      const body = await (
        await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }))
      ).Body?.transformToString();
      for (const line of (body ?? '').split('\n').filter(Boolean))
        reasons.push(JSON.parse(line).error.reason);
    }
    expect(reasons.sort()).toEqual(['missing_client_id', 'missing_hit_type', 'missing_hit_type']);
  });

  it('loads every accepted hit once from S3, and nothing the second time', async () => {
    cloudHome = await tempHome('pdi-aws-');
    const load = await runPdi(['load', '--home', cloudHome, '--lake', `s3://${BUCKET}`], aws.env);
    expect(load.code, load.stderr).toBe(0);
    expect(load.stdout).toMatch(new RegExp(`^loaded \\d+ objects, ${ACCEPTED.length} rows, 0 damaged lines`));
    const rows = await sql(
      cloudHome,
      `select json_extract_string(DATA, '$.request.body.cid') || ':' || json_extract_string(DATA, '$.request.body.z') as hit
       from RAW.LOGS order by 1`,
    );
    expect(rows.map((r) => r.hit)).toEqual(ACCEPTED);
    const again = await runPdi(['load', '--home', cloudHome, '--lake', `s3://${BUCKET}/`], aws.env);
    expect(again.stdout).toMatch(/^loaded 0 objects, 0 rows/);
  });

  it('makes the same EVENTS as the embedded path given the same hits', async () => {
    const localHome = await tempHome('pdi-aws-local-');
    const collector = await startCollectorProcess(localHome);
    expect(await send(collector.url)).toEqual(REQUESTS.map((r) => r.status));
    expect(await collector.stop()).toBe(0);
    expect((await runPdi(['load', '--home', localHome])).code).toBe(0);
    for (const home of [cloudHome, localHome]) {
      const transform = await runPdi(['transform', '--home', home]);
      expect(transform.code, transform.stdout.slice(-2000)).toBe(0);
    }
    // all but what each path decides for itself: request ids (hence session and log ids) and clocks
    const comparable = `select client_id, hit_type, product_action, transaction_id, document_location, user_agent,
        user_ip, cast(req_body as varchar) as body from EVENTS.LOGS order by client_id, body`;
    expect(await sql(cloudHome, comparable)).toEqual(await sql(localHome, comparable));
    const products =
      'select product_action, product_id, product_quantity from EVENTS.PRODUCT_ACTIONS order by 2';
    expect(await sql(cloudHome, products)).toEqual(await sql(localHome, products));
    expect((await sql(cloudHome, products)).length).toBe(2);
  });

  it('says in one line what is wrong with an S3 lake, exit 1, and loads nothing', async () => {
    const home = await tempHome('pdi-aws-bad-');
    const missing = await runPdi(['load', '--home', home, '--lake', 's3://no-such-bucket'], aws.env);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toMatch(/^pdi: no bucket no-such-bucket/);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);

    const { AWS_ACCESS_KEY_ID: _, AWS_SECRET_ACCESS_KEY: __, ...noCredentials } = aws.env;
    const anonymous = await runPdi(['load', '--home', home, '--lake', `s3://${BUCKET}`], {
      ...noCredentials,
      AWS_ACCESS_KEY_ID: '',
      AWS_SECRET_ACCESS_KEY: '',
      AWS_PROFILE: '',
      HOME: home,
    });
    expect(anonymous.code).toBe(1);
    expect(anonymous.stderr.trim()).toMatch(/^pdi: no AWS credentials/);

    const unreachable = await runPdi(['load', '--home', home, '--lake', `s3://${BUCKET}`], {
      ...aws.env,
      AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
    });
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr.trim()).toMatch(/^pdi: cannot reach S3/);

    const snowflake = await runPdi(
      ['load', '--home', home, '--lake', `s3://${BUCKET}`, '--target', 'snowflake'],
      aws.env,
    );
    expect(snowflake.code).toBe(2);
    expect(await sql(home, 'select count(*) as n from RAW.LOGS')).toEqual([{ n: '0' }]);
  });
});
