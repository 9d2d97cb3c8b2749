//! Sources, events and citations: recording what documents claim, and listing entries.

use std::collections::{HashMap, HashSet};

use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::Serialize;

use super::packed::{TextReader, STORED_TEXT_COLUMNS, STORED_TEXT_JOINS};
use super::{opt, Ledger};
use crate::error::{Error, Result};
use crate::model::{
    Action, Claim, DateBasis, Document, LedgerDate, SourceKind, Span, Stage, UnresolvedMention,
};

/// What recording one source did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Recorded {
    pub source_id: i64,
    /// False when a source with the same normalised text was already in the ledger.
    pub new: bool,
    pub claims: usize,
    pub events_created: usize,
    /// Events that were already in the ledger and gained a citation from this source.
    pub events_corroborated: usize,
}

/// An event entered by hand with the citation it rests on (`treaty-ledger record`).
#[derive(Debug, Clone)]
pub struct ManualEntry {
    pub state: String,
    pub instrument: String,
    pub action: Action,
    pub stage: Stage,
    pub date: LedgerDate,
    pub source_url: String,
    pub source_title: Option<String>,
    pub publisher: Option<String>,
    pub published: Option<String>,
    pub quote: String,
}

/// Which entries a listing shows.
#[derive(Debug, Clone, Default)]
pub struct EventFilter {
    pub state: Option<String>,
    pub instrument: Option<String>,
    pub actions: Vec<Action>,
    pub stage: Option<Stage>,
    pub since: Option<LedgerDate>,
    pub until: Option<LedgerDate>,
}

/// One cited passage behind an event.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CitationEntry {
    pub id: i64,
    pub source_id: i64,
    pub source_kind: SourceKind,
    pub url: Option<String>,
    pub title: Option<String>,
    pub publisher: Option<String>,
    pub published: Option<String>,
    pub span: Span,
    pub quote: String,
    pub highlights: Vec<Span>,
    pub extractor: String,
    pub confidence: f64,
    pub date_basis: DateBasis,
}

/// One ledger entry with its citations.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EventEntry {
    pub id: i64,
    pub state: String,
    pub state_name: String,
    pub instrument: String,
    pub instrument_title: String,
    pub action: Action,
    pub stage: Stage,
    pub date: LedgerDate,
    pub precision: crate::model::Precision,
    pub citations: Vec<CitationEntry>,
    /// Its citations counted by the kind of their sources (filled by both listings; only
    /// [`Ledger::events`] reads the citations themselves).
    #[serde(skip)]
    pub support: Support,
}

/// What an entry rests on: how many of its citations come from official status tables and
/// how many from articles or entries made by hand. Reconciling needs no more than this.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Support {
    pub tables: usize,
    pub others: usize,
}

impl Support {
    pub fn of(citations: &[CitationEntry]) -> Support {
        let tables = citations
            .iter()
            .filter(|c| c.source_kind == SourceKind::StatusTable)
            .count();
        Support {
            tables,
            others: citations.len() - tables,
        }
    }

    pub fn total(self) -> usize {
        self.tables + self.others
    }
}

impl std::ops::AddAssign for Support {
    fn add_assign(&mut self, other: Support) {
        self.tables += other.tables;
        self.others += other.others;
    }
}

/// Which sources a ledger file holds, asked through a connection of its own (see
/// [`Ledger::source_index`]): it sees what is committed, not what an open writer wrote.
pub struct SourceIndex {
    conn: Connection,
}

impl SourceIndex {
    /// Which of `hashes` (a chunk of documents') are recorded, in their order: one query
    /// for the chunk, where a query a hash spent a third of a re-ingest's serial look-ups
    /// binding, running and resetting the statement.
    pub fn known(&self, hashes: &[&str]) -> Result<Vec<bool>> {
        let list = serde_json::to_string(hashes)
            .map_err(|e| Error::StoredText(format!("listing hashes: {e}")))?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT h.key FROM json_each(?1) h
             WHERE EXISTS (SELECT 1 FROM source WHERE hash = h.value)",
        )?;
        let mut known = vec![false; hashes.len()];
        let rows = stmt.query_map([list], |r| r.get::<_, usize>(0))?;
        for k in rows {
            if let Some(slot) = known.get_mut(k?) {
                *slot = true;
            }
        }
        Ok(known)
    }
}

