//! Team mode as the database enforces it: `team init` by the database owner, members as real
//! logins, and every guarantee attempted through a plain SQL connection (what `psql` with one's
//! own login would do) and refused, with the database's own error shown to be the reason. The
//! same changes made through Vetdesk by the right people are accepted and verify clean.

// Tests fail loudly: unwrapping is how they say what broke.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use postgres::Client;
use vetdesk_core::change::Change;
use vetdesk_core::model::{CaseKind, Priority, Role};
use vetdesk_core::store::{Clock, DataDir, NewCase, Store, StoreError};
use vetdesk_testkit::pg::{self, PgCluster};
use vetdesk_testkit::*;

/// A team database after `team init`, with four members besides the owner (names made unique
/// per database: logins belong to the whole cluster).
struct Team<'c> {
    cluster: &'c PgCluster,
    database: String,
    owner: String,
    owner_password: String,
    owner_store: Store,
    _dirs: Vec<tempfile::TempDir>,
    n: String,
}

impl<'c> Team<'c> {
    fn new() -> Team<'static> {
        Team::on(pg::shared())
    }

    /// As `new`, on a cluster of the test's own (logins and group roles are the cluster's: a
    /// role given BYPASSRLS would be named by every other test's `verify` on a shared one).
    fn on(cluster: &'c PgCluster) -> Team<'c> {
        let (database, owner, owner_password) = cluster.new_database();
        let n = database.trim_start_matches("vetdesk_").to_string();
        let dir = tempfile::tempdir().unwrap();
        let url = cluster.url(&owner, &owner_password, &database);
        let (owner_store, init) =
            Store::team_init(DataDir::new(dir.path()), &url, Clock::fixed(t0())).unwrap();
        assert_eq!((init.admin.as_str(), init.added_admin), (owner.as_str(), true));
        let mut team =
            Team { cluster, database, owner, owner_password, owner_store, _dirs: vec![dir], n };
        for (who, role) in [
            ("rita", Role::Reviewer),
            ("ivan", Role::Investigator),
            ("cora", Role::Compliance),
            ("carl", Role::Compliance),
        ] {
            let name = team.login(who);
            team.owner_store.team_add_member(&name, who, role, &team.password(who)).unwrap();
        }
        team._dirs.shrink_to_fit();
        team
    }

    /// The login name of a member in this database.
    fn login(&self, who: &str) -> String {
        format!("{who}_{}", self.n)
    }

    fn password(&self, who: &str) -> String {
        format!("{who}-password-{}", self.n)
    }

    /// A plain SQL connection as a member: what `psql` with their login does.
    fn psql(&self, who: &str) -> Client {
        self.cluster.connect(&self.login(who), &self.password(who), &self.database)
    }

    fn owner_psql(&self) -> Client {
        self.cluster.connect(&self.owner, &self.owner_password, &self.database)
    }

    /// Vetdesk as a member signs in.
    fn store(&mut self, who: &str) -> Store {
        let dir = tempfile::tempdir().unwrap();
        let url = self.cluster.url(&self.login(who), &self.password(who), &self.database);
        let store = Store::open_postgres(DataDir::new(dir.path()), &url, Clock::fixed(t0()));
        self._dirs.push(dir);
        store.unwrap()
    }

    /// A vendor and a candidate with an open pre-hire case, added through Vetdesk by the
    /// reviewer; returns the case id.
    fn case(&mut self) -> i64 {
        let rita = self.store("rita");
        let applied = rita
            .add_candidate(
                &self.login("rita"),
                candidate_fields("Anna Maria Eriksson", "ATS-1"),
                Some(NewCase {
                    kind: CaseKind::PreHire,
                    assignee: None,
                    priority: Priority::Normal,
                    due_on: None,
                }),
            )
            .unwrap();
        applied
            .iter()
            .find_map(|a| match a.change {
                Change::OpenCase { id: Some(id), .. } => Some(id),
                _ => None,
            })
            .expect("an opened case")
    }
}

/// The database's error message of a refused statement (panics if it was accepted).
fn refused(result: Result<impl std::fmt::Debug, postgres::Error>) -> String {
    let e = result.expect_err("the database accepted what it must refuse");
    e.as_db_error().map(|d| d.message().to_string()).unwrap_or_else(|| e.to_string())
}

/// Appends an audit record as the signed-in login (a member can: that is what it takes for
/// their change to be accepted at all; the hash is not Vetdesk's, so `verify` names it).
fn append_audit(tx: &mut postgres::Transaction<'_>, case_id: i64, seq: i64) {
    tx.execute(
        "INSERT INTO audit_log (chain, case_id, seq, at, actor, change, prev_hash, hash)
         VALUES ($1, $2, $3, '2026-11-02T10:00:00.000Z', session_user, '{}', 'x', 'y')",
        &[&format!("case:{case_id}"), &case_id, &seq],
    )
    .unwrap();
}

