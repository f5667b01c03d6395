{# Every hit deduplicated and sessionized (see the sessionize macro): what EVENTS_LIVE reads for the clients with
   new rows. A full refresh of EVENTS.LOGS makes the same rows in two statements (see logs.sql). #}
{{ sessionize(ref('stg_raw__logs')) }}
