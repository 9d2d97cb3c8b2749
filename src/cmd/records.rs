//! `records import`: official status tables (a depositary's chart as CSV) into the ledger,
//! each act an event cited by its table row.

use std::path::PathBuf;

use anyhow::Result;
use treaty_ledger::import::records::{Layout, RecordReader};
use treaty_ledger::model::LedgerDate;

use super::Ctx;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Import a status table from a CSV file (`-` for stdin). `untc`: the UN Treaty
    /// Collection participants tables (data/untc_*_participants.csv); `generic`:
    /// state,instrument,action,date[,source_url,source_title,as_of]
    Import {
        file: PathBuf,
        #[arg(long, value_enum)]
        layout: Layout,
        /// The table's status date (YYYY-MM-DD); for untc files with snapshot_commit_date
        /// it defaults to the latest one
        #[arg(long)]
        as_of: Option<LedgerDate>,
        /// Leave out rows whose participant names no known state, instead of failing
        #[arg(long)]
        skip_unknown: bool,
    },
}

pub fn run(command: Command, ctx: &Ctx) -> Result<()> {
    match command {
        Command::Import {
            file,
            layout,
            as_of,
            skip_unknown,
        } => {
            let (label, input, bar) = super::open_input(&file, ctx)?;
            let reader = RecordReader::open(input, &label, layout, as_of)?;
            let mut ledger = ctx.ledger()?;
            let mut import =
                ledger.import_records(&label, reader.header(), layout, skip_unknown)?;
            let table = reader.read(|row| import.add(row));
            let as_of = table.as_ref().ok().and_then(|t| t.as_of);
            // The rows are read; each table's are written now, then the indexes built.
            super::still_working(&bar, "writing the tables");
            let counts = import.finish(table);
            bar.finish_and_clear();
            let counts = counts?;
            let as_at = as_of.map_or(String::new(), |d| format!(" (status as at {d})"));
            println!(
                "{label}{as_at}: {} records, {} new events, {} already present, {} sources added \
                 ({} already stored)",
                counts.records,
                counts.new_events,
                counts.already_present,
                counts.sources,
                counts.sources_present
            );
            if counts.unknown_skipped > 0 {
                println!(
                    "skipped {} rows of unknown participants (--skip-unknown)",
                    counts.unknown_skipped
                );
            }
            for (why, n) in &counts.skipped {
                println!("skipped {n}: {why}");
            }
            Ok(())
        }
    }
}
