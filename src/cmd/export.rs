//! `export panel` (a country-year panel for statistics packages) and `export events`
//! (every selected event with its citations, as CSV or NDJSON).

use std::io::Write;
use std::path::PathBuf;

use anyhow::Result;
use treaty_ledger::report::{self, panel};

use super::list::Selection;
use super::report::open_output;
use super::Ctx;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// One row per state × instrument × year (for the pairs with any entry): signed,
    /// consented and withdrawn as 0/1 as of the end of each year, with their ISO dates
    Panel {
        /// First year
        #[arg(long, value_name = "YEAR")]
        from: i32,
        /// Last year
        #[arg(long, value_name = "YEAR")]
        until: i32,
        /// Only this state (code, name, alias or demonym)
        #[arg(long, short)]
        state: Option<String>,
        /// Only this instrument (id or name)
        #[arg(long, short)]
        instrument: Option<String>,
        /// Write to this file instead of stdout
        #[arg(long, short, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Every event with its citations: CSV (one row per citation) or NDJSON (one event a line)
    Events {
        #[command(flatten)]
        selection: Selection,
        #[arg(long, value_enum, default_value = "csv")]
        format: EventsFormat,
        /// Write to this file instead of stdout
        #[arg(long, short, value_name = "FILE")]
        output: Option<PathBuf>,
    },
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum EventsFormat {
    Csv,
    Ndjson,
}

pub fn run(command: Command, ctx: &Ctx) -> Result<()> {
    let ledger = ctx.reading_ledger()?;
    match command {
        Command::Panel {
            from,
            until,
            state,
            instrument,
            output,
        } => {
            let state = match state {
                Some(s) => Some(ledger.resolve_state(&s)?.iso3),
                None => None,
            };
            let instrument = match instrument {
                Some(i) => Some(ledger.resolve_instrument(&i)?.id),
                None => None,
            };
            let rows = panel::build(&ledger, state, instrument, from, until)?;
            if rows.is_empty() {
                ctx.say("no entries match: the panel has no rows");
            }
            let mut out = open_output(output.as_deref())?;
            panel::write_csv(&mut out, &rows)?;
            super::finish(out)
        }
        Command::Events {
            selection,
            format,
            output,
        } => {
            let filter = selection.filter(&ledger)?;
            let entries = report::report_entries(&ledger, ledger.events(&filter)?)?;
            let mut out = open_output(output.as_deref())?;
            match format {
                EventsFormat::Csv => report::csv::write(&mut out, &entries)?,
                EventsFormat::Ndjson => {
                    for e in &entries {
                        serde_json::to_writer(&mut out, e)?;
                        out.write_all(b"\n")?;
                    }
                }
            }
            super::finish(out)
        }
    }
}