#[test]
fn team_init_is_safe_to_run_again_makes_the_owner_admin_and_refuses_a_newer_schema() {
    let team = Team::new();
    let url = team.cluster.url(&team.owner, &team.owner_password, &team.database);
    let dir = tempfile::tempdir().unwrap();
    let (again, init) =
        Store::team_init(DataDir::new(dir.path()), &url, Clock::fixed(t0())).unwrap();
    assert!(!init.added_admin, "the second run adds nobody");
    let owner = again.user(&team.owner).unwrap();
    assert_eq!((owner.role, owner.active), (Role::Admin, true));
    assert_eq!(again.users().unwrap().len(), 5);
    let mut sql = team.owner_psql();
    let is_admin: bool = sql
        .query_one("SELECT pg_has_role(session_user, 'vetdesk_admin', 'MEMBER')", &[])
        .unwrap()
        .get(0);
    assert!(is_admin);
    // Members hold exactly their group role.
    let ivan_groups: Vec<String> = sql
        .query(
            "SELECT b.rolname::text FROM pg_auth_members m JOIN pg_roles b ON b.oid = m.roleid
             JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = $1",
            &[&team.login("ivan")],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(ivan_groups, ["vetdesk_investigator"]);
    assert!(again.verify().unwrap().ok, "{:?}", again.verify().unwrap());
    drop(again);

    let mut superuser = team.cluster.superuser(&team.database);
    superuser.execute("INSERT INTO vetdesk_schema (version) VALUES (99)", &[]).unwrap();
    let newer = Store::team_init(DataDir::new(dir.path()), &url, Clock::fixed(t0())).err();
    assert!(matches!(newer, Some(StoreError::NewerSchema { found: 99, .. })), "{newer:?}");
}

#[test]
fn a_server_asking_for_a_password_none_gave_is_told_apart_and_a_typed_one_signs_in() {
    let team = Team::new();
    // No password in the URL, and a password file that does not exist (PGPASSWORD is not set
    // where the tests run).
    let bare = format!(
        "{}&passfile=/nonexistent/pgpass",
        team.cluster.url_without_password(&team.owner, &team.database)
    );
    let dir = tempfile::tempdir().unwrap();
    let open = |pw| {
        Store::open_postgres_with_password(DataDir::new(dir.path()), &bare, pw, Clock::system())
    };
    match open(None).err() {
        Some(StoreError::Database(e)) => {
            assert!(e.is_password_needed(), "{e}");
            assert!(e.message.contains("password missing"), "{e}");
        }
        other => panic!("expected a database error asking for a password, got {other:?}"),
    }
    // A wrong typed password is the server's refusal, not a request for one.
    match open(Some("guess")).err() {
        Some(StoreError::Database(e)) => {
            assert!(!e.is_password_needed(), "{e}");
            assert!(e.message.contains("password authentication failed"), "{e}");
        }
        other => panic!("expected the server's refusal, got {other:?}"),
    }
    let store = open(Some(team.owner_password.as_str())).unwrap();
    assert_eq!(store.team_login(), Some(team.owner.as_str()));
}

#[test]
fn the_audit_log_and_ledger_are_append_only_by_grant() {
    let mut team = Team::new();
    team.case();
    for who in ["rita", "ivan", "cora"] {
        let mut sql = team.psql(who);
        for table in ["audit_log", "ledger"] {
            for statement in [
                format!("UPDATE {table} SET hash = hash"),
                format!("DELETE FROM {table}"),
                format!("TRUNCATE {table}"),
            ] {
                let message = refused(sql.batch_execute(&statement));
                assert_eq!(message, format!("permission denied for table {table}"), "{statement}");
            }
        }
    }
    // Even the owner, who has every right on its tables, is stopped by the triggers.
    let mut owner = team.owner_psql();
    assert_eq!(
        refused(owner.batch_execute("DELETE FROM audit_log")),
        "audit_log records are append-only"
    );
    assert_eq!(refused(owner.batch_execute("TRUNCATE ledger")), "ledger records are append-only");
}

#[test]
fn an_audit_record_names_the_signed_in_login_and_no_other() {
    let mut team = Team::new();
    let case_id = team.case();
    let mut sql = team.psql("rita");
    let message = refused(sql.execute(
        "INSERT INTO audit_log (chain, case_id, seq, at, actor, change, prev_hash, hash)
         VALUES ($1, $2, 99, '2026-11-02T10:00:00.000Z', $3, '{}', 'x', 'y')",
        &[&format!("case:{case_id}"), &case_id, &team.login("ivan")],
    ));
    assert_eq!(
        message,
        format!(
            "the actor of an audit record is the signed-in login {}, not {}",
            team.login("rita"),
            team.login("ivan")
        )
    );
    // And through Vetdesk: a store signed in as rita cannot record a change as ivan.
    let rita = team.store("rita");
    let err = rita
        .apply(&team.login("ivan"), Change::AddNote { id: None, case_id, text: "as ivan".into() })
        .unwrap_err();
    assert!(
        err.to_string().contains("the actor of an audit record is the signed-in login"),
        "{err}"
    );
}

#[test]
fn a_state_table_changes_only_with_the_audit_record_of_the_change() {
    let mut team = Team::new();
    let case_id = team.case();
    // The example: a reviewer closing a case by hand.
    let mut rita = team.psql("rita");
    let message =
        refused(rita.execute("UPDATE cases SET status = 'closed' WHERE id = $1", &[&case_id]));
    assert!(message.contains("may not sign off (close) case"), "{message}");
    // A change the duties allow, without its audit record: refused at commit.
    let mut ivan = team.psql("ivan");
    for statement in [
        "UPDATE cases SET priority = 'urgent' WHERE id = $1",
        "DELETE FROM notes WHERE case_id = $1",
        "UPDATE candidates SET legal_name = 'Someone Else' WHERE id = (SELECT candidate_id FROM cases WHERE id = $1)",
    ] {
        let result = ivan.execute(statement, &[&case_id]);
        if statement.starts_with("DELETE") {
            // No note to delete: nothing changed, nothing to record.
            assert!(result.is_ok());
            continue;
        }
        let message = refused(result);
        assert!(
            message.starts_with("a change to ")
                && message.contains("must be recorded in the audit log"),
            "{statement}: {message}"
        );
    }
    // Users and policy are an admin's even with an audit record.
    let message = refused(
        ivan.execute("UPDATE users SET role = 'admin' WHERE name = $1", &[&team.login("ivan")]),
    );
    assert_eq!(message, "permission denied for table users");
    let priority: String = team
        .owner_psql()
        .query_one("SELECT priority FROM cases WHERE id = $1", &[&case_id])
        .unwrap()
        .get(0);
    assert_eq!(priority, "normal", "nothing changed");
    let owner_store = &team.owner_store;
    assert!(owner_store.verify().unwrap().ok);
}

/// A transaction is marked as audited by its first record only: a record rolled back with its
/// savepoint takes the mark with it, so a change after it is still refused at commit, and a
/// transaction of many records commits.
#[test]
fn an_audit_record_rolled_back_with_its_savepoint_covers_no_change() {
    let mut team = Team::new();
    let case_id = team.case();
    let mut ivan = team.psql("ivan");
    let mut tx = ivan.transaction().unwrap();
    let mut step = tx.transaction().unwrap();
    append_audit(&mut step, case_id, 3);
    step.rollback().unwrap();
    tx.execute("UPDATE cases SET priority = 'urgent' WHERE id = $1", &[&case_id]).unwrap();
    let message = refused(tx.commit());
    assert!(
        message.starts_with("a change to cases must be recorded in the audit log"),
        "{message}"
    );
    // The mark comes back with the next record of the transaction; later records add nothing.
    let mut tx = ivan.transaction().unwrap();
    let mut step = tx.transaction().unwrap();
    append_audit(&mut step, case_id, 3);
    step.rollback().unwrap();
    tx.execute("UPDATE cases SET priority = 'urgent' WHERE id = $1", &[&case_id]).unwrap();
    append_audit(&mut tx, case_id, 3);
    append_audit(&mut tx, case_id, 4);
    tx.commit().unwrap();
    let priority: String = team
        .owner_psql()
        .query_one("SELECT priority FROM cases WHERE id = $1", &[&case_id])
        .unwrap()
        .get(0);
    assert_eq!(priority, "urgent");
}

/// A team database made before migration 14 — its per-statement functions in SQL, planned again
/// by every statement — is brought up to date by `team init`, and its guarantees still hold.
#[test]
fn team_init_upgrades_a_database_of_schema_13() {
    let mut team = Team::new();
    let case_id = team.case();
    let language = |sql: &mut Client| -> Vec<(String, String)> {
        sql.query(
            "SELECT p.proname::text, l.lanname::text FROM pg_proc p
             JOIN pg_language l ON l.oid = p.prolang
             WHERE p.proname IN ('vetdesk_acting_name', 'vetdesk_sees_every_case',
                                 'vetdesk_case_visible', 'vetdesk_next_id', 'vetdesk_is_pushing')
             ORDER BY 1",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect()
    };
    let mut owner = team.owner_psql();
    owner
        .batch_execute(
            "DELETE FROM vetdesk_schema WHERE version >= 14;
             DROP FUNCTION vetdesk_refresh_statistics();
             CREATE OR REPLACE FUNCTION vetdesk_acting_name() RETURNS text
             LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
                 SELECT coalesce((SELECT name FROM vetdesk_logins WHERE login = session_user::text),
                                 session_user::text)
             $$;
             CREATE OR REPLACE FUNCTION vetdesk_is_pushing() RETURNS boolean
             LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
                 SELECT EXISTS (SELECT 1 FROM vetdesk_pushing
                                WHERE xact = pg_current_xact_id_if_assigned())
             $$;",
        )
        .unwrap();
    assert!(language(&mut owner).iter().any(|(_, l)| l == "sql"), "{:?}", language(&mut owner));
    let url = team.cluster.url(&team.owner, &team.owner_password, &team.database);
    let dir = tempfile::tempdir().unwrap();
    let (again, _) = Store::team_init(DataDir::new(dir.path()), &url, Clock::fixed(t0())).unwrap();
    let version: i64 =
        owner.query_one("SELECT max(version) FROM vetdesk_schema", &[]).unwrap().get(0);
    assert_eq!(version, 15);
    assert!(language(&mut owner).iter().all(|(_, l)| l == "plpgsql"), "{:?}", language(&mut owner));
    // Made again by migration 15, and a member may call it: an import asks for it.
    let rita_store = team.store("rita");
    let csv = "external_id,full_name,email\nUPG-1,Upgraded Import,upg@example.com\n";
    let file = vetdesk_core::import::parse_candidates_csv(csv.as_bytes()).unwrap();
    rita_store.import_candidates(&team.login("rita"), &file, true).unwrap();
    // Still refused: another actor's record, and a change without its record.
    let mut rita = team.psql("rita");
    let message = refused(rita.execute(
        "INSERT INTO audit_log (chain, case_id, seq, at, actor, change, prev_hash, hash)
         VALUES ($1, $2, 9, '2026-11-02T10:00:00.000Z', 'someone_else', '{}', 'x', 'y')",
        &[&format!("case:{case_id}"), &case_id],
    ));
    assert!(
        message.starts_with("the actor of an audit record is the signed-in login"),
        "{message}"
    );
    let message =
        refused(rita.execute("UPDATE cases SET priority = 'urgent' WHERE id = $1", &[&case_id]));
    assert!(message.contains("must be recorded in the audit log"), "{message}");
    assert!(again.verify().unwrap().ok, "{:?}", again.verify().unwrap());
}

#[test]
fn decisions_and_sign_off_follow_the_duties_and_four_eyes_in_the_database() {
    let mut team = Team::new();
    let case_id = team.case();
    let decide = |client: &mut Client, who: &str, seq: i64| {
        let mut tx = client.transaction().unwrap();
        append_audit(&mut tx, case_id, seq);
        tx.execute(
            "UPDATE cases SET status = 'decided', decision = 'rejected', decision_reason = 'x',
                              decided_by = $2, decided_at = '2026-11-02T10:00:00.000Z'
             WHERE id = $1",
            &[&case_id, &who],
        )?;
        tx.commit()
    };
    let close = |client: &mut Client, seq: i64| {
        let mut tx = client.transaction().unwrap();
        append_audit(&mut tx, case_id, seq);
        tx.execute(
            "UPDATE cases SET status = 'closed', closed_at = '2026-11-02T11:00:00.000Z' WHERE id = $1",
            &[&case_id],
        )?;
        tx.commit()
    };
    // A reviewer may not decide, even with an audit record.
    let (rita, ivan, cora, carl) =
        (team.login("rita"), team.login("ivan"), team.login("cora"), team.login("carl"));
    let message = refused(decide(&mut team.psql("rita"), &rita, 100));
    assert_eq!(
        message,
        format!(
            "{rita} may not decide case {case_id}: decisions are made by investigators, compliance or admins"
        )
    );
    // A decision recorded as someone else's.
    let message = refused(decide(&mut team.psql("cora"), &ivan, 101));
    assert_eq!(
        message,
        format!(
            "the decision on case {case_id} is recorded as made by {ivan}, but {cora} is signed in"
        )
    );
    // Compliance decides; then an investigator, a reviewer and the decider may not sign off.
    decide(&mut team.psql("cora"), &cora, 102).unwrap();
    let message = refused(close(&mut team.psql("ivan"), 103));
    assert_eq!(
        message,
        format!(
            "{ivan} may not sign off (close) case {case_id}: sign-off is by compliance or admins"
        )
    );
    let message = refused(close(&mut team.psql("rita"), 104));
    assert!(message.starts_with(&format!("{rita} may not sign off")), "{message}");
    let message = refused(close(&mut team.psql("cora"), 105));
    assert_eq!(
        message,
        format!("four eyes: {cora} decided case {case_id} and may not also sign it off")
    );
    // Another compliance officer may.
    close(&mut team.psql("carl"), 106).unwrap();
    let status: String = team
        .owner_psql()
        .query_one("SELECT status || ' by ' || decided_by FROM cases WHERE id = $1", &[&case_id])
        .unwrap()
        .get(0);
    assert_eq!(status, format!("closed by {cora}"));
    let _ = carl;
    // The hand-written records are not Vetdesk's: verify names the broken chain.
    assert!(!team.owner_store.verify().unwrap().ok);
}

#[test]
fn four_logins_writing_the_same_three_cases_at_once_never_fork_a_chain() {
    let mut team = Team::new();
    let cases: Vec<i64> = (0..3)
        .map(|i| {
            let rita = team.store("rita");
            let name = ["Anna Eriksson", "Zoë Petrov", "Li Wei"][i];
            let applied = rita
                .add_candidate(
                    &team.login("rita"),
                    candidate_fields(name, &format!("ats-{i}")),
                    Some(NewCase {
                        kind: CaseKind::PreHire,
                        assignee: None,
                        priority: Priority::Normal,
                        due_on: None,
                    }),
                )
                .unwrap();
            applied
                .iter()
                .find_map(|a| match a.change {
                    Change::OpenCase { id: Some(id), .. } => Some(id),
                    _ => None,
                })
                .unwrap()
        })
        .collect();
    let writers: Vec<(String, Store)> = ["rita", "ivan", "cora", "carl"]
        .iter()
        .map(|who| (team.login(who), team.store(who)))
        .collect();
    const CHANGES: usize = 50;
    std::thread::scope(|scope| {
        for (login, store) in &writers {
            let cases = &cases;
            scope.spawn(move || {
                for i in 0..CHANGES {
                    let case_id = cases[i % cases.len()];
                    let text = format!("note {i} by {login}");
                    store.apply(login, Change::AddNote { id: None, case_id, text }).unwrap();
                }
            });
        }
    });
    let mut sql = team.owner_psql();
    for case_id in &cases {
        // One record per seq, numbered without a gap, each pointing at the one before.
        let rows = sql
            .query(
                "SELECT seq, prev_hash, hash FROM audit_log WHERE chain = $1 ORDER BY seq",
                &[&format!("case:{case_id}")],
            )
            .unwrap();
        for (i, pair) in rows.windows(2).enumerate() {
            assert_eq!(pair[1].get::<_, i64>(0), pair[0].get::<_, i64>(0) + 1, "gap at {i}");
            assert_eq!(pair[1].get::<_, String>(1), pair[0].get::<_, String>(2), "fork at {i}");
        }
    }
    let notes: i64 = sql.query_one("SELECT count(*) FROM notes", &[]).unwrap().get(0);
    assert_eq!(notes, (4 * CHANGES) as i64, "no change lost");
    let by_login: i64 =
        sql.query_one("SELECT count(DISTINCT author) FROM notes", &[]).unwrap().get(0);
    assert_eq!(by_login, 4);
    let report = team.owner_store.verify().unwrap();
    assert!(report.ok, "{report:?}");
}

#[test]
fn verify_names_a_protection_the_owner_removed() {
    let mut team = Team::new();
    team.case();
    assert!(team.owner_store.verify().unwrap().ok);
    let mut owner = team.owner_psql();
    for (weaken, named) in [
        ("DROP TRIGGER cases_duties ON cases", "the team-mode trigger cases_duties is missing"),
        (
            "ALTER TABLE notes DISABLE TRIGGER notes_audited",
            "the team-mode trigger notes_audited is missing, disabled or altered",
        ),
        ("GRANT UPDATE ON audit_log TO vetdesk_reviewer", "vetdesk_reviewer may UPDATE it"),
        ("GRANT DELETE ON users TO vetdesk_investigator", "vetdesk_investigator may DELETE it"),
        ("GRANT UPDATE ON evidence_chunk TO vetdesk_reviewer", "vetdesk_reviewer may UPDATE it"),
        (
            "ALTER TABLE evidence_chunk DISABLE ROW LEVEL SECURITY",
            "evidence_chunk: its row rule is missing or disabled",
        ),
        (
            "DROP TRIGGER audit_log_no_update ON audit_log",
            "the append-only trigger that refuses updates of audit records is missing",
        ),
    ] {
        owner.batch_execute(weaken).unwrap();
        let report = team.owner_store.verify().unwrap();
        assert!(!report.ok, "{weaken}: verify stayed clean");
        let messages: Vec<String> =
            report.problems.iter().map(|p| format!("{}: {}", p.location, p.message)).collect();
        assert!(messages.iter().any(|m| m.contains(named)), "{weaken}: {messages:?}");
    }
    // team init puts every protection back.
    let url = team.cluster.url(&team.owner, &team.owner_password, &team.database);
    let dir = tempfile::tempdir().unwrap();
    Store::team_init(DataDir::new(dir.path()), &url, Clock::fixed(t0())).unwrap();
    let report = team.owner_store.verify().unwrap();
    assert!(report.ok, "{:?}", report.problems);
    assert_eq!(
        refused(team.psql("rita").batch_execute("UPDATE audit_log SET hash = hash")),
        "permission denied for table audit_log"
    );
}

/// An investigation case opened through Vetdesk by the investigator, for a second candidate who
/// shares the first one's phone, with a note, an evidence file and a reference whose phone is
/// also theirs; returns the case id.
fn investigation(team: &Team, ivan: &Store, assignee: Option<&str>, external_id: &str) -> i64 {
    let login = team.login("ivan");
    let applied = ivan
        .add_candidate(
            &login,
            candidate_fields("Boris Kim", external_id),
            Some(NewCase {
                kind: CaseKind::Investigation,
                assignee: assignee.map(|a| team.login(a)),
                priority: Priority::High,
                due_on: None,
            }),
        )
        .unwrap();
    let case_id = applied
        .iter()
        .find_map(|a| match a.change {
            Change::OpenCase { id: Some(id), .. } => Some(id),
            _ => None,
        })
        .expect("an opened case");
    ivan.apply(
        &login,
        Change::AddNote {
            id: None,
            case_id,
            text: "Tip from payroll: laptop farm in Pyongyangstan".into(),
        },
    )
    .unwrap();
    // (Evidence files stay in the desktop's data directory in team mode: only the case ivan
    // keeps to himself gets one, so that the reviewer's verify of her case needs no file.)
    if assignee.is_some() {
        return add_reference(ivan, &login, case_id);
    }
    let file = tempfile::tempdir().unwrap();
    let path = file.path().join("badge-log.txt");
    std::fs::write(&path, format!("badge swipes of {external_id}\n")).unwrap();
    ivan.attach_file(&login, case_id, &path, None, Some("Badge log".into()), &mut |_, _| {})
        .unwrap();
    add_reference(ivan, &login, case_id)
}

fn add_reference(ivan: &Store, login: &str, case_id: i64) -> i64 {
    ivan.apply(
        login,
        Change::AddReference {
            id: None,
            case_id,
            reference: vetdesk_core::verification::ReferenceFields {
                name: "Former manager".into(),
                email: None,
                phone: Some("+1 202 555 0142".into()),
                relationship: "manager".into(),
                company: None,
                note: None,
            },
        },
    )
    .unwrap();
    case_id
}

fn count(sql: &mut Client, query: &str, case_id: i64) -> i64 {
    sql.query_one(query, &[&case_id]).unwrap().get(0)
}

#[test]
fn a_reviewer_sees_no_investigation_case_nor_anything_of_it_and_the_database_is_why() {
    let mut team = Team::new();
    let prehire = team.case();
    let investigator = team.store("ivan");
    let hidden = investigation(&team, &investigator, None, "ATS-2");
    let assigned = investigation(&team, &investigator, Some("rita"), "ATS-3");
    let rows = [
        "SELECT count(*) FROM cases WHERE id = $1",
        "SELECT count(*) FROM notes WHERE case_id = $1",
        "SELECT count(*) FROM evidence WHERE case_id = $1",
        "SELECT count(*) FROM case_references WHERE case_id = $1",
        "SELECT count(*) FROM audit_log WHERE case_id = $1",
        "SELECT count(*) FROM search_index WHERE case_id = $1",
        "SELECT count(*) FROM link_keys WHERE record_id IN
             (SELECT id FROM case_references WHERE case_id = $1)",
    ];
    // The owner (no rule applies to it) and the investigator see every row of the case.
    let mut owner = team.owner_psql();
    let mut ivan = team.psql("ivan");
    let mut cora = team.psql("cora");
    for query in rows {
        let all = count(&mut owner, query, hidden);
        assert!(all > 0 || query.contains("link_keys"), "{query}: the case has no such rows");
        assert_eq!(count(&mut ivan, query, hidden), all, "investigator: {query}");
        assert_eq!(count(&mut cora, query, hidden), all, "compliance: {query}");
    }
    // The reference's phone is a link only for those who see the reference.
    let refs = "SELECT count(*) FROM link_keys WHERE record_id IN
                (SELECT id FROM case_references WHERE case_id = $1)";
    let refs_owner = count(&mut owner, refs, hidden);
    let link_rows: i64 = owner
        .query_one(
            "SELECT count(*) FROM link_keys k JOIN case_references r ON r.id = k.record_id
             WHERE k.role = 'reference_phone' AND r.case_id = $1",
            &[&hidden],
        )
        .unwrap()
        .get(0);
    assert_eq!(link_rows, 1, "the reference's phone is an identifier ({refs_owner})");

    // The reviewer: none of it, through a plain SQL connection.
    let mut rita = team.psql("rita");
    for query in rows {
        assert_eq!(count(&mut rita, query, hidden), 0, "reviewer: {query}");
    }
    let reviewer_links: i64 = rita
        .query_one("SELECT count(*) FROM link_keys WHERE role = 'reference_phone'", &[])
        .unwrap()
        .get(0);
    let investigator_links: i64 = ivan
        .query_one("SELECT count(*) FROM link_keys WHERE role = 'reference_phone'", &[])
        .unwrap()
        .get(0);
    assert_eq!((reviewer_links, investigator_links), (1, 2), "only the assigned case's reference");
    // ...and it is the row rule that hides it: with row security off the database refuses to
    // answer rather than show the rows.
    rita.batch_execute("SET row_security = off").unwrap();
    let why = refused(rita.query("SELECT count(*) FROM notes", &[]));
    assert_eq!(why, "query would be affected by row-level security policy for table \"notes\"");
    rita.batch_execute("RESET row_security").unwrap();
    // Nor can she change or add to it: an update finds no row, an insert is refused.
    let mut tx = rita.transaction().unwrap();
    let updated =
        tx.execute("UPDATE cases SET priority = 'low' WHERE id = $1", &[&hidden]).unwrap();
    assert_eq!(updated, 0);
    let why = refused(tx.execute(
        "INSERT INTO notes (id, case_id, author, created_at, text)
         VALUES (999, $1, session_user, '2026-11-02T10:00:00.000Z', 'seen')",
        &[&hidden],
    ));
    assert_eq!(why, "new row violates row-level security policy for table \"notes\"");
    drop(tx);
    // The case assigned to her she sees, with its rows.
    for query in &rows[..6] {
        assert_eq!(
            count(&mut rita, query, assigned),
            count(&mut owner, query, assigned),
            "assignee: {query}"
        );
    }

    // Through Vetdesk: a clear "not found, or not visible to you", not a crash.
    let reviewer = team.store("rita");
    let e = reviewer.read(|r| r.case(hidden)).unwrap_err();
    assert!(matches!(e, StoreError::NotFound { what: "case", .. }), "{e:?}");
    let message = e.to_string();
    assert!(
        message.starts_with(&format!(
            "case {hidden} not found, or not visible to {}",
            team.login("rita")
        )) && message.contains("only to investigators, compliance, admins and the case's assignee"),
        "{message}"
    );
    let note = Change::AddNote { id: None, case_id: hidden, text: "seen".into() };
    let e = reviewer.apply(&team.login("rita"), note).unwrap_err();
    assert!(e.to_string().contains("not visible to"), "{e}");
    assert!(reviewer.read(|r| r.case(assigned)).is_ok());
    // Opening a case she would not see is refused, saying why; assigned to herself it opens.
    let unassigned = NewCase {
        kind: CaseKind::Investigation,
        assignee: None,
        priority: Priority::Normal,
        due_on: None,
    };
    let e = reviewer
        .add_candidate(&team.login("rita"), candidate_fields("Cleo Day", "ATS-4"), Some(unassigned))
        .unwrap_err();
    assert!(
        e.to_string().contains(
            "new row violates row-level security policy for table \"cases\": investigation and monitoring cases"
        ),
        "{e}"
    );
    // Search and links show nothing of it.
    let hits = reviewer.read(|r| r.search("Pyongyangstan", 20)).unwrap();
    assert!(hits.iter().all(|h| h.case_id != Some(hidden)), "{hits:?}");
    let hits = investigator.read(|r| r.search("Pyongyangstan", 20)).unwrap();
    assert!(hits.iter().any(|h| h.case_id == Some(hidden)), "{hits:?}");
    let links = reviewer.read(|r| r.links(prehire)).unwrap();
    let hidden_case_listed = links.iter().flat_map(|l| l.cases.iter()).any(|c| c.case_id == hidden);
    assert!(!hidden_case_listed, "{links:?}");
    let linked = investigator.read(|r| r.links(prehire)).unwrap();
    assert!(linked.iter().flat_map(|l| l.cases.iter()).any(|c| c.case_id == hidden));
    // Her own writes still number past the rows she cannot see.
    let before: i64 = owner.query_one("SELECT max(id) FROM notes", &[]).unwrap().get(0);
    reviewer
        .apply(
            &team.login("rita"),
            Change::AddNote { id: None, case_id: prehire, text: "references called".into() },
        )
        .unwrap();
    let after: i64 = owner.query_one("SELECT max(id) FROM notes", &[]).unwrap().get(0);
    assert_eq!(after, before + 1);
    // She may correct the details of the candidate of a hidden case (a person, not the case):
    // the links she rebuilds leave the hidden reference's identifier in place.
    let boris: i64 =
        owner.query_one("SELECT candidate_id FROM cases WHERE id = $1", &[&hidden]).unwrap().get(0);
    let mut fields = candidate_fields("Boris Kim", "ATS-2");
    fields.phones.push("+1 202 555 0177".into());
    reviewer
        .apply(&team.login("rita"), Change::UpdateCandidate { id: boris, candidate: fields })
        .unwrap();
    assert_eq!(count(&mut owner, refs, hidden), refs_owner);

    // verify as the reviewer: what she sees is clean and the hidden chain is named as not
    // verified, never as removed; as the investigator everything is verified.
    let report = reviewer.verify().unwrap();
    assert!(report.ok, "{:?}", report.problems);
    assert_eq!(report.hidden_chains, 1);
    let report = investigator.verify().unwrap();
    assert!(report.ok, "{:?}", report.problems);
    assert_eq!(report.hidden_chains, 0);
}

#[test]
fn verify_names_a_row_rule_removed_or_disabled_and_team_init_puts_it_back() {
    let mut team = Team::new();
    let ivan = team.store("ivan");
    investigation(&team, &ivan, Some("ivan"), "ATS-2");
    assert!(team.owner_store.verify().unwrap().ok);
    let mut owner = team.owner_psql();
    for (weaken, named) in [
        ("DROP POLICY notes_visible ON notes", "notes: the row rule notes_visible is missing"),
        ("ALTER TABLE cases DISABLE ROW LEVEL SECURITY", "cases: row-level security is disabled"),
        (
            "CREATE POLICY everyone ON evidence FOR SELECT USING (true)",
            "evidence: the policy everyone is not one of Vetdesk's row rules",
        ),
        (
            "DROP POLICY audit_log_visible ON audit_log",
            "audit_log: the row rule audit_log_visible is missing",
        ),
    ] {
        owner.batch_execute(weaken).unwrap();
        let report = team.owner_store.verify().unwrap();
        assert!(!report.ok, "{weaken}: verify stayed clean");
        let messages: Vec<String> =
            report.problems.iter().map(|p| format!("{}: {}", p.location, p.message)).collect();
        assert!(messages.iter().any(|m| m.starts_with(named)), "{weaken}: {messages:?}");
    }
    // With the rules gone the reviewer does see the case: the rules are what hid it.
    let mut rita = team.psql("rita");
    let seen: i64 = rita
        .query_one("SELECT count(*) FROM cases WHERE kind = 'investigation'", &[])
        .unwrap()
        .get(0);
    assert_eq!(seen, 1);
    let url = team.cluster.url(&team.owner, &team.owner_password, &team.database);
    let dir = tempfile::tempdir().unwrap();
    Store::team_init(DataDir::new(dir.path()), &url, Clock::fixed(t0())).unwrap();
    let report = team.owner_store.verify().unwrap();
    assert!(report.ok, "{:?}", report.problems);
    let seen: i64 = rita
        .query_one("SELECT count(*) FROM cases WHERE kind = 'investigation'", &[])
        .unwrap()
        .get(0);
    assert_eq!(seen, 0);
}

/// A member login or group with BYPASSRLS (a superuser's grant) sees every hidden case; verify
/// names it. On a cluster of its own: group roles are shared by every database of a cluster.
#[test]
fn verify_names_a_login_that_bypasses_the_row_rules() {
    let cluster = PgCluster::start();
    let team = Team::on(&cluster);
    assert!(team.owner_store.verify().unwrap().ok);
    let mut superuser = team.cluster.superuser(&team.database);
    superuser.batch_execute(&format!("ALTER ROLE {} BYPASSRLS", team.login("rita"))).unwrap();
    let report = team.owner_store.verify().unwrap();
    let messages: Vec<String> =
        report.problems.iter().map(|p| format!("{}: {}", p.location, p.message)).collect();
    assert!(
        messages.iter().any(|m| m.starts_with(&format!("login {}: bypasses", team.login("rita")))),
        "{messages:?}"
    );
}

/// A row rule edited in place keeps its name, command and roles; only its condition says what
/// it now lets through. A trigger can keep its name and function and no longer fire. `verify` compares each rule's condition with the one this build ships
/// (rendered by the server from the binary's own SQL, not from anything the database holds),
/// and each of Vetdesk's functions with its shipped body: a helper the rules call by name
/// could be made to answer "yes" without touching a rule.
#[test]
fn verify_names_a_row_rule_function_or_trigger_altered_in_place_and_team_init_puts_it_back() {
    let mut team = Team::new();
    let ivan = team.store("ivan");
    let rita_store = team.store("rita");
    investigation(&team, &ivan, Some("ivan"), "ATS-2");
    assert!(team.owner_store.verify().unwrap().ok);
    // A member's verify renders the shipped rules too (in a scratch transaction of its own).
    let as_ivan = ivan.verify().unwrap();
    assert!(as_ivan.ok, "{:?}", as_ivan.problems);
    let mut owner = team.owner_psql();
    let mut rita = team.psql("rita");
    let investigations = |rita: &mut Client| -> i64 {
        rita.query_one("SELECT count(*) FROM cases WHERE kind = 'investigation'", &[])
            .unwrap()
            .get(0)
    };
    assert_eq!(investigations(&mut rita), 0);
    for (weaken, named) in [
        (
            "ALTER POLICY cases_visible ON cases USING (true)",
            "cases: the row rule cases_visible has another condition than Vetdesk's (true)",
        ),
        (
            "ALTER POLICY notes_visible ON notes WITH CHECK (true)",
            "notes: the row rule notes_visible has another condition than Vetdesk's",
        ),
        (
            "ALTER POLICY evidence_chunk_read ON evidence_chunk USING (true)",
            "evidence_chunk: the row rule evidence_chunk_read has another condition",
        ),
        (
            "CREATE OR REPLACE FUNCTION vetdesk_sees_every_case() RETURNS boolean LANGUAGE sql \
             STABLE SET search_path = public, pg_temp AS $$ SELECT true $$",
            "schema: the function vetdesk_sees_every_case() is not Vetdesk's",
        ),
        (
            "CREATE OR REPLACE FUNCTION vetdesk_require_audit() RETURNS trigger LANGUAGE plpgsql \
             SECURITY DEFINER SET search_path = public, pg_temp AS $$ BEGIN RETURN NULL; END $$",
            "schema: the function vetdesk_require_audit() is not Vetdesk's",
        ),
        // A trigger kept by name and function but firing for replication sessions only, or
        // remade on fewer events.
        (
            "ALTER TABLE notes ENABLE REPLICA TRIGGER notes_audited",
            "notes: the team-mode trigger notes_audited is missing, disabled or altered",
        ),
        (
            "DROP TRIGGER cases_audited ON cases; CREATE CONSTRAINT TRIGGER cases_audited AFTER \
             INSERT ON cases DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION \
             vetdesk_require_audit()",
            "cases: the team-mode trigger cases_audited is missing, disabled or altered",
        ),
    ] {
        owner.batch_execute(weaken).unwrap();
        for (who, report) in
            [("owner", team.owner_store.verify().unwrap()), ("rita", rita_store.verify().unwrap())]
        {
            assert!(!report.ok, "{weaken}: verify as {who} stayed clean");
            let messages: Vec<String> =
                report.problems.iter().map(|p| format!("{}: {}", p.location, p.message)).collect();
            assert!(
                messages.iter().any(|m| m.starts_with(named)),
                "{weaken}, as {who}: {messages:?}"
            );
        }
    }
    // The edited rule is what now shows the reviewer the investigation.
    assert_eq!(investigations(&mut rita), 1);
    let url = team.cluster.url(&team.owner, &team.owner_password, &team.database);
    let dir = tempfile::tempdir().unwrap();
    Store::team_init(DataDir::new(dir.path()), &url, Clock::fixed(t0())).unwrap();
    let report = team.owner_store.verify().unwrap();
    assert!(report.ok, "{:?}", report.problems);
    assert!(ivan.verify().unwrap().ok);
    assert_eq!(investigations(&mut rita), 0);
}

/// Evidence bytes live in the team database: a member reads the chunks of evidence they can
/// see and no others, may not change or delete a chunk, may not add one outside a recorded
/// change, and may not erase one (compliance may, only with the erasure's record, and only of
/// the evidence of erased people).
#[test]
fn evidence_bytes_are_guarded_by_the_row_rules_and_append_only() {
    let mut team = Team::new();
    let case_id = team.case();
    let rita_store = team.store("rita");
    let dir = tempfile::tempdir().unwrap();
    let scan = dir.path().join("scan.bin");
    std::fs::write(&scan, vec![7u8; 1024 * 1024 + 3]).unwrap();
    rita_store
        .attach_file(&team.login("rita"), case_id, &scan, None, None, &mut |_, _| {})
        .unwrap();
    let sha = rita_store.evidence_of_case(case_id).unwrap()[0].sha256.clone();
    assert!(rita_store.verify().unwrap().ok);

    let mut rita = team.psql("rita");
    let visible: i64 = rita
        .query_one("SELECT count(*) FROM evidence_chunk WHERE sha256 = $1", &[&sha])
        .unwrap()
        .get(0);
    assert_eq!(visible, 2, "two chunks of her own evidence");
    for statement in [
        "UPDATE evidence_chunk SET bytes = ''::bytea",
        "DELETE FROM evidence_chunk",
        "TRUNCATE evidence_chunk",
    ] {
        assert_eq!(
            refused(rita.batch_execute(statement)),
            "permission denied for table evidence_chunk",
            "{statement}"
        );
    }
    // Added outside a recorded change: refused at commit.
    let orphan = "e".repeat(64);
    let message = refused(rita.batch_execute(&format!(
        "BEGIN; INSERT INTO evidence_chunk (sha256, seq, bytes, chunk_sha256)
         VALUES ('{orphan}', 0, ''::bytea, '{orphan}'); COMMIT;"
    )));
    assert!(
        message.contains("a change to evidence_chunk must be recorded in the audit log"),
        "{message}"
    );
    let _ = rita.batch_execute("ROLLBACK");

    // A chunk with no evidence row behind it (here put in by the server's superuser, past the
    // triggers) is invisible to members, though the owner sees it.
    let mut superuser = team.cluster.superuser(&team.database);
    superuser
        .batch_execute(&format!(
            "SET session_replication_role = replica;
             INSERT INTO evidence_chunk (sha256, seq, bytes, chunk_sha256)
             VALUES ('{orphan}', 0, ''::bytea, '{orphan}');"
        ))
        .unwrap();
    for who in ["rita", "ivan", "cora"] {
        let seen: i64 = team
            .psql(who)
            .query_one("SELECT count(*) FROM evidence_chunk WHERE sha256 = $1", &[&orphan])
            .unwrap()
            .get(0);
        assert_eq!(seen, 0, "{who}");
    }
    let owner_sees: i64 = team
        .owner_psql()
        .query_one("SELECT count(*) FROM evidence_chunk WHERE sha256 = $1", &[&orphan])
        .unwrap()
        .get(0);
    assert_eq!(owner_sees, 1);

    // Erasure: not a reviewer's; compliance only with the erasure's record, and only of the
    // evidence of erased people.
    assert_eq!(
        refused(rita.query_one("SELECT vetdesk_erase_evidence($1)", &[&sha])),
        "permission denied for function vetdesk_erase_evidence"
    );
    let mut cora = team.psql("cora");
    let message = refused(cora.query_one("SELECT vetdesk_erase_evidence($1)", &[&sha]));
    assert!(message.contains("only together with the audit record of the erasure"), "{message}");
    let mut tx = cora.transaction().unwrap();
    let seq: i64 = tx
        .query_one(
            "SELECT max(seq) + 1 FROM audit_log WHERE chain = $1",
            &[&format!("case:{case_id}")],
        )
        .unwrap()
        .get(0);
    append_audit(&mut tx, case_id, seq);
    let message = refused(tx.query_one("SELECT vetdesk_erase_evidence($1)", &[&sha]));
    assert!(message.contains("still evidence of a person who is not erased"), "{message}");
    drop(tx);
    assert!(team.owner_store.verify().unwrap().ok);
}

/// An erasure by a compliance member removes the evidence bytes in the erasure's own
/// transaction, through the one function that may delete them; verify stays clean.
#[test]
fn an_erasure_removes_the_evidence_chunks_with_its_record() {
    let mut team = Team::new();
    let case_id = team.case();
    let rita_store = team.store("rita");
    let dir = tempfile::tempdir().unwrap();
    let letter = dir.path().join("letter.txt");
    std::fs::write(&letter, "Reference for Anna Maria Eriksson\n").unwrap();
    rita_store
        .attach_file(&team.login("rita"), case_id, &letter, None, None, &mut |_, _| {})
        .unwrap();
    let sha = rita_store.evidence_of_case(case_id).unwrap()[0].sha256.clone();
    let cora_store = team.store("cora");
    let cora = team.login("cora");
    record(
        &cora_store,
        &cora,
        case_id,
        "application-consistency",
        vetdesk_core::model::ItemResult::Fail,
        Some("failed for the test"),
        vec![],
    );
    let grounds: Vec<vetdesk_core::change::Ground> = cora_store
        .status_moves(case_id, &cora)
        .unwrap()
        .into_iter()
        .find(|m| m.decision == Some(vetdesk_core::model::Decision::Rejected))
        .map(|m| m.citable.into_iter().map(|c| c.ground).collect())
        .unwrap_or_default();
    cora_store
        .apply(
            &cora,
            Change::SetStatus {
                case_id,
                status: vetdesk_core::model::CaseStatus::Decided,
                decision: Some(vetdesk_core::model::Decision::Rejected),
                reason: "identity not confirmed".into(),
                grounds,
                override_reason: None,
            },
        )
        .unwrap();
    cora_store.clock().advance(chrono::Duration::days(731));
    let erased = cora_store.retention_apply(&cora).unwrap();
    assert_eq!(erased.len(), 1, "{erased:?}");
    assert_eq!(erased[0].files_removed, 1);
    let left: i64 = team
        .owner_psql()
        .query_one("SELECT count(*) FROM evidence_chunk WHERE sha256 = $1", &[&sha])
        .unwrap()
        .get(0);
    assert_eq!(left, 0);
    let report = team.owner_store.verify().unwrap();
    assert!(report.ok, "{:?}", report.problems);
}

/// When and how many rows the last ANALYZE (not autovacuum's) counted in `link_keys`.
fn link_keys_statistics(sql: &mut Client) -> (Option<String>, f32) {
    let row = sql
        .query_one(
            "SELECT s.last_analyze::text, c.reltuples FROM pg_stat_user_tables s
             JOIN pg_class c ON c.oid = s.relid WHERE s.relname = 'link_keys'",
            &[],
        )
        .unwrap();
    (row.get(0), row.get(1))
}

#[test]
fn a_large_import_brings_the_planner_statistics_up_to_date_in_its_own_transaction() {
    let mut team = Team::new();
    let rita = team.store("rita");
    let login = team.login("rita");
    let mut owner = team.owner_psql();
    let import = |from: usize, count: usize| {
        let mut csv = String::from("external_id,full_name,email,phone\n");
        for i in from..from + count {
            // Every tenth shares a phone with the one before: links for the end's re-flagging.
            let phone = if i % 10 == 1 { i - 1 } else { i };
            csv.push_str(&format!(
                "STAT-{i},Person {i},p{i}@example.com,+1 202 555 {:04}\n",
                phone % 10_000
            ));
        }
        let file = vetdesk_core::import::parse_candidates_csv(csv.as_bytes()).unwrap();
        rita.import_candidates(&login, &file, true).unwrap()
    };

    // A few rows: the statistics are left to autovacuum.
    import(0, 20);
    assert_eq!(link_keys_statistics(&mut owner).0, None, "analyzed after 20 rows");

    // Many: analyzed by the import (as its owner: the reviewer may not), counting the rows the
    // import's own uncommitted transaction had written (3 identifiers a candidate at least).
    let outcome = import(20, 700);
    assert_eq!(outcome.created.len(), 700);
    let (analyzed, rows) = link_keys_statistics(&mut owner);
    assert!(analyzed.is_some(), "link_keys not analyzed by a 700-row import");
    assert!(rows >= 1_400.0, "the ANALYZE counted {rows} rows");
    // The re-flagging after the rows saw the shared phones.
    assert!(outcome.raised.len() >= 70, "{} flags raised", outcome.raised.len());
    assert!(rita.verify().unwrap().ok);

    // By itself a member's ANALYZE is skipped (a warning, not an error): the owner's function
    // is why the import could.
    let before = link_keys_statistics(&mut owner).0;
    team.psql("rita").batch_execute("ANALYZE link_keys").unwrap();
    assert_eq!(link_keys_statistics(&mut owner).0, before);
}

/// A writer's clock behind the records of their own chain, and the newest records of the log all
/// ones they may not see: the write is still dated no earlier than their chain's last record.
#[test]
fn a_write_after_records_its_writer_may_not_see_is_not_dated_before_its_own_chain() {
    let mut team = Team::new();
    let case_id = team.case();
    let ten: vetdesk_core::model::Timestamp = "2026-11-02T10:00:00.000Z".parse().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let url = team.cluster.url(&team.login("ivan"), &team.password("ivan"), &team.database);
    let ivan = Store::open_postgres(DataDir::new(dir.path()), &url, Clock::fixed(ten)).unwrap();
    let note = |case_id: i64, text: &str| Change::AddNote { id: None, case_id, text: text.into() };
    ivan.apply(&team.login("ivan"), note(case_id, "looked at by ten")).unwrap();
    let hidden = investigation(&team, &ivan, None, "INV-CLOCK");
    for i in 0..20 {
        ivan.apply(&team.login("ivan"), note(hidden, &format!("hidden note {i}"))).unwrap();
    }

    // The reviewer's clock reads nine; the newest twenty records of the log are hidden from her.
    let rita = team.store("rita");
    let applied = rita.apply(&team.login("rita"), note(case_id, "mine")).unwrap();
    assert_eq!(applied.record.at, ten);
    assert!(rita.verify().unwrap().ok, "{:?}", rita.verify().unwrap());
}
