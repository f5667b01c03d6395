{#
  The tails of EVENTS.LOGS (see int_log_tails): which clients' rows each incremental model rebuilds, and from
  when. EVENTS.LOGS rebuilds the tails of this run; the models built from it rebuild every tail made since they
  last did (`tails_consumed`), so that a model that missed a run catches up on the next.
#}

{# The tails this model rebuilds: one row per client, with the time its rows are rebuilt from. #}
{% macro log_tails() -%}
  {%- set tails = ref('int_log_tails') -%}
  {%- if config.get('meta', {}).get('rebuilds_this_run_tails', false) -%}
  (select client_id, rebuild_from from {{ tails }} where built_at = {{ run_started() }})
  {%- else -%}
  (select client_id, min(rebuild_from) as rebuild_from
   from {{ tails }}
   where built_at > {{ tails_consumed_at() }} and client_id is not null
   group by client_id)
  {%- endif -%}
{%- endmacro %}

{# When this model last rebuilt the tails (a subquery): the `built_at` of that run. #}
{% macro tails_consumed_at() -%}
  (select coalesce(max(tails_built_at), cast('1970-01-01' as timestamp))
   from {{ tails_consumed(ref('int_log_tails')) }}
   where model = '{{ this.schema }}.{{ this.identifier }}')
{%- endmacro %}

{# A post-hook of EVENTS.LOGS: after a full refresh, a tail without a client says that every client was rebuilt. #}
{% macro record_full_rebuild() -%}
  {%- if flags.FULL_REFRESH -%}
  insert into {{ ref('int_log_tails') }} (client_id, rebuild_from, built_at) values (null, null, {{ run_started() }})
  {%- endif -%}
{%- endmacro %}

{#
  Stops an incremental run of a model that missed a full refresh of EVENTS.LOGS (it failed in that run): every
  client was rebuilt then, which no tail says; only a full refresh brings the model up to date.
#}
{% macro check_no_missed_full_refresh() -%}
  {%- if execute and is_incremental() -%}
    {%- set missed = run_query(
        "select max(built_at) from " ~ ref('int_log_tails') ~ " where client_id is null and built_at > "
        ~ tails_consumed_at()).columns[0].values()[0] -%}
    {%- if missed is not none -%}
      {{ exceptions.raise_compiler_error(
          this.schema ~ "." ~ this.identifier ~ " was not rebuilt by the full refresh of " ~ missed ~ " (it failed then): run `./pdi transform --full-refresh`") }}
    {%- endif -%}
  {%- endif -%}
{%- endmacro %}

{# The rows of `logs` (EVENTS.LOGS) in this model's tails; in a full refresh, all of them. #}
{% macro tail_rows(logs) -%}
  {{- check_no_missed_full_refresh() -}}
  {%- if is_incremental() -%}
  (select l.*
   from {{ logs }} l
   join {{ log_tails() }} tails on tails.client_id = l.client_id
   -- a literal bound as well: it lets the warehouse skip old row groups
   where l.event_timestamp >= tails.rebuild_from and l.event_timestamp >= {{ oldest_tail() }})
  {%- else -%}
  {{ logs }}
  {%- endif -%}
{%- endmacro %}

{#
  The hits of `staged` (a staging relation) that this run sessionizes again: when `incremental`, those of this
  run's tails, from each tail's start on; all of them otherwise. The twin of `tail_rows`, on the raw side.
#}
{% macro tail_hits(staged, incremental) -%}
  {%- if incremental -%}
  (select h.*
   from {{ staged }} h
   join {{ log_tails() }} tails on tails.client_id = h.client_id
   -- request time >= event time: a bound on a raw column, which lets the warehouse skip old row groups
   where h.request_timestamp >= {{ oldest_tail() }} and h.event_timestamp >= tails.rebuild_from)
  {%- else -%}
  {{ staged }}
  {%- endif -%}
{%- endmacro %}

{#
  Where this model's oldest tail starts (a literal, see `incremental_literal`): a bound on the time columns that
  lets the warehouse skip the row groups before it. With no tail to rebuild, a time after every row: nothing is
  read (every row is also outside the tails), instead of everything.
#}
{% macro oldest_tail() -%}
  {{ incremental_literal("select min(rebuild_from) from " ~ log_tails() ~ " tails", otherwise=never()) }}
{%- endmacro %}

{# A time after every row: the bound of a range that holds nothing. #}
{% macro never() -%}
  cast('9999-12-31' as timestamp)
{%- endmacro %}

{# Which tails each model has rebuilt: the `built_at` of the last run it rebuilt them in (a table beside `tails`). #}
{% macro tails_consumed(tails) -%}
  {{ return(tails.incorporate(path={'identifier': tails.identifier ~ '_consumed'})) }}
{%- endmacro %}

{# A post-hook of each model that rebuilds tails since it last did: they are rebuilt (in a full refresh too). #}
{% macro record_tails_consumed() -%}
  {%- set consumed = tails_consumed(ref('int_log_tails')) -%}
  delete from {{ consumed }} where model = '{{ this.schema }}.{{ this.identifier }}';
  insert into {{ consumed }} (model, tails_built_at) values ('{{ this.schema }}.{{ this.identifier }}', {{ run_started() }})
{%- endmacro %}

{# When this dbt invocation started, as a timestamp literal (UTC): the `built_at` of the tails it makes. #}
{% macro run_started() -%}
  cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}' as timestamp)
{%- endmacro %}

{#
  Whether this run rebuilds EVENTS.LOGS by tails rather than whole: it exists and this is no full refresh
  (what is_incremental() says in EVENTS.LOGS itself, for the models that run before it).
#}
{% macro logs_rebuilt_by_tails() -%}
  {{ return(previous_build('logs') is not none and not flags.FULL_REFRESH) }}
{%- endmacro %}

{#
  The relation of a model as the last run left it, or none: for a model that must read another's previous state
  and runs before it (a ref would be a cycle).
#}
{% macro previous_build(model_name) -%}
  {%- if not execute -%}{{ return(none) }}{%- endif -%}
  {%- set node = graph.nodes['model.' ~ project_name ~ '.' ~ model_name] -%}
  {{ return(adapter.get_relation(database=node.database, schema=node.schema, identifier=node.alias)) }}
{%- endmacro %}

{# Whether hit `a` was received before hit `b`: the order in which sessionizing keeps the first of duplicates. #}
{% macro received_before(a, b) -%}
  ({{ a }}.request_timestamp < {{ b }}.request_timestamp
   or ({{ a }}.request_timestamp = {{ b }}.request_timestamp and {{ a }}.request_id < {{ b }}.request_id)
   or ({{ a }}.request_timestamp = {{ b }}.request_timestamp and {{ a }}.request_id = {{ b }}.request_id
       and {{ a }}.log_id < {{ b }}.log_id))
{%- endmacro %}
