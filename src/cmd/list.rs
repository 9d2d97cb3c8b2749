//! `list`: a state's ledger entries (or any selection), oldest first.

use anyhow::Result;
use serde::Serialize;
use treaty_ledger::ledger::{EventEntry, EventFilter, Ledger};
use treaty_ledger::model::{Action, LedgerDate, Stage};
use treaty_ledger::output::{self, Format, Row};
use treaty_ledger::reconcile::{self, Status, Verdict};

use super::Ctx;

/// The selection flags shared by `list`, `report` and `export`.
#[derive(Debug, Clone, clap::Args)]
pub struct Selection {
    /// A state: ISO code, name, alias or demonym, any case ("AZE", "Azerbaijani")
    #[arg(long, short)]
    pub state: Option<String>,
    /// An instrument id or name ("CETS-216", "Istanbul Convention")
    #[arg(long, short)]
    pub instrument: Option<String>,
    /// Only these actions, comma-separated (signature, ratification, accession, acceptance,
    /// approval, succession, definitive_signature, entry_into_force, withdrawal)
    #[arg(long, value_delimiter = ',')]
    pub action: Vec<Action>,
    /// Only this stage
    #[arg(long, value_enum)]
    pub stage: Option<StageArg>,
    /// Entries on or after this date (YYYY, YYYY-MM or YYYY-MM-DD)
    #[arg(long)]
    pub since: Option<LedgerDate>,
    /// Entries on or before this date (YYYY, YYYY-MM or YYYY-MM-DD)
    #[arg(long)]
    pub until: Option<LedgerDate>,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum StageArg {
    Domestic,
    International,
}

impl Selection {
    /// Resolves the state and instrument names against the ledger.
    pub fn filter(&self, ledger: &Ledger) -> Result<EventFilter> {
        Ok(EventFilter {
            state: match &self.state {
                Some(s) => Some(ledger.resolve_state(s)?.iso3),
                None => None,
            },
            instrument: match &self.instrument {
                Some(i) => Some(ledger.resolve_instrument(i)?.id),
                None => None,
            },
            actions: self.action.clone(),
            stage: self.stage.map(|s| match s {
                StageArg::Domestic => Stage::Domestic,
                StageArg::International => Stage::International,
            }),
            since: self.since,
            until: self.until,
        })
    }
}

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub selection: Selection,
    /// Only entries with this status against the official records
    #[arg(long, value_enum)]
    pub status: Option<Status>,
    /// Days a news date may differ from the record's and still confirm it
    #[arg(long, default_value_t = reconcile::DEFAULT_WINDOW_DAYS)]
    pub window_days: i64,
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
}

/// One line of the listing; JSON forms carry the whole entry with its citations, its
/// status against the official records and the note that explains it.
#[derive(Serialize)]
struct Line {
    #[serde(flatten)]
    entry: EventEntry,
    status: Status,
    status_note: Option<String>,
}

impl Row for Line {
    fn headers() -> &'static [&'static str] {
        &[
            "date",
            "state",
            "action",
            "stage",
            "instrument",
            "title",
            "citations",
            "status",
        ]
    }
    fn cells(&self) -> Vec<String> {
        let e = &self.entry;
        vec![
            e.date.to_string(),
            e.state.clone(),
            e.action.to_string(),
            e.stage.to_string(),
            e.instrument.clone(),
            e.instrument_title.clone(),
            e.support.total().to_string(),
            self.status.to_string(),
        ]
    }
}

pub fn run(args: Args, ctx: &Ctx) -> Result<()> {
    let ledger = ctx.reading_ledger()?;
    let filter = args.selection.filter(&ledger)?;
    // A table shows how many citations an entry has; the JSON forms carry them whole.
    let events = match args.format {
        Format::Table | Format::Csv => ledger.events_counted(&filter)?,
        Format::Json | Format::Ndjson => ledger.events(&filter)?,
    };
    let records = ledger.records_of(&reconcile::pairs_to_check(&events))?;
    let verdicts: Vec<Verdict> = reconcile::reconcile(&events, &records, args.window_days);
    let entries: Vec<Line> = reconcile::merge_confirmed(events, verdicts)
        .into_iter()
        .filter(|(_, v)| args.status.is_none_or(|s| s == v.status))
        .map(|(entry, v)| Line {
            entry,
            status: v.status,
            status_note: v.note,
        })
        .collect();
    if entries.is_empty() {
        ctx.say("no entries match");
    }
    let mut out = super::stdout();
    output::write_rows(&mut out, args.format, &entries)?;
    super::finish(out)
}
