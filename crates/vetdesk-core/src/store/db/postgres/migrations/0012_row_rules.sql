-- Row rules (team mode only; SQLite has no counterpart: a solo data directory has one user).
-- Investigation and monitoring cases concern current employees: such a case and every row that
-- belongs to it (checklist results, notes, evidence and the evidence of each result, its
-- verification records, red flags, the employee it watches and their accounts and devices,
-- its audit records, its search entries and the identifiers its records add to the links) are
-- visible only to investigators, compliance, admins and the case's assignee. Reviewers see the
-- other cases (pre-hire, re-verification).
--
-- Row-level security is enabled, not forced: the schema owner (who runs the migrations and
-- `team init`, and who could drop any rule anyway) and the SECURITY DEFINER functions below
-- see every row. Those functions return nothing of a hidden row but what the ledger already
-- shows every member (a case's id, the number of rows of a table).
--
-- The rules are (re)made by vetdesk_row_rules(), called here and by every `team init`, so a
-- dropped rule is put back as a dropped trigger is; `verify` names a missing or disabled one.

-- Pushed names and logins (`team push`): the name a login acts as, which is the name a case is
-- assigned to. Made here (before team.sql) because the rules below read it.
CREATE TABLE IF NOT EXISTS vetdesk_logins (
    name  text COLLATE "C" PRIMARY KEY,
    login text COLLATE "C" NOT NULL UNIQUE
);

-- The name the session's login acts as: the pushed name it answers for, else the login.
CREATE OR REPLACE FUNCTION vetdesk_acting_name() RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT coalesce((SELECT name FROM vetdesk_logins WHERE login = session_user::text),
                    session_user::text)
$$;

-- Whether the session's login sees every case: a member of vetdesk_investigator,
-- vetdesk_compliance or vetdesk_admin. (By oid, so that it answers false rather than failing
-- before `team init` has made the roles.)
CREATE OR REPLACE FUNCTION vetdesk_sees_every_case() RETURNS boolean
LANGUAGE sql STABLE SET search_path = public, pg_temp AS $$
    SELECT coalesce(bool_or(pg_has_role(session_user, r.oid, 'MEMBER')), false)
    FROM pg_roles r
    WHERE r.rolname IN ('vetdesk_investigator', 'vetdesk_compliance', 'vetdesk_admin')
$$;

-- Whether a case of this kind and assignee is visible to the session's login.
CREATE OR REPLACE FUNCTION vetdesk_case_visible(case_kind text, case_assignee text)
RETURNS boolean LANGUAGE sql STABLE SET search_path = public, pg_temp AS $$
    SELECT case_kind NOT IN ('investigation', 'monitoring')
        OR vetdesk_sees_every_case()
        OR coalesce(case_assignee = vetdesk_acting_name(), false)  -- never NULL
$$;

-- The cases the session's login may not see: their ids only (the ledger names their chains
-- to every member anyway). `verify` leaves their chains out rather than calling them removed.
-- None for the tables' owner, a superuser or a BYPASSRLS login, whom no rule applies to.
CREATE OR REPLACE FUNCTION vetdesk_hidden_cases() RETURNS SETOF bigint
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT id FROM cases
    WHERE NOT vetdesk_case_visible(kind, assignee)
      AND NOT EXISTS (SELECT 1 FROM pg_roles r
                      WHERE r.rolname = session_user
                        AND (r.rolsuper OR r.rolbypassrls
                             OR r.oid = (SELECT relowner FROM pg_class
                                         WHERE oid = 'cases'::regclass)))
    ORDER BY id
$$;

-- The id the next row of a table gets (the store numbers its own rows): counted over every
-- row, hidden or not, so that a reviewer's new row never takes a hidden row's id.
CREATE OR REPLACE FUNCTION vetdesk_next_id(table_name text) RETURNS bigint
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE found bigint;
BEGIN
    IF table_name NOT IN ('users', 'vendors', 'candidates', 'cases', 'notes', 'evidence',
            'identity_documents', 'interviews', 'everify_cases', 'case_references',
            'payment_details', 'observed_ips', 'vendor_audits', 'ip_lists', 'voip_entries',
            'vpn_providers', 'case_flags', 'employees', 'employee_devices',
            'telemetry_imports') THEN
        RAISE EXCEPTION 'vetdesk_next_id: % is not a table the store numbers', table_name
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    EXECUTE format('SELECT coalesce(max(id), 0) + 1 FROM %I', table_name) INTO found;
    RETURN found;
END $$;

