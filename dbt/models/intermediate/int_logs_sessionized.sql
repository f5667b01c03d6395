{# Every hit deduplicated and sessionized (see the sessionize macro): what a full refresh of EVENTS.LOGS reads. #}
{{ sessionize(ref('stg_raw__logs')) }}
