//! Citation reports, sources and research exports from the command line, over a ledger
//! built from the fixture articles in tests/fixtures/report/articles (hand-written claims,
//! no extraction). Golden files in tests/fixtures/report/expected; `UPDATE_GOLDEN=1 cargo
//! test --test report` rewrites them.

mod common;

use std::path::PathBuf;

use chrono::NaiveDate;
use common::Work;
use predicates::prelude::*;
use scraper::{Html, Selector};
use treaty_ledger::ledger::{pack_text, Ledger, TextAt};
use treaty_ledger::model::{Claim, DateBasis, Document, LedgerDate, Span, UnresolvedMention};

fn fixtures() -> PathBuf {
    common::repo().join("tests/fixtures/report")
}

/// A claim of a fixture: the sentence that carries it, and the words to mark in it.
struct FixtureClaim {
    state: &'static str,
    instrument: &'static str,
    action: &'static str,
    stage: &'static str,
    date: &'static str,
    sentence: &'static str,
    words: &'static [&'static str],
}

struct FixtureArticle {
    file: &'static str,
    publisher: &'static str,
    title: &'static str,
    published: &'static str,
    url: &'static str,
    claims: &'static [FixtureClaim],
    unresolved: &'static [&'static str],
}

const SEED_001: &str =
    "The party signed the Council of Europe Convention against Trafficking in Human Organs.";

const ARTICLES: &[FixtureArticle] = &[
    FixtureArticle {
        file: "azernews-cets216.txt",
        publisher: "Azernews",
        title: "Azerbaijan signs Council of Europe convention on organ trafficking",
        published: "2023-10-31",
        url: "https://www.azernews.az/nation/216532.html",
        claims: &[FixtureClaim {
            state: "AZE",
            instrument: "CETS-216",
            action: "signature",
            stage: "international",
            date: "2023-10-30",
            sentence: SEED_001,
            words: &[
                "The party",
                "signed",
                "Council of Europe Convention against Trafficking in Human Organs",
            ],
        }],
        unresolved: &[],
    },
    FixtureArticle {
        file: "report-cets216.txt",
        publisher: "Report News Agency",
        title: "Azerbaijan joins Santiago de Compostela Convention",
        published: "2023-11-01",
        url: "https://report.az/en/foreign-politics/azerbaijan-joins-convention/",
        claims: &[FixtureClaim {
            state: "AZE",
            instrument: "CETS-216",
            action: "signature",
            stage: "international",
            date: "2023-10-30",
            sentence: "On 30 October 2023 Azerbaijan signed the Santiago de Compostela Convention, the Council of Europe's treaty against organ trafficking.",
            words: &["Azerbaijan", "signed", "Santiago de Compostela Convention"],
        }],
        unresolved: &[],
    },
    FixtureArticle {
        file: "civil-ge-cets210.txt",
        publisher: "Civil.ge",
        title: "Georgia deposits Istanbul Convention ratification",
        published: "2017-05-20",
        url: "https://civil.ge/archives/istanbul-convention-ratification",
        claims: &[
            FixtureClaim {
                state: "GEO",
                instrument: "CETS-210",
                action: "ratification",
                stage: "international",
                date: "2017-05-19",
                sentence: "Georgia deposited its instrument of ratification of the Istanbul Convention in Strasbourg on 19 May 2017.",
                words: &["Georgia", "deposited its instrument of ratification", "Istanbul Convention"],
            },
            FixtureClaim {
                state: "GEO",
                instrument: "CETS-210",
                action: "signature",
                stage: "international",
                date: "2014",
                sentence: "Georgia, which signed the convention in 2014, becomes its 22nd party.",
                words: &["Georgia", "signed", "the convention"],
            },
        ],
        unresolved: &["Convention on Regional Fisheries Cooperation"],
    },
    FixtureArticle {
        file: "agenda-ge-cets210.txt",
        publisher: "Agenda.ge",
        title: "Georgia ratifies Istanbul Convention <script>alert(1)</script>",
        published: "2017-05-18",
        url: "https://agenda.ge/en/news/2017/1234?lang=en&ref=rss",
        claims: &[FixtureClaim {
            state: "GEO",
            instrument: "CETS-210",
            action: "ratification",
            stage: "international",
            date: "2017-05-17",
            sentence: "Georgia deposited its instrument of ratification of the Istanbul Convention on 17 May 2017 - a *landmark* for women_rights groups, who said \"progress < enough\" & pressed for more.",
            words: &["Georgia", "deposited its instrument of ratification", "Istanbul Convention"],
        }],
        unresolved: &["Convention on Regional Fisheries Cooperation"],
    },
    FixtureArticle {
        file: "trend-cets216-parliament.txt",
        publisher: "Trend",
        title: "Milli Majlis approves organ trafficking convention",
        published: "2024-03-15",
        url: "https://en.trend.az/azerbaijan/politics/milli-majlis-organs",
        claims: &[FixtureClaim {
            state: "AZE",
            instrument: "CETS-216",
            action: "ratification",
            stage: "domestic",
            date: "2024-03",
            sentence: "In March 2024 the Milli Majlis approved the law on ratification of the Convention against Trafficking in Human Organs.",
            words: &["Milli Majlis", "approved the law on ratification", "Convention against Trafficking in Human Organs"],
        }],
        unresolved: &[],
    },
];

