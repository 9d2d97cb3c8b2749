//! Extraction over small hand-built documents and a small hand-built gazetteer.

use chrono::NaiveDate;

use super::*;
use crate::gazetteer::NameKind;

fn gazetteer() -> Gazetteer {
    Gazetteer::new(
        [
            ("AZE", "Azerbaijan", NameKind::Name),
            ("AZE", "Azerbaijani", NameKind::Demonym),
            ("ARM", "Armenia", NameKind::Name),
            ("CHL", "Chile", NameKind::Name),
            ("CHL", "Chilean", NameKind::Demonym),
            ("PER", "Peru", NameKind::Name),
            ("ALB", "Albania", NameKind::Name),
            ("AUT", "Austria", NameKind::Name),
            ("BEL", "Belgium", NameKind::Name),
            ("TUR", "Türkiye", NameKind::Name),
            ("TUR", "Turkey", NameKind::Alias),
            ("USA", "United States", NameKind::Name),
            ("USA", "US", NameKind::Alias),
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
            ("CETS-210", "Istanbul Convention", NameKind::ShortTitle),
            ("UNTC-XXVII-18", "Escazú Agreement", NameKind::ShortTitle),
            ("UNTC-XXVII-7-d", "Paris Agreement", NameKind::Alias),
            ("UNTC-XXI-10", "High Seas Treaty", NameKind::Alias),
            (
                "CETS-5",
                "European Convention on Human Rights",
                NameKind::Alias,
            ),
        ],
    )
}

fn doc(published: &str, text: &str) -> Document {
    Document {
        origin: "test".into(),
        format: "text".into(),
        text: text.into(),
        published: NaiveDate::parse_from_str(published, "%Y-%m-%d").ok(),
        ..Document::default()
    }
}

/// The texts of the dev fixtures, the shipped samples and the seed articles.
pub(super) fn fixture_texts() -> Vec<String> {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/");
    let mut texts = Vec::new();
    for dir in ["tests/fixtures/dev", "data/samples", "../shared/seeds"] {
        let Ok(entries) = std::fs::read_dir(format!("{root}{dir}")) else {
            continue;
        };
        texts.extend(
            entries
                .flatten()
                .filter_map(|e| std::fs::read_to_string(e.path()).ok()),
        );
    }
    texts
}

/// Claims as "STATE INSTRUMENT action stage date".
fn run(published: &str, text: &str) -> Vec<String> {
    let d = doc(published, text);
    let x = extract(&d, &gazetteer());
    for c in &x.claims {
        assert_eq!(&d.text[c.span.start..c.span.end], c.quote);
        for h in &c.highlights {
            assert!(c.span.contains(h), "highlight {h:?} outside {:?}", c.span);
        }
        assert!((0.0..=1.0).contains(&c.confidence));
        assert_eq!(c.extractor, EXTRACTOR);
    }
    x.claims
        .iter()
        .map(|c| {
            format!(
                "{} {} {} {} {}",
                c.state, c.instrument, c.action, c.stage, c.date
            )
        })
        .collect()
}

#[test]
fn the_party_is_the_state_of_the_previous_sentence() {
    let text = "Head of the State Security Service of Azerbaijan Colonel General Ali Nagiyev and the organisation's Secretary General met in Strasbourg on October 30. The party signed the Council of Europe Convention against Trafficking in Human Organs.";
    assert_eq!(
        run("2023-10-31", text),
        ["AZE CETS-216 signature international 2023-10-30"]
    );
    let d = doc("2023-10-31", text);
    let x = extract(&d, &gazetteer());
    assert_eq!(x.claims[0].date_basis, DateBasis::Stated);
    assert_eq!(
        x.claims[0].quote,
        "The party signed the Council of Europe Convention against Trafficking in Human Organs."
    );
}

#[test]
fn loose_reference_back_adds_nothing() {
    let text = "Azerbaijan signed the Convention against Trafficking in Human Organs on 30 October 2023.\n\nThe Secretary-General assessed Azerbaijan's accession to this convention as a very important event.";
    assert_eq!(
        run("2023-10-31", text),
        ["AZE CETS-216 signature international 2023-10-30"]
    );
}

