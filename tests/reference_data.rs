//! The shipped reference data: unique ids, valid dates, and every UN participant resolving.

mod common;

use std::collections::{BTreeSet, HashSet};

use treaty_ledger::ledger::Ledger;
use treaty_ledger::model::LedgerDate;
use treaty_ledger::reference::{shipped_instruments, shipped_states};

#[test]
fn every_shipped_instrument_id_is_unique_and_every_date_parses() {
    let instruments = shipped_instruments().expect("instruments.csv reads");
    assert!(instruments.len() > 400);
    let mut ids = HashSet::new();
    for i in &instruments {
        assert!(ids.insert(i.id.clone()), "duplicate id {}", i.id);
        assert!(!i.title.is_empty(), "{} has a title", i.id);
        for date in [&i.adopted, &i.opened, &i.in_force].into_iter().flatten() {
            LedgerDate::parse_iso(date).unwrap_or_else(|_| panic!("{}: bad date {date}", i.id));
        }
    }
    for cets in [
        5, 35, 108, 126, 157, 163, 164, 185, 189, 196, 197, 198, 201, 210, 211, 216, 223, 224, 225,
    ] {
        assert!(ids.contains(&format!("CETS-{cets}")), "CETS-{cets} ships");
    }
    for untc in [
        "UNTC-IV-15",
        "UNTC-XXVII-7-d",
        "UNTC-XXVI-9",
        "UNTC-XXI-10",
        "UNTC-XXVII-18",
    ] {
        assert!(ids.contains(untc), "{untc} ships");
    }
}

#[test]
fn every_shipped_state_code_is_unique() {
    let states = shipped_states().expect("states.csv reads");
    let mut codes = HashSet::new();
    for s in &states {
        assert_eq!(s.iso3.len(), 3, "{}", s.iso3);
        assert!(codes.insert(s.iso3.clone()), "duplicate {}", s.iso3);
    }
    for code in ["AZE", "EUU", "SUN", "YUG", "CSK", "DDR", "SCG", "NAM"] {
        assert!(codes.contains(code), "{code} ships");
    }
}

fn unresolved_participants(ledger: &Ledger, file: &str) -> (usize, BTreeSet<String>) {
    let path = common::repo().join("data").join(file);
    let mut reader = csv::Reader::from_path(&path).expect("participants file");
    let column = reader
        .headers()
        .expect("header")
        .iter()
        .position(|h| h == "participant")
        .expect("participant column");
    let names: BTreeSet<String> = reader
        .records()
        .map(|r| r.expect("row")[column].to_string())
        .collect();
    let unresolved = names
        .iter()
        .filter(|n| ledger.resolve_state(n).is_err())
        .cloned()
        .collect();
    (names.len(), unresolved)
}

#[test]
fn every_participant_of_the_un_status_tables_resolves_to_a_state() {
    let ledger = Ledger::open_in_memory().expect("ledger");
    for file in [
        "untc_2026_participants.csv",
        "untc_2013_2015_participants.csv",
    ] {
        let (count, unresolved) = unresolved_participants(&ledger, file);
        assert!(count > 190, "{file}: {count} names");
        assert!(unresolved.is_empty(), "{file}: unresolved {unresolved:?}");
    }
}
