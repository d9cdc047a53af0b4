WITH RECURSIVE scoped_areas_allowed(id) AS 
(SELECT areas.id AS id 
FROM areas 
WHERE areas.id IN (%(scope_roots_1)s::INTEGER) UNION SELECT scoped_areas_allowed_child.id AS id 
FROM areas AS scoped_areas_allowed_child JOIN scoped_areas_allowed ON scoped_areas_allowed_child.parent_id = scoped_areas_allowed.id), 
scoped_areas(area_id, group_id, level) AS 
(SELECT areas.id AS area_id, areas.id AS group_id, areas.level AS level 
FROM areas 
WHERE areas.id IN (%(scoped_areas_groups_1)s::INTEGER, %(scoped_areas_groups_2)s::INTEGER) AND areas.id IN (SELECT scoped_areas_allowed.id 
FROM scoped_areas_allowed) UNION SELECT scoped_areas_child.id AS id, scoped_areas.group_id AS group_id, scoped_areas_child.level AS level 
FROM areas AS scoped_areas_child JOIN scoped_areas ON scoped_areas_child.parent_id = scoped_areas.area_id)
 SELECT scoped_areas.group_id AS group_id, count(*) AS reported, sum(CASE WHEN (events.status != %(status_1)s::VARCHAR AND events.status = %(status_2)s::VARCHAR AND events.closed_at <= %(asof)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_1)s::INTEGER ELSE %(param_2)s::INTEGER END) AS closed, sum(CASE WHEN (events.status != %(status_3)s::VARCHAR) THEN %(param_3)s::INTEGER ELSE %(param_4)s::INTEGER END) AS filed, sum(CASE WHEN (events.status != %(status_4)s::VARCHAR AND events.status = %(status_5)s::VARCHAR AND events.closed_at <= %(asof)s::TIMESTAMP WITHOUT TIME ZONE AND events.deadline_at IS NOT NULL AND events.closed_at <= events.deadline_at AND events.closed_at >= events.reported_at) THEN %(param_5)s::INTEGER ELSE %(param_6)s::INTEGER END) AS on_time_n, sum(CASE WHEN (events.status != %(status_6)s::VARCHAR AND events.deadline_at IS NOT NULL AND (events.deadline_at <= %(asof)s::TIMESTAMP WITHOUT TIME ZONE OR events.status != %(status_7)s::VARCHAR AND events.status = %(status_8)s::VARCHAR AND events.closed_at <= %(asof)s::TIMESTAMP WITHOUT TIME ZONE)) THEN %(param_7)s::INTEGER ELSE %(param_8)s::INTEGER END) AS due_n 
FROM events JOIN scoped_areas ON events.grid_id = scoped_areas.area_id LEFT OUTER JOIN event_categories ON events.category_code = event_categories.code 
WHERE events.reported_at >= %(p_start)s::TIMESTAMP WITHOUT TIME ZONE AND events.reported_at < %(p_end)s::TIMESTAMP WITHOUT TIME ZONE GROUP BY scoped_areas.group_id