#[test]
fn dates_of_each_form() {
    let forms = [
        (
            "Chile ratified the Escazú Agreement on 13 April 2022.",
            "2022-04-13",
        ),
        (
            "Chile ratified the Escazú Agreement on April 13, 2022.",
            "2022-04-13",
        ),
        (
            "Chile ratified the Escazú Agreement on 13.04.2022.",
            "2022-04-13",
        ),
        (
            "Chile ratified the Escazú Agreement in April 2022.",
            "2022-04",
        ),
        ("Chile ratified the Escazú Agreement in 2022.", "2022"),
        (
            "Chile ratified the Escazú Agreement on April 13.",
            "2022-04-13",
        ),
        (
            "Chile ratified the Escazú Agreement yesterday.",
            "2022-04-14",
        ),
        (
            "Chile ratified the Escazú Agreement on Wednesday.",
            "2022-04-13",
        ),
        ("Chile has ratified the Escazú Agreement.", "2022-04-15"),
        ("Chile ratified the Escazú Agreement today.", "2022-04-15"),
    ];
    for (text, date) in forms {
        let got = run("2022-04-15", text);
        assert_eq!(got.len(), 1, "{text}: {got:?}");
        assert!(got[0].ends_with(date), "{text}: {got:?}");
    }
    // Simple past with no date anywhere: no claim.
    assert!(run("2022-04-15", "Chile ratified the Escazú Agreement.").is_empty());
    // No publication date: a partial date cannot be placed.
    let d = doc("", "Chile ratified the Escazú Agreement on April 13.");
    assert!(extract(&d, &gazetteer()).claims.is_empty());
}

#[test]
fn date_basis_follows_the_words() {
    let basis = |text: &str| {
        extract(&doc("2022-04-15", text), &gazetteer())
            .claims
            .first()
            .map(|c| c.date_basis)
    };
    assert_eq!(
        basis("Chile ratified the Escazú Agreement yesterday."),
        Some(DateBasis::Relative)
    );
    assert_eq!(
        basis("Chile has ratified the Escazú Agreement."),
        Some(DateBasis::Publication)
    );
    assert_eq!(
        basis("Chile ratified the Escazú Agreement on 13 April 2022."),
        Some(DateBasis::Stated)
    );
}

#[test]
fn news_phrasings_of_acts() {
    let p = "2023-06-10";
    assert_eq!(
        run(p, "Chile deposited its instrument of ratification of the Escazú Agreement on 5 June 2023."),
        ["CHL UNTC-XXVII-18 ratification international 2023-06-05"]
    );
    assert_eq!(
        run(
            p,
            "Peru became the 50th state to ratify the High Seas Treaty on 5 June 2023."
        ),
        ["PER UNTC-XXI-10 ratification international 2023-06-05"]
    );
    assert_eq!(
        run(
            p,
            "The Istanbul Convention was ratified by Austria and Belgium on 5 June 2023."
        ),
        [
            "AUT CETS-210 ratification international 2023-06-05",
            "BEL CETS-210 ratification international 2023-06-05"
        ]
    );
    assert_eq!(
        run(
            p,
            "Albania, Austria and Belgium signed the Istanbul Convention on 5 June 2023."
        ),
        [
            "ALB CETS-210 signature international 2023-06-05",
            "AUT CETS-210 signature international 2023-06-05",
            "BEL CETS-210 signature international 2023-06-05"
        ]
    );
    assert_eq!(
        run(p, "The countries that signed the Istanbul Convention on 5 June 2023 include Albania, Austria and Belgium."),
        [
            "ALB CETS-210 signature international 2023-06-05",
            "AUT CETS-210 signature international 2023-06-05",
            "BEL CETS-210 signature international 2023-06-05"
        ]
    );
    assert_eq!(
        run(
            p,
            "Turkey withdrew from the Istanbul Convention in March 2021."
        ),
        ["TUR CETS-210 withdrawal international 2021-03"]
    );
    assert_eq!(
        run(p, "Chile acceded to the Paris Agreement on 5 June 2023."),
        ["CHL UNTC-XXVII-7-d accession international 2023-06-05"]
    );
    assert_eq!(
        run(
            p,
            "The Escazú Agreement entered into force for Peru on 5 June 2023."
        ),
        ["PER UNTC-XXVII-18 entry_into_force international 2023-06-05"]
    );
}

