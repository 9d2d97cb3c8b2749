//! The document readers: datelines, HTML, JSON Lines, bad bytes, overrides, identity.

use std::io::{self, Cursor, Read};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use proptest::prelude::*;
use treaty_ledger::document::{
    check_text, content_hash, detect_format, normalise, read_bytes, read_file, read_html,
    read_input, read_jsonl, read_text, source_hash, walk, Format, Input, Overrides,
};
use treaty_ledger::model::Document;
use treaty_ledger::{Error, Problem};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/documents");
const SEEDS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/seeds");

fn fixture(name: &str) -> PathBuf {
    Path::new(FIXTURES).join(name)
}

fn day(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

/// Every result of reading one file.
fn read_all(path: &Path, overrides: &Overrides) -> Vec<Result<Document, Problem>> {
    match read_file(path, overrides) {
        Ok(documents) => documents.collect(),
        Err(problem) => vec![Err(problem)],
    }
}

/// The one document of a text or HTML file.
fn read_one(path: &Path) -> Document {
    let mut all = read_all(path, &Overrides::default());
    assert_eq!(all.len(), 1, "{path:?}: {all:?}");
    match all.remove(0) {
        Ok(document) => document,
        Err(problem) => panic!("{problem}"),
    }
}

/// The problem reading a file gives.
fn problem_of(path: &Path) -> Problem {
    let all = read_all(path, &Overrides::default());
    match all.into_iter().find_map(Result::err) {
        Some(problem) => problem,
        None => panic!("{path:?} read without a problem"),
    }
}

fn temp_file(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).expect("write temp file");
    path
}

#[test]
fn the_seed_articles_datelines_parse() {
    let seeds = Path::new(SEEDS);
    if !seeds.is_dir() {
        eprintln!(
            "note: {SEEDS} is absent; the fixture copies of its datelines are tested instead"
        );
        return;
    }
    let first = read_one(&seeds.join("000_740120c73d6d34e9.txt"));
    assert_eq!(first.published, day(2023, 12, 8));
    assert_eq!(first.publisher.as_deref(), Some("AzerNews"));
    assert_eq!(first.author.as_deref(), Some("Asim Aliyev"));
    assert_eq!(first.format, "text");
    let second = read_one(&seeds.join("001_8a84be2626c1b0c7.txt"));
    assert_eq!(second.published, day(2023, 10, 31));
    assert_eq!(second.publisher, None, "(UTC+04:00) is no publisher");
    // The text is the whole file, header included, so spans index into it.
    let bytes = std::fs::read(seeds.join("001_8a84be2626c1b0c7.txt")).expect("seed");
    assert_eq!(second.text.as_bytes(), bytes.as_slice());
}

#[test]
fn copies_of_the_seed_datelines_parse() {
    let path = fixture("dateline_azernews.txt");
    let doc = read_one(&path);
    assert_eq!(doc.published, day(2023, 12, 8));
    assert_eq!(doc.publisher.as_deref(), Some("AzerNews"));
    assert_eq!(doc.author.as_deref(), Some("Asim Aliyev"));
    assert_eq!(doc.title, None);
    assert_eq!(doc.origin, path.display().to_string());
    assert_eq!(doc.text, std::fs::read_to_string(&path).expect("fixture"));
    assert!(doc.text.starts_with(" date 2023-12-08"));

    let doc = read_one(&fixture("dateline_utc.txt"));
    assert_eq!(doc.published, day(2023, 10, 31));
    assert_eq!(doc.publisher, None);
    assert_eq!(doc.author, None);
}

#[test]
fn a_dateline_without_its_leading_space_still_counts() {
    let doc = read_text("t.txt", "date 2024-01-05 (Reuters)\n\nText.").expect("reads");
    assert_eq!(doc.published, day(2024, 1, 5));
    assert_eq!(doc.publisher.as_deref(), Some("Reuters"));
    // A first line that merely starts with the word is no header.
    let doc = read_text("t.txt", "Date palms grow in Baku.\n").expect("reads");
    assert_eq!(doc.published, None);
}

