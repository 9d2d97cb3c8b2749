//! The report as Markdown that renders alike on GitHub and GitLab: headings per entry,
//! citations as a numbered list, quotes as blockquotes with the carrying words in bold.
//! Every text that comes from a source is escaped, so it cannot turn into markup.

use std::fmt::Write;

use super::{
    linkable, note, one_line, plural, segments, NotePart, Report, ReportCitation, ReportEntry,
};

/// Backslash-escapes the characters that are markup anywhere in a line (CommonMark lets any
/// ASCII punctuation be escaped; these are the ones that matter, plus GFM's `~`, `|`, `$`).
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(
            c,
            '\\' | '`'
                | '*'
                | '_'
                | '{'
                | '}'
                | '['
                | ']'
                | '<'
                | '>'
                | '#'
                | '|'
                | '~'
                | '&'
                | '$'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Escapes a text that starts a line (a blockquote's content): also what would make it a
/// list item, a heading underline or a block quote.
fn escape_line_start(s: &str) -> String {
    let escaped = escape(s);
    let digits = escaped.chars().take_while(char::is_ascii_digit).count();
    match escaped.chars().next() {
        Some('-' | '+' | '=') => format!("\\{escaped}"),
        Some(_) if digits > 0 && matches!(escaped[digits..].chars().next(), Some('.' | ')')) => {
            format!("{}\\{}", &escaped[..digits], &escaped[digits..])
        }
        _ => escaped,
    }
}

fn render_note(c: &ReportCitation) -> String {
    note(&c.note_parts(), &|p| match p {
        NotePart::Publisher(s) | NotePart::Date(s) => escape(s),
        NotePart::Title(s) => format!("\"{}\"", escape(s)),
        NotePart::Url(u) if linkable(u) => format!("<{u}>"),
        NotePart::Url(u) => format!("\\<{}\\>", escape(u)),
    })
}

/// The quote with its marked words in bold.
fn render_quote(c: &ReportCitation) -> String {
    let mut out = String::new();
    for (i, (text, marked)) in segments(&c.quote, &c.marks).into_iter().enumerate() {
        let text = one_line(text);
        let text = if i == 0 {
            escape_line_start(&text)
        } else {
            escape(&text)
        };
        if marked {
            let _ = write!(out, "**{text}**");
        } else {
            out.push_str(&text);
        }
    }
    out
}

fn render_entry(out: &mut String, e: &ReportEntry) {
    let _ = writeln!(
        out,
        "### {}. {} — {} — {}\n",
        e.number,
        escape(&e.state_name),
        e.action,
        e.date_long
    );
    let _ = writeln!(
        out,
        "- **State:** {} ({})",
        escape(&e.state_name),
        escape(&e.state)
    );
    let _ = writeln!(out, "- **Instrument:** {}", escape(&e.instrument_cited));
    let _ = writeln!(out, "- **Action:** {}, {} stage", e.action, e.stage);
    let _ = writeln!(out, "- **Date:** {}", e.date_long);
    let _ = writeln!(
        out,
        "- **Citations:** {}, from {}\n",
        e.citations.len(),
        plural(
            e.independent_sources as i64,
            "independent source",
            "independent sources"
        )
    );
    for c in &e.citations {
        let marker = format!("{}. ", c.number);
        let indent = " ".repeat(marker.len());
        let _ = writeln!(out, "{marker}{}\n", render_note(c));
        let _ = writeln!(out, "{indent}> {}\n", render_quote(c));
    }
}

/// The whole report.
pub fn render(r: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", escape(&r.title));
    let _ = writeln!(out, "Selection: {}.\n", escape(&r.selection));
    if let Some(generated) = &r.generated {
        let _ = writeln!(out, "Generated: {}.\n", escape(generated));
    }

    out.push_str("## Entries\n\n");
    if r.entries.is_empty() {
        out.push_str("No entries match the selection.\n\n");
    }
    for e in &r.entries {
        render_entry(&mut out, e);
    }

    out.push_str("## Conflicts\n\n");
    if r.conflicts.is_empty() {
        out.push_str("No conflicting dates.\n\n");
    } else {
        out.push_str(
            "The same state, instrument, action and stage reported at dates that disagree; \
             each date is a separate entry.\n\n",
        );
    }
    for c in &r.conflicts {
        let _ = writeln!(
            out,
            "- {} ({}), {} ({} stage), {}:",
            escape(&c.state_name),
            escape(&c.state),
            c.action,
            c.stage,
            escape(&c.instrument_cited)
        );
        for d in &c.dates {
            let entry = match d.entry {
                Some(n) => format!("entry {n}"),
                None => "not in this selection".to_string(),
            };
            let _ = writeln!(
                out,
                "  - {}: {}, {}",
                d.date_long,
                entry,
                plural(d.citations, "citation", "citations")
            );
        }
    }
    if !r.conflicts.is_empty() {
        out.push('\n');
    }

    out.push_str("## Unresolved instrument mentions\n\n");
    if r.unresolved.is_empty() {
        out.push_str("None.\n\n");
    } else {
        out.push_str("| Mention | Count | Sources |\n| --- | ---: | --- |\n");
        for u in &r.unresolved {
            let sources: Vec<String> = u
                .sources
                .iter()
                .map(|s| match s.publisher.as_deref().or(s.title.as_deref()) {
                    Some(name) => format!("{} ({})", s.id, escape(&one_line(name))),
                    None => s.id.to_string(),
                })
                .collect();
            let _ = writeln!(
                out,
                "| {} | {} | {} |",
                escape(&one_line(&u.text)),
                u.count,
                sources.join(", ")
            );
        }
        out.push('\n');
    }

    let s = &r.summary;
    out.push_str("## Summary\n\n");
    let _ = writeln!(out, "- Entries: {}", s.entries);
    let _ = writeln!(out, "- Citations: {}", s.citations);
    let _ = writeln!(out, "- Sources: {}", s.sources);
    let _ = writeln!(out, "- States: {}", s.states);
    let _ = writeln!(out, "- Instruments: {}", s.instruments);
    let _ = writeln!(
        out,
        "- Entries with more than one independent source: {}",
        s.corroborated_entries
    );
    let _ = writeln!(out, "- Conflicts: {}", s.conflicts);
    let _ = writeln!(
        out,
        "- Unresolved instrument mentions: {} ({})",
        s.unresolved_mentions,
        plural(s.unresolved_occurrences, "occurrence", "occurrences")
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_text_cannot_become_markup() {
        assert_eq!(
            escape("<script>a*b_c & [x](y) | #1 ~z~ $m$"),
            "\\<script\\>a\\*b\\_c \\& \\[x\\](y) \\| \\#1 \\~z\\~ \\$m\\$"
        );
        assert_eq!(escape_line_start("- not a list"), "\\- not a list");
        assert_eq!(escape_line_start("2023. A year"), "2023\\. A year");
        assert_eq!(escape_line_start("> no"), "\\> no");
        assert_eq!(escape_line_start("In 2023."), "In 2023.");
    }
}
