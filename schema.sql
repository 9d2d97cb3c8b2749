-- treaty-ledger: the ledger's tables, indexes and views. The one source of truth.
--
-- Applied to a new ledger as a whole; `PRAGMA user_version` records the schema version
-- and src/ledger/migrate.rs lists the steps that bring an older ledger up to date.
-- The word columns are checked with `x = 'a' OR x = 'b'` rather than `x IN ('a', 'b')`:
-- SQLite checks an IN list through a temporary table made for every row written.
-- Words as in DESIGN.md: state, instrument, action, stage, source, claim, event, record.

-- A party that can act on a treaty: ISO 3166-1 state, the EU, or a historical state.
CREATE TABLE IF NOT EXISTS state (
    iso3        TEXT PRIMARY KEY,              -- ISO 3166-1 alpha-3 / ISO 3166-3 / EUU / XKX
    iso2        TEXT,
    numeric     TEXT,
    name        TEXT NOT NULL,                 -- short display name
    formal_name TEXT,
    kind        TEXT NOT NULL CHECK (kind = 'sovereign' OR kind = 'territory'
                                     OR kind = 'organisation' OR kind = 'historical'),
    cow_code    INTEGER,                       -- Correlates of War
    gw_code     INTEGER                        -- Gleditsch & Ward
) WITHOUT ROWID;

-- Every name a state goes by. `folded` is the lower-cased form used to resolve user input.
CREATE TABLE IF NOT EXISTS state_name (
    iso3   TEXT NOT NULL REFERENCES state (iso3) ON DELETE CASCADE,
    name   TEXT NOT NULL,
    folded TEXT NOT NULL,
    kind   TEXT NOT NULL CHECK (kind = 'code' OR kind = 'name' OR kind = 'formal'
                                OR kind = 'alias' OR kind = 'demonym'),
    PRIMARY KEY (iso3, name)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS state_name_by_folded ON state_name (folded);

-- A treaty, convention, protocol or agreement. The id says who keeps it (CETS-216, UNTC-IV-15).
-- `aliases` holds the other names it goes by, as a JSON array of texts: each once, in byte
-- order, none repeating the title or the short title. Until version 10 they were rows of a
-- table of their own (`instrument_name`), which made an import write two B-tree rows an
-- instrument where it now writes one; nothing looks an alias up but through the view below.
CREATE TABLE IF NOT EXISTS instrument (
    id          TEXT PRIMARY KEY,
    title       TEXT NOT NULL CHECK (title <> ''),
    short_title TEXT,
    depositary  TEXT,
    adopted     TEXT,                          -- ISO 8601 dates, NULL when not verified
    opened      TEXT,
    in_force    TEXT,
    url         TEXT,
    aliases     TEXT NOT NULL DEFAULT '[]' CHECK (json_type(aliases) = 'array')  -- since 10
) WITHOUT ROWID;

-- Every name an instrument goes by, one row each: its title, its short title and its
-- aliases. What the gazetteer and a look-up by name read.              -- since version 7, 10
CREATE VIEW IF NOT EXISTS instrument_names AS
SELECT id AS instrument_id, title AS name, 'title' AS kind FROM instrument
UNION ALL
SELECT id, short_title, 'short_title' FROM instrument
WHERE short_title IS NOT NULL AND short_title <> title
UNION ALL
SELECT i.id, a.value, 'alias' FROM instrument i, json_each(i.aliases) a;

-- One document as ingested (an article, an official status table, a hand-entered citation),
-- with its text kept so every citation can be re-quoted and every article re-read by a
-- newer extractor. The text is stored packed: one zstd frame (src/ledger/packed.rs), which
-- `zstd -d` reads and `treaty-ledger sources show ID` prints.
CREATE TABLE IF NOT EXISTS source (
    id        INTEGER PRIMARY KEY,
    hash      TEXT NOT NULL UNIQUE,            -- SHA-256 of the normalised text (+ address for tables)
    kind      TEXT NOT NULL CHECK (kind = 'article' OR kind = 'status_table' OR kind = 'manual'),
    origin    TEXT,                            -- file path or `file.jsonl:LINE` it was read from
    format    TEXT,                            -- text | html | jsonl | csv | manual
    url       TEXT,
    title     TEXT,
    publisher TEXT,
    author    TEXT,
    published TEXT,                            -- ISO 8601 publication date / "status as at" date
    packed_text BLOB NOT NULL                -- the normalised text, zstd (since version 6);
                                             -- empty for a text in a pack (source_text)
);

-- The texts of articles ingested side by side, packed together (since version 8): 128 KiB
-- of text, one after another, in one zstd frame, which `zstd -d` reads whole. zstd builds
-- its tables once for the lot and finds what the articles share, where a frame of its own
-- for each 3 KB article spent a third of its packing building tables.
CREATE TABLE IF NOT EXISTS text_pack (
    id     INTEGER PRIMARY KEY,
    packed BLOB NOT NULL
);

-- Where a source's text lies in its pack: bytes text_start to text_end of the frame unpacked.
CREATE TABLE IF NOT EXISTS source_text (
    source_id  INTEGER PRIMARY KEY REFERENCES source (id) ON DELETE CASCADE,
    pack_id    INTEGER NOT NULL REFERENCES text_pack (id),
    text_start INTEGER NOT NULL CHECK (text_start >= 0),
    text_end   INTEGER NOT NULL CHECK (text_end >= text_start)
);

-- One entry of the ledger: a state's act on an instrument, at a date with its precision.
CREATE TABLE IF NOT EXISTS event (
    id            INTEGER PRIMARY KEY,
    state         TEXT NOT NULL REFERENCES state (iso3),
    instrument_id TEXT NOT NULL REFERENCES instrument (id) ON UPDATE CASCADE,
    action        TEXT NOT NULL CHECK (action = 'signature' OR action = 'ratification'
                      OR action = 'accession' OR action = 'acceptance' OR action = 'approval'
                      OR action = 'succession' OR action = 'definitive_signature'
                      OR action = 'entry_into_force' OR action = 'withdrawal'),
    stage         TEXT NOT NULL CHECK (stage = 'domestic' OR stage = 'international'),
    date          TEXT NOT NULL,               -- YYYY, YYYY-MM or YYYY-MM-DD
    precision     TEXT NOT NULL CHECK (precision = 'day' OR precision = 'month' OR precision = 'year'),
    UNIQUE (state, instrument_id, action, stage, date)
);
-- A state's entries are read through the key (state, instrument_id, ...); an instrument's here.
CREATE INDEX IF NOT EXISTS event_by_instrument ON event (instrument_id, state);

-- Why an event is in the ledger: the exact words of a source (byte span into its text).
-- A citation from a `status_table` source is an official record; from an `article`, a claim.
CREATE TABLE IF NOT EXISTS citation (
    id         INTEGER PRIMARY KEY,
    event_id   INTEGER NOT NULL REFERENCES event (id) ON DELETE CASCADE,
    source_id  INTEGER NOT NULL REFERENCES source (id) ON DELETE CASCADE,
    span_start INTEGER NOT NULL CHECK (span_start >= 0),
    span_end   INTEGER NOT NULL CHECK (span_end >= span_start),
    quote      TEXT NOT NULL,
    highlights TEXT NOT NULL DEFAULT '[]',     -- JSON [[start, end], ...] of the carrying words
    extractor  TEXT NOT NULL,
    confidence REAL NOT NULL CHECK (confidence BETWEEN 0 AND 1),
    date_basis TEXT NOT NULL CHECK (date_basis = 'stated' OR date_basis = 'relative' OR date_basis = 'publication'),
    state      TEXT NOT NULL,                  -- the event's state, copied (since version 5)
    UNIQUE (event_id, source_id, span_start, span_end)
);
CREATE INDEX IF NOT EXISTS citation_by_source ON citation (source_id);
-- A state's citations side by side: listing a state reads a few pages of this index, where
-- the key by event_id holds them scattered among every state's (events are numbered in the
-- order they are first cited).                                                  -- since version 5
CREATE INDEX IF NOT EXISTS citation_by_state ON citation (state, event_id, source_id);

