//! Official status tables (a depositary's chart as CSV): reading a file in one of the
//! record layouts into rows, and grouping resolved rows into the status-table sources the
//! ledger stores. Pure: no SQL here; `ledger::Ledger::import_records` writes the result.
//!
//! Each layout is one file (`untc`, `generic`) turning a CSV row into `RecordRow`s.

use std::collections::BTreeMap;
use std::io::Read;

use crate::error::{Error, Problem, Result};
use crate::model::{Action, Claim, DateBasis, LedgerDate, Span, Stage};

use super::{generic, untc};

/// The layouts `records import --layout` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Layout {
    /// The UN Treaty Collection participants tables (data/untc_*_participants.csv)
    Untc,
    /// state,instrument,action,date,source_url,source_title,as_of
    Generic,
}

impl Layout {
    /// The extractor name citations of this layout carry.
    pub fn extractor(self) -> &'static str {
        match self {
            Layout::Untc => "records:untc",
            Layout::Generic => "records:generic",
        }
    }
}

/// One act a status table states: a participant's signature, ratification...
#[derive(Debug, Clone, PartialEq)]
pub struct RecordRow {
    /// The participant as the table names it (resolved against the state names later).
    pub participant: String,
    /// The instrument id (`UNTC-IV-15`).
    pub instrument: String,
    pub action: Action,
    pub date: LedgerDate,
    /// The status date of the table this row comes from.
    pub as_of: LedgerDate,
    /// Where the table can be read (generic layout; else the instrument's page).
    pub source_url: Option<String>,
    /// The table's title (generic layout; else made from the instrument's title).
    pub source_title: Option<String>,
    /// The CSV row verbatim (without its line end): the citation's quote.
    pub row_text: String,
}

/// A status-table file as read: its header line and its rows, with what was skipped.
#[derive(Debug, Clone, Default)]
pub struct RecordFile {
    /// The header line verbatim.
    pub header: String,
    pub rows: Vec<super::Located<RecordRow>>,
    /// Cells left out on purpose, by reason ("consent_action 'unspecified'": 468).
    pub skipped: BTreeMap<String, usize>,
    /// Problems in the rows (the header was usable). The ledger adds what it finds when
    /// resolving names and reports them all together; a file with problems writes nothing.
    pub problems: Vec<Problem>,
    /// The status date given or found (`untc`: `--as-of`, else the latest
    /// `snapshot_commit_date`; `generic`: `--as-of`, rows may carry their own).
    pub as_of: Option<LedgerDate>,
}

/// What a layout needs to read one row.
pub(super) struct RowContext<'a> {
    pub file: &'a str,
    pub line: u64,
    pub as_of: Option<LedgerDate>,
}

/// Reads a status-table CSV in `layout`. `as_of` is the status date of the table (the
/// `untc` layout requires it unless the file has a `snapshot_commit_date` column; the
/// `generic` layout uses it where a row's `as_of` is empty). Every problem in the file is
/// reported at once: header problems as an error, row problems in `RecordFile::problems`.
pub fn read_records<R: Read>(
    mut input: R,
    file: &str,
    layout: Layout,
    as_of: Option<LedgerDate>,
) -> Result<RecordFile> {
    let mut bytes = Vec::new();
    input
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(file, e))?;
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            let line = 1 + valid.iter().filter(|&&b| b == b'\n').count() as u64;
            return Err(Error::invalid(Problem::new(
                file,
                Some(line),
                None,
                "not valid UTF-8",
            )));
        }
    };
    // The same normalisation `read_rows` applies, done here so that byte offsets of rows
    // point into `text`.
    let text = text
        .strip_prefix('\u{feff}')
        .unwrap_or(&text)
        .replace("\r\n", "\n");
    let header = text.lines().next().unwrap_or("").to_string();
    let as_of = match (layout, as_of) {
        (Layout::Untc, None) => untc::default_as_of(&text),
        (_, given) => given,
    };
    let mut out = RecordFile {
        header,
        as_of,
        ..RecordFile::default()
    };
    let mut starts: Vec<usize> = Vec::new(); // byte offset of every row read
    let mut pending: Vec<(u64, usize, RecordRow)> = Vec::new();
    let (known, required): (&[&'static str], &[&'static str]) = match layout {
        Layout::Untc => (&untc::COLUMNS, &untc::REQUIRED),
        Layout::Generic => (&generic::COLUMNS, &generic::REQUIRED),
    };
    let mut no_as_of = false;
    let mut rows_seen = false;
    let read = super::read_rows(
        text.as_bytes(),
        file,
        known,
        required,
        layout == Layout::Untc,
        |columns, record, line, problems| {
            rows_seen = true;
            let offset = record.position().map_or(0, |p| p.byte() as usize);
            starts.push(offset);
            let cx = RowContext { file, line, as_of };
            let rows = match layout {
                Layout::Untc => {
                    if as_of.is_none() {
                        no_as_of = true;
                        return;
                    }
                    untc::read_row(columns, record, &cx, problems, &mut out.skipped)
                }
                Layout::Generic => generic::read_row(columns, record, &cx, problems),
            };
            pending.extend(rows.into_iter().map(|r| (line, offset, r)));
        },
    );
    match read {
        Ok(()) => {}
        Err(Error::Invalid(problems)) if rows_seen => out.problems = problems,
        Err(e) => return Err(e),
    }
    if no_as_of {
        return Err(Error::Usage(format!(
            "{file}: --as-of is required: the file does not say when its status was taken \
             (for data/untc_2026_participants.csv it is 2026-02-03)"
        )));
    }
    starts.sort_unstable();
    for (line, offset, mut row) in pending {
        let after = starts.partition_point(|&o| o <= offset);
        let next = starts.get(after).copied().unwrap_or(text.len());
        row.row_text = text
            .get(offset..next)
            .unwrap_or("")
            .trim_end_matches(['\n', '\r'])
            .to_string();
        out.rows.push(super::Located { line, value: row });
    }
    Ok(out)
}

