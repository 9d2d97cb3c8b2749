//! How fast can official records be written, in the ledger's shape and in a narrower one?
//! A measurement of the store alone (issue 6: the records import misses its 400k rows/s),
//! not a part of the tool.
//!
//! ```text
//! cargo run --release --example records_store -- SHAPE bench-out/records-1000000.csv
//! ```
//! reads a generic-layout records CSV (`state,instrument,action,date,source_url,...`, as
//! `gen_corpus` writes it) into memory, puts the rows in the order SHAPE writes them, and
//! writes them into a fresh SQLite file (`records_store.db` in the CSV's folder) with the
//! ledger's settings for an import (16 KiB pages, a 32 MB cache, a rollback journal,
//! `synchronous = FULL`, foreign-key checks and CHECK constraints off, one transaction),
//! then prints the seconds each step took.
//! A row's source is its instrument (the generator writes one table an instrument).
//!
//! SHAPE is one of
//! - `ledger`: `schema.sql` as it is; each row an event (with `ON CONFLICT DO NOTHING`
//!   and the look-up of an existing one) and its citation, table by table, each table's
//!   rows in the order of the event's key (state, instrument, action, date), as
//!   `records import` writes them into a ledger they outnumber: four B-tree entries a row
//!   (the tables and their unique keys), the three secondary indexes dropped and built
//!   again, whole, after the rows.
//! - `ledger-by-key`: the same rows in the order of the event's key across tables, so that
//!   the inserts into the key and the index by state append.
//! - `records`: a table of records of their own, keyed by state, instrument, action, date
//!   and source (`WITHOUT ROWID`), with an index by instrument, in the order of its key:
//!   two B-tree entries a row.
//! - `records-no-index`: the same table without the index by instrument.
//! - `spans`, `spans-no-index`: the same two without the quote and the extractor: a
//!   record keeps where its row lies in its table's text, which the source keeps anyway,
//!   and the layout names the extractor.

use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use rusqlite::{params, Connection};
use treaty_ledger::ledger::{row_sql, SetAsideIndexes};

const USAGE: &str = "usage: records_store \
     ledger|ledger-by-key|records|records-no-index|spans|spans-no-index RECORDS.csv";

/// The narrower store: one entry a record, found by state (its key) and by instrument.
/// `{quote}` is where the quote's and the extractor's columns go, or nothing.
const RECORD_TABLE: &str = "
CREATE TABLE record (
    state         TEXT NOT NULL,
    instrument_id TEXT NOT NULL,
    action        TEXT NOT NULL CHECK (action = 'signature' OR action = 'ratification'
                      OR action = 'accession' OR action = 'acceptance' OR action = 'approval'
                      OR action = 'succession' OR action = 'definitive_signature'
                      OR action = 'entry_into_force' OR action = 'withdrawal'),
    date          TEXT NOT NULL,
    source_id     INTEGER NOT NULL,
    precision     TEXT NOT NULL,
    span_start    INTEGER NOT NULL CHECK (span_start >= 0),
    span_end      INTEGER NOT NULL CHECK (span_end >= span_start),{quote}
    PRIMARY KEY (state, instrument_id, action, date, source_id)
) WITHOUT ROWID;";
const QUOTE_COLUMNS: &str = "
    quote         TEXT NOT NULL,
    extractor     TEXT NOT NULL,";
const RECORD_INDEX: &str = "CREATE INDEX record_by_instrument ON record (instrument_id);";

#[derive(Clone, Copy, PartialEq)]
enum Shape {
    Ledger,
    LedgerByKey,
    /// A table of records: with their quotes or not, with the index by instrument or not.
    Records {
        quoted: bool,
        indexed: bool,
    },
}

/// The shapes by the names the command line gives them.
const SHAPES: [(&str, Shape); 6] = [
    ("ledger", Shape::Ledger),
    ("ledger-by-key", Shape::LedgerByKey),
    ("records", records(true, true)),
    ("records-no-index", records(true, false)),
    ("spans", records(false, true)),
    ("spans-no-index", records(false, false)),
];

const fn records(quoted: bool, indexed: bool) -> Shape {
    Shape::Records { quoted, indexed }
}

