//! Citation reports and research exports: a `Report` gathered from the ledger (entries
//! with numbered citations, conflicts, unresolved mentions, a summary) and one renderer per
//! format. Rendering is pure: the same report gives the same bytes. No SQL here.

pub mod csv;
pub mod html;
pub mod json;
pub mod markdown;
pub mod panel;

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::error::Result;
use crate::ledger::{CitationEntry, EventEntry, EventFilter, Ledger};
use crate::model::{Action, DateBasis, LedgerDate, Precision, SourceKind, Span, Stage};

/// The formats a report is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    Markdown,
    Html,
    Csv,
    Json,
}

/// The title every report carries.
pub const REPORT_TITLE: &str = "Treaty ledger report";

/// A report over a selection of the ledger, ready to render.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub title: String,
    /// What was selected, in words ("the whole ledger", "state: Azerbaijan (AZE)").
    pub selection: String,
    /// When the report was made, only when asked for (reports are otherwise reproducible).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub generated: Option<String>,
    pub entries: Vec<ReportEntry>,
    pub conflicts: Vec<ReportConflict>,
    pub unresolved: Vec<crate::ledger::UnresolvedCount>,
    pub summary: Summary,
}

/// One ledger entry, numbered in report order, with its numbered citations.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportEntry {
    pub number: usize,
    pub event_id: i64,
    pub state: String,
    pub state_name: String,
    pub instrument: String,
    pub instrument_title: String,
    /// The title with its treaty-series number: "... (CETS No. 216)".
    pub instrument_cited: String,
    pub action: Action,
    pub stage: Stage,
    pub date: LedgerDate,
    pub precision: Precision,
    /// The date as a reader expects it, at its precision: "30 October 2023".
    pub date_long: String,
    /// Distinct publishers among the citations (a source without one counts alone).
    pub independent_sources: usize,
    pub citations: Vec<ReportCitation>,
}

/// One cited passage, with its source described as a note.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportCitation {
    /// 1, 2... within its entry.
    pub number: usize,
    pub citation_id: i64,
    pub source_id: i64,
    pub source_kind: SourceKind,
    pub publisher: Option<String>,
    pub title: Option<String>,
    pub published: Option<String>,
    pub url: Option<String>,
    /// The source as a note: `Publisher, "Title", 31 October 2023, <https://...>.`
    pub note: String,
    pub quote: String,
    /// The words that carry the action, state and instrument: byte ranges of `quote`.
    pub marks: Vec<Span>,
    /// The marked words themselves.
    pub marked: Vec<String>,
    pub extractor: String,
    pub confidence: f64,
    pub date_basis: DateBasis,
}

/// The same state, instrument, action and stage reported at dates that disagree.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportConflict {
    pub state: String,
    pub state_name: String,
    pub instrument: String,
    pub instrument_cited: String,
    pub action: Action,
    pub stage: Stage,
    pub dates: Vec<ConflictDate>,
}

/// One of the dates in a conflict, with the entry that carries it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConflictDate {
    pub event_id: i64,
    pub date: LedgerDate,
    pub date_long: String,
    pub citations: i64,
    /// The entry's number in this report; `None` when the selection leaves it out.
    pub entry: Option<usize>,
}

/// How much the report holds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub entries: usize,
    pub citations: usize,
    pub sources: usize,
    pub states: usize,
    pub instruments: usize,
    /// Entries resting on more than one independent source.
    pub corroborated_entries: usize,
    pub conflicts: usize,
    /// Distinct unresolved instrument mentions, and how often they occur.
    pub unresolved_mentions: usize,
    pub unresolved_occurrences: i64,
}

