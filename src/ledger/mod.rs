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

use std::ops::Deref;
use std::path::Path;
use std::time::{Duration, Instant};

use rusqlite::{Connection, Transaction, TransactionBehavior};

use crate::error::{Error, Result};

pub use catalogue::{ImportCounts, InstrumentImport, LedgerSummary};
pub use events::{
    CitationEntry, EventEntry, EventFilter, ManualEntry, Recorded, SourceIndex, SourceMeta,
    Support, TextAt, Writer,
};
pub use migrate::SCHEMA_VERSION;
pub use packed::{
    pack_groups, pack_text, pack_texts, stored_text, unpack_text, TextPack, PACK_BYTES,
};
pub use records::{row_sql, RecordImport, StatusTableImport, SHIPPED_UNTC_AS_OF};
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

/// The pause between two tries to put a new ledger in WAL mode ([`Ledger::set_wal`]).
const WAL_RETRY: Duration = Duration::from_millis(5);

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
        let shown = path.display().to_string();
        let conn = Connection::open(path).map_err(|e| {
            // rusqlite ends an open's message with the path, which the error names already.
            let message = e.to_string();
            let message = message
                .strip_suffix(&format!(": {shown}"))
                .unwrap_or(&message);
            Error::Ledger {
                path: shown.clone(),
                message: message.to_string(),
            }
        })?;
        Ledger::setup(conn, shown, shipped_records)
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

    fn setup(mut conn: Connection, path: String, shipped_records: bool) -> Result<Ledger> {
        // SQLite's own errors here are the file's (not a database, locked, read-only...).
        let of_the_file = |e: Error| match e {
            Error::Sqlite(e) => Error::Ledger {
                path: path.clone(),
                message: e.to_string(),
            },
            other => other,
        };
        Ledger::configure(&conn).map_err(of_the_file)?;
        migrate::migrate(&mut conn, shipped_records).map_err(of_the_file)?;
        Ok(Ledger { conn, path })
    }

    fn configure(conn: &Connection) -> Result<()> {
        conn.busy_timeout(BUSY_TIMEOUT)?;
        conn.execute_batch(PAGE_SIZE)?;
        Ledger::set_wal(conn)?;
        conn.execute_batch(
            "PRAGMA foreign_keys = ON;
             PRAGMA synchronous = NORMAL;
             PRAGMA temp_store = MEMORY;",
        )?;
        conn.execute_batch(CACHE_SIZE)?;
        Ok(())
    }

    /// Puts the ledger in WAL mode. The first connections to a new file race to do it, and
    /// SQLite answers the losers "database is locked" at once instead of through the busy
    /// handler, so they try again (a few milliseconds apart, for as long as a writer
    /// waits for a lock).
    fn set_wal(conn: &Connection) -> Result<()> {
        let started = Instant::now();
        loop {
            // journal_mode answers with a row; in-memory ledgers stay in "memory" mode.
            match conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get::<_, String>(0)) {
                Ok(_) => return Ok(()),
                Err(rusqlite::Error::SqliteFailure(e, _))
                    if e.code == rusqlite::ErrorCode::DatabaseBusy
                        && started.elapsed() < BUSY_TIMEOUT =>
                {
                    std::thread::sleep(WAL_RETRY);
                }
                Err(e) => return Err(e.into()),
            }
        }
    }

    pub fn path(&self) -> &str {
        &self.path
    }

    /// Readies the ledger for a command that only reads (a listing, a report, an export):
    /// - it maps the file into memory: SQLite then reads each page where it lies instead
    ///   of copying it through a system call, which a listing's thousands of scattered
    ///   event and source rows feel most. Writers keep to the page cache: a bulk write or
    ///   a re-ingest touches far more of the file, and mapped pages would count against
    ///   its memory bound.
    /// - it begins a read transaction, held until the ledger is closed: every query of
    ///   the command reads one snapshot (an import that commits meanwhile is seen by none
    ///   of them, where a listing could have read its entries before the commit and their
    ///   official records after), and SQLite takes its shared lock once. Outside a
    ///   transaction each query took and dropped the lock and looked for a hot journal:
    ///   a state's listing (6,344 entries) made 551 `fcntl` and 291 `stat` calls, a pair
    ///   for each look-up of its instruments' official records.
    pub fn begin_reading(&self) -> Result<()> {
        self.conn.execute_batch(READ_MAP_SIZE)?;
        self.conn.execute_batch("BEGIN DEFERRED")?;
        Ok(())
    }
}