/// One row of the CSV, with where its line lies in its table's text.
struct Row {
    state: String,
    instrument: String,
    action: String,
    date: String,
    source: i64,
    span: (i64, i64),
    quote: String,
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(&(_, shape)) = SHAPES
        .iter()
        .find(|(name, _)| args.first() == Some(&name.to_string()))
    else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    let Some(csv_path) = args.get(1).filter(|_| args.len() == 2) else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    match run(shape, Path::new(csv_path)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("records_store: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(shape: Shape, csv_path: &Path) -> Result<(), Box<dyn std::error::Error>> {
    let start = Instant::now();
    let mut rows = read_rows(csv_path)?;
    let read = start.elapsed().as_secs_f64();

    let start = Instant::now();
    let keys = key_ranks(&rows)?;
    let ranked = start.elapsed().as_secs_f64();

    let start = Instant::now();
    order_by_key(&mut rows, &keys, shape == Shape::Ledger);
    let ordered = start.elapsed().as_secs_f64();

    let db = csv_path.with_file_name("records_store.db");
    for suffix in ["", "-journal", "-wal", "-shm"] {
        let mut name = db.clone().into_os_string();
        name.push(suffix);
        match std::fs::remove_file(&name) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e.into()),
            _ => {}
        }
    }
    let conn = Connection::open(&db)?;
    conn.execute_batch(
        "PRAGMA page_size = 16384; PRAGMA cache_size = -32000; PRAGMA foreign_keys = OFF;
         PRAGMA ignore_check_constraints = ON; PRAGMA journal_mode = TRUNCATE;
         PRAGMA synchronous = FULL;",
    )?;
    match shape {
        Shape::Ledger | Shape::LedgerByKey => conn.execute_batch(include_str!("../schema.sql"))?,
        Shape::Records { quoted, indexed } => {
            let columns = if quoted { QUOTE_COLUMNS } else { "" };
            conn.execute_batch(&RECORD_TABLE.replace("{quote}", columns))?;
            if indexed {
                conn.execute_batch(RECORD_INDEX)?;
            }
        }
    }

    let start = Instant::now();
    conn.execute_batch("BEGIN")?;
    let created = match shape {
        Shape::Ledger | Shape::LedgerByKey => {
            let indexes =
                SetAsideIndexes::for_bulk_write(&conn, &["event", "citation"], rows.len())?;
            let created = write_events(&conn, &rows)?;
            indexes.rebuild(&conn)?;
            created
        }
        Shape::Records { quoted, .. } => write_records(&conn, &rows, quoted)?,
    };
    conn.execute_batch("COMMIT")?;
    let written = start.elapsed().as_secs_f64();

    let n = rows.len() as f64;
    println!(
        "{} rows ({created} new entries): read {read:.2} s, ranked {ranked:.2} s, \
         ordered {ordered:.2} s, \
         written {written:.2} s; {:.0} rows/s written, {:.0} rows/s in all",
        rows.len(),
        n / written,
        n / (read + ranked + ordered + written)
    );
    Ok(())
}

/// Each row's place in the order of (state, instrument, action, date) as one integer:
/// each text's rank among the distinct texts of its column, which orders as the texts do.
/// The import would have them from its validation, which looks up every state and
/// instrument anyway; here they cost a hash look-up a cell.
fn key_ranks(rows: &[Row]) -> Result<Vec<u64>, String> {
    fn ranks<'r>(rows: &'r [Row], column: impl Fn(&'r Row) -> &'r str) -> Vec<u64> {
        let mut rank: std::collections::HashMap<&str, u64> =
            rows.iter().map(|r| (column(r), 0)).collect();
        let mut distinct: Vec<&str> = rank.keys().copied().collect();
        distinct.sort_unstable();
        for (i, text) in distinct.iter().enumerate() {
            rank.insert(text, i as u64);
        }
        rows.iter().map(|r| rank[column(r)]).collect()
    }
    let [state, instrument, action, date] = [
        ranks(rows, |r| &r.state),
        ranks(rows, |r| &r.instrument),
        ranks(rows, |r| &r.action),
        ranks(rows, |r| &r.date),
    ];
    // 12 bits a state, 20 an instrument, 4 an action, 28 a date: ample for the corpus.
    for (column, ranks, bits) in [
        ("state", &state, 12),
        ("instrument", &instrument, 20),
        ("action", &action, 4),
        ("date", &date, 28),
    ] {
        if ranks.iter().any(|&r| r >> bits != 0) {
            return Err(format!("more distinct {column}s than {bits} bits can rank"));
        }
    }
    Ok((0..rows.len())
        .map(|i| state[i] << 52 | instrument[i] << 32 | action[i] << 28 | date[i])
        .collect())
}

