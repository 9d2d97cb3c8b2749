//! Reading inputs into [`Document`]s: plain text with a dateline, HTML pages, JSON Lines.
//!
//! One file per foreign format (`text.rs`, `html.rs`, `jsonl.rs`), each behind the
//! [`Reader`] trait and chosen by [`Format`]. This module finds the files, checks their
//! bytes, applies command-line [`Overrides`] and says what identifies a document
//! ([`normalise`], [`content_hash`]). It knows nothing of sentences, claims or the ledger.

mod html;
mod jsonl;
mod text;

use std::collections::HashSet;
use std::fmt;
use std::fs::{self, File};
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, NaiveDateTime};
use sha2::{Digest, Sha256};

pub use self::html::{read_html, HtmlReader};
pub use self::jsonl::{read_jsonl, JsonlDocuments, JsonlReader};
pub use self::text::{read_text, TextReader};

use crate::error::{Error, Problem};
use crate::model::Document;

/// The documents of one input, produced one at a time. A bad document (a malformed JSON
/// line) is an `Err` in the stream; the caller decides whether to stop or go on.
pub type Documents = Box<dyn Iterator<Item = Result<Document, Problem>> + Send>;

/// A foreign document format. Each lives in its own file and turns one input stream into
/// documents: one for a text or an HTML file, one per line for JSON Lines.
pub trait Reader {
    /// The format this reader reads.
    const FORMAT: Format;

    /// The documents of one input. `origin` names it in documents and problems.
    fn documents<R: BufRead + Send + 'static>(origin: &str, input: R) -> Documents;
}

/// The input formats, each read by one [`Reader`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Text,
    Html,
    Jsonl,
}

impl Format {
    pub const ALL: &'static [Format] = &[Format::Text, Format::Html, Format::Jsonl];

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Html => "html",
            Format::Jsonl => "jsonl",
        }
    }

    /// The documents of one input stream in this format (dispatch to its reader).
    pub fn documents<R: BufRead + Send + 'static>(self, origin: &str, input: R) -> Documents {
        match self {
            Format::Text => TextReader::documents(origin, input),
            Format::Html => HtmlReader::documents(origin, input),
            Format::Jsonl => JsonlReader::documents(origin, input),
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Format {
    type Err = Error;
    /// Reads `text` (`txt`), `html` (`htm`), `jsonl` (`ndjson`), in any case.
    fn from_str(s: &str) -> Result<Self, Error> {
        match s.trim().to_ascii_lowercase().as_str() {
            "text" | "txt" => Ok(Format::Text),
            "html" | "htm" => Ok(Format::Html),
            "jsonl" | "ndjson" => Ok(Format::Jsonl),
            _ => Err(Error::UnknownWord {
                what: "format",
                given: s.to_string(),
                expected: "text, html, jsonl".into(),
            }),
        }
    }
}

/// Metadata given on the command line: overrides or supplies what the document says.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Overrides {
    pub published: Option<NaiveDate>,
    pub url: Option<String>,
    pub publisher: Option<String>,
}

impl Overrides {
    /// Replaces the document's metadata by what was given.
    pub fn apply(&self, mut document: Document) -> Document {
        if let Some(published) = self.published {
            document.published = Some(published);
        }
        if let Some(url) = &self.url {
            document.url = Some(url.clone());
        }
        if let Some(publisher) = &self.publisher {
            document.publisher = Some(publisher.clone());
        }
        document
    }

    fn is_empty(&self) -> bool {
        self == &Overrides::default()
    }
}

/// One input to read: a file, or standard input (`-`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    File(PathBuf),
    Stdin,
}

impl Input {
    /// How the input is named in documents and problems: its path, or `-`.
    pub fn origin(&self) -> String {
        match self {
            Input::File(path) => path.display().to_string(),
            Input::Stdin => "-".to_string(),
        }
    }

    /// The path whose extension tells the format (`-` for standard input).
    fn path(&self) -> &Path {
        match self {
            Input::File(path) => path,
            Input::Stdin => Path::new("-"),
        }
    }
}

