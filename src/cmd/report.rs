//! `report`: a citation report over a selection (or the whole ledger) in Markdown, HTML,
//! CSV or JSON, to stdout or a file. Same ledger, same bytes (unless `--timestamp`).

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use treaty_ledger::report::{Report, ReportFormat};

use super::list::Selection;
use super::Ctx;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub selection: Selection,
    #[arg(long, value_enum, default_value = "markdown")]
    pub format: ReportFormat,
    /// Write the report to this file instead of stdout
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Say when the report was made (UTC; $SOURCE_DATE_EPOCH when set). Without it, the
    /// same ledger always gives the same bytes.
    #[arg(long)]
    pub timestamp: bool,
}

/// Where data goes: a file (created or truncated) or stdout.
pub fn open_output(path: Option<&Path>) -> Result<Box<dyn Write>> {
    match path {
        Some(path) if path.as_os_str() != "-" => {
            let file = File::create(path)
                .map_err(|e| treaty_ledger::Error::io(path, e))
                .context("cannot write output")?;
            Ok(Box::new(io::BufWriter::new(file)))
        }
        _ => Ok(Box::new(super::stdout())),
    }
}

/// Now (or `$SOURCE_DATE_EPOCH`, for reproducible builds of a report) in UTC.
fn timestamp() -> String {
    let epoch = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(|s| chrono::DateTime::from_timestamp(s, 0));
    epoch
        .unwrap_or_else(chrono::Utc::now)
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

pub fn run(args: Args, ctx: &Ctx) -> Result<()> {
    let ledger = ctx.reading_ledger()?;
    let filter = args.selection.filter(&ledger)?;
    let report = Report::build(&ledger, &filter, args.timestamp.then(timestamp))?;
    if report.entries.is_empty() {
        ctx.say("no entries match");
    }
    let text = report.render(args.format)?;
    let mut out = open_output(args.output.as_deref())?;
    out.write_all(text.as_bytes())?;
    super::finish(out)?;
    if let Some(path) = &args.output {
        ctx.say(format!(
            "wrote {} ({} entries, {} citations)",
            path.display(),
            report.summary.entries,
            report.summary.citations
        ));
    }
    Ok(())
}
