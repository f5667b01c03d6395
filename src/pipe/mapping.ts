import { LOG_ID_NAMESPACE } from './schema.ts';

/**
 * Lines of lake objects -> RAW.LOGS rows (spec §2), in SQL so that DuckDB does the work. The lines are in
 * the temp table `batch_lines (filename, line)`, each object's lines in order; `parsed` holds what each
 * line makes, pointing back to its text by `rid` (the line's rowid), so that the text is held once.
 */

/** The fields the mapping needs, read in one parse of each line (types that do not fit become NULL). */
const FIELDS = `{
  "service": {"id": "VARCHAR"},
  "context": {"client_id": "VARCHAR", "user_agent": "VARCHAR"},
  "request": {"id": "VARCHAR", "timestamp": "DOUBLE"},
  "response": {"id": "VARCHAR", "timestamp": "DOUBLE"}
}`;

/**
 * The temp table `parsed`: each line of `batch_lines` numbered from 1 in its object, with the object's key
 * (from `batch_objects`), and parsed once into the RAW.LOGS columns it makes, with `reason`, why it makes
 * none (NULL when it does). An object's lines have consecutive rowids: the read keeps its order, and the
 * slow path appends an object's lines together, after deleting what the fast read kept of it.
 */
export const PARSE_LINES = `
create or replace temp table parsed as
with firsts as (select filename, min(rowid) as first from batch_lines group by filename),
fields as (
  select o.key, l.rowid - f.first + 1 as n, l.rowid as rid, l.line, try(from_json(l.line, '${FIELDS}')) as f
  from batch_lines l join firsts f using (filename) join batch_objects o on o.file = l.filename
)
select
  key, n, rid,
  case
    when f is null and not json_valid(line) then 'invalid JSON'
    when coalesce(trim(f.request.id), '') = '' then 'missing request.id'
    when f.request.timestamp is null then 'missing or invalid request.timestamp'
  end as reason,
  nullif(left(lower(trim(f.service.id)), 254), '') as SERVICE_ID,
  nullif(left(lower(trim(f.request.id)), 36), '') as REQUEST_ID,
  make_timestamp(cast(f.request.timestamp * 1000 as bigint)) as REQUEST_TIMESTAMP,
  nullif(left(lower(trim(f.response.id)), 36), '') as RESPONSE_ID,
  make_timestamp(try_cast(f.response.timestamp * 1000 as bigint)) as RESPONSE_TIMESTAMP,
  nullif(left(lower(trim(f.context.client_id)), 36), '') as CLIENT_ID,
  f.context.user_agent as USER_AGENT
from fields`;

/** From the temp tables `parsed` and `batch_lines`; `$loaded_at` is the load time. */
export const INSERT_LOGS = `
insert into RAW.LOGS
select
  SERVICE_ID, REQUEST_ID, REQUEST_TIMESTAMP, RESPONSE_ID, RESPONSE_TIMESTAMP, CLIENT_ID,
  l.line as DATA,
  RAW.UUID_V5('${LOG_ID_NAMESPACE}', key || ':' || n) as LOG_ID,
  key as LOG_FILENAME,
  n as LOG_FILE_ROW_NUMBER,
  cast($loaded_at as timestamp) as LOG_TIMESTAMP
from parsed p join batch_lines l on l.rowid = p.rid
where reason is null`;

export const INSERT_ERRORS = `
insert into RAW.LOAD_ERRORS
select key, n, reason, left(l.line, 4096), cast($loaded_at as timestamp)
from parsed p join batch_lines l on l.rowid = p.rid
where reason is not null`;
