//! Checking news against the depositary: every event that rests on an article or a
//! researcher's manual entry gets a status against the official records of its instrument.
//! Pure: events and records in, verdicts out; `ledger` fetches both.
//!
//! The rules, for an event of state S on instrument I (action A, date D):
//! - **confirmed**: the event is itself a record (a status table cites it too), or a record
//!   of S on I with action A has D's date at D's precision; a record within the window
//!   (`--window-days`, default 3) also confirms, with a note ("news 2 days after the record").
//! - **superseded**: a domestic step (parliament's vote, the ratification law) whose
//!   international act (same action, or any consent act for a consent step) is recorded on
//!   or after it.
//! - **contradicted**: S has records on I but none that agrees: another date for A, or only
//!   other actions ("news says accession, the depositary shows signature"), provided the
//!   event is not newer than the records' status date; or S has no record at all on I and
//!   the records are newer than the event (the depositary's table, taken after the event,
//!   does not list it).
//! - **unverified**: no records for I; an event newer than the records' status date;
//!   a withdrawal or entry into force (status tables do not record them as acts); a domestic
//!   step with no later international act recorded.
//!
//! Manual entries (`treaty-ledger record`) are entered by researchers from what they read;
//! they are checked like news. Events that only official records cite have the status
//! `record`.

use std::collections::HashMap;
use std::fmt;

use serde::Serialize;

use crate::ledger::EventEntry;
use crate::model::{Action, LedgerDate, Stage};

/// An event's standing against the official records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Confirmed,
    Contradicted,
    Superseded,
    Unverified,
    /// An entry only official records cite.
    Record,
}

impl Status {
    pub const ALL: &'static [Status] = &[
        Status::Confirmed,
        Status::Contradicted,
        Status::Superseded,
        Status::Unverified,
        Status::Record,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Confirmed => "confirmed",
            Status::Contradicted => "contradicted",
            Status::Superseded => "superseded",
            Status::Unverified => "unverified",
            Status::Record => "record",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One official record: an event as a status table states it, with the table's row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OfficialRecord {
    pub event_id: i64,
    pub state: String,
    pub instrument: String,
    pub action: Action,
    pub date: LedgerDate,
    pub citation_id: i64,
    pub source_id: i64,
    pub source_title: Option<String>,
    pub source_url: Option<String>,
    /// The table's status date.
    pub as_of: Option<LedgerDate>,
    /// The table row, verbatim.
    pub quote: String,
}

/// The status of one event, with the record it was judged against.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verdict {
    pub event_id: i64,
    pub status: Status,
    pub note: Option<String>,
    /// The record that confirms, contradicts or supersedes the event.
    pub record: Option<OfficialRecord>,
}

/// The default `--window-days`.
pub const DEFAULT_WINDOW_DAYS: i64 = 3;

/// Whether an event rests on an article or a manual entry (and so is checked).
pub fn is_checked(event: &EventEntry) -> bool {
    event.support.others > 0
}

/// The (state, instrument) pairs whose records reconciling these events needs: those of
/// the checked ones.
pub fn pairs_to_check(events: &[EventEntry]) -> Vec<(&str, &str)> {
    events
        .iter()
        .filter(|e| is_checked(e))
        .map(|e| (e.state.as_str(), e.instrument.as_str()))
        .collect()
}

fn is_record(event: &EventEntry) -> bool {
    event.support.tables > 0
}

/// What reconciling a selection of events reads from the ledger: the records of its states
/// on its instruments, and which of its instruments official tables record at all, with
/// the latest status date among those tables.
#[derive(Debug, Default)]
pub struct Records {
    pub records: Vec<OfficialRecord>,
    pub tables: HashMap<String, Option<LedgerDate>>,
}

