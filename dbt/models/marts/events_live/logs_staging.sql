{{ config(alias='LOGS_STAGING') }}
{#
  EVENTS.LOGS as the next run would make it for the clients with raw rows loaded since the last run: every hit
  of those clients, sessionized like EVENTS.LOGS. The live views read it through logs_staged, which keeps its
  rows as of the last load on DuckDB.

  Only the new hits are staged from RAW.LOGS; the clients' earlier hits are EVENTS.LOGS's rows. Sessionizing
  keeps the first received of repeated hits (a retry, a repeated purchase), so a client's kept hits and its new
  ones make the sessions that all of its hits would; and a view that staged every raw hit again to find the
  clients' earlier ones would cost in proportion to the whole history, not to what is new.
#}
with

built as (

    select max(log_timestamp) as loaded_until from {{ ref('logs') }}

),

new_hits as (

    select * from {{ ref('stg_raw__logs') }}
    where log_timestamp > (select coalesce(loaded_until, cast('1970-01-01' as timestamp)) from built)

),

kept_hits as (

    -- the new hits' clients' hits of the last run, as they were staged
    select *, {{ json_text('req_body', 'z') }} as cache_buster
    from {{ ref('logs') }}
    where client_id in (select client_id from new_hits)

),

hits as (

    {%- set columns = [
        'event_timestamp', 'request_timestamp', 'request_id', 'client_id', 'user_id', 'user_ip', 'hit_type',
        'product_action', 'document_location', 'document_referrer', 'user_agent', 'document_title',
        'screen_resolution', 'document_encoding', 'screen_colors', 'user_language', 'transaction_id',
        'req_body', 'cache_buster', 'log_id', 'log_timestamp',
    ] %}
    select {{ columns | join(', ') }} from kept_hits
    union all
    select {{ columns | join(', ') }} from new_hits

),

{{ session_ctes('hits') }},

sessionized as (

    {{ join_sessions('hits', 'sessions') }}

),

final as (

    {{ select_logs('sessionized') }}

)

select * from final
