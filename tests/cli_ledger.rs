//! The ledger core from the command line: states, instruments, import, record, list.

mod common;

use common::{arg, Work};
use predicates::prelude::*;
use treaty_ledger::ledger::{pack_text, stored_text, SCHEMA_VERSION};

fn state_code(work: &Work, name: &str) -> String {
    let v = work.json(&["states", "show", name, "--format", "json"]);
    v["iso3"].as_str().expect("iso3").to_string()
}

#[test]
fn states_resolve_by_code_name_un_name_old_name_and_demonym() {
    let work = Work::new();
    for (name, iso3) in [
        ("AZE", "AZE"),
        ("az", "AZE"),
        ("Azerbaijan", "AZE"),
        ("Republic of Azerbaijan", "AZE"),
        ("Azerbaijani", "AZE"),
        ("azerbaijani", "AZE"),
        ("Türkiye", "TUR"),
        ("Turkey", "TUR"),
        ("Netherlands (Kingdom of the)", "NLD"),
        ("the Netherlands", "NLD"),
        ("Bolivia (Plurinational State of)", "BOL"),
        ("Czech Republic", "CZE"),
        ("Czechia", "CZE"),
        ("Swaziland", "SWZ"),
        ("Eswatini", "SWZ"),
        ("UK", "GBR"),
        ("U.S.", "USA"),
        ("Moldova", "MDA"),
        ("French", "FRA"),
        ("European Union", "EUU"),
        ("USSR", "SUN"),
        ("Yugoslavia", "YUG"),
    ] {
        assert_eq!(state_code(&work, name), iso3, "{name}");
    }
}

#[test]
fn unknown_state_is_a_user_error_with_suggestions() {
    let work = Work::new();
    work.cmd()
        .args(["list", "--state", "Azerbajan"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("unknown state 'Azerbajan'"))
        .stderr(predicate::str::contains("Azerbaijan (AZE)"));
}

#[test]
fn states_carry_cow_and_gw_codes() {
    let work = Work::new();
    let v = work.json(&["states", "show", "AZE", "--format", "json"]);
    assert_eq!(v["cow_code"], 373);
    assert_eq!(v["gw_code"], 373);
    let csv = work.ok(&["states", "list", "--format", "csv"]);
    assert!(csv.starts_with("iso3,iso2,numeric,name,kind,cow_code,gw_code\n"));
    assert!(
        csv.lines().count() > 250,
        "every ISO entry plus EU and historical states"
    );
    assert!(
        csv.contains("\nNAM,NA,516,Namibia,"),
        "Namibia's alpha-2 stays NA"
    );
}

#[test]
fn shipped_instruments_are_listed_and_searchable() {
    let work = Work::new();
    let v = work.json(&["instruments", "show", "CETS-216", "--format", "json"]);
    assert_eq!(
        v["title"],
        "Council of Europe Convention against Trafficking in Human Organs"
    );
    let v = work.json(&["instruments", "show", "cets-216", "--format", "json"]);
    assert_eq!(v["id"], "CETS-216", "an id in another case");
    let v = work.json(&[
        "instruments",
        "show",
        "Istanbul Convention",
        "--format",
        "json",
    ]);
    assert_eq!(v["id"], "CETS-210");
    let found = work.json(&[
        "instruments",
        "list",
        "--search",
        "persons disabilities",
        "--format",
        "json",
    ]);
    assert!(found
        .as_array()
        .expect("array")
        .iter()
        .any(|i| i["id"] == "UNTC-IV-15"));
}

const BAD_CSV: &str = "id,title,opened,aliases\n\
X-1,Good Treaty,2001-02-03,Goody\n\
X-2,,2001-02-03,\n\
X-3,Bad Date Treaty,2001-02-30,\n\
X-1,Again,,\n";

/// Runs `instruments import FLAGS CSV`, which must succeed and say `said` (its counts),
/// and nothing on stderr (no terminal there: no progress bar).
fn imports(work: &Work, csv: &std::path::Path, flags: &[&str], said: &str) {
    work.cmd()
        .args(["instruments", "import"])
        .args(flags)
        .arg(csv)
        .assert()
        .success()
        .stdout(predicate::str::contains(said))
        .stderr("");
}

#[test]
fn a_csv_with_three_bad_rows_reports_all_three_and_changes_nothing() {
    let work = Work::new();
    work.ok(&["init"]);
    let before = work.dump();
    let csv = work.file("bad.csv", BAD_CSV);
    work.cmd()
        .args(["instruments", "import"])
        .arg(&csv)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("bad.csv:3: title: empty title"))
        .stderr(predicate::str::contains(
            "bad.csv:4: opened: '2001-02-30' is not an ISO 8601 date",
        ))
        .stderr(predicate::str::contains(
            "bad.csv:5: id: duplicate id 'X-1' (first on line 2)",
        ))
        .stderr(predicate::str::contains(
            "3 problems found; nothing was written",
        ));
    assert_eq!(before, work.dump(), "the ledger is byte-identical");
}

