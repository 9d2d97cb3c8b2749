//! States and instruments: resolving names, listing, importing instruments.

use std::collections::BTreeMap;

use rusqlite::{params, Connection, OptionalExtension, Row, Statement, Transaction};
use serde::Serialize;

use super::{opt, BulkTransaction, Ledger};
use crate::error::{Error, Problem, Result};
use crate::gazetteer::{Gazetteer, NameKind};
use crate::model::{Instrument, State};

/// How user input is compared with names: lower case, a leading "the " and surrounding
/// space dropped.
pub(crate) fn fold(name: &str) -> String {
    let lower = name.trim().to_lowercase();
    match lower.strip_prefix("the ") {
        Some(rest) => rest.trim().to_string(),
        None => lower,
    }
}

/// What an instrument import did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ImportCounts {
    pub inserted: usize,
    pub updated: usize,
    pub unchanged: usize,
}

/// How much the ledger holds.
#[derive(Debug, Clone, Serialize)]
pub struct LedgerSummary {
    pub path: String,
    pub schema_version: i64,
    pub states: i64,
    pub state_names: i64,
    pub instruments: i64,
    pub sources: i64,
    pub events: i64,
    pub citations: i64,
}

const STATE_COLUMNS: &str = "iso3, iso2, numeric, name, formal_name, kind, cow_code, gw_code";

fn state_from_row(r: &Row) -> rusqlite::Result<State> {
    let kind: String = r.get(5)?;
    Ok(State {
        iso3: r.get(0)?,
        iso2: r.get(1)?,
        numeric: r.get(2)?,
        name: r.get(3)?,
        formal_name: r.get(4)?,
        kind: kind.parse().map_err(|e: Error| {
            rusqlite::Error::FromSqlConversionFailure(5, rusqlite::types::Type::Text, e.into())
        })?,
        cow_code: r.get(6)?,
        gw_code: r.get(7)?,
        aliases: Vec::new(),
        demonyms: Vec::new(),
    })
}

/// The columns `instrument_from_row` reads, as a literal for `concat!`: the import's
/// statements are written once, not formatted for every row.
macro_rules! instrument_columns {
    () => {
        "id, title, short_title, depositary, adopted, opened, in_force, url, aliases"
    };
}

fn instrument_from_row(r: &Row) -> rusqlite::Result<Instrument> {
    let aliases: String = r.get(8)?;
    Ok(Instrument {
        id: r.get(0)?,
        title: r.get(1)?,
        short_title: r.get(2)?,
        aliases: serde_json::from_str(&aliases).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(8, rusqlite::types::Type::Text, e.into())
        })?,
        depositary: r.get(3)?,
        adopted: r.get(4)?,
        opened: r.get(5)?,
        in_force: r.get(6)?,
        url: r.get(7)?,
    })
}

/// Writes instruments and their names; an id already there is left as it is.
pub(super) fn write_instruments<'a>(
    tx: &Transaction,
    instruments: impl Iterator<Item = &'a Instrument>,
) -> Result<()> {
    let mut writer = InstrumentWriter::new(tx)?;
    for i in instruments {
        writer.insert(i)?;
    }
    Ok(())
}

/// The insert of new instruments, prepared once and held for every row: a million-row
/// import otherwise looked the statement up in the connection's cache by its SQL text.
struct InstrumentWriter<'c> {
    instrument: Statement<'c>,
}