/// How much of the file a reading command maps: 1 GiB (SQLite maps no more than the file).
const READ_MAP_SIZE: &str = "PRAGMA mmap_size = 1073741824";

/// The page size of a new ledger: 16 KiB. Against SQLite's 4 KiB it quarters the pages (and
/// the WAL frames, B-tree splits and system calls) of a bulk import and keeps the B-trees a
/// level shallower; an existing ledger keeps the size it was made with.
const PAGE_SIZE: &str = "PRAGMA page_size = 16384";

/// The page cache of each connection: 32 MB.
const CACHE_SIZE: &str = "PRAGMA cache_size = -32000";

/// The write transaction of a bulk import whose writer makes every reference itself: each
/// row it writes points at a state or instrument it has just resolved in this transaction,
/// or at an event or source it has just written. SQLite's foreign-key checks, one B-tree
/// look-up per reference of every row, would only repeat that, so they are off while it
/// runs and on again when it ends, committed or not (`PRAGMA foreign_keys` cannot change
/// inside a transaction, hence the order). So are the schema's CHECK constraints: the
/// import writes only what it validated or made itself (an action, stage or precision
/// from its enum, spans it measured, aliases serialised as a JSON array), and the
/// instruments import spent a fifth of its time having SQLite check it again (median
/// 1.83 s before, 1.46 s after, for 1M rows; `ab.sh`, 5 rounds, 2026-12-06).
/// `tests/robust_ledger.rs` runs `PRAGMA integrity_check`, which checks every CHECK of
/// every row, over what the imports write.
///
/// It also writes through a rollback journal in place of the WAL ([`RollbackJournal`]):
/// each page of the import is written to the ledger once, where the WAL wrote it twice
/// (to the WAL, then at the checkpoint that follows the commit).
pub(crate) struct BulkTransaction<'a> {
    tx: Transaction<'a>,
    // Dropped after `tx`: the checks and the WAL come back once the transaction has ended.
    _checks_back: ChecksBack<'a>,
    _journal: RollbackJournal<'a>,
}

/// A ledger in WAL mode put in rollback-journal mode (TRUNCATE, with `synchronous = FULL`,
/// the setting that makes that journal as safe as the WAL) for one bulk import, and back
/// in WAL mode when it is dropped. SQLite lets a connection leave WAL mode only when no
/// other connection has the ledger open; when another has, the import writes through the
/// WAL as any other command does. While the import holds the rollback journal, readers
/// wait for it (through the busy timeout) instead of reading beside it. A crash leaves a
/// hot journal that the next connection rolls back, and that connection puts the ledger
/// back in WAL mode as every connection does on opening.
struct RollbackJournal<'a> {
    conn: &'a Connection,
    switched: bool,
}

impl<'a> RollbackJournal<'a> {
    fn begin(conn: &'a Connection) -> RollbackJournal<'a> {
        let mode = |sql: &str| conn.query_row(sql, [], |r| r.get::<_, String>(0)).ok();
        // Another connection holding the ledger open answers "busy" for as long as it
        // stays: the import asks once and does not wait for it.
        let asked_once = conn.busy_timeout(Duration::ZERO).is_ok();
        let mut switched = asked_once
            && mode("PRAGMA journal_mode").as_deref() == Some("wal")
            && mode("PRAGMA journal_mode = TRUNCATE").as_deref() == Some("truncate");
        if switched && conn.execute_batch("PRAGMA synchronous = FULL").is_err() {
            // Not without the syncs that make it safe: back to the WAL at once.
            let _ = mode("PRAGMA journal_mode = WAL");
            switched = false;
        }
        // Should it fail, the transaction that follows does not wait for the lock either,
        // and says "database is locked" rather than hang.
        let _ = conn.busy_timeout(BUSY_TIMEOUT);
        RollbackJournal { conn, switched }
    }
}

impl Drop for RollbackJournal<'_> {
    fn drop(&mut self) {
        if self.switched {
            // Should either fail (a reader holds the ledger at this moment), the ledger
            // stays in rollback-journal mode until the next connection opens it.
            let _ = self.conn.execute_batch("PRAGMA synchronous = NORMAL");
            let _ = self
                .conn
                .query_row("PRAGMA journal_mode = WAL", [], |r| r.get::<_, String>(0));
        }
    }
}

