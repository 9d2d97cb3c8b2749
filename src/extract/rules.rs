//! The words that carry a treaty action in news, and the words that cancel one.
//!
//! Each cue is a phrase with the action it reports and the shape of the sentence around it
//! (who acts before it, or after "by"; what is acted on after it). Negation, modality and
//! intention ("has not signed", "will ratify", "plans to accede") cancel a cue.

use std::sync::OnceLock;

use regex::Regex;

use crate::model::{Action, Span, Stage};
use crate::text::Pattern;

/// How a cue's sentence is built, which tells where its state and instrument are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// "Azerbaijan signed the Convention": state before, instrument after.
    Active,
    /// "Azerbaijan deposited its instrument of ratification of the Convention".
    Deposit,
    /// "The President signed the law on ratification of the Convention" (domestic).
    DomesticLaw,
    /// "Chile became the 50th state to ratify the Convention".
    Nth,
    /// "The Convention was ratified by Chile": instrument before, state after "by".
    Passive,
    /// "The Convention entered into force for Chile on ...": a state's own entry into force.
    EntryIntoForce,
    /// "Azerbaijan's signature of the Convention": weak, often refers back.
    Nominal,
    /// "The instrument of ratification was deposited by Chile": act before, actor after.
    PassiveDeposit,
    /// "following approval by the National Assembly in November": a domestic step named
    /// by a noun; it needs a date of its own.
    DomesticNominal,
    /// "The corresponding law was signed by the President": a domestic law, passive.
    LawPassive,
    /// "Among the first to sign were Brazil, Austria...": actors listed after.
    AmongList,
    /// "together with the instruments of ratification of Denmark and Sweden": more
    /// deposits in a deposit's sentence.
    InstrumentOf,
}

/// One cue found in a sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cue {
    pub span: Span,
    pub action: Action,
    pub form: Form,
    /// The stage when the wording fixes it (a deposit is international, a law domestic).
    pub stage: Option<Stage>,
    /// "joined", "became party to", nominal forms: loose wording that may refer back.
    pub loose: bool,
    /// Present perfect or present ("has signed", "signs"): done as of publication.
    pub current: bool,
    /// Past perfect ("had signed"): background, never dated by the news of the day.
    pub pluperfect: bool,
    /// The act is the one the document reports for the pair ("approved the accord" is the
    /// domestic step of whatever consent the state gives: ratification, acceptance...).
    pub from_doc: bool,
    /// "deposited the instrument", "the notification was deposited": the act named by the
    /// last instrument or notification the document spoke of.
    pub unnamed_deposit: bool,
}

/// What the regex of a cue kind says.
#[derive(Debug, Clone, Copy)]
enum Kind {
    Fixed(Action, Form, Option<Stage>, bool),
    /// The action is named by the first capture group that matched, from `groups`.
    Named(usize, Form, Option<Stage>),
    /// The act is the document's own act for the pair (domestic step named loosely).
    Doc(Form, Option<Stage>),
    /// A deposit whose act is named earlier in the document.
    UnnamedDeposit(Form),
}

fn action_from_word(word: &str) -> Option<Action> {
    let w = word.to_ascii_lowercase();
    if w == "approval" {
        Some(Action::Approval)
    } else if w.starts_with("ratif") || w.starts_with("approv") {
        Some(Action::Ratification)
    } else if (w.starts_with("acce") && (w.contains("ssion") || w.starts_with("acced")))
        || w.starts_with("join")
    {
        Some(Action::Accession)
    } else if w.starts_with("accept") {
        Some(Action::Acceptance)
    } else if w.starts_with("succe") {
        Some(Action::Succession)
    } else if w.starts_with("sign") || w.starts_with("put") {
        Some(Action::Signature)
    } else if w.starts_with("withdr")
        || w.starts_with("denunc")
        || w.starts_with("denoun")
        || w.starts_with("leav")
    {
        Some(Action::Withdrawal)
    } else if w == "formal confirmation" {
        Some(Action::Approval)
    } else {
        None
    }
}

/// Instrument-of-consent nouns map to the act itself ("instrument of approval" → approval).
fn consent_noun(word: &str) -> Option<Action> {
    match word.to_ascii_lowercase().as_str() {
        "ratification" => Some(Action::Ratification),
        "accession" => Some(Action::Accession),
        "acceptance" => Some(Action::Acceptance),
        "approval" | "formal confirmation" => Some(Action::Approval),
        "succession" => Some(Action::Succession),
        "withdrawal" | "denunciation" => Some(Action::Withdrawal),
        _ => None,
    }
}

/// The verbs of a domestic law's adoption ("signed the law on ratification").
const LAW_VERBS: &[&str] = &[
    "sign",
    "promulgated",
    "approv",
    "adopt",
    "pass",
    "endorsed",
    "enacted",
    "backed",
];

/// One cue pattern: what it reports, its regex, and its trigger words (ASCII, any case):
/// every match of the regex holds one of them at the start of a word, so a sentence
/// without any of them need not be searched (`every_cue_holds_a_trigger_of_its_pattern`
/// keeps the lists whole).
struct CuePattern {
    kind: Kind,
    triggers: &'static [&'static str],
    regex: Pattern,
}

