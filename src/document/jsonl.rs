//! JSON Lines: one article per line, `{"url","title","published","publisher","text"}` and an
//! optional `"author"`. Streamed a batch of lines at a time (parsed in parallel), so a file
//! of any size is never held whole; a bad line is one `Err` in the stream, naming
//! `FILE:LINE` and the field.

use std::collections::VecDeque;
use std::io::BufRead;

use rayon::prelude::*;
use serde::Deserialize;
use serde_json::value::RawValue;

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
    let text = super::without_boms(text);
    // The fields as they are written: only those read are parsed, strings straight into
    // their `String`; the rest, and every key, are never copied.
    let mut fields: Fields = match serde_json::from_str(text) {
        Ok(fields) => fields,
        Err(e) => {
            let message = e.to_string();
            return Err(match message.strip_prefix(BAD_TEXT) {
                // A bad escape in the text. (A text left open runs past the line's end, and
                // serde_json finds it on "line 2": the line is cut, not the text wrong.)
                Some(why) if e.line() == 1 => {
                    // serde_json ends its messages with "at line 1 column C".
                    let why = why.rfind(" at line ").map_or(why, |at| &why[..at]);
                    problem(
                        Some("text"),
                        format!("not a valid string at column {}: {why}", e.column()),
                    )
                }
                _ => problem(None, not_an_object(text)),
            });
        }
    };
    let body = fields.text.take();
    let field = |name: &str| -> Result<Option<String>, Problem> {
        let Some(raw) = fields.get(name) else {
            return Ok(None);
        };
        let json = raw.get();
        match json.as_bytes().first() {
            Some(b'n') => Ok(None),
            Some(b'"') => {
                let s: String = serde_json::from_str(json)
                    .map_err(|e| problem(Some(name), format!("not a valid string: {e}")))?;
                Ok((!s.trim().is_empty()).then_some(s))
            }
            first => Err(problem(
                Some(name),
                format!("expected a string, found {}", kind_of(first.copied())),
            )),
        }
    };
    let body = match body {
        Some(Text::String(body)) if !body.trim().is_empty() => body,
        Some(Text::Other(kind)) => {
            return Err(problem(
                Some("text"),
                format!("expected a string, found {kind}"),
            ))
        }
        Some(Text::String(_) | Text::Null) => {
            return Err(problem(Some("text"), "is empty".to_string()))
        }
        None => {
            return Err(problem(
                Some("text"),
                "is missing (every line needs the article's text)".to_string(),
            ))
        }
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
    // Most values need no trimming: those are kept, not copied.
    let trimmed = |v: Option<String>| {
        v.map(|s| match s.trim() {
            t if t.len() == s.len() => s,
            t => t.to_string(),
        })
    };
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

/// The fields of a record that are read.
const FIELDS: [&str; 6] = ["text", "title", "url", "publisher", "author", "published"];

/// The place of `text` in [`FIELDS`].
const TEXT: usize = 0;

/// How an error met while decoding the text begins, so that its problem names the field.
const BAD_TEXT: &str = "in the text: ";

/// The [`FIELDS`] of a record, each as written (`null` too), in that order, but the text,
/// which is decoded as it is met (most of a line, scanned once, where a `RawValue` of it
/// was scanned to its end and then again to decode it); the other fields are skipped
/// without being copied. A field named twice keeps its last value, as a map of the whole
/// object would.
struct Fields<'a> {
    raw: [Option<&'a RawValue>; FIELDS.len()],
    text: Option<Text>,
}

/// The `text` field's value: a string, `null`, or the kind of value it is instead.
enum Text {
    String(String),
    Null,
    Other(&'static str),
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Value;
        impl<'de> serde::de::Visitor<'de> for Value {
            type Value = Text;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Text, E> {
                Ok(Text::String(v.to_string()))
            }
            fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Text, E> {
                Ok(Text::String(v))
            }
            fn visit_unit<E: serde::de::Error>(self) -> Result<Text, E> {
                Ok(Text::Null)
            }
            fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<Text, E> {
                Ok(Text::Other(kind_of(Some(b't'))))
            }
            fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<Text, E> {
                Ok(Text::Other(kind_of(None)))
            }
            fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<Text, E> {
                Ok(Text::Other(kind_of(None)))
            }
            fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<Text, E> {
                Ok(Text::Other(kind_of(None)))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Text, A::Error> {
                while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
                Ok(Text::Other(kind_of(Some(b'['))))
            }
            fn visit_map<M: serde::de::MapAccess<'de>>(self, mut map: M) -> Result<Text, M::Error> {
                while map
                    .next_entry::<serde::de::IgnoredAny, serde::de::IgnoredAny>()?
                    .is_some()
                {}
                Ok(Text::Other(kind_of(Some(b'{'))))
            }
        }
        deserializer.deserialize_any(Value)
    }
}

/// The place of a field in [`FIELDS`], if the tool reads it.
fn field_index(name: &str) -> Option<usize> {
    FIELDS.iter().position(|f| *f == name)
}

impl<'a> Fields<'a> {
    fn get(&self, name: &str) -> Option<&'a RawValue> {
        field_index(name).and_then(|i| self.raw[i])
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Fields<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Object<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> serde::de::Visitor<'de> for Object<'a> {
            type Value = Fields<'a>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<M: serde::de::MapAccess<'de>>(
                self,
                mut map: M,
            ) -> Result<Fields<'a>, M::Error> {
                let mut fields = Fields {
                    raw: [None; FIELDS.len()],
                    text: None,
                };
                while let Some(FieldName(index)) = map.next_key()? {
                    if index == Some(TEXT) {
                        let text = map
                            .next_value()
                            .map_err(|e| serde::de::Error::custom(format_args!("{BAD_TEXT}{e}")))?;
                        fields.text = Some(text);
                        continue;
                    }
                    let value: &'de RawValue = map.next_value()?;
                    if let Some(i) = index {
                        fields.raw[i] = Some(value);
                    }
                }
                Ok(fields)
            }
        }
        deserializer.deserialize_map(Object(std::marker::PhantomData))
    }
}

/// Which of the [`FIELDS`] a key names, if any, read without copying it (escaped or not).
struct FieldName(Option<usize>);

impl<'de> Deserialize<'de> for FieldName {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Key;
        impl serde::de::Visitor<'_> for Key {
            type Value = FieldName;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a field name")
            }
            fn visit_str<E: serde::de::Error>(self, key: &str) -> Result<FieldName, E> {
                Ok(FieldName(field_index(key)))
            }
        }
        deserializer.deserialize_str(Key)
    }
}

/// What is wrong with a line that is not a JSON object: bad JSON (where), or JSON of
/// another kind. (Read as a `Value`, whose errors name what the reader expected.)
fn not_an_object(text: &str) -> String {
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(_) => format!(
            "expected a JSON object {{\"text\": ..., \"url\": ...}}, found {}",
            kind_of(text.trim_start().bytes().next())
        ),
        Err(e) => {
            let message = e.to_string();
            // serde_json says "... at line 1 column N"; the line is ours to give.
            let message = match message.rfind(" at line ") {
                Some(at) => &message[..at],
                None => &message,
            };
            format!("not valid JSON at column {}: {message}", e.column())
        }
    }
}

/// The kind of a JSON value, from its first byte.
fn kind_of(first: Option<u8>) -> &'static str {
    match first {
        Some(b'n') => "null",
        Some(b't' | b'f') => "a boolean",
        Some(b'"') => "a string",
        Some(b'[') => "an array",
        Some(b'{') => "an object",
        _ => "a number",
    }
}
