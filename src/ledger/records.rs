//! Official status records: importing status tables as `status_table` sources (and the
//! shipped UN tables into a new ledger), and fetching the records reconciliation needs.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;
use std::hash::BuildHasher;

use hashbrown::hash_map::DefaultHashBuilder;
use hashbrown::HashTable;

use rusqlite::{params, Connection};
use serde::Serialize;

use super::catalogue::{instrument_by_id, suggest_states};
use super::events::{write_source, SourceMeta, TextAt};
use super::staging::{self, StagedAct, Staging};
use super::{BulkTransaction, Ledger, SetAsideIndexes};
use crate::error::{Error, Problem, Result};
use crate::import::records::{
    Layout, RecordFile, RecordReader, RecordRow, SourceKey, SourceText, StatusSource,
    TableInstrument,
};
use crate::import::Located;
use crate::model::{LedgerDate, SourceKind};
use crate::reconcile::{OfficialRecord, Records};

/// The shipped UN status tables, loaded into every new ledger.
pub const SHIPPED_UNTC: &str = include_str!("../../data/untc_2026_participants.csv");
/// Their status date ("STATUS AS AT : 03-02-2026").
pub const SHIPPED_UNTC_AS_OF: &str = "2026-02-03";

/// The statements a records import writes each row with: its event (unless the ledger
/// holds it), the event it met, and its citation. Public so that
/// `examples/records_store.rs` measures the store with the very statements the import runs.
pub mod row_sql {
    /// ?1 state, ?2 instrument, ?3 action, ?4 date, ?5 precision.
    pub const NEW_EVENT: &str =
        "INSERT INTO event (state, instrument_id, action, stage, date, precision)
         VALUES (?1, ?2, ?3, 'international', ?4, ?5) ON CONFLICT DO NOTHING";
    /// ?1 state, ?2 instrument, ?3 action, ?4 date: the id of the event already there.
    pub const OLD_EVENT: &str =
        "SELECT id FROM event WHERE state = ?1 AND instrument_id = ?2 AND action = ?3
         AND stage = 'international' AND date = ?4";
    /// ?1 event, ?2 source, ?3 and ?4 the row's span, ?5 its text, ?6 extractor, ?7 state.
    pub const CITATION: &str =
        "INSERT INTO citation (event_id, source_id, span_start, span_end, quote,
                               highlights, extractor, confidence, date_basis, state)
         VALUES (?1, ?2, ?3, ?4, ?5, '[]', ?6, 1.0, 'stated', ?7) ON CONFLICT DO NOTHING";
}

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
    Ok(instrument_by_id(conn, id)?.map(|i| TableInstrument {
        id: i.id,
        title: i.title,
        url: i.url,
    }))
}

/// The lines a name was met on: the first few, and how many in all.
#[derive(Debug, Default)]
struct Lines {
    first: Vec<u64>,
    count: usize,
}

impl Lines {
    /// How many a message shows.
    const SHOWN: usize = 5;

    fn push(&mut self, line: u64) {
        if self.first.len() < Self::SHOWN {
            self.first.push(line);
        }
        self.count += 1;
    }

    /// "line 5" or "lines 5, 9, 12, 20, 33 and 40 more".
    fn describe(&self) -> String {
        let shown: Vec<String> = self.first.iter().map(u64::to_string).collect();
        let more = self.count.saturating_sub(Self::SHOWN);
        let tail = if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        };
        format!(
            "line{} {}{tail}",
            if self.count == 1 { "" } else { "s" },
            shown.join(", ")
        )
    }
}

/// One status-table source being filled as its rows come.
struct Group {
    key: SourceKey,
    /// Index into `TableWriter::known`.
    instrument: usize,
    text: SourceText,
    rows: usize,
}