fn cue_patterns() -> &'static [CuePattern] {
    static PATTERNS: OnceLock<Vec<CuePattern>> = OnceLock::new();
    PATTERNS.get_or_init(|| {
        use Action::*;
        let intl = Some(Stage::International);
        let dom = Some(Stage::Domestic);
        let leg = LEGISLATURES;
        let list: Vec<(Kind, &[&str], String)> = vec![
            (
                Kind::Named(1, Form::Deposit, intl),
                &["instrument"],
                r"(?i)\b(?:deposited|deposits|lodged|lodges|handed\s+over|handed|submitted|transmitted|presented|delivered)\s+(?:[\w(),-]+\s+){0,12}?(?:(?:its|their|the|an|his|her|our)\s+)?(?:(?:formal|official|relevant|own)\s+)?instruments?\s+of\s+(ratification|accession|acceptance|approval|succession|formal\s+confirmation)\b".into(),
            ),
            (
                Kind::Named(1, Form::Deposit, intl),
                &["notification"],
                r"(?i)\b(?:deposited|lodged|submitted|sent|transmitted|handed\s+over|delivered)\s+(?:(?:its|their|the|a|an)\s+)?(?:formal\s+|written\s+|official\s+)?notifications?\s+of\s+(withdrawal|denunciation|succession)\b".into(),
            ),
            (
                Kind::Named(1, Form::Deposit, intl),
                &["notified"],
                r"(?i)\bnotified\s+(?:[\w-]+\s+){0,5}?(?:of\s+)?(?:its|their)\s+(withdrawal|denunciation)\b".into(),
            ),
            (
                Kind::UnnamedDeposit(Form::Deposit),
                &["instrument"],
                r"(?i)\b(?:deposited|deposits|lodged|handed\s+over|delivered)\s+(?:[\w(),]+\s+){0,3}?(?:its|their|the)\s+(?:own\s+)?instruments?\b".into(),
            ),
            (
                Kind::Named(1, Form::PassiveDeposit, intl),
                &["instrument", "notification"],
                r"(?i)\b(?:the\s+)?(?:(?:written|formal|official)\s+)?(?:instruments?|notifications?)\s+of\s+(ratification|accession|acceptance|approval|succession|withdrawal|denunciation)\b[^.;]{0,160}?\b(?:was|were|has\s+been|have\s+been|had\s+been)\s+(?:formally\s+|officially\s+)?(?:deposited|lodged|handed\s+over|received|submitted)\b".into(),
            ),
            (
                Kind::UnnamedDeposit(Form::PassiveDeposit),
                &["instrument", "notification"],
                r"(?i)\b(?:the\s+)?(?:(?:written|formal|official)\s+)?(?:instrument|notification)\s+(?:was|has\s+been|had\s+been)\s+(?:formally\s+|officially\s+)?(?:deposited|lodged|handed\s+over|submitted)\b".into(),
            ),
            (
                Kind::Named(1, Form::PassiveDeposit, intl),
                &["deposited"],
                r"(?i)\b(ratification|accession|acceptance|approval|succession)\s+of\s+(?:the\s+)?(?:[A-Z][\w'-]*\s*){1,4},?\s+(?:which\s+was\s+|was\s+|had\s+been\s+|has\s+been\s+)?deposited\b".into(),
            ),
            (
                Kind::Named(1, Form::DomesticNominal, dom),
                &["approved"],
                r"(?i)\b(ratification|accession|acceptance|approval|withdrawal)\s+of\s+(?:the\s+)?(?:[A-Z][\w'-]*\s*){1,4},?\s+(?:had\s+been\s+|has\s+been\s+|was\s+)?approved\b".into(),
            ),
            (
                Kind::Named(1, Form::DomesticLaw, dom),
                LAW_VERBS,
                r#"(?i)\b(?:signed|signs|promulgated|approved|approves|adopted|adopts|passed|passes|endorsed|enacted|backed)\s+(?:(?:a|the|an)\s+)?(?:(?:new|relevant|draft|corresponding)\s+)*(?:law|bill|decree|act|resolution|legislation|order|decision)\s*["“«]?\s*(?:on\s+|for\s+|approving\s+|to\s+|authori[sz]ing\s+)?(?:(?:the|its)\s+)?(ratification|ratifying|ratify|accession|acceding|joining|approval|approving|acceptance|withdrawal|withdrawing|denunciation|denouncing)\b"#.into(),
            ),
            (
                Kind::Named(1, Form::DomesticLaw, dom),
                LAW_VERBS,
                r"(?i)\b(?:signed|signs|promulgated|approved|approves|adopted|adopts|passed|passes|endorsed|enacted|backed)\s+(?:(?:a|the|an)\s+)?(ratification|accession|withdrawal)\s+(?:law|bill|act|decree)\b".into(),
            ),
            (
                Kind::Named(1, Form::DomesticLaw, dom),
                &["approv", "endorsed", "backed", "adopt"],
                r"(?i)\b(?:approved|approves|endorsed|backed|adopted|adopts)\s+(?:the|its)\s+(ratification|accession|acceptance|withdrawal|denunciation)\b".into(),
            ),
            (
                Kind::Doc(Form::DomesticLaw, dom),
                &["approv", "endorsed", "backed", "adopt"],
                r"(?i)\b(?:approved|approves|endorsed|backed|adopted|adopts)\s+(?:the|its)\s+(?:conclusion|text)\b".into(),
            ),
            (
                Kind::Named(1, Form::DomesticLaw, dom),
                &["voted"],
                r"(?i)\bvoted\s+(?:overwhelmingly\s+|unanimously\s+|on\s+\w+\s+)?(?:to\s+(ratify|withdraw|accede|join|denounce|leave)|in\s+favou?r\s+of\s+(?:the\s+)?(ratif\w*|withdraw\w*|accession)|for\s+(?:the\s+)?(ratif\w*|withdraw\w*|accession))\b".into(),
            ),
            (
                Kind::Named(1, Form::LawPassive, dom),
                &["signed", "adopted", "passed", "promulgated", "enacted", "approved"],
                r"(?i)\b(?:the\s+)?(?:(corresponding|relevant|ratification|accession|withdrawal)\s+)?(?:law|bill|decree|act|legislation)\b[^.;]{0,120}?\b(?:was|were|has\s+been|had\s+been)\s+(?:signed|adopted|passed|promulgated|enacted|approved)\b".into(),
            ),
            (
                Kind::Doc(Form::DomesticNominal, dom),
                &["approval", "endorsement", "backing", "adoption", "vote", "passage"],
                format!(r"(?i)\b(?:approval|endorsement|backing|adoption|vote|votes|passage)\s+(?:of\s+the\s+\w+\s+)?(?:by|in|of)\s+(?:the\s+)?(?:{leg})"),
            ),
            (
                Kind::Doc(Form::DomesticNominal, dom),
                &["adoption"],
                r"(?i)\badoption\s+of\s+(?:[\w-]+\s+){0,3}?decisions?\s+on\s+the\s+conclusion\b".into(),
            ),
            (
                Kind::Named(1, Form::AmongList, intl),
                &["among"],
                r"(?i)\bamong\s+(?:the\s+)?(?:(?:first|those|countries|states|nations)\s+)*(?:to\s+)?(put(?:ting)?\s+(?:their\s+)?(?:signatures?\s+to|pen\s+to\s+paper)|sign(?:ing|ed)?|ratif(?:ying|ied|y))\b".into(),
            ),
            (
                Kind::Named(1, Form::Nth, intl),
                &["ratify", "sign", "accede", "join", "approve", "accept"],
                r"(?i)\b(?:became|becomes|becoming|has\s+become|have\s+become|is|was)\s+the\s+(?:[\w-]+\s+){1,3}?(?:state|country|nation|party|government|member|signatory)\s+(?:(?:in|of|from)\s+(?:the\s+)?[\w-]+(?:\s+[\w-]+)?\s+)?to\s+(ratify|sign|accede|join|approve|accept)\b".into(),
            ),
            (
                Kind::Named(1, Form::Passive, None),
                &["signed", "ratified", "acceded", "approved", "accepted", "denounced", "joined"],
                r"(?i)\b(?:was|were|has\s+been|have\s+been|had\s+been|is|are|been)\s+(?:also\s+|formally\s+|officially\s+|now\s+|already\s+|today\s+|subsequently\s+|duly\s+)?(signed|ratified|acceded\s+to|approved|accepted|denounced|joined)\b".into(),
            ),
            (
                Kind::Named(1, Form::Passive, None),
                &["signed", "ratified", "approved", "accepted", "denounced"],
                r"(?i)\b(signed|ratified|approved|accepted|denounced)\s+by\b".into(),
            ),
            (
                Kind::Fixed(EntryIntoForce, Form::EntryIntoForce, intl, false),
                &["force", "effect"],
                r"(?i)\b(?:entered|enters|came|comes|went|has\s+entered|have\s+entered|had\s+entered)\s+into\s+(?:force|effect)\b|\b(?:took|takes)\s+effect\b".into(),
            ),
            (
                Kind::Fixed(DefinitiveSignature, Form::Active, intl, false),
                &["definitively", "signed"],
                r"(?i)\b(?:definitively\s+signed|signed\s+definitively|signed\s+without\s+reservation\s+as\s+to\s+ratification)\b".into(),
            ),
            (
                Kind::Fixed(Signature, Form::Active, intl, false),
                &["put"],
                r"(?i)\bput\s+(?:its|her|his|their)\s+signatures?\s+to\b".into(),
            ),
            (
                Kind::Fixed(Signature, Form::Active, None, false),
                // "co-signed" holds "signed" after a hyphen: at a word start.
                &["signed", "signs", "inked", "inks"],
                r"(?i)\b(?:signed|signs|inked|inks|co-signed)\b".into(),
            ),
            (
                Kind::Fixed(Ratification, Form::Active, None, false),
                &["ratified", "ratifies"],
                r"(?i)\b(?:ratified|ratifies)\b".into(),
            ),
            (
                Kind::Fixed(Accession, Form::Active, intl, false),
                &["acceded", "accedes"],
                r"(?i)\b(?:acceded|accedes)(?:\s+to)?\b".into(),
            ),
            (
                Kind::Fixed(Accession, Form::Active, intl, true),
                &["joined", "joins"],
                r"(?i)\b(?:joined|joins)\b".into(),
            ),
            (
                Kind::Fixed(Accession, Form::Active, intl, true),
                &["became", "become"],
                r"(?i)\b(?:became|becomes|has\s+become|have\s+become)\s+(?:(?:on\s+\w+|formally|officially|thus|now)\s+)*(?:an?\s+|the\s+)?(?:(?:full|fully-fledged|full-fledged|new|official|\d+\w*)\s+)?(?:state\s+|contracting\s+)?part(?:y|ies)\s+to\b".into(),
            ),
            (
                Kind::Fixed(Succession, Form::Active, intl, false),
                &["succeeded"],
                r"(?i)\bsucceeded\s+to\b".into(),
            ),
            (
                Kind::Fixed(Withdrawal, Form::Active, None, false),
                &["withdr", "pulled", "pulls", "exit", "quit", "left", "leaves", "denounc"],
                r"(?i)\b(?:withdrew|withdraws|withdrawn|pulled\s+out|pulls\s+out|exited|exits|quit|quits|left|leaves|denounced|denounces)(?:\s+(?:on\s+\w+\s+)?(?:from|of))?\b".into(),
            ),
            (
                Kind::Doc(Form::Active, dom),
                &["approved", "approves"],
                r"(?i)\b(?:approved|approves)\b".into(),
            ),
            (
                Kind::Fixed(Acceptance, Form::Active, intl, false),
                &["accepted", "accepts"],
                r"(?i)\b(?:accepted|accepts)\b".into(),
            ),
            (
                Kind::Named(1, Form::InstrumentOf, intl),
                &["instrument"],
                r"(?i)\binstruments?\s+of\s+(ratification|accession|acceptance|approval)\s+of\s+(?:the\s+)?(?-i:[A-Z])".into(),
            ),
            (
                Kind::Named(1, Form::Nominal, None),
                &["signature", "ratification", "accession", "withdrawal", "denunciation"],
                r"(?i)\b(signature|ratification|accession|withdrawal|denunciation)\s+(?:of|to|from)\b".into(),
            ),
        ];
        list.into_iter()
            .map(|(kind, triggers, re)| CuePattern {
                kind,
                triggers,
                regex: Pattern::new(re),
            })
            .collect()
    })
}