impl Report {
    /// Gathers the entries that `filter` selects with everything the report says of them.
    /// Unresolved mentions are those of the cited sources, or of every source when the
    /// whole ledger is selected.
    pub fn build(
        ledger: &Ledger,
        filter: &EventFilter,
        generated: Option<String>,
    ) -> Result<Report> {
        let entries = report_entries(ledger, ledger.events(filter)?)?;
        let numbers: BTreeMap<i64, usize> =
            entries.iter().map(|e| (e.event_id, e.number)).collect();
        let mut titles: BTreeMap<String, String> = entries
            .iter()
            .map(|e| (e.instrument.clone(), e.instrument_cited.clone()))
            .collect();
        let mut conflicts = Vec::new();
        for c in ledger.conflicts()? {
            if !c.events.iter().any(|e| numbers.contains_key(&e.event_id)) {
                continue;
            }
            let instrument_cited = cited_title(ledger, &mut titles, &c.instrument)?;
            conflicts.push(ReportConflict {
                dates: c
                    .events
                    .iter()
                    .map(|e| ConflictDate {
                        event_id: e.event_id,
                        date: e.date,
                        date_long: e.date.long_form(),
                        citations: e.citations,
                        entry: numbers.get(&e.event_id).copied(),
                    })
                    .collect(),
                state: c.state,
                state_name: c.state_name,
                instrument: c.instrument,
                instrument_cited,
                action: c.action,
                stage: c.stage,
            });
        }
        let sources: BTreeSet<i64> = entries
            .iter()
            .flat_map(|e| e.citations.iter().map(|c| c.source_id))
            .collect();
        let unresolved = if is_whole_ledger(filter) {
            ledger.unresolved_mentions(None)?
        } else {
            let ids: Vec<i64> = sources.iter().copied().collect();
            ledger.unresolved_mentions(Some(&ids))?
        };
        let summary = Summary {
            entries: entries.len(),
            citations: entries.iter().map(|e| e.citations.len()).sum(),
            sources: sources.len(),
            states: entries
                .iter()
                .map(|e| &e.state)
                .collect::<BTreeSet<_>>()
                .len(),
            instruments: entries
                .iter()
                .map(|e| &e.instrument)
                .collect::<BTreeSet<_>>()
                .len(),
            corroborated_entries: entries.iter().filter(|e| e.independent_sources > 1).count(),
            conflicts: conflicts.len(),
            unresolved_mentions: unresolved.len(),
            unresolved_occurrences: unresolved.iter().map(|u| u.count).sum(),
        };
        Ok(Report {
            title: REPORT_TITLE.to_string(),
            selection: describe_selection(ledger, filter, &mut titles)?,
            generated,
            entries,
            conflicts,
            unresolved,
            summary,
        })
    }

    /// The report in one format.
    pub fn render(&self, format: ReportFormat) -> std::io::Result<String> {
        match format {
            ReportFormat::Markdown => Ok(markdown::render(self)),
            ReportFormat::Html => Ok(html::render(self)),
            ReportFormat::Csv => csv::render(&self.entries),
            ReportFormat::Json => json::render(self),
        }
    }
}

/// Whether a filter selects every entry of the ledger.
fn is_whole_ledger(f: &EventFilter) -> bool {
    f.state.is_none()
        && f.instrument.is_none()
        && f.actions.is_empty()
        && f.stage.is_none()
        && f.since.is_none()
        && f.until.is_none()
}

/// An instrument's cited title, looked up once.
fn cited_title(ledger: &Ledger, titles: &mut BTreeMap<String, String>, id: &str) -> Result<String> {
    if let Some(t) = titles.get(id) {
        return Ok(t.clone());
    }
    let title = match ledger.instrument(id)? {
        Some(i) => i.cited_title(),
        None => id.to_string(),
    };
    titles.insert(id.to_string(), title.clone());
    Ok(title)
}

fn describe_selection(
    ledger: &Ledger,
    f: &EventFilter,
    titles: &mut BTreeMap<String, String>,
) -> Result<String> {
    if is_whole_ledger(f) {
        return Ok("the whole ledger".to_string());
    }
    let mut parts = Vec::new();
    if let Some(iso3) = &f.state {
        let name = ledger.state(iso3)?.map(|s| s.name);
        parts.push(match name {
            Some(name) => format!("state {name} ({iso3})"),
            None => format!("state {iso3}"),
        });
    }
    if let Some(id) = &f.instrument {
        parts.push(format!("instrument {}", cited_title(ledger, titles, id)?));
    }
    if !f.actions.is_empty() {
        let actions: Vec<&str> = f.actions.iter().map(|a| a.as_str()).collect();
        parts.push(format!("actions {}", actions.join(", ")));
    }
    if let Some(stage) = f.stage {
        parts.push(format!("{stage} stage"));
    }
    if let Some(since) = f.since {
        parts.push(format!("since {}", since.long_form()));
    }
    if let Some(until) = f.until {
        parts.push(format!("until {}", until.long_form()));
    }
    Ok(parts.join("; "))
}