#[test]
fn an_impossible_dateline_date_names_the_file_line_and_field() {
    let path = fixture("impossible_date.txt");
    let problem = problem_of(&path);
    assert_eq!(problem.file, path.display().to_string());
    assert_eq!(problem.line, Some(1));
    assert_eq!(problem.column.as_deref(), Some("date"));
    assert!(problem.message.contains("2023-02-30"), "{problem}");
    assert!(
        problem
            .to_string()
            .starts_with(&format!("{}:1: date: ", path.display())),
        "{problem}"
    );
    let bad = read_text("x.txt", " date 31-10-2023 (Reuters)\nText").unwrap_err();
    assert_eq!((bad.line, bad.column.as_deref()), (Some(1), Some("date")));
    assert!(bad.message.contains("YYYY-MM-DD"), "{bad}");
}

#[test]
fn a_wire_dateline_gives_the_publisher() {
    let doc = read_one(&fixture("wire_reuters.txt"));
    assert_eq!(doc.publisher.as_deref(), Some("Reuters"));
    assert_eq!(doc.published, None);
}

#[test]
fn html_gives_only_the_article_text_and_its_metadata() {
    let doc = read_one(&fixture("article.html"));
    assert_eq!(doc.format, "html");
    assert_eq!(
        doc.title.as_deref(),
        Some("Azerbaijan signs the organ-trafficking convention")
    );
    assert_eq!(doc.published, day(2023, 10, 31));
    assert_eq!(doc.publisher.as_deref(), Some("Example News"));
    assert_eq!(doc.author.as_deref(), Some("Asim Aliyev"));
    assert_eq!(
        doc.url.as_deref(),
        Some("https://example.org/news/aze-cets-216")
    );
    for furniture in [
        "SCRIPT",
        "NAV TEXT",
        "HEADER TEXT",
        "FOOTER",
        "ASIDE",
        "color: red",
        "Home",
    ] {
        assert!(
            !doc.text.contains(furniture),
            "{furniture:?} in {:?}",
            doc.text
        );
    }
    let paragraphs: Vec<&str> = doc.text.split("\n\n").collect();
    assert_eq!(paragraphs[0], "Azerbaijan signs the convention");
    assert!(paragraphs.contains(
        &"Azerbaijan signed the Council of Europe Convention against Trafficking in Human \
          Organs on 30 October 2023 in Strasbourg"
    ));
    assert!(doc
        .text
        .contains("The convention & its protocol were discussed."));
    assert!(doc.text.contains("Broken nesting here"));
    assert!(paragraphs.contains(&"First point"));
    assert!(paragraphs.contains(&"Second point"));
    assert!(paragraphs.contains(&"Last paragraph, on two lines."));
    assert!(!doc.text.contains("  "), "{:?}", doc.text);
    assert!(
        !doc.text.contains('\u{a0}'),
        "no-break spaces fold like spaces"
    );
}

#[test]
fn html_falls_back_to_title_time_main_and_body() {
    let doc = read_html(
        "p.html",
        "<html><head><title> A  page </title></head><body><nav>menu</nav>\
         <main><p>Main text <time datetime=\"2024-03-05\">5 March</time>.</p></main>\
         <p>outside main</p></body></html>",
    )
    .expect("reads");
    assert_eq!(doc.title.as_deref(), Some("A page"));
    assert_eq!(doc.published, day(2024, 3, 5));
    assert_eq!(doc.text, "Main text 5 March.");

    let doc = read_html("b.html", "<p>just a paragraph<p>and another").expect("reads");
    assert_eq!(doc.text, "just a paragraph\n\nand another");
    assert_eq!(doc.title, None);

    let empty = read_html("e.html", "<html><script>x()</script><nav>menu</nav></html>")
        .expect_err("no text");
    assert_eq!(empty.file, "e.html");
    assert!(empty.message.contains("no readable text"), "{empty}");
}

