//! Official status tables (a depositary's chart as CSV): reading a file in one of the
//! record layouts a row at a time, and how the rows of one source make its text. Pure: no
//! SQL here; `ledger::Ledger::import_records` writes the rows as they are read.
//!
//! Each layout is one file (`untc`, `generic`) turning a CSV row into `RecordRow`s.

use std::collections::BTreeMap;
use std::io::Read;

use crate::error::{Error, Problem, Result};
use crate::model::{Action, LedgerDate, Span};

use super::{generic, untc, Located, Record, Rows};

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

    /// The publisher of this layout's tables, when the layout says.
    pub fn publisher(self) -> Option<&'static str> {
        match self {
            Layout::Untc => Some(UNTC_PUBLISHER),
            Layout::Generic => None,
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
    /// The status date of the table this row comes from; `None`: the file's own, known
    /// once the whole file is read (a `untc` file's latest `snapshot_commit_date`).
    pub as_of: Option<LedgerDate>,
    /// Where the table can be read (generic layout; else the instrument's page).
    pub source_url: Option<String>,
    /// The table's title (generic layout; else made from the instrument's title).
    pub source_title: Option<String>,
    /// The CSV row verbatim (LF line ends, without its own): the citation's quote.
    pub row_text: String,
}

/// A status-table file once every row was read.
#[derive(Debug, Clone, Default)]
pub struct RecordFile {
    /// The header line verbatim.
    pub header: String,
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

/// A status-table CSV being read in one layout: the header is checked on opening, the rows
/// come one at a time (each act with its row's text), in memory that does not grow with the
/// file.
pub struct RecordReader<'f, R: Read> {
    rows: Rows<'f, R>,
    file: &'f str,
    layout: Layout,
    as_of: Option<LedgerDate>,
    /// Where `snapshot_commit_date` is, when it gives the status date (`untc` without
    /// `--as-of`).
    snapshot: Option<usize>,
    header: String,
}

fn no_status_date(file: &str) -> Error {
    Error::Usage(format!(
        "{file}: --as-of is required: the file does not say when its status was taken \
         (for data/untc_2026_participants.csv it is 2026-02-03)"
    ))
}

impl<'f, R: Read> RecordReader<'f, R> {
    /// Opens a status-table CSV in `layout`. `as_of` is the status date of the table (the
    /// `untc` layout requires it unless the file has a `snapshot_commit_date` column; the
    /// `generic` layout uses it where a row's `as_of` is empty). Errors here come before
    /// any row is read: the header's problems, a byte that is not UTF-8 anywhere in the
    /// file (refused as a whole), a `untc` table with rows but no status date.
    pub fn open(
        input: R,
        file: &'f str,
        layout: Layout,
        as_of: Option<LedgerDate>,
    ) -> Result<RecordReader<'f, R>> {
        let (known, required): (&[&'static str], &[&'static str]) = match layout {
            Layout::Untc => (&untc::COLUMNS, &untc::REQUIRED),
            Layout::Generic => (&generic::COLUMNS, &generic::REQUIRED),
        };
        let mut rows = Rows::open(input, file, known, required, layout == Layout::Untc, true)?;
        let header = rows.header_line().to_string();
        let snapshot = match (layout, as_of) {
            (Layout::Untc, None) => rows.columns().position("snapshot_commit_date"),
            _ => None,
        };
        if layout == Layout::Untc && as_of.is_none() && snapshot.is_none() && rows.scan_to_end()? {
            return Err(no_status_date(file));
        }
        Ok(RecordReader {
            rows,
            file,
            layout,
            as_of,
            snapshot,
            header,
        })
    }

    /// The header line verbatim.
    pub fn header(&self) -> &str {
        &self.header
    }

    /// Reads every row, calling `each` with every act in the file's order. Problems in the
    /// rows are returned in [`RecordFile::problems`]; an error from `each` stops the
    /// reading.
    pub fn read(
        mut self,
        mut each: impl FnMut(Located<RecordRow>) -> Result<()>,
    ) -> Result<RecordFile> {
        let mut skipped = BTreeMap::new();
        let mut latest: Option<LedgerDate> = None;
        let mut rows_seen = false;
        let snapshot = self.snapshot;
        let mut note_snapshot = |record: &csv::StringRecord| {
            let found = snapshot
                .and_then(|i| record.get(i))
                .and_then(|v| LedgerDate::parse_iso(v).ok());
            latest = latest.max(found);
        };
        while let Some(next) = self.rows.next_row() {
            let row = match next {
                Record::Row(row) => row,
                Record::Ragged(record) => {
                    note_snapshot(record);
                    continue;
                }
            };
            rows_seen = true;
            note_snapshot(row.record);
            let cx = RowContext {
                file: self.file,
                line: row.line,
                as_of: self.as_of,
            };
            let acts = match self.layout {
                Layout::Untc => {
                    untc::read_row(row.columns, row.record, &cx, row.problems, &mut skipped)
                }
                Layout::Generic => generic::read_row(row.columns, row.record, &cx, row.problems),
            };
            let text = row.text.unwrap_or_default();
            for act in acts {
                each(Located {
                    line: row.line,
                    value: RecordRow {
                        row_text: text.to_string(),
                        ..act
                    },
                })?;
            }
        }
        let problems = self.rows.problems()?;
        let as_of = match (self.layout, self.as_of) {
            (Layout::Untc, None) => latest,
            (_, given) => given,
        };
        if self.layout == Layout::Untc && as_of.is_none() && rows_seen {
            return Err(no_status_date(self.file));
        }
        Ok(RecordFile {
            header: self.header,
            skipped,
            problems,
            as_of,
        })
    }
}

