-- Team mode in the database (`vetdesk team init`, run by the database owner; safe to run again).
-- What it guarantees, even against a member with psql and their own login:
--   * members act only through four group roles; nobody but the owner has any other right;
--   * the audit log and the ledger are append-only by grant (INSERT and SELECT only);
--   * an audit record's actor is the session's login: any other name is refused;
--   * a state table changes only in a transaction that also appended an audit record
--     (a deferred constraint trigger checks at commit);
--   * evidence bytes (evidence_chunk) are added, never changed, and readable only with a
--     visible evidence row (row-level security, 0013_evidence_chunks.sql); they are removed
--     only by the erasure of every person whose evidence they are;
--   * decisions (cleared, rejected, referred) only by investigators, compliance or admins;
--     sign-off (closed) only by compliance or admins, never by the login that decided (four eyes);
--   * investigation and monitoring cases, and every row of theirs, are visible only to
--     investigators, compliance, admins and the case's assignee (the row rules of migration
--     0012, made again here should one have been dropped or disabled).

DO $$
DECLARE r text;
BEGIN
    FOREACH r IN ARRAY ARRAY['vetdesk_reviewer', 'vetdesk_investigator', 'vetdesk_compliance',
                             'vetdesk_admin'] LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
            BEGIN
                EXECUTE format('CREATE ROLE %I NOLOGIN', r);
            EXCEPTION WHEN duplicate_object OR unique_violation THEN
                NULL;  -- created meanwhile by an init of another database of the cluster
            END;
        END IF;
    END LOOP;
END $$;

-- The running login (the owner) is the first Vetdesk admin.
GRANT vetdesk_admin TO CURRENT_USER;

