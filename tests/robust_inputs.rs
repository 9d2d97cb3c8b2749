//! Bad input, file by file: every bad file or record is named (file and line), a failed
//! file writes nothing (the ledger's rows are compared before and after), `--keep-going`
//! reports bad records and goes on, nothing panics, and the exit codes are the README's
//! (0 ok, 1 bad input, 2 internal). Also: hostile strings (quotes, `'); DROP TABLE ...`)
//! are data, stored and shown back exactly.

mod common;

use std::ffi::OsStr;
use std::io::Write;
use std::time::{Duration, Instant};

use common::{arg, repo, Work};
use serde_json::{json, Value};

/// What one run of the binary did.
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn code(&self, code: i32) -> &Self {
        assert_eq!(
            self.code, code,
            "exit code\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    fn says(&self, needle: &str) -> &Self {
        assert!(
            self.stderr.contains(needle),
            "stderr lacks {needle:?}:\n{}",
            self.stderr
        );
        self
    }
}

/// Runs the binary on `work`'s ledger; it must never panic.
fn run<S: AsRef<OsStr>>(work: &Work, args: &[S]) -> Run {
    run_with(work, args, None)
}

fn run_with<S: AsRef<OsStr>>(work: &Work, args: &[S], stdin: Option<&[u8]>) -> Run {
    let mut cmd = work.cmd();
    cmd.args(args);
    if let Some(bytes) = stdin {
        cmd.write_stdin(bytes.to_vec());
    }
    let out = cmd.output().expect("run treaty-ledger");
    let run = Run {
        code: out.status.code().expect("exited, not killed"),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    assert!(
        !run.stderr.contains("panicked") && run.code != 101,
        "the process panicked:\n{}",
        run.stderr
    );
    run
}

/// A ledger that holds the shipped data and one news entry, and its rows.
fn seeded() -> (Work, String) {
    let work = Work::new();
    let good = work.file(
        "seed/good.txt",
        " date 2024-05-14\n\nNorway ratified the Paris Agreement on 13 May 2024.\n",
    );
    run(&work, &["ingest", arg(&good)]).code(0);
    let before = work.dump();
    (work, before)
}

/// A minimal real PNG (1×1 pixel).
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\nIDATx\x9cc\0\x01\0\0\x05\0\x01\r\n-\xb4\0\0\0\0IEND\xaeB`\x82";
/// The start of a zip archive holding one file.
const ZIP: &[u8] = b"PK\x03\x04\x14\0\0\0\x08\0\0\0!\0\x8c\x9a\xf2\x1d\x05\0\0\0\x03\0\0\0\x05\0\0\0a.txtK\xcb\xcf\x07\0PK\x01\x02\x14\0\x14\0\0\0\x08\0";

const NOR: &str = "Norway ratified the Paris Agreement on 13 May 2024.";
const CHL: &str = "Chile signed the Escazú Agreement on 1 June 2024.";

fn jsonl_line(i: usize, text: &str) -> String {
    json!({
        "url": format!("https://example.org/{i}"),
        "title": format!("Story {i}"),
        "published": "2024-06-02",
        "publisher": "Wire",
        "text": text,
    })
    .to_string()
}

/// A file the system cannot give is named with the system's reason, said once.
#[test]
fn an_unreadable_or_unwritable_path_is_named_with_its_reason_once() {
    let (work, before) = seeded();
    let folder = work.dir.path().join("a-folder.csv");
    std::fs::create_dir(&folder).expect("mkdir");
    let nowhere = work.dir.path().join("no/such/dir/report.md");
    for (args, code) in [
        (vec!["instruments", "import", arg(&folder)], 2),
        (
            vec!["records", "import", "--layout", "generic", arg(&folder)],
            2,
        ),
        (
            vec!["report", "--state", "NOR", "--output", arg(&nowhere)],
            1,
        ),
    ] {
        let run = run(&work, &args);
        run.code(code);
        assert_eq!(
            run.stderr.matches("os error").count(),
            1,
            "{args:?}: {}",
            run.stderr
        );
        let named = if code == 1 {
            "report.md"
        } else {
            "a-folder.csv"
        };
        run.says(named);
    }
    assert_eq!(before, work.dump(), "nothing was written");
}

#[test]
fn non_utf8_files_are_named_with_their_line_and_write_nothing() {
    let (work, before) = seeded();
    let latin = work.file("in/latin1.txt", b"line one\nline two\nCaf\xe9 society.\n");
    let html = work.file(
        "in/cp1252.html",
        b"<html><body>\n<p>ok</p>\n<p>\x93quoted\x94</p></body></html>",
    );
    let mut lines = vec![jsonl_line(1, NOR).into_bytes()];
    lines.push(b"{\"text\": \"Caf\xe9\"}".to_vec());
    lines.push(jsonl_line(3, CHL).into_bytes());
    let jsonl = work.file("in/mixed.jsonl", lines.join(&b'\n'));
    let r = run(&work, &["ingest", arg(&latin), arg(&html), arg(&jsonl)]);
    r.code(1)
        .says("latin1.txt:3: not valid UTF-8")
        .says("cp1252.html:3: not valid UTF-8")
        .says("mixed.jsonl:2: not valid UTF-8")
        .says("3 file(s) could not be ingested");
    assert_eq!(before, work.dump(), "nothing of a failed file is written");

    // --keep-going skips the bad line and records the good ones of the JSON Lines file.
    run(&work, &["ingest", "--keep-going", arg(&jsonl)])
        .code(0)
        .says("skipped: ")
        .says("mixed.jsonl:2: not valid UTF-8")
        .says("2 new");
    let v: Value = serde_json::from_str(&work.ok(&["list", "--state", "CHL", "--format", "json"]))
        .expect("json");
    assert!(v
        .as_array()
        .expect("array")
        .iter()
        .any(|e| e["instrument"] == "UNTC-XXVII-18"));
}

#[test]
fn empty_and_blank_files_are_named_in_every_format() {
    let (work, before) = seeded();
    let files = [
        work.file("e/empty.txt", ""),
        work.file("e/blank.txt", " \n\t\r\n  \n"),
        work.file("e/empty.html", ""),
        work.file("e/blank.jsonl", "\n\n   \n\r\n"),
        work.file("e/noext", ""),
        work.file("e/bom-only.txt", "\u{feff}"),
        work.file(
            "e/furniture.html",
            "<html><head><script>var a;</script></head><body><nav>Menu</nav></body></html>",
        ),
    ];
    let mut args = vec!["ingest".to_string()];
    args.extend(files.iter().map(|f| arg(f).to_string()));
    let r = run(&work, &args);
    r.code(1)
        .says("empty.txt: empty file")
        .says("blank.txt: empty file")
        .says("empty.html: empty file")
        .says("blank.jsonl: empty file")
        .says("noext: empty file")
        .says("bom-only.txt: empty file")
        .says("furniture.html: no readable text")
        .says("7 file(s) could not be ingested");
    assert_eq!(before, work.dump());
}

#[test]
fn binary_files_are_refused_by_kind_whatever_their_name() {
    let (work, before) = seeded();
    let files = [
        ("b/image.png", PNG, "PNG image"),
        ("b/image.txt", PNG, "PNG image"),
        ("b/archive.zip", ZIP, "ZIP archive"),
        ("b/archive.jsonl", ZIP, "ZIP archive"),
        ("b/archive.html", ZIP, "ZIP archive"),
        ("b/utf16.txt", b"\xff\xfeN\0o\0r\0w\0a\0y\0", "UTF-16 text"),
        ("b/nul.txt", b"Norway\0ratified\n", "NUL byte"),
    ];
    for (name, bytes, kind) in files {
        let path = work.file(name, bytes);
        run(&work, &["ingest", arg(&path)])
            .code(1)
            .says(name)
            .says(kind)
            .says("nothing of this file was recorded");
    }
    // On standard input too.
    run_with(&work, &["ingest", "-"], Some(PNG))
        .code(1)
        .says("-: binary file (PNG image");
    assert_eq!(before, work.dump());
}

/// `--keep-going` skips malformed records *inside* a file; a file that cannot be read at
/// all (not UTF-8, binary, no text) still fails, with exit code 1, whatever its format.
#[test]
fn keep_going_does_not_hide_unreadable_files() {
    let (work, before) = seeded();
    for (name, bytes) in [
        ("k/latin1.txt", &b"Caf\xe9 society.\n"[..]),
        ("k/nul.txt", b"Norway\0ratified\n"),
        ("k/cp1252.html", b"<p>\x93quoted\x94</p>"),
        (
            "k/impossible.txt",
            b" date 2023-02-30\n\nNorway ratified.\n",
        ),
        ("k/image.png", PNG),
    ] {
        let path = work.file(name, bytes);
        run(&work, &["ingest", "--keep-going", arg(&path)])
            .code(1)
            .says(name)
            .says("1 failed");
    }
    assert_eq!(before, work.dump());
}

#[test]
fn a_50_mb_single_line_file_is_read_in_reasonable_time() {
    let (work, _) = seeded();
    let path = work.dir.path().join("huge.txt");
    {
        let mut out = std::io::BufWriter::new(std::fs::File::create(&path).expect("create"));
        write!(out, "{NOR} ").expect("write");
        let filler = "The weather in the capital was mild and the markets were calm as the \
                      talks began again after a long pause and nothing much happened. ";
        let mut written = NOR.len() + 1;
        while written < 50_000_000 {
            out.write_all(filler.as_bytes()).expect("write");
            written += filler.len();
        }
        write!(out, "{CHL}").expect("write");
        out.flush().expect("flush");
    }
    let bytes = std::fs::metadata(&path).expect("size").len();
    assert!(bytes > 50_000_000);
    let started = Instant::now();
    run(&work, &["ingest", arg(&path)])
        .code(0)
        .says("1 new")
        .says("2 claims");
    let took = started.elapsed();
    assert!(
        took < Duration::from_secs(180),
        "a 50 MB line took {took:?} to ingest"
    );
    for state in ["NOR", "CHL"] {
        let v: Value =
            serde_json::from_str(&work.ok(&["list", "--state", state, "--format", "json"]))
                .expect("json");
        let quotes: Vec<&str> = v
            .as_array()
            .expect("array")
            .iter()
            .flat_map(|e| e["citations"].as_array().expect("citations"))
            .filter(|c| c["source_kind"] == "article" && c["url"].is_null())
            .filter_map(|c| c["quote"].as_str())
            .filter(|q| q.len() > 1000 || q.contains(if state == "NOR" { NOR } else { CHL }))
            .collect();
        assert!(
            !quotes.is_empty(),
            "{state}: no citation from the huge file"
        );
        assert!(
            quotes.iter().all(|q| q.len() < 1000),
            "{state}: a citation quotes {} bytes",
            quotes.iter().map(|q| q.len()).max().unwrap_or(0)
        );
    }
}

/// A run of text with no sentence boundary (here: a period followed by lower case) must
/// not be quoted whole by a citation.
#[test]
fn a_line_without_sentence_boundaries_gives_bounded_quotes() {
    let work = Work::new();
    let mut text = format!("{NOR} ");
    while text.len() < 1_000_000 {
        text.push_str("lorem ipsum dolor sit amet ");
    }
    text.push_str(CHL);
    let path = work.file("nobreak.txt", &text);
    run(&work, &["ingest", arg(&path)]).code(0);
    let v: Value = serde_json::from_str(&work.ok(&["list", "--state", "NOR", "--format", "json"]))
        .expect("json");
    for c in v
        .as_array()
        .expect("array")
        .iter()
        .flat_map(|e| e["citations"].as_array().expect("citations"))
    {
        let q = c["quote"].as_str().expect("quote");
        assert!(q.len() <= 4096, "a citation quotes {} bytes", q.len());
    }
}

/// The existing test has a bad second line; here the bad line comes after several chunks
/// of documents have already been written inside the file's transaction.
#[test]
fn a_malformed_line_late_in_a_big_file_rolls_the_whole_file_back() {
    let (work, before) = seeded();
    let mut lines: Vec<String> = (1..=1000usize)
        .map(|i| {
            let text = if i.is_multiple_of(10) {
                format!(
                    "Report {i}. Chile signed the Escazú Agreement on {} June 2024.",
                    1 + i % 28
                )
            } else {
                format!("Report {i}. Markets were calm and the weather was mild.")
            };
            jsonl_line(i, &text)
        })
        .collect();
    lines[699] = r#"{"url": "https://example.org/700", "text": "cut off"#.to_string();
    let path = work.file("big.jsonl", lines.join("\n") + "\n");
    run(&work, &["ingest", arg(&path)])
        .code(1)
        .says("big.jsonl:700: not valid JSON")
        .says("nothing of this file was recorded");
    assert_eq!(
        before,
        work.dump(),
        "the 699 lines before the bad one are rolled back"
    );

    run(&work, &["ingest", "--keep-going", arg(&path)])
        .code(0)
        .says("skipped: ")
        .says("big.jsonl:700:")
        .says("999 documents read: 999 new")
        .says("1 malformed record(s) skipped");
    let conn = rusqlite::Connection::open(&work.db).expect("open");
    let n: i64 = conn
        .query_row(
            "SELECT count(*) FROM source WHERE origin LIKE '%big.jsonl:%'",
            [],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!(n, 999);
}

#[test]
fn every_kind_of_bad_json_line_is_named_and_skipped_with_keep_going() {
    let (work, before) = seeded();
    let lines: Vec<Vec<u8>> = vec![
        format!("\u{feff}{}", jsonl_line(1, NOR)).into_bytes(),
        b"[1, 2]".to_vec(),
        br#"{"text": 5}"#.to_vec(),
        br#"{"title": "no text"}"#.to_vec(),
        br#"{"text": "   "}"#.to_vec(),
        br#"{"text": "ok", "published": "2023-02-30"}"#.to_vec(),
        b"{\"text\": \"raw \x00 control\"}".to_vec(),
        br#"{"text": "ok", "url": ["a"]}"#.to_vec(),
        jsonl_line(9, CHL).into_bytes(),
    ];
    let path = work.file("kinds.jsonl", lines.join(&b"\r\n"[..]));
    run(&work, &["ingest", arg(&path)])
        .code(1)
        .says("kinds.jsonl:2:");
    assert_eq!(before, work.dump());
    run(&work, &["ingest", "--keep-going", arg(&path)])
        .code(0)
        .says("kinds.jsonl:2: expected a JSON object")
        .says("kinds.jsonl:3: text: expected a string")
        .says("kinds.jsonl:4: text: is missing")
        .says("kinds.jsonl:5: text: is empty")
        .says("kinds.jsonl:6: published: '2023-02-30' is not a date")
        .says("kinds.jsonl:7: text: not a valid string at column 15: control character")
        .says("kinds.jsonl:8: url: expected a string")
        .says("2 documents read: 2 new")
        .says("7 malformed record(s) skipped");
}

#[test]
fn html_with_broken_nesting_is_read_as_a_browser_would() {
    let (work, _) = seeded();
    let page = repo().join("tests/fixtures/robust/broken_nesting.html");
    let out = work.ok(&["ingest", "--dry-run", arg(&page)]);
    let claims: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).expect("ndjson"))
        .collect();
    let found: Vec<(&str, &str, &str)> = claims
        .iter()
        .map(|c| {
            (
                c["state"].as_str().unwrap_or(""),
                c["instrument"].as_str().unwrap_or(""),
                c["date"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        found,
        vec![
            ("NOR", "UNTC-XXVII-7-d", "2024-05-13"),
            ("CHL", "UNTC-XXVII-18", "2024-06-01")
        ],
        "the script's text is not an article's: {out}"
    );
    run(&work, &["ingest", arg(&page)])
        .code(0)
        .says("1 new")
        .says("2 claims");
    let v: Value = serde_json::from_str(&work.ok(&["list", "--state", "CHL", "--format", "json"]))
        .expect("json");
    let cited = v
        .as_array()
        .expect("array")
        .iter()
        .flat_map(|e| e["citations"].as_array().expect("citations"))
        .find(|c| c["quote"] == CHL)
        .expect("the CHL citation");
    assert_eq!(cited["publisher"], "Wire");
    assert_eq!(cited["published"], "2024-06-02");
    assert_eq!(cited["title"], "Oslo & Santiago news");
}

#[test]
fn an_impossible_dateline_date_fails_its_file_only() {
    let (work, before) = seeded();
    let bad = work.file(
        "d/impossible.txt",
        " date 2023-02-30 (Reuters) By Jane Doe\r\n\r\nChile signed the Escazú Agreement on 1 June 2024.\r\n",
    );
    run(&work, &["ingest", arg(&bad)])
        .code(1)
        .says("impossible.txt:1: date: '2023-02-30' is not a real calendar date")
        .says("nothing of this file was recorded");
    assert_eq!(before, work.dump());
    work.file("d2/impossible.txt", " date 2023-13-01\n\nText.\n");
    work.file("d2/good.txt", format!(" date 2024-06-02\n\n{CHL}\n"));
    run(&work, &["ingest", arg(&work.dir.path().join("d2"))])
        .code(1)
        .says("impossible.txt:1: date: '2023-13-01'")
        .says("1 new");
    assert!(work
        .ok(&["list", "--state", "CHL"])
        .contains("UNTC-XXVII-18"));
}

#[test]
fn bom_and_crlf_copies_of_an_article_are_the_same_source() {
    let (work, _) = seeded();
    let lf = format!(" date 2024-06-02 (Wire)\n\n{CHL}\nOfficials welcomed it.\n");
    let crlf = format!("\u{feff}{}", lf.replace('\n', "\r\n"));
    let a = work.file("c/lf.txt", &lf);
    let b = work.file("c/crlf.txt", &crlf);
    run(&work, &["ingest", arg(&b)]).code(0).says("1 new");
    let after = work.dump();
    run(&work, &["ingest", arg(&a)])
        .code(0)
        .says("0 new, 1 already known");
    assert_eq!(after, work.dump());
    // The stored text is the CRLF copy without its BOM, and the citation quotes it exactly.
    let conn = rusqlite::Connection::open(&work.db).expect("open");
    let (id, start, end, quote): (i64, i64, i64, String) = conn
        .query_row(
            "SELECT s.id, c.span_start, c.span_end, c.quote FROM citation c
             JOIN source s ON s.id = c.source_id WHERE s.origin LIKE '%crlf.txt'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .expect("citation");
    let text = treaty_ledger::ledger::stored_text(&conn, id).expect("text");
    assert_eq!(text, &crlf["\u{feff}".len()..]);
    assert_eq!(&text[start as usize..end as usize], quote);
    assert_eq!(quote, CHL);
}

#[test]
fn the_same_document_twice_in_one_file_is_recorded_once() {
    let (work, _) = seeded();
    let lines = [
        jsonl_line(1, CHL),
        jsonl_line(2, &format!("  {CHL}\n")),
        jsonl_line(3, CHL),
    ];
    let path = work.file("dup.jsonl", lines.join("\n"));
    run(&work, &["ingest", arg(&path)])
        .code(0)
        .says("3 documents read: 1 new, 2 already known")
        .says("1 claim,");
}

// ---------------------------------------------------------------------------------------
// CSV imports

fn import(work: &Work, name: &str, contents: &[u8]) -> Run {
    let path = work.file(name, contents);
    run(work, &["instruments", "import", arg(&path)])
}

#[test]
fn a_csv_without_its_header_row_is_refused_whole() {
    let (work, before) = seeded();
    import(&work, "nohead.csv", b"X-1,Some Treaty\nX-2,Other Treaty\n")
        .code(1)
        .says("nohead.csv:1: X-1: unknown column")
        .says("nohead.csv:1: id: required column is missing from the header")
        .says("nohead.csv:1: title: required column is missing from the header")
        .says("nothing was written");
    import(&work, "notitle.csv", b"id,short_title\nX-1,Short\n")
        .code(1)
        .says("notitle.csv:1: title: required column is missing");
    import(&work, "twice.csv", b"id,title,Title\nX-1,A,B\n")
        .code(1)
        .says("twice.csv:1: title: column appears twice");
    import(&work, "empty.csv", b"")
        .code(1)
        .says("empty.csv:1: empty file: expected a header row");
    assert_eq!(before, work.dump());
}

#[test]
fn csv_rows_of_the_wrong_width_are_each_named() {
    let (work, before) = seeded();
    import(
        &work,
        "width.csv",
        b"id,title,opened\nX-1,One,2001-01-01\nX-2,Two\nX-3,Three,2001-01-01,extra\nX-4,\"Four, with a comma\",2001-01-01\n",
    )
    .code(1)
    .says("width.csv:3: 2 fields, but the header has 3")
    .says("width.csv:4: 4 fields, but the header has 3")
    .says("2 problems found; nothing was written");
    assert_eq!(before, work.dump());
}

#[test]
fn csv_problems_name_the_right_line_with_bom_and_crlf() {
    let (work, before) = seeded();
    import(
        &work,
        "crlf.csv",
        b"\xef\xbb\xbfid,title,opened,in_force\r\nX-1,One,2001-01-01,\r\nX-2,Two,2023-02-30,\r\nX-3,\"Three\r\nlines\r\nlong\",,2001-1-1\r\nX-1,Dup,,\r\n",
    )
    .code(1)
    .says("crlf.csv:3: opened: '2023-02-30' is not an ISO 8601 date")
    .says("crlf.csv:4: in_force: '2001-1-1' is not an ISO 8601 date")
    .says("crlf.csv:7: id: duplicate id 'X-1' (first on line 2)")
    .says("3 problems found; nothing was written");
    assert_eq!(before, work.dump());
    // The same file without its problems imports, BOM and CRLF and all.
    import(
        &work,
        "crlf-ok.csv",
        b"\xef\xbb\xbfid,title,opened\r\nX-1,One,2001-01-01\r\nX-3,\"Three\r\nlines\",\r\n",
    )
    .code(0);
    let v: Value =
        serde_json::from_str(&work.ok(&["instruments", "show", "X-1", "--format", "json"]))
            .expect("json");
    assert_eq!(v["title"], "One", "no BOM or CR left in the values");
    assert_eq!(v["opened"], "2001-01-01");
}

#[test]
fn csv_that_is_not_utf8_or_is_binary_is_refused() {
    let (work, before) = seeded();
    import(&work, "latin1.csv", b"id,title\nX-1,Caf\xe9\nX-2,Two\n")
        .code(1)
        .says("latin1.csv:2: not valid UTF-8");
    import(&work, "image.csv", PNG).code(1).says("image.csv");
    import(&work, "archive.csv", ZIP)
        .code(1)
        .says("archive.csv");
    let r = run_with(
        &work,
        &["instruments", "import", "-"],
        Some(b"id,title\nX-1,\xff\xfe\n"),
    );
    r.code(1).says("<stdin>:2: not valid UTF-8");
    assert_eq!(before, work.dump());
}

#[test]
fn csv_line_numbers_count_blank_lines() {
    let (work, before) = seeded();
    import(
        &work,
        "blank.csv",
        b"id,title,opened\n\nX-1,One,2001-02-30\n\n\nX-2,Two,2001-13-01\n",
    )
    .code(1)
    .says("blank.csv:3: opened: '2001-02-30'")
    .says("blank.csv:6: opened: '2001-13-01'");
    assert_eq!(before, work.dump());
}

#[test]
fn an_unterminated_quote_in_a_csv_is_an_error() {
    let (work, before) = seeded();
    import(
        &work,
        "quote.csv",
        b"id,title\nX-1,\"unterminated title\nX-2,Two\nX-3,Three\n",
    )
    .code(1)
    .says("quote.csv:2:");
    assert_eq!(before, work.dump());
}

// ---------------------------------------------------------------------------------------
// Injection: hostile strings are data.

const HOSTILE: &[&str] = &[
    "'); DROP TABLE event; --",
    "\"; DROP TABLE source; --",
    "Robert'); DELETE FROM citation WHERE ('1'='1",
    "x' OR '1'='1",
    "%_\\' ; -- /* */ `backtick` $1 ?1 :name @var",
    "<script>alert('x')</script> &amp; \u{202e}reversed\u{0007}",
];

fn table_counts(work: &Work) -> Vec<(String, i64)> {
    let conn = rusqlite::Connection::open(&work.db).expect("open");
    [
        "state",
        "state_name",
        "instrument",
        "instrument_names",
        "source",
        "event",
        "citation",
        "unresolved_mention",
    ]
    .iter()
    .map(|t| {
        let n: i64 = conn
            .query_row(&format!("SELECT count(*) FROM \"{t}\""), [], |r| r.get(0))
            .unwrap_or_else(|e| panic!("table {t} is gone: {e}"));
        (t.to_string(), n)
    })
    .collect()
}

#[test]
fn hostile_strings_are_stored_and_shown_back_exactly() {
    let work = Work::new();
    run(&work, &["init"]).code(0);
    let counts_before = table_counts(&work);

    // Articles whose every field is hostile, each with a real claim.
    let lines: Vec<String> = HOSTILE
        .iter()
        .enumerate()
        .map(|(i, h)| {
            json!({
                "url": format!("https://example.org/{i}?q={h}"),
                "title": format!("{h} title {i}"),
                "publisher": format!("{h} press"),
                "author": h,
                "published": "2024-06-02",
                "text": format!("{h}\n\nNorway ratified the Paris Agreement on {} May 2024.\n\n{h}", i + 1),
            })
            .to_string()
        })
        .collect();
    let articles = work.file("hostile.jsonl", lines.join("\n"));
    run(&work, &["ingest", arg(&articles)])
        .code(0)
        .says(&format!("{} new", HOSTILE.len()));

    // Instruments whose every text column is hostile.
    let mut csv = csv_writer();
    csv.write_record(["id", "title", "short_title", "aliases", "depositary", "url"])
        .expect("header");
    for (i, h) in HOSTILE.iter().enumerate() {
        let aliases = format!("{h} alias|Alias \"{i}\" ; --");
        csv.write_record([
            &format!("HOSTILE-{i}"),
            &format!("Convention on {h} {i}"),
            &format!("{h} short {i}"),
            &aliases,
            &format!("{h} depositary"),
            &format!("https://example.org/t?{h}"),
        ])
        .expect("row");
    }
    let csv_path = work.file("hostile.csv", csv.into_inner().expect("csv bytes"));
    run(&work, &["instruments", "import", arg(&csv_path)]).code(0);

    // Every table is still there, and only sources, events, citations and instruments grew.
    let counts_after = table_counts(&work);
    for ((table, before), (_, after)) in counts_before.iter().zip(&counts_after) {
        match table.as_str() {
            "state" | "state_name" => assert_eq!(before, after, "{table}"),
            _ => assert!(after >= before, "{table}: {before} -> {after}"),
        }
    }

    // The articles' fields come back exactly through `list --format json`.
    let v: Value = serde_json::from_str(&work.ok(&["list", "--state", "NOR", "--format", "json"]))
        .expect("json");
    let citations: Vec<&Value> = v
        .as_array()
        .expect("array")
        .iter()
        .flat_map(|e| e["citations"].as_array().expect("citations"))
        .collect();
    for (i, h) in HOSTILE.iter().enumerate() {
        let c = citations
            .iter()
            .find(|c| c["title"] == format!("{h} title {i}"))
            .unwrap_or_else(|| panic!("no citation titled {h:?}: {citations:#?}"));
        assert_eq!(c["url"], format!("https://example.org/{i}?q={h}"));
        assert_eq!(c["publisher"], format!("{h} press"));
        assert_eq!(
            c["quote"],
            format!("Norway ratified the Paris Agreement on {} May 2024.", i + 1)
        );
    }
    // And the stored texts are the texts given.
    let conn = rusqlite::Connection::open(&work.db).expect("open");
    for (i, h) in HOSTILE.iter().enumerate() {
        let id: i64 = conn
            .query_row(
                "SELECT id FROM source WHERE title = ?1",
                [format!("{h} title {i}")],
                |r| r.get(0),
            )
            .expect("source");
        let text = treaty_ledger::ledger::stored_text(&conn, id).expect("text");
        assert_eq!(
            text,
            format!(
                "{h}\n\nNorway ratified the Paris Agreement on {} May 2024.\n\n{h}",
                i + 1
            )
        );
    }

    // The instruments come back exactly through `instruments show --format json`, found by
    // id and by their hostile alias.
    for (i, h) in HOSTILE.iter().enumerate() {
        let id = format!("HOSTILE-{i}");
        let v: Value =
            serde_json::from_str(&work.ok(&["instruments", "show", &id, "--format", "json"]))
                .expect("json");
        assert_eq!(v["id"], id);
        assert_eq!(v["title"], format!("Convention on {h} {i}").trim());
        assert_eq!(v["short_title"], format!("{h} short {i}").trim());
        assert_eq!(v["depositary"], format!("{h} depositary"));
        assert_eq!(v["url"], format!("https://example.org/t?{h}"));
        let mut aliases: Vec<String> = v["aliases"]
            .as_array()
            .expect("aliases")
            .iter()
            .map(|a| a.as_str().expect("alias").to_string())
            .collect();
        aliases.sort();
        let mut expected = vec![format!("{h} alias"), format!("Alias \"{i}\" ; --")];
        expected.sort();
        assert_eq!(aliases, expected);
        let by_alias: Value = serde_json::from_str(&work.ok(&[
            "instruments",
            "show",
            &format!("{h} alias"),
            "--format",
            "json",
        ]))
        .expect("json");
        assert_eq!(by_alias["id"], id);
    }

    // Hostile queries are names that match nothing, not SQL.
    for h in HOSTILE {
        run(&work, &["list", "--state", h])
            .code(1)
            .says("unknown state");
        run(
            &work,
            &["list", "--instrument", &format!("{h} nothing like it")],
        )
        .code(1)
        .says("unknown instrument");
        let found: Value = serde_json::from_str(&work.ok(&[
            "instruments",
            "list",
            "--search",
            &format!("{h} zzz"),
            "--format",
            "json",
        ]))
        .expect("json");
        assert_eq!(found, json!([]), "search {h:?}");
    }
    // An id that is itself an injection is refused by validation, naming the line.
    import(
        &work,
        "badid.csv",
        b"id,title\n\"X-1'); DROP TABLE instrument; --\",T\n",
    )
    .code(1)
    .says("badid.csv:2: id: 'X-1'); DROP TABLE instrument; --' is not a valid id");
    assert_eq!(counts_after, table_counts(&work));
}

fn csv_writer() -> csv::Writer<Vec<u8>> {
    csv::Writer::from_writer(Vec::new())
}
