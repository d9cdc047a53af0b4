WITH RECURSIVE scoped_areas_allowed(id) AS 
(SELECT areas.id AS id 
FROM areas 
WHERE areas.id IN (%(scope_roots_1)s::INTEGER) UNION SELECT scoped_areas_allowed_child.id AS id 
FROM areas AS scoped_areas_allowed_child JOIN scoped_areas_allowed ON scoped_areas_allowed_child.parent_id = scoped_areas_allowed.id), 
scoped_areas(area_id, group_id, level) AS 
(SELECT areas.id AS area_id, 0 AS group_id, areas.level AS level 
FROM areas 
WHERE areas.id IN (%(scoped_areas_groups_1)s::INTEGER) AND areas.id IN (SELECT scoped_areas_allowed.id 
FROM scoped_areas_allowed) UNION SELECT scoped_areas_child.id AS id, scoped_areas.group_id AS group_id, scoped_areas_child.level AS level 
FROM areas AS scoped_areas_child JOIN scoped_areas ON scoped_areas_child.parent_id = scoped_areas.area_id)
 SELECT events.reporter_worker_id AS key, count(*) AS reported, sum(CASE WHEN (events.status != %(status_1)s::VARCHAR) THEN %(param_1)s::INTEGER ELSE %(param_2)s::INTEGER END) AS filed 
FROM events LEFT OUTER JOIN event_categories ON events.category_code = event_categories.code 
WHERE events.grid_id IN (SELECT scoped_areas.area_id 
FROM scoped_areas) AND events.reported_at >= %(p_start)s::TIMESTAMP WITHOUT TIME ZONE AND events.reported_at < %(p_end)s::TIMESTAMP WITHOUT TIME ZONE GROUP BY events.reporter_worker_id

-- next statement

WITH RECURSIVE scoped_areas_allowed(id) AS 
(SELECT areas.id AS id 
FROM areas 
WHERE areas.id IN (%(scope_roots_1)s::INTEGER) UNION SELECT scoped_areas_allowed_child.id AS id 
FROM areas AS scoped_areas_allowed_child JOIN scoped_areas_allowed ON scoped_areas_allowed_child.parent_id = scoped_areas_allowed.id), 
scoped_areas(area_id, group_id, level) AS 
(SELECT areas.id AS area_id, 0 AS group_id, areas.level AS level 
FROM areas 
WHERE areas.id IN (%(scoped_areas_groups_1)s::INTEGER) AND areas.id IN (SELECT scoped_areas_allowed.id 
FROM scoped_areas_allowed) UNION SELECT scoped_areas_child.id AS id, scoped_areas.group_id AS group_id, scoped_areas_child.level AS level 
FROM areas AS scoped_areas_child JOIN scoped_areas ON scoped_areas_child.parent_id = scoped_areas.area_id)
 SELECT patrols.worker_id AS key, sum(CASE WHEN (patrols.kind = %(kind_1)s::VARCHAR) THEN patrols.households_visited ELSE %(param_1)s::INTEGER END) AS visited, count(DISTINCT CAST(patrols.started_at AS DATE)) AS patrol_days, sum(CASE WHEN (patrols.kind = %(kind_2)s::VARCHAR) THEN %(param_2)s::INTEGER ELSE %(param_3)s::INTEGER END) AS visited__rows, count(CASE WHEN (patrols.kind = %(kind_2)s::VARCHAR) THEN patrols.households_visited END) AS visited__known 
FROM patrols 
WHERE patrols.grid_id IN (SELECT scoped_areas.area_id 
FROM scoped_areas) AND patrols.started_at >= %(p_start)s::TIMESTAMP WITHOUT TIME ZONE AND patrols.started_at < %(p_end)s::TIMESTAMP WITHOUT TIME ZONE GROUP BY patrols.worker_id