#[test]
fn html_prefers_the_better_date_source() {
    let doc = read_html(
        "d.html",
        "<head><meta name=\"date\" content=\"2020-01-01\">\
         <meta property=\"og:published_time\" content=\"not a date\">\
         <meta property=\"og:published_time\" content=\"2021-02-03T04:05:06Z\">\
         <meta property=\"og:url\" content=\"https://example.org/og\"></head>\
         <body><time datetime=\"2019-09-09\">then</time><p>Text</p></body>",
    )
    .expect("reads");
    assert_eq!(doc.published, day(2021, 2, 3));
    assert_eq!(doc.url.as_deref(), Some("https://example.org/og"));
}

#[test]
fn jsonl_reads_the_good_lines_and_names_the_bad_one() {
    let path = fixture("articles.jsonl");
    let all = read_all(&path, &Overrides::default());
    assert_eq!(all.len(), 4, "{all:?}");
    let origin = path.display().to_string();

    let first = all[0].as_ref().expect("line 1");
    assert_eq!(first.origin, format!("{origin}:1"));
    assert_eq!(first.format, "jsonl");
    assert_eq!(first.published, day(2023, 10, 31));
    assert_eq!(first.title.as_deref(), Some("First"));
    assert_eq!(first.url.as_deref(), Some("https://example.org/1"));
    assert_eq!(first.publisher.as_deref(), Some("AzerNews"));

    let second = all[1].as_ref().expect("line 3");
    assert_eq!(
        second.origin,
        format!("{origin}:3"),
        "blank line 2 still counts"
    );
    assert_eq!(second.published, day(2023, 12, 8));
    assert_eq!(second.author.as_deref(), Some("Asim Aliyev"));

    let bad = all[2].as_ref().expect_err("line 4 is malformed");
    assert_eq!(bad.file, origin);
    assert_eq!(bad.line, Some(4));
    assert!(bad.message.contains("not valid JSON"), "{bad}");
    assert!(
        bad.to_string().starts_with(&format!("{origin}:4: ")),
        "{bad}"
    );

    let fourth = all[3].as_ref().expect("line 5");
    assert_eq!(fourth.origin, format!("{origin}:5"));
    assert_eq!(fourth.text, "Armenia ratified the protocol.");
    assert_eq!(fourth.published, None);
}

#[test]
fn jsonl_problems_name_the_field() {
    let input = concat!(
        "{\"url\":\"u\"}\n",
        "{\"text\":\"   \"}\n",
        "{\"text\":\"ok\",\"published\":\"2023-02-30\"}\n",
        "{\"text\":\"ok\",\"title\":42}\n",
        "[1,2]\n",
        "{\"text\":\"fine\",\"published\":\"2023-10-31T23:30:00-05:00\"}\n",
    );
    let all: Vec<_> = read_jsonl("in.jsonl", input.as_bytes()).collect();
    let place = |i: usize| {
        let p = all[i].as_ref().expect_err("a problem");
        (p.line, p.column.clone())
    };
    assert_eq!(place(0), (Some(1), Some("text".into())));
    assert_eq!(place(1), (Some(2), Some("text".into())));
    assert_eq!(place(2), (Some(3), Some("published".into())));
    assert_eq!(place(3), (Some(4), Some("title".into())));
    assert_eq!(place(4), (Some(5), None));
    let fine = all[5].as_ref().expect("line 6");
    assert_eq!(fine.published, day(2023, 10, 31), "the date as written");
    assert_eq!(fine.origin, "in.jsonl:6");
}

