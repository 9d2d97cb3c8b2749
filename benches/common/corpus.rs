//! A deterministic, news-like corpus for the benchmarks: JSON Lines articles (about 3 KB
//! each, about 5% reporting a treaty action by a shipped state on a shipped instrument),
//! an instruments CSV and an official-records CSV. Shared by `examples/gen_corpus.rs` and
//! the criterion benches; it only generates text and knows nothing of the pipeline.

#![allow(dead_code)] // each includer uses its own part of the generator

use std::collections::HashMap;
use std::io::{self, Write};

use treaty_ledger::model::MONTH_NAMES as MONTHS;
use treaty_ledger::model::{Instrument, State, StateKind};
use treaty_ledger::reference::{shipped_instruments, shipped_states};

/// The seed every corpus starts from unless told otherwise.
pub const SEED: u64 = 0x7EA7_1ED6_E500_2024;

/// SplitMix64: tiny, fast and good enough to make text look varied.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (((self.next_u64() >> 32) * n as u64) >> 32) as usize
    }

    /// A number in `lo..=hi`.
    pub fn between(&mut self, lo: u32, hi: u32) -> u32 {
        lo + self.below((hi - lo + 1) as usize) as u32
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// A calendar date, without a dependency: year, month (1-12), day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Date {
    pub year: u32,
    pub month: u32,
    pub day: u32,
}

fn days_in(year: u32, month: u32) -> u32 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl Date {
    /// A real calendar date in `from..=to` (years).
    pub fn random(rng: &mut Rng, from: u32, to: u32) -> Date {
        let year = rng.between(from, to);
        let month = rng.between(1, 12);
        let day = rng.between(1, days_in(year, month));
        Date { year, month, day }
    }

    /// "30 October 2023".
    pub fn long(self) -> String {
        format!(
            "{} {} {}",
            self.day,
            MONTHS[self.month as usize - 1],
            self.year
        )
    }

    /// "2023-10-30".
    pub fn iso(self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }

    /// The same date `months` earlier, on a day the month has.
    pub fn months_before(self, months: u32) -> Date {
        let total = self.year * 12 + (self.month - 1) - months;
        let (year, month) = (total / 12, total % 12 + 1);
        Date {
            year,
            month,
            day: self.day.min(days_in(year, month)),
        }
    }
}

/// The names the corpus writes: shipped sovereign states and the names of shipped
/// instruments that news would use (short titles, aliases, titles of a readable length),
/// each name pointing to exactly one instrument.
#[derive(Debug, Clone)]
pub struct Names {
    /// (ISO3, name)
    pub states: Vec<(String, String)>,
    /// (id, name as written in news)
    pub instruments: Vec<(String, String)>,
    /// Every shipped instrument id (records may name any of them).
    pub instrument_ids: Vec<String>,
}

impl Names {
    /// The names from the shipped reference data.
    pub fn shipped() -> Names {
        let states = shipped_states().expect("shipped states parse");
        let instruments = shipped_instruments().expect("shipped instruments parse");
        Names::from_reference(&states, &instruments)
    }

    pub fn from_reference(states: &[State], instruments: &[Instrument]) -> Names {
        let states: Vec<(String, String)> = states
            .iter()
            .filter(|s| s.kind == StateKind::Sovereign)
            .map(|s| (s.iso3.clone(), s.name.clone()))
            .collect();
        let mut owners: HashMap<&str, usize> = HashMap::new();
        for i in instruments {
            for n in i.names().collect::<std::collections::BTreeSet<_>>() {
                *owners.entry(n).or_default() += 1;
            }
        }
        let readable = |n: &str| {
            n.len() <= 100
                && n.contains(' ')
                && !n.contains(" signed ")
                && !n.contains(',')
                && !n.contains('"')
                && owners.get(n) == Some(&1)
        };
        let mut names = Vec::new();
        for i in instruments {
            // The name a newspaper uses: a short title or alias, else the title.
            let name = i
                .short_title
                .iter()
                .chain(i.aliases.iter())
                .chain(std::iter::once(&i.title))
                .find(|n| readable(n));
            if let Some(name) = name {
                names.push((i.id.clone(), name.clone()));
            }
        }
        Names {
            states,
            instruments: names,
            instrument_ids: instruments.iter().map(|i| i.id.clone()).collect(),
        }
    }
}