/// Format from the extension (`.txt`/`.text`/`.md` → text, `.html`/`.htm` → HTML,
/// `.jsonl`/`.ndjson` → JSON Lines), else sniffed from the first bytes: `<` after
/// whitespace → HTML, `{` → JSON Lines, anything else → text.
pub fn detect_format(path: &Path, head: &[u8]) -> Format {
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match extension.as_deref() {
        Some("txt" | "text" | "md") => return Format::Text,
        Some("html" | "htm" | "xhtml") => return Format::Html,
        Some("jsonl" | "ndjson") => return Format::Jsonl,
        _ => {}
    }
    let head = &head[boms_before(head)..];
    match head.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'<') => Format::Html,
        Some(b'{') => Format::Jsonl,
        _ => Format::Text,
    }
}

/// Files to read: files as given, folders walked recursively in sorted order (hidden
/// entries, whose name starts with `.`, skipped), `-` for standard input. A path that does
/// not exist is an error naming it.
pub fn walk(paths: &[PathBuf]) -> Result<Vec<Input>, Error> {
    let mut inputs = Vec::new();
    let mut visited = HashSet::new();
    for path in paths {
        if path.as_os_str() == "-" {
            inputs.push(Input::Stdin);
            continue;
        }
        let meta = fs::metadata(path).map_err(|e| missing_or_io(path, e))?;
        if meta.is_dir() {
            walk_folder(path, &mut inputs, &mut visited)?;
        } else {
            inputs.push(Input::File(path.clone()));
        }
    }
    Ok(inputs)
}

fn missing_or_io(path: &Path, e: io::Error) -> Error {
    if e.kind() == io::ErrorKind::NotFound {
        Error::invalid(Problem::new(
            path.display().to_string(),
            None,
            None,
            "no such file or folder",
        ))
    } else {
        Error::io(path, e)
    }
}

fn walk_folder(
    folder: &Path,
    inputs: &mut Vec<Input>,
    visited: &mut HashSet<PathBuf>,
) -> Result<(), Error> {
    // A symbolic link back up the tree must not send the walk round for ever.
    let real = fs::canonicalize(folder).map_err(|e| Error::io(folder, e))?;
    if !visited.insert(real) {
        return Ok(());
    }
    let mut entries = Vec::new();
    for entry in fs::read_dir(folder).map_err(|e| Error::io(folder, e))? {
        let entry = entry.map_err(|e| Error::io(folder, e))?;
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        entries.push(entry.path());
    }
    entries.sort();
    for path in entries {
        let meta = fs::metadata(&path).map_err(|e| missing_or_io(&path, e))?;
        if meta.is_dir() {
            walk_folder(&path, inputs, visited)?;
        } else {
            inputs.push(Input::File(path));
        }
    }
    Ok(())
}

const BOM: &str = "\u{feff}";

/// How many bytes of byte-order marks `bytes` start with: one mark, or more where files
/// that carried one were joined or re-saved by tools that add another.
fn boms_before(bytes: &[u8]) -> usize {
    let mut rest = bytes;
    while let Some(after) = rest.strip_prefix(BOM.as_bytes()) {
        rest = after;
    }
    bytes.len() - rest.len()
}

/// `text` without the byte-order marks it starts with ([`boms_before`]).
fn without_boms(text: &str) -> &str {
    // Whole marks, so the cut is at a character's start.
    &text[boms_before(text.as_bytes())..]
}