/// The text, decoded as the line is parsed, is told apart from the rest: each wrong kind
/// of value and a bad escape (with its column) are the text's problems, a line cut in
/// its text is not valid JSON; an escaped text comes back decoded.
#[test]
fn jsonl_text_problems_name_the_text_and_where() {
    let input = concat!(
        "{\"text\":5}\n",
        "{\"text\":[1,{\"a\":[2]}],\"url\":\"u\"}\n",
        "{\"text\":{\"a\":1}}\n",
        "{\"text\":true}\n",
        "{\"text\":null}\n",
        "{\"text\":\"bad \\q escape\"}\n",
        "{\"text\":\"left open\n",
        "{\"title\":\"t\",\"text\":\"Chile \\u00e9 \\\"signed\\\"\\nit.\",\"text2\":1}\n",
    );
    let all: Vec<_> = read_jsonl("in.jsonl", input.as_bytes()).collect();
    let problem = |i: usize| {
        let p = all[i].as_ref().expect_err("a problem");
        assert_eq!(p.line, Some(i as u64 + 1));
        assert_eq!(p.column.as_deref(), Some("text"), "{}", p.message);
        p.message.clone()
    };
    assert_eq!(problem(0), "expected a string, found a number");
    assert_eq!(problem(1), "expected a string, found an array");
    assert_eq!(problem(2), "expected a string, found an object");
    assert_eq!(problem(3), "expected a string, found a boolean");
    assert_eq!(problem(4), "is empty");
    assert_eq!(
        problem(5),
        "not a valid string at column 15: invalid escape"
    );
    let cut = all[6].as_ref().expect_err("a line cut in its text");
    assert_eq!((cut.line, cut.column.as_deref()), (Some(7), None));
    assert!(cut.message.starts_with("not valid JSON"), "{}", cut.message);
    let fine = all[7].as_ref().expect("line 8");
    assert_eq!(fine.text, "Chile \u{e9} \"signed\"\nit.");
    assert_eq!(fine.title.as_deref(), Some("t"));
}

/// Lines after the first are not read until they are asked for.
#[test]
fn jsonl_streams_a_line_at_a_time() {
    struct Failing;
    impl Read for Failing {
        fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
            Err(io::Error::other("the disk went away"))
        }
    }
    let first = Cursor::new(b"{\"text\":\"one\"}\n".to_vec());
    let reader = io::BufReader::new(first.chain(Failing));
    let mut documents = read_jsonl("s.jsonl", reader);
    assert_eq!(
        documents.next().map(|d| d.map(|d| d.text)),
        Some(Ok("one".into()))
    );
    let failure = documents.next().expect("an item").expect_err("io error");
    assert_eq!(failure.line, Some(2));
    assert!(failure.message.contains("disk went away"), "{failure}");
    assert!(documents.next().is_none());
}

#[test]
fn binary_empty_and_non_utf8_files_each_get_their_message() {
    let dir = tempfile::tempdir().expect("temp dir");
    let cases: &[(&str, &[u8], &str)] = &[
        (
            "image.txt",
            b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR",
            "binary file (PNG image), not an article",
        ),
        (
            "bundle.jsonl",
            b"PK\x03\x04\x14\0\0\0",
            "binary file (ZIP archive",
        ),
        (
            "paper.html",
            b"%PDF-1.7\n",
            "binary file (PDF document), not an article",
        ),
        (
            "data.gz",
            b"\x1f\x8b\x08\0",
            "binary file (gzip archive), not an article",
        ),
        (
            "photo",
            b"\xff\xd8\xff\xe0",
            "binary file (JPEG image), not an article",
        ),
        ("empty.txt", b"", "empty file"),
        ("blank.html", b"  \n\t\r\n ", "empty file"),
        ("blank.jsonl", b"\n\n", "empty file"),
        ("nul.txt", b"text\0more", "binary file (NUL byte"),
        ("wide.txt", b"\xff\xfed\0a\0t\0e\0", "UTF-16"),
    ];
    for (name, bytes, message) in cases {
        let path = temp_file(&dir, name, bytes);
        let problem = problem_of(&path);
        assert_eq!(problem.file, path.display().to_string());
        assert!(problem.message.contains(message), "{name}: {problem}");
        assert!(problem.to_string().contains(name));
    }
    let latin1 = temp_file(
        &dir,
        "latin1.txt",
        b" date 2023-10-31\nline two\nCaf\xe9 au lait\n",
    );
    let problem = problem_of(&latin1);
    assert_eq!(problem.line, Some(3));
    assert!(
        problem
            .message
            .contains("not valid UTF-8 at line 3, byte 29"),
        "{problem}"
    );

    let latin1 = temp_file(
        &dir,
        "latin1.jsonl",
        b"{\"text\":\"ok\"}\n{\"text\":\"Caf\xe9\"}\n",
    );
    let all = read_all(&latin1, &Overrides::default());
    assert!(all[0].is_ok());
    let problem = all[1].as_ref().expect_err("line 2");
    assert_eq!(problem.line, Some(2));
    assert!(problem.message.contains("not valid UTF-8"), "{problem}");
}