/// The ledger's view of an instrument a status table is about.
#[derive(Debug, Clone)]
pub struct TableInstrument {
    pub id: String,
    pub title: String,
    pub url: Option<String>,
}

/// Which source a row is part of: its instrument (as the file names it) and status date,
/// and in the generic layout the table's address and title. Sources are stored in the order
/// of their keys.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SourceKey {
    pub instrument: String,
    pub as_of: Option<LedgerDate>,
    pub url: Option<String>,
    pub title: Option<String>,
}

/// A source key's fields, borrowed: what a row is looked up by, without copying them.
pub type SourceKeyParts<'a> = (
    &'a str,
    Option<LedgerDate>,
    Option<&'a str>,
    Option<&'a str>,
);

impl SourceKey {
    /// The key of `row`'s source, owned: [`SourceKey::parts_of`] copied.
    pub fn of(row: &RecordRow) -> SourceKey {
        let (instrument, as_of, url, title) = SourceKey::parts_of(row);
        SourceKey {
            instrument: instrument.to_string(),
            as_of,
            url: url.map(str::to_string),
            title: title.map(str::to_string),
        }
    }

    /// The key's fields, borrowed.
    pub fn parts(&self) -> SourceKeyParts<'_> {
        let (url, title) = (self.url.as_deref(), self.title.as_deref());
        (&self.instrument, self.as_of, url, title)
    }

    /// The fields of the key of `row`'s source, borrowed from the row.
    pub fn parts_of(row: &RecordRow) -> SourceKeyParts<'_> {
        let (url, title) = (row.source_url.as_deref(), row.source_title.as_deref());
        (&row.instrument, row.as_of, url, title)
    }
}

/// The text of one status-table source, told as its rows come: the CSV header, then each
/// row, one a line. It knows where the next row goes, so that a row's span is known
/// before the text is whole.
#[derive(Debug, Clone)]
pub struct SourceText {
    len: usize,
}

impl SourceText {
    pub fn new(header: &str) -> SourceText {
        SourceText {
            len: header.len() + 1,
        }
    }

    /// The span of the next row in the text, which then goes after it.
    pub fn push(&mut self, row_text: &str) -> Span {
        let span = Span::new(self.len, self.len + row_text.len());
        self.len = span.end + 1;
        span
    }

    /// The whole text: the header and the rows in the order they were pushed.
    pub fn assemble<'r>(header: &str, rows: impl IntoIterator<Item = &'r str>) -> String {
        let mut text = format!("{header}\n");
        for row in rows {
            text.push_str(row);
            text.push('\n');
        }
        text
    }
}

/// One status-table source to store: one instrument's rows at one status date.
#[derive(Debug, Clone)]
pub struct StatusSource {
    pub hash: String,
    pub url: Option<String>,
    pub title: String,
    pub publisher: Option<&'static str>,
    pub published: LedgerDate,
    /// The CSV header and this source's rows, one a line.
    pub text: String,
}

/// The publisher of the UN tables.
pub const UNTC_PUBLISHER: &str = "United Nations Treaty Collection";

impl StatusSource {
    /// The source of the rows under `key` (text from [`SourceText::assemble`]), as at
    /// `as_of`: the key's address or the instrument's page, the key's title or "status of
    /// TITLE as at DATE", and a hash of all that and the text.
    pub fn new(
        key: &SourceKey,
        instrument: &TableInstrument,
        as_of: LedgerDate,
        layout: Layout,
        text: String,
    ) -> StatusSource {
        let url = key.url.clone().or_else(|| instrument.url.clone());
        let title = key.title.clone().unwrap_or_else(|| {
            format!(
                "{UNTC_PUBLISHER}, status of {} as at {}",
                instrument.title,
                as_of.long_form()
            )
        });
        let hash = table_hash(url.as_deref().unwrap_or(""), as_of, &title, &text);
        StatusSource {
            hash,
            url,
            title,
            publisher: layout.publisher(),
            published: as_of,
            text,
        }
    }
}

/// The hash of a status-table source: [`crate::document::content_hash`] of
/// `status_table\nURL\nAS_OF\nTITLE\nTEXT`, fed to the hasher piece by piece rather than
/// copied into one string first (a table's text can be large).
fn table_hash(url: &str, as_of: LedgerDate, title: &str, text: &str) -> String {
    use sha2::{Digest, Sha256};
    use std::fmt::Write;
    let mut hasher = Sha256::new();
    hasher.update(format!("status_table\n{url}\n{as_of}\n{title}\n"));
    hasher.update(text);
    let mut hex = String::with_capacity(64);
    for byte in hasher.finalize() {
        let _ = write!(hex, "{byte:02x}");
    }
    hex
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_hash_is_the_content_hash_of_its_parts() {
        let as_of = LedgerDate::parse_iso("2026-02-03").expect("date");
        let text = "h\nrow 1\nrow 2\n";
        assert_eq!(
            table_hash("https://x", as_of, "Status", text),
            crate::document::content_hash(
                "status_table\nhttps://x\n2026-02-03\nStatus\nh\nrow 1\nrow 2\n"
            )
        );
    }

    #[test]
    fn spans_told_as_rows_come_point_into_the_assembled_text() {
        let header = "state,instrument,action,date";
        let rows = ["AZE,CETS-216,signature,2023-10-30", "", "FRA,\"a\nb\",x,1"];
        let mut text = SourceText::new(header);
        let spans: Vec<Span> = rows.iter().map(|r| text.push(r)).collect();
        let whole = SourceText::assemble(header, rows);
        for (row, span) in rows.iter().zip(&spans) {
            assert_eq!(&whole[span.start..span.end], *row);
        }
        assert!(whole.starts_with("state,instrument,action,date\nAZE,"));
        assert!(whole.ends_with("x,1\n"));
    }
}
