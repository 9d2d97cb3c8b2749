//! Date expressions in a sentence, resolved with the precision the text gives.
//!
//! Absolute ("30 October 2023", "October 30, 2023", "30.10.2023", "2023-10-30"), partial
//! ("on October 30", "in March", "in 2019": the year comes from the publication date) and
//! relative ("yesterday", "on Tuesday", "last week", "today"). Never invents a day.

use std::sync::OnceLock;

use chrono::{Datelike, Duration, NaiveDate, Weekday};

use super::Pattern;
use crate::model::{DateBasis, LedgerDate, Span};

/// A date found in a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateMention {
    pub span: Span,
    pub date: LedgerDate,
    pub basis: DateBasis,
}

const MONTH: &str = r"(January|February|March|April|May|June|July|August|September|October|November|December|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept\.?|Sep\.?|Oct\.?|Nov\.?|Dec\.?)";
const FULL_MONTH: &str =
    r"(January|February|March|April|May|June|July|August|September|October|November|December)";

fn month_number(name: &str) -> Option<u32> {
    let key: String = name.trim_end_matches('.').chars().take(3).collect();
    let n = match key.as_str() {
        "Jan" => 1,
        "Feb" => 2,
        "Mar" => 3,
        "Apr" => 4,
        "May" => 5,
        "Jun" => 6,
        "Jul" => 7,
        "Aug" => 8,
        "Sep" => 9,
        "Oct" => 10,
        "Nov" => 11,
        "Dec" => 12,
        _ => return None,
    };
    Some(n)
}

#[derive(Debug, Clone, Copy)]
enum Form {
    DayMonthYear,
    MonthDayYear,
    Dotted,
    Slashed,
    Iso,
    MonthYear,
    DayMonth,
    MonthDay,
    MonthAlone,
    YearAlone,
    Today,
    Yesterday,
    DayBeforeYesterday,
    Weekday,
    LastWeek,
    ThisWeek,
    LastMonth,
    ThisMonth,
    LastYear,
    ThisYear,
}

impl Form {
    /// Whether a sentence can hold this form at all: the digits or the word (in lower
    /// case) its pattern cannot match without. Checked before the pattern runs, since
    /// most sentences hold few date forms and the patterns are the costly part.
    fn may_occur(self, has_digit: bool, lower: &str) -> bool {
        let any = |words: &[&str]| words.iter().any(|w| lower.contains(w));
        match self {
            Form::DayMonthYear
            | Form::MonthDayYear
            | Form::Dotted
            | Form::Slashed
            | Form::Iso
            | Form::MonthYear
            | Form::DayMonth
            | Form::MonthDay
            | Form::YearAlone => has_digit,
            Form::MonthAlone => any(&[
                "january",
                "february",
                "march",
                "april",
                "may",
                "june",
                "july",
                "august",
                "september",
                "october",
                "november",
                "december",
            ]),
            Form::Today => any(&["today", "this ", "tonight"]),
            Form::Yesterday | Form::DayBeforeYesterday => lower.contains("yesterday"),
            Form::Weekday => lower.contains("day"),
            Form::LastWeek | Form::LastMonth | Form::LastYear => lower.contains("last "),
            Form::ThisWeek | Form::ThisMonth | Form::ThisYear => lower.contains("this "),
        }
    }
}