/// Whether a cue's verb is in the present or present perfect ("has signed", "signs").
fn is_current(sentence: &str, start: usize, cue_text: &str) -> bool {
    let lower = cue_text.to_ascii_lowercase();
    let first = lower.split_whitespace().next().unwrap_or("");
    if matches!(first, "has" | "have" | "is" | "are") {
        return true;
    }
    if matches!(
        first,
        "signs"
            | "ratifies"
            | "accedes"
            | "joins"
            | "becomes"
            | "withdraws"
            | "denounces"
            | "deposits"
            | "lodges"
            | "approves"
            | "adopts"
            | "passes"
            | "inks"
            | "accepts"
            | "quits"
            | "exits"
            | "leaves"
            | "enters"
            | "comes"
            | "takes"
    ) {
        return true;
    }
    // "has (formally) signed": the auxiliary just before the cue.
    let before = &sentence[..start];
    let words: Vec<&str> = before.split_whitespace().rev().take(3).collect();
    words.iter().any(|w| {
        matches!(
            w.to_ascii_lowercase().as_str(),
            "has" | "have" | "'ve" | "’ve"
        )
    }) && !words.iter().any(|w| w.eq_ignore_ascii_case("had"))
}

/// The act a law is about, from its description ("the bill on withdrawal from ...").
fn law_subject_action(text: &str) -> Option<Action> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r"(?i)\b(?:on|for)\s+(?:the\s+)?(ratification|accession|acceptance|approval|withdrawal|denunciation)\s+(?:of|to|from)\b")
            .expect("valid pattern")
    });
    consent_noun(re.captures(text)?.get(1)?.as_str())
}

