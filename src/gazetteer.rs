//! The names of states and instruments, and finding them in running text.
//!
//! One Aho-Corasick automaton (leftmost-longest, case-sensitive) over every name, built
//! once; a match counts only on word boundaries. It finds names, it does not judge what
//! they mean in the sentence: that is `extract`'s job.

use std::collections::{BTreeMap, BTreeSet};

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, Input, MatchKind};

use crate::model::{Instrument, Span, State, StateKind};

/// What kind of name a gazetteer entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NameKind {
    /// A code (ISO alpha-3, instrument id): never matched in running text.
    Code,
    Name,
    Formal,
    Alias,
    Demonym,
    Title,
    ShortTitle,
}

/// What a name points to: a state or an instrument, by its index in the gazetteer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Target {
    State(usize),
    Instrument(usize),
}

/// A name found in a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mention {
    /// Byte span in the searched text (offsets added by the caller's `base`).
    pub span: Span,
    pub target: Target,
    pub kind: NameKind,
}

#[derive(Debug, Clone)]
struct Entry {
    target: Target,
    kind: NameKind,
}

/// Every name of every state and instrument, and one automaton to find them.
#[derive(Debug, Clone)]
pub struct Gazetteer {
    automaton: AhoCorasick,
    entries: Vec<Entry>,
    states: Vec<String>,
    instruments: Vec<String>,
    /// The longest name of each instrument (its full title), to judge "the protocol".
    titles: Vec<String>,
}

/// Small words a title keeps in lower case when news writes it in headline case.
const TITLE_SMALL_WORDS: &[&str] = &[
    "a",
    "an",
    "and",
    "as",
    "at",
    "by",
    "for",
    "from",
    "in",
    "into",
    "of",
    "on",
    "or",
    "the",
    "to",
    "with",
    "against",
    "between",
    "concerning",
    "relating",
    "under",
    "within",
];

