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
