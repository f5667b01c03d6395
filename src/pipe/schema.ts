import { userAgentLookupColumnsSql } from './user-agents.ts';

/** RAW: what the pipe owns in the warehouse (spec §2), created idempotently. */

/** LOG_ID = UUID v5 of `<key>:<row>` in this namespace: the same object always yields the same ids. */
export const LOG_ID_NAMESPACE = 'da69e958-fee3-428b-9dc3-e7586429fcfc';

/**
 * RAW.UUID_V5(namespace, name): UUID v5 (RFC 4122) of a name in a namespace (both text), lower-case, as
 * Python's uuid.uuid5 and Snowflake's UUID_STRING(namespace, name) give it: SHA-1 of the namespace's 16
 * bytes and the name's UTF-8 bytes, then the version (5) and variant (10xx) bits. DuckDB has no uuid5: this
 * macro is the one SQL definition, used by the pipe for LOG_IDs and by dbt's `uuid5` on DuckDB.
 */
const UUID_V5_MACRO_SQL = `
create or replace macro RAW.UUID_V5_OF_SHA1(hex) as (
  substr(hex, 1, 8) || '-' || substr(hex, 9, 4) || '-5' || substr(hex, 14, 3) || '-'
  || substr('89ab89ab89ab89ab', strpos('0123456789abcdef', substr(hex, 17, 1)), 1) || substr(hex, 18, 3)
  || '-' || substr(hex, 21, 12)
);
create or replace macro RAW.UUID_V5(namespace, name) as
  RAW.UUID_V5_OF_SHA1(sha1(from_hex(replace(namespace, '-', '')) || encode(name)));`;

export const RAW_SCHEMA_SQL = `
create schema if not exists RAW;
-- DATA is the line as it came, already checked to be JSON by the parse: VARCHAR rather than DuckDB's JSON
-- type, which checks it again on insert (13% of the load's time); the JSON functions read it as it is.
create table if not exists RAW.LOGS (
  SERVICE_ID varchar,
  REQUEST_ID varchar,
  REQUEST_TIMESTAMP timestamp,
  RESPONSE_ID varchar,
  RESPONSE_TIMESTAMP timestamp,
  CLIENT_ID varchar,
  DATA varchar using compression zstd,
  LOG_ID varchar,
  LOG_FILENAME varchar,
  LOG_FILE_ROW_NUMBER bigint,
  LOG_TIMESTAMP timestamp
);
create table if not exists RAW.LOAD_HISTORY (
  FILE_NAME varchar primary key,
  FILE_SIZE bigint,
  ROW_COUNT bigint,
  ERROR_COUNT bigint,
  LOADED_AT timestamp,
  STATUS varchar
);
create table if not exists RAW.LOAD_ERRORS (
  FILE_NAME varchar,
  LINE_NUMBER bigint,
  REASON varchar,
  RAW_LINE varchar,
  LOADED_AT timestamp
);
create table if not exists RAW.USER_AGENT_LOOKUP (
  ${userAgentLookupColumnsSql('primary key')}
);
${UUID_V5_MACRO_SQL}
`;
