{# In an incremental run of a model downstream of EVENTS.LOGS: the clients EVENTS.LOGS rebuilt since this
   model last ran. Such models use unique_key client_id, so all of a rebuilt client's rows are replaced. #}
{% macro rebuilt_clients_filter() -%}
  {%- if is_incremental() -%}
  and client_id in (
      select client_id from {{ ref('logs') }}
      where built_at > (select coalesce(max(built_at), '1970-01-01'::timestamp) from {{ this }})
  )
  {%- endif -%}
{%- endmacro %}