/// Numbers entries and their citations, adds cited titles, notes and marks.
pub fn report_entries(ledger: &Ledger, events: Vec<EventEntry>) -> Result<Vec<ReportEntry>> {
    let mut titles = BTreeMap::new();
    let mut out = Vec::with_capacity(events.len());
    for (i, e) in events.into_iter().enumerate() {
        let instrument_cited = cited_title(ledger, &mut titles, &e.instrument)?;
        let independent_sources = independent_sources(&e.citations);
        out.push(ReportEntry {
            number: i + 1,
            event_id: e.id,
            instrument_cited,
            independent_sources,
            date_long: e.date.long_form(),
            citations: e
                .citations
                .into_iter()
                .enumerate()
                .map(|(k, c)| report_citation(k + 1, c))
                .collect(),
            state: e.state,
            state_name: e.state_name,
            instrument: e.instrument,
            instrument_title: e.instrument_title,
            action: e.action,
            stage: e.stage,
            date: e.date,
            precision: e.precision,
        });
    }
    Ok(out)
}

/// Sources are independent when their publishers differ; a source whose publisher is
/// unknown counts as its own.
pub fn independent_sources(citations: &[CitationEntry]) -> usize {
    citations
        .iter()
        .map(|c| match c.publisher.as_deref().map(str::trim) {
            Some(p) if !p.is_empty() => format!("publisher:{}", p.to_lowercase()),
            _ => format!("source:{}", c.source_id),
        })
        .collect::<BTreeSet<_>>()
        .len()
}

fn report_citation(number: usize, c: CitationEntry) -> ReportCitation {
    let marks = quote_marks(c.span, &c.quote, &c.highlights);
    let marked = marks
        .iter()
        .filter_map(|m| c.quote.get(m.start..m.end))
        .map(str::to_string)
        .collect();
    let mut citation = ReportCitation {
        number,
        citation_id: c.id,
        source_id: c.source_id,
        source_kind: c.source_kind,
        publisher: clean(c.publisher),
        title: clean(c.title),
        published: clean(c.published),
        url: clean(c.url),
        note: String::new(),
        quote: c.quote,
        marks,
        marked,
        extractor: c.extractor,
        confidence: c.confidence,
        date_basis: c.date_basis,
    };
    citation.note = note(&citation.note_parts(), &|p| match p {
        NotePart::Publisher(s) | NotePart::Date(s) => s.to_string(),
        NotePart::Title(s) => format!("\"{s}\""),
        NotePart::Url(s) => format!("<{s}>"),
    });
    citation
}

fn clean(s: Option<String>) -> Option<String> {
    s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

/// One element of a source note, in the order the note gives them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotePart<'a> {
    Publisher(&'a str),
    Title(&'a str),
    Date(&'a str),
    Url(&'a str),
}

impl ReportCitation {
    /// Publisher, title, date of publication (at its precision), address: what is known.
    pub fn note_parts(&self) -> Vec<NotePart<'_>> {
        let mut parts = Vec::new();
        if let Some(p) = &self.publisher {
            parts.push(NotePart::Publisher(p));
        }
        if let Some(t) = &self.title {
            parts.push(NotePart::Title(t));
        }
        if let Some(d) = &self.published {
            parts.push(NotePart::Date(d));
        }
        if let Some(u) = &self.url {
            parts.push(NotePart::Url(u));
        }
        parts
    }

    /// The publication date as a reader expects it ("31 October 2023"), else as stored.
    pub fn published_long(&self) -> Option<String> {
        self.published.as_deref().map(long_date)
    }
}

/// An ISO date in its long form; text that is not one stays as it is.
pub fn long_date(s: &str) -> String {
    LedgerDate::parse_iso(s).map_or_else(|_| s.to_string(), |d| d.long_form())
}

/// Lays out a note: parts rendered by `part` (dates in long form before that), separated
/// by commas, closed by a full stop. No parts at all is "Unattributed source."
pub fn note(parts: &[NotePart], part: &dyn Fn(NotePart) -> String) -> String {
    if parts.is_empty() {
        return "Unattributed source.".to_string();
    }
    let rendered: Vec<String> = parts
        .iter()
        .map(|p| match *p {
            NotePart::Date(d) => part(NotePart::Date(&long_date(d))),
            other => part(other),
        })
        .collect();
    format!("{}.", rendered.join(", "))
}

/// Whether an address can be given as a link: http(s), with nothing that would break out
/// of a Markdown autolink or an HTML attribute.
pub fn linkable(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://"))
        && !url
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | '"' | '`'))
}

/// The highlights that fall inside the quoted sentence, as byte ranges of the quote: those
/// outside it or not on character boundaries are dropped, surrounding spaces trimmed,
/// overlapping ones merged.
pub fn quote_marks(span: Span, quote: &str, highlights: &[Span]) -> Vec<Span> {
    let mut marks: Vec<Span> = highlights
        .iter()
        .filter(|h| !h.is_empty() && span.contains(h))
        .map(|h| Span::new(h.start - span.start, h.end - span.start))
        .filter(|m| quote.get(m.start..m.end).is_some())
        .filter_map(|m| {
            let text = &quote[m.start..m.end];
            let start = m.start + (text.len() - text.trim_start().len());
            let end = m.end - (text.len() - text.trim_end().len());
            (start < end).then_some(Span::new(start, end))
        })
        .collect();
    marks.sort();
    let mut merged: Vec<Span> = Vec::with_capacity(marks.len());
    for m in marks {
        match merged.last_mut() {
            Some(last) if m.start <= last.end => last.end = last.end.max(m.end),
            _ => merged.push(m),
        }
    }
    merged
}

/// The quote cut at its marks: `(text, marked)` pieces in order. Marks must come from
/// `quote_marks` (sorted, disjoint, on character boundaries).
pub fn segments<'a>(quote: &'a str, marks: &[Span]) -> Vec<(&'a str, bool)> {
    let mut out = Vec::new();
    let mut at = 0;
    for m in marks {
        let (Some(before), Some(inside)) = (quote.get(at..m.start), quote.get(m.start..m.end))
        else {
            continue;
        };
        if !before.is_empty() {
            out.push((before, false));
        }
        out.push((inside, true));
        at = m.end;
    }
    if let Some(rest) = quote.get(at..) {
        if !rest.is_empty() {
            out.push((rest, false));
        }
    }
    out
}

