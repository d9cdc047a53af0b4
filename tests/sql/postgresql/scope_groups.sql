SELECT scope_groups.area_id, scope_groups.group_id 
FROM (SELECT unnest(%(scope_areas_1)s::INTEGER[]) AS area_id, unnest(%(scope_groups_1)s::INTEGER[]) AS group_id) AS scope_groups