impl Records {
    /// Records as a ledger holding only them would give: every instrument they are on,
    /// with their latest status date.
    pub fn from_records(records: Vec<OfficialRecord>) -> Records {
        let mut tables: HashMap<String, Option<LedgerDate>> = HashMap::new();
        for r in &records {
            let latest = tables.entry(r.instrument.clone()).or_default();
            *latest = (*latest).max(r.as_of);
        }
        Records { records, tables }
    }
}

/// The records, by state and instrument.
pub struct RecordIndex<'a> {
    of_pair: HashMap<(&'a str, &'a str), Vec<&'a OfficialRecord>>,
    tables: &'a HashMap<String, Option<LedgerDate>>,
}

impl<'a> RecordIndex<'a> {
    pub fn new(records: &'a Records) -> Self {
        let mut of_pair: HashMap<(&str, &str), Vec<&OfficialRecord>> = HashMap::new();
        for r in &records.records {
            of_pair
                .entry((r.state.as_str(), r.instrument.as_str()))
                .or_default()
                .push(r);
        }
        RecordIndex {
            of_pair,
            tables: &records.tables,
        }
    }
}

/// Days from `a` to `b` when both are known to the day.
fn days_between(a: &LedgerDate, b: &LedgerDate) -> Option<i64> {
    Some((b.as_naive()? - a.as_naive()?).num_days())
}

/// The status of every event against the records (events only records cite: `record`).
pub fn reconcile(events: &[EventEntry], records: &Records, window_days: i64) -> Vec<Verdict> {
    let index = RecordIndex::new(records);
    events
        .iter()
        .map(|e| verdict(e, &index, window_days))
        .collect()
}

/// The status of one event.
pub fn verdict(event: &EventEntry, index: &RecordIndex, window_days: i64) -> Verdict {
    let make = |status, note: Option<String>, record: Option<&OfficialRecord>| Verdict {
        event_id: event.id,
        status,
        note,
        record: record.cloned(),
    };
    if !is_checked(event) {
        return make(Status::Record, None, None);
    }
    if is_record(event) {
        return make(
            Status::Confirmed,
            Some("the depositary's table cites this entry".into()),
            None,
        );
    }
    let Some(&as_of) = index.tables.get(event.instrument.as_str()) else {
        return make(
            Status::Unverified,
            Some(format!("no official records for {}", event.instrument)),
            None,
        );
    };
    let of_state: &[&OfficialRecord] = index
        .of_pair
        .get(&(event.state.as_str(), event.instrument.as_str()))
        .map_or(&[], Vec::as_slice);
    let as_at = as_of.map_or(String::new(), |d| format!(" as at {d}"));
    if matches!(event.action, Action::Withdrawal | Action::EntryIntoForce) {
        return make(
            Status::Unverified,
            Some(format!(
                "status tables do not record {} as an act",
                event.action.as_str().replace('_', " ")
            )),
            None,
        );
    }
    if event.stage == Stage::Domestic {
        let step_of = |r: &&OfficialRecord| {
            r.action == event.action || (r.action.is_consent() && event.action.is_consent())
        };
        let later = of_state
            .iter()
            .copied()
            .filter(step_of)
            .filter(|r| match (r.date.last_day(), event.date.first_day()) {
                (Some(rec), Some(ev)) => rec >= ev,
                _ => false,
            })
            .min_by_key(|r| r.date);
        return match later {
            Some(r) => make(
                Status::Superseded,
                Some(format!(
                    "domestic step; the depositary records {} on {}",
                    r.action, r.date
                )),
                Some(r),
            ),
            None => make(
                Status::Unverified,
                Some(format!(
                    "domestic step; no later international act of {} recorded{as_at}",
                    event.state
                )),
                None,
            ),
        };
    }
    let same_action: Vec<&OfficialRecord> = of_state
        .iter()
        .copied()
        .filter(|r| r.action == event.action)
        .collect();
    if let Some(r) = same_action.iter().find(|r| r.date.agrees_with(&event.date)) {
        return make(Status::Confirmed, None, Some(r));
    }
    let near = same_action
        .iter()
        .filter_map(|r| Some((r, days_between(&r.date, &event.date)?)))
        .filter(|(_, d)| d.abs() <= window_days)
        .min_by_key(|(_, d)| d.abs());
    if let Some((r, d)) = near {
        let n = d.abs();
        let unit = if n == 1 { "day" } else { "days" };
        let side = if d > 0 { "after" } else { "before" };
        return make(
            Status::Confirmed,
            Some(format!("news {n} {unit} {side} the record ({})", r.date)),
            Some(r),
        );
    }
    // Nothing agrees. A table taken before the event cannot speak to it.
    let newer = match (as_of.and_then(|d| d.last_day()), event.date.first_day()) {
        (Some(table), Some(ev)) => table >= ev,
        _ => false,
    };
    if !newer {
        return make(
            Status::Unverified,
            Some(format!("the records are{as_at}, before this event")),
            None,
        );
    }
    if let Some(r) = same_action.first() {
        return make(
            Status::Contradicted,
            Some(format!(
                "the depositary records {} on {}, not {}",
                r.action, r.date, event.date
            )),
            Some(r),
        );
    }
    let distance = |r: &&&OfficialRecord| match days_between(&r.date, &event.date) {
        Some(d) => d.abs(),
        None => i64::from((r.date.year - event.date.year).abs()) * 366,
    };
    if let Some(r) = of_state.iter().min_by_key(distance) {
        let acts: Vec<String> = of_state
            .iter()
            .map(|r| format!("{} {}", r.action, r.date))
            .collect();
        return make(
            Status::Contradicted,
            Some(format!(
                "the depositary records {} for {}, no {}",
                acts.join(", "),
                event.state,
                event.action
            )),
            Some(r),
        );
    }
    make(
        Status::Contradicted,
        Some(format!(
            "the depositary lists no act of {} on {}{as_at}",
            event.state, event.instrument
        )),
        None,
    )
}