/// The span of `needle` in `text` at or after `from`.
fn find(text: &str, needle: &str, from: usize) -> Span {
    let start = from
        + text[from..]
            .find(needle)
            .unwrap_or_else(|| panic!("fixture text lacks {needle:?}"));
    Span::new(start, start + needle.len())
}

/// Records the fixture articles, in order, through the library.
fn build_ledger(work: &Work) {
    let mut ledger = Ledger::open_with(&work.db, false).expect("ledger");
    let mut writer = ledger.writer().expect("writer");
    for a in ARTICLES {
        let text = std::fs::read_to_string(fixtures().join("articles").join(a.file))
            .expect("fixture article");
        let claims: Vec<Claim> = a
            .claims
            .iter()
            .map(|c| {
                let span = find(&text, c.sentence, 0);
                let mut highlights: Vec<Span> =
                    c.words.iter().map(|w| find(&text, w, span.start)).collect();
                // A highlight outside the sentence must be ignored by every renderer.
                highlights.push(Span::new(0, 4));
                Claim {
                    state: c.state.into(),
                    instrument: c.instrument.into(),
                    action: c.action.parse().expect("action"),
                    stage: c.stage.parse().expect("stage"),
                    date: LedgerDate::parse_iso(c.date).expect("date"),
                    date_basis: DateBasis::Stated,
                    span,
                    quote: c.sentence.into(),
                    highlights,
                    extractor: "fixture".into(),
                    confidence: 0.9,
                }
            })
            .collect();
        let unresolved: Vec<UnresolvedMention> = a
            .unresolved
            .iter()
            .map(|m| UnresolvedMention {
                text: m.to_string(),
                span: find(&text, m, 0),
            })
            .collect();
        let doc = Document {
            origin: a.file.into(),
            format: "text".into(),
            title: Some(a.title.into()),
            url: Some(a.url.into()),
            publisher: Some(a.publisher.into()),
            author: None,
            published: Some(NaiveDate::parse_from_str(a.published, "%Y-%m-%d").expect("published")),
            text: text.clone(),
        };
        let hash = treaty_ledger::document::content_hash(&text);
        writer
            .record_document(
                &doc,
                &hash,
                TextAt::Own(&pack_text(&text).expect("packed")),
                &claims,
                &unresolved,
            )
            .expect("record");
    }
    writer.commit().expect("commit");
}

fn fixture_work() -> Work {
    let work = Work::new();
    build_ledger(&work);
    work
}

/// Compares with a golden file, or rewrites it when UPDATE_GOLDEN=1.
fn golden(name: &str, actual: &str) {
    let path = fixtures().join("expected").join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some_and(|v| v == "1") {
        std::fs::write(&path, actual).expect("write golden");
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("{} missing: run with UPDATE_GOLDEN=1", path.display()));
    assert!(
        expected == actual,
        "{name} differs from {} (UPDATE_GOLDEN=1 rewrites it)\n--- actual ---\n{actual}",
        path.display()
    );
}

