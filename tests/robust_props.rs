//! Property tests of the document readers and the extractor: whatever the input, nothing
//! panics, every claim cites a span of its own document exactly, dates are real and
//! print-parse round-trip, and extraction is deterministic.
//!
//! Case counts: each property runs its own default (a few thousand cases in all, well
//! under 30 s in a debug build). `ROBUST_CASES=N` runs every property N times instead (the
//! long run on demand, e.g. `ROBUST_CASES=20000 cargo test --release --test robust_props`);
//! without it, `PROPTEST_CASES=N` is honoured the same way.

use std::collections::HashSet;
use std::io::Cursor;
use std::sync::OnceLock;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use treaty_ledger::document::{check_text, read_html, read_jsonl, read_text};
use treaty_ledger::extract::extract;
use treaty_ledger::gazetteer::Gazetteer;
use treaty_ledger::model::MONTH_NAMES as MONTHS;
use treaty_ledger::model::{Document, Extraction, LedgerDate};
use treaty_ledger::reference::{shipped_instruments, shipped_states};

/// The shipped reference data and its gazetteer, built once for every case.
struct Reference {
    gazetteer: Gazetteer,
    state_codes: HashSet<String>,
    instrument_ids: HashSet<String>,
    state_names: Vec<String>,
    instrument_names: Vec<String>,
}

fn reference() -> &'static Reference {
    static REFERENCE: OnceLock<Reference> = OnceLock::new();
    REFERENCE.get_or_init(|| {
        let states = shipped_states().expect("shipped states");
        let instruments = shipped_instruments().expect("shipped instruments");
        let gazetteer = Gazetteer::from_reference(&states, &instruments);
        let mut state_names: Vec<String> = states
            .iter()
            .flat_map(|s| std::iter::once(s.name.clone()).chain(s.aliases.iter().cloned()))
            .collect();
        state_names.sort();
        state_names.dedup();
        let mut instrument_names: Vec<String> = instruments
            .iter()
            .flat_map(|i| i.names().map(str::to_string).collect::<Vec<_>>())
            .collect();
        instrument_names.sort();
        instrument_names.dedup();
        Reference {
            gazetteer,
            state_codes: states.iter().map(|s| s.iso3.clone()).collect(),
            instrument_ids: instruments.iter().map(|i| i.id.clone()).collect(),
            state_names,
            instrument_names,
        }
    })
}

/// Cases for one property: `ROBUST_CASES`, else `PROPTEST_CASES`, else `default`.
fn cases(default: u32) -> u32 {
    ["ROBUST_CASES", "PROPTEST_CASES"]
        .iter()
        .find_map(|v| std::env::var(v).ok()?.trim().parse().ok())
        .unwrap_or(default)
}

fn config(default: u32) -> Config {
    Config {
        cases: cases(default),
        // Shrinking a failure in the extractor can take long; a failing case is printed
        // whole anyway.
        max_shrink_iters: 2_000,
        ..Config::default()
    }
}

fn document(text: &str) -> Document {
    Document {
        origin: "prop".to_string(),
        format: "text".to_string(),
        text: text.to_string(),
        ..Document::default()
    }
}

