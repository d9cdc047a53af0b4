SELECT scope_groups.area_id, scope_groups.group_id 
FROM (SELECT 2 AS area_id, 2 AS group_id UNION ALL SELECT 3 AS area_id, 2 AS group_id UNION ALL SELECT 4 AS area_id, 2 AS group_id UNION ALL SELECT 3 AS area_id, 3 AS group_id UNION ALL SELECT 5 AS area_id, 5 AS group_id UNION ALL SELECT 6 AS area_id, 5 AS group_id) AS scope_groups