/// Whether a cue's verb is in the past perfect ("had signed", "had been deposited").
fn is_pluperfect(sentence: &str, start: usize, cue_text: &str) -> bool {
    let lower = cue_text.to_ascii_lowercase();
    if lower.split_whitespace().any(|w| w == "had") {
        return true;
    }
    let before = &sentence[..start];
    before
        .split_whitespace()
        .rev()
        .take(3)
        .any(|w| w.eq_ignore_ascii_case("had") || w.eq_ignore_ascii_case("'d"))
}

/// The trigger words of every cue pattern, by their first two letters (lower case): for
/// each word, the patterns (bits of a mask, by their place in [`cue_patterns`]) it opens.
struct Triggers {
    by_start: Vec<Vec<Trigger>>,
    /// By a word's first byte (either case), a bit for each second letter (a to z) with
    /// which it begins a trigger word: most words are turned away by one look-up here.
    seconds: [u32; 256],
}

/// One trigger word, its first eight bytes kept as a number (see [`head_of`]) so that a
/// word of the text is turned away, or taken when it is no longer, by one comparison.
#[derive(Debug, Clone)]
struct Trigger {
    word: &'static str,
    /// The first eight bytes (fewer for a shorter word, the rest zero), little-endian.
    head: u64,
    /// Ones over the bytes `head` holds.
    head_mask: u64,
    /// The patterns it opens.
    opens: u64,
}

impl Trigger {
    /// `word` is lower-case letters, which [`head_of`] leaves as they are.
    fn new(word: &'static str, opens: u64) -> Trigger {
        Trigger {
            word,
            head: head_of(word.as_bytes()),
            head_mask: first_bytes(word.len()),
            opens,
        }
    }

    /// Whether `rest`, whose first eight bytes `head` holds as [`head_of`] gives them,
    /// begins with this word in any case.
    #[inline]
    fn begins(&self, rest: &[u8], head: u64) -> bool {
        head & self.head_mask == self.head
            && (self.word.len() <= 8
                || rest
                    .get(8..self.word.len())
                    .is_some_and(|r| r.eq_ignore_ascii_case(&self.word.as_bytes()[8..])))
    }
}

/// The first eight bytes of `rest` (zero past its end) as a little-endian number, each with
/// bit 5 set: an ASCII letter in lower case, and no other byte a lower-case letter (a byte
/// is one with bit 5 set only if it is a letter of either case), so that comparing with a
/// lower-case word is comparing in any case, and a shorter text never matches a letter.
#[inline]
fn head_of(rest: &[u8]) -> u64 {
    let mut bytes = [0u8; 8];
    let n = rest.len().min(8);
    bytes[..n].copy_from_slice(&rest[..n]);
    // Zeros past the end stay zero (no letter): only the bytes of `rest` are folded.
    u64::from_le_bytes(bytes) | first_bytes(n) & u64::from_le_bytes([0x20; 8])
}

/// Ones over the first `n` bytes (all eight from `n` = 8 on) of a little-endian number.
#[inline]
fn first_bytes(n: usize) -> u64 {
    u64::MAX
        .checked_shr(8 * 8usize.saturating_sub(n) as u32)
        .unwrap_or(0)
}

/// The place of an ASCII letter (either case) in the alphabet.
#[inline]
fn letter(b: u8) -> Option<usize> {
    let k = b.to_ascii_lowercase().wrapping_sub(b'a');
    (k < 26).then_some(usize::from(k))
}

/// The slot of a word's first two letters in [`Triggers::by_start`].
fn slot(a: u8, b: u8) -> Option<usize> {
    Some(letter(a)? * 26 + letter(b)?)
}

