//! Claims from a document: sentence by sentence, the state that acted, the act, the
//! instrument acted on and the date, each with the words that justify it.
//!
//! Pure and deterministic: text in, claims out. Precision first: an intention, a call, a
//! negation, a treaty's own history or a loose reference back to an act already reported
//! gives no claim. It knows nothing of the ledger or of output formats.

mod discourse;
mod rules;
mod titles;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::OnceLock;

use chrono::{Duration, NaiveDate};
use regex::Regex;

use crate::gazetteer::{Gazetteer, Mention, NameKind, Target};
use crate::model::{
    Action, Claim, DateBasis, Document, Extraction, LedgerDate, Precision, Span, Stage,
    UnresolvedMention,
};
use crate::text::{find_dates, sentences, DateMention, Sentence};

use discourse::{fits_strictly, instrument_anaphors, state_anaphors, Memory};
use rules::{Cue, Form};

/// The extractor's name and version, stored with every citation it makes.
pub const EXTRACTOR: &str = "rules/1";

/// How many sentences back "the party" may look for the state it stands for.
const STATE_REACH: usize = 3;

/// A state named in a sentence.
#[derive(Debug, Clone)]
struct StateMention {
    code: String,
    span: Span,
    /// Named as a place or a partner ("in Azerbaijan", "with Chile"), not as the actor.
    locative: bool,
}

/// An instrument named in a sentence.
#[derive(Debug, Clone)]
struct InstrumentMention {
    id: String,
    span: Span,
    title: String,
}

/// What a sentence holds, found once and used by every cue in it.
struct Facts<'t> {
    text: &'t str,
    span: Span,
    paragraph: usize,
    states: Vec<StateMention>,
    /// Every state name and demonym, actor or not (for the document's main state).
    all_state_codes: Vec<String>,
    instruments: Vec<InstrumentMention>,
    /// Capitalised treaty-like titles ("the Amendment to the Montreal Protocol ...").
    titles: Vec<titles::Title>,
    /// Dates of a wire dateline ("HANOI, June 24 (Xinhua) -"): when the story was filed.
    dateline_dates: Vec<DateMention>,
    instrument_anaphors: Vec<(Span, String)>,
    state_anaphors: Vec<Span>,
    dates: Vec<DateMention>,
    cues: Vec<Cue>,
    /// Which anchor (index into `anchors`) each date belongs to.
    date_owner: Vec<Option<usize>>,
    /// Cues, treaty-history and reporting phrases ("adopted", "said"), by start.
    anchors: Vec<Span>,
}

impl<'t> Facts<'t> {
    /// The sentence text between two absolute offsets (clamped to the sentence).
    fn slice(&self, start: usize, end: usize) -> &'t str {
        let s = start.clamp(self.span.start, self.span.end) - self.span.start;
        let e = end.clamp(self.span.start, self.span.end) - self.span.start;
        if s <= e {
            self.text.get(s..e).unwrap_or("")
        } else {
            ""
        }
    }
}

/// One claim before it becomes a `Claim`.
#[derive(Debug, Clone)]
struct Found {
    sentence: usize,
    state: String,
    instrument: String,
    action: Action,
    stage: Stage,
    /// None: a definitive signature whose date is that of the signature reported nearby.
    date: Option<(LedgerDate, DateBasis)>,
    highlights: Vec<Span>,
    confidence: f32,
    loose: bool,
    from_doc: bool,
}

/// Phrases of a treaty's own history, which own the dates next to them ("adopted in 2013").
fn history_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"(?i)\b(?:adopted|opened\s+for\s+signature|entered\s+into\s+force|came\s+into\s+force|entry\s+into\s+force|took\s+effect|concluded|drafted|established|founded|created|negotiated|in\s+force\s+since|invited)\b",
        )
        .expect("valid pattern")
    })
}

/// Reporting verbs, which own only the date right after them ("announced on Thursday").
fn reporting_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"(?i)\b(?:said|says|announced|reported|confirmed|told|stated|added|noted|informed|welcomed|according\s+to)\b",
        )
        .expect("valid pattern")
    })
}

/// A treaty named only as "a treaty" or "the international convention", to be named later.
fn indefinite_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"(?i)^\s*(?:from\s+|to\s+)?(?:an?|the)\s+(?:[\w-]+\s+){0,4}?(treaty|convention|agreement|accord|pact|protocol|amendment|covenant)\b",
        )
        .expect("valid pattern")
    })
}

fn decree_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"(?i)\b(?:decree|ordinance)\b").expect("valid pattern"))
}

/// Nouns after a demonym that make it name the state acting ("Azerbaijani Foreign Minister").
const ACTOR_NOUNS: &[&str] = &[
    "president",
    "prime",
    "minister",
    "ministry",
    "foreign",
    "government",
    "parliament",
    "lawmakers",
    "legislators",
    "deputies",
    "mps",
    "senate",
    "congress",
    "ambassador",
    "envoy",
    "delegation",
    "authorities",
    "side",
    "officials",
    "cabinet",
    "head",
    "leader",
    "leadership",
    "representative",
    "state",
    "republic",
    "embassy",
    "mission",
    "deputy",
    "chief",
    "diplomats",
    "counterpart",
    "national",
    "milli",
    "justice",
    "defence",
    "defense",
    "interior",
    "king",
    "queen",
    "emir",
    "parliamentarians",
    "legislature",
    "administration",
    "secretary",
    "permanent",
    "top",
];

/// Words before a state that make it a place or a partner rather than the actor.
const LOCATIVE: &[&str] = &[
    "in", "to", "with", "from", "at", "against", "between", "toward", "towards", "into", "across",
    "than", "like", "among", "visiting", "visited", "via", "over", "near", "outside", "inside",
    "for", "about", "on", "unlike", "besides", "within", "beyond",
];

