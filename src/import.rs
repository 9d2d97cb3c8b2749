//! CSV import of instruments (and, with `records`, official status tables): reading and
//! validating rows. Every problem in a file is found before anything is written; the
//! ledger module writes the rows in one transaction.

pub mod generic;
pub mod records;
pub mod untc;

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read};

use crate::error::{Error, Problem, Result};
use crate::model::{Instrument, LedgerDate};

/// One row of an input CSV with the line it was read from.
#[derive(Debug, Clone, PartialEq)]
pub struct Located<T> {
    pub line: u64,
    pub value: T,
}

const INSTRUMENT_COLUMNS: [&str; 9] = [
    "id",
    "title",
    "short_title",
    "aliases",
    "depositary",
    "adopted",
    "opened",
    "in_force",
    "url",
];
const INSTRUMENT_REQUIRED: [&str; 2] = ["id", "title"];

/// A reader that drops a leading UTF-8 byte-order mark and turns CRLF line ends into LF
/// (the csv crate counts lines from the LF, which with CRLF files would name the line
/// before the one that is wrong).
pub fn without_bom<R: Read>(input: R) -> Result<LineEnds<BufReader<R>>, std::io::Error> {
    let mut reader = BufReader::with_capacity(1 << 16, input);
    let buf = reader.fill_buf()?;
    if buf.starts_with(&[0xEF, 0xBB, 0xBF]) {
        reader.consume(3);
    }
    Ok(LineEnds::new(reader))
}

/// Reads through to the inner reader, dropping every CR that comes right before an LF. It
/// notes where each line ends (the csv crate does not count the blank lines it skips) and
/// how many double quotes it passed (an odd count means an unterminated quoted field).
pub struct LineEnds<R> {
    inner: R,
    pending_cr: bool,
    offset: u64,
    newlines: Vec<u64>,
    quotes: u64,
}

impl<R> LineEnds<R> {
    fn new(inner: R) -> Self {
        LineEnds {
            inner,
            pending_cr: false,
            offset: 0,
            newlines: Vec::new(),
            quotes: 0,
        }
    }

    /// The line (from 1) of the first non-blank line at or after byte `offset` of what
    /// was read: where a record that starts at `offset` (blank lines before it skipped) is.
    pub fn line_of(&self, mut offset: u64) -> u64 {
        let mut index = self.newlines.partition_point(|&nl| nl < offset);
        while self.newlines.get(index) == Some(&offset) {
            offset += 1;
            index += 1;
        }
        index as u64 + 1
    }

    /// Whether a quoted field was left open.
    pub fn open_quote(&self) -> bool {
        self.quotes % 2 == 1
    }
}

impl<R: BufRead> Read for LineEnds<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let mut n = 0;
        while n < out.len() {
            let buf = self.inner.fill_buf()?;
            if buf.is_empty() {
                if self.pending_cr {
                    out[n] = b'\r';
                    n += 1;
                    self.pending_cr = false;
                }
                break;
            }
            let mut used = 0;
            for &b in buf {
                if n == out.len() {
                    break;
                }
                if self.pending_cr {
                    self.pending_cr = false;
                    if b != b'\n' {
                        out[n] = b'\r';
                        n += 1;
                        if n == out.len() {
                            break; // `b` is read again on the next call
                        }
                    }
                }
                used += 1;
                if b == b'\r' {
                    self.pending_cr = true;
                } else {
                    out[n] = b;
                    n += 1;
                }
            }
            self.inner.consume(used);
            if n > 0 {
                break;
            }
        }
        for (i, &b) in out[..n].iter().enumerate() {
            match b {
                b'\n' => self.newlines.push(self.offset + i as u64),
                b'"' => self.quotes += 1,
                _ => {}
            }
        }
        self.offset += n as u64;
        Ok(n)
    }
}

/// Where each known column sits in a CSV's header; problems for unknown, repeated or
/// missing columns.
pub struct Columns {
    index: HashMap<&'static str, usize>,
}

impl Columns {
    pub fn from_header(
        header: &csv::StringRecord,
        known: &[&'static str],
        required: &[&'static str],
        ignore_extra: bool,
        file: &str,
        problems: &mut Vec<Problem>,
    ) -> Columns {
        let mut index = HashMap::new();
        for (i, name) in header.iter().enumerate() {
            let name = name.trim();
            match known.iter().find(|k| k.eq_ignore_ascii_case(name)) {
                Some(k) => {
                    if index.insert(*k, i).is_some() {
                        problems.push(Problem::new(file, Some(1), Some(k), "column appears twice"));
                    }
                }
                None if ignore_extra => {}
                None => problems.push(Problem::new(
                    file,
                    Some(1),
                    Some(if name.is_empty() { "(empty)" } else { name }),
                    format!(
                        "unknown column (known: {}; --ignore-extra skips unknown columns)",
                        known.join(", ")
                    ),
                )),
            }
        }
        for req in required {
            if !index.contains_key(req) {
                problems.push(Problem::new(
                    file,
                    Some(1),
                    Some(req),
                    "required column is missing from the header",
                ));
            }
        }
        Columns { index }
    }

    /// The trimmed value of a column in a row, if the column exists and is not empty.
    pub fn get<'r>(&self, record: &'r csv::StringRecord, column: &str) -> Option<&'r str> {
        let v = record.get(*self.index.get(column)?)?.trim();
        (!v.is_empty()).then_some(v)
    }
}