/// Resolves the rows of one status table as they are read, inside an open transaction,
/// and stages the resolved ones by source ([`Staging`]). At the end it reports every
/// problem (nothing written) or writes the sources in the order of their keys, each with
/// its events and citations in the order of the events' keys
/// ([`staging::in_key_runs`]), so that they are numbered as if the file had been sorted by
/// source and then by act.
struct TableWriter {
    label: String,
    layout: Layout,
    skip_unknown: bool,
    header: String,
    /// Folded state name → the states it names.
    states: HashMap<String, Vec<String>>,
    /// A participant as the file writes it → the states its folded name names (`states`'
    /// answer, kept: a file names a few hundred participants in a million rows, and folding
    /// each row's name made a string of it).
    participants: hashbrown::HashMap<String, Option<Vec<String>>>,
    /// Instrument id as the file writes it → the instrument in `known`.
    instruments: hashbrown::HashMap<String, Option<usize>>,
    known: Vec<TableInstrument>,
    unknown_states: BTreeMap<String, Lines>,
    ambiguous: BTreeMap<String, (Lines, Vec<String>)>,
    unknown_instruments: BTreeMap<String, Lines>,
    /// The groups (indices into `sources`) by the hash of their keys' parts, so that a
    /// row finds its group from its own fields, borrowed ([`SourceKey::parts_of`]).
    groups: HashTable<usize>,
    /// aHash (hashbrown's): the three look-ups a row makes took 1.8% of an import's time
    /// with the standard library's SipHash.
    hasher: DefaultHashBuilder,
    sources: Vec<Group>,
    /// The text of the current row's date, written over for each row.
    date_text: String,
    staging: Staging,
    unknown_skipped: usize,
}

impl TableWriter {
    fn start(
        conn: &Connection,
        label: &str,
        layout: Layout,
        skip_unknown: bool,
        header: &str,
    ) -> Result<TableWriter> {
        Ok(TableWriter {
            label: label.to_string(),
            layout,
            skip_unknown,
            header: header.to_string(),
            states: state_index(conn)?,
            participants: hashbrown::HashMap::new(),
            instruments: hashbrown::HashMap::new(),
            known: Vec::new(),
            unknown_states: BTreeMap::new(),
            ambiguous: BTreeMap::new(),
            unknown_instruments: BTreeMap::new(),
            groups: HashTable::new(),
            hasher: DefaultHashBuilder::default(),
            sources: Vec::new(),
            date_text: String::new(),
            staging: Staging::default(),
            unknown_skipped: 0,
        })
    }

    /// Resolves one act's participant and instrument; stages it if both are known.
    fn add(&mut self, conn: &Connection, row: Located<RecordRow>) -> Result<()> {
        let r = &row.value;
        let instrument = match self.instruments.get(&r.instrument) {
            Some(&found) => found,
            None => {
                let found = table_instrument(conn, &r.instrument)?.map(|i| {
                    self.known.push(i);
                    self.known.len() - 1
                });
                self.instruments.insert(r.instrument.clone(), found);
                found
            }
        };
        if instrument.is_none() {
            self.unknown_instruments
                .entry(r.instrument.clone())
                .or_default()
                .push(row.line);
        }
        let states = &self.states;
        let codes = self
            .participants
            .entry_ref(r.participant.as_str())
            .or_insert_with(|| states.get(&super::catalogue::fold(&r.participant)).cloned());
        let state = match codes.as_ref() {
            Some(codes) if codes.len() == 1 => codes.first(),
            Some(codes) => {
                self.ambiguous
                    .entry(r.participant.clone())
                    .or_insert_with(|| (Lines::default(), codes.clone()))
                    .0
                    .push(row.line);
                None
            }
            None => {
                if self.skip_unknown {
                    self.unknown_skipped += 1;
                } else {
                    self.unknown_states
                        .entry(r.participant.clone())
                        .or_default()
                        .push(row.line);
                }
                None
            }
        };
        let (Some(state), Some(instrument)) = (state, instrument) else {
            return Ok(());
        };
        let parts = SourceKey::parts_of(r);
        let hash = self.hasher.hash_one(parts);
        let sources = &mut self.sources;
        let grp = match self.groups.find(hash, |&g| sources[g].key.parts() == parts) {
            Some(&grp) => grp,
            None => {
                sources.push(Group {
                    key: SourceKey::of(r),
                    instrument,
                    text: SourceText::new(&self.header),
                    rows: 0,
                });
                let hasher = &self.hasher;
                let rehash = |&g: &usize| hasher.hash_one(sources[g].key.parts());
                *self
                    .groups
                    .insert_unique(hash, sources.len() - 1, rehash)
                    .get()
            }
        };
        let group = &mut self.sources[grp];
        self.date_text.clear();
        // Writing into a String cannot fail.
        let _ = write!(self.date_text, "{}", r.date);
        let act = StagedAct {
            state,
            instrument: &self.known[instrument].id,
            action: r.action.as_str(),
            date: &self.date_text,
            precision: r.date.precision().as_str(),
            span: group.text.push(&r.row_text),
            row_text: &r.row_text,
        };
        self.staging
            .push(grp, &act)
            .map_err(|e| Error::io("(staged rows)", e))?;
        group.rows += 1;
        Ok(())
    }

