//! The ledger under stress: a failed file leaves the ledger exactly as it was, a process
//! killed in the middle of an ingest or an import loses nothing committed and half-records
//! nothing, two writers at once lose nothing and never see "database is locked", and
//! readers always see a consistent ledger.

mod common;

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{arg, dump, Work};
use rusqlite::{Connection, OpenFlags};
use serde_json::{json, Value};
use treaty_ledger::model::MONTH_NAMES as MONTHS;

fn bin() -> PathBuf {
    assert_cmd::cargo::cargo_bin("treaty-ledger")
}

fn command(db: &Path) -> Command {
    let mut cmd = Command::new(bin());
    cmd.arg("--db").arg(db).env_remove("TREATY_LEDGER_DB");
    cmd
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Runs an ingest to its end; it must succeed without a panic or a lock error.
fn ingest(db: &Path, paths: &[&Path]) -> Output {
    let out = command(db)
        .arg("ingest")
        .args(paths)
        .output()
        .expect("run ingest");
    check_ok(&out);
    out
}

/// Starts a process for each argument list at once, then waits for each: all must succeed
/// without a panic or a lock error.
fn run_at_once(db: &Path, runs: &[Vec<&OsStr>]) {
    let started: Vec<_> = runs
        .iter()
        .map(|args| {
            command(db)
                .args(args)
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .expect("spawn")
        })
        .collect();
    for run in started {
        check_ok(&run.wait_with_output().expect("run"));
    }
}

fn check_ok(out: &Output) {
    let err = stderr(out);
    assert!(!err.contains("panicked"), "panic:\n{err}");
    assert!(
        !err.contains("locked") && !err.contains("busy"),
        "lock error:\n{err}"
    );
    assert!(out.status.success(), "{:?}\n{err}", out.status);
}

const STATES: &[&str] = &[
    "Norway",
    "Chile",
    "Armenia",
    "Kazakhstan",
    "Uzbekistan",
    "France",
    "Japan",
    "Brazil",
];
const ACTS: &[&str] = &[
    "ratified the Paris Agreement",
    "signed the Escazú Agreement",
    "acceded to the Minamata Convention",
];

/// Article `i` as a JSON line: one in four reports a treaty action (many of them the same
/// event, so events gather several citations), the others are news without one.
fn article(i: usize) -> String {
    let text = if i.is_multiple_of(4) {
        format!(
            "Bulletin {i}. {} {} on {} {} {}. The ministry said more would follow.",
            STATES[i % STATES.len()],
            ACTS[(i / 8) % ACTS.len()],
            1 + i % 28,
            MONTHS[(i / 3) % 12],
            2000 + i % 25
        )
    } else {
        format!("Bulletin {i}. Markets were calm and the weather was mild in the capital.")
    };
    json!({
        "url": format!("https://example.org/{i}"),
        "title": format!("Bulletin {i}"),
        "published": "2024-06-01",
        "publisher": "Wire",
        "text": text,
    })
    .to_string()
}

/// Writes `files` JSON Lines files of `per_file` articles each, numbered from `first`.
fn corpus(dir: &Path, files: usize, per_file: usize, first: usize) -> Vec<PathBuf> {
    std::fs::create_dir_all(dir).expect("mkdir");
    (0..files)
        .map(|f| {
            let path = dir.join(format!("part{f:02}.jsonl"));
            let mut out = std::io::BufWriter::new(std::fs::File::create(&path).expect("create"));
            for j in 0..per_file {
                writeln!(out, "{}", article(first + f * per_file + j)).expect("write");
            }
            out.flush().expect("flush");
            path
        })
        .collect()
}

/// (sources, events, citations) of news articles.
fn counts(db: &Path) -> (i64, i64, i64) {
    let conn = Connection::open(db).expect("open");
    let n = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).expect(sql) };
    (
        n("SELECT count(*) FROM source WHERE kind = 'article'"),
        n("SELECT count(*) FROM event"),
        n("SELECT count(*) FROM citation"),
    )
}

