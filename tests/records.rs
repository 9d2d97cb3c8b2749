//! Official status records: the shipped UN tables, `records import`, and checking news
//! against the records (`reconcile`, `list --status`).

mod common;

use common::{repo, Work};
use predicates::prelude::*;
use serde_json::Value;
use treaty_ledger::document::content_hash;
use treaty_ledger::ledger::{pack_text, stored_text, Ledger, TextAt};
use treaty_ledger::model::{Action, Claim, DateBasis, Document, LedgerDate, Span, Stage};

fn fixture(name: &str) -> String {
    repo()
        .join("tests/fixtures/records")
        .join(name)
        .display()
        .to_string()
}

fn data(name: &str) -> String {
    repo().join("data").join(name).display().to_string()
}

/// Records one article with hand-written claims, as extraction would.
fn article(work: &Work, text: &str, published: &str, claims: &[(&str, &str, Action, Stage, &str)]) {
    let mut ledger = Ledger::open(&work.db).expect("ledger");
    let doc = Document {
        origin: "test.txt".into(),
        format: "text".into(),
        text: text.into(),
        title: Some("A news article".into()),
        url: Some(format!("https://news.example/{}", &content_hash(text)[..8])),
        publisher: Some("Example News".into()),
        author: None,
        published: Some(published.parse().expect("date")),
    };
    let claims: Vec<Claim> = claims
        .iter()
        .map(|(state, instrument, action, stage, date)| Claim {
            state: state.to_string(),
            instrument: instrument.to_string(),
            action: *action,
            stage: *stage,
            date: LedgerDate::parse_iso(date).expect("date"),
            date_basis: DateBasis::Stated,
            span: Span::new(0, text.len()),
            quote: text.to_string(),
            highlights: Vec::new(),
            extractor: "test".into(),
            confidence: 0.9,
        })
        .collect();
    let mut writer = ledger.writer().expect("writer");
    writer
        .record_document(
            &doc,
            &content_hash(text),
            TextAt::Own(&pack_text(text).expect("packed")),
            &claims,
            &[],
        )
        .expect("record");
    writer.commit().expect("commit");
}

fn entries(work: &Work, args: &[&str]) -> Vec<Value> {
    let mut all = vec!["list", "--format", "json"];
    all.extend_from_slice(args);
    work.json(&all).as_array().expect("array").clone()
}

#[test]
fn a_new_ledger_holds_the_un_status_tables_as_records() {
    let work = Work::new();
    let e = entries(&work, &["--state", "AZE", "--instrument", "UNTC-IV-15"]);
    let acts: Vec<(&str, &str, &str)> = e
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap_or(""),
                e["date"].as_str().unwrap_or(""),
                e["status"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        acts,
        vec![
            ("signature", "2008-01-09", "record"),
            ("ratification", "2009-01-28", "record")
        ]
    );
    let c = &e[1]["citations"][0];
    assert_eq!(c["source_kind"], "status_table");
    assert_eq!(c["extractor"], "records:untc");
    assert_eq!(c["publisher"], "United Nations Treaty Collection");
    assert_eq!(c["published"], "2026-02-03");
    assert_eq!(
        c["title"],
        "United Nations Treaty Collection, status of Convention on the Rights of Persons with \
         Disabilities as at 3 February 2026"
    );
    assert!(c["url"].as_str().unwrap_or("").contains("mtdsg_no=IV-15"));
    assert!(c["quote"]
        .as_str()
        .unwrap_or("")
        .starts_with("IV-15,Azerbaijan,,2008-01-09,signature,0,,0,2009-01-28,ratification,"));

    // Other useful checks from data/SOURCES.md.
    let cook = entries(&work, &["--state", "Cook Islands", "-i", "UNTC-XXVI-9"]);
    assert_eq!(cook[0]["action"], "accession");
    assert_eq!(cook[0]["date"], "2018-09-04");

    // Importing the same tables again (0 unresolved participants) changes nothing.
    let before = work.dump();
    work.cmd()
        .args(["records", "import", &data("untc_2026_participants.csv")])
        .args(["--layout", "untc", "--as-of", "2026-02-03"])
        .assert()
        .success()
        .stdout(predicate::str::contains("0 new events"))
        .stdout(predicate::str::contains("(30 already stored)"));
    assert_eq!(before, work.dump());
}