impl<'c> InstrumentWriter<'c> {
    fn new(conn: &'c Connection) -> Result<InstrumentWriter<'c>> {
        Ok(InstrumentWriter {
            instrument: conn.prepare(concat!(
                "INSERT INTO instrument (",
                instrument_columns!(),
                ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                 ON CONFLICT (id) DO NOTHING"
            ))?,
        })
    }

    /// Inserts an instrument with its names; false (and nothing written) when the id exists.
    fn insert(&mut self, i: &Instrument) -> Result<bool> {
        let added = self.instrument.execute(params![
            i.id,
            i.title,
            opt(&i.short_title),
            opt(&i.depositary),
            opt(&i.adopted),
            opt(&i.opened),
            opt(&i.in_force),
            opt(&i.url),
            alias_list(i)?
        ])?;
        Ok(added == 1)
    }
}

/// Replaces an existing instrument's fields and aliases.
fn update_instrument(conn: &Connection, i: &Instrument) -> Result<()> {
    conn.prepare_cached(
        "UPDATE instrument SET title = ?2, short_title = ?3, depositary = ?4, adopted = ?5,
                opened = ?6, in_force = ?7, url = ?8, aliases = ?9 WHERE id = ?1",
    )?
    .execute(params![
        i.id,
        i.title,
        opt(&i.short_title),
        opt(&i.depositary),
        opt(&i.adopted),
        opt(&i.opened),
        opt(&i.in_force),
        opt(&i.url),
        alias_list(i)?
    ])?;
    Ok(())
}

/// The aliases of an instrument as its row keeps them: each once, in byte order, without
/// those that repeat its title or short title (which are its row's own; see
/// `instrument_names` in schema.sql).
fn stored_aliases(i: &Instrument) -> Vec<&str> {
    let short_title = opt(&i.short_title);
    let mut aliases: Vec<&str> = i
        .aliases
        .iter()
        .map(String::as_str)
        .filter(|&a| a != i.title && Some(a) != short_title)
        .collect();
    aliases.sort_unstable();
    aliases.dedup();
    aliases
}

/// [`stored_aliases`] as the JSON array the `aliases` column holds.
fn alias_list(i: &Instrument) -> Result<String> {
    aliases_json(&i.id, &stored_aliases(i))
}

/// Aliases (already as [`stored_aliases`] keeps them) as the `aliases` column holds them:
/// a JSON array of texts.
pub(super) fn aliases_json<T: Serialize>(id: &str, aliases: &[T]) -> Result<String> {
    serde_json::to_string(aliases)
        .map_err(|e| Error::Usage(format!("instrument '{id}': aliases: {e}")))
}

/// An instrument by id: the exact id, a look-up in the key, or else the id in another case,
/// which reads every row (the key's order is by bytes).
pub(super) fn instrument_by_id(conn: &Connection, id: &str) -> Result<Option<Instrument>> {
    Ok(conn
        .prepare_cached(concat!(
            "SELECT ",
            instrument_columns!(),
            " FROM instrument WHERE id = ?1 UNION ALL SELECT ",
            instrument_columns!(),
            " FROM instrument WHERE id = ?1 COLLATE NOCASE AND id <> ?1 LIMIT 1"
        ))?
        .query_row([id.trim()], instrument_from_row)
        .optional()?)
}

/// An instrument import under way: one transaction, rows written as they are read. It
/// commits only if neither the reading nor the writing found a problem.
pub struct InstrumentImport<'a> {
    // Before `tx`: its statements are finalised before the transaction ends.
    writer: InstrumentWriter<'a>,
    pub(super) tx: BulkTransaction<'a>,
    file: String,
    upsert: bool,
    counts: ImportCounts,
    problems: Vec<Problem>,
}

impl InstrumentImport<'_> {
    /// Writes one valid row. An id already in the ledger is a problem unless `upsert`.
    pub fn add(&mut self, line: u64, new: &Instrument) -> Result<()> {
        if self.writer.insert(new)? {
            self.counts.inserted += 1;
            return Ok(());
        }
        if !self.upsert {
            self.problems.push(Problem::new(
                self.file.as_str(),
                Some(line),
                Some("id"),
                format!(
                    "instrument '{}' is already in the ledger (--upsert updates it)",
                    new.id
                ),
            ));
            return Ok(());
        }
        let old = self
            .tx
            .prepare_cached(concat!(
                "SELECT ",
                instrument_columns!(),
                " FROM instrument WHERE id = ?1"
            ))?
            .query_row([&new.id], instrument_from_row)?;
        if same_instrument(&old, new) {
            self.counts.unchanged += 1;
        } else {
            update_instrument(&self.tx, new)?;
            self.counts.updated += 1;
        }
        Ok(())
    }

    /// Commits when `read` (the reading of the file) and every row went well; otherwise
    /// rolls back and reports every problem, by line.
    pub fn finish(mut self, read: Result<()>) -> Result<ImportCounts> {
        match read {
            Ok(()) => {}
            Err(Error::Invalid(mut problems)) => self.problems.append(&mut problems),
            Err(other) => return Err(other),
        }
        if !self.problems.is_empty() {
            self.problems.sort_by_key(|p| p.line);
            return Err(Error::Invalid(self.problems));
        }
        self.tx.commit()?;
        Ok(self.counts)
    }
}