/// Each article's citation count, by the hash of its text.
fn citations_by_source(db: &Path) -> BTreeMap<String, i64> {
    let conn = Connection::open(db).expect("open");
    let mut stmt = conn
        .prepare(
            "SELECT s.hash, count(c.id) FROM source s LEFT JOIN citation c ON c.source_id = s.id
             WHERE s.kind = 'article' GROUP BY s.id",
        )
        .expect("prepare");
    let rows = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("query");
    rows.map(|r| r.expect("row")).collect()
}

/// Each event (state, instrument, action, stage, date) with its citation count.
fn events(db: &Path) -> BTreeMap<String, i64> {
    let conn = Connection::open(db).expect("open");
    let mut stmt = conn
        .prepare(
            "SELECT e.state || ' ' || e.instrument_id || ' ' || e.action || ' ' || e.stage || ' ' || e.date,
                    count(c.id)
             FROM event e LEFT JOIN citation c ON c.event_id = e.id GROUP BY e.id",
        )
        .expect("prepare");
    let rows = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("query");
    rows.map(|r| r.expect("row")).collect()
}

fn integrity(db: &Path) {
    let conn = Connection::open(db).expect("open");
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .expect("integrity_check");
    assert_eq!(check, "ok");
    let broken: i64 = conn
        .prepare("PRAGMA foreign_key_check")
        .expect("fk check")
        .query_map([], |_| Ok(()))
        .expect("fk rows")
        .count() as i64;
    assert_eq!(broken, 0, "foreign keys point nowhere");
}

/// Article sources in the ledger, read the way another program would (read-only), or 0
/// while the ledger is not there yet.
fn sources_now(db: &Path) -> i64 {
    let Ok(conn) = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY) else {
        return 0;
    };
    conn.query_row(
        "SELECT count(*) FROM source WHERE kind = 'article'",
        [],
        |r| r.get(0),
    )
    .unwrap_or(0)
}

/// A failure in one file of a run leaves the ledger exactly as if that file had not been
/// given, even when the bad record comes after a whole chunk of good ones.
#[test]
fn a_failed_file_leaves_exactly_what_the_good_files_wrote() {
    let work = Work::new();
    let dir = work.dir.path().join("in");
    let good = corpus(&dir.join("a"), 1, 300, 0).remove(0);
    let mut lines: Vec<String> = (1000..1300).map(article).collect();
    lines[279] = "{\"text\": \"Norway ratified the Paris Agreement on 1 May 2024.\", \"published\": 20240501}".into();
    let bad = work.file("in/b/bad.jsonl", lines.join("\n"));
    let text = work.file(
        "in/c/good.txt",
        " date 2024-06-02\n\nArmenia ratified the Rome Statute on 2 February 2023.\n",
    );
    let out = command(&work.db)
        .arg("ingest")
        .arg(&dir)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("bad.jsonl:280: published: expected a string"));

    let only_good = Work::new();
    ingest(&only_good.db, &[&good, &text]);
    assert_eq!(
        dump(&only_good.db),
        work.dump(),
        "the ledger holds the good files and nothing of the bad one"
    );
    let _ = bad;
}