/// One line per act: a checked event confirmed by a record that is also listed is folded
/// into the record's line (its citations added, the verdict's note kept), so a listing shows
/// an act that is both in a status table and in the news once, with both citations.
pub fn merge_confirmed(
    entries: Vec<EventEntry>,
    verdicts: Vec<Verdict>,
) -> Vec<(EventEntry, Verdict)> {
    let position: HashMap<i64, usize> =
        entries.iter().enumerate().map(|(i, e)| (e.id, i)).collect();
    let mut lines: Vec<Option<(EventEntry, Verdict)>> =
        entries.into_iter().zip(verdicts).map(Some).collect();
    for i in 0..lines.len() {
        let target = match &lines[i] {
            Some((e, v)) if v.status == Status::Confirmed => v
                .record
                .as_ref()
                .filter(|r| r.event_id != e.id)
                .and_then(|r| position.get(&r.event_id).copied()),
            _ => None,
        };
        let Some(t) = target else { continue };
        if !matches!(&lines[t], Some((_, v)) if v.status == Status::Record || v.status == Status::Confirmed)
        {
            continue;
        }
        let Some((news, verdict)) = lines[i].take() else {
            continue;
        };
        if let Some((record, merged)) = lines[t].as_mut() {
            record.citations.extend(news.citations);
            record.support += news.support;
            merged.status = Status::Confirmed;
            merged.note = match (merged.note.take(), verdict.note) {
                (Some(a), Some(b)) => Some(format!("{a}; {b}")),
                (a, b) => a.or(b),
            };
        }
    }
    lines.into_iter().flatten().collect()
}

