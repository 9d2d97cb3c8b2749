//! Sources as stored, and the questions reports ask of the ledger as a whole: one source's
//! text with its citations, unresolved instrument mentions, and conflicting dates.
//! Not for rendering: callers get plain structs and lay them out themselves.

use rusqlite::Row;
use serde::Serialize;

use super::packed::{TextReader, STORED_TEXT_COLUMNS, STORED_TEXT_JOINS};
use super::Ledger;
use crate::error::Result;
use crate::model::{Action, LedgerDate, SourceKind, Span, Stage};

/// One stored source with the number of citations resting on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceEntry {
    pub id: i64,
    pub kind: SourceKind,
    pub published: Option<String>,
    pub publisher: Option<String>,
    pub title: Option<String>,
    pub url: Option<String>,
    pub origin: Option<String>,
    pub citations: i64,
}

/// One citation drawn from a source, with the event it supports.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourceCitation {
    pub id: i64,
    pub event_id: i64,
    pub state: String,
    pub instrument: String,
    pub action: Action,
    pub stage: Stage,
    pub date: LedgerDate,
    pub span: Span,
    pub quote: String,
    pub highlights: Vec<Span>,
}

/// A treaty-like title found in one source that names no known instrument.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceMention {
    pub span: Span,
    pub text: String,
}

/// A source's stored text with everything cited from it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourceText {
    #[serde(flatten)]
    pub source: SourceEntry,
    pub text: String,
    pub citations: Vec<SourceCitation>,
    pub unresolved: Vec<SourceMention>,
}

/// Where an unresolved mention was found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MentionSource {
    pub id: i64,
    pub publisher: Option<String>,
    pub title: Option<String>,
}

/// An unresolved instrument mention with how often, and where, it occurs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnresolvedCount {
    pub text: String,
    /// Number of mentions (a source may mention it more than once).
    pub count: i64,
    /// The sources that mention it, by id.
    pub sources: Vec<MentionSource>,
}

/// One of the events in a conflict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConflictEvent {
    pub event_id: i64,
    pub date: LedgerDate,
    pub citations: i64,
}

/// The same state, instrument, action and stage reported with dates that disagree.
/// (A domestic step and the international act have different dates by nature, so the
/// stage is part of what must match.)
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Conflict {
    pub state: String,
    pub state_name: String,
    pub instrument: String,
    pub action: Action,
    pub stage: Stage,
    /// The events, by date.
    pub events: Vec<ConflictEvent>,
}

const SOURCE_COLUMNS: &str = "s.id, s.kind, s.published, s.publisher, s.title, s.url, s.origin,
     (SELECT count(*) FROM citation c WHERE c.source_id = s.id)";

/// Turns a text column into a word enum or date, as a row error.
fn parsed<T>(r: &Row, i: usize) -> rusqlite::Result<T>
where
    T: std::str::FromStr<Err = crate::Error>,
{
    let text: String = r.get(i)?;
    text.parse().map_err(|e: crate::Error| {
        rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, e.into())
    })
}

fn source_from_row(r: &Row) -> rusqlite::Result<SourceEntry> {
    Ok(SourceEntry {
        id: r.get(0)?,
        kind: parsed(r, 1)?,
        published: r.get(2)?,
        publisher: r.get(3)?,
        title: r.get(4)?,
        url: r.get(5)?,
        origin: r.get(6)?,
        citations: r.get(7)?,
    })
}

/// Reads the `highlights` column (`[[start, end], ...]`); a malformed value is no highlight.
fn spans_from_json(json: &str) -> Vec<Span> {
    serde_json::from_str::<Vec<[usize; 2]>>(json)
        .unwrap_or_default()
        .into_iter()
        .map(|[a, b]| Span::new(a, b))
        .collect()
}

fn span_from_row(r: &Row, start: usize) -> rusqlite::Result<Span> {
    let a: i64 = r.get(start)?;
    let b: i64 = r.get(start + 1)?;
    Ok(Span::new(a.max(0) as usize, b.max(0) as usize))
}