/// A write transaction: every source recorded through it lands together or not at all.
pub struct Writer<'a> {
    tx: Transaction<'a>,
}

/// A source's metadata as stored.
pub struct SourceMeta<'a> {
    pub kind: SourceKind,
    pub hash: &'a str,
    pub origin: &'a str,
    pub format: &'a str,
    pub url: Option<&'a str>,
    pub title: Option<&'a str>,
    pub publisher: Option<&'a str>,
    pub author: Option<&'a str>,
    pub published: Option<String>,
    /// Where its text is stored.
    pub text: TextAt<'a>,
}

/// Where a source's text is stored.
#[derive(Debug, Clone, Copy)]
pub enum TextAt<'a> {
    /// In a frame of its own ([`super::pack_text`]).
    Own(&'a [u8]),
    /// In pack `pack_id` ([`Writer::add_text_pack`]), bytes `start..end` of it unpacked.
    Pack {
        pack_id: i64,
        start: usize,
        end: usize,
    },
}

impl<'a> SourceMeta<'a> {
    pub fn article(doc: &'a Document, hash: &'a str, text: TextAt<'a>) -> Self {
        SourceMeta {
            kind: SourceKind::Article,
            hash,
            origin: &doc.origin,
            format: &doc.format,
            url: doc.url.as_deref(),
            title: doc.title.as_deref(),
            publisher: doc.publisher.as_deref(),
            author: doc.author.as_deref(),
            published: doc.published.map(|d| d.to_string()),
            text,
        }
    }
}

/// A confidence as the ledger keeps and gives it: three decimals, all that a claim's 32-bit
/// float knows (0.9, not the 0.8999999761581421 it widens to; ledgers written before this
/// was so read back the same).
fn stored_confidence(confidence: f64) -> f64 {
    (confidence * 1000.0).round() / 1000.0
}

fn spans_json(spans: &[Span]) -> String {
    let pairs: Vec<[usize; 2]> = spans.iter().map(|s| [s.start, s.end]).collect();
    serde_json::to_string(&pairs).unwrap_or_else(|_| "[]".to_string())
}

/// Records a source with its claims and unresolved mentions inside an open transaction. A
/// source whose hash is already in the ledger adds nothing.
pub(super) fn write_source(
    tx: &Connection,
    source: &SourceMeta,
    claims: &[Claim],
    unresolved: &[UnresolvedMention],
) -> Result<Recorded> {
    let own_frame: &[u8] = match source.text {
        TextAt::Own(packed) => packed,
        TextAt::Pack { .. } => &[],
    };
    // No RETURNING: SQLite gathers what it returns in a temporary table, set up and torn
    // down for every row, which cost more than the insert itself.
    let added = tx
        .prepare_cached(
            "INSERT INTO source (hash, kind, origin, format, url, title, publisher, author, published, packed_text)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
             ON CONFLICT (hash) DO NOTHING",
        )?
        .execute(params![
            source.hash,
            source.kind.as_str(),
            source.origin,
            source.format,
            source.url,
            source.title,
            source.publisher,
            source.author,
            source.published,
            own_frame
        ])?;
    if added == 0 {
        let id = tx
            .prepare_cached("SELECT id FROM source WHERE hash = ?1")?
            .query_row([source.hash], |r| r.get(0))?;
        return Ok(Recorded {
            source_id: id,
            ..Recorded::default()
        });
    }
    let source_id = tx.last_insert_rowid();
    if let TextAt::Pack {
        pack_id,
        start,
        end,
    } = source.text
    {
        tx.prepare_cached(
            "INSERT INTO source_text (source_id, pack_id, text_start, text_end)
             VALUES (?1, ?2, ?3, ?4)",
        )?
        .execute(params![source_id, pack_id, start as i64, end as i64])?;
    }
    insert_claims(tx, source_id, claims, unresolved)
}

