//! `record`: enter an event by hand with its citation, as a researcher records what they
//! read on a treaty-office page.

use anyhow::Result;
use treaty_ledger::ledger::ManualEntry;
use treaty_ledger::model::{Action, LedgerDate, Stage};

use super::Ctx;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The state: ISO code, name, alias or demonym
    #[arg(long)]
    pub state: String,
    /// The instrument: id or name
    #[arg(long)]
    pub instrument: String,
    /// signature, ratification, accession, acceptance, approval, succession,
    /// definitive_signature, entry_into_force or withdrawal
    #[arg(long)]
    pub action: Action,
    /// domestic or international
    #[arg(long, default_value = "international")]
    pub stage: Stage,
    /// The date of the act (YYYY, YYYY-MM or YYYY-MM-DD)
    #[arg(long)]
    pub date: LedgerDate,
    /// The address of the page the citation comes from
    #[arg(long)]
    pub source: String,
    /// The exact words of the source that say so
    #[arg(long)]
    pub quote: String,
    /// The source's title
    #[arg(long)]
    pub title: Option<String>,
    /// Who published the source
    #[arg(long)]
    pub publisher: Option<String>,
    /// When the source was published or last updated (YYYY-MM-DD)
    #[arg(long)]
    pub published: Option<LedgerDate>,
}

pub fn run(args: Args, ctx: &Ctx) -> Result<()> {
    let mut ledger = ctx.ledger()?;
    let recorded = ledger.record_manual(&ManualEntry {
        state: args.state,
        instrument: args.instrument,
        action: args.action,
        stage: args.stage,
        date: args.date,
        source_url: args.source,
        source_title: args.title,
        publisher: args.publisher,
        published: args.published.map(|d| d.to_string()),
        quote: args.quote,
    })?;
    ctx.say(if !recorded.new {
        "already recorded: nothing changed".to_string()
    } else if recorded.events_created > 0 {
        format!(
            "recorded a new entry with its citation (source {})",
            recorded.source_id
        )
    } else {
        format!(
            "added a citation to an existing entry (source {})",
            recorded.source_id
        )
    });
    Ok(())
}