fn patterns() -> &'static [(Form, Pattern)] {
    static PATTERNS: OnceLock<Vec<(Form, Pattern)>> = OnceLock::new();
    PATTERNS.get_or_init(|| {
        let ord = r"(?:st|nd|rd|th)?";
        let list: Vec<(Form, String)> = vec![
            (
                Form::DayMonthYear,
                format!(r"\b(\d{{1,2}}){ord}(?:\s+of)?\s+{MONTH},?\s+(\d{{4}})\b"),
            ),
            (
                Form::MonthDayYear,
                format!(r"\b{MONTH}\s+(\d{{1,2}}){ord},?\s+(\d{{4}})\b"),
            ),
            (Form::Iso, r"\b(\d{4})-(\d{2})-(\d{2})\b".to_string()),
            (Form::Dotted, r"\b(\d{1,2})\.(\d{1,2})\.(\d{4})\b".to_string()),
            (Form::Slashed, r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b".to_string()),
            (Form::MonthYear, format!(r"\b{MONTH},?\s+(\d{{4}})\b")),
            (
                Form::DayMonth,
                format!(r"\b(\d{{1,2}}){ord}(?:\s+of)?\s+{MONTH}(?:\W|$)"),
            ),
            (
                Form::MonthDay,
                format!(r"\b{MONTH}\s+(\d{{1,2}}){ord}\b"),
            ),
            (
                Form::MonthAlone,
                format!(r"\b(?:[Ii]n|[Dd]uring|[Ll]ate|[Ee]arly|[Mm]id-|[Ee]nd of|[Ss]ince|[Bb]eginning of)\s+(?:(?:late|early|mid-)\s*)?{FULL_MONTH}\b"),
            ),
            (
                Form::YearAlone,
                r"\b(?:[Ii]n|[Dd]uring|[Ll]ate|[Ee]arly|[Mm]id-|[Ee]nd of|[Bb]ack in|[Ii]n late|[Ii]n early)\s+((?:1[89]|20)\d{2})\b".to_string(),
            ),
            (Form::DayBeforeYesterday, r"\b[Tt]he day before yesterday\b".to_string()),
            (Form::Today, r"\b(?:[Tt]oday|[Tt]his morning|[Tt]his afternoon|[Tt]his evening|[Tt]onight)\b".to_string()),
            (Form::Yesterday, r"\b[Yy]esterday\b".to_string()),
            (
                Form::Weekday,
                r"\b(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b".to_string(),
            ),
            (Form::LastWeek, r"\b[Ll]ast week\b".to_string()),
            (Form::ThisWeek, r"\b(?:[Ee]arlier )?[Tt]his week\b".to_string()),
            (Form::LastMonth, r"\b[Ll]ast month\b".to_string()),
            (Form::ThisMonth, r"\b(?:[Ee]arlier )?[Tt]his month\b".to_string()),
            (Form::LastYear, r"\b[Ll]ast year\b".to_string()),
            (Form::ThisYear, r"\b(?:[Ee]arlier )?[Tt]his year\b".to_string()),
        ];
        list.into_iter()
            .map(|(form, re)| (form, Pattern::new(re)))
            .collect()
    })
}

fn plausible_year(y: i32) -> bool {
    (1800..=2100).contains(&y)
}

fn day_date(y: i32, m: u32, d: u32) -> Option<LedgerDate> {
    plausible_year(y)
        .then(|| NaiveDate::from_ymd_opt(y, m, d).map(LedgerDate::day))
        .flatten()
}

/// The year of a day/month given without one: the publication year, or the year before
/// when that would put the date well after publication (news reports what happened).
fn infer_year(anchor: NaiveDate, month: u32, day: Option<u32>) -> i32 {
    let y = anchor.year();
    let candidate = NaiveDate::from_ymd_opt(y, month, day.unwrap_or(1));
    match candidate {
        Some(c) if c > anchor + Duration::days(7) => y - 1,
        _ => y,
    }
}

/// The most recent `weekday` on or before `anchor`.
fn last_weekday(anchor: NaiveDate, weekday: Weekday) -> NaiveDate {
    let back = (anchor.weekday().num_days_from_monday() + 7 - weekday.num_days_from_monday()) % 7;
    anchor - Duration::days(i64::from(back))
}

/// A span of days as a month, if it lies in one month.
fn month_of_range(first: NaiveDate, last: NaiveDate) -> Option<LedgerDate> {
    (first.year() == last.year() && first.month() == last.month())
        .then(|| LedgerDate::month(first.year(), first.month()))
        .flatten()
}

fn weekday_of(name: &str) -> Option<Weekday> {
    name.parse().ok()
}