#[test]
fn check_text_accepts_text_and_drops_a_bom() {
    assert_eq!(check_text("a", b"hello"), Ok("hello"));
    assert_eq!(check_text("a", "\u{feff}hello".as_bytes()), Ok("hello"));
    // Files joined or re-saved by tools that each add a mark start with more than one.
    assert_eq!(
        check_text("a", "\u{feff}\u{feff}hello\u{feff}".as_bytes()),
        Ok("hello\u{feff}")
    );
    assert_eq!(
        check_text("a", "\u{feff}\u{feff}".as_bytes()).map_err(|p| p.message),
        Err("empty file".to_string())
    );
    assert_eq!(
        check_text("a", b"").map_err(|p| p.message),
        Err("empty file".to_string())
    );
}

#[test]
fn crlf_text_reads_like_lf_text() {
    let dir = tempfile::tempdir().expect("temp dir");
    let lf =
        " date 2023-12-08 (MENAFN- AzerNews) By Asim Aliyev\n\nFirst paragraph.\nSecond line.\n";
    let crlf = lf.replace('\n', "\r\n");
    let doc = read_one(&temp_file(&dir, "crlf.txt", crlf.as_bytes()));
    assert_eq!(doc.published, day(2023, 12, 8));
    assert_eq!(doc.publisher.as_deref(), Some("AzerNews"));
    assert_eq!(doc.author.as_deref(), Some("Asim Aliyev"));
    assert_eq!(doc.text, crlf, "the text is kept as given");
    let lf_doc = read_one(&temp_file(&dir, "lf.txt", lf.as_bytes()));
    assert_eq!(normalise(&doc.text), normalise(&lf_doc.text));
    assert_eq!(source_hash(&doc.text), source_hash(&lf_doc.text));
}

#[test]
fn a_bom_is_dropped_and_the_dateline_still_counts() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = temp_file(
        &dir,
        "bom.txt",
        "\u{feff} date 2023-10-31 (Reuters)\n\nText.\n".as_bytes(),
    );
    let doc = read_one(&path);
    assert_eq!(doc.published, day(2023, 10, 31));
    assert_eq!(doc.publisher.as_deref(), Some("Reuters"));
    assert_eq!(doc.text, " date 2023-10-31 (Reuters)\n\nText.\n");
    let direct = read_text("x", "\u{feff}\u{feff} date 2023-10-31\nText").expect("reads");
    assert_eq!(direct.published, day(2023, 10, 31));
    assert!(!direct.text.starts_with('\u{feff}'));
}

#[test]
fn overrides_replace_what_the_document_says() {
    let overrides = Overrides {
        published: day(2024, 2, 29),
        url: Some("https://override.example/a".into()),
        publisher: Some("Override Press".into()),
    };
    let all = read_all(&fixture("dateline_azernews.txt"), &overrides);
    let doc = all[0].as_ref().expect("reads");
    assert_eq!(doc.published, day(2024, 2, 29));
    assert_eq!(doc.url.as_deref(), Some("https://override.example/a"));
    assert_eq!(doc.publisher.as_deref(), Some("Override Press"));
    assert_eq!(doc.author.as_deref(), Some("Asim Aliyev"), "not overridden");

    let jsonl = read_all(&fixture("articles.jsonl"), &overrides);
    for doc in jsonl.into_iter().flatten() {
        assert_eq!(doc.publisher.as_deref(), Some("Override Press"));
        assert_eq!(doc.published, day(2024, 2, 29));
    }
    let partial = Overrides {
        publisher: Some("Only Publisher".into()),
        ..Overrides::default()
    };
    let docs = read_bytes(
        "-",
        Format::Text,
        b" date 2023-10-31 (Reuters)\nText",
        &partial,
    );
    let doc = docs[0].as_ref().expect("reads");
    assert_eq!(doc.publisher.as_deref(), Some("Only Publisher"));
    assert_eq!(doc.published, day(2023, 10, 31), "kept");
    assert_eq!(doc.origin, "-");
}