fn lower_words(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’'))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// The word right before byte `pos` of `text`, skipping "the".
fn word_before(text: &str, pos: usize) -> String {
    let ws = lower_words(text.get(..pos).unwrap_or(""));
    ws.iter()
        .rev()
        .find(|w| w.as_str() != "the")
        .cloned()
        .unwrap_or_default()
}

/// Whether the text between two names only separates items of a list.
fn list_separator(gap: &str) -> bool {
    let g = gap.trim().to_lowercase();
    matches!(
        g.as_str(),
        "," | "and"
            | ", and"
            | "&"
            | "as well as"
            | ", as well as"
            | "and also"
            | "or"
            | ", or"
            | "and the"
            | ", the"
            | ", and the"
            | "as well as the"
    )
}

/// The byte offset `n` words before `pos` in `text` (0 when fewer).
fn words_back(text: &str, pos: usize, n: usize) -> usize {
    let mut count = 0;
    let mut in_word = false;
    let before = text.get(..pos).unwrap_or("");
    for (i, c) in before.char_indices().rev() {
        let w = c.is_alphanumeric();
        if in_word && !w {
            count += 1;
            if count == n {
                return i + c.len_utf8();
            }
        }
        in_word = w;
    }
    0
}

fn word_count(text: &str) -> usize {
    lower_words(text).len()
}

/// The text of `[start, end)` with its dates, treaty-like titles and the phrase "without
/// reservation as to ratification" blanked out, for judging what lies between two words.
fn gap_text(f: &Facts, start: usize, end: usize) -> String {
    let mut blanks: Vec<Span> = f
        .dates
        .iter()
        .map(|d| d.span)
        .chain(f.titles.iter().map(|t| t.span))
        .filter(|s| s.start >= start && s.end <= end)
        .collect();
    blanks.sort();
    let mut out = String::new();
    let mut at = start;
    for b in blanks {
        if b.start >= at {
            out.push_str(f.slice(at, b.start));
            out.push(' ');
            at = b.end;
        }
    }
    out.push_str(f.slice(at, end));
    out.replace("without reservation as to ratification", " ")
}

/// The instruments among a sentence's names. An instrument inside a longer unknown title
/// ("the Amendment to the Montreal Protocol") is not what the sentence speaks of; one that
/// carries the title's head word is ("the Council of Europe's Convention 108").
fn named_instruments(
    mentions: &[Mention],
    titles: &[titles::Title],
    gazetteer: &Gazetteer,
) -> Vec<InstrumentMention> {
    mentions
        .iter()
        .filter_map(|m| match m.target {
            Target::Instrument(i) => Some(InstrumentMention {
                id: gazetteer.instrument_id(i).to_string(),
                span: m.span,
                title: gazetteer.instrument_title(i).to_string(),
            }),
            Target::State(_) => None,
        })
        .filter(|i| {
            !titles.iter().any(|t| {
                t.span.start < i.span.start
                    && i.span.end <= t.span.end + 1
                    && !i.span.contains(&t.head)
            })
        })
        .collect()
}

/// The titles of a sentence (`text` at `base`) that name no instrument it names.
fn unresolved_titles<'a>(
    text: &'a str,
    base: usize,
    titles: &'a [titles::Title],
    instruments: &'a [InstrumentMention],
) -> impl Iterator<Item = UnresolvedMention> + 'a {
    titles
        .iter()
        .filter(|t| {
            !instruments.iter().any(|i| {
                i.span.contains(&t.head)
                    || t.span.contains(&i.span) && i.span.start <= t.span.start + 4
            })
        })
        .map(move |t| UnresolvedMention {
            text: text
                .get(t.span.start - base..t.span.end - base)
                .unwrap_or("")
                .to_string(),
            span: t.span,
        })
}

/// What a sentence holds; its dates and the phrases that own them only when `dated`.
fn analyse<'t>(
    doc_text: &'t str,
    sentence: &Sentence,
    cues: Vec<Cue>,
    dated: bool,
    gazetteer: &Gazetteer,
    published: Option<NaiveDate>,
) -> Facts<'t> {
    let span = sentence.span;
    let text = doc_text.get(span.start..span.end).unwrap_or("");
    let base = span.start;
    let mentions: Vec<Mention> = gazetteer.find(text, base);
    let mut states: Vec<StateMention> = Vec::new();
    let mut all_state_codes = Vec::new();
    for m in &mentions {
        match m.target {
            Target::State(i) => {
                let code = gazetteer.state_code(i).to_string();
                all_state_codes.push(code.clone());
                let local_end = m.span.end - base;
                if m.kind == NameKind::Demonym {
                    let after = lower_words(text.get(local_end..).unwrap_or(""));
                    let acts = after
                        .iter()
                        .take(3)
                        .any(|w| ACTOR_NOUNS.contains(&w.as_str()));
                    if !acts {
                        continue;
                    }
                }
                let local_start = m.span.start - base;
                let before = word_before(text, local_start);
                let mut locative = LOCATIVE.contains(&before.as_str());
                // A list after a place word is all places ("between Azerbaijan and Armenia").
                if !locative {
                    if let Some(prev) = states.last() {
                        let gap = text.get(prev.span.end - base..local_start).unwrap_or("");
                        if prev.locative && list_separator(gap) {
                            locative = true;
                        }
                    }
                }
                states.push(StateMention {
                    code,
                    span: m.span,
                    locative,
                });
            }
            Target::Instrument(_) => {}
        }
    }
    let titles = titles::treaty_titles(text, base);
    let instruments = named_instruments(&mentions, &titles, gazetteer);
    let (dateline_dates, dates): (Vec<DateMention>, Vec<DateMention>) = if dated {
        let dateline_end = dateline_regex().find(text).map_or(0, |m| base + m.end());
        find_dates(text, base, published)
            .into_iter()
            .filter(|d| !instruments.iter().any(|i| i.span.contains(&d.span)))
            .partition(|d| d.span.end <= dateline_end)
    } else {
        (Vec::new(), Vec::new())
    };
    let mut anchors: Vec<Span> = cues.iter().map(|c| c.span).collect();
    let mut reporting: Vec<Span> = Vec::new();
    let phrases = [(history_regex(), false), (reporting_regex(), true)];
    for (re, is_reporting) in phrases.into_iter().filter(|_| dated) {
        for m in re.find_iter(text) {
            let s = Span::new(base + m.start(), base + m.end());
            if !anchors.iter().any(|a| a.start < s.end && s.start < a.end) {
                anchors.push(s);
                if is_reporting {
                    reporting.push(s);
                }
            }
        }
    }
    anchors.sort();
    let between = |a: usize, b: usize| word_count(text.get(a - base..b - base).unwrap_or(""));
    let date_owner = dates
        .iter()
        .map(|d| {
            // Inside a phrase: that phrase's.
            if let Some(i) = anchors.iter().position(|a| a.contains(&d.span)) {
                return Some(i);
            }
            // Right before an act ("Chile today deposited", "on Tuesday ratified").
            if let Some(i) = anchors.iter().position(|a| {
                a.start >= d.span.end && between(d.span.end, a.start) == 0 && !reporting.contains(a)
            }) {
                return Some(i);
            }
            // After the nearest phrase before it; a reporting verb only owns the date
            // right after it.
            // Never across a clause of its own ("Ukraine ratified it, but Poland threatened
            // to withdraw on 5 June").
            let joined =
                |a: usize, b: usize| !clause_break(text.get(a - base..b - base).unwrap_or(""));
            let before = anchors.iter().rposition(|a| {
                a.end <= d.span.start
                    && (!reporting.contains(a) || between(a.end, d.span.start) <= 1)
            });
            match before {
                Some(i) if anchors.get(i).is_some_and(|a| joined(a.end, d.span.start)) => Some(i),
                Some(_) => None,
                None => anchors
                    .iter()
                    .position(|a| a.start >= d.span.end)
                    .filter(|&i| anchors.get(i).is_some_and(|a| joined(d.span.end, a.start))),
            }
        })
        .collect();
    let has_cues = !cues.is_empty();
    Facts {
        text,
        span,
        paragraph: sentence.paragraph,
        states,
        all_state_codes,
        instruments,
        titles,
        dateline_dates,
        // Anaphora are resolved only for the acts of this sentence.
        instrument_anaphors: if has_cues {
            instrument_anaphors(text, base)
        } else {
            Vec::new()
        },
        state_anaphors: if has_cues {
            state_anaphors(text, base)
        } else {
            Vec::new()
        },
        dates,
        cues,
        date_owner,
        anchors,
    }
}