/// Which act a treaty-action sentence reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Act {
    Signature,
    Ratification,
    Accession,
}

impl Act {
    pub const ALL: [Act; 3] = [Act::Signature, Act::Ratification, Act::Accession];

    pub fn as_str(self) -> &'static str {
        match self {
            Act::Signature => "signature",
            Act::Ratification => "ratification",
            Act::Accession => "accession",
        }
    }
}

/// "Azerbaijan signed the Council of Europe Convention against Trafficking in Human
/// Organs on 30 October 2023." and its kin: one sentence, one claim.
pub fn action_sentence(rng: &mut Rng, act: Act, state: &str, treaty: &str, date: Date) -> String {
    let d = date.long();
    match (act, rng.below(3)) {
        (Act::Signature, 0) => format!("{state} signed the {treaty} on {d}."),
        (Act::Signature, 1) => format!("On {d}, {state} signed the {treaty}."),
        (Act::Signature, _) => {
            format!("The foreign minister of {state} signed the {treaty} on {d} at a ceremony.")
        }
        (Act::Ratification, 0) => {
            format!("The parliament of {state} ratified the {treaty} on {d}.")
        }
        (Act::Ratification, 1) => format!("{state} ratified the {treaty} on {d}."),
        (Act::Ratification, _) => {
            format!("{state} deposited its instrument of ratification of the {treaty} on {d}.")
        }
        (Act::Accession, 0) => {
            format!("{state} deposited its instrument of accession to the {treaty} on {d}.")
        }
        (Act::Accession, 1) => format!("{state} acceded to the {treaty} on {d}."),
        (Act::Accession, _) => format!("On {d}, {state} acceded to the {treaty}."),
    }
}

const CITIES: &[&str] = &[
    "Geneva",
    "Brussels",
    "Vienna",
    "Nairobi",
    "Jakarta",
    "Lima",
    "Oslo",
    "Doha",
    "Dakar",
    "Santiago",
    "Tbilisi",
    "Hanoi",
    "Rabat",
    "Ottawa",
    "Canberra",
    "Strasbourg",
];
const PUBLISHERS: &[&str] = &[
    "Global Wire",
    "The Daily Dispatch",
    "Capital Herald",
    "World Affairs Review",
    "Regional Times",
    "Morning Ledger",
    "Harbour Post",
];
const TOPICS: &[&str] = &[
    "trade",
    "energy",
    "migration",
    "security",
    "climate finance",
    "fisheries",
    "transport",
    "public health",
    "digital services",
    "agriculture",
    "water management",
    "tourism",
];
const SECTORS: &[&str] = &[
    "machinery",
    "textiles",
    "grain",
    "copper",
    "natural gas",
    "software",
    "fertiliser",
    "steel",
    "coffee",
    "pharmaceuticals",
];
const OFFICIALS: &[&str] = &[
    "foreign minister",
    "finance minister",
    "trade commissioner",
    "prime minister",
    "deputy foreign minister",
    "ambassador",
];