#[test]
fn reports_match_the_golden_files() {
    let work = fixture_work();
    for (format, file) in [
        ("markdown", "report.md"),
        ("html", "report.html"),
        ("csv", "report.csv"),
        ("json", "report.json"),
    ] {
        golden(file, &work.ok(&["report", "--format", format]));
    }
    golden(
        "panel-aze.csv",
        &work.ok(&[
            "export", "panel", "--state", "AZE", "--from", "2020", "--until", "2025",
        ]),
    );
}

#[test]
fn the_markdown_reads_as_azerbaijans_signature_of_cets_216() {
    let work = fixture_work();
    let md = work.ok(&["report", "--state", "Azerbaijan", "--action", "signature"]);
    for line in [
        "Selection: state Azerbaijan (AZE); actions signature.",
        "### 1. Azerbaijan — signature — 30 October 2023",
        "- **Instrument:** Council of Europe Convention against Trafficking in Human Organs (CETS No. 216)",
        "- **Action:** signature, international stage",
        "- **Citations:** 2, from 2 independent sources",
        "1. Azernews, \"Azerbaijan signs Council of Europe convention on organ trafficking\", 31 October 2023, <https://www.azernews.az/nation/216532.html>.",
        "   > **The party** **signed** the **Council of Europe Convention against Trafficking in Human Organs**.",
        "2. Report News Agency, \"Azerbaijan joins Santiago de Compostela Convention\", 1 November 2023, <https://report.az/en/foreign-politics/azerbaijan-joins-convention/>.",
        "- Entries with more than one independent source: 1",
    ] {
        assert!(md.lines().any(|l| l == line), "missing line {line:?} in\n{md}");
    }
}

#[test]
fn markdown_escapes_source_text() {
    let work = fixture_work();
    let md = work.ok(&["report", "--state", "GEO"]);
    assert!(
        md.contains("\"Georgia ratifies Istanbul Convention \\<script\\>alert(1)\\</script\\>\"")
    );
    assert!(md.contains("a \\*landmark\\* for women\\_rights groups, who said \"progress \\< enough\" \\& pressed for more."));
    assert!(md.contains("<https://agenda.ge/en/news/2017/1234?lang=en&ref=rss>"));
    assert!(!md.contains("<script>"));
}