#[test]
fn domestic_steps() {
    let p = "2023-06-10";
    assert_eq!(
        run(
            p,
            "The Chilean parliament ratified the Escazú Agreement on 5 June 2023."
        ),
        ["CHL UNTC-XXVII-18 ratification domestic 2023-06-05"]
    );
    assert_eq!(
        run(p, "Azerbaijani President Ilham Aliyev signed the law on ratification of the Istanbul Convention on 5 June 2023."),
        ["AZE CETS-210 ratification domestic 2023-06-05"]
    );
    // A bill approved by the cabinet is not yet a law.
    assert!(run(p, "The Chilean government approved the bill on ratification of the Escazú Agreement on 5 June 2023.").is_empty());
}

#[test]
fn intentions_calls_and_negations_are_not_acts() {
    let p = "2023-06-10";
    for text in [
        "Chile will sign the Escazú Agreement on 5 June 2023.",
        "Chile intends to accede to the Escazú Agreement.",
        "Chile plans to ratify the Escazú Agreement in 2024.",
        "Chile is expected to sign the Escazú Agreement on Monday.",
        "Chile is preparing to ratify the Escazú Agreement.",
        "The EU urged Chile to ratify the Escazú Agreement on 5 June 2023.",
        "The EU called on Chile to ratify the Escazú Agreement.",
        "Chile hopes to join the Escazú Agreement soon.",
        "Chile has not signed the Escazú Agreement.",
        "Chile has not yet ratified the Escazú Agreement, officials said on 5 June 2023.",
        "Chile never ratified the Escazú Agreement.",
        "Chile rejected the Escazú Agreement on 5 June 2023.",
        "Chile declined to sign the Escazú Agreement on 5 June 2023.",
        "Has Chile signed the Escazú Agreement?",
        "If Chile ratifies the Escazú Agreement, it will be the 15th party.",
        "Chile would have signed the Escazú Agreement on 5 June 2023.",
    ] {
        assert!(run(p, text).is_empty(), "{text}: {:?}", run(p, text));
    }
}

#[test]
fn treaty_history_is_not_a_state_act() {
    let p = "2023-06-10";
    for text in [
        "The convention was signed on 25 March 2015 in Santiago de Compostela.",
        "The Convention against Trafficking in Human Organs was opened for signature on 25 March 2015.",
        "The Convention against Trafficking in Human Organs entered into force in 2018.",
        "Chile took part in the negotiations of the Escazú Agreement in 2018.",
    ] {
        assert!(run(p, text).is_empty(), "{text}: {:?}", run(p, text));
    }
}

#[test]
fn joining_an_organisation_or_unnamed_conventions_is_no_act() {
    let text = "Bayramov noted that since Azerbaijan joined the Council of Europe it has closely cooperated with the Organization, joined a number of relevant conventions, as well as implemented various joint programs.";
    assert!(run("2023-12-08", text).is_empty());
}

#[test]
fn this_convention_is_the_last_instrument_named() {
    let text =
        "The Escazú Agreement protects activists. Chile signed this agreement on 5 June 2023.";
    assert_eq!(
        run("2023-06-10", text),
        ["CHL UNTC-XXVII-18 signature international 2023-06-05"]
    );
}

#[test]
fn two_acts_in_one_sentence_keep_their_dates() {
    let text =
        "Chile signed the Escazú Agreement on 27 September 2018 and ratified it on 13 June 2022.";
    assert_eq!(
        run("2023-06-10", text),
        [
            "CHL UNTC-XXVII-18 signature international 2018-09-27",
            "CHL UNTC-XXVII-18 ratification international 2022-06-13"
        ]
    );
}

#[test]
fn unresolved_titles_are_kept() {
    let d = doc(
        "2023-06-10",
        "Chile ratified the Convention on the Conservation of Migratory Species of Wild Animals on 5 June 2023.",
    );
    let x = extract(&d, &gazetteer());
    assert!(x.claims.is_empty());
    assert_eq!(x.unresolved.len(), 1);
    assert_eq!(
        x.unresolved[0].text,
        "Convention on the Conservation of Migratory Species of Wild Animals"
    );
    assert_eq!(
        &d.text[x.unresolved[0].span.start..x.unresolved[0].span.end],
        x.unresolved[0].text
    );
}

