//! The domain's nouns: actions, stages, dates with their precision, documents, claims.
//!
//! Plain values shared by every stage of the pipeline. Each closed set is an enum that
//! turns to and from its text form here and nowhere else.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::error::Error;

/// Declares a closed set of words with its text form in one place.
macro_rules! word_enum {
    ($(#[$meta:meta])* $name:ident, $what:literal { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = Error;
            fn from_str(s: &str) -> Result<Self, Error> {
                // The word as the ledger writes it, without a copy.
                $(if s == $text { return Ok($name::$variant); })+
                let wanted = s.trim().to_ascii_lowercase().replace(['-', ' '], "_");
                $(if wanted == $text { return Ok($name::$variant); })+
                Err(Error::UnknownWord {
                    what: $what,
                    given: s.to_string(),
                    expected: vec![$($text),+].join(", "),
                })
            }
        }
    };
}

word_enum!(
    /// What a state did to an instrument.
    Action, "action" {
        Signature => "signature",
        Ratification => "ratification",
        Accession => "accession",
        Acceptance => "acceptance",
        Approval => "approval",
        Succession => "succession",
        DefinitiveSignature => "definitive_signature",
        EntryIntoForce => "entry_into_force",
        Withdrawal => "withdrawal",
    }
);

impl Action {
    /// Whether this act expresses consent to be bound (the "consented" column of a panel).
    pub fn is_consent(self) -> bool {
        matches!(
            self,
            Action::Ratification
                | Action::Accession
                | Action::Acceptance
                | Action::Approval
                | Action::Succession
                | Action::DefinitiveSignature
        )
    }
}

word_enum!(
    /// Domestic step (parliament, head of state's law) or international act (depositary).
    Stage, "stage" {
        Domestic => "domestic",
        International => "international",
    }
);

word_enum!(
    /// How much of a date the text gives.
    Precision, "precision" {
        Day => "day",
        Month => "month",
        Year => "year",
    }
);

word_enum!(
    /// Where a claim's date came from.
    DateBasis, "date basis" {
        Stated => "stated",
        Relative => "relative",
        Publication => "publication",
    }
);

word_enum!(
    /// What kind of document a source is.
    SourceKind, "source kind" {
        Article => "article",
        StatusTable => "status_table",
        Manual => "manual",
    }
);

/// A date known to the day, the month or the year. Never invents what the text lacks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LedgerDate {
    pub year: i32,
    pub month: Option<u32>,
    pub day: Option<u32>,
}

/// English month names, January first.
pub const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

impl LedgerDate {
    pub fn day(date: NaiveDate) -> Self {
        LedgerDate {
            year: date.year(),
            month: Some(date.month()),
            day: Some(date.day()),
        }
    }

    pub fn month(year: i32, month: u32) -> Option<Self> {
        (1..=12).contains(&month).then_some(LedgerDate {
            year,
            month: Some(month),
            day: None,
        })
    }

    pub fn year(year: i32) -> Self {
        LedgerDate {
            year,
            month: None,
            day: None,
        }
    }

    pub fn precision(&self) -> Precision {
        match (self.month, self.day) {
            (Some(_), Some(_)) => Precision::Day,
            (Some(_), None) => Precision::Month,
            _ => Precision::Year,
        }
    }

