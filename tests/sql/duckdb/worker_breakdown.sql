SELECT events.reporter_worker_id AS key, count(*) AS reported, sum(CASE WHEN (events.status != %(status_1)s) THEN %(param_1)s ELSE %(param_2)s END) AS filed 
FROM events LEFT OUTER JOIN event_categories ON events.category_code = event_categories.code 
WHERE events.grid_id IN (SELECT unnest(%(scope_ids_1)s) AS unnest_1) AND events.reported_at >= %(p_start)s AND events.reported_at < %(p_end)s GROUP BY events.reporter_worker_id

-- next statement

SELECT patrols.worker_id AS key, sum(CASE WHEN (patrols.kind = %(kind_1)s) THEN patrols.households_visited ELSE %(param_1)s END) AS visited, count(DISTINCT CAST(patrols.started_at AS DATE)) AS patrol_days, sum(CASE WHEN (patrols.kind = %(kind_2)s) THEN %(param_2)s ELSE %(param_3)s END) AS visited__rows, count(CASE WHEN (patrols.kind = %(kind_2)s) THEN patrols.households_visited END) AS visited__known 
FROM patrols 
WHERE patrols.grid_id IN (SELECT unnest(%(scope_ids_1)s) AS unnest_1) AND patrols.started_at >= %(p_start)s AND patrols.started_at < %(p_end)s GROUP BY patrols.worker_id