/// Every invariant an extraction of `doc` must keep; returns it for further checks.
fn check_extraction(doc: &Document) -> Result<Extraction, TestCaseError> {
    let reference = reference();
    let text = doc.text.as_str();
    let found = extract(doc, &reference.gazetteer);
    for c in &found.claims {
        let span = c.span;
        prop_assert!(
            span.start <= span.end && span.end <= text.len(),
            "span {span:?} outside a {}-byte text: {c:?}",
            text.len()
        );
        prop_assert!(
            text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
            "span {span:?} not on char boundaries: {c:?}"
        );
        prop_assert_eq!(
            &text[span.start..span.end],
            c.quote.as_str(),
            "quote is the text at the span"
        );
        for h in &c.highlights {
            prop_assert!(
                span.start <= h.start && h.start <= h.end && h.end <= span.end,
                "highlight {h:?} outside the span {span:?}: {c:?}"
            );
            prop_assert!(
                text.is_char_boundary(h.start) && text.is_char_boundary(h.end),
                "highlight {h:?} not on char boundaries"
            );
        }
        let shown = c.date.to_string();
        prop_assert_eq!(
            LedgerDate::parse_iso(&shown).ok(),
            Some(c.date),
            "date {:?} shown as '{}' does not read back",
            c.date,
            shown
        );
        if let Some(month) = c.date.month {
            prop_assert!((1..=12).contains(&month), "month {month}");
        }
        if c.date.day.is_some() {
            prop_assert!(c.date.as_naive().is_some(), "no such day: {:?}", c.date);
        }
        prop_assert!(
            (0.0..=1.0).contains(&c.confidence),
            "confidence {}",
            c.confidence
        );
        prop_assert!(
            reference.state_codes.contains(&c.state),
            "unknown state code {}",
            c.state
        );
        prop_assert!(
            reference.instrument_ids.contains(&c.instrument),
            "unknown instrument id {}",
            c.instrument
        );
        prop_assert!(!c.extractor.is_empty());
    }
    for m in &found.unresolved {
        prop_assert!(
            m.span.start <= m.span.end && m.span.end <= text.len(),
            "unresolved mention {m:?} outside the text"
        );
        prop_assert!(
            text.is_char_boundary(m.span.start) && text.is_char_boundary(m.span.end),
            "unresolved mention {m:?} not on char boundaries"
        );
    }
    let again = extract(doc, &reference.gazetteer);
    prop_assert_eq!(&found, &again, "extraction is deterministic");
    Ok(found)
}

/// Reads `bytes` every way a file can be read, and extracts from each document read.
fn read_every_way(bytes: &[u8]) -> Result<(), TestCaseError> {
    if let Ok(text) = check_text("prop.txt", bytes) {
        prop_assert!(!text.starts_with('\u{feff}'), "check_text drops the BOM");
        if let Ok(doc) = read_text("prop.txt", text) {
            prop_assert!(doc.text.len() <= text.len());
            check_extraction(&doc)?;
        }
        if let Ok(doc) = read_html("prop.html", text) {
            check_extraction(&doc)?;
        }
    }
    for doc in read_jsonl("prop.jsonl", Cursor::new(bytes.to_vec())).flatten() {
        check_extraction(&doc)?;
    }
    Ok(())
}

/// Text with the characters that trip up byte offsets and sentence splitters.
fn tricky_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => any::<char>(),
        2 => prop::sample::select(vec![
            '.', '!', '?', ';', ':', ',', '"', '\'', '(', ')', '\n', '\r', '\t', ' ',
            '\u{a0}', '\u{200b}', '\u{feff}', '\u{2028}', '\u{202e}', 'é', 'ş', 'ı', 'İ',
            'ß', 'ﬁ', 'Ω', '\u{301}', '\u{308}', '’', '“', '”', '–', '—', '…', '٫', '।', '。',
            '😀', '🇳', '🇴', '０', '٣', '<', '>', '&', '{', '}', '[', ']', '\\', '\0',
        ]),
        4 => prop::char::range('a', 'z'),
        1 => prop::char::range('0', '9'),
    ]
}

fn tricky_text(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(tricky_char(), 0..max).prop_map(|c| c.into_iter().collect())
}

/// A date as news writes it, possibly impossible ("30 February 2023", "31/04/2021").
fn news_date() -> impl Strategy<Value = String> {
    let day = 0u32..33;
    let month = 0usize..13;
    let year = prop_oneof![
        1940i32..2031,
        Just(0),
        Just(999),
        Just(10_000),
        Just(99_999)
    ];
    (day, month, year, 0u8..12).prop_map(|(d, m, y, form)| {
        let name = MONTHS.get(m).copied().unwrap_or("Smarch");
        match form {
            0 => format!("on {d} {name} {y}"),
            1 => format!("on {name} {d}, {y}"),
            2 => format!("in {name} {y}"),
            3 => format!("in {y}"),
            4 => format!("on {y}-{:02}-{d:02}", m + 1),
            5 => format!("on {d:02}.{:02}.{y}", m + 1),
            6 => format!("on {d}/{}/{y}", m + 1),
            7 => "on Tuesday".to_string(),
            8 => "yesterday".to_string(),
            9 => "last week".to_string(),
            10 => format!("earlier this year, on {d} {name}"),
            _ => format!("{} years ago", d),
        }
    })
}