/// SIGKILL in the middle of a large ingest: the ledger is intact, every recorded article
/// has all its citations, whole files or nothing of them are there, and running the ingest
/// again ends exactly where an uninterrupted run ends.
#[cfg(unix)]
#[test]
fn a_killed_ingest_half_records_nothing_and_resumes_to_the_same_ledger() {
    use std::os::unix::process::ExitStatusExt;

    const FILES: usize = 4;
    const PER_FILE: usize = 5_000;
    let work = Work::new();
    let dir = work.dir.path().join("corpus");
    let files = corpus(&dir, FILES, PER_FILE, 0);

    let reference = work.dir.path().join("reference.db");
    ingest(&reference, &[&dir]);
    let want_counts = counts(&reference);
    let want_sources = citations_by_source(&reference);
    assert_eq!(want_counts.0, (FILES * PER_FILE) as i64);
    assert!(want_sources.values().filter(|&&n| n > 0).count() >= FILES * PER_FILE / 5);

    let crashed = work.dir.path().join("crashed.db");
    let mut child = command(&crashed)
        .args(["--quiet", "ingest"])
        .arg(&dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn ingest");
    let deadline = Instant::now() + Duration::from_secs(120);
    let mut finished = false;
    loop {
        if child.try_wait().expect("try_wait").is_some() {
            finished = true;
            break;
        }
        if sources_now(&crashed) > 0 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the ingest recorded nothing in 120 s"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(
        !finished,
        "the ingest finished before it could be killed; the test proves nothing"
    );
    child.kill().expect("SIGKILL");
    let status = child.wait().expect("wait");
    assert_eq!(status.signal(), Some(9), "killed by SIGKILL: {status:?}");

    integrity(&crashed);
    let got = citations_by_source(&crashed);
    eprintln!("articles recorded when killed: {}", got.len());
    assert!(!got.is_empty());
    assert!(
        got.len() < FILES * PER_FILE,
        "killed part way: {} of {} articles recorded",
        got.len(),
        FILES * PER_FILE
    );
    for (hash, n) in &got {
        assert_eq!(
            Some(n),
            want_sources.get(hash),
            "article {hash} is recorded with {n} citations"
        );
    }
    // Each file is one transaction: all of it or none of it.
    let conn = Connection::open(&crashed).expect("open");
    for file in &files {
        let n: i64 = conn
            .query_row(
                "SELECT count(*) FROM source WHERE origin LIKE ?1 || ':%'",
                [file.display().to_string()],
                |r| r.get(0),
            )
            .expect("count");
        assert!(
            n == 0 || n == PER_FILE as i64,
            "{}: {n} of {PER_FILE} articles recorded",
            file.display()
        );
    }
    drop(conn);

    ingest(&crashed, &[&dir]);
    integrity(&crashed);
    assert_eq!(counts(&crashed), want_counts);
    assert_eq!(citations_by_source(&crashed), want_sources);
    assert_eq!(events(&crashed), events(&reference));
    assert!(
        dump(&crashed) == dump(&reference),
        "the resumed ledger is row for row the uninterrupted one"
    );
}

/// Two writers on one (new) ledger at the same time, with a reader listing all the while:
/// no lock errors, the reader always gets valid JSON of a consistent ledger, and the end is
/// the ledger that ingesting one corpus after the other makes.
#[test]
fn two_writers_and_a_reader_at_once_lose_nothing() {
    let work = Work::new();
    let a = work.dir.path().join("a");
    let b = work.dir.path().join("b");
    corpus(&a, 3, 1_500, 0);
    corpus(&b, 3, 1_500, 100_000);
    // Some articles are in both corpora: whoever records them first, they are one source.
    std::fs::copy(a.join("part01.jsonl"), b.join("shared.jsonl")).expect("copy");

    let db = work.dir.path().join("shared.db");
    let stop = Arc::new(AtomicBool::new(false));
    let reader = {
        let stop = Arc::clone(&stop);
        let db = db.clone();
        std::thread::spawn(move || {
            let mut reads = 0;
            let mut non_empty = 0;
            while !stop.load(Ordering::SeqCst) {
                let out = command(&db)
                    .args(["list", "--state", "NOR", "--format", "json"])
                    .output()
                    .expect("run list");
                check_ok(&out);
                let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
                    panic!(
                        "list gave invalid JSON ({e}):\n{}",
                        String::from_utf8_lossy(&out.stdout)
                    )
                });
                let entries = v.as_array().expect("a JSON array");
                for e in entries {
                    let citations = e["citations"].as_array().expect("citations");
                    assert!(!citations.is_empty(), "an event without a citation: {e}");
                }
                reads += 1;
                if entries.iter().any(|e| {
                    e["citations"]
                        .as_array()
                        .is_some_and(|c| c.iter().any(|c| c["source_kind"] == "article"))
                }) {
                    non_empty += 1;
                }
            }
            (reads, non_empty)
        })
    };
    let writers: Vec<Vec<&OsStr>> = [&a, &b]
        .iter()
        .map(|dir| vec![OsStr::new("ingest"), dir.as_os_str()])
        .collect();
    run_at_once(&db, &writers);
    stop.store(true, Ordering::SeqCst);
    let (reads, non_empty) = reader.join().expect("reader thread");
    eprintln!("{reads} listings during the writes, {non_empty} with news entries");
    assert!(reads >= 1, "the reader never ran");
    integrity(&db);

    let sequential = work.dir.path().join("sequential.db");
    ingest(&sequential, &[&a]);
    ingest(&sequential, &[&b]);
    assert_eq!(counts(&db), counts(&sequential));
    assert_eq!(counts(&db).0, 9_000, "the shared file is recorded once");
    assert_eq!(citations_by_source(&db), citations_by_source(&sequential));
    assert_eq!(events(&db), events(&sequential));
}