-- A treaty-like title in a source that names no known instrument ("the Convention on X").
CREATE TABLE IF NOT EXISTS unresolved_mention (
    source_id  INTEGER NOT NULL REFERENCES source (id) ON DELETE CASCADE,
    span_start INTEGER NOT NULL,
    span_end   INTEGER NOT NULL,
    text       TEXT NOT NULL,
    PRIMARY KEY (source_id, span_start)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS unresolved_mention_by_text ON unresolved_mention (text);

-- Which instruments each official status table records: one row per table and instrument,
-- written by the records import with the table's citations (until version 5, by a trigger on
-- every citation, which made each insert keep a statement journal). Reconciling asks it
-- whether an instrument has records at all, and how recent, without reading the citations
-- of every event on the instrument.
CREATE TABLE IF NOT EXISTS table_instrument (
    instrument_id TEXT NOT NULL REFERENCES instrument (id) ON DELETE CASCADE ON UPDATE CASCADE,
    source_id     INTEGER NOT NULL REFERENCES source (id) ON DELETE CASCADE,
    PRIMARY KEY (instrument_id, source_id)
) WITHOUT ROWID;                                                                 -- since version 4
-- Official records: events as an official status table states them.
CREATE VIEW IF NOT EXISTS record AS
SELECT e.id AS event_id, e.state, e.instrument_id, e.action, e.stage, e.date, e.precision,
       c.id AS citation_id, s.id AS source_id, s.title AS source_title, s.url AS source_url,
       s.published AS as_of, c.quote
FROM event e
JOIN citation c ON c.event_id = e.id
JOIN source s ON s.id = c.source_id AND s.kind = 'status_table';