#[test]
fn import_inserts_then_refuses_existing_ids_unless_upsert() {
    let work = Work::new();
    let csv = work.file(
        "new.csv",
        "\u{feff}id,title,short_title,aliases,depositary,adopted,opened,in_force,url\r\n\
         TEST-1,Convention on Testing Things,Testing Convention,Test Pact|The Tester,Nobody,2020-01-01,2020-02-01,2021-03-01,https://example.org/t1\r\n\
         TEST-2,Protocol on Testing,,,,,,,\r\n",
    );
    imports(&work, &csv, &[], "2 inserted, 0 updated, 0 unchanged");
    let v = work.json(&["instruments", "show", "Test Pact", "--format", "json"]);
    assert_eq!(v["id"], "TEST-1");
    assert_eq!(v["in_force"], "2021-03-01");

    let before = work.dump();
    work.cmd()
        .args(["instruments", "import"])
        .arg(&csv)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "new.csv:2: id: instrument 'TEST-1' is already in the ledger (--upsert updates it)",
        ));
    assert_eq!(before, work.dump());

    let changed = work.file(
        "changed.csv",
        "id,title,in_force\nTEST-1,Convention on Testing Things,2021-04-01\nTEST-2,Protocol on Testing,\n",
    );
    imports(
        &work,
        &changed,
        &["--upsert"],
        "0 inserted, 1 updated, 1 unchanged",
    );
    let v = work.json(&["instruments", "show", "TEST-1", "--format", "json"]);
    assert_eq!(v["in_force"], "2021-04-01");
    assert_eq!(
        v["aliases"],
        serde_json::json!([]),
        "upsert replaces the row whole"
    );
}

#[test]
fn a_short_title_is_a_name_and_aliases_that_repeat_a_name_are_kept_once() {
    let work = Work::new();
    let csv = work.file(
        "short.csv",
        "id,title,short_title,aliases\n\
         SHORT-1,Convention on Short Names,Short Names Convention,Short Names Convention|SNC|Convention on Short Names|SNC\n",
    );
    imports(&work, &csv, &[], "1 inserted");
    let v = work.json(&[
        "instruments",
        "show",
        "Short Names Convention",
        "--format",
        "json",
    ]);
    assert_eq!(v["id"], "SHORT-1", "found by its short title");
    assert_eq!(v["aliases"], serde_json::json!(["SNC"]));
    let conn = rusqlite::Connection::open(&work.db).expect("open");
    let names: Vec<(String, String)> = two_columns(
        &conn,
        "SELECT name, kind FROM instrument_names WHERE instrument_id = 'SHORT-1' ORDER BY kind",
    );
    assert_eq!(
        names,
        [
            ("SNC".to_string(), "alias".to_string()),
            (
                "Short Names Convention".to_string(),
                "short_title".to_string()
            ),
            ("Convention on Short Names".to_string(), "title".to_string()),
        ],
        "each name once, the short title from the instrument's row"
    );
    let stored: String = conn
        .query_row(
            "SELECT aliases FROM instrument WHERE id = 'SHORT-1'",
            [],
            |r| r.get(0),
        )
        .expect("aliases");
    assert_eq!(
        stored, r#"["SNC"]"#,
        "only the alias is kept among the aliases"
    );
    // The same row again is unchanged, though its aliases repeat its titles.
    imports(
        &work,
        &csv,
        &["--upsert"],
        "0 inserted, 0 updated, 1 unchanged",
    );
}

#[test]
fn import_reads_stdin_and_rejects_unknown_columns() {
    let work = Work::new();
    work.cmd()
        .args(["instruments", "import", "-"])
        .write_stdin("id,title,colour\nS-1,Stdin Treaty,blue\n")
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "<stdin>:1: colour: unknown column",
        ));
    work.cmd()
        .args(["instruments", "import", "-", "--ignore-extra"])
        .write_stdin("id,title,colour\nS-1,Stdin Treaty,blue\n")
        .assert()
        .success()
        .stdout(predicate::str::contains("1 inserted"));
}