/// Whether the words between an act and a date start a clause of their own.
fn clause_break(between: &str) -> bool {
    let lower = between.to_lowercase();
    lower.contains(';')
        || [
            ", but ",
            " but ",
            ", while ",
            ", whereas ",
            " although ",
            " though ",
            ", yet ",
        ]
        .iter()
        .any(|c| lower.contains(c))
}

/// A wire dateline at the start of a sentence: "HANOI, June 24 (Xinhua) - ".
fn dateline_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"^(?:[A-Z][A-Z .'’-]+,\s*)?(?:[A-Z][a-z]{2,8}\.?\s+\d{1,2}|\d{1,2}\s+[A-Z][a-z]{2,8})(?:\s*\([^)]{0,40}\))?\s*[-–—]\s",
        )
        .expect("valid pattern")
    })
}

/// Where the clause of a cue starts: after the last ';', ':' or dash before it.
fn clause_start(f: &Facts, pos: usize) -> usize {
    let before = f.slice(f.span.start, pos);
    before
        .rfind([';', ':', '—', '–'])
        .map_or(f.span.start, |i| f.span.start + i + 1)
}

/// The states named as actors in `[from, to)`: the last one, with the list it closes.
fn actors_before<'a>(f: &'a Facts, from: usize, to: usize) -> Vec<&'a StateMention> {
    let candidates: Vec<&StateMention> = f
        .states
        .iter()
        .filter(|s| s.span.start >= from && s.span.end <= to && !s.locative)
        .collect();
    let Some(&last) = candidates.last() else {
        return Vec::new();
    };
    let mut out = vec![last];
    let mut cur = last;
    for &prev in candidates.iter().rev().skip(1) {
        if list_separator(f.slice(prev.span.end, cur.span.start)) {
            out.push(prev);
            cur = prev;
        } else {
            break;
        }
    }
    out.reverse();
    out
}

/// The states in a list that starts within a few words after `from`.
fn actors_after<'a>(f: &'a Facts, from: usize, max_words: usize) -> Vec<&'a StateMention> {
    let Some(first) = f
        .states
        .iter()
        .find(|s| s.span.start >= from && word_count(f.slice(from, s.span.start)) <= max_words)
    else {
        return Vec::new();
    };
    let mut out = vec![first];
    let mut cur = first;
    for next in f.states.iter().filter(|s| s.span.start > first.span.start) {
        if list_separator(f.slice(cur.span.end, next.span.start)) {
            out.push(next);
            cur = next;
        } else {
            break;
        }
    }
    out
}

/// Who acts: states (code, span) or an anaphor resolved from context.
struct Actors {
    states: Vec<(String, Span)>,
    via_anaphor: bool,
    /// Where the actor phrase starts and ends, for the cancelling-words window.
    start: usize,
    end: usize,
}

impl Actors {
    fn named(list: &[&StateMention]) -> Option<Actors> {
        let first = list.first()?;
        let last = list.last()?;
        Some(Actors {
            states: list.iter().map(|s| (s.code.clone(), s.span)).collect(),
            via_anaphor: false,
            start: first.span.start,
            end: last.span.end,
        })
    }
}

/// Everything a cue needs from the rest of the document.
struct Context<'a, 'f> {
    facts: &'a [Facts<'f>],
    /// Index of the cue's sentence.
    k: usize,
    memory: &'a Memory,
    /// Free dates of the previous sentence, when it is in the same paragraph.
    carried: &'a [DateMention],
    published: Option<NaiveDate>,
    /// The date of the news: the first recent date of the lead paragraphs.
    lead_date: Option<DateMention>,
    /// The paragraphs that make the headline and the lead.
    lead_paragraphs: usize,
    /// The main state of the document, for a parliament named without its country.
    salient: Option<String>,
}

impl Context<'_, '_> {
    fn fact(&self) -> Option<&Facts<'_>> {
        self.facts.get(self.k)
    }

    /// The state an anaphor at `at` stands for, with the document's main state as a last
    /// resort when `salient_ok`.
    fn acting_state(&self, f: &Facts, at: usize, salient_ok: bool) -> Option<String> {
        let current: Vec<(String, Span)> = f
            .states
            .iter()
            .filter(|s| !s.locative)
            .map(|s| (s.code.clone(), s.span))
            .collect();
        let earlier_any = current.iter().any(|(_, s)| s.end <= at);
        self.memory
            .acting_state(&current, at, STATE_REACH)
            .or_else(|| {
                (salient_ok && !earlier_any)
                    .then(|| self.salient.clone())
                    .flatten()
            })
    }

    /// The instrument named later, for "a treaty" whose name comes after: in the rest of
    /// the sentence, else in the next one (same or next paragraph).
    /// Only in the lead, before any instrument is named: the way a news story opens.
    fn cataphor(&self, after: usize, head: &str) -> Option<(String, Span)> {
        let f = self.fact()?;
        let first = self.facts.first().map_or(0, |x| x.paragraph);
        if self.memory.knows_instruments() || f.paragraph >= first + self.lead_paragraphs {
            return None;
        }
        let here = f.instruments.iter().find(|i| {
            i.span.start >= after
                && fits_strictly(head, f.slice(i.span.start, i.span.end), &i.title)
        });
        if let Some(i) = here {
            return Some((i.id.clone(), i.span));
        }
        let next = self.facts.get(self.k + 1)?;
        if next.paragraph > f.paragraph + 1 {
            return None;
        }
        let i = next
            .instruments
            .iter()
            .find(|i| fits_strictly(head, next.slice(i.span.start, i.span.end), &i.title))?;
        // Highlights stay inside the claim's sentence: point at the words "a treaty".
        Some((i.id.clone(), Span::new(after, after)))
    }
}

fn resolve_actor_anaphor(f: &Facts, ctx: &Context, from: usize, to: usize) -> Option<Actors> {
    let anaphor = f
        .state_anaphors
        .iter()
        .rev()
        .find(|a| a.start >= from && a.end <= to)?;
    let between = gap_text(f, anaphor.end, to);
    if word_count(&between) > 6 {
        return None;
    }
    let words = f.slice(anaphor.start, anaphor.end).to_lowercase();
    if words == "it" && word_count(&between) > 3 {
        return None;
    }
    // A parliament or government named without its country may be the document's.
    let salient_ok = words != "it";
    let code = ctx.acting_state(f, anaphor.start, salient_ok)?;
    Some(Actors {
        states: vec![(code, *anaphor)],
        via_anaphor: true,
        start: anaphor.start,
        end: anaphor.end,
    })
}

