//! `init`: create the ledger with the shipped reference data, and say what it holds.

use anyhow::Result;
use treaty_ledger::output::{self, Format};

use super::Ctx;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Create the ledger without the shipped UN status tables as official records
    /// (a news-only ledger); has no effect on a ledger that exists
    #[arg(long)]
    pub no_records: bool,
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
}

pub fn run(args: Args, ctx: &Ctx) -> Result<()> {
    let existed = ctx.db.exists();
    let ledger = ctx.ledger_with(!args.no_records)?;
    if existed && args.no_records {
        ctx.say("note: --no-records only applies when the ledger is created; it exists already");
    }
    ctx.say(if existed {
        format!("ledger {} is ready", ctx.db.display())
    } else {
        format!("created ledger {}", ctx.db.display())
    });
    let mut out = super::stdout();
    output::write_record(&mut out, args.format, &ledger.summary()?)?;
    super::finish(out)
}
