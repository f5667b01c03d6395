{#
  The models downstream of EVENTS.LOGS follow its tails (see logs.sql). In an incremental run, `rebuilt_logs()`
  is the EVENTS.LOGS rows rebuilt since this model last ran, and `with_rebuild_from(rows)` gives each row the
  time from which its client's rows were rebuilt (their `client_tails` strategy deletes the model's rows from
  then on). In a full refresh they are all of EVENTS.LOGS, and the rows as they are.
#}
{% macro rebuilt_logs() -%}
  {%- if is_incremental() -%}
  (select * from {{ ref('logs') }}
   where built_at > (select coalesce(max(built_at), cast('1970-01-01' as timestamp)) from {{ this }}))
  {%- else -%}
  {{ ref('logs') }}
  {%- endif -%}
{%- endmacro %}

{% macro with_rebuild_from(rows) -%}
  {%- if is_incremental() -%}
  with rebuilt_rows as (

      {{ rows }}

  ),

  tails as (

      select client_id, min(event_timestamp) as rebuild_from from {{ rebuilt_logs() }} rebuilt group by client_id

  )

  select rebuilt_rows.*, tails.rebuild_from
  from rebuilt_rows join tails on tails.client_id = rebuilt_rows.client_id
  {%- else -%}
  {{ rows }}
  {%- endif -%}
{%- endmacro %}
