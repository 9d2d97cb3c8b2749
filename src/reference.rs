//! The reference data that ships inside the binary (`data/`): states with their names and
//! codes, instruments with their titles and aliases. Parsing only; the ledger stores them.

use crate::error::{Error, Problem, Result};
use crate::import::read_instruments;
use crate::model::{Instrument, State};

pub const STATES_CSV: &str = include_str!("../data/states.csv");
pub const INSTRUMENTS_CSV: &str = include_str!("../data/instruments.csv");

fn split_list(s: &str) -> Vec<String> {
    s.split('|')
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(str::to_string)
        .collect()
}

fn non_empty(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_string())
}

/// The shipped states (`data/states.csv`).
pub fn shipped_states() -> Result<Vec<State>> {
    let bad = |message: String| Error::ShippedData {
        file: "data/states.csv",
        message,
    };
    let mut reader = csv::ReaderBuilder::new().from_reader(STATES_CSV.as_bytes());
    let mut states = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| bad(e.to_string()))?;
        let field = |n: usize| record.get(n).unwrap_or("");
        let code = |n: usize| -> Result<Option<i64>> {
            non_empty(field(n))
                .map(|v| {
                    v.parse()
                        .map_err(|_| bad(format!("line {}: bad code '{v}'", i + 2)))
                })
                .transpose()
        };
        states.push(State {
            iso3: field(0).to_string(),
            iso2: non_empty(field(1)),
            numeric: non_empty(field(2)),
            name: field(3).to_string(),
            formal_name: non_empty(field(4)),
            kind: field(5)
                .parse()
                .map_err(|e: Error| bad(format!("line {}: {e}", i + 2)))?,
            cow_code: code(6)?,
            gw_code: code(7)?,
            aliases: split_list(field(8)),
            demonyms: split_list(field(9)),
        });
    }
    Ok(states)
}

/// The shipped instruments (`data/instruments.csv`), read with the same rules as an import.
pub fn shipped_instruments() -> Result<Vec<Instrument>> {
    let rows = read_instruments(INSTRUMENTS_CSV.as_bytes(), "data/instruments.csv", false)
        .map_err(|e| Error::ShippedData {
            file: "data/instruments.csv",
            message: match e {
                Error::Invalid(problems) => problems
                    .iter()
                    .map(Problem::to_string)
                    .collect::<Vec<_>>()
                    .join("; "),
                other => other.to_string(),
            },
        })?;
    Ok(rows.into_iter().map(|row| row.value).collect())
}