/// The kind of a binary file, from its first bytes.
fn binary_kind(head: &[u8]) -> Option<&'static str> {
    const MAGIC: &[(&[u8], &str)] = &[
        (b"\x89PNG\r\n\x1a\n", "PNG image"),
        (b"\xff\xd8\xff", "JPEG image"),
        (b"GIF87a", "GIF image"),
        (b"GIF89a", "GIF image"),
        (b"%PDF-", "PDF document"),
        (b"PK\x03\x04", "ZIP archive, or a .docx/.xlsx/.odt document"),
        (b"PK\x05\x06", "ZIP archive"),
        (b"\x1f\x8b", "gzip archive"),
        (b"BZh", "bzip2 archive"),
        (b"\xfd7zXZ\x00", "xz archive"),
        (b"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
        (b"\x28\xb5\x2f\xfd", "zstd archive"),
        (b"SQLite format 3\x00", "SQLite database"),
        (b"\x7fELF", "executable"),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
            "old Office document (.doc/.xls)",
        ),
    ];
    MAGIC
        .iter()
        .find(|(magic, _)| head.starts_with(magic))
        .map(|(_, kind)| *kind)
}

/// A problem with the first bytes of a file: a known binary type or UTF-16 text.
fn check_head(origin: &str, head: &[u8]) -> Result<(), Problem> {
    if let Some(kind) = binary_kind(head) {
        return Err(Problem::new(
            origin,
            None,
            None,
            format!("binary file ({kind}), not an article"),
        ));
    }
    if head.starts_with(b"\xff\xfe") || head.starts_with(b"\xfe\xff") {
        return Err(Problem::new(
            origin,
            None,
            None,
            "UTF-16 text; convert it to UTF-8 (e.g. iconv -f UTF-16 -t UTF-8)",
        ));
    }
    Ok(())
}

/// Checks raw bytes before parsing and returns them as text, without the byte-order marks
/// it starts with. Empty or whitespace-only input, binary files (a known magic number or a
/// NUL byte) and invalid UTF-8 are problems naming `origin` (and the line, for bad UTF-8).
pub fn check_text<'a>(origin: &str, bytes: &'a [u8]) -> Result<&'a str, Problem> {
    check_head(origin, bytes)?;
    if let Some(at) = memchr::memchr(0, bytes) {
        return Err(Problem::new(
            origin,
            Some(line_of(bytes, at)),
            None,
            format!("binary file (NUL byte at byte {at}), not an article"),
        ));
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let at = e.valid_up_to();
            let line = line_of(bytes, at);
            return Err(Problem::new(
                origin,
                Some(line),
                None,
                format!(
                    "not valid UTF-8 at line {line}, byte {at}; convert it to UTF-8 \
                     (e.g. iconv -f WINDOWS-1252 -t UTF-8)"
                ),
            ));
        }
    };
    let text = without_boms(text);
    if text.trim().is_empty() {
        return Err(Problem::new(origin, None, None, "empty file"));
    }
    Ok(text)
}

/// The 1-based line that byte offset `at` falls on.
fn line_of(bytes: &[u8], at: usize) -> u64 {
    let at = at.min(bytes.len());
    memchr::memchr_iter(b'\n', &bytes[..at]).count() as u64 + 1
}

/// One file of any format (told by its extension, else by its first bytes) → its
/// documents, with `overrides` applied. Text and HTML files give one document; JSON Lines
/// are streamed a line at a time, never read whole.
pub fn read_file(path: &Path, overrides: &Overrides) -> Result<Documents, Problem> {
    read_input(&Input::File(path.to_path_buf()), None, overrides)
}

/// One input (a file or standard input) → its documents. `format` overrides detection.
pub fn read_input(
    input: &Input,
    format: Option<Format>,
    overrides: &Overrides,
) -> Result<Documents, Problem> {
    let origin = input.origin();
    match input {
        Input::File(path) => {
            let cannot = |e: io::Error| {
                Problem::new(origin.as_str(), None, None, format!("cannot read: {e}"))
            };
            let meta = fs::metadata(path).map_err(cannot)?;
            if meta.is_dir() {
                return Err(Problem::new(
                    origin.as_str(),
                    None,
                    None,
                    "is a folder; use walk() to list its files",
                ));
            }
            let file = File::open(path).map_err(cannot)?;
            read_stream(&origin, input.path(), file, format, overrides)
        }
        Input::Stdin => read_stream(&origin, input.path(), io::stdin(), format, overrides),
    }
}

