//! Source texts as the ledger stores them, as zstd frames (level 1, with their content size
//! and a checksum). An article ingested from a file shares a frame with the articles read
//! beside it, 128 KiB of text to a frame (`text_pack`, and its place in it in
//! `source_text`); any other source (a status table, a manual entry), and an article stored
//! before schema 8, has a frame of its own in `source.packed_text`.
//!
//! Twenty news articles of 3 KB pack together to about 0.2 of their size on the benchmark's
//! corpus, nearly twice as fast as in frames of their own (0.42 of the size), which spent a
//! third of their time building zstd's tables for every text. The ledger file is a third
//! smaller and an ingest writes a third fewer pages, twice over in WAL mode (once to the
//! log, once by the checkpoint).
//!
//! A frame is the standard zstd format: `zstd -d` reads one written out of the ledger, and
//! `treaty-ledger sources show ID` prints a source's text with its cited spans marked.

use std::cell::RefCell;
use std::ops::Range;

use crate::error::{Error, Result};

/// zstd's fastest regular level: news text packs to about 0.42 of its size here, the same
/// as level 3 at two thirds of the time.
const LEVEL: i32 = 1;

thread_local! {
    /// One compression context per thread (each ingest worker packs its own documents),
    /// kept rather than set up for every text.
    static COMPRESSOR: RefCell<Option<zstd::bulk::Compressor<'static>>> = const { RefCell::new(None) };
}

/// The stored form of `text`.
pub fn pack_text(text: &str) -> Result<Vec<u8>> {
    COMPRESSOR.with(|cell| {
        let mut slot = cell.borrow_mut();
        let compressor = match slot.as_mut() {
            Some(c) => c,
            None => slot.insert(new_compressor().map_err(packing)?),
        };
        compressor.compress(text.as_bytes()).map_err(packing)
    })
}

fn new_compressor() -> std::io::Result<zstd::bulk::Compressor<'static>> {
    let mut c = zstd::bulk::Compressor::new(LEVEL)?;
    c.include_checksum(true)?;
    c.include_contentsize(true)?;
    Ok(c)
}

fn packing(e: std::io::Error) -> Error {
    Error::StoredText(format!("packing a text: {e}"))
}

/// The text of source `source_id` from its stored form: an error, never a panic, for a
/// frame that is damaged (the checksum fails) or not UTF-8.
pub fn unpack_text(source_id: i64, packed: &[u8]) -> Result<String> {
    unpack(&format!("source {source_id}"), packed)
}

/// The bytes of text an ingest packs into one frame, at least: texts are added to a pack
/// until they hold this much. 128 KiB of the benchmark's news packs to about 23 KB, more
/// than a 16 KiB page: SQLite keeps the head of such a row on a leaf page beside other
/// rows and the rest on overflow pages it fills whole. Packs of 64 KiB (13 KB) each had a
/// page of their own, and a quarter of the text_pack pages were empty (77 MB of pages for
/// 59 MB of packs on 100k articles, against 57 MB for 53 MB now); packs of 16 articles
/// (10 KB) left 40% empty. A larger pack costs a reader more to unpack one text of it.
pub const PACK_BYTES: usize = 128 * 1024;

/// Splits a run of texts, given by their lengths in bytes, into runs that each pack into
/// one frame ([`PACK_BYTES`]): the ranges of their indices, in order, covering every text.
pub fn pack_groups(lengths: impl IntoIterator<Item = usize>) -> Vec<Range<usize>> {
    let mut groups = Vec::new();
    let (mut start, mut bytes, mut end) = (0, 0, 0);
    for (i, len) in lengths.into_iter().enumerate() {
        bytes += len;
        end = i + 1;
        if bytes >= PACK_BYTES {
            groups.push(start..end);
            (start, bytes) = (end, 0);
        }
    }
    if start < end {
        groups.push(start..end);
    }
    groups
}

/// Texts packed together, one after another, in one frame.
#[derive(Debug, Clone)]
pub struct TextPack {
    pub packed: Vec<u8>,
    /// Where each text lies in the frame unpacked: its byte range, in the order given.
    pub places: Vec<(usize, usize)>,
}

/// `texts` packed together ([`TextPack`]).
pub fn pack_texts(texts: &[&str]) -> Result<TextPack> {
    let mut joined = String::with_capacity(texts.iter().map(|t| t.len()).sum());
    let mut places = Vec::with_capacity(texts.len());
    for text in texts {
        let start = joined.len();
        joined.push_str(text);
        places.push((start, joined.len()));
    }
    Ok(TextPack {
        packed: pack_text(&joined)?,
        places,
    })
}

