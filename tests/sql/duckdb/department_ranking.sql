SELECT events.department_code AS key, sum(CASE WHEN (events.status != %(status_1)s AND events.department_code IS NOT NULL) THEN %(param_1)s ELSE %(param_2)s END) AS dept_handled, sum(CASE WHEN (events.status != %(status_2)s AND (SELECT count(DISTINCT dispatches.department_code) AS count_1 
FROM dispatches 
WHERE dispatches.event_id = events.id AND dispatches.dispatched_at <= %(asof)s) > %(param_3)s) THEN %(param_4)s ELSE %(param_5)s END) AS multi_dispatched, sum(CASE WHEN (events.status != %(status_3)s AND (EXISTS (SELECT * 
FROM dispatches 
WHERE dispatches.event_id = events.id AND dispatches.dispatched_at <= %(asof)s))) THEN %(param_6)s ELSE %(param_7)s END) AS dept_cases 
FROM events LEFT OUTER JOIN event_categories ON events.category_code = event_categories.code 
WHERE events.grid_id IN (SELECT unnest(%(scope_ids_1)s) AS unnest_1) AND events.reported_at >= %(p_start)s AND events.reported_at < %(p_end)s AND (events.status != %(status_4)s AND events.department_code IS NOT NULL OR events.status != %(status_5)s AND (SELECT count(DISTINCT dispatches.department_code) AS count_2 
FROM dispatches 
WHERE dispatches.event_id = events.id AND dispatches.dispatched_at <= %(asof)s) > %(param_8)s OR events.status != %(status_6)s AND (EXISTS (SELECT * 
FROM dispatches 
WHERE dispatches.event_id = events.id AND dispatches.dispatched_at <= %(asof)s))) GROUP BY events.department_code

-- next statement

SELECT dispatches.department_code AS key, avg(CASE WHEN (dispatches.dispatched_at <= %(asof)s AND dispatches.accepted_at <= %(asof)s AND dispatches.accepted_at >= dispatches.dispatched_at) THEN (date_diff('second', dispatches.dispatched_at, dispatches.accepted_at) / 3600e0) END) AS response_hours, sum(CASE WHEN (dispatches.dispatched_at <= %(asof)s AND dispatches.returned_at <= %(asof)s) THEN %(param_1)s ELSE %(param_2)s END) AS returned_n, sum(CASE WHEN (dispatches.dispatched_at <= %(asof)s) THEN %(param_3)s ELSE %(param_4)s END) AS dispatches_n 
FROM dispatches JOIN events ON dispatches.event_id = events.id 
WHERE events.grid_id IN (SELECT unnest(%(scope_ids_1)s) AS unnest_1) AND dispatches.dispatched_at >= %(p_start)s AND dispatches.dispatched_at < %(p_end)s AND (dispatches.dispatched_at <= %(asof)s AND dispatches.accepted_at <= %(asof)s AND dispatches.accepted_at >= dispatches.dispatched_at OR dispatches.dispatched_at <= %(asof)s AND dispatches.returned_at <= %(asof)s OR dispatches.dispatched_at <= %(asof)s) GROUP BY dispatches.department_code

-- next statement

SELECT events.department_code AS key, sum(CASE WHEN (surveys.result IN (%(result_1_1)s, %(result_1_2)s)) THEN %(param_1)s ELSE %(param_2)s END) AS satisfied_n, sum(CASE WHEN (surveys.result IN (%(result_2_1)s, %(result_2_2)s, %(result_2_3)s)) THEN %(param_3)s ELSE %(param_4)s END) AS satisfaction_n 
FROM surveys LEFT OUTER JOIN events ON surveys.event_id = events.id LEFT OUTER JOIN event_categories ON events.category_code = event_categories.code 
WHERE surveys.grid_id IN (SELECT unnest(%(scope_ids_1)s) AS unnest_1) AND surveys.surveyed_at >= %(p_start)s AND surveys.surveyed_at < %(p_end)s AND (surveys.result IN (%(result_3_1)s, %(result_3_2)s) OR surveys.result IN (%(result_4_1)s, %(result_4_2)s, %(result_4_3)s)) GROUP BY events.department_code