/// Reads a CSV's header and rows with the shared rules: BOM dropped, CRLF or LF, every row
/// the header's width, UTF-8. Calls `row` for each row; collects every problem.
pub fn read_rows<R: Read>(
    input: R,
    file: &str,
    known: &[&'static str],
    required: &[&'static str],
    ignore_extra: bool,
    mut row: impl FnMut(&Columns, &csv::StringRecord, u64, &mut Vec<Problem>),
) -> Result<()> {
    let mut problems = Vec::new();
    let input = without_bom(input).map_err(|e| Error::io(file, e))?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(input);
    let mut record = csv::StringRecord::new();
    let header = match reader.read_record(&mut record) {
        Ok(true) => record.clone(),
        Ok(false) => {
            return Err(Error::invalid(Problem::new(
                file,
                Some(1),
                None,
                format!("empty file: expected a header row ({})", known.join(",")),
            )))
        }
        Err(e) => return Err(Error::invalid(csv_problem(file, &e, Some(1)))),
    };
    let columns = Columns::from_header(&header, known, required, ignore_extra, file, &mut problems);
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    let mut last_line = 1;
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let line = record
                    .position()
                    .map_or(0, |p| reader.get_ref().line_of(p.byte()));
                last_line = line;
                if record.len() == 1 && record.get(0) == Some("") {
                    continue; // a blank line
                }
                if record.len() != header.len() {
                    problems.push(Problem::new(
                        file,
                        Some(line),
                        None,
                        format!(
                            "{} fields, but the header has {}",
                            record.len(),
                            header.len()
                        ),
                    ));
                    continue;
                }
                row(&columns, &record, line, &mut problems);
            }
            Err(e) => {
                let line = e.position().map(|p| reader.get_ref().line_of(p.byte()));
                problems.push(csv_problem(file, &e, line));
                if !matches!(e.kind(), csv::ErrorKind::Utf8 { .. }) {
                    break;
                }
            }
        }
    }
    if reader.get_ref().open_quote() {
        problems.push(Problem::new(
            file,
            Some(last_line),
            None,
            "unterminated quoted field: a \" opens a value that never closes",
        ));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Error::Invalid(problems))
    }
}

fn csv_problem(file: &str, e: &csv::Error, line: Option<u64>) -> Problem {
    let message = match e.kind() {
        csv::ErrorKind::Utf8 { .. } => "not valid UTF-8".to_string(),
        csv::ErrorKind::Io(io) => io.to_string(),
        _ => e.to_string(),
    };
    Problem::new(file, line, None, message)
}

/// Checks an optional ISO 8601 date column.
pub fn date_column(
    columns: &Columns,
    record: &csv::StringRecord,
    column: &'static str,
    file: &str,
    line: u64,
    problems: &mut Vec<Problem>,
) -> Option<LedgerDate> {
    let value = columns.get(record, column)?;
    match LedgerDate::parse_iso(value) {
        Ok(d) => Some(d),
        Err(_) => {
            problems.push(Problem::new(
                file,
                Some(line),
                Some(column),
                format!("'{value}' is not an ISO 8601 date (YYYY-MM-DD)"),
            ));
            None
        }
    }
}

fn valid_id(id: &str) -> bool {
    id.len() <= 64
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/' | ':'))
}

/// Reads and validates an instruments CSV: `id,title` required; `short_title`, `aliases`
/// (`|`-separated), `depositary`, `adopted`, `opened`, `in_force`, `url` optional.
pub fn read_instruments<R: Read>(
    input: R,
    file: &str,
    ignore_extra: bool,
) -> Result<Vec<Located<Instrument>>> {
    let mut rows = Vec::new();
    for_each_instrument(input, file, ignore_extra, |row| {
        rows.push(row);
        Ok(())
    })?;
    Ok(rows)
}

