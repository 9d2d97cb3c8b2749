//! Schema creation and migration by `PRAGMA user_version`, and the loading of the shipped
//! reference data into a new ledger.

use rusqlite::{Connection, Transaction};

use crate::error::{Error, Result};
use crate::reference;

/// The schema every ledger is migrated to.
pub const SCHEMA_VERSION: i64 = 2;

/// The whole current schema, applied to a new ledger.
const SCHEMA: &str = include_str!("../../schema.sql");

/// Steps that bring a ledger from version `n - 1` to `n`, for ledgers made by older
/// versions. `MIGRATIONS[0]` leads to version 2, and so on.
const MIGRATIONS: &[&str] = &[
    // 2: listing one action across every state (`list --action accession`) uses an index.
    "CREATE INDEX IF NOT EXISTS event_by_action ON event (action, date);",
];

pub(super) fn migrate(conn: &mut Connection, shipped_records: bool) -> Result<()> {
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if version == SCHEMA_VERSION {
        return Ok(());
    }
    if version > SCHEMA_VERSION {
        return Err(Error::Usage(format!(
            "this ledger has schema version {version}, made by a newer treaty-ledger \
             (this one knows version {SCHEMA_VERSION}); upgrade treaty-ledger"
        )));
    }
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    // Another process may have created the ledger while this one waited for the lock.
    let version: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if version == 0 {
        tx.execute_batch(SCHEMA)?;
        load_reference(&tx, shipped_records)?;
    } else {
        for step in &MIGRATIONS[(version as usize - 1).min(MIGRATIONS.len())..] {
            tx.execute_batch(step)?;
        }
    }
    tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
    tx.commit()?;
    Ok(())
}

/// Fills a new ledger with the shipped states and instruments, and the UN status tables
/// (`data/untc_2026_participants.csv`) as official records.
fn load_reference(tx: &Transaction, shipped_records: bool) -> Result<()> {
    let states = reference::shipped_states()?;
    {
        let mut state = tx.prepare(
            "INSERT INTO state (iso3, iso2, numeric, name, formal_name, kind, cow_code, gw_code)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?;
        let mut name = tx.prepare(
            "INSERT OR IGNORE INTO state_name (iso3, name, folded, kind) VALUES (?1, ?2, ?3, ?4)",
        )?;
        for s in &states {
            state.execute(rusqlite::params![
                s.iso3,
                s.iso2,
                s.numeric,
                s.name,
                s.formal_name,
                s.kind.as_str(),
                s.cow_code,
                s.gw_code
            ])?;
            let codes = std::iter::once(s.iso3.as_str())
                .chain(s.iso2.as_deref())
                .map(|c| (c, "code"));
            let names = std::iter::once((s.name.as_str(), "name"))
                .chain(s.formal_name.as_deref().map(|f| (f, "formal")))
                .chain(s.aliases.iter().map(|a| (a.as_str(), "alias")))
                .chain(s.demonyms.iter().map(|d| (d.as_str(), "demonym")));
            for (n, kind) in codes.chain(names) {
                name.execute(rusqlite::params![
                    s.iso3,
                    n,
                    super::catalogue::fold(n),
                    kind
                ])?;
            }
        }
    }
    let instruments = reference::shipped_instruments()?;
    super::catalogue::write_instruments(tx, instruments.iter()).map_err(|e| {
        Error::ShippedData {
            file: "data/instruments.csv",
            message: e.to_string(),
        }
    })?;
    if shipped_records {
        super::records::load_shipped(tx)?;
    }
    Ok(())
}