#[test]
fn read_bytes_reads_every_format() {
    let none = Overrides::default();
    let jsonl = read_bytes(
        "-",
        Format::Jsonl,
        b"{\"text\":\"a\"}\n{\"text\":\"b\"}\n",
        &none,
    );
    let texts: Vec<_> = jsonl
        .iter()
        .map(|d| d.as_ref().map(|d| d.text.as_str()))
        .collect();
    assert_eq!(texts, vec![Ok("a"), Ok("b")]);
    assert_eq!(jsonl[1].as_ref().map(|d| d.origin.as_str()), Ok("-:2"));
    let html = read_bytes("-", Format::Html, b"<p>Hello</p>", &none);
    assert_eq!(html[0].as_ref().map(|d| d.text.as_str()), Ok("Hello"));
    let png = read_bytes("-", Format::Jsonl, b"\x89PNG\r\n\x1a\n", &none);
    assert!(png[0].as_ref().is_err_and(|p| p.message.contains("PNG")));
}

#[test]
fn a_format_given_overrides_detection() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = temp_file(&dir, "page.txt", b"<p>Hello <b>there</b></p>");
    let input = Input::File(path.clone());
    let as_html: Vec<_> = read_input(&input, Some(Format::Html), &Overrides::default())
        .expect("opens")
        .collect();
    assert_eq!(
        as_html[0].as_ref().map(|d| d.text.as_str()),
        Ok("Hello there")
    );
    assert_eq!(read_one(&path).text, "<p>Hello <b>there</b></p>");
}

#[test]
fn normalise_folds_whitespace_and_the_hash_follows() {
    assert_eq!(normalise("  a\r\n\r\nb \t c\n"), "a b c");
    assert_eq!(normalise("\u{feff}a\u{a0}b"), "a b");
    assert_eq!(normalise("a\nb"), normalise("a\r\nb"));
    assert_eq!(
        content_hash("abc"),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    assert_eq!(source_hash("abc\r\n"), content_hash("abc"));
    assert_ne!(source_hash("abc"), source_hash("abd"));
}

#[test]
fn formats_are_told_by_extension_then_by_first_bytes() {
    let cases = [
        ("a.txt", "<p>", Format::Text),
        ("a.TEXT", "{", Format::Text),
        ("a.md", "", Format::Text),
        ("a.html", "plain", Format::Html),
        ("a.HTM", "", Format::Html),
        ("a.jsonl", "", Format::Jsonl),
        ("a.ndjson", "", Format::Jsonl),
        ("a", "  \n <!DOCTYPE html>", Format::Html),
        ("a.dat", "{\"text\":1}", Format::Jsonl),
        ("-", "\u{feff}<html>", Format::Html),
        ("a", " date 2023-10-31", Format::Text),
        ("a", "", Format::Text),
    ];
    for (path, head, want) in cases {
        assert_eq!(
            detect_format(Path::new(path), head.as_bytes()),
            want,
            "{path} {head:?}"
        );
    }
    assert_eq!("HTML".parse::<Format>().ok(), Some(Format::Html));
    assert_eq!("ndjson".parse::<Format>().ok(), Some(Format::Jsonl));
    assert!("pdf".parse::<Format>().is_err());
    assert_eq!(Format::Jsonl.as_str(), "jsonl");
}

#[test]
fn walk_lists_folders_sorted_skips_hidden_and_keeps_stdin() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    for name in [
        "b.txt",
        "a.html",
        "sub/c.jsonl",
        "sub/deeper/d.txt",
        ".hidden.txt",
        ".git/x.txt",
        "sub/.cache/y",
    ] {
        let path = root.join(name);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(&path, "x").expect("write");
    }
    let lone = root.join("sub/deeper/d.txt");
    let inputs = walk(&[root.to_path_buf(), PathBuf::from("-"), lone.clone()]).expect("walks");
    let want = vec![
        Input::File(root.join("a.html")),
        Input::File(root.join("b.txt")),
        Input::File(root.join("sub/c.jsonl")),
        Input::File(root.join("sub/deeper/d.txt")),
        Input::Stdin,
        Input::File(lone),
    ];
    assert_eq!(inputs, want);
    assert_eq!(Input::Stdin.origin(), "-");

    let missing = root.join("nope.txt");
    match walk(std::slice::from_ref(&missing)) {
        Err(Error::Invalid(problems)) => {
            assert_eq!(problems[0].file, missing.display().to_string());
            assert!(
                problems[0].message.contains("no such file"),
                "{}",
                problems[0]
            );
        }
        other => panic!("expected a problem, got {other:?}"),
    }
    let folder = problem_of(root);
    assert!(folder.message.contains("folder"), "{folder}");
}