/// Line breaks and tabs inside a quoted sentence become spaces.
pub fn one_line(s: &str) -> String {
    s.replace(['\r', '\n', '\t'], " ")
}

/// "1 citation", "2 citations".
pub fn plural(n: impl Into<i64>, one: &str, many: &str) -> String {
    let n = n.into();
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_outside_the_quote_or_off_char_boundaries_are_dropped() {
        let quote = "Türkiye signed it.";
        let span = Span::new(100, 100 + quote.len());
        let highlights = [
            Span::new(100, 108), // "Türkiye" (ü is two bytes)
            Span::new(102, 104), // inside ü: not a boundary
            Span::new(90, 105),  // starts before the quote
            Span::new(108, 116), // " signed " with spaces
            Span::new(110, 112), // overlaps the previous one
        ];
        let marks = quote_marks(span, quote, &highlights);
        assert_eq!(marks, vec![Span::new(0, 8), Span::new(9, 15)]);
        assert_eq!(
            segments(quote, &marks),
            vec![
                ("Türkiye", true),
                (" ", false),
                ("signed", true),
                (" it.", false)
            ]
        );
    }

    fn cited(source_id: i64, publisher: Option<&str>) -> CitationEntry {
        CitationEntry {
            id: source_id,
            source_id,
            source_kind: SourceKind::Article,
            url: None,
            title: None,
            publisher: publisher.map(str::to_string),
            published: None,
            span: Span::new(0, 1),
            quote: "x".into(),
            highlights: Vec::new(),
            extractor: "test".into(),
            confidence: 1.0,
            date_basis: DateBasis::Stated,
        }
    }

    #[test]
    fn independent_sources_are_distinct_publishers_or_unattributed_sources() {
        let same_publisher = [cited(1, Some("Azernews")), cited(2, Some(" azernews "))];
        assert_eq!(independent_sources(&same_publisher), 1);
        let two = [cited(1, Some("Azernews")), cited(2, Some("Trend"))];
        assert_eq!(independent_sources(&two), 2);
        let unknown = [cited(1, None), cited(2, Some("")), cited(2, None)];
        assert_eq!(
            independent_sources(&unknown),
            2,
            "two sources, no publisher"
        );
    }

    #[test]
    fn notes_give_what_is_known_in_order() {
        let parts = [
            NotePart::Publisher("Azernews"),
            NotePart::Title("Azerbaijan signs"),
            NotePart::Date("2023-10-31"),
            NotePart::Url("https://example.org/a"),
        ];
        let plain = |p: NotePart| match p {
            NotePart::Publisher(s) | NotePart::Date(s) => s.to_string(),
            NotePart::Title(s) => format!("\"{s}\""),
            NotePart::Url(s) => format!("<{s}>"),
        };
        assert_eq!(
            note(&parts, &plain),
            "Azernews, \"Azerbaijan signs\", 31 October 2023, <https://example.org/a>."
        );
        assert_eq!(note(&[], &plain), "Unattributed source.");
        assert!(linkable("https://example.org/a?b=c&d"));
        assert!(!linkable("javascript:alert(1)"));
        assert!(!linkable("https://example.org/\"><script>"));
    }
}
