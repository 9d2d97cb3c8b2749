//! Schema creation and migration by `PRAGMA user_version`, and the loading of the shipped
//! reference data into a new ledger.

use rusqlite::{Connection, Transaction};

use crate::error::{Error, Result};
use crate::reference;

/// The schema every ledger is migrated to.
pub const SCHEMA_VERSION: i64 = 10;

/// The whole current schema, applied to a new ledger.
const SCHEMA: &str = include_str!("../../schema.sql");

/// A step that brings a ledger from version `n - 1` to `n`.
enum Step {
    Sql(&'static str),
    /// Table definitions replaced by those of the current schema, which differ from the
    /// old ones only in constraints that leave every stored row as it is (see
    /// [`redefine_tables`]).
    Redefine(&'static [&'static str]),
    /// New tables, indexes or triggers, created as a new ledger gets them, then `then`
    /// run (to fill them from the rows already stored, drop what they replace).
    Create {
        objects: &'static [&'static str],
        then: &'static str,
    },
    /// A step that needs more than SQL.
    Run(fn(&Transaction) -> Result<()>),
}

/// Steps that bring a ledger from version `n - 1` to `n`, for ledgers made by older
/// versions. `MIGRATIONS[0]` leads to version 2, and so on.
const MIGRATIONS: &[Step] = &[
    // 2: listing one action across every state (`list --action accession`) uses an index.
    Step::Sql("CREATE INDEX IF NOT EXISTS event_by_action ON event (action, date);"),
    // 3: the CHECKs of word columns say `x = 'a' OR x = 'b'` instead of `x IN ('a', 'b')`,
    // which SQLite checked through a temporary table set up for every row written.
    // (`instrument_name` was redefined too; version 10 drops it, so it keeps its old
    // definition until then.)
    Step::Redefine(&["state", "state_name", "source", "event", "citation"]),
    // 4: which instruments each status table records, filled from the tables' citations;
    // the event indexes by (state, date) and (action, date) go: no query filters on action
    // in SQL, and the key (state, instrument_id, ...) serves a state's listing, where the
    // date index led SQLite to read every event of the state for each of its instruments.
    Step::Create {
        objects: &["table_instrument"],
        then: "INSERT OR IGNORE INTO table_instrument (instrument_id, source_id)
               SELECT DISTINCT e.instrument_id, c.source_id
               FROM source s JOIN citation c ON c.source_id = s.id JOIN event e ON e.id = c.event_id
               WHERE s.kind = 'status_table';
               DROP INDEX IF EXISTS event_by_state;
               DROP INDEX IF EXISTS event_by_action;",
    },
    // 5: citations carry their event's state, and an index by it serves a state's listing;
    // the records import writes table_instrument itself (version 4 had a trigger on every
    // citation, which made each insert keep a statement journal).
    Step::Run(citations_by_state),
    // 6: source texts are stored packed (`packed_text`, one zstd frame): an article takes
    // half the pages, and an ingest writes half the bytes.
    Step::Run(pack_source_texts),
    // 7: an instrument's title is read from its own row, through the `instrument_names`
    // view, and no longer written again among its names (an import writes a third fewer
    // B-tree rows, and those the longest). A title row that says anything else stays.
    Step::Create {
        objects: &["instrument_names"],
        then: "DELETE FROM instrument_name WHERE kind = 'title'
               AND name = (SELECT title FROM instrument WHERE id = instrument_id);",
    },
    // 8: an ingest packs the texts of articles side by side together, 64 KiB to a frame
    // (`text_pack`, `source_text`); the texts stored before keep their own frames.
    Step::Run(texts_packed_together),
    // 9: an instrument's short title is read from its own row too, through the
    // `instrument_names` view, and no longer written again among its names (an instruments
    // import wrote 1.4 names a row, 0.4 of them short titles its row holds already). A
    // short-title row that says anything else stays.
    Step::Run(short_titles_from_their_rows),
    // 10: an instrument's aliases are a JSON array on its own row (`instrument.aliases`),
    // read through the `instrument_names` view; `instrument_name` goes. An import writes
    // one B-tree row an instrument instead of two. A name row that repeats neither the
    // title nor the short title (an alias, or a title or short title kept by step 7 or 9
    // because it differed) becomes an alias.
    Step::Run(aliases_on_their_rows),
];

