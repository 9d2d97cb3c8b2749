//! The country-year panel researchers merge on: one row per state × instrument × year for
//! the pairs that have any entry, with 0/1 flags meaning "as of the end of that year".
//! Only international acts count (a parliament's vote or a ratification law is a domestic
//! step, not consent); where the ledger holds several dates for one act, the earliest wins.

use std::collections::BTreeMap;
use std::io;

use serde::Serialize;

use crate::error::{Error, Result};
use crate::ledger::{EventEntry, EventFilter, Ledger};
use crate::model::{Action, LedgerDate, Stage, State};

/// The columns, in order.
pub const HEADERS: &[&str] = &[
    "iso3",
    "cow_code",
    "gw_code",
    "state_name",
    "instrument_id",
    "year",
    "signed",
    "signature_date",
    "consented",
    "consent_date",
    "consent_action",
    "withdrawn",
    "withdrawal_date",
];

/// One state × instrument × year. Dates are filled only when their flag is 1.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PanelRow {
    pub iso3: String,
    pub cow_code: Option<i64>,
    pub gw_code: Option<i64>,
    pub state_name: String,
    pub instrument_id: String,
    pub year: i32,
    pub signed: bool,
    pub signature_date: Option<LedgerDate>,
    pub consented: bool,
    pub consent_date: Option<LedgerDate>,
    pub consent_action: Option<Action>,
    pub withdrawn: bool,
    pub withdrawal_date: Option<LedgerDate>,
}

/// The earliest international event of a pair that passes `wanted`.
fn earliest<'a>(
    events: &[&'a EventEntry],
    wanted: impl Fn(Action) -> bool,
) -> Option<&'a EventEntry> {
    events
        .iter()
        .copied()
        .filter(|e| e.stage == Stage::International && wanted(e.action))
        .min_by_key(|e| (e.date.first_day(), e.date, e.id))
}

/// The event when it happened by the end of `year`.
fn by(e: Option<&EventEntry>, year: i32) -> Option<&EventEntry> {
    e.filter(|e| e.date.year <= year)
}

/// The panel for years `from..=until` over the pairs with an entry for `state`/`instrument`.
pub fn build(
    ledger: &Ledger,
    state: Option<String>,
    instrument: Option<String>,
    from: i32,
    until: i32,
) -> Result<Vec<PanelRow>> {
    if from > until {
        return Err(Error::Usage(format!(
            "--from {from} is after --until {until}"
        )));
    }
    if until - from > 1000 {
        return Err(Error::Usage(format!(
            "{from}–{until} is more than a thousand years; give a narrower --from/--until"
        )));
    }
    let entries = ledger.events(&EventFilter {
        state,
        instrument,
        ..EventFilter::default()
    })?;
    let mut pairs: BTreeMap<(&str, &str), Vec<&EventEntry>> = BTreeMap::new();
    for e in &entries {
        pairs
            .entry((e.state.as_str(), e.instrument.as_str()))
            .or_default()
            .push(e);
    }
    let mut states: BTreeMap<&str, Option<State>> = BTreeMap::new();
    let mut rows = Vec::new();
    for ((iso3, instrument), events) in &pairs {
        if !states.contains_key(iso3) {
            states.insert(iso3, ledger.state(iso3)?);
        }
        let state = states.get(iso3).and_then(Option::as_ref);
        let signature = earliest(events, |a| a == Action::Signature);
        let consent = earliest(events, Action::is_consent);
        let withdrawal = earliest(events, |a| a == Action::Withdrawal);
        for year in from..=until {
            let signed = by(signature, year);
            let consented = by(consent, year);
            let withdrawn = by(withdrawal, year);
            rows.push(PanelRow {
                iso3: iso3.to_string(),
                cow_code: state.and_then(|s| s.cow_code),
                gw_code: state.and_then(|s| s.gw_code),
                state_name: state.map_or_else(|| events[0].state_name.clone(), |s| s.name.clone()),
                instrument_id: instrument.to_string(),
                year,
                signed: signed.is_some(),
                signature_date: signed.map(|e| e.date),
                consented: consented.is_some(),
                consent_date: consented.map(|e| e.date),
                consent_action: consented.map(|e| e.action),
                withdrawn: withdrawn.is_some(),
                withdrawal_date: withdrawn.map(|e| e.date),
            });
        }
    }
    Ok(rows)
}

/// Writes the panel as CSV that pandas, readr and Stata load untouched: a snake_case
/// header, `\n` line ends, no BOM, 0/1 flags, ISO dates, empty cells for missing values.
pub fn write_csv(out: &mut dyn io::Write, rows: &[PanelRow]) -> io::Result<()> {
    let mut w = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::Any(b'\n'))
        .from_writer(out);
    w.write_record(HEADERS)?;
    let flag = |b: bool| if b { "1" } else { "0" }.to_string();
    let text = |v: Option<String>| v.unwrap_or_default();
    for r in rows {
        w.write_record([
            r.iso3.clone(),
            text(r.cow_code.map(|c| c.to_string())),
            text(r.gw_code.map(|c| c.to_string())),
            r.state_name.clone(),
            r.instrument_id.clone(),
            r.year.to_string(),
            flag(r.signed),
            text(r.signature_date.map(|d| d.to_string())),
            flag(r.consented),
            text(r.consent_date.map(|d| d.to_string())),
            text(r.consent_action.map(|a| a.to_string())),
            flag(r.withdrawn),
            text(r.withdrawal_date.map(|d| d.to_string())),
        ])?;
    }
    w.flush()
}
