//! Treaty-like titles that the gazetteer does not know ("the Convention on X"), kept so
//! that a reader can see what the ledger could not resolve.

use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, MatchKind};

use crate::model::{Span, MONTH_NAMES};

const HEADS: &[&str] = &[
    "Convention",
    "Treaty",
    "Protocol",
    "Agreement",
    "Covenant",
    "Charter",
    "Pact",
    "Accord",
    "Statute",
    "Amendment",
    "Conventions",
    "Accords",
];

/// Whether a head word occurs in `text`, as a substring (so wherever it is a token). Every
/// sentence of every article passes this gate and few hold a head word, so it is one
/// SIMD-accelerated multi-substring search (aho-corasick's Teddy), not a look at each byte.
fn holds_head_word(text: &str) -> bool {
    static HEAD_WORDS: OnceLock<AhoCorasick> = OnceLock::new();
    HEAD_WORDS
        .get_or_init(|| {
            AhoCorasick::builder()
                .match_kind(MatchKind::LeftmostFirst)
                .build(HEADS)
                .expect("the head words make an automaton")
        })
        .is_match(text)
}

const LINKS: &[&str] = &[
    "of",
    "on",
    "for",
    "and",
    "the",
    "against",
    "in",
    "to",
    "concerning",
    "relating",
    "between",
    "with",
    "from",
    "by",
    "at",
];

const WEEKDAYS: &[&str] = &[
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// Whether a word is a month or a weekday name.
pub fn is_calendar_word(word: &str) -> bool {
    MONTH_NAMES.contains(&word) || WEEKDAYS.contains(&word)
}

const OPENERS: &[&str] = &[
    "The", "A", "An", "This", "That", "In", "On", "At", "Its", "Their",
];

/// Words with their byte spans (letters, digits, hyphens, apostrophes, plus signs).
fn tokens(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    // Room for a word every four bytes, more than prose has, so the list never grows.
    let mut out = Vec::with_capacity(text.len() / 4 + 1);
    let mut start: Option<usize> = None;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let (inside, len) = if b.is_ascii() {
            (
                b.is_ascii_alphanumeric() || matches!(b, b'-' | b'\'' | b'+'),
                1,
            )
        } else {
            let c = text[i..].chars().next().unwrap_or(' ');
            (c.is_alphanumeric() || c == '’', c.len_utf8())
        };
        match (inside, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push((s, i));
                start = None;
            }
            _ => {}
        }
        i += len;
    }
    if let Some(s) = start {
        out.push((s, text.len()));
    }
    out
}

/// Whether a word is one of the [`HEADS`].
fn is_head(word: &str) -> bool {
    word.starts_with(['C', 'T', 'P', 'A', 'S']) && HEADS.contains(&word)
}

fn capitalised(word: &str) -> bool {
    word.chars()
        .next()
        .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
}

/// Whether only spaces (or a lone hyphen) separate two tokens.
fn adjacent(text: &str, a_end: usize, b_start: usize) -> bool {
    text.get(a_end..b_start)
        .is_some_and(|gap| gap.chars().all(|c| c == ' '))
}

/// A treaty-like title: its span and the span of its head word ("Convention").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Title {
    pub span: Span,
    pub head: Span,
}

/// Capitalised treaty-like titles in `text` (at `base`): a head word ("Convention") with
/// capitalised words before it or a linked capitalised complement after it.
pub fn treaty_titles(text: &str, base: usize) -> Vec<Title> {
    // Most sentences hold no head word at all: the tokens need not be made.
    if !holds_head_word(text) {
        return Vec::new();
    }
    let toks = tokens(text);
    let word = |i: usize| &text[toks[i].0..toks[i].1];
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        if !is_head(word(i)) {
            i += 1;
            continue;
        }
        // Left: capitalised words (and "of" between capitalised words).
        let mut first = i;
        while first > 0 && adjacent(text, toks[first - 1].1, toks[first].0) {
            let w = word(first - 1);
            let capital = capitalised(w) && !OPENERS.contains(&w);
            let linking_of = w == "of"
                && first >= 2
                && capitalised(word(first - 2))
                && adjacent(text, toks[first - 2].1, toks[first - 1].0);
            if capital || linking_of {
                first -= 1;
            } else {
                break;
            }
        }
        // A head word right before another capitalised name word is used attributively:
        // "Treaty Office", "Treaty Section", "Convention Centre" name bodies, not treaties.
        let attributive = i + 1 < toks.len()
            && adjacent(text, toks[i].1, toks[i + 1].0)
            && capitalised(word(i + 1))
            && !word(i + 1).starts_with(|c: char| c.is_ascii_digit())
            && word(i + 1) != "No"
            && !is_head(word(i + 1));
        if attributive {
            i += 1;
            continue;
        }
        // Right: a link word, then capitalised words and links, ending capitalised.
        let mut last = i;
        let mut j = i + 1;
        let mut seen_capital = false;
        while j < toks.len() && adjacent(text, toks[j - 1].1, toks[j].0) {
            let w = word(j);
            let number = w.starts_with(|c: char| c.is_ascii_digit());
            if is_calendar_word(w) || (number && j != i + 1) {
                break;
            }
            if capitalised(w) {
                seen_capital = true;
                last = j;
            } else if LINKS.contains(&w)
                && (seen_capital || j == i + 1 || LINKS.contains(&word(j - 1)))
            {
                // keep going; only a capitalised word extends the title
            } else {
                break;
            }
            j += 1;
        }
        let capitals = (first..=last).filter(|&k| capitalised(word(k))).count();
        if capitals >= 2 {
            out.push(Title {
                span: Span::new(base + toks[first].0, base + toks[last].1),
                head: Span::new(base + toks[i].0, base + toks[i].1),
            });
        }
        i = last.max(i) + 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_named_after_treaties_are_not_titles() {
        assert!(titles("the Council of Europe Treaty Office said").is_empty());
        assert!(titles("the UN Treaty Section confirmed").is_empty());
        assert_eq!(
            titles("under the Convention on Lunar Heritage Sites today"),
            vec!["Convention on Lunar Heritage Sites"]
        );
    }

    fn titles(text: &str) -> Vec<&str> {
        treaty_titles(text, 0)
            .into_iter()
            .map(|t| &text[t.span.start..t.span.end])
            .collect()
    }

    #[test]
    fn finds_capitalised_treaty_titles() {
        assert_eq!(
            titles("Peru ratified the Convention on the Conservation of Migratory Species of Wild Animals in May."),
            ["Convention on the Conservation of Migratory Species of Wild Animals"]
        );
        assert_eq!(
            titles("the Treaty of Lisbon entered into force"),
            ["Treaty of Lisbon"]
        );
        assert_eq!(
            titles("the Inter-American Convention against Corruption"),
            ["Inter-American Convention against Corruption"]
        );
        assert_eq!(
            titles("The Pact for the Future was adopted"),
            ["Pact for the Future"]
        );
    }

    #[test]
    fn head_words_are_found_as_substrings_with_their_case() {
        for head in HEADS {
            assert!(
                holds_head_word(&format!("the EU-{head}s, signed")),
                "{head}"
            );
            assert!(
                !holds_head_word(&format!("the {}", head.to_lowercase())),
                "{head}"
            );
        }
        assert!(!holds_head_word(""));
        assert!(!holds_head_word("Talks on a Treat for the Chart"));
    }

    #[test]
    fn ignores_lone_or_lower_case_words() {
        assert!(titles("The Convention was signed.").is_empty());
        assert!(titles("signing a peace treaty as soon as possible").is_empty());
        assert!(titles("joined a number of relevant conventions").is_empty());
    }
}