#[test]
fn news_is_checked_against_the_records() {
    let work = Work::new();
    // A correct report of a recorded ratification: the same act, one line, two citations.
    article(
        &work,
        "Azerbaijan deposited its instrument of ratification of the CRPD on 28 January 2009.",
        "2009-01-29",
        &[(
            "AZE",
            "UNTC-IV-15",
            Action::Ratification,
            Stage::International,
            "2009-01-28",
        )],
    );
    // An article calling the recorded signature an accession.
    article(
        &work,
        "Azerbaijan acceded to the disability convention on 9 January 2008.",
        "2008-01-10",
        &[(
            "AZE",
            "UNTC-IV-15",
            Action::Accession,
            Stage::International,
            "2008-01-09",
        )],
    );
    // Parliament's vote before the recorded deposit.
    article(
        &work,
        "The Milli Majlis ratified the Convention on the Rights of Persons with Disabilities \
         on 2 October 2008.",
        "2008-10-03",
        &[(
            "AZE",
            "UNTC-IV-15",
            Action::Ratification,
            Stage::Domestic,
            "2008-10-02",
        )],
    );
    // An instrument without records.
    article(
        &work,
        "Azerbaijan signed the organ-trafficking convention on 30 October 2023.",
        "2023-10-31",
        &[(
            "AZE",
            "CETS-216",
            Action::Signature,
            Stage::International,
            "2023-10-30",
        )],
    );
    // A date two days after the record (Austria ratified the TPNW on 8 May 2018).
    article(
        &work,
        "Austria ratified the Treaty on the Prohibition of Nuclear Weapons on 10 May 2018.",
        "2018-05-11",
        &[(
            "AUT",
            "UNTC-XXVI-9",
            Action::Ratification,
            Stage::International,
            "2018-05-10",
        )],
    );

    let v = work.json(&["reconcile", "--format", "json"]);
    let count = |status: &str| {
        v["summary"]
            .as_array()
            .expect("summary")
            .iter()
            .find(|c| c["status"] == status)
            .map(|c| c["events"].as_u64().unwrap_or(0))
    };
    assert_eq!(count("confirmed"), Some(2));
    assert_eq!(count("contradicted"), Some(1));
    assert_eq!(count("superseded"), Some(1));
    assert_eq!(count("unverified"), Some(1));
    let contradicted = &v["contradicted"][0];
    assert_eq!(contradicted["event"]["action"], "accession");
    assert_eq!(
        contradicted["event"]["citations"][0]["quote"],
        "Azerbaijan acceded to the disability convention on 9 January 2008."
    );
    assert_eq!(contradicted["record"]["action"], "signature");
    assert_eq!(contradicted["record"]["date"], "2008-01-09");
    assert!(contradicted["record"]["quote"]
        .as_str()
        .unwrap_or("")
        .starts_with("IV-15,Azerbaijan,,2008-01-09,signature"));

    // The table shows both sides too.
    let table = work.ok(&["reconcile"]);
    assert!(table.contains("contradicted  1"), "{table}");
    assert!(table.contains("acceded to the disability convention"));
    assert!(table.contains("signature 2008-01-09"));
    assert!(table.contains("IV-15,Azerbaijan,,2008-01-09,signature"));

    // One line per act: the confirmed ratification is the record's line with both citations.
    let aze = entries(&work, &["--state", "AZE", "-i", "UNTC-IV-15"]);
    let statuses: Vec<(&str, &str, &str, usize)> = aze
        .iter()
        .map(|e| {
            (
                e["date"].as_str().unwrap_or(""),
                e["action"].as_str().unwrap_or(""),
                e["status"].as_str().unwrap_or(""),
                e["citations"].as_array().map_or(0, Vec::len),
            )
        })
        .collect();
    assert_eq!(
        statuses,
        vec![
            ("2008-01-09", "accession", "contradicted", 1),
            ("2008-01-09", "signature", "record", 1),
            ("2008-10-02", "ratification", "superseded", 1),
            ("2009-01-28", "ratification", "confirmed", 2),
        ]
    );
    // The table forms count the citations without reading them, and say the same.
    let csv = work.ok(&[
        "list",
        "--state",
        "AZE",
        "-i",
        "UNTC-IV-15",
        "--format",
        "csv",
    ]);
    let mut lines = csv::Reader::from_reader(csv.as_bytes());
    let counted: Vec<(String, String, String, usize)> = lines
        .deserialize::<std::collections::HashMap<String, String>>()
        .map(|row| {
            let row = row.expect("csv row");
            (
                row["date"].clone(),
                row["action"].clone(),
                row["status"].clone(),
                row["citations"].parse().expect("a count"),
            )
        })
        .collect();
    let counted: Vec<(&str, &str, &str, usize)> = counted
        .iter()
        .map(|(d, a, s, n)| (d.as_str(), a.as_str(), s.as_str(), *n))
        .collect();
    assert_eq!(counted, statuses);

    // The 2-day-off report is folded into the record's line, with a note.
    let aut = entries(
        &work,
        &[
            "--state",
            "AUT",
            "-i",
            "UNTC-XXVI-9",
            "--action",
            "ratification",
        ],
    );
    assert_eq!(aut.len(), 1);
    assert_eq!(aut[0]["date"], "2018-05-08");
    assert_eq!(aut[0]["status"], "confirmed");
    assert_eq!(aut[0]["citations"].as_array().map_or(0, Vec::len), 2);
    assert_eq!(
        aut[0]["status_note"],
        "news 2 days after the record (2018-05-08)"
    );

    let unverified = entries(&work, &["--status", "unverified"]);
    assert_eq!(unverified.len(), 1);
    assert_eq!(unverified[0]["instrument"], "CETS-216");
    let contradicted = entries(&work, &["--status", "contradicted"]);
    assert_eq!(contradicted.len(), 1);

    // A window of 1 day no longer confirms the 2-day-off report.
    let narrow = work.json(&["reconcile", "--window-days", "1", "--format", "json"]);
    assert_eq!(narrow["contradicted"].as_array().map_or(0, Vec::len), 2);
}