/// Cites each claim from a recorded source, creating the events that are new.
fn insert_claims(
    tx: &Connection,
    source_id: i64,
    claims: &[Claim],
    unresolved: &[UnresolvedMention],
) -> Result<Recorded> {
    let mut recorded = Recorded {
        source_id,
        new: true,
        claims: claims.len(),
        ..Recorded::default()
    };
    let mut new_event = tx.prepare_cached(
        "INSERT INTO event (state, instrument_id, action, stage, date, precision)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT DO NOTHING",
    )?;
    let mut old_event = tx.prepare_cached(
        "SELECT id FROM event
         WHERE state = ?1 AND instrument_id = ?2 AND action = ?3 AND stage = ?4 AND date = ?5",
    )?;
    let mut citation = tx.prepare_cached(
        "INSERT INTO citation (event_id, source_id, span_start, span_end, quote, highlights,
                               extractor, confidence, date_basis, state)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) ON CONFLICT DO NOTHING",
    )?;
    let mut created = HashSet::new();
    let mut corroborated = HashSet::new();
    for claim in claims {
        let date = claim.date.to_string();
        let key = params![
            claim.state,
            claim.instrument,
            claim.action.as_str(),
            claim.stage.as_str(),
            date
        ];
        let added = new_event.execute(params![
            claim.state,
            claim.instrument,
            claim.action.as_str(),
            claim.stage.as_str(),
            date,
            claim.date.precision().as_str()
        ])?;
        let event_id = match added {
            1 => {
                let id = tx.last_insert_rowid();
                created.insert(id);
                id
            }
            _ => {
                let id: i64 = old_event.query_row(key, |r| r.get(0))?;
                if !created.contains(&id) {
                    corroborated.insert(id);
                }
                id
            }
        };
        citation.execute(params![
            event_id,
            source_id,
            claim.span.start as i64,
            claim.span.end as i64,
            claim.quote,
            spans_json(&claim.highlights),
            claim.extractor,
            stored_confidence(f64::from(claim.confidence.clamp(0.0, 1.0))),
            claim.date_basis.as_str(),
            claim.state
        ])?;
    }
    let mut mention = tx.prepare_cached(
        "INSERT OR IGNORE INTO unresolved_mention (source_id, span_start, span_end, text)
         VALUES (?1, ?2, ?3, ?4)",
    )?;
    for m in unresolved {
        mention.execute(params![
            source_id,
            m.span.start as i64,
            m.span.end as i64,
            m.text
        ])?;
    }
    recorded.events_created = created.len();
    recorded.events_corroborated = corroborated.len();
    Ok(recorded)
}

