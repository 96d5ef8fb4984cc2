-- The functions the row rules and team mode's triggers call on every statement or row, made
-- again in PL/pgSQL with the same answers (PostgreSQL only; no SQLite migration of this number).
-- A SQL function that cannot be inlined (each of these sets its search_path, and some run as
-- their owner) is parsed and planned again for every statement that calls it: measured on an
-- import, `vetdesk_acting_name()` cost about 130 µs a call, once for every audit record and
-- case written, and `vetdesk_sees_every_case()` once for every statement a reviewer runs on a
-- table with a row rule. PL/pgSQL keeps each query's plan for the session, so a call costs a few
-- µs. CREATE OR REPLACE keeps each function's owner and grants. (`team.sql` does the same for the
-- functions of its own, applied by `vetdesk team init`.)

CREATE OR REPLACE FUNCTION vetdesk_acting_name() RETURNS text
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    RETURN coalesce((SELECT name FROM vetdesk_logins WHERE login = session_user::text),
                    session_user::text);
END $$;

-- Asked by every statement a member runs on a table with a row rule: an expression without a
-- query (a role that does not exist yet, before `team init`, counts as not held).
CREATE OR REPLACE FUNCTION vetdesk_sees_every_case() RETURNS boolean
LANGUAGE plpgsql STABLE SET search_path = public, pg_temp AS $$
BEGIN
    RETURN coalesce(pg_has_role(session_user, to_regrole('vetdesk_investigator'), 'MEMBER'), false)
        OR coalesce(pg_has_role(session_user, to_regrole('vetdesk_compliance'), 'MEMBER'), false)
        OR coalesce(pg_has_role(session_user, to_regrole('vetdesk_admin'), 'MEMBER'), false);
END $$;

CREATE OR REPLACE FUNCTION vetdesk_case_visible(case_kind text, case_assignee text)
RETURNS boolean LANGUAGE plpgsql STABLE SET search_path = public, pg_temp AS $$
BEGIN
    RETURN case_kind NOT IN ('investigation', 'monitoring')
        OR vetdesk_sees_every_case()
        OR coalesce(case_assignee = vetdesk_acting_name(), false);  -- never NULL
END $$;

-- The id the next row of a table gets, counted over every row (as in 0012): one static query per
-- table, whose plan is kept, instead of a query made up and planned again on every call (the
-- store asks for two ids per imported candidate).
CREATE OR REPLACE FUNCTION vetdesk_next_id(table_name text) RETURNS bigint
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE found bigint;
BEGIN
    CASE table_name
        WHEN 'users' THEN SELECT coalesce(max(id), 0) + 1 INTO found FROM users;
        WHEN 'vendors' THEN SELECT coalesce(max(id), 0) + 1 INTO found FROM vendors;
        WHEN 'candidates' THEN SELECT coalesce(max(id), 0) + 1 INTO found FROM candidates;
        WHEN 'cases' THEN SELECT coalesce(max(id), 0) + 1 INTO found FROM cases;
        WHEN 'notes' THEN SELECT coalesce(max(id), 0) + 1 INTO found FROM notes;
        WHEN 'evidence' THEN SELECT coalesce(max(id), 0) + 1 INTO found FROM evidence;
        WHEN 'identity_documents' THEN SELECT coalesce(max(id), 0) + 1 INTO found FROM identity_documents;
        WHEN 'interviews' THEN SELECT coalesce(max(id), 0) + 1 INTO found FROM interviews;
        WHEN 'everify_cases' THEN SELECT coalesce(max(id), 0) + 1 INTO found FROM everify_cases;
        WHEN 'case_references' THEN SELECT coalesce(max(id), 0) + 1 INTO found FROM case_references;
        WHEN 'payment_details' THEN SELECT coalesce(max(id), 0) + 1 INTO found FROM payment_details;
        WHEN 'observed_ips' THEN SELECT coalesce(max(id), 0) + 1 INTO found FROM observed_ips;
        WHEN 'vendor_audits' THEN SELECT coalesce(max(id), 0) + 1 INTO found FROM vendor_audits;
        WHEN 'ip_lists' THEN SELECT coalesce(max(id), 0) + 1 INTO found FROM ip_lists;
        WHEN 'voip_entries' THEN SELECT coalesce(max(id), 0) + 1 INTO found FROM voip_entries;
        WHEN 'vpn_providers' THEN SELECT coalesce(max(id), 0) + 1 INTO found FROM vpn_providers;
        WHEN 'case_flags' THEN SELECT coalesce(max(id), 0) + 1 INTO found FROM case_flags;
        WHEN 'employees' THEN SELECT coalesce(max(id), 0) + 1 INTO found FROM employees;
        WHEN 'employee_devices' THEN SELECT coalesce(max(id), 0) + 1 INTO found FROM employee_devices;
        WHEN 'telemetry_imports' THEN SELECT coalesce(max(id), 0) + 1 INTO found FROM telemetry_imports;
        ELSE
            RAISE EXCEPTION 'vetdesk_next_id: % is not a table the store numbers', table_name
                USING ERRCODE = 'invalid_parameter_value';
    END CASE;
    RETURN found;
END $$;