/// Rows enough for an instruments import to outgrow the page cache (32 MB), so that it
/// writes pages into the ledger file itself before it commits.
const BIG_IMPORT: usize = 300_000;

/// An instruments CSV of `rows` new instruments, about 170 bytes a row.
fn big_instruments_csv(dir: &Path, rows: usize) -> PathBuf {
    let path = dir.join("instruments.csv");
    let mut out = std::io::BufWriter::new(std::fs::File::create(&path).expect("create csv"));
    writeln!(out, "id,title,aliases,url").expect("write");
    for i in 1..=rows {
        writeln!(
            out,
            "BULK-{i:06},Convention on the Cooperation of States in the Testing of Ledger \
             Imports No. {i},Bulk Accord {i},https://treaties.example.org/BULK-{i:06}"
        )
        .expect("write");
    }
    out.flush().expect("flush");
    path
}

/// A new ledger (without the shipped records) and a CSV of [`BIG_IMPORT`] instruments.
fn ledger_and_big_csv() -> (Work, PathBuf) {
    let work = Work::new();
    check_ok(
        &command(&work.db)
            .args(["-q", "init", "--no-records"])
            .output()
            .expect("init"),
    );
    let csv = big_instruments_csv(work.dir.path(), BIG_IMPORT);
    (work, csv)
}

/// Starts `instruments import CSV`, quiet.
fn spawn_import(db: &Path, csv: &Path) -> std::process::Child {
    command(db)
        .args(["-q", "instruments", "import"])
        .arg(csv)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn import")
}

/// The journal mode a ledger file is in, as a new connection finds it.
fn journal_mode(db: &Path) -> String {
    Connection::open(db)
        .expect("open")
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .expect("journal mode")
}

/// SIGKILL in the middle of an instruments import, once it has written pages into the
/// ledger file itself (a bulk import writes through a rollback journal, not the WAL): the
/// next command rolls the journal back and finds the ledger as it was, in WAL mode again,
/// and the import run again completes.
#[cfg(unix)]
#[test]
fn a_killed_import_leaves_the_ledger_as_it_was_and_back_in_wal_mode() {
    use std::os::unix::process::ExitStatusExt;

    let (work, csv) = ledger_and_big_csv();
    let db = &work.db;
    let before = dump(db);
    let size = std::fs::metadata(db).expect("ledger").len();
    let mut child = spawn_import(db, &csv);
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        assert!(
            child.try_wait().expect("try_wait").is_none(),
            "the import finished before it wrote into the ledger file; the test proves nothing"
        );
        if std::fs::metadata(db).expect("ledger").len() > size {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the import wrote nothing in 120 s"
        );
        std::thread::sleep(Duration::from_millis(2));
    }
    child.kill().expect("SIGKILL");
    let status = child.wait().expect("wait");
    assert_eq!(status.signal(), Some(9), "killed by SIGKILL: {status:?}");
    let journal = db.with_extension("db-journal");
    assert!(
        std::fs::metadata(&journal).is_ok_and(|m| m.len() > 0),
        "a hot journal is left to roll back"
    );

    // The first command to open the ledger rolls the import back.
    check_ok(
        &command(db)
            .args(["instruments", "show", "CETS-216"])
            .output()
            .expect("show"),
    );
    assert_eq!(journal_mode(db), "wal");
    integrity(db);
    assert!(
        dump(db) == before,
        "the ledger is as it was before the import"
    );

    let out = command(db)
        .args(["instruments", "import"])
        .arg(&csv)
        .output()
        .expect("import again");
    check_ok(&out);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains(&format!("{BIG_IMPORT} inserted")),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(journal_mode(db), "wal", "back in WAL mode after the import");
    integrity(db);
}