/// "Convention on preventing and combating violence" → "Convention on Preventing and
/// Combating Violence": the form news uses for a title the depositary writes in lower case.
fn headline_case(name: &str) -> String {
    name.split(' ')
        .enumerate()
        .map(|(i, word)| {
            if i > 0 && TITLE_SMALL_WORDS.contains(&word) {
                word.to_string()
            } else {
                let mut chars = word.chars();
                match chars.next() {
                    Some(first) => first.to_uppercase().chain(chars).collect(),
                    None => String::new(),
                }
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether a name is worth matching in running text.
fn usable(name: &str, kind: NameKind, is_instrument: bool) -> bool {
    if kind == NameKind::Code || name.chars().count() < 2 {
        return false;
    }
    // A one-word instrument title ("Protocol") names nothing in particular, unless it is an
    // acronym ("CEDAW", "UNCLOS").
    if is_instrument && !name.contains(' ') {
        let letters: Vec<char> = name.chars().filter(|c| c.is_alphabetic()).collect();
        let acronym = letters.len() >= 3 && letters.iter().all(|c| c.is_uppercase());
        if !acronym {
            return false;
        }
    }
    true
}

impl Gazetteer {
    /// Builds the gazetteer from every name each state (iso3, name, kind) and each
    /// instrument (id, name, kind) goes by. Codes are kept as ids but not matched in text; a
    /// name that points to two different targets is ambiguous and dropped.
    pub fn new<'a>(
        states: impl IntoIterator<Item = (&'a str, &'a str, NameKind)>,
        instruments: impl IntoIterator<Item = (&'a str, &'a str, NameKind)>,
    ) -> Gazetteer {
        let mut state_ids: Vec<String> = Vec::new();
        let mut instrument_ids: Vec<String> = Vec::new();
        let mut state_index: BTreeMap<String, usize> = BTreeMap::new();
        let mut instrument_index: BTreeMap<String, usize> = BTreeMap::new();
        // name → the targets it points to (kind of the first, best, name kept).
        let mut names: BTreeMap<String, (BTreeSet<Target>, NameKind)> = BTreeMap::new();
        let mut titles: Vec<String> = Vec::new();
        let mut add = |name: &str, target: Target, kind: NameKind| {
            let entry = names
                .entry(name.to_string())
                .or_insert_with(|| (BTreeSet::new(), kind));
            entry.0.insert(target);
            entry.1 = entry.1.min(kind);
        };
        for (code, name, kind) in states {
            let next = state_ids.len();
            let idx = *state_index.entry(code.to_string()).or_insert(next);
            if idx == next {
                state_ids.push(code.to_string());
            }
            let name = name.trim();
            if usable(name, kind, false) {
                add(name, Target::State(idx), kind);
            }
        }
        for (id, name, kind) in instruments {
            let next = instrument_ids.len();
            let idx = *instrument_index.entry(id.to_string()).or_insert(next);
            if idx == next {
                instrument_ids.push(id.to_string());
                titles.push(String::new());
            }
            let name = name.trim();
            if kind == NameKind::Code {
                // A treaty-series number names its treaty exactly: "CETS No. 216".
                if let Some(n) = id
                    .strip_prefix("CETS-")
                    .filter(|n| n.bytes().all(|b| b.is_ascii_digit()))
                {
                    for form in [
                        format!("CETS No. {n}"),
                        format!("CETS No {n}"),
                        format!("ETS No. {n}"),
                    ] {
                        add(&form, Target::Instrument(idx), NameKind::Alias);
                    }
                }
                continue;
            }
            if let Some(t) = titles.get_mut(idx) {
                if name.len() > t.len() {
                    *t = name.to_string();
                }
            }
            if usable(name, kind, true) {
                let mut forms = vec![name.to_string()];
                // News often drops the depositary's name from a title.
                if let Some(rest) = name.strip_prefix("Council of Europe ") {
                    if rest.split(' ').count() >= 4 {
                        forms.push(rest.to_string());
                    }
                }
                for form in forms {
                    add(&form, Target::Instrument(idx), kind);
                    if form.split(' ').count() >= 3 {
                        let headline = headline_case(&form);
                        if headline != form {
                            add(&headline, Target::Instrument(idx), kind);
                        }
                    }
                }
            }
        }
        let mut patterns = Vec::with_capacity(names.len());
        let mut entries = Vec::with_capacity(names.len());
        for (name, (targets, kind)) in names {
            if targets.len() != 1 {
                continue;
            }
            if let Some(&target) = targets.iter().next() {
                patterns.push(name);
                entries.push(Entry { target, kind });
            }
        }
        let automaton = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .build(&patterns)
            .unwrap_or_else(|_| {
                // Building only fails past the automaton's size limits, far beyond any
                // gazetteer; an empty one then matches nothing rather than panic.
                entries.clear();
                AhoCorasick::new(Vec::<String>::new()).expect("an empty automaton always builds")
            });
        Gazetteer {
            automaton,
            entries,
            states: state_ids,
            instruments: instrument_ids,
            titles,
        }
    }

    /// From the reference lists: a state's name, formal name, aliases and demonyms; an
    /// instrument's title, short title and aliases. International organisations other
    /// than the European Union are left out: in running text "the Council of Europe" or
    /// "the United Nations" is a depositary or a forum, not a party acting on a treaty.
    pub fn from_reference(states: &[State], instruments: &[Instrument]) -> Gazetteer {
        let state_names = states
            .iter()
            .filter(|s| s.kind != StateKind::Organisation || s.iso3 == "EUU")
            .flat_map(|s| {
                std::iter::once((s.iso3.as_str(), s.iso3.as_str(), NameKind::Code))
                    .chain(std::iter::once((
                        s.iso3.as_str(),
                        s.name.as_str(),
                        NameKind::Name,
                    )))
                    .chain(
                        s.formal_name
                            .as_deref()
                            .map(|n| (s.iso3.as_str(), n, NameKind::Formal)),
                    )
                    .chain(
                        s.aliases
                            .iter()
                            .map(|n| (s.iso3.as_str(), n.as_str(), NameKind::Alias)),
                    )
                    .chain(
                        s.demonyms
                            .iter()
                            .map(|n| (s.iso3.as_str(), n.as_str(), NameKind::Demonym)),
                    )
            });
        let instrument_names = instruments.iter().flat_map(|i| {
            std::iter::once((i.id.as_str(), i.id.as_str(), NameKind::Code))
                .chain(std::iter::once((
                    i.id.as_str(),
                    i.title.as_str(),
                    NameKind::Title,
                )))
                .chain(
                    i.short_title
                        .as_deref()
                        .map(|n| (i.id.as_str(), n, NameKind::ShortTitle)),
                )
                .chain(
                    i.aliases
                        .iter()
                        .map(|n| (i.id.as_str(), n.as_str(), NameKind::Alias)),
                )
        });
        Gazetteer::new(state_names, instrument_names)
    }

    pub fn state_count(&self) -> usize {
        self.states.len()
    }

    pub fn instrument_count(&self) -> usize {
        self.instruments.len()
    }

    /// The code of a state (`AZE`) by its index.
    pub fn state_code(&self, idx: usize) -> &str {
        self.states.get(idx).map(String::as_str).unwrap_or("")
    }

    /// The id of an instrument (`CETS-216`) by its index.
    pub fn instrument_id(&self, idx: usize) -> &str {
        self.instruments.get(idx).map(String::as_str).unwrap_or("")
    }

    /// The longest name (the full title) of an instrument by its index.
    pub fn instrument_title(&self, idx: usize) -> &str {
        self.titles.get(idx).map(String::as_str).unwrap_or("")
    }

    /// The index of an instrument by its id.
    pub fn instrument_index(&self, id: &str) -> Option<usize> {
        self.instruments.iter().position(|i| i == id)
    }

    /// Every name found in `text`, left to right, without overlaps; `base` is added to the
    /// spans (the offset of `text` in the document). A match counts only when it starts
    /// and ends on a word boundary ("Azerbaijan's" matches, "Indiana" does not).
    pub fn find(&self, text: &str, base: usize) -> Vec<Mention> {
        let mut found = Vec::new();
        let mut at = 0;
        while at < text.len() {
            let Some(m) = self.automaton.find(Input::new(text).span(at..text.len())) else {
                break;
            };
            let (start, end) = (m.start(), m.end());
            if on_word_boundary(text, start, end) {
                if let Some(entry) = self.entries.get(m.pattern().as_usize()) {
                    found.push(Mention {
                        span: Span::new(base + start, base + end),
                        target: entry.target,
                        kind: entry.kind,
                    });
                }
                at = end;
            } else {
                // Try again one character later: a shorter name may start inside.
                at = start + text[start..].chars().next().map_or(1, char::len_utf8);
            }
        }
        found
    }
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Whether `text[start..end]` is a whole word (or words).
fn on_word_boundary(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    let first = text[start..end].chars().next();
    let last = text[start..end].chars().next_back();
    // A name that itself starts or ends with punctuation ("U.S.") carries its own boundary.
    let left_ok = match (before, first) {
        (Some(b), Some(f)) => !(is_word_char(b) && is_word_char(f)),
        _ => true,
    };
    let right_ok = match (last, after) {
        (Some(l), Some(a)) => !(is_word_char(l) && is_word_char(a)),
        _ => true,
    };
    left_ok && right_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small() -> Gazetteer {
        Gazetteer::new(
            [
                ("AZE", "AZE", NameKind::Code),
                ("AZE", "Azerbaijan", NameKind::Name),
                ("AZE", "Azerbaijani", NameKind::Demonym),
                ("USA", "United States", NameKind::Name),
                ("USA", "US", NameKind::Alias),
                ("USA", "U.S.", NameKind::Alias),
                ("IND", "India", NameKind::Name),
                ("NER", "Niger", NameKind::Name),
                ("NGA", "Nigeria", NameKind::Name),
                ("GIN", "Guinea", NameKind::Name),
                ("PNG", "Papua New Guinea", NameKind::Name),
            ],
            [
                (
                    "CETS-216",
                    "Council of Europe Convention against Trafficking in Human Organs",
                    NameKind::Title,
                ),
                (
                    "CETS-216",
                    "Convention against Trafficking in Human Organs",
                    NameKind::ShortTitle,
                ),
                (
                    "CETS-210",
                    "Council of Europe Convention on preventing and combating violence against women and domestic violence",
                    NameKind::Title,
                ),
                ("CETS-210", "Istanbul Convention", NameKind::ShortTitle),
                ("UNTC-VI-6-b", "Protocol", NameKind::Title),
                ("UNTC-IV-8", "CEDAW", NameKind::Alias),
                ("CETS-216", "CETS-216", NameKind::Code),
            ],
        )
    }

    fn names(g: &Gazetteer, text: &str) -> Vec<String> {
        g.find(text, 0)
            .into_iter()
            .map(|m| {
                let id = match m.target {
                    Target::State(i) => g.state_code(i),
                    Target::Instrument(i) => g.instrument_id(i),
                };
                format!("{}={id}", &text[m.span.start..m.span.end])
            })
            .collect()
    }

    #[test]
    fn counts_every_state_and_instrument() {
        let g = small();
        assert_eq!(g.state_count(), 7);
        assert_eq!(g.instrument_count(), 4);
    }

    #[test]
    fn matches_whole_words_with_possessives() {
        let g = small();
        assert_eq!(names(&g, "Azerbaijan's signature"), ["Azerbaijan=AZE"]);
        assert_eq!(names(&g, "Azerbaijani minister"), ["Azerbaijani=AZE"]);
        assert!(names(&g, "Indiana and Nigerian").is_empty());
        assert_eq!(names(&g, "Nigeria and Niger"), ["Nigeria=NGA", "Niger=NER"]);
        assert_eq!(names(&g, "Papua New Guinea"), ["Papua New Guinea=PNG"]);
    }

    #[test]
    fn is_case_sensitive_and_skips_codes() {
        let g = small();
        assert!(names(&g, "let us go to AZE").is_empty());
        assert_eq!(
            names(&g, "the US and the U.S. agreed"),
            ["US=USA", "U.S.=USA"]
        );
    }

    #[test]
    fn prefers_the_longest_name() {
        let g = small();
        assert_eq!(
            names(
                &g,
                "signed the Council of Europe Convention against Trafficking in Human Organs."
            ),
            ["Council of Europe Convention against Trafficking in Human Organs=CETS-216"]
        );
    }

    #[test]
    fn knows_titles_in_headline_case_and_ignores_generic_words() {
        let g = small();
        let text = "the Council of Europe Convention on Preventing and Combating Violence against Women and Domestic Violence";
        assert_eq!(names(&g, text).len(), 1);
        assert!(names(&g, "the Protocol was signed").is_empty());
        assert_eq!(names(&g, "ratified CEDAW"), ["CEDAW=UNTC-IV-8"]);
    }

    #[test]
    fn knows_treaty_series_numbers_and_titles_without_the_depositary() {
        let g = small();
        assert_eq!(names(&g, "(CETS No. 216)"), ["CETS No. 216=CETS-216"]);
        assert_eq!(
            names(&g, "the Convention on preventing and combating violence against women and domestic violence"),
            ["Convention on preventing and combating violence against women and domestic violence=CETS-210"]
        );
        assert!(g
            .instrument_title(0)
            .starts_with("Council of Europe Convention against"));
    }

    #[test]
    fn never_panics_on_odd_text() {
        let g = small();
        for text in [
            "",
            "é",
            "Azerbaijanü",
            "üAzerbaijan",
            "Azerbaijan\u{301}",
            "🇦🇿Azerbaijan",
        ] {
            let _ = g.find(text, 0);
        }
    }
}