/// Turns the foreign-key checks and the CHECK constraints back on when dropped.
struct ChecksBack<'a>(&'a Connection);

impl Drop for ChecksBack<'_> {
    fn drop(&mut self) {
        // Cannot fail outside a transaction; should it, the connection closes with the
        // command, and every connection opened turns the foreign-key checks on in `setup`
        // (and starts with CHECK constraints on).
        let _ = self
            .0
            .execute_batch("PRAGMA foreign_keys = ON; PRAGMA ignore_check_constraints = OFF");
    }
}

impl<'a> BulkTransaction<'a> {
    fn begin(conn: &'a Connection) -> Result<BulkTransaction<'a>> {
        let journal = RollbackJournal::begin(conn);
        // The guard first: should the second pragma fail, the first is undone.
        let checks_back = ChecksBack(conn);
        conn.execute_batch("PRAGMA foreign_keys = OFF; PRAGMA ignore_check_constraints = ON")?;
        let tx = Transaction::new_unchecked(conn, TransactionBehavior::Immediate)?;
        Ok(BulkTransaction {
            tx,
            _checks_back: checks_back,
            _journal: journal,
        })
    }

    fn commit(self) -> Result<()> {
        self.tx.commit()?;
        Ok(())
    }
}

impl<'a> Deref for BulkTransaction<'a> {
    type Target = Transaction<'a>;

    fn deref(&self) -> &Transaction<'a> {
        &self.tx
    }
}

/// The secondary indexes of some tables (schema.sql's `CREATE INDEX`es on them, not the
/// indexes of their UNIQUE constraints), dropped inside a bulk write's transaction and
/// built again whole before it commits, when the write brings at least as many rows as
/// the tables hold. SQLite builds an index from its sorted keys, page after page, for
/// about half of what inserting each key costs (1M official records: 0.9 s to build the
/// three indexes, 1.7 s to insert into them). The build covers the rows already there too,
/// hence the threshold. A rolled-back transaction takes the drop back with it, so a failed
/// import leaves the indexes as they were; the definitions are read from the ledger
/// itself, so what is built is what was dropped. Public so that
/// `examples/records_store.rs` writes the ledger's shape as the import does.
pub struct SetAsideIndexes {
    definitions: Vec<String>,
}