fn resolve(
    form: Form,
    caps: &regex::Captures,
    anchor: Option<NaiveDate>,
) -> Option<(LedgerDate, DateBasis)> {
    let num = |i: usize| -> Option<u32> { caps.get(i)?.as_str().parse().ok() };
    let year = |i: usize| -> Option<i32> { caps.get(i)?.as_str().parse().ok() };
    let month = |i: usize| -> Option<u32> { month_number(caps.get(i)?.as_str()) };
    let stated = DateBasis::Stated;
    let relative = DateBasis::Relative;
    match form {
        Form::DayMonthYear => Some((day_date(year(3)?, month(2)?, num(1)?)?, stated)),
        Form::MonthDayYear => Some((day_date(year(3)?, month(1)?, num(2)?)?, stated)),
        Form::Iso => Some((day_date(year(1)?, num(2)?, num(3)?)?, stated)),
        Form::Dotted => Some((day_date(year(3)?, num(2)?, num(1)?)?, stated)),
        Form::Slashed => {
            let (a, b, y) = (num(1)?, num(2)?, year(3)?);
            // Day first unless that is impossible; both readings possible → unknown.
            let date = if a > 12 {
                day_date(y, b, a)?
            } else if b > 12 {
                day_date(y, a, b)?
            } else if a == b {
                day_date(y, a, a)?
            } else {
                return None;
            };
            Some((date, stated))
        }
        Form::MonthYear => {
            let y = year(2)?;
            plausible_year(y).then_some(())?;
            Some((LedgerDate::month(y, month(1)?)?, stated))
        }
        Form::DayMonth => {
            let (d, m) = (num(1)?, month(2)?);
            Some((day_date(infer_year(anchor?, m, Some(d)), m, d)?, stated))
        }
        Form::MonthDay => {
            let (m, d) = (month(1)?, num(2)?);
            Some((day_date(infer_year(anchor?, m, Some(d)), m, d)?, stated))
        }
        Form::MonthAlone => {
            let m = month(1)?;
            let anchor = anchor?;
            let y = if m > anchor.month() {
                anchor.year() - 1
            } else {
                anchor.year()
            };
            Some((LedgerDate::month(y, m)?, stated))
        }
        Form::YearAlone => {
            let y = year(1)?;
            plausible_year(y).then_some((LedgerDate::year(y), stated))
        }
        Form::Today => Some((LedgerDate::day(anchor?), DateBasis::Publication)),
        Form::Yesterday => Some((LedgerDate::day(anchor?.pred_opt()?), relative)),
        Form::DayBeforeYesterday => Some((LedgerDate::day(anchor? - Duration::days(2)), relative)),
        Form::Weekday => {
            let w = weekday_of(caps.get(1)?.as_str())?;
            Some((LedgerDate::day(last_weekday(anchor?, w)), relative))
        }
        Form::LastWeek => {
            let anchor = anchor?;
            let this_monday = last_weekday(anchor, Weekday::Mon);
            let first = this_monday - Duration::days(7);
            let last = this_monday - Duration::days(1);
            Some((month_of_range(first, last)?, relative))
        }
        Form::ThisWeek => {
            let anchor = anchor?;
            let first = last_weekday(anchor, Weekday::Mon);
            Some((month_of_range(first, anchor)?, relative))
        }
        Form::LastMonth => {
            let anchor = anchor?;
            let prev = anchor.with_day(1)?.pred_opt()?;
            Some((LedgerDate::month(prev.year(), prev.month())?, relative))
        }
        Form::ThisMonth => {
            let anchor = anchor?;
            Some((LedgerDate::month(anchor.year(), anchor.month())?, relative))
        }
        Form::LastYear => Some((LedgerDate::year(anchor?.year() - 1), relative)),
        Form::ThisYear => Some((LedgerDate::year(anchor?.year()), relative)),
    }
}

