//! HTML pages, read with a real parser (scraper / html5ever), so broken nesting is repaired
//! the way a browser would, never a panic.
//!
//! Metadata comes from `<meta>`, `<link rel=canonical>`, `<title>` and `<time>`; the text is
//! the article's readable words, one paragraph per block element, without navigation,
//! scripts and other page furniture.

use std::io::BufRead;

use scraper::{ElementRef, Html, Node};

use super::{parse_published, read_whole, Documents, Format, Reader};
use crate::error::Problem;
use crate::model::Document;

/// Reads an HTML page into one document.
pub struct HtmlReader;

impl Reader for HtmlReader {
    const FORMAT: Format = Format::Html;

    fn documents<R: BufRead + Send + 'static>(origin: &str, input: R) -> Documents {
        let document = read_whole(origin, input).and_then(|html| read_html(origin, &html));
        Box::new(std::iter::once(document))
    }
}

/// Elements whose content is never article text.
const DROPPED: &[&str] = &[
    "script", "style", "noscript", "nav", "header", "footer", "aside", "form", "template", "head",
    "svg", "math", "iframe", "object", "embed", "canvas", "button", "select", "textarea", "dialog",
];

/// Elements that start and end a paragraph.
const BLOCKS: &[&str] = &[
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "div",
    "br",
    "tr",
    "blockquote",
    "article",
    "main",
    "section",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "table",
    "thead",
    "tbody",
    "tfoot",
    "caption",
    "pre",
    "figure",
    "figcaption",
    "hr",
    "address",
    "details",
    "summary",
    "body",
    "center",
];

/// Elements whose content sits next to its neighbours' with a space between (table cells).
const SPACED: &[&str] = &["td", "th"];

/// How many `<article>` elements are compared to find the story.
const MAX_ARTICLES: usize = 16;

/// Which `published` source wins, best first.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum DateSource {
    ArticlePublishedTime,
    OgPublishedTime,
    MetaDate,
    MetaPubdate,
    ItempropDatePublished,
    TimeElement,
}

/// What the page says about itself, gathered in one walk over the tree.
#[derive(Default)]
struct Metadata {
    og_title: Option<String>,
    title: Option<String>,
    published: Option<(DateSource, chrono::NaiveDate)>,
    publisher: Option<String>,
    canonical: Option<String>,
    og_url: Option<String>,
    author: Option<String>,
}

impl Metadata {
    fn offer_date(&mut self, source: DateSource, value: Option<&str>) {
        let Some(date) = value.and_then(html_date) else {
            return;
        };
        if self.published.is_none_or(|(best, _)| source < best) {
            self.published = Some((source, date));
        }
    }
}

/// The date part of a page's date: `YYYY-MM-DD`, a timestamp, or anything starting with
/// a real `YYYY-MM-DD` date (pages write timestamps loosely).
fn html_date(value: &str) -> Option<chrono::NaiveDate> {
    let value = value.trim();
    parse_published(value).or_else(|| super::iso_date_prefix(value))
}

fn set_once(slot: &mut Option<String>, value: Option<&str>) {
    if slot.is_none() {
        let value = value.map(collapse).filter(|v| !v.is_empty());
        if value.is_some() {
            *slot = value;
        }
    }
}

