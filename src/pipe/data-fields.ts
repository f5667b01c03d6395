/**
 * What the load parses from each line: the fields it maps to RAW.LOGS's columns, and DATA_FIELDS, the fields
 * of DATA that dbt's models read, kept beside DATA.
 */

/** A shape of JSON fields to parse: each leaf is read as text. */
export interface FieldShape {
  [field: string]: FieldShape | 'VARCHAR' | 'DOUBLE';
}

function text(...fields: string[]): FieldShape {
  return Object.fromEntries(fields.map((field) => [field, 'VARCHAR']));
}

/**
 * RAW.LOGS.DATA_FIELDS: the fields of DATA that dbt's staging models read, parsed at load, at the same paths
 * as in DATA, so that dbt reads columns instead of parsing each record's text again at every build (Snowflake
 * parses DATA once too, at COPY, into a VARIANT, which its models read instead). A field that the staging
 * models read must be here: dbt's build fails on one that is not.
 */
export const DATA_FIELDS: FieldShape = {
  request: {
    // the hit's parameters: those that sessionizing reads, then the page's
    body: text('t', 'cid', 'uid', 'uip', 'pa', 'z', 'ti', 'qt', 'dl', 'dr', 'dt', 'sr', 'de', 'sd', 'ul'),
    headers: text('referer'),
  },
  context: text('user_id', 'user_ip', 'document_location', 'user_agent'),
};

/** The fields that the mapping itself needs (types that do not fit become NULL). */
const MAPPED_FIELDS: FieldShape = {
  service: text('id'),
  context: text('client_id', 'user_agent'),
  request: { id: 'VARCHAR', timestamp: 'DOUBLE' },
  response: { id: 'VARCHAR', timestamp: 'DOUBLE' },
};

/** Both, read in one parse of each line. */
export const PARSED_FIELDS = mergeShapes(MAPPED_FIELDS, DATA_FIELDS);

/** DuckDB's type of DATA_FIELDS. */
export const DATA_FIELDS_TYPE = structType(DATA_FIELDS);

/** DATA_FIELDS from `f`, a line parsed into PARSED_FIELDS. */
export const DATA_FIELDS_OF_PARSED = structOf('f', DATA_FIELDS, PARSED_FIELDS);

/**
 * DATA_FIELDS computed from DATA (for rows loaded before RAW.LOGS had the column): the same fields parsed the
 * same way as by the load, which parses them along with its own.
 */
export const DATA_FIELDS_OF_DATA = `from_json(DATA, '${JSON.stringify(DATA_FIELDS)}')`;

function mergeShapes(a: FieldShape, b: FieldShape): FieldShape {
  const merged: FieldShape = { ...a };
  for (const [field, shape] of Object.entries(b)) {
    const other = merged[field];
    merged[field] =
      typeof other === 'object' && typeof shape === 'object' ? mergeShapes(other, shape) : shape;
  }
  return merged;
}

function structType(shape: FieldShape): string {
  const fields = Object.entries(shape).map(
    ([field, type]) => `"${field}" ${typeof type === 'object' ? structType(type) : type}`,
  );
  return `STRUCT(${fields.join(', ')})`;
}

/**
 * The SQL of a struct of `shape` picked from `source`, a struct of `parsed`'s shape: a sub-struct whose shape
 * is all of `parsed`'s at that place is taken whole.
 */
function structOf(source: string, shape: FieldShape, parsed: FieldShape): string {
  if (JSON.stringify(shape) === JSON.stringify(parsed)) return source;
  const fields = Object.entries(shape).map(([field, type]) => {
    const path = `${source}."${field}"`;
    const parsedType = parsed[field];
    const value =
      typeof type === 'object' && typeof parsedType === 'object' ? structOf(path, type, parsedType) : path;
    return `'${field}': ${value}`;
  });
  return `{${fields.join(', ')}}`;
}
