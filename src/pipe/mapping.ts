/**
 * Lines of a lake object -> RAW.LOGS rows (spec §2), in SQL so that DuckDB does the work. The lines come
 * from a relation `lines(n, line)`; `$key` is the object's key, `cast($loaded_at as timestamp)` the load time.
 */
export const VALID_LINE = `(j is not null
  and json_type(j, '$.request.id') = 'VARCHAR' and trim(j->>'$.request.id') <> ''
  and json_type(j, '$.request.timestamp') in ('UBIGINT', 'BIGINT', 'DOUBLE'))`;

/** `lines(n, line)` parsed once: the JSON, and whether the line makes a RAW.LOGS row. */
export const STAGE_PARSED = `
create or replace temp table parsed as
with p as (select n, line, try_cast(line as json) as j from lines)
select n, line, j, coalesce(${VALID_LINE}, false) as ok from p`;

export const INSERT_LOGS = `
insert into RAW.LOGS
select
  nullif(left(lower(trim(j->>'$.service.id')), 254), '') as SERVICE_ID,
  nullif(left(lower(trim(j->>'$.request.id')), 36), '') as REQUEST_ID,
  make_timestamp(cast(cast(j->>'$.request.timestamp' as double) * 1000 as bigint)) as REQUEST_TIMESTAMP,
  nullif(left(lower(trim(j->>'$.response.id')), 36), '') as RESPONSE_ID,
  make_timestamp(try_cast(try_cast(j->>'$.response.timestamp' as double) * 1000 as bigint)) as RESPONSE_TIMESTAMP,
  nullif(left(lower(trim(j->>'$.context.client_id')), 36), '') as CLIENT_ID,
  j as DATA,
  RAW.UUID5($key || ':' || n) as LOG_ID,
  $key as LOG_FILENAME,
  n as LOG_FILE_ROW_NUMBER,
  cast($loaded_at as timestamp) as LOG_TIMESTAMP
from parsed
where ok`;

export const INSERT_ERRORS = `
insert into RAW.LOAD_ERRORS
select
  $key,
  n,
  case
    when j is null then 'invalid JSON'
    when json_type(j, '$.request.id') is distinct from 'VARCHAR' or trim(j->>'$.request.id') = '' then 'missing request.id'
    else 'missing or invalid request.timestamp'
  end,
  left(line, 4096),
  cast($loaded_at as timestamp)
from parsed
where not ok`;