#[test]
fn a_50_mb_single_line_text_reads_in_linear_time() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut text = String::from(" date 2023-10-31 (Reuters) ");
    let sentence = "Azerbaijan signed the convention (CETS No. 216) in Strasbourg. ";
    while text.len() < 50 * 1024 * 1024 {
        text.push_str(sentence);
    }
    let path = temp_file(&dir, "huge.txt", text.as_bytes());
    let started = std::time::Instant::now();
    let doc = read_one(&path);
    assert_eq!(doc.published, day(2023, 10, 31));
    assert_eq!(doc.publisher.as_deref(), Some("Reuters"));
    assert_eq!(doc.text.len(), text.len());
    assert_eq!(normalise(&doc.text).len(), text.trim_end().len() - 1);
    assert!(
        started.elapsed().as_secs() < 30,
        "took {:?}",
        started.elapsed()
    );
}

/// Text made of the pieces the readers look for, to reach deeper than random bytes.
fn tricky_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just(" date ".to_string()),
        Just("2023-02-30".to_string()),
        Just("2023-10-31T".to_string()),
        Just("(MENAFN- ".to_string()),
        Just("(".to_string()),
        Just(")".to_string()),
        Just("By ".to_string()),
        Just("\r\n".to_string()),
        Just("\u{feff}".to_string()),
        Just("<p>".to_string()),
        Just("</div>".to_string()),
        Just("<article>".to_string()),
        Just("<meta property=\"article:published_time\" content=\"".to_string()),
        Just("<script>".to_string()),
        Just("{\"text\":\"".to_string()),
        Just("\",\"published\":".to_string()),
        Just("\"}".to_string()),
        Just("\n".to_string()),
        Just("  ".to_string()),
        Just("\t \u{a0}".to_string()),
        Just(" \u{2028}\u{3000}".to_string()),
        Just(" \u{85}".to_string()),
        "[a-zA-Zé€ ]{0,6}",
        any::<char>().prop_map(String::from),
    ];
    prop::collection::vec(piece, 0..40).prop_map(|pieces| pieces.concat())
}

fn read_every_way(bytes: &[u8]) {
    if let Ok(text) = check_text("p", bytes) {
        let _ = read_text("p", text);
        let _ = read_html("p", text);
    }
    // The readers also take unchecked text directly.
    let lossy = String::from_utf8_lossy(bytes);
    let _ = read_text("p", &lossy);
    let _ = read_html("p", &lossy);
    for document in read_jsonl("p", bytes).take(100) {
        let _ = document.map(|d| d.text.len());
    }
    for format in [Format::Text, Format::Html, Format::Jsonl] {
        let _ = read_bytes("p", format, bytes, &Overrides::default());
        let _ = detect_format(Path::new("p"), bytes);
    }
    let _ = normalise(&lossy);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        read_every_way(&bytes);
    }

    #[test]
    fn arbitrary_article_like_text_never_panics(text in tricky_text()) {
        read_every_way(text.as_bytes());
        let folded = normalise(&text);
        prop_assert_eq!(normalise(&folded), folded.clone());
        prop_assert_eq!(normalise(&text.replace('\n', "\r\n")), folded);
    }

    #[test]
    fn the_source_hash_is_the_hash_of_the_text_with_whitespace_folded(text in tricky_text()) {
        let folded = text
            .split(|c: char| c.is_whitespace() || c == '\u{feff}')
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        prop_assert_eq!(normalise(&text), folded.clone());
        prop_assert_eq!(source_hash(&text), content_hash(&folded));
    }
}

