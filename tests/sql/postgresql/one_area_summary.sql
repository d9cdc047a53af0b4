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
 SELECT 0 AS group_id, count(*) AS reported, sum(CASE WHEN (events.status != %(status_1)s::VARCHAR) THEN %(param_1)s::INTEGER ELSE %(param_2)s::INTEGER END) AS filed, sum(CASE WHEN (events.status != %(status_2)s::VARCHAR AND events.status = %(status_3)s::VARCHAR AND events.closed_at <= %(asof)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_3)s::INTEGER ELSE %(param_4)s::INTEGER END) AS closed, sum(CASE WHEN (events.status != %(status_4)s::VARCHAR AND events.status = %(status_5)s::VARCHAR AND events.closed_at <= %(asof)s::TIMESTAMP WITHOUT TIME ZONE AND events.closed_at >= events.reported_at) THEN %(param_5)s::INTEGER ELSE %(param_6)s::INTEGER END) AS handled_n, avg(CASE WHEN (events.status != %(status_6)s::VARCHAR AND events.status = %(status_7)s::VARCHAR AND events.closed_at <= %(asof)s::TIMESTAMP WITHOUT TIME ZONE AND events.closed_at >= events.reported_at) THEN (EXTRACT(EPOCH FROM (events.closed_at - events.reported_at)) / 3600.0) END) AS mean_hours, percentile_cont(%(percentile_cont_1)s) WITHIN GROUP (ORDER BY CASE WHEN (events.status != %(status_8)s::VARCHAR AND events.status = %(status_9)s::VARCHAR AND events.closed_at <= %(asof)s::TIMESTAMP WITHOUT TIME ZONE AND events.closed_at >= events.reported_at) THEN (EXTRACT(EPOCH FROM (events.closed_at - events.reported_at)) / 3600.0) END) AS median_hours, percentile_cont(%(percentile_cont_2)s) WITHIN GROUP (ORDER BY CASE WHEN (events.status != %(status_10)s::VARCHAR AND events.status = %(status_11)s::VARCHAR AND events.closed_at <= %(asof)s::TIMESTAMP WITHOUT TIME ZONE AND events.closed_at >= events.reported_at) THEN (EXTRACT(EPOCH FROM (events.closed_at - events.reported_at)) / 3600.0) END) AS p90_hours, sum(CASE WHEN (events.status != %(status_12)s::VARCHAR AND events.status = %(status_13)s::VARCHAR AND events.closed_at <= %(asof)s::TIMESTAMP WITHOUT TIME ZONE AND events.deadline_at IS NOT NULL AND events.closed_at <= events.deadline_at AND events.closed_at >= events.reported_at) THEN %(param_7)s::INTEGER ELSE %(param_8)s::INTEGER END) AS on_time_n, sum(CASE WHEN (events.status != %(status_14)s::VARCHAR AND events.deadline_at IS NOT NULL AND (events.deadline_at <= %(asof)s::TIMESTAMP WITHOUT TIME ZONE OR events.status != %(status_15)s::VARCHAR AND events.status = %(status_16)s::VARCHAR AND events.closed_at <= %(asof)s::TIMESTAMP WITHOUT TIME ZONE)) THEN %(param_9)s::INTEGER ELSE %(param_10)s::INTEGER END) AS due_n, sum(CASE WHEN (events.status != %(status_17)s::VARCHAR AND events.status = %(status_18)s::VARCHAR AND events.closed_at <= %(asof)s::TIMESTAMP WITHOUT TIME ZONE AND events.reopen_count > %(reopen_count_1)s::INTEGER) THEN %(param_11)s::INTEGER ELSE %(param_12)s::INTEGER END) AS reopened, sum(CASE WHEN (events.status != %(status_19)s::VARCHAR AND events.status = %(status_20)s::VARCHAR AND events.closed_at <= %(asof)s::TIMESTAMP WITHOUT TIME ZONE AND events.resolved_level = %(resolved_level_1)s::VARCHAR) THEN %(param_13)s::INTEGER ELSE %(param_14)s::INTEGER END) AS grid_resolved, sum(CASE WHEN (events.status != %(status_21)s::VARCHAR AND events.status = %(status_22)s::VARCHAR AND events.closed_at <= %(asof)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_15)s::INTEGER ELSE %(param_16)s::INTEGER END) AS reopened__rows, count(CASE WHEN (events.status != %(status_21)s::VARCHAR AND events.status = %(status_22)s::VARCHAR AND events.closed_at <= %(asof)s::TIMESTAMP WITHOUT TIME ZONE) THEN events.reopen_count END) AS reopened__known, sum(CASE WHEN (events.status != %(status_23)s::VARCHAR AND events.status = %(status_24)s::VARCHAR AND events.closed_at <= %(asof)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_17)s::INTEGER ELSE %(param_18)s::INTEGER END) AS grid_resolved__rows, count(CASE WHEN (events.status != %(status_23)s::VARCHAR AND events.status = %(status_24)s::VARCHAR AND events.closed_at <= %(asof)s::TIMESTAMP WITHOUT TIME ZONE) THEN events.resolved_level END) AS grid_resolved__known 