#[test]
fn is_deterministic_and_never_panics_on_odd_text() {
    let g = gazetteer();
    for text in [
        "",
        " date 2023-10-31",
        "Chile signed.",
        "signed by",
        "Chile signed it.",
        "It was ratified by",
        "Chile's ratification of",
        "é signed Escazú Agreement ü by Chile’s 🇨🇱",
        "The countries that signed include",
        "entered into force for",
    ] {
        let d = doc("2023-06-10", text);
        assert_eq!(extract(&d, &g), extract(&d, &g));
    }
}

#[test]
fn signing_ceremony_acts_take_the_date_of_the_news() {
    let text = "VILNIUS, Sept 5 - The treaty was opened for signature on Thursday.\n\nAlbania, Austria and Belgium signed the Istanbul Convention at a ceremony. Peru also signed.\n\nChile signed the Escazú Agreement more than two decades ago.";
    assert_eq!(
        run("2024-09-05", text),
        [
            "ALB CETS-210 signature international 2024-09-05",
            "AUT CETS-210 signature international 2024-09-05",
            "BEL CETS-210 signature international 2024-09-05",
            "PER CETS-210 signature international 2024-09-05"
        ]
    );
}

#[test]
fn background_present_perfect_far_from_the_lead_is_undated() {
    let text = "Chile deposited its instrument of ratification of the Escazú Agreement on 5 June 2023.\n\nIt was a long process.\n\nPeru and Albania have signed the Escazú Agreement but have yet to ratify it.";
    assert_eq!(
        run("2023-06-10", text),
        ["CHL UNTC-XXVII-18 ratification international 2023-06-05"]
    );
}

#[test]
fn a_precise_date_replaces_the_publication_date_of_the_same_act() {
    let text = "Chile has ratified the Escazú Agreement. The instrument of ratification was deposited yesterday in New York.";
    assert_eq!(
        run("2023-06-10", text),
        ["CHL UNTC-XXVII-18 ratification international 2023-06-09"]
    );
}

#[test]
fn domestic_steps_take_the_act_of_the_document() {
    let text = "Chile deposited its instrument of acceptance of the Escazú Agreement on 5 June 2023. The National Congress had approved the text of the agreement in May.";
    assert_eq!(
        run("2023-06-10", text),
        [
            "CHL UNTC-XXVII-18 acceptance international 2023-06-05",
            "CHL UNTC-XXVII-18 acceptance domestic 2023-05"
        ]
    );
}

#[test]
fn a_definitive_signature_replaces_the_signature() {
    let text = "Chile yesterday signed the Escazú Agreement. The ambassador of Chile signed the agreement without reservation as to ratification.";
    assert_eq!(
        run("2023-06-10", text),
        ["CHL UNTC-XXVII-18 definitive_signature international 2023-06-09"]
    );
}

#[test]
fn a_treaty_named_in_the_next_sentence() {
    let text = "Türkiye withdrew on Saturday from an international treaty protecting women, according to a presidential decree. The decree concerns the Istanbul Convention.";
    assert_eq!(
        run("2021-03-20", text),
        ["TUR CETS-210 withdrawal domestic 2021-03-20"]
    );
}

#[test]
fn more_deposits_in_a_deposit_sentence() {
    let text = "Austria deposited its instrument of ratification of the Istanbul Convention today, together with the instruments of ratification of Belgium and Albania.";
    assert_eq!(
        run("2023-06-10", text),
        [
            "ALB CETS-210 ratification international 2023-06-10",
            "AUT CETS-210 ratification international 2023-06-10",
            "BEL CETS-210 ratification international 2023-06-10"
        ]
    );
}

#[test]
fn a_dateline_is_not_the_day_of_the_act() {
    let text = "HANOI, June 24 (Xinhua) - Chile has ratified the Escazú Agreement, local media reported Saturday.\n\nThe country ratified the agreement on Friday by depositing its instrument.";
    assert_eq!(
        run("2023-06-24", text),
        ["CHL UNTC-XXVII-18 ratification international 2023-06-23"]
    );
}