/// Puts the rows in the order of their keys, then of their sources (which order the few
/// rows whose other columns agree), or `by_table` in the order of their sources, then of
/// their keys. Rows that agree on both keep the order of the file. A string sort of the
/// same rows took 0.7 s of 1M.
fn order_by_key(rows: &mut Vec<Row>, keys: &[u64], by_table: bool) {
    let mut order: Vec<(u64, u64, usize)> = keys
        .iter()
        .zip(rows.iter())
        .enumerate()
        .map(|(i, (&key, r))| match by_table {
            true => (r.source as u64, key, i),
            false => (key, r.source as u64, i),
        })
        .collect();
    order.sort_unstable();
    let mut taken: Vec<Option<Row>> = std::mem::take(rows).into_iter().map(Some).collect();
    rows.extend(order.iter().filter_map(|&(_, _, i)| taken[i].take()));
}

/// The CSV's rows; a row's source is numbered by its instrument, in order of appearance.
fn read_rows(path: &Path) -> Result<Vec<Row>, Box<dyn std::error::Error>> {
    let mut reader = csv::Reader::from_path(path)?;
    let mut sources: std::collections::HashMap<String, i64> = Default::default();
    let mut ends: Vec<i64> = Vec::new(); // each source's text length so far
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record?;
        let field = |i: usize| {
            record.get(i).map(str::to_string).ok_or_else(|| {
                format!(
                    "{}: line {:?}: missing field {i}",
                    path.display(),
                    record.position()
                )
            })
        };
        let instrument = field(1)?;
        let next = sources.len() as i64;
        let source = *sources.entry(instrument.clone()).or_insert(next);
        if ends.len() <= source as usize {
            ends.push(0);
        }
        let quote = record.iter().collect::<Vec<_>>().join(",");
        let at = ends[source as usize];
        ends[source as usize] = at + quote.len() as i64 + 1;
        rows.push(Row {
            state: field(0)?,
            instrument,
            action: field(2)?,
            date: field(3)?,
            source: source + 1,
            span: (at, at + quote.len() as i64),
            quote,
        });
    }
    Ok(rows)
}

/// Each row an event and its citation, as `records import` writes them.
fn write_events(conn: &Connection, rows: &[Row]) -> rusqlite::Result<usize> {
    let mut new_event = conn.prepare(row_sql::NEW_EVENT)?;
    let mut old_event = conn.prepare(row_sql::OLD_EVENT)?;
    let mut citation = conn.prepare(row_sql::CITATION)?;
    let mut created = 0;
    for r in rows {
        let key = params![r.state, r.instrument, r.action, r.date];
        let event =
            if new_event.execute(params![r.state, r.instrument, r.action, r.date, "day"])? == 1 {
                created += 1;
                conn.last_insert_rowid()
            } else {
                old_event.query_row(key, |row| row.get::<_, i64>(0))?
            };
        citation.execute(params![
            event,
            r.source,
            r.span.0,
            r.span.1,
            r.quote,
            "records:generic",
            r.state
        ])?;
    }
    Ok(created)
}

/// Each row one entry of the narrower store, with its quote or not.
fn write_records(conn: &Connection, rows: &[Row], quoted: bool) -> rusqlite::Result<usize> {
    let values = if quoted {
        "(?1, ?2, ?3, ?4, ?5, 'day', ?6, ?7, ?8, 'records:generic')"
    } else {
        "(?1, ?2, ?3, ?4, ?5, 'day', ?6, ?7)"
    };
    let mut record = conn.prepare(&format!(
        "INSERT INTO record VALUES {values} ON CONFLICT DO NOTHING"
    ))?;
    let mut created = 0;
    for r in rows {
        let (state, instrument, action, date) = (&r.state, &r.instrument, &r.action, &r.date);
        let (source, (start, end)) = (r.source, r.span);
        created += if quoted {
            record.execute(params![
                state, instrument, action, date, source, start, end, r.quote
            ])?
        } else {
            record.execute(params![state, instrument, action, date, source, start, end])?
        };
    }
    Ok(created)
}
