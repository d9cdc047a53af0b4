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
 SELECT events.reporter_worker_id AS `key`, count(*) AS reported, sum(CASE WHEN (events.status != %s) THEN %s ELSE %s END) AS filed 
FROM events LEFT OUTER JOIN event_categories ON events.category_code = event_categories.code 
WHERE events.grid_id IN (SELECT scoped_areas.area_id 
FROM scoped_areas) AND events.reported_at >= %s AND events.reported_at < %s GROUP BY events.reporter_worker_id

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
 SELECT patrols.worker_id AS `key`, sum(CASE WHEN (patrols.kind = %s) THEN patrols.households_visited ELSE %s END) AS visited, count(DISTINCT CAST(patrols.started_at AS DATE)) AS patrol_days, sum(CASE WHEN (patrols.kind = %s) THEN %s ELSE %s END) AS visited__rows, count(CASE WHEN (patrols.kind = %s) THEN patrols.households_visited END) AS visited__known 
FROM patrols 
WHERE patrols.grid_id IN (SELECT scoped_areas.area_id 
FROM scoped_areas) AND patrols.started_at >= %s AND patrols.started_at < %s GROUP BY patrols.worker_id
