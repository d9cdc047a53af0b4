SELECT events.department_code AS key, sum(CASE WHEN (events.status != %(status_1)s::VARCHAR AND events.department_code IS NOT NULL) THEN %(param_1)s::INTEGER ELSE %(param_2)s::INTEGER END) AS dept_handled, sum(CASE WHEN (events.status != %(status_2)s::VARCHAR AND (SELECT count(DISTINCT dispatches.department_code) AS count_1 
FROM dispatches 
WHERE dispatches.event_id = events.id AND dispatches.dispatched_at <= %(asof)s::TIMESTAMP WITHOUT TIME ZONE) > %(param_3)s::INTEGER) THEN %(param_4)s::INTEGER ELSE %(param_5)s::INTEGER END) AS multi_dispatched, sum(CASE WHEN (events.status != %(status_3)s::VARCHAR AND (EXISTS (SELECT * 
FROM dispatches 
WHERE dispatches.event_id = events.id AND dispatches.dispatched_at <= %(asof)s::TIMESTAMP WITHOUT TIME ZONE))) THEN %(param_6)s::INTEGER ELSE %(param_7)s::INTEGER END) AS dept_cases 
FROM events LEFT OUTER JOIN event_categories ON events.category_code = event_categories.code 
WHERE events.grid_id IN (SELECT unnest(%(scope_ids_1)s::INTEGER[]) AS unnest_1) AND events.reported_at >= %(p_start)s::TIMESTAMP WITHOUT TIME ZONE AND events.reported_at < %(p_end)s::TIMESTAMP WITHOUT TIME ZONE AND (events.status != %(status_4)s::VARCHAR AND events.department_code IS NOT NULL OR events.status != %(status_5)s::VARCHAR AND (SELECT count(DISTINCT dispatches.department_code) AS count_2 
FROM dispatches 
WHERE dispatches.event_id = events.id AND dispatches.dispatched_at <= %(asof)s::TIMESTAMP WITHOUT TIME ZONE) > %(param_8)s::INTEGER OR events.status != %(status_6)s::VARCHAR AND (EXISTS (SELECT * 
FROM dispatches 
WHERE dispatches.event_id = events.id AND dispatches.dispatched_at <= %(asof)s::TIMESTAMP WITHOUT TIME ZONE))) GROUP BY events.department_code

-- next statement

SELECT dispatches.department_code AS key, avg(CASE WHEN (dispatches.dispatched_at <= %(asof)s::TIMESTAMP WITHOUT TIME ZONE AND dispatches.accepted_at <= %(asof)s::TIMESTAMP WITHOUT TIME ZONE AND dispatches.accepted_at >= dispatches.dispatched_at) THEN (date_part('epoch', dispatches.accepted_at - dispatches.dispatched_at) / CAST(3600 AS DOUBLE PRECISION)) END) AS response_hours, sum(CASE WHEN (dispatches.dispatched_at <= %(asof)s::TIMESTAMP WITHOUT TIME ZONE AND dispatches.returned_at <= %(asof)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_1)s::INTEGER ELSE %(param_2)s::INTEGER END) AS returned_n, sum(CASE WHEN (dispatches.dispatched_at <= %(asof)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_3)s::INTEGER ELSE %(param_4)s::INTEGER END) AS dispatches_n 
FROM dispatches JOIN events ON dispatches.event_id = events.id 
WHERE events.grid_id IN (SELECT unnest(%(scope_ids_1)s::INTEGER[]) AS unnest_1) AND dispatches.dispatched_at >= %(p_start)s::TIMESTAMP WITHOUT TIME ZONE AND dispatches.dispatched_at < %(p_end)s::TIMESTAMP WITHOUT TIME ZONE AND (dispatches.dispatched_at <= %(asof)s::TIMESTAMP WITHOUT TIME ZONE AND dispatches.accepted_at <= %(asof)s::TIMESTAMP WITHOUT TIME ZONE AND dispatches.accepted_at >= dispatches.dispatched_at OR dispatches.dispatched_at <= %(asof)s::TIMESTAMP WITHOUT TIME ZONE AND dispatches.returned_at <= %(asof)s::TIMESTAMP WITHOUT TIME ZONE OR dispatches.dispatched_at <= %(asof)s::TIMESTAMP WITHOUT TIME ZONE) GROUP BY dispatches.department_code

-- next statement

SELECT events.department_code AS key, sum(CASE WHEN (surveys.result IN (%(result_1_1)s::VARCHAR, %(result_1_2)s::VARCHAR)) THEN %(param_1)s::INTEGER ELSE %(param_2)s::INTEGER END) AS satisfied_n, sum(CASE WHEN (surveys.result IN (%(result_2_1)s::VARCHAR, %(result_2_2)s::VARCHAR, %(result_2_3)s::VARCHAR)) THEN %(param_3)s::INTEGER ELSE %(param_4)s::INTEGER END) AS satisfaction_n 
FROM surveys LEFT OUTER JOIN events ON surveys.event_id = events.id LEFT OUTER JOIN event_categories ON events.category_code = event_categories.code 
WHERE surveys.grid_id IN (SELECT unnest(%(scope_ids_1)s::INTEGER[]) AS unnest_1) AND surveys.surveyed_at >= %(p_start)s::TIMESTAMP WITHOUT TIME ZONE AND surveys.surveyed_at < %(p_end)s::TIMESTAMP WITHOUT TIME ZONE AND (surveys.result IN (%(result_3_1)s::VARCHAR, %(result_3_2)s::VARCHAR) OR surveys.result IN (%(result_4_1)s::VARCHAR, %(result_4_2)s::VARCHAR, %(result_4_3)s::VARCHAR)) GROUP BY events.department_code