impl Writer<'_> {
    /// Records a source with its claims and unresolved mentions. A source whose hash is
    /// already in the ledger adds nothing.
    pub fn record_source(
        &mut self,
        source: &SourceMeta,
        claims: &[Claim],
        unresolved: &[UnresolvedMention],
    ) -> Result<Recorded> {
        write_source(&self.tx, source, claims, unresolved)
    }

    /// Records an article, its text stored at `text`, with what extraction found in it.
    pub fn record_document(
        &mut self,
        doc: &Document,
        hash: &str,
        text: TextAt,
        claims: &[Claim],
        unresolved: &[UnresolvedMention],
    ) -> Result<Recorded> {
        self.record_source(&SourceMeta::article(doc, hash, text), claims, unresolved)
    }

    /// Stores a frame of texts packed together ([`super::pack_texts`]); the sources
    /// recorded with [`TextAt::Pack`] of its id find their texts in it.
    pub fn add_text_pack(&mut self, packed: &[u8]) -> Result<i64> {
        self.tx
            .prepare_cached("INSERT INTO text_pack (packed) VALUES (?1)")?
            .execute([packed])?;
        Ok(self.tx.last_insert_rowid())
    }

    /// Removes a pack that no source's text turned out to be in (each of its documents was
    /// known already, as a second copy of one earlier in the same file).
    pub fn remove_text_pack(&mut self, pack_id: i64) -> Result<()> {
        self.tx
            .prepare_cached(
                "DELETE FROM text_pack WHERE id = ?1
                 AND NOT EXISTS (SELECT 1 FROM source_text WHERE pack_id = ?1)",
            )?
            .execute([pack_id])?;
        Ok(())
    }

    /// Replaces what an extractor found in a stored source (`reextract`): its citations and
    /// unresolved mentions are dropped, the new claims cited, and events left without any
    /// citation removed. Returns the events removed and what recording did.
    pub fn replace_claims(
        &mut self,
        source_id: i64,
        claims: &[Claim],
        unresolved: &[UnresolvedMention],
    ) -> Result<(usize, Recorded)> {
        self.tx.execute(
            "CREATE TEMP TABLE IF NOT EXISTS touched_event (id INTEGER PRIMARY KEY)",
            [],
        )?;
        self.tx.execute("DELETE FROM touched_event", [])?;
        self.tx.execute(
            "INSERT OR IGNORE INTO touched_event SELECT event_id FROM citation WHERE source_id = ?1",
            [source_id],
        )?;
        self.tx
            .execute("DELETE FROM citation WHERE source_id = ?1", [source_id])?;
        self.tx.execute(
            "DELETE FROM unresolved_mention WHERE source_id = ?1",
            [source_id],
        )?;
        let recorded = insert_claims(&self.tx, source_id, claims, unresolved)?;
        let removed = self.tx.execute(
            "DELETE FROM event WHERE id IN (SELECT id FROM touched_event)
             AND NOT EXISTS (SELECT 1 FROM citation c WHERE c.event_id = event.id)",
            [],
        )?;
        Ok((
            removed,
            Recorded {
                new: false,
                ..recorded
            },
        ))
    }

    /// Whether a source with this hash is already recorded.
    pub fn is_known(&self, hash: &str) -> Result<bool> {
        Ok(self
            .tx
            .prepare_cached("SELECT 1 FROM source WHERE hash = ?1")?
            .exists([hash])?)
    }

    pub fn commit(self) -> Result<()> {
        self.tx.commit()?;
        Ok(())
    }
}