    /// The full date when the precision is a day.
    pub fn as_naive(&self) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(self.year, self.month?, self.day?)
    }

    /// The first day the date can mean ("2023-10" → 2023-10-01).
    pub fn first_day(&self) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(self.year, self.month.unwrap_or(1), self.day.unwrap_or(1))
    }

    /// The last day the date can mean ("2023-02" → 2023-02-28).
    pub fn last_day(&self) -> Option<NaiveDate> {
        match (self.month, self.day) {
            (Some(m), Some(d)) => NaiveDate::from_ymd_opt(self.year, m, d),
            (Some(m), None) => {
                let (y, next) = if m == 12 {
                    (self.year + 1, 1)
                } else {
                    (self.year, m + 1)
                };
                NaiveDate::from_ymd_opt(y, next, 1)?.pred_opt()
            }
            _ => NaiveDate::from_ymd_opt(self.year, 12, 31),
        }
    }

    /// Cut to a coarser precision ("2023-10-30" at month precision is "2023-10").
    pub fn truncate(&self, precision: Precision) -> LedgerDate {
        match precision {
            Precision::Day => *self,
            Precision::Month => LedgerDate { day: None, ..*self },
            Precision::Year => LedgerDate::year(self.year),
        }
    }

    /// Whether two dates agree at the coarser of their precisions.
    pub fn agrees_with(&self, other: &LedgerDate) -> bool {
        let p = self.precision().max(other.precision());
        self.truncate(p) == other.truncate(p)
    }

    /// Reads `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (a real calendar date).
    pub fn parse_iso(s: &str) -> Result<Self, Error> {
        let bad = || Error::BadDate(s.to_string());
        // Digits only, of the given length (no sign, no space): its value.
        let num = |p: &str, len: usize| -> Result<u32, Error> {
            if p.len() != len || !p.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad());
            }
            Ok(p.bytes().fold(0, |n, b| n * 10 + u32::from(b - b'0')))
        };
        // Up to three parts, read in place: an import checks millions of these.
        let mut parts = s.trim().split('-');
        let (y, m, d) = (parts.next(), parts.next(), parts.next());
        if parts.next().is_some() {
            return Err(bad());
        }
        match (y, m, d) {
            (Some(y), None, _) => Ok(LedgerDate::year(num(y, 4)? as i32)),
            (Some(y), Some(m), None) => {
                LedgerDate::month(num(y, 4)? as i32, num(m, 2)?).ok_or_else(bad)
            }
            (Some(y), Some(m), Some(d)) => {
                NaiveDate::from_ymd_opt(num(y, 4)? as i32, num(m, 2)?, num(d, 2)?)
                    .map(LedgerDate::day)
                    .ok_or_else(bad)
            }
            _ => Err(bad()),
        }
    }

    /// The form a reader expects: "30 October 2023", "March 2024", "2019".
    pub fn long_form(&self) -> String {
        match (self.month, self.day) {
            (Some(m), Some(d)) => format!("{d} {} {}", MONTH_NAMES[(m - 1) as usize], self.year),
            (Some(m), None) => format!("{} {}", MONTH_NAMES[(m - 1) as usize], self.year),
            _ => self.year.to_string(),
        }
    }
}

impl fmt::Display for LedgerDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.month, self.day) {
            (Some(m), Some(d)) => write!(f, "{:04}-{:02}-{:02}", self.year, m, d),
            (Some(m), None) => write!(f, "{:04}-{:02}", self.year, m),
            _ => write!(f, "{:04}", self.year),
        }
    }
}

impl FromStr for LedgerDate {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        LedgerDate::parse_iso(s)
    }
}

impl Serialize for LedgerDate {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for LedgerDate {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        LedgerDate::parse_iso(&s).map_err(serde::de::Error::custom)
    }
}

/// A byte range into a source's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }
    pub fn len(&self) -> usize {
        self.end - self.start
    }
    pub fn is_empty(&self) -> bool {
        self.end <= self.start
    }
    pub fn contains(&self, other: &Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }
}

/// One input document as read, before extraction.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Document {
    /// Where it was read from (file path, `-` or `file.jsonl:LINE`).
    pub origin: String,
    /// `text`, `html` or `jsonl`.
    pub format: String,
    pub text: String,
    pub title: Option<String>,
    pub url: Option<String>,
    pub publisher: Option<String>,
    pub author: Option<String>,
    pub published: Option<NaiveDate>,
}

/// What one source says: a state's act on an instrument, with its evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Claim {
    /// ISO 3166-1 alpha-3 (or `EUU`, or an ISO 3166-3 code).
    pub state: String,
    /// Instrument id, e.g. `CETS-216`.
    pub instrument: String,
    pub action: Action,
    pub stage: Stage,
    pub date: LedgerDate,
    pub date_basis: DateBasis,
    /// The sentence that carries the claim.
    pub span: Span,
    /// The text at `span`, verbatim.
    pub quote: String,
    /// The words inside the sentence that carry the action, state and instrument.
    pub highlights: Vec<Span>,
    /// Which extractor (and version) found it.
    pub extractor: String,
    pub confidence: f32,
}