/// Version 10: `instrument.aliases`, filled from `instrument_name`, which goes.
fn aliases_on_their_rows(tx: &Transaction) -> Result<()> {
    if !has_column(tx, "instrument", "aliases")? {
        tx.execute_batch("ALTER TABLE instrument ADD COLUMN aliases TEXT NOT NULL DEFAULT '[]';")?;
    }
    {
        let mut names = tx.prepare(
            "SELECT n.instrument_id, n.name FROM instrument_name n
             JOIN instrument i ON i.id = n.instrument_id
             WHERE n.name <> i.title AND n.name IS NOT i.short_title
             ORDER BY n.instrument_id, n.name",
        )?;
        let mut write = tx.prepare("UPDATE instrument SET aliases = ?2 WHERE id = ?1")?;
        let mut rows = names.query([])?;
        let mut current: Option<(String, Vec<String>)> = None;
        let mut flush = |done: Option<(String, Vec<String>)>| -> Result<()> {
            if let Some((id, aliases)) = done {
                let list = super::catalogue::aliases_json(&id, &aliases)?;
                write.execute(rusqlite::params![id, list])?;
            }
            Ok(())
        };
        while let Some(row) = rows.next()? {
            let (id, name): (String, String) = (row.get(0)?, row.get(1)?);
            match &mut current {
                Some((of, aliases)) if *of == id => aliases.push(name),
                _ => flush(current.replace((id, vec![name])))?,
            }
        }
        flush(current)?;
    }
    tx.execute_batch(
        "DROP VIEW IF EXISTS instrument_names;
         DROP TABLE instrument_name;",
    )?;
    redefine_tables(tx, &["instrument"])?;
    create_objects(tx, &["instrument_names"])
}

/// Version 9: the current `instrument_names`, which reads short titles from the
/// instrument rows, and the name rows that only repeated them gone.
fn short_titles_from_their_rows(tx: &Transaction) -> Result<()> {
    tx.execute_batch("DROP VIEW IF EXISTS instrument_names;")?;
    create_objects(tx, &["instrument_names"])?;
    tx.execute_batch(
        "DELETE FROM instrument_name WHERE kind = 'short_title'
         AND name = (SELECT short_title FROM instrument WHERE id = instrument_id);",
    )?;
    Ok(())
}

/// Version 8: the tables of packed texts, and the current definition of `source`, whose
/// comment says which sources have an empty `packed_text` (the same columns and checks).
fn texts_packed_together(tx: &Transaction) -> Result<()> {
    create_objects(tx, &["text_pack", "source_text"])?;
    redefine_tables(tx, &["source"])
}

/// Sources packed per statement of the version 6 step, so that a large ledger is never
/// read into memory whole.
const PACK_BATCH: i64 = 512;

