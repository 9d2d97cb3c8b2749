//! `instruments list|show|import|unknown`.

use std::path::PathBuf;

use anyhow::Result;
use serde::Serialize;
use treaty_ledger::import::for_each_instrument;
use treaty_ledger::ledger::UnresolvedCount;
use treaty_ledger::model::Instrument;
use treaty_ledger::output::{self, Format, Row};

use super::Ctx;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Instruments by id; --search keeps those whose id or names contain every word
    List {
        #[arg(long)]
        search: Option<String>,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
    /// One instrument with its names and dates (ID: id or name)
    Show {
        id: String,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
    /// Import instruments from a CSV file (`-` for stdin): id,title required; short_title,
    /// aliases (|-separated), depositary, adopted, opened, in_force, url optional
    Import {
        file: PathBuf,
        /// Update instruments whose id is already in the ledger
        #[arg(long)]
        upsert: bool,
        /// Skip unknown columns instead of failing
        #[arg(long)]
        ignore_extra: bool,
    },
    /// Treaty-like titles found in articles that name no instrument in the ledger, most
    /// frequent first: candidates to add with `instruments import`
    Unknown {
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
}

#[derive(Serialize)]
#[serde(transparent)]
struct Mention(UnresolvedCount);

impl Row for Mention {
    fn headers() -> &'static [&'static str] {
        &["mentions", "sources", "text", "source_ids"]
    }
    fn cells(&self) -> Vec<String> {
        let m = &self.0;
        vec![
            m.count.to_string(),
            m.sources.len().to_string(),
            m.text.clone(),
            m.sources
                .iter()
                .map(|s| s.id.to_string())
                .collect::<Vec<_>>()
                .join(" "),
        ]
    }
}

#[derive(Serialize)]
#[serde(transparent)]
struct Line(Instrument);

impl Row for Line {
    fn headers() -> &'static [&'static str] {
        &["id", "title", "short_title", "opened", "in_force"]
    }
    fn cells(&self) -> Vec<String> {
        let i = &self.0;
        vec![
            i.id.clone(),
            i.title.clone(),
            i.short_title.clone().unwrap_or_default(),
            i.opened.clone().unwrap_or_default(),
            i.in_force.clone().unwrap_or_default(),
        ]
    }
}

pub fn run(command: Command, ctx: &Ctx) -> Result<()> {
    match command {
        Command::List { search, format } => {
            let ledger = ctx.ledger()?;
            let rows: Vec<Line> = ledger
                .instruments(search.as_deref())?
                .into_iter()
                .map(Line)
                .collect();
            let mut out = super::stdout();
            output::write_rows(&mut out, format, &rows)?;
            super::finish(out)
        }
        Command::Unknown { format } => {
            let ledger = ctx.ledger()?;
            let mut mentions: Vec<Mention> = ledger
                .unresolved_mentions(None)?
                .into_iter()
                .map(Mention)
                .collect();
            mentions.sort_by(|a, b| {
                b.0.count
                    .cmp(&a.0.count)
                    .then_with(|| a.0.text.cmp(&b.0.text))
            });
            let mut out = super::stdout();
            output::write_rows(&mut out, format, &mentions)?;
            super::finish(out)
        }
        Command::Show { id, format } => {
            let ledger = ctx.ledger()?;
            let instrument = ledger.resolve_instrument(&id)?;
            let mut out = super::stdout();
            output::write_record(&mut out, format, &instrument)?;
            super::finish(out)
        }
        Command::Import {
            file,
            upsert,
            ignore_extra,
        } => {
            let (label, input, bar) = super::open_input(&file, ctx)?;
            let mut ledger = ctx.ledger()?;
            let mut import = ledger.import_instruments(&label, upsert)?;
            let read = for_each_instrument(input, &label, ignore_extra, |row| {
                import.add(row.line, &row.value)
            });
            super::still_working(&bar, "committing");
            let counts = import.finish(read);
            bar.finish_and_clear();
            let counts = counts?;
            println!(
                "{label}: {} inserted, {} updated, {} unchanged",
                counts.inserted, counts.updated, counts.unchanged
            );
            Ok(())
        }
    }
}