fn unpack(what: &str, packed: &[u8]) -> Result<String> {
    let damaged = |why: String| Error::StoredText(format!("{what}: {why}"));
    let bytes = zstd::stream::decode_all(packed).map_err(|e| damaged(e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| damaged(format!("not UTF-8 ({e})")))
}

/// The columns a query `FROM source s` joined by [`STORED_TEXT_JOINS`] selects for
/// [`TextReader::read`]: the source's own frame, and its pack and place in it.
pub(crate) const STORED_TEXT_COLUMNS: &str =
    "s.packed_text, t.pack_id, p.packed, t.text_start, t.text_end";

/// The joins of a query `FROM source s` that reads [`STORED_TEXT_COLUMNS`].
pub(crate) const STORED_TEXT_JOINS: &str =
    "LEFT JOIN source_text t ON t.source_id = s.id LEFT JOIN text_pack p ON p.id = t.pack_id";

/// Reads stored texts, keeping the last pack unpacked: the texts of a pack are read one
/// after another when the sources are read in order.
#[derive(Default)]
pub(crate) struct TextReader {
    last_pack: Option<(i64, String)>,
}

impl TextReader {
    /// The text of source `source_id` from `row`, whose columns from `at` on are
    /// [`STORED_TEXT_COLUMNS`]. A damaged frame, or a place that is not within its pack,
    /// is an error naming the source.
    pub(crate) fn read(
        &mut self,
        source_id: i64,
        row: &rusqlite::Row,
        at: usize,
    ) -> Result<String> {
        let Some(pack_id) = row.get::<_, Option<i64>>(at + 1)? else {
            return unpack_text(source_id, &row.get::<_, Vec<u8>>(at)?);
        };
        let what = || format!("source {source_id} (in pack {pack_id})");
        let unpacked = match self.last_pack.take() {
            Some((id, text)) if id == pack_id => text,
            _ => match row.get::<_, Option<Vec<u8>>>(at + 2)? {
                Some(packed) => unpack(&what(), &packed)?,
                None => {
                    return Err(Error::StoredText(format!("{}: no such pack", what())));
                }
            },
        };
        let (start, end): (i64, i64) = (row.get(at + 3)?, row.get(at + 4)?);
        let text = usize::try_from(start)
            .ok()
            .zip(usize::try_from(end).ok())
            .and_then(|(start, end)| unpacked.get(start..end))
            .map(str::to_string);
        let unpacked_len = unpacked.len();
        self.last_pack = Some((pack_id, unpacked));
        text.ok_or_else(|| {
            Error::StoredText(format!(
                "{}: bytes {start} to {end} are not a text within the pack's {unpacked_len}",
                what()
            ))
        })
    }
}

/// The stored text of source `source_id`, read through `conn` (for a reader of the file
/// that is not a [`super::Ledger`], such as a test).
pub fn stored_text(conn: &rusqlite::Connection, source_id: i64) -> Result<String> {
    let sql =
        format!("SELECT {STORED_TEXT_COLUMNS} FROM source s {STORED_TEXT_JOINS} WHERE s.id = ?1");
    let mut stmt = conn.prepare(&sql)?;
    let mut rows = stmt.query([source_id])?;
    match rows.next()? {
        Some(row) => TextReader::default().read(source_id, row, 0),
        None => Err(Error::StoredText(format!("no source {source_id}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_comes_back_as_it_went_in() {
        for text in [
            "",
            "é",
            "Azerbaijan signed the Convention on 30 October 2023.\n\n",
        ] {
            let packed = pack_text(text).expect("packs");
            assert_eq!(unpack_text(1, &packed).expect("unpacks"), text);
        }
        let long =
            "The Council of Europe Convention against Trafficking in Human Organs. ".repeat(50);
        let packed = pack_text(&long).expect("packs");
        assert!(packed.len() < long.len() / 4, "{}", packed.len());
        assert_eq!(unpack_text(1, &packed).expect("unpacks"), long);
    }

    #[test]
    fn texts_packed_together_come_back_each_from_its_place() {
        let texts = [
            "Chile ratified it.\n\n",
            "",
            "São Tomé signed.",
            "Peru acceded.",
        ];
        let TextPack { packed, places } = pack_texts(&texts).expect("packs");
        let unpacked = unpack("a pack", &packed).expect("unpacks");
        assert_eq!(unpacked, texts.concat());
        assert_eq!(places.len(), texts.len());
        for (text, (start, end)) in texts.iter().zip(places) {
            assert_eq!(&unpacked[start..end], *text);
        }
    }

    #[test]
    fn texts_are_grouped_until_a_group_holds_pack_bytes() {
        let k = PACK_BYTES / 4;
        assert_eq!(pack_groups([]), Vec::<Range<usize>>::new());
        assert_eq!(pack_groups([1, 2, 3]), vec![0..3]);
        assert_eq!(
            pack_groups([k, k, k, k, k, 0, PACK_BYTES * 2, 0, k]),
            vec![0..4, 4..7, 7..9]
        );
    }

    #[test]
    fn a_damaged_frame_is_an_error_naming_the_source() {
        let mut packed = pack_text("Azerbaijan signed the Convention.").expect("packs");
        let last = packed.len() - 1;
        packed[last] ^= 0xff; // the checksum
        let e = unpack_text(7, &packed).expect_err("damaged");
        assert!(e.to_string().contains("source 7"), "{e}");
        let e = unpack_text(8, b"plain text, never packed").expect_err("not a frame");
        assert!(e.to_string().contains("source 8"), "{e}");
    }
}
