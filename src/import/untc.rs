//! The `untc` record layout: the UN Treaty Collection participants tables as shipped in
//! `data/untc_2026_participants.csv` (and the older `data/untc_2013_2015_participants.csv`,
//! which lacks `footnotes` and adds `in_index` and `snapshot_commit_date`).
//!
//! Mapping of the table's words to ledger actions (DESIGN.md "action"):
//! - `signature_kind` `signature` → signature; `succession_to_signature` (a new state takes
//!   over its predecessor's signature) → signature too: it leaves the state a signatory, not
//!   a party.
//! - `consent_action` `ratification`, `accession`, `acceptance`, `approval`, `succession`,
//!   `definitive_signature` → the same action; `formal_confirmation` (an international
//!   organisation's act "corresponding to ratification by a State", 1986 Vienna Convention
//!   art. 2(1)(b bis)) → ratification; `consent_to_be_bound` (the legend's "P": the
//!   notification by which a party to the CCW becomes bound by one of its protocols, CCW
//!   art. 4) → ratification, the consent act it is reported as (the quoted row keeps the
//!   "P"); the long legend items of old tables map when their first words say the act
//!   (`ratification_of_the_…`, `accession_to_the_…`, `succession_to_the_…`,
//!   `definitive_acceptance`); anything else (`unspecified`, `application`,
//!   `participation…`, `simplified_procedure`, `provisional_acceptance`...) is skipped and
//!   counted.
//! - `*_bracketed = 1`: UNTC prints the date in brackets because the participation ended;
//!   the act itself still happened and is recorded. Withdrawals are only in footnotes, so
//!   no withdrawal is invented here.
//! - Provisional application dates are not an action the ledger keeps; skipped and counted.
//! - Rows with `in_index = 0` (old file only) are skipped and counted: their treaty numbers
//!   are not in the MTDSG index (chapter XI numbers that lost their sub-chapter letter, e.g.
//!   `XI-8` for `XI-A-8` or `XI-B-8`), so which instrument they mean is unknown.

use std::collections::BTreeMap;

use crate::error::Problem;
use crate::model::{Action, LedgerDate};

use super::records::{day_cell, RecordRow, RowContext};
use super::Columns;

pub(super) const COLUMNS: [&str; 17] = [
    "mtdsg_no",
    "participant",
    "footnotes",
    "signature_date",
    "signature_kind",
    "signature_bracketed",
    "provisional_application_date",
    "provisional_bracketed",
    "consent_date",
    "consent_action",
    "consent_bracketed",
    "raw_signature",
    "raw_provisional",
    "raw_consent",
    "consent_column_legend",
    "in_index",
    "snapshot_commit_date",
];
pub(super) const REQUIRED: [&str; 5] = [
    "mtdsg_no",
    "participant",
    "signature_date",
    "consent_date",
    "consent_action",
];

/// The ledger action a `consent_action` word stands for, if it is clear.
pub fn consent_action(word: &str) -> Option<Action> {
    let word = word.trim();
    Some(match word {
        "ratification" | "formal_confirmation" | "consent_to_be_bound" => Action::Ratification,
        "accession" => Action::Accession,
        "acceptance" | "definitive_acceptance" => Action::Acceptance,
        "approval" => Action::Approval,
        "succession" => Action::Succession,
        "definitive_signature" => Action::DefinitiveSignature,
        w if w.starts_with("ratification_of_the_") => Action::Ratification,
        w if w.starts_with("accession_to_the_") => Action::Accession,
        w if w.starts_with("succession_to_the_") => Action::Succession,
        _ => return None,
    })
}

pub(super) fn read_row(
    columns: &Columns,
    record: &csv::StringRecord,
    cx: &RowContext,
    problems: &mut Vec<Problem>,
    skipped: &mut BTreeMap<String, usize>,
) -> Vec<RecordRow> {
    let mut skip = |why: String| *skipped.entry(why).or_default() += 1;
    if columns.get(record, "in_index") == Some("0") {
        skip("rows of treaties not in the MTDSG index (in_index = 0)".to_string());
        return Vec::new();
    }
    let before = problems.len();
    let mut required = |column: &'static str| {
        let v = columns.get(record, column);
        if v.is_none() {
            problems.push(Problem::new(cx.file, Some(cx.line), Some(column), "empty"));
        }
        v.unwrap_or("")
    };
    let mtdsg = required("mtdsg_no");
    let participant = required("participant");
    let mut acts: Vec<(Action, LedgerDate)> = Vec::new();
    if let Some(value) = columns.get(record, "signature_date") {
        let date = day_cell(value, "signature_date", cx, problems);
        match columns.get(record, "signature_kind").unwrap_or("signature") {
            "signature" | "succession_to_signature" => {
                acts.extend(date.map(|d| (Action::Signature, d)))
            }
            other => skip(format!("signature_kind '{other}'")),
        }
    }
    if let Some(value) = columns.get(record, "consent_date") {
        let date = day_cell(value, "consent_date", cx, problems);
        match columns.get(record, "consent_action") {
            None => problems.push(Problem::new(
                cx.file,
                Some(cx.line),
                Some("consent_action"),
                "empty, but consent_date is given",
            )),
            Some(word) => match consent_action(word) {
                Some(action) => acts.extend(date.map(|d| (action, d))),
                None => skip(format!("consent_action '{word}'")),
            },
        }
    }
    if columns
        .get(record, "provisional_application_date")
        .is_some()
    {
        skip("provisional application dates (not a ledger action)".to_string());
    }
    if problems.len() != before {
        return Vec::new();
    }
    let instrument = if mtdsg.starts_with("UNTC-") {
        mtdsg.to_string()
    } else {
        format!("UNTC-{mtdsg}")
    };
    acts.into_iter()
        .map(|(action, date)| RecordRow {
            participant: participant.to_string(),
            instrument: instrument.clone(),
            action,
            date,
            as_of: cx.as_of,
            source_url: None,
            source_title: None,
            row_text: String::new(),
        })
        .collect()
}