#[test]
fn record_then_list_returns_the_entry_with_its_citation() {
    let work = Work::new();
    let record = [
        "record",
        "--state",
        "Azerbaijan",
        "--instrument",
        "CETS-216",
        "--action",
        "signature",
        "--date",
        "2023-10-30",
        "--source",
        "https://www.coe.int/en/web/conventions/full-list?module=signatures-by-treaty&treatynum=216",
        "--quote",
        "Azerbaijan 30/10/2023 signature",
        "--title",
        "Chart of signatures and ratifications of Treaty 216",
        "--publisher",
        "Council of Europe Treaty Office",
    ];
    work.cmd().args(record).assert().success();
    let before = work.dump();
    work.cmd()
        .args(record)
        .assert()
        .success()
        .stderr(predicate::str::contains("already recorded"));
    assert_eq!(
        before,
        work.dump(),
        "recording the same citation twice changes nothing"
    );

    // The shipped UN records list Azerbaijan's UN treaties too; this entry is the CETS one.
    let v = work.json(&[
        "list",
        "--state",
        "AZE",
        "--instrument",
        "CETS-216",
        "--format",
        "json",
    ]);
    let entries = v.as_array().expect("array");
    assert_eq!(entries.len(), 1);
    let e = &entries[0];
    assert_eq!(e["state"], "AZE");
    assert_eq!(e["instrument"], "CETS-216");
    assert_eq!(e["action"], "signature");
    assert_eq!(e["stage"], "international");
    assert_eq!(e["date"], "2023-10-30");
    assert_eq!(e["precision"], "day");
    let c = &e["citations"][0];
    assert_eq!(c["quote"], "Azerbaijan 30/10/2023 signature");
    assert_eq!(c["source_kind"], "manual");
    assert_eq!(c["publisher"], "Council of Europe Treaty Office");

    let table = work.ok(&["list", "--state", "azerbaijani", "-i", "CETS-216"]);
    assert!(table.starts_with("date"));
    assert!(table.contains("2023-10-30  AZE    signature  international  CETS-216"));
    let none = work.ok(&[
        "list",
        "--state",
        "AZE",
        "--instrument",
        "CETS-216",
        "--action",
        "accession",
        "--format",
        "csv",
    ]);
    assert_eq!(none.lines().count(), 1, "only the header: no accession");
    let since = work.ok(&[
        "list", "--state", "AZE", "-i", "CETS-216", "--since", "2024", "--format", "ndjson",
    ]);
    assert!(since.is_empty());
}

#[test]
fn record_validates_its_input() {
    let work = Work::new();
    work.cmd()
        .args([
            "record",
            "--state",
            "Narnia",
            "--instrument",
            "CETS-216",
            "--action",
            "signature",
            "--date",
            "2023-10-30",
            "--source",
            "x",
            "--quote",
            "q",
        ])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("unknown state 'Narnia'"));
    work.cmd()
        .args([
            "record",
            "--state",
            "AZE",
            "--instrument",
            "CETS-216",
            "--action",
            "signed",
            "--date",
            "2023-10-30",
            "--source",
            "x",
            "--quote",
            "q",
        ])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("unknown action 'signed'"));
    work.cmd()
        .args([
            "record",
            "--state",
            "AZE",
            "--instrument",
            "CETS-216",
            "--action",
            "signature",
            "--date",
            "2023-02-30",
            "--source",
            "x",
            "--quote",
            "q",
        ])
        .assert()
        .code(1);
}

#[test]
fn the_ledger_path_comes_from_the_environment_when_not_given() {
    let work = Work::new();
    let db = work.dir.path().join("from-env.db");
    let mut cmd = assert_cmd::Command::cargo_bin("treaty-ledger").expect("binary");
    cmd.env("TREATY_LEDGER_DB", &db)
        .arg("init")
        .assert()
        .success();
    assert!(db.exists());
}

/// A ledger without the shipped records, holding one hand-entered entry on CETS-216.
fn news_only_ledger_with_one_entry() -> Work {
    let work = Work::new();
    work.ok(&["init", "--no-records"]);
    work.ok(&[
        "record",
        "--state",
        "AZE",
        "--instrument",
        "CETS-216",
        "--action",
        "signature",
        "--date",
        "2023-10-30",
        "--source",
        "https://example.org",
        "--quote",
        "q",
    ]);
    work
}

