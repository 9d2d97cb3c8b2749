//! What "the party", "our country", "it" and "this convention" stand for: the words that
//! refer back, and the memory of the states and instruments named so far in a document.

use std::sync::OnceLock;

use regex::Regex;

use crate::model::Span;

/// Words that stand for an instrument named before ("this convention", "the document").
fn instrument_anaphor_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"(?i)\b(?:this|that|the|said|the\s+said|the\s+same|the\s+above-mentioned|the\s+abovementioned|the\s+aforementioned|the\s+above\s+mentioned)\s+(?:(?-i:[a-z][a-z-]+)\s+)?(convention|treaty|agreement|protocol|document|pact|accord|charter|covenant|statute|instrument|amendment|accords)\b",
        )
        .expect("valid pattern")
    })
}

/// Words that stand for a state named before, as the one who acts.
fn state_anaphor_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        let leg = super::rules::LEGISLATURES;
        Regex::new(&format!(
            r"(?i)\b(?:(?:the|this|our)\s+(?:party|country|state|republic|government|nation|kingdom|side)|the\s+authorities|(?:the\s+)?(?:country|state)'s\s+(?:government|authorities|parliament|president|leadership)|its\s+(?:[\w-]+\s+)?(?:ambassador|envoy|permanent\s+representative|representative|government|parliament|president|foreign\s+ministry|delegation|minister)|it|(?:the\s+)?(?:{leg})|the\s+(?:president|head\s+of\s+state|minister|foreign\s+minister|prime\s+minister|ambassador|permanent\s+representative|envoy|delegation)|(?-i:(?:President|Prime\s+Minister|Foreign\s+Minister|Minister|Ambassador|Chancellor|Secretary\s+of\s+State|King|Queen|Emir)(?:\s+[A-Z][\w'-]+){{1,3}}))\b",
        ))
        .expect("valid pattern")
    })
}

/// An instrument anaphor in `text` (at `base`): its span and head noun ("convention").
/// "The instrument of ratification" and a title ("the Convention on X") are not anaphors.
pub fn instrument_anaphors(text: &str, base: usize) -> Vec<(Span, String)> {
    instrument_anaphor_regex()
        .captures_iter(text)
        .filter_map(|caps| {
            let whole = caps.get(0)?;
            let head = caps.get(1)?.as_str().to_lowercase();
            let rest = &text[whole.end()..];
            let rest_trim = rest.trim_start();
            let lower: String = rest_trim
                .chars()
                .take(20)
                .collect::<String>()
                .to_lowercase();
            if head == "instrument" && (lower.starts_with("of ") || lower.starts_with("s of ")) {
                return None;
            }
            // A title: "the Convention on the Rights..." or "the Treaty of Lisbon".
            let mut next = rest_trim.split_whitespace();
            if let (Some(prep), Some(word)) = (next.next(), next.next()) {
                let calendar = super::titles::is_calendar_word(
                    word.trim_matches(|c: char| !c.is_alphanumeric()),
                );
                if matches!(
                    prep,
                    "on" | "against" | "for" | "of" | "to" | "concerning" | "relating" | "between"
                ) && word.starts_with(|c: char| c.is_uppercase())
                    && !calendar
                {
                    return None;
                }
            }
            // A compound noun ("the document signing", "the treaty's provisions" is fine).
            Some((Span::new(base + whole.start(), base + whole.end()), head))
        })
        .collect()
}

/// A state anaphor in `text` (at `base`): "the party", "our country", "it", "parliament".
pub fn state_anaphors(text: &str, base: usize) -> Vec<Span> {
    state_anaphor_regex()
        .find_iter(text)
        .map(|m| Span::new(base + m.start(), base + m.end()))
        .collect()
}

/// The states and instruments a document has named so far, sentence by sentence.
#[derive(Debug, Default)]
pub struct Memory {
    /// For each sentence seen: the states it names (code, span), in order.
    sentences: Vec<Vec<(String, Span)>>,
    /// Every instrument named or resolved so far: (id, span, the words used, its title),
    /// with the number of sentences seen when it was named.
    instruments: Vec<(String, Span, String, String, usize)>,
}

/// How many sentences back "the convention" may look for the instrument it stands for.
const INSTRUMENT_REACH: usize = 8;

impl Memory {
    pub fn new() -> Memory {
        Memory::default()
    }

    /// Records a finished sentence's state mentions.
    /// Whether an earlier sentence has named an instrument.
    pub fn knows_instruments(&self) -> bool {
        let now = self.sentences.len();
        self.instruments
            .iter()
            .any(|(_, _, _, _, seen)| *seen < now)
    }

    pub fn push_sentence(&mut self, states: Vec<(String, Span)>) {
        self.sentences.push(states);
    }

    pub fn push_instrument(&mut self, id: &str, span: Span, words: &str, title: &str) {
        self.instruments.push((
            id.to_string(),
            span,
            words.to_string(),
            title.to_string(),
            self.sentences.len(),
        ));
    }