/// Version 6: replaces `source.text` by `packed_text`, each text packed, and takes the
/// current definition (which makes it NOT NULL). A ledger that came through version 3's
/// redefinition has `packed_text` in its definition already, holding the plain texts.
fn pack_source_texts(tx: &Transaction) -> Result<()> {
    let has_text = has_column(tx, "source", "text")?;
    let plain = if has_text {
        tx.execute_batch("ALTER TABLE source ADD COLUMN packed_text BLOB;")?;
        "text"
    } else {
        "packed_text"
    };
    let mut read = tx.prepare(&format!(
        "SELECT id, {plain} FROM source WHERE id > ?1 AND typeof({plain}) = 'text'
         ORDER BY id LIMIT {PACK_BATCH}"
    ))?;
    let mut write = tx.prepare("UPDATE source SET packed_text = ?2 WHERE id = ?1")?;
    let mut after = i64::MIN;
    loop {
        let batch = read
            .query_map([after], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let Some(&(last, _)) = batch.last() else {
            break;
        };
        for (id, text) in &batch {
            write.execute(rusqlite::params![id, super::pack_text(text)?])?;
        }
        after = last;
    }
    drop((read, write));
    if has_text {
        tx.execute_batch("ALTER TABLE source DROP COLUMN text;")?;
    }
    let unpacked = count(
        tx,
        "SELECT count(*) FROM source WHERE typeof(packed_text) <> 'blob'",
    )?;
    if unpacked > 0 {
        return Err(Error::Usage(format!(
            "{unpacked} sources have no text to pack; this ledger needs repair before version 6"
        )));
    }
    redefine_tables(tx, &["source"])
}

/// Version 5: adds `citation.state`, fills it from the events, and takes the current
/// definition (which makes it NOT NULL) and the index by state, and drops version 4's
/// trigger. A ledger that came through version 3's redefinition has the column in its
/// definition already (that step installs the current definition), but not in its rows:
/// reading them gives NULL until filled.
fn citations_by_state(tx: &Transaction) -> Result<()> {
    if !has_column(tx, "citation", "state")? {
        tx.execute_batch("ALTER TABLE citation ADD COLUMN state TEXT;")?;
    }
    tx.execute_batch(
        "UPDATE citation SET state = (SELECT e.state FROM event e WHERE e.id = citation.event_id);",
    )?;
    let orphans = count(tx, "SELECT count(*) FROM citation WHERE state IS NULL")?;
    if orphans > 0 {
        return Err(Error::Usage(format!(
            "this ledger has {orphans} citations of events it does not hold; \
             `PRAGMA foreign_key_check` names them"
        )));
    }
    redefine_tables(tx, &["citation"])?;
    create_objects(tx, &["citation_by_state"])?;
    tx.execute_batch("DROP TRIGGER IF EXISTS table_instrument_of_citation;")?;
    Ok(())
}

/// Whether `table`'s stored definition has `column`.
fn has_column(tx: &Transaction, table: &str, column: &str) -> Result<bool> {
    Ok(tx.query_row(
        "SELECT count(*) > 0 FROM pragma_table_info(?1) WHERE name = ?2",
        [table, column],
        |r| r.get(0),
    )?)
}

/// The one number `sql` selects.
fn count(tx: &Transaction, sql: &str) -> Result<i64> {
    Ok(tx.query_row(sql, [], |r| r.get(0))?)
}

/// Replaces the stored definitions of `tables` by those a new ledger gets, the way SQLite
/// documents for changes to CHECK constraints (which leave the stored rows untouched):
/// rewrite `sqlite_schema` with `writable_schema` on, then bump `schema_version` so every
/// connection reads the schema again. Only for definitions that accept exactly the rows
/// the old ones accept.
fn redefine_tables(tx: &Transaction, tables: &[&str]) -> Result<()> {
    let current = current_schema()?;
    let version: i64 = tx.query_row("PRAGMA schema_version", [], |r| r.get(0))?;
    tx.execute_batch("PRAGMA writable_schema = ON;")?;
    for table in tables {
        let sql: String = current.query_row(
            "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?1",
            [table],
            |r| r.get(0),
        )?;
        tx.execute(
            "UPDATE sqlite_schema SET sql = ?1 WHERE type = 'table' AND name = ?2",
            [sql.as_str(), table],
        )?;
    }
    tx.execute_batch(&format!(
        "PRAGMA schema_version = {}; PRAGMA writable_schema = OFF;",
        version + 1
    ))?;
    Ok(())
}

/// An empty ledger in memory with the current schema, to read definitions from.
fn current_schema() -> Result<Connection> {
    let current = Connection::open_in_memory()?;
    current.execute_batch(SCHEMA)?;
    Ok(current)
}

/// Creates `objects` with the definitions a new ledger gets them with (those the ledger
/// has already are left as they are).
fn create_objects(tx: &Transaction, objects: &[&str]) -> Result<()> {
    let current = current_schema()?;
    for name in objects {
        let present: bool = tx.query_row(
            "SELECT count(*) > 0 FROM sqlite_schema WHERE name = ?1",
            [name],
            |r| r.get(0),
        )?;
        if present {
            continue;
        }
        let sql: String = current.query_row(
            "SELECT sql FROM sqlite_schema WHERE name = ?1",
            [name],
            |r| r.get(0),
        )?;
        tx.execute_batch(&sql)?;
    }
    Ok(())
}

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
            match step {
                Step::Sql(sql) => tx.execute_batch(sql)?,
                Step::Redefine(tables) => redefine_tables(&tx, tables)?,
                Step::Create { objects, then } => {
                    create_objects(&tx, objects)?;
                    tx.execute_batch(then)?;
                }
                Step::Run(step) => step(&tx)?,
            }
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