#[test]
fn a_ledger_made_by_an_older_version_is_migrated_on_open() {
    let work = news_only_ledger_with_one_entry();
    let fresh = schema_objects(&rusqlite::Connection::open(&work.db).expect("open"));
    let texts = source_texts(&rusqlite::Connection::open(&work.db).expect("open"));
    {
        // Make it look as version 1 left it: with its event index by (state, date), each
        // title among the names, without what versions 2 to 7 added (version 2's index went
        // again in version 4).
        let conn = rusqlite::Connection::open(&work.db).expect("open");
        store_texts_plain(&conn);
        names_in_their_own_table(&conn);
        conn.execute_batch(
            "CREATE INDEX event_by_state ON event (state, date); DROP TABLE table_instrument;
             DROP INDEX citation_by_state; ALTER TABLE citation DROP COLUMN state;
             DROP VIEW instrument_names;
             INSERT OR IGNORE INTO instrument_name SELECT id, title, 'title' FROM instrument;
             PRAGMA user_version = 1;",
        )
        .expect("downgrade");
    }
    let (v, conn) = migrated(&work);
    assert_eq!(v["events"], 1, "the entry survives the migration");
    assert_eq!(schema_objects(&conn), fresh, "what a new ledger has");
    assert_citations_carry_their_event_state(&conn);
    assert_eq!(source_texts(&conn), texts, "the texts, packed");
    assert_eq!(
        count(
            &conn,
            "SELECT count(*) FROM instrument_names n JOIN instrument i ON i.id = n.instrument_id
             WHERE n.kind = 'alias' AND n.name = i.title"
        ),
        0,
        "titles are read from the instrument rows, not kept again as aliases"
    );
    let by_title = work.json(&[
        "instruments",
        "show",
        "Council of Europe Convention against Trafficking in Human Organs",
        "--format",
        "json",
    ]);
    assert_eq!(
        by_title["id"], "CETS-216",
        "a title still finds its instrument"
    );

    conn.execute_batch("PRAGMA user_version = 99;")
        .expect("future");
    work.cmd()
        .arg("init")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("made by a newer treaty-ledger"));
}

/// Every source's text, read back from its packed form.
fn source_texts(conn: &rusqlite::Connection) -> Vec<(i64, String)> {
    let ids: Vec<i64> = conn
        .prepare("SELECT id FROM source ORDER BY id")
        .expect("sources")
        .query_map([], |r| r.get(0))
        .expect("ids")
        .collect::<rusqlite::Result<_>>()
        .expect("ids");
    assert!(!ids.is_empty(), "a ledger with sources");
    ids.into_iter()
        .map(|id| (id, stored_text(conn, id).expect("a stored text")))
        .collect()
}

/// Stores every source's text in a frame of its own, as versions 6 and 7 did, without
/// the packs of version 8.
fn store_texts_in_own_frames(conn: &rusqlite::Connection) {
    for (id, text) in source_texts(conn) {
        conn.execute(
            "UPDATE source SET packed_text = ?2 WHERE id = ?1",
            rusqlite::params![id, pack_text(&text).expect("packed")],
        )
        .expect("a frame of its own");
    }
    conn.execute_batch("DROP TABLE source_text; DROP TABLE text_pack;")
        .expect("packs dropped");
}

/// Stores the sources' texts as versions 1 to 5 did: plain, in the last column, `text`.
fn store_texts_plain(conn: &rusqlite::Connection) {
    let texts = source_texts(conn);
    store_texts_in_own_frames(conn);
    conn.execute_batch("ALTER TABLE source ADD COLUMN text TEXT;")
        .expect("text column");
    for (id, text) in texts {
        conn.execute(
            "UPDATE source SET text = ?2 WHERE id = ?1",
            rusqlite::params![id, text],
        )
        .expect("plain text");
    }
    conn.execute_batch("ALTER TABLE source DROP COLUMN packed_text;")
        .expect("packed column dropped");
}

/// Every citation has a state, its event's (the copy a state's listing reads).
fn assert_citations_carry_their_event_state(conn: &rusqlite::Connection) {
    let (citations, astray): (i64, i64) = conn
        .query_row(
            "SELECT count(*), count(*) FILTER (WHERE c.state IS NOT e.state)
             FROM citation c LEFT JOIN event e ON e.id = c.event_id",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("citations");
    assert!(citations > 0, "a ledger with citations");
    assert_eq!(astray, 0, "citations whose state is not their event's");
}

/// Opens an older ledger with the binary, which migrates it (`init` says what it holds),
/// checks that it is at the current version, and opens it for the test to read.
fn migrated(work: &Work) -> (serde_json::Value, rusqlite::Connection) {
    let v = work.json(&["init", "--format", "json"]);
    assert_eq!(v["schema_version"], SCHEMA_VERSION);
    let conn = rusqlite::Connection::open(&work.db).expect("open");
    (v, conn)
}

/// The two columns of every row `sql` selects.
fn two_columns<A: rusqlite::types::FromSql, B: rusqlite::types::FromSql>(
    conn: &rusqlite::Connection,
    sql: &str,
) -> Vec<(A, B)> {
    let mut stmt = conn.prepare(sql).expect("prepare");
    let rows = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("query");
    rows.collect::<Result<_, _>>().expect("rows")
}

/// Puts the instruments' aliases back in a table of their own, `instrument_name`, read by
/// the view as versions 7 to 9 had it, and drops `instrument.aliases` (version 10's).
fn names_in_their_own_table(conn: &rusqlite::Connection) {
    conn.execute_batch(
        "CREATE TABLE instrument_name (
             instrument_id TEXT NOT NULL REFERENCES instrument (id) ON DELETE CASCADE ON UPDATE CASCADE,
             name          TEXT NOT NULL,
             kind          TEXT NOT NULL CHECK (kind = 'title' OR kind = 'short_title' OR kind = 'alias'),
             PRIMARY KEY (instrument_id, name)
         ) WITHOUT ROWID;
         INSERT INTO instrument_name SELECT i.id, a.value, 'alias' FROM instrument i, json_each(i.aliases) a;
         DROP VIEW instrument_names;
         CREATE VIEW instrument_names AS
         SELECT id AS instrument_id, title AS name, 'title' AS kind FROM instrument
         UNION ALL
         SELECT id, short_title, 'short_title' FROM instrument
         WHERE short_title IS NOT NULL AND short_title <> title
         UNION ALL
         SELECT instrument_id, name, kind FROM instrument_name;
         ALTER TABLE instrument DROP COLUMN aliases;",
    )
    .expect("aliases in a table of their own");
}

