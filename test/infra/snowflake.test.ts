import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { beforeAll, describe, expect, it } from 'vitest';
import { PREVIEW_FEATURES } from '../../infra/snowflake/provider.ts';
import { copyLogsSql, SNOWFLAKE_LOGS_TABLE } from '../../src/pipe/snowflake/schema.ts';
import { userAgentUdfBody } from '../../src/pipe/snowflake/user-agent-udf.ts';
import { ROOT } from '../support/pdi.ts';
import { ACCOUNT, arnOf, declared, named, ofType, one, policies, runProgram, yamlScalar } from './mocks.ts';

/** The Pulumi program (infra/), both halves as Pulumi.example.yaml deploys them, under Pulumi's mocks. */
let outputs: Record<string, unknown>;

beforeAll(async () => {
  outputs = await runProgram({ snowflakeGrantee: 'ANALYST' });
});

const DB = 'PAAS_DATA_INGESTION';
const BUCKET = 'lake-4f2a';
const BUCKET_ARN = arnOf('aws:s3/bucket:Bucket', 'lake');
const grant = (name: string) =>
  named('snowflake:index/grantPrivilegesToAccountRole:GrantPrivilegesToAccountRole', name);

/** The SELECT that maps a line to a row, out of a COPY statement. */
const mapping = (copy: string) => copy.slice(copy.indexOf('from ('), copy.lastIndexOf('\n  from '));