#[test]
fn manual_entries_are_checked_like_news() {
    let work = Work::new();
    work.cmd()
        .args([
            "record",
            "--state",
            "Austria",
            "--instrument",
            "UNTC-XXVI-9",
        ])
        .args(["--action", "accession", "--date", "2018-05-08"])
        .args([
            "--source",
            "https://example.org/aut",
            "--quote",
            "Austria acceded",
        ])
        .assert()
        .success();
    let e = entries(
        &work,
        &[
            "--state",
            "AUT",
            "-i",
            "UNTC-XXVI-9",
            "--status",
            "contradicted",
        ],
    );
    assert_eq!(e.len(), 1);
    assert_eq!(e[0]["citations"][0]["source_kind"], "manual");
}

#[test]
fn an_unknown_participant_changes_nothing_and_is_named_with_its_line() {
    let work = Work::new();
    work.ok(&["init"]);
    let before = work.dump();
    let file = fixture("unknown_participant.csv");
    work.cmd()
        .args([
            "records",
            "import",
            &file,
            "--layout",
            "untc",
            "--as-of",
            "2026-03-01",
        ])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(format!(
            "{file}:3: participant: unknown state 'Atlantis' (line 3)"
        )))
        .stderr(predicate::str::contains("nothing was written"));
    assert_eq!(before, work.dump(), "a failed import changes nothing");

    // --skip-unknown leaves the row out and imports the rest.
    work.cmd()
        .args([
            "records",
            "import",
            &file,
            "--layout",
            "untc",
            "--as-of",
            "2026-03-01",
        ])
        .arg("--skip-unknown")
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "4 records, 0 new events, 4 already present",
        ))
        .stdout(predicate::str::contains(
            "skipped 1 rows of unknown participants",
        ));
}