mod arbitrary_text {
    use super::*;
    use proptest::prelude::*;

    const WORDS: &[&str] = &[
        "Chile",
        "Chilean",
        "Peru",
        "signed",
        "ratified",
        "the",
        "Escazú Agreement",
        "it",
        "the party",
        "has",
        "not",
        "on",
        "5 June 2023",
        "yesterday",
        "Tuesday",
        "by",
        "was",
        "deposited",
        "its instrument of ratification",
        "of",
        ",",
        ".",
        "\n\n",
        "parliament",
        "approved",
        "law",
        "among",
        "were",
        "countries that",
        "include",
        "without reservation as to ratification",
        "'s",
        "accession to",
        "this convention",
        "(CETS No. 210)",
        "é",
        "🇨🇱",
        "\u{301}",
        "became the 5th state to ratify",
        "a treaty",
        "entered into force for",
        "Istanbul Convention",
        "withdrew from",
        "also",
        "HANOI, June 24 -",
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]
        #[test]
        fn never_panics_on_any_text(text in "\\PC{0,200}") {
            let d = doc("2023-06-10", &text);
            let x = extract(&d, &gazetteer());
            for c in &x.claims {
                prop_assert_eq!(&d.text[c.span.start..c.span.end], c.quote.as_str());
            }
        }

        #[test]
        fn never_panics_on_treaty_words(idx in proptest::collection::vec(0..WORDS.len(), 0..40)) {
            let text: String = idx.iter().map(|&i| WORDS[i]).collect::<Vec<_>>().join(" ");
            let d = doc("2023-06-10", &text);
            let x = extract(&d, &gazetteer());
            for c in &x.claims {
                prop_assert_eq!(&d.text[c.span.start..c.span.end], c.quote.as_str());
                for h in &c.highlights {
                    prop_assert!(c.span.contains(h));
                    prop_assert!(d.text.is_char_boundary(h.start) && d.text.is_char_boundary(h.end));
                }
            }
            prop_assert_eq!(x.clone(), extract(&d, &gazetteer()));
        }
    }
}

/// A document without a cue skips the analysis: what it gives must be what the whole
/// analysis gives (no claim, the same unresolved titles), on the fixtures and samples and
/// on news-like text full of names, titles, dates and words close to cues.
#[test]
fn the_shortcut_for_documents_without_a_cue_changes_nothing() {
    let g = gazetteer();
    let mut texts: Vec<String> = vec![
        "Critics argue that the Istanbul Convention lacks effective enforcement. The \
         Convention on Lunar Heritage Sites of the Moon was discussed in Geneva on 3 May. \
         Chile's department designed a counterpart programme with Peru under the Paris \
         Agreement and the Treaty of Lisbon.\n\nThe Amendment to the Montreal Protocol \
         and the Council of Europe Convention against Trafficking in Human Organs were \
         mentioned. Azerbaijani officials met Armenia's envoy yesterday."
            .into(),
    ];
    texts.extend(fixture_texts());
    // Each text whole, and its sentences without a cue on their own (the cue-less parts of
    // the fixtures are their background: titles, names, dates).
    let mut documents = Vec::new();
    for text in &texts {
        documents.push(text.clone());
        let cueless: Vec<&str> = sentences(text)
            .iter()
            .map(|s| &text[s.span.start..s.span.end])
            .filter(|s| rules::find_cues(s, 0).is_empty())
            .collect();
        documents.push(cueless.join(" "));
    }
    let mut shortcut = 0;
    for text in documents {
        let d = doc("2024-05-06", &text);
        let sentences = sentences(&d.text);
        let cues: Vec<Vec<Cue>> = sentences
            .iter()
            .map(|s| rules::find_cues(&d.text[s.span.start..s.span.end], s.span.start))
            .collect();
        let whole = analyse_document(&d, &g, &sentences, cues.clone());
        assert_eq!(extract(&d, &g), whole, "in: {text}");
        shortcut += usize::from(cues.iter().all(Vec::is_empty));
    }
    assert!(shortcut > 50, "only {shortcut} documents took the shortcut");
}
