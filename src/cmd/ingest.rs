//! `ingest PATH...`: read articles (text with a dateline, HTML, JSON Lines; folders walked,
//! `-` for stdin), extract treaty actions and record them with their citations.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Result;
use chrono::NaiveDate;
use indicatif::ProgressBar;
use serde::Serialize;
use treaty_ledger::document::{self, Input, Overrides};
use treaty_ledger::ledger::Ledger;
use treaty_ledger::model::{Claim, Document};
use treaty_ledger::pipeline::{self, IngestOptions, IngestSummary};
use treaty_ledger::{Error, Problem};

use super::Ctx;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Files or folders (walked recursively); `-` reads standard input
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Print the claims found instead of recording them (the ledger is not touched)
    #[arg(long)]
    pub dry_run: bool,
    /// Output of --dry-run
    #[arg(long, value_enum, default_value = "ndjson")]
    pub format: DryRunFormat,
    /// Publication date of every document (YYYY-MM-DD), replacing what they say
    #[arg(long)]
    pub published: Option<NaiveDate>,
    /// Address of the document(s)
    #[arg(long)]
    pub url: Option<String>,
    /// Publisher of the document(s)
    #[arg(long)]
    pub publisher: Option<String>,
    /// Stop at the first file that cannot be read or recorded
    #[arg(long)]
    pub strict: bool,
    /// Skip malformed records inside a file (reporting each) instead of failing the file
    #[arg(long)]
    pub keep_going: bool,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum DryRunFormat {
    Json,
    Ndjson,
}

/// A claim as `--dry-run` prints it: which document it comes from, then the claim.
#[derive(Serialize)]
struct FoundClaim<'a> {
    document: &'a str,
    #[serde(flatten)]
    claim: &'a Claim,
}

fn progress_bar(inputs: &[Input], quiet: bool) -> ProgressBar {
    let total: u64 = inputs
        .iter()
        .filter_map(|i| match i {
            Input::File(p) => std::fs::metadata(p).ok().map(|m| m.len()),
            Input::Stdin => None,
        })
        .sum();
    super::byte_progress(Some(total), quiet)
}

pub fn run(args: Args, ctx: &Ctx) -> Result<()> {
    let inputs = document::walk(&args.paths)?;
    let overrides = Overrides {
        published: args.published,
        url: args.url.clone(),
        publisher: args.publisher.clone(),
    };
    if args.dry_run {
        return dry_run(&args, ctx, &inputs, &overrides);
    }
    let mut ledger = ctx.ledger()?;
    let gazetteer = ledger.gazetteer()?;
    let options = IngestOptions {
        keep_going: args.keep_going,
    };
    let bar = progress_bar(&inputs, ctx.quiet);
    let mut total = IngestSummary::default();
    let mut failed: Vec<String> = Vec::new();
    for input in &inputs {
        let origin = input.origin();
        bar.set_message(origin.clone());
        let mut skipped = Vec::new();
        let outcome = document::read_input(input, None, &overrides)
            .map_err(Error::invalid)
            .and_then(|documents| {
                pipeline::ingest_file(
                    &mut ledger,
                    &gazetteer,
                    documents,
                    options,
                    &mut skipped,
                    |d| bar.inc(d.text.len() as u64),
                )
            });
        for problem in &skipped {
            bar.suspend(|| ctx.say(format!("skipped: {problem}")));
        }
        match outcome {
            Ok(summary) => total.add(&summary),
            Err(e) => {
                total.files += 1;
                total.files_failed += 1;
                let message = match &e {
                    Error::Invalid(problems) => problems
                        .iter()
                        .map(Problem::to_string)
                        .collect::<Vec<_>>()
                        .join("\n"),
                    other => format!("{origin}: {other}"),
                };
                bar.suspend(|| eprintln!("error: {message} (nothing of this file was recorded)"));
                failed.push(origin);
                if args.strict || e.exit_code() == 2 {
                    bar.finish_and_clear();
                    return Err(e.into());
                }
            }
        }
    }
    bar.finish_and_clear();
    ctx.say(format!(
        "{} file{} ({} failed), {} document{} read: {} new, {} already known{}; {} claim{}, {} event{} created, {} corroborated",
        total.files,
        plural(total.files),
        total.files_failed,
        total.documents_read,
        plural(total.documents_read),
        total.documents_new,
        total.documents_known,
        if total.records_skipped > 0 {
            format!(", {} malformed record(s) skipped", total.records_skipped)
        } else {
            String::new()
        },
        total.claims,
        plural(total.claims),
        total.events_created,
        plural(total.events_created),
        total.events_corroborated,
    ));
    if failed.is_empty() {
        Ok(())
    } else {
        Err(Error::Usage(format!(
            "{} file(s) could not be ingested: {}",
            failed.len(),
            failed.join(", ")
        ))
        .into())
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// `--dry-run`: extract and print, never write. Uses the ledger's names when the ledger
/// exists, else the shipped ones.
fn dry_run(args: &Args, ctx: &Ctx, inputs: &[Input], overrides: &Overrides) -> Result<()> {
    let ledger = if ctx.db.exists() {
        ctx.ledger()?
    } else {
        Ledger::open_in_memory_with(false)?
    };
    let gazetteer = ledger.gazetteer()?;
    let mut out = super::stdout();
    let (mut documents, mut claims, mut failed) = (0, 0, 0);
    let json = matches!(args.format, DryRunFormat::Json);
    if json {
        out.write_all(b"[")?;
    }
    // Streamed a chunk of documents at a time, extracted in parallel, printed in order.
    let mut print = |chunk: Vec<Document>, out: &mut dyn Write| -> Result<()> {
        documents += chunk.len();
        for (d, e) in pipeline::extract_all(&gazetteer, chunk) {
            for claim in &e.claims {
                let found = FoundClaim {
                    document: &d.origin,
                    claim,
                };
                if json {
                    out.write_all(if claims == 0 { b"\n" } else { b",\n" })?;
                    serde_json::to_writer_pretty(&mut *out, &found)?;
                } else {
                    serde_json::to_writer(&mut *out, &found)?;
                    out.write_all(b"\n")?;
                }
                claims += 1;
            }
        }
        Ok(())
    };
    for input in inputs {
        match document::read_input(input, None, overrides) {
            Ok(docs) => {
                let mut chunk = Vec::new();
                for d in docs {
                    match d {
                        Ok(d) => chunk.push(d),
                        Err(p) => {
                            failed += 1;
                            eprintln!("error: {p}");
                        }
                    }
                    if chunk.len() == pipeline::CHUNK {
                        print(std::mem::take(&mut chunk), &mut out)?;
                    }
                }
                print(chunk, &mut out)?;
            }
            Err(p) => {
                failed += 1;
                eprintln!("error: {p}");
            }
        }
    }
    if json {
        out.write_all(b"\n]\n")?;
    }
    super::finish(out)?;
    ctx.say(format!(
        "{documents} document(s), {claims} claim(s) (dry run: nothing recorded)"
    ));
    if failed > 0 {
        return Err(Error::Usage(format!("{failed} input(s) could not be read")).into());
    }
    Ok(())
}