fn read_stream<R: Read + Send + 'static>(
    origin: &str,
    path: &Path,
    source: R,
    format: Option<Format>,
    overrides: &Overrides,
) -> Result<Documents, Problem> {
    let mut reader = BufReader::with_capacity(64 * 1024, source);
    let head = reader
        .fill_buf()
        .map_err(|e| Problem::new(origin, None, None, format!("cannot read: {e}")))?;
    check_head(origin, head)?;
    if head.is_empty() {
        return Err(Problem::new(origin, None, None, "empty file"));
    }
    let format = format.unwrap_or_else(|| detect_format(path, head));
    let documents = format.documents(origin, reader);
    if format == Format::Jsonl {
        return Ok(with_overrides(documents, overrides));
    }
    // A text or HTML file is one document: a problem with it is a problem with the file
    // (reported as a failed file), never a record to skip.
    let mut whole = Vec::with_capacity(1);
    for document in documents {
        whole.push(document?);
    }
    Ok(with_overrides(
        Box::new(whole.into_iter().map(Ok)),
        overrides,
    ))
}

fn with_overrides(documents: Documents, overrides: &Overrides) -> Documents {
    if overrides.is_empty() {
        return documents;
    }
    let overrides = overrides.clone();
    Box::new(documents.map(move |d| d.map(|d| overrides.apply(d))))
}

/// Bytes already in memory (standard input, tests) → their documents, with `overrides`
/// applied.
pub fn read_bytes(
    origin: &str,
    format: Format,
    bytes: &[u8],
    overrides: &Overrides,
) -> Vec<Result<Document, Problem>> {
    let documents: Vec<Result<Document, Problem>> = match format {
        Format::Text => vec![check_text(origin, bytes).and_then(|t| read_text(origin, t))],
        Format::Html => vec![check_text(origin, bytes).and_then(|t| read_html(origin, t))],
        Format::Jsonl => match check_head(origin, bytes) {
            Err(problem) => vec![Err(problem)],
            Ok(()) => read_jsonl(origin, bytes).collect(),
        },
    };
    documents
        .into_iter()
        .map(|d| d.map(|d| overrides.apply(d)))
        .collect()
}

/// Reads a whole stream as text for the one-document formats.
fn read_whole<R: Read>(origin: &str, mut input: R) -> Result<String, Problem> {
    let mut bytes = Vec::new();
    input
        .read_to_end(&mut bytes)
        .map_err(|e| Problem::new(origin, None, None, format!("cannot read: {e}")))?;
    // The byte-order marks check_text leaves out: the bytes before the text it gives.
    let boms = bytes.len() - check_text(origin, &bytes)?.len();
    // Checked above: valid UTF-8. Reuse the buffer rather than copy 50 MB.
    let mut text = String::from_utf8(bytes)
        .map_err(|_| Problem::new(origin, None, None, "not valid UTF-8"))?;
    text.drain(..boms);
    Ok(text)
}

/// The text that identifies a document: every run of whitespace (line ends included, so
/// CRLF and LF copies agree; byte-order marks count as whitespace) folded to one space,
/// the ends trimmed.
pub fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for run in NormalRuns::new(text) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(run);
    }
    out
}

/// Whether a character is folded by [`normalise`].
fn folds(c: char) -> bool {
    c.is_whitespace() || c == '\u{feff}'
}

/// The stretches of a text that [`normalise`] keeps as they are, in order: joined by one
/// space, they are the normalised text. A stretch ends at whitespace that is not a single
/// plain space between two words, so running text comes in a few long slices, which is
/// what lets [`source_hash`] hash a document without copying it.
struct NormalRuns<'t> {
    text: &'t str,
    at: usize,
}

impl<'t> NormalRuns<'t> {
    fn new(text: &'t str) -> Self {
        NormalRuns { text, at: 0 }
    }

    /// Whether the character at byte `i` (a character boundary) folds, and its length.
    #[inline]
    fn folds_at(&self, i: usize) -> Option<(bool, usize)> {
        let b = *self.text.as_bytes().get(i)?;
        if b.is_ascii() {
            return Some((matches!(b, b'\t'..=b'\r' | b' '), 1));
        }
        let c = self.text[i..].chars().next()?;
        Some((folds(c), c.len_utf8()))
    }
}