/// The one number a counting query gives.
fn count(conn: &rusqlite::Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get(0)).expect(sql)
}

/// The tables, indexes and triggers of a ledger, by name.
fn schema_objects(conn: &rusqlite::Connection) -> Vec<(String, String)> {
    two_columns(conn, "SELECT type, name FROM sqlite_schema ORDER BY name")
}

/// The names `sql` selects (as "ID KIND", NAME, in order) are `fresh` and one alias more.
fn assert_names_and_one_alias_more(
    conn: &rusqlite::Connection,
    sql: &str,
    fresh: Vec<(String, String)>,
    (id, alias): (&str, &str),
) {
    let mut expected = fresh;
    expected.push((format!("{id} alias"), alias.to_string()));
    expected.sort();
    assert_eq!(two_columns::<String, String>(conn, sql), expected);
}

/// A migrated ledger has the objects of a new one (`schema_objects`), its tables defined as
/// a new one defines them (`table_definitions`).
fn assert_shaped_as_new(
    conn: &rusqlite::Connection,
    objects: &[(String, String)],
    tables: &[(String, String)],
) {
    assert_eq!(schema_objects(conn), objects, "what a new ledger has");
    assert_eq!(
        table_definitions(conn),
        tables,
        "as a new ledger defines them"
    );
}

/// The table definitions of a ledger, by name.
fn table_definitions(conn: &rusqlite::Connection) -> Vec<(String, String)> {
    two_columns(
        conn,
        "SELECT name, sql FROM sqlite_schema WHERE type = 'table' ORDER BY name",
    )
}

#[test]
fn a_version_8_ledger_reads_short_titles_from_the_instrument_rows() {
    let work = Work::new();
    work.ok(&["init", "--no-records"]);
    let conn = rusqlite::Connection::open(&work.db).expect("open");
    let view = |conn: &rusqlite::Connection| -> String {
        conn.query_row(
            "SELECT sql FROM sqlite_schema WHERE name = 'instrument_names'",
            [],
            |r| r.get(0),
        )
        .expect("view")
    };
    let names_sql = "SELECT instrument_id || ' ' || kind, name FROM instrument_names
                     ORDER BY 1, 2";
    let fresh_view = view(&conn);
    let fresh_names: Vec<(String, String)> = two_columns(&conn, names_sql);
    let short_titles = count(
        &conn,
        "SELECT count(*) FROM instrument WHERE short_title IS NOT NULL AND short_title <> title",
    );
    assert!(
        short_titles > 0,
        "the shipped instruments have short titles"
    );
    // Version 8 wrote each short title again among the names, and its view read them there.
    // A short-title row that names something else than the row's short title stays (an
    // alias since version 10).
    names_in_their_own_table(&conn);
    conn.execute_batch(
        "DROP VIEW instrument_names;
         CREATE VIEW instrument_names AS
         SELECT id AS instrument_id, title AS name, 'title' AS kind FROM instrument
         UNION ALL
         SELECT instrument_id, name, kind FROM instrument_name;
         INSERT INTO instrument_name SELECT id, short_title, 'short_title' FROM instrument
         WHERE short_title IS NOT NULL AND short_title <> title;
         INSERT INTO instrument_name VALUES ('CETS-216', 'Organ Trafficking Convention', 'short_title');
         PRAGMA user_version = 8;",
    )
    .expect("downgrade");
    drop(conn);

    let (_, conn) = migrated(&work);
    assert_eq!(view(&conn), fresh_view, "the view a new ledger has");
    assert_names_and_one_alias_more(
        &conn,
        names_sql,
        fresh_names,
        ("CETS-216", "Organ Trafficking Convention"),
    );
    let v = work.json(&[
        "instruments",
        "show",
        "Organ Trafficking Convention",
        "--format",
        "json",
    ]);
    assert_eq!(v["id"], "CETS-216");
}

