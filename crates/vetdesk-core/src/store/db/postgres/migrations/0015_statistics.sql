-- Planner statistics brought up to date inside the transaction that grows a table a lot
-- (PostgreSQL only; no SQLite migration of this number). The planner chooses each plan by the
-- statistics ANALYZE last gathered; autovacuum gathers them again only after a transaction
-- commits. An import of 100,000 candidates into a new database reads back, in its own
-- transaction, what it wrote (the flags of every case it opened rest on the identifiers the
-- candidates share): planned by the statistics of nearly empty tables, each case's links query
-- read the whole identifier table instead of its index, and the import never ended.
--
-- Called by the store while and after it writes the rows of a batch; a member's login may not
-- ANALYZE a table it does not own, so this runs as its owner. It analyzes a table the calling
-- transaction changed only when the table has grown by more than a fifth (and 8 pages) since
-- its statistics were last gathered (`relpages`, which ANALYZE updates at once, even inside a
-- transaction), so that calling it every thousand rows costs a catalog query and an ANALYZE of
-- each growing table about every fifth of its growth; ANALYZE counts the calling transaction's
-- own new rows. SKIP_LOCKED: a table someone else is analyzing right now is left to them
-- rather than waited for (the lock would be held to the end of this transaction).
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
          AND x.n_tup_ins + x.n_tup_upd + x.n_tup_del > 0
          AND pg_relation_size(c.oid)
              > (1.2 * greatest(c.relpages, 0) + 8) * current_setting('block_size')::bigint
        ORDER BY c.relname
    LOOP
        EXECUTE format('ANALYZE (SKIP_LOCKED) %I', t.relname);
        analyzed := analyzed + 1;
    END LOOP;
    RETURN analyzed;
END $$;
