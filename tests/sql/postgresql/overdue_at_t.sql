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
 SELECT 0 AS group_id, sum(CASE WHEN ((events.status IN (%(status_1_1)s::VARCHAR, %(status_1_2)s::VARCHAR, %(status_1_3)s::VARCHAR, %(status_1_4)s::VARCHAR) OR events.status = %(status_2)s::VARCHAR AND (events.closed_at > %(asof)s::TIMESTAMP WITHOUT TIME ZONE OR events.closed_at IS NULL)) AND events.reported_at <= %(asof)s::TIMESTAMP WITHOUT TIME ZONE AND events.deadline_at < %(asof)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_1)s::INTEGER ELSE %(param_2)s::INTEGER END) AS overdue_open, sum(CASE WHEN ((events.status IN (%(status_3_1)s::VARCHAR, %(status_3_2)s::VARCHAR, %(status_3_3)s::VARCHAR, %(status_3_4)s::VARCHAR) OR events.status = %(status_4)s::VARCHAR AND (events.closed_at > %(asof)s::TIMESTAMP WITHOUT TIME ZONE OR events.closed_at IS NULL)) AND events.reported_at <= %(asof)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_3)s::INTEGER ELSE %(param_4)s::INTEGER END) AS overdue_open__rows, count(CASE WHEN ((events.status IN (%(status_3_1)s::VARCHAR, %(status_3_2)s::VARCHAR, %(status_3_3)s::VARCHAR, %(status_3_4)s::VARCHAR) OR events.status = %(status_4)s::VARCHAR AND (events.closed_at > %(asof)s::TIMESTAMP WITHOUT TIME ZONE OR events.closed_at IS NULL)) AND events.reported_at <= %(asof)s::TIMESTAMP WITHOUT TIME ZONE) THEN events.deadline_at END) AS overdue_open__known 
FROM events LEFT OUTER JOIN event_categories ON events.category_code = event_categories.code 
WHERE events.grid_id IN (SELECT scoped_areas.area_id 
FROM scoped_areas) AND ((events.status IN (%(status_5_1)s::VARCHAR, %(status_5_2)s::VARCHAR, %(status_5_3)s::VARCHAR, %(status_5_4)s::VARCHAR) OR events.status = %(status_6)s::VARCHAR AND (events.closed_at > %(asof)s::TIMESTAMP WITHOUT TIME ZONE OR events.closed_at IS NULL)) AND events.reported_at <= %(asof)s::TIMESTAMP WITHOUT TIME ZONE AND events.deadline_at < %(asof)s::TIMESTAMP WITHOUT TIME ZONE OR (events.status IN (%(status_7_1)s::VARCHAR, %(status_7_2)s::VARCHAR, %(status_7_3)s::VARCHAR, %(status_7_4)s::VARCHAR) OR events.status = %(status_8)s::VARCHAR AND (events.closed_at > %(asof)s::TIMESTAMP WITHOUT TIME ZONE OR events.closed_at IS NULL)) AND events.reported_at <= %(asof)s::TIMESTAMP WITHOUT TIME ZONE)
