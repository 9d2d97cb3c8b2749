//! Official status records: importing status tables as `status_table` sources (and the
//! shipped UN tables into a new ledger), and fetching the records reconciliation needs.

use std::collections::{BTreeMap, HashMap};

use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;

use super::events::{write_source, SourceMeta};
use super::Ledger;
use crate::error::{Error, Problem, Result};
use crate::import::records::{status_sources, Layout, RecordFile, TableInstrument};
use crate::model::{LedgerDate, SourceKind};
use crate::reconcile::OfficialRecord;

/// The shipped UN status tables, loaded into every new ledger.
pub const SHIPPED_UNTC: &str = include_str!("../../data/untc_2026_participants.csv");
/// Their status date ("STATUS AS AT : 03-02-2026").
pub const SHIPPED_UNTC_AS_OF: &str = "2026-02-03";

/// What a records import did.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize)]
pub struct RecordImport {
    /// Acts read from the file (after skipping).
    pub records: usize,
    /// Events the ledger did not hold before.
    pub new_events: usize,
    /// Acts already in the ledger (from another table or an earlier import).
    pub already_present: usize,
    /// Status-table sources added.
    pub sources: usize,
    /// Status-table sources that were already stored (the same table imported before).
    pub sources_present: usize,
    /// Rows of unknown participants left out (`--skip-unknown`).
    pub unknown_skipped: usize,
    /// Cells left out on purpose, by reason.
    pub skipped: BTreeMap<String, usize>,
}

/// Folded state name → the states it names.
fn state_index(conn: &Connection) -> Result<HashMap<String, Vec<String>>> {
    let mut stmt = conn.prepare_cached("SELECT DISTINCT folded, iso3 FROM state_name")?;
    let mut index: HashMap<String, Vec<String>> = HashMap::new();
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    for row in rows {
        let (folded, iso3) = row?;
        index.entry(folded).or_default().push(iso3);
    }
    Ok(index)
}

fn table_instrument(conn: &Connection, id: &str) -> Result<Option<TableInstrument>> {
    Ok(conn
        .prepare_cached(
            "SELECT id, title, url FROM instrument WHERE id = ?1 COLLATE NOCASE
             ORDER BY id = ?1 DESC LIMIT 1",
        )?
        .query_row([id.trim()], |r| {
            Ok(TableInstrument {
                id: r.get(0)?,
                title: r.get(1)?,
                url: r.get(2)?,
            })
        })
        .optional()?)
}

/// "line 5" or "lines 5, 9, 12 and 40 more".
fn lines(lines: &[u64]) -> String {
    let shown: Vec<String> = lines.iter().take(5).map(u64::to_string).collect();
    let more = lines.len().saturating_sub(5);
    let tail = if more > 0 {
        format!(" and {more} more")
    } else {
        String::new()
    };
    format!(
        "line{} {}{tail}",
        if lines.len() == 1 { "" } else { "s" },
        shown.join(", ")
    )
}

/// Resolves and writes a status-table file inside an open transaction. Problems (unknown
/// participants unless `skip_unknown`, unknown instruments) are returned before anything
/// is written.
fn write_records(
    conn: &Connection,
    label: &str,
    file: &RecordFile,
    layout: Layout,
    skip_unknown: bool,
    suggest: impl Fn(&str) -> String,
) -> Result<RecordImport> {
    let states = state_index(conn)?;
    let mut instruments: HashMap<String, Option<TableInstrument>> = HashMap::new();
    let mut unknown_states: BTreeMap<&str, Vec<u64>> = BTreeMap::new();
    let mut ambiguous: BTreeMap<&str, (Vec<u64>, Vec<String>)> = BTreeMap::new();
    let mut unknown_instruments: BTreeMap<&str, Vec<u64>> = BTreeMap::new();
    let mut kept = RecordFile {
        header: file.header.clone(),
        rows: Vec::with_capacity(file.rows.len()),
        skipped: file.skipped.clone(),
        problems: Vec::new(),
        as_of: file.as_of,
    };
    let mut resolved = Vec::with_capacity(file.rows.len());
    let mut counts = RecordImport::default();
    for row in &file.rows {
        let r = &row.value;
        if !instruments.contains_key(&r.instrument) {
            let found = table_instrument(conn, &r.instrument)?;
            instruments.insert(r.instrument.clone(), found);
        }
        let instrument = instruments.get(&r.instrument).cloned().flatten();
        if instrument.is_none() {
            unknown_instruments
                .entry(r.instrument.as_str())
                .or_default()
                .push(row.line);
        }
        let state = match states.get(&super::catalogue::fold(&r.participant)) {
            Some(codes) if codes.len() == 1 => codes.first().cloned(),
            Some(codes) => {
                let entry = ambiguous
                    .entry(r.participant.as_str())
                    .or_insert_with(|| (Vec::new(), codes.clone()));
                entry.0.push(row.line);
                None
            }
            None => {
                if skip_unknown {
                    counts.unknown_skipped += 1;
                } else {
                    unknown_states
                        .entry(r.participant.as_str())
                        .or_default()
                        .push(row.line);
                }
                None
            }
        };
        if let (Some(state), Some(instrument)) = (state, instrument) {
            resolved.push((state, instrument));
            kept.rows.push(row.clone());
        }
    }
    let (participant, instrument_column) = match layout {
        Layout::Untc => ("participant", "mtdsg_no"),
        Layout::Generic => ("state", "instrument"),
    };
    let mut problems = file.problems.clone();
    for (name, at) in &unknown_states {
        problems.push(Problem::new(
            label,
            at.first().copied(),
            Some(participant),
            format!(
                "unknown state '{name}' ({}){}; add it as an alias or use --skip-unknown",
                lines(at),
                suggest(name)
            ),
        ));
    }
    for (name, (at, codes)) in &ambiguous {
        problems.push(Problem::new(
            label,
            at.first().copied(),
            Some(participant),
            format!(
                "'{name}' names more than one state: {} ({})",
                codes.join(", "),
                lines(at)
            ),
        ));
    }
    for (id, at) in &unknown_instruments {
        problems.push(Problem::new(
            label,
            at.first().copied(),
            Some(instrument_column),
            format!(
                "unknown instrument '{id}' ({}); import it first with `instruments import`",
                lines(at)
            ),
        ));
    }
    if !problems.is_empty() {
        problems.sort_by_key(|p| p.line); // stable: a line's problems keep their order
        return Err(Error::Invalid(problems));
    }
    counts.skipped = kept.skipped.clone();
    for source in status_sources(&kept, &resolved, layout) {
        let published = source.published.to_string();
        let meta = SourceMeta {
            kind: SourceKind::StatusTable,
            hash: &source.hash,
            origin: label,
            format: "csv",
            url: source.url.as_deref(),
            title: Some(&source.title),
            publisher: source.publisher.as_deref(),
            author: None,
            published: Some(published),
            text: &source.text,
        };
        let recorded = write_source(conn, &meta, &source.claims, &[])?;
        counts.records += source.claims.len();
        if recorded.new {
            counts.sources += 1;
            counts.new_events += recorded.events_created;
            counts.already_present += source.claims.len() - recorded.events_created;
        } else {
            counts.sources_present += 1;
            counts.already_present += source.claims.len();
        }
    }
    Ok(counts)
}