/// The closest states to an unknown name: names it begins, or few edits away.
pub(super) fn suggest_states(conn: &Connection, folded: &str) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT n.folded, s.name, s.iso3 FROM state_name n JOIN state s ON s.iso3 = n.iso3",
    )?;
    let mut best: BTreeMap<String, (usize, String)> = BTreeMap::new();
    let limit = (folded.chars().count() / 3).max(2);
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
        ))
    })?;
    for row in rows {
        let (name, display, iso3) = row?;
        let d = if folded.len() >= 3 && name.starts_with(folded) {
            1
        } else {
            distance(folded, &name)
        };
        if d <= limit {
            let entry = best
                .entry(iso3.clone())
                .or_insert((usize::MAX, String::new()));
            if d < entry.0 {
                *entry = (d, format!("{display} ({iso3})"));
            }
        }
    }
    let mut ranked: Vec<(usize, String)> = best.into_values().collect();
    ranked.sort();
    Ok(ranked.into_iter().take(5).map(|(_, s)| s).collect())
}

/// Levenshtein distance over chars, for suggestions.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

impl Ledger {
    /// The state a code, name, alias or demonym names, in any case.
    pub fn resolve_state(&self, query: &str) -> Result<State> {
        let folded = fold(query);
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT DISTINCT {} FROM state s JOIN state_name n ON n.iso3 = s.iso3
             WHERE n.folded = ?1 ORDER BY s.iso3",
            STATE_COLUMNS
                .split(", ")
                .map(|c| format!("s.{c}"))
                .collect::<Vec<_>>()
                .join(", ")
        ))?;
        let found = stmt
            .query_map([&folded], state_from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        match found.len() {
            1 => Ok(found.into_iter().next().expect("one row")),
            0 => Err(Error::UnknownState {
                given: query.to_string(),
                suggestions: suggest_states(&self.conn, &folded)?,
            }),
            _ => Err(Error::AmbiguousState {
                given: query.to_string(),
                candidates: found
                    .iter()
                    .map(|s| format!("{} ({})", s.name, s.iso3))
                    .collect(),
            }),
        }
    }

    /// A state with every name it goes by.
    pub fn state(&self, iso3: &str) -> Result<Option<State>> {
        let mut state = self
            .conn
            .query_row(
                &format!("SELECT {STATE_COLUMNS} FROM state WHERE iso3 = ?1"),
                [iso3],
                state_from_row,
            )
            .optional()?;
        if let Some(s) = state.as_mut() {
            let mut stmt = self.conn.prepare_cached(
                "SELECT name, kind FROM state_name WHERE iso3 = ?1 AND kind IN ('alias', 'demonym')
                 ORDER BY kind, name",
            )?;
            let names = stmt.query_map([iso3], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
            })?;
            for n in names {
                let (name, kind) = n?;
                if kind == "alias" {
                    s.aliases.push(name);
                } else {
                    s.demonyms.push(name);
                }
            }
        }
        Ok(state)
    }

    /// Every state, by code.
    pub fn states(&self) -> Result<Vec<State>> {
        let mut stmt = self
            .conn
            .prepare(&format!("SELECT {STATE_COLUMNS} FROM state ORDER BY iso3"))?;
        let states = stmt
            .query_map([], state_from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(states)
    }

    /// An instrument by id (exact, then any case), with its aliases.
    pub fn instrument(&self, id: &str) -> Result<Option<Instrument>> {
        instrument_by_id(&self.conn, id)
    }

    /// An instrument by id or by one of its names; an unknown one suggests close matches.
    pub fn resolve_instrument(&self, query: &str) -> Result<Instrument> {
        if let Some(i) = self.instrument(query)? {
            return Ok(i);
        }
        let ids: Vec<String> = {
            let mut stmt = self.conn.prepare_cached(
                "SELECT instrument_id FROM instrument_names WHERE name = ?1 COLLATE NOCASE
                 GROUP BY instrument_id",
            )?;
            let rows = stmt.query_map([query.trim()], |r| r.get(0))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        if let [id] = ids.as_slice() {
            if let Some(i) = self.instrument(id)? {
                return Ok(i);
            }
        }
        let suggestions = if ids.len() > 1 {
            ids
        } else {
            self.instruments(Some(query))?
                .into_iter()
                .take(5)
                .map(|i| format!("{} ({})", i.id, i.title))
                .collect()
        };
        Err(Error::UnknownInstrument {
            given: query.to_string(),
            suggestions,
        })
    }

    /// Instruments, by id; with `search`, those whose id or any name contains every word.
    pub fn instruments(&self, search: Option<&str>) -> Result<Vec<Instrument>> {
        let mut stmt = self.conn.prepare(concat!(
            "SELECT ",
            instrument_columns!(),
            " FROM instrument"
        ))?;
        let words: Vec<String> = search
            .unwrap_or("")
            .split_whitespace()
            .map(str::to_lowercase)
            .collect();
        let mut out = Vec::new();
        let rows = stmt.query_map([], instrument_from_row)?;
        for row in rows {
            let i = row?;
            let hay = format!(
                "{} {}",
                i.id.to_lowercase(),
                i.names().collect::<Vec<_>>().join(" ").to_lowercase()
            );
            if words.iter().all(|w| hay.contains(w.as_str())) {
                out.push(i);
            }
        }
        out.sort_by_cached_key(|i| natural_id_order(&i.id));
        Ok(out)
    }

    /// Starts an instrument import: one transaction in which rows are written as they are
    /// read (see [`crate::import::for_each_instrument`]); existing ids are an error naming
    /// each line, unless `upsert`, which updates them.
    pub fn import_instruments(&mut self, file: &str, upsert: bool) -> Result<InstrumentImport<'_>> {
        let tx = BulkTransaction::begin(&self.conn)?;
        Ok(InstrumentImport {
            writer: InstrumentWriter::new(&self.conn)?,
            tx,
            file: file.to_string(),
            upsert,
            counts: ImportCounts::default(),
            problems: Vec::new(),
        })
    }

    /// The names the gazetteer matches in text: every state and instrument name (codes
    /// excepted, which are too noisy in running text).
    pub fn gazetteer(&self) -> Result<Gazetteer> {
        // International organisations other than the EU (which is party to many treaties)
        // are listed so that old UN tables resolve, but in running text "the Council of
        // Europe" or "the United Nations" is a depositary or a forum, not an acting state.
        let mut stmt = self.conn.prepare(
            "SELECT n.iso3, n.name, n.kind FROM state_name n JOIN state s ON s.iso3 = n.iso3
             WHERE n.kind <> 'code' AND (s.kind <> 'organisation' OR s.iso3 = 'EUU')
             ORDER BY n.iso3, n.name",
        )?;
        let states = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut stmt = self.conn.prepare(
            "SELECT instrument_id, name, kind FROM instrument_names ORDER BY instrument_id, name",
        )?;
        let instruments = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let kind = |k: &str| match k {
            "name" => NameKind::Name,
            "formal" => NameKind::Formal,
            "demonym" => NameKind::Demonym,
            "title" => NameKind::Title,
            "short_title" => NameKind::ShortTitle,
            _ => NameKind::Alias,
        };
        Ok(Gazetteer::new(
            states
                .iter()
                .map(|(k, n, t)| (k.as_str(), n.as_str(), kind(t))),
            instruments
                .iter()
                .map(|(k, n, t)| (k.as_str(), n.as_str(), kind(t))),
        ))
    }

    /// Counts of what the ledger holds.
    pub fn summary(&self) -> Result<LedgerSummary> {
        let count = |table: &str| -> Result<i64> {
            Ok(self
                .conn
                .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?)
        };
        Ok(LedgerSummary {
            path: self.path.clone(),
            schema_version: self
                .conn
                .query_row("PRAGMA user_version", [], |r| r.get(0))?,
            states: count("state")?,
            state_names: count("state_name")?,
            instruments: count("instrument")?,
            sources: count("source")?,
            events: count("event")?,
            citations: count("citation")?,
        })
    }
}

