//! CSV import of instruments (and, with `records`, official status tables): reading and
//! validating rows. Every problem in a file is found before anything is written; the
//! ledger module writes the rows in one transaction.

pub mod generic;
pub mod records;
pub mod untc;

use std::collections::VecDeque;
use std::hash::{BuildHasher, RandomState};
use std::io::{BufRead, BufReader, Read};
use std::sync::mpsc::sync_channel;

use hashbrown::HashTable;

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
/// how many double quotes it passed (an odd count means an unterminated quoted field), and
/// with [`LineEnds::keep_text`] keeps what it read, so that a row's own text can be quoted.
/// What lies before [`LineEnds::forget_before`] is dropped: memory does not grow with the
/// input.
pub struct LineEnds<R> {
    inner: R,
    pending_cr: bool,
    offset: u64,
    /// Offsets of the line ends read at or after the forgotten part.
    newlines: VecDeque<u64>,
    /// Line ends forgotten.
    lines_before: u64,
    quotes: u64,
    keep: bool,
    /// What was read from offset `kept_from` on (with `keep`).
    kept: Vec<u8>,
    kept_from: u64,
}

impl<R> LineEnds<R> {
    fn new(inner: R) -> Self {
        LineEnds {
            inner,
            pending_cr: false,
            offset: 0,
            newlines: VecDeque::new(),
            lines_before: 0,
            quotes: 0,
            keep: false,
            kept: Vec::new(),
            kept_from: 0,
        }
    }

    /// Keeps what is read from now on, for [`LineEnds::text`].
    pub fn keep_text(&mut self) {
        self.keep = true;
        self.kept_from = self.offset;
    }

    /// The line (from 1) of the first non-blank line at or after byte `offset` of what
    /// was read: where a record that starts at `offset` (blank lines before it skipped) is.
    /// `offset` is not before what was forgotten.
    pub fn line_of(&self, mut offset: u64) -> u64 {
        let mut index = self.newlines.partition_point(|&nl| nl < offset);
        while self.newlines.get(index) == Some(&offset) {
            offset += 1;
            index += 1;
        }
        self.lines_before + index as u64 + 1
    }

    /// The line (from 1) byte `offset` of what was read is on.
    pub fn line_at(&self, offset: u64) -> u64 {
        self.lines_before + self.newlines.partition_point(|&nl| nl < offset) as u64 + 1
    }

    /// Bytes `start..end` of what was read, if they were kept and not forgotten.
    pub fn text(&self, start: u64, end: u64) -> Option<&[u8]> {
        let from = usize::try_from(start.checked_sub(self.kept_from)?).ok()?;
        let to = usize::try_from(end.checked_sub(self.kept_from)?).ok()?;
        self.kept.get(from..to)
    }

    /// Everything kept from byte `start` on.
    pub fn text_from(&self, start: u64) -> Option<&[u8]> {
        let from = usize::try_from(start.checked_sub(self.kept_from)?).ok()?;
        self.kept.get(from..)
    }