/// Actors implied by the context of a passive or nominal act with no "by".
fn context_actor(f: &Facts, ctx: &Context, at: usize) -> Option<Actors> {
    let code = ctx.acting_state(f, at, true)?;
    Some(Actors {
        states: vec![(code, Span::new(at, at))],
        via_anaphor: true,
        start: at,
        end: at,
    })
}

/// An instrument: id, the words that name it (span), and whether it was found through a
/// word that refers back or forward.
type Object = (String, Span, bool);

/// The instrument a cue acts on: named after it, or a word that refers back after it, or a
/// treaty named only later ("withdrew from an international treaty ... the Istanbul
/// Convention").
fn object_after(
    f: &Facts,
    ctx: &Context,
    cue: &Cue,
    limit: usize,
    max_gap_words: usize,
) -> Option<Object> {
    let named = f
        .instruments
        .iter()
        .find(|i| i.span.start >= cue.span.end && i.span.end <= limit);
    let anaphor = f
        .instrument_anaphors
        .iter()
        .find(|(s, _)| s.start >= cue.span.end && s.end <= limit);
    let candidate: Option<Object> = match (named, anaphor) {
        (Some(n), Some((a, _))) if a.end <= n.span.start => None,
        (Some(n), _) => Some((n.id.clone(), n.span, false)),
        _ => None,
    }
    .or_else(|| {
        let (span, head) = anaphor?;
        let id = ctx.memory.last_instrument(head, span.start)?;
        Some((id, *span, true))
    });
    if let Some((id, span, via)) = candidate {
        let gap = gap_text(f, cue.span.end, span.start);
        if rules::object_gap_ok(&gap) && word_count(&gap) <= max_gap_words {
            return Some((id, span, via));
        }
        return None;
    }
    let rest = f.slice(cue.span.end, limit);
    // "ratified it".
    let trimmed = rest.trim_start();
    let lower = trimmed.to_lowercase();
    if lower.starts_with("it") && !lower.chars().nth(2).is_some_and(char::is_alphanumeric) {
        let start = cue.span.end + (rest.len() - trimmed.len());
        let id = ctx.memory.last_instrument("it", start)?;
        return Some((id, Span::new(start, start + 2), true));
    }
    // "a treaty banning ..." named in what follows.
    let caps = indefinite_regex().captures(rest)?;
    let whole = caps.get(0)?;
    let head = caps.get(1)?.as_str().to_lowercase();
    let span = Span::new(cue.span.end + whole.start(), cue.span.end + whole.end());
    let (id, _) = ctx.cataphor(span.end, &head)?;
    Some((id, span, true))
}

/// The instrument a relative clause hangs on: "the Convention, which Chile signed".
fn antecedent(f: &Facts, ctx: &Context, from: usize, to: usize) -> Option<Object> {
    let rel = |end: usize| {
        let after = f
            .slice(end, to)
            .trim_start_matches([',', ' '])
            .to_lowercase();
        after.starts_with("which ") || after.starts_with("that ")
    };
    if let Some(i) = f
        .instruments
        .iter()
        .rev()
        .find(|i| i.span.start >= from && i.span.end <= to && rel(i.span.end))
    {
        return Some((i.id.clone(), i.span, false));
    }
    let (span, head) = f
        .instrument_anaphors
        .iter()
        .rev()
        .find(|(s, _)| s.start >= from && s.end <= to && rel(s.end))?;
    Some((ctx.memory.last_instrument(head, span.start)?, *span, true))
}

/// The instrument named (or referred to) last before `to` in the clause: a passive's subject.
fn subject_before(f: &Facts, ctx: &Context, from: usize, to: usize) -> Option<Object> {
    let named = f
        .instruments
        .iter()
        .rev()
        .find(|i| i.span.start >= from && i.span.end <= to);
    let anaphor = f
        .instrument_anaphors
        .iter()
        .rev()
        .find(|(s, _)| s.start >= from && s.end <= to);
    match (named, anaphor) {
        (Some(n), Some((a, head))) if a.start > n.span.end => {
            Some((ctx.memory.last_instrument(head, a.start)?, *a, true))
        }
        (Some(n), _) => Some((n.id.clone(), n.span, false)),
        (None, Some((a, head))) => Some((ctx.memory.last_instrument(head, a.start)?, *a, true)),
        (None, None) => {
            // "It was ratified by Chile".
            let text = f.slice(from, to);
            let lower = text.trim_start().to_lowercase();
            if lower.starts_with("it ") {
                let start = to - text.trim_start().len();
                let id = ctx.memory.last_instrument("it", start)?;
                Some((id, Span::new(start, start + 2), true))
            } else {
                None
            }
        }
    }
}

/// The instrument of the context, for an act that names none ("The instrument of
/// ratification was deposited on 5 June").
fn context_instrument(f: &Facts, ctx: &Context, at: usize) -> Option<Object> {
    if let Some(i) = f.instruments.iter().rev().find(|i| i.span.end <= at) {
        return Some((i.id.clone(), i.span, false));
    }
    let id = ctx.memory.last_instrument("treaty", at)?;
    Some((id, Span::new(at, at), true))
}

/// The date of a cue: a date that belongs to it in its sentence (after it, else before).
fn own_date(f: &Facts, cue: &Cue) -> Option<DateMention> {
    let me = f.anchors.iter().position(|a| *a == cue.span)?;
    let mine: Vec<&DateMention> = f
        .dates
        .iter()
        .zip(&f.date_owner)
        .filter(|(_, o)| **o == Some(me))
        .map(|(d, _)| d)
        .collect();
    mine.iter()
        .find(|d| d.span.start >= cue.span.end)
        .or_else(|| mine.iter().find(|d| cue.span.contains(&d.span)))
        .or_else(|| mine.iter().rev().find(|d| d.span.end <= cue.span.start))
        .map(|d| **d)
}

/// The dates of a sentence that no act or phrase claims: a meeting's date, which an act in
/// the next sentence may share.
fn free_dates(f: &Facts) -> Vec<DateMention> {
    f.dates
        .iter()
        .zip(&f.date_owner)
        .filter(|(_, o)| o.is_none())
        .map(|(d, _)| *d)
        .collect()
}

/// How many paragraphs make the headline and the lead: two, or three when the first is a
/// headline (one line without a full stop).
fn lead_paragraphs(text: &str, sentences: &[Sentence]) -> usize {
    let Some(first) = sentences.first() else {
        return 2;
    };
    let headline = sentences
        .iter()
        .filter(|s| s.paragraph == first.paragraph)
        .count()
        == 1
        && !text[first.span.start..first.span.end]
            .trim_end()
            .ends_with(['.', '!', '?', '"', '”']);
    if headline {
        3
    } else {
        2
    }
}