/// Every character that `normalise` folds, each between two words, folds to one space.
#[test]
fn every_unicode_space_and_the_byte_order_mark_fold() {
    let folding: Vec<char> = (0..=0x10FFFF_u32)
        .filter_map(char::from_u32)
        .filter(|c| c.is_whitespace() || *c == '\u{feff}')
        .collect();
    assert!(folding.len() > 20);
    for c in folding {
        let text = format!("a{c}b a {c}b a{c} b");
        assert_eq!(normalise(&text), "a b a b a b", "U+{:04X}", u32::from(c));
        assert_eq!(source_hash(&text), content_hash("a b a b a b"));
    }
}

/// Each kind of wrong value is named as it is: for a field, and for a whole line.
#[test]
fn a_json_line_of_the_wrong_shape_says_what_it_holds() {
    let says = |line: &str| -> String {
        match read_jsonl("k.jsonl", line.as_bytes()).next() {
            Some(Err(problem)) => problem.to_string(),
            other => panic!("expected a problem for {line}, got {other:?}"),
        }
    };
    for (value, kind) in [
        ("5", "a number"),
        ("-2.5e3", "a number"),
        ("true", "a boolean"),
        ("false", "a boolean"),
        ("[1]", "an array"),
        ("{\"a\": 1}", "an object"),
    ] {
        assert_eq!(
            says(&format!("{{\"text\": \"t\", \"url\": {value}}}")),
            format!("k.jsonl:1: url: expected a string, found {kind}")
        );
        if kind != "an object" {
            assert_eq!(
                says(value),
                format!("k.jsonl:1: expected a JSON object {{\"text\": ..., \"url\": ...}}, found {kind}")
            );
        }
    }
    assert!(says("\"a string\"").ends_with("found a string"));
    assert!(says("null").ends_with("found null"));
    assert_eq!(
        says("{\"text\": \"t\",}"),
        "k.jsonl:1: not valid JSON at column 14: trailing comma"
    );
    assert_eq!(
        says("{\"url\": null}"),
        "k.jsonl:1: text: is missing (every line needs the article's text)"
    );
    assert_eq!(says("{\"text\": null}"), "k.jsonl:1: text: is empty");
    // Null and blank fields are absent; escapes are read.
    let doc = read_jsonl(
        "k.jsonl",
        "{\"text\": \"caf\\u00e9 \\\"x\\\"\", \"url\": null, \"title\": \"  \", \"text2\": 1}"
            .as_bytes(),
    )
    .next()
    .expect("a line")
    .expect("a document");
    assert_eq!(doc.text, "café \"x\"");
    assert_eq!((doc.url, doc.title), (None, None));
}

/// A field's name is read as JSON writes it (escapes too); a field named twice keeps its
/// last value; fields the tool does not read may hold anything.
#[test]
fn a_json_line_names_its_fields_as_json_does() {
    let doc = |line: &str| {
        read_jsonl("f.jsonl", line.as_bytes())
            .next()
            .expect("a line")
            .expect("a document")
    };
    let escaped = doc(r#"{"te\u0078t": "Escaped.", "\u0075rl": "https://a.example/1"}"#);
    assert_eq!(escaped.text, "Escaped.");
    assert_eq!(escaped.url.as_deref(), Some("https://a.example/1"));
    let twice = doc(r#"{"text": "First.", "title": "T", "text": "Last."}"#);
    assert_eq!(
        (twice.text.as_str(), twice.title.as_deref()),
        ("Last.", Some("T"))
    );
    let others = doc(
        r#"{"id": 7, "tags": ["a", {"b": null}], "text": "Kept.", "extra": {"text": 1}, "title": " Padded\t"}"#,
    );
    assert_eq!(others.text, "Kept.");
    assert_eq!(others.title.as_deref(), Some("Padded"), "trimmed");
}