const VERBS: &[&str] = &[
    "signed",
    "ratified",
    "has ratified",
    "acceded to",
    "accepted",
    "approved",
    "withdrew from",
    "denounced",
    "deposited its instrument of ratification of",
    "deposited the instrument of accession to",
    "became a party to",
    "joined",
    "did not sign",
    "refused to ratify",
    "plans to ratify",
    "has yet to sign",
];

const ACTORS: &[&str] = &[
    "{S}",
    "The government of {S}",
    "{S}'s parliament",
    "The parliament of {S}",
    "The President of {S}",
    "The country",
    "It",
    "Lawmakers in {S}",
    "The countries that",
    "{S} and {S2}",
];

const FILLER: &[&str] = &[
    "Officials welcomed the move.",
    "The ministry said more steps would follow.",
    "Mr. Smith, of the U.S. delegation, spoke at 10 a.m. in No. 5 Main St.",
    "“This is a historic day,” the minister said.",
    "The treaty enters into force on the first day of the month following.",
    "Critics said the convention goes too far.",
    "The bill passed by 120 votes to 3.",
    "",
];

/// One news-like sentence built from real state and instrument names, an action verb and
/// a date: half of them plain reports of an act, half in messier shapes.
fn news_sentence() -> impl Strategy<Value = String> {
    prop_oneof![plain_report(), messy_sentence()]
}

/// "Norway ratified the Paris Agreement on 13 May 2024."
fn plain_report() -> impl Strategy<Value = String> {
    let reference = reference();
    (
        prop::sample::select(reference.state_names.clone()),
        prop::sample::select(reference.instrument_names.clone()),
        prop::sample::select(&VERBS[..6]),
        1u32..29,
        0usize..12,
        1990i32..2026,
    )
        .prop_map(|(s, i, verb, d, m, y)| format!("{s} {verb} the {i} on {d} {} {y}.", MONTHS[m]))
}

fn messy_sentence() -> impl Strategy<Value = String> {
    let reference = reference();
    let state = prop::sample::select(reference.state_names.clone());
    let state2 = prop::sample::select(reference.state_names.clone());
    let instrument = prop::sample::select(reference.instrument_names.clone());
    (
        state,
        state2,
        instrument,
        prop::sample::select(ACTORS),
        prop::sample::select(VERBS),
        news_date(),
        prop::sample::select(FILLER),
        0u8..6,
    )
        .prop_map(|(s, s2, i, actor, verb, date, filler, shape)| {
            let actor = actor.replace("{S2}", &s2).replace("{S}", &s);
            match shape {
                0 => format!("{actor} {verb} the {i} {date}."),
                1 => format!("{actor} {verb} {i} {date}. {filler}"),
                2 => format!("{date}, {actor} {verb} the {i}."),
                3 => format!("{filler} {actor} {verb} the {i}"),
                4 => format!("The {i} was {verb} by {s} {date}."),
                _ => format!("{actor} {verb} the {i} {date}, {filler}"),
            }
        })
}

/// A news-like article: optional dateline header, then paragraphs of news sentences,
/// with now and then a tricky character dropped in.
fn news_article() -> impl Strategy<Value = String> {
    let header = prop_oneof![
        Just(String::new()),
        (2000i32..2030, 1u32..13, 1u32..29)
            .prop_map(|(y, m, d)| format!(" date {y}-{m:02}-{d:02} (Reuters) By Jane Doe\n\n")),
        Just("BAKU, Oct 30 (AFP) - ".to_string()),
    ];
    let paragraph = prop::collection::vec(news_sentence(), 1..4).prop_map(|s| s.join(" "));
    let noise = prop::collection::vec(tricky_char(), 0..3);
    let separator = prop::sample::select(vec!["\n\n", "\r\n\r\n", " ", "\n"]);
    (
        header,
        prop::collection::vec((paragraph, noise, separator), 1..5),
    )
        .prop_map(|(header, paragraphs)| {
            let mut text = header;
            for (p, noise, sep) in paragraphs {
                text.push_str(&p);
                text.extend(noise);
                text.push_str(sep);
            }
            text
        })
}