impl<'t> Iterator for NormalRuns<'t> {
    type Item = &'t str;

    fn next(&mut self) -> Option<&'t str> {
        // Skip the whitespace before the stretch.
        while let Some((true, len)) = self.folds_at(self.at) {
            self.at += len;
        }
        let bytes = self.text.as_bytes();
        let start = self.at;
        let mut i = start;
        while let Some(&b) = bytes.get(i) {
            if plain_eight(bytes, i) {
                i += 8;
                continue;
            }
            // A byte that cannot start a folding character stays, and so does a plain space
            // before one: the bulk of any text.
            if !MAY_FOLD[usize::from(b)] {
                i += 1;
                continue;
            }
            if b == b' ' && bytes.get(i + 1).is_some_and(|n| !MAY_FOLD[usize::from(*n)]) {
                i += 2;
                continue;
            }
            match self.folds_at(i) {
                Some((false, len)) => i += len,
                // One plain space before a character that stays, stays.
                Some((true, 1))
                    if b == b' ' && matches!(self.folds_at(i + 1), Some((false, _))) =>
                {
                    i += 1
                }
                _ => break,
            }
        }
        self.at = i;
        (i > start).then(|| &self.text[start..i])
    }
}

/// Whether the eight bytes at `i` certainly stay as they are: none is a control byte or
/// non-ASCII, and every space among them is followed by a byte that is neither (the ninth
/// byte included). Checked on whole words of eight bytes; a `false` may be wrong, a `true`
/// never is.
#[inline]
fn plain_eight(bytes: &[u8], i: usize) -> bool {
    const ONES: u64 = u64::from_le_bytes([0x01; 8]);
    const HIGH: u64 = u64::from_le_bytes([0x80; 8]);
    const SPACES: u64 = u64::from_le_bytes([b' '; 8]);
    let (Some(here), Some(next)) = (bytes.get(i..i + 8), bytes.get(i + 1..i + 9)) else {
        return false;
    };
    let word = |b: &[u8]| {
        let mut eight = [0u8; 8];
        eight.copy_from_slice(b);
        u64::from_le_bytes(eight)
    };
    let (x, y) = (word(here), word(next));
    // The high bit of each byte below `n` (for `n` up to 0x80) or from 0x80: never missed,
    // though a byte after a flagged one may be flagged too.
    let below = |v: u64, n: u64| (v.wrapping_sub(ONES * n) & !v | v) & HIGH;
    let spaces = {
        let z = x ^ SPACES;
        z.wrapping_sub(ONES) & !z & HIGH
    };
    below(x, 0x20) | (spaces & below(y, 0x21)) == 0
}

/// The bytes that may start a character [`normalise`] folds: ASCII whitespace and the lead
/// bytes of the Unicode spaces (U+0085, U+00A0, U+1680, U+2000 to U+205F, U+3000) and of
/// the byte-order mark U+FEFF. No other byte starts one.
const MAY_FOLD: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = b'\t';
    while b <= b'\r' {
        table[b as usize] = true;
        b += 1;
    }
    table[b' ' as usize] = true;
    table[0xC2] = true;
    table[0xE1] = true;
    table[0xE2] = true;
    table[0xE3] = true;
    table[0xEF] = true;
    table
};

/// SHA-256 of the text's UTF-8 bytes, as 64 lowercase hex digits.
pub fn content_hash(text: &str) -> String {
    hex_digest(Sha256::digest(text.as_bytes()).as_slice())
}

fn hex_digest(digest: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut hex = String::with_capacity(2 * digest.len());
    for byte in digest {
        hex.push(char::from(HEX[usize::from(byte >> 4)]));
        hex.push(char::from(HEX[usize::from(byte & 15)]));
    }
    hex
}