impl SetAsideIndexes {
    /// Drops the secondary indexes of `tables` if `new_rows` is at least the rows of the
    /// largest of them (counted by its highest rowid, which deletions leave above the
    /// count: the estimate errs on the side of inserting).
    pub fn for_bulk_write(
        conn: &Connection,
        tables: &[&str],
        new_rows: usize,
    ) -> Result<SetAsideIndexes> {
        let mut rows_there = 0i64;
        for table in tables {
            let highest: Option<i64> =
                conn.query_row(&format!("SELECT max(rowid) FROM {table}"), [], |r| r.get(0))?;
            rows_there = rows_there.max(highest.unwrap_or(0));
        }
        let mut definitions = Vec::new();
        if i64::try_from(new_rows).unwrap_or(i64::MAX) < rows_there.max(1) {
            return Ok(SetAsideIndexes { definitions });
        }
        let mut stmt = conn.prepare(
            "SELECT name, sql FROM sqlite_schema
             WHERE type = 'index' AND tbl_name = ?1 AND sql IS NOT NULL ORDER BY name",
        )?;
        for table in tables {
            let indexes = stmt
                .query_map([table], |r| {
                    Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            for (name, sql) in indexes {
                conn.execute_batch(&format!("DROP INDEX \"{name}\""))?;
                definitions.push(sql);
            }
        }
        Ok(SetAsideIndexes { definitions })
    }

    /// Builds the indexes again (none if none were dropped).
    pub fn rebuild(self, conn: &Connection) -> Result<()> {
        if self.definitions.is_empty() {
            return Ok(());
        }
        // The sort spills to temporary files past the page cache's size, where the
        // ledger's `temp_store = MEMORY` would hold every key of the index in memory at
        // once (1M records: 106 MB peak, 81 MB this way, in the same time). Should SQLite
        // refuse the change, the build sorts in memory as before.
        let spilled = conn.execute_batch("PRAGMA temp_store = FILE").is_ok();
        for sql in &self.definitions {
            conn.execute_batch(sql)?;
        }
        if spilled {
            // Harmless should it fail: the command's other temporary work goes to files.
            let _ = conn.execute_batch("PRAGMA temp_store = MEMORY");
        }
        Ok(())
    }
}

/// Turns an empty string into NULL for optional text columns.
fn opt(s: &Option<String>) -> Option<&str> {
    s.as_deref().filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Instrument;

    fn checks_on(ledger: &Ledger) -> bool {
        ledger
            .conn
            .query_row("PRAGMA foreign_keys", [], |r| r.get::<_, i64>(0))
            .expect("pragma")
            == 1
    }

    fn instrument(id: &str) -> Instrument {
        Instrument {
            id: id.to_string(),
            title: format!("Convention {id}"),
            short_title: None,
            aliases: vec![format!("{id} alias")],
            depositary: None,
            adopted: None,
            opened: None,
            in_force: None,
            url: None,
        }
    }

    /// Whether the ledger refuses an event of `action` on `instrument`: one on an instrument
    /// the ledger does not hold while the foreign-key checks are on, one with an action the
    /// schema does not know while the CHECK constraints are.
    fn event_refused(ledger: &Ledger, instrument: &str, action: &str) -> bool {
        ledger
            .conn
            .execute(
                "INSERT INTO event (state, instrument_id, action, stage, date, precision)
                 VALUES ('AZE', ?1, ?2, 'international', '2024', 'year')",
                [instrument, action],
            )
            .is_err()
    }

    fn both_checks_refuse(ledger: &Ledger) -> bool {
        event_refused(ledger, "NO-SUCH-1", "signature") && event_refused(ledger, "BULK-1", "signed")
    }

    #[test]
    fn foreign_key_and_check_constraints_come_back_after_a_bulk_import_committed_or_not() {
        let mut ledger = Ledger::open_in_memory_with(false).expect("ledger");
        let mut import = ledger.import_instruments("a.csv", false).expect("import");
        import.add(2, &instrument("BULK-1")).expect("add");
        assert_eq!(import.finish(Ok(())).expect("commit").inserted, 1);
        assert!(checks_on(&ledger));
        assert!(both_checks_refuse(&ledger));

        // Dropped unfinished (an error on the way): rolled back, and the checks back too.
        let mut import = ledger.import_instruments("b.csv", false).expect("import");
        import.add(2, &instrument("BULK-2")).expect("add");
        drop(import);
        assert!(checks_on(&ledger));
        assert!(both_checks_refuse(&ledger));
        assert!(ledger.instrument("BULK-2").expect("query").is_none());
        assert!(ledger.instrument("BULK-1").expect("query").is_some());
    }

    /// The secondary indexes of the event and citation tables: name and definition.
    fn secondary_indexes(conn: &Connection) -> Vec<(String, String)> {
        let mut stmt = conn
            .prepare(
                "SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL
                 AND tbl_name IN ('event', 'citation') ORDER BY name",
            )
            .expect("prepare");
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .expect("query")
            .collect::<rusqlite::Result<_>>()
            .expect("rows")
    }

    #[test]
    fn a_bulk_write_that_outnumbers_the_ledger_sets_its_indexes_aside_and_builds_them_again() {
        let mut ledger = Ledger::open_in_memory_with(false).expect("ledger");
        let schema = secondary_indexes(&ledger.conn);
        let names: Vec<&str> = schema.iter().map(|(name, _)| name.as_str()).collect();
        assert_eq!(
            names,
            [
                "citation_by_source",
                "citation_by_state",
                "event_by_instrument"
            ]
        );
        let tables = ["event", "citation"];

        // Nothing written yet: any write outnumbers it. Built again, they are the same.
        let tx = ledger.conn.transaction().expect("tx");
        let aside = SetAsideIndexes::for_bulk_write(&tx, &tables, 1).expect("set aside");
        assert!(secondary_indexes(&tx).is_empty());
        aside.rebuild(&tx).expect("rebuild");
        assert_eq!(secondary_indexes(&tx), schema);
        tx.commit().expect("commit");

        // A transaction that ends without them rolls the drop back.
        let tx = ledger.conn.transaction().expect("tx");
        let aside = SetAsideIndexes::for_bulk_write(&tx, &tables, 1).expect("set aside");
        assert!(secondary_indexes(&tx).is_empty());
        drop(aside);
        drop(tx);
        assert_eq!(secondary_indexes(&ledger.conn), schema);

        // The shipped records outnumber a write of a few rows: the indexes stay.
        let mut ledger = Ledger::open_in_memory().expect("ledger");
        let citations: i64 = ledger
            .conn
            .query_row("SELECT count(*) FROM citation", [], |r| r.get(0))
            .expect("count");
        let tx = ledger.conn.transaction().expect("tx");
        let fewer = usize::try_from(citations - 1).expect("count");
        let aside = SetAsideIndexes::for_bulk_write(&tx, &tables, fewer).expect("set aside");
        assert_eq!(secondary_indexes(&tx), schema);
        aside.rebuild(&tx).expect("rebuild");
        let more = usize::try_from(citations).expect("count");
        let aside = SetAsideIndexes::for_bulk_write(&tx, &tables, more).expect("set aside");
        assert!(secondary_indexes(&tx).is_empty());
        aside.rebuild(&tx).expect("rebuild");
        assert_eq!(secondary_indexes(&tx), schema);
        assert_eq!(
            mode(&tx, "temp_store"),
            "2",
            "back to memory after the build"
        );
    }

    /// A pragma's value as text ("wal"; "1" for NORMAL sync, "2" for FULL).
    fn mode(conn: &Connection, pragma: &str) -> String {
        conn.query_row(&format!("PRAGMA {pragma}"), [], |r| {
            Ok(match r.get_ref(0)? {
                rusqlite::types::ValueRef::Integer(n) => n.to_string(),
                other => other.as_str()?.to_string(),
            })
        })
        .expect("pragma")
    }

    /// A bulk import writes through a rollback journal when its connection is the only one
    /// on the ledger, through the WAL when another holds it open; either way the ledger is
    /// in WAL mode again, and NORMAL sync, when it ends, committed or not.
    #[test]
    fn a_bulk_import_writes_through_a_rollback_journal_when_alone_and_leaves_wal_mode_on() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("ledger.db");
        let mut ledger = Ledger::open_with(&path, false).expect("ledger");
        let journal_then_now = |ledger: &mut Ledger, id: &str, commit: bool| {
            let mut import = ledger.import_instruments("a.csv", false).expect("import");
            import.add(2, &instrument(id)).expect("add");
            let during = (
                mode(&import.tx, "journal_mode"),
                mode(&import.tx, "synchronous"),
            );
            match commit {
                true => assert_eq!(import.finish(Ok(())).expect("commit").inserted, 1),
                false => drop(import),
            }
            let after = (
                mode(&ledger.conn, "journal_mode"),
                mode(&ledger.conn, "synchronous"),
            );
            (during, after)
        };
        let wal = ("wal".to_string(), "1".to_string());
        let alone = ("truncate".to_string(), "2".to_string());
        assert_eq!(
            journal_then_now(&mut ledger, "ALONE-1", true),
            (alone.clone(), wal.clone())
        );
        assert_eq!(
            journal_then_now(&mut ledger, "ALONE-2", false),
            (alone, wal.clone())
        );

        let other = Connection::open(&path).expect("another connection");
        let count = |conn: &Connection| -> i64 {
            conn.query_row(
                "SELECT count(*) FROM instrument WHERE id LIKE 'ALONE-%' OR id LIKE 'SHARED-%'",
                [],
                |r| r.get(0),
            )
            .expect("count")
        };
        assert_eq!(
            count(&other),
            1,
            "committed, and the dropped import rolled back"
        );
        assert_eq!(
            journal_then_now(&mut ledger, "SHARED-1", true),
            (wal.clone(), wal)
        );
        assert_eq!(count(&other), 2, "the other connection reads the import");
    }

    #[test]
    fn the_source_index_tells_which_of_a_chunks_hashes_are_recorded_in_their_order() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut ledger = Ledger::open_with(&dir.path().join("l.db"), false).expect("ledger");
        let index = ledger.source_index().expect("index");
        let mut writer = ledger.writer().expect("writer");
        for (text, hash) in [("first", "h1"), ("second", "h2")] {
            let doc = crate::model::Document {
                origin: format!("{text}.txt"),
                text: text.to_string(),
                ..Default::default()
            };
            let packed = pack_text(text).expect("packed");
            writer
                .record_document(&doc, hash, TextAt::Own(&packed), &[], &[])
                .expect("recorded");
        }
        // Before the commit, the second connection sees none of them.
        let before = index.as_ref().map(|i| i.known(&["h1"]).expect("known"));
        assert_eq!(before, Some(vec![false]));
        writer.commit().expect("commit");
        let index = index.expect("a file ledger has an index");
        assert_eq!(
            index
                .known(&["h0", "h2", "h1", "h2", "\"quoted\""])
                .expect("known"),
            vec![false, true, true, true, false]
        );
        assert_eq!(index.known(&[]).expect("none"), Vec::<bool>::new());
    }

