WITH RECURSIVE scoped_areas_allowed(id) AS 
(SELECT areas.id AS id 
FROM areas 
WHERE areas.id IN (%s) UNION SELECT scoped_areas_allowed_child.id AS id 
FROM areas AS scoped_areas_allowed_child INNER JOIN scoped_areas_allowed ON scoped_areas_allowed_child.parent_id = scoped_areas_allowed.id), 
scoped_areas(area_id, group_id, level) AS 
(SELECT areas.id AS area_id, 0 AS group_id, areas.level AS level 
FROM areas 
WHERE areas.id IN (%s) AND areas.id IN (SELECT scoped_areas_allowed.id 
FROM scoped_areas_allowed) UNION SELECT scoped_areas_child.id AS id, scoped_areas.group_id AS group_id, scoped_areas_child.level AS level 
FROM areas AS scoped_areas_child INNER JOIN scoped_areas ON scoped_areas_child.parent_id = scoped_areas.area_id)
 SELECT 0 AS group_id, count(*) AS reported, sum(CASE WHEN (events.status != %s) THEN %s ELSE %s END) AS filed, sum(CASE WHEN (events.status != %s AND events.status = %s AND events.closed_at <= %s) THEN %s ELSE %s END) AS closed, sum(CASE WHEN (events.status != %s AND events.status = %s AND events.closed_at <= %s AND events.closed_at >= events.reported_at) THEN %s ELSE %s END) AS handled_n, avg(CASE WHEN (events.status != %s AND events.status = %s AND events.closed_at <= %s AND events.closed_at >= events.reported_at) THEN (TIMESTAMPDIFF(SECOND, events.reported_at, events.closed_at) / 3600e0) END) AS mean_hours, sum(CASE WHEN (events.status != %s AND events.status = %s AND events.closed_at <= %s AND events.deadline_at IS NOT NULL AND events.closed_at <= events.deadline_at AND events.closed_at >= events.reported_at) THEN %s ELSE %s END) AS on_time_n, sum(CASE WHEN (events.status != %s AND events.deadline_at IS NOT NULL AND (events.deadline_at <= %s OR events.status != %s AND events.status = %s AND events.closed_at <= %s)) THEN %s ELSE %s END) AS due_n, sum(CASE WHEN (events.status != %s AND events.status = %s AND events.closed_at <= %s AND events.reopen_count > %s) THEN %s ELSE %s END) AS reopened, sum(CASE WHEN (events.status != %s AND events.status = %s AND events.closed_at <= %s AND events.resolved_level = %s) THEN %s ELSE %s END) AS grid_resolved, sum(CASE WHEN (events.status != %s AND events.status = %s AND events.closed_at <= %s) THEN %s ELSE %s END) AS reopened__rows, count(CASE WHEN (events.status != %s AND events.status = %s AND events.closed_at <= %s) THEN events.reopen_count END) AS reopened__known, sum(CASE WHEN (events.status != %s AND events.status = %s AND events.closed_at <= %s) THEN %s ELSE %s END) AS grid_resolved__rows, count(CASE WHEN (events.status != %s AND events.status = %s AND events.closed_at <= %s) THEN events.resolved_level END) AS grid_resolved__known 
FROM events LEFT OUTER JOIN event_categories ON events.category_code = event_categories.code 
WHERE events.grid_id IN (SELECT scoped_areas.area_id 
FROM scoped_areas) AND events.reported_at >= %s AND events.reported_at < %s

-- next statement

WITH RECURSIVE scoped_areas_allowed(id) AS 
(SELECT areas.id AS id 
FROM areas 
WHERE areas.id IN (%s) UNION SELECT scoped_areas_allowed_child.id AS id 
FROM areas AS scoped_areas_allowed_child INNER JOIN scoped_areas_allowed ON scoped_areas_allowed_child.parent_id = scoped_areas_allowed.id), 
scoped_areas(area_id, group_id, level) AS 
(SELECT areas.id AS area_id, 0 AS group_id, areas.level AS level 
FROM areas 
WHERE areas.id IN (%s) AND areas.id IN (SELECT scoped_areas_allowed.id 
FROM scoped_areas_allowed) UNION SELECT scoped_areas_child.id AS id, scoped_areas.group_id AS group_id, scoped_areas_child.level AS level 
FROM areas AS scoped_areas_child INNER JOIN scoped_areas ON scoped_areas_child.parent_id = scoped_areas.area_id)
 SELECT 0 AS group_id, max(CASE WHEN (ranked.rn = floor((ranked.n - %s) * %s) + %s) THEN ranked.v END) + max((ranked.n - %s) * %s - floor((ranked.n - %s) * %s)) * (max(CASE WHEN (ranked.rn = ceil((ranked.n - %s) * %s) + %s) THEN ranked.v END) - max(CASE WHEN (ranked.rn = floor((ranked.n - %s) * %s) + %s) THEN ranked.v END)) AS median_hours, max(CASE WHEN (ranked.rn = floor((ranked.n - %s) * %s) + %s) THEN ranked.v END) + max((ranked.n - %s) * %s - floor((ranked.n - %s) * %s)) * (max(CASE WHEN (ranked.rn = ceil((ranked.n - %s) * %s) + %s) THEN ranked.v END) - max(CASE WHEN (ranked.rn = floor((ranked.n - %s) * %s) + %s) THEN ranked.v END)) AS p90_hours 