    /// Forgets the line ends and kept text before byte `offset`: no later question asks
    /// about them.
    pub fn forget_before(&mut self, offset: u64) {
        while self.newlines.front().is_some_and(|&nl| nl < offset) {
            self.newlines.pop_front();
            self.lines_before += 1;
        }
        // Dropping the kept text only once half of it is old keeps the copying linear.
        let old = usize::try_from(offset.saturating_sub(self.kept_from))
            .unwrap_or(usize::MAX)
            .min(self.kept.len());
        if old > 0 && old >= self.kept.len() / 2 {
            self.kept.drain(..old);
            self.kept_from += old as u64;
        }
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
            if self.pending_cr {
                self.pending_cr = false;
                if buf[0] != b'\n' {
                    out[n] = b'\r';
                    n += 1;
                    if n == out.len() {
                        break; // `buf[0]` is read on the next call
                    }
                }
            }
            // Copy up to the next CR, which waits to see whether an LF follows.
            let room = &buf[..buf.len().min(out.len() - n)];
            let used = match memchr::memchr(b'\r', room) {
                Some(cr) => {
                    out[n..n + cr].copy_from_slice(&room[..cr]);
                    n += cr;
                    self.pending_cr = true;
                    cr + 1
                }
                None => {
                    out[n..n + room.len()].copy_from_slice(room);
                    n += room.len();
                    room.len()
                }
            };
            self.inner.consume(used);
            if n > 0 {
                break;
            }
        }
        let read = &out[..n];
        self.newlines
            .extend(memchr::memchr_iter(b'\n', read).map(|i| self.offset + i as u64));
        self.quotes += memchr::memchr_iter(b'"', read).count() as u64;
        if self.keep {
            self.kept.extend_from_slice(read);
        }
        self.offset += n as u64;
        Ok(n)
    }
}