impl Ledger {
    /// Starts a write transaction (taking the write lock at once, so that concurrent
    /// writers queue on the busy timeout instead of failing mid-way).
    pub fn writer(&mut self) -> Result<Writer<'_>> {
        Ok(Writer {
            tx: self
                .conn
                .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?,
        })
    }

    /// A second connection to the ledger file, read-only, that tells which sources are
    /// recorded (committed) while a [`Writer`] of this ledger is open on another thread.
    /// `None` for a ledger in memory, which no second connection can see.
    pub fn source_index(&self) -> Result<Option<SourceIndex>> {
        let Some(path) = self.conn.path().filter(|p| !p.is_empty()) else {
            return Ok(None);
        };
        let conn = Connection::open_with_flags(
            path,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(super::BUSY_TIMEOUT)?;
        // The index of hashes is probed at random: as much cache as the writer's, or most
        // probes of a large ledger would read their page again.
        conn.execute_batch(super::CACHE_SIZE)?;
        Ok(Some(SourceIndex { conn }))
    }

    /// Whether a source with this hash is already recorded.
    pub fn is_known_source(&self, hash: &str) -> Result<bool> {
        Ok(self
            .conn
            .prepare_cached("SELECT 1 FROM source WHERE hash = ?1")?
            .exists([hash])?)
    }

    /// The stored articles, as documents again (for `reextract`), by id.
    pub fn articles(&self) -> Result<Vec<(i64, Document)>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT s.id, s.origin, s.format, s.title, s.url, s.publisher, s.author, s.published,
                    {STORED_TEXT_COLUMNS}
             FROM source s {STORED_TEXT_JOINS} WHERE s.kind = 'article' ORDER BY s.id"
        ))?;
        let mut rows = stmt.query([])?;
        let mut texts = TextReader::default();
        let mut articles = Vec::new();
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            let published: Option<String> = r.get(7)?;
            articles.push((
                id,
                Document {
                    origin: r.get::<_, Option<String>>(1)?.unwrap_or_default(),
                    format: r.get::<_, Option<String>>(2)?.unwrap_or_default(),
                    text: texts.read(id, r, 8)?,
                    title: r.get(3)?,
                    url: r.get(4)?,
                    publisher: r.get(5)?,
                    author: r.get(6)?,
                    published: published.and_then(|p| p.parse().ok()),
                },
            ));
        }
        Ok(articles)
    }

    /// Records an event entered by hand, with its citation. Entering the same citation
    /// again changes nothing.
    pub fn record_manual(&mut self, entry: &ManualEntry) -> Result<Recorded> {
        let state = self.resolve_state(&entry.state)?;
        let instrument = self.resolve_instrument(&entry.instrument)?;
        let quote = entry.quote.trim();
        if quote.is_empty() {
            return Err(Error::Usage(
                "--quote: the cited words may not be empty".into(),
            ));
        }
        let hash = crate::document::content_hash(&format!(
            "manual\n{}\n{}\n{}\n{}\n{}\n{}\n{}",
            entry.source_url,
            state.iso3,
            instrument.id,
            entry.action,
            entry.stage,
            entry.date,
            quote
        ));
        let claim = Claim {
            state: state.iso3.clone(),
            instrument: instrument.id.clone(),
            action: entry.action,
            stage: entry.stage,
            date: entry.date,
            date_basis: DateBasis::Stated,
            span: Span::new(0, quote.len()),
            quote: quote.to_string(),
            highlights: Vec::new(),
            extractor: "manual".to_string(),
            confidence: 1.0,
        };
        let source = SourceMeta {
            kind: SourceKind::Manual,
            hash: &hash,
            origin: "record",
            format: "manual",
            url: Some(entry.source_url.as_str()),
            title: opt(&entry.source_title),
            publisher: opt(&entry.publisher),
            author: None,
            published: entry.published.clone(),
            text: TextAt::Own(&super::pack_text(quote)?),
        };
        let mut writer = self.writer()?;
        let recorded = writer.record_source(&source, &[claim], &[])?;
        writer.commit()?;
        Ok(recorded)
    }

    /// Ledger entries with their citations, oldest first.
    pub fn events(&self, filter: &EventFilter) -> Result<Vec<EventEntry>> {
        let mut out = self.listing(
            filter,
            "c.id, c.source_id, src.kind, src.url, src.title, src.publisher, src.published,
             c.span_start, c.span_end, c.quote, c.highlights, c.extractor, c.confidence,
             c.date_basis",
            "LEFT JOIN source src ON src.id = c.source_id",
            |entry, r| {
                let at = |k: usize| CITATION_COLUMNS + k;
                let Some(citation_id) = r.get::<_, Option<i64>>(at(0))? else {
                    return Ok(());
                };
                let kind: String = r.get(at(2))?;
                let highlights: String = r.get(at(10))?;
                let highlights: Vec<[usize; 2]> =
                    serde_json::from_str(&highlights).unwrap_or_default();
                let basis: String = r.get(at(13))?;
                let span = Span::new(
                    r.get::<_, i64>(at(7))? as usize,
                    r.get::<_, i64>(at(8))? as usize,
                );
                entry.citations.push(CitationEntry {
                    id: citation_id,
                    source_id: r.get(at(1))?,
                    source_kind: kind.parse()?,
                    url: r.get(at(3))?,
                    title: r.get(at(4))?,
                    publisher: r.get(at(5))?,
                    published: r.get(at(6))?,
                    span,
                    quote: r.get(at(9))?,
                    highlights: highlights.iter().map(|[a, b]| Span::new(*a, *b)).collect(),
                    extractor: r.get(at(11))?,
                    confidence: stored_confidence(r.get(at(12))?),
                    date_basis: basis.parse()?,
                });
                Ok(())
            },
        )?;
        for e in &mut out {
            e.citations.sort_unstable_by_key(|c| c.id);
            e.support = Support::of(&e.citations);
        }
        Ok(out)
    }

    /// Ledger entries with their citations counted, not read (`citations` stays empty):
    /// what a listing shows as a table. It reads the keys of the citations alone, and a
    /// citation is a status table's when the table records the event's instrument
    /// (`table_instrument`, a row for each table and instrument: read once, where a
    /// look-up for each citation took a B-tree descent by text key).
    pub fn events_counted(&self, filter: &EventFilter) -> Result<Vec<EventEntry>> {
        let mut recorded: HashMap<i64, Vec<String>> = HashMap::new();
        let mut stmt = self
            .conn
            .prepare_cached("SELECT source_id, instrument_id FROM table_instrument")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            recorded.entry(r.get(0)?).or_default().push(r.get(1)?);
        }
        self.listing(filter, "c.source_id", "", |entry, r| {
            if let Some(source) = r.get::<_, Option<i64>>(CITATION_COLUMNS)? {
                let table = recorded
                    .get(&source)
                    .is_some_and(|instruments| instruments.contains(&entry.instrument));
                match table {
                    true => entry.support.tables += 1,
                    false => entry.support.others += 1,
                }
            }
            Ok(())
        })
    }

    /// The entries `filter` selects, oldest first: each row gives an entry's
    /// [`ENTRY_COLUMNS`] and, from column [`CITATION_COLUMNS`] on, `columns` of one of its
    /// citations `c` (and what `joins` adds), which `cite` takes into the entry.
    /// - The rows come in the order SQLite reads them (a state's by its key on events) and
    ///   the entries are put in order here: SQLite's ORDER BY sorted every citation's row,
    ///   titles and all, and took a fifth of a state's listing (`list --state`, 6,344
    ///   entries: 52M of 283M instructions).
    /// - The names of states and titles of instruments are read once each, not joined to
    ///   every event: a descent of the instruments' key by text for each entry.
    fn listing(
        &self,
        filter: &EventFilter,
        columns: &str,
        joins: &str,
        mut cite: impl FnMut(&mut EventEntry, &rusqlite::Row) -> Result<()>,
    ) -> Result<Vec<EventEntry>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {ENTRY_COLUMNS}, {columns} {ENTRY_JOINS} {joins} WHERE {}",
            filter.where_clause()
        ))?;
        let mut listing = Listing {
            entries: Vec::new(),
            at: HashMap::new(),
            names: HashMap::new(),
            titles: HashMap::new(),
        };
        let mut rows = stmt.query(params![filter.state, filter.instrument])?;
        while let Some(r) = rows.next()? {
            cite(listing.entry_of(&self.conn, r)?, r)?;
        }
        let mut out = listing.entries;
        out.retain(|e| filter.keeps(e));
        // Oldest first, as the text of the dates sorts (`2023` before `2023-01` before
        // `2023-01-05`: the order of `LedgerDate`), then by the event's key. The entries'
        // places are sorted, not the entries, which are large to move.
        fn key(e: &EventEntry) -> (LedgerDate, &str, &str, &str, &str, i64) {
            let (action, stage) = (e.action.as_str(), e.stage.as_str());
            (e.date, &e.state, &e.instrument, action, stage, e.id)
        }
        let mut order: Vec<usize> = (0..out.len()).collect();
        order.sort_unstable_by(|&a, &b| key(&out[a]).cmp(&key(&out[b])));
        let mut entries: Vec<Option<EventEntry>> = out.into_iter().map(Some).collect();
        Ok(order
            .into_iter()
            .filter_map(|i| entries[i].take())
            .collect())
    }
}