/// A reader that comes during a bulk import waits for it (the import holds the ledger
/// while it writes through its rollback journal) and sees the ledger before the import or
/// after it, never a part of it and never "database is locked".
#[test]
fn a_reader_during_an_import_sees_the_ledger_before_or_after_it() {
    let (work, csv) = ledger_and_big_csv();
    let db = &work.db;
    let instruments = |out: &Output| -> i64 {
        check_ok(out);
        let v: Value = serde_json::from_slice(&out.stdout).expect("init --format json");
        v["instruments"].as_i64().expect("a count")
    };
    let summary = || {
        command(db)
            .args(["init", "--format", "json"])
            .output()
            .expect("init")
    };
    let shipped = instruments(&summary());
    let mut child = spawn_import(db, &csv);
    let mut seen = Vec::new();
    while child.try_wait().expect("try_wait").is_none() {
        seen.push(instruments(&summary()));
    }
    check_ok(&child.wait_with_output().expect("import"));
    let after = instruments(&summary());
    assert_eq!(after, shipped + BIG_IMPORT as i64);
    eprintln!("{} readings during the import: {seen:?}", seen.len());
    assert!(
        seen.iter().all(|&n| n == shipped || n == after),
        "a reading saw part of the import: {seen:?}"
    );
    assert_eq!(journal_mode(db), "wal");
}

/// Processes that open one new ledger file at the same moment all get it: the first to
/// put it in WAL mode wins the race, and the others wait for it rather than being told
/// "database is locked" (which three at once were, in nearly half the rounds, before).
#[test]
fn processes_opening_a_new_ledger_at_once_all_get_it() {
    let work = Work::new();
    for round in 0..20 {
        let db = work.dir.path().join(format!("new-{round}.db"));
        let runs: Vec<Vec<&OsStr>> = [
            &["init"][..],
            &["init", "--no-records"],
            &["list", "--state", "NOR"],
        ]
        .iter()
        .cycle()
        .take(6)
        .map(|args| args.iter().map(OsStr::new).collect())
        .collect();
        run_at_once(&db, &runs);
        integrity(&db);
    }
}

/// A ledger that cannot be used is an internal error (exit 2) with a message, never a
/// panic, and the file is left alone.
#[test]
fn an_unusable_ledger_is_exit_code_2_and_is_not_touched() {
    let work = Work::new();
    let article = work.file(
        "a.txt",
        " date 2024-05-14\n\nNorway ratified the Paris Agreement on 13 May 2024.\n",
    );
    let garbage = work.file(
        "garbage.db",
        b"this is not a SQLite database, just text\n".repeat(200),
    );
    let before = std::fs::read(&garbage).expect("read");
    for args in [vec!["ingest", arg(&article)], vec!["list"], vec!["init"]] {
        let out = command(&garbage).args(&args).output().expect("run");
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{err}");
        assert_eq!(
            err.matches("garbage.db").count(),
            1,
            "the message names the ledger, once: {err}"
        );
        assert_eq!(
            err.matches("not a database").count(),
            1,
            "and says what is wrong, once: {err}"
        );
    }
    assert_eq!(
        before,
        std::fs::read(&garbage).expect("read"),
        "the file is untouched"
    );

    let folder = work.dir.path().join("folder.db");
    std::fs::create_dir(&folder).expect("mkdir");
    let out = command(&folder)
        .arg("ingest")
        .arg(&article)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(!stderr(&out).contains("panicked"));

    let nowhere = work.dir.path().join("no/such/folder/ledger.db");
    let out = command(&nowhere).arg("list").output().expect("run");
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert_eq!(err.matches("ledger.db").count(), 1, "{err}");
    assert!(err.contains("unable to open"), "{err}");
}