/// HTML → one document: title from og:title or `<title>`; published from
/// article:published_time, og:published_time, `<meta name=date>`, `<meta name=pubdate>`,
/// itemprop=datePublished or `<time datetime>` (in that order; the date part); publisher
/// from og:site_name; url from the canonical link or og:url; author from
/// `<meta name=author>`. The text is the readable text of `<article>` (the longest, if
/// several), else `<main>`, else `<body>`, with paragraphs separated by a blank line.
pub fn read_html(origin: &str, html: &str) -> Result<Document, Problem> {
    let page = Html::parse_document(html);
    let root = page.root_element();
    let mut meta = Metadata::default();
    let mut articles = Vec::new();
    let mut main = None;
    let mut body = None;
    for element in root.descendent_elements() {
        let e = element.value();
        let attr = |name: &str| e.attr(name);
        let is = |name: &str, wanted: &str| {
            attr(name).is_some_and(|v| v.trim().eq_ignore_ascii_case(wanted))
        };
        match e.name() {
            "meta" => {
                let content = attr("content");
                if is("property", "og:title") || is("name", "og:title") {
                    set_once(&mut meta.og_title, content);
                } else if is("property", "og:site_name") || is("name", "og:site_name") {
                    set_once(&mut meta.publisher, content);
                } else if is("property", "og:url") || is("name", "og:url") {
                    set_once(&mut meta.og_url, content);
                } else if is("name", "author") {
                    set_once(&mut meta.author, content);
                } else if is("property", "article:published_time")
                    || is("name", "article:published_time")
                {
                    meta.offer_date(DateSource::ArticlePublishedTime, content);
                } else if is("property", "og:published_time") || is("name", "og:published_time") {
                    meta.offer_date(DateSource::OgPublishedTime, content);
                } else if is("name", "date") {
                    meta.offer_date(DateSource::MetaDate, content);
                } else if is("name", "pubdate") {
                    meta.offer_date(DateSource::MetaPubdate, content);
                }
            }
            "title" if meta.title.is_none() => {
                let text: String = element.text().collect();
                set_once(&mut meta.title, Some(&text));
            }
            "link" => {
                let canonical = attr("rel").is_some_and(|rel| {
                    rel.split_ascii_whitespace()
                        .any(|r| r.eq_ignore_ascii_case("canonical"))
                });
                if canonical {
                    set_once(&mut meta.canonical, attr("href"));
                }
            }
            "time" => meta.offer_date(DateSource::TimeElement, attr("datetime")),
            "article" => articles.push(element),
            "main" if main.is_none() => main = Some(element),
            "body" if body.is_none() => body = Some(element),
            _ => {}
        }
        if is("itemprop", "datePublished") {
            let value = attr("content").or_else(|| attr("datetime"));
            match value {
                Some(v) => meta.offer_date(DateSource::ItempropDatePublished, Some(v)),
                None => {
                    let text: String = element.text().collect();
                    meta.offer_date(DateSource::ItempropDatePublished, Some(&text));
                }
            }
        }
    }

    // Pages nest articles (teasers inside the story); a bound keeps that linear.
    let mut text = articles
        .iter()
        .take(MAX_ARTICLES)
        .map(|a| readable_text(*a))
        .max_by_key(String::len)
        .unwrap_or_default();
    for fallback in [main, body, Some(root)].into_iter().flatten() {
        if !text.is_empty() {
            break;
        }
        text = readable_text(fallback);
    }
    if text.is_empty() {
        return Err(Problem::new(
            origin,
            None,
            None,
            "no readable text in this HTML page (nothing outside scripts, navigation and page furniture)",
        ));
    }
    Ok(Document {
        origin: origin.to_string(),
        format: Format::Html.as_str().to_string(),
        text,
        title: meta.og_title.or(meta.title),
        url: meta.canonical.or(meta.og_url),
        publisher: meta.publisher,
        author: meta.author,
        published: meta.published.map(|(_, date)| date),
    })
}

/// Whitespace runs folded to one space, ends trimmed.
fn collapse(s: &str) -> String {
    super::normalise(s)
}

/// The readable text under `root`: paragraphs separated by "\n\n", whitespace inside them
/// collapsed. Walks the tree with an explicit stack, so deep nesting cannot overflow.
fn readable_text(root: ElementRef<'_>) -> String {
    let mut out = Paragraphs::default();
    // (node, whether its children have been visited)
    let mut stack = vec![(*root, false)];
    while let Some((node, done)) = stack.pop() {
        match node.value() {
            Node::Element(e) => {
                let name = e.name();
                if done {
                    if BLOCKS.contains(&name) {
                        out.end_paragraph();
                    } else if SPACED.contains(&name) {
                        out.space();
                    }
                    continue;
                }
                if DROPPED.contains(&name) || e.attr("hidden").is_some() {
                    continue;
                }
                if BLOCKS.contains(&name) {
                    out.end_paragraph();
                } else if SPACED.contains(&name) {
                    out.space();
                }
                stack.push((node, true));
                stack.extend(node.children().rev().map(|c| (c, false)));
            }
            Node::Text(t) if !done => out.push(t),
            Node::Document | Node::Fragment if !done => {
                stack.extend(node.children().rev().map(|c| (c, false)));
            }
            _ => {}
        }
    }
    out.finish()
}

/// Text being laid out in paragraphs.
#[derive(Default)]
struct Paragraphs {
    out: String,
    /// Whether the current paragraph has text.
    open: bool,
    /// Whether a space is owed before the next word.
    space: bool,
}

impl Paragraphs {
    fn push(&mut self, text: &str) {
        for (i, word) in text.split(char::is_whitespace).enumerate() {
            if i > 0 {
                self.space = true;
            }
            if word.is_empty() {
                continue;
            }
            if !self.open {
                if !self.out.is_empty() {
                    self.out.push_str("\n\n");
                }
                self.open = true;
                self.space = false;
            } else if self.space {
                self.out.push(' ');
            }
            self.space = false;
            self.out.push_str(word);
        }
    }

    fn space(&mut self) {
        self.space = true;
    }

    fn end_paragraph(&mut self) {
        self.open = false;
        self.space = false;
    }

    fn finish(self) -> String {
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_become_paragraphs_and_inline_text_joins() {
        let doc = read_html(
            "t.html",
            "<body><div><p>One <b>bold</b>\n  word</p>tail</div><ul><li>a</li><li>b</li></ul>x<br>y</body>",
        )
        .unwrap();
        assert_eq!(doc.text, "One bold word\n\ntail\n\na\n\nb\n\nx\n\ny");
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let html = "<div>".repeat(5_000) + "deep" + &"</div>".repeat(5_000);
        let doc = read_html("deep.html", &html).unwrap();
        assert_eq!(doc.text, "deep");
    }
}