/// The ledger's view of an instrument a status table is about.
#[derive(Debug, Clone)]
pub struct TableInstrument {
    pub id: String,
    pub title: String,
    pub url: Option<String>,
}

/// One status-table source to store: one instrument's rows at one status date.
#[derive(Debug, Clone)]
pub struct StatusSource {
    pub hash: String,
    pub url: Option<String>,
    pub title: String,
    pub publisher: Option<String>,
    pub published: LedgerDate,
    /// The CSV header and this source's rows, one a line.
    pub text: String,
    /// One claim per row, its span the row's line in `text`.
    pub claims: Vec<Claim>,
}

/// The publisher of the UN tables.
pub const UNTC_PUBLISHER: &str = "United Nations Treaty Collection";

/// Groups rows (each with its resolved state code and instrument) into one source per
/// instrument and status date (and, in the generic layout, source address and title).
/// The source's text is the header plus those rows, so every citation quotes its row.
pub fn status_sources(
    file: &RecordFile,
    resolved: &[(String, TableInstrument)],
    layout: Layout,
) -> Vec<StatusSource> {
    type Key = (String, LedgerDate, Option<String>, Option<String>);
    let mut groups: BTreeMap<Key, Vec<usize>> = BTreeMap::new();
    for (i, row) in file.rows.iter().enumerate() {
        let r = &row.value;
        groups
            .entry((
                r.instrument.clone(),
                r.as_of,
                r.source_url.clone(),
                r.source_title.clone(),
            ))
            .or_default()
            .push(i);
    }
    let mut out = Vec::new();
    for ((_, as_of, url, title), members) in groups {
        let Some((_, instrument)) = members.first().and_then(|&i| resolved.get(i)) else {
            continue;
        };
        let mut text = format!("{}\n", file.header);
        let mut claims = Vec::with_capacity(members.len());
        for &i in &members {
            let (Some(row), Some((state, _))) = (file.rows.get(i), resolved.get(i)) else {
                continue;
            };
            let r = &row.value;
            let start = text.len();
            text.push_str(&r.row_text);
            let span = Span::new(start, text.len());
            text.push('\n');
            claims.push(Claim {
                state: state.clone(),
                instrument: instrument.id.clone(),
                action: r.action,
                stage: Stage::International,
                date: r.date,
                date_basis: DateBasis::Stated,
                span,
                quote: r.row_text.clone(),
                highlights: Vec::new(),
                extractor: layout.extractor().to_string(),
                confidence: 1.0,
            });
        }
        let url = url.or_else(|| instrument.url.clone());
        let title = title.unwrap_or_else(|| {
            format!(
                "{UNTC_PUBLISHER}, status of {} as at {}",
                instrument.title,
                as_of.long_form()
            )
        });
        let publisher = match layout {
            Layout::Untc => Some(UNTC_PUBLISHER.to_string()),
            Layout::Generic => None,
        };
        let hash = crate::document::content_hash(&format!(
            "status_table\n{}\n{}\n{}\n{}",
            url.as_deref().unwrap_or(""),
            as_of,
            title,
            text
        ));
        out.push(StatusSource {
            hash,
            url,
            title,
            publisher,
            published: as_of,
            text,
            claims,
        });
    }
    out
}

/// Parses a date cell that must be a full ISO date; a problem otherwise.
pub(super) fn day_cell(
    value: &str,
    column: &'static str,
    cx: &RowContext,
    problems: &mut Vec<Problem>,
) -> Option<LedgerDate> {
    match LedgerDate::parse_iso(value) {
        Ok(d) => Some(d),
        Err(_) => {
            problems.push(Problem::new(
                cx.file,
                Some(cx.line),
                Some(column),
                format!("'{value}' is not an ISO 8601 date (YYYY-MM-DD)"),
            ));
            None
        }
    }
}
