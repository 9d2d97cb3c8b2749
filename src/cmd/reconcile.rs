//! `reconcile`: every news (and manual) entry against the official records — counts per
//! status, then the contradicted entries with both sides: the news citation and the record.

use anyhow::Result;
use serde::Serialize;
use treaty_ledger::ledger::{CitationEntry, EventEntry};
use treaty_ledger::model::SourceKind;
use treaty_ledger::output::{self, Format, Row};
use treaty_ledger::reconcile::{self, OfficialRecord, Status};

use super::list::Selection;
use super::Ctx;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub selection: Selection,
    /// Days a news date may differ from the record's and still confirm it (with a note)
    #[arg(long, default_value_t = reconcile::DEFAULT_WINDOW_DAYS)]
    pub window_days: i64,
    /// table: summary then contradictions; csv: the contradictions (summary on stderr);
    /// json: {summary, contradicted}; ndjson: a summary line, then one line per contradiction
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
}

#[derive(Serialize)]
struct Count {
    status: Status,
    events: usize,
}

impl Row for Count {
    fn headers() -> &'static [&'static str] {
        &["status", "events"]
    }
    fn cells(&self) -> Vec<String> {
        vec![self.status.to_string(), self.events.to_string()]
    }
}

/// A contradicted entry with both sides.
#[derive(Serialize)]
struct Contradiction {
    event: EventEntry,
    note: Option<String>,
    record: Option<OfficialRecord>,
}

fn news_side(e: &EventEntry) -> Option<&CitationEntry> {
    e.citations
        .iter()
        .find(|c| c.source_kind != SourceKind::StatusTable)
}

impl Row for Contradiction {
    fn headers() -> &'static [&'static str] {
        &[
            "date",
            "state",
            "action",
            "stage",
            "instrument",
            "news_source",
            "news_quote",
            "record",
            "record_quote",
            "note",
        ]
    }
    fn cells(&self) -> Vec<String> {
        let e = &self.event;
        let news = news_side(e);
        let source = news
            .map(|c| {
                c.title
                    .clone()
                    .or_else(|| c.url.clone())
                    .unwrap_or_else(|| format!("source {}", c.source_id))
            })
            .unwrap_or_default();
        vec![
            e.date.to_string(),
            e.state.clone(),
            e.action.to_string(),
            e.stage.to_string(),
            e.instrument.clone(),
            source,
            news.map(|c| c.quote.clone()).unwrap_or_default(),
            self.record
                .as_ref()
                .map(|r| format!("{} {}", r.action, r.date))
                .unwrap_or_default(),
            self.record
                .as_ref()
                .map(|r| r.quote.clone())
                .unwrap_or_default(),
            self.note.clone().unwrap_or_default(),
        ]
    }
}

pub fn run(args: Args, ctx: &Ctx) -> Result<()> {
    let ledger = ctx.reading_ledger()?;
    let filter = args.selection.filter(&ledger)?;
    let events: Vec<EventEntry> = ledger
        .events(&filter)?
        .into_iter()
        .filter(reconcile::is_checked)
        .collect();
    let records = ledger.records_of(&reconcile::pairs_to_check(&events))?;
    let verdicts = reconcile::reconcile(&events, &records, args.window_days);
    let counts: Vec<Count> = reconcile::summary(&verdicts)
        .into_iter()
        .filter(|(s, _)| *s != Status::Record)
        .map(|(status, events)| Count { status, events })
        .collect();
    let contradicted: Vec<Contradiction> = events
        .into_iter()
        .zip(verdicts)
        .filter(|(_, v)| v.status == Status::Contradicted)
        .map(|(event, v)| Contradiction {
            event,
            note: v.note,
            record: v.record,
        })
        .collect();
    let mut out = super::stdout();
    match args.format {
        Format::Table => {
            output::write_rows(&mut out, Format::Table, &counts)?;
            if !contradicted.is_empty() {
                writeln_blank(&mut out)?;
                output::write_rows(&mut out, Format::Table, &contradicted)?;
            }
        }
        Format::Csv => {
            for c in &counts {
                ctx.say(format!("{}: {}", c.status, c.events));
            }
            output::write_rows(&mut out, Format::Csv, &contradicted)?;
        }
        Format::Json => {
            #[derive(Serialize)]
            struct Report<'a> {
                summary: &'a [Count],
                contradicted: &'a [Contradiction],
            }
            output::write_record(
                &mut out,
                Format::Json,
                &Report {
                    summary: &counts,
                    contradicted: &contradicted,
                },
            )?;
        }
        Format::Ndjson => {
            #[derive(Serialize)]
            struct Summary<'a> {
                summary: &'a [Count],
            }
            output::write_record(&mut out, Format::Ndjson, &Summary { summary: &counts })?;
            output::write_rows(&mut out, Format::Ndjson, &contradicted)?;
        }
    }
    super::finish(out)
}

fn writeln_blank(out: &mut impl std::io::Write) -> std::io::Result<()> {
    writeln!(out)
}
