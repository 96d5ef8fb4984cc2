-- Planner statistics brought up to date inside the transaction that changed a table a lot
-- (PostgreSQL only; no SQLite migration of this number). The planner chooses each plan by the
-- statistics ANALYZE last gathered; autovacuum gathers them again only after a transaction
-- commits. An import of 100,000 candidates into a new database reads back, in its own
-- transaction, what it wrote (the flags of every case it opened rest on the identifiers the
-- candidates share): planned by the statistics of nearly empty tables, each case's links query
-- read the whole identifier table instead of its index, and the import never ended.
--
-- Called by the store after the rows of a batch are written; a member's login may not ANALYZE a
-- table it does not own, so this runs as its owner. It analyzes only the tables the calling
-- transaction changed by more than autovacuum's own threshold would allow (50 rows and a tenth
-- of the rows counted at the last ANALYZE; here 500 and a fifth), ANALYZE counting the calling
-- transaction's own new rows. SKIP_LOCKED: a table someone else is analyzing right now is left
-- to them rather than waited for (the lock would be held to the end of this transaction).
CREATE OR REPLACE FUNCTION vetdesk_refresh_statistics() RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    t record;
    analyzed integer := 0;
BEGIN
    FOR t IN
        SELECT c.relname FROM pg_class c
        JOIN pg_stat_xact_user_tables x ON x.relid = c.oid
        WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r'
          AND x.n_tup_ins + x.n_tup_upd + x.n_tup_del > 500 + 0.2 * greatest(c.reltuples, 0)
        ORDER BY c.relname
    LOOP
        EXECUTE format('ANALYZE (SKIP_LOCKED) %I', t.relname);
        analyzed := analyzed + 1;
    END LOOP;
    RETURN analyzed;
END $$;