/// Counts per status, every status present (zeros included), in `Status::ALL` order.
pub fn summary(verdicts: &[Verdict]) -> Vec<(Status, usize)> {
    Status::ALL
        .iter()
        .map(|s| (*s, verdicts.iter().filter(|v| v.status == *s).count()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::{CitationEntry, Support};
    use crate::model::{DateBasis, SourceKind, Span};

    fn date(s: &str) -> LedgerDate {
        LedgerDate::parse_iso(s).expect("date")
    }

    fn record(id: i64, state: &str, action: Action, d: &str) -> OfficialRecord {
        OfficialRecord {
            event_id: id,
            state: state.into(),
            instrument: "UNTC-IV-15".into(),
            action,
            date: date(d),
            citation_id: id,
            source_id: 1,
            source_title: None,
            source_url: None,
            as_of: Some(date("2026-02-03")),
            quote: String::new(),
        }
    }

    fn news(instrument: &str, action: Action, stage: Stage, d: &str) -> EventEntry {
        let mut entry = EventEntry {
            id: 100,
            state: "AZE".into(),
            state_name: "Azerbaijan".into(),
            instrument: instrument.into(),
            instrument_title: String::new(),
            action,
            stage,
            date: date(d),
            precision: date(d).precision(),
            citations: vec![CitationEntry {
                id: 1,
                source_id: 9,
                source_kind: SourceKind::Article,
                url: None,
                title: None,
                publisher: None,
                published: None,
                span: Span::new(0, 1),
                quote: "x".into(),
                highlights: Vec::new(),
                extractor: "test".into(),
                confidence: 1.0,
                date_basis: DateBasis::Stated,
            }],
            support: Support::default(),
        };
        entry.support = Support::of(&entry.citations);
        entry
    }

    fn status(e: &EventEntry) -> (Status, Option<String>) {
        let records = Records::from_records(vec![
            record(1, "AZE", Action::Signature, "2008-01-09"),
            record(2, "AZE", Action::Ratification, "2009-01-28"),
            record(3, "FRA", Action::Ratification, "2010-02-18"),
        ]);
        let v = reconcile(std::slice::from_ref(e), &records, DEFAULT_WINDOW_DAYS);
        (v[0].status, v[0].note.clone())
    }

    #[test]
    fn the_rules() {
        use Action::*;
        use Stage::*;
        assert_eq!(
            status(&news(
                "UNTC-IV-15",
                Ratification,
                International,
                "2009-01-28"
            ))
            .0,
            Status::Confirmed
        );
        assert_eq!(
            status(&news("UNTC-IV-15", Ratification, International, "2009-01")).0,
            Status::Confirmed
        );
        let (s, note) = status(&news(
            "UNTC-IV-15",
            Ratification,
            International,
            "2009-01-30",
        ));
        assert_eq!(s, Status::Confirmed);
        assert_eq!(
            note.as_deref(),
            Some("news 2 days after the record (2009-01-28)")
        );
        assert_eq!(
            status(&news(
                "UNTC-IV-15",
                Ratification,
                International,
                "2009-02-05"
            ))
            .0,
            Status::Contradicted
        );
        assert_eq!(
            status(&news("UNTC-IV-15", Accession, International, "2008-01-09")).0,
            Status::Contradicted
        );
        assert_eq!(
            status(&news("UNTC-IV-15", Ratification, Domestic, "2008-12-20")).0,
            Status::Superseded
        );
        assert_eq!(
            status(&news("UNTC-IV-15", Ratification, Domestic, "2009-03-01")).0,
            Status::Unverified
        );
        assert_eq!(
            status(&news("UNTC-IV-15", Withdrawal, International, "2020-01-01")).0,
            Status::Unverified
        );
        assert_eq!(
            status(&news("UNTC-IV-15", Accession, International, "2026-03-01")).0,
            Status::Unverified
        );
        assert_eq!(
            status(&news("CETS-216", Signature, International, "2020-01-01")).0,
            Status::Unverified
        );
        let mut other = news("UNTC-IV-15", Signature, International, "2020-01-01");
        other.state = "DEU".into();
        assert_eq!(status(&other).0, Status::Contradicted);
    }
}
