{#
  What a STATS table reads from an EVENTS model. In an incremental run: only the days from the earliest tail
  rebuilt since the table was last built (`stats_since`: whole days, because the "new" counts are per calendar
  day); its `periods_from` strategy replaces every period from then on. With no tail, nothing is read.
#}
{% macro stats_rows(relation) -%}
  {{- check_no_missed_full_refresh() -}}
  {%- if is_incremental() -%}
  (select * from {{ relation }} where event_timestamp >= {{ stats_since() }})
  {%- else -%}
  {{ relation }}
  {%- endif -%}
{%- endmacro %}

{# The first day a STATS table recomputes in an incremental run (a literal; far in the future when none). #}
{% macro stats_since() -%}
  {{ incremental_literal(
      "select date_trunc('day', min(rebuild_from)) from " ~ log_tails() ~ " tails",
      otherwise="cast('9999-12-31' as timestamp)") }}
{%- endmacro %}
