SELECT events.department_code AS `key`, sum(CASE WHEN (events.status != %s AND events.department_code IS NOT NULL) THEN %s ELSE %s END) AS dept_handled, sum(CASE WHEN (events.status != %s AND (SELECT count(DISTINCT dispatches.department_code) AS count_1 
FROM dispatches 
WHERE dispatches.event_id = events.id AND dispatches.dispatched_at <= %s) > %s) THEN %s ELSE %s END) AS multi_dispatched, sum(CASE WHEN (events.status != %s AND (EXISTS (SELECT * 
FROM dispatches 
WHERE dispatches.event_id = events.id AND dispatches.dispatched_at <= %s))) THEN %s ELSE %s END) AS dept_cases 
FROM events LEFT OUTER JOIN event_categories ON events.category_code = event_categories.code 
WHERE (events.grid_id IN (2, 3, 4)) AND events.reported_at >= %s AND events.reported_at < %s AND (events.status != %s AND events.department_code IS NOT NULL OR events.status != %s AND (SELECT count(DISTINCT dispatches.department_code) AS count_2 
FROM dispatches 
WHERE dispatches.event_id = events.id AND dispatches.dispatched_at <= %s) > %s OR events.status != %s AND (EXISTS (SELECT * 
FROM dispatches 
WHERE dispatches.event_id = events.id AND dispatches.dispatched_at <= %s))) GROUP BY events.department_code

-- next statement

SELECT dispatches.department_code AS `key`, avg(CASE WHEN (dispatches.dispatched_at <= %s AND dispatches.accepted_at <= %s AND dispatches.accepted_at >= dispatches.dispatched_at) THEN (TIMESTAMPDIFF(SECOND, dispatches.dispatched_at, dispatches.accepted_at) / 3600e0) END) AS response_hours, sum(CASE WHEN (dispatches.dispatched_at <= %s AND dispatches.returned_at <= %s) THEN %s ELSE %s END) AS returned_n, sum(CASE WHEN (dispatches.dispatched_at <= %s) THEN %s ELSE %s END) AS dispatches_n 
FROM dispatches INNER JOIN events ON dispatches.event_id = events.id 
WHERE (events.grid_id IN (2, 3, 4)) AND dispatches.dispatched_at >= %s AND dispatches.dispatched_at < %s AND (dispatches.dispatched_at <= %s AND dispatches.accepted_at <= %s AND dispatches.accepted_at >= dispatches.dispatched_at OR dispatches.dispatched_at <= %s AND dispatches.returned_at <= %s OR dispatches.dispatched_at <= %s) GROUP BY dispatches.department_code

-- next statement

SELECT events.department_code AS `key`, sum(CASE WHEN (surveys.result IN (%s, %s)) THEN %s ELSE %s END) AS satisfied_n, sum(CASE WHEN (surveys.result IN (%s, %s, %s)) THEN %s ELSE %s END) AS satisfaction_n 
FROM surveys LEFT OUTER JOIN events ON surveys.event_id = events.id LEFT OUTER JOIN event_categories ON events.category_code = event_categories.code 
WHERE (surveys.grid_id IN (2, 3, 4)) AND surveys.surveyed_at >= %s AND surveys.surveyed_at < %s AND (surveys.result IN (%s, %s) OR surveys.result IN (%s, %s, %s)) GROUP BY events.department_code