proptest! {
    #![proptest_config(config(800))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..1024)) {
        read_every_way(&bytes)?;
    }

    #[test]
    fn arbitrary_unicode_never_panics(text in tricky_text(600)) {
        read_every_way(text.as_bytes())?;
        check_extraction(&document(&text))?;
    }
}

proptest! {
    #![proptest_config(config(300))]

    #[test]
    fn arbitrary_html_never_panics(
        parts in prop::collection::vec(
            prop_oneof![
                prop::sample::select(vec![
                    "<p>", "</p>", "<div>", "</div>", "<b>", "</i>", "<article>", "</article>",
                    "<script>", "</script>", "<table><tr><td>", "</td>", "<br>", "<!--", "-->",
                    "<meta property=\"article:published_time\" content=\"2023-02-30\">",
                    "<time datetime=\"2024-05-14\">", "<title>", "</title>", "&amp;", "&#0;",
                    "&#x110000;", "<![CDATA[", "]]>", "<",
                ]).prop_map(str::to_string),
                tricky_text(20),
                news_sentence(),
            ],
            0..40,
        )
    ) {
        let html = parts.concat();
        if let Ok(doc) = read_html("prop.html", &html) {
            check_extraction(&doc)?;
        }
    }

    #[test]
    fn arbitrary_json_lines_never_panic(
        lines in prop::collection::vec(
            prop_oneof![
                (tricky_text(80), prop::option::of(tricky_text(12))).prop_map(|(t, p)| {
                    serde_json::json!({"text": t, "published": p, "title": "t"}).to_string()
                }),
                news_sentence().prop_map(|t| serde_json::json!({"text": t}).to_string()),
                tricky_text(40),
                Just("{\"text\": 5}".to_string()),
                Just("[]".to_string()),
            ],
            0..8,
        )
    ) {
        let bytes = lines.join("\n");
        let physical = bytes.split('\n').count().max(1);
        let mut lines_seen = 0;
        for item in read_jsonl("prop.jsonl", Cursor::new(bytes.into_bytes())) {
            match item {
                Ok(doc) => {
                    check_extraction(&doc)?;
                }
                Err(problem) => {
                    prop_assert_eq!(problem.file.as_str(), "prop.jsonl");
                }
            }
            lines_seen += 1;
            prop_assert!(lines_seen <= physical, "one item per line at most");
        }
    }
}

/// The news generator reaches the extractor's claim paths, and every claim it yields keeps
/// the invariants.
#[test]
fn news_like_text_gives_claims_that_cite_their_own_words() {
    let total = cases(1_500);
    let mut runner = TestRunner::new(config(1_500));
    let with_claims = std::cell::Cell::new(0u32);
    let claims = std::cell::Cell::new(0usize);
    let result = runner.run(&news_article(), |text| {
        let found = check_extraction(&document(&text))?;
        if let Ok(doc) = read_text("news.txt", &text) {
            check_extraction(&doc)?;
        }
        if !found.claims.is_empty() {
            with_claims.set(with_claims.get() + 1);
            claims.set(claims.get() + found.claims.len());
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    let share = f64::from(with_claims.get()) / f64::from(total.max(1));
    eprintln!(
        "{} of {total} generated articles gave claims ({} claims)",
        with_claims.get(),
        claims.get()
    );
    assert!(
        share >= 0.2,
        "the generator should exercise the claim paths: only {share:.2} of articles gave claims"
    );
}

/// Fixed examples of the shapes the generator makes: a claim is found and cites exactly.
#[test]
fn generated_shapes_are_real_claims() {
    for text in [
        "Norway ratified the Paris Agreement on 13 May 2024.",
        " date 2024-05-14 (Reuters) By Jane Doe\r\n\r\nNorway ratified the Paris Agreement on 13 May 2024.\r\n",
        "Chile signed the Escazú Agreement on 1 June 2024. Officials welcomed the move.",
        "\u{feff}😀 Armenia ratified the Rome Statute on 2 February 2023.",
    ] {
        let doc = read_text("t.txt", text).expect("reads");
        let found = check_extraction(&doc).unwrap_or_else(|e| panic!("{text:?}: {e}"));
        assert_eq!(found.claims.len(), 1, "{text:?}: {found:?}");
    }
}
