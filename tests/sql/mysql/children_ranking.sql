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
 SELECT scoped_areas.group_id AS group_id, count(*) AS reported, sum(CASE WHEN (events.status != %s AND events.status = %s AND events.closed_at <= %s) THEN %s ELSE %s END) AS closed, sum(CASE WHEN (events.status != %s) THEN %s ELSE %s END) AS filed, sum(CASE WHEN (events.status != %s AND events.status = %s AND events.closed_at <= %s AND events.deadline_at IS NOT NULL AND events.closed_at <= events.deadline_at AND events.closed_at >= events.reported_at) THEN %s ELSE %s END) AS on_time_n, sum(CASE WHEN (events.status != %s AND events.deadline_at IS NOT NULL AND (events.deadline_at <= %s OR events.status != %s AND events.status = %s AND events.closed_at <= %s)) THEN %s ELSE %s END) AS due_n 
FROM events INNER JOIN scoped_areas ON events.grid_id = scoped_areas.area_id LEFT OUTER JOIN event_categories ON events.category_code = event_categories.code 
WHERE events.reported_at >= %s AND events.reported_at < %s GROUP BY scoped_areas.group_id