    /// Every problem of the file (the reading's and the resolving's, by line) as an error,
    /// or the sources written in the order of their keys.
    fn finish(mut self, conn: &Connection, file: RecordFile) -> Result<RecordImport> {
        let (participant, instrument_column) = match self.layout {
            Layout::Untc => ("participant", "mtdsg_no"),
            Layout::Generic => ("state", "instrument"),
        };
        let mut problems = file.problems;
        for (name, at) in &self.unknown_states {
            let hint = match suggest_states(conn, &super::catalogue::fold(name))? {
                s if s.is_empty() => String::new(),
                s => format!("; did you mean: {}?", s.join(", ")),
            };
            problems.push(Problem::new(
                self.label.as_str(),
                at.first.first().copied(),
                Some(participant),
                format!(
                    "unknown state '{name}' ({}){hint}; add it as an alias or use --skip-unknown",
                    at.describe()
                ),
            ));
        }
        for (name, (at, codes)) in &self.ambiguous {
            problems.push(Problem::new(
                self.label.as_str(),
                at.first.first().copied(),
                Some(participant),
                format!(
                    "'{name}' names more than one state: {} ({})",
                    codes.join(", "),
                    at.describe()
                ),
            ));
        }
        for (id, at) in &self.unknown_instruments {
            problems.push(Problem::new(
                self.label.as_str(),
                at.first.first().copied(),
                Some(instrument_column),
                format!(
                    "unknown instrument '{id}' ({}); import it first with `instruments import`",
                    at.describe()
                ),
            ));
        }
        if !problems.is_empty() {
            problems.sort_by_key(|p| p.line); // stable: a line's problems keep their order
            return Err(Error::Invalid(problems));
        }
        let mut counts = RecordImport {
            unknown_skipped: self.unknown_skipped,
            skipped: file.skipped,
            ..RecordImport::default()
        };
        let mut order: Vec<usize> = (0..self.sources.len()).collect();
        order.sort_by(|&a, &b| self.sources[a].key.cmp(&self.sources[b].key));
        let acts = self.sources.iter().map(|g| g.rows).sum();
        let indexes = SetAsideIndexes::for_bulk_write(conn, &["event", "citation"], acts)?;
        for grp in order {
            let group = &self.sources[grp];
            let as_of = group
                .key
                .as_of
                .or(file.as_of)
                .ok_or_else(|| Error::Usage(format!("{}: --as-of is required", self.label)))?;
            let staged = self
                .staging
                .group(grp)
                .map_err(|e| Error::io("(staged rows)", e))?;
            let acts =
                || staging::acts(&staged).map(|a| a.map_err(|e| Error::io("(staged rows)", e)));
            let mut rows = Vec::with_capacity(group.rows);
            for act in acts() {
                rows.push(act?.row_text);
            }
            let text = SourceText::assemble(&self.header, rows);
            let instrument = &self.known[group.instrument];
            let source = StatusSource::new(&group.key, instrument, as_of, self.layout, text);
            let meta = SourceMeta {
                kind: SourceKind::StatusTable,
                hash: &source.hash,
                origin: &self.label,
                format: "csv",
                url: source.url.as_deref(),
                title: Some(&source.title),
                publisher: source.publisher,
                author: None,
                published: Some(source.published.to_string()),
                text: TextAt::Own(&super::pack_text(&source.text)?),
            };
            let recorded = write_source(conn, &meta, &[], &[])?;
            counts.records += group.rows;
            if !recorded.new {
                counts.sources_present += 1;
                counts.already_present += group.rows;
                continue;
            }
            let mut new_event = conn.prepare_cached(row_sql::NEW_EVENT)?;
            let mut old_event = conn.prepare_cached(row_sql::OLD_EVENT)?;
            let mut citation = conn.prepare_cached(row_sql::CITATION)?;
            let mut created = 0;
            // The instruments this table records (one, as rows are grouped by instrument).
            let mut recorded_instruments: Vec<&str> = Vec::new();
            staging::in_key_runs(acts(), staging::KEY_RUN, |a| {
                let event = if new_event.execute(params![
                    a.state,
                    a.instrument,
                    a.action,
                    a.date,
                    a.precision
                ])? == 1
                {
                    created += 1;
                    conn.last_insert_rowid()
                } else {
                    old_event.query_row(params![a.state, a.instrument, a.action, a.date], |r| {
                        r.get::<_, i64>(0)
                    })?
                };
                let cited = citation.execute(params![
                    event,
                    recorded.source_id,
                    a.span.start as i64,
                    a.span.end as i64,
                    a.row_text,
                    self.layout.extractor(),
                    a.state
                ])?;
                if cited == 1 && !recorded_instruments.contains(&a.instrument) {
                    recorded_instruments.push(a.instrument);
                }
                Ok(())
            })?;
            let mut records_instrument = conn.prepare_cached(
                "INSERT OR IGNORE INTO table_instrument (instrument_id, source_id) VALUES (?1, ?2)",
            )?;
            for instrument in &recorded_instruments {
                records_instrument.execute(params![instrument, recorded.source_id])?;
            }
            counts.sources += 1;
            counts.new_events += created;
            counts.already_present += group.rows - created;
        }
        indexes.rebuild(conn)?;
        Ok(counts)
    }
}