/// Every date expression in `text` (one sentence), left to right, without overlaps;
/// `base` is added to the spans. `anchor` is the publication date: without it, only
/// dates that carry their own year are found.
pub fn find_dates(text: &str, base: usize, anchor: Option<NaiveDate>) -> Vec<DateMention> {
    let mut found: Vec<DateMention> = Vec::new();
    let mut taken: Vec<(usize, usize)> = Vec::new();
    let has_digit = text.bytes().any(|b| b.is_ascii_digit());
    let lower = text.to_ascii_lowercase();
    for (form, re) in patterns() {
        if !form.may_occur(has_digit, &lower) {
            continue;
        }
        for caps in re.regex().captures_iter(text) {
            let Some(whole) = caps.get(0) else { continue };
            let (start, mut end) = (whole.start(), whole.end());
            // The day-month pattern looks one character past the month.
            if matches!(form, Form::DayMonth) {
                if let Some(m) = caps.get(2) {
                    end = m.end();
                }
            }
            if taken.iter().any(|&(s, e)| start < e && s < end) {
                continue;
            }
            // A weekday right before a date ("Monday, 30 October") only names its day.
            if matches!(form, Form::Weekday) {
                let rest = text[end..].trim_start_matches([',', ' ']);
                if rest.starts_with(|c: char| c.is_ascii_digit())
                    || month_number(rest.split(' ').next().unwrap_or("")).is_some()
                {
                    continue;
                }
            }
            // A matched form that does not resolve ("31 February 2023") is no shorter date.
            taken.push((start, end));
            if let Some((date, basis)) = resolve(*form, &caps, anchor) {
                found.push(DateMention {
                    span: Span::new(base + start, base + end),
                    date,
                    basis,
                });
            }
        }
    }
    found.sort_by_key(|d| d.span.start);
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The patterns compile on first use, so a mistake in one would only show on the
    /// first text it is tried on: compile them all here.
    #[test]
    fn every_date_pattern_compiles() {
        for (form, pattern) in patterns() {
            assert!(
                pattern.try_regex().is_ok(),
                "{form:?}: {:?}",
                pattern.try_regex()
            );
        }
    }

    fn anchor() -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(2023, 10, 31) // a Tuesday
    }

    fn dates(text: &str) -> Vec<(String, String, DateBasis)> {
        find_dates(text, 0, anchor())
            .into_iter()
            .map(|d| {
                (
                    text[d.span.start..d.span.end].to_string(),
                    d.date.to_string(),
                    d.basis,
                )
            })
            .collect()
    }

    fn one(text: &str) -> String {
        let all = dates(text);
        assert_eq!(all.len(), 1, "{text}: {all:?}");
        all[0].1.clone()
    }

    #[test]
    fn absolute_dates() {
        assert_eq!(one("signed on 30 October 2023 in Strasbourg"), "2023-10-30");
        assert_eq!(one("signed on October 30, 2023."), "2023-10-30");
        assert_eq!(one("signed on Oct. 30, 2023."), "2023-10-30");
        assert_eq!(one("signed on the 30th of October 2023"), "2023-10-30");
        assert_eq!(one("signed on 30.10.2023"), "2023-10-30");
        assert_eq!(one("signed on 2023-10-30"), "2023-10-30");
        assert_eq!(one("signed on 30/10/2023"), "2023-10-30");
        assert!(dates("signed on 03/10/2023").is_empty(), "ambiguous order");
        assert!(dates("signed on 31 February 2023").is_empty());
        assert_eq!(dates("on 30 October 2023")[0].2, DateBasis::Stated);
    }

    #[test]
    fn partial_dates_take_the_dateline_year() {
        assert_eq!(one("met in Strasbourg on October 30."), "2023-10-30");
        assert_eq!(one("met on 30 October, then left"), "2023-10-30");
        assert_eq!(one("ratified in March"), "2023-03");
        assert_eq!(one("ratified in March 2019"), "2019-03");
        assert_eq!(one("ratified in 2019"), "2019");
        // December, in an article of October: last December.
        assert_eq!(one("ratified on December 12"), "2022-12-12");
        assert_eq!(one("ratified in December"), "2022-12");
        assert!(find_dates("met on October 30", 0, None).is_empty());
        assert_eq!(
            find_dates("met on October 30, 2023", 0, None)[0]
                .date
                .to_string(),
            "2023-10-30"
        );
    }

    #[test]
    fn relative_dates() {
        assert_eq!(
            dates("signed yesterday"),
            [("yesterday".into(), "2023-10-30".into(), DateBasis::Relative)]
        );
        assert_eq!(one("signed on Tuesday"), "2023-10-31");
        assert_eq!(one("signed on Friday"), "2023-10-27");
        assert_eq!(dates("signed today")[0].2, DateBasis::Publication);
        assert_eq!(one("signed today"), "2023-10-31");
        // Last week: 23–29 October, all in October.
        assert_eq!(one("signed last week"), "2023-10");
        assert_eq!(one("signed last month"), "2023-09");
        assert_eq!(one("signed last year"), "2022");
        // The week before 2023-11-02 runs 23–29 October: one month; before 2023-11-08 it
        // runs 30 October – 5 November: no month, no date.
        let nov2 = NaiveDate::from_ymd_opt(2023, 11, 2);
        assert_eq!(
            find_dates("last week", 0, nov2)[0].date.to_string(),
            "2023-10"
        );
        let nov8 = NaiveDate::from_ymd_opt(2023, 11, 8);
        assert!(find_dates("last week", 0, nov8).is_empty());
        assert!(find_dates("yesterday", 0, None).is_empty());
    }

    #[test]
    fn weekday_before_a_date_is_not_a_second_date() {
        assert_eq!(one("on Monday, 30 October 2023, it signed"), "2023-10-30");
    }

    #[test]
    fn spans_are_offset_by_base() {
        let d = find_dates("on 30 October 2023", 100, anchor());
        assert_eq!(d[0].span, Span::new(103, 118));
    }

    #[test]
    fn never_panics_on_odd_text() {
        for text in [
            "",
            "99 October 2023",
            "October 99",
            "0.0.0000",
            "in 99999",
            "May",
            "Ö 3 May",
        ] {
            let _ = find_dates(text, 0, anchor());
        }
    }
}
