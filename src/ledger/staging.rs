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

/// Acts sorted together before they are written: at most this many at a time.
pub(super) const KEY_RUN: usize = 16_384;

impl StagedAct<'_> {
    /// The key of the act's event, as the ledger's unique key on events orders it (the
    /// stage, between action and date, is the same for every act of a status table).
    fn event_key(&self) -> (&str, &str, &str, &str) {
        (self.state, self.instrument, self.action, self.date)
    }
}

/// Calls `each` with the acts in the order of their events' keys, `run` acts at a time
/// (each run sorted on its own, so that memory stays bounded), acts with the same key in
/// the order they came. Written so, a table's events go into the unique key on events and
/// into the index of citations by state as one pass over their pages rather than one
/// jump each: a fifth off the writing of a 1M-row import
/// (`examples/records_store.rs`).
pub(super) fn in_key_runs<'a, E>(
    acts: impl Iterator<Item = Result<StagedAct<'a>, E>>,
    run: usize,
    mut each: impl FnMut(&StagedAct<'a>) -> Result<(), E>,
) -> Result<(), E> {
    let mut acts = acts.peekable();
    let mut sorted = Vec::new();
    while acts.peek().is_some() {
        sorted.clear();
        for act in acts.by_ref().take(run.max(1)) {
            sorted.push(act?);
        }
        sorted.sort_by(|a, b| a.event_key().cmp(&b.event_key()));
        sorted.iter().try_for_each(&mut each)?;
    }
    Ok(())
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
    fn acts_come_in_the_order_of_their_event_key_a_run_at_a_time() {
        // (state, action, date, where the row is): two with the same key, in file order.
        let rows = [
            ("KAZ", "signature", "2001-01-01", 0),
            ("AZE", "ratification", "2009-01-28", 1),
            ("AZE", "accession", "2008-01-09", 2),
            ("KAZ", "signature", "2001-01-01", 3),
            ("ALB", "signature", "2005-03-30", 4),
            ("AZE", "accession", "2007-01-01", 5),
        ];
        let staged = rows.map(|(state, action, date, at)| StagedAct {
            state,
            instrument: "UNTC-IV-15",
            action,
            date,
            precision: "day",
            span: Span::new(at, at + 1),
            row_text: "r",
        });
        let order = |run: usize| {
            let mut seen = Vec::new();
            in_key_runs(staged.iter().map(|a| Ok::<_, ()>(*a)), run, |a| {
                seen.push(a.span.start);
                Ok(())
            })
            .expect("no error");
            seen
        };
        assert_eq!(order(KEY_RUN), [4, 5, 2, 1, 0, 3]);
        // Runs of four: the first four rows sorted, then the last two.
        assert_eq!(order(4), [2, 1, 0, 3, 4, 5]);
        // An error from the acts or from `each` stops the writing and is passed on.
        let failing = staged.iter().map(|a| {
            if a.span.start == 3 {
                Err("bad")
            } else {
                Ok(*a)
            }
        });
        assert_eq!(in_key_runs(failing, 2, |_| Ok(())), Err("bad"));
        assert_eq!(
            in_key_runs(staged.iter().map(|a| Ok(*a)), 2, |a| match a.state {
                "ALB" => Err(a.span.start),
                _ => Ok(()),
            }),
            Err(4)
        );
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
