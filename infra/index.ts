/**
 * The cloud deployment. The AWS half: the lake bucket, the two Firehose delivery streams, the collector
 * function and the HTTP API in front of it (docs/deploy-aws.md); `npm run build:lambda` first, the function's
 * code is dist/lambda/collector.zip. The Snowflake half, unless `pdi:snowflake` is false: the database and its
 * warehouse, the two roles, and the Snowpipe that loads the lake into RAW.LOGS (docs/deploy-snowflake.md).
 */
import path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { Api } from './aws/api.ts';
import { Collector } from './aws/collector.ts';
import { Lake } from './aws/lake.ts';
import { Stream } from './aws/stream.ts';
import { readConfig } from './config.ts';
import { Ingestion } from './snowflake/ingestion.ts';
import { snowflakeProvider } from './snowflake/provider.ts';
import { Roles } from './snowflake/roles.ts';
import { Warehouse } from './snowflake/warehouse.ts';

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

const snowflakeHalf = config.snowflake ? deploySnowflake() : undefined;

function deploySnowflake() {
  const database = snowflakeIdentifier('snowflakeDatabase', config.snowflakeDatabase);
  const opts = { providers: { snowflake: snowflakeProvider() } };
  const warehouse = new Warehouse(
    'warehouse',
    {
      database,
      warehouse: snowflakeIdentifier('snowflakeWarehouse', config.snowflakeWarehouse),
      size: config.snowflakeWarehouseSize,
      autoSuspendSeconds: config.snowflakeAutoSuspendSeconds,
    },
    opts,
  );
  const roles = new Roles(
    'roles',
    {
      database: warehouse.database,
      warehouse: warehouse.warehouse,
      readWriteRole: snowflakeIdentifier(
        'snowflakeReadWriteRole',
        config.snowflakeReadWriteRole || `${database}_RW`,
      ),
      readOnlyRole: snowflakeIdentifier(
        'snowflakeReadOnlyRole',
        config.snowflakeReadOnlyRole || `${database}_RO`,
      ),
      grantee: config.snowflakeGrantee,
    },
    opts,
  );
  const ingestion = new Ingestion(
    'ingestion',
    {
      database: warehouse.database,
      bucket: lake.bucket,
      lakeReaderRole: config.snowflakeLakeReaderRole || `paas-data-ingestion-snowflake-${pulumi.getStack()}`,
    },
    opts,
  );
  return { warehouse, roles, ingestion };
}

/** Snowflake names as the models and the COPY write them: plain identifiers, upper case. */
function snowflakeIdentifier(key: string, name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_$]*$/.test(name))
    throw new Error(
      `pdi:${key} must be a plain Snowflake identifier (letters, digits, _ and $), not '${name}'`,
    );
  return name.toUpperCase();
}

// for ./pdi transform --target snowflake: SNOWFLAKE_DATABASE, SNOWFLAKE_WAREHOUSE, SNOWFLAKE_ROLE
export const snowflakeDatabase = snowflakeHalf?.warehouse.database.name;
export const snowflakeWarehouse = snowflakeHalf?.warehouse.warehouse.name;
export const snowflakeReadWriteRole = snowflakeHalf?.roles.readWrite.name;
export const snowflakeReadOnlyRole = snowflakeHalf?.roles.readOnly.name;
export const snowpipe = snowflakeHalf?.ingestion.pipe.fullyQualifiedName;