impl Ledger {
    /// Every source, by id.
    pub fn sources(&self) -> Result<Vec<SourceEntry>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {SOURCE_COLUMNS} FROM source s ORDER BY s.id"
        ))?;
        let rows = stmt
            .query_map([], source_from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// One source with its text, its citations (by position in the text) and its
    /// unresolved mentions; `None` when there is no source with this id.
    pub fn source(&self, id: i64) -> Result<Option<SourceText>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {SOURCE_COLUMNS}, {STORED_TEXT_COLUMNS}
             FROM source s {STORED_TEXT_JOINS} WHERE s.id = ?1"
        ))?;
        let mut rows = stmt.query([id])?;
        let Some(row) = rows.next()? else {
            return Ok(None);
        };
        let source = source_from_row(row)?;
        let text = TextReader::default().read(id, row, 8)?;
        drop(rows);
        drop(stmt);
        let mut stmt = self.conn.prepare_cached(
            "SELECT c.id, c.event_id, e.state, e.instrument_id, e.action, e.stage, e.date,
                    c.span_start, c.span_end, c.quote, c.highlights
             FROM citation c JOIN event e ON e.id = c.event_id
             WHERE c.source_id = ?1
             ORDER BY c.span_start, c.span_end, c.id",
        )?;
        let citations = stmt
            .query_map([id], |r| {
                Ok(SourceCitation {
                    id: r.get(0)?,
                    event_id: r.get(1)?,
                    state: r.get(2)?,
                    instrument: r.get(3)?,
                    action: parsed(r, 4)?,
                    stage: parsed(r, 5)?,
                    date: parsed(r, 6)?,
                    span: span_from_row(r, 7)?,
                    quote: r.get(9)?,
                    highlights: spans_from_json(&r.get::<_, String>(10)?),
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT span_start, span_end, text FROM unresolved_mention
             WHERE source_id = ?1 ORDER BY span_start, span_end",
        )?;
        let unresolved = stmt
            .query_map([id], |r| {
                Ok(SourceMention {
                    span: span_from_row(r, 0)?,
                    text: r.get(2)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(Some(SourceText {
            source,
            text,
            citations,
            unresolved,
        }))
    }

    /// Unresolved instrument mentions grouped by their text, with the sources that hold
    /// them, by text; `only` keeps the mentions of those sources.
    pub fn unresolved_mentions(&self, only: Option<&[i64]>) -> Result<Vec<UnresolvedCount>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT m.text, m.source_id, s.publisher, s.title
             FROM unresolved_mention m JOIN source s ON s.id = m.source_id
             ORDER BY m.text, m.source_id, m.span_start",
        )?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    MentionSource {
                        id: r.get(1)?,
                        publisher: r.get(2)?,
                        title: r.get(3)?,
                    },
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut out: Vec<UnresolvedCount> = Vec::new();
        for (text, source) in rows {
            if only.is_some_and(|ids| !ids.contains(&source.id)) {
                continue;
            }
            match out.last_mut() {
                Some(last) if last.text == text => {
                    last.count += 1;
                    if last.sources.last().map(|s| s.id) != Some(source.id) {
                        last.sources.push(source);
                    }
                }
                _ => out.push(UnresolvedCount {
                    text,
                    count: 1,
                    sources: vec![source],
                }),
            }
        }
        Ok(out)
    }

    /// Groups of events with the same state, instrument, action and stage whose dates do
    /// not all agree (at the coarser precision of each pair), by state, instrument, action.
    pub fn conflicts(&self) -> Result<Vec<Conflict>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT e.state, s.name, e.instrument_id, e.action, e.stage, e.id, e.date,
                    (SELECT count(*) FROM citation c WHERE c.event_id = e.id)
             FROM event e JOIN state s ON s.iso3 = e.state
             WHERE EXISTS (SELECT 1 FROM event o
                           WHERE o.state = e.state AND o.instrument_id = e.instrument_id
                             AND o.action = e.action AND o.stage = e.stage AND o.id <> e.id)
             ORDER BY e.state, e.instrument_id, e.action, e.stage, e.date, e.id",
        )?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    Conflict {
                        state: r.get(0)?,
                        state_name: r.get(1)?,
                        instrument: r.get(2)?,
                        action: parsed(r, 3)?,
                        stage: parsed(r, 4)?,
                        events: Vec::new(),
                    },
                    ConflictEvent {
                        event_id: r.get(5)?,
                        date: parsed(r, 6)?,
                        citations: r.get(7)?,
                    },
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut groups: Vec<Conflict> = Vec::new();
        for (group, event) in rows {
            match groups.last_mut() {
                Some(last)
                    if (&last.state, &last.instrument, last.action, last.stage)
                        == (&group.state, &group.instrument, group.action, group.stage) =>
                {
                    last.events.push(event)
                }
                _ => groups.push(Conflict {
                    events: vec![event],
                    ..group
                }),
            }
        }
        groups.retain(|g| {
            g.events.iter().enumerate().any(|(i, a)| {
                g.events[i + 1..]
                    .iter()
                    .any(|b| !a.date.agrees_with(&b.date))
            })
        });
        Ok(groups)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_highlights_are_no_highlights() {
        assert_eq!(spans_from_json("[[1,4],[6,9]]").len(), 2);
        assert!(spans_from_json("nonsense").is_empty());
    }

    #[test]
    fn a_news_only_ledger_starts_with_no_sources_conflicts_or_mentions() {
        let dir = tempfile::tempdir().expect("temp dir");
        let ledger = Ledger::open_with(&dir.path().join("l.db"), false).expect("ledger");
        assert!(ledger.sources().expect("sources").is_empty());
        assert!(ledger.source(1).expect("source").is_none());
        assert!(ledger.conflicts().expect("conflicts").is_empty());
        assert!(ledger
            .unresolved_mentions(None)
            .expect("mentions")
            .is_empty());
    }
}
