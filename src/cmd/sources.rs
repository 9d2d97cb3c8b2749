//! `sources list` and `sources show ID`: what the ledger rests on, and the stored text of
//! one source with every cited sentence marked `[[like this]]`.

use anyhow::Result;
use serde::Serialize;
use treaty_ledger::ledger::{SourceEntry, SourceText};
use treaty_ledger::model::Span;
use treaty_ledger::output::{self, Format, Row};

use super::Ctx;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Every source, by id: kind, publication date, publisher, title, address, citations
    List {
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
    /// One source's stored text with each cited span marked [[like this]], then its
    /// citations with their events (json: the text and its citations; csv: the citations)
    Show {
        id: i64,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
}

/// Where cited text begins and ends in the terminal form.
pub const OPEN: &str = "[[";
pub const CLOSE: &str = "]]";

#[derive(Serialize)]
#[serde(transparent)]
struct Line(SourceEntry);

impl Row for Line {
    fn headers() -> &'static [&'static str] {
        &[
            "id",
            "kind",
            "published",
            "publisher",
            "title",
            "url",
            "citations",
        ]
    }
    fn cells(&self) -> Vec<String> {
        let s = &self.0;
        vec![
            s.id.to_string(),
            s.kind.to_string(),
            s.published.clone().unwrap_or_default(),
            s.publisher.clone().unwrap_or_default(),
            s.title.clone().unwrap_or_default(),
            s.url.clone().unwrap_or_default(),
            s.citations.to_string(),
        ]
    }
}

/// One citation of the shown source, as a row.
#[derive(Serialize)]
struct CitationLine {
    citation_id: i64,
    event_id: i64,
    state: String,
    instrument: String,
    action: String,
    stage: String,
    date: String,
    start: usize,
    end: usize,
    quote: String,
}

impl Row for CitationLine {
    fn headers() -> &'static [&'static str] {
        &[
            "citation_id",
            "event_id",
            "state",
            "instrument",
            "action",
            "stage",
            "date",
            "start",
            "end",
            "quote",
        ]
    }
    fn cells(&self) -> Vec<String> {
        vec![
            self.citation_id.to_string(),
            self.event_id.to_string(),
            self.state.clone(),
            self.instrument.clone(),
            self.action.clone(),
            self.stage.clone(),
            self.date.clone(),
            self.start.to_string(),
            self.end.to_string(),
            self.quote.clone(),
        ]
    }
}

/// The text with the given spans marked; spans outside the text or off character
/// boundaries are left out, overlapping ones merged.
pub fn mark(text: &str, spans: &[Span]) -> String {
    let mut spans: Vec<Span> = spans
        .iter()
        .filter(|s| !s.is_empty() && text.get(s.start..s.end).is_some())
        .copied()
        .collect();
    spans.sort();
    let mut merged: Vec<Span> = Vec::new();
    for s in spans {
        match merged.last_mut() {
            Some(last) if s.start <= last.end => last.end = last.end.max(s.end),
            _ => merged.push(s),
        }
    }
    let mut out = String::with_capacity(text.len() + 4 * merged.len());
    let mut at = 0;
    for s in merged {
        out.push_str(&text[at..s.start]);
        out.push_str(OPEN);
        out.push_str(&text[s.start..s.end]);
        out.push_str(CLOSE);
        at = s.end;
    }
    out.push_str(&text[at..]);
    out
}

fn show_text(s: &SourceText) -> String {
    let src = &s.source;
    let mut out = format!("source {} ({})\n", src.id, src.kind);
    let fields = [
        ("publisher", &src.publisher),
        ("title", &src.title),
        ("published", &src.published),
        ("url", &src.url),
        ("origin", &src.origin),
    ];
    for (name, value) in fields {
        if let Some(v) = value {
            out.push_str(&format!("{name}: {v}\n"));
        }
    }
    let spans: Vec<Span> = s.citations.iter().map(|c| c.span).collect();
    out.push('\n');
    out.push_str(mark(&s.text, &spans).trim_end());
    out.push_str("\n\n");
    if s.citations.is_empty() {
        out.push_str("no citations\n");
    } else {
        out.push_str("citations:\n");
    }
    for (i, c) in s.citations.iter().enumerate() {
        out.push_str(&format!(
            "  {}. bytes {}..{}: {} {} ({}) {} {} (event {})\n",
            i + 1,
            c.span.start,
            c.span.end,
            c.state,
            c.action,
            c.stage,
            c.instrument,
            c.date,
            c.event_id
        ));
    }
    if !s.unresolved.is_empty() {
        out.push_str("unresolved instrument mentions:\n");
        for m in &s.unresolved {
            out.push_str(&format!(
                "  bytes {}..{}: {}\n",
                m.span.start, m.span.end, m.text
            ));
        }
    }
    out
}

pub fn run(command: Command, ctx: &Ctx) -> Result<()> {
    let ledger = ctx.reading_ledger()?;
    let mut out = super::stdout();
    match command {
        Command::List { format } => {
            let rows: Vec<Line> = ledger.sources()?.into_iter().map(Line).collect();
            output::write_rows(&mut out, format, &rows)?;
        }
        Command::Show { id, format } => {
            let Some(source) = ledger.source(id)? else {
                return Err(treaty_ledger::Error::Usage(format!(
                    "no source with id {id} (`treaty-ledger sources list` shows them)"
                ))
                .into());
            };
            match format {
                Format::Table => {
                    use std::io::Write;
                    out.write_all(show_text(&source).as_bytes())?;
                }
                Format::Json | Format::Ndjson => output::write_record(&mut out, format, &source)?,
                Format::Csv => {
                    let rows: Vec<CitationLine> = source
                        .citations
                        .iter()
                        .map(|c| CitationLine {
                            citation_id: c.id,
                            event_id: c.event_id,
                            state: c.state.clone(),
                            instrument: c.instrument.clone(),
                            action: c.action.to_string(),
                            stage: c.stage.to_string(),
                            date: c.date.to_string(),
                            start: c.span.start,
                            end: c.span.end,
                            quote: c.quote.clone(),
                        })
                        .collect();
                    output::write_rows(&mut out, format, &rows)?;
                }
            }
        }
    }
    super::finish(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_spans_and_skips_bad_ones() {
        let text = "One. Two three. Four.";
        let spans = [Span::new(5, 15), Span::new(9, 12), Span::new(30, 40)];
        assert_eq!(mark(text, &spans), "One. [[Two three.]] Four.");
    }
}
