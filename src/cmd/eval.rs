//! `eval DOCS_DIR GOLD.jsonl`: measure the extractor against labelled documents.

use std::collections::HashMap;
use std::path::PathBuf;

use anyhow::{Context, Result};
use treaty_ledger::document::{self, Overrides};
use treaty_ledger::eval::{read_gold, score};
use treaty_ledger::ledger::Ledger;
use treaty_ledger::{pipeline, Error};

use super::Ctx;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The folder holding the labelled documents
    pub docs: PathBuf,
    /// The labels: one JSON line per document ({"doc", "published", "events": [...]})
    pub gold: PathBuf,
    /// Print the report as JSON instead of text
    #[arg(long)]
    pub json: bool,
    /// Exit with code 1 when precision falls below this (0 to 1)
    #[arg(long)]
    pub min_precision: Option<f64>,
    /// Exit with code 1 when recall falls below this (0 to 1)
    #[arg(long)]
    pub min_recall: Option<f64>,
}

pub fn run(args: Args, ctx: &Ctx) -> Result<()> {
    let gold = read_gold(&args.gold)?;
    // The names the ledger knows when it exists (instruments a user imported count),
    // else the shipped ones.
    let ledger = if ctx.db.exists() {
        ctx.ledger()?
    } else {
        Ledger::open_in_memory_with(false)?
    };
    let gazetteer = ledger.gazetteer()?;
    let mut documents = Vec::new();
    for g in &gold {
        let path = args.docs.join(&g.doc);
        let overrides = Overrides::default();
        let mut docs = document::read_file(&path, &overrides)
            .map_err(Error::invalid)
            .with_context(|| format!("reading {}", path.display()))?;
        let mut doc = docs
            .next()
            .transpose()
            .map_err(Error::invalid)?
            .ok_or_else(|| Error::Usage(format!("{}: no document", path.display())))?;
        if doc.published.is_none() {
            doc.published = g.published.as_deref().and_then(|p| p.parse().ok());
        }
        doc.origin = g.doc.clone();
        documents.push(doc);
    }
    let predicted: HashMap<String, Vec<_>> = pipeline::extract_all(&gazetteer, documents)
        .into_iter()
        .map(|(d, e)| (d.origin, e.claims))
        .collect();
    let report = score(&gold, &predicted);
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", report.render_text());
    }
    let below = |min: Option<f64>, got: f64| min.is_some_and(|m| got < m);
    if below(args.min_precision, report.precision()) || below(args.min_recall, report.recall()) {
        return Err(Error::Usage(format!(
            "below the required scores: precision {:.3}, recall {:.3}",
            report.precision(),
            report.recall()
        ))
        .into());
    }
    Ok(())
}