/// Where each known column sits in a CSV's header; problems for unknown, repeated or
/// missing columns.
pub struct Columns {
    index: Vec<(&'static str, usize)>,
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
        let mut index: Vec<(&'static str, usize)> = Vec::new();
        for (i, name) in header.iter().enumerate() {
            let name = name.trim();
            match known.iter().find(|k| k.eq_ignore_ascii_case(name)) {
                Some(k) => {
                    if index.iter().any(|(seen, _)| seen == k) {
                        problems.push(Problem::new(file, Some(1), Some(k), "column appears twice"));
                        if let Some(slot) = index.iter_mut().find(|(seen, _)| seen == k) {
                            slot.1 = i; // the last one counts, as a map would keep it
                        }
                    } else {
                        index.push((k, i));
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
            if !index.iter().any(|(seen, _)| seen == req) {
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

    /// Where a column is in the header, if it is there.
    pub fn position(&self, column: &str) -> Option<usize> {
        self.index
            .iter()
            .find(|(name, _)| *name == column)
            .map(|(_, i)| *i)
    }

    /// The trimmed value of a column in a row, if the column exists and is not empty.
    pub fn get<'r>(&self, record: &'r csv::StringRecord, column: &str) -> Option<&'r str> {
        value_at(record, self.position(column))
    }
}

/// The trimmed value at a column's [`Columns::position`] in a row, if the column exists and
/// is not empty: for a reader that looks its columns up once, not by name in every row.
pub fn value_at(record: &csv::StringRecord, position: Option<usize>) -> Option<&str> {
    let v = record.get(position?)?.trim();
    (!v.is_empty()).then_some(v)
}

/// A CSV read with the shared rules: BOM dropped, CRLF or LF, every row the header's
/// width, UTF-8. Rows come one at a time ([`Rows::next_row`]); problems are collected as they
/// are met and returned by [`Rows::finish`].
///
/// With `keep_text` each row comes with its own text, and a byte that is not UTF-8 is the
/// one problem reported, at its own line, wherever it is (the header's problems
/// included): a file whose text cannot be kept is refused as a whole.
pub struct Rows<'f, R: Read> {
    file: &'f str,
    reader: csv::Reader<LineEnds<BufReader<R>>>,
    width: usize,
    columns: Columns,
    record: csv::StringRecord,
    problems: Vec<Problem>,
    last_line: u64,
    /// Whether each row's text is kept ([`Row::text`]).
    keep: bool,
    /// The reading is over (the end, or a CSV error other than UTF-8 in the rows).
    done: bool,
    /// With `keep_text`: the first byte that is not UTF-8.
    not_utf8: Option<Problem>,
}

/// What [`Rows::next_row`] read.
pub enum Record<'r> {
    /// A row of the header's width.
    Row(Row<'r>),
    /// A row of another width (reported as a problem already).
    Ragged(&'r csv::StringRecord),
}

/// One row of the header's width.
pub struct Row<'r> {
    pub columns: &'r Columns,
    pub record: &'r csv::StringRecord,
    /// The line the row starts on.
    pub line: u64,
    /// The row as it stands in the input (LF line ends, without its own), when kept.
    pub text: Option<&'r str>,
    /// Where this row's problems go.
    pub problems: &'r mut Vec<Problem>,
}

impl<'f, R: Read> Rows<'f, R> {
    /// Reads and checks the header of `input` (a problem there is an error); `keep_text`
    /// keeps the text of every row and of the header line.
    pub fn open(
        input: R,
        file: &'f str,
        known: &[&'static str],
        required: &[&'static str],
        ignore_extra: bool,
        keep_text: bool,
    ) -> Result<Rows<'f, R>> {
        let mut input = without_bom(input).map_err(|e| Error::io(file, e))?;
        if keep_text {
            input.keep_text();
        }
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
            Err(e) => {
                let mut line = 1;
                if keep_text && matches!(e.kind(), csv::ErrorKind::Utf8 { .. }) {
                    let ends = reader.get_ref();
                    if let Some(Err(bad)) = ends.text_from(0).map(std::str::from_utf8) {
                        line = ends.line_at(bad.valid_up_to() as u64);
                    }
                }
                return Err(Error::invalid(csv_problem(file, &e, Some(line))));
            }
        };
        let mut problems = Vec::new();
        let columns =
            Columns::from_header(&header, known, required, ignore_extra, file, &mut problems);
        let mut rows = Rows {
            file,
            reader,
            width: header.len(),
            columns,
            record,
            problems: Vec::new(),
            last_line: 1,
            keep: keep_text,
            done: false,
            not_utf8: None,
        };
        if !problems.is_empty() {
            if keep_text {
                rows.scan_to_end()?;
            }
            return Err(Error::Invalid(problems));
        }
        Ok(rows)
    }

    /// Reads the rest of the input without looking at the rows, only for bytes that are
    /// not UTF-8 (with `keep_text`, an error naming the first); says whether any row of
    /// the header's width was left.
    pub fn scan_to_end(&mut self) -> Result<bool> {
        let mut record = csv::ByteRecord::new();
        let mut rows = false;
        loop {
            let start = self.reader.position().byte();
            self.reader.get_mut().forget_before(start);
            match self.reader.read_byte_record(&mut record) {
                Ok(false) => break,
                Ok(true) => {
                    let end = self.reader.position().byte();
                    let is_text = self
                        .reader
                        .get_ref()
                        .text(start, end)
                        .is_none_or(|t| std::str::from_utf8(t).is_ok());
                    if !is_text {
                        return Err(Error::invalid(self.not_utf8_at(start)));
                    }
                    let blank = record.len() == 1 && record.get(0) == Some(&b""[..]);
                    rows |= !blank && record.len() == self.width;
                }
                Err(e) => {
                    let line = e
                        .position()
                        .map(|p| self.reader.get_ref().line_of(p.byte()));
                    return Err(Error::invalid(csv_problem(self.file, &e, line)));
                }
            }
        }
        self.done = true;
        Ok(rows)
    }

    /// The problem for a byte that is not UTF-8 at or after byte `start` of the kept text,
    /// named by the line of that byte.
    fn not_utf8_at(&self, start: u64) -> Problem {
        let ends = self.reader.get_ref();
        let line = ends.text_from(start).map(|t| match std::str::from_utf8(t) {
            Ok(_) => ends.line_of(start),
            Err(e) => ends.line_at(start + e.valid_up_to() as u64),
        });
        Problem::new(self.file, line, None, "not valid UTF-8")
    }

    /// The header line as it stands in the input (with `keep_text`; else empty).
    pub fn header_line(&self) -> &str {
        let kept = self.reader.get_ref().text_from(0).unwrap_or_default();
        let line = kept.split(|&b| b == b'\n').next().unwrap_or_default();
        std::str::from_utf8(line).unwrap_or_default()
    }

    /// The next row (blank lines skipped), or `None` at the end of the input or after a
    /// CSV error that ends the reading.
    pub fn next_row(&mut self) -> Option<Record<'_>> {
        loop {
            if self.done {
                return None;
            }
            if self.keep {
                // Nothing before the end of the last row is asked about again.
                let end = self.reader.position().byte();
                self.reader.get_mut().forget_before(end);
            }
            match self.reader.read_record(&mut self.record) {
                Ok(false) => {
                    self.done = true;
                    return None;
                }
                Ok(true) => {
                    let start = self.record.position().map_or(0, |p| p.byte());
                    let line = self.reader.get_ref().line_of(start);
                    self.last_line = line;
                    if self.record.len() == 1 && self.record.get(0) == Some("") {
                        continue; // a blank line
                    }
                    if self.record.len() != self.width {
                        self.problems.push(Problem::new(
                            self.file,
                            Some(line),
                            None,
                            format!(
                                "{} fields, but the header has {}",
                                self.record.len(),
                                self.width
                            ),
                        ));
                        return Some(Record::Ragged(&self.record));
                    }
                    let text = if self.keep {
                        let end = self.reader.position().byte();
                        self.reader
                            .get_ref()
                            .text(start, end)
                            .and_then(|t| std::str::from_utf8(t).ok())
                            .map(|t| t.trim_end_matches(['\n', '\r']))
                    } else {
                        None
                    };
                    return Some(Record::Row(Row {
                        columns: &self.columns,
                        record: &self.record,
                        line,
                        text,
                        problems: &mut self.problems,
                    }));
                }
                Err(e) => {
                    let start = e.position().map(|p| p.byte());
                    let utf8 = matches!(e.kind(), csv::ErrorKind::Utf8 { .. });
                    if utf8 && self.keep {
                        self.not_utf8 = Some(self.not_utf8_at(start.unwrap_or(0)));
                        self.done = true;
                        return None;
                    }
                    let line = start.map(|p| self.reader.get_ref().line_of(p));
                    self.problems.push(csv_problem(self.file, &e, line));
                    if !utf8 {
                        self.done = true;
                    }
                }
            }
        }
    }

    /// Where the header's known columns are.
    pub fn columns(&self) -> &Columns {
        &self.columns
    }

    /// The problems found in the rows; an error when the input is refused as a whole (with
    /// `keep_text`, a byte that is not UTF-8: that one problem).
    pub fn problems(mut self) -> Result<Vec<Problem>> {
        if let Some(problem) = self.not_utf8.take() {
            return Err(Error::invalid(problem));
        }
        if self.reader.get_ref().open_quote() {
            self.problems.push(Problem::new(
                self.file,
                Some(self.last_line),
                None,
                "unterminated quoted field: a \" opens a value that never closes",
            ));
        }
        Ok(self.problems)
    }

    /// Every problem found, or `Ok` if none.
    pub fn finish(self) -> Result<()> {
        let problems = self.problems()?;
        if problems.is_empty() {
            Ok(())
        } else {
            Err(Error::Invalid(problems))
        }
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
    checked_date(columns.get(record, column), column, file, line, problems)
}

/// Checks an optional ISO 8601 date, the value of `column` on `line`: its date, or `None`
/// with a problem naming the line and the column when it is not one.
pub fn checked_date(
    value: Option<&str>,
    column: &'static str,
    file: &str,
    line: u64,
    problems: &mut Vec<Problem>,
) -> Option<LedgerDate> {
    let value = value?;
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
pub fn read_instruments<R: Read + Send>(
    input: R,
    file: &str,
    ignore_extra: bool,
) -> Result<Vec<Located<Instrument>>> {
    let mut rows = Vec::new();
    for_each_instrument(input, file, ignore_extra, |row| {
        rows.push(row.clone());
        Ok(())
    })?;
    Ok(rows)
}

/// The ids met so far in a file with the line each was first on, held compactly for files
/// of millions of rows: the ids one after another in one string, and a hash table of their
/// indices, each with 32 bits of its id's hash (about 35 bytes an id, where a map of boxed
/// strings takes over 100 at its peak). The table grows without reading an id again: its
/// entries carry the hash that places them, where rehashing every id as the table doubled
/// was a read of two random places each, a tenth of the reading thread's time at 1M rows.
#[derive(Default)]
struct SeenIds {
    text: String,
    /// Where each id ends in `text`, and its line.
    ids: Vec<(usize, u64)>,
    /// (32 bits of the id's hash, the id's index in `ids`).
    table: HashTable<(u32, u32)>,
    hasher: RandomState,
}

/// More ids than [`SeenIds`] numbers (`u32::MAX`): a file to split.
#[derive(Debug, PartialEq, Eq)]
struct TooManyIds;

/// The `k`th id of [`SeenIds`].
fn nth_id<'a>(text: &'a str, ids: &[(usize, u64)], k: u32) -> &'a str {
    let k = k as usize;
    let start = k.checked_sub(1).map_or(0, |p| ids[p].0);
    &text[start..ids[k].0]
}

/// The table's hash of an entry: its 32 bits in both halves, so that both the bucket (low
/// bits) and the tag hashbrown keeps (the top 7) come from them.
fn spread(hash: u32) -> u64 {
    u64::from(hash) << 32 | u64::from(hash)
}

impl SeenIds {
    /// Records `id` as met on `line`; if it was met before, the line it was first on.
    fn insert(&mut self, id: &str, line: u64) -> Result<Option<u64>, TooManyIds> {
        let Self {
            text,
            ids,
            table,
            hasher,
        } = self;
        let hash = (hasher.hash_one(id) >> 32) as u32;
        let same = |&(h, k): &(u32, u32)| h == hash && nth_id(text, ids, k) == id;
        if let Some(&(_, k)) = table.find(spread(hash), same) {
            return Ok(Some(ids[k as usize].1));
        }
        let k = u32::try_from(ids.len()).map_err(|_| TooManyIds)?;
        text.push_str(id);
        ids.push((text.len(), line));
        table.insert_unique(spread(hash), (hash, k), |&(h, _)| spread(h));
        Ok(None)
    }
}

/// Valid rows handed over from the reading thread to the caller's at a time.
const HANDOVER: usize = 1024;

/// Batches under way between the two threads, each way.
const BATCHES_AHEAD: usize = 4;

/// Streams an instruments CSV: calls `each` with every valid row as it is read, and ends
/// with every problem found (`Error::Invalid`), so that a caller writing rows in a
/// transaction can roll it back. An error from `each` stops the reading.
///
/// The rows are read and validated on a thread of their own, a batch ahead, while `each`
/// runs on the calling thread (where the caller's transaction is): writing, which takes
/// two thirds of an import, no longer waits for reading. `each` borrows the rows; a batch
/// it is done with goes back to the reading thread, which writes the next rows over them
/// in place (see [`Batch`]).
pub fn for_each_instrument<R: Read + Send>(
    input: R,
    file: &str,
    ignore_extra: bool,
    mut each: impl FnMut(&Located<Instrument>) -> Result<()>,
) -> Result<()> {
    let (to_caller, batches) = sync_channel::<Batch>(BATCHES_AHEAD);
    let (to_reader, spent) = sync_channel::<Batch>(BATCHES_AHEAD);
    std::thread::scope(|scope| {
        let reading = scope.spawn(move || {
            let next_batch = || match spent.try_recv() {
                Ok(mut batch) => {
                    batch.len = 0;
                    batch
                }
                Err(_) => Batch::default(),
            };
            let mut batch = next_batch();
            let read = validate_instruments(input, file, ignore_extra, |line, fields| {
                batch.fill_next(line, &fields);
                if batch.len == HANDOVER {
                    let full = std::mem::replace(&mut batch, next_batch());
                    if to_caller.send(full).is_err() {
                        // The caller stopped on an error of its own, which is the one told.
                        return Err(Error::Usage(format!("{file}: reading stopped")));
                    }
                }
                Ok(())
            });
            if batch.len > 0 {
                let _ = to_caller.send(batch);
            }
            read
        });
        let mut written = Ok(());
        for batch in &batches {
            written = batch.rows().iter().try_for_each(&mut each);
            // Back to the reading thread; once it is done, or has batches enough, freed here.
            let _ = to_reader.try_send(batch);
            if written.is_err() {
                break;
            }
        }
        // Hang up, so that a reading thread waiting to send sees the caller gone.
        drop(batches);
        let read = match reading.join() {
            Ok(read) => read,
            Err(panic) => std::panic::resume_unwind(panic),
        };
        written.and(read)
    })
}

/// Rows on their way from the reading thread to the caller's: the first `len` of `rows`.
/// A spent batch comes back to the reading thread, which writes the next rows over the old
/// ones in place, so that the strings' allocations serve again (a row of nine strings was
/// allocated by one thread and freed by the other, a tenth of an import's instructions).
#[derive(Default)]
struct Batch {
    rows: Vec<Located<Instrument>>,
    len: usize,
}

impl Batch {
    fn rows(&self) -> &[Located<Instrument>] {
        &self.rows[..self.len]
    }

    /// Writes a valid row after the batch's others, over an old one where there is one.
    fn fill_next(&mut self, line: u64, fields: &InstrumentFields) {
        if self.len == self.rows.len() {
            self.rows.push(Located {
                line,
                value: Instrument {
                    id: String::new(),
                    title: String::new(),
                    short_title: None,
                    aliases: Vec::new(),
                    depositary: None,
                    adopted: None,
                    opened: None,
                    in_force: None,
                    url: None,
                },
            });
        }
        let row = &mut self.rows[self.len];
        self.len += 1;
        row.line = line;
        let i = &mut row.value;
        fill(&mut i.id, fields.id);
        fill(&mut i.title, fields.title);
        fill_option(&mut i.short_title, fields.short_title);
        let aliases = fields
            .aliases
            .into_iter()
            .flat_map(|a| a.split('|').map(str::trim).filter(|s| !s.is_empty()));
        let mut kept = 0;
        for alias in aliases {
            match i.aliases.get_mut(kept) {
                Some(old) => fill(old, alias),
                None => i.aliases.push(alias.to_string()),
            }
            kept += 1;
        }
        i.aliases.truncate(kept);
        fill_option(&mut i.depositary, fields.depositary);
        fill_option(&mut i.adopted, fields.adopted);
        fill_option(&mut i.opened, fields.opened);
        fill_option(&mut i.in_force, fields.in_force);
        fill_option(&mut i.url, fields.url);
    }
}

/// `to` made `value`, in the allocation it has when that is large enough.
fn fill(to: &mut String, value: &str) {
    to.clear();
    to.push_str(value);
}

/// [`fill`] for an optional value.
fn fill_option(to: &mut Option<String>, value: Option<&str>) {
    match (to.as_mut(), value) {
        (Some(old), Some(value)) => fill(old, value),
        (None, Some(value)) => *to = Some(value.to_string()),
        (_, None) => *to = None,
    }
}

/// The fields of a valid instruments row, as the CSV gives them (trimmed; `aliases` as
/// written, `|`-separated).
struct InstrumentFields<'r> {
    id: &'r str,
    title: &'r str,
    short_title: Option<&'r str>,
    aliases: Option<&'r str>,
    depositary: Option<&'r str>,
    adopted: Option<&'r str>,
    opened: Option<&'r str>,
    in_force: Option<&'r str>,
    url: Option<&'r str>,
}

/// [`for_each_instrument`]'s reading and validation, on the thread that calls it.
fn validate_instruments<R: Read>(
    input: R,
    file: &str,
    ignore_extra: bool,
    mut each: impl FnMut(u64, InstrumentFields) -> Result<()>,
) -> Result<()> {
    let mut seen = SeenIds::default();
    let mut rows = Rows::open(
        input,
        file,
        &INSTRUMENT_COLUMNS,
        &INSTRUMENT_REQUIRED,
        ignore_extra,
        false,
    )?;
    // Each column's place, looked up once: by name in every row, it took 5% of the reading.
    let [id_at, title_at, short_title_at, aliases_at, depositary_at, adopted_at, opened_at, in_force_at, url_at] =
        INSTRUMENT_COLUMNS.map(|c| rows.columns().position(c));
    while let Some(next) = rows.next_row() {
        let Record::Row(Row {
            record,
            line,
            problems,
            ..
        }) = next
        else {
            continue;
        };
        let before = problems.len();
        let id = value_at(record, id_at).unwrap_or("");
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
        } else {
            match seen.insert(id, line) {
                Ok(None) => {}
                Ok(Some(first)) => problems.push(Problem::new(
                    file,
                    Some(line),
                    Some("id"),
                    format!("duplicate id '{id}' (first on line {first})"),
                )),
                Err(TooManyIds) => problems.push(Problem::new(
                    file,
                    Some(line),
                    Some("id"),
                    format!("more than {} ids in one file; split it", u32::MAX),
                )),
            }
        }
        let title = value_at(record, title_at).unwrap_or("");
        if title.is_empty() {
            problems.push(Problem::new(file, Some(line), Some("title"), "empty title"));
        }
        // A valid date's text is its own ISO form (`parse_iso` takes no other), kept as given.
        let mut date = |at: Option<usize>, column: &'static str| {
            let value = value_at(record, at);
            checked_date(value, column, file, line, problems).and(value)
        };
        let adopted = date(adopted_at, "adopted");
        let opened = date(opened_at, "opened");
        let in_force = date(in_force_at, "in_force");
        if problems.len() != before {
            continue;
        }
        let row = InstrumentFields {
            id,
            title,
            short_title: value_at(record, short_title_at),
            aliases: value_at(record, aliases_at),
            depositary: value_at(record, depositary_at),
            adopted,
            opened,
            in_force,
            url: value_at(record, url_at),
        };
        each(line, row)?;
    }
    rows.finish()
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
    fn seen_ids_name_the_first_line_of_each_id_among_many() {
        let mut seen = SeenIds::default();
        // Enough ids for the table to grow many times; ids that are prefixes of others.
        for k in 0..50_000u64 {
            assert_eq!(seen.insert(&format!("I-{k}"), k + 2), Ok(None), "I-{k}");
        }
        assert_eq!(seen.insert("I-1", 70_000), Ok(Some(3)));
        assert_eq!(seen.insert("I-49999", 70_001), Ok(Some(50_001)));
        assert_eq!(seen.insert("I-12", 70_002), Ok(Some(14)));
        assert_eq!(seen.insert("I-", 70_003), Ok(None));
        assert_eq!(seen.insert("I-", 70_004), Ok(Some(70_003)));
        // Every id placed when the table was smaller is still found after it grew.
        for k in (0..50_000u64).step_by(997) {
            assert_eq!(
                seen.insert(&format!("I-{k}"), 80_000),
                Ok(Some(k + 2)),
                "I-{k}"
            );
        }
    }

