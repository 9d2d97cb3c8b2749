//! The names of states and instruments, and finding them in running text.
//!
//! One Aho-Corasick automaton (leftmost-longest, case-sensitive) over every name, built
//! once and run anchored where the first bytes of a name are; a match counts only on
//! word boundaries. It finds names, it does not judge what they mean in the sentence:
//! that is `extract`'s job.

use std::collections::{BTreeMap, BTreeSet};

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, Anchored, Input, MatchKind, StartKind};

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
    /// Anchored: it is run only where a name can start (see [`Gazetteer::find`]).
    automaton: AhoCorasick,
    /// A bit for the first three bytes of each name (hashed, see [`prefix_bit`]), so the
    /// automaton runs at few places of a text.
    prefixes: Box<[u64; 1024]>,
    /// The first byte of each name, the cheaper test made first.
    first_bytes: [bool; 256],
    /// The names, pattern by pattern, for the tests to search them another way.
    #[cfg(test)]
    names: Vec<String>,
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
        let mut patterns: Vec<String> = Vec::with_capacity(names.len());
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
            .start_kind(StartKind::Anchored)
            .build(&patterns)
            .unwrap_or_else(|_| {
                // Building only fails past the automaton's size limits, far beyond any
                // gazetteer; an empty one then matches nothing rather than panic.
                entries.clear();
                AhoCorasick::new(Vec::<String>::new()).expect("an empty automaton always builds")
            });
        let mut prefixes = Box::new([0u64; 1024]);
        let mut first_bytes = [false; 256];
        let mut mark = |a: u8, b: u8, c: u8| {
            let bit = prefix_bit(a, b, c);
            prefixes[bit / 64] |= 1 << (bit % 64);
            first_bytes[usize::from(a)] = true;
        };
        for p in patterns.iter().take(entries.len()) {
            match *p.as_bytes() {
                [a, b, c, ..] => mark(a, b, c),
                // A two-byte name ("UK") is followed by any byte, or by none (0).
                [a, b] => (0..=u8::MAX).for_each(|c| mark(a, b, c)),
                _ => {}
            }
        }
        Gazetteer {
            automaton,
            prefixes,
            first_bytes,
            #[cfg(test)]
            names: patterns,
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
        let bytes = text.as_bytes();
        let mut at = 0;
        // The longest name at each place one may start (see `next_start`), left to right,
        // kept when it is on word boundaries. That is what an unanchored leftmost-longest
        // search, tried again past each match off a boundary, finds; but the automaton
        // only runs where three bytes begin a name, not over every byte.
        while let Some(start) = self.next_start(bytes, at) {
            at = start + 1;
            let input = Input::new(text)
                .span(start..text.len())
                .anchored(Anchored::Yes);
            // An anchored search cannot fail on an automaton built to start anchored.
            let Some(m) = self.automaton.try_find(input).ok().flatten() else {
                continue;
            };
            let end = m.end();
            if on_word_boundary(text, start, end) {
                if let Some(entry) = self.entries.get(m.pattern().as_usize()) {
                    found.push(Mention {
                        span: Span::new(base + start, base + end),
                        target: entry.target,
                        kind: entry.kind,
                    });
                }
                at = end;
            }
        }
        found
    }

    /// The first place from `from` on where a name may start: its first three bytes (or
    /// two and the end) may begin a name, and it is not inside an ASCII word (other
    /// letters are left to the caller).
    fn next_start(&self, bytes: &[u8], from: usize) -> Option<usize> {
        let mut prev = from.checked_sub(1).map_or(b' ', |p| bytes[p]);
        for i in from..bytes.len().saturating_sub(1) {
            let b = bytes[i];
            if self.first_bytes[usize::from(b)]
                && !(is_ascii_word_byte(prev) && is_ascii_word_byte(b))
            {
                let third = bytes.get(i + 2).copied().unwrap_or(0);
                let bit = prefix_bit(b, bytes[i + 1], third);
                if self.prefixes[bit / 64] & (1 << (bit % 64)) != 0 {
                    return Some(i);
                }
            }
            prev = b;
        }
        None
    }
}

