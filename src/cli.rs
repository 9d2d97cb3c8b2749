//! The command line: global flags and the subcommands (each defined in `cmd/`).

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::cmd;

#[derive(Debug, Parser)]
#[command(
    name = "treaty-ledger",
    version,
    about = "A cited ledger of which state signed, ratified, acceded to or left which treaty, and when",
    after_help = "Exit codes: 0 ok, 1 user error (bad input, unknown state...), 2 internal error."
)]
pub struct Cli {
    /// The ledger file [default: $TREATY_LEDGER_DB, else ./treaty-ledger.db]
    #[arg(long, global = true, value_name = "PATH")]
    pub db: Option<PathBuf>,

    /// No progress or summary messages on stderr
    #[arg(long, short, global = true)]
    pub quiet: bool,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create the ledger (with the shipped states and instruments) and say what it holds
    Init(cmd::init::Args),
    /// Measure the extractor against labelled documents (precision, recall, F1)
    Eval(cmd::eval::Args),
    /// Read articles, extract treaty actions and record them with their citations
    Ingest(cmd::ingest::Args),
    /// A state's ledger entries (or any selection), oldest first
    List(cmd::list::Args),
    /// Enter an event by hand with the citation it rests on
    Record(cmd::record::Args),
    /// Run the current extractor again over every stored article
    Reextract(cmd::reextract::Args),
    /// Official status tables: import a depositary's chart as records
    #[command(subcommand)]
    Records(cmd::records::Command),
    /// Check every news (and manual) entry against the official records
    Reconcile(cmd::reconcile::Args),
    /// States: list them, show one
    #[command(subcommand)]
    States(cmd::states::Command),
    /// Instruments: list, show, import from CSV, unresolved mentions
    #[command(subcommand)]
    Instruments(cmd::instruments::Command),
    /// A citation report over a selection: Markdown, HTML, CSV or JSON
    Report(cmd::report::Args),
    /// Sources: list them, show one's text with its cited spans marked
    #[command(subcommand)]
    Sources(cmd::sources::Command),
    /// Research exports: a country-year panel, every event with its citations
    #[command(subcommand)]
    Export(cmd::export::Command),
}