fn same_instrument(old: &Instrument, new: &Instrument) -> bool {
    let norm = |s: &Option<String>| s.clone().filter(|s| !s.is_empty());
    old.title == new.title
        && norm(&old.short_title) == norm(&new.short_title)
        && old.aliases == stored_aliases(new)
        && norm(&old.depositary) == norm(&new.depositary)
        && norm(&old.adopted) == norm(&new.adopted)
        && norm(&old.opened) == norm(&new.opened)
        && norm(&old.in_force) == norm(&new.in_force)
        && norm(&old.url) == norm(&new.url)
}

/// Orders ids so that `CETS-9` comes before `CETS-10` and `UNTC-IV-2` before `UNTC-IV-15`.
fn natural_id_order(id: &str) -> Vec<(String, u64)> {
    id.split('-')
        .map(|part| match part.parse::<u64>() {
            Ok(n) => (String::new(), n),
            Err(_) => (part.to_string(), 0),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_and_distance() {
        assert_eq!(fold("  The Netherlands "), "netherlands");
        assert_eq!(distance("azerbajan", "azerbaijan"), 1);
        let mut ids = vec!["CETS-10", "CETS-9", "UNTC-IV-15", "UNTC-IV-2"];
        ids.sort_by_key(|i| natural_id_order(i));
        assert_eq!(ids, vec!["CETS-9", "CETS-10", "UNTC-IV-2", "UNTC-IV-15"]);
    }
}