impl Triggers {
    /// The patterns opened by the trigger words that `rest` begins with (any case).
    #[inline]
    fn opened_at(&self, rest: &[u8]) -> u64 {
        let (Some(&a), Some(&b)) = (rest.first(), rest.get(1)) else {
            return 0;
        };
        let seconds = self.seconds[usize::from(a)];
        let Some(second) = letter(b).filter(|&k| seconds & (1 << k) != 0) else {
            return 0;
        };
        let Some(words) = letter(a).and_then(|first| self.by_start.get(first * 26 + second)) else {
            return 0;
        };
        let head = head_of(rest);
        words
            .iter()
            .filter(|t| t.begins(rest, head))
            .fold(0, |mask, t| mask | t.opens)
    }
}

fn triggers() -> &'static Triggers {
    static TRIGGERS: OnceLock<Triggers> = OnceLock::new();
    TRIGGERS.get_or_init(|| {
        let mut by_start: Vec<Vec<Trigger>> = vec![Vec::new(); 26 * 26];
        let mut seconds = [0u32; 256];
        for (bit, pattern) in cue_patterns().iter().enumerate() {
            for &word in pattern.triggers {
                let w = word.as_bytes();
                let k = match (w.len() >= 2, w.iter().all(u8::is_ascii_lowercase)) {
                    (true, true) => slot(w[0], w[1]),
                    _ => None,
                }
                .expect("trigger words are lower-case letters, two or more");
                match by_start[k].iter_mut().find(|t| t.word == word) {
                    Some(t) => t.opens |= 1 << bit,
                    None => by_start[k].push(Trigger::new(word, 1 << bit)),
                }
                for first in [w[0], w[0].to_ascii_uppercase()] {
                    seconds[usize::from(first)] |= 1 << (k % 26);
                }
            }
        }
        Triggers { by_start, seconds }
    })
}

/// The cue patterns (a mask over [`cue_patterns`]) that may match in `sentence`: those with
/// a trigger word at the start of a word (where the regexes' `\b` or `\s` puts every
/// trigger word: after a character that is not a word character). Most sentences of the
/// news report no act and open none or one, so this one pass over the bytes replaces some
/// thirty regex searches. A sentence with a letter that matches an ASCII one only under
/// Unicode case folding (long s, the Kelvin sign) opens every pattern.
fn possible_cues(sentence: &str) -> u64 {
    if folds_to_ascii(sentence) {
        return u64::MAX;
    }
    let t = triggers();
    let bytes = sentence.as_bytes();
    let mut mask = 0;
    // Whether the byte before the block is a word byte (ASCII), or not ASCII.
    let (mut word_before, mut high_before) = (false, false);
    for (k, block) in bytes.chunks(32).enumerate() {
        let mut padded = [0u8; 32];
        padded[..block.len()].copy_from_slice(block);
        let (alpha, word, high) = classify(&padded);
        let after_word = word << 1 | u32::from(word_before);
        let after_high = high << 1 | u32::from(high_before);
        // Letters after an ASCII byte that is no word byte start a word; after a non-ASCII
        // character, they do when that character is no word character.
        let mut starts = alpha & !after_word & !after_high;
        let mut after_other = alpha & after_high;
        while after_other != 0 {
            let at = k * 32 + after_other.trailing_zeros() as usize;
            after_other &= after_other - 1;
            let before = sentence.get(..at).and_then(|b| b.chars().next_back());
            if !before.is_some_and(regex_syntax::is_word_character) {
                starts |= 1 << (at - k * 32);
            }
        }
        while starts != 0 {
            let at = k * 32 + starts.trailing_zeros() as usize;
            starts &= starts - 1;
            mask |= t.opened_at(&bytes[at..]);
        }
        let last = block.len() - 1;
        word_before = word >> last & 1 == 1;
        high_before = high >> last & 1 == 1;
    }
    mask
}

/// Bits by byte of a block: ASCII letters, ASCII word bytes (letters, digits, '_'), and
/// bytes of non-ASCII characters; eight bytes at a time, each a lane of a `u64`.
#[inline]
fn classify(block: &[u8; 32]) -> (u32, u32, u32) {
    let (mut alpha, mut word, mut high) = (0u32, 0u32, 0u32);
    for (k, eight) in block.chunks_exact(8).enumerate() {
        let mut lanes = [0u8; 8];
        lanes.copy_from_slice(eight);
        let (a, w, h) = classify_eight(u64::from_le_bytes(lanes));
        alpha |= a << (8 * k);
        word |= w << (8 * k);
        high |= h << (8 * k);
    }
    (alpha, word, high)
}

