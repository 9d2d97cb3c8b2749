//! The extractor over the labelled development set (`tests/fixtures/dev/`, `gold.jsonl`):
//! precision at least 0.97 and recall at least 0.90, the report printed when it falls short.
//! To look at one document while working on the rules: `treaty-ledger eval
//! tests/fixtures/dev tests/fixtures/dev/gold.jsonl` names each document's misses and false
//! claims, and `treaty-ledger ingest --dry-run FILE` prints the claims of any file.

use std::collections::HashMap;
use std::path::Path;

use treaty_ledger::document::{read_html, read_text};
use treaty_ledger::eval::{read_gold, score, EvalReport};
use treaty_ledger::extract::extract;
use treaty_ledger::gazetteer::Gazetteer;
use treaty_ledger::model::Document;
use treaty_ledger::reference::{shipped_instruments, shipped_states};

const MIN_PRECISION: f64 = 0.97;
const MIN_RECALL: f64 = 0.90;

fn read_doc(path: &Path, published: Option<&str>) -> Document {
    let origin = path.display().to_string();
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{origin}: {e}"));
    let read = if path.extension().is_some_and(|e| e == "html" || e == "htm") {
        read_html(&origin, &text)
    } else {
        read_text(&origin, &text)
    };
    let mut doc = read.unwrap_or_else(|p| panic!("{p}"));
    if doc.published.is_none() {
        doc.published = published.and_then(|p| p.parse().ok());
    }
    doc
}

fn dev_report() -> Option<EvalReport> {
    let dir = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/dev"));
    let gold_path = dir.join("gold.jsonl");
    if !gold_path.exists() {
        eprintln!(
            "note: {} is absent; dev-set test skipped",
            gold_path.display()
        );
        return None;
    }
    let gold = read_gold(&gold_path).unwrap_or_else(|e| panic!("{e}"));
    let gazetteer = Gazetteer::from_reference(
        &shipped_states().expect("shipped states"),
        &shipped_instruments().expect("shipped instruments"),
    );
    let predicted: HashMap<String, Vec<_>> = gold
        .iter()
        .map(|g| {
            let doc = read_doc(&dir.join(&g.doc), g.published.as_deref());
            (g.doc.clone(), extract(&doc, &gazetteer).claims)
        })
        .collect();
    Some(score(&gold, &predicted))
}

#[test]
fn dev_set_precision_and_recall() {
    let Some(report) = dev_report() else { return };
    if std::env::var_os("DEV_REPORT").is_some() {
        println!("{}", report.render_text());
    }
    assert!(
        report.precision() >= MIN_PRECISION && report.recall() >= MIN_RECALL,
        "dev set below precision {MIN_PRECISION} / recall {MIN_RECALL}:\n{}",
        report.render_text()
    );
}