#[test]
fn the_html_has_every_entry_and_citation_and_no_script() {
    let work = fixture_work();
    let html = work.ok(&["report", "--format", "html"]);
    let json = work.json(&["report", "--format", "json"]);
    let entries = json["entries"].as_array().expect("entries");
    let doc = Html::parse_document(&html);
    let select = |s: &str| Selector::parse(s).expect("selector");
    assert_eq!(doc.select(&select("script")).count(), 0);
    assert_eq!(doc.select(&select("link, img, iframe")).count(), 0);
    assert_eq!(doc.select(&select("article.entry")).count(), entries.len());
    let mut citations = 0;
    for e in entries {
        let n = e["number"].as_u64().expect("number");
        let article = doc
            .select(&select(&format!("article#entry-{n}")))
            .next()
            .unwrap_or_else(|| panic!("entry {n}"));
        let state = article.select(&select(".state")).next().expect("state");
        assert!(state
            .text()
            .collect::<String>()
            .contains(e["state"].as_str().expect("iso3")));
        for c in e["citations"].as_array().expect("citations") {
            citations += 1;
            let k = c["number"].as_u64().expect("number");
            let li = article
                .select(&select(&format!("li.citation#entry-{n}-cite-{k}")))
                .next()
                .unwrap_or_else(|| panic!("citation {n}.{k}"));
            let quote: String = li
                .select(&select("blockquote.quote"))
                .next()
                .expect("quote")
                .text()
                .collect();
            assert_eq!(quote, c["quote"].as_str().expect("quote"));
            let marks: Vec<String> = li
                .select(&select("mark"))
                .map(|m| m.text().collect())
                .collect();
            assert_eq!(serde_json::json!(marks), c["marked"]);
        }
    }
    assert_eq!(doc.select(&select("li.citation")).count(), citations);
    assert_eq!(citations, 6);
    let titles: Vec<String> = doc
        .select(&select(".source-title"))
        .map(|t| t.text().collect())
        .collect();
    assert!(titles
        .contains(&"Georgia ratifies Istanbul Convention <script>alert(1)</script>".to_string()));
    assert!(html.contains("Istanbul Convention &lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(html.contains("@media print"));
    assert_eq!(
        doc.select(&select("section#conflicts li.conflict")).count(),
        1
    );
    assert_eq!(
        doc.select(&select("section#unresolved tr.mention")).count(),
        1
    );
}

#[test]
fn conflicts_unresolved_mentions_and_summary() {
    let work = fixture_work();
    let json = work.json(&["report", "--format", "json"]);
    let conflicts = json["conflicts"].as_array().expect("conflicts");
    assert_eq!(conflicts.len(), 1);
    assert_eq!(conflicts[0]["state"], "GEO");
    assert_eq!(conflicts[0]["action"], "ratification");
    let dates: Vec<&str> = conflicts[0]["dates"]
        .as_array()
        .expect("dates")
        .iter()
        .map(|d| d["date"].as_str().expect("date"))
        .collect();
    assert_eq!(dates, ["2017-05-17", "2017-05-19"]);
    assert_eq!(
        json["unresolved"][0]["text"],
        "Convention on Regional Fisheries Cooperation"
    );
    assert_eq!(json["unresolved"][0]["count"], 2);
    assert_eq!(
        json["unresolved"][0]["sources"]
            .as_array()
            .expect("sources")
            .len(),
        2
    );
    let s = &json["summary"];
    assert_eq!(
        (
            s["entries"].as_u64(),
            s["citations"].as_u64(),
            s["sources"].as_u64()
        ),
        (Some(5), Some(6), Some(5))
    );
    assert_eq!(
        (s["states"].as_u64(), s["instruments"].as_u64()),
        (Some(2), Some(2))
    );
    assert_eq!(s["corroborated_entries"], 1);

    // A selection shows the mentions of its own sources only.
    let aze = work.json(&["report", "--state", "AZE", "--format", "json"]);
    assert_eq!(aze["unresolved"].as_array().map(Vec::len), Some(0));
    assert_eq!(aze["conflicts"].as_array().map(Vec::len), Some(0));
}

#[test]
fn reports_are_byte_identical_across_runs_unless_a_timestamp_is_asked_for() {
    let work = fixture_work();
    let other = fixture_work();
    for format in ["markdown", "html", "csv", "json"] {
        let args = ["report", "--format", format];
        let first = work.ok(&args);
        assert_eq!(first, work.ok(&args), "{format}");
        assert_eq!(first, other.ok(&args), "{format} from a ledger built again");
    }
    let stamped = work
        .cmd()
        .args(["report", "--timestamp"])
        .env("SOURCE_DATE_EPOCH", "1704067200")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert!(String::from_utf8_lossy(&stamped).contains("Generated: 2024-01-01T00:00:00Z."));
}

#[test]
fn report_writes_to_a_file() {
    let work = fixture_work();
    let path = work.dir.path().join("aze.html");
    work.cmd()
        .args(["report", "--state", "AZE", "--format", "html", "--output"])
        .arg(&path)
        .assert()
        .success()
        .stdout("")
        .stderr(predicate::str::contains("(2 entries, 3 citations)"));
    let html = std::fs::read_to_string(&path).expect("report file");
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("March 2024"));
}

#[test]
fn the_panel_flags_azerbaijans_signature_from_2023_on() {
    let work = fixture_work();
    work.ok(&[
        "record",
        "--state",
        "AZE",
        "--instrument",
        "UNTC-IV-15",
        "--action",
        "ratification",
        "--date",
        "2009-01-28",
        "--source",
        "https://treaties.un.org/crpd",
        "--quote",
        "Azerbaijan 28 Jan 2009 ratification",
    ]);
    let csv = work.ok(&[
        "export", "panel", "--state", "AZE", "--from", "2020", "--until", "2025",
    ]);
    let expected = "\
iso3,cow_code,gw_code,state_name,instrument_id,year,signed,signature_date,consented,consent_date,consent_action,withdrawn,withdrawal_date
AZE,373,373,Azerbaijan,CETS-216,2020,0,,0,,,0,
AZE,373,373,Azerbaijan,CETS-216,2021,0,,0,,,0,
AZE,373,373,Azerbaijan,CETS-216,2022,0,,0,,,0,
AZE,373,373,Azerbaijan,CETS-216,2023,1,2023-10-30,0,,,0,
AZE,373,373,Azerbaijan,CETS-216,2024,1,2023-10-30,0,,,0,
AZE,373,373,Azerbaijan,CETS-216,2025,1,2023-10-30,0,,,0,
AZE,373,373,Azerbaijan,UNTC-IV-15,2020,0,,1,2009-01-28,ratification,0,
AZE,373,373,Azerbaijan,UNTC-IV-15,2021,0,,1,2009-01-28,ratification,0,
AZE,373,373,Azerbaijan,UNTC-IV-15,2022,0,,1,2009-01-28,ratification,0,
AZE,373,373,Azerbaijan,UNTC-IV-15,2023,0,,1,2009-01-28,ratification,0,
AZE,373,373,Azerbaijan,UNTC-IV-15,2024,0,,1,2009-01-28,ratification,0,
AZE,373,373,Azerbaijan,UNTC-IV-15,2025,0,,1,2009-01-28,ratification,0,
";
    assert_eq!(
        csv, expected,
        "the domestic ratification of March 2024 is not consent"
    );
    work.cmd()
        .args(["export", "panel", "--from", "2025", "--until", "2020"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "--from 2025 is after --until 2020",
        ));
}

#[test]
fn export_events_gives_one_csv_row_per_citation_and_one_json_line_per_event() {
    let work = fixture_work();
    let csv = work.ok(&["export", "events"]);
    assert!(!csv.starts_with('\u{feff}') && !csv.contains('\r'));
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("entry,event_id,state,state_name,instrument_id,instrument_title,action,stage,date,precision,citation,citation_id,source_id,source_kind,publisher,source_title,published,url,note,quote,highlighted,extractor,confidence,date_basis")
    );
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    assert_eq!(reader.records().count(), 6);
    let ndjson = work.ok(&["export", "events", "--format", "ndjson"]);
    let events: Vec<serde_json::Value> = ndjson
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect();
    assert_eq!(events.len(), 5);
    assert_eq!(events[0]["date"], "2014");
    assert_eq!(events[0]["precision"], "year");
}