/// Writes a filler sentence: diplomacy and economy, with states, background mentions of
/// treaties and dates, and no act of signing, ratifying or acceding.
fn filler_sentence(rng: &mut Rng, names: &Names, published: Date, out: &mut String) {
    use std::fmt::Write as _;
    let s = |rng: &mut Rng| names.states[rng.below(names.states.len())].1.as_str();
    let t = |rng: &mut Rng| {
        names.instruments[rng.below(names.instruments.len())]
            .1
            .as_str()
    };
    let pct = |rng: &mut Rng| format!("{}.{}", rng.between(0, 9), rng.between(0, 9));
    let num = |rng: &mut Rng| rng.between(2, 950);
    // A day in the six months before publication.
    let date = |rng: &mut Rng| {
        let back = rng.between(0, 6);
        let month = published.months_before(back);
        let last = if back == 0 {
            published.day
        } else {
            days_in(month.year, month.month)
        };
        Date {
            day: rng.between(1, last),
            ..month
        }
        .long()
    };
    let year = published.year;
    let _ = match rng.below(20) {
        0 => write!(
            out,
            "{} and {} agreed on {} to expand cooperation on {} and {}.",
            s(rng),
            s(rng),
            date(rng),
            rng.pick(TOPICS),
            rng.pick(TOPICS)
        ),
        1 => write!(
            out,
            "The {} of {} met a counterpart from {} in {} on {}.",
            rng.pick(OFFICIALS),
            s(rng),
            s(rng),
            rng.pick(CITIES),
            date(rng)
        ),
        2 => write!(
            out,
            "Officials in {} said inflation eased to {}% in {}, the lowest level in {} years.",
            s(rng),
            pct(rng),
            MONTHS[rng.below(12)],
            rng.between(2, 30)
        ),
        3 => write!(
            out,
            "Trade between {} and {} reached {} million dollars last year, according to customs data.",
            s(rng),
            s(rng),
            num(rng)
        ),
        4 => write!(
            out,
            "Diplomats said the talks on {} would continue next month in {}.",
            rng.pick(TOPICS),
            rng.pick(CITIES)
        ),
        5 => write!(
            out,
            "Analysts noted that the {} has shaped regional policy for years.",
            t(rng)
        ),
        6 => write!(
            out,
            "Critics argue that the {} lacks effective enforcement mechanisms.",
            t(rng)
        ),
        7 => write!(
            out,
            "The central bank of {} held its main interest rate at {}% on {}.",
            s(rng),
            pct(rng),
            date(rng)
        ),
        8 => write!(
            out,
            "Delegations from {}, {} and {} attended the summit on {}.",
            s(rng),
            s(rng),
            s(rng),
            rng.pick(TOPICS)
        ),
        9 => write!(
            out,
            "Environmental groups urged {} to meet its commitments under the {}.",
            s(rng),
            t(rng)
        ),
        10 => write!(
            out,
            "The government of {} announced a {} plan worth {} million euros.",
            s(rng),
            rng.pick(TOPICS),
            num(rng)
        ),
        11 => write!(
            out,
            "Exports of {} from {} grew by {}% in the first quarter.",
            rng.pick(SECTORS),
            s(rng),
            pct(rng)
        ),
        12 => out.write_str(
            "A spokesperson for the ministry declined to comment on the negotiations, citing their confidential nature.",
        ),
        13 => write!(
            out,
            "The meeting, held on {}, focused on {}, {} and {}.",
            date(rng),
            rng.pick(TOPICS),
            rng.pick(TOPICS),
            rng.pick(TOPICS)
        ),
        14 => write!(
            out,
            "Opposition lawmakers in {} criticised the draft budget on {}, saying it neglected {}.",
            s(rng),
            date(rng),
            rng.pick(TOPICS)
        ),
        15 => write!(
            out,
            "Shares in the largest lender of {} rose {}% after the announcement.",
            s(rng),
            pct(rng)
        ),
        16 => write!(
            out,
            "Negotiators have discussed how to apply the {} at several rounds of talks since {}.",
            t(rng),
            year - rng.between(1, 8)
        ),
        17 => write!(
            out,
            "Experts from {} presented a study on {} to a committee in {}.",
            s(rng),
            rng.pick(TOPICS),
            rng.pick(CITIES)
        ),
        18 => write!(
            out,
            "Prices of {} in {} fell {}% over the year to {}, the statistics office said.",
            rng.pick(SECTORS),
            s(rng),
            pct(rng),
            MONTHS[rng.below(12)]
        ),
        _ => write!(
            out,
            "Observers expect {} and {} to resume consultations on {} before the end of {}.",
            s(rng),
            s(rng),
            rng.pick(TOPICS),
            year
        ),
    };
}

/// One generated article with the claim it carries, if any.
#[derive(Debug, Clone)]
pub struct Article {
    pub url: String,
    pub title: String,
    pub published: String,
    pub publisher: String,
    pub text: String,
    /// (ISO3, instrument id, action, date) of the treaty action it reports.
    pub action: Option<(String, String, Act, String)>,
}

/// Writes articles one after another from one seed: the same seed, the same corpus.
#[derive(Debug, Clone)]
pub struct ArticleGenerator<'a> {
    names: &'a Names,
    rng: Rng,
    count: u64,
    /// Share of articles that report a treaty action.
    pub action_share: f64,
    /// Length of the text, in bytes, each article aims at.
    pub target_len: usize,
}