    /// The state an anaphor at `before` stands for: the one state named earlier in the same
    /// sentence (`current`), else the one state of the nearest earlier sentence (up to
    /// `reach` sentences back) that names any. Two different states there: unknown.
    pub fn acting_state(
        &self,
        current: &[(String, Span)],
        before: usize,
        reach: usize,
    ) -> Option<String> {
        let earlier: Vec<&String> = current
            .iter()
            .filter(|(_, s)| s.end <= before)
            .map(|(c, _)| c)
            .collect();
        if let Some(one) = single(&earlier) {
            return Some(one);
        }
        if !earlier.is_empty() {
            return None;
        }
        for states in self.sentences.iter().rev().take(reach) {
            if states.is_empty() {
                continue;
            }
            let codes: Vec<&String> = states.iter().map(|(c, _)| c).collect();
            return single(&codes);
        }
        None
    }

    /// The instrument an anaphor with head noun `head` at `before` stands for: the last one
    /// named before it whose name fits the head ("the protocol" is not a convention).
    pub fn last_instrument(&self, head: &str, before: usize) -> Option<String> {
        let now = self.sentences.len();
        self.instruments
            .iter()
            .rev()
            .filter(|(_, s, _, _, _)| s.end <= before)
            .take_while(|(_, _, _, _, seen)| now.saturating_sub(*seen) <= INSTRUMENT_REACH)
            .find(|(_, _, words, title, _)| fits(head, words, title))
            .map(|(id, _, _, _, _)| id.clone())
    }
}

/// Heads that any instrument answers to ("the treaty", "the document", "it").
pub fn generic_head(head: &str) -> bool {
    matches!(
        head,
        "treaty" | "document" | "instrument" | "pact" | "accord" | "accords" | "it" | "deal"
    )
}

/// Whether an instrument can be called "a `head`" before it is named: "a treaty" can be
/// anything, "an agreement" or "a convention" only what has the word in its name.
pub fn fits_strictly(head: &str, words: &str, title: &str) -> bool {
    matches!(head, "treaty" | "pact" | "accord" | "deal")
        || words.to_lowercase().contains(head)
        || title.to_lowercase().contains(head)
}

/// Whether an instrument named `words` (full title `title`) can be called "the `head`".
pub fn fits(head: &str, words: &str, title: &str) -> bool {
    generic_head(head)
        || words.to_lowercase().contains(head)
        || title.to_lowercase().contains(head)
        // An acronym ("ECHR") gives no head noun to check.
        || !words.contains(' ')
}

fn single(codes: &[&String]) -> Option<String> {
    let first = codes.first()?;
    codes.iter().all(|c| c == first).then(|| (*first).clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_instrument_anaphors_but_not_titles() {
        let a = instrument_anaphors("assessed accession to this convention as important", 0);
        assert_eq!(a.len(), 1);
        assert_eq!(a[0].1, "convention");
        assert!(instrument_anaphors("the Convention on Cluster Munitions", 0).is_empty());
        assert!(instrument_anaphors("deposited the instrument of ratification", 0).is_empty());
        assert_eq!(instrument_anaphors("The treaty was signed", 0).len(), 1);
    }

    #[test]
    fn finds_state_anaphors() {
        assert_eq!(state_anaphors("The party signed", 0), [Span::new(0, 9)]);
        assert_eq!(state_anaphors("our country has joined", 0).len(), 1);
        assert_eq!(state_anaphors("Parliament ratified", 0).len(), 1);
    }

    #[test]
    fn resolves_the_party_to_the_one_state_in_context() {
        let mut m = Memory::new();
        m.push_sentence(vec![("AZE".into(), Span::new(10, 20))]);
        assert_eq!(m.acting_state(&[], 100, 3).as_deref(), Some("AZE"));
        m.push_sentence(vec![]);
        assert_eq!(m.acting_state(&[], 100, 3).as_deref(), Some("AZE"));
        m.push_sentence(vec![
            ("CHL".into(), Span::new(200, 205)),
            ("PER".into(), Span::new(210, 214)),
        ]);
        assert_eq!(m.acting_state(&[], 300, 3), None, "two states: unknown");
        let current = vec![("ARM".into(), Span::new(300, 307))];
        assert_eq!(m.acting_state(&current, 310, 3).as_deref(), Some("ARM"));
    }

    #[test]
    fn resolves_this_convention_to_the_last_instrument() {
        let mut m = Memory::new();
        m.push_instrument(
            "CETS-216",
            Span::new(0, 40),
            "Council of Europe Convention against Trafficking in Human Organs",
            "Council of Europe Convention against Trafficking in Human Organs",
        );
        assert_eq!(
            m.last_instrument("convention", 100).as_deref(),
            Some("CETS-216")
        );
        assert_eq!(
            m.last_instrument("document", 100).as_deref(),
            Some("CETS-216")
        );
        assert_eq!(m.last_instrument("protocol", 100), None);
        assert_eq!(m.last_instrument("convention", 10), None);
    }
}