    #[test]
    fn a_new_ledger_has_16k_pages_and_an_older_one_keeps_its_own() {
        let dir = tempfile::tempdir().expect("tempdir");
        let page_size = |ledger: &Ledger| -> i64 {
            ledger
                .conn
                .query_row("PRAGMA page_size", [], |r| r.get(0))
                .expect("pragma")
        };
        let new = dir.path().join("new.db");
        let ledger = Ledger::open_with(&new, false).expect("new");
        assert_eq!(page_size(&ledger), 16384);
        // A reading command maps the file (SQLite maps no more of it than there is).
        ledger.begin_reading().expect("mapped");
        let mapped: i64 = ledger
            .conn
            .query_row("PRAGMA mmap_size", [], |r| r.get(0))
            .expect("pragma");
        assert_eq!(mapped, 1 << 30);
        drop(ledger);

        let old = dir.path().join("old.db");
        Connection::open(&old)
            .and_then(|c| c.execute_batch("PRAGMA page_size = 4096; CREATE TABLE t (x);"))
            .expect("4 KiB file");
        let ledger = Ledger::open_with(&old, false).expect("opened");
        assert_eq!(page_size(&ledger), 4096);
        assert!(ledger.summary().expect("summary").states > 0);
    }

    /// An international act entered by hand, from a page of its own.
    fn manual(state: &str, instrument: &str, action: &str, date: &str) -> ManualEntry {
        ManualEntry {
            state: state.into(),
            instrument: instrument.into(),
            action: action.parse().expect("action"),
            stage: crate::model::Stage::International,
            date: crate::model::LedgerDate::parse_iso(date).expect("date"),
            source_url: format!("https://example.org/{state}/{instrument}/{action}/{date}"),
            source_title: None,
            publisher: None,
            published: None,
            quote: format!("{state} {instrument} {action} {date}"),
        }
    }

