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
 SELECT scoped_areas.group_id AS group_id, percentile_cont(%(percentile_cont_1)s) WITHIN GROUP (ORDER BY CASE WHEN (events.status != %(status_1)s AND events.status = %(status_2)s AND events.closed_at <= %(asof)s AND events.closed_at >= events.reported_at) THEN (date_diff('second', events.reported_at, events.closed_at) / 3600e0) END) AS median_hours, percentile_cont(%(percentile_cont_2)s) WITHIN GROUP (ORDER BY CASE WHEN (events.status != %(status_3)s AND events.status = %(status_4)s AND events.closed_at <= %(asof)s AND events.closed_at >= events.reported_at) THEN (date_diff('second', events.reported_at, events.closed_at) / 3600e0) END) AS p90_hours 
FROM events JOIN scoped_areas ON events.grid_id = scoped_areas.area_id LEFT OUTER JOIN event_categories ON events.category_code = event_categories.code 
WHERE events.reported_at >= %(p_start)s AND events.reported_at < %(p_end)s AND (events.status != %(status_5)s AND events.status = %(status_6)s AND events.closed_at <= %(asof)s AND events.closed_at >= events.reported_at OR events.status != %(status_7)s AND events.status = %(status_8)s AND events.closed_at <= %(asof)s AND events.closed_at >= events.reported_at) GROUP BY scoped_areas.group_id
