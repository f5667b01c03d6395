import { LOG_ID_NAMESPACE } from '../schema.ts';
import { userAgentLookupColumnsSql } from '../user-agents.ts';

/**
 * RAW.LOGS on Snowflake (spec §2), column by column: the table `./pdi load --target snowflake` creates and the
 * one the Pulumi program declares (infra/).
 */
export const SNOWFLAKE_LOGS_TABLE = [
  { name: 'SERVICE_ID', type: 'VARCHAR(254)', nullable: true },
  { name: 'REQUEST_ID', type: 'VARCHAR(36)', nullable: false },
  { name: 'REQUEST_TIMESTAMP', type: 'TIMESTAMP_NTZ', nullable: false },
  { name: 'RESPONSE_ID', type: 'VARCHAR(36)', nullable: true },
  { name: 'RESPONSE_TIMESTAMP', type: 'TIMESTAMP_NTZ', nullable: true },
  { name: 'CLIENT_ID', type: 'VARCHAR(36)', nullable: true },
  { name: 'DATA', type: 'VARIANT', nullable: true },
  { name: 'LOG_ID', type: 'VARCHAR(36)', nullable: true },
  { name: 'LOG_FILENAME', type: 'VARCHAR', nullable: true },
  { name: 'LOG_FILE_ROW_NUMBER', type: 'NUMBER', nullable: true },
  { name: 'LOG_TIMESTAMP', type: 'TIMESTAMP_NTZ', nullable: true },
] as const;

/** How Snowflake reads a lake object: Firehose's gzip NDJSON, one stream record per line. */
export const LAKE_FILE_FORMAT = { type: 'JSON', compression: 'GZIP' } as const;

/**
 * RAW on Snowflake: what the pipe owns there (spec §2), created idempotently. The same tables as the embedded
 * pipe's (src/pipe/schema.ts), with DATA a VARIANT: Snowflake parses each line once, at COPY.
 */
export const SNOWFLAKE_RAW_SCHEMA_SQL = [
  'create schema if not exists RAW',
  `create table if not exists RAW.LOGS (
  ${SNOWFLAKE_LOGS_TABLE.map((c) => `${c.name} ${c.type}${c.nullable ? '' : ' not null'}`).join(',\n  ')}
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
  `create file format if not exists RAW.LAKE_OBJECTS type = ${LAKE_FILE_FORMAT.type} compression = ${LAKE_FILE_FORMAT.compression}`,
  'create stage if not exists RAW.LAKE file_format = RAW.LAKE_OBJECTS',
];

/**
 * A lake line -> a RAW.LOGS row (spec §2), as a COPY transformation over a stage: `$1` is the line (a VARIANT),
 * METADATA$FILENAME the object's key in the stage (the lake's key: stages are rooted at the lake's root).
 * The one mapping of lake objects into Snowflake: `./pdi load --target snowflake` and the Snowpipe use it.
 * A line without a request id or time breaks a NOT NULL column: COPY counts it as an error and goes on.
 */
export const SNOWFLAKE_LOGS_COLUMNS = SNOWFLAKE_LOGS_TABLE.map((c) => c.name);

export function copyLogsSql(stage: string, copyOptions: string, table = 'RAW.LOGS'): string {
  return `copy into ${table} (${SNOWFLAKE_LOGS_COLUMNS.join(', ')})
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