/// [`classify`] for eight bytes: the high bit of each lane answers for its byte (exactly:
/// every lane is kept below 0x80 before it is compared, so no lane borrows from the next),
/// then the eight high bits are gathered into a byte.
#[inline]
fn classify_eight(x: u64) -> (u32, u32, u32) {
    const ONES: u64 = u64::from_le_bytes([0x01; 8]);
    const HIGH: u64 = u64::from_le_bytes([0x80; 8]);
    let seven = x & !HIGH;
    // At least `n` (n up to 0x80), lane by lane.
    let at_least = |v: u64, n: u8| ((v | HIGH) - ONES * u64::from(n)) & HIGH;
    let equal = |v: u64, n: u8| !(((v ^ (ONES * u64::from(n))) | HIGH) - ONES) & HIGH;
    let folded = seven | (ONES * 0x20);
    let ascii = !x & HIGH;
    let letter = at_least(folded, b'a') & !at_least(folded, b'z' + 1) & ascii;
    let digit = at_least(seven, b'0') & !at_least(seven, b'9' + 1) & ascii;
    let underscore = equal(seven, b'_') & ascii;
    // The high bits (at 7, 15, ... 63) gathered into bits 0 to 7.
    let gather = |m: u64| ((m >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56) as u32;
    (
        gather(letter),
        gather(letter | digit | underscore),
        gather(x & HIGH),
    )
}

/// Whether `text` holds a letter that matches an ASCII one only under Unicode case folding
/// (long s U+017F, the Kelvin sign U+212A).
fn folds_to_ascii(text: &str) -> bool {
    let bytes = text.as_bytes();
    memchr::memchr2_iter(0xC5, 0xE2, bytes).any(|i| {
        let rest = &bytes[i..];
        rest.starts_with("\u{17f}".as_bytes()) || rest.starts_with("\u{212a}".as_bytes())
    })
}

/// Every cue in `sentence` (which starts at byte `base` of the document), left to right,
/// without overlaps: the earlier pattern in the list wins a tie.
pub fn find_cues(sentence: &str, base: usize) -> Vec<Cue> {
    cues_of(sentence, base, possible_cues(sentence))
}

/// The cues of the patterns in `mask`.
fn cues_of(sentence: &str, base: usize, mask: u64) -> Vec<Cue> {
    if mask == 0 {
        return Vec::new();
    }
    let mut found: Vec<Cue> = Vec::new();
    let mut taken: Vec<(usize, usize)> = Vec::new();
    for (bit, pattern) in cue_patterns().iter().enumerate() {
        if mask & (1 << bit) == 0 {
            continue;
        }
        for caps in pattern.regex.regex().captures_iter(sentence) {
            let Some(whole) = caps.get(0) else { continue };
            let (start, end) = (whole.start(), whole.end());
            if taken.iter().any(|&(s, e)| start < e && s < end) {
                continue;
            }
            let (mut from_doc, mut unnamed_deposit) = (false, false);
            let (action, form, stage, loose) = match pattern.kind {
                Kind::Fixed(a, f, s, l) => (Some(a), f, s, l),
                Kind::Named(group, f, s) => {
                    // The first capture group from `group` on that took part in the match.
                    let word = (group..caps.len())
                        .find_map(|g| caps.get(g))
                        .map_or("", |m| m.as_str());
                    let lower = word.to_ascii_lowercase();
                    let action = match f {
                        Form::Deposit
                        | Form::Nominal
                        | Form::PassiveDeposit
                        | Form::InstrumentOf => {
                            consent_noun(word).or_else(|| action_from_word(word))
                        }
                        _ if lower == "approving" => {
                            from_doc = true;
                            Some(Action::Ratification)
                        }
                        Form::LawPassive => match lower.as_str() {
                            // "The bill on withdrawal from the Statute was adopted".
                            "" => law_subject_action(whole.as_str()),
                            "corresponding" | "relevant" => {
                                from_doc = true;
                                Some(Action::Ratification)
                            }
                            _ => consent_noun(word),
                        },
                        _ => action_from_word(word),
                    };
                    (action, f, s, f == Form::Nominal)
                }
                Kind::Doc(f, s) => {
                    from_doc = true;
                    (Some(Action::Ratification), f, s, false)
                }
                Kind::UnnamedDeposit(f) => {
                    // "deposited its instrument of ratification" is the named pattern's.
                    let rest = sentence[end..].trim_start().to_ascii_lowercase();
                    if rest.starts_with("of ") {
                        continue;
                    }
                    unnamed_deposit = true;
                    (
                        Some(Action::Ratification),
                        f,
                        Some(Stage::International),
                        false,
                    )
                }
            };
            let Some(action) = action else { continue };
            taken.push((start, end));
            found.push(Cue {
                span: Span::new(base + start, base + end),
                action,
                form,
                stage,
                loose,
                current: is_current(sentence, start, whole.as_str()),
                pluperfect: is_pluperfect(sentence, start, whole.as_str()),
                from_doc,
                unnamed_deposit,
            });
        }
    }
    found.sort_by_key(|c| c.span.start);
    found
}

/// Words that make the act before them unreal: negation, modality, intention, calls.
const CANCELLING: &[&str] = &[
    "not",
    "never",
    "no",
    "yet",
    "nor",
    "neither",
    "without",
    "will",
    "would",
    "shall",
    "should",
    "could",
    "can",
    "cannot",
    "may",
    "might",
    "must",
    "going",
    "intends",
    "intend",
    "intended",
    "intention",
    "plans",
    "plan",
    "planned",
    "planning",
    "expected",
    "expects",
    "expect",
    "preparing",
    "prepares",
    "prepare",
    "prepared",
    "ready",
    "aims",
    "aim",
    "seeks",
    "seek",
    "wants",
    "want",
    "wish",
    "wishes",
    "hopes",
    "hope",
    "hoped",
    "hoping",
    "urged",
    "urges",
    "urge",
    "urging",
    "called",
    "calls",
    "call",
    "calling",
    "invited",
    "invites",
    "encouraged",
    "encourages",
    "proposed",
    "proposes",
    "recommended",
    "recommends",
    "considering",
    "considers",
    "consider",
    "discussed",
    "discuss",
    "discussing",
    "debated",
    "debating",
    "if",
    "unless",
    "whether",
    "failed",
    "fails",
    "refused",
    "refuses",
    "declined",
    "declines",
    "rejected",
    "rejects",
    "pending",
    "about",
    "soon",
    "due",
    "set",
    "once",
    "whenever",
    "until",
    "before",
    "asked",
    "asks",
    "demanded",
    "demands",
    "promised",
    "promises",
    "pledged",
    "pledges",
    "committed",
    "vowed",
    "vows",
    "threatened",
    "threatens",
    "mulling",
    "weighing",
    "allegedly",
    "supposed",
    "likely",
    "unlikely",
    "possibly",
    "perhaps",
    "probably",
    "might've",
    "wouldn't",
    "won't",
    "hasn't",
    "haven't",
    "hadn't",
    "didn't",
    "doesn't",
    "don't",
    "isn't",
    "wasn't",
    "weren't",
    "aren't",
    "can't",
    "couldn't",
    "shouldn't",
    "'ll",
    "ought",
    "wanting",
];

/// Lower-case words of a text, split on anything that is not a letter, digit or apostrophe.
fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’'))
        .filter(|w| !w.is_empty())
        .map(|w| w.to_lowercase().replace('’', "'"))
}