/// Loads the shipped UN status tables into a new ledger (inside its creating transaction).
pub(super) fn load_shipped(conn: &Connection) -> Result<()> {
    const FILE: &str = "data/untc_2026_participants.csv";
    let bad = |e: Error| Error::ShippedData {
        file: FILE,
        message: e.to_string(),
    };
    let as_of = LedgerDate::parse_iso(SHIPPED_UNTC_AS_OF).map_err(bad)?;
    let reader = RecordReader::open(SHIPPED_UNTC.as_bytes(), FILE, Layout::Untc, Some(as_of))
        .map_err(bad)?;
    let mut writer =
        TableWriter::start(conn, FILE, Layout::Untc, false, reader.header()).map_err(bad)?;
    let file = reader.read(|row| writer.add(conn, row)).map_err(bad)?;
    writer.finish(conn, file).map_err(bad)?;
    Ok(())
}

/// A status-table import under way: one transaction, each act resolved and staged as it is
/// read; [`StatusTableImport::finish`] writes the sources and commits, or reports every
/// problem and writes nothing.
pub struct StatusTableImport<'a> {
    tx: BulkTransaction<'a>,
    writer: TableWriter,
}

impl StatusTableImport<'_> {
    /// Takes one act as it is read.
    pub fn add(&mut self, row: Located<RecordRow>) -> Result<()> {
        self.writer.add(&self.tx, row)
    }

    /// Commits when `read` (the reading of the file) and every row went well; otherwise
    /// rolls back and reports every problem, by line.
    pub fn finish(self, read: Result<RecordFile>) -> Result<RecordImport> {
        let counts = self.writer.finish(&self.tx, read?)?;
        self.tx.commit()?;
        Ok(counts)
    }
}

