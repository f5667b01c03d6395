{#
  What a STATS table reads from an EVENTS model. In an incremental run: only the days from the earliest
  EVENTS.LOGS row rebuilt since the table was last built (a literal, so that old row groups are skipped); the
  `delete+insert` on `timestamp` replaces those periods. Whole days, because the "new" counts are per calendar
  day. With nothing rebuilt, nothing is read.
#}
{% macro stats_rows(relation) -%}
  {%- if is_incremental() -%}
    {%- set since = incremental_literal(
        "select date_trunc('day', min(event_timestamp)) from " ~ ref('logs')
        ~ " where built_at > (select coalesce(max(created_at), cast('1970-01-01' as timestamp)) from " ~ this ~ ")",
        otherwise="cast('9999-12-31' as timestamp)") -%}
  (select * from {{ relation }} where event_timestamp >= {{ since }})
  {%- else -%}
  {{ relation }}
  {%- endif -%}
{%- endmacro %}
