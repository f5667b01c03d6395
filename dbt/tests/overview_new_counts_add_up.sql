-- The hourly "new" counts of a day add up to that day's active counts (spec §3).
with hourly as (
    select date_trunc('day', timestamp) as day,
           sum(count_new_sessions) as sessions, sum(count_new_users) as users, sum(count_new_clients) as clients
    from {{ ref('overview_1h') }}
    group by 1
)
select hourly.*
from hourly
join {{ ref('overview_1d') }} as daily on daily.timestamp = hourly.day
where hourly.sessions <> daily.count_active_sessions
   or hourly.users <> daily.count_active_users
   or hourly.clients <> daily.count_active_clients