#[test]
fn a_version_9_ledger_keeps_every_name_with_aliases_on_the_instrument_rows() {
    let work = Work::new();
    work.ok(&["init", "--no-records"]);
    let csv = work.file(
        "names.csv",
        "id,title,short_title,aliases\n\
         NAMES-1,Convention on Many Names,Many Names Convention,Many Names Accord|MNC\n",
    );
    work.ok(&["instruments", "import", arg(&csv)]);
    let conn = rusqlite::Connection::open(&work.db).expect("open");
    let fresh_objects = schema_objects(&conn);
    let fresh_tables = table_definitions(&conn);
    let names_sql = "SELECT instrument_id || ' ' || kind, name FROM instrument_names
                     ORDER BY 1, 2";
    let fresh_names: Vec<(String, String)> = two_columns(&conn, names_sql);
    assert!(
        fresh_names.contains(&("NAMES-1 alias".to_string(), "MNC".to_string())),
        "{fresh_names:?}"
    );
    // Version 9 kept aliases as rows of `instrument_name`, beside a title row that version
    // 7 kept because it named something else than the instrument's title.
    names_in_their_own_table(&conn);
    conn.execute_batch(
        "INSERT INTO instrument_name VALUES ('NAMES-1', 'Old Title of Many Names', 'title');
         PRAGMA user_version = 9;",
    )
    .expect("downgrade");
    drop(conn);

    let (_, conn) = migrated(&work);
    assert_shaped_as_new(&conn, &fresh_objects, &fresh_tables);
    assert_names_and_one_alias_more(
        &conn,
        names_sql,
        fresh_names,
        ("NAMES-1", "Old Title of Many Names"),
    );
    let v = work.json(&["instruments", "show", "MNC", "--format", "json"]);
    assert_eq!(v["id"], "NAMES-1", "found by an alias");
    assert_eq!(
        v["aliases"],
        serde_json::json!(["MNC", "Many Names Accord", "Old Title of Many Names"]),
        "in byte order"
    );
    let shipped = work.json(&["instruments", "show", "CETS-216", "--format", "json"]);
    assert_eq!(
        shipped["aliases"],
        serde_json::json!([
            "Santiago de Compostela Convention",
            "organ trafficking convention"
        ]),
        "the shipped aliases come through"
    );
}

#[test]
fn a_version_2_ledger_gets_the_checks_of_version_3_and_keeps_its_rows() {
    let work = news_only_ledger_with_one_entry();
    let fresh = table_definitions(&rusqlite::Connection::open(&work.db).expect("open"));
    let texts = source_texts(&rusqlite::Connection::open(&work.db).expect("open"));
    {
        // Put back the table definitions of version 2 (its schema.sql, kept as a fixture):
        // the same tables, with `CHECK (x IN (...))`.
        let old = rusqlite::Connection::open_in_memory().expect("memory");
        old.execute_batch(include_str!("fixtures/schema-v2.sql"))
            .expect("version 2 schema");
        let conn = rusqlite::Connection::open(&work.db).expect("open");
        store_texts_plain(&conn);
        names_in_their_own_table(&conn);
        let version: i64 = conn
            .query_row("PRAGMA schema_version", [], |r| r.get(0))
            .expect("schema version");
        conn.execute_batch(
            "DROP TABLE table_instrument; DROP INDEX citation_by_state; ALTER TABLE citation DROP COLUMN state;
             PRAGMA writable_schema = ON;",
        )
        .expect("writable");
        for (name, sql) in table_definitions(&old) {
            conn.execute(
                "UPDATE sqlite_schema SET sql = ?1 WHERE type = 'table' AND name = ?2",
                [&sql, &name],
            )
            .expect("old definition");
        }
        conn.execute_batch(&format!(
            "PRAGMA schema_version = {}; PRAGMA writable_schema = OFF; PRAGMA user_version = 2;",
            version + 1
        ))
        .expect("downgrade");
    }
    let before = table_definitions(&rusqlite::Connection::open(&work.db).expect("open"));
    assert!(
        before.iter().any(|(_, sql)| sql.contains(" IN (")),
        "{before:?}"
    );
    assert_ne!(before, fresh);

    let (v, conn) = migrated(&work);
    assert_eq!(v["events"], 1, "the entry survives the migration");
    assert_eq!(
        table_definitions(&conn),
        fresh,
        "the tables a new ledger has"
    );
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .expect("integrity");
    assert_eq!(check, "ok");
    assert_citations_carry_their_event_state(&conn);
    assert_eq!(source_texts(&conn), texts, "the texts, packed");
    let refused = conn
        .execute(
            "INSERT INTO event (state, instrument_id, action, stage, date, precision)
             VALUES ('AZE', 'CETS-216', 'annexation', 'international', '2024', 'year')",
            [],
        )
        .expect_err("an action outside the list");
    assert!(
        refused.to_string().contains("CHECK constraint failed"),
        "{refused}"
    );
    assert!(work.ok(&["list", "--state", "AZE"]).contains("2023-10-30"));
}