/// The date of the news: the date of the first dated act of the headline and lead, else
/// their first date, when it falls within the week before publication ("on Thursday").
fn lead_date(
    facts: &[Facts],
    published: Option<NaiveDate>,
    lead_paragraphs: usize,
) -> Option<DateMention> {
    let published = published?;
    let first = facts.first()?.paragraph;
    let recent = |d: &DateMention| {
        d.date.precision() == Precision::Day
            && d.date
                .as_naive()
                .is_some_and(|n| n <= published && n >= published - Duration::days(7))
    };
    let lead: Vec<&Facts> = facts
        .iter()
        .take_while(|f| f.paragraph < first + lead_paragraphs)
        .collect();
    let of_act = lead
        .iter()
        .flat_map(|f| f.cues.iter().filter_map(move |c| own_date(f, c)))
        .find(recent);
    of_act
        .or_else(|| {
            lead.iter()
                .flat_map(|f| f.dates.iter())
                .find(|d| recent(d))
                .copied()
        })
        .or_else(|| {
            lead.iter()
                .flat_map(|f| f.dateline_dates.iter())
                .find(|d| recent(d))
                .copied()
        })
}

/// Whether an act sits in a clause of time ("weeks after parliament voted"), whose day is
/// not the news of the day.
fn subordinate_before(text: &str) -> bool {
    lower_words(text).iter().any(|w| {
        matches!(
            w.as_str(),
            "after" | "before" | "since" | "following" | "when" | "until" | "once"
        )
    })
}

/// Words that place an act in an unstated past ("two decades ago").
fn vague_past_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(?i)\b(?:ago|years\s+earlier|previously|long\s+before|at\s+the\s+time|back\s+then|formerly|in\s+the\s+past)\b")
            .expect("valid pattern")
    })
}

/// The state the document is about: named (or its people named) more often than any other.
fn salient_state(facts: &[Facts]) -> Option<String> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for f in facts {
        for c in &f.all_state_codes {
            *counts.entry(c.as_str()).or_default() += 1;
        }
    }
    let mut ranked: Vec<(&str, usize)> = counts.into_iter().collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    match ranked.as_slice() {
        [(code, n), rest @ ..] if *n >= 2 && rest.first().is_none_or(|(_, m)| m < n) => {
            Some((*code).to_string())
        }
        _ => None,
    }
}