impl Ledger {
    /// Starts importing a status table whose header line is `header`, in one transaction:
    /// every act becomes an event cited by the table's row. Unknown participants are an
    /// error naming each with its lines (or are skipped with `skip_unknown`); unknown
    /// instruments are an error. Importing the same file again changes nothing.
    pub fn import_records(
        &mut self,
        label: &str,
        header: &str,
        layout: Layout,
        skip_unknown: bool,
    ) -> Result<StatusTableImport<'_>> {
        let tx = BulkTransaction::begin(&self.conn)?;
        let writer = TableWriter::start(&tx, label, layout, skip_unknown, header)?;
        Ok(StatusTableImport { tx, writer })
    }

    /// What reconciling events of these (state, instrument) pairs needs: the records of
    /// each pair, and for each instrument whether tables record it and how recently. A
    /// listing of one state reads neither the records of other states nor every event
    /// on its instruments.
    pub fn records_of(&self, pairs: &[(&str, &str)]) -> Result<Records> {
        // The `record` view's rows of the pair, reached from the tables that record the
        // instrument (`table_instrument`) rather than from the events: an event's news
        // citations would each fetch its article's source row, scattered over the ledger
        // file, only to find it is not a table. (`+c.state` keeps SQLite from reading every
        // citation of the state through `citation_by_state` for each pair instead.)
        let mut of_pair = self.conn.prepare_cached(
            "SELECT e.id, e.state, e.instrument_id, e.action, e.date, c.id, s.id,
                    s.title, s.url, s.published, c.quote
             FROM table_instrument t
             JOIN source s ON s.id = t.source_id AND s.kind = 'status_table'
             JOIN citation c ON c.source_id = t.source_id
             JOIN event e ON e.id = c.event_id AND e.instrument_id = t.instrument_id
             WHERE t.instrument_id = ?2 AND +c.state = ?1 AND e.stage = 'international'
             ORDER BY e.date, e.id, c.id",
        )?;
        let mut tables_of = self.conn.prepare_cached(
            "SELECT s.published FROM table_instrument t JOIN source s ON s.id = t.source_id
             WHERE t.instrument_id = ?1",
        )?;
        let mut sorted = pairs.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        let mut out = Records::default();
        // Records exist only of instruments some table records: the pairs of the others
        // (most of a state's, usually) need no look at their events.
        let mut untabled: HashSet<&str> = HashSet::new();
        for &(state, instrument) in &sorted {
            if untabled.contains(instrument) {
                continue;
            }
            if !out.tables.contains_key(instrument) {
                let mut rows = tables_of.query([instrument])?;
                let mut tables = None;
                while let Some(r) = rows.next()? {
                    let published: Option<String> = r.get(0)?;
                    let as_of = published.and_then(|d| LedgerDate::parse_iso(&d).ok());
                    tables = Some(tables.flatten().max(as_of));
                }
                match tables {
                    Some(latest) => out.tables.insert(instrument.to_string(), latest),
                    None => {
                        untabled.insert(instrument);
                        continue;
                    }
                };
            }
            out.records
                .extend(read_records(of_pair.query([state, instrument])?)?);
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The rows of a generic table of `n` acts over a few instruments and titles, in a
    /// scrambled order, each with the key of its source (instrument, title, as_of). Titles
    /// hold commas, quotes and a line end; the file has CRLF line ends.
    fn rows(n: usize) -> Vec<((&'static str, usize, bool), String)> {
        let states = ["AZE", "FRA", "DEU", "NOR", "CHL", "Cook Islands"];
        let instruments = ["CETS-216", "UNTC-IV-15", "untc-xviii-10", "UNTC-XXVII-7"];
        let titles = [
            "",
            "\"Chart, \"\"as kept\"\"\r\nby the depositary\"",
            "Table",
        ];
        (0..n)
            .map(|i| {
                let k = (i * 7919) % n; // a scramble of 0..n
                let (instrument, title, own_as_of) = (
                    instruments[k % instruments.len()],
                    k % 3,
                    k.is_multiple_of(5),
                );
                let line = format!(
                    "{},{instrument},{},{}-{:02}-{:02},{},{}\r\n",
                    states[k % states.len()],
                    ["signature", "ratification", "accession"][k % 3],
                    1950 + k / 300,
                    1 + (k / 28) % 12,
                    1 + k % 28,
                    titles[title],
                    if own_as_of { "2024-01-15" } else { "" }
                );
                ((instrument, title, own_as_of), line)
            })
            .collect()
    }

    /// A table file of these rows: a BOM, the header, with `blank` a blank line after
    /// every hundredth row (the row after a blank line quotes it, as it always did: its
    /// text starts where the reading of it started).
    fn table<'r>(rows: impl Iterator<Item = &'r String>, blank: bool) -> String {
        let mut csv = String::from("\u{feff}state,instrument,action,date,source_title,as_of\r\n");
        for (i, row) in rows.enumerate() {
            csv.push_str(row);
            if blank && i.is_multiple_of(100) {
                csv.push_str("\r\n");
            }
        }
        csv
    }

    /// Imports `csv` into a new in-memory ledger whose staging keeps at most `budget` bytes
    /// in memory; every table of the ledger after, and whether the staging spilled.
    fn import(csv: &str, acts: usize, budget: usize) -> (Vec<String>, bool) {
        let mut ledger = Ledger::open_in_memory_with(false).expect("ledger");
        let as_of = LedgerDate::parse_iso("2025-01-01").ok();
        let reader =
            RecordReader::open(csv.as_bytes(), "t.csv", Layout::Generic, as_of).expect("header");
        let tx = ledger.conn.transaction().expect("tx");
        let mut writer = TableWriter::start(&tx, "t.csv", Layout::Generic, false, reader.header())
            .expect("start");
        writer.staging = Staging::with_budget(budget);
        let file = reader.read(|row| writer.add(&tx, row)).expect("read");
        let spilled = writer.staging.spilled;
        let counts = writer.finish(&tx, file).expect("finish");
        tx.commit().expect("commit");
        assert_eq!(counts.records, acts);
        let mut rows = Vec::new();
        for table in ["source", "event", "citation"] {
            let mut stmt = ledger
                .conn
                .prepare(&format!("SELECT * FROM {table} ORDER BY 1"))
                .expect("select");
            let n = stmt.column_count();
            let mut all = stmt.query([]).expect("rows");
            while let Some(r) = all.next().expect("row") {
                let cells: Vec<String> = (0..n)
                    .map(|i| format!("{:?}", r.get_ref(i).expect("cell")))
                    .collect();
                rows.push(format!("{table}: {}", cells.join(" | ")));
            }
        }
        // Every citation quotes its row, and the span finds the row in the source's text.
        let mut stmt = ledger
            .conn
            .prepare(
                "SELECT s.id, c.span_start, c.span_end, c.quote FROM citation c
                 JOIN source s ON s.id = c.source_id",
            )
            .expect("citations");
        let mut cited = stmt.query([]).expect("rows");
        let mut count = 0;
        while let Some(r) = cited.next().expect("row") {
            let text =
                crate::ledger::stored_text(&ledger.conn, r.get(0).expect("id")).expect("text");
            let (start, end): (i64, i64) = (r.get(1).expect("start"), r.get(2).expect("end"));
            let quote: String = r.get(3).expect("quote");
            assert_eq!(&text[start as usize..end as usize], quote);
            assert!(!quote.contains('\r') && !quote.ends_with('\n'), "{quote:?}");
            let line_of_file = quote.replace('\n', "\r\n") + "\r\n";
            assert!(
                csv.contains(&line_of_file),
                "the row as the file has it: {quote:?}"
            );
            count += 1;
        }
        assert!(count > 0);
        (rows, spilled)
    }

    #[test]
    fn a_staged_table_quotes_every_row_at_its_span_whether_it_spilled_or_not() {
        let rows = rows(3000);
        let csv = table(rows.iter().map(|(_, line)| line), true);
        let (in_memory, spilled) = import(&csv, rows.len(), usize::MAX);
        assert!(!spilled);
        let (through_a_file, spilled) = import(&csv, rows.len(), 4096);
        assert!(spilled, "a small budget sends the staged rows to the file");
        assert_eq!(in_memory, through_a_file);

        // Numbered as if the file had been sorted by source (a stable sort: each source
        // keeps its rows in the order the file gives them).
        let mut sorted: Vec<&((&str, usize, bool), String)> = rows.iter().collect();
        sorted.sort_by_key(|(key, _)| *key);
        let scrambled = table(rows.iter().map(|(_, line)| line), false);
        let sorted_csv = table(sorted.iter().map(|(_, line)| line), false);
        assert_ne!(sorted_csv, scrambled);
        let (from_scrambled, _) = import(&scrambled, rows.len(), 4096);
        let (from_sorted, _) = import(&sorted_csv, rows.len(), usize::MAX);
        assert!(
            from_scrambled == from_sorted,
            "the same ledger from either order"
        );
    }
}