/// Whether `text` (the words between the actor and the cue) cancels the act.
pub fn cancels(text: &str) -> bool {
    words(text)
        .any(|w| CANCELLING.contains(&w.as_str()) || w.ends_with("n't") || w.ends_with("'ll"))
}

/// Whether the words right before a cue make it an infinitive ("to sign", "to have signed").
pub fn infinitive_before(text: &str) -> bool {
    let ws: Vec<String> = words(text).collect();
    let n = ws.len();
    (n >= 1 && ws[n - 1] == "to") || (n >= 2 && ws[n - 2] == "to" && ws[n - 1] == "have")
}

/// The names of legislatures (and their members), whose act is a domestic step.
pub const LEGISLATURES: &str = r"parliament|parliamentarians|national\s+assembly|legislative\s+assembly|milli\s+majlis|majlis|mejlis|senate|senators|congress|national\s+congress|bundestag|bundesrat|state\s+duma|duma|federation\s+council|sejm|verkhovna\s+rada|rada|knesset|riksdag|storting|folketing|eduskunta|althingi|althing|oireachtas|saeima|seimas|riigikogu|sabor|skupstina|skupština|grand\s+national\s+assembly|lok\s+sabha|rajya\s+sabha|house\s+of\s+representatives|house\s+of\s+commons|house\s+of\s+lords|chamber\s+of\s+deputies|congress\s+of\s+deputies|lawmakers|legislators|legislature|legislative\s+chamber|mps|deputies|mazhilis|jogorku\s+kenesh|oliy\s+majlis|supreme\s+council|national\s+council|cortes|assembl[ée]e\s+nationale|lower\s+house|upper\s+house|diet|federal\s+assembly|national\s+people's\s+congress";

/// A legislature, whose act is a domestic step.
pub fn legislature_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(&format!(r"(?i)\b(?:{LEGISLATURES})\b")).expect("valid pattern"))
}

/// Whether `text` names a legislature ("the Diet" only with its capital: "diet" is food).
pub fn names_legislature(text: &str) -> bool {
    legislature_regex().find_iter(text).any(|m| {
        let w = m.as_str();
        !w.eq_ignore_ascii_case("diet") || w.starts_with('D')
    })
}

/// The executive acting on a bill, which is not yet a law ("the cabinet approved the bill").
pub fn executive_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"(?i)\b(?:government|cabinet|council\s+of\s+ministers|cabinet\s+of\s+ministers|ministry|ministries|committee|commission)\b",
        )
        .expect("valid pattern")
    })
}

/// Words that head a different object between a verb and an instrument ("signed a
/// memorandum on joining the Convention"): the instrument is not what was signed.
const OTHER_OBJECTS: &[&str] = &[
    "memorandum",
    "memorandums",
    "memoranda",
    "mou",
    "letter",
    "letters",
    "deal",
    "deals",
    "contract",
    "contracts",
    "law",
    "laws",
    "bill",
    "bills",
    "decree",
    "decrees",
    "roadmap",
    "plan",
    "statement",
    "declaration",
    "declarations",
    "communique",
    "communiqué",
    "joint",
    "programme",
    "program",
    "agreements",
    "conventions",
    "treaties",
    "protocols",
    "amendments",
    "regarding",
    "concerning",
    "about",
    "with",
    "order",
    "orders",
    "resolution",
    "document",
    "documents",
    "request",
    "application",
    "petition",
    "minutes",
    "partnership",
    "cooperation",
    "charter",
    "action",
    "mandate",
    "package",
    "list",
    "number",
    "series",
    "several",
    "various",
    "other",
    "two",
    "three",
    "four",
    "five",
    "countries",
    "states",
    "member",
    "members",
    "organisation",
    "organization",
    "union",
    "alliance",
    "bloc",
    "group",
    "talks",
    "negotiations",
    "consultations",
    "reservation",
    "reservations",
    "declaring",
    "but",
    "while",
    "whereas",
    "after",
    "before",
    "which",
    "that",
    "who",
];

