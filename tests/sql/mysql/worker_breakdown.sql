SELECT events.reporter_worker_id AS `key`, count(*) AS reported, sum(CASE WHEN (events.status != %s) THEN %s ELSE %s END) AS filed 
FROM events LEFT OUTER JOIN event_categories ON events.category_code = event_categories.code 
WHERE (events.grid_id IN (2, 3, 4)) AND events.reported_at >= %s AND events.reported_at < %s GROUP BY events.reporter_worker_id

-- next statement

SELECT patrols.worker_id AS `key`, sum(CASE WHEN (patrols.kind = %s) THEN patrols.households_visited ELSE %s END) AS visited, count(DISTINCT CAST(patrols.started_at AS DATE)) AS patrol_days, sum(CASE WHEN (patrols.kind = %s) THEN %s ELSE %s END) AS visited__rows, count(CASE WHEN (patrols.kind = %s) THEN patrols.households_visited END) AS visited__known 
FROM patrols 
WHERE (patrols.grid_id IN (2, 3, 4)) AND patrols.started_at >= %s AND patrols.started_at < %s GROUP BY patrols.worker_id