#[test]
fn the_untc_layout_needs_a_status_date() {
    let work = Work::new();
    work.cmd()
        .args([
            "records",
            "import",
            &fixture("unknown_participant.csv"),
            "--layout",
            "untc",
        ])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("--as-of is required"));
}

#[test]
fn generic_tables_import_once_and_report_every_problem() {
    let work = Work::new();
    work.ok(&["init"]);
    let before = work.dump();
    let bad = fixture("generic_bad.csv");
    let out = work
        .cmd()
        .args(["records", "import", &bad, "--layout", "generic"])
        .assert()
        .code(1)
        .get_output()
        .clone();
    let stderr = String::from_utf8_lossy(&out.stderr);
    for expected in [
        format!("{bad}:2: instrument: unknown instrument 'CETS-999' (line 2)"),
        format!("{bad}:3: action: unknown action 'signed'"),
        format!("{bad}:4: date: '2023-10-32' is not an ISO 8601 date"),
        format!("{bad}:4: as_of: empty and no --as-of given"),
    ] {
        assert!(stderr.contains(&expected), "{expected}\nin\n{stderr}");
    }
    assert_eq!(before, work.dump());

    let good = fixture("generic_cets216.csv");
    work.cmd()
        .args(["records", "import", &good, "--layout", "generic"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "1 records, 1 new events, 0 already present, 1 sources added",
        ))
        // stderr is no terminal here: no progress bar, nothing for a script to sift.
        .stderr("");
    let once = work.dump();
    work.cmd()
        .args(["records", "import", &good, "--layout", "generic"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "0 new events, 1 already present, 0 sources added",
        ));
    assert_eq!(
        once,
        work.dump(),
        "importing the same file again changes nothing"
    );
    let e = entries(&work, &["--state", "AZE", "-i", "CETS-216"]);
    assert_eq!(e[0]["status"], "record");
    let c = &e[0]["citations"][0];
    assert_eq!(c["extractor"], "records:generic");
    assert_eq!(
        c["title"],
        "Chart of signatures and ratifications of Treaty 216"
    );
    assert_eq!(c["published"], "2024-01-15");
}

#[test]
fn the_2013_2015_tables_import_with_every_participant_resolved() {
    let work = Work::new();
    let out = work.ok(&[
        "records",
        "import",
        &data("untc_2013_2015_participants.csv"),
        "--layout",
        "untc",
    ]);
    assert!(out.contains("(status as at 2015-03-14)"), "{out}");
    assert!(!out.contains("unknown participants"), "{out}");
    assert!(
        out.contains("rows of treaties not in the MTDSG index"),
        "{out}"
    );
    // Rome Statute: Germany's ratification, as the stale table has it.
    let e = entries(
        &work,
        &[
            "--state",
            "DEU",
            "-i",
            "UNTC-XVIII-10",
            "--action",
            "ratification",
        ],
    );
    assert_eq!(e.len(), 1);
    assert_eq!(e[0]["date"], "2000-12-11");
    assert_eq!(e[0]["citations"][0]["published"], "2015-03-14");
    // An act both tables state is one entry cited by both.
    let aze = entries(
        &work,
        &[
            "--state",
            "AZE",
            "-i",
            "UNTC-IV-15",
            "--action",
            "ratification",
        ],
    );
    assert_eq!(aze.len(), 1);
    assert_eq!(aze[0]["citations"].as_array().map_or(0, Vec::len), 2);
}

