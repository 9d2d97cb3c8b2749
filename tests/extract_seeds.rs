//! The two real articles of the brief: seed 001 gives exactly one claim (Azerbaijan signed
//! the organ-trafficking convention on 30 October 2023), seed 000 gives none.

use std::path::{Path, PathBuf};

use treaty_ledger::document::read_text;
use treaty_ledger::extract::{extract, EXTRACTOR};
use treaty_ledger::gazetteer::Gazetteer;
use treaty_ledger::model::{Action, DateBasis, Document, Extraction, Stage};
use treaty_ledger::reference::{shipped_instruments, shipped_states};

fn seeds_dir() -> PathBuf {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/seeds")).to_path_buf()
}

/// The seed whose file name starts with `prefix`, or None (with a note) when the shared
/// folder is absent, as in a user's clone.
fn seed(prefix: &str) -> Option<Document> {
    let dir = seeds_dir();
    let Ok(entries) = std::fs::read_dir(&dir) else {
        eprintln!("note: {} is absent; seed test skipped", dir.display());
        return None;
    };
    let path = entries.filter_map(|e| e.ok().map(|e| e.path())).find(|p| {
        p.file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with(prefix) && n.ends_with(".txt"))
    })?;
    let text = std::fs::read_to_string(&path).expect("seed is UTF-8");
    Some(read_text(&path.display().to_string(), &text).expect("seed reads"))
}

fn run(doc: &Document) -> Extraction {
    let gazetteer = Gazetteer::from_reference(
        &shipped_states().expect("shipped states"),
        &shipped_instruments().expect("shipped instruments"),
    );
    extract(doc, &gazetteer)
}

#[test]
fn seed_001_gives_azerbaijans_signature_of_cets_216() {
    let Some(doc) = seed("001_") else { return };
    assert_eq!(
        doc.published.map(|d| d.to_string()).as_deref(),
        Some("2023-10-31")
    );
    let x = run(&doc);
    assert_eq!(x.claims.len(), 1, "{:#?}", x.claims);
    let c = &x.claims[0];
    assert_eq!(c.state, "AZE");
    assert_eq!(c.instrument, "CETS-216");
    assert_eq!(c.action, Action::Signature);
    assert_eq!(c.stage, Stage::International);
    assert_eq!(c.date.to_string(), "2023-10-30");
    assert_eq!(c.date_basis, DateBasis::Stated);
    assert_eq!(
        c.quote,
        "The party signed the Council of Europe Convention against Trafficking in Human Organs."
    );
    assert_eq!(&doc.text[c.span.start..c.span.end], c.quote);
    assert_eq!(c.extractor, EXTRACTOR);
    assert!(c.confidence > 0.0 && c.confidence <= 1.0);
    let highlighted: Vec<&str> = c
        .highlights
        .iter()
        .map(|h| &doc.text[h.start..h.end])
        .collect();
    assert_eq!(
        highlighted,
        [
            "The party",
            "signed",
            "Council of Europe Convention against Trafficking in Human Organs"
        ]
    );
}

#[test]
fn seed_000_a_meeting_gives_no_claim() {
    let Some(doc) = seed("000_") else { return };
    let x = run(&doc);
    assert!(x.claims.is_empty(), "{:#?}", x.claims);
}

#[test]
fn the_shipped_gazetteer_loads_fast() {
    let states = shipped_states().expect("shipped states");
    let instruments = shipped_instruments().expect("shipped instruments");
    let start = std::time::Instant::now();
    let g = Gazetteer::from_reference(&states, &instruments);
    let took = start.elapsed();
    eprintln!(
        "gazetteer: {} states, {} instruments in {took:?}",
        g.state_count(),
        g.instrument_count()
    );
    // Generous for an unoptimised build on a busy machine; about 20 ms in release.
    assert!(took.as_millis() < 2000, "{took:?}");
}