fn is_ascii_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// The bit of three bytes in [`Gazetteer::prefixes`]: a multiplicative hash to 16 bits.
/// Two prefixes may share a bit; that only costs a search that finds nothing.
fn prefix_bit(a: u8, b: u8, c: u8) -> usize {
    let key = u32::from(a) | u32::from(b) << 8 | u32::from(c) << 16;
    (key.wrapping_mul(0x9E37_79B1) >> 16) as usize
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

    /// What `find` gave before it searched anchored: an unanchored leftmost-longest search
    /// (`automaton`, over `g`'s names), tried again one character later whenever its match
    /// was not on word boundaries.
    fn found_unanchored(g: &Gazetteer, automaton: &AhoCorasick, text: &str) -> Vec<Mention> {
        let mut found = Vec::new();
        let mut at = 0;
        while let Some(m) = automaton.find(Input::new(text).span(at..text.len())) {
            if on_word_boundary(text, m.start(), m.end()) {
                let entry = &g.entries[m.pattern().as_usize()];
                found.push(Mention {
                    span: Span::new(m.start(), m.end()),
                    target: entry.target,
                    kind: entry.kind,
                });
                at = m.end();
            } else {
                at = m.start() + text[m.start()..].chars().next().map_or(1, char::len_utf8);
            }
        }
        found
    }

    fn unanchored(g: &Gazetteer) -> AhoCorasick {
        AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .build(&g.names)
            .expect("the names build")
    }

    /// The shipped gazetteer and its unanchored automaton, built once for the tests.
    fn shipped() -> &'static (Gazetteer, AhoCorasick) {
        static SHIPPED: std::sync::OnceLock<(Gazetteer, AhoCorasick)> = std::sync::OnceLock::new();
        SHIPPED.get_or_init(|| {
            let states = crate::reference::shipped_states().expect("shipped states");
            let instruments = crate::reference::shipped_instruments().expect("shipped instruments");
            let g = Gazetteer::from_reference(&states, &instruments);
            let automaton = unanchored(&g);
            (g, automaton)
        })
    }

    /// Names that start or end with punctuation or a letter outside ASCII, or with a
    /// digit, or are two bytes long, beside the small gazetteer's.
    fn odd() -> Gazetteer {
        let mut states: Vec<(&str, &str, NameKind)> = vec![
            ("ALA", "Åland", NameKind::Name),
            ("IRL", "Éire", NameKind::Alias),
            ("GNB", "Guinea-Bissau", NameKind::Name),
            ("GBR", "UK", NameKind::Alias),
            ("GBR", "U.K.", NameKind::Alias),
            ("CIV", "Côte d'Ivoire", NameKind::Name),
            ("XPU", ".Punct", NameKind::Alias),
            ("XAP", "'Apostrophe Land", NameKind::Alias),
            ("XDG", "1st Land", NameKind::Alias),
        ];
        let small = small();
        let names = small.names.clone();
        for (name, entry) in names.iter().zip(&small.entries) {
            if let Target::State(i) = entry.target {
                states.push((small.state_code(i), name, entry.kind));
            }
        }
        Gazetteer::new(
            states,
            [("CETS-210", "Istanbul Convention", NameKind::ShortTitle)],
        )
    }

    /// Text made of names (whole or cut short) of `g` with `glue` after each.
    fn text_of(g: &Gazetteer, pieces: &[(usize, usize, usize)]) -> String {
        const GLUE: [&str; 15] = [
            " ", "", "'s ", "x", "é", "-", ". ", "the ", "The ", "_", "1", "ü", "\n", "U", ".",
        ];
        let mut text = String::new();
        for &(name, cut, glue) in pieces {
            let name = &g.names[name % g.names.len()];
            // A name whole, or cut after a few characters.
            let keep = if cut < 30 { name.len() } else { cut - 30 };
            text.extend(name.chars().take(keep));
            text.push_str(GLUE[glue % GLUE.len()]);
        }
        text
    }

    proptest::proptest! {
        /// Names run together, cut short, inside words and after odd characters: the
        /// anchored search at the places a name may start finds exactly what the
        /// unanchored one does, with the shipped names and with odd ones.
        #[test]
        fn finds_what_an_unanchored_search_finds(
            pieces in proptest::collection::vec((0usize..4000, 0usize..40, 0usize..15), 1..12)
        ) {
            let (g, automaton) = shipped();
            let text = text_of(g, &pieces);
            proptest::prop_assert_eq!(g.find(&text, 0), found_unanchored(g, automaton, &text));
            let g = odd();
            let text = text_of(&g, &pieces);
            proptest::prop_assert_eq!(g.find(&text, 0), found_unanchored(&g, &unanchored(&g), &text));
        }
    }

    #[test]
    fn finds_what_an_unanchored_search_finds_in_the_samples() {
        let (g, automaton) = shipped();
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/data/samples");
        let mut texts = 0;
        for file in std::fs::read_dir(dir).expect("the samples") {
            let text = std::fs::read_to_string(file.expect("a sample").path()).expect("text");
            assert_eq!(g.find(&text, 0), found_unanchored(g, automaton, &text));
            texts += 1;
        }
        assert!(texts >= 6);
    }
}
