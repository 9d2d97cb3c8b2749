//! The SQLite ledger: the only module that speaks SQL. Opens and migrates the file, loads
//! the shipped reference data into a new ledger, writes sources, events and citations, and
//! answers the listing queries with plain structs.

mod catalogue;
mod events;
mod migrate;
mod packed;
mod records;
mod sources;
mod staging;

use std::path::Path;
use std::time::Duration;

use rusqlite::Connection;

use crate::error::{Error, Result};

pub use catalogue::{ImportCounts, InstrumentImport, LedgerSummary};
pub use events::{
    CitationEntry, EventEntry, EventFilter, ManualEntry, Recorded, SourceIndex, SourceMeta,
    Support, Writer,
};
pub use migrate::SCHEMA_VERSION;
pub use packed::{pack_text, unpack_text};
pub use records::{RecordImport, StatusTableImport, SHIPPED_UNTC_AS_OF};
pub use sources::{
    Conflict, ConflictEvent, MentionSource, SourceCitation, SourceEntry, SourceMention, SourceText,
    UnresolvedCount,
};

/// Environment variable naming the ledger file when `--db` is not given.
pub const DB_ENV: &str = "TREATY_LEDGER_DB";
/// The ledger file used when neither `--db` nor `$TREATY_LEDGER_DB` names one.
pub const DEFAULT_DB: &str = "treaty-ledger.db";

/// How long a writer waits for another process's write transaction before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(600);

/// An open ledger.
pub struct Ledger {
    conn: Connection,
    path: String,
}

impl Ledger {
    /// Opens the ledger at `path`, creating it (with the shipped reference data) if it does
    /// not exist, and migrating it if an older version made it.
    pub fn open(path: &Path) -> Result<Ledger> {
        Ledger::open_with(path, true)
    }

    /// Opens the ledger at `path`; a new one gets the shipped states and instruments, and
    /// the shipped UN status tables as official records only if `shipped_records`.
    pub fn open_with(path: &Path, shipped_records: bool) -> Result<Ledger> {
        let conn = Connection::open(path).map_err(|e| Error::Ledger {
            path: path.display().to_string(),
            message: e.to_string(),
        })?;
        Ledger::setup(conn, path.display().to_string(), shipped_records)
    }

    /// A ledger that lives in memory only (tests, dry runs), with all the shipped data.
    pub fn open_in_memory() -> Result<Ledger> {
        Ledger::open_in_memory_with(true)
    }

    /// A ledger in memory; the shipped UN status records only if `shipped_records` (a dry
    /// run needs the names, not the records).
    pub fn open_in_memory_with(shipped_records: bool) -> Result<Ledger> {
        Ledger::setup(
            Connection::open_in_memory()?,
            ":memory:".to_string(),
            shipped_records,
        )
    }

    fn setup(conn: Connection, path: String, shipped_records: bool) -> Result<Ledger> {
        conn.busy_timeout(BUSY_TIMEOUT)?;
        // journal_mode answers with a row; in-memory ledgers stay in "memory" mode.
        let _mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
        conn.execute_batch(
            "PRAGMA foreign_keys = ON;
             PRAGMA synchronous = NORMAL;
             PRAGMA temp_store = MEMORY;",
        )?;
        conn.execute_batch(CACHE_SIZE)?;
        let mut ledger = Ledger { conn, path };
        migrate::migrate(&mut ledger.conn, shipped_records).map_err(|e| match e {
            Error::Sqlite(e) => Error::Ledger {
                path: ledger.path.clone(),
                message: e.to_string(),
            },
            other => other,
        })?;
        Ok(ledger)
    }

    pub fn path(&self) -> &str {
        &self.path
    }
}

/// The page cache of each connection: 32 MB.
const CACHE_SIZE: &str = "PRAGMA cache_size = -32000";

/// Turns an empty string into NULL for optional text columns.
fn opt(s: &Option<String>) -> Option<&str> {
    s.as_deref().filter(|s| !s.is_empty())
}