/// The claims one cue makes.
fn claims_for_cue(f: &Facts, cue: &Cue, ctx: &Context) -> Vec<Found> {
    let clause = clause_start(f, cue.span.start);
    let next_cue = f
        .cues
        .iter()
        .find(|c| c.span.start >= cue.span.end)
        .map_or(f.span.end, |c| c.span.start)
        .max(cue.span.end);
    let before_cue = f.slice(clause, cue.span.start);
    let before_lower = before_cue.to_lowercase();
    let cue_lower = f.slice(cue.span.start, cue.span.end).to_lowercase();

    let mut actors: Option<Actors> = None;
    let mut object: Option<Object> = None;
    let mut cancel_window = (clause, cue.span.start);
    let mut check_infinitive = true;
    match cue.form {
        Form::Active | Form::Deposit | Form::DomesticLaw | Form::Nth => {
            // "The countries that signed ... include Albania, Austria".
            let relative_list = {
                let t = before_lower
                    .trim_end()
                    .trim_end_matches(" already")
                    .trim_end_matches(" so far")
                    .trim_end_matches(" have")
                    .trim_end_matches(" had");
                [
                    "countries that",
                    "countries which",
                    "states that",
                    "states which",
                    "nations that",
                    "nations which",
                    "countries who",
                    "states who",
                    "governments that",
                    "parties that",
                ]
                .iter()
                .any(|p| t.ends_with(p))
            };
            let found = actors_before(f, clause, cue.span.start);
            if relative_list {
                object = object_after(f, ctx, cue, next_cue, 8);
                let after = object
                    .as_ref()
                    .map_or(cue.span.end, |o| o.1.end.max(cue.span.end));
                let rest = f.slice(after, f.span.end).to_lowercase();
                let verb = [" include", " are ", " were ", ":"]
                    .iter()
                    .filter_map(|v| rest.find(v).map(|i| (i, v.len())))
                    .min();
                if let Some((i, len)) = verb {
                    if word_count(rest.get(..i).unwrap_or("")) <= 6 {
                        actors = Actors::named(&actors_after(f, after + i + len, 3));
                    }
                }
                // "France and Chile were among the countries that signed".
                if actors.is_none() && before_lower.contains(" among ") {
                    actors = Actors::named(&found);
                }
            } else if !found.is_empty() {
                actors = Actors::named(&found);
            } else {
                // "signed on behalf of the United States".
                let after = f.slice(cue.span.end, next_cue).to_lowercase();
                if let Some(i) = after.find("on behalf of ") {
                    if word_count(&after[..i]) <= 12 {
                        let at = cue.span.end + i + "on behalf of ".len();
                        actors = Actors::named(&actors_after(f, at, 1));
                    }
                }
                if actors.is_none() {
                    actors = resolve_actor_anaphor(f, ctx, clause, cue.span.start);
                }
            }
            if object.is_none() {
                let max_gap = match (cue.form, cue.action) {
                    (Form::Active, Action::Withdrawal | Action::Acceptance) => 3,
                    (Form::Active, _) if cue.loose => 4,
                    _ => 10,
                };
                object = object_after(f, ctx, cue, next_cue, max_gap)
                    .or_else(|| antecedent(f, ctx, clause, cue.span.start));
            }
            // "Mexico acceded in 2018", "The European Union also signed.": the act's object
            // is the treaty the text is about, when nothing follows the verb but a date.
            let tight = actors.as_ref().is_some_and(|a| {
                !a.via_anaphor
                    && a.end <= cue.span.start
                    && word_count(f.slice(a.end, cue.span.start)) <= 2
            });
            if object.is_none() && cue.form == Form::Active && tight {
                let rest = gap_text(f, cue.span.end, next_cue);
                let rest = rest.trim();
                let elided = rest.is_empty()
                    || rest.starts_with([',', '.', ';'])
                    || word_count(rest.split([',', '.', ';']).next().unwrap_or("")) == 0;
                if elided {
                    object = ctx
                        .memory
                        .last_instrument("treaty", cue.span.start)
                        .map(|id| (id, Span::new(cue.span.end, cue.span.end), true));
                }
            }
            if matches!(cue.form, Form::Deposit | Form::DomesticLaw) && object.is_none() {
                object = context_instrument(f, ctx, cue.span.start);
            }
            if let Some(a) = &actors {
                if a.start >= cue.span.end || relative_list {
                    cancel_window = (clause, cue.span.start);
                } else {
                    let from =
                        words_back(f.text, a.start.saturating_sub(f.span.start), 2) + f.span.start;
                    cancel_window = (from.min(a.end), cue.span.start);
                }
            }
            if cue.form == Form::Nth {
                check_infinitive = false;
            }
        }
        Form::AmongList => {
            // "Among the first to sign the Treaty were Brazil, Austria and Mexico."
            object = object_after(f, ctx, cue, f.span.end, 10)
                .or_else(|| context_instrument(f, ctx, cue.span.start));
            let after = object
                .as_ref()
                .filter(|o| o.1.start >= cue.span.end)
                .map_or(cue.span.end, |o| o.1.end);
            let rest = f.slice(after, f.span.end).to_lowercase();
            let verb = [" were ", " are ", " was ", " is "]
                .iter()
                .filter_map(|v| rest.find(v).map(|i| (i, v.len())))
                .min();
            if let Some((i, len)) = verb {
                if word_count(rest.get(..i).unwrap_or("")) <= 8 {
                    actors = Actors::named(&actors_after(f, after + i + len, 2));
                }
            }
            cancel_window = (
                cue.span.end,
                actors.as_ref().map_or(cue.span.end, |a| a.start),
            );
            check_infinitive = false;
        }
        Form::Passive | Form::PassiveDeposit | Form::LawPassive => {
            object = match cue.form {
                Form::Passive => subject_before(f, ctx, clause, cue.span.start),
                _ => f
                    .instruments
                    .iter()
                    .find(|i| cue.span.contains(&i.span))
                    .map(|i| (i.id.clone(), i.span, false))
                    .or_else(|| object_after(f, ctx, cue, next_cue, 10))
                    .or_else(|| context_instrument(f, ctx, cue.span.start)),
            };
            // The actor after "by", or inside the phrase ("the accession of Costa Rica").
            let inside: Vec<&StateMention> = f
                .states
                .iter()
                .filter(|s| cue.span.contains(&s.span))
                .collect();
            let after = f.slice(cue.span.end, f.span.end).to_lowercase();
            let by_at = if cue_lower.ends_with(" by") {
                Some(cue.span.end)
            } else {
                after
                    .find(" by ")
                    .or_else(|| after.starts_with("by ").then_some(0))
                    .filter(|i| word_count(&gap_text(f, cue.span.end, cue.span.end + i)) <= 4)
                    .map(|i| cue.span.end + i + if after[i..].starts_with(' ') { 4 } else { 3 })
            };
            if cue.form != Form::Passive && !inside.is_empty() {
                actors = Actors::named(&inside);
            } else if let Some(by) = by_at {
                let list = actors_after(f, by, 4);
                actors = Actors::named(&list);
                // "by the Swedish minister, on behalf of the Council presidency": the act is
                // the one represented, not the minister's state.
                let by_phrase = f
                    .slice(by, list.last().map_or(by, |s| s.span.end) + 60)
                    .to_lowercase();
                if by_phrase.contains("on behalf of") {
                    actors = None;
                }
                if actors.is_none() {
                    if let Some(a) = f
                        .state_anaphors
                        .iter()
                        .find(|a| a.start >= by && word_count(f.slice(by, a.start)) <= 2)
                    {
                        if let Some(code) = ctx.acting_state(f, a.start, true) {
                            actors = Some(Actors {
                                states: vec![(code, *a)],
                                via_anaphor: true,
                                start: a.start,
                                end: a.end,
                            });
                        }
                    }
                }
            }
            if actors.is_none() && cue.form != Form::Passive && by_at.is_none() {
                actors = context_actor(f, ctx, cue.span.start);
            }
            let from = match cue.form {
                Form::Passive => object.as_ref().map_or(clause, |o| o.1.end),
                _ => clause,
            };
            cancel_window = (from.min(cue.span.start), cue.span.end);
        }
        Form::EntryIntoForce => {
            object = subject_before(f, ctx, clause, cue.span.start);
            let rest = f.slice(cue.span.end, f.span.end).to_lowercase();
            let words = lower_words(&rest);
            let for_at = words
                .iter()
                .take(6)
                .position(|w| w == "for" || w == "respect")
                .and_then(|_| {
                    [" for ", " respect of ", " respect to "]
                        .iter()
                        .filter_map(|p| rest.find(p).map(|i| i + p.len()))
                        .min()
                })
                .map(|i| cue.span.end + i);
            if let Some(at) = for_at {
                actors = Actors::named(&actors_after(f, at, 2));
            }
            let from = object.as_ref().map_or(clause, |o| o.1.end);
            cancel_window = (from, cue.span.start);
        }
        Form::DomesticNominal => {
            // "following approval by the National Assembly in November".
            let inside: Vec<&StateMention> = f
                .states
                .iter()
                .filter(|s| cue.span.contains(&s.span))
                .collect();
            actors = Actors::named(&inside).or_else(|| {
                let here: Vec<&StateMention> = f.states.iter().filter(|s| !s.locative).collect();
                match here.as_slice() {
                    [one] => Actors::named(&[*one]),
                    [] => context_actor(f, ctx, cue.span.start),
                    _ => None,
                }
            });
            object = f
                .instruments
                .iter()
                .find(|i| i.span.start >= cue.span.end)
                .map(|i| (i.id.clone(), i.span, false))
                .or_else(|| context_instrument(f, ctx, cue.span.start));
            cancel_window = (clause, cue.span.start);
        }
        Form::InstrumentOf => {
            // "... together with the instruments of ratification of Denmark and Sweden".
            let of_at = cue_lower
                .rfind(" of ")
                .map_or(cue.span.end, |i| cue.span.start + i + 4);
            actors = Actors::named(&actors_after(f, of_at, 1));
            let deposit = f
                .cues
                .iter()
                .rev()
                .find(|c| c.span.end <= cue.span.start && c.form == Form::Deposit);
            if let Some(d) = deposit {
                object = object_after(f, ctx, d, cue.span.start, 10)
                    .or_else(|| context_instrument(f, ctx, d.span.start));
            }
            cancel_window = (clause, cue.span.start);
        }
        Form::Nominal => {
            // "Azerbaijan's signature of the Convention".
            let possessor = f.states.iter().find(|s| {
                s.span.end <= cue.span.start && {
                    let gap = f.slice(s.span.end, cue.span.start);
                    gap == "'s " || gap == "’s " || gap == "' " || gap == "’ "
                }
            });
            if let Some(s) = possessor {
                actors = Actors::named(&[s]);
            }
            // Only a named instrument: "accession to this convention" refers back.
            object = f
                .instruments
                .iter()
                .find(|i| {
                    i.span.start >= cue.span.end
                        && word_count(f.slice(cue.span.end, i.span.start)) <= 2
                })
                .map(|i| (i.id.clone(), i.span, false));
            cancel_window = (clause, cue.span.start);
        }
    }

    let (Some(actors), Some((instrument, object_span, object_via))) = (actors, object) else {
        return Vec::new();
    };

    // Negation, modality, intention; an infinitive ("to sign") is not an act.
    if rules::cancels(f.slice(cancel_window.0, cancel_window.1)) {
        return Vec::new();
    }
    if check_infinitive && rules::infinitive_before(f.slice(clause, cue.span.start)) {
        return Vec::new();
    }
    let sentence_lower = f.text.to_lowercase();
    let actor_text = f.slice(clause, cue.span.start);
    let legislature = rules::names_legislature(actor_text)
        || (matches!(cue.form, Form::Passive | Form::LawPassive)
            && rules::names_legislature(f.slice(cue.span.end, actors.end)));

    // A bill approved by the government or a committee, or on first reading, is not law yet.
    let approving_verb = ["approv", "adopt", "endorse", "back", "pass"]
        .iter()
        .any(|v| cue_lower.starts_with(v));
    let law_noun = [
        "law",
        "bill",
        "decree",
        "act ",
        "legislation",
        "resolution",
        "draft",
    ]
    .iter()
    .any(|n| cue_lower.contains(n));
    if matches!(cue.form, Form::DomesticLaw | Form::Active) && approving_verb {
        if sentence_lower.contains("first reading") || sentence_lower.contains("in principle") {
            return Vec::new();
        }
        let executive = rules::executive_regex().is_match(actor_text);
        if law_noun && !legislature {
            return Vec::new();
        }
        if cue.form == Form::Active && !legislature {
            return Vec::new();
        }
        if executive && !legislature && law_noun {
            return Vec::new();
        }
    }

    // The stage.
    let mut action = cue.action;
    let stage = match cue.stage {
        Some(s) => s,
        None => {
            let domestic = legislature
                || (matches!(
                    action,
                    Action::Withdrawal | Action::Ratification | Action::Accession
                ) && cue.form == Form::Active
                    && decree_regex().is_match(f.text));
            if domestic && action != Action::Signature {
                Stage::Domestic
            } else {
                Stage::International
            }
        }
    };
    // A signature "without reservation as to ratification" is definitive.
    if action == Action::Signature
        && f.slice(cue.span.start, f.span.end)
            .to_lowercase()
            .contains("without reservation as to ratification")
    {
        action = Action::DefinitiveSignature;
    }

    // The date: its own, else the previous sentence's free date, else the news date for
    // an act reported as done now.
    let mut confidence: f32 = 0.9;
    let in_lead = f.paragraph < ctx.facts.first().map_or(0, |x| x.paragraph) + ctx.lead_paragraphs;
    let sibling = || {
        f.cues
            .iter()
            .rev()
            .find(|c| c.span.end <= cue.span.start && c.form == Form::Deposit)
            .and_then(|c| own_date(f, c))
    };
    let own = own_date(f, cue).or_else(|| (cue.form == Form::InstrumentOf).then(sibling).flatten());
    let date = match own {
        Some(d) => Some((d.date, d.basis)),
        None if cue.form == Form::InstrumentOf => return Vec::new(),
        None if matches!(cue.form, Form::Nominal | Form::DomesticNominal) => return Vec::new(),
        None => {
            let same = ctx
                .carried
                .first()
                .filter(|d0| ctx.carried.iter().all(|d| d.date == d0.date));
            if let Some(d) = same {
                confidence -= 0.1;
                Some((d.date, d.basis))
            } else if cue.current {
                let today = sentence_lower.contains("today");
                match ctx.published {
                    Some(p) if in_lead || today => {
                        confidence -= 0.15;
                        Some((LedgerDate::day(p), DateBasis::Publication))
                    }
                    _ => None,
                }
            } else if !cue.pluperfect
                && !matches!(cue.form, Form::Passive)
                && in_lead
                && !vague_past_regex().is_match(f.text)
                && !subordinate_before(f.slice(clause, cue.span.start))
            {
                ctx.lead_date.map(|d| {
                    confidence -= 0.15;
                    (d.date, d.basis)
                })
            } else {
                None
            }
        }
    };
    if date.is_none() && action != Action::DefinitiveSignature {
        return Vec::new();
    }
    if actors.via_anaphor {
        confidence -= 0.15;
    }
    if object_via {
        confidence -= 0.1;
    }
    if cue.loose {
        confidence -= 0.1;
    }
    if matches!(
        cue.form,
        Form::Passive | Form::PassiveDeposit | Form::LawPassive
    ) {
        confidence -= 0.05;
    }

    actors
        .states
        .iter()
        .map(|(code, span)| {
            let mut highlights: Vec<Span> = [cue.span, *span, object_span]
                .into_iter()
                .filter(|h| !h.is_empty() && f.span.contains(h))
                .collect();
            highlights.sort();
            highlights.dedup();
            Found {
                sentence: ctx.k,
                state: code.clone(),
                instrument: instrument.clone(),
                action,
                stage,
                date,
                highlights,
                // In hundredths: 0.8, not the 0.79999995 that 0.9 - 0.1 leaves in an f32.
                confidence: (confidence.clamp(0.05, 0.99) * 100.0).round() / 100.0,
                loose: cue.loose,
                from_doc: cue.from_doc,
            }
        })
        .collect()
}

