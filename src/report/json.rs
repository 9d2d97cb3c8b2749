//! The report as JSON: entries with nested citations, conflicts, unresolved mentions and
//! the summary, in the order the other formats show them (pretty-printed, ends with `\n`).

use std::io;

use super::Report;

pub fn render(r: &Report) -> io::Result<String> {
    let mut text = serde_json::to_string_pretty(r).map_err(io::Error::other)?;
    text.push('\n');
    Ok(text)
}
