import { LOG_ID_NAMESPACE } from '../schema.ts';
import { userAgentLookupColumnsSql } from '../user-agents.ts';

/**
 * RAW on Snowflake: what the pipe owns there (spec §2), created idempotently. The same tables as the embedded
 * pipe's (src/pipe/schema.ts), with DATA a VARIANT: Snowflake parses each line once, at COPY.
 */
export const SNOWFLAKE_RAW_SCHEMA_SQL = [
  'create schema if not exists RAW',
  `create table if not exists RAW.LOGS (
  SERVICE_ID varchar(254),
  REQUEST_ID varchar(36) not null,
  REQUEST_TIMESTAMP timestamp_ntz not null,
  RESPONSE_ID varchar(36),
  RESPONSE_TIMESTAMP timestamp_ntz,
  CLIENT_ID varchar(36),
  DATA variant,
  LOG_ID varchar(36),
  LOG_FILENAME varchar,
  LOG_FILE_ROW_NUMBER number,
  LOG_TIMESTAMP timestamp_ntz
)`,
  `create table if not exists RAW.LOAD_HISTORY (
  FILE_NAME varchar,
  FILE_SIZE number,
  ROW_COUNT number,
  ERROR_COUNT number,
  LOADED_AT timestamp_ntz,
  STATUS varchar,
  FIRST_ERROR varchar
)`,
  `create table if not exists RAW.USER_AGENT_LOOKUP (
  ${userAgentLookupColumnsSql()}
)`,
  // the lake's objects: Firehose's gzip NDJSON, one stream record per line
  'create file format if not exists RAW.LAKE_OBJECTS type = json compression = gzip',
  'create stage if not exists RAW.LAKE file_format = RAW.LAKE_OBJECTS',
];

/**
 * A lake line -> a RAW.LOGS row (spec §2), as a COPY transformation over a stage: `$1` is the line (a VARIANT),
 * METADATA$FILENAME the object's key in the stage (the lake's key: stages are rooted at the lake's root).
 * The one mapping of lake objects into Snowflake: `./pdi load --target snowflake` and the Snowpipe use it.
 * A line without a request id or time breaks a NOT NULL column: COPY counts it as an error and goes on.
 */
export const SNOWFLAKE_LOGS_COLUMNS = [
  'SERVICE_ID',
  'REQUEST_ID',
  'REQUEST_TIMESTAMP',
  'RESPONSE_ID',
  'RESPONSE_TIMESTAMP',
  'CLIENT_ID',
  'DATA',
  'LOG_ID',
  'LOG_FILENAME',
  'LOG_FILE_ROW_NUMBER',
  'LOG_TIMESTAMP',
] as const;

export function copyLogsSql(stage: string, copyOptions: string): string {
  return `copy into RAW.LOGS (${SNOWFLAKE_LOGS_COLUMNS.join(', ')})
from (
  select
    nullif(left(lower(trim($1:service.id::varchar)), 254), ''),
    nullif(left(lower(trim($1:request.id::varchar)), 36), ''),
    to_timestamp_ntz(round($1:request.timestamp::double * 1000)::number, 6),
    nullif(left(lower(trim($1:response.id::varchar)), 36), ''),
    to_timestamp_ntz(round(try_to_double($1:response.timestamp::varchar) * 1000)::number, 6),
    nullif(left(lower(trim($1:context.client_id::varchar)), 36), ''),
    $1,
    uuid_string('${LOG_ID_NAMESPACE}', metadata$filename || ':' || metadata$file_row_number),
    metadata$filename,
    metadata$file_row_number,
    sysdate()
  from ${stage}
)
${copyOptions}`;
}
