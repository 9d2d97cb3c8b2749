//! The acts of a status table waiting for the end of the file, by the source they belong
//! to: in memory up to a budget, in an anonymous temporary file beyond it, so that the
//! memory an import takes does not grow with the file. No SQL here; `records` writes what
//! comes out, one source at a time.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};

use crate::model::Span;

/// Staged bytes held in memory before every group's tail goes to the file.
const BUDGET: usize = 16 << 20;

/// One staged act: what its event and its citation need.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct StagedAct<'a> {
    pub state: &'a str,
    pub instrument: &'a str,
    pub action: &'a str,
    pub date: &'a str,
    pub precision: &'a str,
    /// Where the row is in its source's text.
    pub span: Span,
    pub row_text: &'a str,
}

/// Acts by group (a group is a future source, numbered from 0 as they first appear).
#[derive(Default)]
pub(super) struct Staging {
    /// Where spilled tails go (made at the first spill; the OS removes it, even after a
    /// crash).
    file: Option<File>,
    file_len: u64,
    /// Bytes in the tails.
    buffered: usize,
    /// Whether anything went to the file.
    #[cfg(test)]
    pub spilled: bool,
    groups: Vec<Bucket>,
    budget: Option<usize>,
}

/// One group's acts: the parts already in the file, in order, and the tail in memory.
#[derive(Default)]
struct Bucket {
    spilled: Vec<(u64, usize)>,
    tail: Vec<u8>,
}

impl Staging {
    /// Staging that keeps at most `budget` bytes in memory (tests use a small one).
    #[cfg(test)]
    pub fn with_budget(budget: usize) -> Staging {
        Staging {
            budget: Some(budget),
            ..Staging::default()
        }
    }

    /// Adds an act at the end of its group.
    pub fn push(&mut self, group: usize, act: &StagedAct) -> io::Result<()> {
        if self.groups.len() <= group {
            self.groups.resize_with(group + 1, Bucket::default);
        }
        let tail = &mut self.groups[group].tail;
        let before = tail.len();
        encode(tail, act);
        self.buffered += tail.len() - before;
        if self.buffered > self.budget.unwrap_or(BUDGET) {
            self.spill()?;
        }
        Ok(())
    }

    /// Moves every tail to the end of the file.
    fn spill(&mut self) -> io::Result<()> {
        let file = match &mut self.file {
            Some(file) => file,
            None => self.file.insert(tempfile::tempfile()?),
        };
        #[cfg(test)]
        {
            self.spilled = true;
        }
        for bucket in &mut self.groups {
            if bucket.tail.is_empty() {
                continue;
            }
            file.write_all(&bucket.tail)?;
            bucket.spilled.push((self.file_len, bucket.tail.len()));
            self.file_len += bucket.tail.len() as u64;
            bucket.tail = Vec::new();
        }
        self.buffered = 0;
        Ok(())
    }

    /// A group's acts, in the order they were pushed (read them with [`acts`]).
    pub fn group(&mut self, group: usize) -> io::Result<Vec<u8>> {
        let Some(bucket) = self.groups.get(group) else {
            return Ok(Vec::new());
        };
        let size = bucket.spilled.iter().map(|(_, len)| len).sum::<usize>() + bucket.tail.len();
        let mut bytes = Vec::with_capacity(size);
        if let Some(file) = &mut self.file {
            for &(at, len) in &bucket.spilled {
                file.seek(SeekFrom::Start(at))?;
                let start = bytes.len();
                bytes.resize(start + len, 0);
                file.read_exact(&mut bytes[start..])?;
            }
        }
        bytes.extend_from_slice(&bucket.tail);
        Ok(bytes)
    }
}

fn put(out: &mut Vec<u8>, text: &str) {
    out.extend_from_slice(&(text.len() as u64).to_le_bytes());
    out.extend_from_slice(text.as_bytes());
}

fn encode(out: &mut Vec<u8>, act: &StagedAct) {
    for text in [
        act.state,
        act.instrument,
        act.action,
        act.date,
        act.precision,
    ] {
        put(out, text);
    }
    out.extend_from_slice(&(act.span.start as u64).to_le_bytes());
    out.extend_from_slice(&(act.span.end as u64).to_le_bytes());
    put(out, act.row_text);
}

/// Reads back what [`Staging::group`] gave.
pub(super) fn acts(bytes: &[u8]) -> Acts<'_> {
    Acts { rest: bytes }
}

pub(super) struct Acts<'a> {
    rest: &'a [u8],
}

impl<'a> Acts<'a> {
    fn number(&mut self) -> Option<u64> {
        let (n, rest) = self.rest.split_first_chunk::<8>()?;
        self.rest = rest;
        Some(u64::from_le_bytes(*n))
    }

    fn text(&mut self) -> Option<&'a str> {
        let len = usize::try_from(self.number()?).ok()?;
        let (text, rest) = self.rest.split_at_checked(len)?;
        self.rest = rest;
        std::str::from_utf8(text).ok()
    }

    fn act(&mut self) -> Option<StagedAct<'a>> {
        let (state, instrument, action, date, precision) = (
            self.text()?,
            self.text()?,
            self.text()?,
            self.text()?,
            self.text()?,
        );
        let start = usize::try_from(self.number()?).ok()?;
        let end = usize::try_from(self.number()?).ok()?;
        Some(StagedAct {
            state,
            instrument,
            action,
            date,
            precision,
            span: Span::new(start, end),
            row_text: self.text()?,
        })
    }
}

impl<'a> Iterator for Acts<'a> {
    type Item = io::Result<StagedAct<'a>>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.rest.is_empty() {
            return None;
        }
        Some(self.act().ok_or_else(|| {
            self.rest = &[];
            io::Error::new(io::ErrorKind::InvalidData, "staged acts are damaged")
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn act(i: usize) -> (String, String) {
        (
            format!("S{i}"),
            format!("row {i}, with \"quotes\"\nand a line"),
        )
    }

    #[test]
    fn acts_come_back_by_group_in_order_across_spills() {
        let mut staging = Staging::with_budget(300);
        let made: Vec<(String, String)> = (0..500).map(act).collect();
        for (i, (state, row)) in made.iter().enumerate() {
            let staged = StagedAct {
                state,
                instrument: "UNTC-IV-15",
                action: "signature",
                date: "2008-01-09",
                precision: "day",
                span: Span::new(i, i + row.len()),
                row_text: row,
            };
            staging.push(i % 7, &staged).expect("push");
        }
        assert!(staging.file.is_some(), "the small budget spilled");
        assert!(staging.buffered <= 300 + 200);
        for group in 0..7 {
            let bytes = staging.group(group).expect("group");
            let got: Vec<(String, usize)> = acts(&bytes)
                .map(|a| a.expect("act"))
                .map(|a| (a.state.to_string(), a.span.start))
                .collect();
            let want: Vec<(String, usize)> = (0..500)
                .filter(|i| i % 7 == group)
                .map(|i| (format!("S{i}"), i))
                .collect();
            assert_eq!(got, want, "group {group}");
        }
        assert!(staging.group(7).expect("empty").is_empty());
    }

    #[test]
    fn damaged_bytes_are_an_error_not_a_panic() {
        let mut bytes = Vec::new();
        encode(
            &mut bytes,
            &StagedAct {
                state: "AZE",
                instrument: "X",
                action: "signature",
                date: "2020",
                precision: "year",
                span: Span::new(1, 2),
                row_text: "r",
            },
        );
        bytes.truncate(bytes.len() - 3);
        let all: Vec<_> = acts(&bytes).collect();
        assert_eq!(all.len(), 1);
        assert!(all[0].is_err());
    }
}