/// A treaty-like title in a document that names no instrument the ledger knows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnresolvedMention {
    pub text: String,
    pub span: Span,
}

/// Everything extraction found in one document.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Extraction {
    pub claims: Vec<Claim>,
    pub unresolved: Vec<UnresolvedMention>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip_at_their_precision() {
        for s in ["2023-10-30", "2024-03", "2019"] {
            assert_eq!(LedgerDate::parse_iso(s).unwrap().to_string(), s);
        }
        assert!(LedgerDate::parse_iso("2023-02-30").is_err());
        assert!(LedgerDate::parse_iso("2023-13").is_err());
        assert!(LedgerDate::parse_iso("23-01-01").is_err());
        for bad in [
            "",
            "-",
            "2023-",
            "2023-10-",
            "2023-10-30-",
            "2023-1-30",
            "+202-10-30",
        ] {
            assert!(LedgerDate::parse_iso(bad).is_err(), "{bad:?}");
        }
        assert_eq!(
            LedgerDate::parse_iso(" 2024-02-29 ").unwrap().to_string(),
            "2024-02-29"
        );
        assert_eq!(
            LedgerDate::parse_iso("2023-10-30").unwrap().long_form(),
            "30 October 2023"
        );
    }

    #[test]
    fn dates_agree_at_the_coarser_precision() {
        let day = LedgerDate::parse_iso("2023-10-30").unwrap();
        let month = LedgerDate::parse_iso("2023-10").unwrap();
        let other = LedgerDate::parse_iso("2023-11").unwrap();
        assert!(day.agrees_with(&month));
        assert!(!day.agrees_with(&other));
    }

    #[test]
    fn words_parse_loosely_and_print_canonically() {
        assert_eq!(
            "Entry into force".parse::<Action>().unwrap(),
            Action::EntryIntoForce
        );
        assert_eq!(
            Action::DefinitiveSignature.to_string(),
            "definitive_signature"
        );
        assert!("ratify".parse::<Action>().is_err());
    }
}

word_enum!(
    /// What kind of party a state is.
    StateKind, "state kind" {
        Sovereign => "sovereign",
        Territory => "territory",
        Organisation => "organisation",
        Historical => "historical",
    }
);

/// A party that can act on a treaty, with the codes researchers join on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct State {
    pub iso3: String,
    pub iso2: Option<String>,
    pub numeric: Option<String>,
    pub name: String,
    pub formal_name: Option<String>,
    pub kind: StateKind,
    pub cow_code: Option<i64>,
    pub gw_code: Option<i64>,
    /// Other names (UN forms, old names, short forms), in natural capitalisation.
    pub aliases: Vec<String>,
    /// Demonyms and adjectives ("Azerbaijani").
    pub demonyms: Vec<String>,
}

/// A treaty, convention, protocol or agreement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Instrument {
    pub id: String,
    pub title: String,
    pub short_title: Option<String>,
    pub aliases: Vec<String>,
    pub depositary: Option<String>,
    pub adopted: Option<String>,
    pub opened: Option<String>,
    pub in_force: Option<String>,
    pub url: Option<String>,
}

impl Instrument {
    /// Every name the instrument goes by: title, short title, aliases.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.title.as_str())
            .chain(self.short_title.as_deref())
            .chain(self.aliases.iter().map(String::as_str))
    }

    /// The title a citation gives, with its treaty-series number:
    /// "Council of Europe Convention against Trafficking in Human Organs (CETS No. 216)".
    pub fn cited_title(&self) -> String {
        match self.id.split_once('-') {
            Some(("CETS", n)) => format!("{} (CETS No. {n})", self.title),
            Some(("UNTC", n)) => format!("{} (UNTC MTDSG {n})", self.title),
            _ => self.title.clone(),
        }
    }
}