#[test]
fn upsert_updates_an_instrument_that_entries_cite() {
    let work = news_only_ledger_with_one_entry();
    let csv = work.file(
        "fix.csv",
        "id,title,opened\nCETS-216,Council of Europe Convention against Trafficking in Human Organs,2015-03-25\n",
    );
    imports(
        &work,
        &csv,
        &["--upsert"],
        "0 inserted, 1 updated, 0 unchanged",
    );
    let v = work.json(&["list", "--state", "AZE", "--format", "json"]);
    assert_eq!(
        v[0]["instrument"], "CETS-216",
        "the entry keeps its instrument"
    );
}

/// Which instruments each status table records, as a ledger says it.
fn table_instruments(conn: &rusqlite::Connection) -> Vec<(String, i64)> {
    two_columns(
        conn,
        "SELECT instrument_id, source_id FROM table_instrument ORDER BY 1, 2",
    )
}

#[test]
fn a_version_3_ledger_learns_which_instruments_its_status_tables_record() {
    let work = Work::new();
    work.ok(&["init"]);
    let conn = rusqlite::Connection::open(&work.db).expect("open");
    let fresh = table_instruments(&conn);
    let tables = count(
        &conn,
        "SELECT count(*) FROM source WHERE kind = 'status_table'",
    );
    assert!(tables > 0, "the shipped UN tables");
    assert!(
        fresh.len() as i64 >= tables,
        "each table records an instrument"
    );
    let texts = source_texts(&conn);
    store_texts_plain(&conn);
    names_in_their_own_table(&conn);
    // Version 4 kept table_instrument by a trigger on every citation; version 5 drops it.
    conn.execute_batch(
        "DROP TABLE table_instrument;
         DROP INDEX citation_by_state; ALTER TABLE citation DROP COLUMN state;
         CREATE TRIGGER table_instrument_of_citation AFTER INSERT ON citation
         BEGIN SELECT 1; END;
         PRAGMA user_version = 3;",
    )
    .expect("downgrade");
    drop(conn);

    let (_, conn) = migrated(&work);
    assert_eq!(table_instruments(&conn), fresh);
    assert_citations_carry_their_event_state(&conn);
    assert_eq!(source_texts(&conn), texts, "the tables' texts, packed");
    assert_eq!(
        count(
            &conn,
            "SELECT count(*) FROM sqlite_schema WHERE type = 'trigger'"
        ),
        0,
        "version 4's trigger is gone"
    );
    drop(conn);
    // And a table imported now is counted too.
    let table = work.file(
        "table.csv",
        "state,instrument,action,date,source_url,source_title,as_of\n\
         AZE,CETS-216,signature,2023-10-30,https://example.org/t,Status of CETS-216,2026-01-01\n",
    );
    work.cmd()
        .args(["records", "import", "--layout", "generic"])
        .arg(&table)
        .assert()
        .success();
    let conn = rusqlite::Connection::open(&work.db).expect("open");
    let after = table_instruments(&conn);
    assert_eq!(after.len(), fresh.len() + 1, "{after:?}");
    assert!(after.iter().any(|(i, _)| i == "CETS-216"), "{after:?}");
}

/// `source`'s definition as version 7 had it: the comment on `packed_text` before packs.
fn version_7_source(source: &str) -> String {
    let comment = source
        .find("-- the normalised text, zstd")
        .and_then(|at| source[at..].find("\n)").map(|len| at..at + len));
    match comment {
        Some(range) => format!(
            "{}-- the normalised text, zstd; since version 6{}",
            &source[..range.start],
            &source[range.end..]
        ),
        None => source.to_string(),
    }
}