impl<'a> ArticleGenerator<'a> {
    pub fn new(names: &'a Names, seed: u64) -> Self {
        ArticleGenerator {
            names,
            rng: Rng::new(seed),
            count: 0,
            action_share: 0.05,
            target_len: 3000,
        }
    }

    pub fn article(&mut self) -> Article {
        self.count += 1;
        let rng = &mut self.rng;
        let names = self.names;
        let published = Date::random(rng, 2015, 2024);
        let (iso3, state) = rng.pick(&names.states).clone();
        let (instrument_id, treaty) = rng.pick(&names.instruments).clone();
        let action = rng.chance(self.action_share).then(|| {
            let act = *rng.pick(&Act::ALL);
            let date = published.months_before(rng.between(0, 3));
            (act, date)
        });
        let target = self.target_len * 4 / 5 + rng.below(self.target_len * 2 / 5 + 1);
        let mut text = String::with_capacity(target + 400);
        // The action sentence sits in the first half, where news puts the lead.
        let lead_at = rng.between(0, 4) as usize;
        let mut sentences = 0usize;
        let mut in_paragraph = 0;
        let mut paragraph_len = rng.between(2, 5);
        let mut placed = action.is_none();
        while text.len() < target || !placed {
            if sentences > 0 {
                if in_paragraph == paragraph_len {
                    text.push_str("\n\n");
                    in_paragraph = 0;
                    paragraph_len = rng.between(2, 5);
                } else {
                    text.push(' ');
                }
            }
            match action {
                Some((act, date)) if !placed && sentences == lead_at => {
                    text.push_str(&action_sentence(rng, act, &state, &treaty, date));
                    placed = true;
                }
                _ => filler_sentence(rng, names, published, &mut text),
            }
            sentences += 1;
            in_paragraph += 1;
        }
        let title = match action {
            Some((act, _)) => format!("{state} moves on {treaty} ({})", act.as_str()),
            None => format!(
                "{state} and partners weigh {} ({})",
                rng.pick(TOPICS),
                self.count
            ),
        };
        Article {
            url: format!(
                "https://news.example.org/{}/{:02}/{:02}/article-{:07}",
                published.year, published.month, published.day, self.count
            ),
            title,
            published: published.iso(),
            publisher: rng.pick(PUBLISHERS).to_string(),
            text,
            action: action.map(|(act, date)| (iso3, instrument_id, act, date.iso())),
        }
    }

    /// An article made of `claims` treaty-action sentences on distinct (state, instrument,
    /// action, date), for building a ledger of many events through `ingest`.
    pub fn dense_article(&mut self, claims: usize) -> Article {
        self.count += 1;
        let rng = &mut self.rng;
        let names = self.names;
        let published = Date::random(rng, 2024, 2024);
        let mut text = String::with_capacity(claims * 110);
        for n in 0..claims {
            if n > 0 {
                text.push_str(if n.is_multiple_of(4) { "\n\n" } else { " " });
            }
            let (_, state) = rng.pick(&names.states);
            let (_, treaty) = rng.pick(&names.instruments);
            let act = *rng.pick(&Act::ALL);
            let date = Date::random(rng, 1950, 2023);
            text.push_str(&action_sentence(rng, act, state, treaty, date));
        }
        Article {
            url: format!("https://digest.example.org/weekly/{:07}", self.count),
            title: format!("Treaty digest no. {}", self.count),
            published: published.iso(),
            publisher: "Treaty Digest".to_string(),
            text,
            action: None,
        }
    }
}

/// One article as a JSON line (`url,title,published,publisher,text`).
pub fn write_jsonl(out: &mut impl Write, a: &Article) -> io::Result<()> {
    #[derive(serde::Serialize)]
    struct Line<'a> {
        url: &'a str,
        title: &'a str,
        published: &'a str,
        publisher: &'a str,
        text: &'a str,
    }
    serde_json::to_writer(
        &mut *out,
        &Line {
            url: &a.url,
            title: &a.title,
            published: &a.published,
            publisher: &a.publisher,
            text: &a.text,
        },
    )?;
    out.write_all(b"\n")
}