-- Every row rule: (table, policy, command, expression). One place, read by
-- vetdesk_row_rules() to make them and by `verify` (through vetdesk_row_rule_list()) to check
-- them.
CREATE OR REPLACE FUNCTION vetdesk_row_rule_list()
RETURNS TABLE (table_name text, policy_name text, command text, rule text)
LANGUAGE sql IMMUTABLE AS $$
    SELECT t, t || '_visible', 'ALL',
           '(SELECT vetdesk_sees_every_case()) OR EXISTS (SELECT 1 FROM cases c WHERE c.id = case_id)'
    FROM unnest(ARRAY['checklist_items', 'notes', 'evidence', 'item_evidence',
                      'identity_documents', 'interviews', 'reachable_hours', 'everify_cases',
                      'case_references', 'payment_details', 'observed_ips', 'case_flags',
                      'employees']) AS t
    UNION ALL SELECT 'cases', 'cases_visible', 'ALL',
           '(SELECT vetdesk_sees_every_case()) OR vetdesk_case_visible(kind, assignee)'
    UNION ALL SELECT t, t || '_visible', 'ALL',
           '(SELECT vetdesk_sees_every_case()) OR EXISTS (SELECT 1 FROM employees e WHERE e.id = employee_id)'
    FROM unnest(ARRAY['employee_accounts', 'employee_devices']) AS t
    UNION ALL SELECT 'telemetry_events', 'telemetry_events_visible', 'ALL',
           '(SELECT vetdesk_sees_every_case()) OR employee_id IS NULL OR EXISTS (SELECT 1 FROM employees e WHERE e.id = employee_id)'
    UNION ALL SELECT 'search_index', 'search_index_visible', 'ALL',
           '(SELECT vetdesk_sees_every_case()) OR case_id IS NULL OR EXISTS (SELECT 1 FROM cases c WHERE c.id = case_id)'
    -- The audit log is read through its rule; appending stays guarded by its grants and
    -- triggers (a case's first record may be written before the case's row).
    UNION ALL SELECT 'audit_log', 'audit_log_visible', 'SELECT',
           '(SELECT vetdesk_sees_every_case()) OR case_id IS NULL OR EXISTS (SELECT 1 FROM cases c WHERE c.id = case_id)'
    UNION ALL SELECT 'audit_log', 'audit_log_append', 'INSERT', 'true'
    -- An identifier taken from a case's record (a reference, bank account or observed IP) is
    -- a link only for those who see the record.
    UNION ALL SELECT 'link_keys', 'link_keys_visible', 'ALL',
           '(SELECT vetdesk_sees_every_case()) OR record_id IS NULL OR CASE role'
           || ' WHEN ''reference_email'' THEN EXISTS (SELECT 1 FROM case_references r WHERE r.id = record_id)'
           || ' WHEN ''reference_phone'' THEN EXISTS (SELECT 1 FROM case_references r WHERE r.id = record_id)'
           || ' WHEN ''bank_account'' THEN EXISTS (SELECT 1 FROM payment_details p WHERE p.id = record_id)'
           || ' WHEN ''observed_ip'' THEN EXISTS (SELECT 1 FROM observed_ips o WHERE o.id = record_id)'
           || ' ELSE true END'
$$;

-- Makes every row rule again (idempotent): RLS enabled on each table, each policy as listed,
-- and any other policy on those tables dropped (a permissive one would open hidden rows).
CREATE OR REPLACE FUNCTION vetdesk_row_rules() RETURNS void
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE r record;
BEGIN
    FOR r IN SELECT p.polname::text AS policy_name, c.relname::text AS table_name
             FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid
             WHERE c.relname IN (SELECT table_name FROM vetdesk_row_rule_list())
               AND c.relnamespace = current_schema()::regnamespace
               AND p.polname NOT IN (SELECT policy_name FROM vetdesk_row_rule_list()) LOOP
        EXECUTE format('DROP POLICY %I ON %I', r.policy_name, r.table_name);
    END LOOP;
    FOR r IN SELECT * FROM vetdesk_row_rule_list() LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', r.table_name);
        EXECUTE format('DROP POLICY IF EXISTS %I ON %I', r.policy_name, r.table_name);
        IF r.command = 'INSERT' THEN
            EXECUTE format('CREATE POLICY %I ON %I FOR INSERT WITH CHECK (%s)', r.policy_name,
                           r.table_name, r.rule);
        ELSE
            EXECUTE format('CREATE POLICY %I ON %I FOR %s USING (%s)', r.policy_name,
                           r.table_name, r.command, r.rule);
        END IF;
    END LOOP;
END $$;

SELECT vetdesk_row_rules();

-- Functions are the owner's until `team init` grants them; a database already initialised is
-- upgraded here, so the members' rights to the new functions are given here too.
REVOKE ALL ON FUNCTION vetdesk_row_rules(), vetdesk_row_rule_list(), vetdesk_next_id(text),
    vetdesk_hidden_cases(), vetdesk_sees_every_case(), vetdesk_case_visible(text, text),
    vetdesk_acting_name() FROM PUBLIC;
DO $$
DECLARE g text;
BEGIN
    FOREACH g IN ARRAY ARRAY['vetdesk_reviewer', 'vetdesk_investigator', 'vetdesk_compliance',
                             'vetdesk_admin'] LOOP
        IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = g) THEN
            EXECUTE format('GRANT EXECUTE ON FUNCTION vetdesk_next_id(text), vetdesk_hidden_cases(),
                            vetdesk_sees_every_case(), vetdesk_case_visible(text, text),
                            vetdesk_acting_name(), vetdesk_row_rule_list() TO %I', g);
            EXECUTE format('GRANT SELECT ON vetdesk_logins TO %I', g);
        END IF;
    END LOOP;
END $$;
