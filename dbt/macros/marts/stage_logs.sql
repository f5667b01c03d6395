{#
  The hits of `new_hits` (a CTE of new_hits' rows, all of them or some clients') and their clients' hits of the
  last run (their rows of `kept_logs`: EVENTS.LOGS, or the copy of its rows that kept_logs holds), sessionized
  like EVENTS.LOGS, as EVENTS.LOGS's columns: the CTEs after `new_hits` and the final select of logs_staging
  (every staged client) and logs_restaging (the clients with hits not yet staged).

  Only the new hits are staged from RAW.LOGS; the clients' earlier hits are EVENTS.LOGS's rows. Sessionizing
  keeps the first received of repeated hits (a retry, a repeated purchase), so a client's kept hits and its new
  ones make the sessions that all of its hits would; and staging every raw hit again to find the clients'
  earlier ones would cost in proportion to the whole history, not to what is new.
#}
{% macro stage_logs(new_hits, kept_logs) -%}
kept_hits as (

    -- the new hits' clients' hits of the last run, as they were staged
    select *, {{ json_text('req_body', 'z') }} as cache_buster
    from {{ kept_logs }}
    where client_id in (select client_id from {{ new_hits }})

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
    select {{ columns | join(', ') }} from {{ new_hits }}

),

{{ session_ctes('hits') }},

sessionized as (

    {{ join_sessions('hits', 'sessions') }}

),

final as (

    {{ select_logs('sessionized') }}

)

select * from final
{%- endmacro %}