/// `n` articles as JSON Lines in memory, and how many report a treaty action.
pub fn jsonl(names: &Names, seed: u64, n: usize) -> (Vec<u8>, usize) {
    let mut generator = ArticleGenerator::new(names, seed);
    let mut out = Vec::with_capacity(n * 3200);
    let mut actions = 0;
    for _ in 0..n {
        let a = generator.article();
        actions += usize::from(a.action.is_some());
        write_jsonl(&mut out, &a).expect("writing to memory");
    }
    (out, actions)
}

const TOPIC_TITLES: &[&str] = &[
    "the Conservation of Migratory Species",
    "Cooperation in Civil Aviation",
    "the Prevention of Marine Pollution",
    "Mutual Legal Assistance",
    "the Protection of Cultural Property",
    "Cross-border Water Management",
    "the Recognition of Diplomas",
    "Road Traffic Safety",
    "the Exchange of Tax Information",
    "Scientific and Technical Cooperation",
];
const DEPOSITARIES: &[&str] = &[
    "Secretary-General of the United Nations",
    "Secretary General of the Council of Europe",
    "Government of Switzerland",
    "Director-General of UNESCO",
    "Secretary-General of the Organization of American States",
];

/// The instruments CSV (`id,title,short_title,aliases,depositary,adopted,opened,in_force,url`)
/// with ids `BENCH-000001`...
pub fn write_instruments_csv(out: impl Write, rng: &mut Rng, n: usize) -> csv::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record([
        "id",
        "title",
        "short_title",
        "aliases",
        "depositary",
        "adopted",
        "opened",
        "in_force",
        "url",
    ])?;
    for i in 1..=n {
        let id = format!("BENCH-{i:06}");
        let topic = rng.pick(TOPIC_TITLES);
        let kind = *rng.pick(&["Convention", "Agreement", "Protocol", "Treaty"]);
        let title = format!("{kind} on {topic} (bench instrument {i})");
        let short_title = if rng.chance(0.4) {
            format!("Bench {kind} {i}")
        } else {
            String::new()
        };
        let aliases = match rng.below(3) {
            0 => String::new(),
            1 => format!("Bench Accord {i}"),
            _ => format!("Bench Accord {i}|BA {i}"),
        };
        let adopted = Date::random(rng, 1950, 2023);
        let opened = if rng.chance(0.7) {
            adopted.iso()
        } else {
            String::new()
        };
        let in_force = if rng.chance(0.6) {
            Date::random(rng, adopted.year + 1, adopted.year + 5).iso()
        } else {
            String::new()
        };
        w.write_record([
            id.as_str(),
            &title,
            &short_title,
            &aliases,
            *rng.pick(DEPOSITARIES),
            &adopted.iso(),
            &opened,
            &in_force,
            &format!("https://treaties.example.org/{id}"),
        ])?;
    }
    w.flush()?;
    Ok(())
}

/// The records CSV in the generic layout
/// (`state,instrument,action,date,source_url,source_title,as_of`): shipped ISO3 codes and
/// instrument ids, ISO dates, distinct (state, instrument, action, date).
pub fn write_records_csv(
    out: impl Write,
    rng: &mut Rng,
    names: &Names,
    n: usize,
) -> csv::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record([
        "state",
        "instrument",
        "action",
        "date",
        "source_url",
        "source_title",
        "as_of",
    ])?;
    let mut seen = std::collections::HashSet::with_capacity(n);
    let mut written = 0;
    while written < n {
        let state = rng.below(names.states.len());
        let instrument = rng.below(names.instrument_ids.len());
        let act = rng.below(Act::ALL.len());
        let date = Date::random(rng, 1950, 2024);
        if !seen.insert((state, instrument, act, date)) {
            continue;
        }
        let id = &names.instrument_ids[instrument];
        w.write_record([
            names.states[state].0.as_str(),
            id,
            Act::ALL[act].as_str(),
            &date.iso(),
            &format!("https://treaties.example.org/status/{id}"),
            &format!("Status of {id}"),
            "2025-01-01",
        ])?;
        written += 1;
    }
    w.flush()?;
    Ok(())
}