/// The hash that identifies a source: [`content_hash`] of its [`normalise`]d text, computed
/// from the text's stretches without making the normalised copy.
pub fn source_hash(text: &str) -> String {
    let mut hasher = Sha256::new();
    for (k, run) in NormalRuns::new(text).enumerate() {
        if k > 0 {
            hasher.update(b" ");
        }
        hasher.update(run.as_bytes());
    }
    hex_digest(hasher.finalize().as_slice())
}

/// A publication date: `YYYY-MM-DD`, or the date part of an RFC 3339 timestamp
/// (`2023-10-31T15:29:00+04:00`, the date as written, not moved to UTC) or of a
/// timestamp without offset. `None` for anything else, impossible dates included.
fn parse_published(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    let date = iso_date_prefix(s)?;
    if s.len() == 10 {
        return Some(date);
    }
    if let Ok(stamp) = DateTime::parse_from_rfc3339(s) {
        return Some(stamp.date_naive());
    }
    for form in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
    ] {
        if let Ok(stamp) = NaiveDateTime::parse_from_str(s, form) {
            return Some(stamp.date());
        }
    }
    None
}

/// The real calendar date in the first ten bytes, written `YYYY-MM-DD`.
fn iso_date_prefix(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    if b.len() < 10 {
        return None;
    }
    let digits = |r: std::ops::Range<usize>| -> Option<u32> {
        let part = &b[r];
        if !part.iter().all(u8::is_ascii_digit) {
            return None;
        }
        part.iter()
            .try_fold(0u32, |n, d| Some(n * 10 + u32::from(d - b'0')))
    };
    if b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let year = i32::try_from(digits(0..4)?).ok()?;
    NaiveDate::from_ymd_opt(year, digits(5..7)?, digits(8..10)?)
}

/// Whether a parenthesised word from a dateline can be a publisher: "AzerNews",
/// "Reuters", "AFP" yes; "UTC+04:00", "2023" no.
fn publisher_like(s: &str) -> Option<String> {
    let s = s.trim();
    let s = s
        .strip_prefix("MENAFN-")
        .or_else(|| s.strip_prefix("MENAFN -"))
        .unwrap_or(s)
        .trim();
    let first = s.chars().next()?;
    let upper = s.to_ascii_uppercase();
    if !first.is_uppercase()
        || s.chars().count() > 60
        || s.chars()
            .any(|c| c.is_ascii_digit() || matches!(c, '(' | ')' | '\n'))
        || upper.starts_with("UTC")
        || upper.starts_with("GMT")
    {
        return None;
    }
    Some(s.to_string())
}

/// At most `max` bytes of `s`, cut at a character boundary.
fn prefix(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn published_dates_take_the_date_part() {
        let day = NaiveDate::from_ymd_opt(2023, 10, 31);
        assert_eq!(parse_published("2023-10-31"), day);
        assert_eq!(parse_published("2023-10-31T15:29:00+04:00"), day);
        assert_eq!(parse_published("2023-10-31T23:29:00-04:00"), day);
        assert_eq!(parse_published("2023-10-31T15:29:00Z"), day);
        assert_eq!(parse_published("2023-10-31T15:29:00"), day);
        assert_eq!(parse_published("2023-02-30"), None);
        assert_eq!(parse_published("2023-10-31Tnonsense"), None);
        assert_eq!(parse_published("31 October 2023"), None);
        assert_eq!(parse_published("2023-1-5"), None);
        assert_eq!(parse_published("２０２３-10-31"), None);
    }

    #[test]
    fn publishers_are_names_not_offsets() {
        assert_eq!(
            publisher_like("MENAFN- AzerNews").as_deref(),
            Some("AzerNews")
        );
        assert_eq!(publisher_like("Reuters").as_deref(), Some("Reuters"));
        assert_eq!(publisher_like("UTC+04:00"), None);
        assert_eq!(publisher_like("2023"), None);
        assert_eq!(publisher_like("updated"), None);
    }

    #[test]
    fn prefixes_cut_at_character_boundaries() {
        assert_eq!(prefix("héllo", 2), "h");
        assert_eq!(prefix("abc", 10), "abc");
    }
}