FROM events LEFT OUTER JOIN event_categories ON events.category_code = event_categories.code 
WHERE events.grid_id IN (SELECT scoped_areas.area_id 
FROM scoped_areas) AND events.reported_at >= %(p_start)s::TIMESTAMP WITHOUT TIME ZONE AND events.reported_at < %(p_end)s::TIMESTAMP WITHOUT TIME ZONE

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
 SELECT 0 AS group_id, sum(CASE WHEN ((events.status IN (%(status_1_1)s::VARCHAR, %(status_1_2)s::VARCHAR, %(status_1_3)s::VARCHAR, %(status_1_4)s::VARCHAR) OR events.status = %(status_2)s::VARCHAR AND (events.closed_at > %(asof)s::TIMESTAMP WITHOUT TIME ZONE OR events.closed_at IS NULL)) AND events.reported_at <= %(asof)s::TIMESTAMP WITHOUT TIME ZONE AND events.deadline_at < %(asof)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_1)s::INTEGER ELSE %(param_2)s::INTEGER END) AS overdue_open, sum(CASE WHEN ((events.status IN (%(status_3_1)s::VARCHAR, %(status_3_2)s::VARCHAR, %(status_3_3)s::VARCHAR, %(status_3_4)s::VARCHAR) OR events.status = %(status_4)s::VARCHAR AND (events.closed_at > %(asof)s::TIMESTAMP WITHOUT TIME ZONE OR events.closed_at IS NULL)) AND events.reported_at <= %(asof)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_3)s::INTEGER ELSE %(param_4)s::INTEGER END) AS overdue_open__rows, count(CASE WHEN ((events.status IN (%(status_3_1)s::VARCHAR, %(status_3_2)s::VARCHAR, %(status_3_3)s::VARCHAR, %(status_3_4)s::VARCHAR) OR events.status = %(status_4)s::VARCHAR AND (events.closed_at > %(asof)s::TIMESTAMP WITHOUT TIME ZONE OR events.closed_at IS NULL)) AND events.reported_at <= %(asof)s::TIMESTAMP WITHOUT TIME ZONE) THEN events.deadline_at END) AS overdue_open__known 
FROM events LEFT OUTER JOIN event_categories ON events.category_code = event_categories.code 
WHERE events.grid_id IN (SELECT scoped_areas.area_id 
FROM scoped_areas) AND ((events.status IN (%(status_5_1)s::VARCHAR, %(status_5_2)s::VARCHAR, %(status_5_3)s::VARCHAR, %(status_5_4)s::VARCHAR) OR events.status = %(status_6)s::VARCHAR AND (events.closed_at > %(asof)s::TIMESTAMP WITHOUT TIME ZONE OR events.closed_at IS NULL)) AND events.reported_at <= %(asof)s::TIMESTAMP WITHOUT TIME ZONE AND events.deadline_at < %(asof)s::TIMESTAMP WITHOUT TIME ZONE OR (events.status IN (%(status_7_1)s::VARCHAR, %(status_7_2)s::VARCHAR, %(status_7_3)s::VARCHAR, %(status_7_4)s::VARCHAR) OR events.status = %(status_8)s::VARCHAR AND (events.closed_at > %(asof)s::TIMESTAMP WITHOUT TIME ZONE OR events.closed_at IS NULL)) AND events.reported_at <= %(asof)s::TIMESTAMP WITHOUT TIME ZONE)

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
 SELECT 0 AS group_id, sum(CASE WHEN (surveys.result IN (%(result_1_1)s::VARCHAR, %(result_1_2)s::VARCHAR)) THEN %(param_1)s::INTEGER ELSE %(param_2)s::INTEGER END) AS satisfied_n, sum(CASE WHEN (surveys.result IN (%(result_2_1)s::VARCHAR, %(result_2_2)s::VARCHAR, %(result_2_3)s::VARCHAR)) THEN %(param_3)s::INTEGER ELSE %(param_4)s::INTEGER END) AS satisfaction_n 
FROM surveys 
WHERE surveys.grid_id IN (SELECT scoped_areas.area_id 
FROM scoped_areas) AND surveys.surveyed_at >= %(p_start)s::TIMESTAMP WITHOUT TIME ZONE AND surveys.surveyed_at < %(p_end)s::TIMESTAMP WITHOUT TIME ZONE AND (surveys.result IN (%(result_3_1)s::VARCHAR, %(result_3_2)s::VARCHAR) OR surveys.result IN (%(result_4_1)s::VARCHAR, %(result_4_2)s::VARCHAR, %(result_4_3)s::VARCHAR))