/// The columns of an entry that both listings read first (see [`Listing::entry_of`]), and
/// the joins that give them and a citation `c` of the entry.
const ENTRY_COLUMNS: &str = "e.id, e.state, e.instrument_id, e.action, e.stage, e.date";
/// The column of a listing's row where a citation's columns begin.
const CITATION_COLUMNS: usize = 6;
const ENTRY_JOINS: &str = "FROM event e
     LEFT JOIN citation c ON c.state = e.state AND c.event_id = e.id";

/// A listing being read: its entries, where each is by its event's id, and the names of
/// states and titles of instruments read so far.
struct Listing {
    entries: Vec<EventEntry>,
    at: HashMap<i64, usize>,
    names: HashMap<String, String>,
    titles: HashMap<String, String>,
}

impl Listing {
    /// The entry a row of a listing belongs to: the one of its event id, or a new one
    /// made from the row's [`ENTRY_COLUMNS`].
    fn entry_of(&mut self, conn: &Connection, r: &rusqlite::Row) -> Result<&mut EventEntry> {
        let id: i64 = r.get(0)?;
        // The rows of one entry come together: the last entry is asked first.
        let index = match self.entries.last() {
            Some(last) if last.id == id => self.entries.len() - 1,
            _ => match self.at.get(&id) {
                Some(&index) => index,
                None => {
                    let state: String = r.get(1)?;
                    let instrument: String = r.get(2)?;
                    let date = LedgerDate::parse_iso(&r.get::<_, String>(5)?)?;
                    let state_name = cached(&mut self.names, conn, &state, STATE_NAME)?;
                    let title = cached(&mut self.titles, conn, &instrument, INSTRUMENT_TITLE)?;
                    self.entries.push(EventEntry {
                        id,
                        state,
                        state_name,
                        instrument,
                        instrument_title: title,
                        action: r.get::<_, String>(3)?.parse()?,
                        stage: r.get::<_, String>(4)?.parse()?,
                        precision: date.precision(),
                        date,
                        citations: Vec::new(),
                        support: Support::default(),
                    });
                    self.at.insert(id, self.entries.len() - 1);
                    self.entries.len() - 1
                }
            },
        };
        Ok(&mut self.entries[index])
    }
}