FROM (SELECT (TIMESTAMPDIFF(SECOND, events.reported_at, events.closed_at) / 3600e0) AS v, row_number() OVER (ORDER BY (TIMESTAMPDIFF(SECOND, events.reported_at, events.closed_at) / 3600e0)) AS rn, count(*) OVER () AS n 
FROM events LEFT OUTER JOIN event_categories ON events.category_code = event_categories.code 
WHERE events.grid_id IN (SELECT scoped_areas.area_id 
FROM scoped_areas) AND events.reported_at >= %s AND events.reported_at < %s AND events.status != %s AND events.status = %s AND events.closed_at <= %s AND events.closed_at >= events.reported_at AND (TIMESTAMPDIFF(SECOND, events.reported_at, events.closed_at) / 3600e0) IS NOT NULL) AS ranked

-- next statement

WITH RECURSIVE scoped_areas_allowed(id) AS 
(SELECT areas.id AS id 
FROM areas 
WHERE areas.id IN (%s) UNION SELECT scoped_areas_allowed_child.id AS id 
FROM areas AS scoped_areas_allowed_child INNER JOIN scoped_areas_allowed ON scoped_areas_allowed_child.parent_id = scoped_areas_allowed.id), 
scoped_areas(area_id, group_id, level) AS 
(SELECT areas.id AS area_id, 0 AS group_id, areas.level AS level 
FROM areas 
WHERE areas.id IN (%s) AND areas.id IN (SELECT scoped_areas_allowed.id 
FROM scoped_areas_allowed) UNION SELECT scoped_areas_child.id AS id, scoped_areas.group_id AS group_id, scoped_areas_child.level AS level 
FROM areas AS scoped_areas_child INNER JOIN scoped_areas ON scoped_areas_child.parent_id = scoped_areas.area_id)
 SELECT 0 AS group_id, sum(CASE WHEN ((events.status IN (%s, %s, %s, %s) OR events.status = %s AND (events.closed_at > %s OR events.closed_at IS NULL)) AND events.reported_at <= %s AND events.deadline_at < %s) THEN %s ELSE %s END) AS overdue_open, sum(CASE WHEN ((events.status IN (%s, %s, %s, %s) OR events.status = %s AND (events.closed_at > %s OR events.closed_at IS NULL)) AND events.reported_at <= %s) THEN %s ELSE %s END) AS overdue_open__rows, count(CASE WHEN ((events.status IN (%s, %s, %s, %s) OR events.status = %s AND (events.closed_at > %s OR events.closed_at IS NULL)) AND events.reported_at <= %s) THEN events.deadline_at END) AS overdue_open__known 
FROM events LEFT OUTER JOIN event_categories ON events.category_code = event_categories.code 
WHERE events.grid_id IN (SELECT scoped_areas.area_id 
FROM scoped_areas) AND ((events.status IN (%s, %s, %s, %s) OR events.status = %s AND (events.closed_at > %s OR events.closed_at IS NULL)) AND events.reported_at <= %s AND events.deadline_at < %s OR (events.status IN (%s, %s, %s, %s) OR events.status = %s AND (events.closed_at > %s OR events.closed_at IS NULL)) AND events.reported_at <= %s)

-- next statement

WITH RECURSIVE scoped_areas_allowed(id) AS 
(SELECT areas.id AS id 
FROM areas 
WHERE areas.id IN (%s) UNION SELECT scoped_areas_allowed_child.id AS id 
FROM areas AS scoped_areas_allowed_child INNER JOIN scoped_areas_allowed ON scoped_areas_allowed_child.parent_id = scoped_areas_allowed.id), 
scoped_areas(area_id, group_id, level) AS 
(SELECT areas.id AS area_id, 0 AS group_id, areas.level AS level 
FROM areas 
WHERE areas.id IN (%s) AND areas.id IN (SELECT scoped_areas_allowed.id 
FROM scoped_areas_allowed) UNION SELECT scoped_areas_child.id AS id, scoped_areas.group_id AS group_id, scoped_areas_child.level AS level 
FROM areas AS scoped_areas_child INNER JOIN scoped_areas ON scoped_areas_child.parent_id = scoped_areas.area_id)
 SELECT 0 AS group_id, sum(CASE WHEN (surveys.result IN (%s, %s)) THEN %s ELSE %s END) AS satisfied_n, sum(CASE WHEN (surveys.result IN (%s, %s, %s)) THEN %s ELSE %s END) AS satisfaction_n 
FROM surveys 
WHERE surveys.grid_id IN (SELECT scoped_areas.area_id 
FROM scoped_areas) AND surveys.surveyed_at >= %s AND surveys.surveyed_at < %s AND (surveys.result IN (%s, %s) OR surveys.result IN (%s, %s, %s))
