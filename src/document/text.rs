//! Plain-text articles, with an optional dateline header as their first line:
//! ` date 2023-12-08 (MENAFN- AzerNews) By Asim Aliyev`.
//!
//! The header gives the publication date, the publisher (from parentheses) and the author
//! ("By Name Surname"); a wire dateline ("LONDON (Reuters) - ...") also gives a publisher.
//! The document's text is the whole input, header included, so spans index into it.

use std::io::BufRead;

use super::{prefix, publisher_like, read_whole, Documents, Format, Reader};
use crate::error::Problem;
use crate::model::Document;

/// Reads plain text with an optional dateline header.
pub struct TextReader;

impl Reader for TextReader {
    const FORMAT: Format = Format::Text;

    fn documents<R: BufRead + Send + 'static>(origin: &str, input: R) -> Documents {
        let document = read_whole(origin, input).and_then(|text| read_text(origin, &text));
        Box::new(std::iter::once(document))
    }
}

/// How far into a line metadata is looked for: a header is short, and a 50 MB one-line
/// file must not be searched for parentheses from end to end.
const HEADER_SCAN: usize = 400;

/// Plain text with an optional dateline header ` date YYYY-MM-DD ...` (leading space
/// optional) as its first line. An impossible date there (`2023-02-30`) is a problem
/// naming line 1 and the `date` field. The byte-order marks the text starts with are dropped;
/// everything else is kept as given, header included.
pub fn read_text(origin: &str, text: &str) -> Result<Document, Problem> {
    let text = super::without_boms(text);
    if text.trim().is_empty() {
        return Err(Problem::new(origin, None, None, "empty file"));
    }
    let (first, rest) = match memchr::memchr(b'\n', text.as_bytes()) {
        Some(end) => (&text[..end], &text[end + 1..]),
        None => (text, ""),
    };
    let mut document = Document {
        origin: origin.to_string(),
        format: Format::Text.as_str().to_string(),
        text: text.to_string(),
        ..Document::default()
    };
    let body = match dateline(origin, first)? {
        Some(header) => {
            document.published = Some(header.published);
            document.publisher = header.publisher;
            document.author = header.author;
            rest
        }
        None => text,
    };
    if document.publisher.is_none() {
        document.publisher = wire_publisher(body);
    }
    Ok(document)
}

/// What a dateline header says.
struct Header {
    published: chrono::NaiveDate,
    publisher: Option<String>,
    author: Option<String>,
}

/// Reads the first line as a dateline header: `date` then a token starting with a digit.
/// `Ok(None)` when the line is not a header at all ("Date palms grow...").
fn dateline(origin: &str, line: &str) -> Result<Option<Header>, Problem> {
    let line = line.strip_suffix('\r').unwrap_or(line).trim_start();
    let Some(after) = line.strip_prefix("date") else {
        return Ok(None);
    };
    if !after.starts_with([' ', '\t']) {
        return Ok(None);
    }
    let after = after.trim_start();
    if !after.starts_with(|c: char| c.is_ascii_digit()) {
        return Ok(None);
    }
    let end = after.find(char::is_whitespace).unwrap_or(after.len());
    let (token, rest) = after.split_at(end);
    let published = super::parse_published(token).ok_or_else(|| {
        let reason = if date_shaped(token) {
            "is not a real calendar date"
        } else {
            "is not a date written YYYY-MM-DD"
        };
        let shown = prefix(token, 40);
        Problem::new(origin, Some(1), Some("date"), format!("'{shown}' {reason}"))
    })?;
    let rest = prefix(rest, HEADER_SCAN);
    Ok(Some(Header {
        published,
        publisher: parenthesised_publisher(rest),
        author: byline(rest),
    }))
}

/// Written like a date, `dddd-dd-dd`, whether or not the calendar has that day.
fn date_shaped(token: &str) -> bool {
    let b = token.as_bytes();
    b.len() >= 10
        && b[..10].iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        })
}

/// The first parenthesised name that can be a publisher: "(MENAFN- AzerNews)" → AzerNews,
/// "(Reuters)" → Reuters; "(UTC+04:00)" is skipped.
fn parenthesised_publisher(s: &str) -> Option<String> {
    let mut rest = s;
    while let Some(open) = rest.find('(') {
        let inner = &rest[open + 1..];
        let close = inner.find(')')?;
        if let Some(name) = publisher_like(&inner[..close]) {
            return Some(name);
        }
        rest = &inner[close + 1..];
    }
    None
}

/// "By Asim Aliyev" → Asim Aliyev: capitalised words (with particles such as "de" or
/// "al" between them) after a standalone "By".
fn byline(s: &str) -> Option<String> {
    let mut words = s.split_whitespace();
    words.by_ref().find(|w| *w == "By" || *w == "by")?;
    let mut name: Vec<&str> = Vec::new();
    for word in words.take(6) {
        let clean = word.trim_end_matches([',', ';', '.', ':', '|']);
        let capitalised = clean.chars().next().is_some_and(char::is_uppercase)
            && clean
                .chars()
                .all(|c| c.is_alphabetic() || matches!(c, '-' | '\'' | '’' | '.'));
        let particle = matches!(clean, "de" | "da" | "van" | "von" | "al" | "bin" | "der");
        if capitalised || (particle && !name.is_empty()) {
            name.push(clean);
        } else {
            break;
        }
        if clean.len() != word.len() && !clean.ends_with('.') {
            break; // "By Jane Doe, Reuters"
        }
    }
    while name
        .last()
        .is_some_and(|w| matches!(*w, "de" | "da" | "van" | "von" | "al" | "bin" | "der"))
    {
        name.pop();
    }
    (!name.is_empty()).then(|| name.join(" "))
}

/// A wire dateline opening the first paragraph: "LONDON (Reuters) - ..." → Reuters.
fn wire_publisher(body: &str) -> Option<String> {
    let line = body.lines().find(|l| !l.trim().is_empty())?;
    let line = prefix(line.trim_start(), HEADER_SCAN);
    let open = line.find('(')?;
    let place = line[..open].trim();
    let first_word = place.split([' ', ',']).next()?;
    if first_word.len() < 2 || !first_word.chars().all(|c| c.is_uppercase() || c == '-') {
        return None;
    }
    let inner = &line[open + 1..];
    let close = inner.find(')')?;
    let after = inner[close + 1..].trim_start();
    if !after.starts_with(['-', '–', '—']) {
        return None;
    }
    publisher_like(&inner[..close])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bylines_stop_at_the_name() {
        assert_eq!(
            byline("(MENAFN- AzerNews) By Asim Aliyev").as_deref(),
            Some("Asim Aliyev")
        );
        assert_eq!(byline("By Jane Doe, Reuters").as_deref(), Some("Jane Doe"));
        assert_eq!(
            byline("By Ursula von der Leyen").as_deref(),
            Some("Ursula von der Leyen")
        );
        assert_eq!(byline("By the way"), None);
        assert_eq!(byline("nothing here"), None);
    }

    #[test]
    fn wire_datelines_give_the_agency() {
        assert_eq!(
            wire_publisher("\nLONDON (Reuters) - Britain signed...").as_deref(),
            Some("Reuters")
        );
        assert_eq!(
            wire_publisher("BAKU, Oct 30 (AFP) — text").as_deref(),
            Some("AFP")
        );
        assert_eq!(wire_publisher("The ministry (MFA) - said"), None);
    }
}