/// Document-level consolidation: a domestic step takes the act the document reports for
/// the pair; a definitive signature takes the signature's date; an act dated only by the
/// publication, or loosely worded, gives way to the same act reported precisely.
fn consolidate(mut found: Vec<Found>) -> Vec<Found> {
    // The international act of each pair.
    let mut acts: BTreeMap<(String, String), Vec<Action>> = BTreeMap::new();
    for x in &found {
        if !x.from_doc
            && x.stage == Stage::International
            && (x.action.is_consent() || x.action == Action::Withdrawal)
        {
            let e = acts
                .entry((x.state.clone(), x.instrument.clone()))
                .or_default();
            if !e.contains(&x.action) {
                e.push(x.action);
            }
        }
    }
    for x in found.iter_mut().filter(|x| x.from_doc) {
        if let Some([one]) = acts
            .get(&(x.state.clone(), x.instrument.clone()))
            .map(Vec::as_slice)
        {
            x.action = *one;
        }
    }
    // A definitive signature without a date of its own takes the first signature date
    // reported for the same state and instrument.
    let mut signature_dates: HashMap<(String, String), (LedgerDate, DateBasis)> = HashMap::new();
    for x in found
        .iter()
        .filter(|x| matches!(x.action, Action::Signature | Action::DefinitiveSignature))
    {
        if let Some(date) = x.date {
            signature_dates
                .entry((x.state.clone(), x.instrument.clone()))
                .or_insert(date);
        }
    }
    for x in found.iter_mut().filter(|x| x.date.is_none()) {
        x.date = signature_dates
            .get(&(x.state.clone(), x.instrument.clone()))
            .copied();
    }
    found.retain(|x| x.date.is_some());
    // What the other claims say, indexed once (the checks below run per claim).
    let pair = |y: &Found| (y.state.clone(), y.instrument.clone());
    let definitive: HashSet<(String, String)> = found
        .iter()
        .filter(|y| y.action == Action::DefinitiveSignature)
        .map(pair)
        .collect();
    let stated: HashSet<(String, String, Action, Stage)> = found
        .iter()
        .filter(|y| y.date.is_some_and(|(_, b)| b != DateBasis::Publication))
        .map(|y| (y.state.clone(), y.instrument.clone(), y.action, y.stage))
        .collect();
    let precise_international: HashSet<(String, String)> = found
        .iter()
        .filter(|y| !y.loose && y.stage == Stage::International)
        .map(pair)
        .collect();
    found.retain(|x| {
        let key = pair(x);
        if x.action == Action::Signature && definitive.contains(&key) {
            return false;
        }
        let published = x.date.is_some_and(|(_, b)| b == DateBasis::Publication);
        if published && stated.contains(&(key.0.clone(), key.1.clone(), x.action, x.stage)) {
            return false;
        }
        !(x.loose && precise_international.contains(&key))
    });
    found
}

