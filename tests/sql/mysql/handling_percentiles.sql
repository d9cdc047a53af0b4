WITH RECURSIVE scoped_areas_allowed(id) AS 
(SELECT areas.id AS id 
FROM areas 
WHERE areas.id IN (%s) UNION SELECT scoped_areas_allowed_child.id AS id 
FROM areas AS scoped_areas_allowed_child INNER JOIN scoped_areas_allowed ON scoped_areas_allowed_child.parent_id = scoped_areas_allowed.id), 
scoped_areas(area_id, group_id, level) AS 
(SELECT areas.id AS area_id, areas.id AS group_id, areas.level AS level 
FROM areas 
WHERE areas.id IN (%s, %s) AND areas.id IN (SELECT scoped_areas_allowed.id 
FROM scoped_areas_allowed) UNION SELECT scoped_areas_child.id AS id, scoped_areas.group_id AS group_id, scoped_areas_child.level AS level 
FROM areas AS scoped_areas_child INNER JOIN scoped_areas ON scoped_areas_child.parent_id = scoped_areas.area_id)
 SELECT ranked.g0 AS group_id, max(CASE WHEN (ranked.rn = floor((ranked.n - %s) * %s) + %s) THEN ranked.v END) + max((ranked.n - %s) * %s - floor((ranked.n - %s) * %s)) * (max(CASE WHEN (ranked.rn = ceil((ranked.n - %s) * %s) + %s) THEN ranked.v END) - max(CASE WHEN (ranked.rn = floor((ranked.n - %s) * %s) + %s) THEN ranked.v END)) AS median_hours, max(CASE WHEN (ranked.rn = floor((ranked.n - %s) * %s) + %s) THEN ranked.v END) + max((ranked.n - %s) * %s - floor((ranked.n - %s) * %s)) * (max(CASE WHEN (ranked.rn = ceil((ranked.n - %s) * %s) + %s) THEN ranked.v END) - max(CASE WHEN (ranked.rn = floor((ranked.n - %s) * %s) + %s) THEN ranked.v END)) AS p90_hours 
FROM (SELECT scoped_areas.group_id AS g0, (TIMESTAMPDIFF(SECOND, events.reported_at, events.closed_at) / 3600e0) AS v, row_number() OVER (PARTITION BY scoped_areas.group_id ORDER BY (TIMESTAMPDIFF(SECOND, events.reported_at, events.closed_at) / 3600e0)) AS rn, count(*) OVER (PARTITION BY scoped_areas.group_id) AS n 
FROM events INNER JOIN scoped_areas ON events.grid_id = scoped_areas.area_id LEFT OUTER JOIN event_categories ON events.category_code = event_categories.code 
WHERE events.reported_at >= %s AND events.reported_at < %s AND events.status != %s AND events.status = %s AND events.closed_at <= %s AND events.closed_at >= events.reported_at AND (TIMESTAMPDIFF(SECOND, events.reported_at, events.closed_at) / 3600e0) IS NOT NULL) AS ranked GROUP BY ranked.g0
