//! The `generic` record layout: one act a row,
//! `state,instrument,action,date,source_url,source_title,as_of` (the last three optional:
//! the address defaults to the instrument's page, the title to "status of TITLE as at
//! DATE", `as_of` to `--as-of`). `date` may be `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.

use crate::error::Problem;
use crate::model::Action;

use super::records::{RecordRow, RowContext};
use super::Columns;

pub(super) const COLUMNS: [&str; 7] = [
    "state",
    "instrument",
    "action",
    "date",
    "source_url",
    "source_title",
    "as_of",
];
pub(super) const REQUIRED: [&str; 4] = ["state", "instrument", "action", "date"];

pub(super) fn read_row(
    columns: &Columns,
    record: &csv::StringRecord,
    cx: &RowContext,
    problems: &mut Vec<Problem>,
) -> Vec<RecordRow> {
    let before = problems.len();
    let mut required = |column: &'static str| {
        let v = columns.get(record, column);
        if v.is_none() {
            problems.push(Problem::new(cx.file, Some(cx.line), Some(column), "empty"));
        }
        v
    };
    let state = required("state");
    let instrument = required("instrument");
    let action = required("action").and_then(|a| match a.parse::<Action>() {
        Ok(a) => Some(a),
        Err(e) => {
            problems.push(Problem::new(
                cx.file,
                Some(cx.line),
                Some("action"),
                e.to_string(),
            ));
            None
        }
    });
    let date = super::date_column(columns, record, "date", cx.file, cx.line, problems);
    let as_of = super::date_column(columns, record, "as_of", cx.file, cx.line, problems);
    if columns.get(record, "as_of").is_none() && cx.as_of.is_none() {
        problems.push(Problem::new(
            cx.file,
            Some(cx.line),
            Some("as_of"),
            "empty and no --as-of given: say when the table's status was taken",
        ));
    }
    if problems.len() != before {
        return Vec::new();
    }
    let (Some(state), Some(instrument), Some(action), Some(date), Some(as_of)) =
        (state, instrument, action, date, as_of.or(cx.as_of))
    else {
        return Vec::new();
    };
    let text = |c: &str| columns.get(record, c).map(str::to_string);
    vec![RecordRow {
        participant: state.to_string(),
        instrument: instrument.to_string(),
        action,
        date,
        as_of: Some(as_of),
        source_url: text("source_url"),
        source_title: text("source_title"),
        row_text: String::new(),
    }]
}