/// The unresolved titles of a document, sentence by sentence: what [`extract`] gives for a
/// document without a cue. Only sentences with a treaty-like title are searched for names.
fn unresolved_in(
    text: &str,
    sentences: &[Sentence],
    gazetteer: &Gazetteer,
) -> Vec<UnresolvedMention> {
    let mut unresolved = Vec::new();
    for s in sentences {
        let (base, sentence) = (s.span.start, &text[s.span.start..s.span.end]);
        let titles = titles::treaty_titles(sentence, base);
        if titles.is_empty() {
            continue;
        }
        let instruments = named_instruments(&gazetteer.find(sentence, base), &titles, gazetteer);
        unresolved.extend(unresolved_titles(sentence, base, &titles, &instruments));
    }
    unresolved
}

/// Extracts every claim a document makes, with the treaty-like titles it could not resolve.
pub fn extract(doc: &Document, gazetteer: &Gazetteer) -> Extraction {
    let text = doc.text.as_str();
    let sentences = sentences(text);
    let cues: Vec<Vec<Cue>> = sentences
        .iter()
        .map(|s| rules::find_cues(&text[s.span.start..s.span.end], s.span.start))
        .collect();
    // Every claim rests on a cue: a document without one (most news) has only its
    // unresolved titles to give, and the rest of the analysis would find nothing.
    if cues.iter().all(Vec::is_empty) {
        return Extraction {
            claims: Vec::new(),
            unresolved: unresolved_in(text, &sentences, gazetteer),
        };
    }
    analyse_document(doc, gazetteer, &sentences, cues)
}

/// The whole analysis of a document whose sentences and cues (one list per sentence) are
/// found: every sentence's names, dates and anaphora, then the claims of each cue.
fn analyse_document(
    doc: &Document,
    gazetteer: &Gazetteer,
    sentences: &[Sentence],
    cues: Vec<Vec<Cue>>,
) -> Extraction {
    let text = doc.text.as_str();
    let lead_paragraphs = lead_paragraphs(text, sentences);
    // Dates matter in the sentences of a cue, in the sentence before one (whose free dates
    // it may share) and in the lead (which dates the news); elsewhere they are not read.
    let first = sentences.first().map_or(0, |s| s.paragraph);
    let dated: Vec<bool> = (0..sentences.len())
        .map(|k| {
            let cue_at = |k: usize| cues.get(k).is_some_and(|c| !c.is_empty());
            cue_at(k) || cue_at(k + 1) || sentences[k].paragraph < first + lead_paragraphs
        })
        .collect();
    let facts: Vec<Facts> = sentences
        .iter()
        .zip(cues)
        .zip(dated)
        .map(|((s, cues), dated)| analyse(text, s, cues, dated, gazetteer, doc.published))
        .collect();
    let lead = lead_date(&facts, doc.published, lead_paragraphs);
    let salient = salient_state(&facts);
    let mut memory = Memory::new();
    let mut unresolved: Vec<UnresolvedMention> = Vec::new();
    let mut found: Vec<Found> = Vec::new();
    let mut last_deposit: Option<Action> = None;

    for (k, f) in facts.iter().enumerate() {
        for i in &f.instruments {
            memory.push_instrument(&i.id, i.span, f.slice(i.span.start, i.span.end), &i.title);
        }
        unresolved.extend(unresolved_titles(
            f.text,
            f.span.start,
            &f.titles,
            &f.instruments,
        ));
        let carried: Vec<DateMention> = match k.checked_sub(1).and_then(|p| facts.get(p)) {
            Some(prev) if prev.paragraph == f.paragraph => free_dates(prev),
            _ => Vec::new(),
        };
        let question = f.text.trim_end().ends_with('?');
        let mut here: Vec<Found> = Vec::new();
        for cue in &f.cues {
            let mut cue = *cue;
            if cue.unnamed_deposit {
                match last_deposit {
                    Some(a) => cue.action = a,
                    None => continue,
                }
            }
            if !question {
                let ctx = Context {
                    facts: &facts,
                    k,
                    memory: &memory,
                    carried: &carried,
                    published: doc.published,
                    lead_date: lead,
                    lead_paragraphs,
                    salient: salient.clone(),
                };
                here.extend(claims_for_cue(f, &cue, &ctx));
            }
            if matches!(cue.form, Form::Deposit | Form::PassiveDeposit) && !cue.unnamed_deposit {
                last_deposit = Some(cue.action);
            }
        }
        // A resolved "this convention" counts as naming the instrument again.
        for (span, _) in &f.instrument_anaphors {
            if let Some(x) = here.iter().find(|x| x.highlights.contains(span)) {
                let title = gazetteer
                    .instrument_index(&x.instrument)
                    .map(|i| gazetteer.instrument_title(i))
                    .unwrap_or("");
                memory.push_instrument(&x.instrument, *span, f.slice(span.start, span.end), title);
            }
        }
        found.extend(here);
        memory.push_sentence(
            f.states
                .iter()
                .filter(|s| !s.locative)
                .map(|s| (s.code.clone(), s.span))
                .collect(),
        );
    }

    let mut claims: Vec<Claim> = Vec::new();
    let mut seen = HashSet::new();
    for x in consolidate(found) {
        let (Some(f), Some((date, basis))) = (facts.get(x.sentence), x.date) else {
            continue;
        };
        let claim = Claim {
            state: x.state,
            instrument: x.instrument,
            action: x.action,
            stage: x.stage,
            date,
            date_basis: basis,
            span: f.span,
            quote: f.text.to_string(),
            highlights: x.highlights,
            extractor: EXTRACTOR.to_string(),
            confidence: x.confidence,
        };
        let key = (
            claim.span,
            claim.state.clone(),
            claim.instrument.clone(),
            claim.action,
            claim.stage,
            claim.date,
        );
        if seen.insert(key) {
            claims.push(claim);
        }
    }
    claims.sort_by(|a, b| {
        (a.span.start, &a.state, &a.instrument, a.action, a.date).cmp(&(
            b.span.start,
            &b.state,
            &b.instrument,
            b.action,
            b.date,
        ))
    });
    Extraction { claims, unresolved }
}

#[cfg(test)]
mod tests;
