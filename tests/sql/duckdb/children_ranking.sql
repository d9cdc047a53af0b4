WITH RECURSIVE scoped_areas_allowed(id) AS 
(SELECT areas.id AS id 
FROM areas 
WHERE areas.id IN (%(scope_roots_1)s) UNION SELECT scoped_areas_allowed_child.id AS id 
FROM areas AS scoped_areas_allowed_child JOIN scoped_areas_allowed ON scoped_areas_allowed_child.parent_id = scoped_areas_allowed.id), 
scoped_areas(area_id, group_id, level) AS 
(SELECT areas.id AS area_id, areas.id AS group_id, areas.level AS level 
FROM areas 
WHERE areas.id IN (%(scoped_areas_groups_1)s, %(scoped_areas_groups_2)s) AND areas.id IN (SELECT scoped_areas_allowed.id 
FROM scoped_areas_allowed) UNION SELECT scoped_areas_child.id AS id, scoped_areas.group_id AS group_id, scoped_areas_child.level AS level 
FROM areas AS scoped_areas_child JOIN scoped_areas ON scoped_areas_child.parent_id = scoped_areas.area_id)
 SELECT scoped_areas.group_id AS group_id, count(*) AS reported, sum(CASE WHEN (events.status != %(status_1)s AND events.status = %(status_2)s AND events.closed_at <= %(asof)s) THEN %(param_1)s ELSE %(param_2)s END) AS closed, sum(CASE WHEN (events.status != %(status_3)s) THEN %(param_3)s ELSE %(param_4)s END) AS filed, sum(CASE WHEN (events.status != %(status_4)s AND events.status = %(status_5)s AND events.closed_at <= %(asof)s AND events.deadline_at IS NOT NULL AND events.closed_at <= events.deadline_at AND events.closed_at >= events.reported_at) THEN %(param_5)s ELSE %(param_6)s END) AS on_time_n, sum(CASE WHEN (events.status != %(status_6)s AND events.deadline_at IS NOT NULL AND (events.deadline_at <= %(asof)s OR events.status != %(status_7)s AND events.status = %(status_8)s AND events.closed_at <= %(asof)s)) THEN %(param_7)s ELSE %(param_8)s END) AS due_n 
FROM events JOIN scoped_areas ON events.grid_id = scoped_areas.area_id LEFT OUTER JOIN event_categories ON events.category_code = event_categories.code 
WHERE events.reported_at >= %(p_start)s AND events.reported_at < %(p_end)s GROUP BY scoped_areas.group_id