-- The append-only triggers of the schema, put back should they have been dropped.
DO $$
DECLARE t text; op text;
BEGIN
    FOREACH t IN ARRAY ARRAY['audit_log', 'ledger'] LOOP
        FOREACH op IN ARRAY ARRAY['update', 'delete'] LOOP
            EXECUTE format('DROP TRIGGER IF EXISTS %I ON %I', t || '_no_' || op, t);
            EXECUTE format('CREATE TRIGGER %I BEFORE %s ON %I FOR EACH ROW
                            EXECUTE FUNCTION vetdesk_refuse_change()', t || '_no_' || op, op, t);
        END LOOP;
        EXECUTE format('DROP TRIGGER IF EXISTS %I ON %I', t || '_no_truncate', t);
        EXECUTE format('CREATE TRIGGER %I BEFORE TRUNCATE ON %I FOR EACH STATEMENT
                        EXECUTE FUNCTION vetdesk_refuse_change()', t || '_no_truncate', t);
    END LOOP;
END $$;

-- Transactions that appended an audit record (top-level transaction ids), kept until no
-- running transaction can be one of them. Written and read only by the functions below.
CREATE TABLE IF NOT EXISTS vetdesk_audited (xact xid8 PRIMARY KEY);

-- A solo directory pushed into the team (`vetdesk team push`): its records keep the names they
-- were recorded with (each hash covers its actor), and the login mapped to a name acts as that
-- name from then on. Written only by vetdesk_push_map, inside the push's transaction. The table
-- `vetdesk_logins` and `vetdesk_acting_name()`, the name the session's login acts as, are made
-- by migration 0012 (the row rules read them).
-- The transaction of a push (at most one ever commits: it needs an empty audit log).
CREATE TABLE IF NOT EXISTS vetdesk_pushing (xact xid8 PRIMARY KEY);

-- (PL/pgSQL, as the functions the triggers call on every row: its plan is kept per session.)
CREATE OR REPLACE FUNCTION vetdesk_is_pushing() RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    RETURN EXISTS (SELECT 1 FROM vetdesk_pushing WHERE xact = pg_current_xact_id_if_assigned());
END $$;

-- Begins a push: an admin, into a database with no history. Only then may records name other
-- actors than the session's and cases arrive decided or closed, as the solo history has them.
CREATE OR REPLACE FUNCTION vetdesk_push_begin() RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF NOT pg_has_role(session_user, 'vetdesk_admin', 'MEMBER') THEN
        RAISE EXCEPTION '% is not a Vetdesk admin: only an admin pushes a solo directory into the team database',
            session_user USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF EXISTS (SELECT 1 FROM audit_log) OR EXISTS (SELECT 1 FROM ledger) THEN
        RAISE EXCEPTION 'the team database already holds % audit record(s): a solo directory is pushed only into a team database with no history (a new database, `team push` run by its owner instead of `team init`)',
            (SELECT count(*) FROM audit_log) USING ERRCODE = 'insufficient_privilege';
    END IF;
    INSERT INTO vetdesk_pushing (xact) VALUES (pg_current_xact_id()) ON CONFLICT DO NOTHING;
END $$;

CREATE OR REPLACE FUNCTION vetdesk_push_map(pushed_name text, member text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF NOT vetdesk_is_pushing() THEN
        RAISE EXCEPTION 'a login is mapped to a recorded name only while a solo directory is pushed'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    INSERT INTO vetdesk_logins (name, login) VALUES (pushed_name, member);
END $$;

-- Before an audit record is appended: its actor is the session's login, the transaction is
-- marked as one that recorded its change, and listeners are notified (channel vetdesk_audit).
-- The mark and the notification are made once per transaction, by its first record (an import
-- appends thousands): a mark or notification of a savepoint rolled back goes with it, and the
-- next record makes them again.
CREATE OR REPLACE FUNCTION vetdesk_audit_append() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF NEW.actor IS DISTINCT FROM vetdesk_acting_name() AND NOT vetdesk_is_pushing() THEN
        RAISE EXCEPTION 'the actor of an audit record is the signed-in login %, not %',
            vetdesk_acting_name(), NEW.actor USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM vetdesk_audited WHERE xact = pg_current_xact_id()) THEN
        DELETE FROM vetdesk_audited WHERE xact < pg_snapshot_xmin(pg_current_snapshot());
        INSERT INTO vetdesk_audited (xact) VALUES (pg_current_xact_id());
        -- Tells every listening desktop that the log grew (delivered at commit, never for a
        -- rolled-back change). The payload is the id of the transaction's first record only:
        -- no name, no case, nothing a listener could not read from the log with its own
        -- rights; a listener reads everything after what it last read.
        PERFORM pg_notify('vetdesk_audit', NEW.id::text);
    END IF;
    RETURN NEW;
END $$;
DROP TRIGGER IF EXISTS audit_log_append ON audit_log;
CREATE TRIGGER audit_log_append BEFORE INSERT ON audit_log
    FOR EACH ROW EXECUTE FUNCTION vetdesk_audit_append();

-- At commit, for every row a transaction changed in a state table: it appended an audit record.
CREATE OR REPLACE FUNCTION vetdesk_require_audit() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM vetdesk_audited WHERE xact = pg_current_xact_id()) THEN
        RAISE EXCEPTION 'a change to % must be recorded in the audit log in the same transaction (change it through Vetdesk)',
            TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NULL;
END $$;

-- Who may decide and who may sign off, from the session's login and its group roles.
-- A pushed solo history is taken as it was recorded (the push checks every head). Who is signed
-- in and what they may do is looked up only for a row that decides or signs off: opening a case
-- or changing anything else of it costs no lookup.
CREATE OR REPLACE FUNCTION vetdesk_case_duties() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    who text;
    may_decide boolean;
    may_sign boolean;
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF (NEW.status IN ('decided', 'closed') OR NEW.decision IS NOT NULL)
                AND NOT vetdesk_is_pushing() THEN
            RAISE EXCEPTION 'a case is opened undecided' USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
    END IF;
    IF NOT ((NEW.decision IS NOT NULL AND (NEW.decision IS DISTINCT FROM OLD.decision
                 OR NEW.decided_by IS DISTINCT FROM OLD.decided_by
                 OR (NEW.status = 'decided' AND OLD.status IS DISTINCT FROM 'decided')))
            OR (NEW.status = 'closed' AND OLD.status IS DISTINCT FROM 'closed'))
       OR vetdesk_is_pushing() THEN
        RETURN NEW;
    END IF;
    who := vetdesk_acting_name();
    may_decide := pg_has_role(session_user, 'vetdesk_investigator', 'MEMBER')
        OR pg_has_role(session_user, 'vetdesk_compliance', 'MEMBER')
        OR pg_has_role(session_user, 'vetdesk_admin', 'MEMBER');
    may_sign := pg_has_role(session_user, 'vetdesk_compliance', 'MEMBER')
        OR pg_has_role(session_user, 'vetdesk_admin', 'MEMBER');
    IF NEW.decision IS NOT NULL AND (NEW.decision IS DISTINCT FROM OLD.decision
            OR NEW.decided_by IS DISTINCT FROM OLD.decided_by
            OR (NEW.status = 'decided' AND OLD.status IS DISTINCT FROM 'decided')) THEN
        IF NOT may_decide THEN
            RAISE EXCEPTION '% may not decide case %: decisions are made by investigators, compliance or admins',
                who, OLD.id USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF NEW.decided_by IS DISTINCT FROM who THEN
            RAISE EXCEPTION 'the decision on case % is recorded as made by %, but % is signed in',
                OLD.id, NEW.decided_by, who USING ERRCODE = 'insufficient_privilege';
        END IF;
    END IF;
    IF NEW.status = 'closed' AND OLD.status IS DISTINCT FROM 'closed' THEN
        IF NOT may_sign THEN
            RAISE EXCEPTION '% may not sign off (close) case %: sign-off is by compliance or admins',
                who, OLD.id USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF OLD.decided_by = who THEN
            RAISE EXCEPTION 'four eyes: % decided case % and may not also sign it off', who, OLD.id
                USING ERRCODE = 'insufficient_privilege';
        END IF;
    END IF;
    RETURN NEW;
END $$;
DROP TRIGGER IF EXISTS cases_duties ON cases;
CREATE TRIGGER cases_duties BEFORE INSERT OR UPDATE ON cases
    FOR EACH ROW EXECUTE FUNCTION vetdesk_case_duties();

-- Grants: nothing for anyone but what is given here.
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM PUBLIC;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA public FROM PUBLIC;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT EXECUTE ON FUNCTION julianday(text) TO vetdesk_reviewer, vetdesk_investigator,
    vetdesk_compliance, vetdesk_admin;
GRANT USAGE ON SCHEMA public TO vetdesk_reviewer, vetdesk_investigator, vetdesk_compliance,
    vetdesk_admin;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO vetdesk_reviewer, vetdesk_investigator,
    vetdesk_compliance, vetdesk_admin;
REVOKE ALL ON vetdesk_audited, vetdesk_pushing FROM vetdesk_reviewer, vetdesk_investigator,
    vetdesk_compliance, vetdesk_admin;
GRANT EXECUTE ON FUNCTION vetdesk_acting_name() TO vetdesk_reviewer, vetdesk_investigator,
    vetdesk_compliance, vetdesk_admin;
-- What the row rules (migration 0012) call as the member reading, and the store's numbering of
-- new rows over hidden ones as well.
GRANT EXECUTE ON FUNCTION vetdesk_sees_every_case(), vetdesk_case_visible(text, text),
    vetdesk_hidden_cases(), vetdesk_next_id(text), vetdesk_row_rule_list() TO vetdesk_reviewer,
    vetdesk_investigator, vetdesk_compliance, vetdesk_admin;
-- Asked by the store after the rows of a batch (migration 0015).
GRANT EXECUTE ON FUNCTION vetdesk_refresh_statistics() TO vetdesk_reviewer, vetdesk_investigator,
    vetdesk_compliance, vetdesk_admin;
-- Every member may call vetdesk_push_begin, so that a non-admin hears why it is refused.
GRANT EXECUTE ON FUNCTION vetdesk_push_begin() TO vetdesk_reviewer, vetdesk_investigator,
    vetdesk_compliance, vetdesk_admin;
GRANT EXECUTE ON FUNCTION vetdesk_push_map(text, text) TO vetdesk_admin;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO vetdesk_reviewer, vetdesk_investigator,
    vetdesk_compliance, vetdesk_admin;
-- The audit log and the ledger: appended to, never changed.
REVOKE UPDATE, DELETE, TRUNCATE ON audit_log, ledger FROM vetdesk_reviewer,
    vetdesk_investigator, vetdesk_compliance, vetdesk_admin;
GRANT INSERT ON audit_log, ledger TO vetdesk_reviewer, vetdesk_investigator, vetdesk_compliance,
    vetdesk_admin;

DO $$
DECLARE
    t text;
    everyone text := 'vetdesk_reviewer, vetdesk_investigator, vetdesk_compliance, vetdesk_admin';
BEGIN
    -- State tables (compared by verify), the telemetry rows and the derived tables: written
    -- through Vetdesk's one door, so only in a transaction that appends an audit record.
    FOREACH t IN ARRAY ARRAY['users', 'vendors', 'candidates', 'cases', 'checklist_items', 'notes',
            'evidence', 'item_evidence', 'identity_documents', 'interviews', 'reachable_hours',
            'everify_cases', 'case_references', 'payment_details', 'observed_ips',
            'vendor_audits', 'ip_lists', 'ip_ranges', 'voip_entries', 'vpn_providers',
            'case_flags', 'employees', 'employee_accounts', 'employee_devices',
            'telemetry_imports', 'telemetry_events', 'policy', 'link_keys', 'address_history',
            'search_index', 'person_keys', 'evidence_chunk'] LOOP
        EXECUTE format('DROP TRIGGER IF EXISTS %I ON %I', t || '_audited', t);
        EXECUTE format('CREATE CONSTRAINT TRIGGER %I AFTER INSERT OR UPDATE OR DELETE ON %I
                        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
                        EXECUTE FUNCTION vetdesk_require_audit()', t || '_audited', t);
        EXECUTE format('REVOKE TRUNCATE ON %I FROM %s', t, everyone);
        IF t IN ('users', 'policy') THEN
            -- People and policy are an admin's.
            EXECUTE format('REVOKE INSERT, UPDATE, DELETE ON %I FROM %s', t, everyone);
            EXECUTE format('GRANT INSERT, UPDATE, DELETE ON %I TO vetdesk_admin', t);
        ELSIF t = 'evidence_chunk' THEN
            -- Evidence bytes: added, never changed; removed only through erasure (below).
            EXECUTE format('REVOKE UPDATE, DELETE ON %I FROM %s', t, everyone);
            EXECUTE format('GRANT INSERT ON %I TO %s', t, everyone);
        ELSE
            EXECUTE format('GRANT INSERT, UPDATE, DELETE ON %I TO %s', t, everyone);
        END IF;
    END LOOP;
END $$;

-- The row rules, put back should one have been dropped or row-level security disabled.
SELECT vetdesk_row_rules();

-- Evidence bytes: the row rule of migration 13, put back should it have been dropped or
-- disabled (a chunk is read only with a visible evidence row or telemetry import of it).
ALTER TABLE evidence_chunk ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS evidence_chunk_read ON evidence_chunk;
CREATE POLICY evidence_chunk_read ON evidence_chunk FOR SELECT
    USING (EXISTS (SELECT 1 FROM evidence e WHERE e.sha256 = evidence_chunk.sha256)
           OR EXISTS (SELECT 1 FROM telemetry_imports t
                      WHERE t.file_sha256 = evidence_chunk.sha256));
DROP POLICY IF EXISTS evidence_chunk_add ON evidence_chunk;
CREATE POLICY evidence_chunk_add ON evidence_chunk FOR INSERT WITH CHECK (true);

-- How many chunks of a content are stored, whoever may see them: a writer stores a content
-- only when it is not there yet (the content's hash is all it learns, and it holds the content).
CREATE OR REPLACE FUNCTION vetdesk_evidence_stored(content text) RETURNS bigint
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT count(*) FROM evidence_chunk WHERE sha256 = content
$$;
GRANT EXECUTE ON FUNCTION vetdesk_evidence_stored(text) TO vetdesk_reviewer,
    vetdesk_investigator, vetdesk_compliance, vetdesk_admin;

-- Erasure of evidence bytes: by compliance or an admin, in a transaction that appended an audit
-- record (the erasure's), and only of content that is evidence of erased people alone (as a
-- solo data directory removes the file). Answers how many chunks were removed.
CREATE OR REPLACE FUNCTION vetdesk_erase_evidence(content text) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE removed bigint;
BEGIN
    IF NOT (pg_has_role(session_user, 'vetdesk_compliance', 'MEMBER')
            OR pg_has_role(session_user, 'vetdesk_admin', 'MEMBER')) THEN
        RAISE EXCEPTION '% may not erase evidence: erasure is by compliance or admins',
            session_user USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM vetdesk_audited WHERE xact = pg_current_xact_id()) THEN
        RAISE EXCEPTION 'evidence % is erased only together with the audit record of the erasure',
            content USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF EXISTS (SELECT 1 FROM evidence e JOIN cases c ON c.id = e.case_id
               JOIN candidates p ON p.id = c.candidate_id
               WHERE e.sha256 = content AND p.erased_at IS NULL)
       OR EXISTS (SELECT 1 FROM telemetry_imports WHERE file_sha256 = content) THEN
        RAISE EXCEPTION 'evidence % is still evidence of a person who is not erased', content
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    DELETE FROM evidence_chunk WHERE sha256 = content;
    GET DIAGNOSTICS removed = ROW_COUNT;
    RETURN removed;
END $$;
-- (Made after the REVOKE ... ON ALL FUNCTIONS above: a new function is PUBLIC's to run.)
REVOKE ALL ON FUNCTION vetdesk_erase_evidence(text), vetdesk_evidence_stored(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION vetdesk_erase_evidence(text) TO vetdesk_compliance, vetdesk_admin;
