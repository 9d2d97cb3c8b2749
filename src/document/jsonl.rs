//! JSON Lines: one article per line, `{"url","title","published","publisher","text"}` and an
//! optional `"author"`. Streamed a batch of lines at a time (parsed in parallel), so a file
//! of any size is never held whole; a bad line is one `Err` in the stream, naming
//! `FILE:LINE` and the field.

use std::collections::VecDeque;
use std::io::BufRead;

use rayon::prelude::*;
use serde_json::{Map, Value};

use super::{parse_published, prefix, Documents, Format, Reader};
use crate::error::Problem;
use crate::model::Document;

/// Reads JSON Lines, one document per non-blank line.
pub struct JsonlReader;

impl Reader for JsonlReader {
    const FORMAT: Format = Format::Jsonl;

    fn documents<R: BufRead + Send + 'static>(origin: &str, input: R) -> Documents {
        Box::new(read_jsonl(origin, input))
    }
}

/// How many lines are read, then parsed in parallel, at a time.
const BATCH: usize = 256;

/// The documents of a JSON Lines stream, one per non-blank line, read as they are asked
/// for (a batch of lines at a time, parsed in parallel). Each document's origin is
/// `FILE:LINE`. A malformed line (bad JSON, missing or empty `text`, a field of the wrong
/// type, a bad `published` date) is an `Err` naming the line and the field, and the lines
/// after it are still read. A stream with no document line at all gives one "empty file"
/// problem.
pub fn read_jsonl<R: BufRead>(origin: &str, reader: R) -> JsonlDocuments<R> {
    JsonlDocuments {
        origin: origin.to_string(),
        reader,
        line: 0,
        buf: Vec::new(),
        lines: Vec::new(),
        ready: VecDeque::new(),
        seen: false,
        done: false,
    }
}

/// The iterator [`read_jsonl`] returns.
pub struct JsonlDocuments<R> {
    origin: String,
    reader: R,
    /// The number of the last line read (1-based).
    line: u64,
    /// The non-blank lines of the batch, one after another, and where each is.
    buf: Vec<u8>,
    lines: Vec<(u64, usize, usize)>,
    /// What the batch read gives, in order.
    ready: VecDeque<Result<Document, Problem>>,
    /// Whether a non-blank line was met.
    seen: bool,
    done: bool,
}

impl<R: BufRead> JsonlDocuments<R> {
    /// Reads the next batch of lines and parses them (in parallel) into `ready`, followed
    /// by the problem that ended the stream, if any.
    fn fill(&mut self) {
        self.buf.clear();
        self.lines.clear();
        let mut last: Option<Problem> = None;
        while self.lines.len() < BATCH {
            let start = self.buf.len();
            match self.reader.read_until(b'\n', &mut self.buf) {
                Ok(0) => {
                    self.done = true;
                    if !self.seen {
                        last = Some(Problem::new(self.origin.as_str(), None, None, "empty file"));
                    }
                    break;
                }
                Ok(_) => {
                    self.line += 1;
                    if self.buf[start..].iter().all(u8::is_ascii_whitespace) {
                        self.buf.truncate(start);
                        continue;
                    }
                    self.seen = true;
                    self.lines.push((self.line, start, self.buf.len()));
                }
                Err(e) => {
                    self.done = true;
                    last = Some(Problem::new(
                        self.origin.as_str(),
                        Some(self.line + 1),
                        None,
                        format!("cannot read: {e}"),
                    ));
                    break;
                }
            }
        }
        let (origin, buf) = (self.origin.as_str(), self.buf.as_slice());
        let parsed: Vec<Result<Document, Problem>> = self
            .lines
            .par_iter()
            .map(|&(line, start, end)| parse_line(origin, line, &buf[start..end]))
            .collect();
        self.ready.extend(parsed);
        self.ready.extend(last.map(Err));
    }
}

impl<R: BufRead> Iterator for JsonlDocuments<R> {
    type Item = Result<Document, Problem>;

    fn next(&mut self) -> Option<Self::Item> {
        while self.ready.is_empty() && !self.done {
            self.fill();
        }
        self.ready.pop_front()
    }
}

/// One line → one document, or the problem with it.
fn parse_line(origin: &str, line: u64, bytes: &[u8]) -> Result<Document, Problem> {
    let problem =
        |column: Option<&str>, message: String| Problem::new(origin, Some(line), column, message);
    let text = std::str::from_utf8(bytes).map_err(|e| {
        problem(
            None,
            format!(
                "not valid UTF-8 at byte {} of the line; convert the file to UTF-8",
                e.valid_up_to()
            ),
        )
    })?;
    let text = text.strip_prefix(super::BOM).unwrap_or(text);
    let object: Map<String, Value> = match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(object)) => object,
        Ok(other) => {
            return Err(problem(
                None,
                format!(
                    "expected a JSON object {{\"text\": ..., \"url\": ...}}, found {}",
                    kind(&other)
                ),
            ))
        }
        Err(e) => {
            let message = e.to_string();
            // serde_json says "... at line 1 column N"; the line is ours to give.
            let message = match message.rfind(" at line ") {
                Some(at) => &message[..at],
                None => &message,
            };
            return Err(problem(
                None,
                format!("not valid JSON at column {}: {message}", e.column()),
            ));
        }
    };
    let field = |name: &str| -> Result<Option<String>, Problem> {
        match object.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(other) => Err(problem(
                Some(name),
                format!("expected a string, found {}", kind(other)),
            )),
        }
    };
    let Some(body) = field("text")? else {
        let why = if object.contains_key("text") {
            "is empty"
        } else {
            "is missing (every line needs the article's text)"
        };
        return Err(problem(Some("text"), why.to_string()));
    };
    let published = match field("published")? {
        None => None,
        Some(value) => Some(parse_published(&value).ok_or_else(|| {
            problem(
                Some("published"),
                format!(
                    "'{}' is not a date (YYYY-MM-DD or an RFC 3339 timestamp, a real calendar date)",
                    prefix(&value, 60)
                ),
            )
        })?),
    };
    let trimmed = |v: Option<String>| v.map(|s| s.trim().to_string());
    Ok(Document {
        origin: format!("{origin}:{line}"),
        format: Format::Jsonl.as_str().to_string(),
        text: body,
        title: trimmed(field("title")?),
        url: trimmed(field("url")?),
        publisher: trimmed(field("publisher")?),
        author: trimmed(field("author")?),
        published,
    })
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
