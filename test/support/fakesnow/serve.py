"""fakesnow's server (`fakesnow -s`), taught one thing Snowflake does that it does not: COPY with a
transformation of JSON files, i.e. `COPY INTO t (…) FROM (SELECT $1…, METADATA$FILENAME,
METADATA$FILE_ROW_NUMBER FROM @stage)`, the statement that loads lake objects into RAW.LOGS. fakesnow reads
a JSON file as rows of one column `json` (read_json_objects): $1 is that column, METADATA$FILENAME the file's
path in its stage, METADATA$FILE_ROW_NUMBER its line number (1-based, in file order).
It also takes `ON_ERROR = CONTINUE`, which it does not implement, as the default ABORT_STATEMENT: a damaged
line fails the COPY here, where Snowflake skips the line and counts it in the result's errors_seen.
And a NULL timestamp in a query's result stays NULL (fakesnow sends it as 1970-01-01 00:00:00). And a temporary
table named in a schema (dbt's unit tests make one to learn their columns' types) is made as a plain table:
DuckDB keeps temporary tables in a catalog of their own.
Usage: python serve.py [fakesnow's arguments]
"""

import sys
from pathlib import PurePath

from sqlglot import exp

import pyarrow as pa

import fakesnow.arrow as arrow
import fakesnow.cli
import fakesnow.copy_into as copy_into
import fakesnow.cursor as cursor
import fakesnow.transforms.stage as stage

fakesnow_inserts = copy_into._inserts


def inserts(expr, params, urls, parquet_info=None):
    source = expr.args["files"][0]
    if not (isinstance(source, exp.Subquery) and isinstance(params.file_format, copy_into.ReadJSON)):
        return fakesnow_inserts(expr, params, urls, parquet_info)
    return [insert_of(expr.this, source.this, params.file_format.read_expression(url), url) for url in urls]


def insert_of(target, select, read, url):
    # an internal stage's files are under LOCAL_BUCKET_PATH/<database>/<schema>/<stage>/
    name = "/".join(PurePath(url).relative_to(stage.LOCAL_BUCKET_PATH).parts[3:])

    def column_of_file(node):
        if isinstance(node, exp.Parameter) and node.this.name == "1":
            return exp.column("json")
        if isinstance(node, (exp.Column, exp.Var)) and node.name.upper() == "METADATA$FILENAME":
            return exp.Literal.string(name)
        if isinstance(node, (exp.Column, exp.Var)) and node.name.upper() == "METADATA$FILE_ROW_NUMBER":
            return exp.column("file_row_number")
        return node

    rows = exp.select("json", "row_number() over () as file_row_number").from_(exp.Table(this=read))
    columns = [column.transform(column_of_file) for column in select.expressions]
    return exp.Insert(this=target, expression=exp.select(*columns).from_(rows.subquery()), by_name=False)


fakesnow_params = copy_into._params


def params_of(expr, *args, **kwargs):
    for param in expr.args.get("params", []):
        if param.this.name.upper() == "ON_ERROR" and param.expression.name.upper() == "CONTINUE":
            expr.args["params"].remove(param)
    return fakesnow_params(expr, *args, **kwargs)


fakesnow_timestamp_struct = arrow.timestamp_to_sf_struct


def timestamp_struct(timestamps):
    struct = fakesnow_timestamp_struct(timestamps)
    if isinstance(timestamps, pa.ChunkedArray):
        timestamps = timestamps.combine_chunks()
    if timestamps.null_count == 0:
        return struct
    fields = [struct.type.field(i) for i in range(struct.type.num_fields)]
    return pa.StructArray.from_arrays(struct.flatten(), fields=fields, mask=timestamps.is_null())


fakesnow_transform = cursor.FakeSnowflakeCursor._transform


def transform(self, expression, params):
    if isinstance(expression, exp.Create) and expression.kind == "TABLE" and expression.this.find(exp.Table):
        table = expression.this.find(exp.Table)
        properties = expression.args.get("properties")
        if table.db and properties:
            properties.set("expressions", [p for p in properties.expressions if not isinstance(p, exp.TemporaryProperty)])
    return fakesnow_transform(self, expression, params)


arrow.timestamp_to_sf_struct = timestamp_struct
cursor.FakeSnowflakeCursor._transform = transform
copy_into._inserts = inserts
copy_into._params = params_of

if __name__ == "__main__":
    sys.exit(fakesnow.cli.main())