/// A state's name and an instrument's title, by code and id.
const STATE_NAME: &str = "SELECT name FROM state WHERE iso3 = ?1";
const INSTRUMENT_TITLE: &str = "SELECT title FROM instrument WHERE id = ?1";

/// What `sql` gives for `key` (one text), read once and kept in `cache`. An event's state
/// and instrument are in the ledger (foreign keys); were one not, its code stands in.
fn cached(
    cache: &mut HashMap<String, String>,
    conn: &Connection,
    key: &str,
    sql: &str,
) -> Result<String> {
    if let Some(found) = cache.get(key) {
        return Ok(found.clone());
    }
    let found: Option<String> = conn
        .prepare_cached(sql)?
        .query_row([key], |r| r.get(0))
        .optional()?;
    let found = found.unwrap_or_else(|| key.to_string());
    cache.insert(key.to_string(), found.clone());
    Ok(found)
}

impl EventFilter {
    /// The part of a listing's WHERE that SQL can use an index for, spelled out per case
    /// (`?1 IS NULL OR e.state = ?1` would make SQLite scan every event).
    fn where_clause(&self) -> &'static str {
        match (&self.state, &self.instrument) {
            (Some(_), Some(_)) => "e.state = ?1 AND e.instrument_id = ?2",
            (Some(_), None) => "e.state = ?1 AND ?2 IS NULL",
            (None, Some(_)) => "?1 IS NULL AND e.instrument_id = ?2",
            (None, None) => "?1 IS NULL AND ?2 IS NULL",
        }
    }

    fn keeps(&self, e: &EventEntry) -> bool {
        if !self.actions.is_empty() && !self.actions.contains(&e.action) {
            return false;
        }
        if self.stage.is_some_and(|s| s != e.stage) {
            return false;
        }
        // A date at month or year precision is kept when its range meets the window.
        if let (Some(since), Some(end)) =
            (self.since.and_then(|d| d.first_day()), e.date.last_day())
        {
            if end < since {
                return false;
            }
        }
        if let (Some(until), Some(start)) =
            (self.until.and_then(|d| d.last_day()), e.date.first_day())
        {
            if start > until {
                return false;
            }
        }
        true
    }
}
