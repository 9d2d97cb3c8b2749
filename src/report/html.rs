//! The report as one self-contained HTML file: inline CSS (with a print style), no
//! scripts, no fetched resources (a Content-Security-Policy forbids both). Every text is
//! HTML-escaped; entries and citations carry ids and classes for readers and tools.

use std::fmt::Write;

use super::{linkable, note, one_line, plural, segments, NotePart, Report, ReportCitation};

/// Escapes text for HTML content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "
:root { color-scheme: light; }
body { font: 16px/1.5 Georgia, 'Times New Roman', serif; color: #1b1b1b; background: #fff;
       max-width: 50rem; margin: 2rem auto; padding: 0 1rem; }
h1, h2, h3 { font-family: system-ui, -apple-system, 'Segoe UI', sans-serif; line-height: 1.25; }
h2 { border-bottom: 1px solid #ccc; padding-bottom: .2rem; margin-top: 2.5rem; }
h3 { font-size: 1.1rem; margin-bottom: .4rem; }
.selection, .generated { color: #555; }
.entry { margin: 1.5rem 0; padding-bottom: .5rem; border-bottom: 1px dotted #ddd; }
.fields { display: grid; grid-template-columns: max-content 1fr; gap: .1rem 1rem; margin: .4rem 0; }
.fields dt { font-weight: bold; }
.fields dd { margin: 0; }
.citations { padding-left: 1.6rem; }
.citation { margin: .6rem 0; }
.note { margin: 0; }
.note a { color: #1a4f8b; word-break: break-all; }
blockquote.quote { margin: .3rem 0 0; padding: .2rem .8rem; border-left: 3px solid #999; background: #f7f7f5; }
mark { background: #fff0a8; color: inherit; padding: 0 .1em; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #ccc; padding: .25rem .5rem; text-align: left; vertical-align: top; }
td.count { text-align: right; }
@media print {
  body { font-size: 11pt; max-width: none; margin: 0; }
  .entry, .citation, tr { break-inside: avoid; }
  h2, h3 { break-after: avoid; }
  a { color: inherit; text-decoration: none; }
  mark { background: none; font-weight: bold; text-decoration: underline; }
  blockquote.quote { background: none; }
}
";

fn render_note(c: &ReportCitation) -> String {
    note(&c.note_parts(), &|p| match p {
        NotePart::Publisher(s) => format!("<span class=\"publisher\">{}</span>", escape(s)),
        NotePart::Title(s) => format!("\"<span class=\"source-title\">{}</span>\"", escape(s)),
        NotePart::Date(s) => format!("<span class=\"published\">{}</span>", escape(s)),
        NotePart::Url(u) if linkable(u) => {
            format!("&lt;<a class=\"url\" href=\"{0}\">{0}</a>&gt;", escape(u))
        }
        NotePart::Url(u) => format!("&lt;<span class=\"url\">{}</span>&gt;", escape(u)),
    })
}

fn render_quote(c: &ReportCitation) -> String {
    let mut out = String::new();
    for (text, marked) in segments(&c.quote, &c.marks) {
        let text = escape(&one_line(text));
        if marked {
            let _ = write!(out, "<mark>{text}</mark>");
        } else {
            out.push_str(&text);
        }
    }
    out
}

/// The whole report as one HTML document.
pub fn render(r: &Report) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<header>\n\
         <h1>{title}</h1>\n<p class=\"selection\">Selection: {selection}.</p>\n",
        title = escape(&r.title),
        selection = escape(&r.selection)
    );
    if let Some(generated) = &r.generated {
        let _ = writeln!(
            out,
            "<p class=\"generated\">Generated: {}.</p>",
            escape(generated)
        );
    }
    out.push_str("</header>\n<main>\n<section id=\"entries\">\n<h2>Entries</h2>\n");
    if r.entries.is_empty() {
        out.push_str("<p>No entries match the selection.</p>\n");
    }
    for e in &r.entries {
        let _ = writeln!(
            out,
            "<article class=\"entry\" id=\"entry-{n}\" data-event=\"{id}\">\n\
             <h3>{n}. {state} — {action} — {date}</h3>\n<dl class=\"fields\">\n\
             <dt>State</dt><dd class=\"state\">{state} ({iso3})</dd>\n\
             <dt>Instrument</dt><dd class=\"instrument\"><cite>{instrument}</cite></dd>\n\
             <dt>Action</dt><dd class=\"action\">{action}, {stage} stage</dd>\n\
             <dt>Date</dt><dd class=\"date\"><time datetime=\"{iso}\">{date}</time></dd>\n\
             <dt>Citations</dt><dd>{count}, from {independent}</dd>\n</dl>\n\
             <ol class=\"citations\">",
            n = e.number,
            id = e.event_id,
            state = escape(&e.state_name),
            iso3 = escape(&e.state),
            instrument = escape(&e.instrument_cited),
            action = e.action,
            stage = e.stage,
            iso = e.date,
            date = e.date_long,
            count = e.citations.len(),
            independent = plural(
                e.independent_sources as i64,
                "independent source",
                "independent sources"
            ),
        );
        for c in &e.citations {
            let _ = writeln!(
                out,
                "<li class=\"citation\" id=\"entry-{}-cite-{}\" data-source=\"{}\">\n\
                 <p class=\"note\">{}</p>\n<blockquote class=\"quote\">{}</blockquote>\n</li>",
                e.number,
                c.number,
                c.source_id,
                render_note(c),
                render_quote(c)
            );
        }
        out.push_str("</ol>\n</article>\n");
    }
    out.push_str("</section>\n<section id=\"conflicts\">\n<h2>Conflicts</h2>\n");
    if r.conflicts.is_empty() {
        out.push_str("<p>No conflicting dates.</p>\n");
    } else {
        out.push_str(
            "<p>The same state, instrument, action and stage reported at dates that disagree; \
             each date is a separate entry.</p>\n<ul>\n",
        );
        for c in &r.conflicts {
            let _ = writeln!(
                out,
                "<li class=\"conflict\">{} ({}), {} ({} stage), <cite>{}</cite>:\n<ul>",
                escape(&c.state_name),
                escape(&c.state),
                c.action,
                c.stage,
                escape(&c.instrument_cited)
            );
            for d in &c.dates {
                let entry = match d.entry {
                    Some(n) => format!("<a href=\"#entry-{n}\">entry {n}</a>"),
                    None => "not in this selection".to_string(),
                };
                let _ = writeln!(
                    out,
                    "<li><time datetime=\"{}\">{}</time>: {}, {}</li>",
                    d.date,
                    d.date_long,
                    entry,
                    plural(d.citations, "citation", "citations")
                );
            }
            out.push_str("</ul>\n</li>\n");
        }
        out.push_str("</ul>\n");
    }
    out.push_str(
        "</section>\n<section id=\"unresolved\">\n<h2>Unresolved instrument mentions</h2>\n",
    );
    if r.unresolved.is_empty() {
        out.push_str("<p>None.</p>\n");
    } else {
        out.push_str(
            "<table>\n<thead><tr><th>Mention</th><th>Count</th><th>Sources</th></tr></thead>\n<tbody>\n",
        );
        for u in &r.unresolved {
            let sources: Vec<String> = u
                .sources
                .iter()
                .map(|s| match s.publisher.as_deref().or(s.title.as_deref()) {
                    Some(name) => format!("{} ({})", s.id, escape(name)),
                    None => s.id.to_string(),
                })
                .collect();
            let _ = writeln!(
                out,
                "<tr class=\"mention\"><td>{}</td><td class=\"count\">{}</td><td>{}</td></tr>",
                escape(&u.text),
                u.count,
                sources.join(", ")
            );
        }
        out.push_str("</tbody>\n</table>\n");
    }
    let s = &r.summary;
    let _ = write!(
        out,
        "</section>\n<section id=\"summary\">\n<h2>Summary</h2>\n<dl class=\"fields\">\n\
         <dt>Entries</dt><dd>{}</dd>\n<dt>Citations</dt><dd>{}</dd>\n\
         <dt>Sources</dt><dd>{}</dd>\n<dt>States</dt><dd>{}</dd>\n\
         <dt>Instruments</dt><dd>{}</dd>\n\
         <dt>Entries with more than one independent source</dt><dd>{}</dd>\n\
         <dt>Conflicts</dt><dd>{}</dd>\n\
         <dt>Unresolved instrument mentions</dt><dd>{} ({})</dd>\n</dl>\n\
         </section>\n</main>\n</body>\n</html>\n",
        s.entries,
        s.citations,
        s.sources,
        s.states,
        s.instruments,
        s.corroborated_entries,
        s.conflicts,
        s.unresolved_mentions,
        plural(s.unresolved_occurrences, "occurrence", "occurrences")
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            escape("<script>alert('x') & \"y\"</script>"),
            "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;"
        );
    }
}