    #[test]
    fn a_reading_command_reads_one_snapshot_while_a_writer_commits() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("ledger.db");
        let events = |ledger: &Ledger| -> i64 {
            ledger
                .conn
                .query_row("SELECT count(*) FROM event", [], |r| r.get(0))
                .expect("count")
        };
        let mut writer = Ledger::open_with(&path, false).expect("writer");
        let reader = Ledger::open_with(&path, false).expect("reader");
        reader.begin_reading().expect("reading");
        let before = events(&reader);
        writer
            .record_manual(&manual("AZE", "CETS-216", "signature", "2023-10-30"))
            .expect("recorded");
        assert_eq!(events(&writer), before + 1, "the writer committed");
        assert_eq!(
            events(&reader),
            before,
            "the reader still reads its snapshot"
        );
        drop(reader);
        let next = Ledger::open_with(&path, false).expect("next reader");
        next.begin_reading().expect("reading");
        assert_eq!(
            events(&next),
            before + 1,
            "the next command reads the commit"
        );
    }

    #[test]
    fn a_listing_gives_entries_oldest_first_as_the_dates_read_then_by_their_key() {
        let mut ledger = Ledger::open_in_memory_with(false).expect("ledger");
        // Written in no particular order, each from a source of its own.
        let entries = [
            ("FRA", "CETS-216", "ratification", "2023-10-30"),
            ("AZE", "UNTC-I-2", "signature", "2023-10"),
            ("AZE", "CETS-216", "signature", "2023-10-30"),
            ("AZE", "CETS-216", "ratification", "2023-10-30"),
            ("AZE", "UNTC-I-1", "accession", "2023"),
            ("AZE", "CETS-216", "signature", "2023-09-01"),
            ("AZE", "UNTC-I-1", "accession", "2024"),
        ];
        for (state, instrument, action, date) in entries {
            ledger
                .record_manual(&manual(state, instrument, action, date))
                .expect("recorded");
        }
        let listed = |filter: &crate::ledger::EventFilter| -> Vec<String> {
            let counted = ledger.events_counted(filter).expect("counted");
            let full = ledger.events(filter).expect("full");
            assert_eq!(
                counted.iter().map(|e| e.id).collect::<Vec<_>>(),
                full.iter().map(|e| e.id).collect::<Vec<_>>(),
                "both listings give the same order"
            );
            full.iter()
                .map(|e| format!("{} {} {} {}", e.date, e.state, e.instrument, e.action))
                .collect()
        };
        assert_eq!(
            listed(&crate::ledger::EventFilter::default()),
            [
                "2023 AZE UNTC-I-1 accession",
                "2023-09-01 AZE CETS-216 signature",
                "2023-10 AZE UNTC-I-2 signature",
                "2023-10-30 AZE CETS-216 ratification",
                "2023-10-30 AZE CETS-216 signature",
                "2023-10-30 FRA CETS-216 ratification",
                "2024 AZE UNTC-I-1 accession",
            ]
        );
        let azerbaijan = crate::ledger::EventFilter {
            state: Some("AZE".into()),
            ..Default::default()
        };
        assert_eq!(listed(&azerbaijan).len(), 6);
        assert_eq!(listed(&azerbaijan)[0], "2023 AZE UNTC-I-1 accession");
    }

    #[test]
    fn a_counted_listing_tells_official_citations_from_others_as_the_full_one_does() {
        let mut ledger = Ledger::open_in_memory_with(true).expect("ledger with records");
        // A news-like entry on an act the shipped UN tables record, and one they do not.
        for (action, date) in [("accession", "1992-08-13"), ("signature", "2024-01-05")] {
            ledger
                .record_manual(&manual("AZE", "UNTC-IV-11", action, date))
                .expect("recorded");
        }
        let azerbaijan = crate::ledger::EventFilter {
            state: Some("AZE".into()),
            ..Default::default()
        };
        let counted = ledger.events_counted(&azerbaijan).expect("counted");
        let full = ledger.events(&azerbaijan).expect("full");
        assert_eq!(counted.len(), full.len());
        for (c, f) in counted.iter().zip(&full) {
            assert_eq!((c.id, c.support), (f.id, f.support), "{}", f.instrument);
            assert_eq!(c.instrument_title, f.instrument_title);
            assert_eq!(c.state_name, f.state_name);
        }
        let support = |date: &str| {
            full.iter()
                .find(|e| e.instrument == "UNTC-IV-11" && e.date.to_string() == date)
                .map(|e| (e.support.tables, e.support.others))
        };
        assert_eq!(
            support("1992-08-13"),
            Some((1, 1)),
            "a record and a news entry"
        );
        assert_eq!(support("2024-01-05"), Some((0, 1)), "news alone");
        assert!(full.iter().all(|e| e.state_name == "Azerbaijan"));
        assert!(full
            .iter()
            .any(|e| e.support.tables > 0 && e.support.others == 0));
    }
}