#[test]
fn a_table_that_is_not_utf8_is_refused_at_the_line_of_the_byte_and_changes_nothing() {
    let work = Work::new();
    work.ok(&["init", "--no-records"]);
    let before = work.dump();
    // Line 3 opens a quoted title whose second line (line 4) holds a byte that is not UTF-8;
    // line 5 names an unknown state, which the whole-file refusal does not get to.
    let mut bytes = b"state,instrument,action,date,source_title,as_of\n\
        AZE,CETS-216,signature,2023-10-30,Chart,2024-01-15\n\
        FRA,CETS-216,signature,2023-10-31,\"Chart\nof \xff signatures\",2024-01-15\n\
        Atlantis,CETS-216,signature,2023-11-01,Chart,2024-01-15\n"
        .to_vec();
    let file = work.file("latin1.csv", &bytes);
    let out = work
        .cmd()
        .args(["records", "import", "--layout", "generic"])
        .arg(&file)
        .assert()
        .code(1)
        .get_output()
        .clone();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("{}:4: not valid UTF-8", file.display())),
        "{stderr}"
    );
    assert!(!stderr.contains("Atlantis"), "{stderr}");
    assert_eq!(before, work.dump(), "a refused table changes nothing");

    // A header with a problem and a byte that is not UTF-8 further down: the byte is what
    // is reported, as when the whole file was checked before its header.
    bytes.splice(0..5, b"nation".iter().copied());
    let file = work.file("latin1_bad_header.csv", &bytes);
    work.cmd()
        .args(["records", "import", "--layout", "generic"])
        .arg(&file)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(format!(
            "{}:4: not valid UTF-8",
            file.display()
        )))
        .stderr(predicate::str::contains("unknown column").not());
    assert_eq!(before, work.dump());
}

#[test]
fn a_untc_table_without_a_status_date_is_refused_only_if_it_has_rows() {
    let work = Work::new();
    work.ok(&["init", "--no-records"]);
    let header = "mtdsg_no,participant,signature_date,consent_date,consent_action\r\n";
    let empty = work.file("header_only.csv", header);
    work.cmd()
        .args(["records", "import", "--layout", "untc"])
        .arg(&empty)
        .assert()
        .success()
        .stdout(predicate::str::contains("0 records, 0 new events"));
    let rows = work.file(
        "one_row.csv",
        format!("{header}\r\nIV-15,Azerbaijan,2008-01-09,,\r\n"),
    );
    work.cmd()
        .args(["records", "import", "--layout", "untc"])
        .arg(&rows)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("--as-of is required"));
}

#[test]
fn a_table_from_stdin_with_a_bom_and_crlf_quotes_its_rows_without_the_cr() {
    let work = Work::new();
    work.ok(&["init", "--no-records"]);
    let csv = "\u{feff}state,instrument,action,date,source_title,as_of\r\n\
               AZE,CETS-216,signature,2023-10-30,\"Chart,\r\nof signatures\",2024-01-15\r\n\
               FRA,CETS-216,ratification,2024-01-02,Chart,2024-01-15\r\n";
    work.cmd()
        .args(["records", "import", "--layout", "generic", "-"])
        .write_stdin(csv)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "<stdin>: 2 records, 2 new events, 0 already present, 2 sources added",
        ));
    let aze = entries(&work, &["--state", "AZE"]);
    let c = &aze[0]["citations"][0];
    assert_eq!(
        c["quote"],
        "AZE,CETS-216,signature,2023-10-30,\"Chart,\nof signatures\",2024-01-15"
    );
    assert_eq!(c["title"], "Chart,\nof signatures");
    let conn = rusqlite::Connection::open(&work.db).expect("open");
    let (id, start, end): (i64, usize, usize) = conn
        .query_row(
            "SELECT s.id, c.span_start, c.span_end FROM citation c
             JOIN source s ON s.id = c.source_id WHERE c.quote LIKE 'AZE,%'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .expect("citation");
    let text = stored_text(&conn, id).expect("text");
    assert_eq!(
        text,
        "state,instrument,action,date,source_title,as_of\n\
         AZE,CETS-216,signature,2023-10-30,\"Chart,\nof signatures\",2024-01-15\n"
    );
    assert_eq!(&text[start..end], c["quote"].as_str().unwrap_or_default());
}