    #[test]
    fn rows_come_in_order_and_an_error_of_the_caller_stops_the_reading() {
        // Enough batches for spent ones to come back to the reading thread and be refilled,
        // with rows whose optional fields and aliases come and go, so that a refilled row
        // must lose what the row before it in that place had. HANDOVER is no multiple of
        // three: a place holds rows of every kind in turn.
        let n = (2 * BATCHES_AHEAD + 3) * HANDOVER + 7;
        let line_of = |k: usize| match k % 3 {
            0 => format!("T-{k},Treaty {k},,,,\n"),
            1 => format!(
                "T-{k},Treaty {k},Short {k},A {k}|B {k}|C {k},2001-02-03,https://t.example/{k}\n"
            ),
            _ => format!("T-{k},Treaty {k},,D {k},,\n"),
        };
        let csv: String =
            std::iter::once("id,title,short_title,aliases,in_force,url\n".to_string())
                .chain((0..n).map(line_of))
                .collect();
        let mut lines = Vec::new();
        for_each_instrument(csv.as_bytes(), "t.csv", false, |row| {
            let k = (row.line - 2) as usize;
            let i = &row.value;
            assert_eq!(i.id, format!("T-{k}"));
            assert_eq!(i.title, format!("Treaty {k}"));
            let (short, aliases, in_force, url) = match k % 3 {
                0 => (None, vec![], None, None),
                1 => (
                    Some(format!("Short {k}")),
                    vec![format!("A {k}"), format!("B {k}"), format!("C {k}")],
                    Some("2001-02-03".to_string()),
                    Some(format!("https://t.example/{k}")),
                ),
                _ => (None, vec![format!("D {k}")], None, None),
            };
            assert_eq!(i.short_title, short, "line {}", row.line);
            assert_eq!(i.aliases, aliases, "line {}", row.line);
            assert_eq!(i.in_force, in_force, "line {}", row.line);
            assert_eq!(i.url, url, "line {}", row.line);
            assert_eq!(
                (&i.depositary, &i.adopted, &i.opened),
                (&None, &None, &None)
            );
            lines.push(row.line);
            Ok(())
        })
        .expect("reads");
        assert_eq!(lines, (2..n as u64 + 2).collect::<Vec<_>>());

        let mut calls = 0;
        let e = for_each_instrument(csv.as_bytes(), "t.csv", false, |row| {
            calls += 1;
            if row.value.id == "T-1500" {
                return Err(Error::Usage("the caller's own error".into()));
            }
            Ok(())
        })
        .expect_err("stops");
        assert_eq!(calls, 1501);
        assert_eq!(e.to_string(), "the caller's own error");
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
    fn a_date_that_parses_is_written_as_it_was_read() {
        for text in ["2020", "2020-02", "2020-02-29", "1999-12-31", "0001-01-01"] {
            let date = LedgerDate::parse_iso(text).expect(text);
            assert_eq!(date.to_string(), text);
        }
    }

    #[test]
    fn kept_text_and_line_ends_are_forgotten_behind_the_reading() {
        let input = "h\r\na\r\n\r\nb\nc".repeat(1000);
        let mut reader = LineEnds::new(BufReader::with_capacity(7, input.as_bytes()));
        reader.keep_text();
        let mut out = Vec::new();
        let mut chunk = [0u8; 5];
        let mut most_kept = 0;
        loop {
            let n = reader.read(&mut chunk).unwrap();
            if n == 0 {
                break;
            }
            out.extend_from_slice(&chunk[..n]);
            let at = out.len() as u64;
            // Every line so far is counted, whether its line end is kept or forgotten.
            let lines = 1 + out.iter().filter(|&&b| b == b'\n').count() as u64;
            assert_eq!(reader.line_at(at), lines);
            if at > 3 {
                assert_eq!(reader.text(at - 3, at), Some(&out[out.len() - 3..]));
            }
            reader.forget_before(at.saturating_sub(3));
            most_kept = most_kept.max(reader.kept.len());
        }
        assert_eq!(out, input.replace("\r\n", "\n").as_bytes());
        assert!(most_kept < 64, "kept {most_kept} bytes");
        assert!(reader.newlines.len() < 8);
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