#[test]
fn sources_list_and_show_with_the_cited_span_marked() {
    let work = fixture_work();
    let csv = work.ok(&["sources", "list", "--format", "csv"]);
    assert!(csv.starts_with("id,kind,published,publisher,title,url,citations\n"));
    assert!(csv.contains("\n1,article,2023-10-31,Azernews,Azerbaijan signs Council of Europe convention on organ trafficking,https://www.azernews.az/nation/216532.html,1\n"));
    assert_eq!(csv.lines().count(), 6);

    let shown = work.ok(&["sources", "show", "1"]);
    assert!(shown.contains(&format!(
        "Strasbourg on Monday, 30 October 2023. [[{SEED_001}]] The convention"
    )));
    assert!(shown.contains("AZE signature (international) CETS-216 2023-10-30 (event "));
    let shown = work.ok(&["sources", "show", "3"]);
    assert_eq!(shown.matches("[[").count(), 2);
    assert!(shown.contains("Convention on Regional Fisheries Cooperation"));

    let json = work.json(&["sources", "show", "1", "--format", "json"]);
    let text = json["text"].as_str().expect("text");
    let c = &json["citations"][0];
    let (a, b) = (
        c["span"]["start"].as_u64().expect("start") as usize,
        c["span"]["end"].as_u64().expect("end") as usize,
    );
    assert_eq!(&text[a..b], SEED_001);

    work.cmd()
        .args(["sources", "show", "99"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("no source with id 99"));
}