/// The imports run with SQLite's CHECK constraints off, as with its foreign-key checks (each
/// row is validated before it is written): what they write must still pass every CHECK of
/// the schema, which `PRAGMA integrity_check` verifies row by row. Instruments imported
/// and then updated (aliases, short titles, dates), and status tables of both layouts with
/// every action and every precision of date.
#[test]
fn what_the_imports_write_passes_every_check_of_the_schema() {
    let work = Work::new();
    // Without the shipped tables, which a new ledger loads with every check on.
    work.ok(&["init", "--no-records"]);
    let instruments = work.file(
        "instruments.csv",
        "id,title,short_title,aliases,depositary,adopted,opened,in_force,url\n\
         TEST-1,Convention on Checks,Checks Convention,CoC|the checks treaty,Secretary-General,2001-02-03,2001,,https://example.org/1\n\
         TEST-2,Protocol on Checks,,,,,,,\n",
    );
    work.ok(&["instruments", "import", arg(&instruments)]);
    let updated = work.file(
        "instruments-2.csv",
        "id,title,short_title,aliases,depositary,adopted,opened,in_force,url\n\
         TEST-2,Protocol on Checks,Checks Protocol,PoC,Depositary,2002-03,,2004,\n",
    );
    work.ok(&["instruments", "import", "--upsert", arg(&updated)]);
    let mut records = String::from("state,instrument,action,date,source_url,source_title,as_of\n");
    let actions = [
        "signature",
        "ratification",
        "accession",
        "acceptance",
        "approval",
        "succession",
        "definitive_signature",
        "entry_into_force",
        "withdrawal",
    ];
    for (i, action) in actions.iter().enumerate() {
        let date = match i % 3 {
            0 => format!("20{:02}", 10 + i),
            1 => format!("20{:02}-0{}", 10 + i, 1 + i % 9),
            _ => format!("20{:02}-0{}-1{}", 10 + i, 1 + i % 9, i % 9),
        };
        for (state, instrument) in [("AZE", "TEST-1"), ("KAZ", "TEST-2"), ("FRA", "TEST-1")] {
            records.push_str(&format!(
                "{state},{instrument},{action},{date},https://example.org/{instrument},\
                 Status of {instrument},2024-01-15\n"
            ));
        }
    }
    let table = work.file("records.csv", records);
    work.ok(&["records", "import", "--layout", "generic", arg(&table)]);
    work.ok(&[
        "records",
        "import",
        "--layout",
        "untc",
        arg(&common::repo().join("data/untc_2013_2015_participants.csv")),
    ]);

    let conn = Connection::open(&work.db).expect("open");
    let problems: Vec<String> = conn
        .prepare("PRAGMA integrity_check")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .expect("integrity check");
    assert_eq!(problems, ["ok"]);
    let events: i64 = conn
        .query_row(
            "SELECT count(*) FROM event WHERE instrument_id LIKE 'TEST-%'",
            [],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!(events, 27, "every row of the generic table is an event");

    // Both imports outnumbered the rows there, so each dropped the secondary indexes and
    // built them again (and the integrity check above found them whole): they are the
    // ones a new ledger has.
    let fresh = Work::new();
    fresh.ok(&["init", "--no-records"]);
    let fresh = Connection::open(&fresh.db).expect("open");
    let indexes = |conn: &Connection| -> Vec<(String, String)> {
        conn.prepare(
            "SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL
             ORDER BY name",
        )
        .and_then(|mut s| s.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect())
        .expect("indexes")
    };
    assert_eq!(indexes(&conn), indexes(&fresh));
    assert!(indexes(&conn)
        .iter()
        .any(|(name, _)| name == "citation_by_state"));
}
