import { LOG_ID_NAMESPACE } from './schema.ts';

/**
 * Lines of lake objects -> RAW.LOGS rows (spec §2), in SQL so that DuckDB does the work. The temp table
 * `batch_lines (object, line, f, reason)` holds each object's lines in order, each parsed once as it is
 * read; the view `parsed` maps them to RAW.LOGS columns, and the inserts read it, so that each line's text
 * is held once and never joined back to its fields.
 */

/** The fields the mapping needs, read in one parse of each line (types that do not fit become NULL). */
const FIELDS = `{
  "service": {"id": "VARCHAR"},
  "context": {"client_id": "VARCHAR", "user_agent": "VARCHAR"},
  "request": {"id": "VARCHAR", "timestamp": "DOUBLE"},
  "response": {"id": "VARCHAR", "timestamp": "DOUBLE"}
}`;

/** A line's fields, NULL when it is not JSON or not an object. */
const PARSE_LINE = `try(from_json(line, '${FIELDS}'))`;

/**
 * An id as RAW.LOGS keeps it (spec §2): `nullif(left(lower(trim(text)), maxLength), '')`, as Snowflake's COPY
 * computes it. DuckDB's `trim` decodes every character of a text to look for Unicode spaces, then copies it,
 * and `left` counts its characters, on every row of the load. A text of ASCII characters alone (as many
 * bytes as characters) has no space to trim but ' ', so one that fits and neither starts nor ends with ' '
 * (every id the collector writes) is only lower-cased, with the same result.
 */
export const normalizedId = (text: string, maxLength: number) => `nullif(case
    when strlen(${text}) <= ${maxLength} and strlen(${text}) = length(${text})
      and not starts_with(${text}, ' ') and not ends_with(${text}, ' ')
    then lower(${text})
    else left(lower(trim(${text})), ${maxLength})
  end, '')`;

/** Why a line with fields `f` makes no RAW.LOGS row, NULL when it makes one. */
const REASON = `case
    -- JSON that is not an object has no fields either; json_valid parses the line again, so only then
    when f is null then case when json_valid(line) then 'missing request.id' else 'invalid JSON' end
    when ${normalizedId('f.request.id', 36)} is null then 'missing request.id'
    when f.request.timestamp is null then 'missing or invalid request.timestamp'
  end`;

/**
 * The rows of `batch_lines (object, line, f, reason)` made from `source (object, line)`, in its order: each
 * line parsed once into its fields `f`, and `reason`, why it makes no RAW.LOGS row (NULL when it makes one).
 */
export const PARSED_LINES = (source: string) => `
select object, line, f, ${REASON} as reason
from (select object, line, ${PARSE_LINE} as f from ${source})`;

/**
 * The temp view `parsed`: each line of `batch_lines` (its fields `f` and `reason` computed as it was read)
 * numbered from 1 in its object, with the object's key (from `batch_objects`, whose `first` is the rowid of
 * the object's first line; lines of objects deleted from it drop out), mapped to the RAW.LOGS columns it
 * makes. An object's lines have consecutive rowids: the read keeps its order, and the slow path appends an
 * object's lines together, after deleting what the fast read kept of it.
 */
export const PARSED_VIEW = `
create or replace temp view parsed as
select
  o.key, l.rowid - o.first + 1 as n, l.line, l.reason,
  ${normalizedId('f.service.id', 254)} as SERVICE_ID,
  ${normalizedId('f.request.id', 36)} as REQUEST_ID,
  make_timestamp(cast(f.request.timestamp * 1000 as bigint)) as REQUEST_TIMESTAMP,
  ${normalizedId('f.response.id', 36)} as RESPONSE_ID,
  make_timestamp(try_cast(f.response.timestamp * 1000 as bigint)) as RESPONSE_TIMESTAMP,
  ${normalizedId('f.context.client_id', 36)} as CLIENT_ID,
  f.context.user_agent as USER_AGENT
from batch_lines l join batch_objects o using (object)`;

/** From the view `parsed`; `$loaded_at` is the load time. */
export const INSERT_LOGS = `
insert into RAW.LOGS
select
  SERVICE_ID, REQUEST_ID, REQUEST_TIMESTAMP, RESPONSE_ID, RESPONSE_TIMESTAMP, CLIENT_ID,
  line as DATA,
  RAW.UUID_V5('${LOG_ID_NAMESPACE}', key || ':' || n) as LOG_ID,
  key as LOG_FILENAME,
  n as LOG_FILE_ROW_NUMBER,
  cast($loaded_at as timestamp) as LOG_TIMESTAMP
from parsed
where reason is null`;

export const INSERT_ERRORS = `
insert into RAW.LOAD_ERRORS
select key, n, reason, left(line, 4096), cast($loaded_at as timestamp)
from parsed
where reason is not null`;
