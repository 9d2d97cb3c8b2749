//! One file per subcommand: its arguments and a thin `run` over the library.

pub mod eval;
pub mod export;
pub mod ingest;
pub mod init;
pub mod instruments;
pub mod list;
pub mod reconcile;
pub mod record;
pub mod records;
pub mod reextract;
pub mod report;
pub mod sources;
pub mod states;

use std::fs::File;
use std::io::{self, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressFinish, ProgressStyle};
use treaty_ledger::ledger::{Ledger, DB_ENV, DEFAULT_DB};

use crate::cli::{Cli, Command};

/// What every command shares: where the ledger is, whether to talk on stderr.
pub struct Ctx {
    pub db: PathBuf,
    pub quiet: bool,
}

impl Ctx {
    /// Opens (creating or migrating) the ledger.
    pub fn ledger(&self) -> Result<Ledger> {
        self.ledger_with(true)
    }

    /// Opens the ledger; a new one gets the shipped UN status tables only if
    /// `shipped_records`. An error names the ledger's path once: an error of the ledger
    /// file itself names it already.
    pub fn ledger_with(&self, shipped_records: bool) -> Result<Ledger> {
        Ledger::open_with(&self.db, shipped_records).map_err(|e| match e {
            treaty_ledger::Error::Ledger { .. } => e.into(),
            other => {
                anyhow::Error::new(other).context(format!("opening ledger {}", self.db.display()))
            }
        })
    }

    /// Opens the ledger for a command that only reads it ([`Ledger::begin_reading`]).
    pub fn reading_ledger(&self) -> Result<Ledger> {
        let ledger = self.ledger()?;
        ledger
            .begin_reading()
            .with_context(|| format!("opening ledger {} for reading", self.db.display()))?;
        Ok(ledger)
    }

    /// A message for the person at the terminal (stderr), unless --quiet.
    pub fn say(&self, message: impl std::fmt::Display) {
        if !self.quiet {
            eprintln!("{message}");
        }
    }
}

/// A progress bar on stderr over `total` bytes (a spinner and a count when the size is not
/// known), shown only when stderr is a terminal and the command is not `--quiet`.
pub fn byte_progress(total: Option<u64>, quiet: bool) -> ProgressBar {
    if quiet || !io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let (bar, template) = match total {
        Some(total) => (
            ProgressBar::new(total),
            "{spinner} {bytes}/{total_bytes} {bar:30} {binary_bytes_per_sec} {msg}",
        ),
        None => (
            ProgressBar::new_spinner(),
            "{spinner} {bytes} {binary_bytes_per_sec} {msg}",
        ),
    };
    bar.set_style(bar_style(template));
    // Cleared however it ends, so that an error is not printed after a half-drawn bar.
    bar.with_finish(ProgressFinish::AndClear)
}

/// An input file of an import (`-`: stdin), named as its errors name it, read through a
/// progress bar over its bytes ([`byte_progress`]).
pub fn open_input(path: &Path, ctx: &Ctx) -> Result<(String, Box<dyn Read + Send>, ProgressBar)> {
    if path.as_os_str() == "-" {
        let bar = byte_progress(None, ctx.quiet);
        let input = Box::new(bar.wrap_read(io::stdin()));
        Ok(("<stdin>".to_string(), input, bar))
    } else {
        let file = File::open(path)
            .map_err(|e| treaty_ledger::Error::io(path, e))
            .with_context(|| "cannot read input")?;
        let size = file.metadata().ok().map(|m| m.len());
        let bar = byte_progress(size, ctx.quiet);
        let input = Box::new(bar.wrap_read(file));
        Ok((path.display().to_string(), input, bar))
    }
}

/// Shows that work goes on after the input is read (writing what was read): the bar's
/// spinner keeps turning with `message` beside it.
pub fn still_working(bar: &ProgressBar, message: &'static str) {
    if !bar.is_hidden() {
        bar.set_style(bar_style("{spinner} {bytes} read; {msg} ({elapsed})"));
        bar.set_message(message);
        bar.enable_steady_tick(Duration::from_millis(100));
    }
}

/// The style of `template` (the default bar, should the template not parse).
fn bar_style(template: &str) -> ProgressStyle {
    ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_bar())
}

/// Data goes to stdout, buffered.
pub fn stdout() -> io::BufWriter<io::StdoutLock<'static>> {
    io::BufWriter::new(io::stdout().lock())
}

/// Flushes a data writer, so that a write error is reported rather than lost.
pub fn finish(mut out: impl Write) -> Result<()> {
    out.flush()?;
    Ok(())
}

pub fn run(cli: Cli) -> Result<()> {
    let db = cli
        .db
        .or_else(|| {
            std::env::var_os(DB_ENV)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        })
        .unwrap_or_else(|| PathBuf::from(DEFAULT_DB));
    let ctx = Ctx {
        db,
        quiet: cli.quiet,
    };
    match cli.command {
        Command::Init(args) => init::run(args, &ctx),
        Command::Eval(args) => eval::run(args, &ctx),
        Command::Ingest(args) => ingest::run(args, &ctx),
        Command::List(args) => list::run(args, &ctx),
        Command::Record(args) => record::run(args, &ctx),
        Command::Reextract(args) => reextract::run(args, &ctx),
        Command::Records(command) => records::run(command, &ctx),
        Command::Reconcile(args) => reconcile::run(args, &ctx),
        Command::States(command) => states::run(command, &ctx),
        Command::Instruments(command) => instruments::run(command, &ctx),
        Command::Report(args) => report::run(args, &ctx),
        Command::Sources(command) => sources::run(command, &ctx),
        Command::Export(command) => export::run(command, &ctx),
    }
}
