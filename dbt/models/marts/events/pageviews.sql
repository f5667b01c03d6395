{{ config(
    alias='PAGEVIEWS',
    incremental_strategy='client_tails',
    post_hook="{{ record_tails_consumed() }}",
) }}
-- depends_on: {{ ref('int_log_tails') }}
{#
  EVENTS.PAGEVIEWS: one row per pageview hit. An incremental run rebuilds the tails of
  EVENTS.LOGS made since this model last ran; EVENTS_LIVE.PAGEVIEWS makes the same rows (select_pageviews).
#}
with

logs as (

    select * from {{ tail_rows(ref('logs')) }} logs

),

pageviews as (

    {{ select_pageviews('logs') }}

)

select * from pageviews