/// Whether the words between a cue and an instrument leave the instrument as its object.
pub fn object_gap_ok(gap: &str) -> bool {
    if gap.contains(';') || gap.contains(':') {
        return false;
    }
    let ws: Vec<String> = words(gap).collect();
    if ws.len() > 12 {
        return false;
    }
    !ws.iter()
        .any(|w| OTHER_OBJECTS.contains(&w.as_str()) || (w.ends_with("ing") && w.len() > 5))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The cue patterns compile on first use, so a mistake in one would only show on the
    /// first sentence it is tried on: compile them all here.
    #[test]
    fn every_cue_pattern_compiles() {
        for pattern in cue_patterns() {
            assert!(
                pattern.regex.try_regex().is_ok(),
                "{:?}: {:?}",
                pattern.kind,
                pattern.regex.try_regex()
            );
        }
    }

    /// Every match of every cue pattern, in every sentence of the fixtures and samples,
    /// holds one of its pattern's trigger words at a word start, so the gate of
    /// [`possible_cues`] never hides a cue.
    #[test]
    fn every_cue_holds_a_trigger_of_its_pattern() {
        let mut checked = 0;
        for text in &super::super::tests::fixture_texts() {
            for sentence in crate::text::sentences(text) {
                let s = &text[sentence.span.start..sentence.span.end];
                let mask = possible_cues(s);
                for (bit, pattern) in cue_patterns().iter().enumerate() {
                    for m in pattern.regex.regex().find_iter(s) {
                        checked += 1;
                        assert!(
                            mask & (1 << bit) != 0,
                            "pattern {bit} matches '{}' but its triggers {:?} are not in: {s}",
                            m.as_str(),
                            pattern.triggers
                        );
                    }
                }
            }
        }
        assert!(checked > 300, "only {checked} matches checked");
        assert!(cue_patterns().len() <= 64, "a mask holds 64 patterns");
        assert_eq!(
            possible_cues("The central bank held its main rate at 4.3%."),
            0
        );
        // Words inside other words open nothing: "design", "department", "counterpart".
        assert_eq!(
            possible_cues("The department's design, said its counterpart."),
            0
        );
        // Letters that fold to ASCII only under Unicode rules open every pattern.
        assert_eq!(possible_cues("Chile ſigned it"), u64::MAX);
        assert!(!find_cues("Chile ſigned it", 0).is_empty());
    }

    /// A trigger word is found at the start of a text exactly when the text begins with it
    /// in some case: for short and long words, texts shorter than eight bytes or than the
    /// word, and every byte value in every place of the head.
    #[test]
    fn trigger_words_begin_a_text_as_eq_ignore_ascii_case_says() {
        let plain = |word: &str, rest: &[u8]| {
            rest.get(..word.len())
                .is_some_and(|r| r.eq_ignore_ascii_case(word.as_bytes()))
        };
        let words = [
            "in",
            "sign",
            "signed",
            "ratified",
            "instrument",
            "definitively",
        ];
        let mut texts: Vec<Vec<u8>> = vec![
            b"".to_vec(),
            b"i".to_vec(),
            b"IN".to_vec(),
            b"Signed,".to_vec(),
            b"SIGNEDx".to_vec(),
            b"ratifie".to_vec(),
            b"Instrument of".to_vec(),
            b"instrumenT".to_vec(),
            b"instrumen".to_vec(),
            b"DEFINITIVELY signed".to_vec(),
            b"definitivelx".to_vec(),
        ];
        for word in words {
            for place in 0..word.len().min(9) {
                for byte in 0..=255u8 {
                    let mut t = word.as_bytes().to_vec();
                    t[place] = byte;
                    texts.push(t);
                }
            }
        }
        for word in words {
            let trigger = Trigger::new(word, 1);
            for t in &texts {
                assert_eq!(
                    trigger.begins(t, head_of(t)),
                    plain(word, t),
                    "{word:?} at the start of {:?}",
                    String::from_utf8_lossy(t)
                );
            }
        }
    }

    /// The lane-wise classification agrees with the plain one on every byte value, in
    /// every lane.
    #[test]
    fn bytes_are_classified_lane_by_lane_as_one_by_one() {
        for value in 0..=255u8 {
            for lane in 0..32 {
                let mut block = [b'.'; 32];
                block[lane] = value;
                block[(lane + 7) % 32] = value.wrapping_add(1);
                let (alpha, word, high) = classify(&block);
                for (j, &b) in block.iter().enumerate() {
                    let bit = |m: u32| m >> j & 1 == 1;
                    assert_eq!(bit(alpha), b.is_ascii_alphabetic(), "{b:#x} in lane {j}");
                    assert_eq!(
                        bit(word),
                        b.is_ascii_alphanumeric() || b == b'_',
                        "{b:#x} in lane {j}"
                    );
                    assert_eq!(bit(high), !b.is_ascii(), "{b:#x} in lane {j}");
                }
            }
        }
    }

    fn cues(text: &str) -> Vec<(String, Action, Form)> {
        find_cues(text, 0)
            .into_iter()
            .map(|c| (text[c.span.start..c.span.end].to_string(), c.action, c.form))
            .collect()
    }

    #[test]
    fn finds_news_phrasings() {
        assert_eq!(cues("Chile signed it")[0].1, Action::Signature);
        assert_eq!(cues("Chile inked it")[0].1, Action::Signature);
        assert_eq!(cues("Chile acceded to it")[0].1, Action::Accession);
        assert_eq!(cues("Chile became a party to it")[0].1, Action::Accession);
        assert_eq!(
            cues("Chile deposited its instrument of ratification")[0].1,
            Action::Ratification
        );
        assert_eq!(
            cues("Chile deposited its instrument of approval")[0].1,
            Action::Approval
        );
        assert_eq!(
            cues("Chile became the 50th state to ratify it")[0].2,
            Form::Nth
        );
        assert_eq!(cues("it was ratified by Chile")[0].2, Form::Passive);
        assert_eq!(
            cues("the President signed the law on ratification of it")[0],
            (
                "signed the law on ratification".to_string(),
                Action::Ratification,
                Form::DomesticLaw
            )
        );
        assert_eq!(cues("Azerbaijan's signature of it")[0].2, Form::Nominal);
        assert_eq!(cues("Chile withdrew from it")[0].1, Action::Withdrawal);
        assert_eq!(
            cues("it entered into force for Chile")[0].1,
            Action::EntryIntoForce
        );
    }

    #[test]
    fn knows_present_and_present_perfect() {
        assert!(find_cues("Chile has signed it", 0)[0].current);
        assert!(find_cues("Chile signs it", 0)[0].current);
        assert!(!find_cues("Chile signed it", 0)[0].current);
        assert!(!find_cues("Chile had signed it", 0)[0].current);
    }

    #[test]
    fn cancelling_words() {
        assert!(cancels(" has not "));
        assert!(cancels(" will "));
        assert!(cancels(" hasn't "));
        assert!(cancels(" is expected to "));
        assert!(cancels(" plans to "));
        assert!(!cancels(" has formally "));
        assert!(!cancels(" on Monday "));
        assert!(infinitive_before("is set to"));
        assert!(infinitive_before("appears to have"));
    }

    #[test]
    fn object_gaps() {
        assert!(object_gap_ok(" the "));
        assert!(object_gap_ok(" on 30 October in Strasbourg the "));
        assert!(!object_gap_ok(" a memorandum on joining the "));
        assert!(!object_gap_ok(
            " a number of relevant conventions, such as the "
        ));
    }
}
