WITH RECURSIVE scoped_areas_allowed(id) AS 
(SELECT areas.id AS id 
FROM areas 
WHERE areas.id IN (%(scope_roots_1)s) UNION SELECT scoped_areas_allowed_child.id AS id 
FROM areas AS scoped_areas_allowed_child JOIN scoped_areas_allowed ON scoped_areas_allowed_child.parent_id = scoped_areas_allowed.id), 
scoped_areas(area_id, group_id, level) AS 
(SELECT areas.id AS area_id, 0 AS group_id, areas.level AS level 
FROM areas 
WHERE areas.id IN (%(scoped_areas_groups_1)s) AND areas.id IN (SELECT scoped_areas_allowed.id 
FROM scoped_areas_allowed) UNION SELECT scoped_areas_child.id AS id, scoped_areas.group_id AS group_id, scoped_areas_child.level AS level 
FROM areas AS scoped_areas_child JOIN scoped_areas ON scoped_areas_child.parent_id = scoped_areas.area_id)
 SELECT scoped_areas.area_id, scoped_areas.group_id, scoped_areas.level 
FROM scoped_areas
