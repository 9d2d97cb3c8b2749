//! Entries as CSV, one row per citation (an entry without citations is one row with empty
//! citation cells): the layout of `report --format csv` and `export events --format csv`.
//! Plain snake_case header, `\n` line ends, no BOM, empty cells for what is unknown.

use std::io;

use super::ReportEntry;

/// The columns, in order.
pub const HEADERS: &[&str] = &[
    "entry",
    "event_id",
    "state",
    "state_name",
    "instrument_id",
    "instrument_title",
    "action",
    "stage",
    "date",
    "precision",
    "citation",
    "citation_id",
    "source_id",
    "source_kind",
    "publisher",
    "source_title",
    "published",
    "url",
    "note",
    "quote",
    "highlighted",
    "extractor",
    "confidence",
    "date_basis",
];

/// Writes the header and one row per citation.
pub fn write(out: &mut dyn io::Write, entries: &[ReportEntry]) -> io::Result<()> {
    let mut w = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::Any(b'\n'))
        .from_writer(out);
    w.write_record(HEADERS)?;
    for e in entries {
        let entry = [
            e.number.to_string(),
            e.event_id.to_string(),
            e.state.clone(),
            e.state_name.clone(),
            e.instrument.clone(),
            e.instrument_title.clone(),
            e.action.to_string(),
            e.stage.to_string(),
            e.date.to_string(),
            e.precision.to_string(),
        ];
        if e.citations.is_empty() {
            let empty = vec![String::new(); HEADERS.len() - entry.len()];
            w.write_record(entry.iter().chain(&empty))?;
        }
        for c in &e.citations {
            let citation = [
                c.number.to_string(),
                c.citation_id.to_string(),
                c.source_id.to_string(),
                c.source_kind.to_string(),
                c.publisher.clone().unwrap_or_default(),
                c.title.clone().unwrap_or_default(),
                c.published.clone().unwrap_or_default(),
                c.url.clone().unwrap_or_default(),
                c.note.clone(),
                c.quote.clone(),
                c.marked.join("|"),
                c.extractor.clone(),
                c.confidence.to_string(),
                c.date_basis.to_string(),
            ];
            w.write_record(entry.iter().chain(&citation))?;
        }
    }
    w.flush()
}

/// The CSV as text.
pub fn render(entries: &[ReportEntry]) -> io::Result<String> {
    let mut out = Vec::new();
    write(&mut out, entries)?;
    String::from_utf8(out).map_err(io::Error::other)
}