/// Loads the shipped UN status tables into a new ledger (inside its creating transaction).
pub(super) fn load_shipped(conn: &Connection) -> Result<()> {
    let bad = |message: String| Error::ShippedData {
        file: "data/untc_2026_participants.csv",
        message,
    };
    let as_of = LedgerDate::parse_iso(SHIPPED_UNTC_AS_OF).map_err(|e| bad(e.to_string()))?;
    let file = crate::import::records::read_records(
        SHIPPED_UNTC.as_bytes(),
        "data/untc_2026_participants.csv",
        Layout::Untc,
        Some(as_of),
    )
    .map_err(|e| bad(e.to_string()))?;
    write_records(
        conn,
        "data/untc_2026_participants.csv",
        &file,
        Layout::Untc,
        false,
        |_| String::new(),
    )
    .map_err(|e| bad(e.to_string()))?;
    Ok(())
}

impl Ledger {
    /// Imports a status-table file in one transaction: every act becomes an event cited by
    /// the table's row. Unknown participants are an error naming each with its lines (or
    /// are skipped with `skip_unknown`); unknown instruments are an error. Importing the
    /// same file again changes nothing.
    pub fn import_records(
        &mut self,
        label: &str,
        file: &RecordFile,
        layout: Layout,
        skip_unknown: bool,
    ) -> Result<RecordImport> {
        let suggestions: HashMap<String, String> = {
            // Suggestions come from the read-only resolver, before the write lock.
            let states = state_index(&self.conn)?;
            let mut out = HashMap::new();
            for row in &file.rows {
                let name = &row.value.participant;
                if out.contains_key(name) || states.contains_key(&super::catalogue::fold(name)) {
                    continue;
                }
                let hint = match self.resolve_state(name) {
                    Err(Error::UnknownState { suggestions, .. }) if !suggestions.is_empty() => {
                        format!("; did you mean: {}?", suggestions.join(", "))
                    }
                    _ => String::new(),
                };
                out.insert(name.clone(), hint);
            }
            out
        };
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let counts = write_records(&tx, label, file, layout, skip_unknown, |name| {
            suggestions.get(name).cloned().unwrap_or_default()
        })?;
        tx.commit()?;
        Ok(counts)
    }

    /// The official records of these instruments only (what reconciling a selection
    /// needs: a listing of one state does not load the records of every treaty).
    pub fn records_of(&self, instruments: &[&str]) -> Result<Vec<OfficialRecord>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT event_id, state, instrument_id, action, date, citation_id, source_id,
                    source_title, source_url, as_of, quote
             FROM record WHERE stage = 'international' AND instrument_id = ?1
             ORDER BY state, date, event_id, citation_id",
        )?;
        let mut out = Vec::new();
        let mut sorted = instruments.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        for instrument in sorted {
            out.extend(read_records(stmt.query([instrument])?)?);
        }
        Ok(out)
    }
}

/// Reads rows of the `record` view's columns as official records.
fn read_records(mut rows: rusqlite::Rows) -> Result<Vec<OfficialRecord>> {
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let action: String = r.get(3)?;
        let date: String = r.get(4)?;
        let as_of: Option<String> = r.get(9)?;
        out.push(OfficialRecord {
            event_id: r.get(0)?,
            state: r.get(1)?,
            instrument: r.get(2)?,
            action: action.parse()?,
            date: LedgerDate::parse_iso(&date)?,
            citation_id: r.get(5)?,
            source_id: r.get(6)?,
            source_title: r.get(7)?,
            source_url: r.get(8)?,
            as_of: as_of.and_then(|d| LedgerDate::parse_iso(&d).ok()),
            quote: r.get(10)?,
        });
    }
    Ok(out)
}