#[test]
fn a_version_7_ledger_keeps_its_texts_and_packs_what_it_ingests_next() {
    let work = Work::new();
    work.ok(&["init", "--no-records"]);
    work.cmd()
        .arg("ingest")
        .arg(common::repo().join("data/samples"))
        .assert()
        .success();
    let conn = rusqlite::Connection::open(&work.db).expect("open");
    let fresh = schema_objects(&conn);
    let fresh_tables = table_definitions(&conn);
    let texts = source_texts(&conn);
    // Version 7 kept every text in a frame of its own and had no packs, and its definition
    // of `source` said nothing of them.
    store_texts_in_own_frames(&conn);
    names_in_their_own_table(&conn);
    let source: String = conn
        .query_row(
            "SELECT sql FROM sqlite_schema WHERE name = 'source'",
            [],
            |r| r.get(0),
        )
        .expect("source definition");
    let v7_source = version_7_source(&source);
    assert_ne!(v7_source, source, "the comment of version 8");
    let version: i64 = conn
        .query_row("PRAGMA schema_version", [], |r| r.get(0))
        .expect("schema version");
    conn.execute_batch("PRAGMA writable_schema = ON;")
        .expect("writable");
    conn.execute(
        "UPDATE sqlite_schema SET sql = ?1 WHERE name = 'source'",
        [&v7_source],
    )
    .expect("version 7 definition");
    conn.execute_batch(&format!(
        "PRAGMA schema_version = {}; PRAGMA writable_schema = OFF; PRAGMA user_version = 7;",
        version + 1
    ))
    .expect("downgrade");
    drop(conn);

    let (_, conn) = migrated(&work);
    assert_shaped_as_new(&conn, &fresh, &fresh_tables);
    assert_eq!(
        source_texts(&conn),
        texts,
        "each text in its own frame still"
    );
    assert_eq!(count(&conn, "SELECT count(*) FROM source_text"), 0);
    let jsonl = work.file(
        "news.jsonl",
        "{\"text\": \"Chile ratified the Paris Agreement on 10 February 2017.\"}\n\
         {\"text\": \"Peru signed the Paris Agreement on 22 April 2016.\"}\n",
    );
    work.cmd().arg("ingest").arg(&jsonl).assert().success();
    assert_eq!(count(&conn, "SELECT count(*) FROM text_pack"), 1);
    let packed: Vec<(i64, i64)> = two_columns(&conn, "SELECT source_id, pack_id FROM source_text");
    assert_eq!(packed.len(), 2, "the new articles, packed together");
    let shown = work.ok(&["sources", "show", &packed[1].0.to_string()]);
    assert!(
        shown.contains("Peru signed") && !shown.contains("Chile"),
        "{shown}"
    );
}

#[test]
fn a_damaged_pack_is_an_error_naming_the_source_read() {
    let work = Work::new();
    work.ok(&["init", "--no-records"]);
    let jsonl = work.file(
        "news.jsonl",
        "{\"text\": \"Chile ratified the Paris Agreement on 10 February 2017.\"}\n",
    );
    work.cmd().arg("ingest").arg(&jsonl).assert().success();
    let conn = rusqlite::Connection::open(&work.db).expect("open");
    let (id, pack): (i64, i64) = conn
        .query_row("SELECT source_id, pack_id FROM source_text", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .expect("a packed text");
    assert!(work
        .ok(&["sources", "show", &id.to_string()])
        .contains("Chile"));
    conn.execute(
        "UPDATE text_pack SET packed = substr(packed, 1, length(packed) - 1) WHERE id = ?1",
        [pack],
    )
    .expect("damage");
    work.cmd()
        .args(["sources", "show", &id.to_string()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!(
            "source {id} (in pack {pack})"
        )));
    // A place beyond its pack's text is named too.
    conn.execute(
        "UPDATE source_text SET text_end = 100000 WHERE source_id = ?1",
        [id],
    )
    .expect("misplace");
    conn.execute(
        "UPDATE text_pack SET packed = ?2 WHERE id = ?1",
        rusqlite::params![pack, pack_text("Chile").expect("packed")],
    )
    .expect("repack");
    work.cmd()
        .args(["sources", "show", &id.to_string()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "bytes 0 to 100000 are not a text within the pack's 5",
        ));
}

#[test]
fn a_damaged_stored_text_is_an_error_naming_its_source() {
    let work = news_only_ledger_with_one_entry();
    let conn = rusqlite::Connection::open(&work.db).expect("open");
    let id: i64 = conn
        .query_row("SELECT id FROM source WHERE kind = 'manual'", [], |r| {
            r.get(0)
        })
        .expect("the manual source");
    assert!(work.ok(&["sources", "show", &id.to_string()]).contains('q'));
    // One flipped bit in the frame: its checksum no longer holds.
    let mut packed: Vec<u8> = conn
        .query_row("SELECT packed_text FROM source WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .expect("packed");
    let last = packed.len() - 1;
    packed[last] ^= 1;
    conn.execute(
        "UPDATE source SET packed_text = ?2 WHERE id = ?1",
        rusqlite::params![id, packed],
    )
    .expect("damage");
    work.cmd()
        .args(["sources", "show", &id.to_string()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!("source {id}")));
}