describe('the Pulumi program, Snowflake half (under mocks)', () => {
  it('declares every Snowflake resource through one provider with the preview features enabled', () => {
    const provider = one('pulumi:providers:snowflake');
    expect(JSON.parse(String(provider.inputs.previewFeaturesEnabled))).toEqual(PREVIEW_FEATURES);
    const snowflakeResources = declared.filter((d) => d.type.startsWith('snowflake:'));
    expect(snowflakeResources.length).toBeGreaterThan(20);
    for (const resource of snowflakeResources) {
      expect(resource.provider, resource.name).toMatch(/pulumi:providers:snowflake::snowflake::/);
    }
    // each preview resource type the program declares is enabled, and nothing more
    const previewTypes = new Set(
      snowflakeResources
        .map((d) => /^snowflake:index\/(\w+):/.exec(d.type)?.[1] ?? '')
        .filter((t) =>
          ['table', 'fileFormat', 'storageIntegration', 'stage', 'pipe', 'functionJavascript'].includes(t),
        )
        .map((t) => `snowflake_${t.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}_resource`),
    );
    expect([...previewTypes].sort()).toEqual([...PREVIEW_FEATURES].sort());
  });

  it('makes the database and an x-small warehouse that costs nothing while idle', () => {
    expect(one('snowflake:index/database:Database').inputs).toMatchObject({ name: DB });
    expect(one('snowflake:index/warehouse:Warehouse').inputs).toMatchObject({
      name: `${DB}_WH`,
      warehouseSize: 'XSMALL',
      autoSuspend: 60,
      autoResume: 'true',
      initiallySuspended: true,
    });
  });

  it('makes <DATABASE>_RW inherit <DATABASE>_RO, both granted to the configured user', () => {
    expect(
      ofType('snowflake:index/accountRole:AccountRole')
        .map((r) => r.inputs.name)
        .sort(),
    ).toEqual([`${DB}_RO`, `${DB}_RW`]);
    expect(
      ofType('snowflake:index/grantAccountRole:GrantAccountRole')
        .map(({ inputs }) => [inputs.roleName, inputs.parentRoleName ?? `user ${inputs.userName}`])
        .sort(),
    ).toEqual([
      [`${DB}_RO`, `${DB}_RW`],
      [`${DB}_RO`, 'user ANALYST'],
      [`${DB}_RW`, 'SYSADMIN'],
      [`${DB}_RW`, 'user ANALYST'],
    ]);
  });

  it('lets RO read every current and future table and view, and nothing else', () => {
    const ro = ofType('snowflake:index/grantPrivilegesToAccountRole:GrantPrivilegesToAccountRole').filter(
      (g) => g.inputs.accountRoleName === `${DB}_RO`,
    );
    const privileges = Object.fromEntries(
      ro.map((g) => [g.name.replace('roles-ro-', ''), g.inputs.privileges as string[]]),
    );
    expect(privileges).toEqual({
      database: ['USAGE'],
      warehouse: ['USAGE'],
      'all-schemas': ['USAGE'],
      'future-schemas': ['USAGE'],
      'all-tables': ['SELECT'],
      'future-tables': ['SELECT'],
      'all-views': ['SELECT'],
      'future-views': ['SELECT'],
    });
    expect(grant('roles-ro-database').inputs.onAccountObject).toEqual({
      objectType: 'DATABASE',
      objectName: DB,
    });
    expect(grant('roles-ro-warehouse').inputs.onAccountObject).toEqual({
      objectType: 'WAREHOUSE',
      objectName: `${DB}_WH`,
    });
    expect(grant('roles-ro-all-schemas').inputs.onSchema).toEqual({ allSchemasInDatabase: DB });
    expect(grant('roles-ro-future-schemas').inputs.onSchema).toEqual({ futureSchemasInDatabase: DB });
    for (const kind of ['all', 'future'] as const) {
      for (const plural of ['TABLES', 'VIEWS']) {
        expect(grant(`roles-ro-${kind}-${plural.toLowerCase()}`).inputs.onSchemaObject).toEqual({
          [kind]: { objectTypePlural: plural, inDatabase: DB },
        });
      }
    }
    for (const g of ro) expect(g.inputs.allPrivileges, g.name).toBeUndefined();
  });

  it('lets RW write tables, build schemas and use the UDF, on top of what it inherits', () => {
    const rw = ofType('snowflake:index/grantPrivilegesToAccountRole:GrantPrivilegesToAccountRole').filter(
      (g) => g.inputs.accountRoleName === `${DB}_RW`,
    );
    const privileges = Object.fromEntries(
      rw.map((g) => [g.name.replace('roles-rw-', ''), g.inputs.privileges as string[]]),
    );
    const schema = ['CREATE TABLE', 'CREATE VIEW', 'CREATE STAGE', 'CREATE FILE FORMAT', 'CREATE FUNCTION'];
    expect(privileges).toEqual({
      database: ['CREATE SCHEMA', 'MONITOR'],
      'all-schemas': schema,
      'future-schemas': schema,
      'all-tables': ['INSERT', 'UPDATE', 'DELETE', 'TRUNCATE'],
      'future-tables': ['INSERT', 'UPDATE', 'DELETE', 'TRUNCATE'],
      'all-functions': ['USAGE'],
      'future-functions': ['USAGE'],
    });
    expect(grant('roles-rw-future-functions').inputs.onSchemaObject).toEqual({
      future: { objectTypePlural: 'FUNCTIONS', inDatabase: DB },
    });
  });

  it('makes RAW.LOGS with the spec §2 columns, clustered by event day and service', () => {
    expect(one('snowflake:index/schema:Schema').inputs).toMatchObject({ database: DB, name: 'RAW' });
    const table = one('snowflake:index/table:Table').inputs;
    expect(table).toMatchObject({ database: DB, schema: 'RAW', name: 'LOGS' });
    expect(table.columns).toEqual(
      SNOWFLAKE_LOGS_TABLE.map(({ name, type, nullable }) => ({ name, type, nullable })),
    );
    expect((table.columns as { name: string; type: string }[]).find((c) => c.name === 'DATA')?.type).toBe(
      'VARIANT',
    );
    expect(table.clusterBies).toEqual(['to_date(REQUEST_TIMESTAMP)', 'SERVICE_ID']);
  });

  it('reads the lake through a storage integration and a role that trusts only it and reads only stream_data/', () => {
    const role = named('aws:iam/role:Role', 'ingestion-lake-reader');
    const roleName = 'paas-data-ingestion-snowflake-test';
    expect(role.inputs.name).toBe(roleName);
    const integration = one('snowflake:index/storageIntegration:StorageIntegration').inputs;
    expect(integration).toMatchObject({
      name: `${DB}_LAKE`,
      type: 'EXTERNAL_STAGE',
      storageProvider: 'S3',
      enabled: true,
      storageAllowedLocations: [`s3://${BUCKET}/`],
      storageBlockedLocations: [`s3://${BUCKET}/stream_errors/`],
      storageAwsRoleArn: `arn:aws:iam::${ACCOUNT}:role/${roleName}`,
    });
    expect(JSON.parse(String(role.inputs.assumeRolePolicy)).Statement).toEqual([
      {
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::999999999999:user/snowflake-ingestion-lake' },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'sts:ExternalId': 'EXTERNAL_ID_ingestion-lake' } },
      },
    ]);
    const reader = policies().find((p) => p.role === 'ingestion-lake-reader-id');
    expect(reader?.statements).toEqual([
      {
        Effect: 'Allow',
        Action: ['s3:GetObject', 's3:GetObjectVersion'],
        Resource: [`${BUCKET_ARN}/stream_data/*`],
      },
      {
        Effect: 'Allow',
        Action: ['s3:ListBucket'],
        Resource: [BUCKET_ARN],
        Condition: { StringLike: { 's3:prefix': ['stream_data/*'] } },
      },
      { Effect: 'Allow', Action: ['s3:GetBucketLocation'], Resource: [BUCKET_ARN] },
    ]);
    // the whole program: no wildcard action, no wildcard resource, in any policy
    for (const p of policies()) {
      for (const statement of p.statements) {
        expect(
          statement.Action.some((a) => a.includes('*')),
          p.role,
        ).toBe(false);
        expect(
          statement.Resource.some((r) => r === '*' || r.endsWith(':*:*')),
          p.role,
        ).toBe(false);
      }
    }
  });

  it('auto-ingests stream_data/ with the COPY that ./pdi load --target snowflake runs', () => {
    expect(one('snowflake:index/fileFormat:FileFormat').inputs).toMatchObject({
      database: DB,
      schema: 'RAW',
      name: 'LAKE_OBJECTS',
      formatType: 'JSON',
      compression: 'GZIP',
    });
    expect(one('snowflake:index/stage:Stage').inputs).toMatchObject({
      database: DB,
      schema: 'RAW',
      name: 'LAKE_S3',
      url: `s3://${BUCKET}/`,
      storageIntegration: `${DB}_LAKE`,
      fileFormat: `FORMAT_NAME = ${DB}.RAW.LAKE_OBJECTS`,
    });
    const pipe = one('snowflake:index/pipe:Pipe').inputs;
    expect(pipe).toMatchObject({ database: DB, schema: 'RAW', name: 'LOGS_FROM_LAKE', autoIngest: true });
    const copy = String(pipe.copyStatement);
    expect(copy).toBe(
      copyLogsSql(
        `@${DB}.RAW.LAKE_S3/stream_data/`,
        `file_format = (format_name = '${DB}.RAW.LAKE_OBJECTS') on_error = continue`,
        `${DB}.RAW.LOGS`,
      ),
    );
    // the mapping itself, LOG_ID included, is the one the command line's COPY has (src/pipe/snowflake/load.ts)
    const commandLine = copyLogsSql('@RAW.LAKE/stream_data/', 'purge = true');
    expect(mapping(copy)).toBe(mapping(commandLine));
    expect(mapping(copy)).toContain("uuid_string('");
    expect(copy).toMatch(/metadata\$filename \|\| ':' \|\| metadata\$file_row_number/);
    expect(copy).not.toMatch(/purge/i);
  });

  it('tells the pipe of each new object in stream_data/ through its queue', () => {
    expect(one('aws:s3/bucketNotification:BucketNotification').inputs).toMatchObject({
      bucket: 'lake-id',
      queues: [
        {
          queueArn: 'arn:aws:sqs:eu-west-1:999999999999:sf-snowpipe-ingestion-logs',
          events: ['s3:ObjectCreated:*'],
          filterPrefix: 'stream_data/',
        },
      ],
    });
  });

  it('parses user agents with the generated UDF', () => {
    expect(one('snowflake:index/functionJavascript:FunctionJavascript').inputs).toMatchObject({
      database: DB,
      schema: 'RAW',
      name: 'PARSE_USER_AGENT',
      arguments: [{ argName: 'UA', argDataType: 'VARCHAR' }],
      returnType: 'VARIANT',
      functionDefinition: userAgentUdfBody(),
    });
  });

  it('exports what ./pdi transform --target snowflake needs', () => {
    expect(outputs).toMatchObject({
      snowflakeDatabase: DB,
      snowflakeWarehouse: `${DB}_WH`,
      snowflakeReadWriteRole: `${DB}_RW`,
      snowflakeReadOnlyRole: `${DB}_RO`,
      snowpipe: `"${DB}"."RAW"."LOGS_FROM_LAKE"`,
      bucketName: BUCKET,
    });
  });

  it('documents every setting in Pulumi.example.yaml with its default', async () => {
    const { readConfig } = await import('../../infra/config.ts');
    const example = readFileSync(path.join(ROOT, 'infra', 'Pulumi.example.yaml'), 'utf8');
    const keys = Object.fromEntries(
      [...example.matchAll(/^ {2}pdi:(\w+): ("[^"]*"|\S+)/gm)].map((m) => [m[1], yamlScalar(m[2] as string)]),
    );
    // the defaults: a namespace where nothing is set
    const defaults = readConfig(new pulumi.Config('unset')) as unknown as Record<string, unknown>;
    expect(Object.keys(keys).sort()).toEqual(Object.keys(defaults).sort());
    for (const [key, example] of Object.entries(keys)) {
      expect(defaults[key] ?? '', key).toEqual(example);
    }
    expect(keys.snowflake).toBe(true);
  });
});