/// Streams an instruments CSV: calls `each` with every valid row as it is read, and ends
/// with every problem found (`Error::Invalid`), so that a caller writing rows in a
/// transaction can roll it back. An error from `each` stops the reading.
pub fn for_each_instrument<R: Read>(
    input: R,
    file: &str,
    ignore_extra: bool,
    mut each: impl FnMut(Located<Instrument>) -> Result<()>,
) -> Result<()> {
    let mut seen: HashMap<Box<str>, u64> = HashMap::new();
    let mut failed: Option<Error> = None;
    let read = read_rows(
        input,
        file,
        &INSTRUMENT_COLUMNS,
        &INSTRUMENT_REQUIRED,
        ignore_extra,
        |columns, record, line, problems| {
            if failed.is_some() {
                return;
            }
            let before = problems.len();
            let id = columns.get(record, "id").unwrap_or("");
            if id.is_empty() {
                problems.push(Problem::new(file, Some(line), Some("id"), "empty id"));
            } else if !valid_id(id) {
                problems.push(Problem::new(
                    file,
                    Some(line),
                    Some("id"),
                    format!(
                        "'{id}' is not a valid id (letters, digits and - _ . / : only, at most 64)"
                    ),
                ));
            } else if let Some(first) = seen.insert(id.into(), line) {
                problems.push(Problem::new(
                    file,
                    Some(line),
                    Some("id"),
                    format!("duplicate id '{id}' (first on line {first})"),
                ));
            }
            let title = columns.get(record, "title").unwrap_or("");
            if title.is_empty() {
                problems.push(Problem::new(file, Some(line), Some("title"), "empty title"));
            }
            let mut date = |column: &'static str| {
                date_column(columns, record, column, file, line, problems).map(|d| d.to_string())
            };
            let adopted = date("adopted");
            let opened = date("opened");
            let in_force = date("in_force");
            if problems.len() != before {
                return;
            }
            let text = |c: &str| columns.get(record, c).map(str::to_string);
            let row = Located {
                line,
                value: Instrument {
                    id: id.to_string(),
                    title: title.to_string(),
                    short_title: text("short_title"),
                    aliases: columns
                        .get(record, "aliases")
                        .map(|a| {
                            a.split('|')
                                .map(str::trim)
                                .filter(|s| !s.is_empty())
                                .map(str::to_string)
                                .collect()
                        })
                        .unwrap_or_default(),
                    depositary: text("depositary"),
                    adopted,
                    opened,
                    in_force,
                    url: text("url"),
                },
            };
            if let Err(e) = each(row) {
                failed = Some(e);
            }
        },
    );
    match failed {
        Some(e) => Err(e),
        None => read,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(csv: &str) -> Vec<String> {
        match read_instruments(csv.as_bytes(), "t.csv", false) {
            Err(Error::Invalid(p)) => p.iter().map(Problem::to_string).collect(),
            other => panic!("expected problems, got {other:?}"),
        }
    }

    #[test]
    fn reads_bom_crlf_and_aliases() {
        let csv = "\u{feff}id,title,aliases,in_force\r\nX-1,A title,One| Two ,2020-01-02\r\n";
        let rows = read_instruments(csv.as_bytes(), "t.csv", false).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].line, 2);
        assert_eq!(rows[0].value.aliases, vec!["One", "Two"]);
        assert_eq!(rows[0].value.in_force.as_deref(), Some("2020-01-02"));
    }

    #[test]
    fn reports_every_problem_with_line_and_column() {
        let p = problems("id,title,opened\nA,ok,2020-02-30\nB,,\nA,dup,\n");
        assert_eq!(
            p,
            vec![
                "t.csv:2: opened: '2020-02-30' is not an ISO 8601 date (YYYY-MM-DD)",
                "t.csv:3: title: empty title",
                "t.csv:4: id: duplicate id 'A' (first on line 2)",
            ]
        );
    }

    #[test]
    fn line_ends_are_normalised_across_reads() {
        let input = "a\r\nb\rc\r\n\r";
        for cap in [1, 2, 3, 64] {
            let mut reader = LineEnds::new(BufReader::with_capacity(cap, input.as_bytes()));
            let mut out = String::new();
            let mut chunk = [0u8; 2];
            loop {
                let n = reader.read(&mut chunk).unwrap();
                if n == 0 {
                    break;
                }
                out.push_str(std::str::from_utf8(&chunk[..n]).unwrap());
            }
            assert_eq!(out, "a\nb\rc\n\r", "buffer {cap}");
        }
    }

    #[test]
    fn header_problems() {
        assert_eq!(
            problems("id,name\n"),
            vec![
                "t.csv:1: name: unknown column (known: id, title, short_title, aliases, depositary, adopted, opened, in_force, url; --ignore-extra skips unknown columns)",
                "t.csv:1: title: required column is missing from the header",
            ]
        );
        assert_eq!(
            problems("id,title\nA,b,c\n"),
            vec!["t.csv:2: 3 fields, but the header has 2"]
        );
        assert!(read_instruments("id,title,x\nA,b,c\n".as_bytes(), "t", true).is_ok());
    }
}
